"""nn.Linear, nn.Sequential and the activation modules: torch's names, shapes and repr, the same
lanes and machinery as MLP, and interchangeable with it wherever a model is accepted."""

import json
import math
import sys

import numpy as np
import pytest

import nn
from autograd_lite import Parameter, Value, draw, gradcheck, numerical_grad
from nn import losses


def small(seed=0):
    return nn.Sequential(nn.Linear(2, 3, seed=seed), nn.Tanh(), nn.Linear(3, 1, seed=seed + 1))


def set_weights(model, rng):
    model.load_state_dict({k: rng.normal(size=v.shape) for k, v in model.state_dict().items()})


# --- names, shapes, repr -------------------------------------------------------------------------


def test_linear_names_and_shapes_are_torchs():
    layer = nn.Linear(2, 3)
    names = [n for n, _ in layer.named_parameters()]
    assert names == [f"weight[{k}, {j}]" for k in range(3) for j in range(2)] + [
        f"bias[{k}]" for k in range(3)
    ]
    assert all(isinstance(p, Parameter) for p in layer.parameters()) and len(layer.parameters()) == 9
    state = layer.state_dict()
    assert (
        list(state) == ["weight", "bias"] and state["weight"].shape == (3, 2) and state["bias"].shape == (3,)
    )
    assert np.array_equal(layer.weight, state["weight"]) and layer.weight is not layer.weight  # copies
    assert repr(layer) == "Linear(in_features=2, out_features=3, bias=True)"
    no_bias = nn.Linear(4, 2, bias=False)
    assert (
        list(no_bias.state_dict()) == ["weight"] and no_bias.bias is None and len(no_bias.parameters()) == 8
    )


def test_linear_default_init_is_torchs_uniform_bound():
    layer = nn.Linear(25, 400, seed=0)
    bound = 1 / math.sqrt(25)
    for a in (layer.weight, layer.bias):
        assert np.abs(a).max() <= bound and np.abs(a).max() > 0.95 * bound
    assert np.array_equal(nn.Linear(3, 2, seed=4).weight, nn.Linear(3, 2, seed=4).weight)


def test_sequential_names_state_dict_and_labels():
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
    names = [n for n, _ in model.named_parameters()]
    assert len(names) == len(set(names)) == 2 * 16 + 16 + 16 + 1
    assert names[:2] == ["0.weight[0, 0]", "0.weight[0, 1]"] and names[-1] == "2.bias[0]"
    assert {k: v.shape for k, v in model.state_dict().items()} == {
        "0.weight": (16, 2), "0.bias": (16,), "2.weight": (1, 16), "2.bias": (1,),
    }  # fmt: skip
    assert [p.label for p in model.parameters()] == names  # pictures show the same names
    nested = nn.Sequential(nn.Sequential(nn.Linear(2, 2)), nn.Sigmoid())
    assert list(nested.state_dict()) == ["0.0.weight", "0.0.bias"]


def test_repr_is_torchs():
    model = nn.Sequential(
        nn.Linear(2, 16),
        nn.ReLU(),
        nn.LeakyReLU(),
        nn.Sequential(nn.Linear(16, 1), nn.Sigmoid()),
        nn.Identity(),
    )
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=16, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): LeakyReLU(negative_slope=0.01)\n"
        "  (3): Sequential(\n"
        "    (0): Linear(in_features=16, out_features=1, bias=True)\n"
        "    (1): Sigmoid()\n"
        "  )\n"
        "  (4): Identity()\n"
        ")"
    )
    assert repr(nn.Sequential()) == "Sequential()" and repr(nn.Tanh()) == "Tanh()"
    assert model.describe() == "Sequential 2-16-1 (relu, leaky_relu, sigmoid, linear)"
    assert len(model) == 5 and isinstance(model[0], nn.Linear) and list(model)[1].name == "relu"


def test_wrong_layers_and_sizes_are_refused():
    with pytest.raises(
        ValueError, match=r"layer 2, Linear\(in_features=8.*takes 8 inputs but layer 0 gives 16"
    ):
        nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(8, 1))
    with pytest.raises(TypeError, match="layer 1, MLP, cannot go in a Sequential"):
        nn.Sequential(nn.Linear(2, 2), nn.MLP(2, [1]))
    with pytest.raises(ValueError, match="unknown init"):
        nn.Linear(2, 2, init="zeros")
    with pytest.raises(nn.module.TooBig, match="Linear"):
        nn.Linear(100_000, 100_000)


