"""`nn.descend` and `autograd-lite descend`: iterates checked against closed forms worked by hand and
against torch.optim; mistakes exit 2 with one line and no traceback."""

import math

import pytest

from autograd_lite.cli import main
from nn.descend import MAX_STEPS, DescendError, descend


def run_cli(capsys, *args):
    code = main(["descend", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_sgd_iterates_follow_the_closed_form_of_x2_minus_3x():
    # f = x^2 - 3x, f' = 2x - 3: x_{k+1} = x_k - lr (2 x_k - 3). From 4 at lr 0.1: 4, 3.5, 3.1, 2.78, 2.524
    run = descend("x**2 - 3*x", start=4, lr=0.1, steps=4)
    assert [it.point[0] for it in run.iterates] == pytest.approx([4, 3.5, 3.1, 2.78], abs=1e-12)
    assert [it.gradient[0] for it in run.iterates] == pytest.approx([5, 4, 3.2, 2.56], abs=1e-12)
    assert [it.value for it in run.iterates] == pytest.approx([4, 1.75, 0.31, -0.6116], abs=1e-12)
    assert [it.step[0] for it in run.iterates] == pytest.approx([-0.5, -0.4, -0.32, -0.256], abs=1e-12)
    x = 4.0
    for it in descend("x**2 - 3*x", start=4, lr=0.1, steps=50).iterates:
        assert it.point[0] == pytest.approx(x, abs=1e-12)
        x = x - 0.1 * (2 * x - 3)
    assert run.end[0] == pytest.approx(2.524) and run.end_value == pytest.approx(2.524**2 - 3 * 2.524)


def test_two_variables_the_gradient_is_2x_20y():
    run = descend("x**2 + 10*y**2", start=(1, -2), lr=0.01, steps=5)
    assert run.variables == ("x", "y")
    for it in run.iterates:
        x, y = it.point
        assert it.gradient == pytest.approx((2 * x, 20 * y), abs=1e-12)
        assert it.value == pytest.approx(x**2 + 10 * y**2, abs=1e-12)
        assert it.step == pytest.approx((-0.01 * 2 * x, -0.01 * 20 * y), abs=1e-12)


def test_rosenbrock_converges_towards_1_1():
    run = descend("(1-x)**2 + 100*(y-x**2)**2", start=(-1.2, 1), lr=0.001, steps=20000)
    assert run.end == pytest.approx((1, 1), abs=0.02)


@pytest.mark.parametrize("name", ["momentum", "nesterov", "rmsprop", "adam", "adamax"])
def test_the_optimizers_take_torch_optims_steps(name):
    torch = pytest.importorskip("torch")
    make = {
        "momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
        "nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        "rmsprop": lambda p: torch.optim.RMSprop(p, lr=0.05),
        "adam": lambda p: torch.optim.Adam(p, lr=0.05),
        "adamax": lambda p: torch.optim.Adamax(p, lr=0.05),
    }[name]
    xy = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    opt = make([xy])
    expected = []
    for _ in range(15):
        expected.append(tuple(xy.detach().tolist()))
        opt.zero_grad()
        f = (xy[0] - 1) ** 2 + 2 * xy[1] ** 2 + torch.sin(xy[0] * xy[1])
        f.backward()
        opt.step()
    run = descend("(x-1)**2 + 2*y**2 + sin(x*y)", start=(1, -2), lr=0.05, steps=15, optimizer=name)
    assert [it.point for it in run.iterates] == [pytest.approx(p, abs=1e-12) for p in expected]


def test_lr_1_1_on_x2_diverges_and_says_so():
    run = descend("x**2", start=4, lr=1.1, steps=200)
    assert run.status == "diverged"
    # x_k = 4 (-1.2)^k; f = 16 * 1.44^k passes 1e12 * 16 + 1e6 at k = ceil(12 ln 10 / ln 1.44) = 76
    assert len(run.iterates) == 76
    assert "diverged at step 76" in run.summary() and "lower --lr" in run.summary()
    assert "f rose at every step, so it is diverging" in descend("x**2", start=4, lr=1.1, steps=3).summary()
    assert "rose" not in descend("x**2", start=4, lr=0.1, steps=3).summary()
    late = descend("x**2 + 10*y**2", start=(1, 1e-3), lr=0.11, steps=40).summary()  # y overshoots, x not
    assert "f rose at each of the last" in late and "so it is diverging" in late
    short = descend("x**2", start=4, lr=1.1, steps=20)
    assert "f rose at every step, so it is diverging: lower --lr (try 0.11)" in short.summary()


def test_a_flat_start_cannot_move():
    run = descend("x**2", start=0, lr=0.1)
    assert run.status == "flat" and run.iterates == []
    assert "the derivative is 0 here: gradient descent cannot move" in run.summary()


def test_a_tiny_step_stops_the_run():
    run = descend("x**2", start=1, lr=0.5, steps=100)  # x_1 = 1 - 0.5 * 2 = 0: then the step is 0
    assert run.status == "converged" and run.end == (0.0,) and "converged" in run.summary()


def test_the_terminal_lines_read_left_and_right(capsys):
    code, out, err = run_cli(capsys, "x**2 - 3*x", "--start", "4", "--steps", "3")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "x**2 - 3*x: sgd, lr 0.1, from x = 4"
    assert "   0  x =" in lines[1] and "f' =            5  → moves left" in lines[1]
    assert lines[1].endswith("step -0.5")
    assert lines[-1].startswith("ended after 3 steps at x = 2.78, f = -0.6116")
    _, out, _ = run_cli(capsys, "x**2 - 3*x", "--start", "-1")  # f'(-1) = -5 < 0: it moves right
    assert "f' =           -5  → moves right  step +0.5" in out.splitlines()[1]
    _, out, _ = run_cli(capsys, "x**2 + 10*y**2", "--start", "1", "-2", "--steps", "1")
    assert "(x, y) =" in out and "∇f =" in out and "(2, -40)" in out and "step (-0.2, +4)" in out
    _, out, _ = run_cli(capsys, "x**2 + 10*y**2", "--start", "-1,2", "--steps", "1")
    assert "from (x, y) = (-1, 2)" in out
    _, out, _ = run_cli(capsys, "-cos(x)", "--start", "1", "--steps", "1")
    assert "moves left" in out


def test_the_cli_reports_divergence(capsys):
    code, out, _ = run_cli(capsys, "x**2", "--start", "4", "--lr", "1.1", "--steps", "200")
    assert code == 0 and "diverged at step 76" in out and "lower --lr (try 0.11)" in out


@pytest.mark.parametrize(
    "args, words",
    [
        (["log(x)", "--start", "-1"], "f cannot be computed at the start, x = -1: log(x) needs x > 0"),
        (["x**0.5", "--start", "0"], "f has no finite derivative at the start, x = 0: the gradient of x"),
        (["x + y + z", "--start", "1"], "3 variables (x, y, z); descend takes at most two, x and y"),
        (["x*w", "--start", "1"], "uses 'w'; descend's variables are x (and y)"),
        (["x**2", "--start", "1", "--steps", "100001"], "100,001 steps is too many: the limit is 100,000"),
        (["x**2", "--start", "1", "--steps", "lots"], "--steps must be a whole number"),
        (["x**2", "--start", "1", "--lr", "0"], "the learning rate must be a number > 0"),
        (["x**2", "--start", "1", "--lr", "-0.1"], "the learning rate must be a number > 0"),
        (["x**2", "--start", "1", "--lr", "fast"], "--lr must be a number such as 0.1, got 'fast'"),
        (["x**2 + y**2", "--start", "1"], "the start needs 2 numbers (--start 1,-2); got 1"),
        (["x**2", "--start", "1,2"], "the start needs 1 number (--start 4); got 2"),
        (["x**2", "--start", "one"], "--start must be a number such as 4 or 1,-2, got 'one'"),
        (["x**2", "--start", "1", "--optimizer", "adamm"],
         "unknown optimizer 'adamm' (did you mean adam?); choose one of: sgd, momentum, nesterov, rmsprop, "
         "adam, adamax"),
        (["x**2 +", "--start", "1"], "cannot parse the expression"),
        (["__import__('os')", "--start", "1"], "autograd-lite descend: error:"),
        (["3", "--start", "1"], "the expression has no variable"),
        (["x**2"], "give a start: --start 4 for x"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(capsys, args, words):
    code, out, err = run_cli(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and words in err and "Traceback" not in err


def test_the_api_refuses_the_same_mistakes():
    for kwargs in [dict(lr="0.1"), dict(steps=MAX_STEPS + 1), dict(optimizer="newton"), dict(start=(1, 2))]:
        with pytest.raises(DescendError):
            descend("x**2", **{"start": 1, **kwargs})
    run = descend("x**2", start=1, steps=MAX_STEPS)  # allowed; x_k = 0.8^k until the step 0.2 x_k < 1e-12
    assert (
        run.status == "converged"
        and 0 < run.end[0] < 5e-12
        and len(run.iterates) == 1 + math.ceil(math.log(5e-12) / math.log(0.8))
    )


def test_a_mistyped_option_is_named(capsys):
    with pytest.raises(SystemExit) as e:
        main(["descend", "x**2", "--strat", "4"])
    err = capsys.readouterr().err
    assert e.value.code == 2 and "unrecognized arguments: --strat 4" in err and "Traceback" not in err


def test_momentum_whose_f_rises_for_a_few_steps_on_its_way_down_is_not_called_diverging():
    """On x² + 10y² at lr 0.01, heavy-ball momentum's f goes up and down (it overshoots, the
    velocity turns) and ends far below where it started: converging, not diverging."""
    d = descend("x**2 + 10*y**2", start=(-4, 1.5), lr=0.01, steps=40, optimizer="momentum")
    values = [it.value for it in d.iterates] + [d.end_value]
    assert all(b > a for a, b in zip(values[-4:], values[-3:])), "the last three steps raise f"
    assert d.end_value < values[0] / 10
    assert not d.diverging and "diverging" not in d.summary()


def test_the_sessions_shown_in_docs_cli_md_print_those_lines(capsys):
    import shlex
    from pathlib import Path

    lines = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8").splitlines()
    sessions = []
    for i, line in enumerate(lines):
        if line.startswith("$ autograd-lite descend "):
            out = []
            for answer in lines[i + 1 :]:
                if answer.startswith("$ ") or answer.startswith("```"):
                    break
                out.append(answer)
            if out:
                sessions.append((shlex.split(line[2:])[1:], out))
    assert len(sessions) >= 2
    for args, out in sessions:
        assert main(args) == 0, args
        assert capsys.readouterr().out.splitlines() == out, args


def test_a_formula_with_no_minimum_is_said_to_fall_without_bound_not_to_need_a_smaller_lr():
    """-x² from 1 at lr 0.1: x ← 1.2x, so f = -1.44^k passes -1e12 - 1e6 at k = 76 (hand-worked)."""
    run = descend("-x**2", start=1, lr=0.1, steps=200)
    assert run.status == "unbounded" and len(run.iterates) == 76 and not run.diverging
    assert "f has no minimum that way" in run.summary() and "lower --lr" not in run.summary()
    assert descend("x**3", start=-1, lr=0.1, steps=200).status == "unbounded"


def test_a_run_that_bounces_between_two_points_says_so():
    """x² at lr 1: x ← x - 2x = -x, forever ±4; |x| at lr 0.3: steps of ±0.3, between 0.2 and -0.1."""
    for expr, start, lr in [("x**2", 4, 1.0), ("abs(x)", 2, 0.3), ("x**2 + 10*y**2", (3, 1), 0.1)]:
        run = descend(expr, start=start, lr=lr, steps=20)
        assert run.bouncing, expr
        assert "bounces back and forth without getting closer" in run.summary()
    assert not descend("x**2", start=4, lr=0.9, steps=30).bouncing  # it zig-zags in: the steps shrink


def test_an_unknown_function_gets_the_parsers_hint_not_a_rename_the_variable():
    hint = r"unknown function 'sqrt' \(for a square root write x \*\* 0\.5\)"
    with pytest.raises(DescendError, match=hint):
        descend("sqrt(x)", start=0.01)


def test_a_learning_rate_too_small_to_move_is_said_to_stall_not_to_converge():
    """x² from 4 at lr 1e-13: each step is 8e-13, below 1e-12, while f'(4) = 8 (by hand)."""
    run = descend("x**2", start=4, lr=1e-13, steps=10)
    assert run.status == "stalled"
    assert "the derivative is 8" in run.summary() and "raise --lr" in run.summary()
    assert descend("x**2", start=4, lr=0.5, steps=10).status == "converged"  # x - 0.5·2x = 0: a real minimum


def test_an_overflow_while_f_grows_is_diverging_not_undefined():
    """exp(x²) from 1 at lr 1: x = 1 - 2e = -4.44, then f' ~ -2e20 flings x to 3e9, where x² overflows exp."""
    run = descend("exp(x**2)", start=1, lr=1, steps=10)
    assert run.status == "diverged" and "lower --lr" in run.summary()
    assert descend("log(x)", start=1, lr=2, steps=10).status == "undefined"  # one step to x = -1: log says so
