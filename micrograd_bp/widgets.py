"""Watching backward move through a graph: frames, a Jupyter widget, GIF and HTML.

One *frame* per step of :func:`micrograd_bp.stepper.backward_steps`: the graph as it
is after that step (the grads this pass has filled in so far), the node that just
passed its grad on outlined in red and its children in orange, and the chain-rule
arithmetic of the step.  Frame 0 is the graph after the forward pass, before any
grad.  With ``forward=True`` the forward pass comes first, one node per frame
(:func:`forward_frames`).

* ``backward_frames(root)``  the frames as a list; in a notebook show one per cell
  (a Frame displays as its graph);
* ``stepper_widget(root)``   previous / next / play and a slider (needs ipywidgets);
* ``save_gif(frames, path)`` an animated GIF (needs Graphviz's dot and pillow);
* ``save_html(frames, path)`` one self-contained page with buttons, for slides;
* ``stepper(root)``          the same player inside a notebook, no kernel needed
  (:mod:`micrograd_bp.player`).

Making the frames runs the backward pass, as ``root.backward()`` would.
"""

import html
import io

from . import checks
from .draw import draw_graph
from .graph import topological_order
from .labels import parse_label
from .stepper import backward_steps, forward_steps

FORWARD_TEXT = ("Forward pass done: every node holds its data. "
                "Backward starts at the root with dL/dL = 1.")
START_TEXT = "Forward pass: the inputs and parameters are known; every other node is '?'."


class Frame:
    """One picture of the backward pass: ``graph`` (a Digraph), ``text``, ``step``."""

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


def _caption(text):
    """Graphviz label text: one left-justified line per line of ``text``."""
    return "".join(line + "\\l" for line in text.splitlines())


