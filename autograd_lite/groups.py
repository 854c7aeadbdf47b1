"""The tape's groups: nodes of one level and one op, whose numbers one numpy call computes.

A group reads its operands from the tape's buffers (a block of rows per operand: a view when the
rows are consecutive), calls the op table's forward and local-derivative rules on those blocks,
and adds what each parent gets into the gradient buffers. A layer of weighted sums that share
their inputs is one matrix product (`MatrixSum`). `tape.py` traces a graph into these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import counted
from .ops import OpError, fill

ndarray = np.ndarray


class GuardFailed(Exception):
    """A replay whose data makes a guard answer differently, or an op refuse its inputs."""


class Source:
    """A 1-D view into feed `k`: `feed.reshape(-1)[start::step][:count]`, as traced."""

    __slots__ = ("k", "start", "step", "count")

    def __init__(self, k: int, start: int, step: int, count: int):
        self.k, self.start, self.step, self.count = k, start, step, count

    def __repr__(self) -> str:
        return f"feed {self.k}[{self.start}::{self.step}][:{self.count}]"

    def read(self, feeds: Sequence[ndarray]) -> ndarray:
        flat = feeds[self.k].reshape(-1)
        return flat[self.start : self.start + self.step * (self.count - 1) + 1 : self.step]


class Made:
    """An array the code computed from feeds with `engine.derived_data`: made again from each batch."""

    __slots__ = ("fn", "sources")

    def __init__(self, fn, sources: tuple):
        self.fn, self.sources = fn, sources

    def __repr__(self) -> str:
        return f"{getattr(self.fn, '__name__', 'a function')}({', '.join(map(repr, self.sources))})"

    def read(self, feeds: Sequence[ndarray]):
        return self.fn(*[s.read(feeds) if isinstance(s, Source | Made) else s for s in self.sources])


def same(a, b) -> bool:
    """Whether a guard answered the same: numbers, bools, None, arrays, tuples of them."""
    if isinstance(a, ndarray) or isinstance(b, ndarray):
        return bool(np.shape(a) == np.shape(b) and np.array_equal(a, b))
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    try:
        return bool(a == b) or (a != a and b != b)  # nan answers nan
    except Exception:
        return False


# --- the buffers and the groups ---------------------------------------------------------------------

# Where a node's number lives: "L" a row of the lanes block, "S" a slot of the scalars, "P" a slot of
# the parameter buffer (which the optimizer steps in place).
LANES, SCALAR, PARAM = "L", "S", "P"


def index_of(rows: list[int]):
    """A slice when the rows are consecutive (numpy then makes a view, not a copy), else an array."""
    if rows and rows == list(range(rows[0], rows[0] + len(rows))):
        return slice(rows[0], rows[0] + len(rows))
    return np.array(rows, dtype=np.intp)


class Operand:
    """One operand position of a group: which buffer, which rows. `bind` fixes the buffers; a
    slice of consecutive rows is then a view made once, read and added to with one call each."""

    __slots__ = (
        "kind",
        "index",
        "unique",
        "rows",
        "column",
        "buf",
        "gbuf",
        "view",
        "gview",
        "needed",
        "one",
        "own",
    )

    def __init__(self, kind: str, rows: list[int], needed: bool = True):
        self.kind, self.rows = kind, rows
        self.needed = needed  # whether any of these parents leads to a parameter: else no gradient for it
        self.index = index_of(rows)
        self.unique = len(set(rows)) == len(rows)
        self.one = rows[0] if len(rows) > 1 and len(set(rows)) == 1 else None  # one parent shared by all
        self.own = False  # whether these nodes are the only readers of these parents (set when compiled)
        self.view = self.gview = None

    def bind(self, bufs: dict, grads: dict, lanes_out: bool) -> None:
        self.buf, self.gbuf = bufs[self.kind], grads[self.kind]
        self.column = lanes_out and self.kind != LANES  # one number per node, met by lanes: a column
        if isinstance(self.index, slice):
            view = self.buf[self.index]
            self.view = view[:, None] if self.column else view
            self.gview = self.gbuf[self.index]

    def read(self):
        if self.view is not None:
            return self.view
        x = self.buf[self.index]
        return x[:, None] if self.column else x

    def add(self, contribution) -> None:
        if self.gview is not None:
            self.gview += contribution
        elif self.unique:
            self.gbuf[self.index] += contribution
        elif self.one is not None:  # every node's parent is the same value: its contributions summed
            self.gbuf[self.one] += (
                contribution.sum(axis=0) if np.ndim(contribution) else contribution * len(self.rows)
            )
        else:
            np.add.at(self.gbuf, self.index, contribution)


def to_parent(local, g, parent_kind: str, lanes_out: bool):
    """local · g for each node of a group; summed over the lanes where the parent holds one number."""
    if lanes_out and parent_kind != LANES:
        return (local * g).sum(axis=1) if type(local) is ndarray else local * g.sum(axis=1)
    if type(local) is float and local == 1.0:
        return g
    return local * g


class Group:
    """Nodes of one level and one op whose numbers are computed by one call of the op's rules."""

    kind: str  # where the outputs live
    out: Any  # their rows
    data_free = False  # computed from the parameters alone (an l2 penalty), not from the data
    size: int
    calls: int  # numpy calls per step, roughly, for the description

    def bind(self, bufs: dict, grads: dict) -> None:
        self.out_view = bufs[self.kind][self.out]
        self.gout = grads[self.kind][self.out]

    def forward(self) -> None: ...

    def backward(self) -> None: ...

    def describe(self) -> str:
        return ""


