"""Graphs of another engine (micrograd 0.1.0, a learner's): recognised, drawn and
stepped through by micrograd_bp, the steps being the engine's own _backward calls."""

import pytest
from micrograd.engine import Value as MicrogradValue

from micrograd_bp import Value, backward_steps, draw_graph, nodes

pytestmark = pytest.mark.timeout(60)  # a graph walk that never ends fails, not hangs


def neuron(V):
    """o = relu(x1*w1 + x2*w2 + b) * o2 + x1: a node reused, built with the class V."""
    x1, x2, w1, w2, b = V(2.0), V(0.5), V(-3.0), V(1.0), V(6.5)
    n = x1 * w1 + x2 * w2 + b
    return n.relu() * n + x1, (x1, x2, w1, w2, b)


def test_what_is_a_node():
    assert nodes.is_node(Value(1.0)) and nodes.is_native(Value(1.0))
    assert nodes.is_node(MicrogradValue(1.0)) and not nodes.is_native(MicrogradValue(1.0))
    assert not nodes.is_node(1.0) and not nodes.is_node(None)


@pytest.mark.parametrize("thing, missing", [(3, "data"), (object(), "data")])
def test_a_non_node_gets_one_line_naming_the_first_missing_attribute(thing, missing):
    with pytest.raises(TypeError, match=f"has no attribute '{missing}'") as error:
        draw_graph(thing)
    assert "\n" not in str(error.value) and str(error.value).startswith("draw_graph needs a Value")


def test_a_node_without_prev_is_named():
    class Half:
        data, grad = 1.0, 0.0

    for f, name in ((draw_graph, "draw_graph"), (backward_steps, "backward_steps")):
        with pytest.raises(TypeError, match=f"^{name} needs a Value, got Half .* no attribute '_prev'"):
            f(Half())


def test_the_mirror_has_the_same_numbers_operations_and_operands():
    root, leaves = neuron(MicrogradValue)
    mirrors = nodes.mirror(root)
    seen, stack = set(), [root]
    while stack:  # the distinct nodes, found here by walking _prev
        v = stack.pop()
        if v not in seen:
            seen.add(v)
            stack.extend(v._prev)
    assert set(mirrors) == {id(v) for v in seen}
    for leaf in leaves:
        assert mirrors[id(leaf)].data == leaf.data and mirrors[id(leaf)].children == ()
    top = mirrors[id(root)]
    assert top.op == "+" and {c.source for c in top.children} == set(root._prev)
    assert nodes.mirror(root)[id(root)] is top  # the same objects the next time


def test_micrograds_graph_is_drawn_with_its_grads():
    root, (x1, *_) = neuron(MicrogradValue)
    root.backward()
    source = draw_graph(root).source
    assert "ReLU" in source and f"{x1.grad:.4f}" in source


def test_stepping_micrograds_graph_calls_its_own_backward_in_its_own_order():
    root, leaves = neuron(MicrogradValue)
    expected, _ = neuron(MicrogradValue)
    expected.backward()  # micrograd's own answer, for comparison
    steps = list(backward_steps(root))
    assert [round(v.grad, 12) for v in leaves] == [round(v.grad, 12) for v in _]
    interior = [v for v in nodes.mirror(root).values() if v.children]
    assert len(steps) == len(interior)  # one step per _backward of an interior node
    assert steps[0].node.source is root  # the root's _backward runs first
    first = {name: (before, after) for _, name, before, after in steps[0].changes}
    assert sorted(first.values()) == [(0.0, 1.0), (0.0, 1.0)]  # + passes 1 to both
    assert "._backward()" in str(steps[0]) and "->" in str(steps[0])
    x1 = nodes.mirror(root)[id(leaves[0])]
    assert steps[-1].grads[x1] == leaves[0].grad  # the last step leaves backward()'s grads
    assert all(callable(v._backward) and "call" not in v._backward.__name__ for v in leaves)


def test_frames_and_the_kernel_free_stepper_accept_micrograds_graph():
    pytest.importorskip("graphviz")
    from micrograd_bp.player import stepper
    from micrograd_bp.widgets import backward_frames

    root, leaves = neuron(MicrogradValue)
    frames = backward_frames(root)
    assert len(frames) == 1 + len([v for v in nodes.mirror(root).values() if v.children])
    assert "._backward()" in frames[1].text
    player = stepper(neuron(MicrogradValue)[0], fallback=None)
    assert len(player) == len(frames)


