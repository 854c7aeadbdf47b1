"""The replay's inside-the-network view in a real browser: Debian's headless Chromium, driven by Playwright.

Set up as tests/test_browser.py: skipped, with the way to enable them, where `chromium` is not
installed; failed instead where AUTOGRAD_LITE_REQUIRE names it. One browser serves the module;
every test gets a fresh context and checks at the end that the page made no request beyond its own
file and raised no error.

The truth is Python's, never the page's own data read back: the Replay's weights, maps, optimizer
steps and backward passes (themselves checked against a second training run cut short), the
model's parameter names, and backward passes rebuilt here with `backward_steps` at a frame's weights.
The run is tiny: an MLP 2-4-3-1 (tanh) on 60 moons points for 60 epochs, every epoch a frame.
"""

import base64
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd_lite import Value, backward_steps
from autograd_lite.palette import OKABE_ITO
from tests.browser import DESKTOP, PHONE, Tab, chromium_or_skip

chromium_or_skip()
EPOCHS = 60  # every epoch a frame (a replay records every epoch up to 60)
HIDDEN = [4, 3]  # neurons 1.1-1.4, 2.1-2.3, then the output 3.1
POSITIVE, NEGATIVE = OKABE_ITO["vermillion"], OKABE_ITO["blue"]  # a weight's colour by its sign


def moons():
    return nn.datasets.moons(n=60, noise=0.1, seed=0)


def train(epochs: int):
    """The module's run (or the same run cut short): model, optimizer, History."""
    X, y = moons()
    model = nn.MLP(2, [*HIDDEN, 1], activation="tanh", seed=0)
    opt = nn.optim.Adam(model.parameters(), lr=0.05)
    history = nn.fit(model, X, y, loss="bce_with_logits", optimizer=opt, epochs=epochs, seed=0,
                     record=True, progress=False)  # fmt: skip
    return model, opt, history


@dataclass
class Run:
    path: Path
    history: nn.History
    model: nn.MLP
    names: list[str]  # model.named_parameters()'s, in order

    @property
    def rp(self):
        return self.history.replay


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    model, _, history = train(EPOCHS)
    path = tmp_path_factory.mktemp("replay") / "run.html"
    history.to_html(path)
    assert history.replay.frame_epochs == list(range(EPOCHS + 1))
    return Run(path, history, model, [name for name, _ in model.named_parameters()])


@pytest.fixture
def tab(browser):
    t = Tab(browser, DESKTOP)
    yield t
    t.check_clean()
    t.context.close()


@pytest.fixture
def touch(browser):
    t = Tab(browser, DESKTOP, has_touch=True)
    yield t
    t.check_clean()
    t.context.close()


# --- what the page shows, read back -----------------------------------------------------------


def uri(image: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


def pixels(href: str) -> np.ndarray:
    """A data: URL's PNG as (rows, columns, RGB) integers."""
    from PIL import Image

    assert href.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(href.split(",", 1)[1]))) as image:
        return np.asarray(image.convert("RGB"), dtype=int)


def assert_map_of(href: str, values: np.ndarray) -> None:
    """The picture draws these values: vermillion where > 0, blue where < 0, white near 0, deeper with |v|."""
    rgb = pixels(href)
    assert rgb.shape[:2] == values.shape
    hue = np.sign(rgb[..., 0] - rgb[..., 2])  # vermillion tints: more red than blue; blue tints: less
    depth = 255 - rgb.min(axis=2)  # 0 for white
    big = np.abs(values) > 0.5 * np.abs(values).max()
    assert big.any() and (depth[big] > 0).all()
    coloured = depth > 0
    assert (hue[coloured] == np.sign(values[coloured])).all()
    for sign in (1, -1):
        side = np.sign(values) == sign
        order = np.argsort(np.abs(values[side]), kind="stable")
        assert (np.diff(depth[side][order]) >= 0).all()  # never paler for a larger |v|


def number(text: str) -> float:
    return float(text.replace("\u2212", "-"))


def close(shown: float, truth: float) -> bool:
    """Equal to 4 significant digits."""
    return math.isclose(shown, truth, rel_tol=6e-4, abs_tol=1e-12)


