# %% [markdown]
# # Exercise 1: the local derivatives of five ops
#
# Backpropagation multiplies local derivatives along the graph: each op only
# has to know how its output moves when one of its inputs moves. Here you
# write that rule for five ops — `a·b`, `a/b`, `xⁿ`, `tanh(x)` and `σ(x)` —
# as plain Python functions of plain numbers (use `math.tanh`, `math.exp`,
# `**`; no `Value`s needed).
#
# **What to do:** in each function cell, replace the line
# `raise NotImplementedError(...)` with your code and run the cell; then run
# the check cell under it.
#
# **How the check works:** it calls your function at a few points and
# compares each answer with the op's slope measured by *finite differences*:
# nudge the input by h = 10⁻⁶ either way and see how much the output moves,
# (f(x + h) − f(x − h)) / 2h. That needs no calculus, so it cannot share your
# mistake. A right answer prints a line starting with ✓. A wrong one stops
# with a `Mistake` that names the point, the number it expected and the
# number you gave, and — for the usual slips — what you probably wrote.

# %%
import math

from autograd_lite import Value, gradcheck
from demos.exercises import checks

# %% [markdown]
# ## 1. Multiplication: `a·b`
#
# `d_mul(a, b)` returns the pair `(d(a·b)/da, d(a·b)/db)`. Hold one operand
# still and ask how fast the product moves when the other one does.


# %%
def d_mul(a: float, b: float) -> tuple[float, float]:
    """The local derivatives of a·b: (d/da, d/db)."""
    # BEGIN SOLUTION
    return b, a
    # END SOLUTION


# %%
checks.local_derivative("mul", d_mul)

# %% [markdown]
# ## 2. Division: `a/b`
#
# `d_div(a, b)` returns `(d(a/b)/da, d(a/b)/db)`. Tip: `a/b = a · b⁻¹`.


# %%
def d_div(a: float, b: float) -> tuple[float, float]:
    """The local derivatives of a/b: (d/da, d/db)."""
    # BEGIN SOLUTION
    return 1 / b, -a / b**2
    # END SOLUTION


# %%
checks.local_derivative("div", d_div)

# %% [markdown]
# ## 3. A power: `xⁿ`, for a constant `n`
#
# `d_pow(x, n)` returns `d(xⁿ)/dx`. Only `x` moves; `n` is a number written
# in the program, such as the 2 of `x ** 2`.


# %%
def d_pow(x: float, n: float) -> float:
    """The local derivative of x ** n with respect to x (n is a constant)."""
    # BEGIN SOLUTION
    return n * x ** (n - 1)
    # END SOLUTION


# %%
checks.local_derivative("pow", d_pow)

# %% [markdown]
# ## 4. `tanh(x)`
#
# `d_tanh(x)` returns `d tanh(x)/dx`. Its neat form uses the op's own output
# `t = tanh(x)`: an engine computes `t` in the forward pass anyway, so the
# backward pass reuses it.


# %%
def d_tanh(x: float) -> float:
    """The local derivative of tanh at x."""
    # BEGIN SOLUTION
    t = math.tanh(x)
    return 1 - t**2
    # END SOLUTION


# %%
checks.local_derivative("tanh", d_tanh)

# %% [markdown]
# ## 5. The sigmoid: `σ(x) = 1 / (1 + e⁻ˣ)`
#
# `d_sigmoid(x)` returns `d σ(x)/dx`. Like tanh's, its neat form uses the
# output `s = σ(x)`.


# %%
def d_sigmoid(x: float) -> float:
    """The local derivative of the sigmoid at x."""
    # BEGIN SOLUTION
    s = 1 / (1 + math.exp(-x))
    return s * (1 - s)
    # END SOLUTION


# %%
checks.local_derivative("sigmoid", d_sigmoid)

# %% [markdown]
# ## The engine does the same
#
# autograd_lite keeps one rule like yours per op, in its op table. `gradcheck`
# runs the same test as the checks above, on the engine's own rule: backprop
# beside finite differences.

# %%
gradcheck(lambda x: x.tanh() * x.sigmoid(), [Value(0.5, label="x")])
