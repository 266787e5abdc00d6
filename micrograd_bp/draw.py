"""Drawing a computation graph with Graphviz, in micrograd's style and the document's.

``draw_graph(root)`` returns a ``graphviz.Digraph``: it shows inline in Jupyter and
renders to SVG, PNG or PDF with the usual ``.pipe()`` / ``.render()``.

* The **scalar view** draws every Value as a box (label, data, grad) and every
  operation as a small node between its operands and its result, as micrograd's
  ``draw_dot`` does.  Edges follow operand order: ``a + a`` shows two edges.
* Graphs built by an ``MLP`` are recognised from their labels (``W1[j,i]``,
  ``b1[j]``, ``z1[j]``, ``h1[j]``, ``x[i]``) and drawn the way the document thinks
  about them: one cluster per layer, one per neuron, names in the document's
  notation (z^(1)_0, W^(2)[1,3]), and each z node marked with its
  delta^(l)_j = dL/dz^(l)_j, which is that node's grad.
* The **neuron view** collapses each neuron to one node (z, h, delta) and draws
  one edge per weight, so a network of a thousand scalars stays readable.

The same graph always gives the same DOT source: node ids come from the position
in the topological order (``v0``, ``v1``, ...), never from memory addresses.
"""

import html
import shutil

from . import checks, nodes
from .graph import topological_order
from .labels import parse_label

# Above this many Values the scalar view is refused: Graphviz would take long to
# lay it out, and nobody could read it.  One sample through MLP(2, [16, 16, 1])
# is about a thousand Values.
MAX_NODES = 300
EDGE_LABEL_LIMIT = 48  # neuron view: more weights than this are drawn without labels

VIEWS = ("scalar", "neuron")
RANKDIRS = ("LR", "RL", "TB", "BT")

INSTALL_DOT = (
    "Rendering needs Graphviz's 'dot' program, which is not installed (or not on "
    "PATH). Install it with:  sudo apt-get install graphviz  (Debian/Ubuntu),  "
    "brew install graphviz  (macOS)  or  conda install -c conda-forge graphviz. "
    "The DOT source is still available as graph.source."
)


class DotNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is missing, so the graph cannot be rendered."""


def dot_installed():
    """True when Graphviz's ``dot`` program can be found on PATH."""
    return shutil.which("dot") is not None


# --- the document's notation, read from the labels nn.py gives (labels.py) ------

def notation(label):
    """The label as a Graphviz HTML-like string in the document's notation.

    ``z1[2]`` -> z<sup>(1)</sup><sub>2</sub>, ``W2[1,3]`` -> W<sup>(2)</sup>[1,3],
    ``x[0]`` -> x<sub>0</sub>; other labels are returned escaped, unchanged.
    """
    parts = parse_label(label)
    if parts is None:
        return html.escape(label)
    kind = parts[0]
    if kind == "x":
        return f"x<SUB>{parts[1]}</SUB>"
    if kind in ("z", "h"):
        return f"{kind}<SUP>({parts[1]})</SUP><SUB>{parts[2]}</SUB>"
    index = ",".join(str(k) for k in parts[2:])
    return f"{kind}<SUP>({parts[1]})</SUP>[{index}]"


def delta_notation(l, j):
    """delta^(l)_j as a Graphviz HTML-like string."""
    return f"&delta;<SUP>({l})</SUP><SUB>{j}</SUB>"


# --- options -------------------------------------------------------------------

def _check_options(rankdir, number_format, view, max_nodes):
    checks.choice(rankdir, RANKDIRS, "rankdir", "draw_graph")
    try:
        format(1.0, number_format)
    except (TypeError, ValueError):
        raise ValueError(
            f"draw_graph: number_format must be a float format such as '.4f', "
            f"got {number_format!r}"
        ) from None
    checks.choice(view, VIEWS, "view", "draw_graph")
    checks.whole_number(max_nodes, "draw_graph: max_nodes")


def _highlight_colours(highlight):
    """{node or label: colour} from a dict, or from an iterable (all red)."""
    if isinstance(highlight, dict):
        return dict(highlight)
    if isinstance(highlight, str) or not hasattr(highlight, "__iter__"):
        highlight = (highlight,)
    return {h: "red" for h in highlight}


