"""The ``Value``: one scalar node of a computation graph, and ``backward()``.

Each operation on Values computes its result (the forward rule, here) and records
how the result was made: the operation ``op`` and its operands ``children``.  The
local derivative of each operation lives in one table, :mod:`micrograd_bp.rules`;
``backward()`` reads that table and applies the chain rule once per edge.

Why it is fast and lean (compared with micrograd): ``__slots__`` instead of a
``__dict__`` per node, children in a tuple instead of a set, and no closure per
node.  A node therefore holds no reference cycle, so Python frees a graph the
moment its root is dropped, without waiting for the cyclic garbage collector.
"""

import contextlib
import gc
import math
import numbers

from .graph import topological_order
from .rules import FLOAT_MATH, RULES


def _as_float(data, what="Value"):
    """``data`` as a Python float, or a TypeError a learner can read."""
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(
            f"{what} needs a real number (int or float), "
            f"got {data!r} of type {type(data).__name__}"
        )
    data = float(data)
    if data != data:  # NaN is the only float not equal to itself
        raise ValueError(f"{what} got nan (not a number); a computation before it went wrong")
    return data


def _operand(other, op):
    """The other operand of ``op`` as a Value: numbers become constant leaves."""
    if isinstance(other, Value):
        return other
    return Value(_as_float(other, f"the operand of '{op}'"))


def _result(data, op, children):
    """A new interior node.  Skips Value.__init__'s checks: data is already a float."""
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out.op = op
    out.children = children
    out._mark = None
    return out


_new_value = object.__new__


