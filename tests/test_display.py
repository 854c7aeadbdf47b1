"""What the objects a student looks at show in Jupyter: the MIME bundles they return, and a notebook run.

A small Value shows its graph (SVG), a big one or one that cannot be drawn
its text; a stepper and a recorded History their page in a sandboxed iframe
(the same page `to_html()` writes), an unrecorded History its numbers and
curves; plots a PNG; a model a table of its layers; `fit()` a progress bar
chosen by where it runs. The bundles are read as IPython's formatter reads
them, one test executes a notebook through nbclient, and one opens the
frames in Chromium to check each is as tall as its page.
"""

from __future__ import annotations

import base64
import gc
import io
import re
import struct
import subprocess
import sys
import types
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

import nn
from autograd_lite import Value, backward_steps, display, draw, text_tree, topological_order, viz
from autograd_lite.examples import lecture_neuron
from autograd_lite.html import FRAME_MAX, FrameHeight
from nn import train

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parent.parent


def formatted(obj) -> dict:
    """The MIME bundle IPython's display formatter makes of `obj` (every _repr_*_ it finds)."""
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(obj)
    return data


class Tags(HTMLParser):
    """Every start tag of some HTML, attributes unescaped as a browser reads them."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def the_iframe(html: str) -> dict:
    """The one iframe's attributes in `html`, checked to be a sandboxed srcdoc with nothing to load."""
    tags = Tags(html).tags
    frames = [attrs for tag, attrs in tags if tag == "iframe"]
    assert len(frames) == 1, tags
    attrs = frames[0]
    assert attrs["sandbox"] == "allow-scripts"  # scripts, but an origin of its own: no same-origin
    assert "src" not in attrs and not any(name.startswith("on") for name in attrs)
    outside = html.replace(re.search(r'srcdoc="[^"]*"', html).group(0), "")
    assert not re.search(r"(?i)(https?|ftp|file|javascript|data):", outside)  # no URL around the page
    return attrs


def chain(n: int) -> Value:
    x = Value(0.5, label="x")
    for _ in range(n):
        x = x * 1.01
    return x


# --- a Value --------------------------------------------------------------------------------


