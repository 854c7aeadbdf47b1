"""The exercises in demos/exercises/: the teacher's version passes its checks, the student's says what is
not written yet, and every check turns down the usual wrong answers, saying which op, weight or step,
the expected and the received number, and the likely cause.

The numbers these tests expect are worked out here, in plain floats (math.tanh, ...) or, where a check
uses finite differences, by the engine's backward(): never read back from the check itself.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
import types
from pathlib import Path

import jupytext
import nbformat
import pytest

import nn
from autograd_lite import NO_GRAD, Value
from autograd_lite.examples import by_label, lecture_neuron
from demos import common, make_notebooks
from demos.exercises import checks
from demos.exercises.checks import Mistake

ROOT = Path(__file__).resolve().parent.parent
NAMES = make_notebooks.exercise_names()
CHECK_CALL = re.compile(r"\bchecks\.(local_derivative|neuron_backward|momentum|training_loop)\(")
STUB = 'raise NotImplementedError("not written yet'  # what make_notebooks puts in place of a solution
USES_CHECKS = re.compile(r"\bchecks\.\w+\(")  # a check, or checks.call(...) of the student's code
#: The function each student notebook's check cells name, in order, while nothing is written.
NOT_WRITTEN = {
    "01_local_derivatives": ["d_mul", "d_div", "d_pow", "d_tanh", "d_sigmoid"],
    "02_neuron_by_hand": ["neuron_backward", "neuron_backward"],
    "03_sgd_momentum": ["Momentum.step", "Momentum.step"],
    "04_training_loop": ["train", "train"],
}


def g6(x: float) -> str:
    """A number as it reads in a message (6 significant digits)."""
    return f"{x:.6g}"


def source(name: str) -> str:
    return (make_notebooks.EXERCISES / f"{name}.py").read_text(encoding="utf-8")


def code_cells(text: str, path: Path) -> list[common.Cell]:
    path.write_text(text, encoding="utf-8")
    return [c for c in common.cells(path) if c.kind == "code"]


def run_cell(cell: common.Cell, namespace: dict, path: Path) -> None:
    # padded with blank lines, so a traceback names the exercise file's own line numbers
    exec(compile("\n" * (cell.line - 1) + cell.text, str(path), "exec"), namespace)  # our own file


def mistake(check, *args) -> str:
    """The message of the Mistake that check(*args) raises (and it must raise one)."""
    with pytest.raises(Mistake) as caught:
        check(*args)
    return str(caught.value)


# --- the files -----------------------------------------------------------------------------------


def test_there_are_four_exercises_each_opening_with_its_number_and_title():
    assert NAMES == ["01_local_derivatives", "02_neuron_by_hand", "03_sgd_momentum", "04_training_loop"]
    for number, name in enumerate(NAMES, start=1):
        first = common.cells(make_notebooks.EXERCISES / f"{name}.py")[0]
        assert first.kind == "markdown" and first.text.startswith(f"# Exercise {number}: ")
        assert "What to do" in first.text and "How the check works" in first.text


@pytest.mark.parametrize("name", NAMES)
def test_every_solution_is_inside_a_function_and_cells_read_as_jupytext_reads_them(name):
    path = make_notebooks.EXERCISES / f"{name}.py"
    markers = [line for line in source(name).splitlines() if line.strip() == make_notebooks.BEGIN]
    assert markers and all(line.startswith("    ") for line in markers), "a top-level block breaks the cell"
    ours = [(c.kind, c.text) for c in common.cells(path)]
    theirs = [(c.cell_type, c.source) for c in jupytext.read(path, fmt="py:percent").cells]
    assert ours == theirs


@pytest.mark.parametrize("name", NAMES)
def test_the_teachers_version_passes_every_check(name, tmp_path, capsys):
    path = tmp_path / f"{name}.py"
    namespace: dict = {"__name__": f"exercise_{name}"}
    cells = code_cells(make_notebooks.teacher_source(source(name)), path)
    for cell in cells:
        run_cell(cell, namespace, path)
    passed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("✓ ")]
    assert len(passed) == sum(bool(CHECK_CALL.search(c.text)) for c in cells) == len(set(NOT_WRITTEN[name]))
    assert passed[0].startswith(f"✓ {NOT_WRITTEN[name][0].split('.')[0]} is right")


@pytest.mark.parametrize("name", NAMES)
def test_the_students_version_says_what_is_not_written_yet_in_each_check_cell(name, tmp_path):
    path = tmp_path / f"{name}.py"
    student = make_notebooks.strip_solutions(source(name))
    assert student.count(STUB) == source(name).count(make_notebooks.BEGIN)
    namespace: dict = {"__name__": f"exercise_{name}"}
    said = []
    for cell in code_cells(student, path):
        if not USES_CHECKS.search(cell.text):
            run_cell(cell, namespace, path)  # the rest runs as it is: imports, definitions
            continue
        with pytest.raises(Mistake) as caught:
            run_cell(cell, namespace, path)
        message = str(caught.value)
        said.append(message.split(" is not written yet: ")[0])
        assert " is not written yet: replace the `raise NotImplementedError(...)` line" in message
        assert caught.value.__cause__ is None  # nothing else to read: the message is all
        assert caught.value._render_traceback_() == [f"Mistake: {message}"]
    assert said == NOT_WRITTEN[name]


def with_solution(name: str, code: str, drop: str = "") -> str:
    """The exercise's source with its (one) solution block replaced by `code`, and the line `drop` removed."""
    text = source(name)
    block = re.search(r"( *)# BEGIN SOLUTION\n.*?# END SOLUTION\n", text, flags=re.S)
    assert block and text.count(make_notebooks.BEGIN) == 1
    indent = block.group(1)
    body = "".join(f"{indent}{line}\n" for line in textwrap.dedent(code).strip().splitlines())
    text = text[: block.start()] + body + text[block.end() :]
    return text.replace(drop, "", 1) if drop else text


