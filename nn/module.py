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

from . import checks, functional, model_file
from .functional import activation as activation_fn
from .seed import rng as make_rng

INITS = ("uniform", "xavier", "he", "pytorch")
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
            f"{model._short()} on a batch of {lanes:,} examples{' (building its graph)' if grad else ''}",
            nbytes,
            "call it on smaller batches" + (", or under no_grad() to build no graph" if grad else ""),
        )


class Module:
    """Anything with parameters: named, zeroed, saved and loaded the same way.

    Subclass it as in PyTorch: assign layers (nn.Linear, nn.Sequential, ...) and Parameters as
    attributes in `__init__` (after `super().__init__()`), write `forward`, and call the model:
    `net(X)` calls `net.forward(X)`. `parameters()`, `named_parameters()` ('fc1.weight[0, 1]'),
    `state_dict()` (torch's keys: 'fc1.weight' an (out, in) array), `load_state_dict`,
    `zero_grad`, `train()`/`eval()`, `children()`/`modules()` and the repr collect the attributes
    in the order they were assigned.
    """

    #: Training or evaluation mode, set by train() and eval(). Nothing here behaves differently
    #: (there is no dropout or batch norm): kept so PyTorch's loops run unchanged.
    training = True

    def __call__(self, *args, **kwargs):
        """The model on its inputs: `forward(...)`, as torch.nn.Module's call."""
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        """The model's computation: a subclass of nn.Module writes it, as in PyTorch."""
        raise NotImplementedError(
            f"{type(self).__name__} has no forward(): define `def forward(self, x): ...` in the class"
        )

    def __getattr__(self, name: str):
        """`nin` and `nout` of a subclass that does not set them (what fit and the plots ask): the
        first nn.Linear's in_features and the last one's out_features, found among its modules."""
        if name in ("nin", "nout"):
            linears = [m for _, m in self.named_modules() if isinstance(m, Linear)]
            if linears:
                return linears[0].in_features if name == "nin" else linears[-1].out_features
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(attribute name, module) of each module directly inside this one, in assignment order
        (a list of modules as 'name.0', 'name.1', ...)."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, list | tuple) and value and all(isinstance(v, Module) for v in value):
                for i, v in enumerate(value):
                    yield f"{name}.{i}", v

    def children(self) -> Iterator[Module]:
        """The modules directly inside this one, as torch.nn.Module.children()."""
        return (m for _, m in self.named_children())

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, module) of this module ('') and every module inside it, depth first."""
        yield prefix, self
        for name, m in self.named_children():
            yield from m.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it, as torch.nn.Module.modules()."""
        return (m for _, m in self.named_modules())

    def train(self, mode: bool = True) -> Module:
        """Set training mode (`training = mode`) here and in every module inside; returns the model.

        Nothing computes differently in training and evaluation mode here: there is no dropout or
        batch norm. It is kept so PyTorch's `model.train()` / `model.eval()` loops run unchanged."""
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: `train(False)`; returns the model. Changes no computation here."""
        return self.train(False)

    def _own(self) -> Iterator[tuple[str, Parameter | Module]]:
        """The Parameters and modules assigned as attributes, in order (a subclass of nn.Module)."""
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield name, value
        yield from self.named_children()

    def _plain_subclass(self) -> bool:
        """True for a subclass written by the user (it names its parameters by its attributes)."""
        return type(self).named_parameters is Module.named_parameters

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs, e.g. ('layers.0.neurons.3.w.1', w); for a subclass of
        nn.Module, its attributes' names: ('fc1.weight[0, 1]', w)."""
        for name, value in self._own():
            if isinstance(value, Parameter):
                yield f"{prefix}{name}", value
            else:
                yield from value.named_parameters(f"{prefix}{name}.")

    def parameters(self) -> list[Parameter]:
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Forget every parameter's gradient: no gradient, not a zero one (PyTorch's grad = None)."""
        for p in self.parameters():
            p.grad = NO_GRAD

    def _tensors(self, prefix: str = "") -> Iterator[tuple[str, tuple[int, ...], list[Parameter]]]:
        """(state_dict key, shape, its parameters in row-major order) of each state_dict entry: one
        parameter of shape () per key here; a whole (out, in) weight matrix for nn.Linear."""
        if self._plain_subclass():
            for name, value in self._own():
                if isinstance(value, Parameter):
                    yield f"{prefix}{name}", (), [value]
                else:
                    yield from value._tensors(f"{prefix}{name}.")
            return
        for name, p in self.named_parameters(prefix):
            yield name, (), [p]

    def state_dict(self) -> dict:
        """Every parameter's value by name: a float per parameter (Neuron, Layer, MLP), or an array
        per weight matrix and bias vector as PyTorch's keys (nn.Linear, nn.Sequential)."""
        return {
            key: float(ps[0].data) if shape == () else np.array([p.data for p in ps]).reshape(shape)
            for key, shape, ps in self._tensors()
        }

    def load_state_dict(self, state: dict, source: str = "state_dict") -> None:
        """Set every parameter from `state`; strict: the keys must match exactly.

        Missing, extra or non-numeric entries raise a ValueError naming them,
        and the model is left unchanged.
        """
        if not isinstance(state, dict):
            raise ValueError(
                f"{source}: expected a mapping of parameter names to numbers, got {type(state).__name__}"
            )
        tensors = {key: (shape, ps) for key, shape, ps in self._tensors()}
        missing = [k for k in tensors if k not in state]
        extra = [k for k in state if k not in tensors]
        problems = []
        if missing:
            problems.append(f"missing keys {model_file.some(missing)}")
        if extra:
            problems.append(f"unexpected keys {model_file.some(extra)}")
        values: dict[str, list[float]] = {}
        for key, (shape, _) in tensors.items():
            if key not in state:
                continue
            if shape == ():
                value = model_file.finite_float(state[key])
                if value is None:
                    problems.append(f"key {key!r} holds {model_file.show(state[key])}, not a finite number")
                values[key] = [value] if value is not None else []
                continue
            array, problem = _finite_array(state[key], shape)
            if problem:
                problems.append(f"key {key!r} {problem}")
            else:
                values[key] = array.ravel().tolist()
        if problems:
            torch_keys = [
                k for k in extra if isinstance(k, str) and k.rsplit(".", 1)[-1] in ("weight", "bias")
            ]
            hint = (
                f"; these are torch's keys: use {type(self).__name__.lower()}.to_sequential() "
                "or nn.from_torch(net), and load them into that"
                if self._one_key_per_parameter and torch_keys and not self._plain_subclass()
                else ""
            )
            raise ValueError(
                f"{source} does not fit {self._short()}: " + "; ".join(problems) + " (model unchanged)" + hint
            )
        for key, (_, ps) in tensors.items():
            for p, v in zip(ps, values[key]):
                p.data = v

    def config(self) -> dict:
        """The constructor's arguments, so `load` can rebuild the same shape."""
        raise TypeError(
            f"{type(self).__name__} cannot be saved as a model file: load could not rebuild its forward(). "
            "Write the model as nn.Sequential(...) to save it, or keep its weights: "
            "state = net.state_dict(), later net.load_state_dict(state)"
        )

    def __repr__(self) -> str:
        """torch's repr: 'Net(\n  (fc1): Linear(...)\n  (fc2): Linear(...)\n)'."""
        lines = [f"  ({name}): {_indent(repr(m))}" for name, m in self.named_children()]
        return f"{type(self).__name__}(" + ("\n" + "\n".join(lines) + "\n" if lines else "") + ")"

    def _short(self) -> str:
        """The model in one line, for error messages: its repr."""
        return repr(self)

    @classmethod
    def _from_config(cls, config: dict) -> Module:
        """A model of this class with the shape a checked `config` describes (weights to be loaded)."""
        return cls(**config)

    def _torch_spec(self) -> tuple:
        """The model as nn.torch_bridge's spec of torch layers."""
        raise TypeError(
            f"{type(self).__name__} has no PyTorch equivalent here: to_torch() cannot translate a "
            "forward() you wrote; it takes an MLP, Layer, Neuron, nn.Sequential, nn.Linear or an "
            "activation module: write the model as nn.Sequential(nn.Linear(...), nn.ReLU(), ...)"
        )

    def to_torch(self):
        """The same network as a `torch.nn` module (a `torch.nn.Sequential` for an MLP or a
        Sequential) in float64, holding these weights exactly. Needs torch: pip install -e ".[bench]"."""
        from . import torch_bridge

        return torch_bridge.build(self._torch_spec())

    def describe(self) -> str:
        """The model in a few words, for the titles of plots and pages: its class's name."""
        return type(self).__name__

    def _layer_rows(self) -> list[tuple[str, int, int, str | None, int]]:
        """(name, inputs, outputs, activation, biases) of each layer of neurons, for the summary."""
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
        doc["state"] = {
            k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in self.state_dict().items()
        }
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)

    #: Whether a model file's 'state' holds one number per parameter (an array per key otherwise).
    _one_key_per_parameter = True

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
        if cls is Module:  # nn.Module.load: the class the file names
            classes = {c.__name__: c for c in (Neuron, Layer, MLP, Linear, Sequential)}
            name = doc.get("class") if doc.get("format") == FORMAT else None
            if isinstance(name, str) and name in classes:
                return classes[name].load(path)
        config, state = model_file.check(doc, cls.__name__, path, inits=INITS)
        expected = cls.parameters_in(config)  # checked against the weights before building anything
        if cls._one_key_per_parameter and expected != len(state):
            raise ValueError(
                f"{path}: key 'config' describes {expected:,} parameters but key 'state' holds {len(state):,}"
            )
        _check_model_size(f"{path}: key 'config' describes a {cls.__name__} that", expected)
        model = cls._from_config(config)  # every argument checked above; the state checked before it is set
        model.load_state_dict(state, source=f"{path}: key 'state'")
        return model


