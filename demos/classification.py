"""Several classes: three interleaved spirals, one output per class, softmax + cross-entropy.

The network has 3 outputs, one score (logit) per class; softmax turns them
into probabilities and cross-entropy is -log of the true class's probability
(see the `softmax` lesson for the numbers by hand). The predicted class is
the largest score. Look for: accuracy far above the 33% of guessing, on
points held out from training as well; the confusion table (which class is
mistaken for which); and decision regions that follow the spiral arms.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nn

from . import common

CLASSES = 3


def confusion(model: nn.MLP, X, y) -> np.ndarray:
    """counts[true class, predicted class]."""
    counts = np.zeros((CLASSES, CLASSES), int)
    for t, p in zip(y, nn.classify(model, X)):
        counts[t, p] += 1
    return counts


def run(quick: bool = False, out: Path = Path("out/classification")) -> dict:
    """Train a 2-16-16-3 MLP on spirals; quick trains 100 epochs instead of 200."""
    out = Path(out)
    X, y = nn.datasets.spirals(n=300, classes=CLASSES, noise=0.2, seed=0)
    Xt, Xv, yt, yv = nn.datasets.train_test_split(X, y, test_size=0.25, seed=0)
    model = nn.MLP(2, [16, 16, CLASSES], init="he", seed=0)
    epochs = 100 if quick else 200
    history = nn.fit(
        model,
        Xt,
        yt,
        loss="cross_entropy",
        optimizer="adam",
        lr=0.03,
        epochs=epochs,
        validation=(Xv, yv),
        progress=False,
        seed=0,
    )
    train_acc, test_acc = nn.accuracy(model, Xt, yt), nn.accuracy(model, Xv, yv)
    print(f"{len(X)} points in {CLASSES} spiral arms; {len(Xt)} to train on, {len(Xv)} held out.")
    print(f"{model!r}: one output per class;")
    print(f"cross-entropy, Adam lr 0.03, {epochs} full-batch epochs.\n")
    print(
        f"cross-entropy: {history.loss[0]:.3f} -> {history.loss[-1]:.4f}"
        f"  (guessing, p = 1/3 for each class, costs log 3 = {np.log(3):.3f})"
    )
    print(f"accuracy: training {train_acc:.1%}, held out {test_acc:.1%}  (guessing: {1 / CLASSES:.1%})\n")
    counts = confusion(model, Xv, yv)
    print("held-out points, true class (rows) vs predicted class (columns):")
    print(
        common.table(
            ["true \\ predicted", *(f"class {k}" for k in range(CLASSES))],
            [(f"class {k}", *counts[k]) for k in range(CLASSES)],
        )
    )
    fig, (left, right) = common.figure(2, width=5.8, height=4.6)
    nn.plot.decision_boundary(
        model,
        X,
        y,
        resolution=200,
        ax=left,
        title=f"Decision regions: the largest of 3 scores\ntraining {train_acc:.1%}, held out {test_acc:.1%}",
    )
    e = np.arange(1, history.epochs + 1)
    right.plot(e, history.loss, color=common.COLORS[0], linewidth=2, label="training loss")
    right.plot(e, history.val_loss, color=common.COLORS[1], linewidth=2, label="held-out loss")
    right.axhline(np.log(3), color="gray", linestyle=":", label="guessing: log 3")
    right.set_yscale("log")
    right.set_xlabel("epoch")
    right.set_ylabel("cross-entropy (log scale)")
    right.set_title("Loss while training")
    right.legend(loc="upper right", fontsize=8)
    right.grid(alpha=0.3)
    fig.suptitle("Three-class spirals: MLP 2-16-16-3, softmax + cross-entropy")
    figure = common.save(fig, out, "classification")
    return {
        "train_accuracy": train_acc,
        "test_accuracy": test_acc,
        "confusion": counts.tolist(),
        "loss": history.loss,
        "chance": 1 / CLASSES,
        "figures": [figure],
    }


if __name__ == "__main__":
    common.main("classification", run, __doc__)
