"""Every entry of the op table against central finite differences, scalars and lanes."""

import math

import numpy as np
import pytest

from autograd_lite import OPS, Value, numerical_grad, wsum

rng = np.random.default_rng(0)

# For each op key: how to build it from Values (and a constant), and where its
# derivative exists (kinks such as relu's 0 are kept away from the samples).
CASES = {
    "add": (lambda x, y: x + y, [(-3, 3), (-3, 3)]),
    "sub": (lambda x, y: x - y, [(-3, 3), (-3, 3)]),
    "mul": (lambda x, y: x * y, [(-3, 3), (-3, 3)]),
    "div": (lambda x, y: x / y, [(-3, 3), (0.5, 3)]),
    "pow": (lambda x, y: x**y, [(0.2, 3), (-2, 2)]),
    "add_c": (lambda x: x + 2.5, [(-3, 3)]),
    "sub_c": (lambda x: x - 2.5, [(-3, 3)]),
    "rsub_c": (lambda x: 2.5 - x, [(-3, 3)]),
    "mul_c": (lambda x: x * -1.5, [(-3, 3)]),
    "div_c": (lambda x: x / 4.0, [(-3, 3)]),
    "rdiv_c": (lambda x: 3.0 / x, [(0.5, 3)]),
    "pow_c": (lambda x: x**3, [(-3, 3)]),
    "rpow_c": (lambda x: 2.0**x, [(-3, 3)]),
    "leaky_relu": (lambda x: x.leaky_relu(0.1), [(0.05, 3)]),
    "neg": (lambda x: -x, [(-3, 3)]),
    "abs": (lambda x: abs(x), [(0.05, 3)]),
    "exp": (lambda x: x.exp(), [(-3, 3)]),
    "log": (lambda x: x.log(), [(0.1, 5)]),
    "tanh": (lambda x: x.tanh(), [(-3, 3)]),
    "sigmoid": (lambda x: x.sigmoid(), [(-6, 6)]),
    "relu": (lambda x: x.relu(), [(0.05, 3)]),
    "sin": (lambda x: x.sin(), [(-3, 3)]),
    "cos": (lambda x: x.cos(), [(-3, 3)]),
    "sum": (lambda x: x.sum(), "lanes"),
    "mean": (lambda x: x.mean(), "lanes"),
    "wsum": (lambda w1, x1, w2, x2, b: wsum([w1, w2], [x1, x2], b), [(-2, 2)] * 5),
}

# Kinks are tested on their negative side too.
NEGATIVE_SIDE = {
    "leaky_relu": (lambda x: x.leaky_relu(0.1), [(-3, -0.05)]),
    "abs": (lambda x: abs(x), [(-3, -0.05)]),
    "relu": (lambda x: x.relu(), [(-3, -0.05)]),
}


def test_every_op_in_the_table_has_a_case():
    assert set(CASES) == set(OPS)


