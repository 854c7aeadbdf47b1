# %% [markdown]
# # Gradient descent, one iteration at a time: the tangent, the step, the trail
#
# Minimise f(x) = x² − 3x by hand and by the engine: at each iterate take
# the derivative (the tangent's slope), step against it, x ← x − lr·f′(x),
# and see where the steps lead. Then the same at several learning rates, and
# on a curve with two valleys.
#
# **Look for:** the derivative's sign deciding the way (f′ > 0: left; f′ < 0:
# right); the distance to the minimum shrinking by the same factor 1 − 2·lr
# at every step, so lr 0.5 lands in one step, lr 0.9 zig-zags in, lr 1
# bounces for ever and lr 1.1 flies out; and on two valleys, the start (and
# a large step) deciding which valley it ends in. Last, the same runs as a
# page to step through with **Next iteration**, the way UCLA ACM's gradient
# descent visualiser does.

# %%
import numpy as np

import nn
from demos import common
from nn.descend import descend

QUICK, OUT = common.options("gradient_descent")  # a notebook: a full run, figures in out/gradient_descent/

# %% [markdown]
# ## One run, step by step
#
# f(x) = x² − 3x has f′(x) = 2x − 3: zero at x = 1.5, the minimum, where
# f = −2.25. From `START` = 4 the derivative is 5 > 0, so downhill is to the
# left and the first step is −lr·5. `descend()` takes each derivative from
# the engine's `backward()` and each step from `nn.optim.SGD`; the table is
# what `autograd-lite descend 'x**2 - 3*x' --start 4 --lr 0.1` prints.

# %%
FORMULA = "x**2 - 3*x"
START, LR = 4.0, 0.1
STEPS = 12 if QUICK else 25
MINIMUM = 1.5  # where f'(x) = 2x - 3 = 0

run = descend(FORMULA, START, LR, STEPS)
for line in run.lines()[:6]:
    print(line)
print("   ...")
print(run.summary())

# %% [markdown]
# ## Why each step is a fixed fraction closer
#
# x − 1.5 after a step is (x − 1.5) − lr·(2x − 3) = (1 − 2·lr)(x − 1.5): the
# distance to the minimum is multiplied by 1 − 2·lr every step, whatever x
# is. So |1 − 2·lr| < 1 converges, and the sign says whether it comes in from
# one side (lr < 0.5) or zig-zags across (0.5 < lr < 1). At lr = 1 the factor
# is −1: it bounces between two points for ever. Past 1 each bounce is longer.

# %%
RATES = {  # learning rate -> what we expect of it
    0.1: "creeps in from one side",
    0.5: "lands in one step",
    0.9: "zig-zags in",
    1.0: "bounces for ever",
    1.1: "diverges",
}
runs = {lr: descend(FORMULA, START, lr, STEPS) for lr in RATES}


def became(r) -> str:
    """What became of a run, in a word."""
    return "diverging" if r.diverging else "bouncing" if r.bouncing else r.status


rows = []
for lr, r in runs.items():
    factor = 1 - 2 * lr
    rows.append((f"{lr:g}", RATES[lr], f"{factor:+.1f}", became(r), f"{r.end[0]:.6g}", f"{r.end_value:.4g}"))
print(common.table(["lr", "expected", "factor 1 - 2 lr", "what it did", "last x", "last f"], rows))
print()
for lr, r in runs.items():
    print(f"lr {lr:g}: {r.summary()}")

# %% [markdown]
# ## The picture
#
# Left: the curve, the iterates at lr 0.1, 0.9 and 1.1, and the tangent at
# the start (its slope is f′(4) = 5). Right: the distance to the minimum per
# iteration on a log scale, each run a straight line of slope log|1 − 2·lr|
# (lr 0.5 drops to 0 after one step and is off the scale; lr 0.1 and 0.9 shrink
# by the same |0.8| a step, one from one side, one across, so their lines lie
# on each other).

# %%
fig, (left, right) = common.figure(2, width=5.8, height=4.4)
color = dict(zip(RATES, common.COLORS))  # one colour per learning rate, in both panels
xs = np.linspace(-3.5, 6.5, 300)
left.plot(xs, xs**2 - 3 * xs, color="black", linewidth=2, label=f"f(x) = {FORMULA}")
slope = 2 * START - 3
tangent = np.linspace(START - 1.5, START + 1.5, 2)
left.plot(tangent, START**2 - 3 * START + slope * (tangent - START), "--", color="black",
          linewidth=1.5, label=f"tangent at x = {START:g}: slope {slope:g}")  # fmt: skip
