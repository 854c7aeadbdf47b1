"""The backward stepper and explain(): the same grads as backward(), written out with numbers."""

import math

import numpy as np
import pytest
from hypothesis import given, settings

from autograd_lite import Value, backward_steps, explain, render_svg, text_tree
from autograd_lite.examples import by_label, lecture_neuron
from tests.test_random_graphs import programs, run


def labelled_neuron():
    o = lecture_neuron()
    v = by_label(o)
    return o, tuple(v[k] for k in ("x1", "w1", "x2", "w2", "b", "n"))


def test_first_step_writes_the_chain_rule_with_numbers():
    o, _ = labelled_neuron()
    steps = o.backward_steps()
    assert repr(steps) == "step 1 of 5: next is o (tanh)"
    first = next(steps)
    # the op whose rule it applies, the rule, then its number (times 1.0 would only repeat it)
    assert str(first) == "o = tanh(n): n.grad += do/dn · o.grad = (1 - o²) · 1.0 = 0.5"
    assert repr(steps) == "step 2 of 5: next is n (+)"
    (p,) = first.parents
    assert p.rule == "1 - o²"
    assert p.local == pytest.approx(0.5) and p.upstream == 1.0 and p.contribution == pytest.approx(0.5)


def test_each_step_knows_node_grad_and_parents():
    o, (x1, w1, x2, w2, b, n) = labelled_neuron()
    steps = backward_steps(o).run()
    assert len(steps) == 5
    last = steps[-1]
    assert last.node.op == "mul"
    by_name = {p.name: p for s in steps for p in s.parents}
    # d(x1*w1)/dx1 = w1: the rule names w1, its value is -3, upstream 0.5
    assert by_name["x1"].rule == "w1"
    assert by_name["x1"].local == -3.0
    assert by_name["x1"].contribution == pytest.approx(-1.5)
    assert "v1 = x1 * w1: x1.grad += dv1/dx1 · v1.grad = w1 · 0.5 = -3.0 · 0.5 = -1.5" in [
        ln for s in steps for ln in s.lines()
    ]
    assert x1.grad == pytest.approx(-1.5) and w1.grad == pytest.approx(1.0)


def test_a_value_used_twice_shows_the_running_total():
    a = Value(3.0, label="a")
    y = a * a
    y.label = "y"
    (step,) = y.backward_steps().run()
    first, second = step.lines()
    assert first == "y = a * a: a.grad += dy/da · y.grad = a · 1.0 = 3.0"
    assert second.endswith("(so a.grad = 6.0)")
    assert a.grad == 6.0


def test_stepper_is_exhausted_and_says_so():
    o, _ = labelled_neuron()
    steps = backward_steps(o)
    steps.run()
    assert steps.done and repr(steps) == "backward pass: all 5 steps done"
    with pytest.raises(StopIteration):
        next(steps)


def test_grad_state_tracks_pending_partial_final():
    a = Value(2.0, label="a")
    b = a * 3
    b.label = "b"
    c = b + a
    c.label = "c"
    steps = backward_steps(c)
    state = steps.grad_state()
    assert state[c] == "final" and state[b] == "pending" and state[a] == "pending"
    next(steps)  # c gives to b and a; a still waits for b
    state = steps.grad_state()
    assert state[b] == "final" and state[a] == "partial"
    next(steps)
    assert steps.grad_state()[a] == "final"