# --- the forward pass: hand-worked values, finite differences, lanes ----------------------------


def test_hand_worked_forward_and_backward():
    layer = nn.Linear(2, 2)
    layer.load_state_dict({"weight": [[1.0, 2.0], [-1.0, 0.5]], "bias": [0.5, -1.0]})
    model = nn.Sequential(layer, nn.ReLU())
    out = model([3.0, -1.0])  # [1*3 + 2*-1 + 0.5, -3 - 0.5 - 1] = [1.5, -4.5] -> relu [1.5, 0]
    assert [v.data for v in out] == [1.5, 0.0]
    (out[0] + out[1]).backward()
    g = {name: p.grad for name, p in model.named_parameters()}
    assert g == {"0.weight[0, 0]": 3.0, "0.weight[0, 1]": -1.0, "0.weight[1, 0]": 0.0, "0.weight[1, 1]": -0.0,
                 "0.bias[0]": 1.0, "0.bias[1]": 0.0}  # fmt: skip
    assert nn.LeakyReLU(0.2)(Value(-2.0)).data == pytest.approx(-0.4)
    assert [v.data for v in nn.Sigmoid()([0.0, 0.0])] == [0.5, 0.5]
    assert nn.Identity()(Value(3.0)).data == 3.0 and nn.Tanh()(Value(0.5)).data == math.tanh(0.5)


def test_gradients_agree_with_finite_differences():
    model = nn.Sequential(nn.Linear(3, 4, seed=0), nn.Tanh(), nn.Linear(4, 2, seed=1), nn.LeakyReLU(0.1))
    params = model.parameters()
    x = np.random.default_rng(0).normal(size=(6, 3))

    def f(*_):
        return losses.mse(model(x)[0] + model(x)[1], 0.5)

    assert gradcheck(f, params)
    model.zero_grad()
    f().backward()
    numeric = numerical_grad(f, params)
    assert np.allclose([p.grad for p in params], numeric, atol=1e-6)


def test_a_batch_runs_as_lanes_and_equals_one_example_at_a_time():
    model = small()
    X = np.random.default_rng(1).normal(size=(7, 2))
    batch = model(X)
    assert isinstance(batch, Value) and batch.data.shape == (7,)
    assert np.allclose(batch.data, [model(list(row)).data for row in X], atol=1e-15)
    with pytest.raises(ValueError, match="takes 2 inputs per example"):
        model(np.zeros((3, 5)))


def test_same_weights_as_an_mlp_give_the_mlps_outputs():
    mlp = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    seq = small()
    W = [np.array([[w.data for w in n.w] for n in layer.neurons]) for layer in mlp.layers]
    b = [np.array([n.b.data for n in layer.neurons]) for layer in mlp.layers]
    seq.load_state_dict({"0.weight": W[0], "0.bias": b[0], "2.weight": W[1], "2.bias": b[1]})
    X = np.random.default_rng(2).normal(size=(20, 2))
    assert np.array_equal(seq(X).data, mlp(X).data)
    converted = mlp.to_sequential()
    assert np.array_equal(converted(X).data, mlp(X).data)
    assert all(np.array_equal(converted.state_dict()[k], v) for k, v in seq.state_dict().items())


def test_the_pytorch_loop_runs_unchanged():
    X, y = nn.datasets.moons(n=60, noise=0.1, seed=0)
    model = nn.Sequential(nn.Linear(2, 8, seed=0), nn.ReLU(), nn.Linear(8, 1, seed=1))
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    first = None
    for _ in range(30):
        optimizer.zero_grad()
        loss = losses.mse(model(X), 2.0 * y - 1)
        loss.backward()
        optimizer.step()
        first = first if first is not None else loss.data
    assert loss.data < 0.6 * first


# --- strict loading ------------------------------------------------------------------------------


