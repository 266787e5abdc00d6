"""draw_graph: what a reader sees in the drawing (parsed from the SVG and the DOT)."""

import math
import re
import sys
import xml.etree.ElementTree as ET

import pytest

from micrograd_bp import MLP, Value, draw, topological_order
from micrograd_bp.commands.graph import neuron_example
from micrograd_bp.draw import DotNotFoundError, dot_installed, draw_graph, notation, parse_label
from micrograd_bp.losses import mse

pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(not dot_installed(), reason="Graphviz's dot program is not installed")
SVG = "{http://www.w3.org/2000/svg}"


def svg_groups(graph, kind):
    """{title: text a reader sees} for every <g class=kind> ("node", "cluster", "edge")."""
    root = ET.fromstring(graph.pipe(format="svg"))
    found = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == kind:
            title = g.find(f"{SVG}title").text
            found[title] = " ".join("".join(t.itertext()) for t in g.iter(f"{SVG}text"))
    return found


def tanh_neuron():
    """micrograd's lecture neuron, o = tanh(x1*w1 + x2*w2 + b), after backward()."""
    o = neuron_example()
    o.backward()
    return o


def small_mlp_loss(seed=0):
    mlp = MLP(2, [3, 2], activation="tanh", seed=seed)
    trace = mlp.trace([1.0, -2.0])
    loss = mse(trace.h[2], [0.5, -0.5])
    loss.label = "L"
    loss.backward()
    return mlp, trace, loss


@needs_dot
def test_each_value_shows_its_label_data_and_grad():
    o = tanh_neuron()
    nodes = svg_groups(draw_graph(o), "node")
    by_label = {text.split()[0]: text for text in nodes.values() if "data" in text}
    n = 2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432
    dn = 1 - math.tanh(n) ** 2  # the closed form of tanh's derivative
    assert by_label["o"] == f"o data {math.tanh(n):.4f} grad 1.0000"
    assert by_label["n"] == f"n data {n:.4f} grad {dn:.4f}"
    assert by_label["w1"] == f"w1 data -3.0000 grad {2.0 * dn:.4f}"
    assert by_label["x1"] == f"x1 data 2.0000 grad {-3.0 * dn:.4f}"
    ops = sorted(text for title, text in nodes.items() if title.endswith("op"))
    assert ops == ["*", "*", "+", "+", "tanh"]


def test_operation_nodes_sit_between_operands_and_result_in_operand_order():
    a = Value(2.0, label="a")
    s = a + a
    source = draw_graph(s).source
    assert source.count("v0 -> v1op") == 2  # a + a: two edges
    assert "v1op -> v1" in source
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    d = x - y
    edges = re.findall(r"(v\d) -> v2op", draw_graph(d).source)
    assert edges == ["v0", "v1"]  # x first, then y, as in x - y


def test_the_same_graph_gives_the_same_dot_source():
    assert draw_graph(tanh_neuron()).source == draw_graph(tanh_neuron()).source
    assert draw_graph(small_mlp_loss()[2]).source == draw_graph(small_mlp_loss()[2]).source
    assert "0x" not in draw_graph(tanh_neuron()).source  # no memory addresses


def test_the_document_notation():
    assert parse_label("W2[1,3]") == ("W", 2, 1, 3)
    assert parse_label("b2[1]") == ("b", 2, 1)
    assert parse_label("z1[2]") == ("z", 1, 2)
    assert parse_label("x[4]") == ("x", 4)
    assert parse_label("W2[1]") is None and parse_label("loss") is None
    # plain text, as the code and the step texts write the names: no <SUB>/<SUP>
    assert notation("z1[2]") == "z1[2]"
    assert notation("W2[1,3]") == "W2[1,3]"
    assert notation("a<b") == "a&lt;b"


