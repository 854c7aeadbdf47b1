"""`autograd-lite graph` and `step` end to end, as a user runs them."""

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd_lite.cli import main

NEURON = [
    "n = x1*w1 + x2*w2 + b; o = tanh(n)",
    "--set",
    "x1=2",
    "w1=-3",
    "x2=0",
    "w2=1",
    "b=6.8813735870195432",
]


def cli(*args, stdin="", env=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_no_command_prints_the_usage_and_exits_2():
    out = cli()
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("usage: autograd-lite") and "graph" in out.stderr and "step" in out.stderr
    assert out.stderr.endswith("autograd-lite: error: choose a COMMAND: graph, step, descend, train\n")


def run(*args):
    """The CLI in this process (quicker than a subprocess): (exit code, stdout, stderr)."""
    import contextlib
    import io

    from autograd_lite.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as e:  # argparse's own errors
            code = e.code
    return code, out.getvalue(), err.getvalue()


def grads(text_tree: str) -> dict[str, str]:
    """name -> grad from `graph`'s text tree."""
    rows = [ln.lstrip("│├└─ ") for ln in text_tree.splitlines()]
    return {row.split()[0]: row.rsplit("grad", 1)[1].strip() for row in rows if "grad" in row}


@pytest.mark.parametrize(
    "args",
    [
        ["-x*w", "--set", "x=1", "w=2"],
        ["--set", "x=1", "w=2", "-x*w"],
        ["--set", "x=1", "-x*w", "--set", "w=2"],
        ["--set=x=1", "w=2", "-x*w"],
        ["-x*w", "--se", "x=1", "w=2"],  # an abbreviated --set, as argparse allows
        ["-o", "-", "-x*w", "--set", "x=1", "w=2"],
        ["--set", "x=1", "w=2", "--", "-x*w"],
        ["--form", "text", "-x*w", "--set", "x=1", "w=2"],  # an abbreviated option takes its value
    ],
)
def test_an_expression_may_start_with_a_minus_and_come_after_set(args):
    code, out, err = run("graph", *args)
    assert code == 0, err
    # -x*w at x=1, w=2: d/dx = -w = -2, d/dw = -x = -1
    assert grads(out)["x"] == "-2.0" and grads(out)["w"] == "-1.0"


def test_set_ends_at_an_item_without_equals():
    code, out, err = run("graph", "--set", "x=3", "x*2")
    assert code == 0, err
    assert "data        6.0" in out and grads(out)["x"] == "2.0"
    code, out, err = run("graph", "--set", "x=1", "o = tanh(x*0)")  # a statement is the expression
    assert code == 0, err
    assert out.startswith("o = tanh(v1)") and grads(out)["x"] == "0.0"
    code, out, err = run("graph", "--set", "x=1", "n=x-1")  # and so is one with an operator after =
    assert code == 0, err
    assert out.startswith("n = x - 1.0") and grads(out)["x"] == "1.0"
    code, out, err = run("graph", "--set", "x=-1e-3", "w=+2.5E+1", "x*w")  # numbers keep their signs
    assert code == 0, err
    assert grads(out)["x"] == "25.0" and grads(out)["w"] == "-0.001"


@pytest.mark.parametrize("output", [["--out", "g.txt"], ["-og.txt"], ["--output=g.txt"], ["-o", "g.txt"]])
def test_output_options_keep_their_value_next_to_a_leading_minus(output, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run("graph", "-x*w", *output, "--set", "x=1", "w=2")
    assert (code, out) == (0, "wrote g.txt\n"), err
    assert grads((tmp_path / "g.txt").read_text())["x"] == "-2.0"


@pytest.mark.parametrize(
    "words, fix",
    [(["x", "=", "1"], "write x=1, not 'x = 1'"), (["x", "=1"], "write x=1, not 'x =1'"),
     (["x=", "-1"], "write x=-1, not 'x= -1'"), (["x=1", "w", "=", "2"], "write w=2, not 'w = 2'")],
)  # fmt: skip
def test_a_set_item_split_by_spaces_says_to_join_it(words, fix):
    code, out, err = run("graph", "x*w" if "w" in words else "x", "--set", *words)
    assert code == 2 and f"--set takes name=number with no spaces around =: {fix}" in err


def test_a_short_option_that_reads_as_an_expression_is_the_expression():
    code, out, err = run("graph", "-o*w", "--set", "o=3", "w=2")  # not `-o '*w'`
    assert code == 0, err
    assert grads(out)["o"] == "-2.0"


def test_step_takes_a_leading_minus_and_set_first():
    code, out, err = run("step", "--set", "x=1", "w=2", "-x*w", "--svg-dir", "")
    assert code == 0, err
    assert "forward pass:" in out and "the graph after backward:" in out
    assert grads(out.split("the graph after backward:")[1])["x"] == "-2.0"


def test_the_real_command_takes_a_leading_minus():
    out = subprocess.run(
        [str(Path(sys.executable).parent / "autograd-lite"), "graph", "-x*w", "--set", "x=1", "w=2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert grads(out.stdout)["x"] == "-2.0"


@pytest.mark.parametrize(
    "args, words",
    [
        (["graph", "--set", "x=1"], "the following arguments are required: EXPR"),
        (["graph", "x", "--set"], "--set: expected at least one argument"),
        (["graph", "x", "y", "--set", "x=1"], "unrecognized arguments: y"),
        (["graph", "x", "--set", "x=1", "--", "-y"], "unrecognized arguments: -y"),
    ],
)
def test_argument_mistakes_still_get_argparse_errors(args, words):
    code, out, err = run(*args)
    assert code == 2 and words in err and "usage: autograd-lite graph" in err


def test_unicode_names_work_in_the_expression_and_in_set():
    code, out, err = run("graph", "tanh(θ*ω + β)", "--set", "θ=1", "ω=2", "β=0.5")
    assert code == 0, err
    slope = 1 - math.tanh(2.5) ** 2  # d tanh(u)/du at u = θ*ω + β = 2.5
    g = grads(out)
    assert float(g["θ"]) == pytest.approx(2 * slope, rel=1e-3) and float(g["β"]) == pytest.approx(
        slope, rel=1e-3
    )


def test_graph_prints_a_text_tree_after_backward():
    out = cli("graph", *NEURON)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("o = tanh(n)") and "grad 1.0" in lines[0]
    assert any(ln.strip().startswith("└─ n = ") and "grad 0.5" in ln for ln in lines)
    assert any("w1" in ln and "grad 1.0" in ln for ln in lines)


def test_graph_writes_svg_without_system_graphviz(tmp_path):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))  # no `dot` on this PATH
    out = cli("graph", *NEURON, "-o", str(tmp_path / "g.svg"), env=env)
    assert out.returncode == 0, out.stderr
    svg = (tmp_path / "g.svg").read_text()
    assert "</svg>" in svg and "data 0.7071" in svg


def test_graph_writes_dot(tmp_path):
    out = cli("graph", *NEURON, "--format", "dot")
    assert out.returncode == 0 and out.stdout.startswith("digraph")


def test_step_piped_runs_every_step_and_writes_svgs(tmp_path):
    out = cli("step", *NEURON, "--svg-dir", str(tmp_path / "steps"), stdin="")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "forward pass:" in text
    assert "n = x1 * w1 + x2 * w2 + b = 2.0 * -3.0 + 0.0 * 1.0 + 6.881 = 0.8814" in text
    assert "step 1 of 5\n  o = tanh(n): n.grad += do/dn · o.grad = (1 - o²) · 1.0 = 0.5" in text
    assert "v1 = x1 * w1: x1.grad += dv1/dx1 · v1.grad = w1 · 0.5 = -3.0 · 0.5 = -1.5" in text
    assert "step 5 of 5" in text and "the graph after backward:" in text
    files = sorted(p.name for p in (tmp_path / "steps").iterdir())
    assert files == [f"step-{i:02d}.svg" for i in range(6)]
    assert "grad not computed yet" in (tmp_path / "steps" / "step-00.svg").read_text()


@pytest.mark.parametrize(
    "args, words",
    [
        (["graph", "tanh(x", "--set", "x=1"], "cannot parse"),
        (["graph", "x*y", "--set", "x=1"], "--set y="),
        (["graph", "open('/etc/passwd')"], "unknown function 'open'"),
        (["graph", "log(x)", "--set", "x=-1"], "log(x) needs x > 0"),
        (["graph", "x", "--set", "x=one"], "must be a number"),
        (["graph", "x", "--set", "x=1", "-o", "/nonexistent/dir/g.svg"], "cannot write"),
        (["graph", "x", "--set", "x=1", "-o", "g.png"], "use .svg, .dot or .txt"),
        (["step", "x/0", "--set", "x=1"], "divisor other than 0"),
        (["step", "x", "--set", "x=1", "--svg-dir", "/proc/nope"], "cannot create"),
        (["graph", "x*1e308*10", "--set", "x=1"], "x * 1e308 * 10 is inf"),
    ],
)
def test_mistakes_get_one_line_and_exit_2(args, words, tmp_path):
    out = cli(*args, cwd=tmp_path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert words in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_version_is_the_one_in_pyproject():
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    code, out, err = run("--version")
    assert (code, out) == (0, f"autograd-lite {pyproject['project']['version']}\n")


def test_argparse_mistakes_exit_2_without_traceback():
    out = cli("graph")
    assert out.returncode == 2 and "Traceback" not in out.stderr and "EXPR" in out.stderr
    out = cli("paint")
    assert out.returncode == 2 and "invalid choice" in out.stderr


def test_unknown_option_is_reported_by_the_subcommand():
    out = cli("graph", "x", "--set", "x=1", "--colour", "red")
    assert out.returncode == 2 and "usage: autograd-lite graph" in out.stderr
    assert "unrecognized arguments: --colour red" in out.stderr


def test_piping_into_head_is_quiet(tmp_path):
    proc = subprocess.run(
        f"'{sys.executable}' -m autograd_lite step 'n = a*b; o = tanh(n*n)' --set a=1 b=2 "
        "< /dev/null | head -2",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert len(proc.stdout.splitlines()) == 2
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        # the user's own text and numbers, not the engine's placeholder x
        (["graph", "log(0)"], "log(0) needs 0 > 0"),
        (["graph", "10**400"], "10 ** 400 needs a result that fits in a float (below 1.8e308)"),
        (["graph", "log(x - 2)", "--set", "x=2"], "log(x - 2) needs x - 2 > 0, but got x - 2 = 0.0"),
        (["step", "exp(1000*x)", "--set", "x=1"], "exp(1000 * x) needs 1000 * x <= 709.78 so that "
         "exp(1000 * x) fits in a float, but got 1000 * x = 1000.0"),
        # inf and nan are errors, naming the value
        (["graph", "x*1e308*10", "--set", "x=1"],
         "x * 1e308 * 10 is inf: too large for a float (floats stop near ±1.8e308), with x * 1e308 = 1e+308"),
        (["graph", "x**0.5", "--set", "x=0"], "the gradient of x is inf: the slope of x ** 0.5 with respect "
         "to x is inf at x = 0.0; choose values where every derivative is finite"),
        (["step", "x**0.5", "--set", "x=0"], "the gradient of x is inf: the slope of x ** 0.5"),
        (["graph", "0 * x**0.5", "--set", "x=0"], "the gradient of x is nan: the slope of x ** 0.5"),
        (["graph", "1e300 * sin(x*1e300)", "--set", "x=1"], "the gradient of x is -inf: the slope of "
         "x * 1e300 with respect to x (1e+300) times the gradient of x * 1e300"),
        # a bare expression that is not the last statement would be dropped
        (["graph", "x; y", "--set", "x=1", "y=2"], "only the last statement is the result, so 'x' does "
         "nothing there; remove it (to keep a step, name an expression with =, as in n = x*w; ...)"),
        (["graph", "x*y; y", "--set", "x=1", "y=2"], "only the last statement is the result, so 'x * y' "
         "would be thrown away; name it with = to keep it as a step (n = x * y; ...), or remove it"),
        # names: what Python takes as an identifier
        (["graph", "x", "--set", "x=1", "if=2"], "'if' is a Python keyword"),
        (["graph", "x", "--set", "x-1=2"], "'x-1' is not a variable name: a name starts with a letter"),
        # typos
        (["graph", "tahn(x)", "--set", "x=1"], "unknown function 'tahn' (did you mean tanh?)"),
        (["graph", "sqrt(x)", "--set", "x=1"], "unknown function 'sqrt' (for a square root write x ** 0.5)"),
        (["graph", "math.exp(x)", "--set", "x=1"], "write exp(...), not math.exp(...)"),
        (["graph", "2x", "--set", "x=1"], "for a product write 2*x"),
        (["graph", "x(w + 1)", "--set", "x=1", "w=1"], "x(...) is not a function call; "
         "for a product write x*(...)"),
        (["graph", "x*w", "--set", "x=1", "W=2"], "the variable 'w' has no value; set it with --set w=NUMBER "
         "(--set gives W, which the expression never uses: a typo?)"),
        (["graph", "x*2", "--set", "x=1", "X=2"], "--set gives X, which the expression "
         "never uses (a typo for x?)"),
        (["graph", "   "], "the expression is empty"),
        # bad numbers
        (["graph", "x", "--set", "x=abc"], "the value of x must be a number "
         "such as 2, -3.5 or 1e-3, got 'abc'"),
        (["graph", "x", "--set", "x=1,5"], "(write decimals with a point: 1.5)"),
        (["graph", "x", "--set", "x=1e999"], "the value of x, 1e999, is too large for a float"),
        (["graph", "x", "--set", "x=1e-400"], "the value of x, 1e-400, is too "
         "small for a float: it would be 0.0"),
        (["graph", "x", "--set", "x=inf"], "the value of x must be a finite number, got 'inf'"),
        (["graph", "x * 1e-400", "--set", "x=1"], "the number 1e-400 is too small for a float"),
    ],
)  # fmt: skip
def test_each_mistake_is_one_line_in_the_users_words(args, message):
    code, out, err = run(*args)
    assert code == 2, out
    assert err.count("\n") == 1 and err.startswith(f"autograd-lite {args[0]}: error: ")
    assert message in err
    assert "log(x) needs" not in err and "400.0" not in err


BIG = " + ".join(f"tanh(x*{i})" for i in range(1, 90))  # 267 values


@pytest.mark.parametrize(
    "args, words",
    [
        (
            ["graph", BIG, "--set", "x=1", "-o", "big.svg"],
            "the graph has 267 values; a picture shows at most 250",
        ),
        (["graph", BIG, "--set", "x=1", "--format", "dot"], "use --format text, or a smaller expression"),
        (["step", BIG, "--set", "x=1", "--svg-dir", "steps"], "--svg-dir would picture the whole graph"),
        (
            ["step", BIG, "--set", "x=1", "--html", "big.html"],
            "--html would picture the whole graph (267 values)",
        ),
    ],
)
def test_pictures_too_big_to_make_are_refused_before_any_work(args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*args)
    assert code == 2 and words in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # no folder, no file


def test_a_big_graph_still_prints_as_text():
    code, out, err = run("graph", BIG, "--set", "x=1")
    assert code == 0, err
    assert len(out.splitlines()) > 267


def test_a_third_package_adds_a_subcommand_by_entry_point(tmp_path, monkeypatch, capsys):
    # How `nn` adds `train`: a distribution declares the entry-point group; the CLI imports nothing by name.
    dist = tmp_path / "hello_cmd-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hello-cmd\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[autograd_lite.commands]\nhello = hello_cmd:register\n")
    (tmp_path / "hello_cmd.py").write_text(
        "def register(commands):\n"
        "    p = commands.add_parser('hello', help='say hello')\n"
        "    p.set_defaults(run=lambda args: print('hello from a plugin'))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["hello"]) == 0
    assert capsys.readouterr().out == "hello from a plugin\n"
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    assert "hello" in listed and "train" in listed  # train arrives the same way, from nn's entry point


def test_a_broken_plugin_does_not_take_graph_down(tmp_path, monkeypatch, capsys):
    dist = tmp_path / "broken_cmd-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-cmd\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[autograd_lite.commands]\nbroken = no_such_module:register\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert main(["graph", "x*2", "--set", "x=1", "--format", "text"]) == 0
    captured = capsys.readouterr()
    assert "the 'broken' command (no_such_module:register) could not load" in captured.err
    assert "x" in captured.out