def summary_html(model: Module) -> str:
    """The model as a small HTML table: one row per layer, then the parameters in all.

    Counted from the parameters themselves (`len(model.parameters())`), so a model of any shape
    says its true size; the rows come from `_layer_rows()`.
    """
    from html import escape

    rows = []
    for name, nin, nout, act, biases in model._layer_rows():
        weights = nin * nout
        rows.append(
            f"<tr><td>{escape(name)}</td><td>{nin} → {nout}</td><td>{escape(act or 'linear')}</td>"
            f'<td style="text-align:right">{weights:,} + {biases:,}</td>'
            f'<td style="text-align:right">{weights + biases:,}</td></tr>'
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


def _finite_array(value, shape: tuple[int, ...]) -> tuple[np.ndarray, str]:
    """`value` (an array, nested lists from a JSON file, a torch tensor) as a float64 array of
    `shape`, and "" ; or an empty array and what is wrong with it."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor: torch_model.state_dict()
        value = value.detach().cpu().numpy()
    if isinstance(value, bool | np.bool_ | str | bytes | dict) or value is None:
        return np.empty(0), f"holds {model_file.show(value)}, not an array of shape {shape}"
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # ragged lists
        return np.empty(0), f"holds {model_file.show(value)}, not an array of shape {shape}"
    if array.dtype.kind not in "iuf":
        return np.empty(0), f"holds {model_file.show(value)}, not an array of numbers of shape {shape}"
    if array.shape != shape:
        hint = " (out_features, in_features), as torch's" if len(shape) == 2 else ""
        return np.empty(0), f"has shape {array.shape}, expected {shape}{hint}"
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        return np.empty(0), "holds nan or infinity"
    return array, ""


def _initial_weights(nin: int, nout: int, init: str, rng: np.random.Generator) -> np.ndarray:
    """nin weights for one neuron of a layer with nout neurons."""
    if init == "uniform":  # micrograd's
        return rng.uniform(-1.0, 1.0, size=nin)
    if init == "xavier":  # Glorot: keeps the variance of activations through tanh layers
        a = math.sqrt(6.0 / (nin + nout))
        return rng.uniform(-a, a, size=nin)
    if init == "he":  # keeps the variance through ReLU layers
        return rng.normal(0.0, math.sqrt(2.0 / nin), size=nin)
    if init == "pytorch":  # torch.nn.Linear's default: uniform in ±1/√nin (its bias too)
        bound = 1.0 / math.sqrt(nin)
        return rng.uniform(-bound, bound, size=nin)
    raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}")


def _checked(x) -> bool:
    """Whether `x` is what a forward passes on: a list of Values (not a batch or raw numbers)."""
    return isinstance(x, list) and all(isinstance(v, Value) for v in x)


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
        bias: bool = True,
    ):
        self.nin = checks.count("nin", nin)
        _check_model_size(f"Neuron({self.nin})", self.nin + 1)
        self.activation = activation
        self.act = activation_fn(activation)
        self.init, self.fine = init, bool(fine)
        rng = rng if rng is not None else make_rng(seed)
        weights = _initial_weights(self.nin, nout, init, rng)
        self.w = [Parameter(float(v), label=f"{name}w{i + 1}") for i, v in enumerate(weights)]
        b = rng.uniform(-1.0, 1.0) / math.sqrt(self.nin) if init == "pytorch" else 0.0
        # Without a bias (nn.Linear(..., bias=False)) b stays 0: not a parameter, not in the sum.
        self.has_bias = bool(bias)
        self.b = Parameter(b if bias else 0.0, label=f"{name}b")

    @property
    def nout(self) -> int:
        """One output per example."""
        return 1

    def __call__(self, x) -> Value:
        if isinstance(x, np.ndarray) and x.ndim == 2:
            _check_batch_size(self, len(x), self.nin, [1], self.fine)
        return self.forward(_as_inputs(x, self.nin))

    def forward(self, x: list[Value]) -> Value:
        """The neuron on inputs already checked (nin Values); on anything else (a numpy batch, a
        list of numbers) the same as calling it."""
        if not _checked(x):
            return self(x)
        if self.fine:
            n: Value = self.b + self.w[0] * x[0] if self.has_bias else self.w[0] * x[0]
            for wi, xi in zip(self.w[1:], x[1:]):
                n = n + wi * xi
        else:
            n = wsum(self.w, x, self.b if self.has_bias else None)
        return self.act(n)

    def named_parameters(self, prefix: str = ""):
        for i, w in enumerate(self.w):
            yield f"{prefix}w.{i}", w
        if self.has_bias:
            yield f"{prefix}b", self.b

    def config(self) -> dict:
        return {"nin": self.nin, "activation": self.activation, "init": self.init, "fine": self.fine}

    @classmethod
    def parameters_in(cls, config: dict) -> int:
        return parameter_count(config["nin"], [1])

    def _layer_rows(self) -> list[tuple[str, int, int, str | None, int]]:
        return [("neuron", self.nin, 1, self.activation, 1)]

    def _torch_spec(self) -> tuple:
        return ("Sequential", [_linear_spec([self]), *_activation_spec(self.activation)])

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
        bias: bool = True,
    ):
        self.nin, self.nout = checks.count("nin", nin), checks.count("nout", nout)
        _check_model_size(f"Layer({self.nin}, {self.nout})", parameter_count(self.nin, [self.nout]))
        self.activation, self.init, self.fine = activation, init, bool(fine)
        rng = rng if rng is not None else make_rng(seed)
        self.neurons = [
            Neuron(nin, activation, init, fine=fine, nout=nout, rng=rng, name=f"{name}n{k + 1}.", bias=bias)
            for k in range(self.nout)
        ]

    def __call__(self, x):
        if isinstance(x, np.ndarray) and x.ndim == 2:
            _check_batch_size(self, len(x), self.nin, [self.nout], self.fine)
        out = self.forward(_as_inputs(x, self.nin))
        return out[0] if len(out) == 1 else out

    def forward(self, x: list[Value]) -> list[Value]:
        """The layer on inputs already checked (nin Values): one output per neuron; on anything
        else (a numpy batch, a list of numbers) the same as calling it."""
        if not _checked(x):
            return self(x)
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

    def _layer_rows(self) -> list[tuple[str, int, int, str | None, int]]:
        return [("layer", self.nin, self.nout, self.activation, self.nout)]

    def _torch_spec(self) -> tuple:
        return ("Sequential", [_linear_spec(self.neurons), *_activation_spec(self.activation)])

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

    def forward(self, x):
        """The same as calling the model: `mlp.forward(X)` is `mlp(X)`."""
        return self(x)

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

    def _layer_rows(self) -> list[tuple[str, int, int, str | None, int]]:
        last = len(self.layers)
        return [
            (f"{i}{' (output)' if i == last else ''}", layer.nin, layer.nout, layer.activation, layer.nout)
            for i, layer in enumerate(self.layers, start=1)
        ]

    def _torch_spec(self) -> tuple:
        specs: list[tuple] = []
        for layer in self.layers:
            specs += [_linear_spec(layer.neurons), *_activation_spec(layer.activation)]
        return ("Sequential", specs)

    def to_sequential(self) -> Sequential:
        """The same network, with copies of these weights, as nn.Sequential(nn.Linear, nn.ReLU, ...)."""
        model = _from_spec(self._torch_spec())
        assert isinstance(model, Sequential)
        return model

    def __repr__(self) -> str:
        sizes = "-".join(str(n) for n in [self.nin] + self.nouts)
        out = self.output_activation or "linear"
        n = len(self.parameters())
        return f"MLP({sizes}, activation={self.activation!r}, output={out!r}, {n} parameters)"


# --- layers as PyTorch names them ------------------------------------------------------------------
#
# nn.Linear is a Layer (the same neurons and weighted sums) with no activation and torch's names;
# an activation module applies one of nn.functional's activations; nn.Sequential calls each in turn
# on the list of Values (lanes for a batch), as MLP calls its layers.


def _indexed(tensors) -> Iterator[tuple[str, Parameter]]:
    """Each parameter of (key, shape, parameters) entries, named by its index: '0.weight[1, 2]'."""
    for key, shape, ps in tensors:
        for index, p in zip(np.ndindex(*shape), ps):
            yield f"{key}[{', '.join(str(i) for i in index)}]", p


class Linear(Layer):
    """y = x Wᵀ + b, torch.nn.Linear's layer: `weight` is (out_features, in_features), `bias` has
    out_features entries; one neuron per output, no activation.

    `named_parameters()` names every weight by its place, `weight[k, j]` (output k, input j) and
    `bias[k]`; `state_dict()` has torch's keys, `weight` an (out, in) array and `bias` an array.
    `init="pytorch"` (the default) is torch's: weight and bias uniform in ±1/√in_features.
    """

    _one_key_per_parameter = False

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        init: str = "pytorch",
        seed: int | None = None,
        fine: bool = False,
    ):
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}")
        if not isinstance(bias, bool):
            raise TypeError(f"bias must be True or False, got {bias!r}")
        self.in_features = checks.count("in_features", in_features)
        self.out_features = checks.count("out_features", out_features)
        _check_model_size(
            f"Linear({self.in_features}, {self.out_features})",
            self.parameters_in(
                {"in_features": self.in_features, "out_features": self.out_features, "bias": bias}
            ),
        )
        super().__init__(self.in_features, self.out_features, None, init, seed, fine, bias=bias)
        self.has_bias = bias
        self._label("")

    def _label(self, prefix: str) -> None:
        """Each parameter's label is its name (what pictures and the stepper show): '0.weight[1, 2]'."""
        for name, p in self.named_parameters(prefix):
            p.label = name

    @property
    def weight(self) -> np.ndarray:
        """The weights as an (out_features, in_features) array: a copy (set them with load_state_dict)."""
        return self.state_dict()["weight"]

    @property
    def bias(self) -> np.ndarray | None:
        """The biases as an array of out_features (a copy), or None for Linear(..., bias=False)."""
        return self.state_dict()["bias"] if self.has_bias else None

    def _tensors(self, prefix: str = ""):
        yield f"{prefix}weight", (self.out_features, self.in_features), [w for n in self.neurons for w in n.w]
        if self.has_bias:
            yield f"{prefix}bias", (self.out_features,), [n.b for n in self.neurons]

    def named_parameters(self, prefix: str = ""):
        return _indexed(self._tensors(prefix))

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """None, as torch.nn.Linear: its neurons are its weight matrix's rows, not modules."""
        return iter(())

    def config(self) -> dict:
        return {"in_features": self.in_features, "out_features": self.out_features, "bias": self.has_bias}

    @classmethod
    def parameters_in(cls, config: dict) -> int:
        return (config["in_features"] + int(config.get("bias", True))) * config["out_features"]

    def _layer_rows(self) -> list[tuple[str, int, int, str | None, int]]:
        return [("Linear", self.nin, self.nout, None, self.nout if self.has_bias else 0)]

    def _torch_spec(self) -> tuple:
        return _linear_spec(self.neurons)

    def __repr__(self) -> str:
        return (
            f"Linear(in_features={self.in_features}, out_features={self.out_features}, bias={self.has_bias})"
        )


class Activation(Module):
    """A layer without parameters applying one of nn.functional's activations to each input."""

    #: The activation's name in nn.functional (and in MLP's `activation=`).
    name = "linear"

    def fn(self, x: Value) -> Value:
        return activation_fn(self.name)(x)

    def __init__(self, inplace: bool = False):
        """`inplace` is accepted for torch's sake and ignored: a Value is never changed in place."""

    def __call__(self, x):
        """On a Value, a Value; on a list of Values (a layer's outputs), a list; on a 2-D array, a
        list of lane Values, one per column."""
        if isinstance(x, Value):
            return self.fn(x)
        if isinstance(x, np.ndarray) and x.ndim == 2:
            return [self.fn(v) for v in _as_inputs(x, x.shape[1])]
        if isinstance(x, str | bytes) or not isinstance(x, Sequence | np.ndarray):
            raise TypeError(f"{self!r} takes a Value or a list of Values, got {type(x).__name__}")
        return [self.fn(v if isinstance(v, Value) else Value(v)) for v in x]

    def forward(self, x: list[Value]) -> list[Value]:
        if not _checked(x):
            return self(x)
        return [self.fn(v) for v in x]

    def named_parameters(self, prefix: str = ""):
        return iter(())

    def config(self) -> dict:
        return {}

    @classmethod
    def parameters_in(cls, config: dict) -> int:
        return 0

    def _torch_spec(self) -> tuple:
        return (type(self).__name__,)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ReLU(Activation):
    """max(0, x), torch.nn.ReLU."""

    name = "relu"


class Tanh(Activation):
    """tanh(x), torch.nn.Tanh."""

    name = "tanh"


class Sigmoid(Activation):
    """1 / (1 + e^-x), torch.nn.Sigmoid."""

    name = "sigmoid"


class Identity(Activation):
    """x unchanged, torch.nn.Identity."""

    name = "linear"


class LeakyReLU(Activation):
    """x for x > 0, negative_slope · x otherwise: torch.nn.LeakyReLU."""

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        slope = model_file.finite_float(negative_slope)
        if slope is None:
            raise TypeError(f"negative_slope must be a finite number, got {negative_slope!r}")
        self.negative_slope = slope

    def fn(self, x: Value) -> Value:
        return functional.leaky_relu(x, self.negative_slope)

    def config(self) -> dict:
        return {"negative_slope": self.negative_slope}

    def _torch_spec(self) -> tuple:
        return ("LeakyReLU", self.negative_slope)

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope})"


