"""`autograd-lite train DATASET ...`: train an MLP on a toy dataset from the shell."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `train` subcommand to the `autograd-lite` parser."""
    parser = commands.add_parser("train", help="train an MLP on a toy dataset (not written yet)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from autograd_lite.cli import CLIError

    raise CLIError("training from the command line is not written yet")
