"""The document's backprop equations, evaluated with numpy and set beside backward().

The engine never uses the matrix equations: it applies the chain rule one edge at
a time (:mod:`micrograd_bp.rules`).  This module shows that the two are the same
thing.  For an MLP, a sample (or a minibatch) and targets it

1. runs the forward pass with ``mlp.trace(x)``, recording z^(l) and h^(l);
2. runs the engine's ``backward()`` on the loss L = 1/B sum_i L_i;
3. evaluates the document's Steps 1-4 with numpy from the recorded numbers only
   (the forward values and the parameters, never the engine's grads), as
   :mod:`micrograd_bp.equations` writes them;
4. and reports, equation by equation, the equation's numbers, the engine's
   numbers and their largest difference (written as text, LaTeX and HTML by
   :mod:`micrograd_bp.equations_text`).

Every quantity is a matrix with one column per sample i (for B = 1, a column
vector).  delta_i^(l) is the document's dL_i/dz_i^(l) for the sample's own loss.
The engine's z nodes hold dL/dz_i = delta_i / B, because L is the batch mean, so
the report compares delta_i with B * z.grad.
"""

import numbers

from . import checks as _checks
from . import equations_text as _text
from . import losses
from ._optional import require
from .draw import draw_graph
from .engine import Value
from .equations import EquationCheck, Recorded, evaluate, sigma, sigma_prime, softmax  # noqa: F401

LOSSES = _checks.LOSSES  # cross_entropy, mse


def _numpy():
    return require("numpy", "equations", "Checking the backprop equations with numpy")


# --- the report -------------------------------------------------------------------

class BackpropReport:
    """Every equation checked, with ``.ok``, a text table and a Jupyter display.

    ``checks`` lists :class:`EquationCheck` objects in the document's order (Step 1
    forward, then Steps 2-4 from the output layer down).  ``traces`` are the forward
    passes (one :class:`~micrograd_bp.nn.Trace` per sample) and ``loss`` the
    batch-mean loss node on which ``backward()`` ran.
    """

    def __init__(self, checks, *, mlp, traces, sample_losses, loss, loss_name, tol):
        self.checks, self.mlp, self.traces, self.loss = checks, mlp, traces, loss
        self.sample_losses = sample_losses
        self.loss_name, self.tol = loss_name, tol

    @property
    def B(self):
        """The batch size."""
        return len(self.traces)

    @property
    def ok(self):
        """True when every equation agrees with the engine within ``tol``."""
        return all(c.agrees(self.tol) for c in self.checks)

    def __bool__(self):
        return self.ok

    @property
    def max_diff(self):
        return max(c.max_diff for c in self.checks)

    @property
    def failures(self):
        """The checks that disagree beyond ``tol``."""
        return [c for c in self.checks if not c.agrees(self.tol)]

    def get(self, name, l):
        """The check of quantity ``name`` ("z", "h", "delta", "dW", "db") at layer l."""
        for c in self.checks:
            if c.name == name and c.l == l:
                return c
        raise KeyError(f"the report has no check of {name!r} at layer {l}")

    def describe(self):
        loss = "softmax + cross-entropy" if self.loss_name == "cross_entropy" else "mean squared error"
        return f"{self.mlp!r}, loss: {loss}, batch size B = {self.B}, tolerance {self.tol:.0e}"

    def verdict(self):
        n = len(self.checks)
        if self.ok:
            return f"all {n} equations agree with the engine (largest difference {self.max_diff:.1e})"
        bad = ", ".join(c.text.split(" = ")[0] for c in self.failures)
        return f"{len(self.failures)} of {n} equations DISAGREE with the engine: {bad}"

    def table(self):
        """The summary: one aligned row per equation."""
        return _text.table(self)

    def numbers(self):
        """Each equation's numbers beside the engine's, as aligned matrices."""
        return _text.numbers(self)

    def __str__(self):
        return _text.report_text(self)

    def __repr__(self):
        return f"<BackpropReport {'ok' if self.ok else 'FAILED'}: {self.verdict()}>"

    def _repr_html_(self):
        return _text.report_html(self)

    def draw(self, sample=0, **kwargs):
        """Draw sample i's forward pass, one node per neuron, each z with its delta.

        Uses :func:`micrograd_bp.draw.draw_graph` with ``view="neuron"`` (needs the
        ``graph`` extra).  For B > 1 each z node holds delta_i / B, the grad of the
        batch-mean loss.
        """
        if not 0 <= sample < self.B:
            raise IndexError(f"report.draw: sample {sample} is out of range for a batch of {self.B}")
        root = self.loss if self.B == 1 else self.sample_losses[sample]
        kwargs.setdefault("view", "neuron")
        if self.B > 1:
            kwargs.setdefault("caption", f"sample i = {sample} of B = {self.B}: each z node holds "
                                         f"dL/dz_i = delta_i / B, as L is the batch mean")
        return draw_graph(root, **kwargs)


