"""Every lesson in demos/ runs (quick) and shows its point: the numbers each one claims are asserted here.

Each lesson runs once per session, in-process, through `common.run(NAME, quick=True)`;
the tests below read the numbers in the RESULT it ends with. Hand-worked values and
independent checks (finite differences, plain-float formulas) are written
out here rather than taken from the demo.
"""

from __future__ import annotations

import math
import re
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from demos import common

ROOT = Path(__file__).resolve().parent.parent
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="session")
def lesson(tmp_path_factory):
    """lesson(name) -> the RESULT of common.run(NAME, quick=True), computed once per session."""
    cache = {}

    def get(name: str) -> dict:
        if name not in cache:
            out = tmp_path_factory.mktemp(name)
            cache[name] = common.run(name, quick=True, out=out, quiet=True)
        return cache[name]

    return get


# --- what every lesson shares --------------------------------------------------------------


@pytest.mark.parametrize("name", common.LESSONS)
def test_every_lesson_writes_its_figures_and_says_what_to_look_for(name, lesson):
    first = common.cells(common.lesson_path(name))[0]
    assert first.kind == "markdown" and first.text.startswith("# "), "a lesson opens with its title"
    assert re.search(r"\*\*Look\s+for:?\*\*", first.text), "its first cell says what to look for"
    figures = [Path(p) for p in lesson(name)["figures"]]
    assert figures and figures[0].suffix == ".png", "the main picture comes first, as a PNG"
    for path in figures:
        data = path.read_bytes()
        assert data[:8] == PNG_MAGIC if path.suffix == ".png" else b"<svg" in data
        assert 5_000 < len(data) < 400_000


@pytest.mark.parametrize("name", common.LESSONS)
def test_every_lesson_runs_as_a_module_with_quick_and_out(name, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [f"demos.{name}", "--help"])
    # as `python -m` finds it: not imported yet
    monkeypatch.delitem(sys.modules, f"demos.{name}", raising=False)
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module(f"demos.{name}", run_name="__main__")
    assert exit_.value.code == 0
    usage = capsys.readouterr().out
    assert f"python -m demos.{name}" in usage and "--quick" in usage and f"out/{name}" in usage


