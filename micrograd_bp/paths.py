"""The chain rule as a sum over paths.

Going down from the root L to a node v, every path multiplies the local
derivatives of its edges; v's gradient is the sum over all paths (the
multivariable chain rule)::

    dL/dv = sum over paths L -> ... -> v of  product of d parent/d child along it

``grad_paths(L, v)`` lists those paths, each with its ``product``; their sum is
``v.grad`` after ``L.backward()``::

    >>> from micrograd_bp import Value
    >>> a = Value(3.0, label="a")
    >>> b = a * a; b.label = "b"
    >>> L = b + a; L.label = "L"
    >>> paths = grad_paths(L, a)
    >>> print(paths)
    3 paths from L down to a; dL/da is the sum of their products
      1  L → b → a   1.0 × 3.0 = 3.0
      2  L → b → a   1.0 × 3.0 = 3.0
      3  L → a       1.0 = 1.0
         sum = 7.0
    >>> L.backward(); a.grad
    7.0

``b = a * a`` uses ``a`` twice, so two paths pass through b (one per edge).  The
number of paths can grow exponentially with depth (a chain of n nodes each used
twice has 2**n); backward() never lists them: it adds the contributions up node
by node, once per edge.  That is why backpropagation is fast.

Paths are drawn on the graph with one colour per path by :meth:`Paths.draw`.
"""

from . import nodes
from .graph import topological_order
from .rules import local_derivatives
from .steps import names, number, wrapped

MAX_PATHS = 2000  # beyond this, listing the paths is slow and unreadable

# One colour per path (Graphviz names, distinguishable on white); they repeat.
PATH_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
                "#a6761d", "#1f78b4", "#b2182b", "#4d4d4d")


class Path:
    """One path from the root down to the node.

    Attributes
    ----------
    nodes : tuple     the Values along it, root first, the node last
    edges : tuple     (parent, k) per step down: the parent's k-th operand is next
    locals : tuple    d parent/d child for each edge (the engine's rules)
    product : float   their product: this path's share of dL/d(node)
    """

    __slots__ = ("nodes", "edges", "locals", "product")

    def __init__(self, nodes, edges, local_values):
        self.nodes = tuple(nodes)
        self.edges = tuple(edges)
        self.locals = tuple(local_values)
        product = 1.0
        for d in self.locals:
            product *= d
        self.product = product

    def __repr__(self):
        return f"<Path of {len(self.edges)} edges, product {self.product:.4g}>"


class Paths(list):
    """The list of :class:`Path` from ``root`` down to ``node``; ``total`` is their sum."""

    def __init__(self, root, node, paths, name):
        super().__init__(paths)
        self.root, self.node = root, node
        self.total = sum(p.product for p in paths)
        self._name = name

    def table(self):
        """The paths as text: names along each path, local derivatives, product."""
        root, node = self._name[self.root], self._name[self.node]
        lines = [f"{len(self)} path{'s' if len(self) != 1 else ''} from {root} down to "
                 f"{node}; dL/d{node} is the sum of their products"]
        routes = [" → ".join(self._name[v] for v in p.nodes) for p in self]
        width = max((len(r) for r in routes), default=0)
        for k, (route, p) in enumerate(zip(routes, self), start=1):
            factors = " × ".join(number(d) for d in p.locals) or "1 (the root itself)"
            lines.append(wrapped(f"  {k}  {route:<{width}}   {factors} = {number(p.product)}",
                                 " " * 5))
        lines.append(f"     sum = {number(self.total)}")
        return "\n".join(lines)

    def __str__(self):
        return self.table()

    def __repr__(self):
        return self.table()

    def colours(self):
        """One colour per path, in order (``PATH_COLOURS``, repeated when there are more)."""
        return [PATH_COLOURS[k % len(PATH_COLOURS)] for k in range(len(self))]

    def draw(self, **draw_options):
        """The graph with every path drawn in its own colour (an edge shared by
        several paths gets one line per path) and the node outlined; a Digraph.

        ``draw_options`` go to :func:`micrograd_bp.draw.draw_graph` (scalar view).
        """
        from .draw import draw_graph

        edges = {}
        for path, colour in zip(self, self.colours()):
            for parent, k in path.edges:
                edges.setdefault((parent, k), []).append(colour)
                edges.setdefault((parent, None), []).append(colour)  # op -> parent
        draw_options.setdefault("show_ids", True)
        draw_options.setdefault("caption", f"{len(self)} paths from {self._name[self.root]} "
                                           f"to {self._name[self.node]}, one colour each; "
                                           f"sum of products = {number(self.total)}")
        return draw_graph(self.root, highlight={self.node: "black"}, highlight_edges=edges,
                          **draw_options)


def grad_paths(root, node, *, max_paths=MAX_PATHS):
    """Every path from ``root`` down to ``node``, as :class:`Paths`.

    A path goes from a node to one of its operands (``a * a`` gives two edges, so
    two paths), each edge weighted by the local derivative d parent/d child from
    the engine's rules (:func:`micrograd_bp.rules.local_derivatives`).  The sum of
    the paths' products is dL/d(node), what ``root.backward()`` leaves in
    ``node.grad`` (for a leaf: the grad of one pass, from 0).  Nothing is changed.

    Raises ValueError when ``node`` is not in the graph of ``root``, or when there
    are more than ``max_paths`` paths.
    """
    for what, v in (("root", root), ("node", node)):
        nodes.check_native(v, "grad_paths", f" as {what}")
    order = topological_order(root)
    reaches = _reaching(order, node)
    if node not in reaches:
        raise ValueError(f"grad_paths: the node {node!r} is not in the graph of {root!r}; "
                         f"no path leads to it (its gradient is 0)")
    found = _walk(root, node, reaches, max_paths)
    return Paths(root, node, found, names(order))


def _reaching(order, node):
    """The set of nodes from which ``node`` can be reached going down (node included)."""
    reaches = set()
    for v in order:  # children first, so a child's answer is known before its users'
        if v is node or any(c in reaches for c in v.children):
            reaches.add(v)
    return reaches


def _walk(root, node, reaches, max_paths):
    """Depth-first over the edges that lead to ``node``: the list of Paths."""
    found = []
    stack = [(root, (root,), (), ())]  # explicit stack: no recursion limit on deep graphs
    while stack:
        v, nodes, edges, local_values = stack.pop()
        if v is node:
            found.append(Path(nodes, edges, local_values))
            if len(found) > max_paths:
                raise ValueError(
                    f"grad_paths: more than max_paths={max_paths} paths lead to this node; "
                    f"their number grows exponentially with depth (backward() adds them up "
                    f"node by node instead). Pass a larger max_paths=... or a nearer node")
            continue
        derivatives = local_derivatives(v)
        for k in reversed(range(len(v.children))):  # reversed: first operand first out
            child = v.children[k]
            if child in reaches:
                stack.append((child, nodes + (child,), edges + ((v, k),),
                              local_values + (derivatives[k],)))
    return found
