"""backward_steps: backward() one chain-rule step at a time, reproducing its grads."""

import math
import random

import pytest

from micrograd_bp import MLP, Value, topological_order
from micrograd_bp.commands.graph import neuron_example
from micrograd_bp.losses import mse
from micrograd_bp.steps import (
    backward_steps,
    delta_name,
    explain_backward,
    explain_forward,
    forward_steps,
    number,
    root_name,
)

# Every test here walks a graph; a walk that never ends (a broken mark in
# graph.py, say) fails after a minute instead of hanging the run.
pytestmark = pytest.mark.timeout(60)


def tanh_neuron():
    """micrograd's lecture neuron o = tanh(x1*w1 + x2*w2 + b), and its nodes by label."""
    o = neuron_example()
    return o, {v.label: v for v in topological_order(o)}


def random_graph(rng, n_leaves=4, n_ops=12):
    """A random expression DAG that reuses nodes (so some get several contributions)."""
    nodes = [Value(rng.uniform(0.5, 2.0), label=f"a{i}") for i in range(n_leaves)]
    for _ in range(n_ops):
        a, b = rng.choice(nodes), rng.choice(nodes)
        op = rng.choice(["+", "-", "*", "/", "tanh", "exp", "sigmoid", "relu", "sum", "sq"])
        if op == "+":
            out = a + b
        elif op == "-":
            out = a - b
        elif op == "*":
            out = a * b
        elif op == "/":
            out = a / (b * b + 1.0)
        elif op == "sum":
            out = Value.sum([a, b, a])
        elif op == "sq":
            out = a ** 2
        else:
            out = getattr(a * 0.1, op)()
        nodes.append(out)
    return Value.sum(nodes[-4:]), nodes


def test_the_lecture_neuron_reads_like_the_chain_rule():
    o, v = tanh_neuron()
    steps = list(backward_steps(o))
    first = steps[0]
    assert first.node is o and first.grad == 1.0
    # d tanh(n)/dn = 1 - tanh(n)**2, computed here from the closed form
    expected = 1 - math.tanh(v["n"].data) ** 2
    assert first.terms[0].local == pytest.approx(expected)
    assert first.lines()[0].startswith("n.grad += (1 - o.data²) × o.grad = 0.5 × 1.0 = 0.5")
    product = next(s for s in steps if v["w1"] in s.node.children)
    line = product.lines()[product.node.children.index(v["w1"])]
    assert line.startswith("w1.grad += x1.data × ")
    assert "= 2.0 × 0.5 = 1.0" in line
    # the closed-form gradients: dL/dw1 = x1 * (1 - o**2), dL/dx1 = w1 * (1 - o**2)
    assert v["w1"].grad == pytest.approx(2.0 * expected)
    assert v["x1"].grad == pytest.approx(-3.0 * expected)
    assert v["w2"].grad == 0.0 and v["x2"].grad == pytest.approx(expected)


def test_steps_follow_reverse_topological_order_of_interior_nodes():
    o, _ = tanh_neuron()
    interior = [n for n in reversed(topological_order(o)) if n.children]
    assert [s.node for s in backward_steps(o)] == interior


@pytest.mark.parametrize("seed", range(20))
def test_all_steps_leave_exactly_the_grads_backward_leaves(seed):
    root, nodes = random_graph(random.Random(seed))
    root.backward()
    root.backward()  # leaves accumulate: twice their gradient
    expected = [n.grad for n in nodes]
    for n in nodes:  # scramble, then redo it as backward() would from this state
        n.grad = 0.0
    root.backward()
    list(backward_steps(root))
    assert [n.grad for n in nodes] == expected


@pytest.mark.parametrize("seed", range(10))
def test_every_node_passes_its_grad_on_only_after_all_its_users(seed):
    root, _ = random_graph(random.Random(seed))
    done = set()
    for step in backward_steps(root):
        users = [p for p in topological_order(root) if step.node in p.children]
        assert all(u in done for u in users), "a node stepped before one of its users"
        done.add(step.node)


