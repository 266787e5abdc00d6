"""The web book and the steppers, used in a real browser as a learner would.

Playwright drives Debian's ``chromium`` (never a browser Playwright downloads).
The book is built once per session into a temporary folder with the same command
as ``bash run.sh docs`` (or taken from ``MICROGRAD_BP_SITE``, a folder already
built).  Pages are opened from ``file://`` with every request to the network
refused, as in a classroom without internet.  A failing test saves a screenshot
into ``browser-failures/`` and names the file in its message.

Select these tests with ``-m browser``, leave them out with ``-m "not browser"``.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright")
pytest.importorskip("sphinx", reason="building the book needs sphinx (pip install -e '.[docs]')")

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "browser-failures"


# --- the site, the browser, a page that records what goes wrong ----------------------

# The fixtures `site` (the built book) and `browser` (one Chromium) are in conftest.py.


class Watched:
    """A browser page that records console errors, page errors and failed requests.

    Requests leave the machine only to ``allowed`` hosts (none for the book): any
    other request is refused and recorded, so a page that needs a CDN fails.
    """

    def __init__(self, browser, name, allowed=()):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.name, self.problems = name, []
        page = self.page
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"uncaught exception: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

        def route(request_route):
            url = request_route.request.url
            if url.startswith(("file:", "data:", "blob:")) or any(host in url for host in allowed):
                request_route.continue_()
            else:
                self.problems.append(f"request to the network: {url}")
                request_route.abort()

        page.route("**/*", route)

    def screenshot(self):
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', self.name)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@contextlib.contextmanager
def watched(browser, name, allowed=()):
    """A Watched page; if the block fails, a screenshot is saved and named in the error."""
    w = Watched(browser, name, allowed)
    try:
        yield w
    except Exception as e:
        path = w.screenshot()
        raise AssertionError(f"{e}\n(screenshot of the page: {path}; all of them are in {SCREENSHOTS}/)") from e
    finally:
        w.page.close()


def pages(site):
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def typeset(page):
    """Wait until MathJax has typeset the page (no-op where MathJax is not loaded)."""
    page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")


# --- the built site, read as files -------------------------------------------------

class _Resources(HTMLParser):
    """What an HTML page loads (script src, link href, img/iframe/source src) and its images."""

    LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
             "video": "src", "embed": "src", "object": "data", "link": "href"}

    def __init__(self):
        super().__init__()
        self.loads, self.images = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.LOADS and attrs.get(self.LOADS[tag]):
            if tag != "link" or set((attrs.get("rel") or "").split()) & {"stylesheet", "preload", "icon",
                                                                          "modulepreload", "prefetch"}:
                self.loads.append(f"<{tag} {self.LOADS[tag]}={attrs[self.LOADS[tag]]}>")
        if tag == "img":
            self.images.append(attrs)


def _parse(path):
    parser = _Resources()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_the_book_has_every_notebook_every_doc_and_the_api(site):
    built = {p.relative_to(site).as_posix() for p in pages(site)}
    expected = {f"notebooks/{p.stem}.html" for p in (ROOT / "notebooks").glob("*.md") if p.name != "README.md"}
    expected |= {f"docs/{p.stem}.html" for p in (ROOT / "docs").glob("*.md")}
    assert expected <= built, f"missing pages: {sorted(expected - built)}"
    api = (site / "docs" / "api.html").read_text(encoding="utf-8")
    assert "micrograd_bp.engine.Value.backward" in api, "the API reference documents Value.backward"
    assert (site / "index.html").exists(), "the site opens at its top folder's index.html"


def test_nothing_is_loaded_from_the_network(site):
    remote = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
    found = [f"{page.relative_to(site)}: {load}" for page in pages(site)
             for load in _parse(page).loads if remote.match(load.split("=", 1)[1])]
    css_urls = [f"{css.relative_to(site)}: {m}" for css in site.rglob("*.css")
                for m in re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)|@import\s+['\"]?https?://[^;]*",
                                    css.read_text(encoding="utf-8", errors="replace"))]
    assert not found + css_urls, "loaded from the network:\n" + "\n".join(found + css_urls)


def test_every_image_has_alt_text(site):
    missing = [f"{page.relative_to(site)}: {img.get('src')}" for page in pages(site)
               for img in _parse(page).images
               if not (img.get("alt") or "").strip() or img.get("alt") == img.get("src")]
    assert not missing, "images without alt text:\n" + "\n".join(missing)


def test_the_landing_page_says_what_it_is_and_where_to_start(site):
    text = (site / "docs" / "index.html").read_text(encoding="utf-8")
    assert "backpropagation" in text.lower() and "Where to start" in text
    assert 'href="../notebooks/01_chain_rule.html"' in text


# --- every page in the browser ------------------------------------------------------

def test_every_page_loads_without_errors_and_its_math_is_typeset(site, browser):
    with watched(browser, "every-page") as w:  # one tab, page after page
        for path in pages(site):
            name = path.relative_to(site).as_posix()
            w.name, w.problems[:] = f"page-{name}", []
            w.page.goto(path.as_uri(), wait_until="load")
            if path == site / "index.html":  # the site's top redirects to the book's first page
                w.page.wait_for_url("**/docs/index.html")
            typeset(w.page)
            w.page.evaluate("() => document.fonts.ready.then(() => true)")  # MathJax's fonts, loaded
            assert not w.problems, f"{name}:\n" + "\n".join(w.problems)
            untypeset = w.page.locator(".math:not(:has(mjx-container))").count()
            assert untypeset == 0, f"{name}: {untypeset} formulas left as TeX"
            assert "$$" not in w.page.inner_text("body"), f"{name}: raw $$ on the page"


@pytest.mark.parametrize("page_name", ["docs/equations.html", "notebooks/03_mlp_step_by_step.html"])
def test_math_is_typeset_by_mathjax(site, browser, page_name):
    with watched(browser, f"math-{page_name}") as w:
        w.page.goto((site / page_name).as_uri())
        typeset(w.page)
        assert w.page.locator("mjx-container").count() >= 10, "MathJax's output elements are on the page"
        assert w.page.locator("mjx-container mjx-mi").count() > 0, "and hold typeset symbols"
        assert "\\frac" not in w.page.inner_text("body") and "$$" not in w.page.inner_text("body")


def test_the_landing_page_links_to_the_first_notebook(site, browser):
    with watched(browser, "landing") as w:
        w.page.goto((site / "index.html").as_uri())  # the site's top: a redirect to the book
        w.page.wait_for_url("**/docs/index.html")
        w.page.get_by_role("link", name="The chain rule, one node at a time").first.click()
        w.page.wait_for_url("**/notebooks/01_chain_rule.html")
        assert w.page.locator("h1").first.inner_text().startswith("1. The chain rule")


# --- steppers: the exported page and the book's pages --------------------------------

class Stepper:
    """One HTML stepper (frames, previous / play / next, a slider) as a learner sees it.

    ``root`` is the element holding one stepper: the page exported by ``html_page``,
    or one stepper among several on a notebook's page.  The controls are found by
    what they show (buttons named previous / play / next, a range input), not by ids.
    """

    def __init__(self, root):
        self.root = root
        self.slider = root.locator("input[type=range]").first
        root.page.set_default_timeout(10_000)  # a missing control fails in seconds, not half a minute

    def button(self, name):
        return self.root.get_by_role("button", name=re.compile(name, re.IGNORECASE)).first

    def state(self):
        """(index of the visible frame, its text), checking exactly one frame is shown."""
        shown = self.root.locator(".frame").evaluate_all(
            "fs => fs.map((f, i) => [i, f.offsetParent !== null, f.innerText]).filter(x => x[1])")
        assert len(shown) == 1, f"exactly one frame is visible, not {[x[0] for x in shown]}"
        return shown[0][0], shown[0][2]

    def count(self):
        return self.root.locator(".frame").count()


def check_stepping(page, s):
    """next / previous / the slider / the arrow keys change the visible frame and its text."""
    n = s.count()
    assert n >= 3, f"a stepper with {n} frames"
    first = s.state()
    assert first[0] == 0, "it opens on the first frame"
    s.button("next").click()
    second = s.state()
    assert second[0] == 1 and second[1] != first[1], "next shows the next frame and its text"
    s.button("previous").click()
    assert s.state() == first, "previous goes back"
    s.slider.fill(str(n - 1))
    last = s.state()
    assert last[0] == n - 1 and last[1] != first[1], "the slider jumps to a frame"
    s.root.locator(".frame").nth(n - 1).click()  # focus inside the stepper, not on a control
    page.keyboard.press("ArrowLeft")
    assert s.state()[0] == n - 2, "the left arrow goes back one frame"
    page.keyboard.press("ArrowRight")
    assert s.state() == last, "the right arrow goes forward one frame"
    assert s.root.locator(".counter").inner_text() == f"frame {n} of {n}", "the counter counts from 1"
    if n >= 4:  # from frame 1, a double step would show frame 3
        s.slider.fill("1")
        s.slider.focus()  # the slider moves itself on an arrow key: one frame, not two
        page.keyboard.press("ArrowRight")
        assert s.state()[0] == 2, "an arrow key on the slider moves one frame"


def drawing_size(s):
    """The visible frame's drawing, in CSS pixels (width, height)."""
    box = s.root.locator(".frame.current .drawing svg").bounding_box()
    return round(box["width"]), round(box["height"])


