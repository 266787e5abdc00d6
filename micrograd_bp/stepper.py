"""The backward pass, one chain-rule application at a time.

``backward_steps(root)`` does exactly what ``root.backward()`` does, but pauses
after each node has passed its grad on to its children, and tells what happened::

    >>> from micrograd_bp import Value
    >>> x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    >>> n = x1 * w1; n.label = "n"
    >>> for step in backward_steps(n):
    ...     print(step)
    n.grad = dL/dn = 1.0   where n = x1 * w1
      x1.grad += w1.data × n.grad = -3.0 × 1.0 = -3.0   (x1.grad: 0.0 -> -3.0)
      w1.grad += x1.data × n.grad = 2.0 × 1.0 = 2.0   (w1.grad: 0.0 -> 2.0)

The walk is ``backward()``'s: the graph in reverse topological order
(:func:`micrograd_bp.graph.topological_order`), the local derivatives from the same
registry of operations (:func:`micrograd_bp.rules.local_derivatives`; each
operation's entry also says how its derivative is written in these texts), interior grads reset
first, leaves accumulating.  Running every step leaves exactly the grads that
``backward()`` leaves.  In a graph built by an MLP, a z node's grad is the
document's delta^(l)_j = dL/dz^(l)_j, and the steps name it so.
"""

from .graph import topological_order
from .labels import delta_of
from .rules import OPERATIONS, local_derivatives


def _number(x):
    """A short, readable number: 2.0, -0.5, 0.7616, 1.2e-05."""
    text = f"{x:.4g}"
    if text.lstrip("-").isdigit():
        text += ".0"
    return text


def names(order):
    """{Value: name}: its label, or ``v<k>`` (its position k in ``order``) without one.

    ``draw_graph(..., show_ids=True)`` shows the same ``v<k>`` ids.  A label that is
    itself a formula (``x1*w1 + x2*w2``, as micrograd's lecture labels nodes) is put
    in parentheses, so that ``(x1*w1).grad`` cannot be misread.
    """
    return {v: _bracketed(v.label) if v.label else f"v{k}" for k, v in enumerate(order)}


def _bracketed(label):
    return f"({label})" if any(c in label for c in " +-*/") else label


def delta_name(value):
    """``δ1[0]`` for the node ``z1[0]`` of an MLP (its grad is delta^(1)_0), else None."""
    return delta_of(value.label)


class Term:
    """One edge of the chain rule: ``child.grad += local × node.grad``."""

    __slots__ = ("child", "local", "local_text", "contribution", "before", "after")

    def __init__(self, child, local, local_text, contribution, before, after):
        self.child = child
        self.local = local                # d node / d child, a number
        self.local_text = local_text      # the same, as a formula in node names
        self.contribution = contribution  # local × node.grad
        self.before = before              # child.grad before this step
        self.after = after                # child.grad after it

    def __repr__(self):
        return (f"<Term local={_number(self.local)} ({self.local_text}), contribution="
                f"{_number(self.contribution)}, grad {_number(self.before)} -> {_number(self.after)}>")


class Step:
    """One node passing its grad to its children (one application of the chain rule).

    Attributes
    ----------
    index : int           0 for the first step (the root), 1 for the next, ...
    node : Value          the node whose grad is passed on
    grad : float          node.grad = dL/d(node), final when the step runs
    name : str            the node's name (its label, or v<k>)
    grad_name : str       how its grad is written: ``n.grad``, or ``δ1[0]`` for z1[0]
    terms : tuple of Term one per child, in operand order
    child_names : tuple   the children's names
    """

    def __init__(self, index, node, name, child_names, terms):
        self.index = index
        self.node = node
        self.grad = node.grad
        self.name = name
        delta = delta_name(node)
        self.grad_name = delta or f"{name}.grad"
        self.child_names = tuple(child_names)
        self.terms = tuple(terms)

    def headline(self):
        """``n.grad = dL/dn = 0.5   where n = x1 * w1``."""
        op = self.node.op
        if op.isidentifier():  # a function: tanh(n), softplus(x)
            formula = f"{op}({', '.join(self.child_names)})"
        else:  # an operator: x1 * w1
            formula = f" {op} ".join(self.child_names)
        return f"{self.grad_name} = dL/d{self.name} = {_number(self.grad)}   where {self.name} = {formula}"

    def lines(self):
        """One line of arithmetic per child, e.g.
        ``w1.grad += x1.data × n.grad = 2.0 × 0.5 = 1.0   (w1.grad: 0.0 -> 1.0)``."""
        out = []
        for name, t in zip(self.child_names, self.terms):
            out.append(
                f"{name}.grad += {t.local_text} × {self.grad_name} = "
                f"{_number(t.local)} × {_number(self.grad)} = {_number(t.contribution)}"
                f"   ({name}.grad: {_number(t.before)} -> {_number(t.after)})"
            )
        return out

    def __str__(self):
        return "\n".join([self.headline()] + ["  " + line for line in self.lines()])

    def __repr__(self):
        return f"<Step {self.index}: {self.name}, grad={self.grad:.4g}, {len(self.terms)} children>"


def backward_steps(root):
    """Run ``root.backward()`` one node at a time, yielding a :class:`Step` after each.

    Before the first step, as in ``backward()``, every interior node's grad is reset
    to 0 and ``root.grad`` gets +1 (dL/dL = 1).  Then, in reverse topological
    order, each interior node applies the chain rule to its children::

        child.grad += d node/d child × node.grad

    and the step that did it is yielded.  Leaves take no step.  Stopping early
    leaves the grads half done; running every step leaves exactly backward()'s.
    """
    if not hasattr(root, "children") or not hasattr(root, "grad"):
        raise TypeError(f"backward_steps needs a Value, got {type(root).__name__}")
    return _steps(root)


def _steps(root):
    order = topological_order(root)
    for node in order:  # as backward() does: interior grads start from 0, leaves accumulate
        if node.children:
            node.grad = 0.0
    name = names(order)
    root.grad += 1.0  # dL/dL = 1
    index = 0
    for node in reversed(order):
        if not node.children:
            continue
        g = node.grad
        child_names = [name[c] for c in node.children]
        local_texts = OPERATIONS[node.op].local_texts(name[node], child_names)
        terms = []
        for child, d, text in zip(node.children, local_derivatives(node), local_texts):
            before = child.grad
            child.grad += d * g  # the chain rule, as in backward()
            terms.append(Term(child, d, text, d * g, before, child.grad))
        yield Step(index, node, name[node], child_names, terms)
        index += 1


def explain_backward(root):
    """The whole backward pass as text, one block per step (it runs the steps)."""
    return "\n".join(str(step) for step in backward_steps(root))
