"""The `autograd-lite` command: subcommands `graph`, `step` and `train`.

A user's mistake (a typo in an expression, an unknown dataset, a bad number)
ends with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from .errors import counted


class CLIError(Exception):
    """A mistake in what the user typed: printed as one line, exit code 2."""


def _version() -> str:
    """The installed version (from the package's metadata: the CLI sits below the package's front door)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("autograd-lite")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograd-lite",
        description="Watch backprop happen: graphs, a backward stepper, and tiny MLPs.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-lite {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in _registrations():
        register(commands)
    for sub in commands.choices.values():
        sub.set_defaults(parser=sub)  # so a mistake is reported with the subcommand's own usage
    return parser


#: Packages add subcommands through this entry-point group: `nn` declares `train = "nn.cli:register"`
#: in its pyproject.toml, so this module never imports the packages built on it.
COMMANDS_GROUP = "autograd_lite.commands"


def _registrations():
    """Each subcommand's `register(commands)`: ours, then every installed entry point's."""
    from importlib.metadata import entry_points

    found = [register_graph, register_step]
    for ep in sorted(entry_points(group=COMMANDS_GROUP), key=lambda ep: ep.name):
        try:
            found.append(ep.load())
        except Exception as e:  # a broken plugin must not take graph and step down with it
            print(f"autograd-lite: the {ep.name!r} command ({ep.value}) could not load: {e}", file=sys.stderr)
    return found


EXAMPLE = "autograd-lite {cmd} 'n = x1*w1 + x2*w2 + b; o = tanh(n)' --set x1=2 w1=-3 x2=0 w2=1 b=6.8814"


def _add_expression_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "expression",
        metavar="EXPR",
        help="e.g. 'tanh(x*w + b)' or '-x*w'; label steps with 'n = x*w + b; o = tanh(n)'",
    )
    parser.add_argument(
        "--set",
        metavar="NAME=NUMBER",
        nargs="+",
        action="extend",
        default=[],
        dest="assignments",
        help="the variables' values, e.g. --set x=2 w=-3 b=6.88 (before or after EXPR)",
    )
    parser.set_defaults(takes_expression=True)


# What follows `--set` while it lasts: `name=number`. A statement (`o = tanh(x)`) is the expression.
SET_ITEM = re.compile(r"\s*[^\s=;]*\s*=\s*[-+−]?[^\s=;*/^()+\-−]*(?:[eE][-+−]?[0-9]*)?\s*\Z")
OPERATORS = "*^()+-"  # `-o*w` is an expression, though it starts like `-o FILE`


def _arrange(parser: argparse.ArgumentParser, tokens: list[str]) -> list[str]:
    """A subcommand's arguments as a person types them, put in an order argparse reads right.

    argparse takes `'-x*w'` for an option and lets `--set x=1 'x*2'` swallow the
    expression. Here `--set` ends at the first item without `=`, each of its items
    is passed as `--set=ITEM`, and the expression goes after `--`, where a leading
    minus is just a minus.
    """
    options: list[str] = []
    positionals: list[str] = []
    in_set = bare_set = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "--":  # the user's own: everything after it is positional
            positionals.extend(tokens[i:])
            break
        action = _option(parser, token)
        if in_set:
            spaced = _spaced_item(tokens[i - 1 : i + 2])
            if spaced:
                parser.error(f"--set takes name=number with no spaces around =: write {spaced}")
            if action is None and "=" in token and (positionals or SET_ITEM.match(token)):
                options.append("--set=" + token)
                bare_set = False
                continue
            in_set = False  # an item without `=` ends --set
            if bare_set:
                options.append("--set")  # given nothing: argparse says it needs a value
        if action is not None and action.dest == "assignments":
            in_set = True
            bare_set = "=" not in token
            if not bare_set:
                options.append(token)  # --set=x=1
        elif action is not None:
            options.append(token)
            attached = "=" in token or not (token.startswith("--") or len(token) == 2)  # -ofile
            if action.nargs is None and not attached and i < len(tokens):
                options.append(tokens[i])  # its value, whatever it looks like
                i += 1
        elif token.startswith("-") and len(token) > 1 and (positionals or _option_like(token)):
            options.append(token)  # an unknown option: argparse reports it
        else:
            positionals.append(token)
    if in_set and bare_set:
        options.append("--set")
    return options + (["--", *positionals] if positionals else [])


