"""bpbook.RNN: forward and BPTT against torch.nn.RNN (copied weights) and central differences,
property tests over shapes, truncated BPTT against torch on detached windows and a scalar closed
form, the float32 path, training with SGD, and clear errors for bad input."""
import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import bpbook
from bpbook.errors import BpbookError, InputError, InputTypeError, OrderError, ShapeError
from bpbook.gradcheck import numeric_grad
from bpbook.rnn import RNN, spectral_radius
from tests.strategies import rnn_cases


def problem(n_in=3, n_hidden=4, T=5, m=2, seed=0, scale=1.0, dtype=np.float64, bptt_steps=None):
    """A model with weights drawn from ``seed`` times ``scale``, sequences ``X`` and an upstream
    gradient ``G`` (the loss is ``sum(G * H)``)."""
    rng = np.random.RandomState(seed)
    model = RNN(n_in, n_hidden, dtype=dtype, W_xh=scale * rng.randn(n_hidden, n_in),
                W_hh=scale * rng.randn(n_hidden, n_hidden) / np.sqrt(n_hidden),
                b=0.5 * rng.randn(n_hidden, 1), bptt_steps=bptt_steps)
    return model, rng.randn(n_in, T, m), rng.randn(n_hidden, T, m)


def torch_rnn(model, b_ih_share=0.3):
    """``torch.nn.RNN`` with the model's weights; ``b`` split unevenly over torch's two biases."""
    net = torch.nn.RNN(model.n_in, model.n_hidden, nonlinearity="tanh", dtype=torch.float64)
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.from_numpy(model.W_xh.astype(np.float64)))
        net.weight_hh_l0.copy_(torch.from_numpy(model.W_hh.astype(np.float64)))
        b = torch.from_numpy(model.b.ravel().astype(np.float64))
        net.bias_ih_l0.copy_(b_ih_share * b)
        net.bias_hh_l0.copy_((1 - b_ih_share) * b)
    return net


def torch_grads(model, X, G):
    """torch's hidden states and gradients of ``sum(G * H)``, in bpbook's shapes."""
    net = torch_rnn(model)
    x = torch.tensor(X.transpose(1, 2, 0), requires_grad=True)  # torch: (T, m, n_in)
    out, _ = net(x)
    (out * torch.from_numpy(G.transpose(1, 2, 0))).sum().backward()
    torch.testing.assert_close(net.bias_ih_l0.grad, net.bias_hh_l0.grad, rtol=0, atol=1e-12)
    return dict(H=out.detach().numpy().transpose(2, 0, 1), dW_xh=net.weight_ih_l0.grad.numpy(),
                dW_hh=net.weight_hh_l0.grad.numpy(), db=net.bias_ih_l0.grad.numpy()[:, None],
                dX=x.grad.numpy().transpose(2, 0, 1))


def ours(model, X, G):
    model.zero_grad()
    H = model.forward(X)
    dX = model.backward(G)
    return dict(H=H, dW_xh=model.dW_xh.copy(), dW_hh=model.dW_hh.copy(), db=model.db.copy(),
                dX=dX)


def assert_agree(a, b, tol):
    for key in b:
        np.testing.assert_allclose(a[key], b[key], rtol=0, atol=tol, err_msg=key)


def test_forward_and_backward_agree_with_torch():
    model, X, G = problem(n_in=3, n_hidden=5, T=12, m=4)
    assert_agree(ours(model, X, G), torch_grads(model, X, G), 1e-10)


def test_torch_default_initialisation_range_and_seed():
    a, b = RNN(3, 16), RNN(3, 16)
    assert np.array_equal(a.W_hh, b.W_hh)  # seeded: RandomState(0) unless told otherwise
    for W in (a.W_xh, a.W_hh, a.b):
        assert np.abs(W).max() <= 1 / 4 and np.abs(W).max() > 1 / 8  # U(−1/√16, 1/√16)
    c = RNN(3, 16, rng=np.random.RandomState(1))
    assert not np.array_equal(a.W_hh, c.W_hh)


@settings(max_examples=40, deadline=None)
@given(rnn_cases())
def test_any_shape_agrees_with_torch(case):
    model, X, G = problem(**case)
    assert_agree(ours(model, X, G), torch_grads(model, X, G), 1e-10)


@settings(max_examples=15, deadline=None)
@given(rnn_cases(max_side=3, max_steps=5))
def test_any_shape_agrees_with_central_differences(case):
    model, X, G = problem(**case)
    got = ours(model, X, G)
    loss = lambda: float(np.sum(G * model.forward(X)))  # noqa: E731
    for key, arr in (("dW_xh", model.W_xh), ("dW_hh", model.W_hh), ("db", model.b), ("dX", X)):
        np.testing.assert_allclose(got[key], numeric_grad(loss, arr), rtol=1e-6, atol=1e-8,
                                   err_msg=key)


