"""nn.compare: recorded runs side by side on one slider, read from the page's text (no browser).

The frames each run shows at each epoch are checked against epochs worked by hand, on runs whose
recordings are written out here (made-up images: the page only carries them); the rest on real
runs of a tiny net.
"""

from __future__ import annotations

import base64
import importlib
import json
import math
import re
import warnings
from html import escape

import numpy as np
import pytest

import nn
from nn.replay import Replay
from tests.test_html import assert_offline_and_inert

compare_module = importlib.import_module("nn.compare")  # `nn.compare` is the function
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2;alert(1)</script>'
HOSTILE_NAME = '<img src=x onerror="alert(1)"><script>alert(2)</script>'  # a name: at most 60 characters


def data_of(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="compare-data">(.*?)</script>', page, re.S)
    assert block is not None
    return json.loads(block.group(1), parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))


def png_bytes(uri: str) -> bytes:
    assert uri.startswith("data:image/png;base64,")
    return base64.b64decode(uri.removeprefix("data:image/png;base64,"))


def made_up(frame_epochs: list[int], loss: list[float], tag: str = "", **flags) -> nn.History:
    """A History as fit(record=True) leaves it, written by hand: one made-up image per frame."""
    h = nn.History("hinge", loss=list(loss), metrics={"accuracy": [0.5] * len(loss)}, **flags)
    h.replay = Replay(
        X=np.array([[0.0, 0.0], [1.0, 1.0]]), labels=np.array([0, 1]), classes=2,
        extent=(-1.0, 2.0, -1.0, 2.0), model="MLP 2-2-1 (tanh)", epochs_planned=len(loss), every=1,
        frame_epochs=list(frame_epochs), images=[f"{tag} image of epoch {e}".encode() for e in frame_epochs],
        boundaries=[True] * len(frame_epochs),
    )  # fmt: skip
    return h


@pytest.fixture(scope="module")
def runs():
    """Three real runs of a tiny net on moons: two learning rates and one that diverges at epoch 4."""
    X, y = nn.datasets.moons(n=40, noise=0.1, seed=0)
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the diverging run's warning
        for name, lr, epochs in [("lr 0.01", 0.01, 12), ("lr 1", 1.0, 12), ("lr 100", 100.0, 12)]:
            out[name] = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, optimizer="sgd", lr=lr, epochs=epochs,
                               seed=0, record=True, progress=False)  # fmt: skip
    assert out["lr 100"].diverged and out["lr 100"].epochs < 12
    return out


def test_one_panel_per_run_and_every_recorded_frame_of_every_run(runs, tmp_path):
    c = nn.compare(runs, tmp_path / "runs.html")
    assert isinstance(c, nn.Comparison) and (tmp_path / "runs.html").read_text() == c.html
    assert_offline_and_inert(c.html)
    assert len(re.findall(r'<section class="run panel" data-run="(\d+)"', c.html)) == 3
    assert re.findall(r'data-run="(\d+)"', c.html) == ["0", "1", "2"]
    data = data_of(c.html)
    for run, h in zip(data["runs"], runs.values()):
        assert [f["epoch"] for f in run["frames"]] == h.replay.frame_epochs
        assert [png_bytes(f["png"]) for f in run["frames"]] == h.replay.images
    for name in runs:
        assert f'<span class="name">{escape(name)}</span>' in c.html
    # the page as it opens (before its script runs) shows the last epoch of each run
    shown = re.findall(r'<image class="frame" data-epoch="(\d+)" href="([^"]+)"', c.html)
    assert [int(e) for e, _ in shown] == [h.replay.frame_epochs[-1] for h in runs.values()]
    assert [png_bytes(uri) for _, uri in shown] == [h.replay.images[-1] for h in runs.values()]


