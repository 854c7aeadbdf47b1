# %% [markdown]
# # Input normalisation: features on very different scales make gradient descent crawl
#
# A linear model y = w1·x1 + w2·x2 + b learns from two features, x1 between 0
# and 1000 and x2 between 0 and 1, both mattering as much to y. Trained with
# plain gradient descent on the raw inputs and on standardized inputs (each
# column shifted to mean 0 and scaled to standard deviation 1), each at every
# learning rate from 1e-7 to 1.
#
# **Look for:** raw inputs never reach the target at any learning rate (a
# rate small enough not to blow up along x1 is far too small for x2 and the
# bias) while standardized inputs get there in a handful of epochs. The
# printed condition numbers say why: the ratio of the loss's steepest to its
# flattest curvature.

# %%
import math

import numpy as np

import nn
from demos import common

QUICK, OUT = common.options("normalization")  # in a notebook: a full run, figures under out/normalization/

# %% [markdown]
# ## Two features, a thousand times apart
#
# x1 is drawn between 0 and `SCALE` (1000), x2 between 0 and 1, and
# y = 0.003·x1 + 2·x2 + a little noise: each feature moves y by up to 2-3, so
# both matter as much. `nn.datasets.standardize` shifts each column to mean 0
# and scales it to standard deviation 1, and returns the means and sds it
# used.
#
# No line fits the noise, so the best possible mse is not 0: least squares
# gives it exactly, and a run counts as done when its loss is within 10% of
# it. Try `SCALE = 1` and re-run everything below: the raw inputs then
# reach the target too, though still more slowly than standardized ones (x1
# and x2 are not centred on 0).

# %%
N = 100  # data points
SCALE = 1000  # x1 lies in [0, SCALE]; x2 in [0, 1]
NOISE = 0.1  # the noise's standard deviation in y
SEED = 0  # the data

rng = np.random.default_rng(SEED)
X = np.column_stack([rng.uniform(0, SCALE, N), rng.uniform(0, 1, N)])
y = 3 / SCALE * X[:, 0] + 2.0 * X[:, 1] + rng.normal(0, NOISE, N)  # each feature moves y by up to 2-3
Z, (mean, std) = nn.datasets.standardize(X)

A = np.column_stack([X, np.ones(len(X))])
floor = float(np.mean((A @ np.linalg.lstsq(A, y, rcond=None)[0] - y) ** 2))  # the best any line can do
target = 1.1 * floor
print(
    f"x1 in [0, {SCALE:g}] (mean {mean[0]:.0f}, sd {std[0]:.0f}), x2 in [0, 1] (mean {mean[1]:.2f}, ", end=""
)
print(f"sd {std[1]:.2f}); y = {3 / SCALE:g}·x1 + 2·x2 + noise.")
print(f"The best possible mse is {floor:.4f}; the target: {target:.4f} (within 10% of it).")

# %% [markdown]
# ## Plain gradient descent at every learning rate
#
# One linear neuron, full-batch gradient descent on the mse, the same start
# every time; a run that blows up (loss past 1e6) is stopped. Each kind of
# input gets every rate in `RATES`, and the table keeps its best: the rate
# that reaches the target in the fewest epochs (or, if none does, the lowest
# final loss).

# %%
RATES = np.geomspace(1e-7, 1.0, 15)  # every half decade
EPOCHS = 100 if QUICK else 200  # the most a run may take


def descend(X, y, lr: float, epochs: int) -> list[float]:
    """Full-batch gradient descent on one linear neuron; stops early once it has blown up."""
    model = nn.MLP(2, [1], seed=0)
    opt = nn.optim.SGD(model.parameters(), lr=lr)
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            loss = nn.losses.mse(model(X), y)
            losses.append(float(loss.data))
            if not math.isfinite(losses[-1]) or losses[-1] > 1e6:
                break
            opt.zero_grad()
            loss.backward()
            opt.step()
    return losses


def condition_number(X) -> float:
    """Steepest over flattest curvature of the mse in (w1, w2, b)."""
    A = np.column_stack([X, np.ones(len(X))])
    eig = np.linalg.eigvalsh(2 * A.T @ A / len(X))
    return float(eig.max() / eig.min())


