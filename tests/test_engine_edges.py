"""Edge cases that answer like PyTorch or say why (issue 9).

Truth here is worked by hand, central finite differences, HIPS autograd, or a
PyTorch 2.13 float64 number computed by hand and written in with a comment.
"""

import copy
import math
import pickle
import warnings

import numpy as np
import pytest
from autograd import grad as hips_grad

from autograd_lite import NO_GRAD, OPS, Parameter, Value, detect_anomaly, has_grad, no_grad, wsum, zero_grad
from autograd_lite.engine import propagate

# --- no gradient is not a zero gradient ----------------------------------------


def test_fresh_leaves_have_no_gradient_yet_read_as_zero():
    for v in (Value(2.0), Parameter(2.0), Value(np.array([1.0, 2.0]))):
        assert v.grad is NO_GRAD
        assert not has_grad(v)
        assert v.grad == 0.0 and float(v.grad) == 0.0
    assert repr(NO_GRAD) == "0.0"


def test_arithmetic_on_no_grad_gives_plain_numbers():
    g = NO_GRAD + 1.5
    assert g == 1.5 and type(g) is float
    assert type(NO_GRAD * 3.0) is float and NO_GRAD * 3.0 == 0.0
    assert type(-NO_GRAD) is float
    lanes = NO_GRAD + np.array([1.0, 2.0])
    assert type(lanes) is np.ndarray and lanes.tolist() == [1.0, 2.0]
    p = Parameter(1.0)
    p.grad += 0.0  # what backward does: a real zero is a gradient
    assert has_grad(p) and p.grad == 0.0 and type(p.grad) is float


def test_a_leaf_reached_by_backward_has_a_gradient_even_when_it_is_zero():
    a, b = Value(3.0), Value(0.0)
    unused = Value(5.0)
    out = a * b  # d out/d a = b = 0: a real zero
    out.backward()
    assert has_grad(a) and a.grad == 0.0
    assert has_grad(b) and b.grad == 3.0
    assert not has_grad(unused)


def test_every_backward_path_gives_real_grads():
    # the float loop, the lanes loop (lanes into a weight via sum_lanes, lanes into lanes),
    # detect_anomaly's propagate(), and a leaf root
    w = Parameter(2.0)
    x = Value(np.array([1.0, 2.0, 3.0]))
    (w * x).sum().backward()
    assert type(w.grad) is float and w.grad == 6.0  # Σ x by hand
    assert type(x.grad) is np.ndarray and x.grad.tolist() == [2.0, 2.0, 2.0]
    w2 = Parameter(2.0)
    with detect_anomaly():
        (w2 * w2).backward()
    assert has_grad(w2) and w2.grad == 4.0
    v = Value(4.0)
    v.backward()
    assert has_grad(v) and v.grad == 1.0
    u, t = Value(1.5), Value(2.0)
    node = u * t
    node.grad = 1.0
    propagate(node)
    assert has_grad(u) and u.grad == 2.0


def test_zero_grad_forgets_the_gradients():
    a, b = Value(3.0), Parameter(4.0)
    out = a * b + 1
    out.backward()
    zero_grad(out)
    assert a.grad is NO_GRAD and b.grad is NO_GRAD and not has_grad(out)
    out.backward()
    a.zero_grad()  # a leaf's own graph is itself
    assert a.grad is NO_GRAD and b.grad == 3.0


def test_no_grad_survives_copy_and_pickle():
    p = Parameter(1.0)
    assert copy.deepcopy(p).grad is NO_GRAD
    assert pickle.loads(pickle.dumps(NO_GRAD)) is NO_GRAD
    assert copy.copy(NO_GRAD) is NO_GRAD


# --- backward() from a value computed under no_grad() -----------------------------