def _grad_colour(grad, largest):
    """A fill colour: blue for a positive grad, red for a negative one, paler when small."""
    if largest == 0 or grad == 0 or grad != grad:
        return "#ffffff"
    strength = min(abs(grad) / largest, 1.0)
    fade = round(255 - 175 * strength)
    return f"#{fade:02x}{fade:02x}ff" if grad > 0 else f"#ff{fade:02x}{fade:02x}"


# --- the Digraph, with a clear error when dot is missing ------------------------

_DIGRAPH_CLASS = None


def _digraph_class():
    """A ``graphviz.Digraph`` whose rendering explains how to install ``dot``."""
    global _DIGRAPH_CLASS
    if _DIGRAPH_CLASS is None:
        from ._optional import require

        graphviz = require("graphviz", "graph", "Drawing a computation graph")

        class Digraph(graphviz.Digraph):
            """A graphviz.Digraph; rendering without ``dot`` raises DotNotFoundError."""

            def pipe(self, *args, **kwargs):
                try:
                    return super().pipe(*args, **kwargs)
                except graphviz.ExecutableNotFound as error:
                    raise DotNotFoundError(INSTALL_DOT) from error

            def render(self, *args, **kwargs):
                try:
                    return super().render(*args, **kwargs)
                except graphviz.ExecutableNotFound as error:
                    raise DotNotFoundError(INSTALL_DOT) from error

            def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
                """Jupyter's display: the drawing, or the DOT text when dot is missing."""
                if not dot_installed():
                    return {"text/plain": f"{INSTALL_DOT}\n\n{self.source}"}
                return super()._repr_mimebundle_(include, exclude, **kwargs)

            def __repr__(self):  # Jupyter's plain-text view: no memory address
                return f"<computation graph: {len(self.body)} DOT statements; .source has the DOT text>"

        _DIGRAPH_CLASS = Digraph
    return _DIGRAPH_CLASS


def _new_digraph(rankdir, caption):
    g = _digraph_class()(name="computation_graph", format="svg")
    g.attr(rankdir=rankdir, fontname="Helvetica")
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica")
    if caption:
        g.attr(label=caption, labelloc="b", fontsize="12")
    return g


# --- the public function --------------------------------------------------------

def draw_graph(root, *, rankdir="LR", number_format=".4f", show_grad=True,
               color_by_grad=False, highlight=(), view="scalar", max_nodes=MAX_NODES,
               show_ids=False, caption="", edge_labels=None, grads=None, pending=(),
               highlight_edges=None):
    """Draw the computation graph that ends in ``root`` as a ``graphviz.Digraph``.

    Parameters
    ----------
    root : Value          the output (usually the loss L) whose graph is drawn
    rankdir : str         "LR" (left to right), "TB", "RL" or "BT"
    number_format : str   how data and grad are printed, e.g. ".4f" or ".3g"
    show_grad : bool      show dL/d(node) in each box
    color_by_grad : bool  fill each box by its grad: blue > 0, red < 0, paler when small
    highlight : iterable of Values (or labels), or a dict {Value or label: colour}
    view : str            "scalar" (one box per Value) or "neuron" (one per neuron)
    max_nodes : int       refuse a scalar view with more Values than this
    show_ids : bool       show the id (v0, v1, ...) of unlabelled Values, as the
                          stepper names them
    caption : str         a line of text under the graph
    edge_labels : bool    neuron view: write each weight (and its grad) on its edge;
                          None (the default) does so only when there are at most
                          EDGE_LABEL_LIMIT weights, since more make the drawing
                          very tall.  Unlabelled edges still show w on hover (SVG).
    grads : dict          {Value: number} shown instead of those Values' ``.grad``
                          (None: not known yet, drawn as "?"); the steppers draw the
                          grads of one backward pass this way
    pending : iterable    Values not computed yet: their data is drawn as "?"
                          (the forward pass, stepped)
    highlight_edges : dict {(Value, k): colour or list of colours}: colour the edge
                          from the node's k-th operand into it (one line per colour);
                          k = None colours the edge from its operation to the node.
                          In the neuron view {W Value: colour} colours a weight's edge.

    Raises ValueError for a scalar graph of more than ``max_nodes`` Values: use
    ``view="neuron"`` for an MLP, or raise ``max_nodes``.
    """
    _check_options(rankdir, number_format, view, max_nodes)
    root = nodes.as_graph(root, "draw_graph")  # another engine's graph: its mirror
    order = topological_order(root)
    style = _Style(number_format, show_grad, color_by_grad,
                   _highlight_colours(highlight), order, grads, pending, highlight_edges)
    g = _new_digraph(rankdir, caption)
    if view == "neuron":
        _draw_neurons(g, root, order, style, edge_labels)
        return g
    if len(order) > max_nodes:
        raise ValueError(
            f"draw_graph: this graph has {len(order)} Values, more than max_nodes="
            f"{max_nodes}; a drawing that large is unreadable and slow to lay out. "
            f"For an MLP use view='neuron' (one node per neuron), or pass a larger "
            f"max_nodes=..."
        )
    _draw_scalars(g, order, style, show_ids)
    return g


