"""nn.compare's page in a real browser: Debian's headless Chromium, driven by Playwright.

Set up as tests/test_browser.py: skipped, with the way to enable them, where `chromium` is not
installed; failed instead where AUTOGRAD_LITE_REQUIRE names it. One browser serves the module;
every test gets a fresh context and checks at the end that the page made no request beyond its own
file and raised no error.

The runs are tiny and recorded at different epochs: every epoch for 50 epochs, every 3rd for 130
(epochs 0, 3, ..., 129, 130), and one that diverges at epoch 4 (every 2nd: 0, 2, 4).
"""

import base64
import warnings

import pytest

import nn
from tests.browser import DESKTOP, PHONE, Tab, chromium_or_skip

chromium_or_skip()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The comparison page of three runs, and the runs."""
    folder = tmp_path_factory.mktemp("compare")
    X, y = nn.datasets.moons(n=40, noise=0.1, seed=0)
    runs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the diverging run's warning
        for name, lr, epochs in [("every epoch", 0.5, 50), ("every 3rd", 0.5, 130), ("diverges", 100.0, 100)]:
            runs[name] = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, optimizer="sgd", lr=lr, epochs=epochs,
                                seed=0, record=True, progress=False)  # fmt: skip
    assert runs["every epoch"].replay.frame_epochs == list(range(51))
    assert runs["every 3rd"].replay.frame_epochs == list(range(0, 130, 3)) + [130]
    assert runs["diverges"].diverged and runs["diverges"].replay.frame_epochs == [0, 2, 4]
    nn.compare(runs, folder / "runs.html")
    return folder, runs


@pytest.fixture
def tab(browser):
    t = Tab(browser, DESKTOP)
    yield t
    t.check_clean()
    t.context.close()


def uri(image: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


def shown(page, runs) -> list[tuple[int, str]]:
    """(data-epoch, href) of each run's picture, in panel order."""
    out = []
    for r in range(len(runs)):
        image = page.locator(f'.run[data-run="{r}"] image.frame')
        out.append((int(image.get_attribute("data-epoch")), image.get_attribute("href")))
    return out


def expected(runs, epoch: int) -> list[tuple[int, str]]:
    """Each run's frame at `epoch`: its latest recorded epoch up to it."""
    out = []
    for h in runs.values():
        rp = h.replay
        k = max(i for i, e in enumerate(rp.frame_epochs) if e <= epoch)
        out.append((rp.frame_epochs[k], uri(rp.images[k])))
    return out


def test_the_slider_moves_every_run_to_its_frame_at_that_epoch(tab, pages):
    folder, runs = pages
    page = tab.open(folder / "runs.html")
    assert page.locator(".run[data-run]").count() == 3
    assert shown(page, runs) == expected(runs, 130)
    epochs = sorted({e for h in runs.values() for e in h.replay.frame_epochs})
    before = page.locator("figure.chart .marker").first.get_attribute("x1")
    for step in (0, 10, 49, 51, 60):
        page.locator("#slider").fill(str(step))
        epoch = epochs[step]
        assert shown(page, runs) == expected(runs, epoch), epoch
        assert page.url.endswith(f"#epoch-{epoch}")
        assert page.locator("#where").inner_text() == (
            "before training (epoch 0)" if epoch == 0 else f"epoch {epoch} of 130"
        )
    assert epochs[60] == 78 and expected(runs, 78)[0][0] == 50  # the first run ended at 50
    assert page.locator("figure.chart .marker").first.get_attribute("x1") != before
    page.locator("#slider").fill("10")
    h = runs["every epoch"]
    first = page.locator('.run[data-run="0"]')
    assert first.locator(".status").inner_text() == "epoch 10"
    assert first.locator(".nums .v").all_inner_texts() == [f"{h.loss[9]:.4g}", f"{100 * h.accuracy[9]:.1f}%"]
    page.keyboard.press("Home")
    assert shown(page, runs) == expected(runs, 0)
    assert first.locator(".status").inner_text() == "before training (epoch 0)"
    assert page.locator(".dot").first.get_attribute("visibility") == "hidden"  # no loss at epoch 0
    page.keyboard.press("ArrowRight")
    assert shown(page, runs) == expected(runs, 1)
    page.keyboard.press("End")
    assert shown(page, runs) == expected(runs, 130)


