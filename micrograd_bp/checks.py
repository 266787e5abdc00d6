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
import os

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


# --- files to be written -----------------------------------------------------------

def output_file(path, where):
    """``path`` if a file can be written there, else an OSError saying why, in one line.

    Checked before any work is done, so that a long computation is not lost to a
    typing mistake: the folder must exist, the path must not be a folder, and the
    folder (or the file, if it exists) must be writable.  The error is the
    matching OSError subclass (FileNotFoundError, IsADirectoryError,
    PermissionError), with a message that names ``where`` and the path.
    """
    text = os.fspath(path)
    if not text:
        raise FileNotFoundError(f"{where}: the output file name is empty")
    if os.path.isdir(text):
        raise IsADirectoryError(f"{where}: cannot write {text!r}: it is a folder; give a file name "
                                f"such as {os.path.join(text, 'graph.svg')!r}")
    folder = os.path.dirname(os.path.abspath(text))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{where}: cannot write {text!r}: the folder "
                                f"{os.path.dirname(text) or folder!r} does not exist")
    target = text if os.path.exists(text) else folder
    if not os.access(target, os.W_OK):
        raise PermissionError(f"{where}: cannot write {text!r}: "
                              f"{'the file' if target == text else 'its folder'} is read-only")
    return path


def write_file(path, data, where):
    """Write ``data`` (bytes or str) to ``path``, once it exists in full.

    Called with the finished content only, so a failure while making it (Graphviz
    missing, a bad setting) never leaves an empty or half-written file.  An
    OSError while writing (disk full, a read-only disk) is raised as one line that
    names ``where`` and the path.
    """
    mode, encoding = ("wb", None) if isinstance(data, bytes) else ("w", "utf-8")
    try:
        with open(path, mode, encoding=encoding) as f:
            f.write(data)
    except OSError as error:
        raise type(error)(f"{where}: cannot write {os.fspath(path)!r}: "
                          f"{error.strerror or error}") from None
    return path
