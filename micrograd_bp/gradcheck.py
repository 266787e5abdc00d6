"""Checking backward() against finite differences.

The central difference approximates a partial derivative without any chain rule::

    df/dx_i  ~  (f(..., x_i + eps, ...) - f(..., x_i - eps, ...)) / (2 eps)

with an error of order eps**2.  If backward() and this estimate agree for every
input, the chain rule was applied correctly.
"""

from .engine import Value


class GradcheckResult:
    """The outcome of :func:`gradcheck`: truthy when every gradient agrees.

    ``analytic[i]`` is the grad backward() gave input i, ``numeric[i]`` the central
    difference, ``errors[i]`` their mismatch |a - n| / max(1, |a|, |n|).
    """

    def __init__(self, names, analytic, numeric, tol):
        self.names, self.analytic, self.numeric, self.tol = names, analytic, numeric, tol
        self.errors = [abs(a - n) / max(1.0, abs(a), abs(n)) for a, n in zip(analytic, numeric)]

    @property
    def worst(self):
        """Index of the input with the largest mismatch."""
        return max(range(len(self.errors)), key=self.errors.__getitem__)

    @property
    def max_error(self):
        return self.errors[self.worst] if self.errors else 0.0

    @property
    def ok(self):
        return self.max_error <= self.tol

    def __bool__(self):
        return self.ok

    def __str__(self):
        if not self.errors:
            return "gradcheck: no inputs to check"
        i = self.worst
        verdict = "OK" if self.ok else "MISMATCH"
        return (
            f"gradcheck {verdict}: {len(self.errors)} gradient(s), worst is "
            f"{self.names[i]}: backward() gives {self.analytic[i]:.10g}, central "
            f"difference gives {self.numeric[i]:.10g} (relative error "
            f"{self.errors[i]:.2e}, tolerance {self.tol:.1e})"
        )

    __repr__ = __str__


def gradcheck(f, inputs, eps=1e-6, tol=1e-5):
    """Compare backward()'s gradients of ``f`` with central differences.

    ``f`` takes one Value per input and returns a Value; ``inputs`` are numbers.
    Returns a :class:`GradcheckResult` (truthy when the worst relative error is at
    most ``tol``; ``str()`` of it names the worst input).

    >>> bool(gradcheck(lambda a, b: a * b + b.tanh(), [2.0, -0.5]))
    True
    """
    if not callable(f):
        raise TypeError(f"gradcheck needs a function of Values, got {f!r}")
    xs = [Value(x, label=f"x[{i}]") for i, x in enumerate(inputs)]
    out = f(*xs)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    out.backward()
    analytic = [x.grad for x in xs]

    def f_at(i, shift):
        """f with input i moved by shift, on fresh Values (no graph is shared)."""
        point = [Value(x.data + (shift if k == i else 0.0)) for k, x in enumerate(xs)]
        return f(*point).data

    numeric = [(f_at(i, eps) - f_at(i, -eps)) / (2 * eps) for i in range(len(xs))]
    names = [x.label for x in xs]
    return GradcheckResult(names, analytic, numeric, tol)
