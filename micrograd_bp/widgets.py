"""Playing frames outside the HTML player: the ipywidgets step widget and an animated GIF.

* ``step_widget(root)``       previous / next / play and a slider, in a live kernel
  (needs ipywidgets); ``stepper_widget`` is its old name;
* ``save_gif(frames, path)``  an animated GIF (needs Graphviz's dot and pillow).

The frames come from :mod:`micrograd_bp.frames` (``backward_frames``,
``forward_frames``, ``layer_frames``; importable from here too, as notebooks do);
the kernel-free HTML player is :mod:`micrograd_bp.player`.
"""

import html
import io
import re

from . import checks
from .draw import png_dpi
from .frames import (  # noqa: F401
    CURRENT,
    READS,
    Frame,
    as_frames,
    backward_frames,
    focus_box,
    forward_frames,
    layer_frames,
    readable_zoom,
)

CELL_PX = 860     # the width a notebook's output cell gives the picture (about 900 px)
WINDOW_PX = 520   # the height of the picture's window onto a large graph
_VIEWBOX = re.compile(r'viewBox="([-\d. ]+)"')
_SIZE = re.compile(r'(<svg[^>]*?)width="[\d.]+pt"(\s+)height="[\d.]+pt"', re.S)

def gif_bytes(frames, *, duration=1500, size=None):
    """The frames as an animated GIF (bytes), ``duration`` ms each.

    Each frame is rendered to PNG by Graphviz's dot, at the resolution of ``size``
    (``"slide"``: 144 dpi, as the slide's PNG; else 96 dpi), and the frames are
    assembled by pillow, on a white canvas as large as the largest frame.
    """
    from ._optional import require

    image = require("PIL.Image", "widgets", "Writing an animated GIF")
    pictures = [image.open(io.BytesIO(png_dpi(f.graph.copy(), size).pipe(format="png")))
                .convert("RGB") for f in frames]
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
    """Write an animated GIF, one frame per step (``duration`` ms each); returns ``path``.
    With ``size="slide"`` its frames have the slide's resolution (see :func:`gif_bytes`)."""
    checks.output_file(path, "save_gif")  # before the frames are rendered
    data = gif_bytes(as_frames(frames_or_root, draw_options), duration=duration,
                     size=draw_options.get("size"))
    return checks.write_file(path, data, "save_gif")


def step_widget(frames_or_root, *, interval=1000, **draw_options):
    """A Jupyter widget: previous / play / next, a slider, the graph and the step's text.

    Give it a Value (it runs the backward pass, see :func:`backward_frames`) or
    the frames.  Needs ipywidgets (``pip install -e '.[widgets]'``).
    """
    from ._optional import require

    widgets = require("ipywidgets", "widgets", "The stepper widget")
    if not isinstance(frames_or_root, (list, tuple)):
        draw_options.setdefault("caption", False)  # the text is shown under the graph
    frames = as_frames(frames_or_root, draw_options)
    svgs = {}  # rendered when first shown: a large graph has many frames
    last = len(frames) - 1
    window = _Window()
    slider = widgets.IntSlider(value=0, min=0, max=last, description="step")
    play = widgets.Play(value=0, min=0, max=last, interval=interval)
    widgets.jslink((play, "value"), (slider, "value"))
    previous = widgets.Button(description="◀ previous")
    following = widgets.Button(description="next ▶")
    whole = widgets.ToggleButton(description="whole graph", value=False)
    picture = widgets.HTML()
    text = widgets.HTML()

    def show(k):
        if k not in svgs:
            svgs[k] = frames[k].svg()
            window.zoom = window.zoom or readable_zoom([svgs[k]])
        picture.value = _whole(svgs[k]) if whole.value else window.around(svgs[k])
        text.value = f'<pre style="white-space: pre-wrap">{html.escape(frames[k].text)}</pre>'
        previous.disabled, following.disabled = k == 0, k == last

    slider.observe(lambda change: show(change["new"]), names="value")
    whole.observe(lambda change: show(slider.value), names="value")
    previous.on_click(lambda _: setattr(slider, "value", max(0, slider.value - 1)))
    following.on_click(lambda _: setattr(slider, "value", min(last, slider.value + 1)))
    show(0)
    box = widgets.VBox([widgets.HBox([previous, play, following, slider, whole]), picture, text])
    box.frames, box.slider = frames, slider  # for code (and tests) that drive it
    return box


stepper_widget = step_widget  # its old name


class _Window:
    """A window onto a large drawing, at a zoom where its labels read, that moves
    the least it must to keep the node of each step (and what it reads) in view."""

    def __init__(self):
        self.zoom, self.x, self.y = None, None, None

    def around(self, svg):
        """``svg`` showing only the window, as an <svg> CELL_PX wide at most."""
        x0, y0, width, height = (float(v) for v in _VIEWBOX.search(svg).group(1).split())
        zoom = max(self.zoom, min(1.0, CELL_PX * 3 / 4 / width))  # 1 pt = 4/3 px
        w, h = min(width, CELL_PX * 3 / 4 / zoom), min(height, WINDOW_PX * 3 / 4 / zoom)
        box = focus_box(svg, (CURRENT, READS))
        if box is not None and (box[2] > w or box[3] > h):
            box = focus_box(svg)
        box = box or (x0, y0, 0.0, 0.0)
        self.x = _slide(self.x, box[0], box[2], w, x0, x0 + width)
        self.y = _slide(self.y, box[1], box[3], h, y0, y0 + height)
        return _sized(svg, f"{self.x:.2f} {self.y:.2f} {w:.2f} {h:.2f}", w * zoom, h * zoom)


def _slide(start, low, size, window, first, end, margin=9.0):
    """Where a window of ``window`` units along [first, end] starts: where it was
    (``start``), moved the least that shows [low, low + size] with a margin."""
    start = first if start is None else start
    if low - margin < start:
        start = low - margin
    elif low + size + margin > start + window:
        start = low + size + margin - window
    return max(first, min(start, end - window))


def _sized(svg, viewbox, width_pt, height_pt):
    """The <svg> with a new viewBox and size; never wider than its cell."""
    svg = _VIEWBOX.sub(f'viewBox="{viewbox}"', svg, count=1)
    svg = _SIZE.sub(lambda m: f'{m.group(1)}width="{width_pt:.2f}pt"{m.group(2)}'
                              f'height="{height_pt:.2f}pt"', svg, count=1)
    return svg.replace("<svg", '<svg style="max-width: 100%; height: auto"', 1)


def _whole(svg):
    """The whole drawing, as wide as the cell."""
    return svg.replace("<svg", '<svg style="max-width: 100%; height: auto"', 1)