#: The layers a Sequential holds, by the names of their model-file entries (and torch's).
LAYER_TYPES: dict[str, type[Module]] = {
    "Linear": Linear,
    "ReLU": ReLU,
    "Tanh": Tanh,
    "Sigmoid": Sigmoid,
    "LeakyReLU": LeakyReLU,
    "Identity": Identity,
}


def _indent(text: str) -> str:
    """torch's repr nesting: every line after the first indented by two spaces."""
    return text.replace("\n", "\n  ")


class Sequential(Module):
    """Modules called one after the other, torch.nn.Sequential: Sequential(Linear(2, 16), ReLU(), ...).

    It holds nn.Linear, the activation modules and Sequentials; a Linear's inputs must be the
    outputs of the Linear before it. Called on one example (a list) or a batch (a 2-D array of
    lanes) as an MLP is; parameters are named as torch names them, `0.weight[k, j]`, `0.bias[k]`,
    and `state_dict()` holds torch's keys and shapes: {"0.weight": (out, in) array, "0.bias": ...}.
    """

    _one_key_per_parameter = False

    def __init__(self, *modules: Module):
        for i, m in enumerate(modules):
            if isinstance(m, type):
                raise TypeError(
                    f"layer {i}: nn.{m.__name__} is a class: write nn.{m.__name__}() "
                    "(an instance) in a Sequential"
                )
            if type(m).__module__.split(".")[0] == "torch":
                raise TypeError(
                    f"layer {i}, {type(m).__name__}, is torch's ({type(m).__module__}.{type(m).__name__}): "
                    f"use this package's nn.{type(m).__name__}(...), or nn.from_torch(torch_model) "
                    "to bring a whole torch model over"
                )
            if not isinstance(m, Linear | Activation | Sequential):
                raise TypeError(
                    f"layer {i}, {type(m).__name__}, cannot go in a Sequential: it takes "
                    f"{', '.join(LAYER_TYPES)} and Sequential"
                )
        self._modules = list(modules)
        linears = self._linears()
        for (at, a), (to, b) in zip(linears, linears[1:]):
            if b.in_features != a.out_features:
                raise ValueError(
                    f"layer {to}, {b!r}, takes {b.in_features} inputs but layer {at} gives {a.out_features}"
                )
        total = sum(len(lin.parameters()) for _, lin in linears)
        _check_model_size(f"this Sequential of {len(linears)} Linear layers", total)
        for name, p in self.named_parameters():
            p.label = name

    def _linears(self, prefix: str = "") -> list[tuple[str, Linear]]:
        """(dotted index, layer) of every Linear, nested ones included, in order."""
        found: list[tuple[str, Linear]] = []
        for i, m in enumerate(self._modules):
            if isinstance(m, Linear):
                found.append((f"{prefix}{i}", m))
            elif isinstance(m, Sequential):
                found += m._linears(f"{prefix}{i}.")
        return found

    def _flat(self) -> list[Module]:
        out: list[Module] = []
        for m in self._modules:
            out += m._flat() if isinstance(m, Sequential) else [m]
        return out

    def __getitem__(self, i: int | slice) -> Module:
        """The i-th module; a slice, `model[0:2]`, is a Sequential of those modules (the same ones)."""
        if isinstance(i, slice):
            return Sequential(*self._modules[i])
        return self._modules[i]

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """('0', first module), ('1', ...): as torch names a Sequential's modules."""
        for i, m in enumerate(self._modules):
            yield str(i), m

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules)

    @property
    def nin(self) -> int | None:
        """Inputs per example: the first Linear's in_features (None with no Linear: any number)."""
        linears = self._linears()
        return linears[0][1].in_features if linears else None

    @property
    def nout(self) -> int:
        """Outputs per example: the last Linear's out_features (1 with no Linear)."""
        linears = self._linears()
        return linears[-1][1].out_features if linears else 1

    @property
    def output_activation(self) -> str | None:
        """The activation after the last Linear ('sigmoid', ...), None if there is none: how fit,
        predict and the plots read the outputs (0.5 is the cut after a sigmoid)."""
        after: str | None = None
        for m in self._flat():
            if isinstance(m, Linear):
                after = None
            elif isinstance(m, Activation) and m.name != "linear":
                after = m.name
        return after

    def describe(self) -> str:
        """'Sequential 2-16-16-1 (relu)': the Linear sizes and the activations between them."""
        linears = [lin for _, lin in self._linears()]
        sizes = [linears[0].in_features, *(lin.out_features for lin in linears)] if linears else []
        acts = list(dict.fromkeys(m.name for m in self._flat() if isinstance(m, Activation)))
        text = "Sequential " + "-".join(str(n) for n in sizes) if sizes else "Sequential"
        return text + (f" ({', '.join(acts)})" if acts else "")

    def __call__(self, x):
        nin = self.nin
        if nin is None:  # activations only: as many inputs as given
            nin = x.shape[1] if isinstance(x, np.ndarray) and x.ndim == 2 else len(x)
        if isinstance(x, np.ndarray) and x.ndim == 2:
            nouts = [lin.out_features for _, lin in self._linears()] or [nin]
            _check_batch_size(self, len(x), nin, nouts, any(lin.fine for _, lin in self._linears()))
        out = self.forward(_as_inputs(x, nin))
        return out[0] if len(out) == 1 else out

    def forward(self, x: list[Value]) -> list[Value]:
        """Each module's forward in turn, on inputs already checked; on anything else (a numpy
        batch, a list of numbers) the same as calling the model."""
        if not _checked(x):
            return self(x)
        for m in self._modules:
            x = m.forward(x)  # type: ignore[attr-defined]
        return x

    def _tensors(self, prefix: str = ""):
        for i, m in enumerate(self._modules):
            yield from m._tensors(f"{prefix}{i}.")

    def named_parameters(self, prefix: str = ""):
        return _indexed(self._tensors(prefix))

    def config(self) -> dict:
        return {"layers": [_layer_config(m) for m in self._modules]}

    @classmethod
    def _from_config(cls, config: dict) -> Sequential:
        return _sequential_from_configs(config["layers"])

    @classmethod
    def parameters_in(cls, config: dict) -> int:
        return sum(
            cls.parameters_in(c) if c["type"] == "Sequential" else LAYER_TYPES[c["type"]].parameters_in(c)
            for c in config["layers"]
        )

    def _layer_rows(self) -> list[tuple[str, int, int, str | None, int]]:
        rows = []
        flat = self._flat()
        for key, lin in self._linears():
            i = flat.index(lin)
            act = flat[i + 1] if i + 1 < len(flat) else None
            name = act.name if isinstance(act, Activation) else None
            rows.append((f"{key}: Linear", lin.in_features, lin.out_features, name, lin._layer_rows()[0][4]))
        return rows

    def _torch_spec(self) -> tuple:
        return ("Sequential", [m._torch_spec() for m in self._modules])

    def _short(self) -> str:
        return self.describe()

    def __repr__(self) -> str:
        if not self._modules:
            return "Sequential()"
        lines = [f"  ({i}): {_indent(repr(m))}" for i, m in enumerate(self._modules)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"


def _layer_config(m: Module) -> dict:
    return {"type": type(m).__name__, **m.config()}


def _sequential_from_configs(layers: list[dict]) -> Sequential:
    modules: list[Module] = []
    for c in layers:
        args = {k: v for k, v in c.items() if k != "type"}
        if c["type"] == "Sequential":
            modules.append(_sequential_from_configs(args["layers"]))
        elif c["type"] == "Linear":
            modules.append(Linear(**args, seed=0))
        else:
            modules.append(LAYER_TYPES[c["type"]](**args))
    return Sequential(*modules)


# --- to PyTorch and back (nn.torch_bridge turns specs into torch modules and back) -----------------


def _linear_spec(neurons: Sequence[Neuron]) -> tuple:
    weight = np.array([[w.data for w in n.w] for n in neurons], dtype=np.float64)
    bias = np.array([n.b.data for n in neurons], dtype=np.float64) if neurons[0].has_bias else None
    return ("Linear", weight, bias)


def _activation_spec(name: str | None) -> list[tuple]:
    """The torch layer of an MLP's activation name: none for a linear one."""
    torch_names = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "leaky_relu": "LeakyReLU"}
    if name is None or name == "linear":
        return []
    return [("LeakyReLU", 0.01)] if name == "leaky_relu" else [(torch_names[name],)]


def _from_spec(spec: tuple) -> Module:
    """The module of a spec (nn.torch_bridge's), with copies of its weights."""
    kind = spec[0]
    if kind == "Sequential":
        return Sequential(*(_from_spec(s) for s in spec[1]))
    if kind == "Linear":
        weight, bias = spec[1], spec[2]
        out_features, in_features = weight.shape
        layer = Linear(in_features, out_features, bias=bias is not None, seed=0)
        state = {"weight": weight} if bias is None else {"weight": weight, "bias": bias}
        layer.load_state_dict(state, source="the torch layer")
        return layer
    if kind == "LeakyReLU":
        return LeakyReLU(spec[1])
    return LAYER_TYPES[kind]()


def from_torch(module) -> Module:
    """A torch.nn.Sequential (or one layer) of Linear, ReLU, Tanh, Sigmoid, LeakyReLU and Identity
    as the same nn.Sequential (or layer) here, with its weights in float64; nested Sequentials
    stay nested, so state_dict keys are torch's. Anything else is refused, naming the layer.
    Needs torch: pip install -e ".[bench]"."""
    from . import torch_bridge

    return _from_spec(torch_bridge.read(module))
