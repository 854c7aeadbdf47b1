"""Optimizer.explain(): one step's update rule with its numbers, against independent truth.

`after` and `state` are checked against what opt.step() then does (bit for bit), against
torch.optim where torch is installed, and against steps worked by hand; the lines are checked by
evaluating the arithmetic they show. explain() is never compared with itself.
"""

import copy
import dataclasses
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import Parameter
from autograd_lite.engine import NO_GRAD
from nn import optim
from nn.optim import Explanation

CONFIGS = {
    "sgd": (optim.SGD, dict(lr=0.1)),
    "sgd momentum": (optim.SGD, dict(lr=0.1, momentum=0.9)),
    "sgd dampening": (optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.3)),
    "sgd nesterov": (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    "sgd weight decay": (optim.SGD, dict(lr=0.1, weight_decay=0.2)),
    "sgd momentum weight decay": (optim.SGD, dict(lr=0.1, momentum=0.8, dampening=0.1, weight_decay=0.2)),
    "sgd noise": (optim.SGD, dict(lr=0.1, momentum=0.5, noise=0.05, seed=3)),
    "rmsprop": (optim.RMSProp, dict(lr=0.01)),
    "rmsprop momentum": (optim.RMSProp, dict(lr=0.01, alpha=0.9, momentum=0.7)),
    "rmsprop centered": (optim.RMSProp, dict(lr=0.01, alpha=0.9, centered=True)),
    "rmsprop weight decay": (optim.RMSProp, dict(lr=0.01, weight_decay=0.1)),
    "rmsprop all": (optim.RMSProp, dict(lr=0.01, alpha=0.8, momentum=0.5, centered=True, weight_decay=0.1)),
    "adam": (optim.Adam, dict(lr=0.05)),
    "adam weight decay": (optim.Adam, dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1)),
    "amsgrad": (optim.Adam, dict(lr=0.05, betas=(0.8, 0.9), amsgrad=True)),
    "adamw": (optim.AdamW, dict(lr=0.05, weight_decay=0.3)),
    "adamw amsgrad": (optim.AdamW, dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    "adamax": (optim.Adamax, dict(lr=0.05)),
    "adamax weight decay": (optim.Adamax, dict(lr=0.05, betas=(0.5, 0.7), weight_decay=0.2)),
}
TORCHLESS = {"sgd noise"}  # noise is ours, not torch's

#: Gradients for two parameters per step; None: no gradient (after zero_grad) for that parameter.
GRADS = [(0.5, -1.2), (-0.25, None), (0.031, 0.7), (1.5, -0.4), (-0.8, 0.9), (0.2, 0.2)]


def bits(x):
    """A float as its exact bits (0.0 is not -0.0; every nan alike); the rest as it is."""
    return float(x).hex() if isinstance(x, float | np.floating) else x


def state_bits(s):
    return {k: bits(v) for k, v in s.items()}


def make(case, start=(0.5, -0.3)):
    cls, kw = CONFIGS[case]
    ps = [Parameter(start[0], label="w1"), Parameter(start[1])]
    return cls(ps, **kw), ps


def set_grads(opt, ps, grads):
    opt.zero_grad()
    for p, g in zip(ps, grads):
        if g is not None:
            p.grad = g


# --- after and state are what step() then does ------------------------------------------------------


@pytest.mark.parametrize("case", CONFIGS)
def test_explain_gives_what_the_next_step_does_bit_for_bit(case):
    opt, ps = make(case)
    for grads in GRADS:
        set_grads(opt, ps, grads)
        data = [p.data for p in ps]
        states = [copy.deepcopy(opt.state.get(p, {})) for p in ps]
        explained = [opt.explain(p) for p in ps]
        opt.step()
        for p, ex, x, s in zip(ps, explained, data, states):
            assert isinstance(ex, Explanation)
            assert bits(ex.before) == bits(x)
            assert bits(ex.after) == bits(p.data)
            assert state_bits(ex.state) == state_bits(opt.state.get(p, {}))
            assert state_bits(ex.state_before) == state_bits(s)