def _option(parser: argparse.ArgumentParser, token: str) -> argparse.Action | None:
    """The option `token` names (`--set`, `--se`, `--set=x=1`, `-o`, `-ofile`), if it names one."""
    actions = parser._option_string_actions  # every option string -> its action
    if token.startswith("--"):
        name = token.split("=", 1)[0]
        matches = [o for o in actions if o == name] or [o for o in actions if o.startswith(name)]
        return actions[matches[0]] if len(matches) == 1 else None
    if token.startswith("-") and token[:2] in actions:
        action = actions[token[:2]]
        if len(token) > 2 and (token[2] in OPERATORS or action.nargs is not None):
            return None  # `-o*w`, `-h*x`: an expression, not -o with a value or -h -x
        return action
    return None


NUMBER = re.compile(r"[-+−]?[0-9.][0-9.eE+-]*\Z")


def _spaced_item(words: list[str]) -> str | None:
    """`x=1` when the words start `x = 1`, `x =1` or `x= 1`: the shell split a --set item."""
    first, rest = words[0], words[1:]
    if first.isidentifier() and rest and rest[0] == "=" and len(rest) > 1 and NUMBER.match(rest[1]):
        return f"{first}={rest[1]}, not '{first} = {rest[1]}'"
    if first.isidentifier() and rest and rest[0].startswith("=") and NUMBER.match(rest[0][1:]):
        return f"{first}{rest[0]}, not '{first} {rest[0]}'"
    if first.endswith("=") and first[:-1].isidentifier() and rest and NUMBER.match(rest[0]):
        return f"{first}{rest[0]}, not '{first} {rest[0]}'"
    return None


def _option_like(token: str) -> bool:
    """`--colour` is a mistyped option; `--x*w` is minus minus x times w."""
    return token.startswith("--") and not any(ch in token for ch in OPERATORS[:4])


def _parse(args: argparse.Namespace):
    """The user's expression and --set values, parsed (an `expr.Expression`)."""
    from .expr import ExprError, parse, parse_assignments

    try:
        return parse(args.expression, parse_assignments(args.assignments))
    except ExprError as e:
        raise CLIError(str(e)) from None


def _backward(expression) -> None:
    """Backward on `expression`; an infinite or NaN gradient is the user's error, named."""
    from .expr import ExprError

    try:
        expression.backward()
    except ExprError as e:
        raise CLIError(str(e)) from None


def _size(root) -> tuple[int, int]:
    """(values, backward steps) of root's graph."""
    from .engine import topological_order

    order = topological_order(root)
    return len(order), sum(1 for n in order if n.parents)


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
    from .viz import MAX_NODES, draw, render_svg, text_tree

    expression = _parse(args)
    root = expression.root
    fmt = args.format
    if fmt is None and args.output and args.output != "-":  # -o - is the terminal
        suffix = args.output[args.output.rfind(".") :].lower() if "." in args.output else ""
        if suffix not in FORMATS:
            raise CLIError(
                f"cannot tell the format of {args.output!r}: use .svg, .dot or .txt, or pass --format"
            )
        fmt = FORMATS[suffix]
    fmt = fmt or "text"
    if root.is_lanes:
        raise CLIError("the expression gives lanes; this cannot happen with --set numbers")
    values, _ = _size(root)
    if fmt != "text" and values > MAX_NODES:
        raise CLIError(
            f"the graph has {values:,} values; a picture shows at most {MAX_NODES} (a bigger one is "
            "unreadable and slow to lay out): use --format text, or a smaller expression"
        )
    _backward(expression)
    try:
        if fmt == "text":
            text = text_tree(root, max_lines=None) + "\n"  # the parser bounds its size
        elif fmt == "dot":
            text = draw(root).source
        else:
            text = render_svg(draw(root))
    except (ValueError, RuntimeError) as e:  # too many nodes to draw; the renderer failed or timed out
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


