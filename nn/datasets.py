"""Toy datasets, seeded and made with numpy alone: each returns (X, y).

X is a float array (n, features); y holds class indices 0..k-1 for
classification (use 2*y - 1 for ±1 labels) and floats for regression.
"""

from __future__ import annotations

import csv
import difflib
import inspect
import math
import os
from collections.abc import Sequence

import numpy as np

from autograd_lite.errors import counted

from .checks import count, number
from .module import check_size, estimate_bytes
from .seed import rng as make_rng


def _check(n, noise=0.0, name="n", minimum=1, *, points: int = 0):
    """Check a count (and the noise); for n, or classes among `points`, refuse what would not fit."""
    n = count(name, n, minimum)
    number("noise", noise, accepted="a number >= 0")
    what = f"{n:,} points" if name == "n" else f"{points:,} points in {n:,} {name}"
    check_size(
        what,
        estimate_bytes(samples=int(n) + points),
        "use a smaller n" if name == "n" else f"use fewer {name}",
    )


def _split(n: int, k: int) -> np.ndarray:
    """n examples over k classes, as evenly as possible (the first n % k get one more)."""
    counts = np.full(k, n // k)
    counts[: n % k] += 1
    return counts


def _positions(counts: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """np.linspace(start[k], stop[k], counts[k]) for every k, concatenated (numpy's own arithmetic)."""
    k = np.repeat(np.arange(len(counts)), counts)
    j = np.arange(len(k)) - np.repeat(np.cumsum(counts) - counts, counts)
    m = counts[k]
    step = np.divide(stop - start, counts - 1, out=np.zeros(len(counts)), where=counts > 1)[k]
    values = j * step + start[k]
    last = (j == m - 1) & (m > 1)
    values[last] = stop[k][last]  # linspace ends exactly at stop
    return values


def xor(n: int = 4, noise: float = 0.0, seed: int | None = None):
    """The XOR table: (0,0)->0, (0,1)->1, (1,0)->1, (1,1)->0; n > 4 repeats it with noise."""
    _check(n, noise, minimum=4)
    rng = make_rng(seed)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    X = corners[np.arange(n) % 4] + rng.normal(0.0, noise, size=(n, 2)) * (noise > 0)
    y = np.array([0, 1, 1, 0])[np.arange(n) % 4]
    return X, y


def moons(n: int = 100, noise: float = 0.1, seed: int | None = None):
    """Two interleaving half circles (scikit-learn's make_moons, without scikit-learn)."""
    _check(n, noise, minimum=2)
    rng = make_rng(seed)
    n_out, n_in = _split(n, 2)
    t_out = np.linspace(0, math.pi, n_out)
    t_in = np.linspace(0, math.pi, n_in)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], axis=1)
    X = np.concatenate([outer, inner]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_out, int), np.ones(n_in, int)])
    order = rng.permutation(n)
    return X[order], y[order]


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = None):
    """A small circle inside a big one (class 1 inside)."""
    _check(n, noise, minimum=2)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius / outer radius) must be between 0 and 1, got {factor!r}")
    rng = make_rng(seed)
    n_out, n_in = _split(n, 2)
    t_out = np.linspace(0, 2 * math.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * math.pi, n_in, endpoint=False)
    X = np.concatenate(
        [np.stack([np.cos(t_out), np.sin(t_out)], 1), factor * np.stack([np.cos(t_in), np.sin(t_in)], 1)]
    )
    X = X + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_out, int), np.ones(n_in, int)])
    order = rng.permutation(n)
    return X[order], y[order]


def spirals(n: int = 300, classes: int = 3, noise: float = 0.2, seed: int | None = None):
    """Interleaved spiral arms, one per class (the CS231n dataset)."""
    _check(n, noise, minimum=2)
    _check(classes, name="classes", minimum=2, points=n)
    rng = make_rng(seed)
    counts = _split(n, classes)  # arm k: radius 0 -> 1, angle 4k -> 4(k + 1), plus noise
    r = _positions(counts, np.zeros(classes), np.ones(classes))
    arms = 4.0 * np.arange(classes)
    t = _positions(counts, arms, arms + 4.0) + rng.normal(0.0, noise, size=n)
    X = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
    y = np.repeat(np.arange(classes), counts)
    order = rng.permutation(n)
    return X[order], y[order]


