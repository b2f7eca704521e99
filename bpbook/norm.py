r"""Batch normalisation in training mode: each feature standardised over the batch, then scaled.

Conventions (samples are columns, like every bpbook layer): the input ``z`` has shape
``(n_features, m)``; the statistics are taken over the ``m`` samples (axis 1), per feature (row).
The same conventions as ``torch.nn.BatchNorm1d`` in training mode:

$$\mu = \frac1m\sum_i z_i,\quad \sigma^2 = \frac1m\sum_i (z_i-\mu)^2 \text{ (biased)},\quad
\hat z_i = \frac{z_i-\mu}{\sqrt{\sigma^2+\varepsilon}},\quad y_i = \gamma\,\hat z_i + \beta,$$

with $\varepsilon = 10^{-5}$. Parameters ``gamma`` (ones) and ``beta`` (zeros), shape
``(n_features, 1)``, in the layer's ``dtype`` (float64 unless asked otherwise; a float32 model
needs ``BatchNorm(n, dtype=np.float32)``: one dtype throughout, see :mod:`bpbook.errors`); their
gradients ``dgamma``, ``dbeta`` accumulate until :meth:`zero_grad`, as ``Dense``'s do. There are
no running averages and no evaluation mode: the book uses batch norm to study gradients during
training only.

Input is checked as everywhere in bpbook: ``z`` real (converted to the layer's dtype), finite,
with at least two samples; a variance too large for the dtype (values near 1e154 in float64) is
refused by name rather than normalising everything to ``beta``. ``backward`` takes ``da`` of the
output's shape, real (its values are the model's to check, as for every layer).

Backward, from $g_i = \partial L/\partial y_i$ (sums over the batch, per feature):

$$\frac{\partial L}{\partial\beta} = \sum_i g_i,\qquad
\frac{\partial L}{\partial\gamma} = \sum_i g_i\hat z_i,\qquad
\frac{\partial L}{\partial z_i} = \frac{\gamma}{m\sqrt{\sigma^2+\varepsilon}}
\Big(m\,g_i - \sum_j g_j - \hat z_i\sum_j g_j\hat z_j\Big).$$

The two subtracted sums are the paths through $\mu$ and through $\sigma^2$: every sample's output
depends on every sample's input. Chapter 8 derives this with SymPy.
"""
import numpy as np

from bpbook.errors import (OrderError, InputError, as_matrix, count, float_dtype, label,
                           real_number, upstream_gradient)
from bpbook.layers import read_only

EPS = 1e-5
MAX_FEATURES = 10**6


class BatchNorm:
    """Batch normalisation of ``n_features`` rows over the batch (columns), training mode."""

    def __init__(self, n_features, eps=EPS, name="bn", dtype=np.float64):
        self.name = label(name, "BatchNorm: name")
        where = f"BatchNorm {name!r}"
        self.n_features = count(n_features, f"{where}: n_features", low=1, high=MAX_FEATURES)
        self.eps = real_number(eps, f"{where}: eps", low=0.0, low_open=True)
        dtype = float_dtype(dtype, f"{where}: dtype")
        self.gamma = np.ones((self.n_features, 1), dtype)
        self.beta = np.zeros((self.n_features, 1), dtype)
        self.dgamma, self.dbeta = np.zeros_like(self.gamma), np.zeros_like(self.beta)
        self.z = self.z_hat = self.inv_std = self.a = None

    def _input(self, z):
        where = f"BatchNorm {self.name!r}"
        z = as_matrix(z, "input z", self.n_features, where, self.gamma.dtype)
        if z.shape[1] < 2:
            raise InputError(f"{where}: input z needs a batch of m >= 2 samples to estimate a "
                             f"variance, got m = {z.shape[1]}")
        return z

    def forward(self, z):
        z = self._input(z)
        with np.errstate(over="ignore", invalid="ignore"):
            mu = z.mean(axis=1, keepdims=True)
            var = ((z - mu) ** 2).mean(axis=1, keepdims=True)  # biased, as torch normalises
        if not np.all(np.isfinite(var)):  # else 1/sqrt(inf) = 0 would silently give beta
            row = int(np.argmax(~np.isfinite(var)))
            raise InputError(f"BatchNorm {self.name!r}: the variance of feature {row} of the "
                             f"input z overflows {z.dtype} (its values reach "
                             f"{np.abs(z[row]).max():.3g}): scale the data first")
        self.z = z
        self.inv_std = 1 / np.sqrt(var + z.dtype.type(self.eps))
        self.z_hat = (z - mu) * self.inv_std
        self.a = read_only(self.gamma * self.z_hat + self.beta)
        return self.a

    def backward(self, da):
        """Take ``da`` $=\\partial L/\\partial y$, add to ``dgamma``, ``dbeta``; return
        $\\partial L/\\partial z$ (formula in the module docstring)."""
        if self.z is None:
            raise OrderError(f"BatchNorm {self.name!r}: backward() called before forward()")
        da = upstream_gradient(da, self.a, f"BatchNorm {self.name!r}", finite=False)
        m = self.z.shape[1]
        sum_g = da.sum(axis=1, keepdims=True)
        sum_g_zhat = (da * self.z_hat).sum(axis=1, keepdims=True)
        self.dbeta += sum_g
        self.dgamma += sum_g_zhat
        return self.gamma * self.inv_std / m * (m * da - sum_g - self.z_hat * sum_g_zhat)

    def params(self):
        """``[(name, value, grad), ...]``: the arrays themselves, for in-place updates."""
        return [(f"{self.name}.gamma", self.gamma, self.dgamma),
                (f"{self.name}.beta", self.beta, self.dbeta)]

    def zero_grad(self):
        self.dgamma[...] = 0.0
        self.dbeta[...] = 0.0

    def __repr__(self):
        dtype = "" if self.gamma.dtype == np.float64 else f", dtype={self.gamma.dtype.name}"
        return f"BatchNorm({self.n_features}, eps={self.eps:g}, name={self.name!r}{dtype})"
