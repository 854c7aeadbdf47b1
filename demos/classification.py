# %% [markdown]
# # Several classes: three interleaved spirals, one output per class, softmax + cross-entropy
#
# The network has 3 outputs, one score (logit) per class; softmax turns them
# into probabilities and cross-entropy is -log of the true class's probability
# (see the `softmax` lesson for the numbers by hand). The predicted class is
# the largest score.
#
# **Look for:** accuracy far above the 33% of guessing, on points held out
# from training as well; the confusion table (which class is mistaken for
# which); and decision regions that follow the spiral arms.

# %%
import numpy as np

import nn
from demos import common

QUICK, OUT = common.options("classification")  # in a notebook: a full run, figures under out/classification/

# %% [markdown]
# ## The data: spiral arms, some points held out
#
# Each class is one arm of a spiral, wound around the others: no line, and
# no few lines, separate them. A quarter of the points are held out: the
# network never trains on them, so its accuracy there says whether it learned
# the arms or memorised its points. Change `CLASSES`, `POINTS` or `NOISE`
# and re-run from here.

# %%
CLASSES = 3  # spiral arms, one class each
POINTS = 300  # all the points, shared out between the arms
NOISE = 0.2  # how far points stray from their arm
SEED = 0  # the random draw of the points and of the held-out split

X, y = nn.datasets.spirals(n=POINTS, classes=CLASSES, noise=NOISE, seed=SEED)
Xt, Xv, yt, yv = nn.datasets.train_test_split(X, y, test_size=0.25, seed=SEED)
print(f"{len(X)} points in {CLASSES} spiral arms; {len(Xt)} to train on, {len(Xv)} held out.")

# %% [markdown]
# ## One output per class, trained on cross-entropy
#
# An MLP with two ReLU hidden layers and one output per class. `fit()` uses
# `cross_entropy` (softmax, then -log of the true class's probability) on the
# training points, full batch, and measures the held-out loss after every
# epoch without training on it. Change `HIDDEN`, `LR` or `EPOCHS` and re-run
# this cell: with `HIDDEN = [4]` the regions cannot follow the arms.

# %%
EPOCHS = 100 if QUICK else 200  # full-batch epochs
LR = 0.03  # Adam's learning rate
HIDDEN = [16, 16]  # the hidden layers' sizes, between the 2 inputs and the CLASSES outputs
INIT_SEED = 0  # the network's initial weights

model = nn.MLP(2, [*HIDDEN, CLASSES], init="he", seed=INIT_SEED)
shape = "-".join(map(str, [2, *HIDDEN, CLASSES]))
history = nn.fit(
    model,
    Xt,
    yt,
    loss="cross_entropy",
    optimizer="adam",
    lr=LR,
    epochs=EPOCHS,
    validation=(Xv, yv),
    progress=False,
    seed=0,
)
train_acc, test_acc = nn.accuracy(model, Xt, yt), nn.accuracy(model, Xv, yv)
print(f"{model!r}: one output per class;")
print(f"cross-entropy, Adam lr {LR:g}, {EPOCHS} full-batch epochs.\n")
print(
    f"cross-entropy: {history.loss[0]:.3f} -> {history.loss[-1]:.4f}"
    f"  (guessing, p = 1/{CLASSES} for each class, costs log {CLASSES} = {np.log(CLASSES):.3f})"
)
print(f"accuracy: training {train_acc:.1%}, held out {test_acc:.1%}  (guessing: {1 / CLASSES:.1%})")

# %% [markdown]
# ## Which class is mistaken for which
#
# The confusion table counts the held-out points by their true class (a row)
# and the class the network predicted (a column): the diagonal is right, every
# other count a mistake.

# %%
counts = np.zeros((CLASSES, CLASSES), int)  # counts[true class, predicted class]
for true, predicted in zip(yv, nn.classify(model, Xv)):
    counts[true, predicted] += 1
print("held-out points, true class (rows) vs predicted class (columns):")
print(
    common.table(
        ["true \\ predicted", *(f"class {k}" for k in range(CLASSES))],
        [(f"class {k}", *counts[k]) for k in range(CLASSES)],
    )
)

# %% [markdown]
# ## The decision regions and the loss
#
# Left: the plane coloured by the class with the largest score, with all the
# points on it (training and held out). Right: the training and
# held-out loss per epoch, on a log scale, against the loss of guessing
# (log 3 for 3 classes).

# %%
fig, (left, right) = common.figure(2, width=5.8, height=4.6)
nn.plot.decision_boundary(
    model,
    X,
    y,
    resolution=200,
    ax=left,
    title=(
        f"Decision regions: the largest of {CLASSES} scores\n"
        f"training {train_acc:.1%}, held out {test_acc:.1%}"
    ),
)
epochs = np.arange(1, history.epochs + 1)
right.plot(epochs, history.loss, color=common.COLORS[0], linewidth=2, label="training loss")
right.plot(epochs, history.val_loss, color=common.COLORS[1], linewidth=2, label="held-out loss")
right.axhline(np.log(CLASSES), color="gray", linestyle=":", label=f"guessing: log {CLASSES}")
right.set_yscale("log")
right.set_xlabel("epoch")
right.set_ylabel("cross-entropy (log scale)")
right.set_title("Loss while training")
right.legend(loc="upper right", fontsize=8)
right.grid(alpha=0.3)
fig.suptitle(f"{CLASSES}-class spirals: MLP {shape}, softmax + cross-entropy")
figure = common.save(fig, OUT, "classification")
fig

# %% [markdown]
# **Try next:** `EPOCHS = 1000` (about 20 s): the training loss keeps
# falling, the held-out loss turns up after about 150 epochs (the
# `early_stopping` lesson stops there); or `CLASSES = 4`.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "train_accuracy": train_acc,
    "test_accuracy": test_acc,
    "confusion": counts.tolist(),
    "loss": history.loss,
    "chance": 1 / CLASSES,
    "figures": [figure],
}
