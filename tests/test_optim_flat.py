"""Flat sessions (`Optimizer.flat`) against the per-parameter `step()`, bit for bit.

Each test runs two copies of an optimizer from the same start: one takes
per-parameter steps, the other the same steps in a flat session over one
float64 array, and the weights and the state afterwards must be equal exactly
(the same bits: == on float.hex, so 0.0 is not -0.0, and any nan is nan). The
per-parameter path is tied to torch.optim by tests/test_nn_optim.py, tests/test_torch.py
and benchmarks/check_optim.py; here the flat path is tied to it.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd_lite import Parameter
from nn import optim

# --- two copies, stepped two ways ----------------------------------------------------------------


def bits(x):
    """A float as its exact bits (every nan alike); ints and the rest as they are."""
    return float(x).hex() if isinstance(x, float | np.floating) else x


def state_bits(opt):
    return {i: {k: bits(v) for k, v in s.items()} for i, s in opt.state_dict()["state"].items()}


def outcome(f):
    """What running f() gave: None, or the error's type and message."""
    try:
        f()
    except Exception as e:  # noqa: BLE001 - compared between the two paths
        return type(e), str(e)
    return None


class Pair:
    """Two copies of one optimizer over parameters with the same start: `a` steps per parameter,
    `b` in a flat session over `session` (indices into the parameters, in the session's order)."""

    def __init__(self, cls, kw, start, session):
        self.n = len(start)
        self.pa = [Parameter(float(x), label=f"w{i}") for i, x in enumerate(start)]
        self.pb = [Parameter(float(x), label=f"w{i}") for i, x in enumerate(start)]
        self.a, self.b = cls(self.pa, **kw), cls(self.pb, **kw)
        self.session = list(session)
        self.f = None

    def warm_up(self, grads):
        """A per-parameter step on both copies (None: no gradient for that parameter); what it gave."""
        seen = []
        for opt, ps in ((self.a, self.pa), (self.b, self.pb)):
            opt.zero_grad()
            for p, g in zip(ps, grads):
                if g is not None:
                    p.grad = g
            seen.append(outcome(opt.step))
        assert seen[0] == seen[1]
        return seen[0]

    def open(self):
        mine = [self.pb[i] for i in self.session]
        self.data = np.array([p.data for p in mine], dtype=np.float64)
        self.grad = np.zeros(len(mine))
        self.f = self.b.flat(mine, self.data, self.grad)
        assert self.f is not None
        return self.f

    def step(self, grads, lr=None):
        """One step on both copies: the session's parameters get `grads` (in session order), the
        others none. Returns what each copy's step gave (None, or its error)."""
        if lr is not None:
            self.a.lr = lr
            self.b.param_groups[0]["lr"] = lr  # as tutorials set it

        def per_parameter():
            self.a.zero_grad()
            for i, g in zip(self.session, grads):
                self.pa[i].grad = float(g)
            self.a.step()

        def flat():
            self.grad[:] = grads
            self.f.step()

        return outcome(per_parameter), outcome(flat)

    def close(self):
        self.f.close()
        for i, x in zip(self.session, self.data.tolist()):
            self.pb[i].data = x  # the caller (the tape) writes its buffer back

    def assert_equal(self):
        data_a = [bits(self.pa[i].data) for i in self.session]
        data_b = [bits(x) for x in self.data.tolist()] if self.f and not self.f.closed else None
        if data_b is None:
            data_b = [bits(self.pb[i].data) for i in self.session]
        assert data_a == data_b
        others = [i for i in range(self.n) if i not in self.session]
        assert [bits(self.pa[i].data) for i in others] == [bits(self.pb[i].data) for i in others]
        assert state_bits(self.a) == state_bits(self.b)
        assert list(self.a.state_dict()["state"]) == list(self.b.state_dict()["state"])  # made in one order


# --- the optimizers and their options ---------------------------------------------------------------

unit = st.floats(0.0, 0.999)
rate = st.floats(0.0, 2.0) | st.sampled_from([0.0, 1e-3, 0.1])


