"""The op table: every operation the engine knows, declared once, as data.

Each entry holds the op's name, its symbol, its forward function, its
local-derivative rule and the text of both. The engine (`engine.py`) calls
`forward` and `local`; the stepper, `explain()` and the graph renderer read
`expr` and `rules`. No derivative is written anywhere else.

Every function here works on a Python float or on a 1-D numpy array of lanes,
so the same rule serves one example and a whole batch.

Names in the templates: `{x}` and `{y}` are the Value operands, `{c}` a
constant operand (held on the node as `arg`), `{out}` the op's output.

Overflow: one rule for a number and for lanes (every lane is checked).

- `**` (`x ** c`, `c ** x`, `x ** y`) and `exp`: finite operands whose
  result does not fit in a float raise OverflowError naming the op, the
  operands and, for lanes, the first such lane (`10.0 ** 400.0` raises as
  Python's own `**` does; PyTorch would give inf). An infinite operand may
  give an infinite result without an error.
- `+ - * /`, `sum`, `mean` and `wsum` are IEEE arithmetic, as in PyTorch: an
  overflow gives ±inf, for numbers and lanes alike (numpy adds its
  RuntimeWarning for lanes and np.float64 data; silencing it would cost more
  than the op). `detect_anomaly()` makes it an error naming the op and lane.
- No other op can overflow on finite input (log, tanh, sigmoid, relu,
  leaky_relu, sin, cos, abs, neg).
- A local derivative never raises: one too large for a float is ±inf, as in
  PyTorch (`Value(1e-300) ** -1` is 1e300, with d/dx = -inf), and
  `detect_anomaly()` reports it in backward.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable

import numpy as np

ndarray = np.ndarray


class OpError(Exception):
    """Raised by a forward function when its inputs are outside the op's domain.

    The engine turns it into the user's error (`kind`), naming the op, the
    operands and their labels.
    """

    def __init__(self, kind: type[Exception], needs: str, lane: int | None = None):
        super().__init__(needs)
        self.kind = kind
        self.needs = needs  # a template such as "{x} > 0"
        self.lane = lane


CALL = 8  # the precedence of a function call such as tanh(x): never bracketed


def fill(template: str, **words: str) -> str:
    """A template with its placeholders (`{x}`, `{c}`, ...) replaced by `words`; others are kept.

    The one way templates are filled: error messages, `names.expression`,
    `names.rule_text` and the pictures' op labels all call it.
    """
    return re.sub(r"\{(\w+)\}", lambda m: words.get(m.group(1), m.group(0)), template)


class Op(str):
    """One operation. The string value is its name (`v.op == "tanh"`)."""

    key: str  # unique key in OPS ("mul" and "mul_c" are both named "mul")
    symbol: str  # what a picture shows in the op's node
    expr: str  # the output written from its operands, e.g. "tanh({x})"
    forward: Callable  # (x[, y | c]) -> output
    local: Callable  # (out, x[, y | c]) -> one local derivative per Value operand
    rules: tuple[str, ...]  # the local derivatives as text, one per Value operand
    has_const: bool  # whether the node keeps a constant operand in `arg`
    precedence: int  # how tightly expr binds, for brackets: 1 + -, 2 * /, 3 unary -, 4 **, CALL
    ordered: bool  # whether swapping the two Value operands changes the result (- / **)
    operands: tuple[str, ...]  # what `formula()` calls the Value operands
    generic = {"x": "x", "y": "y", "c": "c"}  # the names `formula()` writes for the placeholders

    def __new__(cls, name, *, key, symbol, expr, forward, local, rules, const=False, precedence=CALL,
                ordered=False, operands=("x", "y")):  # fmt: skip
        op = super().__new__(cls, name)
        op.key, op.symbol, op.expr = key, symbol, expr
        op.forward, op.local, op.rules = forward, local, tuple(rules)
        op.has_const, op.precedence, op.ordered = const, precedence, ordered
        op.operands = tuple(operands)[: len(rules)]  # what `formula()` calls them
        return op

    def roles(self, n: int) -> list[str]:
        """What each of a node's n parents is in the templates: `x`, `y` (the rules' names)."""
        return ["x", "y"][:n]

    def rule(self, roles: list[str], k: int) -> str:
        """The rule template for parent k, written with the template names of the other parents."""
        return self.rules[k]

    def write(self, words: list[str], c: str = "c") -> str:
        """The output written from its parents' words (names or numbers): `a * b`, `tanh(n)`."""
        return fill(self.expr, c=c, **dict(zip(self.roles(len(words)), words)))

    def edge_label(self, role: str) -> str | None:
        """What the edge from a parent with this role is marked with in a picture, if anything:
        x or y where the operand order matters (- / **)."""
        return role if self.ordered else None

    def formula(self) -> list[str]:
        """The local-derivative rules in textbook form, one per operand."""
        out = fill(self.expr, **self.generic)
        return [
            f"d({out})/d{n} = " + fill(r, out=out, **self.generic) for n, r in zip(self.operands, self.rules)
        ]


