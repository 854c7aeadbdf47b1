"""The engine against micrograd, measured in the same run.

    python -m benchmarks.engine          # needs the bench extra: pip install -e ".[bench]"

1. micrograd's moons step: MLP 2-16-16-1 (ReLU), 100 two-moons points,
   max-margin loss + 1e-4 L2, one forward + backward + SGD step, looping over
   examples as micrograd does (scalar path, no lanes). First the lecture's own
   code, run by both engines with only the Value class swapped (what a student
   copying the demo writes: no nn, no wsum, inputs as plain floats), then our
   nn.MLP in its two graph shapes.
2. a deep chain of mul/add/relu (micrograd 0.1.0 has no tanh): time per node, and the depth at which each
   engine fails.
3. memory per node (tracemalloc) of a 100k-node graph.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tracemalloc

try:
    import micrograd.engine as mg
    import micrograd.nn as mgnn
except ImportError:  # pragma: no cover - a message, not a failure mode
    sys.exit('benchmarks need the bench extra: pip install -e ".[bench]"')

import nn
from autograd_lite import Value

from .common import print_table, time_best

# --- 1. the moons step ----------------------------------------------------------


def lecture_mlp(V, nin: int, nouts: list[int]):
    """micrograd's nn.py as the lecture writes it, on the Value class V: the same code for both engines.

    Weights are drawn with `random.uniform(-1, 1)` in micrograd's order, so seeding `random`
    the same way before each call gives both engines the same numbers.
    """

    class Module:
        def zero_grad(self):
            for p in self.parameters():
                p.grad = 0

        def parameters(self):
            return []

    class Neuron(Module):
        def __init__(self, nin, nonlin=True):
            self.w = [V(random.uniform(-1, 1)) for _ in range(nin)]
            self.b = V(0)
            self.nonlin = nonlin

        def __call__(self, x):
            act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
            return act.relu() if self.nonlin else act

        def parameters(self):
            return self.w + [self.b]

    class Layer(Module):
        def __init__(self, nin, nout, **kwargs):
            self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

        def __call__(self, x):
            out = [n(x) for n in self.neurons]
            return out[0] if len(out) == 1 else out

        def parameters(self):
            return [p for n in self.neurons for p in n.parameters()]

    class MLP(Module):
        def __init__(self, nin, nouts):
            sz = [nin] + nouts
            self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]

        def __call__(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

        def parameters(self):
            return [p for layer in self.layers for p in layer.parameters()]

    return MLP(nin, nouts)


def lecture_step(model, X, y):
    """micrograd's demo loss and update, as written there, inputs as plain floats."""
    scores = list(map(model, X))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    model.zero_grad()
    total_loss.backward()
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    return total_loss.data


def lecture_rows(steps: int) -> list[tuple]:
    X, y = nn.datasets.moons(n=100, noise=0.1, seed=1)
    X, y = X.tolist(), (2 * y - 1).tolist()
    random.seed(1337)
    theirs = lecture_mlp(mg.Value, 2, [16, 16, 1])
    random.seed(1337)
    ours = lecture_mlp(Value, 2, [16, 16, 1])
    assert [p.data for p in theirs.parameters()] == [p.data for p in ours.parameters()]
    # one step each, checked equal, before the timing: the same code computes the same loss
    if abs(lecture_step(theirs, X, y) - lecture_step(ours, X, y)) > 1e-12:
        raise AssertionError("the lecture step gave different losses on the two engines")
    gc.collect()  # micrograd's graphs are cycles (closures): each engine starts without the other's garbage
    t_mg = time_best(lambda: lecture_step(theirs, X, y), steps)
    gc.collect()
    t_us = time_best(lambda: lecture_step(ours, X, y), steps)
    return [("moons step, lecture code (micrograd's demo, Value swapped in) (s)", t_mg, t_us, t_mg / t_us)]


