"""learner_steps: a learner's own backward pass, one step per ``_backward`` call.

The graphs are micrograd 0.1.0's (the lecture's engine) or tiny classes written
here; each grad is checked against the closed form of its derivative.
"""

import pytest
from micrograd.engine import Value as MicrogradValue

from micrograd_bp import backward_steps
from micrograd_bp.learner_steps import LearnerStep, learner_steps, watching
from micrograd_bp.nodes import mirror

pytestmark = pytest.mark.timeout(60)


def named(v, label):
    v.label = label
    return v


def test_each_step_says_how_its_node_was_made_and_what_it_changed():
    a, b = named(MicrogradValue(3.0), "a"), named(MicrogradValue(-2.0), "b")
    s = named(a * a, "s")  # micrograd keeps {a}: one operand
    p = named(s + s, "p")
    q = named(a ** 2, "q")
    r = named(b.relu(), "r")  # relu of a negative number: its _backward adds 0
    d = named(a + b, "d")
    L = named(p * q + r + d, "L")
    steps = {step.name: step for step in backward_steps(L)}
    assert steps["s"].formula() == "a * a" and steps["p"].formula() == "s + s"
    assert steps["q"].formula() == "a**2" and steps["r"].formula() == "ReLU(b)"
    assert steps["d"].formula() in ("a + b", "b + a")  # micrograd's operands are a set
    assert str(steps["r"]).splitlines()[1:] == ["  (changed no grad)"]  # still a step
    # d = a + b: both grads grow by dL/dd = 1 (a's has some already: the order is micrograd's)
    (head, *lines) = str(steps["d"]).splitlines()
    assert head == f"d._backward()   where d = {steps['d'].formula()}, d.grad = 1"
    assert sorted(line.split(":")[0] for line in lines) == ["  a.grad", "  b.grad"]
    assert "  b.grad: 0 -> 1" in lines
    assert all(change[0].label == change[1] for change in steps["d"].changes)
    # the closed form: L = 2 a^4 + relu(b) + a + b, dL/da = 8 a^3 + 1
    assert a.grad == 8 * 3.0 ** 3 + 1 and b.grad == 1.0


def test_steps_are_numbered_from_zero_and_the_leaves_doing_nothing_are_left_out():
    a, b = MicrogradValue(2.0), MicrogradValue(5.0)
    L = ((a * b) * a) * b
    steps = list(backward_steps(L))
    assert [s.index for s in steps] == [0, 1, 2]  # the products; micrograd's leaves add nothing
    assert repr(steps[1]) == f"<LearnerStep 1: {steps[1].name}._backward(), 2 grads changed>"
    assert (a.grad, b.grad) == (2 * 2.0 * 5.0 ** 2, 2 * 2.0 ** 2 * 5.0)  # L = a^2 b^2


def test_a_leafs_formula():
    a = named(MicrogradValue(2.0), "a")
    leaf = mirror(a)[id(a)]
    assert LearnerStep(0, leaf, "a", (), {leaf: 0.0}, {leaf: "a"}).formula() == "a leaf"


def test_learner_steps_refuses_a_non_node_in_one_line():
    with pytest.raises(TypeError, match="^backward_steps needs a Value, got float"):
        learner_steps(2.0)


def test_a_backward_that_raises_attribute_error_is_named():
    class Node:
        def __init__(self, data, prev=()):
            self.data, self.grad, self._prev, self._op = data, 0.0, set(prev), "*" if prev else ""
            self._backward = lambda: None

    a = Node(2.0)
    root = Node(4.0, (a,))
    root._backward = lambda: a.gradd  # a typo
    with pytest.raises(TypeError, match=r"^backward_steps: a node of Node has no usable _backward "
                                        r"\('Node' object has no attribute 'gradd'"):
        list(learner_steps(root))


def test_watching_returns_what_backward_returns_and_gives_a_method_back():
    class Node:
        def __init__(self):
            self.data, self.grad, self._prev, self._op = 1.0, 0.0, set(), ""

        def _backward(self):
            return "own"

    n = Node()
    seen = []
    with watching([n], before=seen.append, after=seen.append):
        assert "_backward" in n.__dict__
        assert n._backward() == "own"
    assert seen == [n, n]
    assert "_backward" not in n.__dict__ and n._backward() == "own"  # the class's method again


def test_watching_gives_a_slot_its_own_backward_back():
    class Slotted:
        __slots__ = ("data", "grad", "_prev", "_op", "_backward")

    n = Slotted()
    own = n._backward = lambda: "own"
    with watching([n]):
        assert n._backward is not own and n._backward() == "own"
    assert n._backward is own
