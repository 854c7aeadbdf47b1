"""Timing and a plain table, shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence


def time_best(fn: Callable[[], object], repeats: int) -> float:
    """The best wall time of `repeats` calls: the least disturbed by a shared machine."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _cell(x) -> str:
    if isinstance(x, float):
        return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"
    return str(x)


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence]) -> None:
    """A markdown table, so the output pastes into the README as it is."""
    cells = [list(header)] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}\n")
    for k, row in enumerate(cells):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
        if k == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
