"""Drawing a computation graph with Graphviz, in micrograd's style and the document's.

``draw_graph(root)`` returns a ``graphviz.Digraph``: it shows inline in Jupyter and
renders to SVG, PNG or PDF with the usual ``.pipe()`` / ``.render()``.

* The **scalar view** draws every Value as a box (label, data, grad) and every
  operation as a small node between its operands and its result, as micrograd's
  ``draw_dot`` does.  Edges follow operand order: ``a + a`` shows two edges.
* Graphs built by an ``MLP`` are recognised from their labels (``W1[j,i]``,
  ``b1[j]``, ``z1[j]``, ``h1[j]``, ``x[i]``) and drawn the way the document thinks
  about them: one cluster per layer, one per neuron, and each z node marked with
  its delta^(l)_j = dL/dz^(l)_j, which is that node's grad.  A ``w·h+b`` node
  is drawn as its equation, one row per product (``W1[0,0] × x[0]``); the edges
  of a weight and of the input it multiplies both end on their product's row.
* The **neuron view** collapses each neuron to one node (z, h, delta, b, and its
  weights W[j, 0], W[j, 1], ... in index order, each with the edge of the input it
  multiplies); a large network is summarised (one edge per layer) unless
  ``focus=`` names the neuron to draw in full.

Every name is written as plain text, as the code and the step texts write it
(``z1[0]``, ``δ1[0]``, ``W2[1,3]``): no sub- or superscript markup, so Chromium,
Graphviz's own PNG/PDF, librsvg and ImageMagick all show the same label.  A
drawing is compact (stacked boxes, short gaps) so that it reads at 10 px or more
in a book's text column; ``size="page" | "notebook" | "slide"`` fits it to one
of those places.

The same graph always gives the same DOT source: node ids come from the position
in the topological order (``v0``, ``v1``, ...), never from memory addresses.
"""

import html
import shutil

from . import checks, labels, nodes
from .graph import topological_order
from .labels import parse_label
from .rules import weighted_sum_operands

# Above this many Values the scalar view is refused: Graphviz would take long to
# lay it out, and nobody could read it.  One sample through MLP(2, [16, 16, 1])
# is about a thousand Values.
MAX_NODES = 300
EDGE_LABEL_LIMIT = 48  # neuron view: more weights than this are summarised (see focus=)

# Where a picture is seen: (largest width, largest height) in inches (Graphviz
# shrinks a larger drawing to fit, never enlarges one), the font size in points
# and the resolution of a PNG (png_dpi sets it before .pipe(format="png")).
SIZES = {
    "page": ((7.0, 40.0), 11, 96),       # a book's text column, about 700 CSS px
    "notebook": ((9.0, 40.0), 11, 96),   # a JupyterLab cell, about 900 CSS px
    "slide": ((12.8, 7.2), 16, 144),     # a 16:9 slide (13.33 x 7.5 in, less a margin)
}
FONT_SIZE = 11  # points, when no size= is given

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


# --- names, as plain text (labels.py is their one home) --------------------------

def notation(label):
    """A label as the drawing writes it: the label itself (``z1[2]``, ``W2[1,3]``,
    ``x[0]``), escaped for a Graphviz HTML-like label.  Plain text, no sub- or
    superscript markup, so every renderer shows the same thing."""
    return html.escape(label)


def delta_notation(l, j):
    """delta^(l)_j = dL/dz^(l)_j as the drawing writes it: ``δ1[0]``."""
    return html.escape(labels.delta(l, j))


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


def picture_size(size):
    """((width, height) in inches or None, font size in points, PNG dpi) for ``size``:
    None (as large as the drawing is), a name of SIZES, or (width, height) in inches."""
    if size is None:
        return None, FONT_SIZE, 96
    if isinstance(size, str):
        checks.choice(size, tuple(SIZES), "size", "draw_graph")
        return SIZES[size]
    try:
        width, height = (float(x) for x in size)
    except (TypeError, ValueError):
        width = height = float("nan")
    if not (width > 0 and height > 0 and width < 1e4 and height < 1e4):
        raise ValueError(f"draw_graph: size must be one of {', '.join(SIZES)} or (width, height) "
                         f"in inches, both positive, got {size!r}")
    return (width, height), FONT_SIZE, 96


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


def png_dpi(graph, size):
    """Make ``graph`` render as PNG at the resolution of ``size`` (a slide: 144 dpi,
    so a 13.33-inch picture is 1920 pixels wide).  SVG and PDF need no dpi."""
    graph.attr(dpi=str(picture_size(size)[2]))
    return graph


