"""`Value`: a number (or a lane of numbers) that remembers how it was made.

Every operator reads the op table in `ops.py`: the forward function gives the
output, the local rule gives one local derivative per parent, and both are
kept on the node. `backward()` then needs one line per edge,
`parent.grad += local * node.grad`, written once, in `chain_rule`.
"""

from __future__ import annotations

import gc
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from . import errors
from .errors import fmt
from .modes import state
from .ops import OPS, WSUM, Op, OpError

ndarray = np.ndarray
_new = object.__new__


class _NoGrad(float):
    """The type of `NO_GRAD`: a 0.0 that means "no backward() has reached this value"."""

    __slots__ = ()

    def __reduce__(self):  # pickle and copy.deepcopy give back the one NO_GRAD, not a lookalike
        return "NO_GRAD"


#: The grad of a value that no backward() has reached since it was made or zeroed (PyTorch's
#: `grad is None`). It is a float 0.0, so `p.grad + x` and `p.grad * lr` work and give plain
#: floats; only `has_grad(p)` (an identity check) tells "no gradient" from "a gradient of zero".
NO_GRAD = _NoGrad(0.0)


class _NoGraph(tuple):
    """The type of `NO_GRAPH`: an empty tuple, told apart from a leaf's () by identity."""

    __slots__ = ()


#: The local_grads of a value computed inside no_grad(): it has no parents, like a leaf,
#: but backward() from it is an error (a user's leaf has local_grads == (), a different object).
NO_GRAPH = _NoGraph()


class _Many:
    """The type of `_MANY`: marks a node with more than two parents (wsum), kept as tuples."""

    __slots__ = ()

    def __reduce__(self):  # pickle and copy.deepcopy give back the one _MANY
        return "_MANY"

    def __repr__(self) -> str:
        return "_MANY"


#: In `_b`, where a node keeps its second parent: "the parents are the tuple in `_a`" (see Value).
_MANY = _Many()


def has_grad(v: Value) -> bool:
    """Whether a backward() has reached v since it was made or zero_grad() (PyTorch: v.grad is not None)."""
    return v.grad is not NO_GRAD


def _as_data(x, what: str = "Value()"):
    """Check and convert what a user passed as data: a float or 1-D float64 lanes."""
    t = type(x)
    if t is float:
        return x
    if t is int:
        try:
            return float(x)
        except OverflowError:
            raise errors.bad_data(x, what) from None
    if isinstance(x, bool | np.bool_ | Value):
        raise errors.bad_data(x, what)
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "fiu" or x.ndim > 1 or x.size == 0:
            raise errors.bad_data(x, what)
        if x.ndim == 0:
            return float(x)
        return np.array(x, dtype=np.float64)  # a copy: later changes to x do not leak in
    if isinstance(x, numbers.Real):  # numpy scalars, Fraction, Decimal-like
        return float(x)
    raise errors.bad_data(x, what)