def test_the_slider_steps_are_the_union_and_each_run_shows_its_latest_frame():
    a = made_up([0, 2, 4, 6], [0.5] * 6, "a")
    b = made_up([0, 3, 6, 9, 10], [0.5] * 10, "b")
    c = made_up([0, 5], [0.5] * 5, "c", stopped_early=True, best_epoch=2)
    data = data_of(nn.compare([("a", a), ("b", b), ("c", c)]).html)
    steps = data["steps"]
    assert [s["epoch"] for s in steps] == [0, 2, 3, 4, 5, 6, 9, 10]
    # the epoch of the frame each run shows, worked by hand: its latest recorded epoch up to the step
    shown = {0: [0, 0, 0], 2: [2, 0, 0], 3: [2, 3, 0], 4: [4, 3, 0], 5: [4, 3, 5], 6: [6, 6, 5],
             9: [6, 9, 5], 10: [6, 10, 5]}  # fmt: skip
    past = {0: [0, 0, 0], 2: [0, 0, 0], 3: [0, 0, 0], 4: [0, 0, 0], 5: [0, 0, 0], 6: [0, 0, 1],
            9: [1, 0, 1], 10: [1, 0, 1]}  # fmt: skip
    for s in steps:
        frames = [data["runs"][r]["frames"][k] for r, k in enumerate(s["k"])]
        assert [f["epoch"] for f in frames] == shown[s["epoch"]], s["epoch"]
        tags = [png_bytes(f["png"]).decode() for f in frames]
        assert tags == [f"{t} image of epoch {e}" for t, e in zip("abc", shown[s["epoch"]])]
        assert s["p"] == past[s["epoch"]], s["epoch"]
    assert data["runs"][0]["stopped"] == "stopped at epoch 6"
    assert data["runs"][2]["stopped"] == "stopped at epoch 5 (early stopping)"
    assert steps[3]["label"] == "epoch 4 of 10" and steps[0]["label"] == "before training (epoch 0)"


def test_a_diverged_run_says_so_and_past_its_end_shows_its_last_frame(runs):
    page = nn.compare(runs).html
    h = runs["lr 100"]
    last = h.replay.frame_epochs[-1]
    assert f"diverged at epoch {h.epochs}, weights of epoch {h.restored_epoch} restored" in page
    # the slider opens at the last epoch: past the diverged run's end
    panel = re.search(r'<section class="run panel" data-run="2" data-past.*?</section>', page, re.S)
    assert panel is not None and f"stopped at epoch {last} (diverged)" in panel.group(0)
    assert data_of(page)["runs"][2]["stopped"] == f"stopped at epoch {last} (diverged)"
    assert "data-past" not in re.search(r'<section class="run panel" data-run="0"[^>]*>', page).group(0)


def test_a_hostile_run_name_and_title_are_text(runs):
    h = runs["lr 1"]
    c = nn.compare({HOSTILE_NAME: h, "ok": runs["lr 0.01"]}, title=HOSTILE)
    assert "<script>alert" not in c.html and "<img src=x" not in c.html
    assert escape(HOSTILE) in c.html and f'<span class="name">{escape(HOSTILE_NAME)}</span>' in c.html
    assert_offline_and_inert(c.html)
    assert HOSTILE_NAME in repr(c)  # the repr is text: repr() quotes it, nothing renders it
    assert "<script>alert" not in c._repr_mimebundle_()["text/html"]


@pytest.mark.parametrize(
    "runs, error, words",
    [
        ({}, ValueError, "at least one run"),
        ([], ValueError, "at least one run"),
        ("lr 0.1", TypeError, "a dict of name -> History"),
        ([("a",)], TypeError, "(name, History) pairs"),
        ({"": "H"}, ValueError, "must not be empty"),
        ({"   ": "H"}, ValueError, "must not be empty"),
        ({3: "H"}, TypeError, "must be a string"),
        ([("a", "H"), ("a", "H")], ValueError, "two runs are named 'a'"),
        ([("a", "H"), ("a ", "H")], ValueError, "two runs are named 'a'"),
        ({"x" * 61: "H"}, ValueError, "at most 60"),
        ({"a": 1.5}, TypeError, "run 'a' is a float, not the History"),
    ],
)
def test_bad_runs_are_refused_saying_why(runs, error, words):
    h = made_up([0, 1], [0.5])
    runs = {k: (h if v == "H" else v) for k, v in runs.items()} if isinstance(runs, dict) else (
        [tuple(h if v == "H" else v for v in item) for item in runs] if isinstance(runs, list) else runs
    )  # fmt: skip
    with pytest.raises(error) as e:
        nn.compare(runs)
    assert words in str(e.value)


