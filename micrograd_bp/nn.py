"""Neurons, layers and the multi-layer perceptron, built from scalar Values.

The document's forward pass for layer l, one neuron j at a time::

    z^(l)_j = sum_i W^(l)[j, i] * h^(l-1)_i + b^(l)_j      (pre-activation)
    h^(l)_j = sigma(z^(l)_j)                                (activation)

with h^(0) = x, the input.  Layers are numbered from 1 as in the document, so
``mlp.layers[l - 1].neurons[j].w[i]`` is the Value W^(l)[j, i] (``mlp.layers[0]``
is layer 1), and every parameter is labelled in that notation (``W1[0,1]``,
``b2[0]``), as are the z and h nodes a forward pass builds (``z1[0]``, ``h1[0]``).

Shaped like PyTorch's ``nn.Module``: calling a module runs its ``forward``, which
returns the output (``mlp(x)``, ``layer(h)``, ``neuron(h)``).  The pre-activations
are nodes of the graph as well; ``forward_with_z`` returns the pair (z, h) of a
neuron or a layer, and ``mlp.trace(x)`` records z^(l) and h^(l) of every layer.
"""

import random

from . import checks, labels, torch_bridge
from .engine import Value, collector_paused

ACTIVATIONS = checks.ACTIVATIONS  # relu, tanh, sigmoid, linear


class Module:
    """Anything with parameters: they can be listed, named and zeroed.

    As in PyTorch, calling a module runs its ``forward`` and returns the output:
    ``layer(h)`` is ``layer.forward(h)``.
    """

    def forward(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *inputs):
        return self.forward(*inputs)

    def outputs(self, *inputs):
        """The output as a list, one Value per output, whatever ``forward`` returns:
        the one shape code that handles any model can rely on (``fit``, ``predict``)."""
        return unsqueezed(self(*inputs))

    def __repr__(self):
        return f"{type(self).__name__}({len(self.parameters())} parameters)"

    def named_parameters(self):
        """A list of (name, Value) pairs; the names follow the document (W1[j,i], b1[j])."""
        return []

    def parameters(self):
        """The parameters as a list of Values (the order of ``named_parameters``)."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self):
        """Set every parameter's grad to 0 (leaves accumulate until this is called)."""
        for p in self.parameters():
            p.grad = 0.0


def _make_rng(seed, rng):
    if rng is not None and seed is not None:
        raise ValueError("give either seed= or rng=, not both")
    if rng is not None:
        return rng
    return random.Random(seed) if seed is not None else random


class Neuron(Module):
    """One neuron j of layer l:  z = sum_i w_i h_i + b,  h = sigma(z).

    ``w[i]`` is W^(l)[j, i] and ``b`` is b^(l)_j.  Weights start uniform in [-1, 1]
    and the bias at 0, as in micrograd.
    """

    def __init__(self, nin, activation="relu", *, l=1, j=0, seed=None, rng=None):
        checks.whole_number(nin, "Neuron: nin (the number of inputs)")
        self.activation = checks.activation(activation, "Neuron")
        self.l, self.j = l, j
        rng = _make_rng(seed, rng)
        self.w = [Value(rng.uniform(-1, 1), label=labels.weight(l, j, i)) for i in range(nin)]
        self.b = Value(0.0, label=labels.bias(l, j))
        # Labels for the nodes each forward pass builds, made once and shared.
        self._z_label, self._h_label = labels.z(l, j), labels.h(l, j)

    def forward(self, h):
        """h_out = sigma(z), the neuron's output for the inputs h."""
        return self.forward_with_z(h)[1]

    def forward_with_z(self, h):
        """(z, h_out) for the inputs h: z = w . h + b, h_out = sigma(z).

        The pre-activation z is a node of the graph too; its grad is delta.
        """
        if len(h) != len(self.w):
            raise ValueError(
                f"neuron {labels.weight_row(self.l, self.j)} expects {len(self.w)} inputs, got {len(h)}"
            )
        z = Value.weighted_sum(self.w, h, self.b)  # one node: z = w . h + b
        z.label = self._z_label
        if self.activation == "linear":
            return z, z
        out = getattr(z, self.activation)()
        out.label = self._h_label
        return z, out

    def named_parameters(self):
        return [(p.label, p) for p in self.w] + [(self.b.label, self.b)]

    def __repr__(self):
        return f"Neuron(nin={len(self.w)}, activation={self.activation!r})"


class Layer(Module):
    """Layer l: nout neurons that all read the same inputs h^(l-1)."""

    def __init__(self, nin, nout, activation="relu", *, l=1, seed=None, rng=None):
        checks.whole_number(nout, "Layer: nout (the number of neurons)")
        rng = _make_rng(seed, rng)
        self.l = l
        self.neurons = [Neuron(nin, activation, l=l, j=j, rng=rng) for j in range(nout)]

    @property
    def activation(self):
        return self.neurons[0].activation

    def forward(self, h):
        """h^(l), always a list (also for a layer of one neuron)."""
        return self.forward_with_z(h)[1]

    def forward_with_z(self, h):
        """(z^(l), h^(l)) as two lists, one entry per neuron."""
        pairs = [n.forward_with_z(h) for n in self.neurons]
        return [z for z, _ in pairs], [out for _, out in pairs]

    def named_parameters(self):
        return [pair for n in self.neurons for pair in n.named_parameters()]

    def __repr__(self):
        return f"Layer(nin={len(self.neurons[0].w)}, nout={len(self.neurons)}, activation={self.activation!r})"