POINT_ON = """el => {
  // a point of the line (or mark) where it, and nothing over it, takes the pointer
  const m = el.getScreenCTM();
  const at = p => ({x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f});
  const spots = [];
  if (el.getTotalLength) {
    const len = el.getTotalLength();
    for (let k = 1; k < 60; k++) { spots.push(at(el.getPointAtLength(len * k / 60))); }
  } else {
    const b = el.getBBox();
    spots.push(at({x: b.x + b.width / 2, y: b.y + b.height / 2}));
  }
  return spots.find(p => document.elementFromPoint(p.x, p.y) === el) || null;
}"""


def weight(page, i: int):
    return page.locator(f"svg.net [data-i='{i}']")


def point_on(page, i: int) -> dict:
    el = weight(page, i)
    el.scroll_into_view_if_needed()
    spot = el.evaluate(POINT_ON)
    assert spot is not None, f"no point of weight {i} takes the pointer"
    return spot


NEAR = """(el, p) => {
  // how far the point p (on the screen) is from the line el, in px
  const m = el.getScreenCTM(), len = el.getTotalLength();
  let best = Infinity;
  for (let k = 0; k <= 200; k++) {
    const q = el.getPointAtLength(len * k / 200);
    const x = m.a * q.x + m.c * q.y + m.e, y = m.b * q.x + m.d * q.y + m.f;
    best = Math.min(best, Math.hypot(x - p.x, y - p.y));
  }
  return best;
}"""


def tap_weight(page, i: int) -> tuple[int, dict]:
    """Tap weight i's line; the weight the page pins (a finger's tap may land on a line next to it:
    Chromium's touch adjustment) and the point tapped."""
    spot = point_on(page, i)
    page.touchscreen.tap(spot["x"], spot["y"])
    pinned = page.locator("svg.net .inspected").evaluate_all("els => els.map(e => +e.dataset.i)")
    assert len(pinned) == 1, pinned
    assert weight(page, pinned[0]).evaluate(NEAR, spot) < 20  # under the finger
    return pinned[0], spot


def covers(box: dict, spot: dict) -> bool:
    return (
        box["x"] <= spot["x"] <= box["x"] + box["width"] and box["y"] <= spot["y"] <= box["y"] + box["height"]
    )


def tooltip(page) -> dict:
    """The open weight inspector: name, kind, value, grad, state numbers and the last step's lines."""
    box = page.locator("#inspect")
    assert box.is_visible()
    text = box.locator(".numbers").inner_text()
    numbers = re.search(r"\b(weight|bias|w|b) = (\S+),\s+grad = (\S+)", text)
    assert numbers is not None, text
    kind, value, grad = numbers.groups()
    state = {}
    if box.locator(".state").count():
        for part in box.locator(".state span").inner_text().split(","):
            key, val = part.split(" = ")
            named = re.fullmatch(r".*\((\w+)\)", key.strip())  # "m (exp_avg)": the state's own key
            state[named[1] if named else key.strip()] = number(val)
    rule = box.locator("pre.rule")
    return {
        "name": box.locator(".name").inner_text(),
        "kind": {"w": "weight", "b": "bias"}.get(kind, kind),
        "value": number(value),
        "grad": grad,
        "state": state,
        "lines": rule.text_content().split("\n") if rule.count() else None,
        "text": box.inner_text(),
    }


def assert_tooltip(page, run: Run, frame: int, i: int) -> None:
    rp = run.rp
    shown = tooltip(page)
    assert run.names[i] in shown["name"].replace("\n", " ")  # named as named_parameters() names it
    assert shown["kind"] == ("bias" if run.names[i].endswith(".b") else "weight")
    assert close(shown["value"], rp.weights[frame][i]), (frame, i, shown, rp.weights[frame][i])
    if frame == 0:
        assert shown["grad"] == "—" and shown["lines"] is None
        assert "before training" in shown["text"]
        return
    assert f"after epoch {frame}" in shown["text"]
    assert close(number(shown["grad"]), rp.grads[frame][i])
    step = rp.steps[frame][i]
    assert shown["lines"] == list(step.lines)
    assert close(shown["value"], step.after)  # the value shown is the one the step left
    assert shown["state"].keys() == step.state.keys()
    assert all(close(shown["state"][k], v) for k, v in step.state.items())


