"""The descent playground in a real browser: Debian's headless Chromium, driven by Playwright
(tests/browser.py: skipped without chromium, failed where CI requires it).

The truth is worked by hand: f(x) = sin(x) + x²/10 has f'(x) = cos(x) + x/5, so plain gradient
descent goes x ← x − lr·(cos x + x/5); x² + 10y² has the gradient (2x, 20y). The picture's
pixels are turned back into numbers with the plot box the SVG declares and the view in the data.
"""

import json
import math
import re

import pytest

from nn.descend_page import FRAME_HEIGHT, descent_playground
from tests.browser import PHONE, Tab, chromium_or_skip

chromium_or_skip()


def f(x):
    return math.sin(x) + x * x / 10


def df(x):
    return math.cos(x) + x / 5


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("descend")
    page = descent_playground("sin(x) + x**2/10", start=3, lr=0.1, steps=30, path=folder / "descent.html")
    data = json.loads(re.search(r'id="descend-data">(.*?)</script>', page.html, re.S).group(1))
    return folder / "descent.html", data


@pytest.fixture
def tab(browser):
    t = Tab(browser)
    yield t
    t.check_clean()
    t.close()


def plot_box(page) -> dict:
    return page.evaluate(
        """() => { const s = document.getElementById('picture').dataset;
        return {left: +s.left, top: +s.top, width: +s.width, height: +s.height}; }"""
    )


def to_data(box, view, px, py):
    """An SVG point back in the formula's numbers (x, and f or y)."""
    x = view[0] + (px - box["left"]) / box["width"] * (view[1] - view[0])
    y = view[3] - (py - box["top"]) / box["height"] * (view[3] - view[2])
    return x, y


def point(page, optimizer="sgd"):
    c = page.locator(f"circle.point[data-optimizer='{optimizer}']")
    return float(c.get_attribute("data-x")), float(c.get_attribute("cx")), float(c.get_attribute("cy"))


def tangent_slope(page, box, view):
    t = page.locator("#tangent")
    assert t.get_attribute("visibility") == "visible"
    x1, y1 = to_data(box, view, float(t.get_attribute("x1")), float(t.get_attribute("y1")))
    x2, y2 = to_data(box, view, float(t.get_attribute("x2")), float(t.get_attribute("y2")))
    return (y2 - y1) / (x2 - x1), (x1 + x2) / 2, (y1 + y2) / 2


def test_next_moves_the_point_and_redraws_the_tangent_with_the_derivatives_slope(made, tab):
    path, data = made
    page = tab.open(path)
    box, view = plot_box(page), data["formulas"][0]["view"]
    x = 3.0
    for k in range(6):
        shown, cx, cy = point(page)
        assert shown == pytest.approx(x, rel=1e-9)
        px, py = to_data(box, view, cx, cy)
        assert (px, py) == (pytest.approx(x, abs=1e-3 * (view[1] - view[0])), pytest.approx(f(x), abs=1e-2))
        slope, mx, my = tangent_slope(page, box, view)
        assert slope == pytest.approx(df(x), rel=2e-3, abs=1e-3), k  # to the pixels' rounding
        assert (mx, my) == (
            pytest.approx(x, abs=1e-2),
            pytest.approx(f(x), abs=1e-2),
        )  # it touches the curve there
        assert page.locator("#where").text_content() == f"iteration {k} of 30"
        assert page.locator("#readout dl").get_attribute("data-k") == str(k)
        page.locator("#next").click()
        x -= 0.1 * df(x)
        assert point(page)[1] != cx, "the point moved"
    assert page.locator("circle.past").count() == 6  # the trail keeps the earlier iterates


def test_changing_the_learning_rate_or_start_switches_trajectory_and_starts_over(made, tab):
    path, _ = made
    page = tab.open(path)
    page.locator("#next").click()
    page.locator("#next").click()
    page.select_option("#lr", label="0.2")
    assert page.locator("#where").text_content() == "iteration 0 of 30"
    page.locator("#next").click()
    assert point(page)[0] == pytest.approx(3 - 0.2 * df(3), rel=1e-9)
    page.select_option("#start", label="x = -3")
    page.locator("#next").click()
    assert point(page)[0] == pytest.approx(-3 - 0.2 * df(-3), rel=1e-9)
    verdict = page.locator("#verdict")
    assert verdict.text_content() == "Iteration 1 of 30: press Next iteration (or Play) to see where it goes."
    for _ in range(29):
        page.locator("#next").click()
    m = re.fullmatch(r"After 30 iterations: x = (\S+), f = (\S+)\.", verdict.text_content())
    lo, hi = -2.0, -1.0  # the minimum: where cos x + x/5 = 0, by bisection
    for _ in range(60):
        lo, hi = (lo, (lo + hi) / 2) if df((lo + hi) / 2) > 0 else ((lo + hi) / 2, hi)
    assert float(m.group(1)) == pytest.approx(lo, abs=0.01)
    assert float(m.group(2)) == pytest.approx(f(lo), abs=1e-3)


def test_a_divergent_setting_says_so_and_the_point_flies_out(made, tab):
    path, _ = made
    page = tab.open(path)
    page.select_option("#fn", label="bowl: x**2")
    page.select_option("#lr", label="1.1")
    verdict = page.locator("#verdict")
    assert "Diverges" in verdict.text_content() and "smaller" in verdict.text_content()
    assert "bad" in verdict.get_attribute("class")
    xs = []
    for _ in range(4):
        page.locator("#next").click()
        xs.append(point(page)[0])
    assert [abs(b / a) for a, b in zip(xs, xs[1:])] == [pytest.approx(1.2)] * 3  # x ← x − 1.1·2x = −1.2x
    page.select_option("#lr", label="0.1")
    assert "Diverges" not in verdict.text_content() and "bad" not in verdict.get_attribute("class")


