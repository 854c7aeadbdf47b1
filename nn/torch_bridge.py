"""To PyTorch and back: a model's layers as a plain spec, and that spec as `torch.nn` modules.

nn.module describes a model as a *spec* (`Module._torch_spec()`) and rebuilds one from a spec
(`nn.from_torch`); this module turns a spec into torch modules (`build`) and torch modules into a
spec (`read`). It imports nothing of nn, so nn.module can import it, and torch only inside those
two functions: torch stays optional.

A spec is a tuple, one of
    ("Linear", weight (out, in) float64 array, bias (out,) array or None)
    ("ReLU",) ("Tanh",) ("Sigmoid",) ("Identity",) ("LeakyReLU", negative_slope)
    ("Sequential", [spec, ...])
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: The torch layers a spec can hold, in the words of the refusal.
SUPPORTED = ("Linear", "ReLU", "Tanh", "Sigmoid", "LeakyReLU", "Identity")
ACTIVATIONS = ("ReLU", "Tanh", "Sigmoid", "Identity")

INSTALL = (
    "PyTorch is not installed; nn's to_torch() and from_torch() need it (nothing else does): "
    'pip install -e ".[bench]" installs the pinned CPU torch 2.13.0'
)


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(INSTALL) from None
    return torch


def build(spec: tuple) -> Any:
    """The torch module of a spec, in float64, holding the spec's weights exactly."""
    torch = _torch()
    kind = spec[0]
    if kind == "Sequential":
        return torch.nn.Sequential(*(build(s) for s in spec[1]))
    if kind == "Linear":
        weight, bias = spec[1], spec[2]
        out_features, in_features = weight.shape
        layer = torch.nn.Linear(in_features, out_features, bias=bias is not None, dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(np.array(weight, dtype=np.float64)))
            if bias is not None:
                layer.bias.copy_(torch.from_numpy(np.array(bias, dtype=np.float64)))
        return layer
    if kind == "LeakyReLU":
        return torch.nn.LeakyReLU(negative_slope=spec[1])
    return getattr(torch.nn, kind)()


def read(module: Any, where: str = "") -> tuple:
    """The spec of a torch module: Linear, the supported activations, and Sequentials of them
    (kept nested, as torch names their weights). Anything else is refused, naming the layer."""
    torch = _torch()
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch() takes a torch.nn.Module, got {type(module).__name__}")
    name = type(module).__name__
    nn = torch.nn
    if isinstance(module, nn.Sequential) and type(module).forward is nn.Sequential.forward:
        return (
            "Sequential",
            [read(m, f"{where}.{key}" if where else key) for key, m in module.named_children()],
        )
    if isinstance(module, nn.Linear) and type(module).forward is nn.Linear.forward:
        weight = module.weight.detach().cpu().to(torch.float64).numpy().copy()
        bias = None if module.bias is None else module.bias.detach().cpu().to(torch.float64).numpy().copy()
        return ("Linear", weight, bias)
    if type(module) is nn.LeakyReLU:
        return ("LeakyReLU", float(module.negative_slope))
    if name in ACTIVATIONS and type(module) is getattr(nn, name):
        return (name,)
    layer = f"layer {where}, {name}," if where else name
    raise ValueError(f"{layer} is not supported: only {', '.join(SUPPORTED)}")