NEURON_CALL = "neuron_backward(2, 0, -3, 1, 6.88137)"  # the lecture's neuron, as the last cell of 02 calls it


@pytest.mark.parametrize(
    "name, code, drop, says",
    [
        ("02_neuron_by_hand", "return 'do/dn = 0.5'", "",
         f"{NEURON_CALL} in this cell returned 'do/dn = 0.5'; return a dict of the six"),
        ("02_neuron_by_hand", "return {'dn': 0.5, 'dw1': 1.0, 'dw2': 0.0, 'db': 0.5, 'dx1': -1.5}",
         "", f"{NEURON_CALL} in this cell returned a dict without 'n', 'w1', 'w2'"),
        ("03_sgd_momentum", """
            for p in self.params:
                v = self.momentum * self.velocity.get(p, 0.0) + p.grad
                self.velocity[p] = v
                p.data = p - self.lr * v
            """, "", "after Momentum.step() in this cell, L1.n1.w1.data is Value("),
        ("04_training_loop", """
            loss = loss_fn(model(X), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.data)
            """, "    return losses\n", "train returned None: return the list of losses"),
    ],
)  # fmt: skip
def test_the_cell_after_a_check_stops_a_bad_result_with_a_mistake_not_a_traceback(
    name, code, drop, says, tmp_path
):
    path = tmp_path / f"{name}.py"
    cells = [c for c in code_cells(with_solution(name, code, drop), path) if not CHECK_CALL.search(c.text)]
    namespace: dict = {"__name__": f"exercise_{name}"}
    for cell in cells[:-1]:
        run_cell(cell, namespace, path)
    with pytest.raises(Mistake) as caught:
        run_cell(cells[-1], namespace, path)  # the last cell uses the student's code beside the engine's
    assert str(caught.value).startswith(says)
    assert caught.value.__cause__ is None


class FakeShell:
    """What _render_traceback_ asks of IPython: get_ipython().compile.format_code_name(filename)."""

    def __init__(self, cells: dict[str, int]):
        self.compile = types.SimpleNamespace(
            format_code_name=lambda f: ("Cell", f"In[{cells[f]}]") if f in cells else None
        )


def a_step_that_raises_in_the_library(filename: str):
    """A student's Momentum.step compiled as a notebook cell would be: it raises inside the engine."""
    code = "class Momentum:\n    def step(self, p):\n        p.data = p - 'lr'\n"
    namespace: dict = {}
    exec(compile(code, filename, "exec"), namespace)  # our own code, under a cell's file name
    return namespace["Momentum"]().step


def test_a_mistake_shows_only_the_students_cell_frames_named_as_ipython_names_them(monkeypatch):
    ipython = pytest.importorskip("IPython")
    cell = "/tmp/ipykernel_123/4567.py"
    step = a_step_that_raises_in_the_library(cell)
    monkeypatch.setattr(ipython, "get_ipython", lambda: FakeShell({cell: 3}))
    with pytest.raises(Mistake) as caught:
        checks.call(step, Value(1.0))
    shown = "\n".join(caught.value._render_traceback_())
    assert "Where your code raised it:\n  Cell In[3], line 3, in step\n" in shown
    assert "ipykernel_123" not in shown and "engine.py" not in shown and "checks.py" not in shown
    assert shown.splitlines()[-1].startswith("TypeError: ")


def test_outside_a_kernel_a_mistake_names_the_students_files_and_drops_the_librarys(monkeypatch):
    ipython = pytest.importorskip("IPython")
    monkeypatch.setattr(ipython, "get_ipython", lambda: None)
    step = a_step_that_raises_in_the_library("/tmp/student.py")
    with pytest.raises(Mistake) as caught:
        checks.call(step, Value(1.0))
    shown = "\n".join(caught.value._render_traceback_())
    assert 'Where your code raised it:\n  File "/tmp/student.py", line 3, in step\n' in shown
    assert "engine.py" not in shown and "checks.py" not in shown and "nn" + "/module.py" not in shown


