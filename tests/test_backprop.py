"""The document's backprop equations (Steps 1-4, the 1/B minibatch form) vs backward()."""

import random

import pytest

np = pytest.importorskip("numpy")

from micrograd_bp import equations, rules  # noqa: E402
from micrograd_bp.backprop import check_backprop  # noqa: E402
from micrograd_bp.losses import cross_entropy  # noqa: E402
from micrograd_bp.nn import MLP  # noqa: E402


def random_batch(nin, B, seed):
    rng = random.Random(seed)
    return [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(B)]


def parameters(mlp, l):
    """W^(l), b^(l) of the engine's MLP as numpy arrays (data, or grad)."""
    neurons = mlp.layers[l - 1].neurons
    W = np.array([[w.data for w in n.w] for n in neurons])
    b = np.array([n.b.data for n in neurons])
    return W, b


def grads(mlp, l):
    neurons = mlp.layers[l - 1].neurons
    return (np.array([[w.grad for w in n.w] for n in neurons]),
            np.array([n.b.grad for n in neurons]))


# --- the document's own numpy example, as the document writes it ---------------

def relu(x):
    return np.maximum(0, x)


def relu_derivative(x):
    return (x > 0).astype(float)


def softmax(x):
    e_x = np.exp(x - np.max(x))
    return e_x / np.sum(e_x)


def test_the_documents_numpy_example_gives_the_engines_gradients():
    mlp = MLP(3, [5, 4], activation="relu", seed=7)
    x_list, target = [0.8, -1.2, 0.5], 2
    W1, b1 = parameters(mlp, 1)
    W2, b2 = parameters(mlp, 2)
    x = np.array(x_list)
    y_true = np.eye(4)[target]

    # Forward pass
    h1 = relu(W1 @ x + b1)
    y = softmax(W2 @ h1 + b2)

    # Backward pass, line by line as in the document
    delta2 = y - y_true  # for softmax + cross-entropy
    dW2 = np.outer(delta2, h1)
    db2 = delta2
    delta1 = (W2.T @ delta2) * relu_derivative(W1 @ x + b1)
    dW1 = np.outer(delta1, x)
    db1 = delta1

    # The engine: scalar nodes, the chain rule one edge at a time
    trace = mlp.trace(x_list)
    L = cross_entropy(trace.z[2], target)
    L.backward()

    assert delta1.any(), "a hidden unit must be active for the test to mean anything"
    np.testing.assert_allclose([z.grad for z in trace.z[2]], delta2, atol=1e-12)
    np.testing.assert_allclose([z.grad for z in trace.z[1]], delta1, atol=1e-12)
    for l, (dW, db) in {1: (dW1, db1), 2: (dW2, db2)}.items():
        engine_dW, engine_db = grads(mlp, l)
        np.testing.assert_allclose(engine_dW, dW, atol=1e-12)
        np.testing.assert_allclose(engine_db, db, atol=1e-12)

    # ... and the report evaluates the same equations
    report = check_backprop(mlp, x_list, target)
    assert report.ok
    np.testing.assert_allclose(report.get("delta", 1).equation[:, 0], delta1, atol=1e-12)
    np.testing.assert_allclose(report.get("dW", 2).equation, dW2, atol=1e-12)


# --- every activation, depth, batch size and loss ----------------------------------

@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("B", [1, 4])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_every_equation_agrees(activation, B, loss):
    output = "linear" if loss == "cross_entropy" else "sigmoid"
    mlp = MLP(3, [4, 3, 2], activation=activation, output_activation=output, seed=B)
    X = random_batch(3, B, seed=1)
    T = [i % 2 for i in range(B)] if loss == "cross_entropy" else random_batch(2, B, seed=2)
    report = check_backprop(mlp, X, T, loss=loss)
    assert report.ok, str(report)
    names = [(c.step, c.name, c.l) for c in report.checks]
    assert (2, "delta", 3) in names and (3, "delta", 2) in names and (3, "delta", 1) in names
    assert {(4, "dW", l) for l in (1, 2, 3)} <= set(names)
    assert report.get("dW", 1).engine.any()


