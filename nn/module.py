"""Module, Neuron, Layer, MLP: micrograd's shapes, with names, inits and save/load.

Calling a model on one example (a list of numbers or Values) gives a Value
(or a list of them); calling it on a 2-D array `(batch, nin)` gives lane
Values: the graph of one example, run on the whole batch at once.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Sequence

import numpy as np

from autograd_lite import Parameter, Value, wsum
from autograd_lite.engine import NO_GRAD
from autograd_lite.modes import state as _modes

from . import checks, model_file
from .functional import activation as activation_fn
from .seed import rng as make_rng

INITS = ("uniform", "xavier", "he")
FORMAT = model_file.FORMAT

# --- size guards: memory is estimated before anything is built ----------------------------------
#
# One place for every estimate: nn.MLP/Layer/Neuron, a model called on a batch, Module.load,
# nn.datasets and `autograd-lite train` all ask estimate_bytes() and refuse with check_size().

#: The most memory one model, one dataset, one batch's graph or one CLI run may take (1 GB, about
#: 5 million parameters): a student's laptop has it to spare, and a 2-core 24 GB machine runs a
#: few at once. Raise it (nn.module.MEMORY_LIMIT = 8e9) on a bigger machine.
MEMORY_LIMIT = 1_000_000_000

#: Measured on CPython 3.11 (tests/test_nn_guard_sizes.py measures them again): a Parameter with
#: its float, its label and its list slot takes ~190 bytes. Training adds its grad (24), its
#: share of the graph of one forward (34) and Adam's state (~300): ~550 bytes.
BYTES_PER_PARAMETER = 200
BYTES_PER_TRAINED_PARAMETER = 600

#: A toy dataset's peak while it is made, per point: X, y, the noise and the shuffled copies
#: (80 bytes measured for moons, the largest).
BYTES_PER_SAMPLE = 96

#: Reading a model file: json's dicts, strings and floats take ~5 times the file's size.
BYTES_PER_FILE_BYTE = 5

#: A batch forward holds lanes × nodes float64s (8 bytes each); see graph_nodes for the nodes.
BYTES_PER_LANE_NODE = 8


class TooBig(ValueError, MemoryError):
    """A size refused before anything is built: the message gives the estimate and the limit.

    A ValueError (a bad argument) and a MemoryError (what building it would end in)."""


def estimate_bytes(
    parameters: int = 0,
    *,
    training: bool = False,
    samples: int = 0,
    lanes: int = 0,
    nodes: int = 0,
    file_bytes: int = 0,
) -> int:
    """The memory, in bytes, of so many parameters (trained or not), dataset points, lanes × nodes
    of a batch forward (graph_nodes) and model-file bytes to read, by the constants above."""
    per_parameter = BYTES_PER_TRAINED_PARAMETER if training else BYTES_PER_PARAMETER
    return (
        parameters * per_parameter
        + samples * BYTES_PER_SAMPLE
        + lanes * nodes * BYTES_PER_LANE_NODE
        + file_bytes * BYTES_PER_FILE_BYTE
    )


def graph_nodes(nin: int, nouts: Sequence[int], *, grad: bool = True, fine: bool = False) -> int:
    """How many lane arrays per lane a batch forward of an MLP(nin, nouts) keeps at once.

    With a graph (and its backward): the inputs, and per neuron its sum, its activation, the
    activation's local grad and their grads, ~6 (43 bytes a lane measured); a fine graph adds a
    product, a sum and their grads per weight (4 more). Under no_grad() only about two layers
    are alive at once: 3 × the widest (17 bytes a lane per width measured).
    """
    if not grad:
        return 3 * max(nin, *nouts)
    sizes = [nin, *nouts]
    weights = sum(sizes[i] * sizes[i + 1] for i in range(len(nouts)))
    return nin + 6 * sum(nouts) + (4 * weights if fine else 0)


def size_text(nbytes: float) -> str:
    """Bytes for a person: '1.2 GB', '340 MB'."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes:.0f} bytes"


def check_size(what: str, nbytes: int, advice: str = "") -> None:
    """Refuse (TooBig) when `what` would take more than MEMORY_LIMIT, saying the estimate and the limit."""
    if nbytes > MEMORY_LIMIT:
        raise TooBig(
            f"{what} would take about {size_text(nbytes)} of memory, more than the limit of "
            f"{size_text(MEMORY_LIMIT)} (nn.module.MEMORY_LIMIT)" + (f": {advice}" if advice else "")
        )


def parameter_count(nin: int, nouts: Sequence[int]) -> int:
    """The weights and biases of MLP(nin, nouts): (n_in + 1) · n_out per layer."""
    sizes = [nin, *nouts]
    return sum((sizes[i] + 1) * sizes[i + 1] for i in range(len(nouts)))


