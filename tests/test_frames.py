"""Frames: "?" for what this pass has not computed yet, and where the step's node is."""

import re

import pytest

from micrograd_bp import Value, topological_order
from micrograd_bp.commands.graph import neuron_example
from micrograd_bp.draw import dot_installed
from micrograd_bp.frames import as_frames, backward_frames, focus_box

pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(not dot_installed(), reason="Graphviz's dot program is not installed")


def shown_grads(frame, order):
    """{Value: the grad text its box shows ("?" or a number)}, read from the DOT source."""
    found = dict(re.findall(r"^\s*v(\d+) \[label=<.*?grad ([^<]+)</TD>", frame.graph.source, re.M))
    return {order[int(k)]: text for k, text in found.items()}


def test_a_grad_is_a_question_mark_until_a_step_writes_it_then_final_after_its_own_step():
    root = neuron_example()
    order = topological_order(root)
    frames = backward_frames(root, caption=False)
    final = {v: v.grad for v in order}  # the frames ran one backward pass; recompute to compare
    root.backward()
    assert {v: v.grad for v in order if v.children} == {v: final[v] for v in order if v.children}
    written, stepped = set(), set()
    for frame in frames[1:]:
        stepped.add(frame.step.node)
        written.update(t.child for t in frame.step.terms)
        written.add(frame.step.node)
        for v, text in shown_grads(frame, order).items():
            if v not in written:
                assert text == "?", f"{v.label or v}: {text} before any step wrote it"
            else:
                assert text != "?"
            if v in stepped and v.children:
                assert text == f"{final[v] + 0.0:.4f}"


def test_a_computed_zero_is_not_a_question_mark():
    x = Value(-1.0, label="x")
    r = x.relu()
    r.label = "r"
    L = r * 2.0
    L.label = "L"
    frames = backward_frames(L, caption=False)
    line = lambda f: next(s for s in f.graph.source.splitlines() if "<B>x</B>" in s)  # noqa: E731
    assert "grad ?" in line(frames[1])  # L's step: x not reached yet
    assert "grad 0.0000" in line(frames[-1])  # relu's step: x.grad is a computed 0


@needs_dot
def test_the_focus_box_holds_the_red_node_and_not_the_others():
    frames = backward_frames(neuron_example(), caption=False)
    svg = frames[1].svg()  # the root o's step: o red, n orange
    x, y, w, h = focus_box(svg)
    graph_shift = re.search(r'translate\(([-\d.]+) ([-\d.]+)\)', svg)
    tx, ty = float(graph_shift.group(1)), float(graph_shift.group(2))
    labels = {m.group(3): (float(m.group(1)) + tx, float(m.group(2)) + ty)
              for m in re.finditer(r'<text[^>]*? x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]+)</text>', svg)}
    ox, oy = labels["o"]
    nx, ny = labels["n"]
    assert x <= ox <= x + w and y - 1 <= oy <= y + h + 1
    assert not (x <= nx <= x + w)
    assert focus_box(frames[0].svg()) is None  # the forward frame has no step


def test_as_frames_refuses_what_is_not_frames():
    with pytest.raises(TypeError, match="a Value or a non-empty list of Frames"):
        as_frames([1, 2], {})
