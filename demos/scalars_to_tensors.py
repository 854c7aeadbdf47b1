# %% [markdown]
# # From scalars to tensors: a layer of neurons is one matrix product
#
# This engine computes with scalars: every weight is a `Value`, and every
# multiply and add is a node of the graph. PyTorch, JAX and NumPy code compute
# with tensors: a layer's weights are one matrix W, and the layer is one
# product `W @ x + b`. Here one small layer is taken apart three ways (a graph
# of scalars, one node per neuron, one matrix), its gradients are computed
# three ways, and a moons-size network is trained three ways and timed: on
# the engine, on the engine's *tape* (`autograd_lite.trace`, which groups the
# graph into matrix products), and in numpy written by hand.
#
# **Look for:** the 26 values and 27 edges of a 3-neuron layer becoming one
# 3×2 product; dW = G @ xᵀ, db = G summed over the examples and dx = Wᵀ @ G
# giving the engine's gradients (to 1e-16, or exactly); and the milliseconds
# per training step of the engine, the tape and numpy, side by side.

# %%
import time

import numpy as np
from matplotlib.ticker import FuncFormatter

import nn
from autograd_lite import Value, draw, render_svg, topological_order, trace
from demos import common

QUICK, OUT = common.options("scalars_to_tensors")  # in a notebook: a full run, figures in out/NAME/

# %% [markdown]
# ## One layer as the engine sees it: a graph of scalars
#
# Three tanh neurons reading two inputs. Built as micrograd builds it
# (`fine=True`), neuron k computes z_k = b_k + w_k1·x1 + w_k2·x2 with one `*`
# and one `+` per weight, then h_k = tanh(z_k). The picture is the graph of
# one example with a loss L = Σ_k (h_k - y_k)² on top: inputs blue,
# parameters orange, one box per number, each box one Python object. Change
# `NIN` or `NOUT` and re-run: the graph grows with NIN × NOUT.

# %%
NIN, NOUT = 2, 3  # inputs per example, neurons in the layer
BATCH = 4  # examples in the small batch used below
SEED = 0  # the layer's initial weights and the batch's random draw
INIT = "pytorch"  # nn.Linear's initial weights: biases drawn too (nn.Layer's default starts b at 0)


def graph_size(outputs: list[Value]) -> tuple[int, int]:
    """The values (nodes) and edges (parent slots) of the graph of these outputs together."""
    nodes = {id(n): n for out in outputs for n in topological_order(out)}
    return len(nodes), sum(len(n.parents) for n in nodes.values())


rng = np.random.default_rng(SEED)
X = rng.normal(size=(BATCH, NIN)).round(2)  # one row per example, as nn takes a batch
Y = rng.uniform(-1, 1, size=(BATCH, NOUT)).round(2)  # a target for each neuron and example

scalar_layer = nn.Layer(NIN, NOUT, activation="tanh", init=INIT, seed=SEED, fine=True)  # micrograd's graph
hs = scalar_layer(list(X[0]))  # the first example, as plain numbers
for k, h in enumerate(hs, start=1):
    h.label, h.parents[0].label = f"h{k}", f"z{k}"  # names for the picture
errors = [(h - Y[0, k]) ** 2 for k, h in enumerate(hs)]
one = sum(errors[1:], errors[0])
one.label = "L"
one.backward()

scalar_nodes, scalar_edges = graph_size(hs)
print(f"The layer on one example: {scalar_nodes} values and {scalar_edges} edges (one per operand of an op):")
print(f"  {NIN} inputs + {NIN * NOUT} weights + {NOUT} biases + {NIN * NOUT} products (*)")
print(f"  + {NIN * NOUT} sums (+) + {NOUT} tanh; with the loss on top, {graph_size([one])[0]} values.")
OUT.mkdir(parents=True, exist_ok=True)
graph_svg = OUT / "scalar_layer.svg"
render_svg(draw(one, compact=True), graph_svg)
one

# %% [markdown]
# ## The same layer as W @ x + b
#
# `nn.Layer` by default builds each neuron's sum as one node, Σw·x+b (the op
# `wsum`): fewer nodes, the same numbers. Stack the neurons' weights as rows
# and the layer is a matrix: row k of W holds neuron k's weights, b the
# biases, and a batch goes in as the columns of x = Xᵀ, one column per
# example. Then z = W @ x + b is every neuron on every example in one call.
#
# `trace(loss, params, (X, Y))` runs the loss once on the engine and compiles
# its graph into a *tape*; `tape.describe()` says what each group of nodes
# became. The weights live in one array, `tape.data`, and the layer's W is a
# view of it.

