"""Edge cases that answer like PyTorch or say why (issue 9).

Truth here is worked by hand, central finite differences, HIPS autograd, or a
PyTorch 2.13 float64 number computed by hand and written in with a comment.
"""

import copy
import math
import pickle

import numpy as np
import pytest

from autograd_lite import NO_GRAD, Parameter, Value, detect_anomaly, has_grad, no_grad, wsum, zero_grad
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
