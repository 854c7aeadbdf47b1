"""micrograd's module names, served by autograd_lite: run micrograd code unchanged.

`install()` makes `import micrograd`, `from micrograd.engine import Value` and
`from micrograd.nn import MLP` find this package for the rest of the process:

    >>> import nn.micrograd
    >>> nn.micrograd.install()
    >>> from micrograd.engine import Value
    >>> from micrograd.nn import MLP
    >>> Value is nn.micrograd.engine.Value
    True

Without a call, a folder with two files does the same (see README, "Coming
from micrograd"): `micrograd/engine.py` holding `from autograd_lite import
Value` and `micrograd/nn.py` holding `from nn.micrograd.nn import *`.
"""

from __future__ import annotations

import sys

from . import engine
from . import nn as nn  # micrograd.nn: Module, Neuron, Layer, MLP with micrograd's signatures

__all__ = ["engine", "install", "nn"]


def install() -> None:
    """Point the names `micrograd`, `micrograd.engine` and `micrograd.nn` at this package.

    For this process only; an installed micrograd is not touched on disk, only
    shadowed. A micrograd imported earlier in the process is replaced, so
    Values from the two never meet by accident: import again after calling.
    """
    here = sys.modules[__name__]
    sys.modules["micrograd"] = here
    sys.modules["micrograd.engine"] = engine
    sys.modules["micrograd.nn"] = nn
