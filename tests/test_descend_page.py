"""The descent playground's page (nn.descent_playground), read as text: what it holds, its numbers
against gradient descent worked by hand, its verdicts, its size, escaping, and bad input.

What a browser does with it is in test_descend_browser.py.
"""

import json
import math
import re
from html import unescape

import pytest

import nn
from autograd_lite.cli import main
from nn.descend import DescendError
from nn.descend_page import MAX_PAGE_STEPS, PRESETS, descent_playground


def data_of(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="descend-data">(.*?)</script>', html, re.S)
    assert m, "the page holds its data"
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def page():
    return descent_playground("sin(x) + x**2/10", start=3, lr=0.1, steps=30)


@pytest.fixture(scope="module")
def formulas(page):
    return {f["name"]: f for f in data_of(page.html)["formulas"]}


def test_the_page_offers_the_students_formula_first_then_every_preset(page, formulas):
    assert page.names == ("your formula", "bowl", "two minima", "elongated bowl", "Rosenbrock", "saddle")
    assert [p.name for p in PRESETS] == list(page.names[1:])
    mine = formulas["your formula"]
    assert mine["expr"] == "sin(x) + x**2/10" and mine["dims"] == 1
    assert mine["starts"] == [[3.0], [-3.0], [1.5]]
    assert mine["lrs"] == [0.01, 0.05, 0.1, 0.2]  # the student's 0.1 times 0.1, 0.5, 1 and 2
    assert mine["optimizers"] == ["sgd", "momentum", "adam"]
    assert mine["chosen"] == [0, 2, 0]  # shown first: start 3, lr 0.1, sgd
    assert formulas["Rosenbrock"]["optimizers"] == list(nn.descend.OPTIMIZERS)  # two variables: all six
    assert len(mine["runs"]) == 3 * 4 * 3 and page.runs == sum(len(f["runs"]) for f in formulas.values())


def test_every_sgd_trajectory_is_gradient_descent_worked_by_hand(formulas):
    """sin(x) + x²/10 has f'(x) = cos x + x/5; x**2 has 2x; x² + 10y² has (2x, 20y)."""
    mine = formulas["your formula"]
    for s, (x0,) in enumerate(mine["starts"]):
        for r, lr in enumerate(mine["lrs"]):
            run = mine["runs"][f"{s}.{r}.0"]
            x = x0
            for k, ((px,), fx, (g,)) in enumerate(zip(run["p"], run["f"], run["g"], strict=True)):
                assert px == pytest.approx(x, rel=1e-9, abs=1e-12), (s, r, k)
                assert fx == pytest.approx(math.sin(x) + x * x / 10, rel=1e-9, abs=1e-12)
                assert g == pytest.approx(math.cos(x) + x / 5, rel=1e-9, abs=1e-12)
                x -= lr * (math.cos(x) + x / 5)
    bowl = formulas["elongated bowl"]
    for r, lr in enumerate(bowl["lrs"]):
        run = bowl["runs"][f"0.{r}.0"]
        x, y = bowl["starts"][0]
        for px, py in run["p"][:20]:
            assert (px, py) == (pytest.approx(x, rel=1e-9, abs=1e-12), pytest.approx(y, rel=1e-9, abs=1e-12))
            x, y = x - lr * 2 * x, y - lr * 20 * y


def test_the_verdicts_say_what_became_of_each_run(formulas):
    def run(name, s, lr, opt="sgd"):
        f = formulas[name]
        return f["runs"][f"{s}.{f['lrs'].index(lr)}.{f['optimizers'].index(opt)}"]

    assert run("bowl", 0, 1.1)["kind"] == "diverged"  # |x| grows by 1.2 a step
    assert "Diverges" in run("bowl", 0, 1.1)["verdict"] and "smaller" in run("bowl", 0, 1.1)["verdict"]
    assert run("bowl", 0, 0.5)["kind"] == "converged"  # x - 0.5·2x = 0 in one step
    assert run("bowl", 0, 0.1)["kind"] == "steps" and "After 30 iterations" in run("bowl", 0, 0.1)["verdict"]
    assert run("elongated bowl", 0, 0.11)["kind"] == "diverged"  # past 2/20 across the valley
    assert run("elongated bowl", 0, 0.09)["kind"] != "diverged"
    assert run("elongated bowl", 0, 0.01, "momentum")["kind"] != "diverged"  # f rises on its way down
    assert run("Rosenbrock", 0, 0.004, "momentum")["kind"] == "diverged"
    assert run("Rosenbrock", 0, 0.004, "adam")["kind"] != "diverged"
    saddle = run("saddle", 1, 0.3)
    assert saddle["kind"] == "left" and "no minimum" in saddle["verdict"]


def test_steps_past_the_page_limit_keep_the_first_200_and_say_so():
    page = descent_playground("x**2", start=4, lr=0.001, steps=1000, presets=False)
    (f,) = data_of(page.html)["formulas"]
    assert f["steps"] == MAX_PAGE_STEPS and len(f["runs"]["0.0.0"]["p"]) == MAX_PAGE_STEPS + 1
    assert f"first {MAX_PAGE_STEPS} of the 1,000 iterations" in f["note"]


def test_the_page_is_offline_bounded_and_shows_in_a_notebook(page):
    html = page.html
    assert "script-src 'sha256-" in html and "default-src 'none'" in html
    assert not re.search(r"(?:src|href)\s*=\s*[\"'](?!#|data:)", html), "nothing is fetched"
    assert "http" not in html.replace("http-equiv", "")
    assert len(html.encode()) < 1_500_000  # the presets and a formula in x: about 1 MB
    bundle = page._repr_mimebundle_()
    assert (
        bundle["text/html"].startswith('<div class="autograd-lite-frame"')
        and "srcdoc=" in bundle["text/html"]
    )
    assert repr(page).startswith("Playground(6 formulas: your formula, bowl") and "kB)" in repr(page)


def test_titles_and_formulas_are_text_not_markup():
    hostile = "<img src=x onerror=alert(1)>"
    page = descent_playground("x**2 - 3*x", start=4, title=hostile, presets=False)
    assert hostile not in page.html and "&lt;img src=x onerror=alert(1)&gt;" in page.html
    assert (
        unescape(re.search(r"<option[^>]*>(.*?)</option>", page.html).group(1)) == "your formula: x**2 - 3*x"
    )


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"expr": "log(x)", "start": -1}, "cannot be computed at the start, x = -1"),
        ({"expr": "x*y*z", "start": (1, 2, 3)}, "3 variables"),
        ({"expr": "x**2", "start": 1, "steps": 10**9}, "too many"),
        ({"expr": "x**2", "start": 1, "lr": 0}, "learning rate must be a number > 0"),
        ({"expr": "x**2", "start": 1, "lr": "fast"}, "learning rate must be a number"),
        ({"expr": "x**2", "start": 1, "optimizer": "adm"}, "did you mean adam"),
        ({"expr": "x**2"}, "give a start"),
        ({"expr": "x**2 +", "start": 1}, "cannot parse"),
    ],
)
def test_bad_input_is_one_clear_error_and_writes_nothing(tmp_path, kwargs, words):
    out = tmp_path / "page.html"
    with pytest.raises(DescendError, match=re.escape(words)):
        descent_playground(**kwargs, path=out)
    assert not out.exists()