def test_load_state_dict_is_strict_and_leaves_the_model_unchanged():
    model = small()
    before = model.state_dict()
    bad = dict(before, extra=1.0)
    del bad["2.bias"]
    bad["0.weight"] = np.zeros((2, 3))  # transposed
    bad["0.bias"] = [1.0, float("nan"), 0.0]
    with pytest.raises(ValueError) as e:
        model.load_state_dict(bad)
    msg = str(e.value)
    assert "missing keys '2.bias'" in msg and "unexpected keys 'extra'" in msg
    assert "key '0.weight' has shape (2, 3), expected (3, 2) (out_features, in_features)" in msg
    assert "key '0.bias' holds nan or infinity" in msg and "(model unchanged)" in msg
    with pytest.raises(ValueError, match="not an array of numbers"):
        model.load_state_dict(dict(before, **{"2.bias": ["a"]}))
    with pytest.raises(ValueError, match="not an array"):
        model.load_state_dict(dict(before, **{"2.bias": True}))
    after = model.state_dict()
    assert all(np.array_equal(after[k], before[k]) for k in before)


# --- interchangeable with MLP --------------------------------------------------------------------


def test_fit_predict_accuracy_and_early_stopping_take_a_sequential():
    X, y = nn.datasets.moons(n=80, noise=0.1, seed=0)
    model = nn.Sequential(nn.Linear(2, 16, seed=0), nn.ReLU(), nn.Linear(16, 1, seed=1))
    history = nn.fit(model, X, y, loss="hinge", optimizer="adam", lr=0.05, epochs=100, seed=0, progress=False,
                     validation=(X, y), early_stopping=20)  # fmt: skip
    assert nn.accuracy(model, X, y) >= 0.85 and history.best_epoch is not None
    assert nn.predict(model, X).shape == (80,)
    prob = nn.Sequential(nn.Linear(2, 4, seed=0), nn.Tanh(), nn.Linear(4, 1, seed=1), nn.Sigmoid())
    assert prob.output_activation == "sigmoid"
    nn.fit(prob, X, y, loss="bce", epochs=2, progress=False)  # accepted: it ends in a sigmoid
    three = nn.Sequential(nn.Linear(2, 3, seed=0))
    assert nn.predict(three, X).shape == (80, 3)


def test_plot_replay_and_summary_take_a_sequential(tmp_path):
    X, y = nn.datasets.moons(n=40, noise=0.1, seed=0)
    model = nn.Sequential(nn.Linear(2, 8, seed=0), nn.ReLU(), nn.Linear(8, 1, seed=1))
    history = nn.fit(model, X, y, epochs=3, seed=0, progress=False, record=True)
    fig = nn.plot.decision_boundary(model, X, y, tmp_path / "b.png")
    assert "Sequential 2-8-1 (relu)" in fig.axes[0].get_title() and (tmp_path / "b.png").exists()
    assert "Sequential 2-8-1" in history._repr_mimebundle_()["text/html"]
    html = model._repr_html_()
    assert "33 parameters" in html and "0: Linear" in html and "16 + 8" in html
    assert "2 + 0" in nn.Sequential(nn.Linear(2, 1, bias=False))._repr_html_()


def test_draw_shows_torchs_names():
    model = nn.Sequential(nn.Linear(2, 1), nn.ReLU())
    source = draw(model([1.0, 2.0])).source
    assert "0.weight[0, 1]" in source and "0.bias[0]" in source


def test_save_and_load_write_torchs_layout_as_json(tmp_path):
    model = nn.Sequential(
        nn.Linear(2, 4, seed=0), nn.LeakyReLU(0.1), nn.Sequential(nn.Linear(4, 1, bias=False))
    )
    path = tmp_path / "m.json"
    model.save(path)
    doc = json.loads(path.read_text())
    assert doc["class"] == "Sequential" and np.array(doc["state"]["0.weight"]).shape == (4, 2)
    assert doc["config"]["layers"][1] == {"type": "LeakyReLU", "negative_slope": 0.1}
    loaded = nn.Sequential.load(path)
    assert repr(loaded) == repr(model)
    assert all(np.array_equal(loaded.state_dict()[k], v) for k, v in model.state_dict().items())
    with pytest.raises(ValueError, match="holds a 'Sequential', not a MLP"):
        nn.MLP.load(path)
    doc["config"]["layers"][0]["out_features"] = 0
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=r"key 'config.layers\[0\].out_features' is 0"):
        nn.Sequential.load(path)
    doc["config"]["layers"][0] = {"type": "Conv2d"}
    path.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="'type' one of Linear"):
        nn.Sequential.load(path)
    linear = nn.Linear(3, 2)
    linear.save(path)
    assert np.array_equal(nn.Linear.load(path).weight, linear.weight)


