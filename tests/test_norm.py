"""bpbook.BatchNorm against three witnesses: torch.nn.BatchNorm1d in training mode (forward and
autograd, float64, 1e-7), central differences (property-based) and SymPy's derivative of the
formula for a small batch; then inside a Sequential model trained by SGD, and its errors."""
import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import bpbook
from bpbook.errors import ShapeError
from bpbook.gradcheck import gradcheck
from bpbook.layers import ActivationLayer, Dense
from bpbook.model import Sequential
from bpbook.norm import EPS, BatchNorm
from bpbook.optim import SGD
from tests.gradient_checks import assert_grad_close, central_diff
from tests.strategies import matrices


def _bn(n, seed=0):
    rng = np.random.RandomState(seed)
    bn = BatchNorm(n)
    bn.gamma[...] = rng.randn(n, 1)
    bn.beta[...] = rng.randn(n, 1)
    return bn


def _torch_bn(bn):
    t = torch.nn.BatchNorm1d(bn.n_features, eps=EPS, dtype=torch.float64).train()
    with torch.no_grad():
        t.weight.copy_(torch.from_numpy(bn.gamma.ravel()))
        t.bias.copy_(torch.from_numpy(bn.beta.ravel()))
    return t


@pytest.mark.parametrize("n, m", [(1, 2), (3, 5), (4, 64)])
def test_forward_and_backward_match_torch_batchnorm1d(n, m):
    rng = np.random.RandomState(n + m)
    z, g = rng.randn(n, m) * 3 + 1, rng.randn(n, m)
    bn = _bn(n, seed=m)
    out = bn.forward(z)
    dz = bn.backward(g)
    t = _torch_bn(bn)
    zt = torch.tensor(z.T, requires_grad=True)  # torch keeps samples in rows
    yt = t(zt)
    (yt * torch.from_numpy(g.T)).sum().backward()
    assert_grad_close("BatchNorm forward", out, yt.detach().numpy().T, z, truth="torch")
    assert_grad_close("BatchNorm dL/dz", dz, zt.grad.numpy().T, z, truth="torch")
    assert_grad_close("BatchNorm dgamma", bn.dgamma.ravel(), t.weight.grad.numpy(), z,
                      truth="torch")
    assert_grad_close("BatchNorm dbeta", bn.dbeta.ravel(), t.bias.grad.numpy(), z, truth="torch")