class Value:
    """A scalar, or a lane of scalars (one per example), in a computation graph.

    `data` is the number, `grad` the derivative of the last `backward()` root
    with respect to it, `op` the operation that made it (None for a leaf),
    `parents` its operands in order, `local_grads` d(self)/d(parent) for each,
    and `arg` the constant operand of ops like `x * 3` or `x ** 2`.

    How a node keeps its parents (`parents` and `local_grads` read them as tuples): one or two
    parents sit in the slots `_a`, `_b` and their local derivatives in `_la`, `_lb`, so a node
    is one object for the garbage collector to scan, not three (a Value, a tuple of parents, a
    tuple of local grads); building a lecture-sized graph spent more time in the collector than
    in the ops. A leaf has `_a = None` and keeps its local_grads, `()` or NO_GRAPH, in `_la`; a
    one-parent node has `_b = None`; a node with more parents (wsum) has `_b = _MANY` and the
    two tuples in `_a` and `_la`.

    No gradient is not a zero gradient (the PyTorch rule): a value starts with
    `grad = NO_GRAD`, a 0.0 that `has_grad(v)` reports as False, and so does
    every value after `zero_grad()`. A `backward()` that reaches it stores a
    real number, even 0.0, and then `has_grad(v)` is True; an optimizer's
    `step()` leaves parameters without a gradient alone.
    """

    __slots__ = ("data", "grad", "label", "op", "arg", "_a", "_b", "_la", "_lb")
    # data and grad are a float or lanes (an ndarray); typed Any, as every reader checks which
    data: Any
    grad: Any
    label: str | None
    op: Op | None
    arg: float | None
    _a: Any  # the first parent, None for a leaf, or the parents tuple when _b is _MANY
    _b: Any  # the second parent, None for fewer than two, or _MANY
    _la: Any  # d(self)/d(_a); a leaf's local_grads (() or NO_GRAPH); or the tuple when _b is _MANY
    _lb: Any  # d(self)/d(_b), or None
    __array_ufunc__ = None  # `ndarray - value` calls Value.__rsub__, not numpy

    def __init__(self, data, label: str | None = None):
        if label is not None and not isinstance(label, str):
            raise TypeError(f"label must be a string or None, got {type(label).__name__}")
        if label is not None and not label.strip():
            raise ValueError("label must have at least one visible character (or be None)")
        self.data = _as_data(data)
        self.grad = NO_GRAD
        self.label = label
        self.op = None
        self.arg = None
        self._a = self._b = self._lb = None
        self._la = ()
        if state.tracing is not None:  # the tape asks where the data came from: a feed, or what
            state.tracing.leaf(self, data)

    # --- reading ---------------------------------------------------------------

    def __repr__(self) -> str:
        parts = [f"data={fmt(self.data)}", f"grad={fmt(self.grad)}"]
        if self.label is not None:
            parts.append(f"label={self.label!r}")
        if self.op is not None:
            parts.append(f"op={str(self.op)!r}")
        return f"Value({', '.join(parts)})"

    def __float__(self):
        # math.tanh(v), float(v) and friends would take the number out of the graph, silently
        # cutting its gradient: refuse, and say what to write instead.
        raise TypeError(
            f"a Value is not a plain float: math.*(v) or float(v) would drop {self.name} out of the graph. "
            "Use the Value's own methods (v.tanh(), v.exp(), v.log(), ...) to stay in the graph, "
            "or v.data for the number itself"
        )

    # --- PyTorch habits: item(), detach() and comparisons ---------------------------

    def item(self) -> float:
        """The number as a plain float, out of the graph (PyTorch's `tensor.item()`).

        Lanes are refused unless there is exactly one: use `v.data` for the array.
        """
        d = self.data
        if type(d) is ndarray:
            if len(d) != 1:
                raise ValueError(
                    f"item() needs a single number, but {self.name} holds {len(d)} lanes (one per "
                    "example): use v.data for the array, or reduce first, e.g. v.mean().item()"
                )
            return float(d[0])
        return float(d)

    def detach(self) -> Value:
        """A new leaf with the same data (a copy, for lanes) and label, cut from the graph
        (PyTorch's `tensor.detach()`): gradients stop there."""
        d = self.data
        v = _node(d.copy() if type(d) is ndarray else float(d), (), (), None)
        v.label = self.label
        return v

    # Comparisons read `data`, as PyTorch's `<` reads values: `max(a, b)` and `sorted(vs)` work,
    # and lanes give a numpy bool array. There is no `==`: a Value is equal only to itself and
    # hashes by identity (graph walks and optimizer state key on it); compare `a.data == b.data`.

    def __lt__(self, other):
        """`self < other` on data (PyTorch's `<`, `torch.lt`): a bool, or a bool array for lanes."""
        o = _compared(other)
        return NotImplemented if o is NotImplemented else self.data < o

    def __le__(self, other):
        """`self <= other` on data (PyTorch's `<=`, `torch.le`): a bool, or a bool array for lanes."""
        o = _compared(other)
        return NotImplemented if o is NotImplemented else self.data <= o

    def __gt__(self, other):
        """`self > other` on data (PyTorch's `>`, `torch.gt`): a bool, or a bool array for lanes."""
        o = _compared(other)
        return NotImplemented if o is NotImplemented else self.data > o

    def __ge__(self, other):
        """`self >= other` on data (PyTorch's `>=`, `torch.ge`): a bool, or a bool array for lanes."""
        o = _compared(other)
        return NotImplemented if o is NotImplemented else self.data >= o

    # --- the graph: parents and local grads, read (and written) as tuples -----------------

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands this value was made from, in order (`a*a` has two): () for a leaf."""
        a = self._a
        if a is None:
            return ()
        b = self._b
        if b is None:
            return (a,)
        return a if b is _MANY else (a, b)

    @parents.setter
    def parents(self, parents) -> None:
        _link(self, tuple(parents), self.local_grads)

    @property
    def local_grads(self) -> tuple:
        """d(self)/d(parent) for each parent, computed in the forward pass: () for a leaf, and
        NO_GRAPH for a value computed inside no_grad()."""
        if self._a is None:
            return self._la
        b = self._b
        if b is None:
            return (self._la,)
        return self._la if b is _MANY else (self._la, self._lb)

    @local_grads.setter
    def local_grads(self, local_grads) -> None:
        _link(self, self.parents, local_grads if type(local_grads) is _NoGraph else tuple(local_grads))

    @property
    def is_lanes(self) -> bool:
        """True when data holds one number per example."""
        return type(self.data) is ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        """np.shape of the data, as torch's `tensor.shape`: () for a number, (n,) for n lanes."""
        return (len(self.data),) if type(self.data) is ndarray else ()

    def numel(self) -> int:
        """How many numbers the data holds, as torch's `tensor.numel()`: 1, or the number of lanes."""
        return len(self.data) if type(self.data) is ndarray else 1

    @property
    def requires_grad(self) -> bool:
        """Whether backward() passes gradients through this value, as torch's `requires_grad`.

        True for every leaf you make (a Parameter, `Value(2.0)`: micrograd's rule) and every value
        computed with grad enabled; False for a value computed inside `no_grad()` and for the
        constants the operators make from arrays. Read-only: it follows from how the value was
        made (setting it to what it already is does nothing; anything else raises).
        """
        return self._la is not NO_GRAPH  # only a leaf keeps its local_grads in _la as they are

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if bool(flag) != (self._la is not NO_GRAPH):
            raise AttributeError(
                f"requires_grad of {self.name} is read-only here: it is "
                f"{self.local_grads is not NO_GRAPH} because of how the value was made. To freeze a "
                "parameter, leave it out of the optimizer's list (its grad is then never used); for a "
                "value without a graph, compute it inside `with no_grad():`"
            )

    @property
    def name(self) -> str:
        """The label, or a short description for unlabelled values."""
        if self.label is not None:
            return self.label
        return f"({fmt(self.data)})" if self.op is None else f"{self.op}(...)"

    # --- micrograd's names, read-only, so lecture code runs unchanged ----------------

    @property
    def _prev(self) -> set[Value]:
        """The parents as a set, as micrograd keeps them (`a*a` has one); `parents` keeps the order."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """The op as micrograd writes it: '' for a leaf, '+', '*', '**2', 'ReLU', 'tanh', 'exp', ..."""
        op = self.op
        if op is None:
            return ""
        if op.key == "pow_c":  # micrograd writes the exponent in: '**2', '**-1', '**0.5'
            c = float(self.arg if self.arg is not None else math.nan)  # pow_c always keeps c
            return f"**{int(c) if c.is_integer() and abs(c) < 1e16 else c!r}"
        return "ReLU" if op == "relu" else op.symbol

    # --- arithmetic: each operator picks its table entry ---------------------

    def __add__(self, other):
        if type(other) is Value:
            return _binary(ADD, self, other)
        o = _operand(other, "+")
        return _unary(ADD_C, self, o) if type(o) is float else _binary(ADD, self, o)

    def __radd__(self, other):  # other + self
        o = _operand(other, "+")
        return _unary(ADD_C, self, o) if type(o) is float else _binary(ADD, o, self)

    def __sub__(self, other):
        if type(other) is Value:
            return _binary(SUB, self, other)
        o = _operand(other, "-")
        return _unary(SUB_C, self, o) if type(o) is float else _binary(SUB, self, o)

    def __rsub__(self, other):  # other - self
        o = _operand(other, "-")
        return _unary(RSUB_C, self, o) if type(o) is float else _binary(SUB, o, self)

    def __mul__(self, other):
        if type(other) is Value:
            return _binary(MUL, self, other)
        o = _operand(other, "*")
        return _unary(MUL_C, self, o) if type(o) is float else _binary(MUL, self, o)

    def __rmul__(self, other):  # other * self
        o = _operand(other, "*")
        return _unary(MUL_C, self, o) if type(o) is float else _binary(MUL, o, self)

    def __truediv__(self, other):
        if type(other) is Value:
            return _binary(DIV, self, other)
        o = _operand(other, "/")
        return _unary(DIV_C, self, o) if type(o) is float else _binary(DIV, self, o)

    def __rtruediv__(self, other):  # other / self
        o = _operand(other, "/")
        return _unary(RDIV_C, self, o) if type(o) is float else _binary(DIV, o, self)

    def __pow__(self, other):
        if type(other) is Value:
            return _binary(POW, self, other)
        o = _operand(other, "**")
        return _unary(POW_C, self, o) if type(o) is float else _binary(POW, self, o)

    def __rpow__(self, other):  # other ** self
        o = _operand(other, "**")
        return _unary(RPOW_C, self, o) if type(o) is float else _binary(POW, o, self)

    def __neg__(self):
        return _unary(OPS["neg"], self)

    def __abs__(self):
        return _unary(OPS["abs"], self)

    def exp(self):
        return _unary(OPS["exp"], self)

    def log(self):
        return _unary(OPS["log"], self)

    def tanh(self):
        return _unary(OPS["tanh"], self)

    def sigmoid(self):
        return _unary(OPS["sigmoid"], self)

    def relu(self):
        return _unary(OPS["relu"], self)

    def leaky_relu(self, slope: float = 0.01):
        s = _operand(slope, "leaky_relu slope")
        if type(s) is not float:
            raise TypeError("leaky_relu(slope=...) takes one number, not lanes or a Value")
        return _unary(OPS["leaky_relu"], self, s)

    def sin(self):
        return _unary(OPS["sin"], self)

    def cos(self):
        return _unary(OPS["cos"], self)

    def sum(self):
        """Add up the lanes into one number (a scalar Value is returned as it is)."""
        return _unary(OPS["sum"], self) if type(self.data) is ndarray else self

    def mean(self):
        """Average the lanes into one number (a scalar Value is returned as it is)."""
        return _unary(OPS["mean"], self) if type(self.data) is ndarray else self

    # --- backward ----------------------------------------------------------------

    def backward(self) -> None:
        """Fill `grad` of every node with d(self)/d(node).

        Leaf grads accumulate across calls, as in PyTorch (call `zero_grad`
        between steps); interior grads are recomputed on every call. A value
        computed inside `no_grad()` has no graph: backward() from it raises.
        """
        paused = gc.isenabled()
        gc.disable()  # the sort and the backward pass make no reference cycles; collecting only costs time
        try:
            order = begin_backward(self)
            chain_rule(reversed(order), _check_finite if state.anomaly else None)
        finally:
            if paused:
                gc.enable()

    def zero_grad(self) -> None:
        """Forget the grad of every node in this Value's graph: each becomes NO_GRAD."""
        for node in topological_order(self):
            node.grad = NO_GRAD

    def backward_steps(self):
        """An iterator that runs the backward pass one node at a time (see `stepper`).

        The stepper is a reader, a layer above: it registers itself here when it is
        imported (`import autograd_lite` does that), so the engine never imports it.
        """
        if _stepper is None:
            raise RuntimeError(
                "backward_steps() needs the stepper, which is not loaded: import autograd_lite "
                "(or autograd_lite.stepper) first"
            )
        return _stepper(self)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """How Jupyter shows a Value: its graph as SVG when it is small enough to read, else this
        text. The pictures are a layer above: they register the display (`register_display`)."""
        if _display is None:
            return {"text/plain": repr(self)}
        return _display(self, include, exclude)


