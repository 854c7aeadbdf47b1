"""A training run replayed in one self-contained HTML page: the model over the plane epoch by epoch.

`fit(..., record=True)` runs a `Recorder`, a fit callback reading the `Run`
the loop hands it, which keeps a `Replay` on the History: the data and, at
recorded epochs, the plane coloured by the class the model predicts (shaded
by how sure it is, the boundary drawn dark; a regression: its output's value)
as a tiny palette PNG encoded by Pillow, and inside the network (nn.network_view)
every neuron's map, the weights, grads and the optimizer's last step.
`History.to_html(path)` (or `record="run.html"`) asks the Replay for
the page: the regions with the points on top, the loss and accuracy curves
with a marker at the shown epoch, a slider and Play / Pause.

The page stays small whatever the run: at most MAX_FRAMES + 1 frames
(epoch 0, then every k = ceil(epochs / MAX_FRAMES) epochs, and the last one),
each a RESOLUTION x RESOLUTION image of one byte per cell before compression
(a few kB after: regions are flat colour).
"""

from __future__ import annotations

import base64
import copy
import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import numpy as np

from autograd_lite import backward_steps, no_grad
from autograd_lite.display import frame
from autograd_lite.html import (
    EM,
    FRAME_MAX,
    FRAME_SIDE,
    FRAME_WIDTHS,
    FrameHeight,
    Page,
    check_html_path,
    document,
    flex_lines,
    json_script,
    slider_controls,
    web_file,
    wrapped_lines,
    write_page,
)
from autograd_lite.palette import OKABE_ITO
from autograd_lite.stepper import BackwardStepper

from .network_view import (
    LINE_BUDGET,
    MAP_RES,
    MAX_DRAWN_PARAMETERS,
    MAX_MAP_NEURONS,
    STEP_BUDGET,
    Network,
    activations,
    backprop,
    cells,
    example_loss,
    grid,
    kept_every,
    layout,
    map_palette,
    model_inputs,
    network,
    pieces,
)
from .tasks import class_indices, decide, describe
from .train import Callback, History, Run, _divergence, predict

MAX_FRAMES = 60  # frames after epoch 0; with it and the last epoch, at most 61
RESOLUTION = 200  # cells per side of each decision-region image
BANDS = 5  # shades per class, from unsure (pale) to sure

CLASS_COLORS = [OKABE_ITO[c] for c in ("blue", "vermillion", "green", "orange", "purple", "sky", "yellow")]
BOUNDARY = (0x33, 0x33, 0x33)
MARKERS = ("circle", "square", "triangle", "diamond", "down")


def every(epochs: int) -> int:
    """Record every k-th epoch, k chosen so a run gives at most MAX_FRAMES frames after epoch 0."""
    return max(1, math.ceil(epochs / MAX_FRAMES))


@dataclass
class Replay:
    """What the replay page shows: the 2-D training data and the regions at recorded epochs."""

    X: np.ndarray  # (n, 2) training inputs
    labels: np.ndarray  # (n,) class indices 0..K-1
    classes: int
    extent: tuple[float, float, float, float]  # x min, x max, y min, y max of the images
    model: str  # e.g. "MLP 2-16-16-1 (relu)"
    epochs_planned: int
    every: int
    frame_epochs: list[int] = field(default_factory=list)
    images: list[bytes] = field(default_factory=list)  # PNG files, one per recorded epoch
    #: Whether each image has a boundary line in it (a model that predicts one class everywhere has none).
    boundaries: list[bool] = field(default_factory=list)
    #: Inside the network (nn.network_view): its layers of neurons, or None for a model it cannot read
    net: Network | None = None
    #: whether the page draws it (a network it can read, small enough), and why not if it does not
    drawn: bool = False
    maps_note: str | None = None
    features: tuple[str, ...] | None = None  # fit(features=...)'s names: the inputs are these columns
    input_maps: np.ndarray | None = None  # (inputs, MAP_RES, MAP_RES): each input over the plane
    #: per recorded epoch: every hidden neuron's output over the plane, (hidden, MAP_RES, MAP_RES)
    maps: list[np.ndarray] = field(default_factory=list)
    weights: list[np.ndarray] = field(default_factory=list)  # per recorded epoch, named_parameters() order
    grads: list[np.ndarray | None] = field(default_factory=list)  # the epoch's last step's (None: epoch 0)
    #: per recorded epoch: the optimizer's last step for each parameter (nn.optim.Explanation), if seen
    steps: list[list | None] = field(default_factory=list)
    optimizer: str = ""  # e.g. "Adam(lr=0.02, betas=(0.9, 0.999), ...)"
    #: per epoch (1, 2, ...): the mean |grad| of each layer's weights at the epoch's last step
    layer_grads: list[list[float]] = field(default_factory=list)
    #: per recorded epoch: one training example's backward pass (nn.network_view.backprop)
    backprops: list[dict | None] = field(default_factory=list)
    #: for backward_steps(): a copy of the model, the loss, and the training inputs and targets
    example: tuple | None = field(default=None, repr=False)
    chosen: int = 0  # the training example the page steps through
    #: every how many frames the optimizer's steps and the backward pass are kept (STEP_BUDGET, LINE_BUDGET)
    ex_every: int = 1
    bp_every: int = 1
    #: a regression's targets (the points are coloured by them) and the number its map draws deepest
    targets: np.ndarray | None = None
    value_scale: float = 1.0

    @property
    def frames(self) -> int:
        return len(self.images)

    def page(
        self, history: History, path: str | os.PathLike | None = None, *, title: str | None = None
    ) -> str:
        """The replay page of these frames with `history`'s curves; written to `path` if given."""
        if path is not None:
            path = check_html_path(os.fspath(path))
        text, _ = _page(self, history, title)
        if path is not None:
            write_page(path, text)
        return Page(text, path)

    def backward_steps(self, epoch: int, example: int = 0) -> BackwardStepper:
        """The backward pass of training example `example` (from 0) through the network at the weights
        of the recorded epoch nearest `epoch`, as a stepper: step it, print it, or `.to_html(path)` for
        the backward-pass page (a whole network's page is big: `max_cells=None`). The page's
        "Backprop at this epoch" is the first example's. The recording is left as it is."""
        if self.example is None or not self.weights:
            raise ValueError(
                "this replay has no network to step through: the recorder reads an MLP, a Layer or a "
                f"Sequential of Linear layers{f' ({self.maps_note})' if self.maps_note else ''}"
            )
        model, fn, inputs, targets = self.example
        if not isinstance(epoch, int | np.integer) or isinstance(epoch, bool):
            raise TypeError(f"epoch must be a whole number, got {epoch!r}")
        if not isinstance(example, int | np.integer) or not 0 <= example < len(inputs):
            raise ValueError(
                f"example must be a training example's index, 0 to {len(inputs) - 1}; got {example!r}"
            )
        if not 0 <= epoch <= self.frame_epochs[-1]:
            raise ValueError(f"epoch must be from 0 to {self.frame_epochs[-1]} (the run's last); got {epoch}")
        k = min(range(len(self.frame_epochs)), key=lambda i: abs(self.frame_epochs[i] - epoch))
        net = _copy_at(self, k)  # the copy's grads start from none: a pass stepped before would add to them
        loss, _, _ = example_loss(net, inputs[example], targets[example], fn)
        return backward_steps(loss)

    def frame(self, history: History, *, title: str | None = None) -> tuple[str, FrameHeight]:
        """The page (as `page()` makes it) and the height it takes in a frame (a notebook's)."""
        return _page(self, history, title)


