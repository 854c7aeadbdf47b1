"""The checks of the exercises: each runs a student's code on known inputs and says what is wrong.

A check prints one "✓ ..." line when the code is right. When it is not, it
raises `Mistake` (an AssertionError) whose message comes first and stands on
its own: which op, weight or step; the expected and the received number; how
the expected one was found; and, for the usual slips, the likely cause. In
Jupyter a Mistake shows as that message alone, without a traceback (and, when
the student's own code raised an error, the lines of their code that did).

The truth is never the student's code, nor only the library's: central
finite differences (`numerical_grad`), plain-float formulas written here and
numbers worked by hand.
"""

from __future__ import annotations

import math
import numbers
import re
import sysconfig
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import autograd_lite
import nn
from autograd_lite import NO_GRAD, Parameter, Value, has_grad, no_grad, numerical_grad

H = 1e-6  # the nudge of the finite differences
FD = f"finite differences, (f(x + h) - f(x - h)) / 2h with h = {H:g}"


class Mistake(AssertionError):
    """What a check found wrong in the student's code; the message says what, where and (often) why."""

    def _render_traceback_(self) -> list[str]:
        """How IPython shows it: the message, then only the student's own lines that raised, if any."""
        lines = [f"{type(self).__name__}: {self}"]
        cause = self.__cause__
        if cause is not None:
            frames = _student_frames(traceback.extract_tb(cause.__traceback__))
            if frames:
                lines += ["", "Where your code raised it:", *frames]
            lines += ["", *traceback.format_exception_only(type(cause), cause)]
        return "\n".join(x.rstrip("\n") for x in lines).splitlines()


#: Frames in these folders are not the student's: the library (autograd_lite, nn) and Python's own.
_LIBRARY_DIRS = tuple(Path(m.__file__).resolve().parent for m in (nn, autograd_lite) if m.__file__)
_PYTHON_DIRS = tuple(
    Path(p).resolve() for p in {sysconfig.get_paths()[k] for k in ("stdlib", "purelib", "platlib")}
)


def _cell_name(filename: str) -> str | None:
    """A notebook cell's name as IPython prints it ("Cell In[3]"), or None outside a kernel's cells."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    name = getattr(getattr(shell, "compile", None), "format_code_name", None)
    label = name(filename) if callable(name) else None
    return " ".join(label) if label else None


def _is_library(filename: str) -> bool:
    path = Path(filename).resolve()
    if path == Path(__file__).resolve():
        return True
    return any(path.is_relative_to(d) for d in _LIBRARY_DIRS + _PYTHON_DIRS)


def _student_frames(frames: traceback.StackSummary) -> list[str]:
    """The frames of the student's own code, each as IPython names it: notebook cells in a kernel.

    In a kernel those are the frames in cells (labelled "Cell In[3], line 5" as IPython does);
    elsewhere, or when no cell's frame is there, every frame outside the library and Python itself,
    named by its file.
    """
    cells = [(f, _cell_name(f.filename)) for f in frames]
    if any(label for _, label in cells):
        return [_frame(f, f"{label}, line {f.lineno}") for f, label in cells if label]
    return [_frame(f, f'File "{f.filename}", line {f.lineno}') for f in frames if not _is_library(f.filename)]


def _frame(f: traceback.FrameSummary, where: str) -> str:
    code = f"\n    {f.line.strip()}" if f.line else ""
    return f"  {where}, in {f.name}{code}"


# --- what every check shares -------------------------------------------------------------


def num(x: float) -> str:
    """A number as the messages show it: 6 significant digits; 0 for -0 and for rounding dust (< 1e-9)."""
    return "0" if abs(x) < 1e-9 else f"{x:.6g}"


def term(x: float) -> str:
    """A number written after an operator: negatives in brackets, 0.1 · (-1)."""
    return f"({num(x)})" if num(x).startswith("-") else num(x)


def close(received: float, expected: float, tol: float = 1e-6) -> bool:
    """Equal up to `tol`, relative to the expected number's size (absolute near zero)."""
    return abs(received - expected) <= tol * (1 + abs(expected))


def name_of(f: Callable, default: str) -> str:
    """How messages name the student's function: `d_tanh`, `Momentum.step`."""
    name = getattr(f, "__qualname__", "")
    return name if name and "<" not in name else default


def _run(f: Callable, args: Sequence, what: str, name: str) -> Any:
    """f(*args); a NotImplementedError says "not written yet", any other error names the call."""
    try:
        return f(*args)
    except NotImplementedError:
        raise Mistake(
            f"{name} is not written yet: replace the `raise NotImplementedError(...)` line in its cell"
            " with your code, run that cell, then run this one again."
        ) from None
    except Mistake:
        raise
    except Exception as e:
        raise Mistake(f"{what} raised {type(e).__name__}: {e}") from e


def call(f: Callable, *args: Any) -> Any:
    """f(*args) for a cell that uses the student's code: not written yet, or an error, is a Mistake too."""
    name = name_of(f, "your function")
    return _run(f, args, f"{name}(...) in this cell", name)


def _unwrap(x: Any) -> Any:
    """A numpy scalar, 0-d or one-element array as the Python number it holds (via .item()); else x."""
    if isinstance(x, Value) or not callable(getattr(x, "item", None)) or getattr(x, "size", None) != 1:
        return x
    try:
        return x.item()
    except (TypeError, ValueError):
        return x


def _numbers(x: Any) -> list | None:
    """A list, tuple or 1-d array (numpy's, say) as a list of its items; None for anything else."""
    if isinstance(x, tuple | list):
        return list(x)
    if not isinstance(x, Value) and getattr(x, "ndim", None) == 1 and callable(getattr(x, "tolist", None)):
        return list(x)
    return None


def _number(x: Any, what: str) -> float:
    """A student's result as a float, or a Mistake that says what came back instead."""
    if x is None:
        raise Mistake(f"{what} returned None: did you forget the `return`?")
    if isinstance(x, Value):
        raise Mistake(
            f"{what} returned a Value ({x!r}), not a number: work with plain floats here"
            " (math.tanh(x), math.exp(x), x ** n on numbers), or take .data of a Value."
        )
    x = _unwrap(x)
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise Mistake(f"{what} returned {x!r} (a {type(x).__name__}), not a number.")
    return float(x)


# --- exercise 1: local derivatives ----------------------------------------------------------


@dataclass(frozen=True)
class Slip:
    """A usual wrong answer for one partial derivative: what it computes, and what to tell the student."""

    part: int  # which partial: 0, or 1 for the second operand
    value: Callable[..., float]  # what the slip gives, from the same arguments as the student's function
    why: str