#: The function behind `Value.backward_steps()`, filled in by `register_stepper` (the stepper
#: module calls it when imported): a hook, so the dependency goes one way, readers to core.
_stepper: Callable[[Value], Any] | None = None


def register_stepper(start: Callable[[Value], Any]) -> None:
    """Make `Value.backward_steps()` hand off to `start(root)` (the stepper's `backward_steps`)."""
    global _stepper
    _stepper = start


#: The function behind `Value._repr_mimebundle_` (Jupyter's display), filled in by
#: `register_display` when autograd_lite.display is imported: `(value, include, exclude) -> bundle`.
_display: Callable[[Value, Any, Any], dict] | None = None


def register_display(show: Callable[[Value, Any, Any], dict]) -> None:
    """Make a Value show itself in Jupyter through `show(value, include, exclude)`, a MIME bundle."""
    global _display
    _display = show


class Parameter(Value):
    """A leaf that training updates (a weight or a bias).

    It behaves exactly like a Value; pictures colour it as a parameter, and
    `nn` makes every weight one.
    """

    __slots__ = ()


def begin_backward(root: Value) -> list[Value]:
    """Start a backward pass: check the root, reset interior grads, seed d root/d root = 1.

    Returns the topological order. Leaf grads are kept, so they accumulate.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward needs a Value as its root, got {type(root).__name__}")
    if root._la is NO_GRAPH:
        raise errors.root_without_graph(root)
    if type(root.data) is ndarray:
        raise errors.root_of_lanes(root)
    order = topological_order(root)
    reaches_leaf = False
    for node in order:
        if node._a is not None:
            node.grad = 0.0
        elif node._la is not NO_GRAPH:
            reaches_leaf = True
    if not reaches_leaf:
        raise _graph_without_leaf(root)
    if root._a is not None:
        root.grad = 1.0
    else:
        root.grad += 1.0
    return order


def _graph_without_leaf(root: Value) -> RuntimeError:
    """torch's "element 0 of tensors does not require grad", said for a loss made from no_grad() values."""
    return RuntimeError(
        f"backward() from {root.name}: nothing in its graph requires grad - it was built only from "
        "values computed inside no_grad() (and data), so every gradient would stay unset. Compute "
        "the model's output outside the `with no_grad():` block (torch: 'element 0 of tensors does "
        "not require grad')"
    )


