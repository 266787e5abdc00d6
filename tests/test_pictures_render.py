"""A neuron view reads the same in every renderer: its labels are plain text.

Graphviz writes HTML-like <SUB>/<SUP> as <text> runs with baseline-shift, which
Chromium, librsvg and ImageMagick each place differently (or drop).  The drawing
uses none: every name (``z1[0]``, ``δ1[0]``, ``W1[0,2]``) is one plain <text>.
The test renders the same drawing with Graphviz's own PNG and with librsvg's
``rsvg-convert`` (and ImageMagick's ``convert`` where installed).
"""

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from micrograd_bp import MLP
from micrograd_bp.draw import dot_installed, draw_graph
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
