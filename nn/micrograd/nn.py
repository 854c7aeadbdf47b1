"""micrograd.nn: Module, Neuron, Layer and MLP with micrograd's signatures and initial weights.

They are `nn`'s classes (named parameters, save/load, pictures all work);
what micrograd does differently is kept, so its notebooks give its numbers:
`Neuron(nin, nonlin=True)` takes a bool, weights are drawn from Python's
`random.uniform(-1, 1)` (so `random.seed(1337)` gives micrograd's exact
weights) with bias 0, and each neuron's sum is one `*` and `+` per weight,
the graph micrograd draws (`fine=True`).
"""

from __future__ import annotations

import random

from ..module import MLP as _MLP
from ..module import Layer as _Layer
from ..module import Module  # the same base class: zero_grad() and parameters(), as in micrograd
from ..module import Neuron as _Neuron


class Neuron(_Neuron):
    """micrograd's Neuron(nin, nonlin=True): ReLU unless nonlin is False (then linear)."""

    def __init__(self, nin: int, nonlin: bool = True, *, name: str = ""):
        super().__init__(nin, "relu" if nonlin else None, fine=True, name=name)
        self.nonlin = bool(nonlin)
        for w in self.w:
            w.data = random.uniform(-1, 1)

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({self.nin})"


class Layer(_Layer):
    """micrograd's Layer(nin, nout, **kwargs): nout Neurons, kwargs (nonlin) passed to each."""

    def __init__(self, nin: int, nout: int, *, nonlin: bool = True, name: str = ""):
        super().__init__(nin, nout, "relu" if nonlin else None, fine=True, name=name)
        self.neurons = [Neuron(nin, nonlin, name=f"{name}n{k + 1}.") for k in range(self.nout)]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(_MLP):
    """micrograd's MLP(nin, nouts): ReLU layers, the last one linear."""

    def __init__(self, nin: int, nouts: list[int]):
        super().__init__(nin, nouts, activation="relu", output_activation=None, fine=True)
        last = len(self.nouts) - 1
        sizes = [self.nin] + self.nouts
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i != last, name=f"L{i + 1}.") for i in range(len(self.nouts))
        ]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


__all__ = ["MLP", "Layer", "Module", "Neuron"]
