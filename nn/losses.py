"""Loss functions: one number that says how wrong the model is, ready for `.backward()`.

Each loss takes the model's output and the target and returns a scalar Value,
mean-reduced over examples like PyTorch's defaults (`sse` sums). The output
may be one example (a scalar Value), a batch (a lane Value, one number per
example, with targets as a numpy array) or a list of Values; targets are data:
numbers or numpy arrays, never Values. Every loss stays finite for logits of
±1000.

The criteria (`MSELoss`, `L1Loss`, `BCELoss`, `BCEWithLogitsLoss`,
`CrossEntropyLoss`, `HingeLoss`) are the same losses as PyTorch's classes:
built once with `reduction="mean" | "sum" | "none"`, called as
`criterion(output, target)`. Each computes its function's per-example terms.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from autograd_lite import Value, wsum
from autograd_lite.engine import derived, derived_data, guard

from .functional import log_softmax

LOG_FLOOR = -100.0  # PyTorch's binary_cross_entropy clamps each log at -100: a wrong certain answer costs 100
#: PyTorch's floor on p·(1 - p) in binary_cross_entropy's gradient, (p - t) / max(p·(1 - p), EPSILON):
#: its C++ constant 1e-12 as a float32, 9.999999960041972e-13.
BCE_EPSILON = float(np.float32(1e-12))


# --- checking what the caller passed -------------------------------------------------


def _target_data(t, what: str):
    """A target as a float or a 1-D float array, or a clear error."""
    if isinstance(t, Value):
        raise TypeError(
            f"{what}: the target is data, not a Value: pass a number or a numpy array (got {t!r})"
        )
    if isinstance(t, bool | np.bool_):
        return float(t)
    x: float | np.ndarray
    if isinstance(t, numbers.Real):
        x = float(t)
    else:
        try:
            arr = np.asarray(t)
            if arr.dtype.kind not in "biuf":
                raise TypeError
        except (TypeError, ValueError):
            raise TypeError(
                f"{what}: the target must be a number or a numpy array of numbers, got {type(t).__name__}"
            ) from None
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]  # a column of targets, (n, 1), for a model with one output
        if arr.dtype != np.float64:  # ints, bools: converted, and a tape told how (float64 stays as it is)
            arr = derived_data(_as_float64, arr)
        if arr.ndim > 1:
            raise ValueError(f"{what}: expected a 1-D target (one number per example), got shape {arr.shape}")
        x = float(arr) if arr.ndim == 0 else arr
    guard(_finite_targets, x, what)  # made again on each replay of a tape
    return x


def _as_float64(t):
    return t.astype(np.float64)


def _finite_targets(x, what: str) -> None:
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{what}: the target holds nan or infinity")


def _as_prediction(v, what: str) -> Value:
    if not isinstance(v, Value):
        raise TypeError(
            f"{what}: the prediction must be a Value (the model's output), got {type(v).__name__}; "
            "numbers have no gradient to follow"
        )
    return v


def _pairs(pred, target, what: str) -> list[tuple[Value, float | np.ndarray]]:
    """Match predictions with targets: (Value, target data) pairs of the same shape.

    A Value pairs with a number or, when it holds lanes, with one number per
    lane. A list of k Values pairs with k targets, or with the k columns of a
    2-D target array (a model with k outputs called on a batch).
    """
    if isinstance(pred, Value):
        pairs = [(pred, _target_data(target, what))]
    elif isinstance(pred, Sequence) and not isinstance(pred, str):
        preds = [_as_prediction(v, what) for v in pred]
        if not preds:
            raise ValueError(f"{what}: got an empty list of predictions")
        if isinstance(target, Value):
            _target_data(target, what)  # raises
        try:
            shape = np.shape(target)
        except ValueError:  # a ragged list: one target per prediction, checked one by one below
            shape = (len(target),)
        if len(shape) == 2 and shape[1] == len(preds):  # (batch, outputs): one column per output
            targets = [np.asarray(target)[:, j] for j in range(len(preds))]
        elif len(shape) >= 1 and shape[0] == len(preds):
            targets = list(target)
        else:
            got = "one number" if not shape else f"shape {shape}"
            raise ValueError(
                f"{what}: {len(preds)} predictions but the target has {got}; "
                f"pass {len(preds)} targets (or a 2-D array with {len(preds)} columns)"
            )
        pairs = [(p, _target_data(t, what)) for p, t in zip(preds, targets)]
    else:
        _as_prediction(pred, what)
    for p, t in pairs:
        _check_shapes(p, t, what)
    return pairs


def _check_shapes(p: Value, t, what: str) -> None:
    if p.is_lanes:
        if isinstance(t, np.ndarray) and len(t) != len(p.data):
            raise ValueError(
                f"{what}: the prediction holds {len(p.data)} examples (lanes) but the target has {len(t)}"
            )
    elif isinstance(t, np.ndarray) and len(t) != 1:
        raise ValueError(
            f"{what}: the prediction is one number but the target has {len(t)}; "
            "for a batch, call the model on the 2-D array of inputs to get one lane per example"
        )


def _count(p: Value) -> int:
    return len(p.data) if p.is_lanes else 1


def _reduce(terms: list[Value], counts: list[int], mean: bool) -> Value:
    """Add up per-example loss terms (scalars or lanes); divide by their number for the mean."""
    if len(terms) == 1:
        return terms[0].mean() if mean else terms[0].sum()
    total = terms[0].sum()
    for term in terms[1:]:
        total = total + term.sum()
    return total / sum(counts) if mean else total


def _elementwise(pred, target, what: str, term, mean: bool = True) -> Value:
    pairs = _pairs(pred, target, what)
    return _reduce([term(p, t) for p, t in pairs], [_count(p) for p, _ in pairs], mean)


def _reduced(pred, target, what: str, term, reduction: str) -> Value | list[Value]:
    """`_elementwise` by a criterion's reduction; "none" keeps the terms: one Value (scalar or lanes)
    for one prediction, a list for a list, as PyTorch keeps the input's shape."""
    if reduction != "none":
        return _elementwise(pred, target, what, term, mean=reduction == "mean")
    terms = [term(p, t) for p, t in _pairs(pred, target, what)]
    return terms[0] if isinstance(pred, Value) else terms