@dataclass(frozen=True)
class LocalOp:
    """One op of exercise 1: its forward pass on Values, the points it is checked at, its usual slips."""

    function: str  # the student's function, d_tanh
    args: tuple[str, ...]  # the function's arguments
    nudged: int  # how many of the first args are operands (the finite differences nudge them); then constants
    forward: Callable[..., Value]  # the op on Values (operands first, then constants), for numerical_grad
    partials: tuple[str, ...]  # the derivatives, as the messages name them
    points: tuple[tuple[float, ...], ...]
    by_hand: tuple[float, ...]  # the partials at points[0], worked out by hand
    slips: tuple[Slip, ...]
    hint: str  # said when the answer is wrong in no usual way


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


OTHER_OPERAND = "for a·b each operand's derivative is the other operand"
SWAPPED = "the two partials are swapped: return (d(a/b)/da, d(a/b)/db), in that order."

LOCAL_OPS: dict[str, LocalOp] = {
    "mul": LocalOp(
        function="d_mul",
        args=("a", "b"),
        nudged=2,
        forward=lambda a, b: a * b,
        partials=("d(a·b)/da", "d(a·b)/db"),
        points=((2.0, -3.0), (0.5, 4.0), (-1.5, -0.25)),
        by_hand=(-3.0, 2.0),
        slips=(
            Slip(
                0,
                lambda a, b: a,
                f"you returned a; {OTHER_OPERAND} (hold b still: a·b moves b times as fast as a).",
            ),
            Slip(
                1,
                lambda a, b: b,
                f"you returned b; {OTHER_OPERAND} (hold a still: a·b moves a times as fast as b).",
            ),
            Slip(0, lambda a, b: 1.0, f"1 is the derivative of a + b; {OTHER_OPERAND}."),
            Slip(1, lambda a, b: 1.0, f"1 is the derivative of a + b; {OTHER_OPERAND}."),
            Slip(0, lambda a, b: a * b, "you returned the product a·b itself, not its slope."),
            Slip(1, lambda a, b: a * b, "you returned the product a·b itself, not its slope."),
        ),
        hint="hold the other operand still and ask how fast a·b moves when this one does.",
    ),
    "div": LocalOp(
        function="d_div",
        args=("a", "b"),
        nudged=2,
        forward=lambda a, b: a / b,
        partials=("d(a/b)/da", "d(a/b)/db"),
        points=((1.0, 2.0), (3.0, -0.5), (-2.0, 4.0)),
        by_hand=(0.5, -0.25),
        slips=(
            Slip(
                0,
                lambda a, b: a / b,
                "you returned a/b itself; d(a/b)/da = 1/b (a/b is a times the constant 1/b).",
            ),
            Slip(0, lambda a, b: -a / b**2, SWAPPED),
            Slip(1, lambda a, b: 1 / b, SWAPPED),
            Slip(
                1,
                lambda a, b: a / b**2,
                "the sign: a/b = a·b⁻¹ and d(b⁻¹)/db = -b⁻², so d(a/b)/db = -a/b² (bigger b, smaller a/b).",
            ),
            Slip(1, lambda a, b: -1 / b**2, "the factor a is missing: d(a/b)/db = a · d(b⁻¹)/db = -a/b²."),
            Slip(
                1,
                lambda a, b: -a / b,
                "the square is missing: d(b⁻¹)/db = -b⁻² = -1/b², so d(a/b)/db = -a/b².",
            ),
            Slip(1, lambda a, b: -1 / b, "d(b⁻¹)/db is -1/b² (the power rule with n = -1), times a: -a/b²."),
        ),
        hint="write a/b as a · b⁻¹: for a, b⁻¹ is a constant factor; for b, use the power rule on b⁻¹.",
    ),
    "pow": LocalOp(
        function="d_pow",
        args=("x", "n"),
        nudged=1,
        forward=lambda x, n: x**n,
        partials=("d(xⁿ)/dx",),
        points=((2.0, 3.0), (4.0, 0.5), (2.0, -1.0), (1.5, 2.0), (-1.5, 2.0)),  # x < 0: no abs(x)
        by_hand=(12.0,),
        slips=(
            Slip(
                0, lambda x, n: x ** (n - 1), "the exponent is not brought down: d(xⁿ)/dx = n·xⁿ⁻¹, not xⁿ⁻¹."
            ),
            Slip(0, lambda x, n: n * x**n, "the power is not lowered: d(xⁿ)/dx = n·xⁿ⁻¹, not n·xⁿ."),
            Slip(0, lambda x, n: n * x ** (n + 1), "the power goes down by one, not up: d(xⁿ)/dx = n·xⁿ⁻¹."),
            Slip(
                0,
                lambda x, n: x**n * math.log(x),
                "xⁿ·log(x) is the derivative with respect to the exponent n; here n is a constant, x moves.",
            ),
            Slip(0, lambda x, n: n * x, "n·x is right only for n = 2 (d(x²)/dx = 2x); d(xⁿ)/dx = n·xⁿ⁻¹."),
            Slip(0, lambda x, n: x**n, "you returned xⁿ itself, not its slope."),
            Slip(
                0,
                lambda x, n: n * abs(x) ** (n - 1),
                "abs(x) loses the sign for x < 0: d(xⁿ)/dx = n·xⁿ⁻¹ with x itself (d(x²)/dx = 2x = -3 at"
                " x = -1.5).",
            ),
        ),
        hint="the power rule: bring the exponent down in front, then lower the power by one.",
    ),
    "tanh": LocalOp(
        function="d_tanh",
        args=("x",),
        nudged=1,
        forward=lambda x: x.tanh(),
        partials=("d tanh(x)/dx",),
        points=((0.0,), (0.5,), (-1.0,), (2.0,)),
        by_hand=(1.0,),
        slips=(
            Slip(
                0,
                lambda x: 1 - math.tanh(x),
                "you wrote 1 - tanh(x): the rule is 1 - tanh(x)², square tanh(x).",
            ),
            Slip(
                0,
                lambda x: 1 - x**2,
                "you used x where the rule needs t = tanh(x): d tanh(x)/dx = 1 - t², from the op's output.",
            ),
            Slip(
                0, lambda x: 1 / math.cosh(x), "1/cosh(x) is sech(x); the slope is its square, 1 - tanh(x)²."
            ),
            Slip(
                0,
                lambda x: math.tanh(x) ** 2 - 1,
                "the sign: tanh only goes up, its slope is 1 - tanh(x)² > 0.",
            ),
            Slip(
                0,
                lambda x: 1 + math.tanh(x) ** 2,
                "the sign: 1 - tanh(x)², not 1 + tanh(x)² (the slope is ≤ 1).",
            ),
            Slip(0, lambda x: math.tanh(x), "you returned tanh(x) itself, not its slope."),
        ),
        hint="the slope of tanh can be written with t = tanh(x) itself: 1 at x = 0, towards 0 far out.",
    ),
    "sigmoid": LocalOp(
        function="d_sigmoid",
        args=("x",),
        nudged=1,
        forward=lambda x: x.sigmoid(),
        partials=("d σ(x)/dx",),
        points=((0.0,), (1.0,), (-2.0,), (3.0,)),
        by_hand=(0.25,),
        slips=(
            Slip(
                0, _sigmoid, "without the (1 - s) factor: with s = σ(x), σ'(x) = s·(1 - s); you returned s."
            ),
            Slip(
                0,
                lambda x: x * (1 - x),
                "you used x where the rule needs s = σ(x): σ'(x) = s·(1 - s), from the op's output.",
            ),
            Slip(
                0, lambda x: 1 - _sigmoid(x), "without the s factor: σ'(x) = s·(1 - s); you returned 1 - s."
            ),
            Slip(0, lambda x: _sigmoid(x) * (1 + _sigmoid(x)), "the sign: σ'(x) = s·(1 - s), not s·(1 + s)."),
            Slip(0, lambda x: _sigmoid(x) ** 2, "σ'(x) = s·(1 - s) = s - s², not s²."),
            Slip(
                0,
                lambda x: math.exp(-x) / (1 + math.exp(-x)),
                "e⁻ˣ/(1 + e⁻ˣ) is 1 - σ(x); the slope of 1/(1 + e⁻ˣ) is e⁻ˣ/(1 + e⁻ˣ)², which is s·(1 - s).",
            ),
        ),
        hint="the slope of σ can be written with s = σ(x) itself; at x = 0 it is 0.25.",
    ),
}


