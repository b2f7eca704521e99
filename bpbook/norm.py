r"""Batch normalisation in training mode: each feature standardised over the batch, then scaled.

Conventions (samples are columns, like every bpbook layer): the input ``z`` has shape
``(n_features, m)``; the statistics are taken over the ``m`` samples (axis 1), per feature (row).
The same conventions as ``torch.nn.BatchNorm1d`` in training mode:

$$\mu = \frac1m\sum_i z_i,\quad \sigma^2 = \frac1m\sum_i (z_i-\mu)^2 \text{ (biased)},\quad
\hat z_i = \frac{z_i-\mu}{\sqrt{\sigma^2+\varepsilon}},\quad y_i = \gamma\,\hat z_i + \beta,$$

with $\varepsilon = 10^{-5}$. Parameters ``gamma`` (ones) and ``beta`` (zeros), shape
``(n_features, 1)``; their gradients ``dgamma``, ``dbeta`` accumulate until :meth:`zero_grad`, as
``Dense``'s do. There are no running averages and no evaluation mode: the book uses batch norm to
study gradients during training only.

Backward, from $g_i = \partial L/\partial y_i$ (sums over the batch, per feature):

$$\frac{\partial L}{\partial\beta} = \sum_i g_i,\qquad
\frac{\partial L}{\partial\gamma} = \sum_i g_i\hat z_i,\qquad
\frac{\partial L}{\partial z_i} = \frac{\gamma}{m\sqrt{\sigma^2+\varepsilon}}
\Big(m\,g_i - \sum_j g_j - \hat z_i\sum_j g_j\hat z_j\Big).$$

The two subtracted sums are the paths through $\mu$ and through $\sigma^2$: every sample's output
depends on every sample's input. Chapter 8 derives this with SymPy.
"""
import numpy as np

from bpbook.errors import ShapeError

EPS = 1e-5


class BatchNorm:
    """Batch normalisation of ``n_features`` rows over the batch (columns), training mode."""

    def __init__(self, n_features, eps=EPS, name="bn"):
        if not (isinstance(n_features, (int, np.integer)) and n_features >= 1):
            raise ValueError(f"BatchNorm {name!r}: n_features must be a positive integer, "
                             f"got {n_features!r}")
        if not (isinstance(eps, (int, float)) and np.isfinite(eps) and eps > 0):
            raise ValueError(f"BatchNorm {name!r}: eps must be a positive finite number, "
                             f"got {eps!r}")
        self.name, self.n_features, self.eps = name, int(n_features), float(eps)
        self.gamma = np.ones((self.n_features, 1))
        self.beta = np.zeros((self.n_features, 1))
        self.dgamma, self.dbeta = np.zeros_like(self.gamma), np.zeros_like(self.beta)
        self.z = self.z_hat = self.inv_std = self.a = None

    def _input(self, z):
        z = np.asarray(z, dtype=float)
        if z.ndim != 2 or z.shape[0] != self.n_features:
            raise ShapeError(f"BatchNorm {self.name!r}: input should have shape "
                             f"({self.n_features}, m) (samples are columns), got shape {z.shape}")
        if z.shape[1] < 2:
            raise ValueError(f"BatchNorm {self.name!r}: needs a batch of m >= 2 samples to "
                             f"estimate a variance, got m = {z.shape[1]}")
        if not np.all(np.isfinite(z)):
            raise ValueError(f"BatchNorm {self.name!r}: input holds "
                             f"{int(np.sum(~np.isfinite(z)))} NaN or infinite values")
        return z

    def forward(self, z):
        self.z = self._input(z)
        mu = self.z.mean(axis=1, keepdims=True)
        var = ((self.z - mu) ** 2).mean(axis=1, keepdims=True)  # biased, as torch normalises
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.z_hat = (self.z - mu) * self.inv_std
        self.a = self.gamma * self.z_hat + self.beta
        return self.a

    def backward(self, da):
        """Take ``da`` $=\\partial L/\\partial y$, add to ``dgamma``, ``dbeta``; return
        $\\partial L/\\partial z$ (formula in the module docstring)."""
        if self.z is None:
            raise RuntimeError(f"BatchNorm {self.name!r}: backward() called before forward()")
        if np.shape(da) != self.a.shape:
            raise ShapeError(f"BatchNorm {self.name!r}: upstream gradient should have shape "
                             f"{self.a.shape}, got {np.shape(da)}")
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
        return f"BatchNorm({self.n_features}, eps={self.eps:g}, name={self.name!r})"
