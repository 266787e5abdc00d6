"""Neurons, layers and the MLP: the document's z = W h + b, h = sigma(z)."""

import math
import random

import pytest

from micrograd_bp import MLP, Layer, Module, Neuron, Value, gradcheck


def test_neuron_computes_z_and_h_as_the_document_writes_them():
    n = Neuron(3, activation="tanh", seed=1)
    h_in = [0.5, -1.0, 2.0]
    z, h = n.forward_with_z(h_in)
    expected_z = sum(w.data * x for w, x in zip(n.w, h_in)) + n.b.data
    assert z.data == pytest.approx(expected_z)
    assert h.data == pytest.approx(math.tanh(expected_z))
    assert (z.label, h.label) == ("z1[0]", "h1[0]")


@pytest.mark.parametrize("activation, sigma", [
    ("relu", lambda z: max(0.0, z)),
    ("tanh", math.tanh),
    ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
    ("linear", lambda z: z),
])
def test_every_activation(activation, sigma):
    n = Neuron(2, activation=activation, seed=3)
    n.b.data = 0.25
    z, h = n.forward_with_z([0.3, -0.7])
    assert h.data == pytest.approx(sigma(z.data))
    if activation == "linear":
        assert h is z


def test_mlp_structure_follows_micrograd_and_the_document():
    mlp = MLP(3, [4, 4, 2], seed=0)
    assert len(mlp.layers) == 3
    assert [len(layer.neurons) for layer in mlp.layers] == [4, 4, 2]
    assert [layer.activation for layer in mlp.layers] == ["relu", "relu", "linear"]
    # mlp.layers[l - 1].neurons[j].w[i] is W^(l)[j, i]
    assert mlp.layers[1].neurons[2].w[3].label == "W2[2,3]"
    assert mlp.layers[2].neurons[1].b.label == "b3[1]"
    assert len(mlp.parameters()) == (3 * 4 + 4) + (4 * 4 + 4) + (4 * 2 + 2)
    names = [name for name, _ in mlp.named_parameters()]
    assert names[:5] == ["W1[0,0]", "W1[0,1]", "W1[0,2]", "b1[0]", "W1[1,0]"]
    assert len(set(names)) == len(names)


def test_output_is_a_value_for_one_output_and_a_list_otherwise():
    assert isinstance(MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    out = MLP(2, [3, 2], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2


def test_a_hidden_layer_of_one_neuron_works():
    mlp = MLP(2, [16, 1, 1], seed=0)  # crashes micrograd 0.1.0
    y = mlp([0.5, -0.5])
    y.backward()
    assert isinstance(y, Value)
    assert all(isinstance(p.grad, float) for p in mlp.parameters())
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), list)


def test_mlp_forward_matches_a_plain_python_forward_pass():
    mlp = MLP(2, [3, 2], activation="tanh", seed=4)
    x = [0.2, -0.4]
    h = x
    for layer in mlp.layers:
        z = [sum(w.data * hi for w, hi in zip(n.w, h)) + n.b.data for n in layer.neurons]
        h = [math.tanh(zj) if layer.activation == "tanh" else zj for zj in z]
    assert [v.data for v in mlp(x)] == pytest.approx(h)


def test_trace_records_z_and_h_per_layer():
    mlp = MLP(2, [3, 2], activation="sigmoid", seed=0)
    trace = mlp.trace([1.0, -1.0])
    assert trace.L == 2 and trace.z[0] is None
    assert [v.data for v in trace.h[0]] == [1.0, -1.0]
    assert [v.label for v in trace.z[1]] == ["z1[0]", "z1[1]", "z1[2]"]
    assert [v.label for v in trace.h[1]] == ["h1[0]", "h1[1]", "h1[2]"]
    for z, h in zip(trace.z[1], trace.h[1]):
        assert h.data == pytest.approx(1 / (1 + math.exp(-z.data)))
    assert trace.h[2] == trace.z[2]  # the last layer is linear: h is z


def test_gradients_of_a_whole_mlp_match_central_differences():
    mlp = MLP(2, [3, 3, 1], activation="tanh", seed=7)
    params = mlp.parameters()

    def loss_of(*values):
        # the same network, written out by hand with the given Values as parameters
        h = [Value(0.3), Value(-0.8)]
        for layer in mlp.layers:
            new = []
            for n in layer.neurons:
                k = params.index(n.w[0])
                w = values[k:k + len(n.w)]
                b = values[k + len(n.w)]
                z = Value.sum([wi * hi for wi, hi in zip(w, h)] + [b])
                new.append(z.tanh() if layer.activation == "tanh" else z)
            h = new
        return (h[0] - 0.5) ** 2

    result = gradcheck(loss_of, [p.data for p in params], tol=1e-6)
    assert result, str(result)
    # and the MLP's own backward gives the same gradients
    mlp.zero_grad()
    ((mlp([0.3, -0.8]) - 0.5) ** 2).backward()
    assert [p.grad for p in params] == pytest.approx(result.analytic, rel=1e-9, abs=1e-12)


