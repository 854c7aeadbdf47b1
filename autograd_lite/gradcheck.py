"""Finite differences: an independent check on `backward()`.

`numerical_grad` nudges each input by ±eps and watches the output change
(central differences); `gradcheck` compares that with backprop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .engine import NO_GRAD, Value, fmt
from .modes import no_grad


def _checked(f: Callable, values, eps: float | None = None) -> list[Value]:
    """The values as a list, after checking f, the values and eps."""
    if not callable(f):
        raise TypeError(f"f must be a function of the values, got {type(f).__name__}")
    if isinstance(values, Value):
        raise TypeError("values must be a list of Values, e.g. [a, b]; got a single Value: pass [v]")
    try:
        values = list(values)
    except TypeError:
        raise TypeError(f"values must be a list of Values, got {type(values).__name__}") from None
    bad = [type(v).__name__ for v in values if not isinstance(v, Value)]
    if bad:
        raise TypeError(f"values must all be Values (the inputs to nudge), got {', '.join(sorted(set(bad)))}")
    if eps is not None and not (isinstance(eps, int | float) and 0 < eps < 1):
        raise ValueError(f"eps is the size of the nudge, a small number > 0 such as 1e-6; got {eps!r}")
    return values


def _output(f: Callable, values: Sequence[Value]) -> Value:
    try:
        out = f(*values)
    except TypeError as e:
        raise TypeError(f"calling f with {len(values)} values failed: {e}") from None
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__}")
    if out.is_lanes:
        raise ValueError("f must return a single number: reduce lanes with .sum() or .mean()")
    return out


def _call(f: Callable, values: Sequence[Value], v: Value, eps: float) -> float:
    try:
        return _output(f, values).data
    except (ArithmeticError, ValueError) as e:
        name = v.label or "an input"
        raise type(e)(f"while nudging {name} by ±{eps:g} for the finite differences: {e}") from None


def numerical_grad(f: Callable[..., Value], values: Sequence[Value], eps: float = 1e-6) -> list:
    """d f(*values) / d value for each value, by central differences.

    `f` is called as `f(*values)` (it may also use the values through a
    closure: they are nudged in place and restored). Lanes get one
    derivative per lane.
    """
    values = _checked(f, values, eps)
    grads = []
    with no_grad():
        for v in values:
            original = v.data
            try:
                if v.is_lanes:
                    g = np.empty_like(original)
                    for i in range(len(original)):
                        up, down = original.copy(), original.copy()
                        up[i] += eps
                        down[i] -= eps
                        v.data = up
                        hi = _call(f, values, v, eps)
                        v.data = down
                        lo = _call(f, values, v, eps)
                        g[i] = (hi - lo) / (2 * eps)
                else:
                    v.data = original + eps
                    hi = _call(f, values, v, eps)
                    v.data = original - eps
                    lo = _call(f, values, v, eps)
                    g = (hi - lo) / (2 * eps)
            finally:
                v.data = original
            grads.append(g)
    return grads


def analytic_grad(f: Callable[..., Value], values: Sequence[Value]) -> list:
    """d f(*values) / d value for each value, by backward(); the values' grads are left as they were."""
    values = _checked(f, values)
    saved = [v.grad for v in values]
    try:
        for v in values:
            v.grad = NO_GRAD
        _output(f, values).backward()
        return [np.array(v.grad, dtype=float) if v.is_lanes else float(v.grad) for v in values]
    finally:
        for v, g in zip(values, saved):
            v.grad = g


@dataclass
class GradcheckRow:
    name: str
    analytic: float | np.ndarray
    numeric: float | np.ndarray
    error: float  # the largest |analytic - numeric|
    ok: bool


@dataclass
class GradcheckReport:
    """One row per input; truthy when every row agrees within tolerance."""

    rows: list[GradcheckRow]
    atol: float
    rtol: float

    def __bool__(self) -> bool:
        return all(r.ok for r in self.rows)

    def __repr__(self) -> str:
        head = f"{'input':<12} {'backprop':>14} {'numeric':>14} {'error':>10}  ok"
        lines = [head, "-" * len(head)]
        for r in self.rows:
            mark = "yes" if r.ok else "NO"
            a, n = fmt(r.analytic), fmt(r.numeric)
            lines.append(f"{r.name:<12} {a:>14} {n:>14} {r.error:>10.2e}  {mark}")
        verdict = "all agree" if self else "MISMATCH"
        lines.append(f"{verdict} (atol={self.atol:g}, rtol={self.rtol:g})")
        return "\n".join(lines)


def gradcheck(
    f: Callable[..., Value],
    values: Sequence[Value],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
) -> GradcheckReport:
    """Compare backprop with central differences for every input of f.

    A row agrees when |analytic - numeric| <= atol + rtol * |numeric| in
    every lane. The values' data and grads are left as they were.
    """
    values = _checked(f, values, eps)
    analytic = analytic_grad(f, values)
    numeric = numerical_grad(f, values, eps)
    rows = []
    for i, (v, a, n) in enumerate(zip(values, analytic, numeric)):
        diff = np.abs(np.asarray(a) - np.asarray(n))
        ok = bool(np.all(diff <= atol + rtol * np.abs(n)))
        rows.append(GradcheckRow(v.label or f"#{i}", a, n, float(np.max(diff)), ok))
    return GradcheckReport(rows, atol, rtol)
