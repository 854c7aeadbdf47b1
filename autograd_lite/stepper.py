"""The backward pass one node at a time, with every chain-rule product written out.

    >>> steps = o.backward_steps()
    >>> print(next(steps))
    n.grad += do/dn * o.grad = (1 - o^2) * 1.0 = 0.5 * 1.0 = 0.5

Each step runs the same rule as `backward()` (`engine.propagate`), so
stepping to the end leaves exactly the grads `backward()` gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .engine import Value, begin_backward, propagate, topological_order
from .names import expression, fmt, grads_computed, node_names, rule_text


@dataclass
class ParentStep:
    """What one parent receives in a step: grad += local * upstream."""

    parent: Value
    name: str
    local: float | np.ndarray  # d node / d parent
    rule: str  # the local derivative as the op table writes it, names filled in
    upstream: float | np.ndarray  # node.grad
    contribution: float | np.ndarray  # local * upstream (summed over lanes into a scalar)
    grad_after: float | np.ndarray  # the parent's grad after adding it


@dataclass
class BackwardStep:
    """One node passing its grad to its parents by the chain rule."""

    index: int  # 1-based
    total: int
    node: Value
    name: str
    grad: float | np.ndarray
    parents: list[ParentStep]

    def lines(self) -> list[str]:
        """One chain-rule line per parent: `n.grad += do/dn * o.grad = (1 - o^2) * 1.0 = 0.5 * 1.0 = 0.5`."""
        out = []
        for p in self.parents:
            line = f"{p.name}.grad += d{self.name}/d{p.name} * {self.name}.grad"
            rule = f"({p.rule})" if " " in p.rule else p.rule
            if isinstance(p.local, np.ndarray) or isinstance(p.upstream, np.ndarray):
                # one product per example: means of lanes do not multiply, so no numbers in between
                lanes = len(p.local) if isinstance(p.local, np.ndarray) else len(p.upstream)
                how = (
                    f"summed over {lanes} lanes"
                    if not isinstance(p.contribution, np.ndarray)
                    else "lane by lane"
                )
                line += f" = {rule} * {self.name}.grad, {how} → {fmt(p.contribution)}"
            else:
                if not _is_number(p.rule):  # show the rule before its value
                    line += f" = {rule} * {fmt(p.upstream)}"
                line += f" = {fmt(p.local)} * {fmt(p.upstream)} = {fmt(p.contribution)}"
            if _differs(p.grad_after, p.contribution):
                line += f"   (so {p.name}.grad = {fmt(p.grad_after)})"
            out.append(line)
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"<step {self.index} of {self.total}: {self.name} ({self.node.op.symbol})>"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _differs(a, b) -> bool:
    return not np.array_equal(np.asarray(a), np.asarray(b))


class BackwardStepper:
    """An iterator over the backward pass of `root`, one node at a time.

    Creating it starts the pass (interior grads reset, root seeded with 1, as
    `backward()` does); each `next()` performs one step and returns it.
    """

    def __init__(self, root: Value):
        self.order = begin_backward(root)
        self.root = root
        self.names = node_names(root, self.order)
        self.queue = [n for n in reversed(self.order) if n.parents]  # the nodes that pass grads on
        self.position = 0  # how many steps are done
        self.history: list[BackwardStep] = []

    @property
    def total(self) -> int:
        return len(self.queue)

    @property
    def done(self) -> bool:
        return self.position >= self.total

    @property
    def current(self) -> Value | None:
        """The node the next step will start from."""
        return None if self.done else self.queue[self.position]

    def __iter__(self):
        return self

    def __next__(self) -> BackwardStep:
        if self.done:
            raise StopIteration
        node = self.queue[self.position]
        before = [p.grad for p in node.parents]
        contributions = propagate(node)
        self.position += 1
        parents = []
        for k, (p, c) in enumerate(zip(node.parents, contributions)):
            parents.append(
                ParentStep(
                    parent=p,
                    name=self.names[p],
                    local=node.local_grads[k],
                    rule=rule_text(node, k, self.names),
                    upstream=node.grad,
                    contribution=c,
                    grad_after=_grad_after(node.parents, k, before, contributions, p),
                )
            )
        step = BackwardStep(self.position, self.total, node, self.names[node], node.grad, parents)
        self.history.append(step)
        return step

    def run(self) -> list[BackwardStep]:
        """Perform every remaining step; returns them."""
        return list(self)

    def grad_state(self) -> dict[Value, str]:
        """Each node's grad: "done" (final, and passed on to its parents), "final" (no child
        left to add to it), "partial" (some children have added to it) or "pending"."""
        remaining = self.queue[self.position :]
        still_to_give = {id(p) for n in remaining for p in n.parents}
        touched = {id(p) for n in self.queue[: self.position] for p in n.parents} | {id(self.root)}
        passed_on = {id(n) for n in self.queue[: self.position]}
        state = {}
        for node in self.order:
            if id(node) in passed_on:
                state[node] = "done"
            elif id(node) not in touched:
                state[node] = "pending"
            elif id(node) in still_to_give:
                state[node] = "partial"
            else:
                state[node] = "final"
        return state

    def draw(self, **kwargs):
        """The graph now: finished grads, the next node highlighted, the rest "not computed yet"."""
        from .viz import draw

        # Titled by steps done, as save_svgs names its files and the web page numbers its states.
        if self.done:
            title = f"after step {self.total} of {self.total}: the backward pass is done"
        else:
            where = "before step 1" if self.position == 0 else f"after step {self.position}"
            node = self.current
            title = f"{where} of {self.total}: next is {self.names[node]} ({node.op.symbol})"
        highlight = [self.current] if self.current is not None else []
        return draw(self.root, highlight=highlight, grad_state=self.grad_state(), title=title, **kwargs)

    def _repr_svg_(self) -> str:
        from .viz import render_svg

        return render_svg(self.draw())

    def save_svgs(self, directory: str | Path) -> list[Path]:
        """Run to the end, writing one SVG per state (step-00.svg before the first step)."""
        from .viz import render_svg

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        while True:
            path = directory / f"step-{self.position:02d}.svg"
            render_svg(self.draw(), path)
            paths.append(path)
            if self.done:
                return paths
            next(self)

    def to_html(self, path: str | Path | None = None, *, title: str | None = None, **kwargs) -> str:
        """A self-contained HTML page that plays this backward pass step by step (see `html`).

        The page replays the whole pass on a fresh stepper from the root; this
        stepper's position and the graph's grads are left as they are.
        kwargs go to `html.backward_page` (max_cells).
        """
        from .html import backward_page

        return backward_page(self.root, path, title=title, **kwargs)

    def __repr__(self) -> str:
        if self.done:
            return f"backward pass: all {self.total} steps done"
        node = self.current
        return f"step {self.position + 1} of {self.total}: next is {self.names[node]} ({node.op.symbol})"


def _grad_after(parents, k, before, contributions, p):
    """The parent's grad right after its own contribution in this step (a*a adds twice)."""
    first = parents.index(p)
    total = before[first]
    for j in range(k + 1):
        if parents[j] is p:
            total = total + contributions[j]
    return total


