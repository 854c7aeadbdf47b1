"""The `>>>` examples of the README and of every page in docs/ run as written (doctest).

So the guide cannot drift from the code.
"""

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_examples_run(page, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {page.name} failed"


def test_every_reference_page_has_examples_or_says_why():
    tested = {p.name: doctest.DocTestParser().get_examples(p.read_text()) for p in PAGES}
    assert len(tested["README.md"]) > 10
    without = {name for name, examples in tested.items() if not examples}
    assert without <= {"benchmarks.md", "cli.md", "pages.md"}, without  # numbers and shell sessions only
