"""nn: modules, losses, optimizers, datasets, a training loop and plots on top of autograd_lite."""

from . import datasets, functional, losses, optim, replay
from .compare import Comparison, compare  # noqa: F401 -- runs side by side; to go in __all__
from .descend_page import Playground, descent_playground
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, L1Loss, MSELoss
from .module import (
    MLP,
    Identity,
    Layer,
    LeakyReLU,
    Linear,
    Module,
    Neuron,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    from_torch,
)
from .seed import manual_seed
from .train import Callback, History, accuracy, classify, fit, predict, register_display, register_recorder

# The replay page sits a layer above the training loop: the front door hands the loop its recorder,
# so `fit(record=...)` works after `import nn`, and the loop never imports the page; and how a
# History shows itself in Jupyter (its replay page, or its numbers and curves).
register_recorder(replay.Recorder)
register_display(replay.history_bundle)

__all__ = [
    "MLP",
    "BCELoss",
    "BCEWithLogitsLoss",
    "Callback",
    "CrossEntropyLoss",
    "HingeLoss",
    "History",
    "L1Loss",
    "Layer",
    "MSELoss",
    "Module",
    "Neuron",
    "accuracy",
    "classify",
    "datasets",
    "descent_playground",
    "Playground",
    "fit",
    "functional",
    "losses",
    "optim",
    "plot",
    "predict",
    # layers as PyTorch names them, and the bridge to torch
    "Identity",
    "LeakyReLU",
    "Linear",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "from_torch",
    "manual_seed",
]


def __getattr__(name: str):
    """Import `nn.plot` on first use: matplotlib takes a while to load and training does not need it."""
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'nn' has no attribute {name!r}")
