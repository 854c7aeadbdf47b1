# %% [markdown]
# # Error with two parameters: the surface, its gradient, six optimizers and a feature 1000 times too big
#
# One linear neuron, ŷ = w·x + b, fitted to 50 noisy points with the mean
# squared error. With just two parameters the error is a surface over the
# (w, b) plane: we draw it as contours, the negative gradient (the engine's
# two derivatives, from `backward()`) as arrows, and the paths of six
# optimizers from one start. Then the same points with x running from 0 to
# 1000 instead of -1 to 1, and again after standardising x.
#
# **Look for:** the arrows crossing the contours at right angles, pointing
# downhill. On the first bowl (slightly oval) Nesterov and RMSProp settle at
# the minimum (the least-squares solution, from numpy) within the 50 steps;
# on the standardised, perfectly round one plain gradient descent does too,
# while momentum, Adam and Adamax, which carry a velocity, still circle it.
# With x up to 1000 the bowl becomes a valley more than a million times more
# curved across than along (the printed condition number): plain gradient
# descent at the largest learning rate that does not blow up zig-zags across
# it and gets nowhere along it, not even in 100 times the steps; after
# standardising, the condition number is 1 and the same recipe arrives in
# about twenty steps.

# %%
import numpy as np
from matplotlib.ticker import MaxNLocator

import nn
from autograd_lite import Parameter
from demos import common

QUICK, OUT = common.options("error_surface")  # in a notebook: a full run, figures under out/error_surface/

# %% [markdown]
# ## The data and the two parameters
#
# 50 points near y = 2x - 1 with x in [-1, 1], give or take `NOISE`. The
# model has exactly two parameters, w and b, so the loss L(w, b) is a
# function of two numbers. `gradient` asks the engine for its two
# derivatives: it builds L from two `Parameter`s and calls `L.backward()`;
# no derivative is written by hand here.
#
# The truth to compare with comes from elsewhere: `numpy.linalg.lstsq`
# solves the least-squares problem directly, giving the (w, b) at the bottom
# of the surface and the lowest loss any line can reach.

# %%
NOISE = 0.1  # the spread of the points around the line: the lowest mse is about NOISE²
X, y = nn.datasets.line(n=50, slope=2.0, intercept=-1.0, noise=NOISE, seed=0)
x = X[:, 0]


def loss_of(w, b, x):
    """The mse of the line ŷ = w·x + b on the points (x, y): a Value when w and b are."""
    return nn.losses.mse(w * x + b, y)


def gradient(at, x) -> np.ndarray:
    """(dL/dw, dL/db) at the point at = (w, b), from the engine's backward pass."""
    pw, pb = Parameter(float(at[0]), label="w"), Parameter(float(at[1]), label="b")
    loss_of(pw, pb, x).backward()
    return np.array([pw.grad, pb.grad])


def least_squares(x) -> tuple[np.ndarray, float]:
    """The bottom of the surface, (w*, b*), and its loss: numpy's lstsq, independent of the engine."""
    A = np.column_stack([x, np.ones_like(x)])
    best = np.linalg.lstsq(A, y, rcond=None)[0]
    return best, float(np.mean((A @ best - y) ** 2))


best, floor = least_squares(x)
print(
    f"{len(x)} points, x in [-1, 1]. Least squares: w* = {best[0]:.4f}, b* = {best[1]:.4f}, mse {floor:.5f}."
)
print(f"The engine's gradient there: {gradient(best, x).round(12)} (zero at the bottom).")

# %% [markdown]
# ## Six optimizers from one start
#
# Each optimizer gets its own two parameters, starting at `START`, and takes
# `STEPS` steps, each on all the points (so plain SGD here is plain
# gradient descent). All use the same learning rate, 0.1; they follow
# PyTorch's update rules (`nn.optim`). A run has *reached* the minimum at
# the step from which its loss stays within `EPS` of the least-squares loss
# to the end of the run. Change a learning rate, add a line to `OPTIMIZERS`
# or move `START`, and re-run this cell and the ones after it.

