"""Every activation, loss and layer gradient of bpbook's vectorized core against central
differences and torch.autograd, on random shapes and values (float64, relative error < 1e-7)."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from bpbook.activations import ACTIVATIONS, get_activation
from bpbook.layers import Dense
from bpbook.losses import get_loss
from tests.gradient_checks import assert_grad_close, central_diff
from tests.strategies import matrices

SETTINGS = settings(max_examples=40, deadline=None)

TORCH_ACTIVATIONS = {
    "identity": lambda z: z, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01), "elu": F.elu, "silu": F.silu,
    "softmax": lambda z: torch.softmax(z, dim=0),
}


def torch_grad(fn, *arrays):
    """Gradients of ``fn(*tensors)`` (a scalar) with respect to each array."""
    ts = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    fn(*ts).backward()
    return [t.grad.numpy() for t in ts]


def test_every_activation_has_a_torch_twin():
    assert set(TORCH_ACTIVATIONS) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@SETTINGS
@given(z=matrices(), upstream=st.data())
def test_activation_backward(name, z, upstream):
    """backward(z, a, da) = dL/dz for L = Σ da ⊙ f(z), against both witnesses."""
    act = get_activation(name)
    da = upstream.draw(matrices(*z.shape))
    got = act.backward(z, act(z), da)
    fd = central_diff(lambda zz: np.sum(da * act(zz)), z.copy())
    assert_grad_close(f"{name}.backward", got, fd, {"z": z, "da": da})
    (tg,) = torch_grad(lambda t: torch.sum(torch.tensor(da) * TORCH_ACTIVATIONS[name](t)), z)
    assert_grad_close(f"{name}.backward", got, tg, {"z": z, "da": da}, tol=1e-12,
                      truth="torch.autograd")


@pytest.mark.parametrize("name", sorted(set(ACTIVATIONS) - {"softmax"}))
@SETTINGS
@given(z=matrices())
def test_activation_forward_matches_torch(name, z):
    want = TORCH_ACTIVATIONS[name](torch.tensor(z)).numpy()
    np.testing.assert_allclose(get_activation(name)(z), want, rtol=1e-12, atol=1e-15)


TORCH_LOSSES = {
    "mse": lambda y_hat, y: 0.5 * torch.sum((y_hat - y) ** 2) / y.shape[1],
    "bce": lambda p, y: F.binary_cross_entropy(p, y, reduction="sum") / y.shape[1],
    "softmax_ce": lambda z, y: -torch.sum(y * torch.log_softmax(z, dim=0)) / y.shape[1],
}


@st.composite
def loss_inputs(draw, name):
    y_hat = draw(matrices())
    rows, cols = y_hat.shape
    if name == "bce":
        y_hat = 1 / (1 + np.exp(-y_hat))  # probabilities in (0.018, 0.982)
        y = draw(matrices(rows, cols, elements=st.sampled_from([0.0, 1.0])))
    elif name == "softmax_ce":
        y = np.eye(rows)[:, draw(st.lists(st.integers(0, rows - 1), min_size=cols,
                                          max_size=cols))]
    else:
        y = draw(matrices(rows, cols))
    return y_hat, y


@pytest.mark.parametrize("name", sorted(TORCH_LOSSES))
@SETTINGS
@given(data=st.data())
def test_loss_value_and_gradient(name, data):
    y_hat, y = data.draw(loss_inputs(name))
    loss = get_loss(name)
    t_value = TORCH_LOSSES[name](torch.tensor(y_hat), torch.tensor(y)).item()
    assert abs(loss.value(y_hat, y) - t_value) <= 1e-12 * max(1, abs(t_value))
    got = loss.grad(y_hat, y)
    fd = central_diff(lambda v: loss.value(v, y), y_hat.copy())
    assert_grad_close(f"{name}.grad", got, fd, {"y_hat": y_hat, "y": y})
    (tg,) = torch_grad(lambda t: TORCH_LOSSES[name](t, torch.tensor(y)), y_hat)
    assert_grad_close(f"{name}.grad", got, tg, {"y_hat": y_hat, "y": y}, tol=1e-10,
                      truth="torch.autograd")


KINKED = {"relu", "leaky_relu", "elu"}


@pytest.mark.parametrize("activation", sorted(set(ACTIVATIONS) - {"softmax"}))
@SETTINGS
@given(data=st.data())
def test_dense_layer_gradients(activation, data):
    """dW, db and dL/da_prev of a Dense layer for L = Σ da ⊙ a."""
    n_in, n_out, m = (data.draw(st.integers(1, 4)) for _ in range(3))
    W, b = data.draw(matrices(n_out, n_in)), data.draw(matrices(n_out, 1))
    X, da = data.draw(matrices(n_in, m)), data.draw(matrices(n_out, m))
    # A central difference is exact to O(ε²) only away from a kink of f or of f' (ReLU's and
    # Leaky ReLU's at 0, ELU's second derivative there): near one, only torch judges.
    smooth = activation not in KINKED or bool(np.all(np.abs(W @ X + b) > 1e-3))
    layer = Dense(n_in, n_out, activation, W=W, b=b)
    layer.forward(X)
    dX = layer.backward(da)
    f = get_activation(activation)
    inputs = {"W": W, "b": b, "X": X, "da": da}

    def L(W_, b_, X_):
        return np.sum(da * f(W_ @ X_ + b_))

    by_differences = (("dW", layer.dW, W), ("db", layer.db, b), ("dX", dX, X)) if smooth else ()
    for what, got, arr in by_differences:
        def f_of(v, what=what):
            args = {"dW": (v, b, X), "db": (W, v, X), "dX": (W, b, v)}[what]
            return L(*args)
        assert_grad_close(f"Dense({activation}).{what}", got, central_diff(f_of, arr.copy()),
                          inputs)
    act = TORCH_ACTIVATIONS[activation]
    tW, tb, tX = torch_grad(lambda W_, b_, X_: torch.sum(torch.tensor(da) * act(W_ @ X_ + b_)),
                            W, b, X)
    for what, got, want in (("dW", layer.dW, tW), ("db", layer.db, tb), ("dX", dX, tX)):
        assert_grad_close(f"Dense({activation}).{what}", got, want, inputs, tol=1e-11,
                          truth="torch.autograd")
    # delta is dL/dz
    tz = torch.tensor(W @ X + b, requires_grad=True)
    torch.sum(torch.tensor(da) * act(tz)).backward()
    assert_grad_close(f"Dense({activation}).delta", layer.delta, tz.grad.numpy(), inputs,
                      tol=1e-11, truth="torch.autograd")