def test_gradients_accumulate_until_zero_grad_and_sgd_uses_them():
    model, X, G = problem()
    once = ours(model, X, G)
    model.forward(X)
    model.backward(G)
    for (_, _, grad), key in zip(model.params(), ("dW_xh", "dW_hh", "db")):
        np.testing.assert_allclose(grad, 2 * once[key], rtol=1e-14)
    before = {name: value.copy() for name, value, _ in model.params()}
    bpbook.SGD(model.params(), lr=0.1).step()
    for name, value, grad in model.params():
        np.testing.assert_allclose(value, before[name] - 0.1 * grad, rtol=1e-14)
    model.zero_grad()
    assert all(not grad.any() for _, _, grad in model.params())
    assert [n for n, _, _ in model.params()] == ["rnn.W_xh", "rnn.W_hh", "rnn.b"]


def test_the_states_and_error_signals_are_kept():
    model, X, G = problem(T=4)
    ours(model, X, G)
    np.testing.assert_allclose(model.slope, 1 - model.H ** 2)
    np.testing.assert_allclose(model.delta, model.dh * model.slope)
    # the last step's state gradient is the loss's own: nothing flows back into step T
    np.testing.assert_allclose(model.dh[:, -1], G[:, -1])
    np.testing.assert_allclose(model.dh[:, 1], G[:, 1] + model.W_hh.T @ model.delta[:, 2])


def torch_truncated(model, X, G, k):
    """Truncated BPTT as a sum over steps t of the gradient of ``G_t · h_t`` through the last
    ``k`` steps only: torch recomputes steps t−k+1..t from a *detached* h_{t−k} for each t."""
    net = torch_rnn(model)
    x = torch.tensor(X.transpose(1, 2, 0), requires_grad=True)
    with torch.no_grad():
        H_full, _ = net(x)
    T = X.shape[1]
    for t in range(T):
        start = max(t - k + 1, 0)
        h0 = (torch.zeros(1, X.shape[2], model.n_hidden, dtype=torch.float64) if start == 0
              else H_full[start - 1].detach()[None])
        out, _ = net(x[start:t + 1], h0)
        (out[-1] * torch.from_numpy(G[:, t].T)).sum().backward()
    return dict(dW_xh=net.weight_ih_l0.grad.numpy(), dW_hh=net.weight_hh_l0.grad.numpy(),
                db=net.bias_ih_l0.grad.numpy()[:, None], dX=x.grad.numpy().transpose(2, 0, 1))


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_truncation_is_the_sum_over_detached_windows(k):
    model, X, G = problem(T=7, bptt_steps=k)
    got = ours(model, X, G)
    got.pop("H")
    assert_agree(got, torch_truncated(model, X, G, k), 1e-10)


@settings(max_examples=20, deadline=None)
@given(rnn_cases(), st.integers(1, 8))
def test_any_truncation_agrees_with_torch(case, k):
    model, X, G = problem(**case, bptt_steps=k)
    got = ours(model, X, G)
    got.pop("H")
    assert_agree(got, torch_truncated(model, X, G, k), 1e-10)


def test_one_step_truncation_of_one_unit_in_closed_form():
    """k = 1: each step's gradient stops at its own tanh: dW_hh = Σ_t g_t (1 − h_t²) h_{t−1}."""
    model, X, G = problem(n_in=1, n_hidden=1, T=6, m=1, bptt_steps=1)
    ours(model, X, G)
    h, g = model.H.ravel(), G.ravel()
    h_prev = np.concatenate([[0.0], h[:-1]])
    assert model.dW_hh[0, 0] == pytest.approx(np.sum(g * (1 - h ** 2) * h_prev), rel=1e-13)
    assert model.dW_xh[0, 0] == pytest.approx(np.sum(g * (1 - h ** 2) * X.ravel()), rel=1e-13)


def test_truncation_at_or_beyond_the_length_is_full_bptt():
    model, X, G = problem(T=5)
    full = ours(model, X, G)
    for k in (5, 9):
        model.bptt_steps = k
        assert_agree(ours(model, X, G), full, 0.0)


def test_a_dependency_longer_than_the_truncation_gets_no_gradient():
    model, X, G = problem(T=8, bptt_steps=3)
    G[:, :-1] = 0.0  # a loss on the last state only
    ours(model, X, G)
    dX = model.backward(G)
    assert not dX[:, :-3].any() and np.all(np.abs(dX[:, -3:]).sum(axis=(0, 2)) > 0)


