"""The rich display in real JupyterLab, as a class sees it: run a notebook in the UI, step the stepper.

One end-to-end test. It starts `jupyter lab` (a subprocess: 127.0.0.1 only, a
port the OS picks, a random token, a temporary root folder and its own
JUPYTER_CONFIG_DIR / JUPYTER_DATA_DIR / JUPYTER_RUNTIME_DIR / IPYTHONDIR, so
no user state leaks in or out), writes a two-cell notebook there, opens it in
Debian's headless Chromium through Playwright and runs every cell from the
UI (Run > Run All Cells), as a student does: outputs a kernel makes in the
open notebook are trusted, so the stepper's sandboxed `<iframe srcdoc>` and
its script are shown as they are (a saved, untrusted notebook's HTML is
sanitized). Then it clicks the stepper's Next button three times inside that
iframe and compares the highlighted node and the chain-rule lines with what
`backward_steps(lecture_neuron())` says for step 3, and checks the decision
boundary is a loaded PNG under fit()'s finished progress bar, with no cell
writing to stderr and no error in the page or the frame. On a failure the
message names a screenshot and the server's log. The server (and its
kernels) are stopped at the end whatever happened.

Skipped, saying how to enable it, without Chromium (failed instead where
AUTOGRAD_LITE_REQUIRE names chromium, as tests.conftest.need does), without
Playwright, and without JupyterLab (the `notebook` extra; failed where
AUTOGRAD_LITE_REQUIRE names jupyterlab). The helpers here are plain
functions so docs/make_images.py can take the JupyterLab screenshots with the
same server.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import need, required

VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 60_000  # one wait on the page (a cold kernel on a busy 2-core CI machine), not the test's
START_TIMEOUT = 60.0  # seconds for `jupyter lab` to answer on its port

STEPPER_CELL = """\
from autograd_lite import backward_steps
from autograd_lite.examples import lecture_neuron

steps = backward_steps(lecture_neuron())
steps"""

BOUNDARY_CELL = """\
import nn

X, y = nn.datasets.moons(n=100, noise=0.1, seed=0)
model = nn.MLP(2, [8, 8, 1], seed=0)
history = nn.fit(model, X, y, epochs=60, lr=0.05, seed=0)
nn.plot.decision_boundary(model, X, y)"""

#: What a fresh JupyterLab would otherwise do on this closed network or put over the notebook:
#: ask to fetch Jupyter's news, check PyPI for a newer JupyterLab.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def need_jupyterlab() -> None:
    """Skip without JupyterLab (or fail, where AUTOGRAD_LITE_REQUIRE names it)."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        why = "JupyterLab is not installed: pip install -e '.[notebook]' enables tests/test_jupyterlab.py"
        if "jupyterlab" in required():
            pytest.fail(f"AUTOGRAD_LITE_REQUIRE names jupyterlab, but {why}")
        pytest.skip(why)


# --- the server ------------------------------------------------------------------------------


@dataclass
class Lab:
    """A running `jupyter lab`: its URL (with a trailing /), token, root folder and process."""

    url: str
    token: str
    root: Path
    process: subprocess.Popen
    log: Path

    def open_url(self, path: str) -> str:
        """The URL that opens `path` (relative to the root) in JupyterLab's single-document view,
        logged in by the token."""
        return f"{self.url}doc/tree/{path}?token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])


#: Variables that would add a user's folders to the server's search paths, or move its settings.
LEAKS = (
    "JUPYTER_PATH",
    "JUPYTER_CONFIG_PATH",
    "JUPYTER_NO_CONFIG",
    "JUPYTERLAB_SETTINGS_DIR",
    "JUPYTERLAB_WORKSPACES_DIR",
)


def lab_environment(home: Path) -> dict[str, str]:
    """os.environ with Jupyter's and IPython's user folders moved under `home` (made here)."""
    env = {k: v for k, v in os.environ.items() if k not in LEAKS}
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ]:
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"  # no warning about the folders' future defaults
    for name, settings in USER_SETTINGS.items():
        path = home / "config" / "lab" / "user-settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")
    return env


