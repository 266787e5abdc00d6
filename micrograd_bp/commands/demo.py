"""``micrograd-bp demo``: the main job (for now, the engine on one neuron)."""

HELP = "show the engine on one tanh neuron: forward, backward, and a gradient check"


def add_arguments(parser):
    pass


def run(args):
    from micrograd_bp import Value, gradcheck

    def neuron(x1, x2, w1, w2, b):
        return (x1 * w1 + x2 * w2 + b).tanh()

    inputs = [2.0, 0.0, -3.0, 1.0, 6.8813735870195432]
    names = ["x1", "x2", "w1", "w2", "b"]
    values = [Value(v, label=n) for v, n in zip(inputs, names)]
    o = neuron(*values)
    o.backward()
    print(f"o = tanh(x1*w1 + x2*w2 + b) = {o.data:.4f}")
    for v in values:
        print(f"  dL/d{v.label} = {v.grad:+.4f}")
    print(gradcheck(neuron, inputs))
    return 0
