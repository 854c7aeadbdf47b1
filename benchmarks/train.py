"""micrograd's demo trained three ways in one run: micrograd, autograd_lite with lanes, PyTorch.

    python -m benchmarks.train                      # needs the bench extra: pip install -e ".[bench]"
    python -m benchmarks.train --micrograd-steps 5  # quicker: times 5 micrograd steps, extrapolates to 100

The workload is micrograd's README demo: MLP 2-16-16-1 (ReLU, linear output),
100 two-moons points (noise 0.1), max-margin (hinge) loss + 1e-4 · Σp², 100
full-batch SGD steps with lr = 1.0 - 0.9·k/100. All three start from the same
weights (micrograd's random init, copied), so they follow the same path and
end at the same accuracy. micrograd loops over the examples one Value at a
time; autograd_lite runs the batch as lanes (one graph, 100 numbers per node);
PyTorch runs float64 tensors on one CPU thread. GC is on, as users run.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import numpy as np

try:
    import micrograd.engine as mg
    import micrograd.nn as mgnn
    import torch
except ImportError:  # pragma: no cover - a message, not a failure mode
    sys.exit('benchmarks need the bench extra: pip install -e ".[bench]"')

import nn
from nn import losses, optim

from .common import print_table

STEPS = 100
ALPHA = 1e-4  # the L2 coefficient of micrograd's demo


def lr_at(k: int) -> float:
    return 1.0 - 0.9 * k / 100


def data():
    X, y = nn.datasets.moons(n=100, noise=0.1, seed=1)
    return X, (2 * y - 1).astype(float)  # ±1 labels for the max-margin loss


# --- micrograd, exactly as its README demo -------------------------------------------------


def micrograd_train(model, X, y, steps: int) -> float:
    Xl, yl = X.tolist(), y.tolist()
    start = time.perf_counter()
    for k in range(steps):
        inputs = [list(map(mg.Value, row)) for row in Xl]
        scores = list(map(model, inputs))
        margins = [(1 + -yi * si).relu() for yi, si in zip(yl, scores)]
        data_loss = sum(margins) * (1.0 / len(margins))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= lr_at(k) * p.grad
    return time.perf_counter() - start


def micrograd_scores(model, X) -> np.ndarray:
    return np.array([model([mg.Value(a), mg.Value(b)]).data for a, b in X.tolist()])


# --- autograd_lite: the batch as lanes ------------------------------------------------------


def ours_train(model, X, y, steps: int) -> float:
    """The same loop written with nn's losses, optimizer and schedule."""
    params = model.parameters()
    start = time.perf_counter()
    opt = optim.SGD(params, lr=1.0)
    schedule = optim.LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100)  # 1.0 - 0.9·k/100
    for _ in range(steps):
        total = losses.hinge(model(X), y) + ALPHA * losses.l2_penalty(params)
        opt.zero_grad()
        total.backward()
        opt.step()
        schedule.step()
    return time.perf_counter() - start


def ours_fit(model, X, y, steps: int) -> float:
    """The same training through nn.fit (which also measures loss and accuracy after every epoch)."""
    start = time.perf_counter()
    opt = optim.SGD(model.parameters(), lr=1.0)
    schedule = optim.LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100)
    nn.fit(
        model, X, y, loss="hinge", optimizer=opt, epochs=steps, l2=ALPHA, schedule=schedule, progress=False
    )
    return time.perf_counter() - start


# --- PyTorch -------------------------------------------------------------------------------


