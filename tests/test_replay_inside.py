"""The replay page's view inside the network (nn.network_view): one map per hidden neuron and frame,
one line per weight, the optimizer's state and last step, the per-layer gradients and one example's
backward pass, each checked against numbers worked out apart from the page (numpy by hand, central
finite differences, the optimizer's own state)."""

import base64
import io
import json
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn import network_view as nv
from nn import tasks


def replay_data(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="replay-data">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


def png_pixels(url: str) -> np.ndarray:
    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")
    return np.asarray(image).astype(int)


@pytest.fixture(scope="module")
def run():
    """A 2-3-2-1 tanh net, full batch, 30 epochs (every epoch a frame), Adam built here."""
    X, y = nn.datasets.moons(n=40, noise=0.1, seed=1)
    model = nn.MLP(2, [3, 2, 1], activation="tanh", seed=0)
    opt = nn.optim.Adam(model.parameters(), lr=0.05)
    history = nn.fit(
        model, X, y, loss="bce_with_logits", optimizer=opt, epochs=30, record=True, progress=False
    )
    page = history.to_html()
    return model, X, y, opt, history, page, replay_data(page)


def test_every_hidden_neuron_has_a_map_in_every_frame_and_the_drawing_marks_every_neuron(run):
    model, X, y, opt, history, page, data = run
    rp = history.replay
    assert rp.frame_epochs == list(range(31))
    assert data["mapped"] == ["1.1", "1.2", "1.3", "2.1", "2.2"] and data["neurons"][-1] == "3.1"
    for key in data["neurons"]:
        assert page.count(f'data-neuron="{key}"') == 1
    for f in data["frames"]:
        assert len(f["maps"]) == 5
        for url in f["maps"]:
            assert png_pixels(url).shape == (nv.MAP_RES, nv.MAP_RES, 3)
    assert len({f["maps"][0] for f in data["frames"]}) > 5  # the maps move as the weights do


def test_a_neurons_map_is_its_output_over_the_plane_coloured_by_sign(run):
    """Neuron 1.2 worked by hand with numpy: tanh(w1 x1 + w2 x2 + b) over the map's grid; vermillion
    where it is above 0, blue below (the page's diverging scale), at epoch 20's weights."""
    model, X, y, opt, history, page, data = run
    rp = history.replay
    names = [n for n, _ in model.named_parameters()]
    w = dict(zip(names, rp.weights[20]))
    x1, x2 = nv.grid(rp.extent, nv.MAP_RES).T
    a = np.tanh(
        w["layers.0.neurons.1.w.0"] * x1 + w["layers.0.neurons.1.w.1"] * x2 + w["layers.0.neurons.1.b"]
    )
    pixels = png_pixels(data["frames"][20]["maps"][1]).reshape(-1, 3)
    red, blue = pixels[:, 0], pixels[:, 2]
    sure = np.abs(a) > 0.2 * np.abs(a).max()  # clear of the white band around 0
    assert sure.sum() > 100
    assert np.all((red > blue)[sure] == (a > 0)[sure])


def test_every_weight_is_one_line_and_every_bias_a_mark_named_as_the_model_names_it(run):
    model, X, y, opt, history, page, data = run
    names = [n for n, _ in model.named_parameters()]
    lines = re.findall(r'<path class="w" data-weight="([^"]+)"', page)
    marks = re.findall(r'<rect class="b" data-weight="([^"]+)"', page)
    assert sorted(lines) == sorted(n for n in names if not n.endswith(".b"))
    assert sorted(marks) == sorted(n for n in names if n.endswith(".b"))
    assert len(lines) == 2 * 3 + 3 * 2 + 2 and len(marks) == 6
    assert data["names"] == names


def test_the_last_frames_optimizer_state_is_the_optimizers_own(run):
    """What the tooltip shows at the last epoch is opt.state after training, to 4 digits."""
    model, X, y, opt, history, page, data = run
    keys, last = data["stateKeys"], data["frames"][-1]
    for i, (_, p) in enumerate(model.named_parameters()):
        shown = dict(zip(keys, last["st"][i]))  # keys as the tooltip writes them: "m (exp_avg)"
        state = opt.state[p]
        assert int(shown["t (step)"]) == state["step"] == 30
        for k, name in (("m (exp_avg)", "exp_avg"), ("v (exp_avg_sq)", "exp_avg_sq")):
            assert float(shown[k].replace("−", "-")) == pytest.approx(state[name], rel=1e-3, abs=1e-12)


def test_each_weights_last_step_ends_on_that_frames_weight(run):
    """The rule's result (explain's `after`) is the weight recorded at the end of that epoch, exactly."""
    model, X, y, opt, history, page, data = run
    rp = history.replay
    for k in (1, 7, 30):
        for i, ex in enumerate(rp.steps[k]):
            assert ex.after == rp.weights[k][i]
            assert ex.before == rp.weights[k - 1][i]  # full batch: the step starts at the last epoch's end
            assert ex.state["step"] == k


def test_the_tooltip_lines_unpack_to_the_optimizers_explanation(run):
    model, X, y, opt, history, page, data = run
    rp = history.replay
    f = data["frames"][12]
    for i in range(len(data["names"])):
        lines = nv.unpack([f["exl"][j] for j in f["ex"][i]], data["templates"])
        assert lines == list(rp.steps[12][i].lines)
    assert data["rule"].startswith("m ← β1·m")


def loss_at(model, weights, X, t, fn) -> float:
    for p, v in zip(model.parameters(), weights):
        p.data = float(v)
    return float(fn(model(X), t).data)


def central_differences(model, weights, X, t, fn, h=1e-6) -> np.ndarray:
    out = []
    for i in range(len(weights)):
        up, down = weights.copy(), weights.copy()
        up[i] += h
        down[i] -= h
        out.append((loss_at(model, up, X, t, fn) - loss_at(model, down, X, t, fn)) / (2 * h))
    return np.array(out)


def test_the_recorded_gradients_and_the_per_layer_means_are_the_losss_slopes(run):
    """Full batch: epoch k's step took the gradient at epoch k-1's weights; central differences there."""
    model, X, y, opt, history, page, data = run
    rp = history.replay
    saved = [p.data for p in model.parameters()]
    task = tasks.choose_task("bce_with_logits", model, y)
    t = task.targets(y, 1, "y")
    try:
        for k in (1, 15):
            fd = central_differences(model, rp.weights[k - 1].copy(), X, t, task.fn)
            assert np.allclose(rp.grads[k], fd, rtol=1e-5, atol=1e-8)
            layers = rp.net.weight_layers()
            means = [np.mean(np.abs(fd[idx])) for idx in layers]
            assert np.allclose(rp.layer_grads[k - 1], means, rtol=1e-5)
    finally:
        for p, v in zip(model.parameters(), saved):
            p.data = v
    assert len(rp.layer_grads) == 30 and len(rp.layer_grads[0]) == 3
    assert 'id="grad-chart"' in page and "log scale" in page


def test_the_page_steps_through_the_example_the_trained_model_gets_most_wrong(run):
    model, X, y, opt, history, page, data = run
    task = tasks.choose_task("bce_with_logits", model, y)
    t = task.targets(y, 1, "y")
    each = [float(task.fn(model(X[i : i + 1]), t[i : i + 1]).data) for i in range(len(X))]  # final weights
    assert history.replay.chosen == int(np.argmax(each)) and max(each) > 0
    assert all(b["example"] == history.replay.chosen for b in history.replay.backprops)


def test_the_backward_pass_of_one_example_ends_on_its_losss_slopes(run):
    """The page's example at frame 10's weights: its weights' grads after the stepper's last step
    are the central differences of that one example's loss."""
    model, X, y, opt, history, page, data = run
    rp = history.replay
    bp, i = rp.backprops[10], rp.chosen
    task = tasks.choose_task("bce_with_logits", model, y)
    t = task.targets(y, 1, "y")
    saved = [p.data for p in model.parameters()]
    try:
        fd = central_differences(model, rp.weights[10].copy(), X[i : i + 1], t[i : i + 1], task.fn)
    finally:
        for p, v in zip(model.parameters(), saved):
            p.data = v
    got = np.array([float(g.replace("−", "-")) for g in bp["grads"]])
    assert np.allclose(got, fd, rtol=2e-3, atol=1e-6)  # 4 significant digits
    assert bp["x"] == [f"{v:.4g}" for v in X[i]] == bp["point"]
    ons = [s["on"] for s in bp["steps"]]
    assert ons[0] == "" and "3.1" in ons and "1.1" in ons  # the loss first, then back through the layers
    assert ons.index("3.1") < ons.index("2.1") < ons.index("1.1")
    assert [p.data for p in model.parameters()] == saved


WORDS = ["a ", "x1 ", "−0.5", "(−2e-05)", "3.25", " = ", "nan", "·", "z2.3"]


@given(st.lists(st.lists(st.sampled_from(WORDS),
                         min_size=1, max_size=8).map("".join), min_size=1, max_size=4))  # fmt: skip
def test_packing_lines_gives_them_back(lines):
    series = [lines, [line.replace("3.25", "7") for line in lines], None, lines[:1]]
    templates: dict[str, int] = {}
    packed = nv.pack(series, templates)
    table = list(templates)
    for original, row in zip(series, packed):
        assert (row is None) == (original is None)
        if original is not None:
            assert nv.unpack(row, table) == original


def test_the_steps_and_backward_pass_text_stay_within_their_budgets(run, monkeypatch):
    import nn.replay as replay

    model, X, y, opt, history, page, data = run
    assert data["exEvery"] == 1 and data["bpEvery"] == 1
    monkeypatch.setattr(replay, "STEP_BUDGET", 100)  # 31 frames x 20 weights: every 7th frame keeps them
    monkeypatch.setattr(replay, "LINE_BUDGET", 200)
    small = nn.fit(nn.MLP(2, [3, 2, 1], activation="tanh", seed=0), X, y, loss="bce_with_logits", epochs=30,
                   record=True, progress=False)  # fmt: skip
    assert sum(s is not None for s in small.replay.steps) == 5  # the other frames' steps were never made
    kept = replay_data(small.to_html())
    assert kept["exEvery"] == 7
    assert [i for i, f in enumerate(kept["frames"]) if "ex" in f] == [7, 14, 21, 28, 30]  # and the last
    assert kept["bpEvery"] > 1
    with_bp = [i for i, f in enumerate(kept["frames"]) if f["bp"]]
    assert with_bp[-1] == 30 and all(i % kept["bpEvery"] == 0 for i in with_bp[:-1])


def test_a_model_the_view_cannot_read_shows_the_output_and_says_why():
    class Doubled(nn.Module):
        def __init__(self):
            self.inner = nn.MLP(2, [4, 1], seed=0)

        def forward(self, x):
            return self.inner(x) * 2.0

    X, y = nn.datasets.moons(n=30, seed=0)
    h = nn.fit(Doubled(), X, y, epochs=3, record=True, progress=False)
    page = h.to_html()
    assert '<svg class="net"' not in page and "Not drawn: the replay draws the neurons" in page
    assert "Doubled" in page


def test_a_network_too_wide_to_draw_says_so(monkeypatch):
    import nn.replay as replay

    monkeypatch.setattr(replay, "MAX_DRAWN_PARAMETERS", 10)
    X, y = nn.datasets.moons(n=30, seed=0)
    h = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=3, record=True, progress=False)
    page = h.to_html()
    assert '<svg class="net"' not in page and "17 parameters" in page and "up to 64 and 10" in page
    assert 'id="grad-chart"' in page  # the gradients per layer still