# %%
START = (-1.0, 1.5)  # (w, b) where every run starts
STEPS = 50  # steps per run
EPS = 1e-3  # "at the minimum": loss within EPS of the least-squares loss (a tenth of the noise floor)
OPTIMIZERS = {
    "SGD": lambda p: nn.optim.SGD(p, lr=0.1),
    "momentum 0.9": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9),
    "Nesterov 0.9": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    "RMSProp": lambda p: nn.optim.RMSProp(p, lr=0.1),
    "Adam": lambda p: nn.optim.Adam(p, lr=0.1),
    "Adamax": lambda p: nn.optim.Adamax(p, lr=0.1),
}


def descend(x, optimizer, start, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """`steps` optimizer steps on L(w, b) from `start`: the (w, b) path and the loss at each point."""
    w, b = Parameter(start[0], label="w"), Parameter(start[1], label="b")
    opt = optimizer([w, b])
    path, losses = [(w.data, b.data)], []
    with np.errstate(over="ignore", invalid="ignore"):  # a learning rate past the limit overflows; let it
        for _ in range(steps):
            loss = loss_of(w, b, x)
            losses.append(float(loss.data))
            opt.zero_grad()
            loss.backward()
            opt.step()
            path.append((w.data, b.data))
        losses.append(float(loss_of(w, b, x).data))
    return np.array(path), np.array(losses)


def reached(losses: np.ndarray, floor: float) -> int | None:
    """The step from which the loss stays within EPS of `floor` to the end; None if it does not end there."""
    far = np.flatnonzero(losses - floor > EPS)  # losses[i] is the loss after i steps
    if far.size and far[-1] == len(losses) - 1:
        return None
    return int(far[-1] + 1) if far.size else 0


def race(x, start) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every optimizer in OPTIMIZERS from `start` for STEPS steps."""
    return {name: descend(x, make, start, STEPS) for name, make in OPTIMIZERS.items()}


def race_table(runs: dict, best: np.ndarray, floor: float) -> str:
    rows = []
    for name, (path, losses) in runs.items():
        step = reached(losses, floor)
        distance = float(np.linalg.norm(path[-1] - best))
        reach = step if step is not None else f"not within {STEPS}"
        w, b = path[-1]
        rows.append((name, f"{w:.4f}", f"{b:.4f}", f"{distance:.3g}", f"{losses[-1] - floor:.2e}", reach))
    headers = ["optimizer", "w", "b", "distance to (w*, b*)", "loss - least squares", "steps to reach"]
    return common.table(headers, rows)


runs = race(x, START)
print(
    f"{STEPS} steps from (w, b) = {START}, learning rate 0.1; reached = loss within {EPS:g} of {floor:.5f}.\n"
)
print(race_table(runs, best, floor))

# %% [markdown]
# ## The picture: the surface, its gradient and the six paths
#
# Grey contours join the points of equal loss. Each arrow is the negative
# gradient, -(dL/dw, dL/db), computed by `backward()` at its point on a
# coarse grid: it points straight downhill, across the contours at right
# angles (the two axes have the same scale, so right angles look right).
# Plain gradient descent follows the arrows; momentum and Adam overshoot and
# swing back, because their velocity carries them past the bottom.

# %%
GRID = 9 if QUICK else 13  # arrows per side of the coarse grid
FINE = 120 if QUICK else 240  # points per side for the contours


def surface(x, ws, bs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The loss on the grid ws × bs (numpy, for the contours: only pictures read it)."""
    mw, mb = np.meshgrid(ws, bs)
    return mw, mb, ((mw[..., None] * x + mb[..., None] - y) ** 2).mean(axis=-1)


def levels(loss: np.ndarray, floor: float, n: int = 14) -> np.ndarray:
    """Contour heights spaced evenly in log(loss - floor): as dense near the bottom as on the walls."""
    return floor + np.geomspace(EPS, loss.max() - floor, n)


def style(i: int) -> dict:
    """The i-th path's colour, marker and line style (told apart without colour too); markers evenly
    spaced along the line (a path of long steps shows every step); earlier paths on top."""
    color = common.COLORS[i % len(common.COLORS)]
    line = ["-", "--", "-.", ":"][i % 4]
    return dict(
        color=color, marker="osD^vPX*"[i % 8], linestyle=line, markevery=(i % 3 / 75, 0.04), zorder=4 - i / 10
    )


def draw_paths(ax, runs: dict, label: bool = True) -> None:
    for i, (name, (path, _)) in enumerate(runs.items()):
        ax.plot(
            path[:, 0], path[:, 1], linewidth=1.6, markersize=5.5, label=name if label else None, **style(i)
        )


def window(paths, margin: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """FINE points along w and along b that take in every point of `paths`, with a margin."""
    points = np.vstack(paths)
    low, high = points.min(axis=0) - margin, points.max(axis=0) + margin
    return np.linspace(low[0], high[0], FINE), np.linspace(low[1], high[1], FINE)


ws, bs = window([path for path, _ in runs.values()])
mw, mb, loss_grid = surface(x, ws, bs)
aw, ab = np.meshgrid(np.linspace(ws[0], ws[-1], GRID + 2)[1:-1], np.linspace(bs[0], bs[-1], GRID + 2)[1:-1])
arrows = np.array([[gradient((w, b), x) for w, b in zip(row_w, row_b)] for row_w, row_b in zip(aw, ab)])

fig, (ax,) = common.figure(1, width=9.6, height=6.0)
ax.contour(mw, mb, loss_grid, levels=levels(loss_grid, floor), colors="0.6", linewidths=0.8)
ax.quiver(
    aw,
    ab,
    -arrows[..., 0],
    -arrows[..., 1],
    color="0.35",
    angles="xy",
    scale_units="xy",
    scale=np.abs(arrows).max() / (ws[-1] - ws[0]) * GRID * 1.1,
    width=0.0025,
    zorder=2,
)
draw_paths(ax, runs)
ax.plot(*START, "ks", markersize=8, label="start", zorder=4)
ax.plot(
    *best, marker="*", color="k", markersize=15, linestyle="none", label="least squares (numpy)", zorder=4
)
ax.set_aspect("equal")
ax.set_xlim(ws[0], ws[-1])
ax.set_ylim(bs[0], bs[-1])
ax.set_xlabel("weight w")
ax.set_ylabel("bias b")
ax.set_title(f"mse of ŷ = w·x + b: contours, -gradient from backward() (arrows), {STEPS} steps at lr 0.1")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
surface_figure = common.save(fig, OUT, "error_surface")
fig

# %% [markdown]
# ## The same points with x from 0 to 1000
#
# Now stretch the feature: x → `SCALE`·(x + 1)/2 runs from 0 to 1000 (as
# prices or areas might). The points are the same, so is the best line; only
# its w and b are written in other units.
#
# How round the bowl is can be measured. The loss of a line is a quadratic
# in (w, b); its curvature, the Hessian H (the matrix of second derivatives),
# is the same everywhere: for the mse of one linear neuron,
# H = 2/n · [[Σx², Σx], [Σx, n]]. Its condition number, the largest over the
# smallest eigenvalue, says how many times more curved the surface is across
# its valley than along it. We get H twice: from that formula with numpy, and
# from the engine alone, by finite differences of its gradient
# (column j ≈ (∇L(θ + h·e_j) - ∇L(θ - h·e_j)) / 2h). `nn.datasets.standardize`
# then shifts x to mean 0 and scales it to standard deviation 1.

# %%
SCALE = 1000  # the stretched feature runs from 0 to SCALE

x_raw = SCALE * (x + 1) / 2
Z, (mean, std) = nn.datasets.standardize(x_raw[:, None])
x_std = Z[:, 0]


def hessian_formula(x) -> np.ndarray:
    """H = 2/n · [[Σx², Σx], [Σx, n]]: the mse's second derivatives in (w, b), from the data with numpy."""
    return 2 / len(x) * np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), len(x)]])


