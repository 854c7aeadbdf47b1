"""`autograd-lite train DATASET ...`: train an MLP on a toy dataset from the shell.

Every option is read as text here and checked by `nn.checks` (the library's
own rules), so a mistake (an unknown dataset, a negative number, a folder that
does not exist) is one line on stderr before any training starts.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from autograd_lite.errors import counted

from . import checks

DATASETS = {
    # name: (kind, default loss, inputs per point)
    "xor": ("classes", "hinge", 2),
    "moons": ("classes", "hinge", 2),
    "circles": ("classes", "hinge", 2),
    "spirals": ("classes", "cross_entropy", 2),
    "blobs": ("classes", "cross_entropy", 2),
    "line": ("regression", "mse", 1),
    "sine": ("regression", "mse", 1),
    # TensorFlow Playground's, on its scale; --noise is its slider as a fraction
    "circle": ("classes", "hinge", 2),
    "quadrants": ("classes", "hinge", 2),
    "gaussians": ("classes", "hinge", 2),
    "spiral": ("classes", "hinge", 2),
    "plane": ("regression", "mse", 2),
    "multi_gaussian": ("regression", "mse", 2),
}

#: The Playground's own names that differ from ours ("xor" is ours too: the four-point table).
PLAYGROUND_NAMES = {"xor": "quadrants", "gauss": "gaussians", "multi-gauss": "multi_gaussian"}


#: --csv: a target of whole numbers is read as classes, up to this many unless --loss says so (a
#: column of counts 0..30 is more likely a number to predict than 31 classes).
GUESSED_CLASSES = 10

#: Learning-rate schedules by the names --schedule accepts: what each does over E epochs, and the
#: nn.optim schedule that does it.
SCHEDULES = {
    "none": "a constant lr",
    "step": "halve every quarter of the epochs (StepLR)",
    "exponential": "fall to 1% by the end (ExponentialLR)",
    "linear": "fall to 10% by the end, micrograd's (LinearLR)",
    "cosine": "fall to 0 along a cosine (CosineAnnealingLR)",
}

#: The longest run `train` starts, by the estimate in _check_time: longer is almost surely a typo
#: (--epochs 1000000000); nn.fit() in Python has no such limit.
TIME_LIMIT_HOURS = 24

#: Measured on a 2-core machine (Python 3.11): a training step costs ~8-25 µs per parameter in
#: Python, plus ~16-40 ns per parameter per example in numpy (forward, backward and evaluation).
SECONDS_PER_PARAMETER_STEP = 2e-5
SECONDS_PER_PARAMETER_EXAMPLE = 4e-8


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `train` subcommand to the `autograd-lite` parser."""
    from .datasets import FEATURES
    from .functional import ACTIVATIONS
    from .module import INITS
    from .optim import OPTIMIZERS
    from .train import DEFAULT_LR, LOSSES

    parser = commands.add_parser(
        "train",
        help="train an MLP on a toy dataset and plot its decision boundary",
        description="Train an MLP on a toy dataset (mini-batches run as lanes), print its accuracy,\n"
        "and write plots and the model.\n\n"
        "examples:\n"
        "  autograd-lite train moons --plot moons.png --save m.json\n"
        "  autograd-lite train moons --load m.json --epochs 0                   evaluate a saved model\n"
        "  autograd-lite train moons --load m.json --schedule cosine            continue training it\n"
        "  autograd-lite train circle --features x1^2 x2^2 --hidden 1 --activation linear\n"
        "                                                                       the circle, made linear\n"
        "  autograd-lite train --csv points.csv --target label --html run.html  your own table",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "dataset",
        metavar="DATASET",
        nargs="?",
        help=f"one of: {', '.join(DATASETS)} (circle to multi_gaussian are TensorFlow Playground's); "
        "or none, with --csv",
    )
    parser.add_argument("--n", metavar="N", help=f"number of points (default: {_dataset_defaults('n')})")
    parser.add_argument(
        "--noise",
        metavar="X",
        help="noise of the points; the spread for blobs; for the Playground's sets its noise slider as a "
        f"fraction, 0 to 1 (0.25 for 25%%) (default: {_dataset_defaults('noise')})",
    )
    parser.add_argument(
        "--train-ratio",
        metavar="R",
        help="train on this fraction of the points, 0.1 to 0.9 (the Playground's ratio of training to test "
        "data: 0.5 is its 50%%), and report the accuracy (or mse) on the rest (default: train on all)",
    )
    parser.add_argument(
        "--features",
        metavar="NAME",
        nargs="+",
        help="the model's inputs, computed from x1, x2, by name (spaces or commas between; quote "
        f"'sin(x1)' and 'x1*x2' for the shell): {', '.join(FEATURES)} (default: x1 x2 as they are)",
    )
    parser.add_argument(
        "--csv",
        metavar="FILE",
        help="train on your own table instead of a DATASET: a CSV file with a header row; whole-number "
        "targets are classes (0..K-1 or -1/+1), others regression (default: none)",
    )
    parser.add_argument(
        "--target",
        metavar="COLUMN",
        help="with --csv: the column to predict (default: none; required with --csv)",
    )
    parser.add_argument(
        "--columns",
        metavar="NAME",
        nargs="+",
        help="with --csv: the one or two input columns, in order (default: every column but --target)",
    )
    parser.add_argument("--hidden", metavar="SIZE", nargs="+", help="hidden layer sizes (default: 16 16)")
    parser.add_argument(
        "--activation", help=f"hidden layers' activation, one of: {', '.join(ACTIVATIONS)} (default: relu)"
    )
    parser.add_argument(
        "--output-activation",
        metavar="NAME",
        help=f"the last layer's activation, one of: {', '.join(ACTIVATIONS)} "
        "(default: sigmoid for --loss bce, else linear)",
    )
    parser.add_argument(
        "--init", help=f"initial weights, one of: {', '.join(INITS)} (default: uniform, micrograd's)"
    )
    parser.add_argument(
        "--load",
        metavar="FILE",
        help="start from a model saved with --save (its shape and weights) instead of a new one; "
        "--epochs 0 only evaluates it (default: a new model)",
    )
    parser.add_argument(
        "--loss",
        help=f"one of: {', '.join(LOSSES)} (default: hinge, cross_entropy or mse, by dataset; "
        "with --load, what the model's outputs suit)",
    )
    parser.add_argument(
        "--optimizer", default="adam", help=f"one of: {', '.join(OPTIMIZERS)} (default: adam)"
    )
    parser.add_argument(
        "--lr", default=f"{DEFAULT_LR:g}", help=f"learning rate, > 0 (default: {DEFAULT_LR:g})"
    )
    parser.add_argument("--momentum", metavar="M", help="momentum of sgd and rmsprop, >= 0 (default: 0)")
    parser.add_argument(
        "--schedule",
        metavar="NAME",
        default="none",
        help="learning rate over the epochs: "
        + "; ".join(f"{name}: {what}" for name, what in SCHEDULES.items()).replace("%", "%%")
        + " (default: none)",
    )
    parser.add_argument(
        "--epochs", default="100", help="passes over the data; 0 trains nothing (default: 100)"
    )
    parser.add_argument("--batch-size", default="32", help="examples per step, or 'full' (default: 32)")
    parser.add_argument("--l2", default="0", help="L2 penalty coefficient (default: 0)")
    parser.add_argument("--val", default="0", help="fraction held out for validation (default: 0)")
    parser.add_argument(
        "--early-stopping",
        metavar="PATIENCE",
        help="stop after this many epochs without progress (default: off, train every epoch)",
    )
    parser.add_argument(
        "--seed", default="0", help="seed for the data, the weights and the shuffling (default: 0)"
    )
    parser.add_argument(
        "--plot",
        metavar="FILE",
        help="write the decision boundary (or fitted curve): .png or .svg (default: none)",
    )
    parser.add_argument(
        "--history-plot",
        metavar="FILE",
        help="write the loss and accuracy curves: .png or .svg (default: none)",
    )
    parser.add_argument("--save", metavar="FILE", help="write the trained model as JSON (default: none)")
    parser.add_argument(
        "--html",
        metavar="FILE",
        help="write a web page replaying the run: decision regions epoch by epoch, loss and accuracy "
        "(default: none)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar (default: show it)")
    parser.add_argument(
        "--engine",
        action="store_true",
        help="train on the engine, a fresh graph of Values every step (default: the tape, the graph "
        "traced once and replayed as numpy, with the same numbers)",
    )
    parser.set_defaults(run=run)