def test_two_variables_show_every_optimizers_path_and_say_which_diverge(made, tab):
    path, data = made
    page = tab.open(path)
    page.select_option("#fn", label="elongated bowl: x**2 + 10*y**2")
    assert page.locator("#opt-label").is_hidden()  # all six at once
    assert page.locator("path.level").count() > 5  # the contours
    assert page.locator("circle.point").count() == 6 and page.locator("path.trail").count() == 6
    page.select_option("#lr", label="0.09")
    x, y = -4.0, 1.5
    for _ in range(3):
        page.locator("#next").click()
        x, y = x - 0.09 * 2 * x, y - 0.09 * 20 * y  # it zig-zags across the valley
    c = page.locator("circle.point[data-optimizer='sgd']")
    assert (float(c.get_attribute("data-x")), float(c.get_attribute("data-y"))) == (
        pytest.approx(x, rel=1e-9), pytest.approx(y, rel=1e-9))  # fmt: skip
    rows = page.locator("#readout tr[data-optimizer]")
    assert rows.count() == 6
    page.select_option("#lr", label="0.11")
    assert page.locator("#verdict").text_content().startswith("sgd diverges at this learning rate: f rose")
    for _ in range(40):
        page.locator("#next").click()
    assert re.match(r"sgd, nesterov diverge at this learning rate", page.locator("#verdict").text_content())
    assert page.locator("#readout tr[data-optimizer='sgd']").get_attribute("data-kind") == "diverged"
    assert "Diverges" in page.locator("#readout tr.says[data-kind='diverged']").first.text_content()


def test_play_runs_to_the_end_and_reset_and_keys_go_back(made, tab):
    path, _ = made
    page = tab.open(path)
    page.select_option("#fn", label="two minima: x**4 - 4*x**2 + x")
    page.select_option("#lr", label="0.2")  # from -2.5 it diverges at iteration 3
    assert page.locator("#where").text_content() == "iteration 0 of 3"
    page.locator("#play").click()
    assert page.locator("#play").get_attribute("aria-pressed") == "true"
    for _ in range(100):  # polled: the CSP forbids wait_for_function's eval
        if page.locator("#where").text_content() == "iteration 3 of 3":
            break
        page.wait_for_timeout(100)
    assert page.locator("#where").text_content() == "iteration 3 of 3"
    assert (
        page.locator("#next").is_disabled() and page.locator("#play").get_attribute("aria-pressed") == "false"
    )
    page.locator("#reset").click()
    assert page.locator("#where").text_content() == "iteration 0 of 3"
    page.select_option("#lr", label="0.01")
    page.locator("h1").click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator("#where").text_content() == "iteration 2 of 30"
    page.keyboard.press("Home")
    assert page.locator("#where").text_content() == "iteration 0 of 30"


def test_on_a_phone_nothing_is_wider_than_the_screen(made, browser):
    path, _ = made
    t = Tab(browser, PHONE, has_touch=True)
    try:
        page = t.open(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        svg = page.locator("#picture").bounding_box()
        assert (
            svg["x"] >= 0
            and svg["x"] + svg["width"] <= PHONE["width"]
            and svg["width"] > 0.8 * PHONE["width"]
        )
        page.locator("#next").tap()
        assert page.locator("#where").text_content() == "iteration 1 of 30"
        page.select_option("#fn", label="saddle: x**2 - y**2")  # the table of six optimizers
        for _ in range(30):
            page.locator("#next").tap()
        assert page.locator("#readout tr.says").count() > 0  # their verdicts, under their rows
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        t.check_clean()
    finally:
        t.close()


@pytest.mark.parametrize("width", [600, 836, 1092])
def test_in_a_notebook_frame_the_whole_page_shows_without_a_scrollbar(made, browser, tmp_path, width):
    path, _ = made
    cell = descent_playground("sin(x) + x**2/10", start=3, lr=0.1, steps=30)._repr_mimebundle_()["text/html"]
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body style='margin:0'>{cell}"
                    "</body></html>", encoding="utf-8")  # fmt: skip
    t = Tab(browser, {"width": width, "height": 800})
    try:
        page = t.open(host)
        frame = page.locator("iframe").element_handle().content_frame()
        for _ in range(100):
            if frame.evaluate("() => !document.getElementById('controls').hidden"):
                break
            page.wait_for_timeout(100)
        height = page.locator("iframe").bounding_box()["height"]
        assert height == pytest.approx(FRAME_HEIGHT.at(width), abs=2)
        for fn in ["your formula: sin(x) + x**2/10", "Rosenbrock: (1-x)**2 + 100*(y-x**2)**2"]:
            frame.select_option("#fn", label=fn)
            m = frame.evaluate(
                "() => ({bottom: document.querySelector('footer').getBoundingClientRect().bottom,"
                " overflow: document.documentElement.scrollHeight - window.innerHeight})"
            )
            print(f"{fn[:12]} at {width}px: frame {height:.0f}, slack {height - m['bottom']:.0f}")
            assert m["overflow"] <= 0 and m["bottom"] <= height, (fn, width, height, m)
            assert height - m["bottom"] <= 300, (fn, width, height, m)
        t.check_clean()
    finally:
        t.close()