def local_fd(op: LocalOp, point: tuple[float, ...]) -> list[float]:
    """The op's partial derivatives at `point`, by central finite differences of its forward pass."""
    operands = [Value(v, label=a) for a, v in zip(op.args, point[: op.nudged])]
    constants = point[op.nudged :]
    return [float(g) for g in numerical_grad(lambda *vs: op.forward(*vs, *constants), operands, eps=H)]


def _partials(out: Any, op: LocalOp, what: str) -> tuple[float, ...]:
    """The student's answer as floats: one number, or a pair (a tuple, list or 1-d array of two)."""
    items = _numbers(out)
    if len(op.partials) == 1:
        if isinstance(out, tuple | list) or (items is not None and len(items) != 1):
            count = f"{len(items)} numbers" if items is not None and len(items) != 1 else repr(out)
            raise Mistake(f"{what} returned {count}; return one number: {op.partials[0]}.")
        return (_number(out, what),)
    if items is None or len(items) != len(op.partials):
        shape = f"{len(items)} numbers" if items is not None else repr(out)
        raise Mistake(f"{what} returned {shape}; return the pair ({op.partials[0]}, {op.partials[1]}).")
    return tuple(_number(x, f"{what}[{i}]") for i, x in enumerate(items))


def _gives(slip: Slip, answered: list[tuple[tuple[float, ...], tuple[float, ...]]], i: int) -> bool:
    """Whether the slip gives the student's partial i at every point answered (False where it cannot)."""
    try:
        return all(close(g[i], slip.value(*p)) for g, p in answered)
    except (
        ArithmeticError,
        TypeError,
        ValueError,
    ):  # math.log(-1.5): no student could have written it and got here
        return False


def local_derivative(op: str, f: Callable[..., Any]) -> None:
    """Check the student's local derivative of `op` (mul, div, pow, tanh, sigmoid) at several points."""
    if op not in LOCAL_OPS:
        raise ValueError(f"no exercise for the op {op!r}; the ops are: {', '.join(LOCAL_OPS)}")
    spec = LOCAL_OPS[op]
    name = name_of(f, spec.function)
    calls = [f"{name}({', '.join(num(v) for v in p)})" for p in spec.points]
    received: list[tuple[float, ...] | Mistake] = []
    for point, what in zip(spec.points, calls):
        try:
            received.append(_partials(_run(f, point, what, name), spec, what))
        except Mistake as said:  # raised at this point, unless an earlier point is already wrong
            received.append(said)
    answered = [(g, p) for g, p in zip(received, spec.points) if not isinstance(g, Mistake)]
    for k, (point, got, what) in enumerate(zip(spec.points, received, calls)):
        if isinstance(got, Mistake):
            raise got
        truth = local_fd(spec, point)
        for i, (r, e) in enumerate(zip(got, truth)):
            if close(r, e):
                continue
            at = ", ".join(f"{a} = {num(v)}" for a, v in zip(spec.args, point))
            lines = [f"{what} gives {spec.partials[i]} = {num(r)}, expected {num(e)} (at {at})."]
            if k == 0:
                lines.append(f"  worked by hand: {num(spec.by_hand[i])}; {FD}: {num(e)}")
            else:
                lines.append(f"  expected by {FD}: {num(e)}")
            if all(close(x, 1.0) for g, _ in answered for x in g):
                why: str | None = (
                    "1 everywhere: that is the output's own grad (do/do = 1, where backward() starts);"
                    f" return the local derivative, {spec.partials[i]}, which changes with the input."
                )
            else:
                why = next((s.why for s in spec.slips if s.part == i and _gives(s, answered, i)), None)
            lines.append(f"Likely cause: {why}" if why else f"Hint: {spec.hint}")
            raise Mistake("\n".join(lines))
    where = ", ".join(
        "(" + ", ".join(num(v) for v in p) + ")" if len(p) > 1 else num(p[0]) for p in spec.points
    )
    print(f"✓ {name} is right: it agrees with finite differences at {where}.")


# --- exercise 2: the neuron's backward pass by hand --------------------------------------

