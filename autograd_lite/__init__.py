"""autograd_lite: a scalar reverse-mode autodiff engine for learning backprop."""

from . import display as _display  # noqa: F401  (registers how Values and steppers show in Jupyter)
from . import html as _html  # noqa: F401  (the pages register the stepper's to_html writer on import)
from .engine import (
    NO_GRAD,
    Parameter,
    Value,
    derived,
    derived_data,
    guard,
    has_grad,
    topological_order,
    wsum,
    zero_grad,
)
from .gradcheck import GradcheckReport, gradcheck, numerical_grad
from .modes import detect_anomaly, no_grad
from .ops import OPS, Op
from .stepper import BackwardStep, BackwardStepper, backward_steps, explain
from .tape import Tape, TapeMismatch, Unsupported, trace
from .viz import draw, render_svg, text_tree

__version__ = "0.1.0"

__all__ = [
    "NO_GRAD",
    "OPS",
    "BackwardStep",
    "BackwardStepper",
    "backward_steps",
    "draw",
    "explain",
    "render_svg",
    "text_tree",
    "GradcheckReport",
    "Op",
    "Parameter",
    "Tape",
    "TapeMismatch",
    "Unsupported",
    "Value",
    "derived",
    "derived_data",
    "detect_anomaly",
    "gradcheck",
    "guard",
    "has_grad",
    "no_grad",
    "numerical_grad",
    "topological_order",
    "trace",
    "wsum",
    "zero_grad",
]
