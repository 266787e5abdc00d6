"""The tutor's hints and reports, one by one: each kind of wrong grad gets its own
hint, numbers are compared with one tolerance, a report reads the same as a line,
a dict, a repr and HTML.  (tests/test_tutor.py checks whole engines.)"""

import pytest
from learner_engine import engine

from micrograd_bp import tutor
from micrograd_bp.tutor import _close, _derivative_hint, check_engine

pytestmark = pytest.mark.timeout(60)

MUL_1 = "the derivative of * with respect to its first operand"


@pytest.mark.parametrize("expected, got, g, own, other, hint", [
    (3.0, -3.0, 2.0, None, None, f"{MUL_1} has the wrong sign"),
    (6.0, 3.0, 2.0, None, None, f"{MUL_1} lacks the factor out.grad (the chain rule multiplies by it)"),
    (6.0, 2.0, 2.0, None, None, f"{MUL_1} is missing: out.grad was passed on unchanged"),
    (10.0, 6.0, 2.0, 3.0, 5.0, f"{MUL_1} used the operand's own data where the other operand's belongs"),
    (6.0, 6.0 * 3, 2.0, 3.0, 3.0, f"{MUL_1} is off by a factor 3"),  # own = other: not that
    (4.0, 0.0, 2.0, None, None, f"{MUL_1}: the operand's grad was not changed at all"),
    (4.0, 12.0, 2.0, None, None, f"{MUL_1} is off by a factor 3"),
    (4.0, -8.0, 2.0, None, None, f"{MUL_1} is off by a factor -2"),
    (4.0, 5.5, 2.0, None, None, f"{MUL_1} is not right: work it out by hand, then nudge the input to check"),
    (0.0, 5.0, 0.0, None, None, f"{MUL_1} is not right: work it out by hand, then nudge the input to check"),
    (3.0, 3.0 / 1.0 + 1.0, 1.0, None, None, f"{MUL_1} is not right: work it out by hand, "
                                            "then nudge the input to check"),  # g = 1: no factor to lack
])
def test_each_kind_of_wrong_derivative_gets_its_hint(expected, got, g, own, other, hint):
    assert _derivative_hint("*", 0, expected, got, g, own, other) == hint


def test_the_hint_names_the_operand_or_a_unary_operation():
    assert _derivative_hint("**", 1, 3.0, -3.0, 2.0) == \
        "the derivative of ** with respect to its second operand has the wrong sign"
    assert _derivative_hint("+", 2, 3.0, -3.0, 2.0).endswith("its third operand has the wrong sign")
    assert _derivative_hint("+", 3, 3.0, -3.0, 2.0).endswith("its 4th operand has the wrong sign")
    assert _derivative_hint("tanh", 0, 3.0, -3.0, 2.0, unary=True) == "the derivative of tanh has the wrong sign"


@pytest.mark.parametrize("x, y, close", [
    (0.0, 0.5e-6, True), (0.0, 1.5e-6, False),  # 1e-6 near 0
    (100.0, 100.00005, True), (100.0, 100.0002, False),  # relative: 1e-6 (1 + |y|)
    (-3.0, -3.0, True), (2.0, -2.0, False),
])
def test_numbers_are_compared_with_one_tolerance(x, y, close):
    assert tutor.TOLERANCE == 1e-6
    assert _close(x, y) is close


def test_a_result_reads_the_same_as_a_line_a_dict_and_a_repr():
    Value = engine()["Value"]
    report = check_engine(Value, stage=[1, 2])
    first = report.results[0]
    assert first.line() == "stage 1 (a Value with + and *): passed"
    assert first.as_dict() == {"stage": 1, "title": "a Value with + and *", "status": "passed",
                               "message": "", "hint": ""}
    assert repr(first) == "<StageResult 'stage 1 (a Value with + and *): passed'>"
    assert repr(report) == str(report) == "stage 1 (a Value with + and *): passed\nstage 2 (drawing it): passed"


def test_a_failing_stage_shows_its_picture_in_html():
    pytest.importorskip("graphviz")
    Value = engine("add sign")["Value"]
    report = check_engine(Value, stage=[1, 3])
    assert report.results[0].picture is None and report.results[1].picture is not None
    page = report._repr_html_()
    assert page.startswith("<pre>stage 1 (a Value with + and *): passed\nstage 3")
    assert page.count("<svg") == 1 and "<?xml" not in page  # only the svg element


