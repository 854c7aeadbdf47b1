"""nn.losses against numbers worked by hand, and their gradients against finite differences."""

import math
import re

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd_lite import Value, no_grad, numerical_grad
from nn import losses
from nn.functional import log_softmax, softmax


def lanes(*xs):
    return Value(np.array(xs, dtype=float))


# --- values and gradients worked by hand --------------------------------------------------


def test_mse_single_example():
    p = Value(3.0)
    loss = losses.mse(p, 1.0)
    loss.backward()
    assert loss.data == 4.0  # (3 - 1)²
    assert p.grad == 4.0  # 2 (3 - 1)


def test_mse_sse_mae_on_lanes():
    t = np.array([0.0, 2.0, 5.0])
    p = lanes(1.0, 2.0, 3.0)  # errors 1, 0, -2
    loss = losses.mse(p, t)
    loss.backward()
    assert loss.data == pytest.approx(5 / 3)  # (1 + 0 + 4) / 3
    np.testing.assert_allclose(p.grad, [2 / 3, 0.0, -4 / 3])  # 2 (p - t) / n

    p = lanes(1.0, 2.0, 3.0)
    loss = losses.sse(p, t)
    loss.backward()
    assert loss.data == 5.0
    np.testing.assert_allclose(p.grad, [2.0, 0.0, -4.0])

    p = lanes(1.0, 2.0, 3.0)
    loss = losses.mae(p, t)
    loss.backward()
    assert loss.data == pytest.approx(1.0)  # (1 + 0 + 2) / 3
    np.testing.assert_allclose(p.grad, [1 / 3, 0.0, -1 / 3])  # sign(p - t) / n


def test_a_column_of_targets_fits_a_single_output():
    p = lanes(1.0, 2.0)
    assert losses.mse(p, np.array([[0.0], [0.0]])).data == 2.5  # targets as (n, 1), e.g. y[:, None]


def test_a_list_of_examples_is_averaged():
    a, b = Value(1.0), Value(2.0)
    loss = losses.mse([a, b], [0.0, 0.0])
    loss.backward()
    assert loss.data == 2.5  # (1 + 4) / 2
    assert (a.grad, b.grad) == (1.0, 2.0)  # 2 p / 2


def test_several_outputs_on_lanes_take_the_columns_of_a_2d_target():
    y1, y2 = lanes(1.0, 2.0), lanes(0.0, 0.0)
    target = np.array([[0.0, 1.0], [2.0, 1.0]])  # (examples, outputs)
    # errors: output 1: 1, 0 ; output 2: -1, -1 -> mean of squares over 4 numbers = 3/4
    assert losses.mse([y1, y2], target).data == pytest.approx(0.75)


def test_binary_cross_entropy_by_hand():
    assert losses.binary_cross_entropy(Value(0.8), 1).data == pytest.approx(-math.log(0.8))
    assert losses.binary_cross_entropy(Value(0.8), 0).data == pytest.approx(-math.log(0.2))
    soft = -(0.3 * math.log(0.8) + 0.7 * math.log(0.2))
    assert losses.binary_cross_entropy(Value(0.8), 0.3).data == pytest.approx(soft)
    p = lanes(0.8, 0.4)
    loss = losses.binary_cross_entropy(p, np.array([1.0, 0.0]))
    loss.backward()
    assert loss.data == pytest.approx((-math.log(0.8) - math.log(0.6)) / 2)
    # d/dp -(t log p + (1-t) log(1-p)) = -t/p + (1-t)/(1-p), divided by n = 2
    np.testing.assert_allclose(p.grad, [-1 / 0.8 / 2, 1 / 0.6 / 2])


def test_binary_cross_entropy_floors_each_log_at_minus_100_like_pytorch():
    assert losses.binary_cross_entropy(Value(0.0), 1).data == 100.0
    assert losses.binary_cross_entropy(Value(1.0), 1).data == 0.0
    p = Value(np.array([1000.0, -1000.0, 0.0])).sigmoid()  # exactly 1, 0 and 0.5
    loss = losses.binary_cross_entropy(p, np.array([0.0, 0.0, 1.0]))
    loss.backward()
    assert loss.data == pytest.approx((100 + 0 + math.log(2)) / 3)
    assert np.all(np.isfinite(p.grad))