def frame_of(page) -> int:
    return int(page.locator("html").get_attribute("data-frame"))


def sort_of(i: int, run: Run) -> str:
    return "rect.b" if run.names[i].endswith(".b") else "path.w"


def assert_lines_follow(page, run: Run, frame: int) -> None:
    """Every weight's line: colour by the sign of its weight at `frame`, thicker for a larger |w|."""
    w = run.rp.weights[frame]
    paths = page.locator("svg.net path.w")
    drawn = paths.evaluate_all(
        "els => els.map(e => [+e.dataset.i, e.getAttribute('stroke'), +e.getAttribute('stroke-width')])"
    )
    assert sorted(i for i, _, _ in drawn) == [
        i for i, name in enumerate(run.names) if not name.endswith(".b")
    ]
    for i, colour, _ in drawn:
        assert colour == (POSITIVE if w[i] >= 0 else NEGATIVE), (frame, i, w[i])
    by_size = sorted(drawn, key=lambda d: abs(w[d[0]]))
    widths = [width for _, _, width in by_size]
    assert widths == sorted(widths) and widths[0] < widths[-1]  # never thinner for a larger |w|
    marks = page.locator("svg.net rect.b").evaluate_all(
        "els => els.map(e => [+e.dataset.i, e.getAttribute('fill'), +e.getAttribute('width')])"
    )
    assert len(marks) == sum(HIDDEN) + 1
    for i, colour, _ in marks:
        assert colour == (POSITIVE if w[i] >= 0 else NEGATIVE), (frame, i, w[i])
    sizes = [size for _, _, size in sorted(marks, key=lambda d: abs(w[d[0]]))]
    assert sizes == sorted(sizes)


def neuron_index(key: str) -> int:
    """A hidden neuron's place among the replay's maps (layer by layer)."""
    layer, n = (int(k) for k in key.split("."))
    return sum(HIDDEN[: layer - 1]) + n - 1


def assert_big_map_is_neuron(page, run: Run, frame: int, key: str) -> None:
    href = page.locator("#frame").get_attribute("href")
    assert href != uri(run.rp.images[frame])  # not the output's regions
    assert_map_of(href, run.rp.maps[frame][neuron_index(key)])
    small = page.locator(f"g.node[data-neuron='{key}'] image").get_attribute("href")
    assert small == href  # the same picture as the neuron's own in the drawing
    assert page.locator("#showing").inner_text() == f"Neuron {key} (tanh): its output over the plane"
    assert page.locator("g.node.selected").count() == 1
    assert page.locator(f"g.node[data-neuron='{key}']").get_attribute("class").split() == ["node", "selected"]
    assert page.locator("#to-output").is_visible()
    assert page.locator("#scale").is_visible()


def assert_big_map_is_output(page, run: Run, frame: int) -> None:
    assert page.locator("#frame").get_attribute("href") == uri(run.rp.images[frame])
    assert page.locator("#showing").inner_text() == "Output: the class the model predicts"
    assert page.locator("g.node.selected").count() <= 1
    hidden = [f"{li + 1}.{n + 1}" for li, size in enumerate(HIDDEN) for n in range(size)]
    for key in hidden:
        assert "selected" not in page.locator(f"g.node[data-neuron='{key}']").get_attribute("class")
    assert not page.locator("#to-output").is_visible() and not page.locator("#scale").is_visible()


# --- the truth itself ---------------------------------------------------------------------


def test_the_replays_numbers_are_the_ones_training_reaches(run):
    """The Replay the page shows holds training's numbers: the trained model's at the last frame,
    and a second run stopped at epoch 20 (same seed) has frame 20's weights and optimizer state."""
    rp = run.rp
    assert rp.weights[-1].tolist() == [p.data for _, p in run.model.named_parameters()]
    model, opt, _ = train(20)
    params = [p for _, p in model.named_parameters()]
    assert rp.weights[20].tolist() == [p.data for p in params]
    for step, p in zip(rp.steps[20], params):
        assert step.after == p.data and step.state == opt.state[p]


# --- a neuron's map, large ------------------------------------------------------------------