def test_six_runs_at_most():
    h = made_up([0, 1], [0.5])
    assert len(data_of(nn.compare({f"run {i}": h for i in range(6)}).html)["runs"]) == 6
    with pytest.raises(ValueError, match=r"at most 6 runs \(7 given\).*projector"):
        nn.compare({f"run {i}": h for i in range(7)})


def test_an_unrecorded_run_is_named_with_the_way_to_record_it():
    X, y = nn.datasets.moons(n=20, noise=0.1, seed=0)
    plain = nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=False)
    with pytest.raises(ValueError, match=r"run 'plain' was not recorded: .*record=True"):
        nn.compare({"ok": made_up([0, 1], [0.5]), "plain": plain})
    empty = made_up([0, 1], [0.5])
    empty.replay.images.clear()
    with pytest.raises(ValueError, match="run 'empty' was not recorded"):
        nn.compare({"empty": empty})


def test_bad_paths_are_refused_before_any_work(tmp_path):
    h = made_up([0, 1], [0.5])
    with pytest.raises(ValueError, match=r"must end in \.html"):
        nn.compare({"a": h}, tmp_path / "runs.txt")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nn.compare({"a": h}, tmp_path / "no" / "runs.html")
    with pytest.raises(ValueError, match=r"must end in \.html"):  # the path first, then the runs
        nn.compare({}, tmp_path / "runs.txt")
    c = nn.compare({"a": h})
    with pytest.raises(ValueError, match=r"must end in \.html"):
        c.save(tmp_path / "runs.htm")
    assert list(tmp_path.iterdir()) == []
    assert c.save(tmp_path / "runs.html").read_text(encoding="utf-8") == c.html
    with pytest.raises(TypeError, match="title must be a string"):
        nn.compare({"a": h}, title=3)


def test_a_page_over_the_limit_is_refused_with_its_estimate(runs, monkeypatch):
    c = nn.compare(runs)
    size = compare_module.estimate(list(runs.items()))
    # the estimate, made before the page, is within a few kB to a third above the page it makes
    assert len(c.html.encode()) <= size < 1.35 * len(c.html.encode()) + 20_000
    monkeypatch.setattr(compare_module, "MAX_BYTES", size - 1)
    with pytest.raises(ValueError, match=rf"about {size / 1e6:.0f} MB \(3 runs, \d+ frames in all\)"):
        nn.compare(runs)
    monkeypatch.setattr(compare_module, "MAX_BYTES", size)
    nn.compare(runs)


def test_the_estimate_counts_images_points_and_epochs():
    one = made_up([0, 1, 2], [0.5, 0.4], "x" * 3000)
    image = len(one.replay.images[0])
    base = compare_module.estimate([("a", one)])
    bigger = made_up([0, 1, 2], [0.5, 0.4], "x" * 6000)
    # four images (the last one twice) of 3000 more bytes each, in base64
    assert compare_module.estimate([("a", bigger)]) - base == pytest.approx(4 * 4 / 3 * 3000, abs=16)
    assert image > 3000


