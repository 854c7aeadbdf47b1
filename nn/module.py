"""Module, Neuron, Layer, MLP: micrograd's shapes, with names, inits and save/load.

Calling a model on one example (a list of numbers or Values) gives a Value
(or a list of them); calling it on a 2-D array `(batch, nin)` gives lane
Values: the graph of one example, run on the whole batch at once.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from collections.abc import Iterator, Sequence

import numpy as np

from autograd_lite import Parameter, Value, wsum
from autograd_lite.engine import NO_GRAD

from .functional import activation as activation_fn
from .seed import rng as make_rng

INITS = ("uniform", "xavier", "he")
FORMAT = "autograd_lite.nn"


class Module:
    """Anything with parameters: named, zeroed, saved and loaded the same way."""

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs, e.g. ('layers.0.neurons.3.w.1', w)."""
        raise NotImplementedError

    def parameters(self) -> list[Parameter]:
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Forget every parameter's gradient: no gradient, not a zero one (PyTorch's grad = None)."""
        for p in self.parameters():
            p.grad = NO_GRAD

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by name (plain floats: JSON-ready)."""
        return {name: float(p.data) for name, p in self.named_parameters()}

    def load_state_dict(self, state: dict, source: str = "state_dict") -> None:
        """Set every parameter from `state`; strict: the keys must match exactly.

        Missing, extra or non-numeric entries raise a ValueError naming them,
        and the model is left unchanged.
        """
        if not isinstance(state, dict):
            raise ValueError(
                f"{source}: expected a mapping of parameter names to numbers, got {type(state).__name__}"
            )
        params = dict(self.named_parameters())
        missing = [k for k in params if k not in state]
        extra = [k for k in state if k not in params]
        problems = []
        if missing:
            problems.append(f"missing keys {_some(missing)}")
        if extra:
            problems.append(f"unexpected keys {_some(extra)}")
        for key in params.keys() & state.keys():
            v = state[key]
            if isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real) or not math.isfinite(v):
                problems.append(f"key {key!r} holds {v!r}, not a finite number")
        if problems:
            raise ValueError(f"{source} does not fit {self!r}: " + "; ".join(problems) + " (model unchanged)")
        for key, p in params.items():
            p.data = float(state[key])

    def config(self) -> dict:
        """The constructor's arguments, so `load` can rebuild the same shape."""
        raise NotImplementedError

    def save(self, path: str | os.PathLike) -> None:
        """Write the model's shape and weights as JSON (never pickle)."""
        doc = {"format": FORMAT, "version": 1, "class": type(self).__name__, "config": self.config()}
        doc["state"] = self.state_dict()
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)

    @classmethod
    def load(cls, path: str | os.PathLike):
        """A model rebuilt from a file written by `save`; errors name the file and the key."""
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: no such model file") from None
        except IsADirectoryError:
            raise IsADirectoryError(f"{path}: is a folder, not a model file") from None
        except OSError as e:
            raise OSError(f"{path}: cannot read the model file: {e.strerror or e}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"{path}: not a model file (invalid JSON: {e})") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"{path}: not an autograd_lite model file (no 'format': {FORMAT!r})")
        if doc.get("version") != 1 or isinstance(doc.get("version"), bool):
            raise ValueError(
                f"{path}: key 'version' is {doc.get('version')!r}; this autograd_lite reads version 1"
            )
        if doc.get("class") != cls.__name__:
            raise ValueError(f"{path}: holds a {doc.get('class')!r}, not a {cls.__name__}")
        config = doc.get("config")
        if not isinstance(config, dict):
            raise ValueError(f"{path}: key 'config' is missing or not a mapping")
        state = doc.get("state")
        if not isinstance(state, dict):
            raise ValueError(f"{path}: key 'state' is missing or not a mapping of names to numbers")
        try:  # check the shape against the weights before building anything (a corrupt size could be huge)
            expected = _parameter_count(config)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{path}: key 'config' does not describe a {cls.__name__}: {e}") from None
        if expected != len(state):
            raise ValueError(
                f"{path}: key 'config' describes {expected:,} parameters but key 'state' holds {len(state):,}"
            )
        try:
            model = cls(**config)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{path}: key 'config' does not describe a {cls.__name__}: {e}") from None
        model.load_state_dict(state, source=f"{path}: key 'state'")
        return model


def _parameter_count(config: dict) -> int:
    """How many weights and biases a Neuron, Layer or MLP config implies (checking its sizes)."""
    nin = _check_count("nin", config.get("nin"))
    if "nouts" in config:
        nouts = config["nouts"]
        if not isinstance(nouts, list) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [nin] + [_check_count("each layer size", n) for n in nouts]
        return sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(nouts)))
    if "nout" in config:
        return (nin + 1) * _check_count("nout", config["nout"])
    return nin + 1


