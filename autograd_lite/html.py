"""A self-contained HTML page that plays the backward pass, one chain-rule step per click.

A teacher hands a class one file: it opens offline in any browser, with no
server and no network. One inline SVG per state (before step 1, after step
1, ..., after the last step) is drawn by `viz.draw` exactly as the stepper
draws it, so the page and the REPL agree; a little plain JavaScript shows one
state at a time (Next / Previous, arrow keys, Start / End, `#step-3` in the
URL). Without JavaScript the page is every state one after another.

Everything the user wrote (labels, expression text, titles) is HTML-escaped,
and a Content-Security-Policy allows only this page's own script (by hash),
inline styles and `data:` images, so even a label that slipped through could
neither run code nor load anything. `document()` and `json_script()` are the
shell that `nn.replay` builds its training page with too.

The JavaScript, CSS and the page's HTML shell are real files in web/ (package
data, read by `web_file`): page.html, then palette.css, shell.css and
controls.css that every page shares, then each page's own (stepper.html,
stepper.css and stepper.js here, nn/web/replay.* for the training replay).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path
from string import Template

import numpy as np

from . import palette, viz
from .engine import NO_GRAD, Value, topological_order
from .explain import explain
from .names import PENDING, expression, fmt, grad_text
from .stepper import BackwardStepper, register_page
from .viz import node_ids, render_svg

#: Flags for opening these pages in headless Chromium on a machine with a closed network (the
#: screenshots and browser tests): without the background-networking ones Chromium keeps trying
#: to reach Google's hosts; a sandbox needs privileges CI does not have.
HEADLESS_CHROMIUM = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]

__all__ = [
    "backward_page",
    "check_html_path",
    "document",
    "json_script",
    "svg_inline",
    "web_file",
    "write_page",
]


@cache
def web_file(name: str, package: str = "autograd_lite") -> str:
    """The text of a page's JavaScript or CSS file, `name` in `package`'s web/ folder (package data).

    Read once per process; the page's CSP hash is computed from this text.
    """
    return files(package).joinpath("web", name).read_text(encoding="utf-8")


def json_script(element_id: str, data) -> str:
    """Data for the page's script: a `<script type="application/json">` block, never code.

    `<`, `>` and `&` become `\\u003c` ... so no text (a label holding `</script>`)
    can end the block early; non-finite floats become null (JSON has no NaN).
    """

    def finite(x):
        if isinstance(x, float) and not np.isfinite(x):
            return None
        if isinstance(x, dict):
            return {k: finite(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [finite(v) for v in x]
        return x

    text = json.dumps(finite(data), separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{escape(element_id)}">{text}</script>'


#: The CSS files every page starts with, in this order, before its own.
SHELL_CSS = ("palette.css", "shell.css", "controls.css")


def document(title: str, body: str, *, script: str, css: str = "") -> str:
    """A whole HTML page (web/page.html): viewport meta, inline CSS and one inline script allowed
    by its hash.

    `title` is escaped here; `body` is trusted markup (callers escape what
    users wrote). The Content-Security-Policy forbids every network request
    and every script but this one.
    """
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    policy = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )
    shell = Template(web_file("page.html"))
    style = "".join(web_file(name) for name in SHELL_CSS) + css
    return shell.substitute(policy=policy, title=escape(title), style=style, body=body, script=script)


def check_html_path(path: str | Path) -> Path:
    """The path, if it names a .html file in an existing folder; else an error naming it.

    Checked before any work, so a typo does not cost a long render or a training run.
    """
    path = Path(path)
    if path.suffix.lower() != ".html":
        raise ValueError(f"cannot write a page to {str(path)!r}: the name must end in .html")
    folder = path.resolve().parent
    if not folder.is_dir():
        raise FileNotFoundError(
            f"cannot write a page to {str(path)!r}: the folder {str(folder)!r} does not exist"
        )
    return path


def write_page(path: str | Path, text: str) -> Path:
    """Write a page as UTF-8; an OSError names the path."""
    path = Path(path)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise OSError(f"cannot write a page to {str(path)!r}: {e.strerror or e}") from None
    return path


_PROLOG = re.compile(r"<\?xml.*?\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.S)
_TITLE = re.compile(r"<title>[^<]*</title>\n?")
_ROOT = re.compile(r"<svg\b[^>]*>")
_GROUP = re.compile(r'<g id="[^"]*" class="(node|edge)">(\s*<title>([^<]*)</title>)?')
_FONT = re.compile(r' font-family="([^"]*)" font-size="([^"]*)"')


def svg_inline(svg: str, *, label: str, current: str | None = None) -> str:
    """Graphviz SVG made fit to sit inside HTML5, several to a page.

    The XML prolog, DOCTYPE, comments, element ids (they would repeat from
    one state to the next) and `<title>` tooltips (graphviz ids such as `n3`
    mean nothing to a reader) go; the most common font moves to the top group
    instead of every `<text>`; the root `<svg>` is rebuilt without `xmlns`
    (the HTML parser puts inline `<svg>` in the SVG namespace by itself), so
    the page holds no URL at all. `current` is the graphviz node name (`n3`)
    to mark with class "current": the highlighted node.
    """

    def group(m: re.Match) -> str:
        kind = m.group(1)
        return f'<g class="{"node current" if kind == "node" and m.group(3) == current else kind}">'

    svg = _PROLOG.sub("", svg)
    svg = _GROUP.sub(group, svg)
    svg = _TITLE.sub("", svg)
    fonts = Counter(_FONT.findall(svg))
    top = ""
    if fonts:
        (family, size), _ = fonts.most_common(1)[0]
        svg = svg.replace(f' font-family="{family}" font-size="{size}"', "")
        top = f' font-family="{family}" font-size="{size}"'
    svg = re.sub(r'<g id="[^"]*" class="graph"', lambda m: f'<g class="graph"{top}', svg, count=1)
    svg = re.sub(r"\n\s*\n", "\n", svg)
    root = _ROOT.search(svg)
    if root is None:
        raise ValueError("render_svg() gave text without an <svg> element")
    attrs = dict(re.findall(r'([\w:-]+)="([^"]*)"', root.group(0)))
    width = _pixels(attrs.get("width", "0"))
    height = _pixels(attrs.get("height", "0"))
    tag = (
        f'<svg class="graph" viewBox="{escape(attrs.get("viewBox", ""))}" width="{width}" height="{height}" '
        f'style="--w:{width}px" role="img" aria-label="{escape(label)}">'
    )
    return (svg[: root.start()] + tag + svg[root.end() :]).strip()


def _pixels(length: str) -> int:
    """An SVG length (graphviz writes points) in CSS pixels."""
    m = re.match(r"([\d.]+)(pt|px)?", length)
    if not m:
        return 0
    value = float(m.group(1))
    return round(value * 4 / 3 if m.group(2) == "pt" else value)


# --- the backward-pass page ---------------------------------------------------------

# The page's own files in autograd_lite/web/; the shell, palette and controls are every page's.
STEPPER_CSS = web_file("stepper.css")
STEPPER_JS = web_file("stepper.js")


# The page holds one picture of the whole graph per state, so it grows as values x (steps + 1):
# about 1.3 kB per value per picture. 3,000 keeps a page under about 4 MB.
MAX_CELLS = 3000


def backward_page(
    root: Value,
    path: str | Path | None = None,
    *,
    title: str | None = None,
    max_cells: int | None = MAX_CELLS,
) -> str:
    """The HTML page that plays root's backward pass; written to `path` if given.

    The pass runs on a fresh stepper with every grad of the graph unset (NO_GRAD)
    first, so the page does not depend on what the caller ran before; the
    graph's grads are put back as they were afterwards. The page holds one
    picture per state, so a graph whose values x (steps + 1) exceeds
    `max_cells` is refused with an error that says so (max_cells=None: no limit).
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_page() takes a Value (the root of a graph), got {type(root).__name__}")
    if path is not None:
        path = check_html_path(path)
    order = topological_order(root)
    pictures = 1 + sum(1 for n in order if n.parents)
    if max_cells is not None and len(order) * pictures > max_cells:
        raise ValueError(
            f"this graph has {len(order)} values and {pictures - 1} step{'s' if pictures != 2 else ''}: "
            f"its page would hold {pictures} "
            f"pictures of {len(order)} values each (~{len(order) * pictures * 1.3 / 1000:.0f} MB), more "
            f"than max_cells={max_cells} value-pictures allow. Use a smaller graph (one neuron, one "
            "example), or pass max_cells=None to make it anyway"
        )
    saved = [n.grad.copy() if isinstance(n.grad, np.ndarray) else n.grad for n in order]
    try:
        for n in order:
            n.grad = NO_GRAD
        page = _render_pass(root, order, title)
    finally:
        for n, g in zip(order, saved):
            n.grad = g
    if path is not None:
        write_page(path, page)
    return page


