"""The words of the engine's errors: what was wrong, naming the op, the operands and their labels.

Kept apart from `engine.py` so that it reads like micrograd; every builder
returns the exception (the engine raises it), and `fmt` is how the engine
writes a number in them and in `repr`.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .ops import WSUM, Op, OpError, fill

Value = Any  # an engine.Value: this module cannot import the engine, which imports it

ndarray = np.ndarray

ACCEPTED = "a Value holds a number (int or float) or a 1-D numpy array of floats, one per example (lanes)"


def counted(n: int, word: str) -> str:
    """`1 step`, `3 steps`: a count and its noun, singular for one."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def fmt(x) -> str:
    """A number (4 significant digits; whole numbers as 3.0, not 3) or a lane summary."""
    if type(x) is ndarray:
        return f"[{len(x)} lane{'s' if len(x) != 1 else ''}] mean {fmt(float(x.mean()))}"
    if x == 0:
        return "0.0"  # also for -0.0, which is the same number
    if float(x).is_integer() and abs(x) < 1e9:
        return f"{x:.1f}"
    text = f"{x:.4g}"
    return text if any(ch in text for ch in ".ena") else text + ".0"  # 0.99999 -> 1.0, not 1


def bad_data(x, what: str) -> Exception:
    """Why `x` cannot be the data of a Value (`what` is who was given it: `Value()`, `Value +`)."""
    t = type(x)
    if t is int:
        return ValueError(
            f"{what} got an int of {len(str(abs(x)))} digits, too large for a float (max ~1.8e308)"
        )
    if isinstance(x, bool | np.bool_):
        return TypeError(f"{what} got the bool {x!r}: {ACCEPTED}; write 1.0 or 0.0 for a number")
    if hasattr(x, "local_grads"):  # a Value
        return TypeError(f"{what} got a Value: use the Value itself, or Value(v.data) for a copy")
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "fiu":
            hint = " (convert a mask with .astype(float))" if x.dtype.kind == "b" else ""
            return TypeError(f"{what} got a numpy array of dtype {x.dtype}{hint}: {ACCEPTED}")
        if x.ndim != 1:
            return ValueError(
                f"{what} got a {x.ndim}-D array of shape {x.shape}: {ACCEPTED}; "
                "pass one column per Value (X[:, j]), or call an nn model on the 2-D batch"
            )
        return ValueError(f"{what} got an empty array: lanes need at least one number")
    if isinstance(x, str):
        return TypeError(f"{what} got the string {x!r}: {ACCEPTED}; convert text with float() first")
    if isinstance(x, list | tuple):
        return TypeError(
            f"{what} got a {t.__name__}: {ACCEPTED}; for lanes pass np.array(...), "
            "for several numbers make one Value each"
        )
    if isinstance(x, numbers.Complex):
        return TypeError(f"{what} got the complex number {x!r}: {ACCEPTED}; only real numbers")
    return TypeError(f"{what} got {t.__name__} {x!r}: {ACCEPTED}")


def root_without_graph(root: Value) -> Exception:
    return RuntimeError(
        f"backward() from {root.name}: this value was computed inside no_grad(), so it has no "
        "graph to backpropagate through and every gradient would stay unset. Compute it outside "
        "the `with no_grad():` block (no_grad is for inference, plotting and optimizer updates)"
    )


def root_of_lanes(root: Value) -> Exception:
    return ValueError(
        f"backward() needs a single number, but {root.label or 'this value'} holds "
        f"{len(root.data)} lanes "
        "(one per example): reduce them first, e.g. loss.mean().backward() or loss.sum().backward()"
    )


def _names(operands, arg) -> dict[str, str]:
    """Template names for an op's operands: labels where the user gave them."""
    names = {"c": fmt(arg) if arg is not None else "c"}
    for key, v in zip(("x", "y"), operands):
        names[key] = v.label if v.label is not None else key
    if names.get("y") == names["x"] and operands[0] is not operands[1]:
        names["y"] = names["x"] + "'"
    return names


def describe(node: Value) -> str:
    """`log(a)` or `a * b` for a node, with its operands' labels."""
    op = node.op
    assert op is not None, "a leaf has no op to describe"
    if op is WSUM:
        return f"Σw·x+b over {len(node.parents)} operands" + (f" ({node.label})" if node.label else "")
    text = fill(op.expr, **_names(node.parents, node.arg))
    return f"{text} (= {node.label})" if node.label else text


def domain_error(op: Op, operands, arg, err: OpError) -> Exception:
    """`log(a) needs a > 0, but got a = -1.0`: the op's own words (`err.needs`) with the labels."""
    names = _names(operands, arg)
    got = []
    for key, v in zip(("x", "y"), operands):
        d = v.data
        if type(d) is ndarray and err.lane is not None:
            got.append(f"{names[key]} = {d[err.lane]:.4g} in lane {err.lane}")
        else:
            got.append(f"{names[key]} = {fmt(d)}")
    return err.kind(f"{fill(op.expr, **names)} needs {fill(err.needs, **names)}, but got {', '.join(got)}")


def check_lanes(operands, op: Op) -> None:
    """Raise a clear ValueError if the operands hold lanes of different lengths."""
    lengths = {len(v.data) for v in operands if type(v.data) is ndarray}
    if len(lengths) > 1:
        detail = ", ".join(
            f"{v.label or f'operand {i + 1}'} has {len(v.data)}"
            for i, v in enumerate(operands)
            if type(v.data) is ndarray
        )
        raise ValueError(
            f"{op} got lanes of different lengths ({detail}): every lane Value in one graph "
            "holds one number per example of the same batch"
        ) from None


def _first_bad_lane(x) -> int | None:
    """The first lane of x that is nan or infinite (None for a number)."""
    return int(np.flatnonzero(~np.isfinite(x))[0]) if type(x) is ndarray else None


def _at(x, lane: int | None) -> str:
    return fmt(x) if lane is None or type(x) is not ndarray else f"{x[lane]:.4g}"


def backward_anomaly(node: Value, parent: Value, local, g, c) -> Exception:
    """detect_anomaly: the chain rule at `node` sent `parent` a contribution c that is not finite."""
    lane = _first_bad_lane(c)
    where = "" if lane is None else f" in lane {lane}"
    return FloatingPointError(
        f"detect_anomaly: backward through {describe(node)} sent {_at(c, lane)}{where} to "
        f"{parent.name} (local derivative {_at(local, lane)} * upstream grad {_at(g, lane)})"
    )


def forward_anomaly(node: Value) -> Exception:
    """detect_anomaly: `node`'s op produced nan or an infinity."""
    lane = _first_bad_lane(node.data)
    bad = node.data if lane is None else node.data[lane]
    kind = ("nan" if np.isnan(bad) else "an infinity") + ("" if lane is None else f" in lane {lane}")
    got = ", ".join(f"{p.name} = {_at(p.data, lane)}" for p in node.parents)
    return FloatingPointError(f"detect_anomaly: {describe(node)} produced {kind} from {got}")
