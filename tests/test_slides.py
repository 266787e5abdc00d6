"""Pictures for a 16:9 slide (1920 x 1080 pixels): ``--size slide``.

Measured from what is written, not from the library's own sums: a PNG's pixel
size from its header; a label's pixel size as its SVG font size (pt) x the scale
Graphviz gave the drawing x (the PNG's width / the SVG's width), so a drawing
Graphviz shrank to fit the slide shows its labels shrunk.  A label reads on a
slide from about 24 px.  The HTML deck is measured in Chromium at 1920 x 1080.
"""

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from micrograd_bp.cli import main
from micrograd_bp.commands.graph import mlp_example, neuron_example
from micrograd_bp.draw import dot_installed

pytest.importorskip("graphviz")
pytestmark = pytest.mark.skipif(not dot_installed(), reason="Graphviz's dot program is not installed")
SVG = "{http://www.w3.org/2000/svg}"
SLIDE = (1920, 1080)
READS_PX = 24  # a label reads from the back of a room at this size on a 1920-px slide

EXAMPLES = {
    "neuron": ["--example", "neuron"],
    "mlp-neurons": ["--example", "mlp", "--view", "neuron"],
    "expr": ["--expr", "tanh(a*b + c)", "--var", "a=2", "--var", "b=-3", "--var", "c=10"],
}


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG file"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def label_pixels(svg, picture_width):
    """Each label's font size in pixels in a picture ``picture_width`` px wide."""
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    graph = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "graph")
    scale = float(re.search(r"scale\(([\d.]+)", graph.get("transform")).group(1))
    return sorted(float(t.get("font-size")) * scale * picture_width / width
                  for t in root.iter(f"{SVG}text"))


def slide(arguments, tmp_path, ending):
    out = tmp_path / f"fig.{ending}"
    assert main(["graph", *arguments, "--size", "slide", "--out", str(out)]) == 0
    return out.read_bytes()


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_slide_png_fits_the_slide_and_every_label_reads(tmp_path, example):
    width, height = png_size(slide(EXAMPLES[example], tmp_path, "png"))
    assert width <= SLIDE[0] and height <= SLIDE[1], (width, height)
    assert width >= SLIDE[0] / 2, "a slide picture is drawn large, not at a book's size"
    svg = slide(EXAMPLES[example], tmp_path, "svg")
    sizes = label_pixels(svg, width)
    assert sizes[0] >= READS_PX, f"smallest label {sizes[0]:.1f} px"
    points = float(ET.fromstring(svg).get("width").removesuffix("pt"))  # the SVG, placed at its
    assert points <= 13.33 * 72  # natural size on a 13.33-inch slide, fits it and reads the same:
    assert label_pixels(svg, points * SLIDE[0] / (13.33 * 72))[0] >= READS_PX


