# %% [markdown]
# # Gradient checking: nudge each weight by a small δ, watch the loss, and compare with backprop
#
# The finite-difference slope (L(w + δ) - L(w - δ)) / 2δ needs no calculus, so
# it is an independent check on any gradient: nudge one weight up, then down,
# evaluate the loss both times, and divide.
#
# **Look for:** on a small MLP every one of its 17 backprop gradients agrees
# with the nudged slope (relative error ~1e-8); a hand-written backward pass
# with a deliberate mistake (the tanh derivative 1 - a² forgotten) is caught
# at once, in exactly the weights the mistake touches; and the choice of δ
# matters: too big and the slope is not the tangent, too small and
# floating-point round-off takes over.

# %%
import numpy as np

import nn
from autograd_lite import gradcheck, numerical_grad
from demos import common

QUICK, OUT = common.options("gradient_check")  # QUICK sweeps every other power of ten for δ

# %% [markdown]
# ## The engine's gradients against the nudged slopes
#
# A 2-4-1 tanh MLP, its mean squared error on 12 points of the two moons.
# `gradcheck` runs `backward()` once, then nudges each weight by ±`EPS` and
# evaluates the loss twice per weight. The errors are relative
# (|a - b| / max(|a|, |b|)), so big and small gradients are judged alike.
# Change `HIDDEN`, `SEED` or `EPS` and re-run from here.

# %%
N_POINTS, NOISE, DATA_SEED = 12, 0.1, 1  # the data: a few points of the two moons
HIDDEN = 4  # hidden neurons of the 2-HIDDEN-1 MLP
SEED = 3  # the MLP's initial weights
EPS = 1e-6  # the nudge δ


