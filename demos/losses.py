# %% [markdown]
# # Classification losses: squared error vs hinge vs cross-entropy, and why MSE is a poor classifier loss
#
# For a label t = ±1 and a score s, every classification loss is a function of
# the margin m = t·s (positive: right side of the boundary; large: confidently
# right).
#
# **Look for:** in the table and the left panel, squared error (s - t)² =
# (1 - m)² punishes a point for being *too* right (margin 3 costs 4, and its
# gradient pulls the score back); hinge max(0, 1 - m) is exactly 0 beyond
# margin 1; logistic (binary cross-entropy) log(1 + e^-m) fades smoothly
# toward 0. In the right panel, the same linear classifier trained with each
# loss on data with a far-away cluster of easy, correctly placed points: MSE
# tilts its boundary to pull their scores back to 1 and misclassifies points
# near the boundary; hinge and cross-entropy ignore them.

# %%
import numpy as np

import nn
from autograd_lite import Value
from demos import common

QUICK, OUT = common.options("losses")  # in a notebook: figures under out/losses/ (QUICK changes nothing here)

# %% [markdown]
# ## Each loss as a function of the margin
#
# With the label t = +1 the score is the margin itself (s = m), so one `Value`
# per margin gives the loss of one example and, after `backward()`, its
# gradient dL/ds: the push gradient descent gives the score. The three losses:
#
# - squared error (s - t)² = (1 - m)²: `nn.losses.mse`, on the labels ±1;
# - hinge max(0, 1 - m): `nn.losses.hinge`, on the labels ±1;
# - logistic log(1 + e^-m): `nn.losses.bce_with_logits`, binary cross-entropy
#   with the score as a logit, on the labels 0/1, that is (t + 1)/2.
#
# Change `MARGINS` and re-run this cell for other columns.

# %%
MARGINS = np.array([-2.0, 0.0, 1.0, 3.0])  # the margins m = t·s in the table

# each loss for one example: its label in the table, the name fit() knows it by, the loss of (score, t = ±1)
LOSSES = {
    "squared error (s - t)²": lambda s, t: nn.losses.mse(s, t),
    "hinge max(0, 1 - m)": lambda s, t: nn.losses.hinge(s, t),
    "logistic log(1 + e^-m)": lambda s, t: nn.losses.bce_with_logits(s, (t + 1) / 2),
}
FIT_NAMES = {
    "squared error (s - t)²": "mse",
    "hinge max(0, 1 - m)": "hinge",
    "logistic log(1 + e^-m)": "bce_with_logits",
}


