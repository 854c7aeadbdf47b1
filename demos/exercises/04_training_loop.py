# %% [markdown]
# # Exercise 4: the training loop
#
# Every network in every course is trained by the same five lines, run once
# per step:
#
# 1. **forward**: the model's outputs for the inputs, `model(X)`;
# 2. **loss**: one number that says how wrong they are, `loss_fn(outputs, y)`;
# 3. **zero the gradients**: `optimizer.zero_grad()` — gradients *add up*
#    across `backward()` calls (PyTorch's rule), so last step's must go;
# 4. **backward**: `loss.backward()` fills every weight's `.grad`;
# 5. **step**: `optimizer.step()` moves every weight against its gradient.
#
# **What to do:** write the body of the loop in `train`, and keep each step's
# loss in `losses`: the number (`loss.data`) that step computed, before its
# `optimizer.step()`.
#
# **How the check works:** it hands `train` a small network (2-3-1, tanh) on
# the XOR table, `nn.losses.mse`, and an SGD optimizer that watches: each time
# your loop calls `optimizer.step()`, it notes every weight and its gradient,
# and measures the true gradient at those weights by finite differences.
# Three steps later it says whether each step used fresh, right gradients, in
# the right order, and whether your losses are the losses of those steps. A
# wrong step stops with a `Mistake` that names the step and a weight, with
# the expected and received numbers and the likely cause — for instance
# gradients that were never zeroed.

# %%
import nn
from demos.exercises import checks

# %% [markdown]
# ## The loop


# %%
def train(model, optimizer, X, y, loss_fn, steps: int) -> list[float]:
    """Train `model` for `steps` steps on (X, y); return the loss of each step."""
    losses = []
    for _ in range(steps):
        # BEGIN SOLUTION
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
        # END SOLUTION
    return losses


# %%
checks.training_loop(train)

# %% [markdown]
# ## Now train for real
#
# Your loop, with Adam this time, on a small moons dataset (two interleaving
# half circles, 60 points): a 2-8-8-1 tanh network with `bce_with_logits`.
# Change `STEPS`, `LR` or the layer sizes and run the cell again.

# %%
STEPS, LR = 150, 0.05
X, y = nn.datasets.moons(n=60, noise=0.1, seed=0)
model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=0)
optimizer = nn.optim.Adam(model.parameters(), lr=LR)
losses = checks.losses(train, model, optimizer, X, y, nn.losses.bce_with_logits, STEPS)
print("loss every 25 steps:", "  ".join(f"{loss:.3f}" for loss in losses[::25]), f"  last: {losses[-1]:.4f}")
print(f"accuracy on the {len(y)} points: {nn.accuracy(model, X, y):.0%}")
