"""The document's equations derived by the engine's own chain rule, over symbols.

``backward()`` applies one rule per operation from :data:`micrograd_bp.rules.OPERATIONS`
to numbers.  Here the *same* rules run over sympy expressions, and sympy confirms
that what they produce is the document's algebra:

* softmax + cross-entropy:   dL/dz_k = h_k - t_k                 (Step 2)
* squared error:             dL/dz_k = dL/dh_k * sigma'(z_k)     (Step 2)
* a hidden unit:             delta_j = sum_k W_kj delta_k sigma'(z_j)   (Step 3)
* the parameters:            dL/dW_ji = delta_j h_i,  dL/db_j = delta_j  (Step 4)

How: the graph is built by the engine itself (``Layer.forward_with_z``, ``losses.softmax``)
on numbers.  Each node is then mirrored by a :class:`Node` whose ``data`` is a
sympy expression: leaves become symbols, and interior nodes are evaluated again
by their operation's ``forward`` over sympy.  Finally the reverse topological walk
of ``backward()`` runs with the operations' rules and a sympy maths namespace
(:data:`SYMPY_MATH`), so every derivative comes from the rules table, not from a
formula typed here.  The document's formula is written separately and sympy
checks that the difference simplifies to 0.

Needs the optional package sympy:  pip install -e '.[symbolic]'.
"""

import functools

from . import checks, labels, losses
from ._optional import require
from .engine import Value
from .graph import topological_order
from .nn import Layer
from .rules import OPERATIONS


def _sympy():
    return require("sympy", "symbolic", "Deriving the backprop equations symbolically")


class SympyMath:
    """The functions the rules need (see rules.FloatMath), for sympy expressions."""

    def __init__(self):
        sp = _sympy()
        self.cos, self.sin, self.log, self.exp, self.tanh = sp.cos, sp.sin, sp.log, sp.exp, sp.tanh
        self.sigmoid = lambda z: 1 / (1 + sp.exp(-z))
        self.relu = lambda z: sp.Max(0, z)

    @staticmethod
    def step(x):
        """Heaviside step with step(0) = 0, like the engine's relu' (and (z > 0))."""
        return _sympy().Heaviside(x, 0)

    @staticmethod
    def is_zero(x):
        return _sympy().S(x).is_zero is True

    @staticmethod
    def is_positive(x):
        """Unless x is known to be <= 0: a Value exponent needs a positive base."""
        return _sympy().S(x).is_positive is not False


class Node:
    """A symbolic twin of a Value: the same op and children, sympy data and grad."""

    __slots__ = ("data", "grad", "op", "children", "label")

    def __init__(self, data, op, children, label):
        self.data, self.grad, self.op, self.children, self.label = data, 0, op, children, label

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Node(data={self.data}, grad={self.grad}{label})"


class SymbolicGraph:
    """The Values of an engine graph, mirrored as :class:`Node` objects over sympy.

    ``node(v)`` is the twin of Value ``v``; ``order`` lists the twins children
    first, like :func:`~micrograd_bp.graph.topological_order`.
    """

    def __init__(self, order, twins):
        self.order, self._twins = order, twins

    def __repr__(self):
        return f"<SymbolicGraph of {len(self.order)} nodes>"

    def node(self, value):
        return self._twins[value]

    def backward(self, seeds):
        """The chain rule over the graph, seeded with {Value: dL/d(value)}.

        The same walk as ``Value.backward()``: in reverse topological order every
        node passes its grad to its children,  child.grad += local * node.grad,
        with ``local`` from the engine's rules table.  A seed of 1 at the loss is
        ordinary backpropagation; seeds delta_k at the nodes z_k stand for "the rest
        of the network", whatever it is.
        """
        m = SympyMath()
        for node in self.order:
            node.grad = 0
        for value, seed in seeds.items():
            self._twins[value].grad = seed
        for node in reversed(self.order):
            if node.children:
                local = OPERATIONS[node.op].local_derivatives(m, node.data, [c.data for c in node.children])
                for child, d in zip(node.children, local):
                    child.grad += _exact(d) * node.grad  # the chain rule