# --- regression -----------------------------------------------------------------------


def _squared(p: Value, t) -> Value:
    return (p - t) ** 2


def _absolute(p: Value, t) -> Value:
    return abs(p - t)


def mse(pred, target) -> Value:
    """Mean squared error, mean((pred - target)²): the regression loss of every course."""
    return _elementwise(pred, target, "mse", _squared)


def sse(pred, target) -> Value:
    """Sum of squared errors, Σ(pred - target)²: mse without the division by n."""
    return _elementwise(pred, target, "sse", _squared, mean=False)


def mae(pred, target) -> Value:
    """Mean absolute error, mean(|pred - target|): less swayed by outliers than mse."""
    return _elementwise(pred, target, "mae", _absolute)


# --- two classes ------------------------------------------------------------------------


def _check_range(t, lo: float, hi: float, what: str, hint: str) -> None:
    guard(_in_range, t, lo, hi, what, hint)  # made again on each replay of a tape


def _in_range(t, lo: float, hi: float, what: str, hint: str) -> None:
    if np.any(np.asarray(t) < lo) or np.any(np.asarray(t) > hi):
        bad = np.asarray(t)[(np.asarray(t) < lo) | (np.asarray(t) > hi)].flat[0]
        raise ValueError(f"{what} needs targets between {lo:g} and {hi:g}, got {bad:g}{hint}")


def _bce_edge(d, t):
    """PyTorch's BCE loss and gradient at p·(1 - p) < BCE_EPSILON (p at or next to 0 or 1), from data.

    Loss: -(t·max(log p, -100) + (1 - t)·max(log1p(-p), -100)); gradient: (p - t) / BCE_EPSILON.
    """
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(d), LOG_FLOOR)
        log_q = np.maximum(np.log1p(-d), LOG_FLOOR)
    return (t - 1) * log_q - t * log_p, (d - t) / BCE_EPSILON


