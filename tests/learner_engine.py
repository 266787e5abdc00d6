"""A learner's engine, as a learner of micrograd's lecture would write it, for the
tutor's tests.  ``engine(mistake)`` returns its ``Value`` and ``MLP`` with one kind
of mistake put in on purpose (or none); the tests check that ``check_engine``
catches each at the right stage with the right hint.

It is kept different from micrograd_bp's engine on purpose (a closure per node, a
set of operands, an explicit stack for the topological order), so agreeing with
micrograd_bp is not agreeing with itself.
"""

import math
import random

MISTAKES = (
    None, "no radd", "wrong op name", "no prev", "add sign", "mul missing factor",
    "mul own data", "assign", "no root one", "visit twice", "wrong order", "recursive",
    "tanh sign", "exp missing factor", "no zero_grad reset", "ascent", "missing node",
)


def engine(mistake=None, upto=7):
    """{"Value", "MLP", "train"} with ``mistake`` put in; ``upto`` (a stage) leaves out what comes
    later (None for what is not there yet)."""
    assert mistake in MISTAKES, mistake

    def add(x, y):
        return x + y

    class Value:
        def __init__(self, data, _children=(), _op=""):
            self.data = data
            if upto >= 2:
                self.grad = 0.0
            self._prev = set() if mistake == "no prev" else set(_children)
            self._op = _op
            if upto >= 3:
                self._backward = lambda: None

        def __repr__(self):
            return f"Value(data={self.data})"

        def __add__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data + other.data, (self, other), "add" if mistake == "wrong op name" else "+")

            def _backward():
                sign = -1.0 if mistake == "add sign" else 1.0
                if mistake == "assign":
                    self.grad = sign * out.grad
                    other.grad = out.grad
                else:
                    self.grad += sign * out.grad
                    other.grad += out.grad
            if upto >= 3:
                out._backward = _backward
            return out

        def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data * other.data, (self, other), "*")

            def _backward():
                g = 1.0 if mistake == "mul missing factor" else out.grad
                if mistake == "mul own data":
                    self.grad += self.data * g
                else:
                    self.grad += other.data * g
                other.grad += self.data * g
            if upto >= 3:
                out._backward = _backward
            return out

        def __rmul__(self, other):  # other * self
            return self * other

        if mistake != "no radd":
            def __radd__(self, other):  # other + self
                return self + other

        if upto >= 6:
            def __neg__(self):
                return self * -1

            def __sub__(self, other):
                return self + (-other)

            def __rsub__(self, other):
                return other + (-self)

            def __pow__(self, k):
                out = Value(self.data ** k, (self,), f"**{k}")

                def _backward():
                    self.grad += k * self.data ** (k - 1) * out.grad
                out._backward = _backward
                return out

            def __truediv__(self, other):
                return self * other ** -1

            def __rtruediv__(self, other):
                return other * self ** -1

            def tanh(self):
                t = math.tanh(self.data)
                out = Value(t, (self,), "tanh")

                def _backward():
                    d = (t * t - 1) if mistake == "tanh sign" else (1 - t * t)
                    self.grad += d * out.grad
                out._backward = _backward
                return out

            def exp(self):
                out = Value(math.exp(self.data), (self,), "exp")

                def _backward():
                    self.grad += out.data * (1.0 if mistake == "exp missing factor" else out.grad)
                out._backward = _backward
                return out

            def relu(self):
                out = Value(max(0.0, self.data), (self,), "relu")

                def _backward():
                    self.grad += (out.data > 0) * out.grad
                out._backward = _backward
                return out

        if upto >= 4:
            def backward(self):
                order = topological(self)
                if mistake == "visit twice":
                    order = order + order[len(order) // 2:]
                if mistake == "missing node":
                    order = [v for k, v in enumerate(order) if k != len(order) // 2 or not v._prev]
                self.grad = 0.0 if mistake == "no root one" else 1.0
                for v in (order if mistake == "wrong order" else reversed(order)):
                    v._backward()

    def topological(root):
        if mistake == "recursive":  # a recursive sort that takes four frames a node
            order, seen = [], set()

            def visit(v):
                return check(v)

            def check(v):
                return enter(v)

            def enter(v):
                return visit_children(v)

            def visit_children(v):
                if v not in seen:
                    seen.add(v)
                    for child in v._prev:
                        visit(child)
                    order.append(v)
            visit(root)
            return order
        order, seen, stack = [], set(), [(root, False)]
        while stack:
            v, done = stack.pop()
            if done:
                order.append(v)
            elif v not in seen:
                seen.add(v)
                stack.append((v, True))
                stack.extend((c, False) for c in v._prev)
        return order

    class Neuron:
        def __init__(self, nin, nonlin=True):
            self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
            self.b = Value(0.0)
            self.nonlin = nonlin

        def __call__(self, x):
            z = self.b
            for wi, xi in zip(self.w, x):
                z = add(z, wi * xi)
            return z.tanh() if self.nonlin else z

        def parameters(self):
            return self.w + [self.b]

    class Layer:
        def __init__(self, nin, nout, **kwargs):
            self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

        def __call__(self, x):
            out = [n(x) for n in self.neurons]
            return out[0] if len(out) == 1 else out

        def parameters(self):
            return [p for n in self.neurons for p in n.parameters()]

    class MLP:
        def __init__(self, nin, nouts):
            sizes = [nin] + nouts
            self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1)
                           for i in range(len(nouts))]

        def __call__(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

        def parameters(self):
            return [p for layer in self.layers for p in layer.parameters()]

        def zero_grad(self):
            for p in self.parameters():
                p.grad = 0.0

    def train(mlp, xs, ys, steps=20, lr=0.05):
        """Gradient descent on the squared error; the loss of each step."""
        losses = []
        for _ in range(steps):
            loss = sum(((mlp(x) - y) ** 2 for x, y in zip(xs, ys)), Value(0.0))
            if mistake != "no zero_grad reset":
                mlp.zero_grad()
            loss.backward()
            for p in mlp.parameters():
                p.data += (lr if mistake == "ascent" else -lr) * p.grad
            losses.append(loss.data)
        return losses

    return {"Value": Value, "MLP": MLP if upto >= 7 else None, "train": train if upto >= 7 else None}