@pytest.mark.parametrize("case", CONFIGS)
@settings(max_examples=30, deadline=None)
@given(
    grads=st.lists(
        st.floats(-1e3, 1e3, allow_subnormal=False) | st.sampled_from([0.0, -0.0, 1e-300]), min_size=1,
        max_size=6,
    ),
    start=st.floats(-10, 10),
)  # fmt: skip
def test_explain_matches_step_for_any_gradients(case, grads, start):
    cls, kw = CONFIGS[case]
    p = Parameter(start)
    opt = cls([p], **kw)
    for g in grads:
        p.grad = g
        try:
            ex = opt.explain(p)
        except ZeroDivisionError:  # step() raises it too (a zero divisor: eps = 0 is not in CONFIGS)
            pytest.fail("explain raised ZeroDivisionError")
        try:
            opt.step()
        except FloatingPointError:  # centered RMSProp's negative variance: nothing changed
            assert "FloatingPointError" in ex.lines[-1]
        assert bits(ex.after) == bits(p.data)
        assert state_bits(ex.state) == state_bits(opt.state.get(p, {}))


def test_data_grad_and_state_given_explicitly_are_used_and_nothing_else():
    opt, (p, q) = make("adam")
    p.grad = 123.0  # not used: grad is given
    ex = opt.explain(p, data=2.0, grad=0.5, state={})
    twin = Parameter(2.0)
    ref = optim.Adam([twin], lr=0.05)
    twin.grad = 0.5
    ref.step()
    assert ex.before == 2.0 and bits(ex.after) == bits(twin.data) and ex.state_before == {}
    assert ex.state == ref.state[twin]
    later = opt.explain(p, data=twin.data, grad=-0.1, state=ref.state[twin])
    twin.grad = -0.1
    ref.step()
    assert bits(later.after) == bits(twin.data) and later.state == ref.state[twin]


# --- torch.optim ------------------------------------------------------------------------------------

TORCH_NAMES = {optim.SGD: "SGD", optim.RMSProp: "RMSprop", optim.Adam: "Adam", optim.AdamW: "AdamW",
               optim.Adamax: "Adamax"}  # fmt: skip


@pytest.mark.parametrize("case", [c for c in CONFIGS if c not in TORCHLESS])
def test_explained_steps_follow_torch(case):
    torch = pytest.importorskip(
        "torch", reason="torch is not installed: pip install -e '.[bench]' to compare with torch.optim"
    )
    cls, kw = CONFIGS[case]
    tp = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    topt = getattr(torch.optim, TORCH_NAMES[cls])([tp], **kw)
    p = Parameter(0.5)
    opt = cls([p], **kw)
    w, state = 0.5, {}
    for t, g in enumerate([0.5, -0.25, 0.031, 1.5, -0.8, 0.2, 0.2, 0.2], 1):
        ex = opt.explain(p, data=w, grad=g, state=state)  # explain alone, chained: no step() here
        tp.grad = torch.tensor(g, dtype=torch.float64)
        topt.step()
        assert ex.after == pytest.approx(tp.item(), rel=1e-14, abs=1e-300), f"step {t}"
        theirs = {k: float(v) for k, v in topt.state[tp].items()}
        assert set(ex.state) == set(theirs), f"step {t}"
        assert ex.state == pytest.approx(theirs, rel=1e-13, abs=1e-300), f"step {t}"
        w, state = ex.after, ex.state


# --- numbers worked by hand ------------------------------------------------------------------------------