def _some(keys: list[str], n: int = 5) -> str:
    shown = ", ".join(repr(k) for k in keys[:n])
    return shown + (f" and {len(keys) - n} more" if len(keys) > n else "")


def _check_count(name: str, n) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {n!r}")
    return int(n)


def _initial_weights(nin: int, nout: int, init: str, rng: np.random.Generator) -> np.ndarray:
    """nin weights for one neuron of a layer with nout neurons."""
    if init == "uniform":  # micrograd's
        return rng.uniform(-1.0, 1.0, size=nin)
    if init == "xavier":  # Glorot: keeps the variance of activations through tanh layers
        a = math.sqrt(6.0 / (nin + nout))
        return rng.uniform(-a, a, size=nin)
    if init == "he":  # keeps the variance through ReLU layers
        return rng.normal(0.0, math.sqrt(2.0 / nin), size=nin)
    raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}")


def _as_inputs(x, nin: int) -> list[Value]:
    """One example (a sequence of nin numbers or Values) or a batch (nin columns of lanes)."""
    if isinstance(x, np.ndarray) and x.ndim == 2:
        if x.shape[1] != nin:
            raise ValueError(f"the model takes {nin} inputs per example, got a batch of shape {x.shape}")
        return [Value(x[:, j], label=f"x{j + 1}") for j in range(nin)]
    if isinstance(x, Value | str | bytes) or not isinstance(x, Sequence | np.ndarray):
        raise TypeError(
            f"a model takes one example as a list of {nin} numbers or Values, "
            f"or a batch as a 2-D array (batch, {nin}); got {type(x).__name__}"
        )
    if len(x) != nin:
        rows = len(x) > 0 and all(isinstance(r, Sequence | np.ndarray) and len(r) == nin for r in x)
        hint = (
            f"; for a batch of {len(x)} examples pass np.array(...) of shape ({len(x)}, {nin})"
            if rows
            else ""
        )
        raise ValueError(f"the model takes {nin} inputs per example, got {len(x)}{hint}")
    if any(isinstance(v, list | tuple) for v in x):  # rows as lists: np.array makes them a batch
        raise TypeError(
            f"a model takes one example as a list of {nin} numbers or Values, or a batch as a 2-D array; "
            f"got a list of lists: for a batch of examples pass np.array(rows) of shape (batch, {nin})"
        )
    return [v if isinstance(v, Value) else Value(v, label=f"x{j + 1}") for j, v in enumerate(x)]


