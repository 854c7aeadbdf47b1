"""Optimizers and learning-rate schedules, following torch.optim's documented update rules.

Each optimizer has PyTorch's name, arguments, defaults and update rule (see
the class docstrings; `step` t counts from 1), so a student's numbers match
PyTorch's. `step()` updates every parameter's `data` in place from its
`grad` (no graph is built), `zero_grad()` clears the grads, `lr` may be set at
any time, and the per-parameter state (`opt.state[p]`, keyed by the Value
itself) is created on first use under PyTorch's names.

No gradient is not a zero gradient (PyTorch's rule): `zero_grad()` sets every
grad to NO_GRAD, and `step()` skips a parameter that no backward() reached
since then, as torch skips `p.grad is None`: no momentum, weight decay, moment
update or step count for it, so it stays exactly where it is.

A flat session (`opt.flat(params, data, grad)`) steps parameters kept in one
float64 array, as the tape keeps them, in a few numpy calls: each rule below
is written once for floats and arrays, so its numbers are step()'s bit for
bit, and on `close()` opt.state holds what step() would have left.

`opt.explain(p)` describes the one step step() would take for p (from its
data, grad and state, or numbers given, say a recorded epoch's) without
taking it: the rule in symbols, the rule with the numbers filled in, w before
and after, the state before and after. Its numbers come from the same rules
(which report their intermediate terms into a dict when asked), so `after`
is step()'s result bit for bit; pages show its text and compute nothing.
"""

from __future__ import annotations

import copy
import math
import numbers
import sys
import types
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np

from autograd_lite import Value
from autograd_lite.engine import NO_GRAD

from . import checks
from .seed import rng as make_rng

# --- checking arguments ------------------------------------------------------------


def _betas(betas) -> tuple[float, float]:
    try:
        b1, b2 = betas
    except (TypeError, ValueError):
        raise ValueError(f"betas must be a pair (beta1, beta2), e.g. (0.9, 0.999); got {betas!r}") from None
    return checks.number("betas[0]", b1, below=1.0), checks.number("betas[1]", b2, below=1.0)


def _parameters(params) -> list[Value]:
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()  # a Module
    if isinstance(params, Value) or not isinstance(params, Iterable):
        raise TypeError(
            "an optimizer takes an iterable of parameters, e.g. model.parameters(); "
            f"got {type(params).__name__}"
        )
    params = list(params)
    if not params:
        raise ValueError("the optimizer got an empty list of parameters")
    seen = set()
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"parameter {i} is a {type(p).__name__}, not a Value")
        if p.is_lanes:
            raise ValueError(
                f"parameter {i} ({p.name}) holds lanes: an optimizer updates single numbers (weights)"
            )
        if p in seen:
            raise ValueError(f"parameter {i} ({p.name}) appears twice: it would be updated twice per step")
        seen.add(p)
    return params


# --- torch's arithmetic ------------------------------------------------------------
#
# The updates below do PyTorch's floating-point operations in PyTorch's order
# (torch/optim/*.py, `_single_tensor_*`), so the numbers match to rounding:
# `t.lerp_(end, w)` is `_lerp`, `t.mul_(a).addcmul_(g, g, value=c)` is
# `t * a + c * g * g`, `p.addcdiv_(m, d, value=-s)` is `p + (-s * m) / d`.
# Bit for bit they equal torch's portable kernels (ATEN_CPU_CAPABILITY=default)
# wherever no square root is taken; torch's AVX kernels fuse a*b + c into one
# rounding and its sqrt comes from MKL (off by an ulp about 1% of the time), so
# there the two agree to about 1e-15 per step - as torch's own kernels do with
# each other (`python -m benchmarks.check_optim`).
#
# Each rule is written once and serves both paths: `step()` calls it with one
# parameter's floats, a flat session (`Optimizer.flat`) with float64 arrays of
# all of them at once. Every operation is the same IEEE operation either way
# (numpy's ufuncs neither fuse nor reorder; math.sqrt and np.sqrt are both
# correctly rounded), so both paths give the same bits; the helpers below make
# the few places where floats and arrays differ (a zero divisor, sqrt of a
# negative number, nan in a maximum, math.fsum) behave as the floats do.

#: A float (one parameter, `step()`) or a float64 array (one number per parameter, a flat session).
Num: TypeAlias = Any


def _lerp(start: Num, end: Num, weight: float) -> Num:
    """torch.lerp's formula: start + w·(end - start), from the nearer end for w >= 0.5."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def _sqrt(x: Num) -> Num:
    """math.sqrt; of an array, elementwise, and a negative number is math's ValueError there too."""
    if not isinstance(x, np.ndarray):
        return math.sqrt(x)
    if (x < 0).any():
        raise ValueError("math domain error")
    return np.sqrt(x)


def _div(a: Num, b: Num) -> Num:
    """a / b; by an array, elementwise, and a zero divisor is Python's ZeroDivisionError there too
    (numpy would give inf or nan)."""
    if isinstance(b, np.ndarray) and not b.all():
        raise ZeroDivisionError("float division by zero")
    return a / b


def _minus_square(x: Num, y: Num) -> Num:
    """x - y·y rounded once, as torch's fused `x.addcmul(y, y, value=-1)` computes it.

    y·y is split exactly into a double and its rounding error (Dekker's
    product), and math.fsum rounds the exact sum once; so the sign is right
    even when x and y² agree to the last digit (centered RMSProp's variance).
    """
    square = y * y
    t = 134217729.0 * y  # 2**27 + 1: Veltkamp's split of y into two 26-bit halves
    high = t - (t - y)
    low = y - high
    error = ((high * high - square) + 2 * high * low) + low * low
    if isinstance(square, np.ndarray):
        return _fsum3(x, -square, -error)
    return _sum3(x, -square, -error)