def blobs(n: int = 100, centers: int = 3, spread: float = 0.5, seed: int | None = None):
    """Gaussian clusters around centers spaced on a circle of radius 2."""
    _check(n, spread, minimum=1)
    _check(centers, name="centers", minimum=1, points=n)
    rng = make_rng(seed)
    angles = 2 * math.pi * np.arange(centers) / centers
    mids = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    y = np.repeat(np.arange(centers), _split(n, centers))
    X = mids[y] + rng.normal(0.0, spread, size=(n, 2))
    order = rng.permutation(n)
    return X[order], y[order]


def line(
    n: int = 50, slope: float = 2.0, intercept: float = -1.0, noise: float = 0.1, seed: int | None = None
):
    """1-D regression: y = slope * x + intercept + noise, x in [-1, 1]."""
    _check(n, noise, minimum=1)
    rng = make_rng(seed)
    x = np.sort(rng.uniform(-1.0, 1.0, size=n))
    return x[:, None], slope * x + intercept + rng.normal(0.0, noise, size=n)


def sine(n: int = 100, noise: float = 0.1, seed: int | None = None):
    """1-D regression: y = sin(x) + noise, x in [-π, π] (needs a non-linear model)."""
    _check(n, noise, minimum=1)
    rng = make_rng(seed)
    x = np.sort(rng.uniform(-math.pi, math.pi, size=n))
    return x[:, None], np.sin(x) + rng.normal(0.0, noise, size=n)


# --- TensorFlow Playground's datasets ------------------------------------------------------
# As src/dataset.ts makes them, on its own scale (the plane from -6 to 6, so its feature crosses
# x1^2 and sin(x1) mean what they mean there), with its labels +1/-1 read as classes 1/0.
# `noise` is the Playground's noise slider as a fraction: 0.25 is its 25% (the slider goes 0-50%).


def _check_playground(n, noise, minimum: int) -> float:
    _check(n, noise, minimum=minimum)
    noise = float(noise)
    if noise > 1:
        raise ValueError(
            "noise is the Playground's noise slider as a fraction (0.25 for its 25%, at most 1), "
            f"got {noise:g}"
        )
    return noise


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator):
    order = rng.permutation(len(X))
    return X[order], y[order]


def circle(n: int = 500, noise: float = 0.0, seed: int | None = None):
    """The Playground's circle: half the points in the disc of radius 2.5 (class 1), half in the ring
    from 3.5 to 5 (class 0). Noise moves where a point's label is read, not the point: with noise
    the label is whether (x1, x2) + noise·U(-5, 5)² lies within 2.5 of the centre.
    """
    noise = _check_playground(n, noise, 2)
    rng = make_rng(seed)
    n_in, n_out = _split(n, 2)
    r = np.concatenate([rng.uniform(0.0, 2.5, n_in), rng.uniform(3.5, 5.0, n_out)])
    angle = rng.uniform(0.0, 2 * math.pi, n)
    X = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    read = X + rng.uniform(-5.0, 5.0, size=(n, 2)) * noise
    y = (np.hypot(read[:, 0], read[:, 1]) < 2.5).astype(int)
    return _shuffled(X, y, rng)


def quadrants(n: int = 500, noise: float = 0.0, seed: int | None = None):
    """The Playground's XOR: points uniform in the four quadrants of [-5.3, 5.3]², kept 0.3 off the
    axes; class 1 where x1·x2 >= 0 (quadrants I and III, the Playground's +1), class 0 where the
    signs differ. Noise, as for `circle`, moves where the label is read: (x1, x2) + noise·U(-5, 5)².
    (`xor` is the four-point truth table.)
    """
    noise = _check_playground(n, noise, 2)
    rng = make_rng(seed)
    X = rng.uniform(-5.0, 5.0, size=(n, 2))
    X += np.where(X > 0, 0.3, -0.3)
    read = X + rng.uniform(-5.0, 5.0, size=(n, 2)) * noise
    y = (read[:, 0] * read[:, 1] >= 0).astype(int)
    return X, y


def gaussians(n: int = 500, noise: float = 0.0, seed: int | None = None):
    """The Playground's two Gaussians: class 1 around (2, 2), class 0 around (-2, -2), each of
    variance 0.5 at noise 0 growing linearly to 4 at noise 0.5 (0.5 + 7·noise), half the points each.
    """
    noise = _check_playground(n, noise, 2)
    rng = make_rng(seed)
    n_pos, n_neg = _split(n, 2)
    y = np.concatenate([np.ones(n_pos, int), np.zeros(n_neg, int)])
    centres = np.where(y[:, None] == 1, 2.0, -2.0)
    X = centres + rng.normal(0.0, math.sqrt(0.5 + 7.0 * noise), size=(n, 2))
    return _shuffled(X, y, rng)