class Value:
    """One scalar of the computation graph: its value and dL/d(itself).

    Attributes
    ----------
    data : float     the number computed in the forward pass
    grad : float     after ``L.backward()``: dL/d(this node)
    label : str      a name to show in printouts and drawings
    op : str         the operation that produced the node, ``""`` for a leaf
    children : tuple the operands, in operand order (``a + a`` has two entries)
    """

    # __slots__: no per-node __dict__.  _mark is scratch space for graph walks
    # (see graph.topological_order).
    __slots__ = ("data", "grad", "label", "op", "children", "_mark")

    def __init__(self, data, label=""):
        # The common case (a float that is not NaN) skips the checks in _as_float.
        self.data = data if type(data) is float and data == data else _as_float(data)
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.children = ()
        self._mark = None

    # Read-only aliases, so code written for micrograd's lecture (draw_dot) runs.
    @property
    def _prev(self):
        return self.children

    @property
    def _op(self):
        return self.op

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g}{label})"

    def __float__(self):
        return self.data

    # --- arithmetic (the local derivatives are in rules.py) ----------------------

    def __add__(self, other):
        other = _operand(other, "+")
        return _result(self.data + other.data, "+", (self, other))

    def __radd__(self, other):  # other + self
        other = _operand(other, "+")
        return _result(other.data + self.data, "+", (other, self))

    def __sub__(self, other):
        other = _operand(other, "-")
        return _result(self.data - other.data, "-", (self, other))

    def __rsub__(self, other):  # other - self
        other = _operand(other, "-")
        return _result(other.data - self.data, "-", (other, self))

    def __neg__(self):
        return _result(-self.data, "neg", (self,))

    def __mul__(self, other):
        other = _operand(other, "*")
        return _result(self.data * other.data, "*", (self, other))

    def __rmul__(self, other):  # other * self
        other = _operand(other, "*")
        return _result(other.data * self.data, "*", (other, self))

    def __truediv__(self, other):
        return _divide(self, _operand(other, "/"))

    def __rtruediv__(self, other):  # other / self
        return _divide(_operand(other, "/"), self)

    def __pow__(self, exponent):
        return _power(self, exponent)

    def __rpow__(self, base):  # base ** self, e.g. 2 ** x
        return _power(_operand(base, "**"), self)

    @staticmethod
    def sum(values):
        """out = x1 + x2 + ... + xn as a single node with n children.

        One node instead of the n - 1 that Python's ``sum()`` builds, so a neuron's
        z = w1 h1 + ... + wn hn + b is one node, as in the document.
        """
        children = tuple(v if isinstance(v, Value) else _operand(v, "+") for v in values)
        if not children:
            raise ValueError("Value.sum needs at least one value to add, got none")
        return _result(sum([c.data for c in children]), "+", children)

    # --- functions ----------------------------------------------------------------

    def exp(self):
        """out = e ** x."""
        try:
            return _result(math.exp(self.data), "exp", (self,))
        except OverflowError:
            raise OverflowError(
                f"exp({self.data!r}) is too large for a float (it overflows above "
                f"exp(709.78)); scale the input down or use a stable formula"
            ) from None

    def log(self):
        """out = ln x, defined for x > 0."""
        if self.data <= 0:
            raise ValueError(
                f"log is only defined for positive numbers, got log({self.data!r})"
            )
        return _result(math.log(self.data), "log", (self,))

    def sin(self):
        """out = sin x."""
        return _result(_checked(math.sin, "sin", self.data), "sin", (self,))

    def cos(self):
        """out = cos x."""
        return _result(_checked(math.cos, "cos", self.data), "cos", (self,))

    def tanh(self):
        """h = tanh(z)."""
        return _result(math.tanh(self.data), "tanh", (self,))

    def sigmoid(self):
        """h = 1 / (1 + e**-z), written so that no exp() overflows for large |z|."""
        z = self.data
        if z >= 0:
            h = 1.0 / (1.0 + math.exp(-z))
        else:
            e = math.exp(z)
            h = e / (1.0 + e)
        return _result(h, "sigmoid", (self,))

    def relu(self):
        """h = max(0, z)."""
        z = self.data
        return _result(z if z > 0 else 0.0, "relu", (self,))

    # --- backpropagation ----------------------------------------------------------

    def backward(self):
        """Fill every node of this graph with dL/d(node), where L is this node.

        1. List the graph in topological order (children before parents),
           resetting the grads of the interior nodes to 0 on the way.
        2. Set dL/dL = 1.
        3. Walk the list backwards.  Each node passes its grad to its children by
           the chain rule, once per edge:  child.grad += d node/d child * node.grad.

        A node reached along several paths receives the sum of the contributions.
        Leaves (parameters and inputs) are *not* reset: they accumulate across
        backward calls until zeroed (``Module.zero_grad()``), which is how the
        gradients of a minibatch's samples add up.  So calling backward() twice
        leaves every leaf with twice its gradient and every interior node with
        exactly dL/d(node).
        """
        with collector_paused():
            order = topological_order(self, reset_interior_grads=True)
            self.grad += 1.0  # dL/dL = 1 (an interior root was just reset to 0)
            _apply_chain_rule(reversed(order))


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector inside a ``with`` block.

    Why it is faster: building or walking a large graph allocates many objects,
    and every few hundred allocations the collector scans the graph's nodes
    again, looking for reference cycles that a Value graph never has (its nodes
    are freed by reference counting the moment the graph is dropped).
    ``backward()`` and ``fit()`` use it; the collector's previous state is restored.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _apply_chain_rule(nodes):
    """For each node in turn: child.grad += (d node / d child) * node.grad."""
    rules, m = RULES, FLOAT_MATH  # local names: looked up once, not per node
    for node in nodes:
        if node.children:
            g = node.grad
            local = rules[node.op](node, m)
            for child, d in zip(node.children, local):
                child.grad += d * g  # the chain rule


def _checked(function, name, x):
    """function(x), with math's 'math domain error' turned into a readable one."""
    try:
        return function(x)
    except ValueError:
        raise ValueError(f"{name} is not defined for {x!r}") from None


def _divide(a, b):
    """out = a / b."""
    if b.data == 0:
        raise ZeroDivisionError(f"division by zero: {a.data!r} / {b.data!r}")
    return _result(a.data / b.data, "/", (a, b))


def _power(base, exponent):
    """out = base ** exponent, for a number or a Value exponent."""
    exponent_is_value = isinstance(exponent, Value)
    exponent = _operand(exponent, "**")
    a, b = base.data, exponent.data
    if a == 0 and b < 0:
        raise ZeroDivisionError(f"0 cannot be raised to a negative power: 0.0 ** {b!r}")
    if a < 0 and (exponent_is_value or not b.is_integer()):
        raise ValueError(
            f"{a!r} ** {b!r} is not a real number: a negative base needs a constant "
            f"whole-number exponent"
        )
    try:
        data = a ** b
    except OverflowError:
        raise OverflowError(f"{a!r} ** {b!r} is too large for a float") from None
    return _result(data, "**", (base, exponent))