def test_the_cli_writes_the_page_after_the_steps(tmp_path, capsys):
    out = tmp_path / "descent.html"
    assert main(["descend", "x**2 - 3*x", "--start", "4", "--steps", "5", "--html", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 1 + 5 + 1 + 1 and printed[-1].startswith(f"wrote {out} (")
    assert "your formula and the 5 presets" in printed[-1]
    assert data_of(out.read_text(encoding="utf-8"))["formulas"][0]["expr"] == "x**2 - 3*x"


@pytest.mark.parametrize(
    "args, words",
    [
        (["--html", "page.svg"], "the name must end in .html"),
        (["--html", ""], "give it a file name ending in .html"),
        (["--html", "no/such/folder/page.html"], "does not exist"),
        (["--lr", "0", "--html", "page.html"], "learning rate must be a number > 0"),
    ],
)
def test_the_cli_refuses_bad_input_in_one_line_before_any_work(tmp_path, monkeypatch, capsys, args, words):
    monkeypatch.chdir(tmp_path)
    assert main(["descend", "x**2", "--start", "4", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and words in captured.err and len(captured.err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_formula_with_no_minimum_keeps_its_start_in_the_picture_and_says_it_falls():
    (f,) = data_of(descent_playground("-x**2", start=1, lr=0.1, steps=100, presets=False).html)["formulas"]
    assert f["view"][0] >= -20 and f["view"][1] <= 20  # not stretched to where the runs fled
    run = f["runs"]["0.2.0"]  # start 1, lr 0.1, sgd: x ← 1.2x
    assert run["kind"] == "unbounded" and "no minimum" in run["verdict"]
    x = [p[0] for p in run["p"]]
    assert run["at"] == next(k for k, v in enumerate(x) if v > f["view"][1])  # said as it leaves the view


def test_a_formula_in_y_alone_is_labelled_y():
    page = descent_playground("y**2 - y", start=2, lr=0.1, steps=10, presets=False)
    (f,) = data_of(page.html)["formulas"]
    assert f["vars"] == ["y"] and f["runs"]["0.0.0"]["verdict"].startswith("After 10 iterations: y = ")
    assert ">f(y)</text>" in page.html and ">f(x)</text>" not in page.html


def test_a_point_that_blows_up_to_infinity_still_gets_its_verdict_on_the_page():
    """x² from 1 at lr 1e308: x - 1e308·2 is -inf, not drawn; the verdict is said at the last point."""
    (f,) = data_of(descent_playground("x**2", start=1, lr=1e308, steps=5, presets=False).html)["formulas"]
    assert all(math.isfinite(lr) and lr > 0 for lr in f["lrs"])  # lr times 2 would be inf: left out
    run = f["runs"][f"0.{f['lrs'].index(1e308)}.0"]
    assert run["kind"] == "diverged" and run["at"] == len(run["p"]) - 1 == 0


def test_a_learning_rate_too_small_to_move_is_said_so_on_the_page():
    (f,) = data_of(descent_playground("x**2", start=4, lr=1e-13, steps=5, presets=False).html)["formulas"]
    run = f["runs"][f"0.{f['lrs'].index(1e-13)}.0"]
    assert run["kind"] == "stalled" and "pick a larger one" in run["verdict"] and run["at"] == 0
