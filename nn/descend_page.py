"""The descent playground: gradient descent on a formula, one iteration at a time, in a page.

`descent_playground("sin(x) + x**2/10", start=3, lr=0.1)` makes an offline page that
shows, for a formula in x, the curve with the tangent at the current iterate
and the trail of iterates (Next iteration, Play, Reset: as UCLA ACM's
visualiser), and for a formula in x and y its contours with several
optimizers' paths at once (as Distill's "Why Momentum Really Works"). The
start and the learning rate are chosen on the page from a set it was made
with, beside the presets (a bowl, two minima, an elongated bowl, Rosenbrock's
valley, a saddle) and the student's own formula.

Every number on the page comes from Python: each trajectory is `descend()`'s
(the engine's backward() for each gradient, an `nn.optim` optimizer for each
step), each curve and contour is the formula evaluated by the engine. The
page's script only draws them: it has no derivative and no update rule.

Bounded size: a page holds at most 6 formulas, each run from at most 3 starts
at 5 learning rates with at most 6 optimizers for at most MAX_PAGE_STEPS (200)
iterations: at most 6 x 3 x 5 x 6 x 201 points (under 110,000, about 5 MB of
JSON), plus one curve of CURVE_SAMPLES points or a GRID x GRID grid's contours
per formula. The student's formula adds at most 3 x 5 x 6 x 201 points (0.9 MB)
to the presets' 1.1 MB, and takes a few seconds to compute.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import cast

import numpy as np

from autograd_lite.display import frame
from autograd_lite.errors import counted
from autograd_lite.expr import ExprError, build
from autograd_lite.html import FrameHeight, check_html_path, document, json_script, web_file, write_page
from autograd_lite.palette import SERIES

from .descend import OPTIMIZERS, DescendError, Descent, _check_steps, descend, variables_of
from .replay import _nice_ticks, _tick_text

__all__ = ["MAX_PAGE_STEPS", "PRESETS", "Playground", "Preset", "descent_playground"]

DESCEND_JS = web_file("descend.js", "nn")
DESCEND_CSS = web_file("descend.css", "nn")
MAX_PAGE_STEPS = 200  # iterations a page keeps of each run (the terminal prints them all)
CURVE_SAMPLES = 241  # points of a 1-D curve
GRID = 51  # a 2-D formula is evaluated on GRID x GRID points for its contours
LEVELS = 14  # contour lines, at quantiles of f over the grid (Rosenbrock's valley shows)
#: The optimizers a formula in x is run with (one at a time on the page); in x and y, all of them.
ONE_D_OPTIMIZERS = ("sgd", "momentum", "adam")
#: What the student's learning rate is multiplied by to make the page's set of four.
LR_FACTORS = (0.1, 0.5, 1.0, 2.0)

# The picture, in SVG units: the plot box inside a W x H view box.
W, H = 640, 420
LEFT, RIGHT, TOP, BOTTOM = 70, 14, 12, 44
PW, PH = W - LEFT - RIGHT, H - TOP - BOTTOM


@dataclass(frozen=True)
class Preset:
    """A formula the page offers, with its starts, learning rates, iterations and view."""

    name: str
    expr: str
    starts: tuple[tuple[float, ...], ...]
    lrs: tuple[float, ...]
    steps: int
    view: tuple[float, ...]  # x0, x1 (and y0, y1 for two variables)
    note: str
    minimum: tuple[float, ...] | None = None  # where the minimum is, when there is one to mark


PRESETS: tuple[Preset, ...] = (
    Preset(
        "bowl",
        "x**2",
        ((-4.0,), (3.0,), (0.5,)),
        (0.1, 0.5, 0.9, 1.1),
        30,
        (-5.0, 5.0),
        "f'(x) = 2x: a step of lr·2x. At lr 0.5 one step lands on the minimum; "
        "at 0.9 it jumps across and back; at 1.1 every jump is longer than the last.",
        (0.0,),
    ),
    Preset(
        "two minima",
        "x**4 - 4*x**2 + x",
        ((-2.5,), (2.5,), (0.2,)),
        (0.01, 0.03, 0.1, 0.2),
        30,
        (-2.6, 2.6),
        "Two valleys: where it ends depends on the start, and a large step can jump from one to the other.",
    ),
    Preset(
        "elongated bowl",
        "x**2 + 10*y**2",
        ((-4.0, 1.5), (3.0, -1.2)),
        (0.01, 0.05, 0.09, 0.11),
        40,
        (-5.0, 5.0, -2.0, 2.0),
        "Ten times steeper across than along: plain SGD zig-zags across the valley at 0.09 and "
        "diverges past 0.1 = 2/20, while momentum and Adam keep going along it.",
        (0.0, 0.0),
    ),
    Preset(
        "Rosenbrock",
        "(1-x)**2 + 100*(y-x**2)**2",
        ((-1.2, 1.0), (-0.5, -0.5)),
        (0.0005, 0.001, 0.002, 0.004, 0.02),
        100,
        (-2.0, 2.0, -1.0, 3.0),
        "A curved, flat-bottomed valley with its minimum at (1, 1): easy to fall into, slow to follow. "
        "SGD's step is lr times the gradient, so it blows up past lr 0.004; Adam's is about lr long "
        "whatever the gradient, so it crawls at 0.001 and needs 0.02.",
        (1.0, 1.0),
    ),
    Preset(
        "saddle",
        "x**2 - y**2",
        ((-3.0, 0.01), (-3.0, 1.0)),
        (0.05, 0.1, 0.2, 0.3),
        30,
        (-4.0, 4.0, -4.0, 4.0),
        "A minimum along x, a maximum along y: starting almost on the ridge, descent slows near the "
        "saddle point, then slides off along y (f has no minimum).",
    ),
)


@dataclass(frozen=True, repr=False)
class Playground:
    """The page of `descent_playground()`: `.html`, `.save(path)`, and shown inline in Jupyter (in a
    sandboxed frame, as the other pages are)."""

    html: str
    names: tuple[str, ...]  # the formulas, in the order the page offers them
    runs: int  # trajectories on the page
    title: str

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to `path` (an .html file in an existing folder)."""
        return write_page(check_html_path(os.fspath(path)), self.html)

    def __repr__(self) -> str:
        return (
            f"Playground({counted(len(self.names), 'formula')}: {', '.join(self.names)}; {self.runs} runs, "
            f"{len(self.html) / 1000:.0f} kB)"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """The page in a sandboxed frame, and the repr as text; never an error."""
        bundle = {"text/plain": repr(self)}
        if (include and "text/html" not in include) or (exclude and "text/html" in exclude):
            return bundle
        try:
            bundle["text/html"] = frame(self.html, FRAME_HEIGHT, title=self.title)
        except Exception:  # a display hook never raises: the text is there
            pass
        return bundle


#: The page's height in a notebook's frame: its text (taller when narrow, where the picture and
#: the numbers stack), and the picture, as wide as the frame up to its 640 px.
FRAME_HEIGHT = FrameHeight(text=((0, 680.0), (937, 360.0)), slope=H / W, inset=24.0, floor=200.0, cap=H)


def descent_playground(
    expr: str | None = None,
    start=None,
    lr: float = 0.1,
    steps: int = 30,
    optimizer: str = "sgd",
    *,
    presets: bool = True,
    path: str | os.PathLike | None = None,
    title: str | None = None,
) -> Playground:
    """The descent playground: `expr` (in x, or x and y) run from `start` at `lr` and nearby learning
    rates, with `optimizer` among the page's, beside the presets (presets=False leaves them out).

    With `path` (an .html file) also writes the page there. A DescendError says what is wrong with
    the formula, start, learning rate, step count or optimizer, before anything is computed.
    """
    if path is not None:
        path = check_html_path(os.fspath(path))
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    formulas: list[_Formula] = []
    if expr is not None:
        if start is None:
            raise DescendError("give a start for the formula: start=4 for x, start=(1, -2) for x and y")
        formulas.append(_student(expr, start, lr, steps, optimizer))
    elif not presets:
        raise DescendError("nothing to show: give a formula, or keep the presets")
    if presets:
        formulas.extend(_preset(p) for p in PRESETS)
    heading = title or "Gradient descent, step by step"  # the formula shown is chosen on the page
    data = [f.data() for f in formulas]
    html = _page(heading, formulas, data)
    page = Playground(html, tuple(f.name for f in formulas), sum(len(f.runs) for f in formulas), heading)
    if path is not None:
        page.save(path)
    return page


# --- the formulas and their runs ----------------------------------------------------------------


@dataclass
class _Formula:
    name: str
    expr: str
    variables: tuple[str, ...]
    starts: list[tuple[float, ...]]
    lrs: list[float]
    optimizers: list[str]
    steps: int
    view: tuple[float, ...]
    note: str
    chosen: tuple[int, int, int]  # the start, learning rate and optimizer shown first
    minimum: tuple[float, ...] | None = None
    runs: dict[str, Descent] = field(default_factory=dict)
    capped: int = 0  # the iterations asked for, when more than the page keeps

    def data(self) -> dict:
        out = {
            "name": self.name,
            "expr": self.expr,
            "dims": len(self.variables),
            "vars": list(self.variables),
            "starts": [list(s) for s in self.starts],
            "lrs": self.lrs,
            "lrText": [f"{lr:g}" for lr in self.lrs],
            "optimizers": self.optimizers,
            "colors": [SERIES[list(OPTIMIZERS).index(o)] for o in self.optimizers],
            "steps": self.steps,
            "view": list(self.view),
            "note": self.note
            + (
                f" The page keeps the first {self.steps} of the {self.capped:,} iterations."
                if self.capped
                else ""
            ),  # fmt: skip
            "chosen": list(self.chosen),
            "runs": {key: _run_data(d, self.view) for key, d in self.runs.items()},
        }
        return out


def _key(s: int, r: int, o: int) -> str:
    return f"{s}.{r}.{o}"


def _preset(p: Preset) -> _Formula:
    variables = variables_of(p.expr)
    optimizers = list(ONE_D_OPTIMIZERS) if len(variables) == 1 else list(OPTIMIZERS)
    f = _Formula(
        p.name, p.expr, variables, list(p.starts), list(p.lrs), optimizers, p.steps, p.view, p.note,
        (0, 0, 0), p.minimum,
    )  # fmt: skip
    _run_all(f)
    return f


def _student(expr, start, lr, steps, optimizer) -> _Formula:
    """The student's formula: descend() checks every argument (its errors say what is accepted)."""
    wanted = _check_steps(steps)
    shown = min(wanted, MAX_PAGE_STEPS)
    first = descend(expr, start, lr, shown, optimizer)
    variables, lr, optimizer = first.variables, first.lr, first.optimizer
    starts = [first.start]
    for other in _other_starts(first.start):
        if other not in starts and _defined(expr, variables, other):
            starts.append(other)
    lrs = sorted({r for r in (_round(lr * m) for m in LR_FACTORS) if math.isfinite(r) and r > 0} | {lr})
    if len(variables) == 1:
        optimizers = [o for o in OPTIMIZERS if o in ONE_D_OPTIMIZERS or o == optimizer]
    else:
        optimizers = list(OPTIMIZERS)
    f = _Formula(
        "your formula", expr, variables, starts, lrs, optimizers, shown, (), "Your formula.",
        (0, lrs.index(lr), optimizers.index(optimizer)), capped=wanted if wanted > shown else 0,
    )  # fmt: skip
    _run_all(f)
    f.view = _view(f)
    return f


def _round(x: float) -> float:
    return float(f"{x:.3g}")


def _other_starts(start: tuple[float, ...]) -> list[tuple[float, ...]]:
    """Two more starts beside the student's: the mirror image and half way to 0 (or ±1 from 0)."""
    if all(c == 0 for c in start):
        return [tuple(1.0 for _ in start), tuple(-1.0 for _ in start)]
    return [tuple(-c for c in start), tuple(c / 2 for c in start)]


def _defined(expr: str, variables: tuple[str, ...], point: tuple[float, ...]) -> bool:
    try:
        descend(expr, point, 0.1, 1, "sgd")
    except DescendError:
        return False
    return True


def _run_all(f: _Formula) -> None:
    f.runs = {}
    for s, start in enumerate(f.starts):
        for r, lr in enumerate(f.lrs):
            for o, name in enumerate(f.optimizers):
                f.runs[_key(s, r, o)] = descend(f.expr, start, lr, f.steps, name)


def _finite_points(d: Descent) -> list[tuple[float, ...]]:
    pts = [it.point for it in d.iterates] + [d.end]
    return [p for p in pts if p and all(math.isfinite(c) and abs(c) < 1e6 for c in p)]


def _view(f: _Formula) -> tuple[float, ...]:
    """The picture's box for the student's formula: its starts and where the runs that did not
    diverge went, with a margin."""
    pts = list(f.starts)
    reach = 10 * max(1.0, *(abs(c) for p in f.starts for c in p))  # past this, a run "leaves the picture"
    for d in f.runs.values():
        if not d.diverging and d.status != "unbounded":
            pts.extend(p for p in _finite_points(d) if all(abs(c) <= reach for c in p))
    out: list[float] = []
    for axis in range(len(f.variables)):
        lo, hi = min(p[axis] for p in pts), max(p[axis] for p in pts)
        mid, half = (lo + hi) / 2, max((hi - lo) / 2 * 1.25, 1.0)
        out.extend([_round(mid - half), _round(mid + half)])
    return tuple(out)


def _n(x: float) -> float | None:
    """A number for the page: 10 significant digits (the tests read them back), None if not finite."""
    return float(f"{x:.10g}") if math.isfinite(x) else None


def _run_data(d: Descent, view: tuple[float, ...]) -> dict:
    """One trajectory: its points, f and gradient at each, the step taken, and its verdict."""
    pts = [list(map(_n, it.point)) for it in d.iterates]
    fs = [_n(it.value) for it in d.iterates]
    gs: list[list[float | None] | None] = [list(map(_n, it.gradient)) for it in d.iterates]
    steps = [list(map(_n, it.step)) for it in d.iterates]
    if d.end and all(math.isfinite(c) for c in d.end):
        pts.append(list(map(_n, d.end)))
        fs.append(_n(d.end_value))
        gs.append(list(map(_n, d.end_gradient)) if d.end_gradient else None)
    kind, words, at = _verdict(d, view)
    at = min(at, len(pts) - 1)  # a point that blew up to inf is not on the page: say it at the last one
    return {"p": pts, "f": fs, "g": gs, "s": steps, "kind": kind, "verdict": words, "at": at}


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _where(d: Descent, p: Sequence[float]) -> str:
    if len(d.variables) == 1:
        return f"{d.variables[0]} = {_fmt(p[0])}"
    return f"(x, y) = ({_fmt(p[0])}, {_fmt(p[1])})"


def _inside(p: Sequence[float], view: tuple[float, ...]) -> bool:
    if len(p) == 1:
        return view[0] <= p[0] <= view[1]
    return view[0] <= p[0] <= view[1] and view[2] <= p[1] <= view[3]


def _verdict(d: Descent, view: tuple[float, ...]) -> tuple[str, str, int]:
    """What became of a run, in words, and at which iteration it shows (-1: from the start)."""
    k = len(d.iterates)
    if d.status == "flat":
        slope = "f'(x)" if len(d.variables) == 1 else "the gradient"
        return "flat", f"{slope} is 0 at the start: gradient descent cannot move. Pick another start.", 0
    if d.diverging:
        rising = d._rising()
        at = k - rising if d.status != "diverged" else k
        what = (f"f rose at every step from iteration {at} on" if d.status != "diverged"
                else f"at iteration {k}, {d.message}")  # fmt: skip
        return "diverged", f"Diverges: {what}. This learning rate is too large here: pick a smaller one.", at
    if d.status == "unbounded":  # said from where it leaves the picture
        out = next((i for i, it in enumerate(d.iterates) if not _inside(it.point, view)), k)
        return (
            "unbounded",
            f"Falls without bound: at iteration {k}, {d.message}. f has no minimum that way, and a "
            "smaller learning rate only takes longer to get there.",
            out,
        )
    if d.status == "undefined":
        return "undefined", f"Stops at iteration {k}: {d.message}.", k
    if d.iterates and not _inside(d.end, view):
        out = next((i for i, it in enumerate(d.iterates) if not _inside(it.point, view)), k)
        falling = d.end_value < d.iterates[0].value
        why = ", f still falling: there is no minimum that way" if falling else ""
        return "left", f"Leaves the picture at iteration {out}{why}.", out
    if d.bouncing:
        return (
            "bounces",
            "Bounces back and forth without getting closer: each step overshoots as far as the last. "
            "Pick a smaller learning rate.",
            -1,
        )
    if d.status == "converged":
        where = _where(d, d.end)
        return "converged", f"Converges in {counted(k, 'iteration')} (the step fell below 1e-12): {where}.", k
    if d.status == "stalled":
        return (
            "stalled",
            f"Does not move: {d.message}. This learning rate is too small here: pick a larger one.",
            0,
        )
    return "steps", f"After {k} iterations: {_where(d, d.end)}, f = {_fmt(d.end_value)}.", -1


# --- the pictures -----------------------------------------------------------------------------


def _sx(x: float, view: tuple[float, ...]) -> float:
    return LEFT + (x - view[0]) / (view[1] - view[0]) * PW


def _sy(y: float, y0: float, y1: float) -> float:
    return TOP + (y1 - y) / (y1 - y0) * PH


def _value(expr: str, variables: tuple[str, ...], point: Sequence[float]) -> float:
    """f at a point, by the engine (no backward needed); NaN where it is undefined."""
    try:
        return float(build(expr, dict(zip(variables, point, strict=True))).data)
    except (ExprError, ArithmeticError, ValueError):
        return math.nan


def _axes(view: tuple[float, ...], y0: float, y1: float, xlabel: str, ylabel: str) -> str:
    parts = [f'<rect class="box" x="{LEFT}" y="{TOP}" width="{PW}" height="{PH}"/>']
    for v in _nice_ticks(view[0], view[1], 8):
        px = _sx(v, view)
        parts.append(f'<line class="tick" x1="{px:.1f}" y1="{TOP + PH}" x2="{px:.1f}" y2="{TOP + PH + 6}"/>')
        parts.append(f'<text x="{px:.1f}" y="{TOP + PH + 22}" text-anchor="middle">{_tick_text(v)}</text>')
    for v in _nice_ticks(y0, y1, 6):
        py = _sy(v, y0, y1)
        parts.append(f'<line class="tick" x1="{LEFT - 6}" y1="{py:.1f}" x2="{LEFT}" y2="{py:.1f}"/>')
        parts.append(f'<text x="{LEFT - 9}" y="{py + 5:.1f}" text-anchor="end">{_short(v)}</text>')
    parts.append(f'<text class="axis" x="{LEFT + PW / 2}" y="{H - 4}" text-anchor="middle">{xlabel}</text>')
    parts.append(
        f'<text class="axis" x="14" y="{TOP + PH / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {TOP + PH / 2})">{ylabel}</text>'
    )
    return "".join(parts)


def _short(v: float) -> str:
    """A tick's number, short enough for the left margin: -1e+10 as -1e10."""
    return _tick_text(v).replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")


def _curve(f: _Formula) -> tuple[str, tuple[float, float]]:
    """A formula in x: its curve (a path with gaps where f is undefined) and the f range shown."""
    x0, x1 = f.view
    xs = np.linspace(x0, x1, CURVE_SAMPLES)
    ys = [_value(f.expr, f.variables, (float(x),)) for x in xs]
    finite = [y for y in ys if math.isfinite(y)]
    if not finite:
        raise DescendError(f"{f.expr} cannot be computed anywhere in {x0:g} <= x <= {x1:g}")
    lo, hi = min(finite), max(finite)
    pad = max((hi - lo) * 0.08, 1e-9)
    y0, y1 = lo - pad, hi + pad
    pieces, pen = [], "M"
    for x, y in zip(xs, ys, strict=True):
        if not math.isfinite(y):
            pen = "M"
            continue
        pieces.append(f"{pen}{_sx(float(x), f.view):.1f},{_sy(y, y0, y1):.1f}")
        pen = "L"
    return f'<path class="curve" d="{"".join(pieces)}"/>', (y0, y1)


def _contours(f: _Formula) -> str:
    """A formula in x and y: contour lines at quantiles of f over a GRID x GRID grid (the engine's
    values), darker for lower f."""
    from contourpy import contour_generator  # matplotlib's own dependency: imported when needed

    x0, x1, y0, y1 = f.view
    xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
    z = np.array([[_value(f.expr, f.variables, (float(x), float(y))) for x in xs] for y in ys])
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        raise DescendError(f"{f.expr} cannot be computed anywhere in the picture")
    levels = np.unique(np.quantile(finite, np.linspace(0.05, 0.97, LEVELS) ** 1.5))
    gen = contour_generator(xs, ys, np.ma.masked_invalid(z))
    paths = []
    for i, level in enumerate(levels):
        d = []
        for line in cast(list, gen.lines(float(level))):  # contourpy's default: a list of (n, 2) arrays
            d.append("M" + "L".join(f"{_sx(x, f.view):.1f},{_sy(y, y0, y1):.1f}" for x, y in line))
        if d:
            shade = 0.25 + 0.65 * i / max(1, len(levels) - 1)
            paths.append(f'<path class="level" d="{"".join(d)}" style="opacity:{1.15 - shade:.2f}"/>')
    return "".join(paths)


def _picture(i: int, f: _Formula) -> tuple[str, list[float]]:
    """One formula's still picture (axes, curve or contours, minimum) and its view [x0, x1, y0, y1]."""
    clip = '<g clip-path="url(#plot)">'
    if len(f.variables) == 1:
        curve, (y0, y1) = _curve(f)
        v = f.variables[0]  # x, or y for a formula in y alone
        body = clip + curve + "</g>" + _axes(f.view, y0, y1, v, f"f({v})")
        view = [f.view[0], f.view[1], y0, y1]
    else:
        view = list(f.view)
        body = clip + _contours(f) + "</g>" + _axes(f.view, view[2], view[3], "x", "y")
    if f.minimum is not None:
        mx = _sx(f.minimum[0], f.view)
        my = f.minimum[1] if len(f.minimum) > 1 else _value(f.expr, f.variables, f.minimum)
        my = _sy(my, view[2], view[3])
        minimum = f'<path class="minimum" d="M{mx:.1f},{my - 7:.1f}l6,12h-12z">'
        body += minimum + "<title>the minimum</title></path>"
    return f'<g class="still" data-fn="{i}" hidden>{body}</g>', view


# --- the page -----------------------------------------------------------------------------------


def _page(title: str, formulas: list[_Formula], data: list[dict]) -> str:
    stills = []
    for i, (f, d) in enumerate(zip(formulas, data, strict=True)):
        still, view = _picture(i, f)
        d["view"] = view
        stills.append(still)
    options = "".join(
        f'<option value="{i}">{escape(f.name)}: {escape(f.expr)}</option>' for i, f in enumerate(formulas)
    )
    total = sum(len(f.runs) for f in formulas)
    body = f"""<header>
<h1>{escape(title)}</h1>
<p class="sub">Each iteration moves against the derivative: x &#8592; x &#8722; lr &#183; f&#8242;(x) for
plain gradient descent. Choose a formula, a start and a learning rate, then press Next iteration.</p>
</header>
<nav class="controls" id="controls" aria-label="Iterations" hidden>
<button type="button" id="reset" title="back to the start (Home)">&#8634; Reset</button>
<button type="button" id="next" class="primary" title="one iteration (&#8594;)"
 >Next iteration &#9654;</button>
<button type="button" id="play" aria-pressed="false" title="play (space)">&#9654; Play</button>
<span class="where" id="where" aria-live="polite"></span>
</nav>
<main class="descend">
<noscript><p>This page needs JavaScript to step through the iterations.</p></noscript>
<form class="choices" id="choices" hidden>
<label>Formula <select id="fn">{options}</select></label>
<label>Start <select id="start"></select></label>
<label>Learning rate <select id="lr"></select></label>
<label id="opt-label">Optimizer <select id="opt"></select></label>
</form>
<p class="verdict" id="verdict" role="status"></p>
<div class="stage">
<figure class="plot">
<svg id="picture" viewBox="0 0 {W} {H}" role="img" aria-labelledby="caption"
 data-left="{LEFT}" data-top="{TOP}" data-width="{PW}" data-height="{PH}">
<defs><clipPath id="plot"><rect x="{LEFT}" y="{TOP}" width="{PW}" height="{PH}"/></clipPath></defs>
{"".join(stills)}
<g clip-path="url(#plot)"><g id="trails"></g><line id="tangent" class="tangent" visibility="hidden"/>
<g id="points"></g></g>
</svg>
<figcaption id="caption"></figcaption>
</figure>
<section class="readout" id="readout" aria-live="polite"></section>
</div>
</main>
<footer>
<p>Made by autograd_lite's <code>nn.descent_playground</code> ({total} runs). Every point, value,
derivative and step was computed in Python: f and its gradient by the engine (backward()), each step
by an nn.optim optimizer. This page only draws them; it loads nothing and runs no code but its own.</p>
</footer>
{json_script("descend-data", {"formulas": data, "delay": 450})}"""
    return document(title, body, script=DESCEND_JS, css=DESCEND_CSS)
