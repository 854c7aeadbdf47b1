"""A self-contained HTML page that plays the backward pass, one chain-rule step per click.

A teacher hands a class one file: it opens offline in any browser, with no
server and no network. One inline SVG per state (before step 1, after step
1, ..., after the last step) is drawn by `viz.draw` as the stepper draws it,
so the page and the REPL agree, only compact (each box's fields one under
another: half as wide, so twice the text size on a screen); a little plain JavaScript shows one
state at a time (Next / Previous, arrow keys, Start / End, `#step-3` in the
URL). Without JavaScript the page is every state one after another.

Everything the user wrote (labels, expression text, titles) is HTML-escaped,
and a Content-Security-Policy allows only this page's own script (by hash),
inline styles and `data:` images, so even a label that slipped through could
neither run code nor load anything. `document()` and `json_script()` are the
shell that `nn.replay` builds its training page with too.

The JavaScript, CSS and the page's HTML shell are real files in web/ (package
data, read by `web_file`): page.html, then palette.css, shell.css,
controls.css and shell.js that every page shares, then each page's own
(stepper.html, stepper.css and stepper.js here, nn/web/replay.* for the
training replay).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from html import escape, unescape
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
    "FrameHeight",
    "Page",
    "backward_frame",
    "backward_page",
    "check_html_path",
    "document",
    "flex_lines",
    "json_script",
    "svg_inline",
    "web_file",
    "wrapped_lines",
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
#: The script every page's own script follows: whether the page is framed, and its address.
SHELL_JS = "shell.js"


def slider_controls(label: str, states: int, where_id: str, where: str = "") -> str:
    """The bar the replay and the comparison play their epochs with (web/shell.js's player): Play,
    a slider over `states` states starting at the last, and where the page is (`where_id`)."""
    last = states - 1
    return f"""<nav class="controls" id="controls" aria-label="{escape(label)}" hidden>
<button type="button" id="play" class="primary" aria-pressed="false">&#9654; Play</button>
<input type="range" id="slider" min="0" max="{last}" step="1" value="{last}"
 aria-label="Shown epoch">
<span class="where" id="{escape(where_id)}" aria-hidden="true">{escape(where)}</span>
</nav>"""


def document(title: str, body: str, *, script: str, css: str = "") -> str:
    """A whole HTML page (web/page.html): viewport meta, inline CSS and one inline script allowed
    by its hash: web/shell.js (framed or not, the address), then the page's own `script`.

    `title` is escaped here; `body` is trusted markup (callers escape what
    users wrote). The Content-Security-Policy forbids every network request
    and every script but this one.
    """
    script = web_file(SHELL_JS) + script
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
    if not str(path).strip():
        raise ValueError("cannot write a page to '': give it a file name ending in .html, such as page.html")
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


class Page(str):
    """A page's HTML, as `to_html()` returns it: a str (write it, search it, compare it) whose repr is
    one line, its size and where it was written, so a REPL or a cell's last line does not echo
    megabytes of HTML."""

    path: Path | None

    def __new__(cls, text: str, path: str | Path | None = None) -> Page:
        page = super().__new__(cls, text)
        page.path = None if path is None else Path(path)
        return page

    def __repr__(self) -> str:
        size = len(self.encode("utf-8"))
        amount = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"
        where = f"written to {str(self.path)!r}" if self.path is not None else "not written (pass a path)"
        return f"<HTML page, {amount}, {where}>"


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


# --- a page in a frame: how tall it is, told from what it holds ---------------------------------
#
# A notebook shows a page in a sandboxed iframe (autograd_lite.display), and an iframe does not
# grow with its page: its height is set outside it, here, in Python. In a frame the pages switch
# to a layout whose height follows from their text (html[data-framed] in web/*.css: 14px text,
# at most FRAME_MAX px wide with FRAME_SIDE px at each side, tables one line to a row). Text is
# wrapped as in a frame of each of FRAME_WIDTHS, in DejaVu's widths (wider than most faces), and
# the frame takes the height of the nearest of those widths below its own: a little room to
# spare, never too little (below the narrowest, the page scrolls in its frame).

FRAME_MAX, FRAME_SIDE = 1100, 12
#: The framed graph's scale (web/stepper.css): GRAPH_SCALE of its size where it fits (Graphviz's
#: 12pt text at 13.6px, the page's 14px), shrunk to the frame's width but never below GRAPH_MIN
#: (12px text, readable projected to a room): a wider graph scrolls sideways.
GRAPH_SCALE, GRAPH_MIN = 0.85, 0.76
#: The folded "Forward pass" beside the h1, and the gap before it, in px.
FORWARD_SUMMARY = 138
FRAME_WIDTHS = (560, 600, 650, 700, 750, 800, 850, 900, 950, 1000, 1050, FRAME_MAX)
#: Average character widths, in em, of DejaVu Sans (regular and bold) and DejaVu Sans Mono.
EM = {"sans": 0.56, "bold": 0.62, "mono": 0.61}


@dataclass(frozen=True)
class FrameHeight:
    """A framed page's height, in CSS px, in a frame `w` px wide:

    text(w) + min(cap, max(floor, (min(w, FRAME_MAX) - inset) * slope))

    Its text and panels, `text`: (frame width, height) from the narrowest up, each height holding
    from its width to the next; and a picture that scales with the page's width.
    """

    text: tuple[tuple[int, float], ...]
    slope: float = 0.0
    inset: float = 0.0
    floor: float = 0.0
    cap: float = 0.0

    def at(self, width: float) -> float:
        """The height in a frame `width` px wide."""
        fixed = self.text[0][1]
        for w, h in self.text:
            if width >= w:
                fixed = h
        scaled = (min(width, FRAME_MAX) - self.inset) * self.slope
        return fixed + min(self.cap, max(self.floor, scaled))

    def css(self) -> str:
        """The same as a CSS length, where 100% is the frame's width (as in a padding).

        Each step of the text's height is a clamp that is 0 from its width up, and the step's
        size below it (a length times 1000, clamped: CSS cannot compare lengths otherwise).
        """
        terms = [f"{self.text[-1][1]:.0f}px"]
        for (_, above), (w, h) in zip(self.text, self.text[1:]):
            if above > h:
                terms.append(f"clamp(0px, ({w}px - 100%) * 1000, {above - h:.0f}px)")
        scaled = f"(min(100%, {FRAME_MAX}px) - {self.inset:.0f}px) * {self.slope:.5f}"
        terms.append(f"min({self.cap:.0f}px, max({self.floor:.0f}px, {scaled}))")
        return f"calc({' + '.join(terms)})"


def wrapped_lines(text: str, width: float, size: float, face: str = "sans") -> int:
    """How many lines `text` takes in a box `width` px wide in a `size` px font (EM's face),
    wrapped at spaces, a word too long for a line broken anywhere; each newline starts a line."""
    fit = max(1, int(width // (size * EM[face])))  # characters to a line
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split(" "):
            k = len(word)
            if used and used + 1 + k > fit:
                lines += 1
                used = 0
            elif used:
                used += 1
            while k > fit:
                lines += 1
                k -= fit
            used += k
    return lines


def flex_lines(items: list[float], width: float, gap: float) -> int:
    """How many lines a wrapping row of boxes `items` px wide takes, `gap` px apart."""
    lines, used = 1, 0.0
    for w in items:
        if used and used + gap + w > width:
            lines, used = lines + 1, 0.0
        used += (gap if used else 0.0) + w
    return lines


@dataclass
class _StateText:
    """What one state of the backward page shows, for its height: see _stepper_height."""

    heading: str
    paragraphs: list[str]  # the chain panel's <p>s (the start's words, or "x passes its grad ...")
    lines: list[str]  # the chain-rule lines
    steps_so_far: int
    width: int  # the graph picture's size in px
    height: int
    widest_row: int  # characters in the values table's longest row


_SUB = re.compile(r'<p class="sub">(.*?)</p>', re.S)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_SIZE = re.compile(r'<svg\b[^>]* width="(\d+)" height="(\d+)"')


def _text(m: re.Match | None) -> str:
    """The text of a matched piece of our own markup: tags dropped, entities read, spaces joined."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", m.group(1))).split()) if m else ""


