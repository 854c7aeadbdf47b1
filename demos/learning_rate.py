"""The learning rate: too small crawls, a good one converges, too large diverges.

Fit a line y = w·x + b to noisy points with plain gradient descent
(w ← w - lr·dL/dw on the whole data each epoch) at four learning rates.
Look for: lr 0.01 still far from the bottom after all its epochs; lr 0.5 at
the noise floor in a few epochs; lr 0.95 zig-zagging across the valley and
getting there later (bigger is not faster); lr 1.1 bouncing further out every step until the loss is
astronomical. For this loss the limit can be computed: gradient descent
diverges when lr > 2/λ, λ the largest curvature of the loss (printed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nn

from . import common

RATES = {
    0.01: "too small: crawls",
    0.5: "good: converges",
    0.95: "large: zig-zags, slower",
    1.1: "too large: diverges",
}


def descend(X, y, lr: float, epochs: int) -> tuple[list[float], list[tuple[float, float]]]:
    """Plain full-batch gradient descent on a one-neuron linear model; losses and (w, b) per epoch."""
    model = nn.MLP(1, [1], seed=0)  # one linear neuron: ŷ = w·x + b
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.b.data = -1.0, 1.0  # the same start for every rate, far from (2, -1)
    opt = nn.optim.SGD(model.parameters(), lr=lr)
    losses, path = [], [(neuron.w[0].data, neuron.b.data)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            loss = nn.losses.mse(model(X), y)
            losses.append(float(loss.data))
            opt.zero_grad()
            loss.backward()
            opt.step()
            path.append((neuron.w[0].data, neuron.b.data))
    return losses, path


def plot(X, y, runs: dict, out: Path) -> Path:
    fig, (left, right) = common.figure(2, width=5.8, height=4.6)
    for (lr, (losses, _)), color in zip(runs.items(), common.COLORS):
        left.plot(
            np.arange(1, len(losses) + 1), losses, color=color, linewidth=2, label=f"lr {lr}: {RATES[lr]}"
        )
    left.set_yscale("log")
    left.set_xlabel("epoch (one gradient step on all the data)")
    left.set_ylabel("mse loss (log scale)")
    left.set_title("Loss per epoch")
    left.legend(loc="upper left", fontsize=8)
    left.grid(alpha=0.3)
    # The loss surface over (w, b) and each run's path on it.
    ws, bs = np.linspace(-1.5, 4.0, 200), np.linspace(-3.5, 1.8, 200)
    mw, mb = np.meshgrid(ws, bs)
    x, t = X[:, 0], y
    surface = ((mw[..., None] * x + mb[..., None] - t) ** 2).mean(axis=-1)
    right.contour(
        mw,
        mb,
        surface,
        levels=np.geomspace(surface.min() * 1.5, surface.max(), 12),
        colors="gray",
        linewidths=0.7,
    )
    for (lr, (_, path)), color in zip(runs.items(), common.COLORS):
        p = np.array(path)
        right.plot(p[:, 0], p[:, 1], ".-", color=color, linewidth=1.2, markersize=5, label=f"lr {lr}")
    right.plot([path[0][0]], [path[0][1]], "ks", markersize=7, label="start")
    right.set_xlim(ws[0], ws[-1])
    right.set_ylim(bs[0], bs[-1])
    right.set_xlabel("weight w")
    right.set_ylabel("bias b")
    right.set_title("The same runs on the loss surface (contours)")
    right.legend(loc="upper right", fontsize=8)
    fig.suptitle("Gradient descent on y = w·x + b at four learning rates")
    return common.save(fig, out, "learning_rate")


def run(quick: bool = False, out: Path = Path("out/learning_rate")) -> dict:
    """Run each learning rate; quick runs 30 epochs instead of 40 (all are fast)."""
    out = Path(out)
    X, y = nn.datasets.line(n=50, slope=2.0, intercept=-1.0, noise=0.1, seed=0)
    epochs = 30 if quick else 40
    runs = {lr: descend(X, y, lr, epochs) for lr in RATES}
    x = X[:, 0]
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])  # of mse in (w, b)
    curvature = float(np.linalg.eigvalsh(hessian).max())
    print(f"Fit y = w·x + b to {len(x)} points (true w = 2, b = -1, noise 0.1): {epochs} epochs of")
    print("plain gradient descent from w = -1, b = 1, at four learning rates.\n")
    rows = []
    for lr, (losses, path) in runs.items():
        w, b = path[-1]
        rows.append((lr, RATES[lr], f"{losses[0]:.3g}", f"{losses[-1]:.3g}", f"{w:.3g}", f"{b:.3g}"))
    print(common.table(["lr", "verdict", "first loss", "last loss", "w", "b"], rows))
    print(
        f"\nThe loss's largest curvature is λ = {curvature:.3f}, so any lr above 2/λ = {2 / curvature:.3f}"
        f"\nmakes each step overshoot by more than it corrects: lr 1.1 diverges, lr 0.95 does not."
    )
    figure = plot(X, y, runs, out)
    return {
        "losses": {lr: losses for lr, (losses, _) in runs.items()},
        "final": {lr: losses[-1] for lr, (losses, _) in runs.items()},
        "threshold": 2 / curvature,
        "figures": [figure],
    }


if __name__ == "__main__":
    common.main("learning_rate", run, __doc__)