def test_a_sequential_is_drawn_with_torchs_names():
    X, y = nn.datasets.moons(n=30, seed=0)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    page = nn.fit(model, X, y, epochs=4, record=True, progress=False).to_html()
    assert 'data-weight="0.weight[2, 1]"' in page and 'data-weight="2.bias[0]"' in page
    assert replay_data(page)["activations"] == ["relu", "relu", "relu", "linear"]


def test_with_features_the_inputs_are_the_crosses_and_the_maps_lie_over_the_plane():
    X, y = nn.datasets.circles(n=60, noise=0.05, seed=0)
    names = ["x1^2", "x2^2", "x1*x2"]
    model = nn.MLP(3, [3, 1], activation="tanh", seed=0)
    h = nn.fit(model, X, y, features=names, epochs=20, record=True, progress=False)
    rp = h.replay
    assert rp.X.shape == (60, 2) and rp.features == tuple(names)
    assert rp.input_maps.shape == (3, nv.MAP_RES, nv.MAP_RES)
    x1, x2 = nv.grid(rp.extent, nv.MAP_RES).T
    assert np.allclose(rp.input_maps[2].ravel(), x1 * x2, atol=1e-6)  # x1*x2 over the plane
    page = h.to_html()
    for name in names:
        assert f">{name}</text>" in page.replace("&amp;", "&")
    # the regions: the model on the crosses of each pixel's point, class by the sign of its margin
    out = nn.predict(model, nn.datasets.features(nv.grid(rp.extent, 200), names)).ravel()
    regions = png_pixels(replay_data(page)["frames"][-1]["png"]).reshape(-1, 3)
    vermillion = regions[:, 0] > regions[:, 2]
    far = np.abs(out) > 0.3
    assert far.sum() > 1000 and np.mean(vermillion[far] == (out > 0)[far]) > 0.99