def test_backward_from_a_no_grad_result_raises_naming_no_grad():
    a = Value(2.0, label="a")
    with no_grad():
        loss = a * 3 + 1
        lanes = (Value(np.array([1.0, 2.0])) * a).sum()
        weighted = wsum([a], [Value(1.0)])
    for v in (loss, lanes, weighted):
        with pytest.raises(RuntimeError, match=r"computed inside no_grad\(\)"):
            v.backward()
    assert not has_grad(a)  # nothing was touched
    assert loss.local_grads == () and loss.parents == ()  # it still reads as a leaf


def test_a_users_leaf_still_backpropagates_and_no_grad_results_can_be_leaves_of_new_graphs():
    v = Value(3.0)
    v.backward()
    assert v.grad == 1.0
    with no_grad():
        v2 = Value(5.0)  # made by the user, inside the block: a leaf like any other
        c = v * 2  # a constant 6.0 with no history
    v2.backward()
    assert v2.grad == 1.0
    w = Value(0.5)
    (w * c).backward()  # c is a leaf of this graph: d/dw = c = 6 by hand
    assert w.grad == 6.0 and c.grad == 0.5


# --- np.float64 data: what a hand-written numpy loop writes -----------------------


def test_a_weight_with_numpy_scalar_data_gets_a_float_grad_from_lanes():
    w, b = Parameter(1.0), Parameter(0.0)
    w.data -= 0.1 * np.float64(2.0)  # p.data -= lr * grad, with a numpy grad
    b.data = np.float64(0.5)
    assert type(w.data) is np.float64
    x = Value(np.array([1.0, 2.0, 3.0]))
    s = w * 2.0  # an interior scalar node whose data is np.float64 too
    loss = (w * x + b + s * x).sum()
    loss.backward()
    # by hand: d/dw = Σx + 2Σx = 18, d/db = 3 lanes, d/ds = Σx = 6
    assert type(w.grad) is float and w.grad == pytest.approx(18.0)
    assert type(b.grad) is float and b.grad == pytest.approx(3.0)
    assert type(s.grad) is float and s.grad == pytest.approx(6.0)
    w.grad, b.grad = NO_GRAD, NO_GRAD
    with detect_anomaly():  # the same through propagate()
        loss.backward()
    assert type(w.grad) is float and w.grad == pytest.approx(18.0)


def test_scalar_graphs_whose_leaves_hold_numpy_scalars():
    a, b = Value(0.0), Value(0.0)
    a.data, b.data = np.float64(-1.5), np.float64(2.0)
    out = abs(a) * b + (a * b).tanh() + b**3 + 2.0**a
    out.backward()
    t = math.tanh(-3.0)
    # by hand: d/da = sign(a)*b + (1 - t^2)*b + 2^a ln 2 ; d/db = |a| + (1 - t^2)*a + 3b^2
    assert a.grad == pytest.approx(-2.0 + (1 - t * t) * 2.0 + 2.0**-1.5 * math.log(2.0))
    assert b.grad == pytest.approx(1.5 + (1 - t * t) * -1.5 + 12.0)
    assert type(a.grad) is not np.ndarray and type(b.grad) is not np.ndarray


# --- x ** y: the local derivative as written, y * x ** (y - 1) ----------------------


def test_pow_with_a_value_exponent_keeps_tiny_and_huge_derivatives():
    x, y = Value(1e-200), Value(2.0)
    (x**y).backward()
    assert x.grad == pytest.approx(2e-200, rel=1e-12)  # torch 2.13 float64: 2e-200 (y*out/x gave 0)
    assert x.grad == pytest.approx(hips_grad(lambda a: a**2.0)(1e-200), rel=1e-12)
    x, y = Value(1e30), Value(10.27)
    (x**y).backward()
    # torch 2.13 float64: d/dx = 1.2929163979125718e+279 (y*out/x overflowed to inf), d/dy = inf
    assert x.grad == pytest.approx(1.2929163979125718e279, rel=1e-12)
    assert x.grad == pytest.approx(hips_grad(lambda a: a**10.27)(1e30), rel=1e-12)
    assert y.grad == math.inf  # out * log(x) = 1.26e308 * 69.1: torch gives inf too


