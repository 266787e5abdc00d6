"""The kernel-free HTML player: frames played by a few lines of JavaScript in the page.

:func:`html_player` returns an :class:`HtmlPlayer` (``stepper`` and ``Stepper``
are their old names).  In a notebook it displays as one HTML
element holding every frame's drawing (SVG) and text, with previous / play /
next, a slider, the arrow keys and zoom buttons.  It needs no kernel and no
network, so it steps wherever a notebook's HTML output runs its JavaScript:
JupyterLab and VS Code (with or without a kernel), nbviewer, the web book.
Where JavaScript is stripped (a code-hosting site's notebook preview) the element
shows an animated GIF of the same frames instead (``fallback="gif"``, needs
pillow).  ``html_player(..., widget=True)`` gives the ipywidgets step widget
instead, which needs a live kernel (:func:`micrograd_bp.widgets.step_widget`).

:func:`html_page` wraps the same element in a page of its own (``graph --steps
FILE.html``); several steppers on one page do not clash: each has its own ids and
its script only touches its own element.

The drawing keeps one size from frame to frame (the largest frame's).  It opens
as large as the page's width allows, but never so small that its labels fall
below ``frames.MIN_LABEL_PX`` CSS pixels: then it scrolls, and every frame scrolls to
keep the node of its step (:func:`micrograd_bp.frames.focus_box`) in view.  The
zoom buttons scale it; "whole" shows the whole graph at once, "1:1" its natural size.  Previous and next
are disabled at the ends.
"""

import base64
import html
import itertools
import os
import re

from . import checks
from .draw import SLIDE_LABEL_PX
from .frames import CURRENT, MIN_LABEL_PX, READS, as_frames, focus_box, readable_zoom
from .widgets import gif_bytes, step_widget

_COUNTER = itertools.count()

_STYLE = """<style>
.mgbp-stepper {{ font-family: Helvetica, Arial, sans-serif; margin: 0.5em 0; }}
.mgbp-stepper .controls button {{ margin-right: 0.2em; font-size: 0.9em; padding: 0.1em 0.45em; }}
.mgbp-stepper .controls .slider {{ width: 6em; vertical-align: middle; }}
.mgbp-stepper .controls .zoom {{ white-space: nowrap; }}  /* the zoom buttons wrap as one group */
.mgbp-stepper .frame {{ display: none; }}
.mgbp-stepper .frame.current {{ display: block; }}
.mgbp-stepper .viewport {{ overflow: auto; max-width: 100%; max-height: {height}; border: 1px solid #ddd; }}
.mgbp-stepper .drawing svg {{ display: block; margin: 0 auto; }}
.mgbp-stepper pre {{ background: #f6f6f6; padding: 0.5em; white-space: pre-wrap; margin: 0.3em 0; }}
.mgbp-stepper:focus {{ outline: 2px solid #88a; }}
</style>"""

_ELEMENT = """<div class="mgbp-stepper" id="{uid}" tabindex="0" data-keys="{keys}"
  aria-label="{title}: a step-by-step player; the arrow keys step through it">
{style}
<div class="fallback">{fallback}</div>
<div class="player" hidden>
<div class="controls">
<button id="{prefix}previous" class="previous" data-action="previous">&#9664; previous</button>
<button id="{prefix}play" class="play" data-action="play">&#9654; play</button>
<button id="{prefix}next" class="next" data-action="next">next &#9654;</button>
<input id="{prefix}slider" class="slider" type="range" min="0" max="{last}" value="0"
  aria-label="frame">
<span class="counter" aria-live="polite">frame 1 of {count}</span>
<span class="zoom">&#8195;zoom
<button class="zoom-out" data-action="zoom-out" title="smaller">&#8722;</button>
<button class="fit" data-action="fit" title="the whole graph">whole</button>
<button class="natural" data-action="natural" title="natural size">1:1</button>
<button class="zoom-in" data-action="zoom-in" title="larger">+</button></span>
</div>
{frames}
</div>
<script>
{script}
</script>
</div>"""