class _Style:
    """How numbers, colours and highlights are shown; shared by both views."""

    def __init__(self, number_format, show_grad, color_by_grad, highlight, order,
                 grads=None, pending=(), highlight_edges=None):
        self.number_format = number_format
        self.show_grad = show_grad
        self.color_by_grad = color_by_grad
        self.highlight = highlight
        self.grads = grads if grads is not None else {}
        self.pending = set(pending)
        self.edge_colours = dict(highlight_edges or {})
        self.largest_grad = max((abs(self.grad(v) or 0.0) for v in order), default=0.0)

    def grad(self, value):
        """The grad to show: from ``grads`` when given there, else ``value.grad``."""
        return self.grads.get(value, value.grad)

    def data(self, value):
        return None if value in self.pending else value.data

    def number(self, x):
        return "?" if x is None else format(x + 0.0, self.number_format)  # no "-0.0000"

    def fill(self, value):
        if not self.color_by_grad or self.grad(value) is None:
            return "#ffffff"
        return _grad_colour(self.grad(value), self.largest_grad)

    def edge_colour(self, key):
        """Graphviz colour text for an edge, e.g. "red" or "red:blue", or None."""
        colour = self.edge_colours.get(key)
        if colour is None or isinstance(colour, str):
            return colour
        return ":".join(colour)

    def highlight_colour(self, value):
        colour = self.highlight.get(value)
        if colour is None and getattr(value, "label", ""):
            colour = self.highlight.get(value.label)
        return colour


# --- scalar view ----------------------------------------------------------------

def _value_label(value, index, style, show_ids):
    """The HTML-like table of one Value: name | data | grad (delta for a z node)."""
    parts = parse_label(value.label) if value.label else None
    name = notation(value.label) if value.label else (f"<I>v{index}</I>" if show_ids else "")
    cells = []
    if name:
        cells.append(f"<TD><B>{name}</B></TD>")
    cells.append(f"<TD>data {style.number(style.data(value))}</TD>")
    if style.show_grad:
        if parts is not None and parts[0] == "z":
            cells.append(f"<TD>{delta_notation(parts[1], parts[2])} = grad "
                         f"{style.number(style.grad(value))}</TD>")
        else:
            cells.append(f"<TD>grad {style.number(style.grad(value))}</TD>")
    colour = style.highlight_colour(value)
    border = f' COLOR="{colour}" BORDER="3"' if colour else ' BORDER="0"'
    return (f'<<TABLE CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"{border} '
            f'BGCOLOR="{style.fill(value)}"><TR>{"".join(cells)}</TR></TABLE>>')


def _groups(order):
    """{Value: ("input",) or (l, j)}: which cluster each node of an MLP graph joins.

    Labelled nodes join their neuron (W, b, z, h) or the inputs (x).  An
    unlabelled node (a product W[j,i] * h_i of a hand-built z) joins the neuron of the nodes that use
    it, when they all belong to one neuron.
    """
    users = {v: [] for v in order}
    for v in order:
        for child in v.children:
            users[child].append(v)
    group = {}
    for v in reversed(order):  # users before the nodes they use
        parts = parse_label(v.label) if v.label else None
        if parts is not None:
            group[v] = ("input",) if parts[0] == "x" else (parts[1], parts[2])
        elif not v.label and users[v]:
            found = {group.get(u) for u in users[v]}
            if len(found) == 1 and None not in found and found != {("input",)}:
                group[v] = found.pop()
    return group


