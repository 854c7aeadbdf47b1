"""Gradient checking: nudge each weight by a small δ, watch the loss, and compare with backprop.

The finite-difference slope (L(w + δ) - L(w - δ)) / 2δ needs no calculus, so
it is an independent check on any gradient. Look for: on a small MLP every
one of its 17 backprop gradients agrees with the nudged slope (relative error
~1e-8); a hand-written backward pass with a deliberate mistake (the tanh
derivative 1 - a² forgotten) is caught at once, in exactly the weights the
mistake touches; and the choice of δ matters: too big
and the slope is not the tangent, too small and floating-point round-off
takes over.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nn
from autograd_lite import gradcheck, numerical_grad

from . import common

TOLERANCE = 1e-6  # the largest relative error a correct gradient shows here


def relative_error(a, b) -> float:
    """max |a - b| / max(|a|, |b|): scale-free, so big and small gradients are judged alike."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)))


def hand_backward(model: nn.MLP, X: np.ndarray, y: np.ndarray, forget_tanh: bool = False) -> np.ndarray:
    """dL/dθ for a 2-H-1 tanh MLP with mse, derived by hand in numpy, in named_parameters order.

    With forget_tanh=True the hidden layer's tanh'(z) = 1 - a² is left out: the
    classic slip a gradient check exists to catch.
    """
    hidden, top = model.layers
    W1 = np.array([[w.data for w in n.w] for n in hidden.neurons])  # (H, 2)
    b1 = np.array([n.b.data for n in hidden.neurons])
    W2 = np.array([w.data for w in top.neurons[0].w])  # (H,)
    b2 = top.neurons[0].b.data
    a = np.tanh(X @ W1.T + b1)  # (n, H)
    yhat = a @ W2 + b2
    d_yhat = 2 * (yhat - y) / len(y)  # mse = mean((ŷ - y)²)
    d_W2, d_b2 = a.T @ d_yhat, d_yhat.sum()
    d_a = np.outer(d_yhat, W2)
    d_z = d_a if forget_tanh else d_a * (1 - a**2)
    d_W1, d_b1 = d_z.T @ X, d_z.sum(axis=0)
    grads = []
    for k in range(len(hidden.neurons)):
        grads += [*d_W1[k], d_b1[k]]
    return np.array(grads + [*d_W2, d_b2])


def eps_sweep(f, params, backprop: np.ndarray, epsilons: np.ndarray) -> np.ndarray:
    """The largest relative error of the finite differences against backprop, for each δ."""
    return np.array([relative_error(numerical_grad(f, params, eps=float(e)), backprop) for e in epsilons])


def plot(backprop, numeric, buggy, epsilons, errors, chosen, out: Path) -> Path:
    fig, (left, right) = common.figure(2, width=5.4, height=4.5)
    lim = 1.15 * max(np.abs(backprop).max(), np.abs(buggy).max())
    left.plot([-lim, lim], [-lim, lim], color="gray", linewidth=1, label="agreement: y = x")
    left.plot(numeric, backprop, "o", color=common.COLORS[0], label="engine's backprop")
    left.plot(
        numeric,
        buggy,
        "x",
        color=common.COLORS[1],
        markersize=8,
        mew=2,
        label="hand-written, tanh' forgotten",
    )
    left.set_xlabel("finite-difference slope (nudge by δ = 1e-6)")
    left.set_ylabel("gradient from backprop")
    left.set_title("17 weights of a 2-4-1 MLP:\ncorrect gradients sit on the line")
    left.legend(loc="upper left", fontsize=8)
    left.grid(alpha=0.3)
    right.loglog(epsilons, errors, "o-", color=common.COLORS[2], label="engine vs finite differences")
    right.axhline(TOLERANCE, color=common.COLORS[1], linestyle="--", label=f"tolerance {TOLERANCE:g}")
    right.axvline(chosen, color="gray", linestyle=":", label=f"δ used: {chosen:g}")
    right.set_xlabel("nudge δ")
    right.set_ylabel("largest relative error")
    right.set_title("How big a nudge? Too big: not the tangent;\ntoo small: round-off")
    right.legend(loc="upper center", fontsize=8)
    right.grid(alpha=0.3)
    fig.suptitle("Gradient check: backprop against nudging each weight")
    return common.save(fig, out, "gradient_check")


def run(quick: bool = False, out: Path = Path("out/gradient_check")) -> dict:
    """Check the engine and two hand-written backward passes; quick sweeps every other power of ten for δ."""
    out = Path(out)
    X, y = nn.datasets.moons(n=12, noise=0.1, seed=1)
    y = 2.0 * y - 1
    model = nn.MLP(2, [4, 1], activation="tanh", seed=3)
    params = model.parameters()
    f = lambda *_: nn.losses.mse(model(X), y)  # reads the weights through the model
    report = gradcheck(f, params, eps=1e-6)
    backprop = np.array([float(r.analytic) for r in report.rows])
    numeric = np.array([float(r.numeric) for r in report.rows])
    print(f"{model!r}, mse on {len(X)} points; each weight nudged by ±1e-6, the loss evaluated twice:\n")
    print("\n".join(repr(report).splitlines()[:7]) + f"\n  ... {len(report.rows) - 5} more rows ...")
    print(repr(report).splitlines()[-1])
    engine_err = relative_error(backprop, numeric)
    print(f"largest relative error, engine vs finite differences: {engine_err:.1e}\n")

    good = hand_backward(model, X, y)
    bad = hand_backward(model, X, y, forget_tanh=True)
    good_err, bad_err = relative_error(good, numeric), relative_error(bad, numeric)
    wrong = int(np.sum(np.abs(bad - numeric) > TOLERANCE * np.maximum(np.abs(bad), np.abs(numeric))))
    verdict = lambda e: "passes" if e < TOLERANCE else "CAUGHT: wrong"
    print("hand-written backward passes in numpy, checked the same way:")
    print(
        common.table(
            ["backward pass", "largest relative error", "verdict"],
            [
                ("with tanh'(z) = 1 - a²", f"{good_err:.1e}", verdict(good_err)),
                ("tanh' forgotten", f"{bad_err:.1e}", verdict(bad_err)),
            ],
        )
    )
    print(f"the mistake shows in {wrong} of {len(bad)} gradients: the hidden layer's, where the tanh is;")
    print("the output layer's gradients never pass through that tanh, so they still agree.")

    exponents = list(range(-12, 0, 2 if quick else 1))
    epsilons = 10.0 ** np.array(exponents)
    errors = eps_sweep(f, params, backprop, epsilons)
    best = float(epsilons[int(np.argmin(errors))])
    print("\nthe nudge δ matters (largest relative error for each δ):")
    print(common.table(["δ", *(f"1e{k}" for k in exponents)], [["error", *(f"{r:.0e}" for r in errors)]]))
    print(f"smallest error at δ = {best:.0e}: truncation error shrinks as δ², round-off grows as 1/δ.")
    figure = plot(backprop, numeric, bad, epsilons, errors, 1e-6, out)
    return {
        "engine_agrees": bool(report),
        "engine_error": engine_err,
        "hand_error": good_err,
        "buggy_error": bad_err,
        "buggy_caught": bad_err > TOLERANCE,
        "buggy_wrong_count": wrong,
        "eps_errors": dict(zip(exponents, errors.tolist())),  # by the exponent of δ
        "figures": [figure],
    }


if __name__ == "__main__":
    common.main("gradient_check", run, __doc__)