# --- exercise 1: local derivatives -------------------------------------------------------------


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@pytest.mark.parametrize(
    "op, wrong, call, partial, expected, received, cause",
    [
        ("tanh", lambda x: 1 - math.tanh(x), "d_tanh(0.5)", "d tanh(x)/dx",
         1 - math.tanh(0.5) ** 2, 1 - math.tanh(0.5), "you wrote 1 - tanh(x): the rule is 1 - tanh(x)²"),
        ("tanh", lambda x: 1 - x**2, "d_tanh(0.5)", "d tanh(x)/dx",
         1 - math.tanh(0.5) ** 2, 0.75, "you used x where the rule needs t = tanh(x)"),
        ("sigmoid", lambda x: sigmoid(x), "d_sigmoid(0)", "d σ(x)/dx", 0.25, 0.5,
         "without the (1 - s) factor"),
        ("sigmoid", lambda x: x * (1 - x), "d_sigmoid(0)", "d σ(x)/dx", 0.25, 0.0, "needs s = σ(x)"),
        ("pow", lambda x, n: x ** (n - 1), "d_pow(2, 3)", "d(xⁿ)/dx", 12.0, 4.0,
         "exponent is not brought down"),
        ("pow", lambda x, n: n * x**n, "d_pow(2, 3)", "d(xⁿ)/dx", 12.0, 24.0, "the power is not lowered"),
        ("mul", lambda a, b: (a, b), "d_mul(2, -3)", "d(a·b)/da", -3.0, 2.0, "the other operand"),
        ("mul", lambda a, b: (b, b), "d_mul(2, -3)", "d(a·b)/db", 2.0, -3.0, "you returned b"),
        ("div", lambda a, b: (1 / b, a / b**2), "d_div(1, 2)", "d(a/b)/db", -0.25, 0.25, "the sign"),
        # at (1, 2) forgetting a changes nothing: the second point catches it
        ("div", lambda a, b: (1 / b, -1 / b**2), "d_div(3, -0.5)", "d(a/b)/db", -12.0, -4.0,
         "factor a is missing"),
    ],
)  # fmt: skip
def test_a_wrong_local_derivative_is_named_with_both_numbers_and_its_likely_cause(
    op, wrong, call, partial, expected, received, cause
):
    message = mistake(checks.local_derivative, op, wrong)
    first = message.splitlines()[0]
    assert first.startswith(f"{call} gives {partial} = {g6(received)}, expected {g6(expected)}")
    likely = message.splitlines()[-1]
    assert "finite differences" in message and likely.startswith("Likely cause: ") and cause in likely


@pytest.mark.parametrize("op", list(checks.LOCAL_OPS))
def test_every_usual_slip_of_exercise_1_is_turned_down_and_recognised(op):
    spec = checks.LOCAL_OPS[op]
    right = {
        "mul": lambda a, b: (b, a),
        "div": lambda a, b: (1 / b, -a / b**2),
        "pow": lambda x, n: (n * x ** (n - 1),),
        "tanh": lambda x: (1 - math.tanh(x) ** 2,),
        "sigmoid": lambda x: (sigmoid(x) * (1 - sigmoid(x)),),
    }[op]
    for k, slip in enumerate(spec.slips):

        def answer(*args, slip=slip):
            parts = list(right(*args))
            parts[slip.part] = slip.value(*args)
            return tuple(parts) if len(parts) > 1 else parts[0]

        message = mistake(checks.local_derivative, op, answer)
        same = [  # an earlier slip that gives the same numbers is reported instead, with its own words
            s
            for s in spec.slips[:k]
            if s.part == slip.part and all(math.isclose(s.value(*p), slip.value(*p)) for p in spec.points)
        ]
        assert f"Likely cause: {(same or [slip])[0].why}" in message


@pytest.mark.parametrize("op", list(checks.LOCAL_OPS))
def test_the_hand_worked_numbers_of_exercise_1_agree_with_finite_differences_and_the_formulas(op):
    spec = checks.LOCAL_OPS[op]
    assert checks.local_fd(spec, spec.points[0]) == pytest.approx(spec.by_hand, abs=1e-8)
    formula = {
        "mul": lambda a, b: [b, a],
        "div": lambda a, b: [1 / b, -a / b**2],
        "pow": lambda x, n: [n * x ** (n - 1)],
        "tanh": lambda x: [1 - math.tanh(x) ** 2],
        "sigmoid": lambda x: [sigmoid(x) * (1 - sigmoid(x))],
    }[op]
    for point in spec.points:
        assert checks.local_fd(spec, point) == pytest.approx(formula(*point), rel=1e-7, abs=1e-9)


