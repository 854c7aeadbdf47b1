"""`make demo`: the showcase. A neuron, its forward pass, its backward pass stepped, its graph."""

import argparse
from pathlib import Path

from autograd_lite import Value, backward_steps, draw, explain, render_svg


def neuron(out: Path) -> None:
    print("A neuron: o = tanh(x1*w1 + x2*w2 + b)  (the micrograd lecture's numbers)\n")
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    print("forward:")
    print("  " + explain(o).replace("\n", "\n  "))
    print("\nbackward, one node at a time:")
    for step in backward_steps(o):
        print(f"  step {step.index} of {step.total}: {step.name} ({step.node.op.symbol})")
        for line in step.lines():
            print(f"    {line}")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "neuron.svg"
    render_svg(draw(o), path)
    print(f"\nthe graph with every grad: {path}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out", help="where to write pictures (default: out/)")
    neuron(Path(parser.parse_args().out))
