"""The engine's fast paths keep its meaning: nodes kept in slots, the sort, the collector, wsum."""

import copy
import gc
import math
import pickle
import random

import numpy as np
import pytest

from autograd_lite import NO_GRAD, Parameter, Value, has_grad, no_grad, topological_order, wsum
from autograd_lite.engine import NO_GRAPH, chain_rule, constant

# --- parents and local_grads read (and write) as tuples, whatever the slots hold ----------------


def test_every_shape_of_node_reads_its_parents_and_local_grads_as_tuples():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(0.5, label="c")
    assert a.parents == () and a.local_grads == () and type(a.local_grads) is tuple
    assert (a * b).parents == (a, b) and (a * b).local_grads == (-3.0, 2.0)  # d(ab)/da = b, by hand
    assert (a * a).parents == (a, a)  # an ordered tuple, never a set
    assert (a * 3).parents == (a,) and (a * 3).local_grads == (3.0,) and (a * 3).arg == 3.0
    assert a.tanh().parents == (a,) and a.tanh().local_grads == pytest.approx((1 - math.tanh(2.0) ** 2,))
    n = wsum([a, b], [c, a], b)  # 5 parents: w1, x1, w2, x2, b
    assert n.parents == (a, c, b, a, b)
    assert n.local_grads == (0.5, 2.0, 2.0, -3.0, 1.0)  # x1, w1, x2, w2, 1
    one = wsum([a], [b])  # one term and no bias: two parents
    assert one.parents == (a, b) and one.local_grads == (-3.0, 2.0)
    assert all(type(v.parents) is tuple for v in (a, a * b, a * 3, n, one))


def test_no_grad_results_and_constants_keep_no_graph_by_identity():
    a = Value(1.0)
    with no_grad():
        for v in (a * a, a + 1, a.exp(), wsum([a], [a], a)):
            assert v.parents == () and v.local_grads is NO_GRAPH and not v.requires_grad
    k = constant(np.array([1.0, 2.0]))
    assert k.local_grads is NO_GRAPH and k.parents == () and not k.requires_grad
    assert a.requires_grad and (a * a).requires_grad


def test_parents_and_local_grads_can_still_be_assigned():
    a, b = Value(2.0), Value(5.0)
    v = Value(0.0)
    v.parents, v.local_grads = (a, b), (10.0, 1.0)  # a hand-made node: dv/da = 10, dv/db = 1
    assert v.parents == (a, b) and v.local_grads == (10.0, 1.0)
    v.grad = 1.0
    chain_rule([v])
    assert a.grad == 10.0 and b.grad == 1.0
    w = Value(0.0)
    w.parents = (a, b, a)  # three parents: kept as tuples
    w.local_grads = (1.0, 2.0, 3.0)
    assert w.parents == (a, b, a) and w.local_grads == (1.0, 2.0, 3.0)


def test_copies_and_pickles_of_a_leaf_keep_its_fields():
    p = Parameter(2.5, label="w")
    for twin in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert (twin.data, twin.label, twin.parents, twin.local_grads) == (2.5, "w", (), ())
        assert twin.grad is NO_GRAD and twin.requires_grad
        (twin * twin).backward()
        assert twin.grad == 5.0


# --- the topological order is the one it always was ---------------------------------------------


def order_by_parents(root):
    """The engine's former sort, written on the public `parents`: depth first, first operand
    first, a leaf finished when found."""
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        for p in node.parents:
            if not p.parents and p not in seen:
                seen.add(p)
                order.append(p)
        for p in reversed(node.parents):
            if p.parents and p not in seen:
                stack.append((p, False))
    return order


def random_graph(rng: random.Random, size: int) -> Value:
    pool = [Value(rng.uniform(-1, 1)) for _ in range(4)]
    for _ in range(size):
        pick = lambda: rng.choice(pool[-6:] if rng.random() < 0.7 else pool)  # noqa: E731
        kind = rng.randrange(5)
        if kind == 0:
            v = pick() * pick()
        elif kind == 1:
            v = pick() + 0.5
        elif kind == 2:
            v = pick().tanh()
        elif kind == 3:
            k = rng.randrange(1, 4)
            v = wsum(
                [pick() for _ in range(k)], [pick() for _ in range(k)], pick() if rng.random() < 0.5 else None
            )
        else:
            x = pick()
            v = x * x
        pool.append(v)
    return pool[-1]


@pytest.mark.parametrize("seed", range(20))
def test_the_sort_gives_the_same_order_as_before_and_every_node_after_its_parents(seed):
    root = random_graph(random.Random(seed), 60)
    order = topological_order(root)
    assert order == order_by_parents(root)
    where = {v: i for i, v in enumerate(order)}
    assert len(where) == len(order)
    assert all(where[p] < where[v] for v in order for p in v.parents)
    assert topological_order(Value(1.0)) != [] and len(topological_order(Value(1.0))) == 1


