"""Switches that change what the engine records: `no_grad()` and `detect_anomaly()`."""

from __future__ import annotations

import contextlib
from typing import Any


class _State:
    """The engine reads these two flags on every op; `tracing` is the tape's recorder while
    `trace()` builds its graph (None otherwise: leaves and data-dependent constants are then plain)."""

    grad_enabled = True
    anomaly = False
    tracing: Any = None


state = _State()


@contextlib.contextmanager
def no_grad():
    """Build no graph inside the block: results are leaves with no parents.

    Use it for inference, plotting and optimizer updates; it costs nothing extra.
    As in PyTorch, `backward()` from a value computed inside the block is an
    error: it has no graph, so no gradient could reach anything.
    """
    before = state.grad_enabled
    state.grad_enabled = False
    try:
        yield
    finally:
        state.grad_enabled = before


@contextlib.contextmanager
def detect_anomaly():
    """Raise FloatingPointError at the first NaN or infinity, forward or backward.

    The error names the op, its operands and their labels, so the first bad
    number can be traced instead of the last.
    """
    before = state.anomaly
    state.anomaly = True
    try:
        yield
    finally:
        state.anomaly = before