def _check_model_size(what: str, parameters: int) -> None:
    fits = int(MEMORY_LIMIT // BYTES_PER_PARAMETER)
    check_size(
        f"{what} has {parameters:,} parameters, which",
        estimate_bytes(parameters),
        f"at about {BYTES_PER_PARAMETER} bytes a parameter the limit fits {fits:,} parameters",
    )


def _check_batch_size(model: Module, lanes: int, nin: int, nouts: Sequence[int], fine: bool) -> None:
    """Refuse a batch forward whose lanes × nodes would not fit (before any lane is made)."""
    grad = _modes.grad_enabled
    nbytes = estimate_bytes(lanes=lanes, nodes=graph_nodes(nin, nouts, grad=grad, fine=fine))
    if nbytes > MEMORY_LIMIT:  # repr(model) only when it is needed: it counts the parameters
        check_size(
            f"{model!r} on a batch of {lanes:,} examples{' (building its graph)' if grad else ''}",
            nbytes,
            "call it on smaller batches" + (", or under no_grad() to build no graph" if grad else ""),
        )


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
            problems.append(f"missing keys {model_file.some(missing)}")
        if extra:
            problems.append(f"unexpected keys {model_file.some(extra)}")
        values = {}
        for key in params.keys() & state.keys():
            value = model_file.finite_float(state[key])
            if value is None:
                problems.append(f"key {key!r} holds {model_file.show(state[key])}, not a finite number")
            values[key] = value
        if problems:
            raise ValueError(f"{source} does not fit {self!r}: " + "; ".join(problems) + " (model unchanged)")
        for key, p in params.items():
            p.data = values[key]

    def config(self) -> dict:
        """The constructor's arguments, so `load` can rebuild the same shape."""
        raise NotImplementedError

    def describe(self) -> str:
        """The model in a few words, for the titles of plots and pages: its class's name."""
        return type(self).__name__

    def _layer_rows(self) -> list[tuple[str, int, int, str | None]]:
        """(name, inputs, outputs, activation) of each layer of neurons, for the summary; none here."""
        return []

    def _repr_html_(self) -> str | None:
        """Jupyter's display: a table of the layers (sizes, activation, weights and biases) and the
        parameter count; repr() stays the text. None, so the text shows, if anything goes wrong."""
        try:
            return summary_html(self)
        except Exception:
            return None

    def save(self, path: str | os.PathLike) -> None:
        """Write the model's shape and weights as JSON (never pickle)."""
        doc = {"format": FORMAT, "version": 1, "class": type(self).__name__, "config": self.config()}
        doc["state"] = self.state_dict()
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)

    @classmethod
    def parameters_in(cls, config: dict) -> int:
        """How many weights and biases a model of this class built from a checked `config` has."""
        raise NotImplementedError

    @classmethod
    def load(cls, path: str | os.PathLike):
        """A model rebuilt from a file written by `save`; never pickle.

        Every field is type-checked before anything is built; an error names the
        file, the key and what is accepted.
        """
        doc = _read_model_file(path)
        config, state = model_file.check(doc, cls.__name__, path, inits=INITS)
        expected = cls.parameters_in(config)  # checked against the weights before building anything
        if expected != len(state):
            raise ValueError(
                f"{path}: key 'config' describes {expected:,} parameters but key 'state' holds {len(state):,}"
            )
        _check_model_size(f"{path}: key 'config' describes a {cls.__name__} that", expected)
        model = cls(**config)  # every argument checked above; the state is checked before it is set
        model.load_state_dict(state, source=f"{path}: key 'state'")
        return model


def summary_html(model: Module) -> str:
    """The model as a small HTML table: one row per layer, then the parameters in all.

    Counted from the parameters themselves (`len(model.parameters())`), so a model of any shape
    says its true size; the rows come from `_layer_rows()`.
    """
    from html import escape

    rows = []
    for name, nin, nout, act in model._layer_rows():
        weights = nin * nout
        rows.append(
            f"<tr><td>{escape(name)}</td><td>{nin} → {nout}</td><td>{escape(act or 'linear')}</td>"
            f'<td style="text-align:right">{weights:,} + {nout:,}</td>'
            f'<td style="text-align:right">{weights + nout:,}</td></tr>'
        )
    total = len(model.parameters())
    head = (
        "<thead><tr><th>layer</th><th>inputs → outputs</th><th>activation</th>"
        '<th style="text-align:right">weights + biases</th><th style="text-align:right">parameters</th>'
        "</tr></thead>"
        if rows
        else ""
    )
    words = "parameter" if total == 1 else "parameters"
    return (
        f'<div class="autograd-lite-model"><p><b>{escape(model.describe())}</b>: {total:,} {words}</p>'
        f"<table>{head}<tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><th colspan="4" style="text-align:left">in all</th>'
        f'<th style="text-align:right">{total:,}</th></tr></tfoot></table></div>'
    )


