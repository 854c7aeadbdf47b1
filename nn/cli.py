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

from autograd_lite.errors import counted

from . import checks

DATASETS = {
    # name: (kind, default loss)
    "xor": ("classes", "hinge"),
    "moons": ("classes", "hinge"),
    "circles": ("classes", "hinge"),
    "spirals": ("classes", "cross_entropy"),
    "blobs": ("classes", "cross_entropy"),
    "line": ("regression", "mse"),
    "sine": ("regression", "mse"),
}


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
        "  autograd-lite train moons --load m.json --epochs 0      evaluate a saved model\n"
        "  autograd-lite train moons --load m.json --schedule cosine   continue training it",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("dataset", metavar="DATASET", help=f"one of: {', '.join(DATASETS)}")
    parser.add_argument("--n", metavar="N", help=f"number of points (default: {_dataset_defaults('n')})")
    parser.add_argument(
        "--noise",
        metavar="X",
        help=f"noise of the points; the spread for blobs (default: {_dataset_defaults('noise')})",
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


def run(args: argparse.Namespace) -> int:
    import inspect

    from autograd_lite.cli import CLIError

    from . import datasets, optim
    from .compiled import CompileWarning
    from .functional import ACTIVATIONS
    from .module import INITS, MLP, parameter_count
    from .train import LOSSES, accuracy, fit, predict

    name = args.dataset.lower()
    if name not in DATASETS:
        raise CLIError(f"unknown dataset {args.dataset!r}; choose one of: {', '.join(DATASETS)}")
    kind, default_loss = DATASETS[name]
    signature = inspect.signature(getattr(datasets, name)).parameters
    nin = 1 if kind == "regression" else 2
    count = signature.get("classes") or signature.get("centers")
    expected_classes = 0 if kind == "regression" else int(count.default) if count is not None else 2

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
    n = _int("--n", args.n, 1) if args.n is not None else int(signature["n"].default)
    noise = None if args.noise is None else _float("--noise", args.noise)
    _writable("--plot", args.plot, (".png", ".svg"))
    _writable("--history-plot", args.history_plot, (".png", ".svg"))
    _writable("--save", args.save, (".json",))
    _writable("--html", args.html, (".html",))
    if args.html and kind == "regression":
        raise CLIError(
            f"--html replays decision regions, which needs classes; {name} is a regression dataset"
        )
    if epochs == 0 and (args.html or args.history_plot):
        option = "--html" if args.html else "--history-plot"
        raise CLIError(f"{option} shows the epochs of a run, and --epochs 0 trains none")

    # the model's shape: from --load, or from the options and the dataset
    if loaded is not None:
        nouts, output_activation = _nouts(loaded), loaded.output_activation
        if loaded.nin != nin:
            raise CLIError(
                f"--load {args.load}: the model takes {counted(loaded.nin, 'input')}, "
                f"but {name} has {counted(nin, 'feature')} per point"
            )
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
    if kind == "regression" and not regression:
        raise CLIError(
            f"--loss {loss} needs class labels, but {name} is a regression dataset: use --loss mse"
        )
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

    options: dict[str, float | int] = {"seed": seed, "n": n}
    if noise is not None:
        options[("spread" if name == "blobs" else "noise")] = noise
    with _library_errors(f"{name}: ", (ValueError,)):
        X, y = getattr(datasets, name)(**options)
    classes = int(y.max()) + 1 if kind == "classes" else 0
    if loaded is not None:
        model = loaded
    else:
        model = MLP(
            nin, nouts, activation=activation, output_activation=output_activation, init=init, seed=seed
        )
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

    what = f"{classes} classes" if classes else "regression"
    source = f" from {args.load}" if loaded is not None else ""
    how = f"{optimizer} lr {lr:g}" + (f" momentum {momentum:g}" if momentum else "")
    how += f", {schedule} schedule" if schedule != "none" else ""
    shown = repr(model) if hasattr(model, "nouts") else model.describe()  # a Sequential's repr is a table
    print(f"{name}: {len(X)} points, {what}; {shown}{source}; loss {loss}; {how}")
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
        acc = accuracy(model, X_train, y_train)
        print(f"final train accuracy: {acc:.1%} ({round(acc * len(X_train))} of {len(X_train)})")
        if validation is not None:
            print(f"final validation accuracy: {accuracy(model, *validation):.1%}")
    else:
        mse = float(((predict(model, X_train) - y_train) ** 2).mean())
        print(f"final train mse: {mse:.4g}")
    _outputs(args, model, X, y, history, classes)
    return 0


def _where(history) -> str:
    """Where the steps ran: "on the tape", "on the engine", or the tape with some batches on the engine."""
    tape, engine = history.steps_on_tape, history.steps_on_engine
    if not tape:
        return "on the engine"
    return "on the tape" if not engine else f"on the tape ({counted(engine, 'step')} on the engine)"


def _outputs(args, model, X, y, history, classes: int) -> None:
    """Write the plots and the model, each named on stdout."""
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
            write(args.plot, lambda path: draw(model, X, y, path))
        if args.history_plot:
            write(args.history_plot, lambda path: plot.history(history, path))
    if args.save:
        write(args.save, model.save)
    if args.html:
        title = f"Training replay: {args.dataset.lower()}"
        write(args.html, lambda path: history.to_html(path, title=title))
