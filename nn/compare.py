"""Several recorded runs side by side on one slider: the learning-rate, optimizer, activation and
normalisation lessons in one offline page.

`compare({"lr 0.01": h1, "lr 0.5": h2}, "runs.html")` takes Histories from `fit(..., record=True)`
and makes a grid of panels, one per run (its name, its decision regions with its training points,
its model and its numbers at the shown epoch), then every run's loss curve on one chart (and its
accuracy on another), one slider and Play / Pause over the union of the runs' recorded epochs. At
each epoch a run shows its frame of the latest recorded epoch up to it; past its last epoch (it
diverged, stopped early or trained fewer epochs) its last frame, marked "stopped at epoch N". Which
frame each run shows at each epoch is worked out here; the page's script only looks it up.

At most MAX_RUNS runs: a projector (1280 x 800 or so) shows three panels to a row readable from the
back of a room, and two rows of them with the slider; six curves is also about as many as a chart
tells apart, by six Okabe-Ito colours and six dash patterns.

Bounded size: the page holds every recorded frame of every run once (each run's last frame twice:
the picture shown before the script runs), so it is about runs x frames x image bytes, at most
MAX_RUNS x (nn.replay.MAX_FRAMES + 1) images of a few kB each (a 200 x 200 palette PNG of flat
regions), plus each run's points and curves. `estimate()` adds those up before anything is built
and a page over MAX_BYTES (25 MB) is refused with the estimate.
"""

from __future__ import annotations

import base64
import math
import os
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from autograd_lite.display import frame
from autograd_lite.html import (
    EM,
    FRAME_MAX,
    FRAME_SIDE,
    FRAME_WIDTHS,
    FrameHeight,
    check_html_path,
    document,
    flex_lines,
    json_script,
    slider_controls,
    web_file,
    wrapped_lines,
    write_page,
)
from autograd_lite.palette import SERIES

from .replay import CLASS_COLORS, Replay, _marker, _nice_ticks, _tick_text, point_fills
from .train import History

__all__ = ["MAX_BYTES", "MAX_RUNS", "Comparison", "compare", "estimate"]

MAX_RUNS = 6
MAX_BYTES = 25_000_000  # the largest page compare() writes, in bytes
MAX_NAME = 60  # characters in a run's name: two lines of a panel's heading

#: A run's curve: its colour (Okabe-Ito, palette.SERIES) and its dash pattern, so runs differ
#: without colour too: solid, dashed, dotted, dash-dot, long dashes, dash-dot-dot.
DASHES = ("", "10 5", "2.5 4", "12 4 3 4", "22 6", "12 3 3 3 3 3")
COLOURS = SERIES[: len(DASHES)]

SQUARE = 400  # a panel's regions, in SVG units
CHART_WIDTH, CHART_HEIGHT = 560, 260  # a curve chart, in SVG units
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 66, CHART_WIDTH - 20, 12, CHART_HEIGHT - 54
LOG_SPAN = 100.0  # the loss chart is logarithmic when its values span more than this factor
LOG_DECADES = 12  # ... and shows at most this many decades below its top

COMPARE_CSS = web_file("compare.css", "nn")
COMPARE_JS = web_file("compare.js", "nn")

# What the size estimate counts per item besides the images (measured on these pages, rounded up).
PAGE_BYTES = 40_000  # the shell's CSS and script, the headings, the charts' axes
POINT_BYTES = 100  # one training point drawn in a panel
CURVE_BYTES = 30  # one epoch of one run's curves (loss and accuracy)
STEP_BYTES = 40  # one slider step, per run: the frame it shows
FRAME_BYTES = 160  # one recorded frame besides its image: its epoch, numbers, dots


def compare(runs, path: str | os.PathLike | None = None, *, title: str | None = None) -> Comparison:
    """Recorded runs side by side on one slider: `runs` maps names to Histories of
    `fit(..., record=True)` (or is a list of (name, History) pairs), 1 to MAX_RUNS of them.

    Returns the Comparison (its page is `.html`); with `path` (an .html file) also writes it there.
    """
    if path is not None:
        path = check_html_path(os.fspath(path))
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    checked = _checked(runs)
    size = estimate(checked)
    if size > MAX_BYTES:
        frames = sum(h.replay.frames for _, h in checked)
        raise ValueError(
            f"this comparison's page would be about {size / 1e6:.0f} MB ({len(checked)} runs, {frames} "
            f"frames in all), more than the {MAX_BYTES / 1e6:.0f} MB a page may be: compare fewer runs, "
            "or runs on fewer training points"
        )
    comparison = Comparison(*_page(checked, title))
    if path is not None:
        comparison.save(path)
    return comparison


