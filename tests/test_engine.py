"""The Value engine: forward values, gradients, and backward()'s semantics.

Every expected gradient here comes from somewhere other than the engine: a
derivative worked out by hand in the test, or a central difference.
"""

import math

import pytest

from micrograd_bp import Value, gradcheck
from micrograd_bp.graph import topological_order

# Every test here walks a graph; a walk that never ends (a broken mark in
# graph.py, say) fails after a minute instead of hanging the run.
pytestmark = pytest.mark.timeout(60)

# (name, function of Values, inputs): every operation, with numbers and Values on
# either side.  Each is checked against central differences.
OPERATIONS = [
    ("a + b", lambda a, b: a + b, [1.5, -2.0]),
    ("a + 3", lambda a: a + 3, [1.5]),
    ("3 + a", lambda a: 3 + a, [1.5]),
    ("a - b", lambda a, b: a - b, [1.5, -2.0]),
    ("2 - a", lambda a: 2 - a, [0.7]),
    ("-a", lambda a: -a, [0.7]),
    ("a * b", lambda a, b: a * b, [1.5, -2.0]),
    ("4 * a", lambda a: 4 * a, [1.5]),
    ("a / b", lambda a, b: a / b, [1.5, -2.0]),
    ("1 / a", lambda a: 1 / a, [0.3]),
    ("a ** 3", lambda a: a ** 3, [-1.3]),
    ("a ** -2", lambda a: a ** -2, [0.8]),
    ("a ** 0.5", lambda a: a ** 0.5, [2.0]),
    ("a ** b", lambda a, b: a ** b, [1.7, 0.6]),
    ("a ** b, 0 < a < 1", lambda a, b: a ** b, [0.4, 1.5]),
    ("2 ** a", lambda a: 2 ** a, [0.9]),
    ("exp", lambda a: a.exp(), [0.4]),
    ("log", lambda a: a.log(), [0.4]),
    ("sin", lambda a: a.sin(), [0.4]),
    ("cos", lambda a: a.cos(), [0.4]),
    ("tanh", lambda a: a.tanh(), [0.4]),
    ("sigmoid", lambda a: a.sigmoid(), [-0.4]),
    ("relu > 0", lambda a: a.relu(), [0.4]),
    ("relu < 0", lambda a: a.relu(), [-0.4]),
    ("Value.sum", lambda a, b, c: Value.sum([a, b, c, 2.0]), [0.1, 0.2, 0.3]),
    ("Value.weighted_sum", lambda w1, w2, h1, h2, b: Value.weighted_sum([w1, w2], [h1, h2], b),
     [0.6, -0.4, 1.3, 0.2, -0.5]),
    ("Value.weighted_sum, numbers as inputs", lambda w1, w2, b: Value.weighted_sum([w1, w2], [1.5, -2.0], b),
     [0.6, -0.4, 0.1]),
    ("Value.weighted_sum, h used twice", lambda w, h: Value.weighted_sum([w, h], [h, h], h), [0.6, -0.4]),
    ("a used twice", lambda a: a * a + a, [0.7]),
    ("composite", lambda a, b: (a * b).tanh() / b + (a - b).exp().log() ** 2, [0.3, -1.2]),
]


@pytest.mark.parametrize("name, f, inputs", OPERATIONS, ids=[op[0] for op in OPERATIONS])
def test_every_operation_matches_central_differences(name, f, inputs):
    result = gradcheck(f, inputs, tol=1e-6)
    assert result, str(result)


def test_forward_values_are_the_maths():
    x = Value(0.5)
    assert (x + 1).data == 1.5
    assert (x * 4).data == 2.0
    assert (x ** 2).data == 0.25
    assert (2 ** x).data == pytest.approx(math.sqrt(2))
    assert x.exp().data == pytest.approx(math.e ** 0.5)
    assert x.tanh().data == pytest.approx((math.exp(1) - 1) / (math.exp(1) + 1))
    assert x.sigmoid().data == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert Value(-3.0).relu().data == 0.0
    assert Value(0.5).relu().data == 0.5
    # sigmoid has two formulas (see the engine); both sides of 0 are the same curve
    for z in (-2.5, -0.5, 0.0, 0.5, 2.5):
        assert Value(z).sigmoid().data == pytest.approx(1 / (1 + math.exp(-z)), rel=1e-15)


def test_powers_at_zero():
    for exponent, expected in [(0, 0.0), (1, 1.0), (2, 0.0), (3, 0.0)]:
        x = Value(0.0)
        (x ** exponent).backward()  # d/dx x**k = k x**(k-1) at x = 0
        assert x.grad == expected, exponent


