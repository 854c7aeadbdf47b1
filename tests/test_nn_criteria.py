"""nn's criteria (MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss) against
numbers worked by hand and central finite differences, for every reduction, one example and lanes.

tests/test_torch_criteria.py compares them with torch.nn itself."""

import math
import re

import numpy as np
import pytest

import nn
from autograd_lite import Value, gradcheck, numerical_grad
from nn import losses


def lanes(*xs):
    return Value(np.array(xs, dtype=float))


REDUCTIONS = ("mean", "sum", "none")

# criterion, outputs (lanes), targets, per-example loss worked by hand, d(per-example loss)/d(output)
SIG = 1 / (1 + math.exp(-2.0))
BY_HAND = [
    (nn.MSELoss, [1.0, 2.0, 3.0], [0.0, 2.0, 5.0], [1.0, 0.0, 4.0], [2.0, 0.0, -4.0]),
    (nn.L1Loss, [1.0, 2.0, 3.0], [0.0, 2.0, 5.0], [1.0, 0.0, 2.0], [1.0, 0.0, -1.0]),  # sign; 0 at a tie
    (
        nn.BCELoss,
        [0.8, 0.4, 0.0],
        [1.0, 0.0, 1.0],
        [-math.log(0.8), -math.log(0.6), 100.0],  # log 0 clamped at -100
        [-1 / 0.8, 1 / 0.6, -1 / losses.BCE_EPSILON],  # (p - t) / max(p(1 - p), 1e-12)
    ),
    (
        nn.BCEWithLogitsLoss,
        [0.0, 2.0, -1000.0],
        [1.0, 0.0, 1.0],
        [math.log(2), math.log(1 + math.e**2), 1000.0],
        [-0.5, SIG, -1.0],  # sigmoid(z) - t
    ),
    (nn.HingeLoss, [0.5, 2.0, -0.5], [-1.0, 1.0, 1.0], [1.5, 0.0, 1.5], [1.0, 0.0, -1.0]),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "make, out, target, terms, slopes", BY_HAND, ids=lambda x: getattr(x, "__name__", "")
)
def test_elementwise_criteria_on_lanes_by_hand(make, out, target, terms, slopes, reduction):
    p = lanes(*out)
    loss = make(reduction=reduction)(p, np.array(target))
    assert isinstance(loss, Value)
    n = len(out)
    if reduction == "none":  # one lane per example, as torch keeps the input's shape
        assert loss.is_lanes
        np.testing.assert_allclose(loss.data, terms, rtol=1e-15)
        loss.sum().backward()
        np.testing.assert_allclose(p.grad, slopes, rtol=1e-15)
        return
    scale = 1 / n if reduction == "mean" else 1.0
    assert not loss.is_lanes
    assert loss.data == pytest.approx(sum(terms) * scale, rel=1e-15)
    loss.backward()
    np.testing.assert_allclose(p.grad, np.array(slopes) * scale, rtol=1e-15)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_one_example_is_one_number_whatever_the_reduction(reduction):
    p = Value(3.0)
    loss = nn.MSELoss(reduction=reduction)(p, 1.0)
    loss.backward()
    assert (loss.data, p.grad) == (4.0, 4.0)  # (3 - 1)², 2 (3 - 1)


