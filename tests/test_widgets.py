"""Frames of the backward pass, the stepper widget, and the GIF / HTML exports."""

import math
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from micrograd_bp import MLP, Value, topological_order
from micrograd_bp.commands.graph import neuron_example
from micrograd_bp.draw import dot_installed
from micrograd_bp.player import html_page, save_html
from micrograd_bp.widgets import Frame, backward_frames, save_gif, stepper_widget

pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(not dot_installed(), reason="Graphviz's dot program is not installed")


def tanh_neuron():
    """micrograd's lecture neuron, o = tanh(x1*w1 + x2*w2 + b), before backward; and w1."""
    o = neuron_example()
    w1 = next(v for v in topological_order(o) if v.label == "w1")
    return o, w1


def test_one_frame_per_step_after_the_forward_frame():
    o, w1 = tanh_neuron()
    frames = backward_frames(o)
    assert len(frames) == 1 + 5  # forward; tanh, +, +, *, *
    assert frames[0].step is None and "grad" not in frames[0].graph.source
    assert all(isinstance(f, Frame) for f in frames)
    # the final frame shows the finished grads: dL/dw1 = x1 (1 - tanh(n)**2)
    expected = 2.0 * (1 - math.tanh(0.8813735870195432) ** 2)
    assert w1.grad == pytest.approx(expected)
    assert f"grad {expected:.4f}" in frames[-1].graph.source
    assert "grad ?" in frames[1].graph.source.split("<B>w1</B>")[1].split("\n")[0]  # not yet


def test_the_current_node_is_red_and_its_children_orange():
    o, _ = tanh_neuron()
    frames = backward_frames(o)
    first = frames[1].graph.source
    o_line = next(line for line in first.splitlines() if "<B>o</B>" in line)
    n_line = next(line for line in first.splitlines() if "<B>n</B>" in line)
    assert 'COLOR="red"' in o_line and 'COLOR="orange"' in n_line
    assert first.count('COLOR="red"') == 1


def test_the_caption_carries_the_chain_rule_line():
    o, _ = tanh_neuron()
    frames = backward_frames(o)
    assert "step 1: o.grad = do/do = 1.0" in frames[1].graph.source
    assert "n.grad += (1 - o.data²) × o.grad" in frames[1].text
    assert "step 1" not in backward_frames(tanh_neuron()[0], caption=False)[1].graph.source


def test_frames_refuse_options_they_set_themselves():
    with pytest.raises(TypeError, match="highlight"):
        backward_frames(tanh_neuron()[0], highlight=[])


def test_an_mlp_steps_through_the_deltas():
    mlp = MLP(2, [2, 1], activation="tanh", seed=0)
    out = mlp([1.0, 0.5])
    frames = backward_frames(out)
    texts = "\n".join(f.text for f in frames)
    assert "δ2[0] = dz2[0]/dz2[0]" in texts and "δ1[1] = dz2[0]/dz1[1]" in texts  # the root is z2[0]


@needs_dot
def test_each_frame_renders_to_svg():
    o, _ = tanh_neuron()
    frame = backward_frames(o)[3]
    svg = frame.svg()
    assert svg.startswith("<svg")
    ET.fromstring(svg)  # well-formed
    assert "image/svg+xml" in frame._repr_mimebundle_()


