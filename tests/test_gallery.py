"""The gallery's pictures (docs/images/gallery) are the ones tools/gallery.py draws now.

Compared by what a reader sees, not byte for byte (another Graphviz or other
fonts move things by a point): every label of every SVG and of every stepper's
frames, in order; a slide PNG is checked for its size.
"""

import importlib.util
import re
from pathlib import Path

import pytest

from micrograd_bp.draw import dot_installed

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("graphviz")


def seen(data):
    """The texts a reader sees in an SVG or a stepper's HTML, in order."""
    text = data.decode("utf-8")
    return re.findall(r"<text[^>]*>([^<]*)</text>", text) + re.findall(r"<pre[^>]*>(.*?)</pre>", text, re.S)


@pytest.mark.skipif(not dot_installed(), reason="Graphviz's dot program is not installed")
def test_the_committed_gallery_is_what_the_drawings_draw_today():
    spec = importlib.util.spec_from_file_location("gallery", ROOT / "tools" / "gallery.py")
    gallery = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gallery)
    made = gallery.files()
    assert {p.name for p in gallery.OUT.iterdir()} == set(made), "run: python tools/gallery.py"
    stale = []
    for name, data in made.items():
        committed = (gallery.OUT / name).read_bytes()
        if name.endswith(".png"):  # a 16:9 slide, 144 dpi: at most 1920 x 1080 pixels
            width, height = (int.from_bytes(committed[k:k + 4], "big") for k in (16, 20))
            assert committed[:8] == b"\x89PNG\r\n\x1a\n" and width <= 1920 and height <= 1080, name
        elif seen(committed) != seen(data):
            stale.append(name)
    assert not stale, f"stale pictures {stale}: run  python tools/gallery.py"
    page = (ROOT / "docs" / "gallery.md").read_text(encoding="utf-8")
    assert all(f"images/gallery/{name}" in page for name in made), "the page shows every file"
