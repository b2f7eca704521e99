r"""Deep networks for experiments: a seeded regression task and deep MLPs built from it.

Conventions (samples are columns): inputs ``X`` have shape ``(n_in, m)``, targets ``Y`` shape
``(1, m)``. A *deep network* here is :func:`deep_net`: ``depth`` hidden layers of ``width`` units
and one linear output unit, built from :class:`~bpbook.layers.Dense` layers (and
:class:`Residual` blocks when ``residual=True``, :class:`~bpbook.norm.BatchNorm` and
``ActivationLayer`` after each hidden ``Dense`` when ``batchnorm=True``). Layer ``l`` of the text
is ``model.layers[l-1]`` (``model.dense[l-1]`` with batch norm).

Initialisations (``init``) scale a standard normal by ``gain`` times
``normal``: 1; ``xavier``: $\sqrt{2/(n_{in}+n_{out})}$; ``he``: $\sqrt{2/n_{in}}$.

Chapters 8 (vanishing gradients) and 10 (training in practice) run their experiments on these.
"""
import numpy as np

from bpbook.errors import ExplodingGradientError, InputError, ShapeError, short_repr
from bpbook.layers import ActivationLayer, Dense
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


def check_count(value, what, low=1):
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
    check_count(depth, "depth")
    check_count(width, "width")
    _check_choice(init, "init", INIT_STD)
    if (isinstance(gain, (bool, np.bool_)) or not isinstance(gain, (int, float, np.number))
            or not (np.isfinite(float(gain)) and gain > 0)):
        raise InputError(f"gain must be a positive finite number, got {short_repr(gain)}")
    if residual and batchnorm:
        raise InputError("deep_net: choose residual=True or batchnorm=True, not both")
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
    check_count(n_in, "n_in")
    check_count(m, "m (the number of samples)")
    rng = np.random.RandomState(seed)
    X = rng.randn(n_in, m)
    v = rng.randn(1, n_in) / np.sqrt(n_in)
    return X, np.tanh(v @ X)


def train(model, X, Y, lr, epochs, clip=None, loss="mse"):
    """Full-batch SGD that stops at the first non-finite loss or gradient.

    Returns ``(losses, error)``: the loss before each completed step, and the
    :class:`~bpbook.errors.ExplodingGradientError` that stopped training (``None`` if none did).
    """
    check_count(epochs, "epochs", low=0)
    opt = SGD(model.parameters(), lr, clip=clip)
    X, Y, loss, logit = model._prepare(X, Y, loss)  # one batch: checked once
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            opt.zero_grad()
            try:
                losses.append(model._step(X, Y, loss, logit))
            except ExplodingGradientError as err:
                return np.array(losses), ExplodingGradientError(f"epoch {epoch}: {err}")
            opt.step()
    return np.array(losses), None


def hidden_layers(model, what):
    """The Dense layers of ``model`` but the last (a Residual block counts as its inner layer)."""
    hidden = [getattr(layer, "dense", layer) for layer in model.layers[:-1]]
    if not hidden:
        raise InputError(f"{what} needs a model with at least one hidden layer, got {model!r}")
    return hidden