# %%
layer = nn.Layer(NIN, NOUT, activation="tanh", init=INIT, seed=SEED)  # the same weights, a node per neuron
neuron_nodes, neuron_edges = graph_size(layer(list(X[0])))
print(f"One node per neuron: {neuron_nodes} values and {neuron_edges} edges for one example.\n")

W = np.array([[w.data for w in n.w] for n in layer.neurons])  # NOUT × NIN: row k is neuron k
b = np.array([n.b.data for n in layer.neurons])
x = X.T  # NIN × BATCH: one column per example
z = W @ x + b[:, None]  # b added to every column
h = np.tanh(z)

outputs = layer(X)  # the engine on the whole batch: one lane per example
z_engine = np.stack([o.parents[0].data for o in outputs])  # each tanh's input: the neuron's sum
h_engine = np.stack([o.data for o in outputs])
forward_gap = float(max(np.abs(z - z_engine).max(), np.abs(h - h_engine).max()))
print("W =", np.array2string(W, precision=4, prefix="W = "))
print("b =", b)
print("x = Xᵀ =", np.array2string(x, prefix="x = Xᵀ = "))
print("z = W @ x + b =", np.array2string(z, precision=4, prefix="z = W @ x + b = "))
print(f"numpy's z and h against the engine's: largest difference {forward_gap:.1e}\n")


def loss_fn(X, Y):
    """L = Σ_k mean over the examples of (h_k - y_k)²: Y[:, k] holds neuron k's targets."""
    errors = [((h - Y[:, k]) ** 2).mean() for k, h in enumerate(layer(X))]
    return sum(errors[1:], errors[0])


tape = trace(loss_fn, layer.parameters(), (X, Y))
print(tape.describe())
products = [line.strip() for line in tape.describe().splitlines() if "product W @ x" in line]
W_buffer = tape.data[: NOUT * NIN].reshape(NOUT, NIN)  # the buffer's first NOUT·NIN numbers, as rows
W_in_buffer = bool(np.array_equal(W_buffer, W) and np.shares_memory(W_buffer, tape.data))
print(f"\ntape.params: {', '.join(p.name for p in tape.params)}")
print(f"tape.data[:{NOUT * NIN}].reshape({NOUT}, {NIN}) is W, a view of the buffer: {W_in_buffer}")

# %% [markdown]
# ## The same gradients, written as matrices
#
# Call G the gradients dL/dz: one row per neuron, one column per example.
# Each z_kn = Σ_i W_ki·x_in + b_k, and the local derivative of a weight is
# its input, of an input its weight, of a bias 1, so the chain rule summed
# over the examples reads
#
# - dL/dW = G @ xᵀ (dL/dW_ki = Σ_n G_kn·x_in),
# - dL/db = G summed over its columns,
# - dL/dx = Wᵀ @ G (each input collects from every neuron it feeds).
#
# For this loss G = 2(h - y)/N · (1 - h²): the squared error's derivative
# times tanh's. Below, the engine's backward pass is the reference; micrograd's
# graph, the tape and numpy by hand are compared with it.


# %%
def grads(model) -> tuple[np.ndarray, np.ndarray]:
    """dL/dW (NOUT × NIN) and dL/db, from the grads a backward pass left on the parameters."""
    return (
        np.array([[w.grad for w in n.w] for n in model.neurons]),
        np.array([n.b.grad for n in model.neurons]),
    )


def engine_run(model) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """The loss and dL/dW, dL/db, dL/dx by the engine's backward pass (the inputs as Values)."""
    xs = [Value(X[:, i], label=f"x{i + 1}") for i in range(NIN)]
    errors = [((h - Y[:, k]) ** 2).mean() for k, h in enumerate(model(xs))]
    loss = sum(errors[1:], errors[0])
    model.zero_grad()
    loss.backward()
    return (float(loss.data), *grads(model), np.stack([v.grad for v in xs]))


loss_e, dW_e, db_e, dx_e = engine_run(layer)  # one node per neuron
loss_s, dW_s, db_s, dx_s = engine_run(scalar_layer)  # micrograd's graph

layer.zero_grad()
loss_t = tape.run(X, Y)  # forward and backward on the tape: every parameter's .grad set
dW_t, db_t = grads(layer)

G = 2 * (h - Y.T) / BATCH * (1 - h**2)  # dL/dz: NOUT × BATCH
loss_n = float(((h - Y.T) ** 2).mean(axis=1).sum())
dW_n, db_n, dx_n = G @ x.T, G.sum(axis=1), W.T @ G