def test_clicking_a_neuron_shows_its_map_large_and_show_the_output_brings_it_back(tab, run):
    page = tab.open(run.path)
    assert frame_of(page) == EPOCHS
    assert_big_map_is_output(page, run, EPOCHS)
    page.locator("g.node[data-neuron='2.3']").click()
    assert_big_map_is_neuron(page, run, EPOCHS, "2.3")
    assert page.url.endswith(f"#epoch-{EPOCHS}&neuron=2.3")
    page.locator("g.node[data-neuron='1.2']").click()  # another neuron: another picture
    assert_big_map_is_neuron(page, run, EPOCHS, "1.2")
    page.locator("#slider").fill("7")  # the neuron stays large, at the shown frame
    assert_big_map_is_neuron(page, run, 7, "1.2")
    assert page.url.endswith("#epoch-7&neuron=1.2")
    page.click("#to-output")
    assert_big_map_is_output(page, run, 7)
    assert page.url.endswith("#epoch-7")
    page.locator("g.node[data-neuron='2.1']").click()
    page.locator("g.node[data-neuron='2.1']").click()  # a second click puts the output back too
    assert_big_map_is_output(page, run, 7)


def test_a_neuron_is_picked_from_the_keyboard(tab, run):
    page = tab.open(run.path)
    for _ in range(12):  # Tab from the top of the page reaches the first neuron
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('data-neuron')") == "1.1":
            break
    assert page.evaluate("document.activeElement.getAttribute('data-neuron')") == "1.1"
    page.keyboard.press("Enter")
    assert_big_map_is_neuron(page, run, EPOCHS, "1.1")
    page.locator("g.node[data-neuron='2.2']").focus()
    page.keyboard.press(" ")  # Space picks it too, and does not start Play
    assert_big_map_is_neuron(page, run, EPOCHS, "2.2")
    assert page.locator("#play").get_attribute("aria-pressed") == "false"
    page.keyboard.press("Enter")  # again: back to the output
    assert_big_map_is_output(page, run, EPOCHS)


def test_an_address_opens_its_epoch_with_its_neuron_large(tab, run):
    page = tab.open(run.path, "#epoch-40&neuron=2.3")
    assert frame_of(page) == 40 and page.locator("#slider").input_value() == "40"
    assert page.locator("#r-epoch").inner_text() == f"epoch 40 of {EPOCHS}"
    assert_big_map_is_neuron(page, run, 40, "2.3")
    at_40 = page.locator("#frame").get_attribute("href")
    page.keyboard.press("End")  # the same neuron at the end is another picture: this was epoch 40's
    assert frame_of(page) == EPOCHS and page.url.endswith(f"#epoch-{EPOCHS}&neuron=2.3")
    assert_big_map_is_neuron(page, run, EPOCHS, "2.3")
    assert not np.array_equal(pixels(page.locator("#frame").get_attribute("href")), pixels(at_40))


# --- the weights --------------------------------------------------------------------------------


def test_the_slider_and_the_keys_move_every_weights_line(tab, run):
    rp = run.rp
    page = tab.open(run.path)
    assert_lines_follow(page, run, EPOCHS)
    w0, w1 = rp.weights[0], rp.weights[EPOCHS]
    flips = [
        i for i in range(len(run.names)) if np.sign(w0[i]) != np.sign(w1[i]) and sort_of(i, run) == "path.w"
    ]
    assert flips  # training turned some weight's sign: its line changes colour
    page.locator("#slider").fill("0")
    assert_lines_follow(page, run, 0)
    assert weight(page, flips[0]).get_attribute("stroke") != (POSITIVE if w1[flips[0]] >= 0 else NEGATIVE)
    # one line between two frames: thicker where |w| is larger (both well under the thickest)
    small = np.median(np.abs(np.concatenate(rp.weights)))
    lines = [i for i in range(len(run.names)) if sort_of(i, run) == "path.w"]
    i, a, b = next(
        (i, a, b)
        for i in lines
        for a, b in [(0, EPOCHS), (EPOCHS, 0)]
        if 2 * abs(rp.weights[a][i]) < abs(rp.weights[b][i]) < small
    )
    page.locator("#slider").fill(str(a))
    thin = float(weight(page, i).get_attribute("stroke-width"))
    page.locator("#slider").fill(str(b))
    assert float(weight(page, i).get_attribute("stroke-width")) > thin
    page.locator("h1").click()  # the keys, away from the slider
    page.keyboard.press("ArrowLeft")
    assert frame_of(page) == max(b - 1, 0)
    assert_lines_follow(page, run, frame_of(page))
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert frame_of(page) == EPOCHS - 2
    assert_lines_follow(page, run, EPOCHS - 2)


