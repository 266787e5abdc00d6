"""The gallery's pictures (docs/images/gallery) are the ones tools/gallery.py draws now."""

import importlib.util
from pathlib import Path

import pytest

from micrograd_bp.draw import dot_installed

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("graphviz")


@pytest.mark.skipif(not dot_installed(), reason="Graphviz's dot program is not installed")
def test_the_committed_gallery_is_what_the_drawings_draw_today():
    spec = importlib.util.spec_from_file_location("gallery", ROOT / "tools" / "gallery.py")
    gallery = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gallery)
    made = gallery.files()
    committed = {p.name for p in gallery.OUT.iterdir()}
    assert committed == set(made), "run: python tools/gallery.py"
    stale = [name for name, data in made.items() if (gallery.OUT / name).read_bytes() != data]
    assert not stale, f"stale pictures {stale}: run  python tools/gallery.py"
    page = (ROOT / "docs" / "gallery.md").read_text(encoding="utf-8")
    assert all(f"images/gallery/{name}" in page for name in made), "the page shows every file"