def chain_rule(nodes: Iterable[Value], watch: Callable | None = None) -> None:
    """Pass each node's grad to its parents, in the order given: the one copy of the chain rule.

    `backward()` runs it over the whole graph, the stepper over one node at a
    time (`propagate`). `watch(node, parent, local, g, c)`, if given, sees each
    contribution c before it is added (detect_anomaly checks it, the stepper
    records it). One loop over all the nodes, not a call per node: a call per
    node made backward() 10-15% slower on benchmarks.engine's moons and wsum
    steps and deep chain; this form is within 0-4% of a loop written out in
    backward() itself (5-6% on a lane graph's sub-millisecond backward).

    A node of one number with one or two parents and nobody watching, nearly
    every node of a scalar graph, takes the short way: the same line, read
    from the slots (see `Value`), without making the tuples that `parents`
    and `local_grads` return.
    """
    for node in nodes:
        a = node._a
        if a is None:  # a leaf
            continue
        g = node.grad
        b = node._b
        lanes = type(node.data) is ndarray  # "is ndarray", never "is float": data may be an np.float64
        if b is _MANY:
            parents, local_grads = a, node._la
        elif watch is None and not lanes:
            a.grad += node._la * g  # parent.grad += local * node.grad
            if b is not None:
                b.grad += node._lb * g
            continue
        else:
            parents, local_grads = ((a,), (node._la,)) if b is None else ((a, b), (node._la, node._lb))
        for p, local in zip(parents, local_grads):
            # lanes flowing into a scalar parent (a weight) are summed over the examples
            c = sum_lanes(local, g) if lanes and type(p.data) is not ndarray else local * g
            if watch is not None:
                watch(node, p, local, g, c)
            p.grad += c  # parent.grad += local * node.grad


