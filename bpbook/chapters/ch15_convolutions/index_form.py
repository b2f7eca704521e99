r"""A convolution's backward pass in index form, for chapter 15 (``chapters/15_convolutions.py``).

One channel, one sample, stride 1, no padding, so the indices stay readable: an image ``x``
``(H, W)``, a kernel ``w`` ``(k, k)``, the output ``z`` ``(H − k + 1, W − k + 1)`` with
$z_{ij} = \sum_{p,q} w_{pq}\,x_{i+p,\,j+q}$ (a cross-correlation, as deep-learning libraries
compute a "convolution"), and ``g`` $=\partial\mathcal L/\partial z$ of the same shape as ``z``.

- :func:`correlate` is the forward pass written as loops over the output pixels (for any
  rectangular ``w``);
- :func:`kernel_grad` is $\partial\mathcal L/\partial w_{pq} = \sum_{ij} g_{ij}\,x_{i+p,j+q}$: the input
  correlated with ``g``;
- :func:`input_grad` is $\partial\mathcal L/\partial x_{uv} = \sum_{pq} w_{pq}\,g_{u-p,v-q}$: ``g`` padded
  by ``k − 1`` on every side and correlated with the kernel turned by 180°;
- :func:`symbolic_1d` derives both rules with SymPy for a 1-D signal and checks them.
"""
import numpy as np
import sympy as sp


def correlate(x, w):
    """The valid cross-correlation of ``x`` ``(H, W)`` with ``w`` ``(kh, kw)``, by loops (``w``
    need not be square: the kernel gradient correlates ``x`` with ``g``)."""
    kh, kw = w.shape
    z = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            z[i, j] = np.sum(w * x[i:i + kh, j:j + kw])
    return z


def kernel_grad(x, g):
    """$\\partial\\mathcal L/\\partial w$ ``(k, k)``: ``x`` correlated with the output gradient ``g``."""
    return correlate(x, g)


def input_grad(w, g):
    """$\\partial\\mathcal L/\\partial x$ ``(H, W)``: ``g`` padded by ``k − 1`` correlated with the
    kernel turned by 180°."""
    k = w.shape[0]
    return correlate(np.pad(g, k - 1), w[::-1, ::-1])


def symbolic_1d(n=5, k=3):
    """SymPy's ∂ℒ/∂w and ∂ℒ/∂x for ``z_i = Σ_p w_p x_{i+p}`` and ``ℒ = Σ_i g_i z_i`` (``g``
    symbols), and whether each equals the rule above: ``(dw, dx, dw_is_correlation,
    dx_is_flipped_full_correlation)``, ``dw`` and ``dx`` lists of expressions."""
    x, w = sp.symbols(f"x0:{n}"), sp.symbols(f"w0:{k}")
    g = sp.symbols(f"delta0:{n - k + 1}")  # ∂ℒ/∂z_i, printed δ_i
    z = [sum(w[p] * x[i + p] for p in range(k)) for i in range(n - k + 1)]
    L = sum(gi * zi for gi, zi in zip(g, z))
    dw = [sp.diff(L, wp) for wp in w]
    dx = [sp.diff(L, xu) for xu in x]
    correlation = all(sp.expand(dw[p] - sum(g[i] * x[i + p] for i in range(len(g)))) == 0
                      for p in range(k))
    flipped = [sum(w[p] * g[u - p] for p in range(k) if 0 <= u - p < len(g)) for u in range(n)]
    full = all(sp.expand(dx[u] - flipped[u]) == 0 for u in range(n))
    return dw, dx, correlation, full


def im2col(x, k):
    """The ``k × k`` patches of ``x`` ``(H, W)`` as columns ``(k·k, H′·W′)``, row-major over the
    output pixels: ``w.ravel() @ im2col(x, k)`` is the correlation, flattened."""
    h, v = x.shape[0] - k + 1, x.shape[1] - k + 1
    return np.stack([x[i:i + k, j:j + k].ravel() for i in range(h) for j in range(v)], axis=1)
