"""nn's criteria against torch.nn's own (float64): values and gradients, every reduction, the clamps.

Skipped without torch (the `bench` extra)."""

import numpy as np
import pytest

import nn
from autograd_lite import Value

torch = pytest.importorskip(
    "torch",
    reason="torch is not installed: pip install -e '.[bench]' (torch 2.13.0, CPU) to compare with torch.nn",
)

REDUCTIONS = ("mean", "sum", "none")
RTOL = 1e-13  # both sides do the same float64 arithmetic up to the order of a few operations


def ours(make, reduction, out, target):
    """Our loss (data) and d(sum of the loss)/d(output), for lanes `out`."""
    v = Value(np.array(out, dtype=float))
    loss = make(reduction=reduction)(v, np.array(target, dtype=float))
    (loss.sum() if reduction == "none" else loss).backward()
    return loss.data, v.grad


def theirs(make, reduction, out, target):
    x = torch.tensor(out, dtype=torch.float64, requires_grad=True)
    loss = make(reduction=reduction)(x, torch.tensor(target, dtype=torch.float64))
    loss.sum().backward()
    return loss.detach().numpy(), x.grad.numpy()


def agree(a, b, rtol=RTOL, atol=0.0):
    (la, ga), (lb, gb) = a, b
    np.testing.assert_allclose(la, lb, rtol=rtol, atol=atol)
    np.testing.assert_allclose(ga, gb, rtol=rtol, atol=atol)


rng = np.random.default_rng(13)
Z = np.concatenate([rng.normal(size=6) * 3, [0.0, 50.0, -50.0, 50.0, -50.0]])
REAL = rng.normal(size=len(Z))
HARD = np.array([1.0, 0.0] * 5 + [1.0])
HARD[-4:] = [1.0, 0.0, 0.0, 1.0]  # logits ±50 on the right and on the wrong side
SOFT = rng.uniform(size=len(Z))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "ours_, theirs_, target",
    [
        (nn.MSELoss, torch.nn.MSELoss, REAL),
        (nn.L1Loss, torch.nn.L1Loss, REAL),
        (nn.BCEWithLogitsLoss, torch.nn.BCEWithLogitsLoss, HARD),
        (nn.BCEWithLogitsLoss, torch.nn.BCEWithLogitsLoss, SOFT),
    ],
    ids=["mse", "l1", "bce_logits_hard", "bce_logits_soft"],
)
def test_elementwise_criteria_match_torch(ours_, theirs_, target, reduction):
    # at ±50 the logit loss is 50 or ~2e-22 and its gradient ±1 or ~2e-22: torch rounds sigmoid(50) to 1
    atol = 1e-15 if ours_ is nn.BCEWithLogitsLoss else 0.0
    agree(ours(ours_, reduction, Z, target), theirs(theirs_, reduction, Z, target), atol=atol)


def test_l1_loss_at_a_tie_has_gradient_zero_like_torch():
    agree(
        ours(nn.L1Loss, "sum", [1.0, 2.0], [1.0, 3.0]), theirs(torch.nn.L1Loss, "sum", [1.0, 2.0], [1.0, 3.0])
    )


# probabilities at and next to the edges, where torch clamps each log at -100 and floors p(1 - p) at 1e-12
P = [0.0, 0.0, 1.0, 1.0, 1e-13, 1e-13, 0.9999999999999, 1e-6, 0.3, 0.5, 0.999, 1e-300]
T = [0.0, 1.0, 0.0, 1.0, 0.0, 0.3, 1.0, 0.0, 0.7, 0.5, 1.0, 1.0]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_loss_matches_torch_with_its_clamps_at_p_0_and_1(reduction):
    mine = ours(nn.BCELoss, reduction, P, T)
    agree(mine, theirs(torch.nn.BCELoss, reduction, P, T))
    if reduction == "none":
        assert list(mine[0][:4]) == [0.0, 100.0, 100.0, 0.0]  # log 0 clamped at -100


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_loss_after_a_sigmoid_of_logits_of_50_matches_torch(reduction):
    z = Value(Z.copy())
    loss = nn.BCELoss(reduction=reduction)(z.sigmoid(), HARD)
    (loss.sum() if reduction == "none" else loss).backward()
    x = torch.tensor(Z, dtype=torch.float64, requires_grad=True)
    want = torch.nn.BCELoss(reduction=reduction)(torch.sigmoid(x), torch.tensor(HARD))
    want.sum().backward()
    np.testing.assert_allclose(loss.data, want.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(z.grad, x.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_loss_matches_torch(reduction):
    logits = rng.normal(size=(7, 4)) * 3
    logits[5] = [50.0, -50.0, 0.0, 1.0]
    logits[6] = [-50.0, 50.0, 50.0, -50.0]
    target = np.array([0, 3, 2, 1, 1, 1, 0])
    zs = [Value(logits[:, k].copy()) for k in range(4)]
    loss = nn.CrossEntropyLoss(reduction=reduction)(zs, target)
    (loss.sum() if reduction == "none" else loss).backward()
    x = torch.tensor(logits, requires_grad=True)
    want = torch.nn.CrossEntropyLoss(reduction=reduction)(x, torch.tensor(target))
    want.sum().backward()
    np.testing.assert_allclose(loss.data, want.detach().numpy(), rtol=RTOL)
    np.testing.assert_allclose(np.stack([z.grad for z in zs], axis=1), x.grad.numpy(), rtol=1e-12, atol=1e-16)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_loss_is_torchs_relu_of_the_margin_and_twice_multi_margin_loss(reduction):
    t = 2 * HARD - 1
    s = Z.copy()
    s[:2] = t[:2]  # two scores exactly on the margin, t·s = 1: gradient 0 in both
    mine = ours(nn.HingeLoss, reduction, s, t)

    x = torch.tensor(s, requires_grad=True)
    relu = torch.relu(1 - torch.tensor(t) * x)
    relu = {"mean": relu.mean(), "sum": relu.sum(), "none": relu}[reduction]
    relu.sum().backward()
    agree(mine, (relu.detach().numpy(), x.grad.numpy()))

    x = torch.tensor(s, requires_grad=True)  # scores (0, s), class (t + 1) / 2; torch divides by 2 classes
    two = torch.stack([torch.zeros_like(x), x], dim=1)
    multi = 2 * torch.nn.MultiMarginLoss(reduction=reduction)(two, torch.tensor((t + 1) / 2).long())
    multi.sum().backward()
    agree(mine, (multi.detach().numpy(), x.grad.numpy()))


def test_repr_is_torchs():
    for ours_, theirs_ in [(nn.MSELoss, torch.nn.MSELoss), (nn.CrossEntropyLoss, torch.nn.CrossEntropyLoss)]:
        assert repr(ours_()) == repr(theirs_())
    assert (
        repr(nn.BCELoss(reduction="sum")) == "BCELoss(reduction='sum')"
    )  # torch's repr omits it; ours says it
