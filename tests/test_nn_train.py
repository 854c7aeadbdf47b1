"""nn.train: fit() learns the toy problems, keeps its promises (history, early stopping, labels), and
refuses bad input clearly; predict, classify and accuracy on a network set by hand."""

import io
import math
import re
import sys
import time
import warnings

import numpy as np
import pytest

import nn
from autograd_lite import Value
from nn import datasets, optim
from nn.compiled import CompileWarning

# --- it learns ----------------------------------------------------------------------------------


def test_xor_to_100_percent():
    X, y = datasets.xor()
    model = nn.MLP(2, [8, 1], activation="tanh", seed=0)
    history = nn.fit(model, X, y, loss="hinge", optimizer="adam", lr=0.1, epochs=100, progress=False)
    assert nn.accuracy(model, X, y) == 1.0
    assert history.accuracy[-1] == 1.0


def test_moons_to_at_least_97_percent_in_a_few_seconds():
    X, y = datasets.moons(n=100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    start = time.perf_counter()
    nn.fit(model, X, y, loss="hinge", lr=0.05, epochs=150, progress=False, seed=0)
    assert time.perf_counter() - start < 5
    assert nn.accuracy(model, X, y) >= 0.97


def test_three_spirals_well_above_chance_with_mini_batches():
    X, y = datasets.spirals(n=300, classes=3, seed=0)
    model = nn.MLP(2, [16, 16, 3], seed=0)
    history = nn.fit(
        model, X, y, loss="cross_entropy", lr=0.02, epochs=40, batch_size=32, seed=0, progress=False
    )
    assert nn.accuracy(model, X, y) > 0.8  # chance is 1/3
    assert history.loss[-1] < history.loss[0]


def test_regression_on_a_sine():
    X, y = datasets.sine(n=60, noise=0.05, seed=0)
    model = nn.MLP(1, [16, 16, 1], activation="tanh", seed=0)
    history = nn.fit(
        model, X, y, loss="mse", lr=0.02, epochs=200, metrics=("accuracy", "mae"), progress=False
    )
    assert history.loss[-1] < 0.02  # y varies with variance 1/2: the fit explains > 95 %
    assert "accuracy" not in history.metrics and len(history.metrics["mae"]) == 200  # no classes, no accuracy


def test_the_micrograd_demo_with_sgd_l2_and_the_linear_schedule():
    X, y = datasets.moons(n=100, noise=0.1, seed=1)
    model = nn.MLP(2, [16, 16, 1], seed=1337)
    opt = optim.SGD(model.parameters(), lr=1.0)
    history = nn.fit(
        model, X, 2 * y - 1, loss="hinge", optimizer=opt, epochs=100, l2=1e-4, shuffle=False, progress=False,
        schedule=lambda o: optim.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=100),
    )  # fmt: skip
    assert opt.lr == pytest.approx(0.1)  # 1.0 - 0.9·100/100
    assert history.accuracy[-1] == 1.0


# --- what fit promises -------------------------------------------------------------------------------


def test_history_records_every_epoch_on_train_and_validation():
    X, y = datasets.moons(n=80, seed=0)
    Xt, Xv, yt, yv = datasets.train_test_split(X, y, test_size=0.25, seed=0)
    model = nn.MLP(2, [8, 1], seed=0)
    history = nn.fit(model, Xt, yt, loss="hinge", epochs=7, validation=(Xv, yv), progress=False)
    assert history.epochs == 7 and len(history.val_loss) == 7 and len(history.val_accuracy) == 7
    assert history.loss_name == "hinge" and not history.stopped_early and history.seconds > 0
    # the last entries are the final model's numbers, measured independently here
    scores = nn.predict(model, Xv)
    assert history.val_loss[-1] == pytest.approx(np.mean(np.maximum(0, 1 - (2 * yv - 1) * scores)))
    assert history.val_accuracy[-1] == pytest.approx(np.mean((scores > 0) == (yv == 1)))
    assert "7 epochs" in repr(history)


def test_early_stopping_restores_the_best_weights():
    X, y = datasets.moons(n=60, noise=0.3, seed=0)
    Xt, Xv, yt, yv = datasets.train_test_split(X, y, test_size=0.5, seed=0)
    model = nn.MLP(2, [32, 32, 1], seed=0)  # big enough to overfit 30 noisy points
    history = nn.fit(
        model, Xt, yt, loss="bce_with_logits", lr=0.05, epochs=300, validation=(Xv, yv), early_stopping=5,
        progress=False,
    )  # fmt: skip
    assert history.stopped_early and history.epochs < 300
    best = history.best_epoch
    assert history.val_loss[best - 1] == min(history.val_loss)
    assert history.epochs == best + 5  # five epochs without improvement
    z, t = nn.predict(model, Xv), yv
    restored = np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z))))  # BCE from logits, by formula
    assert restored == pytest.approx(min(history.val_loss))