def test_an_epoch_link_opens_that_epoch_in_every_run(tab, pages):
    folder, runs = pages
    page = tab.open(folder / "runs.html", "#epoch-40")
    assert shown(page, runs) == expected(runs, 40)
    assert [e for e, _ in shown(page, runs)] == [40, 39, 4]
    assert page.locator("#where").inner_text() == "epoch 40 of 130"
    page.goto((folder / "runs.html").as_uri() + "#epoch-2")  # a new address in the same page
    assert [e for e, _ in shown(page, runs)] == [2, 0, 2]


def test_play_advances_every_run_and_pause_stops(tab, pages):
    folder, runs = pages
    page = tab.open(folder / "runs.html", "#epoch-0")
    assert shown(page, runs) == expected(runs, 0)
    page.click("#play")
    assert page.locator("#play").get_attribute("aria-pressed") == "true"
    for _ in range(100):  # polled from here: the page's CSP forbids the eval wait_for_function uses
        if int(page.locator("html").get_attribute("data-step")) >= 4:
            break
        page.wait_for_timeout(50)
    page.click("#play")
    assert page.locator("#play").get_attribute("aria-pressed") == "false"
    step = int(page.locator("html").get_attribute("data-step"))
    assert step >= 4 and shown(page, runs) == expected(runs, step)  # steps 0 to 50 are epochs 0 to 50
    page.wait_for_timeout(400)
    assert int(page.locator("html").get_attribute("data-step")) == step


def test_a_run_that_stopped_shows_its_last_frame_and_says_so(tab, pages):
    folder, runs = pages
    h = runs["diverges"]
    page = tab.open(folder / "runs.html", "#epoch-3")
    panel = page.locator('.run[data-run="2"]')
    assert panel.locator(".status").inner_text() == "epoch 2" and panel.get_attribute("data-past") is None
    page.keyboard.press("ArrowRight")  # epoch 4: its last
    assert panel.locator(".status").inner_text() == "epoch 4"
    page.keyboard.press("ArrowRight")  # epoch 5: past its end
    assert panel.locator(".status").inner_text() == "stopped at epoch 4 (diverged)"
    assert panel.get_attribute("data-past") == ""
    assert shown(page, runs)[2] == (4, uri(h.replay.images[-1]))
    assert f"diverged at epoch 4, weights of epoch {h.restored_epoch} restored" in panel.inner_text()
    assert page.locator('.run[data-run="0"] .status').inner_text() == "epoch 5"
    page.keyboard.press("End")
    assert page.locator('.run[data-run="0"] .status').inner_text() == "stopped at epoch 50"


def test_three_panels_to_a_row_on_a_laptop_and_one_on_a_phone(browser, pages):
    folder, runs = pages
    for viewport, per_row in ((DESKTOP, 3), (PHONE, 1)):
        t = Tab(browser, viewport)
        try:
            page = t.open(folder / "runs.html")
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            boxes = [page.locator(f'.run[data-run="{r}"]').bounding_box() for r in range(3)]
            assert len({round(b["y"]) for b in boxes}) == 3 // per_row
            plot = page.locator('.run[data-run="0"] svg.plot').bounding_box()
            assert plot["width"] > 200  # a picture to read, on either screen
            play, slider = page.locator("#play").bounding_box(), page.locator("#slider").bounding_box()
            assert abs(play["y"] - slider["y"]) < 20 and slider["width"] > 120  # one row of controls
            t.check_clean()
        finally:
            t.context.close()


def test_in_a_notebook_frame_the_whole_page_fits(browser, pages, tmp_path):
    folder, runs = pages
    six = {f"{name} ({k})": h for k in ("a", "b") for name, h in runs.items()}
    cells = [
        nn.compare(runs)._repr_mimebundle_()["text/html"],
        nn.compare(six)._repr_mimebundle_()["text/html"],
    ]
    notebook = tmp_path / "notebook.html"
    notebook.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body style='margin:0'>"
        + "".join(f"<div class='output'>{c}</div>" for c in cells)
        + "</body></html>"
    )
    for width in (600, 760, 850, 1100):
        t = Tab(browser, {"width": width, "height": 900})
        try:
            page = t.open(notebook)
            for k in range(2):
                box = page.locator("iframe").nth(k)
                inner = box.element_handle().content_frame()
                inner.wait_for_load_state()
                inner.locator("#controls:not([hidden])").wait_for()  # its script has run
                assert inner.evaluate("document.documentElement.hasAttribute('data-framed')")
                bottom = inner.evaluate("document.querySelector('footer').getBoundingClientRect().bottom")
                height = box.bounding_box()["height"]
                assert bottom <= height < bottom + 160, (width, k, bottom, height)
            t.check_clean()
        finally:
            t.context.close()
