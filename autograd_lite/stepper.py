"""The backward stepper: the backward pass one node at a time, every chain-rule product written out.

    >>> steps = o.backward_steps()
    >>> print(next(steps))
    o = tanh(n): n.grad += do/dn · o.grad = (1 - o²) · 1.0 = 0.5

Each step runs the same rule as `backward()` (`engine.chain_rule`), so
stepping to the end leaves exactly the grads `backward()` gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .engine import NO_GRAD, Value, begin_backward, propagate, register_stepper
from .explain import explain  # noqa: F401  (re-exported: it used to live here)
from .names import expression, fmt, node_names, rule_text
from .viz import draw, render_svg


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
    """One node passing its grad to its parents by the chain rule: step `index` of `total`.

    Step k is the k-th node to pass its grad on; the stepper's picture after it
    (`steps.draw()`, `save_svgs`' step-0k.svg, the page's `#step-k`) highlights that node.
    """

    index: int  # 1-based
    total: int
    node: Value
    name: str
    grad: float | np.ndarray
    parents: list[ParentStep]
    expression: str = ""  # the op that made the node, with names: `tanh(n)`

    def lines(self) -> list[str]:
        """One chain-rule line per parent, naming the op whose rule it applies:

        `o = tanh(n): n.grad += do/dn · o.grad = (1 - o²) · 1.0 = 0.5`
        """
        made = f"{self.name} = {self.expression}: " if self.expression else ""
        out = []
        for p in self.parents:
            line = f"{made}{p.name}.grad += d{self.name}/d{p.name} · {self.name}.grad"
            rule = f"({p.rule})" if " " in p.rule else p.rule
            if isinstance(p.local, np.ndarray) or isinstance(p.upstream, np.ndarray):
                # one product per example: means of lanes do not multiply, so no numbers in between
                lanes = len(p.local) if isinstance(p.local, np.ndarray) else len(np.asarray(p.upstream))
                how = (
                    f"summed over {lanes} lane{'s' if lanes != 1 else ''}"
                    if not isinstance(p.contribution, np.ndarray)
                    else "lane by lane"
                )
                line += f" = {rule} · {self.name}.grad, {how} → {fmt(p.contribution)}"
            else:
                shown = not _is_number(p.rule)
                if shown:  # the rule before its value
                    line += f" = {rule} · {fmt(p.upstream)}"
                if not shown or p.upstream != 1.0:  # times 1.0 would only repeat the result
                    line += f" = {fmt(p.local)} · {fmt(p.upstream)}"
                line += f" = {fmt(p.contribution)}"
            if _differs(p.grad_after, p.contribution):
                line += f"   (so {p.name}.grad = {fmt(p.grad_after)})"
            out.append(line)
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return f"step {self.index} of {self.total}:\n" + "\n".join("  " + ln for ln in self.lines())


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _differs(a, b) -> bool:
    return not np.array_equal(np.asarray(a), np.asarray(b))


def _snapshot(grad):
    """A grad as it is now (lane grads are copied: `+=` changes an array in place)."""
    return grad.copy() if isinstance(grad, np.ndarray) else grad


def _same(a, b) -> bool:
    if (a is NO_GRAD) != (b is NO_GRAD):  # zero_grad() made a 0.0 "no gradient"
        return False
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    return a == b or (a != a and b != b)  # NaN is NaN


class StepperOutOfDate(RuntimeError):
    """The grads of a stepper's graph changed under it (a backward() or another stepper ran)."""


