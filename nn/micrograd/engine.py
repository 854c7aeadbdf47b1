"""micrograd.engine: `Value` is autograd_lite's own (micrograd's `_prev` and `_op` included)."""

from autograd_lite.engine import Value

__all__ = ["Value"]
