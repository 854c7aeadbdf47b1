"""Optimizers: plain SGD, momentum, Nesterov, RMSProp, Adam and Adamax racing on the same task.

The same 2-16-16-1 MLP (same starting weights) learns the moons with
binary cross-entropy, full batch, once with each optimizer at a usual
learning rate. Look for: plain SGD flattening out on a plateau, still far
from the target when the others are done; momentum and Nesterov (which keep
a running velocity) and the adaptive methods RMSProp, Adam and Adamax (which
scale each weight's step by the size of its recent gradients) all reaching
the target loss — the table gives the epochs each needs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nn

from . import common

TARGET = 0.1

OPTIMIZERS = {
    "SGD, lr 0.1": lambda p: nn.optim.SGD(p, lr=0.1),
    "momentum 0.9, lr 0.1": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9),
    "Nesterov 0.9, lr 0.1": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "RMSProp, lr 0.01": lambda p: nn.optim.RMSProp(p, lr=0.01),
    "Adam, lr 0.02": lambda p: nn.optim.Adam(p, lr=0.02),
    "Adamax, lr 0.04": lambda p: nn.optim.Adamax(p, lr=0.04),
}


def plot(curves: dict, needed: dict, epochs: int, out: Path) -> Path:
    fig, (left, right) = common.figure(2, width=5.8, height=4.6)
    x = np.arange(1, epochs + 1)
    for (name, losses), color in zip(curves.items(), common.COLORS):
        left.plot(x, losses, color=color, linewidth=2, label=name)
    left.axhline(TARGET, color="gray", linestyle=":", label=f"target loss {TARGET}")
    left.set_yscale("log")
    left.set_xlabel("epoch (one full-batch step)")
    left.set_ylabel("binary cross-entropy (log scale)")
    left.set_title("Training loss, same start for all")
    left.legend(loc="lower left", fontsize=8)
    left.grid(alpha=0.3)
    names = list(needed)
    heights = [needed[n] if needed[n] else epochs for n in names]
    bars = right.barh(names, heights, color=common.COLORS[: len(names)])
    for bar, name in zip(bars, names):
        if needed[name] is None:
            bar.set_hatch("//")
            bar.set_alpha(0.4)
        text = f"{needed[name]}" if needed[name] else f"not within {epochs}"
        right.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {text}", va="center", fontsize=9)
    right.invert_yaxis()
    right.set_xlim(0, epochs * 1.35)
    right.set_xlabel(f"epochs to reach loss {TARGET} (fewer is better)")
    right.set_title("Epochs to the target")
    right.grid(alpha=0.3, axis="x")
    fig.suptitle("Optimizers on the moons: a 2-16-16-1 MLP, binary cross-entropy, full batch")
    return common.save(fig, out, "optimizers")


def run(quick: bool = False, out: Path = Path("out/optimizers")) -> dict:
    """Train once per optimizer; quick trains 100 epochs instead of 150."""
    out = Path(out)
    X, y = nn.datasets.moons(n=100, noise=0.1, seed=0)
    epochs = 100 if quick else 150
    curves, needed, accuracy = {}, {}, {}
    for name, make in OPTIMIZERS.items():
        model = nn.MLP(2, [16, 16, 1], seed=1)  # the same starting weights every time
        history = nn.fit(
            model,
            X,
            y,
            loss="bce_with_logits",
            optimizer=make(model.parameters()),
            epochs=epochs,
            progress=False,
        )
        curves[name] = history.loss
        needed[name] = common.first_at_or_below(history.loss, TARGET)
        accuracy[name] = history.accuracy[-1]
    print(
        f"{epochs} full-batch epochs on {len(X)} moons points, MLP 2-16-16-1 (ReLU), binary cross-entropy.\n"
    )
    rows = [
        (
            name,
            f"{curves[name][9]:.3f}",
            f"{curves[name][-1]:.4f}",
            f"{accuracy[name]:.0%}",
            needed[name] if needed[name] else f"not within {epochs}",
        )
        for name in OPTIMIZERS
    ]
    print(
        common.table(["optimizer", "loss at epoch 10", "final loss", "accuracy", f"epochs to {TARGET}"], rows)
    )
    print("\nPlain SGD creeps along a plateau where the gradient is small. Momentum keeps the speed it")
    print("built up; RMSProp, Adam and Adamax divide each weight's step by the size of its recent gradients,")
    print("so small gradients still make steps of a useful size.")
    figure = plot(curves, needed, epochs, out)
    return {
        "epochs_to_target": needed,
        "final_loss": {n: c[-1] for n, c in curves.items()},
        "target": TARGET,
        "epochs": epochs,
        "figures": [figure],
    }


if __name__ == "__main__":
    common.main("optimizers", run, __doc__)