def spiral(n: int = 500, noise: float = 0.0, seed: int | None = None):
    """The Playground's two-arm spiral: arm k's i-th of m points at radius 5i/m, angle
    1.75·2π·i/m (+π for class 0), each coordinate moved by noise·U(-1, 1).
    (`spirals` is CS231n's, with k arms.)
    """
    noise = _check_playground(n, noise, 2)
    rng = make_rng(seed)
    counts = _split(n, 2)
    i = np.concatenate([np.arange(m) for m in counts]).astype(float)
    m = np.repeat(counts, counts).astype(float)
    y = np.repeat([1, 0], counts)
    r = i / m * 5.0
    t = 1.75 * i / m * 2 * math.pi + np.where(y == 1, 0.0, math.pi)
    X = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + rng.uniform(-1.0, 1.0, size=(n, 2)) * noise
    return _shuffled(X, y, rng)


def plane(n: int = 1200, noise: float = 0.0, seed: int | None = None):
    """The Playground's regression plane: points uniform in [-6, 6]², target (x1 + x2) / 10, read at
    (x1, x2) + noise·U(-6, 6)²: from -1.2 to 1.2 without noise (the Playground scales -10..10 to
    -1..1 and does not clip).
    """
    noise = _check_playground(n, noise, 1)
    rng = make_rng(seed)
    X = rng.uniform(-6.0, 6.0, size=(n, 2))
    read = X + rng.uniform(-6.0, 6.0, size=(n, 2)) * noise
    return X, (read[:, 0] + read[:, 1]) / 10.0


#: multi_gaussian's six bumps: centre x1, centre x2, sign.
BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def multi_gaussian(n: int = 1200, noise: float = 0.0, seed: int | None = None):
    """The Playground's multi-Gaussian regression: points uniform in [-6, 6]², six bumps of sign ±1
    at (-4|0|4, ±2.5) (BUMPS), each falling linearly from 1 at its centre to 0 at distance 2; the
    target is the bump largest in size at (x1, x2) + noise·U(-6, 6)², so in [-1, 1].
    """
    noise = _check_playground(n, noise, 1)
    rng = make_rng(seed)
    X = rng.uniform(-6.0, 6.0, size=(n, 2))
    read = X + rng.uniform(-6.0, 6.0, size=(n, 2)) * noise
    d = np.hypot(read[:, None, 0] - BUMPS[:, 0], read[:, None, 1] - BUMPS[:, 1])
    bumps = BUMPS[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)  # (n, 6)
    return X, bumps[np.arange(n), np.abs(bumps).argmax(axis=1)]


#: The Playground's dataset names (its URL's, "reg-" dropped) and the functions that make them.
PLAYGROUND = {
    "circle": circle,
    "xor": quadrants,
    "gauss": gaussians,
    "spiral": spiral,
    "plane": plane,
    "multi-gauss": multi_gaussian,
}


def playground(
    name: str, n: int | None = None, noise: float = 0.0, train: float = 0.5, seed: int | None = None
):
    """A Playground dataset by its name there, split as it splits: returns X_train, y_train, X_test,
    y_test, the first floor(n·train) of the shuffled points for training and the rest for testing.

    n: None for the Playground's own count (500 points to classify, 1200 for regression).
    noise: its noise slider as a fraction (0.25 for 25%). train: its "ratio of training to test
    data", from 0.1 to 0.9 (0.5 for its default 50%).
    """
    if not isinstance(name, str) or name not in PLAYGROUND:
        raise ValueError(f"unknown Playground dataset {name!r}; choose one of: {', '.join(PLAYGROUND)}")
    make = PLAYGROUND[name]
    n = int(inspect.signature(make).parameters["n"].default) if n is None else n
    ratio = number("train", train, accepted="a number from 0.1 to 0.9")
    if not 0.1 <= ratio <= 0.9:
        raise ValueError(
            "train is the fraction of the points to train on, from 0.1 to 0.9 (the Playground's "
            f"'ratio of training to test data', 10% to 90%), got {train!r}"
        )
    X, y = make(n=n, noise=noise, seed=seed)
    k = math.floor(len(X) * ratio + 1e-9)  # 0.7 · 100 is 70, not 69.99...
    if k == 0 or k == len(X):
        raise ValueError(
            f"train={train!r} of n={n} points leaves no {'training' if k == 0 else 'test'} points"
        )
    return X[:k], y[:k], X[k:], y[k:]