def test_a_small_value_shows_its_graph_as_svg(renderer):
    o = lecture_neuron()
    data = formatted(o)
    assert set(data) == {"image/svg+xml", "text/plain"}
    assert data["text/plain"] == repr(o)
    svg = data["image/svg+xml"]
    assert svg.lstrip().startswith(("<?xml", "<svg")) and svg.rstrip().endswith("</svg>")
    assert viz.last_renderer == renderer  # the wasi fallback draws it when dot is absent
    for label in ("x1", "w1", "n", "o"):  # each value's box, with its numbers
        assert re.search(rf">{label}</text>", svg), label
    assert "data 0.7071" in svg
    # sized for an output cell from Graphviz's size (its viewBox, in pt): 0.85 of it, a graph wider
    # than NOTEBOOK_WIDTH smaller, to half (wider than that, it scrolls sideways)
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    scales = []
    for v in (o, a * b, chain(5), chain(10)):  # 0.85, 0.85, fitted to NOTEBOOK_WIDTH, half
        svg = v._repr_mimebundle_()["image/svg+xml"]
        root = re.search(r'<svg width="(\d+)px" height="(\d+)px" style="max-width:100%;height:auto"\s+'
                         r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"', svg)  # fmt: skip
        assert root is not None, svg[:300]
        width, height, pt_w, pt_h = map(float, root.groups())
        scale = min(0.85, max(0.5, viz.NOTEBOOK_WIDTH / (pt_w * 4 / 3)))
        assert abs(width - pt_w * 4 / 3 * scale) <= 1 and abs(height - pt_h * 4 / 3 * scale) <= 1
        assert width <= viz.NOTEBOOK_WIDTH or scale == 0.5
        scales.append(scale)
    assert scales[:2] == [0.85, 0.85] and 0.5 < scales[2] < 0.85 and scales[3] == 0.5


def svg_width(v: Value) -> int:
    return int(re.search(r'<svg width="(\d+)px"', v._repr_mimebundle_()["image/svg+xml"]).group(1))


def test_a_small_graph_is_a_small_picture(renderer):
    # JupyterLab and nbconvert show an SVG output as an <img> as wide as the SVG says: a small graph
    # must say a small width. a*a + 1 was 1,100px (1,069pt: three boxes "grad not computed yet" side
    # by side), cut off in nbconvert's HTML; drawn compact, with "grad not yet", it is under 500.
    a = Value(2.0, label="a")
    v = a * a + 1
    svg = v._repr_mimebundle_()["image/svg+xml"]
    assert svg_width(v) < 500
    assert ">grad not yet</text>" in svg and "not computed yet" not in svg  # one field per line
    assert "not computed yet" in viz.render_svg(v)  # draw() and the pages keep their words
    v.backward()
    assert ">grad 4.0</text>" in v._repr_mimebundle_()["image/svg+xml"]
    assert svg_width(lecture_neuron()) < 800  # the lecture's neuron fits a cell too (was 1,277px)


def test_a_value_past_the_draw_limit_shows_its_text_without_drawing(monkeypatch):
    big = chain(viz.MAX_NODES)  # MAX_NODES + 1 values
    assert len(topological_order(big)) == viz.MAX_NODES + 1

    def refuse(*args, **kwargs):
        raise AssertionError("a graph past the limit must not be drawn")

    monkeypatch.setattr(viz, "render_svg", refuse)
    data = formatted(big)
    assert set(data) == {"text/plain", "text/html"} and data["text/plain"] == repr(big)  # repr unchanged
    at_limit = chain(viz.MAX_NODES - 1)
    monkeypatch.undo()
    assert "image/svg+xml" in formatted(at_limit)  # the same limit draw() uses
    # the HTML says why there is no picture, and what the student can do instead
    html = data["text/html"]
    assert html.startswith(f"<pre>{escape(repr(big))}</pre>")
    assert f"A graph of {viz.MAX_NODES + 1} values: more than the {viz.MAX_NODES} a picture shows" in html
    assert "print(text_tree(v))" in html and "draw(v, max_nodes=None)" in html
    assert text_tree(big).count("\n") > 100 and draw(big, max_nodes=None)  # what it names works
    assert big._repr_mimebundle_(exclude={"text/html"}) == {"text/plain": repr(big)}
    total = sum(Value(float(i)) for i in range(400))  # the newcomer's sum of 400 values (and sum()'s 0)
    assert "A graph of 800 values" in formatted(total)["text/html"]


def test_a_renderer_that_fails_or_times_out_leaves_the_text(monkeypatch, renderer):
    o = lecture_neuron()

    def broken(*args, **kwargs):
        raise RuntimeError("wasmtime trapped")

    with monkeypatch.context() as m:
        m.setattr(viz, "render_svg", broken)
        data = formatted(o)
    assert set(data) == {"text/plain"} and data["text/plain"].startswith(repr(o))
    assert "wasmtime trapped" in data["text/plain"]
    # a real time limit on the real renderer: 1 ms is too short for 200 values with either
    monkeypatch.setattr(viz, "DISPLAY_TIMEOUT", 0.001)
    slow = chain(199)
    data = slow._repr_mimebundle_()
    assert set(data) == {"text/plain"} and "longer than timeout=0.001 s" in data["text/plain"]
    monkeypatch.setattr(viz, "DISPLAY_TIMEOUT", 10.0)
    assert "image/svg+xml" in lecture_neuron()._repr_mimebundle_()  # the renderer still works after


def test_no_display_hook_raises(monkeypatch):
    def boom(*args, **kwargs):
        raise ValueError("anything at all")

    o = lecture_neuron()
    steps = backward_steps(o)
    monkeypatch.setattr(display, "topological_order", boom)
    monkeypatch.setattr(display, "backward_frame", boom)
    assert formatted(o) == {"text/plain": repr(o)}
    assert formatted(steps) == {"text/plain": repr(steps)}
    monkeypatch.setattr(viz, "render_svg", boom)
    d = draw(o)
    assert set(formatted(d)) == {"text/plain"}


def test_include_and_exclude_are_honoured(monkeypatch):
    o = lecture_neuron()
    calls = []
    real = viz.render_svg
    monkeypatch.setattr(viz, "render_svg", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert o._repr_mimebundle_(include={"text/plain"}) == {"text/plain": repr(o)}
    assert o._repr_mimebundle_(exclude={"image/svg+xml"}) == {"text/plain": repr(o)}
    assert calls == []  # nothing drawn that was not asked for
    steps = backward_steps(o)
    assert steps._repr_mimebundle_(exclude={"text/html"}) == {"text/plain": repr(steps)}


# --- a stepper --------------------------------------------------------------------------------


def test_a_stepper_shows_its_page_in_a_sandboxed_iframe():
    o = lecture_neuron()
    steps = backward_steps(o)
    next(steps)  # part-way: the display leaves this pass alone
    data = formatted(steps)
    assert set(data) == {"text/html", "text/plain"}  # no SVG beside it: one picture, the page
    assert data["text/plain"] == repr(steps) == "step 2 of 5: next is n (+)"
    attrs = the_iframe(data["text/html"])
    assert attrs["srcdoc"] == steps.to_html()  # the page to_html() writes, unescaped back byte for byte
    assert "Backprop step by step: o = tanh(n)" in attrs["srcdoc"]
    assert attrs["title"] == "the backward pass of o, step by step"
    step = next(steps)  # the stepper goes on: the page's own pass did not touch its grads
    assert step.index == 2 and step.name == "n"


def test_the_frame_is_as_tall_as_the_page_for_its_width():
    steps = backward_steps(lecture_neuron())
    html = steps._repr_mimebundle_()["text/html"]
    (box,) = [attrs for tag, attrs in Tags(html).tags if tag == "div"]
    paddings = re.findall(r"padding-top:([^;]+)", box["style"])
    assert len(paddings) == 2  # px for old browsers, then the width-following calc()
    assert paddings[1].startswith("calc(") and "100%" in paddings[1]
    # the height told in Python: the neuron's 5 steps need more room than one multiplication's 1
    _, small = display.backward_frame(Value(2.0, label="a") * Value(3.0, label="b"))
    _, neuron = display.backward_frame(lecture_neuron())
    for width in (600, 800, 1000, 1400):
        assert neuron.at(width) > small.at(width) > 400
    assert neuron.at(560) >= neuron.at(1000)  # a narrower frame wraps more text
    assert neuron.at(1400) == neuron.at(FRAME_MAX)  # the page stops growing at FRAME_MAX
    assert paddings[0] == f"{round(neuron.at(800))}px"


def test_frame_height_steps_and_scales():
    h = FrameHeight(((560, 900.0), (800, 850.0), (1100, 800.0)), slope=0.5, inset=26, floor=50, cap=300)
    assert h.at(500) == 900 + 237  # below the narrowest: its text, the picture at its width
    assert h.at(700) == 900 + 300  # (700 - 26) * 0.5 = 337: capped
    assert h.at(800) == 850 + 300 and h.at(2000) == 800 + 300
    css = h.css()
    assert css.startswith("calc(800px + ") and css.count("clamp(0px, (") == 2
    assert "(800px - 100%) * 1000, 50px)" in css and "(1100px - 100%) * 1000, 50px)" in css


def test_the_srcdoc_is_escaped_so_no_label_can_end_it():
    x = Value(2.0, label='x" onload="alert(1)')
    y = Value(3.0, label="a &amp; b <i>")
    steps = backward_steps(x * y)
    html = steps._repr_mimebundle_()["text/html"]
    assert [tag for tag, _ in Tags(html).tags] == ["div", "iframe"]  # the page is all in one attribute
    attrs = the_iframe(html)
    assert set(attrs) == {"srcdoc", "sandbox", "title", "style"} and attrs["srcdoc"] == steps.to_html()
    page = 'a "quoted" &amp; raw & text'
    attrs = the_iframe(display.frame(page, FrameHeight(((560, 100.0),)), title='t "1"'))
    assert attrs["srcdoc"] == page and attrs["title"] == 't "1"'


def test_a_graph_too_big_for_a_page_shows_the_stepper_as_text():
    steps = backward_steps(chain(80))  # 81 values x 81 pictures: past html.MAX_CELLS
    assert formatted(steps) == {"text/plain": repr(steps)}


# --- a History ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def moons():
    X, y = nn.datasets.moons(n=40, noise=0.1, seed=0)
    return X, y


def test_a_recorded_history_shows_its_replay_page(moons):
    X, y = moons
    h = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=6, seed=0, record=True, progress=False)
    data = formatted(h)
    assert set(data) == {"text/html", "text/plain"} and data["text/plain"] == repr(h)
    attrs = the_iframe(data["text/html"])
    assert attrs["srcdoc"] == h.to_html()
    assert attrs["title"] == "Training replay: MLP 2-4-1 (relu)"


def test_an_unrecorded_history_shows_its_last_epoch_and_its_curves(moons):
    X, y = moons
    h = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=5, seed=0, validation=(X[:10], y[:10]), progress=False)
    html = formatted(h)["text/html"]
    assert "<iframe" not in html
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    training = [f"{h.loss[-1]:.4g}", f"{100 * h.accuracy[-1]:.1f}%"]
    validation = [f"{h.val_loss[-1]:.4g}", f"{100 * h.val_accuracy[-1]:.1f}%"]
    assert cells == training + validation
    assert "Training: 5 epochs, hinge loss" in html
    (img,) = [attrs for tag, attrs in Tags(html).tags if tag == "img"]
    picture = base64.b64decode(img["src"].removeprefix("data:image/png;base64,"))
    assert picture.startswith(PNG_MAGIC)
    assert png_size(picture) == (1040, 420)  # nn.plot.history: two panels of 5.2 x 4.2 inches at 100 dpi
    empty = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=0, progress=False)
    assert "0 epochs" in formatted(empty)["text/html"]


