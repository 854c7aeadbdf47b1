"""Ready-made graphs for lessons, docs and tests."""

from __future__ import annotations

from .engine import Parameter, Value, topological_order


def lecture_neuron() -> Value:
    """micrograd's lecture neuron: o = tanh(x1*w1 + x2*w2 + b), every node labelled.

    x1 = 2, x2 = 0 are inputs; w1 = -3, w2 = 1, b = 6.8813735870195432 are
    Parameters; n is the weighted sum (0.8814) and o = tanh(n) ≈ 0.7071, so
    do/dn = 1 - o² = 0.5 and do/dw1 = 0.5 · x1 = 1.0.
    """
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Parameter(-3.0, label="w1"), Parameter(1.0, label="w2")
    b = Parameter(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def by_label(root: Value) -> dict[str, Value]:
    """The labelled nodes of root's graph by label: `by_label(o)["w1"].grad`."""
    return {v.label: v for v in topological_order(root) if v.label is not None}
