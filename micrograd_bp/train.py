"""Training a model: the loop forward -> loss -> backward -> step, epoch after epoch.

One step on a minibatch of B samples, in the document's terms::

    h_i = model(x_i)                          forward pass, for i = 1..B
    L = 1/B sum_i loss(h_i, t_i) + alpha sum_p p**2      (the 1/B average, plus L2)
    L.backward()                              every p.grad = dL/dp
    optimizer.step()                          p <- p - lr * ...

:func:`fit` repeats that over the data for a number of epochs and returns a
:class:`History` of the loss and accuracy per epoch.  :func:`predict` and
:func:`accuracy` classify points with a trained model.
"""

import random

from . import checks
from .engine import collector_paused
from .losses import batch_mean, cross_entropy, hinge, l2, mse
from .nn import squeezed, unsqueezed
from .optim import SGD, Optimizer
from .progress import meter as progress_meter

LOSSES = checks.TRAINING_LOSSES  # hinge, cross_entropy, mse


class History:
    """What :func:`fit` measured, one entry per epoch.

    ``loss[e]``      the mean training loss of epoch e (data loss + L2 penalty)
    ``accuracy[e]``  the fraction of training points classified correctly during
                     epoch e, by the outputs of each step's forward pass (before
                     that step's update); None for a regression loss
    ``lr[e]``        the learning rate of the epoch's last step
    ``val_accuracy[e]``  the accuracy on the validation (or test) set after epoch
                     e, when fit was given ``validation=(X_val, y_val)``; else None
    """

    def __init__(self):
        self.loss, self.accuracy, self.lr, self.val_accuracy = [], [], [], []

    def __len__(self):
        return len(self.loss)

    def __repr__(self):
        if not self.loss:
            return "History(no epochs)"
        acc = self.accuracy[-1]
        acc = "" if acc is None else f", accuracy {acc:.1%}"
        val = self.val_accuracy[-1] if self.val_accuracy else None
        acc += "" if val is None else f", validation accuracy {val:.1%}"
        return f"History({len(self)} epochs, final loss {self.loss[-1]:.4f}{acc})"


# --- classifying with a model --------------------------------------------------------

def _threshold(model):
    """Where one output splits class 0 from class 1: 0.5 for a sigmoid, else 0."""
    return 0.5 if getattr(model, "output_activation", "linear") == "sigmoid" else 0.0


def _class_of(outputs, threshold=0.0):
    """The class a model's outputs (a list) stand for: one score above the threshold, else argmax."""
    scores = [v.data for v in outputs]
    if len(scores) == 1:
        return 1 if scores[0] > threshold else 0
    return max(range(len(scores)), key=scores.__getitem__)


def class_index(label):
    """A label as a class index: -1/+1 (hinge labels) become 0/1."""
    return 0 if label == -1 else label


def predict(model, X):
    """The predicted class of every point of X.

    A model with one output predicts 1 where its score is > 0, else 0 (the sign
    that micrograd's hinge-loss demo uses; > 0.5 for an MLP whose output is a
    sigmoid); a model with K outputs predicts the index of its largest output
    (argmax of the logits, as softmax would).
    """
    threshold = _threshold(model)
    return [_class_of(unsqueezed(model(x)), threshold) for x in X]


def accuracy(model, X, y):
    """The fraction of points whose predicted class is their label (-1 counts as 0)."""
    _check_data(X, y)
    return _fraction_correct(predict(model, X), y)


def _fraction_correct(predicted, y):
    return sum(p == class_index(t) for p, t in zip(predicted, y)) / len(y)


# --- the loss of one sample --------------------------------------------------------

def _signed(label):
    """A class label 0/1 (or -1/+1) as the hinge loss's -1/+1."""
    if label in (0, -1) and not isinstance(label, bool):
        return -1
    if label == 1 and not isinstance(label, bool):
        return 1
    raise ValueError(f"fit with loss='hinge' needs labels 0/1 or -1/+1, got {label!r}")


def _hinge(outputs, label):
    if len(outputs) != 1:
        raise ValueError(
            f"loss='hinge' needs a model with one output (a score), this one has {len(outputs)}")
    return hinge(outputs[0], _signed(label))


def _cross_entropy(outputs, label):
    if len(outputs) == 1:
        raise ValueError(
            "loss='cross_entropy' needs a model with one output per class (K logits), "
            "this one has 1; use loss='hinge' for one score")
    return cross_entropy(outputs, label)


SAMPLE_LOSSES = {"hinge": _hinge, "cross_entropy": _cross_entropy, "mse": mse}


def _sample_loss(loss):
    """The function (outputs as a list, target) -> Value for a loss name or a callable
    (which is given the outputs as ``model(x)`` returns them)."""
    if callable(loss):
        return lambda outputs, target: loss(squeezed(outputs), target)
    if loss not in SAMPLE_LOSSES:
        raise ValueError(
            f"fit: unknown loss {loss!r}; choose one of {', '.join(LOSSES)} or pass a "
            f"function (output, target) -> Value")
    return SAMPLE_LOSSES[loss]


