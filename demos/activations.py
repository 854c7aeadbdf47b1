"""Vanishing gradients: sigmoid, tanh, ReLU and leaky ReLU in a deep network.

The same 9-layer MLP (2 inputs, 8 hidden layers of 16, 1 output, He init,
one seed) with each activation, one backward pass of the loss on the moons.
Look for: the mean |dL/dw| of each layer, from the output back to the first
layer. With sigmoid it shrinks by a factor of ~3-4 at every layer — σ'(z) is
at most 0.25 — until the first layer's gradient is orders of magnitude below
ReLU's, whose derivative is exactly 1 wherever a unit is active: the first
layers of a deep sigmoid net barely learn. tanh (derivative up to 1) and
leaky ReLU keep their gradient through the layers too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nn
from autograd_lite import Value

from . import common

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
HIDDEN = [16] * 8


def layer_gradients(activation: str, X, y) -> list[float]:
    """Mean |dL/dw| over each layer's weights, first layer first."""
    model = nn.MLP(2, [*HIDDEN, 1], activation=activation, init="he", seed=0)
    nn.losses.bce_with_logits(model(X), y).backward()
    return [float(np.mean([abs(w.grad) for n in layer.neurons for w in n.w])) for layer in model.layers]


def derivative(activation: str, z: np.ndarray) -> np.ndarray:
    """d act(z)/dz, read from the engine (one backward per lane sum)."""
    v = Value(z)
    nn.functional.activation(activation)(v).sum().backward()
    return v.grad


def plot(grads: dict, out: Path) -> Path:
    fig, (left, right) = common.figure(2, width=5.8, height=4.6)
    layers = np.arange(1, len(HIDDEN) + 2)
    for (name, g), color, marker in zip(grads.items(), common.COLORS, "os^v"):
        left.plot(layers, g, marker=marker, color=color, linewidth=2, label=name)
    left.set_yscale("log")
    left.set_xticks(layers, [*(str(k) for k in layers[:-1]), f"{layers[-1]}\n(output)"])
    left.set_xlabel("layer (1 = nearest the input)")
    left.set_ylabel("mean |dL/dw| of the layer (log scale)")
    left.set_title(f"Gradient per layer, MLP 2-{'-'.join(map(str, HIDDEN))}-1")
    left.legend(loc="lower right", fontsize=9)
    left.grid(alpha=0.3)
    z = np.linspace(-5, 5, 401)
    for name, color, style, width in zip(ACTIVATIONS, common.COLORS, ["-", "-", "-", "--"], [2, 2, 4, 2]):
        right.plot(z, derivative(name, z), color=color, linestyle=style, linewidth=width, label=name)
    right.axhline(0.25, color=common.COLORS[0], linestyle=":", linewidth=1, label="0.25: sigmoid's best")
    right.set_xlabel("pre-activation z")
    right.set_ylabel("local derivative act'(z)")
    right.set_title("Why: each layer multiplies the gradient by act'(z)")
    right.legend(loc="upper left", fontsize=8)
    right.grid(alpha=0.3)
    fig.suptitle("The vanishing gradient: how much gradient reaches each layer of a 9-layer network")
    return common.save(fig, out, "activations")


def run(quick: bool = False, out: Path = Path("out/activations")) -> dict:
    """One backward pass per activation; quick uses 50 points instead of 200."""
    out = Path(out)
    X, y = nn.datasets.moons(n=50 if quick else 200, noise=0.1, seed=0)
    grads = {a: layer_gradients(a, X, y) for a in ACTIVATIONS}
    print(
        f"MLP 2-{'-'.join(map(str, HIDDEN))}-1, He init, seed 0; one backward pass of bce on {len(X)} points."
    )
    print("Mean |dL/dw| per layer (layer 1 is nearest the input):\n")
    heads = [
        "activation",
        *(f"L{k + 1}" for k in range(len(HIDDEN))),
        f"L{len(HIDDEN) + 1} (out)",
        "out / L1",
    ]
    rows = [(a, *(f"{v:.0e}" for v in g), f"{g[-1] / g[0]:.0f}x") for a, g in grads.items()]
    print(common.table(heads, rows))
    ratio = grads["relu"][0] / grads["sigmoid"][0]
    print(
        f"\nThe first layer gets {ratio:.0f}x less gradient with sigmoid than with ReLU: each sigmoid layer"
    )
    print("multiplies the backward signal by σ'(z) <= 0.25, eight times over. ReLU passes it on unchanged")
    print("wherever a unit is active, so its layers all learn at a similar pace.")
    figure = plot(grads, out)
    return {"layer_gradients": grads, "relu_over_sigmoid_first_layer": ratio, "figures": [figure]}


if __name__ == "__main__":
    common.main("activations", run, __doc__)