class WeightedSum(Op):
    """The n-ary `Σ w_i * x_i + b`: parents (w1, x1, w2, x2, ..., b), bias optional."""

    generic = {"x": "x_i", "w": "w_i", "b": "b"}

    def roles(self, n: int) -> list[str]:
        """`w1, x1, w2, x2, ..., b`: the (w, x) pairs in order, then the bias when n is odd."""
        out = [f"{wx}{i // 2 + 1}" for i, wx in zip(range(n - n % 2), "wx" * n)]
        return out + ["b"] if n % 2 else out

    def rule(self, roles: list[str], k: int) -> str:
        """d/dw_i = x_i, d/dx_i = w_i, d/db = 1, with the partner's role as the name (`{x3}`)."""
        role = roles[k]
        if role == "b":
            return self.rules[2]
        partner = ("x" if role[0] == "w" else "w") + role[1:]
        return fill(self.rules[0 if role[0] == "w" else 1], x="{" + partner + "}", w="{" + partner + "}")

    def write(self, words: list[str], c: str = "c") -> str:
        """`w1*x1 + w2*x2 + b`, the sum written out term by term."""
        terms = [f"{words[i]}*{words[i + 1]}" for i in range(0, len(words) - 1, 2)]
        return " + ".join(terms + words[len(words) - len(words) % 2 :])

    def edge_label(self, role: str) -> str | None:
        """The term number of a weight or input (`3` for w3 and x3), `b` for the bias."""
        return role[1:] or role


def _lanes_where(mask) -> int:
    """The index of the first True lane."""
    return int(np.flatnonzero(mask)[0])


# --- forward functions with their domain checks ------------------------------


def _require(bad, kind: type[Exception], needs: str) -> None:
    """The one domain check: raise OpError(kind, needs) where `bad` is true.

    `bad` is a bool for a number, a mask for lanes (the error names the first bad lane).
    """
    if type(bad) is ndarray:
        if bad.any():
            raise OpError(kind, needs, _lanes_where(bad))
    elif bad:
        raise OpError(kind, needs)


def _div(x, y):
    _require(y == 0, ZeroDivisionError, "{y} != 0")
    return x / y


def _div_c(x, c):  # x / c
    if c == 0:
        raise OpError(ZeroDivisionError, "a divisor other than 0")
    return x / c


def _rdiv(x, c):  # c / x
    _require(x == 0, ZeroDivisionError, "{x} != 0")
    return c / x


_FITS = "a result that fits in a float (below 1.8e308)"


def _check_fits(out, *inputs) -> None:
    """Raise OverflowError (with the first lane) where finite lane inputs gave an infinite output."""
    inf = np.isinf(out)
    if inf.any():
        for x in inputs:
            inf &= np.isfinite(x)  # an infinite input may give an infinite output
        _require(inf, OverflowError, _FITS)


