"""What a model file must hold, and the words for each way one can be wrong.

`Module.load` reads the JSON (nn.module: the file and its size), then hands the
document here: `check` type-checks every field before anything is built, and
each refusal names the file, the key and what is accepted.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .functional import ACTIVATIONS

FORMAT = "autograd_lite.nn"


def check(doc: dict, class_name: str, path, *, inits: tuple[str, ...]) -> tuple[dict, dict]:
    """The (config, state) of a model file's document, every field checked, for a `class_name`."""
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path}: not an autograd_lite model file (no 'format': {FORMAT!r})")
    unexpected = [k for k in doc if k not in FILE_KEYS]
    if unexpected:
        raise ValueError(
            f"{path}: unexpected key {some(unexpected)}; a model file holds {', '.join(FILE_KEYS)}"
        )
    version = doc.get("version")
    if type(version) is not int or version != 1:
        raise ValueError(f"{path}: key 'version' is {show(version)}; this autograd_lite reads version 1")
    if doc.get("class") != class_name:
        held = doc.get("class")
        hint = (
            f": use nn.{held}.load, or nn.Module.load (any model file)"
            if isinstance(held, str) and held in CONFIG_KEYS
            else ""
        )
        raise ValueError(f"{path}: holds a {show(held)}, not a {class_name}{hint}")
    config = doc.get("config")
    if not isinstance(config, dict):
        raise ValueError(f"{path}: key 'config' is missing or not a mapping")
    config = check_config(class_name, config, path, inits)
    state = doc.get("state")
    if not isinstance(state, dict):
        raise ValueError(f"{path}: key 'state' is missing or not a mapping of names to numbers")
    return config, state


#: The top-level keys of a model file, in the order `save` writes them.
FILE_KEYS = ("format", "version", "class", "config", "state")

#: The keys of each class's 'config' in a model file, and which of them must be there.
CONFIG_KEYS = {
    "Neuron": (("nin",), ("activation", "init", "fine")),
    "Layer": (("nin", "nout"), ("activation", "init", "fine")),
    "MLP": (("nin", "nouts"), ("activation", "output_activation", "init", "fine")),
    "Linear": (("in_features", "out_features"), ("bias",)),
    "Sequential": (("layers",), ()),
}

#: The entries of a Sequential's 'config.layers': each a mapping with a 'type' and its arguments.
LAYER_KEYS = {
    "Linear": ("in_features", "out_features", "bias"),
    "ReLU": (),
    "Tanh": (),
    "Sigmoid": (),
    "LeakyReLU": ("negative_slope",),
    "Identity": (),
    "Sequential": ("layers",),
}


class DuplicateKey(ValueError):
    """A JSON object with the same key twice (json.load would keep the last one silently)."""


def no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    """json.load's object_pairs_hook: the object as a dict, or DuplicateKey naming the repeated key."""
    doc = {}
    for key, value in pairs:
        if key in doc:
            raise DuplicateKey(f"key {key!r} appears twice")
        doc[key] = value
    return doc


def check_config(class_name: str, config: dict, path, inits: tuple[str, ...]) -> dict:
    """A model file's 'config', every key type-checked: the constructor's arguments."""
    required, optional = CONFIG_KEYS[class_name]
    known = required + optional
    unexpected = [k for k in config if k not in known]
    if unexpected:
        raise ValueError(
            f"{path}: key 'config' has unexpected key {some(unexpected)}; "
            f"a {class_name} config holds {', '.join(known)}"
        )
    missing = [k for k in required if k not in config]
    if missing:
        raise ValueError(f"{path}: key 'config' is missing {some(missing)}")
    activations = ", ".join(repr(a) for a in ACTIVATIONS) + " or null"
    for key, value in config.items():
        where = f"{path}: key 'config.{key}' is {show(value)}"
        if key in ("nin", "nout", "in_features", "out_features"):
            if not _is_count(value):
                raise ValueError(f"{where}; accepted: a whole number >= 1")
        elif key == "nouts":
            if not isinstance(value, list) or not value or not all(_is_count(n) for n in value):
                raise ValueError(
                    f"{where}; accepted: a non-empty list of whole numbers >= 1, e.g. [16, 16, 1]"
                )
        elif key in ("activation", "output_activation"):
            if value is not None and (not isinstance(value, str) or value not in ACTIVATIONS):
                raise ValueError(f"{where}; accepted: {activations}")
        elif key == "init":
            if not isinstance(value, str) or value not in inits:
                raise ValueError(f"{where}; accepted: {', '.join(repr(i) for i in inits)}")
        elif key in ("fine", "bias") and not isinstance(value, bool):
            raise ValueError(f"{where}; accepted: true or false")
        elif key == "layers":
            check_layers(value, path, "config.layers")
    return dict(config)


def check_layers(layers, path, where: str) -> None:
    """A Sequential's list of layer entries, each checked (nested Sequentials too)."""
    if not isinstance(layers, list):
        raise ValueError(f"{path}: key {where!r} is {show(layers)}; accepted: a list of layers")
    for i, entry in enumerate(layers):
        at = f"{where}[{i}]"
        kind = entry.get("type") if isinstance(entry, dict) else None
        if not isinstance(kind, str) or kind not in LAYER_KEYS:
            raise ValueError(
                f"{path}: key {at!r} is {show(entry)}; accepted: a mapping with 'type' one of "
                f"{', '.join(LAYER_KEYS)}"
            )
        unexpected = [k for k in entry if k != "type" and k not in LAYER_KEYS[kind]]
        if unexpected:
            raise ValueError(f"{path}: key {at!r} has unexpected key {some(unexpected)} for a {kind}")
        for key, value in entry.items():
            shown = f"{path}: key '{at}.{key}' is {show(value)}"
            if key in ("in_features", "out_features") and not _is_count(value):
                raise ValueError(f"{shown}; accepted: a whole number >= 1")
            if key == "bias" and not isinstance(value, bool):
                raise ValueError(f"{shown}; accepted: true or false")
            if key == "negative_slope" and finite_float(value) is None:
                raise ValueError(f"{shown}; accepted: a finite number")
            if key == "layers":
                check_layers(value, path, f"{at}.layers")
        if kind == "Linear" and not {"in_features", "out_features"} <= entry.keys():
            raise ValueError(f"{path}: key {at!r}: a Linear needs in_features and out_features")
        if kind == "Sequential" and "layers" not in entry:
            raise ValueError(f"{path}: key {at!r}: a Sequential needs layers")


def _is_count(n) -> bool:
    return type(n) is int and n >= 1


def finite_float(v) -> float | None:
    """v as a float if it is a real, finite number (not a bool); else None."""
    if isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real):
        return None
    try:
        x = float(v)
    except (OverflowError, ValueError, TypeError):  # an int too large for a float
        return None
    return x if math.isfinite(x) else None


def show(v) -> str:
    """A value for an error message, cut short (a corrupt file may hold anything)."""
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 64:
        return f"an int of about {int(v.bit_length() * 0.30103):,} digits"
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def some(keys: list[str], n: int = 5) -> str:
    """The first n keys for a message, and how many more there are."""
    shown = ", ".join(repr(k) for k in keys[:n])
    return shown + (f" and {len(keys) - n} more" if len(keys) > n else "")