class Recorder(Callback):
    """fit(record=...)'s callback: it snapshots the regions at epoch 0, every `every` epochs and the
    last, reading the Run that fit hands it; every check happens before training starts."""

    def __init__(self, record: bool | str | os.PathLike):
        if record is True:
            self.path = None
        elif isinstance(record, str | os.PathLike):
            self.path = check_html_path(os.fspath(record))
        else:
            raise TypeError(
                f"record must be True or the path of an .html file to write, got {type(record).__name__}"
            )

    def start(self, run: Run) -> None:
        task = run.task
        X = run.plane if run.plane is not None else run.X  # with features: the plane they came from
        if X.shape[1] != 2:
            raise ValueError(
                f"record= replays the model over the plane, so X needs 2 features; it has {X.shape[1]}"
                + ("" if run.plane is None else " (before fit's features=)")
            )
        self.model = run.model
        self.task = task
        self.run = run
        self.features = run.features
        out = predict(self.model, model_inputs(X[:1], self.features))
        if task.classifies:
            labels = class_indices(run.y)
            classes = max(int(labels.max()) + 1, out.shape[1] if out.ndim == 2 else 2)
        elif out.ndim == 2 and out.shape[1] != 1:
            raise ValueError(
                f"record= draws a regression's one output over the plane; this model has {out.shape[1]}"
            )
        else:  # a regression (the Playground's plane and multi-gauss): the output's value over the plane
            labels, classes = np.zeros(len(X), dtype=int), 0
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.1 * np.maximum(hi - lo, 1e-9) + 0.1
        extent = (float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1]))
        self.grid = model_inputs(grid(extent, RESOLUTION), self.features)  # top row first: y max
        self.palette = _palette(classes) if classes else map_palette()
        self.replay = rp = Replay(
            X.copy(), labels, classes, extent, describe(self.model), run.epochs, every(run.epochs)
        )
        if not classes:
            targets = np.asarray(run.y, dtype=float).ravel()
            rp.targets = targets
            rp.value_scale = float(np.max(np.abs(targets[np.isfinite(targets)]), initial=0.0)) or 1.0
        rp.features = self.features
        rp.optimizer = f"{type(run.optimizer).__name__}, lr = {run.optimizer.lr:g}"
        inputs = list(self.features) if self.features is not None else ["x1", "x2"]
        rp.net = net = network(self.model, inputs)
        self.small = model_inputs(grid(extent, MAP_RES), self.features)
        self.params = [p for _, p in self.model.named_parameters()] if net is not None else []
        order = {id(p): i for i, p in enumerate(run.optimizer.params)}
        # each named parameter's place among the optimizer's (whose order run.weights() gives)
        self.place = np.array([order.get(id(p), -1) for p in self.params], dtype=np.intp)
        self.before: tuple | None = None
        if net is None:
            rp.maps_note = (
                f"the replay draws the neurons of an MLP or a Sequential of Linear layers; this model is a "
                f"{type(self.model).__name__}, so it shows the output alone"
            )
        elif net.hidden > MAX_MAP_NEURONS or len(net.names) > MAX_DRAWN_PARAMETERS:
            rp.maps_note = (
                f"this network has {net.hidden} hidden neurons and {len(net.names)} parameters; the page "
                f"draws a network of up to {MAX_MAP_NEURONS} and {MAX_DRAWN_PARAMETERS} (a picture per "
                "neuron and a line per weight at every frame), so it shows the output and its gradients"
            )
        else:
            rp.drawn = True
            planned = len(range(0, run.epochs + 1, rp.every)) + (1 if run.epochs % rp.every else 0)
            rp.ex_every = kept_every(planned * len(net.names), STEP_BUDGET)
            rp.input_maps = self.small.T.reshape(-1, MAP_RES, MAP_RES).astype(np.float32)
            rp.example = (copy.deepcopy(self.model), task.fn, run.X.copy(), np.array(run.targets, copy=True))
        self.start_loss = run.training_loss() if run.epochs else math.nan  # to tell a blow-up, as fit does
        self.snapshot(0)  # the initial weights

    def snapshot(self, epoch: int) -> None:
        """Record the regions the model predicts now (a regression: its output), as the frame of `epoch`."""
        rp = self.replay
        if not rp.classes:
            with np.errstate(over="ignore", invalid="ignore"):
                out = np.ravel(predict(self.model, self.grid))
            rp.frame_epochs.append(epoch)
            rp.images.append(png(cells(out, rp.value_scale).reshape(RESOLUTION, RESOLUTION), self.palette))
            rp.boundaries.append(False)
            self._inside(epoch)
            return
        with np.errstate(over="ignore", invalid="ignore"):
            out = predict(self.model, self.grid)
            cls, sure = _regions(out, self.task)
        pixels = cls * BANDS + np.minimum((sure * BANDS).astype(int), BANDS - 1)
        pixels = pixels.reshape(RESOLUTION, RESOLUTION)
        cls = cls.reshape(RESOLUTION, RESOLUTION)
        edge = np.zeros_like(cls, dtype=bool)
        edge[:, 1:] |= cls[:, 1:] != cls[:, :-1]
        edge[1:, :] |= cls[1:, :] != cls[:-1, :]
        pixels[edge] = len(self.palette) - 1
        rp.frame_epochs.append(epoch)
        rp.images.append(png(pixels.astype(np.uint8), self.palette))
        rp.boundaries.append(bool(edge.any()))
        self._inside(epoch)

    def _inside(self, epoch: int) -> None:
        """The frame's view inside the network: every neuron's map, the weights, grads and steps."""
        rp = self.replay
        net = rp.net
        if net is None or not rp.drawn:
            return
        if net.mapped_layers:
            hidden = activations(net, self.small)[: net.mapped_layers]
            with np.errstate(over="ignore", invalid="ignore"):  # a diverged run's neurons: inf, drawn deepest
                rp.maps.append(np.concatenate(hidden).reshape(-1, MAP_RES, MAP_RES).astype(np.float32))
        run = self.run
        weights, grads = self._named(run.weights()), (self._named(run.grads()) if epoch else None)
        rp.weights.append(weights)
        rp.grads.append(grads)
        rp.steps.append(self._explain(epoch, grads))

    def _named(self, values) -> np.ndarray:
        """Numbers in the optimizer's order, put in named_parameters() order (nan: not the optimizer's)."""
        values = np.asarray(values, dtype=np.float64)
        out = values[np.maximum(self.place, 0)]
        out[self.place < 0] = np.nan
        return out

    def before_last_step(self, run: Run, epoch: int) -> None:
        """Keep the numbers the epoch's last step starts from, at an epoch the replay records."""
        rp = self.replay
        if not rp.drawn or not (epoch % rp.every == 0 or epoch == run.epochs):
            return
        if epoch != run.epochs and (epoch // rp.every) % rp.ex_every:  # a frame whose steps are not kept
            return
        state = run.optimizer.state
        self.before = (epoch, self._named(run.weights()), [_copy(state.get(p)) for p in self.params])

    def _explain(self, epoch: int, grads: np.ndarray | None) -> list | None:
        """The optimizer's last step of `epoch` for every parameter, from the numbers it started from."""
        if grads is None or self.before is None or self.before[0] != epoch:
            return None
        _, data, states = self.before
        opt = self.run.optimizer
        explain = getattr(opt, "explain", None)
        if explain is None:
            return None
        out = []
        for p, d, g, s in zip(self.params, data.tolist(), grads.tolist(), states):
            out.append(None if g != g else explain(p, data=d, grad=g, state=s))
        return out

    def epoch_done(self, run: Run, epoch: int) -> bool:
        net = self.replay.net
        if net is not None:
            g = np.abs(self._named(run.grads()))
            self.replay.layer_grads.append(
                [
                    float(np.nanmean(g[idx])) if idx and not np.isnan(g[idx]).all() else math.nan
                    for idx in net.weight_layers()
                ]  # fmt: skip
            )
        if (
            epoch % self.replay.every == 0
            or run.step_error
            or _divergence(run.history.loss[-1], self.start_loss)
        ):
            self.snapshot(epoch)  # a blow-up too: the weights are put back after this (Divergence)
        return False

    def finish(self, run: Run) -> None:
        """Record the last epoch if it was not; the backward pass of the example the trained model gets
        most wrong at every frame; keep the replay on the history; write the page if asked."""
        history = run.history
        rp = self.replay
        if rp.frame_epochs[-1] != history.epochs:
            self.snapshot(history.epochs)
        if rp.drawn and rp.example is not None:
            rp.chosen = _worst(rp)
            last = _backprop_at(rp, rp.frames - 1, rp.chosen)
            lines = sum(len(s["lines"]) for s in last["steps"])
            rp.bp_every = kept_every(rp.frames * lines, LINE_BUDGET)
            rp.backprops = [
                _backprop_at(rp, k, rp.chosen) if k % rp.bp_every == 0 else None for k in range(rp.frames - 1)
            ] + [last]
        history.replay = rp
        if self.path is not None:
            self.replay.page(history, self.path)


#: the examples the recorder weighs to choose the one the page steps through
MAX_WEIGHED = 2_000


def _worst(rp: Replay) -> int:
    """The training example with the largest loss at the last frame (among the first MAX_WEIGHED):
    the page steps through it, so its grads are not all 0 (hinge's examples past the margin are)."""
    assert rp.example is not None
    model, fn, inputs, targets = rp.example
    net = _copy_at(rp, len(rp.weights) - 1)
    losses = []
    with no_grad(), np.errstate(all="ignore"):
        for i in range(min(len(inputs), MAX_WEIGHED)):
            loss, _, _ = example_loss(net, inputs[i], targets[i], fn)
            losses.append(float(loss.data))
    finite = [v if math.isfinite(v) else -math.inf for v in losses]
    return int(np.argmax(finite)) if finite else 0


def _copy_at(rp: Replay, k: int) -> Network:
    """The replay's copy of the model at frame k's weights, as layers of neurons."""
    assert rp.example is not None
    model = rp.example[0]
    for (_, p), w in zip(model.named_parameters(), rp.weights[k].tolist()):
        p.data = w
    model.zero_grad()
    net = network(model, list(rp.net.inputs) if rp.net is not None else ["x1", "x2"])
    assert net is not None
    return net


def _backprop_at(rp: Replay, k: int, example: int) -> dict:
    assert rp.example is not None
    model, fn, inputs, targets = rp.example
    net = _copy_at(rp, k)
    out = backprop(net, [p for _, p in model.named_parameters()], inputs[example], targets[example], fn)
    out["example"] = example
    out["point"] = [f"{v:.4g}" for v in rp.X[example]]
    return out


def _copy(state: dict | None) -> dict:
    """A parameter's optimizer state, its numbers copied ({}: none yet, so a first step)."""
    if state is None:
        return {}
    return {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in state.items()}


def _regions(out: np.ndarray, task) -> tuple[np.ndarray, np.ndarray]:
    """The predicted class of every grid point, and how sure the model is of it (0 to 1)."""
    if out.ndim == 2:
        z = np.exp(out - out.max(axis=1, keepdims=True))
        p = z / z.sum(axis=1, keepdims=True)
        k = out.shape[1]
        sure = (p.max(axis=1) - 1 / k) / (1 - 1 / k)
    elif task.kind == "probability":
        sure = np.abs(2 * out - 1)
    else:  # a margin or a logit: how far past the threshold, squashed into [0, 1)
        sure = np.tanh(np.abs(out - task.threshold))
    cls = decide(out, task.threshold)
    return cls.astype(int), np.nan_to_num(np.clip(sure, 0.0, 1.0), nan=0.0)


def _palette(classes: int) -> list[tuple[int, int, int]]:
    """BANDS tints of each class colour over white (pale = unsure), then the boundary colour."""
    colours = []
    for c in range(classes):
        r, g, b = _rgb(CLASS_COLORS[c % len(CLASS_COLORS)])
        for band in range(BANDS):
            a = 0.12 + 0.38 * band / (BANDS - 1)
            colours.append(
                (round(255 * (1 - a) + r * a), round(255 * (1 - a) + g * a), round(255 * (1 - a) + b * a))
            )
    colours.append(BOUNDARY)
    if len(colours) > 256:
        raise ValueError(f"a replay draws at most {255 // BANDS} classes, this model has {classes}")
    return colours


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def png(pixels: np.ndarray, palette: list[tuple[int, int, int]]) -> bytes:
    """A palette PNG of a 2-D array of palette indices (Pillow's encoder): small for flat regions."""
    from PIL import Image  # matplotlib's own dependency; imported here so `import nn` stays quick

    h, w = pixels.shape
    image = Image.frombytes("P", (w, h), np.ascontiguousarray(pixels, dtype=np.uint8).tobytes())
    image.putpalette([v for rgb in palette for v in rgb])
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=9)
    return out.getvalue()


