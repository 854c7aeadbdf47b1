"""Backprop by hand: one weight, one input, one step of gradient descent, every number written out.

The smallest network there is: ŷ = w·x with w = 0.1, x = 3, target y = 1,
squared error L = (y - ŷ)² and learning rate 1. Look for: each number worked
by hand (loss 0.49, dL/dw = -4.2, new w = 4.3) printed beside the engine's,
and the new loss: a learning rate of 1 overshoots the minimum at w = 1/3
(see `learning_rate`). Then micrograd's tanh neuron, its backward pass stepped
one node at a time with the chain-rule product of every edge, and its graph
written as SVG.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nn
from autograd_lite import Parameter, Value, backward_steps, draw, explain, render_svg
from autograd_lite.examples import by_label, lecture_neuron

from . import common

W, X, Y, LR = 0.1, 3.0, 1.0, 1.0


def one_weight(out: Path) -> dict:
    """The one-weight step by hand and by the engine; returns both sets of numbers."""
    print(f"ŷ = w·x, L = (y - ŷ)², with w = {W}, x = {X:g}, y = {Y:g}, learning rate {LR:g}\n")
    # By hand, with plain floats.
    yhat = W * X
    loss = (Y - yhat) ** 2
    dl_dyhat = -2 * (Y - yhat)
    dl_dw = dl_dyhat * X  # chain rule: dL/dw = dL/dŷ · dŷ/dw
    new_w = W - LR * dl_dw
    # By the engine: the same graph, its backward pass stepped node by node, then an optimizer step.
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
    out.mkdir(parents=True, exist_ok=True)
    graph = out / "one_weight.svg"
    render_svg(draw(e_loss), graph)  # before the step changes w
    nn.optim.SGD([w], lr=LR).step()
    rows = [
        ("ŷ = w·x", f"{W} · {X:g}", yhat, e_yhat.data),
        ("L = (y - ŷ)²", f"({Y:g} - {yhat:.3g})²", loss, e_loss.data),
        ("dL/dŷ = -2(y - ŷ)", f"-2 · ({Y:g} - {yhat:.3g})", dl_dyhat, e_yhat.grad),
        ("dL/dw = dL/dŷ · x", f"{dl_dyhat:.3g} · {X:g}", dl_dw, e_grad),
        ("new w = w - lr·dL/dw", f"{W} - {LR:g} · ({dl_dw:.3g})", new_w, w.data),
    ]
    print("\nby hand and by the engine:")
    print(common.table(["quantity", "worked out", "by hand", "engine"], rows))
    new_loss = (Y - new_w * X) ** 2
    best_w = Y / X
    print(
        f"\nAfter the step the loss is {new_loss:.2f}, not smaller: the minimum is at w = y/x = {best_w:.4g},"
        f"\nand a learning rate of {LR:g} jumps far past it. With lr = 0.05 the same gradient gives"
        f"\nw = {W - 0.05 * dl_dw:.3g} and loss {(Y - (W - 0.05 * dl_dw) * X) ** 2:.4f}."
    )
    return {
        "yhat": yhat,
        "loss": loss,
        "grad": dl_dw,
        "new_w": new_w,
        "new_loss": new_loss,
        "engine": {"yhat": e_yhat.data, "loss": e_loss.data, "grad": e_grad, "new_w": w.data},
        "svg": graph,
    }


def neuron(out: Path) -> dict:
    """micrograd's tanh neuron: forward, backward stepped node by node, graph SVG."""
    print("\nA neuron: o = tanh(x1·w1 + x2·w2 + b), with the micrograd lecture's numbers\n")
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
    out.mkdir(parents=True, exist_ok=True)
    path = out / "neuron.svg"
    render_svg(draw(o), path)
    grads = {k: v[k].grad for k in ("x1", "x2", "w1", "w2", "b", "n")}
    return {"o": o.data, "grads": grads, "svg": path}


def plot_step(r: dict, out: Path) -> Path:
    """The loss as a function of w, the tangent at w = 0.1, and where a step of lr 1 and 0.05 lands."""
    fig, (near, far) = common.figure(2, width=5.6)
    loss = lambda w: (Y - w * X) ** 2
    tangent = lambda w: r["loss"] + r["grad"] * (w - W)
    small_w = W - 0.05 * r["grad"]
    for ax, lo, hi in ((near, -0.15, 0.75), (far, -0.5, 4.6)):
        ws = np.linspace(lo, hi, 300)
        ax.plot(ws, loss(ws), color=common.COLORS[0], linewidth=2, label="L(w) = (1 - 3w)²")
        tw = np.linspace(max(lo, W - 0.25), min(hi, W + 0.25), 50)
        ax.plot(tw, tangent(tw), color=common.COLORS[1], linestyle="--", label="tangent: slope dL/dw = -4.2")
        ax.plot([W], [r["loss"]], "o", color="black", zorder=4, label=f"start: w = {W}, L = {r['loss']:.2f}")
        ax.axvline(Y / X, color="gray", linewidth=0.8, linestyle=":", label="minimum: w = 1/3")
        ax.set_xlabel("weight w")
        ax.set_ylabel("loss L")
        ax.grid(alpha=0.3)
    near.annotate(
        "",
        xy=(small_w, loss(small_w)),
        xytext=(W, r["loss"]),
        arrowprops={"arrowstyle": "->", "color": common.COLORS[2], "linewidth": 2},
    )
    near.plot(
        [small_w],
        [loss(small_w)],
        "o",
        color=common.COLORS[2],
        zorder=4,
        label=f"after a step with lr 0.05: w = {small_w:.2f}",
    )
    near.set_ylim(-0.1, 1.4)
    near.set_title("Near the start: a small step goes downhill")
    far.annotate(
        "",
        xy=(r["new_w"], r["new_loss"]),
        xytext=(W, r["loss"]),
        arrowprops={"arrowstyle": "->", "color": common.COLORS[3], "linewidth": 2},
    )
    far.plot(
        [r["new_w"]],
        [r["new_loss"]],
        "o",
        color=common.COLORS[3],
        zorder=4,
        label=f"after a step with lr 1: w = {r['new_w']:.1f}, L = {r['new_loss']:.1f}",
    )
    far.set_title("The step of the lesson, lr = 1, overshoots")
    near.legend(loc="upper center", fontsize=8)
    far.legend(loc="upper left", fontsize=8)
    fig.suptitle("One step of gradient descent on one weight: w ← w - lr·dL/dw")
    return common.save(fig, out, "one_weight_step")


def run(quick: bool = False, out: Path = Path("out/backprop_by_hand")) -> dict:
    """The one-weight step, then the neuron; `quick` changes nothing (both are instant)."""
    out = Path(out)
    result = one_weight(out)
    result["neuron"] = neuron(out)
    result["figures"] = [plot_step(result, out), result["svg"], result["neuron"]["svg"]]
    return result


if __name__ == "__main__":
    common.main("backprop_by_hand", run, __doc__)
