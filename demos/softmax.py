# %% [markdown]
# # Softmax and cross-entropy by hand: scores become probabilities, and the gradient is p - onehot
#
# A classifier's last layer gives one score (a logit) per class. Softmax
# turns the scores into probabilities, and cross-entropy is minus the log of
# the probability given to the true class. Here: three classes, logits
# z = (2.0, 1.0, 0.1), the true class is 0.
#
# **Look for:** softmax worked by hand (exp, sum, divide: p = 0.659, 0.242,
# 0.099), the cross-entropy -log p[0] = 0.417, and the engine's gradient dL/dz
# equal to p - onehot(target): the same simple formula for every class, which
# is why this pair is the default for classification. Then logits of 1000:
# exp(1000) overflows a float, and subtracting the largest logit first fixes
# it.

# %%
import math

import numpy as np
from matplotlib.patches import Patch

import nn
from autograd_lite import Value
from demos import common

QUICK, OUT = common.options("softmax")  # QUICK changes nothing here: the lesson is instant

# %% [markdown]
# ## Softmax by hand
#
# p_k = exp(z_k) / Σ exp(z_j): exponentiate every score (so all are
# positive), then divide by their sum (so they add up to 1). The loss is
# -log p[target], and its gradient with respect to each logit is
# p_k - onehot_k, worked out here with plain floats. Change `LOGITS` or
# `TARGET` and re-run from here.

# %%
LOGITS = (2.0, 1.0, 0.1)  # the model's scores, one per class
TARGET = 0  # the true class

exps = [math.exp(z) for z in LOGITS]
total = sum(exps)
p = [e / total for e in exps]
onehot = [1.0 if k == TARGET else 0.0 for k in range(len(LOGITS))]
loss = -math.log(p[TARGET])
grad = [pk - ok for pk, ok in zip(p, onehot)]  # dL/dz_k = p_k - onehot_k
hand = {"exps": exps, "total": total, "p": p, "loss": loss, "grad": grad}
print(f"logits z = {LOGITS}, true class {TARGET}\n")
print("softmax by hand: p_k = exp(z_k) / Σ exp(z_j)")
print("  exp(z) = " + ", ".join(f"{e:.4f}" for e in exps) + f";  sum = {total:.4f}")

# %% [markdown]
# ## The engine: `nn.functional.softmax`, `nn.losses.cross_entropy`, `backward()`
#
# The logits become `Value`s; `backward()` from the cross-entropy fills each
# logit's grad. The table puts the engine's probabilities and gradients
# beside the ones worked by hand.


# %%
# a function: the big logits below go through it too
def by_engine(logits) -> dict:
    """Softmax and cross-entropy of these logits by the engine, and dL/dz after backward()."""
    z = [Value(v, label=f"z{k}") for k, v in enumerate(logits)]
    probs = nn.functional.softmax(z)
    loss = nn.losses.cross_entropy(z, TARGET)
    loss.backward()
    return {"p": [v.data for v in probs], "loss": loss.data, "grad": [v.grad for v in z]}


engine = by_engine(LOGITS)
rows = [
    (
        f"class {k}",
        LOGITS[k],
        f"{p[k]:.6f}",
        f"{engine['p'][k]:.6f}",
        f"{grad[k]:+.6f}",
        f"{engine['grad'][k]:+.6f}",
    )
    for k in range(len(LOGITS))
]
print(common.table(["", "z", "p by hand", "p engine", "p - onehot", "engine dL/dz"], rows))
print(
    f"\ncross-entropy = -log p[{TARGET}] = -log {p[TARGET]:.4f} = {loss:.6f}  (engine: {engine['loss']:.6f})"
)

# %% [markdown]
# The gradient pushes the true class's score up (negative grad) and the
# others down, each by how much probability it wrongly holds.
#
# ## Big logits: why the engine subtracts the largest first
#
# Add `SHIFT` to every logit. exp(1000) is too big for a float, so softmax
# as written above would fail; but subtracting the largest logit from all of
# them first changes nothing in the result and keeps every exp at most 1.

# %%
SHIFT = 998.0  # added to every logit

big = tuple(z + SHIFT for z in LOGITS)
try:
    math.exp(big[0])
    naive = "fits"
except OverflowError:
    naive = "overflows"
stable = by_engine(big)
print(f"logits {big}: exp({big[0]:g}) {naive} a float; the engine subtracts the largest logit first,")
probabilities = ", ".join(f"{q:.3f}" for q in stable["p"])
print(f"so p = ({probabilities}) and loss {stable['loss']:.6f}: the same as before,")
print("because softmax only depends on the differences between logits.")

# %% [markdown]
# ## The picture
#
# Left to right: the scores, the probabilities softmax makes of them, and
# the gradient of the cross-entropy (bars: the engine; diamonds: by hand).
# The true class's bar in the last panel is p - 1, below zero.

# %%
fig, axes = common.figure(3, width=3.9, height=4.0)
k = np.arange(len(LOGITS))
names = [f"class {i}" + (" (true)" if i == TARGET else "") for i in k]
colors = [common.COLORS[i] for i in k]
panels = [
    (axes[0], LOGITS, None, "logit z (score)", "1. The model's scores"),
    (axes[1], engine["p"], p, "probability softmax(z)", "2. softmax: exp, then divide by the sum"),
    (axes[2], engine["grad"], grad, "dL/dz", "3. Cross-entropy's gradient = p - onehot"),
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
fig.suptitle(f"Softmax + cross-entropy for logits {LOGITS}, true class {TARGET}: loss = {loss:.3f}")
figure = common.save(fig, OUT, "softmax")
fig

# %% [markdown]
# **Try next:** `LOGITS = (2.0, 2.0, 2.0)` (no preference: p = 1/3 each,
# loss log 3), or `TARGET = 2`, the class the model thinks least likely: a
# bigger loss and a bigger push.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "hand": hand,
    "engine": engine,
    "big_naive": naive,
    "big": stable,
    "figures": [figure],
}
