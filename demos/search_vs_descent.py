# %% [markdown]
# # Why gradient descent: brute-force, random and greedy search against following the gradient
#
# Fit sin(x) with a tiny 1-2-1 tanh network: 7 weights. Grid search tries every
# combination of a few values per weight (g⁷ evaluations of the loss); random
# search tries random weights; greedy search nudges one weight at random and
# keeps the change if the loss drops. Gradient descent (Adam) gets the slope of
# the loss along all 7 weights from one backward pass.
#
# **Look for:** the best loss found against the number of loss evaluations (a
# gradient step is counted as 3: the backward pass costs about two forward
# passes). After a few hundred evaluations gradient descent is ahead, and it
# reaches a loss of 0.01 that no search reaches in the whole budget.

# %%
import itertools

import numpy as np

import nn
from autograd_lite import no_grad
from demos import common

QUICK, OUT = common.options(
    "search_vs_descent"
)  # in a notebook: a full run, figures under out/search_vs_descent/

# %% [markdown]
# ## The loss as a function of 7 numbers
#
# To a search the network is a black box: 7 numbers go in, one loss comes out.
# `loss_at(theta)` puts the numbers `theta` into the network's weights and
# returns its mean squared error on the 40 noisy points of the sine, without
# recording a graph (`no_grad`): a search never asks for a gradient.

# %%
X, y = nn.datasets.sine(n=40, noise=0.05, seed=0)
model = nn.MLP(1, [2, 1], activation="tanh", seed=0)
params = model.parameters()
start = np.array([p.data for p in params])  # the initial weights: greedy search and descent start here


def set_weights(theta) -> None:
    for p, v in zip(params, theta):
        p.data = float(v)


def loss_at(theta) -> float:
    set_weights(theta)
    with no_grad():
        return float(nn.losses.mse(model(X), y).data)


print(f"Fit sin(x) with a 1-2-1 tanh MLP: {len(params)} weights, mse on {len(X)} points.")

# %% [markdown]
# ## One budget for every method
#
# A fair race counts the work: every method gets as many loss evaluations as
# the grid has points, and a gradient step counts as `GRAD_COST` = 3 of them.
# `GRID` sets the grid, and so the budget: 3 values per weight are 3⁷ = 2,187
# evaluations, 4 are 16,384, 5 would be 78,125 (about half a minute). The count grows
# exponentially with the number of weights: with a realistic network (337
# weights for the moons MLP) a grid of 3 values per weight would need 3³³⁷
# evaluations.
#
# Change `GRID`, `RANGE` (where the searches look) or `TARGET` here and re-run
# the cells below.

# %%
GRID = 3 if QUICK else 4  # values per weight in the grid: the budget is GRID ** 7
RANGE = 3.0  # the searches look in [-RANGE, RANGE] for every weight
GRAD_COST = 3  # one forward + one backward ≈ three forward passes
TARGET = 0.01  # a loss that fits the sine well (the noise floor is 0.05² = 0.0025)

budget = GRID ** len(params)
print(
    f"Every method gets {budget:,} loss evaluations (the size of a {GRID}-value grid: {GRID}^{len(params)});"
)
print(f"a gradient step costs {GRAD_COST} (forward + backward).")