print("by hand, G = dL/dz =", np.array2string(G, precision=4, prefix="by hand, G = dL/dz = "))
print("dL/dW = G @ xᵀ =", np.array2string(dW_n, precision=4, prefix="dL/dW = G @ xᵀ = "))
print("dL/db = G.sum(1) =", np.array2string(db_n, precision=4))
print()


def gap(got, want) -> float:
    """The largest |difference| between two numbers or arrays."""
    return float(np.max(np.abs(np.asarray(got) - np.asarray(want))))


grad_gaps = {
    "micrograd's graph": {"loss": gap(loss_s, loss_e), "W": gap(dW_s, dW_e), "b": gap(db_s, db_e)},
    "the tape": {"loss": gap(loss_t, loss_e), "W": gap(dW_t, dW_e), "b": gap(db_t, db_e)},
    "numpy by hand": {"loss": gap(loss_n, loss_e), "W": gap(dW_n, dW_e), "b": gap(db_n, db_e)},
}
dx_gaps = {"micrograd's graph": gap(dx_s, dx_e), "numpy by hand": gap(dx_n, dx_e)}
rows = [
    (
        name,
        f"{g['loss']:.1e}",
        f"{g['W']:.1e}",
        f"{g['b']:.1e}",
        f"{dx_gaps[name]:.1e}" if name in dx_gaps else "-",
    )
    for name, g in grad_gaps.items()
]
print("largest |difference| from the engine (one node per neuron):")
print(common.table(["computed by", "loss", "dL/dW", "dL/db", "dL/dx"], rows))
print("(the tape computes no dL/dx: the inputs are data, not parameters)")

checked = trace(loss_fn, layer.parameters(), (X, Y), check_every=1)
checked.run(X, Y)  # runs the engine beside the tape and raises TapeMismatch if they differ
print("\ntrace(..., check_every=1): the engine ran beside the tape and agreed.")

# %% [markdown]
# ## Why frameworks use tensors: the time of a training step
#
# Micrograd's moons network again (2-16-16-1, ReLU, hinge loss + 1e-4·Σw²,
# plain SGD on the whole batch of 100), trained from the same initial weights
# three ways; a step is forward, backward and update:
#
# - **the engine** builds the graph of one example anew at every step (its
#   values work on 100 lanes at once), and backward visits them one at a time
#   in Python;
# - **the tape** was traced once; a step replays its groups, each layer one
#   matrix product, and SGD updates the one parameter array in one line,
#   `tape.data -= LR * tape.grad`;
# - **numpy by hand** is the matrix algebra above, written for three layers,
#   with no graph at all: what a tensor framework runs for you.
#
# Timings depend on the machine; the fastest of `REPEATS` runs is kept.

# %%
POINTS = 100  # both moons together: the batch
HIDDEN = [16, 16]  # hidden layers (one output: the score)
LR = 0.5  # SGD's learning rate
L2 = 1e-4  # the weight penalty's factor
STEPS = 20 if QUICK else 100  # training steps per run
REPEATS = 3  # runs of each; the fastest is kept

Xm, ym = nn.datasets.moons(n=POINTS, noise=0.1, seed=SEED)
tm = 2.0 * ym - 1  # the labels as ±1, for the hinge loss


def fresh():
    """The same initial network every time, and its loss as a function of (X, t)."""
    model = nn.MLP(2, [*HIDDEN, 1], activation="relu", seed=SEED)
    params = model.parameters()
    return model, params, lambda X, t: nn.losses.hinge(model(X), t) + L2 * nn.losses.l2_penalty(params)


def on_engine():
    model, params, loss_of = fresh()
    opt = nn.optim.SGD(params, lr=LR)
    losses, start = [], time.perf_counter()
    for _ in range(STEPS):
        opt.zero_grad()
        loss = loss_of(Xm, tm)  # builds the graph
        loss.backward()
        opt.step()
        losses.append(loss.data)
    return losses, time.perf_counter() - start


def on_tape():
    model, params, loss_of = fresh()
    tape = trace(loss_of, params, (Xm, tm))  # the graph built once, compiled
    losses, start = [], time.perf_counter()
    for _ in range(STEPS):
        losses.append(tape.replay((Xm, tm)))  # forward and backward on the buffer: tape.grad filled
        tape.data -= LR * tape.grad  # SGD on every parameter at once
    seconds = time.perf_counter() - start
    tape.push()  # the trained numbers back into the model's Values
    return losses, seconds


def on_tape_through_values():
    model, params, loss_of = fresh()
    tape = trace(loss_of, params, (Xm, tm))
    opt = nn.optim.SGD(params, lr=LR)
    losses, start = [], time.perf_counter()
    for _ in range(STEPS):
        losses.append(tape.run(Xm, tm))  # copies the weights in and the grads out, Value by Value
        opt.step()  # and steps them Value by Value
    return losses, time.perf_counter() - start