@contextlib.contextmanager
def jupyter_lab(root: Path, home: Path) -> Iterator[Lab]:
    """Run `jupyter lab` on `root` with its user state under `home`; stop it and its kernels after.

    Stopping: SIGTERM (the server shuts its kernels down on it), then SIGKILL
    after 15 s; any kernel still alive after that is killed by its pid.
    """
    env = lab_environment(home)
    token = secrets.token_hex(24)
    log = home / "jupyter-lab.log"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=0",  # the OS picks a free port; the server writes it to its runtime file
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        yield Lab(_wait_for_server(process, home / "runtime", log), token, root, process, log)
    finally:
        _stop(process)


def _wait_for_server(process: subprocess.Popen, runtime: Path, log: Path) -> str:
    """The server's URL once it answers /api/status; an error with its log if it dies or stalls."""
    deadline = time.monotonic() + START_TIMEOUT
    url = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"jupyter lab exited with {process.returncode} before it served:\n{log.read_text()[-3000:]}"
            )
        if url is None:
            for info in runtime.glob("jpserver-*.json"):
                with contextlib.suppress(ValueError, OSError):
                    data = json.loads(info.read_text())
                    if data.get("pid") == process.pid:
                        url = data["url"].rstrip("/") + "/"
                        token = data["token"]
        if url is not None and _answers(url + "api/status", token):
            return url
        time.sleep(0.2)  # polling a process that has no readiness signal to wait on
    raise RuntimeError(f"jupyter lab did not answer within {START_TIMEOUT:.0f} s:\n{log.read_text()[-3000:]}")


def _answers(url: str, token: str) -> bool:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM (the server shuts its kernels down on it), SIGKILL after 15 s, then any kernel left.

    Kernels run in their own sessions, so they outlive a killed server: they are
    found (psutil, which ipykernel needs) before the server goes, and killed by
    pid after; psutil refuses a pid that now names another process.
    """
    import psutil

    try:
        kernels = psutil.Process(process.pid).children(recursive=True)
    except psutil.Error:
        kernels = []
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
    for kernel in kernels:
        with contextlib.suppress(psutil.Error):
            kernel.kill()


# --- the notebook and the page ---------------------------------------------------------------


KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def write_notebook(path: Path, *sources: str) -> Path:
    """A notebook of code cells (no outputs) for the python3 kernel."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nb, path)
    return path


def open_notebook(page, lab: Lab, path: str) -> None:
    """Open `path` in JupyterLab's single-document view and wait for its kernel to be idle."""
    page.goto(lab.open_url(path))
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for()


#: True once every code cell of the open notebook has run: its prompt reads [n], not [ ] or [*].
#: Every code cell has run: its prompt shows [n]. A cell whose input is folded (a lesson's RESULT)
#: has no prompt to read, so it counts once every cell has one that is not empty or [*].
ALL_RAN = """() => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
    const read = prompts.map(p => p.textContent.trim()).filter(t => t !== '');
    return read.length > 0 && read.every(t => /\\[\\d+\\]/.test(t));
}"""


def run_all_cells(page) -> None:
    """Run > Run All Cells, as a student does, and wait until every cell has run."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(ALL_RAN)


def stderr_outputs(page) -> list[str]:
    """The text of every error or warning (stderr) output in the notebook."""
    return page.locator(STDERR).all_inner_texts()


def png_widths(output) -> list[int]:
    """The natural widths of the data:image/png <img>s in an output area, each once it is decoded
    (0: it cannot be)."""
    images = output.locator('img[src^="data:image/png"]')
    _appears(images)
    return images.evaluate_all(
        "imgs => Promise.all(imgs.map(i => i.decode().then(() => i.naturalWidth, () => 0)))"
    )


def chromium_page(playwright, viewport=VIEWPORT):
    """Debian's Chromium, launched as the project's pages are (html.HEADLESS_CHROMIUM), and a page."""
    from autograd_lite.html import HEADLESS_CHROMIUM

    browser = playwright.chromium.launch(executable_path=need("chromium"), args=HEADLESS_CHROMIUM)
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(TIMEOUT_MS)
    return browser, page


@contextlib.contextmanager
def screenshot_on_failure(page, path: Path, lab: Lab) -> Iterator[None]:
    """An error inside becomes an AssertionError naming a screenshot of the page and the server's log."""
    try:
        yield
    except Exception as e:
        with contextlib.suppress(Exception):
            page.screenshot(path=path)
        where = f"screenshot of JupyterLab: {path}\nthe server's log: {lab.log}, ending:\n{lab.log_tail(12)}"
        raise AssertionError(f"{e}\n\n{where}") from e


