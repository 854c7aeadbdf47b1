"""nn.optim against steps worked by hand from torch.optim's documented rules, and PyTorch itself when present.

Each test feeds one parameter a chosen sequence of gradients and checks the
parameter after every step; the expected numbers are the documented formula
written out, step by step.
"""

import inspect
import math

import numpy as np
import pytest

import nn
from autograd_lite import Parameter, Value
from nn import optim


def run(opt_cls, grads, start=1.0, **kw):
    """The parameter's value after each step, feeding it the given gradients."""
    p = Parameter(start)
    opt = opt_cls([p], **kw)
    seen = []
    for g in grads:
        opt.zero_grad()
        p.grad = g
        opt.step()
        seen.append(p.data)
    return seen, opt, p


# --- SGD ------------------------------------------------------------------------------------


def test_sgd_plain_and_weight_decay():
    assert run(optim.SGD, [2.0], lr=0.1)[0] == pytest.approx([1 - 0.1 * 2])
    # g <- g + λθ = 2 + 0.1·1 = 2.1 ; θ = 1 - 0.1·2.1
    assert run(optim.SGD, [2.0], lr=0.1, weight_decay=0.1)[0] == pytest.approx([0.79])


def test_sgd_momentum_three_steps():
    seen, opt, p = run(optim.SGD, [1.0, 1.0, 1.0], lr=0.1, momentum=0.9)
    # b1 = g = 1 -> 0.9 ; b2 = 0.9·1 + 1 = 1.9 -> 0.71 ; b3 = 0.9·1.9 + 1 = 2.71 -> 0.439
    assert seen == pytest.approx([0.9, 0.71, 0.439])
    assert opt.state[p]["momentum_buffer"] == pytest.approx(2.71)


def test_sgd_dampening_skips_the_first_step():
    seen, _, _ = run(optim.SGD, [1.0, 1.0], lr=0.1, momentum=0.9, dampening=0.5)
    # b1 = g = 1 (no dampening on the first step) -> 0.9 ; b2 = 0.9·1 + 0.5·1 = 1.4 -> 0.76
    assert seen == pytest.approx([0.9, 0.76])


def test_sgd_nesterov():
    seen, _, _ = run(optim.SGD, [1.0, 1.0], lr=0.1, momentum=0.9, nesterov=True)
    # b1 = 1, g = 1 + 0.9·1 = 1.9 -> 0.81 ; b2 = 0.9·1 + 1 = 1.9, g = 1 + 0.9·1.9 = 2.71 -> 0.539
    assert seen == pytest.approx([0.81, 0.539])


def test_sgd_momentum_with_weight_decay_and_changing_gradients():
    seen, _, _ = run(optim.SGD, [0.5, -1.0], lr=0.2, momentum=0.5, weight_decay=0.1)
    # step 1: g = 0.5 + 0.1·1 = 0.6, b = 0.6, θ = 1 - 0.12 = 0.88
    # step 2: g = -1 + 0.1·0.88 = -0.912, b = 0.5·0.6 - 0.912 = -0.612, θ = 0.88 + 0.1224 = 1.0024
    assert seen == pytest.approx([0.88, 1.0024])


def test_sgd_noise_is_seeded_gaussian_and_off_by_default():
    ps = [Parameter(0.0) for _ in range(4000)]
    opt = optim.SGD(ps, lr=0.1, noise=0.05, seed=3)
    opt.step()  # all grads are zero: the update is the noise alone
    moves = np.array([p.data for p in ps])
    assert abs(moves.mean()) < 0.005 and moves.std() == pytest.approx(0.05, rel=0.05)
    again = [Parameter(0.0) for _ in range(4000)]
    optim.SGD(again, lr=0.1, noise=0.05, seed=3).step()
    assert [p.data for p in again] == list(moves)
    assert run(optim.SGD, [2.0], lr=0.1)[0] == [1 - 0.1 * 2]


# --- RMSProp ----------------------------------------------------------------------------------


