"""The registry of operations: every entry complete and right, and new operations
added from user code working everywhere (backward, the stepper, gradcheck, --expr).

Every expected derivative comes from a central difference of the entry's own
forward function, or from a closed form written here.
"""

import inspect
import math

import pytest

from micrograd_bp import Value, gradcheck, operation
from micrograd_bp.commands.graph import evaluate, functions
from micrograd_bp.rules import BUILT_IN, FLOAT_MATH, OPERATIONS, local_derivatives
from micrograd_bp.stepper import backward_steps

# A point inside each operation's domain (operands as numbers).
POINTS = {"log": (0.7,), "**": (1.3, 0.7), "/": (1.5, -0.8), "+": (0.3, -1.1, 2.0),
          "w·h+b": (0.6, -0.4, 1.3, 0.2, -0.5)}  # w1, w2, h1, h2, b

# How the engine writes each built-in operation (operators and methods).
ENGINE = {
    "+": lambda *xs: Value.sum(xs), "-": lambda a, b: a - b, "neg": lambda a: -a,
    "*": lambda a, b: a * b, "/": lambda a, b: a / b, "**": lambda a, b: a ** b,
    "w·h+b": lambda w1, w2, h1, h2, b: Value.weighted_sum([w1, w2], [h1, h2], b),
}


def point(name):
    arity = OPERATIONS[name].arity
    return POINTS.get(name, (0.6, -0.4)[:arity])


@pytest.fixture
def registry():
    """The registry, restored after the test: operations added by a test do not leak."""
    saved = dict(OPERATIONS)
    yield OPERATIONS
    OPERATIONS.clear()
    OPERATIONS.update(saved)


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_every_built_in_entry_is_complete(name):
    op = OPERATIONS[name]
    assert op.name == name
    xs = point(name)
    assert op.arity in (1, 2, None) and (op.arity is None or op.arity == len(xs))
    out = op.forward(FLOAT_MATH, *xs)
    assert isinstance(out, float) and math.isfinite(out)
    local = op.local_derivatives(FLOAT_MATH, out, xs)
    assert len(local) == len(xs)
    texts = op.local_texts("o", [f"x{i}" for i in range(len(xs))])
    assert len(texts) == len(xs) and all(t and "{" not in t for t in texts)
    assert name.isidentifier() == (name in functions())  # --expr knows every function


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_every_forward_is_the_engines_and_every_derivative_matches_differences(name):
    op, xs = OPERATIONS[name], point(name)
    engine = ENGINE.get(name, lambda x: getattr(x, name)())
    node = engine(*[Value(x) for x in xs])
    assert node.op == name and node.data == op.forward(FLOAT_MATH, *xs)
    eps = 1e-6
    for i, d in enumerate(local_derivatives(node)):
        up = [x + (eps if k == i else 0.0) for k, x in enumerate(xs)]
        down = [x - (eps if k == i else 0.0) for k, x in enumerate(xs)]
        numeric = (op.forward(FLOAT_MATH, *up) - op.forward(FLOAT_MATH, *down)) / (2 * eps)
        assert d == pytest.approx(numeric, rel=1e-6, abs=1e-8), (name, i)


def test_the_tanh_rule_reads_as_the_chain_rule_table_says():
    h = Value(0.3).tanh()
    assert local_derivatives(h) == (1 - math.tanh(0.3) ** 2,)
    assert OPERATIONS["tanh"].local_texts("h", ["z"]) == ["(1 - h.data²)"]


def test_the_neuron_rule_swaps_weights_and_inputs_in_its_texts():
    names = ["W1[0,0]", "W1[0,1]", "x[0]", "x[1]", "b1[0]"]
    assert OPERATIONS["w·h+b"].local_texts("z1[0]", names) == [
        "x[0].data", "x[1].data", "W1[0,0].data", "W1[0,1].data", "1"]


def register_softplus():
    @operation("softplus", forward=lambda m, x: m.log(1 + m.exp(x)), text="sigmoid({x}.data)")
    def softplus(m, out, x):
        """out = ln(1 + e**x)   ->   d out/dx = 1 / (1 + e**-x)."""
        return m.sigmoid(x)

    return softplus