@needs_dot
def test_an_mlp_is_drawn_in_clusters_per_layer_and_neuron_with_deltas():
    mlp, trace, loss = small_mlp_loss()
    graph = draw_graph(loss)
    clusters = svg_groups(graph, "cluster")
    assert clusters["cluster_layer1"] == "layer 1"
    assert clusters["cluster_layer2"] == "layer 2"
    assert {c for c in clusters if "neuron" in c} == {
        "cluster_layer1_neuron0", "cluster_layer1_neuron1", "cluster_layer1_neuron2",
        "cluster_layer2_neuron0", "cluster_layer2_neuron1"}
    texts = svg_groups(graph, "node").values()
    for l in (1, 2):
        for j, z in enumerate(trace.z[l]):
            # z<l>[j], its data, and "grad <dL/dz> = δ<l>[j]"
            expected = f"z{l}[{j}] data {z.data:.4f} grad {z.grad:.4f} = δ{l}[{j}]"
            assert expected in texts
    w = mlp.layers[1].neurons[1].w[2]
    assert any(t.startswith("W2[1,2] data") for t in texts)
    assert f"grad {w.grad:.4f}" in " ".join(texts)


def test_nodes_join_the_cluster_of_their_neuron_in_the_dot_source():
    mlp, trace, loss = small_mlp_loss()
    source = draw_graph(loss).source
    block = source.split("subgraph cluster_layer1_neuron1 {")[1].split("}")[0]
    assert "<B>W1[1,0]</B>" in block and "<B>b1[1]</B>" in block
    assert "<B>z1[1]</B>" in block and "<B>h1[1]</B>" in block
    assert block.count("data") == 5  # W[1,0], W[1,1], b, z (w·h+b: one node), h
    assert "<B>z1[0]</B>" not in block


def test_options_show_grad_number_format_rankdir():
    o = tanh_neuron()
    assert "grad" not in draw_graph(o, show_grad=False).source
    assert "data 2.00e+00" in draw_graph(o, number_format=".2e").source
    assert "rankdir=TB" in draw_graph(o, rankdir="TB").source


def test_colour_by_grad_sign_and_magnitude():
    a, b = Value(1.0, label="a"), Value(1.0, label="b")
    out = 2.0 * a - 0.5 * b  # dL/da = 2 (largest, positive), dL/db = -0.5 (negative)
    out.backward()
    source = draw_graph(out, color_by_grad=True).source
    a_line = next(line for line in source.splitlines() if "<B>a</B>" in line)
    b_line = next(line for line in source.splitlines() if "<B>b</B>" in line)
    assert 'BGCOLOR="#5050ff"' in a_line  # full blue
    red = re.search(r'BGCOLOR="#ff(..)(..)"', b_line)
    assert red and int(red.group(1), 16) > 0x50  # red, paler than the largest


def test_highlight_by_value_label_or_colour():
    o = tanh_neuron()
    source = draw_graph(o, highlight=[o]).source
    assert source.count('COLOR="red" BORDER="3"') == 1
    source = draw_graph(o, highlight={"n": "orange", o: "green"}).source
    assert 'COLOR="orange"' in source and 'COLOR="green"' in source


def test_a_graph_too_large_is_refused_with_a_hint_at_the_neuron_view():
    mlp = MLP(2, [16, 16, 1], seed=0)
    out = mlp([0.5, -0.5])
    with pytest.raises(ValueError, match="view='neuron'"):
        draw_graph(out)
    assert "n2_15" in draw_graph(out, view="neuron").source
    chain = Value(1.0)
    for _ in range(50):
        chain = chain * 1.01
    with pytest.raises(ValueError, match="101 Values, more than max_nodes=100"):
        draw_graph(chain, max_nodes=100)


@needs_dot
def test_the_neuron_view_has_one_node_per_neuron_and_weighted_edges():
    mlp, trace, loss = small_mlp_loss()
    graph = draw_graph(loss, view="neuron")
    nodes = svg_groups(graph, "node")
    assert set(nodes) == {"x0", "x1", "n1_0", "n1_1", "n1_2", "n2_0", "n2_1", "root", "legend"}
    z, h = trace.z[1][2], trace.h[1][2]
    text = " ".join(nodes["n1_2"].split())
    assert f"{z.data:.4f}" in text and f"{h.data:.4f}" in text and f"{z.grad:.4f}" in text
    assert "δ" in text
    b = mlp.layers[0].neurons[2].b
    assert f"b1[2] {b.data:.4f}" in text  # the bias
    # each weight is a row of its neuron's box, in index order, with its grad
    w = mlp.layers[1].neurons[0].w
    rows = [f"W2[0,{i}] {w[i].data:.4f} grad {w[i].grad:.4f}" for i in range(3)]
    box = " ".join(nodes["n2_0"].split())
    assert all(row in box for row in rows)
    assert [box.index(row) for row in rows] == sorted(box.index(row) for row in rows)
    # and the edge from h1[2] ends on the row of W2[0,2]
    source = graph.source
    assert "n1_2:h:e -> n2_0:w2:w" in source
    edges = [re.sub(r":\w+", "", e) for e in svg_groups(graph, "edge")]
    assert "n1_2->n2_0" in edges
    assert len([e for e in edges if not e.endswith("->root")]) == 3 * 2 + 2 * 3