def _read_model_file(path: str | os.PathLike) -> dict:
    """The JSON object in a model file, or an error naming the file and what is wrong."""
    try:
        size = os.stat(path).st_size
        if os.path.isfile(path):
            check_size(f"{path}: reading this {size_text(size)} model file", estimate_bytes(file_bytes=size))
        with open(path, encoding="utf-8") as f:
            doc = json.load(f, object_pairs_hook=model_file.no_duplicates)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such model file") from None
    except IsADirectoryError:
        raise IsADirectoryError(f"{path}: is a folder, not a model file") from None
    except OSError as e:
        raise OSError(f"{path}: cannot read the model file: {e.strerror or e}") from None
    except model_file.DuplicateKey as e:
        raise ValueError(f"{path}: not a valid model file: {e}") from None
    except TooBig:
        raise
    except (ValueError, RecursionError) as e:  # invalid JSON, bad UTF-8, a number of 5,000 digits
        raise ValueError(f"{path}: not a model file (invalid JSON: {e})") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: not an autograd_lite model file (no 'format': {FORMAT!r})")
    return doc


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
        self.nin = checks.count("nin", nin)
        _check_model_size(f"Neuron({self.nin})", self.nin + 1)
        self.activation = activation
        self.act = activation_fn(activation)
        self.init, self.fine = init, bool(fine)
        rng = rng if rng is not None else make_rng(seed)
        weights = _initial_weights(self.nin, nout, init, rng)
        self.w = [Parameter(float(v), label=f"{name}w{i + 1}") for i, v in enumerate(weights)]
        self.b = Parameter(0.0, label=f"{name}b")

    @property
    def nout(self) -> int:
        """One output per example."""
        return 1

    def __call__(self, x) -> Value:
        if isinstance(x, np.ndarray) and x.ndim == 2:
            _check_batch_size(self, len(x), self.nin, [1], self.fine)
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

    @classmethod
    def parameters_in(cls, config: dict) -> int:
        return parameter_count(config["nin"], [1])

    def _layer_rows(self) -> list[tuple[str, int, int, str | None]]:
        return [("neuron", self.nin, 1, self.activation)]

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
        self.nin, self.nout = checks.count("nin", nin), checks.count("nout", nout)
        _check_model_size(f"Layer({self.nin}, {self.nout})", parameter_count(self.nin, [self.nout]))
        self.activation, self.init, self.fine = activation, init, bool(fine)
        rng = rng if rng is not None else make_rng(seed)
        self.neurons = [
            Neuron(nin, activation, init, fine=fine, nout=nout, rng=rng, name=f"{name}n{k + 1}.")
            for k in range(self.nout)
        ]

    def __call__(self, x):
        if isinstance(x, np.ndarray) and x.ndim == 2:
            _check_batch_size(self, len(x), self.nin, [self.nout], self.fine)
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

    @classmethod
    def parameters_in(cls, config: dict) -> int:
        return parameter_count(config["nin"], [config["nout"]])

    def _layer_rows(self) -> list[tuple[str, int, int, str | None]]:
        return [("layer", self.nin, self.nout, self.activation)]

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
        self.nin = checks.count("nin", nin)
        if isinstance(nouts, int | np.integer) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(
                f"nouts must be a non-empty list of layer sizes, e.g. [16, 16, 1]; got {nouts!r}"
            )
        self.nouts = [checks.count("each layer size", n) for n in nouts]
        _check_model_size(f"MLP({self.nin}, {self.nouts})", parameter_count(self.nin, self.nouts))
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

    @property
    def nout(self) -> int:
        """Outputs per example: the last layer's size."""
        return self.nouts[-1]

    def describe(self) -> str:
        """'MLP 2-16-16-1 (relu)': its sizes and hidden activation."""
        return f"MLP {'-'.join(str(n) for n in [self.nin, *self.nouts])} ({self.activation})"

    def __call__(self, x):
        if isinstance(x, np.ndarray) and x.ndim == 2:
            _check_batch_size(self, len(x), self.nin, self.nouts, self.fine)
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

    @classmethod
    def parameters_in(cls, config: dict) -> int:
        return parameter_count(config["nin"], config["nouts"])

    def _layer_rows(self) -> list[tuple[str, int, int, str | None]]:
        last = len(self.layers)
        return [
            (f"{i}{' (output)' if i == last else ''}", layer.nin, layer.nout, layer.activation)
            for i, layer in enumerate(self.layers, start=1)
        ]

    def __repr__(self) -> str:
        sizes = "-".join(str(n) for n in [self.nin] + self.nouts)
        out = self.output_activation or "linear"
        n = len(self.parameters())
        return f"MLP({sizes}, activation={self.activation!r}, output={out!r}, {n} parameters)"
