"""Random expression DAGs (reuse, fan-out, diamonds) against two independent truths:
central finite differences and HIPS autograd."""

import autograd
import autograd.numpy as anp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import Value, numerical_grad

# Each op as (ours, the reference's). Domains are kept safe by construction,
# so every random program is differentiable everywhere it is evaluated.
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / (b * b + 1), lambda a, b: a / (b * b + 1)),
    "pow": (lambda a, b: (a * a + 0.5) ** b.tanh(), lambda a, b: (a * a + 0.5) ** anp.tanh(b)),
}
UNARY = {
    "tanh": (lambda a: a.tanh(), anp.tanh),
    "sigmoid": (lambda a: a.sigmoid(), lambda a: 1 / (1 + anp.exp(-a))),
    "sin": (lambda a: a.sin(), anp.sin),
    "cos": (lambda a: a.cos(), anp.cos),
    "exp": (lambda a: a.tanh().exp(), lambda a: anp.exp(anp.tanh(a))),
    "log": (lambda a: (a * a + 1).log(), lambda a: anp.log(a * a + 1)),
    "neg": (lambda a: -a, lambda a: -a),
    "square": (lambda a: a**2, lambda a: a**2),
    "rsub": (lambda a: 1.5 - a, lambda a: 1.5 - a),
    "scale": (lambda a: 0.7 * a, lambda a: 0.7 * a),
    "rdiv": (lambda a: 2.0 / (a * a + 1), lambda a: 2.0 / (a * a + 1)),
    "rpow": (lambda a: 1.5 ** a.tanh(), lambda a: 1.5 ** anp.tanh(a)),
}


@st.composite
def programs(draw):
    n_inputs = draw(st.integers(1, 4))
    inputs = draw(st.lists(st.floats(-2, 2), min_size=n_inputs, max_size=n_inputs))
    steps = []
    for i in range(draw(st.integers(1, 12))):
        pool = n_inputs + i
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(BINARY)))
            steps.append((name, draw(st.integers(0, pool - 1)), draw(st.integers(0, pool - 1))))
        else:
            steps.append((draw(st.sampled_from(sorted(UNARY))), draw(st.integers(0, pool - 1)), None))
    return inputs, steps


def run(steps, inputs, side):
    """Evaluate a program: side 0 is autograd_lite, side 1 the reference."""
    pool = list(inputs)
    for name, i, j in steps:
        if j is None:
            pool.append(UNARY[name][side](pool[i]))
        else:
            pool.append(BINARY[name][side](pool[i], pool[j]))
    # Sum the last node with every earlier one used as a root as well: fan-out.
    out = pool[-1]
    for v in pool[len(inputs) : -1]:
        out = out + v * 0.5
    return out


@settings(max_examples=150, deadline=None)
@given(programs())
def test_random_dags_match_hips_autograd_and_finite_differences(program):
    inputs, steps = program
    values = [Value(x) for x in inputs]
    out = run(steps, values, 0)
    out.backward()
    ours = np.array([v.grad for v in values])

    reference = autograd.grad(lambda xs: run(steps, [xs[k] for k in range(len(inputs))], 1))
    theirs = reference(np.array(inputs, dtype=float))
    np.testing.assert_allclose(out.data, run(steps, [float(x) for x in inputs], 1), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-10)

    fresh = [Value(x) for x in inputs]
    numeric = numerical_grad(lambda *vs: run(steps, list(vs), 0), fresh, eps=1e-6)
    np.testing.assert_allclose(ours, numeric, rtol=1e-4, atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(programs(), st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_random_dags_on_lanes_equal_per_example_sums(program, lanes, seed):
    inputs, steps = program
    rng = np.random.default_rng(seed)
    # The first input is a weight shared by every example, the others are per-example lanes.
    weight = inputs[0]
    data = [rng.uniform(-2, 2, size=lanes) for _ in inputs[1:]]

    w = Value(weight)
    lane_values = [w] + [Value(d) for d in data]
    out = run(steps, lane_values, 0)
    total = out.sum() if out.is_lanes else out * lanes  # a graph that never touched lanes
    total.backward()

    w_scalar = Value(weight)  # accumulates over the per-example passes
    for k in range(lanes):
        xs = [Value(float(d[k])) for d in data]
        run(steps, [w_scalar] + xs, 0).backward()
        for lane_value, x in zip(lane_values[1:], xs):
            # a lane input the program never used keeps grad 0.0, like its scalar twin
            lane_grad_k = np.broadcast_to(lane_value.grad, (lanes,))[k]
            np.testing.assert_allclose(lane_grad_k, x.grad, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(w.grad, w_scalar.grad, rtol=1e-9, atol=1e-12)