NEURON_INPUTS = ("x1", "x2", "w1", "w2", "b")
NEURON_GRADS = ("n", "w1", "w2", "b", "x1", "x2")  # the order they are checked in: do/dn first
#: micrograd's lecture neuron (autograd_lite.examples.lecture_neuron), and its gradients worked by hand:
#: n = 2·(-3) + 0·1 + 6.8814 = 0.8814, o = tanh(n) = 0.7071 = 1/√2, do/dn = 1 - o² = 0.5.
LECTURE = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
LECTURE_BY_HAND = {"n": 0.5, "w1": 1.0, "w2": 0.0, "b": 0.5, "x1": -1.5, "x2": 0.5}
#: A second neuron, where 1 - o² is not 0.5 and x2 is not 0, so no slip hides behind a zero.
SECOND = {"x1": -1.0, "x2": 0.5, "w1": 0.7, "w2": -1.2, "b": 0.3}
PARTNER = {"w1": "x1", "w2": "x2", "x1": "w1", "x2": "w2"}  # what each one is multiplied by in n
OTHER = {"w1": "x2", "w2": "x1", "x1": "w2", "x2": "w1"}  # a neighbour's partner: a copy-paste slip


def neuron_forward(p: Mapping[str, float]) -> tuple[float, float]:
    """n = x1·w1 + x2·w2 + b and o = tanh(n), in plain floats."""
    n = p["x1"] * p["w1"] + p["x2"] * p["w2"] + p["b"]
    return n, math.tanh(n)


def neuron_truth(p: Mapping[str, float]) -> dict[str, float]:
    """do/d(each) by the chain rule in plain floats: do/dn = 1 - o², then times each local derivative."""
    _, o = neuron_forward(p)
    dn = 1 - o * o
    return {"n": dn, "w1": dn * p["x1"], "w2": dn * p["x2"], "b": dn, "x1": dn * p["w1"], "x2": dn * p["w2"]}


def neuron_fd(p: Mapping[str, float]) -> dict[str, float]:
    """The same gradients by finite differences of the forward pass (nothing of the chain rule)."""
    leaves = [Value(p[k], label=k) for k in NEURON_INPUTS]
    grads = numerical_grad(lambda x1, x2, w1, w2, b: (x1 * w1 + x2 * w2 + b).tanh(), leaves, eps=H)
    out = {k: float(g) for k, g in zip(NEURON_INPUTS, grads)}
    n, _ = neuron_forward(p)
    out["n"] = float(numerical_grad(lambda v: v.tanh(), [Value(n, label="n")], eps=H)[0])
    return out


def _neuron_slips(p: Mapping[str, float]) -> list[tuple[str, dict[str, float]]]:
    """The usual slips: (why, the gradients they give) at the inputs p."""
    n, o = neuron_forward(p)
    dn = 1 - o * o

    def through(d: float) -> dict[str, float]:  # the chain rule with d in place of do/dn
        return {"n": d, "w1": d * p["x1"], "w2": d * p["x2"], "b": d, "x1": d * p["w1"], "x2": d * p["w2"]}

    return [
        (
            "did you multiply by do/dn = 1 - o² = {dn}? o = tanh(n), so every gradient below o is"
            " do/dn times its local derivative (the chain rule): do/dw1 = (1 - o²) · x1.",
            through(1.0),
        ),
        (
            "you used n where the rule needs o = tanh(n): do/dn = 1 - o² = {dn}, not 1 - n² = {wrong}.",
            through(1 - n * n),
        ),
        ("1 - o is not squared: do/dn = 1 - o² = {dn}, not 1 - o = {wrong}.", through(1 - o)),
        ("the sign: do/dn = 1 - o² = {dn}, not o² - 1.", through(o * o - 1)),
        (
            "do/d{key} = do/dn · dn/d{key}, and dn/d{key} is the number {key} is multiplied by in"
            " n = x1·w1 + x2·w2 + b, that is {partner}; you used {key} itself.",
            {k: dn * p[k] for k in ("w1", "w2", "x1", "x2", "b")},
        ),
        (
            "dn/d{key} is {partner}, the number {key} is multiplied by in n = x1·w1 + x2·w2 + b;"
            " you used {other}.",
            {k: dn * p[OTHER[k]] for k in OTHER},
        ),
    ]


def _by_hand(key: str, p: Mapping[str, float], expected: float) -> str:
    _, o = neuron_forward(p)
    dn = num(1 - o * o)
    if key == "n":
        return f"do/dn = 1 - o² = 1 - {term(o)}² = {num(expected)}"
    if key == "b":
        return f"do/db = do/dn · dn/db = (1 - o²) · 1 = {num(expected)}"
    partner = PARTNER[key]
    return (
        f"do/d{key} = do/dn · dn/d{key} = (1 - o²) · {partner} = {dn} · {term(p[partner])} = {num(expected)}"
    )


def _grads_dict(out: Any, what: str) -> dict[str, float]:
    if not isinstance(out, Mapping):
        raise Mistake(
            f"{what} returned {out!r}; return a dict of the six gradients:"
            " {'n': do/dn, 'w1': do/dw1, 'w2': do/dw2, 'b': do/db, 'x1': do/dx1, 'x2': do/dx2}."
        )
    missing = [k for k in NEURON_GRADS if k not in out]
    if missing:
        raise Mistake(
            f"{what} returned a dict without {', '.join(repr(k) for k in missing)}:"
            f" it needs all six keys, {', '.join(repr(k) for k in NEURON_GRADS)} (do/dn, do/dw1, ...)."
        )
    return {k: _number(out[k], f"{what}[{k!r}]") for k in NEURON_GRADS}


def neuron_backward(f: Callable[..., Any]) -> None:
    """Check the student's hand-written backward pass of o = tanh(x1·w1 + x2·w2 + b)."""
    name = name_of(f, "neuron_backward")
    points = [
        ("the lecture's numbers", LECTURE),
        ("a second neuron (1 - o² is not 0.5 there, and x2 is not 0)", SECOND),
    ]
    received = []
    for _, p in points:
        args = [p[k] for k in NEURON_INPUTS]
        what = f"{name}({', '.join(num(a) for a in args)})"
        received.append(_grads_dict(_run(f, args, what, name), what))
    for (where, p), got in zip(points, received):
        truth, fd = neuron_truth(p), neuron_fd(p)
        for key in NEURON_GRADS:
            if close(got[key], truth[key]):
                continue
            n, o = neuron_forward(p)
            inputs = ", ".join(f"{k} = {num(p[k])}" for k in NEURON_INPUTS)
            lines = [
                f"{name} gives do/d{key} = {num(got[key])}, expected {num(truth[key])}, at {where}:",
                f"  {inputs}, so n = {num(n)} and o = tanh(n) = {num(o)}",
                f"  by hand: {_by_hand(key, p, truth[key])}; finite differences: {num(fd[key])}",
            ]
            why = _neuron_slip(key, [q for _, q in points], received, p)
            if why is None:
                lines.append(
                    "Hint: o = tanh(n) and n = x1·w1 + x2·w2 + b. First do/dn (the local derivative of tanh,"
                    " from o), then each of x1, w1, x2, w2, b: do/dn times what it is multiplied by in n."
                )
            else:
                lines.append(f"Likely cause: {why}")
            raise Mistake("\n".join(lines))
    grads = ", ".join(f"do/d{k} = {num(received[0][k])}" for k in NEURON_GRADS)
    print(
        f"✓ {name} is right: {grads} at the lecture's numbers; a second neuron agrees with finite"
        " differences."
    )