# BCE_TORCH was made by running torch 2.13.0+cpu: for each (p, t), x = torch.tensor(p, float64,
# requires_grad=True), l = F.binary_cross_entropy(x, torch.tensor(t, float64)), l.backward(), and
# (l.item(), x.grad.item()) copied. torch's gradient is (p - t) / max(p(1 - p), 1e-12 as a float32).
BCE_TORCH = [  # p, t, loss, dloss/dp
    (0.0, 0.0, 0.0, 0.0),
    (0.0, 1.0, 100.0, -1000000003995.8029),
    (1.0, 0.0, 100.0, 1000000003995.8029),
    (1.0, 1.0, 0.0, 0.0),
    (1e-50, 1.0, 100.0, -1000000003995.8029),
    (1e-50, 0.0, 1e-50, 1.0000000039958028e-38),
    (1e-13, 0.0, 1.00000000000005e-13, 0.10000000039958029),
    (1e-13, 0.3, 8.980081862676847, -300000001198.64087),
    (1e-12, 0.0, 1.0000000000005e-12, 1.000000000001),
    (1e-10, 0.0, 1.00000000005e-10, 1.0000000001),
    (0.9999999999999, 0.0, 29.933295312068765, 1000000003995.7028),
    (0.9999999999999, 1.0, 1.000310945187316e-13, -0.10003109491843114),
    (0.3, 0.7, 0.949783446209775, -1.9047619047619047),
]


@pytest.mark.parametrize("p, t, loss, grad", BCE_TORCH)
def test_binary_cross_entropy_at_the_edges_is_pytorchs_loss_and_gradient(p, t, loss, grad):
    v = Value(p)
    out = losses.binary_cross_entropy(v, t)
    out.backward()
    assert out.data == pytest.approx(loss, rel=1e-14, abs=0)
    assert v.grad == pytest.approx(grad, rel=1e-14, abs=0)


def test_binary_cross_entropy_on_lanes_mixes_edge_and_ordinary_examples_like_pytorch():
    # torch 2.13.0+cpu, float64: F.binary_cross_entropy on these 7 probabilities and targets (mean), backward
    p = lanes(0.0, 1e-13, 0.3, 1.0, 1.0, 0.5, 1e-6)
    loss = losses.binary_cross_entropy(p, np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.5, 0.0]))
    loss.backward()
    assert loss.data == pytest.approx(18.832961027686995, rel=1e-14)
    want = [0.0, -142857143427.95755, -0.47619047619047616, 142857143427.97183, 0.0, 0.0, 0.14285728571442857]
    np.testing.assert_allclose(p.grad, want, rtol=1e-14, atol=0)


def test_binary_cross_entropy_after_a_saturated_sigmoid_is_pytorchs():
    # torch 2.13.0+cpu, float64: F.binary_cross_entropy(torch.sigmoid(z), t) for these logits, backward to z.
    # sigmoid(±37) and beyond round to 0 or 1, where the clamped gradient leaves 0 (not 1.0 or nan).
    z = lanes(-800.0, -37.0, -30.0, 0.0, 30.0, 37.0, 800.0)
    loss = losses.binary_cross_entropy(z.sigmoid(), np.array([1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0]))
    loss.backward()
    assert loss.data == pytest.approx(48.24187816865145, rel=1e-14)
    want = [0.0, -1.2190068085486342e-05, 1.2509301139547648e-15, -0.07142857142857142,
            -1.248379430901352e-15, 0.0, 0.0]  # fmt: skip
    np.testing.assert_allclose(z.grad, want, rtol=1e-12, atol=0)


def test_hinge_at_the_margin_has_gradient_zero_like_torch_relu():
    # torch: torch.relu(1 - t·s) at t·s = 1 gives gradient 0 (so does F.multi_margin_loss, which needs
    # a strictly positive margin term); by hand, the hinge is flat from the margin on.
    s = lanes(1.0, -1.0, 1.0 - 2**-52)
    losses.hinge(s, np.array([1.0, -1.0, 1.0])).backward()
    np.testing.assert_array_equal(s.grad, [0.0, 0.0, -1 / 3])


def test_cross_entropy_at_extreme_logits_is_pytorchs():
    # torch 2.13.0+cpu: F.cross_entropy(torch.tensor([logits], float64), torch.tensor([target])), backward
    cases = [
        ([1000.0, -1000.0], 1, 2000.0, [1.0, -1.0]),
        ([1e300, -1e300], 1, 2e300, [1.0, -1.0]),
        ([750.0, 750.0], 0, 0.6931471805599453, [-0.5, 0.5]),
        ([-1e4, -1e4 - 1e-9], 0, 0.6931471800597232, [-0.49999999974988896, 0.49999999974988896]),
    ]
    for logits, target, loss, grad in cases:
        zs = [Value(z) for z in logits]
        out = losses.cross_entropy(zs, target)
        out.backward()
        assert out.data == pytest.approx(loss, rel=1e-15) and [z.grad for z in zs] == pytest.approx(
            grad, rel=1e-15
        )


