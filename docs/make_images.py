"""Regenerate the pictures the README shows: `python docs/make_images.py`.

The screenshots of the HTML pages need Debian's `chromium` and Playwright
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
    replay_screenshots()
    compare_screenshot()
    descend_screenshots()
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


#: The points of an SVG line where it, and nothing drawn over it, takes the pointer.
POINTS_ON = """el => {
  const m = el.getScreenCTM(), len = el.getTotalLength(), spots = [];
  for (let k = 1; k < 60; k++) {
    const p = el.getPointAtLength(len * k / 60);
    spots.push({x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f});
  }
  return spots.filter(p => document.elementFromPoint(p.x, p.y) === el);
}"""


def replay_screenshots(folder: Path = HERE) -> list[Path]:
    """The replay inside the network: a 2-8-8-1 tanh net on moons at #epoch-40 with neuron 2.3 shown
    large and the tooltip of its heaviest incoming weight open (replay-network.png, 1280x800), the
    same address on a phone (replay-phone.png, 390x844). [] without chromium or Playwright."""
    sync_playwright = _browser("the replay screenshots")
    if sync_playwright is None:
        return []
    import nn

    X, y = nn.datasets.moons(n=100, noise=0.1, seed=0)
    history = nn.fit(nn.MLP(2, [8, 8, 1], activation="tanh", seed=0), X, y, loss="bce_with_logits",
                     epochs=200, seed=0, record=True, progress=False)  # fmt: skip
    rp = history.replay
    assert rp.net is not None  # an MLP: the page draws it
    frame = rp.frame_epochs.index(40)
    into = rp.net.layers[1][2].weights  # neuron 2.3's weights, from layer 1
    heaviest = max(into, key=lambda i: abs(rp.weights[frame][i]))
    work = Path(tempfile.mkdtemp())
    history.to_html(work / "run.html")
    address = (work / "run.html").as_uri() + "#epoch-40&neuron=2.3"
    shots = [folder / "replay-network.png", folder / "replay-phone.png"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=HEADLESS_CHROMIUM)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(address)
        # the header scrolled away under the controls' bar, the pointer as high on the line as it
        # goes: the tooltip (some 610 x 520 px) opens below it, over the network's lower half
        page.evaluate("window.scrollTo(0, document.getElementById('network').offsetTop - 90)")
        spots = page.locator(f"svg.net path.w[data-i='{heaviest}']").evaluate(POINTS_ON)
        spot = min(spots, key=lambda s: s["y"])
        page.mouse.move(spot["x"], spot["y"])
        page.locator("#inspect").wait_for()
        page.screenshot(path=shots[0])
        page.close()
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(address)
        page.screenshot(path=shots[1])
        browser.close()
    shutil.rmtree(work)
    for path in shots:
        palette_png(path)
    print("wrote " + ", ".join(str(p) for p in shots))
    return shots


def compare_screenshot(folder: Path = HERE, phone: bool = False) -> list[Path]:
    """Three learning rates on moons side by side (nn.compare) at #epoch-40: compare-page.png at
    1280x800 (and compare-page-phone.png at 390 px wide with phone=True); [] without chromium."""
    sync_playwright = _browser("the comparison screenshot")
    if sync_playwright is None:
        return []
    import warnings

    import nn

    X, y = nn.datasets.moons(n=100, noise=0.1, seed=0)
    runs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # lr 100 diverges: the point of the lesson
        for lr in (0.01, 1.0, 100.0):
            runs[f"lr {lr:g}"] = nn.fit(nn.MLP(2, [8, 1], seed=0), X, y, optimizer="sgd", lr=lr, epochs=100,
                                        seed=0, record=True, progress=False)  # fmt: skip
    work = Path(tempfile.mkdtemp())
    nn.compare(runs, work / "runs.html", title="Learning rate: too small, good, too large")
    sizes: list[tuple[str, Any]] = [("", {"width": 1280, "height": 800})]
    if phone:
        sizes.append(("-phone", {"width": 390, "height": 844}))
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=HEADLESS_CHROMIUM)
        for suffix, viewport in sizes:
            page = browser.new_page(viewport=viewport)
            page.goto((work / "runs.html").as_uri() + "#epoch-40")
            shots.append(folder / f"compare-page{suffix}.png")
            page.screenshot(path=shots[-1])
            page.close()
        browser.close()
    shutil.rmtree(work)
    print("wrote " + ", ".join(str(p) for p in shots))
    return shots


def descend_screenshots(folder: Path = HERE) -> list[Path]:
    """The descent playground (`autograd-lite descend ... --html`): descend-tangent.png, sin(x) +
    x²/10 from x = -3 after 3 iterations (the tangent, the trail), and descend-paths.png, Rosenbrock's
    valley with six optimizers after 40 iterations at lr 0.002; 1280x1000; [] without chromium."""
    sync_playwright = _browser("the descent playground screenshots")
    if sync_playwright is None:
        return []
    import nn

    work = Path(tempfile.mkdtemp())
    nn.descent_playground("sin(x) + x**2/10", start=3, lr=0.1, steps=30, path=work / "descent.html")
    shots = [folder / "descend-tangent.png", folder / "descend-paths.png"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=HEADLESS_CHROMIUM)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto((work / "descent.html").as_uri())
        page.select_option("#start", label="x = -3")
        for _ in range(3):
            page.locator("#next").click()
        page.screenshot(path=shots[0])
        page.select_option("#fn", label="Rosenbrock: (1-x)**2 + 100*(y-x**2)**2")
        page.select_option("#lr", label="0.002")
        for _ in range(40):
            page.locator("#next").click()
        page.screenshot(path=shots[1])
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
