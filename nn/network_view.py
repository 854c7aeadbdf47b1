"""Inside the network, for the replay page: its neurons and weights, each neuron's map over the plane,
the network drawn with its weights as lines, and one example's backward pass at given weights.

`network(model)` reads an MLP, a Layer or a Sequential of Linear and activation modules as layers of
neurons (each neuron: the indices of its weights and bias among `model.named_parameters()`, and the
function from the layer's inputs to its outputs). A model it cannot read (your own Module) gets None:
the replay then shows its output alone and says why.

Maps use one diverging scale on the whole page, the output's: blue (class 0) below 0, white at 0,
vermillion (class 1) above it, in BANDS shades each way, as tiny palette PNGs. Nothing here trains:
the maps and the backward pass run the model's own forward and the engine's own backward.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import numpy as np

from autograd_lite import Value, no_grad
from autograd_lite.engine import NO_GRAD, topological_order
from autograd_lite.palette import OKABE_ITO
from autograd_lite.stepper import BackwardStepper

from .datasets import features as feature_columns
from .module import MLP, Activation, Layer, Linear, Sequential

#: A neuron's map: MAP_RES x MAP_RES cells over the plane, one byte each before compression.
MAP_RES = 40
#: Shades each side of 0 in a map (so 2 * MAP_BANDS + 1 colours).
MAP_BANDS = 8
#: The page draws the network (every weight a line, every hidden neuron a map at every recorded
#: epoch) for at most this many hidden neurons and parameters: frames x neurons x a map's ~0.5 kB
#: and frames x parameters x ~20 B stay a few MB, and a drawing stays readable.
MAX_MAP_NEURONS = 64
MAX_DRAWN_PARAMETERS = 1_000

#: The text the page keeps per recorded epoch is bounded too: each weight's optimizer step (its
#: tooltip's lines) for at most STEP_BUDGET weight-epochs, and the backward pass's chain-rule lines
#: for at most LINE_BUDGET line-epochs; past them, every k-th recorded epoch keeps them (and the last).
STEP_BUDGET = 6_000
LINE_BUDGET = 12_000

NEGATIVE, POSITIVE = OKABE_ITO["blue"], OKABE_ITO["vermillion"]


@dataclass
class Unit:
    """One neuron: its weights' and bias's indices among the model's named parameters."""

    weights: list[int]
    bias: int | None


@dataclass
class Network:
    """The model as layers of neurons (hidden layers, then the output layer)."""

    inputs: list[str]  # the input nodes' names: x1, x2 or the feature names
    layers: list[list[Unit]]
    activations: list[str]  # each layer's activation ("linear" for none)
    names: list[str]  # every parameter's name, in named_parameters() order
    labels: list[str]  # every parameter's label (what the stepper's lines call it)
    #: each layer as a function of the previous layer's outputs (lists of Values)
    stages: list[Callable[[list[Value]], list[Value]]] = field(repr=False, default_factory=list)

    @property
    def hidden(self) -> int:
        return sum(len(layer) for layer in self.layers[:-1])

    @property
    def mapped_layers(self) -> int:
        """How many layers have a map per neuron: the hidden ones, and the output layer too when it has
        several neurons (one output is shown by the regions)."""
        return len(self.layers) if len(self.layers[-1]) > 1 else len(self.layers) - 1

    def keys(self) -> list[str]:
        """Every neuron's key "L.i" (layer and neuron, from 1), hidden and output."""
        return [f"{li + 1}.{ni + 1}" for li, layer in enumerate(self.layers) for ni in range(len(layer))]

    def about(self) -> list[str]:
        """What each parameter is, as the tooltip says it: "weight from a1.2 into neuron 2.3"."""
        out = [""] * len(self.names)
        for li, layer in enumerate(self.layers):
            linear = li == 0 or self.activations[li - 1] == "linear"
            for ni, unit in enumerate(layer):
                key = f"{li + 1}.{ni + 1}"
                for k, wi in enumerate(unit.weights):
                    source = self.inputs[k] if li == 0 else f"{'z' if linear else 'a'}{li}.{k + 1}"
                    out[wi] = f"weight from {source} into neuron {key}"
                if unit.bias is not None:
                    out[unit.bias] = f"bias of neuron {key}"
        return out

    def weight_layers(self) -> list[list[int]]:
        """Each layer's weight indices (biases apart): the per-layer gradient chart's groups."""
        return [[w for u in layer for w in u.weights] for layer in self.layers]