def test_rmsprop_two_steps():
    seen, opt, p = run(optim.RMSProp, [2.0, 2.0], lr=0.01, alpha=0.9, eps=0.0)
    # v1 = 0.1·4 = 0.4 ; θ1 = 1 - 0.01·2/√0.4
    # v2 = 0.9·0.4 + 0.1·4 = 0.76 ; θ2 = θ1 - 0.01·2/√0.76
    t1 = 1 - 0.02 / math.sqrt(0.4)
    assert seen == pytest.approx([t1, t1 - 0.02 / math.sqrt(0.76)])
    assert opt.state[p]["square_avg"] == pytest.approx(0.76) and opt.state[p]["step"] == 2


def test_rmsprop_eps_is_added_after_the_square_root():
    seen, _, _ = run(optim.RMSProp, [1e-4], lr=0.01, alpha=0.0, eps=1e-4)
    # v = 1e-8, √v = 1e-4, d = 2e-4 -> θ = 1 - 0.01·1e-4/2e-4 = 0.995
    assert seen == pytest.approx([0.995])


def test_rmsprop_momentum_and_centered():
    seen, _, _ = run(optim.RMSProp, [1.0, 1.0], lr=0.1, alpha=0.5, eps=0.0, momentum=0.9)
    # v1 = 0.5 -> b1 = 1/√0.5 ; v2 = 0.75 -> b2 = 0.9·b1 + 1/√0.75
    b1 = 1 / math.sqrt(0.5)
    b2 = 0.9 * b1 + 1 / math.sqrt(0.75)
    assert seen == pytest.approx([1 - 0.1 * b1, 1 - 0.1 * b1 - 0.1 * b2])

    seen, opt, p = run(optim.RMSProp, [1.0, 3.0], lr=0.1, alpha=0.5, eps=0.0, centered=True)
    # step 1: v = 0.5, ḡ = 0.5, ṽ = 0.5 - 0.25 = 0.25 -> θ = 1 - 0.1·1/0.5 = 0.8
    # step 2: v = 0.25 + 4.5 = 4.75, ḡ = 0.25 + 1.5 = 1.75, ṽ = 4.75 - 3.0625 = 1.6875
    assert seen == pytest.approx([0.8, 0.8 - 0.1 * 3 / math.sqrt(1.6875)])
    assert opt.state[p]["grad_avg"] == pytest.approx(1.75)


# --- Adam, AdamW, Adamax -----------------------------------------------------------------------


def test_adam_first_step_moves_by_lr_and_second_step_by_hand():
    seen, opt, p = run(optim.Adam, [1.0, -2.0], lr=0.1)
    # step 1: m = 0.1, v = 0.001, m̂ = 1, v̂ = 1 -> θ = 1 - 0.1·1/(1 + 1e-8)
    t1 = 1 - 0.1 / (1 + 1e-8)
    # step 2: m = 0.09 - 0.2 = -0.11, v = 0.000999 + 0.004 = 0.004999
    m_hat = -0.11 / (1 - 0.9**2)
    v_hat = 0.004999 / (1 - 0.999**2)
    assert seen == pytest.approx([t1, t1 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)], rel=1e-12)
    state = opt.state[p]
    assert state["step"] == 2
    assert state["exp_avg"] == pytest.approx(-0.11) and state["exp_avg_sq"] == pytest.approx(0.004999)


def test_adam_weight_decay_is_an_l2_term_in_the_gradient():
    seen, _, _ = run(optim.Adam, [1.0, 1.0], lr=0.1, betas=(0.5, 0.5), eps=0.0, weight_decay=1.0)
    # step 1: g = 1 + 1·1 = 2, m̂ = 2, v̂ = 4 -> θ = 1 - 0.1 = 0.9
    # step 2: g = 1 + 0.9 = 1.9, m = 0.5·1 + 0.95 = 1.45, v = 0.5·2 + 0.5·3.61 = 2.805
    m_hat, v_hat = 1.45 / 0.75, 2.805 / 0.75
    assert seen == pytest.approx([0.9, 0.9 - 0.1 * m_hat / math.sqrt(v_hat)])


