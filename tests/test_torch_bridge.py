"""The same MLP in PyTorch: to_torch / from_torch, and parity of outputs, losses, grads and deltas.

The parity tests run random MLPs (every activation and output activation, depth 1
to 4, widths 1 to 16) on a minibatch in both engines and compare, in float64 to
1e-12: the outputs, the batch-mean loss, every parameter's grad, and every
layer's delta (the engine's z grads against PyTorch's grad of each
pre-activation, kept with retain_grad).  Without PyTorch they skip, except the
test of the error message that says how to install it.
"""

import random
import sys

import pytest

from micrograd_bp import MLP
from micrograd_bp.losses import batch_mean, cross_entropy, mse
from micrograd_bp.nn import ACTIVATIONS


def close(a, b, tol=1e-12):
    """|a - b| <= tol * max(1, |b|) for every pair of numbers."""
    a, b = list(a), list(b)
    assert len(a) == len(b)
    return all(abs(x - y) <= tol * max(1.0, abs(y)) for x, y in zip(a, b))


def test_without_torch_to_torch_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now fails
    mlp = MLP(2, [3, 1], seed=0)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[torch\]'"):
        mlp.to_torch()
    with pytest.raises(ImportError, match="PyTorch bridge needs the optional package 'torch'"):
        MLP.from_torch(object())


torch = pytest.importorskip("torch", reason="PyTorch is not installed: pip install -e '.[torch]'")
nn = torch.nn


# --- to_torch and from_torch --------------------------------------------------------

def test_to_torch_is_linear_layers_and_activation_modules_with_the_same_weights():
    mlp = MLP(3, [4, 5, 2], activation="tanh", output_activation="sigmoid", seed=3)
    module = mlp.to_torch()
    assert [type(m).__name__ for m in module] == ["Linear", "Tanh", "Linear", "Tanh", "Linear", "Sigmoid"]
    first = mlp.layers[0]
    assert module[0].weight.dtype == torch.float64
    assert module[0].weight[2, 1].item() == first.neurons[2].w[1].data   # W1[2,1]
    assert module[0].bias[3].item() == first.neurons[3].b.data            # b1[3]
    assert (module[4].in_features, module[4].out_features) == (5, 2)


def test_a_linear_layer_has_no_activation_module():
    module = MLP(2, [3, 1], activation="linear", seed=0).to_torch()
    assert [type(m).__name__ for m in module] == ["Linear", "Linear"]


def test_to_torch_float32_rounds_the_weights():
    mlp = MLP(2, [3], seed=1)
    module = mlp.to_torch(dtype=torch.float32)
    assert module[0].weight.dtype == torch.float32
    assert module[0].weight[0, 0].item() == pytest.approx(mlp.layers[0].neurons[0].w[0].data, rel=1e-7)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output_activation", ACTIVATIONS)
def test_round_trip_is_exact(activation, output_activation):
    mlp = MLP(4, [5, 3, 2], activation=activation, output_activation=output_activation, seed=2)
    back = MLP.from_torch(mlp.to_torch())
    assert repr(back) == repr(mlp)
    assert [(n, p.data) for n, p in back.named_parameters()] == \
        [(n, p.data) for n, p in mlp.named_parameters()]


def test_from_torch_then_to_torch_gives_the_same_tensors():
    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(3, 6), nn.ReLU(), nn.Linear(6, 2)).double()
    again = MLP.from_torch(module).to_torch()
    for (name, a), (_, b) in zip(module.state_dict().items(), again.state_dict().items()):
        assert torch.equal(a, b), name


def test_from_torch_reads_identity_as_linear_and_a_missing_bias_as_zero():
    module = nn.Sequential(nn.Linear(2, 3, bias=False), nn.Identity(), nn.Linear(3, 1)).double()
    mlp = MLP.from_torch(module)
    assert mlp.activation == "linear" and mlp.output_activation == "linear"
    assert all(n.b.data == 0.0 for n in mlp.layers[0].neurons)
    x = [0.3, -0.7]
    assert mlp(x).data == pytest.approx(module(torch.tensor(x, dtype=torch.float64)).item(), rel=1e-12)


@pytest.mark.parametrize("module, message", [
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.Conv1d(1, 1, 1)), r"layer \(1\) Conv1d"),
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(), nn.Linear(3, 1)), r"layer \(1\) LeakyReLU"),
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)), r"layer \(1\) Linear.*takes 4 inputs"),
    (lambda: nn.Sequential(nn.ReLU(), nn.Linear(2, 1)), r"layer \(0\) ReLU.*must follow an nn.Linear"),
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.ReLU()), r"layer \(2\) ReLU.*must follow"),
    (lambda: nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1)),
     "layer 2 uses relu but layer 1 uses tanh"),
    (lambda: nn.Sequential(), "no nn.Linear"),
])
def test_a_module_an_mlp_cannot_express_is_named(module, message):
    with pytest.raises(ValueError, match=message):
        MLP.from_torch(module())