def test_a_deep_network_and_a_single_sample_without_batch_brackets():
    mlp = MLP(2, [3, 3, 3, 3, 2], activation="tanh", seed=3)
    report = check_backprop(mlp, [0.3, -0.7], [0.0, 1.0])
    assert report.ok and report.B == 1
    assert len([c for c in report.checks if c.step == 3]) == 4


def test_minibatch_gradient_is_the_average_of_the_samples_gradients():
    """dL/dW = 1/B sum_i delta_i h_i^T: the batch's grads are the mean of B single runs."""
    mlp = MLP(3, [4, 2], activation="tanh", seed=5)
    X, T = random_batch(3, 3, seed=9), [0, 1, 1]
    singles = []
    for x, t in zip(X, T):
        check_backprop(mlp, x, t)
        singles.append([grads(mlp, l) for l in (1, 2)])
    report = check_backprop(mlp, X, T)
    assert report.ok
    for l in (1, 2):
        dW, db = grads(mlp, l)
        np.testing.assert_allclose(dW, np.mean([s[l - 1][0] for s in singles], axis=0), atol=1e-12)
        np.testing.assert_allclose(db, np.mean([s[l - 1][1] for s in singles], axis=0), atol=1e-12)
        np.testing.assert_allclose(report.get("dW", l).equation, dW, atol=1e-12)
    # each sample's delta_i is a column; the engine's z nodes hold delta_i / B
    trace = report.traces[1]
    np.testing.assert_allclose(report.get("delta", 2).equation[:, 1] / 3,
                               [z.grad for z in trace.z[2]], atol=1e-12)


def test_the_equations_match_pytorch():
    torch = pytest.importorskip("torch")
    mlp = MLP(3, [4, 2], activation="sigmoid", seed=11)
    X, T = random_batch(3, 5, seed=4), [0, 1, 1, 0, 1]
    report = check_backprop(mlp, X, T)
    W1, b1 = (torch.tensor(a, requires_grad=True) for a in parameters(mlp, 1))
    W2, b2 = (torch.tensor(a, requires_grad=True) for a in parameters(mlp, 2))
    logits = torch.sigmoid(torch.tensor(X, dtype=torch.float64) @ W1.T + b1) @ W2.T + b2
    torch.nn.functional.cross_entropy(logits, torch.tensor(T)).backward()
    for l, (W, b) in {1: (W1, b1), 2: (W2, b2)}.items():
        np.testing.assert_allclose(report.get("dW", l).equation, W.grad.numpy(), atol=1e-10)
        np.testing.assert_allclose(report.get("db", l).equation, b.grad.numpy(), atol=1e-10)


def test_large_values_neither_overflow_nor_fail_the_tolerance():
    mlp = MLP(2, [3, 2], activation="sigmoid", seed=0)
    for neuron in mlp.layers[0].neurons:
        neuron.w[0].data *= 1e6  # |z^(1)| of millions: sigmoid saturates
    mlp.layers[1].neurons[0].b.data = 1e3  # logits of a thousand
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        report = check_backprop(mlp, [[3.0, -1.0], [-3.0, 2.0]], [1, 0])
    assert report.ok, str(report)
    assert abs(report.get("z", 1).equation).max() > 1e6


# --- the report can fail ------------------------------------------------------------

def test_a_wrong_rule_in_the_engine_makes_the_report_fail(monkeypatch):
    mlp = MLP(3, [4, 2], activation="relu", seed=0)
    monkeypatch.setattr(rules.OPERATIONS["relu"], "derivative", lambda m, h, z: 1.0)  # relu' = 1: wrong
    report = check_backprop(mlp, random_batch(3, 2, seed=0), [0, 1])
    assert not report.ok and not report
    failed = {(c.name, c.l) for c in report.failures}
    assert ("delta", 1) in failed and ("dW", 1) in failed
    assert ("delta", 2) not in failed  # the output layer is linear: untouched
    assert "DISAGREE" in str(report) and "DISAGREE" in report._repr_html_()


def test_a_wrong_equation_makes_the_report_fail(monkeypatch):
    wrong = equations.sigma_prime
    monkeypatch.setattr(equations, "sigma_prime",
                        lambda a, z, np: wrong(a, z, np) * (1.5 if a == "tanh" else 1.0))
    report = check_backprop(MLP(2, [3, 2], activation="tanh", seed=1), [0.5, -0.5], 0)
    assert [(c.name, c.l) for c in report.failures] == [("delta", 1), ("dW", 1), ("db", 1)]


