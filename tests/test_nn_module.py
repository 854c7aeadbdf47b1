"""nn.module: names, inits, calling on one example or on lanes, gradients, strict load and JSON files."""

import json
import math

import numpy as np
import pytest

import nn
from autograd_lite import NO_GRAD, Parameter, Value, has_grad, numerical_grad
from nn import losses

# --- structure ---------------------------------------------------------------------------------


def test_micrograds_mlp_has_337_named_parameters():
    model = nn.MLP(2, [16, 16, 1])
    names = [name for name, _ in model.named_parameters()]
    assert len(names) == len(set(names)) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1 == 337
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.2.neurons.0.b"
    assert all(isinstance(p, Parameter) for p in model.parameters())
    assert repr(model) == "MLP(2-16-16-1, activation='relu', output='linear', 337 parameters)"
    assert repr(nn.Neuron(3, activation="tanh")) == "Neuron(3, activation='tanh')"


def test_seed_makes_weights_repeatable():
    a, b, c = nn.MLP(2, [4, 1], seed=1), nn.MLP(2, [4, 1], seed=1), nn.MLP(2, [4, 1], seed=2)
    assert a.state_dict() == b.state_dict() != c.state_dict()
    assert all(v == 0.0 for k, v in a.state_dict().items() if k.endswith(".b"))  # biases start at 0


def test_inits_have_their_textbook_spread():
    def weights(init, nin, nout):
        layer = nn.Layer(nin, nout, init=init, seed=0)
        return np.array([p.data for name, p in layer.named_parameters() if ".w." in name])

    w = weights("uniform", 50, 40)
    assert w.min() >= -1 and w.max() <= 1 and w.std() == pytest.approx(1 / math.sqrt(3), rel=0.05)
    w = weights("xavier", 50, 40)  # uniform in ±√(6/(nin + nout))
    bound = math.sqrt(6 / 90)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    w = weights("he", 50, 40)  # normal with std √(2/nin)
    assert w.std() == pytest.approx(math.sqrt(2 / 50), rel=0.05) and abs(w.mean()) < 0.02


def test_activations_by_name():
    x = [Value(-2.0)]
    for name, expected in [
        ("relu", 0.0), ("tanh", math.tanh(-2.0)), ("sigmoid", 1 / (1 + math.e**2)),
        ("leaky_relu", -0.02), ("linear", -2.0), (None, -2.0),
    ]:  # fmt: skip
        neuron = nn.Neuron(1, activation=name)
        neuron.load_state_dict({"w.0": 1.0, "b": 0.0})
        assert neuron(x).data == pytest.approx(expected), name


# --- calling: one example, several outputs, lanes --------------------------------------------------


def test_one_example_gives_a_value_or_a_list():
    assert isinstance(nn.MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    out = nn.MLP(2, [3, 4], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 4


def test_a_small_network_by_hand():
    model = nn.MLP(2, [2, 1], activation="relu")
    model.load_state_dict({
        "layers.0.neurons.0.w.0": 1.0, "layers.0.neurons.0.w.1": -1.0, "layers.0.neurons.0.b": 0.5,
        "layers.0.neurons.1.w.0": -2.0, "layers.0.neurons.1.w.1": 1.0, "layers.0.neurons.1.b": 0.0,
        "layers.1.neurons.0.w.0": 2.0, "layers.1.neurons.0.w.1": 3.0, "layers.1.neurons.0.b": -1.0,
    })  # fmt: skip
    # x = (3, 1): h1 = relu(3 - 1 + 0.5) = 2.5, h2 = relu(-6 + 1) = 0, out = 2·2.5 + 3·0 - 1 = 4
    out = model([3.0, 1.0])
    assert out.data == 4.0
    out.backward()
    grads = {name: p.grad for name, p in model.named_parameters()}
    assert grads["layers.1.neurons.0.w.0"] == 2.5  # d out / d w = h1
    assert grads["layers.0.neurons.0.w.0"] == 2.0 * 3.0  # w_out · x1 (h1 is active)
    assert grads["layers.0.neurons.1.w.0"] == 0.0  # h2 is inactive: relu blocks the gradient


def test_a_batch_gives_lanes_equal_to_one_example_at_a_time():
    X = np.random.default_rng(0).normal(size=(7, 3))
    model = nn.MLP(3, [5, 2], activation="tanh", seed=0)
    batch = model(X)
    for i, row in enumerate(X):
        single = model(list(row))
        for k in range(2):
            assert batch[k].data[i] == pytest.approx(single[k].data, abs=1e-12)


def test_lanes_gradients_equal_the_average_of_per_example_gradients():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(6, 2)), rng.choice([-1.0, 1.0], size=6)
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=3)
    losses.hinge(model(X), y).backward()
    lanes_grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    for row, t in zip(X, y):
        (losses.hinge(model(list(row)), t) * (1 / len(X))).backward()  # leaf grads accumulate
    per_example = [p.grad for p in model.parameters()]
    np.testing.assert_allclose(lanes_grads, per_example, atol=1e-12)


