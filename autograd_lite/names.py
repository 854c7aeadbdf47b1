"""What a node is called in text and pictures: its label, or a short made-up name.

The stepper, `explain()`, `text_tree()` and `draw()` all use these names, so
a line of text and a box in a picture can be matched by eye.
"""

from __future__ import annotations

from .engine import Value, fmt, topological_order

__all__ = ["fmt", "node_names"]


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
    """Whether a backward pass has reached this graph: some node holds a non-zero grad.

    (A pass whose every gradient is exactly zero reads as "not computed yet".)
    """
    return any(not (type(n.grad) is float and n.grad == 0.0) for n in order)


def expression(node: Value, names: dict[Value, str], numbers: bool = False) -> str:
    """The op that made `node`, written with its parents' names (or their numbers).

    `x1 * w1`, `tanh(n)`, `w1*x1 + w2*x2 + b`; a leaf is just its name.
    """
    op = node.op
    if op is None:
        return fmt(node.data) if numbers else names[node]
    words = [fmt(p.data) if numbers else names[p] for p in node.parents]
    if op == "wsum":
        terms = [f"{words[i]}*{words[i + 1]}" for i in range(0, len(words) - 1, 2)]
        if len(words) % 2:
            terms.append(words[-1])
        return " + ".join(terms)
    slots = dict(zip(("x", "y"), words))
    return op.expr.format(c=fmt(node.arg) if node.arg is not None else "c", **slots)


def rule_text(node: Value, k: int, names: dict[Value, str]) -> str:
    """The local derivative d node / d parent_k as the op table writes it, with names filled in."""
    op = node.op
    if op == "wsum":
        # parents are (w1, x1, w2, x2, ..., b): the rule for w_i names x_i and the other way round
        if len(node.parents) % 2 == 1 and k == len(node.parents) - 1:
            return op.rules[2]
        partner = names[node.parents[k + 1 if k % 2 == 0 else k - 1]]
        return op.rules[k % 2].format(w=partner, x=partner)
    slots = dict(zip(("x", "y"), (names[p] for p in node.parents)))
    arg = fmt(node.arg) if node.arg is not None else "c"
    return op.rules[k].format(out=names[node], c=arg, **slots)