def test_a_list_of_outputs_with_reduction_none_gives_a_list():
    a, b = Value(1.0), Value(2.0)
    terms = nn.MSELoss(reduction="none")([a, b], [0.0, 0.5])
    assert isinstance(terms, list) and [v.data for v in terms] == [1.0, 2.25]
    y1, y2 = lanes(1.0, 2.0), lanes(0.0, 0.0)  # a model with two outputs on a batch of two
    target = np.array([[0.0, 1.0], [2.0, 1.0]])
    per = nn.MSELoss(reduction="none")([y1, y2], target)
    assert [list(v.data) for v in per] == [[1.0, 0.0], [1.0, 1.0]]
    assert nn.MSELoss(reduction="sum")([y1, y2], target).data == 3.0
    assert nn.MSELoss()([y1, y2], target).data == 0.75  # over all 4 numbers, as torch


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_loss_by_hand(reduction):
    # example 1: logits (1, 2, 3), class 2; example 2: logits (0, 0, 0), class 0
    zs = [lanes(1.0, 0.0), lanes(2.0, 0.0), lanes(3.0, 0.0)]
    loss = nn.CrossEntropyLoss(reduction=reduction)(zs, np.array([2, 0]))
    total = math.e + math.e**2 + math.e**3
    terms = [math.log(total) - 3, math.log(3)]
    probs = np.array([[math.e / total, 1 / 3], [math.e**2 / total, 1 / 3], [math.e**3 / total, 1 / 3]])
    onehot = np.array([[0, 1], [0, 0], [1, 0]])
    slopes = probs - onehot  # softmax - onehot, per example
    if reduction == "none":
        np.testing.assert_allclose(loss.data, terms, rtol=1e-15)
        loss.sum().backward()
        scale = 1.0
    else:
        scale = 0.5 if reduction == "mean" else 1.0
        assert loss.data == pytest.approx(sum(terms) * scale, rel=1e-15)
        loss.backward()
    for z, want in zip(zs, slopes):
        np.testing.assert_allclose(z.grad, want * scale, rtol=1e-14)


def test_cross_entropy_loss_of_one_example_is_one_number():
    zs = [Value(1000.0), Value(-1000.0)]
    for reduction in REDUCTIONS:
        assert nn.CrossEntropyLoss(reduction=reduction)(zs, 1).data == 2000.0


def test_the_mean_criterion_is_the_function():
    p, t = lanes(0.3, 0.9, 0.5), np.array([1.0, 0.0, 1.0])
    assert nn.MSELoss()(p, t).data == losses.mse(p, t).data
    assert nn.MSELoss(reduction="sum")(p, t).data == losses.sse(p, t).data
    assert nn.L1Loss()(p, t).data == losses.mae(p, t).data
    assert nn.BCELoss()(p, t).data == losses.binary_cross_entropy(p, t).data
    assert nn.BCEWithLogitsLoss()(p, t).data == losses.bce_with_logits(p, t).data
    assert nn.HingeLoss()(p, 2 * t - 1).data == losses.hinge(p, 2 * t - 1).data


# --- finite differences -----------------------------------------------------------------------

