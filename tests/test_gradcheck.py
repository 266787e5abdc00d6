"""gradcheck: central differences as an independent judge of backward()."""

import pytest

from micrograd_bp import gradcheck, rules


def test_a_correct_gradient_passes_and_reports_the_worst_input():
    result = gradcheck(lambda a, b: a * b + b.tanh(), [2.0, -0.5])
    assert result.ok and bool(result)
    assert result.numeric[0] == pytest.approx(-0.5, abs=1e-8)  # d(ab)/da = b
    assert "gradcheck OK" in str(result) and "x[" in str(result)


def test_a_wrong_rule_is_caught(monkeypatch):
    # Break the chain rule for tanh on purpose: say d tanh/dz = 1 - h instead of 1 - h^2.
    monkeypatch.setattr(rules.OPERATIONS["tanh"], "derivative", lambda m, h, z: 1 - h)
    result = gradcheck(lambda a: a.tanh(), [0.8])
    assert not result.ok
    assert "MISMATCH" in str(result)
    assert result.worst == 0 and result.max_error > 1e-2


def test_bad_arguments():
    with pytest.raises(TypeError, match="function of Values"):
        gradcheck(3.0, [1.0])
    with pytest.raises(TypeError, match="must return a Value"):
        gradcheck(lambda a: 3.0, [1.0])
    with pytest.raises(TypeError, match="str"):
        gradcheck(lambda a: a, ["one"])


def test_central_difference_is_second_order_accurate():
    # For f = x^3 the central difference has error eps^2 exactly: ((x+e)^3-(x-e)^3)/2e = 3x^2 + e^2
    result = gradcheck(lambda x: x ** 3, [1.0], eps=1e-3)
    assert result.numeric[0] == pytest.approx(3.0 + 1e-6, abs=1e-9)
    assert result.analytic[0] == 3.0