def network(model, inputs: list[str]) -> Network | None:
    """The layers of neurons of an MLP, Layer or Sequential of Linear and activations; else None."""
    index = {id(p): i for i, (_, p) in enumerate(model.named_parameters())}
    names = [name for name, _ in model.named_parameters()]
    labels = [p.label or name for name, p in model.named_parameters()]

    def units(layer: Layer) -> list[Unit]:
        return [
            Unit([index[id(w)] for w in n.w], index[id(n.b)] if n.has_bias else None) for n in layer.neurons
        ]

    stages: list[Callable[[list[Value]], list[Value]]]
    if isinstance(model, MLP):
        layers = list(model.layers)
        stages = [layer.forward for layer in layers]
        acts = [layer.activation or "linear" for layer in layers]
    elif isinstance(model, Layer) and not isinstance(model, Linear):
        layers, stages, acts = [model], [model.forward], [model.activation or "linear"]
    elif isinstance(model, Sequential | Linear):
        flat = model._flat() if isinstance(model, Sequential) else [model]
        layers, stages, acts = [], [], []
        for m in flat:
            if isinstance(m, Linear):
                layers.append(m)
                stages.append(m.forward)
                acts.append("linear")
            elif isinstance(m, Activation) and layers:
                stages[-1] = _then(stages[-1], m)
                acts[-1] = m.name if acts[-1] == "linear" else f"{acts[-1]}, {m.name}"
            else:
                return None
    else:
        return None
    return Network(inputs, [units(layer) for layer in layers], acts, names, labels, stages)


def _then(stage, act: Activation):
    return lambda x: [act.fn(v) for v in stage(x)]


def grid(extent: tuple[float, float, float, float], res: int) -> np.ndarray:
    """res x res points over the extent, row by row from the top (y max) down: (res*res, 2)."""
    gx = np.linspace(extent[0], extent[1], res)
    gy = np.linspace(extent[3], extent[2], res)
    mx, my = np.meshgrid(gx, gy)
    return np.column_stack([mx.ravel(), my.ravel()])


def model_inputs(points: np.ndarray, features: tuple[str, ...] | None) -> np.ndarray:
    """What the model reads at these points of the plane: the points, or their feature columns."""
    return points if features is None else feature_columns(points, features)


def activations(net: Network, X: np.ndarray) -> list[np.ndarray]:
    """Every neuron's output at each row of X (the model's inputs), layer by layer: one array per
    layer, (neurons, rows); the model's own forward on lanes, without a graph."""
    with no_grad(), np.errstate(all="ignore"):
        x = [Value(np.ascontiguousarray(X[:, j])) for j in range(X.shape[1])]
        out = []
        for stage in net.stages:
            x = list(stage(x))
            out.append(np.array([np.broadcast_to(v.data, (len(X),)) for v in x], dtype=np.float64))
    return out


# --- maps -------------------------------------------------------------------------------------


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def map_palette() -> list[tuple[int, int, int]]:
    """2 * MAP_BANDS + 1 colours: deep blue ... pale blue, white, pale vermillion ... deep vermillion."""

    def tint(colour: str, a: float) -> tuple[int, int, int]:
        r, g, b = _rgb(colour)
        return (round(255 * (1 - a) + r * a), round(255 * (1 - a) + g * a), round(255 * (1 - a) + b * a))

    steps = [0.85 * (k / MAP_BANDS) for k in range(1, MAP_BANDS + 1)]
    return (
        [tint(NEGATIVE, a) for a in reversed(steps)] + [(255, 255, 255)] + [tint(POSITIVE, a) for a in steps]
    )


def scale(maps: list[np.ndarray]) -> float:
    """The number drawn deepest: the 99th percentile of |value| over these maps (1 if all are 0)."""
    finite = np.concatenate([np.abs(m[np.isfinite(m)]).ravel() for m in maps]) if maps else np.zeros(0)
    s = float(np.percentile(finite, 99)) if finite.size else 0.0
    return s if s > 1e-12 else 1.0


def cells(values: np.ndarray, s: float) -> np.ndarray:
    """Palette indices of values on the scale ±s (nan: white)."""
    with np.errstate(invalid="ignore"):
        k = np.rint(np.clip(np.nan_to_num(values / s, nan=0.0), -1.0, 1.0) * MAP_BANDS)
    return (k + MAP_BANDS).astype(np.uint8)


