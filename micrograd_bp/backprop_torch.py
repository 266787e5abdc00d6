"""Three columns: the document's equations (numpy), the scalar engine, and PyTorch.

:func:`~micrograd_bp.backprop.check_backprop` sets the document's Steps 1-4 beside
the engine's ``backward()``.  :func:`check_backprop_torch` adds a third witness:
the same network in PyTorch (``mlp.to_torch()``), whose autograd computes

    z^(l), h^(l)                    the forward pass, one row per sample
    delta_i^(l) = B * dL/dz^(l)     the grad of each pre-activation (retain_grad)
    dL/dW^(l), dL/db^(l)            the parameters' grads

for the same minibatch and the same batch-mean loss.  Every equation of the
report then shows three sets of numbers, and agrees only if all three match.
Needs numpy (the ``equations`` extra) and PyTorch (the ``torch`` extra).
"""

import html

from .backprop import as_batch, check_backprop
from .equations import within_tolerance
from .equations_text import STEP_NAMES, step_table, tex, text_matrix, verdict_html, wide
from .torch_bridge import torch_backward


class TorchColumn:
    """One equation's PyTorch numbers beside a check of the document's equation."""

    def __init__(self, check, torch_values):
        self.check, self.torch = check, torch_values

    @property
    def max_diff(self):
        """The largest |equation - PyTorch| over all entries."""
        return float(abs(self.check.equation - self.torch).max())

    def agrees(self, tol):
        """Equation, engine and PyTorch all agree within tol (absolute near 1, relative above)."""
        return self.check.agrees(tol) and within_tolerance(self.max_diff, self.check.equation, tol)


class ThreeWayReport:
    """The document's equations, the engine and PyTorch, equation by equation.

    ``engine_report`` is the :class:`~micrograd_bp.backprop.BackpropReport` of the
    equations against the engine; ``rows`` pairs each of its checks with
    PyTorch's numbers (a :class:`TorchColumn`); ``torch_pass`` is the PyTorch
    forward and backward pass (a :class:`~micrograd_bp.torch_bridge.TorchPass`).
    """

    def __init__(self, engine_report, rows, torch_pass):
        self.engine_report, self.rows, self.torch_pass = engine_report, rows, torch_pass
        self.tol = engine_report.tol

    @property
    def ok(self):
        return all(row.agrees(self.tol) for row in self.rows)

    def __bool__(self):
        return self.ok

    @property
    def max_diff(self):
        """The largest difference of the engine or PyTorch from the equations."""
        return max(max(row.max_diff, row.check.max_diff) for row in self.rows)

    def verdict(self):
        n = len(self.rows)
        if self.ok:
            return (f"all {n} equations agree with the engine and with PyTorch "
                    f"(largest difference {self.max_diff:.1e})")
        bad = ", ".join(row.check.text.split(" = ")[0] for row in self.rows if not row.agrees(self.tol))
        return f"{n - sum(row.agrees(self.tol) for row in self.rows)} of {n} equations DISAGREE: {bad}"

    def table(self):
        """One aligned row per equation: its differences from the engine and from PyTorch."""
        header = ("step", "l", "equation", "|eq - engine|", "|eq - torch|", "result")
        lines = [header] + [
            (str(r.check.step), str(r.check.l), r.check.text, f"{r.check.max_diff:.1e}",
             f"{r.max_diff:.1e}", "agree" if r.agrees(self.tol) else "DISAGREE")
            for r in self.rows
        ]
        widths = [max(len(line[k]) for line in lines) for k in range(len(header))]
        return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip()
                         for line in lines)

    def numbers(self):
        """Each equation's numbers, the engine's and PyTorch's, as three aligned matrices."""
        blocks = []
        for r in self.rows:
            c = r.check
            columns = [["equation (numpy)"] + text_matrix(c.equation),
                       [f"engine ({c.engine_source})"] + text_matrix(c.engine),
                       ["PyTorch"] + text_matrix(r.torch)]
            widths = [max(len(s) for s in col) for col in columns]
            lines = ["  " + "    ".join(s.ljust(w) for s, w in zip(cells, widths)).rstrip()
                     for cells in zip(*columns)]
            blocks.append(f"Step {c.step}, l = {c.l}:  {c.text}\n" + "\n".join(lines))
        return "\n\n".join(blocks)

    def __str__(self):
        title = "The document's backprop equations (numpy) vs the scalar engine vs PyTorch"
        return "\n".join([title, self.engine_report.describe(), "", self.table(), "",
                          self.verdict(), "", self.numbers()])

    def __repr__(self):
        return f"<ThreeWayReport {'ok' if self.ok else 'FAILED'}: {self.verdict()}>"

    def _repr_html_(self):
        """The three ways in a ~700 px column: the verdict beside the step, then the
        equation with its numbers, the scalar engine's and PyTorch's, one under another."""
        rows = []
        for r in self.rows:
            c = r.check
            left = (f"Step {c.step}<br><small>{STEP_NAMES[c.step]}</small><br>l = {c.l}<br>"
                    + verdict_html(r.agrees(self.tol), max(c.max_diff, r.max_diff)))
            right = (wide(f"$${c.latex}$$") + "<small>with the numbers:</small>"
                     + wide(f"$${c.substituted}$$")
                     + f"<small>the scalar engine ({html.escape(c.engine_source)}):</small>"
                     + wide(f"$${tex(c.engine)}$$")
                     + "<small>PyTorch (autograd):</small>" + wide(f"$${tex(r.torch)}$$"))
            rows.append((left, right))
        colour = "#080" if self.ok else "#c00"
        return (
            '<div class="micrograd-bp-backprop" style="max-width: 100%">'
            "<p><b>The document's backprop equations (numpy) vs the scalar engine vs PyTorch</b><br>"
            f"{html.escape(self.engine_report.describe())}<br>"
            r"$\odot$ is the elementwise product; each column is one sample $i$</p>"
            + step_table(rows, "the document's equation, with the numbers; the scalar engine's; PyTorch's")
            + f'<p style="color:{colour}"><b>{html.escape(self.verdict())}</b></p></div>')


def _torch_values(name, l, torch_pass):
    """PyTorch's numbers for the quantity ``name`` at layer l, shaped like the equation's."""
    if name == "z":
        value = torch_pass.z[l].T  # columns are samples, as in the equations
    elif name == "h":
        value = torch_pass.h[l].T
    elif name == "delta":
        value = torch_pass.delta(l).T
    elif name == "dW":
        value = torch_pass.linears[l - 1].weight.grad
    else:  # "db"
        value = torch_pass.linears[l - 1].bias.grad
    return value.detach().numpy()


def check_backprop_torch(mlp, X, T, loss="cross_entropy", tol=1e-9):
    """:func:`~micrograd_bp.backprop.check_backprop`, with PyTorch as a third column.

    Runs the engine's ``backward()`` and the document's equations as
    ``check_backprop`` does, then the same batch through ``mlp.to_torch()``
    (float64) with PyTorch's autograd.  Returns a :class:`ThreeWayReport`; it is
    ``ok`` when every equation agrees with both the engine and PyTorch.
    """
    engine_report = check_backprop(mlp, X, T, loss=loss, tol=tol)
    X_batch, T_batch = as_batch(X, T, len(mlp.layers[-1].neurons), loss)
    torch_pass = torch_backward(mlp.to_torch(), X_batch, T_batch, loss=loss)
    rows = [TorchColumn(c, _torch_values(c.name, c.l, torch_pass)) for c in engine_report.checks]
    return ThreeWayReport(engine_report, rows, torch_pass)