def _stepper_height(
    title: str, sub: str, states: list[_StateText], values: int, legend: list[str]
) -> FrameHeight:
    """The backward page's height in a frame (web/stepper.css, html[data-framed]): its tallest state."""
    height = max(st.height for st in states)
    return FrameHeight(
        tuple((w, _stepper_text(w, title, sub, states, values, legend)) for w in FRAME_WIDTHS),
        slope=max(st.height / max(st.width, 1) for st in states),
        inset=2 * FRAME_SIDE + 2,
        floor=GRAPH_MIN * height,  # the narrowest the graph is drawn (narrower frames scroll) ...
        cap=min(640.0, GRAPH_SCALE * height),  # ... the widest, and 640px high
    )


def _stepper_text(
    frame: int, title: str, sub: str, states: list[_StateText], values: int, legend: list[str]
) -> float:
    """All but the graph of the backward page's tallest state, in a frame `frame` px wide.

    Each number is a CSS length of that layout: 14px text at line-height 1.45 (20.3px), panels
    with 8.4px of padding around a 21.3px heading, grid gaps of 11.2px, two columns from 541px.
    """
    content = min(frame, FRAME_MAX) - 2 * FRAME_SIDE
    panel = content - 25.2  # a full-width panel's inside
    half = (content - 14) / 2 - 25.2  # the values' and the steps' panels, side by side
    top = (  # the h1 beside the folded forward pass (FORWARD_SUMMARY px), the line under them
        7 + max(22.68 * wrapped_lines(title, content - FORWARD_SUMMARY, 18.9, "bold"), 20.3) + 2.8
        + 20.3 * wrapped_lines(sub, content, 14) + 7
        + 49.3  # the controls
    )  # fmt: skip
    items = [17.5 + len(t) * 11.9 * EM["sans"] for t in legend]  # a swatch, then the words
    keys = "Keys: → next, ← previous, Home start, End end. Made with autograd_lite; works offline."
    bottom = 7 + 17.26 * (flex_lines(items, content, 16.8) + wrapped_lines(keys, content, 11.9)) + 15.4
    tallest = 0.0
    for st in states:
        chain = 55.0 - 4.2 + sum(20.3 * wrapped_lines(p, panel, 14) + 4.2 for p in st.paragraphs)
        if st.lines:  # one block each, 4.2px of padding and a 1px rule between them
            chain += sum(23.52 * wrapped_lines(ln, panel, 14.7, "mono") + 5.2 for ln in st.lines) - 1
            chain += 4.2 if len(st.paragraphs) > 1 else 0  # "Done:" after them keeps its margin
        table = 50.7 + 24.2 + 24.5 * values
        if st.widest_row * 13.3 * EM["sans"] > half:
            table += 16  # a sideways scrollbar
        steps = 53.5 + 20.3 * max(st.steps_so_far, 1) + 2
        main = 22.75 * wrapped_lines(st.heading, content, 18.2, "bold") + 11.2 + 2 + 11.2 + chain + 11.2
        if GRAPH_MIN * st.width > content - 2:
            main += 16  # the graph scrolls sideways: a scrollbar
        tallest = max(tallest, main + max(table, steps))
    return top + tallest + bottom + 4  # 4: rounding


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
    page, _ = backward_frame(root, title=title, max_cells=max_cells)
    if path is not None:
        write_page(path, page)
    return Page(page, path)