def test_exercise_1_says_what_came_back_when_it_is_not_a_number():
    def d_tanh(x):
        math.tanh(x)  # no return

    assert (
        mistake(checks.local_derivative, "tanh", d_tanh)
        == "d_tanh(0) returned None: did you forget the `return`?"
    )
    assert "returned a Value" in mistake(checks.local_derivative, "tanh", lambda x: Value(x).tanh())
    assert "return the pair (d(a·b)/da, d(a·b)/db)" in mistake(checks.local_derivative, "mul", lambda a, b: b)


def test_a_student_function_that_raises_is_named_with_its_input_and_its_own_line_shown():
    def d_tanh(x):
        return 1 / x  # a slip that raises at x = 0

    with pytest.raises(Mistake) as caught:
        checks.local_derivative("tanh", d_tanh)
    assert str(caught.value) == "d_tanh(0) raised ZeroDivisionError: float division by zero"
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    shown = "\n".join(caught.value._render_traceback_())
    assert shown.startswith("Mistake: d_tanh(0) raised ZeroDivisionError")  # the message first
    assert "return 1 / x" in shown and "checks.py" not in shown  # then the student's line, only theirs


def test_d_pow_is_checked_at_a_negative_x_where_abs_loses_the_sign():
    assert any(x < 0 for x, _ in checks.LOCAL_OPS["pow"].points)
    message = mistake(checks.local_derivative, "pow", lambda x, n: n * abs(x) ** (n - 1))
    assert message.startswith("d_pow(-1.5, 2) gives d(xⁿ)/dx = 3, expected -3 (at x = -1.5, n = 2).")
    assert "Likely cause: abs(x) loses the sign for x < 0" in message


def test_a_slip_that_raises_at_a_negative_x_is_still_named_at_the_first_point_it_is_wrong():
    # xⁿ·log(x) raises at x = -1.5, but it is already wrong at (2, 3): the slip is said there
    message = mistake(checks.local_derivative, "pow", lambda x, n: x**n * math.log(x))
    assert message.startswith("d_pow(2, 3) gives d(xⁿ)/dx = 5.54518, expected 12")
    assert "Likely cause: xⁿ·log(x) is the derivative with respect to the exponent n" in message


@pytest.mark.parametrize(
    "op, ones",
    [
        ("tanh", lambda x: 1.0),
        ("sigmoid", lambda x: 1),
        ("pow", lambda x, n: 1.0),
        ("mul", lambda a, b: (1, 1.0)),
    ],
)
def test_returning_1_everywhere_is_named_as_the_outputs_own_grad(op, ones):
    message = mistake(checks.local_derivative, op, ones)
    assert (
        message.splitlines()[-1].startswith(
            "Likely cause: 1 everywhere: that is the output's own grad (do/do = 1"
        )
        and "return the local derivative" in message
    )


def test_numpy_answers_are_numbers_and_pairs_as_python_ones_are(capsys):
    np = pytest.importorskip("numpy")
    checks.local_derivative("mul", lambda a, b: np.array([b, a]))
    checks.local_derivative("div", lambda a, b: np.array([1 / b, -a / b**2]))
    checks.local_derivative("pow", lambda x, n: np.asarray(n * x ** (n - 1)))  # a 0-d array
    checks.local_derivative("tanh", lambda x: np.float32(1 - math.tanh(x) ** 2).astype(np.float64))
    checks.local_derivative("sigmoid", lambda x: np.array([sigmoid(x) * (1 - sigmoid(x))]))  # size 1
    assert capsys.readouterr().out.count("✓ ") == 5
    # and a wrong numpy answer is told as a wrong Python one is, never "return the pair" for a pair
    message = mistake(checks.local_derivative, "mul", lambda a, b: np.array([a, b]))
    assert message.startswith("d_mul(2, -3) gives d(a·b)/da = 2, expected -3")
    message = mistake(checks.local_derivative, "mul", lambda a, b: np.array([a, b, a]))
    assert message == "d_mul(2, -3) returned 3 numbers; return the pair (d(a·b)/da, d(a·b)/db)."
    message = mistake(checks.local_derivative, "tanh", lambda x: np.array([x, x]))
    assert message == "d_tanh(0) returned 2 numbers; return one number: d tanh(x)/dx."


# --- exercise 2: the neuron by hand ---------------------------------------------------------------


def neuron_with(do_dn=None, **override):
    """A student's neuron_backward, right except where told: do_dn(n, o) and per-key formulas."""

    def neuron_backward(x1, x2, w1, w2, b):
        n = x1 * w1 + x2 * w2 + b
        o = math.tanh(n)
        d = do_dn(n, o) if do_dn else 1 - o**2
        grads = {"n": d, "w1": d * x1, "w2": d * x2, "b": d, "x1": d * w1, "x2": d * w2}
        for key, rule in override.items():
            grads[key] = rule(d, x1, x2, w1, w2, b)
        return grads

    return neuron_backward


