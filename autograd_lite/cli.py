"""The `autograd-lite` command: subcommands `graph`, `step` and `train`.

A user's mistake (a typo in an expression, an unknown dataset, a bad number)
ends with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__


class CLIError(Exception):
    """A mistake in what the user typed: printed as one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-lite",
        description="Watch backprop happen: graphs, a backward stepper, and tiny MLPs.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-lite {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in _registrations():
        register(commands)
    for sub in commands.choices.values():
        sub.set_defaults(parser=sub)  # so a mistake is reported with the subcommand's own usage
    return parser


def _registrations():
    """Each subcommand module adds its parser and sets `run` on it."""
    from nn import cli as train_cli

    return [register_graph, register_step, train_cli.register]


EXAMPLE = "autograd-lite {cmd} 'n = x1*w1 + x2*w2 + b; o = tanh(n)' --set x1=2 w1=-3 x2=0 w2=1 b=6.8814"


def _add_expression_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "expression",
        metavar="EXPR",
        help="e.g. 'tanh(x*w + b)'; label steps with 'n = x*w + b; o = tanh(n)'",
    )
    parser.add_argument(
        "--set",
        metavar="NAME=NUMBER",
        nargs="+",
        default=[],
        dest="assignments",
        help="the variables' values, e.g. --set x=2 w=-3 b=6.88",
    )


def _build(args: argparse.Namespace):
    from .expr import ExprError, build, parse_assignments

    try:
        return build(args.expression, parse_assignments(args.assignments))
    except ExprError as e:
        raise CLIError(str(e)) from None


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise CLIError(f"cannot write {path}: {e.strerror or e}") from None


# --- graph ---------------------------------------------------------------------

FORMATS = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".txt": "text"}


def register_graph(commands) -> None:
    parser = commands.add_parser(
        "graph",
        help="draw an expression's graph after backward (SVG, DOT or a text tree)",
        description="Parse EXPR, run backward, and write its graph.",
        epilog="example: " + EXAMPLE.format(cmd="graph") + " -o neuron.svg",
    )
    _add_expression_arguments(parser)
    parser.add_argument("-o", "--output", metavar="FILE", help="where to write (default: the terminal)")
    parser.add_argument(
        "--format", choices=["svg", "dot", "text"], help="default: from FILE's extension, else text"
    )
    parser.set_defaults(run=run_graph)


def run_graph(args: argparse.Namespace) -> int:
    from .viz import draw, render_svg, text_tree

    root = _build(args)
    fmt = args.format
    if fmt is None and args.output:
        suffix = args.output[args.output.rfind(".") :].lower() if "." in args.output else ""
        if suffix not in FORMATS:
            raise CLIError(
                f"cannot tell the format of {args.output!r}: use .svg, .dot or .txt, or pass --format"
            )
        fmt = FORMATS[suffix]
    fmt = fmt or "text"
    if root.is_lanes:
        raise CLIError("the expression gives lanes; this cannot happen with --set numbers")
    root.backward()
    try:
        if fmt == "text":
            text = text_tree(root) + "\n"
        elif fmt == "dot":
            text = draw(root).source
        else:
            text = render_svg(draw(root))
    except ValueError as e:  # too many nodes to draw
        raise CLIError(str(e)) from None
    if args.output and args.output != "-":
        _write(args.output, text)
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


# --- step ----------------------------------------------------------------------


def register_step(commands) -> None:
    parser = commands.add_parser(
        "step",
        help="walk the backward pass one chain-rule step at a time",
        description=(
            "Parse EXPR, show its graph, then perform the backward pass one node per Enter, "
            "printing each chain-rule product with its numbers. q quits. "
            "When input is not a terminal, every step runs at once."
        ),
        epilog="example: " + EXAMPLE.format(cmd="step"),
    )
    _add_expression_arguments(parser)
    parser.add_argument(
        "--svg-dir", metavar="DIR", help="also write one SVG per step (step-00.svg, ...) to DIR"
    )
    parser.add_argument(
        "--html",
        metavar="FILE",
        help="write a self-contained web page that plays the backward pass step by step "
        "(no prompting; open it in any browser, offline)",
    )
    parser.set_defaults(run=run_step)


def run_step(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .stepper import backward_steps, explain
    from .viz import render_svg, text_tree

    root = _build(args)
    svg_dir = Path(args.svg_dir) if args.svg_dir else None
    if svg_dir is not None:
        try:
            svg_dir.mkdir(exist_ok=True)  # one new folder, like -o's file: no surprise trees
        except OSError as e:
            raise CLIError(f"cannot create {svg_dir}: {e.strerror or e}") from None
    if args.html:
        _write_step_page(root, args.html, args.expression)
        if svg_dir is None:
            return 0
    interactive = sys.stdin.isatty() and not args.html
    print("forward pass:")
    print(_indent(explain(root)))
    stepper = backward_steps(root)
    print("\nthe graph, before backward (the root's grad is seeded with 1):")
    print(_indent(text_tree(root, grad_state=stepper.grad_state())))
    written = []

    def snapshot() -> None:
        if svg_dir is not None:
            path = svg_dir / f"step-{stepper.position:02d}.svg"
            try:
                render_svg(stepper.draw(max_nodes=None), path)
            except OSError as e:
                raise CLIError(f"cannot write {path}: {e.strerror or e}") from None
            written.append(path)

    snapshot()
    if interactive and stepper.total:
        print("\nPress Enter for each step, q then Enter to quit.")
    while not stepper.done:
        if interactive:
            try:
                answer = input(f"\n[{stepper!r}] > ").strip().lower()
            except EOFError:  # Ctrl-D
                print()
                answer = "q"
            if answer in ("q", "quit", "exit"):
                print(f"stopped after {stepper.position} of {stepper.total} steps")
                break
        step = next(stepper)
        print(f"\nstep {step.index} of {step.total}: {step.name} = {_op_text(step)}")
        print(_indent(str(step)))
        snapshot()
    if stepper.done:
        print("\nthe graph after backward:")
        print(_indent(text_tree(root)))
    if written:
        print(f"\nwrote {len(written)} SVGs to {svg_dir}/ (step-00.svg is before the first step)")
    return 0


def _write_step_page(root, path: str, title: str) -> None:
    """`step --html`: the whole pass as one web page, written without prompting."""
    from .engine import topological_order
    from .html import backward_page

    try:
        backward_page(root, path, title=title)
    except (ValueError, OSError) as e:  # a bad path, or a graph too big to draw
        raise CLIError(str(e)) from None
    steps = sum(1 for n in topological_order(root) if n.parents)
    print(f"wrote {path}: {steps} backward steps; open it in a browser (it works offline)")


def _op_text(step) -> str:
    from .names import expression

    return expression(step.node, {**{p.parent: p.name for p in step.parents}, step.node: step.name})


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        parser.print_help()
        return 0
    if extra:  # reported by the subcommand, with its own usage line
        args.parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.run(args) or 0
    except CLIError as e:
        print(f"autograd-lite {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `autograd-lite ... | head`: the reader has gone, which is fine
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so Python's exit flush does not fail again
        return 0


if __name__ == "__main__":
    sys.exit(main())