# --- plots ----------------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height, read from its IHDR chunk."""
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_plots_display_as_png_and_stay_matplotlib_figures(moons, tmp_path):
    from matplotlib.figure import Figure

    X, y = moons
    model = nn.MLP(2, [4, 1], seed=0)
    h = nn.fit(model, X, y, epochs=3, seed=0, progress=False)
    for fig, size in [
        (nn.plot.decision_boundary(model, X, y, resolution=30), (760, 540)),  # 7.6 x 5.4 in at 100 dpi
        (nn.plot.history(h), (1040, 420)),
        (nn.plot.regression(nn.MLP(1, [3, 1], seed=0), X[:, :1], X[:, 1]), (640, 440)),
    ]:
        assert isinstance(fig, Figure) and isinstance(fig, nn.plot.Figure)
        data = formatted(fig)
        assert "image/png" in data and "image/svg+xml" not in data
        picture = data["image/png"]
        picture = base64.b64decode(picture) if isinstance(picture, str) else picture
        assert png_size(picture) == size
        fig.savefig(tmp_path / "saved.png")  # still a figure: it saves
        assert (tmp_path / "saved.png").read_bytes().startswith(PNG_MAGIC)
    fig, axes = nn.plot.figure(2, width=3, height=2)
    axes[0].plot([0, 1], [1, 0])
    assert len(axes) == 2 and png_size(fig._repr_png_()) == (600, 200)


