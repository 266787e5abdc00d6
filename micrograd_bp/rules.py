"""The operations: one entry per operation, holding everything known about it.

Every node ``out = f(x1, x2, ...)`` of the graph knows how it was made (``out.op``)
and from what (``out.children``).  Each operation has one entry here, made by the
``built_in`` decorator (:func:`operation`, marking the entry as one no user may
replace) over its *local derivative*::

    @built_in("tanh", forward=lambda m, z: m.tanh(z), text="(1 - {h}.data²)")
    def tanh_derivative(m, h, z):
        return 1 - h * h            # dh/dz = 1 - h**2

* ``derivative(m, out, x1, x2, ...)``: the local derivatives d out/d x_i, given
  the node's value and its operands' values.  One number for a one-operand
  operation, a tuple with one entry per operand otherwise.  ``backward()``
  applies the chain rule with them, once per edge:
  ``child.grad += local * node.grad``.
* ``forward(m, x1, x2, ...)``: the value of the node.
* ``text``: how the step-by-step texts (:mod:`micrograd_bp.steps`) write each
  local derivative, in the derivative's own parameter names (``{h}`` above); for
  an operation of any number of operands, one text for all of them, or a function
  ``text(out, operands)`` of the nodes' names giving one text per operand.
* ``arity``: how many operands, read from the derivative's parameters (``*x``
  for any number, as in ``Value.sum``).

``m`` is a small maths namespace: :data:`FLOAT_MATH` on numbers, and the symbolic
module passes sympy's functions instead, so the *same* entries derive the
document's equations over symbols.  Rules use only arithmetic and ``m`` for that
reason.

The same decorator adds an operation from user code or a notebook (see
:func:`operation`); the new operation then works with ``Value.apply``,
``backward()``, the stepper and ``gradcheck``.  The machinery behind it (the
entry, its checks, ``m``) is in :mod:`micrograd_bp.registry`.
"""

import functools

# OPERATIONS is read from here (not from registry) by the engine: importing this
# module is what fills it with the entries below.
from .registry import FLOAT_MATH, OPERATIONS, FloatMath, Operation, local_derivatives, operation  # noqa: F401

built_in = functools.partial(operation, built_in=True)  # an entry of this table: no user may replace it


# --- arithmetic ------------------------------------------------------------------

@built_in("+", forward=lambda m, *x: sum(x), text="1")
def add_derivative(m, out, *x):
    """out = x1 + x2 + ... + xn   ->   d out/d xi = 1 for every operand."""
    return (1.0, 1.0) if len(x) == 2 else (1.0,) * len(x)  # a constant tuple for a + b: no allocation


def weighted_sum_operands(operands):
    """(w, h, b) from the operands (w1, ..., wn, h1, ..., hn, b) of a w·h+b node:
    the one place that knows their order."""
    n = len(operands) // 2
    return operands[:n], operands[n:-1], operands[-1]


def _weighted_sum(x):
    """w1 h1 + ... + wn hn + b for the operands x = (w1, ..., wn, h1, ..., hn, b)."""
    if len(x) % 2 == 0:
        raise ValueError(f"w·h+b takes the operands w1..wn, h1..hn, b (an odd number of them), got {len(x)}")
    w, h, b = weighted_sum_operands(x)
    return sum([wi * hi for wi, hi in zip(w, h)]) + b


def _weighted_sum_texts(z, operands):
    """The step texts of w·h+b: dz/dwi is hi's value, dz/dhi is wi's, dz/db = 1."""
    w, h, _ = weighted_sum_operands(operands)
    return [f"{hi}.data" for hi in h] + [f"{wi}.data" for wi in w] + ["1"]


@built_in("w·h+b", forward=lambda m, *x: _weighted_sum(x), text=_weighted_sum_texts)
def weighted_sum_derivative(m, z, *x):
    """z = w1 h1 + ... + wn hn + b, one neuron's z = W h + b, with the operands
    (w1, ..., wn, h1, ..., hn, b)   ->   dz/dwi = hi,  dz/dhi = wi,  dz/db = 1.

    With delta = dL/dz, the chain rule through this node is the document's Step 4,
    dL/dW = delta h^T and dL/db = delta, and hands each hi the term wi delta; hi
    sums these over the neurons that read it, which is Step 3's (W^T delta)_i.
    """
    w, h, _ = weighted_sum_operands(x)
    return h + w + (1.0,)  # dz/dw = h, dz/dh = w, dz/db = 1


