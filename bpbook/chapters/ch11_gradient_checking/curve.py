r"""The error of a central difference against its step ε, measured and predicted.

The function is softplus, $f(w) = \log(1+e^w)$, at ``W0``: its derivative $f' = \sigma(w)$ and
third derivative $f''' = \sigma(1-\sigma)(1-2\sigma)$ are known in closed form, so the error
$|\hat g(\varepsilon) - f'(w)|$ is measured exactly and set beside the two predicted parts,
truncation $\varepsilon^2|f'''|/6$ and rounding $u|f|/\varepsilon$. The network is a small tanh
MLP on scikit-learn's digits (pixels scaled to [0, 1], samples in columns); its truth is
backprop's gradient, whose every entry :mod:`bpbook.gradcheck`'s tests hold against torch.
Grids of ε are 1-D float64 arrays.
"""
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bpbook.data import digits
from bpbook.gradcheck import check_gradients
from bpbook.model import mlp

W0 = 1.0
EPS_GRID = np.logspace(-12, 0, 49)
NET_EPS_GRID = np.logspace(-12, 0, 25)
NET_SAMPLE = 4  # entries per parameter array in the network's curve


@dataclass
class Curve:
    eps: np.ndarray  # (k,) steps
    error: np.ndarray  # (k,) measured |ĝ − g|
    truncation: np.ndarray  # (k,) predicted ε²|f'''|/6 (NaN where unknown)
    rounding: np.ndarray  # (k,) predicted u|f|/ε
    u: float  # the dtype's machine epsilon

    @property
    def best(self):
        """``(ε, error)`` where the measured error is smallest."""
        k = int(np.argmin(self.error))
        return float(self.eps[k]), float(self.error[k])


def softplus(w):
    return np.logaddexp(0.0, w)


def sigmoid(w):
    return 1.0 / (1.0 + np.exp(-w))


def third_derivative(w=W0):
    s = sigmoid(w)
    return s * (1 - s) * (1 - 2 * s)


def central(w, eps, dtype=np.float64):
    """The central difference of softplus at ``w`` with step ``eps``, computed in ``dtype``."""
    w, eps = dtype(w), dtype(eps)
    return float((softplus(w + eps) - softplus(w - eps)) / (dtype(2) * eps))


def function_curve(eps=EPS_GRID, w=W0, dtype=np.float64):
    """Softplus's central-difference error at ``w`` for each step in ``eps``, in ``dtype``."""
    u = float(np.finfo(dtype).eps)
    error = np.array([abs(central(w, e, dtype) - sigmoid(w)) for e in eps])
    truncation = eps ** 2 * abs(third_derivative(w)) / 6
    return Curve(np.asarray(eps), error, truncation, u * softplus(w) / eps, u)


def predicted_best(w=W0, u=float(np.finfo(np.float64).eps)):
    r"""$\varepsilon^* = (3u|f|/|f'''|)^{1/3}$, where the predicted error's slope is zero."""
    return (3 * u * softplus(w) / abs(third_derivative(w))) ** (1 / 3)


@lru_cache(maxsize=1)
def digits_batch(m=20):
    """``m`` digit images as columns, pixels scaled to [0, 1], and their one-hot targets."""
    X, labels = digits()
    return X[:, :m] / 16.0, np.eye(10)[:, labels[:m]]


def digits_network(activation="tanh", hidden=16, seed=0):
    return mlp([64, hidden, 10], activation, "identity", init="xavier", seed=seed)


def network_curve(eps=NET_EPS_GRID, sample=NET_SAMPLE):
    """The network's largest error |g − ĝ| over a fixed sample of entries, for each step."""
    net = digits_network()
    X, Y = digits_batch()
    net.forward_backward(X, Y, "softmax_ce")
    params = list(net.parameters())
    f = lambda: net.loss(X, Y, "softmax_ce")  # noqa: E731
    error = [max(abs(r[2] - r[3]) for r in check_gradients(f, params, e, sample).rows)
             for e in eps]
    u = float(np.finfo(np.float64).eps)
    return Curve(np.asarray(eps), np.array(error), np.full(len(eps), np.nan),
                 u * abs(f()) / eps, u)
