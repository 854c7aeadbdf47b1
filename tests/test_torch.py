"""nn.to_torch / nn.from_torch against torch.nn itself: the same outputs, weights and training steps."""

import numpy as np
import pytest

import nn
from nn import losses

torch = pytest.importorskip(
    "torch",
    reason="torch is not installed: pip install -e '.[bench]' (torch 2.13.0, CPU) to compare with torch.nn",
)


def models():
    return [
        nn.MLP(3, [8, 8, 2], activation="tanh", seed=0),
        nn.MLP(3, [5, 1], activation="leaky_relu", output_activation="sigmoid", init="he", seed=1),
        nn.Sequential(
            nn.Linear(3, 6, seed=0),
            nn.ReLU(),
            nn.Linear(6, 4, bias=False, seed=1),
            nn.LeakyReLU(0.2),
            nn.Sequential(nn.Linear(4, 2, seed=2), nn.Sigmoid()),
            nn.Identity(),
        ),  # fmt: skip
    ]


def ours(model, X):
    return nn.predict(model, X).reshape(len(X), -1)


@pytest.mark.parametrize("model", models(), ids=repr)
def test_to_torch_gives_the_same_predictions(model):
    X = np.random.default_rng(0).normal(size=(50, 3)) * 2
    net = model.to_torch()
    assert isinstance(net, torch.nn.Sequential)
    assert all(p.dtype == torch.float64 for p in net.parameters())
    with torch.no_grad():
        theirs = net(torch.from_numpy(X)).numpy()
    assert np.allclose(theirs, ours(model, X), rtol=0, atol=1e-12)


@pytest.mark.parametrize("model", models(), ids=repr)
def test_from_torch_round_trips_the_state_dict_exactly(model):
    back = nn.from_torch(model.to_torch())
    a, b = model.to_sequential() if isinstance(model, nn.MLP) else model, back
    assert repr(a) == repr(b)
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb) and all(np.array_equal(sa[k], sb[k]) for k in sa)
    torch_keys = {k: tuple(v.shape) for k, v in model.to_torch().state_dict().items()}
    assert torch_keys == {k: v.shape for k, v in sb.items()}  # torch's keys and shapes, as ours


def test_from_torch_of_a_torch_initialised_model_gives_torchs_outputs():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 16),
        torch.nn.ReLU(),
        torch.nn.Linear(16, 16),
        torch.nn.Tanh(),
        torch.nn.Linear(16, 1),
    )  # float32, as torch makes it: widened exactly to float64 here
    model = nn.from_torch(net)
    X = np.random.default_rng(1).normal(size=(40, 2))
    with torch.no_grad():
        theirs = net.double()(torch.from_numpy(X)).numpy()[:, 0]
    assert np.allclose(nn.predict(model, X), theirs, rtol=0, atol=1e-12)
    model.load_state_dict(net.state_dict())  # torch's tensors load as they are
    assert nn.from_torch(torch.nn.Linear(3, 2)).__class__ is nn.Linear


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_trained_here_then_one_step_in_both_engines_stays_equal(name):
    X, y = nn.datasets.moons(n=40, noise=0.1, seed=0)
    model = nn.Sequential(nn.Linear(2, 8, seed=0), nn.Tanh(), nn.Linear(8, 1, seed=1))
    nn.fit(model, X, y, loss="mse", epochs=5, lr=0.05, seed=0, progress=False)
    net = model.to_torch()
    t = 2.0 * y - 1
    make = {"sgd": (nn.optim.SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
            "adam": (nn.optim.Adam, torch.optim.Adam, {"lr": 0.01})}[name]  # fmt: skip
    opt, topt = make[0](model.parameters(), **make[2]), make[1](net.parameters(), **make[2])
    for _ in range(2):
        opt.zero_grad()
        loss = losses.mse(model(X), t)
        loss.backward()
        opt.step()
        topt.zero_grad()
        tloss = torch.nn.functional.mse_loss(net(torch.from_numpy(X))[:, 0], torch.from_numpy(t))
        tloss.backward()
        topt.step()
        assert abs(loss.data - tloss.item()) < 1e-12
    theirs = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    for k, v in model.state_dict().items():
        assert np.allclose(v, theirs[k], rtol=0, atol=1e-12), k


def test_unsupported_layers_are_refused_naming_them():
    only = "only Linear, ReLU, Tanh, Sigmoid, LeakyReLU, Identity"
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Conv2d(1, 1, 3))
    with pytest.raises(ValueError, match=f"^layer 2, Conv2d, is not supported: {only}$"):
        nn.from_torch(net)
    nested = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sequential(torch.nn.ReLU(), torch.nn.GELU()))
    with pytest.raises(ValueError, match=f"^layer 1.1, GELU, is not supported: {only}$"):
        nn.from_torch(nested)
    with pytest.raises(ValueError, match="^Dropout is not supported"):
        nn.from_torch(torch.nn.Dropout())
    with pytest.raises(TypeError, match="takes a torch.nn.Module"):
        nn.from_torch([torch.nn.Linear(2, 2)])