def squeezed(outputs):
    """A network's outputs as ``mlp(x)`` returns them: the one Value of a one-output
    network, else the list (PyTorch's ``squeeze`` of a length-1 dimension).  So
    ``(mlp(x) - y) ** 2`` reads as in micrograd; ``mlp.outputs(x)`` is always a list."""
    return outputs[0] if len(outputs) == 1 else outputs


def unsqueezed(output):
    """What a model call returned, as a list of Values (a single Value becomes [it])."""
    return [output] if isinstance(output, Value) else list(output)


class Trace:
    """What one forward pass computed, layer by layer, in the document's names.

    ``z[l]`` and ``h[l]`` are lists of Values for l = 1..L; ``h[0]`` is the input x
    (``z[0]`` is None).  ``output`` is what the MLP call returns.
    """

    def __init__(self, x):
        self.z = [None]
        self.h = [x]

    @property
    def L(self):
        """The number of layers."""
        return len(self.h) - 1

    @property
    def output(self):
        """h^(L) as the MLP call returns it (see :func:`squeezed`)."""
        return squeezed(self.h[-1])

    def __repr__(self):
        sizes = [len(h) for h in self.h]
        out = self.output
        shown = (f"{out.data:.4g}" if not isinstance(out, list)
                 else "[" + ", ".join(f"{v.data:.4g}" for v in out) + "]")
        return f"Trace(L={self.L}, sizes={sizes}, output={shown})"


class MLP(Module):
    """A multi-layer perceptron: MLP(nin, [n1, n2, ..., nL]).

    Hidden layers use ``activation``; the last layer uses ``output_activation``
    ("linear" by default, so its outputs are logits).
    """

    def __init__(self, nin, nouts, activation="relu", *, output_activation="linear",
                 seed=None, rng=None):
        checks.whole_number(nin, "MLP: nin (the number of inputs)")
        if isinstance(nouts, int) or not nouts:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r}")
        checks.activation(activation, "MLP")
        checks.activation(output_activation, "MLP (output_activation)")
        rng = _make_rng(seed, rng)
        self.activation, self.output_activation = activation, output_activation
        sizes = [nin] + list(nouts)
        L = len(nouts)
        self.layers = [
            Layer(sizes[l - 1], sizes[l], activation if l < L else output_activation,
                  l=l, rng=rng)
            for l in range(1, L + 1)
        ]

    @property
    def nin(self):
        return len(self.layers[0].neurons[0].w)

    @collector_paused()  # building the graph: see engine.collector_paused
    def trace(self, x):
        """Run the forward pass and record z^(l) and h^(l) for every layer (a Trace)."""
        if not isinstance(x, (list, tuple)):
            raise TypeError(f"an MLP takes a list of {self.nin} numbers or Values, got {x!r}")
        if len(x) != self.nin:
            raise ValueError(f"this MLP expects {self.nin} inputs, got {len(x)}: {x!r}")
        h = [xi if isinstance(xi, Value) else Value(xi, label=labels.x(i)) for i, xi in enumerate(x)]
        record = Trace(h)
        for layer in self.layers:
            z, h = layer.forward_with_z(h)
            record.z.append(z)
            record.h.append(h)
        return record

    def forward(self, x):
        """The network's output h^(L): a Value if the last layer has one neuron, else a
        list (:func:`squeezed`).  For one shape whatever the width, use :meth:`outputs`."""
        return self.trace(x).output

    def outputs(self, x):
        """h^(L) as a list, one Value per output neuron, also for one output."""
        return self.trace(x).h[-1]

    def named_parameters(self):
        return [pair for layer in self.layers for pair in layer.named_parameters()]

    def to_torch(self, dtype=None):
        """The same network as a ``torch.nn.Sequential`` (see :mod:`micrograd_bp.torch_bridge`)."""
        return torch_bridge.to_torch(self, dtype)

    @classmethod
    def from_torch(cls, module):
        """An MLP with the weights of a PyTorch Sequential (read by
        :func:`micrograd_bp.torch_bridge.read_sequential`; a round trip is exact)."""
        spec = torch_bridge.read_sequential(module)
        mlp = cls(spec.nin, spec.nouts, activation=spec.activation,
                  output_activation=spec.output_activation, seed=0)
        for layer, (W, b) in zip(mlp.layers, spec.weights):
            for neuron, W_j, b_j in zip(layer.neurons, W, b):
                for w, value in zip(neuron.w, W_j):
                    w.data = value
                neuron.b.data = b_j
        return mlp

    def __repr__(self):
        sizes = [len(layer.neurons) for layer in self.layers]
        return (f"MLP(nin={self.nin}, nouts={sizes}, activation={self.activation!r}, "
                f"output_activation={self.output_activation!r})")