def by_hand():
    model, _, _ = fresh()
    Ws = [np.array([[w.data for w in n.w] for n in lay.neurons]) for lay in model.layers]
    bs = [np.array([n.b.data for n in lay.neurons]) for lay in model.layers]
    losses, start = [], time.perf_counter()
    for _ in range(STEPS):
        a, inputs, sums = Xm.T, [], []  # forward: keep each layer's input and its sums
        for i, (W_, b_) in enumerate(zip(Ws, bs)):
            inputs.append(a)
            sums.append(W_ @ a + b_[:, None])
            a = np.maximum(sums[-1], 0.0) if i < len(Ws) - 1 else sums[-1]  # relu, a linear output
        margin = 1 - tm * a[0]
        penalty = sum((W_ * W_).sum() + (b_ * b_).sum() for W_, b_ in zip(Ws, bs))
        losses.append(np.maximum(margin, 0.0).mean() + L2 * penalty)
        G_ = np.where(margin > 0, -tm, 0.0)[None, :] / len(tm)  # dL/dz of the output: hinge's slope
        for i in reversed(range(len(Ws))):  # backward, from the output layer down
            dW, db = G_ @ inputs[i].T, G_.sum(axis=1)
            if i > 0:
                G_ = (Ws[i].T @ G_) * (sums[i - 1] > 0)  # dL/dx = Wᵀ @ G, through relu
            Ws[i] -= LR * (dW + 2 * L2 * Ws[i])  # SGD, with the penalty's gradient 2·λ·w
            bs[i] -= LR * (db + 2 * L2 * bs[i])
    return losses, time.perf_counter() - start


def best_of(train):
    runs = [train() for _ in range(REPEATS)]
    return [float(v) for v in runs[0][0]], 1000 * min(seconds for _, seconds in runs) / STEPS


ways = {
    "engine": on_engine,
    "tape": on_tape,
    "numpy by hand": by_hand,
    "tape.run + opt.step": on_tape_through_values,
}
curves, ms = {}, {}
for name, train in ways.items():
    curves[name], ms[name] = best_of(train)
loss_gaps = {name: gap(curve, curves["engine"]) for name, curve in curves.items() if name != "engine"}

model, params, loss_of = fresh()
engine_values = len(topological_order(loss_of(Xm, tm)))
moons_tape = trace(loss_of, params, (Xm, tm))
print(moons_tape.describe())
print(f"\n(tracing took {1000 * moons_tape.trace_seconds:.0f} ms, once)\n")
about = {
    "engine": f"a graph of {engine_values} values, every step",
    "tape": f"~{moons_tape.calls} numpy calls",
    "numpy by hand": "no graph",
    "tape.run + opt.step": f"the same, and {len(params)} Values copied",
}
rows = [
    (
        name,
        about[name],
        f"{ms[name]:.3f}",
        f"{ms['engine'] / ms[name]:.1f}×",
        f"{loss_gaps.get(name, 0.0):.1e}",
    )
    for name in ways
]
print(f"{STEPS} SGD steps on {POINTS} points, the fastest of {REPEATS} runs:")
print(common.table(["way", "a step is", "ms per step", "vs engine", "max |loss gap|"], rows))
worst_loss_gap = max(loss_gaps.values())
first, last = curves["engine"][0], curves["engine"][-1]
print(f"\nloss {first:.4f} -> {last:.4f} in every way (the largest gap between them: {worst_loss_gap:.0e})")

# %% [markdown]
# `nn.fit` uses the tape by default (`compile=True`): it traces the loss once
# per batch size and steps the parameter buffer, and `compile=False` trains on
# the engine. The two give the same losses; `history.steps_on_tape` says
# which ran.

# %%
fits = {}
for compile_ in (False, True):
    model, params, _ = fresh()
    opt = nn.optim.SGD(params, lr=LR)
    fits[compile_] = nn.fit(
        model, Xm, ym, loss="hinge", optimizer=opt, epochs=STEPS, l2=L2, compile=compile_, progress=False
    )
fit_gap = gap(fits[True].loss, fits[False].loss)
for compile_, history in fits.items():
    print(
        f"nn.fit(compile={compile_}): {history.steps_on_tape} steps on the tape, "
        f"{history.steps_on_engine} on the engine, {history.seconds:.2f} s (measuring loss and accuracy too)"
    )
print(f"their losses differ by at most {fit_gap:.1e}")

