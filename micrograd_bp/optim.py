"""Optimizers: how the gradients dL/dp become a step on every parameter p.

Used as in PyTorch::

    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for k in range(steps):
        opt.zero_grad()      # leaves accumulate grads until zeroed
        loss = ...           # forward pass
        loss.backward()      # every p.grad = dL/dp
        opt.step()           # p <- p - lr * (update built from p.grad)

``step()`` changes ``p.data`` in place; it builds no graph.
"""

import math

from . import checks
from .engine import Value

_check_number = checks.number  # (x, "lr", low, low_inclusive=, high=)


class Optimizer:
    """What every optimizer shares: the parameters, the learning rate, the step count.

    ``schedule`` is an optional function ``schedule(k) -> lr`` that sets the
    learning rate of step k = 0, 1, 2, ...; it overrides ``lr`` (see
    :func:`linear_decay`).  ``self.lr`` is the rate the latest step used.
    """

    def __init__(self, parameters, lr, schedule=None):
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError(f"{type(self).__name__} got an empty list of parameters")
        for p in self.parameters:
            if not isinstance(p, Value):
                raise TypeError(
                    f"{type(self).__name__} needs Values (model.parameters()), got {p!r}")
        if schedule is not None and not callable(schedule):
            raise TypeError(f"schedule must be a function of the step k, got {schedule!r}")
        self.lr = _check_number(lr, "lr", 0, low_inclusive=False)
        self.schedule = schedule
        self.k = 0  # steps taken so far

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr}, {len(self.parameters)} parameters)"

    def zero_grad(self):
        """Set every p.grad to 0 before the next backward() (grads accumulate)."""
        for p in self.parameters:
            p.grad = 0.0

    def step(self):
        """One update of every parameter from its current grad."""
        if self.schedule is not None:
            self.lr = _check_number(self.schedule(self.k), f"schedule({self.k})", 0)
        self._update(self.lr)
        self.k += 1

    def _update(self, lr):
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum (PyTorch's form).

    Without momentum:  p <- p - lr * dL/dp.
    With momentum mu:  v <- mu * v + dL/dp;   p <- p - lr * v   (v starts at 0).
    """

    def __init__(self, parameters, lr=0.1, momentum=0.0, schedule=None):
        super().__init__(parameters, lr, schedule)
        self.momentum = _check_number(momentum, "momentum", 0, high=1)
        self.v = [0.0] * len(self.parameters)

    def _update(self, lr):
        if self.momentum == 0.0:
            for p in self.parameters:
                p.data -= lr * p.grad
            return
        mu, v = self.momentum, self.v
        for i, p in enumerate(self.parameters):
            v[i] = mu * v[i] + p.grad
            p.data -= lr * v[i]

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum})"


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), as PyTorch computes it.  With g = dL/dp at step t:

        m <- beta1 * m + (1 - beta1) * g          (running mean of g)
        v <- beta2 * v + (1 - beta2) * g**2       (running mean of g**2)
        m_hat = m / (1 - beta1**t),  v_hat = v / (1 - beta2**t)   (bias correction)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)
    """

    def __init__(self, parameters, lr=0.001, betas=(0.9, 0.999), eps=1e-8, schedule=None):
        super().__init__(parameters, lr, schedule)
        beta1, beta2 = betas
        self.beta1 = _check_number(beta1, "beta1", 0, high=1)
        self.beta2 = _check_number(beta2, "beta2", 0, high=1)
        self.eps = _check_number(eps, "eps", 0)
        self.m = [0.0] * len(self.parameters)
        self.v = [0.0] * len(self.parameters)

    def _update(self, lr):
        b1, b2, eps, m, v = self.beta1, self.beta2, self.eps, self.m, self.v
        t = self.k + 1
        correction1, correction2 = 1 - b1 ** t, 1 - b2 ** t
        for i, p in enumerate(self.parameters):
            g = p.grad
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            p.data -= lr * (m[i] / correction1) / (math.sqrt(v[i] / correction2) + eps)

    def __repr__(self):
        return f"Adam(lr={self.lr}, betas=({self.beta1}, {self.beta2}), eps={self.eps})"


def linear_decay(lr_start, lr_end, steps):
    """A schedule: lr falls in a straight line from lr_start (step 0) towards lr_end.

    lr(k) = lr_start + (lr_end - lr_start) * k / steps.  micrograd's demo uses
    ``linear_decay(1.0, 0.1, 100)``, i.e. lr = 1.0 - 0.9 * k / 100.
    """
    _check_number(lr_start, "lr_start", 0, low_inclusive=False)
    _check_number(lr_end, "lr_end", 0)
    checks.whole_number(steps, "linear_decay: steps")

    def schedule(k):
        return lr_start + (lr_end - lr_start) * k / steps

    return schedule
