"""The tape: a loss traced once as a graph of Values, then replayed on new data as a few numpy
calls per group of nodes.

`trace(fn, params, feeds)` calls `fn(*feeds)` once, on the engine, and compiles the graph it
builds. Nodes are grouped by level (the longest path from a leaf) and op: the 16 relus of a
layer become one numpy call on a 16 × lanes block, and the 16 weighted sums of a layer, which
share their inputs, become one matrix product `W @ x + b`, W a view of one parameter buffer. The
forward and local-derivative rules are the op table's (`ops.py`), called on those blocks; a
weighted sum's are its rules d/dw_i = x_i, d/dx_i = w_i, d/db = 1 written as matrix products.

What keeps a replay equal to the engine (to 1e-12, summation order aside):

- the feeds (inputs, targets) are found in the graph by where their data came from, never by
  value, and are read anew on every replay; a lane constant whose origin is unknown is refused;
- a constant the code reads from the data goes through `engine.derived` and is recomputed on
  every replay; a choice or check made on data goes through `engine.guard` and is made again:
  a different answer means the traced graph does not hold, and that step runs on the engine;
- a replay with a different number of lanes is refused (trace one per batch size);
- anything else the tape does not know (an op, lanes that are variables) raises `Unsupported`
  at trace time, with what it met, so the caller can run the engine instead;
- `check_every` runs the engine beside the tape and raises `TapeMismatch` on a difference.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from .engine import NO_GRAD, NO_GRAPH, Value
from .errors import counted
from .groups import (
    LANES,
    PARAM,
    SCALAR,
    Constants,
    Elementwise,
    Group,
    GuardFailed,
    Made,
    MatrixSum,
    Operand,
    Reduce,
    Source,
    WeightedSum,
)
from .modes import state
from .ops import WSUM

ndarray = np.ndarray

#: The most memory a tape's two lane buffers (values and gradients) may take.
MAX_BYTES = 1_000_000_000

#: How close the tape's numbers must be to the engine's in check mode: relative to the largest
#: magnitude among the numbers compared (a loss, or one gradient vector).
TOLERANCE = 1e-12


class Unsupported(Exception):
    """What `trace()` raises for a graph the tape cannot replay exactly; the message says what."""


class TapeMismatch(AssertionError):
    """Check mode found the tape and the engine apart: a bug in the tape, or a function whose graph
    depends on its data in a way `derived()`/`guard()` were not told about."""


# --- where the data of a leaf came from ------------------------------------------------------------


def _locate(a, feeds: Sequence[ndarray]) -> Source | None:
    """Where in the feeds the 1-D array `a` is a view, or None."""
    if not isinstance(a, ndarray) or a.ndim != 1 or len(a) == 0:
        return None
    for k, f in enumerate(feeds):
        if a.dtype != f.dtype or not np.may_share_memory(a, f):
            continue
        size = f.itemsize
        offset = a.__array_interface__["data"][0] - f.__array_interface__["data"][0]
        if offset % size or a.strides[0] % size or a.strides[0] <= 0:
            continue
        source = Source(k, offset // size, a.strides[0] // size, len(a))
        view = source.read(feeds)
        if len(view) == len(a) and view.__array_interface__["data"][0] == a.__array_interface__["data"][0]:
            return source
    return None


#: Modules whose reads of `Value.data` are known to be replay-safe: the engine and the tape, and nn's
#: own models and losses, which read data only through derived() and guard() (or for shapes).
_AUDITED = (
    "autograd_lite.",
    "nn.losses",
    "nn.functional",
    "nn.module",
    "nn.tasks",
    "nn.compiled",
    "nn.train",
)


def _user_line() -> str:
    """file:line (function) of the innermost caller outside autograd_lite and nn's own code."""
    frame: Any = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_AUDITED):
        frame = frame.f_back
    if frame is None:
        return ""
    return f"{frame.f_code.co_filename}:{frame.f_lineno} ({frame.f_code.co_name})"


class _WatchedData:
    """`Value.data` while tracing: the slot itself, and a note of every read from code of the user's
    own (a branch on the numbers would make the traced graph one batch's graph)."""

    def __init__(self, slot, recorder: _Recorder):
        self.slot, self.recorder = slot, recorder
        # the audited modules' globals, to tell their reads at a glance (the engine reads data a lot)
        self.audited = {id(vars(m)) for name, m in list(sys.modules.items()) if name.startswith(_AUDITED)}

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        frame = sys._getframe(1)
        if id(frame.f_globals) not in self.audited:
            self.recorder.read(frame, "reading .data")
        return self.slot.__get__(obj, cls)

    def __set__(self, obj, value) -> None:
        self.slot.__set__(obj, value)