def _check_finite(node: Value, parent: Value, local, g, c) -> None:
    """detect_anomaly in backward: stop at the first contribution that is not finite."""
    if not _finite(c):
        raise errors.backward_anomaly(node, parent, local, g, c)


def propagate(node: Value, check: bool = False) -> list:
    """The chain rule at one node (`chain_rule`); returns what each parent got, in order."""
    contributions: list = []

    def record(node: Value, parent: Value, local, g, c) -> None:
        if check:
            _check_finite(node, parent, local, g, c)
        contributions.append(c)

    chain_rule((node,), record)
    return contributions


def sum_lanes(local, g) -> float:
    """Σ over lanes of local * g: what a lane node passes to a scalar parent (a weight)."""
    if type(g) is ndarray:
        return float(local @ g) if type(local) is ndarray else local * float(g.sum())
    c = local * g
    return float(c.sum()) if type(c) is ndarray else c


def topological_order(root: Value) -> list[Value]:
    """Every node of root's graph once, leaves first, each after all its parents.

    Iterative (an explicit stack), so a chain of a million nodes is fine. Depth first, the
    first operand first; a leaf is finished as soon as it is found (no trip through the stack).
    The stack holds Values to explore and, under `_DONE`, each explored node waiting for its
    parents to finish: no tuple per entry. The parents are read from the slots (see `Value`).
    """
    order: list[Value] = []
    finish = order.append
    seen: set[Value] = set()
    see = seen.add
    stack: list = [root]
    push = stack.append
    pop = stack.pop
    while stack:
        node = pop()
        if node is _DONE:
            finish(pop())
            continue
        if node in seen:
            continue
        see(node)
        a = node._a
        if a is None:  # the root is a leaf
            finish(node)
            continue
        push(node)
        push(_DONE)
        b = node._b
        if b is None:
            if a not in seen:
                if a._a is None:
                    see(a)
                    finish(a)
                else:
                    push(a)
        elif b is not _MANY:
            if a._a is None and a not in seen:
                see(a)
                finish(a)
            if b._a is None and b not in seen:
                see(b)
                finish(b)
            if b._a is not None and b not in seen:  # pushed first, so the first operand is explored first
                push(b)
            if a._a is not None and a not in seen:
                push(a)
        else:
            for p in a:
                if p._a is None and p not in seen:
                    see(p)
                    finish(p)
            for p in reversed(a):
                if p._a is not None and p not in seen:
                    push(p)
    return order


