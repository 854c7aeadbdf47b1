"""Classification losses: squared error vs hinge vs cross-entropy, and why MSE is a poor classifier loss.

For a label t = ±1 and a score s, every classification loss is a function of
the margin m = t·s (positive: right side of the boundary; large: confidently
right). Look for, in the table and the left panel: squared error (s - t)² =
(1 - m)² punishes a point for being *too* right (margin 3 costs 4, and its
gradient pulls the score back); hinge max(0, 1 - m) is exactly 0 beyond
margin 1; logistic (binary cross-entropy) log(1 + e^-m) fades smoothly
toward 0. In the right panel the same linear classifier trained with each
loss on data with a far-away cluster of easy, correctly placed points: MSE
tilts its boundary to pull their scores back to 1 and misclassifies points
near the boundary; hinge and cross-entropy ignore them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nn
from autograd_lite import Value

from . import common

LOSSES = {
    "squared error (s - t)²": lambda s, t: nn.losses.mse(s, t),
    "hinge max(0, 1 - m)": lambda s, t: nn.losses.hinge(s, t),
    "logistic log(1 + e^-m)": lambda s, t: nn.losses.bce_with_logits(s, (t + 1) / 2),
}
FIT_NAMES = {
    "squared error (s - t)²": "mse",
    "hinge max(0, 1 - m)": "hinge",
    "logistic log(1 + e^-m)": "bce_with_logits",
}


def per_margin(fn, margins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Loss and dLoss/dscore of one example with t = +1 (so s = m) at each margin, from the engine."""
    values, grads = [], []
    for m in margins:
        s = Value(float(m))
        loss = fn(s, 1.0)
        loss.backward()
        values.append(loss.data)
        grads.append(s.grad)
    return np.array(values), np.array(grads)


def dataset(seed: int = 0):
    """Two elongated classes side by side, plus a far cluster of easy class-1 points."""
    rng = np.random.default_rng(seed)
    a = rng.normal([-1.2, 0.0], [0.5, 1.5], size=(40, 2))
    b = rng.normal([1.2, 0.0], [0.5, 1.5], size=(40, 2))
    far = rng.normal([6.0, 3.0], 0.5, size=(15, 2))
    return np.vstack([a, b, far]), np.r_[np.zeros(40), np.ones(55)].astype(int)


def train(loss: str, X, y, epochs: int) -> nn.MLP:
    model = nn.MLP(2, [1], seed=0)  # one linear neuron: the boundary is a straight line
    targets = 2.0 * y - 1 if loss == "mse" else y
    nn.fit(model, X, targets, loss=loss, optimizer="adam", lr=0.05, epochs=epochs, progress=False, metrics=())
    return model


def plot(curves: dict, models: dict, X, y, out: Path) -> Path:
    fig, (left, right) = common.figure(2, width=5.8, height=4.8)
    m = np.linspace(-2, 3.5, 400)
    left.plot(
        m, (m <= 0).astype(float), color="gray", linewidth=2, linestyle="--", label="0-1 loss (mistakes)"
    )
    for (name, (values, _)), color in zip(curves.items(), common.COLORS):
        left.plot(m, values, color=color, linewidth=2, label=name)
    left.set_ylim(-0.2, 5)
    left.axvline(0, color="black", linewidth=0.6)
    left.set_xlabel("margin m = t·s (> 0: right side of the boundary)")
    left.set_ylabel("loss for one example")
    left.set_title("Loss as a function of the margin")
    left.legend(loc="upper center", fontsize=8)
    left.grid(alpha=0.3)
    for k, color in ((0, "#1f77b4"), (1, "#d62728")):
        right.scatter(*X[y == k].T, s=22, color=color, edgecolors="black", linewidths=0.5, label=f"class {k}")
    xs = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 2)
    for (name, model), color in zip(models.items(), common.COLORS):
        w1, w2, b = (p.data for p in model.parameters())
        acc = float(np.mean((nn.predict(model, X) > 0) == (y == 1)))
        right.plot(
            xs,
            -(w1 * xs + b) / w2,
            color=color,
            linewidth=2.2,
            label=f"{name.split(' ')[0]} boundary: {acc:.0%}",
        )
    right.set_ylim(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5)
    right.set_xlabel("x₁ (feature 1)")
    right.set_ylabel("x₂ (feature 2)")
    right.set_title("One linear neuron trained with each loss")
    right.legend(loc="lower right", fontsize=8)
    right.grid(alpha=0.3)
    fig.suptitle("Squared error vs hinge vs cross-entropy for classification (labels t = ±1, score s)")
    return common.save(fig, out, "losses")


def run(quick: bool = False, out: Path = Path("out/losses")) -> dict:
    """The losses at a few margins, then a linear classifier per loss; `quick` changes nothing."""
    out = Path(out)
    margins = np.array([-2.0, 0.0, 1.0, 3.0])
    table = {name: per_margin(fn, margins) for name, fn in LOSSES.items()}
    print("Loss and its gradient dL/ds for one example with label t = +1 at a few margins m = t·s:\n")
    heads = ["loss", *(f"m = {m:g}" for m in margins), *(f"dL/ds at {m:g}" for m in margins)]
    rows = [
        (name, *(f"{v:.3f}" for v in values), *(f"{g:+.3f}" for g in grads))
        for name, (values, grads) in table.items()
    ]
    print(common.table(heads, rows))
    print("\nAt margin 3 (confidently right) squared error still costs 4 and its gradient (+4) pushes the")
    print("score back down toward 1; hinge costs exactly 0 and logistic almost 0.\n")

    X, y = dataset()
    epochs = 300
    models = {name: train(FIT_NAMES[name], X, y, epochs) for name in LOSSES}
    core = slice(0, 80)
    rows, accuracy = [], {}
    for name, model in models.items():
        right = (nn.predict(model, X) > 0) == (y == 1)
        accuracy[FIT_NAMES[name]] = float(right.mean())
        rows.append((name, f"{right.mean():.0%}", f"{right[core].mean():.0%}", f"{right[80:].mean():.0%}"))
    print(f"A linear neuron per loss ({epochs} epochs of Adam) on 80 points in two classes plus 15 easy")
    print("class-1 points far away on the right side:\n")
    print(common.table(["loss", "accuracy", "the 80 main points", "far cluster"], rows))
    print("\nThe far points are already right, yet squared error wants their score to be exactly 1: it tilts")
    print("the boundary to bring them in and gets points near the boundary wrong.")
    m = np.linspace(-2, 3.5, 400)
    curves = {name: per_margin(fn, m) for name, fn in LOSSES.items()}
    figure = plot(curves, models, X, y, out)
    return {
        "at_margin": {FIT_NAMES[n]: dict(zip(margins.tolist(), v.tolist())) for n, (v, _) in table.items()},
        "grad_at_margin": {
            FIT_NAMES[n]: dict(zip(margins.tolist(), g.tolist())) for n, (_, g) in table.items()
        },
        "accuracy": accuracy,
        "figures": [figure],
    }


if __name__ == "__main__":
    common.main("losses", run, __doc__)
