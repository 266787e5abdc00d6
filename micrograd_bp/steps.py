"""The forward and backward passes as text steps, one node at a time.

(Formerly ``micrograd_bp.stepper``, which still imports the same names.)

``backward_steps(root)`` does exactly what ``root.backward()`` does, but pauses
after each node has passed its grad on to its children, and tells what happened::

    >>> from micrograd_bp import Value
    >>> x1, w1 = Value(2.0, label="x1"), Value(-3.0, label="w1")
    >>> n = x1 * w1; n.label = "n"
    >>> for step in backward_steps(n):
    ...     print(step)
    n.grad = dn/dn = 1.0   where n = x1 * w1
      x1.grad += w1.data × n.grad = -3.0 × 1.0 = -3.0   (x1.grad: 0.0 -> -3.0)
      w1.grad += x1.data × n.grad = 2.0 × 1.0 = 2.0   (w1.grad: 0.0 -> 2.0)

The walk is the one ``backward()`` does: the graph in reverse topological order
(here listed by :func:`micrograd_bp.graph.topological_order`; ``backward()`` lists
its own, in the same order), the local derivatives from the same
registry of operations (:func:`micrograd_bp.rules.local_derivatives`; each
operation's entry also says how its derivative is written in these texts), interior grads reset
first, leaves accumulating.  Running every step leaves exactly the grads that
``backward()`` leaves.  In a graph built by an MLP, a z node's grad is the
document's delta^(l)_j = dL/dz^(l)_j, and the steps name it so.  Each step
writes its node's grad as the derivative of the root, by the root's label:
``dh/dz`` when the root is labelled h; ``dL/dz`` when the root has no label (L,
as ``backward()``'s docstring calls the root).

The steps tell the grads *this* pass fills in: every node starts from 0, also a
leaf that still holds the grad of an earlier ``backward()`` (it gets this pass's
grad added to that, as ``backward()`` does, but the texts and the pictures of
:mod:`micrograd_bp.frames` show this pass only).

``forward_steps(root)`` replays the forward pass (the document's Step 1) the
same way, one node at a time in topological order, with its arithmetic::

    >>> for step in forward_steps(n):
    ...     print(step)
    n = x1·w1 = 2.0·(-3.0) = -6.0
"""

import textwrap

from . import nodes
from .graph import topological_order
from .labels import delta_of, names
from .learner_steps import learner_steps
from .rules import OPERATIONS, local_derivatives, weighted_sum_operands

__all__ = ["number", "wrapped", "TEXT_WIDTH", "names", "root_name", "delta_name", "Term", "Step",
           "backward_steps", "explain_backward",
           "ForwardStep", "forward_steps", "explain_forward"]


def number(x):
    """A short, readable number: 2.0, -0.5, 0.7616, 1.2e-05."""
    text = f"{x + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0
    if text.lstrip("-").isdigit():
        text += ".0"
    return text


TEXT_WIDTH = 78  # characters: a printed line fits a book's ~700 px column


def wrapped(line, indent="    "):
    """``line`` broken at its spaces into lines of at most ``TEXT_WIDTH`` characters,
    the following ones indented: long equations stay readable in a narrow column."""
    return textwrap.fill(line, TEXT_WIDTH, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False)


def delta_name(value):
    """``δ1[0]`` for the node ``z1[0]`` of an MLP (its grad is delta^(1)_0), else None."""
    return delta_of(value.label)


def root_name(root):
    """How the texts name the root, whose grad the steps pass on: its label (``h``),
    or L without one (``backward()`` fills every node with dL/d(node), L the root)."""
    return names([root])[root] if getattr(root, "label", "") else "L"


def _formula(op, operands):
    """``tanh(n)``, ``softplus(x)``, ``a + b + c`` or a neuron's
    ``W1[0,0]·x[0] + W1[0,1]·x[1] + b1[0]``: how a node is made from its operands (strings)."""
    if op == "w·h+b":  # written out as the document's z = W h + b
        w, h, b = weighted_sum_operands(operands)
        return " + ".join([f"{wi}·{hi}" for wi, hi in zip(w, h)] + [b])
    if op.isidentifier():  # a function
        return f"{op}({', '.join(operands)})"
    return f" {op} ".join(operands)  # an operator