def test_normalised_rows_have_zero_mean_and_unit_biased_variance():
    z = np.random.RandomState(1).randn(3, 50) * 7 - 2
    z_hat = BatchNorm(3).forward(z)  # gamma = 1, beta = 0
    np.testing.assert_allclose(z_hat.mean(axis=1), 0, atol=1e-12)
    var = z.var(axis=1)  # numpy's default ddof=0 is the biased variance
    np.testing.assert_allclose(z_hat.var(axis=1), var / (var + EPS), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(z=matrices(max_side=4), seed=st.integers(0, 100))
def test_gradients_match_central_differences(z, seed):
    assume(z.shape[1] >= 2 and np.all(z.std(axis=1) > 0.2))  # away from var + eps ≈ eps
    n, m = z.shape
    g = np.random.RandomState(seed).randn(n, m)
    bn = _bn(n, seed)
    bn.forward(z)
    dz = bn.backward(g)

    def loss(_):
        return float(np.sum(g * BatchNorm.forward(bn, z)))

    assert_grad_close("BatchNorm dL/dz", dz, central_diff(loss, z), z)
    assert_grad_close("BatchNorm dgamma", bn.dgamma, central_diff(loss, bn.gamma), z)
    assert_grad_close("BatchNorm dbeta", bn.dbeta, central_diff(loss, bn.beta), z)


def test_backward_is_the_derivative_sympy_takes_of_the_formula():
    m = 3
    zs, gs = sp.symbols(f"z1:{m + 1}"), sp.symbols(f"g1:{m + 1}")
    gamma, beta = sp.symbols("gamma beta")
    mu = sum(zs) / m
    var = sum((z - mu) ** 2 for z in zs) / m
    loss = sum(g * (gamma * (z - mu) / sp.sqrt(var + EPS) + beta) for g, z in zip(gs, zs))
    z_val, g_val, gamma_val, beta_val = [0.3, -1.2, 2.0], [0.5, -0.7, 1.1], 1.7, -0.4
    subs = {**dict(zip(zs, z_val)), **dict(zip(gs, g_val)), gamma: gamma_val, beta: beta_val}
    bn = BatchNorm(1)
    bn.gamma[...], bn.beta[...] = gamma_val, beta_val
    bn.forward(np.array([z_val]))
    dz = bn.backward(np.array([g_val]))
    want = [float(sp.diff(loss, z).subs(subs)) for z in zs]
    assert_grad_close("BatchNorm dL/dz", dz.ravel(), want, z_val, truth="SymPy")
    for what, got, symbol in (("dgamma", bn.dgamma, gamma), ("dbeta", bn.dbeta, beta)):
        want = [float(sp.diff(loss, symbol).subs(subs))]
        assert_grad_close(f"BatchNorm {what}", got.ravel(), want, z_val, truth="SymPy")


def test_gradients_accumulate_until_zero_grad():
    rng = np.random.RandomState(3)
    z, g = rng.randn(2, 6), rng.randn(2, 6)
    bn = BatchNorm(2)
    bn.forward(z)
    bn.backward(g)
    once = bn.dgamma.copy(), bn.dbeta.copy()
    bn.backward(g)
    np.testing.assert_allclose(bn.dgamma, 2 * once[0])
    np.testing.assert_allclose(bn.dbeta, 2 * once[1])
    bn.zero_grad()
    assert not bn.dgamma.any() and not bn.dbeta.any()


def _bn_model(seed=0):
    rng = np.random.RandomState(seed)
    return Sequential([Dense(3, 4, "identity", W=rng.randn(4, 3), b=rng.randn(4, 1)),
                       BatchNorm(4, name="bn1"), ActivationLayer("sigmoid"),
                       Dense(4, 1, "identity", W=rng.randn(1, 4), name="out")])


def test_inside_sequential_backprop_matches_finite_differences():
    rng = np.random.RandomState(4)
    X, Y = rng.randn(3, 7), rng.randn(1, 7)
    model = _bn_model()
    names = [name for name, _, _ in model.parameters()]
    assert "bn1.gamma" in names and "bn1.beta" in names
    assert gradcheck(model, X, Y).max_rel_error < 1e-6


def test_sgd_updates_gamma_and_beta_and_zero_grad_clears_them():
    rng = np.random.RandomState(5)
    X, Y = rng.randn(3, 8), rng.randn(1, 8)
    model = _bn_model()
    bn = model.layers[1]
    opt = SGD(model.parameters(), 0.1)
    model.forward_backward(X, Y)
    gamma, beta = bn.gamma.copy(), bn.beta.copy()
    opt.step()
    np.testing.assert_allclose(bn.gamma, gamma - 0.1 * bn.dgamma)
    np.testing.assert_allclose(bn.beta, beta - 0.1 * bn.dbeta)
    assert np.any(bn.gamma != gamma) and np.any(bn.beta != beta)
    model.zero_grad()
    assert not bn.dgamma.any() and not bn.dbeta.any()


def test_public_api():
    assert bpbook.BatchNorm is BatchNorm


@pytest.mark.parametrize("z, error, match", [
    (np.zeros((3, 4)), ShapeError, r"should have shape \(2, m\).*got shape \(3, 4\)"),
    (np.zeros(4), ShapeError, r"got shape \(4,\)"),
    (np.zeros((2, 1)), ValueError, "m >= 2 samples.*got m = 1"),
    (np.array([[0.0, np.nan], [1.0, np.inf]]), ValueError, r"2 non-finite values \(1 NaN, 1 inf\)"),
])
def test_bad_input_gets_a_clear_error(z, error, match):
    with pytest.raises(error, match=match):
        BatchNorm(2).forward(z)


def test_bad_settings_and_misuse_get_clear_errors():
    with pytest.raises(ValueError, match="n_features should be an integer >= 1.*got 0"):
        BatchNorm(0)
    with pytest.raises(ValueError, match="eps should be > 0.0, got -1.0"):
        BatchNorm(2, eps=-1.0)
    bn = BatchNorm(2)
    with pytest.raises(RuntimeError, match="before forward"):
        bn.backward(np.zeros((2, 3)))
    bn.forward(np.arange(6.0).reshape(2, 3))
    with pytest.raises(ShapeError, match=r"upstream gradient da should have shape \(2, 3\)"):
        bn.backward(np.zeros((3, 2)))