def test_a_hovered_weights_numbers_follow_the_frame(tab, run):
    page = tab.open(run.path)
    i = next(i for i, name in enumerate(run.names) if name == "layers.1.neurons.2.w.1")  # into neuron 2.3
    assert page.locator("#inspect").is_hidden()
    spot = point_on(page, i)
    page.mouse.move(spot["x"], spot["y"])
    assert_tooltip(page, run, EPOCHS, i)
    assert "inspected" in weight(page, i).get_attribute("class")
    page.locator("#slider").fill("20")  # the pointer stays on the line: its numbers are epoch 20's
    assert_tooltip(page, run, 20, i)
    page.locator("#slider").press("ArrowLeft")
    assert frame_of(page) == 19
    assert_tooltip(page, run, 19, i)
    page.locator("#slider").fill("0")
    assert_tooltip(page, run, 0, i)
    page.mouse.move(5, 5)  # away: it closes
    assert page.locator("#inspect").is_hidden()
    b = run.names.index("layers.0.neurons.1.b")  # a bias's mark, on neuron 1.2
    page.locator("#slider").fill("33")
    spot = point_on(page, b)
    page.mouse.move(spot["x"], spot["y"])
    assert_tooltip(page, run, 33, b)
    assert page.locator("g.node.selected").count() == 1  # pointing at a mark picks no neuron


def test_a_clicked_weight_stays_open_and_follows_the_keys(tab, run):
    page = tab.open(run.path, "#epoch-30")
    i = run.names.index("layers.2.neurons.0.w.0")  # from neuron 2.1 to the output
    spot = point_on(page, i)
    page.mouse.click(spot["x"], spot["y"])
    assert_tooltip(page, run, 30, i)
    page.mouse.move(5, 5)  # pinned: it stays open with the pointer away
    assert page.locator("#inspect").is_visible()
    page.keyboard.press("ArrowRight")
    assert frame_of(page) == 31
    assert_tooltip(page, run, 31, i)
    assert page.locator("g.node.selected").count() == 1 and page.url.endswith("#epoch-31")
    page.mouse.click(5, 5)  # a click elsewhere closes it
    assert page.locator("#inspect").is_hidden()


def test_a_tap_on_a_weight_pins_its_numbers_and_a_tap_elsewhere_hides_them(touch, run):
    page = touch.open(run.path, "#epoch-12")
    i, spot = tap_weight(page, run.names.index("layers.0.neurons.3.w.0"))
    assert_tooltip(page, run, 12, i)
    assert not covers(page.locator("#inspect").bounding_box(), spot)  # not under the finger
    heading = page.locator("h1").bounding_box()
    page.touchscreen.tap(heading["x"] + 20, heading["y"] + heading["height"] / 2)
    assert page.locator("#inspect").is_hidden()
    assert "inspected" not in (weight(page, i).get_attribute("class") or "")


# --- the backward pass ----------------------------------------------------------------------------


def example(run: Run) -> int:
    """The training example the page steps through: the one the replay names, else the first."""
    return getattr(run.rp, "chosen", 0)


def rebuilt(run: Run, frame: int) -> tuple[list[tuple[str, list[str]]], float]:
    """The page's example's backward pass at `frame`'s weights, made here: a fresh model given those
    weights, each neuron's weighted sum named zL.i and its tanh aL.i, the engine's stepper. Each step:
    the neuron it belongs to ("" for the loss's own nodes) and its lines; and the example's loss."""
    X, y = moons()
    e = example(run)
    model = nn.MLP(2, [*HIDDEN, 1], activation="tanh", seed=1)
    for (_, p), w in zip(model.named_parameters(), run.rp.weights[frame].tolist()):
        p.data = w
    h = [Value(float(X[e, 0]), label="x1"), Value(float(X[e, 1]), label="x2")]
    for li, layer in enumerate(model.layers):
        out = layer(h)
        h = [out] if isinstance(out, Value) else list(out)
        for n, v in enumerate(h):
            key = f"{li + 1}.{n + 1}"
            if v.op == "tanh":
                v.label, v.parents[0].label = "a" + key, "z" + key
            else:
                v.label = "z" + key
    loss = nn.losses.bce_with_logits(h[0], float(y[e]))
    loss.label = "L"
    out = []
    for step in backward_steps(loss):
        on = re.fullmatch(r"[az](\d+\.\d+)", step.name or "")
        out.append((on.group(1) if on else "", step.lines()))
    return out, float(loss.data)


