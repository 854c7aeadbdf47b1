# %% [markdown]
# # Exercise 2: a neuron's backward pass, by hand
#
# micrograd's lecture neuron has two inputs, two weights and a bias:
#
#     n = x1·w1 + x2·w2 + b        o = tanh(n)
#
# with x1 = 2, x2 = 0, w1 = −3, w2 = 1, b = 6.8813735870195432, chosen so
# that o = 0.7071. Backpropagation finds how o moves when each of the five
# numbers moves: do/dw1, do/dw2, do/db, do/dx1, do/dx2, all through do/dn.
#
# **What to do:** write the backward pass in `neuron_backward` with plain
# numbers, using the chain rule: first do/dn (the local derivative of tanh,
# from exercise 1), then each of the others as do/dn times its local
# derivative in `n = x1·w1 + x2·w2 + b`. The forward pass is written for you.
#
# **How the check works:** it calls your function at the lecture's numbers
# and at a second neuron, and compares each of the six gradients with the
# numbers worked out by hand and with finite differences (nudge one input,
# watch o). A wrong gradient stops with a `Mistake` that names it, shows the
# hand-worked product, and — for the usual slips — says what you probably did.

# %%
import math

from autograd_lite.examples import by_label, lecture_neuron
from demos.exercises import checks

# %% [markdown]
# ## The backward pass
#
# Return a dict with six entries: `"n"` for do/dn, and `"w1"`, `"w2"`, `"b"`,
# `"x1"`, `"x2"` for do/dw1, do/dw2, do/db, do/dx1, do/dx2.


# %%
def neuron_backward(x1: float, x2: float, w1: float, w2: float, b: float) -> dict[str, float]:
    """do/d(each) for o = tanh(x1·w1 + x2·w2 + b), by the chain rule."""
    n = x1 * w1 + x2 * w2 + b  # the forward pass
    o = math.tanh(n)
    # BEGIN SOLUTION
    do_dn = 1 - o**2  # tanh's local derivative, from its output
    return {
        "n": do_dn,
        "w1": do_dn * x1,  # dn/dw1 = x1
        "w2": do_dn * x2,
        "b": do_dn,  # dn/db = 1
        "x1": do_dn * w1,  # dn/dx1 = w1
        "x2": do_dn * w2,
    }
    # END SOLUTION


# %%
checks.neuron_backward(neuron_backward)

# %% [markdown]
# ## Your numbers beside the engine's
#
# `lecture_neuron()` builds the same neuron from `Value`s; `o.backward()` runs
# the engine's backward pass. The two columns should agree.

# %%
o = lecture_neuron()
o.backward()
node = by_label(o)
mine = checks.neuron_grads(neuron_backward, 2.0, 0.0, -3.0, 1.0, 6.8813735870195432)
for name, grad in mine.items():
    print(f"do/d{name:<2}  yours {grad:+.4f}   the engine's {node[name].grad:+.4f}")