class _watching_reads:
    """Install `_WatchedData` on Value, and watch comparisons and item(), for the trace's duration."""

    NAMES = ("__lt__", "__le__", "__gt__", "__ge__", "item")

    def __init__(self, recorder: _Recorder):
        self.recorder = recorder

    def __enter__(self):
        self.saved = {name: Value.__dict__[name] for name in ("data", *self.NAMES)}
        Value.data = _WatchedData(self.saved["data"], self.recorder)  # type: ignore[assignment,misc]
        for name in self.NAMES:
            setattr(Value, name, self._watched(name, self.saved[name]))
        return self

    def _watched(self, name: str, method):
        recorder = self.recorder
        what = "item()" if name == "item" else f"a comparison ({name})"

        def watched(*args, **kwargs):
            recorder.read(sys._getframe(1), what)
            return method(*args, **kwargs)

        return watched

    def __exit__(self, *exc) -> None:
        for name, attr in self.saved.items():
            setattr(Value, name, attr)


class _Recorder:
    """What the engine tells the tape while `fn` runs: each lane leaf's source, each derived
    constant's recipe, each guard's answer (see `engine.derived`, `engine.guard`)."""

    def __init__(self, feeds: Sequence[ndarray]):
        self.feeds = feeds
        self.sources: dict[Value, Source] = {}
        self.recipes: dict[Value, tuple[Callable, tuple]] = {}
        self.guards: list[tuple[Callable, tuple, Any]] = []
        self.reads: list[tuple[str, str]] = []  # (where, what) the user's code read numbers of Values
        self.made: dict[int, tuple] = {}  # id of an array from derived_data -> (the array, its Made)
        self.unknown: dict[Value, str] = {}  # lane constants of no known origin -> the line that made them

    def read(self, frame, what: str) -> None:
        module = frame.f_globals.get("__name__", "")
        if not module.startswith(_AUDITED) and len(self.reads) < 5:
            self.reads.append((f"{frame.f_code.co_filename}:{frame.f_lineno} ({frame.f_code.co_name})", what))

    def leaf(self, node: Value, original) -> None:
        if type(node.data) is ndarray:
            made = self.made.get(id(original))
            if made is not None and made[0] is original:  # made by derived_data: made again per batch
                self.recipes[node] = (made[1].fn, made[1].sources)
                return
            source = _locate(original, self.feeds)
            if source is not None:
                self.sources[node] = source
            else:
                self.unknown[node] = _user_line()

    def derived_data(self, result, fn: Callable, sources: tuple) -> None:
        if isinstance(result, ndarray):
            self.made[id(result)] = (result, Made(fn, tuple(self._source(s) for s in sources)))

    def _source(self, s):
        if isinstance(s, Value):
            return s
        made = self.made.get(id(s)) if isinstance(s, ndarray) else None
        if made is not None and made[0] is s:
            return made[1]
        if isinstance(s, ndarray) and s.ndim >= 1:
            source = _locate(s, self.feeds)
            if source is None:
                raise Unsupported(
                    f"data of shape {s.shape} that is not a view of one of the feeds was passed to "
                    "derived() or guard(): pass the feed itself (or a column of it)"
                )
            return source
        return s  # a number or other constant of the code

    def derived(self, node: Value, fn: Callable, sources: tuple) -> None:
        self.recipes[node] = (fn, tuple(self._source(s) for s in sources))

    def guard(self, fn: Callable, sources: tuple, result) -> None:
        self.guards.append((fn, tuple(self._source(s) for s in sources), result))


# --- tracing and compiling ---------------------------------------------------------------------------


def _as_feed(f, i: int) -> ndarray:
    if isinstance(f, Value):
        raise TypeError(f"feed {i} is a Value: feeds are data (numpy arrays of inputs or targets)")
    a = np.ascontiguousarray(f)
    if a.ndim not in (1, 2) or a.dtype.kind not in "biuf" or len(a) == 0:
        raise TypeError(
            f"feed {i} must be a non-empty 1-D or 2-D numpy array of numbers (one row per example), "
            f"got {type(f).__name__} of shape {np.shape(f)} and dtype {a.dtype}"
        )
    return a


def _feeds(feeds, lanes: int | None = None) -> tuple[ndarray, ...]:
    if isinstance(feeds, ndarray):
        feeds = (feeds,)
    out = tuple(_as_feed(f, i) for i, f in enumerate(feeds))
    if not out:
        raise ValueError("trace needs at least one feed: the inputs (and targets) of a batch")
    counts = {len(f) for f in out}
    if len(counts) != 1:
        raise ValueError(f"the feeds hold different numbers of examples: {sorted(counts)}")
    return out


