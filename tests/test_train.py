"""Training: fit, predict and accuracy.

One step of fit is compared with the same step written in PyTorch (matrices,
autograd and its own loss functions), so the 1/B average, the L2 penalty and the
update are checked independently of this engine.
"""

import sys

import pytest

from micrograd_bp import MLP
from micrograd_bp.datasets import blobs, moons
from micrograd_bp.optim import SGD, Adam
from micrograd_bp.train import History, accuracy, fit, predict


def set_linear_model(w1, w2, b):
    """MLP(2, [1]) with the score w1 x1 + w2 x2 + b, set by hand."""
    model = MLP(2, [1], seed=0)
    (neuron,) = model.layers[0].neurons
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = w1, w2, b
    return model


def weights(model):
    return [p.data for p in model.parameters()]


# --- predict and accuracy ----------------------------------------------------------

def test_predict_with_one_output_is_the_sign_of_the_score():
    model = set_linear_model(1.0, 0.0, 0.0)   # score = x1
    assert predict(model, [[2.0, 5.0], [-1.0, 5.0], [0.5, -3.0]]) == [1, 0, 1]


def test_predict_with_a_sigmoid_output_splits_at_one_half():
    model = MLP(2, [1], output_activation="sigmoid", seed=0)
    (neuron,) = model.layers[0].neurons
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, 0.0, 0.0   # h = sigmoid(x1)
    assert predict(model, [[2.0, 0.0], [-1.0, 0.0], [-0.1, 0.0]]) == [1, 0, 0]


def test_predict_with_k_outputs_is_the_argmax():
    model = MLP(2, [3], seed=0)
    W = [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]     # logits: x1, x2, -x1 - x2
    for neuron, row in zip(model.layers[0].neurons, W):
        neuron.w[0].data, neuron.w[1].data = row
        neuron.b.data = 0.0
    assert predict(model, [[3.0, 1.0], [0.0, 2.0], [-1.0, -1.0]]) == [0, 1, 2]


def test_accuracy_counts_correct_points_and_reads_minus_one_as_class_zero():
    model = set_linear_model(1.0, 0.0, 0.0)
    X = [[1.0, 0.0], [-1.0, 0.0], [2.0, 0.0], [-2.0, 0.0]]
    assert accuracy(model, X, [1, 0, 0, 0]) == 0.75
    assert accuracy(model, X, [1, -1, 1, -1]) == 1.0


# --- fit ---------------------------------------------------------------------------

def test_fit_returns_one_history_entry_per_epoch_and_learns():
    X, y = moons(40, noise=0.1, seed=0)
    model = MLP(2, [8, 1], seed=0)
    history = fit(model, X, y, optimizer=SGD(model.parameters(), lr=0.3), epochs=15,
                  progress=False)
    assert isinstance(history, History) and len(history) == 15
    assert len(history.accuracy) == len(history.lr) == 15
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert history.accuracy[-1] > 0.75


def test_fit_is_reproducible_with_a_seed():
    def run(seed):
        X, y = moons(30, seed=0)
        model = MLP(2, [4, 1], seed=0)
        h = fit(model, X, y, optimizer=SGD(model.parameters(), lr=0.1), epochs=3,
                batch_size=7, seed=seed, progress=False)
        return h.loss, weights(model)

    assert run(1) == run(1)
    assert run(1) != run(2)   # another seed shuffles the minibatches differently


def test_minibatches_give_ceil_n_over_B_steps_per_epoch():
    X, y = moons(23, seed=0)
    model = MLP(2, [3, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.01)
    fit(model, X, y, optimizer=opt, epochs=2, batch_size=5, progress=False)
    assert opt.k == 2 * 5   # 23 points in batches of 5: 5 steps per epoch


def test_minibatches_are_reshuffled_every_epoch_with_the_seed():
    seen = []
    X = [[float(i), 0.0] for i in range(6)]

    def record(h, t):  # a loss that notes which samples each step sees
        seen.append(t)
        return h * 0.0

    model = MLP(2, [1], seed=0)
    fit(model, X, list(range(6)), loss=record, epochs=3, batch_size=2, seed=4, progress=False)
    epochs = [seen[k:k + 6] for k in (0, 6, 12)]
    assert all(sorted(e) == list(range(6)) for e in epochs)   # each epoch sees every sample once
    assert len({tuple(e) for e in epochs}) == 3                # in a new order each epoch
    import random
    order, rng = list(range(6)), random.Random(4)
    rng.shuffle(order)
    assert epochs[0] == order                                  # shuffled by random.Random(seed)


def test_validation_accuracy_is_recorded_after_every_epoch():
    X, y = blobs(60, centers=3, noise=0.3, seed=0)
    X_val, y_val = blobs(30, centers=3, noise=0.3, seed=1)
    model = MLP(2, [8, 3], seed=0)
    history = fit(model, X, y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05),
                  epochs=4, batch_size=16, seed=0, validation=(X_val, y_val), progress=False)
    assert len(history.val_accuracy) == 4
    assert history.val_accuracy[-1] == accuracy(model, X_val, y_val)   # after the last step
    assert "validation accuracy" in repr(history)
    no_val = fit(model, X, y, loss="cross_entropy", epochs=1, progress=False)
    assert no_val.val_accuracy == [None]


