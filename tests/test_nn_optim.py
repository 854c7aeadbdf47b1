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
from autograd_lite.engine import has_grad
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
    for p in ps:
        p.grad = 0.0  # a zero gradient, not none: the update is the noise alone
    opt = optim.SGD(ps, lr=0.1, noise=0.05, seed=3)
    opt.step()
    moves = np.array([p.data for p in ps])
    assert abs(moves.mean()) < 0.005 and moves.std() == pytest.approx(0.05, rel=0.05)
    again = [Parameter(0.0) for _ in range(4000)]
    for p in again[::2]:
        p.grad = 0.0  # the others have no gradient: no whack either, and the rest get the same draws
    optim.SGD(again, lr=0.1, noise=0.05, seed=3).step()
    assert [p.data for p in again[::2]] == list(moves[::2]) and all(p.data == 0.0 for p in again[1::2])
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


# --- PyTorch's own trajectories ------------------------------------------------------------------
#
# TORCH below was made by running torch 2.13.0+cpu (float64, one 0-d tensor, 300 steps of the
# gradients in `smooth`/`tiny`, p.grad set before each opt.step()) with ATEN_CPU_CAPABILITY=default,
# torch's portable kernels, and copying p.item() at the listed steps. Its AVX512 kernels, which fuse
# multiply-adds, give numbers within 8e-15 (relative) of these.


def smooth(t: int) -> float:
    return math.sin(1.3 * t) + 0.3 * math.cos(0.7 * t)


def tiny(t: int) -> float:
    return 1e-3 * math.sin(1.7 * t)


STEPS = (1, 2, 10, 100, 200, 300)
TORCH = {
    "rmsprop centered": (
        optim.RMSProp, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1), smooth, 0.5,
        [0.4666666675605535, 0.43398903786042214, 0.44770223136552156, 0.3346233829544502,
         0.2422724386461779, 0.20382700760792902],
    ),
    "rmsprop centered, no momentum": (
        optim.RMSProp, dict(lr=0.01, alpha=0.9, centered=True), smooth, 0.5,
        [0.466666667598017, 0.4511497531253463, 0.4771601758967984, 0.4740273438442145,
         0.4597689143286805, 0.48123261364826],
    ),
    "adam amsgrad": (
        optim.Adam, dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True), smooth, 0.5,
        [0.4500000004022491, 0.40371042308027344, 0.3978632415265861, 0.2081234143430414,
         0.09902980509533497, 0.060806695360699346],
    ),
    "adamw": (
        optim.AdamW, dict(lr=0.05, weight_decay=0.3), smooth, 0.5,
        [0.44250000041910764, 0.38963497761092925, 0.34109620631799215, 0.07888368736678796,
         0.011361276369407732, 0.004540208963379875],
    ),
    "adamax": (
        optim.Adamax, dict(lr=0.05, betas=(0.5, 0.7), weight_decay=0.2), smooth, 0.5,
        [0.45000000038669435, 0.40201318492765387, 0.42125816342814915, 0.1530199622877676,
         0.04007333636430718, 0.038722374617820944],
    ),
    "adamax, tiny gradients": (
        optim.Adamax, dict(lr=0.05, betas=(0.5, 0.7), weight_decay=0.2), tiny, 0.3,
        [0.25000000819784013, 0.19623169178954597, 0.030749878643483906, 0.0010299136273389034,
         0.005602536797959964, 0.0013403299551841968],
    ),
    "sgd nesterov": (
        optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1), smooth, 0.5,
        [0.26382794009551747, 0.05049794327250495, 0.08112851841393558, -0.06659500619380851,
         -0.21264674405954687, 0.03874800613196781],
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", TORCH)
def test_300_steps_follow_pytorchs_trajectory_to_rounding(case):
    # torch's operations in torch's order (lerp for the running means, p + (-s·m)/d) leave at most a few
    # ulps over 300 steps; the textbook forms (β·m + (1 - β)·g, p - s·(m/d)) drifted to 1.3e-14 (AdamW)
    # and 2.4e-14 (Adamax, tiny gradients) from these numbers.
    cls, kw, grad, start, want = TORCH[case]
    p = Parameter(start)
    opt = cls([p], **kw)
    seen = []
    for t in range(1, 301):
        p.grad = grad(t)
        opt.step()
        if t in STEPS:
            seen.append(p.data)
    assert seen == pytest.approx(want, rel=5e-15, abs=0)


def test_centered_rmsprop_with_a_constant_gradient_says_why_instead_of_a_math_domain_error():
    # torch 2.13 (float64) on this case: θ = 0.49781782112565126, 0.4943235384084018 after steps 1, 2;
    # square_avg - grad_avg² falls to ~1e-16, the steps grow to lr·g/eps, and at step 32 its
    # sqrt of a negative number makes θ nan. We used to raise a bare "math domain error" at step 30.
    p = Parameter(0.5)
    opt = optim.RMSProp([p], lr=1e-3, alpha=0.3, centered=True)
    seen = []
    with pytest.raises(FloatingPointError) as info:
        for _ in range(200):
            before, state = p.data, dict(opt.state.get(p, {}))
            p.grad = 1.7
            opt.step()
            seen.append(p.data)
    assert seen[:2] == pytest.approx([0.49781782112565126, 0.4943235384084018], rel=1e-14)
    message = str(info.value)
    assert (
        "RMSProp(centered=True): at step 32 the variance estimate square_avg - grad_avg² of parameter 0"
        in message
    )
    assert "fell below 0" in message and "use centered=False or a larger eps" in message
    assert len(seen) == 31 and p.data == before and opt.state[p] == state  # the failed step changed nothing