def _power(x, e):
    """x ** e for numbers, ±inf where that overflows: for local derivatives, which may be infinite."""
    try:
        return math.pow(x, e)
    except OverflowError:  # math.pow(-1e-300, -3.0): the sign of an odd power of a negative base
        return -math.inf if x < 0 and e % 2 == 1 else math.inf


def _pow_c(x, c):  # x ** c, c a constant
    if c < 0:
        _require(x == 0, ZeroDivisionError, "{x} != 0 when the exponent is negative")
    if not float(c).is_integer():
        _require(x < 0, ValueError, "{x} >= 0 when the exponent is not a whole number")
    if type(x) is ndarray:
        with np.errstate(over="ignore"):
            out = np.power(x, c)
        _check_fits(out, x)
        return out
    try:
        return math.pow(x, c)  # a float, and OverflowError, for np.float64 data too (not inf + a warning)
    except OverflowError:
        raise OpError(OverflowError, _FITS) from None


def _pow_c_local(out, x, c):  # c * x ** (c - 1), computed as written: y*out/x would underflow
    if type(x) is ndarray:
        if c == 0:
            return (np.zeros_like(x),)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return (c * np.power(x, c - 1),)
    if c == 0:
        return (0.0,)
    if x == 0 and c < 1:  # d sqrt(x)/dx at 0: infinite, as in PyTorch
        return (math.inf,)
    return (c * _power(x, c - 1),)


def _positive_base(x, needs):
    _require(x <= 0, ValueError, needs)


def _pow(x, y):  # x ** y, both Values
    _positive_base(x, "{x} > 0 when the exponent is a Value")
    if type(y) is not ndarray:
        return _pow_c(x, y)
    with np.errstate(over="ignore"):
        out = np.power(x, y)
    _check_fits(out, x, y)
    return out


def _pow_local(out, x, y):
    """(y * x ** (y - 1), x ** y * log(x)); as written, so d/dx neither underflows nor overflows
    on its way (y * out / x does); 0 where y == 0, as in PyTorch and HIPS autograd."""
    if type(x) is ndarray or type(y) is ndarray:
        with np.errstate(over="ignore"):
            return (y * np.power(x, np.where(y == 0, 1.0, y - 1.0)), out * np.log(x))
    return (0.0 if y == 0 else y * _power(x, y - 1.0), out * math.log(x))


def _rpow(x, c):  # c ** x, c a constant base
    if c <= 0:
        raise OpError(ValueError, "the base {c} > 0 when the exponent is a Value")
    if type(x) is ndarray:
        with np.errstate(over="ignore"):
            out = np.power(float(c), x)
        _check_fits(out, x)
        return out
    try:
        return math.pow(c, x)
    except OverflowError:
        raise OpError(OverflowError, _FITS) from None


def _rpow_local(out, x, c):  # may overflow to inf (c = 1e300): silently, for lanes as for numbers
    if type(out) is not ndarray:
        return (out * math.log(c),)
    with np.errstate(over="ignore"):
        return (out * math.log(c),)


def _log(x):
    _positive_base(x, "{x} > 0")
    return np.log(x) if type(x) is ndarray else math.log(x)


_EXP_FITS = "{x} <= 709.78 so that exp({x}) fits in a float"


def _exp(x):
    if type(x) is ndarray:
        with np.errstate(over="ignore"):
            out = np.exp(x)
        _require(np.isinf(out) & np.isfinite(x), OverflowError, _EXP_FITS)
        return out
    try:
        return math.exp(x)
    except OverflowError:  # math.exp raises where numpy gives inf: the same check, Python's way
        raise OpError(OverflowError, _EXP_FITS) from None


def _lane_or_number(lanes: Callable, number: Callable) -> Callable:
    """A forward function that calls numpy's form on lanes and math's on a number (faster there)."""

    def forward(x):
        return lanes(x) if type(x) is ndarray else number(x)

    return forward


_tanh = _lane_or_number(np.tanh, math.tanh)