class _PageParts(HTMLParser):
    """Collects what a self-contained page must have and must not have."""

    def __init__(self):
        super().__init__()
        self.frames, self.buttons, self.external, self.svgs = 0, [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("class") == "frame":
            self.frames += 1
        if tag == "button" and "id" in attrs:
            self.buttons.append(attrs["id"])
        if tag == "svg":
            self.svgs += 1
        for key in ("src", "href"):
            if attrs.get(key, "").startswith(("http", "//")) and tag in ("script", "link", "img"):
                self.external.append(attrs[key])


@needs_dot
def test_the_html_page_is_self_contained_with_buttons(tmp_path):
    o, _ = tanh_neuron()
    frames = backward_frames(o)
    path = save_html(frames, tmp_path / "steps.html", title="The tanh neuron")
    page = path.read_text(encoding="utf-8")
    parts = _PageParts()
    parts.feed(page)
    assert parts.frames == parts.svgs == len(frames)
    assert parts.buttons == ["previous", "play", "next"]
    assert parts.external == []
    assert "<title>The tanh neuron</title>" in page
    assert 'max="5"' in page
    assert "n.grad += (1 - o.data²) × o.grad" in page
    titled = html_page(frames, title="a<b")
    assert "a&lt;b" in titled.split("<title>")[1] and "a<b" not in titled


@needs_dot
def test_the_gif_has_one_picture_per_frame(tmp_path):
    image = pytest.importorskip("PIL.Image")
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = a * b + a
    out.label = "out"
    path = save_gif(out, tmp_path / "steps.gif", duration=700)
    with image.open(path) as gif:
        assert gif.n_frames == 1 + 2  # forward; +, *
        assert gif.info["duration"] == 700 and gif.info["loop"] == 0
    assert (a.grad, b.grad) == (-3.0 + 1.0, 2.0)  # d(ab + a)/da = b + 1, d/db = a


def test_exports_refuse_what_is_not_frames():
    with pytest.raises(TypeError, match="list of Frames"):
        html_page([1, 2])


@needs_dot
def test_the_widget_steps_forward_and_back():
    pytest.importorskip("ipywidgets")
    o, _ = tanh_neuron()
    box = stepper_widget(o)
    controls, picture, text = box.children
    previous, play, following, slider, whole = controls.children
    assert slider.max == play.max == 5
    assert "Forward pass done" in text.value
    assert previous.disabled and not following.disabled
    following.click()
    following.click()
    assert slider.value == 2
    assert picture.value.split(">", 1)[1] == box.frames[2].svg().split(">", 1)[1]  # a window on it
    whole.value = True
    assert re.search(r'viewBox="0\.00 0\.00 ', picture.value)  # the whole drawing
    assert "n.grad = do/dn" in text.value
    previous.click()
    assert slider.value == 1 and "o.grad = do/do" in text.value
    slider.value = 5
    following.click()
    assert slider.value == 5 and following.disabled  # stays on the last frame
    assert "step 1" not in picture.value  # the text sits under the graph, not in it


def _drawn_numbers(frames):
    """What every frame draws (the DOT text), with the ids of the graph's nodes."""
    return [f.graph.source for f in frames]


@pytest.mark.parametrize("earlier_passes", [1, 2])
def test_frames_after_an_earlier_backward_draw_this_pass_only(earlier_passes):
    mlp = MLP(2, [3, 1], activation="tanh", seed=3)
    fresh = backward_frames(mlp([0.5, -1.5]))
    mlp.zero_grad()
    again = mlp([0.5, -1.5])
    for _ in range(earlier_passes):
        again.backward()  # the leaves now hold grads from earlier passes
    held = {p: p.grad for p in mlp.parameters()}
    frames = backward_frames(again)
    assert _drawn_numbers(frames) == _drawn_numbers(fresh)
    assert [f.text for f in frames] == [f.text for f in fresh]
    # ... and the leaves hold what one more backward() leaves: earlier + this pass
    one_pass = {p: g / earlier_passes for p, g in held.items()}
    for p in mlp.parameters():
        assert p.grad == pytest.approx(held[p] + one_pass[p])


def test_forward_frames_compute_one_node_each_then_backward_follows():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = (a * b).tanh()
    out.label = "out"
    frames = backward_frames(out, forward=True)
    assert len(frames) == 1 + 2 + 2  # leaves; a*b, tanh; then two backward steps
    assert frames[0].graph.source.count("data ?") == 2  # the product and out
    assert "v2 = a·b = 2.0·(-3.0) = -6.0" in frames[1].text
    assert frames[1].graph.source.count("data ?") == 1
    assert frames[1].step.node is out.children[0]
    assert "out = tanh(v2) = tanh(-6.0) = " in frames[2].text
    assert "Backward starts at the root with dout/dout = 1." in frames[2].text
    assert "data ?" not in frames[2].graph.source
    assert frames[3].step.node is out and "out.grad = dout/dout = 1.0" in frames[3].text
    assert "grad" not in frames[2].graph.source and "grad" in frames[3].graph.source


def test_layer_frames_fill_in_one_delta_per_frame_in_the_neuron_view():
    from micrograd_bp.losses import mse
    from micrograd_bp.widgets import layer_frames

    mlp = MLP(2, [3, 2], activation="relu", seed=1)
    trace = mlp.trace([1.0, -2.0])
    L = mse(trace.h[2], [1.0, 0.0])
    frames = layer_frames(L, weights=["W1[1,1]"])
    # start; δ2[0..1]; per δ1[j]: the engine's += along its 2 edges, then δ1[j]; dL/dW1[1,1]
    assert len(frames) == 1 + 2 + 3 * (2 + 1) + 1
    assert frames[0].graph.source.count("<TD>?</TD>") == 5  # every δ unknown

    def green(frame):
        edges = re.findall(r"(\w+)[:\w]* -> (\w+)[:\w]* \[([^\]]*)\]", frame.graph.source)
        return sorted(f"{a}->{b}" for a, b, attributes in edges if "#00a000" in attributes)

    engine = frames[6:8]  # start, δ2[0], δ2[1], 2 + δ1[0], then the edges into δ1[1]
    assert all(f.text.startswith("Step 3, backpropagate, the engine's +=: h1[1].grad += W2[")
               for f in engine)
    assert sorted(g for f in engine for g in green(f)) == ["n1_1->n2_0", "n1_1->n2_1"]
    assert all(f.graph.source.count("<TD>?</TD>") == 2 for f in engine)  # δ1[1] not yet
    frame = frames[8]
    assert frame.text.startswith("Step 3, backpropagate: δ1[1] = (W2[0,1]·δ2[0] + W2[1,1]·δ2[1])")
    assert frame.graph.source.count("<TD>?</TD>") == 1  # only δ1[2] is left
    assert green(frame) == ["n1_1->n2_0", "n1_1->n2_1"]
    last = frames[-1]
    assert last.text.startswith("Step 4, gradient: dL/dW1[1,1] = δ1[1] · x[1]")
    L.backward()
    assert last.step.value == pytest.approx(mlp.layers[0].neurons[1].w[1].grad)
    with pytest.raises(ValueError, match="neuron view"):
        layer_frames(L, view="scalar")