def hessian_engine(x, at, h: float = 1e-3) -> np.ndarray:
    """H by central differences of the engine's gradient around `at` (symmetrised)."""
    columns = [(gradient(at + h * e, x) - gradient(at - h * e, x)) / (2 * h) for e in np.eye(2)]
    H = np.column_stack(columns)
    return (H + H.T) / 2


def condition(H: np.ndarray) -> float:
    eig = np.linalg.eigvalsh(H)
    return float(eig.max() / eig.min())


features = {"x in [-1, 1]": x, f"x in [0, {SCALE}]": x_raw, "standardized": x_std}
hessians = {
    name: (hessian_formula(data), hessian_engine(data, np.array(START))) for name, data in features.items()
}
kappa = {name: condition(formula) for name, (formula, _) in hessians.items()}
kappa_engine = {name: condition(engine) for name, (_, engine) in hessians.items()}
rows: list[tuple] = []
for name, (formula, engine) in hessians.items():
    eig = np.linalg.eigvalsh(formula)
    gap = float(np.max(np.abs(engine - formula) / np.abs(formula).max()))
    rows.append(
        (
            name,
            f"{eig[1]:.4g}",
            f"{eig[0]:.4g}",
            f"{kappa[name]:.4g}",
            f"{kappa_engine[name]:.4g}",
            f"{gap:.0e}",
        )
    )
