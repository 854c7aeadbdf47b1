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
    assert "moons: 100 points (80 to train, 20 to validate), 2 classes" in out and "loss hinge" in out
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
        (["blorp"], "unknown dataset 'blorp' (did you mean blobs?); choose one of: xor, moons"),
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


# --- TensorFlow Playground's datasets, --train-ratio and --features ---------------------------------


def _accuracy(out: str, which: str) -> float:
    return float(re.search(rf"final {which} accuracy: ([\d.]+)%", out).group(1)) / 100


def test_a_playground_set_split_by_the_train_ratio_as_the_playground_splits(tmp_path, capsys):
    path = tmp_path / "m.json"
    args = ["circle", "--noise", "0.2", "--train-ratio", "0.3", "--epochs", "20", "--save", str(path)]
    assert main(["train", *args, "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("circle: 500 points (150 to train, 350 to test), 2 classes;")
    model = nn.MLP.load(path)  # the test points are the ones nn.datasets.playground holds out
    X_train, y_train, X_test, y_test = nn.datasets.playground("circle", noise=0.2, train=0.3, seed=0)
    assert _accuracy(out, "train") == pytest.approx(nn.accuracy(model, X_train, y_train), abs=0.001)
    assert _accuracy(out, "test") == pytest.approx(nn.accuracy(model, X_test, y_test), abs=0.001)
    assert f"({round(_accuracy(out, 'test') * 350)} of 350)" in out


def test_train_ratio_on_other_sets_and_regression_reports_the_test_set(capsys):
    assert main(["train", "moons", "--train-ratio", "0.8", "--epochs", "3", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "moons: 100 points (80 to train, 20 to test)" in out and "final test accuracy" in out
    assert main(["train", "plane", "--train-ratio", "0.5", "--n", "100", "--epochs", "3", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "plane: 100 points (50 to train, 50 to test), regression" in out and "final test mse" in out


@pytest.mark.parametrize("name", ["quadrants", "gaussians", "spiral", "multi_gaussian", "multi-gaussian"])
def test_every_playground_set_trains_from_the_shell(capsys, name):
    assert main(["train", name, "--n", "60", "--epochs", "2", "--quiet"]) == 0
    assert capsys.readouterr().out.startswith(f"{name.replace('-', '_')}: 60 points")


def test_features_feed_the_crosses_and_the_model_takes_that_many_inputs(tmp_path, capsys):
    path = tmp_path / "m.json"
    args = ["quadrants", "--features", "x1*x2", "--hidden", "4", "--epochs", "60", "--save", str(path)]
    assert main(["train", *args, "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "MLP(1-4-1" in out and "on features x1*x2;" in out
    model = nn.MLP.load(path)
    assert model.nin == 1  # one cross in, and the sign of x1·x2 is all XOR needs
    X, y = nn.datasets.quadrants(seed=0)
    accuracy = nn.accuracy(model, nn.datasets.features(X, ["x1*x2"]), y)
    assert _accuracy(out, "train") == pytest.approx(accuracy, abs=0.001) and accuracy > 0.97


def test_features_with_the_replay_and_the_plots_draw_over_the_plane(tmp_path, capsys):
    html, plot = tmp_path / "r.html", tmp_path / "b.png"
    args = ["circle", "--n", "80", "--features", "x1, x2, x1^2", "--epochs", "4", "--html", str(html)]
    assert main(["train", *args, "--plot", str(plot), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "MLP(3-16-16-1" in out and f"wrote {html}" in out and f"wrote {plot}" in out
    assert html.stat().st_size > 0 and plot.stat().st_size > 0
    curve = tmp_path / "s.png"  # a 1-D regression's curve through its own crosses
    assert main(["train", "sine", "--features", "x1,sin(x1)", "--epochs", "2", "--plot", str(curve)]) == 0
    assert curve.stat().st_size > 0


@pytest.mark.parametrize(
    "args, words",
    [
        (["circle", "--features", "x3"],
         "--features: 'x3' is not a feature; choose from: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)"),
        (["circle", "--features", "x1,X2"], "--features: 'X2' is not a feature"),
        (["circle", "--features", "x1,x1"], "--features: 'x1' is named twice"),
        (["sine", "--features", "x1,x1*x2"],
         "--features: 'x1*x2' needs a second input column; choose from: x1, x1^2, sin(x1)"),
        (["circle", "--features", ","], "--features needs at least one name, from: x1, x2"),
        (["circle", "--noise", "30"], "noise slider as a fraction (0.25 for its 25%, at most 1), got 30"),
        (["circle", "--train-ratio", "0.95"], "--train-ratio must be a number from 0.1 to 0.9 (the "
         "Playground's ratio of training to test data, 10% to 90%), got 0.95"),
        (["circle", "--train-ratio", "half"], "--train-ratio must be a number from 0.1 to 0.9"),
        (["circle", "--train-ratio", "50"], "10% to 90%), got 50: for 50% write 0.5"),
        (["--features", "x1", "x2", "circle"], "--features x1 x2 circle: 'circle' is a dataset, not a "
         "feature: give DATASET first (autograd-lite train circle --features ...)"),
        (["circle", "--features", "x1", "x1x2"],
         "--features: 'x1x2' is not a feature (did you mean 'x1*x2'?)"),
        (["gauss"], "unknown dataset 'gauss' (the Playground's 'gauss' is gaussians here); choose one of:"),
        (["multi-gauss"], "(the Playground's 'multi-gauss' is multi_gaussian here)"),
        (["moon"], "unknown dataset 'moon' (did you mean moons?)"),
        (["sine", "--html", "r.html"], "--html replays a regression's output over the plane of two input "
         "columns, and sine gives 1"),
        (["plane", "--plot", "p.png"], "--plot draws a regression's curve over one input, and plane has 2"),
        ([], "give a DATASET (one of: xor, moons"),
    ],
)  # fmt: skip
def test_playground_and_feature_mistakes_exit_2_in_one_line(capsys, args, words):
    assert main(["train", *args, "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("autograd-lite train: error: ") and captured.err.count("\n") == 1
    assert words in captured.err and captured.out == ""


def test_features_and_columns_take_spaces_or_commas_between_names(tmp_path, capsys):
    assert (
        main(["train", "circle", "--n", "20", "--features", "x1,", "x2", "x1^2, x2^2", "--epochs", "1"]) == 0
    )
    out = capsys.readouterr().out
    assert "MLP(4-16-16-1" in out and "on features x1, x2, x1^2, x2^2;" in out
    path = tmp_path / "t.csv"
    path.write_text("a,b,c,y\n1,2,3,0\n4,5,6,1\n")
    assert main(["train", "--csv", str(path), "--target", "y", "--columns", "c", "a", "--epochs", "1"]) == 0
    assert "t.csv: 2 rows (c, a -> y), 2 classes" in capsys.readouterr().out


def test_a_loaded_model_must_take_the_features_given(tmp_path, capsys):
    path = tmp_path / "m.json"
    nn.MLP(2, [4, 1]).save(path)
    assert main(["train", "circle", "--load", str(path), "--features", "x1,x2,x1^2", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "the model takes 2 inputs, but --features gives 3 inputs (x1, x2, x1^2)" in err


# --- --csv FILE --target COLUMN: your own table ---------------------------------------------------------


def _table(tmp_path, X, y, name="points.csv", header="name,a,b,label") -> Path:
    path = tmp_path / name
    rows = "".join(f"p{i},{float(a)!r},{float(b)!r},{t}\n" for i, ((a, b), t) in enumerate(zip(X, y)))
    path.write_text(header + "\n" + rows)
    return path


def test_a_csv_table_trains_like_the_arrays_in_it(tmp_path, capsys):
    X, y = nn.datasets.moons(n=80, noise=0.1, seed=1)
    path, model_file, html = _table(tmp_path, X, y), tmp_path / "m.json", tmp_path / "r.html"
    args = ["--csv", str(path), "--target", "label", "--columns", "a,b", "--epochs", "5"]
    assert main(["train", *args, "--save", str(model_file), "--html", str(html), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("points.csv: 80 rows (a, b -> label), 2 classes;") and "loss hinge" in out
    twin = nn.MLP(2, [16, 16, 1], seed=0)  # what the table holds, trained in Python
    nn.fit(twin, X, y, loss="hinge", epochs=5, batch_size=32, seed=0, progress=False)
    assert nn.MLP.load(model_file).state_dict() == pytest.approx(twin.state_dict(), abs=1e-12)
    assert html.stat().st_size > 0


def test_a_csv_target_of_other_numbers_is_regression_and_minus_one_plus_one_are_classes(tmp_path, capsys):
    path = tmp_path / "curve.csv"
    path.write_text("x,y\n" + "".join(f"{i / 10},{(i / 10) ** 2}\n" for i in range(-10, 11)))
    assert main(["train", "--csv", str(path), "--target", "y", "--epochs", "3", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "curve.csv: 21 rows (x -> y), regression;" in out and "MLP(1-16-16-1" in out
    signs = tmp_path / "signs.csv"
    signs.write_text("x1,x2,y\n" + "".join(f"{k},{k},1\n-{k},-{k},-1\n" for k in range(1, 5)))  # -1/+1: 0/1
    args = ["--csv", str(signs), "--target", "y", "--features", "x1,x2,x1*x2", "--train-ratio", "0.5"]
    assert main(["train", *args, "--epochs", "3", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "signs.csv: 8 rows (x1, x2 -> y; 4 to train, 4 to test), 2 classes" in out and "MLP(3-" in out


@pytest.mark.parametrize(
    "text, args, words",
    [
        ("x,y,label\n1,2,0\n", [], "--csv {path} needs --target COLUMN, the column to predict; its header "
         "names: x, y, label"),
        ("x,y,label\n1,2,0\n", ["moons", "--target", "label"], "--csv {path} trains on your table, so give "
         "no DATASET ('moons')"),
        ("x,y,label\n1,2,0\n", ["--target", "label", "--n", "5"], "--n shapes a built-in dataset"),
        ("x,y,label\n1,2,0\n", ["--target", "label", "--noise", "0.1"], "--noise shapes a built-in dataset"),
        ("x,y,label\n1,2,0\n", ["--target", "lable"], "--csv {path}: target 'lable' is not a column (did you "
         "mean 'label'?); the header names: 'x', 'y', 'label'"),
        ("x,y,z,label\n1,2,3,0\n", ["--target", "label"], "3 columns besides the target 'label' ('x', 'y', "
         "'z'); the inputs are one or two columns (x1, x2: the plane the pictures draw), so pick them with "
         "--columns A B"),
        ("x,y,label\n1,2,0\n3,?,1\n", ["--target", "label"], "--csv {path}, line 3, column 'y': '?' is not "
         "a number"),
        ("x,y,label\n1,2,1\n3,4,1\n", ["--target", "label"],
         "only one class (1) in column 'label' of {path}: nothing to separate"),
        ("x,y,label\n1,2,0.5\n3,4,1\n", ["--target", "label", "--loss", "hinge"], "not whole (such as 0.5), "
         "so not class labels: for a number to predict, use a regression loss: --loss mse"),
        ("x,y,label\n1,2,1\n3,4,2\n", ["--target", "label"], "holds the labels 1, 2: classes are numbered "
         "0..K-1 (or -1/+1 for two), so renumber them; for a number to predict, use a regression loss: "
         "--loss mse"),
        ("x,n\n" + "".join(f"{i},{i}\n" for i in range(12)), ["--target", "n"],
         "holds the whole numbers 0 to 11: as classes that is 12 of them; say which you mean: "
         "--loss cross_entropy for classes, --loss mse"),
        ("x,y,label\n1,2,0\n3,4,1\n", ["--target", "label", "--columns", "x", "--html", "r.html"], "--html "
         "draws the plane of two input columns, and data.csv gives one: add a second with --columns A B"),
        ("x,y,label\n1,2,0\n3,4,1\n",
         ["--target", "label", "--columns", "x", "--loss", "mse", "--html", "r.html"],
         "--html replays a regression's output over the plane of two input columns, and data.csv gives 1: "
         "add a second with --columns A B"),
        ("x,y,t\n1,2,0.5\n3,4,1.5\n", ["--target", "t", "--loss", "hinge"], "not class labels"),
        ("x,y,t\n1,2,0.5\n3,4,1.5\n", ["--target", "t", "--columns", "x", "--loss", "bce"],
         "not class labels"),
        ("", ["--target", "t"], "--csv {path}: the file is empty"),
    ],
)  # fmt: skip
def test_csv_mistakes_exit_2_in_one_line_naming_the_file(tmp_path, capsys, text, args, words):
    path = tmp_path / "data.csv"
    path.write_text(text)
    assert main(["train", "--csv", str(path), *args, "--quiet"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("autograd-lite train: error: ") and captured.err.count("\n") == 1
    assert words.format(path=path) in captured.err and captured.out == ""


@pytest.mark.parametrize(
    "args, words",
    [
        (["--target", "label"], "--target names a column of your table: give --csv FILE too"),
        (["moons", "--columns", "a,b"], "--columns name columns of your table: give --csv FILE too"),
        (["--csv", "missing.csv", "--target", "y"], "--csv missing.csv: no such file (looked in"),
    ],
)
def test_csv_options_out_of_place_exit_2(tmp_path, capsys, args, words, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["train", *args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_the_installed_command_reads_a_table_and_reports_its_mistakes_without_a_traceback(tmp_path):
    (tmp_path / "t.csv").write_text("x1,x2,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    result = train("--csv", "t.csv", "--target", "label", "--epochs", "2", "--quiet", cwd=tmp_path)
    assert result.returncode == 0 and "t.csv: 4 rows (x1, x2 -> label), 2 classes" in result.stdout
    for args, words in [
        (["--csv", "t.csv", "--target", "Label"], "did you mean 'label'?"),
        (["--csv", "t.csv", "--target", "label", "--features", "x1,x9"], "'x9' is not a feature"),
        (["circle", "--train-ratio", "2"], "--train-ratio must be a number from 0.1 to 0.9"),
    ]:
        result = train(*args, cwd=tmp_path)
        assert result.returncode == 2 and "Traceback" not in result.stderr and words in result.stderr
        assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_the_mistakes_shown_in_docs_cli_md_give_those_lines(tmp_path, capsys, monkeypatch):
    import shlex

    lines = (Path(__file__).parent.parent / "docs" / "cli.md").read_text().splitlines()
    shown = [
        (shlex.split(line[2:])[2:], answer)
        for line, answer in zip(lines, lines[1:])
        if line.startswith("$ autograd-lite train ") and answer.startswith("autograd-lite train: error: ")
    ]
    assert len(shown) >= 8
    monkeypatch.chdir(tmp_path)
    (tmp_path / "points.csv").write_text("name,x,y,label\np0,0.9444,0.0996,0\np1,0.7115,-0.5168,1\n")
    for args, answer in shown:
        assert main(["train", *args]) == 2, args
        err = re.sub(r"\(looked in [^)]*\)", "(looked in ...)", capsys.readouterr().err)
        assert err == re.sub(r"\(looked in [^)]*\)", "(looked in ...)", answer) + "\n"


def test_a_split_that_leaves_one_class_to_train_on_is_refused(capsys):
    assert main(["train", "circle", "--n", "10", "--train-ratio", "0.1", "--epochs", "3"]) == 2
    err = capsys.readouterr().err
    assert "the 1 point left to train on is all of class" in err and "nothing to separate" in err
    assert "Traceback" not in err
