"""Optimizers: SGD (plain, momentum, schedules) and Adam, checked against updates
computed by hand and against torch.optim."""

import math

import pytest

from micrograd_bp import MLP, Value
from micrograd_bp.optim import SGD, Adam, linear_decay


def params_with_grads(data, grads):
    ps = [Value(d) for d in data]
    for p, g in zip(ps, grads):
        p.grad = g
    return ps


def test_sgd_step_is_p_minus_lr_times_grad():
    p = params_with_grads([1.0, -2.0], [0.5, -4.0])
    SGD(p, lr=0.1).step()
    assert [v.data for v in p] == pytest.approx([1.0 - 0.1 * 0.5, -2.0 - 0.1 * -4.0])


def test_zero_grad_sets_every_grad_to_zero():
    p = params_with_grads([1.0, 2.0], [3.0, 4.0])
    SGD(p, lr=0.1).zero_grad()
    assert [v.grad for v in p] == [0.0, 0.0]


def test_sgd_momentum_accumulates_velocity_by_hand():
    # grad fixed at g = 2: v1 = 2, v2 = 0.9*2 + 2 = 3.8; p = 1 - 0.1*2 - 0.1*3.8
    (p,) = ps = params_with_grads([1.0], [2.0])
    opt = SGD(ps, lr=0.1, momentum=0.9)
    opt.step()
    opt.step()
    assert p.data == pytest.approx(1.0 - 0.1 * 2.0 - 0.1 * 3.8)


def test_sgd_schedule_sets_the_learning_rate_of_each_step():
    (p,) = ps = params_with_grads([0.0], [1.0])
    opt = SGD(ps, lr=1.0, schedule=lambda k: 1.0 / (k + 1))
    for _ in range(3):
        opt.step()
    assert p.data == pytest.approx(-(1.0 + 1 / 2 + 1 / 3))
    assert opt.lr == pytest.approx(1 / 3) and opt.k == 3


def test_linear_decay_is_micrograds_demo_schedule():
    schedule = linear_decay(1.0, 0.1, 100)
    for k in (0, 1, 50, 99):
        assert schedule(k) == pytest.approx(1.0 - 0.9 * k / 100)


def test_adam_first_step_moves_each_parameter_by_about_lr():
    # After one step m_hat = g and v_hat = g**2, so the update is lr * g / (|g| + eps).
    p = params_with_grads([1.0, 1.0], [5.0, -0.01])
    Adam(p, lr=0.1).step()
    assert [v.data for v in p] == pytest.approx([1.0 - 0.1 * 5 / (5 + 1e-8),
                                                  1.0 + 0.1 * 0.01 / (0.01 + 1e-8)])


def test_adam_two_steps_by_hand():
    (p,) = ps = params_with_grads([0.0], [1.0])
    opt = Adam(ps, lr=0.5, betas=(0.5, 0.75), eps=0.0)
    opt.step()
    p.grad = 3.0
    opt.step()
    # step 2: m = 0.5*0.5 + 0.5*3 = 1.75, v = 0.75*0.25 + 0.25*9 = 2.4375
    m_hat, v_hat = 1.75 / (1 - 0.5 ** 2), 2.4375 / (1 - 0.75 ** 2)
    assert p.data == pytest.approx(-0.5 - 0.5 * m_hat / math.sqrt(v_hat))


def quadratic_loss(ps):
    """L = sum_i (i + 1) * (p_i - 1)**2 + p_0 * p_1: a bowl with unequal curvatures."""
    loss = Value.sum([(i + 1) * (p - 1.0) ** 2 for i, p in enumerate(ps)])
    return loss + ps[0] * ps[1]


@pytest.mark.parametrize("make_ours, make_torch", [
    (lambda ps: SGD(ps, lr=0.05), lambda t, ps: t.optim.SGD(ps, lr=0.05)),
    (lambda ps: SGD(ps, lr=0.05, momentum=0.9),
     lambda t, ps: t.optim.SGD(ps, lr=0.05, momentum=0.9)),
    (lambda ps: Adam(ps, lr=0.1), lambda t, ps: t.optim.Adam(ps, lr=0.1)),
    (lambda ps: Adam(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-6),
     lambda t, ps: t.optim.Adam(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-6)),
], ids=["sgd", "sgd-momentum", "adam", "adam-custom"])
def test_twenty_steps_match_torch_optim(make_ours, make_torch):
    torch = pytest.importorskip("torch")
    start = [0.3, -1.2, 2.0]
    ours = [Value(v) for v in start]
    theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in start]
    opt, topt = make_ours(ours), make_torch(torch, theirs)
    for _ in range(20):
        opt.zero_grad()
        quadratic_loss(ours).backward()
        opt.step()
        topt.zero_grad()
        quadratic_loss_torch = sum((i + 1) * (p - 1.0) ** 2 for i, p in enumerate(theirs))
        (quadratic_loss_torch + theirs[0] * theirs[1]).backward()
        topt.step()
    assert [p.data for p in ours] == pytest.approx([p.item() for p in theirs], rel=1e-10)


def test_optimizer_takes_model_parameters_and_lowers_the_loss():
    model = MLP(2, [4, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.05)
    x, t = [0.5, -1.0], 2.0

    def loss():
        return (model(x) - t) ** 2

    before = loss().data
    for _ in range(10):
        opt.zero_grad()
        loss().backward()
        opt.step()
    assert loss().data < before


@pytest.mark.parametrize("kwargs, message", [
    ({"lr": 0}, "lr must be a number > 0, got 0"),
    ({"lr": -1.0}, "lr must be a number > 0, got -1.0"),
    ({"lr": 0.1, "momentum": 1.0}, "momentum must be a number >= 0 and < 1, got 1.0"),
])
def test_sgd_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SGD([Value(1.0)], **kwargs)


def test_adam_rejects_a_beta_of_one():
    with pytest.raises(ValueError, match="beta2 must be a number >= 0 and < 1, got 1"):
        Adam([Value(1.0)], betas=(0.9, 1))


def test_lr_must_be_a_number():
    with pytest.raises(ValueError, match="lr must be a number > 0, got '0.1'"):
        SGD([Value(1.0)], lr="0.1")


def test_optimizer_rejects_no_parameters_and_non_values():
    with pytest.raises(ValueError, match="SGD got an empty list of parameters"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="Adam needs Values"):
        Adam([1.0])


def test_a_schedule_giving_a_negative_rate_is_reported_with_its_step():
    opt = SGD([Value(1.0)], lr=0.1, schedule=lambda k: 0.1 - k)
    opt.step()
    with pytest.raises(ValueError, match=r"schedule\(1\) must be a number >= 0"):
        opt.step()


def test_an_optimizer_of_ones_own_reads_well_when_printed():
    from micrograd_bp.optim import Optimizer

    class Plain(Optimizer):
        pass

    assert repr(Plain(MLP(2, [1], seed=0).parameters(), lr=0.5)) == "Plain(lr=0.5, 3 parameters)"