@dataclass(frozen=True, repr=False)
class Comparison:
    """The page of `compare()`: `.html` (one self-contained file), `.save(path)`, and shown inline in
    Jupyter (in a sandboxed frame, as a recorded History is)."""

    html: str
    height: FrameHeight  # its height in a notebook's frame
    names: tuple[str, ...]
    epochs: tuple[int, ...]  # the slider's epochs: every run's recorded epochs
    title: str

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to `path` (an .html file in an existing folder)."""
        return write_page(check_html_path(os.fspath(path)), self.html)

    def __repr__(self) -> str:
        names = ", ".join(repr(n) for n in self.names)
        return (
            f"Comparison({len(self.names)} run{'s' if len(self.names) != 1 else ''}: {names}; "
            f"epochs {self.epochs[0]} to {self.epochs[-1]} on {len(self.epochs)} slider steps, "
            f"{len(self.html) / 1000:.0f} kB)"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """The page in a sandboxed frame (autograd_lite.display.frame), and the repr as text; never
        an error: anything that fails leaves the text."""
        bundle = {"text/plain": repr(self)}
        if (include and "text/html" not in include) or (exclude and "text/html" in exclude):
            return bundle
        try:
            bundle["text/html"] = frame(self.html, self.height, title=self.title)
        except Exception:  # a display hook never raises: the text is there
            pass
        return bundle


def _checked(runs) -> list[tuple[str, History]]:
    """The runs as (name, History) pairs, every name and recording checked."""
    if isinstance(runs, Mapping):
        pairs = list(runs.items())
    elif isinstance(runs, str | bytes) or not hasattr(runs, "__iter__"):
        raise TypeError(
            "compare() takes a dict of name -> History (or a list of (name, History) pairs), "
            f"got {type(runs).__name__}"
        )
    else:
        pairs = list(runs)
        for item in pairs:
            if not isinstance(item, tuple | list) or len(item) != 2:
                raise TypeError(
                    "compare() takes a dict of names and runs, e.g. nn.compare({'lr 0.01': h1, "
                    f"'lr 0.5': h2}}) (or (name, History) pairs); one item is {item!r:.60}"
                )
    if not pairs:
        raise ValueError("compare() needs at least one run: a dict of name -> History")
    if len(pairs) > MAX_RUNS:
        raise ValueError(
            f"compare() shows at most {MAX_RUNS} runs ({len(pairs)} given): three panels to a row, two "
            "rows, are as many as a projector shows readably; compare the others on a second page"
        )
    seen: set[str] = set()
    out = []
    for name, history in pairs:
        if not isinstance(name, str):
            raise TypeError(f"a run's name must be a string, got {type(name).__name__} {name!r:.40}")
        if not name.strip():
            raise ValueError("a run's name must not be empty: it heads the run's panel")
        if len(name) > MAX_NAME:
            raise ValueError(f"the run name {name[:20]!r}... has {len(name)} characters; at most {MAX_NAME}")
        if name.strip() in seen:
            raise ValueError(f"two runs are named {name.strip()!r}: give each run its own name")
        seen.add(name.strip())
        if not isinstance(history, History):
            raise TypeError(
                f"run {name!r} is a {type(history).__name__}, not the History that nn.fit() returns"
            )
        rp = history.replay
        if not isinstance(rp, Replay) or not rp.frames:
            raise ValueError(
                f"run {name!r} was not recorded: train it with nn.fit(..., record=True) to compare it"
            )
        out.append((name, history))
    return out


def estimate(runs: list[tuple[str, History]]) -> int:
    """The page's size in bytes, told before it is made: every image in base64 (each run's last one
    twice), each training point, each epoch of each curve, each slider step of each run."""
    epochs = _union([h.replay.frame_epochs for _, h in runs])
    size = PAGE_BYTES
    for _, h in runs:
        rp = h.replay
        images = list(rp.images) + [rp.images[-1]]
        size += sum(len("data:image/png;base64,") + 4 * math.ceil(len(b) / 3) for b in images)
        size += POINT_BYTES * len(rp.X) + CURVE_BYTES * h.epochs + FRAME_BYTES * rp.frames
        size += STEP_BYTES * len(epochs)
    return size


def _union(frame_epochs: list[list[int]]) -> list[int]:
    """The slider's epochs: every epoch some run recorded, in order."""
    return sorted({e for epochs in frame_epochs for e in epochs})


