"""The training loop: `fit()` runs epochs of mini-batches as lanes and returns a `History`.

A mini-batch is one call of the model on a 2-D array, so its outputs are lane
Values and one backward pass serves the whole batch. `predict`, `classify`
and `accuracy` run the model the same way under `no_grad()`.
"""

from __future__ import annotations

import math
import numbers
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from autograd_lite import Value, no_grad

from . import losses, optim
from .seed import rng as make_rng

#: Losses by the names `fit(loss=...)` and the CLI accept, and the task each implies.
LOSSES: dict[str, tuple[Callable, str]] = {
    "hinge": (losses.hinge, "margin"),  # one output, labels ±1 (0/1 converted)
    "bce_with_logits": (losses.bce_with_logits, "logit"),  # one output, labels 0/1 (±1 converted)
    "bce": (losses.binary_cross_entropy, "probability"),  # one sigmoid output, labels 0/1
    "binary_cross_entropy": (losses.binary_cross_entropy, "probability"),
    "cross_entropy": (losses.cross_entropy, "classes"),  # one output per class, labels 0..K-1
    "mse": (losses.mse, "regression"),
    "sse": (losses.sse, "regression"),
    "mae": (losses.mae, "regression"),
}

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


def _check_X(model, X, what: str = "X") -> np.ndarray:
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a 2-D array of numbers (examples, features)") from None
    if X.ndim != 2:
        nin = getattr(model, "nin", None)
        hint = ""
        if X.ndim == 1 and nin == 1:
            hint = "; for a one-feature dataset use X[:, None]"
        elif X.ndim == 1 and nin == len(X):
            hint = "; for one example use X[None, :] (or call the model on a list)"
        raise ValueError(f"{what} must be 2-D (examples, features), got shape {X.shape}{hint}")
    if len(X) == 0:
        raise ValueError(f"{what} holds no examples")
    nin = getattr(model, "nin", X.shape[1])
    if X.shape[1] != nin:
        raise ValueError(f"{what} has {X.shape[1]} features per example but the model takes {nin}")
    if not np.isfinite(X).all():
        raise ValueError(f"{what} holds nan or infinity")
    return X


def _outputs_data(out, n: int) -> np.ndarray:
    """The model's output as an array: (n,) for one output, (n, K) for K outputs."""

    def lanes(v: Value) -> np.ndarray:
        return v.data if v.is_lanes else np.full(n, float(v.data))

    if isinstance(out, Value):
        return lanes(out)
    return np.stack([lanes(v) for v in out], axis=1)


def predict(model, X) -> np.ndarray:
    """The model's raw outputs for every row of X: shape (n,) for one output, (n, K) for K."""
    X = _check_X(model, X)
    with no_grad():
        return _outputs_data(model(X), len(X))


def _threshold(model, threshold: float | None) -> float:
    if threshold is not None:
        return float(threshold)
    return 0.5 if getattr(model, "output_activation", None) == "sigmoid" else 0.0


def _decide(outputs: np.ndarray, threshold: float) -> np.ndarray:
    """Class indices from outputs: argmax of K outputs, or output > threshold for one."""
    if outputs.ndim == 2:
        return outputs.argmax(axis=1)
    return (outputs > threshold).astype(int)


def classify(model, X, threshold: float | None = None) -> np.ndarray:
    """Predicted class index (0..K-1) for every row of X.

    One output: class 1 when it exceeds `threshold` (0.5 after a sigmoid, else
    0, which suits hinge and logits). Several outputs: the largest one.
    """
    return _decide(predict(model, X), _threshold(model, threshold))