def test_python_m_demos_name_from_the_shell(tmp_path):
    out = tmp_path / "bbh"
    done = subprocess.run(
        [sys.executable, "-m", "demos.backprop_by_hand", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "dL/dw = dL/dŷ · x" in done.stdout and "-4.2" in done.stdout
    for name in ("one_weight_step.png", "one_weight.svg", "neuron.svg"):
        assert (out / name).exists() and str(out / name) in done.stdout


def test_make_demo_runs_the_headline_lessons_and_says_where_the_pictures_are(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "demos", "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    for path in ("backprop_by_hand/neuron.svg", "backprop_by_hand/one_weight_step.png", "moons/moons.png"):
        assert (tmp_path / path).exists() and str(tmp_path / path) in done.stdout
    assert "trained in" in done.stdout and "python -m demos --list" in done.stdout


def test_list_names_every_lesson(capsys):
    from demos.__main__ import main

    main(["--list"])
    text = capsys.readouterr().out
    for name in common.LESSONS:
        assert re.search(rf"^  {name}\s+\S", text, re.M)
    assert sorted(common.LESSONS) == sorted(
        p.stem
        for p in (ROOT / "demos").glob("*.py")
        if p.stem not in {"__init__", "__main__", "common", "gallery", "make_notebooks"}
    )


def test_the_gallery_holds_a_small_picture_of_every_lesson():
    for name in common.LESSONS:
        path = ROOT / "docs" / "lessons" / f"{name}.png"
        assert path.read_bytes()[:8] == PNG_MAGIC, f"{path} is missing: run python -m demos.gallery"
        assert path.stat().st_size <= 100 * 1024
    readme = (ROOT / "README.md").read_text()  # the lessons table: one row and one picture per lesson
    for name in common.LESSONS:
        assert f"python -m demos.{name}`" in readme and f"docs/lessons/{name}.png" in readme


def test_gallery_shrinks_a_picture(tmp_path, lesson):
    from PIL import Image

    from demos.gallery import MAX_WIDTH, shrink

    size = shrink(Path(lesson("optimizers")["figures"][0]), tmp_path / "small.png")
    with Image.open(tmp_path / "small.png") as image:
        assert image.width <= MAX_WIDTH
    assert size == (tmp_path / "small.png").stat().st_size < 100 * 1024


# --- each lesson's claim ---------------------------------------------------------------------


def test_backprop_by_hand_numbers(lesson):
    r = lesson("backprop_by_hand")
    # w = 0.1, x = 3, y = 1: ŷ = 0.3, L = (1 - 0.3)² = 0.49, dL/dw = -2(1 - 0.3)·3 = -4.2, w ← 0.1 + 4.2 = 4.3
    assert r["yhat"] == pytest.approx(0.3)
    assert r["loss"] == pytest.approx(0.49)
    assert r["grad"] == pytest.approx(-4.2)
    assert r["new_w"] == pytest.approx(4.3)
    assert r["new_loss"] == pytest.approx((1 - 4.3 * 3) ** 2)  # 141.61: lr = 1 overshoots
    for key in ("yhat", "loss", "grad", "new_w"):
        assert r["engine"][key] == pytest.approx(r[key], abs=1e-12)
    g = r["neuron"]["grads"]  # micrograd's neuron: 1 - tanh(n)² = 0.5
    assert r["neuron"]["o"] == pytest.approx(math.sqrt(0.5))
    assert g["w1"] == pytest.approx(1.0) and g["x1"] == pytest.approx(-1.5)
    assert g["x2"] == pytest.approx(0.5) and g["w2"] == pytest.approx(0.0) and g["b"] == pytest.approx(0.5)


def test_chain_rule_engine_equals_the_products_and_finite_differences(lesson):
    r = lesson("chain_rule")
    WEIGHTS, X, Y = r["weights"], r["x"], r["y"]  # the lesson's inputs (importing it would run it)
    for k in ("W1", "W2", "W3"):
        assert r["engine"][k] == pytest.approx(r["closed_form"][k], rel=1e-12)

    def loss(w1, w2, w3):  # the chain again, in plain floats, for central differences
        s = lambda z: 1 / (1 + math.exp(-z))
        return 0.5 * (s(w3 * s(w2 * s(w1 * X))) - Y) ** 2

    w, eps = list(WEIGHTS.values()), 1e-6
    for i, k in enumerate(("W1", "W2", "W3")):
        up, down = list(w), list(w)
        up[i] += eps
        down[i] -= eps
        assert r["engine"][k] == pytest.approx((loss(*up) - loss(*down)) / (2 * eps), rel=1e-6)
    assert abs(r["engine"]["W1"]) < abs(r["engine"]["W3"])  # the gradient shrinks going back


def test_gradient_check_agrees_and_catches_the_wrong_derivative(lesson):
    r = lesson("gradient_check")
    assert r["engine_agrees"] and r["engine_error"] < 1e-6
    assert r["hand_error"] < 1e-6
    assert r["buggy_caught"] and r["buggy_error"] > 0.1
    # the hidden layer's 4 × (2 weights + bias) are wrong; the output layer's 5 are right
    assert r["buggy_wrong_count"] == 12
    errors = r["eps_errors"]
    assert errors[-12] > 100 * errors[-6] and errors[-2] > 100 * errors[-6]  # δ too small, δ too big


def test_softmax_by_hand(lesson):
    r = lesson("softmax")
    e = [math.exp(2.0), math.exp(1.0), math.exp(0.1)]
    p = [v / sum(e) for v in e]
    assert r["engine"]["p"] == pytest.approx(p, abs=1e-12)
    assert r["engine"]["p"] == pytest.approx([0.659001, 0.242433, 0.098566], abs=1e-6)
    assert r["engine"]["loss"] == pytest.approx(-math.log(p[0]))
    assert r["engine"]["loss"] == pytest.approx(0.41703, abs=1e-5)
    assert r["engine"]["grad"] == pytest.approx([p[0] - 1, p[1], p[2]], abs=1e-12)
    assert r["big_naive"] == "overflows"
    assert r["big"]["loss"] == pytest.approx(r["engine"]["loss"], abs=1e-9)


def test_xor_learned_by_a_hidden_layer_not_by_one_neuron(lesson):
    r = lesson("xor")
    assert r["accuracy"] == 1.0 and r["loss"] < 0.05
    assert r["single_neuron_loss"] >= math.log(2) - 1e-3 and r["single_neuron_accuracy"] <= 0.75
    xnor = r["xnor"]  # the slides' "XOR" table, 1 for (0, 0) and (1, 1): XNOR, as hard for one neuron
    assert xnor["accuracy"] == 1.0
    assert xnor["single_neuron_loss"] >= math.log(2) - 1e-3 and xnor["single_neuron_accuracy"] <= 0.75


def test_gradient_descent_beats_search(lesson):
    r = lesson("search_vs_descent")
    gd = r["methods"].pop("gradient descent")
    assert gd["evaluations_to_target"] is not None and gd["evaluations_to_target"] <= r["budget"] // 2
    for name, search in r["methods"].items():
        assert search["evaluations_to_target"] is None, name
    assert gd["final"] < r["best_search"] / 3


def test_learning_rate_crawls_converges_diverges(lesson):
    r = lesson("learning_rate")
    first = {lr: losses[0] for lr, losses in r["losses"].items()}
    assert 0.3 * first[0.01] < r["final"][0.01] < first[0.01]  # crawls: lower, but far from the bottom
    assert r["final"][0.5] < 0.015  # converges: at the noise floor (noise 0.1, mse 0.01)
    assert r["final"][0.95] < 0.05  # zig-zags but converges
    assert r["final"][1.1] > 1e3 * first[1.1]  # diverges
    assert 0.95 < r["threshold"] < 1.1  # 2/λ separates the two


def test_local_minima_gd_stuck_momentum_and_noise_escape(lesson):
    r = lesson("local_minima")
    deep, shallow = r["minima"]["deep"], r["minima"]["shallow"]
    assert deep < 0 < shallow
    assert r["gd_end"] == pytest.approx(shallow, abs=1e-3)
    assert r["momentum_end"] == pytest.approx(deep, abs=1e-2)
    assert r["noisy_escaped"] >= 0.6
    assert all(min(abs(e - deep), abs(e - shallow)) < 0.1 for e in r["noisy_ends"])  # every run settled


def test_optimizers_table(lesson):
    r = lesson("optimizers")
    needed = dict(r["epochs_to_target"])
    assert needed.pop("SGD, lr 0.1") is None and r["final_loss"]["SGD, lr 0.1"] > 2 * r["target"]
    assert len(needed) == 5
    for name, epochs in needed.items():
        assert epochs is not None and epochs < r["epochs"], name
    step = r["adam_last_step"]  # the recorded run's last Adam step, which ends on its last weight
    assert step.state["step"] == r["epochs"] and step.rule.startswith("m ← β1·m")
    assert all(page.exists() for page in r["pages"])


def test_minibatch_per_update_and_per_example(lesson):
    r = lesson("minibatch")
    n = r["n"]
    per_example = r["loss_after_equal_examples"]
    assert per_example[1] < per_example[16] < per_example[n]
    per_update = r["loss_after_equal_updates"]
    assert per_update[n] < per_update[1]
    assert r["updates"][1] == 5 * n  # one update per example, 5 quick epochs


def test_activations_vanishing_gradient(lesson):
    r = lesson("activations")
    sigmoid, relu = r["layer_gradients"]["sigmoid"], r["layer_gradients"]["relu"]
    assert len(sigmoid) >= 9  # 8 hidden layers and the output
    assert r["relu_over_sigmoid_first_layer"] >= 100
    assert all(a < b for a, b in zip(sigmoid, sigmoid[1:]))  # shrinks at every layer going back
    assert sigmoid[-1] / sigmoid[0] > 1e3
    assert max(relu) / min(relu) < 10
    # trained and recorded: through the run sigmoid's layer 1 gets far less gradient than its output layer
    spread = r["training_spread"]
    assert np.median(spread["sigmoid"]) > 3 * np.median(spread["relu"])
    for page in r["pages"]:
        text = page.read_text(encoding="utf-8")
        assert 'id="grad-chart"' in text or "data-run=" in text


def test_normalization_converges_only_when_standardized(lesson):
    r = lesson("normalization")
    assert r["epochs_to_target"]["raw inputs"] is None
    assert r["final_loss"]["raw inputs"] > 10 * r["target"]
    assert r["epochs_to_target"]["standardized inputs"] <= 20
    assert r["condition"]["raw inputs"] > 1e5 and r["condition"]["standardized inputs"] < 10


def test_early_stopping_stops_when_validation_turns_up_and_restores_the_best(lesson):
    r = lesson("early_stopping")
    best, val, train = r["best_epoch"], r["val_loss"], r["train_loss"]
    assert r["stopped_early"] and r["stopped_at"] == best + r["patience"]
    assert best == int(np.argmin(val)) + 1
    assert r["restored_val_loss"] == pytest.approx(val[best - 1], rel=1e-9)  # best weights back
    assert val[-1] > val[best - 1] and train[-1] < train[best - 1]  # validation up while training goes down
    assert r["full_val_loss"][-1] > 2 * min(r["full_val_loss"])
    assert r["val_accuracy"]["early"] > r["val_accuracy"]["late"]


def test_losses_by_margin_and_mse_misclassifies(lesson):
    r = lesson("losses")
    mse, hinge, bce = r["at_margin"]["mse"], r["at_margin"]["hinge"], r["at_margin"]["bce_with_logits"]
    assert mse[3.0] == pytest.approx(4.0) and mse[1.0] == pytest.approx(0.0)
    assert mse[-2.0] == pytest.approx(9.0)
    assert hinge[3.0] == 0.0 and hinge[0.0] == pytest.approx(1.0) and hinge[-2.0] == pytest.approx(3.0)
    assert bce[0.0] == pytest.approx(math.log(2)) and bce[3.0] == pytest.approx(math.log1p(math.exp(-3)))
    assert r["grad_at_margin"]["mse"][3.0] == pytest.approx(4.0)  # 2(s - t): pushes a right answer back
    assert r["accuracy"]["hinge"] == 1.0 and r["accuracy"]["bce_with_logits"] == 1.0
    assert r["accuracy"]["mse"] < 0.95


def test_classification_of_three_spirals(lesson):
    r = lesson("classification")
    assert r["chance"] == pytest.approx(1 / 3)
    assert r["train_accuracy"] >= 0.9 and r["test_accuracy"] >= 0.85
    assert sum(map(sum, r["confusion"])) == 75
    assert r["loss"][-1] < 0.2 < math.log(3)


def test_moons_micrograd_recipe(lesson):
    r = lesson("moons")
    assert r["accuracy"] >= 0.97
    assert r["seconds"] < 5  # about a second on these machines; generous for a busy CI runner
    assert r["loss"][-1] < 0.05


def test_python_m_demos_runs_a_named_lesson_and_names_the_one_you_meant(tmp_path):
    run = lambda *args: subprocess.run(
        [sys.executable, "-m", "demos", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    done = run("softmax", "--quick", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert str(tmp_path / "softmax" / "softmax.png") in done.stdout and "moons" not in done.stdout
    typo = run("xorr")
    assert typo.returncode == 2 and "Traceback" not in typo.stderr
    assert "no lesson called 'xorr'; did you mean 'xor'?" in typo.stderr and "--list" in typo.stderr


def test_to_pytorch_same_loop_same_numbers_in_both_engines(lesson, monkeypatch, tmp_path):
    r = lesson("to_pytorch")
    assert r["accuracy"] >= 0.97  # our half, always: the moons learnt with PyTorch's loop
    assert r["loss"][-1] < r["loss"][0] / 5 and r["loss"][0] == pytest.approx(math.log(2), abs=0.2)
    # without torch the lesson still runs our half, says so and compares nothing
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    alone = common.run("to_pytorch", quick=True, out=tmp_path, quiet=True)
    assert alone["torch"] is False and alone["max_loss_gap"] is None and alone["max_prediction_gap"] is None
    assert alone["loss"] == r["loss"] and Path(alone["figures"][0]).exists()
    monkeypatch.undo()
    pytest.importorskip(
        "torch", reason="torch is not installed: pip install -e '.[bench]' (torch 2.13.0, CPU)"
    )
    assert r["torch"] is True and len(r["torch_loss"]) == len(r["loss"])
    assert r["start_prediction_gap"] < 1e-12  # the export: the same weights
    assert r["max_loss_gap"] < 1e-10 and r["max_prediction_gap"] < 1e-10  # the same steps, in float64
    assert 1e-10 < r["float32_gap"] < 1e-3  # float32 is visibly less exact, but close


def test_scalars_to_tensors_one_layer_one_product_same_gradients_faster(lesson):
    r = lesson("scalars_to_tensors")
    layer = r["layer"]
    nin, nout = layer["nin"], layer["nout"]
    # micrograd's graph of a layer, counted by hand: inputs, weights, biases, one * and one + per
    # weight, one tanh per neuron; edges: two operands per * and +, one per tanh
    assert layer["scalar_nodes"] == nin + 3 * nin * nout + 2 * nout == 26
    assert layer["scalar_edges"] == 4 * nin * nout + nout == 27
    # one wsum node Σw·x+b per neuron: its operands are the weights, the inputs and the bias
    assert layer["neuron_nodes"] == nin + nin * nout + 3 * nout == 17
    assert layer["neuron_edges"] == nout * (2 * nin + 1) + nout == 18
    assert layer["products"] == [
        f"layer 1: {nout} neurons × {nin} inputs → one {nout}×{nin} product W @ x + b"
    ]
    assert layer["W_in_buffer"]
    assert r["forward_gap"] < 1e-12
    for name, gaps in r["grad_gaps"].items():  # micrograd's graph, the tape, numpy by hand
        assert max(gaps.values()) < 1e-12, name
    assert set(r["dx_gaps"]) == {"micrograd's graph", "numpy by hand"} and max(r["dx_gaps"].values()) < 1e-12
    # the moons network trained every way: the same losses, and it learns
    assert set(r["loss_gaps"]) == {"tape", "numpy by hand", "tape.run + opt.step"}
    assert max(r["loss_gaps"].values()) < 1e-12
    assert r["loss"][-1] < r["loss"][0] / 3
    # timings vary by machine: only that both tensor ways beat the engine, which builds a graph each step
    ms = r["ms"]
    assert ms["tape"] < ms["engine"] and ms["numpy by hand"] < ms["engine"]
    assert r["engine_values"] > 4 * r["tape_calls"]  # hundreds of values against tens of numpy calls
    fit = r["fit"]
    assert fit["compiled"] == (fit["steps"], 0) and fit["engine"] == (0, fit["steps"])
    assert fit["gap"] < 1e-12