def test_zero_grad_means_no_gradient_not_a_zero_gradient():
    # PyTorch: model.zero_grad() sets p.grad = None, and a backward that does not reach p leaves it None
    model = nn.MLP(2, [3, 2], activation="relu", seed=0)
    first, second = model([0.5, -1.0])
    first.backward()
    reached = {name for name, p in model.named_parameters() if has_grad(p)}
    assert "layers.1.neurons.0.b" in reached and "layers.1.neurons.1.b" not in reached
    model.zero_grad()
    assert all(p.grad is NO_GRAD and not has_grad(p) for p in model.parameters())
    first, second = model([0.5, -1.0])
    second.backward()  # reaches the second output neuron and the hidden layer, not the first output neuron
    names = {name for name, p in model.named_parameters() if has_grad(p)}
    assert "layers.1.neurons.1.b" in names and not any(n.startswith("layers.1.neurons.0.") for n in names)
    assert model.layers[1].neurons[1].b.grad == 1.0  # d second / d its bias, by hand


def test_whole_mlp_gradients_match_finite_differences_on_lanes():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(5, 2)), rng.normal(size=5)
    model = nn.MLP(2, [3, 1], activation="tanh", seed=4)
    params = model.parameters()
    loss = lambda *_: losses.mse(model(X), y)
    loss().backward()
    numeric = numerical_grad(loss, params)
    np.testing.assert_allclose([p.grad for p in params], numeric, atol=1e-6)


def test_fine_graph_gives_the_same_numbers_as_wsum():
    X = np.random.default_rng(3).normal(size=(4, 2))
    fine, fused = nn.MLP(2, [3, 1], seed=5, fine=True), nn.MLP(2, [3, 1], seed=5)
    a, b = fine(X).mean(), fused(X).mean()
    a.backward()
    b.backward()
    assert a.data == pytest.approx(b.data)
    np.testing.assert_allclose([p.grad for p in fine.parameters()], [p.grad for p in fused.parameters()])


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: nn.MLP(0, [1]), ValueError, "nin must be a whole number >= 1"),
        (lambda: nn.MLP(2, []), ValueError, "non-empty list of layer sizes"),
        (lambda: nn.MLP(2, 5), ValueError, "non-empty list of layer sizes"),
        (lambda: nn.MLP(2, [3, 0]), ValueError, "each layer size"),
        (lambda: nn.MLP(2, [1], activation="swish"), ValueError, "unknown activation 'swish'; choose one of"),
        (lambda: nn.MLP(2, [1], init="zeros"), ValueError, "unknown init 'zeros'"),
        (lambda: nn.MLP(2, [1])([1.0]), ValueError, "takes 2 inputs per example, got 1"),
        (lambda: nn.MLP(2, [1])(np.ones((3, 4))), ValueError, "got a batch of shape (3, 4)"),
        (lambda: nn.MLP(2, [1])(Value(1.0)), TypeError, "a model takes one example"),
    ],
)
def test_bad_construction_and_calls(make, error, words):
    with pytest.raises(error) as info:
        make()
    assert words in str(info.value)


# --- state dicts, strict loading, files -------------------------------------------------------------