def _plain_labels(y) -> np.ndarray:
    """y as given, but a (n, 1) column flattened and bools read as 0/1."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    return y.astype(int) if y.dtype.kind == "b" else y


def _class_indices(y, what: str = "y") -> np.ndarray:
    """Labels as 0..K-1, with -1/+1 read as 0/1."""
    y = _plain_labels(y)
    if y.ndim != 1 or y.dtype.kind not in "iuf" or not np.all(y == np.round(y)):
        raise ValueError(f"{what} must hold class labels (whole numbers: 0..K-1, or -1/+1) one per example")
    if y.min() < 0:
        if not set(np.unique(y)) <= {-1, 1}:
            raise ValueError(f"{what}: negative labels must be -1/+1, got {sorted(set(np.unique(y)))[:5]}")
        return (y > 0).astype(int)
    return y.astype(int)


def accuracy(model, X, y, threshold: float | None = None) -> float:
    """The fraction of rows of X whose predicted class (see `classify`) is y's label."""
    X = _check_X(model, X)
    labels = _class_indices(y)
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
    replay: object = field(
        default=None, repr=False, compare=False
    )  # an nn.replay.Replay after fit(record=...)

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
        """A self-contained HTML replay of this run (needs `fit(..., record=True)`); see `nn.replay`."""
        from .replay import page

        return page(self, path, title=title)

    def __repr__(self) -> str:
        if not self.loss:
            return f"History({self.loss_name}, no epochs)"
        epochs = f"{self.epochs} epoch" + ("" if self.epochs == 1 else "s")
        parts = [epochs, f"{self.loss_name} {self.loss[0]:.4g} -> {self.loss[-1]:.4g}"]
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


# --- the task: what the loss expects and how labels must look ----------------------------


def _n_outputs(model) -> int:
    if hasattr(model, "nouts"):
        return model.nouts[-1]
    if hasattr(model, "nout"):
        return model.nout
    return 1


@dataclass
class _Task:
    """How the chosen loss reads the model and the labels."""

    name: str
    fn: Callable
    kind: str  # margin | logit | probability | classes | regression | custom
    threshold: float
    classifies: bool  # whether accuracy means something

    def targets(self, y, n_out: int, what: str):
        """y as the loss wants it: ±1, 0/1, class indices or floats."""
        y = np.asarray(y)
        if self.kind == "custom":
            return y
        if self.kind == "regression":
            try:
                y = y.astype(np.float64)
            except (TypeError, ValueError):
                raise TypeError(f"{what} must hold numbers for the {self.name} loss") from None
            if not np.isfinite(y).all():
                raise ValueError(f"{what} holds nan or infinity")
            if n_out > 1 and (y.ndim != 2 or y.shape[1] != n_out):
                raise ValueError(f"the model has {n_out} outputs, so {what} needs shape (n, {n_out})")
            return y
        labels = _class_indices(y, what)
        if self.kind == "classes":
            if labels.max() >= n_out:
                raise ValueError(
                    f"{what} holds class {labels.max()} but the model has {n_out} outputs "
                    f"(one per class, 0..{n_out - 1})"
                )
            return labels
        if labels.max() > 1:
            raise ValueError(
                f"the {self.name} loss is for two classes, but {what} holds {labels.max() + 1} classes: "
                "give the model one output per class and use loss='cross_entropy'"
            )
        return 2.0 * labels - 1.0 if self.kind == "margin" else labels.astype(np.float64)


def _task(loss, model, y) -> _Task:
    n_out = _n_outputs(model)
    threshold = _threshold(model, None)
    y = np.asarray(y)
    whole = y.dtype.kind in "iu" or (y.dtype.kind == "f" and bool(np.all(y == np.round(y))))
    two_classes = whole and y.ndim == 1 and set(np.unique(y).tolist()) <= {-1, 0, 1}
    if callable(loss):  # accuracy where the labels look like classes
        labels = (n_out > 1 and whole and y.ndim == 1) or (n_out == 1 and two_classes)
        return _Task(getattr(loss, "__name__", "loss"), loss, "custom", threshold, labels)
    if loss is None:
        if n_out > 1 and y.ndim == 1:
            loss = "cross_entropy"
        elif two_classes:
            loss = "bce" if threshold == 0.5 else "hinge"
        else:
            loss = "mse"
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of: {', '.join(LOSSES)}, or pass a function")
    fn, kind = LOSSES[loss]
    if kind in ("margin", "logit", "probability") and n_out != 1:
        raise ValueError(
            f"the {loss} loss needs a model with one output, this one has {n_out}: "
            "use loss='cross_entropy' for one output per class"
        )
    if kind == "classes" and n_out < 2:
        raise ValueError(
            "cross_entropy needs one output per class (at least 2); "
            "for a single output use loss='hinge' or loss='bce_with_logits'"
        )
    if kind == "probability" and getattr(model, "output_activation", "sigmoid") != "sigmoid":
        raise ValueError(
            f"the {loss} loss takes probabilities: build the model with output_activation='sigmoid', "
            "or use loss='bce_with_logits' on its raw outputs"
        )
    return _Task(loss, fn, kind, threshold, kind != "regression")