SLIDE_LABEL_PX = 24  # a label reads on a 1920 x 1080 slide at this many pixels or more


def label_px(svg, size):
    """The pixel size that 90 % of the labels of ``svg`` (a drawing's SVG, str or
    bytes) reach in its PNG at ``size``'s dpi: font size (pt) x the drawing's scale
    (Graphviz shrinks a drawing larger than ``size``) x dpi / 72."""
    import re

    svg = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    scale = re.search(r'class="graph" transform="scale\(([\d.]+)', svg)
    fonts = sorted(float(f) for f in re.findall(r'font-size="([\d.]+)"', svg))
    if not fonts:
        return 0.0
    dpi = picture_size(size)[2]
    return fonts[len(fonts) // 10] * (float(scale.group(1)) if scale else 1.0) * dpi / 72


def _new_digraph(rankdir, caption, size):
    """An empty drawing: compact spacing, plain fonts, fitted to ``size``."""
    box, font, dpi = picture_size(size)
    g = _digraph_class()(name="computation_graph", format="svg")
    g.attr(rankdir=rankdir, fontname="Helvetica", fontsize=str(font + 1),
           ranksep="0.2", nodesep="0.1", pad="0.05", margin="0")
    if box is not None:
        g.attr(size=f"{box[0]:g},{box[1]:g}")
    g.attr("node", fontname="Helvetica", fontsize=str(font), margin="0.04,0.02")
    g.attr("edge", fontname="Helvetica", fontsize=str(font - 1), arrowsize="0.6")
    if caption:
        g.attr(label=caption, labelloc="b", labeljust="l")
    return g


CAPTION_WIDTH = 64  # characters per line of a caption: a long step text is wrapped
SLIDE_CAPTION_WIDTH = 100  # on a slide's wide page: fewer lines, less shrinking to fit its height


def _wrap(caption, size=None):
    """The caption as Graphviz text: left-aligned lines (ended by ``\\l``) of at most
    CAPTION_WIDTH characters (SLIDE_CAPTION_WIDTH for ``size="slide"``).  A caption
    already split with ``\\l`` keeps its lines."""
    import textwrap

    if not caption:
        return ""
    width = SLIDE_CAPTION_WIDTH if size == "slide" else CAPTION_WIDTH
    text = str(caption).replace("\\l", "\n")
    lines = [part for line in text.splitlines()
             for part in (textwrap.wrap(line, width, break_on_hyphens=False) or [""])]
    return "".join(line + "\\l" for line in lines)


# --- the public function --------------------------------------------------------

def draw_graph(root, *, rankdir="LR", number_format=".4f", show_grad=True,
               color_by_grad=False, highlight=(), view="scalar", max_nodes=MAX_NODES,
               show_ids=False, caption="", edge_labels=None, grads=None, pending=(),
               highlight_edges=None, size=None, focus=None):
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
    caption : str         text under the graph (wrapped into lines of CAPTION_WIDTH)
    edge_labels : bool    neuron view: list each neuron's weights (and their grads)
                          in its box, one edge to each; None (the default) does so
                          when there are at most EDGE_LABEL_LIMIT weights, else the
                          network is summarised: one edge per layer, the weights on
                          hover (SVG tooltips), except for the ``focus`` neuron
    focus                 neuron view: the neuron drawn in full in a summarised
                          network: its z or h Value, a label ("z2[3]") or (l, j);
                          by default the output layer's neuron 0
    size : str or tuple   None (as large as the drawing), "page" (a book's column,
                          7 in wide), "notebook" (9 in), "slide" (a 16:9 slide,
                          larger fonts) or (width, height) in inches: a drawing
                          larger than that is shrunk to fit
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
    root, (highlight, grads, pending, highlight_edges, focus) = nodes.as_graph_keyed(
        root, "draw_graph", highlight, grads, pending, highlight_edges, focus)  # a learner's: mirrors
    order = topological_order(root)
    style = _Style(number_format, show_grad, color_by_grad,
                   _highlight_colours(highlight), order, grads, pending, highlight_edges)
    g = _new_digraph(rankdir, _wrap(caption, size), size)
    if view == "neuron":
        _draw_neurons(g, root, order, style, edge_labels, focus)
        return g
    if focus is not None:
        raise ValueError("draw_graph: focus= picks a neuron of the neuron view; "
                         "use it with view='neuron'")
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
        self.index = {v: k for k, v in enumerate(order)}  # v<k>: a node's id

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
    """The HTML-like table of one Value, stacked so it stays narrow: its name, then
    data, then grad (for a z node, a last row "= δ1[0]": its grad is that delta)."""
    parts = parse_label(value.label) if value.label else None
    name = notation(value.label) if value.label else (f"<I>v{index}</I>" if show_ids else "")
    rows = [f"<B>{name}</B>"] if name else []
    rows.append(f"data {style.number(style.data(value))}")
    if style.show_grad:
        grad = style.number(style.grad(value))
        rows.append(f"grad {grad}")
        if parts is not None and parts[0] == "z":  # its grad is the document's delta
            rows.append(f"= {delta_notation(parts[1], parts[2])}")
    colour = style.highlight_colour(value)
    border = f' COLOR="{colour}" BORDER="3"' if colour else ' BORDER="1"'
    cells = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
    return (f'<<TABLE CELLBORDER="0" CELLSPACING="0" CELLPADDING="2"{border} '
            f'BGCOLOR="{style.fill(value)}">{cells}</TABLE>>')


def _weighted_sum_label(v, style):
    """A w·h+b node as its equation, one row per product (``W1[0,0] × x[0]``), then
    ``+ b1[0]``.  The edges of a weight and of the input it multiplies both end on
    their product's row (port p0, p1, ...; the bias's on port b): the pairs show."""
    w, h, b = weighted_sum_operands(v.children)

    def name(u):
        return notation(u.label) if u.label else f"v{style.index[u]}"

    rows = [f"<TR><TD><B>{html.escape(v.op)}</B></TD></TR>"]
    rows += [f'<TR><TD PORT="p{i}" ALIGN="LEFT">{name(wi)} × {name(hi)}</TD></TR>'
             for i, (wi, hi) in enumerate(zip(w, h))]
    rows.append(f'<TR><TD PORT="b" ALIGN="LEFT">+ {name(b)}</TD></TR>')
    return ('<<TABLE BORDER="1" STYLE="ROUNDED" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="1">{"".join(rows)}</TABLE>>')


def _operand_ports(v):
    """Where each operand's edge ends on ``v``'s operation node: on a w·h+b node,
    the row of its product (w_i and h_i both on p<i>) or of the bias; else the node."""
    if v.op != "w·h+b":
        return [""] * len(v.children)
    n = len(weighted_sum_operands(v.children)[0])
    return [f":p{i}:w" for i in range(n)] * 2 + [":b:w"]


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
    index = style.index
    group = _groups(order)
    clusters = {}
    for v in order:
        clusters.setdefault(group.get(v), []).append(v)

    def add_value(target, v):
        k = index[v]
        target.node(f"v{k}", _value_label(v, k, style, show_ids), shape="plaintext")
        if v.op == "w·h+b":
            target.node(f"v{k}op", _weighted_sum_label(v, style), shape="plaintext")
        elif v.children:
            shape = "circle" if len(v.op) == 1 else "box"  # a box is narrower for "tanh"
            target.node(f"v{k}op", html.escape(v.op), shape=shape, style="rounded",
                        width="0.25", height="0.25", margin="0.02")

    for v in clusters.pop(None, []):
        add_value(g, v)
    if ("input",) in clusters:
        with g.subgraph(name="cluster_inputs") as c:
            c.attr(label="inputs x = h0", labelloc="t", style="rounded", color="grey")
            for v in clusters.pop(("input",)):
                add_value(c, v)
    for l in sorted({key[0] for key in clusters}):
        with g.subgraph(name=f"cluster_layer{l}") as layer:
            layer.attr(label=f"layer {l}", labelloc="t", style="rounded", color="grey40")
            for j in sorted(key[1] for key in clusters if key[0] == l):
                with layer.subgraph(name=f"cluster_layer{l}_neuron{j}") as neuron:
                    neuron.attr(label=f"neuron {j}", labelloc="t", style="dashed", color="grey60")
                    for v in clusters[(l, j)]:
                        add_value(neuron, v)
    for v in order:
        k = index[v]
        ports = _operand_ports(v)
        for position, child in enumerate(v.children):  # operand order; a + a: two edges
            _edge(g, f"v{index[child]}", f"v{k}op{ports[position]}",
                  style.edge_colour((v, position)))
        if v.children:
            _edge(g, f"v{k}op", f"v{k}", style.edge_colour((v, None)))


def _edge(g, tail, head, colour):
    """One edge; a coloured one (a step's or a path's) drawn thicker."""
    g.edge(tail, head, **({"color": colour, "penwidth": "2.5"} if colour else {}))


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


def _row(cells, port=None, fill=None):
    """One row of a neuron's box: name (left), then numbers.  ``port`` names the row's
    first cell (an edge ends on its left side) or, as ``("h",)``, its last cell (an
    edge leaves from its right side)."""
    tags = [' ALIGN="LEFT"'] + [""] * (len(cells) - 1)
    if isinstance(port, tuple):
        tags[-1] += f' PORT="{port[0]}"'
    elif port:
        tags[0] += f' PORT="{port}"'
    fill = f' BGCOLOR="{fill}"' if fill else ""
    return "<TR>" + "".join(f"<TD{tag}{fill}>{c}</TD>" for tag, c in zip(tags, cells)) + "</TR>"


def _neuron_label(l, j, nodes, style, weights):
    """One neuron as one box: its weights W[j, i] in index order (when ``weights``
    lists them: one row each, where the edge of input i ends), b, z, h and delta."""
    z, h, b = nodes[("z", l, j)], nodes.get(("h", l, j)), nodes.get(("b", l, j))
    grads = style.show_grad
    rows = []
    for i in weights:
        w = nodes[("W", l, j, i)]
        cells = [notation(w.label), style.number(w.data)]
        if grads:
            cells.append(f"grad {style.number(style.grad(w))}")
        rows.append(_row(cells, port=f"w{i}", fill="#d8f5d8" if style.edge_colour(w) else None))
    blank = [""] if grads and weights else []
    if b is not None:
        rows.append(_row([notation(b.label), style.number(b.data)] + blank))
    rows.append(_row([notation(z.label), style.number(style.data(z))] + blank))
    if h is not None and h is not z:
        rows.append(_row([notation(h.label), style.number(style.data(h))] + blank, port=("h",)))
    if grads:
        rows.append(_row([f"<B>{delta_notation(l, j)}</B>", style.number(style.grad(z))] + blank))
    colour = style.highlight_colour(z) or (style.highlight_colour(h) if h is not None else None)
    border = f' COLOR="{colour}" BORDER="3"' if colour else ' BORDER="1"'
    return (f'<<TABLE CELLBORDER="0" CELLSPACING="0" CELLPADDING="2"{border} '
            f'BGCOLOR="{style.fill(z)}">{"".join(rows)}</TABLE>>')


# One item a row, so the legend is no wider than the column of inputs it sits in.
LEGEND = ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
          '<TR><TD ALIGN="LEFT"><FONT COLOR="blue"><B>&#8212;&#8212;</B></FONT> weight &gt; 0</TD></TR>'
          '<TR><TD ALIGN="LEFT"><FONT COLOR="red"><B>&#8212;&#8212;</B></FONT> weight &lt; 0</TD></TR>'
          '<TR><TD ALIGN="LEFT">thicker: larger |w|</TD></TR>{marks}</TABLE>>')
