# %% [markdown]
# # Graduate to PyTorch: the same network, the same loop, the same numbers
#
# Everything this course built has a PyTorch name: `nn.Linear`,
# `nn.Sequential`, `nn.Tanh`, `nn.BCEWithLogitsLoss`, `nn.optim.Adam`, and the
# loop `zero_grad(); loss = criterion(model(X), y); loss.backward();
# optimizer.step()`. Here a small network learns the two moons with that loop
# written exactly as a PyTorch tutorial writes it; then `model.to_torch()`
# hands the same starting weights to PyTorch, which runs the same loop, and
# the two engines are compared number by number.
#
# **Look for:** the two loss curves lying on top of each other (their largest
# gap, about 1e-16, in the figure's title), the predictions agreeing to about
# 1e-15 before training and 1e-14 after it, and the short list of what does
# change when you move: tensors, `torch.from_numpy`, float64 against float32,
# devices, `torch.no_grad()`, `.item()`.

# %%
import copy
import time

import numpy as np

import nn
from demos import common

# mypy: disable-error-code="union-attr"
# (for the type checker only: a criterion with reduction="none" gives a list; ours give one Value)

QUICK, OUT = common.options("to_pytorch")  # in a notebook: a full run, figures under out/to_pytorch/

try:  # optional: pip install -e ".[bench]" (the pinned CPU torch 2.13.0)
    import torch

    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False

print(f"PyTorch {torch.__version__} is installed." if HAVE_TORCH else "PyTorch is not installed.")

# %% [markdown]
# ## The data and the model, as PyTorch writes them
#
# The two moons (two interleaving half circles, one per class) and a 2-16-1
# network: a `Linear` layer of 16, a `Tanh`, a `Linear` to one output, the
# logit of class 1. Before training, `model.to_torch()` exports a copy of
# the untrained weights, so both engines start from the same point. Without
# torch this cell builds our model only.

# %%
POINTS = 100  # both moons together
NOISE = 0.1  # how far the points stray from their half circle
HIDDEN = 16  # the hidden layer's width
SEED = 0  # the data's draw and the initial weights

X, y = nn.datasets.moons(n=POINTS, noise=NOISE, seed=SEED)
model = nn.Sequential(nn.Linear(2, HIDDEN, seed=SEED), nn.Tanh(), nn.Linear(HIDDEN, 1, seed=SEED + 1))
print(model)

start_gap = None  # how far apart the two engines start: measured when torch is here
if HAVE_TORCH:
    torch_model = model.to_torch()  # the untrained weights, copied
    with torch.no_grad():  # evaluation only: no graph
        exported = torch_model(torch.from_numpy(X)).squeeze(1).numpy()
    start_gap = float(np.abs(exported - nn.predict(model, X)).max())
    print(f"\nExported before training: the two engines' outputs differ by at most {start_gap:.1e}.")

# %% [markdown]
# ## Training here, with PyTorch's loop
#
# The criterion and the optimizer are built once; each step clears the
# gradients, computes the loss on the whole batch, backpropagates and
# updates. `loss.data` is the loss as a plain number. Change `LR`, `STEPS` or
# the optimizer (`nn.optim.SGD(model.parameters(), lr=0.5)`) and re-run from
# the cell above (it re-exports the starting weights).

# %%
STEPS = 100 if QUICK else 300  # full-batch steps
LR = 0.05  # Adam's learning rate

criterion = nn.BCEWithLogitsLoss()
optimizer = nn.optim.Adam(model.parameters(), lr=LR)
losses = []
begin = time.perf_counter()
for epoch in range(STEPS):
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.step()
    losses.append(float(loss.data))
    if epoch % 100 == 0:
        print(f"epoch {epoch:3d}: loss {loss.data:.6f}")
seconds = time.perf_counter() - begin
accuracy = nn.accuracy(model, X, y)

print(f"{STEPS} steps of Adam (lr {LR:g}) in {seconds:.2f} s: loss {losses[0]:.4f} -> {losses[-1]:.4f},")
print(f"accuracy {accuracy:.0%} on the {len(X)} moons points.")

