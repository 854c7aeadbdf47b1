"""`make demo`: the showcase. A neuron, its backward pass, every gradient."""

from autograd_lite import Value


def neuron() -> None:
    print("A neuron: o = tanh(x1*w1 + x2*w2 + b)  (the micrograd lecture's numbers)\n")
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    print(f"forward:  n = {n.data:.4f}, o = tanh(n) = {o.data:.4f}")
    print("backward: do/d(each leaf)")
    for v in (x1, w1, x2, w2, b):
        print(f"  d o / d {v.label:<2} = {v.grad: .4f}")


if __name__ == "__main__":
    neuron()
