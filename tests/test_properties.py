"""Property tests: random expression DAGs, with shared subexpressions, against
central differences.

Hypothesis draws a small program: each step applies an operation to earlier
nodes (so later steps reuse earlier results, making a DAG, not a tree), and the
program's last node is the loss.  backward() must agree with the central
difference of the same program for every input.
"""

import math

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from micrograd_bp import Value, gradcheck
from micrograd_bp.engine import _interior_order
from micrograd_bp.graph import topological_order
from micrograd_bp.rules import BUILT_IN, OPERATIONS

# Every built-in operation of the registry, with its inputs kept inside its domain
# (and small enough that no exp() overflows); an operation missing here fails
# test_every_operation_of_the_registry_is_drawn.
DOMAIN = {
    "exp": lambda a: (a * 0.1,),
    "log": lambda a: (a * a + 0.5,),
    "/": lambda a, b: (a, b * b + 1.0),  # a denominator that is never 0
    "**": lambda a, b: (a * a + 0.5, b * 0.5),  # a positive base for a Value exponent
    "relu": lambda a: (a + 0.1234,),  # away from the kink at 0, where differences disagree
    "w·h+b": lambda a, b: (a, b, b),  # w = a, h = b, bias b: z = a·b + b (b used twice)
}
UNARY = sorted(name for name in BUILT_IN if OPERATIONS[name].arity == 1) + ["square"]
BINARY = sorted(name for name in BUILT_IN if OPERATIONS[name].arity != 1)  # "+" of any arity: two here


def apply_op(op, *operands):
    if op == "square":  # a ** 2: a constant exponent, a different path from a Value one
        return operands[0] ** 2
    first, *rest = DOMAIN.get(op, lambda *xs: xs)(*operands)
    return first.apply(op, *rest)


def test_every_operation_of_the_registry_is_drawn():
    assert set(UNARY + BINARY) == set(BUILT_IN) | {"square"}
    assert all(OPERATIONS[name].arity in (None, 2) for name in BINARY)


@st.composite
def programs(draw):
    n_inputs = draw(st.integers(1, 4))
    inputs = draw(st.lists(st.floats(-2, 2), min_size=n_inputs, max_size=n_inputs))
    steps = []
    for k in range(draw(st.integers(1, 12))):
        available = n_inputs + k
        if draw(st.booleans()):
            steps.append(("u", draw(st.sampled_from(UNARY)), draw(st.integers(0, available - 1))))
        else:
            steps.append(("b", draw(st.sampled_from(BINARY)),
                          draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1))))
    return inputs, steps


def run(steps, *xs):
    nodes = list(xs)
    for step in steps:
        try:
            nodes.append(apply_op(step[1], *[nodes[i] for i in step[2:]]))
        except OverflowError:  # a program whose numbers outgrow floats: not a test case
            assume(False)
    return nodes[-1]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_dags_match_central_differences(program):
    inputs, steps = program
    out = run(steps, *[Value(x) for x in inputs])
    assume(math.isfinite(out.data) and abs(out.data) < 1e6)
    result = gradcheck(lambda *xs: run(steps, *xs), inputs, eps=1e-6, tol=1e-4)
    assert result, str(result)


@settings(max_examples=50, deadline=None)
@given(programs())
def test_backward_twice_doubles_every_input_gradient(program):
    inputs, steps = program
    xs = [Value(x) for x in inputs]
    out = run(steps, *xs)
    assume(math.isfinite(out.data) and abs(out.data) < 1e6)
    out.backward()
    once = [x.grad for x in xs]
    out.backward()
    for x, g in zip(xs, once):
        assert math.isclose(x.grad, 2 * g, rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=150, deadline=None)
@given(programs(), st.booleans())
def test_backward_walks_the_interior_nodes_of_topological_order_in_its_order(program, walked_before):
    """engine._interior_order (backward's fast walk, which marks nodes through their
    grads) lists exactly graph.topological_order's interior nodes, in the same order,
    whether the grads are fresh 0.0s or left by an earlier backward()."""
    inputs, steps = program
    out = run(steps, *[Value(x) for x in inputs])
    if walked_before:
        try:
            out.backward()
        except (ArithmeticError, ValueError):  # a derivative undefined at this point
            assume(False)
    expected = [node for node in topological_order(out) if node.children]
    walked = _interior_order(out)
    assert [id(node) for node in walked] == [id(node) for node in expected]
    assert all(node.grad == 0.0 for node in walked)  # reset on the way