def neuron_grads(f: Callable[..., Any], *args: float) -> dict[str, float]:
    """f(*args) for a cell that uses the student's gradients: the dict of six numbers, or a Mistake."""
    name = name_of(f, "neuron_backward")
    what = f"{name}({', '.join(num(a) for a in args)}) in this cell"
    return _grads_dict(_run(f, args, what, name), what)


def _neuron_slip(
    key: str, points: list[dict[str, float]], received: list[dict[str, float]], at
) -> str | None:
    """The likely cause of a wrong do/d(key): a usual slip that gives the student's numbers at every point."""
    per_point = [_neuron_slips(p) for p in points]
    for s, (text, values) in enumerate(_neuron_slips(at)):
        if key in values and all(close(r[key], slips[s][1][key]) for r, slips in zip(received, per_point)):
            _, o = neuron_forward(at)
            return text.format(
                dn=num(1 - o * o),
                wrong=num(values["n"]) if "n" in values else "",
                key=key,
                partner=PARTNER.get(key, "1"),
                other=OTHER.get(key, ""),
            )
    return None


# --- exercise 3: SGD with momentum --------------------------------------------------------

MOMENTUM = 0.9
MOMENTUM_LRS = (0.1, 0.1, 0.05)  # the check lowers lr before step 3, as a learning-rate schedule would
MOMENTUM_START = {"w": 1.0, "b": -0.5}
#: Set by the check before each step. b's 0 on step 3 is a real gradient (not NO_GRAD): momentum moves b.
MOMENTUM_GRADS = {"w": (8.0, 2.0, -4.0), "b": (-1.0, -1.0, 0.0)}

#: A momentum rule: (g, the velocity so far or None on the first step, p, lr) -> (new v, new p).
Update = Callable[[float, "float | None", float, float], tuple[float, float]]


def torch_momentum(g: float, v: float | None, p: float, lr: float) -> tuple[float, float]:
    """PyTorch's rule: v ← g on the first step, then v ← μ·v + g; p ← p - lr·v."""
    v = g if v is None else MOMENTUM * v + g
    return v, p - lr * v


def _plain(g, v, p, lr):
    return g, p - lr * g


def _lr_twice(g, v, p, lr):
    v = lr * g if v is None else MOMENTUM * v + lr * g
    return v, p - lr * v


def _lr_inside(g, v, p, lr):
    v = lr * g if v is None else MOMENTUM * v + lr * g
    return v, p - v


def _minus_lr_inside(g, v, p, lr):
    v = -lr * g if v is None else MOMENTUM * v - lr * g
    return v, p + v


def _average(g, v, p, lr):
    v = MOMENTUM * (v or 0.0) + (1 - MOMENTUM) * g
    return v, p - lr * v


def _uphill(g, v, p, lr):
    v, _ = torch_momentum(g, v, p, lr)
    return v, p + lr * v


def _old_velocity(g, v, p, lr):
    return torch_momentum(g, v, p, lr)[0], p - lr * (v or 0.0)


def _no_move(g, v, p, lr):
    return torch_momentum(g, v, p, lr)[0], p


def _skips_zero_grad(g, v, p, lr):  # `if not p.grad: continue`
    return (v, p) if g == 0 and v is not None else torch_momentum(g, v, p, lr)


@dataclass(frozen=True)
class MomentumSlip:
    why: str
    update: Update
    shared: bool = False  # one v for every parameter
    fixed_lr: bool = False  # lr read once, in __init__


LR_RULE = "PyTorch keeps lr out of v: v ← μ·v + g, then p ← p - lr·v"
MOMENTUM_SLIPS = (
    MomentumSlip(
        "the velocity is not kept between steps, or momentum is not used: your steps are plain SGD,"
        " p ← p - lr·g. Keep v in self.velocity[p] and start from it on the next step: v ← μ·v + g.",
        _plain,
    ),
    MomentumSlip(
        f"the learning rate is applied twice (v ← μ·v + lr·g, then p ← p - lr·v); {LR_RULE}.", _lr_twice
    ),
    MomentumSlip(
        "your v includes the learning rate (v ← μ·v + lr·g, p ← p - v). That takes the same steps while lr"
        " stays put, but not once lr changes (the check lowers it to 0.05 before step 3, as a schedule"
        f" does); {LR_RULE}.",
        _lr_inside,
    ),
    MomentumSlip(
        "your v is -lr times PyTorch's (v ← μ·v - lr·g, p ← p + v). That takes the same steps while lr"
        " stays put, but not once lr changes (the check lowers it to 0.05 before step 3, as a schedule"
        f" does); {LR_RULE}.",
        _minus_lr_inside,
    ),
    MomentumSlip(
        "v ← μ·v + (1 - μ)·g, starting from 0, is an average of the gradients (PyTorch's dampening);"
        " momentum adds the whole gradient, v ← μ·v + g, and the first v is the gradient itself.",
        _average,
    ),
    MomentumSlip("the step goes uphill: p ← p - lr·v, with a minus.", _uphill),
    MomentumSlip(
        "p moved with the velocity from before this step's update: first v ← μ·v + g, then p ← p - lr·v"
        " with the new v (on the first step v is the gradient, so p moves at once).",
        _old_velocity,
    ),
    MomentumSlip(
        "step() did not change p.data: write p.data = p.data - self.lr * v (or p.data -= ...);"
        " `p = p - ...` or `p -= ...` only makes a new Value under a local name.",
        _no_move,
    ),
    MomentumSlip(
        "b did not move on step 3, where its gradient was 0: did step() skip it (`if not p.grad: continue`)?"
        " Momentum keeps moving a weight whose gradient is 0: v ← μ·v + 0 = μ·v, then p ← p - lr·v, as a"
        " ball rolls on over flat ground. Skip only a parameter no backward() reached: p.grad is NO_GRAD.",
        _skips_zero_grad,
    ),
    MomentumSlip(
        "all the parameters share one velocity: each needs its own, self.velocity[p] for parameter p.",
        torch_momentum,
        shared=True,
    ),
    MomentumSlip(
        "step 3 used lr 0.1, but opt.lr was set to 0.05 before it: read self.lr inside step() (a schedule"
        " changes it between steps), not a copy made in __init__.",
        torch_momentum,
        fixed_lr=True,
    ),
)


