"""Value: construction, backward semantics, lanes, errors, no_grad and detect_anomaly."""

import math

import numpy as np
import pytest

from autograd_lite import Value, detect_anomaly, no_grad, topological_order, wsum, zero_grad


def lecture_neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    return o, dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b)


def test_micrograd_lecture_neuron_worked_by_hand():
    o, v = lecture_neuron()
    o.backward()
    # n = 2*-3 + 0*1 + 6.8814 = 0.8814 ; o = tanh(n) = 0.7071 ; do/dn = 1 - o^2 = 0.5
    assert o.data == pytest.approx(math.sqrt(0.5), abs=1e-9)
    assert v["w1"].grad == pytest.approx(0.5 * 2.0)  # do/dn * x1
    assert v["x1"].grad == pytest.approx(0.5 * -3.0)  # do/dn * w1
    assert v["w2"].grad == pytest.approx(0.5 * 0.0)
    assert v["x2"].grad == pytest.approx(0.5 * 1.0)
    assert v["b"].grad == pytest.approx(0.5)


def test_a_value_used_twice_gets_both_contributions():
    a = Value(3.0)
    (a * a).backward()  # d(a^2)/da = 2a
    assert a.grad == 6.0
    b = Value(-2.0)
    c = b + b
    assert c.parents == (b, b)
    (c * b).backward()  # d(2b^2)/db = 4b
    assert b.grad == -8.0


def test_diamond():
    x = Value(0.7)
    a = x.sin()
    b = x.exp()
    (a * b).backward()
    assert x.grad == pytest.approx(math.cos(0.7) * math.exp(0.7) + math.sin(0.7) * math.exp(0.7))


def test_leaf_grads_accumulate_interior_grads_are_recomputed():
    x, y = Value(2.0), Value(5.0)
    z = x * y
    out = z + 1
    out.backward()
    assert (x.grad, y.grad, z.grad, out.grad) == (5.0, 2.0, 1.0, 1.0)
    out.backward()
    assert (x.grad, y.grad) == (10.0, 4.0)  # leaves doubled (PyTorch rule)
    assert (z.grad, out.grad) == (1.0, 1.0)  # interior fresh


def test_zero_grad_clears_the_whole_graph():
    o, v = lecture_neuron()
    o.backward()
    zero_grad(o)
    assert all(n.grad == 0.0 for n in topological_order(o))


def test_a_leaf_root_backward_accumulates_one():
    v = Value(4.0)
    v.backward()
    v.backward()
    assert v.grad == 2.0


def test_topological_order_puts_parents_first_and_visits_once():
    o, v = lecture_neuron()
    order = topological_order(o)
    assert order[-1] is o
    assert len(order) == len({id(n) for n in order}) == 10  # 5 leaves, 2 mul, 2 add, tanh
    pos = {id(n): i for i, n in enumerate(order)}
    for n in order:
        for p in n.parents:
            assert pos[id(p)] < pos[id(n)]


def test_a_chain_of_a_million_nodes_has_no_recursion_limit():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_lanes_equal_the_sum_of_per_example_passes():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(7, 2))
    t = rng.normal(size=7)

    def loss(w, b, x1, x2, target):
        return ((x1 * w[0] + x2 * w[1] + b).tanh() - target) ** 2

    w = [Value(0.3), Value(-0.8)]
    b = Value(0.1)
    loss(w, b, Value(X[:, 0]), Value(X[:, 1]), t).sum().backward()
    lane_grads = [w[0].grad, w[1].grad, b.grad]

    w2 = [Value(0.3), Value(-0.8)]
    b2 = Value(0.1)
    for i in range(7):
        loss(w2, b2, Value(X[i, 0]), Value(X[i, 1]), float(t[i])).backward()
    np.testing.assert_allclose(lane_grads, [w2[0].grad, w2[1].grad, b2.grad], rtol=1e-12)


def test_lanes_mean_scales_by_one_over_n():
    x = Value(np.array([1.0, 2.0, 3.0, 4.0]))
    w = Value(2.0)
    (w * x).mean().backward()
    assert w.grad == pytest.approx(2.5)
    np.testing.assert_allclose(x.grad, [0.5] * 4)


