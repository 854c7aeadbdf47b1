# %% [markdown]
# # Backprop by hand: one weight, one input, one step of gradient descent, every number written out
#
# The smallest network there is: ŷ = w·x with w = 0.1, x = 3, target y = 1,
# squared error L = (y - ŷ)² and learning rate 1. We work out the loss, its
# gradient and one step of gradient descent with plain floats, then let the
# engine do the same and compare. Then micrograd's tanh neuron, its backward
# pass stepped one node at a time with the chain-rule product of every edge,
# and its graph written as SVG.
#
# **Look for:** each number worked by hand (loss 0.49, dL/dw = -4.2, new
# w = 4.3) printed beside the engine's, and the new loss: a learning rate of 1
# overshoots the minimum at w = 1/3 (see the `learning_rate` lesson).

# %%
import numpy as np

import nn
from autograd_lite import Parameter, Value, backward_steps, draw, explain, render_svg
from autograd_lite.examples import by_label, lecture_neuron
from demos import common

QUICK, OUT = common.options("backprop_by_hand")  # QUICK changes nothing here: every step is instant

# %% [markdown]
# ## By hand, with plain floats
#
# The forward pass is two lines (ŷ = w·x, then the loss). The backward pass
# is the chain rule: dL/dw = dL/dŷ · dŷ/dw, with dL/dŷ = -2(y - ŷ) and
# dŷ/dw = x. One step of gradient descent moves w against its gradient:
# w ← w - lr·dL/dw. Change `W`, `X`, `Y` or `LR` and re-run from here (the
# picture's axes are drawn for the numbers given).

# %%
W = 0.1  # the weight's starting value
X = 3.0  # the input
Y = 1.0  # the target
LR = 1.0  # the learning rate of the step

print(f"ŷ = w·x, L = (y - ŷ)², with w = {W}, x = {X:g}, y = {Y:g}, learning rate {LR:g}\n")
yhat = W * X
loss = (Y - yhat) ** 2
dl_dyhat = -2 * (Y - yhat)
dl_dw = dl_dyhat * X  # chain rule: dL/dw = dL/dŷ · dŷ/dw
new_w = W - LR * dl_dw

# %% [markdown]
# ## The engine: the same graph, its backward pass one edge at a time
#
# The same computation built from `Value`s (`w` is a `Parameter`, the thing an
# optimizer changes). `backward_steps` does what `L.backward()` does, saying
# how: each edge adds local derivative × the grad arriving from above.
# The graph is written as an SVG before the step changes `w`.

# %%
w = Parameter(W, label="w")
x = Value(X, label="x")
e_yhat = w * x
e_yhat.label = "ŷ"
err = Y - e_yhat
err.label = "e"
e_loss = err**2
e_loss.label = "L"
print("the engine's backward pass (e = y - ŷ), one chain-rule product per edge:")
for step in backward_steps(e_loss):  # does what e_loss.backward() does, saying how
    for line in step.lines():
        print(f"  {line}")
e_grad = w.grad
OUT.mkdir(parents=True, exist_ok=True)
graph = OUT / "one_weight.svg"
render_svg(draw(e_loss), graph)  # before the step changes w
e_loss

# %% [markdown]
# ## One step of gradient descent, and the numbers side by side
#
# `nn.optim.SGD` does w ← w - lr·dL/dw with the grad the backward pass left
# on `w`. The table puts every quantity worked by hand beside the engine's.

# %%
nn.optim.SGD([w], lr=LR).step()
rows = [
    ("ŷ = w·x", f"{W} · {X:g}", yhat, e_yhat.data),
    ("L = (y - ŷ)²", f"({Y:g} - {yhat:.3g})²", loss, e_loss.data),
    ("dL/dŷ = -2(y - ŷ)", f"-2 · ({Y:g} - {yhat:.3g})", dl_dyhat, e_yhat.grad),
    ("dL/dw = dL/dŷ · x", f"{dl_dyhat:.3g} · {X:g}", dl_dw, e_grad),
    ("new w = w - lr·dL/dw", f"{W} - {LR:g} · ({dl_dw:.3g})", new_w, w.data),
]
print("by hand and by the engine:")
print(common.table(["quantity", "worked out", "by hand", "engine"], rows))

# %% [markdown]
# ## Did the step help?
#
# The gradient only says which way is downhill *here*; the learning rate says
# how far to go. Too far and the new loss is bigger than the old one.
# `SMALL_LR` is the gentler step compared with it.

# %%
SMALL_LR = 0.05  # a gentler learning rate, for comparison

new_loss = (Y - new_w * X) ** 2
best_w = Y / X
small_w = W - SMALL_LR * dl_dw
if new_loss >= loss:
    print(
        f"After the step the loss is {new_loss:.2f}, not smaller: the minimum is at w = y/x = {best_w:.4g},"
        f"\nand a learning rate of {LR:g} jumps far past it. With lr = {SMALL_LR:g} the same gradient gives"
        f"\nw = {small_w:.3g} and loss {(Y - small_w * X) ** 2:.4f}."
    )