def backward_frames(root, *, caption=True, forward=False, **draw_options):
    """Run the backward pass of ``root`` step by step: a list of :class:`Frame`.

    The frames show the grads *this* pass fills in, every node from 0 (a leaf that
    holds a grad from an earlier ``backward()`` is drawn from 0 too); afterwards the
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
        first = draw_graph(root, show_grad=False,
                           caption=_caption(FORWARD_TEXT) if caption else "", **draw_options)
        frames = [Frame(first, FORWARD_TEXT)]
    leaf_grads = {}  # this pass's grad of each leaf, filled in by the steps
    for step in backward_steps(root, leaf_grads=leaf_grads):
        text = str(step)
        marks = {child: "orange" for child in step.node.children}
        marks[step.node] = "red"
        graph = draw_graph(root, highlight=marks, grads=leaf_grads,
                           caption=_caption(f"step {step.index + 1}: " + text) if caption else "",
                           **draw_options)
        frames.append(Frame(graph, text, step))
    return frames


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
        marks = {child: "orange" for child in step.node.children}
        marks[step.node] = "red"
        graph = draw_graph(root, show_grad=False, pending=pending, highlight=marks,
                           caption=_caption(text) if caption else "", **draw_options)
        frames.append(Frame(graph, text, step))
    frames[-1].text += "\n" + FORWARD_TEXT
    return frames


def layer_frames(root, *, weights=None, caption=True, **draw_options):
    """Steps 2, 3 and 4 of the document on an MLP, one delta per frame, in the
    neuron view (:func:`micrograd_bp.layersteps.layer_steps`): a list of :class:`Frame`.

    Frame 0 is the network after the forward pass with every delta still "?".
    Each next frame computes one delta: the neuron outlined in red, the deltas of
    the layer above it reads in orange, the weights W^(l+1)[k,j] on the edges it
    reads in green, and the sum written out with numbers as the text.  The last
    frames do Step 4, dL/dW = δ hᵀ, for ``weights`` (labels or Values; by default
    one weight of layer 1).  Leaves' grads are left as they were.
    """
    from .draw import STEP_EDGE_COLOUR
    from .layersteps import layer_steps

    _refuse_fixed(draw_options, "layer_frames")
    if draw_options.setdefault("view", "neuron") != "neuron":
        raise ValueError("layer_frames draws the neuron view; leave out view=...")
    steps = layer_steps(root, weights=weights)
    order = topological_order(root)
    shown = {v: None for v in order if v.label[:1] in ("z", "W") and parse_label(v.label)}
    start = "Forward pass done; every δ is '?'.  Step 2 starts at the output layer."
    frames = [Frame(draw_graph(root, grads=dict(shown),
                               caption=_caption(start) if caption else "", **draw_options),
                    start)]
    for step in steps:
        shown[step.node] = step.value
        marks = {source: "orange" for source in step.sources}
        marks[step.neuron] = "red"
        text = str(step)
        graph = draw_graph(root, grads=dict(shown), highlight=marks,
                           highlight_edges={w: STEP_EDGE_COLOUR for w in step.edges},
                           caption=_caption(text) if caption else "", **draw_options)
        frames.append(Frame(graph, text, step))
    return frames


def _refuse_fixed(draw_options, what):
    for fixed in ("highlight", "show_grad", "caption", "grads", "pending"):
        if fixed in draw_options:
            raise TypeError(f"{what} sets {fixed!r} itself for each frame")


def _as_frames(frames_or_root, draw_options):
    if isinstance(frames_or_root, (list, tuple)):
        if not frames_or_root or not all(isinstance(f, Frame) for f in frames_or_root):
            raise TypeError("expected a Value or a non-empty list of Frames from backward_frames()")
        return list(frames_or_root)
    return backward_frames(frames_or_root, **draw_options)


def gif_bytes(frames, *, duration=1500):
    """The frames as an animated GIF (bytes), ``duration`` ms each.

    Each frame is rendered to PNG by Graphviz's dot and the frames are assembled by
    pillow, on a white canvas as large as the largest frame.
    """
    from ._optional import require

    image = require("PIL.Image", "widgets", "Writing an animated GIF")
    pictures = [image.open(io.BytesIO(f.graph.pipe(format="png"))).convert("RGB")
                for f in frames]
    width = max(p.width for p in pictures)
    height = max(p.height for p in pictures)
    canvases = []
    for picture in pictures:
        canvas = image.new("RGB", (width, height), "white")
        canvas.paste(picture, ((width - picture.width) // 2, 0))
        canvases.append(canvas)
    out = io.BytesIO()
    canvases[0].save(out, format="GIF", save_all=True, append_images=canvases[1:],
                     duration=duration, loop=0)
    return out.getvalue()


def save_gif(frames_or_root, path, *, duration=1500, **draw_options):
    """Write an animated GIF, one frame per step (``duration`` ms each); returns ``path``."""
    checks.output_file(path, "save_gif")  # before the frames are rendered
    data = gif_bytes(_as_frames(frames_or_root, draw_options), duration=duration)
    return checks.write_file(path, data, "save_gif")


def stepper_widget(frames_or_root, *, interval=1000, **draw_options):
    """A Jupyter widget: previous / play / next, a slider, the graph and the step's text.

    Give it a Value (it runs the backward pass, see :func:`backward_frames`) or
    the frames.  Needs ipywidgets (``pip install -e '.[widgets]'``).
    """
    from ._optional import require

    widgets = require("ipywidgets", "widgets", "The stepper widget")
    if not isinstance(frames_or_root, (list, tuple)):
        draw_options.setdefault("caption", False)  # the text is shown under the graph
    frames = _as_frames(frames_or_root, draw_options)
    svgs = {}  # rendered when first shown: a large graph has many frames
    last = len(frames) - 1
    slider = widgets.IntSlider(value=0, min=0, max=last, description="step")
    play = widgets.Play(value=0, min=0, max=last, interval=interval)
    widgets.jslink((play, "value"), (slider, "value"))
    previous = widgets.Button(description="◀ previous")
    following = widgets.Button(description="next ▶")
    picture = widgets.HTML()
    text = widgets.HTML()

    def show(k):
        if k not in svgs:
            svgs[k] = frames[k].svg()
        picture.value = svgs[k]
        text.value = f"<pre>{html.escape(frames[k].text)}</pre>"

    slider.observe(lambda change: show(change["new"]), names="value")
    previous.on_click(lambda _: setattr(slider, "value", max(0, slider.value - 1)))
    following.on_click(lambda _: setattr(slider, "value", min(last, slider.value + 1)))
    show(0)
    box = widgets.VBox([widgets.HBox([previous, play, following, slider]), picture, text])
    box.frames, box.slider = frames, slider  # for code (and tests) that drive it
    return box


# The kernel-free HTML player lives in its own module; its page and writer are
# also found here, beside the GIF.
from .player import html_page, save_html, stepper  # noqa: E402,F401