print(
    common.table(
        [
            "feature",
            "λ max",
            "λ min",
            "condition (formula)",
            "condition (engine, f.d.)",
            "largest difference",
        ],
        rows,
    )
)
for name in features:
    assert abs(kappa_engine[name] / kappa[name] - 1) < 1e-6, "the engine's curvature agrees with the formula"

# %% [markdown]
# ## Plain gradient descent at the largest stable learning rate
#
# Gradient descent diverges past lr = 2/λmax (each step along the steepest
# direction overshoots by more than it corrects), so the largest learning
# rate it can use is set by the steepest direction. Take `FRACTION` of that
# limit on each surface, from the same starting line (`START` on the
# standardised feature, the same line written in raw units on the raw one).
# Along the flattest direction each step then shrinks the error only by a
# factor 1 - lr·λmin ≈ 1 - 2·FRACTION/κ: with κ in the millions, nothing.

# %%
FRACTION = 0.9  # of the limit 2/λmax
LONG = 100 * STEPS  # steps of a much longer run

w0, b0 = START  # the line ŷ = w0·z + b0 on the standardised feature, written for the raw one:
start_raw = (w0 / std[0], b0 - w0 * mean[0] / std[0])
surfaces = {f"x in [0, {SCALE}]": (x_raw, start_raw), "standardized": (x_std, START)}
gd, gd_reached, gd_long = {}, {}, {}
for name, (data, start) in surfaces.items():
    lr = FRACTION * 2 / np.linalg.eigvalsh(hessian_formula(data)).max()
    optimizer = lambda p, lr=lr: nn.optim.SGD(p, lr=lr)  # noqa: E731 - one line per surface
    gd[name] = (lr, *descend(data, optimizer, start, STEPS))
    gd_reached[name] = reached(gd[name][2], least_squares(data)[1])
    gd_long[name] = descend(data, optimizer, start, LONG)[1][-1] - least_squares(data)[1]
rows = []
for name, (lr, _path, losses) in gd.items():
    floor_here = least_squares(surfaces[name][0])[1]
    reach = gd_reached[name] if gd_reached[name] is not None else f"not within {STEPS}"
    rows.append(
        (
            name,
            f"{kappa[name]:.3g}",
            f"{lr:.3g}",
            f"{losses[-1] - floor_here:.3g}",
            reach,
            f"{gd_long[name]:.3g}",
        )
    )
print(f"Plain gradient descent at {FRACTION} × 2/λmax; reached: within {EPS:g} of the least-squares loss.\n")
print(
    common.table(
        [
            "feature",
            "condition",
            "lr",
            f"loss - best after {STEPS}",
            "steps to reach",
            f"loss - best after {LONG}",
        ],
        rows,
    )
)

# %% [markdown]
# ## The six optimizers again, on the standardised feature
#
# The same race as at the start, now on the standardised x: a perfectly
# round bowl (condition number 1), where the gradient points straight at the
# minimum from everywhere.

# %%
best_std, floor_std = least_squares(x_std)
runs_std = race(x_std, START)
steps_std = {name: reached(losses, floor_std) for name, (_, losses) in runs_std.items()}
print(f"Standardised x: least squares w* = {best_std[0]:.4f}, b* = {best_std[1]:.4f}, mse {floor_std:.5f}.\n")
print(race_table(runs_std, best_std, floor_std))
print(
    f"\nAt the minimum within {STEPS} steps: {', '.join(n for n, s in steps_std.items() if s is not None)};"
)
print(f"still circling it: {', '.join(n for n, s in steps_std.items() if s is None)}.")