def _bce_term(p: Value, t) -> Value:
    """One example's (or each lane's) binary cross-entropy, with PyTorch's clamps (see below)."""
    what = "binary_cross_entropy"
    _check_range(t, 0.0, 1.0, what, " (for -1/+1 labels pass (y + 1) / 2)")
    # The checks and the two choices below read the data: guards, made again on each replay of a tape.
    guard(_probabilities, p, what)
    at_edge, near_0_any = guard(_bce_cases, p)
    d = p.data
    a = np.asarray(d)
    edge = (1 - a) * a < BCE_EPSILON
    if at_edge:
        loss, slope = _bce_edge(a, t)
        if not p.is_lanes:  # p - d is 0 with gradient 1: the value is PyTorch's loss, the slope its gradient
            return (p - d) * float(slope) + float(loss)
        keep = (~edge).astype(float)
        safe = p * keep + edge * 0.5  # p in the ordinary lanes; 0.5 (finite logs, no gradient) at the edge
        ordinary = -(t * safe.log() + (1 - t) * (1 - safe).log())
        out = ordinary * keep + ((p - d) * (slope * edge) + np.where(edge, loss, 0.0))
    else:
        q = derived(np.subtract, 1.0, t) if isinstance(t, np.ndarray) else 1 - t  # 1 - t, from this batch's t
        ordinary = out = -(t * p.log() + q * (1 - p).log())
    # Below 2^-14, rounding 1 - p costs log(1 - p) digits (2e-5 of the loss at p = 1e-12): make the
    # value PyTorch's log1p(-p), a constant shift that leaves the gradient alone.
    near_0 = ~edge & (a < 2.0**-14)
    if near_0_any:
        with np.errstate(divide="ignore", invalid="ignore"):
            exact = (t - 1) * np.log1p(-a) - t * np.log(a)
        shift = np.where(near_0, exact - ordinary.data, 0.0)
        if np.any(shift != 0):
            out = out + (shift if p.is_lanes else float(shift))
    return out


def _probabilities(d, what: str) -> None:
    a = np.asarray(d)
    if np.any(a < 0) or np.any(a > 1) or np.any(np.isnan(a)):
        bad = a[(a < 0) | (a > 1) | np.isnan(a)].flat[0]
        raise ValueError(
            f"{what} needs probabilities between 0 and 1, got {bad:.4g}; "
            "for raw scores (logits) use bce_with_logits"
        )


def _bce_cases(d) -> tuple[bool, bool]:
    """Whether some p is at the edge (p·(1 - p) < BCE_EPSILON), and whether some other is below 2^-14."""
    a = np.asarray(d)
    edge = (1 - a) * a < BCE_EPSILON
    return bool(edge.any()), bool((~edge & (a < 2.0**-14)).any())


def binary_cross_entropy(prob, target) -> Value:
    """-(t·log p + (1-t)·log(1-p)) for probabilities p in [0, 1] and targets t in [0, 1].

    PyTorch's rules at the edges: each log is clamped at -100 (p = 0 with t = 1
    costs 100, not infinity), and the gradient is (p - t) / max(p·(1 - p), 1e-12)
    (BCE_EPSILON), so it is 0 at p = t = 0, -1e12 at p = 0, t = 1, and never
    infinite. Where p·(1 - p) < 1e-12 the loss is a constant plus that slope
    times p; elsewhere it is the formula above. For a model without a sigmoid on
    its output, use `bce_with_logits`: exact and stable for any logit.
    """
    return _elementwise(prob, target, "binary_cross_entropy", _bce_term)


def _bce_logits_term(z: Value, t) -> Value:
    what = "bce_with_logits"
    _check_range(t, 0.0, 1.0, what, " (for -1/+1 labels pass (y + 1) / 2)")
    m: Value | float
    neg_sign: Value | float
    if z.is_lanes:  # constants read from the data: a tape recomputes them on each replay
        m = derived(_nonnegative, z)
        neg_sign = derived(_negated_sign, z)  # -1 where z >= 0, +1 where z < 0, so z·neg_sign = -|z|
    else:
        positive = guard(np.greater_equal, z, 0.0)
        m = 1.0 if positive else 0.0
        neg_sign = -1.0 if positive else 1.0
    return z * (m - t) + ((z * neg_sign).exp() + 1.0).log()


def _nonnegative(d):
    return (d >= 0).astype(float)


def _negated_sign(d):
    return 1.0 - 2.0 * (d >= 0).astype(float)


