"""The lesson demos/gradient_descent.py shows its claims: its runs against gradient descent on
x² − 3x worked by hand (x_k − 1.5 = 2.5·(1 − 2·lr)^k) and the two valleys of x⁴ − 4x² + x against
numpy's roots of f′."""

from __future__ import annotations

import numpy as np
import pytest

from demos import common

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("gradient_descent")
    return common.run("gradient_descent", quick=True, out=out, quiet=True)


def points(run) -> list[float]:
    return [it.point[0] for it in run.iterates] + [run.end[0]]


def test_each_step_goes_against_the_derivative_and_shrinks_the_distance_by_1_minus_2_lr(result):
    run = result["run"]  # lr 0.1 from 4
    for k, it in enumerate(run.iterates):
        x = it.point[0]
        assert x == pytest.approx(1.5 + 2.5 * 0.8**k, rel=1e-12)
        assert it.gradient[0] == pytest.approx(2 * x - 3, rel=1e-12)  # f'(x), by hand
        assert it.step[0] == pytest.approx(-0.1 * (2 * x - 3), rel=1e-12)  # x > 1.5: f' > 0, it moves left
        assert it.step[0] < 0
    assert "moves left" in run.lines()[0] and "f' =            5" in run.lines()[0]


@pytest.mark.parametrize("lr", [0.1, 0.9, 1.1])
def test_every_learning_rate_follows_its_factor(result, lr):
    xs = points(result["runs"][lr])
    factor = 1 - 2 * lr
    for k, x in enumerate(xs):
        assert x - 1.5 == pytest.approx(2.5 * factor**k, rel=1e-9)
    if lr == 0.9:  # it zig-zags: the other side of the minimum at every step
        assert all((a - 1.5) * (b - 1.5) < 0 for a, b in zip(xs, xs[1:]))


def test_lr_half_lands_in_one_step_lr_1_bounces_and_lr_1_1_diverges(result):
    runs = result["runs"]
    assert points(runs[0.5])[1] == 1.5 and runs[0.5].status == "converged"
    assert points(runs[1.0])[:5] == [4.0, -1.0, 4.0, -1.0, 4.0] and runs[1.0].bouncing
    assert runs[1.1].diverging and not runs[0.9].diverging and not runs[0.1].bouncing


def test_the_start_and_a_large_step_decide_the_valley(result):
    roots = np.sort(np.roots([4, 0, -8, 1]).real)  # f'(x) = 4x³ - 8x + 1
    deep, shallow = roots[0], roots[2]  # the middle root is the hump between them
    assert deep == pytest.approx(-1.4730, abs=1e-4) and shallow == pytest.approx(1.3470, abs=1e-4)
    valleys = result["valleys"]
    assert points(valleys[(-2.5, 0.01)])[-1] == pytest.approx(deep, abs=1e-3)
    assert points(valleys[(2.5, 0.01)])[-1] == pytest.approx(shallow, abs=1e-3)
    assert points(valleys[(-2.5, 0.1)])[-1] == pytest.approx(shallow, abs=1e-3)  # jumped over the hump
    assert points(valleys[(2.5, 0.1)])[-1] == pytest.approx(deep, abs=1e-3)
    assert points(valleys[(-2.5, 0.1)])[1] == pytest.approx(1.65)  # one step: -2.5 - 0.1·(-41.5)


def test_it_writes_its_figure_and_the_playground_page(result):
    (figure,) = result["figures"]
    assert figure.read_bytes()[:8] == PNG_MAGIC
    page = result["page"].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "your formula: x**2 - 3*x" in page