def test_centered_rmsprop_refusal_names_the_parameter_and_leaves_the_others_alone():
    a, b = Parameter(1.0, label="w1"), Parameter(1.0, label="w2")
    opt = optim.RMSProp([a, b], lr=1e-3, alpha=0.3, centered=True)
    with pytest.raises(FloatingPointError, match=r"of parameter 1 \(w2\) fell below 0"):
        for t in range(200):
            a.grad, b.grad = math.sin(t), 1.7  # a's gradient varies, b's is constant
            before = (a.data, b.data)
            opt.step()
    assert (a.data, b.data) == before


def test_nan_gradients_give_nan_running_maxima_as_torch_maximum_does():
    # torch.optim.Adamax / Adam(amsgrad=True), a gradient 1.0 then nan: exp_inf and max_exp_avg_sq become nan
    # (torch.maximum propagates nan; Python's max(x, nan) returns x)
    _, opt, p = run(optim.Adamax, [1.0, math.nan])
    assert math.isnan(opt.state[p]["exp_inf"]) and math.isnan(p.data)
    _, opt, p = run(optim.Adam, [1.0, math.nan], amsgrad=True)
    assert math.isnan(opt.state[p]["max_exp_avg_sq"]) and math.isnan(p.data)


# --- no gradient is not a zero gradient ------------------------------------------------------------
#
# NO_GRAD_TORCH was made by running torch 2.13.0+cpu (float64): two 0-d tensors starting at 1.0 and
# -0.5, 12 steps; parameter 0 gets smooth(t) every step, parameter 1 gets 0.5·smooth(t) + 0.2 at steps
# 1, 2, 5 and 9 and p.grad = None at the others. Listed: parameter 1 after steps 1, 2, 5 and 9 (torch
# leaves it where it is at every other step), torch's state["step"] for it at the end, and parameter 0
# after step 12.

HAS_GRAD = (1, 2, 5, 9)
NO_GRAD_TORCH = [
    (optim.SGD, dict(lr=0.1, momentum=0.9, weight_decay=0.1),
     [-0.574650542080127, -0.6844141002660168, -0.7930663107256863, -0.8798213373819317], None,
     0.09842721071680421),
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True),
     [-0.6513360299522413, -0.8076696629328401, -0.9366251977348148, -1.0317544755356853], None,
     0.3738743274814213),
    (optim.SGD, dict(lr=0.1, weight_decay=0.5),
     [-0.554650542080127, -0.5752425907106975, -0.5631896102701914, -0.5319288301064815], None,
     0.4182689319604331),
    (optim.RMSProp, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1),
     [-0.5333333318449167, -0.5680868866383643, -0.5903543570920967, -0.5974354644168665], 4,
     0.8993829270159713),
    (optim.Adam, dict(lr=0.05, weight_decay=0.1),
     [-0.5499999993302125, -0.597578177246834, -0.6380293524393753, -0.6678056746003419], 4,
     0.8245066637214026),
    (optim.Adam, dict(lr=0.05, betas=(0.8, 0.9), amsgrad=True),
     [-0.5499999993722579, -0.5978302180835043, -0.6378263587369877, -0.6665332251332919], 4,
     0.8880401810342665),
    (optim.AdamW, dict(lr=0.05, weight_decay=0.3),
     [-0.5424999993722579, -0.5823085180540608, -0.6156966255365972, -0.639994178529057], 4,
     0.7267414806883822),
    (optim.Adamax, dict(lr=0.05, weight_decay=0.2),
     [-0.5499999992821305, -0.5878242306700795, -0.6130296432177045, -0.6277073271324114], 4,
     0.8318223540949921),
]  # fmt: skip


@pytest.mark.parametrize(
    "cls, kw, want, steps, last0",
    NO_GRAD_TORCH,
    ids=[f"{c[0].__name__}{i}" for i, c in enumerate(NO_GRAD_TORCH)],
)
def test_a_parameter_without_a_gradient_is_skipped_as_torch_skips_grad_none(cls, kw, want, steps, last0):
    ps = [Parameter(1.0), Parameter(-0.5)]
    opt = cls(ps, **kw)
    seen = []
    for t in range(1, 13):
        opt.zero_grad()
        ps[0].grad = smooth(t)
        if t in HAS_GRAD:
            ps[1].grad = 0.5 * smooth(t) + 0.2
        before = ps[1].data
        opt.step()
        if t in HAS_GRAD:
            seen.append(ps[1].data)
        else:
            assert ps[1].data == before, f"step {t} moved a parameter that has no gradient"
    assert seen == pytest.approx(want, rel=1e-13, abs=0)
    assert ps[0].data == pytest.approx(last0, rel=1e-13, abs=0)
    if steps is not None:
        assert opt.state[ps[1]]["step"] == steps  # its own count: 4 steps with a gradient, not 12


