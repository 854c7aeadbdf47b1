# %% [markdown]
# # Vanishing gradients: sigmoid, tanh, ReLU and leaky ReLU in a deep network
#
# The same 9-layer MLP (2 inputs, 8 hidden layers of 16, 1 output, He init,
# one seed) with each activation, one backward pass of the loss on the moons.
#
# **Look for:** the mean |dL/dw| of each layer, from the output back to the
# first layer. With sigmoid it shrinks by a factor of ~3-4 at every layer
# (σ'(z) is at most 0.25) until the first layer's gradient is orders of
# magnitude below ReLU's, whose derivative is exactly 1 wherever a unit is
# active: the first layers of a deep sigmoid net barely learn. tanh
# (derivative up to 1) and leaky ReLU keep their gradient through the layers
# too.

# %%
import numpy as np

import nn
from autograd_lite import Value
from demos import common

QUICK, OUT = common.options("activations")  # in a notebook: a full run, figures under out/activations/

# %% [markdown]
# ## One backward pass through the same deep network, four times
#
# Four copies of one MLP, the same initial weights (He init: drawn with a
# spread of √(2 / inputs), which keeps the signal's size through ReLU
# layers), only the activation between the layers changed. Each computes
# the bce loss on the moons once and calls `backward()`; no training step is
# taken. For every layer we average |dL/dw| over its weights: how strongly
# that layer would learn.
#
# Change the depth or width with `HIDDEN` (try `[16] * 3`), or `INIT`, and
# re-run this cell.

# %%
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")  # names nn.functional.activation() knows
HIDDEN = [16] * 8  # the hidden layers' sizes: 8 layers of 16
INIT = "he"  # the initial weights: "uniform", "xavier" or "he"
SEED = 0  # the initial weights, the same for every activation

X, y = nn.datasets.moons(n=50 if QUICK else 200, noise=0.1, seed=0)


def layer_gradients(activation: str, X, y) -> list[float]:
    """Mean |dL/dw| over each layer's weights, first layer first."""
    model = nn.MLP(2, [*HIDDEN, 1], activation=activation, init=INIT, seed=SEED)
    nn.losses.bce_with_logits(model(X), y).backward()
    return [float(np.mean([abs(w.grad) for n in layer.neurons for w in n.w])) for layer in model.layers]


grads = {a: layer_gradients(a, X, y) for a in ACTIVATIONS}
shape = "-".join(map(str, [2, *HIDDEN, 1]))
print(f"MLP {shape}, {INIT.capitalize()} init, seed {SEED}; one backward pass of bce on {len(X)} points.")
print("Mean |dL/dw| per layer (layer 1 is nearest the input):\n")
heads = [
    "activation",
    *(f"L{k + 1}" for k in range(len(HIDDEN))),
    f"L{len(HIDDEN) + 1} (out)",
    "out / L1",
]
rows = [(a, *(f"{v:.0e}" for v in g), f"{g[-1] / g[0]:.0f}x") for a, g in grads.items()]
print(common.table(heads, rows))

# %% [markdown]
# ## Why sigmoid's first layers barely learn
#
# Going back through a layer, the chain rule multiplies the gradient by the
# activation's local derivative act'(z) (and by the layer's weights). σ'(z)
# is at most 0.25, so each sigmoid layer shrinks the backward signal, eight
# times over. ReLU's derivative is exactly 1 wherever a unit is active: it
# passes the signal on unchanged, so its layers all learn at a similar pace.

# %%
ratio = grads["relu"][0] / grads["sigmoid"][0]
print(f"The first layer gets {ratio:.0f}x less gradient with sigmoid than with ReLU.")

# %% [markdown]
# ## The picture
#
# Left: the table as curves, on a log scale: sigmoid's falls steadily from
# the output (right) to the first layer (left), the others stay level. Right:
# each activation's derivative act'(z), read from the engine itself (one
# `backward()` on a lane of z values): sigmoid's peak is the dotted 0.25.


# %%
def derivative(activation: str, z: np.ndarray) -> np.ndarray:
    """d act(z)/dz, read from the engine (one backward per lane sum)."""
    v = Value(z)
    nn.functional.activation(activation)(v).sum().backward()
    return v.grad


