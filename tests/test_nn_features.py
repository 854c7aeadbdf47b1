"""Feature crosses, as TensorFlow Playground offers them: numbers worked by hand, refusals by name."""

import numpy as np
import pytest

import nn
from nn.datasets import FEATURES, features


def test_each_cross_is_its_formula_worked_by_hand():
    X = np.array([[2.0, 3.0], [-1.0, 0.5]])
    got = features(X, ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"])
    expected = [
        [2.0, 3.0, 4.0, 9.0, 6.0, np.sin(2.0), np.sin(3.0)],
        [-1.0, 0.5, 1.0, 0.25, -0.5, np.sin(-1.0), np.sin(0.5)],
    ]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)
    assert got.shape == (2, len(FEATURES))


def test_one_input_column_takes_the_x1_features_only():
    x = np.array([0.0, 1.5])
    np.testing.assert_allclose(features(x, ["x1", "x1^2"]), [[0.0, 0.0], [1.5, 2.25]])
    with pytest.raises(
        ValueError, match=r"'x1\*x2' needs a second input column; choose from: x1, x1\^2, sin\(x1\)"
    ):
        features(x, ["x1*x2"])


@pytest.mark.parametrize(
    "names, error, match",
    [
        (["x3"], ValueError, r"'x3' is not a feature; choose from: x1, x2, x1\^2"),
        (["x1", "x1"], ValueError, "'x1' is named twice"),
        ([], ValueError, "at least one name"),
        ("x1", TypeError, "a list of names"),
        (["__import__('os')"], ValueError, "is not a feature"),  # a name, never evaluated
        (["x1x2"], ValueError, r"'x1x2' is not a feature \(did you mean 'x1\*x2'\?\); choose from"),
        (["x1**2"], ValueError, r"did you mean 'x1\^2'\?"),  # Python's power, the Playground's x1^2
        (["SIN(X1)"], ValueError, r"did you mean 'sin\(x1\)'\?"),
    ],
)
def test_bad_names_are_refused_with_what_is_accepted(names, error, match):
    with pytest.raises(error, match=match):
        features(np.zeros((3, 2)), names)


def test_a_model_on_crosses_learns_the_circle_a_linear_model_cannot():
    X, y = nn.datasets.circles(n=200, noise=0.05, seed=0)
    F = features(X, ["x1^2", "x2^2"])  # a circle is a line in (x1², x2²)
    model = nn.MLP(2, [1], activation="linear", seed=0)
    nn.fit(model, F, y, loss="hinge", epochs=200, lr=0.1, progress=False, seed=0)
    assert nn.accuracy(model, F, y) > 0.95
    plain = nn.MLP(2, [1], activation="linear", seed=0)
    nn.fit(plain, X, y, loss="hinge", epochs=200, lr=0.1, progress=False, seed=0)
    assert nn.accuracy(plain, X, y) < 0.75
