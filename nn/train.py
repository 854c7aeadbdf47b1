"""The training loop: `fit()` runs epochs of mini-batches as lanes and returns a `History`.

A mini-batch (`batches`) is one call of the model on a 2-D array, so its
outputs are lane Values and one backward pass serves the whole batch. Around
the epochs, `Callback`s see the `Run` (progress, divergence, early stopping,
the replay's recorder, and any of the user's). `predict`, `classify`
and `accuracy` run the model the same way under `no_grad()`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import numbers
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd_lite import Value, no_grad
from autograd_lite.engine import NO_GRAD
from autograd_lite.errors import counted

from . import checks, losses, optim, tasks
from .compiled import compiled as _compiled
from .seed import rng as make_rng
from .tasks import LOSSES as LOSSES  # fit(loss=...)'s names, read by the CLI
from .tasks import Task, check_X, choose_task, class_indices, decide, n_outputs, plain_labels

METRICS = ("accuracy", "mse", "mae")

#: fit()'s learning rate when an optimizer is named without one (the optimizer classes keep PyTorch's).
DEFAULT_LR = 0.02

#: A run has diverged when its loss is infinite, nan, or this many times its starting value (or 1).
EXPLODED = 1e6


# --- the learning rate -----------------------------------------------------------------


def check_lr(lr) -> float:
    """lr as a float if it is a learning rate that trains, else a ValueError/TypeError saying why.

    One rule for `fit(lr=...)` and the CLI's `--lr`: a finite number > 0. Zero
    would train nothing and a negative rate climbs the loss. (The optimizer
    classes keep PyTorch's own rule, lr >= 0.)
    """
    accepted = "lr must be a number > 0 (a typical start is 0.01 to 0.1)"
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"{accepted}, got {type(lr).__name__} {lr!r}")
    value = float(lr)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{accepted}, got {value!r}")
    if value <= 0:
        why = "would train nothing" if value == 0 else "would climb the loss"
        raise ValueError(f"{accepted}, got {lr!r}, which {why}")
    return value


# --- running a model on data ---------------------------------------------------------


def _outputs_data(out, n: int) -> np.ndarray:
    """The model's output as an array: (n,) for one output, (n, K) for K outputs."""

    def lanes(v: Value) -> np.ndarray:
        return v.data if v.is_lanes else np.full(n, float(v.data))

    if isinstance(out, Value):
        return lanes(out)
    return np.stack([lanes(v) for v in out], axis=1)


def predict(model, X) -> np.ndarray:
    """The model's raw outputs for every row of X: shape (n,) for one output, (n, K) for K."""
    X = check_X(model, X)
    with no_grad():
        return _outputs_data(model(X), len(X))


def classify(model, X, threshold: float | None = None) -> np.ndarray:
    """Predicted class index (0..K-1) for every row of X.

    One output: class 1 when it exceeds `threshold` (0.5 after a sigmoid, else
    0, which suits hinge and logits). Several outputs: the largest one.
    """
    return decide(predict(model, X), tasks.threshold(model, threshold))


def accuracy(model, X, y, threshold: float | None = None) -> float:
    """The fraction of rows of X whose predicted class (see `classify`) is y's label."""
    X = check_X(model, X)
    labels = class_indices(y)
    if len(labels) != len(X):
        raise ValueError(f"X has {len(X)} examples but y has {len(labels)} labels")
    return float(np.mean(classify(model, X, threshold) == labels))


# --- the history of a run -----------------------------------------------------------


@dataclass
class History:
    """Per-epoch numbers of a `fit()` run, measured on the weights at the end of each epoch.

    `loss` and `metrics[name]` on the training set, `val_loss` and
    `val_metrics[name]` on the validation set (empty without one). The loss
    excludes any l2 penalty, so train and validation compare.
    """

    loss_name: str
    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    val_metrics: dict[str, list[float]] = field(default_factory=dict)
    best_epoch: int | None = None  # 1-based; set with early stopping
    stopped_early: bool = False
    diverged: bool = False
    restored_epoch: int | None = (
        None  # after a divergence: the epoch whose weights were put back (0: the start)
    )
    seconds: float = 0.0
    #: training steps replayed by the tape, and steps run on the engine (compile=False, a loss the
    #: tape cannot replay, or a batch whose data a guard sent to the engine)
    steps_on_tape: int = 0
    steps_on_engine: int = 0
    replay: Any = field(default=None, repr=False, compare=False)  # an nn.replay.Replay after fit(record=...)
    #: fit(features=...)'s names: the model's inputs are these columns of nn.datasets.features(X, names)
    features: tuple[str, ...] | None = None

    @property
    def epochs(self) -> int:
        return len(self.loss)

    @property
    def accuracy(self) -> list[float]:
        return self.metrics.get("accuracy", [])

    @property
    def val_accuracy(self) -> list[float]:
        return self.val_metrics.get("accuracy", [])

    def to_html(self, path=None, *, title: str | None = None) -> str:
        """A self-contained HTML replay of this run (needs `fit(..., record=True)`); see `nn.replay`.

        The recording renders itself: the History hands it over, and never imports the page."""
        if self.replay is None or not self.replay.frames:
            raise ValueError(
                "this History has no recorded frames: train with nn.fit(..., record=True) "
                "(or record='run.html') to replay it"
            )
        return self.replay.page(self, path, title=title)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """How Jupyter shows a History: its replay page when recorded, else its last epoch's numbers
        and curves; this repr as text. nn.replay, a layer above, registers it (`register_display`)."""
        if _display is None:
            return {"text/plain": repr(self)}
        return _display(self, include, exclude)

    def __repr__(self) -> str:
        if not self.loss:
            return f"History({self.loss_name}, no epochs)"
        parts = [counted(self.epochs, "epoch"), f"{self.loss_name} {self.loss[0]:.4g} -> {self.loss[-1]:.4g}"]
        if self.accuracy:
            parts.append(f"accuracy {self.accuracy[-1]:.1%}")
        if self.val_loss:
            parts.append(f"val {self.loss_name} {self.val_loss[-1]:.4g}")
        if self.val_accuracy:
            parts.append(f"val accuracy {self.val_accuracy[-1]:.1%}")
        if self.stopped_early:
            parts.append(f"stopped early, best epoch {self.best_epoch}")
        if self.diverged:
            parts.append(
                "diverged"
                if self.restored_epoch is None
                else f"diverged, weights of epoch {self.restored_epoch} restored"
            )
        return f"History({', '.join(parts)})"


# --- what is measured each epoch ---------------------------------------------------------


def _metric_fns(metrics, task: Task) -> dict[str, Callable]:
    """name -> f(outputs, targets) for the requested metrics; accuracy only where there are classes."""
    if isinstance(metrics, str):
        metrics = (metrics,)
    fns = {}
    for m in metrics or ():
        if callable(m):
            fns[getattr(m, "__name__", "metric")] = m
        elif m == "accuracy":
            if task.classifies:
                fns[m] = _accuracy(task.threshold)
        elif m == "mse":
            fns[m] = lambda out, t: float(np.mean((out - t) ** 2))
        elif m == "mae":
            fns[m] = lambda out, t: float(np.mean(np.abs(out - t)))
        else:
            raise ValueError(f"unknown metric {m!r}; choose from {', '.join(METRICS)}, or pass a function")
    return fns


def _accuracy(cut: float) -> Callable:
    """accuracy(outputs, targets), keeping the class indices of the last targets it saw (fit measures
    the same training and validation targets every epoch)."""
    last: list = [None, None]

    def accuracy(out, t) -> float:
        if last[0] is not t:
            last[0], last[1] = t, class_indices(t)
        return float(np.mean(decide(out, cut) == last[1]))

    return accuracy


def _evaluate(model, X, t, task: Task, metric_fns) -> tuple[float, dict[str, float]]:
    """The loss and metrics on (X, t) for the current weights, building no graph."""
    with no_grad(), np.errstate(over="ignore", invalid="ignore"):
        out = model(X)
        loss = float(task.fn(out, t).data)
    data = _outputs_data(out, len(X))
    return loss, {name: f(data, t) for name, f in metric_fns.items()}


# --- a run and its callbacks ---------------------------------------------------------------


@dataclass
class Run:
    """A run in progress as `fit()` hands it to its callbacks: the model, the checked data, the task,
    the optimizer and the History so far (plain fields; nothing private)."""

    model: Any  # a Module, or anything called like one
    X: np.ndarray  # the training inputs, checked
    y: np.ndarray  # the training labels as given (a column flattened, bools as 0/1)
    targets: np.ndarray  # y as the loss wants it
    task: Task
    optimizer: optim.Optimizer
    history: History
    epochs: int  # planned
    step_error: str | None = None  # why the last optimizer step could not be taken
    tape: Any = None  # fit's nn.compiled.Compiled while it trains on the tape (the weights in its buffer)
    #: fit(features=...): the names of the feature columns the model sees, and the 1- or 2-column
    #: inputs they were computed from (the plane a replay draws its maps over); else None
    features: tuple[str, ...] | None = None
    plane: np.ndarray | None = None

    def weights(self):
        """The numbers of the optimizer's parameters now, in its order (read from the tape's buffer
        while fit trains on it: the Values may be an epoch behind)."""
        if self.tape is not None:
            return self.tape.weights()
        return [p.data for p in self.optimizer.params]

    def grads(self) -> np.ndarray:
        """The gradients of the last optimizer step, in its order (nan where a parameter had none)."""
        if self.tape is not None:
            got = self.tape.grads()
            if got is not None:
                return got
        return np.array([math.nan if p.grad is NO_GRAD else float(p.grad) for p in self.optimizer.params])

    def set_weights(self, weights) -> None:
        """Put these numbers (in the optimizer's order) into the parameters, and into the tape's buffer."""
        for p, x in zip(self.optimizer.params, weights):
            p.data = float(x)
        if self.tape is not None:
            self.tape.reload()

    def training_loss(self) -> float:
        """The training loss of the current weights (no l2 penalty, no graph): a forward replay of the
        tape while fit trains on it (the evaluation's tape, traced here if it is not yet)."""
        if self.tape is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                got = self.tape.evaluate(self.X, self.targets, {})
            if got is not None:
                return got[0]
        return _evaluate(self.model, self.X, self.targets, self.task, {})[0]


class Callback:
    """Something `fit()` calls around its epochs; every hook is optional.

    `start` runs before the first epoch (a callback checks its arguments there:
    nothing has trained yet), `epoch_done` after each epoch's numbers are in
    the History (return True to stop training), `finish` when training ends,
    `close` always, even when training raised.

    `touches_model`: leave it True in a callback that reads or sets the model's weights or grads;
    set it False in one that never does (a timer, a logger of the History): fit on the tape then
    need not copy every weight and gradient into the model after each epoch.
    """

    touches_model = True

    def start(self, run: Run) -> None:
        pass

    def epoch_done(self, run: Run, epoch: int) -> bool:
        return False

    def before_last_step(self, run: Run, epoch: int) -> None:
        """Called just before the optimizer's last step of each epoch (only for a callback that
        defines it): the weights (run.weights()) and optimizer state are those that step starts from."""

    def finish(self, run: Run) -> None:
        pass

    def close(self) -> None:
        pass


def in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel: ipykernel loaded and IPython's shell has a kernel.

    Reads sys.modules only, so it never imports IPython where nothing has.
    """
    if "ipykernel" not in sys.modules:
        return False
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    try:
        shell = get_ipython() if callable(get_ipython) else None
    except Exception:
        return False
    return getattr(shell, "kernel", None) is not None


def _widgets() -> bool:
    """Whether ipywidgets imports (tqdm's notebook bar is one)."""
    try:
        import ipywidgets  # noqa: F401
    except Exception:  # missing, or broken: the text bar does
        return False
    return True


def progress_kind(enabled: bool = True) -> str | None:
    """Which bar fit() shows: "notebook" (tqdm's widget, in a Jupyter kernel with ipywidgets),
    "text" (tqdm's text bar on stdout: a kernel without ipywidgets), "terminal" (tqdm on stderr,
    when stderr is a terminal), or None (progress=False, or output piped to a file)."""
    if not enabled:
        return None
    if in_kernel():
        return "notebook" if _widgets() else "text"
    return "terminal" if hasattr(sys.stderr, "isatty") and sys.stderr.isatty() else None


#: The bar's words: 100 columns in a terminal; the notebook's widget draws the bar between its texts.
TEXT_BAR = "{percentage:3.0f}% |{bar:12}| epoch {n_fmt}/{total_fmt} [{elapsed}{postfix}]"
WIDGET_BAR = "epoch {n_fmt}/{total_fmt} {bar} {elapsed}{postfix}"


def _bar(kind: str, total: int):
    """A tqdm bar of `kind` (see progress_kind); a notebook bar that cannot be made is a text bar."""
    if kind == "notebook":
        try:
            with warnings.catch_warnings():  # tqdm warns once it cannot make the widget: not here
                warnings.simplefilter("ignore")
                bar = _widget_bar()(total=total, bar_format=WIDGET_BAR, leave=True, display=False)
            try:
                _show_widget(bar)
            except Exception:
                bar.disable = True  # never shown: it goes without a word, and the text bar does instead
                raise
            return bar
        except Exception:  # no widget (a kernel without a frontend's comms, a broken ipywidgets)
            kind = "text"
    from tqdm.std import tqdm

    out = sys.stdout if kind == "text" else sys.stderr  # a kernel shows stderr as if it were an error
    return tqdm(total=total, bar_format=TEXT_BAR, file=out, leave=True)


def _show_widget(bar) -> None:
    """Show the widget bar as tqdm would, but under a display id, so `_final_text` can later replace
    the text a notebook saves beside the widget (what GitHub and viewers without widgets show)."""
    from IPython.display import display

    bar.handle = display(bar.container, display_id=True)
    bar.displayed = True


def _final_text(bar) -> None:
    """Once training is over, the saved text of the widget's output becomes the finished bar as the text
    bar writes it ("100% |████| epoch 20/20 [00:01, loss 0.0123 acc 100.0%]"), not the "epoch 0/20 00:00"
    of when it was first shown; the live view keeps its widget (the same one, shown again)."""
    handle = getattr(bar, "handle", None)
    if handle is None:
        return
    shown = bar.container._repr_mimebundle_()
    view = shown.get("application/vnd.jupyter.widget-view+json") if isinstance(shown, dict) else None
    if view is None:
        return
    meter = dict(bar.format_dict, bar_format=TEXT_BAR, ncols=None)
    text = bar.format_meter(**meter)
    handle.update({"application/vnd.jupyter.widget-view+json": view, "text/plain": text}, raw=True)


@functools.cache
def _widget_bar() -> type:
    """tqdm's notebook bar, but one whose widget could not be made goes quietly: tqdm's own would
    print "Exception ignored in tqdm.__del__" when it is collected."""
    from tqdm.notebook import tqdm as widget

    class Widget(widget):
        def __del__(self):
            if hasattr(self, "disp"):  # set once the widget is made
                super().__del__()

    return Widget


class Progress(Callback):
    """A progress bar with the latest loss and accuracy: tqdm's widget in a notebook, its text bar in a
    terminal, nothing when output goes to a file or with progress=False (see progress_kind)."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.bar: Any = None
        self.run: Run | None = None

    def start(self, run: Run) -> None:
        kind = progress_kind(self.enabled)
        self.run = run
        self.bar = _bar(kind, run.epochs) if kind is not None else None

    def epoch_done(self, run: Run, epoch: int) -> bool:
        if self.bar is not None:
            self.bar.set_postfix_str(_postfix(run.history), refresh=False)
            self.bar.update(1)
        return False

    def close(self) -> None:
        if self.bar is None:
            return
        if self.run is not None and self.run.history.stopped_early:  # done, not cut short: a full bar
            self.bar.total = self.bar.n
            with contextlib.suppress(Exception):  # tqdm's notebook bar: its widget keeps its own maximum
                self.bar.container.children[1].max = self.bar.n
        self.bar.close()
        with contextlib.suppress(Exception):  # the saved text is a nicety: never an error at the end
            _final_text(self.bar)
        self.bar = None


class Divergence(Callback):
    """Stops a run whose loss becomes infinite, nan or EXPLODED times its start, or whose optimizer
    cannot step, and puts back the weights with the lowest training loss seen (with a RuntimeWarning)."""

    def start(self, run: Run) -> None:
        self.start_loss = run.training_loss() if run.epochs else math.nan  # to tell a blow-up
        # the weights with the lowest training loss so far, to put back if training diverges
        self.lowest, self.lowest_epoch = self.start_loss, 0
        self.lowest_weights = run.weights()

    def epoch_done(self, run: Run, epoch: int) -> bool:
        history, opt = run.history, run.optimizer
        loss = history.loss[-1]
        why = _divergence(loss, self.start_loss)
        if not why and not run.step_error:
            if loss < self.lowest or math.isnan(self.lowest):
                self.lowest, self.lowest_epoch = loss, epoch
                self.lowest_weights = run.weights()
            return False
        # the weights are huge, inf or nan: nothing more can be learned
        history.diverged = True
        if history.best_epoch is not None:  # early stopping loads its best epoch when training ends
            history.restored_epoch = history.best_epoch
            kept = f"the weights of epoch {history.best_epoch}, early stopping's best"
        else:
            run.set_weights(self.lowest_weights)
            history.restored_epoch = self.lowest_epoch
            kept = (
                f"its starting weights (loss {self.lowest:.4g})"
                if self.lowest_epoch == 0
                else f"the weights of epoch {self.lowest_epoch} (loss {self.lowest:.4g}), the lowest before"
            )
        opt.state.clear()  # momentum and moments of the blown-up run would spoil the next one
        if run.step_error:
            what = f"the optimizer could not step at epoch {epoch}: {run.step_error}"
        else:
            what = f"the loss {why} at epoch {epoch}: lower the learning rate (it was {opt.lr:g})"
        # stacklevel 3: the warning points at the line that called fit()
        warnings.warn(f"training diverged: {what}; the model is back at {kept}", RuntimeWarning, stacklevel=3)
        return True


class _Trace(Callback):
    """Traces the tape of the training set (the evaluation's) when training starts."""

    touches_model = False

    def start(self, run: Run) -> None:
        run.tape.tape(run.X, run.targets)


class EarlyStopping(Callback):
    """Stops after `patience` epochs without a lower validation loss (training loss without validation)
    and puts back the weights of the best epoch when training ends."""

    def __init__(self, patience: int):
        self.patience = patience
        self.best, self.best_state, self.waited = math.inf, None, 0

    def epoch_done(self, run: Run, epoch: int) -> bool:
        history = run.history
        monitored = history.val_loss[-1] if history.val_loss else history.loss[-1]
        if monitored < self.best:
            self.best, self.best_state, self.waited = monitored, run.model.state_dict(), 0
            history.best_epoch = epoch
            return False
        self.waited += 1
        if self.waited >= self.patience:
            history.stopped_early = True
            return True
        return False

    def finish(self, run: Run) -> None:
        if self.best_state is not None:
            run.model.load_state_dict(self.best_state)


def _divergence(loss: float, start: float) -> str | None:
    """Why a loss shows a diverged run (None if it does not): inf, nan, or EXPLODED times the start."""
    if math.isnan(loss):
        return "became nan (infinite values met)"
    if math.isinf(loss):
        return "became infinite"
    if math.isfinite(start) and loss > EXPLODED * max(start, 1.0):
        return f"exploded from {start:.3g} to {loss:.3g}"
    return None


def _postfix(history: History) -> str:
    shown = f"loss {history.loss[-1]:.4f}"
    if history.accuracy:
        shown += f" acc {history.accuracy[-1]:.1%}"
    if history.val_loss:
        shown += f" | val loss {history.val_loss[-1]:.4f}"
    if history.val_accuracy:
        shown += f" acc {history.val_accuracy[-1]:.1%}"
    return shown


# --- fit ---------------------------------------------------------------------------------


def _with_features(X, names) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """(the plane: X as 1 or 2 float columns, the feature columns computed from it, the names)."""
    from .datasets import features as feature_columns

    columns = feature_columns(X, names)  # checks X and the names, with the accepted list
    plane = np.asarray(X, dtype=float)
    return (plane[:, None] if plane.ndim == 1 else plane), columns, tuple(names)


def batches(X: np.ndarray, t, size: int, shuffle: bool, rng: np.random.Generator):
    """One epoch's mini-batches (X_batch, t_batch) of `size` rows; shuffled (by rng) when there are
    several and `shuffle` is on; the whole set, uncopied, when size covers it."""
    n = len(X)
    order = rng.permutation(n) if shuffle and size < n else None
    for lo in range(0, n, size):
        if order is None:
            yield (X, t) if size == n else (X[lo : lo + size], t[lo : lo + size])
        else:
            idx = order[lo : lo + size]
            yield X[idx], t[idx]


def _optimizer(optimizer, model, lr) -> optim.Optimizer:
    """The optimizer fit() steps; one passed in gets `lr` from fit, after every check (see fit)."""
    if lr is not None:
        lr = check_lr(lr)
    if isinstance(optimizer, optim.Optimizer):
        if lr is None:  # one built with lr=0 (PyTorch allows it) would train nothing just as silently
            try:
                check_lr(optimizer.lr)
            except ValueError as e:
                raise ValueError(f"the optimizer's {e}; pass fit(lr=...) or build it with one") from None
        return optimizer
    if isinstance(optimizer, str):
        # PyTorch's defaults (Adam's 1e-3) crawl on toy problems: fit's own default is 0.02, as the CLI's
        return optim.make(optimizer, model.parameters(), DEFAULT_LR if lr is None else lr)
    raise TypeError(
        f"optimizer must be a name ({', '.join(optim.OPTIMIZERS)}) or an nn.optim optimizer, "
        f"got {type(optimizer).__name__}"
    )


def _schedule(schedule, opt):
    if schedule is None or isinstance(schedule, optim.LRScheduler):
        return schedule
    if callable(schedule):
        made = schedule(opt)
        if not isinstance(made, optim.LRScheduler):
            raise TypeError("schedule(optimizer) must return an nn.optim schedule, e.g. a LinearLR")
        return made
    raise TypeError("schedule must be an nn.optim schedule or a function optimizer -> schedule")


def _task(loss, model, y) -> Task:
    """choose_task for fit(loss=...); a criterion (nn.HingeLoss(), ...) gets the task of the loss it
    computes (its labels converted the same way) and is itself the function trained on."""
    if not isinstance(loss, losses.Criterion):
        return choose_task(loss, model, y)
    if loss.reduction == "none":
        raise ValueError(
            f"fit needs a loss that is one number: {loss!r} gives one per example; "
            "use reduction='mean' (the default) or 'sum'"
        )
    task = choose_task(loss.fit_name, model, y)
    name = type(loss).__name__ if loss.reduction == "mean" else repr(loss)
    return dataclasses.replace(task, name=name, fn=loss)


def fit(
    model,
    X,
    y,
    loss: str | Callable | None = None,
    optimizer: str | optim.Optimizer = "adam",
    epochs: int = 100,
    batch_size: int | None = None,
    shuffle: bool = True,
    validation: tuple | None = None,
    early_stopping: int | None = None,
    metrics: Sequence = ("accuracy",),
    progress: bool = True,
    seed: int | None = None,
    *,
    lr: float | None = None,
    l2: float = 0.0,
    schedule=None,
    record=None,
    callbacks: Sequence[Callback] = (),
    compile: bool = True,
    check_every: int | None = None,
    features: Sequence[str] | None = None,
) -> History:
    """Train `model` on (X, y) and return the per-epoch History.

    loss: a name from LOSSES, a criterion (nn.HingeLoss(), nn.MSELoss(reduction="sum"), ...:
    read as the loss of that name, its labels converted alike) or a function
    (outputs, targets) -> scalar Value; by default cross_entropy for several
    outputs, bce for a sigmoid output, hinge for other class labels, mse
    otherwise. Labels are converted for the
    loss (0/1 <-> ±1); bool labels and a (n, 1) column of labels work too.
    optimizer: a name with `lr`, which defaults to 0.02 (DEFAULT_LR, as the
    CLI's: PyTorch's own defaults, such as Adam's 1e-3, which the optimizer
    classes keep, crawl on toy problems), or an optimizer you built (its own
    lr unless `lr` is given). batch_size None is full batch. early_stopping=k
    stops after k epochs without a better validation loss (training loss
    without validation) and restores the best weights. l2 adds l2 * Σp² to the
    training loss. A loss that becomes infinite or nan, or grows to EXPLODED
    (1e6) times its starting value, or an optimizer step that cannot be taken
    (centered RMSProp on a constant gradient), stops training with a
    RuntimeWarning ("lower the learning rate") and `history.diverged`, and puts
    back the weights with the lowest training loss seen (the starting ones if
    no epoch beat them; with early stopping, its best epoch), named in the
    warning and in `history.restored_epoch`; the optimizer's state (momentum,
    moments) is cleared, so training again with a lower lr starts afresh.
    numpy's own overflow warnings are silenced inside the loop.
    schedule: an nn.optim schedule (or optimizer -> schedule), stepped per epoch.
    record: True keeps snapshots of a model of the plane (a classifier's regions, a regression's
    output, every neuron and weight) in `history.replay` for `History.to_html()`; a path ending
    in .html also writes that page when training ends (see `nn.replay`).
    callbacks: more `Callback`s, called each epoch before fit's own (which may stop the run).
    compile: True (the default) trains on the tape (`autograd_lite.tape`): the loss traced once
    per batch size and replayed as a few numpy calls per layer, the parameters in one buffer the
    optimizer steps in place and copied back to the model after every epoch; the numbers are the
    engine's (to 1e-12). A loss the tape cannot replay trains on the engine with a one-line
    CompileWarning; False always trains on the engine (and so does fit under detect_anomaly()).
    check_every: run the engine beside the tape on the first step and every k steps after, and
    raise TapeMismatch on a difference (None: no check for nn's own models and losses, whose tests
    run every step checked; every 25 steps when the model's forward or the loss is your own code).
    features: names from nn.datasets.FEATURES (["x1", "x2", "x1*x2", "sin(x1)"]): the model sees
    those columns computed from X (one or two columns; validation's X alike), and a recorded
    replay still draws its maps over X's plane; `history.features` keeps the names.
    """
    plane: np.ndarray | None = None
    names: tuple[str, ...] = ()
    if features is not None:
        plane, X, names = _with_features(X, features)
        if isinstance(validation, tuple | list) and len(validation) == 2:
            validation = (_with_features(validation[0], names)[1], validation[1])
    try:
        X = check_X(model, X)
    except ValueError as e:
        if plane is None:
            raise
        raise ValueError(
            f"{e}: with features={list(names)} the model sees {len(names)} columns, so build it to "
            f"take {len(names)} inputs, e.g. nn.MLP({len(names)}, [...])"
        ) from None
    y = plain_labels(y)
    if isinstance(validation, tuple | list) and len(validation) == 2:
        validation = (validation[0], plain_labels(validation[1]))
    task = _task(loss, model, y)
    n_out = n_outputs(model)
    t = task.targets(y, n_out, "y")
    if len(t) != len(X):
        raise ValueError(f"X has {len(X)} examples but y has {len(t)}")
    if validation is not None:
        if not isinstance(validation, tuple | list) or len(validation) != 2:
            raise ValueError("validation must be a pair (X_val, y_val)")
        Xv = check_X(model, validation[0], "the validation X")
        tv = task.targets(validation[1], n_out, "the validation y")
        if len(tv) != len(Xv):
            raise ValueError(f"the validation X has {len(Xv)} examples but its y has {len(tv)}")
    epochs = checks.count("epochs", epochs, 0)
    batch_size = checks.optional_count("batch_size", batch_size)
    patience = checks.optional_count("early_stopping", early_stopping)
    l2 = checks.number("l2", l2)
    metric_fns = _metric_fns(metrics, task)
    history = History(task.name)
    if plane is not None:
        history.features = names
    history.metrics = {name: [] for name in metric_fns}
    if validation is not None:
        history.val_metrics = {name: [] for name in metric_fns}
    hooks: list[Callback] = []
    if record is not None and record is not False:
        if _recorder is None:
            raise RuntimeError("fit(record=...) needs nn.replay, which is not loaded: import nn first")
        hooks.append(_recorder(record))
    # watchers first, so they see every epoch, then the callbacks that may stop the run
    bar = Progress(progress)
    hooks += [*callbacks, bar, Divergence()]
    if patience is not None:
        hooks.append(EarlyStopping(patience))
    opt = _optimizer(optimizer, model, lr)
    params = opt.params
    # your callbacks may read or set weights and grads between epochs, early stopping and the
    # recorder read the model: with any of them the Values get the weights after every epoch
    watched = any(getattr(c, "touches_model", True) for c in callbacks)
    eager = watched or patience is not None or (record is not None and record is not False)
    tape = _compiled(compile, model, task, l2, opt, check_every, loss, watched=watched, eager=eager)
    run = Run(model, X, y, t, task, opt, history, epochs, tape=tape)
    if plane is not None:
        run.features, run.plane = names, plane
    if tape is not None and epochs:  # traced before the bar is drawn, so a note does not land on it
        hooks.insert(hooks.index(bar), _Trace())
    rng = make_rng(seed)
    size = len(X) if batch_size is None else min(batch_size, len(X))
    last_batch = math.ceil(len(X) / size) - 1 if len(X) else 0
    # the callbacks that watch each epoch's last step (the recorder: the numbers it starts from)
    watch_step = [h for h in hooks if type(h).before_last_step is not Callback.before_last_step]
    try:
        for hook in hooks:
            hook.start(run)  # the recorder checks its arguments here, before anything changes
        if lr is not None:
            opt.lr = check_lr(lr)
        sched = _schedule(schedule, opt)
        start = time.perf_counter()
        for epoch in range(1, epochs + 1):
            if tape is not None:
                tape.begin_epoch()
            with np.errstate(over="ignore", invalid="ignore"):
                for b, (Xb, tb) in enumerate(batches(X, t, size, shuffle, rng)):
                    if watch_step and b == last_batch:
                        for hook in watch_step:
                            hook.before_last_step(run, epoch)
                    try:
                        if tape is not None and tape.step(Xb, tb):
                            continue  # counted by the tape
                        history.steps_on_engine += 1
                    except FloatingPointError as e:  # the flat optimizer step changed nothing
                        run.step_error = str(e)
                        break
                    objective = task.fn(model(Xb), tb)
                    if l2:
                        objective = objective + l2 * losses.l2_penalty(params)
                    opt.zero_grad()
                    objective.backward()
                    try:
                        opt.step()
                    except FloatingPointError as e:  # the step changed nothing; Divergence stops the run
                        run.step_error = str(e)
                        break
                if tape is not None:
                    tape.end_epoch()
            if sched is not None and run.step_error is None:
                sched.step()
            _measure(run, metric_fns, validation and (Xv, tv), tape)
            stopped = False
            for hook in hooks:  # the first that says stop ends the run; the ones after it miss this epoch
                stopped = hook.epoch_done(run, epoch)
                if stopped:
                    break
            if stopped:
                break
    finally:
        if tape is not None:
            tape.close()  # the Values get the trained weights, the optimizer its state, even on an error
        for hook in hooks:
            hook.close()
    if tape is not None:
        history.steps_on_tape = tape.replayed
        history.steps_on_engine += tape.on_engine
    for hook in hooks:
        hook.finish(run)
    history.seconds = time.perf_counter() - start
    return history


def _measure(run: Run, metric_fns, validation, tape=None) -> None:
    """Append the epoch's training (and validation) loss and metrics to the run's History."""
    history = run.history

    def evaluate(X, t):
        with np.errstate(over="ignore", invalid="ignore"):
            got = None if tape is None else tape.evaluate(X, t, metric_fns)
        return got if got is not None else _evaluate(run.model, X, t, run.task, metric_fns)

    loss, metrics = evaluate(run.X, run.targets)
    history.loss.append(loss)
    for name, value in metrics.items():
        history.metrics[name].append(value)
    if validation:
        Xv, tv = validation
        loss, metrics = evaluate(Xv, tv)
        history.val_loss.append(loss)
        for name, value in metrics.items():
            history.val_metrics[name].append(value)


#: Makes fit(record=...)'s callback from `record`: nn.replay's Recorder, handed over by `nn`'s front
#: door (the page sits a layer above the loop, so the loop never imports it).
_recorder: Callable[[Any], Callback] | None = None


def register_recorder(make: Callable[[Any], Callback]) -> None:
    """Make `fit(record=...)` call `make(record)` for the callback that records the run."""
    global _recorder
    _recorder = make


#: How a History shows itself in Jupyter, `(history, include, exclude) -> MIME bundle`: nn.replay's,
#: handed over by `nn`'s front door, as the recorder is.
_display: Callable[[History, Any, Any], dict] | None = None


def register_display(show: Callable[[History, Any, Any], dict]) -> None:
    """Make a History show itself in Jupyter through `show(history, include, exclude)`."""
    global _display
    _display = show
