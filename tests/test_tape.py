"""The tape replays a traced loss with the engine's numbers, or says why it cannot.

Independent truth: central finite differences on the tape's own gradients, and hand-picked data
where a baked-in constant would give a different number. Beside those, check mode (the engine
run on the same feeds and weights) guards every supported loss, activation, optimizer and batch
shape through nn.fit.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nn
from autograd_lite import Value, numerical_grad
from autograd_lite.engine import NO_GRAD, derived, guard
from autograd_lite.tape import TapeMismatch, Unsupported, trace
from nn import losses
from nn.compiled import CompileWarning


def moons(n=60, seed=0):
    X, y = nn.datasets.moons(n=n, noise=0.1, seed=seed)
    return X, (2.0 * y - 1.0)


def engine_loss_and_grads(fn, params, *feeds):
    for p in params:
        p.grad = NO_GRAD
    loss = fn(*feeds)
    loss.backward()
    return loss.data, np.array([p.grad for p in params])


# --- the numbers --------------------------------------------------------------------------------


def test_the_gradients_of_a_replay_are_the_finite_differences_of_its_loss():
    X, t = moons(20)
    model = nn.MLP(2, [5, 4, 1], activation="tanh", seed=1)
    params = model.parameters()

    def fn(X, t):
        return losses.mse(model(X), t) + 0.01 * losses.l2_penalty(params)

    tape = trace(fn, params, (X, t))
    X2, t2 = moons(20, seed=7)
    tape.run(X2, t2)
    tape_grads = [p.grad for p in params]
    expected = numerical_grad(lambda *ps: fn(X2, t2), params)
    np.testing.assert_allclose(tape_grads, expected, rtol=1e-6, atol=1e-8)


def test_targets_are_feeds_not_constants_baked_in_at_trace_time():
    X, t = moons(40)
    model = nn.MLP(2, [8, 1], seed=0)
    params = model.parameters()

    def fn(X, t):
        return losses.hinge(model(X), t)

    tape = trace(fn, params, (X, t))
    flipped = -t  # every label the other way: a loss with the traced targets baked in would not move
    with_tape = tape.run(X, flipped)
    by_hand = np.mean(np.maximum(0.0, 1.0 + t * nn.predict(model, X)))
    assert with_tape == pytest.approx(by_hand, rel=1e-12)
    assert with_tape != pytest.approx(tape.run(X, t), rel=1e-3)


def test_the_log_softmax_shift_is_recomputed_from_each_batch():
    # traced where the logits are small, replayed where they are ~1000: a shift baked in from the
    # first batch would overflow exp() and give inf; recomputed, the loss is the exact -log softmax
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = rng.integers(0, 3, size=30)
    model = nn.MLP(3, [3], activation="linear", seed=0)
    params = model.parameters()
    tape = trace(lambda X, y: losses.cross_entropy(model(X), y), params, (X, y))
    big = X * 1000.0
    got = tape.run(big, y)
    logits = nn.predict(model, big)
    m = logits.max(axis=1, keepdims=True)
    by_hand = np.mean(m[:, 0] + np.log(np.exp(logits - m).sum(axis=1)) - logits[np.arange(30), y])
    assert np.isfinite(got) and got == pytest.approx(by_hand, rel=1e-12)


def test_bce_with_logits_reads_the_sign_of_each_new_batch():
    X, t = moons(30)
    t01 = (t + 1) / 2
    model = nn.MLP(2, [4, 1], seed=2)
    params = model.parameters()
    tape = trace(lambda X, t: losses.bce_with_logits(model(X), t), params, (X, t01))
    X2 = -50.0 * X  # large logits of both signs
    got = tape.run(X2, t01)
    z = nn.predict(model, X2)
    by_hand = np.mean(np.maximum(z, 0) - z * t01 + np.log1p(np.exp(-np.abs(z))))
    assert got == pytest.approx(by_hand, rel=1e-12)
    grads = np.array([p.grad for p in params])
    _, engine = engine_loss_and_grads(lambda X, t: losses.bce_with_logits(model(X), t), params, X2, t01)
    np.testing.assert_allclose(grads, engine, rtol=1e-12, atol=1e-15)


def test_a_check_on_the_data_is_made_again_and_fails_as_the_engine_does():
    X, t = moons(20)
    model = nn.MLP(2, [4, 1], seed=0)
    tape = trace(lambda X, t: losses.hinge(model(X), t), model.parameters(), (X, t))
    with pytest.raises(ValueError, match="hinge needs labels of -1 or \\+1, got 0"):
        tape.run(X, (t + 1) / 2)  # 0/1 labels: the engine's own message
    assert tape.fallbacks == 1


def test_a_choice_made_on_the_data_runs_that_step_on_the_engine():
    X, t = moons(20)
    model = nn.MLP(2, [4, 1], seed=0)
    params = model.parameters()

    scales = (1.0, -1.0, 5.0, -5.0)
    means = sorted(float(np.mean(nn.predict(model, X * s))) for s in scales)
    cut = (means[1] + means[2]) / 2  # two scales take each branch

    def fn(X, t):
        out = model(X)
        if guard(lambda d: bool(np.mean(d) > cut), out):  # a branch the tape is told about
            return losses.mse(out, t)
        return losses.mae(out, t)

    tape = trace(fn, params, (X, t))
    for scale in scales:
        loss = tape.run(X * scale, t)
        expected, grads = engine_loss_and_grads(fn, params, X * scale, t)
        assert loss == pytest.approx(expected, rel=1e-12)
        np.testing.assert_allclose([p.grad for p in params], grads, rtol=1e-12, atol=1e-15)
    assert tape.fallbacks == 2


def test_check_mode_catches_a_branch_the_tape_was_not_told_about():
    X, t = moons(20)
    model = nn.MLP(2, [4, 1], seed=0)

    def fn(X, t):
        out = model(X)
        return losses.mse(out, t) if X[0, 0] > 0 else losses.mae(out, t)  # a Python if on the data

    X2 = X.copy()
    X2[0, 0] = -abs(X2[0, 0]) - 1
    X[0, 0] = abs(X[0, 0]) + 1
    tape = trace(fn, model.parameters(), (X, t), check_every=1)
    tape.run(X, t)
    with pytest.raises(TapeMismatch, match="loss"):
        tape.run(X2, t)


def test_a_replay_of_another_batch_size_is_refused_with_what_to_do():
    X, t = moons(20)
    model = nn.MLP(2, [4, 1], seed=0)
    tape = trace(lambda X, t: losses.mse(model(X), t), model.parameters(), (X, t))
    with pytest.raises(ValueError, match="traced for feeds of shapes .* trace another tape"):
        tape.run(X[:7], t[:7])


def test_derived_constants_outside_a_trace_are_plain_constants():
    v = Value(np.array([1.0, -2.0, 3.0]))
    m = derived(np.abs, v)
    assert not m.requires_grad and m.data.tolist() == [1.0, 2.0, 3.0]
    assert guard(lambda d: d.sum(), v) == 2.0


# --- what the tape refuses ---------------------------------------------------------------------


def test_an_array_computed_from_a_feed_is_refused_with_the_reason():
    X, t = moons(20)
    model = nn.MLP(2, [4, 1], seed=0)
    with pytest.raises(
        Unsupported, match=r"array of 20 numbers made at .*test_tape.py:\d+ .* is neither one of the feeds"
    ):
        trace(lambda X, t: losses.mse(model(X * 2.0), t), model.parameters(), (X, t))


@pytest.mark.parametrize(
    "feeds, error, match",
    [
        ((), ValueError, "at least one feed"),
        ((Value(1.0),), TypeError, "feeds are data"),
        ((np.zeros((2, 2, 2)),), TypeError, "1-D or 2-D"),
        ((np.zeros((3, 2)), np.zeros(4)), ValueError, "different numbers of examples"),
    ],
)
def test_bad_feeds_are_refused_by_name(feeds, error, match):
    with pytest.raises(error, match=match):
        trace(lambda *f: Value(1.0) * 2, [], feeds)


def test_a_trace_must_give_one_number_with_a_graph():
    X = np.ones((3, 2))
    w = Value(1.0)
    with pytest.raises(ValueError, match="reduce the lanes"):
        trace(lambda X: Value(X[:, 0]) * w, [w], (X,))
    with pytest.raises(TypeError, match="must return a Value"):
        trace(lambda X: 1.0, [w], (X,))


# --- fit on the tape ---------------------------------------------------------------------------


def fit_both(make, X, y, **kw):
    """fit with the tape (checked against the engine every step) and on the engine, from one start."""
    a, b = make(), make()
    b.load_state_dict(a.state_dict())
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)  # the tape must be used, not fallen back from
        ha = nn.fit(a, X, y, progress=False, compile=True, check_every=1, seed=0, **kw)
    hb = nn.fit(b, X, y, progress=False, compile=False, seed=0, **kw)
    assert ha.steps_on_tape > 0 and ha.steps_on_engine == 0, "every step replayed by the tape"
    assert hb.steps_on_tape == 0 and hb.steps_on_engine == ha.steps_on_tape
    return a, b, ha, hb


def assert_same_run(a, b, ha, hb):
    np.testing.assert_allclose(ha.loss, hb.loss, rtol=1e-10)
    for k in ha.metrics:
        assert ha.metrics[k] == hb.metrics[k]
    wa = np.array([p.data for p in a.parameters()])
    wb = np.array([p.data for p in b.parameters()])
    np.testing.assert_allclose(wa, wb, rtol=1e-9, atol=1e-12)


CASES = {
    "hinge": (lambda: nn.MLP(2, [6, 1], seed=0), "binary"),
    "bce_with_logits": (lambda: nn.MLP(2, [6, 1], seed=0), "binary"),
    "bce": (lambda: nn.MLP(2, [6, 1], output_activation="sigmoid", seed=0), "binary"),
    "cross_entropy": (lambda: nn.MLP(2, [6, 3], seed=0), "classes"),
    "mse": (lambda: nn.MLP(1, [6, 1], seed=0), "regression"),
    "sse": (lambda: nn.MLP(1, [6, 1], seed=0), "regression"),
    "mae": (lambda: nn.MLP(1, [6, 1], seed=0), "regression"),
}


def data_for(kind: str, n: int = 50):
    if kind == "binary":
        X, y = nn.datasets.moons(n=n, noise=0.2, seed=3)
    elif kind == "classes":
        X, y = nn.datasets.blobs(n=n, centers=3, seed=3)
    else:
        X, y = nn.datasets.sine(n=n, seed=3)
    return X, y


@pytest.mark.parametrize("loss", sorted(CASES))
@pytest.mark.parametrize("batch_size", [None, 16, 1])
def test_every_loss_and_batch_shape_trains_as_on_the_engine(loss, batch_size):
    make, kind = CASES[loss]
    X, y = data_for(kind, 50 if batch_size != 1 else 12)
    assert_same_run(*fit_both(make, X, y, loss=loss, epochs=4, batch_size=batch_size, lr=0.05))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "linear"])
def test_every_activation_trains_as_on_the_engine(activation):
    X, y = data_for("binary")
    make = lambda: nn.MLP(2, [5, 4, 1], activation=activation, seed=1)  # noqa: E731
    assert_same_run(*fit_both(make, X, y, loss="hinge", epochs=5, batch_size=20, l2=1e-3))


@pytest.mark.parametrize(
    "optimizer",
    [
        lambda ps: nn.optim.SGD(ps, lr=0.1),
        lambda ps: nn.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
        lambda ps: nn.optim.RMSProp(ps, lr=0.01, momentum=0.5),
        lambda ps: nn.optim.RMSProp(ps, lr=0.01, centered=True),
        lambda ps: nn.optim.Adam(ps, lr=0.01, amsgrad=True),
        lambda ps: nn.optim.AdamW(ps, lr=0.01),
        lambda ps: nn.optim.Adamax(ps, lr=0.01, weight_decay=1e-2),
    ],
    ids=["sgd", "sgd-nesterov", "rmsprop", "rmsprop-centered", "adam-amsgrad", "adamw", "adamax"],
)
def test_every_optimizer_trains_as_on_the_engine(optimizer):
    X, y = data_for("binary")
    a, b = nn.MLP(2, [6, 1], seed=0), nn.MLP(2, [6, 1], seed=0)
    oa, ob = optimizer(a.parameters()), optimizer(b.parameters())
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)
        ha = nn.fit(a, X, y, optimizer=oa, epochs=6, batch_size=16, progress=False, check_every=1, seed=0)
    hb = nn.fit(b, X, y, optimizer=ob, epochs=6, batch_size=16, progress=False, compile=False, seed=0)
    assert ha.steps_on_tape == 6 * 4 and ha.steps_on_engine == 0
    assert_same_run(a, b, ha, hb)
    # the optimizer's state after the tape is the per-parameter state the engine's run left
    for pa, pb in zip(a.parameters(), b.parameters()):
        sa, sb = oa.state.get(pa, {}), ob.state.get(pb, {})
        assert sa.keys() == sb.keys()
        for key in sa:
            assert np.allclose(sa[key], sb[key], rtol=1e-9, atol=1e-15), key


def test_sequential_linear_and_a_module_of_your_own_train_on_the_tape():
    X, y = nn.datasets.blobs(n=40, centers=3, seed=1)

    def seq():
        nn.manual_seed(0)
        return nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3))

    assert_same_run(*fit_both(seq, X, y, loss=nn.CrossEntropyLoss(), epochs=4, batch_size=16))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            nn.manual_seed(0)
            self.fc1 = nn.Linear(2, 6)
            self.fc2 = nn.Linear(6, 3)

        def forward(self, x):
            return self.fc2(nn.functional.relu(self.fc1(x)))

    assert_same_run(*fit_both(Net, X, y, loss="cross_entropy", epochs=4, batch_size=16))


def test_the_trained_weights_and_last_gradients_are_in_the_model_after_fit(tmp_path):
    X, y = data_for("binary")
    a, b, _, _ = fit_both(lambda: nn.MLP(2, [6, 1], seed=0), X, y, epochs=3)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert pa.grad == pytest.approx(pb.grad, rel=1e-9, abs=1e-12)
    a.save(tmp_path / "m.json")
    np.testing.assert_allclose(nn.predict(nn.MLP.load(tmp_path / "m.json"), X), nn.predict(b, X), rtol=1e-9)


def test_a_loss_the_tape_cannot_replay_trains_on_the_engine_with_a_note():
    X, y = data_for("binary", 30)

    def squared_hinge(out, t):
        return ((1.0 - out * (2 * t - 1)).relu() ** 2).mean()  # 2 * t - 1: numpy on the targets

    a, b = nn.MLP(2, [4, 1], seed=0), nn.MLP(2, [4, 1], seed=0)
    with pytest.warns(CompileWarning, match="neither one of the feeds.*training on the engine"):
        ha = nn.fit(a, X, y, loss=squared_hinge, epochs=3, progress=False)
    hb = nn.fit(b, X, y, loss=squared_hinge, epochs=3, progress=False, compile=False)
    assert ha.loss == hb.loss and (ha.steps_on_tape, ha.steps_on_engine) == (0, 3)


def test_fit_refuses_a_compile_or_check_every_it_does_not_know():
    X, y = data_for("binary", 10)
    with pytest.raises(TypeError, match="compile must be True"):
        nn.fit(nn.MLP(2, [2, 1]), X, y, epochs=1, progress=False, compile="yes")
    with pytest.raises(ValueError, match="check_every must be a whole number"):
        nn.fit(nn.MLP(2, [2, 1]), X, y, epochs=1, progress=False, check_every=0)


# --- reading the tape ---------------------------------------------------------------------------


def test_the_description_names_each_layer_as_one_product():
    X, t = moons(100)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    tape = trace(lambda X, t: losses.hinge(model(X), t), model.parameters(), (X, t))
    text = tape.describe()
    assert "layer 1: 16 neurons × 2 inputs → one 16×2 product W @ x + b" in text
    assert "layer 2: 16 neurons × 16 inputs → one 16×16 product" in text
    assert "relu(x), ×16 → one call on a 16×lanes block" in text
    assert "1 - x, ×1 → one call on a 1×lanes block" in text  # the hinge: 1 - s·t
    assert f"{len(model.parameters())} numbers in one buffer" in text
    assert repr(tape).startswith("<Tape: 100 lanes, 337 parameters")


def test_a_forward_of_your_own_that_branches_on_data_is_caught_and_trained_on_the_engine():
    X, y = data_for("binary", 40)

    class Gated(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 1, seed=0)

        def forward(self, x):
            out = self.fc(x)
            return out.relu() if out.data[0] > 0 else out.tanh()  # a branch on .data (the first example)

    a, b = Gated(), Gated()
    b.load_state_dict(a.state_dict())
    with pytest.warns(CompileWarning, match=r"reading \.data at .*test_tape\.py:\d+ \(forward\)"):
        ha = nn.fit(a, X, y, loss="hinge", epochs=3, batch_size=10, progress=False, seed=0)
    hb = nn.fit(b, X, y, loss="hinge", epochs=3, batch_size=10, progress=False, seed=0, compile=False)
    assert_same_run(a, b, ha, hb)
    assert ha.steps_on_tape == 0


def test_a_loss_of_your_own_that_reads_a_number_from_the_targets_is_caught():
    X, y = data_for("regression", 40)

    def scaled_mse(out, t):
        return ((out - t) ** 2).mean() * (1.0 / float(np.var(t)))  # a number of this batch, baked

    a, b = nn.MLP(1, [4, 1], seed=0), nn.MLP(1, [4, 1], seed=0)
    with pytest.warns(CompileWarning, match="changes with the data"):
        ha = nn.fit(a, X, y, loss=scaled_mse, epochs=2, batch_size=10, progress=False, seed=0)
    hb = nn.fit(b, X, y, loss=scaled_mse, epochs=2, batch_size=10, progress=False, seed=0, compile=False)
    assert_same_run(a, b, ha, hb)


def test_a_loss_of_your_own_written_with_values_trains_on_the_tape():
    X, y = data_for("regression", 40)

    def huberish(out, t):
        d = out - t
        return ((d * d + 1.0) ** 0.5 - 1.0).mean()

    assert_same_run(
        *fit_both(lambda: nn.MLP(1, [5, 1], seed=0), X, y, loss=huberish, epochs=3, batch_size=16)
    )


def test_a_tape_too_big_for_memory_is_refused_before_it_is_allocated(monkeypatch):
    import autograd_lite.tape as tape_module

    monkeypatch.setattr(tape_module, "MAX_BYTES", 10_000)
    X, t = moons(100)
    model = nn.MLP(2, [8, 1], seed=0)
    with pytest.raises(Unsupported, match=r"buffers would take .* GB .* use smaller batches"):
        trace(lambda X, t: losses.mse(model(X), t), model.parameters(), (X, t))


def test_callbacks_of_your_own_see_each_epochs_weights_and_grads_and_may_set_them():
    X, y = data_for("binary", 40)

    class Watch(nn.Callback):
        def __init__(self):
            self.seen = []

        def epoch_done(self, run, epoch):
            p = run.model.parameters()[0]
            self.seen.append((p.data, p.grad))
            if epoch == 2:
                p.data = 0.5  # a callback that sets a weight: the next epoch trains from it
            return False

    runs = []
    for compile in (True, False):
        model, watch = nn.MLP(2, [4, 1], seed=0), Watch()
        nn.fit(
            model, X, y, epochs=4, batch_size=16, progress=False, seed=0, callbacks=[watch], compile=compile
        )
        runs.append(watch.seen)
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-9)


def test_a_callback_that_does_not_touch_the_model_leaves_the_weights_in_the_buffer_until_the_end():
    X, y = data_for("binary", 40)

    class Timer(nn.Callback):
        touches_model = False

        def __init__(self, model):
            self.model, self.first = model, []

        def epoch_done(self, run, epoch):
            self.first.append(self.model.parameters()[0].data)
            return False

    model = nn.MLP(2, [4, 1], seed=0)
    start = model.parameters()[0].data
    timer = Timer(model)
    nn.fit(model, X, y, epochs=3, progress=False, seed=0, callbacks=[timer])
    assert timer.first == [start] * 3  # it said it would not look: the Values waited
    engine = nn.MLP(2, [4, 1], seed=0)
    nn.fit(engine, X, y, epochs=3, progress=False, seed=0, compile=False)
    assert model.parameters()[0].data == pytest.approx(engine.parameters()[0].data, rel=1e-9)


def test_integer_and_bool_targets_are_converted_on_every_replay_not_baked_in():
    X, y = nn.datasets.moons(n=60, seed=0)  # y: integers 0/1, as the datasets give them
    model = nn.MLP(2, [4, 1], seed=0)
    params = model.parameters()
    for loss, labels in (
        (losses.mse, y),
        (losses.hinge, 2 * y - 1),
        (losses.bce_with_logits, y.astype(bool)),
    ):
        tape = trace(lambda X, t: loss(model(X), t), params, (X, labels))  # noqa: B023
        flipped = (1 - labels) if labels.dtype != bool else ~labels
        if loss is losses.hinge:
            flipped = -labels
        expected, grads = engine_loss_and_grads(lambda X, t: loss(model(X), t), params, X, flipped)  # noqa: B023
        assert tape.run(X, flipped) == pytest.approx(expected, rel=1e-12)
        np.testing.assert_allclose([p.grad for p in params], grads, rtol=1e-10, atol=1e-15)


def test_state_a_callback_changes_in_a_forward_of_your_own_is_caught_before_a_step_trains_on_it():
    X, y = nn.datasets.moons(n=100, seed=0)

    class Temp(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2, self.T = nn.Linear(2, 8, seed=0), nn.Linear(8, 1, seed=1), 1.0

        def forward(self, x):
            return self.fc2(nn.functional.tanh(self.fc1(x))) * (1.0 / self.T)  # a number of the model's

    class Anneal(nn.Callback):
        def epoch_done(self, run, epoch):
            run.model.T = 1.0 + epoch
            return False

    a, b = Temp(), Temp()
    with pytest.warns(CompileWarning, match="a replay differed from the engine"):
        ha = nn.fit(
            a,
            X,
            y,
            loss="hinge",
            lr=0.05,
            epochs=4,
            batch_size=20,
            seed=0,
            callbacks=[Anneal()],
            progress=False,
        )
    hb = nn.fit(
        b,
        X,
        y,
        loss="hinge",
        lr=0.05,
        epochs=4,
        batch_size=20,
        seed=0,
        callbacks=[Anneal()],
        progress=False,
        compile=False,
    )
    assert_same_run(a, b, ha, hb)
    assert ha.steps_on_tape == 5  # the first epoch; the second's first step was checked and found apart


def test_a_batch_too_big_to_trace_is_evaluated_on_the_engine_and_training_stays_on_the_tape(monkeypatch):
    import nn.module as module_

    X, y = data_for("binary", 200)
    real = module_._check_batch_size

    def small_only(model, lanes, *args):  # as if the whole set were too big to trace (not to evaluate)
        from autograd_lite.modes import state

        if lanes > 50 and state.grad_enabled:
            raise module_.TooBig("pretend: too big")
        return real(model, lanes, *args)

    monkeypatch.setattr(module_, "_check_batch_size", small_only)
    a, b = nn.MLP(2, [4, 1], seed=0), nn.MLP(2, [4, 1], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileWarning)
        ha = nn.fit(a, X, y, epochs=2, batch_size=50, progress=False, seed=0)
    monkeypatch.setattr(module_, "_check_batch_size", real)
    hb = nn.fit(b, X, y, epochs=2, batch_size=50, progress=False, seed=0, compile=False)
    assert ha.steps_on_tape == 8 and ha.steps_on_engine == 0
    assert_same_run(a, b, ha, hb)


def test_feeds_of_another_shape_say_which_feed_and_what_it_must_be():
    X, t = moons(20)
    model = nn.MLP(2, [4, 1], seed=0)
    tape = trace(lambda X, t: losses.mse(model(X), t), model.parameters(), (X, t))
    with pytest.raises(ValueError, match=r"feed 0 must be \(2,\) per example"):
        tape.run(np.hstack([X, X[:, :1]]), t)
    with pytest.raises(ValueError, match="feed 1 must be one number per example"):
        tape.run(X, t[:, None])
    with pytest.raises(ValueError, match="takes 2 feeds, got 1"):
        tape.run(X)


def test_a_parameter_left_out_of_params_is_named_and_one_outside_the_graph_gets_no_gradient():
    X, t = moons(20)
    model = nn.MLP(2, [4, 1], seed=0)
    with pytest.raises(Unsupported, match=r"pass all of the model's parameters \(model.parameters\(\)\)"):
        trace(lambda X, t: losses.mse(model(X), t), model.parameters()[:1], (X, t))  # one weight of a neuron
    extra = Value(1.0)
    extra.grad = 5.0
    tape = trace(lambda X, t: losses.mse(model(X), t), [*model.parameters(), extra], (X, t))
    tape.run(X, t)
    assert extra.grad is NO_GRAD


def test_a_forward_that_takes_a_number_from_its_weights_is_caught_with_a_full_batch_too():
    X, y = data_for("binary", 40)

    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 1, seed=0)

        def forward(self, x):
            return self.fc(x) * float(1.0 + abs(self.fc.weight).sum())  # numpy on the weights: a number

    a, b = Scaled(), Scaled()
    with pytest.warns(CompileWarning, match="changes with the data or the weights"):
        ha = nn.fit(a, X, y, loss="hinge", lr=0.05, epochs=5, progress=False)
    hb = nn.fit(b, X, y, loss="hinge", lr=0.05, epochs=5, progress=False, compile=False)
    assert_same_run(a, b, ha, hb)