LEGEND_MARKS = ('<TR><TD ALIGN="LEFT"><FONT COLOR="red"><B>&#9633;</B></FONT> this step\'s node</TD></TR>'
                '<TR><TD ALIGN="LEFT"><FONT COLOR="orange"><B>&#9633;</B></FONT> the nodes it reads</TD></TR>'
                '<TR><TD ALIGN="LEFT"><FONT COLOR="{edge}"><B>&#8212;&#8212;</B></FONT> '
                'the weights it reads</TD></TR>')
STEP_EDGE_COLOUR = "#00a000"  # the weights an equation reads (blue/red are the signs)


def _draw_legend(g, style):
    marks = ""
    if style.highlight or style.edge_colours:
        marks = LEGEND_MARKS.format(edge=STEP_EDGE_COLOUR)
    with g.subgraph(name="cluster_legend") as c:
        c.attr(label="", style="invis")
        c.node("legend", LEGEND.format(marks=marks), shape="plaintext")


def _focus(focus, neurons):
    """(l, j) of the neuron ``focus`` names (its z or h Value, a label, or (l, j)), or None."""
    if focus is None:
        return None
    label = getattr(focus, "label", focus)
    parts = parse_label(label) if isinstance(label, str) else None
    if parts is not None and parts[0] in ("z", "h"):
        focus = parts[1:]
    try:
        key = tuple(int(k) for k in focus)
    except (TypeError, ValueError):
        key = None
    if key not in neurons:
        raise ValueError(f"draw_graph: focus={label!r} names no neuron of this graph; give "
                         f"its z or h (e.g. 'z1[0]') or (l, j)")
    return key