@built_in("-", forward=lambda m, a, b: a - b, text=("1", "-1"))
def sub_derivative(m, out, a, b):
    """out = a - b   ->   d out/da = 1,  d out/db = -1."""
    return (1.0, -1.0)


@built_in("neg", forward=lambda m, a: -a, text="-1")
def neg_derivative(m, out, a):
    """out = -a   ->   d out/da = -1."""
    return -1.0


@built_in("*", forward=lambda m, a, b: a * b, text=("{b}.data", "{a}.data"))
def mul_derivative(m, out, a, b):
    """out = a * b   ->   d out/da = b,  d out/db = a."""
    return (b, a)


@built_in("/", forward=lambda m, a, b: a / b, text=("1/{b}.data", "-{out}.data/{b}.data"))
def div_derivative(m, out, a, b):
    """out = a / b   ->   d out/da = 1/b,  d out/db = -a/b**2 = -out/b."""
    return (1 / b, -out / b)


@built_in("**", forward=lambda m, a, b: a ** b,
           text=("{b}.data·{a}.data^({b}.data-1)", "{out}.data·ln({a}.data)"))
def pow_derivative(m, out, a, b):
    """out = a ** b  ->  d out/da = b * a**(b-1),  d out/db = a**b * ln a.

    ``a ** b`` with a base <= 0 is only built when the exponent is a plain number
    (the engine refuses a Value exponent there), so its derivative with respect to
    that constant exponent is reported as 0 instead of the undefined ln a.
    """
    if m.is_zero(a) and b < 1 and b != 0:
        raise ZeroDivisionError(
            f"the derivative of x ** {b} at x = 0 is infinite: "
            f"d/dx x**{b} = {b} * x**({b} - 1) divides by zero"
        )
    d_base = 0.0 if b == 0 else b * a ** (b - 1)  # a**0 = 1 is constant (0 * 0**-1 would raise)
    d_exponent = out * m.log(a) if m.is_positive(a) else 0.0
    return (d_base, d_exponent)


# --- functions of one variable ---------------------------------------------------

@built_in("exp", forward=lambda m, x: m.exp(x), text="{out}.data")
def exp_derivative(m, out, x):
    """out = e**x   ->   d out/dx = e**x = out."""
    return out


@built_in("log", forward=lambda m, x: m.log(x), text="1/{x}.data")
def log_derivative(m, out, x):
    """out = ln x   ->   d out/dx = 1/x."""
    return 1 / x


@built_in("sin", forward=lambda m, x: m.sin(x), text="cos({x}.data)")
def sin_derivative(m, out, x):
    """out = sin x   ->   d out/dx = cos x."""
    return m.cos(x)


@built_in("cos", forward=lambda m, x: m.cos(x), text="-sin({x}.data)")
def cos_derivative(m, out, x):
    """out = cos x   ->   d out/dx = -sin x."""
    return -m.sin(x)


# --- activations sigma(z) and their sigma'(z) ------------------------------------

@built_in("tanh", forward=lambda m, z: m.tanh(z), text="(1 - {h}.data²)")
def tanh_derivative(m, h, z):
    """h = tanh(z)   ->   dh/dz = 1 - h**2."""
    return 1 - h * h


@built_in("sigmoid", forward=lambda m, z: m.sigmoid(z), text="{h}.data·(1 - {h}.data)")
def sigmoid_derivative(m, h, z):
    """h = 1 / (1 + e**-z)   ->   dh/dz = h * (1 - h)."""
    return h * (1 - h)


@built_in("relu", forward=lambda m, z: m.relu(z), text="[{z}.data > 0]")
def relu_derivative(m, h, z):
    """h = max(0, z)   ->   dh/dz = 1 if z > 0 else 0  (z > 0 exactly when h > 0)."""
    return m.step(h)


# The names of the entries above, read from the entries themselves (any user operation
# registered later is not one of them).
BUILT_IN = frozenset(name for name, entry in OPERATIONS.items() if entry.built_in)