def test_numpy_array_on_the_left_defers_to_value():
    x = Value(np.array([1.0, 2.0]))
    y = np.array([10.0, 20.0]) - x
    assert isinstance(y, Value)
    np.testing.assert_array_equal(y.data, [9.0, 18.0])
    z = np.float64(2.0) * Value(3.0)
    assert isinstance(z, Value) and z.data == 6.0


def test_reflected_operators_keep_operand_order():
    v = Value(4.0)
    assert (2 - v).data == -2.0
    assert (1 / v).data == 0.25
    assert (2**v).data == 16.0
    assert (3 + v).data == 7.0
    assert (3 * v).data == 12.0
    v2 = Value(2.0)
    (2**v2).backward()
    assert v2.grad == pytest.approx(4 * math.log(2))


def test_value_exponent():
    a, b = Value(2.0), Value(3.0)
    (a**b).backward()
    assert a.grad == pytest.approx(3 * 2.0**2)
    assert b.grad == pytest.approx(8 * math.log(2))


def test_wsum_is_one_node_with_interleaved_parents():
    w1, w2, x1, x2, b = (Value(v) for v in (0.5, -1.0, 2.0, 3.0, 0.25))
    n = wsum([w1, w2], [x1, x2], b)
    assert n.parents == (w1, x1, w2, x2, b)
    assert n.data == 0.5 * 2 - 1 * 3 + 0.25
    n.backward()
    assert (w1.grad, x1.grad, w2.grad, x2.grad, b.grad) == (2.0, 0.5, 3.0, -1.0, 1.0)


def test_repr_reads_well():
    o, _ = lecture_neuron()
    o.label = "o"
    o.backward()
    assert repr(o) == "Value(data=0.7071, grad=1.0, label='o', op='tanh')"
    assert repr(Value(2)) == "Value(data=2.0, grad=0.0)"
    assert "[3 lanes] mean 2.0" in repr(Value(np.array([1.0, 2.0, 3.0])))


def test_values_hash_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert len({a, b}) == 2
    assert a != b and a == a


def test_data_is_converted_to_float_or_float64_lanes():
    assert type(Value(3).data) is float
    assert type(Value(np.float32(1.5)).data) is float
    assert type(Value(np.int64(2)).data) is float
    lanes = np.array([1, 2, 3])
    v = Value(lanes)
    assert v.data.dtype == np.float64
    lanes[0] = 100  # the Value keeps its own copy
    assert v.data[0] == 1.0


@pytest.mark.parametrize(
    "bad, kind, words",
    [
        ("3", TypeError, "string '3'"),
        (None, TypeError, "NoneType"),
        (1 + 2j, TypeError, "complex"),
        ([1.0, 2.0], TypeError, "np.array"),
        (np.zeros((2, 2)), ValueError, "2-D array"),
        (np.array([]), ValueError, "empty"),
        (True, TypeError, "bool"),
        (np.array([True, False]), TypeError, "astype(float)"),
        (np.array([1 + 1j]), TypeError, "complex"),
        (10**400, ValueError, "too large"),
    ],
)
def test_bad_data_is_refused_with_what_is_accepted(bad, kind, words):
    with pytest.raises(kind, match="accepted|a Value holds|too large|lanes need") as info:
        Value(bad)
    assert words in str(info.value)


def test_bad_operands_and_labels():
    with pytest.raises(TypeError, match="string"):
        Value(1.0) + "2"
    with pytest.raises(TypeError, match="list"):
        Value(1.0) * [1, 2]
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


@pytest.mark.parametrize(
    "make, kind, words",
    [
        (lambda: Value(-2.0, label="a").log(), ValueError, "log(a) needs a > 0, but got a = -2.0"),
        (lambda: Value(0.0).log(), ValueError, "log(x) needs x > 0"),
        (lambda: Value(1.0, label="a") / Value(0.0, label="b"), ZeroDivisionError, "a / b needs b != 0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "x / 0.0 needs a divisor other than 0"),
        (lambda: 1 / Value(0.0, label="z"), ZeroDivisionError, "1.0 / z needs z != 0"),
        (lambda: Value(0.0, label="z") ** -1, ZeroDivisionError, "z ** -1.0"),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, "not a whole number"),
        (lambda: Value(-2.0, label="a") ** Value(2.0), ValueError, "a > 0 when the exponent is a Value"),
        (lambda: (-2.0) ** Value(0.5), ValueError, "base -2.0 > 0"),
        (lambda: Value(1000.0, label="t").exp(), OverflowError, "exp(t)"),
        (lambda: Value(np.array([1.0, -1.0]), label="x").log(), ValueError, "in lane 1"),
        (lambda: Value(np.array([1.0, 0.0])) / Value(np.array([1.0, 0.0])), ZeroDivisionError, "lane 1"),
        (lambda: Value(np.array([1.0, 800.0])).exp(), OverflowError, "lane 1"),
    ],
)
def test_domain_errors_name_the_op_and_operands(make, kind, words):
    with pytest.raises(kind) as info:
        make()
    assert words in str(info.value)