inputs = {"raw inputs": X, "standardized inputs": Z}
sweep, best, finals = {}, {}, {}
for name, data in inputs.items():
    runs = {float(lr): descend(data, y, float(lr), EPOCHS) for lr in RATES}
    sweep[name] = {lr: common.first_at_or_below(losses, target) for lr, losses in runs.items()}
    finals[name] = {lr: losses[-1] if len(losses) == EPOCHS else math.inf for lr, losses in runs.items()}
    hits = {lr: e for lr, e in sweep[name].items() if e is not None}
    lr = min(hits, key=lambda r: hits[r]) if hits else min(runs, key=lambda r: runs[r][-1])
    best[name] = (lr, runs[lr])

print(f"Plain gradient descent, up to {EPOCHS} epochs, at {len(RATES)} learning rates from 1e-7 to 1.\n")
rows = []
for name, data in inputs.items():
    lr, losses = best[name]
    needed = sweep[name][lr]
    rows.append(
        (
            name,
            f"{condition_number(data):.1e}",
            f"{lr:.1e}",
            f"{losses[-1]:.4f}",
            needed if needed else f"not within {EPOCHS}",
        )
    )
print(common.table(["inputs", "condition number", "best lr", "final loss", "epochs to target"], rows))

# %% [markdown]
# ## Why: a long narrow valley
#
# The condition number is the loss's steepest curvature over its flattest
# (the largest over the smallest eigenvalue of its Hessian in w1, w2, b). On
# raw inputs any learning rate that does not blow up along w1 barely moves
# the others. Standardizing makes the valley round, so one learning rate
# suits every weight. (Use the training set's mean and sd for the test set
# too: `nn.datasets.standardize(X_test, stats)`.)

# %%
kappa = condition_number(X)
print(f"On raw inputs the loss is a valley ~{kappa:.0e} times more curved one way than another.")

# %% [markdown]
# ## The picture
#
# Left: the loss per epoch, each kind of input at its best learning rate.
# Right: the loss after the last epoch at every learning rate tried; the
# triangles along the top are runs that blew up.

# %%
fig, (left, right) = common.figure(2, width=5.8, height=4.6)
for (name, (lr, losses)), color in zip(best.items(), common.COLORS):
    left.plot(np.arange(1, len(losses) + 1), losses, color=color, linewidth=2, label=f"{name}, lr {lr:.1e}")
left.axhline(target, color="gray", linestyle=":", label=f"target loss {target:.4f}")
left.set_yscale("log")
left.set_xlabel("epoch")
left.set_ylabel("mse loss (log scale)")
left.set_title("Each at its best learning rate")
left.legend(loc="upper right", fontsize=8)
left.grid(alpha=0.3)
top = 1e3  # where blown-up runs are drawn
for (name, final_by_lr), color, marker in zip(finals.items(), common.COLORS, "os"):
    kept = [(lr, v) for lr, v in final_by_lr.items() if math.isfinite(v) and v < top]
    right.plot(*zip(*kept), marker=marker, color=color, linewidth=2, label=name)
    blown = [lr for lr, v in final_by_lr.items() if not (math.isfinite(v) and v < top)]
    if blown:
        right.plot(
            blown,
            [top] * len(blown),
            marker="^",
            linestyle="none",
            color=color,
            markersize=9,
            label=f"{name}: blew up",
        )
right.axhline(target, color="gray", linestyle=":", label="target loss")
right.set_xscale("log")
right.set_yscale("log")
right.set_xlabel("learning rate (log scale)")
right.set_ylabel(f"loss after {EPOCHS} epochs (log scale)")
right.set_title("Every learning rate tried")
right.legend(loc="lower left", fontsize=8)
right.grid(alpha=0.3)
fig.suptitle(
    f"Input scales: x1 in [0, {SCALE:g}], x2 in [0, 1] — raw vs standardized, plain gradient descent"
)
figure = common.save(fig, OUT, "normalization")
fig

# %% [markdown]
# **Try next:** `SCALE = 10`: a tenfold spread between the features is
# already enough for the raw inputs to miss the target at every rate. Or
# `EPOCHS = 2000`: ten times the epochs, and the raw inputs' loss barely moves.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "epochs_to_target": {name: sweep[name][best[name][0]] for name in inputs},
    "best_lr": {name: best[name][0] for name in inputs},
    "final_loss": {name: best[name][1][-1] for name in inputs},
    "condition": {name: condition_number(data) for name, data in inputs.items()},
    "target": target,
    "figures": [figure],
}