# %% [markdown]
# ## The picture: a valley, and the same valley made round
#
# Left: the raw feature's surface, a valley so long and thin that its
# contours look like parallel lines (the w axis spans a few thousandths, the
# b axis several units). Plain gradient descent at 0.9 of its largest
# learning rate bounces from wall to wall (the numbers are its first steps)
# and never gets along the valley towards the star. Middle: after
# standardising, the contours are circles and the negative gradient points
# at the minimum from everywhere, so gradient descent, momentum and Nesterov
# go there in a straight line; RMSProp, Adam and Adamax bend, since they
# scale w's and b's steps separately. Right: every run's loss above the
# least-squares loss, step by step (a run exactly at the minimum is drawn at
# 1e-12).

# %%
fig, (left, middle, right) = common.figure(3, width=5.0, height=4.8)
raw = f"x in [0, {SCALE}]"
lr_raw, path_raw, losses_raw = gd[raw]
best_raw, floor_raw = least_squares(x_raw)
span_b = np.array(
    [min(path_raw[:, 1].min(), best_raw[1]) - 1.0, max(path_raw[:, 1].max(), best_raw[1]) + 1.0]
)
valley_w = (np.mean(x_raw * y) - span_b * np.mean(x_raw)) / np.mean(x_raw**2)  # where dL/dw = 0: the floor
ws_raw = np.linspace(valley_w.min() - 0.004, valley_w.max() + 0.004, FINE)
bs_raw = np.linspace(span_b[0], span_b[1], FINE)
mw, mb, loss_raw = surface(x_raw, ws_raw, bs_raw)
rungs = floor_raw + np.linspace(0.3, np.sqrt(loss_raw.max() - floor_raw) / 2, 16) ** 2  # evenly spaced walls
left.contour(mw, mb, loss_raw, levels=rungs, colors="0.6", linewidths=0.8)
left.plot(
    path_raw[:, 0],
    path_raw[:, 1],
    color="k",
    marker=".",
    linewidth=0.8,
    markersize=6,
    label=f"gradient descent, lr {lr_raw:.2g}",
)
zoom = left.inset_axes([0.5, 0.53, 0.47, 0.38])  # the first hops, magnified
near_w = np.linspace(path_raw[:, 0].min() - 0.0006, path_raw[:, 0].max() + 0.0006, FINE)
near_b = np.linspace(start_raw[1] - 0.25, start_raw[1] + 0.25, FINE)
mw, mb, loss_near = surface(x_raw, near_w, near_b)
zoom.contour(
    mw,
    mb,
    loss_near,
    levels=np.linspace(loss_near.min(), loss_near.max(), 12)[1:],
    colors="0.6",
    linewidths=0.8,
)
zoom.plot(path_raw[:, 0], path_raw[:, 1], "k.", markersize=6)
zoom.plot(*start_raw, "ks", markersize=7)
for step in range(6):  # its first hops as arcs: to the left wall, to the right wall, ...
    zoom.annotate(
        "",
        path_raw[step + 1],
        path_raw[step],
        arrowprops=dict(
            arrowstyle="->", color="k", connectionstyle="arc3,rad=0.5", linewidth=0.9, shrinkA=3, shrinkB=3
        ),
    )
zoom.set_xlim(near_w[0], near_w[-1])
zoom.set_ylim(near_b[0], near_b[-1])
zoom.set_xticks([])
zoom.set_yticks([])
zoom.set_title("its first 6 steps, magnified", fontsize=8, pad=2)
left.indicate_inset_zoom(zoom, edgecolor="0.3")
left.plot(*start_raw, "ks", markersize=8, label="start (the same line as in the middle)")
left.plot(*best_raw, marker="*", color="k", markersize=15, linestyle="none", label="least squares (numpy)")
left.set_xlim(ws_raw[0], ws_raw[-1])
left.xaxis.set_major_locator(MaxNLocator(5))
left.set_ylim(bs_raw[0], bs_raw[-1])
left.set_xlabel(f"weight w (per unit of x in [0, {SCALE}])")
left.set_ylabel("bias b")
left.set_title(f"x in [0, {SCALE}]: condition number {kappa[raw]:.2g}", fontsize=10)
left.legend(loc="lower left", fontsize=8)

