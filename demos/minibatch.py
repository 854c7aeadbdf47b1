# %% [markdown]
# # Mini-batches: full-batch, mini-batch and one-example (stochastic) gradient descent
#
# The same MLP learns the moons with plain SGD (lr 0.1), using the gradient of
# all examples per step (full batch), of 16, or of one example at a time.
#
# **Look for:** per update, bigger batches take steadier steps (the full
# batch's gradient is exact, one example's is a noisy guess); per example seen,
# small batches learn far more, because one pass over the data gives them many
# updates instead of one. In wall-clock time lanes change the story: a step on
# a batch costs about the same whatever its size, so one example at a time is
# slow (the times printed) and the mini-batch is the usual compromise.

# %%
import time

import numpy as np

import nn
from autograd_lite import no_grad
from demos import common

QUICK, OUT = common.options("minibatch")  # in a notebook: a full run, figures under out/minibatch/

# %% [markdown]
# ## One training loop for every batch size
#
# `train(X, y, batch, epochs)` is plain SGD written out: each epoch shuffles
# the examples, cuts them into batches of `batch`, and takes one step per
# batch on the loss of that batch alone (its mean over the batch: a guess of
# the loss on all the data). Every run starts from the same weights. To draw
# the curves it also measures the loss on *all* the data now and then (at 40
# log-spaced updates and at the end of every epoch); that measurement is not
# a training step.
#
# Change `LR` or `HIDDEN` here, then re-run the cells below.

# %%
LR = 0.1  # plain SGD's learning rate, the same for every batch size
HIDDEN = [8, 8, 1]  # the MLP's layer sizes after its 2 inputs
SEED = 0  # the initial weights and the order the examples are shuffled in


