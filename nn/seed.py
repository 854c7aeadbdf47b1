"""Seeds: one check and one kind of random generator for models, datasets and training."""

from __future__ import annotations

import numpy as np


def rng(seed, what: str = "seed") -> np.random.Generator:
    """numpy's Generator for `seed` (None: fresh entropy), after checking it is a whole number >= 0."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0):
        raise ValueError(f"{what} must be None or a whole number >= 0 (such as 0 or 42), got {seed!r}")
    return np.random.default_rng(seed)