def test_a_constant_exponent_gets_grad_0_where_ln_base_is_undefined():
    # d(a**b)/db = a**b ln a needs a > 0; for a constant b at a <= 0 it is reported as 0
    for base in (-2.0, 0.0):
        x = Value(base)
        y = x ** 3
        y.backward()
        assert x.grad == 3 * base ** 2
        assert y.children[1].grad == 0.0


def test_powers_at_one():
    for exponent in (0.5, -1, 3):
        x = Value(1.0)
        (x ** exponent).backward()  # d/dx x**k = k x**(k-1) = k at x = 1
        assert x.grad == exponent


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(800.0).sigmoid().data == 1.0
    assert Value(-800.0).sigmoid().data == 0.0  # no OverflowError from exp(800)
    h = Value(-800.0).sigmoid()
    h.backward()  # dh/dz = h (1 - h) = 0 here


def test_the_tanh_neuron_from_micrographs_lecture():
    # o = tanh(x1 w1 + x2 w2 + b) with b chosen so that n = atanh(1/sqrt 2).
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    n = 2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432
    do_dn = 1 - math.tanh(n) ** 2  # = 1 - 1/2 = 0.5
    assert o.data == pytest.approx(1 / math.sqrt(2))
    assert do_dn == pytest.approx(0.5)
    assert x1.grad == pytest.approx(-3.0 * do_dn)  # w1 * do/dn
    assert w1.grad == pytest.approx(2.0 * do_dn)   # x1 * do/dn
    assert x2.grad == pytest.approx(1.0 * do_dn)
    assert w2.grad == pytest.approx(0.0)
    assert b.grad == pytest.approx(do_dn)


def test_micrograds_readme_example():
    # The expression from micrograd's README, whose numbers its authors checked
    # against PyTorch: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773.
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert g.data == pytest.approx(24.7041, abs=1e-4)
    assert a.grad == pytest.approx(138.8338, abs=1e-4)
    assert b.grad == pytest.approx(645.5773, abs=1e-4)


def test_a_node_used_twice_gets_the_sum_of_both_paths():
    a = Value(3.0)
    s = a + a  # two edges to the same node
    assert s.children == (a, a)
    s.backward()
    assert a.grad == 2.0
    p = Value(3.0)
    (p * p).backward()
    assert p.grad == 6.0  # d(p^2)/dp = 2p


def test_diamond_shared_subexpression():
    x = Value(0.5)
    y = x.tanh()
    L = y * y + y.exp()  # y reached along three edges
    L.backward()
    t = math.tanh(0.5)
    expected = (2 * t + math.exp(t)) * (1 - t * t)
    assert x.grad == pytest.approx(expected)


def test_backward_twice_doubles_leaves_and_keeps_interior_exact():
    x, w = Value(2.0), Value(-1.5)
    z = x * w
    L = z.tanh()
    L.backward()
    first = (x.grad, w.grad, z.grad)
    L.backward()
    assert x.grad == pytest.approx(2 * first[0])
    assert w.grad == pytest.approx(2 * first[1])
    assert z.grad == pytest.approx(first[2])  # interior: exactly dL/dz again
    assert L.grad == 1.0


def test_leaves_accumulate_over_samples_until_zeroed():
    w = Value(0.5)
    for x in (1.0, 2.0, 3.0):
        (w * x).backward()
    assert w.grad == 6.0  # 1 + 2 + 3
    w.grad = 0.0
    (w * 4.0).backward()
    assert w.grad == 4.0


def test_backward_of_a_leaf():
    a = Value(3.0)
    a.backward()
    assert a.grad == 1.0
    a.backward()  # a leaf accumulates, also when it is the root: dL/dL added twice
    assert a.grad == 2.0


# Operands are kept in the order they are written, also when the number is on the
# left (Python then calls the reflected method, e.g. 2 + a is a.__radd__(2)).
OPERAND_ORDER = [
    ("a + 2", lambda a: a + 2, "+"), ("2 + a", lambda a: 2 + a, "+"),
    ("a - 2", lambda a: a - 2, "-"), ("2 - a", lambda a: 2 - a, "-"),
    ("a * 2", lambda a: a * 2, "*"), ("2 * a", lambda a: 2 * a, "*"),
    ("a / 2", lambda a: a / 2, "/"), ("2 / a", lambda a: 2 / a, "/"),
    ("a ** 2", lambda a: a ** 2, "**"), ("2 ** a", lambda a: 2 ** a, "**"),
]