def bce_with_logits(logit, target) -> Value:
    """binary_cross_entropy(sigmoid(z), t) computed from the logit z, stable for any z.

    Written as z·(m - t) + log(1 + exp(-|z|)) with m = 1 where z >= 0, else 0:
    the exp never overflows, and the gradient is exactly sigmoid(z) - t, at
    z = 0 too (m and the sign of z are constants read from the data).
    """
    return _elementwise(logit, target, "bce_with_logits", _bce_logits_term)


def _hinge_term(s: Value, t) -> Value:
    guard(_margin_labels, t)  # made again on each replay of a tape
    return (1.0 - s * t).relu()


def _margin_labels(t) -> None:
    bad = np.asarray(t)[(np.asarray(t) != 1) & (np.asarray(t) != -1)]
    if bad.size:
        raise ValueError(
            f"hinge needs labels of -1 or +1, got {bad.flat[0]:g} (for 0/1 labels pass 2 * y - 1)"
        )


def hinge(score, target) -> Value:
    """The max-margin loss mean(max(0, 1 - t·score)) for labels t of -1 or +1 (micrograd's demo)."""
    return _elementwise(score, target, "hinge", _hinge_term)


# --- several classes ----------------------------------------------------------------------


def _class_targets(target, k: int, lanes: int | None):
    what = "cross_entropy"
    if isinstance(target, Value):
        raise TypeError(f"{what}: the target is data (class indices), not a Value")
    t = np.asarray(target)
    if t.ndim == 2 and t.shape[1] == 1:
        raise ValueError(
            f"{what} needs one class index per example (1-D), got a column, shape {t.shape}: pass y.ravel()"
        )
    if t.ndim == 2 and t.shape[1] == k:
        raise ValueError(
            f"{what} needs one class index per example (1-D), got shape {t.shape}, one column per class "
            "(one-hot or probabilities): probability targets are not supported: pass y.argmax(1)"
        )
    if t.ndim > 1:
        raise ValueError(f"{what} needs one class index per example (1-D), got shape {t.shape}")
    if t.dtype.kind not in "iuf" or (t.dtype.kind == "f" and not np.all(t == np.round(t))):
        raise ValueError(
            f"{what} needs class indices (whole numbers 0..{k - 1}), got {target!r}"
            if t.ndim == 0
            else f"{what} needs class indices (whole numbers 0..{k - 1}), got an array of {t.dtype}"
        )
    if np.any(t < 0) or np.any(t >= k):
        bad = t[(t < 0) | (t >= k)].flat[0]
        raise ValueError(f"{what}: class index {bad:g} is out of range for {k} logits (0..{k - 1})")
    t = t.astype(int)
    if lanes is None:
        if t.ndim == 1 and len(t) != 1:
            raise ValueError(
                f"{what}: the logits are for one example but the target has {len(t)} class indices; "
                "for a batch, call the model on the 2-D array of inputs"
            )
        return int(t.reshape(-1)[0])
    if t.ndim == 1 and len(t) != lanes:
        raise ValueError(f"{what}: the logits hold {lanes} examples (lanes) but the target has {len(t)}")
    return t


def _check_classes(target, k: int, lanes: int | None) -> None:
    """_class_targets' checks alone (their answer, None, is the same for every valid batch)."""
    _class_targets(target, k, lanes)


def _one_hot(t, k: int):
    return (t == k).astype(float)


def cross_entropy(logits: Sequence[Value], target) -> Value:
    """-log softmax(logits)[target]: the multi-class loss, through a stable log-softmax.

    `logits` holds one Value per class (each a scalar or lanes); `target` is the
    class index (an int, or one int per lane).
    """
    return _cross_entropy(logits, target, "mean")


