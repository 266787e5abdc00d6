"""The engine's own rules, run over sympy symbols, give the document's equations."""

import pytest

sp = pytest.importorskip("sympy")

from micrograd_bp import rules  # noqa: E402
from micrograd_bp.engine import Value  # noqa: E402
from micrograd_bp.symbolic import (  # noqa: E402
    derive_all,
    derive_hidden_delta,
    derive_output_delta,
    derive_softmax_cross_entropy,
    derive_weight_gradient,
    mirror,
    simplifies_to_zero,
)


def test_softmax_cross_entropy_gives_h_minus_t():
    derivation = derive_softmax_cross_entropy(K=3)
    assert len(derivation.lines) == 3
    for line in derivation.lines:
        assert sp.simplify(line.difference) == 0
        assert str(line.document).replace(" ", "") in ("h_{0}-t_{0}", "h_{1}-t_{1}", "h_{2}-t_{2}")
    # the rules' raw result is not yet h - t: sympy has real work to do
    first = derivation.lines[0]
    assert first.engine != first.document.subs(first.given)
    assert derivation.holds


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_the_output_delta_for_squared_error_is_dL_dh_times_sigma_prime(activation):
    derivation = derive_output_delta(activation, n_out=3)
    for k, line in enumerate(derivation.lines):
        assert simplifies_to_zero(line.difference)
        h, t = sp.Symbol(f"h_{{{k}}}", real=True), sp.Symbol(f"t_{{{k}}}", real=True)
        # the document's side contains dL/dh_k = 2/3 (h_k - t_k), from sympy.diff
        assert sp.simplify(line.document.subs(h, t)) == 0
    assert derivation.holds


def test_a_wrong_power_rule_breaks_the_squared_error_delta(monkeypatch):
    monkeypatch.setattr(rules.OPERATIONS["**"], "derivative", lambda m, out, a, b: (a, 0))  # d(a**2)/da = a: wrong
    assert not derive_output_delta("sigmoid").holds


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_a_hidden_units_delta_is_the_backpropagated_sum(activation):
    derivation = derive_hidden_delta(activation, n_in=2, n_hidden=2, n_out=3)
    assert len(derivation.lines) == 2
    for j, line in enumerate(derivation.lines):
        assert simplifies_to_zero(line.difference)
        # the document's side is sum_k W_kj delta_k sigma'(z_j), with 3 terms in the sum
        W = [s for s in line.document.free_symbols if s.name.startswith("W^{(2)}")]
        assert sorted(s.name for s in W) == [f"W^{{(2)}}_{{{k}{j}}}" for k in range(3)]
    assert derivation.holds


def test_relu_derivative_comes_out_as_a_step():
    line = derive_hidden_delta("relu").lines[0]
    assert line.engine.has(sp.Heaviside)  # the rules' step(h_j), as in rules.relu
    z = sp.Symbol("z^{(1)}_{0}", real=True)
    assert line.document.has(sp.Heaviside(z, 0))


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_the_parameters_gradients_are_delta_times_input(activation):
    derivation = derive_weight_gradient(activation, n_in=2, n_hidden=2, n_out=2)
    # 2 layers x 2 neurons x (2 weights + 1 bias)
    assert len(derivation.lines) == 12
    for line in derivation.lines:
        assert sp.simplify(line.difference) == 0
    assert derivation.holds


def test_the_latex_shows_each_derivation():
    derivations = derive_all("tanh")
    assert derivations.holds and len(derivations) == 4
    text = derivations.latex()
    assert r"h_{0} - t_{0}" in text
    assert r"\delta^{(1)}_j = \sum_k W^{(2)}_{kj}\, \delta^{(2)}_k\, \sigma'(z^{(1)}_j)" in text
    assert r"\tanh^{2}" in text and r"\checkmark" in text
    assert text.count("{") == text.count("}")
    assert text.count(r"\begin{aligned}") == text.count(r"\end{aligned}") == 4
    assert derivations._repr_latex_().startswith("$$") and derivations._repr_latex_().endswith("$$")
    relu = derive_hidden_delta("relu")._repr_latex_()
    assert relu.count(r"\operatorname{step}") == 4 and r"\theta" not in relu  # 2 units x 2 sides
    assert "holds" in str(derivations)