def _sigmoid(x):
    # Two forms, each exp of a non-positive number: no overflow, exact limits.
    if type(x) is ndarray:
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _step(x):
    """1 where x > 0, else 0: the derivative of relu."""
    return (x > 0).astype(float) if type(x) is ndarray else (1.0 if x > 0 else 0.0)


def _relu(x):
    return np.maximum(x, 0.0) if type(x) is ndarray else (x if x > 0 else 0.0)


def _leaky_relu(x, c):
    return np.where(x > 0, x, c * x) if type(x) is ndarray else (x if x > 0 else c * x)


def _leaky_step(x, c):
    return np.where(x > 0, 1.0, c) if type(x) is ndarray else (1.0 if x > 0 else c)


_sin = _lane_or_number(np.sin, math.sin)
_cos = _lane_or_number(np.cos, math.cos)


def _sign(x):
    if type(x) is ndarray:
        return np.sign(x)
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)  # also for np.float64 (its bools cannot subtract)


def _sum(x):
    return float(x.sum())


def _mean(x):
    return float(
        x.sum() / len(x)
    )  # np.mean's own arithmetic (the pairwise sum, one division), without its wrapper


# --- the table ----------------------------------------------------------------

_ENTRIES = [
    # Two Value operands.
    Op("add", key="add", precedence=1, symbol="+", expr="{x} + {y}",
       forward=operator.add, local=lambda out, x, y: (1.0, 1.0),
       rules=["1", "1"]),
    Op("sub", key="sub", precedence=1, ordered=True, symbol="-", expr="{x} - {y}",
       forward=operator.sub, local=lambda out, x, y: (1.0, -1.0),
       rules=["1", "-1"]),
    Op("mul", key="mul", precedence=2, symbol="*", expr="{x} * {y}",
       forward=operator.mul, local=lambda out, x, y: (y, x),
       rules=["{y}", "{x}"]),
    Op("div", key="div", precedence=2, ordered=True, symbol="/", expr="{x} / {y}",
       forward=_div, local=lambda out, x, y: (1.0 / y, -out / y),
       rules=["1 / {y}", "-{x} / {y}^2"]),
    Op("pow", key="pow", precedence=4, ordered=True, symbol="**", expr="{x} ** {y}",
       forward=_pow, local=_pow_local,
       rules=["{y} * {x} ** ({y} - 1)", "{x} ** {y} * log({x})"]),
    # One Value operand and a constant `c` (`x * 3`, `2 - x`, `x ** 2`, ...).
    Op("add", key="add_c", precedence=1, symbol="+", expr="{x} + {c}", const=True,
       forward=lambda x, c: x + c, local=lambda out, x, c: (1.0,),
       rules=["1"]),
    Op("sub", key="sub_c", precedence=1, symbol="-", expr="{x} - {c}", const=True,
       forward=lambda x, c: x - c, local=lambda out, x, c: (1.0,),
       rules=["1"]),
    Op("sub", key="rsub_c", precedence=1, symbol="-", expr="{c} - {x}", const=True,
       forward=lambda x, c: c - x, local=lambda out, x, c: (-1.0,),
       rules=["-1"]),
    Op("mul", key="mul_c", precedence=2, symbol="*", expr="{x} * {c}", const=True,
       forward=lambda x, c: x * c, local=lambda out, x, c: (c,),
       rules=["{c}"]),
    Op("div", key="div_c", precedence=2, symbol="/", expr="{x} / {c}", const=True,
       forward=_div_c, local=lambda out, x, c: (1.0 / c,),
       rules=["1 / {c}"]),
    Op("div", key="rdiv_c", precedence=2, symbol="/", expr="{c} / {x}", const=True,
       forward=_rdiv, local=lambda out, x, c: (-out / x,),
       rules=["-{c} / {x}^2"]),
    Op("pow", key="pow_c", precedence=4, symbol="**", expr="{x} ** {c}", const=True,
       forward=_pow_c, local=_pow_c_local,
       rules=["{c} * {x} ** ({c} - 1)"]),
    Op("pow", key="rpow_c", precedence=4, symbol="**", expr="{c} ** {x}", const=True,
       forward=_rpow, local=_rpow_local,
       rules=["{c} ** {x} * log({c})"]),
    Op("leaky_relu", key="leaky_relu", symbol="leaky_relu", expr="leaky_relu({x}, {c})",
       const=True, forward=_leaky_relu, local=lambda out, x, c: (_leaky_step(x, c),),
       rules=["1 if {x} > 0 else {c}"]),
    # One Value operand.
    Op("neg", key="neg", precedence=3, symbol="-", expr="-{x}",
       forward=operator.neg, local=lambda out, x: (-1.0,),
       rules=["-1"]),
    Op("abs", key="abs", symbol="abs", expr="abs({x})",
       forward=abs, local=lambda out, x: (_sign(x),),
       rules=["sign({x})"]),
    Op("exp", key="exp", symbol="exp", expr="exp({x})",
       forward=_exp, local=lambda out, x: (out,),
       rules=["{out}"]),
    Op("log", key="log", symbol="log", expr="log({x})",
       forward=_log, local=lambda out, x: (1.0 / x,),
       rules=["1 / {x}"]),
    Op("tanh", key="tanh", symbol="tanh", expr="tanh({x})",
       forward=_tanh, local=lambda out, x: (1.0 - out * out,),
       rules=["1 - {out}^2"]),
    Op("sigmoid", key="sigmoid", symbol="σ", expr="sigmoid({x})",
       forward=_sigmoid, local=lambda out, x: (out * (1.0 - out),),
       rules=["{out} * (1 - {out})"]),
    Op("relu", key="relu", symbol="relu", expr="relu({x})",
       forward=_relu, local=lambda out, x: (_step(x),),
       rules=["1 if {x} > 0 else 0"]),
    Op("sin", key="sin", symbol="sin", expr="sin({x})",
       forward=_sin, local=lambda out, x: (_cos(x),),
       rules=["cos({x})"]),
    Op("cos", key="cos", symbol="cos", expr="cos({x})",
       forward=_cos, local=lambda out, x: (-_sin(x),),
       rules=["-sin({x})"]),
    # Lanes reduced to one number.
    Op("sum", key="sum", symbol="Σ", expr="sum({x})",
       forward=_sum, local=lambda out, x: (np.ones_like(x),),
       rules=["1"]),
    Op("mean", key="mean", symbol="mean", expr="mean({x})",
       forward=_mean, local=lambda out, x: (np.full_like(x, 1.0 / len(x)),),
       rules=["1 / lanes"]),
]  # fmt: skip