def test_float32_model_computes_in_float32():
    model64, X, G = problem(T=6)
    model32 = RNN(3, 4, dtype=np.float32, W_xh=model64.W_xh, W_hh=model64.W_hh, b=model64.b)
    got32, got64 = ours(model32, X, G), ours(model64, X, G)
    for key in got64:
        assert got32[key].dtype == np.float32, key
        np.testing.assert_allclose(got32[key], got64[key], rtol=1e-4, atol=1e-5, err_msg=key)
    assert all(v.dtype == np.float32 for _, v, _ in model32.params())
    model32.bptt_steps = 2
    assert ours(model32, X, G)["dX"].dtype == np.float32


def test_integer_data_are_converted():
    model, X, G = problem()
    np.testing.assert_array_equal(model.forward(np.ones((3, 2, 1), dtype=int)),
                                  model.forward(np.ones((3, 2, 1))))


def test_spectral_radius_against_closed_forms():
    theta = 0.7
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    assert spectral_radius(1.3 * rotation) == pytest.approx(1.3, rel=1e-12)
    assert spectral_radius(np.diag([0.5, -2.0, 1.0])) == pytest.approx(2.0, rel=1e-12)
    with pytest.raises(ShapeError, match=r"square matrix, got shape \(2, 3\)"):
        spectral_radius(np.ones((2, 3)))


def error(call):
    with pytest.raises(BpbookError) as info:
        call()
    return info


@pytest.mark.parametrize("X, kind, pattern", [
    (np.ones((3, 5)), ShapeError, r"input X should have shape \(3, T, m\).*got shape \(3, 5\)"),
    (np.ones((2, 5, 1)), ShapeError, r"\(3, T, m\).*got shape \(2, 5, 1\)"),
    (np.ones((5, 1, 3)), ShapeError, r"got shape \(5, 1, 3\); are the axes in another order"),
    (np.ones((3, 0, 2)), InputError, r"empty batch"),
    (np.ones((3, 2, 0)), InputError, r"empty batch"),
    (np.full((3, 2, 2), np.nan), InputError, r"12 non-finite values \(12 NaN.*index \(0, 0, 0\)"),
    (np.ones((3, 2, 2)) + 1j, InputTypeError, r"input X should be an array of real numbers"),
    ("abc", InputTypeError, r"input X should be an array of real numbers, got strings"),
])
def test_bad_sequences_name_expected_and_received(X, kind, pattern):
    model = RNN(3, 4, name="enc")
    info = error(lambda: model.forward(X))
    assert info.type is kind and "RNN 'enc'" in str(info.value)
    assert re.search(pattern, str(info.value)), str(info.value)


def test_bad_upstream_gradients_and_order():
    model, X, G = problem(T=5)
    with pytest.raises(OrderError, match=r"backward\(\) called before forward\(\)"):
        model.backward(G)
    assert issubclass(OrderError, RuntimeError)
    model.forward(X)
    with pytest.raises(ShapeError, match=r"dH should have the shape .*\(4, 5, 2\), got shape "
                                         r"\(4, 2\)"):
        model.backward(G[:, 0])
    bad = G.copy()
    bad[1, 2, 0] = np.inf
    with pytest.raises(InputError, match=r"dH holds 1 non-finite values.*index \(1, 2, 0\)"):
        model.backward(bad)


@pytest.mark.parametrize("kwargs, kind, pattern", [
    (dict(n_in=0), InputError, r"RNN 'rnn': n_in should be an integer >= 1.*got 0"),
    (dict(n_hidden=2.5), InputTypeError, r"n_hidden should be an integer >= 1.*got float 2.5"),
    (dict(dtype=np.int32), InputTypeError, r"dtype should be np.float32 or np.float64"),
    (dict(dtype="float16"), InputTypeError, r"dtype should be np.float32 or np.float64"),
    (dict(W_hh=np.ones((4, 3))), ShapeError,
     r"W_hh should have shape \(4, 4\), got shape \(4, 3\)"),
    (dict(W_xh=np.full((4, 3), np.nan)), InputError, r"W_xh holds 12 non-finite"),
    (dict(b=np.ones(5)), ShapeError, r"b should have shape \(4, 1\), got shape \(5,\)"),
    (dict(bptt_steps=0), InputError, r"bptt_steps should be an integer >= 1.*got 0"),
    (dict(bptt_steps=1.5), InputTypeError, r"bptt_steps should be an integer"),
    (dict(rng=42), InputTypeError, r"rng should be a numpy.random.RandomState"),
])
def test_bad_construction_names_expected_and_received(kwargs, kind, pattern):
    info = error(lambda: RNN(**{"n_in": 3, "n_hidden": 4, **kwargs}))
    assert info.type is kind
    assert re.search(pattern, str(info.value)), str(info.value)


def test_a_1d_bias_is_the_only_reshape():
    assert RNN(3, 4, b=np.arange(4.0)).b.shape == (4, 1)
    assert repr(RNN(3, 4, bptt_steps=2)) == "RNN(3→4, tanh, name='rnn', bptt_steps=2)"