# Scoped to its own element (found by its id), so several steppers share a page.
_SCRIPT = """(function () {
  var root = document.getElementById("%(uid)s");
  if (!root || root.dataset.ready) { return; }
  root.dataset.ready = "1";
  var q = function (s) { return root.querySelector(s); };
  var frames = root.querySelectorAll(".frame");
  var slider = q(".slider"), counter = q(".counter"), playButton = q(".play");
  var width = %(width)s, height = %(height)s;  // the largest frame, in pt
  var readable = %(readable)s;  // the zoom at which the labels reach %(min_label_px)s px
  var timer = null, current = 0, zoom = 1;
  q(".fallback").remove();
  q(".player").hidden = false;
  function viewport(k) { return frames[k].querySelector(".viewport"); }
  function setZoom(z) {
    zoom = Math.max(0.1, Math.min(8, z));
    frames.forEach(function (f) {
      var box = f.querySelector(".drawing"), svg = f.querySelector("svg");
      box.style.width = (width * zoom) + "pt";
      box.style.height = (height * zoom) + "pt";
      if (svg) {
        svg.setAttribute("width", (parseFloat(f.dataset.width) * zoom) + "pt");
        svg.setAttribute("height", (parseFloat(f.dataset.height) * zoom) + "pt");
      }
    });
  }
  function fitZoom() {  // the whole graph: its width and its height in the box
    var box = viewport(current), px = 4 / 3;  // 1pt = 4/3 px
    var across = (box.clientWidth || root.clientWidth) / (width * px);
    var tall = parseFloat(getComputedStyle(box).maxHeight);
    var down = tall > 0 ? (tall - 4) / (height * px) : across;
    return Math.max(0.05, Math.min(across, down));
  }
  function openingZoom() {  // as wide as the page allows, the labels never below readable
    var across = (viewport(current).clientWidth || root.clientWidth) / (width * 4 / 3);
    if (%(slide)s) {  // a slide: as large as fits, the labels never below %(slide_px)s px
      return Math.max(readable * %(slide_px)s / %(min_label_px)s, Math.min(3, fitZoom()));
    }
    return Math.max(readable, Math.min(1, across));
  }
  function follow() {  // scroll the least that brings the step's node into view,
    var frame = frames[current], svg = frame.querySelector("svg");  // and what it reads
    if (!frame.dataset.focus || !svg) { return; }
    var view = svg.viewBox.baseVal, port = viewport(current), margin = 12;
    var r = svg.getBoundingClientRect(), p = port.getBoundingClientRect();
    var sx = r.width / (view.width || r.width), sy = r.height / (view.height || r.height);
    var cw = port.clientWidth, ch = port.clientHeight;
    var b = frame.dataset.reads.split(" ").map(parseFloat);
    if (b[2] * sx + 2 * margin > cw || b[3] * sy + 2 * margin > ch) {
      b = frame.dataset.focus.split(" ").map(parseFloat);
    }
    var left = r.left - p.left + port.scrollLeft + (b[0] - view.x) * sx;
    var top = r.top - p.top + port.scrollTop + (b[1] - view.y) * sy;
    var w = b[2] * sx, h = b[3] * sy;
    var x = port.scrollLeft, y = port.scrollTop;
    if (left - margin < x || left + w + margin > x + cw) {
      x = w + 2 * margin > cw ? left - margin : (left < x ? left - margin : left + w + margin - cw);
    }
    if (top - margin < y || top + h + margin > y + ch) {
      y = h + 2 * margin > ch ? top - margin : (top < y ? top - margin : top + h + margin - ch);
    }
    port.scrollLeft = x; port.scrollTop = y;
  }
  function show(k) {
    var old = viewport(current);
    current = Math.max(0, Math.min(frames.length - 1, k));
    frames.forEach(function (f, i) { f.classList.toggle("current", i === current); });
    var now = viewport(current);
    if (now !== old) { now.scrollTop = old.scrollTop; now.scrollLeft = old.scrollLeft; }
    slider.value = current;
    counter.textContent = "frame " + (current + 1) + " of " + frames.length;
    q(".previous").disabled = current === 0;
    q(".next").disabled = current === frames.length - 1;
    follow();
  }
  function stop() {
    clearInterval(timer); timer = null; playButton.innerHTML = "&#9654; play";
  }
  function play() {
    if (timer) { stop(); return; }
    if (current === frames.length - 1) { show(0); }
    playButton.innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(function () {
      if (current === frames.length - 1) { stop(); } else { show(current + 1); }
    }, %(interval)d);
  }
  var actions = {
    previous: function () { stop(); show(current - 1); },
    next: function () { stop(); show(current + 1); },
    play: play,
    "zoom-in": function () { setZoom(zoom * 1.25); follow(); },
    "zoom-out": function () { setZoom(zoom / 1.25); follow(); },
    fit: function () { setZoom(fitZoom()); follow(); },
    natural: function () { setZoom(1); follow(); }
  };
  root.querySelectorAll("[data-action]").forEach(function (b) {
    b.addEventListener("click", function () { actions[b.dataset.action](); });
  });
  slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
  function onKey(e) {
    if (e.defaultPrevented || e.target === slider) { return; }  // the slider moves itself
    if (e.key === "ArrowRight") { e.preventDefault(); actions.next(); }
    if (e.key === "ArrowLeft") { e.preventDefault(); actions.previous(); }
  }
  root.addEventListener("keydown", onKey);
  if (root.dataset.keys === "page") {  // a page of its own: the keys work from anywhere
    document.addEventListener("keydown", function (e) {
      if (!root.contains(e.target)) { onKey(e); }
    });
  }
  setZoom(openingZoom());
  show(0);
})();"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body {{ font-family: Helvetica, Arial, sans-serif; margin: 1em; }}</style>
{style}</head>
<body>
<h1>{title}</h1>
{element}
</body>
</html>
"""

