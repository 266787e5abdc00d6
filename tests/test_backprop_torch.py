"""Three columns: the document's equations (numpy), the scalar engine and PyTorch."""

import random

import pytest

pytest.importorskip("numpy")
pytest.importorskip("torch", reason="PyTorch is not installed: pip install -e '.[torch]'")

from micrograd_bp import MLP  # noqa: E402
from micrograd_bp.backprop_torch import ThreeWayReport, TorchColumn, check_backprop_torch  # noqa: E402


def batch(nin, B, seed):
    rng = random.Random(seed)
    return [[rng.uniform(-2, 2) for _ in range(nin)] for _ in range(B)]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_softmax_cross_entropy_minibatch_agrees_three_ways(activation):
    mlp = MLP(3, [5, 4, 3], activation=activation, seed=4)
    report = check_backprop_torch(mlp, batch(3, 4, seed=1), [0, 2, 1, 2])
    assert report.ok, str(report)
    assert len(report.rows) == len(report.engine_report.checks) == 14  # 3 z, 2 h, 3 delta, 6 grads
    assert report.max_diff < 1e-12


def test_mse_single_sample_agrees_three_ways():
    mlp = MLP(2, [3, 2], activation="tanh", output_activation="sigmoid", seed=8)
    report = check_backprop_torch(mlp, [0.4, -1.1], [0.2, 0.9], loss="mse")
    assert report.ok, str(report)
    delta_2 = next(r for r in report.rows if r.check.name == "delta" and r.check.l == 2)
    assert delta_2.torch.shape == delta_2.check.equation.shape == (2, 1)


def test_pytorch_numbers_are_the_autograd_grads_of_the_same_batch():
    mlp = MLP(2, [3, 2], seed=0)
    X = batch(2, 3, seed=5)
    report = check_backprop_torch(mlp, X, [1, 0, 1])
    linear = report.torch_pass.linears[0]
    dW1 = next(r for r in report.rows if r.check.name == "dW" and r.check.l == 1)
    assert (dW1.torch == linear.weight.grad.numpy()).all()
    # the engine's own grads are still in the MLP: dL/dW1[0,1]
    assert mlp.layers[0].neurons[0].w[1].grad == pytest.approx(dW1.torch[0, 1], rel=1e-12)


def test_a_wrong_pytorch_column_is_reported():
    mlp = MLP(2, [3, 2], seed=0)
    good = check_backprop_torch(mlp, batch(2, 2, seed=3), [0, 1])
    rows = [TorchColumn(r.check, r.torch + (1e-3 if r.check.name == "delta" else 0.0))
            for r in good.rows]
    bad = ThreeWayReport(good.engine_report, rows, good.torch_pass)
    assert not bad.ok
    assert "2 of 9 equations DISAGREE: delta^(2), delta^(1)" == bad.verdict()
    assert "DISAGREE" in bad.table()


def test_text_and_html_show_all_three_columns():
    mlp = MLP(2, [2, 2], seed=1)
    report = check_backprop_torch(mlp, batch(2, 2, seed=0), [1, 0])
    text = str(report)
    assert "equation (numpy)" in text and "engine (B * z.grad)" in text and "PyTorch" in text
    assert "all 9 equations agree with the engine and with PyTorch" in text
    page = report._repr_html_()
    assert "PyTorch (autograd):" in page and "the scalar engine (" in page and "$$" in page
    assert page.count("&#10004; agree") == 9  # a verdict beside each step, in the narrow first column
    assert 'table-layout: fixed; width: 100%' in page  # the table never grows past its column
