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


# --- TensorFlow Playground's datasets (src/dataset.ts), on its scale, labels +1/-1 as 1/0 ----------

PLAYGROUND_CLASSES = ["circle", "quadrants", "gaussians", "spiral"]
PLAYGROUND_REGRESSION = ["plane", "multi_gaussian"]


@pytest.mark.parametrize("name", PLAYGROUND_CLASSES + PLAYGROUND_REGRESSION)
def test_playground_sets_shapes_and_determinism(name):
    make = getattr(datasets, name)
    X, y = make(seed=0)
    n = 500 if name in PLAYGROUND_CLASSES else 1200  # the Playground's own counts
    assert X.shape == (n, 2) and X.dtype == np.float64 and y.shape == (n,)
    assert y.dtype.kind == ("i" if name in PLAYGROUND_CLASSES else "f")
    again = make(seed=0)
    assert np.array_equal(X, again[0]) and np.array_equal(y, again[1])
    assert not np.array_equal(X, make(seed=1)[0])
    noisy = make(n=50, noise=0.3, seed=0)
    assert noisy[0].shape == (50, 2) and np.isfinite(noisy[0]).all()


def test_circle_is_a_disc_of_radius_2_5_inside_a_ring_from_3_5_to_5():
    X, y = datasets.circle(n=201, noise=0.0, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.array_equal(y, (r < 2.5).astype(int))  # class 1 inside, as the Playground's +1
    assert np.all((r < 2.5) | ((r >= 3.5) & (r <= 5.0)))  # the gap between 2.5 and 3.5 is empty
    assert np.bincount(y).tolist() == [100, 101]  # half made inside, half outside
    # noise moves where a label is read, not the point: the points keep their bands, labels flip
    Xn, yn = datasets.circle(n=2000, noise=0.5, seed=0)
    rn = np.hypot(Xn[:, 0], Xn[:, 1])
    assert np.all((rn < 2.5) | ((rn >= 3.5) & (rn <= 5.0)))
    assert 0.05 < np.mean(yn != (rn < 2.5)) < 0.5


def test_quadrants_are_xor_of_the_signs_kept_0_3_off_the_axes():
    X, y = datasets.quadrants(n=2000, noise=0.0, seed=0)
    assert np.all(np.abs(X) >= 0.3) and np.all(np.abs(X) <= 5.3)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(int))  # quadrants I and III: class 1
    assert 0.45 < y.mean() < 0.55  # uniform over the quadrants, so balanced only on average
    for corner in ([1, 1], [1, -1], [-1, 1], [-1, -1]):
        assert np.sum(np.all(np.sign(X) == corner, axis=1)) > 400  # every quadrant filled
    _, yn = datasets.quadrants(n=2000, noise=0.5, seed=0)
    assert np.mean(yn != y) > 0  # noise: some labels read across an axis


def test_gaussians_sit_at_2_2_and_minus_2_minus_2_with_the_playgrounds_variance():
    X, y = datasets.gaussians(n=4000, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [2000, 2000]
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.05)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2, -2], atol=0.05)
    np.testing.assert_allclose(X[y == 1].var(axis=0), [0.5, 0.5], rtol=0.1)  # variance 0.5 at 0%
    assert np.mean((X.sum(axis=1) > 0) == (y == 1)) > 0.999  # the line x1 + x2 = 0 splits them
    Xn, yn = datasets.gaussians(n=4000, noise=0.5, seed=0)
    np.testing.assert_allclose(Xn[yn == 0].var(axis=0), [4, 4], rtol=0.1)  # variance 4 at 50%


def test_spiral_arms_are_each_other_turned_by_half_a_turn():
    X, y = datasets.spiral(n=20, noise=0.0, seed=0)
    m = 10
    for label, turn in ((1, 0.0), (0, math.pi)):
        arm = X[y == label]
        arm = arm[np.argsort(np.hypot(arm[:, 0], arm[:, 1]))]
        i = np.arange(m)
        r, t = 5 * i / m, 1.75 * 2 * math.pi * i / m + turn
        np.testing.assert_allclose(arm, np.stack([r * np.sin(t), r * np.cos(t)], axis=1), atol=1e-12)
    # point 1 of 10 of class 1, by hand: radius 0.5, angle 0.35π
    assert np.any(np.all(np.isclose(X, [0.5 * math.sin(0.35 * math.pi), 0.5 * math.cos(0.35 * math.pi)]), 1))
    Xn, _ = datasets.spiral(n=20, noise=0.5, seed=0)
    assert 0 < np.abs(np.sort(Xn, axis=0) - np.sort(X, axis=0)).max() <= 0.5 * 2 + 1e-12