@pytest.mark.parametrize("text, f, op", OPERAND_ORDER, ids=[case[0] for case in OPERAND_ORDER])
def test_children_are_the_operands_in_the_order_written(text, f, op):
    a = Value(5.0, label="a")
    out = f(a)
    assert out.op == op
    written = text.split(f" {op} ")
    assert [c is a for c in out.children] == [w == "a" for w in written]
    assert [c.data for c in out.children] == [5.0 if w == "a" else 2.0 for w in written]
    assert out.data == pytest.approx(f(5.0))  # the same expression on plain floats


@pytest.mark.timeout(600)  # about 6 s of CPU; on a shared machine the wall time can be 10x
def test_deep_chain_of_a_million_operations():
    import sys
    limit = sys.getrecursionlimit()
    x = Value(1.0)
    v = x
    for _ in range(1_000_000):
        v = v + 1.0
    v.backward()
    assert x.grad == 1.0
    assert v.data == 1_000_001.0
    assert sys.getrecursionlimit() == limit


def test_topological_order_is_children_first_and_deterministic():
    def build():
        a, b = Value(1.0, label="a"), Value(2.0, label="b")
        c = (a * b).relu()
        d = c + a
        return d
    order = topological_order(build())
    position = {id(v): i for i, v in enumerate(order)}
    for v in order:
        for child in v.children:
            assert position[id(child)] < position[id(v)]
    labels_and_ops = [(v.label, v.op) for v in order]
    assert labels_and_ops == [(v.label, v.op) for v in topological_order(build())]
    assert labels_and_ops[0] == ("a", "")


def test_topological_order_visits_operands_left_to_right_and_changes_no_grad():
    a, b, c = Value(2.0, label="a"), Value(3.0, label="b"), Value(-1.0, label="c")
    p = a * b
    L = p + c
    assert topological_order(L) == [a, b, p, c, L]  # depth first, first operand first
    L.backward()
    grads = [v.grad for v in (a, b, p, c, L)]
    assert topological_order(L) == [a, b, p, c, L]  # a second walk finds the same order
    assert [v.grad for v in (a, b, p, c, L)] == grads  # and listing resets nothing


def shared(a, b, c):
    """A graph with a shared node d and operand counts 1, 2 and 4."""
    d = a * b
    e = (d + c).tanh()
    return Value.sum([e * d, d.exp(), e / (a * a + 1.0), -b])


def test_backward_by_hand_node_by_node_gives_backwards_grads():
    leaves = [Value(0.7), Value(-1.2), Value(0.4)]
    shared(*leaves).backward()
    expected = [x.grad for x in leaves]
    leaves = [Value(0.7), Value(-1.2), Value(0.4)]
    L = shared(*leaves)
    L.grad = 1.0
    for node in reversed(topological_order(L)):
        node._backward()  # each node's own chain-rule step, as in micrograd's lecture
    assert [x.grad for x in leaves] == expected
    assert gradcheck(shared, [0.7, -1.2, 0.4])  # and both are right


def test_backward_by_hand_on_the_lecture_neuron():
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2, b = Value(-3.0), Value(1.0), Value(6.8813735870195432)
    x1w1, x2w2 = x1 * w1, x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = n.tanh()
    o.grad = 1.0
    for node in (o, n, b, s, x2w2, x1w1):  # the lecture's order; b is a leaf: no step
        node._backward()
    local = 1 - math.tanh(n.data) ** 2  # d tanh(n)/dn, the closed form
    assert n.grad == pytest.approx(local) and b.grad == pytest.approx(local)
    assert w1.grad == pytest.approx(x1.data * local) and x1.grad == pytest.approx(w1.data * local)
    assert w2.grad == pytest.approx(x2.data * local) and x2.grad == pytest.approx(w2.data * local)


def test_an_mlps_forward_pass_pauses_the_collector_and_restores_it(monkeypatch):
    """MLP.trace pauses it (measured to pay, docs/benchmarks.md); a loss, teaching code, does not."""
    import gc

    from micrograd_bp import MLP
    from micrograd_bp.losses import cross_entropy

    seen = []
    real_sum, real_weighted_sum = Value.sum, Value.weighted_sum
    monkeypatch.setattr(Value, "sum", staticmethod(lambda values: seen.append(("loss", gc.isenabled()))
                                                   or real_sum(values)))
    monkeypatch.setattr(Value, "weighted_sum", staticmethod(
        lambda w, h, b: seen.append(("mlp", gc.isenabled())) or real_weighted_sum(w, h, b)))
    mlp = MLP(2, [3, 2], seed=0)
    was_on = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            seen.clear()
            cross_entropy(mlp([0.5, -1.0]), 1)
            assert {on for where, on in seen if where == "mlp"} == {False}  # paused while the MLP built
            assert {on for where, on in seen if where == "loss"} == {state}  # the loss left it alone
            assert gc.isenabled() is state  # and left as it was
    finally:
        (gc.enable if was_on else gc.disable)()


