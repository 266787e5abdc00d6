"""The document's backprop equations, evaluated with numpy and set beside backward().

The engine never uses the matrix equations: it applies the chain rule one edge at
a time (:mod:`micrograd_bp.rules`).  This module shows that the two are the same
thing.  For an MLP, a sample (or a minibatch) and targets it

1. runs the forward pass with ``mlp.trace(x)``, recording z^(l) and h^(l);
2. runs the engine's ``backward()`` on the loss L = 1/B sum_i L_i;
3. evaluates the document's equations with numpy from the recorded numbers only
   (the forward values and the parameters, never the engine's grads)::

       Step 1   z^(l) = W^(l) h^(l-1) + b^(l),   h^(l) = sigma(z^(l))
       Step 2   delta^(L) = dL/dh^(L) * sigma'(z^(L))       (* is elementwise)
                delta^(L) = h^(L) - t      for softmax with cross-entropy
       Step 3   delta^(l) = (W^(l+1))^T delta^(l+1) * sigma'(z^(l))
       Step 4   dL/dW^(l) = 1/B sum_i delta_i^(l) (h_i^(l-1))^T
                dL/db^(l) = 1/B sum_i delta_i^(l)

4. and reports, equation by equation, the equation's numbers, the engine's
   numbers and their largest difference.

Every quantity is a matrix with one column per sample i (for B = 1, a column
vector).  delta_i^(l) is the document's dL_i/dz_i^(l) for the sample's own loss.
The engine's z nodes hold dL/dz_i = delta_i / B, because L is the batch mean, so
the report compares delta_i with B * z.grad.
"""

import numbers

from . import checks as _checks
from . import losses
from ._optional import require
from .engine import Value

LOSSES = _checks.LOSSES  # cross_entropy, mse
STEP_NAMES = {1: "forward pass", 2: "output layer error", 3: "backpropagate error",
              4: "gradients"}


def _numpy():
    return require("numpy", "equations", "Checking the backprop equations with numpy")


# --- the activations, from their closed forms (not from the engine's rules) ------

def sigma(activation, z, np):
    """h = sigma(z), elementwise."""
    if activation == "relu":
        return np.maximum(0, z)
    if activation == "tanh":
        return np.tanh(z)
    if activation == "sigmoid":
        return 0.5 * (1 + np.tanh(z / 2))  # = 1 / (1 + e**-z), without overflow
    return z  # linear


def sigma_prime(activation, z, np):
    """sigma'(z), elementwise; relu' is the document's relu_derivative: (z > 0)."""
    if activation == "relu":
        return (z > 0).astype(float)
    if activation == "tanh":
        return 1 - np.tanh(z) ** 2
    if activation == "sigmoid":
        s = sigma("sigmoid", z, np)
        return s * (1 - s)
    return np.ones_like(z)  # linear


def softmax(z, np):
    """h_k = e**z_k / sum_j e**z_j for every column (sample) of z."""
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


# --- one equation, checked --------------------------------------------------------

class EquationCheck:
    """One of the document's equations at layer ``l``: its value and the engine's.

    ``equation`` and ``engine`` are numpy arrays of the same shape (one column per
    sample for z, h and delta).  ``text`` and ``latex`` write the equation in the
    document's notation; ``substituted`` is the LaTeX with the numbers put in.
    """

    def __init__(self, step, l, name, text, latex, substituted, equation, engine,
                 engine_source):
        self.step, self.l, self.name = step, l, name
        self.text, self.latex, self.substituted = text, latex, substituted
        self.equation, self.engine, self.engine_source = equation, engine, engine_source

    @property
    def max_diff(self):
        """The largest |equation - engine| over all entries."""
        return float(abs(self.equation - self.engine).max())

    def agrees(self, tol):
        """max |diff| <= tol * max(1, largest |value|): absolute near 1, relative above.

        False for nan as well.
        """
        scale = max(1.0, float(abs(self.equation).max()))
        return self.max_diff <= tol * scale

    def __repr__(self):
        return f"EquationCheck(step={self.step}, l={self.l}, {self.text!r}, max_diff={self.max_diff:.2e})"


