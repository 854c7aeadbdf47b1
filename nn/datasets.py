"""Toy datasets, seeded and made with numpy alone: each returns (X, y).

X is a float array (n, features); y holds class indices 0..k-1 for
classification (use 2*y - 1 for ±1 labels) and floats for regression.
"""

from __future__ import annotations

import math

import numpy as np

from .checks import count, number
from .module import check_size, estimate_bytes
from .seed import rng as make_rng


def _check(n, noise=0.0, name="n", minimum=1, *, points: int = 0):
    """Check a count (and the noise); for n, or classes among `points`, refuse what would not fit."""
    n = count(name, n, minimum)
    number("noise", noise, accepted="a number >= 0")
    what = f"{n:,} points" if name == "n" else f"{points:,} points in {n:,} {name}"
    check_size(
        what,
        estimate_bytes(samples=int(n) + points),
        "use a smaller n" if name == "n" else f"use fewer {name}",
    )


def _split(n: int, k: int) -> np.ndarray:
    """n examples over k classes, as evenly as possible (the first n % k get one more)."""
    counts = np.full(k, n // k)
    counts[: n % k] += 1
    return counts


def _positions(counts: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """np.linspace(start[k], stop[k], counts[k]) for every k, concatenated (numpy's own arithmetic)."""
    k = np.repeat(np.arange(len(counts)), counts)
    j = np.arange(len(k)) - np.repeat(np.cumsum(counts) - counts, counts)
    m = counts[k]
    step = np.divide(stop - start, counts - 1, out=np.zeros(len(counts)), where=counts > 1)[k]
    values = j * step + start[k]
    last = (j == m - 1) & (m > 1)
    values[last] = stop[k][last]  # linspace ends exactly at stop
    return values


def xor(n: int = 4, noise: float = 0.0, seed: int | None = None):
    """The XOR table: (0,0)->0, (0,1)->1, (1,0)->1, (1,1)->0; n > 4 repeats it with noise."""
    _check(n, noise, minimum=4)
    rng = make_rng(seed)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    X = corners[np.arange(n) % 4] + rng.normal(0.0, noise, size=(n, 2)) * (noise > 0)
    y = np.array([0, 1, 1, 0])[np.arange(n) % 4]
    return X, y


def moons(n: int = 100, noise: float = 0.1, seed: int | None = None):
    """Two interleaving half circles (scikit-learn's make_moons, without scikit-learn)."""
    _check(n, noise, minimum=2)
    rng = make_rng(seed)
    n_out, n_in = _split(n, 2)
    t_out = np.linspace(0, math.pi, n_out)
    t_in = np.linspace(0, math.pi, n_in)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], axis=1)
    X = np.concatenate([outer, inner]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_out, int), np.ones(n_in, int)])
    order = rng.permutation(n)
    return X[order], y[order]


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = None):
    """A small circle inside a big one (class 1 inside)."""
    _check(n, noise, minimum=2)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius / outer radius) must be between 0 and 1, got {factor!r}")
    rng = make_rng(seed)
    n_out, n_in = _split(n, 2)
    t_out = np.linspace(0, 2 * math.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * math.pi, n_in, endpoint=False)
    X = np.concatenate(
        [np.stack([np.cos(t_out), np.sin(t_out)], 1), factor * np.stack([np.cos(t_in), np.sin(t_in)], 1)]
    )
    X = X + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_out, int), np.ones(n_in, int)])
    order = rng.permutation(n)
    return X[order], y[order]


def spirals(n: int = 300, classes: int = 3, noise: float = 0.2, seed: int | None = None):
    """Interleaved spiral arms, one per class (the CS231n dataset)."""
    _check(n, noise, minimum=2)
    _check(classes, name="classes", minimum=2, points=n)
    rng = make_rng(seed)
    counts = _split(n, classes)  # arm k: radius 0 -> 1, angle 4k -> 4(k + 1), plus noise
    r = _positions(counts, np.zeros(classes), np.ones(classes))
    arms = 4.0 * np.arange(classes)
    t = _positions(counts, arms, arms + 4.0) + rng.normal(0.0, noise, size=n)
    X = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
    y = np.repeat(np.arange(classes), counts)
    order = rng.permutation(n)
    return X[order], y[order]


