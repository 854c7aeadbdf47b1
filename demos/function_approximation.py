# %% [markdown]
# # Function approximation: an MLP learns sin(x), if it has the units to bend
#
# Fit y = sin(x) on [-π, π] with an MLP of one tanh hidden layer, trained on
# the mean squared error (full batch, Adam), and watch the fit take shape;
# then train the same recipe with 1, 3, 10 and 30 hidden units.
#
# **Look for:** the fit start as whatever its random weights draw (here a
# rising curve), lean towards the points by epoch 10, find both bends of sin
# by epoch 100 and lie on the curve at the end, the loss falling by three
# orders of magnitude or more (log scale). One hidden unit is one tanh step:
# its fit can only rise (or only fall), never bend, so its best is an S with
# an mse stuck near 0.07, while 10 units get below 1e-3 (all printed). Past a
# few units the width no longer limits the fit of sin: the training does.

# %%
import math

import numpy as np

import nn
from autograd_lite import Value, no_grad
from autograd_lite.expr import parse
from demos import common

QUICK, OUT = common.options("function_approximation")  # in a notebook: a full run, figures under out/NAME/

# %% [markdown]
# ## The data: a function, sampled
#
# `FUNCTION` is any expression in x that the command line's calculator
# reads (`autograd-lite` parses it with a whitelist: numbers, x, + - * / **
# and the engine's functions; it never runs it as Python). It is evaluated
# at `POINTS` evenly spaced x on `DOMAIN`; those pairs (x, f(x)) are all the
# network ever sees.

# %%
FUNCTION = "sin(x)"  # try "abs(x)", "x**3 / 10", "tanh(3*x)", "exp(-x**2)"
DOMAIN = (-math.pi, math.pi)
POINTS = 50 if QUICK else 200


def f(x: float) -> float:
    """FUNCTION at x, through the safe expression parser (never eval)."""
    with no_grad():
        return float(parse(FUNCTION, {"x": x}).root.data)


xs = np.linspace(*DOMAIN, POINTS)
X, y = xs[:, None], np.array([f(x) for x in xs])  # X: one column, one row per point
grid = np.linspace(*DOMAIN, 400)  # where we draw and inspect the fits, between the points too
truth = np.array([f(x) for x in grid])
low, high = DOMAIN
print(f"{FUNCTION} at {POINTS} points, x from {low:.3g} to {high:.3g}: y from {y.min():.3g} to {y.max():.3g}")

# %% [markdown]
# ## One recipe, four widths
#
# Each network is `nn.MLP(1, [H, 1], activation=ACTIVATION)`: one input x, `H`
# tanh units, one linear output, so ŷ = Σᵢ vᵢ·tanh(wᵢ·x + bᵢ) + c, a sum of
# H smooth steps. Every width gets the same training: `EPOCHS` full-batch
# Adam steps at `LR` on the mse, from weights drawn with `SEED`. Training
# runs in pieces that stop at the epochs in `SNAPSHOTS` so we can draw the
# fit there; the pieces share one optimizer, so it is one run (the same
# numbers as an uninterrupted one).

# %%
WIDTHS = (1, 3, 10, 30)  # hidden units
ACTIVATION = "tanh"  # of the hidden layer: also "relu", "sigmoid", "leaky_relu"
EPOCHS = 500 if QUICK else 2000
LR = 0.03
SEED = 0  # the initial weights, for every width
SNAPSHOTS = (0, 10, 100, EPOCHS)  # epochs at which to keep the fit


def train(width: int) -> dict:
    """Train one width; its loss per epoch, its fit on the grid at each snapshot, and the model."""
    model = nn.MLP(1, [width, 1], activation=ACTIVATION, seed=SEED)
    opt = nn.optim.Adam(model.parameters(), lr=LR)
    losses = [float(np.mean((nn.predict(model, X) - y) ** 2))]  # epoch 0: before any step
    fits, done = {}, 0
    for epoch in SNAPSHOTS:
        if epoch > done:
            history = nn.fit(model, X, y, loss="mse", optimizer=opt, epochs=epoch - done, metrics=(),
                             progress=False, seed=SEED)  # fmt: skip
            losses += history.loss
            done = epoch
        fits[epoch] = nn.predict(model, grid[:, None])
    return {"model": model, "loss": losses, "fits": fits}


runs = {width: train(width) for width in WIDTHS}
mse = {width: run["loss"][-1] for width, run in runs.items()}

# %% [markdown]
# ## How many times can a fit bend?
#
# A fit bends where its slope dŷ/dx changes sign. We read the slope from the
# engine itself: x as one lane Value holding the whole grid, one forward
# pass, one `backward()` of the sum, and x.grad holds dŷ/dx at every grid
# point. sin on [-π, π] changes slope twice (at ±π/2). With one unit the
# slope is v·w·(1 - tanh²(w·x + b)): the factor in brackets is always
# positive, so the slope keeps the sign of v·w everywhere and the fit can
# never turn.


# %%
def slope(model, x: np.ndarray) -> np.ndarray:
    """dŷ/dx at every x, from one backward pass over a lane of inputs."""
    v = Value(x)
    model([v]).sum().backward()
    return v.grad


def sign_changes(slopes: np.ndarray) -> int:
    """How often `slopes` changes sign along the grid (a zero in between is no sign)."""
    signs = np.sign(slopes)
    signs = signs[signs != 0]
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


turns = {width: sign_changes(slope(run["model"], grid)) for width, run in runs.items()}
truth_turns = sign_changes(np.diff(truth))  # the true curve's slope, from its differences
print(f"{FUNCTION} changes slope {truth_turns} times on the grid. After {EPOCHS} epochs of Adam (lr {LR}):\n")