def test_stepper_drawing_highlights_the_node_of_the_step_just_done(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    o, _ = labelled_neuron()
    steps = backward_steps(o)
    assert "penwidth=3" not in steps.draw().source  # the start: no step done, nothing highlighted
    assert "start: o.grad = 1; step 1 of 5 is next: o (tanh)" in steps.draw().source
    next(steps)  # step 1: o passes its grad to n
    src = steps.draw().source
    (line,) = [ln for ln in src.splitlines() if "penwidth=3" in ln]
    assert '"{ o |' in line
    assert "grad not computed yet" in src and "step 1 of 5: o (tanh) passed its grad on" in src
    assert "</svg>" in render_svg(steps.draw())
    paths = steps.save_svgs(tmp_path / "svgs")
    assert [p.name for p in paths] == [f"step-{i:02d}.svg" for i in range(1, 6)]
    assert "step 5 of 5" in paths[-1].read_text() and "the backward pass is done" in paths[-1].read_text()


def test_a_step_shows_its_lines_in_the_repl_and_counts_are_plural_only_when_they_should_be():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a + b
    c.label = "c"
    steps = backward_steps(c)
    assert repr(steps) == "step 1 of 1: next is c (+)"
    step = next(steps)
    assert repr(step) == (
        "step 1 of 1:\n"
        "  c = a + b: a.grad += dc/da · c.grad = 1.0 · 1.0 = 1.0\n"
        "  c = a + b: b.grad += dc/db · c.grad = 1.0 · 1.0 = 1.0"
    )
    assert repr(steps) == "backward pass: the 1 step is done"
    assert "step 1 of 1: c (+) passed its grad on; the backward pass is done" in steps.draw().source
    leaf = backward_steps(Value(3.0, label="z"))
    assert repr(leaf) == "backward pass: nothing to do (z is a leaf)" and leaf.run() == []


@pytest.mark.parametrize(
    "make, rule, local",
    [  # (the graph, the rule for its first parent as a person writes it, its value worked by hand)
        (lambda e: e**2, "2·e", 6.0),  # not (2.0 * e ** (2.0 - 1))
        (lambda e: e**3, "3·e²", 27.0),
        (lambda e: e**-1, "-e⁻²", -1 / 9),
        (lambda e: e**0.5, "0.5·e^-0.5", 0.5 / math.sqrt(3.0)),
        (lambda e: e**1, "1", 1.0),
        (lambda e: 1 / e, "-1 / e²", -1 / 9),
        (lambda e: 2**e, "2^e·log(2)", 8 * math.log(2)),
        (lambda e: e.tanh(), "1 - v1²", 1 - math.tanh(3.0) ** 2),
        (lambda e: e.sigmoid(), "v1·(1 - v1)", math.exp(-3) / (1 + math.exp(-3)) ** 2),
        (lambda e: e * 4, "4", 4.0),
        (lambda e: e ** Value(2.0, label="y"), "y·e^(y - 1)", 6.0),
    ],
)
def test_rules_are_written_as_a_person_writes_them(make, rule, local):
    e = Value(3.0, label="e")
    (step,) = backward_steps(make(e)).run()
    first = step.parents[0]
    assert first.rule == rule
    assert first.local == pytest.approx(local, rel=1e-12)


def test_the_stepper_owns_its_pass():
    def graph():
        m = Value(3.0, label="m")
        h = (m * m).tanh() * m + m
        h.label = "h"
        return m, h

    m, h = graph()
    steps = backward_steps(h)
    next(steps)
    h.backward()  # a whole pass under a half-way stepper
    after = m.grad
    with pytest.raises(
        RuntimeError, match=r"changed under this stepper.*start again with backward_steps\(h\)"
    ):
        next(steps)
    assert m.grad == after  # the refused step added nothing to the other pass's grads

    m, h = graph()
    first = backward_steps(h)
    next(first)
    second = backward_steps(h)  # a second stepper on the same graph starts a pass of its own
    with pytest.raises(RuntimeError, match="another backward_steps"):
        next(first)
    second.run()  # the second owns the graph now, and runs to the end
    assert second.done

    m, h = graph()
    steps = backward_steps(h)
    next(steps)
    h.zero_grad()
    with pytest.raises(RuntimeError, match="zero_grad"):
        next(steps)


def test_a_stepper_left_alone_runs_to_the_end_after_a_page_is_made():
    o, (x1, w1, *_) = labelled_neuron()
    steps = backward_steps(o)
    next(steps)
    steps.to_html()  # replays the pass on its own stepper and puts every grad back
    steps.run()
    assert x1.grad == pytest.approx(-1.5) and w1.grad == pytest.approx(1.0)


def test_lane_root_is_refused():
    with pytest.raises(ValueError, match="reduce"):
        backward_steps(Value(np.ones(3)) * 2)


@settings(max_examples=100, deadline=None)
@given(programs())
def test_stepping_to_the_end_equals_backward(program):
    inputs, steps = program
    a = [Value(x) for x in inputs]
    out_a = run(steps, a, 0)
    out_a.backward()
    b = [Value(x) for x in inputs]
    out_b = run(steps, b, 0)
    stepper = out_b.backward_steps()
    for step in stepper:
        for p in step.parents:  # each contribution is local * upstream, summed into the parent
            assert p.contribution == pytest.approx(p.local * p.upstream, rel=1e-12, abs=1e-300)
    assert [v.grad for v in b] == [v.grad for v in a]


def test_explain_inlines_unlabelled_steps():
    o, _ = labelled_neuron()
    lines = explain(o).splitlines()
    assert lines[0] == "n = x1 * w1 + x2 * w2 + b = 2.0 * -3.0 + 0.0 * 1.0 + 6.881 = 0.8814"
    assert lines[1] == "o = tanh(n) = tanh(0.8814) = 0.7071"
    assert len(lines) == 2  # no grads before backward
    o.backward()
    grads = explain(o).splitlines()[-1]
    assert grads.startswith("grads: do/dx1 = -1.5, do/dw1 = 1.0")


def test_explain_parenthesises_by_precedence():
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(4.0, label="c")
    y = (a + b) * c - (b - a)
    y.label = "y"
    assert explain(y) == "y = (a + b) * c - (b - a) = (1.0 + 2.0) * 4.0 - (2.0 - 1.0) = 11.0"


def test_explain_names_shared_intermediates():
    x = Value(0.5, label="x")
    s = x.sin()  # used twice: gets its own line
    y = s * s + s
    y.label = "y"
    lines = explain(y).splitlines()
    assert lines[0] == f"v1 = sin(x) = sin(0.5) = {math.sin(0.5):.4f}"
    assert lines[1].startswith("y = v1 * v1 + v1 =")


def test_explain_handles_a_long_chain_without_recursion():
    r = Value(1.0, label="v")
    for _ in range(20_000):
        r = r + 1.0
    r.label = "r"
    lines = explain(r).splitlines()
    assert lines[-1].endswith("= 20001.0") and lines[-1].startswith("r = ")


def test_lane_steps_do_not_pretend_means_multiply():
    x = Value(np.array([1.0, 2.0, 3.0]), label="x")
    w = Value(0.5, label="w")
    loss = (x * w).tanh().mean()
    loss.label = "L"
    lines = [ln for s in backward_steps(loss) for ln in s.lines()]
    assert any(
        ln.startswith("v1 = x * w: w.grad += dv1/dw · v1.grad = x · v1.grad, summed over 3 lanes → ")
        for ln in lines
    )
    assert any(
        ln.startswith("v1 = x * w: x.grad += dv1/dx · v1.grad = w · v1.grad, lane by lane → [3 lanes]")
        for ln in lines
    )


def test_one_lane_is_one_lane():
    x, w = Value(np.array([2.0]), label="x"), Value(3.0, label="w")
    lines = [ln for s in backward_steps((x * w).sum()) for ln in s.lines()]
    assert any(ln.endswith("summed over 1 lane → 2.0") for ln in lines)


def test_negative_zero_prints_as_zero():
    a, b = Value(0.0, label="a"), Value(-1.0, label="b")
    (step,) = (a * b).backward_steps().run()
    assert all("-0.0" not in ln for ln in step.lines())


def test_the_engine_and_the_stepper_hand_off_to_the_layer_above_by_a_hook(monkeypatch):
    # Value.backward_steps() and to_html() reach the layer above through what it registered,
    # never by importing it; with nothing registered the error says what to import.
    import autograd_lite.engine as engine
    import autograd_lite.html as html
    import autograd_lite.stepper as stepper

    assert engine._stepper is stepper.backward_steps
    assert stepper.PAGE_WRITER is html.backward_page
    a = Value(2.0, label="a")
    b = (a * a).tanh()
    monkeypatch.setattr(stepper, "PAGE_WRITER", None)
    with pytest.raises(RuntimeError, match="import autograd_lite"):
        b.backward_steps().to_html()
    monkeypatch.setattr(engine, "_stepper", None)
    with pytest.raises(RuntimeError, match="import autograd_lite"):
        b.backward_steps()


def test_grads_from_another_roots_pass_are_not_shown_as_this_roots_derivatives():
    # A newcomer's trial: p = a*a backpropagated, then o = tanh(a*b) explained. do/da is
    # (1 - tanh(1.5)^2) * b = 0.0904 by hand, not the 6.0 = dp/da that p's pass left on a.
    a, b = Value(3.0, label="a"), Value(0.5, label="b")
    o = (a * b).tanh()
    o.label = "o"
    p = a * a
    p.backward()
    text = explain(o)
    assert "do/da" not in text and "did not start at o" in text and "a.grad = 6.0" in text
    tree = text_tree(o).splitlines()
    assert "grad not computed yet" in tree[0] and "grad not computed yet" in tree[1]  # o, v1: no pass
    assert any(line.strip().startswith("├─ a") and "grad 6.0" in line for line in tree)
    assert any("b" in line and "grad not computed yet" in line for line in tree[2:])
    a.zero_grad()
    o.backward()
    assert "do/da = 0.09035, do/db = 0.5421" in explain(o)  # (1 - tanh(1.5)^2) * b and * a, by hand