def maybe(strategy, off=0.0):
    return st.just(off) | strategy


@st.composite
def sgd(draw):
    mu = draw(maybe(st.floats(0.01, 0.99)))
    dampening = draw(maybe(st.floats(0.0, 1.0)))
    nesterov = mu > 0 and dampening == 0 and draw(st.booleans())
    kw = dict(lr=draw(rate), momentum=mu, dampening=dampening, nesterov=nesterov)
    kw.update(weight_decay=draw(maybe(st.floats(0.0, 0.5))), noise=draw(maybe(st.floats(0.0, 0.1))))
    return optim.SGD, {**kw, "seed": 7}


@st.composite
def rmsprop(draw):
    kw = dict(lr=draw(rate), alpha=draw(unit), eps=draw(st.floats(1e-10, 1e-2)))
    kw.update(weight_decay=draw(maybe(st.floats(0.0, 0.5))), momentum=draw(maybe(st.floats(0.01, 0.99))))
    return optim.RMSProp, {**kw, "centered": draw(st.booleans())}


@st.composite
def adams(draw):
    cls = draw(st.sampled_from([optim.Adam, optim.AdamW]))
    kw = dict(lr=draw(rate), betas=(draw(unit), draw(unit)), eps=draw(st.floats(1e-12, 1e-3)))
    return cls, {**kw, "weight_decay": draw(maybe(st.floats(0.0, 0.5))), "amsgrad": draw(st.booleans())}


@st.composite
def adamax(draw):
    kw = dict(lr=draw(rate), betas=(draw(unit), draw(unit)), eps=draw(st.floats(1e-12, 1e-3)))
    return optim.Adamax, {**kw, "weight_decay": draw(maybe(st.floats(0.0, 0.5)))}


OPTIMIZERS = {"sgd": sgd(), "rmsprop": rmsprop(), "adam/adamw": adams(), "adamax": adamax()}

number = st.floats(-1e3, 1e3, allow_nan=False) | st.sampled_from([0.0, -0.0, 1e-300, -5e-324, 1.7])


@st.composite
def runs(draw, extreme=False):
    """(start, session, warm-up gradients (None: none), flat-session gradients, lr per flat step)."""
    values = number | st.floats(allow_nan=True, allow_infinity=True) if extreme else number
    n = draw(st.integers(1, 6))
    start = draw(st.lists(values, min_size=n, max_size=n))
    order = draw(st.permutations(range(n)))
    session = order[: draw(st.integers(1, n))]
    warm = draw(st.lists(st.lists(st.none() | values, min_size=n, max_size=n), max_size=3))
    k = draw(st.integers(1, 5))
    m = len(session)
    grads = draw(st.lists(st.lists(values, min_size=m, max_size=m), min_size=k, max_size=k))
    lrs = draw(st.lists(st.none() | rate, min_size=k, max_size=k))
    return start, session, warm, grads, lrs


def run_both(cls, kw, run):
    """Both copies through one run; returns the Pair, closed, after checking every step agreed."""
    start, session, warm, grads, lrs = run
    pair = Pair(cls, kw, start, session)
    for g in warm:
        pair.warm_up(g)
    pair.open()
    for g, lr in zip(grads, lrs):
        a, b = pair.step(g, lr)
        assert a == b  # the same error (type and message), or none
        pair.assert_equal()
        if a is not None:
            break
    pair.close()
    pair.assert_equal()
    return pair