# --- building the report ----------------------------------------------------------

def check_backprop(mlp, X, T, loss="cross_entropy", tol=1e-9):
    """Run backward() on the batch-mean loss and check the document's Steps 1-4.

    ``X`` is one sample (a list of numbers) or a minibatch (a list of samples);
    ``T`` the matching target(s): a class index or one-hot list for
    ``loss="cross_entropy"`` (softmax of the logits z^(L), then cross-entropy), a
    list of numbers for ``loss="mse"``.  Zeroes the MLP's grads first, and leaves
    them holding dL/dW and dL/db.  Returns a :class:`BackpropReport`.
    """
    np = _numpy()
    _checks.loss(loss, "check_backprop")
    if loss == "cross_entropy" and mlp.output_activation != "linear":
        raise ValueError(
            "check_backprop: softmax + cross-entropy reads the last layer's outputs as "
            f"logits z^(L), so the MLP needs output_activation='linear', got "
            f"{mlp.output_activation!r}")
    X, T = as_batch(X, T, len(mlp.layers[-1].neurons), loss)
    mlp.zero_grad()
    traces = [mlp.trace(x) for x in X]
    if loss == "cross_entropy":
        per_sample = [losses.cross_entropy(tr.z[-1], t) for tr, t in zip(traces, T)]
    else:
        per_sample = [losses.mse(tr.h[-1], t) for tr, t in zip(traces, T)]
    for i, L_i in enumerate(per_sample):
        L_i.label = f"L_{i}"
    L_batch = losses.batch_mean(per_sample)
    L_batch.label = "L"
    L_batch.backward()
    checks = evaluate(Recorded(mlp, traces, T, np), loss, np)
    return BackpropReport(checks, mlp=mlp, traces=traces, sample_losses=per_sample,
                          loss=L_batch, loss_name=loss, tol=tol)


def as_batch(X, T, n_out, loss):
    """(list of samples, list of target vectors), from one sample or a minibatch."""
    X = list(X)
    if not X:
        raise ValueError("check_backprop needs at least one sample, got an empty X")
    if isinstance(X[0], (numbers.Real, Value)):  # one sample
        X, T = [X], [T]
    else:
        X, T = [list(x) for x in X], list(T)
        if len(T) != len(X):
            raise ValueError(f"check_backprop: {len(X)} samples but {len(T)} targets")
    return X, [_target_vector(t, n_out, loss) for t in T]


def _target_vector(t, n, loss):
    """t as a list of n floats (a class index becomes a one-hot vector)."""
    if isinstance(t, numbers.Integral) and not isinstance(t, bool) and loss == "cross_entropy":
        return losses.one_hot(t, n, "check_backprop")
    t = [float(tk) for tk in (t if hasattr(t, "__len__") else [t])]
    if len(t) != n:
        raise ValueError(f"check_backprop: a target has {len(t)} entries but the MLP has {n} outputs")
    if loss == "cross_entropy" and abs(sum(t) - 1) > 1e-9:
        raise ValueError(
            f"check_backprop: the target {t} sums to {sum(t)}; the document's "
            "delta^(L) = h - t needs a target that sums to 1 (one-hot or probabilities)")
    return t