# A page for a slide (size="slide"): the step's text and the controls read from the
# back of a room, and the drawing opens as large as the screen allows.
_SLIDE_STYLE = """<style>
body {{ margin: 0.4em 1em; }} h1 {{ font-size: 32px; margin: 0.2em 0; }}
body .mgbp-stepper .controls button, .mgbp-stepper .counter, .mgbp-stepper .zoom {{ font-size: 20px; }}
.mgbp-stepper pre {{ font-size: 24px; }}
</style>
"""

_SVG_ID = re.compile(r' id="[^"]*"')
_SIZE = re.compile(r'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"', re.S)


def _svg_size(svg):
    """(width, height) in pt from Graphviz's <svg width="..pt" height="..pt">."""
    found = _SIZE.search(svg)
    return (float(found.group(1)), float(found.group(2))) if found else (400.0, 300.0)


def _frames_html(frames):
    """One <div class="frame"> per frame: its drawing in a scrolling viewport, its
    text, and where the node of its step is (``data-focus``, in SVG units)."""
    # Graphviz gives every frame the same ids (graph0, node1, ...): dropped, as
    # nothing refers to them and ids must be unique on a page.
    svgs = [_SVG_ID.sub("", f.svg()) for f in frames]
    sizes = [_svg_size(svg) for svg in svgs]
    parts = []
    for frame, svg, (w, h) in zip(frames, svgs, sizes):
        focus = "".join(f' data-{key}="{" ".join(f"{x:.1f}" for x in box)}"'
                        for key, box in (("focus", focus_box(svg)),
                                         ("reads", focus_box(svg, (CURRENT, READS))))
                        if box)
        parts.append(f'<div class="frame" data-width="{w}" data-height="{h}"{focus}>\n'
                     f'<div class="viewport"><div class="drawing">{svg}</div></div>\n'
                     f"<pre>{html.escape(frame.text)}</pre>\n</div>")
    width = max(w for w, _ in sizes)
    height = max(h for _, h in sizes)
    return "\n".join(parts), width, height, readable_zoom(svgs)


def _fallback_html(frames, fallback, title, interval):
    """What shows where the script does not run: the frames as an animated GIF."""
    note = ("<p><em>This step-by-step player needs JavaScript, which is off here"
            "{what}.</em></p>")
    if fallback is None:
        return note.format(what="")
    if fallback != "gif":
        raise ValueError(f"stepper: fallback must be 'gif' or None, got {fallback!r}")
    try:
        data = base64.b64encode(gif_bytes(frames, duration=interval)).decode("ascii")
    except ImportError:
        return note.format(what=" (and pillow, which draws the animated picture, is not "
                                "installed: pip install -e '.[widgets]')")
    return (f'<img src="data:image/gif;base64,{data}" style="max-width: 100%;" '
            f'alt="{html.escape(title)}: the frames as an animation">')


def _pieces(frames, fallback, title, interval):
    """The parts of the element that do not change from one display to the next."""
    if not frames:
        raise ValueError("stepper: there are no frames to show")
    body, width, height, readable = _frames_html(frames)
    return body, width, height, readable, _fallback_html(frames, fallback, title, interval)