def _order(root: Value, recipes: dict, watched: list[Value]) -> list[Value]:
    """Every node the tape computes, each after its parents and after the sources of a derived
    constant (the engine's order knows only parents)."""
    order: list[Value] = []
    seen: set[Value] = set()
    for start in [root, *watched]:
        stack = [(start, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            before = list(node.parents)
            recipe = recipes.get(node)
            if recipe is not None:
                before += [s for s in recipe[1] if isinstance(s, Value)]
            for p in before:  # a plain leaf is done when found: no trip through the stack
                if p not in seen and not p.parents and p not in recipes:
                    seen.add(p)
                    order.append(p)
            for p in reversed(before):
                if p not in seen:
                    stack.append((p, False))
    return order


def _flatten(watch) -> list[Value]:
    if isinstance(watch, Value):
        return [watch]
    if isinstance(watch, list | tuple):
        return [v for w in watch for v in _flatten(w)]
    return []


class Layer(NamedTuple):
    """One layer of a tape (`Tape.layers`): views of the parameter buffer and of its gradients."""

    W: Any  # (neurons × inputs)
    b: Any  # (neurons,) or None
    dW: Any
    db: Any


class Tape:
    """A traced loss, replayed on new data of the same shape (see the module's docstring).

    `params` are the graph's parameters in buffer order; `data` and `grad` are the buffer of
    their numbers and of their gradients. `run(*feeds)` reads each parameter's `.data` into the
    buffer, replays forward and backward, sets each parameter's `.grad` (as after zero_grad() and
    backward()) and returns the loss; `forward(*feeds)` gives the loss alone. `replay` is the
    same without copying to and from the Values (nn.fit keeps the parameters in the buffer).
    """

    def __init__(
        self,
        fn: Callable,
        params: list[Value],
        feeds: tuple,
        check_every: int | None,
        share=None,
        sign: bool = False,
    ):
        self.fn = fn
        self._sign = sign
        self._given = params
        self.check_every = check_every
        self.replays = 0
        self.fallbacks = 0
        self.last_fallback: str | None = None
        start = time.perf_counter()
        recorder = _Recorder(feeds)
        if state.tracing is not None:
            raise RuntimeError("trace() was called while another trace was being built")
        if not state.grad_enabled:
            raise RuntimeError("trace() builds a graph: call it outside no_grad()")
        state.tracing = recorder
        try:
            with _watching_reads(recorder):
                result = fn(*feeds)
        finally:
            state.tracing = None
        if recorder.reads:
            where, what = recorder.reads[0]
            raise Unsupported(
                f"{what} at {where}: a graph chosen by reading the numbers cannot be replayed on other "
                "numbers; make the choice with autograd_lite.guard() (or train with compile=False)"
            )
        root, watch = (
            (result[0], result[1]) if isinstance(result, tuple) and len(result) == 2 else (result, None)
        )
        if not isinstance(root, Value):
            raise TypeError(f"the traced function must return a Value (the loss), got {type(root).__name__}")
        if type(root.data) is ndarray:
            raise ValueError(
                "the traced function must return one number: reduce the lanes with .mean() or .sum()"
            )
        if root.local_grads is NO_GRAPH:
            raise ValueError("the traced function returned a value with no graph (made under no_grad())")
        self.lanes = len(feeds[0])
        self.feed_shapes = tuple(f.shape for f in feeds)
        self.feed_dtypes = tuple(f.dtype for f in feeds)
        self._compile(root, watch, params, recorder, share)
        self.trace_seconds = time.perf_counter() - start

    # --- compiling -------------------------------------------------------------------------------

    def _compile(self, root: Value, watch, params: list[Value], rec: _Recorder, share) -> None:
        watched = _flatten(watch)
        order = _order(root, rec.recipes, watched)
        given = {p: p for p in params}
        level: dict[Value, int] = {}
        kinds: dict[Value, str] = {}
        lanes_of = self.lanes
        recipes, sources = rec.recipes, rec.sources
        leaves: list[Value] = []
        interior: list[Value] = []
        dataful: set[Value] = set()  # the nodes computed from the data (not from the parameters alone)
        wants: set[Value] = set()  # the nodes that lead to a parameter: only they pass gradients back
        uses: dict[Value, int] = {}  # how many operand slots of the graph read each value
        by_level: dict[int, list[Value]] = {}
        for node in order:  # levels: a leaf 0, a node one more than its deepest parent or source
            ps = node.parents
            lanes = type(node.data) is ndarray
            if lanes and len(node.data) != lanes_of:
                raise Unsupported(f"a value of {len(node.data)} lanes in a graph of {lanes_of}")
            if not ps:  # a leaf (most of them: the weights), or a derived constant
                leaves.append(node)
                kind = LANES if lanes else PARAM if node in given and node not in recipes else SCALAR
                kinds[node] = kind
                if kind == PARAM:
                    wants.add(node)
                recipe = recipes.get(node)
                if recipe is None:
                    level[node] = 0
                    if node in sources:
                        dataful.add(node)
                    elif lanes:
                        where = rec.unknown.get(node, "")
                        raise Unsupported(
                            f"an array of {len(node.data)} numbers{' made at ' + where if where else ''} is "
                            "neither one of the feeds nor computed from them in a way the tape can redo "
                            "(numpy on the inputs or targets, such as 2 * t - 1 or (x - mean) / std, is "
                            "done once and would be baked in): write it with Values, prepare the data "
                            "before fit, or make it with derived()"
                        )
                    continue
                dataful.add(node)
                srcs = [x for x in recipe[1] if isinstance(x, Value)]
                level[node] = 1 + max((level[x] for x in srcs), default=-1)
                continue
            if node.op is None:
                raise Unsupported(f"a node without an op ({node.name})")
            if _key(node) not in _SUPPORTED:
                raise Unsupported(f"the op {node.op} ({_key(node)})")
            interior.append(node)
            kinds[node] = LANES if lanes else SCALAR
            top = -1
            for x in ps:
                uses[x] = uses.get(x, 0) + 1
                lx = level[x]
                if lx > top:
                    top = lx
            level[node] = top + 1
            by_level.setdefault(top + 1, []).append(node)
            if any(x in dataful for x in ps):
                dataful.add(node)
            if any(x in wants for x in ps):
                wants.add(node)

        # the parameter buffer: each layer's weights neuron by neuron, then its biases, then the rest
        plan = self._plan(by_level, kinds)
        if share is not None:
            slot = dict(share._slot)
            self.params, self.data, self.grad = share.params, share.data, share.grad
            missing = [p for p in order if kinds[p] == PARAM and p not in slot]
            if missing:
                raise Unsupported("a parameter the shared tape does not hold")
        else:
            slot: dict[Value, int] = {}  # type: ignore[no-redef]
            ordered: list[Value] = []

            def place(ps) -> None:
                for p in ps:
                    if p not in slot:
                        slot[p] = len(ordered)
                        ordered.append(p)

            for kind, nodes in plan:
                if kind == "matrix":
                    for n in nodes:
                        ps = n.parents
                        place(ps[0:-1:2] if len(ps) % 2 else ps[0::2])
                    place([n.parents[-1] for n in nodes if len(n.parents) % 2])
            place([p for p in params if kinds.get(p) == PARAM])
            self.params = ordered
            self.data = np.array([p.data for p in ordered], dtype=np.float64)
            self.grad = np.zeros(len(ordered))
        self._slot = slot

        # rows of the lanes block and the scalars
        rows: dict[Value, tuple[str, int]] = {p: (PARAM, i) for p, i in slot.items()}
        count = {LANES: 0, SCALAR: 0}

        def put(nodes: list[Value]) -> list[int]:
            got = []
            for n in nodes:
                k = kinds[n]
                rows[n] = (k, count[k])
                got.append(count[k])
                count[k] += 1
            return got

        feed_leaves = sorted(
            (n for n in leaves if n in rec.sources),
            key=lambda n: (rec.sources[n].k, rec.sources[n].start),
        )
        self._feed_rows = [(rec.sources[n], r) for n, r in zip(feed_leaves, put(feed_leaves))]
        self._feed_blocks = self._blocks()
        live = [n for n in leaves if kinds[n] == SCALAR and n not in rec.recipes]
        self._live = list(zip(live, put(live)))  # scalar leaves outside params: read on every replay
        derived = [n for n in order if n in rec.recipes]
        put(derived)
        planned = [(kind, nodes, put(nodes)) for kind, nodes in plan]  # every node has its row now
        groups: list[Group] = []
        constants_at: dict[int, tuple[list, list]] = {}
        for n in derived:
            fn, made_from = rec.recipes[n]
            spec = tuple(rows[s] if isinstance(s, Value) else s for s in made_from)
            constants_at.setdefault(level[n], ([], []))[0].append((rows[n][0], rows[n][1], fn, spec))
        for fn, read, result in rec.guards:
            lv = 1 + max((level[s] for s in read if isinstance(s, Value) and s in level), default=-1)
            if any(isinstance(s, Value) and s not in level for s in read):
                raise Unsupported("a guard() on a value that is not part of the loss's graph")
            spec = tuple(rows[s] if isinstance(s, Value) else s for s in read)
            constants_at.setdefault(lv, ([], []))[1].append((fn, spec, result))
        self._feeds_holder: list = [()]
        self._early = Constants(
            *constants_at.pop(0, ([], [])), self._feeds_holder
        )  # on feeds alone: before anything
        layer = 0
        pending = dict(constants_at)

        def terms(nodes: list[Value], start: int, stop: int) -> Operand:
            """Parents start, start + 2, ... (the weights or the inputs) of every node, node by node."""
            ps = [p for n in nodes for p in n.parents[start:stop:2]]
            needed = any(p in wants for p in ps)
            return Operand(rows[ps[0]][0], [rows[p][1] for p in ps], needed)

        def position(nodes: list[Value], k: int) -> Operand:
            """Parent k of each node as one operand (the kind is the first node's: a group shares it)."""
            parents = [n.parents[k] for n in nodes]
            needed = any(p in wants for p in parents)
            o = Operand(rows[parents[0]][0], [rows[p][1] for p in parents], needed)
            o.own = o.unique and all(uses[p] == 1 for p in parents)
            return o

        wanted: set[Group] = set()  # the groups whose gradients reach a parameter
        for kind, nodes, out_rows in planned:
            lv = level[nodes[0]]
            for done in sorted(k for k in pending if k <= lv):
                groups.append(Constants(*pending.pop(done), self._feeds_holder))
            first = nodes[0]
            if kind == "matrix":
                layer += 1
                pairs = len(first.parents) // 2
                w_rows = [[rows[w][1] for w in n.parents[0 : 2 * pairs : 2]] for n in nodes]
                x_rows = [rows[x][1] for x in first.parents[1 : 2 * pairs : 2]]
                b_rows = [rows[n.parents[-1]][1] for n in nodes] if len(first.parents) % 2 else None
                xs_ = first.parents[1 : 2 * pairs : 2]
                x_needed = any(x in wants for x in xs_)
                ws_ = [w for n in nodes for w in n.parents[0 : 2 * pairs : 2]]
                own = (
                    all(uses[w] == 1 for w in ws_),
                    all(uses[x] == len(nodes) for x in xs_) and len(set(xs_)) == len(xs_),
                    b_rows is not None and all(uses[n.parents[-1]] == 1 for n in nodes),
                )
                groups.append(MatrixSum(out_rows, w_rows, x_rows, b_rows, layer, x_needed, own))
            elif kind == "wsum":
                pairs = 2 * (len(first.parents) // 2)
                ws, xs = terms(nodes, 0, pairs), terms(nodes, 1, pairs)
                b = position(nodes, -1) if len(first.parents) % 2 else None
                groups.append(WeightedSum(kinds[first], out_rows, ws, xs, b))
            else:
                operands = [position(nodes, k) for k in range(len(first.parents))]
                if _key(first) in ("sum", "mean"):
                    groups.append(Reduce(first.op, out_rows, operands))
                else:
                    groups.append(Elementwise(first.op, first.arg, kinds[first], out_rows, operands))
            if any(n in wants for n in nodes):
                wanted.add(groups[-1])
            groups[-1].data_free = not any(n in dataful for n in nodes)
        for done in sorted(pending):
            groups.append(Constants(*pending.pop(done), self._feeds_holder))
        self.groups = groups
        self.root = rows[root]
        self._watched_rows = [rows[v] for v in watched]
        self._watch_shape = watch
        self.shape = (count[LANES], count[SCALAR])
        nbytes = 2 * 8 * count[LANES] * self.lanes  # the values and their gradients, one row per node
        if nbytes > MAX_BYTES:
            raise Unsupported(
                f"its buffers would take {nbytes / 1e9:.1f} GB ({count[LANES]} rows of {self.lanes} lanes, "
                f"twice) and the limit is {MAX_BYTES / 1e9:g} GB: use smaller batches"
            )
        self._bufs = {
            LANES: np.zeros((count[LANES], self.lanes)),
            SCALAR: np.zeros(count[SCALAR]),
            PARAM: self.data,
        }
        self._grads = {
            LANES: np.zeros((count[LANES], self.lanes)),
            SCALAR: np.zeros(count[SCALAR]),
            PARAM: self.grad,
        }
        for n, r in self._live:
            self._bufs[SCALAR][r] = n.data
        for g in [self._early, *groups]:
            g.bind(self._bufs, self._grads)
        self._forwards = [g.forward for g in groups]
        self._backwards = [
            g.backward for g in reversed(groups) if g in wanted and not isinstance(g, Constants)
        ]
        self.nodes = len(order)
        self._forwarded = False  # whether the groups hold a forward pass that backward can use
        self.force_check = False  # check the next replay against the engine, whatever check_every says
        self.signature = _signature(order, rec, slot, rows) if self._sign else None

    def _plan(
        self, by_level: dict[int, list[Value]], kinds: dict[Value, str]
    ) -> list[tuple[str, list[Value]]]:
        """The groups, level by level: nodes of one op, constant and operand kinds together; the
        weighted sums of a layer (parameters times the same inputs) as one matrix group."""
        plan: list[tuple[str, list[Value]]] = []
        for lv in sorted(by_level):
            buckets: dict[tuple, list[Value]] = {}
            for n in by_level[lv]:
                ps = n.parents
                if n.op is WSUM:
                    pairs = len(ps) // 2
                    ws, xs = ps[0 : 2 * pairs : 2], ps[1 : 2 * pairs : 2]
                    wk = {kinds[w] for w in ws}
                    xk = {kinds[x] for x in xs}
                    if len(wk) != 1 or len(xk) != 1:
                        mixed = {PARAM, SCALAR} <= wk | xk
                        raise Unsupported(
                            "a weighted sum whose weights are partly parameters and partly not: pass all of "
                            "the model's parameters (model.parameters())"
                            if mixed
                            else "a weighted sum whose weights (or inputs) mix numbers and lanes"
                        )
                    bias = kinds[ps[-1]] if len(ps) % 2 else None
                    if wk == {PARAM} and xk == {LANES} and bias in (None, PARAM) and kinds[n] == LANES:
                        key: tuple = ("matrix", pairs, bias, tuple(x for x in xs))
                    else:
                        key = ("wsum", pairs, wk.pop(), xk.pop(), bias, kinds[n])
                else:
                    arg = n.arg
                    key = (
                        "op",
                        _key(n),
                        arg if arg is None else float(arg),
                        kinds[n],
                        tuple(kinds[p] for p in ps),
                    )
                buckets.setdefault(key, []).append(n)
            for key, nodes in buckets.items():
                plan.append((key[0] if key[0] != "op" else "op", nodes))
        return plan

    def _blocks(self):
        """Feed columns that fill consecutive rows in order: one copy of the transposed feed each."""
        blocks, single = [], []
        by_feed: dict[int, list] = {}
        for source, row in self._feed_rows:
            by_feed.setdefault(source.k, []).append((source, row))
        for k, items in by_feed.items():
            shape = self.feed_shapes[k]
            cols = shape[1] if len(shape) == 2 else 1
            whole = (
                len(items) == cols
                and all(
                    s.start == j and s.step == cols and s.count == shape[0] for j, (s, _) in enumerate(items)
                )
                and [r for _, r in items] == list(range(items[0][1], items[0][1] + cols))
            )
            if whole:
                blocks.append((k, slice(items[0][1], items[0][1] + cols)))
            else:
                single.extend(items)
        return blocks, single

    # --- replaying -------------------------------------------------------------------------------

    def _load(self, feeds: tuple[ndarray, ...]) -> None:
        L = self._bufs[LANES]
        blocks, single = self._feed_blocks
        for k, rows in blocks:
            f = feeds[k]
            L[rows] = f.T if f.ndim == 2 else f
        for source, row in single:
            L[row] = source.read(feeds)
        S = self._bufs[SCALAR]
        for n, r in self._live:
            S[r] = n.data
        self._feeds_holder[0] = feeds
        self._early.forward()

    def _check_feeds(self, feeds) -> tuple[ndarray, ...]:
        feeds = _feeds(feeds)
        shapes = tuple(f.shape for f in feeds)
        if shapes != self.feed_shapes:
            if len(shapes) != len(self.feed_shapes):
                raise ValueError(f"this tape takes {len(self.feed_shapes)} feeds, got {len(shapes)}")
            k = next(i for i, (a, b) in enumerate(zip(shapes, self.feed_shapes)) if a != b)
            other_size = all(a[1:] == b[1:] for a, b in zip(shapes, self.feed_shapes))
            raise ValueError(
                f"this tape was traced for feeds of shapes {self.feed_shapes}, got {shapes}: "
                + (
                    "trace another tape for another batch size (nn.fit keeps one per size)"
                    if other_size
                    else f"feed {k} must be {self.feed_shapes[k][1:] or 'one number'} per example"
                )
            )
        return tuple(f if f.dtype == d else f.astype(d) for f, d in zip(feeds, self.feed_dtypes))

    def replay(self, feeds: tuple[ndarray, ...], backward: bool = True, forward: bool = True) -> float | None:
        """Forward (and backward) on the buffer as it is: the loss, with `grad` filled; None when a
        guard or an op says the traced graph does not hold for this data (run the engine instead).

        forward=False reuses the last forward pass: right only when it ran on these feeds with the
        buffer as it is now (fit's evaluation of a full batch is the next step's forward).
        """
        bufs = self._bufs
        if forward or not self._forwarded:
            self._forwarded = False
            try:
                self._load(feeds)
                for step in self._forwards:
                    step()
            except GuardFailed as e:
                self.fallbacks += 1
                self.last_fallback = str(e)
                return None
            self._forwarded = True
        kind, row = self.root
        loss = float(bufs[kind][row])
        if backward:
            grads = self._grads
            grads[LANES].fill(0.0)
            grads[SCALAR].fill(0.0)
            grads[PARAM].fill(0.0)
            grads[kind][row] = 1.0
            for backward_ in self._backwards:
                backward_()
        self.replays += 1
        due = self.check_every is not None and (
            self.replays == 1 or (self.check_every and self.replays % self.check_every == 0)
        )
        if due or self.force_check:
            self.force_check = False
            self.check(feeds, loss, backward)
        return loss

    def watched(self):
        """The numbers of what the traced function returned beside the loss, after the last replay:
        arrays for lane Values, floats for numbers, in the same nesting (a list stays a list)."""
        values = iter(
            self._bufs[k][r].copy() if k == LANES else float(self._bufs[k][r]) for k, r in self._watched_rows
        )

        def fill(w):
            if isinstance(w, Value):
                return next(values)
            if isinstance(w, list | tuple):
                return type(w)(fill(x) for x in w)
            return w

        return fill(self._watch_shape)

    def pull(self) -> None:
        """Copy every parameter's `.data` into the buffer."""
        self.data[:] = [p.data for p in self.params]

    def push(self, data: bool = True, grads: bool = False) -> None:
        """Copy the buffer into every parameter's `.data` (after training on the buffer), and with
        grads=True the last replay's gradients into their `.grad`."""
        if data:
            for p, x in zip(self.params, self.data.tolist()):
                p.data = x
        if grads:
            for p, g in zip(self.params, self.grad.tolist()):
                p.grad = g

    def run(self, *feeds) -> float:
        """The loss on these feeds, with every parameter's `.grad` set (as zero_grad() + backward())."""
        feeds_ = self._check_feeds(feeds)
        self.pull()
        loss = self.replay(feeds_)
        if loss is None:
            return self.engine(feeds_)
        for p, g in zip(self.params, self.grad.tolist()):
            p.grad = g
        for p in self._given:
            if p not in self._slot:  # not in the loss's graph: no gradient, as after zero_grad()
                p.grad = NO_GRAD
        return loss

    def forward(self, *feeds) -> float:
        """The loss on these feeds, without gradients."""
        feeds_ = self._check_feeds(feeds)
        self.pull()
        loss = self.replay(feeds_, backward=False)
        if loss is None:
            from .modes import no_grad

            with no_grad():
                return float(self._call(feeds_)[0].data)
        return loss

    def _call(self, feeds):
        result = self.fn(*feeds)
        if isinstance(result, tuple) and len(result) == 2:
            return result
        return result, None

    def engine(self, feeds: tuple[ndarray, ...]) -> float:
        """This step on the engine (the fallback): the loss, each parameter's `.grad` set, and `grad`
        filled from them."""
        for p in self.params:
            p.grad = NO_GRAD
        root, _ = self._call(feeds)
        root.backward()
        self.grad[:] = [p.grad for p in self.params]
        return float(root.data)

    def check(self, feeds, loss: float, backward: bool = True) -> None:
        """Run the engine on the same feeds and parameters; raise TapeMismatch where they differ."""
        saved = [(p.data, p.grad) for p in self.params]
        tape_grad = self.grad.copy()
        try:
            for p, x in zip(self.params, self.data.tolist()):
                p.data = x
            expected = self.engine(feeds)
            engine_grad = self.grad.copy()
        finally:
            for p, (d, g) in zip(self.params, saved):
                p.data, p.grad = d, g
            self.grad[:] = tape_grad
        if not _close(loss, expected):
            raise TapeMismatch(
                f"replay {self.replays}: the tape's loss is {loss!r}, the engine's {expected!r}"
            )
        if backward:
            scale = max(float(np.max(np.abs(engine_grad), initial=0.0)), 1e-300)
            bad = np.flatnonzero(np.abs(tape_grad - engine_grad) > TOLERANCE * scale)
            if len(bad):
                i = int(bad[0])
                p = self.params[i]
                raise TapeMismatch(
                    f"replay {self.replays}: d loss/d {p.name} is {tape_grad[i]!r} on the tape, "
                    f"{engine_grad[i]!r} on the engine ({counted(len(bad), 'gradient')} differ)"
                )

    # --- reading ---------------------------------------------------------------------------------

    @property
    def layers(self) -> list[Layer]:
        """Each layer the tape runs as one product W @ x + b, in order: W, b and their gradients
        dW, db as views of `data` and `grad` (b and db are None without biases). Setting W[...]
        sets those weights in the buffer; `push()` hands them to the parameters."""
        out = []
        for g in self.groups:
            if isinstance(g, MatrixSum):
                W = g.wview if g.wview is not None else None
                dW = g.gwview
                b = None if g.b is None else g.b.view
                db = None if g.b is None else g.b.gview
                out.append(Layer(W, b, dW, db))
        return out

    @property
    def calls(self) -> int:
        """About how many numpy calls one replay (forward and backward) makes."""
        return (
            sum(g.calls for g in self.groups)
            + self._early.calls
            + 2 * len(self._feed_blocks[0])
            + len(self._feed_blocks[1])
            + 4
        )

    def describe(self) -> str:
        """The tape as a student reads it: its groups, each one numpy call (or a matrix product)."""
        lines = [
            f"Tape: a loss over {self.lanes} lanes (examples), {counted(self.nodes, 'value')} of one "
            f"example's graph in {counted(len(self.groups), 'group')}, ~{self.calls} numpy calls a step",
            f"  parameters: {len(self.params)} numbers in one buffer"
            + (" (each layer's W a view of it)" if self.layers else ""),
            "  feeds: " + ", ".join(f"{'×'.join(map(str, s))}" for s in self.feed_shapes),
        ]
        if self._early.guards or self._early.derived:
            lines.append(f"  before the first layer: {self._early.describe()}")
        lines += [f"  {g.describe()}" for g in self.groups if not g.data_free]
        apart = [f"    {g.describe()}" for g in self.groups if g.data_free]
        if apart:
            lines += ["  from the parameters alone (a penalty such as l2):", *apart]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<Tape: {self.lanes} lanes, {len(self.params)} parameters, "
            f"{counted(len(self.groups), 'group')}, ~{self.calls} numpy calls a step>"
        )


def _key(n: Value) -> str:
    """The op-table key of an interior node."""
    assert n.op is not None
    return n.op.key


def _code(fn):
    return getattr(fn, "__code__", fn)


def _signature(order: list[Value], rec: _Recorder, slot: dict, rows: dict) -> tuple:
    """Everything the replay took from the traced graph, as a value two traces can compare: each
    node's op, constant and parents, each leaf's role (parameter slot, feed view, the number of a
    scalar leaf), each derived constant's function and each guard's answer."""
    position = {n: i for i, n in enumerate(order)}
    items: list = []
    for n in order:
        if n.parents:
            items.append((_key(n), n.arg, tuple(position[p] for p in n.parents)))
        elif n in slot:
            items.append(("param", slot[n]))
        elif n in rec.sources:
            src = rec.sources[n]
            items.append(("feed", src.k, src.start, src.step, src.count))
        elif n in rec.recipes:
            fn, sources = rec.recipes[n]
            items.append(
                (
                    "derived",
                    _code(fn),
                    tuple(position.get(x, -1) if isinstance(x, Value) else repr(x) for x in sources),
                )
            )
        else:
            items.append(("number", n.data if type(n.data) is not ndarray else None))
    items.append(tuple((_code(fn), repr(result)) for fn, _, result in rec.guards))
    return tuple(items)


def _close(a: float, b: float) -> bool:
    return a == b or abs(a - b) <= TOLERANCE * max(abs(a), abs(b)) or (a != a and b != b)


_SUPPORTED = {
    "add", "sub", "mul", "div", "pow", "add_c", "sub_c", "rsub_c", "mul_c", "div_c", "rdiv_c", "pow_c",
    "rpow_c", "leaky_relu", "neg", "abs", "exp", "log", "tanh", "sigmoid", "relu", "sin", "cos", "sum",
    "mean", "wsum",
}  # fmt: skip


def trace(
    fn: Callable,
    params,
    feeds,
    *,
    check_every: int | None = None,
    share: Tape | None = None,
    signature: bool = False,
) -> Tape:
    """Trace `fn(*feeds)` (a loss: one Value) once and compile it into a Tape that replays it.

    params: the parameters whose gradients the tape computes (a Module's parameters(), or a list
    of Values); they live in the tape's buffer. feeds: the batch, one array per argument of `fn`
    (inputs (batch, nin), targets (batch,)): 1-D or 2-D arrays with one row per example. `fn` may
    return `(loss, watch)`, watch a Value or a list of Values whose numbers `tape.watched()`
    gives after each replay. check_every: None checks nothing; 0 checks the first replay against
    the engine, k > 0 also every k-th (TapeMismatch on a difference). share: another tape of the
    same model whose parameter buffer this one uses (one per batch size, one buffer). signature:
    also keep `tape.signature`, everything the replay took from the graph, to compare two traces
    (nn.fit does, for a forward or loss of your own, to see that its graph does not change).
    Raises Unsupported for a graph the tape cannot replay exactly (the message says why).
    """
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    params = list(params)
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"params[{i}] is a {type(p).__name__}, not a Value")
    if check_every is not None and (
        isinstance(check_every, bool) or not isinstance(check_every, int) or check_every < 0
    ):
        raise ValueError(f"check_every must be None, 0 or a whole number of replays > 0, got {check_every!r}")
    if state.anomaly:
        raise Unsupported(
            "detect_anomaly() is on: it checks each op of the engine, which the tape does not run; trace "
            "outside the `with detect_anomaly():` block, or train with compile=False to keep the checks"
        )
    return Tape(fn, params, _feeds(feeds), check_every, share, signature)
