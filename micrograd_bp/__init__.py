"""micrograd_bp: a scalar autograd engine for teaching backpropagation.

Build Values, call ``backward()``, and every node holds dL/d(node)::

    >>> from micrograd_bp import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> L = a * b + a
    >>> L.backward()
    >>> a.grad, b.grad
    (-2.0, 2.0)
"""

from .engine import Value
from .gradcheck import gradcheck
from .graph import topological_order
from .nn import MLP, Layer, Module, Neuron

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP", "gradcheck", "topological_order"]
__version__ = "0.1.0"
