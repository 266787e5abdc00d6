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

from . import checks
from .frames import Frame, as_frames, backward_frames, forward_frames, layer_frames  # noqa: F401

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
    data = gif_bytes(as_frames(frames_or_root, draw_options), duration=duration)
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


stepper_widget = step_widget  # its old name