def test_contributions_add_up_when_a_node_is_used_twice():
    a = Value(3.0, label="a")
    out = a * a
    out.label = "out"
    (step,) = backward_steps(out)
    assert [t.contribution for t in step.terms] == [3.0, 3.0]
    assert [(t.before, t.after) for t in step.terms] == [(0.0, 3.0), (3.0, 6.0)]
    assert a.grad == 6.0  # d(a²)/da = 2a


def test_a_leaf_root_takes_no_step_but_gets_its_unit_grad():
    a = Value(1.5)
    assert list(backward_steps(a)) == []
    assert a.grad == 1.0
    list(backward_steps(a))  # a leaf accumulates, as with backward(): 1 + 1
    assert a.grad == 2.0


def test_steps_are_numbered_from_zero():
    o, _ = tanh_neuron()
    steps = list(backward_steps(o))
    assert len(steps) > 3
    assert [s.index for s in steps] == list(range(len(steps)))
    assert repr(steps[2]).startswith("<Step 2: ")


def test_a_number_on_the_left_is_the_first_operand_in_the_step():
    a = Value(3.0, label="a")
    for out, local_texts in [(2 + a, ["1", "1"]), (2 * a, ["a.data", "v0.data"])]:
        out.label = "out"
        (step,) = backward_steps(out)
        assert step.child_names == ("v0", "a")  # the constant 2 is unlabelled: v0
        assert [t.local_text for t in step.terms] == local_texts
        assert step.headline().endswith(f"where out = v0 {out.op} a")


def test_the_mlp_steps_name_the_deltas_of_the_document():
    mlp = MLP(2, [3, 2], activation="tanh", seed=1)
    trace = mlp.trace([0.5, -1.0])
    loss = mse(trace.h[2], [1.0, 0.0])
    steps = list(backward_steps(loss))
    by_node = {s.node: s for s in steps}
    for l in (1, 2):
        for j, z in enumerate(trace.z[l]):
            step = by_node[z]
            assert step.grad_name == f"δ{l}[{j}]"
            assert step.headline().startswith(f"δ{l}[{j}] = dL/dz{l}[{j}] = ")
            h_names = [f"x[{i}]" for i in range(2)] if l == 1 else [f"h1[{i}]" for i in range(3)]
            products = [f"W{l}[{j},{i}]·{hi}" for i, hi in enumerate(h_names)]
            assert step.headline().endswith(f"where z{l}[{j}] = {' + '.join(products)} + b{l}[{j}]")
            # dL/db = delta: the bias line reads b.grad += 1 × δ
            b = mlp.layers[l - 1].neurons[j].b
            line = step.lines()[step.node.children.index(b)]
            assert line.startswith(f"b{l}[{j}].grad += 1 × δ{l}[{j}] = ")
    # and the deltas equal the document's recursion, computed by hand:
    # output (linear): delta2_j = dL/dh2_j = 2 (h2_j - t_j) / n for the mean squared error
    t = [1.0, 0.0]
    delta2 = [2 * (h.data - tj) / 2 for h, tj in zip(trace.h[2], t)]
    assert [z.grad for z in trace.z[2]] == pytest.approx(delta2)
    # hidden: delta1_i = sum_j W2[j,i] delta2_j * (1 - h1_i**2)
    W2 = [[w.data for w in n.w] for n in mlp.layers[1].neurons]
    for i, h in enumerate(trace.h[1]):
        back = sum(W2[j][i] * delta2[j] for j in range(2))
        assert trace.z[1][i].grad == pytest.approx(back * (1 - h.data ** 2))


def test_delta_name_only_for_z_nodes():
    assert delta_name(Value(0.0, label="z3[12]")) == "δ3[12]"
    assert delta_name(Value(0.0, label="zeta")) is None
    assert delta_name(Value(0.0, label="h1[0]")) is None
    assert delta_name(Value(0.0, label="z")) is None
    assert delta_name(Value(0.0, label="")) is None


# Each binary operation's local derivatives, in operand order, as the steps write
# them (rules.py has the same table as numbers).
LOCAL_TEXTS = [
    ("a - b", lambda a, b: a - b, [1.0, -1.0], ["1", "-1"]),
    ("a * b", lambda a, b: a * b, [-3.0, 2.0], ["b.data", "a.data"]),
    ("a / b", lambda a, b: a / b, [1 / -3.0, -2.0 / (-3.0) ** 2], ["1/b.data", "-out.data/b.data"]),
    ("a ** b", lambda a, b: a ** b, [-3.0 * 2.0 ** -4, 2.0 ** -3 * math.log(2.0)],
     ["b.data·a.data^(b.data-1)", "out.data·ln(a.data)"]),
]


