"""Why gradient descent: brute-force, random and greedy search against following the gradient.

Fit sin(x) with a tiny 1-2-1 tanh network: 7 weights. Grid search tries every
combination of a few values per weight (g⁷ evaluations of the loss); random
search tries random weights; greedy search nudges one weight at random and
keeps the change if the loss drops. Gradient descent (Adam) gets the slope of
the loss along all 7 weights from one backward pass. Look for: the best loss
found against the number of loss evaluations (a gradient step is counted as
3: the backward pass costs about two forward passes). After a few hundred
evaluations gradient descent is ahead, and it reaches a loss of 0.01 that no
search reaches in the whole budget. With a
realistic network (337 weights for the moons MLP) a grid of 3 values per
weight would need 3³³⁷ evaluations.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

import nn
from autograd_lite import no_grad

from . import common

GRAD_COST = 3  # one forward + one backward ≈ three forward passes
RANGE = 3.0  # searches look in [-3, 3] for every weight
TARGET = 0.01  # a loss that fits the sine well (the noise floor is 0.05² = 0.0025)


class Problem:
    """The loss of the 1-2-1 network as a function of its 7 weights, counting evaluations."""

    def __init__(self):
        self.X, self.y = nn.datasets.sine(n=40, noise=0.05, seed=0)
        self.model = nn.MLP(1, [2, 1], activation="tanh", seed=0)
        self.params = self.model.parameters()
        self.start = np.array([p.data for p in self.params])

    def set(self, theta) -> None:
        for p, v in zip(self.params, theta):
            p.data = float(v)

    def loss(self, theta) -> float:
        self.set(theta)
        with no_grad():
            return float(nn.losses.mse(self.model(self.X), self.y).data)


def best_so_far(losses: list[float], cost: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(evaluations, lowest loss seen so far) after each try."""
    return np.arange(1, len(losses) + 1) * cost, np.minimum.accumulate(losses)


def grid_search(pb: Problem, g: int):
    values = np.linspace(-RANGE, RANGE, g)
    return best_so_far([pb.loss(theta) for theta in itertools.product(values, repeat=len(pb.params))])


def random_search(pb: Problem, budget: int, rng: np.random.Generator):
    n = len(pb.params)
    return best_so_far([pb.loss(rng.uniform(-RANGE, RANGE, n)) for _ in range(budget)])


def greedy_search(pb: Problem, budget: int, rng: np.random.Generator, step: float = 0.3):
    theta, current = pb.start.copy(), pb.loss(pb.start)
    seen = [current]
    for _ in range(budget - 1):
        trial = theta.copy()
        trial[rng.integers(len(trial))] += rng.normal(0.0, step)
        value = pb.loss(trial)
        seen.append(value)
        if value < current:
            theta, current = trial, value
    return best_so_far(seen)


def gradient_descent(pb: Problem, steps: int, lr: float = 0.05):
    pb.set(pb.start)
    opt = nn.optim.Adam(pb.params, lr=lr)
    seen = []
    for _ in range(steps):
        loss = nn.losses.mse(pb.model(pb.X), pb.y)
        seen.append(loss.data)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return best_so_far(seen, GRAD_COST)


def evaluations_to(curve: tuple[np.ndarray, np.ndarray], target: float) -> int | None:
    evals, best = curve
    hit = np.nonzero(best <= target)[0]
    return int(evals[hit[0]]) if len(hit) else None


def run(quick: bool = False, out: Path = Path("out/search_vs_descent")) -> dict:
    """Race the four methods; quick uses a 3-value grid (2,187 evaluations) instead of 4 (16,384)."""
    out = Path(out)
    pb = Problem()
    g = 3 if quick else 4
    budget = g ** len(pb.params)
    rng = np.random.default_rng(0)
    curves = {
        f"grid search ({g} values per weight)": grid_search(pb, g),
        "random search": random_search(pb, budget, rng),
        "greedy search (nudge one weight, keep if better)": greedy_search(pb, budget, rng),
        "gradient descent (Adam, lr 0.05)": gradient_descent(pb, budget // GRAD_COST),
    }
    print(f"Fit sin(x) with a 1-2-1 tanh MLP: {len(pb.params)} weights, mse on {len(pb.X)} points.")
    print(
        f"Every method gets {budget:,} loss evaluations (the size of a {g}-value grid: {g}^{len(pb.params)});"
    )
    print(f"a gradient step costs {GRAD_COST} (forward + backward).\n")
    checkpoints = [c for c in (100, 300, 1000, 3000, budget) if c <= budget]
    rows: list[tuple] = []
    results: dict[str, dict] = {}
    for name, (evals, best) in curves.items():
        at = [
            f"{best[np.searchsorted(evals, c, side='right') - 1]:.4f}" if c >= evals[0] else "-"
            for c in checkpoints
        ]
        needed = evaluations_to((evals, best), TARGET)
        rows.append((name.split(" (")[0], *at, f"{needed:,}" if needed else "never"))
        results[name.split(" (")[0]] = {"final": float(best[-1]), "evaluations_to_target": needed}
    print(common.table(["method", *(f"best after {c:,}" for c in checkpoints), f"evals to {TARGET}"], rows))
    gd, searches = results["gradient descent"], [v for k, v in results.items() if k != "gradient descent"]
    best_search = min(v["final"] for v in searches)
    print(
        f"\nGradient descent ends at {gd['final']:.4f}; the best search at {best_search:.4f} "
        f"({best_search / gd['final']:.1f}x higher)."
    )
    print("Each backward pass gives the downhill direction for all weights at once; a search has to")
    print("discover it one guess at a time, and the number of guesses grows exponentially with the weights.")

    fig, (ax,) = common.figure(1, width=7.6, height=4.8)
    for (name, (evals, best)), color in zip(curves.items(), common.COLORS):
        ax.plot(evals, best, color=color, linewidth=2, label=name)
    ax.axhline(TARGET, color="gray", linestyle=":", label=f"target loss {TARGET}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("loss evaluations (a gradient step counts as 3)")
    ax.set_ylabel("best mse loss found so far (log scale)")
    ax.set_title(f"Searching vs descending: fitting sin(x) with {len(pb.params)} weights")
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(alpha=0.3, which="major")
    figure = common.save(fig, out, "search_vs_descent")
    return {"budget": budget, "methods": results, "best_search": best_search, "figures": [figure]}


if __name__ == "__main__":
    common.main("search_vs_descent", run, __doc__)
