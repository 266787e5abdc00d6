"""Frames: one picture per step of the forward or backward pass, or of Steps 2-4.

A :class:`Frame` is a drawing (a Graphviz Digraph) and the text of its step.

* ``backward_frames(root)``  one frame per step of
  :func:`micrograd_bp.steps.backward_steps` (``forward=True``: the forward pass first);
* ``forward_frames(root)``   one frame per node of the forward pass (Step 1);
* ``layer_frames(root)``     Steps 2, 3 and 4 of an MLP, one delta per frame, in the
  neuron view (:func:`micrograd_bp.layersteps.layer_steps`);
* ``as_frames(frames_or_root, draw_options)``  the frames given, or a Value's
  backward frames: what every player of frames accepts.

In a notebook show one frame per cell (a Frame displays as its graph), or play them
with :func:`micrograd_bp.player.html_player` (no kernel needed),
:func:`micrograd_bp.widgets.step_widget` (ipywidgets) or
:func:`micrograd_bp.widgets.save_gif`.  A value this pass has not computed yet is
drawn as "?", so that a computed 0 is told apart from "not yet".

Making backward frames runs the backward pass, as ``root.backward()`` would.
"""

import re

from . import nodes
from .draw import STEP_EDGE_COLOUR, draw_graph
from .graph import topological_order
from .labels import parse_label
from .layersteps import STEP_TITLES, layer_steps
from .steps import backward_steps, forward_steps, root_name

BACKWARD_MARKS = ("In each step: red, the node passing its grad on; orange, its operands, "
                  "whose grads it adds to (+=); '?', a grad not computed yet in this pass.")
START_TEXT = ("Forward pass: the inputs and parameters are known; every other node is '?'.\n"
              "In each step: red, the node computed; orange, the operands it reads.")


CURRENT = "red"     # the node of this step (the players keep it in view)
READS = "orange"    # the nodes it reads (and, going backward, writes the grads of)
NOT_YET = None      # a grad this pass has not computed yet: drawn as "?"
MIN_LABEL_PX = 10   # the players open where 90 % of the labels are at least this large

_SVG = "{http://www.w3.org/2000/svg}"
_FONT = re.compile(r'font-size="([\d.]+)"')


class Frame:
    """One picture of a pass: ``graph`` (a Digraph), ``text``, ``step``."""

    def __init__(self, graph, text, step=None):
        self.graph = graph
        self.text = text
        self.step = step  # the Step just taken, None for the forward-pass frame

    def svg(self):
        """The graph as an ``<svg>`` element (without the XML prologue), a str."""
        svg = self.graph.pipe(format="svg").decode("utf-8")
        return svg[svg.index("<svg"):]

    def _repr_mimebundle_(self, include=None, exclude=None):  # Jupyter shows the graph
        return self.graph._repr_mimebundle_(include=include, exclude=exclude)

    def __repr__(self):
        return f"<Frame {self.text.splitlines()[0]!r}>"