def _cross_entropy(logits: Sequence[Value], target, reduction: str) -> Value:
    """cross_entropy reduced over the lanes by `reduction`; "none" keeps one lane per example."""
    if isinstance(logits, Value) or not isinstance(logits, Sequence) or isinstance(logits, str):
        raise TypeError(
            "cross_entropy takes a list of logits, one Value per class; "
            "for one output and two classes use bce_with_logits or hinge"
        )
    logits = [_as_prediction(z, "cross_entropy") for z in logits]
    if len(logits) < 2:
        raise ValueError(f"cross_entropy needs at least 2 logits (one per class), got {len(logits)}")
    lengths = {len(z.data) for z in logits if z.is_lanes}
    if len(lengths) > 1:
        raise ValueError(f"cross_entropy: the logits hold different numbers of lanes: {sorted(lengths)}")
    lanes = lengths.pop() if lengths else None
    if lanes is None:
        return -log_softmax(logits)[_class_targets(target, len(logits), lanes)]
    guard(_check_classes, target, len(logits), lanes)  # checked again on each replay of a tape
    logp = log_softmax(logits)
    # Pick each lane's target class with one-hot masks, constants read from the targets (a tape
    # recomputes them on each replay): -Σ_k onehot_k · log p_k.
    picked = wsum([derived(_one_hot, target, k) for k in range(len(logits))], logp)
    if reduction == "none":
        return -picked
    return -(picked.mean() if reduction == "mean" else picked.sum())


# --- criteria, as PyTorch names them --------------------------------------------------------

REDUCTIONS = ("mean", "sum", "none")


class Criterion:
    """A loss as a torch.nn criterion: built with a reduction, called as `criterion(output, target)`.

    reduction "mean" (the default) and "sum" give one Value for `.backward()`;
    "none" gives the per-example terms: a lane Value for a batch, a Value for
    one example, a list for a list of outputs. The targets, their checks and
    their messages are those of the function the criterion is built on.
    """

    #: The name `fit(loss=...)` knows this loss by: the task (labels, outputs) fit reads it as.
    fit_name: str = ""

    #: torch's other arguments of this class and their defaults: passing the default is accepted
    #: (a tutorial's `weight=None`), anything else is refused by name (see `_unsupported`).
    torch_defaults: dict[str, object] = {"size_average": None, "reduce": None}

    #: In messages raised from a criterion, the function names it stands for become class names.
    renames: dict[str, str] = {
        "use bce_with_logits": "use nn.BCEWithLogitsLoss",
        "use bce_with_logits or hinge": "use nn.BCEWithLogitsLoss or nn.HingeLoss",
    }

    def __init__(self, *args, reduction: str = "mean", **torch_options) -> None:
        if args:
            raise TypeError(
                f"{type(self).__name__} takes keyword arguments only, e.g. "
                f"{type(self).__name__}(reduction='sum'): torch's first positional arguments are "
                "deprecated ones (size_average, weight), not supported here"
            )
        for key, value in torch_options.items():
            if key not in self.torch_defaults:
                raise TypeError(
                    f"{type(self).__name__} got an unexpected keyword argument {key!r}: "
                    "it takes only reduction='mean' | 'sum' | 'none'"
                )
            default = self.torch_defaults[key]
            if value is not default and not (default is not None and value == default):
                raise _unsupported(type(self).__name__, key)
        if not isinstance(reduction, str) or reduction not in REDUCTIONS:
            raise ValueError(
                f"{type(self).__name__}: reduction must be one of 'mean', 'sum', 'none', got {reduction!r}"
            )
        self.reduction = reduction

    def __call__(self, output, target) -> Value | list[Value]:
        try:
            return self.forward(output, target)
        except (TypeError, ValueError) as e:
            message = str(e)
            renamed = message
            for old in sorted(self.renames, key=len, reverse=True):  # the longer phrase first
                if old in renamed:
                    renamed = renamed.replace(old, self.renames[old])
                    break
            if renamed == message:
                raise
            raise type(e)(renamed) from None

    def forward(self, output, target) -> Value | list[Value]:
        raise NotImplementedError

    def __repr__(self) -> str:
        shown = "" if self.reduction == "mean" else f"reduction={self.reduction!r}"
        return f"{type(self).__name__}({shown})"


#: What to do instead of each torch argument these criteria do not take.
_INSTEAD = {
    "size_average": "torch deprecated it too: use reduction='mean' or reduction='sum'",
    "reduce": "torch deprecated it too: use reduction='none' for one loss per example",
    "weight": "weight the losses yourself: terms = criterion(out, y) with reduction='none', "
    "then (w * terms).sum() / w.sum()",
    "pos_weight": "weight the positive examples yourself: terms = criterion(out, y) with "
    "reduction='none', then (np.where(y == 1, pos_weight, 1.0) * terms).mean()",
    "ignore_index": "drop those examples from X and y before the call (y != ignore_index)",
    "label_smoothing": "only hard class-index targets are supported, without smoothing",
}