def _sum3(a: float, b: float, c: float) -> float:
    """a + b + c rounded once (math.fsum) when all three are finite; else IEEE's a + b + c, nan or
    ±inf, as torch's fused kernel gives it (where math.fsum would raise on inf - inf or overflow)."""
    if math.isfinite(a) and math.isfinite(b) and math.isfinite(c):
        return math.fsum((a, b, c))
    return a + b + c


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(s, e) with s = a + b rounded and s + e = a + b exactly (Knuth's two-sum)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fsum3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """math.fsum((a[k], b[k], c[k])) for every k (a + b + c rounded once), in a few array operations.

    Boldo and Melquiond's sum of three (IEEE Trans. Computers 57(4), 2008): two exact two-sums,
    their low parts added rounded to odd, then one rounding to nearest. A zero, tiny (< 2^-960),
    infinite or nan result goes to `_sum3` (math.fsum's signed zeros, IEEE's inf and nan).
    """
    uh, ul = _two_sum(b, c)
    th, tl = _two_sum(a, uh)
    v, err = _two_sum(tl, ul)
    bits = v.view(np.int64)  # round v to odd: where inexact and even, to its neighbour on err's side
    toward = np.where(np.signbit(v) == np.signbit(err), 1, -1)  # (larger or smaller magnitude)
    v = np.where((err != 0) & ((bits & 1) == 0), bits + toward, bits).view(np.float64)
    out = th + v
    size = np.abs(out)
    for k in np.flatnonzero(~((size >= 2.0**-960) & (size <= sys.float_info.max))).tolist():
        out[k] = _sum3(float(a[k]), float(b[k]), float(c[k]))
    return out


def _who(i: int, p: Value) -> str:
    """How an error names a parameter: its index, and its label if it has one."""
    return f"parameter {i}" + (f" ({p.label})" if p.label is not None else "")


def _maximum(a: Num, b: Num) -> Num:
    """torch.maximum: the larger of a and b, nan if either is nan (Python's max would drop it)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.where(a >= b, a, np.maximum(a, b))  # a on ties, as below (np.maximum may pick -0.0)
    if a >= b:
        return a
    return b if b > a else math.nan


# --- the update rules, once for floats and arrays ---------------------------------------


def _sgd_rule(theta: Num, g: Num, buf: Num, first, lr: float, mu: float, dampening: float, wd: float,
              nesterov: bool, whack: Num, *, notes: dict | None = None) -> tuple[Num, Num]:  # fmt: skip
    """One SGD step: (θ, momentum buffer). `first`: True where there is no buffer yet (a mask in a
    flat session), and the buffer starts at the gradient. `notes` (explain()'s) receives g with
    weight decay ("g") and the direction stepped along ("d")."""
    if wd:
        g = g + wd * theta
    if mu:
        if first is True:
            buf = g  # the first step starts the buffer at the gradient
        else:
            new = mu * buf + (1 - dampening) * g
            buf = new if first is False else np.where(first, g, new)
        d = g + mu * buf if nesterov else buf
    else:
        d = g
    if notes is not None:
        notes.update(g=g, d=d)
    return theta - lr * d + whack, buf


def _rmsprop_average(theta: Num, g: Num, v: Num, ga: Num, a: float, wd: float,
                     centered: bool) -> tuple[Num, Num, Num, Num]:  # fmt: skip
    """RMSProp's running averages: (g with weight decay, square_avg, grad_avg, what to take the
    square root of: square_avg, or centered the variance estimate square_avg - grad_avg²)."""
    if wd:
        g = g + wd * theta
    v = v * a + (1 - a) * g * g
    if not centered:
        return g, v, ga, v
    ga = _lerp(ga, g, 1 - a)
    return g, v, ga, _minus_square(v, ga)


def _rmsprop_move(theta: Num, g: Num, var: Num, buf: Num, lr: float, eps: float,
                  mu: float) -> tuple[Num, Num]:  # fmt: skip
    """RMSProp's step from the variance (estimate): (θ, momentum buffer)."""
    d = _sqrt(var) + eps
    if mu > 0:
        buf = buf * mu + _div(g, d)
        return theta - lr * buf, buf
    return theta + _div(-lr * g, d), buf


def _negative_variance(t: int, who: str, var: float, g: float) -> FloatingPointError:
    return FloatingPointError(
        f"RMSProp(centered=True): at step {t} the variance estimate square_avg - grad_avg² "
        f"of {who} fell below 0 ({var:.3g}) by rounding: its gradient has been "
        f"constant (now {g:g}), so the variance is 0 and steps grew to lr·g/eps; "
        "PyTorch would make the weight nan here. Nothing was changed: "
        "use centered=False or a larger eps"
    )


def _step_size(lr: float, b1: float, t: int) -> float:
    """Adam's and Adamax's lr/(1 - β1^t) at step t."""
    return lr / (1 - b1**t)


def _adam_rule(theta: Num, g: Num, m: Num, v: Num, vmax: Num, lr: float, b1: float, b2: float,
               eps: float, wd: float, decoupled: bool, amsgrad: bool, step_size: Num,
               root2: Num, *, notes: dict | None = None) -> tuple[Num, Num, Num, Num]:  # fmt: skip
    """One Adam/AdamW step: (θ, exp_avg, exp_avg_sq, max_exp_avg_sq); step_size = lr/(1 - β1^t),
    root2 = √(1 - β2^t). `notes` (explain()'s) receives g with the L2 term ("g") and θ after
    AdamW's decay ("theta")."""
    if wd:
        if decoupled:
            theta = theta * (1 - lr * wd)  # AdamW: shrink the weight, apart from the gradient
        else:
            g = g + wd * theta  # Adam: L2 penalty folded into the gradient
    m = _lerp(m, g, 1 - b1)
    v = v * b2 + (1 - b2) * g * g
    if amsgrad:
        vmax = _maximum(vmax, v)
        denom = _sqrt(vmax) / root2 + eps
    else:
        denom = _sqrt(v) / root2 + eps
    if notes is not None:
        notes.update(g=g, theta=theta)
    return theta + _div(-step_size * m, denom), m, v, vmax


def _adamax_rule(theta: Num, g: Num, m: Num, u: Num, b1: float, b2: float, eps: float, wd: float,
                 step_size: Num, *, notes: dict | None = None) -> tuple[Num, Num, Num]:  # fmt: skip
    """One Adamax step: (θ, exp_avg, exp_inf); step_size = lr/(1 - β1^t). `notes` (explain()'s)
    receives g with weight decay ("g")."""
    if wd:
        g = g + wd * theta
    if notes is not None:
        notes["g"] = g
    m = _lerp(m, g, 1 - b1)
    u = _maximum(u * b2, abs(g) + eps)
    return theta + _div(-step_size * m, u), m, u


# --- one step explained ------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """One optimizer step of one parameter (`Optimizer.explain`): the rule in symbols, the rule
    with this step's numbers (one line per quantity, 4 significant digits), w before and after
    (after is step()'s result, bit for bit) and the state before and after the step."""

    rule: str
    lines: tuple[str, ...]
    before: float
    after: float
    state: dict[str, float]
    state_before: dict[str, float]

    @property
    def text(self) -> str:
        """The rule and the lines, one per line."""
        return "\n".join((self.rule, *self.lines))

    def __str__(self) -> str:
        state = ", ".join(f"{k} = {_n(v)}" for k, v in self.state.items()) or "none"
        return "\n".join((self.rule, *(f"  {line}" for line in self.lines), f"  state after: {state}"))


def _n(x: float) -> str:
    """A number as explain() shows it: 4 significant digits, a real minus sign; a whole count whole."""
    s = str(x) if isinstance(x, int) else f"{x:.4g}"
    return "−" + s[1:] if s.startswith("-") else s


def _o(x: float) -> str:
    """A number after an operator (or squared): in parentheses when negative, 0.5 − 0.1 · (−0.3)."""
    s = _n(x)
    return f"({s})" if s.startswith("−") else s


def _real(name: str, x) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"explain: {name} must be a number, got {x!r}")
    return float(x)


# --- the optimizers ---------------------------------------------------------------


class Optimizer:
    """Holds the parameters, the learning rate and per-parameter state; subclasses define `step`
    (and `_rule`/`_explain`, from which `explain()` describes one step)."""

    #: The open flat session (see `flat`), if any.
    _flat_session: Flat | None = None
    #: Whether the state counts each parameter's steps ("step"), as RMSProp and the Adams do.
    _counts_steps = True
    #: Each parameter's index in params, made by explain() on first use.
    _index: dict[Value, int] | None = None

    def __init__(self, params, lr: float):
        self.params: list[Value] = _parameters(params)
        self.lr = lr
        self._state: dict[Value, dict] = {}

    @property
    def state(self) -> dict[Value, dict]:
        """The per-parameter state, keyed by the parameter. While a flat session is open it is
        brought up to date when read (and the session takes it back before its next step, so
        changes made to it count)."""
        f = self._flat_session
        if f is not None:
            f._sync()
            f._stale = True
        return self._state

    @state.setter
    def state(self, value: dict[Value, dict]) -> None:
        self._state = value
        if self._flat_session is not None:
            self._flat_session._stale = True

    @property
    def lr(self) -> float:
        """The learning rate used by the next `step()`; schedules set it."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = checks.number("lr", value)

    def zero_grad(self) -> None:
        """Forget every parameter's grad (NO_GRAD, PyTorch's None): grads accumulate across backward calls."""
        for p in self.params:
            p.grad = NO_GRAD

    def step(self) -> None:
        """Update every parameter that has a grad from it; those without one are left alone."""
        raise NotImplementedError

    def explain(self, p: Value, data: float | None = None, grad: float | None = None,
                state: dict | None = None) -> Explanation:  # fmt: skip
        """The one step `step()` would take for parameter p, explained: its rule in symbols, one line
        per quantity with the numbers filled in, w before and after (step()'s result, bit for bit) and
        the state the step starts from and leaves. Nothing is changed.

        The step starts from `data` (default p.data), `grad` (default p.grad; NO_GRAD: step() leaves
        p alone) and `state` (default opt.state.get(p), the state before the step; {}: none yet, a
        first step). While a flat session holding p is open, the defaults are the session's numbers.
        SGD's noise is the draw the next step() will make. Centered RMSProp's negative variance is
        explained (step() would raise and change nothing); a zero divisor raises as step() does.
        """
        i = self._index_of(p)
        owner = next((c for c in type(self).__mro__ if "_explain" in vars(c)), Optimizer)
        if owner is Optimizer or type(self).step is not vars(owner)["step"]:
            raise NotImplementedError(
                f"{type(self).__name__} defines its own step(); explain() knows only nn.optim's rules"
            )
        f = self._flat_session
        k = f._slot(p) if f is not None else None
        if data is None:
            data = p.data if f is None or k is None else float(f.data[k])
        if grad is None:
            grad = p.grad if f is None or k is None else float(f.grad[k])
        if state is None:
            if f is not None:
                f._sync()  # the session's state, as opt.state reads it (which would mark it stale)
            state = self._state.get(p)
        w = _real("data", data)
        g = grad if grad is NO_GRAD else _real("grad", grad)
        before = dict(state) if state else {}
        rule = ";  ".join(self._rule())
        if g is NO_GRAD:
            line = (
                f"{_who(i, p)} has no gradient (no backward() reached it since zero_grad()): "
                f"step() leaves it and its state alone, w = {_n(w)}"
            )
            return Explanation(rule, (line,), w, w, dict(before), before)
        lines, after, new = self._explain(i, p, w, g, dict(before))
        return Explanation(rule, tuple(lines), w, float(after), new, before)

    def _index_of(self, p: Value) -> int:
        """p's index in params, or a ValueError naming p."""
        i = self._index.get(p) if self._index is not None and isinstance(p, Value) else None
        if i is None or i >= len(self.params) or self.params[i] is not p:  # params changed: index anew
            self._index = {q: j for j, q in enumerate(self.params)}
            i = self._index.get(p) if isinstance(p, Value) else None
        if i is None:
            what = f"{p.name!r}" if isinstance(p, Value) else f"a {type(p).__name__}"
            raise ValueError(
                f"explain: {what} is not one of this {type(self).__name__}'s {len(self.params)} parameters"
            )
        return i

    def _rule(self) -> list[str]:
        """The update rule in symbols for the current hyperparameters, one assignment per item."""
        raise NotImplementedError

    def _explain(self, i: int, p: Value, w: float, g: float, s: dict) -> tuple[list[str], float, dict]:
        """(lines, w after, state after) of p's step from w, g and state s ({}: none), by the rule."""
        raise NotImplementedError

    def flat(self, params: list[Value], data: np.ndarray, grad: np.ndarray) -> Flat | None:
        """Start a flat session: `f.step()` steps `params` (some of this optimizer's, in any order)
        whose values are `data` and gradients `grad` (float64 arrays, one number per parameter, in
        the order of `params`), all at once, with the numbers step() would give; `f.close()` ends it.

        The session takes over the parameters' state (a second fit with the same optimizer carries
        on) and gives it back on close(); `opt.state` and `state_dict()` read it up to date while it
        is open. Each f.step() reads the optimizer's hyperparameters (lr as schedules set it) and
        updates `data` in place from `grad`; every parameter in the session counts as having a
        gradient, `p.data` is not touched (the caller owns its array) and parameters outside it are
        left alone. A per-parameter `step()` while the session is open is a RuntimeError: close it.

        None (use step() instead) when the state cannot be taken over: a subclass that defines its
        own step(), or a parameter whose state lacks what the current hyperparameters need (momentum
        or amsgrad switched on after it was made; step() would fail on it with a KeyError).
        """
        if self._flat_session is not None:
            raise RuntimeError(
                f"{type(self).__name__}.flat: a flat session is already open on this optimizer; "
                "close() it first"
            )
        params = list(params)
        where = {p: i for i, p in enumerate(self.params)}
        pos = []
        for k, p in enumerate(params):
            i = where.get(p) if isinstance(p, Value) else None
            if i is None:
                raise ValueError(f"flat: params[{k}] is not one of this optimizer's parameters")
            pos.append(i)
        if len(set(pos)) != len(pos):
            raise ValueError("flat: a parameter appears twice in params: it would be updated twice per step")
        for name, a in (("data", data), ("grad", grad)):
            if not isinstance(a, np.ndarray) or a.dtype != np.float64 or a.shape != (len(params),):
                got = f"{a.dtype} array of shape {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
                raise TypeError(
                    f"flat: {name} must be a 1-D float64 numpy array of {len(params)} numbers "
                    f"(one per parameter), got a {got}"
                )
        if not data.flags.writeable:
            raise ValueError("flat: data must be writeable: the session updates it in place")
        owner = next(c for c in type(self).__mro__ if "_flat_update" in vars(c))
        if owner is Optimizer or type(self).step is not vars(owner)["step"]:
            return None  # a subclass with a step() of its own: its rule is not the flat one
        f = Flat(self, params, data, grad, np.array(pos, dtype=np.intp))
        if not f._load():
            return None
        self._flat_session = f
        return f

    def _flat_keys(self) -> tuple[str, ...]:
        """The state's float entries the current hyperparameters use, in the order step() makes them."""
        return ()

    def _flat_update(self, f: Flat) -> None:
        """One flat step of session f (see `flat`)."""
        raise NotImplementedError

    def _no_flat_session(self) -> None:
        if self._flat_session is not None:
            raise RuntimeError(
                f"{type(self).__name__}.step(): a flat session (opt.flat(...)) is open over "
                f"{len(self._flat_session.params)} of its parameters and holds their state; "
                "close() it first, then step() carries on from where it left off"
            )

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({len(self.params)} parameters, {args})"

    def _hyper(self) -> dict:
        return {"lr": self.lr}

    @property
    def param_groups(self) -> list[ParamGroup]:
        """torch's `optimizer.param_groups`: one group, a live view of `params` and the hyperparameters.

        `optimizer.param_groups[0]["lr"] = 0.01` sets `optimizer.lr`, as tutorials do for manual
        decay; there is one group (torch's several groups with their own lr are not supported).
        """
        return [ParamGroup(self)]

    def state_dict(self) -> dict:
        """torch's layout: {"state": {i: {...}}, "param_groups": [{..., "params": [0, 1, ...]}]}.

        Parameters are named by their index in `params`; the state values are copies.
        """
        index = {id(p): i for i, p in enumerate(self.params)}
        state = {index[id(p)]: dict(s) for p, s in self.state.items()}
        group = {k: v for k, v in ParamGroup(self).items() if k != "params"}
        return {"state": state, "param_groups": [{**group, "params": list(range(len(self.params)))}]}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what `state_dict()` gave, for an optimizer over the same number of parameters."""
        try:
            (group,) = state_dict["param_groups"]
            saved = state_dict["state"]
        except (KeyError, TypeError, ValueError):
            raise ValueError(
                "load_state_dict takes what an optimizer's state_dict() gives: "
                '{"state": {...}, "param_groups": [one group]}'
            ) from None
        if len(group.get("params", ())) != len(self.params):
            raise ValueError(
                f"load_state_dict: the saved optimizer had {len(group.get('params', ()))} parameters, "
                f"this one has {len(self.params)}"
            )
        view = ParamGroup(self)
        for key, value in group.items():
            if key != "params":
                view[key] = value
        self.state = {self.params[int(i)]: dict(s) for i, s in saved.items()}


#: The hyperparameters a ParamGroup shows, in torch's order, those the optimizer has.
_GROUP_KEYS = (
    "lr", "momentum", "dampening", "alpha", "betas", "eps", "weight_decay",
    "nesterov", "centered", "amsgrad", "noise",
)  # fmt: skip


class ParamGroup(MutableMapping):
    """An optimizer's one param group, as torch's dict: "params" and the hyperparameters, read and set
    on the optimizer itself (`group["lr"] = 0.01` is `optimizer.lr = 0.01`, checked the same way)."""

    def __init__(self, optimizer: Optimizer):
        self.optimizer = optimizer

    def _keys(self) -> list[str]:
        return ["params", *(k for k in _GROUP_KEYS if hasattr(self.optimizer, k))]

    def __getitem__(self, key: str):
        if key == "params":
            return self.optimizer.params
        if key not in self._keys():
            raise KeyError(key)
        return getattr(self.optimizer, key)

    def __setitem__(self, key: str, value) -> None:
        name = type(self.optimizer).__name__
        if key == "params":
            raise TypeError(f"{name}'s params are fixed: make a new optimizer for other parameters")
        if key not in self._keys():
            raise KeyError(
                f"{name} has no hyperparameter {key!r}; its param group holds {', '.join(self._keys())}"
            )
        if key == "betas":
            value = _betas(value)
        elif key in ("nesterov", "centered", "amsgrad"):
            value = bool(value)
        elif key != "lr":
            value = checks.number(key, value)
        setattr(self.optimizer, key, value)  # lr through its property, which checks it

    def __delitem__(self, key: str) -> None:
        raise TypeError("an optimizer's param group keeps all its keys")

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __repr__(self) -> str:
        return repr(dict(self))


class Flat:
    """A flat session (`Optimizer.flat`): the optimizer's rule applied to parameters kept in one
    float64 array, a few numpy calls a step; the same numbers as step(), and on close() the same state.

    `step()` takes one step, `close()` gives the state back to `optimizer.state` and ends the
    session (also on leaving a `with` block); `data` and `grad` are the caller's arrays.
    """

    def __init__(self, optimizer: Optimizer, params: list[Value], data: np.ndarray, grad: np.ndarray,
                 pos: np.ndarray):  # fmt: skip
        self.optimizer = optimizer
        self.params = params
        self.data = data
        self.grad = grad
        self.pos = pos  # each parameter's index in optimizer.params: the noise it draws, how errors name it
        self._order = np.argsort(pos, kind="stable").tolist()  # the optimizer's order, for state written back
        self.closed = False
        self._slots: dict[Value, int] | None = None

    def _slot(self, p: Value) -> int | None:
        """p's index in the session, None if it is not in it."""
        if self._slots is None:
            self._slots = {q: k for k, q in enumerate(self.params)}
        return self._slots.get(p)

    def _load(self) -> bool:
        """Take the parameters' state from the optimizer (zeros where there is none yet); False if it
        lacks an entry the hyperparameters need, or holds something that is not a number."""
        opt = self.optimizer
        keys = opt._flat_keys()
        states = [opt._state.get(p) for p in self.params]
        try:
            arrays = {
                k: np.array([0.0 if s is None else s[k] for s in states], dtype=np.float64) for k in keys
            }
            steps = [0 if s is None else s["step"] for s in states] if opt._counts_steps else []
            t0 = np.array(steps, dtype=np.int64)
            if any(int(t) != t for t in steps):
                return False
        except (KeyError, TypeError, ValueError, OverflowError):
            return False
        fresh = np.array([s is None for s in states], dtype=bool)
        self.keys, self.arrays, self.t0 = keys, arrays, t0
        #: where the parameter has no state yet: True (all), False (none) or a mask
        self.fresh: bool | np.ndarray = bool(fresh.all()) or (fresh if fresh.any() else False)
        uniq, self._inverse = np.unique(t0, return_inverse=True)
        self._uniq: list[int] = uniq.tolist()
        self.taken = 0  # flat steps since the state was taken
        self._synced = True  # optimizer.state holds what the arrays hold
        self._stale = False  # optimizer.state was handed out (or replaced) since: take it back
        return True

    def _at_t(self, rule):
        """rule(t), a tuple of floats, at this step's count t of every parameter: floats when the counts
        are all equal, else arrays (rule is run once per distinct t, on floats, as step() runs it)."""
        k = self.taken + 1
        if len(self._uniq) == 1:
            return rule(self._uniq[0] + k)
        values = [rule(t + k) for t in self._uniq] or [rule(k)]
        return tuple(np.array(column)[self._inverse] for column in zip(*values))

    def step(self) -> None:
        """One optimizer step for every parameter of the session: `data` updated in place from `grad`.

        An error (centered RMSProp's negative variance) changes nothing, as step()'s does."""
        if self.closed:
            raise RuntimeError("this flat session is closed: open another with optimizer.flat(...)")
        opt = self.optimizer
        if self._stale or opt._flat_keys() != self.keys:  # state read or replaced, or momentum etc. switched
            self._sync()
            if not self._load():
                raise RuntimeError(
                    f"{type(opt).__name__}: the state of a parameter lacks what the hyperparameters now "
                    "need (momentum, centered or amsgrad switched on after it was made); step() would fail "
                    "on it too"
                )
        with np.errstate(all="ignore"):  # inf and nan arise silently, as with floats
            opt._flat_update(self)

    def _commit(self, theta: np.ndarray, arrays: dict[str, np.ndarray], stepped: bool = True) -> None:
        """Keep one step's results (computed in full first, so an error changes nothing)."""
        self.data[...] = theta
        self.arrays.update(arrays)
        self.taken += 1
        if stepped:
            self.fresh = False
        self._synced = False

    def _sync(self) -> None:
        """Write the arrays into optimizer.state, as step() would have left it."""
        if self._synced:
            return
        states = self.optimizer._state
        columns = [(k, self.arrays[k].tolist()) for k in self.keys]
        steps = (self.t0 + self.taken).tolist() if self.optimizer._counts_steps else None
        fresh = self.fresh
        skip = fresh.tolist() if isinstance(fresh, np.ndarray) else [fresh] * len(self.params)
        for j in self._order:
            if skip[j]:
                continue
            p = self.params[j]
            s = states.get(p)
            if s is None:
                s = states[p] = {}
            if steps is not None:
                s["step"] = steps[j]
            for k, column in columns:
                s[k] = column[j]
        self._synced = True

    def close(self) -> None:
        """Give the state back to optimizer.state and end the session (again: nothing)."""
        if self.closed:
            return
        self._sync()
        self.closed = True
        if self.optimizer._flat_session is self:
            self.optimizer._flat_session = None

    def __enter__(self) -> Flat:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        how = "closed" if self.closed else "open"
        return f"Flat({type(self.optimizer).__name__}, {len(self.params)} parameters, {how})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (torch.optim.SGD).

    g ← grad + λ·θ;  with momentum μ: b ← g on the first step, then
    b ← μ·b + (1 - τ)·g, and g ← g + μ·b (Nesterov) or g ← b;  θ ← θ - lr·g.
    `noise` > 0 adds N(0, noise²) to every update ("give it a whack" to leave a
    local minimum); it is not part of PyTorch's rule and is off by default.
    `explain(p)` shows one step with its numbers (with noise, the next step()'s draw).
    """

    _counts_steps = False

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        noise: float = 0.0,
        seed: int | None = None,
    ):
        super().__init__(params, lr)
        self.momentum = checks.number("momentum", momentum)
        self.dampening = checks.number("dampening", dampening)
        self.weight_decay = checks.number("weight_decay", weight_decay)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                f"nesterov=True needs momentum > 0 and dampening = 0, "
                f"got momentum={self.momentum:g}, dampening={self.dampening:g}"
            )
        self.noise = checks.number("noise", noise)
        self.rng = make_rng(seed)

    def step(self) -> None:
        self._no_flat_session()
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        whacks = self.rng.normal(0.0, self.noise, size=len(self.params)) if self.noise else None
        if mu == 0 and wd == 0 and whacks is None:  # plain gradient descent: the common, hot case
            for p in self.params:
                if p.grad is not NO_GRAD:
                    p.data -= lr * p.grad
            return
        states, dampening, nesterov = self._state, self.dampening, self.nesterov
        for i, p in enumerate(self.params):
            g = p.grad
            if g is NO_GRAD:  # no backward() reached it: no decay, no momentum, no whack
                continue
            s = states.get(p) if mu else None
            buf = None if s is None else s["momentum_buffer"]
            whack = 0.0 if whacks is None else whacks[i]
            p.data, buf = _sgd_rule(p.data, g, buf, s is None, lr, mu, dampening, wd, nesterov, whack)
            if mu:
                if s is None:
                    states[p] = {"momentum_buffer": buf}
                else:
                    s["momentum_buffer"] = buf

    def _flat_keys(self) -> tuple[str, ...]:
        return ("momentum_buffer",) if self.momentum else ()

    def _flat_update(self, f: Flat) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        whacks = self.rng.normal(0.0, self.noise, size=len(self.params)) if self.noise else None
        if mu == 0 and wd == 0 and whacks is None:
            f._commit(f.data - lr * f.grad, {}, stepped=False)
            return
        whack = 0.0 if whacks is None else whacks[f.pos]  # each parameter's own draw, as step() gives it
        buf = f.arrays.get("momentum_buffer")
        theta, buf = _sgd_rule(f.data, f.grad, buf, f.fresh, lr, mu, self.dampening, wd, self.nesterov, whack)
        if not mu:
            f._commit(theta, {}, stepped=False)  # no momentum: no state made
            return
        f._commit(theta, {"momentum_buffer": buf.copy() if buf is f.grad else buf})

    def _rule(self) -> list[str]:
        rule = ["g ← g + λ·w"] if self.weight_decay else []
        d = "g"
        if self.momentum:
            rule.append("b ← μ·b + (1 − τ)·g" if self.dampening else "b ← μ·b + g")
            rule += ["g ← g + μ·b"] if self.nesterov else []
            d = "g" if self.nesterov else "b"
        return [*rule, f"w ← w − lr·{d}" + (" + ζ, ζ ~ N(0, noise²)" if self.noise else "")]

    def _explain(self, i: int, p: Value, w: float, g: float, s: dict) -> tuple[list[str], float, dict]:
        lr, mu, tau, wd, nesterov = self.lr, self.momentum, self.dampening, self.weight_decay, self.nesterov
        if self.noise:  # the next step()'s draw, from a copy of the generator
            whack = copy.deepcopy(self.rng).normal(0.0, self.noise, size=len(self.params))[i]
        else:  # -0.0 where step() takes its plain path (w - lr·g): adding it changes no bit
            whack = 0.0 if mu or wd else -0.0
        buf = s["momentum_buffer"] if mu and s else None
        notes: dict = {}
        after, buf = _sgd_rule(w, g, buf, not s, lr, mu, tau, wd, nesterov, whack, notes=notes)
        lines = [f"g ← {_n(g)} + {_o(wd)} · {_o(w)} = {_n(notes['g'])}"] if wd else []
        if mu:
            if not s:
                lines.append(f"b ← g = {_n(buf)}  (the first step starts the buffer at the gradient)")
            else:
                damped = f"{_o(1 - tau)} · {_o(notes['g'])}" if tau else _o(notes["g"])
                lines.append(f"b ← {_n(mu)} · {_o(s['momentum_buffer'])} + {damped} = {_n(buf)}")
            if nesterov:
                lines.append(f"g ← {_n(notes['g'])} + {_n(mu)} · {_o(buf)} = {_n(notes['d'])}")
            s = {**s, "momentum_buffer": buf}
        noise = ""
        if self.noise:
            lines.append(f"ζ = {_n(whack)}  (the next step()'s draw from N(0, {_n(self.noise)}²))")
            noise = f" + {_o(whack)}"
        lines.append(f"w ← {_n(w)} − {_o(lr)} · {_o(notes['d'])}{noise} = {_n(after)}")
        return lines, after, s

    def _hyper(self) -> dict:
        h = {"lr": self.lr, "momentum": self.momentum, "weight_decay": self.weight_decay}
        if self.dampening:
            h["dampening"] = self.dampening
        if self.nesterov:
            h["nesterov"] = True
        if self.noise:
            h["noise"] = self.noise
        return h


class RMSProp(Optimizer):
    """RMSProp (torch.optim.RMSprop): divide each step by a running RMS of the gradient.

    g ← grad + λ·θ;  v ← α·v + (1 - α)·g²;  centered: g̅ ← lerp(g̅, g, 1 - α), ṽ = v - g̅²;
    d = √ṽ + ε;  with momentum μ: b ← μ·b + g/d, θ ← θ - lr·b;  else θ ← θ - lr·g/d.

    Centered, ṽ estimates the gradient's variance; when the gradient has been
    constant it is 0 up to rounding, so steps grow to lr·g/ε. Should rounding
    take it below 0, PyTorch's sqrt gives nan and the weight is lost; here
    `step()` raises a FloatingPointError naming the parameter and changes
    nothing instead; `explain(p)` shows one step with its numbers, and says so there.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ):
        super().__init__(params, lr)
        self.alpha = checks.number("alpha", alpha)
        self.eps = checks.number("eps", eps)
        self.weight_decay = checks.number("weight_decay", weight_decay)
        self.momentum = checks.number("momentum", momentum)
        self.centered = bool(centered)

    def step(self) -> None:
        self._no_flat_session()
        lr, a, eps, wd, mu = self.lr, self.alpha, self.eps, self.weight_decay, self.momentum
        centered, states = self.centered, self._state
        updates = []  # applied only once every parameter's step is known to be possible
        for i, p in enumerate(self.params):
            g = p.grad
            if g is NO_GRAD:  # no backward() reached it: its state and step count stay as they are
                continue
            s = states.get(p)
            t = 1 if s is None else s["step"] + 1
            v = 0.0 if s is None else s["square_avg"]
            ga = (0.0 if s is None else s["grad_avg"]) if centered else None
            g, v, ga, var = _rmsprop_average(p.data, g, v, ga, a, wd, centered)
            new = {"step": t, "square_avg": v}
            if centered:
                new["grad_avg"] = ga
                if var < 0:
                    raise _negative_variance(t, _who(i, p), var, g)
            buf = (0.0 if s is None else s["momentum_buffer"]) if mu > 0 else None
            data, buf = _rmsprop_move(p.data, g, var, buf, lr, eps, mu)
            if mu > 0:
                new["momentum_buffer"] = buf
            updates.append((p, new, data))
        for p, new, data in updates:
            states.setdefault(p, {}).update(new)  # in place, as torch's state tensors are
            p.data = data

    def _flat_keys(self) -> tuple[str, ...]:
        return ("square_avg",) + ("grad_avg",) * self.centered + ("momentum_buffer",) * (self.momentum > 0)

    def _flat_update(self, f: Flat) -> None:
        lr, a, eps, wd, mu = self.lr, self.alpha, self.eps, self.weight_decay, self.momentum
        centered, arrays = self.centered, f.arrays
        g, v, ga, var = _rmsprop_average(f.data, f.grad, arrays["square_avg"], arrays.get("grad_avg"), a, wd,
                                         centered)  # fmt: skip
        new = {"square_avg": v}
        if centered:
            new["grad_avg"] = ga
            bad = np.flatnonzero(var < 0)
            if bad.size:  # the one step() names: the first in the optimizer's order
                k = int(bad[np.argmin(f.pos[bad])])
                t = int(f.t0[k]) + f.taken + 1
                raise _negative_variance(t, _who(int(f.pos[k]), f.params[k]), float(var[k]), float(g[k]))
        theta, buf = _rmsprop_move(f.data, g, var, arrays.get("momentum_buffer"), lr, eps, mu)
        if mu > 0:
            new["momentum_buffer"] = buf
        f._commit(theta, new)

    def _rule(self) -> list[str]:
        rule = ["g ← g + λ·w"] if self.weight_decay else []
        rule.append("v ← α·v + (1 − α)·g²")
        rule += ["g̅ ← α·g̅ + (1 − α)·g", "ṽ = v − g̅²"] if self.centered else []
        root = "√ṽ" if self.centered else "√v"
        if self.momentum > 0:
            return [*rule, f"b ← μ·b + g/({root} + ε)", "w ← w − lr·b"]
        return [*rule, f"w ← w − lr·g/({root} + ε)"]

    def _explain(self, i: int, p: Value, w: float, g: float, s: dict) -> tuple[list[str], float, dict]:
        lr, a, eps, wd = self.lr, self.alpha, self.eps, self.weight_decay
        mu, centered = self.momentum, self.centered
        t = s["step"] + 1 if s else 1
        v0 = s["square_avg"] if s else 0.0
        ga0 = s["grad_avg"] if s and centered else 0.0
        gd, v, ga, var = _rmsprop_average(w, g, v0, ga0 if centered else None, a, wd, centered)
        lines = [f"g ← {_n(g)} + {_o(wd)} · {_o(w)} = {_n(gd)}"] if wd else []
        lines.append(f"v ← {_n(a)} · {_o(v0)} + {_o(1 - a)} · {_o(gd)}² = {_n(v)}")
        new = {"step": t, "square_avg": v}
        if centered:
            lines.append(f"g̅ ← {_n(a)} · {_o(ga0)} + {_o(1 - a)} · {_o(gd)} = {_n(ga)}")
            lines.append(f"ṽ = v − g̅² = {_n(v)} − {_o(ga)}² = {_n(var)}")
            new["grad_avg"] = ga
            if var < 0:  # step() refuses: nothing changes, for this parameter or any other
                error = _negative_variance(t, _who(i, p), var, gd)
                return [*lines, f"step() raises FloatingPointError and changes nothing: {error}"], w, s
        d = f"√{_o(var)} + {_o(eps)}"
        buf0 = s["momentum_buffer"] if s and mu > 0 else 0.0
        after, buf = _rmsprop_move(w, gd, var, buf0 if mu > 0 else None, lr, eps, mu)
        if mu > 0:
            lines.append(f"b ← {_n(mu)} · {_o(buf0)} + {_o(gd)}/({d}) = {_n(buf)}")
            lines.append(f"w ← {_n(w)} − {_o(lr)} · {_o(buf)} = {_n(after)}")
            new["momentum_buffer"] = buf
        else:
            lines.append(f"w ← {_n(w)} − {_o(lr)} · {_o(gd)}/({d}) = {_n(after)}")
        return lines, after, {**s, **new}

    def _hyper(self) -> dict:
        h = {"lr": self.lr, "alpha": self.alpha, "eps": self.eps, "weight_decay": self.weight_decay}
        h.update(momentum=self.momentum, centered=self.centered)
        return h


RMSprop = RMSProp  # PyTorch's spelling


class Adam(Optimizer):
    """Adam (torch.optim.Adam): momentum and RMSProp, with bias correction.

    g ← grad + λ·θ;  m ← β1·m + (1 - β1)·g;  v ← β2·v + (1 - β2)·g²;
    m̂ = m/(1 - β1^t);  v̂ = v/(1 - β2^t) (amsgrad: the running max of v, then corrected);
    θ ← θ - lr·m̂/(√v̂ + ε), arranged as PyTorch does: θ - (lr/(1 - β1^t))·m / (√v/√(1 - β2^t) + ε).
    t counts this parameter's own steps (a step that skips it does not count).
    `explain(p)` shows one step with its numbers, in PyTorch's arrangement.
    """

    decoupled = False

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ):
        super().__init__(params, lr)
        self.betas = _betas(betas)
        self.eps = checks.number("eps", eps)
        self.weight_decay = checks.number("weight_decay", weight_decay)
        self.amsgrad = bool(amsgrad)

    def _bias(self, t: int) -> tuple[float, float]:
        """(lr/(1 - β1^t), √(1 - β2^t)) at step t."""
        b1, b2 = self.betas
        return _step_size(self.lr, b1, t), (1 - b2**t) ** 0.5

    def step(self) -> None:
        self._no_flat_session()
        lr, (b1, b2), eps, wd = self.lr, self.betas, self.eps, self.weight_decay
        amsgrad, decoupled, states = self.amsgrad, self.decoupled, self._state
        for p in self.params:
            g = p.grad
            if g is NO_GRAD:  # no backward() reached it: no decay, no moments, no step count
                continue
            s = states.get(p)
            if s is None:
                s = states[p] = {"step": 0, "exp_avg": 0.0, "exp_avg_sq": 0.0}
                if amsgrad:
                    s["max_exp_avg_sq"] = 0.0
            s["step"] = t = s["step"] + 1
            step_size, root2 = self._bias(t)
            vmax = s["max_exp_avg_sq"] if amsgrad else None
            p.data, s["exp_avg"], s["exp_avg_sq"], vmax = _adam_rule(
                p.data, g, s["exp_avg"], s["exp_avg_sq"], vmax, lr, b1, b2, eps, wd, decoupled, amsgrad,
                step_size, root2,
            )  # fmt: skip
            if amsgrad:
                s["max_exp_avg_sq"] = vmax

    def _flat_keys(self) -> tuple[str, ...]:
        return ("exp_avg", "exp_avg_sq") + ("max_exp_avg_sq",) * self.amsgrad

    def _flat_update(self, f: Flat) -> None:
        lr, (b1, b2), eps, wd = self.lr, self.betas, self.eps, self.weight_decay
        step_size, root2 = f._at_t(self._bias)
        arrays = f.arrays
        theta, m, v, vmax = _adam_rule(
            f.data, f.grad, arrays["exp_avg"], arrays["exp_avg_sq"], arrays.get("max_exp_avg_sq"),
            lr, b1, b2, eps, wd, self.decoupled, self.amsgrad, step_size, root2,
        )  # fmt: skip
        f._commit(
            theta, {"exp_avg": m, "exp_avg_sq": v, **({"max_exp_avg_sq": vmax} if self.amsgrad else {})}
        )

    def _rule(self) -> list[str]:
        rule = []
        if self.weight_decay:
            rule.append("w ← w·(1 − lr·λ)" if self.decoupled else "g ← g + λ·w")
        rule += ["m ← β1·m + (1 − β1)·g", "v ← β2·v + (1 − β2)·g²"]
        rule += ["vmax ← max(vmax, v)"] if self.amsgrad else []
        return [*rule, "w ← w − lr·m̂/(√v̂ + ε)"]

    def _explain(self, i: int, p: Value, w: float, g: float, s: dict) -> tuple[list[str], float, dict]:
        lr, (b1, b2), eps, wd, amsgrad = self.lr, self.betas, self.eps, self.weight_decay, self.amsgrad
        if not s:  # as step() makes it
            s = {"step": 0, "exp_avg": 0.0, "exp_avg_sq": 0.0, **({"max_exp_avg_sq": 0.0} if amsgrad else {})}
        t = s["step"] + 1
        step_size, root2 = self._bias(t)
        m0, v0, vmax0 = s["exp_avg"], s["exp_avg_sq"], s["max_exp_avg_sq"] if amsgrad else 0.0
        notes: dict = {}
        after, m, v, vmax = _adam_rule(
            w, g, m0, v0, vmax0 if amsgrad else None, lr, b1, b2, eps, wd, self.decoupled, amsgrad,
            step_size, root2, notes=notes,
        )  # fmt: skip
        lines = [f"t = {t}"]
        if wd and self.decoupled:
            lines.append(f"w ← {_n(w)} · (1 − {_o(lr)} · {_o(wd)}) = {_n(notes['theta'])}")
        elif wd:
            lines.append(f"g ← {_n(g)} + {_o(wd)} · {_o(w)} = {_n(notes['g'])}")
        gd = notes["g"]
        lines.append(f"m ← {_n(b1)} · {_o(m0)} + {_o(1 - b1)} · {_o(gd)} = {_n(m)}")
        lines.append(f"v ← {_n(b2)} · {_o(v0)} + {_o(1 - b2)} · {_o(gd)}² = {_n(v)}")
        new = {**s, "step": t, "exp_avg": m, "exp_avg_sq": v}
        if amsgrad:
            lines.append(f"vmax ← max({_n(vmax0)}, {_n(v)}) = {_n(vmax)}")
            new["max_exp_avg_sq"] = vmax
        vhat = "vmax" if amsgrad else "v"
        lines.append(
            f"lr/(1 − β1^t) = {_n(lr)}/(1 − {_o(b1)}^{t}) = {_n(step_size)}  (lr·m̂ = {_n(step_size)}·m)"
        )
        lines.append(f"√(1 − β2^t) = √(1 − {_o(b2)}^{t}) = {_n(root2)}  (√v̂ = √{vhat}/{_n(root2)})")
        lines.append(
            f"w ← {_n(notes['theta'])} − {_o(step_size)} · {_o(m)}/(√{_o(vmax if amsgrad else v)}/{_o(root2)}"
            f" + {_o(eps)}) = {_n(after)}"
        )
        return lines, after, new

    def _hyper(self) -> dict:
        h = {"lr": self.lr, "betas": self.betas, "eps": self.eps, "weight_decay": self.weight_decay}
        if self.amsgrad:
            h["amsgrad"] = True
        return h


class AdamW(Adam):
    """AdamW (torch.optim.AdamW): Adam with decoupled weight decay.

    θ ← θ·(1 - lr·λ) first, then the Adam step with the raw gradient
    (m and v never see the decay). Default λ = 0.01, as in PyTorch.
    `explain(p)` shows one step with its numbers, the decay first.
    """

    decoupled = True

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)