def _render_pass(root: Value, order: list[Value], title: str | None) -> str:
    forward = explain(root)  # no grad is set here, so it prints no grads line
    stepper = BackwardStepper(root)
    names = stepper.names
    ids = node_ids(order)  # the ids viz.draw gives the value boxes, to mark the current one
    rname = names[root]
    total = stepper.total
    sections = [_state_section(stepper, None, ids, names, order)]
    entries = []
    for step in stepper:
        sections.append(_state_section(stepper, step, ids, names, order))
        entries.append(
            f'<li data-step="{step.index}"><a href="#step-{step.index}">'
            f"{escape(_step_heading(step, names))}</a></li>"
        )
    title = title if title is not None else f"Backprop step by step: {rname} = {expression(root, names)}"
    plural = "step" if total == 1 else "steps"
    shared = (
        '\n<li><span class="swatch" style="background:#fff;border:2px dashed #333"></span\n'
        ">one value, drawn at each of its uses (used n×)</li>"
        if viz.spread_leaves(order)
        else ""
    )
    body = Template(web_file("stepper.html")).substitute(
        title=escape(title),
        root=escape(rname),
        total=total,
        plural=plural,
        forward=escape(forward),
        states="".join(sections),
        steps="".join(entries),
        input=palette.INPUT,
        parameter=palette.PARAM,
        root_fill=palette.ROOT,
        highlight=palette.HIGHLIGHT,
        highlight_edge=palette.HIGHLIGHT_EDGE,
        done_edge=palette.DONE_EDGE,
        shared=shared,
    )
    return document(title, body, script=STEPPER_JS, css=STEPPER_CSS)