class BackwardStepper:
    """An iterator over the backward pass of `root`, one node at a time.

    Creating it starts the pass (interior grads reset, root seeded with 1, as
    `backward()` does); each `next()` performs one step and returns it. The
    stepper owns its pass: if the graph's grads change between two steps (a
    `backward()`, `zero_grad()` or another stepper on the same graph), the
    next step is refused with an error instead of adding to foreign grads.
    """

    def __init__(self, root: Value):
        self.order = begin_backward(root)
        self.root = root
        self.names = node_names(root, self.order)
        self.queue = [n for n in reversed(self.order) if n.parents]  # the nodes that pass grads on
        self.position = 0  # how many steps are done
        self.history: list[BackwardStep] = []
        self._left = [_snapshot(n.grad) for n in self.order]  # the grads as this stepper left them
        self._index = {n: i for i, n in enumerate(self.order)}

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

    @property
    def last(self) -> Value | None:
        """The node of the step just done (None before the first step): what pictures highlight."""
        return self.queue[self.position - 1] if self.position else None

    def __iter__(self):
        return self

    def check(self) -> None:
        """Raise StepperOutOfDate if a grad of the graph is not what this stepper left there."""
        for node, left in zip(self.order, self._left):
            if not _same(node.grad, left):
                where = "before step 1" if self.position == 0 else f"after step {self.position}"
                raise StepperOutOfDate(
                    f"the grads of {self.names[self.root]}'s graph changed under this stepper "
                    f"({self.names[node]}.grad was {fmt(left)} {where}, now {fmt(node.grad)}): a "
                    "backward(), zero_grad() or another backward_steps() ran on the same graph. "
                    "Stepping on would mix two passes; start again with backward_steps("
                    f"{self.names[self.root]})"
                )

    def __next__(self) -> BackwardStep:
        if self.done:
            raise StopIteration
        self.check()
        return self._advance()

    def _advance(self) -> BackwardStep:
        """One step, the grads already checked."""
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
        step = BackwardStep(
            self.position,
            self.total,
            node,
            self.names[node],
            node.grad,
            parents,
            expression(node, self.names),
        )
        self.history.append(step)
        for p in node.parents:  # only the parents' grads changed: O(parents) to keep the snapshot
            self._left[self._index[p]] = _snapshot(p.grad)
        return step

    def run(self) -> list[BackwardStep]:
        """Perform every remaining step; returns them. The grads are checked once, before the first:
        nothing else runs between the steps of one call."""
        if self.done:
            return []
        self.check()
        return [self._advance() for _ in range(self.total - self.position)]

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

    def title(self) -> str:
        """What the picture of this state is called: `step 3 of 5: n (+) passed its grad on`."""
        if self.position == 0:
            head = f"start: {self.names[self.root]}.grad = 1"
            if self.total == 0:
                return head + f" ({self.names[self.root]} is a leaf: nothing to pass on)"
            node = self.queue[0]
            return head + f"; step 1 of {self.total} is next: {self.names[node]} ({_symbol(node)})"
        node = self.queue[self.position - 1]
        title = (
            f"step {self.position} of {self.total}: {self.names[node]} ({_symbol(node)}) passed its grad on"
        )
        return title + ("; the backward pass is done" if self.done else "")

    def draw(self, *, title: str | None = "", **kwargs):
        """The graph now: finished grads, the node of the step just done highlighted, the rest
        "not computed yet". Titled `step 3 of 5: ...` as the page's `#step-3` and save_svgs'
        step-03.svg (title=None for no title). kwargs go to `viz.draw`."""
        title = self.title() if title == "" else title
        highlight = [self.last] if self.last is not None else []
        return draw(self.root, highlight=highlight, grad_state=self.grad_state(), title=title, **kwargs)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """How Jupyter shows a stepper: its page, playable, in the output cell (autograd_lite.display
        registers that, a layer above); this repr as text."""
        if DISPLAY is None:
            return {"text/plain": repr(self)}
        return DISPLAY(self, include, exclude)

    def save_svgs(self, directory: str | Path) -> list[Path]:
        """Run to the end, writing one SVG per state: step-00.svg is the start, step-03.svg the
        graph after step 3 (its node highlighted), numbered as the web page's `#step-3`."""
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
        kwargs go to the page writer (`html.backward_page`: max_cells).

        The page is a layer above the stepper: it registers its writer with
        `register_page` when imported (`import autograd_lite` does that).
        """
        if PAGE_WRITER is None:
            raise RuntimeError(
                "to_html() needs the page writer, which is not loaded: import autograd_lite "
                "(or autograd_lite.html) first"
            )
        return PAGE_WRITER(self.root, path, title=title, **kwargs)

    def __repr__(self) -> str:
        if self.total == 0:
            return f"backward pass: nothing to do ({self.names[self.root]} is a leaf)"
        if self.done:
            if self.total == 1:
                return "backward pass: the 1 step is done"
            return f"backward pass: all {self.total} steps done"
        node = self.queue[self.position]
        return f"step {self.position + 1} of {self.total}: next is {self.names[node]} ({_symbol(node)})"


def _symbol(node: Value) -> str:
    return node.op.symbol if node.op is not None else "leaf"


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


register_stepper(backward_steps)  # Value.backward_steps() hands off here: core never imports readers

#: The function behind `BackwardStepper.to_html()`: `(root, path, *, title, **kwargs) -> str`.
#: The pages register it (`register_page`) when imported, so readers never import pages.
PAGE_WRITER: Callable[..., str] | None = None


def register_page(writer: Callable[..., str]) -> None:
    """Make `BackwardStepper.to_html()` hand off to `writer(root, path, title=..., **kwargs)`."""
    global PAGE_WRITER
    PAGE_WRITER = writer


#: The function behind `BackwardStepper._repr_mimebundle_`: `(stepper, include, exclude) -> bundle`,
#: registered by autograd_lite.display (`register_display`) when imported.
DISPLAY: Callable[..., dict] | None = None


def register_display(show: Callable[..., dict]) -> None:
    """Make a stepper show itself in Jupyter through `show(stepper, include, exclude)`, a MIME bundle."""
    global DISPLAY
    DISPLAY = show