def test_zero_one_and_plus_minus_one_labels_train_the_same():
    X, y = datasets.moons(n=40, seed=0)
    runs = []
    for labels in (y, 2 * y - 1):
        model = nn.MLP(2, [4, 1], seed=0)
        runs.append(nn.fit(model, X, labels, loss="hinge", epochs=5, progress=False).loss)
    assert runs[0] == runs[1]


def test_shuffling_is_seeded_and_batch_of_one_works():
    X, y = datasets.moons(n=20, seed=0)

    def once(seed):
        model = nn.MLP(2, [4, 1], seed=0)
        return nn.fit(model, X, y, loss="hinge", epochs=3, batch_size=1, seed=seed, progress=False).loss

    assert once(5) == once(5) != once(6)


def test_default_loss_follows_the_task():
    X, y = datasets.blobs(n=30, centers=3, seed=0)
    assert nn.fit(nn.MLP(2, [3], seed=0), X, y, epochs=1, progress=False).loss_name == "cross_entropy"
    Xb, yb = datasets.moons(n=30, seed=0)
    assert nn.fit(nn.MLP(2, [1], seed=0), Xb, yb, epochs=1, progress=False).loss_name == "hinge"
    sig = nn.MLP(2, [1], output_activation="sigmoid", seed=0)
    assert nn.fit(sig, Xb, yb, epochs=1, progress=False).loss_name == "bce"
    Xr, yr = datasets.line(n=30, seed=0)
    assert nn.fit(nn.MLP(1, [1], seed=0), Xr, yr, epochs=1, progress=False).loss_name == "mse"


def test_a_loss_function_and_a_metric_function():
    X, y = datasets.moons(n=30, seed=0)

    def squared_hinge(out, t):
        return ((1.0 - out * (2 * t - 1)).relu() ** 2).mean()

    def positives(out, t):
        return float(np.mean(out > 0))

    with pytest.warns(
        CompileWarning, match=r"neither one of the feeds.*2 \* t - 1"
    ):  # numpy: the engine trains
        history = nn.fit(
            nn.MLP(2, [4, 1], seed=0), X, y, loss=squared_hinge, epochs=2, metrics=("accuracy", positives),
            progress=False,
        )  # fmt: skip
    assert history.loss_name == "squared_hinge" and set(history.metrics) == {"accuracy", "positives"}


def test_divergence_stops_with_a_warning():
    X, y = datasets.line(n=20, seed=0)
    model = nn.MLP(1, [8, 8, 1], seed=0)
    with pytest.warns(RuntimeWarning, match="diverged"):
        history = nn.fit(model, X, y * 1e3, loss="mse", optimizer="sgd", lr=10.0, epochs=50, progress=False)
    assert history.diverged and history.epochs < 50


def test_the_progress_bar_stays_quiet_off_a_terminal(monkeypatch):
    X, y = datasets.xor()
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, loss="hinge", epochs=3)
    assert sys.stderr.getvalue() == ""


def test_the_progress_bar_shows_loss_and_accuracy_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    X, y = datasets.xor()
    fake = Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, loss="hinge", epochs=3)
    assert "epoch 3/3" in fake.getvalue() and "loss " in fake.getvalue() and "acc " in fake.getvalue()
    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, loss="hinge", epochs=3, progress=False)
    assert quiet.getvalue() == ""


# --- predict, classify, accuracy on a network set by hand ------------------------------------------------


def identity_model(output_activation=None):
    model = nn.MLP(1, [1], output_activation=output_activation)
    model.load_state_dict({"layers.0.neurons.0.w.0": 1.0, "layers.0.neurons.0.b": 0.0})
    return model  # out = x (or sigmoid(x))