N_LECTURE = 2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432  # 0.8814
N_SECOND = -1.0 * 0.7 + 0.5 * -1.2 + 0.3  # -1.0


@pytest.mark.parametrize(
    "student, key, where, expected, received, cause",
    [
        # the weights' grads without the 1 - o² factor: do/dw1 = x1 = 2
        (neuron_with(w1=lambda d, x1, x2, w1, w2, b: x1, w2=lambda d, x1, x2, w1, w2, b: x2),
         "w1", "the lecture's numbers", 1.0, 2.0, "did you multiply by do/dn = 1 - o² = 0.5?"),
        (neuron_with(do_dn=lambda n, o: 1.0), "n", "the lecture's numbers", 0.5, 1.0,
         "did you multiply by do/dn"),
        (neuron_with(do_dn=lambda n, o: 1 - n**2), "n", "the lecture's numbers", 0.5, 1 - N_LECTURE**2,
         "you used n where the rule needs o = tanh(n)"),
        (neuron_with(w1=lambda d, x1, x2, w1, w2, b: d * w1), "w1", "the lecture's numbers", 1.0, -1.5,
         "that is x1; you used w1 itself"),
        (neuron_with(w2=lambda d, x1, x2, w1, w2, b: d * x1), "w2", "the lecture's numbers", 0.0, 1.0,
         "dn/dw2 is x2"),
        # the lecture's 0.5 copied in: right there, wrong on the second neuron
        (neuron_with(do_dn=lambda n, o: 0.5), "n", "a second neuron", 1 - math.tanh(N_SECOND) ** 2, 0.5,
         "Hint:"),
    ],
)  # fmt: skip
def test_a_wrong_neuron_gradient_is_named_with_both_numbers_and_its_likely_cause(
    student, key, where, expected, received, cause
):
    message = mistake(checks.neuron_backward, student)
    first = message.splitlines()[0]
    assert first.startswith(
        f"neuron_backward gives do/d{key} = {g6(received)}, expected {g6(expected)}, at {where}"
    )
    assert "by hand: do/d" in message and "finite differences" in message and cause in message


def test_exercise_2_names_a_missing_gradient():
    def neuron_backward(x1, x2, w1, w2, b):
        return {"n": 0.5, "w1": 1.0, "w2": 0.0, "b": 0.5, "x1": -1.5}

    assert "without 'x2'" in mistake(checks.neuron_backward, neuron_backward)


def test_the_neurons_numbers_by_hand_agree_with_finite_differences_and_the_engine():
    o = lecture_neuron()
    o.backward()
    engine = {k: v.grad for k, v in by_label(o).items()}
    fd, formula = checks.neuron_fd(checks.LECTURE), checks.neuron_truth(checks.LECTURE)
    for key, hand in checks.LECTURE_BY_HAND.items():
        assert fd[key] == pytest.approx(hand, abs=1e-8)
        assert formula[key] == pytest.approx(hand, abs=1e-12)
        assert engine[key] == pytest.approx(hand, abs=1e-12)
    second_fd, second = checks.neuron_fd(checks.SECOND), checks.neuron_truth(checks.SECOND)
    assert second["n"] == pytest.approx(1 - math.tanh(-1.0) ** 2) and second["x2"] != 0
    assert all(second_fd[k] == pytest.approx(second[k], abs=1e-8) for k in second)


def test_the_by_hand_line_brackets_a_negative_o():
    # the lecture's 0.5 copied in is wrong at the second neuron, where o = tanh(-1) = -0.761594
    message = mistake(checks.neuron_backward, neuron_with(do_dn=lambda n, o: 0.5))
    o = math.tanh(N_SECOND)
    assert f"by hand: do/dn = 1 - o² = 1 - ({g6(o)})² = {g6(1 - o * o)};" in message
    assert "- -" not in message


# --- exercise 3: SGD with momentum -------------------------------------------------------------


def momentum_class(step):
    """The exercise's class, with `step` as a student wrote it."""

    class Momentum:
        def __init__(self, params, lr=0.01, momentum=0.9):
            self.params = list(params)
            self.lr = lr
            self.momentum = momentum
            self.velocity = {}

        def zero_grad(self):
            for p in self.params:
                p.grad = NO_GRAD

    step.__qualname__ = "Momentum.step"
    Momentum.step = step
    return Momentum


def plain_sgd(self):  # the velocity is never used again: plain SGD
    for p in self.params:
        self.velocity[p] = p.grad
        p.data -= self.lr * p.grad


def velocity_not_kept(self):  # a fresh v every step
    for p in self.params:
        v = 0.0
        v = self.momentum * v + p.grad
        p.data -= self.lr * v


def lr_twice(self):
    for p in self.params:
        v = self.momentum * self.velocity.get(p, 0.0) + self.lr * p.grad
        self.velocity[p] = v
        p.data -= self.lr * v


def lr_inside(self):  # the same steps while lr stays the same
    for p in self.params:
        v = self.momentum * self.velocity.get(p, 0.0) + self.lr * p.grad
        self.velocity[p] = v
        p.data -= v