def rebuilt_steps(run: Run, frame: int) -> list[tuple[str, list[str]]]:
    return rebuilt(run, frame)[0]


def as_stepper_writes(shown: list[str]) -> list[str]:
    """The page's lines of a step as the stepper writes them: the page writes the 'node = expression:'
    its lines share once, first, and the rest of each line indented under it."""
    if len(shown) > 1 and shown[0].endswith(":") and all(line.startswith("  ") for line in shown[1:]):
        return [f"{shown[0]} {line[2:]}" for line in shown[1:]]
    return shown


def assert_bp_step(page, truth, k: int) -> None:
    n = len(truth)
    assert page.locator("#bp-step").inner_text() == ("start: L.grad = 1" if k == 0 else f"step {k} of {n}")
    lines = page.locator("#bp-lines").text_content().split("\n")
    marked = page.locator("g.node.bp-on").evaluate_all("els => els.map(e => e.dataset.neuron)")
    if k == 0:
        assert lines == ["L.grad = 1 (dL/dL). Next: each node passes its grad to its parents."]
        assert marked == []
    else:
        on, want = truth[k - 1]
        assert as_stepper_writes(lines) == want, k
        if len(want) > 1:  # the shared head once
            assert len(lines) == len(want) + 1 and lines[0] == want[0].split(": ")[0] + ":", k
        assert marked == ([on] if on else []), k
    assert page.locator("#bp-prev").is_disabled() == (k == 0)
    assert page.locator("#bp-next").is_disabled() == (k == n)


def test_next_and_previous_walk_the_backward_pass_at_the_frames_weights(tab, run):
    truth, loss = rebuilt(run, 25)
    assert {on for on, _ in truth} >= {"", "3.1", "2.3", "1.4"}  # the loss, and every layer's neurons
    page = tab.open(run.path, "#epoch-25")
    X, _ = moons()
    said = [
        number(n) for n in re.findall(r"[−-]?\d[\d.]*(?:e[+-]?\d+)?", page.locator("#bp-what").inner_text())
    ]
    for v in (*X[example(run)], loss):  # the example's point and its loss at these weights
        assert any(close(n, v) for n in said), (v, said)
    assert page.locator("#bp-epoch").inner_text() == "epoch 25"
    assert_bp_step(page, truth, 0)
    for k in range(1, len(truth) + 1):
        page.click("#bp-next")
        assert_bp_step(page, truth, k)
        if k in (1, 7):
            assert page.url.endswith(f"#epoch-25&step={k}")
    for k in range(len(truth) - 1, len(truth) - 4, -1):
        page.click("#bp-prev")
        assert_bp_step(page, truth, k)
    page.locator("#slider").fill("3")  # the same step, at another frame's weights
    assert page.locator("#bp-epoch").inner_text() == "epoch 3"
    assert_bp_step(page, rebuilt_steps(run, 3), len(truth) - 3)


def test_an_address_opens_a_backward_step(tab, run):
    truth = rebuilt_steps(run, 40)
    page = tab.open(run.path, "#epoch-40&neuron=2.3&step=3")
    assert frame_of(page) == 40
    assert_bp_step(page, truth, 3)
    assert_big_map_is_neuron(page, run, 40, "2.3")
    k = next(k for k, (on, _) in enumerate(truth, start=1) if on == "1.2")
    page.goto(run.path.as_uri() + f"#epoch-40&step={k}")  # a new address in the same page
    assert_bp_step(page, truth, k)
    assert page.locator("g.node.bp-on").evaluate_all("els => els.map(e => e.dataset.neuron)") == ["1.2"]


# --- on a phone -------------------------------------------------------------------------------------