def test_state_dict_round_trip():
    a, b = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert b([0.3, -0.7]).data == a([0.3, -0.7]).data


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda s: s.pop("layers.0.neurons.1.b"), "missing keys 'layers.0.neurons.1.b'"),
        (lambda s: s.update({"layers.9.w": 1.0}), "unexpected keys 'layers.9.w'"),
        (lambda s: s.update({"layers.0.neurons.0.w.0": "0.5"}), "key 'layers.0.neurons.0.w.0' holds '0.5'"),
        (lambda s: s.update({"layers.0.neurons.0.w.0": None}), "holds None, not a finite number"),
        (lambda s: s.update({"layers.0.neurons.0.w.0": True}), "holds True"),
        (lambda s: s.update({"layers.0.neurons.0.w.0": math.inf}), "holds inf"),
    ],
)
def test_strict_load_names_the_key_and_changes_nothing(change, words):
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    state = nn.MLP(2, [3, 1], seed=1).state_dict()
    change(state)
    with pytest.raises(ValueError) as info:
        model.load_state_dict(state)
    assert words in str(info.value) and "model unchanged" in str(info.value)
    assert model.state_dict() == before


def test_load_state_dict_refuses_a_non_mapping():
    with pytest.raises(ValueError, match="expected a mapping"):
        nn.MLP(2, [1]).load_state_dict([1.0, 2.0])


def test_save_and_load_json(tmp_path):
    model = nn.MLP(2, [4, 3], activation="tanh", output_activation="sigmoid", init="xavier", seed=0)
    path = tmp_path / "model.json"
    model.save(path)
    doc = json.loads(path.read_text())
    assert doc["format"] == "autograd_lite.nn" and doc["class"] == "MLP" and len(doc["state"]) == 27
    again = nn.MLP.load(path)
    assert again.state_dict() == model.state_dict()
    assert (again.activation, again.output_activation, again.init) == ("tanh", "sigmoid", "xavier")
    assert [v.data for v in again([0.1, 0.2])] == [v.data for v in model([0.1, 0.2])]


