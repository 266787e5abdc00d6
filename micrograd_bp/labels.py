"""The document's names for the nodes of a network, written and read in one place.

An ``MLP`` labels every Value it makes in the document's notation, with layers
numbered from 1 (h^(0) = x is the input)::

    W1[0,1]   the weight W^(1)[0, 1]: row j = 0 (neuron), column i = 1 (input)
    b2[0]     the bias b^(2)_0
    z1[0]     the pre-activation z^(1)_0 (its grad is the document's delta^(1)_0)
    h1[0]     the activation h^(1)_0 = sigma(z^(1)_0)
    x[0]      the input x_0 (also written h0[0], as h^(0)_0)

nn.py writes these labels with the functions below; draw.py, steps.py and
symbolic.py read them with :func:`parse_label`, so a layer number of any length
(``W12[3,10]``) means the same thing everywhere::

    >>> weight(12, 3, 10)
    'W12[3,10]'
    >>> parse_label("W12[3,10]")
    ('W', 12, 3, 10)
    >>> parse_label("z1[0]"), parse_label("x[4]"), parse_label("loss")
    (('z', 1, 0), ('x', 4), None)
    >>> delta(12, 0)
    'δ12[0]'
"""

import re


def weight(l, j, i):
    """``W<l>[<j>,<i>]``: the weight W^(l)[j, i] from input i to neuron j of layer l."""
    return f"W{l}[{j},{i}]"


def weight_row(l, j):
    """``W<l>[<j>,:]``: row j of W^(l), the weights of neuron j of layer l."""
    return f"W{l}[{j},:]"


def bias(l, j):
    """``b<l>[<j>]``: the bias b^(l)_j."""
    return f"b{l}[{j}]"


def z(l, j):
    """``z<l>[<j>]``: the pre-activation z^(l)_j = sum_i W^(l)[j,i] h^(l-1)_i + b^(l)_j."""
    return f"z{l}[{j}]"


def h(l, j):
    """``h<l>[<j>]``: the activation h^(l)_j = sigma(z^(l)_j)."""
    return f"h{l}[{j}]"


def x(i):
    """``x[<i>]``: the input x_i (= h^(0)_i)."""
    return f"x[{i}]"


def delta(l, j):
    """``δ<l>[<j>]``: delta^(l)_j = dL/dz^(l)_j, the grad of the node ``z<l>[<j>]``."""
    return f"δ{l}[{j}]"


_PARAMETER = re.compile(r"^([Wb])(\d+)\[(\d+)(?:,(\d+))?\]$")
_NEURON_NODE = re.compile(r"^([zh])(\d+)\[(\d+)\]$")
_INPUT = re.compile(r"^x\[(\d+)\]$")


def parse_label(label):
    """What a label names, as a tuple, or None for any other label.

    ``("W", l, j, i)``, ``("b", l, j)``, ``("z", l, j)``, ``("h", l, j)`` or
    ``("x", i)``; ``h0[i]`` is ``("h", 0, i)``.  The inverse of the functions above.
    """
    if not isinstance(label, str):
        return None
    m = _PARAMETER.match(label)
    if m:
        kind, l, j, i = m.groups()
        if (kind == "W") != (i is not None):
            return None
        return (kind, int(l), int(j)) + ((int(i),) if i is not None else ())
    m = _NEURON_NODE.match(label)
    if m:
        return (m.group(1), int(m.group(2)), int(m.group(3)))
    m = _INPUT.match(label)
    if m:
        return ("x", int(m.group(1)))
    return None


def delta_of(label):
    """``δ1[0]`` for the label ``z1[0]`` (its node's grad is delta^(1)_0), else None.

    >>> delta_of("z12[3]"), delta_of("h1[0]")
    ('δ12[3]', None)
    """
    parts = parse_label(label)
    if parts is None or parts[0] != "z":
        return None
    return delta(parts[1], parts[2])


def latex(label):
    """The label in LaTeX, e.g. ``W^{(12)}_{3,10}``, ``z^{(1)}_{0}``, ``x_{4}``.

    Indices are written together (``W^{(1)}_{01}``) when each is one digit, as the
    document writes them, and separated by a comma otherwise.

    >>> latex("W1[0,1]"), latex("W12[3,10]"), latex("b2[1]"), latex("x[4]")
    ('W^{(1)}_{01}', 'W^{(12)}_{3,10}', 'b^{(2)}_{1}', 'x_{4}')
    """
    parts = parse_label(label)
    if parts is None:
        raise ValueError(f"labels.latex: {label!r} is not one of the document's names")
    if parts[0] == "x":
        return f"x_{{{parts[1]}}}"
    kind, l, *index = parts
    sep = "" if all(k < 10 for k in index) else ","
    return f"{kind}^{{({l})}}_{{{sep.join(str(k) for k in index)}}}"


def names(order):
    """{Value: name}: its label, or ``v<k>`` (its position k in ``order``) without one.

    ``draw_graph(..., show_ids=True)`` shows the same ``v<k>`` ids.  A label that is
    itself a formula (``x1*w1 + x2*w2``, as micrograd's lecture labels nodes) is put
    in parentheses, so that ``(x1*w1).grad`` cannot be misread.
    """
    return {v: _bracketed(v.label) if v.label else f"v{k}" for k, v in enumerate(order)}


def _bracketed(label):
    return f"({label})" if any(c in label for c in " +-*/") else label
