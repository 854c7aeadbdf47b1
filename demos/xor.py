"""XOR: the problem one neuron cannot solve and one hidden layer can.

XOR is 1 when exactly one input is 1. No straight line separates its two
classes, so a single neuron (a linear boundary) gets at most 3 of the 4
points right. Look for: the single neuron giving up (p = 0.5 for every input,
loss log 2 = 0.693), a 2-3-1 tanh MLP at 100%, its curved decision boundary, and its learned weights — the
hidden layer turns the four corners into features a line can separate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nn

from . import common


def train(model: nn.MLP, X, y, epochs: int) -> nn.History:
    return nn.fit(
        model, X, y, loss="bce_with_logits", optimizer="adam", lr=0.1, epochs=epochs, progress=False, seed=0
    )


def probability_map(model: nn.MLP, X, y, ax, title: str) -> None:
    """The predicted probability of class 1 over the plane, with the four XOR points."""
    g = np.linspace(-0.2, 1.2, 120)
    mx, my = np.meshgrid(g, g)
    p = 1 / (1 + np.exp(-nn.predict(model, np.column_stack([mx.ravel(), my.ravel()])).reshape(mx.shape)))
    image = ax.imshow(p, extent=(g[0], g[-1], g[0], g[-1]), origin="lower", vmin=0, vmax=1, cmap="RdBu_r")
    ax.figure.colorbar(image, ax=ax, label="predicted probability of class 1")
    for k, color in ((0, "#1f77b4"), (1, "#d62728")):
        ax.scatter(*X[y == k].T, s=60, color=color, edgecolors="black", label=f"class {k}", zorder=3)
    ax.set_xlabel("x₁ (feature 1)")
    ax.set_ylabel("x₂ (feature 2)")
    ax.set_title(title)
    ax.legend(loc="center", fontsize=9)


def print_weights(model: nn.MLP) -> None:
    hidden, top = model.layers
    rows = [
        (f"hidden {k + 1}", *(f"{w.data:+.2f}" for w in n.w), f"{n.b.data:+.2f}")
        for k, n in enumerate(hidden.neurons)
    ]
    print(common.table(["neuron", "w (from x1)", "w (from x2)", "bias"], rows))
    out = top.neurons[0]
    print(
        "  output = "
        + " ".join(f"{w.data:+.2f}·h{k + 1}" for k, w in enumerate(out.w))
        + f" {out.b.data:+.2f}"
    )


def run(quick: bool = False, out: Path = Path("out/xor")) -> dict:
    """Train one neuron and a 2-3-1 MLP on the XOR table; quick trains for fewer epochs."""
    out = Path(out)
    X, y = nn.datasets.xor()
    epochs = 150 if quick else 300
    single = nn.MLP(2, [1], seed=0)
    single_loss = train(single, X, y, epochs).loss[-1]
    mlp = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    history = train(mlp, X, y, epochs)
    acc_single, acc_mlp = nn.accuracy(single, X, y), nn.accuracy(mlp, X, y)
    print(f"The XOR table, {epochs} epochs of Adam (lr 0.1) on bce_with_logits for each model:\n")
    p_single, p_mlp = (1 / (1 + np.exp(-nn.predict(m, X))) for m in (single, mlp))
    rows = [
        (f"{a:g} XOR {b:g}", t, f"{ps:.2f}", f"{pm:.3f}") for (a, b), t, ps, pm in zip(X, y, p_single, p_mlp)
    ]
    print(common.table(["input", "target", "one neuron: p(1)", "2-3-1 MLP: p(1)"], rows))
    print(
        f"\nThe single neuron's best is to say 0.5 for everything (loss log 2 = {np.log(2):.3f}, its loss:"
        f" {single_loss:.3f}):\nany line gets at most 3 of the 4 corners right. The MLP: {acc_mlp:.0%}."
    )
    print(f"MLP loss {history.loss[0]:.3f} -> {history.loss[-1]:.4f}")
    print("\nthe MLP's learned weights (tanh hidden layer):")
    print_weights(mlp)
    hidden = np.stack([h.data for h in mlp.layers[0](X)], axis=1)  # the first layer alone, on all four inputs
    print("\nwhat the hidden layer makes of each input (new features h1, h2, h3; a line separates these):")
    print(
        common.table(
            ["input", "target", *(f"h{k + 1}" for k in range(hidden.shape[1]))],
            [(f"({a:g}, {b:g})", t, *(f"{v:+.2f}" for v in h)) for (a, b), t, h in zip(X, y, hidden)],
        )
    )

    fig, axes = common.figure(2, width=6.0, height=4.6)
    probability_map(
        single, X, y, axes[0], f"One neuron gives up: p = 0.5 everywhere\n(loss {single_loss:.3f} = log 2)"
    )
    nn.plot.decision_boundary(
        mlp, X, y, resolution=150, ax=axes[1], title=f"2-3-1 MLP, tanh hidden layer:\naccuracy {acc_mlp:.0%}"
    )
    fig.suptitle("XOR: no straight line separates the classes; a hidden layer bends the boundary")
    figure = common.save(fig, out, "xor")
    return {
        "accuracy": acc_mlp,
        "single_neuron_accuracy": acc_single,
        "single_neuron_loss": single_loss,
        "loss": history.loss[-1],
        "figures": [figure],
    }


if __name__ == "__main__":
    common.main("xor", run, __doc__)