# --- the same numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", OPTIMIZERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_flat_steps_are_the_per_parameter_steps_bit_for_bit(kind, data):
    # any options, any start, a session over any subset in any order, state left by earlier sparse
    # steps (so step counts and momentum buffers differ between parameters), lr changed between steps
    cls, kw = data.draw(OPTIMIZERS[kind])
    run_both(cls, kw, data.draw(runs()))


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # inf - inf, on purpose
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.parametrize("kind", OPTIMIZERS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_inf_nan_and_huge_numbers_go_the_same_way(kind, data):
    cls, kw = data.draw(OPTIMIZERS[kind])
    run_both(cls, kw, data.draw(runs(extreme=True)))


CASES = [
    (optim.SGD, dict(lr=0.1)),
    (optim.SGD, dict(lr=0.1, weight_decay=0.1)),
    (optim.SGD, dict(lr=0.1, momentum=0.9)),
    (optim.SGD, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)),
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    (optim.SGD, dict(lr=0.1, noise=0.05, seed=3)),
    (optim.SGD, dict(lr=0.1, momentum=0.9, noise=0.05, seed=3)),
    (optim.RMSProp, dict()),
    (optim.RMSProp, dict(lr=0.01, alpha=0.9, momentum=0.5, weight_decay=0.1)),
    (optim.RMSProp, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1)),
    (optim.RMSProp, dict(lr=0.01, alpha=0.9, centered=True)),
    (optim.Adam, dict()),
    (optim.Adam, dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True)),
    (optim.AdamW, dict()),
    (optim.AdamW, dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    (optim.Adamax, dict()),
    (optim.Adamax, dict(lr=0.05, betas=(0.5, 0.7), weight_decay=0.2)),
]
IDS = [f"{c.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'defaults'}" for c, kw in CASES]


def long_run(n=40, steps=60, seed=0):
    rng = np.random.default_rng(seed)
    start = rng.normal(size=n).tolist()
    session = rng.permutation(n)[: n - 5].tolist()  # five parameters stay out
    warm = [[g if rng.random() < 0.6 else None for g in rng.normal(size=n).tolist()] for _ in range(3)]
    scales = np.logspace(-3, 1, len(session))
    grads = [(rng.normal(size=len(session)) * scales).tolist() for _ in range(steps)]
    return start, session, warm, grads


@pytest.mark.parametrize("cls, kw", CASES, ids=IDS)
def test_every_optimizer_and_option_over_many_steps_with_a_schedule(cls, kw):
    start, session, warm, grads = long_run()
    pair = Pair(cls, kw, start, session)
    for g in warm:
        pair.warm_up(g)
    pair.open()
    schedule = [optim.CosineAnnealingLR(opt, T_max=len(grads)) for opt in (pair.a, pair.b)]
    for g in grads:
        assert pair.step(g) == (None, None)
        for s in schedule:
            s.step()  # lr changes every step, read by the next one
    assert pair.a.lr == pair.b.lr != kw.get("lr", 1.0)
    pair.assert_equal()  # opt.state read mid-session is current
    pair.close()
    pair.assert_equal()


@pytest.mark.parametrize("cls, kw", CASES, ids=IDS)
def test_a_second_session_and_per_parameter_steps_carry_on_from_the_first(cls, kw):
    # fit, then fit again with the same optimizer: moments, buffers and step counts continue
    start, session, warm, grads = long_run(n=12, steps=9, seed=1)
    pair = Pair(cls, kw, start, session)
    pair.open()
    for g in grads[:3]:
        pair.step(g)
    pair.close()
    for g in grads[3:5]:  # per-parameter steps after the session carry on from its state
        full = [None] * pair.n
        for i, x in zip(session, g):
            full[i] = x
        pair.warm_up(full)
    pair.assert_equal()
    pair.open()
    for g in grads[5:]:
        pair.step(g)
    pair.close()
    pair.assert_equal()
    saved = pair.b.state_dict()
    again = cls([Parameter(p.data) for p in pair.pb], **kw)
    again.load_state_dict(saved)
    assert state_bits(again) == state_bits(pair.a)


def test_sgd_noise_draws_what_step_draws_for_each_parameter_by_its_position():
    pair = Pair(optim.SGD, dict(lr=0.1, noise=0.5, seed=11), [0.0] * 9, [7, 2, 5, 0])
    pair.open()
    for _ in range(4):
        assert pair.step([0.0, 0.0, 0.0, 0.0]) == (None, None)  # a zero gradient: the moves are the noise
    assert len({float(x) for x in pair.data}) == 4  # each its own draw
    assert pair.a.rng.random() == pair.b.rng.random()  # and as many draws: the generators agree
    pair.assert_equal()


