"""nn.plot writes readable PNG and SVG files and refuses paths and data it cannot draw."""

import numpy as np
import pytest
from matplotlib.figure import Figure

import nn
from nn import datasets, plot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def moons_model():
    X, y = datasets.moons(n=60, seed=0)
    model = nn.MLP(2, [8, 8, 1], seed=0)
    history = nn.fit(model, X, y, loss="hinge", lr=0.05, epochs=20, validation=(X, y), progress=False)
    return model, X, y, history


def test_decision_boundary_png_and_svg(tmp_path, moons_model):
    model, X, y, _ = moons_model
    fig = plot.decision_boundary(model, X, y, tmp_path / "b.png", resolution=60)
    assert isinstance(fig, Figure)
    assert (tmp_path / "b.png").read_bytes()[:8] == PNG_MAGIC
    ax = fig.axes[0]
    assert ax.get_title().startswith("Decision boundary") and "accuracy" in ax.get_title()
    assert ax.get_xlabel().startswith("x₁") and ax.get_ylabel().startswith("x₂")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["class 0", "class 1", "decision boundary"]
    plot.decision_boundary(model, X, 2 * y - 1, str(tmp_path / "b.svg"), resolution=60)
    text = (tmp_path / "b.svg").read_text()
    assert "<svg" in text and "class -1" in text


def test_decision_boundary_of_three_classes_without_writing():
    X, y = datasets.blobs(n=30, centers=3, seed=0)
    model = nn.MLP(2, [4, 3], seed=0)
    fig = plot.decision_boundary(model, X, y, resolution=40)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][:3] == [
        "class 0",
        "class 1",
        "class 2",
    ]


