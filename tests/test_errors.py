"""Bad input: a clear error that names the operation and the value, and nothing lost."""

import pytest

from micrograd_bp import MLP, Value


@pytest.mark.parametrize("bad", ["1.5", None, [1.0], 1 + 2j, object(), True])
def test_non_numeric_data_is_a_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


def test_nan_is_refused_with_a_hint():
    with pytest.raises(ValueError, match="nan"):
        Value(float("nan"))
    with pytest.raises(ValueError, match="operand of '\\*' got nan"):
        Value(1.0) * float("nan")


def test_an_mlp_needs_a_list_of_inputs():
    with pytest.raises(TypeError, match="takes a list of 2 numbers"):
        MLP(2, [1])(3.0)


@pytest.mark.parametrize("bad", ["x", None, [1.0], 2j])
def test_non_numeric_operands_are_type_errors(bad):
    a = Value(1.0)
    for op in (lambda: a + bad, lambda: bad * a, lambda: a - bad, lambda: a / bad):
        with pytest.raises(TypeError, match=type(bad).__name__):
            op()


@pytest.mark.parametrize("x", [0.0, -2.5])
def test_log_of_non_positive_names_log_and_the_value(x):
    with pytest.raises(ValueError, match=rf"log.*{x}"):
        Value(x).log()


def test_division_by_zero_names_both_numbers():
    with pytest.raises(ZeroDivisionError, match=r"division by zero: 1\.0 / 0\.0"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError, match=r"division by zero: 1\.0 / 0\.0"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match=r"division by zero: 3\.0 / 0\.0"):
        3 / Value(0.0)


def test_zero_to_a_negative_power_names_the_power():
    with pytest.raises(ZeroDivisionError, match=r"negative power: 0\.0 \*\* -1\.0"):
        Value(0.0) ** -1
    with pytest.raises(ZeroDivisionError, match=r"negative power: 0\.0 \*\* -0\.5"):
        Value(0.0) ** Value(-0.5)


def test_non_real_powers_are_value_errors():
    with pytest.raises(ValueError, match="not a real number"):
        Value(-8.0) ** 0.5
    with pytest.raises(ValueError, match="not a real number"):
        Value(-2.0) ** Value(2.0)  # a Value exponent needs ln(base)
    with pytest.raises(ValueError, match="not a real number"):
        (-2) ** Value(0.5)
    assert (Value(-2.0) ** 2).data == 4.0  # a whole-number constant is fine


def test_exp_overflow_names_exp_and_the_value():
    with pytest.raises(OverflowError, match=r"exp\(1000\.0\)"):
        Value(1000.0).exp()


def test_power_overflow():
    with pytest.raises(OverflowError, match=r"10\.0 \*\* 400"):
        Value(10.0) ** 400


def test_sin_of_infinity_is_a_clear_value_error():
    with pytest.raises(ValueError, match="sin is not defined for inf"):
        Value(float("inf")).sin()


def test_infinite_derivative_of_sqrt_at_zero_is_explained():
    x = Value(0.0)
    y = x ** 0.5
    with pytest.raises(ZeroDivisionError, match="infinite"):
        y.backward()


def test_a_failed_operation_leaves_the_graph_intact():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    for failing in (lambda: c.log(), lambda: c / 0, lambda: (c * -400).exp()):
        with pytest.raises((ValueError, ZeroDivisionError, OverflowError)):
            failing()
    assert c.children == (a, b) and c.data == -6.0
    L = c * c
    L.backward()
    assert a.grad == 2 * -6.0 * -3.0 and b.grad == 2 * -6.0 * 2.0


def test_mlp_input_size_and_configuration_errors():
    mlp = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        mlp([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        MLP(2, [3, 1], activation="softplus")
    with pytest.raises(ValueError, match="nouts must be a non-empty list"):
        MLP(2, 3)
    with pytest.raises(ValueError, match="nin"):
        MLP(0, [1])
    with pytest.raises(TypeError, match="str"):
        mlp([1.0, "2"])