def units(width: int) -> str:
    return f"{width} unit{'s' if width > 1 else ''}"


rows = [(f"{units(w)} ({ACTIVATION})", f"{mse[w]:.2e}", turns[w], f"{runs[w]['loss'][10]:.2e}",
         f"{runs[w]['loss'][100]:.2e}") for w in WIDTHS]  # fmt: skip
print(common.table(["hidden layer", "final mse", "slope sign changes", "mse at 10", "at 100"], rows))
narrow, best = min(WIDTHS), min(WIDTHS, key=mse.__getitem__)
print(
    f"\n{units(narrow)}: mse {mse[narrow]:.3g}, its slope changes sign {turns[narrow]} times; "
    f"the best, {units(best)}: mse {mse[best]:.1e}, {mse[narrow] / mse[best]:.0f}x lower."
)

# %% [markdown]
# ## The picture
#
# Left: the 10-unit net's fit at each snapshot over the true curve (the
# training points are the dots). Middle: the mse per epoch of every width, on
# a log scale: one unit levels off at its S-shaped best within a few hundred
# epochs, the others keep going down. Right: every width's fit after the same
# training: one unit's S, the others bending with the curve.
#
# Two things the picture shows that are not about width. The spikes: near the
# bottom the gradient is tiny but Adam's steps stay about `LR` long, so now
# and then it overshoots and climbs back down (a smaller `LR` calms it, and
# starts slower). And 30 units are no better than 10 at the end, three may
# even be as good given time (the full run): for sin, two bends, a few units
# are enough capacity, and what is left is how far training has got.

# %%
SHOWN = 10 if 10 in runs else WIDTHS[-1]  # the width whose training the left panel follows
color = dict(zip(WIDTHS, common.COLORS))  # one colour per width, in all three panels
fig, (left, middle, right) = common.figure(3, width=5.0, height=4.4)
left.plot(grid, truth, color="black", linewidth=4, alpha=0.25, label=f"{FUNCTION} (the truth)")
left.plot(xs, y, ".", color="black", markersize=3, label=f"the {POINTS} training points")
shades = zip([":", "-.", "--", "-"], [0.45, 0.6, 0.8, 1.0])  # later epochs darker and solid
for (epoch, fit), (style, alpha) in zip(runs[SHOWN]["fits"].items(), shades):
    left.plot(grid, fit, color=color[SHOWN], linestyle=style, alpha=alpha, linewidth=2,
              label=f"epoch {epoch}: mse {runs[SHOWN]['loss'][epoch]:.1e}")  # fmt: skip
left.set_xlabel("x")
left.set_ylabel("y")
left.set_title(f"{units(SHOWN)} ({ACTIVATION}) learning {FUNCTION}")
left.legend(loc="upper left", fontsize=8)
left.grid(alpha=0.3)

for width, run in runs.items():
    middle.plot(range(len(run["loss"])), run["loss"], color=color[width], linewidth=1.8, label=units(width))
snaps = list(runs[SHOWN]["fits"])
middle.plot(snaps, [runs[SHOWN]["loss"][e] for e in snaps], "o", color=color[SHOWN], markersize=6,
            markerfacecolor="white", label="the left panel's epochs")  # fmt: skip
middle.set_yscale("log")
middle.set_xlabel("epoch (one Adam step on all the points)")
middle.set_ylabel("mse (log scale)")
middle.set_title("The loss while training, per width")
middle.legend(loc="upper right", fontsize=8, ncol=2)
middle.grid(alpha=0.3)

right.plot(grid, truth, color="black", linewidth=4, alpha=0.25, label=f"{FUNCTION} (the truth)")
for (width, run), style in zip(runs.items(), ["-", "-", "--", ":"]):
    right.plot(grid, run["fits"][EPOCHS], color=color[width], linestyle=style, linewidth=2,
               label=f"{units(width)}: mse {mse[width]:.1e}")  # fmt: skip
right.set_xlabel("x")
right.set_title(f"Capacity: each width after {EPOCHS} epochs")
right.legend(loc="upper left", fontsize=8)
right.grid(alpha=0.3)
fig.suptitle(f"An MLP with one tanh hidden layer fits {FUNCTION} by mse (Adam, lr {LR}, full batch)")
figure = common.save(fig, OUT, "function_approximation")
fig

# %% [markdown]
# **Try next:** `FUNCTION = "abs(x)"`: a kink, which smooth tanh steps can
# only round off; with `ACTIVATION = "relu"` each unit is a hinge, and 10 of
# them get far closer. `FUNCTION = "tanh(3*x)"`: one unit is the right shape
# and fits it almost exactly; `"x**3 / 10"` never bends either, yet one unit
# fails (flat in the middle, steep at the ends: tanh the wrong way round).
# `FUNCTION = "sin(3*x)"` bends six times: now 3 units are too few and 30
# beat 10. Or `WIDTHS = (1, 2, 3, 100)` with a longer `EPOCHS`.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "function": FUNCTION,
    "mse": mse,  # width -> final training mse
    "bends": turns,  # width -> how often the fit's slope changes sign on the grid
    "truth_bends": truth_turns,
    "snapshot_mse": {epoch: runs[SHOWN]["loss"][epoch] for epoch in SNAPSHOTS},
    "epochs": EPOCHS,
    "x": xs,  # the training points and their targets
    "y": y,
    "grid": grid,
    "fits": {width: run["fits"][EPOCHS] for width, run in runs.items()},  # each final fit on the grid
    "models": {width: run["model"] for width, run in runs.items()},
    "figures": [figure],
}
