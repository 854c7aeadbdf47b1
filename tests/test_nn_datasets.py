"""nn.datasets: shapes, class balance, determinism, the geometry of each set, splitting and scaling."""

import math

import numpy as np
import pytest

from nn import datasets

CLASSIFICATION = [
    ("xor", {"n": 40, "noise": 0.1}, 2),
    ("moons", {"n": 101}, 2),
    ("circles", {"n": 100}, 2),
    ("spirals", {"n": 300, "classes": 3}, 3),
    ("blobs", {"n": 100, "centers": 4}, 4),
]


@pytest.mark.parametrize("name, kw, k", CLASSIFICATION)
def test_classification_sets_shapes_balance_and_determinism(name, kw, k):
    make = getattr(datasets, name)
    X, y = make(**kw, seed=0)
    n = kw["n"]
    assert X.shape == (n, 2) and X.dtype == np.float64 and y.shape == (n,) and y.dtype.kind == "i"
    counts = np.bincount(y)
    assert len(counts) == k and counts.max() - counts.min() <= 1  # balanced, to one example
    X2, y2 = make(**kw, seed=0)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = make(**kw, seed=1)
    assert not np.array_equal(X, X3)


def test_xor_is_the_truth_table():
    X, y = datasets.xor()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == [0, 1, 1, 0]


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = datasets.moons(n=50, noise=0.0, seed=0)
    outer, inner = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*outer.T), 1.0)  # centred at (0, 0), upper half
    assert np.all(outer[:, 1] >= -1e-12)
    np.testing.assert_allclose(
        np.hypot(inner[:, 0] - 1, inner[:, 1] - 0.5), 1.0
    )  # centred at (1, 0.5), lower
    assert np.all(inner[:, 1] <= 0.5 + 1e-12)


def test_circles_without_noise_have_radius_one_and_factor():
    X, y = datasets.circles(n=40, noise=0.0, factor=0.3, seed=0)
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0)
    np.testing.assert_allclose(np.hypot(*X[y == 1].T), 0.3)


def test_spirals_start_at_the_centre_and_reach_radius_one():
    X, y = datasets.spirals(n=30, classes=3, noise=0.0, seed=0)
    for k in range(3):
        r = np.sort(np.hypot(*X[y == k].T))
        np.testing.assert_allclose(r, np.linspace(0, 1, 10), atol=1e-12)


def test_blobs_sit_around_centres_on_a_circle_of_radius_two():
    X, y = datasets.blobs(n=4000, centers=4, spread=0.1, seed=0)
    for k in range(4):
        angle = 2 * math.pi * k / 4
        centre = X[y == k].mean(axis=0)
        np.testing.assert_allclose(centre, [2 * math.cos(angle), 2 * math.sin(angle)], atol=0.02)


def test_regression_sets_follow_their_formulas():
    x, y = datasets.line(n=20, slope=3.0, intercept=0.5, noise=0.0, seed=0)
    assert x.shape == (20, 1) and y.shape == (20,)
    np.testing.assert_allclose(y, 3.0 * x[:, 0] + 0.5)
    assert np.all(np.diff(x[:, 0]) >= 0) and np.all(np.abs(x) <= 1)
    x, y = datasets.sine(n=30, noise=0.0, seed=0)
    np.testing.assert_allclose(y, np.sin(x[:, 0]))
    assert np.all(np.abs(x) <= math.pi)
    _, noisy = datasets.line(n=5000, slope=0.0, intercept=0.0, noise=0.2, seed=0)
    assert noisy.std() == pytest.approx(0.2, rel=0.05)


def test_train_test_split_partitions_the_data():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_size=0.3, seed=0)
    assert len(X_test) == 3 and len(X_train) == 7
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(10))
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)  # rows stay with their labels
    again = datasets.train_test_split(X, y, test_size=0.3, seed=0)
    assert np.array_equal(again[3], y_test)


def test_standardize_and_reuse_the_statistics():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[5.0, -3.0, 2.0], scale=[2.0, 0.5, 0.0], size=(200, 3))
    Z, (mean, std) = datasets.standardize(X)
    np.testing.assert_allclose(Z[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z[:, :2].std(axis=0), 1.0)
    np.testing.assert_allclose(Z[:, 2], 0.0)  # a constant column is centred, not divided by zero
    Z_test, _ = datasets.standardize(np.array([[5.0, -3.0, 2.0]]), (mean, std))
    np.testing.assert_allclose(Z_test, [(np.array([5.0, -3.0, 2.0]) - mean) / std])


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: datasets.moons(n=1), "n must be a whole number >= 2"),
        (lambda: datasets.moons(n=10.5), "n must be a whole number"),
        (lambda: datasets.moons(noise=-0.1), "noise must be a number >= 0"),
        (lambda: datasets.xor(n=3), "n must be a whole number >= 4"),
        (lambda: datasets.spirals(classes=1), "classes must be a whole number >= 2"),
        (lambda: datasets.circles(factor=1.5), "factor"),
        (lambda: datasets.train_test_split(np.ones((4, 2)), np.ones(3)), "same length"),
        (lambda: datasets.train_test_split(np.ones((4, 2)), np.ones(4), test_size=1.5), "fraction"),
    ],
)
def test_bad_arguments(call, words):
    with pytest.raises(ValueError, match=words):
        call()
