"""Mini-batches: full-batch, mini-batch and one-example (stochastic) gradient descent.

The same MLP learns the moons with plain SGD (lr 0.1), using the gradient of
all examples per step (full batch), of 16, or of one example at a time. Look
for: per update, bigger batches take steadier steps (the full batch's
gradient is exact, one example's is a noisy guess); per example seen, small
batches learn far more, because one pass over the data gives them many
updates instead of one. In wall-clock time lanes change the story: a step on
a batch costs about the same whatever its size, so one example at a time is
slow (the times printed) and the mini-batch is the usual compromise.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

import nn
from autograd_lite import no_grad

from . import common

LR = 0.1


def train(X, y, batch: int, epochs: int, seed: int = 0) -> dict:
    """SGD with shuffled mini-batches; the full-data loss at log-spaced updates and at every epoch's end."""
    model = nn.MLP(2, [8, 8, 1], seed=0)
    opt = nn.optim.SGD(model.parameters(), lr=LR)
    rng = np.random.default_rng(seed)
    n = len(X)
    per_epoch = -(-n // batch)
    marks = set(np.unique(np.geomspace(1, per_epoch * epochs, 40).astype(int)).tolist())
    updates, seen, log = 0, 0, []  # (updates, examples seen, full-data loss)

    def record() -> None:
        with no_grad():
            log.append((updates, seen, float(nn.losses.bce_with_logits(model(X), y).data)))

    start = time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(n)
        for lo in range(0, n, batch):
            idx = order[lo : lo + batch]
            loss = nn.losses.bce_with_logits(model(X[idx]), y[idx])  # the mean over this batch only
            opt.zero_grad()
            loss.backward()
            opt.step()
            updates, seen = updates + 1, seen + len(idx)
            if updates in marks or seen % n == 0:
                record()
    seconds = time.perf_counter() - start
    table = np.array(log)
    return {
        "updates": table[:, 0],
        "seen": table[:, 1],
        "loss": table[:, 2],
        "seconds": seconds,
        "accuracy": nn.accuracy(model, X, y),
    }


def loss_at(run: dict, key: str, x: float) -> float | None:
    """The recorded loss at the last record with run[key] <= x; None if the run stopped before x."""
    if run[key][-1] < x:
        return None
    i = np.searchsorted(run[key], x, side="right") - 1
    return float(run["loss"][i])


def _show(loss: float | None) -> str:
    return "-" if loss is None else f"{loss:.3f}"


def plot(runs: dict, n: int, out: Path) -> Path:
    fig, (left, right) = common.figure(2, width=5.8, height=4.6)
    for (name, r), color in zip(runs.items(), common.COLORS):
        left.plot(r["updates"], r["loss"], ".-", color=color, linewidth=1.6, markersize=4, label=name)
        right.plot(r["seen"], r["loss"], ".-", color=color, linewidth=1.6, markersize=4, label=name)
    left.set_xscale("log")
    left.set_xlabel("updates (gradient steps, log scale)")
    left.set_title("Per update: bigger batches take steadier steps")
    right.set_xscale("log")
    right.set_xlabel(f"examples seen (log scale; one epoch = {n})")
    right.set_title("Per example seen: small batches learn far more")
    for ax in (left, right):
        ax.set_ylabel("loss on all the data (bce)")
        ax.legend(loc="upper right", fontsize=8)
        ax.grid(alpha=0.3)
    fig.suptitle(f"Full-batch vs mini-batch vs one-example SGD (lr {LR}), MLP 2-8-8-1 on the moons")
    return common.save(fig, out, "minibatch")


def run(quick: bool = False, out: Path = Path("out/minibatch")) -> dict:
    """Train with three batch sizes; quick: 100 points, 5 epochs (full batch 50) instead of 200, 8 (80)."""
    out = Path(out)
    n, epochs = (100, 5) if quick else (200, 8)
    X, y = nn.datasets.moons(n=n, noise=0.2, seed=0)
    full_epochs = 10 * epochs  # one update per epoch: give it as many updates as it needs to show its curve
    sizes = {
        f"full batch ({n})": (n, full_epochs),
        "mini-batch of 16": (16, epochs),
        "one example (batch 1)": (1, epochs),
    }
    runs = {name: train(X, y, b, e) for name, (b, e) in sizes.items()}
    print(f"{n} moons points, plain SGD lr {LR}: the mini-batch and one-example runs take {epochs} epochs")
    print(f"({epochs * n} examples seen), the full batch {full_epochs} epochs (one update each).\n")
    k = full_epochs  # updates the full batch makes
    m = epochs * n  # examples the small batches see
    rows = [
        (
            name,
            _show(loss_at(r, "updates", k)),
            _show(loss_at(r, "seen", m)),
            int(r["updates"][-1]),
            f"{r['loss'][-1]:.3f}",
            f"{r['accuracy']:.0%}",
            f"{r['seconds']:.2f} s",
        )
        for name, r in runs.items()
    ]
    heads = ["batch", f"loss after {k} updates", f"after {m} examples", "updates", "final loss", "accuracy"]
    print(common.table([*heads, "time"], rows))
    print(f"\nPer update the full batch is ahead: each of its steps used all {n} examples.")
    print(f"Per example seen, one example at a time is far ahead: from {m} examples it made {m} steps,")
    print(f"each a noisy guess of the full gradient but roughly downhill; the full batch made {epochs}.")
    print("In this engine a step on a batch of lanes costs about the same whatever its size, so the")
    print("mini-batch gets much of that progress per example at a fraction of the time: the usual choice.")
    figure = plot(runs, n, out)
    keys = {b: r for (b, _), r in zip(sizes.values(), runs.values())}
    return {
        "loss_after_equal_updates": {b: loss_at(r, "updates", k) for b, r in keys.items()},
        "loss_after_equal_examples": {b: loss_at(r, "seen", m) for b, r in keys.items()},
        "updates": {b: int(r["updates"][-1]) for b, r in keys.items()},
        "seconds": {b: r["seconds"] for b, r in keys.items()},
        "n": n,
        "figures": [figure],
    }


if __name__ == "__main__":
    common.main("minibatch", run, __doc__)