# %% [markdown]
# ## The picture
#
# Left: the small layer as a tensor framework stores it, W (3×2) and b, the
# same numbers as the orange boxes of the graph above (`scalar_layer.svg`).
# Right: milliseconds per training step of the moons network, on a log
# scale, each bar's speed-up over the engine beside it.

# %%
fig, (left, right) = common.figure(2, width=6.4, height=4.8)
worst = max(g[k] for g in grad_gaps.values() for k in ("W", "b"))
agree = "exactly" if worst == 0 else f"to {worst:.0e}"
Wb = np.column_stack([W, b])
limit = max(np.abs(Wb).max(), 1e-12)
left.imshow(Wb, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
for (row, col), value in np.ndenumerate(Wb):
    ink = "white" if abs(value) > 0.6 * limit else "black"  # readable on the dark cells
    left.text(col, row, f"{value:.2f}", ha="center", va="center", fontsize=16, color=ink)
left.axvline(NIN - 0.5, color="white", linewidth=6)  # W | b
left.set_xticks(range(NIN + 1), [*(f"x{i + 1}" for i in range(NIN)), "b"], fontsize=13)
left.set_yticks(range(NOUT), [f"neuron {k + 1}" for k in range(NOUT)], fontsize=13)
left.tick_params(top=True, labeltop=True, bottom=False, labelbottom=False, length=0)
left.set_xlabel(
    f"as scalars: {scalar_nodes} values, {scalar_edges} edges\n"
    f"one node per neuron: {neuron_nodes} values, {neuron_edges} edges\n"
    f"as a tensor: one {NOUT}×{NIN} product W @ x + b\n"
    f"dL/dW, dL/db: engine = tape = numpy {agree}",
    fontsize=12,
)
left.set_title(f"One layer, {NOUT} neurons × {NIN} inputs: W and b", fontsize=14)

names = ["engine", "tape", "numpy by hand"]
labels = [f"engine\n({engine_values} values)", f"tape\n(~{moons_tape.calls} numpy calls)", "numpy\nby hand"]
bars = right.barh(labels, [ms[n] for n in names], color=common.COLORS[:3])
right.invert_yaxis()  # the engine on top
right.set_xscale("log")
right.set_xlim(min(ms[n] for n in names) / 3, ms["engine"] * 8)
right.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))  # 0.1, 1, 10
for bar, name in zip(bars, names):
    speedup = "" if name == "engine" else f", {ms['engine'] / ms[name]:.0f}× faster"
    right.text(
        bar.get_width() * 1.15,
        bar.get_y() + bar.get_height() / 2,
        f"{ms[name]:.2g} ms{speedup}",
        va="center",
        fontsize=13,
    )
right.tick_params(axis="y", labelsize=13)
right.set_xlabel("ms per training step (log scale)", fontsize=12)
right.set_title(
    f"MLP 2-{'-'.join(map(str, HIDDEN))}-1 on {POINTS} moons points:\nforward + backward + SGD", fontsize=14
)
right.grid(axis="x", alpha=0.3)
fig.suptitle("From scalars to tensors: the same layer, the same gradients, a faster step", fontsize=15)
figure = common.save(fig, OUT, "scalars_to_tensors")
fig

# %% [markdown]
# **Try next:** `HIDDEN = [64, 64]` (16 times the weights in the middle
# layer: the engine's step slows about tenfold, the tape still makes ~86
# calls), `POINTS = 1000` (ten times the examples: the engine's step barely
# slows, its Python work is per value, not per example, and the gap
# narrows), or `fine=True` in `fresh()`'s MLP (micrograd's graph: with no
# `wsum` to find, the tape groups each level's `*` and `+` instead of
# making products: 46 groups, ~361 calls).

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "layer": {
        "nin": NIN,
        "nout": NOUT,
        "scalar_nodes": scalar_nodes,
        "scalar_edges": scalar_edges,
        "neuron_nodes": neuron_nodes,
        "neuron_edges": neuron_edges,
        "products": products,
        "W_in_buffer": W_in_buffer,
    },
    "forward_gap": forward_gap,
    "grad_gaps": grad_gaps,
    "dx_gaps": dx_gaps,
    "ms": ms,
    "loss_gaps": loss_gaps,
    "loss": curves["engine"],
    "tape_calls": moons_tape.calls,
    "engine_values": engine_values,
    "fit": {
        "gap": fit_gap,
        "compiled": (fits[True].steps_on_tape, fits[True].steps_on_engine),
        "engine": (fits[False].steps_on_tape, fits[False].steps_on_engine),
        "steps": STEPS,
    },
    "figures": [figure, graph_svg],
}