def _step_heading(step, names) -> str:
    return f"Step {step.index}: {step.name} = {expression(step.node, names)}"


def _state_section(stepper: BackwardStepper, step, ids, names, order) -> str:
    """One state of the pass: the graph, the chain-rule lines and the values table."""
    k = 0 if step is None else step.index
    current = None if step is None else step.node
    rname = names[stepper.root]
    if step is None:
        heading = f"Start: {rname}.grad = 1"
        if stepper.total:
            first = stepper.current
            text = (
                f"<p>The root's grad is seeded with 1 (d{escape(rname)}/d{escape(rname)} = 1). "
                f"Every other grad is <em>{PENDING}</em>. Step 1: <code>{escape(names[first])}</code> "
                "passes its grad to its parents.</p>"
            )
        else:
            text = f"<p><code>{escape(rname)}</code> is a leaf: its grad is 1 and nothing is left to do.</p>"
    else:
        heading = f"Step {k} of {step.total}: {step.name} = {expression(step.node, names)}"
        lines = "".join(f'<span class="line">{escape(line)}</span>' for line in step.lines())
        parents = ", ".join(f"<code>{escape(p.name)}</code>" for p in _unique(step.parents))
        text = (
            f"<p><code>{escape(step.name)}</code> passes its grad, {escape(fmt(step.grad))}, "
            f"to {parents}:</p>"
            f"<pre>{lines}</pre>"
        )
        if k == step.total:
            text += (
                "<p><strong>Done:</strong> every grad is final, the same as "
                f"<code>{escape(rname)}.backward()</code> gives.</p>"
            )
    state = stepper.grad_state()
    # The stepper's own picture of this state (as save_svgs' step-0k.svg), without its title:
    # the section's heading says it. max_nodes: backward_page() has checked the size already.
    drawing = stepper.draw(max_nodes=None, title=None)
    label = f"the graph of {rname}: " + ("before the first step" if k == 0 else f"after step {k}")
    svg = svg_inline(render_svg(drawing), label=label, current=ids.get(current))
    updated = {id(p.parent) for p in step.parents} if step is not None else set()
    rows = []
    for node in reversed(order):  # root first, like the text tree
        what = names[node] if node.op is None else f"{names[node]} = {expression(node, names)}"
        grad = _grad_cell(node, state[node])
        cls = "current" if node is current else ("updated" if id(node) in updated else "")
        rows.append(
            f'<tr class="{cls}" data-name="{escape(names[node])}"><td>{escape(what)}</td>'
            f'<td class="num">{escape(fmt(node.data))}</td><td class="num grad">{grad}</td></tr>'
        )
    table = (
        '<table class="values"><thead><tr><th>value</th><th class="num">data</th>'
        f'<th class="num">grad</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    return (
        f'<section class="state" id="step-{k}" data-step="{k}" aria-label="{escape(heading)}">\n'
        f'<h2>{escape(heading)}</h2>\n<figure class="graph">{svg}</figure>\n'
        f'<div class="chain panel"><h3>Chain rule</h3>{text}</div>\n'
        f'<div class="vals panel"><h3>Values</h3>{table}</div>\n</section>\n'
    )


def _grad_cell(node: Value, state: str) -> str:
    """names.grad_text's words, the number plain and the state's words muted: "0.5 <muted>so far"."""
    text = grad_text(node, state)
    if state == "pending":
        return f'<span class="pending">{escape(text)}</span>'
    number = fmt(node.grad)
    words = text.removeprefix(number).strip()
    return escape(number) + (f' <span class="pending">{escape(words)}</span>' if words else "")


def _unique(parents):
    seen, out = set(), []
    for p in parents:
        if id(p.parent) not in seen:
            seen.add(id(p.parent))
            out.append(p)
    return out


# BackwardStepper.to_html() hands off to this page: the stepper is a layer below and never imports it.
register_page(backward_page)