def one_velocity(self):
    for p in self.params:
        self.v = self.momentum * getattr(self, "v", 0.0) + p.grad
        self.velocity[p] = self.v
        p.data -= self.lr * self.v


def rebinds_p(self):
    for p in self.params:
        v = self.momentum * self.velocity.get(p, 0.0) + p.grad
        self.velocity[p] = v
        p = p - self.lr * v  # the slip: a new Value under a local name


def keeps_lr_of_the_first_step(self):
    self.first_lr = getattr(self, "first_lr", self.lr)
    for p in self.params:
        v = self.momentum * self.velocity.get(p, 0.0) + p.grad
        self.velocity[p] = v
        p.data -= self.first_lr * v


def keyed_by_label_tail(self):  # "w" and "b" here, but L1.n1.w1 and L1.n2.w1 share "w1" in an MLP
    for p in self.params:
        key = p.label[-2:]
        v = self.momentum * self.velocity.get(key, 0.0) + p.grad
        self.velocity[key] = self.velocity[p] = v
        p.data -= self.lr * v


# By hand, PyTorch's rule (first v = g, then v = 0.9·v + g; p -= lr·v) on the check's schedule:
# w: grads 8, 2, -4 at lr 0.1, 0.1, 0.05 -> v 8, 9.2, 4.28 -> w 0.2, -0.72, -0.934; b starts at -0.5.
@pytest.mark.parametrize(
    "step, first, cause",
    [
        (plain_sgd, "after step 2, w.data is 0, expected -0.72.", "not kept between steps"),  # 0.2 - 0.1·2
        # no self.velocity at all is allowed (velocities may be kept anywhere): the weights' steps tell
        (velocity_not_kept, "after step 2, w.data is 0, expected -0.72.", "not kept between steps"),
        (
            lr_twice,
            "after step 1, w.data is 0.92, expected 0.2.",
            "learning rate is applied twice",
        ),  # 1 - 0.1·0.8
        (
            lr_inside,
            "after step 1, self.velocity[w] is 0.8, expected 8.",
            "your v includes the learning rate",
        ),
        (
            one_velocity,
            "after step 1, b.data is -1.12, expected -0.4.",
            "share one velocity",
        ),  # v = 0.9·8 - 1
        (rebinds_p, "after step 1, w.data is 1, expected 0.2.", "did not change p.data"),
        (
            keeps_lr_of_the_first_step,
            "after step 3, w.data is -1.148, expected -0.934.",
            "read self.lr inside",
        ),
    ],
)
def test_a_wrong_momentum_step_is_named_with_the_step_worked_by_hand_and_its_likely_cause(step, first, cause):
    message = mistake(checks.momentum, momentum_class(step))
    assert message.splitlines()[0].startswith(first)
    assert "step 1: grad " in message and "Likely cause: " in message and cause in message


def test_a_momentum_right_on_two_weights_but_not_on_an_mlp_is_caught_beside_nn_optim_sgd():
    message = mistake(checks.momentum, momentum_class(keyed_by_label_tail))
    assert message.startswith("on a 2-3-1 MLP trained on XOR") and "after step 1" in message
    assert "nn.optim.SGD gives" in message and "its own velocity" in message


def test_a_momentum_step_that_writes_a_value_into_data_is_told_to_keep_numbers():
    def value_into_data(self):
        for p in self.params:
            v = self.momentum * self.velocity.get(p, 0.0) + p.grad
            self.velocity[p] = v
            p.data = p - self.lr * v

    message = mistake(checks.momentum, momentum_class(value_into_data))
    assert message.startswith("after step 1, w.data is Value(") and "not a number" in message


def keyed_by_id(self):  # right: any key that tells the parameters apart works
    for p in self.params:
        v = self.velocity.get(id(p))
        v = p.grad if v is None else self.momentum * v + p.grad
        self.velocity[id(p)] = v
        p.data -= self.lr * v


def kept_elsewhere(self):  # right too: the velocities in a list beside self.params
    self.vs = getattr(self, "vs", [None] * len(self.params))
    for i, p in enumerate(self.params):
        self.vs[i] = p.grad if self.vs[i] is None else self.momentum * self.vs[i] + p.grad
        p.data -= self.lr * self.vs[i]


@pytest.mark.parametrize("step", [keyed_by_id, kept_elsewhere])
def test_a_right_momentum_is_accepted_wherever_it_keeps_its_velocities(step, capsys):
    checks.momentum(momentum_class(step))
    assert capsys.readouterr().out.startswith("✓ Momentum is right: w = 0.2, -0.72, -0.934")