def test_stepping_a_graph_without_backward_or_with_a_raising_one():
    class Node:
        def __init__(self, data, prev=()):
            self.data, self.grad, self._prev, self._op = data, 0.0, prev, "+" if prev else ""

    a = Node(1.0)
    with pytest.raises(TypeError, match="^backward_steps needs each node's _backward; Node with data=1"):
        list(backward_steps(Node(2.0, (a, a))))

    def broken():
        raise ZeroDivisionError("oops")

    root = MicrogradValue(2.0) * MicrogradValue(3.0)
    root._backward = broken
    with pytest.raises(ValueError, match="^backward_steps: the learner's backward raised ZeroDivisionError: oops$"):
        list(backward_steps(root))
    assert root._backward is broken  # its own _backward is given back


def test_a_stage_3_engine_is_stepped_in_micrograd_bps_order():
    from learner_engine import engine

    Value3 = engine(upto=3)["Value"]
    a, b = Value3(2.0), Value3(-3.0)
    root = a * b + a
    steps = list(backward_steps(root))
    assert [len(s.changes) for s in steps] == [2, 2]
    assert (a.grad, b.grad) == (-3.0 + 1.0, 2.0)


def test_what_needs_micrograd_bps_rules_refuses_another_engine_in_one_line():
    from micrograd_bp.paths import grad_paths
    from micrograd_bp.stepper import forward_steps

    x = MicrogradValue(2.0)
    root = x * 3
    for call, name in ((lambda: list(forward_steps(root)), "forward_steps"),
                       (lambda: grad_paths(root, x), "grad_paths")):
        with pytest.raises(TypeError, match=f"^{name} needs a micrograd_bp Value.*another engine's node"):
            call()


def _line(source, text):
    """The one line of a drawing's source that contains ``text``."""
    (line,) = [s for s in source.splitlines() if text in s]
    return line


def test_a_learners_own_nodes_highlight_and_key_the_drawing():
    a, b = MicrogradValue(2.0), MicrogradValue(-3.0)
    c = a * b + a
    c.backward()
    plain = draw_graph(c).source
    assert "red" not in plain and "?" not in plain and "blue" not in plain
    source = draw_graph(c, highlight=[a], grads={b: 7.5}, pending=[c],
                        highlight_edges={(c, list(c._prev).index(a)): "blue"}).source
    assert 'COLOR="red"' in _line(source, "data 2.0000")  # a, and only a
    assert source.count('COLOR="red"') == 1
    assert "grad 7.5000" in _line(source, "data -3.0000")  # b's grad, as given
    assert "data ?" in source and "data -4.0000" not in source  # c, pending
    (edge,) = [s for s in source.splitlines() if "blue" in s]
    assert "->" in edge
    # one node, or a dict {node: colour}, as for micrograd_bp's own Values
    assert 'COLOR="green"' in _line(draw_graph(c, highlight={b: "green"}).source, "data -3.0000")
    assert 'COLOR="red"' in _line(draw_graph(c, highlight=b).source, "data -3.0000")


def learner_mlp(V, sizes=(2, 3, 1), seed=0):
    """A lecture-style MLP built with the class V, its nodes labelled in the chapter's
    notation (x[i], W1[j,i], b1[j], z1[j], h1[j]) as stage 7 of notebook 1b may."""
    import random

    rng = random.Random(seed)

    def named(v, label):
        v.label = label
        return v

    h = [named(V(rng.uniform(-1, 1)), f"x[{i}]") for i in range(sizes[0])]
    for l in range(1, len(sizes)):
        out = []
        for j in range(sizes[l]):
            z = named(V(0.1), f"b{l}[{j}]")
            for i, hi in enumerate(h):
                z = named(V(rng.uniform(-1, 1)), f"W{l}[{j},{i}]") * hi + z
            z.label = f"z{l}[{j}]"
            out.append(named(z.relu() if l < len(sizes) - 1 else z * 1, f"h{l}[{j}]"))
        h = out
    return h[0]


def test_the_neuron_view_of_a_learners_labelled_mlp_is_micrograd_bps_own():
    theirs, ours = learner_mlp(MicrogradValue), learner_mlp(Value)
    theirs.backward()
    ours.backward()  # the reference: the same network in micrograd_bp's engine
    assert draw_graph(theirs, view="neuron").source == draw_graph(ours, view="neuron").source


