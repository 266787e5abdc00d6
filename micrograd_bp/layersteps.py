"""Backpropagation through an MLP one delta at a time, as the document computes it.

``backward_steps`` walks the scalar graph node by node.  ``layer_steps`` walks the
same graph the way the document's equations do, one neuron at a time:

    Step 2  delta^(L)_j = dL/dh^(L)_j · σ'(z^(L)_j)              (output layer)
    Step 3  delta^(l)_j = (Σ_k W^(l+1)[k,j] · delta^(l+1)_k) · σ'(z^(l)_j)
    Step 4  dL/dW^(l)[j,i] = delta^(l)_j · h^(l-1)_i,   dL/db^(l)_j = delta^(l)_j

Every step writes its sum out with numbers, e.g.
``δ1[2] = (W2[0,2]·δ2[0] + W2[1,2]·δ2[1]) · σ'(z1[2]) = (0.3·0.8 + (-0.2)·0.1) · 1.0 = 0.22``.
Step 3's numbers are computed here from the weights, the deltas of the layer
above and σ' (the engine's rule for the activation), never read from the
engine's grads, so a test can hold them against ``backward()``.  The output
layer's dL/dh^(L) comes from the loss, whatever it is: it is the grad the
engine's backward pass gives the output nodes.

:func:`micrograd_bp.widgets.layer_frames` draws these steps in the neuron view.
"""

from . import nodes
from .draw import find_mlp_nodes
from .graph import topological_order
from .labels import parse_label
from .rules import local_derivatives
from .stepper import _number

STEP_TITLES = {2: "Step 2, output layer", 3: "Step 3, backpropagate", 4: "Step 4, gradient"}


class LayerStep:
    """One equation of Steps 2-4 for one neuron (or one weight).

    Attributes
    ----------
    index : int        position in the walk, from 0
    step : int         2, 3 or 4: the document's step
    l, j : int         layer and neuron (for Step 4: the weight's row j)
    i : int or None    Step 4: the weight's column (its input h^(l-1)_i)
    node : Value       the z node whose delta this is; Step 4: the weight W^(l)[j,i]
    neuron : Value     the z node z^(l)_j of the neuron (Step 4: the weight's row)
    value : float      delta^(l)_j, or dL/dW^(l)[j,i] for Step 4
    edges : tuple      the weights (Values) on the edges the equation reads
    sources : tuple    the z nodes whose deltas feed it (layer l+1), or for Step 4
                       the node h^(l-1)_i (or x_i)
    text : str         the equation with its numbers
    """

    def __init__(self, index, step, l, j, node, value, text, edges=(), sources=(), i=None,
                 neuron=None):
        self.index, self.step, self.l, self.j, self.i = index, step, l, j, i
        self.node, self.value, self.text = node, value, text
        self.neuron = node if neuron is None else neuron
        self.edges, self.sources = tuple(edges), tuple(sources)

    def __str__(self):
        return f"{STEP_TITLES[self.step]}: {self.text}"

    def __repr__(self):
        return f"<LayerStep {self.index}: step {self.step}, {self.text.split(' = ')[0]}>"


def _bracketed(x):
    return f"({_number(x)})" if x < 0 else _number(x)


class _Network:
    """The labelled nodes of one sample's MLP graph: z, h, W, b by (l, j[, i]) and x."""

    def __init__(self, root):
        found = self.found = find_mlp_nodes(topological_order(root), "layer_steps")
        self.layers = sorted({p[1] for p in found if p[0] == "z"})
        if not self.layers:
            raise ValueError("layer_steps needs a graph built by an MLP (nodes labelled "
                             "z1[0], W1[0,0], ...); this graph has none")
        self.L = self.layers[-1]

    def size(self, l):
        return len([p for p in self.found if p[0] == "z" and p[1] == l])

    def z(self, l, j):
        return self.found[("z", l, j)]

    def h(self, l, j):
        """h^(l)_j (x_j for l = 0); the z node itself for a linear layer."""
        if l == 0:
            return self.found[("x", j)]
        return self.found.get(("h", l, j), self.z(l, j))

    def W(self, l, j, i):
        return self.found[("W", l, j, i)]

    def sigma_prime(self, l, j):
        """σ'(z^(l)_j) by the engine's rule for the activation (1 for a linear layer)."""
        h = self.h(l, j)
        return 1.0 if h is self.z(l, j) else local_derivatives(h)[0]