def _check(build, domains, lanes: int | None):
    for _ in range(20):
        values = []
        for lo, hi in domains:
            data = rng.uniform(lo, hi, size=lanes) if lanes else float(rng.uniform(lo, hi))
            values.append(Value(data))

        def f(*vs):
            out = build(*vs)
            return out.sum() if out.is_lanes else out

        out = f(*values)
        out.backward()
        numeric = numerical_grad(f, values, eps=1e-6)
        for v, n in zip(values, numeric):
            np.testing.assert_allclose(v.grad, n, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("key", sorted(k for k, (_, d) in CASES.items() if d != "lanes"))
def test_op_scalar_matches_finite_differences(key):
    build, domains = CASES[key]
    _check(build, domains, lanes=None)


def test_reducing_a_scalar_returns_it_unchanged():
    v = Value(3.0)
    assert v.sum() is v and v.mean() is v


@pytest.mark.parametrize("key", sorted(CASES))
def test_op_lanes_match_finite_differences(key):
    build, domains = CASES[key]
    if domains == "lanes":
        domains = [(-3, 3)]
    _check(build, domains, lanes=5)


@pytest.mark.parametrize("key", sorted(NEGATIVE_SIDE))
def test_kinked_ops_on_their_negative_side(key):
    build, domains = NEGATIVE_SIDE[key]
    _check(build, domains, lanes=None)
    _check(build, domains, lanes=4)


def test_scalar_meets_lanes_and_weight_grad_is_summed():
    x = Value(np.array([1.0, 2.0, 3.0]))
    w = Value(0.5)
    (w * x).sum().backward()
    assert w.grad == pytest.approx(6.0)  # d/dw Σ w x_i = Σ x_i
    np.testing.assert_allclose(x.grad, [0.5, 0.5, 0.5])


def test_every_rule_has_text_and_a_formula():
    for op in OPS.values():
        assert op.rules and all(isinstance(r, str) and r for r in op.rules)
    assert OPS["tanh"].formula() == ["d(tanh(x))/dx = 1 - tanh(x)^2"]
    assert OPS["mul"].formula() == ["d(x * y)/dx = y", "d(x * y)/dy = x"]


def test_op_name_compares_as_a_string():
    v = Value(2.0) * Value(3.0)
    c = Value(2.0) * 3
    assert v.op == "mul" and c.op == "mul"
    assert v.op.key == "mul" and c.op.key == "mul_c" and c.arg == 3.0
    assert v.op.symbol == "*"


def test_stable_limits():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(1000.0).tanh().data == 1.0
    assert Value(-1000.0).tanh().data == -1.0
    lanes = Value(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(lanes.sigmoid().data, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(lanes.tanh().data, [-1.0, 0.0, 1.0])
    # and precise in the tail, where 1 - tanh-based forms lose digits
    assert Value(-30.0).sigmoid().data == pytest.approx(math.exp(-30.0), rel=1e-12)


def test_sqrt_at_zero_has_infinite_slope_like_pytorch():
    x = Value(0.0)
    (x**0.5).backward()
    assert x.grad == math.inf


def test_facts_about_an_op_live_on_the_op():
    from autograd_lite.ops import CALL, fill

    # operand order, printing precedence and each parent's role, written out by hand
    assert [k for k, op in OPS.items() if op.ordered] == ["sub", "div", "pow"]
    assert [OPS[k].precedence for k in ("add", "mul_c", "neg", "rpow_c")] == [1, 2, 3, 4]
    assert OPS["tanh"].precedence == OPS["leaky_relu"].precedence == CALL
    assert OPS["div"].roles(2) == ["x", "y"] and OPS["exp"].roles(1) == ["x"]
    assert OPS["wsum"].roles(5) == ["w1", "x1", "w2", "x2", "b"]
    assert OPS["wsum"].roles(4) == ["w1", "x1", "w2", "x2"]
    wsum_op = OPS["wsum"]
    assert [wsum_op.rule(wsum_op.roles(5), k) for k in range(5)] == ["{x1}", "{w1}", "{x2}", "{w2}", "1"]
    assert OPS["wsum"].write(["a", "p", "b", "q", "c0"]) == "a*p + b*q + c0"
    assert OPS["rsub_c"].write(["x"], c="2.0") == "2.0 - x"
    assert [OPS["wsum"].edge_label(r) for r in ("w2", "x2", "b")] == ["2", "2", "b"]
    assert OPS["sub"].edge_label("y") == "y" and OPS["mul"].edge_label("y") is None
    # one helper fills every template, and leaves the placeholders it was not given
    assert fill("{c} ** {x} * log({c})", c="2") == "2 ** {x} * log(2)"
    assert fill("{x} > 0", x="my {x}") == "my {x} > 0"
    assert [op.has_const for op in (OPS["mul_c"], OPS["mul"], OPS["leaky_relu"])] == [True, False, True]


def test_one_domain_check_for_a_number_and_for_lanes():
    # the same words for a number and for lanes; lanes name the first bad one (lane 2, by hand)
    with pytest.raises(ZeroDivisionError, match=r"^x / y needs y != 0, but got x = 1\.0, y = 0\.0$"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError, match=r"y != 0, but got x = .*, y = 0 in lane 2$"):
        Value(1.0) / Value(np.array([1.0, 2.0, 0.0, 0.0]))
    with pytest.raises(
        ValueError, match=r"x >= 0 when the exponent is not a whole number, but got x = -1 in lane 1"
    ):
        Value(np.array([1.0, -1.0])) ** 0.5
    with pytest.raises(
        OverflowError, match=r"x <= 709.78 so that exp\(x\) fits in a float, but got x = 800 in lane 0"
    ):
        Value(np.array([800.0])).exp()
