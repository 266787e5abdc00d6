"""The kernel-free stepper: one HTML element per display, its fallback, and (when
chromium and Playwright are installed) its buttons, slider and keys in a real browser."""

import re
import shutil
import threading
from html.parser import HTMLParser

import pytest

from micrograd_bp import MLP
from micrograd_bp.commands.graph import neuron_example
from micrograd_bp.draw import dot_installed
from micrograd_bp.player import Stepper, element_html, html_page, stepper
from micrograd_bp.widgets import backward_frames, layer_frames

pytest.importorskip("graphviz")
pytestmark = pytest.mark.skipif(not dot_installed(), reason="Graphviz's dot is not installed")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.external, self.hidden = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "hidden" in attrs:
            self.hidden.append(attrs.get("class"))
        for key in ("src", "href"):
            if attrs.get(key, "").startswith(("http", "//")):
                self.external.append(attrs[key])


def ids_of(text):
    parser = _Ids()
    parser.feed(text)
    return parser


def test_a_stepper_displays_as_html_with_new_ids_each_time():
    s = stepper(neuron_example())
    assert isinstance(s, Stepper) and len(s) == 6
    first, second = s._repr_html_(), s._repr_html_()
    a, b = ids_of(first), ids_of(second)
    assert len(a.ids) == len(set(a.ids)) and not set(a.ids) & set(b.ids)  # no clash
    assert a.external == []  # nothing loaded from the network
    assert a.hidden == ["player"]  # shown by the script, so without it the fallback shows
    assert "frame 1 of 6" in first and 'max="5"' in first


def test_without_javascript_an_animated_gif_shows():
    pytest.importorskip("PIL")
    text = stepper(neuron_example())._repr_html_()
    fallback = text.split('<div class="fallback">')[1].split("</div>")[0]
    assert fallback.startswith('<img src="data:image/gif;base64,R0lGOD')  # "GIF8" in base64
    assert 'alt="' in fallback
    assert "JavaScript" in element_html(backward_frames(neuron_example()), fallback=None)
    with pytest.raises(ValueError, match="fallback must be 'gif' or None"):
        element_html(backward_frames(neuron_example()), fallback="png")


def test_forward_then_backward_on_one_slider():
    s = stepper(neuron_example(), forward=True, fallback=None)
    assert len(s) == 6 + 5  # leaves, 5 nodes computed; then 5 backward steps
    assert s.frames[1].text.startswith("forward: ")
    with pytest.raises(TypeError, match="html_player: forward=True applies to a Value"):
        stepper(s.frames, forward=True)


def test_every_frame_keeps_the_largest_frames_size():
    frames = backward_frames(neuron_example(), caption=False)
    text = element_html(frames, fallback=None)
    sizes = re.findall(r'class="frame" data-width="([\d.]+)" data-height="([\d.]+)"', text)
    width = max(float(w) for w, _ in sizes)
    height = max(float(h) for _, h in sizes)
    assert f"var width = {width}, height = {height};" in text


def test_the_widget_is_still_there_with_a_kernel():
    pytest.importorskip("ipywidgets")
    box = stepper(neuron_example(), widget=True)
    assert box.slider.max == 5


# --- in a real browser ---------------------------------------------------------------

def _browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed")
    return sync_api


def _visible(locator):
    return locator.locator(".frame").evaluate_all(
        "fs => fs.map((f, i) => [i, getComputedStyle(f).display]).filter(x => x[1] !== 'none')")


def _in_own_thread(function):
    """Run ``function`` in a thread of its own and raise what it raised: Playwright's
    sync API refuses a thread where an asyncio loop runs (one that an earlier test,
    executing notebooks, may leave behind)."""
    failures = []

    def run():
        try:
            function()
        except BaseException as error:  # re-raised in the test's thread
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]


def test_in_a_browser_two_steppers_on_a_page_step_on_their_own(tmp_path):
    _in_own_thread(lambda: _two_steppers_on_a_page(tmp_path))


def _two_steppers_on_a_page(tmp_path):
    sync_api = _browser()
    mlp = MLP(2, [2, 1], seed=0)
    L = mlp([0.5, -1.0]) ** 2  # one output: a Value
    page_text = ("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><h1>two</h1>"
                 + stepper(neuron_example(), fallback=None)._repr_html_()
                 + stepper(layer_frames(L, caption=False), fallback=None)._repr_html_()
                 + "</body></html>")
    (tmp_path / "two.html").write_text(page_text, encoding="utf-8")
    single = tmp_path / "one.html"
    single.write_text(html_page(neuron_example()), encoding="utf-8")
    problems = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.goto((tmp_path / "two.html").as_uri())
            first, second = page.locator(".mgbp-stepper").nth(0), page.locator(".mgbp-stepper").nth(1)
            box = second.locator(".frame.current .drawing").bounding_box()
            second.locator(".next").click()
            second.locator(".next").click()
            assert [x[0] for x in _visible(first)] == [0] and [x[0] for x in _visible(second)] == [2]
            assert second.locator(".frame.current .drawing").bounding_box() == box  # no rescaling
            assert second.locator(".counter").inner_text() == f"frame 3 of {second.locator('.frame').count()}"
            second.focus()
            page.keyboard.press("ArrowRight")
            assert [x[0] for x in _visible(second)] == [3] and [x[0] for x in _visible(first)] == [0]
            second.locator(".zoom-in").click()
            assert second.locator(".frame.current .drawing").bounding_box()["width"] > box["width"]

            page.goto(single.as_uri())
            page.locator("#slider").focus()
            page.keyboard.press("ArrowRight")  # the slider moves itself: one frame, not two
            assert [x[0] for x in _visible(page)] == [1]
            assert page.locator(".counter").inner_text() == "frame 2 of 6"
            page.locator("h1").click()
            page.keyboard.press("ArrowRight")  # a page of its own: keys work from anywhere
            assert [x[0] for x in _visible(page)] == [2]
        finally:
            browser.close()
    assert problems == []