def layer_steps(root, *, weights=None):
    """Steps 2, 3 and 4 of the document on the graph of one sample, as a list of
    :class:`LayerStep`: the output layer's deltas, then every hidden neuron's
    delta, layer by layer down to layer 1, then ``dL/dW = δ hᵀ`` for ``weights``.

    ``root`` is the loss L of one sample through an MLP (or the network's output).
    ``weights`` is a list of weight Values or labels (``"W1[0,1]"``); by default
    the weight of layer 1 with the largest |dL/dW|.  The engine's backward pass is
    run to get dL/dh^(L) from the loss; the leaves' grads are left as they were.
    """
    nodes.check_native(root, "layer_steps", " (the loss)")
    net = _Network(root)
    _backward_keeping_leaves(root)
    steps, delta = [], {}
    for j in range(net.size(net.L)):
        steps.append(_output_step(net, len(steps), j, delta))
    for l in reversed(net.layers[:-1]):
        for j in range(net.size(l)):
            steps.append(_hidden_step(net, len(steps), l, j, delta))
    for w in _chosen_weights(net, weights, delta):
        steps.append(_weight_step(net, len(steps), w, delta))
    return steps


def _backward_keeping_leaves(root):
    """root.backward() for the interior grads (dL/dh^(L)), leaves' grads kept."""
    leaves = [v for v in topological_order(root) if not v.children]
    kept = [v.grad for v in leaves]
    root.backward()
    for v, g in zip(leaves, kept):
        v.grad = g


def _output_step(net, index, j, delta):
    """Step 2: delta^(L)_j = dL/dh^(L)_j · σ'(z^(L)_j)."""
    L = net.L
    z, h = net.z(L, j), net.h(L, j)
    if h is z:  # a linear output layer: h = z, so delta = dL/dz, straight from the loss
        value = z.grad
        text = (f"δ{L}[{j}] = dL/dz{L}[{j}] = {_number(value)}   "
                f"(from the loss; the output layer is linear, h{L}[{j}] = z{L}[{j}])")
    else:
        s = net.sigma_prime(L, j)
        value = h.grad * s
        text = (f"δ{L}[{j}] = dL/dh{L}[{j}] · σ'(z{L}[{j}]) = "
                f"{_bracketed(h.grad)} · {_bracketed(s)} = {_number(value)}")
    delta[(L, j)] = value
    return LayerStep(index, 2, L, j, z, value, text)


def _hidden_step(net, index, l, j, delta):
    """Step 3: delta^(l)_j = (Σ_k W^(l+1)[k,j] · delta^(l+1)_k) · σ'(z^(l)_j)."""
    above = range(net.size(l + 1))
    edges = [net.W(l + 1, k, j) for k in above]
    back = 0.0
    for k, w in zip(above, edges):
        back += w.data * delta[(l + 1, k)]
    s = net.sigma_prime(l, j)
    value = back * s
    names = " + ".join(f"W{l + 1}[{k},{j}]·δ{l + 1}[{k}]" for k in above)
    numbers = " + ".join(f"{_bracketed(w.data)}·{_bracketed(delta[(l + 1, k)])}"
                         for k, w in zip(above, edges))
    text = (f"δ{l}[{j}] = ({names}) · σ'(z{l}[{j}]) = ({numbers}) · {_bracketed(s)} = "
            f"{_bracketed(back)} · {_bracketed(s)} = {_number(value)}")
    delta[(l, j)] = value
    return LayerStep(index, 3, l, j, net.z(l, j), value, text, edges,
                     [net.z(l + 1, k) for k in above])


def _chosen_weights(net, weights, delta):
    """The weights for Step 4, as (l, j, i) keys."""
    if weights is None:  # layer 1's weight with the largest |δ1[j] · x[i]|
        keys = [p[1:] for p in net.found if p[0] == "W" and p[1] == net.layers[0]]
        return [max(sorted(keys), key=lambda k: abs(delta[(k[0], k[1])] * net.h(0, k[2]).data))]
    if isinstance(weights, str) or not hasattr(weights, "__iter__"):
        weights = [weights]
    keys = []
    for w in weights:
        label = w if isinstance(w, str) else getattr(w, "label", "")
        parts = parse_label(label)
        if parts is None or parts[0] != "W" or parts not in net.found:
            raise ValueError(f"layer_steps: {w!r} is not a weight of this network "
                             f"(expected a label like 'W1[0,1]' or its Value)")
        keys.append(parts[1:])
    return keys


def _weight_step(net, index, key, delta):
    """Step 4: dL/dW^(l)[j,i] = delta^(l)_j · h^(l-1)_i (one entry of δ hᵀ)."""
    l, j, i = key
    h = net.h(l - 1, i)
    value = delta[(l, j)] * h.data
    h_name = f"x[{i}]" if l == 1 else f"h{l - 1}[{i}]"
    text = (f"dL/dW{l}[{j},{i}] = δ{l}[{j}] · {h_name} = "
            f"{_bracketed(delta[(l, j)])} · {_bracketed(h.data)} = {_number(value)}   "
            f"(row {j}, column {i} of δ{l} h{l - 1}ᵀ)")
    w = net.W(l, j, i)
    return LayerStep(index, 4, l, j, w, value, text, [w], [h], i=i, neuron=net.z(l, j))


def explain_layers(root, **options):
    """The steps of :func:`layer_steps` as text, one per line."""
    return "\n".join(str(s) for s in layer_steps(root, **options))
