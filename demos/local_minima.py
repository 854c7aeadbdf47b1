"""Local minima: plain gradient descent stops in the first valley; momentum and noise can get out.

A one-weight loss with two valleys, L(w) = (w² - 1)² + 0.3·w: a shallow
valley near w = +0.96 and a deeper one near w = -1.04. Every run starts at
w = 2. Look for: plain gradient descent settling in the shallow valley (the
gradient there is zero: it has no reason to move); momentum (a heavy ball)
rolling through and over the hump into the deep valley; and noisy SGD (a
random kick added to every step, for half the run, then fading out) escaping in most runs
but not all — noise is a gamble that usually pays.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nn
from autograd_lite import Parameter

from . import common

START, LR, STEPS, NOISE = 2.0, 0.02, 300, 0.4


def loss_of(w):
    """L(w) = (w² - 1)² + 0.3·w, for a Value or a numpy array."""
    return (w * w - 1) ** 2 + 0.3 * w


def minima() -> tuple[float, float]:
    """(deep, shallow): where dL/dw = 4w³ - 4w + 0.3 = 0 and L curves up."""
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)
    return float(roots[0]), float(roots[2])


def descend(optimizer: str, seed: int = 0) -> list[float]:
    """w after every step, for 'gd', 'momentum' or 'noisy'."""
    w = Parameter(START, label="w")
    if optimizer == "gd":
        opt = nn.optim.SGD([w], lr=LR)
    elif optimizer == "momentum":
        opt = nn.optim.SGD([w], lr=LR / 2, momentum=0.9)
    else:
        opt = nn.optim.SGD([w], lr=LR, noise=NOISE, seed=seed)
    path = [w.data]
    for k in range(STEPS):
        if optimizer == "noisy":
            opt.noise = NOISE * min(1.0, 2 * (1 - k / STEPS))  # kick for half the run, then let it settle
        loss = loss_of(w)
        opt.zero_grad()
        loss.backward()
        opt.step()
        path.append(w.data)
    return path


def plot(paths: dict, noisy: list[list[float]], deep: float, shallow: float, out: Path) -> Path:
    fig, (left, right) = common.figure(2, width=5.8, height=4.6)
    ws = np.linspace(-1.7, 2.1, 300)
    left.plot(ws, loss_of(ws), color="black", linewidth=2, label="L(w) = (w² - 1)² + 0.3w")
    ends = np.array([p[-1] for p in noisy])
    left.plot(
        ends,
        loss_of(ends),
        "o",
        color=common.COLORS[2],
        alpha=0.35,
        markersize=11,
        label=f"noisy SGD: its {len(noisy)} runs end ({int(np.sum(ends < 0))} in the deep valley)",
    )
    styles = {
        "gd": ("plain gradient descent", common.COLORS[1], "s"),
        "momentum": ("momentum 0.9", common.COLORS[0], "D"),
    }
    for key, (name, color, marker) in styles.items():
        end = paths[key][-1]
        left.plot(
            [end], [loss_of(end)], marker, color=color, markersize=9, label=f"{name}: ends at {end:.2f}"
        )
    left.annotate(
        f"start (off the top):\nw = {START:g}, L = {loss_of(START):.1f}",
        xy=(START, 3.4),
        xytext=(1.97, 1.7),
        ha="center",
        fontsize=8,
        arrowprops={"arrowstyle": "->"},
    )
    left.set_ylim(-0.6, 3.5)
    left.set_xlabel("weight w")
    left.set_ylabel("loss L(w)")
    left.set_title("Where each method ends")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1, fontsize=8)
    left.grid(alpha=0.3)
    steps = np.arange(STEPS + 1)
    for i, p in enumerate(noisy):
        right.plot(
            steps,
            p,
            color=common.COLORS[2],
            alpha=0.3,
            linewidth=0.8,
            label="noisy SGD (each run)" if i == 0 else None,
        )
    for key, (name, color, _) in styles.items():
        right.plot(steps, paths[key], color=color, linewidth=2.2, label=name)
    right.axhline(shallow, color="gray", linestyle=":", label=f"shallow valley, w = {shallow:.2f}")
    right.axhline(deep, color="gray", linestyle="--", label=f"deep valley, w = {deep:.2f}")
    right.set_xlabel("step")
    right.set_ylabel("weight w")
    right.set_title("The weight over the steps")
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8)
    right.grid(alpha=0.3)
    fig.suptitle("A local minimum: gradient descent stops in the first valley it finds")
    return common.save(fig, out, "local_minima")


def run(quick: bool = False, out: Path = Path("out/local_minima")) -> dict:
    """Run each method from w = 2; quick runs 10 noisy runs instead of 20."""
    out = Path(out)
    deep, shallow = minima()
    paths = {"gd": descend("gd"), "momentum": descend("momentum")}
    noisy = [descend("noisy", seed=s) for s in range(10 if quick else 20)]
    escaped = sum(p[-1] < 0 for p in noisy)
    print(f"L(w) = (w² - 1)² + 0.3·w has a shallow valley at w = {shallow:.3f} (L = {loss_of(shallow):.3f})")
    print(
        f"and a deep one at w = {deep:.3f} (L = {loss_of(deep):.3f}). Every run starts at w = {START:g}, "
        f"{STEPS} steps.\n"
    )
    rows = [
        ("plain gradient descent, lr 0.02", f"{paths['gd'][-1]:.3f}", "shallow (stuck)"),
        (
            "momentum 0.9, lr 0.01",
            f"{paths['momentum'][-1]:.3f}",
            "deep" if paths["momentum"][-1] < 0 else "shallow",
        ),
        (f"noisy SGD, lr 0.02, kicks σ = {NOISE}, fading", f"{escaped} of {len(noisy)} runs", "deep"),
    ]
    print(common.table(["method", "ends at w", "valley"], rows))
    print("\nAt the bottom of the shallow valley dL/dw = 0, so plain gradient descent stays there forever.")
    furthest = min(paths["momentum"])
    print(f"Momentum carries speed from the steep start over the hump (furthest left: {furthest:.2f}).")
    print(f"Random kicks knock noisy SGD out of the shallow valley in {escaped} of {len(noisy)} runs; it is")
    print("harder to be knocked back out of the deep one, so most runs end there.")
    figure = plot(paths, noisy, deep, shallow, out)
    return {
        "minima": {"deep": deep, "shallow": shallow},
        "gd_end": paths["gd"][-1],
        "momentum_end": paths["momentum"][-1],
        "noisy_ends": [p[-1] for p in noisy],
        "noisy_escaped": escaped / len(noisy),
        "figures": [figure],
    }


if __name__ == "__main__":
    common.main("local_minima", run, __doc__)
