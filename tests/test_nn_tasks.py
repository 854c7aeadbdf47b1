"""nn.tasks: inputs checked, labels read as classes, outputs read as decisions, each worked by hand;
and the Module's own account of its outputs and name."""

import numpy as np
import pytest

import nn
from nn import tasks


def test_class_indices_reads_01_pm1_bools_and_a_column():
    assert tasks.class_indices([0, 2, 1]).tolist() == [0, 2, 1]
    assert tasks.class_indices([-1, 1, 1]).tolist() == [0, 1, 1]
    assert tasks.class_indices(np.array([True, False])).tolist() == [1, 0]
    assert tasks.class_indices(np.array([[1], [0]])).tolist() == [1, 0]
    assert tasks.class_indices([1.0, 0.0]).dtype.kind == "i"


@pytest.mark.parametrize(
    "y, words", [([0.5, 1], "class labels"), ([-2, 1], "must be -1/\\+1"), ([[0, 1], [1, 0]], "class labels")]
)
def test_class_indices_refuses_what_is_not_labels(y, words):
    with pytest.raises(ValueError, match=words):
        tasks.class_indices(y, "y")


def test_decide_takes_the_argmax_of_several_outputs_or_the_threshold_of_one():
    assert tasks.decide(np.array([[0.1, 0.7, 0.2], [3.0, -1.0, 2.0]]), 0.0).tolist() == [1, 0]
    assert tasks.decide(np.array([-0.2, 0.0, 0.3]), 0.0).tolist() == [0, 0, 1]
    assert tasks.decide(np.array([0.4, 0.6]), 0.5).tolist() == [0, 1]


def test_threshold_is_half_after_a_sigmoid_else_zero_unless_given():
    assert tasks.threshold(nn.MLP(2, [1], output_activation="sigmoid", seed=0)) == 0.5
    assert tasks.threshold(nn.MLP(2, [1], seed=0)) == 0.0
    assert tasks.threshold(nn.MLP(2, [1], seed=0), 0.25) == 0.25


def test_check_X_says_what_to_do_with_a_1d_array():
    with pytest.raises(ValueError, match=r"X\[:, None\]"):
        tasks.check_X(nn.MLP(1, [1], seed=0), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"3 features per example but the model takes 2"):
        tasks.check_X(nn.MLP(2, [1], seed=0), np.zeros((4, 3)))
    assert tasks.check_X(nn.MLP(2, [1], seed=0), [[1, 2]]).dtype == np.float64


def test_each_module_reports_its_outputs_and_name():
    assert nn.MLP(2, [16, 16, 3], seed=0).nout == 3
    assert nn.Layer(2, 4, seed=0).nout == 4
    assert nn.Neuron(3, nout=5, seed=0).nout == 1  # nout= only scales its initial weights
    assert nn.MLP(2, [16, 1], activation="tanh", seed=0).describe() == "MLP 2-16-1 (tanh)"
    assert nn.Layer(2, 4, seed=0).describe() == "Layer"
    assert tasks.describe(object()) == "object"
    assert tasks.n_outputs(nn.MLP(2, [4, 2], seed=0)) == 2


def test_choose_task_by_the_labels_and_the_model():
    assert tasks.choose_task(None, nn.MLP(2, [3], seed=0), np.array([0, 2, 1])).name == "cross_entropy"
    assert tasks.choose_task(None, nn.MLP(2, [1], seed=0), np.array([0, 1])).name == "hinge"
    sigmoid = nn.MLP(2, [1], output_activation="sigmoid", seed=0)
    assert tasks.choose_task(None, sigmoid, np.array([0, 1])).name == "bce"
    assert tasks.choose_task(None, nn.MLP(1, [1], seed=0), np.array([0.3, 2.5])).name == "mse"
    hinge = tasks.choose_task("hinge", nn.MLP(2, [1], seed=0), np.array([0, 1]))
    assert hinge.targets(np.array([0, 1, 1]), 1, "y").tolist() == [-1.0, 1.0, 1.0]