def test_sgd_momentum_does_not_move_a_weight_left_out_of_the_loss():
    # By hand (torch.optim.SGD skips p.grad None): lr 0.1, momentum 0.9, a = b = 1.
    # step 1: L = a·b, da = b = 1 -> buffer 1, a = 0.9 ; step 2: L = b·b, no gradient reaches a -> a stays
    # 0.9 (treating the missing gradient as 0 moved it by 0.1·0.9·1 to 0.81), and b = 0.9 - 0.1·(0.9 + 1.8).
    a, b = Parameter(1.0), Parameter(1.0)
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    opt.zero_grad()
    (a * b).backward()
    opt.step()
    assert (a.data, b.data) == pytest.approx((0.9, 0.9))
    opt.zero_grad()
    (b * b).backward()
    opt.step()
    assert a.data == 0.9 and b.data == pytest.approx(0.9 - 0.1 * (0.9 * 1.0 + 2 * 0.9))
    assert opt.state[a]["momentum_buffer"] == 1.0


def test_a_zero_gradient_is_a_gradient():
    # A backward() that reaches a weight with derivative 0 still counts (torch: grad is a zero tensor):
    # Adam's step count goes up and weight decay shrinks it. By hand: AdamW, lr 0.1, λ 0.5: θ = 2·(1 - 0.05).
    w = Parameter(2.0)
    opt = optim.AdamW([w], lr=0.1, weight_decay=0.5)
    opt.zero_grad()
    (w * 0.0).backward()
    assert has_grad(w) and w.grad == 0.0
    opt.step()
    assert w.data == pytest.approx(1.9, rel=1e-15) and opt.state[w]["step"] == 1


def test_zero_grad_forgets_the_gradient():
    p = Parameter(1.0)
    opt = optim.Adam([p], lr=0.1)
    p.grad = 3.0
    opt.zero_grad()
    assert not has_grad(p) and p.grad == 0.0  # NO_GRAD still reads as 0.0 in arithmetic
    opt.step()
    assert p.data == 1.0 and p not in opt.state


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


def test_param_groups_is_a_live_view_as_tutorials_decay_lr():
    w = Parameter(1.0)
    opt = nn.optim.SGD([w], lr=0.1, momentum=0.9)
    (group,) = opt.param_groups
    assert group["params"] == [w] and group["lr"] == 0.1 and group["momentum"] == 0.9
    for g in opt.param_groups:
        g["lr"] *= 0.5  # manual decay, as tutorials write it
    assert opt.lr == 0.05 and opt.param_groups[0]["lr"] == 0.05
    w.grad = 2.0
    opt.step()
    assert w.data == pytest.approx(1.0 - 0.05 * 2.0)
    with pytest.raises(ValueError, match="lr"):
        group["lr"] = float("nan")
    with pytest.raises(KeyError, match="SGD has no hyperparameter 'betas'"):
        group["betas"] = (0.9, 0.99)
    assert set(nn.optim.Adam([w]).param_groups[0]) >= {"params", "lr", "betas", "eps", "weight_decay"}


def test_state_dict_round_trips_torchs_layout():
    w, v = Parameter(1.0), Parameter(-1.0)
    opt = nn.optim.Adam([w, v], lr=0.01)
    w.grad, v.grad = 0.5, -0.25
    opt.step()
    saved = opt.state_dict()
    assert saved["param_groups"][0]["params"] == [0, 1] and saved["param_groups"][0]["lr"] == 0.01
    assert saved["state"][0]["step"] == 1 and set(saved["state"][1]) == {"step", "exp_avg", "exp_avg_sq"}
    again = nn.optim.Adam([Parameter(1.0), Parameter(-1.0)], lr=0.5)
    again.load_state_dict(saved)
    assert again.lr == 0.01 and again.state_dict() == saved
    with pytest.raises(ValueError, match="had 2 parameters, this one has 1"):
        nn.optim.Adam([w]).load_state_dict(saved)


def test_lr_scheduler_holds_the_schedules_under_torchs_names():
    from nn.optim.lr_scheduler import StepLR

    opt = nn.optim.SGD([Parameter(1.0)], lr=1.0)
    assert StepLR is nn.optim.lr_scheduler.StepLR is nn.optim.StepLR
    schedule = nn.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(4):
        schedule.step()
    assert opt.param_groups[0]["lr"] == 0.25
    for name in ("ExponentialLR", "LinearLR", "CosineAnnealingLR", "LRScheduler"):
        assert getattr(nn.optim.lr_scheduler, name) is getattr(nn.optim, name)


def test_centered_rmsprop_on_a_gradient_whose_square_overflows_gives_nan_as_torch_not_a_bare_error():
    # g² = inf: torch's variance inf - inf is nan, so is its weight; math.fsum would raise ValueError
    p = Value(1.0)
    opt = nn.optim.RMSProp([p], lr=0.1, centered=True)
    p.grad = 1e160
    opt.step()
    assert math.isnan(p.data)