def _draw_neurons(g, root, order, style, edge_labels=None, focus=None):
    """The neuron view: inputs, one box per neuron in one cluster per layer, the loss."""
    found = find_mlp_nodes(order)
    neurons = sorted((p[1], p[2]) for p in found if p[0] == "z")
    if not neurons:
        raise ValueError(
            "draw_graph(view='neuron') needs a graph built by an MLP (nodes labelled "
            "z1[0], h1[0], W1[0,0], ...); this graph has none: use view='scalar'"
        )
    focus = _focus(focus, set(neurons))
    weights = sorted(p for p in found if p[0] == "W")
    summarised = edge_labels is None and len(weights) > EDGE_LABEL_LIMIT
    if summarised and focus is None:  # by default the output's first neuron, in full
        focus = (max(neurons)[0], 0)
    listed = (not summarised) if edge_labels is None else bool(edge_labels)

    def detailed(l, j):  # the neuron's weights listed in its box
        return listed or (l, j) == focus

    # Neurons in index order, 0 on top: edges leave each node in the order they are
    # written (sorted), and crossing minimisation is cut short.
    g.attr(ordering="out", mclimit="0.01", ranksep="0.4", compound="true")
    inputs = sorted(p[1] for p in found if p[0] == "x")
    with g.subgraph(name="cluster_inputs") as c:
        c.attr(label="inputs x = h0", labelloc="t", style="rounded", color="grey")
        for i in inputs:
            x = found[("x", i)]
            colour = style.highlight_colour(x)
            c.node(f"x{i}", f"{notation(x.label)} = {style.number(x.data)}", shape="box",
                   style="rounded", **({"color": colour, "penwidth": "3"} if colour else {}))
    for l in sorted({l for l, _ in neurons}):
        column = [j for layer, j in neurons if layer == l]
        with g.subgraph(name=f"cluster_layer{l}") as c:
            width = 1 + max((p[3] for p in weights if p[1] == l), default=-1)  # inputs
            size = f", W{l}: {len(column)}×{width}" if summarised else ""
            c.attr(label=f"layer {l}{size}", labelloc="t", style="rounded", color="grey40")
            for j in column:
                listed_here = sorted(p[3] for p in weights if p[1:3] == (l, j)) if detailed(l, j) else []
                c.node(f"n{l}_{j}", _neuron_label(l, j, found, style, listed_here), shape="plaintext")
    _draw_weights(g, found, weights, style, detailed, summarised, focus)
    last = max(l for l, _ in neurons)
    if parse_label(root.label or "") is None:  # a loss after the network's output
        g.node("root", f"{root.label or 'L'} = {style.number(style.data(root))}",
               shape="box", style="rounded,bold")
        for _, j in (n for n in neurons if n[0] == last):
            g.edge(f"n{last}_{j}", "root", style="dashed")
    _draw_legend(g, style)