@pytest.mark.parametrize("text, f, locals_, local_texts", LOCAL_TEXTS, ids=[c[0] for c in LOCAL_TEXTS])
def test_each_operand_gets_its_own_local_derivative_and_text(text, f, locals_, local_texts):
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = f(a, b)
    out.label = "out"
    (step,) = backward_steps(out)
    assert [t.child for t in step.terms] == [a, b]
    assert [t.local for t in step.terms] == pytest.approx(locals_)  # the calculus, at a = 2, b = -3
    assert [t.local_text for t in step.terms] == local_texts


def test_unlabelled_nodes_get_their_topological_index_as_name():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = (a * b).relu() + 1.0
    text = explain_backward(out)
    order = topological_order(out)
    for k, node in enumerate(order):
        if not node.label and node.children:
            assert f"v{k}.grad = dL/dv{k}" in text


def test_the_texts_name_the_root_whose_grads_they_pass_on():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    z = x * w
    z.label = "z"
    h = z.tanh()
    h.label = "h"  # no loss: the grads are dh/d(node)
    assert [s.headline().split(" = ")[1] for s in backward_steps(h)] == ["dh/dh", "dh/dz"]
    h.label = "x*w squashed"  # a label with spaces is bracketed, as in the other texts
    assert next(iter(backward_steps(h))).headline().startswith("(x*w squashed).grad = d(x*w squashed)/d(x*w squashed)")
    loss = (h - 1.0) ** 2  # unlabelled: the root is L, as backward()'s dL/d(node)
    assert [s.headline().split(" = ")[1] for s in backward_steps(loss)][-2:] == ["dL/d(x*w squashed)", "dL/dz"]
    assert root_name(loss) == "L" and root_name(z) == "z"


class TensorLike:
    """Has a grad but is no Value, like a PyTorch tensor."""
    grad = None
    data = 1.0


@pytest.mark.parametrize("not_a_value", [3.0, TensorLike(), [Value(1.0)]], ids=["float", "tensor", "list"])
def test_a_non_value_is_refused_at_once(not_a_value):
    with pytest.raises(TypeError, match="backward_steps needs a Value, got " + type(not_a_value).__name__):
        backward_steps(not_a_value)  # before any step is asked for


def test_another_engines_graph_steps_through_its_own_backward():
    from learner_engine import engine  # a learner's engine of the lecture's kind (tests/)

    learner_value = engine()["Value"]
    a, b = learner_value(2.0), learner_value(-3.0)
    (step,) = backward_steps(a * b)  # the learner's own _backward, called and watched
    assert str(step).startswith("v2._backward()   where v2 = ")
    assert (a.grad, b.grad) == (-3.0, 2.0)


def test_a_term_reads_well_when_printed():
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    step = next(iter(backward_steps(x * w)))
    assert [repr(t) for t in step.terms] == [
        "<Term local=-3.0 (w.data), contribution=-3.0, grad 0.0 -> -3.0>",
        "<Term local=2.0 (x.data), contribution=2.0, grad 0.0 -> 2.0>"]


def test_the_texts_after_an_earlier_backward_count_this_pass_from_zero():
    mlp = MLP(2, [3, 1], activation="tanh", seed=2)
    fresh = explain_backward(mlp([1.0, -0.5]))
    mlp.zero_grad()
    L = mlp([1.0, -0.5])
    L.backward()
    held = [p.grad for p in mlp.parameters()]
    assert explain_backward(L) == fresh  # b1[0].grad: 0.0 -> ..., not the accumulated sum
    assert [p.grad for p in mlp.parameters()] == [2 * g for g in held]  # as backward() twice


def test_leaf_grads_holds_the_grads_of_this_pass():
    a = Value(3.0, label="a")
    out = a * a + a
    a.grad = 100.0  # from an earlier pass
    leaf_grads = {}
    list(backward_steps(out, leaf_grads=leaf_grads))
    assert leaf_grads == {a: 2 * 3.0 + 1} and a.grad == 100.0 + 7.0