def _exact(x):
    """The rules' float constants (1.0, -1.0) as exact sympy numbers."""
    sp = _sympy()
    return sp.nsimplify(x) if isinstance(x, float) else x


def mirror(roots, symbols):
    """The graph of ``roots`` (Values) as a :class:`SymbolicGraph`.

    ``symbols`` maps a Value's label to the sympy expression that stands for it.
    A labelled node found there gets that expression as its data: a leaf becomes a
    symbol, and an interior node becomes a named quantity such as h_j (its op and
    children stay, so the chain rule still runs through it; its definition
    h_j = sigma(z_j) is substituted later).  Other leaves keep their number, made
    exact; other interior nodes are computed from their children by their
    operation's ``forward`` (its entry in :data:`micrograd_bp.rules.OPERATIONS`).
    """
    sp = _sympy()
    m = SympyMath()
    top = roots[0] if len(roots) == 1 else Value.sum(roots)  # one root to walk from
    twins, order = {}, []
    for v in topological_order(top):
        if v is top and len(roots) > 1:
            continue
        children = tuple(twins[c] for c in v.children)
        if v.label in symbols:
            data = symbols[v.label]
        elif children:
            data = OPERATIONS[v.op].forward(m, *(c.data for c in children))
        else:
            data = sp.nsimplify(v.data)
        twins[v] = Node(data, v.op, children, v.label)
        order.append(twins[v])
    return SymbolicGraph(order, twins)


def simplifies_to_zero(expr):
    """True when sympy can show ``expr`` == 0 (relu's steps via Piecewise)."""
    sp = _sympy()
    if sp.simplify(expr) == 0:
        return True
    return sp.simplify(sp.piecewise_fold(expr.rewrite(sp.Piecewise))) == 0


# --- results ----------------------------------------------------------------------

class Line:
    """One instance of an equation: lhs = (the rules' result) = (the document's)."""

    def __init__(self, lhs, engine, document, given=None):
        self.lhs, self.engine, self.document = lhs, engine, document
        self.given = given or {}  # what to substitute before comparing (h_j = sigma(z_j), ...)

    @property
    def difference(self):
        return (self.engine - self.document).subs(self.given)

    @functools.cached_property
    def holds(self):
        return simplifies_to_zero(self.difference)

    def __repr__(self):
        return f"Line({self.lhs}: rules give {self.engine}, document says {self.document})"


class Derivation:
    """One of the document's equations, derived by the engine's rules over symbols.

    ``lines`` are its instances (one per unit k or j, per weight W_ji, ...);
    ``holds`` is True when sympy simplifies every difference (rules - document) to
    0.  ``latex()`` writes the derivation; Jupyter shows it rendered.
    """

    def __init__(self, title, equation, lines, given_text=""):
        self.title, self.equation, self.lines, self.given_text = title, equation, lines, given_text

    @property
    def holds(self):
        return all(line.holds for line in self.lines)

    def latex(self):
        rows = []
        for line in self.lines:
            mark = r"\checkmark" if line.holds else r"\text{does not hold}"
            rows.append(rf"{line.lhs} &= {_tex(line.engine)} && \text{{(the engine's rules)}} \\"
                        rf" &= {_tex(line.document)} && {mark}")
        given = rf"\text{{given }} {self.given_text} \\ " if self.given_text else ""
        return (rf"\text{{{self.title}: }} {self.equation} \\ {given}"
                r"\begin{aligned}" + r" \\[4pt] ".join(rows) + r"\end{aligned}")

    def _repr_latex_(self):
        return f"$$\\begin{{gathered}}{self.latex()}\\end{{gathered}}$$"

    def __str__(self):
        verdict = "holds" if self.holds else "DOES NOT HOLD"
        lines = [f"{self.title}: {verdict}"]
        lines += [f"  {line.lhs}: rules give {line.engine}, document says {line.document}"
                  for line in self.lines]
        return "\n".join(lines)

    __repr__ = __str__  # the plain-text view in Jupyter: no memory address


