"""The chain rule: backprop is a product of local derivatives, one per edge, read from the loss back.

A chain of three sigmoid neurons with one weight each:
a1 = σ(W1·X), a2 = σ(W2·a1), ŷ = σ(W3·a2), L = ½(ŷ - y)².
Look for: the engine's dL/dW3, dL/dW2, dL/dW1 printed beside the closed-form
products, e.g. dL/dW1 = (ŷ - y)·σ'(z3)·W3·σ'(z2)·W2·σ'(z1)·X — equal to the
last digit. The picture shows the gradient shrinking as it travels back: each
σ'(z) is at most 0.25 (the `activations` lesson makes this the vanishing
gradient).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from autograd_lite import Parameter, Value, draw, render_svg

from . import common

X, Y = 1.5, 1.0
WEIGHTS = {"W1": 0.8, "W2": -1.2, "W3": 2.0}


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def closed_form() -> dict:
    """Every gradient as the textbook writes it, with plain floats."""
    w1, w2, w3 = WEIGHTS.values()
    z1 = w1 * X
    a1 = sigmoid(z1)
    z2 = w2 * a1
    a2 = sigmoid(z2)
    z3 = w3 * a2
    yhat = sigmoid(z3)
    d1, d2, d3 = (sigmoid(z) * (1 - sigmoid(z)) for z in (z1, z2, z3))  # σ'(z) = σ(z)(1 - σ(z))
    err = yhat - Y  # dL/dŷ for L = ½(ŷ - y)²
    return {
        "W3": err * d3 * a2,
        "W2": err * d3 * w3 * d2 * a1,
        "W1": err * d3 * w3 * d2 * w2 * d1 * X,
        "factors": {"ŷ - y": err, "σ'(z3)": d3, "W3": w3, "σ'(z2)": d2, "W2": w2, "σ'(z1)": d1, "X": X},
        "yhat": yhat,
        "loss": 0.5 * err**2,
    }


def engine() -> tuple[dict, Value]:
    """The same chain built from Values; backward() fills every grad."""
    w = {name: Parameter(v, label=name) for name, v in WEIGHTS.items()}
    x = Value(X, label="X")
    a = x
    nodes = {}
    for k in (1, 2, 3):
        z = w[f"W{k}"] * a
        z.label = f"z{k}"
        a = z.sigmoid()
        a.label = f"a{k}" if k < 3 else "ŷ"
        nodes[f"z{k}"], nodes[a.label] = z, a
    loss = 0.5 * (a - Y) ** 2
    loss.label = "L"
    loss.backward()
    grads: dict = {name: p.grad for name, p in w.items()}
    grads["nodes"] = {name: v.grad for name, v in nodes.items()}
    grads["loss"] = loss.data
    return grads, loss


def plot_signal(nodes: dict, factors: dict, out: Path) -> Path:
    """|dL/dv| for each node from the output back to z1: every step multiplies in one factor."""
    order = ["ŷ", "z3", "a2", "z2", "a1", "z1"]
    steps = ["ŷ - y", "σ'(z3)", "W3", "σ'(z2)", "W2", "σ'(z1)"]
    engine_vals = [abs(nodes[n]) for n in order]
    product, products = 1.0, []
    for f in steps:
        product *= factors[f]
        products.append(abs(product))
    fig, (ax,) = common.figure(1, width=7.4, height=4.6)
    pos = np.arange(len(order))
    ax.bar(pos, engine_vals, color=common.COLORS[0], alpha=0.75, label="engine: |grad| after backward()")
    ax.plot(
        pos, products, "o", color=common.COLORS[1], markersize=8, label="closed form: |product of factors|"
    )
    for i, f in enumerate(steps):
        text = f"1 × ({f})\n= {factors[f]:.3g}" if i == 0 else f"× {f}\n= × {factors[f]:.3g}"
        ax.annotate(
            text, (pos[i], engine_vals[i]), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8
        )
    ax.set_yscale("log")
    ax.set_ylim(min(engine_vals) / 3, max(engine_vals) * 6)
    ax.set_xticks(pos, [f"dL/d{n}" for n in order])
    ax.set_xlabel("node, from the output back toward the input")
    ax.set_ylabel("|dL/d node| (log scale)")
    ax.set_title("The chain rule: each step back multiplies the gradient by one local factor")
    ax.legend(loc="upper right", fontsize=9)
    ax.grid(alpha=0.3, axis="y")
    return common.save(fig, out, "gradient_along_the_chain")


def run(quick: bool = False, out: Path = Path("out/chain_rule")) -> dict:
    """Print engine vs closed form for every weight; `quick` changes nothing (it is instant)."""
    out = Path(out)
    cf = closed_form()
    grads, loss = engine()
    f = cf["factors"]
    print(f"a1 = σ(W1·X), a2 = σ(W2·a1), ŷ = σ(W3·a2), L = ½(ŷ - y)²  with X = {X}, y = {Y},")
    print("    " + ", ".join(f"{k} = {v}" for k, v in WEIGHTS.items()))
    print(f"forward: ŷ = {cf['yhat']:.6f}, L = {cf['loss']:.6f} (engine: L = {grads['loss']:.6f})\n")
    print("the factors: " + ", ".join(f"{k} = {v:.4g}" for k, v in f.items()) + "\n")
    formulas = {
        "W3": "(ŷ-y)·σ'(z3)·a2",
        "W2": "(ŷ-y)·σ'(z3)·W3·σ'(z2)·a1",
        "W1": "(ŷ-y)·σ'(z3)·W3·σ'(z2)·W2·σ'(z1)·X",
    }
    rows = [(f"dL/d{k}", formulas[k], f"{cf[k]:.12g}", f"{grads[k]:.12g}") for k in ("W3", "W2", "W1")]
    print(common.table(["gradient", "closed form", "by the formula", "engine"], rows))
    worst = max(abs(cf[k] - grads[k]) for k in WEIGHTS)
    print(f"\nlargest difference: {worst:.1e}: the engine does exactly this multiplication, edge by edge.")
    w1, w3 = abs(grads["W1"]), abs(grads["W3"])
    print(f"Every σ'(z) is at most 0.25, so |dL/dW1| = {w1:.3g} < |dL/dW3| = {w3:.3g}.")
    out.mkdir(parents=True, exist_ok=True)
    svg = out / "chain.svg"
    render_svg(draw(loss), svg)
    figure = plot_signal(grads["nodes"], f, out)
    return {
        "engine": {k: grads[k] for k in WEIGHTS},
        "closed_form": {k: cf[k] for k in WEIGHTS},
        "max_difference": worst,
        "figures": [figure, svg],
    }


if __name__ == "__main__":
    common.main("chain_rule", run, __doc__)
