"""The registry of operations: the entry each operation has, the decorator that
checks and registers one, and ``m``, the maths the entries compute with.

The entries themselves, the local derivative of every built-in operation, are in
:mod:`micrograd_bp.rules`; read that module first.  This one is the machinery
that turns a decorated function into an entry, with the checks that give a
learner who writes their own operation a readable error.
"""

import inspect
import math


class FloatMath:
    """The functions forward and derivative rules use, for Python floats.

    Errors name the function and the value, so a learner never sees "math domain error".
    """

    @staticmethod
    def exp(x):
        try:
            return math.exp(x)
        except OverflowError:
            raise OverflowError(
                f"exp({x!r}) is too large for a float (it overflows above exp(709.78)); "
                f"scale the input down or use a stable formula") from None

    @staticmethod
    def log(x):
        if x <= 0:
            raise ValueError(f"log is only defined for positive numbers, got log({x!r})")
        return math.log(x)

    @staticmethod
    def sin(x):
        return _checked(math.sin, "sin", x)

    @staticmethod
    def cos(x):
        return _checked(math.cos, "cos", x)

    tanh = staticmethod(math.tanh)

    @staticmethod
    def sigmoid(z):
        """1 / (1 + e**-z), written so that no exp() overflows for large |z|."""
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    @staticmethod
    def relu(z):
        return z if z > 0 else 0.0

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


def _checked(function, name, x):
    """function(x), with math's 'math domain error' turned into a readable one."""
    try:
        return function(x)
    except ValueError:
        raise ValueError(f"{name} is not defined for {x!r}") from None


FLOAT_MATH = FloatMath()


class Operation:
    """The registry entry of one operation (see the module docstring).

    name : str            what ``node.op`` says: ``"*"``, ``"tanh"``
    arity : int or None   number of operands; None for any number (``"+"``)
    forward : function    forward(m, *xs) -> the node's value
    derivative : function derivative(m, out, *xs) -> local derivative(s)
    text : tuple of str   per operand, how a step text writes its local derivative
                          (or a function of the names, for any number of operands)
    params : tuple of str the derivative's names for (out, x1, x2, ...), used by ``text``
    built_in : bool       one of the entries of rules.py
    """

    __slots__ = ("name", "arity", "forward", "derivative", "text", "params", "built_in")

    def __init__(self, name, arity, forward, derivative, text, params, built_in):
        self.name, self.arity, self.forward = name, arity, forward
        self.derivative, self.text, self.params = derivative, text, params
        self.built_in = built_in  # one of rules.py's entries, which user code cannot replace

    def local_derivatives(self, m, out, xs):
        """(d out/d x1, d out/d x2, ...) as a tuple, whatever the arity."""
        local = self.derivative(m, out, *xs)
        return (local,) if self.arity == 1 else tuple(local)

    def local_texts(self, out_name, operand_names):
        """The ``text`` of each operand, written with the nodes' names."""
        if callable(self.text):  # a function of the names (see weighted_sum)
            return list(self.text(out_name, operand_names))
        names = dict(zip(self.params, [out_name, *operand_names]))
        if self.arity is None:  # one text for all operands, each written with its own name
            return [self.text[0].format(**{**names, self.params[-1]: n}) for n in operand_names]
        return [t.format(**names) for t in self.text]

    def __repr__(self):
        return f"<operation {self.name!r}, {self.arity or 'any number of'} operand(s)>"


OPERATIONS = {}  # the registry: name -> Operation


def operation(name, forward, text=None, *, built_in=False):
    """Register an operation: a decorator over its local derivative.

    ``forward(m, x1, ...)`` computes the value; the decorated
    ``derivative(m, out, x1, ...)`` returns d out/d x_i (a number for one operand,
    a tuple otherwise); ``text`` (optional) is how step texts write it, using the
    derivative's parameter names in braces.  Use ``m.exp``, ``m.log``, ... (or plain
    ``math`` functions, which then work on numbers only)::

        >>> from micrograd_bp import Value, operation
        >>> def stable_softplus(m, x):   # ln(1 + e**x) = max(x, 0) + ln(1 + e**-|x|): no overflow
        ...     return (x + abs(x)) / 2 + m.log(1 + m.exp(-abs(x)))
        >>> @operation("softplus", forward=stable_softplus, text="sigmoid({x}.data)")
        ... def softplus(m, out, x):
        ...     return m.sigmoid(x)             # d softplus(x)/dx = sigmoid(x)
        >>> y = Value(0.0, label="x").apply("softplus")
        >>> y.backward(); round(y.data, 4), y.children[0].grad
        (0.6931, 0.5)

    Registering a name again replaces a user operation (re-running a notebook cell);
    the built-in operations (``built_in=True``, rules.py's entries) cannot be
    replaced.  Returns the derivative unchanged.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"operation needs a name (a non-empty str), got {name!r}")
    if not built_in and name in OPERATIONS and OPERATIONS[name].built_in:
        raise ValueError(f"operation {name!r} is built in and cannot be replaced; choose another name")
    if not callable(forward):
        raise TypeError(f"operation {name!r}: forward must be a function forward(m, x, ...), got {forward!r}")

    def register(derivative):
        arity, params = _arity(name, derivative)
        if arity is not None and not _accepts(forward, 1 + arity):
            raise TypeError(f"operation {name!r}: forward must take m and {arity} operand(s), "
                            f"like the derivative {derivative.__name__}{inspect.signature(derivative)}")
        texts = _texts(name, text, arity, params)
        OPERATIONS[name] = Operation(name, arity, forward, derivative, texts, params, built_in)
        return derivative

    return register


def _arity(name, derivative):
    """(arity, parameter names after m) from ``derivative(m, out, x1, ...)``."""
    if not callable(derivative):
        raise TypeError(f"operation {name!r} decorates a function derivative(m, out, x, ...), got {derivative!r}")
    params = list(inspect.signature(derivative).parameters.values())
    variadic = bool(params) and params[-1].kind is inspect.Parameter.VAR_POSITIONAL
    plain = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(plain) + variadic < 3 or len(plain) + variadic != len(params):
        raise TypeError(f"operation {name!r}: the derivative must take (m, out, x, ...) "
                        f"and nothing else, got {derivative.__name__}{inspect.signature(derivative)}")
    names = tuple(p.name for p in params[1:])
    return (None if variadic else len(plain) - 2), names


def _accepts(function, n):
    try:
        inspect.signature(function).bind(*range(n))
    except TypeError:
        return False
    except ValueError:  # a builtin without a signature: trust it
        pass
    return True


def _texts(name, text, arity, params):
    """The step texts as a tuple: one per operand (one for all with any arity)."""
    if callable(text):  # text(out, operands): one text per operand
        return text
    if text is None:  # d out/d x, in the node's names
        operands = params[-1:] if arity is None else params[1:]  # *xs: one text, for each x
        return tuple(f"d{{{params[0]}}}/d{{{p}}}" for p in operands)
    texts = (text,) if isinstance(text, str) else tuple(text)
    if len(texts) != (arity or 1):
        raise ValueError(f"operation {name!r}: text needs one entry per operand ({arity or 1}), got {texts!r}")
    for t in texts:
        try:
            t.format(**{p: p for p in params})
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(f"operation {name!r}: text {t!r} may only use the names "
                             f"{', '.join('{' + p + '}' for p in params)} ({error})") from None
    return texts


def local_derivatives(node, m=FLOAT_MATH):
    """The tuple (d node/d child for each child), by the entry of ``node.op``."""
    return OPERATIONS[node.op].local_derivatives(m, node.data, [c.data for c in node.children])