# --- the derivations come from the rules table: a wrong rule is caught ----------------

def test_a_wrong_tanh_rule_breaks_the_hidden_delta(monkeypatch):
    monkeypatch.setattr(rules.OPERATIONS["tanh"], "derivative", lambda m, h, z: 1 - h)  # wrong
    derivation = derive_hidden_delta("tanh")
    assert not derivation.holds
    assert "does not hold" in derivation.latex()
    assert "DOES NOT HOLD" in str(derivation)


def test_a_wrong_division_rule_breaks_softmax_cross_entropy(monkeypatch):
    def wrong_div(m, out, a, b):
        return (1 / b, out / b)  # sign of d(a/b)/db flipped

    monkeypatch.setattr(rules.OPERATIONS["/"], "derivative", wrong_div)
    assert not derive_softmax_cross_entropy(K=2).holds


def test_a_wrong_neuron_rule_breaks_the_weight_gradient(monkeypatch):
    def unswapped(m, z, *x):  # dz/dw_i = w_i instead of h_i
        return x[:-1] + (1.0,)

    monkeypatch.setattr(rules.OPERATIONS["w·h+b"], "derivative", unswapped)
    assert not derive_weight_gradient("sigmoid", n_in=1, n_hidden=1, n_out=1).holds


# --- the machinery, on a small graph ---------------------------------------------------

def test_mirror_runs_the_chain_rule_over_any_engine_graph():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    out = (a * b + a.sin()).exp() / b
    x, y = sp.symbols("x y", positive=True)
    graph = mirror([out], {"a": x, "b": y})
    graph.backward({out: 1})
    expected = sp.exp(x * y + sp.sin(x)) / y
    assert sp.simplify(graph.node(out).data - expected) == 0
    assert sp.simplify(graph.node(a).grad - sp.diff(expected, x)) == 0
    assert sp.simplify(graph.node(b).grad - sp.diff(expected, y)) == 0


def test_powers_run_over_symbols():
    """The pow rule, d(a**b)/da = b a**(b-1) and d(a**b)/db = a**b ln a, on symbols."""
    a, b, t = Value(2.0, label="a"), Value(3.0, label="b"), Value(1.0, label="t")
    out = (a - t) ** 2 + a ** b
    x, y, s = sp.symbols("x y s", real=True)
    graph = mirror([out], {"a": x, "b": y, "t": s})
    graph.backward({out: 1})
    expected = (x - s) ** 2 + x ** y
    for leaf, symbol in ((a, x), (b, y), (t, s)):
        assert sp.simplify(graph.node(leaf).grad - sp.diff(expected, symbol)) == 0, leaf.label


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="K .* must be a whole number >= 2, got 1"):
        derive_softmax_cross_entropy(K=1)
    with pytest.raises(ValueError, match="n_hidden must be a whole number >= 1, got 0"):
        derive_hidden_delta("tanh", n_hidden=0)
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        derive_hidden_delta("softplus")


def test_without_sympy_the_error_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "sympy", None)  # import sympy now fails
    with pytest.raises(ImportError, match=r"pip install -e '\.\[symbolic\]'"):
        derive_hidden_delta("tanh")


def test_the_symbolic_objects_read_well_when_printed():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    out = a * b
    x, y = sp.symbols("x y", real=True)
    graph = mirror([out], {"a": x, "b": y})
    graph.backward({out: 1})
    assert repr(graph) == "<SymbolicGraph of 3 nodes>"
    assert repr(graph.node(a)) == "Node(data=x, grad=y, label='a')"
    line = derive_weight_gradient("linear", 1, 1, 1).lines[0]
    assert repr(line).startswith(r"Line(\frac{\partial L}{\partial W^{(1)}_{00}}: rules give ")