def test_a_failed_op_builds_nothing():
    a = Value(-1.0)
    with pytest.raises(ValueError):
        a.log()
    assert a.grad == 0.0 and a.parents == ()


def test_lanes_of_different_lengths():
    a = Value(np.ones(3), label="a")
    b = Value(np.ones(4), label="b")
    with pytest.raises(ValueError, match="a has 3, b has 4"):
        a + b
    with pytest.raises(ValueError, match="different lengths"):
        wsum([Value(1.0), Value(1.0)], [a, b])
    one = Value(np.array([5.0]), label="one")  # numpy would stretch it; a lane mismatch all the same
    with pytest.raises(ValueError, match="one has 1, b has 4"):
        one * b
    with pytest.raises(ValueError, match="different lengths"):
        wsum([Value(1.0), Value(1.0)], [one, b])


def test_backward_on_lanes_says_to_reduce_first():
    with pytest.raises(ValueError, match=r"\.mean\(\)\.backward\(\)"):
        (Value(np.ones(3)) * 2).backward()


def test_no_grad_records_nothing():
    a = Value(2.0)
    with no_grad():
        b = (a * 3).tanh() + a
    assert b.parents == () and b.local_grads == () and b.op is None
    c = a * 3  # recording resumes after the block
    assert c.parents == (a,)


def test_no_grad_restores_after_an_error():
    with pytest.raises(ValueError), no_grad():
        Value(-1.0).log()
    assert (Value(1.0) * 2).parents != ()


def test_detect_anomaly_forward_names_op_and_labels():
    inf = Value(math.inf, label="big")
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"big - big.*nan.*big = inf"):
        inf - inf
    assert (inf - inf).data != (inf - inf).data  # outside the block, NaN passes silently


def test_detect_anomaly_backward():
    x = Value(0.0, label="x")
    y = x**0.5  # fine forward, infinite slope at 0
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"backward through x \*\* 0.5.*to x"):
        y.backward()


def test_math_functions_on_a_value_refuse_instead_of_leaving_the_graph():
    x = Value(2.0, label="x")
    with pytest.raises(TypeError, match=r"drop x out of the graph.*v\.tanh\(\)"):
        math.tanh(x) * x  # would give x.grad = tanh(2), silently missing the tanh' term
    with pytest.raises(TypeError, match="v.data"):
        float(x)


def test_shape_numel_and_requires_grad_as_torch_names_them():
    from autograd_lite import Parameter

    p, lanes = Parameter(0.5), Value(np.array([1.0, 2.0, 3.0]))
    assert (p.shape, p.numel(), lanes.shape, lanes.numel()) == ((), 1, (3,), 3)
    assert (lanes * p).shape == (3,) and p.requires_grad and (p * 2).requires_grad
    with no_grad():
        made = p * 2
    assert made.shape == () and not made.requires_grad
    p.requires_grad = True  # what it is already: nothing to do
    with pytest.raises(AttributeError, match="read-only here.*leave it out of the optimizer"):
        p.requires_grad = False
    assert p.requires_grad


def test_backward_from_a_loss_made_of_no_grad_values_raises():
    w = Value(2.0)
    with no_grad():
        out = w * Value(np.array([1.0, 2.0]))
    loss = ((out - np.array([0.0, 1.0])) ** 2).mean()  # outside no_grad: a graph, but of data only
    assert loss.requires_grad
    with pytest.raises(RuntimeError, match="nothing in its graph requires grad.*no_grad"):
        loss.backward()
    assert (out + 1.0).requires_grad and w.grad == 0.0
    (w * 3).backward()  # a leaf you made takes part, micrograd's rule
    assert w.grad == 3.0