def _unsupported(cls: str, key: str) -> TypeError:
    return TypeError(
        f"{cls}: torch's {key}= is not supported here; {cls} takes only "
        f"reduction='mean' | 'sum' | 'none'. Instead: {_INSTEAD[key]}"
    )


class _Elementwise(Criterion):
    """A criterion whose loss is a term per example (a function of one output and its target)."""

    what: str = ""  # the function whose checks and messages it shares
    term: Callable[[Value, object], Value]

    def forward(self, output, target) -> Value | list[Value]:
        return _reduced(output, target, self.what, type(self).term, self.reduction)


class MSELoss(_Elementwise):
    """torch.nn.MSELoss: (output - target)² per example; `mse` is MSELoss(), `sse` its reduction='sum'."""

    fit_name, what, term = "mse", "mse", staticmethod(_squared)


class L1Loss(_Elementwise):
    """torch.nn.L1Loss: |output - target| per example (gradient sign(output - target), 0 at a tie); `mae`."""

    fit_name, what, term = "mae", "mae", staticmethod(_absolute)


class BCELoss(_Elementwise):
    """torch.nn.BCELoss on probabilities: -(t·log p + (1-t)·log(1-p)), each log clamped at -100 and the
    gradient (p - t) / max(p·(1 - p), 1e-12), as torch; `binary_cross_entropy`. No `weight=`."""

    fit_name, what, term = "binary_cross_entropy", "binary_cross_entropy", staticmethod(_bce_term)
    torch_defaults = {**Criterion.torch_defaults, "weight": None}


class BCEWithLogitsLoss(_Elementwise):
    """torch.nn.BCEWithLogitsLoss: BCELoss of sigmoid(z) computed from the logit z, exact for any z;
    `bce_with_logits`. No `weight=` or `pos_weight=`."""

    fit_name, what, term = "bce_with_logits", "bce_with_logits", staticmethod(_bce_logits_term)
    torch_defaults = {**Criterion.torch_defaults, "weight": None, "pos_weight": None}


class HingeLoss(_Elementwise):
    """The binary hinge max(0, 1 - t·s) for scores s and labels t of -1 or +1: micrograd's `hinge`.

    torch.nn has no class for it: it is `torch.relu(1 - t * s)` reduced (gradient 0 at the margin,
    t·s = 1, as here). `nn.MultiMarginLoss` is the multi-class hinge: on the two scores (0, s) with
    class (t + 1) / 2 it gives half of this (it divides by the number of classes).
    `nn.HingeEmbeddingLoss` is another loss: x itself for t = 1 and max(0, margin - x) for t = -1,
    for distances x, not scores.
    """

    fit_name, what, term = "hinge", "hinge", staticmethod(_hinge_term)


class CrossEntropyLoss(Criterion):
    """torch.nn.CrossEntropyLoss: -log softmax(logits)[target], the output a list of one Value per class
    (torch's (N, C) input, as lanes) and the target class indices; `cross_entropy`. No `weight=`,
    `ignore_index=`, `label_smoothing=` or probability targets. reduction="none" gives one lane per
    example."""

    fit_name = "cross_entropy"
    torch_defaults = {
        **Criterion.torch_defaults,
        "weight": None,
        "ignore_index": -100,
        "label_smoothing": 0.0,
    }

    def forward(self, output, target) -> Value:
        return _cross_entropy(output, target, self.reduction)


# --- regularisation -----------------------------------------------------------------------


def l2_penalty(params: Iterable[Value]) -> Value:
    """Σ p² over the parameters (add `alpha * l2_penalty(model.parameters())` to a loss).

    One node, Σ p·p, whose gradient is 2p for each parameter.
    """
    if hasattr(params, "parameters"):
        params = params.parameters()
    params = list(params)
    for p in params:
        if not isinstance(p, Value):
            raise TypeError(f"l2_penalty takes Values (model.parameters()), got {type(p).__name__}")
    if not params:
        raise ValueError("l2_penalty got no parameters")
    return wsum(params, params)