def _latest(frame_epochs: list[int], epoch: int) -> int:
    """The index of a run's frame at `epoch`: its latest recorded epoch up to it (its first frame
    if it recorded none that early)."""
    return max(0, bisect_right(frame_epochs, epoch) - 1)


# --- the page ------------------------------------------------------------------------------


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:.4g}"


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f}%"


def _at(values: list[float], epoch: int) -> float | None:
    """The value measured at the end of `epoch` (1-based); None for epoch 0, a missing or a
    non-finite one."""
    if epoch < 1 or epoch > len(values):
        return None
    v = values[epoch - 1]
    return v if math.isfinite(v) else None


def _columns(h: History) -> list[tuple[str, str, list[float]]]:
    """The numbers a run's panel shows: (key, words, per-epoch values)."""
    cols = [("loss", "loss", h.loss)]
    if h.accuracy:
        cols.append(("acc", "accuracy", h.accuracy))
    if h.val_loss:
        cols.append(("val_loss", "val loss", h.val_loss))
    if h.val_accuracy:
        cols.append(("val_acc", "val accuracy", h.val_accuracy))
    return cols


def _epoch_words(epoch: int) -> str:
    return "before training (epoch 0)" if epoch == 0 else f"epoch {epoch}"


def _stopped(h: History, last: int) -> str:
    """What a run's panel says past its last recorded epoch."""
    if h.diverged:
        return f"stopped at epoch {last} (diverged)"
    if h.stopped_early:
        return f"stopped at epoch {last} (early stopping)"
    return f"stopped at epoch {last}"


def _note(h: History) -> str:
    """A panel's standing note for a run that diverged or stopped early."""
    if h.diverged:
        back = "" if h.restored_epoch is None else f", weights of epoch {h.restored_epoch} restored"
        return f"diverged at epoch {h.epochs}{back}"
    if h.stopped_early:
        return f"stopped early at epoch {h.epochs} (best epoch {h.best_epoch}, its weights kept)"
    return ""


def _model(h: History) -> str:
    rp = h.replay
    return f"{rp.model}, {h.loss_name} loss, {h.epochs} epoch{'s' if h.epochs != 1 else ''}"


@dataclass
class _Scale:
    """A chart's y scale: linear from lo to hi, or logarithmic (lo > 0)."""

    lo: float
    hi: float
    log: bool = False

    def y(self, value: float) -> float:
        """The chart's y coordinate of a value, clipped to the scale (a loss of 0 on a log scale sits
        on the bottom edge)."""
        lo, hi = self.lo, self.hi
        v = min(max(value, lo), hi)
        if self.log:
            frac = (math.log10(hi) - math.log10(v)) / (math.log10(hi) - math.log10(lo))
        else:
            frac = (hi - v) / (hi - lo)
        return round(CHART_TOP + frac * (CHART_BOTTOM - CHART_TOP), 2)

    def ticks(self) -> list[float]:
        if not self.log:
            return _nice_ticks(self.lo, self.hi, 4)
        a, b = round(math.log10(self.lo)), round(math.log10(self.hi))
        step = max(1, math.ceil((b - a) / 6))
        return [10.0**k for k in range(b, a - 1, -step)][::-1]


def loss_scale(curves: list[list[float]]) -> _Scale:
    """The loss chart's scale: logarithmic when the positive values span more than LOG_SPAN (a
    diverging run must not flatten the others), else linear from 0 (or the lowest value)."""
    finite = [v for c in curves for v in c if math.isfinite(v)]
    positive = [v for v in finite if v > 0]
    if positive and min(finite) >= 0 and max(positive) / min(positive) > LOG_SPAN:
        top = 10.0 ** math.ceil(math.log10(max(positive)) - 1e-9)
        bottom = 10.0 ** math.floor(math.log10(min(positive)) + 1e-9)
        return _Scale(max(bottom, top / 10.0**LOG_DECADES), top, log=True)
    hi = max(finite) * 1.05 if finite and max(finite) > 0 else 1.0
    lo = min(finite) * 1.05 if finite and min(finite) < 0 else 0.0
    return _Scale(lo, hi)


