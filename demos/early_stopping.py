# %% [markdown]
# # Early stopping: watch the validation loss, stop when it turns up, keep the best weights
#
# A network far too big for the data (2-32-32-1, 1,185 weights) learns 40
# noisy moons points; 40 more are held out for validation.
#
# **Look for:** the training loss falling all the way, while the validation
# loss falls, bottoms out and climbs: the network starts memorising the noise
# (overfitting). `fit(..., validation=(Xv, yv), early_stopping=20)` stops 20
# epochs after the best validation loss and restores the weights from that
# epoch; the run without early stopping ends with a much worse validation
# loss and a wiggly decision boundary bent around single noisy training
# points.

# %%
import numpy as np

import nn
from autograd_lite import no_grad
from demos import common

QUICK, OUT = common.options("early_stopping")  # in a notebook: a full run, figures under out/early_stopping/

# %% [markdown]
# ## Too big a network for too little data
#
# 80 points of the moons with a lot of noise, split in half: the network
# learns from the first 40 (training) and is only *measured* on the other 40
# (validation), points it never trains on. Both runs below start from the
# same weights and see the examples in the same order.
#
# `NOISE`, `HIDDEN` and `LR` are the knobs: change one and re-run from here.

# %%
N = 80  # moons points, half for training and half for validation
NOISE = 0.4  # how far the points scatter from the two moons: the noise the network can memorise
HIDDEN = [32, 32, 1]  # the MLP's layer sizes after its 2 inputs
LR = 0.01  # Adam's learning rate

X, y = nn.datasets.moons(n=N, noise=NOISE, seed=0)
Xt, Xv, yt, yv = nn.datasets.train_test_split(X, y, test_size=0.5, seed=0)


def train(epochs: int, patience: int | None) -> tuple[nn.MLP, nn.History]:
    """A fresh MLP trained on (Xt, yt), measured on (Xv, yv) after every epoch."""
    model = nn.MLP(2, HIDDEN, init="xavier", seed=0)
    history = nn.fit(
        model,
        Xt,
        yt,
        loss="bce_with_logits",
        optimizer="adam",
        lr=LR,
        epochs=epochs,
        validation=(Xv, yv),
        early_stopping=patience,
        progress=False,
        seed=0,
    )
    return model, history


# %% [markdown]
# ## The same training, with and without early stopping
#
# `nn.fit(..., validation=(Xv, yv), early_stopping=PATIENCE)` measures the
# validation loss after every epoch, stops `PATIENCE` epochs after the best
# one, and puts that best epoch's weights back into the model. The other run
# trains for all `EPOCHS`. Try `PATIENCE = 5`: it gives up at a small bump
# in the validation loss, before the real best; `50` keeps the same best
# epoch, it only trains longer to be sure.

# %%
EPOCHS = 120 if QUICK else 300  # the run without early stopping trains for all of them
PATIENCE = 20  # epochs without a new best validation loss before early stopping stops

early, stopped = train(EPOCHS, PATIENCE)
late, full = train(EPOCHS, None)
best = stopped.best_epoch
assert best is not None, "early stopping keeps a best epoch"


def val_loss(model: nn.MLP) -> float:
    """The model's loss on the validation points, now."""
    with no_grad():
        return float(nn.losses.bce_with_logits(model(Xv), yv).data)


restored = val_loss(early)
shape = "-".join(map(str, [2, *HIDDEN]))
print(
    f"MLP {shape} ({len(early.parameters()):,} weights) on {len(Xt)} noisy moons points, {len(Xv)} held out;"
    f" Adam lr {LR:g}.\n"
)
rows = [
    (
        "best epoch (lowest validation loss)",
        best,
        f"{stopped.loss[best - 1]:.3f}",
        f"{stopped.val_loss[best - 1]:.3f}",
    ),
    (
        f"early stopping stops ({PATIENCE} epochs later)",
        stopped.epochs,
        f"{stopped.loss[-1]:.3f}",
        f"{stopped.val_loss[-1]:.3f}",
    ),
    (
        f"no early stopping, epoch {full.epochs}",
        full.epochs,
        f"{full.loss[-1]:.3f}",
        f"{full.val_loss[-1]:.3f}",
    ),
]
print(common.table(["moment", "epoch", "train loss", "validation loss"], rows))
print(f"\nAfter stopping, fit() restored the weights of epoch {best}: validation loss {restored:.3f}.")
acc_early, acc_late = nn.accuracy(early, Xv, yv), nn.accuracy(late, Xv, yv)
print(f"Validation accuracy: early-stopped {acc_early:.0%}, trained to the end {acc_late:.0%}.")

# %% [markdown]
# ## Overfitting, in a picture
#
# Past the best epoch the training loss keeps falling while the validation
# loss rises: the extra epochs only fit the noise of these 40 points.
#
# Left: both losses of the run without early stopping, epoch by epoch, with
# the best epoch and the one where early stopping stopped. Middle and right:
# the decision boundaries of the two models over the validation points
# (dots and squares), with the training points as crosses: the late one bends around
# single noisy training points.

# %%
fig, axes = common.figure(3, width=5.0, height=4.4)
ax = axes[0]
epoch_axis = np.arange(1, full.epochs + 1)
ax.plot(epoch_axis, full.loss, color=common.COLORS[0], linewidth=2, label="training loss")
ax.plot(epoch_axis, full.val_loss, color=common.COLORS[1], linewidth=2, label="validation loss")
ax.axvline(best, color=common.COLORS[2], linestyle="--", label=f"best validation loss: epoch {best} (kept)")
ax.axvline(stopped.epochs, color="gray", linestyle=":", label=f"early stopping stops: epoch {stopped.epochs}")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("binary cross-entropy (log scale)")
ax.set_title("Training keeps improving;\nvalidation turns up: overfitting")
ax.legend(loc="lower left", fontsize=8)
ax.grid(alpha=0.3)

models = {
    f"Early stopping: weights of epoch {best}": early,
    f"No early stopping: epoch {full.epochs}": late,
}
for ax, (title, model) in zip(axes[1:], models.items()):
    nn.plot.decision_boundary(
        model,
        Xv,
        yv,
        resolution=150,
        ax=ax,
        title=f"{title}\nvalidation accuracy {nn.accuracy(model, Xv, yv):.0%}",
    )
    ax.get_legend().remove()
    for k, color in ((0, "#1f77b4"), (1, "#d62728")):
        ax.scatter(
            *Xt[yt == k].T, marker="x", s=28, color=color, linewidths=1.2, label=f"class {k}, training point"
        )
handles, labels = axes[2].get_legend_handles_labels()
labels = [f"{t}, validation point" if t.startswith("class") and "training" not in t else t for t in labels]
axes[2].legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
fig.suptitle(
    f"Early stopping on noisy moons: a {shape} MLP, {len(Xt)} training and {len(Xv)} validation points"
)
figure = common.save(fig, OUT, "early_stopping")
fig

# %% [markdown]
# **Try next:** `NOISE = 0.1`: with cleaner data the validation loss never
# turns up, and early stopping never stops. Or `HIDDEN = [4, 1]`: a network
# too small to memorise the noise, so both runs end with the same validation
# loss.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "stopped_early": stopped.stopped_early,
    "best_epoch": best,
    "stopped_at": stopped.epochs,
    "patience": PATIENCE,
    "val_loss": stopped.val_loss,
    "train_loss": stopped.loss,
    "restored_val_loss": restored,
    "full_val_loss": full.val_loss,
    "val_accuracy": {"early": acc_early, "late": acc_late},
    "figures": [figure],
}
