"""Seeds: one check and one kind of random generator for models, datasets and training."""

from __future__ import annotations

import numpy as np

from .checks import optional_count


def rng(seed, what: str = "seed") -> np.random.Generator:
    """numpy's Generator for `seed` (None: fresh entropy), after checking it is a whole number >= 0."""
    seed = optional_count(what, seed, 0, accepted="None or a whole number >= 0 (such as 0 or 42)")
    return np.random.default_rng(seed)