class Adamax(Optimizer):
    """Adamax (torch.optim.Adamax): Adam with the infinity norm in place of the RMS.

    g ← grad + λ·θ;  m ← β1·m + (1 - β1)·g;  u ← max(β2·u, |g| + ε);
    θ ← θ - lr·m/((1 - β1^t)·u), arranged as PyTorch does: θ - (lr/(1 - β1^t))·m / u.
    `explain(p)` shows one step with its numbers.
    """

    def __init__(
        self,
        params,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, lr)
        self.betas = _betas(betas)
        self.eps = checks.number("eps", eps)
        self.weight_decay = checks.number("weight_decay", weight_decay)

    def _bias(self, t: int) -> tuple[float]:
        """(lr/(1 - β1^t),) at step t."""
        return (_step_size(self.lr, self.betas[0], t),)

    def step(self) -> None:
        self._no_flat_session()
        (b1, b2), eps, wd, states = self.betas, self.eps, self.weight_decay, self._state
        for p in self.params:
            g = p.grad
            if g is NO_GRAD:  # no backward() reached it: no decay, no moments, no step count
                continue
            s = states.get(p)
            if s is None:
                s = states[p] = {"step": 0, "exp_avg": 0.0, "exp_inf": 0.0}
            s["step"] = t = s["step"] + 1
            (step_size,) = self._bias(t)
            p.data, s["exp_avg"], s["exp_inf"] = _adamax_rule(
                p.data, g, s["exp_avg"], s["exp_inf"], b1, b2, eps, wd, step_size
            )

    def _flat_keys(self) -> tuple[str, ...]:
        return ("exp_avg", "exp_inf")

    def _flat_update(self, f: Flat) -> None:
        (b1, b2), eps, wd = self.betas, self.eps, self.weight_decay
        (step_size,) = f._at_t(self._bias)
        theta, m, u = _adamax_rule(f.data, f.grad, f.arrays["exp_avg"], f.arrays["exp_inf"], b1, b2, eps, wd,
                                   step_size)  # fmt: skip
        f._commit(theta, {"exp_avg": m, "exp_inf": u})

    def _rule(self) -> list[str]:
        rule = ["g ← g + λ·w"] if self.weight_decay else []
        return [*rule, "m ← β1·m + (1 − β1)·g", "u ← max(β2·u, |g| + ε)", "w ← w − lr·m/((1 − β1^t)·u)"]

    def _explain(self, i: int, p: Value, w: float, g: float, s: dict) -> tuple[list[str], float, dict]:
        lr, (b1, b2), eps, wd = self.lr, self.betas, self.eps, self.weight_decay
        if not s:  # as step() makes it
            s = {"step": 0, "exp_avg": 0.0, "exp_inf": 0.0}
        t = s["step"] + 1
        (step_size,) = self._bias(t)
        m0, u0 = s["exp_avg"], s["exp_inf"]
        notes: dict = {}
        after, m, u = _adamax_rule(w, g, m0, u0, b1, b2, eps, wd, step_size, notes=notes)
        gd = notes["g"]
        lines = [f"t = {t}"] + ([f"g ← {_n(g)} + {_o(wd)} · {_o(w)} = {_n(gd)}"] if wd else [])
        lines.append(f"m ← {_n(b1)} · {_o(m0)} + {_o(1 - b1)} · {_o(gd)} = {_n(m)}")
        lines.append(f"u ← max({_n(b2)} · {_o(u0)}, |{_n(gd)}| + {_o(eps)}) = {_n(u)}")
        lines.append(f"lr/(1 − β1^t) = {_n(lr)}/(1 − {_o(b1)}^{t}) = {_n(step_size)}")
        lines.append(f"w ← {_n(w)} − {_o(step_size)} · {_o(m)}/{_o(u)} = {_n(after)}")
        return lines, after, {**s, "step": t, "exp_avg": m, "exp_inf": u}

    def _hyper(self) -> dict:
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps, "weight_decay": self.weight_decay}