def test_parameters_outside_the_session_are_not_touched():
    ps = [Parameter(1.0), Parameter(2.0), Parameter(3.0)]
    opt = optim.Adam(ps, lr=0.1)
    ps[1].grad = 5.0
    opt.step()
    before = dict(opt.state[ps[1]])
    data, grad = np.array([1.0, 3.0]), np.array([0.5, -0.5])
    with opt.flat([ps[0], ps[2]], data, grad) as f:
        for _ in range(3):
            f.step()
    assert ps[1].data == pytest.approx(1.9) and opt.state[ps[1]] == before
    assert opt.state[ps[0]]["step"] == 3
    assert [p.data for p in ps] == [1.0, pytest.approx(1.9), 3.0]  # p.data is the caller's business


# --- state while a session is open ----------------------------------------------------------------


def test_reading_state_mid_session_is_current_and_changing_it_counts():
    start, session, warm, grads = long_run(n=10, steps=6, seed=2)
    pair = Pair(optim.Adam, dict(lr=0.05, amsgrad=True), start, session)
    pair.warm_up(warm[0])
    pair.open()
    for g in grads[:2]:
        pair.step(g)
    for i in session:
        assert pair.b.state[pair.pb[i]] == pair.a.state[pair.pa[i]]  # current, without closing
    assert state_bits(pair.a) == state_bits(pair.b)
    # what a diverged fit does (nn.train: opt.state.clear()): the session must start afresh too
    pair.a.state.clear()
    pair.b.state.clear()
    made = {"step": 5, "exp_avg": 0.25, "exp_avg_sq": 0.5, "max_exp_avg_sq": 0.75}  # and one made by hand
    pair.a.state[pair.pa[session[0]]], pair.b.state[pair.pb[session[0]]] = dict(made), dict(made)
    for g in grads[2:]:
        pair.step(g)
    pair.assert_equal()
    pair.b.load_state_dict(pair.a.state_dict())  # replacing the state mid-session counts too
    pair.step(grads[0])
    pair.close()
    pair.assert_equal()


def test_a_per_parameter_step_during_a_session_is_refused_until_it_is_closed():
    p = Parameter(1.0)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    f = opt.flat([p], np.array([1.0]), np.array([1.0]))
    f.step()
    p.grad = 1.0
    with pytest.raises(RuntimeError, match=r"a flat session \(opt.flat\(...\)\) is open .* close\(\) it"):
        opt.step()
    with pytest.raises(RuntimeError, match="already open"):
        opt.flat([p], np.array([1.0]), np.array([1.0]))
    f.close()
    f.close()  # again: nothing
    with pytest.raises(RuntimeError, match="this flat session is closed"):
        f.step()
    assert opt.state[p] == {"momentum_buffer": 1.0}
    opt.step()  # carries on: b = 0.9·1 + 1
    assert opt.state[p] == {"momentum_buffer": 1.9} and p.data == pytest.approx(1.0 - 0.19)


def test_switching_momentum_on_mid_session_is_what_step_does():
    # SGD: the buffer starts at the gradient then, as step() starts it
    pair = Pair(optim.SGD, dict(lr=0.1), [1.0, 2.0, 3.0], [2, 0])
    pair.open()
    pair.step([1.0, 2.0])
    pair.a.momentum = pair.b.momentum = 0.9
    pair.step([0.5, -1.0])
    pair.step([0.25, 4.0])
    pair.a.param_groups[0]["momentum"] = pair.b.param_groups[0]["momentum"] = 0.0
    pair.step([1.0, 1.0])  # off again: the buffers stay as they are
    pair.close()
    pair.assert_equal()
    # RMSProp: after steps without momentum there is no buffer to carry on; step() fails (KeyError),
    # the session says why
    p = Parameter(1.0)
    opt = optim.RMSProp([p])
    f = opt.flat([p], np.array([1.0]), np.array([1.0]))
    f.step()
    opt.momentum = 0.5
    with pytest.raises(RuntimeError, match="lacks what the hyperparameters now need"):
        f.step()


