"""Exercise.check: right or wrong with a hint, and never the expected answer."""

import math

import pytest

from micrograd_bp import Value
from micrograd_bp.exercises import CodeExercise, Exercise, Verdict


def test_a_right_number_passes_within_the_tolerance():
    ex = Exercise("d tanh(1)/dz", expected=1 - math.tanh(1.0) ** 2)  # 0.419974...
    assert ex.check(0.41997)
    assert ex.check(0.42)              # rounded to two digits: within 0.5 %
    assert not ex.check(0.43)
    assert ex(0.42).status == "right"  # calling the exercise checks too


def test_a_wrong_answer_gets_the_hint_and_never_the_expected_value():
    ex = Exercise("dL/db", expected=-6.25, hint="b is used twice.")
    verdict = ex.check(1.0)
    assert not verdict and verdict.status == "wrong"
    assert "b is used twice." in str(verdict)
    for text in (str(verdict), repr(verdict), verdict._repr_html_()):
        assert "6.25" not in text


def test_a_near_miss_gets_the_hint_not_how_far_it_is():
    """'wrong sign' or 'off by 2' would hand over the answer: a near miss reads like any miss."""
    ex = Exercise("dL/da", expected=-4.0, hint="the other factor.")
    texts = {str(ex.check(answer)) for answer in (4.0, -8.0, -2.0, 17.0)}
    assert texts == {"✗ Not yet. Hint: the other factor."}


def test_the_placeholder_is_not_answered_yet_not_wrong():
    ex = Exercise("anything", expected=1.0)
    for placeholder in (..., None):
        verdict = ex.check(placeholder)
        assert verdict.status == "unanswered" and not verdict
        assert "replace ..." in str(verdict)


def test_bad_answers_get_a_sentence_not_a_traceback():
    ex = Exercise("a number", expected=2.0)
    assert "Give a number" in str(ex.check("two"))
    assert "Value" in str(ex.check(Value(2.0)))  # a Value, not its .data
    assert "finite" in str(ex.check(float("nan")))
    assert "Give a number" in str(ex.check(True))


def test_a_list_names_the_wrong_positions_only():
    ex = Exercise("three grads", expected=[1.0, -2.0, 0.5])
    assert ex.check((1.0, -2.0, 0.5))
    verdict = ex.check([1.0, 2.0, 0.5])
    assert "positions [1]" in str(verdict) and "-2" not in str(verdict)
    assert "Give 3 numbers" in str(ex.check([1.0]))
    assert "list of 3" in str(ex.check(4.0))


def test_multiple_choice_ignores_case_and_rejects_unknown_words():
    ex = Exercise("which mode", expected="reverse", choices=("forward", "reverse"))
    assert ex.check(" Reverse ")
    assert not ex.check("forward")
    assert "not one of the choices" in str(ex.check("sideways"))
    with pytest.raises(ValueError, match="not one of the choices"):
        Exercise("bad", expected="up", choices=("forward", "reverse"))


def test_true_or_false():
    ex = Exercise("is sigma' at most 1/4?", expected=True)
    assert ex.check(True) and not ex.check(False)
    assert "True or False" in str(ex.check("yes"))


def test_a_function_answer_is_tried_on_the_inputs():
    def softplus_prime(x):  # the reference: the logistic sigmoid
        return 1 / (1 + math.exp(-x))

    ex = Exercise("d softplus/dx", expected=softplus_prime, inputs=[-2.0, 0.0, 3.0])
    assert ex.check(lambda x: math.exp(x) / (1 + math.exp(x)))
    wrong = ex.check(lambda x: math.exp(x))
    assert not wrong and "wrong value at (-2)" in str(wrong)
    crashing = Exercise("d/dx", expected=softplus_prime, inputs=[0.0]).check(lambda x: 1 / x)
    assert "ZeroDivisionError" in str(crashing) and "at (0)" in str(crashing)
    assert "Give a function" in str(ex.check(0.5))
    assert ex.check(lambda x: ...).status == "unanswered"  # the placeholder a notebook ships with
    with pytest.raises(ValueError, match="inputs="):
        Exercise("no inputs", expected=softplus_prime)


def test_a_verdict_shows_as_text_and_as_html():
    right = Verdict("right", "Right.")
    assert str(right) == "✓ Right." and bool(right)
    assert "color:" in right._repr_html_() and "✓ Right." in right._repr_html_()
    assert "&lt;" in Verdict("wrong", "a < b")._repr_html_()  # escaped


# --- CodeExercise: a function the learner writes -------------------------------------

def _grads(x, y):  # the reference: d(x*y)/dx, d(x*y)/dy, and a 2x2 outer product
    return {"dx": y, "dy": x, "outer": [[x * x, x * y], [y * x, y * y]]}


CODE = CodeExercise("grads of x*y", _grads, cases=[(2.0, 3.0), (-1.5, 0.5)], hint="swap.")


def test_a_right_function_passes_on_every_case():
    np = pytest.importorskip("numpy")
    verdict = CODE.check(lambda x, y: {"dx": y, "dy": x, "outer": np.outer([x, y], [x, y])})
    assert verdict and "all 2 cases" in str(verdict)


def test_a_wrong_result_is_named_without_its_value():
    verdict = CODE.check(lambda x, y: {"dx": y, "dy": y, "outer": [[x * x, x * y], [y * x, y * y]]})
    assert not verdict and "dy is wrong" in str(verdict) and "Case 0" in str(verdict)
    assert "2.0" not in str(verdict) and "swap." in str(verdict)
    # right on the first case only: the second case catches it
    verdict = CODE.check(lambda x, y: {"dx": 3.0, "dy": x, "outer": [[x * x, x * y], [y * x, y * y]]})
    assert "Case 1: dx is wrong" in str(verdict)


def test_a_wrong_shape_or_missing_key_or_crash_is_a_sentence():
    assert "shape (2,)" in str(CODE.check(lambda x, y: {"dx": y, "dy": x, "outer": [x, y]}))
    assert "no 'outer'" in str(CODE.check(lambda x, y: {"dx": y, "dy": x}))
    assert "return a dict" in str(CODE.check(lambda x, y: (y, x)))
    assert "ZeroDivisionError" in str(CODE.check(lambda x, y: 1 / 0))
    assert "not numbers" in str(CODE.check(lambda x, y: {"dx": "y", "dy": x, "outer": 0}))
    assert "Give a function" in str(CODE.check(3))


def test_an_unwritten_function_is_not_answered_yet():
    for unwritten in (..., None, lambda x, y: ...):
        assert CODE.check(unwritten).status == "unanswered"
