"""The model, optimiser, gradient check and SymPy derivations; numerical stability; bad input."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from bpbook import Dense, Sequential, SGD, clip_grad_norm, fit, get_activation, get_loss, mlp
from bpbook.activations import sigmoid, softmax
from bpbook.errors import ExplodingGradientError, ShapeError
from bpbook.gradcheck import gradcheck
from bpbook.losses import bce, bce_grad, softmax_ce, softmax_ce_grad
from bpbook.symbolic import SymbolicMLP, params_of
from tests.gradient_checks import assert_grad_close

XOR_X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
XOR_Y = np.array([[0, 1, 1, 0]], dtype=float)


def torch_mlp_grads(model, X, Y, act=torch.sigmoid, out=torch.sigmoid):
    """The same network's ½-MSE gradients from torch.autograd, layer by layer."""
    params = [torch.tensor(v, requires_grad=True) for _, v, _ in model.parameters()]
    a = torch.tensor(X)
    n = len(params) // 2
    for l in range(n):
        z = params[2 * l] @ a + params[2 * l + 1]
        a = out(z) if l == n - 1 else act(z)
    (0.5 * torch.sum((a - torch.tensor(Y)) ** 2) / X.shape[1]).backward()
    return [p.grad.numpy() for p in params]


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4), seed=st.integers(0, 10_000),
       m=st.integers(1, 5))
def test_mlp_gradients_match_torch_and_finite_differences(sizes, seed, m):
    model = mlp(sizes, "tanh", "sigmoid", seed=seed, scale=1.0)
    rng = np.random.RandomState(seed + 1)
    X, Y = rng.randn(sizes[0], m), rng.rand(sizes[-1], m)
    result = gradcheck(model, X, Y)
    assert result.max_rel_error < 1e-6, result.table
    for (name, _, grad), want in zip(model.parameters(),
                                     torch_mlp_grads(model, X, Y, torch.tanh)):
        assert_grad_close(name, grad, want, {"sizes": sizes, "seed": seed}, tol=1e-12,
                          truth="torch.autograd")


def test_gradcheck_catches_a_planted_bug():
    model = mlp([2, 3, 1], seed=1)
    assert gradcheck(model, XOR_X, XOR_Y).max_rel_error < 1e-7
    # a backward pass that forgets the activation's slope in the hidden layer
    hidden = model.dense[0]
    hidden.f = type(hidden.f)("sigmoid", hidden.f.f, lambda z: np.ones_like(z), "", "")
    assert gradcheck(model, XOR_X, XOR_Y).max_rel_error > 1e-2


def test_sequential_deltas_are_dL_dz_of_every_layer():
    model = mlp([2, 3, 2, 1], seed=3)
    model.forward_backward(XOR_X, XOR_Y)
    zs = [torch.tensor(layer.z, requires_grad=True) for layer in model.dense]
    # rebuild the loss from each layer's z: the later layers read from it
    for l, z in enumerate(zs):
        a = torch.sigmoid(z)
        for layer in model.dense[l + 1:]:
            a = torch.sigmoid(torch.tensor(layer.W) @ a + torch.tensor(layer.b))
        (0.5 * torch.sum((a - torch.tensor(XOR_Y)) ** 2) / 4).backward()
        np.testing.assert_allclose(model.dense[l].delta, z.grad.numpy(), rtol=1e-12, atol=1e-16)


def test_xor_training_reproduces_the_reference_loop():
    """bpbook's mlp + fit against the reference text's loop, written here independently."""
    np.random.seed(42)
    W1, b1 = np.random.randn(4, 2) * 0.5, np.zeros((4, 1))
    W2, b2 = np.random.randn(1, 4) * 0.5, np.zeros((1, 1))
    want = []
    for _ in range(300):
        a1 = 1 / (1 + np.exp(-(W1 @ XOR_X + b1)))
        y_hat = 1 / (1 + np.exp(-(W2 @ a1 + b2)))
        want.append(np.mean(0.5 * (y_hat - XOR_Y) ** 2))
        d2 = (y_hat - XOR_Y) * y_hat * (1 - y_hat) / 4
        d1 = (W2.T @ d2) * a1 * (1 - a1)
        W2, b2 = W2 - 2.0 * d2 @ a1.T, b2 - 2.0 * d2.sum(axis=1, keepdims=True)
        W1, b1 = W1 - 2.0 * d1 @ XOR_X.T, b1 - 2.0 * d1.sum(axis=1, keepdims=True)
    got = fit(mlp([2, 4, 1], seed=42), XOR_X, XOR_Y, "mse", lr=2.0, epochs=300)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_gradients_accumulate_until_zero_grad_like_torch():
    model = mlp([2, 2, 1], seed=0)
    model.forward_backward(XOR_X, XOR_Y)
    once = [g.copy() for _, _, g in model.parameters()]
    model.forward_backward(XOR_X, XOR_Y)
    for (_, _, g), g1 in zip(model.parameters(), once):
        np.testing.assert_allclose(g, 2 * g1, rtol=1e-14)
    opt = SGD(model.parameters(), lr=0.1)
    opt.zero_grad()
    assert all(np.all(g == 0) for _, _, g in model.parameters())
    before = [v.copy() for _, v, _ in model.parameters()]
    model.forward_backward(XOR_X, XOR_Y)
    opt.step()
    for (_, v, g), v0 in zip(model.parameters(), before):
        np.testing.assert_allclose(v, v0 - 0.1 * g, rtol=1e-14)


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(0.1, 1e3), max_norm=st.floats(1e-3, 10))
def test_clip_grad_norm_bounds_the_norm_and_keeps_the_direction(scale, max_norm):
    model = mlp([3, 4, 2], seed=5)
    model.forward_backward(np.ones((3, 2)) * scale, np.zeros((2, 2)))
    before = np.concatenate([g.ravel() for _, _, g in model.parameters()])
    norm = clip_grad_norm(model.parameters(), max_norm)
    after = np.concatenate([g.ravel() for _, _, g in model.parameters()])
    assert norm == pytest.approx(np.linalg.norm(before))
    assert np.linalg.norm(after) <= max_norm * (1 + 1e-12)
    # torch's factor, max_norm / (norm + 1e-6), where it is below 1
    np.testing.assert_allclose(after, before * min(1.0, max_norm / (norm + 1e-6)), rtol=1e-12)


