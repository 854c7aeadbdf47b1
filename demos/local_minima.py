# %% [markdown]
# # Local minima: plain gradient descent stops in the first valley; momentum and noise can get out
#
# A one-weight loss with two valleys, L(w) = (w² - 1)² + 0.3·w: a shallow
# valley near w = +0.96 and a deeper one near w = -1.04. Every run starts at
# w = 2.
#
# **Look for:** plain gradient descent settling in the shallow valley (the
# gradient there is zero: it has no reason to move); momentum (a heavy ball)
# rolling through and over the hump into the deep valley; and noisy SGD (a
# random kick added to every step, for half the run, then fading out) escaping
# in most runs but not all: noise is a gamble that usually pays.

# %%
import numpy as np

import nn
from autograd_lite import Parameter
from demos import common

QUICK, OUT = common.options("local_minima")  # in a notebook: a full run, figures under out/local_minima/

# %% [markdown]
# ## A loss with two valleys
#
# The valleys are where the slope dL/dw = 4w³ - 4w + 0.3 is zero and the loss
# curves up: two of the three roots of that cubic (the middle one is the top
# of the hump between them). `loss_of` works on a `Value` (to train) and on a
# numpy array (to plot).


# %%
def loss_of(w):
    """L(w) = (w² - 1)² + 0.3·w, for a Value or a numpy array."""
    return (w * w - 1) ** 2 + 0.3 * w


roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)
deep, shallow = float(roots[0]), float(roots[2])
print(f"L(w) = (w² - 1)² + 0.3·w has a shallow valley at w = {shallow:.3f} (L = {loss_of(shallow):.3f})")
print(f"and a deep one at w = {deep:.3f} (L = {loss_of(deep):.3f}).")

# %% [markdown]
# ## Plain gradient descent and momentum
#
# Both start at `START` = 2, on the steep wall right of the shallow valley,
# and take `STEPS` steps. Plain gradient descent slides down into the shallow
# valley; at its bottom dL/dw = 0, so it stays there forever. Momentum keeps a
# velocity, a running sum of past gradients that slowly forgets them, like a
# heavy ball: the speed it built up on the steep start can carry it over the
# hump. (Its learning rate is `LR / 2`: the velocity adds up the steps.)
# Change `START`, `LR` or `MOMENTUM` and re-run this cell and the ones after it.

# %%
START = 2.0  # where every run starts
LR = 0.02  # the learning rate (momentum uses LR / 2)
STEPS = 300  # steps in every run
MOMENTUM = 0.9  # how much of its velocity the heavy ball keeps from one step to the next


def descend(lr: float, momentum: float = 0.0, noise: float = 0.0, seed: int | None = None) -> list[float]:
    """w after every step from START, with SGD; noise: random kicks, full for half the run, then fading."""
    w = Parameter(START, label="w")
    opt = nn.optim.SGD([w], lr=lr, momentum=momentum, noise=noise, seed=seed)
    path = [w.data]
    for k in range(STEPS):
        if noise:
            opt.noise = noise * min(1.0, 2 * (1 - k / STEPS))  # kick for half the run, then let it settle
        loss = loss_of(w)
        opt.zero_grad()
        loss.backward()
        opt.step()
        path.append(w.data)
    return path


gd_path = descend(LR)
momentum_path = descend(LR / 2, momentum=MOMENTUM)
furthest = min(momentum_path)
print(f"Every run starts at w = {START:g}, {STEPS} steps.")
print(f"plain gradient descent ends at w = {gd_path[-1]:.3f}, momentum at w = {momentum_path[-1]:.3f}.")
print(f"Momentum carries speed from the steep start over the hump (furthest left: {furthest:.2f}).")

# %% [markdown]
# ## Noisy SGD: random kicks
#
# Plain gradient descent again, with a random kick N(0, `NOISE`²) added to
# every step for the first half of the run; then the kicks fade out, so that
# the weight can settle in whichever valley it is in. Each run has its own
# random kicks (seed 0, 1, 2, ...): some land in the deep valley and some do
# not. Change `NOISE` or `RUNS` and re-run this cell and the ones after it.