lr_std, path_gd, losses_gd = gd["standardized"]
ws_s, bs_s = window([path for path, _ in runs_std.values()] + [path_gd])
span = max(ws_s[-1] - ws_s[0], bs_s[-1] - bs_s[0]) / 2  # a square window: circles look round
ws_s, bs_s = ws_s.mean() + np.linspace(-span, span, FINE), bs_s.mean() + np.linspace(-span, span, FINE)
mw, mb, loss_std = surface(x_std, ws_s, bs_s)
middle.contour(mw, mb, loss_std, levels=levels(loss_std, floor_std), colors="0.6", linewidths=0.8)
draw_paths(middle, runs_std, label=False)
middle.plot(path_gd[:, 0], path_gd[:, 1], color="k", marker=".", linewidth=0.8, markersize=6, zorder=2)
middle.plot(*START, "ks", markersize=8)
middle.plot(*best_std, marker="*", color="k", markersize=15, linestyle="none", zorder=4)
middle.set_aspect("equal")
middle.set_xlim(ws_s[0], ws_s[-1])
middle.set_ylim(bs_s[0], bs_s[-1])
middle.set_xlabel("weight w (per standard deviation of x)")
middle.set_ylabel("bias b")
middle.set_title(f"standardized x: condition number {kappa['standardized']:.2g}", fontsize=10)

steps = np.arange(STEPS + 1)
tiny = 1e-12  # where an exact arrival is drawn, on the log scale
for i, (name, (_, losses)) in enumerate(runs_std.items()):
    right.plot(
        steps, np.maximum(losses - floor_std, tiny), linewidth=1.6, markersize=5, label=name, **style(i)
    )
right.plot(
    steps,
    np.maximum(losses_gd - floor_std, tiny),
    color="k",
    marker=".",
    linewidth=0.8,
    label=f"gradient descent, lr {lr_std:.2g} (0.9 × limit)",
)
right.plot(
    steps,
    losses_raw - floor_raw,
    color="k",
    linestyle="--",
    linewidth=2.2,
    label=f"the same on x in [0, {SCALE}], lr {lr_raw:.2g}",
)
right.axhline(EPS, color="gray", linestyle=":", label=f"reached: within {EPS:g}")
right.set_yscale("log")
right.set_ylim(tiny / 3, 100)
right.set_xlabel("step")
right.set_ylabel("loss - least-squares loss (log scale)")
right.set_title("Standardized, and plain descent on the raw x", fontsize=10)
fig.legend(*right.get_legend_handles_labels(), loc="outside lower center", ncols=5, fontsize=8.5)
right.grid(alpha=0.3)
fig.suptitle(f"The same 50 points with x stretched to [0, {SCALE}] and standardized: {STEPS} steps each")
scaling_figure = common.save(fig, OUT, "error_surface_scaling")
fig

# %% [markdown]
# **Try next:** `STEPS = 100`: momentum, Adam and Adamax settle too, after
# 80-odd steps on the standardised feature. Or `FRACTION = 0.5`: on the
# standardised bowl (H = 2·I) one step of lr = 1/λ is Newton's step and lands
# on the minimum at once, while on the raw feature the loss stays as far
# above the best as before. Or run the optimizers on `x_raw` from
# `start_raw` (`race(x_raw, start_raw)`, then `race_table`): does scaling
# each parameter's step separately, as RMSProp and Adam do, rescue them?

# %%
# What this lesson measured: the tests check its claims on these numbers.
RESULT = {
    "least_squares": {"line": best, "standardized": best_std},
    "floor": floor,
    "eps": EPS,
    "steps": STEPS,
    "start": START,
    "reached": {name: reached(losses, floor) for name, (_, losses) in runs.items()},  # x in [-1, 1]
    "reached_standardized": steps_std,
    "final_standardized": {name: path[-1] for name, (path, _) in runs_std.items()},
    "condition": kappa,  # from the formula, with numpy
    "condition_engine": kappa_engine,  # from finite differences of backward()'s gradient
    "gd_lr": {name: lr for name, (lr, _, _) in gd.items()},
    "gd_reached": gd_reached,
    "gd_excess": {
        name: losses[-1] - least_squares(surfaces[name][0])[1] for name, (_, _, losses) in gd.items()
    },
    "gd_excess_long": gd_long,
    "long": LONG,
    "arrows": (aw, ab, arrows),  # the engine's gradient on the coarse grid (x in [-1, 1])
    "figures": [surface_figure, scaling_figure],
}
