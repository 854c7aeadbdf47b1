# %% [markdown]
# # The chain rule: backprop is a product of local derivatives, one per edge, read from the loss back
#
# A chain of three sigmoid neurons with one weight each:
# a1 = σ(W1·X), a2 = σ(W2·a1), ŷ = σ(W3·a2), L = ½(ŷ - y)².
# The textbook writes each gradient as a product of local derivatives, one
# per edge from the loss back to the weight; the engine computes the same
# products, one edge at a time.
#
# **Look for:** the engine's dL/dW3, dL/dW2, dL/dW1 printed beside the
# closed-form products, e.g. dL/dW1 = (ŷ - y)·σ'(z3)·W3·σ'(z2)·W2·σ'(z1)·X,
# equal to the last digit. The picture shows the gradient shrinking as it
# travels back: each σ'(z) is at most 0.25 (the `activations` lesson makes
# this the vanishing gradient).

# %%
import math

import numpy as np

from autograd_lite import Parameter, Value, draw, render_svg
from demos import common

QUICK, OUT = common.options("chain_rule")  # QUICK changes nothing here: the lesson is instant

# %% [markdown]
# ## The chain by hand, with plain floats
#
# The forward pass, then every local derivative the chain rule multiplies:
# dL/dŷ = ŷ - y for L = ½(ŷ - y)², σ'(z) = σ(z)(1 - σ(z)) for each sigmoid,
# and the weights and the input, which are the local derivatives of each
# product z = W·a. Each gradient is then a product read from the loss back
# to the weight, one factor per edge: the deeper the weight, the longer its
# product (dL/dW1 goes through all three neurons). Change `X`, `Y` or the
# `WEIGHTS` and re-run from here.

# %%
X = 1.5  # the input
Y = 1.0  # the target
WEIGHTS = {"W1": 0.8, "W2": -1.2, "W3": 2.0}  # one weight per neuron, from the input up


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


w1, w2, w3 = WEIGHTS.values()
z1 = w1 * X
a1 = sigmoid(z1)
z2 = w2 * a1
a2 = sigmoid(z2)
z3 = w3 * a2
yhat = sigmoid(z3)
d1, d2, d3 = (sigmoid(z) * (1 - sigmoid(z)) for z in (z1, z2, z3))  # σ'(z) = σ(z)(1 - σ(z))
err = yhat - Y  # dL/dŷ for L = ½(ŷ - y)²
factors = {"ŷ - y": err, "σ'(z3)": d3, "W3": w3, "σ'(z2)": d2, "W2": w2, "σ'(z1)": d1, "X": X}
# each gradient as the textbook writes it: one factor per edge, from the loss back to the weight
closed_form = {
    "W3": err * d3 * a2,
    "W2": err * d3 * w3 * d2 * a1,
    "W1": err * d3 * w3 * d2 * w2 * d1 * X,
}
print(f"a1 = σ(W1·X), a2 = σ(W2·a1), ŷ = σ(W3·a2), L = ½(ŷ - y)²  with X = {X}, y = {Y},")
print("    " + ", ".join(f"{k} = {v}" for k, v in WEIGHTS.items()))
print("the factors: " + ", ".join(f"{k} = {v:.4g}" for k, v in factors.items()))

# %% [markdown]
# ## The engine: the same chain from `Value`s, and one `backward()`
#
# `backward()` walks the graph from L back to the weights and, on every edge,
# multiplies the grad arriving from above by that edge's local derivative:
# the products above, built one factor at a time.

# %%
w = {name: Parameter(v, label=name) for name, v in WEIGHTS.items()}
x = Value(X, label="X")
a = x
nodes: dict[str, Value] = {}  # z1, a1, ..., ŷ by label, for the picture
for k in (1, 2, 3):
    z = w[f"W{k}"] * a
    z.label = f"z{k}"
    a = z.sigmoid()
    a.label = f"a{k}" if k < 3 else "ŷ"
    nodes[f"z{k}"], nodes[a.label] = z, a
