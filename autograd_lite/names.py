"""What a node is called in text and pictures: its label, or a short made-up name.

The stepper, `explain()`, `text_tree()` and `draw()` all use these names, so
a line of text and a box in a picture can be matched by eye.
"""

from __future__ import annotations

import functools
import re

from .engine import Value, fmt, has_grad, topological_order
from .ops import fill

__all__ = ["PENDING", "PENDING_SHORT", "expression", "fmt", "grad_text", "node_names", "rule_text"]


def node_names(root: Value, order: list[Value] | None = None) -> dict[Value, str]:
    """A name for every node of root's graph: its label, else v1, v2, ... in forward order.

    Made-up names skip any label the user chose, and a label used by two
    different nodes gets a prime on the second (x, x'), so no two names clash.
    """
    order = order if order is not None else topological_order(root)
    taken = {node.label for node in order if node.label is not None}
    names: dict[Value, str] = {}
    used: set[str] = set()
    k = 0
    for node in order:
        if node.label is not None:
            name = node.label
            while name in used:
                name += "'"
        else:
            k += 1
            while f"v{k}" in taken:
                k += 1
            name = f"v{k}"
        used.add(name)
        names[node] = name
    return names


def grads_computed(order: list[Value]) -> bool:
    """Whether a backward pass has reached this graph: some node holds a grad (see `has_grad`)."""
    return any(has_grad(n) for n in order)


def grad_states(order: list[Value]) -> dict[Value, str]:
    """Outside a stepper: "final" for a node some backward() reached, "pending" for one none did.

    A node no pass reached reads "not computed yet", never a 0.0 that looks like a result
    (another root's backward() can reach the leaves of this graph and nothing else).
    """
    return {n: ("final" if has_grad(n) else "pending") for n in order}


#: What a grad not yet reached in a backward pass is called, in text, pictures and pages.
PENDING = "not computed yet"
#: The same where a box must stay narrow (a Value's picture in a notebook, with no page around it):
#: "grad not yet" says as much in half the width, and the pages keep PENDING, which their text uses.
PENDING_SHORT = "not yet"


def grad_text(node: Value, state: str, pending: str = PENDING) -> str:
    """A node's grad as text, pictures and pages show it in the middle of a pass: the number,
    "0.5 so far" while children are still to add to it ("partial"), or `pending` ("not computed
    yet", PENDING) for "pending"; `state` is one of the stepper's `grad_state()` words."""
    if state == "pending":
        return pending
    return fmt(node.grad) + (" so far" if state == "partial" else "")


def expression(node: Value, names: dict[Value, str], numbers: bool = False) -> str:
    """The op that made `node`, written with its parents' names (or their numbers).

    `x1 * w1`, `tanh(n)`, `w1*x1 + w2*x2 + b`; a leaf is just its name.
    """
    op = node.op
    if op is None:
        return fmt(node.data) if numbers else names[node]
    words = [fmt(p.data) if numbers else names[p] for p in node.parents]
    return op.write(words, c=fmt(node.arg) if node.arg is not None else "c")


def rule_text(node: Value, k: int, names: dict[Value, str]) -> str:
    """The local derivative d node / d parent_k as the op table writes it, names and constants
    filled in and tidied as a person writes it: `1 - o²`, `2·e` (not `2.0 * e ** (2.0 - 1)`)."""
    op = node.op
    if op is None:
        raise ValueError("a leaf has no local derivatives")
    roles = op.roles(len(node.parents))  # x, y; or w1, x1, ..., b for a weighted sum
    template = op.rule(roles, k)
    if node.arg is not None:
        template = fill(template, c=_number(node.arg))
    text = tidy(template)
    wanted = set(_PLACEHOLDER.findall(text))  # only the roles this rule names (a wsum's names one or two)
    slots = {role: _atom(names[p]) for role, p in zip(roles, node.parents) if role in wanted}
    return fill(text, out=_atom(names[node]), c="c", **slots)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


_NUM = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
_ATOM = rf"(?:\{{\w+\}}|{_NUM}|\([^()]*\))"  # a placeholder, a number or a bracketed group
_TERM = rf"{_ATOM}(?:[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+|\^{_ATOM})?"  # an atom, maybe raised to a power
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _number(x) -> str:
    """A constant inside a formula: 2 rather than 2.0 (data keeps `fmt`'s 2.0)."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else fmt(x)


@functools.lru_cache(maxsize=4096)
def _atom(name: str) -> str:
    """A name as it goes into a formula: bracketed if it is not one word (`(my w)²`)."""
    return name if re.fullmatch(r"[\w'.]+", name) else f"({name})"


@functools.lru_cache(maxsize=1024)
def tidy(template: str) -> str:
    """A rule template (placeholders such as `{x}` kept, constants filled in) as a person writes it.

    Constant brackets are worked out (`(2 - 1)` → `1`), `x ** 1` → `x`, whole powers are
    superscripts (`x ** 2`, `x^2` → `x²`), other powers `x^0.5`, `1 * x` → `x`, `-1 * x` → `-x`,
    `0 * x` → `0`, `--x` → `x`, and `*` is written `·`.
    """
    text = template
    while True:
        folded = re.sub(rf"\(({_NUM}) ([-+]) ({_NUM})\)", _fold, text)
        if folded == text:
            break
        text = folded
    text = re.sub(rf"({_ATOM}) (?:\*\*|\^) ?({_ATOM})", _power, text)
    text = re.sub(rf"({_ATOM})\^({_ATOM})", _power, text)
    text = re.sub(rf"(?<![\w.}}])1 \* ({_TERM})", r"\1", text)
    text = re.sub(rf"({_TERM}) \* 1(?![\w.])", r"\1", text)
    text = re.sub(rf"(?<![\w.}}])-1 \* ({_TERM})", r"-\1", text)
    text = re.sub(rf"(?<![\w.}}])0 \* {_TERM}", "0", text)
    text = re.sub(r"(^|[\s(])--", r"\1", text)
    return text.replace(" * ", "·")


def _fold(m: re.Match) -> str:
    a, b = float(m.group(1)), float(m.group(3))
    return _number(a + b if m.group(2) == "+" else a - b)


def _power(m: re.Match) -> str:
    base, exp = m.group(1), m.group(2)
    if not re.fullmatch(_NUM, exp):
        return f"{base}^{exp}"  # x^y, x^(y - 1)
    e = float(exp)
    if e == 1:
        return base
    if e == 0:
        return "1"
    if e.is_integer():
        return base + str(int(e)).translate(_SUPERSCRIPT)
    return f"{base}^{_number(e)}"
