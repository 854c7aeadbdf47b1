"""The notebooks in notebooks/: made from their one source, committed without outputs, and each one runs.

Every lesson notebook is executed top to bottom in a real kernel (nbclient,
ipykernel), full size, as a student runs it; so are the teacher's exercise
notebooks, and the student's, whose checks must each say the exercise is not
written yet.
"""

from __future__ import annotations

import base64
from pathlib import Path

import jupytext
import nbclient
import nbformat
import pytest

from demos import common, make_notebooks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def committed() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def execute(path: Path, cwd: Path, allow_errors: bool = False) -> nbformat.NotebookNode:
    """Run a notebook in a fresh python3 kernel, in `cwd`, as JupyterLab's Run All would."""
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": cwd}},
    )
    client.execute()
    return nb


def outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


# --- one source -----------------------------------------------------------------------------


def test_the_committed_notebooks_are_exactly_what_their_sources_make():
    wanted = make_notebooks.wanted()
    assert len(wanted) == len(common.LESSONS) + 2 * len(make_notebooks.exercise_names())
    for path, text in wanted.items():
        where = path.relative_to(ROOT)
        assert path.exists(), f"{where} is missing: run `make notebooks`"
        assert path.read_text(encoding="utf-8") == text, (
            f"{where} differs from its source: run `make notebooks`"
        )
    stray = sorted(str(p.relative_to(ROOT)) for p in set(committed()) - set(wanted))
    assert not stray, f"notebooks with no source (delete them, or run `make notebooks`): {stray}"


def test_the_committed_notebooks_have_no_outputs():
    for path in committed():
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: cell {cell.id} ran"


@pytest.mark.parametrize("name", common.LESSONS)
def test_the_runner_reads_a_lesson_into_the_cells_jupytext_does(name):
    """`python -m demos.NAME` (common.cells) and the notebook (jupytext) see the same cells."""
    path = common.lesson_path(name)
    ours = [(c.kind, c.text) for c in common.cells(path)]
    theirs = [(c.cell_type, c.source) for c in jupytext.read(path, fmt="py:percent").cells]
    assert ours == theirs


def test_a_student_version_replaces_each_solution_and_keeps_its_indentation():
    teacher = "def f(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION\n\nprint(f)\n"
    student = make_notebooks.strip_solutions(teacher)
    assert "return 2 * x" not in student and "    raise NotImplementedError(" in student
    assert (
        student.endswith("print(f)\n") and make_notebooks.teacher_source(teacher).count("return 2 * x") == 1
    )
    for broken, says in (
        ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("x = 1\n# END SOLUTION\n", "without a # BEGIN SOLUTION"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n", "inside the block opened at line 1"),
    ):
        with pytest.raises(ValueError, match=says):
            make_notebooks.strip_solutions(broken, "demos/exercises/x.py")


# --- every notebook runs ----------------------------------------------------------------------


@pytest.mark.parametrize("name", common.LESSONS)
def test_every_lesson_notebook_runs_top_to_bottom_with_its_figures_inline(name, tmp_path):
    nb = execute(NOTEBOOKS / f"{name}.ipynb", tmp_path)
    shown = [out for out in outputs(nb) if "image/png" in out.get("data", {})]
    assert shown, f"{name}: no figure was displayed inline"
    for out in shown:
        assert base64.b64decode(out["data"]["image/png"])[:8] == PNG_MAGIC
    assert not [
        out for out in outputs(nb) if out.get("name") == "stderr" and "Warning" in out.get("text", "")
    ]
    written = sorted((tmp_path / "out" / name).iterdir())  # the figures went where the lesson says
    assert any(p.suffix == ".png" for p in written), written


@pytest.mark.parametrize("name", make_notebooks.exercise_names())
def test_every_teacher_notebook_passes_its_own_checks(name, tmp_path):
    nb = execute(NOTEBOOKS / "exercises" / "teacher" / f"{name}.ipynb", tmp_path)
    passed = [out for out in outputs(nb) if out.get("name") == "stdout" and "✓" in out.get("text", "")]
    assert passed, f"{name}: no check said ✓"


@pytest.mark.parametrize("name", make_notebooks.exercise_names())
def test_every_student_notebook_runs_and_each_check_says_what_is_not_written_yet(name, tmp_path):
    nb = execute(NOTEBOOKS / "exercises" / f"{name}.ipynb", tmp_path, allow_errors=True)
    errors = [out for out in outputs(nb) if out.output_type == "error"]
    assert errors, f"{name}: the student's version raised nothing: are its solutions stripped?"
    for err in errors:
        assert err.ename == "Mistake" and "not written yet" in err.evalue, (
            f"{name}: {err.ename}: {err.evalue}"
        )


def test_a_lessons_result_cell_is_folded_away_in_its_notebook():
    """RESULT is what the tests read: shown folded, so a projected notebook ends with the lesson."""
    for name in common.LESSONS:
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        folded = [c for c in nb.cells if c.metadata.get("jupyter", {}).get("source_hidden")]
        assert [c.source.count("RESULT =") for c in folded] == [1], name