def test_adam_amsgrad_keeps_the_largest_second_moment():
    seen, opt, p = run(optim.Adam, [2.0, 0.0], lr=0.1, betas=(0.5, 0.5), eps=0.0, amsgrad=True)
    # step 1: m = 1, v = 2 -> θ = 0.9 (m̂ = 2, v̂ = 4)
    # step 2: m = 0.5, v = 1, max v = 2 -> m̂ = 0.5/0.75, v̂ = 2/0.75
    assert seen == pytest.approx([0.9, 0.9 - 0.1 * (0.5 / 0.75) / math.sqrt(2 / 0.75)])
    assert opt.state[p]["max_exp_avg_sq"] == 2.0


def test_adamw_decays_the_weight_apart_from_the_gradient():
    seen, opt, p = run(optim.AdamW, [1.0, 1.0], lr=0.1, weight_decay=0.1)
    # step 1: θ <- 1·(1 - 0.01) = 0.99, then the Adam step of a unit gradient: -0.1 -> 0.89
    t1 = 0.99 - 0.1 / (1 + 1e-8)
    # step 2: θ <- t1·0.99 ; m̂ = 1, v̂ = 1 (constant gradient) -> another -0.1
    assert seen == pytest.approx([t1, t1 * 0.99 - 0.1 / (1 + 1e-8)], rel=1e-12)
    assert opt.state[p]["exp_avg"] == pytest.approx(0.19)  # m never sees the decay


def test_adamax_two_steps():
    seen, opt, p = run(optim.Adamax, [1.0, -3.0])
    # lr 2e-3. step 1: m = 0.1, u = max(0, 1 + 1e-8) -> θ = 1 - 0.002·0.1/(0.1·u)
    t1 = 1 - 0.002 / (1 + 1e-8)
    # step 2: m = 0.09 - 0.3 = -0.21, u = max(0.999·(1 + 1e-8), 3 + 1e-8) -> θ = t1 + 0.002·0.21/(0.19·u)
    assert seen == pytest.approx([t1, t1 + 0.002 * 0.21 / (0.19 * (3 + 1e-8))], rel=1e-12)
    assert opt.state[p]["exp_inf"] == pytest.approx(3.0)


def test_defaults_are_pytorchs():
    def defaults(cls):
        return {k: v.default for k, v in inspect.signature(cls).parameters.items() if k != "params"}

    assert defaults(optim.SGD) == {
        "lr": 1e-3, "momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False,
        "noise": 0, "seed": None,  # ours: off by default, so the rule is PyTorch's
    }  # fmt: skip
    assert defaults(optim.RMSProp) == {
        "lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0, "momentum": 0, "centered": False,
    }  # fmt: skip
    assert defaults(optim.Adam) == {
        "lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "amsgrad": False,
    }  # fmt: skip
    assert defaults(optim.AdamW)["weight_decay"] == 1e-2 and defaults(optim.AdamW)["lr"] == 1e-3
    assert defaults(optim.Adamax) == {"lr": 2e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0}


# --- the optimizer protocol ----------------------------------------------------------------------