class Elementwise(Group):
    """n nodes of one op (and constant), their operands gathered into n-row blocks."""

    def __init__(self, op, arg, kind: str, out_rows: list[int], operands: list[Operand]):
        self.op, self.arg, self.kind = op, arg, kind
        self.out = index_of(out_rows)
        self.size = len(out_rows)
        self.operands = operands
        self.lanes = kind == LANES
        self.saved: tuple = ()
        self.calls = 2 + 3 * len(operands)

    def bind(self, bufs: dict, grads: dict) -> None:
        super().bind(bufs, grads)
        for o in self.operands:
            o.bind(bufs, grads, self.lanes)

    def forward(self) -> None:
        xs = [o.read() for o in self.operands]
        op = self.op
        try:
            out = op.forward(*xs) if self.arg is None else op.forward(*xs, self.arg)
        except OpError:
            raise GuardFailed(f"{op} refused its inputs") from None
        self.out_view[...] = out
        self.saved = (self.out_view, xs)

    def backward(self) -> None:
        out, xs = self.saved
        g = self.gout
        op = self.op
        locals_ = op.local(out, *xs) if self.arg is None else op.local(out, *xs, self.arg)
        for o, local in zip(self.operands, locals_):
            if not o.needed:
                continue
            if o.own and o.gview is not None and o.kind == LANES and self.lanes:
                if type(local) is float and local == 1.0:
                    o.gview[...] = g
                else:
                    np.multiply(local, g, out=o.gview)  # the only reader of these rows: written, not added
            else:
                o.add(to_parent(local, g, o.kind, self.lanes))

    def describe(self) -> str:
        what = fill(self.op.expr, x="x", y="y", c=f"{self.arg:g}" if self.arg is not None else "c")
        article = "an" if str(self.size)[0] == "8" or str(self.size) in ("11", "18") else "a"
        block = f"{article} {self.size}×lanes block" if self.lanes else f"{counted(self.size, 'number')}"
        return f"{what}, ×{self.size} → one call on {block}"


