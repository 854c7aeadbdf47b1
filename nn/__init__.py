"""nn: modules, losses, optimizers, datasets, a training loop and plots on top of autograd_lite."""

from . import datasets, functional, losses, optim
from .module import MLP, Layer, Module, Neuron
from .train import History, accuracy, classify, fit, predict

__all__ = [
    "MLP",
    "History",
    "Layer",
    "Module",
    "Neuron",
    "accuracy",
    "classify",
    "datasets",
    "fit",
    "functional",
    "losses",
    "optim",
    "plot",
    "predict",
]


def __getattr__(name: str):
    """Import `nn.plot` on first use: matplotlib takes a while to load and training does not need it."""
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'nn' has no attribute {name!r}")
