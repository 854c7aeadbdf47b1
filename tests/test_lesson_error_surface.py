"""The lesson demos/error_surface.py shows its claims: the numbers in its RESULT, checked against
independent truth (numpy's least squares, the mse's gradient and Hessian worked by hand here)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nn
from demos import common

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
RAW = "x in [0, 1000]"


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> dict:
    """RESULT of common.run("error_surface", quick=True), once for the module."""
    out = tmp_path_factory.mktemp("error_surface")
    with pytest.MonkeyPatch.context() as patch:
        if "error_surface" not in common.LESSONS:  # run() refuses a lesson not (yet) in LESSONS
            patch.setattr(common, "LESSONS", (*common.LESSONS, "error_surface"))
        result = common.run("error_surface", quick=True, out=out, quiet=True)
    result["out"] = out
    return result


@pytest.fixture(scope="module")
def data():
    """The lesson's points, made here again: x in [-1, 1], stretched to [0, 1000], standardised."""
    X, y = nn.datasets.line(n=50, slope=2.0, intercept=-1.0, noise=0.1, seed=0)
    x = X[:, 0]
    raw = 500 * (x + 1)
    return {"line": x, RAW: raw, "standardized": (raw - raw.mean()) / raw.std(), "y": y}


def hessian(x) -> np.ndarray:
    """The mse of ŷ = w·x + b is a quadratic: its Hessian is 2·AᵀA/n with A = [x 1]."""
    A = np.column_stack([x, np.ones_like(x)])
    return 2 * A.T @ A / len(x)


def least_squares(x, y) -> tuple[np.ndarray, float]:
    slope, intercept = np.polyfit(x, y, 1)
    return np.array([slope, intercept]), float(np.mean((slope * x + intercept - y) ** 2))


def test_the_figures_are_written(result):
    figures = [Path(p) for p in result["figures"]]
    assert [p.name for p in figures] == ["error_surface.png", "error_surface_scaling.png"]
    for path in figures:
        assert path.parent == result["out"]
        data = path.read_bytes()
        assert data[:8] == PNG_MAGIC and 5_000 < len(data) < 400_000


def test_the_arrows_are_the_gradient_of_the_mse(result, data):
    x, y = data["line"], data["y"]
    W, B, grads = result["arrows"]
    assert W.shape == B.shape == grads.shape[:2] and W.size >= 49
    r = W[..., None] * x + B[..., None] - y  # residuals at every grid point
    by_hand = np.stack([2 * np.mean(r * x, axis=-1), 2 * np.mean(r, axis=-1)], axis=-1)
    np.testing.assert_allclose(grads, by_hand, rtol=1e-12, atol=1e-12)


def test_least_squares_is_the_bottom(result, data):
    best, floor = least_squares(data["line"], data["y"])
    np.testing.assert_allclose(result["least_squares"]["line"], best, atol=1e-10)
    assert result["floor"] == pytest.approx(floor, rel=1e-10)
    assert 0.005 < floor < 0.02  # noise 0.1: about 0.1²
    best_std, _ = least_squares(data["standardized"], data["y"])
    np.testing.assert_allclose(result["least_squares"]["standardized"], best_std, atol=1e-10)


def test_condition_numbers_from_the_data_and_from_the_engine(result, data):
    for name in ("line", RAW, "standardized"):
        key = "x in [-1, 1]" if name == "line" else name
        eig = np.linalg.eigvalsh(hessian(data[name]))
        kappa = eig.max() / eig.min()
        assert result["condition"][key] == pytest.approx(kappa, rel=1e-9)
        assert result["condition_engine"][key] == pytest.approx(
            kappa, rel=1e-6
        )  # finite differences of backward()
    assert 2 < result["condition"]["x in [-1, 1]"] < 4  # a slightly oval bowl
    assert result["condition"][RAW] > 1e6  # a valley
    assert result["condition"]["standardized"] == pytest.approx(1.0, abs=1e-9)  # H = 2·I: round


def test_optimizers_on_the_standardized_bowl(result, data):
    reached, eps, steps = result["reached_standardized"], result["eps"], result["steps"]
    assert steps == 50 and eps == 1e-3
    settled = {"SGD", "Nesterov 0.9", "RMSProp"}
    assert {name for name, step in reached.items() if step is not None} == settled
    assert {name for name, step in reached.items() if step is None} == {"momentum 0.9", "Adam", "Adamax"}
    assert all(0 < reached[name] <= steps for name in settled)
    best, floor = least_squares(data["standardized"], data["y"])
    for name, (w, b) in result["final_standardized"].items():  # the claim, from the parameters themselves
        excess = np.mean((w * data["standardized"] + b - data["y"]) ** 2) - floor
        assert (excess <= eps) == (name in settled), name
        if name in settled:  # H = 2·I: the excess loss is the squared distance to the minimum
            assert np.linalg.norm([w, b] - best) <= np.sqrt(eps) + 1e-9


def test_on_the_first_bowl_only_nesterov_and_rmsprop_settle(result):
    reached = result["reached"]
    assert {name for name, step in reached.items() if step is not None} == {"Nesterov 0.9", "RMSProp"}


def test_plain_descent_crawls_on_raw_x_and_arrives_after_standardizing(result, data):
    for name in (RAW, "standardized"):  # at 0.9 of the limit 2/λmax: stable
        limit = 2 / np.linalg.eigvalsh(hessian(data[name])).max()
        assert result["gd_lr"][name] == pytest.approx(0.9 * limit, rel=1e-9)
    assert result["gd_reached"]["standardized"] is not None and result["gd_reached"]["standardized"] <= 25
    assert result["gd_excess"]["standardized"] < 1e-6
    assert result["gd_reached"][RAW] is None
    assert result["gd_excess"][RAW] > 1000 * result["eps"]
    assert result["long"] == 100 * result["steps"]
    long, short = result["gd_excess_long"][RAW], result["gd_excess"][RAW]
    assert 0.9 * short < long < short  # a hundred times the steps: hardly any nearer