rng = np.random.default_rng(7)
Z = rng.normal(size=5) * 2
TARGET = rng.normal(size=5)
HARD = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
SOFT = rng.uniform(size=5)
PROB = 1 / (1 + np.exp(-Z))
FD_CASES = [
    (nn.MSELoss, Z, TARGET),
    (nn.L1Loss, Z, TARGET),
    (nn.BCELoss, PROB, SOFT),
    (nn.BCEWithLogitsLoss, Z, SOFT),
    (nn.HingeLoss, Z, 2 * HARD - 1),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("make, out, target", FD_CASES, ids=lambda x: getattr(x, "__name__", ""))
def test_gradients_match_finite_differences(make, out, target, reduction):
    criterion = make(reduction=reduction)

    def f(v):
        loss = criterion(v, target)
        return loss.sum() if reduction == "none" else loss  # the sum of the lanes: every lane's slope

    report = gradcheck(f, [Value(out.copy())])
    assert report, report
    for x, t in zip(out[:2], target[:2]):  # and one example at a time
        report = gradcheck(lambda v, t=t: criterion(v, float(t)), [Value(float(x))])
        assert report, report


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_loss_gradients_match_finite_differences(reduction):
    criterion = nn.CrossEntropyLoss(reduction=reduction)
    logits = [Value(rng.normal(size=4) * 3) for _ in range(3)]
    target = np.array([0, 2, 1, 2])

    def f(*zs):
        loss = criterion(list(zs), target)
        return loss.sum() if reduction == "none" else loss

    f(*logits).backward()
    for z, numeric in zip(logits, numerical_grad(f, logits)):
        np.testing.assert_allclose(z.grad, numeric, rtol=1e-6, atol=1e-9)


# --- repr, errors, fit ---------------------------------------------------------------------------


def test_repr_is_torchs():
    assert repr(nn.MSELoss()) == "MSELoss()"
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"
    assert repr(nn.CrossEntropyLoss(reduction="none")) == "CrossEntropyLoss(reduction='none')"
    assert repr(nn.HingeLoss()) == "HingeLoss()"


@pytest.mark.parametrize("bad", ["avg", "Mean", None, 1, "elementwise_mean"])
def test_a_bad_reduction_names_what_is_accepted(bad):
    with pytest.raises(
        ValueError, match=re.escape(f"BCELoss: reduction must be one of 'mean', 'sum', 'none', got {bad!r}")
    ):
        nn.BCELoss(reduction=bad)


def test_reduction_is_a_keyword():  # torch's first positional argument is the deprecated size_average
    with pytest.raises(TypeError):
        nn.MSELoss("sum")  # type: ignore[misc]


@pytest.mark.parametrize(
    "call, function_call",
    [
        (lambda: nn.HingeLoss()(Value(0.5), 0), lambda: losses.hinge(Value(0.5), 0)),
        (lambda: nn.BCELoss()(Value(1.5), 1), lambda: losses.binary_cross_entropy(Value(1.5), 1)),
        (
            lambda: nn.BCELoss(reduction="none")(Value(0.5), 2),
            lambda: losses.binary_cross_entropy(Value(0.5), 2),
        ),
        (lambda: nn.BCEWithLogitsLoss()(Value(0.5), -1), lambda: losses.bce_with_logits(Value(0.5), -1)),
        (lambda: nn.MSELoss()(Value(1.0), Value(2.0)), lambda: losses.mse(Value(1.0), Value(2.0))),
        (
            lambda: nn.MSELoss(reduction="none")(lanes(1, 2), np.zeros(3)),
            lambda: losses.mse(lanes(1, 2), np.zeros(3)),
        ),
        (lambda: nn.L1Loss()(1.0, 2.0), lambda: losses.mae(1.0, 2.0)),
        (lambda: nn.CrossEntropyLoss()(Value(1.0), 0), lambda: losses.cross_entropy(Value(1.0), 0)),
        (
            lambda: nn.CrossEntropyLoss(reduction="sum")([Value(1.0), Value(2.0)], 0.5),
            lambda: losses.cross_entropy([Value(1.0), Value(2.0)], 0.5),
        ),
        (
            lambda: nn.CrossEntropyLoss(reduction="none")([Value(1.0), Value(2.0)], 2),
            lambda: losses.cross_entropy([Value(1.0), Value(2.0)], 2),
        ),
    ],
)
def test_wrong_targets_get_the_functions_messages(call, function_call):
    with pytest.raises((TypeError, ValueError)) as theirs:
        function_call()
    message = str(theirs.value)  # a hint naming a function names the class instead, from a criterion
    message = message.replace("use bce_with_logits or hinge", "use nn.BCEWithLogitsLoss or nn.HingeLoss")
    message = message.replace("use bce_with_logits", "use nn.BCEWithLogitsLoss")
    with pytest.raises(theirs.type, match=re.escape(message)):
        call()


def test_criteria_hints_name_the_criteria_and_the_functions_keep_their_names():
    with pytest.raises(ValueError, match=r"logits\) use nn\.BCEWithLogitsLoss$"):
        nn.BCELoss()(Value(1.5), 1)
    with pytest.raises(ValueError, match=r"logits\) use bce_with_logits$"):
        losses.binary_cross_entropy(Value(1.5), 1)
    with pytest.raises(TypeError, match="use nn.BCEWithLogitsLoss or nn.HingeLoss"):
        nn.CrossEntropyLoss()(Value(1.0), 0)
    zs = [Value(np.array([1.0, 2.0])), Value(np.array([0.0, 1.0])), Value(np.array([3.0, 0.0]))]
    for call in (nn.CrossEntropyLoss(), losses.cross_entropy):
        with pytest.raises(ValueError, match=r"got a column, shape \(2, 1\): pass y\.ravel\(\)"):
            call(zs, np.array([[0], [2]]))
        with pytest.raises(ValueError, match=r"probability targets are not supported: pass y\.argmax\(1\)"):
            call(zs, np.eye(3)[[0, 2]])


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: nn.CrossEntropyLoss(label_smoothing=0.1), "CrossEntropyLoss: torch's label_smoothing="),
        (lambda: nn.CrossEntropyLoss(weight=np.ones(3)), "CrossEntropyLoss: torch's weight="),
        (lambda: nn.CrossEntropyLoss(ignore_index=0), "CrossEntropyLoss: torch's ignore_index="),
        (lambda: nn.BCEWithLogitsLoss(pos_weight=2.0), "BCEWithLogitsLoss: torch's pos_weight="),
        (lambda: nn.MSELoss(size_average=False), "MSELoss: torch's size_average="),
    ],
)
def test_torchs_other_arguments_are_refused_by_name(make, words):
    with pytest.raises(
        TypeError, match=re.escape(words) + " is not supported here; .* takes only reduction="
    ):
        make()