def test_a_class_that_raises_is_reported_not_raised():
    Value = engine()["Value"]

    def raises(self):
        raise KeyError("oops")

    def recurses(self):
        raise RecursionError("maximum recursion depth exceeded")

    Value.backward = raises
    (result,) = check_engine(Value, stage=4).results
    assert result.line() == ("stage 4 (topological order and backward()): failed: KeyError: 'oops' "
                             "Hint: read the error: it came from your class")
    Value.backward = recurses
    (result,) = check_engine(Value, stage=4).results
    assert result.status == "failed" and result.hint == tutor.RECURSION


def test_a_class_that_cannot_even_be_made_is_not_there_yet_at_stage_1_and_later():
    class Value:
        def __init__(self, data):
            raise NotImplementedError("later")

    first, later = check_engine(Value, stage=[1, 3]).results
    assert first.line() == "stage 1 (a Value with + and *): not there yet: Value(2.0) raised " \
                           "NotImplementedError: later"
    assert later.message == "Value(2.0) raised NotImplementedError: later (stage 1 comes first)"


def test_recursion_anywhere_in_a_stage_gets_the_recursion_hint():
    class Value:
        def __init__(self, data):
            self._data = data

        @property
        def data(self):  # a property that calls itself
            return self.data

    (result,) = check_engine(Value, stage=1).results
    assert result.line() == f"stage 1 (a Value with + and *): failed: RecursionError: maximum " \
                            f"recursion depth exceeded Hint: {tutor.RECURSION}"


class Plain:
    """A stage-1 Value, as small as it gets; the tests below break one piece each."""

    def __init__(self, data, _children=(), _op=""):
        self.data, self._prev, self._op = data, set(_children), _op

    def __add__(self, other):
        other = other if isinstance(other, Plain) else Plain(other)
        return Plain(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        other = other if isinstance(other, Plain) else Plain(other)
        return Plain(self.data * other.data, (self, other), "*")

    __radd__, __rmul__ = __add__, __mul__


def stage_1_line(**changes):
    Value = type("Value", (Plain,), changes)
    (result,) = check_engine(Value, stage=1).results
    return result.line().removeprefix("stage 1 (a Value with + and *): ")


def test_stage_1_reports_what_is_there_and_what_is_wrong_in_learners_terms():
    assert stage_1_line() == "passed"

    def keeps_value(self, data, _children=(), _op=""):
        self.value = data

    assert stage_1_line(__init__=keeps_value) == "not there yet: Value(2.0) has no attribute 'data'"
    assert stage_1_line(__add__=None, __mul__=None) == "not there yet: neither a + b nor a * b works yet"
    assert stage_1_line(__mul__=None) == \
        "failed: a * b is not there yet Hint: define the method Python calls for *"
    assert stage_1_line(__add__=None) == \
        "failed: a + b is not there yet Hint: define the method Python calls for +"
    assert stage_1_line(__add__=Plain.__mul__) == ("failed: a + b has data -6.0, expected -1.0 "
                                                   "Hint: the result of + is the + of the operands' data")
    assert stage_1_line(__mul__=Plain.__add__) == ("failed: a * b has data -1.0, expected -6.0 "
                                                   "Hint: the result of * is the * of the operands' data")

    def forgets(self, other):
        return Plain(self.data + other.data)

    assert stage_1_line(__add__=forgets) == ("failed: a + b._prev does not hold both operands "
                                             "Hint: record the operand Values themselves in _prev")

    def no_prev(self, other):
        out = Plain(self.data + other.data)
        del out._prev
        return out

    assert stage_1_line(__add__=no_prev) == ("failed: a + b has no attribute '_prev' "
                                             "Hint: each result must remember its operands in _prev")

    def prev_number(self, other):
        out = Plain(self.data + other.data, (self, other), "+")
        out._prev = 2
        return out

    assert stage_1_line(__add__=prev_number) == ("failed: a + b._prev is int, not a collection "
                                                 "Hint: keep the operands in a tuple or a set")

    def only_self(self, other):
        return Plain(self.data + other.data, (self, self), "+")

    assert stage_1_line(__add__=only_self).startswith("failed: a + b._prev does not hold both operands")