def test_sgd_momentum_by_hand():
    p = Parameter(1.0)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    first = opt.explain(p, data=1.0, grad=1.0, state={})
    # b = g = 1 (the first step) ; w = 1 - 0.1·1 = 0.9
    assert first.after == pytest.approx(0.9, rel=1e-15) and first.state == {"momentum_buffer": 1.0}
    assert first.rule == "b ← μ·b + g;  w ← w − lr·b"
    assert first.lines[0].startswith("b ← g = 1  ")
    assert first.lines[-1] == "w ← 1 − 0.1 · 1 = 0.9"
    second = opt.explain(p, data=first.after, grad=1.0, state=first.state)
    # b = 0.9·1 + 1 = 1.9 ; w = 0.9 - 0.1·1.9 = 0.71
    assert second.state["momentum_buffer"] == pytest.approx(1.9, rel=1e-15)
    assert second.after == pytest.approx(0.71, rel=1e-15)
    assert second.lines == ("b ← 0.9 · 1 + 1 = 1.9", "w ← 0.9 − 0.1 · 1.9 = 0.71")


def test_adam_first_two_steps_by_hand():
    p = Parameter(1.0)
    opt = optim.Adam([p], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    first = opt.explain(p, grad=0.5)
    m1 = 0.1 * 0.5  # 0.9·0 + 0.1·g
    v1 = 0.001 * 0.5**2
    w1 = 1.0 - 0.1 * (m1 / (1 - 0.9)) / (math.sqrt(v1 / (1 - 0.999)) + 1e-8)  # m̂ = 0.5, √v̂ = 0.5
    assert w1 == pytest.approx(0.9 + 2e-9, rel=1e-9)
    assert first.after == pytest.approx(w1, rel=1e-14)
    assert first.state == pytest.approx({"step": 1, "exp_avg": m1, "exp_avg_sq": v1}, rel=1e-14)
    second = opt.explain(p, data=first.after, grad=-0.25, state=first.state)
    m2 = 0.9 * m1 + 0.1 * -0.25  # 0.02
    v2 = 0.999 * v1 + 0.001 * 0.0625  # 0.00031225
    m_hat, v_hat = m2 / (1 - 0.9**2), v2 / (1 - 0.999**2)  # 0.10526..., 0.15620...
    w2 = w1 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert (m2, v2) == pytest.approx((0.02, 0.00031225), rel=1e-13)
    assert second.state == pytest.approx({"step": 2, "exp_avg": m2, "exp_avg_sq": v2}, rel=1e-13)
    assert second.after == pytest.approx(w2, rel=1e-14)
    assert second.lines[:3] == (
        "t = 2",
        "m ← 0.9 · 0.05 + 0.1 · (−0.25) = 0.02",
        "v ← 0.999 · 0.00025 + 0.001 · (−0.25)² = 0.0003123",  # 0.00031225 in floats is a hair above
    )


def test_a_negative_gradient_is_shown_in_parentheses_after_an_operator():
    p = Parameter(0.5)
    ex = optim.SGD([p], lr=0.1).explain(p, grad=-0.3)
    assert ex.lines == ("w ← 0.5 − 0.1 · (−0.3) = 0.53",)
    assert ex.text == "w ← w − lr·g\nw ← 0.5 − 0.1 · (−0.3) = 0.53"
    p.data = -0.5
    assert optim.SGD([p], lr=0.1).explain(p, grad=0.3).lines == ("w ← −0.5 − 0.1 · 0.3 = −0.53",)


# --- the lines' arithmetic --------------------------------------------------------------------------


def evaluate(expression: str) -> float:
    """The arithmetic a line shows, in Python: − · ² √ |x| and ^ translated."""
    e = expression.replace("−", "-").replace("·", "*").replace("²", "**2").replace("^", "**")
    e = re.sub(r"√(\([^()]*\)|[0-9.e+-]+)", r"sqrt(\1)", e)
    e = re.sub(r"\|([^|]*)\|", r"abs(\1)", e)
    assert re.fullmatch(r"[0-9.e+\-*/() ,sqrtabmx]*", e), e
    return eval(e, {"__builtins__": {}}, {"sqrt": math.sqrt, "abs": abs, "max": max})  # noqa: S307


def shown(x: float) -> str:
    return f"{x:.4g}".replace("-", "−", 1) if x < 0 else f"{x:.4g}"


@pytest.mark.parametrize("case", CONFIGS)
def test_the_last_line_shows_arithmetic_that_gives_after(case):
    opt, ps = make(case)
    for grads in GRADS[:4]:
        set_grads(opt, ps, grads)
        for p in ps:
            ex = opt.explain(p)
            if p.grad is NO_GRAD:
                continue
            left, _, result = ex.lines[-1].rpartition(" = ")
            name, arrow, expression = left.partition(" ← ")
            assert (name, arrow) == ("w", " ← ")
            assert result == shown(ex.after)
            scale = max(abs(ex.before), abs(ex.after))
            assert evaluate(expression) == pytest.approx(ex.after, rel=2e-3, abs=2e-3 * scale), ex.text
        opt.step()


@pytest.mark.parametrize("case", ["adam", "amsgrad", "adamw", "adamax weight decay", "rmsprop all"])
def test_every_assignment_line_evaluates_to_its_result(case):
    opt, (p, _) = make(case)
    for grads in GRADS[:3]:
        set_grads(opt, [p], grads)
        ex = opt.explain(p)
        for line in ex.lines:
            if " ← " not in line or line.startswith("w ← "):
                continue  # the w lines are checked above (AdamW's decay line has an operand order of its own)
            left, _, result = line.partition("  (")[0].rpartition(" = ")
            expression = left.partition(" ← ")[2]
            want = float(result.replace("−", "-"))
            assert evaluate(expression) == pytest.approx(want, rel=3e-3, abs=1e-12), line
        opt.step()


def test_adams_lines_name_the_bias_corrections_with_the_numbers_step_used():
    opt, (p, _) = make("adam")
    for g in (0.5, -0.25, 0.031):
        p.grad = g
        opt.step()
    p.grad = 0.7
    lines = opt.explain(p).lines
    assert lines[0] == "t = 4"
    assert f"lr/(1 − β1^t) = 0.05/(1 − 0.9^4) = {0.05 / (1 - 0.9**4):.4g}" in lines[3]
    assert f"√(1 − β2^t) = √(1 − 0.999^4) = {math.sqrt(1 - 0.999**4):.4g}" in lines[4]


# --- terms only when switched on ----------------------------------------------------------------------


def rule(cls, **kw):
    p = Parameter(0.5)
    return cls([p], **kw).explain(p, grad=0.1).rule


def test_the_rule_has_a_term_only_when_its_hyperparameter_is_on():
    assert rule(optim.SGD, lr=0.1) == "w ← w − lr·g"
    assert "λ" in rule(optim.SGD, weight_decay=0.1) and "λ" not in rule(optim.SGD, momentum=0.9)
    assert "τ" not in rule(optim.SGD, momentum=0.9) and "τ" in rule(optim.SGD, momentum=0.9, dampening=0.5)
    assert "g ← g + μ·b" in rule(optim.SGD, momentum=0.9, nesterov=True)
    assert "g ← g + μ·b" not in rule(optim.SGD, momentum=0.9) and "μ" not in rule(optim.SGD)
    assert "ζ" in rule(optim.SGD, noise=0.1) and "ζ" not in rule(optim.SGD, momentum=0.9)
    assert rule(optim.RMSProp) == "v ← α·v + (1 − α)·g²;  w ← w − lr·g/(√v + ε)"
    centered = rule(optim.RMSProp, centered=True)
    assert "g̅" in centered and "ṽ" in centered and "ṽ" not in rule(optim.RMSProp, momentum=0.9)
    assert "b ←" in rule(optim.RMSProp, momentum=0.9) and "λ" in rule(optim.RMSProp, weight_decay=0.1)
    assert rule(optim.Adam) == "m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  w ← w − lr·m̂/(√v̂ + ε)"
    assert "vmax" in rule(optim.Adam, amsgrad=True) and "vmax" not in rule(optim.AdamW)
    assert rule(optim.Adam, weight_decay=0.1).startswith("g ← g + λ·w;  ")
    assert rule(optim.AdamW).startswith("w ← w·(1 − lr·λ);  ") and "λ" not in rule(
        optim.AdamW, weight_decay=0
    )
    assert "λ" not in rule(optim.Adamax) and "λ" in rule(optim.Adamax, weight_decay=0.1)
    assert (
        rule(optim.Adamax) == "m ← β1·m + (1 − β1)·g;  u ← max(β2·u, |g| + ε);  w ← w − lr·m/((1 − β1^t)·u)"
    )


@pytest.mark.parametrize("case", CONFIGS)
def test_the_lines_show_the_hyperparameters_as_numbers(case):
    opt, (p, _) = make(case)
    p.grad = 0.5
    opt.step()
    p.grad = 0.25
    ex = opt.explain(p)
    for line in ex.lines:
        line = line.split("  (")[0]  # a note in words
        parts = line.split(" = ")  # name = value, or name = formula = numbers = value
        numbers = (
            line.partition(" ← ")[2] if " ← " in line else " = ".join(parts[1 if len(parts) == 2 else 2 :])
        )
        assert numbers and not re.search(r"[λμταεζ]|β1|β2|\blr\b|[gbmvuw]\b", numbers), line
    assert ("λ" in ex.rule) == bool(opt.weight_decay)


# --- explain() changes nothing -----------------------------------------------------------------------


def snapshot(opt, ps):
    rng = opt.rng.bit_generator.state if hasattr(opt, "rng") else None
    return [bits(p.data) for p in ps], [bits(p.grad) for p in ps], copy.deepcopy(opt.state_dict()), rng


@pytest.mark.parametrize("case", CONFIGS)
def test_explain_changes_nothing(case):
    opt, ps = make(case)
    for grads in GRADS[:3]:
        set_grads(opt, ps, grads)
        before = snapshot(opt, ps)
        for p in ps:
            opt.explain(p)
            opt.explain(p, data=7.0, grad=-2.0, state={})
        assert snapshot(opt, ps) == before
        assert all(p.grad is NO_GRAD for p, g in zip(ps, grads) if g is None)
        opt.step()


@pytest.mark.parametrize("case", CONFIGS)
def test_explain_in_an_open_flat_session_reads_it_and_changes_nothing(case):
    # two twins: the same flat steps, one explained between steps; they must stay equal, bit for bit
    runs = []
    for explained in (False, True):
        opt, ps = make(case)
        set_grads(opt, ps, GRADS[0])
        opt.step()
        data = np.array([p.data for p in ps])
        grad = np.zeros(2)
        f = opt.flat(ps, data, grad)
        assert f is not None
        seen = []
        for k, grads in enumerate(GRADS[2:]):
            grad[:] = grads
            if explained:
                held = data.copy(), grad.copy()
                ex = [opt.explain(p) for p in ps]  # the session's data, grad and state
                assert [bits(x) for x in data] == [bits(x) for x in held[0]]
                assert [bits(x) for x in grad] == [bits(x) for x in held[1]]
            if explained and k == 1:
                opt.explain(ps[0], data=3.0, grad=1.0, state={})
            f.step()
            if explained:
                assert [bits(e.after) for e in ex] == [bits(x) for x in data]
            seen.append([bits(x) for x in data])
        f.close()
        runs.append((seen, {i: state_bits(s) for i, s in opt.state_dict()["state"].items()}))
    assert runs[0] == runs[1]


# --- no gradient, wrong parameters, bad numbers -----------------------------------------------------------


@pytest.mark.parametrize("case", CONFIGS)
def test_a_parameter_without_a_gradient_is_left_alone(case):
    opt, (p, q) = make(case)
    set_grads(opt, [p, q], (0.5, 0.5))
    opt.step()
    opt.zero_grad()
    q.grad = 1.0
    state = copy.deepcopy(opt.state.get(p, {}))
    ex = opt.explain(p)
    assert ex.before == ex.after == p.data and ex.state == ex.state_before == state
    assert len(ex.lines) == 1 and "parameter 0 (w1) has no gradient" in ex.lines[0]
    assert "step() leaves it and its state alone" in ex.lines[0]
    data = p.data
    opt.step()
    assert p.data == data and opt.state.get(p, {}) == state  # as explained
    assert opt.explain(q, grad=NO_GRAD).after == q.data


def test_a_parameter_not_in_the_optimizer_is_refused_by_name():
    opt, _ = make("adam")
    with pytest.raises(ValueError, match=r"'stranger' is not one of this Adam's 2 parameters"):
        opt.explain(Parameter(1.0, label="stranger"))
    with pytest.raises(ValueError, match="a float is not one of"):
        opt.explain(1.0)
    with pytest.raises(TypeError, match="grad must be a number"):
        opt.explain(opt.params[0], grad="0.5")


def test_non_finite_numbers_are_shown_not_refused():
    p = Parameter(0.5)
    opt = optim.Adam([p])
    ex = opt.explain(p, grad=math.nan)
    assert math.isnan(ex.after) and "nan" in ex.lines[-1]
    p.grad = math.inf
    ex = opt.explain(p)
    opt.step()
    assert bits(ex.after) == bits(p.data) and "inf" in ex.text
    p = Parameter(0.5)
    ex = optim.SGD([p], lr=0.1).explain(p, grad=-math.inf)
    assert ex.after == math.inf and "(−inf)" in ex.lines[-1]


def test_centered_rmsprops_negative_variance_is_explained_as_the_refusal_step_makes():
    # a constant gradient: square_avg - grad_avg² falls below 0 by rounding at step 32 (see test_nn_optim)
    p = Parameter(0.5, label="w")
    opt = optim.RMSProp([p], lr=1e-3, alpha=0.3, centered=True)
    for _ in range(200):
        p.grad = 1.7
        ex = opt.explain(p)
        data, state = p.data, copy.deepcopy(opt.state[p]) if p in opt.state else {}
        try:
            opt.step()
        except FloatingPointError as e:
            assert ex.after == data == p.data and ex.state == state == opt.state[p]
            assert ex.lines[-1] == f"step() raises FloatingPointError and changes nothing: {e}"
            assert "ṽ = v − g̅² = " in ex.lines[-2] and ex.lines[-2].split(" = ")[-1].startswith("−")
            break
        assert ex.after == p.data
    else:
        pytest.fail("the variance estimate never fell below 0")


def test_a_subclass_with_its_own_step_is_not_explained_with_the_wrong_rule():
    class Halving(optim.SGD):
        def step(self):
            for p in self.params:
                p.data /= 2

    p = Parameter(1.0)
    with pytest.raises(NotImplementedError, match="Halving defines its own step"):
        Halving([p]).explain(p, grad=1.0)


# --- the explanation itself ----------------------------------------------------------------------------


def test_an_explanation_is_frozen_and_reads_as_text():
    p = Parameter(0.5, label="w")
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    ex = opt.explain(p, grad=0.2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ex.after = 1.0  # type: ignore[misc]
    assert ex.text.split("\n") == [ex.rule, *ex.lines]
    assert str(ex).split("\n") == [
        ex.rule,
        *(f"  {line}" for line in ex.lines),
        "  state after: momentum_buffer = 0.2",
    ]
    assert isinstance(ex.lines, tuple) and ex.state_before == {}


def test_the_docstrings_mention_explain():
    for cls in (optim.Optimizer, optim.SGD, optim.RMSProp, optim.Adam, optim.AdamW, optim.Adamax):
        assert "explain" in (cls.__doc__ or ""), cls
    assert "explain" in (optim.__doc__ or "")