def best_so_far(losses, cost: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(evaluations, lowest loss seen so far) after each try; each try costs `cost` evaluations."""
    return np.arange(1, len(losses) + 1) * cost, np.minimum.accumulate(losses)


# %% [markdown]
# ## Grid search: every combination
#
# `GRID` evenly spaced values for each weight, and every combination of them
# in turn. The best loss so far only drops when the grid happens to pass near
# a good setting of all 7 weights at once.

# %%
grid_values = np.linspace(-RANGE, RANGE, GRID)
grid_curve = best_so_far([loss_at(theta) for theta in itertools.product(grid_values, repeat=len(params))])
print(f"grid search, {len(grid_curve[1]):,} evaluations: best loss {grid_curve[1][-1]:.4f}")

# %% [markdown]
# ## Searching by guessing: random and greedy
#
# Random search draws all 7 weights uniformly from [-`RANGE`, `RANGE`], again
# and again. Greedy search starts from the network's initial weights, nudges
# one weight at random by a normal step of size `STEP`, and keeps the nudge if
# the loss went down. Both draw from one random generator (`SEED`), so re-run
# this cell as a whole.

# %%
SEED = 0  # the random generator both searches draw from
STEP = 0.3  # greedy search: the standard deviation of a nudge

rng = np.random.default_rng(SEED)
random_curve = best_so_far([loss_at(rng.uniform(-RANGE, RANGE, len(params))) for _ in range(budget)])

theta, current = start.copy(), loss_at(start)
greedy_losses = [current]
for _ in range(budget - 1):
    trial = theta.copy()
    trial[rng.integers(len(trial))] += rng.normal(0.0, STEP)
    value = loss_at(trial)
    greedy_losses.append(value)
    if value < current:  # better: keep the nudge
        theta, current = trial, value
greedy_curve = best_so_far(greedy_losses)
print(f"random search: best loss {random_curve[1][-1]:.4f}")
print(f"greedy search: best loss {greedy_curve[1][-1]:.4f}")

# %% [markdown]
# ## Gradient descent: follow the slope
#
# From the same initial weights as greedy search, Adam takes `budget // 3`
# steps: each backward pass gives the slope of the loss along all 7 weights at
# once. Change `LR` and re-run this cell (and the ones after it).

# %%
LR = 0.05  # Adam's learning rate

set_weights(start)
opt = nn.optim.Adam(params, lr=LR)
descent_losses = []
for _ in range(budget // GRAD_COST):
    loss = nn.losses.mse(model(X), y)
    descent_losses.append(loss.data)
    opt.zero_grad()
    loss.backward()
    opt.step()
descent_curve = best_so_far(descent_losses, GRAD_COST)
print(f"gradient descent, {len(descent_losses):,} steps: best loss {descent_curve[1][-1]:.4f}")

# %% [markdown]
# ## The race
#
# The best loss each method had found after a given number of evaluations,
# and how many evaluations it needed to reach `TARGET` ("never": not within
# the budget).

# %%
curves = {
    f"grid search ({GRID} values per weight)": grid_curve,
    "random search": random_curve,
    "greedy search (nudge one weight, keep if better)": greedy_curve,
    f"gradient descent (Adam, lr {LR:g})": descent_curve,
}


def evaluations_to(curve: tuple[np.ndarray, np.ndarray], target: float) -> int | None:
    """How many evaluations a method needed to reach `target`; None if it never did."""
    evals, best = curve
    hit = np.nonzero(best <= target)[0]
    return int(evals[hit[0]]) if len(hit) else None


checkpoints = [c for c in (100, 300, 1000, 3000, budget) if c <= budget]
rows: list[tuple] = []
methods: dict[str, dict] = {}  # the method's short name -> its final loss and its evaluations to TARGET
for name, (evals, best) in curves.items():
    at = [
        f"{best[np.searchsorted(evals, c, side='right') - 1]:.4f}" if c >= evals[0] else "-"
        for c in checkpoints
    ]
    needed = evaluations_to((evals, best), TARGET)
    rows.append((name.split(" (")[0], *at, f"{needed:,}" if needed else "never"))
    methods[name.split(" (")[0]] = {"final": float(best[-1]), "evaluations_to_target": needed}
print(common.table(["method", *(f"best after {c:,}" for c in checkpoints), f"evals to {TARGET}"], rows))
gd = methods["gradient descent"]
best_search = min(v["final"] for k, v in methods.items() if k != "gradient descent")
print(
    f"\nGradient descent ends at {gd['final']:.4f}; the best search at {best_search:.4f} "
    f"({best_search / gd['final']:.1f}x higher)."
)

# %% [markdown]
# Each backward pass gives the downhill direction for all weights at once; a
# search has to discover it one guess at a time, and the number of guesses
# grows exponentially with the weights.
#
# ## The picture
#
# The best loss so far against the evaluations spent, both on log scales: the
# lower curve at a given budget is the better method.

# %%
fig, (ax,) = common.figure(1, width=7.6, height=4.8)
for (name, (evals, best)), color in zip(curves.items(), common.COLORS):
    ax.plot(evals, best, color=color, linewidth=2, label=name)
ax.axhline(TARGET, color="gray", linestyle=":", label=f"target loss {TARGET}")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel(f"loss evaluations (a gradient step counts as {GRAD_COST})")
ax.set_ylabel("best mse loss found so far (log scale)")
ax.set_title(f"Searching vs descending: fitting sin(x) with {len(params)} weights")
ax.legend(loc="lower left", fontsize=8)
ax.grid(alpha=0.3, which="major")
figure = common.save(fig, OUT, "search_vs_descent")
fig

# %% [markdown]
# **Try next:** `STEP = 0.05`: smaller nudges take greedy search to the target
# too, with about ten times the evaluations gradient descent needed.
# `LR = 0.5`: steps too large, and descent ends behind greedy search.
# `RANGE = 1.0`: a grid closer to the initial weights does better, and still
# misses the target.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {"budget": budget, "methods": methods, "best_search": best_search, "figures": [figure]}
