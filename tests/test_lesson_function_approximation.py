"""The function-approximation lesson's claims: one tanh unit cannot bend, ten fit sin(x) closely.

Run once, quick, through `common.run` as tests/test_demos.py runs every lesson. The
truths here are independent of the lesson's code: numpy's sin for the targets the
expression parser made, mse recomputed from each trained model, finite differences of
each fit for its bends, and the best any monotone curve can do (isotonic regression,
pool-adjacent-violators, written out below) as a floor under one unit's error.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nn
from demos import common

NAME = "function_approximation"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        if NAME not in common.LESSONS:  # common.run takes only registered lessons; until it is one
            patch.setattr(common, "LESSONS", (*common.LESSONS, NAME))
        return common.run(NAME, quick=True, out=tmp_path_factory.mktemp(NAME), quiet=True)


def sign_changes(values: np.ndarray) -> int:
    signs = np.sign(values)
    signs = signs[signs != 0]
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def best_monotone_mse(y: np.ndarray) -> float:
    """The least mse of any non-decreasing or non-increasing sequence fitted to y (isotonic regression)."""

    def rising(y: np.ndarray) -> float:
        means: list[float] = []  # blocks of y, pooled while a block's mean drops below the one before
        counts: list[int] = []
        for v in y:
            means.append(float(v))
            counts.append(1)
            while len(means) > 1 and means[-2] > means[-1]:
                n = counts[-2] + counts[-1]
                means[-2:] = [(means[-2] * counts[-2] + means[-1] * counts[-1]) / n]
                counts[-2:] = [n]
        fit = np.repeat(means, counts)
        return float(np.mean((fit - y) ** 2))

    return min(rising(y), rising(-y))


def test_the_targets_are_sin_read_by_the_safe_parser(result):
    assert result["function"] == "sin(x)"
    assert result["x"][0] == pytest.approx(-np.pi) and result["x"][-1] == pytest.approx(np.pi)
    assert result["y"] == pytest.approx(np.sin(result["x"]), abs=1e-15)
    assert result["truth_bends"] == 2  # sin turns at -π/2 and π/2


def test_each_reported_mse_is_the_trained_models_own(result):
    x, y = result["x"], np.sin(result["x"])
    for width, model in result["models"].items():
        assert np.mean((nn.predict(model, x[:, None]) - y) ** 2) == pytest.approx(
            result["mse"][width], rel=1e-9
        )
        assert nn.predict(model, result["grid"][:, None]) == pytest.approx(result["fits"][width], abs=1e-12)


def test_one_hidden_unit_cannot_bend(result):
    fit = result["fits"][1]
    assert sign_changes(np.diff(fit)) == 0 and result["bends"][1] == 0  # monotone on [-π, π]
    floor = best_monotone_mse(np.sin(result["x"]))  # no monotone curve does better: 0.070 on the 50 points
    assert 0.05 < floor <= result["mse"][1] + 1e-12
    assert result["mse"][1] > 0.05


def test_more_units_bend_with_sin_and_fit_it_closely(result):
    mse, bends = result["mse"], result["bends"]
    for width in (3, 10, 30):
        assert bends[width] == 2, width  # the engine's slope dŷ/dx: two turns, like sin
        assert sign_changes(np.diff(result["fits"][width])) == 2, width  # finite differences agree
    assert mse[10] < 2e-3 and mse[30] < 2e-3  # measured: 2.2e-4 and 3.5e-4 in the quick run
    assert mse[1] > 3 * mse[3] and mse[3] > 3 * mse[10]  # 7.3e-2 > 9.7e-3 > 2.2e-4
    assert mse[1] > 30 * max(mse[10], mse[30])


def test_the_fit_improves_at_every_snapshot(result):
    at = result["snapshot_mse"]
    epochs = sorted(at)
    assert epochs == [0, 10, 100, result["epochs"]]
    assert all(at[a] > at[b] for a, b in zip(epochs, epochs[1:]))
    assert at[result["epochs"]] < at[0] / 100


def test_the_figure_is_written(result):
    (figure,) = result["figures"]
    data = Path(figure).read_bytes()
    assert Path(figure).name == f"{NAME}.png" and data[:8] == PNG_MAGIC and 5_000 < len(data) < 400_000
