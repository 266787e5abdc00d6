"""The same network in PyTorch: an MLP as a ``torch.nn.Sequential``, and back.

An :class:`~micrograd_bp.nn.MLP` is, layer by layer, the document's

    z^(l) = W^(l) h^(l-1) + b^(l),    h^(l) = sigma(z^(l))

and PyTorch writes exactly that as ``nn.Linear`` (``weight`` is W^(l), ``bias``
is b^(l); it computes z = h W^T + b for a batch of rows h) followed by an
activation module (``nn.ReLU``, ``nn.Tanh``, ``nn.Sigmoid``; a linear layer has
none)::

    >>> from micrograd_bp import MLP
    >>> mlp = MLP(3, [4, 2], activation="tanh", seed=0)
    >>> mlp.to_torch()                                       # doctest: +SKIP
    Sequential(
      (0): Linear(in_features=3, out_features=4, bias=True)
      (1): Tanh()
      (2): Linear(in_features=4, out_features=2, bias=True)
    )

:func:`to_torch` copies the weights into PyTorch and ``MLP.from_torch`` copies
them back (a round trip is exact), reading them with :func:`read_sequential`.
:func:`torch_backward` runs the forward and backward passes of a minibatch in PyTorch and keeps every layer's z^(l) with
its gradient, so the document's delta^(l) = dL/dz^(l) can be read off PyTorch's
autograd and compared with the engine's z grads.

PyTorch is an optional extra, imported only when one of these is called.
"""

from . import checks
from ._optional import require

# The document's activation names and the PyTorch module classes that compute them.
TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}


def _torch():
    return require("torch", "torch", "The PyTorch bridge")


# --- MLP -> PyTorch -----------------------------------------------------------------

def to_torch(mlp, dtype=None):
    """A ``torch.nn.Sequential`` computing the same function as ``mlp``.

    One ``nn.Linear(n_(l-1), n_l)`` per layer l with ``weight`` = W^(l) and
    ``bias`` = b^(l), each followed by its activation module (none for a linear
    layer).  ``dtype`` defaults to ``torch.float64``, the engine's precision; with
    ``torch.float32`` the weights are rounded to single precision.
    """
    torch = _torch()
    dtype = torch.float64 if dtype is None else dtype
    modules = []
    for layer in mlp.layers:
        W = [[w.data for w in neuron.w] for neuron in layer.neurons]
        b = [neuron.b.data for neuron in layer.neurons]
        linear = torch.nn.Linear(len(W[0]), len(W), dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(W, dtype=dtype))
            linear.bias.copy_(torch.tensor(b, dtype=dtype))
        modules.append(linear)
        if layer.activation != "linear":
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[layer.activation])())
    return torch.nn.Sequential(*modules)


# --- PyTorch -> MLP -----------------------------------------------------------------

def _activation_name(module, torch):
    """'relu', 'tanh', 'sigmoid' or 'linear' (nn.Identity) for an activation module, else None."""
    if isinstance(module, torch.nn.Identity):
        return "linear"
    for name, cls in TORCH_ACTIVATIONS.items():
        if type(module) is getattr(torch.nn, cls):
            return name
    return None


def _layers_of(module, torch):
    """[(nn.Linear, activation name), ...] read from a Sequential, or a ValueError naming the layer."""
    if isinstance(module, torch.nn.Linear):
        module = torch.nn.Sequential(module)
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(
            f"MLP.from_torch needs a torch.nn.Sequential of nn.Linear and activation "
            f"modules, got {type(module).__name__}")
    layers = []
    for index, child in enumerate(module):
        where = f"MLP.from_torch: layer ({index}) {child!r}"
        if isinstance(child, torch.nn.Linear):
            if layers and child.in_features != layers[-1][0].out_features:
                raise ValueError(
                    f"{where} takes {child.in_features} inputs but the layer before it "
                    f"has {layers[-1][0].out_features} outputs")
            layers.append([child, "linear"])
            continue
        activation = _activation_name(child, torch)
        if activation is None:
            raise ValueError(
                f"{where} cannot be expressed by an MLP, which has only nn.Linear, "
                f"nn.ReLU, nn.Tanh, nn.Sigmoid and nn.Identity")
        if not layers or layers[-1][1] != "linear":
            raise ValueError(f"{where} must follow an nn.Linear (an MLP has one activation per layer)")
        layers[-1][1] = activation
    if not layers:
        raise ValueError("MLP.from_torch: the Sequential has no nn.Linear layer")
    return layers


