"""numerical_grad and gradcheck: the finite-difference checker itself."""

import math

import numpy as np
import pytest

from autograd_lite import OPS, Value, gradcheck, numerical_grad


def test_numerical_grad_of_known_functions():
    x, y = Value(1.5), Value(-0.5)
    gx, gy = numerical_grad(lambda a, b: a * a * b, [x, y])
    assert gx == pytest.approx(2 * 1.5 * -0.5, rel=1e-7)
    assert gy == pytest.approx(1.5**2, rel=1e-7)
    assert (x.data, y.data) == (1.5, -0.5)  # restored


def test_numerical_grad_per_lane():
    x = Value(np.array([0.0, 1.0, 2.0]))
    (g,) = numerical_grad(lambda a: (a.sin()).sum(), [x])
    np.testing.assert_allclose(g, np.cos([0.0, 1.0, 2.0]), rtol=1e-7)


def test_gradcheck_passes_and_reads_as_a_table():
    a, b = Value(0.3, label="a"), Value(-1.2, label="b")
    a.grad = 7.0  # the user's grads are left as they were
    report = gradcheck(lambda a, b: (a * b + a.exp()).tanh(), [a, b])
    assert report
    assert a.grad == 7.0 and b.grad == 0.0
    text = repr(report)
    assert "backprop" in text and "numeric" in text and "all agree" in text
    assert [r.name for r in report.rows] == ["a", "b"]


def test_gradcheck_catches_a_wrong_derivative(monkeypatch):
    tanh = OPS["tanh"]
    monkeypatch.setattr(tanh, "local", lambda out, x: (1.0 - out,))  # forgot the square
    report = gradcheck(lambda a: a.tanh(), [Value(0.8, label="a")])
    assert not report
    assert "MISMATCH" in repr(report)
    row = report.rows[0]
    assert row.numeric == pytest.approx(1 - math.tanh(0.8) ** 2, rel=1e-6)


def test_gradcheck_with_a_closure_over_many_values():
    ws = [Value(v) for v in (0.1, -0.4, 0.9)]
    report = gradcheck(lambda *_: sum((w * w for w in ws), Value(0.0)).tanh(), ws)
    assert report and len(report.rows) == 3


def test_gradcheck_refuses_a_lane_output():
    with pytest.raises(ValueError, match="single number"):
        gradcheck(lambda a: a * 2, [Value(np.ones(2))])


@pytest.mark.parametrize(
    "call, kind, words",
    [
        (lambda: gradcheck(lambda a: 2.0, [Value(1.0)]), TypeError, "must return a Value"),
        (lambda: gradcheck(lambda a: a * 2, Value(1.0)), TypeError, "pass [v]"),
        (lambda: gradcheck(lambda a: a * 2, [1.0]), TypeError, "must all be Values"),
        (lambda: gradcheck(lambda a: a * 2, [Value(1.0), Value(2.0)]), TypeError, "with 2 values failed"),
        (lambda: gradcheck(lambda a: a * 2, [Value(1.0)], eps=0), ValueError, "eps is the size of the nudge"),
        (lambda: gradcheck(lambda x: x.log(), [Value(1e-7, label="x")]), ValueError, "while nudging x by"),
    ],
)
def test_misuse_gets_a_clear_error(call, kind, words):
    with pytest.raises(kind) as info:
        call()
    assert words in str(info.value)