def test_to_torch_without_torch_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    for call in (small().to_torch, nn.MLP(2, [1]).to_torch, lambda: nn.from_torch(object())):
        with pytest.raises(ImportError, match=r'pip install -e "\.\[bench\]".*torch 2\.13\.0'):
            call()


# --- a subclass of nn.Module, as PyTorch's tutorials write it ------------------------------------

F = nn.functional


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 16, seed=0)
        self.fc2 = nn.Linear(16, 1, seed=1)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def test_a_subclass_of_module_calls_forward_and_collects_its_layers():
    net = Net()
    X = np.array([[0.5, -1.0], [2.0, 0.25], [-0.3, 0.7]])
    same = nn.Sequential(net.fc1, nn.ReLU(), net.fc2)
    out = net(X)
    assert np.allclose(out.data, same(X).data)
    assert np.allclose(net.forward(X).data, out.data)
    names = [n for n, _ in net.named_parameters()]
    assert names[1] == "fc1.weight[0, 1]" and names[-1] == "fc2.bias[0]" and len(names) == 16 * 3 + 17
    assert net.parameters() == net.fc1.parameters() + net.fc2.parameters()
    state = net.state_dict()
    assert list(state) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert state["fc1.weight"].shape == (16, 2) and state["fc2.weight"].shape == (1, 16)
    other = Net()
    other.fc1.load_state_dict({"weight": np.zeros((16, 2)), "bias": np.zeros(16)})
    other.load_state_dict(state)
    assert np.allclose(other(X).data, out.data)
    with pytest.raises(ValueError, match=r"missing keys.*fc2\.bias.*\(model unchanged\)"):
        other.load_state_dict({k: v for k, v in state.items() if k != "fc2.bias"})
    assert repr(net) == (
        "Net(\n  (fc1): Linear(in_features=2, out_features=16, bias=True)\n"
        "  (fc2): Linear(in_features=16, out_features=1, bias=True)\n)"
    )
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "fc2"]
    assert list(net.children()) == [net.fc1, net.fc2]
    assert net.nin == 2 and net.nout == 1  # from the first and last Linear: fit and the plots ask


def test_a_subclass_trains_with_pytorchs_loop_and_says_what_it_cannot_do(tmp_path):
    net = Net()
    X, y = nn.datasets.moons(64, seed=0)
    optimizer = nn.optim.Adam(net.parameters(), lr=0.05)
    criterion = nn.BCEWithLogitsLoss()
    first = None
    for _ in range(30):
        optimizer.zero_grad()
        loss = criterion(net(X), y)
        loss.backward()
        optimizer.step()
        first = first if first is not None else loss.data
    assert loss.data < first
    net.zero_grad()
    assert all(p.grad is None or not np.any(p.grad) for p in net.parameters())
    with pytest.raises(TypeError, match=r"cannot translate a forward\(\).*nn.Sequential"):
        net.to_torch()
    with pytest.raises(TypeError, match=r"Net cannot be saved.*nn.Sequential"):
        net.save(tmp_path / "net.json")
    with pytest.raises(NotImplementedError, match=r"Empty has no forward\(\)"):
        type("Empty", (nn.Module,), {})()(X)


def test_a_module_with_a_parameter_attribute_names_it():
    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.k = Parameter(2.0)

        def forward(self, x):
            return self.k * x

    m = Scale()
    assert [n for n, _ in m.named_parameters()] == ["k"] and m.state_dict() == {"k": 2.0}
    assert m(Value(3.0)).data == 6.0 and repr(m) == "Scale()"