def test_predict_classify_and_accuracy():
    X = np.array([[-2.0], [-0.5], [0.5], [3.0]])
    linear = identity_model()
    np.testing.assert_allclose(nn.predict(linear, X), X[:, 0])
    assert nn.classify(linear, X).tolist() == [0, 0, 1, 1]  # threshold 0 for a linear output
    assert nn.classify(linear, X, threshold=1.0).tolist() == [0, 0, 0, 1]
    assert nn.accuracy(linear, X, [0, 0, 1, 0]) == 0.75
    assert nn.accuracy(linear, X, [-1, -1, 1, 1]) == 1.0  # ±1 labels read as 0/1
    probs = identity_model("sigmoid")
    np.testing.assert_allclose(nn.predict(probs, X), 1 / (1 + np.exp(-X[:, 0])))
    assert nn.classify(probs, X).tolist() == [0, 0, 1, 1]  # threshold 0.5 after a sigmoid
    three = nn.MLP(1, [3], seed=0)
    out = nn.predict(three, X)
    assert out.shape == (4, 3) and nn.classify(three, X).tolist() == out.argmax(axis=1).tolist()


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda m, X, y: nn.fit(m, X, y, loss="huber"), "unknown loss 'huber'; choose one of: hinge"),
        (lambda m, X, y: nn.fit(m, X, y, loss="hinge", epochs=-1), "epochs must be a whole number >= 0"),
        (
            lambda m, X, y: nn.fit(m, X, y, loss="hinge", batch_size=0),
            "batch_size must be a whole number >= 1",
        ),
        (lambda m, X, y: nn.fit(m, X, y, loss="hinge", early_stopping=0), "early_stopping"),
        (lambda m, X, y: nn.fit(m, X, y[:5], loss="hinge"), "X has 10 examples but y has 5"),
        (
            lambda m, X, y: nn.fit(m, X[:, :1], y, loss="hinge"),
            "1 features per example but the model takes 2",
        ),
        (lambda m, X, y: nn.fit(m, X[:, 0], y, loss="hinge"), "must be 2-D"),
        (lambda m, X, y: nn.fit(m, X, y + 2, loss="hinge"), "for two classes, but y holds 4 classes"),
        (lambda m, X, y: nn.fit(m, X, y, loss="cross_entropy"), "cross_entropy needs one output per class"),
        (lambda m, X, y: nn.fit(m, X, y, loss="bce"), "output_activation='sigmoid'"),
        (lambda m, X, y: nn.fit(m, X, y + 0.5, loss="hinge"), "class labels"),
        (lambda m, X, y: nn.fit(m, X, y, loss="hinge", optimizer="adamm"), "unknown optimizer 'adamm'"),
        (lambda m, X, y: nn.fit(m, X, y, loss="hinge", optimizer=3), "optimizer must be a name"),
        (lambda m, X, y: nn.fit(m, X, y, loss="hinge", metrics=["f1"]), "unknown metric 'f1'"),
        (lambda m, X, y: nn.fit(m, X, y, loss="hinge", validation=X), "validation must be a pair"),
        (lambda m, X, y: nn.fit(m, X * math.nan, y, loss="hinge"), "nan"),
        (lambda m, X, y: nn.accuracy(m, X, y[:3]), "X has 10 examples but y has 3 labels"),
    ],
)
def test_bad_input_is_refused_before_training(call, words):
    X, y = datasets.moons(n=10, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises((ValueError, TypeError)) as info:
        call(model, X, y)
    assert words in str(info.value)
    assert model.state_dict() == before


def test_a_three_output_model_refuses_hinge():
    X, y = datasets.spirals(n=30, seed=0)
    with pytest.raises(ValueError, match="needs a model with one output, this one has 3"):
        nn.fit(nn.MLP(2, [3], seed=0), X, y, loss="hinge")


def test_zero_epochs_is_an_empty_history():
    X, y = datasets.xor()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, loss="hinge", epochs=0, progress=False)
    assert history.epochs == 0 and "no epochs" in repr(history)


def test_outputs_that_do_not_depend_on_the_input_still_give_one_number_per_example():
    model = nn.MLP(1, [1], activation="relu", output_activation="relu")
    model.load_state_dict({"layers.0.neurons.0.w.0": 0.0, "layers.0.neurons.0.b": 0.5})
    assert nn.predict(model, np.zeros((3, 1))).tolist() == [0.5, 0.5, 0.5]
    assert isinstance(model(np.zeros((3, 1))), Value)


def test_bool_labels_and_a_column_of_labels_are_classes():
    X, y = nn.datasets.xor(seed=0)
    for labels in (y.astype(bool), y.reshape(-1, 1)):
        model = nn.MLP(2, [8, 1], activation="tanh", seed=0)
        history = nn.fit(model, X, labels, epochs=150, progress=False, seed=0)
        assert history.loss_name == "hinge"  # a classifier's loss, not mse
        assert history.accuracy[-1] == 1.0 and nn.accuracy(model, X, labels) == 1.0


