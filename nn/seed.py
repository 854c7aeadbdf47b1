"""Seeds: one check and one kind of random generator for models, datasets and training."""

from __future__ import annotations

import numpy as np

from .checks import optional_count

#: The generator unseeded layers, datasets and training draw from after manual_seed (None: each
#: draws fresh entropy).
_default: np.random.Generator | None = None


def manual_seed(seed) -> np.random.Generator:
    """Seed the default generator, as torch.manual_seed: every later draw with no seed of its own
    (nn.Linear(2, 16), nn.MLP(...), a dataset, fit's shuffling) takes the next numbers from it, so
    a script run again after nn.manual_seed(0) builds and trains the same. A `seed=` still wins."""
    global _default
    if seed is None:
        raise TypeError("manual_seed takes a whole number >= 0 (such as 0 or 42), got None")
    seed = optional_count("seed", seed, 0, accepted="a whole number >= 0 (such as 0 or 42)")
    _default = np.random.default_rng(seed)
    return _default


def rng(seed, what: str = "seed") -> np.random.Generator:
    """numpy's Generator for `seed` (None: the default generator after manual_seed, else fresh
    entropy), after checking it is a whole number >= 0."""
    seed = optional_count(what, seed, 0, accepted="None or a whole number >= 0 (such as 0 or 42)")
    if seed is None and _default is not None:
        return _default
    return np.random.default_rng(seed)
