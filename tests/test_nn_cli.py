"""`autograd-lite train` end to end: the installed command trains, prints, writes files; mistakes exit 2
with one line and no traceback."""

import json
import re
import subprocess
import sys
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
        (["moons", "--epochs", "-3"], "--epochs must be >= 1, got -3"),
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
        (["moons", "--lr", "-0.1"], "--lr must be a finite number > 0, got -0.1"),
        (["moons", "--lr", "0"], "--lr must be a finite number > 0, got 0"),
        (["moons", "--lr", "nan"], "--lr must be a finite number"),
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
