"""What a model's outputs mean: the task a loss implies, labels read as classes, outputs read as decisions.

The training loop, the plots and the replay page all ask these: `check_X`
for inputs, `class_indices` for labels, `threshold` and `decide` for the class
a model predicts, `describe` for its one-line name, `choose_task` for how a
loss reads the model and the labels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import losses

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


def check_X(model, X, what: str = "X") -> np.ndarray:
    """X as a finite float array (examples, model.nin), or an error saying what is wrong and how to fix it."""
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


def plain_labels(y) -> np.ndarray:
    """y as given, but a (n, 1) column flattened and bools read as 0/1."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    return y.astype(int) if y.dtype.kind == "b" else y


def class_indices(y, what: str = "y") -> np.ndarray:
    """Labels as 0..K-1, with -1/+1 read as 0/1; a ValueError for anything that is not class labels."""
    y = plain_labels(y)
    if y.ndim != 1 or y.dtype.kind not in "iuf" or not np.all(y == np.round(y)):
        raise ValueError(f"{what} must hold class labels (whole numbers: 0..K-1, or -1/+1) one per example")
    if y.min() < 0:
        if not set(np.unique(y)) <= {-1, 1}:
            raise ValueError(f"{what}: negative labels must be -1/+1, got {sorted(set(np.unique(y)))[:5]}")
        return (y > 0).astype(int)
    return y.astype(int)


def threshold(model, given: float | None = None) -> float:
    """The cut for one output: `given`, else 0.5 after a sigmoid, else 0 (hinge margins and logits)."""
    if given is not None:
        return float(given)
    return 0.5 if getattr(model, "output_activation", None) == "sigmoid" else 0.0


def decide(outputs: np.ndarray, threshold: float) -> np.ndarray:
    """Class indices from outputs: argmax of K outputs, or output > threshold for one."""
    if outputs.ndim == 2:
        return outputs.argmax(axis=1)
    return (outputs > threshold).astype(int)


def n_outputs(model) -> int:
    """How many outputs the model gives per example (its `nout`; 1 for a model that does not say)."""
    return int(getattr(model, "nout", 1))


def describe(model) -> str:
    """The model in a few words for titles, e.g. 'MLP 2-16-16-1 (relu)' (its `describe()`, else its class)."""
    own = getattr(model, "describe", None)
    return own() if callable(own) else type(model).__name__


@dataclass
class Task:
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
        labels = class_indices(y, what)
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


def choose_task(loss, model, y) -> Task:
    """The Task of `loss` (a name from LOSSES, a function, or None to choose by the labels) on `model`."""
    n_out = n_outputs(model)
    cut = threshold(model)
    y = np.asarray(y)
    whole = y.dtype.kind in "iu" or (y.dtype.kind == "f" and bool(np.all(y == np.round(y))))
    two_classes = whole and y.ndim == 1 and set(np.unique(y).tolist()) <= {-1, 0, 1}
    if callable(loss):  # accuracy where the labels look like classes
        labels = (n_out > 1 and whole and y.ndim == 1) or (n_out == 1 and two_classes)
        return Task(getattr(loss, "__name__", "loss"), loss, "custom", cut, labels)
    if loss is None:
        if n_out > 1 and y.ndim == 1:
            loss = "cross_entropy"
        elif two_classes:
            loss = "bce" if cut == 0.5 else "hinge"
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
    return Task(loss, fn, kind, cut, kind != "regression")