def number(v: float) -> str:
    """A number as the page writes it: 4 significant digits."""
    return "nan" if v != v else f"{v:.4g}"


# --- the drawing ----------------------------------------------------------------------------------

NODE = 44  # a neuron's square, in SVG units
COLUMN = 118  # from one layer's column to the next
ROW = 56  # from one neuron to the next in a column
TOP, LEFT = 40, 64  # room for the layers' captions, and the inputs' names


@dataclass
class Layout:
    """Where the drawing puts each node: (x, y) of its square's top-left corner, and the squares' size."""

    inputs: list[tuple[float, float]]
    layers: list[list[tuple[float, float]]]
    width: float
    height: float
    node: float = NODE


#: Columns taller than this many neurons get smaller squares, closer together, so a wide layer does
#: not shrink the whole drawing (and its text) to fit its height.
TALL = 10


def layout(net: Network) -> Layout:
    columns = [len(net.inputs)] + [len(layer) for layer in net.layers]
    tallest = max(columns)
    row = ROW * min(1.0, TALL / tallest)
    node = min(NODE, row - 8)
    height = TOP + tallest * row + 24
    spots = []
    for c, count in enumerate(columns):
        x = float(LEFT + c * COLUMN)
        y0 = TOP + (tallest - count) * row / 2
        spots.append([(x, y0 + k * row) for k in range(count)])
    return Layout(spots[0], spots[1:], LEFT + (len(columns) - 1) * COLUMN + NODE + 20, height, node)


def widest(net: Network) -> float:
    """The widest a weight line is drawn: 8, less where columns are tall (their lines lie closer)."""
    tallest = max([len(net.inputs)] + [len(layer) for layer in net.layers])
    return round(0.6 + 7.4 * min(1.0, 8 / tallest), 2)


def width_of(w: float, top: float, most: float = 8.0) -> float:
    """A weight line's width: 0.6 for 0, up to `most` at |w| = top and beyond."""
    return round(0.6 + (most - 0.6) * min(abs(w) / top, 1.0), 2) if w == w else 0.6


def colour_of(w: float) -> str:
    return POSITIVE if w >= 0 else NEGATIVE


def drawing(net: Network, weights: np.ndarray, top: float, input_maps: list[str] | None,
            maps: list[str] | None, output: str) -> str:  # fmt: skip
    """The network as SVG: every weight a line (data-weight: its name), every neuron a map (data-neuron
    "L.i"), every bias a mark on its neuron; weights and maps as at one frame (the script moves them)."""
    at = layout(net)
    size = at.node
    most = widest(net)
    parts = [
        f'<svg class="net" viewBox="0 0 {at.width:.0f} {at.height:.0f}" role="img" '
        'aria-label="the network: each neuron\'s output over the plane, each weight a line">'
    ]
    captions = ["input"] + [
        "output" if i == len(net.layers) - 1 else f"layer {i + 1}" for i in range(len(net.layers))
    ]
    for c, caption in enumerate(captions):
        x = LEFT + c * COLUMN + size / 2
        sub = (
            ""
            if c == 0
            else f'<tspan x="{x:.0f}" dy="1.1em" class="act">{escape(net.activations[c - 1])}</tspan>'
        )
        parts.append(f'<text class="caption" x="{x:.0f}" y="14" text-anchor="middle">{caption}{sub}</text>')
    sources = at.inputs
    lines, nodes = [], []
    for li, layer in enumerate(net.layers):
        for ni, unit in enumerate(layer):
            x, y = at.layers[li][ni]
            for k, wi in enumerate(unit.weights):
                sx, sy = sources[k]
                x0, y0, x1, y1 = sx + size, sy + size / 2, x, y + size / 2
                mid = (x0 + x1) / 2
                w = float(weights[wi])
                lines.append(
                    f'<path class="w" data-weight="{escape(net.names[wi])}" data-i="{wi}" '
                    f'd="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}" '
                    f'stroke="{colour_of(w)}" stroke-width="{width_of(w, top, most)}" fill="none"/>'
                )
        sources = at.layers[li]
    for k, (x, y) in enumerate(at.inputs):
        href = f' href="{input_maps[k]}"' if input_maps else ""
        nodes.append(
            f'<g class="node input" data-input="{k + 1}">'
            f'<image x="{x}" y="{y}" width="{size:g}" height="{size:g}"'
            f'{href} preserveAspectRatio="none"/><rect x="{x}" y="{y}" width="{size:g}" height="{size:g}" '
            f'fill="{"none" if input_maps else "#f4f4f4"}" stroke="#555"/>'
            f'<text x="{x - 6}" y="{y + size / 2 + 5}" text-anchor="end">{escape(net.inputs[k])}</text></g>'
        )
    m = 0
    last = len(net.layers) - 1
    for li, layer in enumerate(net.layers):
        for ni, unit in enumerate(layer):
            x, y = at.layers[li][ni]
            key = f"{li + 1}.{ni + 1}"
            if li == last and len(layer) == 1:
                href = output  # one output: the regions
            else:
                href = maps[m] if maps else ""
                m += 1
            image = (
                f'<image x="{x}" y="{y}" width="{size:g}" height="{size:g}" href="{href}" '
                'preserveAspectRatio="none"/>'
            )
            bias = ""
            if unit.bias is not None:
                b = float(weights[unit.bias])
                r = round(2.5 + 4.5 * min(abs(b) / top, 1.0), 2)
                bias = (
                    f'<rect class="b" data-weight="{escape(net.names[unit.bias])}" data-i="{unit.bias}" '
                    f'x="{x - 4}" y="{y + size - 6}" width="{2 * r:.1f}" height="{2 * r:.1f}" '
                    f'fill="{colour_of(b)}" stroke="#111" stroke-width="0.8"/>'
                )
            nodes.append(
                f'<g class="node" data-neuron="{key}" tabindex="0" role="button" '
                f'aria-label="neuron {key}: show its map">{image if href or li < last else ""}'
                f'<rect class="frame" x="{x}" y="{y}" width="{size:g}" height="{size:g}" '
                f'fill="{"none" if href else "#f4f4f4"}" '
                f'stroke="#555"/>{bias}</g>'
            )
    parts += ['<g class="weights">', *lines, "</g>", '<g class="nodes">', *nodes, "</g></svg>"]
    return "\n".join(parts)