def test_a_new_operation_from_user_code_backpropagates(registry):
    register_softplus()
    x = Value(0.8, label="x")
    y = x.apply("softplus")
    assert y.op == "softplus" and y.children == (x,)
    assert y.data == pytest.approx(math.log(1 + math.exp(0.8)))
    y.backward()
    assert x.grad == pytest.approx(1 / (1 + math.exp(-0.8)))  # the closed form
    result = gradcheck(lambda a, b: (a * b).apply("softplus") * a + b.apply("softplus"), [0.8, -1.3])
    assert result, str(result)


def test_a_new_operation_steps_with_its_text(registry):
    register_softplus()
    x = Value(0.0, label="x")
    y = x.apply("softplus")
    y.label = "y"
    (step,) = backward_steps(y)
    assert step.headline().startswith("y.grad = dy/dy = 1.0   where y = softplus(x)")
    assert step.lines()[0].startswith("x.grad += sigmoid(x.data) × y.grad = 0.5 × 1.0 = 0.5")


def test_a_new_operation_in_an_expression(registry):
    register_softplus()
    root = evaluate("softplus(2 * a) - a", {"a": 0.5})
    root.backward()
    a = root.children[1]
    assert a.label == "a"
    assert a.grad == pytest.approx(2 / (1 + math.exp(-1.0)) - 1)


def test_cube_as_its_own_operation_with_the_default_text(registry):
    @operation("cube", forward=lambda m, x: x ** 3)
    def cube(m, out, x):
        return 3 * x * x

    assert gradcheck(lambda a: a.apply("cube").tanh(), [0.7])
    x = Value(-1.5, label="x")
    y = x.apply("cube")
    y.label = "y"
    (step,) = backward_steps(y)
    assert step.lines()[0].startswith("x.grad += dy/dx × y.grad = 6.75 × 1.0 = 6.75")


def test_a_new_operation_of_two_operands(registry):
    @operation("hypot", forward=lambda m, a, b: (a * a + b * b) ** 0.5,
               text=("{a}.data/{out}.data", "{b}.data/{out}.data"))
    def hypot(m, out, a, b):
        return (a / out, b / out)

    assert OPERATIONS["hypot"].arity == 2
    out = Value(3.0).apply("hypot", 4.0)  # numbers become constant leaves
    assert out.data == 5.0
    assert gradcheck(lambda a, b: a.apply("hypot", b) * a, [3.0, -4.0])


def test_registering_again_replaces_a_user_operation(registry):
    @operation("twice", forward=lambda m, x: 3 * x)
    def wrong(m, out, x):
        return 3.0

    @operation("twice", forward=lambda m, x: 2 * x)
    def twice(m, out, x):
        return 2.0

    assert Value(1.5).apply("twice").data == 3.0


@pytest.mark.parametrize("register, error, message", [
    (lambda: operation("tanh", forward=lambda m, z: z)(lambda m, h, z: 1.0), ValueError, "'tanh' is built in"),
    (lambda: operation("", forward=lambda m, z: z), TypeError, "needs a name"),
    (lambda: operation("f", forward=3), TypeError, "forward must be a function"),
    (lambda: operation("f", forward=lambda m, z: z)(lambda out, x: 1.0), TypeError, "(m, out, x, ...)"),
    (lambda: operation("f", forward=lambda m, z: z)(3), TypeError, "decorates a function derivative"),
    (lambda: operation("f", forward=lambda m, z: z)(lambda m, out, x, *, k: 1.0), TypeError, "nothing else"),
    (lambda: operation("f", forward=lambda m, a, b: a)(lambda m, out, x: 1.0), TypeError, "forward must take m and 1"),
    (lambda: operation("f", forward=lambda m, z: z, text=("1", "2"))(lambda m, out, x: 1.0), ValueError,
     "one entry per operand"),
    (lambda: operation("f", forward=lambda m, z: z, text="{y}")(lambda m, out, x: 1.0), ValueError,
     "may only use the names {out}, {x}"),
])
def test_a_wrong_registration_says_what_is_wrong(register, error, message, registry):
    with pytest.raises(error) as caught:
        register()
    assert message in str(caught.value)
    assert "f" not in OPERATIONS


