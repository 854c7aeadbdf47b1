"""What every lesson shares: how it runs, its output folder, its figures and its tables.

A lesson is one file, `demos/NAME.py`, written in Jupytext's percent format:
`# %% [markdown]` cells hold the narrative, `# %%` cells the code a student
changes and re-runs. The same file runs two ways, and nothing else holds the
lesson, so the two cannot drift apart:

- `python -m demos.NAME [--quick] [--out DIR]` in a terminal: the lesson's
  first code cell calls `options()`, which hands the file to `run()`: every
  cell in order, the markdown printed as text between the code's output;
- `notebooks/NAME.ipynb` in Jupyter, generated from the file by
  `make notebooks` (`python -m demos.make_notebooks`): there `options()`
  gives the defaults (a full run, figures under `out/NAME/`) and the figures
  show inline.

A lesson ends with a `RESULT` dict: the numbers it measured (the tests assert
its claims on them) and `RESULT["figures"]`, the files it wrote, its main
picture first.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

import nn
from autograd_lite.palette import OKABE_ITO, SERIES

HERE = Path(__file__).resolve().parent

#: Every lesson, in the order a course teaches them.
LESSONS = (
    "backprop_by_hand",
    "chain_rule",
    "gradient_check",
    "softmax",
    "xor",
    "function_approximation",
    "search_vs_descent",
    "gradient_descent",
    "learning_rate",
    "error_surface",
    "local_minima",
    "optimizers",
    "minibatch",
    "activations",
    "normalization",
    "early_stopping",
    "losses",
    "classification",
    "moons",
    "scalars_to_tensors",
    "to_pytorch",
)

DPI = 100  # small files that still read well on a screen
COLORS = [c for c in SERIES if c != OKABE_ITO["yellow"]]  # Okabe-Ito; its yellow is faint on white


@dataclass(frozen=True)
class Cell:
    """One cell of a lesson file: "markdown" or "code", its text, and the file line it starts on (1-based)."""

    kind: str
    text: str
    line: int


def lesson_path(name: str) -> Path:
    """demos/NAME.py, for a name in LESSONS (anything else is refused, by name)."""
    if name not in LESSONS:
        raise ValueError(f"no lesson called {name!r}; the lessons are: {', '.join(LESSONS)}")
    return HERE / f"{name}.py"


def cells(path: Path) -> list[Cell]:
    """The cells of a percent-format file, as Jupytext reads them (a test checks the two agree)."""
    found: list[Cell] = []
    kind, lines, start = "code", list[str](), 1
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines() + ["# %%"], start=1):
        if line.startswith("# %%"):
            if lines and any(x.strip() for x in lines):
                found.append(Cell(kind, _cell_text(kind, lines), start))
            kind = "markdown" if "[markdown]" in line else "code"
            lines, start = [], number + 1
        else:
            lines.append(line)
    return found


def _cell_text(kind: str, lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if kind == "markdown":
        lines = [x[2:] if x.startswith("# ") else x.lstrip("#") for x in lines]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return "\n".join(lines)


def title(name: str) -> str:
    """A lesson's title: the first line of its first markdown cell, without the '#'."""
    first = next(c for c in cells(lesson_path(name)) if c.kind == "markdown")
    return first.text.splitlines()[0].lstrip("# ").strip()


lesson_summary = title  # `python -m demos --list` says what each lesson is


def as_text(markdown: str) -> str:
    """Markdown as a terminal shows it: headings underlined, **bold** and *emphasis* marks dropped."""
    out = []
    for line in markdown.splitlines():
        heading = re.match(r"(#+)\s+(.*)", line)
        text = re.sub(r"\*\*(.+?)\*\*|(?<![\w*])\*(?!\s)(.+?)\*(?!\w)", lambda m: m[1] or m[2], line)
        if heading:
            text = re.sub(r"\*\*(.+?)\*\*", r"\1", heading[2])
            out += [text, ("=" if len(heading[1]) == 1 else "-") * len(text)]
        else:
            out.append(text)
    return "\n".join(out)


_running: tuple[bool, Path] | None = None  # (quick, out) while run() executes a lesson