def _write(tmp_path, text, name="bad.json"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_corrupt_or_mismatched_files_name_the_file_and_the_key(tmp_path):
    good = tmp_path / "good.json"
    nn.MLP(2, [3, 1], seed=0).save(good)
    doc = json.loads(good.read_text())

    path = _write(tmp_path, '{"format": "autograd_lite.nn", "state": {')
    with pytest.raises(ValueError, match=r"bad\.json: not a model file \(invalid JSON"):
        nn.MLP.load(path)
    with pytest.raises(ValueError, match="not an autograd_lite model file"):
        nn.MLP.load(_write(tmp_path, "[1, 2]"))
    with pytest.raises(FileNotFoundError, match="missing.json: no such model file"):
        nn.MLP.load(tmp_path / "missing.json")

    broken = json.loads(json.dumps(doc))
    broken["state"]["layers.1.neurons.0.w.2"] = "oops"
    with pytest.raises(ValueError) as info:
        nn.MLP.load(_write(tmp_path, json.dumps(broken)))
    assert "bad.json: key 'state'" in str(info.value) and "'layers.1.neurons.0.w.2' holds 'oops'" in str(
        info.value
    )

    broken = json.loads(json.dumps(doc))
    del broken["config"]
    with pytest.raises(ValueError, match="key 'config' is missing"):
        nn.MLP.load(_write(tmp_path, json.dumps(broken)))

    broken = json.loads(json.dumps(doc))
    broken["config"]["nouts"] = [3, 2]  # the state no longer fits the shape: (2+1)*3 + (3+1)*2 = 17
    with pytest.raises(ValueError, match="key 'config' describes 17 parameters but key 'state' holds 13"):
        nn.MLP.load(_write(tmp_path, json.dumps(broken)))

    broken = json.loads(json.dumps(doc))
    broken["state"]["layers.9.neurons.0.w.0"] = broken["state"].pop("layers.1.neurons.0.w.0")
    with pytest.raises(ValueError, match="missing keys 'layers.1.neurons.0.w.0'.*unexpected keys"):
        nn.MLP.load(_write(tmp_path, json.dumps(broken)))

    broken = json.loads(json.dumps(doc))
    broken["config"]["nouts"] = [10**6, 10**6, 1]  # a corrupt size: refused at once, nothing is built
    with pytest.raises(
        ValueError, match="describes 1,000,005,000,001 parameters"
    ):  # 3e6 + (1e6+1)*1e6 + (1e6+1)
        nn.MLP.load(_write(tmp_path, json.dumps(broken)))

    for version in (99, "x", None):
        broken = json.loads(json.dumps(doc))
        broken["version"] = version
        with pytest.raises(ValueError, match="key 'version'"):
            nn.MLP.load(_write(tmp_path, json.dumps(broken)))

    with pytest.raises(IsADirectoryError, match="is a folder, not a model file"):
        nn.MLP.load(tmp_path)

    broken = json.loads(json.dumps(doc))
    broken["config"]["activation"] = "swish"
    with pytest.raises(ValueError, match="key 'config.activation' is 'swish'; accepted: 'relu', 'tanh'"):
        nn.MLP.load(_write(tmp_path, json.dumps(broken)))

    with pytest.raises(ValueError, match="holds a 'MLP', not a Layer"):
        nn.Layer.load(good)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda d: d["config"].update(fine="yes"), "key 'config.fine' is 'yes'; accepted: true or false"),
        (lambda d: d["config"].update(fine=1), "key 'config.fine' is 1; accepted: true or false"),
        (lambda d: d["config"].update(nin=2.0), "key 'config.nin' is 2.0; accepted: a whole number >= 1"),
        (lambda d: d["config"].update(nin=True), "key 'config.nin' is True; accepted: a whole number >= 1"),
        (
            lambda d: d["config"].update(nouts=[3, "1"]),
            "key 'config.nouts' is [3, '1']; accepted: a non-empty",
        ),
        (lambda d: d["config"].update(nouts=4), "key 'config.nouts' is 4; accepted: a non-empty list"),
        (lambda d: d["config"].update(activation=3), "key 'config.activation' is 3; accepted: 'relu'"),
        (lambda d: d["config"].update(output_activation=["tanh"]), "'config.output_activation' is ['tanh']"),
        (
            lambda d: d["config"].update(init="glorot"),
            "'config.init' is 'glorot'; accepted: 'uniform', 'xavier'",
        ),
        (
            lambda d: d["config"].update(seed=0),
            "key 'config' has unexpected key 'seed'; a MLP config holds nin",
        ),
        (lambda d: d["config"].pop("nouts"), "key 'config' is missing 'nouts'"),
        (lambda d: d.update(version=1.0), "key 'version' is 1.0; this autograd_lite reads version 1"),
        (lambda d: d.update(notes="hi"), "unexpected key 'notes'; a model file holds format, version, class"),
        (lambda d: d["state"].update({"layers.0.neurons.0.b": 10**400}), "holds an int of about 400 digits"),
        (lambda d: d["state"].update({"layers.0.neurons.0.b": [0.5]}), "'layers.0.neurons.0.b' holds [0.5]"),
    ],
)
def test_every_field_of_a_model_file_is_type_checked(tmp_path, change, words):
    doc = json.loads(json.dumps(_saved_doc(tmp_path)))
    change(doc)
    path = _write(tmp_path, json.dumps(doc))
    with pytest.raises(ValueError) as info:
        nn.MLP.load(path)
    assert str(info.value).startswith(f"{path}: ") and words in str(info.value)


def _saved_doc(tmp_path):
    good = tmp_path / "good.json"
    nn.MLP(2, [3, 1], activation="tanh", seed=0).save(good)
    return json.loads(good.read_text())


def test_a_saved_model_with_null_activations_loads(tmp_path):
    model = nn.MLP(2, [3, 1], activation=None, seed=0)  # linear hidden layers, written as null
    model.save(tmp_path / "m.json")
    again = nn.MLP.load(tmp_path / "m.json")
    assert again.activation is None and again.state_dict() == model.state_dict()