def check_size_and_zoom(page, s):
    """The drawing keeps its size from frame to frame; the zoom buttons scale it."""
    n = s.count()
    sizes = set()
    for k in range(n):
        s.slider.fill(str(k))
        sizes.add(s.root.locator(".frame.current .drawing").bounding_box()["width"])
    assert len(sizes) == 1, f"the drawing keeps one width from frame to frame, not {sorted(sizes)}"
    before = drawing_size(s)
    s.root.get_by_role("button", name="+").click()
    bigger = drawing_size(s)
    assert bigger[0] > before[0] * 1.1 and bigger[1] > before[1] * 1.1, f"zoom in: {before} -> {bigger}"
    s.root.get_by_role("button", name="1:1").click()
    s.root.get_by_role("button", name="−").click()
    natural_smaller = drawing_size(s)
    s.root.get_by_role("button", name="1:1").click()
    assert natural_smaller[0] < drawing_size(s)[0], "zoom out makes it smaller than its natural size"


def check_playing(page, s):
    """play advances frame by frame to the last frame and stops (the page's clock is moved by hand)."""
    n = s.count()
    s.button("play").click()
    page.clock.run_for(2_000)
    assert 0 < s.state()[0] < n - 1, "play advances frame by frame"
    page.clock.run_for(60_000 * n)
    assert s.state()[0] == n - 1, "play advances to the last frame"
    assert "play" in s.button("play|pause").inner_text().lower(), "and stops there"


