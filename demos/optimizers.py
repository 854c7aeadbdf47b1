# %% [markdown]
# # Optimizers: plain SGD, momentum, Nesterov, RMSProp, Adam and Adamax racing on the same task
#
# The same 2-16-16-1 MLP (same starting weights) learns the moons with binary
# cross-entropy, full batch, once with each optimizer at a usual learning
# rate.
#
# **Look for:** plain SGD flattening out on a plateau, still far from the
# target when the others are done; momentum and Nesterov (which keep a running
# velocity) and the adaptive methods RMSProp, Adam and Adamax (which scale each
# weight's step by the size of its recent gradients) all reaching the target
# loss: the table gives the epochs each needs.

# %%
import numpy as np

import nn
from demos import common

QUICK, OUT = common.options("optimizers")  # in a notebook: a full run, figures under out/optimizers/

# %% [markdown]
# ## The task
#
# 100 points of the two moons, a little noise. Every run trains a fresh
# 2-16-16-1 ReLU MLP from the same starting weights (`SEED`) for `EPOCHS`
# epochs, each one step on all the points, and counts the epochs it needs to
# bring the loss down to `TARGET`.

# %%
EPOCHS = 100 if QUICK else 150
TARGET = 0.1  # the loss a run has to reach
SEED = 1  # the MLP's starting weights, the same for every optimizer

X, y = nn.datasets.moons(n=100, noise=0.1, seed=0)

# %% [markdown]
# ## The race
#
# Each optimizer at a learning rate that suits it: adaptive methods take
# smaller ones, as their steps do not shrink with the gradient. `OPTIMIZERS`
# maps a name to a function that makes the optimizer for a model's
# parameters: change a learning rate, or add a line (say
# `"Adam, lr 0.1": lambda p: nn.optim.Adam(p, lr=0.1)`), and re-run this cell
# and the ones after it.

# %%
OPTIMIZERS = {
    "SGD, lr 0.1": lambda p: nn.optim.SGD(p, lr=0.1),
    "momentum 0.9, lr 0.1": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9),
    "Nesterov 0.9, lr 0.1": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "RMSProp, lr 0.01": lambda p: nn.optim.RMSProp(p, lr=0.01),
    "Adam, lr 0.02": lambda p: nn.optim.Adam(p, lr=0.02),
    "Adamax, lr 0.04": lambda p: nn.optim.Adamax(p, lr=0.04),
}

curves, needed, accuracy = {}, {}, {}  # optimizer name -> its losses, epochs to TARGET, final accuracy
for name, make in OPTIMIZERS.items():
    model = nn.MLP(2, [16, 16, 1], seed=SEED)  # the same starting weights every time
    history = nn.fit(
        model, X, y, loss="bce_with_logits", optimizer=make(model.parameters()), epochs=EPOCHS, progress=False
    )
    curves[name] = history.loss
    needed[name] = common.first_at_or_below(history.loss, TARGET)
    accuracy[name] = history.accuracy[-1]

print(f"{EPOCHS} full-batch epochs on {len(X)} moons points, MLP 2-16-16-1 (ReLU), binary cross-entropy.\n")
rows = [
    (
        name,
        f"{curves[name][9]:.3f}",
        f"{curves[name][-1]:.4f}",
        f"{accuracy[name]:.0%}",
        needed[name] if needed[name] else f"not within {EPOCHS}",
    )
    for name in OPTIMIZERS
]
print(common.table(["optimizer", "loss at epoch 10", "final loss", "accuracy", f"epochs to {TARGET}"], rows))

# %% [markdown]
# Plain SGD creeps along a plateau where the gradient is small. Momentum keeps
# the speed it built up; RMSProp, Adam and Adamax divide each weight's step by
# the size of its recent gradients, so small gradients still make steps of a
# useful size.
#
# ## The picture
#
# Left: the training loss of every run, on a log scale. Right: the epochs
# each needed to reach the target (a hatched bar: not within the run).

# %%
fig, (left, right) = common.figure(2, width=5.8, height=4.6)
epoch = np.arange(1, EPOCHS + 1)
for (name, losses), color in zip(curves.items(), common.COLORS):
    left.plot(epoch, losses, color=color, linewidth=2, label=name)
left.axhline(TARGET, color="gray", linestyle=":", label=f"target loss {TARGET}")
left.set_yscale("log")
left.set_xlabel("epoch (one full-batch step)")
left.set_ylabel("binary cross-entropy (log scale)")
left.set_title("Training loss, same start for all")
left.legend(loc="lower left", fontsize=8)
left.grid(alpha=0.3)

names = list(needed)
bars = right.barh(
    names, [needed[n] if needed[n] else EPOCHS for n in names], color=common.COLORS[: len(names)]
)
for bar, name in zip(bars, names):
    if needed[name] is None:
        bar.set_hatch("//")
        bar.set_alpha(0.4)
    text = f"{needed[name]}" if needed[name] else f"not within {EPOCHS}"
    right.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {text}", va="center", fontsize=9)
right.invert_yaxis()
right.set_xlim(0, EPOCHS * 1.35)
right.set_xlabel(f"epochs to reach loss {TARGET} (fewer is better)")
right.set_title("Epochs to the target")
right.grid(alpha=0.3, axis="x")
fig.suptitle("Optimizers on the moons: a 2-16-16-1 MLP, binary cross-entropy, full batch")
figure = common.save(fig, OUT, "optimizers")
fig

# %% [markdown]
# ## Inside two runs: the optimizer's state for every weight
#
# Train plain SGD and Adam again, recording them. In each replay page, point
# at a weight: the tooltip shows the optimizer's state for it at that epoch
# (Adam's step count, m and v) and the update it made, with the numbers
# filled in. `nn.compare` shows both runs on one slider.

# %%
recorded = {}
for name in ("SGD, lr 0.1", "Adam, lr 0.02"):
    model = nn.MLP(2, [16, 16, 1], seed=SEED)
    optimizer = OPTIMIZERS[name](model.parameters())
    recorded[name] = nn.fit(model, X, y, loss="bce_with_logits", optimizer=optimizer, epochs=EPOCHS,
                            record=True, progress=False)  # fmt: skip
    recorded[name].to_html(OUT / f"{name.split(',')[0].lower()}-replay.html", title=f"Moons, {name}")
adam = recorded["Adam, lr 0.02"]
print("Adam's last step for the first weight:")
print(adam.replay.steps[-1][0])
side_by_side = nn.compare(recorded, OUT / "sgd-vs-adam.html", title="SGD and Adam on the moons")
side_by_side

# %% [markdown]
# **Try next:** add `"SGD, lr 1.0"`: plain SGD with ten times the step
# reaches the target too (momentum 0.9 makes steps up to 1 / (1 - 0.9) = 10
# times larger, so part of its lead is just a bigger step). Or Adam at
# `lr=0.002`: ten times smaller, and now Adam is the one left on the plateau.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "epochs_to_target": needed,
    "final_loss": {n: c[-1] for n, c in curves.items()},
    "target": TARGET,
    "epochs": EPOCHS,
    "figures": [figure],
    "adam_last_step": adam.replay.steps[-1][0],  # an nn.optim.Explanation
    "pages": [OUT / "sgd-replay.html", OUT / "adam-replay.html", OUT / "sgd-vs-adam.html"],
}