#: On topological_order's stack, above a node whose parents are being explored.
_DONE = object()


def zero_grad(root: Value) -> None:
    """Forget the grad of every node in root's graph: each becomes NO_GRAD (see `has_grad`)."""
    root.zero_grad()


# --- building nodes from the table -----------------------------------------------

ADD, SUB, MUL, DIV, POW = OPS["add"], OPS["sub"], OPS["mul"], OPS["div"], OPS["pow"]
ADD_C, SUB_C, RSUB_C, MUL_C = OPS["add_c"], OPS["sub_c"], OPS["rsub_c"], OPS["mul_c"]
DIV_C, RDIV_C, POW_C, RPOW_C = OPS["div_c"], OPS["rdiv_c"], OPS["pow_c"], OPS["rpow_c"]


def _node(data, parents: tuple, local_grads: tuple, op: Op | None, arg=None) -> Value:
    """A new Value without the checks of Value() (the data came from an op)."""
    v = _new(Value)
    v.data = data
    v.grad = NO_GRAD
    v.label = None
    v.op = op
    v.arg = arg
    _link(v, parents, local_grads)
    return v


def _link(v: Value, parents: tuple, local_grads: tuple) -> None:
    """Keep parents and local grads in v's slots, in the form that fits them (see Value)."""
    n = len(parents)
    if n == 0:
        v._a = v._b = v._lb = None
        v._la = local_grads  # () or NO_GRAPH, kept as it is
    elif n == 1 and len(local_grads) == 1:
        v._a, v._b, v._la, v._lb = parents[0], None, local_grads[0], None
    elif n == 2 and len(local_grads) == 2:
        v._a, v._b = parents
        v._la, v._lb = local_grads
    else:
        v._a, v._b, v._la, v._lb = parents, _MANY, local_grads, None