def _log_text(v: float) -> str:
    """A decade's label: 0.01, 0.1, 1, 10, 100, 1e3 ..."""
    k = round(math.log10(v))
    return f"{v:g}" if -3 <= k <= 2 else f"1e{k}"


def _cx(epoch: float, xmax: int) -> float:
    return round(CHART_LEFT + epoch / xmax * (CHART_RIGHT - CHART_LEFT), 2)


def _segments(values: list[float]) -> list[list[tuple[int, float]]]:
    """(epoch, value) pairs split where a value is nan or infinite, so a line breaks there."""
    out: list[list[tuple[int, float]]] = [[]]
    for e, v in enumerate(values, start=1):
        if math.isfinite(v):
            out[-1].append((e, v))
        elif out[-1]:
            out.append([])
    return [s for s in out if s]


def _key(r: int, width: float = 40) -> str:
    """A run's line sample: its colour and dash pattern, as its curves are drawn."""
    dash = f' stroke-dasharray="{DASHES[r]}"' if DASHES[r] else ""
    return (
        f'<svg class="key" viewBox="0 0 {width:g} 10" aria-hidden="true"><line x1="0" y1="5" '
        f'x2="{width:g}" y2="5" stroke="{COLOURS[r]}" stroke-width="3.5"{dash}/></svg>'
    )


@dataclass
class _Chart:
    key: str  # "loss" or "acc": the frames' y entry
    label: str
    scale: _Scale
    curves: list[list[float]]  # per run, per epoch (accuracy in %)


def _chart_svg(chart: _Chart, xmax: int, dots: list[tuple[float, float | None]], caption: str) -> str:
    """A curve chart of every run, as static SVG: the page's script moves its marker and dots."""
    s = chart.scale
    parts = [
        f'<figure class="chart" data-chart="{chart.key}"><figcaption><b>{escape(chart.label)}</b> '
        f"<span>{escape(caption)}</span></figcaption>",
        f'<svg class="chart" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" '
        f'aria-label="{escape(chart.label)} per epoch, one line per run">',
        f'<rect x="{CHART_LEFT}" y="{CHART_TOP}" width="{CHART_RIGHT - CHART_LEFT}" '
        f'height="{CHART_BOTTOM - CHART_TOP}" fill="#fff" stroke="#999"/>',
    ]
    for v in s.ticks():
        y = s.y(v)
        text = _log_text(v) if s.log else _tick_text(v)
        parts.append(f'<line x1="{CHART_LEFT}" y1="{y}" x2="{CHART_RIGHT}" y2="{y}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{CHART_LEFT - 6}" y="{y + 5}" text-anchor="end">{text}</text>')
    for v in _nice_ticks(0, xmax, 5):
        parts.append(
            f'<text x="{_cx(v, xmax)}" y="{CHART_BOTTOM + 20}" text-anchor="middle">{_tick_text(v)}</text>'
        )
    parts.append(
        f'<text x="{(CHART_LEFT + CHART_RIGHT) / 2}" y="{CHART_HEIGHT - 6}" text-anchor="middle">epoch</text>'
    )
    for r, values in enumerate(chart.curves):
        dash = f' stroke-dasharray="{DASHES[r]}"' if DASHES[r] else ""
        for seg in _segments(values):
            if len(seg) == 1:  # one epoch: a dot, not a line of no length
                e, v = seg[0]
                parts.append(f'<circle cx="{_cx(e, xmax)}" cy="{s.y(v)}" r="2.5" fill="{COLOURS[r]}"/>')
                continue
            pts = " ".join(f"{_cx(e, xmax)},{s.y(v)}" for e, v in seg)
            parts.append(
                f'<polyline points="{pts}" fill="none" stroke="{COLOURS[r]}" stroke-width="3"{dash}/>'
            )
    x = _cx(xmax, xmax)
    parts.append(
        f'<line class="marker" x1="{x}" y1="{CHART_TOP}" x2="{x}" y2="{CHART_BOTTOM}" stroke="#333" '
        'stroke-width="2"/>'
    )
    for r, (dx, dy) in enumerate(dots):
        vis = "hidden" if dy is None else "visible"
        parts.append(
            f'<circle class="dot" data-line="{r}" cx="{dx}" cy="{dy or 0}" r="6" fill="{COLOURS[r]}" '
            f'stroke="#111" stroke-width="1.2" visibility="{vis}"/>'
        )
    parts.append("</svg></figure>")
    return "\n".join(parts)