#: --svg-dir lays out one picture of the whole graph per step: values x (steps + 1) pictured values.
#: 3,000 take ~15 s on a 2-core machine with the in-process renderer.
MAX_SVG_CELLS = 3000


def run_step(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .html import MAX_CELLS
    from .stepper import backward_steps, explain
    from .viz import render_svg, text_tree

    expression = _parse(args)
    root = expression.root
    _backward(_parse(args))  # on a copy: the stepper runs its own pass on root
    values, steps = _size(root)
    for flag, limit, cost in [
        ("--html", MAX_CELLS, "about 4 MB"),
        ("--svg-dir", MAX_SVG_CELLS, "about 15 s"),
    ]:
        cells = values * (steps + 1)
        if getattr(args, flag[2:].replace("-", "_")) and cells > limit:
            raise CLIError(
                f"{flag} would picture the whole graph ({values:,} values) at each of {steps + 1:,} states: "
                f"{cells:,} pictured values, more than its limit of {limit:,} ({cost}); "
                f"step a smaller expression, or leave out {flag}"
            )
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
    print(_indent(text_tree(root, max_lines=None, grad_state=stepper.grad_state())))
    written = []

    def snapshot() -> None:
        if svg_dir is not None:
            path = svg_dir / f"step-{stepper.position:02d}.svg"
            try:
                render_svg(stepper.draw(max_nodes=None), path)
            except OSError as e:
                raise CLIError(f"cannot write {path}: {e.strerror or e}") from None
            except RuntimeError as e:  # the renderer failed or timed out
                raise CLIError(str(e)) from None
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
                print(f"stopped after {stepper.position} of {counted(stepper.total, 'step')}")
                break
        step = next(stepper)
        print(f"\nstep {step.index} of {step.total}")  # each line names its op: `n = v1 + b: v1.grad += ...`
        print(_indent(str(step)))
        snapshot()
    if stepper.done:
        print("\nthe graph after backward:")
        print(_indent(text_tree(root, max_lines=None)))
    if written:
        print(f"\nwrote {len(written)} SVGs to {svg_dir}/ (step-00.svg is before the first step)")
    return 0


def _write_step_page(root, path: str, title: str) -> None:
    """`step --html`: the whole pass as one web page, written without prompting."""
    from .engine import topological_order
    from .html import backward_page

    try:
        backward_page(root, path, title=title)
    except (ValueError, OSError, RuntimeError) as e:  # a bad path, a graph too big, a renderer failure
        raise CLIError(str(e)) from None
    steps = sum(1 for n in topological_order(root) if n.parents)
    print(f"wrote {path}: {counted(steps, 'backward step')}; open it in a browser (it works offline)")


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _arrange_command(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """argv with the expression subcommands' arguments put in order (see `_arrange`)."""
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for i, token in enumerate(argv):
        if not token.startswith("-"):  # the command (the top level has no options taking values)
            sub = commands.choices.get(token)
            if sub is not None and sub.get_default("takes_expression"):
                return [*argv[: i + 1], *_arrange(sub, argv[i + 1 :])]
            break
    return argv


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args, extra = parser.parse_known_args(_arrange_command(parser, argv))
    if args.command is None:
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        parser.print_help(sys.stderr)  # nothing to do is a mistake too, so scripts notice it
        (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        print(f"\nautograd-lite: error: choose a COMMAND: {', '.join(commands.choices)}", file=sys.stderr)
        return 2
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
