"""Early stopping: watch the validation loss, stop when it turns up, keep the best weights.

A network far too big for the data (2-32-32-1, 1,185 weights) learns 40
noisy moons points; 40 more are held out for validation. Look for: the
training loss falling all the way, while the validation loss falls, bottoms
out and climbs — the network starts memorising the noise (overfitting).
`fit(..., validation=(Xv, yv), early_stopping=20)` stops 20 epochs after the
best validation loss and restores the weights from that epoch; the run
without early stopping ends with a much worse validation loss and a wiggly
decision boundary bent around single noisy training points.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nn
from autograd_lite import no_grad

from . import common

PATIENCE = 20


def train(Xt, yt, Xv, yv, epochs: int, patience: int | None) -> tuple[nn.MLP, nn.History]:
    model = nn.MLP(2, [32, 32, 1], init="xavier", seed=0)
    history = nn.fit(
        model,
        Xt,
        yt,
        loss="bce_with_logits",
        optimizer="adam",
        lr=0.01,
        epochs=epochs,
        validation=(Xv, yv),
        early_stopping=patience,
        progress=False,
        seed=0,
    )
    return model, history


def val_loss(model: nn.MLP, Xv, yv) -> float:
    with no_grad():
        return float(nn.losses.bce_with_logits(model(Xv), yv).data)


def plot(full: nn.History, stopped: nn.History, models: dict, train: tuple, Xv, yv, out: Path) -> Path:
    fig, axes = common.figure(3, width=5.0, height=4.4)
    ax = axes[0]
    epochs = np.arange(1, full.epochs + 1)
    ax.plot(epochs, full.loss, color=common.COLORS[0], linewidth=2, label="training loss")
    ax.plot(epochs, full.val_loss, color=common.COLORS[1], linewidth=2, label="validation loss")
    ax.axvline(
        stopped.best_epoch,
        color=common.COLORS[2],
        linestyle="--",
        label=f"best validation loss: epoch {stopped.best_epoch} (kept)",
    )
    ax.axvline(
        stopped.epochs, color="gray", linestyle=":", label=f"early stopping stops: epoch {stopped.epochs}"
    )
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("binary cross-entropy (log scale)")
    ax.set_title("Training keeps improving;\nvalidation turns up: overfitting")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3)
    for ax, (title, model) in zip(axes[1:], models.items()):
        nn.plot.decision_boundary(
            model,
            Xv,
            yv,
            resolution=150,
            ax=ax,
            title=f"{title}\nvalidation accuracy {nn.accuracy(model, Xv, yv):.0%}",
        )
        ax.get_legend().remove()
        Xt, yt = train
        for k, color in ((0, "#1f77b4"), (1, "#d62728")):
            ax.scatter(
                *Xt[yt == k].T,
                marker="x",
                s=28,
                color=color,
                linewidths=1.2,
                label=f"class {k}, training point",
            )
    handles, labels = axes[2].get_legend_handles_labels()
    labels = [
        f"{t}, validation point" if t.startswith("class") and "training" not in t else t for t in labels
    ]
    axes[2].legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
    fig.suptitle("Early stopping on noisy moons: a 2-32-32-1 MLP, 40 training and 40 validation points")
    return common.save(fig, out, "early_stopping")


def run(quick: bool = False, out: Path = Path("out/early_stopping")) -> dict:
    """Train with and without early stopping; quick runs the reference 120 epochs instead of 300."""
    out = Path(out)
    X, y = nn.datasets.moons(n=80, noise=0.4, seed=0)
    Xt, Xv, yt, yv = nn.datasets.train_test_split(X, y, test_size=0.5, seed=0)
    epochs = 120 if quick else 300
    early, stopped = train(Xt, yt, Xv, yv, epochs, PATIENCE)
    late, full = train(Xt, yt, Xv, yv, epochs, None)
    best = stopped.best_epoch
    restored = val_loss(early, Xv, yv)
    print(
        f"MLP 2-32-32-1 (1,185 weights) on {len(Xt)} noisy moons points, {len(Xv)} held out; Adam lr 0.01.\n"
    )
    assert best is not None, "early stopping keeps a best epoch"
    rows = [
        (
            "best epoch (lowest validation loss)",
            best,
            f"{stopped.loss[best - 1]:.3f}",
            f"{stopped.val_loss[best - 1]:.3f}",
        ),
        (
            f"early stopping stops ({PATIENCE} epochs later)",
            stopped.epochs,
            f"{stopped.loss[-1]:.3f}",
            f"{stopped.val_loss[-1]:.3f}",
        ),
        (
            f"no early stopping, epoch {full.epochs}",
            full.epochs,
            f"{full.loss[-1]:.3f}",
            f"{full.val_loss[-1]:.3f}",
        ),
    ]
    print(common.table(["moment", "epoch", "train loss", "validation loss"], rows))
    print(f"\nAfter stopping, fit() restored the weights of epoch {best}: validation loss {restored:.3f}.")
    acc_early, acc_late = nn.accuracy(early, Xv, yv), nn.accuracy(late, Xv, yv)
    print(f"Validation accuracy: early-stopped {acc_early:.0%}, trained to the end {acc_late:.0%}.")
    print("Past the best epoch the training loss keeps falling while the validation loss rises: the extra")
    print("epochs only fit the noise of these 40 points.")
    models = {
        f"Early stopping: weights of epoch {best}": early,
        f"No early stopping: epoch {full.epochs}": late,
    }
    figure = plot(full, stopped, models, (Xt, yt), Xv, yv, out)
    return {
        "stopped_early": stopped.stopped_early,
        "best_epoch": best,
        "stopped_at": stopped.epochs,
        "patience": PATIENCE,
        "val_loss": stopped.val_loss,
        "train_loss": stopped.loss,
        "restored_val_loss": restored,
        "full_val_loss": full.val_loss,
        "val_accuracy": {"early": acc_early, "late": acc_late},
        "figures": [figure],
    }


if __name__ == "__main__":
    common.main("early_stopping", run, __doc__)