def test_recording_leaves_the_numbers_training_gives():
    X, y = nn.datasets.moons(n=40, seed=3)
    runs = []
    for record in (None, True):
        model = nn.MLP(2, [4, 1], seed=0)
        h = nn.fit(model, X, y, epochs=15, batch_size=16, seed=0, record=record, progress=False)
        runs.append((h.loss, [p.data for p in model.parameters()]))
    assert runs[0] == runs[1]
    assert math.isfinite(runs[0][0][-1])


def test_backward_steps_at_an_epoch_is_the_pages_pass_and_ends_on_the_examples_slopes(run):
    model, X, y, opt, history, page, data = run
    rp = history.replay
    before = [p.data for p in model.parameters()]
    steps = rp.backward_steps(12, example=rp.chosen).run()
    assert [line for s in steps for line in s.lines()] == [
        line for s in rp.backprops[12]["steps"] for line in s["lines"]
    ]
    assert [p.data for p in model.parameters()] == before  # the model itself is left alone
    task = tasks.choose_task("bce_with_logits", model, y)
    t = task.targets(y, 1, "y")
    third = rp.backward_steps(12, example=3)
    third.run()
    leaves = {n.label: n for n in _leaves(third.root)}
    try:
        fd = central_differences(model, rp.weights[12].copy(), X[3:4], t[3:4], task.fn)
    finally:
        for p, v in zip(model.parameters(), before):
            p.data = v
    labels = [p.label for p in model.parameters()]
    assert np.allclose([leaves[label].grad for label in labels], fd, rtol=1e-5, atol=1e-9)
    with pytest.raises(ValueError, match="example must be a training example's index, 0 to 39"):
        rp.backward_steps(12, example=40)
    with pytest.raises(TypeError, match="epoch must be a whole number"):
        rp.backward_steps("12")
    with pytest.raises(ValueError, match=r"epoch must be from 0 to 30 \(the run's last\); got 999"):
        rp.backward_steps(999)


