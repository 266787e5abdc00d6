"""equations: the document's Steps 1-4 in numpy, one EquationCheck per equation."""

import math

import pytest

np = pytest.importorskip("numpy")

from micrograd_bp import MLP, equations  # noqa: E402
from micrograd_bp.equations import EquationCheck, Recorded, evaluate  # noqa: E402
from micrograd_bp.losses import cross_entropy  # noqa: E402


def test_an_equation_check_has_named_fields():
    c = EquationCheck(step=4, l=2, name="db", equation=np.array([0.5, -1.0]),
                      engine=np.array([0.5, -1.0 + 3e-10]), engine_source="b.grad")
    assert (c.step, c.l, c.name, c.engine_source, c.B, c.activation) == (4, 2, "db", "b.grad", 1, None)
    assert c.max_diff == pytest.approx(3e-10)
    assert c.agrees(1e-9) and not c.agrees(1e-10)
    assert repr(c) == "EquationCheck(step=4, l=2, 'dL/db^(2) = delta^(2)', max_diff=3.00e-10)"


def test_nan_never_agrees():
    c = EquationCheck(1, 1, "z", np.array([math.nan]), np.array([0.0]), "z.data")
    assert not c.agrees(1e9)


@pytest.mark.parametrize("activation, f, f_prime", [
    ("relu", lambda z: max(0.0, z), lambda z: 1.0 if z > 0 else 0.0),
    ("tanh", math.tanh, lambda z: 1 - math.tanh(z) ** 2),
    ("sigmoid", lambda z: 1 / (1 + math.exp(-z)),
     lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2),
    ("linear", lambda z: z, lambda z: 1.0),
])
def test_sigma_and_its_derivative_match_their_closed_forms(activation, f, f_prime):
    z = np.array([-2.0, -0.3, 0.0, 0.4, 3.0])
    np.testing.assert_allclose(equations.sigma(activation, z, np), [f(v) for v in z], atol=1e-15)
    np.testing.assert_allclose(equations.sigma_prime(activation, z, np), [f_prime(v) for v in z],
                               atol=1e-15)


def test_softmax_normalises_each_column():
    z = np.array([[1.0, 1000.0], [2.0, 1000.0], [3.0, 0.0]])
    h = equations.softmax(z, np)
    total = sum(math.exp(v) for v in (1.0, 2.0, 3.0))
    np.testing.assert_allclose(h[:, 0], [math.exp(v) / total for v in (1.0, 2.0, 3.0)])
    np.testing.assert_allclose(h[:, 1], [0.5, 0.5, 0.0], atol=1e-300)


def test_evaluate_lists_steps_1_to_4_in_the_documents_order():
    mlp = MLP(2, [3, 2], activation="tanh", seed=0)
    trace = mlp.trace([0.5, -1.0])
    cross_entropy(trace.z[2], 1).backward()
    checks = evaluate(Recorded(mlp, [trace], [[0.0, 1.0]], np), "cross_entropy", np)
    assert [(c.step, c.name, c.l) for c in checks] == [
        (1, "z", 1), (1, "h", 1), (1, "z", 2),  # softmax + CE reads z^(2): no h^(2) check
        (2, "delta", 2), (3, "delta", 1), (4, "dW", 2), (4, "db", 2), (4, "dW", 1), (4, "db", 1)]
    assert all(c.agrees(1e-12) for c in checks)
    step3 = checks[4]
    assert step3.activation == "tanh" and set(step3.operands) == {"W_next", "delta_next", "sigma_prime"}
    # Step 3 from its operands, written out by hand: (W^(2))^T delta^(2) * sigma'(z^(1))
    W2 = [[w.data for w in n.w] for n in mlp.layers[1].neurons]
    delta2 = [z.grad for z in trace.z[2]]
    by_hand = [sum(W2[k][j] * delta2[k] for k in range(2)) * (1 - trace.h[1][j].data ** 2)
               for j in range(3)]
    np.testing.assert_allclose(step3.equation[:, 0], by_hand, atol=1e-12)


def test_the_recorded_numbers_say_what_they_hold():
    mlp = MLP(3, [4, 2], seed=0)
    traces = [mlp.trace([0.1, 0.2, 0.3]), mlp.trace([0.3, 0.2, 0.1])]
    assert repr(Recorded(mlp, traces, [[1.0, 0.0], [0.0, 1.0]], np)) == (
        "<Recorded numbers of MLP layers [3, 4, 2], B = 2>")
