"""Pictures of training: a classifier's decision regions, a regression fit, loss and accuracy curves.

Figures are built with matplotlib's object API (`Figure`, drawn by Agg or
the SVG backend when saved), never through pyplot: no window opens, nothing
piles up in pyplot's figure list. A figure made without pyplot has no
notebook display of its own (matplotlib registers one with `%matplotlib
inline`), so every plot here is a `Figure`, matplotlib's with `_repr_png_`:
a notebook shows it as a picture with no magic; where matplotlib's own
formatter is registered it takes precedence (one picture, not two).
`figure()` makes one for a lesson's own panels. A `path` ending in .png or
.svg writes the file.
"""

from __future__ import annotations

import io
import os

import numpy as np
from matplotlib import figure as _figure
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap

from autograd_lite.errors import counted
from autograd_lite.palette import SERIES

from . import tasks
from .tasks import check_X, class_indices, decide, describe
from .train import History, predict

FORMATS = (".png", ".svg")
# Okabe-Ito, the colours of the graph pictures and the pages too (autograd_lite.palette);
# classes also get a marker shape each, so a grey print still reads.
COLORS = list(SERIES)
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
DPI = 100  # a notebook's picture: 100 pixels per inch, as matplotlib's inline backend draws


class Figure(_figure.Figure):
    """A matplotlib Figure that a notebook shows as a PNG (`_repr_png_`) without `%matplotlib inline`.

    Everything else is matplotlib's: `savefig`, `add_subplot`, `subplots`, ...
    """

    def _repr_png_(self) -> bytes | None:
        """The picture as PNG bytes for Jupyter; None (the text repr shows) if it cannot be drawn."""
        try:
            return png(self)
        except Exception:
            return None