@pytest.mark.parametrize("seed", range(10))
def test_backward_on_random_graphs_matches_central_differences(seed):
    rng = random.Random(100 + seed)
    root = random_graph(rng, 25)
    leaves = [v for v in topological_order(root) if not v.parents]
    root.backward()

    def value_at(leaf, h):
        # recompute the graph's output with leaf.data moved by h, through the same nodes' ops
        keep = leaf.data
        leaf.data = keep + h
        out = {}
        for v in topological_order(root):
            if not v.parents:
                out[v] = v.data
            elif v.op == "wsum":
                ds = [out[p] for p in v.parents]
                total = ds[-1] if len(ds) % 2 else 0.0
                out[v] = total + sum(ds[i] * ds[i + 1] for i in range(0, len(ds) - len(ds) % 2, 2))
            else:
                xs = [out[p] for p in v.parents]
                out[v] = v.op.forward(*xs) if v.arg is None else v.op.forward(*xs, v.arg)
        leaf.data = keep
        return out[root]

    for leaf in leaves:
        numeric = (value_at(leaf, 1e-6) - value_at(leaf, -1e-6)) / 2e-6
        assert leaf.grad == pytest.approx(numeric, rel=1e-5, abs=1e-7)


# --- the collector: fewer tracked objects, and the user's settings untouched ---------------------


def test_a_node_is_one_object_for_the_collector():
    a, b = Value(0.3), Value(0.7)
    gc.collect()
    before = len(gc.get_objects())
    y = a
    for _ in range(3000):
        y = y * b + a  # 6000 nodes, each made by a Value op
    gc.collect()
    tracked = len(gc.get_objects()) - before
    assert tracked < 6000 * 1.1  # was 2 (a Value and its tuple of parents) to 3 per node


def test_backward_leaves_the_users_gc_settings_as_they_were():
    a = Value(2.0)
    thresholds = gc.get_threshold()
    assert gc.isenabled()
    (a * a + a).backward()
    assert gc.isenabled() and gc.get_threshold() == thresholds
    gc.disable()
    try:
        (a * a).backward()
        assert not gc.isenabled()  # the user's choice stays
    finally:
        gc.enable()
    with pytest.raises(RuntimeError):
        with no_grad():
            b = a * a
        b.backward()  # an error in the sort's checks: the collector is switched back on
    assert gc.isenabled()
    with pytest.raises(TypeError):
        Value.backward(3.0)  # type: ignore[arg-type]
    assert gc.isenabled()


def test_grads_accumulate_on_leaves_and_interior_grads_are_recomputed():
    w = Parameter(3.0)
    x = w * 2.0
    y = x * x  # y = 4 w^2: dy/dw = 8w = 24
    y.backward()
    y.backward()
    assert w.grad == 48.0 and x.grad == 2 * x.data  # leaves accumulate; interiors start again
    y.zero_grad()
    assert w.grad is NO_GRAD and not has_grad(x)


# --- the lecture's code, as students write it --------------------------------------------------


def test_the_lecture_neuron_sum_starting_from_zero_or_the_bias_matches_hand_numbers():
    w = [Value(0.5), Value(-2.0)]
    b = Value(0.25)
    x = [3.0, 4.0]  # inputs as plain floats
    act = sum((wi * xi for wi, xi in zip(w, x)), b)  # 1.5 - 8 + 0.25 = -6.25
    assert act.data == -6.25
    loss = sum([act * act, w[0] * w[0]])  # starts at int 0: 0 + v through __radd__
    assert loss.data == 39.0625 + 0.25
    loss.backward()
    # d/dw0 = 2*act*x0 + 2*w0 = -37.5 + 1; d/dw1 = 2*act*x1 = -50; d/db = 2*act = -12.5
    assert w[0].grad == -36.5 and w[1].grad == -50.0 and b.grad == -12.5


def test_the_lecture_relu_and_hinge_with_lanes_still_sum_into_weights():
    w = Value(2.0)
    x = Value(np.array([1.0, -1.0, 0.5]))
    loss = (1 + -(w * x)).relu().sum()  # relu(1 - 2x): lanes 0, 3, 0 → 3
    assert loss.data == 3.0
    loss.backward()
    assert w.grad == 1.0  # only lane 2 is active: d/dw (1 - w x) = -x = 1


# --- wsum's quick checks say what they said --------------------------------------------------------


def test_wsum_refuses_a_one_lane_operand_among_many_lanes_by_name():
    w = Value(np.array([1.0, 2.0, 3.0]), label="w")
    x = Value(np.array([1.0]), label="x")
    with pytest.raises(ValueError, match=r"lanes of different lengths \(w has 3, x has 1\)"):
        wsum([w], [x])
    with pytest.raises(ValueError, match=r"lanes of different lengths"):
        wsum([1.0, 2.0], [Value(np.ones(3)), Value(np.ones(1))])
    with pytest.raises(ValueError, match=r"lanes of different lengths"):
        wsum([Value(2.0)], [Value(np.ones(3))], Value(np.ones(1), label="b"))
    with pytest.raises(ValueError, match=r"lanes of different lengths"):
        wsum([Value(np.ones(1)), 2.0], [Value(np.ones(3)), 1.0])


def test_wsum_with_lanes_matches_the_sum_written_out():
    rng = np.random.default_rng(0)
    ws = [Parameter(float(v)) for v in rng.uniform(-1, 1, 4)]
    xs = [Value(rng.uniform(-1, 1, 5)) for _ in range(4)]
    b = Parameter(0.1)
    n = wsum(ws, xs, b)
    by_hand = sum((w.data * x.data for w, x in zip(ws, xs)), 0.1)
    assert np.allclose(n.data, by_hand)
    n.sum().backward()
    assert [w.grad for w in ws] == pytest.approx([float(x.data.sum()) for x in xs])
    assert b.grad == 5.0