@pytest.mark.parametrize("validation, message", [
    ([[0.0, 0.0]], "validation must be a pair"),
    (([[0.0, 0.0]], [0, 1]), "X has 1 points but y has 2 labels"),
])
def test_fit_rejects_a_bad_validation_set(validation, message):
    X, y = blobs(6, centers=2, seed=0)
    with pytest.raises(ValueError, match=message):
        fit(MLP(2, [2], seed=0), X, y, loss="cross_entropy", validation=validation, progress=False)


def test_validation_needs_a_classification_loss():
    with pytest.raises(ValueError, match="validation measures accuracy, which needs"):
        fit(MLP(2, [1], seed=0), [[0.0, 1.0]], [0.5], loss="mse",
            validation=([[0.0, 1.0]], [0.5]), progress=False)


def test_history_records_the_learning_rate_of_the_schedule():
    X, y = moons(10, seed=0)
    model = MLP(2, [2, 1], seed=0)
    opt = SGD(model.parameters(), lr=1.0, schedule=lambda k: 1.0 / (k + 1))
    history = fit(model, X, y, optimizer=opt, epochs=3, progress=False)
    assert history.lr == pytest.approx([1.0, 0.5, 1 / 3])


def test_fit_with_mse_fits_a_line_and_records_no_accuracy():
    X = [[x / 10, 0.0] for x in range(-10, 11)]
    y = [2 * x1 + 1 for x1, _ in X]
    model = MLP(2, [1], seed=0)
    history = fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.3),
                  epochs=200, progress=False)
    w1, _, b = weights(model)
    assert (w1, b) == pytest.approx((2.0, 1.0), abs=1e-3)
    assert history.accuracy == [None] * 200


def test_fit_accepts_a_loss_function():
    X, y = [[1.0, 0.0], [0.0, 1.0]], [3.0, -1.0]
    model = set_linear_model(0.0, 0.0, 0.0)   # h = 0 for both points
    fit(model, X, y, loss=lambda h, t: 0.5 * (h - t) ** 2, epochs=1,
        optimizer=SGD(model.parameters(), lr=0.1), progress=False)
    # L = 1/2 sum_i 1/2 (h_i - t_i)**2, so dL/dw = 1/2 sum_i (h_i - t_i) x_i:
    # dL/dw1 = 1/2 * (-3), dL/dw2 = 1/2 * (+1), dL/db = 1/2 * (-3 + 1)
    assert weights(model) == pytest.approx([0.15, -0.05, 0.1])


def torch_mlp_step(torch, model, X, y, loss, lr, alpha):
    """The same full-batch step written with torch matrices: returns new parameters."""
    Ws = [torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64,
                       requires_grad=True) for layer in model.layers]
    bs = [torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64,
                       requires_grad=True) for layer in model.layers]
    h = torch.tensor(X, dtype=torch.float64)
    for l, (W, b) in enumerate(zip(Ws, bs), start=1):
        z = h @ W.T + b
        h = torch.relu(z) if l < len(Ws) else z
    if loss == "hinge":
        t = torch.tensor([2.0 * yi - 1 for yi in y], dtype=torch.float64)
        data_loss = torch.relu(1 - t * h[:, 0]).mean()
    else:
        data_loss = torch.nn.functional.cross_entropy(h, torch.tensor(y))
    L = data_loss + alpha * sum((W ** 2).sum() + (b ** 2).sum() for W, b in zip(Ws, bs))
    L.backward()
    new = []
    for W, b in zip(Ws, bs):
        W_new, b_new = W - lr * W.grad, b - lr * b.grad
        for j in range(W.shape[0]):
            new += W_new[j].tolist() + [b_new[j].item()]
    return L.item(), new


