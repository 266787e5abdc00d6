"""``micrograd-bp deltas``: the document's backprop equations, checked (to be built)."""

HELP = "check the document's delta equations against the engine (not built yet)"


def add_arguments(parser):
    pass


def run(args):
    print("the deltas command is not built yet")
    return 1