def test_bce_with_logits_by_hand_including_zero_and_huge_logits():
    z = lanes(0.0, 0.0, 2.0, 1000.0, -1000.0, 1000.0)
    t = np.array([1.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    loss = losses.bce_with_logits(z, t)
    loss.backward()
    # per lane: log 2, log 2, log(1 + e²), 1000, 1000, 0
    expected = (2 * math.log(2) + math.log(1 + math.e**2) + 2000) / 6
    assert loss.data == pytest.approx(expected)
    sig = np.array([0.5, 0.5, 1 / (1 + math.exp(-2)), 1.0, 0.0, 1.0])
    np.testing.assert_allclose(z.grad, (sig - t) / 6)  # d/dz = sigmoid(z) - t, at z = 0 too


def test_bce_with_logits_single_example_at_zero_has_gradient_one_half_minus_t():
    for t in (0.0, 1.0):
        z = Value(0.0)
        losses.bce_with_logits(z, t).backward()
        assert z.grad == 0.5 - t


def test_cross_entropy_by_hand():
    zs = [Value(1.0), Value(2.0), Value(3.0)]
    loss = losses.cross_entropy(zs, 2)
    loss.backward()
    total = math.e + math.e**2 + math.e**3
    assert loss.data == pytest.approx(math.log(total) - 3)
    # d/dz_k = softmax_k - [k == target]
    probs = [math.e**k / total for k in (1, 2, 3)]
    assert [z.grad for z in zs] == pytest.approx([probs[0], probs[1], probs[2] - 1])


def test_cross_entropy_on_lanes_averages_the_examples_and_survives_huge_logits():
    zs = [lanes(1000.0, 0.0), lanes(-1000.0, 0.0), lanes(0.0, 0.0)]
    loss = losses.cross_entropy(zs, np.array([1, 2]))
    loss.backward()
    # example 1: logits (1000, -1000, 0), target 1: 2000 ; example 2: uniform, log 3
    assert loss.data == pytest.approx((2000 + math.log(3)) / 2)
    np.testing.assert_allclose(zs[0].grad, [0.5, 1 / 6])
    np.testing.assert_allclose(zs[1].grad, [-0.5, 1 / 6])
    np.testing.assert_allclose(zs[2].grad, [0.0, -1 / 3])


def test_hinge_by_hand():
    assert losses.hinge(Value(0.5), -1).data == 1.5  # max(0, 1 + 0.5)
    assert losses.hinge(Value(2.0), 1).data == 0.0
    s = lanes(0.5, 2.0, -0.5)
    loss = losses.hinge(s, np.array([-1, 1, 1]))
    loss.backward()
    assert loss.data == pytest.approx((1.5 + 0 + 1.5) / 3)
    np.testing.assert_allclose(s.grad, [1 / 3, 0.0, -1 / 3])  # -t where the margin is violated


def test_l2_penalty_by_hand():
    ps = [Value(1.0), Value(2.0), Value(-3.0)]
    reg = losses.l2_penalty(ps)
    reg.backward()
    assert reg.data == 14.0
    assert [p.grad for p in ps] == [2.0, 4.0, -6.0]


def test_softmax_and_log_softmax_by_hand():
    probs = softmax([Value(0.0), Value(math.log(3.0))])
    assert [p.data for p in probs] == pytest.approx([0.25, 0.75])
    logp = log_softmax([Value(1000.0), Value(-1000.0)])
    assert [v.data for v in logp] == pytest.approx([0.0, -2000.0])


# --- lanes agree with one example at a time ------------------------------------------------


def test_a_loss_on_lanes_is_the_mean_of_the_losses_of_each_example():
    pred = np.array([0.3, -1.2, 2.0, 0.0])
    for name, target in [
        ("mse", np.array([1.0, 0.0, -1.0, 0.5])),
        ("mae", np.array([1.0, 0.0, -1.0, 0.5])),
        ("hinge", np.array([1.0, -1.0, -1.0, 1.0])),
        ("bce_with_logits", np.array([1.0, 0.0, 0.0, 1.0])),
    ]:
        fn = getattr(losses, name)
        w = Value(1.5)
        fn(Value(pred) * w, target).backward()
        one_by_one = [Value(1.5) for _ in pred]
        for v, p, t in zip(one_by_one, pred, target):
            fn(p * v, float(t)).backward()
        singles = [fn(Value(p), float(t)).data for p, t in zip(pred, target)]
        assert fn(Value(pred), target).data == pytest.approx(np.mean(singles)), name
        assert w.grad == pytest.approx(np.mean([v.grad for v in one_by_one])), name


# --- gradients against central finite differences ----------------------------------------

finite = st.floats(-3, 3, allow_nan=False)


def _check(f, values, atol=1e-5):
    out = f(*values)
    out.backward()
    numeric = numerical_grad(f, values)
    for v, n in zip(values, numeric):
        np.testing.assert_allclose(v.grad, n, atol=atol, rtol=1e-4)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=5))
