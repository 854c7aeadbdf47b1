"""The colours of every picture and page: the Okabe-Ito palette, told apart with any colour vision.

One place for them: the graph pictures (`viz`), the web pages and the training
plots all read these names, so a parameter is the same orange everywhere.
"""

from __future__ import annotations

#: Okabe & Ito's eight colours by name (lower-case hex, as SVG and CSS take them).
OKABE_ITO: dict[str, str] = {
    "blue": "#0072b2",
    "vermillion": "#d55e00",
    "orange": "#e69f00",
    "green": "#009e73",
    "sky": "#56b4e9",
    "purple": "#cc79a7",
    "yellow": "#f0e442",
    "black": "#000000",
}

#: The order plots give series (lines, classes): the most distinct pairs first.
SERIES: tuple[str, ...] = tuple(
    OKABE_ITO[c] for c in ("blue", "vermillion", "green", "purple", "orange", "sky", "yellow", "black")
)

# The graph pictures: light tints of the palette for fills, so black text stays readable on them.
INPUT = "#cde6f7"  # sky, light: an input leaf
PARAM = "#fbd9a5"  # orange, light: a parameter (a weight or bias)
ROOT = "#f4b9a1"  # vermillion, light: the root (the loss)
INTERIOR = "#ffffff"  # every other value
OP_FILL = "#eeeeee"  # the small op nodes
HIGHLIGHT = "#f6ef9a"  # yellow, light: the stepper's current node (and the page's current row)
HIGHLIGHT_EDGE = OKABE_ITO["vermillion"]  # its thick border
DONE_EDGE = OKABE_ITO["blue"]  # the border of a node that has passed its grad on
GRAD_HOT = (0xE6, 0x9F, 0x00)  # orange as (r, g, b): the largest |grad| when colouring by grad