def test_a_figure_that_cannot_be_drawn_shows_its_text(monkeypatch):
    fig, _ = nn.plot.figure()

    def broken(*args, **kwargs):
        raise OSError("no Agg today")

    monkeypatch.setattr(fig, "savefig", broken)
    assert fig._repr_png_() is None
    assert set(formatted(fig)) == {"text/plain"}


# --- a model --------------------------------------------------------------------------------


def test_a_model_shows_a_summary_of_its_layers():
    model = nn.MLP(2, [16, 16, 1], seed=0)
    data = formatted(model)
    assert data["text/plain"] == repr(model)  # the text is the repr, unchanged
    html = data["text/html"]
    assert len(model.parameters()) == (2 * 16 + 16) + (16 * 16 + 16) + (16 * 1 + 1) == 337
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>", html)
    assert rows == [("1", "2 → 16", "relu"), ("2", "16 → 16", "relu"), ("3 (output)", "16 → 1", "linear")]
    assert "<b>MLP 2-16-16-1 (relu)</b>: 337 parameters" in html
    assert re.findall(r'<td style="text-align:right">([^<]*)</td>', html) == [
        "32 + 16", "48", "256 + 16", "272", "16 + 1", "17"
    ]  # fmt: skip
    assert "4 parameters" in nn.Neuron(3)._repr_html_()
    layer = nn.Layer(4, 3, activation="tanh")._repr_html_()
    assert "15 parameters" in layer and "<td>4 → 3</td><td>tanh</td>" in layer


