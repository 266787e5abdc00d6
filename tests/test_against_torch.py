"""Gradients against PyTorch (float64), where PyTorch is installed.

PyTorch is not a dependency (it is a large download); run.sh installs it for the
test job, and without it these tests skip.
"""

import math

import pytest

from micrograd_bp import MLP, Value

torch = pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch==2.13.0")


def t(x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


# (name, the expression on Values, the same expression on tensors)
CASES = [
    ("add", lambda a, b: a + b, None),
    ("sub", lambda a, b: a - b, None),
    ("mul", lambda a, b: a * b, None),
    ("div", lambda a, b: a / b, None),
    ("pow const", lambda a, b: a ** 3 + b ** -2, None),
    ("pow value", lambda a, b: (a * a + 1) ** b, None),
    ("rpow", lambda a, b: 2 ** a * 3.5 ** b, None),
    ("neg", lambda a, b: -a * b, None),
    ("exp", lambda a, b: (a * b).exp(), lambda a, b: torch.exp(a * b)),
    ("log", lambda a, b: (a * a + b * b).log(), lambda a, b: torch.log(a * a + b * b)),
    ("sin cos", lambda a, b: a.sin() * b.cos(), lambda a, b: torch.sin(a) * torch.cos(b)),
    ("tanh", lambda a, b: (a * b).tanh(), lambda a, b: torch.tanh(a * b)),
    ("sigmoid", lambda a, b: (a - b).sigmoid(), lambda a, b: torch.sigmoid(a - b)),
    ("relu", lambda a, b: (a + b).relu() + (a - b).relu(),
     lambda a, b: torch.relu(a + b) + torch.relu(a - b)),
]


@pytest.mark.parametrize("name, f, f_torch", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("a0, b0", [(0.7, -1.3), (-0.4, 0.9)])
def test_operation_gradients_match_pytorch(name, f, f_torch, a0, b0):
    f_torch = f_torch or f  # operators read the same on Values and tensors
    a, b = Value(a0), Value(b0)
    out = f(a, b)
    out.backward()
    ta, tb = t(a0), t(b0)
    tout = f_torch(ta, tb)
    tout.backward()
    assert out.data == pytest.approx(tout.item(), rel=1e-12)
    assert a.grad == pytest.approx(ta.grad.item(), rel=1e-10, abs=1e-12)
    assert b.grad == pytest.approx(tb.grad.item(), rel=1e-10, abs=1e-12)


def test_micrograds_readme_expression_matches_pytorch():
    def expression(a, b, relu):
        c = a + b
        d = a * b + b ** 3
        c = c + c + 1
        c = c + 1 + c + (-a)
        d = d + d * 2 + relu(b + a)
        d = d + 3 * d + relu(b - a)
        e = c - d
        f = e ** 2
        g = f / 2.0
        return g + 10.0 / f

    a, b = Value(-4.0), Value(2.0)
    g = expression(a, b, lambda v: v.relu())
    g.backward()
    ta, tb = t(-4.0), t(2.0)
    tg = expression(ta, tb, torch.relu)
    tg.backward()
    assert g.data == pytest.approx(tg.item(), rel=1e-12)
    assert a.grad == pytest.approx(ta.grad.item(), rel=1e-12)
    assert b.grad == pytest.approx(tb.grad.item(), rel=1e-12)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_mlp_gradients_match_a_pytorch_mlp(activation):
    mlp = MLP(3, [4, 3, 2], activation=activation, seed=11)
    x, target = [0.5, -1.2, 0.3], [1.0, -1.0]
    out = mlp(x)
    loss = sum((o - ti) ** 2 for o, ti in zip(out, target))
    loss.backward()

    sigma = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
             "linear": lambda z: z}[activation]
    Ws = [t([[w.data for w in n.w] for n in layer.neurons]) for layer in mlp.layers]
    bs = [t([n.b.data for n in layer.neurons]) for layer in mlp.layers]
    h = torch.tensor(x, dtype=torch.float64)
    for l, (W, b) in enumerate(zip(Ws, bs)):
        z = W @ h + b  # the document's z = W h + b
        h = z if l == len(Ws) - 1 else sigma(z)
    tloss = ((h - torch.tensor(target, dtype=torch.float64)) ** 2).sum()
    tloss.backward()

    assert loss.data == pytest.approx(tloss.item(), rel=1e-12)
    for layer, W, b in zip(mlp.layers, Ws, bs):
        for j, n in enumerate(layer.neurons):
            assert [w.grad for w in n.w] == pytest.approx(W.grad[j].tolist(), rel=1e-10, abs=1e-12)
            assert n.b.grad == pytest.approx(b.grad[j].item(), rel=1e-10, abs=1e-12)
    assert math.isfinite(loss.data)