@pytest.fixture(scope="module")
def exported_steps(tmp_path_factory):
    """The page ``python -m micrograd_bp graph --example neuron --steps x.html`` writes."""
    if shutil.which("dot") is None:
        pytest.skip("drawing frames needs Graphviz's dot")
    out = tmp_path_factory.mktemp("steps")
    result = subprocess.run(
        [sys.executable, "-m", "micrograd_bp", "graph", "--example", "neuron", "--out", str(out / "g.svg"),
         "--steps", str(out / "steps.html")],
        cwd=out, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return out / "steps.html"


def test_the_exported_stepper_steps_with_buttons_slider_and_keys(exported_steps, browser):
    with watched(browser, "exported-stepper") as w:
        w.page.goto(exported_steps.as_uri())
        check_stepping(w.page, Stepper(w.page.locator("body")))
        check_size_and_zoom(w.page, Stepper(w.page.locator("body")))
        assert not w.problems, "\n".join(w.problems)


def test_the_exported_stepper_plays_to_the_end(exported_steps, browser):
    with watched(browser, "exported-stepper-play") as w:
        w.page.clock.install()  # the test moves the page's clock: no waiting for real seconds
        w.page.goto(exported_steps.as_uri())
        check_playing(w.page, Stepper(w.page.locator("body")))
        assert not w.problems, "\n".join(w.problems)


# The steppers on the book's pages: each one is the nearest element around a slider
# that also holds frames.
_MARK_STEPPERS = """() => {
  let k = 0;
  for (const slider of document.querySelectorAll("input[type=range]")) {
    let el = slider.parentElement;
    while (el && !el.querySelector(".frame")) el = el.parentElement;
    if (el) el.setAttribute("data-test-stepper", k++);
  }
  return k;
}"""


def _book_steppers(site):
    """(page, number of steppers on it) for every book page whose HTML holds a stepper."""
    found = []
    for path in pages(site):
        text = path.read_text(encoding="utf-8")
        if 'type="range"' in text and 'class="frame' in text:
            found.append(path)
    return found


def test_the_book_steppers_step_and_play(site, browser):
    found = _book_steppers(site)
    if not found:
        pytest.skip("no page of the book has an HTML stepper yet")
    for path in found:
        with watched(browser, f"book-stepper-{path.stem}") as w:
            w.page.clock.install()
            w.page.goto(path.as_uri())
            count = w.page.evaluate(_MARK_STEPPERS)
            assert count >= 1, f"{path.name}: a stepper's slider sits next to its frames"
            for k in range(count):
                root = w.page.locator(f"[data-test-stepper='{k}']")
                root.scroll_into_view_if_needed()
                check_stepping(w.page, Stepper(root))
                check_size_and_zoom(w.page, Stepper(root))
                check_playing(w.page, Stepper(root))
            assert not w.problems, "\n".join(w.problems)


# --- the live widget in JupyterLab ---------------------------------------------------

def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def jupyter_lab(tmp_path_factory):
    """``jupyter lab`` on 127.0.0.1 (a token, a free port) serving a notebook with a stepper."""
    pytest.importorskip("jupyterlab", reason="the live widget test needs jupyterlab")
    nbformat = pytest.importorskip("nbformat")
    if shutil.which("dot") is None:
        pytest.skip("drawing frames needs Graphviz's dot")
    home = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from micrograd_bp import Value\n"
        "from micrograd_bp.widgets import stepper_widget\n\n"
        "a, b, c = Value(2.0, label='a'), Value(-3.0, label='b'), Value(10.0, label='c')\n"
        "L = a * b + c\nL.label = 'L'\n"
        "stepper_widget(L)")]
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, home / "stepper.ipynb")
    port, token = _free_port(), os.urandom(16).hex()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    log = open(home / "lab.log", "w")
    lab = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={home}", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate", *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert lab.poll() is None, (home / "lab.log").read_text()
                time.sleep(0.5)
        else:
            raise AssertionError("jupyter lab did not start:\n" + (home / "lab.log").read_text())
        yield base, token
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            lab.kill()
        log.close()


@pytest.mark.timeout(600)
def test_the_live_widget_steps_in_jupyterlab(jupyter_lab, browser):
    base, token = jupyter_lab
    with watched(browser, "jupyterlab-widget", allowed=(base,)) as w:
        page = w.page
        page.set_default_timeout(120_000)
        page.goto(f"{base}/lab/tree/stepper.ipynb?token={token}")
        page.locator(".jp-Notebook").wait_for()
        select = page.locator(".jp-Dialog").get_by_role("button", name="Select", exact=True)
        with contextlib.suppress(sync_api.TimeoutError):  # JupyterLab may ask which kernel to start
            select.wait_for(timeout=10_000)
            select.click()
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        following = page.locator("button.jupyter-button", has_text="next")
        following.wait_for()
        picture = page.locator(".widget-html-content").first
        text = page.locator(".widget-html-content pre").first
        before = (picture.inner_html(), text.inner_text())
        assert "<svg" in before[0], "the widget shows the graph"
        following.click()
        page.wait_for_function(
            "before => document.querySelector('.widget-html-content pre').innerText !== before", arg=before[1])
        after = (picture.inner_html(), text.inner_text())
        assert after[0] != before[0] and after[1] != before[1], "next changes the picture and the text"
