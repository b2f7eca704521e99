r"""Vanishing gradients as experiments: the slopes in $\delta_1$, gradient profiles, the scale of
the signal going up.

Used by ``chapters/08_vanishing_gradients.py`` and its explorer. Networks and data are
:func:`bpbook.deep.deep_net` and :func:`bpbook.deep.toy_data` (samples are columns: ``X``
``(n_in, m)``, ``Y`` ``(1, m)``); ``layer_grad_norms`` returns
$\|\partial\mathcal{L}/\partial W_l\|_F$ for every layer, inputs first.
"""
import numpy as np

from bpbook.activations import sigmoid_prime
from bpbook.deep import deep_net, hidden_layers
from bpbook.errors import InputError


def chain_factors(depth, x=0.5, y=1.0, seed=0):
    r"""The factors of $\delta_1$ in a chain of ``depth`` one-unit sigmoid layers and a linear
    output unit (weights $\mathcal N(0,1)$, seeded), on the one sample ``x`` with target ``y``.

    Returns a dict: ``delta_1`` $=\partial\mathcal{L}/\partial z_1$, ``delta_out``
    $=\partial\mathcal{L}/\partial z_{D+1}$, ``weights`` $W_2,\dots,W_{D+1}$ and ``slopes`` $\sigma'(z_1),\dots,\sigma'(z_D)$,
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
    r"""$\|\partial\mathcal{L}/\partial W_l\|_F$ of every layer of ``model``, inputs first."""
    norms = [_norm(layer.dW) for layer in model.layers if hasattr(layer, "dW")]
    if not norms:
        raise InputError(f"layer_grad_norms: the model has no layers with weights: {model!r}")
    return np.array(norms)


def gradient_profile(model, X, Y):
    """One forward and backward pass from zero gradients; the per-layer weight-gradient norms."""
    model.zero_grad()
    with np.errstate(over="ignore", invalid="ignore"):
        model.forward_backward(X, Y)
    return layer_grad_norms(model)


def delta_norms(model):
    r"""$\|\delta_l\|_F$ of every layer of ``model`` after a backward pass, inputs first: the
    error signals themselves, before they meet the inputs $a_{l-1}$ in $\delta_l a_{l-1}^\top$."""
    return np.array([_norm(layer.delta) for layer in model.layers if hasattr(layer, "dW")])


def activation_rms(model, X):
    r"""The root-mean-square output $\sqrt{\mathrm{mean}(a_l^2)}$ of every hidden layer on ``X``,
    inputs first: the absolute scale of the signal going up."""
    model.forward(X)
    hidden = hidden_layers(model, "activation_rms")
    return np.array([float(np.sqrt(np.mean(layer.a ** 2))) for layer in hidden])