def test_any_module_counts_its_own_parameters_and_a_broken_one_shows_text():
    class Pair(nn.Module):
        def __init__(self):
            self.a, self.b = Value(1.0), Value(2.0)

        def named_parameters(self, prefix=""):
            yield "a", self.a
            yield "b", self.b

    assert "<b>Pair</b>: 2 parameters" in Pair()._repr_html_()

    class Broken(nn.Module):
        def named_parameters(self, prefix=""):
            raise RuntimeError("not built yet")

    assert Broken()._repr_html_() is None
    assert set(formatted(Broken())) == {"text/plain"}


# --- fit()'s progress bar ---------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Shell:
    """What IPython's get_ipython() returns in a kernel: a shell with a kernel."""

    kernel = object()


def fake_kernel(monkeypatch, *, widgets: bool, shell=Shell) -> None:
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: shell() if shell else None
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    if not widgets:
        monkeypatch.setitem(sys.modules, "ipywidgets", None)  # `import ipywidgets` fails


def test_the_progress_bar_is_chosen_by_where_fit_runs(monkeypatch):
    pytest.importorskip("ipywidgets")
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    assert train.progress_kind() is None and not train.in_kernel()
    with monkeypatch.context() as m:
        m.setattr(sys, "stderr", Terminal())
        assert train.progress_kind() == "terminal" and train.progress_kind(False) is None
    with monkeypatch.context() as m:
        fake_kernel(m, widgets=True)
        assert train.in_kernel() and train.progress_kind() == "notebook"
        assert train.progress_kind(False) is None
    with monkeypatch.context() as m:
        fake_kernel(m, widgets=False)
        assert train.progress_kind() == "text"
    with monkeypatch.context() as m:
        fake_kernel(m, widgets=True, shell=None)  # IPython imported, no shell running: a script
        assert not train.in_kernel() and train.progress_kind() is None
    with monkeypatch.context() as m:
        fake_kernel(m, widgets=True, shell=type("Terminal", (), {}))  # IPython's terminal: no kernel
        assert not train.in_kernel()


def test_in_a_kernel_without_widgets_fit_shows_a_text_bar(monkeypatch, capsys, moons):
    X, y = moons
    fake_kernel(monkeypatch, widgets=False)
    h = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=3, seed=0)
    out, err = capsys.readouterr()
    assert err == ""  # no "IProgress not found" warning, nothing on the kernel's red stream
    last = out.rstrip().split("\r")[-1]
    assert "epoch 3/3" in last and f"loss {h.loss[-1]:.4f}" in last and f"acc {h.accuracy[-1]:.1%}" in last
    nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=3, seed=0, progress=False)
    assert capsys.readouterr() == ("", "")


def test_a_run_stopped_early_ends_with_a_full_bar(monkeypatch, capsys, moons):
    X, y = moons
    fake_kernel(monkeypatch, widgets=False)
    h = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=400, lr=0.5, seed=0, early_stopping=1)
    assert h.stopped_early and h.epochs < 400
    last = capsys.readouterr().out.rstrip().split("\r")[-1]
    assert last.startswith("100%") and f"epoch {h.epochs}/{h.epochs}" in last  # done, not cut short


def test_a_widget_that_cannot_be_made_is_a_quiet_text_bar(monkeypatch, capsys):
    pytest.importorskip("ipywidgets")
    IPython = pytest.importorskip("IPython")
    from tqdm.notebook import tqdm as widget

    # a "kernel" whose shell has no comms: ipywidgets cannot open the bar's widget
    monkeypatch.setattr(IPython, "get_ipython", lambda: Shell())
    monkeypatch.setitem(
        sys.modules, "ipykernel", sys.modules.get("ipykernel") or types.ModuleType("ipykernel")
    )
    assert train.progress_kind() == "notebook"
    ignored = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    bar = train._bar("notebook", 4)
    assert not isinstance(bar, widget) and bar.total == 4
    bar.update(4)
    bar.close()
    gc.collect()  # the half-made widget bar is collected without "Exception ignored in tqdm.__del__"
    assert ignored == []
    out, err = capsys.readouterr()
    assert "epoch 4/4" in out and err == ""