# --- one example's backward pass ---------------------------------------------------------------


def example_loss(
    net: Network, x: np.ndarray, target, loss_fn
) -> tuple[Value, dict[int, str], list[list[Value]]]:
    """One example's loss through the network, as a graph of scalars with its nodes named as the page
    names them (inputs x1, x2 or the features, z2.3 a neuron's weighted sum, a2.3 its activation, L
    the loss); also which neuron each node belongs to ("L.i" by id) and every neuron's output."""
    h: list[Value] = [Value(float(v), label=net.inputs[j]) for j, v in enumerate(x)]
    owner: dict[int, str] = {}
    outs: list[list[Value]] = []
    for li, stage in enumerate(net.stages):
        before = {id(v) for v in h}
        h = list(stage(h))
        outs.append(h)
        for ni, v in enumerate(h):
            key = f"{li + 1}.{ni + 1}"
            stack = [v]
            while stack:  # the neuron's own nodes: from its output back to its inputs and weights
                node = stack.pop()
                if id(node) in owner or id(node) in before or not node.parents:
                    continue
                owner[id(node)] = key
                node.label = ("z" if node.op == "wsum" else "a") + key
                stack.extend(node.parents)
    loss = loss_fn(h[0] if len(h) == 1 else h, target)
    loss.label = "L"
    return loss, owner, outs


def backprop(net: Network, params: list[Value], x: np.ndarray, target, loss_fn) -> dict:
    """One training example's backward pass through the model at its current weights, step by step,
    as the stepper writes it (autograd_lite.stepper): each step's chain-rule lines and the neuron it
    belongs to ("L.i", or "" for the loss), and the data and grad each neuron and weight ends with.
    The parameters' grads are put back as they were."""
    loss, owner, outs = example_loss(net, x, target, loss_fn)
    order = topological_order(loss)
    saved = [n.grad for n in order]
    try:
        for n in order:
            n.grad = NO_GRAD
        steps = [{"on": owner.get(id(s.node), ""), "lines": s.lines()} for s in BackwardStepper(loss).run()]
        return {
            "x": [number(float(v)) for v in x],
            "loss": number(float(loss.data)),
            "steps": steps,
            "neurons": [[number(float(v.data)), _grad(v)] for layer in outs for v in layer],
            "grads": [_grad(p) for p in params],
        }
    finally:
        for n, g in zip(order, saved):
            n.grad = g