def _points(rp: Replay) -> str:
    """The run's training points over its regions, in the panel's square."""
    x0, x1, y0, y1 = rp.extent
    out = []
    for (a, b), c, fill in zip(rp.X, rp.labels, point_fills(rp)):  # a regression's by its target
        px = (a - x0) / (x1 - x0) * SQUARE
        py = (y1 - b) / (y1 - y0) * SQUARE
        out.append(_marker(int(c), px, py, fill, 7.5))
    return '<g class="points">' + "".join(out) + "</g>"


def _png(image: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


def _page(
    runs: list[tuple[str, History]], title: str | None
) -> tuple[str, FrameHeight, tuple[str, ...], tuple[int, ...], str]:
    names = tuple(name for name, _ in runs)
    n = len(runs)
    title = title if title is not None else f"Comparing {n} training run{'s' if n != 1 else ''}"
    epochs = _union([h.replay.frame_epochs for _, h in runs])
    xmax = max(1, epochs[-1], *(h.epochs for _, h in runs))

    losses = sorted({h.loss_name for _, h in runs})
    scale = loss_scale([h.loss for _, h in runs])
    charts = [_Chart("loss", f"Training loss ({', '.join(losses)})", scale, [h.loss for _, h in runs])]
    if any(h.accuracy for _, h in runs):
        acc = [[100 * a for a in h.accuracy] for _, h in runs]
        charts.append(_Chart("acc", "Training accuracy (%)", _Scale(0.0, 100.0), acc))

    # per run: every recorded frame (its picture, words, numbers and dots), and its panel
    data_runs: list[dict[str, Any]] = []
    panels: list[str] = []
    texts: list[_PanelText] = []
    for r, (name, h) in enumerate(runs):
        rp = h.replay
        cols = _columns(h)
        frames = []
        for epoch, image in zip(rp.frame_epochs, rp.images):
            ys: dict[str, float | None] = {}
            for chart in charts:
                v = _at(h.loss if chart.key == "loss" else h.accuracy, epoch)
                ys[chart.key] = None if v is None else chart.scale.y(v if chart.key == "loss" else 100 * v)
            frames.append(
                {
                    "epoch": epoch,
                    "png": _png(image),
                    "label": _epoch_words(epoch),
                    "v": [(_pct if "acc" in key else _num)(_at(values, epoch)) for key, _, values in cols],
                    "x": _cx(epoch, xmax),
                    "y": ys,
                }
            )
        last = rp.frame_epochs[-1]
        stopped = _stopped(h, last)
        data_runs.append({"frames": frames, "stopped": stopped})
        final = frames[_latest(rp.frame_epochs, epochs[-1])]
        past = epochs[-1] > last
        note = _note(h)
        nums = "".join(
            f'<span>{words} <b class="v">{escape(final["v"][j])}</b></span>'
            for j, (_, words, _) in enumerate(cols)
        )
        panels.append(
            f'<section class="run panel" data-run="{r}"{" data-past" if past else ""} '
            f'aria-label="run {r + 1}: {escape(name)}">\n'
            f'<h2>{_key(r)}<span class="name">{escape(name)}</span></h2>\n'
            f'<svg class="plot" viewBox="0 0 {SQUARE} {SQUARE}" role="img" '
            f'aria-label="{escape(name)}: the plane coloured by the class the model predicts, with the '
            'training points">\n'
            f'<image class="frame" data-epoch="{final["epoch"]}" href="{final["png"]}" x="0" y="0" '
            f'width="{SQUARE}" height="{SQUARE}" preserveAspectRatio="none"/>\n'
            f"{_points(rp)}\n"
            f'<rect x="0.5" y="0.5" width="{SQUARE - 1}" height="{SQUARE - 1}" fill="none" stroke="#333"/>'
            "</svg>\n"
            f'<p class="status">{escape(stopped if past else final["label"])}</p>\n'
            f'<p class="nums">{nums}</p>\n'
            f'<p class="model">{escape(_model(h))}</p>\n'
            + (f'<p class="note">{escape(note)}</p>\n' if note else "")
            + "</section>"
        )
        longest = max([stopped] + [f["label"] for f in frames], key=len)
        widest = [max(len(f["v"][j]) for f in frames) for j in range(len(cols))]
        words = [f"{w} {'x' * k}" for (_, w, _), k in zip(cols, widest)]
        texts.append(_PanelText(name, longest, words, _model(h), note))

    steps: list[dict[str, Any]] = []
    for e in epochs:
        picks = [_latest(h.replay.frame_epochs, e) for _, h in runs]
        steps.append(
            {
                "epoch": e,
                "x": _cx(e, xmax),
                "label": "before training (epoch 0)" if e == 0 else f"epoch {e} of {xmax}",
                "k": picks,
                "p": [int(e > h.replay.frame_epochs[-1]) for _, h in runs],
            }
        )
    final_step = steps[-1]
    chart_svgs = []
    captions = []
    for chart in charts:
        dots = [
            (data_runs[r]["frames"][k]["x"], data_runs[r]["frames"][k]["y"][chart.key])
            for r, k in enumerate(final_step["k"])
        ]
        if chart.key == "loss":
            caption = "linear scale"
            if chart.scale.log:
                ticks = chart.scale.ticks()
                ratio = ticks[1] / ticks[0] if len(ticks) > 1 else 10.0
                caption = f"log scale, gridlines ×{ratio:g}"
            if chart.scale.log and any(v <= 0 for c in chart.curves for v in c if math.isfinite(v)):
                caption += " (a loss of 0 on the bottom edge)"
        else:
            caption = "linear scale"
        captions.append((chart.label, caption))
        chart_svgs.append(_chart_svg(chart, xmax, dots, caption))

    classes = max(h.replay.classes for _, h in runs)
    class_items = [
        f'<li><svg viewBox="-8 -8 16 16" aria-hidden="true">{_marker(c, 0, 0, CLASS_COLORS[c % 7], 6)}</svg>'
        f"class {c}</li>"
        for c in range(classes)
    ]
    class_words = [f"class {c}" for c in range(classes)] + [BOUNDARY_WORDS, PALER_WORDS]
    run_items = [f"<li>{_key(r)}{escape(name)}</li>" for r, name in enumerate(names)]
    sub = (
        f"One slider for {n} run{'s' if n != 1 else ''}, epochs 0 to {xmax}: each panel shows its run at "
        "that epoch, the curves are below."
    )
    body = f"""<header>
<h1>{escape(title)}</h1>
<p class="sub">{escape(sub)}</p>
</header>
{slider_controls("Epoch of every run", len(steps), "where", final_step["label"])}
<main class="compare">
<div class="runs" data-count="{n}">
{chr(10).join(panels)}
</div>
<ul class="legend classes">{"".join(class_items)}
<li><svg viewBox="0 0 16 16" aria-hidden="true"><line x1="0" y1="8" x2="16" y2="8" stroke="#333"
 stroke-width="3"/></svg>{BOUNDARY_WORDS}</li><li>{PALER_WORDS}</li></ul>
<section class="curves" aria-label="the curves of every run">
<ul class="legend runs-key">{"".join(run_items)}</ul>
<div class="charts">
{chr(10).join(chart_svgs)}
</div>
</section>
</main>
<footer><p>{FOOTER}
<span class="address">Link to an epoch with <code>#epoch-40</code> at the end of this page's address.</span>
Made with autograd_lite; works offline.</p></footer>
{json_script("compare-data", {"runs": data_runs, "steps": steps, "delay": 180})}"""
    height = _frame_height(title, sub, texts, class_words, list(names), captions)
    html = document(title, body, script=COMPARE_JS, css=COMPARE_CSS)
    return html, height, names, tuple(epochs), title


BOUNDARY_WORDS = "decision boundary"
PALER_WORDS = "paler shade: the model is less sure"
FOOTER_WORDS = "Drag the slider or press ← →; Space plays and pauses, Home / End jump."
FOOTER = (
    "Drag the slider or press <kbd>&#8592;</kbd> <kbd>&#8594;</kbd>; <kbd>Space</kbd> plays and pauses, "
    "<kbd>Home</kbd> / <kbd>End</kbd> jump."
)


# --- the page in a frame (a notebook's output cell) -----------------------------------------------
#
# html[data-framed] in web/compare.css: 14px text, the page at most FRAME_MAX px wide; the panels
# three to a row from a frame 800px wide, two from 541px, one below; the charts side by side from
# 900px. Each panel's square is as wide as the panel: it grows with the frame, at most by
# rows / columns px per px of width, the slope below (the columns change in steps, which the text's
# steps take up).

GAP = 14.0  # 1rem: between panels, and between charts
PANEL_X, PANEL_Y = 2 * 12.6, 2 * 8.4  # a panel's padding (0.9rem, 0.6rem each side)


def _cols(frame: float) -> int:
    return 3 if frame >= 800 else 2 if frame >= 541 else 1


@dataclass
class _PanelText:
    name: str
    status: str  # its longest status line
    numbers: list[str]  # "loss 0.3477", ... at their widest
    model: str
    note: str


def _frame_height(
    title: str, sub: str, panels: list[_PanelText], classes: list[str], names: list[str], captions
) -> FrameHeight:
    """The page's height in a frame (see autograd_lite.html.FrameHeight), worked out at each of
    FRAME_WIDTHS. The squares and the charts grow with the width, at a rate that steps down where
    more of them go to a row; the slope is the fastest of those rates, so between two widths the
    frame grows at least as fast as the page, and its text part only steps down (as FrameHeight.css
    needs)."""
    inset = 2 * FRAME_SIDE
    layouts = [(w, *_frame_page(w, title, sub, panels, classes, names, captions)) for w in FRAME_WIDTHS]
    slope = max(rate for _, _, rate in layouts)
    steps = tuple((w, height - slope * (min(w, FRAME_MAX) - inset)) for w, height, _ in layouts)
    return FrameHeight(steps, slope=slope, inset=inset, cap=slope * (FRAME_MAX - inset))


def _frame_page(frame: int, title, sub, panels: list[_PanelText], classes, names, captions):
    """The page's height in a frame `frame` px wide, and how fast its pictures grow there (px per px
    of width), as CSS lengths of that layout: 14px text at line-height 1.45 (20.3px); a panel's name
    15.4px bold, its model and note 11.9px; the legends 12.6px, the footer 11.9px."""
    content = min(frame, FRAME_MAX) - 2 * FRAME_SIDE
    cols = _cols(frame)
    inner = (content - (cols - 1) * GAP) / cols - PANEL_X  # a panel's inside: its square's side
    top = 7 + 22.68 * wrapped_lines(title, content, 18.9, "bold") + 2.8  # h1
    top += 20.3 * wrapped_lines(sub, content, 14) + 7 + 53.3 + 11.2  # the line under it, the controls
    heights = []
    for p in panels:
        h = PANEL_Y + 19.25 * wrapped_lines(p.name, inner - 2.4 * 15.4 - 5.6, 15.4, "bold") + 4.2  # h2
        h += inner + 4.2 + 20.3 * wrapped_lines(p.status, inner, 14, "bold")
        h += 20.3 * flex_lines([len(t) * 14 * EM["sans"] for t in p.numbers], inner, 14)
        h += 2.8 + 17.26 * wrapped_lines(p.model, inner, 11.9)
        if p.note:
            h += 17.26 * wrapped_lines(p.note, inner, 11.9, "bold")
        heights.append(h)
    rows = math.ceil(len(heights) / cols)
    grid = sum(max(heights[i : i + cols]) for i in range(0, len(heights), cols)) + GAP * (rows - 1)
    legend = 0.0
    for words, mark in ((classes, 1.4), (names, 2.9)):  # a marker or a line sample, then the words
        lines = flex_lines([12.6 * mark + len(t) * 12.6 * EM["sans"] for t in words], content, 16.8)
        legend += GAP + 18.27 * lines + 4.2 * (lines - 1)
    legend += 5.6  # the run key's margin
    chart_cols = 2 if frame >= 900 else 1
    width = (content - (chart_cols - 1) * GAP) / chart_cols
    charts = []
    for label, caption in captions:
        words = [len(label) * 14 * EM["bold"], len(caption) * 14 * EM["sans"]]
        charts.append(20.3 * flex_lines(words, width, 14) + width * CHART_HEIGHT / CHART_WIDTH)
    chart_rows = math.ceil(len(charts) / chart_cols)
    curves = sum(max(charts[i : i + chart_cols]) for i in range(0, len(charts), chart_cols))
    curves += GAP * (chart_rows - 1)
    footer = FOOTER_WORDS + " Made with autograd_lite; works offline."
    bottom = GAP + 4.2 + 17.26 * wrapped_lines(footer, content, 11.9) + 11.2
    rate = rows / cols + chart_rows / chart_cols * CHART_HEIGHT / CHART_WIDTH
    return top + grid + legend + curves + bottom + 4, rate  # 4: rounding