def test_state_is_created_on_first_step_and_lr_is_settable():
    model = nn.MLP(2, [3, 1], seed=0)
    opt = optim.Adam(model, lr=0.1)  # a Module is accepted for its parameters
    assert opt.state == {} and len(opt.params) == 13
    for p in model.parameters():
        p.grad = 1.0
    opt.step()
    assert set(opt.state) == set(model.parameters())
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    p = Parameter(1.0)
    sgd = optim.SGD([p], lr=0.1)
    sgd.lr = 0.5
    p.grad = 1.0
    sgd.step()
    assert p.data == 0.5
    assert "lr=0.5" in repr(sgd)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: optim.SGD(p, lr=-0.1), "lr must be a finite number >= 0, got -0.1"),
        (lambda p: optim.SGD(p, lr=math.nan), "lr must be a finite number"),
        (lambda p: optim.SGD(p, lr="0.1"), "lr must be a number"),
        (lambda p: optim.SGD(p, momentum=-1), "momentum"),
        (lambda p: optim.SGD(p, nesterov=True), "nesterov=True needs momentum > 0"),
        (lambda p: optim.SGD(p, noise=-1), "noise"),
        (lambda p: optim.Adam(p, betas=(0.9, 1.0)), "betas[1] must be a finite number in [0, 1)"),
        (lambda p: optim.Adam(p, betas=0.9), "betas must be a pair"),
        (lambda p: optim.Adam(p, eps=-1e-8), "eps"),
        (lambda p: optim.RMSProp(p, alpha=-0.5), "alpha"),
        (lambda p: optim.Adamax(p, weight_decay=-1), "weight_decay"),
        (lambda p: optim.SGD([], lr=0.1), "empty list of parameters"),
        (lambda p: optim.SGD([1.0], lr=0.1), "not a Value"),
        (lambda p: optim.SGD(p + p, lr=0.1), "appears twice"),
        (lambda p: optim.SGD([Value(np.ones(3))], lr=0.1), "holds lanes"),
        (lambda p: optim.SGD(Value(1.0), lr=0.1), "iterable of parameters"),
        (lambda p: optim.make("adamm", p), "unknown optimizer 'adamm'; choose one of: sgd"),
    ],
)
def test_bad_arguments_are_refused_clearly(make, words):
    with pytest.raises((ValueError, TypeError)) as info:
        make([Parameter(1.0)])
    assert words in str(info.value)


def test_setting_a_bad_lr_is_refused_and_changes_nothing():
    opt = optim.SGD([Parameter(1.0)], lr=0.1)
    with pytest.raises(ValueError, match="lr must be"):
        opt.lr = -1
    assert opt.lr == 0.1


def test_make_builds_by_name_with_default_or_given_lr():
    p = [Parameter(1.0)]
    assert isinstance(optim.make("Adam", p), optim.Adam) and optim.make("adam", p).lr == 1e-3
    assert optim.make("rmsprop", p, lr=0.5).lr == 0.5


# --- learning-rate schedules ------------------------------------------------------------------


def lrs(schedule, steps):
    seen = [schedule.optimizer.lr]
    for _ in range(steps):
        schedule.step()
        seen.append(schedule.optimizer.lr)
    return seen


def sgd(lr=1.0):
    return optim.SGD([Parameter(0.0)], lr=lr)


def test_step_exponential_and_cosine_schedules():
    assert lrs(optim.StepLR(sgd(), step_size=2, gamma=0.5), 4) == pytest.approx([1, 1, 0.5, 0.5, 0.25])
    assert lrs(optim.ExponentialLR(sgd(2.0), gamma=0.9), 2) == pytest.approx([2, 1.8, 1.62])
    c = math.sqrt(0.5)
    expected = [1, (1 + c) / 2, 0.5, (1 - c) / 2, 0]
    assert lrs(optim.CosineAnnealingLR(sgd(), T_max=4), 4) == pytest.approx(expected)
    assert lrs(optim.CosineAnnealingLR(sgd(), T_max=2, eta_min=0.5), 2) == pytest.approx([1, 0.75, 0.5])


def test_linear_schedule_is_micrograds():
    seen = lrs(optim.LinearLR(sgd(1.0), start_factor=1.0, end_factor=0.1, total_iters=100), 120)
    assert seen[:101] == pytest.approx([1.0 - 0.9 * k / 100 for k in range(101)])
    assert seen[101:] == pytest.approx([0.1] * 20)  # constant after total_iters


def test_schedule_arguments_are_checked():
    with pytest.raises(ValueError, match="step_size must be a whole number >= 1"):
        optim.StepLR(sgd(), step_size=0)
    with pytest.raises(ValueError, match="start_factor"):
        optim.LinearLR(sgd(), start_factor=0.0)
    with pytest.raises(TypeError, match="drives an Optimizer"):
        optim.ExponentialLR("sgd", gamma=0.9)