def test_amsgrad_switched_off_and_on_mid_session():
    pair = Pair(optim.Adam, dict(lr=0.1, amsgrad=True), [1.0, 2.0], [0, 1])
    pair.open()
    pair.step([1.0, 2.0])
    pair.a.amsgrad = pair.b.amsgrad = False
    pair.step([3.0, -1.0])
    pair.a.amsgrad = pair.b.amsgrad = True  # its max_exp_avg_sq is still there: carries on from it
    pair.step([0.1, 0.2])
    pair.close()
    pair.assert_equal()


# --- centered RMSProp's refusal -----------------------------------------------------------------


def test_centered_rmsprop_refusal_names_the_parameter_and_changes_nothing():
    # as in tests/test_nn_optim.py: a constant gradient takes the variance estimate below 0 at step 32
    kw = dict(lr=1e-3, alpha=0.3, centered=True, momentum=0.5)
    pair = Pair(optim.RMSProp, kw, [1.0, 0.5, 2.0, -1.0], [3, 1, 0])  # parameter 2 stays out
    pair.open()
    seen = None
    for t in range(1, 200):
        data, state = pair.data.copy(), state_bits(pair.b)
        a, b = pair.step([math.sin(t), 1.7, math.cos(t)])
        if a is not None:
            seen = t, a
            break
    assert seen is not None and seen[1] == b
    t, (kind, message) = seen
    assert kind is FloatingPointError and t == 32
    assert f"at step {t} the variance estimate square_avg - grad_avg² of parameter 1 (w1) fell below 0" in (
        message
    )
    assert "Nothing was changed" in message
    assert pair.data.tolist() == data.tolist() and state_bits(pair.b) == state  # nothing changed
    pair.assert_equal()
    pair.close()
    pair.assert_equal()


def test_centered_rmsprop_names_the_first_parameter_in_the_optimizers_order():
    # two parameters fail at once; step() names the first in opt.params, so must the session
    ps = [Parameter(0.5, label=f"w{i}") for i in range(3)]
    opt = optim.RMSProp(ps, lr=1e-3, alpha=0.3, centered=True)
    f = opt.flat([ps[2], ps[0], ps[1]], np.array([0.5, 0.5, 0.5]), np.array([1.7, 1.7, 1.7]))
    with pytest.raises(FloatingPointError, match=r"at step 32 .* of parameter 0 \(w0\)"):
        for _ in range(200):
            f.step()
    assert f.taken == 31


def test_minus_square_on_arrays_is_fsum_rounded_once():
    # the vectorized rounding of x - y² against math.fsum, where the two agree to the last digits
    rng = np.random.default_rng(5)
    y = rng.normal(size=20000) * np.logspace(-150, 150, 20000)
    x = y * y * (1 + rng.integers(-4, 5, size=y.size) * 2.0**-52)
    x[::7] = rng.normal(size=x[::7].size)
    x[::11] = 0.0
    got = optim._minus_square(x, y)
    want = [optim._minus_square(float(a), float(b)) for a, b in zip(x, y)]
    assert [v.hex() for v in got.tolist()] == [v.hex() for v in want]
    assert (got < 0).any() and (got > 0).any()


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(finite, finite, finite), min_size=1, max_size=50), st.data())
def test_the_vectorized_sum_of_three_is_fsums(triples, data):
    # near-cancelling triples too: b close to -a, c far below them (the centered variance's case)
    near = data.draw(st.lists(st.tuples(finite, st.integers(20, 70), st.integers(40, 120)), max_size=20))
    triples += [(a, -a * (1 + 2.0**-k), a * 2.0**-j) for a, k, j in near]
    a, b, c = (np.array(column) for column in zip(*triples))
    want = [math.fsum(t) if math.isfinite(sum(map(abs, t))) else None for t in triples]
    got = optim._fsum3(a, b, c) if None not in want else None  # (overflowing sums: math.fsum raises)
    if got is not None:
        assert [x.hex() for x in got.tolist()] == [x.hex() for x in want]


# --- what a session takes, and when it declines -------------------------------------------------


