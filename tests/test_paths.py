"""grad_paths: the chain rule as a sum over paths, checked against backward()."""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_bp import MLP, Value, topological_order
from micrograd_bp.draw import dot_installed
from micrograd_bp.paths import MAX_PATHS, grad_paths


def shared_graph():
    """L = tanh((a·b + a)·(a·b)): a reaches L along three paths, c = a·b along two."""
    a, b = Value(0.7, label="a"), Value(-1.3, label="b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    L = (d * c).tanh()
    L.label = "L"
    return L, a, b, c


def test_the_paths_to_a_shared_node_add_up_to_its_grad():
    L, a, b, c = shared_graph()
    paths = grad_paths(L, a)
    assert len(paths) == 3
    assert [[v.label for v in p.nodes if v.label] for p in paths] == [
        ["L", "d", "c", "a"], ["L", "d", "a"], ["L", "c", "a"]]
    # each product by hand from the closed forms: u = d·c, L = tanh(u)
    dL_du = 1 - math.tanh(d_data := (c.data + a.data) * c.data) ** 2
    assert d_data == L.children[0].data
    expected = [dL_du * c.data * 1.0 * b.data,   # L → u → d → c → a
                dL_du * c.data * 1.0,            # L → u → d → a
                dL_du * (c.data + a.data) * b.data]  # L → u → c → a
    assert [p.product for p in paths] == pytest.approx(expected)
    L.backward()
    assert paths.total == pytest.approx(a.grad)
    assert grad_paths(L, c).total == pytest.approx(c.grad)


def test_a_node_used_twice_in_one_operation_gives_two_paths():
    a = Value(3.0, label="a")
    square = a * a
    paths = grad_paths(square, a)
    assert [p.edges for p in paths] == [((square, 0),), ((square, 1),)]
    assert [p.product for p in paths] == [3.0, 3.0]


def random_dag(rng, n_leaves, n_ops):
    nodes = [Value(rng.uniform(0.5, 1.5), label=f"a{i}") for i in range(n_leaves)]
    for _ in range(n_ops):
        x, y = rng.choice(nodes), rng.choice(nodes[-4:])  # recent nodes: deep sharing
        op = rng.choice(["+", "*", "-", "tanh", "sigmoid", "sum"])
        if op == "+":
            nodes.append(x + y)
        elif op == "*":
            nodes.append(x * y)
        elif op == "-":
            nodes.append(x - y)
        elif op == "sum":
            nodes.append(Value.sum([x, y, x]))
        else:
            nodes.append(getattr(x * 0.5, op)())
    return nodes[-1], nodes


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10 ** 6), n_leaves=st.integers(1, 4), n_ops=st.integers(1, 9))
def test_sum_over_paths_equals_backward_on_random_dags(seed, n_leaves, n_ops):
    root, nodes = random_dag(random.Random(seed), n_leaves, n_ops)
    reachable = set(topological_order(root))
    sums = {v: grad_paths(root, v).total for v in nodes if v in reachable}
    root.backward()
    for v, total in sums.items():
        assert total == pytest.approx(v.grad, rel=1e-9, abs=1e-12)


def test_a_weight_of_an_mlp_sums_its_paths_through_every_output():
    mlp = MLP(2, [3, 2], activation="tanh", seed=4)
    out = mlp([0.3, -0.8])
    L = out[0] * out[1]
    W = mlp.layers[0].neurons[1].w[0]
    paths = grad_paths(L, W)
    assert len(paths) == 2  # through z2[0] and through z2[1]
    L.backward()
    assert paths.total == pytest.approx(W.grad)


def test_the_table_lists_each_path_and_the_sum():
    L, a, *_ = shared_graph()
    text = str(grad_paths(L, a))
    lines = text.splitlines()
    assert lines[0] == "3 paths from L down to a; dL/da is the sum of their products"
    assert lines[1].startswith("  1  L → v4 → d → c → a")
    assert lines[-1].strip().startswith("sum = ")


def test_errors_name_the_problem():
    L, a, *_ = shared_graph()
    with pytest.raises(ValueError, match="not in the graph"):
        grad_paths(L, Value(1.0))
    with pytest.raises(TypeError, match="grad_paths needs a Value as node"):
        grad_paths(L, "a")
    x = Value(1.0, label="x")
    y = x
    for _ in range(12):  # 2**12 paths
        y = y * y * 0.5 + 0.0
    with pytest.raises(ValueError, match=f"more than max_paths={MAX_PATHS}"):
        grad_paths(y, x)
    assert len(grad_paths(y, x, max_paths=5000)) == 2 ** 12


@pytest.mark.skipif(not dot_installed(), reason="Graphviz's dot is not installed")
def test_each_path_gets_its_own_colour_in_the_drawing():
    pytest.importorskip("graphviz")
    L, a, *_ = shared_graph()
    paths = grad_paths(L, a)
    source = paths.draw().source
    colours = paths.colours()
    assert len(set(colours)) == 3
    # the edge u → tanh is on all three paths: one line per path
    assert ":".join(colours) in source
    for colour in colours:
        assert colour in source
    assert paths.draw().pipe(format="svg").startswith(b"<?xml")
