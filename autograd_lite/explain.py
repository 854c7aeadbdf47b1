"""`explain()`: how a value was computed, one line per named step, with numbers, and its grads.

The forward pass in words, next to the backward stepper's chain rule: it
writes each op with `names.expression` and brackets by the op table's
`precedence`, so `explain()` and the pictures name every value alike.
"""

from __future__ import annotations

from .engine import Value, topological_order
from .names import expression, fmt, grads_computed, has_grad, node_names
from .ops import CALL


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


ATOM = CALL + 1  # the precedence of a name or a number: never bracketed
MAX_INLINE = 160  # characters of inlined text before a result gets a line of its own


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
            written[id(node)] = (names[node], fmt(node.data), ATOM)
            continue
        prec = node.op.precedence
        sym, num = {}, {}
        for k, p in enumerate(node.parents):
            ps, pn, pp = written[id(p)]
            tighter = pp < prec or (pp == prec and k == 1 and node.op.ordered)  # a - (b - c)
            wrap = tighter and prec < CALL
            sym[p], num[p] = (f"({ps})", f"({pn})") if wrap else (ps, pn)
        symbolic, numeric = expression(node, sym), expression(node, num)
        shared = uses.get(id(node), 0) != 1 or node.label is not None or node is value
        if shared or len(symbolic) + len(numeric) > MAX_INLINE:
            lines.append(f"{names[node]} = {symbolic} = {numeric} = {fmt(node.data)}")
            written[id(node)] = (names[node], fmt(node.data), ATOM)
        else:
            written[id(node)] = (symbolic, numeric, prec)
    if not lines:
        lines.append(f"{names[value]} = {fmt(value.data)} (a leaf: nothing was computed)")
    if grads_computed(order):
        leaves = [n for n in _reading_order(value) if n.op is None]
        leaves += [n for n in order if n.op is not None and n.label is not None]
        shown = [n for n in leaves if n is not value and has_grad(n)]
        if value.op is None or value.grad == 1.0:  # backward() started here: grads are d value / d node
            grads = ", ".join(f"d{names[value]}/d{names[n]} = {fmt(n.grad)}" for n in shown)
            if grads:
                lines.append(f"grads: {grads}")
        elif shown:  # another root's pass reached this graph: its numbers are not d value / d node
            grads = ", ".join(f"{names[n]}.grad = {fmt(n.grad)}" for n in shown)
            lines.append(
                f"grads left by a backward() that did not start at {names[value]} "
                f"(call {names[value]}.backward() for d{names[value]}/d...): {grads}"
            )
    return "\n".join(lines)
