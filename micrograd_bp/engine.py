"""The ``Value``: one scalar node of a computation graph, and ``backward()``.

Each operation on Values computes its result (the forward rule, here) and records
how the result was made: the operation ``op`` and its operands ``children``.  Each
operation's local derivative lives in its entry of one registry,
:data:`micrograd_bp.rules.OPERATIONS`; ``backward()`` reads it and applies the
chain rule once per edge.  (The arithmetic operators compute their forward value
inline, the same formula as their entry, because they are most of every graph.)

Why a node is built the way it is (``__slots__``, two operand slots, no closure)
is measured in docs/benchmarks.md.
"""

import contextlib
import gc
import numbers

from .rules import FLOAT_MATH, OPERATIONS


def _as_float(data, what="Value"):
    """``data`` as a Python float, or a TypeError a learner can read."""
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        raise TypeError(
            f"{what} needs a real number (int or float), "
            f"got {data!r} of type {type(data).__name__}"
        )
    data = float(data)
    if data != data:  # NaN is the only float not equal to itself
        raise ValueError(f"{what} got nan (not a number), and a Value holds a real number")
    return data


def _operand(other, op):
    """The other operand of ``op`` as a Value: numbers become constant leaves."""
    if isinstance(other, Value):
        return other
    if type(other) is float and other == other:  # the common case, checked quickly (NaN != NaN)
        return Value(other)
    return Value(_as_float(other, f"the operand of '{op}'"))


def _result(data, op, a, b=None):
    """A new interior node with operands a (and b).  Skips Value.__init__'s checks:
    data is already a float."""
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out.op = op
    out._a = a
    out._b = b
    return out


def _result_of_many(data, op, children):
    """A new interior node with any number of operands (``Value.sum``)."""
    return _result(data, op, tuple(children), _MANY)