def test_zero_grad_clears_accumulated_gradients():
    mlp = MLP(2, [2, 1], seed=0)
    mlp([1.0, 1.0]).backward()
    mlp.zero_grad()
    assert all(p.grad == 0.0 for p in mlp.parameters())


def test_seed_and_rng_make_initialisation_reproducible():
    a = [p.data for p in MLP(2, [4, 1], seed=42).parameters()]
    b = [p.data for p in MLP(2, [4, 1], seed=42).parameters()]
    c = [p.data for p in MLP(2, [4, 1], rng=random.Random(42)).parameters()]
    assert a == b == c
    assert a != [p.data for p in MLP(2, [4, 1], seed=43).parameters()]
    with pytest.raises(ValueError, match="either seed= or rng="):
        MLP(2, [1], seed=1, rng=random.Random(1))


def test_module_base_class():
    assert Module().parameters() == [] and isinstance(MLP(1, [1]), Module)
    assert repr(MLP(2, [3, 1], activation="tanh")) == (
        "MLP(nin=2, nouts=[3, 1], activation='tanh', output_activation='linear')")


def test_calling_a_module_is_its_forward_as_in_pytorch():
    mlp = MLP(2, [3, 2], activation="tanh", seed=5)
    x = [0.5, -1.0]
    layer, neuron = mlp.layers[0], mlp.layers[0].neurons[1]
    assert [v.data for v in layer(x)] == [v.data for v in layer.forward(x)]
    assert neuron(x).data == neuron.forward(x).data == layer(x)[1].data
    assert neuron(x).label == "h1[1]"  # the output h, not the pre-activation z
    assert [v.data for v in mlp(x)] == [v.data for v in mlp.forward(x)]


def test_forward_with_z_gives_the_pre_activations_too():
    layer = Layer(2, 3, "relu", l=2, seed=0)
    z, h = layer.forward_with_z([1.0, -2.0])
    assert [v.label for v in z] == ["z2[0]", "z2[1]", "z2[2]"]
    assert [v.data for v in h] == [max(0.0, v.data) for v in z]


def test_a_module_of_ones_own_is_called_through_forward():
    class Double(Module):
        def forward(self, x):
            return 2 * x

    assert Double()(Value(3.0)).data == 6.0
    with pytest.raises(NotImplementedError, match="Module does not define forward"):
        Module()(1.0)


def test_a_trace_and_a_module_read_well_when_printed():
    mlp = MLP(2, [3, 2], seed=0)
    trace = mlp.trace([1.0, 2.0])
    shown = ", ".join(f"{v.data:.4g}" for v in trace.output)
    assert repr(trace) == f"Trace(L=2, sizes=[2, 3, 2], output=[{shown}])"
    one = MLP(2, [1], seed=0).trace([1.0, 2.0])
    assert repr(one) == f"Trace(L=1, sizes=[2, 1], output={one.output.data:.4g})"

    class Affine(Module):
        def named_parameters(self):
            return [("a", Value(1.0)), ("b", Value(0.0))]

    assert repr(Affine()) == "Affine(2 parameters)"


def test_weights_start_uniform_in_minus_one_to_one_and_biases_at_zero():
    weights, biases = [], []
    for seed in range(50):
        mlp = MLP(4, [8, 3], seed=seed)
        for layer in mlp.layers:
            for n in layer.neurons:
                weights += [w.data for w in n.w]
                biases.append(n.b.data)
    assert all(-1.0 <= w <= 1.0 for w in weights)
    # 2,000 draws of uniform(-1, 1) fill the range: both ends and both halves
    assert min(weights) < -0.99 and max(weights) > 0.99
    assert abs(sum(weights) / len(weights)) < 0.05
    assert all(b == 0.0 for b in biases)


def test_a_layer_call_returns_the_activations_h_not_the_pre_activations_z():
    layer = Layer(2, 4, activation="relu", seed=0)
    x = [1.0, -2.0]
    h = layer(x)
    # z_j = sum_i W[j,i] x_i + b_j and h_j = max(0, z_j), written out by hand
    z = [sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data for n in layer.neurons]
    assert any(zj < 0 for zj in z), "the example needs a neuron that relu switches off"
    assert [v.data for v in h] == pytest.approx([max(0.0, zj) for zj in z])
    assert [v.label for v in h] == [f"h1[{j}]" for j in range(4)]


def test_a_standalone_layer_is_layer_1_and_a_standalone_neuron_is_neuron_0_of_it():
    layer = Layer(3, 2, seed=0)
    assert layer.l == 1
    assert [name for name, _ in layer.named_parameters()] == [
        "W1[0,0]", "W1[0,1]", "W1[0,2]", "b1[0]", "W1[1,0]", "W1[1,1]", "W1[1,2]", "b1[1]"]
    assert [p.label for p in Neuron(2, seed=0).parameters()] == ["W1[0,0]", "W1[0,1]", "b1[0]"]
    assert [p.label for p in Layer(1, 1, l=3).parameters()] == ["W3[0,0]", "b3[0]"]


