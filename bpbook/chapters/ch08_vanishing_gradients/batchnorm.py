r"""Batch norm's backward pass, derived by SymPy for a small batch and compared with bpbook's.

Used by ``chapters/08_vanishing_gradients.py``. One feature, a batch of ``m`` samples
``z_1 … z_m``, outputs ``u_i``, upstream gradients ``ū_i = ∂ℒ/∂u_i`` (the symbols ``g1, g2, …``
below), so that $\mathcal{L} = \sum_i \bar u_i u_i$ has
exactly the gradients the backward pass must return. :func:`derive` builds the forward formula of
:mod:`bpbook.norm` in SymPy, differentiates it, and checks that the difference from the closed
form in :mod:`bpbook.norm`'s docstring simplifies to zero.
"""
import numpy as np
import sympy as sp

from bpbook.errors import InputError
from bpbook.norm import EPS, BatchNorm
from bpbook.tables import Table


def derive(m=3):
    """SymPy's derivatives of $\\mathcal L=\\sum_i \\bar u_i(\\gamma\\hat z_i+\\beta)$ for a batch of ``m``.

    Returns a dict: ``symbols`` (``z``, ``g``, ``gamma``, ``beta``, ``eps``), ``loss``,
    ``dz1`` (SymPy's ∂ℒ/∂z₁), ``closed_dz1`` (the closed form), and ``residuals``: the
    simplified differences for ∂ℒ/∂z₁, ∂ℒ/∂γ, ∂ℒ/∂β (each should be 0).
    """
    if not (isinstance(m, int) and m >= 2):
        raise InputError(f"derive: the batch needs m >= 2 samples, got {m!r}")
    z, g = sp.symbols(f"z1:{m + 1}", real=True), sp.symbols(f"g1:{m + 1}", real=True)
    gamma, beta, eps = sp.symbols("gamma beta epsilon", positive=True)
    mu = sum(z) / m
    s = sp.sqrt(sum((zi - mu) ** 2 for zi in z) / m + eps)
    z_hat = [(zi - mu) / s for zi in z]
    loss = sum(gi * (gamma * zh + beta) for gi, zh in zip(g, z_hat))
    sum_g_zhat = sum(gi * zh for gi, zh in zip(g, z_hat))
    closed = gamma / (m * s) * (m * g[0] - sum(g) - z_hat[0] * sum_g_zhat)
    dz1 = sp.diff(loss, z[0])
    residuals = {"dL/dz1": sp.together(sp.expand(dz1 - closed)),
                 "dL/dgamma": sp.together(sp.expand(sp.diff(loss, gamma) - sum_g_zhat)),
                 "dL/dbeta": sp.expand(sp.diff(loss, beta) - sum(g))}
    return {"symbols": (z, g, gamma, beta, eps), "loss": loss, "dz1": dz1,
            "closed_dz1": closed, "residuals": residuals}


def compare(derived, z, g, gamma=1.5, beta=-0.5):
    """SymPy's gradients at the numbers ``z``, ``g`` (one feature, ``m`` samples) next to
    :class:`bpbook.BatchNorm`'s, as a Table (rows ∂ℒ/∂z_i, ∂ℒ/∂γ, ∂ℒ/∂β)."""
    zs, gs, gamma_s, beta_s, eps_s = derived["symbols"]
    if len(z) != len(zs) or len(g) != len(gs):
        raise InputError(f"compare: z and g need {len(zs)} values each, got {len(z)} and {len(g)}")
    subs = {**dict(zip(zs, z)), **dict(zip(gs, g)), gamma_s: gamma, beta_s: beta, eps_s: EPS}
    bn = BatchNorm(1)
    bn.gamma[...], bn.beta[...] = gamma, beta
    bn.forward(np.array([z], dtype=float))
    dz = bn.backward(np.array([g], dtype=float))
    loss = derived["loss"]
    rows = [[f"∂ℒ/∂z{i + 1}", float(sp.diff(loss, zi).subs(subs)), dz[0, i]]
            for i, zi in enumerate(zs)]
    rows += [["∂ℒ/∂γ", float(sp.diff(loss, gamma_s).subs(subs)), bn.dgamma[0, 0]],
             ["∂ℒ/∂β", float(sp.diff(loss, beta_s).subs(subs)), bn.dbeta[0, 0]]]
    return Table(["gradient", "SymPy", "bpbook.BatchNorm", "difference"],
                 [r + [abs(r[1] - r[2])] for r in rows],
                 formats=[None, "{:.10f}", "{:.10f}", "{:.1e}"])
