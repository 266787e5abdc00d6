"""The names and numbers every module accepts, checked in one place with one wording.

The library and the command line both use these lists and checks, so a setting
is refused with the same sentence wherever it is given::

    >>> activation("softplus", "MLP")
    Traceback (most recent call last):
    ...
    ValueError: MLP: unknown activation 'softplus'; choose one of relu, tanh, sigmoid, linear
    >>> whole_number(0, "fit: epochs")
    Traceback (most recent call last):
    ...
    ValueError: fit: epochs must be a whole number >= 1, got 0
    >>> whole_number(3, "moons: n", 2)
    3
"""

import argparse
import math
import numbers

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")  # sigma of a layer (nn.Neuron)
LOSSES = ("cross_entropy", "mse")  # the document's output losses (Step 2)
TRAINING_LOSSES = ("hinge",) + LOSSES  # what fit() trains with (hinge: micrograd's demo)


def choice(value, choices, what, where):
    """``value`` if it is one of ``choices``, else a ValueError listing them."""
    if isinstance(value, str) and value in choices:
        return value
    raise ValueError(f"{where}: unknown {what} {value!r}; choose one of {', '.join(choices)}")


def activation(name, where):
    """``name`` if it is one of :data:`ACTIVATIONS`."""
    return choice(name, ACTIVATIONS, "activation", where)


def loss(name, where, choices=LOSSES):
    """``name`` if it is one of ``choices`` (the document's :data:`LOSSES` by default)."""
    return choice(name, choices, "loss", where)


def _whole_range(least, most):
    return f">= {least}" if most is None else f"from {least} to {most}"


def whole_number(n, what, least=1, most=None):
    """``n`` as an int if it is a whole number in [least, most], else a ValueError.

    ``what`` names the setting and where it was given, e.g. ``"fit: epochs"``.
    True and False are not numbers here, and neither is 2.0.
    """
    if (isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < least
            or (most is not None and n > most)):
        raise ValueError(f"{what} must be a whole number {_whole_range(least, most)}, got {n!r}")
    return int(n)


def number(x, what, low, *, low_inclusive=True, high=None):
    """``x`` as a float if low <= x (or low < x) and x < high, else a ValueError.

    Not a number (a string, True) and nan are refused like a number out of range.
    """
    bound = f"{'>=' if low_inclusive else '>'} {low}" + (f" and < {high}" if high is not None else "")
    if (isinstance(x, bool) or not isinstance(x, numbers.Real) or math.isnan(x)
            or (x < low if low_inclusive else x <= low) or (high is not None and x >= high)):
        raise ValueError(f"{what} must be a number {bound}, got {x!r}")
    return float(x)


# --- the same checks as argparse types: ``type=whole_number_arg(1)`` ----------------

def whole_number_arg(least=1, most=None):
    """An argparse type: the text as a whole number in [least, most]."""
    def parse(text):
        try:
            return whole_number(int(text), "", least, most)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number {_whole_range(least, most)}, got {text!r}") from None
    return parse


def number_arg(low, *, low_inclusive=True):
    """An argparse type: the text as a finite number > low (or >= low)."""
    def parse(text):
        try:
            x = float(text)
            if math.isinf(x):
                raise ValueError(text)
            return number(x, "", low, low_inclusive=low_inclusive)
        except ValueError:
            bound = f"{'>=' if low_inclusive else '>'} {low}"
            raise argparse.ArgumentTypeError(f"must be a number {bound}, got {text!r}") from None
    return parse