def _metric_fns(metrics, task: _Task) -> dict[str, Callable]:
    """name -> f(outputs, targets) for the requested metrics; accuracy only where there are classes."""
    if isinstance(metrics, str):
        metrics = (metrics,)
    fns = {}
    for m in metrics or ():
        if callable(m):
            fns[getattr(m, "__name__", "metric")] = m
        elif m == "accuracy":
            if task.classifies:
                fns[m] = lambda out, t: float(np.mean(_decide(out, task.threshold) == _class_indices(t)))
        elif m == "mse":
            fns[m] = lambda out, t: float(np.mean((out - t) ** 2))
        elif m == "mae":
            fns[m] = lambda out, t: float(np.mean(np.abs(out - t)))
        else:
            raise ValueError(f"unknown metric {m!r}; choose from {', '.join(METRICS)}, or pass a function")
    return fns


def _evaluate(model, X, t, task: _Task, metric_fns) -> tuple[float, dict[str, float]]:
    """The loss and metrics on (X, t) for the current weights, building no graph."""
    with no_grad(), np.errstate(over="ignore", invalid="ignore"):
        out = model(X)
        loss = float(task.fn(out, t).data)
    data = _outputs_data(out, len(X))
    return loss, {name: f(data, t) for name, f in metric_fns.items()}


# --- fit ---------------------------------------------------------------------------------


def _positive_int(name: str, n, allow_none: bool = False, minimum: int = 1):
    if n is None and allow_none:
        return None
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < minimum:
        raise ValueError(
            f"{name} must be a whole number >= {minimum}{' or None' if allow_none else ''}, got {n!r}"
        )
    return int(n)


def _optimizer(optimizer, model, lr) -> optim.Optimizer:
    if lr is not None:
        lr = check_lr(lr)
    if isinstance(optimizer, optim.Optimizer):
        if lr is not None:
            optimizer.lr = lr
        else:  # an optimizer built with lr=0 (PyTorch allows it) would train nothing just as silently
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