def test_a_named_optimizer_without_lr_uses_fits_default():
    X, y = nn.datasets.moons(n=40, seed=0)
    model = nn.MLP(2, [8, 1], seed=0)
    opt = nn.optim.Adam(model.parameters())  # the class keeps PyTorch's default
    assert opt.lr == 1e-3
    history = nn.fit(model, X, y, optimizer="adam", epochs=1, progress=False)
    assert nn.train.DEFAULT_LR == 0.02 and history.epochs == 1
    assert repr(history).startswith("History(1 epoch,")


@pytest.mark.parametrize("seed", ["a", -1, 1.5, True])
def test_bad_seeds_are_refused_in_one_place(seed):
    for make in (lambda: nn.MLP(2, [3], seed=seed), lambda: nn.datasets.moons(seed=seed)):
        with pytest.raises(ValueError, match="seed must be None or a whole number >= 0"):
            make()


def test_a_named_optimizer_takes_a_first_step_of_002():
    # Adam's first step moves every weight with a non-zero gradient by lr·g/|g| = ±lr (eps aside)
    X, y = nn.datasets.moons(n=40, seed=0)
    model = nn.MLP(2, [8, 1], seed=0)
    before = np.array([p.data for p in model.parameters()])
    nn.fit(model, X, y, optimizer="adam", epochs=1, progress=False)
    after = np.array([p.data for p in model.parameters()])
    moved = np.array([abs(p.grad) > 1e-6 for p in model.parameters()])
    assert moved.sum() > 10
    np.testing.assert_allclose(np.abs(after - before)[moved], 0.02, rtol=1e-4)