def _draw_scalars(g, order, style, show_ids):
    index = {v: k for k, v in enumerate(order)}
    group = _groups(order)
    clusters = {}
    for v in order:
        clusters.setdefault(group.get(v), []).append(v)

    def add_value(target, v):
        k = index[v]
        target.node(f"v{k}", _value_label(v, k, style, show_ids), shape="plaintext")
        if v.children:
            target.node(f"v{k}op", html.escape(v.op), shape="circle", width="0.3",
                        fixedsize="false", fontsize="10", margin="0.02")

    for v in clusters.pop(None, []):
        add_value(g, v)
    if ("input",) in clusters:
        with g.subgraph(name="cluster_inputs") as c:
            c.attr(label="inputs x = h(0)", style="rounded", color="grey")
            for v in clusters.pop(("input",)):
                add_value(c, v)
    for l in sorted({key[0] for key in clusters}):
        with g.subgraph(name=f"cluster_layer{l}") as layer:
            layer.attr(label=f"layer {l}", style="rounded", color="grey40")
            for j in sorted(key[1] for key in clusters if key[0] == l):
                with layer.subgraph(name=f"cluster_layer{l}_neuron{j}") as neuron:
                    neuron.attr(label=f"neuron {j}", style="dashed", color="grey60")
                    for v in clusters[(l, j)]:
                        add_value(neuron, v)
    for v in order:
        k = index[v]
        for position, child in enumerate(v.children):  # operand order; a + a: two edges
            colour = style.edge_colour((v, position))
            if colour:
                g.edge(f"v{index[child]}", f"v{k}op", color=colour, penwidth="2.5")
            else:
                g.edge(f"v{index[child]}", f"v{k}op")
        if v.children:
            colour = style.edge_colour((v, None))
            if colour:
                g.edge(f"v{k}op", f"v{k}", color=colour, penwidth="2.5")
            else:
                g.edge(f"v{k}op", f"v{k}")


# --- neuron view ----------------------------------------------------------------

def find_mlp_nodes(order, what="draw_graph(view='neuron')"):
    """The labelled nodes of one sample's MLP graph: {("z", l, j): Value, ...}, keyed
    by :func:`parse_label`.  A label naming several nodes (a minibatch's graph)
    raises ValueError, naming ``what`` was called."""
    found = {}
    for v in order:
        parts = parse_label(v.label) if v.label else None
        if parts is None:
            continue
        if parts in found and found[parts] is not v:
            raise ValueError(
                f"{what}: the label {v.label!r} names several nodes; it needs the "
                f"graph of one sample (one forward pass)"
            )
        found[parts] = v
    return found


def _neuron_label(l, j, z, h, b, style):
    rows = [f"<TR><TD COLSPAN=\"2\"><B>neuron {j} of layer {l}</B></TD></TR>"]
    if b is not None:
        rows.append(f"<TR><TD>{notation(b.label)}</TD><TD>{style.number(b.data)}</TD></TR>")
    rows.append(f"<TR><TD>{notation(z.label)}</TD><TD>{style.number(style.data(z))}</TD></TR>")
    if h is not None and h is not z:
        rows.append(f"<TR><TD>{notation(h.label)}</TD><TD>{style.number(style.data(h))}</TD></TR>")
    if style.show_grad:
        rows.append(f"<TR><TD>{delta_notation(l, j)}</TD><TD>{style.number(style.grad(z))}</TD></TR>")
    colour = style.highlight_colour(z) or (style.highlight_colour(h) if h is not None else None)
    border = f' COLOR="{colour}" BORDER="3"' if colour else ' BORDER="1"'
    return (f'<<TABLE CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"{border} '
            f'BGCOLOR="{style.fill(z)}">{"".join(rows)}</TABLE>>')


LEGEND = ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2">'
          '<TR><TD ALIGN="LEFT"><FONT COLOR="blue"><B>&#8212;&#8212;</B></FONT> weight &gt; 0'
          '</TD><TD ALIGN="LEFT"><FONT COLOR="red"><B>&#8212;&#8212;</B></FONT> weight &lt; 0'
          '</TD><TD ALIGN="LEFT">thicker: larger |w|</TD></TR>{marks}</TABLE>>')
