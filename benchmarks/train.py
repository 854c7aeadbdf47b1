"""Training speed: nn.fit on the tape and on the engine, PyTorch, and numpy by hand, from the same weights.

    python -m benchmarks.train                        # needs the bench extra: pip install -e ".[bench]"
    python -m benchmarks.train --micrograd-steps 100  # micrograd's whole demo measured (~3 min more)
    python -m benchmarks.train --grid-engine 128      # the lanes engine in all the grid (~10 min more)

Four workloads, each trained by every trainer from one set of starting weights (copied), with the
same loss, optimizer, learning rate, batch order and number of steps, so all reach the same loss:

1. micrograd's README demo: MLP 2-16-16-1 (ReLU, linear output), 100 two-moons points, max-margin
   (hinge) loss + 1e-4·Σp², 100 full-batch SGD steps with lr = 1.0 - 0.9·k/100, from micrograd's
   own initial weights; micrograd itself trains it too (a few steps by default, extrapolated).
2. digits-size: 1,797 examples × 64 features (whole numbers 0..16, as scikit-learn's digits, here
   synthesized: noisy class prototypes, scaled by 1/16), 10 classes, MLP 64-32-10, cross-entropy,
   SGD lr 0.1, batches of 64 (shuffled) and the full batch.
3. a grid: MLP 2-W-W-1 for W in 16, 64, 128 on 1,000 moons points in shuffled batches of 10, 100
   and 1,000, hinge loss, SGD lr 0.1 (the lanes engine only for W = 16 unless --grid-engine says more).
4. the tape's one-time cost (tracing and compiling the loss, and checking its first replay against
   the engine) and the number of steps after which it has paid for itself.

Trainers: `nn.fit(compile=True)` (the tape), `nn.fit(compile=False)` (the lanes engine), PyTorch
(float64 tensors, one thread) and numpy by hand (the same matrix products written out: the floor).
nn.fit measures the training loss and accuracy after every epoch; the PyTorch and numpy loops do
the same, and draw their batches with nn.train.batches from nn.seed.rng(seed), fit's own order.
Times are the best of a few runs on fresh copies of the starting weights; "steady" times leave
out the first epoch (where the tape is traced) and divide the rest by its steps. BLAS and torch
run on one thread (benchmarks/__init__.py pins BLAS); GC is on, as users run.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

try:
    import micrograd.engine as mg
    import micrograd.nn as mgnn
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover - a message, not a failure mode
    sys.exit('benchmarks need the bench extra: pip install -e ".[bench]"')

import nn
from autograd_lite import trace
from nn import losses, optim

from .common import print_table

ALPHA = 1e-4  # the L2 coefficient of micrograd's demo
MOONS_STEPS = 100

#: (W, b) per layer, W of shape (outputs, inputs): the one description of weights every trainer reads.
Weights = list[tuple[np.ndarray, np.ndarray]]


# --- workloads ------------------------------------------------------------------------------------


@dataclass
class Workload:
    """One training run, as every trainer does it."""

    name: str
    X: np.ndarray
    y: np.ndarray  # class labels 0..K-1, as fit takes them
    sizes: list[int]  # the MLP's layer sizes after the inputs
    loss: str  # "hinge" | "bce_with_logits" | "cross_entropy"
    lr: float
    epochs: int
    batch: int | None  # None: the full batch
    start: Weights
    l2: float = 0.0
    decay: bool = False  # micrograd's lr = lr · (1.0 - 0.9·k/100), stepped per epoch
    seed: int = 0  # fit's shuffling
    label: str = ""  # a short name for the one-time-cost table (the name if empty)

    @property
    def size(self) -> int:
        return len(self.X) if self.batch is None else min(self.batch, len(self.X))

    @property
    def steps_per_epoch(self) -> int:
        return -(-len(self.X) // self.size)

    @property
    def steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    @property
    def targets(self) -> np.ndarray:
        """y as the loss wants it (what fit hands the loss): ±1, 0/1 floats, or class indices."""
        if self.loss == "hinge":
            return 2.0 * self.y - 1.0
        if self.loss == "bce_with_logits":
            return self.y.astype(np.float64)
        return self.y.astype(np.int64)

    def lr_at(self, epoch: int) -> float:
        """The learning rate of epoch `epoch` (0-based)."""
        return self.lr * (1.0 - 0.9 * min(epoch, 100) / 100) if self.decay else self.lr


def init_weights(nin: int, sizes: list[int], seed: int) -> Weights:
    """Weights of nn.MLP(nin, sizes, init="pytorch", seed=seed) (torch.nn.Linear's own init)."""
    return model_weights(nn.MLP(nin, sizes, init="pytorch", seed=seed))


def digits(n: int = 1797, features: int = 64, classes: int = 10, seed: int = 0):
    """A stand-in for scikit-learn's digits, deterministically: whole numbers 0..16, 10 classes.

    Each class has a prototype (a smooth-ish random 0..16 image); each example is its class's
    prototype plus noise, rounded and clipped to 0..16, so the classes overlap a little.
    """
    rng = np.random.default_rng(seed)
    prototypes = rng.integers(0, 17, size=(classes, features)).astype(float)
    y = np.arange(n) % classes
    rng.shuffle(y)
    X = np.clip(np.rint(prototypes[y] + rng.normal(0.0, 6.0, size=(n, features))), 0, 16)
    return X, y


def moons_demo(start: Weights) -> Workload:
    X, y = nn.datasets.moons(n=100, noise=0.1, seed=1)
    return Workload(
        f"micrograd's moons demo: MLP 2-16-16-1, 100 points, hinge + {ALPHA:g}·Σp², "
        f"{MOONS_STEPS} full-batch SGD steps, lr 1.0 → 0.1",
        X,
        y,
        [16, 16, 1],
        "hinge",
        1.0,
        MOONS_STEPS,
        None,
        start,
        l2=ALPHA,
        decay=True,
        label="moons demo, 2-16-16-1, full batch of 100",
    )


def digits_workloads(epochs_batched: int, epochs_full: int) -> list[Workload]:
    X, y = digits()
    X = X / 16.0
    start = init_weights(64, [32, 10], seed=0)
    common = dict(X=X, y=y, sizes=[32, 10], loss="cross_entropy", lr=0.1, start=start)
    return [
        Workload(
            f"digits-size, batch 64, {epochs_batched} epochs",
            epochs=epochs_batched,
            batch=64,
            label="digits-size, 64-32-10, batch 64",
            **common,
        ),
        Workload(
            f"digits-size, full batch, {epochs_full} epochs",
            epochs=epochs_full,
            batch=None,
            label="digits-size, 64-32-10, full batch of 1,797",
            **common,
        ),
    ]


def grid_workload(width: int, batch: int, steps: int) -> Workload:
    X, y = nn.datasets.moons(n=1000, noise=0.1, seed=2)
    per_epoch = -(-len(X) // batch)
    epochs = max(2, -(-steps // per_epoch))  # two at least: the steady time leaves out the first
    return Workload(
        f"2-{width}-{width}-1, batch {batch}",
        X,
        y,
        [width, width, 1],
        "hinge",
        0.1,
        epochs,
        batch,
        init_weights(2, [width, width, 1], seed=width),
    )


# --- weights in and out of each kind of model --------------------------------------------------


def model_weights(model) -> Weights:
    """(W, b) per layer of an nn.MLP (one row of W per neuron)."""
    return [
        (
            np.array([[w.data for w in n.w] for n in layer.neurons], dtype=np.float64),
            np.array([n.b.data for n in layer.neurons], dtype=np.float64),
        )
        for layer in model.layers
    ]


def nn_model(w: Workload) -> nn.MLP:
    """An nn.MLP holding the workload's starting weights exactly."""
    model = nn.MLP(w.X.shape[1], w.sizes, init="pytorch", seed=0)
    for layer, (W, b) in zip(model.layers, w.start):
        for neuron, row, bias in zip(layer.neurons, W.tolist(), b.tolist()):
            for p, v in zip(neuron.w, row):
                p.data = v
            neuron.b.data = bias
    return model


def torch_model(weights: Weights):
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


def torch_weights(model) -> Weights:
    lins = [m for m in model if isinstance(m, torch.nn.Linear)]
    return [(m.weight.detach().numpy().copy(), m.bias.detach().numpy().copy()) for m in lins]


# --- the yardstick: one numpy forward for every trainer's final weights ----------------------------


def forward(weights: Weights, X: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The activations of every layer's input, and the outputs (n, K)."""
    acts = [X]
    h = X
    for i, (W, b) in enumerate(weights):
        z = h @ W.T
        z += b
        if i < len(weights) - 1:
            np.maximum(z, 0.0, out=z)
            acts.append(z)
        h = z
    return acts, h


def loss_and_grad(kind: str, z: np.ndarray, t: np.ndarray, grad: bool = True):
    """The mean loss of outputs z (n, K) for targets t, and its gradient with respect to z."""
    n = len(z)
    if kind == "hinge":
        margin = 1.0 - t * z[:, 0]
        loss = float(np.maximum(margin, 0.0).mean())
        dz = np.where(margin > 0, -t / n, 0.0)[:, None] if grad else None
    elif kind == "bce_with_logits":
        s = z[:, 0]
        loss = float(np.mean(np.maximum(s, 0.0) - s * t + np.log1p(np.exp(-np.abs(s)))))
        dz = ((1.0 / (1.0 + np.exp(-s)) - t) / n)[:, None] if grad else None
    else:
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(total[:, 0]) - shifted[np.arange(n), t]))
        if grad:
            dz = e / total
            dz[np.arange(n), t] -= 1.0
            dz /= n
        else:
            dz = None
    return loss, dz


def decide(kind: str, z: np.ndarray) -> np.ndarray:
    return z.argmax(axis=1) if kind == "cross_entropy" else (z[:, 0] > 0).astype(int)


def objective(w: Workload, weights: Weights) -> tuple[float, float]:
    """(the training objective: loss + l2·Σp², accuracy) of `weights` on the whole training set."""
    _, z = forward(weights, w.X)
    loss, _ = loss_and_grad(w.loss, z, w.targets, grad=False)
    penalty = w.l2 * sum(float(np.sum(W * W) + np.sum(b * b)) for W, b in weights)
    return loss + penalty, float(np.mean(decide(w.loss, z) == w.y))


# --- the trainers -------------------------------------------------------------------------------


@dataclass
class Result:
    """One run: its time in all, the time when each epoch (and its evaluation) ended, the weights."""

    total: float
    ends: list[float]
    weights: Weights
    note: str = ""
    steady: float = 0.0  # set by best(): the least steady_epoch of its runs
    once: float = 0.0  # set by best(): the least first-epoch overhead (ends[0] - steady_epoch)

    @property
    def steady_epoch(self) -> float:
        """The time of one epoch, its evaluation included, leaving out the first (the tape's trace)."""
        return (self.ends[-1] - self.ends[0]) / (len(self.ends) - 1)


class _Clock(nn.Callback):
    touches_model = False  # a timer: fit on the tape need not copy the weights out every epoch

    def __init__(self, origin: float):
        self.origin = origin
        self.ends: list[float] = []

    def epoch_done(self, run, epoch: int) -> bool:
        self.ends.append(time.perf_counter() - self.origin)
        return False


def fit_trainer(compile: bool) -> Callable[[Workload], Result]:
    def train(w: Workload) -> Result:
        model = nn_model(w)
        start = time.perf_counter()
        clock = _Clock(start)
        opt = optim.SGD(model.parameters(), lr=w.lr)
        schedule = optim.LinearLR(opt, 1.0, 0.1, total_iters=100) if w.decay else None
        history = nn.fit(
            model,
            w.X,
            w.y,
            loss=w.loss,
            optimizer=opt,
            epochs=w.epochs,
            batch_size=w.batch,
            l2=w.l2,
            schedule=schedule,
            progress=False,
            seed=w.seed,
            callbacks=[clock],
            compile=compile,
        )
        total = time.perf_counter() - start
        on_tape = history.steps_on_tape
        note = "" if on_tape == (w.steps if compile else 0) else f"{on_tape} of {w.steps} steps on the tape"
        return Result(total, clock.ends, model_weights(model), note)

    return train


def torch_train(w: Workload) -> Result:
    model = torch_model(w.start)
    params = list(model.parameters())
    t = w.targets
    Xall, tall = torch.from_numpy(w.X), torch.from_numpy(t)
    labels = torch.from_numpy(w.y.astype(np.int64))

    if w.loss == "hinge":

        def crit(out, tt):
            return torch.relu(1 - tt * out.squeeze(1)).mean()
    elif w.loss == "bce_with_logits":

        def crit(out, tt):
            return F.binary_cross_entropy_with_logits(out.squeeze(1), tt)
    else:
        crit = F.cross_entropy

    def decide_t(out):
        return out.argmax(dim=1) if w.loss == "cross_entropy" else (out.squeeze(1) > 0).long()

    rng = nn.seed.rng(w.seed)
    ends = []
    start = time.perf_counter()
    opt = torch.optim.SGD(params, lr=w.lr)
    for epoch in range(w.epochs):
        for group in opt.param_groups:
            group["lr"] = w.lr_at(epoch)
        for Xb, tb in nn.train.batches(w.X, t, w.size, True, rng):
            loss = crit(model(torch.from_numpy(Xb)), torch.from_numpy(tb))
            if w.l2:
                loss = loss + w.l2 * sum((p * p).sum() for p in params)
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():  # fit's evaluation: the training loss and accuracy
            out = model(Xall)
            _ = crit(out, tall).item(), (decide_t(out) == labels).double().mean().item()
        ends.append(time.perf_counter() - start)
    return Result(time.perf_counter() - start, ends, torch_weights(model))


def numpy_train(w: Workload) -> Result:
    weights = [(W.copy(), b.copy()) for W, b in w.start]
    t = w.targets
    rng = nn.seed.rng(w.seed)
    ends = []
    last = len(weights) - 1
    start = time.perf_counter()
    for epoch in range(w.epochs):
        lr = w.lr_at(epoch)
        for Xb, tb in nn.train.batches(w.X, t, w.size, True, rng):
            acts, z = forward(weights, Xb)
            _, dz = loss_and_grad(w.loss, z, tb)
            for i in range(last, -1, -1):
                W, b = weights[i]
                h = acts[i]
                gW = dz.T @ h
                gb = dz.sum(axis=0)
                if i:
                    dz = dz @ W
                    dz *= h > 0
                if w.l2:
                    gW += (2 * w.l2) * W
                    gb += (2 * w.l2) * b
                W -= lr * gW
                b -= lr * gb
        _, z = forward(weights, w.X)  # fit's evaluation: the training loss and accuracy
        _ = loss_and_grad(w.loss, z, t, grad=False)[0], float(np.mean(decide(w.loss, z) == w.y))
        ends.append(time.perf_counter() - start)
    return Result(time.perf_counter() - start, ends, weights)


TAPE, ENGINE, TORCH, NUMPY = "nn.fit, tape", "nn.fit, lanes engine", "PyTorch", "numpy by hand"
TRAINERS: dict[str, Callable[[Workload], Result]] = {
    TAPE: fit_trainer(True),
    ENGINE: fit_trainer(False),
    TORCH: torch_train,
    NUMPY: numpy_train,
}


def best(runs: list[Result]) -> Result:
    """The best of several runs from the same start: the least total time, the least steady epoch,
    the least first-epoch overhead, each over all the runs (their weights are the same)."""
    last = runs[-1]
    last.total = min(r.total for r in runs)
    last.steady = min(r.steady_epoch for r in runs)
    last.once = min(max(r.ends[0] - r.steady_epoch, 0.0) for r in runs)
    return last


def warm_up() -> None:
    """One short run of every trainer, untimed: torch's first call in a process alone takes ~2 s."""
    X, y = nn.datasets.moons(n=20, noise=0.1, seed=0)
    w = Workload("warm-up", X, y, [4, 1], "hinge", 0.1, 2, 10, init_weights(2, [4, 1], 0))
    for train in TRAINERS.values():
        train(w)


def run_all(w: Workload, repeats: int, names=tuple(TRAINERS), slow_repeats: int | None = None) -> dict:
    """Every trainer `repeats` times (the engine `slow_repeats`), taking turns: on a shared machine a
    burst of load then slows one run of each rather than every run of one."""
    runs: dict[str, list[Result]] = {name: [] for name in names}
    for k in range(repeats):
        for name in names:
            if name != ENGINE or slow_repeats is None or k < slow_repeats:
                runs[name].append(TRAINERS[name](w))
    return {name: best(got) for name, got in runs.items()}


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
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
    return time.perf_counter() - start


def micrograd_weights(model) -> Weights:
    """(W, b) per layer of a micrograd MLP: W has one row per neuron."""
    return [
        (
            np.array([[w.data for w in n.w] for n in layer.neurons], dtype=np.float64),
            np.array([n.b.data for n in layer.neurons], dtype=np.float64),
        )
        for layer in model.layers
    ]


# --- tables -------------------------------------------------------------------------------------

verdicts: list[str] = []


def verdict(what: str, ratio: float, target: float) -> str:
    line = f"{what}: {ratio:.2f}× PyTorch's time, target <= {target:g}×: " + (
        "met" if ratio <= target else f"MISSED by {ratio / target - 1:.0%}"
    )
    verdicts.append(line)
    return line


def gap(a: float, b: float) -> str:
    return f"{abs(a - b) / abs(b):.1e}"


def trainer_rows(w: Workload, got: dict[str, Result], extra: list | None = None) -> list[tuple]:
    """One row per trainer: times, the final objective and accuracy by numpy, and the gap to the tape."""
    ref = objective(w, got[TAPE].weights)[0]
    torch_total, torch_steady = got[TORCH].total, got[TORCH].steady
    rows = []
    for name, r in got.items():
        loss, acc = objective(w, r.weights)
        rows.append(
            (
                name + (f" ({r.note})" if r.note else ""),
                r.total,
                r.total / w.steps * 1e3,
                r.steady / w.steps_per_epoch * 1e3,
                f"{acc:.1%}",
                f"{loss:.9f}",
                "reference" if name == TAPE else gap(loss, ref),
                r.total / torch_total,
                r.steady / torch_steady,
            )
        )
    return rows + (extra or [])


HEADER = (
    "trainer",
    "total (s)",
    "per step (ms)",
    "steady step (ms)",
    "accuracy",
    "final loss",
    "gap to tape",
    "this / PyTorch",
    "steady / PyTorch",
)


def moons_table(args) -> tuple[Workload, dict[str, Result]]:
    random.seed(1337)
    theirs = mgnn.MLP(2, [16, 16, 1])
    w = moons_demo(micrograd_weights(theirs))
    got = run_all(w, args.repeats, slow_repeats=max(1, args.repeats // 2))
    X, y = w.X, w.targets
    t_mg = micrograd_train(theirs, X, y, args.micrograd_steps)
    full = args.micrograd_steps == MOONS_STEPS
    t_mg_total = t_mg * MOONS_STEPS / args.micrograd_steps
    extra = []
    ref = objective(w, got[TAPE].weights)[0]
    if full:
        loss, acc = objective(w, micrograd_weights(theirs))
        numbers = (f"{acc:.1%}", f"{loss:.9f}", gap(loss, ref))
    else:
        numbers = ("n/a", "n/a (stopped early)", "n/a")
    name = "micrograd 0.1.0, one Value per example" + ("" if full else " *")
    per_step = t_mg_total / MOONS_STEPS * 1e3
    ratio = t_mg_total / got[TORCH].total
    extra.append((name, t_mg_total, per_step, per_step, *numbers, ratio, ratio))
    print_table(
        f"{w.name}; every row also measures the training loss and accuracy after each step (fit's "
        "evaluation), from micrograd's initial weights (micrograd's row: training only)",
        HEADER,
        trainer_rows(w, got, extra),
    )
    if not full:
        print(
            f"\n* micrograd timed for {args.micrograd_steps} of {MOONS_STEPS} steps ({t_mg:.1f} s) and "
            f"EXTRAPOLATED to {MOONS_STEPS}; --micrograd-steps {MOONS_STEPS} measures the whole run."
        )
    print(
        "\n" + verdict("moons demo, nn.fit(compile=True) whole run", got[TAPE].total / got[TORCH].total, 0.5)
    )
    return w, got


def digits_tables(args) -> list[tuple[Workload, dict[str, Result]]]:
    out = []
    for w in digits_workloads(args.digits_epochs, args.digits_full_epochs):
        got = run_all(w, args.repeats, slow_repeats=1)
        print_table(
            f"{w.name} ({w.steps} steps): MLP 64-32-10, cross-entropy, SGD lr 0.1, 1,797 × 64 "
            "synthetic digits; every row measures the training loss and accuracy after each epoch",
            HEADER,
            trainer_rows(w, got),
        )
        print()
        print(verdict(f"{w.name}, whole run", got[TAPE].total / got[TORCH].total, 1.0))
        print(verdict(f"{w.name}, steady", got[TAPE].steady / got[TORCH].steady, 1.0))
        out.append((w, got))
    return out


def grid_table(args) -> list[tuple[Workload, dict[str, Result]]]:
    cells = []
    rows = []
    for width in (16, 64, 128):
        for batch in (10, 100, 1000):
            w = grid_workload(width, batch, args.grid_steps)
            engine = width <= args.grid_engine
            names = [TAPE, TORCH, NUMPY] + ([ENGINE] if engine else [])
            got = run_all(w, args.repeats, names, slow_repeats=1)
            cells.append((w, got))
            ref = objective(w, got[TAPE].weights)[0]
            gaps = max(abs(objective(w, r.weights)[0] - ref) / abs(ref) for r in got.values())
            torch_r, tape_r = got[TORCH], got[TAPE]
            per = w.steps_per_epoch
            rows.append(
                (
                    width,
                    batch,
                    w.steps,
                    torch_r.steady / per * 1e3,
                    tape_r.steady / per * 1e3,
                    tape_r.steady / torch_r.steady,
                    tape_r.total / torch_r.total,
                    got[NUMPY].steady / torch_r.steady,
                    got[ENGINE].steady / torch_r.steady if engine else "not run",
                    f"{gaps:.1e}",
                )
            )
    print_table(
        "Grid: MLP 2-W-W-1, 1,000 moons points in shuffled batches, hinge, SGD lr 0.1; each epoch "
        "includes fit's evaluation (loss and accuracy on all 1,000); steady = the first epoch left out",
        (
            "W",
            "batch",
            "steps",
            "PyTorch steady step (ms)",
            "tape steady step (ms)",
            "tape / PyTorch, steady",
            "tape / PyTorch, whole run",
            "numpy / PyTorch, steady",
            "engine / PyTorch, steady",
            "largest loss gap to tape",
        ),
        rows,
    )
    steady = [(row[5], row[0], row[1]) for row in rows]
    whole = [(row[6], row[0], row[1]) for row in rows]
    worst_s, worst_w = max(steady), max(whole)
    print()
    print(verdict(f"grid, steady, worst cell W={worst_s[1]} batch {worst_s[2]}", worst_s[0], 1.0))
    print(verdict(f"grid, whole run, worst cell W={worst_w[1]} batch {worst_w[2]}", worst_w[0], 1.0))
    missed = [f"W={wd} b={b} {r:.2f}×" for r, wd, b in steady if r > 1.0]
    print("grid cells over 1.0×, steady: " + (", ".join(missed) if missed else "none"))
    return cells


def trace_seconds(w: Workload) -> float:
    """tape.trace_seconds of the training batch's loss, as fit traces it (nn's MLP, loss and l2)."""
    model = nn_model(w)
    params = model.parameters()
    fn = nn.tasks.LOSSES[w.loss][0]

    def objective_(X, t):
        loss = fn(model(X), t)
        return (loss + w.l2 * losses.l2_penalty(params) if w.l2 else loss), None

    Xb, tb = w.X[: w.size], w.targets[: w.size]
    return trace(objective_, params, (Xb, tb)).trace_seconds


def compile_table(runs: list[tuple[Workload, dict[str, Result]]]) -> None:
    rows = []
    for w, got in runs:
        tape, per = got[TAPE], w.steps_per_epoch
        steady, once = tape.steady, tape.once  # once: the first epoch over a steady one
        step_tape = steady / per
        vs = []
        for other in (ENGINE, TORCH):
            if other not in got:
                vs.append("not run (see --grid-engine)")
                continue
            saved = got[other].steady / per - step_tape
            vs.append(f"{once / saved:,.0f}" if saved > 0 else "never (slower per step)")
        rows.append((w.label or w.name, trace_seconds(w), once, step_tape * 1e3, *vs))
    print_table(
        "The tape's one-time cost: trace() of the training batch (tape.trace_seconds), and fit's whole "
        "first-epoch overhead (every batch size's trace and compile, the first replay's check against "
        "the engine, the evaluation's tape): the first epoch's time less a steady epoch's",
        (
            "workload",
            "trace (s)",
            "one-time cost in fit (s)",
            "tape steady step (ms)",
            "break-even vs engine (steps)",
            "break-even vs PyTorch (steps)",
        ),
        rows,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--micrograd-steps",
        type=int,
        default=5,
        help=f"micrograd steps to time (default 5, extrapolated to {MOONS_STEPS}; {MOONS_STEPS}: the "
        "whole run, ~3 min)",
    )
    parser.add_argument("--repeats", type=int, default=5, help="runs of each trainer (the best is kept)")
    parser.add_argument("--digits-epochs", type=int, default=6, help="epochs of batch 64 (29 steps each)")
    parser.add_argument("--digits-full-epochs", type=int, default=40, help="full-batch epochs")
    parser.add_argument("--grid-steps", type=int, default=200, help="steps per grid cell (at least)")
    parser.add_argument(
        "--grid-engine",
        type=int,
        default=16,
        metavar="W",
        help="train the grid's widths up to W on the lanes engine too (default 16; 128: all, ~10 min more)",
    )
    parser.add_argument(
        "--only", choices=("moons", "digits", "grid"), action="append", help="run only these tables"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.micrograd_steps <= MOONS_STEPS:
        parser.error(f"--micrograd-steps must be from 1 to {MOONS_STEPS}")
    if args.repeats < 1 or args.digits_epochs < 2 or args.digits_full_epochs < 2:
        parser.error("--repeats must be >= 1 and the epochs >= 2 (the steady time leaves out the first)")
    only = set(args.only or ("moons", "digits", "grid"))
    torch.set_num_threads(1)
    started = time.perf_counter()
    warm_up()
    runs: list[tuple[Workload, dict[str, Result]]] = []
    if "moons" in only:
        runs.append(moons_table(args))
    if "digits" in only:
        runs += digits_tables(args)
    if "grid" in only:
        cells = grid_table(args)
        runs += [(w, got) for w, got in cells if w.size in (10, 1000)]
    compile_table(runs)
    print("\nTargets:")
    for line in verdicts:
        print(f"- {line}")
    print(
        f"\nPython {sys.version.split()[0]}, numpy {np.__version__}, torch {torch.__version__} "
        f"(float64, {torch.get_num_threads()} thread); best of {args.repeats} runs (the lanes engine: "
        f"fewer); this run took {time.perf_counter() - started:.0f} s."
    )


if __name__ == "__main__":
    main()