def element_html(frames, *, title="Backpropagation, step by step", interval=1500,
                 fallback="gif", max_height="80vh", page=False, pieces=None, slide=False):
    """The stepper as one HTML element (a str): frames, controls, its own script.

    ``fallback`` is what shows without JavaScript: "gif" (the frames as an
    animated GIF, needs pillow) or None (a line saying JavaScript is needed).
    ``page=True`` lets the arrow keys work with the focus anywhere on the page
    (for a page holding one stepper).  ``slide=True`` opens the drawing as large
    as the box allows, its labels at least SLIDE_LABEL_PX px.  Ids are new for every element made, so one
    stepper displayed twice does not clash with itself.
    """
    body, width, height, readable, fallback_html = (
        pieces or _pieces(frames, fallback, title, interval))
    uid = f"mgbp-stepper-{os.getpid():x}-{next(_COUNTER)}"
    script = _SCRIPT % dict(uid=uid, width=width, height=height, interval=int(interval),
                            readable=f"{readable:.4f}", min_label_px=MIN_LABEL_PX,
                            slide="true" if slide else "false", slide_px=SLIDE_LABEL_PX)
    return _ELEMENT.format(
        uid=uid, prefix="" if page else uid + "-", keys="page" if page else "element",
        title=html.escape(title), style=_STYLE.format(height=max_height),
        fallback=fallback_html,
        last=len(frames) - 1, count=len(frames), frames=body, script=script)


def html_page(frames_or_root, *, title="Backpropagation, step by step", interval=1500,
              fallback=None, **draw_options):
    """A self-contained HTML page (a str): the stepper's element under a title.

    Every frame's SVG and text, previous / play / next buttons (ids ``previous``,
    ``play``, ``next``), a slider (``slider``), the arrow keys, zoom.  No external
    files: it works from file:// and offline.  With ``size="slide"`` it is a page
    for a 16:9 projector: larger text, the drawing as large as fits.
    """
    draw_options.setdefault("caption", False)  # the page prints each step's text below
    frames = as_frames(frames_or_root, draw_options)
    slide = draw_options.get("size") == "slide"
    element = element_html(frames, title=title, interval=interval, fallback=fallback,
                           page=True, slide=slide, max_height="65vh" if slide else "80vh")
    return _PAGE.format(title=html.escape(title), element=element,
                        style=_SLIDE_STYLE.format() if slide else "")


def save_html(frames_or_root, path, **options):
    """Write :func:`html_page` to ``path`` (UTF-8); returns ``path``."""
    checks.output_file(path, "save_html")  # before the frames are rendered
    return checks.write_file(path, html_page(frames_or_root, **options), "save_html")


class HtmlPlayer:
    """Frames to step through; displays in a notebook as the kernel-free player.

    ``frames`` is the list of :class:`micrograd_bp.frames.Frame`; ``html()`` the
    element (computed once); ``save(path)`` writes it as a page of its own.
    """

    def __init__(self, frames, *, title="Backpropagation, step by step", interval=1500,
                 fallback="gif"):
        self.frames = list(frames)
        self.title, self.interval, self.fallback = title, interval, fallback
        self._pieces = None  # the frames' HTML and the GIF, made when first shown

    def html(self):
        """The player's element; new ids each time (displaying it twice is fine)."""
        if self._pieces is None:
            self._pieces = _pieces(self.frames, self.fallback, self.title, self.interval)
        return element_html(self.frames, title=self.title, interval=self.interval,
                            pieces=self._pieces)

    def _repr_html_(self):
        return self.html()

    def save(self, path):
        """Write the frames as a page of its own (:func:`html_page`); returns ``path``."""
        return save_html(self.frames, path, title=self.title, interval=self.interval)

    def __len__(self):
        return len(self.frames)

    def __repr__(self):
        return f"<HtmlPlayer: {len(self.frames)} frames; displays as an HTML player in a notebook>"


def html_player(frames_or_root, *, forward=False, title="Backpropagation, step by step",
            interval=1500, fallback="gif", widget=False, **draw_options):
    """Step through backpropagation in a notebook, with or without a kernel.

    Give it a Value (its backward pass is run, see
    :func:`micrograd_bp.frames.backward_frames`; ``forward=True`` plays the forward
    pass first) or a list of frames (from ``backward_frames``, ``forward_frames``,
    ``layer_frames``).  Returns an :class:`HtmlPlayer`, shown as the kernel-free HTML
    player, or with ``widget=True`` the ipywidgets step widget (needs a live kernel).
    """
    if not isinstance(frames_or_root, (list, tuple)):
        draw_options.setdefault("caption", False)  # the text is shown under the drawing
        draw_options["forward"] = forward
    elif forward:
        raise TypeError("html_player: forward=True applies to a Value, not to frames already made")
    frames = as_frames(frames_or_root, draw_options)
    if widget:
        return step_widget(frames, interval=interval)
    return HtmlPlayer(frames, title=title, interval=interval, fallback=fallback)


stepper, Stepper = html_player, HtmlPlayer  # their old names (notebooks use stepper)