def test_plane_and_multi_gaussian_targets_by_hand():
    X, y = datasets.plane(n=500, noise=0.0, seed=0)
    assert np.all(np.abs(X) <= 6)
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 10)  # -10..10 scaled to -1..1, not clipped
    assert y.min() < -1 and y.max() > 1 and np.all(np.abs(y) <= 1.2)
    X, y = datasets.multi_gaussian(n=2000, noise=0.0, seed=0)
    centres = np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]])
    signs = np.array([1, -1, 1, -1, 1, -1])
    d = np.hypot(*(X[:, None, :] - centres).transpose(2, 0, 1))
    near = d.argmin(axis=1)  # the bumps (radius 2) do not overlap, so the nearest centre decides
    expected = signs[near] * np.maximum(0.0, 1 - d[np.arange(len(X)), near] / 2)
    np.testing.assert_allclose(y, expected, atol=1e-12)
    assert np.all(np.abs(y) <= 1) and (y == 0).mean() > 0.3
    _, yn = datasets.plane(n=500, noise=0.5, seed=0)
    assert not np.allclose(yn, (X[:500, 0] + X[:500, 1]) / 10)


@pytest.mark.parametrize(
    "name, make, n",
    [("circle", "circle", 500), ("xor", "quadrants", 500), ("gauss", "gaussians", 500),
     ("spiral", "spiral", 500), ("plane", "plane", 1200), ("multi-gauss", "multi_gaussian", 1200)],
)  # fmt: skip
def test_playground_by_its_names_splits_by_the_train_ratio(name, make, n):
    X_train, y_train, X_test, y_test = datasets.playground(name, seed=0)
    assert len(X_train) == len(y_train) == n // 2 and len(X_test) == len(y_test) == n - n // 2
    X, y = getattr(datasets, make)(seed=0)  # the shuffled points: the first ones train
    assert np.array_equal(np.concatenate([X_train, X_test]), X)
    assert np.array_equal(np.concatenate([y_train, y_test]), y)


@pytest.mark.parametrize("n, train, sizes", [(200, 0.3, (60, 140)), (100, 0.7, (70, 30)), (11, 0.5, (5, 6))])
def test_playground_ratio_is_floored_as_the_playground_does(n, train, sizes):
    X_train, _, X_test, _ = datasets.playground("circle", n=n, train=train, noise=0.1, seed=3)
    assert (len(X_train), len(X_test)) == sizes


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: datasets.playground("moons"),
         "unknown Playground dataset 'moons'; choose one of: circle, xor, gauss, spiral, plane, multi-gauss"),
        (lambda: datasets.playground("circle", train=0.95), r"from 0.1 to 0.9 .*got 0.95"),
        (lambda: datasets.playground("circle", train=0.05), "ratio of training to test data"),
        (lambda: datasets.playground("circle", n=4, train=0.1), "leaves no training points"),
        (lambda: datasets.circle(noise=25), r"fraction \(0.25 for its 25%, at most 1\), got 25"),
        (lambda: datasets.spiral(noise=-0.1), "noise must be a number >= 0"),
        (lambda: datasets.gaussians(n=1), "n must be a whole number >= 2"),
        (lambda: datasets.plane(n=0), "n must be a whole number >= 1"),
        (lambda: datasets.multi_gaussian(n=2.5), "n must be a whole number"),
    ],
)  # fmt: skip
def test_playground_bad_arguments(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_playground_type_errors():
    with pytest.raises(TypeError, match="noise must be a number"):
        datasets.circle(noise="0.1")
    with pytest.raises(TypeError, match="train must be a number"):
        datasets.playground("circle", train="half")
