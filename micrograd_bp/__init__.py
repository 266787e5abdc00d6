"""micrograd_bp: a scalar autograd engine for teaching backpropagation.

Build Values, call ``backward()``, and every node holds dL/d(node)::

    >>> from micrograd_bp import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> L = a * b + a
    >>> L.backward()
    >>> a.grad, b.grad
    (-2.0, 2.0)

The engine (``engine``, ``rules``, ``graph``) and ``nn`` use only the standard
library.  The other modules import their optional packages (numpy, sympy,
graphviz, matplotlib, tqdm, ipywidgets) only when called, and say which extra
to install when one is missing.
"""

from . import datasets, labels, losses, optim
from .backprop import check_backprop
from .draw import draw_graph
from .engine import Value
from .gradcheck import gradcheck
from .graph import topological_order
from .nn import MLP, Layer, Module, Neuron
from .optim import SGD, Adam
from .rules import operation
from .steps import backward_steps
from .symbolic import derive_all
from .train import accuracy, fit, predict
from .tutor import check_engine

__all__ = [
    "Value", "Module", "Neuron", "Layer", "MLP", "gradcheck", "topological_order",
    "SGD", "Adam", "fit", "predict", "accuracy", "datasets", "labels", "losses", "optim",
    "check_backprop", "derive_all", "draw_graph", "backward_steps", "operation", "check_engine",
]
__version__ = "0.1.0"