def torch_model(weights: list[tuple[np.ndarray, np.ndarray]]):
    layers: list = []
    for i, (W, b) in enumerate(weights):
        lin = torch.nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        layers.append(lin)
        if i < len(weights) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def torch_train(model, X, y, steps: int) -> float:
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    params = list(model.parameters())
    start = time.perf_counter()
    opt = torch.optim.SGD(params, lr=1.0)
    for k in range(steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(k)
        scores = model(Xt).squeeze(1)
        data_loss = torch.relu(1 - yt * scores).mean()
        reg_loss = ALPHA * sum((p * p).sum() for p in params)
        total = data_loss + reg_loss
        opt.zero_grad()
        total.backward()
        opt.step()
    return time.perf_counter() - start


# --- one run, one table -----------------------------------------------------------------------


def micrograd_weights(model) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W, b) per layer of a micrograd MLP: W has one row per neuron."""
    return [
        (
            np.array([[w.data for w in n.w] for n in layer.neurons]),
            np.array([n.b.data for n in layer.neurons]),
        )
        for layer in model.layers
    ]


def final_numbers(scores: np.ndarray, params: list[float], y: np.ndarray) -> tuple[str, str]:
    """Accuracy and the demo's total loss of a trained model, by numpy alone (the same yardstick for all)."""
    loss = np.mean(np.maximum(0.0, 1.0 - y * scores)) + ALPHA * np.sum(np.square(params))
    return f"{np.mean((scores > 0) == (y > 0)):.0%}", f"{loss:.6f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--micrograd-steps",
        type=int,
        default=STEPS,
        help=f"micrograd steps to time (default {STEPS}: the whole run); fewer are extrapolated to {STEPS}",
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs of ours and PyTorch (the best is kept)")
    args = parser.parse_args(argv)
    if not 1 <= args.micrograd_steps <= STEPS:
        parser.error(f"--micrograd-steps must be from 1 to {STEPS}")
    torch.set_num_threads(1)
    X, y = data()

    random.seed(1337)
    theirs = mgnn.MLP(2, [16, 16, 1])
    weights = micrograd_weights(theirs)
    start_state = {name: float(p.data) for name, p in zip(_names(), theirs.parameters())}

    def fresh_ours():
        model = nn.MLP(2, [16, 16, 1])
        model.load_state_dict(start_state)
        return model

    t_ours, t_fit, t_torch = [], [], []
    for _ in range(args.repeats):  # fresh models each time: every run trains from the same start
        m_ours = fresh_ours()
        t_ours.append(ours_train(m_ours, X, y, STEPS))
        m_fit = fresh_ours()
        t_fit.append(ours_fit(m_fit, X, y, STEPS))
        m_torch = torch_model(weights)
        t_torch.append(torch_train(m_torch, X, y, STEPS))
    t_mg = micrograd_train(theirs, X, y, args.micrograd_steps)
    extrapolated = args.micrograd_steps < STEPS
    t_mg_total = t_mg * STEPS / args.micrograd_steps

    with torch.no_grad():
        torch_scores = m_torch(torch.from_numpy(X)).squeeze(1).numpy()
    torch_params = np.concatenate([p.detach().numpy().ravel() for p in m_torch.parameters()]).tolist()
    trained = [
        ("micrograd 0.1.0 (one Value per example)", t_mg_total, None if extrapolated else theirs),
        ("autograd_lite, lanes, hand-written loop", min(t_ours), m_ours),
        ("autograd_lite, lanes, nn.fit()", min(t_fit), m_fit),
        (f"PyTorch {torch.__version__}, float64, 1 thread", min(t_torch), m_torch),
    ]
    rows = []
    for name, seconds, model in trained:
        if model is None:
            numbers = ("n/a (stopped early)", "n/a")
        elif model is theirs:
            numbers = final_numbers(micrograd_scores(theirs, X), [p.data for p in theirs.parameters()], y)
        elif model is m_torch:
            numbers = final_numbers(torch_scores, torch_params, y)
        else:
            numbers = final_numbers(nn.predict(model, X), [p.data for p in model.parameters()], y)
        star = " *" if extrapolated and model is None else ""
        rows.append(
            (
                name + star,
                seconds,
                seconds / STEPS * 1e3,
                *numbers,
                t_mg_total / seconds,
                seconds / min(t_torch),
            )
        )
    print_table(
        f"micrograd's moons demo, {STEPS} full-batch SGD steps, same start, one run",
        (
            "trainer",
            "total (s)",
            "per step (ms)",
            "accuracy",
            "final loss",
            "micrograd / this",
            "this / PyTorch",
        ),
        rows,
    )
    if extrapolated:
        print(
            f"\n* micrograd timed for {args.micrograd_steps} of {STEPS} steps ({t_mg:.1f} s) "
            f"and EXTRAPOLATED to {STEPS}; run without --micrograd-steps for the measured time."
        )
    print(
        f"\nPython {sys.version.split()[0]}, numpy {np.__version__}; ours and PyTorch: best of "
        f"{args.repeats} runs; micrograd: one run; GC on, as users run."
    )


def _names() -> list[str]:
    return [name for name, _ in nn.MLP(2, [16, 16, 1]).named_parameters()]


if __name__ == "__main__":
    main()