def _leaves(root):
    from autograd_lite import topological_order

    return [n for n in topological_order(root) if not n.parents]


def test_a_blow_up_is_recorded_before_the_weights_are_put_back():
    """The frame of the diverged epoch holds the blown-up weights and their loss, not the restored ones."""
    X, y = nn.datasets.moons(n=60, noise=0.1, seed=0)
    model = nn.MLP(2, [8, 8, 1], activation="relu", seed=0)
    with pytest.warns(RuntimeWarning, match="training diverged"):
        h = nn.fit(model, X, y, optimizer="sgd", lr=50, epochs=100, record=True, progress=False)
    rp = h.replay
    assert h.diverged and rp.frame_epochs[-1] == h.epochs and h.epochs % rp.every != 0
    assert not np.allclose(rp.weights[-1], rp.weights[0])  # the blow-up, not the restored start
    assert [p.data for p in model.parameters()] == pytest.approx(rp.weights[0].tolist())  # restored after
    page = h.to_html()
    assert "Loss (hinge), log scale" in page
    assert f"diverged at epoch {h.epochs}: lower the learning rate" in page


def test_a_regression_over_the_plane_replays_its_output_and_colours_the_points_by_target():
    """The Playground's plane: target (x1 + x2)/10; the page's map is the output's value, vermillion
    above 0 and blue below, and each point is coloured by its target on the same scale."""
    Xt, yt, _, _ = nn.datasets.playground("plane", n=200, seed=0)
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    h = nn.fit(model, Xt / 6, yt, epochs=40, record=True, progress=False)
    rp = h.replay
    assert h.loss_name == "mse" and rp.classes == 0 and rp.value_scale == pytest.approx(np.abs(yt).max())
    page = h.to_html()
    data = replay_data(page)
    assert "the output and each point's target" in page and "decision boundary" not in page
    assert data["outputLabel"] == "Output: the model's prediction over the plane"
    out = nn.predict(model, nv.grid(rp.extent, 200)).ravel()  # the trained model, worked apart
    pixels = png_pixels(data["frames"][-1]["png"]).reshape(-1, 3)
    far = np.abs(out) > 0.2 * rp.value_scale
    assert far.sum() > 1000 and np.all((pixels[:, 0] > pixels[:, 2])[far] == (out > 0)[far])
    fills = re.findall(r'<circle cx="[^"]+" cy="[^"]+" r="[^"]+" fill="(#[0-9a-f]{6})"', page)
    assert len(fills) == len(Xt)
    reds = [int(f[1:3], 16) > int(f[5:7], 16) for f in fills]
    assert sum(r == (t > 0) for r, t in zip(reds, yt) if abs(t) > 0.2 * rp.value_scale) >= 0.99 * sum(
        abs(t) > 0.2 * rp.value_scale for t in yt
    )
