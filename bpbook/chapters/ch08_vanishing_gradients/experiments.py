r"""The pitfalls of backprop as experiments: vanishing and exploding gradients (and the slopes
behind them), dead ReLUs and their revival, weight decay, and what gradients cost.

Used by the pitfalls chapter (``chapters/08_vanishing_gradients.py``) and its explorer.

Conventions (samples are columns): inputs ``X`` have shape ``(n_in, m)``, targets ``Y`` shape
``(1, m)``. A *deep network* here is :func:`deep_net`: ``depth`` hidden layers of ``width`` units
and one linear output unit, built from :class:`~bpbook.layers.Dense` layers (and
:class:`Residual` blocks when ``residual=True``, :class:`~bpbook.norm.BatchNorm` and
``ActivationLayer`` after each hidden ``Dense`` when ``batchnorm=True``). Layer ``l`` of the text
is ``model.layers[l-1]`` (``model.dense[l-1]`` with batch norm); ``layer_grad_norms`` returns
$\|\partial L/\partial W_l\|_F$ for every layer, inputs first.

Initialisations (``init``) scale a standard normal by ``gain`` times
``normal``: 1; ``xavier``: $\sqrt{2/(n_{in}+n_{out})}$; ``he``: $\sqrt{2/n_{in}}$.
"""
import time

import numpy as np

from bpbook.activations import sigmoid_prime
from bpbook.errors import ExplodingGradientError, InputError, ShapeError, short_repr
from bpbook.gradcheck import numeric_grad, rel_error
from bpbook.layers import ActivationLayer, Dense
from bpbook.losses import mse_grad
from bpbook.model import Sequential
from bpbook.norm import BatchNorm
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
    if not isinstance(value, str) or value not in valid:
        raise InputError(f"unknown {what} {value!r}; expected one of: {', '.join(valid)}")


def _check_count(value, what, low=1):
    if isinstance(value, (bool, np.bool_)) or not (isinstance(value, (int, np.integer))
                                                   and value >= low):
        raise InputError(f"{what} must be an integer >= {low}, got {value!r}")


def deep_net(depth, width=32, n_in=8, activation="sigmoid", init="xavier", gain=1.0,
             residual=False, batchnorm=False, seed=0):
    """``depth`` hidden layers of ``width`` units and a linear output unit, weights seeded.

    With ``residual=True`` every hidden layer after the first is a :class:`Residual` block. With
    ``batchnorm=True`` every hidden layer is three: a linear ``Dense`` (named ``layer{l}``), a
    :class:`~bpbook.norm.BatchNorm` of its ``z``, and the activation (an ``ActivationLayer``); the
    weights are the same draws as without it.
    """
    _check_count(depth, "depth")
    _check_count(width, "width")
    _check_choice(init, "init", INIT_STD)
    if (isinstance(gain, (bool, np.bool_)) or not isinstance(gain, (int, float, np.number))
            or not (np.isfinite(float(gain)) and gain > 0)):
        raise InputError(f"gain must be a positive finite number, got {short_repr(gain)}")
    if residual and batchnorm:
        raise ValueError("deep_net: choose residual=True or batchnorm=True, not both")
    rng = np.random.RandomState(seed)
    sizes = [n_in] + [width] * depth + [1]
    layers = []
    for l in range(1, depth + 2):
        n_prev, n = sizes[l - 1], sizes[l]
        W = rng.randn(n, n_prev) * gain * INIT_STD[init](n_prev, n)
        if l > depth:
            layers.append(Dense(n_prev, n, "identity", W=W, name=f"layer{l}"))
        elif batchnorm:
            layers += [Dense(n_prev, n, "identity", W=W, name=f"layer{l}"),
                       BatchNorm(n, name=f"bn{l}"), ActivationLayer(activation, name=f"act{l}")]
        else:
            dense = Dense(n_prev, n, activation, W=W, name=f"layer{l}")
            layers.append(Residual(dense) if residual and l > 1 else dense)
    return Sequential(layers)