def test_one_wrong_engine_number_is_caught():
    report = check_backprop(MLP(2, [3, 2], seed=2), [1.0, 2.0], 1)
    assert report.ok
    report.get("db", 2).engine[0] += 1e-6
    assert not report.ok and report.failures == [report.get("db", 2)]
    report.tol = 1e-5
    assert report.ok


# --- on screen ------------------------------------------------------------------------

def test_the_text_table_is_aligned_and_shows_the_numbers():
    report = check_backprop(MLP(3, [4, 2], seed=0), random_batch(3, 2, seed=3), [1, 0])
    table = report.table().splitlines()
    column = table[0].index("max |diff|")
    assert all(row[column - 2:column] == "  " for row in table[1:])
    assert all(row.rstrip().endswith("agree") for row in table[1:])
    text = str(report)
    assert "delta^(2) = h^(2) - t" in text
    assert "delta^(1) = (W^(2))^T delta^(2) * sigma'(z^(1))" in text
    assert "dL/dW^(1) = 1/B sum_i delta_i^(1) (h_i^(0))^T" in text
    assert "B * z.grad" in text
    assert "all 9 equations agree" in text
    # the numbers block shows the equation's matrix beside the engine's
    dW2 = report.get("dW", 2).equation
    assert f"{dW2[0, 0]:.6g}" in text


def test_the_jupyter_display_writes_the_equations_and_the_numbers():
    report = check_backprop(MLP(3, [4, 2], seed=0), [0.1, 0.2, 0.3], 0)
    page = report._repr_html_()
    assert r"$$\delta^{(2)} = h^{(2)} - t" in page
    assert r"(W^{(2)})^T \delta^{(2)} \odot \sigma'(z^{(1)})" in page
    assert r"\frac{\partial L}{\partial W^{(1)}} = \delta^{(1)} (h^{(0)})^T" in page
    assert page.count(r"\begin{pmatrix}") > 20
    assert page.count("&#10004; agree") == len(report.checks)
    batch = check_backprop(MLP(3, [4, 2], seed=0), random_batch(3, 3, seed=0), [0, 1, 0])
    assert r"\frac{1}{B} \sum_{i=1}^{B} \delta_i^{(1)} (h_i^{(0)})^T" in batch._repr_html_()


def test_report_draw_labels_each_z_with_its_delta():
    pytest.importorskip("graphviz")
    pytest.importorskip("micrograd_bp.draw")
    report = check_backprop(MLP(2, [3, 2], seed=0), [[0.5, 1.0], [1.0, -1.0]], [0, 1])
    source = report.draw(sample=1).source
    delta = report.traces[1].z[1][0].grad
    assert "layer 2" in source and f"{delta:.4f}" in source
    assert "delta_i / B" in source
    with pytest.raises(IndexError, match="sample 2 is out of range"):
        report.draw(sample=2)


# --- bad input -------------------------------------------------------------------------

def test_bad_input_gives_clear_errors():
    mlp = MLP(2, [3, 2], seed=0)
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        check_backprop(mlp, [1.0, 2.0], 0, loss="hinge")
    with pytest.raises(ValueError, match="output_activation='linear'"):
        check_backprop(MLP(2, [2], output_activation="sigmoid"), [1.0, 2.0], 0)
    with pytest.raises(ValueError, match="2 samples but 3 targets"):
        check_backprop(mlp, [[1.0, 2.0], [3.0, 4.0]], [0, 1, 1])
    with pytest.raises(ValueError, match="class index 5 is out of range"):
        check_backprop(mlp, [1.0, 2.0], 5)
    with pytest.raises(ValueError, match="sums to 1"):
        check_backprop(mlp, [1.0, 2.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="3 entries but the MLP has 2 outputs"):
        check_backprop(mlp, [1.0, 2.0], [0.0, 1.0, 0.0], loss="mse")
    with pytest.raises(ValueError, match="empty"):
        check_backprop(mlp, [], [])
    with pytest.raises(ValueError, match="expects 2 inputs"):
        check_backprop(mlp, [1.0, 2.0, 3.0], 0)