def _no_graph(data) -> Value:
    """A result computed inside no_grad(): a leaf whose local_grads are NO_GRAPH."""
    v = _new(Value)
    v.data = data
    v.grad = NO_GRAD
    v.label = v.op = v.arg = v._a = v._b = v._lb = None
    v._la = NO_GRAPH
    return v


def constant(data) -> Value:
    """A Value that is data, not a variable: the operators make one from an array operand.

    It has no graph (`requires_grad` is False, as for a value computed inside no_grad()), so
    backward() gives it no grad, and a backward() whose graph reaches only constants and
    no_grad() values raises, as torch does, rather than leave every gradient unset.
    """
    node = _node(_as_data(data), (), NO_GRAPH, None)
    if state.tracing is not None:
        state.tracing.leaf(node, data)
    return node


def derived(fn: Callable, *sources) -> Value:
    """A constant computed from data: `fn(*datas)`, each source a Value (its data is read) or an
    array (such as the targets). No gradient flows through it, as for any constant.

    Use it for the constants a loss reads from the data (log-softmax's max shift, a one-hot mask
    of the labels, a sign split): under `trace()` the tape records `fn` and its sources and
    recomputes the constant on every replay instead of baking in the traced batch's.
    """
    datas = [s.data if isinstance(s, Value) else s for s in sources]
    tracer, state.tracing = state.tracing, None  # the constant's own making is not a leaf to place
    try:
        node = constant(fn(*datas))
    finally:
        state.tracing = tracer
    if tracer is not None:
        tracer.derived(node, fn, sources)
    return node


def derived_data(fn: Callable, *sources):
    """`fn(*datas)` of the sources (Values or arrays), left as data: an array computed from data
    (a conversion of the targets to float64, say) that the code goes on to use as an operand.

    The engine just returns it. Under `trace()` the tape remembers how it was made, so a constant
    made from it later is recomputed from each new batch, as `derived()`'s are.
    """
    result = fn(*[s.data if isinstance(s, Value) else s for s in sources])
    if state.tracing is not None:
        state.tracing.derived_data(result, fn, sources)
    return result


def guard(fn: Callable, *sources):
    """`fn(*datas)` of the sources (Values or arrays), for a choice or a check made on data.

    The engine just returns it. Under `trace()` the tape records it and, on every replay,
    computes it again from the new data: a different answer (or an error: a check that fails)
    means the traced graph does not hold for this batch, and that step runs on the engine, which
    takes the other branch or raises the check's own error.
    """
    result = fn(*[s.data if isinstance(s, Value) else s for s in sources])
    if state.tracing is not None:
        state.tracing.guard(fn, sources, result)
    return result


def _operand(other, symbol: str):
    """A Value stays a Value; a number becomes a float constant; an array becomes a lane leaf.

    The operators then dispatch on `type(o) is float`: a constant, kept on the node.
    """
    t = type(other)
    if t is Value or t is float or t is Parameter:
        return other
    if t is int:  # `sum(values)` starts at 0, `1 + v`: no error message made unless it is needed
        try:
            return float(other)
        except OverflowError:
            return _as_data(other, f"Value {symbol}")
    if isinstance(other, np.ndarray) and other.ndim == 1:
        return constant(other)
    if isinstance(other, Value):
        return other
    return _as_data(other, f"Value {symbol}")


def _compared(other):
    """What a comparison reads from its other operand: a Value's data, a number or an array."""
    if isinstance(other, Value):
        return other.data
    if isinstance(other, bool | np.bool_) or not isinstance(other, numbers.Real | np.ndarray):
        return NotImplemented  # Python then says "'<' not supported between 'Value' and 'str'"
    return other