def test_from_torch_needs_a_sequential():
    with pytest.raises(TypeError, match="needs a torch.nn.Sequential.*got Conv1d"):
        MLP.from_torch(nn.Conv1d(1, 1, 1))


def test_a_single_linear_module_is_accepted():
    mlp = MLP.from_torch(nn.Linear(3, 2))
    assert [len(layer.neurons) for layer in mlp.layers] == [2] and mlp.nin == 3


# --- parity on random MLPs ------------------------------------------------------------

def random_cases(n_per_pair=1, seed=2026):
    """(activation, output_activation, loss, sizes, seed): every activation pair, both losses."""
    rng = random.Random(seed)
    cases = []
    for activation in ACTIVATIONS:
        for output_activation in ACTIVATIONS:
            for loss in ("cross_entropy", "mse"):
                for _ in range(n_per_pair):
                    depth = rng.randint(1, 4)
                    sizes = [rng.randint(1, 16) for _ in range(depth + 1)]
                    if loss == "cross_entropy":
                        sizes[-1] = max(sizes[-1], 2)  # softmax over at least two classes
                    cases.append((activation, output_activation, loss, sizes, rng.randrange(10**6)))
    return cases


def engine_pass(mlp, X, T, loss):
    """The engine's batch-mean loss, after backward(), and each sample's trace."""
    traces = [mlp.trace(x) for x in X]
    per_sample = [cross_entropy(tr.h[-1], t) if loss == "cross_entropy" else mse(tr.h[-1], t)
                  for tr, t in zip(traces, T)]
    L = batch_mean(per_sample)
    mlp.zero_grad()
    L.backward()
    return L, traces


def pytorch_pass(module, X, T, loss):
    """PyTorch's batch-mean loss, after backward(), and every z^(l) with its grad kept."""
    h = torch.tensor(X, dtype=torch.float64)
    zs = []
    for m in module:
        h = m(h)
        if isinstance(m, nn.Linear):
            h.retain_grad()   # the pre-activation z^(l): keep dL/dz after backward
            zs.append(h)
    if loss == "cross_entropy":
        L = nn.functional.cross_entropy(h, torch.tensor(T))
    else:
        L = nn.functional.mse_loss(h, torch.tensor(T, dtype=torch.float64))
    L.backward()
    return L, h, zs


@pytest.mark.parametrize("activation, output_activation, loss, sizes, seed", random_cases())
def test_engine_and_pytorch_agree_on_outputs_loss_grads_and_deltas(
        activation, output_activation, loss, sizes, seed):
    rng = random.Random(seed)
    mlp = MLP(sizes[0], sizes[1:], activation=activation, output_activation=output_activation,
              seed=seed)
    B, n_out = rng.randint(1, 5), sizes[-1]
    X = [[rng.uniform(-2, 2) for _ in range(sizes[0])] for _ in range(B)]
    T = ([rng.randrange(n_out) for _ in range(B)] if loss == "cross_entropy"
         else [[rng.uniform(-1, 1) for _ in range(n_out)] for _ in range(B)])
    module = mlp.to_torch()

    L, traces = engine_pass(mlp, X, T, loss)
    tL, t_out, t_z = pytorch_pass(module, X, T, loss)

    assert close([L.data], [tL.item()])
    for i, trace in enumerate(traces):
        assert close([v.data for v in trace.h[-1]], t_out[i].tolist())
        for l in range(1, len(sizes)):  # delta_i^(l) / B = dL/dz_i^(l), in both
            assert close([z.grad for z in trace.z[l]], t_z[l - 1].grad[i].tolist()), f"delta^({l})"
    linears = [m for m in module if isinstance(m, nn.Linear)]
    for layer, linear in zip(mlp.layers, linears):
        for j, neuron in enumerate(layer.neurons):
            assert close([w.grad for w in neuron.w], linear.weight.grad[j].tolist())
            assert close([neuron.b.grad], [linear.bias.grad[j].item()])


def test_a_module_trained_in_pytorch_comes_back_with_its_new_weights():
    mlp = MLP(2, [4, 2], seed=5)
    module = mlp.to_torch()
    opt = torch.optim.SGD(module.parameters(), lr=0.5)
    X, y = torch.tensor([[0.5, -1.0], [1.0, 0.2]], dtype=torch.float64), torch.tensor([0, 1])
    opt.zero_grad()
    nn.functional.cross_entropy(module(X), y).backward()
    opt.step()
    back = MLP.from_torch(module)
    assert back.layers[0].neurons[1].w[0].data == module[0].weight[1, 0].item()
    assert back.layers[0].neurons[1].w[0].data != mlp.layers[0].neurons[1].w[0].data