def test_a_momentum_that_skips_a_zero_gradient_is_told_momentum_keeps_it_moving():
    def skips_zero_grad(self):
        for p in self.params:
            if not p.grad:
                continue
            v = self.momentum * self.velocity[p] + p.grad if p in self.velocity else p.grad
            self.velocity[p] = v
            p.data -= self.lr * v

    assert checks.MOMENTUM_GRADS["b"][2] == 0.0
    message = mistake(checks.momentum, momentum_class(skips_zero_grad))
    # by hand: b's v on step 3 is 0.9 · (-1.9) + 0 = -1.71, so b = -0.21 - 0.05 · (-1.71) = -0.1245
    assert message.startswith("after step 3, b.data is -0.21, expected -0.1245.")
    assert "step 3: grad 0, v = 0.9 · (-1.9) + 0 = -1.71; b = -0.21 - 0.05 · (-1.71) = -0.1245" in message
    assert "Momentum keeps moving a weight whose gradient is 0" in message


def test_the_momentum_numbers_by_hand_are_pytorchs_rule_as_nn_optim_sgd_takes_it():
    path = checks.momentum_path()
    assert [p for _, p in path["w"]] == pytest.approx([0.2, -0.72, -0.934])
    assert [v for v, _ in path["w"]] == pytest.approx([8.0, 9.2, 4.28])
    # b: grads -1, -1, 0 -> v -1, -1.9, -1.71 -> b -0.4, -0.21, -0.1245 (a 0 gradient, and b still moves)
    assert [p for _, p in path["b"]] == pytest.approx([-0.4, -0.21, -0.1245])
    assert [v for v, _ in path["b"]] == pytest.approx([-1.0, -1.9, -1.71])
    w, b = Value(1.0, label="w"), Value(-0.5, label="b")
    opt = nn.optim.SGD([w, b], lr=0.1, momentum=0.9)
    for step, lr in enumerate(checks.MOMENTUM_LRS):
        opt.lr = lr
        w.grad, b.grad = checks.MOMENTUM_GRADS["w"][step], checks.MOMENTUM_GRADS["b"][step]
        opt.step()
        assert (w.data, b.data) == pytest.approx((path["w"][step][1], path["b"][step][1]), abs=1e-15)


# --- exercise 4: the training loop ---------------------------------------------------------------


def loop(*order: str, losses_as=lambda loss: loss.data):
    """A student's train() that does, each step, the actions in `order`."""

    def train(model, optimizer, X, y, loss_fn, steps):
        losses = []
        for _ in range(steps):
            for action in order:
                if action == "loss":
                    loss = loss_fn(model(X), y)
                elif action == "zero":
                    optimizer.zero_grad()
                elif action == "backward":
                    loss.backward()
                elif action == "step":
                    optimizer.step()
            losses.append(losses_as(loss))
        return losses

    return train


def engine_run(steps: int = 3):
    """The check's set-up trained right, by the engine's backward(): each step's grads by label."""
    X, y = nn.datasets.xor()
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    grads = []
    for _ in range(steps):
        model.zero_grad()
        nn.losses.mse(model(X), y).backward()
        grads.append({p.label: p.grad for p in model.parameters()})
        for p in model.parameters():
            p.data -= checks.TRAIN_LR * p.grad
    return grads


def test_a_loop_that_never_zeroes_the_gradients_is_told_so_with_the_sum():
    message = mistake(checks.training_loop, loop("loss", "backward", "step"))
    assert message.startswith("the gradients were never zeroed: step 2 used the sum of two steps' gradients.")
    label, now, before, seen = re.search(
        r"For (\S+) \(.*?\): its gradient at step 2's weights is (\S+) \(finite differences\), step 1 left"
        r" (\S+) in .grad, and optimizer.step\(\) saw (\S+) =",
        message,
    ).groups()
    grads = engine_run(2)
    assert float(now) == pytest.approx(grads[1][label], rel=1e-5)
    assert float(before) == pytest.approx(grads[0][label], rel=1e-5)
    assert float(seen) == pytest.approx(grads[0][label] + grads[1][label], rel=1e-5)
    assert "call optimizer.zero_grad() in every step, before loss.backward()" in message


@pytest.mark.parametrize(
    "order, says",
    [
        (("loss", "zero", "step", "backward"), "step 1: optimizer.step() ran before loss.backward()"),
        (
            ("loss", "backward", "zero", "step"),
            "step 1: optimizer.step() found no gradients: zero_grad() ran after",
        ),
    ],
)
def test_a_loop_whose_step_finds_no_gradient_says_which_order_went_wrong(order, says):
    message = mistake(checks.training_loop, loop(*order))
    assert message.startswith(says) and "The order in each step:" in message
    label, expected = re.search(r"expected d loss/d(\S+) = (\S+), received none", message).groups()
    assert float(expected) == pytest.approx(engine_run(1)[0][label], rel=1e-5)