def _progress_bar(epochs: int, enabled: bool):
    from tqdm.auto import tqdm

    quiet = not enabled or not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty())
    shape = "{percentage:3.0f}% |{bar:12}| epoch {n_fmt}/{total_fmt} [{elapsed}{postfix}]"  # fits 100 columns
    return tqdm(total=epochs, bar_format=shape, disable=quiet, file=sys.stderr, leave=True)


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
) -> History:
    """Train `model` on (X, y) and return the per-epoch History.

    loss: a name from LOSSES or a function (outputs, targets) -> scalar Value;
    by default cross_entropy for several outputs, bce for a sigmoid output,
    hinge for other class labels, mse otherwise. Labels are converted for the
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
    record: True keeps decision-region snapshots of a 2-D classifier in
    `history.replay` for `History.to_html()`; a path ending in .html also
    writes that page when training ends (see `nn.replay`).
    """
    X = _check_X(model, X)
    y = _plain_labels(y)
    if isinstance(validation, tuple | list) and len(validation) == 2:
        validation = (validation[0], _plain_labels(validation[1]))
    task = _task(loss, model, y)
    n_out = _n_outputs(model)
    t = task.targets(y, n_out, "y")
    if len(t) != len(X):
        raise ValueError(f"X has {len(X)} examples but y has {len(t)}")
    if validation is not None:
        if not isinstance(validation, tuple | list) or len(validation) != 2:
            raise ValueError("validation must be a pair (X_val, y_val)")
        Xv = _check_X(model, validation[0], "the validation X")
        tv = task.targets(validation[1], n_out, "the validation y")
        if len(tv) != len(Xv):
            raise ValueError(f"the validation X has {len(Xv)} examples but its y has {len(tv)}")
    epochs = _positive_int("epochs", epochs, minimum=0)
    batch_size = _positive_int("batch_size", batch_size, allow_none=True)
    patience = _positive_int("early_stopping", early_stopping, allow_none=True)
    l2 = optim._number("l2", l2)
    metric_fns = _metric_fns(metrics, task)
    recorder = None
    if record is not None and record is not False:
        from .replay import Recorder

        recorder = Recorder(model, X, y, task, epochs, record)  # checks everything before training
    opt = _optimizer(optimizer, model, lr)
    sched = _schedule(schedule, opt)
    params = opt.params

    history = History(task.name)
    history.metrics = {name: [] for name in metric_fns}
    if validation is not None:
        history.val_metrics = {name: [] for name in metric_fns}
    rng = make_rng(seed)
    n = len(X)
    size = n if batch_size is None else min(batch_size, n)
    best, best_state, waited = math.inf, None, 0
    start_loss = _evaluate(model, X, t, task, {})[0] if epochs else math.nan  # to tell a blow-up
    # the weights with the lowest training loss so far, to put back if training diverges
    lowest, lowest_epoch, lowest_weights = start_loss, 0, [p.data for p in params]
    start = time.perf_counter()
    bar = _progress_bar(epochs, progress)
    failed: str | None = None  # why an optimizer step could not be taken
    try:
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n) if shuffle and size < n else None
            with np.errstate(over="ignore", invalid="ignore"):
                for lo in range(0, n, size):
                    if order is None:
                        Xb, tb = (X, t) if size == n else (X[lo : lo + size], t[lo : lo + size])
                    else:
                        idx = order[lo : lo + size]
                        Xb, tb = X[idx], t[idx]
                    objective = task.fn(model(Xb), tb)
                    if l2:
                        objective = objective + l2 * losses.l2_penalty(params)
                    opt.zero_grad()
                    objective.backward()
                    try:
                        opt.step()
                    except FloatingPointError as e:  # the step changed nothing; stop here (see below)
                        failed = str(e)
                        break
            if sched is not None and failed is None:
                sched.step()
            train_loss, train_metrics = _evaluate(model, X, t, task, metric_fns)
            history.loss.append(train_loss)
            for name, value in train_metrics.items():
                history.metrics[name].append(value)
            monitored = train_loss
            if validation is not None:
                val_loss, val_metrics = _evaluate(model, Xv, tv, task, metric_fns)
                history.val_loss.append(val_loss)
                for name, value in val_metrics.items():
                    history.val_metrics[name].append(value)
                monitored = val_loss
            if recorder is not None:
                recorder.epoch_done(epoch)
            bar.update(1)
            bar.set_postfix_str(_postfix(history), refresh=False)
            why = _divergence(train_loss, start_loss)
            if why or failed:  # the weights are huge, inf or nan: nothing more can be learned
                history.diverged = True
                if best_state is not None:  # early stopping's best epoch is loaded below
                    history.restored_epoch = history.best_epoch
                    kept = f"the weights of epoch {history.best_epoch}, early stopping's best"
                else:
                    for p, x in zip(params, lowest_weights):
                        p.data = x
                    history.restored_epoch = lowest_epoch
                    kept = (
                        f"its starting weights (loss {lowest:.4g})"
                        if lowest_epoch == 0
                        else f"the weights of epoch {lowest_epoch} (loss {lowest:.4g}), the lowest before"
                    )
                opt.state.clear()  # momentum and moments of the blown-up run would spoil the next one
                if failed:
                    what = f"the optimizer could not step at epoch {epoch}: {failed}"
                else:
                    what = f"the loss {why} at epoch {epoch}: lower the learning rate (it was {opt.lr:g})"
                warnings.warn(
                    f"training diverged: {what}; the model is back at {kept}",
                    RuntimeWarning,
                    stacklevel=2,
                )
                break
            if train_loss < lowest or math.isnan(lowest):
                lowest, lowest_epoch, lowest_weights = train_loss, epoch, [p.data for p in params]
            if patience is not None:
                if monitored < best:
                    best, best_state, waited = monitored, model.state_dict(), 0
                    history.best_epoch = epoch
                else:
                    waited += 1
                    if waited >= patience:
                        history.stopped_early = True
                        break
    finally:
        bar.close()
    if recorder is not None:
        recorder.finish(history, history.epochs)
    if best_state is not None:
        model.load_state_dict(best_state)
    history.seconds = time.perf_counter() - start
    return history


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
