"""labels: the document's names (W1[0,1], z1[0], ...) written and read in one place."""

import re
import xml.etree.ElementTree as ET

import pytest

from micrograd_bp import MLP, labels
from micrograd_bp.draw import dot_installed, draw_graph
from micrograd_bp.graph import topological_order
from micrograd_bp.losses import mse
from micrograd_bp.stepper import backward_steps


@pytest.mark.parametrize("l, j, i", [(1, 0, 1), (12, 3, 10), (10, 0, 0), (123, 45, 6)])
def test_every_name_reads_back_as_what_was_written(l, j, i):
    assert labels.parse_label(labels.weight(l, j, i)) == ("W", l, j, i)
    assert labels.parse_label(labels.bias(l, j)) == ("b", l, j)
    assert labels.parse_label(labels.z(l, j)) == ("z", l, j)
    assert labels.parse_label(labels.h(l, j)) == ("h", l, j)
    assert labels.parse_label(labels.x(i)) == ("x", i)
    assert labels.delta_of(labels.z(l, j)) == labels.delta(l, j) == f"δ{l}[{j}]"


@pytest.mark.parametrize("label", ["W2[1]", "b2[1,3]", "z1", "z[0]", "zeta", "h1[0,0]",
                                   "x1", "loss", "", None, "W1[0,1] "])
def test_other_labels_name_nothing(label):
    assert labels.parse_label(label) is None
    assert labels.delta_of(label) is None


def test_only_z_nodes_have_a_delta():
    assert labels.delta_of("h12[0]") is None and labels.delta_of("W12[0,0]") is None


def test_latex_separates_indices_only_when_they_need_it():
    assert labels.latex("W1[0,1]") == "W^{(1)}_{01}"
    assert labels.latex("W12[3,10]") == "W^{(12)}_{3,10}"
    assert labels.latex("h0[1]") == "h^{(0)}_{1}"
    with pytest.raises(ValueError, match="'loss' is not one of the document's names"):
        labels.latex("loss")


def test_an_mlp_labels_every_node_with_these_names():
    mlp = MLP(2, [3, 1], seed=0)
    trace = mlp.trace([0.5, -1.0])
    assert [v.label for v in trace.h[0]] == [labels.x(0), labels.x(1)]
    assert [v.label for v in trace.z[1]] == [labels.z(1, j) for j in range(3)]
    assert [v.label for v in trace.h[1]] == [labels.h(1, j) for j in range(3)]
    assert [name for name, _ in mlp.layers[1].named_parameters()] == [
        labels.weight(2, 0, 0), labels.weight(2, 0, 1), labels.weight(2, 0, 2), labels.bias(2, 0)]


# --- a network with two-digit layer numbers -------------------------------------------

def twelve_layers():
    """MLP(1, [1]*12) with tanh: layers 10, 11 and 12 have two-digit names."""
    mlp = MLP(1, [1] * 12, activation="tanh", seed=3)
    trace = mlp.trace([0.7])
    L = mse(trace.output, 0.2)
    L.label = "L"
    return mlp, trace, L


def test_a_twelve_layer_mlp_steps_with_every_delta_named():
    _, trace, L = twelve_layers()
    names = {step.node.label: step.grad_name for step in backward_steps(L)}
    for l in range(1, 13):
        assert names[labels.z(l, 0)] == f"δ{l}[0]"
        assert trace.z[l][0].grad != 0.0  # tanh never kills a delta completely


def svg_texts(graph, kind):
    """{title: text} of every <g class=kind> in the SVG Graphviz draws."""
    svg = "{http://www.w3.org/2000/svg}"
    root = ET.fromstring(graph.pipe(format="svg"))
    return {g.find(f"{svg}title").text: " ".join("".join(t.itertext()) for t in g.iter(f"{svg}text"))
            for g in root.iter(f"{svg}g") if g.get("class") == kind}


@pytest.mark.skipif(not dot_installed(), reason="Graphviz's dot program is not installed")
def test_a_twelve_layer_mlp_draws_each_layer_in_its_place():
    pytest.importorskip("graphviz")
    _, trace, L = twelve_layers()
    L.backward()
    edges = {re.sub(r":\w+", "", e) for e in svg_texts(draw_graph(L, view="neuron"), "edge")}
    # one edge into each layer from the one before: W12[0,0] joins neuron 0 of layer 11 to 12
    for l in range(2, 13):
        assert f"n{l - 1}_0->n{l}_0" in edges
    scalar = draw_graph(L, view="scalar")
    clusters = svg_texts(scalar, "cluster")
    nodes = set(svg_texts(scalar, "node").values())
    for l in range(1, 13):
        assert clusters[f"cluster_layer{l}"] == f"layer {l}"
        z = trace.z[l][0]
        # the z node of layer l, with its delta, as "z12[0] data ... grad ... = δ12[0]"
        assert f"z{l}[0] data {z.data:.4f} grad {z.grad:.4f} = δ{l}[0]" in nodes


def test_a_twelve_layer_mlp_derives_steps_3_and_4_at_layers_11_and_12():
    pytest.importorskip("sympy")
    from micrograd_bp.symbolic import derive_hidden_delta, derive_weight_gradient
    hidden = derive_hidden_delta("tanh", l=11)
    assert hidden.holds
    assert r"W^{(12)}_{kj}" in hidden.equation and r"\delta^{(11)}_{0}" in hidden.lines[0].lhs
    weights = derive_weight_gradient("tanh", l=11)
    assert weights.holds
    lhs = [line.lhs for line in weights.lines]
    assert r"\frac{\partial L}{\partial W^{(12)}_{01}}" in lhs
    assert r"\frac{\partial L}{\partial b^{(11)}_{1}}" in lhs
    with pytest.raises(ValueError, match="must be a whole number >= 1, got 0"):
        derive_hidden_delta("tanh", l=0)


def test_the_graph_of_twelve_layers_has_each_name_once():
    _, _, L = twelve_layers()
    named = [v.label for v in topological_order(L) if labels.parse_label(v.label)]
    assert len(named) == len(set(named))
    assert {labels.parse_label(n)[1] for n in named if n[0] in "Wbzh"} == set(range(1, 13))
