"""The house: imports only go down the layers of DESIGN.md, and no module imports itself in a circle.

Read from the source with `ast` (every import, at the top or inside a
function: a lazy import that hides a cycle is still a cycle), so the test
needs nothing imported and fails on the first upward arrow it finds.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd_lite", "nn")

# Layer of each module, lowest first; a module may import its own layer or any lower one.
LAYERS: dict[str, int] = {}
for rank, modules in enumerate(
    [
        # core: the op table, Value, the switches, gradient checks, the tape
        [
            "autograd_lite.ops",
            "autograd_lite.palette",
            "autograd_lite.modes",
            "autograd_lite.checks",
            "autograd_lite.errors",
            "autograd_lite.engine",
            "autograd_lite.gradcheck",
            "autograd_lite.groups",
            "autograd_lite.tape",
        ],
        # reading the graph: names, the stepper, pictures and text, expressions, ready-made graphs
        [
            "autograd_lite.names",
            "autograd_lite.stepper",
            "autograd_lite.explain",
            "autograd_lite.viz",
            "autograd_lite.expr",
            "autograd_lite.examples",
        ],
        # pages: the page shell and the stepper's page; Jupyter display
        ["autograd_lite.html", "autograd_lite.pages", "autograd_lite.display"],
        # nn on top of the engine
        [
            "nn.seed",
            "nn.checks",
            "nn.tasks",
            "nn.model_file",
            "nn.functional",
            "nn.torch_bridge",
            "nn.module",
            "nn.losses",
            "nn.optim",
            "nn.datasets",
            "nn.compiled",
            "nn.train",
            "nn.descend",
            "nn.micrograd",
            "nn.micrograd.engine",
            "nn.micrograd.nn",
        ],
        ["nn.plot", "nn.network_view", "nn.replay", "nn.compare", "nn.descend_page"],
        # command lines: ours, then nn's subcommand (found by entry point, never imported by name)
        ["autograd_lite.cli", "autograd_lite.__main__"],
        ["nn.cli", "nn.descend_cli"],
        # the packages' front doors re-export everything below them
        ["autograd_lite", "nn"],
    ]
):
    for m in modules:
        LAYERS[m] = rank


def modules() -> dict[str, Path]:
    found = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports, anywhere in its file."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            mod = ".".join(base + ([node.module] if node.module else []))
            # `from . import engine` imports the module engine; `from .engine import Value` the module too
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:  # `from nn import losses` names the module nn.losses
                t = t.rpartition(".")[0]
            if t and t != name:
                out.add(t)
    return out


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(name, path, set(found)) for name, path in found.items()}


def test_every_module_has_a_layer():
    missing = sorted(set(graph()) - set(LAYERS))
    assert not missing, f"give these modules a layer in tests/test_house.py: {missing}"


def test_imports_only_go_down():
    upward = [
        f"{a} (layer {LAYERS[a]}) imports {b} (layer {LAYERS[b]})"
        for a, targets in sorted(graph().items())
        for b in sorted(targets)
        if a in LAYERS
        and b in LAYERS
        and LAYERS[b] > LAYERS[a]
        and not (a.startswith("nn") and b == "autograd_lite")  # the engine's front door is below nn
    ]
    assert not upward, "\n".join(upward)


def test_the_engine_never_imports_nn():
    g = graph()
    bad = [f"{a} imports {b}" for a, ts in g.items() if a.startswith("autograd_lite") for b in ts
           if b == "nn" or b.startswith("nn.")]  # fmt: skip
    assert not bad, bad


def test_no_import_circles():
    g = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(g):
        if v not in index:
            visit(v)
    # A package's __init__ importing its own modules is not a circle unless a module imports it back.
    assert not circles, f"import circles: {circles}"


def test_the_checker_sees_a_circle_and_an_upward_import(tmp_path):
    # The reader itself: relative imports, `from x import y`, and imports inside functions.
    pkg = tmp_path / "autograd_lite"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "engine.py").write_text("def f():\n    from .stepper import g\n")
    (pkg / "stepper.py").write_text("from . import engine\n")
    known = {"autograd_lite", "autograd_lite.engine", "autograd_lite.stepper"}
    assert imports("autograd_lite.engine", pkg / "engine.py", known) == {"autograd_lite.stepper"}
    assert imports("autograd_lite.stepper", pkg / "stepper.py", known) == {"autograd_lite.engine"}
