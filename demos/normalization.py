"""Input normalisation: features on very different scales make gradient descent crawl.

A linear model y = w1·x1 + w2·x2 + b learns from two features, x1 between 0
and 1000 and x2 between 0 and 1, both mattering as much to y. Trained with
plain gradient descent on the raw inputs and on standardized inputs (each
column shifted to mean 0 and scaled to standard deviation 1), each at every
learning rate from 1e-7 to 1. Look for: raw inputs never reach the target at
any learning rate — a rate small enough not to blow up along x1 is far too
small for x2 and the bias — while standardized inputs get there in a handful
of epochs. The printed condition numbers say why: the ratio of the loss's
steepest to its flattest curvature.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

import nn

from . import common

RATES = np.geomspace(1e-7, 1.0, 15)  # every half decade


def dataset(n: int = 100, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(0, 1000, n), rng.uniform(0, 1, n)])
    y = 0.003 * X[:, 0] + 2.0 * X[:, 1] + rng.normal(0, 0.1, n)  # each feature moves y by up to 2-3
    return X, y


def descend(X, y, lr: float, epochs: int) -> list[float]:
    """Full-batch gradient descent on one linear neuron; stops early once it has blown up."""
    model = nn.MLP(2, [1], seed=0)
    opt = nn.optim.SGD(model.parameters(), lr=lr)
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            loss = nn.losses.mse(model(X), y)
            losses.append(float(loss.data))
            if not math.isfinite(losses[-1]) or losses[-1] > 1e6:
                break
            opt.zero_grad()
            loss.backward()
            opt.step()
    return losses


def condition_number(X) -> float:
    """Steepest over flattest curvature of the mse in (w1, w2, b)."""
    A = np.column_stack([X, np.ones(len(X))])
    eig = np.linalg.eigvalsh(2 * A.T @ A / len(X))
    return float(eig.max() / eig.min())


def plot(best: dict, sweep: dict, target: float, epochs: int, out: Path) -> Path:
    """Loss curves at the best rates; the final loss at every rate."""
    fig, (left, right) = common.figure(2, width=5.8, height=4.6)
    for (name, (lr, losses)), color in zip(best.items(), common.COLORS):
        left.plot(
            np.arange(1, len(losses) + 1), losses, color=color, linewidth=2, label=f"{name}, lr {lr:.1e}"
        )
    left.axhline(target, color="gray", linestyle=":", label=f"target loss {target:.4f}")
    left.set_yscale("log")
    left.set_xlabel("epoch")
    left.set_ylabel("mse loss (log scale)")
    left.set_title("Each at its best learning rate")
    left.legend(loc="upper right", fontsize=8)
    left.grid(alpha=0.3)
    top = 1e3  # where blown-up runs are drawn
    for (name, finals), color, marker in zip(sweep.items(), common.COLORS, "os"):
        lrs = list(finals)
        kept = [(lr, v) for lr, v in finals.items() if math.isfinite(v) and v < top]
        right.plot(*zip(*kept), marker=marker, color=color, linewidth=2, label=name)
        blown = [lr for lr in lrs if not (math.isfinite(finals[lr]) and finals[lr] < top)]
        if blown:
            right.plot(
                blown,
                [top] * len(blown),
                marker="^",
                linestyle="none",
                color=color,
                markersize=9,
                label=f"{name}: blew up",
            )
    right.axhline(target, color="gray", linestyle=":", label="target loss")
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("learning rate (log scale)")
    right.set_ylabel(f"loss after {epochs} epochs (log scale)")
    right.set_title("Every learning rate tried")
    right.legend(loc="lower left", fontsize=8)
    right.grid(alpha=0.3)
    fig.suptitle("Input scales: x1 in [0, 1000], x2 in [0, 1] — raw vs standardized, plain gradient descent")
    return common.save(fig, out, "normalization")


def run(quick: bool = False, out: Path = Path("out/normalization")) -> dict:
    """Sweep the learning rate for raw and standardized inputs; quick allows 100 epochs instead of 200."""
    out = Path(out)
    X, y = dataset()
    Z, (mean, std) = nn.datasets.standardize(X)
    A = np.column_stack([X, np.ones(len(X))])
    floor = float(np.mean((A @ np.linalg.lstsq(A, y, rcond=None)[0] - y) ** 2))  # the best any line can do
    target = 1.1 * floor
    epochs = 100 if quick else 200
    inputs = {"raw inputs": X, "standardized inputs": Z}
    sweep, best, finals = {}, {}, {}
    for name, data in inputs.items():
        runs = {float(lr): descend(data, y, float(lr), epochs) for lr in RATES}
        sweep[name] = {lr: common.first_at_or_below(losses, target) for lr, losses in runs.items()}
        finals[name] = {lr: losses[-1] if len(losses) == epochs else math.inf for lr, losses in runs.items()}
        hits = {lr: e for lr, e in sweep[name].items() if e is not None}
        lr = min(hits, key=lambda r: hits[r]) if hits else min(runs, key=lambda r: runs[r][-1])
        best[name] = (lr, runs[lr])
    print(
        f"x1 in [0, 1000] (mean {mean[0]:.0f}, sd {std[0]:.0f}), x2 in [0, 1] (mean {mean[1]:.2f}, ", end=""
    )
    print(f"sd {std[1]:.2f}); y = 0.003·x1 + 2·x2 + noise.")
    print(f"The best possible mse is {floor:.4f}; the target: {target:.4f} (within 10% of it).")
    print(f"Plain gradient descent, up to {epochs} epochs, at {len(RATES)} learning rates from 1e-7 to 1.\n")
    rows = []
    for name, data in inputs.items():
        lr, losses = best[name]
        needed = sweep[name][lr]
        rows.append(
            (
                name,
                f"{condition_number(data):.1e}",
                f"{lr:.1e}",
                f"{losses[-1]:.4f}",
                needed if needed else f"not within {epochs}",
            )
        )
    print(common.table(["inputs", "condition number", "best lr", "final loss", "epochs to target"], rows))
    kappa = condition_number(X)
    print(f"\nOn raw inputs the loss is a valley ~{kappa:.0e} times more curved one way than another: any")
    print("learning rate that does not blow up along w1 barely moves the others. Standardizing makes the")
    print("valley round, so one learning rate suits every weight. (Use the training set's mean and sd")
    print("for the test set too: nn.datasets.standardize(X_test, stats).)")
    figure = plot(best, finals, target, epochs, out)
    return {
        "epochs_to_target": {name: sweep[name][best[name][0]] for name in inputs},
        "best_lr": {name: best[name][0] for name in inputs},
        "final_loss": {name: best[name][1][-1] for name in inputs},
        "condition": {name: condition_number(data) for name, data in inputs.items()},
        "target": target,
        "figures": [figure],
    }


if __name__ == "__main__":
    common.main("normalization", run, __doc__)
