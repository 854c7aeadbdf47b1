"""`autograd-lite graph` and `step` end to end, as a user runs them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_no_command_prints_help():
    out = cli()
    assert out.returncode == 0 and "graph" in out.stdout and "step" in out.stdout


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
    assert "step 1 of 5: o = tanh(n)" in text
    assert "n.grad += do/dn * o.grad = (1 - o^2) * 1.0 = 0.5 * 1.0 = 0.5" in text
    assert "x1.grad += dv1/dx1 * v1.grad = w1 * 0.5 = -3.0 * 0.5 = -1.5" in text
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
    ],
)
def test_mistakes_get_one_line_and_exit_2(args, words, tmp_path):
    out = cli(*args, cwd=tmp_path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert words in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


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
