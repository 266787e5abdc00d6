"""How the document's equations are written: plain text, LaTeX, and an HTML report.

:mod:`micrograd_bp.equations` computes each equation's numbers; this module only
writes them down, for an :class:`~micrograd_bp.equations.EquationCheck` (one
equation) or a :class:`~micrograd_bp.backprop.BackpropReport` (all of them).
In text ``*`` is the elementwise product; in LaTeX it is ``\\odot``.
"""

import html

STEP_NAMES = {1: "forward pass", 2: "output layer error", 3: "backpropagate error",
              4: "gradients"}


# --- one equation ------------------------------------------------------------------

def text(c):
    """The equation in plain text, e.g. ``delta^(2) = h^(2) - t``."""
    l, act = c.l, c.activation
    if c.name == "z":
        return f"z^({l}) = W^({l}) h^({l - 1}) + b^({l})"
    if c.name == "h":
        return f"h^({l}) = sigma(z^({l})),  sigma = {act}"
    if c.step == 2 and c.loss == "cross_entropy":
        return f"delta^({l}) = h^({l}) - t,  h^({l}) = softmax(z^({l}))"
    if c.step == 2:
        n_out = c.operands["dL_dh"].shape[0]
        return (f"delta^({l}) = dL/dh^({l}) * sigma'(z^({l})),  dL/dh = 2/{n_out} (h - t),"
                f"  sigma = {act}")
    if c.step == 3:
        return f"delta^({l}) = (W^({l + 1}))^T delta^({l + 1}) * sigma'(z^({l})),  sigma = {act}"
    if c.B == 1:
        return {"dW": f"dL/dW^({l}) = delta^({l}) (h^({l - 1}))^T",
                "db": f"dL/db^({l}) = delta^({l})"}[c.name]
    return {"dW": f"dL/dW^({l}) = 1/B sum_i delta_i^({l}) (h_i^({l - 1}))^T",
            "db": f"dL/db^({l}) = 1/B sum_i delta_i^({l})"}[c.name]


def latex(c):
    """The equation in LaTeX, with the sample subscript i for a minibatch."""
    l, act, i = c.l, c.activation, ("_i" if c.B > 1 else "")
    if c.name == "z":
        return rf"z^{{({l})}} = W^{{({l})}} h^{{({l - 1})}} + b^{{({l})}}"
    if c.name == "h":
        return rf"h^{{({l})}} = \sigma(z^{{({l})}}), \quad \sigma = \operatorname{{{act}}}"
    if c.step == 2 and c.loss == "cross_entropy":
        return (rf"\delta{i}^{{({l})}} = h{i}^{{({l})}} - t{i}, \quad "
                rf"h^{{({l})}} = \operatorname{{softmax}}(z^{{({l})}})")
    if c.step == 2:
        n_out = c.operands["dL_dh"].shape[0]
        return (rf"\delta{i}^{{({l})}} = \frac{{\partial L{i}}}{{\partial h{i}^{{({l})}}}} \odot "
                rf"\sigma'(z{i}^{{({l})}}),"
                rf" \quad \frac{{\partial L{i}}}{{\partial h{i}^{{({l})}}}} = "
                rf"\frac{{2}}{{{n_out}}}(h{i}^{{({l})}} - t{i}),"
                rf" \quad \sigma = \operatorname{{{act}}}")
    if c.step == 3:
        return (rf"\delta{i}^{{({l})}} = (W^{{({l + 1})}})^T \delta{i}^{{({l + 1})}} \odot "
                rf"\sigma'(z{i}^{{({l})}}), \quad \sigma = \operatorname{{{act}}}")
    dW = rf"\frac{{\partial L}}{{\partial W^{{({l})}}}} = "
    db = rf"\frac{{\partial L}}{{\partial b^{{({l})}}}} = "
    if c.B == 1:
        return {"dW": dW + rf"\delta^{{({l})}} (h^{{({l - 1})}})^T",
                "db": db + rf"\delta^{{({l})}}"}[c.name]
    mean = r"\frac{1}{B} \sum_{i=1}^{B}"
    return {"dW": dW + rf"{mean} \delta_i^{{({l})}} (h_i^{{({l - 1})}})^T",
            "db": db + rf"{mean} \delta_i^{{({l})}}"}[c.name]


def substituted(c):
    """The equation in LaTeX with the numbers put in, ending in ``= (its value)``."""
    o, value = c.operands, tex(c.equation)
    if c.name == "z":
        ones = r" \mathbf{1}^T" if c.B > 1 else ""
        return f"{tex(o['W'])} {tex(o['h'])} + {tex(o['b'])}{ones} = {value}"
    if c.name == "h":
        return rf"\operatorname{{{c.activation}}}{tex(o['z'])} = {value}"
    if c.step == 2 and c.loss == "cross_entropy":
        return f"{tex(o['h'])} - {tex(o['t'])} = {value}"
    if c.step == 2:
        return rf"{tex(o['dL_dh'])} \odot {tex(o['sigma_prime'])} = {value}"
    if c.step == 3:
        return (rf"{tex(o['W_next'])}^T {tex(o['delta_next'])} \odot {tex(o['sigma_prime'])}"
                f" = {value}")
    delta = o["delta"]
    if c.B == 1:
        return f"{tex(delta)} {tex(o['h'])}^T = {value}" if c.name == "dW" else f"{tex(delta)} = {value}"
    if c.name == "dW":
        return rf"\frac{{1}}{{{c.B}}} {tex(delta)} {tex(o['h'])}^T = {value}"
    columns = " + ".join(tex(delta[:, k]) for k in range(c.B))
    return rf"\frac{{1}}{{{c.B}}} \left( {columns} \right) = {value}"