def test_odd_json_is_refused_with_the_file_and_the_key(tmp_path):
    text = json.dumps(_saved_doc(tmp_path))

    def changed(old, new):
        assert old in text
        return _write(tmp_path, text.replace(old, new))

    with pytest.raises(ValueError, match=r"bad\.json: not a valid model file: key 'fine' appears twice"):
        nn.MLP.load(changed('"fine": false', '"fine": false, "fine": true'))
    with pytest.raises(ValueError, match=r"bad\.json: not a model file \(invalid JSON"):
        nn.MLP.load(changed('"version": 1', '"version": 1' + "0" * 5000))  # past Python's int-digit limit
    with pytest.raises(ValueError, match="key 'layers.0.neurons.0.b' holds nan, not a finite number"):
        nn.MLP.load(changed('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": NaN'))


@pytest.mark.parametrize(
    "bad",
    [10**400, "0.5", None, True, np.bool_(True), complex(1, 0), [0.5], float("nan"), -math.inf],
    ids=["400-digit int", "str", "None", "True", "np.bool_", "complex", "list", "nan", "-inf"],
)
def test_load_state_dict_leaves_the_model_unchanged_on_any_bad_value(bad):
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    state = nn.MLP(2, [3, 1], seed=1).state_dict()  # every other value would change the model
    state["layers.1.neurons.0.b"] = bad
    with pytest.raises(ValueError, match="key 'layers.1.neurons.0.b' holds .*model unchanged"):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_model_calls_that_go_wrong_say_what_to_pass():
    model = nn.MLP(2, [3, 1], seed=0)
    X, _ = nn.datasets.moons(n=10, seed=0)
    with pytest.raises(TypeError, match="one example as a list of 2 numbers"):
        model("ab")
    with pytest.raises(ValueError, match=r"pass np.array\(...\) of shape \(10, 2\)"):
        model(X.tolist())
    with pytest.raises(ValueError, match=r"for one example use X\[None, :\]"):
        nn.predict(model, X[0])
    with pytest.raises(
        TypeError, match=r"got a list of lists: for a batch of examples pass np.array\(rows\)"
    ):
        model([[0.1, 0.2], [0.3, 0.4]])  # two rows for a two-input model: still not one example
    assert model([np.array([0.1, 0.3]), np.array([0.2, 0.4])]).data.shape == (2,)  # columns of lanes work


def test_a_corrupt_size_is_refused_before_anything_is_built(tmp_path):
    import time

    doc = json.loads(json.dumps({"format": "autograd_lite.nn", "version": 1, "class": "MLP"}))
    doc["config"] = {
        "nin": 2,
        "nouts": [3000, 3000, 1],
        "activation": "relu",
    }  # (2+1)·3000 + 3001·3000 + 3001: 25 s to build
    doc["state"] = nn.MLP(2, [3, 1], seed=0).state_dict()
    start = time.perf_counter()
    with pytest.raises(ValueError, match="bad.json: key 'config' describes 9,015,001 parameters"):
        nn.MLP.load(_write(tmp_path, json.dumps(doc)))
    assert time.perf_counter() - start < 1.0


def test_each_class_counts_the_parameters_its_config_describes():
    # by hand: a neuron of 3 inputs has 3 weights and a bias; a 3-4 layer 4 such neurons;
    # an MLP 2-3-1 has (2+1)*3 + (3+1)*1 = 13
    assert nn.Neuron.parameters_in({"nin": 3}) == 4
    assert nn.Layer.parameters_in({"nin": 3, "nout": 4}) == 16
    assert nn.MLP.parameters_in({"nin": 2, "nouts": [3, 1]}) == 13
    assert nn.MLP.parameters_in({"nin": 2, "nouts": [3, 1]}) == len(nn.MLP(2, [3, 1], seed=0).parameters())


def test_a_model_file_with_a_key_twice_is_refused_by_name(tmp_path):
    from nn import model_file

    path = tmp_path / "m.json"
    path.write_text('{"format": "autograd_lite.nn", "format": "x"}')
    with pytest.raises(ValueError, match=r"key 'format' appears twice"):
        nn.MLP.load(path)
    with pytest.raises(ValueError, match=r"m.json: key 'version' is 2; this autograd_lite reads version 1"):
        model_file.check({"format": model_file.FORMAT, "version": 2}, "MLP", path.name, inits=("he",))