def test_decision_boundary_into_given_axes_side_by_side(tmp_path, moons_model):
    model, X, y, _ = moons_model
    fig = Figure(figsize=(10, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    same = plot.decision_boundary(model, X, y, resolution=30, title="left", ax=left)
    plot.decision_boundary(model, X, y, tmp_path / "two.png", resolution=30, title="right", ax=right)
    assert same is fig and fig.axes[:2] == [left, right]
    assert [left.get_title(), right.get_title()] == ["left", "right"]
    assert left.get_legend() is not None and right.get_legend() is not None
    assert (tmp_path / "two.png").read_bytes()[:8] == PNG_MAGIC


def test_history_with_and_without_validation(tmp_path, moons_model):
    *_, history = moons_model
    fig = plot.history(history, tmp_path / "h.png")
    assert (tmp_path / "h.png").read_bytes()[:8] == PNG_MAGIC
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_xlabel() == "epoch" and loss_ax.get_ylabel() == "hinge loss"
    assert [line.get_label() for line in loss_ax.get_lines()] == ["training", "validation"]
    assert acc_ax.get_title() == "Accuracy"
    X, y = datasets.line(n=20, seed=0)
    regression = nn.fit(nn.MLP(1, [4, 1], seed=0), X, y, loss="mse", epochs=3, progress=False)
    fig = plot.history(regression, tmp_path / "r.svg")
    assert len(fig.axes) == 1 and "<svg" in (tmp_path / "r.svg").read_text()


def test_regression_plot(tmp_path):
    X, y = datasets.sine(n=30, seed=0)
    model = nn.MLP(1, [4, 1], activation="tanh", seed=0)
    fig = plot.regression(model, X, y, tmp_path / "s.png")
    assert (tmp_path / "s.png").exists() and fig.axes[0].get_title().startswith("Regression fit")


def test_no_pyplot_figures_are_left_open(moons_model):
    import matplotlib.pyplot as plt

    model, X, y, history = moons_model
    plot.decision_boundary(model, X, y, resolution=20)
    plot.history(history)
    assert plt.get_fignums() == []


@pytest.mark.parametrize(
    "call, error, words",
    [
        (
            lambda m, X, y, d: plot.decision_boundary(m, X, y, d / "b.jpg"),
            ValueError,
            "must end in .png or .svg",
        ),
        (
            lambda m, X, y, d: plot.decision_boundary(m, X, y, d / "no" / "b.png"),
            FileNotFoundError,
            "does not exist",
        ),
        (lambda m, X, y, d: plot.decision_boundary(m, X, y[:5]), ValueError, "but y has 5 labels"),
        (lambda m, X, y, d: plot.decision_boundary(m, X, y, resolution=1), ValueError, "resolution"),
        (lambda m, X, y, d: plot.history("h"), TypeError, "History that fit() returns"),
        (lambda m, X, y, d: plot.history(nn.History("mse")), ValueError, "no epochs"),
        (lambda m, X, y, d: plot.regression(m, X, y), ValueError, "one input feature"),
    ],
)
def test_bad_paths_and_data(tmp_path, moons_model, call, error, words):
    model, X, y, _ = moons_model
    with pytest.raises(error) as info:
        call(model, X, y, tmp_path)
    assert words in str(info.value)


def test_three_features_cannot_be_drawn():
    model = nn.MLP(3, [2, 1], seed=0)
    with pytest.raises(ValueError, match="two input features, X has 3"):
        plot.decision_boundary(model, np.zeros((4, 3)), np.array([0, 1, 0, 1]))


def test_import_nn_leaves_matplotlib_unloaded_until_plot_is_used():
    import subprocess
    import sys

    code = (
        "import sys, nn; assert 'matplotlib' not in sys.modules; nn.plot; assert 'matplotlib' in sys.modules"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


OKABE_ITO = [
    "#0072b2",
    "#d55e00",
    "#009e73",
]  # blue, vermillion, bluish green: told apart with any colour vision


def test_classes_get_okabe_ito_colours_their_own_markers_and_matching_regions():
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex

    X, y = datasets.blobs(n=30, centers=3, seed=0)
    ax = plot.decision_boundary(nn.MLP(2, [4, 3], seed=0), X, y, resolution=20).axes[0]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [c.get_label() for c in points] == ["class 0", "class 1", "class 2"]
    assert [to_hex(c.get_facecolor()[0]) for c in points] == OKABE_ITO
    shapes = [c.get_paths()[0].vertices.round(6).tobytes() for c in points]
    assert len(set(shapes)) == 3  # a marker shape per class: readable in grey too
    regions = next(c for c in ax.collections if getattr(c, "filled", False))  # the contourf
    assert [
        to_hex(regions.cmap(regions.norm(j))) for j in range(3)
    ] == OKABE_ITO  # region j in class j's colour


def test_one_epoch_is_singular_in_the_history_title():
    X, y = datasets.xor()
    history = nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=1, progress=False)
    assert plot.history(history)._suptitle.get_text() == "Training: 1 epoch"


def test_few_points_get_bigger_markers_many_keep_theirs():
    from matplotlib.collections import PathCollection

    def sizes(X, y):
        ax = plot.decision_boundary(nn.MLP(2, [4, 1], seed=0), X, y, resolution=10).axes[0]
        return {float(s) for c in ax.collections if isinstance(c, PathCollection) for s in c.get_sizes()}

    xor_sizes = sizes(*datasets.xor())  # the 4 XOR points, seen from the back of a room
    assert len(xor_sizes) == 1 and 60 <= xor_sizes.pop() <= 80
    assert sizes(*datasets.moons(n=200, seed=0)) == {24.0}  # hundreds: as small as they were
    assert plot.marker_size(1) == plot.marker_size(4) and plot.marker_size(25) < plot.marker_size(4)


def test_a_model_that_says_one_class_everywhere_has_no_boundary_in_its_legend():
    X, y = datasets.xor()
    model = nn.MLP(2, [1], seed=0)
    for p in model.parameters():
        p.data = 0.0
    model.parameters()[-1].data = 5.0  # the bias: a score of 5 everywhere, class 1 at every point
    labels = [t.get_text() for t in plot.decision_boundary(model, X, y).axes[0].get_legend().get_texts()]
    assert labels == ["class 0", "class 1"]
    trained = [t.get_text() for t in plot.decision_boundary(*_xor_mlp()).axes[0].get_legend().get_texts()]
    assert trained == ["class 0", "class 1", "decision boundary"]


def _xor_mlp():
    X, y = datasets.xor()
    model = nn.MLP(2, [3, 1], seed=0)
    nn.fit(model, X, y, loss="bce_with_logits", optimizer="adam", lr=0.1, epochs=150, progress=False)
    return model, X, y
