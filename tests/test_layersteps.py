"""layer_steps: Steps 2-4 one neuron at a time, against backward() and the numpy equations."""

import math

import pytest

from micrograd_bp import MLP, Value, check_backprop
from micrograd_bp.layersteps import explain_layers, layer_steps
from micrograd_bp.losses import cross_entropy, mse


def relu_net_loss():
    mlp = MLP(2, [3, 2], activation="relu", seed=1)
    trace = mlp.trace([1.0, -2.0])
    L = mse(trace.h[2], [1.0, 0.0])
    return mlp, trace, L


def test_one_step_per_delta_output_layer_first_then_down_then_a_weight():
    mlp, trace, L = relu_net_loss()
    steps = layer_steps(L)
    assert [(s.step, s.l, s.j) for s in steps[:-1]] == [
        (2, 2, 0), (2, 2, 1), (3, 1, 0), (3, 1, 1), (3, 1, 2)]
    assert steps[-1].step == 4 and steps[-1].node.label.startswith("W1[")
    assert [s.index for s in steps] == list(range(len(steps)))


def test_step_3_reads_the_edges_into_the_neuron_and_writes_the_sum():
    mlp, trace, L = relu_net_loss()
    step = layer_steps(L)[4]  # δ1[2]
    W2 = mlp.layers[1].neurons
    assert step.edges == (W2[0].w[2], W2[1].w[2])
    assert step.sources == tuple(trace.z[2])
    assert step.text.startswith("δ1[2] = (W2[0,2]·δ2[0] + W2[1,2]·δ2[1]) · σ'(z1[2]) = (")


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_deltas_equal_backward_and_the_documents_numpy_equations(activation, seed):
    mlp = MLP(3, [4, 3, 2], activation=activation, seed=seed)
    x, t = [0.5, -1.0, 2.0], [0.0, 1.0]
    report = check_backprop(mlp, x, t, loss="mse")  # runs backward(), fills the grads
    grads = {p: p.grad for p in mlp.parameters()}
    steps = layer_steps(report.loss, weights=["W1[2,1]", "W3[1,2]", mlp.layers[1].neurons[0].w[3]])
    assert {p: p.grad for p in mlp.parameters()} == grads  # leaves untouched
    for s in steps:
        if s.step in (2, 3):
            assert s.value == pytest.approx(s.node.grad, rel=1e-12, abs=1e-15)  # the engine
            numpy_delta = report.get("delta", s.l).equation[s.j, 0]
            assert s.value == pytest.approx(numpy_delta, rel=1e-9, abs=1e-12)  # the document
        else:
            assert s.value == pytest.approx(s.node.grad, rel=1e-12, abs=1e-15)
            assert s.value == pytest.approx(report.get("dW", s.l).equation[s.j, s.i], abs=1e-12)


def test_an_activated_output_layer_multiplies_by_sigma_prime():
    mlp = MLP(2, [2, 1], activation="tanh", output_activation="tanh", seed=3)
    out = mlp([0.4, 0.9])
    L = mse(out, [0.5])
    (output, *_) = layer_steps(L)
    assert output.text.startswith("δ2[0] = dL/dh2[0] · σ'(z2[0]) = ")
    L.backward()
    assert output.value == pytest.approx(output.node.grad)


def test_the_default_weight_has_the_largest_gradient_of_layer_1():
    mlp, trace, L = relu_net_loss()
    weight = layer_steps(L)[-1]
    L.backward()
    largest = max((w for n in mlp.layers[0].neurons for w in n.w), key=lambda w: abs(w.grad))
    assert weight.node is largest and weight.value == pytest.approx(largest.grad)
    assert "(row" in weight.text and "of δ1 h0ᵀ" in weight.text


def test_the_text_has_one_paragraph_per_step_in_lines_that_fit_a_column():
    mlp, trace, L = relu_net_loss()
    text = explain_layers(L)
    starts = [line for line in text.splitlines() if line.startswith("Step")]
    assert starts[0].startswith("Step 2, output layer: δ2[0] = dL/dz2[0] = ")
    assert starts[2].startswith("Step 3, backpropagate: δ1[0] = ")
    assert starts[-1].startswith("Step 4, gradient: dL/dW1[")
    assert len(starts) == len(layer_steps(L))
    assert max(len(line) for line in text.splitlines()) <= 78


def softmax_net():
    mlp = MLP(3, [4, 3], seed=0)
    x, t = [1.0, -2.0, 0.5], 1
    return mlp, x, t, cross_entropy(mlp(x), t)


def test_step_2_with_softmax_and_cross_entropy_is_h_minus_t():
    mlp, x, t, L = softmax_net()
    steps = [s for s in layer_steps(L) if s.step == 2]
    z = [v.data for v in mlp(x)]  # the logits again, from a second forward pass
    h = [math.exp(zk) / sum(math.exp(zj) for zj in z) for zk in z]
    L.backward()
    report = check_backprop(mlp, x, t)
    for s in steps:
        expected = h[s.j] - (1.0 if s.j == t else 0.0)
        assert s.value == pytest.approx(expected, rel=1e-12)
        assert s.value == pytest.approx(s.node.grad, rel=1e-12)  # the engine's dL/dz
        assert s.value == pytest.approx(report.get("delta", 2).equation[s.j, 0], rel=1e-9)
        assert s.text.startswith(f"δ2[{s.j}] = h2[{s.j}] - t[{s.j}] = {h[s.j]:.4g} - ")
        assert "softmax(z2)" in s.text and "h2[0] = z2[0]" not in s.text


def test_step_3_shows_the_engines_accumulation_one_edge_at_a_time_agreeing_with_the_sum():
    mlp, x, t, L = softmax_net()
    hidden = [s for s in layer_steps(L) if s.step == 3]
    trace = mlp.trace(x)  # the same network again, for backward()'s own grads
    cross_entropy(trace.h[2], t).backward()
    for s in hidden:
        assert [a.k for a in s.engine] and sorted(a.k for a in s.engine) == [0, 1, 2]
        assert s.engine[0].before == 0.0
        for a, b in zip(s.engine, s.engine[1:]):
            assert b.before == a.after  # one running sum
        for a in s.engine:
            assert a.weight is mlp.layers[1].neurons[a.k].w[s.j]
            assert a.after == pytest.approx(a.before + a.weight.data * a.delta, rel=1e-12, abs=1e-15)
        h_grad = trace.h[1][s.j].grad
        assert s.engine[-1].after == pytest.approx(h_grad, rel=1e-12)  # what backward() leaves
        total = sum(mlp.layers[1].neurons[k].w[s.j].data * d.value
                    for k, d in enumerate(x for x in layer_steps(L) if x.step == 2))
        assert s.engine[-1].after == pytest.approx(total, rel=1e-9)  # the Σ_k
        assert "= the Σ above" in str(s) and f"h1[{s.j}].grad 0.0 -> " in str(s).replace("\n      ", " ")


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="needs a graph built by an MLP"):
        layer_steps(Value(1.0) * 2)
    mlp, trace, L = relu_net_loss()
    with pytest.raises(ValueError, match="'W9\\[0,0\\]' is not a weight of this network"):
        layer_steps(L, weights="W9[0,0]")
    with pytest.raises(TypeError, match="layer_steps needs a Value"):
        layer_steps([1.0])
    batch = mlp([1.0, 2.0])[0] + mlp([0.0, 1.0])[0]
    with pytest.raises(ValueError, match="one sample"):
        layer_steps(batch)
