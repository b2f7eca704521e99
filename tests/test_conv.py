"""bpbook.Conv2d, MaxPool2d and Flatten: forward and backward against torch (copied weights) and
central differences, property tests over shapes, strides and padding, a small CNN in Sequential
trained by SGD exactly as torch trains it, and clear errors for bad input."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import bpbook
from bpbook import Conv2d, Dense, Flatten, MaxPool2d, Sequential
from bpbook.errors import BpbookError, InputTypeError, OrderError, ShapeError
from bpbook.gradcheck import numeric_grad


def nchw(x):
    """bpbook's ``(C, H, W, m)`` as torch's ``(m, C, H, W)`` tensor."""
    return torch.from_numpy(np.ascontiguousarray(x.transpose(3, 0, 1, 2)))


def from_nchw(t):
    return t.detach().numpy().transpose(1, 2, 3, 0)


def torch_conv(layer):
    net = torch.nn.Conv2d(layer.in_channels, layer.out_channels, layer.k, stride=layer.stride,
                          padding=layer.padding, dtype=torch.float64)
    with torch.no_grad():
        net.weight.copy_(torch.from_numpy(layer.W))
        net.bias.copy_(torch.from_numpy(layer.b.ravel()))
    return net


@st.composite
def conv_cases(draw):
    """A Conv2d (random sizes, stride, padding, activation), an input and an upstream gradient."""
    c_in, c_out, k = (draw(st.integers(1, 3)) for _ in range(3))
    stride, padding = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    H, W = (draw(st.integers(max(k - 2 * padding, 1), 7)) for _ in range(2))
    m = draw(st.integers(1, 3))
    act = draw(st.sampled_from(["identity", "tanh", "sigmoid"]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    layer = Conv2d(c_in, c_out, k, stride, padding, activation=act, rng=rng)
    X = rng.randn(c_in, H, W, m)
    h = (H + 2 * padding - k) // stride + 1
    w = (W + 2 * padding - k) // stride + 1
    return layer, X, rng.randn(c_out, h, w, m)


@settings(max_examples=60, deadline=None)
@given(conv_cases())
def test_conv_forward_and_backward_agree_with_torch(case):
    layer, X, G = case
    net = torch_conv(layer)
    x = nchw(X).requires_grad_(True)
    out = getattr(torch, layer.f.name)(net(x)) if layer.f.name != "identity" else net(x)
    (out * nchw(G)).sum().backward()
    a = layer.forward(X)
    dX = layer.backward(G)
    np.testing.assert_allclose(a, from_nchw(out), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dX, from_nchw(x.grad), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.dW, net.weight.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.db.ravel(), net.bias.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_conv_gradients_agree_with_central_differences():
    rng = np.random.RandomState(3)
    layer = Conv2d(2, 3, 3, stride=2, padding=1, activation="tanh", rng=rng)
    X = rng.randn(2, 6, 5, 2)
    G = rng.randn(*layer.forward(X).shape)
    loss = lambda: float(np.sum(G * layer.forward(X)))  # noqa: E731
    layer.forward(X)
    dX = layer.backward(G)
    for value, grad in ((layer.W, layer.dW), (layer.b, layer.db), (X, dX)):
        np.testing.assert_allclose(grad, numeric_grad(loss, value, eps=1e-6), rtol=1e-6,
                                   atol=1e-8)


def test_conv_gradients_accumulate_until_zero_grad():
    rng = np.random.RandomState(4)
    layer = Conv2d(1, 2, 2, rng=rng)
    X = rng.randn(1, 4, 4, 3)
    G = rng.randn(2, 3, 3, 3)
    layer.forward(X)
    layer.backward(G)
    once = layer.dW.copy()
    layer.backward(G)
    np.testing.assert_allclose(layer.dW, 2 * once)
    layer.zero_grad()
    assert not layer.dW.any() and not layer.db.any()


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(2, 3), st.sampled_from([None, 1, 2]),
       st.integers(0, 2**16))
def test_max_pool_agrees_with_torch(c, m, k, stride, seed):
    rng = np.random.RandomState(seed)
    X = rng.randn(c, 7, 6, m)
    X[0, 0, 0, 0] = X[0, 0, 1, 0]  # a tie: torch and bpbook both route to the first
    pool = MaxPool2d(k, stride)
    x = nchw(X).requires_grad_(True)
    out = torch.nn.MaxPool2d(k, stride)(x)
    G = rng.randn(*from_nchw(out).shape)
    (out * nchw(G)).sum().backward()
    np.testing.assert_array_equal(pool.forward(X), from_nchw(out))
    # overlapping windows (stride < k) add their shares in another order than torch: rounding only
    np.testing.assert_allclose(pool.backward(G), from_nchw(x.grad), rtol=1e-12, atol=1e-15)


def test_flatten_uses_torchs_order_and_backward_restores_the_shape():
    X = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    layer = Flatten()
    flat = layer.forward(X)
    np.testing.assert_array_equal(flat.T, torch.flatten(nchw(X), 1).numpy())
    np.testing.assert_array_equal(layer.backward(flat), X)


def small_cnn(seed=0):
    rng = np.random.RandomState(seed)
    return Sequential([Conv2d(1, 4, 3, padding=1, activation="relu", rng=rng, name="conv1"),
                       MaxPool2d(2), Flatten(),
                       Dense(4 * 4 * 4, 3, rng=rng, init="xavier", name="out")])


def torch_cnn(model):
    conv, dense = model.layers[0], model.layers[3]
    net = torch.nn.Sequential(torch_conv(conv), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                              torch.nn.Flatten(), torch.nn.Linear(64, 3, dtype=torch.float64))
    with torch.no_grad():
        net[4].weight.copy_(torch.from_numpy(dense.W))
        net[4].bias.copy_(torch.from_numpy(dense.b.ravel()))
    return net


def test_a_small_cnn_trains_in_sequential_exactly_as_in_torch():
    rng = np.random.RandomState(5)
    X, labels = rng.randn(1, 8, 8, 16), rng.randint(0, 3, size=16)
    model = small_cnn()
    net = torch_cnn(model)
    opt, topt = bpbook.SGD(model.parameters(), 0.1), torch.optim.SGD(net.parameters(), lr=0.1)
    for _ in range(5):
        opt.zero_grad()
        loss = model.forward_backward(X, labels, loss="softmax_ce")
        opt.step()
        topt.zero_grad()
        tloss = torch.nn.functional.cross_entropy(net(nchw(X)), torch.from_numpy(labels))
        tloss.backward()
        topt.step()
        assert abs(loss - tloss.item()) < 1e-10
    np.testing.assert_allclose(model.layers[0].W, net[0].weight.detach().numpy(), atol=1e-10)


def test_the_first_conv_layer_skips_the_input_gradient_in_sequential():
    model = small_cnn()
    X, labels = np.random.RandomState(6).randn(1, 8, 8, 4), np.array([0, 1, 2, 0])
    model.forward_backward(X, labels, loss="softmax_ce")
    assert model.layers[0].delta is not None and model.layers[0].dW.any()


def test_float32_stays_float32():
    rng = np.random.RandomState(7)
    layer = Conv2d(1, 2, 3, dtype=np.float32, rng=rng)
    a = layer.forward(rng.randn(1, 5, 5, 2))
    assert a.dtype == np.float32 and layer.backward(np.ones_like(a)).dtype == np.float32


@pytest.mark.parametrize("make, error, said", [
    (lambda: Conv2d(0, 1, 3), BpbookError, "in_channels"),
    (lambda: Conv2d(1, 1, 3, stride=0), BpbookError, "stride"),
    (lambda: Conv2d(1, 1, 3, dtype=np.int32), BpbookError, "dtype"),
    (lambda: Conv2d(1, 2, 3, W=np.zeros((2, 1, 2, 2))), ShapeError, "(2, 1, 3, 3)"),
    (lambda: Conv2d(1, 1, 3, rng=42), InputTypeError, "RandomState"),
    (lambda: Conv2d(1, 1, 3).forward(np.zeros((2, 5, 5, 1))), ShapeError, "(1, H, W, m)"),
    (lambda: Conv2d(1, 1, 3).forward(np.zeros((1, 2, 2, 1))), ShapeError, "smaller than"),
    (lambda: Sequential([Conv2d(1, 1, 3)]).forward(np.full((1, 4, 4, 1), np.nan)), BpbookError,
     "NaN"),
    (lambda: Conv2d(1, 1, 3).forward("image"), InputTypeError, "real numbers"),
    (lambda: Conv2d(1, 1, 3).backward(np.zeros((1, 2, 2, 1))), OrderError, "before forward"),
    (lambda: _forwarded(Conv2d(1, 1, 3)).backward(np.zeros((1, 3, 3, 1))), ShapeError,
     "(1, 2, 2, 1)"),
    (lambda: MaxPool2d(2).forward(np.zeros((4, 4, 1))), ShapeError, "(C, H, W, m)"),
    (lambda: MaxPool2d(2).backward(np.zeros((1, 2, 2, 1))), OrderError, "before forward"),
    (lambda: MaxPool2d(5).forward(np.zeros((1, 4, 4, 1))), ShapeError, "smaller than"),
    (lambda: Flatten().backward(np.zeros((4, 1))), OrderError, "before forward"),
    (lambda: Sequential([Conv2d(1, 1, 3), Flatten()]).forward(np.zeros((3, 4, 4, 1))),
     ShapeError, "(1, H, W, m)"),
])
def test_bad_input_gets_a_clear_error(make, error, said):
    with pytest.raises(error) as info:
        make()
    assert said in str(info.value)


def _forwarded(layer):
    layer.forward(np.zeros((1, 4, 4, 1)))
    return layer