def blobs(n: int = 100, centers: int = 3, spread: float = 0.5, seed: int | None = None):
    """Gaussian clusters around centers spaced on a circle of radius 2."""
    _check(n, spread, minimum=1)
    _check(centers, name="centers", minimum=1, points=n)
    rng = make_rng(seed)
    angles = 2 * math.pi * np.arange(centers) / centers
    mids = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    y = np.repeat(np.arange(centers), _split(n, centers))
    X = mids[y] + rng.normal(0.0, spread, size=(n, 2))
    order = rng.permutation(n)
    return X[order], y[order]


def line(
    n: int = 50, slope: float = 2.0, intercept: float = -1.0, noise: float = 0.1, seed: int | None = None
):
    """1-D regression: y = slope * x + intercept + noise, x in [-1, 1]."""
    _check(n, noise, minimum=1)
    rng = make_rng(seed)
    x = np.sort(rng.uniform(-1.0, 1.0, size=n))
    return x[:, None], slope * x + intercept + rng.normal(0.0, noise, size=n)


def sine(n: int = 100, noise: float = 0.1, seed: int | None = None):
    """1-D regression: y = sin(x) + noise, x in [-π, π] (needs a non-linear model)."""
    _check(n, noise, minimum=1)
    rng = make_rng(seed)
    x = np.sort(rng.uniform(-math.pi, math.pi, size=n))
    return x[:, None], np.sin(x) + rng.normal(0.0, noise, size=n)


def train_test_split(X, y, test_size: float = 0.25, seed: int | None = None):
    """Shuffle, then split: returns X_train, X_test, y_train, y_test."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size is a fraction between 0 and 1, got {test_size!r}")
    n_test = max(1, round(len(X) * test_size))
    if n_test >= len(X):
        raise ValueError(f"test_size={test_size} leaves no training examples out of {len(X)}")
    order = make_rng(seed).permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def standardize(X, stats: tuple | None = None):
    """Scale each column to mean 0 and standard deviation 1.

    Returns (X_scaled, (mean, std)); pass those stats to scale test data the
    same way: standardize(X_test, stats).
    """
    X = np.asarray(X, dtype=float)
    if stats is None:
        mean, std = X.mean(axis=0), X.std(axis=0)
        std = np.where(std > 0, std, 1.0)  # a constant column stays as it is
    else:
        mean, std = stats
    return (X - mean) / std, (mean, std)


#: The feature crosses TensorFlow Playground offers, by the names `features` takes: each a function
#: of the input columns x1, x2 (a table, never evaluated text).
FEATURES: dict[str, tuple[int, object]] = {
    "x1": (1, lambda x1, x2: x1),
    "x2": (2, lambda x1, x2: x2),
    "x1^2": (1, lambda x1, x2: x1 * x1),
    "x2^2": (2, lambda x1, x2: x2 * x2),
    "x1*x2": (2, lambda x1, x2: x1 * x2),
    "sin(x1)": (1, lambda x1, x2: np.sin(x1)),
    "sin(x2)": (2, lambda x1, x2: np.sin(x2)),
}


def features(X, names):
    """The columns `names` computed from the inputs of X (one or two columns, x1 and x2), as the
    Playground's feature crosses: e.g. features(X, ["x1", "x2", "x1*x2", "sin(x1)"]) -> (n, 4).

    Names are from FEATURES; an unknown name, a repeated one, or one that needs x2 for a
    one-column X is refused with the list of accepted names.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] not in (1, 2):
        raise ValueError(f"features needs X with one or two columns (x1, x2), got shape {np.shape(X)}")
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise TypeError(f"features takes a list of names, e.g. ['x1', 'x2', 'x1*x2']; got {names!r}")
    names = list(names)
    if not names:
        raise ValueError(f"features needs at least one name, from: {', '.join(FEATURES)}")
    inputs = X.shape[1]
    accepted = [k for k, (needs, _) in FEATURES.items() if needs <= inputs]
    columns = []
    for name in names:
        if name not in FEATURES or FEATURES[name][0] > inputs:
            why = "needs a second input column" if name in FEATURES else "is not a feature"
            raise ValueError(f"{name!r} {why}; choose from: {', '.join(accepted)}")
        columns.append(name)
    if len(set(columns)) != len(columns):
        twice = next(c for c in columns if columns.count(c) > 1)
        raise ValueError(f"features: {twice!r} is named twice")
    x1 = X[:, 0]
    x2 = X[:, 1] if inputs == 2 else np.zeros(len(X))
    return np.stack([FEATURES[name][1](x1, x2) for name in columns], axis=1)  # type: ignore[operator]