# --- the training loop ------------------------------------------------------------------

def _check_data(X, y):
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} points but y has {len(y)} labels")
    if not X:
        raise ValueError("there are no data points to use (X is empty)")


def _check_whole(n, name):
    return checks.whole_number(n, f"fit: {name}")


def _check_validation(validation):
    """(X_val, y_val) checked, or None."""
    if validation is None:
        return None
    try:
        X_val, y_val = validation
    except (TypeError, ValueError):
        raise ValueError(
            f"fit: validation must be a pair (X_val, y_val), got {validation!r}") from None
    _check_data(X_val, y_val)
    return X_val, y_val


def train_step(model, X, y, batch, loss_fn, optimizer, alpha):
    """One step on the samples ``batch`` (indices): returns (loss, predicted classes)."""
    outputs = [unsqueezed(model(X[i])) for i in batch]
    L = batch_mean([loss_fn(h, y[i]) for h, i in zip(outputs, batch)])  # 1/B sum_i L_i
    if alpha:
        L = L + l2(model.parameters(), alpha)
    optimizer.zero_grad()
    L.backward()
    optimizer.step()
    threshold = _threshold(model)
    return L.data, [_class_of(h, threshold) for h in outputs]


def fit(model, X, y, *, loss="hinge", optimizer=None, epochs=100, batch_size=None,
        alpha=0.0, seed=None, validation=None, progress=True):
    """Train ``model`` on the points X with labels (or targets) y; return a History.

    loss        "hinge" (one score, labels 0/1 or -1/+1; micrograd's demo),
                "cross_entropy" (K logits, labels 0..K-1), "mse" (regression), or
                a function (model output, target) -> Value
    optimizer   an optimizer over model.parameters(); default SGD(lr=0.1)
    epochs      passes over the data
    batch_size  samples per step, B; None means all of them (full batch, one step
                per epoch).  The samples are reshuffled every epoch into
                minibatches, by a random generator seeded with ``seed``.
    alpha       the L2 penalty alpha * sum_p p**2 added to every step's loss
    seed        seeds the minibatch shuffling, so a run can be repeated exactly
    validation  (X_val, y_val): a held-out set (or the test set) whose accuracy
                is measured after every epoch, into ``History.val_accuracy``
    progress    True: a tqdm bar over epochs and batches with the current loss
                (needs the 'progress' extra); "text": one plain line at the end
                (for notebooks saved with their outputs); False: nothing.  See
                :mod:`micrograd_bp.progress`.
    """
    _check_data(X, y)
    loss_fn = _sample_loss(loss)
    epochs = _check_whole(epochs, "epochs")
    validation = _check_validation(validation)
    n = len(X)
    B = n if batch_size is None else min(_check_whole(batch_size, "batch_size"), n)
    if optimizer is None:
        optimizer = SGD(model.parameters(), lr=0.1)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be an SGD or Adam object, got {optimizer!r}")
    classifying = loss in ("hinge", "cross_entropy")
    if validation is not None and not classifying:
        raise ValueError(f"fit: validation measures accuracy, which needs loss='hinge' or "
                         f"'cross_entropy', got loss={loss!r}")
    rng = random.Random(seed)
    order = list(range(n))
    history = History()
    shown = progress_meter(progress, epochs, -(-n // B))  # -(-n // B): batches per epoch, rounded up
    try:
        for epoch in range(epochs):
            shown.start_epoch(epoch)
            if B < n:
                rng.shuffle(order)
            batches = [order[start:start + B] for start in range(0, n, B)]
            total, correct = _epoch(model, X, y, batches, loss_fn, optimizer, alpha, classifying, shown)
            history.loss.append(total / n)
            history.accuracy.append(correct / n if classifying else None)
            history.lr.append(optimizer.lr)
            history.val_accuracy.append(accuracy(model, *validation) if validation else None)
            shown.end_epoch(history)
    except BaseException:  # an error or Ctrl-C: the bar stops before anyone reports it
        shown.abort()
        raise
    shown.close(history)
    return history


def _epoch(model, X, y, batches, loss_fn, optimizer, alpha, classifying, shown):
    """One pass over the minibatches, one step each: (sum over the samples of their
    batch's loss, how many samples were classified right)."""
    total, correct = 0.0, 0
    for batch in batches:
        with collector_paused():  # see engine.collector_paused: a step is faster
            batch_loss, predicted = train_step(model, X, y, batch, loss_fn, optimizer, alpha)
        total += batch_loss * len(batch)
        if classifying:
            correct += sum(p == class_index(y[i]) for p, i in zip(predicted, batch))
        shown.step(batch_loss)
    return total, correct
