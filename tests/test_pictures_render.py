"""A picture reads the same in every renderer: its labels are plain text.

Graphviz writes HTML-like <SUB>/<SUP> as <text> runs with baseline-shift, which
Chromium, librsvg and ImageMagick each place differently (or drop).  The drawing
uses none: every name (``z1[0]``, ``δ1[0]``, ``W1[0,2]``) is one plain <text>.
The test renders the same drawing with Graphviz's own PNG and with librsvg's
``rsvg-convert`` (and ImageMagick's ``convert`` where installed).
"""

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from micrograd_bp import MLP
from micrograd_bp.commands.graph import mlp_example, neuron_example
from micrograd_bp.draw import dot_installed, draw_graph, png_dpi
from micrograd_bp.frames import backward_frames
from micrograd_bp.losses import mse

pytest.importorskip("graphviz")
pytestmark = pytest.mark.skipif(not dot_installed(), reason="Graphviz's dot program is not installed")
SVG = "{http://www.w3.org/2000/svg}"


def neuron_view():
    mlp = MLP(3, [2, 1], activation="tanh", seed=0)
    trace = mlp.trace([1.0, -2.0, 0.5])
    loss = mse(trace.h[2], [0.5])
    loss.label = "L"
    loss.backward()
    return mlp, trace, draw_graph(loss, view="neuron")


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG file"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_every_label_is_one_plain_text_element():
    mlp, trace, graph = neuron_view()
    assert "<SUB>" not in graph.source and "<SUP>" not in graph.source
    root = ET.fromstring(graph.pipe(format="svg"))
    texts = [t for t in root.iter(f"{SVG}text")]
    assert not [t for t in texts if t.get("baseline-shift") or list(t)], "no shifted runs, no <tspan>"
    shown = {"".join(t.itertext()).strip() for t in texts}
    expected = {"x[0] = 1.0000", "W1[0,2]", "b1[1]", "z1[0]", "h1[1]", "δ1[0]", "W2[0,1]", "δ2[0]",
                f"{trace.z[1][0].data:.4f}", f"{trace.h[1][1].data:.4f}", f"{trace.z[1][0].grad:.4f}",
                f"grad {mlp.layers[0].neurons[0].w[2].grad:.4f}"}
    assert expected <= shown, f"missing: {sorted(expected - shown)}"


def test_graphviz_png_and_librsvg_render_the_same_picture(tmp_path):
    _, _, graph = neuron_view()
    svg = graph.pipe(format="svg")
    root = ET.fromstring(svg)
    width = float(root.get("width").removesuffix("pt")) * 96 / 72  # at 96 dpi, in pixels
    own = png_size(graph.pipe(format="png"))
    (tmp_path / "g.svg").write_bytes(svg)
    rsvg = shutil.which("rsvg-convert")
    if rsvg is None:
        pytest.skip("librsvg's rsvg-convert is not installed (apt-get install librsvg2-bin)")
    subprocess.run([rsvg, "-o", str(tmp_path / "rsvg.png"), str(tmp_path / "g.svg")], check=True)
    librsvg = png_size((tmp_path / "rsvg.png").read_bytes())
    assert abs(librsvg[0] - width) <= 2 and abs(own[0] - width) <= 2, (own, librsvg, width)
    convert = shutil.which("convert")
    if convert is not None:
        done = subprocess.run([convert, str(tmp_path / "g.svg"), str(tmp_path / "im.png")],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        points = width * 72 / 96  # ImageMagick reads an SVG at 72 dpi
        assert abs(png_size((tmp_path / "im.png").read_bytes())[0] - points) <= 2


# --- every label, in every renderer: Graphviz's PNG, its PDF through poppler,
# librsvg, ImageMagick ---------------------------------------------------------------
#
# Each <text> of the SVG gives a box (where its glyphs must be, from x, y, the
# anchor and the font size, in fractions of the picture); in each renderer's PNG,
# every box must hold ink.  A renderer that drops or moves a label (as ImageMagick
# drops <SUB> runs) leaves a box empty.  Graphviz's PDF must also hold each label
# as text (pdftotext).

INK_LIGHTEST = 200  # a pixel darker than this (0 black, 255 white) is ink: black, red, orange
INK_LEAST = 0.05    # a box with a label has at least this share of ink (measured 0.15 to 0.55)


def text_boxes(svg):
    """[(text, (left, top, right, bottom) as fractions of the picture)] for every label."""
    root = ET.fromstring(svg)
    _, _, width, height = (float(x) for x in root.get("viewBox").split())
    graph = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "graph")
    move = graph.get("transform")
    scale = float(re.search(r"scale\(([\d.]+)", move).group(1))
    tx, ty = (float(v) for v in re.search(r"translate\(([-\d.]+)[ ,]+([-\d.]+)", move).groups())
    boxes = []
    for element in root.iter(f"{SVG}text"):
        text = "".join(element.itertext()).strip()
        size, x, y = (float(element.get(k)) for k in ("font-size", "x", "y"))
        wide = 0.45 * size * len(text)  # narrower than the glyphs: the box is all label
        left = {"start": x, "middle": x - wide / 2, "end": x - wide}[element.get("text-anchor", "start")]
        boxes.append((text, (scale * (left + tx) / width, scale * (y - 0.6 * size + ty) / height,
                             scale * (left + wide + tx) / width, scale * (y + ty) / height)))
    return boxes