def test_a_large_neuron_view_is_summarised_and_focus_draws_one_neuron_in_full():
    mlp = MLP(2, [16, 16, 1], seed=0)  # 2*16 + 16*16 + 16 = 304 weights
    loss = (mlp([0.5, -0.2]) - 1.0) ** 2
    loss.backward()
    w = mlp.layers[1].neurons[3].w[5]
    row = "W2[3,5]</TD>"
    tooltip = f'tooltip="W2[3,5] = {w.data:.4f}, grad {w.grad:.4f}"'
    summary = draw_graph(loss, view="neuron").source
    assert row not in summary and tooltip not in summary
    # one edge per layer, the output neuron's 16 weights in full, one edge to the loss
    assert summary.count(" -> ") == 3 + 16 + 1
    assert "W3[0,15]</TD>" in summary and "W2[0,0]</TD>" not in summary
    assert 'label="layer 2, W2: 16×16"' in summary
    for focus in ("z2[3]", "h2[3]", (2, 3), mlp.layers[1].neurons[3]._z_label):
        focused = draw_graph(loss, view="neuron", focus=focus).source
        assert row in focused and tooltip in focused
        assert focused.count(" -> ") == 3 + 1 + 16 + 1  # its 16 weights in, 1 out
        assert "W3[0,15]</TD>" not in focused
    assert draw_graph(loss, view="neuron", edge_labels=True).source.count("grad") > 304
    with pytest.raises(ValueError, match="focus='z9\\[0\\]' names no neuron"):
        draw_graph(loss, view="neuron", focus="z9[0]")
    with pytest.raises(ValueError, match="view='neuron'"):
        draw_graph(loss, focus="z2[3]", max_nodes=5000)


def test_the_neuron_view_needs_one_sample_of_an_mlp():
    with pytest.raises(ValueError, match="needs a graph built by an MLP"):
        draw_graph(tanh_neuron(), view="neuron")
    mlp = MLP(2, [2, 1], seed=0)
    batch = mlp([1.0, 2.0]) + mlp([3.0, 4.0])
    with pytest.raises(ValueError, match="several nodes"):
        draw_graph(batch, view="neuron")


def test_bad_options_name_the_option():
    o = tanh_neuron()
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(o, rankdir="up")
    with pytest.raises(ValueError, match="number_format"):
        draw_graph(o, number_format="%d")
    with pytest.raises(ValueError, match="view"):
        draw_graph(o, view="layers")
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(o, max_nodes=0)
    with pytest.raises(TypeError, match="draw_graph needs a Value"):
        draw_graph([o])
    with pytest.raises(ValueError, match="size"):
        draw_graph(o, size="poster")
    for size in [(0, 3), (5,), (float("nan"), 2), 7]:
        with pytest.raises(ValueError, match=r"draw_graph: size must be one of page, notebook, slide"):
            draw_graph(o, size=size)


def test_a_size_fits_the_drawing_into_its_place():
    o = tanh_neuron()
    assert 'size="7,40"' in draw_graph(o, size="page").source
    assert 'size="3,2"' in draw_graph(o, size=(3, 2)).source
    slide = draw_graph(o, size="slide").source
    assert "fontsize=16" in slide and 'size="12.8,7.2"' in slide  # 16:9, larger fonts
    assert not re.search(r"\bsize=", draw_graph(o).source)  # as large as it is


