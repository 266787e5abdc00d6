"""Losses: softmax, cross-entropy, mse, hinge, L2 and the minibatch mean 1/B.

Expected values come from closed forms (the document's delta^(L) = h - t), central
differences, and PyTorch where it is installed.
"""

import math

import pytest

from micrograd_bp import Value, gradcheck, topological_order
from micrograd_bp.losses import batch_mean, cross_entropy, hinge, l2, log_softmax, mse, softmax


def closed_form_softmax(z):
    """softmax written with math.exp only, for logits small enough not to overflow."""
    e = [math.exp(zk) for zk in z]
    return [ek / sum(e) for ek in e]


# --- softmax and log_softmax -------------------------------------------------------

def test_softmax_matches_the_closed_form():
    z = [1.0, -2.0, 0.5]
    assert [h.data for h in softmax(z)] == pytest.approx(closed_form_softmax(z), rel=1e-12)


def test_softmax_sums_to_one():
    assert sum(h.data for h in softmax([3.0, 1.0, -4.0, 0.0])) == pytest.approx(1.0)


@pytest.mark.parametrize("z", [[1000.0, 0.0, -1000.0], [-1000.0, -1000.0], [1000.0, 1000.0]])
def test_softmax_and_log_softmax_are_stable_for_huge_logits(z):
    h = [v.data for v in softmax(z)]
    log_h = [v.data for v in log_softmax(z)]
    assert all(math.isfinite(x) for x in h)
    assert sum(h) == pytest.approx(1.0)
    # log softmax_k = z_k - logsumexp(z); logsumexp by hand with the max factored out
    m = max(z)
    lse = m + math.log(sum(math.exp(zk - m) for zk in z))
    assert log_h == pytest.approx([zk - lse for zk in z])


def test_log_softmax_is_the_log_of_softmax():
    z = [0.3, -1.2, 2.0, 0.0]
    assert [v.data for v in log_softmax(z)] == pytest.approx(
        [math.log(h) for h in closed_form_softmax(z)])


def test_softmax_rejects_an_empty_list():
    with pytest.raises(ValueError, match="softmax"):
        softmax([])


# --- cross-entropy -------------------------------------------------------------------

def test_cross_entropy_with_an_index_is_minus_log_h_of_that_class():
    z = [2.0, -1.0, 0.5]
    L = cross_entropy(z, 2)
    assert L.data == pytest.approx(-math.log(closed_form_softmax(z)[2]))


def test_cross_entropy_with_a_one_hot_list_equals_the_index_form():
    z = [2.0, -1.0, 0.5]
    assert cross_entropy(z, [0, 1, 0]).data == pytest.approx(cross_entropy(z, 1).data)


def test_cross_entropy_with_a_soft_target_is_minus_sum_t_log_h():
    z, t = [0.2, 1.0, -0.7], [0.25, 0.5, 0.25]
    h = closed_form_softmax(z)
    expected = -sum(tk * math.log(hk) for tk, hk in zip(t, h))
    assert cross_entropy(z, t).data == pytest.approx(expected)


def test_cross_entropy_with_a_class_index_builds_only_the_term_minus_log_h_y():
    # -sum_k t_k log h_k with one-hot t is -log h_y: the other K - 1 terms are 0
    # and are left out of the graph, so stepping through it shows just that term.
    L = cross_entropy([2.0, -1.0, 0.5], 2)
    (total,) = L.children  # L = -(sum of the kept terms)
    (term,) = total.children
    assert term.op == "*" and term.children[0].data == 1.0  # t_2 * log h_2
    assert term.children[1].data == pytest.approx(math.log(closed_form_softmax([2.0, -1.0, 0.5])[2]))


def test_cross_entropy_with_an_all_zero_target_is_zero():
    L = cross_entropy([2.0, -1.0], [0.0, 0.0])  # -sum_k 0 * log h_k
    assert L.data == 0.0


@pytest.mark.parametrize("target", [0, 1, 3, [0.1, 0.2, 0.3, 0.4]])
def test_softmax_cross_entropy_gradient_is_delta_L_equals_h_minus_t(target):
    """The document: for cross-entropy with softmax, delta^(L) = dL/dz^(L) = h^(L) - t."""
    z = [Value(v, label=f"z[{k}]") for k, v in enumerate([0.5, -1.5, 2.0, 0.1])]
    L = cross_entropy(z, target)
    L.backward()
    h = closed_form_softmax([zk.data for zk in z])
    t = [1.0 if k == target else 0.0 for k in range(4)] if isinstance(target, int) else target
    delta = [hk - tk for hk, tk in zip(h, t)]
    assert [zk.grad for zk in z] == pytest.approx(delta, abs=1e-12)


def test_softmax_cross_entropy_gradient_is_h_minus_t_for_huge_logits():
    z = [Value(1000.0), Value(-1000.0), Value(999.0)]
    cross_entropy(z, 1).backward()
    # h = softmax(z): the -1000 logit has probability ~0, the others share e^0 : e^-1
    h0, h2 = 1 / (1 + math.exp(-1)), math.exp(-1) / (1 + math.exp(-1))
    assert [v.grad for v in z] == pytest.approx([h0, -1.0, h2], abs=1e-12)


def test_cross_entropy_gradient_matches_finite_differences():
    assert gradcheck(lambda a, b, c: cross_entropy([a, b, c], 0), [0.3, -0.8, 1.7])