@pytest.mark.parametrize("example", ["neuron", "mlp-neurons"])
def test_a_slide_pdf_is_the_png_at_144_dpi(tmp_path, example):
    """The PDF's page fits a 13.33 x 7.5 inch slide, and rasterised at the slide's
    144 dpi by poppler's pdftoppm it is the PNG's size."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("poppler's pdftoppm is not installed (apt-get install poppler-utils)")
    (tmp_path / "fig.pdf").write_bytes(slide(EXAMPLES[example], tmp_path, "pdf"))
    subprocess.run([pdftoppm, "-r", "144", "-png", "-singlefile", str(tmp_path / "fig.pdf"),
                    str(tmp_path / "pdf")], check=True)
    from_pdf = png_size((tmp_path / "pdf.png").read_bytes())
    own = png_size(slide(EXAMPLES[example], tmp_path, "png"))
    assert all(abs(a - b) <= 2 for a, b in zip(from_pdf, own)), (from_pdf, own)
    assert from_pdf[0] <= SLIDE[0] and from_pdf[1] <= SLIDE[1]


def test_a_drawing_too_large_for_a_slide_is_named_so(tmp_path, capsys):
    """The scalar view of the MLP example is shrunk to about a third to fit: its labels
    fall below what reads, and the command says so (with the size it measured)."""
    svg = slide(["--example", "mlp"], tmp_path, "svg")
    warning = capsys.readouterr().err
    png = slide(["--example", "mlp"], tmp_path, "png")
    capsys.readouterr()
    smallest = label_pixels(svg, png_size(png)[0])[0]
    assert smallest < READS_PX
    found = re.search(r"too large for one slide.* labels are (\d+) px", warning)
    assert found, warning
    assert abs(int(found.group(1)) - smallest) <= 1, (found.group(1), smallest)
    assert "--view neuron" in warning
    slide(EXAMPLES["neuron"], tmp_path, "png")
    assert "warning" not in capsys.readouterr().err, "a neuron fits a slide: no warning"


def gif_frames(data):
    image = pytest.importorskip("PIL.Image")
    gif = image.open(io.BytesIO(data))
    return gif.n_frames, gif.size


@pytest.mark.parametrize("example", ["neuron", "mlp-neurons"])
def test_a_slide_gif_has_the_slide_resolution(tmp_path, example):
    """--steps x.gif --size slide: every frame at 144 dpi (1.5 x the 96-dpi GIF),
    the whole within the slide, 90 % of the labels of every frame (its step's text
    too) at 24 px or more."""
    pytest.importorskip("PIL.Image")
    from micrograd_bp.frames import backward_frames

    arguments = EXAMPLES[example]
    for name, size in (("slide.gif", ["--size", "slide"]), ("plain.gif", [])):
        assert main(["graph", *arguments, *size, "--steps", str(tmp_path / name)]) == 0
    count, (width, height) = gif_frames((tmp_path / "slide.gif").read_bytes())
    _, (plain_width, _) = gif_frames((tmp_path / "plain.gif").read_bytes())
    assert width <= SLIDE[0] and height <= SLIDE[1], (width, height)
    root = neuron_example() if example == "neuron" else mlp_example()
    view = "neuron" if "--view" in arguments else "scalar"
    frames = backward_frames(root, view=view, size="slide")
    assert count == len(frames)
    svgs = [f.graph.pipe(format="svg") for f in frames]
    widest = max(float(ET.fromstring(svg).get("viewBox").split()[2]) for svg in svgs)
    assert abs(width - widest * 144 / 72) <= 3, "the GIF is as wide as its widest frame at 144 dpi"
    for k, svg in enumerate(svgs):  # a frame with a long step text is shrunk to fit the height
        sizes = label_pixels(svg, float(ET.fromstring(svg).get("viewBox").split()[2]) * 144 / 72)
        assert sizes[len(sizes) // 10] >= READS_PX, f"frame {k}: labels of {sizes[:3]} px"
    plain = max(float(ET.fromstring(svg).get("viewBox").split()[2]) for svg in
                (f.graph.pipe(format="svg") for f in backward_frames(
                    neuron_example() if example == "neuron" else mlp_example(), view=view)))
    assert abs(plain_width - plain * 96 / 72) <= 3, "without a size, 96 dpi as before"


@pytest.mark.browser
def test_the_slide_deck_fills_the_screen_and_follows_each_step(browser, tmp_path):
    """The HTML deck at 1920 x 1080: 90 % of the labels at 24 px or more at every frame,
    the step's node (outlined in red) in view, the step's text large, no sideways
    scrolling of the page."""
    deck = tmp_path / "deck.html"
    assert main(["graph", "--example", "mlp", "--size", "slide", "--steps", str(deck)]) == 0
    page = browser.new_page(viewport={"width": SLIDE[0], "height": SLIDE[1]})
    try:
        page.goto(deck.as_uri())
        for k in range(19):
            seen = page.evaluate(MEASURE)
            assert seen["sizes"][len(seen["sizes"]) // 10] >= READS_PX - 0.5, (k, seen["sizes"][:3])
            assert seen["red"] or k == 0, f"frame {k}: no node outlined in red"  # 0: no step
            port = seen["port"]
            for box in seen["red"]:
                assert (box["left"] >= port["left"] - 1 and box["right"] <= port["right"] + 1
                        and box["top"] >= port["top"] - 1 and box["bottom"] <= port["bottom"] + 1), (k, box, port)
            assert seen["text_px"] >= 20 and seen["page_width"] <= SLIDE[0]
            page.keyboard.press("ArrowRight")
    finally:
        page.close()


# Label sizes in CSS px (font size x the scale the text is drawn at), the red node's
# box, the viewport's box, the step text's font size and the page's scroll width.
MEASURE = """() => {
  const frame = document.querySelector('.frame.current'), svg = frame.querySelector('svg');
  const sizes = [...svg.querySelectorAll('text')].map(  // the screen's scale, shrinking and all
      t => parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a).sort((a, b) => a - b);
  const box = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const red = [...svg.querySelectorAll('g.node')].filter(g => g.querySelector('[stroke="red"]'));
  return {sizes: sizes, red: red.map(g => box(g.getBoundingClientRect())),
          port: box(frame.querySelector('.viewport').getBoundingClientRect()),
          text_px: parseFloat(getComputedStyle(frame.querySelector('pre')).fontSize),
          page_width: document.documentElement.scrollWidth};
}"""
