"""The HTML player in Chromium, in a book's column (700 px) and a notebook's cell (900 px).

At every frame: 90 % of the drawing's labels render at 10 CSS px or more, the node
of the step (the node outlined in red, found in the page, not from the player's own
record of it) is inside the visible part of the drawing, and previous / next are
disabled exactly at the ends.  "whole" shows the whole drawing at once.
Playwright drives Debian's chromium (never a downloaded browser).
"""


import pytest

from micrograd_bp import MLP, losses
from micrograd_bp.commands.graph import neuron_example
from micrograd_bp.draw import dot_installed
from micrograd_bp.frames import backward_frames, layer_frames
from micrograd_bp.player import element_html

pytestmark = pytest.mark.browser
pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright")

if not dot_installed():
    pytest.skip("drawing frames needs Graphviz's dot", allow_module_level=True)

COLUMNS = {"book": 700, "notebook": 900}

# Per frame: label sizes in px, the red node's box and the viewport's box, the buttons.
MEASURE = """root => {
  const frame = root.querySelector('.frame.current'), svg = frame.querySelector('svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(
      t => parseFloat(t.getAttribute('font-size')) * scale);
  const red = [...svg.querySelectorAll('g.node')].filter(g => g.querySelector('[stroke="red"]'));
  const box = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  return {sizes: sizes, red: red.map(g => box(g.getBoundingClientRect())),
          port: box(frame.querySelector('.viewport').getBoundingClientRect()),
          drawing: box(svg.getBoundingClientRect()),
          previous: root.querySelector('.previous').disabled,
          next: root.querySelector('.next').disabled};
}"""


def neuron_frames():
    """Notebook 2's stepper: micrograd's neuron, forward then backward."""
    return backward_frames(neuron_example(), forward=True, caption=False)


def mlp_frames():
    """Notebook 3's stepper: Steps 2-4 on a 3-4-3 network with cross-entropy."""
    mlp = MLP(3, [4, 3], seed=0)
    loss = losses.cross_entropy(mlp([1.0, -2.0, 0.5]), 1)
    return layer_frames(loss, weights=["W1[0,2]", "W2[2,0]"], caption=False)


# The fixture `browser` (one Chromium for the session) is in conftest.py.


def inside(inner, outer, slack=1.0):
    return (inner["left"] >= outer["left"] - slack and inner["right"] <= outer["right"] + slack
            and inner["top"] >= outer["top"] - slack and inner["bottom"] <= outer["bottom"] + slack)


@pytest.mark.parametrize("column", sorted(COLUMNS))
@pytest.mark.parametrize("make", [neuron_frames, mlp_frames])
def test_every_frame_reads_and_shows_its_node(browser, tmp_path, column, make):
    frames = make()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.set_content(f'<div style="width: {COLUMNS[column]}px; margin: 0 auto">'
                         f'{element_html(frames, fallback=None)}</div>')
        root = page.locator(".mgbp-stepper")
        for k in range(len(frames)):
            seen = root.evaluate(MEASURE)
            where = f"{make.__name__}, {column} column, frame {k + 1} of {len(frames)}"
            sizes = sorted(seen["sizes"])
            assert sizes[len(sizes) // 10] >= 10 - 1e-6, f"{where}: labels of {sizes[:5]} px"
            assert seen["port"]["right"] - seen["port"]["left"] <= COLUMNS[column] + 1, where
            assert seen["previous"] == (k == 0) and seen["next"] == (k == len(frames) - 1), where
            if k > 0:  # frame 0 has no step
                assert seen["red"], f"{where}: no node of this step"
                for box in seen["red"]:
                    assert inside(box, seen["port"]), f"{where}: the node {box} is out of view {seen['port']}"
            if k in (0, len(frames) // 2):
                page.screenshot(path=str(tmp_path / f"{make.__name__}-{column}-{k}.png"))
            if k < len(frames) - 1:
                root.locator(".next").click()
        root.get_by_role("button", name="whole").click()
        seen = root.evaluate(MEASURE)
        assert inside(seen["drawing"], seen["port"], slack=3), "'whole' shows the whole drawing"
    finally:
        page.close()


@pytest.mark.parametrize("make", [neuron_frames, mlp_frames])
def test_the_widget_pans_to_the_node_of_every_step(browser, make):
    pytest.importorskip("ipywidgets")
    from micrograd_bp.widgets import step_widget

    frames = make()
    widget = step_widget(frames)
    previous, _, following = widget.children[0].children[:3]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        for k in range(len(frames)):
            widget.slider.value = k
            where = f"{make.__name__}, the widget, frame {k + 1} of {len(frames)}"
            assert previous.disabled == (k == 0) and following.disabled == (k == len(frames) - 1), where
            page.set_content(f'<div class="frame current" style="width: {COLUMNS["notebook"]}px">'
                             f'<div class="viewport">{widget.children[1].value}</div></div>'
                             '<button class="previous"></button><button class="next"></button>')
            seen = page.locator("body").evaluate(MEASURE)
            sizes = sorted(seen["sizes"])
            assert sizes[len(sizes) // 10] >= 10 - 1e-6, f"{where}: labels of {sizes[:5]} px"
            assert seen["drawing"]["right"] - seen["drawing"]["left"] <= COLUMNS["notebook"] + 1, where
            for box in seen["red"]:
                assert inside(box, seen["drawing"]), f"{where}: the node {box} is out of {seen['drawing']}"
            assert seen["red"] or k == 0, f"{where}: no node of this step"
    finally:
        page.close()


def test_on_a_phone_the_player_scrolls_inside_itself_not_the_page(browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.set_content('<meta name="viewport" content="width=device-width, initial-scale=1">'
                         f'<body style="margin: 8px">{element_html(mlp_frames(), fallback=None)}</body>')
        for _ in range(3):
            page.locator(".mgbp-stepper .next").click()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    finally:
        page.close()