def test_pow_with_a_value_exponent_in_lanes_keeps_tiny_and_huge_derivatives():
    xs, ys = [1e-200, 1e30, 3.0], [2.0, 10.27, 0.5]
    truth = [hips_grad(lambda a, b=b: a**b)(a) for a, b in zip(xs, ys)]
    x, y = Value(np.array(xs)), Value(np.array(ys))
    (x**y).sum().backward()
    np.testing.assert_allclose(x.grad, truth, rtol=1e-12)
    x = Value(np.array([1e-200, 1e-100]))  # lanes ** a scalar Value
    y = Value(2.0)
    (x**y).sum().backward()
    np.testing.assert_allclose(x.grad, [2e-200, 2e-100], rtol=1e-12)  # 2x, by hand
    # d/dy = Σ x^2 log x: 1e-400 underflows to 0, the second is 1e-200 * log(1e-100), by hand
    assert y.grad == pytest.approx(1e-200 * math.log(1e-100), rel=1e-12)


def test_pow_with_a_zero_value_exponent_has_zero_base_derivative():
    x, y = Value(2.0), Value(0.0)
    (x**y).backward()
    assert x.grad == 0.0 and y.grad == pytest.approx(math.log(2.0))  # torch 2.13: 0.0, 0.6931471805599453
    x, y = Value(np.array([1e-320, 2.0])), Value(np.array([0.0, 0.0]))
    (x**y).sum().backward()  # y * x ** (y - 1) is 0 * inf in lane 0: the rule gives 0, not nan
    assert x.grad.tolist() == [0.0, 0.0]


def test_the_pow_rule_text_computes_what_the_engine_computes():
    # evaluate each ** rule as written in the op table and compare with backward
    def rule(key, k, **names):
        text = OPS[key].rules[k].format(**{n: f"({v!r})" for n, v in names.items()})
        return eval(text, {"log": math.log})

    for xv, yv in [(1e-200, 2.0), (1e30, 10.27), (3.0, -0.5)]:
        x, y = Value(xv), Value(yv)
        (x**y).backward()
        assert x.grad == pytest.approx(rule("pow", 0, x=xv, y=yv), rel=1e-12)
        x = Value(xv)
        (x**yv).backward()
        assert x.grad == pytest.approx(rule("pow_c", 0, x=xv, c=yv), rel=1e-12)


# --- a result that fits builds its node, even when its derivative does not -----------


@pytest.mark.parametrize(
    "x, c, out, dx",
    [
        # torch 2.13 float64: (1e-300)**-1 = 9.999999999999999e+299, d/dx = -inf
        (1e-300, -1.0, 1e300, -math.inf),
        # torch 2.13 float64: (-1e-200)**-1 = -1e+200, d/dx = -1/x^2 = -inf
        (-1e-200, -1.0, -1e200, -math.inf),
        # torch 2.13 float64: (-1e-110)**-2 = 9.999999999999999e+219, d/dx = -2/x^3 = +inf
        (-1e-110, -2.0, 1e220, math.inf),
    ],
)
def test_a_finite_power_with_an_infinite_derivative_is_built(x, c, out, dx):
    v = Value(x)
    p = v**c
    assert p.data == pytest.approx(out, rel=1e-12)
    p.backward()
    assert v.grad == dx