for lr in (0.1, 0.9, 1.1):
    p = np.array([it.point[0] for it in runs[lr].iterates][:8])
    left.plot(p, p**2 - 3 * p, "o-", color=color[lr], markersize=5, linewidth=1, alpha=0.85,
              label=f"lr {lr:g}")  # fmt: skip
left.set_xlim(xs[0], xs[-1])
left.set_ylim(-3, 26)
left.set_xlabel("x")
left.set_ylabel("f(x)")
left.set_title("Iterates on the curve (first 8)")
left.legend(loc="upper right", fontsize=8, framealpha=0.95)
left.grid(alpha=0.3)
for lr, r in runs.items():
    distance = np.array([abs(it.point[0] - MINIMUM) for it in r.iterates] + [abs(r.end[0] - MINIMUM)])
    k = np.arange(len(distance))
    shown = distance > 0  # lr 0.5's is 0 after one step: off a log scale
    style = "o--" if lr == 0.9 else "o-"  # 0.1 and 0.9 shrink by the same |0.8|: one line, two styles
    right.plot(k[shown], distance[shown], style, color=color[lr], markersize=3,
               label=f"lr {lr:g}: {RATES[lr]}")  # fmt: skip
right.set_yscale("log")
right.set_xlabel("iteration k")
right.set_ylabel("|x_k − 1.5| (log scale)")
right.set_title("Distance to the minimum: × |1 − 2·lr| a step")
right.legend(loc="lower left", fontsize=8)
right.grid(alpha=0.3)
fig.suptitle(f"Gradient descent on f(x) = {FORMULA} from x = {START:g}")
figure = common.save(fig, OUT, "gradient_descent")
fig

# %% [markdown]
# ## Two valleys: where it ends depends on where it starts
#
# f(x) = x⁴ − 4x² + x has two minima, a deep one near −1.47 and a shallow
# one near 1.35 (where f′(x) = 4x³ − 8x + 1 = 0). Small steps roll into the
# valley the start is in; a large first step from a steep wall can jump over
# the hump into the other one.

# %%
VALLEYS = "x**4 - 4*x**2 + x"
valley_runs = {
    (start, lr): descend(VALLEYS, start, lr, 60 if QUICK else 200)
    for start in (-2.5, 0.2, 2.5)
    for lr in (0.01, 0.1)
}
valley_rows = [
    (f"{s:g}", f"{lr:g}", f"{r.end[0]:.4f}", f"{r.end_value:.4f}") for (s, lr), r in valley_runs.items()
]
print(common.table(["start", "lr", "ends at x", "f there"], valley_rows))

# %% [markdown]
# ## Step through it yourself: the playground page
#
# The same runs, and more, as a page: the curve with the tangent at the
# current iterate, **Next iteration** / **Play** / **Reset**, the start and
# the learning rate to choose, and presets in x and y (an elongated bowl,
# Rosenbrock's valley, a saddle) with six optimizers at once. In a notebook it
# shows below; from the shell, `autograd-lite descend 'x**2 - 3*x' --start 4
# --html descent.html` writes the same page.

# %%
OUT.mkdir(parents=True, exist_ok=True)
playground = nn.descent_playground(FORMULA, start=START, lr=LR, steps=STEPS, path=OUT / "descent.html")
print(f"wrote {OUT / 'descent.html'}: {playground!r}")
playground

# %% [markdown]
# **Try next:** `FORMULA = "sin(x) + x**2/10"` with `START = 3`: the local
# valley near 3.8 keeps it, while from −3 it finds the deeper one. Or
# `LR = 1.0` on x² − 3x and watch it bounce between 4 and −1 in the page.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "run": run,  # x**2 - 3*x from 4 at lr 0.1
    "runs": runs,  # lr -> the Descent from START
    "valleys": valley_runs,  # (start, lr) -> the Descent on x**4 - 4x**2 + x
    "page": OUT / "descent.html",
    "figures": [figure],
}