def test_kernel_detection_never_imports_ipython():
    code = (
        "import sys, nn; from nn.train import progress_kind; progress_kind(); print('IPython' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


# --- a real notebook ------------------------------------------------------------------------

CELLS = [
    "from autograd_lite import backward_steps\nfrom autograd_lite.examples import lecture_neuron\nimport nn\n"
    "o = lecture_neuron()\no",
    "backward_steps(o)",
    "X, y = nn.datasets.moons(n=40, noise=0.1, seed=0)\nmodel = nn.MLP(2, [4, 1], seed=0)\n"
    "history = nn.fit(model, X, y, epochs=4, seed=0)",
    "nn.plot.decision_boundary(model, X, y, resolution=30)",
    "model",
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nnn.plot.history(history)",
]


def test_a_notebook_shows_each_object_as_it_should(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("ipywidgets")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = nbclient.NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's cwd
        shutdown_kernel="immediate",  # a graceful shutdown waits seconds for the kernel to exit
    )
    client.execute()
    outputs = [cell.outputs for cell in nb.cells]
    for cell in outputs:
        assert [o for o in cell if o.output_type == "error" or o.get("name") == "stderr"] == []

    def data(k: int) -> list[dict]:
        return [o.data for o in outputs[k] if "data" in o]

    (value,) = data(0)
    assert "image/svg+xml" in value and "text/html" not in value
    (steps,) = data(1)
    attrs = the_iframe(steps["text/html"])
    assert 'id="next"' in attrs["srcdoc"] and "Backprop step by step: o = tanh(n)" in attrs["srcdoc"]
    (bar,) = data(2)  # fit's bar: an ipywidgets view, with its text as the fallback
    assert "application/vnd.jupyter.widget-view+json" in bar
    # the fallback (what GitHub and viewers without widgets show) is the bar at the end, not at the start
    loss = re.search(r"loss (\d\.\d{4}) acc (\d+\.\d)%", bar["text/plain"])
    assert bar["text/plain"].startswith("100% |") and "epoch 4/4" in bar["text/plain"] and loss
    assert [o for o in outputs[2] if o.output_type == "stream"] == []  # and nothing else: one bar
    (plot,) = data(3)
    assert base64.b64decode(plot["image/png"]).startswith(PNG_MAGIC)
    (summary,) = data(4)
    assert "<b>MLP 2-4-1 (relu)</b>: 17 parameters" in summary["text/html"]
    pictures = [d for d in data(5) if "image/png" in d]  # matplotlib's own formatter, registered by
    assert len(pictures) == 1  # %matplotlib inline, draws it instead of ours: one picture, not two


# --- in a browser ------------------------------------------------------------------------------


def test_the_frames_hold_their_pages_in_chromium(tmp_path, moons):
    from tests.conftest import need

    chromium = need("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    from autograd_lite.html import HEADLESS_CHROMIUM

    X, y = moons
    o = lecture_neuron()
    # seed 9: the model predicts one class everywhere at first (no boundary line), then draws one
    h = nn.fit(nn.MLP(2, [4, 1], seed=9), X, y, epochs=6, seed=0, record=True, progress=False)
    assert h.replay.boundaries[0] is False and h.replay.boundaries[-1] is True
    notebook = tmp_path / "notebook.html"
    cells = [backward_steps(o)._repr_mimebundle_()["text/html"], h._repr_mimebundle_()["text/html"]]
    notebook.write_text(
        "<!DOCTYPE html><html><body style='margin:0'>"
        + "".join(f"<div class='output'>{c}</div>" for c in cells)
        + "</body></html>"
    )
    truth = list(backward_steps(lecture_neuron()))
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=HEADLESS_CHROMIUM)
        try:
            for width in (720, 1100):
                page = browser.new_page(viewport={"width": width, "height": 900})
                requests.clear()
                errors.clear()
                page.on("request", lambda r: requests.append(r.url))
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(notebook.as_uri())
                boxes = page.locator("iframe")
                stepper, replay = (boxes.nth(k).element_handle().content_frame() for k in (0, 1))
                for inner in (stepper, replay):
                    inner.wait_for_load_state()
                    inner.locator("#controls:not([hidden])").wait_for()  # its script has run
                assert stepper.url == replay.url == "about:srcdoc"
                assert stepper.evaluate("document.documentElement.hasAttribute('data-framed')")
                heights = []
                for step in truth:  # every state of the pass fits its frame
                    heights.append(
                        stepper.evaluate("document.querySelector('footer').getBoundingClientRect().bottom")
                    )
                    stepper.click("#next")
                    assert stepper.locator("section.state:not([hidden])").get_attribute("data-step") == str(
                        step.index
                    )
                    current = stepper.locator(
                        "section.state:not([hidden]) g.current text"
                    ).first.text_content()
                    assert current == step.name
                heights.append(
                    stepper.evaluate("document.querySelector('footer').getBoundingClientRect().bottom")
                )
                frame = boxes.nth(0).bounding_box()["height"]
                assert max(heights) <= frame < max(heights) + 120, (width, heights, frame)
                stepper.click("#steps li[data-step='2'] a")  # a link of the steps so far: no navigation
                assert stepper.url == "about:srcdoc" and page.url == notebook.as_uri()
                assert stepper.locator("section.state:not([hidden])").get_attribute("data-step") == "2"
                page_bottom = replay.evaluate(
                    "document.querySelector('footer').getBoundingClientRect().bottom"
                )
                frame = boxes.nth(1).bounding_box()["height"]
                assert page_bottom <= frame < page_bottom + 120, (width, page_bottom, frame)
                named = replay.locator("#legend-boundary")
                assert named.is_visible()  # the last frame draws a boundary: the legend names it
                replay.press("#slider", "Home")
                assert replay.locator("#r-epoch").inner_text() == "before training (epoch 0)"
                assert not named.is_visible()  # epoch 0 draws none: the legend does not list one
                assert replay.url == "about:srcdoc"
                assert [u for u in requests if not u.startswith(("file:", "about:", "data:"))] == []
                assert errors == []
                page.close()
        finally:
            browser.close()


def test_a_small_graph_fits_an_exported_notebook_in_chromium(tmp_path):
    """nbconvert's HTML (the lab template) shows an SVG output as an <img> with no max-width, at the
    width the SVG says: at a 1100px window the cell is about 980px, and a*a + 1 (1,100px before it
    was drawn compact) was cut at its right. Each picture must end inside its cell."""
    from tests.conftest import need

    chromium = need("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    nbformat = pytest.importorskip("nbformat")
    nbconvert = pytest.importorskip("nbconvert")
    from autograd_lite.html import HEADLESS_CHROMIUM

    a = Value(2.0, label="a")
    done = lecture_neuron()
    done.backward()
    cells = []
    for code, v in (("a*a + 1", a * a + 1), ("lecture_neuron()", lecture_neuron()), ("o", done)):
        cell = nbformat.v4.new_code_cell(code, execution_count=len(cells) + 1)
        bundle = v._repr_mimebundle_()
        cell.outputs = [nbformat.v4.new_output("execute_result", data=bundle, execution_count=len(cells) + 1)]
        cells.append(cell)
    exporter = nbconvert.HTMLExporter(template_name="lab")
    html, _ = exporter.from_notebook_node(nbformat.v4.new_notebook(cells=cells))
    path = tmp_path / "exported.html"
    path.write_text(html, encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=HEADLESS_CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(path.as_uri())
            page.wait_for_load_state()
            boxes = page.evaluate(
                """() => [...document.querySelectorAll('.jp-RenderedSVG')].map(cell => {
                     const img = cell.querySelector('img'), r = img.getBoundingClientRect();
                     return {img: img.naturalWidth && r.right, cell: cell.getBoundingClientRect().right,
                             text: cell.scrollWidth <= cell.clientWidth};
                   })"""
            )
            assert len(boxes) == 3
            for box in boxes:
                assert box["img"] and box["img"] <= box["cell"] and box["text"], boxes
        finally:
            browser.close()