def test_the_loss_chart_is_logarithmic_when_a_run_spans_decades():
    calm = made_up([0, 1, 2, 3], [0.5, 0.1, 0.05], "calm")
    wild = made_up([0, 1, 2, 3], [1.0, 100.0, 1e4], "wild")
    page = nn.compare({"calm": calm, "wild": wild}).html
    assert "log scale" in page and "linear scale" in page  # the accuracy chart stays linear
    # decades from 0.01 (below 0.05) to 1e4: a loss of 1 sits 4/6 of the way down the chart
    top, bottom = compare_module.CHART_TOP, compare_module.CHART_BOTTOM
    frames = data_of(page)["runs"][1]["frames"]
    assert frames[1]["y"]["loss"] == pytest.approx(top + 4 / 6 * (bottom - top), abs=0.01)
    assert frames[3]["y"]["loss"] == pytest.approx(top, abs=0.01)  # 1e4: the top
    assert frames[0]["y"]["loss"] is None  # no loss is measured before training
    calm_frames = data_of(page)["runs"][0]["frames"]
    assert calm_frames[1]["y"]["loss"] == pytest.approx(
        top + (4 + math.log10(2)) / 6 * (bottom - top), abs=0.01
    )
    page = nn.compare({"calm": calm, "also calm": made_up([0, 1, 2], [0.9, 0.3], "b")}).html
    assert "log scale" not in page
    # linear from 0 to 1.05 x the largest loss, 0.9
    y = data_of(page)["runs"][1]["frames"][1]["y"]["loss"]
    assert y == pytest.approx(top + (0.945 - 0.9) / 0.945 * (bottom - top), abs=0.01)


def test_a_loss_of_zero_on_a_log_scale_sits_on_the_bottom_edge():
    page = nn.compare({"a": made_up([0, 1, 2], [1.0, 0.0], "a"), "b": made_up([0, 1, 2], [1.0, 1e-3])}).html
    assert "log scale" in page and "a loss of 0 on the bottom edge" in page
    assert data_of(page)["runs"][0]["frames"][2]["y"]["loss"] == compare_module.CHART_BOTTOM


def test_each_panel_reads_its_numbers_at_the_epoch_it_shows(runs):
    data = data_of(nn.compare(runs).html)
    for run, h in zip(data["runs"], runs.values()):
        for f in run["frames"]:
            e = f["epoch"]
            if e == 0:
                assert f["v"] == ["—", "—"] and f["label"] == "before training (epoch 0)"
            else:
                assert f["v"] == [f"{h.loss[e - 1]:.4g}", f"{100 * h.accuracy[e - 1]:.1f}%"]
                assert f["label"] == f"epoch {e}"


def test_in_jupyter_the_page_shows_in_a_frame_and_the_hook_never_raises(runs, monkeypatch):
    c = nn.compare(runs)
    bundle = c._repr_mimebundle_()
    assert bundle["text/plain"] == repr(c)
    assert repr(c).startswith("Comparison(3 runs: 'lr 0.01', 'lr 1', 'lr 100'; epochs 0 to 12 on")
    html = bundle["text/html"]
    assert html.startswith('<div class="autograd-lite-frame"') and '<iframe srcdoc="' in html
    assert 'sandbox="allow-scripts"' in html and c.html.replace("&", "&amp;").replace('"', "&quot;") in html
    assert f"padding-top:{round(c.height.at(800))}px" in html
    assert c._repr_mimebundle_(exclude={"text/html"}) == {"text/plain": repr(c)}
    assert c._repr_mimebundle_(include={"text/plain"}) == {"text/plain": repr(c)}

    def broken(*args, **kwargs):
        raise RuntimeError("no frame today")

    monkeypatch.setattr(compare_module, "frame", broken)
    assert c._repr_mimebundle_() == {"text/plain": repr(c)}


def test_the_frame_grows_with_the_runs_and_its_width():
    h = made_up([0, 1, 2], [0.5, 0.4])
    three = nn.compare({f"r{i}": h for i in range(3)}).height
    six = nn.compare({f"r{i}": h for i in range(6)}).height
    for w in (560, 800, 1100):
        assert six.at(w) > three.at(w) > 400
    assert three.at(1400) == three.at(1100)  # the page stops growing at FRAME_MAX
    assert three.at(799) > three.at(800)  # two panels to a row below 800px: taller squares