def _binary(op: Op, a: Value, b: Value) -> Value:
    x, y = a.data, b.data
    try:
        out = op.forward(x, y)
    except OpError as e:
        raise errors.domain_error(op, (a, b), None, e) from None
    except ValueError:
        errors.check_lanes((a, b), op)
        raise
    if type(x) is ndarray and type(y) is ndarray and len(x) != len(y):
        errors.check_lanes((a, b), op)  # numpy would stretch a 1-lane operand: refuse, as for any mismatch
    if not state.grad_enabled:
        return _no_graph(out)
    node = _new(Value)  # _node() inlined: this is the hottest path
    node.data = out
    node.grad = NO_GRAD
    node.label = node.arg = None
    node.op = op
    node._a = a
    node._b = b
    node._la, node._lb = op.local(out, x, y)
    if state.anomaly and not _finite(out):
        raise errors.forward_anomaly(node)
    return node


def _unary(op: Op, a: Value, c=None) -> Value:
    x = a.data
    try:
        out = op.forward(x) if c is None else op.forward(x, c)
    except OpError as e:
        raise errors.domain_error(op, (a,), c, e) from None
    if not state.grad_enabled:
        return _no_graph(out)
    node = _new(Value)  # _node() inlined, as in _binary
    node.data = out
    node.grad = NO_GRAD
    node.label = node._b = node._lb = None
    node.op = op
    node.arg = c
    node._a = a
    (node._la,) = op.local(out, x) if c is None else op.local(out, x, c)
    if state.anomaly and not _finite(out):
        raise errors.forward_anomaly(node)
    return node


def wsum(ws, xs, b=None) -> Value:
    """A neuron's weighted sum `Σ w_i * x_i + b` as one node.

    Its parents are (w1, x1, w2, x2, ..., b): one node instead of 2n, which
    keeps pictures of whole networks readable and the batch path fast.
    Numbers among the operands become leaf Values.
    """
    ws = [w if isinstance(w, Value) else constant(w) for w in ws]
    xs = [x if isinstance(x, Value) else constant(x) for x in xs]
    if len(ws) != len(xs):
        raise ValueError(f"wsum needs one weight per input, got {len(ws)} weights and {len(xs)} inputs")
    if not ws:
        raise ValueError("wsum needs at least one weight and input")
    if b is not None and not isinstance(b, Value):
        b = constant(b)
    wd = [w.data for w in ws]
    xd = [x.data for x in xs]
    bd = 0.0 if b is None else b.data
    operands: list = [None] * (2 * len(ws))  # w1, x1, w2, x2, ...: two slice copies, in C
    operands[0::2] = ws
    operands[1::2] = xs
    if b is not None:
        operands.append(b)
    try:
        out = WSUM.forward(wd, xd, bd)
    except ValueError:
        errors.check_lanes(operands, WSUM)
        raise
    if type(out) is ndarray:  # numpy stretches a 1-lane operand: refuse, as for any mismatch
        n = len(out)
        if not (_all_lanes(wd, n) and _all_lanes(xd, n) and (type(bd) is not ndarray or len(bd) == n)):
            errors.check_lanes(operands, WSUM)
    if not state.grad_enabled:
        return _no_graph(out)
    node = _node(out, tuple(operands), WSUM.local(out, wd, xd, None if b is None else bd), WSUM)
    if state.anomaly and not _finite(out):
        raise errors.forward_anomaly(node)
    return node


def _all_lanes(datas: list, n: int) -> bool:
    """Whether every array among `datas` has n lanes: a few C calls when the list is all numbers
    or all lanes, as a neuron's weights and inputs are (errors.check_lanes says what is wrong)."""
    types = set(map(type, datas))
    if ndarray not in types:
        return True
    if len(types) == 1:
        return set(map(len, datas)) == {n}
    return all(len(d) == n for d in datas if type(d) is ndarray)


def _finite(x) -> bool:
    if type(x) is ndarray:
        return bool(np.isfinite(x).all())
    return math.isfinite(x)