@pytest.mark.parametrize("loss, nout, make_data", [
    ("hinge", 1, lambda: moons(12, noise=0.1, seed=4)),
    ("cross_entropy", 3, lambda: blobs(12, centers=3, seed=4)),
])
def test_one_fit_step_matches_the_same_step_in_pytorch(loss, nout, make_data):
    torch = pytest.importorskip("torch")
    X, y = make_data()
    model = MLP(2, [5, 4, nout], seed=3)
    expected_loss, expected = torch_mlp_step(torch, model, X, y, loss, lr=0.5, alpha=1e-2)
    history = fit(model, X, y, loss=loss, optimizer=SGD(model.parameters(), lr=0.5),
                  epochs=1, alpha=1e-2, progress=False)
    assert history.loss[0] == pytest.approx(expected_loss, rel=1e-12)
    assert weights(model) == pytest.approx(expected, rel=1e-10, abs=1e-12)


def test_spiral_like_three_classes_learn_with_adam_and_cross_entropy():
    X, y = blobs(30, centers=3, noise=0.3, seed=0)
    model = MLP(2, [8, 3], seed=0)
    history = fit(model, X, y, loss="cross_entropy",
                  optimizer=Adam(model.parameters(), lr=0.05), epochs=30, progress=False)
    assert history.accuracy[-1] == accuracy(model, X, y) == 1.0


# --- progress bar ------------------------------------------------------------------

def test_progress_bar_is_shown_on_stderr_and_can_be_turned_off(capsys):
    pytest.importorskip("tqdm")
    X, y = moons(10, seed=0)
    fit(MLP(2, [2, 1], seed=0), X, y, epochs=3, batch_size=4, progress=True)
    shown = capsys.readouterr().err
    assert "epoch 3/3" in shown and "9/9" in shown and "loss=" in shown  # 3 batches per epoch
    fit(MLP(2, [2, 1], seed=0), X, y, epochs=3, progress=False)
    assert capsys.readouterr() == ("", "")


def test_missing_tqdm_gives_an_install_hint_unless_progress_is_off(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)       # import tqdm -> ImportError
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    X, y = moons(10, seed=0)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[progress\]'"):
        fit(MLP(2, [2, 1], seed=0), X, y, epochs=1, progress=True)
    assert len(fit(MLP(2, [2, 1], seed=0), X, y, epochs=1, progress=False)) == 1


# --- bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, message", [
    ({"loss": "cross-entropy"}, ValueError, "unknown loss 'cross-entropy'"),
    ({"epochs": 0}, ValueError, "epochs must be a whole number >= 1, got 0"),
    ({"batch_size": 2.5}, ValueError, "batch_size must be a whole number >= 1, got 2.5"),
    ({"optimizer": "sgd"}, TypeError, "optimizer must be an SGD or Adam object, got 'sgd'"),
])
def test_fit_rejects_bad_settings(kwargs, error, message):
    X, y = moons(4, seed=0)
    with pytest.raises(error, match=message):
        fit(MLP(2, [1], seed=0), X, y, progress=False, **kwargs)


def test_fit_rejects_mismatched_data():
    with pytest.raises(ValueError, match="X has 2 points but y has 1 labels"):
        fit(MLP(2, [1], seed=0), [[0, 0], [1, 1]], [1], progress=False)


def test_hinge_rejects_labels_that_are_not_binary():
    with pytest.raises(ValueError, match="labels 0/1 or -1/\\+1, got 2"):
        fit(MLP(2, [1], seed=0), [[0, 0], [1, 1]], [1, 2], progress=False)


def test_the_loss_must_fit_the_number_of_outputs():
    X, y = [[0, 0], [1, 1]], [0, 1]
    with pytest.raises(ValueError, match="cross_entropy' needs a model with one output per class"):
        fit(MLP(2, [1], seed=0), X, y, loss="cross_entropy", progress=False)
    with pytest.raises(ValueError, match="hinge' needs a model with one output"):
        fit(MLP(2, [2], seed=0), X, y, loss="hinge", progress=False)