def test_finite_powers_with_infinite_derivatives_in_every_form():
    x, y = Value(1e-300), Value(-1.0)
    (x**y).backward()  # torch 2.13 float64: d/dx = -inf, d/dy = -6.907755278982137e+302
    assert x.grad == -math.inf and y.grad == pytest.approx(-6.907755278982137e302, rel=1e-12)
    x = Value(np.array([1e-300, 2.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and numpy says nothing: the inf is the answer
        (x**-1).sum().backward()
    assert x.grad.tolist() == [-math.inf, -0.25]  # torch 2.13 float64: [-inf, -0.25]
    e = Value(np.array([1.0, 0.5]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (1e300**e).sum().backward()
    # d/de = 1e300^e log(1e300): lane 0 overflows to inf (torch 2.13 gives 6.9e302 in float64
    # for a scalar 1e300**1, as 1e300 * 690.8 fits); lane 1 is 1e150 * 690.8, by hand
    assert e.grad[0] == pytest.approx(6.907755278982137e302, rel=1e-12)
    assert e.grad[1] == pytest.approx(1e150 * math.log(1e300), rel=1e-12)


def test_a_power_whose_result_does_not_fit_still_raises():
    with pytest.raises(OverflowError, match=r"x \*\* -2\.0 needs a result that fits.*x = -1e-300"):
        Value(-1e-300, label="x") ** -2


# --- overflow: one rule for a number and for lanes ---------------------------------

BIG = [  # (what, f, operand): f overflows at operand, and is fine at 1.0
    ("exp", lambda v: v.exp(), 1000.0),
    ("x ** c", lambda v: v**400.0, 10.0),
    ("c ** x", lambda v: 10.0**v, 400.0),
    ("x ** y, lanes in x", lambda v: v ** Value(400.0), 10.0),
    ("x ** y, lanes in y", lambda v: Value(10.0) ** v, 400.0),
    ("x * c", lambda v: v * 1e300, 1e10),
    ("x * y", lambda v: v * Value(1e300), 1e10),
    ("x / c", lambda v: v / 1e-300, 1e10),
    ("c / x", lambda v: 1e300 / v, 1e-10),
    ("x / y", lambda v: Value(1e300) / v, 1e-10),
    ("x + c", lambda v: v + 1.7e308, 1.7e308),
    ("x - y", lambda v: v - Value(-1.7e308), 1.7e308),
    ("wsum", lambda v: wsum([Value(1e300)], [v]), 1e10),
]


def outcome(f, data):
    """('raises', type, message) or ('value', data)."""
    try:
        with np.errstate(over="ignore"):  # numpy's warning for + - * / lanes is documented
            return ("value", f(Value(data)).data)
    except ArithmeticError as e:
        return ("raises", type(e), str(e))


@pytest.mark.parametrize("what, f, big", BIG, ids=[b[0] for b in BIG])
def test_overflow_answers_the_same_for_a_number_and_for_lanes(what, f, big):
    one = outcome(f, big)
    lanes = outcome(f, np.array([1.0, big]))
    assert one[0] == lanes[0], (one, lanes)
    if one[0] == "raises":
        assert one[1] is lanes[1] is OverflowError
        assert "lane 1" in lanes[2] and "fits in a float" in one[2]
    else:
        assert one[1] in (math.inf, -math.inf)
        assert lanes[1][1] == one[1]
        assert lanes[1][0] == f(Value(1.0)).data
    with detect_anomaly(), np.errstate(over="ignore"):  # the inf of arithmetic: caught, with its lane
        with pytest.raises((OverflowError, FloatingPointError), match="lane 1"):
            f(Value(np.array([1.0, big])))


def test_ops_that_raise_on_overflow_raise_for_numpy_scalar_data_too():
    a = Value(0.0, label="a")
    a.data = np.float64(10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not inf with a RuntimeWarning
        with pytest.raises(OverflowError, match=r"a \*\* 400\.0 needs a result that fits"):
            a**400.0
        b = Value(0.0, label="b")
        b.data = np.float64(2000.0)
        with pytest.raises(OverflowError, match=r"2\.0 \*\* b needs"):
            2.0**b
        with pytest.raises(OverflowError, match=r"exp\(b\)"):
            b.exp()
        assert type((a**2.0).data) is float and (a**2.0).data == 100.0


def test_an_infinite_operand_may_give_an_infinite_power_without_an_error():
    assert (Value(math.inf) ** 2.0).data == math.inf
    assert (Value(np.array([math.inf, 2.0])) ** 2.0).data.tolist() == [math.inf, 4.0]
    assert (Value(np.array([math.inf, 2.0])).exp()).data[0] == math.inf


def test_detect_anomaly_names_the_lane_in_backward():
    x = Value(np.array([2.0, 1e-300]), label="x")
    loss = (x**-1).sum()
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"sent -inf in lane 1 to x"):
        loss.backward()


# --- PyTorch habits: item(), detach(), comparisons -------------------------------


def test_item_gives_a_float_and_refuses_several_lanes():
    v = Value(2.5) * 2
    assert v.item() == 5.0 and type(v.item()) is float
    n = Value(0.0)
    n.data = np.float64(1.5)
    assert type(n.item()) is float and n.item() == 1.5
    assert Value(np.array([3.0])).item() == 3.0
    with pytest.raises(ValueError, match=r"item\(\) needs a single number, but x holds 2 lanes.*mean\(\)"):
        Value(np.array([1.0, 2.0]), label="x").item()


def test_detach_is_a_new_leaf_with_the_same_data_and_label():
    a = Value(0.3, label="a")
    b = (a * 2).tanh()
    b.label = "b"
    d = b.detach()
    assert d is not b and d.data == math.tanh(0.6) and d.label == "b"
    assert d.parents == () and d.op is None and not has_grad(d)
    (d * a).backward()  # gradients stop at d: only a's direct use counts, d/da = d, by hand
    assert a.grad == pytest.approx(math.tanh(0.6), rel=1e-12)  # not + 2 * (1 - tanh^2) * a via b
    assert d.grad == 0.3
    lanes = Value(np.array([1.0, 2.0]), label="x")
    c = lanes.detach()
    c.data[0] = 99.0  # a copy: the original lanes are untouched
    assert lanes.data.tolist() == [1.0, 2.0] and c.label == "x"
    with no_grad():
        e = a * 5
    f = e.detach()
    f.backward()  # a detached value is a user's leaf, not a no_grad result
    assert f.data == 1.5 and f.grad == 1.0


def test_comparisons_read_data_both_ways():
    a, b = Value(1), Value(2.0)
    assert a < b and a <= b and b > a and b >= a and not (a > b) and not (b <= a)
    assert a <= Value(1.0) and a >= Value(1.0)
    assert a < 1.5 and 1.5 < b and 3 > b and not (3 < b) and b >= 2 and 2 <= b
    assert np.float64(1.5) < b
    assert max(a, b) is b and min(a, b) is a
    vs = [Value(3.0), Value(-1.0), Value(2.0)]
    assert [v.data for v in sorted(vs)] == [-1.0, 2.0, 3.0]
    assert max(vs, key=lambda v: v.data) is vs[0]


def test_comparisons_of_lanes_give_numpy_bool_arrays():
    x = Value(np.array([1.0, 3.0]))
    for got in (x < 2, 2 > x, x < Value(2.0), x <= np.array([1.0, 1.0]), np.array([2.0, 2.0]) > x):
        assert type(got) is np.ndarray and got.dtype == bool
    assert (x < 2).tolist() == [True, False]
    assert (x >= Value(np.array([1.0, 4.0]))).tolist() == [True, False]


def test_comparisons_with_what_is_not_a_number_say_so():
    for other in ("2", None, [1.0], True):
        with pytest.raises(TypeError, match="not supported between instances of 'Value'"):
            Value(1.0) < other  # noqa: B015


def test_values_are_equal_only_to_themselves_and_hash_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert (a == b) is False and (a != b) is True and a == a
    assert len({a, b}) == 2 and {a: 1, b: 2}[a] == 1
    assert Value.__eq__ is object.__eq__ and Value.__hash__ is object.__hash__
