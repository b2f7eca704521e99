r"""The pitfalls of backprop as experiments: vanishing and exploding gradients, dead ReLUs.

Used by the pitfalls chapter (``chapters/05_pitfalls.py``) and its explorer.

Conventions (samples are columns): inputs ``X`` have shape ``(n_in, m)``, targets ``Y`` shape
``(1, m)``. A *deep network* here is :func:`deep_net`: ``depth`` hidden layers of ``width`` units
and one linear output unit, built from :class:`~bpbook.layers.Dense` layers (and
:class:`Residual` blocks when ``residual=True``). Layer ``l`` of the text is ``model.layers[l-1]``;
``layer_grad_norms`` returns $\|\partial L/\partial W_l\|_F$ for every layer, inputs first.

Initialisations (``init``) scale a standard normal by ``gain`` times
``normal``: 1; ``xavier``: $\sqrt{2/(n_{in}+n_{out})}$; ``he``: $\sqrt{2/n_{in}}$.
"""
import time

import numpy as np

from bpbook.errors import ExplodingGradientError, ShapeError
from bpbook.gradcheck import numeric_grad
from bpbook.layers import Dense
from bpbook.losses import mse_grad
from bpbook.model import Sequential
from bpbook.optim import SGD

INIT_STD = {"normal": lambda n_in, n_out: 1.0,
            "xavier": lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out)),
            "he": lambda n_in, n_out: np.sqrt(2.0 / n_in)}


class Residual:
    r"""A dense layer with a skip connection: $a = a_{prev} + f(W a_{prev} + b)$.

    Backward: $\partial L/\partial a_{prev} = \partial L/\partial a + W^\top\delta$: the identity
    path hands the upstream gradient down unchanged, whatever $f'$ does to the other path.
    Needs ``n_in == n_out``. ``delta``, ``dW``, ``db`` are those of the inner dense layer.
    """

    def __init__(self, dense):
        if dense.n_in != dense.n_out:
            raise ShapeError(f"Residual needs a square layer (n_in == n_out) so that a_prev + "
                             f"f(z) has one shape, got {dense!r}")
        self.dense, self.name = dense, dense.name
        self.a = None

    def forward(self, a_prev):
        self.a = self.dense.forward(a_prev) + self.dense.a_prev
        return self.a

    def backward(self, da):
        return da + self.dense.backward(da)

    @property
    def W(self):
        return self.dense.W

    @property
    def dW(self):
        return self.dense.dW

    @property
    def delta(self):
        return self.dense.delta

    def params(self):
        return self.dense.params()

    def zero_grad(self):
        self.dense.zero_grad()

    def __repr__(self):
        return f"Residual({self.dense!r})"


def _check_choice(value, what, valid):
    if value not in valid:
        raise ValueError(f"unknown {what} {value!r}; expected one of: {', '.join(valid)}")


def _check_count(value, what, low=1):
    if not (isinstance(value, (int, np.integer)) and value >= low):
        raise ValueError(f"{what} must be an integer >= {low}, got {value!r}")


def deep_net(depth, width=32, n_in=8, activation="sigmoid", init="xavier", gain=1.0,
             residual=False, seed=0):
    """``depth`` hidden layers of ``width`` units and a linear output unit, weights seeded.

    With ``residual=True`` every hidden layer after the first is a :class:`Residual` block.
    """
    _check_count(depth, "depth")
    _check_count(width, "width")
    _check_choice(init, "init", INIT_STD)
    if not (np.isfinite(gain) and gain > 0):
        raise ValueError(f"gain must be a positive finite number, got {gain!r}")
    rng = np.random.RandomState(seed)
    sizes = [n_in] + [width] * depth + [1]
    layers = []
    for l in range(1, depth + 2):
        n_prev, n = sizes[l - 1], sizes[l]
        W = rng.randn(n, n_prev) * gain * INIT_STD[init](n_prev, n)
        f = activation if l <= depth else "identity"
        dense = Dense(n_prev, n, f, W=W, name=f"layer{l}")
        layers.append(Residual(dense) if residual and 1 < l <= depth else dense)
    return Sequential(layers)