def options(name: str) -> tuple[bool, Path]:
    """`QUICK, OUT = options(NAME)`, a lesson's first line: how small a run, and where its figures go.

    - under `run()` (the tests, `make demo`): what run() was given;
    - in a notebook, or when imported: a full run into out/NAME/ (change them in the cell);
    - as `python -m demos.NAME`: parses --quick and --out, runs the whole lesson
      through `run()` so the markdown is printed between the output, says where
      the figures are, and exits; the rest of the file is not run a second time.
    """
    if _running is not None:
        return _running
    path = lesson_path(name)
    caller = sys._getframe(1).f_globals  # the lesson's own globals: a notebook's have no __file__
    as_script = caller.get("__name__") == "__main__" and Path(caller.get("__file__", "")).resolve() == path
    if not as_script:
        return False, Path("out") / name
    parser = argparse.ArgumentParser(
        prog=f"python -m demos.{name}",
        description=title(name),
        epilog=f"The same lesson as a notebook: notebooks/{name}.ipynb (make notebook).",
    )
    parser.add_argument("--quick", action="store_true", help="a smaller run, in a few seconds (for tests)")
    parser.add_argument("--out", default=f"out/{name}", help=f"where to write figures (default: out/{name}/)")
    args = parser.parse_args()
    start = time.perf_counter()
    result = run(name, quick=args.quick, out=Path(args.out))
    print(f"\nfigures ({time.perf_counter() - start:.1f} s):")
    for figure_path in result.get("figures", []):
        print(f"  {figure_path}")
    print(
        f"\nTo change a knob (an UPPERCASE name) and re-run its cell: notebooks/{name}.ipynb (make notebook)."
    )
    raise SystemExit(0)


def run(name: str, quick: bool = False, out: str | Path | None = None, quiet: bool = False) -> dict:
    """Run the lesson demos/NAME.py cell by cell, printing its markdown as text; return its RESULT.

    Each run starts from a fresh namespace, so a lesson sees nothing of another.
    `quiet` keeps everything it prints, markdown and output, off the screen.
    """
    global _running
    path = lesson_path(name)
    namespace: dict = {"__name__": f"demos.{name}", "__file__": str(path)}
    previous, _running = _running, (quick, Path(out) if out is not None else Path("out") / name)
    try:
        with contextlib.redirect_stdout(io.StringIO()) if quiet else contextlib.nullcontext():
            _run_cells(path, namespace)
    finally:
        _running = previous
    if not isinstance(namespace.get("RESULT"), dict):
        raise RuntimeError(f"{path} did not define RESULT, the dict of what the lesson measured")
    return namespace["RESULT"]


def _run_cells(path: Path, namespace: dict) -> None:
    for cell in cells(path):
        if cell.kind == "markdown":
            print(f"\n{as_text(cell.text)}\n")
            continue
        # padded with blank lines, so a traceback names the lesson file's own line numbers
        code = compile("\n" * (cell.line - 1) + cell.text, str(path), "exec")
        exec(code, namespace)  # the lesson's own file, from demos/: never user input


def figure(ncols: int = 1, width: float = 6.0, height: float = 4.3) -> tuple[Figure, list]:
    """A figure of `ncols` panels side by side: no pyplot, no window; a notebook shows it inline."""
    return nn.plot.figure(ncols, width, height)


def save(fig: Figure, out: Path, name: str) -> Path:
    """Write `fig` as out/NAME.png and return the path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    fig.savefig(path, dpi=DPI)
    return path


def table(headers: Sequence[str], rows: Sequence[Sequence], indent: str = "  ") -> str:
    """A plain-text table; floats get 4 significant digits, numbers are right-aligned."""

    def cell(x) -> str:
        if isinstance(x, float):
            return f"{x:.4g}"
        return str(x)

    cells = [[cell(x) for x in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join(indent + line.rstrip() for line in lines)


def _numeric(text: str) -> bool:
    if text == "-":  # a missing number
        return True
    try:
        float(text.rstrip("%×x"))
    except ValueError:
        return False
    return True


def first_at_or_below(curve: Sequence[float], target: float) -> int | None:
    """The 1-based epoch at which `curve` first reaches `target` or lower; None if never."""
    for i, v in enumerate(curve):
        if v <= target:
            return i + 1
    return None