def test_applying_a_wrong_operation_says_what_is_wrong(registry):
    with pytest.raises(ValueError, match="there is no operation 'no_such_op'.*micrograd_bp.operation"):
        Value(1.0).apply("no_such_op")
    with pytest.raises(TypeError, match="tanh takes 1 operand"):
        Value(1.0).apply("tanh", 2.0)
    register_softplus()
    with pytest.raises(TypeError, match="the operand of 'softplus' needs a real number"):
        Value(1.0).apply("softplus", "x")

    @operation("broken", forward=lambda m, x: math.nan)
    def broken(m, out, x):
        return 0.0

    with pytest.raises(ValueError, match="the result of broken got nan"):
        Value(1.0).apply("broken")


def test_the_decorator_returns_the_derivative_unchanged(registry):
    def d_double(m, out, x):
        return 2.0

    assert operation("double", forward=lambda m, x: 2 * x)(d_double) is d_double


def test_an_operation_says_its_name_and_arity_when_printed():
    assert repr(OPERATIONS["*"]) == "<operation '*', 2 operand(s)>"
    assert repr(OPERATIONS["+"]) == "<operation '+', any number of operand(s)>"


def test_two_operands_without_text_get_one_default_text_each(registry):
    @operation("weighted", forward=lambda m, a, b: 2 * a + 3 * b)
    def weighted(m, out, a, b):
        return (2.0, 3.0)

    assert OPERATIONS["weighted"].local_texts("y", ["p", "q"]) == ["dy/dp", "dy/dq"]
    p, q = Value(1.0, label="p"), Value(-1.0, label="q")
    y = p.apply("weighted", q)
    y.label = "y"
    (step,) = backward_steps(y)
    assert step.lines()[0].startswith("p.grad += dy/dp × y.grad = 2.0 × 1.0 = 2.0")
    assert step.lines()[1].startswith("q.grad += dy/dq × y.grad = 3.0 × 1.0 = 3.0")


def test_any_number_of_operands_without_text_get_one_default_text_each(registry):
    @operation("total", forward=lambda m, *xs: sum(xs))
    def total(m, out, *xs):
        return (1.0,) * len(xs)

    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")
    y = a.apply("total", b, c)
    y.label = "y"
    (step,) = backward_steps(y)
    assert len(step.lines()) == 3
    assert step.lines()[1].startswith("b.grad += dy/db × y.grad = 1.0 × 1.0 = 1.0")
    assert step.lines()[2].startswith("c.grad += dy/dc × y.grad = 1.0 × 1.0 = 1.0")


def test_a_text_can_be_a_function_of_the_operands_names(registry):
    def texts(out, operands):  # d(x0·x1·...)/dxi: the product of the others
        return ["·".join(f"{o}.data" for o in operands if o != name) for name in operands]

    @operation("product", forward=lambda m, *xs: math.prod(xs), text=texts)
    def product(m, out, *xs):
        return tuple(math.prod(xs[:i] + xs[i + 1:]) for i in range(len(xs)))

    a, b, c = Value(2.0, label="a"), Value(3.0, label="b"), Value(5.0, label="c")
    y = a.apply("product", b, c)
    y.label = "y"
    assert [line.split(" ×")[0] for line in next(iter(backward_steps(y))).lines()] == [
        "a.grad += b.data·c.data", "b.grad += a.data·c.data", "c.grad += a.data·b.data"]
    # stepping did backward()'s work: each operand got the product of the other two
    assert (a.grad, b.grad, c.grad) == (15.0, 10.0, 6.0)


def test_a_builtin_forward_without_a_signature_is_trusted(registry):
    with pytest.raises(ValueError):
        inspect.signature(max)  # a builtin whose parameters Python cannot show
    operation("largest", forward=max)(lambda m, out, a, b: (float(a >= b), float(b > a)))
    assert OPERATIONS["largest"].arity == 2


def test_a_first_operand_before_the_others_gets_the_same_default_text(registry):
    @operation("first_plus_rest", forward=lambda m, x, *rest: x + sum(rest))
    def first_plus_rest(m, out, x, *rest):
        return (1.0,) * (1 + len(rest))

    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    y = a.apply("first_plus_rest", b)
    y.label = "y"
    assert [line.split(" ×")[0] for line in next(iter(backward_steps(y))).lines()] == [
        "a.grad += dy/da", "b.grad += dy/db"]
