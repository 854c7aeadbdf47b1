"""Gradient descent on a formula in x (or x and y), one iteration at a time, for reading.

`descend("x**2 - 3*x", start=4, lr=0.1)` parses the formula with the CLI's
safe parser (never eval), takes each gradient from the engine's backward()
and each step from an `nn.optim` optimizer on Parameters, and keeps every
iteration (point, f, gradient, step) with why it stopped.
"""

from __future__ import annotations

import ast
import difflib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from autograd_lite.engine import Parameter, topological_order
from autograd_lite.errors import counted
from autograd_lite.expr import LOOKALIKES, ExprError, parse
from autograd_lite.ops import FUNCTIONS

from . import optim

VARIABLES = ("x", "y")
MAX_STEPS = 100_000
#: A step shorter than this (in every coordinate) is no move at all: the descent has converged...
TINY_STEP = 1e-12
#: ... unless the gradient is still larger than this: then the learning rate is too small to move.
STALLED_GRADIENT = 1e-6


def _sgd(params, lr: float) -> optim.Optimizer:
    return optim.SGD(params, lr=lr)


#: The optimizers by the names `--optimizer` accepts; momentum is PyTorch's usual 0.9.
OPTIMIZERS: dict[str, Callable[[list, float], optim.Optimizer]] = {
    "sgd": _sgd,
    "momentum": lambda params, lr: optim.SGD(params, lr=lr, momentum=0.9),
    "nesterov": lambda params, lr: optim.SGD(params, lr=lr, momentum=0.9, nesterov=True),
    "rmsprop": lambda params, lr: optim.RMSProp(params, lr=lr),
    "adam": lambda params, lr: optim.Adam(params, lr=lr),
    "adamax": lambda params, lr: optim.Adamax(params, lr=lr),
}


class DescendError(ValueError):
    """Input `descend` cannot start from: the message says what is wrong and what is accepted."""


@dataclass(frozen=True)
class Iterate:
    """One iteration: where it was, f there, the gradient there, and the step the optimizer took."""

    k: int
    point: tuple[float, ...]
    value: float
    gradient: tuple[float, ...]
    step: tuple[float, ...]


@dataclass
class Descent:
    """A whole run: every iteration, where it ended, and why it stopped.

    `status` is "steps" (ran them all), "converged" (the step fell below 1e-12),
    "flat" (the gradient is 0 at the start), "stalled" (the steps are below 1e-12 while the
    gradient is not: the learning rate is too small), "diverged", "unbounded" (f fell past
    -1e12 times where it started: it has no minimum that way) or "undefined" (f cannot
    be computed where the steps led).
    """

    expr: str
    variables: tuple[str, ...]
    optimizer: str
    lr: float
    start: tuple[float, ...]
    iterates: list[Iterate] = field(default_factory=list)
    status: str = "steps"
    message: str = ""
    end: tuple[float, ...] = ()
    end_value: float = math.nan
    end_gradient: tuple[float, ...] = ()  # the gradient at `end` (empty when f has none there)

    def lines(self) -> list[str]:
        """One line per iteration: k, the point, f, the derivative(s), which way it moves, the step."""
        return [self._line(it) for it in self.iterates]

    def _line(self, it: Iterate) -> str:
        if len(self.variables) == 1:
            (x,), (g,), (s,) = it.point, it.gradient, it.step
            way = "moves left " if s < 0 else "moves right" if s > 0 else "stays      "
            against = "  (momentum carries it uphill)" if s * g > 0 else ""
            return (
                f"{it.k:>4}  {self.variables[0]} = {_n(x):>12}  f = {_n(it.value):>12}  "
                f"f' = {_n(g):>12}  → {way}  step {_n(s, sign=True)}{against}"
            )
        return (
            f"{it.k:>4}  ({', '.join(self.variables)}) = {_point(it.point):>22}  f = {_n(it.value):>12}  "
            f"∇f = {_point(it.gradient):>22}  step {_point(it.step, sign=True)}"
        )

    def summary(self) -> str:
        """Where it ended and f there; or where and why it stopped."""
        at = f"{_at(self.variables, self.end)}, f = {_n(self.end_value)}"
        k = len(self.iterates)
        if self.status == "flat":
            return (
                f"{self.message} ({at}), a minimum, a maximum or a flat spot; start elsewhere to see it move"
            )
        if self.status == "diverged":
            return f"diverged at step {k}: {self.message}; lower --lr (try {_n(self.lr / 10)})"
        if self.status == "unbounded":
            return (
                f"stopped at step {k}: {self.message}, and still falling: f has no minimum that way "
                "(a smaller --lr only takes longer to get there)"
            )
        if self.status == "undefined":
            return f"stopped at step {k}: {self.message}"
        if self.status == "stalled":
            return f"stopped at step {k}: {self.message}: the learning rate is too small to move; raise --lr"
        if self.status == "converged":
            return f"converged after {counted(k, 'step')} (the step fell below {TINY_STEP:g}): ended at {at}"
        rising = self._rising()
        if rising:
            when = "every step" if rising == k else f"each of the last {rising} steps"
            return (
                f"ended after {counted(k, 'step')} at {at}; f rose at {when}, "
                f"so it is diverging: lower --lr (try {_n(self.lr / 10)})"
            )
        if self.bouncing:
            return (
                f"ended after {counted(k, 'step')} at {at}; it bounces back and forth without getting "
                "closer, each step overshooting as far as the last: try a smaller --lr, "
                f"such as {_n(self.lr / 2)}"
            )
        return f"ended after {counted(k, 'step')} at {at}"

    @property
    def bouncing(self) -> bool:
        """Whether the last 4 steps flip sign in some coordinate without getting shorter, and f has
        all but stopped falling (by less than 0.1% over them): each step overshoots as far as the last."""
        if self.status != "steps" or len(self.iterates) < 4 or self.diverging:
            return False
        last = self.iterates[-4:]
        values = [it.value for it in last] + [self.end_value]
        if values[-1] < values[0] - 1e-3 * (abs(values[0]) + 1e-9):
            return False
        for axis in range(len(self.variables)):
            s = [it.step[axis] for it in last]
            flips = all(a * b < 0 for a, b in zip(s, s[1:]))
            if flips and abs(s[-1]) >= 0.99 * abs(s[0]) > 0:
                return True
        return False

    @property
    def diverging(self) -> bool:
        """Whether it diverged: the point or f blew up, or f rose at each of the last 3 or more steps."""
        return self.status == "diverged" or bool(self._rising())

    def _rising(self) -> int:
        """How many of the last steps raised f, if 3 or more in a row did and f ended above where it
        started (else 0): momentum's f rises for a few steps on its way down, and that is not
        diverging."""
        values = [it.value for it in self.iterates] + [self.end_value]
        if not values or not values[-1] > values[0]:
            return 0
        n = 0
        while n + 1 < len(values) and values[-1 - n] > values[-2 - n]:
            n += 1
        return n if n >= 3 else 0


