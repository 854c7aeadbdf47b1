"""Activations by name and as functions (relu, tanh, sigmoid, leaky_relu: torch.nn.functional's),
and softmax / log-softmax over a list of Values."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from autograd_lite import Value
from autograd_lite.engine import derived, guard

ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,
    "linear": lambda v: v,
}


def activation(name: str | None) -> Callable[[Value], Value]:
    """The activation function called `name` (None means linear)."""
    if name is None:
        return ACTIVATIONS["linear"]
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}") from None


def _each(f: Callable[[Value], Value], x):
    """`f` on a Value (one example's, or a lane Value: a whole batch), or on each of a list of
    them (a layer's outputs, as nn.Linear and nn.Sequential pass them on): a list back."""
    if isinstance(x, Value):
        return f(x)
    if isinstance(x, str | bytes) or not isinstance(x, Sequence):
        raise TypeError(f"takes a Value or a list of Values (a layer's outputs), got {type(x).__name__}")
    return [f(v if isinstance(v, Value) else Value(v)) for v in x]


def relu(x):
    """max(0, x) of a Value or of each of a list of Values: torch.nn.functional.relu, nn.ReLU()."""
    return _each(Value.relu, x)


def tanh(x):
    """tanh of a Value or of each of a list of Values: torch.tanh, nn.Tanh()."""
    return _each(Value.tanh, x)


def sigmoid(x):
    """1 / (1 + e^-x) of a Value or of each of a list of Values: torch.sigmoid, nn.Sigmoid()."""
    return _each(Value.sigmoid, x)


def leaky_relu(x, negative_slope: float = 0.01):
    """max(x, negative_slope·x) of a Value or of each of a list of Values: `nn.LeakyReLU(negative_slope)`;
    the activation "leaky_relu" uses 0.01."""
    return _each(lambda v: v.leaky_relu(negative_slope), x)


def _max_data(logits: Sequence[Value]):
    """The largest logit per lane, a constant (subtracting it changes no gradient) read from the data:
    for lanes a derived Value, which a tape recomputes on each replay; for numbers a float (a guard)."""
    if any(v.is_lanes for v in logits):
        return derived(_lanes_max, *logits)
    return guard(_numbers_max, *logits)


def _lanes_max(*datas):
    return np.maximum.reduce(np.broadcast_arrays(*datas))


def _numbers_max(*datas):
    return max(datas)


def log_softmax(logits: Sequence[Value]) -> list[Value]:
    """log(softmax(logits)), stable for logits of any size: z - m - log Σ exp(z - m)."""
    logits = list(logits)
    if not logits:
        raise ValueError("log_softmax needs at least one logit")
    m = _max_data(logits)
    shifted = [z - m for z in logits]
    total = shifted[0].exp()
    for z in shifted[1:]:
        total = total + z.exp()
    log_total = total.log()
    return [z - log_total for z in shifted]


def softmax(logits: Sequence[Value]) -> list[Value]:
    """Probabilities from logits, summing to 1 (stable: the largest logit is subtracted first)."""
    logits = list(logits)
    if not logits:
        raise ValueError("softmax needs at least one logit")
    m = _max_data(logits)
    exps = [(z - m).exp() for z in logits]
    total = exps[0]
    for e in exps[1:]:
        total = total + e
    return [e / total for e in exps]