# --- your own table ----------------------------------------------------------------------------

#: load_csv's default limit on rows: at 100,000 rows, `autograd-lite train`'s default run (a
#: 2-16-16-1 MLP, batches of 32, 100 epochs on the tape) takes about a minute (0.6 s an epoch
#: measured on a 2-core machine); ten times more would take ten.
MAX_ROWS = 100_000

#: How load_csv's messages name its options (the CLI passes its flags' names).
_OPTIONS = {"columns": "columns=['a', 'b']", "max_rows": "max_rows="}


def _open_csv(path):
    """path opened as UTF-8 text (a spreadsheet's byte-order mark skipped), or a ValueError naming it."""
    try:
        return open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 (the caller closes it)
    except FileNotFoundError:
        where = os.path.dirname(os.path.abspath(path))
        near = []
        if os.path.isdir(where):
            near = difflib.get_close_matches(os.path.basename(path), sorted(os.listdir(where)), n=1)
        hint = f"; did you mean {os.path.join(os.path.dirname(path), near[0])}?" if near else ""
        raise ValueError(f"{path}: no such file (looked in {where}){hint}") from None
    except IsADirectoryError:
        raise ValueError(f"{path}: that is a folder; give the CSV file inside it") from None
    except OSError as e:
        raise ValueError(f"{path}: cannot read it: {e.strerror or e}") from None


def _rows(path, file):
    """csv.reader over `file`, with its decoding and csv errors as ValueErrors naming path and line."""
    reader = csv.reader(file, strict=True)
    try:
        for row in reader:
            yield reader.line_num, row
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a text file (UTF-8), so not a CSV table") from None
    except csv.Error as e:
        raise ValueError(f"{path}, line {reader.line_num}: not a CSV table: {e}") from None


def _header(path, rows) -> list[str]:
    """The first non-blank row, as the columns' names; a ValueError if there is none or it is numbers."""
    for _, row in rows:
        if any(cell.strip() for cell in row):
            names = [cell.strip() for cell in row]
            break
    else:
        raise ValueError(
            f"{path}: the file is empty; a CSV table needs a header row (e.g. x1,x2,label) and rows"
        )
    if all(_is_number(name) for name in names):
        raise ValueError(
            f"{path}: the first row is numbers ({', '.join(names[:4])}), not a header: add a first row "
            "naming the columns, e.g. x1,x2,label"
        )
    if len(names) == 1:
        for sep, what in ((";", "semicolons"), ("\t", "tabs")):
            if sep in names[0]:
                raise ValueError(
                    f"{path}: the header is one column with {what} in it: save the table with commas"
                )
    return names


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_columns(path: str | os.PathLike) -> list[str]:
    """The names in the header row of the CSV file at `path` (see load_csv)."""
    with _open_csv(path) as file:
        return _header(path, _rows(path, file))


def _column(path, names: list[str], name, role: str) -> int:
    """The index of the column `name` in the header, or a ValueError listing the header (and the closest)."""
    if not isinstance(name, str):
        raise TypeError(f"{role} must be a column name (text), got {name!r}")
    if names.count(name) > 1:
        raise ValueError(f"{path}: the header names {name!r} twice, so {role} {name!r} is ambiguous")
    if name not in names:
        near = difflib.get_close_matches(name, names, n=1)
        near = near or [known for known in names if known.lower() == name.strip().lower()]
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise ValueError(
            f"{path}: {role} {name!r} is not a column{hint}; the header names: {', '.join(map(repr, names))}"
        )
    return names.index(name)


