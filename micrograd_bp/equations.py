"""The document's backprop equations as numpy matrix arithmetic (numbers only, no text).

Every quantity is a matrix with one column per sample i of the minibatch::

    Step 1   z^(l) = W^(l) h^(l-1) + b^(l),   h^(l) = sigma(z^(l))
    Step 2   delta^(L) = dL/dh^(L) * sigma'(z^(L))       (* is elementwise)
             delta^(L) = h^(L) - t      for softmax with cross-entropy
    Step 3   delta^(l) = (W^(l+1))^T delta^(l+1) * sigma'(z^(l))
    Step 4   dL/dW^(l) = 1/B sum_i delta_i^(l) (h_i^(l-1))^T
             dL/db^(l) = 1/B sum_i delta_i^(l)

:func:`evaluate` computes all of them from :class:`Recorded` numbers (the forward
values and the parameters, never the engine's grads) and returns one
:class:`EquationCheck` per equation, holding the equation's value beside the
engine's.  How an equation is written (text, LaTeX, HTML) is
:mod:`micrograd_bp.equations_text`'s job.
"""

from dataclasses import dataclass, field

from . import equations_text

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

def within_tolerance(max_diff, reference, tol):
    """max |diff| <= tol * max(1, largest |reference|): absolute near 1, relative above.

    The one rule every check of an equation uses; False for nan as well.
    """
    return max_diff <= tol * max(1.0, float(abs(reference).max()))


@dataclass(eq=False)
class EquationCheck:
    """One of the document's equations at layer ``l``: its value and the engine's.

    step           1-4, the document's step
    l              the layer
    name           the quantity: "z", "h", "delta", "dW" or "db"
    equation       the equation's value (numpy; one column per sample for z, h, delta)
    engine         the engine's numbers for the same quantity, the same shape
    engine_source  where the engine's numbers come from ("z.grad", "W.grad", ...)
    operands       {name: array}: what the equation was computed from (W, h, delta, ...)
    activation     sigma of layer l (for h and delta), else None
    loss           "cross_entropy" or "mse" for Step 2, else None
    B              the batch size

    ``text``, ``latex`` and ``substituted`` write the equation in the document's
    notation (the last with the numbers put in).
    """

    step: int
    l: int
    name: str
    equation: object
    engine: object
    engine_source: str
    operands: dict = field(default_factory=dict, repr=False)
    activation: str | None = None
    loss: str | None = None
    B: int = 1

    @property
    def max_diff(self):
        """The largest |equation - engine| over all entries."""
        return float(abs(self.equation - self.engine).max())

    def agrees(self, tol):
        """The equation and the engine agree: :func:`within_tolerance` of the equation."""
        return within_tolerance(self.max_diff, self.equation, tol)

    @property
    def text(self):
        """The equation in plain text, e.g. ``z^(1) = W^(1) h^(0) + b^(1)``."""
        return equations_text.text(self)

    @property
    def latex(self):
        """The equation in LaTeX."""
        return equations_text.latex(self)

    @property
    def substituted(self):
        """The equation in LaTeX with its numbers put in."""
        return equations_text.substituted(self)

    def __repr__(self):
        return (f"EquationCheck(step={self.step}, l={self.l}, {self.text!r}, "
                f"max_diff={self.max_diff:.2e})")


# --- the numbers the equations read -------------------------------------------------

class Recorded:
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

    def __repr__(self):
        sizes = [self.H[0].shape[0]] + [self.W[l].shape[0] for l in range(1, self.L + 1)]
        return f"<Recorded numbers of MLP layers {sizes}, B = {self.B}>"


# --- Steps 1-4 -------------------------------------------------------------------------

def evaluate(n, loss, np):
    """Every equation of Steps 1-4, in the document's order, from ``n`` (Recorded)."""
    L = n.L
    checks = []
    for l in range(1, L + 1):
        checks.append(forward_z(n, l))
        if not (l == L and loss == "cross_entropy"):  # softmax + CE reads the logits z^(L)
            checks.append(forward_h(n, l, np))
    delta = [None] * (L + 1)
    checks.append(output_delta(n, loss, np))
    delta[L] = checks[-1].equation
    for l in range(L - 1, 0, -1):
        checks.append(hidden_delta(n, l, delta[l + 1], np))
        delta[l] = checks[-1].equation
    for l in range(L, 0, -1):
        checks += gradients(n, l, delta[l])
    return checks


def _engine_delta(n, l):
    """delta_i^(l) as the engine has it: the z nodes' grads, times B (L is a mean)."""
    return dict(engine=n.dZ[l] * n.B, engine_source="B * z.grad" if n.B > 1 else "z.grad")


def forward_z(n, l):
    """Step 1 at layer l: z = W h + b."""
    Z = n.W[l] @ n.H[l - 1] + n.b[l][:, None]
    return EquationCheck(1, l, "z", Z, n.Z[l], "z.data", B=n.B,
                         operands={"W": n.W[l], "h": n.H[l - 1], "b": n.b[l]})


def forward_h(n, l, np):
    """Step 1 at layer l: h = sigma(z)."""
    act = n.activations[l]
    H = sigma(act, n.Z[l], np)
    return EquationCheck(1, l, "h", H, n.H[l], "h.data", operands={"z": n.Z[l]},
                         activation=act, B=n.B)


def output_delta(n, loss, np):
    """Step 2: delta^(L) = h^(L) - t (softmax + cross-entropy), or dL/dh * sigma'(z)."""
    L = n.L
    if loss == "cross_entropy":
        H = softmax(n.Z[L], np)
        return EquationCheck(2, L, "delta", H - n.T, loss=loss, B=n.B,
                             operands={"h": H, "t": n.T}, **_engine_delta(n, L))
    act = n.activations[L]
    dL_dh = 2 / n.T.shape[0] * (n.H[L] - n.T)  # L_i = 1/n sum_k (h_k - t_k)**2
    s = sigma_prime(act, n.Z[L], np)
    return EquationCheck(2, L, "delta", dL_dh * s, activation=act, loss=loss, B=n.B,
                         operands={"dL_dh": dL_dh, "sigma_prime": s}, **_engine_delta(n, L))


def hidden_delta(n, l, delta_next, np):
    """Step 3: delta^(l) = (W^(l+1))^T delta^(l+1) * sigma'(z^(l))."""
    act = n.activations[l]
    s = sigma_prime(act, n.Z[l], np)
    delta = (n.W[l + 1].T @ delta_next) * s
    return EquationCheck(3, l, "delta", delta, activation=act, B=n.B, **_engine_delta(n, l),
                         operands={"W_next": n.W[l + 1], "delta_next": delta_next,
                                   "sigma_prime": s})


def gradients(n, l, delta):
    """Step 4: dL/dW^(l) = 1/B sum_i delta_i (h_i^(l-1))^T and dL/db^(l) = 1/B sum_i delta_i."""
    dW = delta @ n.H[l - 1].T / n.B  # the columns' outer products, summed, over B
    db = delta.sum(axis=1) / n.B
    return [EquationCheck(4, l, "dW", dW, n.dW[l], "W.grad", B=n.B,
                          operands={"delta": delta, "h": n.H[l - 1]}),
            EquationCheck(4, l, "db", db, n.db[l], "b.grad", B=n.B, operands={"delta": delta})]
