"""Edge cases that answer like PyTorch or say why (issue 9).

Truth here is worked by hand, central finite differences, HIPS autograd, or a
PyTorch 2.13 float64 number computed by hand and written in with a comment.
"""

import copy
import pickle

import numpy as np

from autograd_lite import NO_GRAD, Parameter, Value, detect_anomaly, has_grad, zero_grad
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