def focus_box(svg, colours=(CURRENT,)):
    """Where the node of this step (outlined in ``CURRENT``) is in a frame's SVG:
    (x, y, width, height) in the units of the SVG's viewBox, or None.  With
    ``colours=(CURRENT, READS)``: the box around it and the nodes it reads.

    The players scroll (HTML) or pan (widget) to this box, so that the current
    node stays in view however large the graph.
    """
    import xml.etree.ElementTree as ElementTree

    top = ElementTree.fromstring(svg)
    graph = top.find(f"{_SVG}g")
    scale, shift = _transform(graph.get("transform", "") if graph is not None else "")
    xs, ys = [], []
    for node in top.iter(f"{_SVG}g"):
        if node.get("class") != "node" or not any(
                e.get("stroke") in colours for e in node.iter()):
            continue
        for x, y in _corners(node):
            xs.append(scale * (x + shift[0]))
            ys.append(scale * (y + shift[1]))
    if not xs:
        return None
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def readable_zoom(svgs, min_px=MIN_LABEL_PX):
    """The zoom at which 90 % of the labels in ``svgs`` render at ``min_px`` CSS px
    or more (a label of ``s`` pt is ``s`` × 4/3 px at zoom 1, times the scale
    Graphviz gave a drawing it shrank to fit a ``size=``)."""
    sizes = sorted(float(size) * _scale(svg) for svg in svgs for size in _FONT.findall(svg))
    if not sizes:
        return 1.0
    tenth = sizes[len(sizes) // 10]  # 90 % of the labels are at least this large
    return min_px / (tenth * 4 / 3)


def _scale(svg):
    """The scale of the drawing's ``<g class="graph">``: below 1 when Graphviz shrank it."""
    found = re.search(r'class="graph" transform="([^"]*)"', svg)
    return _transform(found.group(1))[0] if found else 1.0


def _transform(text):
    """(scale, (tx, ty)) from Graphviz's ``scale(s s) rotate(0) translate(tx ty)``."""
    scale = re.search(r"scale\(([-\d.]+)", text)
    shift = re.search(r"translate\(([-\d.]+)[ ,]+([-\d.]+)", text)
    return (float(scale.group(1)) if scale else 1.0,
            (float(shift.group(1)), float(shift.group(2))) if shift else (0.0, 0.0))


def _corners(node):
    """The points that bound a Graphviz node's shapes (polygons, ellipses, text)."""
    for e in node.iter():
        tag = e.tag.replace(_SVG, "")
        if tag in ("polygon", "polyline") and e.get("points"):
            for pair in e.get("points").split():
                x, y = pair.split(",")
                yield float(x), float(y)
        elif tag == "ellipse":
            cx, cy, rx, ry = (float(e.get(k)) for k in ("cx", "cy", "rx", "ry"))
            yield cx - rx, cy - ry
            yield cx + rx, cy + ry
        elif tag == "text" and e.get("x") is not None:
            yield float(e.get("x")), float(e.get("y"))


def _caption(text):
    """Graphviz label text: one left-justified line per line of ``text``."""
    return "".join(line + "\\l" for line in text.splitlines())


def backward_frames(root, *, caption=True, forward=False, **draw_options):
    """Run the backward pass of ``root`` step by step: a list of :class:`Frame`.

    The frames show the grads *this* pass fills in: "?" until a step writes a
    node's grad, then its sum so far (final once the node takes its own step), so a
    computed 0 is told apart from "not yet" (a leaf that holds a grad from an
    earlier ``backward()`` shows this pass's only); afterwards the
    leaves hold what one more ``backward()`` would leave.  ``forward=True`` puts
    the forward pass first, node by node (:func:`forward_frames`), so that one
    slider plays Step 1 and then the backward pass.

    ``draw_options`` go to :func:`micrograd_bp.draw.draw_graph` (``rankdir``,
    ``number_format``, ``color_by_grad``, ``view``, ``max_nodes``...).  With
    ``caption=True`` each graph carries the step's arithmetic underneath it.
    """
    _refuse_fixed(draw_options, "backward_frames")
    draw_options.setdefault("show_ids", True)  # the stepper's v<k> names, in the picture
    if forward:
        frames = forward_frames(root, caption=caption, **draw_options)
    else:
        text = forward_done(root)
        first = draw_graph(root, show_grad=False, caption=_caption(text) if caption else "",
                           **draw_options)
        frames = [Frame(first, text)]
    frames[-1].text += "\n" + BACKWARD_MARKS
    graph_root = nodes.as_graph(root, "backward_frames")  # a learner's graph: its mirror
    shown = {v: NOT_YET for v in topological_order(graph_root)}  # "?" until computed
    for step in backward_steps(root):
        shown[step.node] = step.grad  # final: every node that uses it has done its step
        for child, after in step.writes:  # the grads it writes, as the sums stand so far
            shown[child] = after
        text = str(step)
        graph = draw_graph(root, highlight=_marks(step.node), grads=dict(shown),
                           caption=_caption(f"step {step.index + 1}: " + text) if caption else "",
                           **draw_options)
        frames.append(Frame(graph, text, step))
    return frames


def forward_done(root):
    """The text between the passes: ``... Backward starts at the root with dh/dh = 1.``"""
    r = root_name(root)
    return (f"Forward pass done: every node holds its data. "
            f"Backward starts at the root with d{r}/d{r} = 1.")


def _marks(node, reads=None):
    """The step's node in ``CURRENT``, the nodes it reads (its operands) in ``READS``."""
    marks = {child: READS for child in (node.children if reads is None else reads)}
    marks[node] = CURRENT
    return marks


def forward_frames(root, *, caption=True, **draw_options):
    """The forward pass (Step 1) node by node: a list of :class:`Frame`.

    Frame 0 shows the inputs and parameters (the leaves); each next frame computes
    one node, in topological order, outlined in red with its operands in orange,
    its arithmetic as the text (``z1[0] = W1[0,0]·x[0] + ... = 0.37``).  Nodes not
    computed yet show "?".  Nothing in the graph changes.
    """
    _refuse_fixed(draw_options, "forward_frames")
    draw_options.setdefault("show_ids", True)
    steps = list(forward_steps(root))
    pending = {step.node for step in steps}
    frames = [Frame(draw_graph(root, show_grad=False, pending=pending,
                               caption=_caption(START_TEXT) if caption else "", **draw_options),
                    START_TEXT)]
    for step in steps:
        pending.discard(step.node)
        text = f"forward: {step}"
        graph = draw_graph(root, show_grad=False, pending=pending, highlight=_marks(step.node),
                           caption=_caption(text) if caption else "", **draw_options)
        frames.append(Frame(graph, text, step))
    frames[-1].text += "\n" + forward_done(root)
    return frames


def layer_frames(root, *, weights=None, caption=True, **draw_options):
    """Steps 2, 3 and 4 of the document on an MLP, one delta per frame, in the
    neuron view (:func:`micrograd_bp.layersteps.layer_steps`): a list of :class:`Frame`.

    Frame 0 is the network after the forward pass with every delta still "?".
    Each next frame computes one delta: the neuron outlined in red, the deltas of
    the layer above it reads in orange, the weights W^(l+1)[k,j] on the edges it
    reads in green, and the sum written out with numbers as the text.  Before each
    Step 3 delta, one frame per edge shows the engine's own ``+=`` into h's grad
    (``h1[0].grad: 0.3088 -> 0.1985``), in the order ``backward()`` does them.  The last
    frames do Step 4, dL/dW = δ hᵀ, for ``weights`` (labels or Values; by default
    one weight of layer 1).  Leaves' grads are left as they were.
    """
    _refuse_fixed(draw_options, "layer_frames")
    if draw_options.setdefault("view", "neuron") != "neuron":
        raise ValueError("layer_frames draws the neuron view; leave out view=...")
    steps = layer_steps(root, weights=weights)
    order = topological_order(root)
    shown = {v: NOT_YET for v in order if v.label[:1] in ("z", "W") and parse_label(v.label)}
    start = "Forward pass done; every δ is '?'.  Step 2 starts at the output layer."
    frames = [Frame(draw_graph(root, grads=dict(shown),
                               caption=_caption(start) if caption else "", **draw_options),
                    start)]
    for step in steps:
        for added in step.engine:  # Step 3 the engine's way first: one += per edge
            text = f"{STEP_TITLES[3]}, the engine's +=: {added}"
            frames.append(_layer_frame(root, shown, step.neuron, [step.sources[added.k]],
                                       [added.weight], text, step, caption, draw_options))
        shown[step.node] = step.value
        frames.append(_layer_frame(root, shown, step.neuron, step.sources, step.edges,
                                   str(step), step, caption, draw_options))
    return frames


def _layer_frame(root, shown, neuron, sources, edges, text, step, caption, draw_options):
    """One frame of :func:`layer_frames`: ``neuron`` in CURRENT, the deltas it reads in
    READS, the weights it reads in STEP_EDGE_COLOUR, the deltas known so far."""
    graph = draw_graph(root, grads=dict(shown), highlight=_marks(neuron, sources),
                       highlight_edges={w: STEP_EDGE_COLOUR for w in edges},
                       caption=_caption(text) if caption else "", **draw_options)
    return Frame(graph, text, step)


def _refuse_fixed(draw_options, what):
    for fixed in ("highlight", "show_grad", "caption", "grads", "pending"):
        if fixed in draw_options:
            raise TypeError(f"{what} sets {fixed!r} itself for each frame")


def as_frames(frames_or_root, draw_options):
    """The list of :class:`Frame` given, or the backward frames of a Value
    (made with ``draw_options``); a clear TypeError for anything else."""
    if isinstance(frames_or_root, (list, tuple)):
        if not frames_or_root or not all(isinstance(f, Frame) for f in frames_or_root):
            raise TypeError("expected a Value or a non-empty list of Frames from backward_frames()")
        return list(frames_or_root)
    return backward_frames(frames_or_root, **draw_options)