def toy_data(n_in=8, m=64, seed=0):
    """A seeded regression batch: ``X`` ``(n_in, m)`` standard normal and
    ``Y = tanh(v·x)`` ``(1, m)`` for a random direction ``v``."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n_in, m)
    v = rng.randn(1, n_in) / np.sqrt(n_in)
    return X, np.tanh(v @ X)


def _norm(g):
    """The Frobenius norm, scaled first so that huge finite entries do not overflow."""
    top = np.abs(g).max()
    return float(top * np.linalg.norm(g / top)) if top > 0 else 0.0


def layer_grad_norms(model):
    r"""$\|\partial L/\partial W_l\|_F$ of every layer of ``model``, inputs first."""
    norms = [_norm(layer.dW) for layer in model.layers if hasattr(layer, "dW")]
    if not norms:
        raise ValueError(f"layer_grad_norms: the model has no layers with weights: {model!r}")
    return np.array(norms)


def gradient_profile(model, X, Y):
    """One forward and backward pass from zero gradients; the per-layer weight-gradient norms."""
    model.zero_grad()
    with np.errstate(over="ignore", invalid="ignore"):
        model.forward_backward(X, Y)
    return layer_grad_norms(model)


def train(model, X, Y, lr, epochs, clip=None, loss="mse"):
    """Full-batch SGD that stops at the first non-finite loss or gradient.

    Returns ``(losses, error)``: the loss before each completed step, and the
    :class:`~bpbook.errors.ExplodingGradientError` that stopped training (``None`` if none did).
    """
    _check_count(epochs, "epochs", low=0)
    opt = SGD(model.parameters(), lr, clip=clip)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            opt.zero_grad()
            try:
                losses.append(model.forward_backward(X, Y, loss))
            except ExplodingGradientError as err:
                return np.array(losses), ExplodingGradientError(f"epoch {epoch}: {err}")
            opt.step()
    return np.array(losses), None


def _hidden(model, what):
    hidden = [getattr(layer, "dense", layer) for layer in model.layers[:-1]]
    if not hidden:
        raise ValueError(f"{what} needs a model with at least one hidden layer, got {model!r}")
    return hidden


def off_fraction(model, X):
    """The fraction of hidden units (all layers but the last) whose pre-activation ``z`` is
    ``<= 0`` for every sample of ``X``: switched off on the whole data set."""
    model.forward(X)
    hidden = _hidden(model, "off_fraction")
    off = sum(int(np.sum(np.all(layer.z <= 0, axis=1))) for layer in hidden)
    return off / sum(layer.z.shape[0] for layer in hidden)


def no_grad_fraction(model, X, Y, loss="mse"):
    """The fraction of hidden units whose error signal ``delta`` is exactly 0 on every sample:
    their weights get no gradient at all, so gradient descent can never move them (dead)."""
    model.zero_grad()
    model.forward_backward(X, Y, loss)
    hidden = _hidden(model, "no_grad_fraction")
    dead = sum(int(np.sum(np.all(layer.delta == 0, axis=1))) for layer in hidden)
    return dead / sum(layer.delta.shape[0] for layer in hidden)


def multiply_adds(sizes, m):
    """Multiply-adds of the matrix products of one forward and one backward pass of an MLP of
    widths ``sizes`` on ``m`` samples: ``(forward, backward)``.

    Forward: ``W @ a_prev`` per layer, ``n_out·n_in·m``. Backward: ``delta @ a_prev.T`` (for
    ``dW``) and ``W.T @ delta`` (for the layer below), the same count twice. Elementwise work is
    ``O(n·m)`` per layer, negligible next to these for wide layers.
    """
    _check_count(m, "m (the batch size)")
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least two layer widths, got {sizes!r}")
    forward = sum(n_out * n_in * m for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    return forward, 2 * forward


def count_loss_evaluations(model, X, Y, loss="mse"):
    """How many times central differences evaluate the loss to get every gradient of ``model``
    (counted while :func:`bpbook.gradcheck.numeric_grad` runs): two per parameter entry."""
    calls = 0

    def counted():
        nonlocal calls
        calls += 1
        return model.loss(X, Y, loss)

    for _, value, _ in model.parameters():
        numeric_grad(counted, value)
    return calls


def n_params(model):
    return int(sum(value.size for _, value, _ in model.parameters()))


def time_passes(model, X, Y, repeats=5):
    """The fastest of ``repeats`` runs of a forward pass and of a backward pass, in seconds:
    ``(forward, backward)``. Timings vary from run to run; chapters only plot them."""
    forward = backward = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        y_hat = model.forward(X)
        t1 = time.perf_counter()
        model.backward(mse_grad(y_hat, Y))
        t2 = time.perf_counter()
        forward, backward = min(forward, t1 - t0), min(backward, t2 - t1)
    return forward, backward