class Derivations(list):
    """Several derivations, shown one after the other."""

    @property
    def holds(self):
        return all(d.holds for d in self)

    def latex(self):
        return r" \\[12pt] ".join(d.latex() for d in self)

    def _repr_latex_(self):
        return f"$$\\begin{{gathered}}{self.latex()}\\end{{gathered}}$$"

    def __str__(self):
        return "\n".join(str(d) for d in self)

    __repr__ = __str__


def _tex(expr):
    """LaTeX, with Heaviside(x, 0) shown as step(x)."""
    sp = _sympy()
    step = sp.Function(r"\operatorname{step}")
    return sp.latex(expr.replace(sp.Heaviside, lambda x, *_: step(x)))


# --- the three derivations -----------------------------------------------------------

def derive_softmax_cross_entropy(K=3):
    """Step 2 for softmax + cross-entropy: dL/dz_k = h_k - t_k, from the rules.

    L = -sum_k t_k log h_k with h = softmax(z) is built by the engine
    (``losses.softmax``), over K symbolic logits z_k and targets t_k with
    sum_k t_k = 1.
    """
    sp = _sympy()
    _check_count(K, "K (the number of classes)", 2)
    z = [Value(0.0, label=f"z[{k}]") for k in range(K)]
    t = [Value(0.0, label=f"t[{k}]") for k in range(K)]
    h = losses.softmax(z)
    L = -Value.sum([tk * hk.log() for tk, hk in zip(t, h)])
    z_sym = [sp.Symbol(f"z_{{{k}}}", real=True) for k in range(K)]
    t_sym = [sp.Symbol(f"t_{{{k}}}", real=True) for k in range(K)]
    symbols = {v.label: s for v, s in zip(z + t, z_sym + t_sym)}
    graph = mirror([L], symbols)
    graph.backward({L: 1})
    total = sp.Add(*(sp.exp(zk) for zk in z_sym))
    h_sym = [sp.Symbol(f"h_{{{k}}}", real=True) for k in range(K)]
    given = {h_sym[k]: sp.exp(z_sym[k]) / total for k in range(K)}  # h = softmax(z)
    given[t_sym[-1]] = 1 - sp.Add(*t_sym[:-1])  # the targets sum to 1
    lines = [Line(rf"\frac{{\partial L}}{{\partial z_{{{k}}}}}", graph.node(z[k]).grad,
                  h_sym[k] - t_sym[k], given) for k in range(K)]
    return Derivation(
        "softmax + cross-entropy",
        r"L = -\sum_k t_k \log h_k,\ h_k = \frac{e^{z_k}}{\sum_j e^{z_j}}"
        r" \quad\Rightarrow\quad \delta_k = \frac{\partial L}{\partial z_k} = h_k - t_k",
        lines, given_text=r"\sum_k t_k = 1")


def _check_activation(activation):
    checks.activation(activation, "symbolic derivation")


def derive_output_delta(activation="sigmoid", n_out=2):
    """Step 2 in general: delta_k = dL/dh_k * sigma'(z_k), for the squared error.

    h_k = sigma(z_k) and L = 1/n sum_k (h_k - t_k)**2 are built by the engine
    (as ``losses.mse`` computes it, with symbolic targets t_k).  The document's
    side takes dL/dh_k and sigma'(z_k) from sympy's own differentiation.
    """
    _check_activation(activation)
    sp = _sympy()
    _check_count(n_out, "n_out", 1)
    z = [Value(0.0, label=f"z[{k}]") for k in range(n_out)]
    t = [Value(0.0, label=f"t[{k}]") for k in range(n_out)]
    h = z if activation == "linear" else [getattr(zk, activation)() for zk in z]
    for k, hk in enumerate(h):
        hk.label = hk.label or f"h[{k}]"
    L = Value.sum([(hk - tk) ** 2 for hk, tk in zip(h, t)]) * (1.0 / n_out)
    z_sym = [sp.Symbol(f"z_{{{k}}}", real=True) for k in range(n_out)]
    t_sym = [sp.Symbol(f"t_{{{k}}}", real=True) for k in range(n_out)]
    h_sym = [sp.Symbol(f"h_{{{k}}}", real=True) for k in range(n_out)]
    symbols = {f"z[{k}]": z_sym[k] for k in range(n_out)}
    symbols.update({f"t[{k}]": t_sym[k] for k in range(n_out)})
    if activation != "linear":  # the outputs are a named quantity h_k
        symbols.update({f"h[{k}]": h_sym[k] for k in range(n_out)})
    graph = mirror([L], symbols)
    graph.backward({L: 1})
    L_doc = sp.Add(*((hk - tk) ** 2 for hk, tk in zip(h_sym, t_sym))) / n_out
    lines = []
    for k in range(n_out):
        sigma_prime, sigma = _sigma_prime(activation, z_sym[k])
        lines.append(Line(rf"\delta_{{{k}}} = \frac{{\partial L}}{{\partial z_{{{k}}}}}",
                          graph.node(z[k]).grad, sp.diff(L_doc, h_sym[k]) * sigma_prime,
                          {h_sym[k]: sigma}))
    sigma_text = {"linear": r"\sigma(z) = z"}.get(activation, rf"\sigma = \operatorname{{{activation}}}")
    return Derivation(
        f"the output layer's delta, squared error ({activation})",
        r"\delta_k = \frac{\partial L}{\partial h_k} \odot \sigma'(z_k),"
        r" \quad L = \frac{1}{n} \sum_k (h_k - t_k)^2",
        lines, given_text=rf"{sigma_text},\ h_k = \sigma(z_k)")