def _wsum_forward(ws, xs, b):
    """Σ w·x + b over the data of the operands."""
    total = b
    for w, x in zip(ws, xs):
        total = total + w * x
    return total


def _wsum_local(out, ws, xs, b):
    """d/dw_i = x_i, d/dx_i = w_i, d/db = 1, in parent order (w1, x1, w2, x2, ..., b)."""
    n = 2 * len(ws)
    grads = [1.0] * (n if b is None else n + 1)  # the bias's 1 stays last
    grads[0:n:2] = xs  # two slice copies in C, not two appends per term
    grads[1:n:2] = ws
    return tuple(grads)


#: The n-ary weighted sum of a neuron, `Σ w_i * x_i + b`, one node with all
#: weights and inputs as parents, in the order (w1, x1, w2, x2, ..., b).
WSUM = WeightedSum("wsum", key="wsum", symbol="Σw·x+b", expr="Σ {w}*{x} + {b}", precedence=1,
          forward=_wsum_forward, local=_wsum_local,
          rules=["{x}", "{w}", "1"], operands=("w_i", "x_i", "b"))  # fmt: skip

OPS: dict[str, Op] = {op.key: op for op in _ENTRIES}
OPS[WSUM.key] = WSUM

#: The functions an expression may call, by name (`tanh(x)`), for the CLI.
FUNCTIONS = ("exp", "log", "tanh", "sigmoid", "relu", "leaky_relu", "sin", "cos", "abs")