class Term:
    """One edge of the chain rule: ``child.grad += local × node.grad``.

    ``before`` and ``after`` are the child's grad in this backward pass (from 0),
    also for a leaf that held a grad from an earlier pass.
    """

    __slots__ = ("child", "local", "local_text", "contribution", "before", "after")

    def __init__(self, child, local, local_text, contribution, before, after):
        self.child = child
        self.local = local                # d node / d child, a number
        self.local_text = local_text      # the same, as a formula in node names
        self.contribution = contribution  # local × node.grad
        self.before = before              # child's grad (this pass) before this step
        self.after = after                # and after it

    def __repr__(self):
        return (f"<Term local={number(self.local)} ({self.local_text}), contribution="
                f"{number(self.contribution)}, grad {number(self.before)} -> {number(self.after)}>")


class Step:
    """One node passing its grad to its children (one application of the chain rule).

    Attributes
    ----------
    index : int           0 for the first step (the root), 1 for the next, ...
    node : Value          the node whose grad is passed on
    grad : float          node.grad = d(root)/d(node), final when the step runs
    name : str            the node's name (its label, or v<k>)
    root_name : str       the root's name: the grad is d<root_name>/d<name>
    grad_name : str       how its grad is written: ``n.grad``, or ``δ1[0]`` for z1[0]
    terms : tuple of Term one per child, in operand order
    child_names : tuple   the children's names
    """

    def __init__(self, index, node, name, child_names, terms, root_name):
        self.index = index
        self.node = node
        self.grad = node.grad
        self.name = name
        self.root_name = root_name
        delta = delta_name(node)
        self.grad_name = delta or f"{name}.grad"
        self.child_names = tuple(child_names)
        self.terms = tuple(terms)

    @property
    def writes(self):
        """(child, its grad after this step) for each grad the step added to."""
        return [(term.child, term.after) for term in self.terms]

    def headline(self):
        """``n.grad = dL/dn = 0.5   where n = x1 * w1`` (``dh/dn`` when the root is h)."""
        formula = _formula(self.node.op, self.child_names)
        derivative = f"d{self.root_name}/d{self.name}"
        return f"{self.grad_name} = {derivative} = {number(self.grad)}   where {self.name} = {formula}"

    def lines(self):
        """One line of arithmetic per child, e.g.
        ``w1.grad += x1.data × n.grad = 2.0 × 0.5 = 1.0   (w1.grad: 0.0 -> 1.0)``."""
        out = []
        for name, t in zip(self.child_names, self.terms):
            out.append(
                f"{name}.grad += {t.local_text} × {self.grad_name} = "
                f"{number(t.local)} × {number(self.grad)} = {number(t.contribution)}"
                f"   ({name}.grad: {number(t.before)} -> {number(t.after)})"
            )
        return out

    def __str__(self):
        return "\n".join([self.headline()] + ["  " + line for line in self.lines()])

    def __repr__(self):
        return f"<Step {self.index}: {self.name}, grad={self.grad:.4g}, {len(self.terms)} children>"


def backward_steps(root, *, leaf_grads=None):
    """Run ``root.backward()`` one node at a time, yielding a :class:`Step` after each.

    Before the first step, as in ``backward()``, every interior node's grad is reset
    to 0 and ``root.grad`` gets +1 (d root/d root = 1).  Then, in reverse topological
    order, each interior node applies the chain rule to its children::

        child.grad += d node/d child × node.grad

    and the step that did it is yielded.  Leaves take no step.  Stopping early
    leaves the grads half done; running every step leaves exactly backward()'s.
    The steps' texts count a leaf's grad from 0: the grads this pass fills in.
    Give a dict as ``leaf_grads`` to have it hold them, {leaf: grad from this pass},
    updated as the steps run (each Term holds the same numbers, before and after).
    """
    nodes.check_node(root, "backward_steps")
    if not nodes.is_native(root):  # another engine (a learner's): its own _backward, watched
        return learner_steps(root, leaf_grads=leaf_grads)
    return _steps(root, {} if leaf_grads is None else leaf_grads)