class Neuron(Module):
    """act(Σ w_i x_i + b). With fine=True the sum is built from one * and + per
    weight (micrograd's graph); by default it is one `wsum` node."""

    def __init__(
        self,
        nin: int,
        activation: str | None = "relu",
        init: str = "uniform",
        seed: int | None = None,
        fine: bool = False,
        *,
        nout: int = 1,
        rng: np.random.Generator | None = None,
        name: str = "",
    ):
        self.nin = _check_count("nin", nin)
        self.activation = activation
        self.act = activation_fn(activation)
        self.init, self.fine = init, bool(fine)
        rng = rng if rng is not None else make_rng(seed)
        weights = _initial_weights(self.nin, nout, init, rng)
        self.w = [Parameter(float(v), label=f"{name}w{i + 1}") for i, v in enumerate(weights)]
        self.b = Parameter(0.0, label=f"{name}b")

    def __call__(self, x) -> Value:
        return self.forward(_as_inputs(x, self.nin))

    def forward(self, x: list[Value]) -> Value:
        """The neuron on inputs already checked (nin Values)."""
        if self.fine:
            n: Value = self.b
            for wi, xi in zip(self.w, x):
                n = n + wi * xi
        else:
            n = wsum(self.w, x, self.b)
        return self.act(n)

    def named_parameters(self, prefix: str = ""):
        for i, w in enumerate(self.w):
            yield f"{prefix}w.{i}", w
        yield f"{prefix}b", self.b

    def config(self) -> dict:
        return {"nin": self.nin, "activation": self.activation, "init": self.init, "fine": self.fine}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """nout neurons reading the same inputs."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = "relu",
        init: str = "uniform",
        seed: int | None = None,
        fine: bool = False,
        *,
        rng: np.random.Generator | None = None,
        name: str = "",
    ):
        self.nin, self.nout = _check_count("nin", nin), _check_count("nout", nout)
        self.activation, self.init, self.fine = activation, init, bool(fine)
        rng = rng if rng is not None else make_rng(seed)
        self.neurons = [
            Neuron(nin, activation, init, fine=fine, nout=nout, rng=rng, name=f"{name}n{k + 1}.")
            for k in range(self.nout)
        ]

    def __call__(self, x):
        out = self.forward(_as_inputs(x, self.nin))
        return out[0] if len(out) == 1 else out

    def forward(self, x: list[Value]) -> list[Value]:
        """The layer on inputs already checked (nin Values): one output per neuron."""
        return [n.forward(x) for n in self.neurons]

    def named_parameters(self, prefix: str = ""):
        for k, n in enumerate(self.neurons):
            yield from n.named_parameters(f"{prefix}neurons.{k}.")

    def config(self) -> dict:
        return {
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
            "init": self.init,
            "fine": self.fine,
        }

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """Layers of neurons: MLP(2, [16, 16, 1]) is 2 inputs, two hidden layers of 16, one output.

    Hidden layers use `activation`; the last uses `output_activation` (linear
    by default, as in micrograd). `seed` makes the initial weights repeatable.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str | None = None,
        init: str = "uniform",
        seed: int | None = None,
        fine: bool = False,
    ):
        self.nin = _check_count("nin", nin)
        if isinstance(nouts, int | np.integer) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(
                f"nouts must be a non-empty list of layer sizes, e.g. [16, 16, 1]; got {nouts!r}"
            )
        self.nouts = [_check_count("each layer size", n) for n in nouts]
        activation_fn(activation)
        activation_fn(output_activation)
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}")
        self.activation, self.output_activation = activation, output_activation
        self.init, self.seed, self.fine = init, seed, bool(fine)
        rng = make_rng(seed)
        sizes = [self.nin] + self.nouts
        last = len(self.nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation if i < last else output_activation,
                init,
                fine=fine,
                rng=rng,
                name=f"L{i + 1}.",
            )
            for i in range(len(self.nouts))
        ]

    def __call__(self, x):
        x = _as_inputs(x, self.nin)
        for layer in self.layers:
            x = layer.forward(x)
        return x[0] if len(x) == 1 else x

    def named_parameters(self, prefix: str = ""):
        for i, layer in enumerate(self.layers):
            yield from layer.named_parameters(f"{prefix}layers.{i}.")

    def config(self) -> dict:
        return {
            "nin": self.nin,
            "nouts": self.nouts,
            "activation": self.activation,
            "output_activation": self.output_activation,
            "init": self.init,
            "fine": self.fine,
        }

    def __repr__(self) -> str:
        sizes = "-".join(str(n) for n in [self.nin] + self.nouts)
        out = self.output_activation or "linear"
        n = len(self.parameters())
        return f"MLP({sizes}, activation={self.activation!r}, output={out!r}, {n} parameters)"