# %%
NOISE = 0.4  # the size (standard deviation) of the kicks
RUNS = 10 if QUICK else 20  # noisy runs, each with its own seed

noisy_paths = [descend(LR, noise=NOISE, seed=s) for s in range(RUNS)]
escaped = sum(p[-1] < 0 for p in noisy_paths)
print(f"Random kicks knock noisy SGD out of the shallow valley in {escaped} of {len(noisy_paths)} runs.")

# %% [markdown]
# ## Where each method ends
#
# Once in the deep valley it is harder to be knocked back out (its walls are
# higher), so most noisy runs end there.

# %%
rows = [
    (
        f"plain gradient descent, lr {LR:g}",
        f"{gd_path[-1]:.3f}",
        "deep" if gd_path[-1] < 0 else "shallow (stuck)",
    ),
    (
        f"momentum {MOMENTUM:g}, lr {LR / 2:g}",
        f"{momentum_path[-1]:.3f}",
        "deep" if momentum_path[-1] < 0 else "shallow",
    ),
    (f"noisy SGD, lr {LR:g}, kicks σ = {NOISE}, fading", f"{escaped} of {len(noisy_paths)} runs", "deep"),
]
print(common.table(["method", "ends at w", "valley"], rows))

# %% [markdown]
# ## The picture
#
# Left: the loss curve and where each run ended. Right: the weight step by
# step: plain gradient descent flat in the shallow valley, momentum over the
# hump, past the deep valley and swinging back into it, the noisy runs
# jittering between the valleys and then settling.

# %%
fig, (left, right) = common.figure(2, width=5.8, height=4.6)
ws = np.linspace(-1.7, 2.1, 300)
left.plot(ws, loss_of(ws), color="black", linewidth=2, label="L(w) = (w² - 1)² + 0.3w")
ends = np.array([p[-1] for p in noisy_paths])
left.plot(
    ends,
    loss_of(ends),
    "o",
    color=common.COLORS[2],
    alpha=0.35,
    markersize=11,
    label=f"noisy SGD: its {len(noisy_paths)} runs end ({int(np.sum(ends < 0))} in the deep valley)",
)
styles = [  # (name, path, color, marker)
    ("plain gradient descent", gd_path, common.COLORS[1], "s"),
    (f"momentum {MOMENTUM:g}", momentum_path, common.COLORS[0], "D"),
]
for name, path, color, marker in styles:
    end = path[-1]
    left.plot([end], [loss_of(end)], marker, color=color, markersize=9, label=f"{name}: ends at {end:.2f}")
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
for i, p in enumerate(noisy_paths):
    right.plot(
        steps,
        p,
        color=common.COLORS[2],
        alpha=0.3,
        linewidth=0.8,
        label="noisy SGD (each run)" if i == 0 else None,
    )
for name, path, color, _ in styles:
    right.plot(steps, path, color=color, linewidth=2.2, label=name)
right.axhline(shallow, color="gray", linestyle=":", label=f"shallow valley, w = {shallow:.2f}")
right.axhline(deep, color="gray", linestyle="--", label=f"deep valley, w = {deep:.2f}")
right.set_xlabel("step")
right.set_ylabel("weight w")
right.set_title("The weight over the steps")
right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8)
right.grid(alpha=0.3)
fig.suptitle("A local minimum: gradient descent stops in the first valley it finds")
figure = common.save(fig, OUT, "local_minima")
fig

# %% [markdown]
# **Try next:** `START = 0.5`: starting inside the shallow valley, momentum
# has no speed to carry it out. `MOMENTUM = 0.5`: a lighter ball stops there
# too. `NOISE = 0.1` (too gentle: most runs stay) or `NOISE = 1.0` (so strong
# that some runs have not settled by the end).

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "minima": {"deep": deep, "shallow": shallow},
    "gd_end": gd_path[-1],
    "momentum_end": momentum_path[-1],
    "noisy_ends": [p[-1] for p in noisy_paths],
    "noisy_escaped": escaped / len(noisy_paths),
    "figures": [figure],
}