# --- a History in a notebook -----------------------------------------------------------


def history_bundle(history: History, include=None, exclude=None) -> dict:
    """How Jupyter shows a History (`History._repr_mimebundle_`): the replay page in a sandboxed
    frame when it was recorded (autograd_lite.display.frame), else a table of its last epoch and
    its curves as a picture; its repr as text. Never an error: anything that fails leaves the text."""
    bundle = {"text/plain": repr(history)}
    if (include and "text/html" not in include) or (exclude and "text/html" in exclude):
        return bundle
    try:
        rp = history.replay
        if isinstance(rp, Replay) and rp.frames:
            page, height = rp.frame(history)
            bundle["text/html"] = frame(page, height, title=f"Training replay: {rp.model}")
        else:
            bundle["text/html"] = summary_html(history)
    except Exception:  # a display hook never raises: the text is there
        pass
    return bundle


def summary_html(history: History) -> str:
    """An unrecorded History as HTML: its last epoch's numbers in a table, the curves below (a PNG)."""

    def num(v: float) -> str:
        return f"{v:.4g}"

    def pct(v: float) -> str:
        return f"{100 * v:.1f}%"

    n = history.epochs
    head = f"Training: {n} epoch{'s' if n != 1 else ''}, {history.loss_name} loss"
    if history.stopped_early:
        head += f", stopped early (best epoch {history.best_epoch}, its weights kept)"
    if history.diverged:
        head += ", diverged" + (
            "" if history.restored_epoch is None else f" (weights of epoch {history.restored_epoch} restored)"
        )
    if not n:
        return f"<p>{escape(head)}</p>"
    # name, then the training and validation values and how to write them
    columns: list[tuple[str, list[float], list[float], Callable[[float], str]]]
    columns = [("loss", history.loss, history.val_loss, num)]
    for name in history.metrics:
        show: Callable[[float], str] = pct if name == "accuracy" else num
        columns.append((name, history.metrics[name], history.val_metrics.get(name, []), show))
    cells = "".join(f"<th>{escape(name)}</th>" for name, *_ in columns)
    body = ""
    for label, validation in [("training", False)] + ([("validation", True)] if history.val_loss else []):
        body += f"<tr><th>{label}</th>"
        for _, train, val, show in columns:
            values = val if validation else train
            body += f'<td style="text-align:right">{escape(show(values[-1])) if values else "—"}</td>'
        body += "</tr>"
    table = f"<table><thead><tr><th>epoch {n}</th>{cells}</tr></thead><tbody>{body}</tbody></table>"
    from . import plot  # matplotlib: only when a History is shown

    curves = base64.b64encode(plot.png(plot.history(history))).decode("ascii")
    picture = f'<img src="data:image/png;base64,{curves}" alt="{escape(head)}: loss per epoch">'
    return f'<div class="autograd-lite-history"><p>{escape(head)}</p>{table}{picture}</div>'


