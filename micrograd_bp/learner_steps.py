"""Stepping through the backward pass of *another* engine, a learner's own.

micrograd_bp's :func:`~micrograd_bp.steps.backward_steps` applies its own rules.
For a learner's engine (the lecture's attribute names: ``data``, ``grad``, ``_prev``,
``_op``, ``_backward``) that would show micrograd_bp's answer, not theirs.  So here
each node's own ``_backward`` is watched while the learner's own ``backward()`` runs:
every call is one step, in the learner's own order, with the grads that call
changed (before -> after).  Without a ``backward()`` (a stage-3 engine), the root's
grad is set to 1 and each ``_backward`` is called in micrograd_bp's order.
"""

import contextlib

from . import nodes
from .graph import topological_order
from .labels import names


class LearnerStep:
    """One call of a node's own ``_backward()``.

    index : int        0 for the first call, 1 for the next, ...
    node : Mirror      the node whose ``_backward`` ran (see :mod:`micrograd_bp.nodes`)
    name : str         its name (its label, or v<k>)
    changes : tuple    (Mirror, name, grad before, grad after) for each grad it changed
    grads : dict       {Mirror: grad} of every node right after this call
    """

    def __init__(self, index, node, name, changes, grads, names):
        self.index = index
        self.names = names
        self.node = node
        self.grad = grads[node]
        self.name = name
        self.changes = tuple(changes)
        self.grads = grads

    @property
    def writes(self):
        """(node, its grad after this call) for each grad the call changed, as
        :attr:`micrograd_bp.steps.Step.writes`."""
        return [(node, after) for node, _, _, after in self.changes]

    def __str__(self):
        head = f"{self.name}._backward()   where {self.name} = {self.formula()}, " \
               f"{self.name}.grad = {self.grad:.4g}"
        lines = [f"  {name}.grad: {before:.4g} -> {after:.4g}"
                 for _, name, before, after in self.changes]
        return "\n".join([head] + (lines or ["  (changed no grad)"]))

    def formula(self):
        """How the node was made, in names: ``a * b``, ``a * a`` (a set of one operand),
        ``a**2``, ``ReLU(a)``."""
        op, operands = self.node.op, [self.names[c] for c in self.node.children]
        if op in ("+", "*") and len(operands) == 1:  # a + a kept in a set: one operand
            operands *= 2
        if len(operands) == 1:
            return f"{operands[0]}{op}" if op.startswith("**") else f"{op}({operands[0]})"
        return f" {op} ".join(operands) or "a leaf"

    def __repr__(self):
        return f"<LearnerStep {self.index}: {self.name}._backward(), {len(self.changes)} grads changed>"


def learner_steps(root, *, leaf_grads=None):
    """The learner's own backward pass of ``root``, one :class:`LearnerStep` per
    ``_backward`` call that belongs to an interior node or changed a grad.

    ``leaf_grads`` (a dict), when given, is filled with {Mirror: grad} of *every*
    node as it is after the step just yielded, so a drawing made between steps
    (``draw_graph(root, grads=leaf_grads)``) shows the graph at that moment.
    """
    nodes.check_node(root, "backward_steps")
    return _steps(root, {} if leaf_grads is None else leaf_grads)


def _steps(root, grads):
    mirrors = nodes.mirror(root)
    order = topological_order(mirrors[id(root)])
    name = names(order)
    calls, before = _run(root, mirrors, order)
    grads.update(before)
    index = 0
    for node, after in calls:
        m = mirrors[id(node)]
        changes = [(v, name[v], grads[v], after[v]) for v in order if after[v] != grads[v]]
        grads.update(after)
        if not m.children and not changes:
            continue  # a leaf's _backward that did nothing (micrograd calls them too)
        yield LearnerStep(index, m, name[m], changes, dict(after), name)
        index += 1


def _run(root, mirrors, order):
    """Run the learner's backward with every ``_backward`` watched.

    Returns ([(node, {Mirror: grad after the call})...], {Mirror: grad before the first}).
    """
    calls, first = [], {}

    def snapshot():
        return {m: m.grad_now() for m in order}

    def before(node):
        if not first:
            first.update(snapshot())

    lacking = next((m for m in order if not hasattr(m.source, "_backward")), None)
    if lacking is not None:
        raise TypeError(f"backward_steps needs each node's _backward; {type(lacking.source).__name__} "
                        f"with data={lacking.data:g} has no attribute '_backward'")
    try:
        with watching([m.source for m in order], before, lambda node: calls.append((node, snapshot()))):
            if hasattr(root, "backward"):
                root.backward()
            else:  # no backward() yet: dL/dL = 1, then each _backward in micrograd_bp's order
                root.grad = 1.0
                for m in reversed(order):
                    m.source._backward()
    except AttributeError as error:
        raise TypeError(f"backward_steps: a node of {type(root).__name__} has no usable "
                        f"_backward ({error})") from None
    except Exception as error:
        raise ValueError(f"backward_steps: the learner's backward raised "
                         f"{type(error).__name__}: {error}") from None
    return calls, first or snapshot()


@contextlib.contextmanager
def watching(watched, before=None, after=None):
    """Inside the block, each node's ``_backward()`` calls ``before(node)``, itself,
    then ``after(node)``; on leaving, every node has its own ``_backward`` again."""
    saved = [(node, node._backward, not hasattr(node, "__dict__") or "_backward" in vars(node))
             for node in watched]  # own: a closure in the node's __dict__, or a slot
    try:
        for node, own, _ in saved:
            node._backward = _watched(node, own, before, after)
        yield
    finally:
        for node, own, own_attribute in saved:
            _restore(node, own, own_attribute)


def _watched(node, own, before, after):
    def call():
        if before is not None:
            before(node)
        result = own()
        if after is not None:
            after(node)
        return result
    return call


def _restore(node, own, own_attribute):
    try:
        if own_attribute:  # the node's own closure (or a slot): put it back
            node._backward = own
        else:  # a method of the class: drop the watched copy
            del node._backward
    except AttributeError:
        pass
