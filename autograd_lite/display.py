"""How the engine's objects show themselves in Jupyter (the display protocol, `_repr_mimebundle_`).

- A `Value` shows its graph as SVG while it is small enough to read (the
  `draw` limit, viz.MAX_NODES values), drawn compact with "grad not yet" for
  a grad no backward pass reached, so a small graph fits an output cell; past
  that its repr, with a line saying why there is no picture and what to do.
- A stepper (`backward_steps(...)`) shows its page (`to_html()`, byte for
  byte) in a sandboxed iframe, playable in the output cell: `frame()`.

Every display falls back to the text repr, never to a traceback: a renderer
that fails or takes longer than viz.DISPLAY_TIMEOUT seconds, a graph too big
for a page, anything. The objects live a layer below and hand off to this
module through hooks it fills when imported (`import autograd_lite` does).

Why an iframe with the page in `srcdoc`: the page keeps its own script, CSS
and Content-Security-Policy, untouched by the notebook's (pasted in as HTML
its CSS and the notebook's fight, and its script does not run);
`sandbox="allow-scripts"` gives it an origin of its own, so it can reach
nothing of the notebook's. IPython's `HTML("<iframe ...")` would warn on
every display; `_repr_mimebundle_` returning the HTML does not. An iframe
does not grow with its page, so the height is worked out in Python from what
the page holds (`html.FrameHeight`), as a CSS length of the frame's width.
"""

from __future__ import annotations

from html import escape

from . import engine, stepper, viz
from .engine import Value, topological_order
from .html import FrameHeight, backward_frame
from .names import PENDING_SHORT

__all__ = ["frame", "stepper_bundle", "too_big", "value_bundle"]


def _wanted(mime: str, include, exclude) -> bool:
    return (not include or mime in include) and not (exclude and mime in exclude)


def value_bundle(v: Value, include=None, exclude=None) -> dict:
    """A Value's MIME bundle: its graph as SVG (up to viz.MAX_NODES values) and its repr as text;
    past the limit, the repr and a text/html part saying why there is no picture (see `too_big`)."""
    text = repr(v)
    try:
        size = len(topological_order(v))
    except Exception:  # a graph that cannot even be walked: the text says what there is
        return {"text/plain": text}
    if size > viz.MAX_NODES:
        bundle = {"text/plain": text}
        if _wanted("text/html", include, exclude):
            bundle["text/html"] = too_big(text, size)
        return bundle

    def render() -> str:
        picture = viz.draw(v, compact=True, pending=PENDING_SHORT)
        return viz.render_svg(picture, timeout=viz.DISPLAY_TIMEOUT)

    return viz.svg_bundle(render, text, include, exclude)


def too_big(text: str, size: int) -> str:
    """What a Value past the draw limit shows in a notebook: its repr, and why there is no picture."""
    return (
        f"<pre>{escape(text)}</pre>"
        f"<p>A graph of {size:,} values: more than the {viz.MAX_NODES} a picture shows "
        "(<code>draw()</code>'s <code>max_nodes</code>). See it as text with "
        "<code>print(text_tree(v))</code>, or draw it anyway with "
        "<code>draw(v, max_nodes=None)</code> (slow to lay out).</p>"
    )


def frame(page: str, height: FrameHeight, *, title: str) -> str:
    """`page` in a sandboxed `<iframe srcdoc=...>` as tall as the page, as notebooks show it.

    The iframe fills a box whose top padding is the page's height: a padding's percentages are
    of the box's width, so the height can follow the frame's width with no script outside it
    (the first padding is for browsers without CSS min()/clamp(): the height at 800px).
    """
    doc = page.replace("&", "&amp;").replace('"', "&quot;")  # a double-quoted attribute's text
    fallback = round(height.at(800))
    return (
        '<div class="autograd-lite-frame" style="position:relative;width:100%;height:0;'
        f'padding-top:{fallback}px;padding-top:{height.css()}">'
        f'<iframe srcdoc="{doc}" sandbox="allow-scripts" title="{escape(title)}" '
        'style="position:absolute;top:0;left:0;width:100%;height:100%;border:0;margin:0">'
        "</iframe></div>"
    )


def stepper_bundle(steps: stepper.BackwardStepper, include=None, exclude=None) -> dict:
    """A stepper's MIME bundle: its page in a frame (see `frame`) and its repr as text.

    A graph too big for a page (html.MAX_CELLS), or any failure, leaves just the text.
    """
    text = repr(steps)
    bundle = {"text/plain": text}
    if not _wanted("text/html", include, exclude):
        return bundle
    try:
        page, height = backward_frame(steps.root, timeout=viz.DISPLAY_TIMEOUT)
    except Exception:  # too big for a page, a renderer failure or timeout: the text is enough
        return bundle
    title = f"the backward pass of {steps.names[steps.root]}, step by step"
    bundle["text/html"] = frame(page, height, title=title)
    return bundle


engine.register_display(value_bundle)
stepper.register_display(stepper_bundle)