def _two_layers(activation, n_in, n_hidden, n_out, l=1):
    """Layer l (sigma) and layer l+1 (linear), built by the engine, and their symbols.

    Every symbol is named from the node's label (:func:`micrograd_bp.labels.latex`),
    so ``W12[0,1]`` becomes W^(12)_01 whatever the number of digits.
    """
    _check_activation(activation)
    _check_count(l, "l (the hidden layer's number)", 1)
    sp = _sympy()
    layer1 = Layer(n_in, n_hidden, activation, l=l, seed=0)
    layer2 = Layer(n_hidden, n_out, "linear", l=l + 1, seed=1)
    x = [Value(0.5, label=labels.h(l - 1, i)) for i in range(n_in)]
    z1, h1 = layer1.forward_with_z(x)
    z2, _ = layer2.forward_with_z(h1)
    names = [v.label for v in x] + [name for layer in (layer1, layer2)
                                    for name, _ in layer.named_parameters()]
    if activation != "linear":  # the hidden unit's output is a named quantity h_j
        names += [v.label for v in h1]
    sym = {name: sp.Symbol(labels.latex(name), real=True) for name in names}
    delta2 = [sp.Symbol(f"\\delta^{{({l + 1})}}_{{{k}}}", real=True) for k in range(n_out)]
    graph = mirror(z2, sym)
    graph.backward(dict(zip(z2, delta2)))  # dL/dz^(l+1)_k = delta^(l+1)_k
    return graph, (layer1, layer2), (x, z1, h1, z2), sym, delta2


def _sigma_prime(activation, z):
    """sigma'(z) by sympy's own differentiation (relu' at 0 taken as 0, as (z > 0))."""
    sp = _sympy()
    s = sp.Dummy("s", real=True)
    m = SympyMath()
    sigma = (lambda v: v) if activation == "linear" else (lambda v: OPERATIONS[activation].forward(m, v))
    derivative = sp.diff(sigma(s), s)
    derivative = derivative.replace(sp.Heaviside, lambda x, *_: sp.Heaviside(x, 0))
    return derivative.subs(s, z), sigma(z)