def test_functional_activations_take_a_value_lanes_or_a_list():
    assert F.relu(Value(-2.0)).data == 0.0 and F.tanh(Value(0.0)).data == 0.0
    assert F.sigmoid(Value(0.0)).data == 0.5
    lanes = F.relu(Value(np.array([-1.0, 2.0])))
    assert np.array_equal(lanes.data, [0.0, 2.0])
    assert [v.data for v in F.leaky_relu([Value(-1.0), 3.0], 0.1)] == [-0.1, 3.0]
    with pytest.raises(TypeError, match="list of Values"):
        F.relu("x")


def test_train_eval_and_the_modules_as_torch():
    model = small()
    assert model.training and model.eval() is model and not model.training
    assert not model[0].training and model.train() is model and model[2].training
    assert [n for n, _ in model.named_modules()] == ["", "0", "1", "2"]
    assert list(model.modules())[1:] == list(model.children()) == list(model)
    head = model[0:2]
    assert isinstance(head, nn.Sequential) and list(head) == [model[0], model[1]]
    assert [n for n, _ in nn.MLP(2, [3, 1]).named_modules()][:3] == ["", "layers.0", "layers.0.neurons.0"]


def test_sequential_refuses_a_class_and_a_torch_module_and_ignores_inplace():
    with pytest.raises(TypeError, match=r"nn.ReLU is a class: write nn.ReLU\(\)"):
        nn.Sequential(nn.Linear(2, 2), nn.ReLU)
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match=r"ReLU, is torch's.*nn.ReLU\(...\), or nn.from_torch"):
        nn.Sequential(nn.Linear(2, 2), torch.nn.ReLU())
    assert repr(nn.Sequential(nn.ReLU(inplace=True), nn.LeakyReLU(0.2, inplace=True)))


def test_forward_on_a_batch_is_calling_the_model():
    X = np.array([[0.5, -1.0], [2.0, 0.25]])
    for model in (small(), nn.MLP(2, [3, 1], seed=0), nn.Linear(2, 1, seed=0), nn.Layer(2, 1, seed=0)):
        assert np.array_equal(model.forward(X).data, model(X).data)
    assert [v.data for v in nn.ReLU().forward(np.array([[-1.0, 2.0]]))] == [0.0, 2.0]


def test_torch_keys_on_an_mlp_say_to_use_a_sequential():
    mlp = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(
        ValueError, match=r"these are torch's keys: use mlp.to_sequential\(\) or nn.from_torch"
    ):
        mlp.load_state_dict(mlp.to_sequential().state_dict())


def test_module_load_picks_the_class_and_a_wrong_class_names_the_right_one(tmp_path):
    path = tmp_path / "seq.json"
    model = small()
    model.save(path)
    loaded = nn.Module.load(path)
    assert isinstance(loaded, nn.Sequential) and repr(loaded) == repr(model)
    assert isinstance(nn.Module.load(_saved(nn.MLP(2, [1], seed=0), tmp_path)), nn.MLP)
    with pytest.raises(ValueError, match=r"holds a 'Sequential', not a MLP: use nn.Sequential.load"):
        nn.MLP.load(path)


def _saved(model, tmp_path):
    path = tmp_path / "m.json"
    model.save(path)
    return path


def test_manual_seed_makes_unseeded_layers_repeatable(monkeypatch):
    monkeypatch.setattr(nn.seed, "_default", None)
    nn.manual_seed(0)
    a = [nn.Linear(2, 3).state_dict(), nn.MLP(2, [2]).state_dict()]
    nn.manual_seed(0)
    b = [nn.Linear(2, 3).state_dict(), nn.MLP(2, [2]).state_dict()]
    assert all(np.array_equal(a[i][k], b[i][k]) for i in range(2) for k in a[i])
    assert not np.array_equal(a[0]["weight"], nn.Linear(2, 3).state_dict()["weight"])
    assert np.array_equal(nn.Linear(2, 3, seed=5).weight, nn.Linear(2, 3, seed=5).weight)
    with pytest.raises(TypeError, match="whole number"):
        nn.manual_seed(None)


def test_fit_and_accuracy_take_a_subclass_of_module():
    net = Net()
    X, y = nn.datasets.moons(100, seed=0)
    nn.fit(net, X, y, loss="hinge", epochs=20, lr=0.05, seed=0)
    assert nn.accuracy(net, X, y) > 0.8