# --- numbers ---------------------------------------------------------------------------

def _rows(a):
    """A vector as a column (a list of one-entry rows), a matrix as its rows."""
    return [[v] for v in a] if a.ndim == 1 else [list(r) for r in a]


def text_matrix(a):
    """Lines of an aligned bracketed matrix, e.g. ['[ 0.25  -1.5 ]', ...]."""
    cells = [[f"{v + 0.0:.6g}" for v in row] for row in _rows(a)]  # + 0.0: no "-0"
    width = max(len(c) for row in cells for c in row)
    return ["[ " + "  ".join(c.rjust(width) for c in row) + " ]" for row in cells]


def tex_number(v):
    """A number in LaTeX, 4 significant digits: ``1.25 \\times 10^{-7}``."""
    s = f"{v + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0
    if "e" in s:
        mantissa, exponent = s.split("e")
        s = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return s


def tex(a):
    """A numpy vector (as a column) or matrix as a LaTeX pmatrix."""
    body = r" \\ ".join(" & ".join(tex_number(v) for v in row) for row in _rows(a))
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"


# --- a whole report ----------------------------------------------------------------------

def table(report):
    """The summary: one aligned row per equation."""
    header = ("step", "l", "equation", "engine", "max |diff|", "result")
    rows = [header] + [
        (str(c.step), str(c.l), c.text, c.engine_source, f"{c.max_diff:.1e}",
         "agree" if c.agrees(report.tol) else "DISAGREE")
        for c in report.checks
    ]
    widths = [max(len(r[k]) for r in rows) for k in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def numbers(report):
    """Each equation's numbers beside the engine's, as aligned matrices."""
    blocks = []
    for c in report.checks:
        left = ["equation"] + text_matrix(c.equation)
        right = [f"engine ({c.engine_source})"] + text_matrix(c.engine)
        width = max(len(s) for s in left)
        lines = [f"  {a.ljust(width)}    {b}" for a, b in zip(left, right)]
        blocks.append(f"Step {c.step}, l = {c.l}:  {c.text}\n" + "\n".join(lines))
    return "\n\n".join(blocks)


TITLE = "The document's backprop equations, evaluated with numpy, vs the engine's backward()"


def report_text(report):
    """The whole report as text: what was checked, the table, the verdict, the numbers."""
    legend = "(* is the elementwise product; for B > 1 each column is one sample i)"
    return "\n".join([TITLE, report.describe(), "", table(report), "", report.verdict(),
                      legend, "", numbers(report)])


# The report's table in a column of about 700 px: the verdict sits in the first
# column beside the step; each wide matrix scrolls inside its own cell.
_WIDE = '<div style="overflow-x: auto; max-width: 100%">{}</div>'


def wide(content):
    """``content`` in a block that scrolls sideways inside its table cell, so a wide
    matrix never pushes the table (and its verdicts) past the column."""
    return _WIDE.format(content)


def verdict_html(agrees, max_diff):
    """The verdict cell's text: agree (green) or DISAGREE (red), and the largest difference."""
    small = f"<br><small>max |diff| {max_diff:.1e}</small>"
    if agrees:
        return f'<span style="color:#080">&#10004; agree</span>{small}'
    return f'<span style="color:#c00"><b>&#10008; DISAGREE</b></span>{small}'


def step_table(rows, header):
    """A two-column table that fits a ~700 px column: the step and its verdict on the
    left, ``header`` over the maths on the right; ``rows`` are (left, right) HTML."""
    body = "".join(f'<tr><td style="text-align:left; vertical-align:top">{left}</td>'
                   f'<td style="text-align:left">{right}</td></tr>' for left, right in rows)
    return ('<table style="table-layout: fixed; width: 100%">'
            '<colgroup><col style="width: 9em"><col></colgroup>'
            f"<tr><th>step, result</th><th>{header}</th></tr>{body}</table>")


def report_html(report):
    """The report for Jupyter: each equation, then its numbers, the engine's below
    them; the verdict first, beside the step, so that it is seen in a narrow column."""
    rows = []
    for c in report.checks:
        left = (f"Step {c.step}<br><small>{STEP_NAMES[c.step]}</small><br>l = {c.l}<br>"
                + verdict_html(c.agrees(report.tol), c.max_diff))
        right = (wide(f"$${c.latex}$$")
                 + "<small>with the numbers:</small>" + wide(f"$${c.substituted}$$")
                 + f"<small>the engine's ({html.escape(c.engine_source)}):</small>"
                 + wide(f"$${tex(c.engine)}$$"))
        rows.append((left, right))
    colour = "#080" if report.ok else "#c00"
    return (
        '<div class="micrograd-bp-backprop" style="max-width: 100%">'
        f"<p><b>{TITLE}</b><br>"
        f"{html.escape(report.describe())}<br>"
        r"$\odot$ is the elementwise product"
        + (r"; each column is one sample $i$" if report.B > 1 else "") + "</p>"
        + step_table(rows, "the document's equation, with the numbers, and the engine's")
        + f'<p style="color:{colour}"><b>{html.escape(report.verdict())}</b></p></div>')