def test_without_dot_rendering_says_how_to_install_it_and_the_source_stays(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty PATH: no dot program
    assert not dot_installed()
    graph = draw_graph(tanh_neuron())
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        graph.pipe(format="svg")
    with pytest.raises(DotNotFoundError, match="graph.source"):
        graph.render(tmp_path / "g", format="png")
    shown = graph._repr_mimebundle_()  # what Jupyter calls: the DOT text and the hint
    assert set(shown) == {"text/plain"}
    assert "apt-get install graphviz" in shown["text/plain"]
    assert shown["text/plain"].endswith(graph.source)
    assert graph.source.startswith("digraph")


def test_without_the_graphviz_package_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz now fails
    monkeypatch.setattr(draw, "_DIGRAPH_CLASS", None)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[graph\]'"):
        draw_graph(tanh_neuron())


@needs_dot
def test_jupyter_shows_the_drawing_as_svg():
    shown = draw_graph(tanh_neuron())._repr_mimebundle_()
    assert "<svg" in shown["image/svg+xml"]


def _node_tops(svg, prefix):
    """{node id: its y in the SVG} for nodes whose id starts with prefix (top = smallest)."""
    root = ET.fromstring(svg)
    tops = {}
    for g in root.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title")
        if g.get("class") == "node" and title.text.startswith(prefix):
            tops[title.text] = float(g.find(f"{SVG}text").get("y"))  # its first line
    return tops


@needs_dot
@pytest.mark.parametrize("sizes, seed", [([16, 16, 1], 0), ([16, 16, 1], 1), ([4, 3, 2], 2)])
def test_the_neuron_view_stacks_each_layer_in_index_order(sizes, seed):
    mlp = MLP(2, sizes, seed=seed)
    loss = mse(mlp([0.5, -0.3]), [0.0] * sizes[-1])
    svg = draw_graph(loss, view="neuron").pipe(format="svg")
    for l, n in enumerate(sizes, start=1):
        tops = _node_tops(svg, f"n{l}_")
        assert len(tops) == n
        ys = [tops[f"n{l}_{j}"] for j in range(n)]
        assert ys == sorted(ys), f"layer {l} is drawn out of order"
    inputs = _node_tops(svg, "x")
    assert inputs["x0"] < inputs["x1"]


@needs_dot
def test_the_neuron_view_has_a_legend_for_colours_and_step_marks():
    mlp, trace, loss = small_mlp_loss()
    legend = svg_groups(draw_graph(loss, view="neuron"), "node")["legend"]
    assert "weight > 0" in legend and "weight < 0" in legend and "this step" not in legend
    marked = draw_graph(loss, view="neuron", highlight=[trace.z[1][0]])
    legend = svg_groups(marked, "node")["legend"]
    assert "this step's node" in legend and "the weights it reads" in legend


@needs_dot
def test_a_weighted_sum_is_drawn_as_its_equation_with_each_pair_on_one_row():
    from micrograd_bp.nn import Neuron

    neuron = Neuron(3, "tanh", l=1, j=0, seed=3)
    x = [Value(0.5, label="x[0]"), Value(-1.0, label="x[1]"), Value(2.0, label="x[2]")]
    z, h = neuron.forward_with_z(x)
    graph = draw_graph(h)
    op = next(text for title, text in svg_groups(graph, "node").items() if text.startswith("w·h+b"))
    assert op == "w·h+b W1[0,0] × x[0] W1[0,1] × x[1] W1[0,2] × x[2] + b1[0]"
    ids = {v.label: f"v{k}" for k, v in enumerate(topological_order(h))}
    zop = f"{ids['z1[0]']}op"
    for i in range(3):  # the weight and the input it multiplies end on one row
        assert f"{ids[f'W1[0,{i}]']} -> {zop}:p{i}:w" in graph.source
        assert f"{ids[f'x[{i}]']} -> {zop}:p{i}:w" in graph.source
    assert f"{ids['b1[0]']} -> {zop}:b:w" in graph.source


def test_a_long_caption_is_wrapped_into_left_aligned_lines():
    o = tanh_neuron()
    long = "step 4: " + " + ".join(f"W1[0,{i}]·x[{i}]" for i in range(12))
    source = draw_graph(o, caption=long).source
    label = re.search(r'\blabel="([^"]*)"\s+labeljust', source).group(1)
    lines = label.split("\\l")[:-1]
    assert len(lines) > 1 and all(len(line) <= draw.CAPTION_WIDTH for line in lines)
    assert " ".join(lines) == long
    assert draw_graph(o, caption="").source.count("labeljust") == 0
    assert draw_graph(o, caption="a\\lb\\l").source.count("a\\lb\\l") == 1  # lines kept