def _grad(v: Value) -> str:
    return "—" if v.grad is NO_GRAD else number(float(v.grad))


# --- the page's pieces ----------------------------------------------------------------------------


@dataclass
class Inside:
    """What the replay page adds for a network it can read: markup, and data for its script."""

    network: str  # the network's figure: the drawing, its legend, the weight inspector
    showing: str  # the line above the big map: what it shows, and the way back to the output
    scale_legend: str  # a neuron map's colour scale (shown while a neuron is)
    backprop: str  # the backward-pass section
    data: dict  # for the script: the neurons, the parameters' names, the rule, the scales
    grad_chart: str = ""


def data_url(image: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


def pieces(rp, frames: list[dict], png: Callable[[np.ndarray, list], bytes]) -> Inside:
    """The network's part of the replay page for Replay `rp`; each of `frames` (the page's, one per
    recorded epoch) gets its maps, weights, grads, optimizer steps and backward pass."""
    net: Network = rp.net
    colours = map_palette()
    keys = net.keys()
    sizes = [len(layer) for layer in net.layers[: net.mapped_layers]]
    mapped_keys = keys[: sum(sizes)]
    layer_of = [li for li, n in enumerate(sizes) for _ in range(n)]
    # one scale per layer for the whole run, robust to a blow-up's last frames: the 90th percentile
    # over the frames of each frame's 99th percentile of |output|
    scales = [
        _over_frames([scale([m[[i for i, at in enumerate(layer_of) if at == li]]]) for m in rp.maps])
        for li in range(len(sizes))
    ]
    input_urls = None
    if rp.input_maps is not None:
        input_urls = [data_url(png(cells(m, scale([m])), colours)) for m in rp.input_maps]
    per_frame = [np.abs(w[np.isfinite(w)]) for w in rp.weights]
    top = _over_frames([float(np.percentile(w, 95)) if w.size else 0.0 for w in per_frame])
    rule = ""
    templates: dict[str, int] = {}
    n_params = len(net.names)
    # the recorder kept the optimizer's steps and the backward pass within their budgets
    ex_every, bp_every = rp.ex_every, rp.bp_every
    state_keys: list[str] = []
    explained = [[None if st is None or st[k] is None else list(st[k].lines) for st in rp.steps]
                 for k in range(n_params)]  # fmt: skip
    packed_ex = [pack(series, templates) for series in explained]
    longest = max((len(b["steps"]) for b in rp.backprops if b), default=0)
    step_lines = [[b["steps"][k]["lines"] if b and k < len(b["steps"]) else None for b in rp.backprops]
                  for k in range(longest)]  # fmt: skip
    packed_bp = [pack(series, templates) for series in step_lines]
    for i, f in enumerate(frames):
        if rp.maps:
            f["maps"] = [
                data_url(png(cells(m, scales[layer_of[k]]), colours)) for k, m in enumerate(rp.maps[i])
            ]
        f["w"] = [float(number(v)) if v == v else None for v in rp.weights[i].tolist()]
        g = rp.grads[i]
        f["g"] = None if g is None else [number(v) if v == v else "—" for v in g.tolist()]
        steps = rp.steps[i]
        if steps is not None:
            f["exl"], f["ex"] = _shared([packed_ex[k][i] for k in range(n_params)])
            f["st"] = [None if e is None else _state_row(e.state, state_keys) for e in steps]
            rule = rule or next((e.rule for e in steps if e is not None), "")
        bp = rp.backprops[i]
        if bp is not None:
            bp = dict(bp, steps=[dict(s, lines=packed_bp[k][i]) for k, s in enumerate(bp["steps"])])
        f["bp"] = bp
    final = frames[-1]
    drawing_svg = drawing(net, rp.weights[-1], top, input_urls, final.get("maps"), final["png"])
    network_html = f"""<figure class="network panel" id="network">
<figcaption><b>The network</b> <span class="hint">click a neuron for its map, point at or tap a weight
for its numbers</span></figcaption>
{drawing_svg}
<ul class="legend">
<li><svg viewBox="0 0 24 12" aria-hidden="true"><line x1="0" y1="6" x2="24" y2="6" stroke="{POSITIVE}"
 stroke-width="4"/></svg>weight &gt; 0</li>
<li><svg viewBox="0 0 24 12" aria-hidden="true"><line x1="0" y1="6" x2="24" y2="6" stroke="{NEGATIVE}"
 stroke-width="4"/></svg>weight &lt; 0</li>
<li>thicker: larger |w| (full width at |w| &#8805; {number(top)})</li>
<li><svg viewBox="0 0 12 12" aria-hidden="true"><rect x="2" y="2" width="8" height="8" fill="#777"
 stroke="#111"/></svg>bias, on its neuron</li>
</ul>
<div class="inspect panel" id="inspect" role="status" aria-live="polite" hidden></div>
</figure>"""
    showing = (
        f'<p class="showing"><span id="showing">{escape(output_label(rp))}</span> '
        '<button type="button" id="to-output" hidden>Show the output</button></p>'
    )
    bands = "".join(
        f'<rect x="{i * 12}" y="0" width="12" height="12" fill="rgb{c}"/>' for i, c in enumerate(colours)
    )
    scale_legend = (
        f'<p class="scale" id="scale" hidden><svg viewBox="0 0 {12 * len(colours)} 12" aria-hidden="true">'
        f'{bands}</svg> <span id="scale-text"></span></p>'
    )
    bp0 = next(b for b in reversed(rp.backprops) if b is not None)
    backprop_html = f"""<section class="backprop panel" id="backprop" aria-label="Backprop at this epoch">
<h2>Backprop at <span id="bp-epoch">this epoch</span>: one training example</h2>
<p id="bp-none" hidden>This page keeps the backward pass every {bp_every} frames (each is a few hundred
chain-rule lines): move the slider to one of those epochs.</p>
<div id="bp-body">
<p class="sub" id="bp-what">example {bp0.get("example", 0)}: x = ({", ".join(bp0["x"])}),
loss L = {bp0["loss"]}</p>
<p>The chain rule that moved the weights: the engine's backward pass (autograd_lite's stepper) for one
training example, the one the trained model gets most wrong, at this epoch's weights. Each step passes
a node's grad to its parents; the neuron it belongs to is marked in the network (z2.3 is neuron 2.3's
weighted sum, a2.3 its activation).</p>
<div class="bp-controls"><button type="button" id="bp-prev">&#8592; Previous</button>
<span id="bp-step" class="where"></span>
<button type="button" id="bp-next" class="primary">Next &#8594;</button></div>
<pre id="bp-lines"></pre>
<p class="code">Every step with its graph, for any training example at this epoch, in the backward-pass
page: <code>history.replay.backward_steps(<span id="bp-code-epoch">{rp.frame_epochs[-1]}</span>,
example={bp0.get("example", 0)}).to_html("backprop.html", max_cells=None)</code></p>
</div>
</section>"""
    names = net.names
    data = {
        "neurons": keys,
        "mapped": mapped_keys,
        "activations": [net.activations[int(k.split(".")[0]) - 1] for k in keys],
        "names": names,
        "rule": rule,
        "optimizer": rp.optimizer,
        "top": top,
        "scales": [number(scales[layer_of[k]]) for k in range(len(mapped_keys))],
        "maps": bool(rp.maps),
        "note": rp.maps_note,
        "features": list(rp.features) if rp.features else None,
        "outputLabel": output_label(rp),
        "templates": list(templates),
        "stateKeys": [f"{STATE_SYMBOLS[k]} ({k})" if k in STATE_SYMBOLS else k for k in state_keys],
        "labels": net.labels,
        "about": net.about(),
        "exEvery": ex_every,
        "bpEvery": bp_every,
        "widest": widest(net),
        "positive": POSITIVE,
        "negative": NEGATIVE,
    }
    return Inside(network_html, showing, scale_legend, backprop_html, data)


def _shared(rows: list[list | None]) -> tuple[list, list[list[int] | None]]:
    """Rows of lines as one table of distinct lines and each row's indices into it (the lines all
    weights share, such as Adam's bias corrections at step t, are kept once)."""
    table: list = []
    index: dict[str, int] = {}
    out: list[list[int] | None] = []
    for row in rows:
        if row is None:
            out.append(None)
            continue
        ids = []
        for line in row:
            key = repr(line)
            if key not in index:
                index[key] = len(table)
                table.append(line)
            ids.append(index[key])
        out.append(ids)
    return table, out


def output_label(rp) -> str:
    """What the big map shows when no neuron is picked."""
    return (
        "Output: the class the model predicts"
        if rp.classes
        else "Output: the model's prediction over the plane"
    )


def _over_frames(values: list[float]) -> float:
    """The 90th percentile of per-frame values (1 if there are none or all are 0)."""
    finite = [v for v in values if math.isfinite(v)]
    top = float(np.percentile(finite, 90)) if finite else 0.0
    return top if top > 1e-9 else 1.0


def kept_every(cost: int, budget: int) -> int:
    """Keep every k-th recorded epoch's text so that cost / k stays within budget."""
    return max(1, math.ceil(cost / budget))


#: The optimizers' state under torch's names, and the letter its rule writes (nn.optim.Optimizer.explain).
STATE_SYMBOLS = {
    "step": "t",
    "momentum_buffer": "b",
    "exp_avg": "m",
    "exp_avg_sq": "v",
    "max_exp_avg_sq": "vmax",
    "square_avg": "v",
    "grad_avg": "g̅",
    "exp_inf": "u",
}


def _state_row(state: dict, keys: list[str]) -> list[str]:
    """A parameter's optimizer state as its numbers in the order of `keys` (extended with new names)."""
    for k in state:
        if k not in keys:
            keys.append(k)
    return [
        "" if k not in state else (str(v) if isinstance(v := state[k], int) else number(float(v)))
        for k in keys
    ]


# --- packing the per-epoch text -------------------------------------------------------------------

# A number as the pages write it (a negative one may be bracketed); digits inside a name (x1, z2.3,
# β1) are not numbers here, so they stay in the template.
_NUMBER = re.compile(r"(?<![\w.])(\([−-][\d.]+(?:e[+-]?\d+)?\)|[−-]?\d[\d.]*(?:e[+-]?\d+)?|nan|inf)")


def _parts(line: str) -> tuple[tuple[str, ...], list[str]]:
    """A line's words between its numbers, and its numbers (one regex pass: the group splits both)."""
    pieces = _NUMBER.split(line)
    return tuple(pieces[0::2]), pieces[1::2]


HOLE = "\u0001"


def pack(series: list[list[str] | None], templates: dict[str, int]) -> list[list | None]:
    """The same lines at each recorded epoch (series[frame] is one slot's lines then, or None), as
    templates (kept once in `templates`, text -> index) and the numbers that change between epochs:
    a line becomes [template index, number, ...], filled back in by the page's script. A line whose
    words differ between epochs (the stepper writes `x · 1.0 = 0.5` but `x · 0.5 = 0.3 · 0.5 = 0.15`)
    gets a template per wording. Lossless: filling each template gives the line back."""
    known = [lines_then for lines_then in series if lines_then is not None]
    if not known:
        return list(series)
    lines = max(len(lines_then) for lines_then in known)
    # per line, per wording (its words between the numbers): which numbers change between epochs
    shapes: list[dict[tuple[str, ...], tuple[str, list[bool]]]] = []
    split = [
        [_parts(line) for line in lines_then] if lines_then is not None else None for lines_then in series
    ]
    for j in range(lines):
        columns: dict[tuple[str, ...], list[list[str]]] = {}
        for parts in split:
            if parts is not None and j < len(parts):
                words, numbers = parts[j]
                columns.setdefault(words, []).append(numbers)
        shape = {}
        for wording, seen in columns.items():
            varying = [len(set(c)) > 1 for c in zip(*seen)]
            text = wording[0]
            for k, part in enumerate(wording[1:]):
                text += (HOLE if varying[k] else seen[0][k]) + part
            shape[wording] = (text, varying)
        shapes.append(shape)
    out: list[list | None] = []
    for parts in split:
        if parts is None:
            out.append(None)
            continue
        row: list = []
        for j, (words, numbers) in enumerate(parts):
            text, flags = shapes[j][words]
            tid = templates.setdefault(text, len(templates))
            row.append([tid, *[n for n, v in zip(numbers, flags) if v]])
        out.append(row)
    return out


def unpack(row: list, templates: list[str]) -> list[str]:
    """pack()'s lines back as text (what the page's script does): for tests."""
    out = []
    for line in row:
        if isinstance(line, str):
            out.append(line)
            continue
        parts = templates[line[0]].split(HOLE)
        text = parts[0]
        for n, part in zip(line[1:], parts[1:]):
            text += n + part
        out.append(text)
    return out
