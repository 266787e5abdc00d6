"""Code written for micrograd's lecture runs unchanged on micrograd_bp.

The snippets below follow micrograd's lecture notebooks (MIT licence): its
``draw_dot`` graph printer, which reads ``_prev`` and ``_op``, and its small
training loop over ``MLP(3, [4, 4, 1])``.
"""

import pytest

from micrograd_bp import MLP, Value


def trace(root):
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)
    build(root)
    return nodes, edges


def draw_dot(root):
    graphviz = pytest.importorskip("graphviz")
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape="record")
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def test_the_lectures_draw_dot_runs_on_our_values():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    L.backward()
    source = draw_dot(L).source
    nodes, edges = trace(L)
    assert len(nodes) == 7 and len(edges) == 6
    # dL/da = f * b = 6, dL/db = f * a = -4, dL/dc = f = -2 (worked out by hand)
    assert "{ a | data 2.0000 | grad 6.0000 }" in source
    assert "{ b | data -3.0000 | grad -4.0000 }" in source
    assert "{ c | data 10.0000 | grad -2.0000 }" in source


def test_the_lectures_training_loop_runs_and_learns():
    n = MLP(3, [4, 4, 1], activation="tanh", seed=0)
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    losses = []
    for _ in range(30):
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -0.05 * p.grad
        losses.append(loss.data)
    assert losses[-1] < 0.5 * losses[0]
    assert len(n.parameters()) == 41  # 3*4+4 + 4*4+4 + 4*1+1, as in the lecture
