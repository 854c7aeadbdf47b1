"""Regenerate the pictures the README shows: `python docs/make_images.py`."""

from pathlib import Path

from autograd_lite import Value, backward_steps, draw, render_svg

HERE = Path(__file__).resolve().parent


def neuron() -> Value:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def main() -> None:
    o = neuron()
    o.backward()
    render_svg(draw(o), HERE / "neuron.svg")
    steps = backward_steps(neuron())
    next(steps), next(steps)
    render_svg(steps.draw(), HERE / "neuron-step-3.svg")
    print(f"wrote pictures to {HERE}")


if __name__ == "__main__":
    main()