def momentum_path(
    update: Update = torch_momentum, shared: bool = False, fixed_lr: bool = False
) -> dict[str, list[tuple[float, float]]]:
    """(v, p) of w and of b after each of the check's three steps, in plain floats."""
    p = dict(MOMENTUM_START)
    v: dict[str, float | None] = {}
    path: dict[str, list[tuple[float, float]]] = {k: [] for k in p}
    for step, lr in enumerate(MOMENTUM_LRS):
        for k in p:
            slot = "shared" if shared else k
            new_v, p[k] = update(
                MOMENTUM_GRADS[k][step], v.get(slot), p[k], MOMENTUM_LRS[0] if fixed_lr else lr
            )
            v[slot] = new_v
            path[k].append((new_v, p[k]))
    return path


def _worked_momentum(k: str, upto: int) -> list[str]:
    """PyTorch's steps for parameter k, worked out with the numbers, up to step `upto` (1-based)."""
    lines = []
    p, v = MOMENTUM_START[k], None
    for step in range(upto):
        g, lr = MOMENTUM_GRADS[k][step], MOMENTUM_LRS[step]
        new_v, new_p = torch_momentum(g, v, p, lr)
        if v is None:
            how = f"v = {num(new_v)} (the first v is the gradient)"
        else:
            how = f"v = {MOMENTUM:g} · {term(v)} + {term(g)} = {num(new_v)}"
        lowered = " (lr lowered before this step)" if step and lr != MOMENTUM_LRS[step - 1] else ""
        update = f"{k} = {num(p)} - {lr:g} · {term(new_v)} = {num(new_p)}"
        lines.append(f"  step {step + 1}: grad {num(g)}, {how}; {update}{lowered}")
        p, v = new_p, new_v
    return lines


def _momentum_slip(seen: dict[str, list[tuple[float | None, float]]]) -> str | None:
    def matches(path, with_velocity: bool) -> bool:
        return all(
            close(p, tp) and (not with_velocity or (v is not None and close(v, tv)))
            for k in seen
            for (v, p), (tv, tp) in zip(seen[k], path[k])
        )

    paths = [(s, momentum_path(s.update, s.shared, s.fixed_lr)) for s in MOMENTUM_SLIPS]
    found = [s for s, path in paths if matches(path, True)] or [
        s for s, path in paths if matches(path, False)
    ]
    return found[0].why if found else None


def momentum(cls: Callable[..., Any]) -> None:
    """Check the student's SGD with momentum: 3 steps worked by hand, then 5 on an MLP beside nn.optim.SGD."""
    name = name_of(cls, "Momentum")
    w, b = Parameter(MOMENTUM_START["w"], label="w"), Parameter(MOMENTUM_START["b"], label="b")
    params = {"w": w, "b": b}
    made = f"{name}([w, b], lr={MOMENTUM_LRS[0]:g}, momentum={MOMENTUM:g})"
    opt = _run(lambda: cls([w, b], lr=MOMENTUM_LRS[0], momentum=MOMENTUM), (), made, name)
    seen: dict[str, list[tuple[float | None, float]]] = {k: [] for k in params}
    for step, lr in enumerate(MOMENTUM_LRS):
        opt.lr = lr
        for k, p in params.items():
            p.grad = MOMENTUM_GRADS[k][step]
        grads = ", ".join(f"{k}.grad = {num(MOMENTUM_GRADS[k][step])}" for k in params)
        _run(opt.step, (), f"{name}.step() on step {step + 1} (lr {lr:g}, {grads})", f"{name}.step")
        velocity = getattr(opt, "velocity", None)
        for k, p in params.items():
            _data_is_a_number(p, k, f"after step {step + 1}")
            # the velocities are read where the exercise keeps them, self.velocity[p]; kept elsewhere
            # (keyed by id(p), say), only the weights' steps are checked
            v = velocity.get(p) if isinstance(velocity, Mapping) else None
            seen[k].append((None if v is None else _number(v, f"self.velocity[{k}]"), float(p.data)))
    truth = momentum_path()
    for step in range(len(MOMENTUM_LRS)):
        problem = None
        for k in params:
            (_, at), (_, tp) = seen[k][step], truth[k][step]
            if not close(at, tp):
                problem = k, f"after step {step + 1}, {k}.data is {num(at)}, expected {num(tp)}."
                break
        for k in params if problem is None else ():
            (v, _), (tv, _) = seen[k][step], truth[k][step]
            if v is not None and not close(v, tv):
                problem = k, f"after step {step + 1}, self.velocity[{k}] is {num(v)}, expected {num(tv)}."
            if problem:
                break
        if problem is None:
            continue
        k, first = problem
        lines = [
            first,
            f"PyTorch's momentum for {k}, worked by hand (momentum {MOMENTUM:g}; the check sets each"
            " gradient itself, as if backward() had run):",
            *_worked_momentum(k, step + 1),
        ]
        why = _momentum_slip(seen)
        lines.append(f"Likely cause: {why}" if why else f"Hint: {LR_RULE}; the first v is the gradient.")
        raise Mistake("\n".join(lines))
    _momentum_on_a_model(cls, name)
    ws = ", ".join(num(p) for _, p in truth["w"])
    vs = ", ".join(num(v) for v, _ in truth["w"])
    print(
        f"✓ {name} is right: w = {ws} after steps 1-3 (v = {vs}), as PyTorch's rule gives by hand,"
        " and 5 steps on a 2-3-1 MLP match nn.optim.SGD(momentum=0.9)."
    )


def _data_is_a_number(p: Value, label: str, when: str) -> None:
    if isinstance(p.data, Value) or not isinstance(p.data, numbers.Real):
        raise Mistake(
            f"{when}, {label}.data is {p.data!r}, not a number: update the number itself,"
            " p.data = p.data - self.lr * v (p.data and p.grad are plain floats; Value arithmetic"
            " would build a graph)."
        )


def step(opt: Any, params: Sequence[Value]) -> None:
    """opt.step() for a cell that trains with the student's optimizer: an error, or a weight's .data that
    is no longer a number, is a Mistake (before the next forward pass trips over it)."""
    name = name_of(opt.step, "step")
    _run(opt.step, (), f"{name}() in this cell", name)
    for i, p in enumerate(params):
        _data_is_a_number(p, p.label or f"parameter {i}", f"after {name}() in this cell")