# --- the page ------------------------------------------------------------------------

PLOT, PAD = 440, 64  # the regions' square, in SVG units, and the room for the axes
CHART_WIDTH, CHART_HEIGHT = 520, 214  # a curve chart, in SVG units
# The edges of a chart's plotting area; the margins leave room for the y ticks' numbers on the
# left and for the x ticks' numbers and the word "epoch" below.
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 62, CHART_WIDTH - 26, 12, CHART_HEIGHT - 54

# The page's own files, in nn/web/ (package data); the shell, palette and controls are autograd_lite's.
REPLAY_CSS = web_file("replay.css", "nn")
REPLAY_JS = web_file("replay.js", "nn")


def page(history: History, path: str | os.PathLike | None = None, *, title: str | None = None) -> str:
    """The replay page of a History recorded with `fit(record=...)`; written to `path` if given."""
    if not isinstance(history, History):
        raise TypeError(f"page() takes the History that fit() returns, got {type(history).__name__}")
    return history.to_html(path, title=title)


def _page(rp: Replay, history: History, title: str | None) -> tuple[str, FrameHeight]:
    title = title if title is not None else f"Training replay: {rp.model}"
    trained = history.epochs
    xmax = max(trained, rp.frame_epochs[-1], 1)
    charts = [_Chart.of("loss", f"Loss ({history.loss_name})", history.loss, history.val_loss)]
    if history.accuracy:
        acc = [100 * a for a in history.accuracy]
        vacc = [100 * a for a in history.val_accuracy]
        charts.append(_Chart.of("acc", "Accuracy (%)", acc, vacc, scale=(0.0, 100.0)))
    chart_svgs = [_chart_svg(chart, xmax=xmax, best_epoch=history.best_epoch) for chart in charts]

    frames: list[dict] = []
    # a frame's boundary line, if it has one: the legend names it only while one is drawn
    drawn = [rp.boundaries[i] if i < len(rp.boundaries) else True for i in range(len(rp.images))]
    for epoch, image, line in zip(rp.frame_epochs, rp.images, drawn):
        x = _cx(epoch, xmax)
        ys = {}
        for chart in charts:
            ys[chart.key] = chart.y(_at(chart.train, epoch))
            ys["val_" + chart.key] = chart.y(_at(chart.val, epoch))
        frames.append(
            {
                "epoch": epoch,
                "png": "data:image/png;base64," + base64.b64encode(image).decode("ascii"),
                "x": round(x, 2),
                "y": ys,
                "text": _readout(history, epoch, xmax),
                "boundary": line,
            }
        )
    inside = pieces(rp, frames, png) if rp.drawn and len(rp.weights) == len(frames) else None
    if rp.layer_grads:  # also for a network too big to draw: the vanishing gradients show in it
        chart_svgs.append(_grad_chart(rp.layer_grads, frames, xmax))
    final = frames[-1]
    points = _points(rp)
    legend = "".join(
        f'<li><svg viewBox="-8 -8 16 16" aria-hidden="true">{_marker(c, 0, 0, CLASS_COLORS[c % 7], 6)}</svg>'
        f"class {c}</li>"
        for c in range(rp.classes)
    )
    if not rp.classes:  # a regression: the output's value, and the points' targets, on one scale
        bands = "".join(
            f'<rect x="{i * 12}" y="0" width="12" height="12" fill="rgb{c}"/>'
            for i, c in enumerate(map_palette())
        )
        top = f"{rp.value_scale:.3g}"
        bar = f'<svg class="bar" viewBox="0 0 {12 * len(map_palette())} 12" aria-hidden="true">{bands}</svg>'
        legend = f"<li>{bar}the output and each point's target: &#8722;{top} &#8230; 0 &#8230; +{top}</li>"
    sure = '\n<li id="legend-sure">paler shade: the model is less sure</li>' if rp.classes else ""
    boundary_item = (
        f'\n<li id="legend-boundary"{"" if final["boundary"] else " hidden"}><svg viewBox="0 0 16 16" '
        'aria-hidden="true"><line x1="0" y1="8" x2="16" y2="8" stroke="#333" stroke-width="3"/></svg>'
        "decision boundary</li>"
        if any(drawn)
        else ""
    )
    text = final["text"]
    columns = [("loss", "loss")] + ([("acc", "accuracy")] if text["acc"] is not None else [])
    rows = [("", "training")] + ([("val_", "validation")] if text["val_loss"] is not None else [])
    readouts = (
        "<table><thead><tr><th></th>"
        + "".join(f"<th>{label}</th>" for _, label in columns)
        + "</tr></thead><tbody>"
        + "".join(
            f"<tr><th>{name}</th>"
            + "".join(f'<td id="r-{pre}{key}">{escape(text[pre + key])}</td>' for key, _ in columns)
            + "</tr>"
            for pre, name in rows
        )
        + "</tbody></table>"
    )
    detail = (
        f"{rp.model}, {history.loss_name} loss, {len(rp.X)} training points, "
        f"{trained} epoch{'s' if trained != 1 else ''}"
        + (
            f", stopped early (best epoch {history.best_epoch}, its weights kept)"
            if history.stopped_early and history.best_epoch is not None
            else ""
        )
        + (
            f", diverged at epoch {trained}: lower the learning rate (the model was put back to epoch "
            f"{history.restored_epoch}'s weights)"
            if history.diverged and history.restored_epoch is not None
            else (", diverged" if history.diverged else "")
        )
        + f". {rp.frames} frames: epoch 0, then every {f'{rp.every} epochs' if rp.every > 1 else 'epoch'}."
        + (f" Not drawn: {rp.maps_note}." if rp.maps_note else "")
    )
    x0, x1, y0, y1 = rp.extent
    body = f"""<header>
<h1>{escape(title)}</h1>
<p class="sub">{escape(detail)}</p>
</header>
{slider_controls("Replay", len(frames), "r-epoch-nav")}
<main class="replay{" inside" if inside is not None else ""}">
{inside.network if inside is not None else ""}
<figure class="boundary">
{inside.showing if inside is not None else ""}
<svg class="plot" viewBox="0 0 {PLOT + PAD + 12} {PLOT + PAD + 12}" role="img"
 aria-label="the plane coloured by the class the model predicts, with the training points">
<image id="frame" href="{final["png"]}" x="{PAD}" y="12" width="{PLOT}" height="{PLOT}"
 preserveAspectRatio="none"/>
<rect x="{PAD}" y="12" width="{PLOT}" height="{PLOT}" fill="none" stroke="#333"/>
{_axis_ticks(x0, x1, y0, y1)}
{points}
</svg>
<ul class="legend">{legend}{boundary_item}{sure}</ul>
{inside.scale_legend if inside is not None else ""}
</figure>
<div class="side">
<div class="readout panel"><p class="epoch" id="r-epoch">{escape(text["epoch"])}</p>
{readouts}</div>
{"".join(chart_svgs)}
</div>
{inside.backprop if inside is not None else ""}
</main>
<footer><p>Drag the slider or press <kbd>&#8592;</kbd> <kbd>&#8594;</kbd>; <kbd>Space</kbd> plays and pauses,
<kbd>Home</kbd> / <kbd>End</kbd> jump. <span class="address">Link to an epoch with <code>#epoch-40</code> at
the end of this page's address.</span> Made with autograd_lite; works offline.</p></footer>
{json_script("replay-data", {"frames": frames, "delay": 180, **(inside.data if inside else {})})}"""
    legend_items = [f"class {c}" for c in range(rp.classes)] + (["decision boundary"] if any(drawn) else [])
    captions = [(chart.label, bool(chart.val)) for chart in charts]
    longest = max((f["text"]["epoch"] for f in frames), key=len)
    if inside is None:
        if rp.layer_grads:
            captions.append(("Mean |grad| per layer (its weights; log scale)", True))
        height = _frame_height(title, detail, legend_items, longest, len(rows), captions)
    else:
        assert rp.net is not None
        at = layout(rp.net)
        layers = len(rp.layer_grads[0]) if rp.layer_grads else 0
        height = _inside_height(
            title, detail, legend_items, len(rows), captions, layers, at.height / at.width
        )
    return document(title, body, script=REPLAY_JS, css=REPLAY_CSS), height