def test_on_a_phone_nothing_is_wider_than_the_screen_and_the_network_shows(browser, run):
    t = Tab(browser, PHONE, has_touch=True)
    try:
        page = t.open(run.path, "#epoch-40")
        assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
        net = page.locator("svg.net")
        assert net.is_visible()
        box = net.bounding_box()
        assert (
            box["x"] >= 0
            and box["x"] + box["width"] <= PHONE["width"]
            and box["width"] > 0.8 * PHONE["width"]
        )
        i, spot = tap_weight(page, run.names.index("layers.0.neurons.0.w.1"))
        assert_tooltip(page, run, 40, i)
        tip = page.locator("#inspect").bounding_box()
        assert tip["x"] >= 0 and tip["x"] + tip["width"] <= PHONE["width"] and not covers(tip, spot)
        heading = page.locator("h1").bounding_box()
        page.touchscreen.tap(heading["x"] + 20, heading["y"] + heading["height"] / 2)
        assert page.locator("#inspect").is_hidden()
        page.locator("g.node[data-neuron='2.3']").tap()
        assert_big_map_is_neuron(page, run, 40, "2.3")
        assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
        t.check_clean()
    finally:
        t.context.close()


# --- in a notebook's output cell (autograd_lite.display's frame) ---------------------------------

NOTEBOOK_NETS = {"2-8-8-1": ([8, 8], False, 40), "2-16-16-16-1 with validation": ([16, 16, 16], True, 12)}
#: How much taller than its page the frame may be: the estimate errs on the tall side, not by much.
SLACK = 250
FITS = """() => ({
  bottom: document.querySelector('footer').getBoundingClientRect().bottom,
  overflow: document.documentElement.scrollHeight - window.innerHeight,
})"""


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    """Notebook-like pages: each run's History as its output cell shows it (display's frame)."""
    folder = tmp_path_factory.mktemp("notebook")
    X, y = moons()
    Xv, yv = nn.datasets.moons(n=30, noise=0.1, seed=1)
    out = {}
    for name, (hidden, val, epochs) in NOTEBOOK_NETS.items():
        model = nn.MLP(2, [*hidden, 1], activation="tanh", seed=0)
        history = nn.fit(model, X, y, epochs=epochs, lr=0.05, seed=0, validation=(Xv, yv) if val else None,
                         record=True, progress=False)  # fmt: skip
        assert history.replay.maps  # the page draws the network
        cell = history._repr_mimebundle_()["text/html"]
        path = folder / f"{hidden[0]}x{len(hidden)}.html"
        head = "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body style='margin:0'>"
        path.write_text(f"{head}{cell}</body></html>", encoding="utf-8")
        out[name] = path
    return out


READY = "() => { const c = document.getElementById('controls'); return c ? !c.hidden : null; }"


def ready_frame(page, t: Tab):
    """The cell's frame once its page's script has run (its controls shown), polled (a big page
    takes a second to parse; the CSP forbids wait_for_function's eval)."""
    state = None
    for _ in range(200):
        frame = page.locator("iframe").element_handle().content_frame()
        state = frame and (frame.url, frame.evaluate(READY))
        if state and state[1]:
            return frame
        page.wait_for_timeout(100)
    raise AssertionError(f"the frame's script did not run: {state}, errors {t.errors}")


@pytest.mark.parametrize("net", list(NOTEBOOK_NETS))
@pytest.mark.parametrize("width", [600, 836, 1092])  # a narrow cell, JupyterLab at 1024 and 1280 px
def test_in_a_frame_the_whole_page_shows_without_a_scrollbar(browser, notebooks, net, width):
    t = Tab(browser, {"width": width, "height": 800})
    try:
        page = t.open(notebooks[net])
        frame = ready_frame(page, t)
        height = page.locator("iframe").bounding_box()["height"]
        m = frame.evaluate(FITS)
        slack = height - m["bottom"]
        print(f"frame slack {net} at {width}px: {slack:.0f}px (frame {height:.0f}px)")
        assert m["bottom"] <= height and m["overflow"] <= 0, (net, width, height, m)
        assert slack <= SLACK, (net, width, height, m)
        frame.locator("g.node[data-neuron='1.1']").click()  # a neuron large: its scale line appears
        assert frame.evaluate(FITS)["overflow"] <= 0, (net, width)
        t.check_clean()
    finally:
        t.context.close()
