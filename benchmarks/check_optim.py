"""Our optimizers against torch.optim: the same trajectories from the same gradients, 300 steps.

    python -m benchmarks.check_optim      # needs the bench extra (torch)

The tests check every rule against steps worked by hand and tables copied
from torch; this script runs PyTorch itself, which the tests may not depend
on. Five parameters (gradient scales 1e-3 to 10, and 0) take 300 steps of
random gradients; "sparse" cases give two of them a gradient only now and
then (torch: `p.grad = None` otherwise, ours: NO_GRAD), and "constant 1.7" is
centered RMSProp on a constant gradient, where torch's variance estimate goes
negative by rounding and its weight becomes nan; ours refuses that step.

torch is run twice: with the kernels it picks for this CPU (AVX2/AVX512, which
fuse a*b + c into one rounding) and, in a subprocess, with its portable ones
(ATEN_CPU_CAPABILITY=default). Our updates do torch's operations in torch's
order, so they equal the portable kernels bit for bit where no square root is
taken (torch's sqrt, from MKL, is off by an ulp about 1% of the time). The
table shows both gaps and torch's gap to itself; a case passes when we are
within 1e-12 of torch, or no further from it than torch's two kernels are
from each other (runs near a zero variance or a sign-flipping weight amplify
every last-bit difference, torch's own included). Exit 1 on a mismatch.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import numpy as np

try:
    import torch
except ImportError:  # pragma: no cover
    sys.exit('this check needs the bench extra: pip install -e ".[bench]"')

from autograd_lite import Parameter
from autograd_lite.engine import NO_GRAD
from nn import optim

from .common import print_table

STEPS = 300
TOLERANCE = 1e-12

CASES: list[tuple[str, dict, str]] = [
    ("SGD", {"lr": 0.1}, "random"),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}, "random"),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}, "random"),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}, "random"),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1}, "sparse"),
    ("RMSprop", {}, "random"),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.1}, "random"),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.1}, "sparse"),
    ("RMSprop", {"lr": 1e-3, "alpha": 0.3, "centered": True}, "constant 1.7"),
    ("Adam", {}, "random"),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.1, "amsgrad": True}, "random"),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.1, "amsgrad": True}, "sparse"),
    ("AdamW", {}, "random"),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True}, "random"),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.3}, "sparse"),
    ("Adamax", {}, "random"),
    ("Adamax", {"lr": 0.05, "betas": (0.5, 0.7), "weight_decay": 0.2}, "random"),
    ("Adamax", {"lr": 0.05, "betas": (0.5, 0.7), "weight_decay": 0.2}, "sparse"),
]


def gradients(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(start values (5,), gradients (STEPS, 5) with nan for "no gradient this step")."""
    rng = np.random.default_rng(0)
    start = rng.normal(size=5)
    grads = rng.normal(size=(STEPS, 5)) * np.array([1e-3, 0.1, 1.0, 10.0, 0.0])
    if kind == "sparse":
        steps = np.arange(1, STEPS + 1)
        grads[steps % 3 != 1, 2] = np.nan  # a gradient at steps 1, 4, 7, ... only
        grads[steps % 7 != 0, 3] = np.nan  # at steps 7, 14, ... only
    elif kind == "constant 1.7":
        grads[:] = 1.7
    return start, grads


def torch_path(name: str, kw: dict, kind: str) -> np.ndarray:
    """torch's parameters after each step (STEPS, 5); rows after a step that went nan are nan."""
    start, grads = gradients(kind)
    ps = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in start]
    opt = getattr(torch.optim, name)(ps, **kw)
    path = np.full((STEPS, 5), np.nan)
    for k, g in enumerate(grads):
        for p, gi in zip(ps, g):
            p.grad = None if np.isnan(gi) else torch.tensor(float(gi), dtype=torch.float64)
        opt.step()
        path[k] = [p.item() for p in ps]
    return path


def our_path(name: str, kw: dict, kind: str) -> tuple[np.ndarray, int | None]:
    """Our parameters after each step, and the step our optimizer refused (None if none)."""
    start, grads = gradients(kind)
    ps = [Parameter(float(x)) for x in start]
    opt = getattr(optim, name)(ps, **kw)
    path = np.full((STEPS, 5), np.nan)
    for k, g in enumerate(grads):
        for p, gi in zip(ps, g):
            p.grad = NO_GRAD if np.isnan(gi) else float(gi)
        try:
            opt.step()
        except FloatingPointError:
            return path, k + 1
        path[k] = [p.data for p in ps]
    return path, None


def first_nan(path: np.ndarray) -> int | None:
    rows = np.flatnonzero(np.isnan(path).any(axis=1))
    return int(rows[0]) + 1 if len(rows) else None


def gap(a: np.ndarray, b: np.ndarray) -> float:
    """The largest relative difference over the rows where both are finite."""
    rows = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    if not rows.any():
        return 0.0
    a, b = a[rows], b[rows]
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-15)))


def portable_paths() -> list[np.ndarray] | None:
    """torch's paths for every case with its portable kernels (a subprocess), or None if they are in use."""
    if torch.backends.cpu.get_cpu_capability() == "DEFAULT":
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "paths.npy")
        env = dict(os.environ, ATEN_CPU_CAPABILITY="default")
        subprocess.run(
            [sys.executable, "-m", "benchmarks.check_optim", "--torch-paths", out], env=env, check=True
        )
        return list(np.load(out))


def main() -> int:
    if sys.argv[1:2] == ["--torch-paths"]:
        np.save(sys.argv[2], np.array([torch_path(*case) for case in CASES]))
        return 0
    fast_name = torch.backends.cpu.get_cpu_capability()
    portable = portable_paths()
    rows = []
    for i, (name, kw, kind) in enumerate(CASES):
        ours, refused = our_path(name, kw, kind)
        fast = torch_path(name, kw, kind)
        slow = fast if portable is None else portable[i]
        to_fast, to_slow, torch_self = gap(ours, fast), gap(ours, slow), gap(slow, fast)
        ok = to_slow <= TOLERANCE or to_slow <= 2 * torch_self
        ok = ok and (to_fast <= TOLERANCE or to_fast <= 2 * torch_self)
        nan_fast, nan_slow = first_nan(fast), first_nan(slow)
        if refused or nan_fast or nan_slow:
            ends = f"we refuse step {refused}; torch nan at {nan_fast} ({fast_name}), {nan_slow} (default)"
            ok = ok and refused is not None and refused in (nan_fast, nan_slow)
        else:
            ends = ""
        verdict = (
            "ok"
            if ok and max(to_fast, to_slow) <= TOLERANCE
            else "ok (torch's own spread)"
            if ok
            else "MISMATCH"
        )
        options = ", ".join(f"{k}={v}" for k, v in kw.items()) or "defaults"
        rows.append(
            (name, options, kind, f"{to_fast:.1e}", f"{to_slow:.1e}", f"{torch_self:.1e}", ends, verdict)
        )
    print_table(
        f"nn.optim vs torch.optim {torch.__version__} (float64), {STEPS} steps, max relative gap",
        (
            "optimizer",
            "options",
            "gradients",
            f"vs torch {fast_name}",
            "vs torch default",
            "torch vs torch",
            "stops",
            "",
        ),
        rows,
    )
    return 0 if all(r[-1] != "MISMATCH" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