_MANY = object()  # in a node's _b slot: its _a slot holds a tuple of all its operands
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

    # __slots__: no per-node __dict__.  The operands are kept in two slots, _a and
    # _b (None when absent), read through the ``children`` property: one or two
    # operands, most nodes, need no tuple; a node of many operands (Value.sum)
    # keeps their tuple in _a and the marker _MANY in _b.
    __slots__ = ("data", "grad", "label", "op", "_a", "_b")

    def __init__(self, data, label=""):
        # The common case (a float that is not NaN) skips the checks in _as_float.
        self.data = data if type(data) is float and data == data else _as_float(data)
        self.grad = 0.0
        self.label = label
        self.op = ""
        self._a = self._b = None

    @property
    def children(self):
        """The operands, in operand order (``a + a`` has two entries); () for a leaf."""
        a, b = self._a, self._b
        if b is _MANY:
            return a
        if b is not None:
            return (a, b)
        return () if a is None else (a,)

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
        return _result(self.data + other.data, "+", self, other)

    def __radd__(self, other):  # other + self
        other = _operand(other, "+")
        return _result(other.data + self.data, "+", other, self)

    def __sub__(self, other):
        other = _operand(other, "-")
        return _result(self.data - other.data, "-", self, other)

    def __rsub__(self, other):  # other - self
        other = _operand(other, "-")
        return _result(other.data - self.data, "-", other, self)

    def __neg__(self):
        return _result(-self.data, "neg", self)

    def __mul__(self, other):
        other = _operand(other, "*")
        return _result(self.data * other.data, "*", self, other)

    def __rmul__(self, other):  # other * self
        other = _operand(other, "*")
        return _result(other.data * self.data, "*", other, self)

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
        children = [v if isinstance(v, Value) else _operand(v, "+") for v in values]
        if not children:
            raise ValueError("Value.sum needs at least one value to add, got none")
        return _result_of_many(sum([c.data for c in children]), "+", children)

    @staticmethod
    def weighted_sum(w, h, b):
        """z = w1 h1 + w2 h2 + ... + wn hn + b as a single node: a neuron's
        pre-activation, one row of the document's z = W h + b.

        Its operands are (w1, ..., wn, h1, ..., hn, b); its local derivatives are
        dz/dwi = hi, dz/dhi = wi and dz/db = 1 (the entry "w·h+b" in rules.py).
        One node instead of the n + 1 that ``Value.sum([wi * hi ...] + [b])`` builds:
        a sample through MLP(64, [32, 10]) and cross-entropy makes 100 interior nodes
        instead of 2,468, so the graph builds, walks and frees that much faster.
        """
        if not (hasattr(w, "__len__") and hasattr(h, "__len__")):
            raise TypeError(f"w·h+b takes the weights and the inputs as lists, "
                            f"got {type(w).__name__} and {type(h).__name__}")
        if len(w) != len(h) or not w:
            raise ValueError(f"w·h+b needs as many weights as inputs (at least one), "
                             f"got {len(w)} weights and {len(h)} inputs")
        children = [v if isinstance(v, Value) else _operand(v, "w·h+b") for v in (*w, *h, b)]
        data = OPERATIONS["w·h+b"].forward(FLOAT_MATH, *[c.data for c in children])
        return _result_of_many(data, "w·h+b", children)

    # --- functions (their forward and derivative rules are entries in rules.py) -----

    def exp(self):
        """out = e ** x."""
        return _function("exp", self)

    def log(self):
        """out = ln x, defined for x > 0."""
        return _function("log", self)

    def sin(self):
        """out = sin x."""
        return _function("sin", self)

    def cos(self):
        """out = cos x."""
        return _function("cos", self)

    def tanh(self):
        """h = tanh(z)."""
        return _function("tanh", self)

    def sigmoid(self):
        """h = 1 / (1 + e**-z)."""
        return _function("sigmoid", self)

    def relu(self):
        """h = max(0, z)."""
        return _function("relu", self)

    def apply(self, name, *others):
        """out = f(self, *others) for the operation registered as ``name``.

        Every operation has an entry in :data:`micrograd_bp.rules.OPERATIONS`; one
        added with :func:`micrograd_bp.rules.operation` is applied this way::

            y = x.apply("softplus")        # the same as x.tanh() for "tanh"
        """
        operation = OPERATIONS.get(name)
        if operation is None:
            raise ValueError(f"there is no operation {name!r}; the operations are "
                             f"{', '.join(OPERATIONS)} (add one with micrograd_bp.operation)")
        children = (self, *[_operand(other, name) for other in others])
        if operation.arity is not None and len(children) != operation.arity:
            raise TypeError(f"{name} takes {operation.arity} operand(s), got {len(children)}")
        data = _as_float(operation.forward(FLOAT_MATH, *[c.data for c in children]), f"the result of {name}")
        if operation.arity is None:
            return _result_of_many(data, name, children)
        return _result(data, name, *children)

    # --- backpropagation ----------------------------------------------------------

    def backward(self):
        """Fill every node of this graph with dL/d(node), where L is this node.

        1. List the graph in topological order (children before parents),
           resetting the grads of the interior nodes to 0 on the way.
        2. Set dL/dL = 1.
        3. Walk the list backwards: each node applies its own chain-rule step
           (``_backward``), passing its grad to its children, once per edge:
           child.grad += d node/d child * node.grad.

        A node reached along several paths receives the sum of the contributions.
        Leaves (parameters and inputs) are *not* reset: they accumulate across
        backward calls until zeroed (``Module.zero_grad()``), which is how the
        gradients of a minibatch's samples add up.  So calling backward() twice
        leaves every leaf with twice its gradient and every interior node with
        exactly dL/d(node).
        """
        with collector_paused():
            order = _interior_order(self)  # grads reset to 0 on the way
            self.grad += 1.0  # dL/dL = 1 (an interior root was just reset to 0)
            for node in reversed(order):
                node._backward()

    def _backward(self):
        """This node's own chain-rule step: for each child,
        child.grad += (d self / d child) * self.grad, with the local derivatives
        from the operation's entry in rules.py.  A leaf has none.

        ``backward()`` calls it on every node in reverse topological order.  As in
        micrograd's lecture, it can be called by hand, node by node, once a node's
        grad is complete (every node that uses it has done its own step).
        """
        a, b = self._a, self._b
        if a is None:
            return  # a leaf: no operands to pass the grad to
        g = self.grad
        derivative = OPERATIONS[self.op].derivative
        # The chain rule, written out for one and for two operands (most nodes:
        # no tuple of children, no loop), then for any number of them.
        if b is None:
            a.grad += derivative(FLOAT_MATH, self.data, a.data) * g
        elif b is not _MANY:
            d_a, d_b = derivative(FLOAT_MATH, self.data, a.data, b.data)
            a.grad += d_a * g
            b.grad += d_b * g
        else:
            for child, d in zip(a, derivative(FLOAT_MATH, self.data, *[c.data for c in a])):
                child.grad += d * g