def per_margin(fn, margins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Loss and dLoss/dscore of one example with t = +1 (so s = m) at each margin, from the engine."""
    values, grads = [], []
    for m in margins:
        s = Value(float(m))
        loss = fn(s, 1.0)
        loss.backward()
        values.append(loss.data)
        grads.append(s.grad)
    return np.array(values), np.array(grads)


at_margins = {name: per_margin(fn, MARGINS) for name, fn in LOSSES.items()}
print("Loss and its gradient dL/ds for one example with label t = +1 at a few margins m = t·s:\n")
heads = ["loss", *(f"m = {m:g}" for m in MARGINS), *(f"dL/ds at {m:g}" for m in MARGINS)]
margin_rows = [
    (name, *(f"{v:.3f}" for v in values), *(f"{g:+.3f}" for g in grads))
    for name, (values, grads) in at_margins.items()
]
print(common.table(heads, margin_rows))

# %% [markdown]
# At margin 3 (confidently right) squared error still costs 4 and its
# gradient (+4) pushes the score back down toward 1; hinge costs exactly 0 and
# logistic almost 0.
#
# ## Data with easy points far away
#
# Two elongated classes side by side, 40 points each, and a cluster of easy
# class-1 points far out on class 1's side: any sensible boundary between the
# two main classes already gets them right. Move the cluster with `FAR_CENTER`
# or change its size with `FAR_POINTS` (with `FAR_POINTS = 0` squared error
# does almost as well as the other two).

# %%
SEED = 0  # the random draw of all the points
FAR_POINTS = 15  # how many easy class-1 points in the far cluster
FAR_CENTER = (6.0, 3.0)  # where that cluster sits (the main classes are around x₁ = ±1.2)
MAIN = 40  # points in each of the two main classes

rng = np.random.default_rng(SEED)
class_0 = rng.normal([-1.2, 0.0], [0.5, 1.5], size=(MAIN, 2))  # elongated: x₂ spreads three times as far
class_1 = rng.normal([1.2, 0.0], [0.5, 1.5], size=(MAIN, 2))
far = rng.normal(FAR_CENTER, 0.5, size=(FAR_POINTS, 2))  # easy class-1 points
X = np.vstack([class_0, class_1, far])
y = np.r_[np.zeros(MAIN), np.ones(MAIN + FAR_POINTS)].astype(int)
core = slice(0, 2 * MAIN)  # the two main classes; the far cluster comes after them

# %% [markdown]
# ## One linear neuron per loss
#
# The same model for each loss, one neuron with two weights and a bias: its
# decision boundary, score = 0, is a straight line. It trains with Adam, the
# same steps for each loss; only the loss differs (squared error on the
# labels ±1; for hinge and cross-entropy `fit()` converts the 0/1 labels
# itself). Change `EPOCHS` or `LR` and re-run from here.

# %%
EPOCHS = 300  # full-batch steps of Adam
LR = 0.05  # Adam's learning rate


def train(loss: str) -> nn.MLP:
    model = nn.MLP(2, [1], seed=0)  # one linear neuron: the boundary is a straight line
    targets = 2.0 * y - 1 if loss == "mse" else y
    nn.fit(model, X, targets, loss=loss, optimizer="adam", lr=LR, epochs=EPOCHS, progress=False, metrics=())
    return model


models = {name: train(FIT_NAMES[name]) for name in LOSSES}
fit_rows: list[tuple[str, ...]] = []
accuracy: dict[str, float] = {}
for name, model in models.items():
    correct = (nn.predict(model, X) > 0) == (y == 1)
    accuracy[FIT_NAMES[name]] = float(correct.mean())
    far_right = f"{correct[core.stop :].mean():.0%}" if FAR_POINTS else "-"
    fit_rows.append((name, f"{correct.mean():.0%}", f"{correct[core].mean():.0%}", far_right))
print(f"A linear neuron per loss ({EPOCHS} epochs of Adam) on {2 * MAIN} points in two classes")
print(f"plus {FAR_POINTS} easy class-1 points far away on the right side:\n")
print(common.table(["loss", "accuracy", f"the {2 * MAIN} main points", "far cluster"], fit_rows))

# %% [markdown]
# The far points are already right, yet squared error wants their score to be
# exactly 1: it tilts the boundary to bring them in and gets points near the
# boundary wrong.
#
# ## The picture
#
# Left: the three losses over the margin, with the 0-1 loss (1 for a mistake,
# 0 otherwise) that they all stand in for. Right: the data and the boundary
# each loss trained, with its accuracy.

# %%
fig, (left, right) = common.figure(2, width=5.8, height=4.8)

grid = np.linspace(-2, 3.5, 400)
curves = {name: per_margin(fn, grid) for name, fn in LOSSES.items()}
left.plot(
    grid, (grid <= 0).astype(float), color="gray", linewidth=2, linestyle="--", label="0-1 loss (mistakes)"
)
for (name, (values, _)), color in zip(curves.items(), common.COLORS):
    left.plot(grid, values, color=color, linewidth=2, label=name)
left.set_ylim(-0.2, 5)
left.axvline(0, color="black", linewidth=0.6)
left.set_xlabel("margin m = t·s (> 0: right side of the boundary)")
left.set_ylabel("loss for one example")
left.set_title("Loss as a function of the margin")
left.legend(loc="upper center", fontsize=8)
left.grid(alpha=0.3)

for k, color in ((0, "#1f77b4"), (1, "#d62728")):
    right.scatter(*X[y == k].T, s=22, color=color, edgecolors="black", linewidths=0.5, label=f"class {k}")
xs = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 2)
for (name, model), color in zip(models.items(), common.COLORS):
    w1, w2, b = (p.data for p in model.parameters())
    right.plot(
        xs,
        -(w1 * xs + b) / w2,
        color=color,
        linewidth=2.2,
        label=f"{name.split(' ')[0]} boundary: {accuracy[FIT_NAMES[name]]:.0%}",
    )
right.set_ylim(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5)
right.set_xlabel("x₁ (feature 1)")
right.set_ylabel("x₂ (feature 2)")
right.set_title("One linear neuron trained with each loss")
right.legend(loc="lower right", fontsize=8)
right.grid(alpha=0.3)
fig.suptitle("Squared error vs hinge vs cross-entropy for classification (labels t = ±1, score s)")
figure = common.save(fig, OUT, "losses")
fig

# %% [markdown]
# **Try next:** `FAR_CENTER = (12.0, 3.0)`, further away: squared error
# tilts more, the other two do not move; or `FAR_POINTS = 40`.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "at_margin": {FIT_NAMES[n]: dict(zip(MARGINS.tolist(), v.tolist())) for n, (v, _) in at_margins.items()},
    "grad_at_margin": {
        FIT_NAMES[n]: dict(zip(MARGINS.tolist(), g.tolist())) for n, (_, g) in at_margins.items()
    },
    "accuracy": accuracy,
    "figures": [figure],
}
