"""Loss functions, written as compositions of Value operations.

Because every loss is built from the engine's own operations, its graph can be
drawn and its backward pass stepped through like any other.  Averaging over a
minibatch is explicit: :func:`batch_mean` is the document's 1/B sum over i.
"""

import numbers

from . import checks
from .engine import Value


def _values(xs, what):
    if isinstance(xs, Value):
        return [xs]
    try:
        xs = list(xs)
    except TypeError:
        raise TypeError(f"{what} needs a list of Values or numbers, got {xs!r}") from None
    if not xs:
        raise ValueError(f"{what} needs at least one value, got an empty list")
    return [x if isinstance(x, Value) else Value(x) for x in xs]


def one_hot(target, n, what):
    """t as a list of n numbers, from a class index or a one-hot list."""
    if isinstance(target, numbers.Integral) and not isinstance(target, bool):
        if not 0 <= target < n:
            raise ValueError(f"{what}: class index {target} is out of range for {n} classes")
        return [1.0 if k == target else 0.0 for k in range(n)]
    try:
        t = list(target)
    except TypeError:
        raise TypeError(
            f"{what}: the target must be a class index (int) or a one-hot list, got {target!r}"
        ) from None
    if len(t) != n:
        raise ValueError(f"{what}: the target has {len(t)} entries but there are {n} logits")
    return [float(tk) for tk in t]


def log_softmax(z):
    """log h_k = z_k - log sum_j e**z_j, computed as (z_k - m) - log sum_j e**(z_j - m).

    Subtracting m = max_j z_j changes nothing mathematically (softmax is shift
    invariant) but keeps every exp() at most e**0 = 1, so logits of +-1000 work.
    """
    z = _values(z, "log_softmax")
    m = max(zk.data for zk in z)
    shifted = [zk - m for zk in z]
    log_sum = Value.sum([s.exp() for s in shifted]).log()
    log_sum.label = "log_sum_exp"  # labels name the softmax's nodes in drawings and steps
    log_h = [s - log_sum for s in shifted]
    for k, v in enumerate(log_h):
        v.label = f"log_softmax[{k}]"
    return log_h


def softmax(z):
    """h_k = e**z_k / sum_j e**z_j (stable: the max logit is subtracted first)."""
    z = _values(z, "softmax")
    m = max(zk.data for zk in z)
    e = [(zk - m).exp() for zk in z]
    total = Value.sum(e)
    total.label = "sum_exp"
    h = [ek / total for ek in e]
    for k, v in enumerate(h):
        v.label = f"softmax[{k}]"
    return h


def cross_entropy(z, target):
    """L = -sum_k t_k log softmax(z)_k, for logits z and a class index or one-hot t.

    Its gradient with respect to the logits is the document's delta^(L) = h - t,
    where h = softmax(z).
    """
    log_h = log_softmax(z)
    t = one_hot(target, len(log_h), "cross_entropy")
    L = -Value.sum([tk * lk for tk, lk in zip(t, log_h) if tk != 0.0] or [Value(0.0)])
    L.label = "cross_entropy"
    return L


def mse(h, t):
    """L = 1/n sum_k (h_k - t_k)**2, the mean squared error (PyTorch's convention)."""
    h = _values(h, "mse")
    t = [float(tk) for tk in (t if isinstance(t, (list, tuple)) else [t])]
    if len(t) != len(h):
        raise ValueError(f"mse: {len(h)} outputs but {len(t)} targets")
    return Value.sum([(hk - tk) ** 2 for hk, tk in zip(h, t)]) * (1.0 / len(h))


def hinge(score, y):
    """micrograd's max-margin loss for a label y in {-1, +1}: max(0, 1 - y * score)."""
    if isinstance(y, bool) or y not in (-1, 1):
        raise ValueError(f"hinge: the label must be -1 or +1, got {y!r}")
    return (1 - y * score).relu()


def l2(parameters, alpha):
    """The L2 penalty alpha * sum_p p**2 (weight decay)."""
    checks.number(alpha, "l2: alpha", 0)
    return alpha * Value.sum([p * p for p in _values(parameters, "l2")])


def batch_mean(losses):
    """The minibatch average 1/B sum_{i=1..B} L_i (the document's 1/B sum)."""
    losses = _values(losses, "batch_mean")
    return Value.sum(losses) * (1.0 / len(losses))
