# %% [markdown]
# # The learning rate: too small crawls, a good one converges, too large diverges
#
# Fit a line y = w·x + b to noisy points with plain gradient descent
# (w ← w - lr·dL/dw on the whole data each epoch) at four learning rates.
#
# **Look for:** lr 0.01 still far from the bottom after all its epochs; lr 0.5
# at the noise floor in a few epochs; lr 0.95 zig-zagging across the valley and
# getting there later (bigger is not faster); lr 1.1 bouncing further out every
# step until the loss is astronomical. For this loss the limit can be computed:
# gradient descent diverges when lr > 2/λ, λ the largest curvature of the loss
# (printed).

# %%
import numpy as np

import nn
from demos import common

QUICK, OUT = common.options("learning_rate")  # in a notebook: a full run, figures under out/learning_rate/

# %% [markdown]
# ## The data: 50 points near a line
#
# The points lie near y = 2x - 1, give or take `NOISE` = 0.1, so the best
# possible mean squared error is about 0.1² = 0.01: the noise floor. The model
# is one linear neuron, ŷ = w·x + b: two weights, so its loss is a surface
# over the (w, b) plane that we can draw. Change `NOISE` and the floor moves.

# %%
NOISE = 0.1  # the spread of the points around the line: the best mse is about NOISE²

X, y = nn.datasets.line(n=50, slope=2.0, intercept=-1.0, noise=NOISE, seed=0)
x = X[:, 0]

# %% [markdown]
# ## Gradient descent at four learning rates
#
# Each run starts from the same point, far from the answer (2, -1), and takes
# one step on all the data per epoch: w ← w - lr·dL/dw, b ← b - lr·dL/db.
# `RATES` holds the learning rates and what we expect of each: add one (say
# `0.2: "a guess"`) or change `EPOCHS` or the start, and re-run this cell and
# the ones after it.

# %%
RATES = {  # learning rate -> what it does here
    0.01: "too small: crawls",
    0.5: "good: converges",
    0.95: "large: zig-zags, slower",
    1.1: "too large: diverges",
}
EPOCHS = 30 if QUICK else 40
START_W, START_B = -1.0, 1.0  # where every run starts


def descend(lr: float) -> tuple[list[float], list[tuple[float, float]]]:
    """Plain full-batch gradient descent on one linear neuron: the losses and (w, b) per epoch."""
    model = nn.MLP(1, [1], seed=0)  # one linear neuron: ŷ = w·x + b
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.b.data = START_W, START_B  # the same start for every rate
    opt = nn.optim.SGD(model.parameters(), lr=lr)
    losses, path = [], [(neuron.w[0].data, neuron.b.data)]
    with np.errstate(over="ignore", invalid="ignore"):  # the diverging run overflows; let it
        for _ in range(EPOCHS):
            loss = nn.losses.mse(model(X), y)
            losses.append(float(loss.data))
            opt.zero_grad()
            loss.backward()
            opt.step()
            path.append((neuron.w[0].data, neuron.b.data))
    return losses, path


runs = {lr: descend(lr) for lr in RATES}

print(f"Fit y = w·x + b to {len(x)} points (true w = 2, b = -1, noise {NOISE:g}): {EPOCHS} epochs of")
print(f"plain gradient descent from w = {START_W:g}, b = {START_B:g}, at {len(RATES)} learning rates.\n")
rows = []
for lr, (losses, path) in runs.items():
    w, b = path[-1]
    rows.append((lr, RATES[lr], f"{losses[0]:.3g}", f"{losses[-1]:.3g}", f"{w:.3g}", f"{b:.3g}"))
print(common.table(["lr", "verdict", "first loss", "last loss", "w", "b"], rows))

# %% [markdown]
# ## Where the limit is: 2/λ
#
# The loss of a line is a bowl: its curvature, the Hessian (the matrix of its
# second derivatives), is the same everywhere. Along the bowl's steepest
# direction, of curvature λ (the Hessian's largest eigenvalue), each step
# multiplies the distance to the bottom by 1 - lr·λ. Past lr = 2/λ that factor
# is below -1: every step jumps to the other side, further out than it started.

# %%
hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])  # of the mse in (w, b)
curvature = float(np.linalg.eigvalsh(hessian).max())
print(
    f"The loss's largest curvature is λ = {curvature:.3f}, so any lr above 2/λ = {2 / curvature:.3f}"
    f"\nmakes each step overshoot by more than it corrects: lr 1.1 diverges, lr 0.95 does not."
)

# %% [markdown]
# ## The picture
#
# Left: the loss per epoch, on a log scale. Right: the same runs as paths on
# the loss surface: lr 0.01 creeps, lr 0.5 goes almost straight down, lr 0.95
# jumps from one side of the valley to the other, lr 1.1 leaves the picture.

# %%
fig, (left, right) = common.figure(2, width=5.8, height=4.6)
for (lr, (losses, _path)), color in zip(runs.items(), common.COLORS):
    left.plot(np.arange(1, len(losses) + 1), losses, color=color, linewidth=2, label=f"lr {lr}: {RATES[lr]}")
left.set_yscale("log")
left.set_xlabel("epoch (one gradient step on all the data)")
left.set_ylabel("mse loss (log scale)")
left.set_title("Loss per epoch")
left.legend(loc="upper left", fontsize=8)
left.grid(alpha=0.3)

# The loss surface over (w, b) and each run's path on it.
ws, bs = np.linspace(-1.5, 4.0, 200), np.linspace(-3.5, 1.8, 200)
mw, mb = np.meshgrid(ws, bs)
surface = ((mw[..., None] * x + mb[..., None] - y) ** 2).mean(axis=-1)
right.contour(
    mw,
    mb,
    surface,
    levels=np.geomspace(surface.min() * 1.5, surface.max(), 12),
    colors="gray",
    linewidths=0.7,
)
for (lr, (_losses, path)), color in zip(runs.items(), common.COLORS):
    p = np.array(path)
    right.plot(p[:, 0], p[:, 1], ".-", color=color, linewidth=1.2, markersize=5, label=f"lr {lr}")
right.plot([START_W], [START_B], "ks", markersize=7, label="start")
right.set_xlim(ws[0], ws[-1])
right.set_ylim(bs[0], bs[-1])
right.set_xlabel("weight w")
right.set_ylabel("bias b")
right.set_title("The same runs on the loss surface (contours)")
right.legend(loc="upper right", fontsize=8)
fig.suptitle(f"Gradient descent on y = w·x + b at {len(RATES)} learning rates")
figure = common.save(fig, OUT, "learning_rate")
fig

# %% [markdown]
# **Try next:** a rate on each side of the limit, `0.99: "just under"` and
# `1.0: "just over"`: so close to 2/λ the zig-zag hardly shrinks or grows. Or
# `EPOCHS = 400`: lr 0.01 gets near the floor, ten times as slowly.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "losses": {lr: losses for lr, (losses, _) in runs.items()},
    "final": {lr: losses[-1] for lr, (losses, _) in runs.items()},
    "threshold": 2 / curvature,
    "figures": [figure],
}