LEGEND_MARKS = ('<TR><TD ALIGN="LEFT"><FONT COLOR="red"><B>&#9633;</B></FONT> the node of '
                'this step</TD><TD ALIGN="LEFT"><FONT COLOR="orange"><B>&#9633;</B></FONT> '
                'the nodes it reads</TD><TD ALIGN="LEFT"><FONT COLOR="{edge}"><B>&#8212;'
                '&#8212;</B></FONT> the weights it reads</TD></TR>')
STEP_EDGE_COLOUR = "#00a000"  # the weights an equation reads (blue/red are the signs)


def _draw_legend(g, style):
    marks = ""
    if style.highlight or style.edge_colours:
        marks = LEGEND_MARKS.format(edge=STEP_EDGE_COLOUR)
    with g.subgraph(name="cluster_legend") as c:
        c.attr(label="", style="invis")
        c.node("legend", LEGEND.format(marks=marks), shape="plaintext", fontsize="10")


def _draw_neurons(g, root, order, style, edge_labels=None):
    found = find_mlp_nodes(order)
    neurons = sorted((p[1], p[2]) for p in found if p[0] == "z")
    if not neurons:
        raise ValueError(
            "draw_graph(view='neuron') needs a graph built by an MLP (nodes labelled "
            "z1[0], h1[0], W1[0,0], ...); this graph has none: use view='scalar'"
        )
    inputs = sorted(p[1] for p in found if p[0] == "x")
    # Neurons in index order, 0 on top: edges leave each node in the order they are
    # written (sorted), and crossing minimisation is cut short, or Graphviz rotates
    # a layer (8..15 above 0..7) to shorten a few edges.
    g.attr(ordering="out", mclimit="0.01")
    with g.subgraph(name="cluster_inputs") as c:
        c.attr(label="inputs x = h(0)", style="rounded", color="grey")
        for i in inputs:
            x = found[("x", i)]
            colour = style.highlight_colour(x)
            c.node(f"x{i}", f"<x<SUB>{i}</SUB> = {style.number(x.data)}>", shape="ellipse",
                   **({"color": colour, "penwidth": "3"} if colour else {}))
    for l in sorted({l for l, _ in neurons}):
        with g.subgraph(name=f"cluster_layer{l}") as c:
            c.attr(label=f"layer {l}", style="rounded", color="grey40")
            column = [j for layer, j in neurons if layer == l]
            for j in column:
                z, h, b = found[("z", l, j)], found.get(("h", l, j)), found.get(("b", l, j))
                c.node(f"n{l}_{j}", _neuron_label(l, j, z, h, b, style), shape="plaintext")
    weights = sorted(p for p in found if p[0] == "W")
    largest = max((abs(found[p].data) for p in weights), default=0.0) or 1.0
    if edge_labels is None:
        edge_labels = len(weights) <= EDGE_LABEL_LIMIT
    crowded = len(weights) > EDGE_LABEL_LIMIT  # thinner edges, more room between layers
    g.attr(ranksep="3" if crowded else "1")
    widest, arrow = (1.5, "0.4") if crowded else (2.5, "1")
    for _, l, j, i in weights:
        w = found[("W", l, j, i)]
        source = f"x{i}" if l == 1 else f"n{l - 1}_{i}"
        text = f"w {style.number(w.data)}"
        if style.show_grad:
            text += f"\ngrad {style.number(style.grad(w))}"
        marked = style.edge_colour(w)
        g.edge(source, f"n{l}_{j}", label=text if edge_labels or marked else "",
               tooltip=f"{w.label}: {text}".replace("\n", ", "), fontsize="9",
               penwidth="4" if marked else f"{0.3 + widest * abs(w.data) / largest:.2f}",
               arrowsize=arrow,
               color=marked or ("blue" if w.data >= 0 else "red"))
    last = max(l for l, _ in neurons)
    if parse_label(root.label or "") is None:  # a loss after the network's output
        g.node("root", f"<<B>{html.escape(root.label or 'L')}</B> = "
               f"{style.number(style.data(root))}>", shape="doubleoctagon")
        for _, j in (n for n in neurons if n[0] == last):
            g.edge(f"n{last}_{j}", "root", style="dashed")
    _draw_legend(g, style)