def _dataset_defaults(option: str) -> str:
    """Each dataset's own default for --n or --noise, read from its signature: 'xor 4, moons 100, ...'."""
    import inspect

    from . import datasets

    shown = []
    for name in DATASETS:
        params = inspect.signature(getattr(datasets, name)).parameters
        key = "spread" if option == "noise" and name == "blobs" else option
        shown.append(f"{name} {params[key].default:g}")
    return ", ".join(shown)


@contextmanager
def _library_errors(prefix: str = "", errors: tuple[type[Exception], ...] = (ValueError, TypeError)):
    """Report a library error (a bad value, an unreadable file) as one CLIError line: `prefix` + its words."""
    from autograd_lite.cli import CLIError

    try:
        yield
    except errors as e:
        raise CLIError(f"{prefix}{e}") from None


def _int(name: str, text, minimum: int) -> int:
    """A whole number typed for `name`, checked by nn.checks in the CLI's words ('--epochs must be >= 0')."""
    try:
        n = int(text)
    except (TypeError, ValueError):
        n = None
    with _library_errors():
        if n is None:
            raise ValueError(f"{name} must be a whole number, got {text!r}")
        return checks.count(name, n, minimum, accepted=f">= {minimum}")


def _float(name: str, text, low: float = 0.0, below: float | None = None) -> float:
    """A number typed for `name`, checked by nn.checks (as the library checks its own arguments)."""
    with _library_errors():
        return checks.number(name, _number_text(text), low, below)