def _appears(locator, timeout: float = 10_000) -> bool:
    """Whether the locator finds an element within `timeout` ms (outputs land just after the prompt)."""
    try:
        locator.first.wait_for(state="attached", timeout=timeout)
    except Exception:
        return False
    return True


def _frame_error(message) -> bool:
    """A console error from inside an output's srcdoc frame (a CSP refusal, a script error)."""
    return message.type == "error" and message.location.get("url", "") == "about:srcdoc"


# --- the test ----------------------------------------------------------------------------------


@pytest.fixture
def lab(tmp_path):
    """`jupyter lab` on tmp_path/root, its user state in tmp_path/home; stopped after the test."""
    need("chromium")
    pytest.importorskip(
        "playwright.sync_api", reason="playwright is missing: pip install -e '.[test]' enables this test"
    )
    need_jupyterlab()
    # matplotlib's font cache, built once per machine, warns "building the font cache" on stderr:
    # build it here, not in the kernel's first cell, where the warning would fail the test.
    import matplotlib.font_manager  # noqa: F401

    root = tmp_path / "root"
    root.mkdir()
    with jupyter_lab(root, tmp_path / "home") as server:
        yield server


def test_the_stepper_and_a_decision_boundary_in_jupyterlab(lab, tmp_path):
    from playwright import sync_api

    from autograd_lite import backward_steps
    from autograd_lite.examples import lecture_neuron

    steps = backward_steps(lecture_neuron())
    third = [next(steps) for _ in range(3)][-1]
    write_notebook(lab.root / "display.ipynb", STEPPER_CELL, BOUNDARY_CELL)

    with sync_api.sync_playwright() as p:
        browser, page = chromium_page(p)
        errors: list[str] = []  # uncaught errors (JupyterLab's and the frame's), the frame's console errors
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if _frame_error(m) else None)
        try:
            with screenshot_on_failure(page, tmp_path / "jupyterlab.png", lab):
                open_notebook(page, lab, "display.ipynb")
                run_all_cells(page)
                stepper_out, boundary_out = (
                    page.locator(".jp-CodeCell").nth(k).locator(".jp-OutputArea") for k in (0, 1)
                )

                frame_element = stepper_out.locator("iframe")
                if not _appears(frame_element):
                    raise AssertionError(
                        "the stepper's output holds no <iframe>; it shows:\n" + stepper_out.inner_text()
                    )
                assert frame_element.get_attribute("sandbox") == "allow-scripts"
                frame = stepper_out.frame_locator("iframe")
                for _ in range(3):
                    frame.locator("#next").click()
                shown = frame.locator("section.state:not([hidden])")
                assert frame.locator("#where").inner_text() == f"Step 3 of {third.total}"
                assert shown.get_attribute("data-step") == "3"
                assert shown.locator("g.current text").first.text_content() == third.name
                assert shown.locator(".chain .line").all_text_contents() == third.lines()
                assert shown.locator("table.values tr.current").get_attribute("data-name") == third.name

                widths = png_widths(boundary_out)
                assert len(widths) == 1 and widths[0] > 0, f"the decision boundary: PNG widths {widths}"
                assert "60/60" in boundary_out.inner_text(), "fit()'s progress bar did not finish"
                if importlib.util.find_spec("ipywidgets") is not None:  # else fit() shows a text bar
                    bar = boundary_out.locator(".widget-hprogress")
                    assert _appears(bar), "fit()'s bar is not tqdm's widget, though ipywidgets is installed"
                assert stderr_outputs(page) == [], "a cell printed an error or a warning"
                assert errors == [], "the page raised errors"
        finally:
            browser.close()