# %% [markdown]
# ## The same code in PyTorch
#
# Line by line, the two programs:
#
# | here (`import nn`) | PyTorch (`import torch`, `from torch import nn`) |
# |---|---|
# | `X, y`: numpy arrays | `X_t = torch.from_numpy(X)` |
# | | `y_t = torch.from_numpy(y).double().unsqueeze(1)` |
# | `model = nn.Sequential(nn.Linear(2, 16),` | the same line, character for character |
# | `    nn.Tanh(), nn.Linear(16, 1))` | (`.double()` for float64) |
# | `criterion = nn.BCEWithLogitsLoss()` | the same line |
# | `optimizer = nn.optim.Adam(` | `optimizer = torch.optim.Adam(` |
# | `    model.parameters(), lr=0.05)` | `    model.parameters(), lr=0.05)` |
# | `for epoch in range(300):` | the same |
# | `    optimizer.zero_grad()` | the same |
# | `    loss = criterion(model(X), y)` | `    loss = criterion(model(X_t), y_t)` |
# | `    loss.backward()` | the same |
# | `    optimizer.step()` | the same |
# | `loss.data` | `loss.item()` |
# | `nn.predict(model, X)` | `with torch.no_grad(): model(X_t)` |
#
# The next cell runs the right-hand column on the exported copy (it is
# `torch_model` here, so that ours keeps its name). Without torch it prints
# how to install it: `pip install -e ".[bench]"` (the pinned CPU torch
# 2.13.0; nothing else in this course needs it).

# %%
DEVICE = "cpu"  # "cuda" on a machine with an NVIDIA GPU and a CUDA build of torch

torch_losses, torch_seconds = None, None  # PyTorch's run: filled in when torch is here
if HAVE_TORCH:
    X_t = torch.from_numpy(X).to(DEVICE)  # float64, as our numbers are
    y_t = torch.from_numpy(y).double().unsqueeze(1).to(DEVICE)  # one column, as the model's output
    torch_model.to(DEVICE)
    torch_criterion = torch.nn.BCEWithLogitsLoss()
    torch_optimizer = torch.optim.Adam(torch_model.parameters(), lr=LR)
    torch_losses = []
    begin = time.perf_counter()
    for epoch in range(STEPS):
        torch_optimizer.zero_grad()
        loss_t = torch_criterion(torch_model(X_t), y_t)
        loss_t.backward()
        torch_optimizer.step()
        torch_losses.append(loss_t.item())
        if epoch % 100 == 0:
            print(f"epoch {epoch:3d}: loss {loss_t.item():.6f}")
    torch_seconds = time.perf_counter() - begin
    print(f"PyTorch, {STEPS} steps in {torch_seconds:.2f} s:", end=" ")
    print(f"loss {torch_losses[0]:.4f} -> {torch_losses[-1]:.4f}.")
else:
    print('PyTorch is not installed, so only our half ran. To see both: pip install -e ".[bench]"')
    print("(the pinned CPU torch 2.13.0), then re-run the lesson.")

# %% [markdown]
# ## Identical numbers
#
# Both engines started from the same weights and did the same floating-point
# operations, in float64, for the same steps: their losses agree at every
# step and their trained networks give the same outputs, to the last few
# bits. In float32, PyTorch's default, the same network keeps only about 7
# significant digits: on these outputs (logits up to about 12) a gap near
# 1e-5, which is what `.float()` (or building the model without
# `dtype=torch.float64`) costs.