else:
    print(
        f"After the step the loss is {new_loss:.4f}, down from {loss:.2f}:"
        f" the minimum is at w = y/x = {best_w:.4g}."
    )

# %% [markdown]
# ## The picture: the loss as a function of w
#
# Both panels show the parabola L(w), the tangent at the start (its slope is
# dL/dw) and the minimum. Left, close up: a step with the small learning rate
# goes downhill. Right, zoomed out: the lesson's step with lr = 1 lands far up
# the other side.

# %%
fig, (near, far) = common.figure(2, width=5.6)
loss_at = lambda w: (Y - w * X) ** 2
tangent = lambda w: loss + dl_dw * (w - W)
for ax, lo, hi in ((near, -0.15, 0.75), (far, -0.5, 4.6)):
    ws = np.linspace(lo, hi, 300)
    ax.plot(ws, loss_at(ws), color=common.COLORS[0], linewidth=2, label=f"L(w) = ({Y:g} - {X:g}w)²")
    tw = np.linspace(max(lo, W - 0.25), min(hi, W + 0.25), 50)
    ax.plot(
        tw, tangent(tw), color=common.COLORS[1], linestyle="--", label=f"tangent: slope dL/dw = {dl_dw:.3g}"
    )
    ax.plot([W], [loss], "o", color="black", zorder=4, label=f"start: w = {W}, L = {loss:.2f}")
    ax.axvline(best_w, color="gray", linewidth=0.8, linestyle=":", label=f"minimum: w = {Y:g}/{X:g}")
    ax.set_xlabel("weight w")
    ax.set_ylabel("loss L")
    ax.grid(alpha=0.3)
near.annotate(
    "",
    xy=(small_w, loss_at(small_w)),
    xytext=(W, loss),
    arrowprops={"arrowstyle": "->", "color": common.COLORS[2], "linewidth": 2},
)
near.plot(
    [small_w],
    [loss_at(small_w)],
    "o",
    color=common.COLORS[2],
    zorder=4,
    label=f"after a step with lr {SMALL_LR:g}: w = {small_w:.2f}",
)
near.set_ylim(-0.1, 1.4)
near.set_title("Near the start: a small step goes downhill")
far.annotate(
    "",
    xy=(new_w, new_loss),
    xytext=(W, loss),
    arrowprops={"arrowstyle": "->", "color": common.COLORS[3], "linewidth": 2},
)
far.plot(
    [new_w],
    [new_loss],
    "o",
    color=common.COLORS[3],
    zorder=4,
    label=f"after a step with lr {LR:g}: w = {new_w:.1f}, L = {new_loss:.1f}",
)
far.set_title(
    f"The step of the lesson, lr = {LR:g}, " + ("overshoots" if new_loss >= loss else "goes downhill")
)
near.legend(loc="upper center", fontsize=8)
far.legend(loc="upper left", fontsize=8)
fig.suptitle("One step of gradient descent on one weight: w ← w - lr·dL/dw")
figure = common.save(fig, OUT, "one_weight_step")
fig

# %% [markdown]
# ## A neuron: o = tanh(x1·w1 + x2·w2 + b), with the micrograd lecture's numbers
#
# Two inputs, two weights and a bias, summed into n and squashed by tanh. The
# backward pass starts at o (do/do = 1) and visits each node once, after every
# node that uses it, adding one chain-rule product per edge. Look at w2: its
# input x2 is 0, so its gradient is 0 whatever the rest says.

# %%
o = lecture_neuron()
v = by_label(o)
print("forward:")
print("  " + explain(o).replace("\n", "\n  ").split("\n  grads:")[0])
print("\nbackward, one node at a time:")
for step in backward_steps(o):
    print(f"  step {step.index} of {step.total}: {step.name} ({step.node.op.symbol})")
    for line in step.lines():
        print(f"    {line}")
print(f"\n  do/dw1 = (1 - o²)·x1 = {1 - o.data**2:.3g} · {v['x1'].data:g} = {v['w1'].grad:.4g}")
neuron_svg = OUT / "neuron.svg"
render_svg(draw(o), neuron_svg)
o

# %% [markdown]
# **Try next:** `LR = 1 / 18` in the "By hand" cell (a step of exactly the
# right size for this parabola: it lands on w = 1/3), or change `X` and see
# where the minimum moves.

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "yhat": yhat,
    "loss": loss,
    "grad": dl_dw,
    "new_w": new_w,
    "new_loss": new_loss,
    "engine": {"yhat": e_yhat.data, "loss": e_loss.data, "grad": e_grad, "new_w": w.data},
    "svg": graph,
    "neuron": {
        "o": o.data,
        "grads": {k: v[k].grad for k in ("x1", "x2", "w1", "w2", "b", "n")},
        "svg": neuron_svg,
    },
    "figures": [figure, graph, neuron_svg],
}
