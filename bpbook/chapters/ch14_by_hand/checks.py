r"""The other two checks of chapter 14: central differences of the loss on a sample of every
parameter's entries (:func:`bpbook.gradcheck.check_gradients`), and SymPy's derivative of batch
norm for one feature over a small batch, against the fused formula.

Shapes as in :mod:`bpbook.chapters.ch14_by_hand.net`.
"""
import sympy as sp

from bpbook.chapters.ch14_by_hand.net import PARAMS, loss_value
from bpbook.gradcheck import check_gradients


def differences(p, X, y, grads, sample=4, seed=0):
    """A :class:`bpbook.gradcheck.GradCheck`: ``sample`` entries of each parameter (drawn with
    ``seed``), the hand-written gradient ``grads[name]`` (tensors) against central differences of
    the loss, two forward passes per entry. ``p``'s arrays are nudged in place and restored."""
    params = [(name, p[name], grads[name].numpy()) for name in PARAMS]
    return check_gradients(lambda: loss_value(p, X, y), params, sample=sample, seed=seed)


def bn_symbolic(m=3):
    """Batch norm of one feature over ``m`` samples in SymPy: ``(z, g, gamma, eps, exact,
    fused)``. ``exact[i]`` is SymPy's ∂ℒ/∂z_i of ``ℒ = Σ_j g_j u_j`` (``g`` stands for the
    gradient arriving at the outputs ``u``); ``fused[i]`` is the one-expression formula."""
    z, g = sp.symbols(f"z1:{m + 1}", real=True), sp.symbols(f"g1:{m + 1}", real=True)
    gamma, beta, eps = sp.symbols("gamma beta epsilon", positive=True)
    mu = sum(z) / m
    var = sum((zi - mu) ** 2 for zi in z) / m
    inv_std = 1 / sp.sqrt(var + eps)
    zhat = [(zi - mu) * inv_std for zi in z]
    loss = sum(gj * (gamma * zh + beta) for gj, zh in zip(g, zhat))
    exact = [sp.diff(loss, zi) for zi in z]
    sum_g, sum_gz = sum(g), sum(gj * zh for gj, zh in zip(g, zhat))
    fused = [gamma * inv_std / m * (m * gi - sum_g - zh * sum_gz) for gi, zh in zip(g, zhat)]
    return z, g, gamma, eps, exact, fused


def bn_agrees(m=3):
    """True when SymPy's derivative minus the fused formula is 0 for every sample. Writing
    ``eps = r² − var`` turns ``sqrt(var + eps)`` into the symbol ``r``; times ``r³`` the
    difference is a polynomial, and ``expand`` decides whether it is 0 (``simplify`` on the
    square roots takes seconds)."""
    z, _, _, eps, exact, fused = bn_symbolic(m)
    r = sp.Symbol("r", positive=True)
    var = sum((zi - sum(z) / m) ** 2 for zi in z) / m
    return all(sp.expand((a - b).subs(eps, r ** 2 - var) * r ** 3) == 0
               for a, b in zip(exact, fused))