def _inside_height(
    title: str, detail: str, legend: list[str], rows: int, captions, layers: int, aspect: float
) -> FrameHeight:
    """The height in a frame of a replay page with the network (see web/replay.css, html[data-framed]):
    the network beside the map (one column below 541px), the readout and charts in a grid below
    (as many 13rem columns as fit), then the backward pass; its CSS lengths at 14px text, each
    frame width's height the larger of its own and the next width's (the page grows with it)."""

    def at(frame: float) -> float:
        content = min(frame, FRAME_MAX) - 2 * FRAME_SIDE
        two = frame > 540
        net_col = (content - GAP) * 1.1 / 2.1 if two else content
        map_col = (content - GAP) / 2.1 if two else content
        top = 7 + 22.68 * wrapped_lines(title, content, 18.9, "bold") + 2.8
        top += 20.3 * wrapped_lines(detail, content, 14) + 7 + 53.3
        inner = net_col - 27.6
        cap = "The network click a neuron for its map, point at or tap a weight for its numbers"
        legend_net = [
            "weight > 0",
            "weight < 0",
            "thicker: larger |w| (thickest from 0.0000)",
            "bias, on its neuron",
        ]
        net_leg = flex_lines([22.4 + len(t) * 12.6 * EM["sans"] + 14 for t in legend_net], inner, 0)
        net = (
            20.3 * wrapped_lines(cap, inner, 14) + inner * aspect + 18.27 * net_leg + 4.2 * (net_leg - 1) + 26
        )
        marks = [12.6 * 1.4 + len(t) * 12.6 * EM["sans"] + 14 for t in legend]
        marks.append(len("paler shade: the model is less sure") * 12.6 * EM["sans"])
        lines = flex_lines(marks, map_col, 0)
        showing = 20.3 * wrapped_lines(
            "Neuron 10.10 (sigmoid): its output over the plane", map_col, 14, "bold"
        )
        fig = showing + 32 + map_col + 18.27 * lines + 4.2 * (lines - 1) + 9.8 + 24  # 24: a neuron's scale
        main = max(net, fig) if two else net + GAP + fig
        n = max(1, int((content + 16.8) // (182 + 16.8)))
        width = (content - 16.8 * (n - 1)) / n
        items = [83.2 + 22.7 * (rows - 1)]
        for label, val in captions:
            words = [len(label) * 14 * EM["bold"], 11 * 14 * EM["sans"]] + (
                [13 * 14 * EM["sans"]] if val else []
            )
            items.append(20.3 * flex_lines(words, width, 14) + width * CHART_HEIGHT / CHART_WIDTH + 0.4)
        if layers:
            words = [len("Mean |grad| per layer") * 14 * EM["bold"], 24 * 14 * EM["sans"]]
            words += [10 * 14 * EM["sans"]] * layers
            items.append(20.3 * flex_lines(words, width, 14) + width * CHART_HEIGHT / CHART_WIDTH + 0.4)
        side = sum(max(items[k : k + n]) for k in range(0, len(items), n))
        about = (
            "The chain rule that moved the weights: the engine's backward pass (autograd_lite's stepper) for "
            "one training example, the one the trained model gets most wrong, at this epoch's weights. Each "
            "step passes a node's grad to its parents; the neuron it belongs to is marked in the network "
            "(z2.3 is neuron 2.3's weighted sum, a2.3 its activation)."
        )
        code = (
            "Every step with its graph, for any training example at this epoch, in the backward-pass page: "
            'history.replay.backward_steps(400, example=100).to_html("backprop.html", max_cells=None)'
        )
        what = "example 100: x = (-1.234, -1.234), loss L = 0.1234: past the margin, so every grad is 0 here"
        bp = (
            22.3
            + 20.3 * wrapped_lines(what, content - 28, 14)
            + 20.3 * wrapped_lines(about, content - 28, 14)
        )
        bp += 55.2 + 12.6 * 10.5 + 20 + 7 + 17.3 * wrapped_lines(code, content - 28, 11.9, "mono")
        keys = (  # in a frame the page's address is the notebook's: the footer leaves it out
            "Drag the slider or press ← →; Space plays and pauses, Home / End jump. "
            "Made with autograd_lite; works offline."
        )
        bottom = 4.2 + 17.26 * wrapped_lines(keys, content, 11.9) + 11.2
        return top + main + GAP + side + GAP + bp + bottom + 4

    # the part that grows with the width as a slope, the rest as steps 10px apart (the charts' row
    # wraps at widths of its own): each step the most the page needs up to the next, every 2px
    slope = 0.6
    widths = list(range(FRAME_WIDTHS[0], FRAME_MAX + 1, 10))
    steps = []
    for k, w in enumerate(widths):
        nxt = widths[k + 1] if k + 1 < len(widths) else w + 1
        steps.append((w, max(at(x) - slope * min(x, FRAME_MAX) for x in range(w, nxt, 2))))
    return FrameHeight(tuple(steps), slope=slope, cap=slope * FRAME_MAX)


# The page in a frame (web/replay.css, html[data-framed]): the regions' square in a column 1.1/2.1 of
# the width, beside the readout and the curves (each 214/520 of its column high), 14px apart.
LEFT, RIGHT, GAP = 1.1 / 2.1, 1 / 2.1, 14.0


def _frame_height(
    title: str, detail: str, legend: list[str], epoch: str, rows: int, captions: list[tuple[str, bool]]
) -> FrameHeight:
    """The replay page's height in a frame (see autograd_lite.html.FrameHeight): its text at each of
    FRAME_WIDTHS, and the regions' square, which grows with the width (faster than the curves)."""
    inset = 2 * FRAME_SIDE + GAP
    steps = []
    for w in FRAME_WIDTHS:
        columns = min(w, FRAME_MAX) - inset
        square = LEFT * columns
        steps.append((w, _frame_text(w, title, detail, legend, epoch, rows, captions) - square))
    return FrameHeight(tuple(steps), slope=LEFT, inset=inset, cap=LEFT * (FRAME_MAX - inset))


def _frame_text(
    frame: int, title: str, detail: str, legend: list[str], epoch: str, rows: int, captions
) -> float:
    """The replay page's height in a frame `frame` px wide, as CSS lengths of that layout: 14px text at
    line-height 1.45 (20.3px), the readout's 14.7px, the legend's 12.6px, the footer's 11.9px."""
    content = min(frame, FRAME_MAX) - 2 * FRAME_SIDE
    left, right = LEFT * (content - GAP), RIGHT * (content - GAP)
    top = 7 + 22.68 * wrapped_lines(title, content, 18.9, "bold") + 2.8  # h1
    top += 20.3 * wrapped_lines(detail, content, 14) + 7 + 53.3  # the line under it, the controls
    marks = [12.6 * 1.4 + len(t) * 12.6 * EM["sans"] for t in legend]  # a marker, then the words
    marks.append(len("paler shade: the model is less sure") * 12.6 * EM["sans"])
    lines = flex_lines(marks, left, 16.8)
    plot = left + 5.6 + 18.27 * lines + 4.2 * (lines - 1)  # the square, its legend below
    side = 16.8 + 21.3 * wrapped_lines(epoch, right - 25.2, 14.7, "bold") + 2.8 + 19.6 + 22.7 * rows
    for label, val in captions:
        words = [len(label) * 14 * EM["bold"], 11 * 14 * EM["sans"]] + ([13 * 14 * EM["sans"]] if val else [])
        side += 20.3 * flex_lines(words, right, 14) + right * CHART_HEIGHT / CHART_WIDTH
    keys = (
        "Drag the slider or press ← →; Space plays and pauses, Home / End jump. "
        "Made with autograd_lite; works offline."
    )
    bottom = 4.2 + 17.26 * wrapped_lines(keys, content, 11.9) + 11.2
    return top + max(plot, side) + bottom + 4  # 4: rounding


def _at(values: list[float], epoch: int) -> float | None:
    """The value measured at the end of `epoch` (1-based); None for epoch 0 or a missing one."""
    if epoch < 1 or epoch > len(values):
        return None
    v = values[epoch - 1]
    return v if math.isfinite(v) else None


def _readout(history: History, epoch: int, xmax: int) -> dict[str, str | None]:
    def num(v):
        return "—" if v is None else f"{v:.4g}"

    def pct(v):
        return "—" if v is None else f"{100 * v:.1f}%"

    text: dict[str, str | None] = {
        "epoch": "before training (epoch 0)" if epoch == 0 else f"epoch {epoch} of {xmax}"
    }
    text["loss"] = num(_at(history.loss, epoch))
    text["acc"] = pct(_at(history.accuracy, epoch)) if history.accuracy else None
    text["val_loss"] = num(_at(history.val_loss, epoch)) if history.val_loss else None
    text["val_acc"] = pct(_at(history.val_accuracy, epoch)) if history.val_accuracy else None
    return text


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten."""
    span = hi - lo
    if not span > 0:
        return [lo]
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    t = first
    while t <= hi + 1e-9 * span:
        ticks.append(round(t, 12))
        t += step
    return ticks


def _tick_text(v: float) -> str:
    return f"{v:g}" if abs(v) >= 1e-9 else "0"


def _axis_ticks(x0: float, x1: float, y0: float, y1: float) -> str:
    parts = []
    for v in _nice_ticks(x0, x1):
        px = PAD + (v - x0) / (x1 - x0) * PLOT
        parts.append(f'<line x1="{px:.1f}" y1="{12 + PLOT}" x2="{px:.1f}" y2="{18 + PLOT}" stroke="#333"/>')
        parts.append(f'<text x="{px:.1f}" y="{34 + PLOT}" text-anchor="middle">{_tick_text(v)}</text>')
    for v in _nice_ticks(y0, y1):
        py = 12 + (y1 - v) / (y1 - y0) * PLOT
        parts.append(f'<line x1="{PAD - 6}" y1="{py:.1f}" x2="{PAD}" y2="{py:.1f}" stroke="#333"/>')
        parts.append(f'<text x="{PAD - 9}" y="{py + 5:.1f}" text-anchor="end">{_tick_text(v)}</text>')
    parts.append(f'<text x="{PAD + PLOT / 2}" y="{PLOT + PAD + 8}" text-anchor="middle">x&#8321;</text>')
    parts.append(f'<text x="14" y="{12 + PLOT / 2}" text-anchor="middle">x&#8322;</text>')
    return "\n".join(parts)


def _marker(cls: int, x: float, y: float, colour: str, r: float = 5.5) -> str:
    """One data point: a shape per class (so classes differ without colour), filled with its colour."""
    shape = MARKERS[cls % len(MARKERS)]
    style = f'fill="{colour}" stroke="#111" stroke-width="0.9"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r * 0.9:.1f}" {style}/>'
    if shape == "square":
        s = r * 0.8
        return f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" {style}/>'
    pts = {
        "triangle": [(0, -1.1), (1, 0.75), (-1, 0.75)],
        "diamond": [(0, -1.15), (1, 0), (0, 1.15), (-1, 0)],
        "down": [(0, 1.1), (1, -0.75), (-1, -0.75)],
    }[shape]
    coords = " ".join(f"{x + dx * r:.1f},{y + dy * r:.1f}" for dx, dy in pts)
    return f'<polygon points="{coords}" {style}/>'


def point_fills(rp: Replay) -> list[str]:
    """Each training point's colour: its class's; a regression's point its target's on the map scale."""
    if rp.classes or rp.targets is None:
        return [CLASS_COLORS[int(c) % len(CLASS_COLORS)] for c in rp.labels]
    colours = map_palette()
    return ["#{:02x}{:02x}{:02x}".format(*colours[k]) for k in cells(rp.targets, rp.value_scale).tolist()]


def _points(rp: Replay) -> str:
    """The training points: a shape and colour per class; a regression's coloured by their target."""
    x0, x1, y0, y1 = rp.extent
    out = []
    for (a, b), c, fill in zip(rp.X, rp.labels, point_fills(rp)):
        px = PAD + (a - x0) / (x1 - x0) * PLOT
        py = 12 + (y1 - b) / (y1 - y0) * PLOT
        out.append(_marker(int(c), px, py, fill))
    return '<g class="points">' + "".join(out) + "</g>"


def _cx(epoch: float, xmax: int) -> float:
    return CHART_LEFT + epoch / xmax * (CHART_RIGHT - CHART_LEFT)


def _cy(value: float | None, scale: tuple[float, float]) -> float | None:
    return None if value is None else _y(value, scale)


def _y(value: float, scale: tuple[float, float]) -> float:
    """The chart's y coordinate of a value, clipped to the scale."""
    lo, hi = scale
    return round(
        CHART_TOP + (hi - min(max(value, lo), hi)) / (hi - lo) * (CHART_BOTTOM - CHART_TOP),
        2,
    )


@dataclass
class _Chart:
    """One curve chart: its key in the frames' data, its caption, the per-epoch values and the y scale."""

    key: str  # "loss" or "acc"; the validation series is "val_" + key
    label: str
    train: list[float]
    val: list[float]
    scale: tuple[float, float]  # the values at the bottom and the top of the chart (log10 of them if log)
    log: bool = False  # a log scale: a loss that blows up (or falls) by more than SPAN

    @classmethod
    def of(cls, key: str, label: str, train, val, *, scale: tuple[float, float] | None = None) -> _Chart:
        """A chart scaled to its values (from 0, 5% of headroom) unless `scale` is given; on a log scale
        (whole decades) when its positive values span more than SPAN."""
        if scale is None:
            finite = [v for v in list(train) + list(val) if math.isfinite(v)]
            positive = [v for v in finite if v > 0]
            if positive and min(finite) > 0 and max(positive) / min(positive) > SPAN:
                decades = (
                    float(math.floor(math.log10(min(positive)))),
                    float(math.ceil(math.log10(max(positive)))),
                )
                return cls(key, label + ", log scale", list(train), list(val), decades, True)
            lo, hi = 0.0, (max(finite) * 1.05 if finite and max(finite) > 0 else 1.0)
            if finite and min(finite) < 0:
                lo = min(finite) * 1.05
            scale = (lo, hi)
        return cls(key, label, list(train), list(val), scale)

    def y(self, value: float | None) -> float | None:
        """The chart's y coordinate of a value (None for none), clipped to the scale."""
        if value is None:
            return None
        if self.log:
            value = math.log10(value) if value > 0 else self.scale[0]
        return _y(value, self.scale)

    def ticks(self) -> list[tuple[float, str]]:
        """(y coordinate, text) of the y axis's ticks."""
        lo, hi = self.scale
        if not self.log:
            return [(_y(v, self.scale), _tick_text(v)) for v in _nice_ticks(lo, hi, 4)]
        step = max(1, math.ceil((hi - lo) / 4))
        return [
            (_y(e, self.scale), f"1e{e:g}" if abs(e) > 1 else f"{10.0**e:g}") for e in _steps(lo, hi, step)
        ]


#: A chart whose positive values span more than this factor is drawn on a log scale.
SPAN = 1e3


def _steps(lo: float, hi: float, step: int) -> list[float]:
    out, e = [], lo
    while e <= hi:
        out.append(e)
        e += step
    return out


def _chart_svg(chart: _Chart, *, xmax: int, best_epoch: int | None) -> str:
    """A curve chart as static SVG; the page's script moves its marker and dots."""
    key, label, train, val = chart.key, chart.label, chart.train, chart.val
    names = f'<span style="color:{OKABE_ITO["blue"]}">&#9473;&#9473; training</span>'
    if val:
        names += '<span style="color:#9a6700">&#9476;&#9476; validation</span>'
    parts = [
        f'<figure class="chart"><figcaption><b>{escape(label)}</b> {names}</figcaption>',
        f'<svg class="chart" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" '
        f'aria-label="{escape(label)} per epoch">',
        f'<rect x="{CHART_LEFT}" y="{CHART_TOP}" width="{CHART_RIGHT - CHART_LEFT}" '
        f'height="{CHART_BOTTOM - CHART_TOP}" fill="#fff" stroke="#999"/>',
    ]
    for y, text in chart.ticks():
        parts.append(f'<line x1="{CHART_LEFT}" y1="{y}" x2="{CHART_RIGHT}" y2="{y}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{CHART_LEFT - 6}" y="{y + 5}" text-anchor="end">{text}</text>')
    for v in _nice_ticks(0, xmax, 5):
        x = _cx(v, xmax)
        parts.append(f'<text x="{x:.1f}" y="{CHART_BOTTOM + 20}" text-anchor="middle">{_tick_text(v)}</text>')
    parts.append(
        f'<text x="{(CHART_LEFT + CHART_RIGHT) / 2}" y="{CHART_HEIGHT - 4}" text-anchor="middle">epoch</text>'
    )
    if best_epoch is not None:
        x = _cx(best_epoch, xmax)
        parts.append(
            f'<line x1="{x:.1f}" y1="{CHART_TOP}" x2="{x:.1f}" y2="{CHART_BOTTOM}" stroke="#777" '
            'stroke-dasharray="4 4"><title>best epoch (its weights are kept)</title></line>'
        )
    series = [(key, train, OKABE_ITO["blue"], "")]
    if val:
        series.append(("val_" + key, val, OKABE_ITO["orange"], ' stroke-dasharray="7 4"'))
    for _, values, colour, dash in series:
        for run in _finite_runs(values):
            pts = " ".join(f"{_cx(e, xmax):.1f},{chart.y(v)}" for e, v in run)
            parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>')
    final_x = _cx(xmax, xmax)
    parts.append(
        f'<line class="marker" x1="{final_x:.1f}" y1="{CHART_TOP}" x2="{final_x:.1f}" y2="{CHART_BOTTOM}" '
        f'stroke="{OKABE_ITO["vermillion"]}" stroke-width="2"/>'
    )
    for name, values, colour, _ in series:
        dot_y = chart.y(_at(values, xmax))
        vis = "hidden" if dot_y is None else "visible"
        parts.append(
            f'<circle class="dot" data-series="{name}" cx="{final_x:.1f}" cy="{dot_y or 0}" r="5.5" '
            f'fill="{colour}" stroke="#111" visibility="{vis}"/>'
        )
    parts.append("</svg></figure>")
    return "\n".join(parts)


def _finite_runs(values: list[float]) -> list[list[tuple[int, float]]]:
    """(epoch, value) pairs split where a value is nan or infinite, so a line breaks there."""
    runs, run = [], []
    for e, v in enumerate(values, start=1):
        if math.isfinite(v):
            run.append((e, v))
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


GRAD_COLOURS = [OKABE_ITO[c] for c in ("blue", "vermillion", "green", "purple", "orange", "sky")]
GRAD_DASHES = ["", ' stroke-dasharray="7 4"', ' stroke-dasharray="2 3"', ' stroke-dasharray="10 3 2 3"']


def _grad_chart(layer_grads: list[list[float]], frames: list[dict], xmax: int) -> str:
    """Mean |grad| of each layer's weights per epoch on a log scale (vanishing gradients show as a
    layer's line far below the others); each frame gets its dots' y (frame["gy"])."""
    layers = len(layer_grads[0])
    finite = [v for row in layer_grads for v in row if math.isfinite(v) and v > 0]
    if finite:
        lo, hi = math.floor(math.log10(min(finite))), math.ceil(math.log10(max(finite)))
    else:
        lo, hi = -3, 0
    if hi - lo < 2:
        lo = hi - 2
    floor = 10.0**lo

    def y(v: float | None) -> float | None:
        if v is None or not math.isfinite(v):
            return None
        t = (math.log10(max(v, floor)) - lo) / (hi - lo)
        return round(CHART_BOTTOM - t * (CHART_BOTTOM - CHART_TOP), 2)

    names = "".join(
        f'<span style="color:{GRAD_COLOURS[k % 6]}">{"━━" if k % 4 == 0 else "┅┅"} layer {k + 1}</span>'
        for k in range(layers)
    )
    parts = [
        '<figure class="chart" id="grad-chart"><figcaption><b>Mean |grad| per layer</b> '
        f"(its weights; log scale) {names}</figcaption>",
        f'<svg class="chart" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" '
        'aria-label="mean absolute gradient of each layer\'s weights per epoch, log scale">',
        f'<rect x="{CHART_LEFT}" y="{CHART_TOP}" width="{CHART_RIGHT - CHART_LEFT}" '
        f'height="{CHART_BOTTOM - CHART_TOP}" fill="#fff" stroke="#999"/>',
    ]
    step = max(1, math.ceil((hi - lo) / 4))
    for e in range(lo, hi + 1, step):
        yy = y(10.0**e) or 0.0
        parts.append(f'<line x1="{CHART_LEFT}" y1="{yy}" x2="{CHART_RIGHT}" y2="{yy}" stroke="#e3e3e3"/>')
        label = f"1e{e}" if e not in (-1, 0, 1) else f"{10.0**e:g}"
        parts.append(f'<text x="{CHART_LEFT - 6}" y="{yy + 5}" text-anchor="end">{label}</text>')
    for v in _nice_ticks(0, xmax, 5):
        parts.append(
            f'<text x="{_cx(v, xmax):.1f}" y="{CHART_BOTTOM + 20}" text-anchor="middle">'
            f"{_tick_text(v)}</text>"
        )
    parts.append(
        f'<text x="{(CHART_LEFT + CHART_RIGHT) / 2}" y="{CHART_HEIGHT - 4}" text-anchor="middle">epoch</text>'
    )
    for k in range(layers):
        values = [row[k] for row in layer_grads]
        for run in _finite_runs(values):
            pts = " ".join(f"{_cx(e, xmax):.1f},{y(v)}" for e, v in run)
            parts.append(
                f'<polyline points="{pts}" fill="none" stroke="{GRAD_COLOURS[k % 6]}" stroke-width="2.5"'
                f"{GRAD_DASHES[k % 4]}/>"
            )
    final_x = _cx(xmax, xmax)
    parts.append(
        f'<line class="marker" x1="{final_x:.1f}" y1="{CHART_TOP}" x2="{final_x:.1f}" y2="{CHART_BOTTOM}" '
        f'stroke="{OKABE_ITO["vermillion"]}" stroke-width="2"/>'
    )
    for f in frames:
        e = f["epoch"]
        row = layer_grads[e - 1] if 1 <= e <= len(layer_grads) else [None] * layers
        for k in range(layers):
            f["y"][f"grad{k}"] = y(row[k])
    last = frames[-1]["y"]
    for k in range(layers):
        dot = last.get(f"grad{k}")
        parts.append(
            f'<circle class="dot" data-series="grad{k}" cx="{final_x:.1f}" cy="{dot or 0}" r="5" '
            f'fill="{GRAD_COLOURS[k % 6]}" stroke="#111" '
            f'visibility="{"hidden" if dot is None else "visible"}"/>'
        )
    parts.append("</svg></figure>")
    return "\n".join(parts)
