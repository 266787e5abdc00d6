"""The chain rule's local derivatives, one line per operation.

Every node ``out = f(x1, x2, ...)`` of the graph knows how it was made (``out.op``)
and from what (``out.children``).  Backpropagation needs one more thing per
operation: the *local derivatives* ``d out / d x_i``.  This module is that table.

Each rule takes the node and a small maths namespace ``m`` and returns a tuple with
one local derivative per child, in operand order.  ``backward()`` then applies the
chain rule once per edge::

    child.grad += local * node.grad

The namespace ``m`` is :data:`FLOAT_MATH` during ``backward()``.  The symbolic module
passes sympy's functions instead, so the *same* rules derive the document's
equations over symbols.  Rules use only arithmetic and ``m``'s functions for that
reason.
"""

import math


class FloatMath:
    """The functions the rules need, for plain Python floats."""

    cos = staticmethod(math.cos)
    sin = staticmethod(math.sin)
    log = staticmethod(math.log)

    @staticmethod
    def step(x):
        """Heaviside step: 1 where x > 0, else 0 (the derivative of relu)."""
        return 1.0 if x > 0 else 0.0

    @staticmethod
    def is_zero(x):
        return x == 0

    @staticmethod
    def is_positive(x):
        return x > 0


FLOAT_MATH = FloatMath()


# --- arithmetic ------------------------------------------------------------------

def add(out, m):
    """out = x1 + x2 + ... + xn   ->   d out/d xi = 1 for every operand."""
    n = len(out.children)
    return (1.0, 1.0) if n == 2 else (1.0,) * n  # a constant tuple for a + b: no allocation


def sub(out, m):
    """out = a - b   ->   d out/da = 1,  d out/db = -1."""
    return (1.0, -1.0)


def neg(out, m):
    """out = -a   ->   d out/da = -1."""
    return (-1.0,)


def mul(out, m):
    """out = a * b   ->   d out/da = b,  d out/db = a."""
    a, b = out.children
    return (b.data, a.data)


def div(out, m):
    """out = a / b   ->   d out/da = 1/b,  d out/db = -a/b**2 = -out/b."""
    b = out.children[1].data
    return (1 / b, -out.data / b)


def pow(out, m):
    """out = a ** b  ->  d out/da = b * a**(b-1),  d out/db = a**b * ln a.

    ``a ** b`` with a base <= 0 is only built when the exponent is a plain number
    (the engine refuses a Value exponent there), so its derivative with respect to
    that constant exponent is reported as 0 instead of the undefined ln a.
    """
    a, b = out.children[0].data, out.children[1].data
    if m.is_zero(a) and b < 1 and b != 0:
        raise ZeroDivisionError(
            f"the derivative of x ** {b} at x = 0 is infinite: "
            f"d/dx x**{b} = {b} * x**({b} - 1) divides by zero"
        )
    d_base = 0.0 if b == 0 else b * a ** (b - 1)  # a**0 = 1 is constant (0 * 0**-1 would raise)
    d_exponent = out.data * m.log(a) if m.is_positive(a) else 0.0
    return (d_base, d_exponent)


# --- functions of one variable ---------------------------------------------------

def exp(out, m):
    """out = e**x   ->   d out/dx = e**x = out."""
    return (out.data,)


def log(out, m):
    """out = ln x   ->   d out/dx = 1/x."""
    return (1 / out.children[0].data,)


def sin(out, m):
    """out = sin x   ->   d out/dx = cos x."""
    return (m.cos(out.children[0].data),)


def cos(out, m):
    """out = cos x   ->   d out/dx = -sin x."""
    return (-m.sin(out.children[0].data),)


# --- activations sigma(z) and their sigma'(z) ------------------------------------

def tanh(out, m):
    """h = tanh(z)   ->   dh/dz = 1 - h**2."""
    h = out.data
    return (1 - h * h,)


def sigmoid(out, m):
    """h = 1 / (1 + e**-z)   ->   dh/dz = h * (1 - h)."""
    h = out.data
    return (h * (1 - h),)


def relu(out, m):
    """h = max(0, z)   ->   dh/dz = 1 if z > 0 else 0."""
    return (m.step(out.data),)


# The table backward() reads: operation symbol -> rule.
RULES = {
    "+": add,
    "-": sub,
    "neg": neg,
    "*": mul,
    "/": div,
    "**": pow,
    "exp": exp,
    "log": log,
    "sin": sin,
    "cos": cos,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "relu": relu,
}


def local_derivatives(node, m=FLOAT_MATH):
    """The tuple (d node/d child for each child), by the rule of ``node.op``."""
    return RULES[node.op](node, m)
