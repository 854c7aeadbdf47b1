"""Our optimizers against torch.optim: the same trajectories from the same gradients.

    python -m benchmarks.check_optim      # needs the bench extra (torch)

The tests check every rule against steps worked by hand; this script adds
PyTorch itself as a reference, which the tests may not depend on. It prints
the largest difference per case and exits 1 if any exceeds 1e-12 (relative).
"""

from __future__ import annotations

import sys

import numpy as np

try:
    import torch
except ImportError:  # pragma: no cover
    sys.exit('this check needs the bench extra: pip install -e ".[bench]"')

from autograd_lite import Parameter
from nn import optim

from .common import print_table

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.1}),
    ("Adam", {}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True}),
    ("Adamax", {}),
    ("Adamax", {"lr": 0.05, "betas": (0.5, 0.7), "weight_decay": 0.2}),
]


def trajectory_gap(name: str, kw: dict, steps: int = 8) -> float:
    """The largest relative difference between our parameters and PyTorch's over `steps` steps."""
    rng = np.random.default_rng(0)
    start = rng.normal(size=5)
    grads = rng.normal(size=(steps, 5)) * np.array([1e-3, 0.1, 1.0, 10.0, 0.0])
    ours = [Parameter(float(x)) for x in start]
    opt = getattr(optim, name)(ours, **kw)
    theirs = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    ref = getattr(torch.optim, name)([theirs], **kw)
    gap = 0.0
    for g in grads:
        for p, gi in zip(ours, g):
            p.grad = float(gi)
        opt.step()
        theirs.grad = torch.tensor(g, dtype=torch.float64)
        ref.step()
        mine, want = np.array([p.data for p in ours]), theirs.detach().numpy()
        gap = max(gap, float(np.max(np.abs(mine - want) / np.maximum(np.abs(want), 1e-15))))
    return gap


def main() -> int:
    rows = [(name, str(kw) or "defaults", trajectory_gap(name, kw)) for name, kw in CASES]
    rows = [(n, kw, f"{gap:.1e}", "ok" if gap <= 1e-12 else "MISMATCH") for n, kw, gap in rows]
    print_table(
        f"nn.optim vs torch.optim {torch.__version__}, 8 steps",
        ("optimizer", "options", "max rel. gap", ""),
        rows,
    )
    return 0 if all(r[3] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