# --- the report -------------------------------------------------------------------

class BackpropReport:
    """Every equation checked, with ``.ok``, a text table and a Jupyter display.

    ``checks`` lists :class:`EquationCheck` objects in the document's order (Step 1
    forward, then Steps 2-4 from the output layer down).  ``traces`` are the forward
    passes (one :class:`~micrograd_bp.nn.Trace` per sample) and ``loss`` the
    batch-mean loss node on which ``backward()`` ran.
    """

    def __init__(self, checks, *, mlp, traces, sample_losses, loss, loss_name, tol):
        self.checks, self.mlp, self.traces, self.loss = checks, mlp, traces, loss
        self.sample_losses = sample_losses
        self.loss_name, self.tol = loss_name, tol

    @property
    def B(self):
        """The batch size."""
        return len(self.traces)

    @property
    def ok(self):
        """True when every equation agrees with the engine within ``tol``."""
        return all(c.agrees(self.tol) for c in self.checks)

    def __bool__(self):
        return self.ok

    @property
    def max_diff(self):
        return max(c.max_diff for c in self.checks)

    @property
    def failures(self):
        """The checks that disagree beyond ``tol``."""
        return [c for c in self.checks if not c.agrees(self.tol)]

    def get(self, name, l):
        """The check of quantity ``name`` ("z", "h", "delta", "dW", "db") at layer l."""
        for c in self.checks:
            if c.name == name and c.l == l:
                return c
        raise KeyError(f"the report has no check of {name!r} at layer {l}")

    def describe(self):
        loss = "softmax + cross-entropy" if self.loss_name == "cross_entropy" else "mean squared error"
        return f"{self.mlp!r}, loss: {loss}, batch size B = {self.B}, tolerance {self.tol:.0e}"

    def verdict(self):
        n = len(self.checks)
        if self.ok:
            return f"all {n} equations agree with the engine (largest difference {self.max_diff:.1e})"
        bad = ", ".join(c.text.split(" = ")[0] for c in self.failures)
        return f"{len(self.failures)} of {n} equations DISAGREE with the engine: {bad}"

    def table(self):
        """The summary: one aligned row per equation."""
        header = ("step", "l", "equation", "engine", "max |diff|", "result")
        rows = [header] + [
            (str(c.step), str(c.l), c.text, c.engine_source, f"{c.max_diff:.1e}",
             "agree" if c.agrees(self.tol) else "DISAGREE")
            for c in self.checks
        ]
        widths = [max(len(r[k]) for r in rows) for k in range(len(header))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
        return "\n".join(lines)

    def numbers(self):
        """Each equation's numbers beside the engine's, as aligned matrices."""
        blocks = []
        for c in self.checks:
            left = ["equation"] + _text_matrix(c.equation)
            right = [f"engine ({c.engine_source})"] + _text_matrix(c.engine)
            width = max(len(s) for s in left)
            lines = [f"  {a.ljust(width)}    {b}" for a, b in zip(left, right)]
            blocks.append(f"Step {c.step}, l = {c.l}:  {c.text}\n" + "\n".join(lines))
        return "\n\n".join(blocks)

    def __str__(self):
        title = "The document's backprop equations, evaluated with numpy, vs the engine's backward()"
        legend = "(* is the elementwise product; for B > 1 each column is one sample i)"
        return "\n".join([title, self.describe(), "", self.table(), "", self.verdict(),
                          legend, "", self.numbers()])

    def __repr__(self):
        return f"<BackpropReport {'ok' if self.ok else 'FAILED'}: {self.verdict()}>"

    def _repr_html_(self):
        return _html(self)

    def draw(self, sample=0, **kwargs):
        """Draw sample i's forward pass, one node per neuron, each z with its delta.

        Uses :func:`micrograd_bp.draw.draw_graph` with ``view="neuron"`` (needs the
        ``graph`` extra).  For B > 1 each z node holds delta_i / B, the grad of the
        batch-mean loss.
        """
        from .draw import draw_graph
        if not 0 <= sample < self.B:
            raise IndexError(f"report.draw: sample {sample} is out of range for a batch of {self.B}")
        root = self.loss if self.B == 1 else self.sample_losses[sample]
        kwargs.setdefault("view", "neuron")
        if self.B > 1:
            kwargs.setdefault("caption", f"sample i = {sample} of B = {self.B}: each z node holds "
                                         f"dL/dz_i = delta_i / B, as L is the batch mean")
        return draw_graph(root, **kwargs)


# --- building the report ----------------------------------------------------------

def check_backprop(mlp, X, T, loss="cross_entropy", tol=1e-9):
    """Run backward() on the batch-mean loss and check the document's Steps 1-4.

    ``X`` is one sample (a list of numbers) or a minibatch (a list of samples);
    ``T`` the matching target(s): a class index or one-hot list for
    ``loss="cross_entropy"`` (softmax of the logits z^(L), then cross-entropy), a
    list of numbers for ``loss="mse"``.  Zeroes the MLP's grads first, and leaves
    them holding dL/dW and dL/db.  Returns a :class:`BackpropReport`.
    """
    np = _numpy()
    _checks.loss(loss, "check_backprop")
    if loss == "cross_entropy" and mlp.output_activation != "linear":
        raise ValueError(
            "check_backprop: softmax + cross-entropy reads the last layer's outputs as "
            f"logits z^(L), so the MLP needs output_activation='linear', got "
            f"{mlp.output_activation!r}")
    X, T = _as_batch(X, T, len(mlp.layers[-1].neurons), loss)
    mlp.zero_grad()
    traces = [mlp.trace(x) for x in X]
    if loss == "cross_entropy":
        per_sample = [losses.cross_entropy(tr.z[-1], t) for tr, t in zip(traces, T)]
    else:
        per_sample = [losses.mse(tr.h[-1], t) for tr, t in zip(traces, T)]
    for i, L_i in enumerate(per_sample):
        L_i.label = f"L_{i}"
    L_batch = losses.batch_mean(per_sample)
    L_batch.label = "L"
    L_batch.backward()
    checks = _equations(_Numbers(mlp, traces, T, np), loss, np)
    return BackpropReport(checks, mlp=mlp, traces=traces, sample_losses=per_sample,
                          loss=L_batch, loss_name=loss, tol=tol)


def _as_batch(X, T, n_out, loss):
    """(list of samples, list of target vectors), from one sample or a minibatch."""
    X = list(X)
    if not X:
        raise ValueError("check_backprop needs at least one sample, got an empty X")
    if isinstance(X[0], (numbers.Real, Value)):  # one sample
        X, T = [X], [T]
    else:
        X, T = [list(x) for x in X], list(T)
        if len(T) != len(X):
            raise ValueError(f"check_backprop: {len(X)} samples but {len(T)} targets")
    return X, [_target_vector(t, n_out, loss) for t in T]


def _target_vector(t, n, loss):
    """t as a list of n floats (a class index becomes a one-hot vector)."""
    if isinstance(t, numbers.Integral) and not isinstance(t, bool) and loss == "cross_entropy":
        if not 0 <= t < n:
            raise ValueError(f"check_backprop: class index {t} is out of range for {n} classes")
        return [1.0 if k == t else 0.0 for k in range(n)]
    t = [float(tk) for tk in (t if hasattr(t, "__len__") else [t])]
    if len(t) != n:
        raise ValueError(f"check_backprop: a target has {len(t)} entries but the MLP has {n} outputs")
    if loss == "cross_entropy" and abs(sum(t) - 1) > 1e-9:
        raise ValueError(
            f"check_backprop: the target {t} sums to {sum(t)}; the document's "
            "delta^(L) = h - t needs a target that sums to 1 (one-hot or probabilities)")
    return t


class _Numbers:
    """The recorded numbers as numpy matrices, one column per sample.

    ``W[l]``, ``b[l]`` the parameters; ``Z[l]``, ``H[l]`` the forward values (H[0]
    is the input); ``T`` the targets; and the engine's answers: ``dZ[l]`` the grads
    of the z nodes, ``dW[l]``, ``db[l]`` the parameters' grads.  Index 0 of the
    per-layer lists is unused except for H[0], so that l counts from 1.
    """

    def __init__(self, mlp, traces, T, np):
        def columns(nodes_per_sample, attribute):
            return np.array([[getattr(v, attribute) for v in nodes] for nodes in nodes_per_sample]).T

        self.L, self.B = len(mlp.layers), len(traces)
        self.activations = [None] + [layer.activation for layer in mlp.layers]
        self.W, self.b, self.dW, self.db = [None], [None], [None], [None]
        for layer in mlp.layers:
            self.W.append(np.array([[w.data for w in n.w] for n in layer.neurons]))
            self.dW.append(np.array([[w.grad for w in n.w] for n in layer.neurons]))
            self.b.append(np.array([n.b.data for n in layer.neurons]))
            self.db.append(np.array([n.b.grad for n in layer.neurons]))
        self.Z = [None] + [columns([tr.z[l] for tr in traces], "data") for l in range(1, self.L + 1)]
        self.H = [columns([tr.h[l] for tr in traces], "data") for l in range(self.L + 1)]
        self.dZ = [None] + [columns([tr.z[l] for tr in traces], "grad") for l in range(1, self.L + 1)]
        self.T = np.array(T).T


def _equations(n, loss, np):
    """The checks of Steps 1-4, every value computed from n's recorded numbers."""
    L = n.L
    checks = []
    for l in range(1, L + 1):
        checks += _forward(n, l, np, with_h=not (l == L and loss == "cross_entropy"))
    delta = [None] * (L + 1)
    check, delta[L] = _output_delta(n, loss, np)
    checks.append(check)
    for l in range(L - 1, 0, -1):
        check, delta[l] = _hidden_delta(n, l, delta[l + 1], np)
        checks.append(check)
    for l in range(L, 0, -1):
        checks += _gradients(n, l, delta[l], np)
    return checks


def _i(n):
    """The sample subscript i of the minibatch form (none for a single sample)."""
    return "_i" if n.B > 1 else ""


def _engine_delta(n, l):
    """delta_i^(l) as the engine has it: the z nodes' grads, times B (L is a mean)."""
    return n.dZ[l] * n.B, ("B * z.grad" if n.B > 1 else "z.grad")


def _forward(n, l, np, with_h):
    """Step 1 at layer l: z = W h + b, and h = sigma(z)."""
    Z = n.W[l] @ n.H[l - 1] + n.b[l][:, None]
    ones = r" \mathbf{1}^T" if n.B > 1 else ""
    checks = [EquationCheck(
        1, l, "z", f"z^({l}) = W^({l}) h^({l - 1}) + b^({l})",
        rf"z^{{({l})}} = W^{{({l})}} h^{{({l - 1})}} + b^{{({l})}}",
        f"{_tex(n.W[l])} {_tex(n.H[l - 1])} + {_tex(n.b[l])}{ones} = {_tex(Z)}",
        Z, n.Z[l], "z.data")]
    if with_h:
        act = n.activations[l]
        H = sigma(act, n.Z[l], np)
        checks.append(EquationCheck(
            1, l, "h", f"h^({l}) = sigma(z^({l})),  sigma = {act}",
            rf"h^{{({l})}} = \sigma(z^{{({l})}}), \quad \sigma = \operatorname{{{act}}}",
            rf"\operatorname{{{act}}}{_tex(n.Z[l])} = {_tex(H)}",
            H, n.H[l], "h.data"))
    return checks


def _output_delta(n, loss, np):
    """Step 2: delta^(L) = h^(L) - t (softmax + cross-entropy), or dL/dh * sigma'(z)."""
    L, i = n.L, _i(n)
    engine, source = _engine_delta(n, L)
    if loss == "cross_entropy":
        H = softmax(n.Z[L], np)
        delta = H - n.T
        check = EquationCheck(
            2, L, "delta", f"delta^({L}) = h^({L}) - t,  h^({L}) = softmax(z^({L}))",
            rf"\delta{i}^{{({L})}} = h{i}^{{({L})}} - t{i}, \quad h^{{({L})}} = \operatorname{{softmax}}(z^{{({L})}})",
            f"{_tex(H)} - {_tex(n.T)} = {_tex(delta)}", delta, engine, source)
        return check, delta
    act, n_out = n.activations[L], n.T.shape[0]
    dL_dh = 2 / n_out * (n.H[L] - n.T)  # L_i = 1/n sum_k (h_k - t_k)**2
    s = sigma_prime(act, n.Z[L], np)
    delta = dL_dh * s
    check = EquationCheck(
        2, L, "delta", f"delta^({L}) = dL/dh^({L}) * sigma'(z^({L})),  dL/dh = 2/{n_out} (h - t),  sigma = {act}",
        rf"\delta{i}^{{({L})}} = \frac{{\partial L{i}}}{{\partial h{i}^{{({L})}}}} \odot \sigma'(z{i}^{{({L})}}),"
        rf" \quad \frac{{\partial L{i}}}{{\partial h{i}^{{({L})}}}} = \frac{{2}}{{{n_out}}}(h{i}^{{({L})}} - t{i}),"
        rf" \quad \sigma = \operatorname{{{act}}}",
        rf"{_tex(dL_dh)} \odot {_tex(s)} = {_tex(delta)}", delta, engine, source)
    return check, delta


def _hidden_delta(n, l, delta_next, np):
    """Step 3: delta^(l) = (W^(l+1))^T delta^(l+1) * sigma'(z^(l))."""
    i, act = _i(n), n.activations[l]
    s = sigma_prime(act, n.Z[l], np)
    delta = (n.W[l + 1].T @ delta_next) * s
    engine, source = _engine_delta(n, l)
    check = EquationCheck(
        3, l, "delta", f"delta^({l}) = (W^({l + 1}))^T delta^({l + 1}) * sigma'(z^({l})),  sigma = {act}",
        rf"\delta{i}^{{({l})}} = (W^{{({l + 1})}})^T \delta{i}^{{({l + 1})}} \odot \sigma'(z{i}^{{({l})}}),"
        rf" \quad \sigma = \operatorname{{{act}}}",
        rf"{_tex(n.W[l + 1])}^T {_tex(delta_next)} \odot {_tex(s)} = {_tex(delta)}",
        delta, engine, source)
    return check, delta


def _gradients(n, l, delta, np):
    """Step 4: dL/dW^(l) = 1/B sum_i delta_i (h_i^(l-1))^T and dL/db^(l) = 1/B sum_i delta_i."""
    B = n.B
    dW = delta @ n.H[l - 1].T / B  # the columns' outer products, summed, over B
    db = delta.sum(axis=1) / B
    if B == 1:
        texts = (f"dL/dW^({l}) = delta^({l}) (h^({l - 1}))^T", f"dL/db^({l}) = delta^({l})")
        latex = (rf"\frac{{\partial L}}{{\partial W^{{({l})}}}} = \delta^{{({l})}} (h^{{({l - 1})}})^T",
                 rf"\frac{{\partial L}}{{\partial b^{{({l})}}}} = \delta^{{({l})}}")
        numbers = (f"{_tex(delta)} {_tex(n.H[l - 1])}^T = {_tex(dW)}", f"{_tex(delta)} = {_tex(db)}")
    else:
        texts = (f"dL/dW^({l}) = 1/B sum_i delta_i^({l}) (h_i^({l - 1}))^T",
                 f"dL/db^({l}) = 1/B sum_i delta_i^({l})")
        latex = (rf"\frac{{\partial L}}{{\partial W^{{({l})}}}} = \frac{{1}}{{B}} \sum_{{i=1}}^{{B}}"
                 rf" \delta_i^{{({l})}} (h_i^{{({l - 1})}})^T",
                 rf"\frac{{\partial L}}{{\partial b^{{({l})}}}} = \frac{{1}}{{B}}"
                 rf" \sum_{{i=1}}^{{B}} \delta_i^{{({l})}}")
        columns = " + ".join(_tex(delta[:, k]) for k in range(B))
        numbers = (rf"\frac{{1}}{{{B}}} {_tex(delta)} {_tex(n.H[l - 1])}^T = {_tex(dW)}",
                   rf"\frac{{1}}{{{B}}} \left( {columns} \right) = {_tex(db)}")
    return [
        EquationCheck(4, l, "dW", texts[0], latex[0], numbers[0], dW, n.dW[l], "W.grad"),
        EquationCheck(4, l, "db", texts[1], latex[1], numbers[1], db, n.db[l], "b.grad"),
    ]


# --- showing numbers ----------------------------------------------------------------

def _rows(a):
    """A vector as a column (a list of one-entry rows), a matrix as its rows."""
    return [[v] for v in a] if a.ndim == 1 else [list(r) for r in a]


def _text_matrix(a):
    """Lines of an aligned bracketed matrix, e.g. ['[ 0.25  -1.5 ]', ...]."""
    cells = [[f"{v + 0.0:.6g}" for v in row] for row in _rows(a)]  # + 0.0: no "-0"
    width = max(len(c) for row in cells for c in row)
    return ["[ " + "  ".join(c.rjust(width) for c in row) + " ]" for row in cells]


def _tex_number(v):
    s = f"{v + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0
    if "e" in s:
        mantissa, exponent = s.split("e")
        s = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return s


def _tex(a):
    """A numpy vector (as a column) or matrix as a LaTeX pmatrix."""
    body = r" \\ ".join(" & ".join(_tex_number(v) for v in row) for row in _rows(a))
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"


def _html(report):
    """The report for Jupyter: each equation, then its numbers, the engine's beside."""
    import html

    def mark(c):
        if c.agrees(report.tol):
            return f'<span style="color:#080">&#10004; agree</span><br><small>max |diff| {c.max_diff:.1e}</small>'
        return f'<span style="color:#c00"><b>&#10008; DISAGREE</b></span><br><small>max |diff| {c.max_diff:.1e}</small>'

    rows = []
    for c in report.checks:
        rows.append(
            "<tr>"
            f'<td style="text-align:left">Step {c.step}<br><small>{STEP_NAMES[c.step]}</small><br>l = {c.l}</td>'
            f'<td style="text-align:left">$${c.latex}$$ $${c.substituted}$$</td>'
            f'<td style="text-align:left">$${_tex(c.engine)}$$<small>{html.escape(c.engine_source)}</small></td>'
            f'<td style="text-align:left">{mark(c)}</td>'
            "</tr>")
    colour = "#080" if report.ok else "#c00"
    return (
        '<div class="micrograd-bp-backprop">'
        "<p><b>The document's backprop equations, evaluated with numpy, vs the engine's backward()</b><br>"
        f"{html.escape(report.describe())}<br>"
        r"$\odot$ is the elementwise product"
        + (r"; each column is one sample $i$" if report.B > 1 else "") + "</p>"
        "<table><tr><th>step</th><th>the document's equation, then with the numbers</th>"
        "<th>the engine's numbers</th><th></th></tr>"
        + "".join(rows) + "</table>"
        f'<p style="color:{colour}"><b>{html.escape(report.verdict())}</b></p></div>')
