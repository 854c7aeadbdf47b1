"""`autograd-lite descend EXPR --start 4 --lr 0.1`: gradient descent on a formula, one line per step.

Options are read as text and checked here and by `nn.descend`, so a mistake
is one line on stderr (exit 2) before anything runs.
"""

from __future__ import annotations

import argparse
import re


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `descend` subcommand to the `autograd-lite` parser."""
    from .descend import MAX_STEPS, OPTIMIZERS

    parser = commands.add_parser(
        "descend",
        usage="autograd-lite descend EXPR --start X[,Y] [--lr LR] [--steps N] [--optimizer NAME]\n"
        "                             [--html PAGE]",
        help="run gradient descent on a formula in x (or x and y) and print every step",
        description="Minimise f(x) or f(x, y) by gradient descent, printing each step: the point, f, the\n"
        "derivative (from backward()), which way it moves and how far.\n\n"
        "examples:\n"
        "  autograd-lite descend 'x**2 - 3*x' --start 4 --lr 0.1\n"
        "  autograd-lite descend 'x**2' --start 4 --lr 1.1                  too large a step: it diverges\n"
        "  autograd-lite descend '(1-x)**2 + 100*(y-x**2)**2' --start=-1.2,1 --lr 0.001 --steps 2000\n"
        "  autograd-lite descend 'sin(x) + x**2/10' --start 3 --optimizer adam\n"
        "  autograd-lite descend 'sin(x) + x**2/10' --start 3 --html descent.html   the playground page",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("expression", metavar="EXPR", help="a formula in x, or in x and y (quote it)")
    parser.add_argument(
        "--start",
        metavar="X",
        nargs="+",  # not required=True: argparse would say so before naming a mistyped --strat
        help="where to start: 4 for x; 1,-2 or 1 -2 for x and y",
    )
    parser.add_argument("--lr", metavar="LR", default="0.1", help="the learning rate, > 0 (default: 0.1)")
    parser.add_argument(
        "--steps", metavar="N", default="20", help=f"how many steps, at most {MAX_STEPS:,} (default: 20)"
    )
    parser.add_argument(
        "--optimizer", metavar="NAME", default="sgd", help=f"one of: {', '.join(OPTIMIZERS)} (default: sgd)"
    )
    parser.add_argument(
        "--html",
        metavar="PAGE",
        help="also write the playground page: this formula at nearby learning rates and starts, "
        "Next iteration / Play / Reset, beside the presets (bowl, two minima, elongated bowl, "
        "Rosenbrock, saddle)",
    )
    # argparse reads a word starting with - as an option unless it is a plain number: let `--start -1,2`
    # and an expression such as '-cos(x)' through as values (no option of ours looks like them).
    parser._negative_number_matcher = LOOKS_LIKE_A_VALUE
    parser.set_defaults(run=run)


LOOKS_LIKE_A_VALUE = re.compile(r"-(?:[\d.,]|.*[()*+/^ ])")


def _number(option: str, text: str, example: str) -> float:
    from autograd_lite.cli import CLIError

    try:
        return float(text.replace("−", "-"))
    except ValueError:
        raise CLIError(f"{option} must be a number such as {example}, got {text!r}") from None


def _start(words: list[str]) -> list[float]:
    items = [w for word in words for w in re.split(r"[,\s]+", word.strip()) if w]
    return [_number("--start", w, "4 or 1,-2") for w in items]


def _steps(text: str) -> int:
    from autograd_lite.cli import CLIError

    if not re.fullmatch(r"\s*[+]?\d+\s*", text.replace("_", "")):
        raise CLIError(f"--steps must be a whole number such as 20, got {text!r}")
    return int(text.replace("_", ""))


def run(args: argparse.Namespace) -> int:
    from autograd_lite.cli import CLIError

    from .descend import DescendError, descend

    if args.start is None:
        raise CLIError("give a start: --start 4 for x, --start 1,-2 for x and y")
    lr = _number("--lr", args.lr, "0.1")
    if args.html is not None:
        from autograd_lite.html import check_html_path

        try:
            check_html_path(args.html)  # before any work: a typo does not cost the run
        except (ValueError, FileNotFoundError) as e:
            raise CLIError(str(e)) from None
    start, steps = _start(args.start), _steps(args.steps)
    try:
        result = descend(args.expression, start, lr, steps, args.optimizer)
    except DescendError as e:
        raise CLIError(str(e)) from None
    print(f"{args.expression}: {result.optimizer}, lr {lr:g}, from {_where(result)}")
    for line in result.lines():
        print(line)
    print(result.summary())
    if args.html is not None:
        from .descend_page import descent_playground

        try:
            page = descent_playground(args.expression, start, lr, steps, args.optimizer, path=args.html)
        except DescendError as e:
            raise CLIError(str(e)) from None
        print(
            f"wrote {args.html} ({len(page.html.encode('utf-8')) / 1000:,.0f} kB): your formula and "
            f"the {len(page.names) - 1} presets, {page.runs} runs; open it in a browser"
        )
    return 0


def _where(result) -> str:
    if len(result.variables) == 1:
        return f"{result.variables[0]} = {result.start[0]:g}"
    return f"({', '.join(result.variables)}) = ({', '.join(f'{c:g}' for c in result.start)})"