class SequentialSpec:
    """An MLP read from a PyTorch Sequential, as plain numbers (see :func:`read_sequential`).

    nin, nouts          the MLP's sizes: ``MLP(nin, nouts, ...)``
    activation          the hidden layers' activation; output_activation the last layer's
    weights             [(W^(l), b^(l)) for l = 1..L], W as a list of rows, as Python floats
    """

    def __init__(self, nin, nouts, activation, output_activation, weights):
        self.nin, self.nouts, self.weights = nin, nouts, weights
        self.activation, self.output_activation = activation, output_activation


def read_sequential(module):
    """The MLP held by ``nn.Sequential(nn.Linear, activation, nn.Linear, ...)``, as a
    :class:`SequentialSpec`; ``MLP.from_torch`` builds the MLP from it.

    Every hidden layer must have the same activation (an MLP has one
    ``activation``), the last may have any (its ``output_activation``).  Weights
    are read as Python floats (exact for float32 and float64).  A module an MLP
    cannot express raises a ValueError naming it.
    """
    torch = _torch()
    layers = _layers_of(module, torch)
    hidden = [activation for _, activation in layers[:-1]]
    for l, activation in enumerate(hidden[1:], start=2):
        if activation != hidden[0]:
            raise ValueError(
                f"MLP.from_torch: layer {l} uses {activation} but layer 1 uses {hidden[0]}; "
                "an MLP's hidden layers share one activation")
    weights = []
    for linear, _ in layers:
        W = linear.weight.detach().tolist()
        b = linear.bias.detach().tolist() if linear.bias is not None else [0.0] * len(W)
        weights.append((W, b))
    return SequentialSpec(layers[0][0].in_features, [linear.out_features for linear, _ in layers],
                          hidden[0] if hidden else "relu", layers[-1][1], weights)


# --- a minibatch through PyTorch, with every z's gradient ------------------------------

class TorchPass:
    """One forward and backward pass in PyTorch, in the document's names.

    ``z[l]`` and ``h[l]`` are tensors of shape (B, n_l), one row per sample i
    (``h[0]`` is the input; ``z[0]`` is None); ``z[l].grad`` is dL/dz^(l), which
    for the batch-mean loss L = 1/B sum_i L_i is delta_i^(l) / B in row i.
    ``loss`` is L and ``module`` the Sequential, its parameters' ``.grad`` filled.
    """

    def __init__(self, module, z, h, loss):
        self.module, self.z, self.h, self.loss = module, z, h, loss

    @property
    def L(self):
        return len(self.h) - 1

    @property
    def linears(self):
        """The nn.Linear of every layer: ``linears[l - 1]`` holds W^(l) and b^(l)."""
        torch = _torch()
        return [m for m in self.module if isinstance(m, torch.nn.Linear)]

    def delta(self, l):
        """delta_i^(l) = dL_i/dz_i^(l) as a (B, n_l) tensor: B * z[l].grad."""
        return self.z[l].grad * len(self.h[0])


def torch_backward(module, X, T, loss="cross_entropy"):
    """Run a minibatch through ``module`` in PyTorch and backpropagate its mean loss.

    ``X`` is a list of B samples, ``T`` their targets (class indices or one-hot /
    probability lists for ``loss="cross_entropy"``, lists of numbers for
    ``"mse"``).  The loss is 1/B sum_i L_i, as in the engine: softmax +
    cross-entropy of the output h^(L) (``F.cross_entropy``; h^(L) = z^(L), the
    logits, when the last layer is linear), or the mean squared error of h^(L)
    (``F.mse_loss``).  Zeroes the module's grads first.  Every
    pre-activation z^(l) keeps its grad (``retain_grad``).  Returns a TorchPass.
    """
    torch = _torch()
    F = torch.nn.functional
    checks.loss(loss, "torch_backward")
    layers = _layers_of(module, torch)
    dtype = layers[0][0].weight.dtype
    module.zero_grad()
    h = torch.tensor(X, dtype=dtype)
    zs, hs = [None], [h]
    for linear, activation in layers:
        z = linear(h)  # z = h W^T + b: the document's z = W h + b, one row per sample
        z.retain_grad()  # keep dL/dz (an interior node) after backward()
        h = z if activation == "linear" else getattr(torch, activation)(z)
        zs.append(z)
        hs.append(h)
    if loss == "cross_entropy":
        target = torch.tensor(T, dtype=torch.long if isinstance(T[0], int) else dtype)
        L = F.cross_entropy(hs[-1], target)  # mean over the batch of -sum_k t_k log softmax(h)_k
    else:
        L = F.mse_loss(hs[-1], torch.tensor(T, dtype=dtype).reshape(hs[-1].shape))
    L.backward()
    return TorchPass(module, zs, hs, L)