class _Listed(float):
    """The 0.0 that marks a node listed by one walk of ``_interior_order``.

    A float subclass with a ``__dict__`` is a mutable object, so Python guarantees it
    an identity of its own: ``grad is listed`` is true for this walk's mark only, on
    every implementation.  (A plain float has no such guarantee: PyPy's ``is``
    compares floats by value, so a fresh 0.0 would look listed.)
    """


def _interior_order(root):
    """The interior nodes of ``root``'s graph (no leaves) in topological order, each
    node's grad reset to 0 as it is listed: what backward() walks.

    It lists the same nodes in the same order as graph.topological_order without the
    leaves (a test pins the two together), tuned because backward() runs it on graphs
    of millions of nodes:

    * leaves are never pushed: they take no chain-rule step and keep their grads;
    * no set of visited nodes and no mark slot per node: the grads themselves are the
      walk's marks.  A node being opened holds the token ``opened``; a listed node
      holds ``listed``, a 0.0 made for this walk (a ``_Listed``, so a 0.0 left by an
      earlier walk is not mistaken for it).  ``listed`` is the reset grad: the chain
      rule adds to it like to any 0.0 (the sum is a plain float), and the node is in
      the CPU cache as it is reset, which saves a second pass over a large graph.
    """
    opened, listed = object(), _Listed()
    order = []
    stack = [root] if root._a is not None else []
    try:
        while stack:
            node = stack.pop()
            grad = node.grad
            if grad is listed:  # reached along another path, already listed
                continue
            if grad is opened:  # second visit: all its children are listed
                node.grad = listed
                order.append(node)
                continue
            node.grad = opened
            stack.append(node)  # come back to it after its children
            a, b = node._a, node._b  # its operands (see Value.children), pushed
            if b is _MANY:           # in reverse: the first operand is popped first
                for child in reversed(a):
                    if child._a is not None and child.grad is not listed:
                        stack.append(child)
                continue
            if b is not None and b._a is not None and b.grad is not listed:
                stack.append(b)
            if a._a is not None and a.grad is not listed:
                stack.append(a)
    except BaseException:  # interrupted: no grad may be left holding a token
        for node in stack:
            if node.grad is opened:
                node.grad = 0.0
        raise
    return order


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector inside a ``with`` block.

    Why it is faster: building or walking a large graph allocates many objects,
    and every few hundred allocations the collector scans the graph's nodes
    again, looking for reference cycles that a Value graph never has (its nodes
    are freed by reference counting the moment the graph is dropped).
    ``backward()``, ``MLP.trace`` (every forward pass of an MLP) and ``fit()`` use it,
    where docs/benchmarks.md measures that it pays; the collector's previous state
    is restored.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _function(name, x):
    """out = f(x) for a built-in function of one operand, by its entry in rules.py."""
    return _result(OPERATIONS[name].forward(FLOAT_MATH, x.data), name, x)


def _divide(a, b):
    """out = a / b."""
    if b.data == 0:
        raise ZeroDivisionError(f"division by zero: {a.data!r} / {b.data!r}")
    return _result(a.data / b.data, "/", a, b)


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
    return _result(data, "**", base, exponent)
