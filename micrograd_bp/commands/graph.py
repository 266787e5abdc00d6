"""``micrograd-bp deltas``: the document's backprop equations, checked (to be built)."""

HELP = "render a computation graph to a file (not built yet)"


def add_arguments(parser):
    pass


def run(args):
    print("the graph command is not built yet")
    return 1