# %%
loss_gap = prediction_gap = float32_gap = None  # measured when torch is here
if HAVE_TORCH:
    loss_gap = float(np.abs(np.array(losses) - np.array(torch_losses)).max())
    with torch.no_grad():  # evaluation: no graph is built
        torch_outputs = torch_model(X_t).squeeze(1).cpu().numpy()
        float32_outputs = copy.deepcopy(torch_model).float()(X_t.float()).squeeze(1).cpu().numpy()
    ours = nn.predict(model, X)
    prediction_gap = float(np.abs(torch_outputs - ours).max())
    float32_gap = float(np.abs(float32_outputs - ours).max())
    rows = [
        ("loss at every step", f"{loss_gap:.1e}"),
        ("trained outputs, float64", f"{prediction_gap:.1e}"),
        ("trained outputs, the torch copy in float32", f"{float32_gap:.1e}"),
    ]
    print(common.table(["compared", "max |difference|"], rows))
    print(f"\nfinal loss: ours {losses[-1]:.15f}, PyTorch's {torch_losses[-1]:.15f}")
else:
    print("No comparison without PyTorch: our model alone is trained, as above.")

# %% [markdown]
# ## What changes when you move, and what does not
#
# Changes:
#
# - **Tensors instead of Values.** Our batch is lanes of Values built from a
#   numpy array; torch takes a tensor: `torch.from_numpy(X)` shares the
#   array's memory and keeps its dtype.
# - **dtype.** numpy and this engine compute in float64; torch's default is
#   float32 (faster, ~7 digits). `to_torch()` builds float64 layers so the
#   numbers match; a torch tutorial's model is float32, and its targets must
#   be floats of the output's shape (`.double()` or `.float()`,
#   `.unsqueeze(1)`).
# - **Devices.** A tensor and a model live on a device: `.to("cuda")` moves
#   both to a GPU, and `.cpu()` brings results back before `.numpy()`.
# - **Evaluation.** `torch.no_grad()` stops torch building a graph when you
#   only want outputs (`nn.predict` does that for you here), and `.item()`
#   turns a one-number tensor into a Python float, as `loss.data` does here.
#
# Does not change: the names (`Linear`, `Sequential`, `Tanh`,
# `BCEWithLogitsLoss`, `Adam`, `zero_grad`, `backward`, `step`), the loop,
# the weights (`model.state_dict()` has torch's keys and shapes, and
# `nn.from_torch(torch_model)` brings them back), and the numbers.
#
# Left: both engines' loss per step (ours solid, PyTorch's dashed, on top of
# it). Right: the plane coloured by our trained model's prediction.

# %%
fig, (left, right) = common.figure(2, width=5.8, height=4.6)
steps = np.arange(1, STEPS + 1)
left.plot(steps, losses, color=common.COLORS[0], linewidth=2.5, label="ours (autograd_lite)")
if torch_losses is not None:
    left.plot(steps, torch_losses, color=common.COLORS[1], linewidth=2, linestyle="--", label="PyTorch")
    left.set_title(f"Loss per step: max gap {loss_gap:.1e}")
else:
    left.set_title("Loss per step (PyTorch not installed)")
left.set_yscale("log")
left.set_xlabel("step (full batch, Adam)")
left.set_ylabel("BCEWithLogitsLoss")
left.legend()
left.grid(alpha=0.3)
nn.plot.decision_boundary(
    model, X, y, resolution=150, ax=right, title=f"Our trained model: accuracy {accuracy:.0%}"
)
fig.suptitle(f"The same 2-{HIDDEN}-1 network and loop, in autograd_lite and in PyTorch")
figure = common.save(fig, OUT, "to_pytorch")
fig

# %% [markdown]
# **Try next:** `torch_model.float()` and `.float()` for `X_t` and `y_t`
# before the PyTorch loop (float32: the curves still overlap on the plot,
# but the loss gap grows from 1e-16 to about 1e-7), the
# optimizer `SGD(..., lr=0.5, momentum=0.9)` in both columns, or
# `nn.from_torch(torch_model)` to bring the trained PyTorch weights back and
# draw them with `nn.plot`.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "torch": HAVE_TORCH,
    "start_prediction_gap": start_gap,
    "max_prediction_gap": prediction_gap,
    "max_loss_gap": loss_gap,
    "float32_gap": float32_gap,
    "accuracy": accuracy,
    "loss": losses,
    "torch_loss": torch_losses,
    "seconds": seconds,
    "torch_seconds": torch_seconds,
    "figures": [figure],
}