def test_cross_entropy_matches_pytorch():
    torch = pytest.importorskip("torch")
    logits = [[0.5, -1.5, 2.0], [3.0, 0.0, -3.0]]
    targets = [2, 0]
    zs = [[Value(v) for v in row] for row in logits]
    L = batch_mean([cross_entropy(z, t) for z, t in zip(zs, targets)])
    L.backward()
    tz = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    tL = torch.nn.functional.cross_entropy(tz, torch.tensor(targets))
    tL.backward()
    assert L.data == pytest.approx(tL.item(), rel=1e-12)
    assert [v.grad for z in zs for v in z] == pytest.approx(tz.grad.flatten().tolist(), abs=1e-12)


def test_cross_entropy_rejects_a_class_index_out_of_range():
    with pytest.raises(ValueError, match="class index 3 is out of range for 3 classes"):
        cross_entropy([0.0, 1.0, 2.0], 3)


def test_cross_entropy_rejects_a_target_of_the_wrong_length():
    with pytest.raises(ValueError, match="2 entries but there are 3 logits"):
        cross_entropy([0.0, 1.0, 2.0], [0, 1])


def test_cross_entropy_rejects_a_float_target_with_a_clear_message():
    with pytest.raises(TypeError, match="cross_entropy.*class index.*1.5"):
        cross_entropy([0.0, 1.0], 1.5)


# --- mse, hinge, l2, batch_mean --------------------------------------------------------

def test_mse_is_the_mean_of_squared_errors():
    assert mse([1.0, 2.0, 4.0], [0.0, 2.0, 1.0]).data == pytest.approx((1 + 0 + 9) / 3)


def test_mse_gradient_is_two_over_n_times_the_error():
    h = [Value(1.0), Value(2.0), Value(4.0)]
    mse(h, [0.0, 2.0, 1.0]).backward()
    assert [v.grad for v in h] == pytest.approx([2 / 3 * 1, 0.0, 2 / 3 * 3])


def test_mse_graph_reads_like_its_formula_h_minus_t_squared():
    h = Value(3.0, label="h")
    L = mse([h], [1.0])  # 1/1 * (h - t)**2
    (total, _) = L.children
    (square,) = total.children
    difference, _ = square.children
    assert difference.op == "-" and difference.children[0] is h
    assert difference.children[1].data == 1.0


def test_mse_of_one_output_accepts_a_number_target():
    assert mse(Value(3.0), 1.0).data == pytest.approx(4.0)


def test_mse_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="mse: 2 outputs but 1 targets"):
        mse([1.0, 2.0], [1.0])


@pytest.mark.parametrize("score, y, expected", [
    (0.3, 1, 0.7),     # inside the margin: 1 - 0.3
    (2.0, 1, 0.0),     # beyond the margin: no loss
    (0.3, -1, 1.3),    # wrong side: 1 + 0.3
    (-2.0, -1, 0.0),
])
def test_hinge_is_max_of_zero_and_one_minus_y_times_score(score, y, expected):
    assert hinge(Value(score), y).data == pytest.approx(expected)


def test_hinge_gradient_is_minus_y_inside_the_margin_and_zero_outside():
    inside, outside = Value(0.3), Value(2.0)
    hinge(inside, -1).backward()
    hinge(outside, 1).backward()
    assert (inside.grad, outside.grad) == (1.0, 0.0)


@pytest.mark.parametrize("bad", [0, 2, True, 0.5])
def test_hinge_rejects_labels_other_than_plus_or_minus_one(bad):
    with pytest.raises(ValueError, match="hinge: the label must be -1 or \\+1"):
        hinge(Value(0.0), bad)


def test_l2_is_alpha_times_the_sum_of_squares_and_its_gradient_2_alpha_p():
    p = [Value(1.0), Value(-2.0), Value(0.5)]
    penalty = l2(p, 1e-2)
    penalty.backward()
    assert penalty.data == pytest.approx(1e-2 * (1 + 4 + 0.25))
    assert [v.grad for v in p] == pytest.approx([2e-2 * 1, 2e-2 * -2, 2e-2 * 0.5])


def test_l2_with_alpha_zero_is_allowed_and_zero():
    assert l2([Value(3.0)], 0).data == 0.0


def test_l2_rejects_a_negative_alpha():
    with pytest.raises(ValueError, match="l2: alpha must be a number >= 0, got -1"):
        l2([Value(1.0)], -1)


def test_batch_mean_is_one_over_B_times_the_sum():
    losses = [Value(1.0), Value(2.0), Value(6.0)]
    mean = batch_mean(losses)
    mean.backward()
    assert mean.data == pytest.approx(3.0)
    assert [v.grad for v in losses] == pytest.approx([1 / 3] * 3)  # dL/dL_i = 1/B


def test_batch_mean_rejects_an_empty_batch():
    with pytest.raises(ValueError, match="batch_mean needs at least one value"):
        batch_mean([])
    with pytest.raises(ValueError, match="batch_mean needs at least one value"):
        batch_mean(iter([]))  # any iterable is read as a list first


@pytest.mark.parametrize("loss", [softmax, log_softmax, batch_mean])
def test_a_number_where_a_list_belongs_is_a_clear_type_error(loss):
    with pytest.raises(TypeError, match=f"{loss.__name__} needs a list of Values or numbers, got 3.5"):
        loss(3.5)


def test_the_softmax_and_loss_nodes_are_labelled_for_drawings_and_steps():
    z = [Value(0.5), Value(-1.0), Value(2.0)]
    L = cross_entropy(z, 2)
    labels = {v.label for v in topological_order(L)}
    assert L.label == "cross_entropy"
    assert {"log_sum_exp", "log_softmax[2]"} <= labels
    assert [h.label for h in softmax(z)] == ["softmax[0]", "softmax[1]", "softmax[2]"]


def test_softmax_names_its_denominator():
    h = softmax([Value(1.0), Value(2.0)])
    labels = {v.label for v in topological_order(h[0])}
    assert "sum_exp" in labels