def moons_step(model, X, y, wrap=None):
    """micrograd's demo step: forward over every example, max-margin + L2, backward, SGD.

    `wrap` turns an input number into the engine's Value (micrograd needs it;
    our MLP takes plain numbers).
    """
    if wrap is not None:
        X = [[wrap(x0), wrap(x1)] for x0, x1 in X]
    scores = [model(x) for x in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg = 1e-4 * sum(p * p for p in model.parameters())
    total = data_loss + reg
    model.zero_grad()
    total.backward()
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    return total.data


def moons_rows(steps: int) -> list[tuple]:
    X, y = nn.datasets.moons(n=100, noise=0.1, seed=1)
    X, y = X.tolist(), (2 * y - 1).tolist()
    random.seed(1337)
    theirs = mgnn.MLP(2, [16, 16, 1])
    fine = nn.MLP(2, [16, 16, 1], seed=1337, fine=True)
    fused = nn.MLP(2, [16, 16, 1], seed=1337)
    t_mg = time_best(lambda: moons_step(theirs, X, y, wrap=mg.Value), steps)
    gc.collect()
    t_fine = time_best(lambda: moons_step(fine, X, y), steps)
    t_fused = time_best(lambda: moons_step(fused, X, y), steps)
    return [
        ("moons step, micrograd-shaped graph (s)", t_mg, t_fine, t_mg / t_fine),
        ("moons step, one wsum node per neuron (s)", t_mg, t_fused, t_mg / t_fused),
    ]


# --- 2. the deep chain ---------------------------------------------------------


def chain(V, depth: int):
    x = V(0.5)
    w = V(0.9)
    b = V(0.1)
    y = x
    for _ in range(depth):
        y = (y * w + b).relu()  # micrograd 0.1.0 has no tanh: relu for both
    return x, y


def chain_seconds_per_node(V, depth: int, repeats: int) -> float:
    def run():
        _, y = chain(V, depth)
        y.backward()

    return time_best(run, repeats) / (3 * depth)


def failing_depth(V, limit: int) -> str:
    """The first depth (of 10^3 .. limit) whose backward fails, or 'none up to limit'."""
    depth = 1000
    while depth <= limit:
        try:
            x, y = chain(V, depth)
            y.backward()
        except RecursionError:
            return f"{3 * depth:,} nodes"
        depth *= 10
    return f"none up to {3 * limit:,} nodes"


def chain_rows(limit: int) -> list[tuple]:
    sys.setrecursionlimit(1000)  # Python's default, whatever the harness set
    t_mg = chain_seconds_per_node(mg.Value, 300, 20)
    t_us = chain_seconds_per_node(Value, 300, 20)
    return [
        ("deep chain, forward+backward per node (µs)", t_mg * 1e6, t_us * 1e6, t_mg / t_us),
        ("deep chain, backward fails at", failing_depth(mg.Value, limit), failing_depth(Value, limit), ""),
    ]


# --- 3. memory per node --------------------------------------------------------


def bytes_per_node(V, nodes: int) -> float:
    gc.collect()
    tracemalloc.start()
    x, y = chain(V, nodes // 3)
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del x, y
    return current / nodes


def memory_rows(nodes: int) -> list[tuple]:
    b_mg = bytes_per_node(mg.Value, nodes)
    b_us = bytes_per_node(Value, nodes)
    return [(f"memory per node, {nodes:,}-node graph (bytes)", b_mg, b_us, b_mg / b_us)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--steps", type=int, default=3, help="moons steps timed per engine (best of)")
    parser.add_argument("--depth", type=int, default=1_000_000, help="deepest chain to try")
    args = parser.parse_args(argv)
    rows = lecture_rows(args.steps) + moons_rows(args.steps) + chain_rows(args.depth) + memory_rows(100_000)
    print_table(
        "autograd_lite engine vs micrograd 0.1.0 (same run; ratio = micrograd / ours, higher is better)",
        ("measure", "micrograd", "autograd_lite", "ratio"),
        rows,
    )
    print(f"\nPython {sys.version.split()[0]}; each time is the best of several runs; GC on, as users run.")


if __name__ == "__main__":
    main()