@settings(max_examples=10, deadline=None)
@given(sizes=st.lists(st.integers(1, 3), min_size=2, max_size=3), seed=st.integers(0, 999))
def test_symbolic_gradients_match_backprop(sizes, seed):
    model = mlp(sizes, "sigmoid", "sigmoid", seed=seed, scale=1.0)
    rng = np.random.RandomState(seed)
    x, y = rng.randn(sizes[0], 1), rng.rand(sizes[-1], 1)
    loss = model.forward_backward(x, y)
    sym = SymbolicMLP(sizes)
    assert sym.loss_at(params_of(model), x, y) == pytest.approx(loss, rel=1e-12)
    closed = sym.gradients_at(params_of(model), x, y)
    for name, _, grad in model.parameters():
        assert_grad_close(name, grad, closed[name], {"sizes": sizes}, tol=1e-12, truth="SymPy")


def no_warnings(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args)


def test_stable_at_extreme_inputs():
    z = np.array([[-1e4, -800.0, 0.0, 800.0, 1e4]])
    s = no_warnings(sigmoid, z)
    assert np.all(np.isfinite(s)) and s[0, 0] == 0.0 and s[0, -1] == 1.0
    assert np.all(np.isfinite(no_warnings(get_activation("sigmoid").df, z)))
    logits = np.array([[1e4, -1e4], [-1e4, 1e4], [0.0, 0.0]])
    sm = no_warnings(softmax, logits)
    np.testing.assert_allclose(sm.sum(axis=0), 1.0)
    y = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])  # the worst case: confidently wrong
    value = no_warnings(softmax_ce, logits, y)
    assert value == pytest.approx(2e4)  # −log softmax = 2e4 exactly, from the logits
    assert np.all(np.isfinite(no_warnings(softmax_ce_grad, logits, y)))
    p, t = np.array([[0.0, 1.0, 0.0, 1.0]]), np.array([[0.0, 1.0, 1.0, 0.0]])
    assert np.isfinite(no_warnings(bce, p, t))
    assert np.all(np.isfinite(no_warnings(bce_grad, p, t)))


def test_wrong_input_shape_names_layer_and_shapes():
    model = mlp([2, 3, 1], seed=0)
    with pytest.raises(ShapeError, match=r"Dense 'layer1' \(2→3\).*\(2, m\).*got shape \(3, 4\)"):
        model.forward(np.ones((3, 4)))
    with pytest.raises(ShapeError, match=r"targets Y should have shape \(1, 4\).*got shape \(2, 4\)"):
        model.forward_backward(np.ones((2, 4)), np.ones((2, 4)))
    with pytest.raises(ShapeError, match=r"W should have shape \(1, 2\), got shape \(3,\)"):
        Dense(2, 1, W=[1.0, 2.0, 3.0])


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'; expected one of: .*sigmoid"):
        get_activation("sigmod")
    with pytest.raises(ValueError, match="unknown loss 'mae'; expected one of: bce, mse"):
        get_loss("mae")
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        mlp([2, 1], "gelu")


def test_exploding_training_raises_a_clear_error():
    model = mlp([2, 8, 8, 1], "relu", "identity", seed=0, scale=3.0)
    with pytest.raises(ExplodingGradientError) as err:
        fit(model, XOR_X * 10, XOR_Y, "mse", lr=50.0, epochs=200)
    msg = str(err.value)
    assert "exploding gradients" in msg and "learning rate" in msg and "clip" in msg
    assert "epoch" in msg and "50.0" in msg


def test_bad_hyperparameters_are_refused():
    model = mlp([2, 1])
    with pytest.raises(ValueError, match="SGD: learning rate lr should be > 0.0, got -1"):
        SGD(model.parameters(), lr=-1)
    with pytest.raises(TypeError, match="epochs should be an integer >= 0 and <= 10000000, got float 2.5"):
        fit(model, XOR_X, XOR_Y, epochs=2.5)
    with pytest.raises(ValueError, match=r"sizes should be at least two integers in 1..1000000.*\[2, 0, 1\]"):
        mlp([2, 0, 1])


def test_backward_before_forward_is_explained():
    with pytest.raises(RuntimeError, match="backward\\(\\) called before forward\\(\\)"):
        Dense(2, 1, name="h").backward(np.ones((1, 1)))


def test_float32_model_stays_float32():
    model = mlp([4, 3, 2], "relu", "identity", dtype=np.float32)
    model.forward_backward(np.ones((4, 5), np.float32), np.eye(2)[:, [0, 1, 0, 1, 0]], "softmax_ce")
    assert all(g.dtype == np.float32 for _, _, g in model.parameters())
    assert all(layer.delta.dtype == np.float32 for layer in model.dense)