def relative_error(a, b) -> float:
    """max |a - b| / max(|a|, |b|): scale-free, so big and small gradients are judged alike."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)))


def power(x: float) -> str:
    """1e-06 written as 1e-6."""
    return f"{x:.0e}".replace("e-0", "e-")


X, y = nn.datasets.moons(n=N_POINTS, noise=NOISE, seed=DATA_SEED)
y = 2.0 * y - 1  # targets -1 and +1, for mse
model = nn.MLP(2, [HIDDEN, 1], activation="tanh", seed=SEED)
params = model.parameters()
loss_fn = lambda *_: nn.losses.mse(model(X), y)  # reads the weights through the model
report = gradcheck(loss_fn, params, eps=EPS)
backprop = np.array([float(r.analytic) for r in report.rows])
numeric = np.array([float(r.numeric) for r in report.rows])
print(f"{model!r}, mse on {len(X)} points; each weight nudged by ±{power(EPS)}, the loss evaluated twice:\n")
print("\n".join(repr(report).splitlines()[:7]) + f"\n  ... {len(report.rows) - 5} more rows ...")
print(repr(report).splitlines()[-1])
engine_err = relative_error(backprop, numeric)
print(f"largest relative error, engine vs finite differences: {engine_err:.1e}")

# %% [markdown]
# ## A backward pass written by hand, and the classic slip
#
# `hand_backward` derives dL/dθ for the same MLP in numpy, layer by layer.
# With `forget_tanh=True` it leaves out the hidden layer's
# tanh'(z) = 1 - a²: the kind of mistake a gradient check exists to catch.
# A gradient passes if its relative error is below `TOLERANCE`.

# %%
TOLERANCE = 1e-6  # the largest relative error a correct gradient shows here


def hand_backward(model: nn.MLP, X: np.ndarray, y: np.ndarray, forget_tanh: bool = False) -> np.ndarray:
    """dL/dθ for a 2-H-1 tanh MLP with mse, derived by hand in numpy, in named_parameters order."""
    hidden, top = model.layers
    W1 = np.array([[w.data for w in n.w] for n in hidden.neurons])  # (H, 2)
    b1 = np.array([n.b.data for n in hidden.neurons])
    W2 = np.array([w.data for w in top.neurons[0].w])  # (H,)
    b2 = top.neurons[0].b.data
    a = np.tanh(X @ W1.T + b1)  # (n, H)
    yhat = a @ W2 + b2
    d_yhat = 2 * (yhat - y) / len(y)  # mse = mean((ŷ - y)²)
    d_W2, d_b2 = a.T @ d_yhat, d_yhat.sum()
    d_a = np.outer(d_yhat, W2)
    d_z = d_a if forget_tanh else d_a * (1 - a**2)  # the slip: tanh'(z) = 1 - a² left out
    d_W1, d_b1 = d_z.T @ X, d_z.sum(axis=0)
    grads = []
    for k in range(len(hidden.neurons)):
        grads += [*d_W1[k], d_b1[k]]
    return np.array(grads + [*d_W2, d_b2])


good = hand_backward(model, X, y)
bad = hand_backward(model, X, y, forget_tanh=True)
good_err, bad_err = relative_error(good, numeric), relative_error(bad, numeric)
wrong = int(np.sum(np.abs(bad - numeric) > TOLERANCE * np.maximum(np.abs(bad), np.abs(numeric))))
verdict = lambda e: "passes" if e < TOLERANCE else "CAUGHT: wrong"
print("hand-written backward passes in numpy, checked the same way:")
print(
    common.table(
        ["backward pass", "largest relative error", "verdict"],
        [
            ("with tanh'(z) = 1 - a²", f"{good_err:.1e}", verdict(good_err)),
            ("tanh' forgotten", f"{bad_err:.1e}", verdict(bad_err)),
        ],
    )
)
print(f"the mistake shows in {wrong} of {len(bad)} gradients: the hidden layer's, where the tanh is;")
print("the output layer's gradients never pass through that tanh, so they still agree.")

# %% [markdown]
# ## How big a nudge?
#
# The same check for every power of ten from 1e-12 to 1e-1 (every other one
# in a quick run). A big δ measures the slope of a chord, not of the tangent
# (that truncation error shrinks as δ²); a tiny δ subtracts two almost equal
# losses, and the float round-off, divided by δ, grows as 1/δ. In between
# lies the sweet spot.

# %%
exponents = list(range(-12, 0, 2 if QUICK else 1))
epsilons = 10.0 ** np.array(exponents)
errors = np.array([relative_error(numerical_grad(loss_fn, params, eps=float(e)), backprop) for e in epsilons])
best = float(epsilons[int(np.argmin(errors))])
print("the nudge δ matters (largest relative error for each δ):")
print(common.table(["δ", *(f"1e{k}" for k in exponents)], [["error", *(f"{r:.0e}" for r in errors)]]))
print(f"smallest error at δ = {best:.0e}: truncation error shrinks as δ², round-off grows as 1/δ.")

# %% [markdown]
# ## The picture
#
# Left: each weight's backprop gradient against its nudged slope; the
# correct ones sit on the line y = x, the forgotten tanh' scatters the
# hidden layer's off it. Right: the error of the check for each δ, a V on a
# log-log plot.

# %%
fig, (left, right) = common.figure(2, width=5.4, height=4.5)
lim = 1.15 * max(np.abs(backprop).max(), np.abs(bad).max())
left.plot([-lim, lim], [-lim, lim], color="gray", linewidth=1, label="agreement: y = x")
left.plot(numeric, backprop, "o", color=common.COLORS[0], label="engine's backprop")
left.plot(
    numeric, bad, "x", color=common.COLORS[1], markersize=8, mew=2, label="hand-written, tanh' forgotten"
)
left.set_xlabel(f"finite-difference slope (nudge by δ = {power(EPS)})")
left.set_ylabel("gradient from backprop")
left.set_title(f"{len(params)} weights of a 2-{HIDDEN}-1 MLP:\ncorrect gradients sit on the line")
left.legend(loc="upper left", fontsize=8)
left.grid(alpha=0.3)
right.loglog(epsilons, errors, "o-", color=common.COLORS[2], label="engine vs finite differences")
right.axhline(TOLERANCE, color=common.COLORS[1], linestyle="--", label=f"tolerance {TOLERANCE:g}")
right.axvline(EPS, color="gray", linestyle=":", label=f"δ used: {EPS:g}")
right.set_xlabel("nudge δ")
right.set_ylabel("largest relative error")
right.set_title("How big a nudge? Too big: not the tangent;\ntoo small: round-off")
right.legend(loc="upper center", fontsize=8)
right.grid(alpha=0.3)
fig.suptitle("Gradient check: backprop against nudging each weight")
figure = common.save(fig, OUT, "gradient_check")
fig

# %% [markdown]
# **Try next:** make another slip in `hand_backward` (drop the `/ len(y)`
# of the mse, or use `a` where `1 - a**2` should be) and see which gradients
# the check flags, or set `EPS = 1e-10` and watch round-off make the correct
# hand-written pass look wrong.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "engine_agrees": bool(report),
    "engine_error": engine_err,
    "hand_error": good_err,
    "buggy_error": bad_err,
    "buggy_caught": bad_err > TOLERANCE,
    "buggy_wrong_count": wrong,
    "eps_errors": dict(zip(exponents, errors.tolist())),  # by the exponent of δ
    "figures": [figure],
}
