"""Softmax and cross-entropy by hand: scores become probabilities, and the gradient is p - onehot.

Three classes, logits z = (2.0, 1.0, 0.1), the true class is 0. Look for:
softmax worked by hand (exp, sum, divide: p = 0.659, 0.242, 0.099), the
cross-entropy -log p[0] = 0.417, and the engine's gradient dL/dz equal to
p - onehot(target) — the same simple formula for every class, which is why
this pair is the default for classification. Then logits of 1000: exp(1000)
overflows a float, and subtracting the largest logit first fixes it.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.patches import Patch

import nn
from autograd_lite import Value

from . import common

LOGITS = (2.0, 1.0, 0.1)
TARGET = 0


def by_hand(logits) -> dict:
    exps = [math.exp(z) for z in logits]
    total = sum(exps)
    p = [e / total for e in exps]
    onehot = [1.0 if k == TARGET else 0.0 for k in range(len(logits))]
    return {
        "exps": exps,
        "total": total,
        "p": p,
        "loss": -math.log(p[TARGET]),
        "grad": [pk - ok for pk, ok in zip(p, onehot)],
    }


def by_engine(logits) -> dict:
    z = [Value(v, label=f"z{k}") for k, v in enumerate(logits)]
    p = nn.functional.softmax(z)
    loss = nn.losses.cross_entropy(z, TARGET)
    loss.backward()
    return {"p": [v.data for v in p], "loss": loss.data, "grad": [v.grad for v in z]}


def plot(hand: dict, engine: dict, out: Path) -> Path:
    fig, axes = common.figure(3, width=3.9, height=4.0)
    k = np.arange(len(LOGITS))
    names = [f"class {i}" + (" (true)" if i == TARGET else "") for i in k]
    colors = [common.COLORS[i] for i in k]
    panels = [
        (axes[0], LOGITS, None, "logit z (score)", "1. The model's scores"),
        (
            axes[1],
            engine["p"],
            hand["p"],
            "probability softmax(z)",
            "2. softmax: exp, then divide by the sum",
        ),
        (axes[2], engine["grad"], hand["grad"], "dL/dz", "3. Cross-entropy's gradient = p - onehot"),
    ]
    for ax, values, check, ylabel, title in panels:
        ax.bar(k, values, color=colors, alpha=0.8)
        if check is not None:
            (hand_marker,) = ax.plot(k, check, "D", color="black", markersize=5, label="by hand")
            bars = Patch(facecolor="#bbbbbb", label="engine (bars)")
            ax.legend(handles=[bars, hand_marker], loc="upper right", fontsize=8)
        for i, v in enumerate(values):
            ax.annotate(
                f"{v:.3f}",
                (i, v),
                textcoords="offset points",
                xytext=(0, 7 if v >= 0 else -17),
                ha="center",
                fontsize=9,
            )
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(k, names, fontsize=8)
        ax.set_xlabel("class")
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        ax.margins(y=0.15)
    axes[1].set_ylim(0, 1)
    fig.suptitle(
        f"Softmax + cross-entropy for logits {LOGITS}, true class {TARGET}: loss = {hand['loss']:.3f}"
    )
    return common.save(fig, out, "softmax")


def run(quick: bool = False, out: Path = Path("out/softmax")) -> dict:
    """Softmax and cross-entropy by hand and by the engine; `quick` changes nothing (it is instant)."""
    out = Path(out)
    hand, engine = by_hand(LOGITS), by_engine(LOGITS)
    print(f"logits z = {LOGITS}, true class {TARGET}\n")
    print("softmax by hand: p_k = exp(z_k) / Σ exp(z_j)")
    print("  exp(z) = " + ", ".join(f"{e:.4f}" for e in hand["exps"]) + f";  sum = {hand['total']:.4f}")
    rows = [
        (
            f"class {k}",
            LOGITS[k],
            f"{hand['p'][k]:.6f}",
            f"{engine['p'][k]:.6f}",
            f"{hand['grad'][k]:+.6f}",
            f"{engine['grad'][k]:+.6f}",
        )
        for k in range(len(LOGITS))
    ]
    print(common.table(["", "z", "p by hand", "p engine", "p - onehot", "engine dL/dz"], rows))
    print(
        f"\ncross-entropy = -log p[{TARGET}] = -log {hand['p'][TARGET]:.4f} = {hand['loss']:.6f}"
        f"  (engine: {engine['loss']:.6f})"
    )
    print("The gradient pushes the true class's score up (negative grad) and the others down,")
    print("each by how much probability it wrongly holds.\n")

    big = tuple(z + 998.0 for z in LOGITS)
    try:
        math.exp(big[0])
        naive = "fits"
    except OverflowError:
        naive = "overflows"
    stable = by_engine(big)
    print(f"logits {big}: exp({big[0]:g}) {naive} a float; the engine subtracts the largest logit first,")
    probabilities = ", ".join(f"{p:.3f}" for p in stable["p"])
    print(f"so p = ({probabilities}) and loss {stable['loss']:.6f}: the same as before,")
    print("because softmax only depends on the differences between logits.")
    figure = plot(hand, engine, out)
    return {
        "hand": hand,
        "engine": engine,
        "big_naive": naive,
        "big": stable,
        "figures": [figure],
    }


if __name__ == "__main__":
    common.main("softmax", run, __doc__)