def test_value_attributes_and_aliases():
    a, b = Value(2, label="a"), Value(3.0)
    c = a * b
    assert type(a.data) is float and a.data == 2.0
    assert a.grad == 0.0 and a.op == "" and a.children == ()
    assert c.op == "*" and c.children == (a, b)
    assert c._op == "*" and set(c._prev) == {a, b}
    assert repr(a) == "Value(data=2, grad=0, label='a')"
    assert float(c) == 6.0


def test_a_value_has_no_per_node_dict():
    # __slots__: a graph of a million nodes costs no million dictionaries
    v = Value(1.0) + 2.0
    assert not hasattr(v, "__dict__")
    with pytest.raises(AttributeError):
        v.note = "a Value has exactly the attributes listed in its docstring"


def test_value_sum_of_nothing_is_refused():
    with pytest.raises(ValueError, match="Value.sum needs at least one value"):
        Value.sum([])


def test_weighted_sum_is_one_node_with_the_documents_local_derivatives():
    w = [Value(0.5, label="w1"), Value(-1.0, label="w2")]
    h = [Value(2.0, label="h1"), Value(3.0, label="h2")]
    b = Value(0.25, label="b")
    z = Value.weighted_sum(w, h, b)
    assert z.op == "w·h+b" and z.children == (*w, *h, b)
    assert z.data == 0.5 * 2.0 + (-1.0) * 3.0 + 0.25
    z.backward()
    assert [wi.grad for wi in w] == [2.0, 3.0]  # dz/dw_i = h_i
    assert [hi.grad for hi in h] == [0.5, -1.0]  # dz/dh_i = w_i
    assert b.grad == 1.0  # dz/db = 1


def test_weighted_sum_refuses_weights_and_inputs_that_do_not_pair_up():
    with pytest.raises(ValueError, match="w·h\\+b needs as many weights as inputs .* got 2 weights and 1 inputs"):
        Value.weighted_sum([Value(1.0), Value(2.0)], [Value(3.0)], Value(0.0))
    with pytest.raises(ValueError, match="got 0 weights and 0 inputs"):
        Value.weighted_sum([], [], Value(0.0))
    with pytest.raises(ValueError, match="an odd number of them\\), got 2"):
        Value(1.0).apply("w·h+b", 2.0)  # w and h, but no b
    with pytest.raises(TypeError, match="w·h\\+b takes the weights and the inputs as lists, got generator and list"):
        Value.weighted_sum((Value(1.0) for _ in range(2)), [1.0, 2.0], Value(0.0))
    inputs = iter([2.0])  # the name of its type depends on the Python implementation
    with pytest.raises(TypeError, match=f"got list and {type(inputs).__name__}"):
        Value.weighted_sum([Value(1.0)], inputs, Value(0.0))
    with pytest.raises(TypeError, match="the operand of 'w·h\\+b' needs a real number"):
        Value.weighted_sum([Value(1.0)], ["2"], Value(0.0))


def test_numpy_scalars_become_floats():
    np = pytest.importorskip("numpy")
    v = Value(np.float32(1.5)) + np.int64(2)
    assert type(v.data) is float and v.data == 3.5


def test_backward_pauses_the_cyclic_collector_and_restores_its_state():
    import gc

    from micrograd_bp.engine import collector_paused
    x = Value(1.0)
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    (x * x).backward()
    assert gc.isenabled()
    gc.disable()
    try:
        (x * x).backward()
        assert not gc.isenabled()  # a collector the user turned off stays off
    finally:
        gc.enable()


def test_apply_adds_any_number_of_operands_in_one_node():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    out = a.apply("+", b, c, 4.0)  # the registry's "+" takes any number, as Value.sum does
    assert out.op == "+" and out.data == 10.0
    assert out.children[:3] == (a, b, c) and out.children[3].data == 4.0
    out.backward()
    assert (a.grad, b.grad, c.grad) == (1.0, 1.0, 1.0)  # d(x1 + ... + xn)/dxi = 1


def test_an_interrupted_walk_leaves_every_grad_a_number():
    # The walk marks nodes through their grad slot; if it is interrupted (here by
    # an operand broken on purpose, as a KeyboardInterrupt could), no mark stays.
    x, y, z = Value(2.0), Value(3.0), Value(4.0)
    p = x * y
    L = p + z
    p._b = object()  # not a Value: the walk fails when it reaches p's operands
    with pytest.raises(AttributeError):
        L.backward()
    assert [(type(v.grad), v.grad) for v in (L, p)] == [(float, 0.0), (float, 0.0)]
