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
"""

from __future__ import annotations

import math
import sys
import types
from collections.abc import Iterable, Iterator, MutableMapping

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


def _lerp(start: float, end: float, weight: float) -> float:
    """torch.lerp's formula: start + w·(end - start), from the nearer end for w >= 0.5."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def _minus_square(x: float, y: float) -> float:
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
    return math.fsum((x, -square, -error))


def _who(i: int, p: Value) -> str:
    """How an error names a parameter: its index, and its label if it has one."""
    return f"parameter {i}" + (f" ({p.label})" if p.label is not None else "")


def _maximum(a: float, b: float) -> float:
    """torch.maximum: the larger of a and b, nan if either is nan (Python's max would drop it)."""
    if a >= b:
        return a
    return b if b > a else math.nan


# --- the optimizers ---------------------------------------------------------------


class Optimizer:
    """Holds the parameters, the learning rate and per-parameter state; subclasses define `step`."""

    def __init__(self, params, lr: float):
        self.params: list[Value] = _parameters(params)
        self.lr = lr
        self.state: dict[Value, dict] = {}

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


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (torch.optim.SGD).

    g ← grad + λ·θ;  with momentum μ: b ← g on the first step, then
    b ← μ·b + (1 - τ)·g, and g ← g + μ·b (Nesterov) or g ← b;  θ ← θ - lr·g.
    `noise` > 0 adds N(0, noise²) to every update ("give it a whack" to leave a
    local minimum); it is not part of PyTorch's rule and is off by default.
    """

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
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        whacks = self.rng.normal(0.0, self.noise, size=len(self.params)) if self.noise else None
        if mu == 0 and wd == 0 and whacks is None:  # plain gradient descent: the common, hot case
            for p in self.params:
                if p.grad is not NO_GRAD:
                    p.data -= lr * p.grad
            return
        for i, p in enumerate(self.params):
            g = p.grad
            if g is NO_GRAD:  # no backward() reached it: no decay, no momentum, no whack
                continue
            if wd:
                g = g + wd * p.data
            if mu:
                state = self.state.get(p)
                if state is None:
                    buf = g  # the first step starts the buffer at the gradient
                    self.state[p] = {"momentum_buffer": buf}
                else:
                    buf = mu * state["momentum_buffer"] + (1 - self.dampening) * g
                    state["momentum_buffer"] = buf
                g = g + mu * buf if self.nesterov else buf
            p.data = p.data - lr * g + (whacks[i] if whacks is not None else 0.0)

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
    nothing instead.
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
        lr, a, eps, wd, mu = self.lr, self.alpha, self.eps, self.weight_decay, self.momentum
        updates = []  # applied only once every parameter's step is known to be possible
        for i, p in enumerate(self.params):
            g = p.grad
            if g is NO_GRAD:  # no backward() reached it: its state and step count stay as they are
                continue
            s = self.state.get(p)
            t = 1 if s is None else s["step"] + 1
            if wd:
                g = g + wd * p.data
            v = (0.0 if s is None else s["square_avg"]) * a + (1 - a) * g * g
            new = {"step": t, "square_avg": v}
            if self.centered:
                new["grad_avg"] = ga = _lerp(0.0 if s is None else s["grad_avg"], g, 1 - a)
                var = _minus_square(v, ga)
                if var < 0:
                    raise FloatingPointError(
                        f"RMSProp(centered=True): at step {t} the variance estimate square_avg - grad_avg² "
                        f"of {_who(i, p)} fell below 0 ({var:.3g}) by rounding: its gradient has been "
                        f"constant (now {g:g}), so the variance is 0 and steps grew to lr·g/eps; "
                        "PyTorch would make the weight nan here. Nothing was changed: "
                        "use centered=False or a larger eps"
                    )
                d = math.sqrt(var) + eps
            else:
                d = math.sqrt(v) + eps
            if mu > 0:
                new["momentum_buffer"] = b = (0.0 if s is None else s["momentum_buffer"]) * mu + g / d
                updates.append((p, new, p.data - lr * b))
            else:
                updates.append((p, new, p.data + (-lr * g) / d))
        for p, new, data in updates:
            self.state.setdefault(p, {}).update(new)  # in place, as torch's state tensors are
            p.data = data

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

    def step(self) -> None:
        lr, (b1, b2), eps, wd = self.lr, self.betas, self.eps, self.weight_decay
        for p in self.params:
            g = p.grad
            if g is NO_GRAD:  # no backward() reached it: no decay, no moments, no step count
                continue
            s = self.state.get(p)
            if s is None:
                s = self.state[p] = {"step": 0, "exp_avg": 0.0, "exp_avg_sq": 0.0}
                if self.amsgrad:
                    s["max_exp_avg_sq"] = 0.0
            s["step"] = t = s["step"] + 1
            theta = p.data
            if wd:
                if self.decoupled:
                    theta = theta * (1 - lr * wd)  # AdamW: shrink the weight, apart from the gradient
                else:
                    g = g + wd * theta  # Adam: L2 penalty folded into the gradient
            s["exp_avg"] = m = _lerp(s["exp_avg"], g, 1 - b1)
            s["exp_avg_sq"] = v = s["exp_avg_sq"] * b2 + (1 - b2) * g * g
            if self.amsgrad:
                s["max_exp_avg_sq"] = v = _maximum(s["max_exp_avg_sq"], v)
            denom = math.sqrt(v) / (1 - b2**t) ** 0.5 + eps
            p.data = theta + (-(lr / (1 - b1**t)) * m) / denom

    def _hyper(self) -> dict:
        h = {"lr": self.lr, "betas": self.betas, "eps": self.eps, "weight_decay": self.weight_decay}
        if self.amsgrad:
            h["amsgrad"] = True
        return h


class AdamW(Adam):
    """AdamW (torch.optim.AdamW): Adam with decoupled weight decay.

    θ ← θ·(1 - lr·λ) first, then the Adam step with the raw gradient
    (m and v never see the decay). Default λ = 0.01, as in PyTorch.
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

    def step(self) -> None:
        lr, (b1, b2), eps, wd = self.lr, self.betas, self.eps, self.weight_decay
        for p in self.params:
            g = p.grad
            if g is NO_GRAD:  # no backward() reached it: no decay, no moments, no step count
                continue
            s = self.state.get(p)
            if s is None:
                s = self.state[p] = {"step": 0, "exp_avg": 0.0, "exp_inf": 0.0}
            s["step"] = t = s["step"] + 1
            if wd:
                g = g + wd * p.data
            s["exp_avg"] = m = _lerp(s["exp_avg"], g, 1 - b1)
            s["exp_inf"] = u = _maximum(s["exp_inf"] * b2, abs(g) + eps)
            p.data = p.data + (-(lr / (1 - b1**t)) * m) / u

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