def _momentum_on_a_model(cls: Callable[..., Any], name: str) -> None:
    """Five steps on a small MLP: the student's optimizer beside nn.optim.SGD, weight by weight."""
    X, y = nn.datasets.xor()
    mine, ref = (nn.MLP(2, [3, 1], activation="tanh", seed=0) for _ in range(2))
    made = f"{name}(model.parameters(), lr=0.2, momentum={MOMENTUM:g})"
    opt = _run(lambda: cls(mine.parameters(), lr=0.2, momentum=MOMENTUM), (), made, name)
    torch_like = nn.optim.SGD(ref.parameters(), lr=0.2, momentum=MOMENTUM)
    for step in range(1, 6):
        for model in (mine, ref):
            model.zero_grad()
            nn.losses.mse(model(X), y).backward()
        _run(opt.step, (), f"{name}.step() on step {step} of a 2-3-1 MLP", f"{name}.step")
        torch_like.step()
        for p, q in zip(mine.parameters(), ref.parameters()):
            if not (isinstance(p.data, numbers.Real) and close(float(p.data), q.data, 1e-9)):
                raise Mistake(
                    f"on a 2-3-1 MLP trained on XOR (mse, lr 0.2, momentum {MOMENTUM:g}), after step {step}"
                    f" your optimizer gives {p.label} = {p.data!r}; nn.optim.SGD gives {num(q.data)}.\n"
                    "The three steps on w and b were right, so look for what changes with 13 parameters:"
                    " does each parameter keep its own velocity, keyed by the parameter itself?"
                )


# --- exercise 4: the training loop ---------------------------------------------------------

TRAIN_STEPS = 3
TRAIN_LR = 0.5
WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}


@dataclass
class StepSeen:
    """What the check's optimizer saw when the loop called step()."""

    weights: list[float]
    grads: list[float | None]  # None: no backward() reached it since zero_grad()
    truth: list[float]  # d loss / d weight at these weights, by finite differences
    loss: float  # the loss at these weights
    zeroed_after_loss: bool  # zero_grad() erased gradients after the loss was computed, since the last step
    loss_computed: float | None  # the last loss the loop computed with loss_fn since the last step, if any


class WatchedSGD:
    """Plain SGD (p ← p - lr·g for each p with a gradient) that notes what the loop did at each call."""

    def __init__(self, model: nn.MLP, X, y, loss_fn: Callable[..., Value], lr: float = TRAIN_LR):
        self.model, self.X, self.y, self._loss_fn = model, X, y, loss_fn
        self.labels = [p.label or name for name, p in model.named_parameters()]
        self.params = model.parameters()
        self.lr = lr
        self.seen: list[StepSeen] = []
        self.losses_computed = 0
        self._since_step: list[tuple[str, bool]] = []  # ("loss" | "zero_grad", whether grads were there)
        self._loss_since_step: float | None = None

    def __repr__(self) -> str:
        return f"SGD({len(self.params)} parameters, lr={self.lr:g}), watched by the check"

    def loss_fn(self, pred, target) -> Value:
        """The loss the loop is given: the real one, counted."""
        self.losses_computed += 1
        self._since_step.append(("loss", False))
        loss = self._loss_fn(pred, target)
        self._loss_since_step = float(loss.data) if isinstance(loss.data, numbers.Real) else None
        return loss

    def zero_grad(self) -> None:
        self._since_step.append(("zero_grad", any(has_grad(p) for p in self.params)))
        for p in self.params:
            p.grad = NO_GRAD

    def step(self) -> None:
        f = lambda *_: self._loss_fn(self.model(self.X), self.y)
        with no_grad():
            loss = float(f().data)
        events = self._since_step
        erased = any(
            kind == "zero_grad" and had
            for i, (kind, had) in enumerate(events)
            if ("loss", False) in events[:i]
        )
        self.seen.append(
            StepSeen(
                weights=[float(p.data) for p in self.params],
                grads=[float(p.grad) if has_grad(p) else None for p in self.params],
                truth=[float(g) for g in numerical_grad(f, self.params, eps=H)],
                loss=loss,
                zeroed_after_loss=erased,
                loss_computed=self._loss_since_step,
            )
        )
        self._since_step, self._loss_since_step = [], None
        for p in self.params:
            if has_grad(p):
                p.data = p.data - self.lr * p.grad


def weight_name(label: str) -> str:
    """An MLP parameter's label in words: L1.n2.w1 is "layer 1, neuron 2, weight 1"."""
    m = re.fullmatch(r"L(\d+)\.n(\d+)\.(?:w(\d+)|(b))", label)
    if m is None:
        return label
    layer, neuron, weight, _ = m.groups()
    return f"layer {layer}, neuron {neuron}, " + (f"weight {weight}" if weight else "bias")


def _all_close(a: Sequence[float | None], b: Sequence[float], tol: float = 1e-5) -> bool:
    return all(x is not None and close(x, y, tol) for x, y in zip(a, b))


ORDER = (
    "The order in each step: forward (model(X)), loss, optimizer.zero_grad(), loss.backward(),"
    " optimizer.step()."
)


def _stale_cause(s: StepSeen, previous: StepSeen, k: int, losses_computed: int) -> str:
    """Why step k saw the gradients at step k - 1's weights: a forward pass done once, or backward() late."""
    start = f"these are the gradients at step {k - 1}'s weights, not step {k}'s: "
    if s.loss_computed is None and losses_computed == 1:
        return (
            start
            + f"loss_fn was called once, before step 1, and never in step {k}: the forward pass model(X)"
            " and the loss were computed once, outside the loop, so each backward() went through the same old"
            " graph. Compute both inside every step: loss = loss_fn(model(X), y)."
        )
    if s.loss_computed is not None and previous.loss_computed is not None:
        if close(s.loss_computed, previous.loss_computed, 1e-12) and not close(s.loss_computed, s.loss, 1e-9):
            return (
                start + f"the loss is {num(s.loss_computed)} in step {k - 1} and again in step {k}, though"
                f" step() changed the weights (at step {k}'s weights it is {num(s.loss)}): the forward pass"
                " model(X) was computed once, outside the loop, so loss_fn(out, y) and backward() went"
                " through the same old outputs each step. Compute out = model(X) inside every step, then"
                " the loss."
            )
        if close(s.loss_computed, s.loss, 1e-9):
            return (
                start + f"step {k}'s loss is right ({num(s.loss)}), but its backward() ran after step(), so"
                " each step used the previous one's gradients. Call loss.backward() before optimizer.step()."
            )
    return (
        start + "either the forward pass model(X) / the loss was computed once, outside the loop, or"
        " backward() ran after step(). Compute both inside every step, and call backward() before step()."
    )