def test_the_neuron_view_highlights_and_focuses_a_learners_nodes():
    root = learner_mlp(MicrogradValue, sizes=(4, 12, 1))  # 60 weights: summarised
    root.backward()
    nodes_by_label, stack = {}, [root]
    while stack:
        v = stack.pop()
        nodes_by_label.setdefault(getattr(v, "label", ""), v)
        stack.extend(v._prev)
    focused = draw_graph(root, view="neuron", focus=nodes_by_label["z1[5]"]).source
    assert "W1[5,0]</TD>" in focused and "W1[0,0]</TD>" not in focused
    assert focused == draw_graph(root, view="neuron", focus="z1[5]").source
    assert focused == draw_graph(root, view="neuron", focus=(1, 5)).source  # (l, j) stays a pair
    x0 = nodes_by_label["x[0]"]
    assert "red" in _line(draw_graph(root, view="neuron", highlight=[x0]).source, "x[0] =")
    assert "red" not in _line(draw_graph(root, view="neuron").source, "x[0] =")


def test_the_neuron_view_of_an_unlabelled_learners_graph_says_so_in_one_line():
    x = MicrogradValue(1.0)
    root = (x * MicrogradValue(2.0)).relu()
    with pytest.raises(ValueError, match=r"^draw_graph\(view='neuron'\) needs a graph built by "
                                         r"an MLP \(nodes labelled z1\[0\]") as error:
        draw_graph(root, view="neuron")
    assert "\n" not in str(error.value)


class Node:
    """The smallest lecture-style node: data, grad, _prev, _op (and a label, maybe)."""

    def __init__(self, data, prev=(), op="", **more):
        self.data, self.grad, self._prev, self._op = data, 0.0, prev, op
        self.__dict__.update(more)


def test_as_graph_gives_micrograd_bps_own_value_itself():
    v = Value(2.0) * 3
    assert nodes.as_graph(v, "draw_graph") is v
    assert nodes.as_graph_keyed(v, "draw_graph", [v], None) == (v, ([v], None))


def test_check_native_passes_a_value_and_names_what_is_not_a_node():
    assert nodes.check_native(Value(1.0), "grad_paths") is None
    with pytest.raises(TypeError, match="^grad_paths needs a Value as x, got int$"):
        nodes.check_native(3, "grad_paths", " as x")


def test_what_is_not_a_graph_gets_one_line():
    with pytest.raises(TypeError, match="^mirror needs a Value, got int"):
        nodes.mirror(3)
    with pytest.raises(TypeError, match="^a graph's operand needs a Value, got float 2.0, which has no "
                                        "attribute 'data'"):
        nodes.mirror(Node(1.0, (2.0,), "+"))
    with pytest.raises(TypeError, match=r"^a node's _prev must hold its operands \(a set, tuple or list\), "
                                        r"got int in "):
        draw_graph(Node(1.0, 5, "+"))
    with pytest.raises(TypeError, match="^a node's data must be a number, got 'two' in Node$"):
        draw_graph(Node("two"))


def test_a_deep_chain_of_reused_nodes_is_mirrored_once_per_node():
    x = MicrogradValue(1.0)
    for _ in range(50):  # each x used by two nodes: 2^50 paths, 151 nodes
        x = x * 1.0 + x * 2.0
    assert len(nodes.mirror(x)) == 1 + 50 * 3 + 50 * 2  # with the constants 1.0 and 2.0


def test_the_mirrors_of_the_last_few_roots_are_kept():
    roots = [MicrogradValue(float(k)) * 2 for k in range(nodes.MIRRORS_KEPT + 2)]
    first = [nodes.mirror(r)[id(r)] for r in roots]
    assert len(nodes._mirrors) == nodes.MIRRORS_KEPT
    assert nodes.mirror(roots[-1])[id(roots[-1])] is first[-1]  # kept
    assert nodes.mirror(roots[0])[id(roots[0])] is not first[0]  # dropped long ago


def test_a_mirror_is_labelled_by_the_node_else_by_the_labels_given_and_keeps_them():
    a = Node(2.0, label="")
    b = Node(3.0, label="b")
    c = Node(5.0, (a, b), "+")
    m = nodes.mirror(c, {id(a): "a", id(b): "not b", id(c): "c"})
    assert (m[id(a)].label, m[id(b)].label, m[id(c)].label) == ("a", "b", "c")
    m = nodes.mirror(c)  # the next time, with no labels: the ones given are kept
    assert (m[id(a)].label, m[id(c)].label) == ("a", "c")
    assert repr(m[id(c)]) == "Mirror(data=5, grad=0, op='+')"
    assert nodes.operands(m[id(c)]) == m[id(c)].children  # a mirror's operands are mirrors


def test_a_short_text_of_anything():
    assert nodes._short("x" * 38) == repr("x" * 38)  # 40 characters: whole
    assert nodes._short("x" * 39) == repr("x" * 39)[:37] + "..."
    assert len(nodes._short("x" * 39)) == 40

    class Broken:
        def __repr__(self):
            raise RuntimeError

    assert nodes._short(Broken()) == "<Broken>"