loss = 0.5 * (a - Y) ** 2
loss.label = "L"
loss.backward()
engine = {name: p.grad for name, p in w.items()}
formulas = {
    "W3": "(ŷ-y)·σ'(z3)·a2",
    "W2": "(ŷ-y)·σ'(z3)·W3·σ'(z2)·a1",
    "W1": "(ŷ-y)·σ'(z3)·W3·σ'(z2)·W2·σ'(z1)·X",
}

print(f"forward: ŷ = {yhat:.6f}, L = {0.5 * err**2:.6f} (engine: L = {loss.data:.6f})\n")
rows = [(f"dL/d{k}", formulas[k], f"{closed_form[k]:.12g}", f"{engine[k]:.12g}") for k in ("W3", "W2", "W1")]
print(common.table(["gradient", "closed form", "by the formula", "engine"], rows))
worst = max(abs(closed_form[k] - engine[k]) for k in WEIGHTS)
print(f"\nlargest difference: {worst:.1e}: the engine does exactly this multiplication, edge by edge.")
w1_size, w3_size = abs(engine["W1"]), abs(engine["W3"])
print(f"Every σ'(z) is at most 0.25, so |dL/dW1| = {w1_size:.3g} < |dL/dW3| = {w3_size:.3g}.")

# %% [markdown]
# ## The graph
#
# The whole chain as the engine holds it, each node with its value and its
# grad after `backward()`, written as an SVG.

# %%
OUT.mkdir(parents=True, exist_ok=True)
svg = OUT / "chain.svg"
render_svg(draw(loss), svg)
loss

# %% [markdown]
# ## The gradient along the chain
#
# The size of dL/d node for each node from the output back to z1 (bars: the engine's
# grads; dots: the running product of the factors). Every step back
# multiplies in one factor, and the σ' factors are all below 0.25, so the
# signal shrinks on its way to the input.

# %%
order = ["ŷ", "z3", "a2", "z2", "a1", "z1"]
steps = ["ŷ - y", "σ'(z3)", "W3", "σ'(z2)", "W2", "σ'(z1)"]
engine_vals = [abs(nodes[n].grad) for n in order]
product, products = 1.0, []
for f in steps:
    product *= factors[f]
    products.append(abs(product))

fig, (ax,) = common.figure(1, width=7.4, height=4.6)
pos = np.arange(len(order))
ax.bar(pos, engine_vals, color=common.COLORS[0], alpha=0.75, label="engine: |grad| after backward()")
ax.plot(pos, products, "o", color=common.COLORS[1], markersize=8, label="closed form: |product of factors|")
for i, f in enumerate(steps):
    text = f"1 × ({f})\n= {factors[f]:.3g}" if i == 0 else f"× {f}\n= × {factors[f]:.3g}"
    ax.annotate(
        text, (pos[i], engine_vals[i]), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8
    )
ax.set_yscale("log")
ax.set_ylim(min(engine_vals) / 3, max(engine_vals) * 6)
ax.set_xticks(pos, [f"dL/d{n}" for n in order])
ax.set_xlabel("node, from the output back toward the input")
ax.set_ylabel("|dL/d node| (log scale)")
ax.set_title("The chain rule: each step back multiplies the gradient by one local factor")
ax.legend(loc="upper right", fontsize=9)
ax.grid(alpha=0.3, axis="y")
figure = common.save(fig, OUT, "gradient_along_the_chain")
fig

# %% [markdown]
# **Try next:** make `W3` large (say 10) and watch σ'(z3) collapse, or put
# all three weights near 0, where every σ'(z) is close to its best, 0.25.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "engine": engine,
    "closed_form": {k: closed_form[k] for k in WEIGHTS},
    "max_difference": worst,
    "weights": dict(WEIGHTS),  # the lesson's inputs, for a test's own finite differences
    "x": X,
    "y": Y,
    "figures": [figure, svg],
}