def _n(x: float, sign: bool = False) -> str:
    x += 0.0  # -0.0 prints as 0
    return f"{x:+.6g}" if sign else f"{x:.6g}"


def _point(p: Sequence[float], sign: bool = False) -> str:
    return "(" + ", ".join(_n(x, sign) for x in p) + ")"


def _slope(variables: Sequence[str]) -> str:
    return "derivative" if len(variables) == 1 else "gradient"


def _at(variables: Sequence[str], p: Sequence[float]) -> str:
    if len(variables) == 1:
        return f"{variables[0]} = {_n(p[0])}"
    return f"({', '.join(variables)}) = {_point(p)}"


def variables_of(expr: str) -> tuple[str, ...]:
    """The variables `expr` uses, x then y; a DescendError for any other, or more than two."""
    if not isinstance(expr, str):
        raise DescendError("the expression must be text, such as 'x**2 - 3*x'")
    try:
        tree = ast.parse(expr.translate(LOOKALIKES).replace("^", "**"), mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        try:
            parse(expr, {})  # its message says where and what
        except ExprError as e:
            raise DescendError(str(e)) from None
        raise DescendError("cannot parse the expression") from None
    assigned = {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name)}  # fmt: skip
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    used = sorted(
        {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        - assigned
        - (called & set(FUNCTIONS))
    )
    if not used:
        raise DescendError("the expression has no variable; write it in x (or x and y), e.g. 'x**2 - 3*x'")
    unknown = called - set(FUNCTIONS)
    if unknown:  # sqrt(x): not a variable; the parser says what to write instead
        try:
            parse(expr, {v: 1.0 for v in used if v not in unknown})
        except ExprError as e:
            raise DescendError(str(e)) from None
    others = [v for v in used if v not in VARIABLES]
    if len(used) > 2:
        raise DescendError(
            f"the expression has {len(used)} variables ({', '.join(used)}); "
            "descend takes at most two, x and y"
        )
    if others:
        names = " and ".join(repr(v) for v in others)
        raise DescendError(f"the expression uses {names}; descend's variables are x (and y): rename {names}")
    return tuple(v for v in VARIABLES if v in used)


def _check_lr(lr) -> float:
    if isinstance(lr, bool) or not isinstance(lr, int | float):
        raise DescendError(f"the learning rate must be a number such as 0.1, got {lr!r}")
    lr = float(lr)
    if not math.isfinite(lr) or lr <= 0:
        raise DescendError(f"the learning rate must be a number > 0 (such as 0.1), got {_n(lr)}")
    return lr


def _check_steps(steps) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise DescendError(f"the number of steps must be a whole number such as 20, got {steps!r}")
    if steps < 1:
        raise DescendError(f"the number of steps must be at least 1, got {steps}")
    if steps > MAX_STEPS:
        raise DescendError(f"{steps:,} steps is too many: the limit is {MAX_STEPS:,}")
    return steps


def _check_optimizer(name) -> str:
    if isinstance(name, str) and name.lower() in OPTIMIZERS:
        return name.lower()
    close = difflib.get_close_matches(str(name).lower(), list(OPTIMIZERS), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise DescendError(f"unknown optimizer {name!r}{hint}; choose one of: {', '.join(OPTIMIZERS)}")


def _check_start(start, variables: tuple[str, ...]) -> tuple[float, ...]:
    point = (start,) if isinstance(start, int | float) else tuple(start)
    for c in point:
        if isinstance(c, bool) or not isinstance(c, int | float) or not math.isfinite(c):
            raise DescendError(f"the start must be finite numbers, got {c!r}")
    if len(point) != len(variables):
        example = "--start 4" if len(variables) == 1 else "--start 1,-2"
        raise DescendError(
            f"the expression is in {' and '.join(variables)}, so the start needs {len(variables)} "
            f"number{'s' if len(variables) > 1 else ''} ({example}); got {len(point)}"
        )
    return tuple(float(c) for c in point)


def _evaluate(expr: str, variables: tuple[str, ...], point: tuple[float, ...]):
    """f at `point` and its gradient, by the engine (parse builds the graph; backward() fills grads)."""
    expression = parse(expr, dict(zip(variables, point, strict=True)))
    expression.backward()
    leaves = {v.label: v for v in topological_order(expression.root) if not v.parents and v.label}
    return float(expression.root.data), tuple(float(leaves[name].grad) for name in variables)


def descend(expr: str, start, lr: float = 0.1, steps: int = 20, optimizer: str = "sgd") -> Descent:
    """Run `steps` iterations of `optimizer` on f(x) or f(x, y) from `start`, recording each."""
    variables = variables_of(expr)
    lr, steps, name = _check_lr(lr), _check_steps(steps), _check_optimizer(optimizer)
    point = _check_start(start, variables)
    run = Descent(expr, variables, name, lr, point)
    try:
        value, gradient = _evaluate(expr, variables, point)
    except ExprError as e:
        infinite = str(e).startswith("the gradient of")  # f is there, its slope is not (x**0.5 at 0)
        what = "f has no finite derivative" if infinite else "f cannot be computed"
        raise DescendError(f"{what} at the start, {_at(variables, point)}: {e}") from None
    limit = 1e12 * abs(value) + 1e6
    params = [Parameter(c, label=v) for c, v in zip(point, variables, strict=True)]
    opt = OPTIMIZERS[name](params, lr)
    if all(g == 0 for g in gradient):
        word = "derivative" if len(variables) == 1 else "gradient"
        run.status, run.message = "flat", f"the {word} is 0 here: gradient descent cannot move"
    for k in range(steps if run.status != "flat" else 0):
        for p, g in zip(params, gradient, strict=True):
            p.grad = g
        opt.step()
        new = tuple(float(p.data) for p in params)
        run.iterates.append(Iterate(k, point, value, gradient, tuple(b - a for a, b in zip(point, new))))
        point = new
        if not all(math.isfinite(c) for c in point):
            run.status, run.message = "diverged", f"the point is {_point(point)}"
            value, gradient = math.nan, ()
            break
        try:
            value, gradient = _evaluate(expr, variables, point)
        except ExprError as e:
            # f or a step was growing: an overflow there is the run blowing up (exp(x**2) at lr 1)
            its = run.iterates
            growing = len(its) >= 2 and (
                its[-1].value > its[-2].value or max(map(abs, its[-1].step)) > max(map(abs, its[-2].step))
            )
            run.status = "diverged" if growing else "undefined"
            run.message = f"at {_at(variables, point)}, {e}"
            value, gradient = math.nan, ()
            break
        if not math.isfinite(value) or abs(value) > limit:
            kind = "unbounded" if value < 0 and value < run.iterates[-1].value else "diverged"
            run.status, run.message = kind, f"f = {_n(value)} at {_at(variables, point)}"
            break
        if all(abs(s) < TINY_STEP for s in run.iterates[-1].step):
            if max(abs(g) for g in run.iterates[-1].gradient) > STALLED_GRADIENT:  # lr too small to move
                run.status = "stalled"
                slope = _n(gradient[0]) if len(gradient) == 1 else _point(gradient)
                run.message = f"every step is below {TINY_STEP:g} while the {_slope(variables)} is {slope}"
            else:
                run.status = "converged"
            break
    run.end, run.end_value, run.end_gradient = point, value, gradient
    return run
