"""`make notebooks`: write notebooks/ from the lesson and exercise files, the one source of both.

- every lesson demos/NAME.py becomes notebooks/NAME.ipynb;
- every exercise demos/exercises/NAME.py becomes two notebooks: the teacher's,
  notebooks/exercises/teacher/NAME.ipynb, with the solutions, and the
  student's, notebooks/exercises/NAME.ipynb, where each block between
  `# BEGIN SOLUTION` and `# END SOLUTION` is replaced by
  `raise NotImplementedError(...)`: the check after it then says the
  exercise is not done yet.

The notebooks are written without outputs and with stable cell ids, so the
same sources always give the same bytes: tests/test_notebooks.py
regenerates them and fails if a committed notebook differs (run
`make notebooks` after editing a lesson). Needs jupytext (the `test` and
`notebook` extras).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import jupytext
import nbformat

from demos import common

ROOT = common.HERE.parent
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = common.HERE / "exercises"

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def exercise_names() -> list[str]:
    """The exercises, in the order their files are numbered (demos/exercises/NN_name.py)."""
    return sorted(p.stem for p in EXERCISES.glob("[0-9]*.py"))


def strip_solutions(source: str, where: str = "exercise") -> str:
    """The student's version of a teacher's file: each solution block becomes a NotImplementedError.

    The replacement keeps the indentation of the `# BEGIN SOLUTION` line, so a
    block inside a function body stays inside it. An unclosed or nested block
    is refused, naming its line.
    """
    out: list[str] = []
    inside: int | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if inside is not None:
                raise ValueError(f"{where}:{number}: {BEGIN} inside the block opened at line {inside}")
            inside = number
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f'{indent}raise NotImplementedError("not written yet: replace this with your code")')
        elif marker == END:
            if inside is None:
                raise ValueError(f"{where}:{number}: {END} without a {BEGIN} before it")
            inside = None
        elif inside is None:
            out.append(line)
    if inside is not None:
        raise ValueError(f"{where}:{inside}: {BEGIN} is never closed by {END}")
    return "\n".join(out) + "\n"


def teacher_source(source: str) -> str:
    """The teacher's version: the solutions kept, the marker lines dropped."""
    return "\n".join(x for x in source.splitlines() if x.strip() not in (BEGIN, END)) + "\n"


def notebook(source: str, name: str) -> nbformat.NotebookNode:
    """A percent-format source as a notebook with no outputs, stable ids and only a kernelspec."""
    nb = jupytext.reads(source, fmt="py:percent")
    nb.metadata = nbformat.from_dict({"kernelspec": KERNEL, "language_info": {"name": "python"}})
    slug = re.sub(r"[^A-Za-z0-9-]", "-", name)
    for i, cell in enumerate(nb.cells):
        cell.id = f"{slug}-{i}"
        cell.metadata = nbformat.from_dict({})
        if cell.cell_type == "code" and re.search(r"^RESULT\s*=", cell.source, re.M):
            # what the tests read: folded away (JupyterLab, Notebook 7 and VS Code show "...")
            cell.metadata = nbformat.from_dict({"jupyter": {"source_hidden": True}})
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.validate(nb)
    return nb


def wanted(folder: Path = NOTEBOOKS) -> dict[Path, str]:
    """Every notebook the sources make, as {path: its JSON text}."""
    made: dict[Path, nbformat.NotebookNode] = {}
    for name in common.LESSONS:
        made[folder / f"{name}.ipynb"] = notebook(common.lesson_path(name).read_text(encoding="utf-8"), name)
    for name in exercise_names():
        source = (EXERCISES / f"{name}.py").read_text(encoding="utf-8")
        where = f"demos/exercises/{name}.py"
        made[folder / "exercises" / "teacher" / f"{name}.ipynb"] = notebook(teacher_source(source), name)
        made[folder / "exercises" / f"{name}.ipynb"] = notebook(strip_solutions(source, where), name)
    return {path: nbformat.writes(nb) + "\n" for path, nb in made.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m demos.make_notebooks", description=__doc__.strip().split("\n\n")[0]
    )
    parser.add_argument("--out", default=str(NOTEBOOKS), help="where to write them (default: notebooks/)")
    args = parser.parse_args(argv)
    folder = Path(args.out)
    notebooks = wanted(folder)
    changed = 0
    for path, text in notebooks.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed += 1
    stale = sorted(
        p for p in set(folder.rglob("*.ipynb")) - set(notebooks) if ".ipynb_checkpoints" not in p.parts
    )
    for path in stale:  # a lesson renamed or removed: its old notebook goes too
        path.unlink()
    print(f"{len(notebooks)} notebooks in {folder}: {changed} rewritten, {len(stale)} removed")


if __name__ == "__main__":
    main()