fig, (left, right) = common.figure(2, width=5.8, height=4.6)
layers = np.arange(1, len(HIDDEN) + 2)
for (name, g), color, marker in zip(grads.items(), common.COLORS, "os^v"):
    left.plot(layers, g, marker=marker, color=color, linewidth=2, label=name)
left.set_yscale("log")
left.set_xticks(layers, [*(str(k) for k in layers[:-1]), f"{layers[-1]}\n(output)"])
left.set_xlabel("layer (1 = nearest the input)")
left.set_ylabel("mean |dL/dw| of the layer (log scale)")
left.set_title(f"Gradient per layer, MLP {shape}")
left.legend(loc="lower right", fontsize=9)
left.grid(alpha=0.3)
z = np.linspace(-5, 5, 401)
for name, color, style, width in zip(ACTIVATIONS, common.COLORS, ["-", "-", "-", "--"], [2, 2, 4, 2]):
    right.plot(z, derivative(name, z), color=color, linestyle=style, linewidth=width, label=name)
right.axhline(0.25, color=common.COLORS[0], linestyle=":", linewidth=1, label="0.25: sigmoid's best")
right.set_xlabel("pre-activation z")
right.set_ylabel("local derivative act'(z)")
right.set_title("Why: each layer multiplies the gradient by act'(z)")
right.legend(loc="upper left", fontsize=8)
right.grid(alpha=0.3)
fig.suptitle(f"The vanishing gradient: how much gradient reaches each layer of a {len(layers)}-layer network")
figure = common.save(fig, OUT, "activations")
fig

# %% [markdown]
# ## Watching it while it trains: the replay's gradient chart
#
# One backward pass is a snapshot. Train a smaller deep net (5 hidden layers
# of 8, so the replay can draw every neuron) with sigmoid and with ReLU,
# recording both. Each replay page has a chart of the mean |grad| of every
# layer's weights per epoch, on a log scale, beside the training: with
# sigmoid, layer 1's line stays far below the output layer's for the whole
# run. `nn.compare` puts the two runs side by side on one slider.

# %%
TRAIN_HIDDEN = [8] * 5  # small enough for the replay to draw (at most 64 hidden neurons)
TRAIN_EPOCHS = 30 if QUICK else 150

runs = {}
for name in ("sigmoid", "relu"):
    model = nn.MLP(2, [*TRAIN_HIDDEN, 1], activation=name, init=INIT, seed=SEED)
    runs[name] = nn.fit(model, X, y, loss="bce_with_logits", epochs=TRAIN_EPOCHS, lr=0.02, record=True,
                        progress=False, seed=0)  # fmt: skip
    runs[name].to_html(OUT / f"{name}-replay.html", title=f"A deep {name} net trains: watch |grad| per layer")
comparison = nn.compare(runs, OUT / "sigmoid-vs-relu.html", title="Sigmoid and ReLU, 5 hidden layers of 8")
spread = {name: [g[-1] / g[0] for g in h.replay.layer_grads] for name, h in runs.items()}
for name, h in runs.items():
    ratio_seen = np.median(spread[name])
    print(f"{name:8s} final loss {h.loss[-1]:.3g}, accuracy {h.accuracy[-1]:.0%}; "
          f"output layer / layer 1 mean |grad|: median {ratio_seen:.0f}x over the epochs")  # fmt: skip
print(f"\nThe replays: {OUT / 'sigmoid-replay.html'} and {OUT / 'relu-replay.html'}")
print(f"Side by side: {OUT / 'sigmoid-vs-relu.html'}")
comparison

# %% [markdown]
# **Try next:** `HIDDEN = [16] * 3`: with fewer sigmoid layers to shrink
# through, its first layer keeps far more of the gradient. Or
# `INIT = "uniform"` (micrograd's weights, in [-1, 1]): the starting weights
# matter too, ReLU's gradients grow a hundredfold and sigmoid falls further
# behind.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "layer_gradients": grads,
    "relu_over_sigmoid_first_layer": ratio,
    "figures": [figure],
    "training_spread": spread,  # per epoch: output layer's mean |grad| / layer 1's
    "pages": [OUT / "sigmoid-replay.html", OUT / "relu-replay.html", OUT / "sigmoid-vs-relu.html"],
}