def test_torchs_default_values_pass_and_unknown_keywords_are_named():
    assert nn.CrossEntropyLoss(weight=None, ignore_index=-100, label_smoothing=0.0).reduction == "mean"
    assert nn.BCEWithLogitsLoss(pos_weight=None, reduction="sum").reduction == "sum"
    with pytest.raises(
        TypeError, match="MSELoss got an unexpected keyword argument 'pos_weight': it takes only"
    ):
        nn.MSELoss(pos_weight=2.0)
    with pytest.raises(TypeError, match="MSELoss takes keyword arguments only"):
        nn.MSELoss(None)


def test_fit_takes_a_criterion_and_converts_labels_as_for_its_name():
    X, y = nn.datasets.moons(n=60, noise=0.1, seed=0)  # 0/1 labels: HingeLoss gets them as ±1
    by_name = nn.fit(
        nn.MLP(2, [8, 1], seed=0), X, y, loss="hinge", epochs=20, lr=0.05, progress=False, seed=0
    )
    model = nn.MLP(2, [8, 1], seed=0)
    history = nn.fit(model, X, y, loss=nn.HingeLoss(), epochs=20, lr=0.05, progress=False, seed=0)
    assert history.loss == by_name.loss and history.accuracy == by_name.accuracy
    assert history.loss_name == "HingeLoss"
    summed = nn.fit(
        nn.MLP(2, [8, 1], seed=0), X, y, loss=nn.MSELoss(reduction="sum"), epochs=1, progress=False
    )
    assert summed.loss_name == "MSELoss(reduction='sum')"
    three = nn.fit(nn.MLP(2, [8, 3], seed=0), X, y, loss=nn.CrossEntropyLoss(), epochs=2, progress=False)
    assert three.accuracy  # a classification task: accuracy is measured


def test_fit_refuses_a_criterion_that_gives_one_number_per_example():
    X, y = nn.datasets.moons(n=20, seed=0)
    with pytest.raises(ValueError, match=re.escape("HingeLoss(reduction='none') gives one per example")):
        nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, loss=nn.HingeLoss(reduction="none"), epochs=1, progress=False)
    with pytest.raises(ValueError, match="needs a model with one output"):  # the task's own checks apply
        nn.fit(nn.MLP(2, [4, 2], seed=0), X, y, loss=nn.BCEWithLogitsLoss(), epochs=1, progress=False)
