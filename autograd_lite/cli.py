"""The `autograd-lite` command: subcommands `graph`, `step` and `train`.

A user's mistake (a typo in an expression, an unknown dataset, a bad number)
ends with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
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
    return parser


def _registrations():
    """Each subcommand module adds its parser and sets `run` on it."""
    from nn import cli as train_cli

    return [train_cli.register]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.run(args) or 0
    except CLIError as e:
        print(f"autograd-lite {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