def _check_steps(opt: WatchedSGD, name: str) -> None:
    if not opt.seen:
        raise Mistake(
            f"optimizer.step() was never called in {TRAIN_STEPS} steps: the weights never changed.\n{ORDER}"
        )
    for k, s in enumerate(opt.seen, start=1):
        if k > TRAIN_STEPS:
            raise Mistake(
                f"optimizer.step() was called {len(opt.seen)} times for steps={TRAIN_STEPS}: once per step."
            )
        worst = max(range(len(s.truth)), key=lambda i: abs((s.grads[i] or 0.0) - s.truth[i]))
        label, expected = opt.labels[worst], s.truth[worst]
        if all(g is None for g in s.grads):
            if s.zeroed_after_loss:
                first = (
                    f"step {k}: optimizer.step() found no gradients: zero_grad() ran after loss.backward()"
                    " and erased them before the step could use them"
                )
            else:
                first = (
                    f"step {k}: optimizer.step() ran before loss.backward(): no parameter had a gradient yet"
                )
            raise Mistake(
                f"{first} (expected d loss/d{label} = {num(expected)}, received none; {label} is"
                f" {weight_name(label)}).\n"
                f"{ORDER} zero_grad() goes before backward(), never between backward() and step()."
            )
        if _all_close(s.grads, s.truth):
            continue
        got = s.grads[worst]
        lines = [
            f"step {k}: optimizer.step() saw d loss/d{label} = {num(got or 0.0)}, expected {num(expected)}"
            f" ({weight_name(label)}).",
            f"  expected: the slope of loss_fn(model(X), y) at the weights step {k} started from, by"
            f" finite differences (nudge the weight by ±{H:g}, watch the loss).",
        ]
        previous = opt.seen[k - 2] if k >= 2 else None
        if previous is not None and _all_close(
            s.grads, [t + (g or 0.0) for t, g in zip(s.truth, previous.grads)]
        ):
            old = previous.grads[worst] or 0.0
            lines = [
                f"the gradients were never zeroed: step {k} used the sum of {WORDS.get(k, k)} steps'"
                " gradients.",
                f"  For {label} ({weight_name(label)}): its gradient at step {k}'s weights is {num(expected)}"
                " (finite differences),"
                f" step {k - 1} left {num(old)} in .grad, and optimizer.step() saw {num(got or 0.0)}"
                f" = {num(expected)} + {term(old)}.",
                "Gradients accumulate on the weights (PyTorch's rule): call optimizer.zero_grad() in every"
                " step, before loss.backward().",
            ]
        elif _all_close(s.grads, [2 * t for t in s.truth]):
            lines.append(
                "Likely cause: the gradient is twice the loss's: loss.backward() ran twice in this step."
                " Call it once per step."
            )
        elif previous is not None and _all_close(s.grads, previous.truth):
            lines.append(f"Likely cause: {_stale_cause(s, previous, k, opt.losses_computed)}\n{ORDER}")
        elif opt.losses_computed == 0:
            lines.append(
                "Likely cause: loss_fn was never called: compute loss = loss_fn(model(X), y)"
                " with the loss_fn given."
            )
        else:
            lines.append(f"Hint: {ORDER}")
        raise Mistake("\n".join(lines))
    if len(opt.seen) < TRAIN_STEPS:
        raise Mistake(
            f"optimizer.step() was called {len(opt.seen)} times for steps={TRAIN_STEPS}: once per step."
        )


def _loss_list(losses: Any, name: str, steps: int) -> list[float]:
    """The losses train() returned, as floats: a list, tuple or 1-d array of `steps` numbers."""
    if losses is None:
        raise Mistake(
            f"{name} returned None: return the list of losses, one number per step"
            " (losses.append(loss.data)); did you forget the `return losses`?"
        )
    items = None if isinstance(losses, str | bytes) else _numbers(losses)
    if items is None and isinstance(losses, Sequence) and not isinstance(losses, str | bytes):
        items = list(losses)
    if items is None:
        raise Mistake(
            f"{name} returned {type(losses).__name__} {losses!r}: return a list of losses,"
            " one number per step."
        )
    if len(items) != steps:
        raise Mistake(f"{name} returned {len(items)} losses for steps={steps}: one per step.")
    out = []
    for i, x in enumerate(items):
        if isinstance(x, Value):
            raise Mistake(
                f"losses[{i}] is a Value ({x!r}): append the number, loss.data (a Value would keep"
                " its whole graph alive)."
            )
        out.append(_number(x, f"losses[{i}] of {name}"))
    return out


def _check_losses(losses: Any, opt: WatchedSGD, name: str) -> list[float]:
    found = _loss_list(losses, name, TRAIN_STEPS)
    for i, (r, s) in enumerate(zip(found, opt.seen)):
        if not close(r, s.loss):
            raise Mistake(
                f"losses[{i}] is {num(r)}, expected {num(s.loss)}: the loss of step {i + 1}, computed at the"
                f" weights that step started from (before optimizer.step())."
            )
    return found


def losses(train: Callable[..., Any], model: Any, optimizer: Any, X: Any, y: Any, loss_fn: Any, steps: int):
    """train(...) for a cell that uses the student's losses: a list of `steps` numbers, or a Mistake."""
    name = name_of(train, "train")
    what = f"{name}(model, optimizer, X, y, loss_fn, {steps}) in this cell"
    return _loss_list(_run(train, (model, optimizer, X, y, loss_fn, steps), what, name), name, steps)


def training_loop(train: Callable[..., Any]) -> None:
    """Check the student's training loop: three steps of SGD on XOR, each watched at optimizer.step()."""
    name = name_of(train, "train")
    X, y = nn.datasets.xor()
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    opt = WatchedSGD(model, X, y, nn.losses.mse)
    what = (
        f"{name}(model, optimizer, X, y, loss_fn, {TRAIN_STEPS}) with a 2-3-1 tanh MLP on XOR,"
        f" loss_fn = nn.losses.mse and plain SGD, lr {TRAIN_LR:g}"
    )
    losses = _run(train, (model, opt, X, y, opt.loss_fn, TRAIN_STEPS), what, name)
    _check_steps(opt, name)
    found = _check_losses(losses, opt, name)
    print(
        f"✓ {name} is right: {TRAIN_STEPS} steps, each with fresh gradients (they agree with finite"
        f" differences), loss {' -> '.join(num(x) for x in found)}."
    )