def backward_steps(root: Value) -> BackwardStepper:
    """Start the backward pass of `root` and return an iterator over its steps."""
    return BackwardStepper(root)


def _reading_order(root: Value) -> list[Value]:
    """Nodes in the order they appear when the expression is read left to right."""
    seen, out, stack = set(), [], [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        out.append(node)
        stack.extend(reversed(node.parents))
    return out


MAX_INLINE = 160  # characters of inlined text before a result gets a line of its own

PRECEDENCE = {"add": 1, "sub": 1, "wsum": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}


def explain(value: Value) -> str:
    """How `value` was computed, one line per named step, with numbers; and its grads if known.

    Unlabelled intermediate results used once are written inline, so the
    lines read like the maths: `n = x1*w1 + x2*w2 + b = 2.0*-3.0 + 0.0*1.0 + 6.881 = 0.8814`.
    """
    if not isinstance(value, Value):
        raise TypeError(f"explain() takes a Value, got {type(value).__name__}")
    order = topological_order(value)
    names = node_names(value, order)
    uses: dict[int, int] = {}
    for node in order:
        for p in node.parents:
            uses[id(p)] = uses.get(id(p), 0) + 1
    # Bottom-up, in topological order (no recursion: a chain of any length is fine): each
    # node's text from its parents' texts. An unlabelled result used once is written inline
    # in the line of the node that uses it, unless its text grows past MAX_INLINE.
    written: dict[int, tuple[str, str, int]] = {}  # id -> (symbolic, numeric, precedence)
    lines = []
    for node in order:
        if node.op is None:
            written[id(node)] = (names[node], fmt(node.data), 9)  # 9: an atom
            continue
        prec = PRECEDENCE.get(str(node.op), 8)  # 8: a function call such as tanh(...)
        sym, num = {}, {}
        for k, p in enumerate(node.parents):
            ps, pn, pp = written[id(p)]
            tighter = pp < prec or (pp == prec and k == 1 and str(node.op) in ("sub", "div", "pow"))
            wrap = tighter and prec < 8
            sym[p], num[p] = (f"({ps})", f"({pn})") if wrap else (ps, pn)
        symbolic, numeric = expression(node, sym), expression(node, num)
        shared = uses.get(id(node), 0) != 1 or node.label is not None or node is value
        if shared or len(symbolic) + len(numeric) > MAX_INLINE:
            lines.append(f"{names[node]} = {symbolic} = {numeric} = {fmt(node.data)}")
            written[id(node)] = (names[node], fmt(node.data), 9)
        else:
            written[id(node)] = (symbolic, numeric, prec)
    if not lines:
        lines.append(f"{names[value]} = {fmt(value.data)} (a leaf: nothing was computed)")
    if grads_computed(order):
        leaves = [n for n in _reading_order(value) if n.op is None]
        leaves += [n for n in order if n.op is not None and n.label is not None]
        grads = ", ".join(f"d{names[value]}/d{names[n]} = {fmt(n.grad)}" for n in leaves if n is not value)
        if grads:
            lines.append(f"grads: {grads}")
    return "\n".join(lines)
