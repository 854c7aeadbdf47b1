"""Size guards: a model, a batch, a dataset or a model file too big for memory is refused at once,
with the estimate and the limit, and the estimates are not below what building really takes."""

import gc
import json
import time
import tracemalloc

import numpy as np
import pytest

import nn
from autograd_lite import no_grad
from nn import module
from nn.module import MEMORY_LIMIT, TooBig

FAST = 1.0  # seconds: generous; the point is that nothing is built (a 1e10-parameter MLP never returns)


def refused(make):
    """The TooBig a call raises, checking it came at once."""
    start = time.perf_counter()
    with pytest.raises(TooBig) as info:
        make()
    assert time.perf_counter() - start < FAST
    assert isinstance(info.value, ValueError) and isinstance(info.value, MemoryError)
    return str(info.value)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: nn.MLP(2, [100000, 100000]), "MLP(2, [100000, 100000]) has 10,000,400,000 parameters"),
        (lambda: nn.Layer(100000, 100000), "Layer(100000, 100000) has 10,000,100,000 parameters"),
        (lambda: nn.Neuron(10**9), "Neuron(1000000000) has 1,000,000,001 parameters"),
        (lambda: nn.MLP(2, [3000, 3000, 1]), "has 9,015,001 parameters"),  # 1.8 GB: 30 s to build
    ],
)
def test_a_model_too_big_for_memory_is_refused_before_it_is_built(make, words):
    message = refused(make)
    assert words in message and "more than the limit of 1 GB" in message
    assert "the limit fits 5,000,000 parameters" in message


def test_the_estimate_is_parameters_times_bytes_each():
    # 10,000,400,000 parameters x 200 bytes = 2.00008e12 bytes
    assert "about 2 TB of memory" in refused(lambda: nn.MLP(2, [100000, 100000]))
    assert "about 1.8 GB of memory" in refused(lambda: nn.MLP(2, [3000, 3000, 1]))


def test_the_limit_can_be_raised_or_lowered(monkeypatch):
    monkeypatch.setattr(module, "MEMORY_LIMIT", 10_000)  # 50 parameters
    assert "more than the limit of 10 kB" in refused(lambda: nn.MLP(2, [16, 1]))  # 65 parameters
    assert len(nn.MLP(2, [10, 1]).parameters()) == 41


def test_a_batch_too_big_for_its_graph_is_refused_before_any_lane_is_made():
    model = nn.MLP(2, [1000, 1], seed=0)  # 2 + 6 x 1001 lane arrays: 48 kB a lane with a graph
    X = np.zeros((50_000, 2))
    message = refused(lambda: model(X))
    assert "on a batch of 50,000 examples (building its graph) would take about 2.4 GB" in message
    assert "call it on smaller batches, or under no_grad() to build no graph" in message
    with no_grad():  # 3 x 1000 lane arrays alive at once: 24 kB a lane
        assert "would take about 1.2 GB" in refused(lambda: model(X))
        assert model(X[:20_000]).data.shape == (20_000,)
    assert "on a batch of 50,000" in refused(lambda: model.layers[0](X))


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: nn.datasets.moons(n=100_000_000), "100,000,000 points would take about 9.6 GB"),
        (lambda: nn.datasets.line(n=10**12), "1,000,000,000,000 points"),
        (lambda: nn.datasets.spirals(classes=10**9), "300 points in 1,000,000,000 classes"),
        (lambda: nn.datasets.blobs(n=10, centers=10**9), "use fewer centers"),
    ],
)
def test_a_dataset_too_big_for_memory_is_refused_at_once(make, words):
    message = refused(make)
    assert words in message and "more than the limit of 1 GB" in message


def test_many_classes_are_fast_now_that_they_are_not_a_python_loop():
    start = time.perf_counter()
    X, y = nn.datasets.spirals(n=100_000, classes=50_000, seed=0)  # was 18 s: 358 µs an arm
    assert time.perf_counter() - start < 5.0
    assert np.bincount(y).tolist() == [2] * 50_000


def test_a_model_file_too_big_to_read_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "m.json"
    nn.MLP(2, [30, 1], seed=0).save(path)
    size = path.stat().st_size
    monkeypatch.setattr(module, "MEMORY_LIMIT", 4 * size)  # reading takes ~5 times the file
    with pytest.raises(TooBig, match=r"m\.json: reading this .* model file would take about .*limit"):
        nn.MLP.load(path)
    monkeypatch.setattr(module, "MEMORY_LIMIT", 6 * size)
    assert len(nn.MLP.load(path).parameters()) == 121


# --- the constants are measured, not guessed: building takes no more than estimated ---------------


def _traced(make):
    gc.collect()
    tracemalloc.start()
    try:
        made = make()
        now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return made, peak


def test_a_parameter_takes_no_more_than_the_estimate():
    model, peak = _traced(lambda: nn.MLP(2, [200, 200, 1], seed=0))
    n = len(model.parameters())
    assert 0.5 * module.BYTES_PER_PARAMETER < peak / n <= module.BYTES_PER_PARAMETER


def test_training_a_parameter_takes_no_more_than_the_estimate():
    X, y = nn.datasets.moons(n=4, seed=0)
    model, built = _traced(lambda: nn.MLP(2, [200, 200, 1], seed=0))
    n = len(model.parameters())

    def train():
        opt = nn.optim.Adam(model.parameters(), lr=0.01)
        out = model([X[0, 0], X[0, 1]])
        nn.losses.hinge(out, 2.0 * y[0] - 1).backward()
        opt.step()
        return out, opt  # kept alive: the graph and Adam's state

    _, peak = _traced(train)
    total = (built + peak) / n
    assert 0.5 * module.BYTES_PER_TRAINED_PARAMETER < total <= module.BYTES_PER_TRAINED_PARAMETER


@pytest.mark.parametrize("sizes, fine", [([16, 16, 1], False), ([64, 8], False), ([8, 8, 1], True)])
def test_a_batch_graph_takes_no_more_than_the_estimate(sizes, fine):
    model = nn.MLP(2, sizes, activation="tanh", seed=0, fine=fine)
    X = np.random.default_rng(0).normal(size=(5000, 2))

    def forward_and_backward():
        out = model(X)
        loss = sum((o * o).mean() for o in out) if isinstance(out, list) else (out * out).mean()
        loss.backward()
        return loss

    _, peak = _traced(forward_and_backward)
    estimate = module.estimate_bytes(lanes=len(X), nodes=module.graph_nodes(2, sizes, fine=fine))
    assert 0.5 * estimate < peak <= estimate
    with no_grad():
        _, peak = _traced(lambda: model(X))
    estimate = module.estimate_bytes(lanes=len(X), nodes=module.graph_nodes(2, sizes, grad=False))
    assert 0.3 * estimate < peak <= estimate


@pytest.mark.parametrize("name", ["xor", "moons", "circles", "spirals", "blobs", "line", "sine"])
def test_a_dataset_takes_no_more_than_the_estimate(name):
    n = 200_000
    _, peak = _traced(lambda: getattr(nn.datasets, name)(n=n, seed=0))
    assert peak <= module.estimate_bytes(samples=n)


def test_reading_a_model_file_takes_no_more_than_the_estimate(tmp_path):
    path = tmp_path / "m.json"
    nn.MLP(2, [100, 100, 1], seed=0).save(path)
    _, peak = _traced(lambda: json.loads(path.read_text()))
    assert peak <= module.estimate_bytes(file_bytes=path.stat().st_size)
    assert MEMORY_LIMIT == 1_000_000_000
