# %% [markdown]
# # Exercise 3: SGD with momentum
#
# Plain gradient descent steps each weight by its gradient alone:
# `p ← p − lr·g`. Momentum keeps a *velocity* `v` for every weight, a running
# sum of its past gradients, and steps by that instead — so it keeps rolling
# through flat stretches and small bumps. PyTorch's rule (`torch.optim.SGD`
# with `momentum=μ`), which `nn.optim.SGD` follows too:
#
#     v ← μ·v + g        (on a weight's first step: v ← g)
#     p ← p − lr·v
#
# **What to do:** write `step()` in the class below: for each parameter `p`,
# read its gradient `p.grad`, update its velocity, kept in
# `self.velocity[p]`, and move `p.data`. Read `self.lr` and `self.momentum`
# inside `step()`: a learning-rate schedule may change `lr` between steps.
#
# **How the check works:** it makes two weights, `w = 1` and `b = −0.5`, sets
# their gradients itself (as if `backward()` had run; `b`'s is 0 on the third
# step) and calls your `step()` three times, lowering `lr` from 0.1 to 0.05
# before the third. After each step it compares `w.data` and `b.data` (and your
# velocities, when they are in `self.velocity[p]`) with PyTorch's rule worked
# out by hand, in plain numbers. Then it trains a small network for five
# steps with your optimizer beside `nn.optim.SGD(momentum=0.9)`. A wrong
# number stops with a `Mistake` that shows the steps worked by hand and, for
# the usual slips, what you probably wrote.

# %%
import nn
from autograd_lite import NO_GRAD
from demos.exercises import checks

# %% [markdown]
# ## The optimizer
#
# `__init__` and `zero_grad` are written for you; `step` is yours.


# %%
class Momentum:
    """SGD with momentum, PyTorch's rule: v ← μ·v + g (first step: v ← g); p ← p − lr·v."""

    def __init__(self, params, lr: float = 0.01, momentum: float = 0.9):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.velocity: dict = {}  # parameter -> its v, made on its first step

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = NO_GRAD  # "no gradient yet" (PyTorch's None); it reads as 0.0

    def step(self) -> None:
        # BEGIN SOLUTION
        for p in self.params:
            g = p.grad
            if p in self.velocity:
                v = self.momentum * self.velocity[p] + g
            else:
                v = g  # the first step: the velocity starts at the gradient
            self.velocity[p] = v
            p.data -= self.lr * v
        # END SOLUTION


# %%
checks.momentum(Momentum)

# %% [markdown]
# ## Why bother: momentum against plain SGD
#
# The same network from the same start on XOR, the same learning rate, 100
# steps each: plain SGD (momentum 0) and yours (momentum 0.9). Try other
# values of `LR`, `MOMENTUM` and `STEPS`.

# %%
LR, MOMENTUM, STEPS = 0.05, 0.9, 100
X, y = nn.datasets.xor()
for mu in (0.0, MOMENTUM):
    model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    opt = Momentum(model.parameters(), lr=LR, momentum=mu)
    for _ in range(STEPS):
        loss = nn.losses.mse(model(X), y)
        opt.zero_grad()
        loss.backward()
        checks.step(opt, model.parameters())
    print(f"momentum {mu:g}: loss after {STEPS} steps {nn.losses.mse(model(X), y).data:.3g}")