def test_bad_arguments_are_refused_clearly():
    ps = [Parameter(1.0), Parameter(2.0)]
    opt = optim.Adam(ps)
    ok = np.zeros(2)
    with pytest.raises(ValueError, match=r"params\[1\] is not one of this optimizer's parameters"):
        opt.flat([ps[0], Parameter(3.0)], ok, ok.copy())
    with pytest.raises(ValueError, match="appears twice"):
        opt.flat([ps[0], ps[0]], ok, ok.copy())
    with pytest.raises(TypeError, match="data must be a 1-D float64 numpy array of 2 numbers"):
        opt.flat(ps, np.zeros(2, dtype=np.float32), ok)
    with pytest.raises(TypeError, match="grad must be .* got a list"):
        opt.flat(ps, ok, [0.0, 0.0])
    frozen = np.zeros(2)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        opt.flat(ps, frozen, ok)
    assert opt._flat_session is None  # nothing was opened


def test_none_when_the_state_cannot_be_taken_over():
    class MyAdam(optim.Adam):
        def step(self):  # a rule of its own: the flat one is not it
            super().step()

    p = Parameter(1.0)
    assert MyAdam([p]).flat([p], np.array([1.0]), np.array([0.0])) is None
    opt = optim.Adam([p])
    p.grad = 1.0
    opt.step()
    opt.amsgrad = True  # its state has no max_exp_avg_sq: step() raises KeyError, flat declines
    assert opt.flat([p], np.array([1.0]), np.array([0.0])) is None
    with pytest.raises(KeyError):
        opt.step()
    opt.amsgrad = False
    f = opt.flat([p], np.array([1.0]), np.array([0.0]))
    assert f is not None and "Flat(Adam, 1 parameters, open)" == repr(f)
    f.close()


def test_a_zero_divisor_is_an_error_as_in_step_and_changes_nothing():
    # eps = 0 and a zero gradient from zero state: step() raises ZeroDivisionError (0/0), so does the session
    p, q = Parameter(1.0), Parameter(1.0)
    for cls in (optim.Adam, optim.Adamax, optim.RMSProp):
        opt = cls([p, q], eps=0.0)
        data, grad = np.array([1.0, 1.0]), np.array([1.0, 0.0])
        f = opt.flat([p, q], data, grad)
        with pytest.raises(ZeroDivisionError):
            f.step()
        f.close()
        assert data.tolist() == [1.0, 1.0] and opt.state == {}
        p.grad, q.grad = 1.0, 0.0
        with pytest.raises(ZeroDivisionError):
            opt.step()


def test_data_is_updated_in_place_and_the_empty_session_does_nothing():
    ps = [Parameter(1.0), Parameter(2.0)]
    opt = optim.SGD(ps, lr=0.5)
    buffer = np.array([0.0, 1.0, 2.0, 9.0])
    data, grad = buffer[1:3], np.array([2.0, 4.0])  # a view into the caller's buffer
    f = opt.flat(ps, data, grad)
    f.step()
    assert buffer.tolist() == [0.0, 0.0, 0.0, 9.0]
    f.close()
    f = opt.flat([], np.zeros(0), np.zeros(0))
    f.step()
    f.close()
    assert opt.state == {}


def test_a_running_maximum_keeps_its_own_signed_zero_on_a_tie_as_step_does():
    # amsgrad's max_exp_avg_sq set by hand to -0.0, against a new exp_avg_sq of +0.0 (a zero gradient):
    # step()'s maximum keeps the first, -0.0 (np.maximum alone may keep either)
    pair = Pair(optim.Adam, dict(amsgrad=True), [1.0, 2.0], [1, 0])
    made = {"step": 1, "exp_avg": 1.0, "exp_avg_sq": 0.0, "max_exp_avg_sq": -0.0}
    for opt, ps in ((pair.a, pair.pa), (pair.b, pair.pb)):
        for p in ps:
            opt.state[p] = dict(made)
    pair.open()
    assert pair.step([0.0, 0.0]) == (None, None)
    pair.close()
    pair.assert_equal()
    assert bits(pair.a.state[pair.pa[0]]["max_exp_avg_sq"]) == bits(-0.0)