#: Optimizers by the names the CLI and `fit(optimizer="adam")` accept.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "rmsprop": RMSProp,
    "adam": Adam,
    "adamw": AdamW,
    "adamax": Adamax,
}


def make(name: str, params, lr: float | None = None, **options) -> Optimizer:
    """An optimizer by name (`"adam"`), with its default lr unless one is given."""
    try:
        cls = OPTIMIZERS[name.lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}") from None
    if lr is not None:
        options["lr"] = lr
    return cls(params, **options)


# --- learning-rate schedules ----------------------------------------------------------


class LRScheduler:
    """Sets `optimizer.lr` from a formula of the epoch k: call `step()` once per epoch.

    k starts at 0 with the optimizer's lr at construction (`base_lr`); the
    formulas are PyTorch's closed forms for the scheduler of the same name.
    """

    def __init__(self, optimizer: Optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"a schedule drives an Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0
        optimizer.lr = self.lr_at(0)

    def lr_at(self, k: int) -> float:
        """The learning rate at epoch k."""
        raise NotImplementedError

    def step(self) -> None:
        """Move to the next epoch and set its learning rate."""
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)

    @property
    def lr(self) -> float:
        return self.optimizer.lr


class StepLR(LRScheduler):
    """Step decay: lr = base_lr · gamma^(k // step_size)."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1):
        self.step_size = checks.count("step_size", step_size)
        self.gamma = checks.number("gamma", gamma)
        super().__init__(optimizer)

    def lr_at(self, k: int) -> float:
        return self.base_lr * self.gamma ** (k // self.step_size)


class ExponentialLR(LRScheduler):
    """Exponential decay: lr = base_lr · gamma^k."""

    def __init__(self, optimizer: Optimizer, gamma: float):
        self.gamma = checks.number("gamma", gamma)
        super().__init__(optimizer)

    def lr_at(self, k: int) -> float:
        return self.base_lr * self.gamma**k


class LinearLR(LRScheduler):
    """Linear change of a factor from start_factor to end_factor over total_iters epochs, then constant.

    lr = base_lr · (s + (e - s)·min(k, total_iters)/total_iters). micrograd's
    demo schedule 1.0 - 0.9·k/100 is LinearLR(SGD(params, lr=1.0), 1.0, 0.1, 100).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ):
        self.start_factor = checks.number("start_factor", start_factor)
        self.end_factor = checks.number("end_factor", end_factor)
        if not (0 < self.start_factor <= 1 and self.end_factor <= 1):  # PyTorch's limits
            raise ValueError(
                "LinearLR needs 0 < start_factor <= 1 and 0 <= end_factor <= 1 (factors of the base lr), "
                f"got start_factor={self.start_factor:g}, end_factor={self.end_factor:g}"
            )
        self.total_iters = checks.count("total_iters", total_iters)
        super().__init__(optimizer)

    def lr_at(self, k: int) -> float:
        s, e = self.start_factor, self.end_factor
        return self.base_lr * (s + (e - s) * min(k, self.total_iters) / self.total_iters)


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing: lr = eta_min + (base_lr - eta_min)·(1 + cos(π·k/T_max))/2."""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0):  # noqa: N803 - PyTorch's name
        self.T_max = checks.count("T_max", T_max)
        self.eta_min = checks.number("eta_min", eta_min)
        super().__init__(optimizer)

    def lr_at(self, k: int) -> float:
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * k / self.T_max)) / 2


#: torch.optim.lr_scheduler's names for the schedules above: `nn.optim.lr_scheduler.StepLR(opt, 30)`,
#: or `from nn.optim.lr_scheduler import StepLR`, as tutorials write them.
lr_scheduler = types.ModuleType(
    f"{__name__}.lr_scheduler", "The learning-rate schedules under torch.optim.lr_scheduler's names."
)
for _schedule in (LRScheduler, StepLR, ExponentialLR, LinearLR, CosineAnnealingLR):
    setattr(lr_scheduler, _schedule.__name__, _schedule)
lr_scheduler.__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "LinearLR", "CosineAnnealingLR"]  # type: ignore[attr-defined]
sys.modules[lr_scheduler.__name__] = lr_scheduler