def _steps(root, leaf_grads):
    """backward_steps' walk.  ``leaf_grads`` (a dict, filled here) holds each leaf's
    grad from *this* pass, kept beside ``leaf.grad`` (which may hold earlier passes')."""
    order = topological_order(root)
    for node in order:  # as backward() does: interior grads start from 0, leaves accumulate
        if node.children:
            node.grad = 0.0
    name = names(order)
    leaf_grads.update((v, 0.0) for v in order if not v.children)
    root.grad += 1.0  # dL/dL = 1
    if root in leaf_grads:
        leaf_grads[root] = 1.0
    index = 0
    for node in reversed(order):
        if not node.children:
            continue
        g = node.grad
        child_names = [name[c] for c in node.children]
        local_texts = OPERATIONS[node.op].local_texts(name[node], child_names)
        terms = []
        for child, d, text in zip(node.children, local_derivatives(node), local_texts):
            before = child.grad if child.children else leaf_grads[child]
            child.grad += d * g  # the chain rule, as in backward()
            if child.children:  # interior: reset to 0 at the start, so this pass only
                after = child.grad
            else:  # a leaf: the same sum from 0 (0.0 + x == x exactly), as on a fresh graph
                after = leaf_grads[child] = before + d * g
            terms.append(Term(child, d, text, d * g, before, after))
        yield Step(index, node, name[node], child_names, terms, root_name=root_name(root))
        index += 1


def explain_backward(root):
    """The whole backward pass as text, one block per step (it runs the steps)."""
    return "\n".join(str(step) for step in backward_steps(root))


# --- the forward pass, Step 1, one node at a time --------------------------------

class ForwardStep:
    """One node computed from its operands in the forward pass.

    Attributes
    ----------
    index : int        0 for the first interior node, 1 for the next, ...
    node : Value       the node computed
    data : float       its value, node.data
    name : str         its name (its label, or v<k>)
    formula : str      how it is made, in names: ``W1[0,0]·x[0] + W1[0,1]·x[1] + b1[0]``
    numbers : str      the same with the operands' numbers: ``0.5·1.0 + ...``
    """

    def __init__(self, index, node, name, formula, numbers):
        self.index = index
        self.node = node
        self.data = node.data
        self.name = name
        self.formula = formula
        self.numbers = numbers

    def __str__(self):
        return f"{self.name} = {self.formula} = {self.numbers} = {number(self.data)}"

    def __repr__(self):
        return f"<ForwardStep {self.index}: {self.name} = {self.data:.4g}>"


def _operand_text(v, name, numbers, brackets=True):
    """An operand in a forward formula: its name, or its number in brackets when < 0."""
    if numbers:
        text = number(v.data)
        return f"({text})" if brackets and v.data < 0 else text
    return name[v]


def _summand_text(v, name, numbers):
    """A term of a sum: an unlabelled product a·b (w1·x1 of a neuron built by
    hand from products and a sum) is written out, instead of as v<k>."""
    if not v.label and v.op == "*":
        return "·".join(_operand_text(c, name, numbers) for c in v.children)
    return _operand_text(v, name, numbers)


def _forward_formula(node, name, numbers):
    if node.op == "+":
        return " + ".join(_summand_text(c, name, numbers) for c in node.children)
    brackets = not node.op.isidentifier()  # relu(-2.1), but 0.5·(-2.1)
    parts = [_operand_text(c, name, numbers, brackets) for c in node.children]
    if node.op == "*":
        return "·".join(parts)
    return _formula(node.op, parts)


def forward_steps(root):
    """The forward pass (Step 1) of the graph ending in ``root``, node by node.

    Yields a :class:`ForwardStep` for every interior node, in topological order
    (each after the operands it is computed from), e.g.
    ``z1[0] = W1[0,0]·x[0] + W1[0,1]·x[1] + b1[0] = 0.5·1.0 + ... = 0.37``.
    It only reads ``node.data`` (computed when the graph was built): nothing changes.
    """
    nodes.check_native(root, "forward_steps")  # its texts read micrograd_bp's rules
    return _forward(root)


def _forward(root):
    order = topological_order(root)
    name = names(order)
    index = 0
    for node in order:
        if node.children:
            yield ForwardStep(index, node, name[node], _forward_formula(node, name, False),
                              _forward_formula(node, name, True))
            index += 1


def explain_forward(root):
    """The whole forward pass as text, one line per interior node."""
    return "\n".join(str(step) for step in forward_steps(root))