@pytest.mark.parametrize("make, message", [
    (lambda: Neuron(0), "Neuron: nin"),
    (lambda: Layer(2, 0), "Layer: nout"),
    (lambda: Layer(0, 2), "Neuron: nin"),  # the layer's neurons check their inputs
    (lambda: MLP(0, [2]), "MLP: nin"),
    (lambda: MLP(2, [2, 0]), "Layer: nout"),
    (lambda: MLP(2, 3), "MLP: nouts"),
    (lambda: MLP(2, []), "MLP: nouts"),
])
def test_sizes_below_one_are_refused_naming_the_size_and_who_was_given_it(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_neuron_returns_h_and_its_z_reads_w_times_h_plus_b():
    n = Neuron(2, activation="relu", seed=0)
    n.w[0].data, n.w[1].data, n.b.data = 0.5, -1.0, 0.25
    x = [Value(2.0, label="x[0]"), Value(3.0, label="x[1]")]
    z, h = n.forward_with_z(x)
    assert z.data == 0.5 * 2.0 - 1.0 * 3.0 + 0.25  # -1.75: relu switches it off
    assert h.data == 0.0 and h.label == "h1[0]"
    assert n(x).data == 0.0 and n(x).label == "h1[0]"
    # z = W[0,0] x[0] + W[0,1] x[1] + b: one node, its operands the weights, the inputs, b
    assert z.op == "w·h+b" and z.label == "z1[0]"
    assert z.children == (*n.w, *x, n.b)


def test_a_neuron_given_the_wrong_number_of_inputs_names_itself():
    n = Neuron(3, l=2, j=1, seed=0)
    assert (n.l, n.j) == (2, 1)
    with pytest.raises(ValueError, match=r"neuron W2\[1,:\] expects 3 inputs, got 1"):
        n.forward([1.0])
    with pytest.raises(ValueError, match=r"this MLP expects 2 inputs, got 3"):
        MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])


def test_a_layer_seed_makes_its_weights_reproducible():
    weights = [[p.data for p in Layer(3, 2, seed=7).parameters()] for _ in range(2)]
    assert weights[0] == weights[1]
    assert weights[0] != [p.data for p in Layer(3, 2, seed=8).parameters()]
    with pytest.raises(ValueError, match="either seed= or rng="):
        Layer(3, 2, seed=1, rng=random.Random(1))


def test_unknown_activations_are_refused_even_where_unused():
    listed = "choose one of relu, tanh, sigmoid, linear"
    with pytest.raises(ValueError, match=f"MLP: unknown activation 'softplus'; {listed}"):
        MLP(2, [1], activation="softplus")  # one layer: the hidden activation is never used
    with pytest.raises(ValueError, match=r"MLP \(output_activation\): unknown activation 'gelu'"):
        MLP(2, [3, 1], output_activation="gelu")


def test_reprs_say_what_was_built():
    assert repr(Neuron(2, activation="tanh")) == "Neuron(nin=2, activation='tanh')"
    assert repr(Layer(3, 2)) == "Layer(nin=3, nout=2, activation='relu')"


def test_nn_offers_the_activations_it_accepts_from_the_one_list_in_checks():
    from micrograd_bp import checks, nn
    assert nn.ACTIVATIONS is checks.ACTIVATIONS
    for name in nn.ACTIVATIONS:
        assert Neuron(1, activation=name).activation == name


def test_one_output_is_a_value_when_called_and_a_list_from_outputs():
    """The rule: mlp(x) squeezes a one-output network's list to its Value (micrograd's
    convention); mlp.outputs(x) is always the list h^(L), whatever the width."""
    x = [0.5, -1.0]
    for nouts in ([3, 1], [3, 2]):
        mlp = MLP(2, nouts, seed=0)
        called, listed = mlp(x), mlp.outputs(x)
        assert isinstance(listed, list) and len(listed) == nouts[-1]
        assert [v.data for v in listed] == [v.data for v in mlp.trace(x).h[-1]]
        if nouts[-1] == 1:
            assert isinstance(called, Value) and called.data == listed[0].data
        else:
            assert [v.data for v in called] == [v.data for v in listed]


def test_outputs_is_always_a_list_and_a_call_squeezes_one_output():
    from micrograd_bp.nn import unsqueezed

    one, two = MLP(2, [3, 1], seed=0), MLP(2, [3, 2], seed=0)
    x = [0.5, -1.0]
    assert isinstance(one(x), Value) and isinstance(two(x), list)
    assert [h.data for h in one.outputs(x)] == [one(x).data]  # a list of one Value
    assert [h.data for h in two.outputs(x)] == [h.data for h in two(x)]
    v = Value(2.0)
    assert unsqueezed(v) == [v] and unsqueezed((v, v)) == [v, v]


def test_a_users_module_gets_outputs_from_its_forward():
    class Double(Module):
        def forward(self, x):
            return x * 2  # one Value

    x = Value(1.5)
    assert [h.data for h in Double().outputs(x)] == [3.0]
