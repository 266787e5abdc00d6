"""The operations: one entry per operation, holding everything known about it.

Every node ``out = f(x1, x2, ...)`` of the graph knows how it was made (``out.op``)
and from what (``out.children``).  Each operation has one entry here, made by the
:func:`operation` decorator over its *local derivative*::

    @operation("tanh", forward=lambda m, z: m.tanh(z), text="(1 - {h}.data²)")
    def tanh(m, h, z):
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
``backward()``, the stepper and ``gradcheck``.
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
    """

    __slots__ = ("name", "arity", "forward", "derivative", "text", "params")

    def __init__(self, name, arity, forward, derivative, text, params):
        self.name, self.arity, self.forward = name, arity, forward
        self.derivative, self.text, self.params = derivative, text, params

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


def operation(name, forward, text=None):
    """Register an operation: a decorator over its local derivative.

    ``forward(m, x1, ...)`` computes the value; the decorated
    ``derivative(m, out, x1, ...)`` returns d out/d x_i (a number for one operand,
    a tuple otherwise); ``text`` (optional) is how step texts write it, using the
    derivative's parameter names in braces.  Use ``m.exp``, ``m.log``, ... (or plain
    ``math`` functions, which then work on numbers only)::

        >>> from micrograd_bp import Value, operation
        >>> @operation("softplus", forward=lambda m, x: m.log(1 + m.exp(x)),
        ...            text="sigmoid({x}.data)")
        ... def softplus(m, out, x):
        ...     return m.sigmoid(x)             # d softplus(x)/dx = sigmoid(x)
        >>> y = Value(0.0, label="x").apply("softplus")
        >>> y.backward(); round(y.data, 4), y.children[0].grad
        (0.6931, 0.5)

    Registering a name again replaces a user operation (re-running a notebook cell);
    the built-in operations cannot be replaced.  Returns the derivative unchanged.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"operation needs a name (a non-empty str), got {name!r}")
    if name in BUILT_IN:
        raise ValueError(f"operation {name!r} is built in and cannot be replaced; choose another name")
    if not callable(forward):
        raise TypeError(f"operation {name!r}: forward must be a function forward(m, x, ...), got {forward!r}")

    def register(derivative):
        arity, params = _arity(name, derivative)
        if arity is not None and not _accepts(forward, 1 + arity):
            raise TypeError(f"operation {name!r}: forward must take m and {arity} operand(s), "
                            f"like the derivative {derivative.__name__}{inspect.signature(derivative)}")
        texts = _texts(name, text, arity, params)
        OPERATIONS[name] = Operation(name, arity, forward, derivative, texts, params)
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


BUILT_IN = frozenset()  # the names of the built-in operations, filled in below


# --- arithmetic ------------------------------------------------------------------

@operation("+", forward=lambda m, *x: sum(x), text="1")
def add(m, out, *x):
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


@operation("w·h+b", forward=lambda m, *x: _weighted_sum(x), text=_weighted_sum_texts)
def weighted_sum(m, z, *x):
    """z = w1 h1 + ... + wn hn + b, one neuron's z = W h + b, with the operands
    (w1, ..., wn, h1, ..., hn, b)   ->   dz/dwi = hi,  dz/dhi = wi,  dz/db = 1.

    With delta = dL/dz, the chain rule through this node is the document's Step 4,
    dL/dW = delta h^T and dL/db = delta, and hands each hi the term wi delta; hi
    sums these over the neurons that read it, which is Step 3's (W^T delta)_i.
    """
    w, h, _ = weighted_sum_operands(x)
    return h + w + (1.0,)  # dz/dw = h, dz/dh = w, dz/db = 1


@operation("-", forward=lambda m, a, b: a - b, text=("1", "-1"))
def sub(m, out, a, b):
    """out = a - b   ->   d out/da = 1,  d out/db = -1."""
    return (1.0, -1.0)


@operation("neg", forward=lambda m, a: -a, text="-1")
def neg(m, out, a):
    """out = -a   ->   d out/da = -1."""
    return -1.0


@operation("*", forward=lambda m, a, b: a * b, text=("{b}.data", "{a}.data"))
def mul(m, out, a, b):
    """out = a * b   ->   d out/da = b,  d out/db = a."""
    return (b, a)


@operation("/", forward=lambda m, a, b: a / b, text=("1/{b}.data", "-{out}.data/{b}.data"))
def div(m, out, a, b):
    """out = a / b   ->   d out/da = 1/b,  d out/db = -a/b**2 = -out/b."""
    return (1 / b, -out / b)


@operation("**", forward=lambda m, a, b: a ** b,
           text=("{b}.data·{a}.data^({b}.data-1)", "{out}.data·ln({a}.data)"))
def pow(m, out, a, b):
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

@operation("exp", forward=lambda m, x: m.exp(x), text="{out}.data")
def exp(m, out, x):
    """out = e**x   ->   d out/dx = e**x = out."""
    return out


@operation("log", forward=lambda m, x: m.log(x), text="1/{x}.data")
def log(m, out, x):
    """out = ln x   ->   d out/dx = 1/x."""
    return 1 / x


@operation("sin", forward=lambda m, x: m.sin(x), text="cos({x}.data)")
def sin(m, out, x):
    """out = sin x   ->   d out/dx = cos x."""
    return m.cos(x)


@operation("cos", forward=lambda m, x: m.cos(x), text="-sin({x}.data)")
def cos(m, out, x):
    """out = cos x   ->   d out/dx = -sin x."""
    return -m.sin(x)


# --- activations sigma(z) and their sigma'(z) ------------------------------------

@operation("tanh", forward=lambda m, z: m.tanh(z), text="(1 - {h}.data²)")
def tanh(m, h, z):
    """h = tanh(z)   ->   dh/dz = 1 - h**2."""
    return 1 - h * h


@operation("sigmoid", forward=lambda m, z: m.sigmoid(z), text="{h}.data·(1 - {h}.data)")
def sigmoid(m, h, z):
    """h = 1 / (1 + e**-z)   ->   dh/dz = h * (1 - h)."""
    return h * (1 - h)


@operation("relu", forward=lambda m, z: m.relu(z), text="[{z}.data > 0]")
def relu(m, h, z):
    """h = max(0, z)   ->   dh/dz = 1 if z > 0 else 0  (z > 0 exactly when h > 0)."""
    return m.step(h)


BUILT_IN = frozenset(OPERATIONS)


def local_derivatives(node, m=FLOAT_MATH):
    """The tuple (d node/d child for each child), by the entry of ``node.op``."""
    return OPERATIONS[node.op].local_derivatives(m, node.data, [c.data for c in node.children])