def test_regression_losses_gradients_match_finite_differences(pairs):
    pred, target = np.array(pairs).T
    assume(np.all(np.abs(pred - target) > 1e-3))  # mae has a kink at p = t
    for name in ("mse", "sse", "mae"):
        fn = getattr(losses, name)
        _check(lambda p, fn=fn: fn(p, target), [Value(pred.copy())])
        _check(lambda p, fn=fn: fn(p, float(target[0])), [Value(float(pred[0]))])


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-30, 30), st.sampled_from([0.0, 1.0]), st.floats(0, 1)), min_size=1, max_size=5
    )
)
def test_binary_losses_gradients_match_finite_differences(rows):
    z, hard, soft = (np.array(c) for c in zip(*rows))
    assume(np.all(np.abs(z) > 1e-3) and np.all(np.abs(1 - (2 * hard - 1) * z) > 1e-3))
    _check(lambda v: losses.bce_with_logits(v, hard), [Value(z.copy())])
    _check(lambda v: losses.bce_with_logits(v, soft), [Value(z.copy())])
    _check(lambda v: losses.hinge(v, 2 * hard - 1), [Value(z.copy())])
    p = 1 / (1 + np.exp(-np.clip(z, -8, 8)))  # probabilities away from 0 and 1
    _check(lambda v: losses.binary_cross_entropy(v, soft), [Value(p)], atol=1e-4)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 4), st.integers(1, 4), st.data())
def test_cross_entropy_gradients_match_finite_differences(k, n, data):
    logits = [Value(np.array(data.draw(st.lists(finite, min_size=n, max_size=n)))) for _ in range(k)]
    target = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    _check(lambda *zs: losses.cross_entropy(list(zs), target), logits)


def test_every_loss_runs_under_no_grad():
    with no_grad():
        assert losses.mse(lanes(1.0, 2.0), np.array([0.0, 0.0])).data == 2.5
        assert losses.bce_with_logits(Value(0.0), 1).data == pytest.approx(math.log(2))


# --- bad input: clear errors --------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: losses.mse(lanes(1.0, 2.0), np.array([1.0, 2.0, 3.0])), ValueError, "2 examples"),
        (lambda: losses.mse(Value(1.0), np.array([1.0, 2.0])), ValueError, "call the model on the 2-D"),
        (lambda: losses.mse(1.0, 2.0), TypeError, "must be a Value"),
        (lambda: losses.mse(Value(1.0), Value(2.0)), TypeError, "not a Value"),
        (lambda: losses.mse(Value(1.0), "2"), TypeError, "number or a numpy array"),
        (lambda: losses.mse(Value(1.0), math.nan), ValueError, "nan"),
        (lambda: losses.mse([Value(1.0), Value(2.0)], [1.0]), ValueError, "2 predictions"),
        (lambda: losses.hinge(Value(0.5), 0), ValueError, "2 * y - 1"),
        (lambda: losses.binary_cross_entropy(Value(0.5), 2), ValueError, "between 0 and 1"),
        (lambda: losses.binary_cross_entropy(Value(1.5), 1), ValueError, "bce_with_logits"),
        (lambda: losses.bce_with_logits(Value(0.5), -1), ValueError, "(y + 1) / 2"),
        (lambda: losses.cross_entropy(Value(1.0), 0), TypeError, "one Value per class"),
        (lambda: losses.cross_entropy([Value(1.0)], 0), ValueError, "at least 2"),
        (lambda: losses.cross_entropy([Value(1.0), Value(2.0)], 2), ValueError, "out of range"),
        (lambda: losses.cross_entropy([Value(1.0), Value(2.0)], 0.5), ValueError, "class indices"),
        (
            lambda: losses.cross_entropy([lanes(1.0, 2.0), lanes(1.0, 2.0)], [0, 1, 1]),
            ValueError,
            "2 examples",
        ),
        (lambda: losses.l2_penalty([]), ValueError, "no parameters"),
        (lambda: losses.l2_penalty([1.0]), TypeError, "Values"),
    ],
)
def test_bad_input_says_what_is_wrong(call, error, words):
    with pytest.raises(error, match=re.escape(words)):
        call()
