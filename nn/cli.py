"""`autograd-lite train DATASET ...`: train an MLP on a toy dataset from the shell.

Every option is read as text and checked here, so a mistake (an unknown
dataset, a negative number, a folder that does not exist) is one line on
stderr before any training starts.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

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


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `train` subcommand to the `autograd-lite` parser."""
    from .functional import ACTIVATIONS
    from .optim import OPTIMIZERS
    from .train import LOSSES

    parser = commands.add_parser(
        "train",
        help="train an MLP on a toy dataset and plot its decision boundary",
        description="Train an MLP on a toy dataset (mini-batches run as lanes), print its accuracy, "
        "and write plots and the model. Example: autograd-lite train moons --plot moons.png",
    )
    parser.add_argument("dataset", metavar="DATASET", help=f"one of: {', '.join(DATASETS)}")
    parser.add_argument("--n", metavar="N", help=f"number of points (default: {_dataset_defaults('n')})")
    parser.add_argument(
        "--noise",
        metavar="X",
        help=f"noise of the points; the spread for blobs (default: {_dataset_defaults('noise')})",
    )
    parser.add_argument(
        "--hidden",
        metavar="SIZE",
        nargs="+",
        default=["16", "16"],
        help="hidden layer sizes (default: 16 16)",
    )
    parser.add_argument(
        "--activation", default="relu", help=f"one of: {', '.join(ACTIVATIONS)} (default: relu)"
    )
    parser.add_argument(
        "--loss", help=f"one of: {', '.join(LOSSES)} (default: hinge, cross_entropy or mse, by dataset)"
    )
    parser.add_argument(
        "--optimizer", default="adam", help=f"one of: {', '.join(OPTIMIZERS)} (default: adam)"
    )
    parser.add_argument("--lr", default="0.02", help="learning rate (default: 0.02)")
    parser.add_argument("--epochs", default="100", help="passes over the data (default: 100)")
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
        "--plot", metavar="FILE", help="write the decision boundary (or fitted curve): .png or .svg"
    )
    parser.add_argument(
        "--history-plot", metavar="FILE", help="write the loss and accuracy curves: .png or .svg"
    )
    parser.add_argument("--save", metavar="FILE", help="write the trained model as JSON")
    parser.add_argument(
        "--html",
        metavar="FILE",
        help="write a web page replaying the run: decision regions epoch by epoch, loss and accuracy",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
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


def _int(name: str, text, minimum: int) -> int:
    from autograd_lite.cli import CLIError

    try:
        n = int(text)
    except (TypeError, ValueError):
        raise CLIError(f"{name} must be a whole number, got {text!r}") from None
    if n < minimum:
        raise CLIError(f"{name} must be >= {minimum}, got {n}")
    return n


def _float(name: str, text, low: float = 0.0, below: float | None = None, *, positive: bool = False) -> float:
    from autograd_lite.cli import CLIError

    try:
        x = float(text)
    except (TypeError, ValueError):
        raise CLIError(f"{name} must be a number, got {text!r}") from None
    if not (low <= x < (below if below is not None else float("inf"))) or (positive and x <= low):
        accepted = f">= {low:g}" if below is None else f"in [{low:g}, {below:g})"
        accepted = f"> {low:g}" if positive else accepted
        raise CLIError(f"{name} must be a finite number {accepted}, got {text}")
    return x


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


def run(args: argparse.Namespace) -> int:
    from autograd_lite.cli import CLIError

    from . import datasets, optim
    from .functional import ACTIVATIONS
    from .module import MLP
    from .train import LOSSES, accuracy, fit, predict

    name = args.dataset.lower()
    if name not in DATASETS:
        raise CLIError(f"unknown dataset {args.dataset!r}; choose one of: {', '.join(DATASETS)}")
    kind, default_loss = DATASETS[name]
    hidden = [_int("--hidden sizes", h, 1) for h in args.hidden]
    if args.activation not in ACTIVATIONS:
        raise CLIError(f"unknown activation {args.activation!r}; choose one of: {', '.join(ACTIVATIONS)}")
    loss = args.loss or default_loss
    if loss not in LOSSES:
        raise CLIError(f"unknown loss {loss!r}; choose one of: {', '.join(LOSSES)}")
    regression = LOSSES[loss][1] == "regression"
    if kind == "regression" and not regression:
        raise CLIError(
            f"--loss {loss} needs class labels, but {name} is a regression dataset: use --loss mse"
        )
    if kind == "classes" and regression:
        raise CLIError(f"--loss {loss} is for regression; {name} has classes: use --loss {default_loss}")
    if args.optimizer.lower() not in optim.OPTIMIZERS:
        raise CLIError(f"unknown optimizer {args.optimizer!r}; choose one of: {', '.join(optim.OPTIMIZERS)}")
    lr = _float("--lr", args.lr, positive=True)  # 0 would learn nothing
    epochs = _int("--epochs", args.epochs, 1)
    batch_size = None if args.batch_size == "full" else _int("--batch-size", args.batch_size, 1)
    l2 = _float("--l2", args.l2)
    val = _float("--val", args.val, 0.0, 1.0)
    patience = None if args.early_stopping is None else _int("--early-stopping", args.early_stopping, 1)
    seed = _int("--seed", args.seed, 0)
    _writable("--plot", args.plot, (".png", ".svg"))
    _writable("--history-plot", args.history_plot, (".png", ".svg"))
    _writable("--save", args.save, (".json",))
    _writable("--html", args.html, (".html",))
    if args.html and kind == "regression":
        raise CLIError(
            f"--html replays decision regions, which needs classes; {name} is a regression dataset"
        )

    options = {"seed": seed}
    if args.n is not None:
        options["n"] = _int("--n", args.n, 1)
    if args.noise is not None:
        options[("spread" if name == "blobs" else "noise")] = _float("--noise", args.noise)
    try:
        X, y = getattr(datasets, name)(**options)
    except ValueError as e:
        raise CLIError(f"{name}: {e}") from None
    classes = int(y.max()) + 1 if kind == "classes" else 0
    if classes > 2 and loss != "cross_entropy":
        raise CLIError(
            f"--loss {loss} is for two classes, but {name} has {classes}: use --loss cross_entropy"
        )
    outputs = classes if loss == "cross_entropy" else 1
    model = MLP(
        X.shape[1],
        [*hidden, outputs],
        activation=args.activation,
        output_activation="sigmoid" if loss in ("bce", "binary_cross_entropy") else None,
        seed=seed,
    )
    validation = None
    X_train, y_train = X, y
    if val > 0:
        try:
            X_train, X_val, y_train, y_val = datasets.train_test_split(X, y, test_size=val, seed=seed)
        except ValueError as e:
            raise CLIError(f"--val {args.val}: {e}") from None
        validation = (X_val, y_val)
    if patience is not None and validation is None:
        print("note: --early-stopping without --val watches the training loss", file=sys.stderr)

    what = f"{classes} classes" if classes else "regression"
    print(f"{name}: {len(X)} points, {what}; {model!r}; loss {loss}; {args.optimizer.lower()} lr {lr:g}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a divergence is reported below, in one line
            history = fit(
                model,
                X_train,
                y_train,
                loss=loss,
                optimizer=args.optimizer.lower(),
                lr=lr,
                epochs=epochs,
                batch_size=batch_size,
                validation=validation,
                early_stopping=patience,
                progress=not args.quiet,
                seed=seed,
                l2=l2,
                record=True if args.html else None,
            )
    except (ValueError, TypeError) as e:
        raise CLIError(str(e)) from None

    epochs = f"{history.epochs} epoch" + ("" if history.epochs == 1 else "s")
    print(f"trained {epochs} in {history.seconds:.2f} s; final {loss} {history.loss[-1]:.4g}")
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
