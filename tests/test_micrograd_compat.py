"""micrograd code runs unchanged on autograd_lite: `_prev`, `_op`, the shim package, its training loop."""

import random
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import nn
import nn.micrograd
from autograd_lite import Value

ROOT = Path(__file__).resolve().parent.parent


def trace(root):
    """The lecture's graph walker, as students copy it: nodes and edges through `_prev` only."""
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def test_prev_and_op_read_like_micrograd():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    d = c + a
    e = d**2
    f = e.relu()
    assert a._prev == set() and a._op == ""
    assert c._prev == {a, b} and c._op == "*"
    assert d._prev == {c, a} and d._op == "+"
    assert e._prev == {d} and e._op == "**2"  # micrograd writes the exponent into the op
    assert f._op == "ReLU"
    assert (a * a)._prev == {a}  # a set, as micrograd keeps it: a*a has one child
    assert (a**0.5)._op == "**0.5" and (a**-1)._op == "**-1"
    assert a.tanh()._op == "tanh" and a.exp()._op == "exp"  # the lecture's own ops
    assert (a - b)._op == "-" and (a / b)._op == "/"  # ops micrograd lacks: ours
    assert isinstance(c._prev, set)


def test_prev_and_op_are_read_only_views():
    a = Value(1.0)
    c = a + 1.0
    with pytest.raises(AttributeError):
        c._prev = set()
    with pytest.raises(AttributeError):
        c._op = "+"
    assert "_prev" not in Value.__slots__ and "_op" not in Value.__slots__  # properties: no bytes per node


def test_the_lecture_walker_finds_every_node_and_edge():
    x1, x2, w1, w2, b = (Value(v, label=k) for v, k in [(2.0, "x1"), (0.0, "x2"), (-3.0, "w1"), (1.0, "w2"),
                                                          (6.8813735870195432, "b")])  # fmt: skip
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    nodes, edges = trace(o)
    # Counted by hand: 5 leaves, x1*w1, x2*w2, their sum, + b, tanh = 10 nodes; 2+2+2+2+1 = 9 edges.
    assert len(nodes) == 10 and len(edges) == 9
    assert {v.label for v in nodes if not v._prev} == {"x1", "x2", "w1", "w2", "b"}
    assert sorted(v._op for v in nodes if v._prev) == ["*", "*", "+", "+", "tanh"]
    # The lecture's numbers: o = 0.7071, do/dn = 1 - o^2 = 0.5, dx1 = w1 * 0.5 = -1.5, dw1 = x1 * 0.5 = 1.0.
    assert o.data == pytest.approx(0.7071067811865476)
    assert x1.grad == pytest.approx(-1.5) and w1.grad == pytest.approx(1.0)
    assert x2.grad == pytest.approx(0.5) and w2.grad == pytest.approx(0.0)


def test_install_makes_micrograd_imports_find_us():
    nn.micrograd.install()
    from micrograd.engine import Value as MValue
    from micrograd.nn import MLP, Layer, Module, Neuron

    assert MValue is Value
    assert issubclass(MLP, nn.MLP) and issubclass(Layer, nn.Layer) and issubclass(Neuron, nn.Neuron)
    assert Module is nn.Module
    assert repr(Neuron(3)) == "ReLUNeuron(3)" and repr(Neuron(3, nonlin=False)) == "LinearNeuron(3)"


def test_micrograd_weights_come_from_python_random_like_micrograd():
    # micrograd's Neuron draws random.uniform(-1, 1) for each weight in order, bias 0.
    random.seed(1337)
    expected = [random.uniform(-1, 1) for _ in range(2 * 3)]
    random.seed(1337)
    layer = nn.micrograd.nn.Layer(2, 3)
    assert [w.data for n in layer.neurons for w in n.w] == expected
    assert all(n.b.data == 0.0 for n in layer.neurons)


def moons_pm1(n=40):
    X, y = nn.datasets.moons(n=n, noise=0.1, seed=0)
    return X, 2 * y - 1


def test_micrograd_style_loop_reaches_the_loss_of_fit_from_the_same_weights():
    X, y = moons_pm1()
    random.seed(1337)
    model = nn.micrograd.nn.MLP(2, [8, 8, 1])
    twin = nn.MLP(2, [8, 8, 1], fine=True)
    twin.load_state_dict(model.state_dict())
    lr, steps = 0.05, 15

    def loss_of(m):  # micrograd's demo: a Python loop over examples, sum(...) of the losses
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(m, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        return sum(losses) * (1.0 / len(losses))

    for _ in range(steps):
        total = loss_of(model)
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
    final_loop = loss_of(model).data

    history = nn.fit(twin, X, y, loss="hinge", optimizer=nn.optim.SGD(twin.parameters(), lr=lr),
                     epochs=steps, progress=False)  # fmt: skip
    final_fit = nn.losses.hinge(twin(X), y).data
    assert history.epochs == steps
    assert final_fit == pytest.approx(final_loop, rel=1e-12)
    for (name, p), q in zip(model.named_parameters(), twin.parameters()):
        assert p.data == pytest.approx(q.data, rel=1e-12, abs=1e-15), name


def test_a_two_file_shim_folder_runs_micrograd_code_unchanged(tmp_path):
    shim = tmp_path / "micrograd"
    shim.mkdir()
    (shim / "__init__.py").write_text("")
    (shim / "engine.py").write_text("from autograd_lite import Value\n")
    (shim / "nn.py").write_text("from nn.micrograd.nn import *\n")
    script = textwrap.dedent(
        """
        import random
        from micrograd.engine import Value
        from micrograd.nn import Neuron, Layer, MLP
        random.seed(1337)
        model = MLP(2, [4, 1])
        x = [Value(1.0), Value(-2.0)]
        out = model(x)
        out.backward()
        print(type(out).__module__, len(model.parameters()), out._op, sorted(c._op for c in out._prev))
        """
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": ""})  # fmt: skip
    assert run.returncode == 0, run.stderr
    module, count, op, child_ops = run.stdout.split(maxsplit=3)
    assert (
        module == "autograd_lite.engine" and count == "17"
    )  # 4 neurons of 2 weights + b, then 4 weights + b
    assert op == "+" and child_ops.strip() == "['*', '+']"  # ((b + w1*x1) + ...) + w4*x4: a sum and a product


def test_lanes_work_through_the_shim_too():
    random.seed(0)
    model = nn.micrograd.nn.MLP(2, [3, 1])
    X = np.array([[0.5, -1.0], [2.0, 0.25]])
    batch = model(X)
    singles = [model(list(row)).data for row in X]
    assert batch.data == pytest.approx(singles)