def _draw_weights(g, found, weights, style, detailed, summarised, focus):
    """One edge per weight, from input i (its h row) to the row W[j, i] of neuron j;
    in a summarised network one edge per layer, and the weights of ``focus``."""
    largest = max((abs(found[p].data) for p in weights), default=0.0) or 1.0
    layers = {}
    for p in weights:
        layers.setdefault(p[1], []).append(p)
    for l, ws in sorted(layers.items()):
        source_of = (lambda i: f"x{i}") if l == 1 else (lambda i, l=l: f"n{l - 1}_{i}")
        if summarised:
            rows, columns = 1 + max(p[2] for p in ws), 1 + max(p[3] for p in ws)
            # one edge from the middle of a layer to the middle of the next; its label,
            # "W2: 16×16", is the layer's (an edge label would widen every column)
            g.edge(source_of(columns // 2), f"n{l}_{rows // 2}",
                   ltail="cluster_inputs" if l == 1 else f"cluster_layer{l - 1}",
                   lhead=f"cluster_layer{l}", penwidth="3", color="grey50",
                   tooltip=f"W{l}: {rows}×{columns} weights, drawn one by one for the "
                           f"neuron draw_graph(focus=...) names")
        for _, _, j, i in ws:
            if summarised and focus not in ((l, j), (l - 1, i)):
                continue
            w = found[("W", l, j, i)]
            text = f"{w.label} = {style.number(w.data)}"
            if style.show_grad:
                text += f", grad {style.number(style.grad(w))}"
            marked = style.edge_colour(w)
            tail = source_of(i) + (":h:e" if l > 1 and detailed(l - 1, i) else ":e")
            head = f"n{l}_{j}" + (f":w{i}:w" if detailed(l, j) else "")
            g.edge(tail, head, tooltip=text, edgetooltip=text,
                   penwidth="3" if marked else f"{0.4 + 2.0 * abs(w.data) / largest:.2f}",
                   color=marked or ("blue" if w.data >= 0 else "red"))