def toy_data(n_in=8, m=64, seed=0):
    """A seeded regression task: ``m`` points ``x`` in ``n_in`` dimensions, each mapped to one
    number ``y = tanh(v·x)`` for a fixed random direction ``v``. Returns ``X`` ``(n_in, m)``
    (standard normal) and ``Y`` ``(1, m)``."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n_in, m)
    v = rng.randn(1, n_in) / np.sqrt(n_in)
    return X, np.tanh(v @ X)


def chain_factors(depth, x=0.5, y=1.0, seed=0):
    r"""The factors of $\delta_1$ in a chain of ``depth`` one-unit sigmoid layers and a linear
    output unit (weights $\mathcal N(0,1)$, seeded), on the one sample ``x`` with target ``y``.

    Returns a dict: ``delta_1`` $=\partial L/\partial z_1$, ``delta_out`` $=\partial L/\partial
    z_{D+1}$, ``weights`` $W_2,\dots,W_{D+1}$ and ``slopes`` $\sigma'(z_1),\dots,\sigma'(z_D)$,
    so that ``delta_1 == delta_out * prod(weights) * prod(slopes)``.
    """
    net = deep_net(depth, width=1, n_in=1, activation="sigmoid", init="normal", seed=seed)
    net.forward_backward(np.array([[x]]), np.array([[y]]))
    return {"delta_1": float(net.layers[0].delta[0, 0]),
            "delta_out": float(net.layers[-1].delta[0, 0]),
            "weights": np.array([float(layer.W[0, 0]) for layer in net.layers[1:]]),
            "slopes": np.array([float(sigmoid_prime(layer.z)[0, 0])
                                for layer in net.layers[:-1]])}


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
    widths ``sizes`` on ``m`` samples, as bpbook computes them: ``(forward, backward)``.

    Forward: ``W @ a_prev`` per layer, ``n_out·n_in·m``. Backward: ``delta @ a_prev.T`` (for
    ``dW``) in every layer, the same count again, and ``W.T @ delta`` (for the layer below) in
    every layer but the first, whose input is data (:meth:`bpbook.model.Sequential.backward`
    skips it). Elementwise work is ``O(n·m)`` per layer, small next to these for wide layers.
    """
    _check_count(m, "m (the batch size)")
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least two layer widths, got {sizes!r}")
    per_layer = [n_out * n_in * m for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    forward = sum(per_layer)
    return forward, forward + forward - per_layer[0]


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


def dead_relu_runs(units, rates, X, Y, width=64, epochs=200):
    """Train ``deep_net(2, width, activation=unit, init="he")`` for every unit type and learning
    rate. Returns ``{(name, lr): (off, no_grad, final_loss, error)}``: the fractions of
    :func:`off_fraction` and :func:`no_grad_fraction` after training (``None`` after a blow-up),
    the last finite loss (``None`` if there was none), and the error that stopped training
    (``None`` if none did)."""
    runs = {}
    for name, unit in units.items():
        for lr in rates:
            net = deep_net(2, width=width, n_in=X.shape[0], activation=unit, init="he")
            losses, err = train(net, X, Y, lr, epochs)
            counts = (None, None) if err else (off_fraction(net, X), no_grad_fraction(net, X, Y))
            runs[name, lr] = (*counts, losses[-1] if len(losses) else None, err)
    return runs


def backward_forward_ratios(widths, m, depth=3, n_in=8):
    """Measured backward/forward time (:func:`time_passes`) and counted multiply-add ratio
    (:func:`multiply_adds`) of ``deep_net(depth, w)`` on ``m`` samples, per width ``w``:
    ``(measured, counted)``, two lists. Timings vary from run to run; chapters only plot them."""
    X, Y = toy_data(n_in=n_in, m=m)
    measured, counted = [], []
    for w in widths:
        forward, backward = time_passes(deep_net(depth, width=w, n_in=n_in, activation="tanh"),
                                        X, Y)
        measured.append(backward / forward)
        f, b = multiply_adds([n_in] + [w] * depth + [1], m)
        counted.append(b / f)
    return measured, counted


def activation_rms(model, X):
    r"""The root-mean-square output $\sqrt{\mathrm{mean}(a_l^2)}$ of every hidden layer on ``X``,
    inputs first: the absolute scale of the signal going up."""
    model.forward(X)
    hidden = _hidden(model, "activation_rms")
    return np.array([float(np.sqrt(np.mean(layer.a ** 2))) for layer in hidden])


def switch_off(layer, units, margin=0.05):
    """Lower the biases of ``units`` of a Dense ``layer`` (after a forward pass) until their
    largest pre-activation on that batch is ``-margin``: a ReLU is then off on every sample."""
    layer.b[units, 0] -= layer.z[units].max(axis=1) + margin


def revival(X, Y, width=16, n_off=8, lr=0.1, epochs=200, seed=0):
    """Switch off ``n_off`` ReLU units in each of the two hidden layers of a ``[n_in, width,
    width, 1]`` network on every sample of ``X``, train with full-batch SGD, and record when each
    of them is first on again for some sample.

    Returns ``{1: {unit: epoch or None}, 2: {...}}`` for hidden layers 1 and 2 (``None``: still
    off on every sample after ``epochs`` steps). Layer 1 is switched off first, so layer 2's
    units are off on the inputs they really receive.
    """
    _check_count(width, "width")
    if not (isinstance(n_off, (int, np.integer)) and 1 <= n_off <= width):
        raise ValueError(f"revival: n_off must be an integer in 1..width={width}, got {n_off!r}")
    net = deep_net(2, width=width, n_in=X.shape[0], activation="relu", init="he", seed=seed)
    units = np.arange(n_off)
    for layer in net.layers[:2]:
        net.forward(X)
        switch_off(layer, units)
    first_on = {1: dict.fromkeys(units.tolist()), 2: dict.fromkeys(units.tolist())}
    opt = SGD(net.parameters(), lr)
    for epoch in range(epochs):
        opt.zero_grad()
        net.forward_backward(X, Y)
        opt.step()
        net.forward(X)
        for l, layer in ((1, net.layers[0]), (2, net.layers[1])):
            for u in units[np.any(layer.z[units] > 0, axis=1)].tolist():
                first_on[l][u] = epoch + 1 if first_on[l][u] is None else first_on[l][u]
    return first_on


def l2_penalty(model, lam):
    r"""$\frac\lambda2\sum_l\|W_l\|_F^2$ over the weights of ``model`` (biases are not decayed)."""
    return 0.5 * lam * sum(float(np.sum(layer.W ** 2)) for layer in model.dense)


def l2_check(model, X, Y, lam):
    r"""Largest relative error between backprop's $\partial L/\partial W_l + \lambda W_l$ and
    central differences of the loss plus :func:`l2_penalty`, over every weight of ``model``."""
    model.zero_grad()
    model.forward_backward(X, Y)
    add_l2_grad(model, lam)
    worst = 0.0
    for layer in model.dense:
        numeric = numeric_grad(lambda: model.loss(X, Y) + l2_penalty(model, lam), layer.W)
        worst = max(worst, float(rel_error(layer.dW, numeric).max()))
    return worst


def add_l2_grad(model, lam):
    r"""Add the penalty's gradient $\partial/\partial W_l\,\frac\lambda2\|W_l\|^2 = \lambda W_l$
    to every ``dW`` (after a backward pass, before the step)."""
    for layer in model.dense:
        layer.dW += lam * layer.W
