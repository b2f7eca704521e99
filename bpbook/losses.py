r"""Loss functions with their gradients with respect to the network's output.

Conventions: ``y_hat`` and ``y`` have shape ``(n_out, m)``, samples in columns. Every loss is a mean
over the ``m`` samples of a sum over the outputs, so a batch of one is the per-sample loss:

- ``mse``: $L = \frac1m \sum \tfrac12 (\hat y - y)^2$ (the ½ of the worked example makes
  $\partial L/\partial \hat y = \hat y - y$ for one sample);
- ``bce``: $L = -\frac1m \sum y \log \hat y + (1-y)\log(1-\hat y)$ with $\hat y$ a probability;
- ``softmax_ce``: $L = -\frac1m \sum y \log \mathrm{softmax}(z)$ from the logits $z$ (the output
  layer then has no activation), gradient $(\mathrm{softmax}(z) - y)/m$.

Each :class:`Loss` has ``value(y_hat, y)`` (a float) and ``grad(y_hat, y)`` ($\partial L/\partial
\hat y$, same shape as ``y_hat``). :func:`get_loss` looks one up by name.
"""
import numpy as np

from bpbook.activations import _float, softmax
from bpbook.errors import ShapeError, unknown_name

EPS = 1e-12  # BCE clips probabilities into [EPS, 1-EPS] so log(0) is never taken


def _check(y_hat, y, name):
    y_hat = _float(y_hat)
    y = np.asarray(y, dtype=y_hat.dtype)
    if y_hat.shape != y.shape:
        raise ShapeError(f"{name}: y_hat has shape {y_hat.shape} but y has shape {y.shape}; "
                         "they must match (n_out, m)")
    m = y_hat.shape[-1] if y_hat.ndim else 1
    return y_hat, y, m


def mse(y_hat, y):
    y_hat, y, m = _check(y_hat, y, "mse")
    return float(np.sum(0.5 * (y_hat - y) ** 2) / m)


def mse_grad(y_hat, y):
    y_hat, y, m = _check(y_hat, y, "mse")
    return (y_hat - y) / m


def bce(p, y):
    p, y, m = _check(p, y, "bce")
    p = np.clip(p, EPS, 1 - EPS)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)) / m)


def bce_grad(p, y):
    p, y, m = _check(p, y, "bce")
    p = np.clip(p, EPS, 1 - EPS)
    return (p - y) / (p * (1 - p)) / m


def _log_softmax(z):
    shifted = z - z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def softmax_ce(z, y):
    z, y, m = _check(z, y, "softmax_ce")
    return float(-np.sum(y * _log_softmax(z)) / m)


def softmax_ce_grad(z, y):
    z, y, m = _check(z, y, "softmax_ce")
    return (softmax(z) - y) / m


class Loss:
    def __init__(self, name, value, grad, formula):
        self.name, self.value, self.grad, self.formula = name, value, grad, formula

    def __call__(self, y_hat, y):
        return self.value(y_hat, y)

    def __repr__(self):
        return f"Loss({self.name!r})"


LOSSES = {
    "mse": Loss("mse", mse, mse_grad, r"\tfrac{1}{m}\sum \tfrac12(\hat y - y)^2"),
    "bce": Loss("bce", bce, bce_grad, r"-\tfrac1m\sum y\log\hat y + (1-y)\log(1-\hat y)"),
    "softmax_ce": Loss("softmax_ce", softmax_ce, softmax_ce_grad,
                       r"-\tfrac1m\sum y \log \mathrm{softmax}(z)"),
}


def get_loss(name):
    """The loss called ``name`` (a :class:`Loss` is returned unchanged)."""
    if isinstance(name, Loss):
        return name
    if name not in LOSSES:
        raise unknown_name("loss", name, LOSSES)
    return LOSSES[name]