def train(X, y, batch: int, epochs: int) -> dict:
    """SGD with shuffled mini-batches; the full-data loss at log-spaced updates and at every epoch's end."""
    model = nn.MLP(2, HIDDEN, seed=SEED)
    opt = nn.optim.SGD(model.parameters(), lr=LR)
    rng = np.random.default_rng(SEED)
    n = len(X)
    per_epoch = -(-n // batch)  # updates per epoch: n / batch, rounded up
    marks = set(np.unique(np.geomspace(1, per_epoch * epochs, 40).astype(int)).tolist())
    updates, seen, log = 0, 0, []  # (updates, examples seen, full-data loss)

    def record() -> None:
        with no_grad():
            log.append((updates, seen, float(nn.losses.bce_with_logits(model(X), y).data)))

    start = time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(n)
        for lo in range(0, n, batch):
            idx = order[lo : lo + batch]
            loss = nn.losses.bce_with_logits(model(X[idx]), y[idx])  # the mean over this batch only
            opt.zero_grad()
            loss.backward()
            opt.step()
            updates, seen = updates + 1, seen + len(idx)
            if updates in marks or seen % n == 0:
                record()
    seconds = time.perf_counter() - start
    table = np.array(log)
    return {
        "updates": table[:, 0],
        "seen": table[:, 1],
        "loss": table[:, 2],
        "seconds": seconds,
        "accuracy": nn.accuracy(model, X, y),
    }


# %% [markdown]
# ## Three batch sizes on the moons
#
# The mini-batch and the one-example runs take `EPOCHS` passes over the data.
# The full batch makes one update per epoch, so it gets ten times as many
# epochs: enough updates to show its curve.
#
# The table compares the runs two ways: after the same number of *updates*
# (as many as the full batch made), and after the same number of
# *examples seen* (as many as the small batches saw). Try `BATCH = 4` or
# `64`, or more `NOISE`.

# %%
N, EPOCHS = (100, 5) if QUICK else (200, 8)  # moons points; epochs of the two small-batch runs
NOISE = 0.2  # how far the points scatter from the two moons
BATCH = 16  # the mini-batch size
FULL_EPOCHS = 10 * EPOCHS  # one update per epoch: give it as many updates as it needs to show its curve

X, y = nn.datasets.moons(n=N, noise=NOISE, seed=0)
sizes = {
    f"full batch ({N})": (N, FULL_EPOCHS),
    f"mini-batch of {BATCH}": (BATCH, EPOCHS),
    "one example (batch 1)": (1, EPOCHS),
}
runs = {name: train(X, y, b, e) for name, (b, e) in sizes.items()}


def loss_at(run: dict, key: str, x: float) -> float | None:
    """The recorded loss at the last record with run[key] <= x; None if the run stopped before x."""
    if run[key][-1] < x:
        return None
    i = np.searchsorted(run[key], x, side="right") - 1
    return float(run["loss"][i])


def show(loss: float | None) -> str:
    return "-" if loss is None else f"{loss:.3f}"


equal_updates = FULL_EPOCHS  # updates the full batch makes
equal_examples = EPOCHS * N  # examples the small batches see
print(f"{N} moons points, plain SGD lr {LR}: the mini-batch and one-example runs take {EPOCHS} epochs")
print(f"({equal_examples} examples seen), the full batch {FULL_EPOCHS} epochs (one update each).\n")
rows = [
    (
        name,
        show(loss_at(r, "updates", equal_updates)),
        show(loss_at(r, "seen", equal_examples)),
        int(r["updates"][-1]),
        f"{r['loss'][-1]:.3f}",
        f"{r['accuracy']:.0%}",
        f"{r['seconds']:.2f} s",
    )
    for name, r in runs.items()
]
heads = [
    "batch",
    f"loss after {equal_updates} updates",
    f"after {equal_examples} examples",
    "updates",
    "final loss",
    "accuracy",
]
print(common.table([*heads, "time"], rows))
print(f"\nPer update the full batch is ahead: each of its steps used all {N} examples.")
print(f"Per example seen, one example at a time is far ahead: from {equal_examples} examples it made")
print(f"{equal_examples} steps, the full batch {EPOCHS}.")

# %% [markdown]
# ## Steps or examples: what a batch buys
#
# One example's gradient is a noisy guess of the full gradient, but roughly
# downhill: many cheap noisy steps beat a few exact ones, per example seen.
# The time column tells the rest. In this engine a step on a batch of lanes
# costs about the same whatever its size, so the mini-batch gets much of that
# progress per example at a fraction of the time: the usual choice.
#
# Left: the loss on all the data per update. Right: the same curves per
# example seen; the x axes are log scales.

# %%
fig, (left, right) = common.figure(2, width=5.8, height=4.6)
for (name, r), color in zip(runs.items(), common.COLORS):
    left.plot(r["updates"], r["loss"], ".-", color=color, linewidth=1.6, markersize=4, label=name)
    right.plot(r["seen"], r["loss"], ".-", color=color, linewidth=1.6, markersize=4, label=name)
left.set_xscale("log")
left.set_xlabel("updates (gradient steps, log scale)")
left.set_title("Per update: bigger batches take steadier steps")
right.set_xscale("log")
right.set_xlabel(f"examples seen (log scale; one epoch = {N})")
right.set_title("Per example seen: small batches learn far more")
for ax in (left, right):
    ax.set_ylabel("loss on all the data (bce)")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
shape = "-".join(map(str, [2, *HIDDEN]))
fig.suptitle(f"Full-batch vs mini-batch vs one-example SGD (lr {LR}), MLP {shape} on the moons")
figure = common.save(fig, OUT, "minibatch")
fig

# %% [markdown]
# **Try next:** `LR = 0.5`: the bigger batches learn faster, but one example
# at a time now takes too noisy a step and ends last (the sentences under the
# table describe the default run). Or `BATCH = 64`: quicker still than
# the batch of 16, and a "-" after 80 updates, because it made only 32.

# %%
# What this lesson measured, by batch size: the tests check its claims on these numbers.
by_batch = {b: r for (b, _), r in zip(sizes.values(), runs.values())}
RESULT = {
    "loss_after_equal_updates": {b: loss_at(r, "updates", equal_updates) for b, r in by_batch.items()},
    "loss_after_equal_examples": {b: loss_at(r, "seen", equal_examples) for b, r in by_batch.items()},
    "updates": {b: int(r["updates"][-1]) for b, r in by_batch.items()},
    "seconds": {b: r["seconds"] for b, r in by_batch.items()},
    "n": N,
    "figures": [figure],
}