def test_a_loop_that_runs_backward_twice_is_told_its_gradient_is_doubled():
    message = mistake(checks.training_loop, loop("loss", "zero", "backward", "backward", "step"))
    label, seen, expected = re.search(
        r"step 1: optimizer.step\(\) saw d loss/d(\S+) = (\S+), expected (\S+) ", message
    ).groups()
    truth = engine_run(1)[0][label]
    assert float(expected) == pytest.approx(truth, rel=1e-5) and float(seen) == pytest.approx(
        2 * truth, rel=1e-5
    )
    assert "loss.backward() ran twice" in message


@pytest.mark.parametrize(
    "student, says",
    [
        (loop("loss", "zero", "backward"), "optimizer.step() was never called in 3 steps"),
        (loop("loss", "zero", "backward", "step", losses_as=lambda loss: loss), "losses[0] is a Value"),
        (
            loop("loss", "zero", "backward", "step", losses_as=lambda loss: 0.0),
            "losses[0] is 0, expected 0.889",
        ),
    ],
)
def test_a_loop_that_skips_the_step_or_keeps_the_wrong_losses_is_told_which(student, says):
    assert mistake(checks.training_loop, student).startswith(says)


def test_zeroing_after_the_step_instead_of_before_backward_is_right_too(capsys):
    checks.training_loop(loop("loss", "backward", "step", "zero"))
    assert capsys.readouterr().out.startswith("✓ train is right: 3 steps")


def test_a_forward_pass_outside_the_loop_is_named_as_such_not_as_a_late_backward():
    def train(model, optimizer, X, y, loss_fn, steps):
        out = model(X)  # once, before the loop
        losses = []
        for _ in range(steps):
            loss = loss_fn(out, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.data)
        return losses

    message = mistake(checks.training_loop, train)
    assert message.startswith("step 2: optimizer.step() saw d loss/d")
    likely = message.split("Likely cause: ")[1]
    assert likely.startswith("these are the gradients at step 1's weights, not step 2's: the loss is 0.889")
    assert "the forward pass model(X) was computed once, outside the loop" in likely
    assert "backward() ran after step()" not in message


def test_a_loss_computed_once_before_the_loop_is_named_as_such():
    def train(model, optimizer, X, y, loss_fn, steps):
        loss = loss_fn(model(X), y)
        losses = []
        for _ in range(steps):
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.data)
        return losses

    message = mistake(checks.training_loop, train)
    assert "Likely cause: these are the gradients at step 1's weights" in message
    assert "loss_fn was called once, before step 1, and never in step 2" in message


def test_a_backward_after_the_step_is_named_as_such():
    def train(model, optimizer, X, y, loss_fn, steps):
        loss = loss_fn(model(X), y)
        loss.backward()  # one backward before the loop hides the late one in step 1
        losses = []
        for _ in range(steps):
            loss = loss_fn(model(X), y)
            optimizer.step()
            optimizer.zero_grad()
            loss.backward()
            losses.append(loss.data)
        return losses

    message = mistake(checks.training_loop, train)
    assert "Likely cause: these are the gradients at step 1's weights" in message
    assert "its backward() ran after step()" in message and "outside the loop" not in message


def test_a_loop_returning_its_losses_as_a_numpy_array_or_a_tuple_is_right(capsys):
    np = pytest.importorskip("numpy")
    right = loop("loss", "zero", "backward", "step")
    checks.training_loop(lambda *args: np.array(right(*args)))
    checks.training_loop(lambda *args: tuple(right(*args)))
    assert capsys.readouterr().out.count("✓ ") == 2


# --- the notebooks ----------------------------------------------------------------------------------


def sources_of(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(cell["source"]) for cell in nb["cells"])


@pytest.mark.parametrize("name", NAMES)
def test_the_notebooks_are_generated_students_without_the_solutions_teachers_with(name):
    folder = ROOT / "notebooks" / "exercises"
    text = source(name)
    blocks = re.findall(r"# BEGIN SOLUTION\n(.*?)\n\s*# END SOLUTION", text, flags=re.S)
    outside = make_notebooks.strip_solutions(text)
    solution_lines = {x.strip() for block in blocks for x in block.splitlines() if x.strip()}
    solution_lines = {x for x in solution_lines if x not in outside}  # lines only a solution holds
    assert len(blocks) == len(set(NOT_WRITTEN[name])) and solution_lines
    student, teacher = sources_of(folder / f"{name}.ipynb"), sources_of(folder / "teacher" / f"{name}.ipynb")
    assert not [x for x in solution_lines if x in student]
    assert all(x in teacher for x in solution_lines)
    assert student.count(STUB) == len(blocks) and STUB not in teacher
    assert "SOLUTION" not in student + teacher
    for path, made in (
        (folder / f"{name}.ipynb", make_notebooks.notebook(outside, name)),
        (
            folder / "teacher" / f"{name}.ipynb",
            make_notebooks.notebook(make_notebooks.teacher_source(text), name),
        ),
    ):
        assert path.read_text(encoding="utf-8") == nbformat.writes(made) + "\n", "run make notebooks"
