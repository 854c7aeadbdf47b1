"""What every lesson shares: its command line, its output folder, its figures and its tables.

A lesson is a module `demos/NAME.py` with a docstring (what to look for) and
`run(quick, out) -> dict` that prints the narrative, writes its figures to
`out` and returns the numbers it measured (a test asserts the claim on them),
with its main picture first in `result["figures"]`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from matplotlib.figure import Figure

from autograd_lite.palette import OKABE_ITO, SERIES

#: Every lesson, in the order a course teaches them.
LESSONS = (
    "backprop_by_hand",
    "chain_rule",
    "gradient_check",
    "softmax",
    "xor",
    "search_vs_descent",
    "learning_rate",
    "local_minima",
    "optimizers",
    "minibatch",
    "activations",
    "normalization",
    "early_stopping",
    "losses",
    "classification",
    "moons",
)

DPI = 100  # small files that still read well on a screen
COLORS = [c for c in SERIES if c != OKABE_ITO["yellow"]]  # Okabe-Ito; its yellow is faint on white


def main(name: str, run: Callable[..., dict], doc: str | None, argv: Sequence[str] | None = None) -> dict:
    """`python -m demos.NAME [--quick] [--out DIR]`: parse, run the lesson, say where its figures are."""
    parser = argparse.ArgumentParser(
        prog=f"python -m demos.{name}",
        description=(doc or "").strip().split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="a smaller run, in a few seconds (for tests)")
    parser.add_argument("--out", default=f"out/{name}", help=f"where to write figures (default: out/{name}/)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    result = run(quick=args.quick, out=Path(args.out))
    print(f"\nfigures ({time.perf_counter() - start:.1f} s):")
    for path in result.get("figures", []):
        print(f"  {path}")
    return result


def lesson_summary(name: str) -> str:
    """The first line of a lesson's docstring."""
    import importlib

    doc = importlib.import_module(f"demos.{name}").__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def figure(ncols: int = 1, width: float = 6.0, height: float = 4.3) -> tuple[Figure, list]:
    """A figure of `ncols` panels side by side (object API: no pyplot, no window)."""
    fig = Figure(figsize=(width * ncols, height), layout="constrained")
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    return fig, axes


def save(fig: Figure, out: Path, name: str) -> Path:
    """Write `fig` as out/NAME.png and return the path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    fig.savefig(path, dpi=DPI)
    return path


def table(headers: Sequence[str], rows: Sequence[Sequence], indent: str = "  ") -> str:
    """A plain-text table; floats get 4 significant digits, numbers are right-aligned."""

    def cell(x) -> str:
        if isinstance(x, float):
            return f"{x:.4g}"
        return str(x)

    cells = [[cell(x) for x in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join(indent + line.rstrip() for line in lines)


def _numeric(text: str) -> bool:
    if text == "-":  # a missing number
        return True
    try:
        float(text.rstrip("%×x"))
    except ValueError:
        return False
    return True


def first_at_or_below(curve: Sequence[float], target: float) -> int | None:
    """The 1-based epoch at which `curve` first reaches `target` or lower; None if never."""
    for i, v in enumerate(curve):
        if v <= target:
            return i + 1
    return None
