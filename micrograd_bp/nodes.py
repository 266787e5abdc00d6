"""Is this a node of a computation graph?  The one place that decides it.

micrograd_bp's own :class:`~micrograd_bp.engine.Value` keeps its operands in
``children``.  An engine written in the style of micrograd's lecture (micrograd
itself, or the one a learner writes in notebook 1b) keeps them in ``_prev`` (often a
set) and its operation in ``_op``.  Both count as nodes here.

The pictures and the stepper read micrograd_bp's attribute names, so a graph of
another engine is *mirrored*: :func:`as_graph` returns a :class:`Mirror` per node
with the same data, grad, operation, operands and label.  The mirror of the same
root is the same objects on every call (only the numbers are read again), so a
drawing, a highlight and a stepper's grads can refer to one node across calls.
"""

from collections import OrderedDict

# What a node of a lecture-style engine must have, in the order it is checked
LECTURE_ATTRIBUTES = ("data", "grad", "_prev", "_op")

MIRRORS_KEPT = 4  # the mirrors of the last few roots, kept so their nodes stay the same
_mirrors = OrderedDict()  # id(root) -> (root, {id(node): (node, Mirror)})


def is_native(x):
    """True for micrograd_bp's own nodes (a Value or a Mirror): they have ``children``."""
    return hasattr(x, "children") and hasattr(x, "grad") and hasattr(x, "data")


def is_node(x):
    """True for a node of any engine with the lecture's attribute names, or a Value."""
    return is_native(x) or all(hasattr(x, name) for name in LECTURE_ATTRIBUTES)


def check_node(x, what):
    """Raise a one-line TypeError naming the first attribute ``x`` lacks to be a node."""
    if is_node(x):
        return
    missing = next(name for name in LECTURE_ATTRIBUTES if not hasattr(x, name))
    raise TypeError(f"{what} needs a Value, got {type(x).__name__} "
                    f"{_short(x)}, which has no attribute '{missing}' (a node needs "
                    f"{', '.join(LECTURE_ATTRIBUTES)})")


def check_native(x, what, role=""):
    """Raise a one-line TypeError unless ``x`` is micrograd_bp's own node.

    For what reads micrograd_bp's rules of the operations (the paths, the layers' δ),
    which another engine's graph does not carry.  ``role`` says which argument.
    """
    if is_native(x):
        return
    if is_node(x):
        raise TypeError(f"{what} needs a micrograd_bp Value{role}; {type(x).__name__} is "
                        f"another engine's node (draw_graph and backward_steps take it)")
    raise TypeError(f"{what} needs a Value{role}, got {type(x).__name__}")


def operands(node):
    """A node's operands as a tuple: ``children``, or the lecture's ``_prev``."""
    if is_native(node):
        return tuple(node.children)
    try:
        return tuple(node._prev)
    except TypeError:
        raise TypeError(f"a node's _prev must hold its operands (a set, tuple or list), "
                        f"got {type(node._prev).__name__} in {_short(node)}") from None


def as_graph(root, what):
    """``root`` itself if it is micrograd_bp's, else the :class:`Mirror` of its graph.

    Raises the one-line TypeError of :func:`check_node` for something that is not a node.
    """
    check_node(root, what)
    if is_native(root):
        return root
    return mirror(root)[id(root)]


def as_graph_keyed(root, what, *keyed):
    """:func:`as_graph` of ``root``, and each of ``keyed`` with its foreign nodes mirrored.

    ``keyed`` are a drawing's options that name nodes: a node, an iterable of nodes
    (or labels), or a dict keyed by nodes or by (node, k) pairs.  A learner passes
    their own nodes; the drawing reads the mirrors, so each is replaced by its Mirror.
    """
    graph = as_graph(root, what)
    if graph is root:
        return graph, keyed
    found = _mirrors[id(root)][1]
    return graph, tuple(_mirrored(option, found) for option in keyed)


def _mirrored(option, found):
    """``option`` with each node of ``found`` ({id: (node, Mirror)}) replaced by its Mirror."""
    if isinstance(option, dict):
        return {_mirrored_key(k, found): v for k, v in option.items()}
    if isinstance(option, (str, tuple)) or not hasattr(option, "__iter__"):
        return _mirrored_key(option, found)  # a node, a label, a tuple, None
    return [_mirrored_key(k, found) for k in option]  # a list, a set, a generator


def _mirrored_key(key, found):
    """A node's Mirror, a (node, k) pair's (Mirror, k), anything else itself."""
    if isinstance(key, tuple):
        return tuple(_mirrored_key(k, found) for k in key)
    kept = found.get(id(key))
    return kept[1] if kept is not None and kept[0] is key else key


def mirror(root, labels=None):
    """{id(node): Mirror} for every node of the foreign graph of ``root``.

    ``labels`` ({id(node): str}) names nodes that have no ``label`` of their own.
    Calling it again for the same root returns the same Mirror objects, their data,
    grad and label read again (and new ones for nodes added since).
    """
    check_node(root, "mirror")
    kept = _mirrors.pop(id(root), None)
    known = kept[1] if kept is not None and kept[0] is root else {}
    found = {}
    stack = [root]
    while stack:  # an explicit stack: a chain of any depth needs no recursion
        node = stack.pop()
        if id(node) in found:
            continue
        check_node(node, "a graph's operand")
        old = known.get(id(node))
        found[id(node)] = (node, old[1] if old is not None and old[0] is node else Mirror(node))
        stack.extend(operands(node))
    for node, m in found.values():
        m.read(node, labels)
        m.children = tuple(found[id(child)][1] for child in operands(node))
    _mirrors[id(root)] = (root, found)
    while len(_mirrors) > MIRRORS_KEPT:
        _mirrors.popitem(last=False)
    return {key: m for key, (node, m) in found.items()}


class Mirror:
    """A foreign node seen with micrograd_bp's attribute names (read, never written back).

    data, grad : float    the node's numbers
    op : str              its ``_op`` ("" for a leaf)
    children : tuple      the Mirrors of its operands
    label : str           its ``label``, else the one given to :func:`mirror`
    source : object       the foreign node itself
    """

    __slots__ = ("data", "grad", "op", "children", "label", "source")

    def __init__(self, source):
        self.source = source
        self.children = ()

    def read(self, node, labels=None):
        """Read data, grad, op and label again from the foreign ``node``."""
        self.data = _number(node.data, "data", node)
        self.grad = _number(node.grad, "grad", node)
        self.op = str(node._op or "")
        own = getattr(node, "label", "")
        given = (labels or {}).get(id(node)) or getattr(self, "label", "")  # kept from before
        self.label = own if isinstance(own, str) and own else given

    def grad_now(self):
        """The foreign node's grad as it is now (``grad`` keeps the last one read)."""
        return _number(self.source.grad, "grad", self.source)

    def __repr__(self):
        return f"Mirror(data={self.data:.4g}, grad={self.grad:.4g}, op={self.op!r})"


def _number(x, name, node):
    try:
        return float(x)
    except (TypeError, ValueError):
        raise TypeError(f"a node's {name} must be a number, got {_short(x)} in "
                        f"{type(node).__name__}") from None


def _short(x, width=40):
    try:
        text = repr(x)
    except Exception:  # a learner's __repr__ may itself be broken
        text = f"<{type(x).__name__}>"
    return text if len(text) <= width else text[:width - 3] + "..."