def ink(png, boxes):
    """The share of pixels of ``png`` (bytes) that are not white, inside each box."""
    image = pytest.importorskip("PIL.Image").open(io.BytesIO(png)).convert("L")
    w, h = image.size
    shares = []
    for box in boxes:
        part = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w) + 1, int(box[3] * h) + 1))
        counts = part.histogram()
        shares.append(sum(counts[:INK_LIGHTEST]) / sum(counts))
    return shares


def tool(name):
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def graphviz_png(graph, svg, tmp_path):
    return png_dpi(graph.copy(), "slide").pipe(format="png")


def poppler_png(graph, svg, tmp_path):
    (tmp_path / "g.pdf").write_bytes(graph.pipe(format="pdf"))
    subprocess.run([tool("pdftoppm"), "-r", "144", "-png", "-singlefile", str(tmp_path / "g.pdf"),
                    str(tmp_path / "pdf")], check=True)
    return (tmp_path / "pdf.png").read_bytes()


def librsvg_png(graph, svg, tmp_path):
    (tmp_path / "g.svg").write_bytes(svg)
    subprocess.run([tool("rsvg-convert"), "-d", "144", "-p", "144", "-b", "white",
                    "-o", str(tmp_path / "rsvg.png"), str(tmp_path / "g.svg")], check=True)
    return (tmp_path / "rsvg.png").read_bytes()


def imagemagick_png(graph, svg, tmp_path):
    (tmp_path / "g.svg").write_bytes(svg)
    subprocess.run([tool("convert"), "-density", "144", str(tmp_path / "g.svg"), "-background",
                    "white", "-flatten", "-depth", "8", str(tmp_path / "im.png")], check=True)
    return (tmp_path / "im.png").read_bytes()


RENDERERS = [graphviz_png, poppler_png, librsvg_png, imagemagick_png]


def the_neuron_view():
    return neuron_view()[2]


def the_scalar_view_with_deltas():
    root = mlp_example()
    root.backward()
    return draw_graph(root)


def a_backward_frame(view):
    def make():
        frames = backward_frames(neuron_example() if view == "scalar" else mlp_example(), view=view)
        return frames[len(frames) // 2].graph
    make.__name__ = f"a_{view}_backward_frame"
    return make


PICTURES = {  # each with a label it must show
    "neuron view": (the_neuron_view, "δ1[0]"),
    "scalar view, δ": (the_scalar_view_with_deltas, "= δ2[0]"),
    "scalar frame, ?": (a_backward_frame("scalar"), "grad ?"),
    "neuron frame, ?": (a_backward_frame("neuron"), "?"),
}


@pytest.mark.parametrize("renderer", RENDERERS, ids=lambda r: r.__name__)
@pytest.mark.parametrize("picture", PICTURES)
def test_every_label_shows_in_every_renderer(tmp_path, picture, renderer):
    make, expected = PICTURES[picture]
    graph = make()
    svg = graph.pipe(format="svg")
    boxes = text_boxes(svg)
    assert expected in {text for text, _ in boxes}, f"{picture}: no label {expected!r}"
    png = renderer(graph, svg, tmp_path)
    shares = ink(png, [box for _, box in boxes])
    empty = [(text, round(share, 3)) for (text, _), share in zip(boxes, shares) if share < INK_LEAST]
    assert not empty, f"{picture} through {renderer.__name__}: labels missing {empty}"


@pytest.mark.parametrize("picture", PICTURES)
def test_graphviz_pdf_holds_every_label_as_text(tmp_path, picture):
    make, expected = PICTURES[picture]
    graph = make()
    (tmp_path / "g.pdf").write_bytes(graph.pipe(format="pdf"))
    text = subprocess.run([tool("pdftotext"), str(tmp_path / "g.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    words = set(text.split())
    labels = {label for label, _ in text_boxes(graph.pipe(format="svg"))}
    missing = [label for label in labels if not set(label.split()) <= words]
    assert expected in labels and not missing, f"{picture}: not in the PDF's text: {missing}"