class Reduce(Group):
    """sum / mean of lanes into one number, by the table's rules one node at a time (a graph has a few)."""

    def __init__(self, op, out_rows: list[int], operands: list[Operand]):
        self.op, self.kind = op, SCALAR
        self.out = index_of(out_rows)
        self.size = len(out_rows)
        self.operand = operands[0]
        self.saved: tuple = ()
        self.calls = 4 * self.size

    def bind(self, bufs: dict, grads: dict) -> None:
        super().bind(bufs, grads)
        self.operand.bind(bufs, grads, False)

    def forward(self) -> None:
        xs = self.operand.read()
        outs = [self.op.forward(x) for x in xs]
        self.out_view[...] = outs
        self.saved = (outs, xs)

    def backward(self) -> None:
        outs, xs = self.saved
        local = self.op.local
        if self.size == 1:
            self.operand.add(local(outs[0], xs[0])[0] * self.gout[0])
            return
        self.operand.add(np.stack([local(o, x)[0] * g for o, x, g in zip(outs, xs, self.gout)]))

    def describe(self) -> str:
        return f"{self.op}(x), ×{self.size} → lanes reduced to one number each"


class MatrixSum(Group):
    """A layer: n weighted sums over the same inputs, with parameters for weights (and biases):
    one product W @ x + b, W (n × inputs) a view of the parameter buffer when its slots are in order."""

    def __init__(
        self,
        out_rows: list[int],
        w_rows: list[list[int]],
        x_rows: list[int],
        b_rows,
        layer: int,
        x_needed: bool,
        own: tuple[bool, bool, bool] = (False, False, False),
    ):
        self.kind = LANES
        self.out = index_of(out_rows)
        self.size, self.fan_in = len(out_rows), len(x_rows)
        self.w = Operand(PARAM, [r for row in w_rows for r in row])
        self.x = Operand(LANES, x_rows, x_needed)
        self.b = None if b_rows is None else Operand(PARAM, b_rows)
        self.layer = layer
        self.own_w, self.own_x, self.own_b = own  # whether only this layer's sums use them: then their
        # gradients are written, not added (nothing else adds to them; each replay starts from zero)
        self.saved: tuple = ()
        self.calls = 7 if b_rows is not None else 5

    def bind(self, bufs: dict, grads: dict) -> None:
        super().bind(bufs, grads)
        for o in (self.w, self.x, self.b):
            if o is not None:
                o.bind(bufs, grads, False)
        self.shape = (self.size, self.fan_in)
        self.wview = None if self.w.view is None else self.w.view.reshape(self.shape)
        self.gwview = None if self.w.gview is None or not self.w.unique else self.w.gview.reshape(self.shape)
        self.bcol = None if self.b is None or self.b.view is None else self.b.view[:, None]

    def forward(self) -> None:
        W = self.wview if self.wview is not None else self.w.read().reshape(self.shape)
        X = self.x.read()
        out = self.out_view
        np.matmul(W, X, out=out)
        if self.b is not None:
            out += self.bcol if self.bcol is not None else self.b.read()[:, None]
        self.saved = (W, X)

    def backward(self) -> None:
        W, X = self.saved
        G = self.gout
        if self.gwview is not None and self.own_w:
            np.matmul(G, X.T, out=self.gwview)  # d/dw_i = x_i, summed over the lanes
        elif self.gwview is not None:
            self.gwview += G @ X.T
        else:
            self.w.add((G @ X.T).reshape(-1))
        if self.b is not None:
            if self.own_b and self.b.gview is not None:
                np.sum(G, axis=1, out=self.b.gview)  # d/db = 1
            else:
                self.b.add(G.sum(axis=1))
        if self.x.needed:  # not for the first layer: its inputs are data
            if self.own_x and self.x.gview is not None and self.size == 1:
                np.multiply(W.T, G, out=self.x.gview)  # d/dx_i = w_i: one neuron, an outer product
            elif self.own_x and self.x.gview is not None:
                np.matmul(W.T, G, out=self.x.gview)  # d/dx_i = w_i
            else:
                self.x.add(W.T @ G)

    def describe(self) -> str:
        n, k = self.size, self.fan_in
        return (
            f"layer {self.layer}: {counted(n, 'neuron')} × {counted(k, 'input')} → one {n}×{k} product "
            f"W @ x{' + b' if self.b is not None else ''}"
        )


