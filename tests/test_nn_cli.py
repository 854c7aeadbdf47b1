"""`autograd-lite train` end to end: the installed command trains, prints, writes files; mistakes exit 2
with one line and no traceback."""

import argparse
import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import nn
from autograd_lite.cli import main

COMMAND = str(Path(sys.executable).parent / "autograd-lite")


def train(*args, cwd=None):
    return subprocess.run([COMMAND, "train", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_train_moons_writes_plots_and_a_model_that_loads(tmp_path):
    result = train(
        "moons", "--epochs", "60", "--seed", "0", "--plot", "b.png", "--history-plot", "h.svg",
        "--save", "m.json", "--val", "0.2", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "moons: 100 points, 2 classes" in out and "loss hinge" in out
    accuracy = float(re.search(r"final train accuracy: ([\d.]+)%", out).group(1)) / 100
    assert accuracy >= 0.9
    assert "final validation accuracy" in out
    for name in ("b.png", "h.svg", "m.json"):
        assert f"wrote {name}" in out and (tmp_path / name).stat().st_size > 0
    model = nn.MLP.load(tmp_path / "m.json")
    X, y = nn.datasets.moons(n=100, seed=0)
    X_train, _, y_train, _ = nn.datasets.train_test_split(X, y, test_size=0.2, seed=0)
    assert nn.accuracy(model, X_train, y_train) == pytest.approx(accuracy, abs=0.001)
    assert json.loads((tmp_path / "m.json").read_text())["config"]["nouts"] == [16, 16, 1]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (["blorp"], "unknown dataset 'blorp'; choose one of: xor, moons"),
        (["moons", "--epochs", "-3"], "--epochs must be >= 0, got -3"),
        (["moons", "--plot", "missing/dir/out.png"], "the folder"),
    ],
)
def test_the_installed_command_reports_mistakes_in_one_line(tmp_path, args, words):
    result = train(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and words in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args, words",
    [
        (["moons", "--epochs", "ten"], "--epochs must be a whole number, got 'ten'"),
        (["moons", "--lr", "-0.1"], "--lr must be a number > 0 (a typical start is 0.01 to 0.1), got -0.1"),
        (["moons", "--lr", "0"], "--lr must be a number > 0 (a typical start is 0.01 to 0.1), got 0, which"),
        (["moons", "--lr", "nan"], "--lr must be a number > 0"),
        (
            ["moons", "--init", "glorot"],
            "unknown init 'glorot' for --init; choose one of: uniform, xavier, he",
        ),
        (
            ["moons", "--output-activation", "swish"],
            "unknown output-activation 'swish' for --output-activation",
        ),
        (
            ["moons", "--schedule", "warmup"],
            "unknown schedule 'warmup' for --schedule; choose one of: none, step",
        ),
        (
            ["moons", "--momentum", "-0.5", "--optimizer", "sgd"],
            "--momentum must be a finite number >= 0, got -0.5",
        ),
        (["moons", "--momentum", "lots", "--optimizer", "sgd"], "--momentum must be a number, got 'lots'"),
        (["moons", "--momentum", "0.9"], "--momentum is for --optimizer sgd or rmsprop; adam keeps its own"),
        (["moons", "--loss", "bce", "--output-activation", "tanh"], "--loss bce takes probabilities, so it"),
        (["moons", "--epochs", "0", "--html", "r.html"], "--html shows the epochs of a run, and --epochs 0"),
        (["moons", "--hidden", "16", "0"], "--hidden sizes must be >= 1, got 0"),
        (["moons", "--batch-size", "0"], "--batch-size must be >= 1"),
        (["moons", "--activation", "swish"], "unknown activation 'swish'"),
        (["moons", "--loss", "huber"], "unknown loss 'huber'"),
        (["moons", "--optimizer", "adamm"], "unknown optimizer 'adamm'"),
        (
            ["spirals", "--loss", "hinge"],
            "--loss hinge is for two classes, but spirals has 3: use --loss cross_entropy",
        ),
        (["sine", "--loss", "hinge"], "sine is a regression dataset: use --loss mse"),
        (["moons", "--loss", "mse"], "--loss mse is for regression"),
        (["moons", "--plot", "out.jpg"], "must end in .png or .svg"),
        (["moons", "--save", "model.txt"], "must end in .json"),
        (["moons", "--val", "1"], "--val must be a finite number in [0, 1)"),
        (["moons", "--n", "1"], "moons: n must be a whole number >= 2"),
    ],
)
def test_mistakes_exit_2_before_training(capsys, args, words):
    assert main(["train", *args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("autograd-lite train: error: ") and words in err and err.count("\n") == 1


def test_an_unwritable_target_is_caught_before_training(tmp_path, capsys):
    folder = tmp_path / "m.json"
    folder.mkdir()  # a folder where the model file should go: no user, root included, can write it
    assert main(["train", "xor", "--save", str(folder), "--quiet"]) == 2
    assert "that is a folder" in capsys.readouterr().err
    assert main(["train", "xor", "--save", str(tmp_path / "no" / "m.json"), "--quiet"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_regression_and_three_classes_run_quietly(tmp_path, capsys):
    assert main(["train", "sine", "--epochs", "5", "--quiet", "--plot", str(tmp_path / "s.png")]) == 0
    out = capsys.readouterr().out
    assert "final train mse" in out and (tmp_path / "s.png").exists()
    assert main(["train", "blobs", "--epochs", "5", "--quiet", "--batch-size", "full"]) == 0
    assert "3 classes" in capsys.readouterr().out


def test_help_shows_every_default(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for default in (
        "(default: 16 16)",
        "(default: relu)",
        "(default: adam)",
        "(default: 0)",
        "(default: 0.02)",
    ):
        assert default in text


def test_a_diverging_run_says_so_in_one_line_and_writes_nothing(tmp_path, capsys):
    plot = tmp_path / "fit.png"
    assert main(["train", "sine", "--optimizer", "sgd", "--lr", "10", "--quiet", "--plot", str(plot)]) == 2
    err = capsys.readouterr().err
    assert "training diverged" in err and "smaller --lr" in err and err.count("\n") == 1
    assert "RuntimeWarning" not in err and not plot.exists()


def test_help_shows_each_datasets_own_n_and_noise(capsys):
    import inspect

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    n_help = re.search(r"--n N number of points \(default: ([^)]*)\)", text).group(1)
    for entry in n_help.split(", "):
        name, n = entry.split()
        assert len(getattr(nn.datasets, name)()[0]) == int(n)  # what the dataset makes when not told
    noise_help = re.search(r"--noise X .*?\(default: ([^)]*)\)", text).group(1)
    for entry in noise_help.split(", "):
        name, noise = entry.split()
        params = inspect.signature(getattr(nn.datasets, name)).parameters
        assert params["spread" if name == "blobs" else "noise"].default == float(noise)
    assert "--early-stopping PATIENCE stop after this many epochs without progress (default: off" in text


def test_one_epoch_is_singular(capsys):
    assert main(["train", "xor", "--epochs", "1", "--quiet"]) == 0
    assert "trained 1 epoch in " in capsys.readouterr().out


def test_the_newcomers_exploding_run_is_one_line_and_writes_nothing(tmp_path):
    # sgd at lr 50 sends the hinge loss from ~1 to ~1e27 in one epoch; relus then die and it stays finite
    result = train(
        "moons",
        "--optimizer",
        "sgd",
        "--lr",
        "50",
        "--plot",
        "b.png",
        "--history-plot",
        "h.png",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Warning" not in result.stderr
    assert "training diverged at epoch 1" in result.stderr and "try a smaller --lr than 50" in result.stderr
    assert not (tmp_path / "b.png").exists() and not (tmp_path / "h.png").exists()


# --- the lr rule is fit's: one rule, one message -------------------------------------------------


@pytest.mark.parametrize("text, value", [("0", 0), ("-0.1", -0.1), ("nan", math.nan), ("inf", math.inf)])
def test_lr_is_refused_in_the_words_of_nn_train_check_lr(capsys, text, value):
    with pytest.raises(ValueError) as python:
        nn.train.check_lr(value)
    assert main(["train", "moons", "--lr", text, "--quiet"]) == 2
    assert capsys.readouterr().err == f"autograd-lite train: error: --{python.value}\n"


# --- the options of nn.fit and nn.MLP ---------------------------------------------------------------


def _final_loss(out: str) -> str:
    return re.search(r"final \w+ ([-\d.e+]+)", out).group(1)


def test_momentum_and_schedule_train_as_their_python_twins(capsys):
    args = ["train", "moons", "--optimizer", "sgd", "--lr", "0.1", "--momentum", "0.9"]
    assert main([*args, "--schedule", "cosine", "--epochs", "8", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "sgd lr 0.1 momentum 0.9, cosine schedule" in out
    X, y = nn.datasets.moons(n=100, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    history = nn.fit(
        model, X, y, loss="hinge", optimizer=opt, epochs=8, batch_size=32, seed=0, progress=False,
        schedule=lambda o: nn.optim.CosineAnnealingLR(o, T_max=8),
    )  # fmt: skip
    assert _final_loss(out) == f"{history.loss[-1]:.4g}"
    assert main([*args, "--epochs", "8", "--quiet"]) == 0  # without the schedule: another run
    assert _final_loss(capsys.readouterr().out) != f"{history.loss[-1]:.4g}"


@pytest.mark.parametrize(
    "name, factors",
    [
        ("step", [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]),  # halve every quarter of 8 epochs
        ("exponential", [0.01 ** (k / 8) for k in range(8)]),
        ("linear", [1 - 0.9 * k / 8 for k in range(8)]),
        ("cosine", [(1 + math.cos(math.pi * k / 8)) / 2 for k in range(8)]),
    ],
)
def test_each_schedule_sets_the_lr_it_says_in_help(monkeypatch, name, factors):
    seen = []
    real_step, real_flat_step = nn.optim.SGD.step, nn.optim.Flat.step

    def note(lr):
        if not seen or seen[-1] != lr:
            seen.append(lr)

    def step(self):  # the engine's path
        note(self.lr)
        real_step(self)

    def flat_step(self):  # the tape's: its parameters stepped in one array
        note(self.optimizer.lr)
        real_flat_step(self)

    monkeypatch.setattr(nn.optim.SGD, "step", step)
    monkeypatch.setattr(nn.optim.Flat, "step", flat_step)
    args = ["train", "xor", "--optimizer", "sgd", "--lr", "0.5", "--batch-size", "full"]
    assert main([*args, "--schedule", name, "--epochs", "8", "--quiet"]) == 0
    expected = [0.5 * f for f in factors]
    expected = [lr for i, lr in enumerate(expected) if i == 0 or lr != expected[i - 1]]
    assert seen == pytest.approx(expected, rel=1e-12)


def test_init_and_output_activation_build_the_model_python_builds(tmp_path, capsys):
    path = tmp_path / "m.json"
    args = ["--init", "xavier", "--output-activation", "tanh", "--activation", "tanh", "--hidden", "5"]
    assert main(["train", "moons", *args, "--epochs", "0", "--save", str(path), "--quiet"]) == 0
    assert "no training (--epochs 0): the model as it was made" in capsys.readouterr().out
    saved = nn.MLP.load(path)
    twin = nn.MLP(2, [5, 1], activation="tanh", output_activation="tanh", init="xavier", seed=0)
    assert saved.state_dict() == twin.state_dict() and saved.config() == twin.config()
    assert main(["train", "moons", "--loss", "bce", "--epochs", "0", "--save", str(path), "--quiet"]) == 0
    assert nn.MLP.load(path).output_activation == "sigmoid"  # bce's default output


# --- --load: evaluate or continue a saved model -------------------------------------------------------


def test_load_evaluates_and_continues_a_saved_model(tmp_path, capsys):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["train", "moons", "--epochs", "5", "--save", str(first), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["train", "moons", "--load", str(first), "--epochs", "0", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert (
        f"from {first}; loss hinge" in out and "no training (--epochs 0): the model as it was loaded" in out
    )
    X, y = nn.datasets.moons(n=100, seed=0)
    accuracy = nn.accuracy(nn.MLP.load(first), X, y)
    assert f"final train accuracy: {accuracy:.1%}" in out
    assert (
        main(["train", "moons", "--load", str(first), "--epochs", "3", "--save", str(second), "--quiet"]) == 0
    )
    assert "trained 3 epochs" in capsys.readouterr().out
    again = nn.MLP.load(first)  # continuing is fit() on the loaded weights
    nn.fit(again, X, y, loss="hinge", epochs=3, batch_size=32, seed=0, progress=False)
    assert nn.MLP.load(second).state_dict() == pytest.approx(again.state_dict(), abs=1e-12)


def test_a_loaded_model_with_several_outputs_keeps_its_loss(tmp_path, capsys):
    path = tmp_path / "s.json"
    assert main(["train", "spirals", "--epochs", "2", "--save", str(path), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["train", "spirals", "--load", str(path), "--epochs", "0", "--quiet"]) == 0
    assert "loss cross_entropy" in capsys.readouterr().out


@pytest.mark.parametrize(
    "make, args, words",
    [
        (None, [], "--load {path}: no such model file"),
        (lambda p: p.write_text("{"), [], "--load {path}: not a model file (invalid JSON"),
        (lambda p: p.mkdir(), [], "--load {path}: is a folder, not a model file"),
        (lambda p: p.write_text('{"format": "autograd_lite.nn", "version": 2}'), [], "key 'version' is 2"),
        (
            lambda p: nn.MLP(1, [4, 1]).save(p),
            [],
            "the model takes 1 input, but moons has 2 features per point",
        ),
        (
            lambda p: nn.MLP(2, [4, 1]).save(p),
            ["--loss", "cross_entropy"],
            "has 1 output, but --loss cross_entropy",
        ),
        (
            lambda p: nn.MLP(2, [4, 2]).save(p),
            ["--loss", "hinge"],
            "the model has 2 outputs, but --loss hinge",
        ),
        (lambda p: nn.MLP(2, [4, 1]).save(p), ["--loss", "bce"], "but the model in {path} ends in linear"),
        (
            lambda p: nn.MLP(2, [4, 1]).save(p),
            ["--hidden", "8"],
            "--hidden would change the model that --load",
        ),
        (lambda p: nn.MLP(2, [4, 1]).save(p), ["--init", "he"], "--init would change the model"),
    ],
)
def test_a_bad_load_is_one_line_and_exit_2(tmp_path, capsys, make, args, words):
    path = tmp_path / "m.json"
    if make is not None:
        make(path)
    assert main(["train", "moons", "--load", str(path), *args, "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and words.format(path=path) in captured.err
    assert captured.out == ""


def test_a_loaded_model_must_have_one_output_per_class(tmp_path):
    path = tmp_path / "m.json"
    nn.MLP(2, [4, 2]).save(path)  # made for two classes with cross_entropy
    result = train("spirals", "--load", str(path), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert (
        "the model has 2 outputs, but --loss cross_entropy on spirals needs 3 (one per class" in result.stderr
    )


# --- size guards: refused at once, with the estimate and the limit ----------------------------------


@pytest.mark.parametrize(
    "args, words",
    [
        (["moons", "--hidden", "100000", "100000"], "a 2-100000-100000-1 MLP on 100 points; the model 6 TB"),
        (["moons", "--n", "100000000"], "on 100,000,000 points; an evaluation 38.4 GB, the data 9.6 GB"),
        (["moons", "--n", "2000000", "--batch-size", "full"], "a batch's graph 3.2 GB"),
        (["moons", "--epochs", "1000000000"], "1,000,000,000 epochs of 4 steps on 337 parameters would"),
        (["moons", "--epochs", "1000000", "--batch-size", "1"], "hours, more than the limit of 24 hours"),
    ],
)
def test_a_run_too_big_or_too_long_is_refused_at_once(capsys, args, words):
    start = time.perf_counter()
    assert main(["train", *args, "--quiet"]) == 2
    assert time.perf_counter() - start < 1.0  # generous: nothing is built
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and words in captured.err and captured.out == ""
    assert "limit of 1 GB" in captured.err or "limit of 24 hours" in captured.err


def test_help_gives_every_option_its_default():
    from autograd_lite.cli import build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    train_parser = commands.choices["train"]
    options = [a for a in train_parser._actions if a.option_strings and a.dest != "help"]
    assert {"--momentum", "--init", "--output-activation", "--schedule", "--load"} <= {
        o for a in options for o in a.option_strings
    }
    for action in options:
        assert "(default: " in action.help, action.option_strings


def test_load_takes_a_sequential_file_too(tmp_path, capsys):
    path, again = tmp_path / "seq.json", tmp_path / "out.json"
    nn.Sequential(nn.Linear(2, 8, seed=0), nn.Tanh(), nn.Linear(8, 1, seed=1)).save(path)
    assert main(["train", "moons", "--load", str(path), "--epochs", "0", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"Sequential 2-8-1 (tanh) from {path}; loss hinge" in out
    X, y = nn.datasets.moons(n=100, seed=0)
    assert f"final train accuracy: {nn.accuracy(nn.Sequential.load(path), X, y):.1%}" in out
    args = ["train", "moons", "--load", str(path), "--epochs", "3", "--save", str(again), "--quiet"]
    assert main(args) == 0
    model = nn.Sequential.load(path)  # continuing is fit() on the loaded weights, as for an MLP
    nn.fit(model, X, y, loss="hinge", epochs=3, batch_size=32, seed=0, progress=False)
    saved, want = nn.Sequential.load(again).state_dict(), model.state_dict()
    assert saved.keys() == want.keys()
    for key in want:
        assert saved[key] == pytest.approx(want[key], abs=1e-12)
    nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2)).save(path)  # checked as an MLP's file is
    assert main(["train", "moons", "--load", str(path), "--loss", "hinge", "--quiet"]) == 2
    assert "the model has 2 outputs, but --loss hinge" in capsys.readouterr().err


def test_train_says_where_it_trained_and_engine_gives_the_same_numbers(capsys):
    args = ["train", "moons", "--epochs", "5", "--quiet", "--seed", "3"]
    assert main(args) == 0
    on_tape = capsys.readouterr().out
    assert main([*args, "--engine"]) == 0
    on_engine = capsys.readouterr().out
    assert " s on the tape; final hinge " in on_tape and " s on the engine; final hinge " in on_engine
    final = [
        line.split("; final ")[1]
        for line in (on_tape, on_engine)
        for line in line.splitlines()
        if "; final " in line
    ]
    assert final[0] == final[1]  # the same loss, printed to 4 digits
