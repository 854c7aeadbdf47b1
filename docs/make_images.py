"""Regenerate the pictures the README shows: `python docs/make_images.py`.

The screenshots of the two HTML pages need Debian's `chromium` and Playwright
(the `test` extra); without them they are left as they are.
"""

import importlib
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from autograd_lite import backward_steps, draw, render_svg
from autograd_lite.examples import lecture_neuron
from autograd_lite.html import HEADLESS_CHROMIUM

HERE = Path(__file__).resolve().parent


neuron = lecture_neuron


def main() -> None:
    o = neuron()
    o.backward()
    render_svg(draw(o), HERE / "neuron.svg")
    steps = backward_steps(neuron())
    for _ in range(3):  # "step 3" everywhere: the graph after step 3, its node highlighted
        next(steps)
    render_svg(steps.draw(), HERE / "neuron-step-3.svg")
    print(f"wrote pictures to {HERE}")
    page_screenshots()
    jupyterlab_screenshots()


def _browser(what: str, *also: str) -> Any:
    """Playwright's sync_playwright, or None (saying so) without chromium, Playwright or `also`."""
    try:
        for name in also:
            importlib.import_module(name)
        from playwright.sync_api import sync_playwright
    except ImportError as missing:
        print(f"{what} left as they are: {missing} (the test and notebook extras install it)")
        return None
    if shutil.which("chromium") is None:
        print(f"{what} left as they are: no chromium (apt-get install chromium)")
        return None
    return sync_playwright


def page_screenshots(folder: Path = HERE, phone: bool = False) -> list[Path]:
    """Make the backward-pass page of the neuron and the replay of a moons run; screenshot both.

    Writes stepper-page.png and training-page.png (1280x800) to `folder`, and
    with phone=True also the *-phone.png views at 390 px wide. Returns the
    screenshots, or [] when chromium or Playwright is missing.
    """
    sync_playwright = _browser("page screenshots")
    if sync_playwright is None:
        return []
    import nn

    work = Path(tempfile.mkdtemp())
    backward_steps(neuron()).to_html(work / "steps.html")
    X, y = nn.datasets.moons(n=100, noise=0.1, seed=0)
    X_train, X_val, y_train, y_val = nn.datasets.train_test_split(X, y, test_size=0.25, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    nn.fit(model, X_train, y_train, epochs=200, batch_size=32, lr=0.005, seed=0, validation=(X_val, y_val),
           record=work / "run.html", progress=False)  # fmt: skip
    views = [("stepper-page", "steps.html#step-3"), ("training-page", "run.html#epoch-24")]
    sizes: list[tuple[str, Any]] = [("", {"width": 1280, "height": 800})]  # Any: playwright's ViewportSize
    if phone:
        sizes.append(("-phone", {"width": 390, "height": 844}))
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=HEADLESS_CHROMIUM)
        for suffix, viewport in sizes:
            page = browser.new_page(viewport=viewport)
            for name, target in views:
                file, fragment = target.split("#")
                page.goto((work / file).as_uri() + "#" + fragment)
                path = folder / f"{name}{suffix}.png"
                page.screenshot(path=path)
                shots.append(path)
            page.close()
        browser.close()
    shutil.rmtree(work)
    print("wrote " + ", ".join(str(p) for p in shots))
    return shots


def jupyterlab_screenshots(folder: Path = HERE) -> list[Path]:
    """Screenshots of JupyterLab at 1280x800, every cell run from its menu (Run > Run All Cells).

    jupyterlab-stepper.png: the lecture neuron's stepper after three clicks on
    Next; jupyterlab-lesson.png: notebooks/xor.ipynb at its figure. The server,
    its private folders and the browser are tests/test_jupyterlab.py's. Returns
    the screenshots, or [] without chromium, Playwright or JupyterLab.
    """
    sync_playwright = _browser("JupyterLab screenshots", "jupyterlab")
    if sync_playwright is None:
        return []
    sys.path.insert(0, str(HERE.parent))  # the harness is the test's: tests/ is not an installed package
    from tests import test_jupyterlab as lab_test

    work = Path(tempfile.mkdtemp())
    root = work / "root"
    root.mkdir()
    lab_test.write_notebook(root / "stepper.ipynb", lab_test.STEPPER_CELL)
    shutil.copy(HERE.parent / "notebooks" / "xor.ipynb", root / "xor.ipynb")
    stepper, lesson = folder / "jupyterlab-stepper.png", folder / "jupyterlab-lesson.png"
    try:
        with lab_test.jupyter_lab(root, work / "home") as lab, sync_playwright() as p:
            browser, page = lab_test.chromium_page(p)
            lab_test.open_notebook(page, lab, "stepper.ipynb")
            lab_test.run_all_cells(page)
            frame = page.frame_locator(".jp-OutputArea iframe")
            for _ in range(3):
                frame.locator("#next").click()
            page.locator(".jp-CodeCell").first.evaluate("cell => cell.scrollIntoView({block: 'start'})")
            page.screenshot(path=stepper)
            warned = lab_test.stderr_outputs(page)

            lab_test.open_notebook(page, lab, "xor.ipynb")
            lab_test.run_all_cells(page)
            figure = page.locator(".jp-OutputArea img").last  # the lesson's main picture, under its code
            figure.wait_for()
            figure.evaluate("img => img.scrollIntoView({block: 'center'})")
            page.screenshot(path=lesson)
            warned += lab_test.stderr_outputs(page)
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for path in (stepper, lesson):
        palette_png(path)
    print(f"wrote {stepper}, {lesson}")
    for text in warned:
        print(f"a cell printed on stderr (it shows in the screenshot's notebook):\n{text}")
    return [stepper, lesson]


def palette_png(path: Path) -> None:
    """Rewrite a screenshot as a 256-colour PNG without dithering: a third of the bytes, text as sharp."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


if __name__ == "__main__":
    main()