class WeightedSum(Group):
    """Weighted sums that do not share their inputs (an l2 penalty Σ p·p, cross-entropy's one-hot
    pick): Σ_i w_i·x_i + b for all nodes at once, the operands gathered into (nodes × terms) blocks."""

    def __init__(self, kind: str, out_rows: list[int], w: Operand, x: Operand, b: Operand | None):
        self.kind = kind
        self.out = index_of(out_rows)
        self.size, self.terms = len(out_rows), len(w.rows) // len(out_rows)
        self.lanes = kind == LANES
        self.w, self.x, self.b = w, x, b  # all weights of all nodes, node by node (nodes × terms), and inputs
        self.saved: tuple = ()
        self.calls = 8

    def bind(self, bufs: dict, grads: dict) -> None:
        super().bind(bufs, grads)
        for o in (self.w, self.x, self.b):
            if o is not None:
                o.bind(bufs, grads, False)
        if self.b is not None:
            self.b.bind(bufs, grads, self.lanes)

    def _block(self, o: Operand) -> ndarray:
        v = o.read()
        if o.kind == LANES:
            return v.reshape(self.size, self.terms, -1)
        return v.reshape(self.size, self.terms, 1) if self.lanes else v.reshape(self.size, self.terms)

    def forward(self) -> None:
        W, X = self._block(self.w), self._block(self.x)
        out = (W * X).sum(axis=1)
        if self.b is not None:
            out = out + self.b.read()
        self.out_view[...] = out
        self.saved = (W, X)

    def backward(self) -> None:
        W, X = self.saved
        G = self.gout
        G3 = G[:, None, :] if self.lanes else G[:, None]
        for o, partner in ((self.w, X), (self.x, W)):  # d/dw_i = x_i, d/dx_i = w_i
            if not o.needed:
                continue
            c = partner * G3
            if self.lanes and o.kind != LANES:
                c = c.sum(axis=2)
            o.add(c.reshape(self.size * self.terms, -1) if o.kind == LANES else c.reshape(-1))
        if self.b is not None and self.b.needed:
            self.b.add(to_parent(1.0, G, self.b.kind, self.lanes))  # d/db = 1

    def describe(self) -> str:
        return f"weighted sum ×{self.size} of {counted(self.terms, 'term')} each → one block product"


class Constants(Group):
    """Derived constants (see `engine.derived`) and guards, recomputed from the new data."""

    def __init__(self, derived: list, guards: list, feeds: list):
        self.kind, self.size = LANES, len(derived)
        self.derived, self.guards = derived, guards  # [(kind, row, fn, sources)], [(fn, sources, result)]
        self.feeds = feeds  # a one-item list the tape fills with the replay's feeds
        self.calls = 2 * (len(derived) + len(guards))

    def bind(self, bufs: dict, grads: dict) -> None:
        self.bufs = bufs

    def _data(self, sources):
        out = []
        for s in sources:
            if isinstance(s, Source | Made):
                out.append(s.read(self.feeds[0]))
            elif isinstance(s, tuple):  # (kind, row) of a node of the graph
                out.append(self.bufs[s[0]][s[1]])
            else:
                out.append(s)
        return out

    def forward(self) -> None:
        for fn, sources, result in self.guards:
            try:
                answer = fn(*self._data(sources))
            except Exception as e:
                raise GuardFailed(f"a check on the data failed: {e}") from None
            if not same(answer, result):
                raise GuardFailed("a choice made on the data went the other way")
        bufs = self.bufs
        for kind, row, fn, sources in self.derived:
            value = fn(*self._data(sources))
            if kind == LANES and np.shape(value) != bufs[LANES][row].shape:
                raise GuardFailed("a derived constant changed shape")
            bufs[kind][row] = value

    def backward(self) -> None:
        pass  # constants pass no gradient on

    def describe(self) -> str:
        def names(fns) -> str:
            return ", ".join(
                sorted({getattr(fn, "__name__", "?").strip("_").replace("_", " ") for fn in fns})
            )

        parts = []
        if self.derived:
            made = names(fn for _, _, fn, _ in self.derived)
            parts.append(f"{counted(len(self.derived), 'constant')} recomputed from the data ({made})")
        if self.guards:
            checks = names(g[0] for g in self.guards)
            parts.append(f"{counted(len(self.guards), 'check')} on the data made again ({checks})")
        return ", ".join(parts)
