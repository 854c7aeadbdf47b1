"""Argument checks for nn and its command line: whole numbers (counts) and real numbers in a range.

One rule and one sentence each: `count("epochs", -1, 0)` refuses with "epochs must
be a whole number >= 0, got -1". A count that is not whole is a ValueError, as
is a number out of range; something that is not a number at all (a string, a
list) is a TypeError. `accepted=` rewords what is accepted where a caller
already has its own words (the CLI's terse "--epochs must be >= 0").
"""

from __future__ import annotations

import math
import numbers


def count(name: str, n, minimum: int = 1, *, accepted: str | None = None) -> int:
    """n as an int if it is a whole number >= minimum (a bool is not), else a ValueError naming `name`."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < minimum:
        raise ValueError(f"{name} must be {accepted or f'a whole number >= {minimum}'}, got {n!r}")
    return int(n)


def optional_count(name: str, n, minimum: int = 1, *, accepted: str | None = None) -> int | None:
    """None, or n checked by `count` (the message says None is accepted too)."""
    if n is None:
        return None
    return count(name, n, minimum, accepted=accepted or f"a whole number >= {minimum} or None")


def number(
    name: str, x, low: float = 0.0, below: float | None = None, *, accepted: str | None = None
) -> float:
    """x as a float if it is a finite real number with low <= x (< below); a TypeError if it is no number,
    a ValueError if it is out of range, each naming `name`."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a number, got {x!r}")
    value = float(x)
    if not math.isfinite(value) or value < low or (below is not None and value >= below):
        range_ = f">= {low:g}" if below is None else f"in [{low:g}, {below:g})"
        raise ValueError(f"{name} must be {accepted or f'a finite number {range_}'}, got {x!r}")
    return value