def test_the_defaults_learn_the_toy_problems():
    X, y = datasets.moons(n=100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    nn.fit(model, X, y, epochs=200, progress=False)  # the README's replay example: 89% with Adam's 1e-3
    assert nn.accuracy(model, X, y) >= 0.97
    X, y = datasets.sine(seed=0)
    model = nn.MLP(1, [16, 16, 1], seed=0)
    nn.fit(model, X, y, progress=False)  # mse 6.2 with Adam's 1e-3
    assert np.mean((nn.predict(model, X) - y) ** 2) < 0.1  # sin x on [-π, π] has variance 1/2


def test_a_loss_that_explodes_is_a_divergence_and_numpy_stays_quiet():
    X, y = datasets.moons(n=100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    start = np.mean(np.maximum(0.0, 1.0 - (2 * y - 1) * nn.predict(model, X)))  # hinge by formula
    before = model.state_dict()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = nn.fit(
            model, X, y, loss="hinge", optimizer="sgd", lr=50.0, batch_size=32, seed=0, progress=False
        )
    assert model.state_dict() == before and history.restored_epoch == 0
    assert history.diverged and history.epochs == 1 and history.loss[0] > 1e6 * start
    assert len(caught) == 1  # fit's own warning, none of numpy's overflow warnings
    assert str(caught[0].message) == (
        f"training diverged: the loss exploded from {start:.3g} to {history.loss[0]:.3g} at epoch 1: "
        f"lower the learning rate (it was 50); the model is back at its starting weights (loss {start:.4g})"
    )


def test_nan_and_infinity_are_named_in_the_divergence_warning():
    X, y = datasets.line(n=20, seed=0)
    model = nn.MLP(1, [8, 8, 1], activation="leaky_relu", seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = nn.fit(model, X, y * 1e150, loss="mse", optimizer="sgd", lr=1.0, epochs=20, progress=False)
    assert history.diverged
    assert len(caught) == 1 and "overflow" not in str(caught[0].message)
    assert re.search(
        r"the loss became (infinite|nan \(infinite values met\)) at epoch \d+", str(caught[0].message)
    )


# --- the learning-rate rule, shared with the CLI's --lr ------------------------------------


@pytest.mark.parametrize(
    "lr, error, words",
    [
        (
            0,
            ValueError,
            "lr must be a number > 0 (a typical start is 0.01 to 0.1), got 0, which would train nothing",
        ),
        (0.0, ValueError, "got 0.0, which would train nothing"),
        (
            -1,
            ValueError,
            "lr must be a number > 0 (a typical start is 0.01 to 0.1), got -1, which would climb",
        ),
        (math.nan, ValueError, "lr must be a number > 0 (a typical start is 0.01 to 0.1), got nan"),
        (math.inf, ValueError, "got inf"),
        (True, TypeError, "lr must be a number > 0 (a typical start is 0.01 to 0.1), got bool True"),
        ("0.1", TypeError, "got str '0.1'"),
        (None, TypeError, "got NoneType None"),
    ],
)
def test_check_lr_refuses_what_would_not_train_and_says_what_is_accepted(lr, error, words):
    with pytest.raises(error) as info:
        nn.train.check_lr(lr)
    assert words in str(info.value)


def test_check_lr_returns_a_float():
    assert nn.train.check_lr(np.float32(0.5)) == 0.5 and type(nn.train.check_lr(1)) is float
    assert nn.train.check_lr(1e-300) == 1e-300


@pytest.mark.parametrize("lr", [0, -1, math.nan, True])
def test_fit_refuses_an_lr_that_would_not_train_before_touching_the_model(lr):
    X, y = datasets.moons(n=10, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises((ValueError, TypeError), match=r"lr must be a number > 0 \(a typical start"):
        nn.fit(model, X, y, loss="hinge", lr=lr, epochs=3, progress=False)
    assert model.state_dict() == before


def test_fit_refuses_an_optimizer_built_with_lr_0():
    X, y = datasets.moons(n=10, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    opt = optim.SGD(model.parameters(), lr=0)  # PyTorch's rule allows it on the class...
    with pytest.raises(ValueError, match=r"the optimizer's lr must be a number > 0 .* got 0.0, which would"):
        nn.fit(model, X, y, loss="hinge", optimizer=opt, epochs=3, progress=False)  # ...fit does not
    history = nn.fit(model, X, y, loss="hinge", optimizer=opt, lr=0.1, epochs=1, progress=False)
    assert history.epochs == 1 and opt.lr == 0.1


# --- a diverged run gives the weights back -------------------------------------------------------


def gd_by_hand(x, y, w, b, lr, epochs):
    """Full-batch gradient descent on mse for y ≈ w·x + b, in numpy: (w, b, loss) after each epoch."""
    out = []
    for _ in range(epochs):
        r = w * x + b - y
        w, b = w - lr * np.mean(2 * r * x), b - lr * np.mean(2 * r)
        out.append((w, b, float(np.mean((w * x + b - y) ** 2))))
    return out


def test_a_diverged_run_restores_the_weights_with_the_lowest_loss():
    # lr 0.33 is stable for the bias (curvature 2) but not for the slope (curvature 2·mean(x²) = 6.6):
    # the loss falls while b converges, then the slope's error grows 1.18× a step until it explodes.
    x = np.linspace(-1, 1, 21) * 3
    y = 1.001 * x + 5
    model = nn.MLP(1, [1], seed=0)
    model.load_state_dict({"layers.0.neurons.0.w.0": 1.0, "layers.0.neurons.0.b": 0.0})
    with pytest.warns(RuntimeWarning) as caught:
        history = nn.fit(
            model, x[:, None], y, loss="mse", optimizer="sgd", lr=0.33, epochs=300, progress=False
        )
    path = gd_by_hand(x, y, 1.0, 0.0, 0.33, history.epochs)
    losses_by_hand = [loss for _, _, loss in path]
    np.testing.assert_allclose(history.loss, losses_by_hand, rtol=1e-9)
    k = int(np.argmin(losses_by_hand)) + 1
    assert history.diverged and history.epochs < 300 and 1 < k < history.epochs
    w, b, loss = path[k - 1]
    state = model.state_dict()
    assert state["layers.0.neurons.0.w.0"] == pytest.approx(w, rel=1e-12)
    assert state["layers.0.neurons.0.b"] == pytest.approx(b, rel=1e-12)
    assert history.restored_epoch == k and f"weights of epoch {k} restored" in repr(history)
    message = str(caught[0].message)
    assert message.startswith(
        f"training diverged: the loss exploded from 25 to {history.loss[-1]:.3g} at epoch"
    )
    assert message.endswith(
        f"the model is back at the weights of epoch {k} (loss {loss:.4g}), the lowest before"
    )


def test_a_nan_divergence_leaves_finite_weights_and_a_clean_optimizer():
    X, y = datasets.line(n=20, seed=0)
    model = nn.MLP(1, [8, 8, 1], activation="leaky_relu", seed=0)
    opt = optim.SGD(model.parameters(), lr=1.0, momentum=0.9)
    with pytest.warns(RuntimeWarning, match="the model is back at"):
        history = nn.fit(model, X, y * 1e150, loss="mse", optimizer=opt, epochs=20, progress=False)
    assert history.diverged and not math.isfinite(history.loss[-1])
    assert all(math.isfinite(v) for v in model.state_dict().values())
    assert opt.state == {}  # the blown-up momentum is gone: fit(optimizer=opt, lr=smaller) starts afresh


def test_divergence_with_early_stopping_gives_back_early_stoppings_best_epoch():
    x = np.linspace(-1, 1, 21) * 3
    y = 1.001 * x + 5
    model = nn.MLP(1, [1], seed=0)
    model.load_state_dict({"layers.0.neurons.0.w.0": 1.0, "layers.0.neurons.0.b": 0.0})
    with pytest.warns(RuntimeWarning, match="back at the weights of epoch \\d+, early stopping's best"):
        history = nn.fit(
            model, x[:, None], y, loss="mse", optimizer="sgd", lr=0.4, epochs=300, early_stopping=50,
            progress=False,
        )  # fmt: skip
    assert history.diverged and history.restored_epoch == history.best_epoch
    w, b, _ = gd_by_hand(x, y, 1.0, 0.0, 0.4, history.best_epoch)[-1]
    state = model.state_dict()
    assert state["layers.0.neurons.0.w.0"] == pytest.approx(w, rel=1e-12)
    assert state["layers.0.neurons.0.b"] == pytest.approx(b, rel=1e-12)


def test_an_optimizer_that_cannot_step_stops_training_as_a_divergence():
    # loss = mean(output): constant gradients (d/db = 1, d/dw = mean(x) = 0.5), so centered RMSProp's
    # variance estimate goes to 0 and below by rounding; fit reports that instead of crashing.
    X = np.linspace(0, 1, 11)[:, None]
    model = nn.MLP(1, [1], seed=0)
    opt = optim.RMSProp(model.parameters(), lr=1e-3, alpha=0.3, centered=True)
    with pytest.warns(RuntimeWarning) as caught:
        history = nn.fit(model, X, np.zeros(11), loss=lambda out, t: out.mean(), optimizer=opt, epochs=200,
                         progress=False)  # fmt: skip
    message = str(caught[0].message)
    assert history.diverged and history.epochs < 200
    assert message.startswith(f"training diverged: the optimizer could not step at epoch {history.epochs}: ")
    assert "RMSProp(centered=True)" in message and "use centered=False or a larger eps" in message
    assert all(math.isfinite(v) for v in model.state_dict().values())


# --- callbacks and batches ------------------------------------------------------------------------


def test_a_callback_sees_every_epoch_and_can_stop_the_run():
    X, y = datasets.xor()
    seen = []

    class StopAtThree(nn.Callback):
        def start(self, run):
            seen.append(("start", run.epochs, run.X.shape))

        def epoch_done(self, run, epoch):
            seen.append((epoch, len(run.history.loss)))
            return epoch == 3

        def finish(self, run):
            seen.append(("finish", run.history.epochs))

    history = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=10, progress=False, callbacks=[StopAtThree()])
    assert history.epochs == 3
    assert seen == [("start", 10, (4, 2)), (1, 1), (2, 2), (3, 3), ("finish", 3)]


def test_batches_cover_every_row_once_per_epoch():
    X = np.arange(10.0)[:, None]
    t = np.arange(10)
    rng = np.random.default_rng(0)
    got = list(nn.train.batches(X, t, 4, True, rng))
    assert [len(b) for b, _ in got] == [4, 4, 2]
    assert sorted(np.concatenate([b[:, 0] for b, _ in got]).tolist()) == list(range(10))
    assert all(np.array_equal(b[:, 0], tb) for b, tb in got)  # rows and targets stay paired
    whole = list(nn.train.batches(X, t, 10, True, rng))
    assert len(whole) == 1 and whole[0][0] is X  # one batch: the data itself, in order
    assert [b[0, 0] for b, _ in nn.train.batches(X, t, 4, False, rng)] == [0.0, 4.0, 8.0]


def test_the_divergence_warning_points_at_the_line_that_called_fit():
    X, y = datasets.moons(n=40, noise=0.2, seed=0)
    with pytest.warns(RuntimeWarning, match="training diverged") as caught:
        nn.fit(
            nn.MLP(2, [8, 1], seed=0),
            X,
            y,
            loss="hinge",
            optimizer="sgd",
            lr=300.0,
            epochs=10,
            progress=False,
        )
    assert caught[0].filename == __file__