def _writable(option: str, path: str | None, extensions: tuple[str, ...]) -> None:
    """Check an output path before training, so a typo does not cost a whole run."""
    from autograd_lite.cli import CLIError

    if path is None:
        return
    ext = os.path.splitext(path)[1].lower()
    if ext not in extensions:
        raise CLIError(f"{option} {path}: the file name must end in {' or '.join(extensions)}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CLIError(f"{option} {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise CLIError(f"{option} {path}: that is a folder; give a file name inside it")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise CLIError(f"{option} {path}: not writable")


def _number_text(text):
    """What the user typed as a number (int if it is one, so messages echo '0', not '0.0'), or the text."""
    for kind in (int, float):
        try:
            return kind(text)
        except (TypeError, ValueError):
            pass
    return text


def _lr(text) -> float:
    """--lr by fit's own rule and words (nn.train.check_lr)."""
    from .train import check_lr

    with _library_errors("--"):
        return check_lr(_number_text(text))


def _choice(option: str, value: str | None, choices, default: str) -> str:
    from autograd_lite.cli import CLIError

    value = default if value is None else value
    if value not in choices:
        raise CLIError(
            f"unknown {option.lstrip('-')} {value!r} for {option}; choose one of: {', '.join(choices)}"
        )
    return value


def _schedule(name: str, epochs: int):
    """optimizer -> the nn.optim schedule called `name` over `epochs` epochs (None for 'none')."""
    from . import optim

    e = max(epochs, 1)
    makers = {
        "none": None,
        "step": lambda opt: optim.StepLR(opt, step_size=max(1, e // 4), gamma=0.5),
        "exponential": lambda opt: optim.ExponentialLR(opt, gamma=0.01 ** (1 / e)),
        "linear": lambda opt: optim.LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=e),
        "cosine": lambda opt: optim.CosineAnnealingLR(opt, T_max=e),
    }
    return makers[name]


def _load(path: str):
    """The model in a --load file, or one line saying what is wrong with the file."""
    from autograd_lite.cli import CLIError

    from .module import MLP, Sequential, _read_model_file

    # missing, a folder, unreadable, corrupt, mismatched, too big
    with _library_errors("--load ", (OSError, ValueError)):
        # the file says its class (model_file.check): an MLP's file, or an nn.Sequential's
        is_sequential = _read_model_file(path).get("class") == "Sequential"
        model = Sequential.load(path) if is_sequential else MLP.load(path)
    if isinstance(model, Sequential) and model.nin is None:
        raise CLIError(f"--load {path}: the Sequential holds no Linear layer, so nothing to train")
    return model


def _nouts(model) -> list[int]:
    """The output sizes of a loaded model's layers: an MLP's `nouts`; a Sequential's Linears' out sizes,
    read from torch's (out, in) weight shapes in its state_dict."""
    if hasattr(model, "nouts"):
        return list(model.nouts)
    return [w.shape[0] for key, w in model.state_dict().items() if key.endswith("weight")]


def _check_memory(n: int, nin: int, nouts: list[int], batch: int) -> None:
    """Refuse a run whose data, model and graphs would not fit (nn.module's estimates), before any is made."""
    from autograd_lite.cli import CLIError

    from .module import MEMORY_LIMIT, check_size, estimate_bytes, graph_nodes, parameter_count, size_text

    parts = {
        "the model": estimate_bytes(parameter_count(nin, nouts), training=True),
        "the data": estimate_bytes(samples=n),
        "a batch's graph": estimate_bytes(lanes=batch, nodes=graph_nodes(nin, nouts)),
        "an evaluation": estimate_bytes(lanes=n, nodes=graph_nodes(nin, nouts, grad=False)),
    }
    total = sum(parts.values())
    if total > MEMORY_LIMIT:
        shape = "-".join(str(k) for k in [nin, *nouts])
        shown = ", ".join(f"{what} {size_text(b)}" for what, b in sorted(parts.items(), key=lambda p: -p[1]))
        try:
            check_size(f"this run (a {shape} MLP on {n:,} points; {shown})", total)
        except ValueError as e:
            raise CLIError(f"{e}: use a smaller --hidden, --n or --batch-size") from None


def _check_time(epochs: int, n: int, batch: int, parameters: int) -> None:
    """Refuse a run estimated to take longer than TIME_LIMIT_HOURS (a typo like --epochs 1000000000)."""
    from autograd_lite.cli import CLIError

    steps = -(-n // batch)
    seconds = epochs * parameters * (steps * SECONDS_PER_PARAMETER_STEP + n * SECONDS_PER_PARAMETER_EXAMPLE)
    if seconds > TIME_LIMIT_HOURS * 3600:
        raise CLIError(
            f"{epochs:,} epochs of {steps:,} steps on {parameters:,} parameters would train for about "
            f"{seconds / 3600:,.0f} hours, more than the limit of {TIME_LIMIT_HOURS} hours: "
            "use fewer --epochs or a larger --batch-size"
        )


def _given(args, *options: str) -> list[str]:
    return [f"--{o.replace('_', '-')}" for o in options if getattr(args, o) is not None]


def _names(typed: list[str]) -> list[str]:
    """['x1,', 'x2, x1^2'] -> ['x1', 'x2', 'x1^2']: names typed with spaces or commas between."""
    return [piece.strip() for text in typed for piece in text.split(",") if piece.strip()]


def _unknown_dataset(typed: str):
    """The CLIError for a DATASET that is not one: the Playground's name for it, or the closest name."""
    import difflib

    from autograd_lite.cli import CLIError

    key = typed.lower()
    if key in PLAYGROUND_NAMES:
        hint = f" (the Playground's {key!r} is {PLAYGROUND_NAMES[key]} here)"
    else:
        near = difflib.get_close_matches(key.replace("-", "_"), DATASETS, n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
    return CLIError(f"unknown dataset {typed!r}{hint}; choose one of: {', '.join(DATASETS)}")


@dataclass
class _Data:
    """Where the points come from: a dataset of nn.datasets or the user's table, before any is made."""

    name: str  # for messages and titles: the dataset's name or the file's
    kind: str  # classes | regression (for a table: by its target, or by --loss)
    default_loss: str
    inputs: int  # columns per point: x1 (and x2), the plane the pictures draw
    classes: int  # expected (0 for regression)
    n: int
    table: tuple | None = None  # (X, y) read from --csv
    about: str = ""  # for a table: "x1, x2 -> label", its columns


def _dataset(args, signature) -> _Data:
    """The built-in dataset DATASET names, with its --n."""
    name = args.dataset.lower().replace("-", "_")
    kind, default_loss, inputs = DATASETS[name]
    count = signature.get("classes") or signature.get("centers")
    classes = 0 if kind == "regression" else int(count.default) if count is not None else 2
    n = _int("--n", args.n, 1) if args.n is not None else int(signature["n"].default)
    return _Data(name, kind, default_loss, inputs, classes, n)


def _table(args) -> _Data:
    """--csv FILE --target COLUMN [--columns A B]: the user's table, read and its target checked."""
    import numpy as np

    from autograd_lite.cli import CLIError

    from . import datasets
    from .train import LOSSES

    if args.dataset is not None:
        raise CLIError(
            f"--csv {args.csv} trains on your table, so give no DATASET ({args.dataset!r}): drop one of them"
        )
    if args.target is None:
        with _library_errors("--csv "):
            names = datasets.csv_columns(args.csv)
        raise CLIError(
            f"--csv {args.csv} needs --target COLUMN, the column to predict; its header names: "
            + ", ".join(names)
        )
    made = _given(args, "n", "noise")
    if made:
        raise CLIError(
            f"{' and '.join(made)} {'shape' if len(made) > 1 else 'shapes'} a built-in dataset; "
            f"--csv {args.csv} trains on your table as it is"
        )
    columns = None if args.columns is None else _names(args.columns)
    with _library_errors("--csv "):
        X, y = datasets.load_csv(
            args.csv, args.target, columns, _options={"columns": "--columns A B", "max_rows": ""}
        )
    name = os.path.basename(args.csv)
    picked = columns or [c for c in datasets.csv_columns(args.csv) if c != args.target]
    about = f"{', '.join(picked)} -> {args.target}"
    what = f"column {args.target!r} of {args.csv}"
    regression = args.loss in LOSSES and LOSSES[args.loss][1] == "regression"
    if args.loss is None:  # whole numbers are classes, anything else a number to predict
        regression = not bool(np.all(y == np.round(y)))
    if regression:
        return _Data(name, "regression", "mse", X.shape[1], 0, len(X), (X, y), about)
    try:
        labels = datasets.check_labels(y, what)
    except ValueError as e:
        raise CLIError(str(e).replace("a regression loss (mse)", "a regression loss: --loss mse")) from None
    classes = int(labels.max()) + 1
    if args.loss is None and classes > GUESSED_CLASSES:
        raise CLIError(
            f"{what} holds the whole numbers 0 to {classes - 1}: as classes that is {classes} of them; "
            "say which you mean: --loss cross_entropy for classes, --loss mse for a number to predict"
        )
    default_loss = "hinge" if classes == 2 else "cross_entropy"
    return _Data(name, "classes", default_loss, X.shape[1], classes, len(X), (X, labels), about)


def _train_ratio(text) -> float | None:
    """--train-ratio as a fraction from 0.1 to 0.9 (the Playground's slider), or None if not given."""
    from autograd_lite.cli import CLIError

    if text is None:
        return None
    value = _number_text(text)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.1 <= value <= 0.9:
        percent = (
            f": for {value:g}% write {value / 100:g}"
            if isinstance(value, int | float) and 10 <= value <= 90
            else ""
        )
        raise CLIError(
            "--train-ratio must be a number from 0.1 to 0.9 (the Playground's ratio of training to test "
            f"data, 10% to 90%), got {value!r}{percent}"
        )
    return float(value)


class _OnPlane:
    """The model as the pictures see it with --features: X's one or two columns in, the feature
    columns computed from them (nn.datasets.features), the model's outputs out."""

    def __init__(self, model, names: list[str], inputs: int):
        self.model, self.names, self.nin = model, names, inputs
        self.nout = getattr(model, "nout", 1)
        self.output_activation = getattr(model, "output_activation", None)

    def __call__(self, X):
        from .datasets import features

        return self.model(features(X, self.names))

    def describe(self) -> str:
        return f"{self.model.describe()} on {', '.join(self.names)}"


def run(args: argparse.Namespace) -> int:
    import inspect

    import numpy as np

    from autograd_lite.cli import CLIError

    from . import datasets, optim
    from .compiled import CompileWarning
    from .functional import ACTIVATIONS
    from .module import INITS, MLP, parameter_count
    from .train import LOSSES, accuracy, fit, predict

    # where the points come from: a dataset, or --csv with --target (and --columns)
    eaten = [n for n in _names(args.features or []) if n.lower() in DATASETS]
    if eaten and args.dataset is None and args.csv is None:  # `train --features x1 x2 circle`
        raise CLIError(
            f"--features {' '.join(args.features)}: {eaten[0]!r} is a dataset, not a feature: give "
            f"DATASET first (autograd-lite train {eaten[0]} --features ...)"
        )
    if args.csv is None:
        alone = _given(args, "target", "columns")
        if alone:
            what = "names a column" if alone == ["--target"] else "name columns"
            raise CLIError(f"{' and '.join(alone)} {what} of your table: give --csv FILE too")
        if args.dataset is None:
            raise CLIError(f"give a DATASET (one of: {', '.join(DATASETS)}) or --csv FILE --target COLUMN")
        key = args.dataset.lower().replace("-", "_")
        if key not in DATASETS:
            raise _unknown_dataset(args.dataset)
        data = _dataset(args, inspect.signature(getattr(datasets, key)).parameters)
    else:
        if args.loss is not None and args.loss not in LOSSES:
            raise CLIError(f"unknown loss {args.loss!r}; choose one of: {', '.join(LOSSES)}")
        data = _table(args)
    name, kind, default_loss, expected_classes = data.name, data.kind, data.default_loss, data.classes
    names: list[str] = []
    if args.features is not None:
        names = _names(args.features)
        if not names:
            raise CLIError(f"--features needs at least one name, from: {', '.join(datasets.FEATURES)}")
        with _library_errors("--features: "):
            datasets.features(np.zeros((1, data.inputs)), names)  # the names, checked for these inputs
    nin = len(names) if names else data.inputs
    ratio = _train_ratio(args.train_ratio)

    # the options, each checked on its own
    loaded = None
    if args.load is not None:
        shaped = _given(args, "hidden", "activation", "output_activation", "init")
        if shaped:
            raise CLIError(
                f"{' and '.join(shaped)} would change the model that --load {args.load} brings "
                f"(its shape and weights come from the file): drop {' and '.join(shaped)}, "
                "or drop --load to train a new model"
            )
        loaded = _load(args.load)
    hidden = [_int("--hidden sizes", h, 1) for h in (args.hidden or ["16", "16"])]
    activation = _choice("--activation", args.activation, ACTIVATIONS, "relu")
    init = _choice("--init", args.init, INITS, "uniform")
    output_activation = None
    if args.output_activation is not None:
        output_activation = _choice("--output-activation", args.output_activation, ACTIVATIONS, "linear")
    if args.loss is not None and args.loss not in LOSSES:
        raise CLIError(f"unknown loss {args.loss!r}; choose one of: {', '.join(LOSSES)}")
    optimizer = args.optimizer.lower()
    if optimizer not in optim.OPTIMIZERS:
        raise CLIError(f"unknown optimizer {args.optimizer!r}; choose one of: {', '.join(optim.OPTIMIZERS)}")
    lr = _lr(args.lr)
    momentum = None
    if args.momentum is not None:
        momentum = _float("--momentum", args.momentum)
        if optimizer not in ("sgd", "rmsprop"):
            raise CLIError(
                f"--momentum is for --optimizer sgd or rmsprop; {optimizer} keeps its own "
                "(the running average of its gradients, beta1 = 0.9)"
            )
    schedule = _choice("--schedule", args.schedule.lower(), SCHEDULES, "none")
    epochs = _int("--epochs", args.epochs, 0)
    batch_size = None if args.batch_size == "full" else _int("--batch-size", args.batch_size, 1)
    l2 = _float("--l2", args.l2)
    val = _float("--val", args.val, 0.0, 1.0)
    patience = None if args.early_stopping is None else _int("--early-stopping", args.early_stopping, 1)
    seed = _int("--seed", args.seed, 0)
    n = data.n
    noise = None if args.noise is None else _float("--noise", args.noise)
    _writable("--plot", args.plot, (".png", ".svg"))
    _writable("--history-plot", args.history_plot, (".png", ".svg"))
    _writable("--save", args.save, (".json",))
    _writable("--html", args.html, (".html",))
    if args.html and kind == "regression" and data.inputs != 2:
        raise CLIError(
            f"--html replays a regression's output over the plane of two input columns, and {name} gives "
            f"{data.inputs}" + (": add a second with --columns A B" if data.table is not None else "")
        )
    if epochs == 0 and (args.html or args.history_plot):
        option = "--html" if args.html else "--history-plot"
        raise CLIError(f"{option} shows the epochs of a run, and --epochs 0 trains none")
    pictures = [o for o in ("--plot", "--html") if getattr(args, o[2:])]
    if kind == "classes" and data.inputs != 2 and pictures:
        raise CLIError(
            f"{' and '.join(pictures)} {'draw' if len(pictures) > 1 else 'draws'} the plane of two input "
            f"columns, and {name} gives one: "
            "add a second with --columns A B"
        )
    if kind == "regression" and data.inputs != 1 and args.plot:
        raise CLIError(
            f"--plot draws a regression's curve over one input, and {name} has {data.inputs}: "
            "drop --plot (its --history-plot draws the loss)"
        )

    # the model's shape: from --load, or from the options and the dataset
    if loaded is not None:
        nouts, output_activation = _nouts(loaded), loaded.output_activation
        if loaded.nin != nin:
            given = (
                f"--features gives {counted(nin, 'input')} ({', '.join(names)})"
                if names
                else f"{name} has {counted(nin, 'feature')} per point"
            )
            raise CLIError(f"--load {args.load}: the model takes {counted(loaded.nin, 'input')}, but {given}")
        if args.loss is None:  # what the model's outputs were made for
            outs = nouts[-1]
            loss = "cross_entropy" if outs > 1 else "bce" if output_activation == "sigmoid" else default_loss
            loss = default_loss if kind == "regression" else loss
        else:
            loss = args.loss
    else:
        loss = args.loss or default_loss
        if output_activation is None and loss in ("bce", "binary_cross_entropy"):
            output_activation = "sigmoid"
    regression = LOSSES[loss][1] == "regression"
    what_data = "a regression dataset" if data.table is None else "a regression target"
    if kind == "regression" and not regression:
        raise CLIError(f"--loss {loss} needs class labels, but {name} is {what_data}: use --loss mse")
    if kind == "classes" and regression:
        raise CLIError(f"--loss {loss} is for regression; {name} has classes: use --loss {default_loss}")
    if expected_classes > 2 and loss != "cross_entropy":
        raise CLIError(
            f"--loss {loss} is for two classes, but {name} has {expected_classes}: use --loss cross_entropy"
        )
    outputs = expected_classes if loss == "cross_entropy" else 1
    if loss in ("bce", "binary_cross_entropy") and output_activation != "sigmoid":
        where = f"the model in {args.load} ends in" if loaded else "--output-activation"
        raise CLIError(
            f"--loss {loss} takes probabilities, so it needs a sigmoid output, but {where} "
            f"{output_activation or 'linear'}: use --loss bce_with_logits"
        )
    if loaded is None:
        nouts = [*hidden, outputs]
    elif nouts[-1] != outputs:
        needs = f"{outputs} (one per class)" if outputs > 1 else "1"
        raise CLIError(
            f"--load {args.load}: the model has {counted(nouts[-1], 'output')}, but --loss {loss} "
            f"on {name} needs {needs}"
        )

    # the size of the run, before anything is built
    batch = n if batch_size is None else min(batch_size, n)
    _check_memory(n, nin, nouts, batch)
    _check_time(epochs, n, batch, parameter_count(nin, nouts))

    test = None
    playground = {make.__name__: key for key, make in datasets.PLAYGROUND.items()}
    if data.table is not None:
        X, y = data.table
    elif ratio is not None and name in playground:  # made and split as the Playground does
        with _library_errors(f"{name}: ", (ValueError,)):
            X, y, *test = datasets.playground(
                playground[name], n, 0.0 if noise is None else noise, ratio, seed
            )
    else:
        options: dict[str, float | int] = {"seed": seed, "n": n}
        if noise is not None:
            options[("spread" if name == "blobs" else "noise")] = noise
        with _library_errors(f"{name}: ", (ValueError,)):
            X, y = getattr(datasets, name)(**options)
    if ratio is not None and not test:
        with _library_errors(f"--train-ratio {args.train_ratio}: ", (ValueError,)):
            X, X_test, y, y_test = _split(name, X, y, ratio, seed)
        test = [X_test, y_test]
    classes = max(expected_classes, int(y.max()) + 1) if kind == "classes" else 0  # a split may miss one
    if loaded is not None:
        model = loaded
    else:
        model = MLP(
            nin, nouts, activation=activation, output_activation=output_activation, init=init, seed=seed
        )
    seen = _OnPlane(model, names, data.inputs) if names else model  # the model over X's columns
    opt = optim.make(
        optimizer, model.parameters(), lr, **({} if momentum is None else {"momentum": momentum})
    )
    validation = None
    X_train, y_train = X, y
    if val > 0:
        with _library_errors(f"--val {args.val}: ", (ValueError,)):
            X_train, X_val, y_train, y_val = datasets.train_test_split(X, y, test_size=val, seed=seed)
        validation = (X_val, y_val)
    if patience is not None and validation is None:
        print("note: --early-stopping without --val watches the training loss", file=sys.stderr)

    if classes and len(np.unique(y_train)) < 2:  # a small or lopsided split: nothing to separate
        raise CLIError(
            f"{name}: the {len(y_train)} point{'s' if len(y_train) != 1 else ''} left to train on "
            f"{'are' if len(y_train) != 1 else 'is'} all of class {int(y_train[0])}: nothing to separate; "
            "use more points (--n) or a larger --train-ratio"
        )
    what = f"{classes} classes" if classes else "regression"
    notes = [data.about] if data.about else []
    if test is not None or validation is not None:
        parts = [f"{len(X_train)} to train"]
        parts += [f"{len(validation[0])} to validate"] if validation is not None else []
        parts += [f"{len(test[0])} to test"] if test is not None else []
        notes.append(", ".join(parts))
    points = f"{len(X) + (len(test[0]) if test else 0)} {'rows' if data.table is not None else 'points'}"
    points += f" ({'; '.join(notes)})" if notes else ""
    source = f" from {args.load}" if loaded is not None else ""
    how = f"{optimizer} lr {lr:g}" + (f" momentum {momentum:g}" if momentum else "")
    how += f", {schedule} schedule" if schedule != "none" else ""
    shown = repr(model) if hasattr(model, "nouts") else model.describe()  # a Sequential's repr is a table
    fed = f" on features {', '.join(names)}" if names else ""
    print(f"{name}: {points}, {what}; {shown}{source}{fed}; loss {loss}; {how}")
    try:
        with _library_errors(), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a divergence is reported below, in one line
            warnings.simplefilter("ignore", CompileWarning)  # where it trained is said below
            history = fit(
                model,
                X_train,
                y_train,
                loss=loss,
                optimizer=opt,
                epochs=epochs,
                batch_size=batch_size,
                validation=validation,
                early_stopping=patience,
                progress=not args.quiet and epochs > 0,
                seed=seed,
                l2=l2,
                schedule=_schedule(schedule, epochs),
                record=True if args.html else None,
                compile=not args.engine,
                features=names or None,
            )
    except MemoryError:
        raise CLIError(
            "ran out of memory while training: use a smaller --hidden, --n or --batch-size"
        ) from None

    if history.epochs == 0:
        print(
            "no training (--epochs 0): the model as it was" + (" loaded" if loaded is not None else " made")
        )
    else:
        done = counted(history.epochs, "epoch")
        print(
            f"trained {done} in {history.seconds:.2f} s {_where(history)}; "
            f"final {loss} {history.loss[-1]:.4g}"
        )
    if history.stopped_early:
        print(f"stopped early; kept the weights of epoch {history.best_epoch}")
    if history.diverged:  # the weights are huge, inf or nan: no accuracy, plot or model is worth writing
        raise CLIError(
            f"training diverged at epoch {history.epochs} (the loss reached {history.loss[-1]:.3g}): "
            f"try a smaller --lr than {lr:g}; nothing was written"
        )
    if classes:
        acc = accuracy(seen, X_train, y_train)
        print(f"final train accuracy: {acc:.1%} ({round(acc * len(X_train))} of {len(X_train)})")
        if validation is not None:
            print(f"final validation accuracy: {accuracy(seen, *validation):.1%}")
        if test is not None:
            acc = accuracy(seen, test[0], test[1])
            print(f"final test accuracy: {acc:.1%} ({round(acc * len(test[0]))} of {len(test[0])})")
    else:
        mse = float(((predict(seen, X_train) - y_train) ** 2).mean())
        print(f"final train mse: {mse:.4g}")
        if test is not None:
            print(f"final test mse: {float(((predict(seen, test[0]) - test[1]) ** 2).mean()):.4g}")
    _outputs(args, seen, model, X, y, history, classes, name)
    return 0


def _split(name: str, X, y, ratio: float, seed: int):
    """X_train, X_test, y_train, y_test for --train-ratio on a set that is not the Playground's (those
    are split by nn.datasets.playground, as the Playground splits): shuffled, then split."""
    from . import datasets

    return datasets.train_test_split(X, y, test_size=1 - ratio, seed=seed)


def _where(history) -> str:
    """Where the steps ran: "on the tape", "on the engine", or the tape with some batches on the engine."""
    tape, engine = history.steps_on_tape, history.steps_on_engine
    if not tape:
        return "on the engine"
    return "on the tape" if not engine else f"on the tape ({counted(engine, 'step')} on the engine)"


def _outputs(args, seen, model, X, y, history, classes: int, name: str) -> None:
    """Write the plots (of `seen`, the model over X's columns) and the model, each named on stdout."""
    from autograd_lite.cli import CLIError

    def write(path: str, save) -> None:
        try:
            save(path)
        except OSError as e:
            raise CLIError(f"cannot write {path}: {e.strerror or e}") from None
        print(f"wrote {path}")

    if args.plot or args.history_plot:
        from . import plot

        if args.plot:
            draw = plot.decision_boundary if classes else plot.regression
            write(args.plot, lambda path: draw(seen, X, y, path))
        if args.history_plot:
            write(args.history_plot, lambda path: plot.history(history, path))
    if args.save:
        write(args.save, model.save)
    if args.html:
        title = f"Training replay: {name}"
        write(args.html, lambda path: history.to_html(path, title=title))
