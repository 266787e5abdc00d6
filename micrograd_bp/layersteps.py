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
engine's grads, so a test can hold them against ``backward()``.  Beside each
Step 3 equation stands the engine's own way to the same sum: the ``+=`` of
``backward()`` into h^(l)_j's grad, one edge at a time, in the order the engine
does them (``h1[0].grad: 0.0 -> 0.3088 -> 0.1985 -> 0.4375``), and whether the
two agree.

Step 2 with softmax and cross-entropy is the document's delta^(L) = h - t: h
(the probabilities softmax(z^(L))) computed here from the logits, t read from
the loss's graph.  For any other loss dL/dh^(L) comes from the loss: it is the
grad the engine's backward pass gives the output nodes.

:func:`micrograd_bp.widgets.layer_frames` draws these steps in the neuron view.
"""

import math

from . import nodes
from .draw import find_mlp_nodes
from .graph import topological_order
from .labels import parse_label
from .rules import local_derivatives
from .steps import backward_steps, number, wrapped

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
    engine : tuple     Step 3: the engine's ``+=`` into h^(l)_j's grad, one
                       :class:`Accumulation` per edge, in the engine's order
    """

    def __init__(self, index, step, l, j, node, value, text, edges=(), sources=(), i=None,
                 neuron=None, engine=()):
        self.index, self.step, self.l, self.j, self.i = index, step, l, j, i
        self.node, self.value, self.text = node, value, text
        self.neuron = node if neuron is None else neuron
        self.edges, self.sources = tuple(edges), tuple(sources)
        self.engine = tuple(engine)

    def engine_text(self):
        """Step 3: the engine's sum, e.g. ``the engine's backward(), one edge at a
        time: h1[0].grad 0.0 -> 0.3088 -> 0.1985 -> 0.4375 = the Σ above``; else ""."""
        if not self.engine:
            return ""
        h = self.engine[0].name
        chain = " -> ".join([number(self.engine[0].before)] + [number(a.after) for a in self.engine])
        total = self.engine[-1].after
        back = self.engine[0].expected
        agrees = abs(total - back) <= 1e-9 * max(1.0, abs(back))
        verdict = "= the Σ above" if agrees else f"differs from the Σ above ({number(back)})"
        return f"the engine's backward(), one edge at a time: {h}.grad {chain} {verdict}"

    def __str__(self):
        engine = self.engine_text()
        return (wrapped(f"{STEP_TITLES[self.step]}: {self.text}")
                + (f"\n{wrapped('  ' + engine, '      ')}" if engine else ""))

    def __repr__(self):
        return f"<LayerStep {self.index}: step {self.step}, {self.text.split(' = ')[0]}>"


class Accumulation:
    """One ``+=`` of the engine's backward() into h^(l)_j's grad (Step 3):
    ``h1[0].grad += W2[k,0]·δ2[k]``, made by the step of z^(l+1)_k.

    ``name`` (``h1[0]``), ``k``, ``weight`` (the Value W^(l+1)[k,j]), ``local``
    (its data), ``delta`` (the engine's δ^(l+1)_k, ``l`` the layer of h), ``before``/``after`` (the
    grad), ``expected`` (the equation's Σ_k, computed without the engine).
    """

    def __init__(self, name, l, k, weight, local, delta, before, after, expected):
        self.name, self.l, self.k, self.weight = name, l, k, weight
        self.local, self.delta, self.before, self.after = local, delta, before, after
        self.expected = expected

    def __str__(self):
        return (f"{self.name}.grad += {self.weight.label}·δ{self.l + 1}[{self.k}] = "
                f"{_bracketed(self.local)}·{_bracketed(self.delta)} = "
                f"{number(self.local * self.delta)}   "
                f"({self.name}.grad: {number(self.before)} -> {number(self.after)})")


def _bracketed(x):
    return f"({number(x)})" if x < 0 else number(x)


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
    engine = _backward_keeping_leaves(root, net)
    target = _softmax_target(root, net)
    steps, delta = [], {}
    for j in range(net.size(net.L)):
        steps.append(_output_step(net, len(steps), j, delta, target))
    for l in reversed(net.layers[:-1]):
        for j in range(net.size(l)):
            steps.append(_hidden_step(net, len(steps), l, j, delta, engine[(l, j)]))
    for w in _chosen_weights(net, weights, delta):
        steps.append(_weight_step(net, len(steps), w, delta))
    return steps