def derive_hidden_delta(activation="relu", n_in=2, n_hidden=2, n_out=2, *, l=1):
    """Step 3 for one hidden layer: delta_j = sum_k W_kj delta_k sigma'(z_j).

    Layer l (``activation``, 1 by default) feeds layer l+1 (linear), both built by
    the engine.  Whatever follows layer l+1 is summed up by its deltas: the chain
    rule is seeded with dL/dz^(l+1)_k = delta^(l+1)_k and runs with the engine's
    rules down to z^(l).  The rules express sigma'(z_j) through h_j (e.g.
    1 - h_j**2 for tanh); sympy substitutes h_j = sigma(z_j) and compares with its
    own derivative of sigma.
    """
    sp = _sympy()
    for n, what in ((n_in, "n_in"), (n_hidden, "n_hidden"), (n_out, "n_out")):
        _check_count(n, what, 1)
    graph, (layer1, layer2), (x, z1, h1, z2), sym, delta2 = _two_layers(
        activation, n_in, n_hidden, n_out, l)
    up = l + 1
    lines = []
    for j in range(n_hidden):
        z_j = graph.node(z1[j]).data  # sum_i W_ji h_i + b_j
        z_name = sp.Symbol(labels.latex(labels.z(l, j)), real=True)
        sigma_prime, sigma = _sigma_prime(activation, z_name)
        backsum = sp.Add(*(sym[labels.weight(up, k, j)] * delta2[k] for k in range(n_out)))
        given = {sym[labels.h(l, j)]: sigma} if activation != "linear" else {}
        engine = graph.node(z1[j]).grad.subs(z_j, z_name)
        lines.append(Line(rf"\delta^{{({l})}}_{{{j}}} = \frac{{\partial L}}{{\partial z^{{({l})}}_{{{j}}}}}",
                          engine, backsum * sigma_prime, given))
    sigma_text = {"linear": r"\sigma(z) = z"}.get(activation, rf"\sigma = \operatorname{{{activation}}}")
    return Derivation(
        f"a hidden unit's delta ({activation})",
        rf"\delta^{{({l})}}_j = \sum_k W^{{({up})}}_{{kj}}\, \delta^{{({up})}}_k\, \sigma'(z^{{({l})}}_j)",
        lines, given_text=(rf"{sigma_text},\ h^{{({l})}}_j = \sigma(z^{{({l})}}_j),\ "
                           rf"\delta^{{({up})}}_k = \partial L / \partial z^{{({up})}}_k"))


def derive_weight_gradient(activation="relu", n_in=2, n_hidden=2, n_out=2, *, l=1):
    """Step 4: dL/dW_ji = delta_j h_i and dL/db_j = delta_j, in layers l and l+1.

    delta_j is the grad the rules gave the node z_j; the rules' grads of W_ji and
    b_j must equal delta_j h_i and delta_j.
    """
    for n, what in ((n_in, "n_in"), (n_hidden, "n_hidden"), (n_out, "n_out")):
        _check_count(n, what, 1)
    graph, layers, (x, z1, h1, z2), sym, delta2 = _two_layers(activation, n_in, n_hidden, n_out, l)
    lines = []
    sp = _sympy()
    for layer, z, h_in in zip(layers, (z1, z2), (x, h1)):
        for j, neuron in enumerate(layer.neurons):
            # delta_j: what the rules left in the node z_j
            delta = sp.Symbol(f"\\delta^{{({layer.l})}}_{{{j}}}", real=True)
            given = {delta: graph.node(z[j]).grad}
            for i, w in enumerate(neuron.w):
                lines.append(Line(
                    rf"\frac{{\partial L}}{{\partial {labels.latex(w.label)}}}",
                    graph.node(w).grad, delta * graph.node(h_in[i]).data, given))
            lines.append(Line(rf"\frac{{\partial L}}{{\partial {labels.latex(neuron.b.label)}}}",
                              graph.node(neuron.b).grad, delta, given))
    return Derivation(
        f"the parameters' gradients ({activation})",
        r"\frac{\partial L}{\partial W^{(l)}_{ji}} = \delta^{(l)}_j h^{(l-1)}_i,\ "
        r"\frac{\partial L}{\partial b^{(l)}_j} = \delta^{(l)}_j",
        lines, given_text=r"\delta^{(l)}_j = \partial L / \partial z^{(l)}_j"
                          r" \text{ (the grad the rules left in the node } z^{(l)}_j)")


def derive_all(activation="relu"):
    """Steps 2 (softmax + cross-entropy, and squared error), 3 and 4, for ``activation``."""
    return Derivations([derive_softmax_cross_entropy(),
                        derive_output_delta(activation),
                        derive_hidden_delta(activation),
                        derive_weight_gradient(activation)])


def _check_count(n, what, least):
    checks.whole_number(n, f"symbolic derivation: {what}", least)
