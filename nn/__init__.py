"""nn: modules, losses, optimizers, datasets and a training loop on top of autograd_lite."""

from . import datasets, functional
from .module import MLP, Layer, Module, Neuron

__all__ = ["MLP", "Layer", "Module", "Neuron", "datasets", "functional"]