def load_csv(
    path: str | os.PathLike,
    target: str,
    columns: Sequence[str] | None = None,
    *,
    max_rows: int = MAX_ROWS,
    _options: dict[str, str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Your own table: (X, y) as float arrays from a CSV file with a header row, read by the csv
    module (text, never evaluated).

    y is the column `target`; X the others, or `columns` (names, in that order). X must have one or
    two columns, x1 and x2 of the plane a replay draws (pick them with columns=). Every used cell
    must be a finite number; blank lines are skipped; other columns may hold anything. More than
    `max_rows` rows (MAX_ROWS, 100,000) is refused as soon as row max_rows + 1 is read, with an
    estimate of the file's rows. Any problem is a ValueError naming the file, the line (the header
    is line 1) and the column. For class labels, pass y to check_labels.
    """
    words = {**_OPTIONS, **(_options or {})}
    max_rows = count("max_rows", max_rows, 1)
    if isinstance(columns, str):
        raise TypeError(f"columns takes a list of names, e.g. ['x1', 'x2']; got {columns!r}")
    with _open_csv(path) as file:
        rows = _rows(path, file)
        names = _header(path, rows)
        t = _column(path, names, target, "target")
        if columns is None:
            picked = [i for i in range(len(names)) if i != t]
        else:
            picked = [_column(path, names, c, "column") for c in columns]
            if t in picked:
                raise ValueError(
                    f"{path}: the target {target!r} is also in columns; a column is one or the other"
                )
            if len(set(picked)) != len(picked):
                raise ValueError(f"{path}: columns names a column twice: {list(columns)!r}")
        if columns is not None and len(picked) not in (1, 2):
            raise ValueError(
                f"{path}: pick one or two input columns (x1, x2: the plane the pictures draw), as "
                f"{words['columns']}; got {len(picked)}: {', '.join(repr(names[i]) for i in picked)}"
            )
        if not picked:
            raise ValueError(
                f"{path}: the table holds the target {target!r} and nothing else: it needs one or two "
                "input columns beside it"
            )
        if len(picked) not in (1, 2):
            shown = ", ".join(repr(names[i]) for i in picked) or "none"
            raise ValueError(
                f"{path}: {counted(len(picked), 'column')} besides the target {target!r} ({shown}); "
                "the inputs are one or two columns (x1, x2: the plane the pictures draw), "
                f"so pick them with {words['columns']}"
            )
        blank = [i + 1 for i in picked if not names[i]]
        if blank:
            raise ValueError(
                f"{path}: column {blank[0]} of the header has no name: name it, or pick the columns "
                f"with {words['columns']}"
            )
        used = [*picked, t]
        data: list[list[float]] = []
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if len(row) != len(names):
                raise ValueError(
                    f"{path}, line {line}: {counted(len(row), 'cell')}, but the header names "
                    f"{counted(len(names), 'column')}"
                )
            if len(data) == max_rows:
                raise ValueError(
                    f"{path}: more than {max_rows:,} rows{_estimate(file, max_rows)}, the limit "
                    f"({words['max_rows']}{max_rows:,}): training on that many takes long here; "
                    "use a sample of the rows"
                )
            data.append([_cell(path, line, names[i], row[i]) for i in used])
    if not data:
        raise ValueError(f"{path}: a header ({', '.join(names)}) but no rows of numbers under it")
    table = np.array(data, dtype=np.float64)
    return table[:, :-1], table[:, -1]


def _estimate(file, rows: int) -> str:
    """' (about N by its size)': the file's rows guessed from the bytes the first `rows` took."""
    try:
        done, size = file.buffer.tell(), os.fstat(file.fileno()).st_size
    except (AttributeError, OSError):
        return ""
    return f" (about {round(size / done * rows, -3):,.0f} by its size)" if done else ""


def _cell(path, line: int, name: str, text: str) -> float:
    text = text.strip()
    where = f"{path}, line {line}, column {name!r}"
    if not text:
        raise ValueError(f"{where}: the cell is empty; every row needs a number there")
    try:
        value = float(text)
    except ValueError:
        hint = " (a decimal comma? write 1.5, not 1,5)" if "," in text else ""
        raise ValueError(f"{where}: {text!r} is not a number{hint}") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: {text!r} is not a finite number; fill in or drop that row")
    return value


def check_labels(y, what: str = "y") -> np.ndarray:
    """y as class indices 0..K-1 (-1/+1 read as 0/1, as fit reads them), or a ValueError saying why
    y is no set of classes: numbers that are not whole (a regression target), a single class, or
    labels not numbered 0..K-1."""
    y = np.asarray(y, dtype=np.float64).ravel()
    if len(y) == 0:
        raise ValueError(f"{what} holds no labels")
    if not np.isfinite(y).all():
        raise ValueError(f"{what} holds nan or infinity")
    if not np.all(y == np.round(y)):
        odd = y[y != np.round(y)][0]
        raise ValueError(
            f"{what} holds numbers that are not whole (such as {odd:g}), so not class labels: "
            "for a number to predict, use a regression loss (mse)"
        )
    found = np.unique(y).astype(int)
    shown = ", ".join(str(v) for v in found[:6]) + (", ..." if len(found) > 6 else "")
    if len(found) == 1:
        raise ValueError(f"only one class ({found[0]}) in {what}: nothing to separate")
    if set(found) == {-1, 1}:
        return (y > 0).astype(int)
    if found[0] != 0 or found[-1] != len(found) - 1:
        raise ValueError(
            f"{what} holds the labels {shown}: classes are numbered 0..K-1 (or -1/+1 for two), so renumber "
            "them; for a number to predict, use a regression loss (mse)"
        )
    return y.astype(int)


def train_test_split(X, y, test_size: float = 0.25, seed: int | None = None):
    """Shuffle, then split: returns X_train, X_test, y_train, y_test."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} and {len(y)}")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size is a fraction between 0 and 1, got {test_size!r}")
    n_test = max(1, round(len(X) * test_size))
    if n_test >= len(X):
        raise ValueError(f"test_size={test_size} leaves no training examples out of {len(X)}")
    order = make_rng(seed).permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def standardize(X, stats: tuple | None = None):
    """Scale each column to mean 0 and standard deviation 1.

    Returns (X_scaled, (mean, std)); pass those stats to scale test data the
    same way: standardize(X_test, stats).
    """
    X = np.asarray(X, dtype=float)
    if stats is None:
        mean, std = X.mean(axis=0), X.std(axis=0)
        std = np.where(std > 0, std, 1.0)  # a constant column stays as it is
    else:
        mean, std = stats
    return (X - mean) / std, (mean, std)


#: The feature crosses TensorFlow Playground offers, by the names `features` takes: each a function
#: of the input columns x1, x2 (a table, never evaluated text).
FEATURES: dict[str, tuple[int, object]] = {
    "x1": (1, lambda x1, x2: x1),
    "x2": (2, lambda x1, x2: x2),
    "x1^2": (1, lambda x1, x2: x1 * x1),
    "x2^2": (2, lambda x1, x2: x2 * x2),
    "x1*x2": (2, lambda x1, x2: x1 * x2),
    "sin(x1)": (1, lambda x1, x2: np.sin(x1)),
    "sin(x2)": (2, lambda x1, x2: np.sin(x2)),
}


def _closest(name: str, names: list[str]) -> list[str]:
    """The name in `names` closest to `name` (difflib's, ignoring case), if any is close."""
    lower = {n.lower(): n for n in names}
    typed = name.lower().replace(" ", "").replace("**", "^")  # x1**2 is Python's x1^2
    if typed in lower:
        return [lower[typed]]
    return [lower[n] for n in difflib.get_close_matches(typed, list(lower), n=1)]


def features(X, names):
    """The columns `names` computed from the inputs of X (one or two columns, x1 and x2), as the
    Playground's feature crosses: e.g. features(X, ["x1", "x2", "x1*x2", "sin(x1)"]) -> (n, 4).

    Names are from FEATURES; an unknown name, a repeated one, or one that needs x2 for a
    one-column X is refused with the list of accepted names.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] not in (1, 2):
        raise ValueError(f"features needs X with one or two columns (x1, x2), got shape {np.shape(X)}")
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise TypeError(f"features takes a list of names, e.g. ['x1', 'x2', 'x1*x2']; got {names!r}")
    names = list(names)
    if not names:
        raise ValueError(f"features needs at least one name, from: {', '.join(FEATURES)}")
    inputs = X.shape[1]
    accepted = [k for k, (needs, _) in FEATURES.items() if needs <= inputs]
    columns = []
    for name in names:
        if name not in FEATURES or FEATURES[name][0] > inputs:
            why = "needs a second input column" if name in FEATURES else "is not a feature"
            near = [] if name in FEATURES else _closest(str(name), accepted)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ValueError(f"{name!r} {why}{hint}; choose from: {', '.join(accepted)}")
        columns.append(name)
    if len(set(columns)) != len(columns):
        twice = next(c for c in columns if columns.count(c) > 1)
        raise ValueError(f"{twice!r} is named twice; name each feature once")
    x1 = X[:, 0]
    x2 = X[:, 1] if inputs == 2 else np.zeros(len(X))
    return np.stack([FEATURES[name][1](x1, x2) for name in columns], axis=1)  # type: ignore[operator]