def backward_frame(
    root: Value,
    *,
    title: str | None = None,
    max_cells: int | None = MAX_CELLS,
    timeout: float | None = viz.TIMEOUT,
) -> tuple[str, FrameHeight]:
    """`backward_page(root)`, and the height it takes in a frame (autograd_lite.display's);
    `timeout`: the seconds each picture may take to draw."""
    if not isinstance(root, Value):
        raise TypeError(f"backward_page() takes a Value (the root of a graph), got {type(root).__name__}")
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
        return _render_pass(root, order, title, timeout)
    finally:
        for n, g in zip(order, saved):
            n.grad = g


def _render_pass(
    root: Value, order: list[Value], title: str | None, timeout: float | None
) -> tuple[str, FrameHeight]:
    forward = explain(root)  # no grad is set here, so it prints no grads line
    stepper = BackwardStepper(root)
    names = stepper.names
    ids = node_ids(order)  # the ids viz.draw gives the value boxes, to mark the current one
    rname = names[root]
    total = stepper.total
    first, text = _state_section(stepper, None, ids, names, order, timeout)
    sections, texts = [first], [text]
    entries = []
    for step in stepper:
        section, text = _state_section(stepper, step, ids, names, order, timeout)
        sections.append(section)
        texts.append(text)
        entries.append(
            f'<li data-step="{step.index}"><a href="#step-{step.index}">'
            f"{escape(_step_heading(step, names))}</a></li>"
        )
    title = title if title is not None else f"Backprop step by step: {rname} = {expression(root, names)}"
    plural = "step" if total == 1 else "steps"
    spread = bool(viz.spread_leaves(order))
    shared = (
        '\n<li><span class="swatch" style="background:#fff;border:2px dashed #333"></span\n'
        ">one value, drawn at each of its uses (used n×)</li>"
        if spread
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
    legend = ["input", "parameter", f"root ({rname})", "this step's node", "passed its grad on"]
    legend += ["one value, drawn at each of its uses (used n×)"] if spread else []
    height = _stepper_height(title, _text(_SUB.search(body)), texts, len(order), legend)
    return document(title, body, script=STEPPER_JS, css=STEPPER_CSS), height


def _step_heading(step, names) -> str:
    return f"Step {step.index}: {step.name} = {expression(step.node, names)}"


def _state_section(
    stepper: BackwardStepper, step, ids, names, order, timeout: float | None
) -> tuple[str, _StateText]:
    """One state of the pass: the graph, the chain-rule lines and the values table (and their text,
    for the page's height in a frame)."""
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
    drawing = stepper.draw(max_nodes=None, title=None, compact=True)
    label = f"the graph of {rname}: " + ("before the first step" if k == 0 else f"after step {k}")
    svg = svg_inline(render_svg(drawing, timeout=timeout), label=label, current=ids.get(current))
    updated = {id(p.parent) for p in step.parents} if step is not None else set()
    rows = []
    rows_text = []  # each row's text, to tell how wide the table is
    for node in reversed(order):  # root first, like the text tree
        what = names[node] if node.op is None else f"{names[node]} = {expression(node, names)}"
        grad = _grad_cell(node, state[node])
        rows_text.append(f"{what}   {fmt(node.data)}   {grad_text(node, state[node])}")
        cls = "current" if node is current else ("updated" if id(node) in updated else "")
        rows.append(
            f'<tr class="{cls}" data-name="{escape(names[node])}"><td>{escape(what)}</td>'
            f'<td class="num">{escape(fmt(node.data))}</td><td class="num grad">{grad}</td></tr>'
        )
    table = (
        '<table class="values"><thead><tr><th>value</th><th class="num">data</th>'
        f'<th class="num">grad</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    section = (
        f'<section class="state" id="step-{k}" data-step="{k}" aria-label="{escape(heading)}">\n'
        f'<h2>{escape(heading)}</h2>\n<figure class="graph">{svg}</figure>\n'
        f'<div class="chain panel"><h3>Chain rule</h3>{text}</div>\n'
        f'<div class="vals panel"><h3>Values</h3>{table}</div>\n</section>\n'
    )
    size = _SIZE.search(svg)
    assert size is not None  # svg_inline writes both
    paragraphs = [_text(m) for m in _PARAGRAPH.finditer(text)]
    lines = step.lines() if step is not None else []
    widest = max((len(r) for r in rows_text), default=0)
    return section, _StateText(heading, paragraphs, lines, k, int(size.group(1)), int(size.group(2)), widest)


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