def png(fig: _figure.Figure, dpi: float = DPI) -> bytes:
    """The figure drawn as PNG bytes (Agg, at `dpi`), for a notebook or a page."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi)
    return out.getvalue()


def figure(ncols: int = 1, width: float = 6.0, height: float = 4.3, *, nrows: int = 1) -> tuple[Figure, list]:
    """A `Figure` of nrows x ncols panels (each `width` x `height` inches) and its Axes, row by row:
    `fig, (left, right) = nn.plot.figure(2)`. Shown in a notebook as a picture; no pyplot."""
    fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = [fig.add_subplot(nrows, ncols, i + 1) for i in range(nrows * ncols)]
    return fig, axes


def check_path(path: str | os.PathLike) -> str:
    """The path as a string if it names a .png or .svg file in an existing directory, else an error."""
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise ValueError(f"cannot write a plot to {path!r}: the name must end in .png or .svg")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot write a plot to {path!r}: the folder {folder!r} does not exist")
    return path


def _save(fig: _figure.Figure, path) -> None:
    if path is None:
        return
    path = check_path(path)
    try:
        fig.savefig(path, dpi=120)
    except OSError as e:
        raise OSError(f"cannot write a plot to {path!r}: {e.strerror or e}") from None


def _class_names(y) -> list[str]:
    y = np.asarray(y)
    if y.min() < 0:  # -1/+1 labels
        return ["class -1", "class +1"]
    return [f"class {k}" for k in range(int(y.max()) + 1)]


def marker_size(n: int) -> float:
    """A scatter marker's area, in pt², for n points: 24 from about 100 points up (the markers
    do not hide each other or the boundary), growing as 1/sqrt(n) below to at most 72, so the
    4 points of XOR are as easy to see from the back of a room as a hundred are."""
    return float(np.clip(24.0 * np.sqrt(100.0 / max(n, 1)), 24.0, 72.0))


def decision_boundary(
    model,
    X,
    y,
    path: str | os.PathLike | None = None,
    *,
    resolution: int = 200,
    threshold: float | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> _figure.Figure:
    """The plane coloured by the class the model predicts, the boundary line, and the data points.

    The mesh of resolution² points runs through the model as lanes in one
    pass under no_grad. X must have two features; y holds class labels.
    `ax`: draw into this matplotlib Axes (e.g. one panel of several models
    side by side) instead of a new figure; its figure is returned.
    """
    X = check_X(model, X)
    if X.shape[1] != 2:
        raise ValueError(f"decision_boundary draws two input features, X has {X.shape[1]}")
    labels = class_indices(y)
    if len(labels) != len(X):
        raise ValueError(f"X has {len(X)} examples but y has {len(labels)} labels")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= 2000:
        raise ValueError(f"resolution must be a whole number from 2 to 2000, got {resolution!r}")
    cut = tasks.threshold(model, threshold)

    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-9) + 0.1
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    mx, my = np.meshgrid(gx, gy)
    with np.errstate(over="ignore", invalid="ignore"):
        out = predict(model, np.column_stack([mx.ravel(), my.ravel()]))
    regions = decide(out, cut).reshape(mx.shape)
    k = max(int(labels.max()) + 1, int(regions.max()) + 1, 2)
    names = _class_names(y) + [f"class {j}" for j in range(len(_class_names(y)), k)]

    fig: _figure.Figure
    if ax is None:
        fig = Figure(figsize=(7.6, 5.4), layout="constrained")
        ax = fig.add_subplot()
    else:
        root = ax.get_figure(root=True)  # the whole figure, even for axes inside a subfigure
        if root is None:
            raise ValueError("decision_boundary(ax=...) needs axes that belong to a matplotlib Figure")
        fig = root
    ax.contourf(mx, my, regions, levels=np.arange(k + 1) - 0.5, cmap=ListedColormap(COLORS[:k]), alpha=0.22)
    drawn = False  # a model that says one class everywhere has no boundary, and the legend says none
    if out.ndim == 1:  # one output: the boundary is where it crosses the threshold
        score = out.reshape(mx.shape)
        if score.min() < cut < score.max():
            ax.contour(mx, my, score, levels=[cut], colors="black", linewidths=1.5)
            drawn = True
    elif len(np.unique(regions)) > 1:  # the edge of each class's region; shared edges coincide
        for j in np.unique(regions):
            ax.contour(mx, my, (regions == j).astype(float), levels=[0.5], colors="black", linewidths=1.2)
        drawn = True
    for j in range(k):
        pts = X[labels == j]
        if len(pts):
            ax.scatter(
                pts[:, 0],
                pts[:, 1],
                s=marker_size(len(X)),
                color=COLORS[j % len(COLORS)],
                marker=MARKERS[j % len(MARKERS)],
                edgecolors="black",
                linewidths=0.5,
                label=names[j],
                zorder=3,
            )
    if drawn:
        ax.plot([], [], color="black", linewidth=1.5, label="decision boundary")
    with np.errstate(over="ignore", invalid="ignore"):  # huge weights: numbers, not numpy's warnings
        acc = float(np.mean(decide(predict(model, X), cut) == labels))
    ax.set_title(title or f"Decision boundary\n{describe(model)}, accuracy {acc:.1%} on {len(X)} points")
    ax.set_xlabel("x₁ (feature 1)")
    ax.set_ylabel("x₂ (feature 2)")
    ax.set_xlim(gx[0], gx[-1])
    ax.set_ylim(gy[0], gy[-1])
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize=9)  # off the data
    _save(fig, path)
    return fig


def regression(model, X, y, path: str | os.PathLike | None = None, *, title: str | None = None) -> Figure:
    """The data points of a 1-D regression and the model's curve through them."""
    X = check_X(model, X)
    if X.shape[1] != 1:
        raise ValueError(f"regression plots one input feature, X has {X.shape[1]}")
    y = np.asarray(y, dtype=float)
    grid = np.linspace(X.min(), X.max(), 400)[:, None]
    with np.errstate(over="ignore", invalid="ignore"):
        curve = predict(model, grid)
        mse = float(np.mean((predict(model, X) - y) ** 2))
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.add_subplot()
    ax.scatter(X[:, 0], y, s=16, color=COLORS[0], alpha=0.7, label="data")
    ax.plot(grid[:, 0], curve, color=COLORS[1], linewidth=2, label="model")
    ax.set_title(title or f"Regression fit\n{describe(model)}, mse {mse:.4g} on {len(X)} points")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="best")
    _save(fig, path)
    return fig


def history(history: History, path: str | os.PathLike | None = None, *, title: str | None = None) -> Figure:
    """Loss per epoch (train and validation), and accuracy when it was measured."""
    if not isinstance(history, History):
        raise TypeError(f"history() plots the History that fit() returns, got {type(history).__name__}")
    if not history.loss:
        raise ValueError("the history holds no epochs to plot")
    panels = 2 if history.accuracy else 1
    fig = Figure(figsize=(5.2 * panels, 4.2), layout="constrained")
    axes = [fig.add_subplot(1, panels, i + 1) for i in range(panels)]
    epochs = np.arange(1, history.epochs + 1)

    def curves(ax, train, val, ylabel):
        ax.plot(epochs, train, color=COLORS[0], linewidth=1.8, label="training")
        if val:
            ax.plot(epochs, val, color=COLORS[1], linewidth=1.8, label="validation")
        if history.best_epoch is not None:
            ax.axvline(
                history.best_epoch, color="gray", linestyle="--", linewidth=1, label="best epoch (kept)"
            )
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(loc="best")

    curves(axes[0], history.loss, history.val_loss, f"{history.loss_name} loss")
    axes[0].set_title("Loss")
    if panels == 2:
        curves(axes[1], [100 * a for a in history.accuracy], [100 * a for a in history.val_accuracy],
               "accuracy (%)")  # fmt: skip
        axes[1].set_title("Accuracy")
    done = counted(history.epochs, "epoch")
    heading = title or f"Training: {done}" + (", stopped early" if history.stopped_early else "")
    fig.suptitle(heading)
    _save(fig, path)
    return fig