def _backward_keeping_leaves(root, net):
    """root.backward(), step by step, for the interior grads (dL/dh^(L)), leaves'
    grads kept.  Returns what the engine added into each h^(l)_j of a hidden layer:
    {(l, j): [(k, Term), ...]}, the steps of z^(l+1)_k in the engine's order."""
    leaves = [v for v in topological_order(root) if not v.children]
    kept = [v.grad for v in leaves]
    hidden = {net.h(l, j): (l, j) for l in net.layers[:-1] for j in range(net.size(l))}
    users = {net.z(l, k): k for l in net.layers[1:] for k in range(net.size(l))}
    added = {key: [] for key in hidden.values()}
    for step in backward_steps(root):
        if step.node in users:
            for term in step.terms:
                if term.child in hidden:
                    added[hidden[term.child]].append((users[step.node], term, step.grad))
    for v, g in zip(leaves, kept):
        v.grad = g
    return added


def _softmax_target(root, net):
    """t, when ``root`` is the cross-entropy of the output layer's logits (its
    graph multiplies each log_softmax[k] by t_k, leaving out t_k = 0); else None."""
    if root.label != "cross_entropy" or any(net.h(net.L, j) is not net.z(net.L, j)
                                            for j in range(net.size(net.L))):
        return None
    t = [0.0] * net.size(net.L)
    for v in topological_order(root):
        if v.op != "*" or len(v.children) != 2:
            continue
        for a, b in (v.children, v.children[::-1]):
            k = _log_softmax_index(a.label)
            if k is not None and not b.children and k < len(t):
                t[k] = b.data
    return t


def _log_softmax_index(label):
    if label.startswith("log_softmax[") and label.endswith("]") and label[12:-1].isdigit():
        return int(label[12:-1])
    return None


def _softmax(z):
    """h_k = e**z_k / Σ_j e**z_j from the logits' data (the max subtracted first)."""
    m = max(z)
    e = [math.exp(zk - m) for zk in z]
    total = sum(e)
    return [ek / total for ek in e]


def _output_step(net, index, j, delta, target=None):
    """Step 2: delta^(L)_j = h^(L)_j - t_j (softmax and cross-entropy), else
    delta^(L)_j = dL/dh^(L)_j · σ'(z^(L)_j)."""
    L = net.L
    z, h = net.z(L, j), net.h(L, j)
    if target is not None:  # the document's case: h = softmax(z), delta = h - t
        probabilities = _softmax([net.z(L, k).data for k in range(net.size(L))])
        value = probabilities[j] - target[j]
        text = (f"δ{L}[{j}] = h{L}[{j}] - t[{j}] = {number(probabilities[j])} - "
                f"{_bracketed(target[j])} = {number(value)}   (h{L} = softmax(z{L}) = "
                f"({', '.join(number(p) for p in probabilities)}), "
                f"t = ({', '.join(number(tk) for tk in target)}); "
                f"the engine's dL/dz{L}[{j}] = {number(z.grad)})")
    elif h is z:  # a linear output layer and another loss: delta = dL/dz from the loss
        value = z.grad
        text = (f"δ{L}[{j}] = dL/dz{L}[{j}] = {number(value)}   "
                f"(from the loss, which reads the linear output z{L}[{j}] directly)")
    else:
        s = net.sigma_prime(L, j)
        value = h.grad * s
        text = (f"δ{L}[{j}] = dL/dh{L}[{j}] · σ'(z{L}[{j}]) = "
                f"{_bracketed(h.grad)} · {_bracketed(s)} = {number(value)}")
    delta[(L, j)] = value
    return LayerStep(index, 2, L, j, z, value, text)


def _hidden_step(net, index, l, j, delta, added=()):
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
            f"{_bracketed(back)} · {_bracketed(s)} = {number(value)}")
    delta[(l, j)] = value
    name = f"h{l}[{j}]" if net.h(l, j) is not net.z(l, j) else f"z{l}[{j}]"
    engine = [Accumulation(name, l, k, net.W(l + 1, k, j), term.local, grad, term.before,
                           term.after, back) for k, term, grad in added]
    return LayerStep(index, 3, l, j, net.z(l, j), value, text, edges,
                     [net.z(l + 1, k) for k in above], engine=engine)


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
            f"{_bracketed(delta[(l, j)])} · {_bracketed(h.data)} = {number(value)}   "
            f"(row {j}, column {i} of δ{l} h{l - 1}ᵀ)")
    w = net.W(l, j, i)
    return LayerStep(index, 4, l, j, w, value, text, [w], [h], i=i, neuron=net.z(l, j))


def explain_layers(root, **options):
    """The steps of :func:`layer_steps` as text, one per line."""
    return "\n".join(str(s) for s in layer_steps(root, **options))