def test_forward_steps_replay_step_1_in_topological_order():
    mlp = MLP(2, [2, 1], activation="relu", seed=1)
    trace = mlp.trace([1.0, -2.0])
    root = trace.z[2][0]
    steps = list(forward_steps(root))
    assert [s.node for s in steps] == [v for v in topological_order(root) if v.children]
    by_name = {s.name: s for s in steps}
    z = by_name["z1[0]"]
    assert z.formula == "W1[0,0]·x[0] + W1[0,1]·x[1] + b1[0]"
    W = mlp.layers[0].neurons[0].w
    # the numbers in the text are the operands', and they give the node's data
    def bracketed(x):
        return f"({number(x)})" if x < 0 else number(x)

    assert z.numbers == f"{bracketed(W[0].data)}·1.0 + {bracketed(W[1].data)}·(-2.0) + 0.0"
    assert z.data == W[0].data * 1.0 + W[1].data * -2.0 + 0.0
    h = by_name["h1[0]"]
    assert str(h) == f"h1[0] = relu(z1[0]) = relu({number(z.data)}) = {number(max(z.data, 0.0))}"


def test_forward_steps_change_nothing():
    root, nodes = random_graph(random.Random(0))
    before = [(n.data, n.grad) for n in nodes]
    text = explain_forward(root)
    assert len(text.splitlines()) == sum(1 for v in topological_order(root) if v.children)
    assert [(n.data, n.grad) for n in nodes] == before
    with pytest.raises(TypeError, match="forward_steps needs a Value"):
        forward_steps([1.0])


def test_forward_steps_count_from_zero_and_name_their_node():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    p = a * b
    p.label = "p"
    s = p + c
    s.label = "s"
    t = s.tanh()
    t.label = "t"
    steps = list(forward_steps(t))
    assert [step.index for step in steps] == [0, 1, 2]
    assert [step.node for step in steps] == [p, s, t]
    assert repr(steps[2]) == f"<ForwardStep 2: t = {math.tanh(4.0):.4g}>"
    assert str(steps[1]) == "s = p + c = (-6.0) + 10.0 = 4.0"  # a labelled product keeps its name


def test_an_unlabelled_product_in_a_sum_is_written_out():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    u = a * b + c
    u.label = "u"
    assert str(list(forward_steps(u))[-1]) == "u = a·b + c = 2.0·(-3.0) + 10.0 = 4.0"
    v = (a + b).tanh() + c  # an unlabelled function of a sum keeps its node name
    v.label = "v"
    assert str(list(forward_steps(v))[-1]).startswith("v = v3 + c")


def test_a_leaf_root_fills_leaf_grads_with_one():
    a = Value(2.0, label="a")
    grads = {}
    assert list(backward_steps(a, leaf_grads=grads)) == []
    assert grads == {a: 1.0}


def test_the_old_module_name_gives_the_same_steps():
    from micrograd_bp import stepper, steps

    assert {"backward_steps", "forward_steps", "explain_backward", "explain_forward", "number",
            "names", "delta_name", "Step", "Term", "ForwardStep"} <= set(steps.__all__)
    for name in steps.__all__:
        assert getattr(stepper, name) is getattr(steps, name)


def test_wrapped_lines_break_only_at_spaces():
    from micrograd_bp.steps import TEXT_WIDTH, wrapped

    long_word = "W" * (TEXT_WIDTH + 20)
    assert wrapped(f"a {long_word}").splitlines() == ["a", "    " + long_word]  # never cut
    line = "x" * 70 + " left-right-side"
    assert wrapped(line).splitlines() == ["x" * 70, "    left-right-side"]  # not at a hyphen
    assert all(len(s) <= TEXT_WIDTH for s in wrapped("ab " * 100).splitlines())


def test_a_step_writes_each_childs_grad_as_the_sum_stands_after_it():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    L = a * b + a  # a is used twice: its grad is written in two steps
    writes = [w for step in backward_steps(L) for w in step.writes]
    a_after = [after for node, after in writes if node is a]
    assert a_after == [1.0, 1.0 + (-3.0)]  # dL/da = 1 (the +), then + b (the *)
