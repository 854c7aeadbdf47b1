"""The micrograd demo, done our way: a 2-16-16-1 MLP learns the two moons in well under a second.

Micrograd's exact recipe: 100 points, ReLU MLP 2-16-16-1 (337 weights),
max-margin (hinge) loss + 1e-4·Σw² (L2), plain SGD whose learning rate falls
linearly from 1.0 to 0.1 over 100 full-batch steps. The difference is lanes:
the whole batch goes through one graph, so a step takes milliseconds, not
the best part of a second (`make bench` measures both). Look for: the total
training time, 100% (at least 97%) accuracy, and a smooth boundary between
the moons.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

import nn

from . import common

STEPS = 100


def run(quick: bool = False, out: Path = Path("out/moons")) -> dict:
    """Micrograd's training run; `quick` changes nothing (it already takes about a second)."""
    out = Path(out)
    X, y = nn.datasets.moons(n=100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    opt = nn.optim.SGD(model.parameters(), lr=1.0)
    schedule = nn.optim.LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=STEPS)  # 1.0 - 0.9·k/100
    start = time.perf_counter()
    history = nn.fit(
        model, X, y, loss="hinge", optimizer=opt, epochs=STEPS, l2=1e-4, schedule=schedule, progress=False
    )
    seconds = time.perf_counter() - start
    acc = nn.accuracy(model, X, y)
    print(f"{model!r}")
    print(f"{len(X)} moons points, hinge loss + 1e-4·L2, SGD lr 1.0 -> 0.1 over {STEPS} full-batch steps.\n")
    for k in (0, 9, 24, 49, STEPS - 1):
        print(f"  step {k + 1:3d}: hinge loss {history.loss[k]:.4f}, accuracy {history.accuracy[k]:.0%}")
    print(f"\ntrained in {seconds:.2f} s ({1000 * seconds / STEPS:.1f} ms per step, including measuring the")
    print(f"loss and accuracy after each): final accuracy {acc:.0%}.")
    fig, (left, right) = common.figure(2, width=5.8, height=4.6)
    nn.plot.decision_boundary(
        model,
        X,
        y,
        resolution=200,
        ax=left,
        title=f"Decision boundary: accuracy {acc:.0%}\ntrained in {seconds:.1f} s",
    )
    e = np.arange(1, history.epochs + 1)
    right.plot(e, history.loss, color=common.COLORS[0], linewidth=2, label="hinge loss")
    right.set_xlabel("step (full batch)")
    right.set_ylabel("hinge loss", color=common.COLORS[0])
    acc_ax = right.twinx()
    acc_ax.plot(e, [100 * a for a in history.accuracy], color=common.COLORS[1], linewidth=2, label="accuracy")
    acc_ax.set_ylabel("accuracy (%)", color=common.COLORS[1])
    acc_ax.set_ylim(40, 102)
    lines = right.get_lines() + acc_ax.get_lines()
    right.legend(lines, [line.get_label() for line in lines], loc="center right", fontsize=9)
    right.set_title("Training: loss and accuracy per step")
    right.grid(alpha=0.3)
    fig.suptitle("micrograd's moons demo: MLP 2-16-16-1, hinge + L2, SGD with a falling learning rate")
    figure = common.save(fig, out, "moons")
    return {"accuracy": acc, "seconds": seconds, "loss": history.loss, "figures": [figure]}


if __name__ == "__main__":
    common.main("moons", run, __doc__)
