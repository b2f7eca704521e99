r"""The other two checks of chapter 14: central differences of the loss on a sample of every
parameter's entries (:func:`bpbook.gradcheck.check_gradients`), and SymPy's Jacobian of batch
norm for one feature over a small batch, against the formula the page derives.

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


BN_M = 3  # the batch of the SymPy check: every pair (i, j), diagonal and off it, for m ≥ 2


def bn_jacobian(m=BN_M):
    """Batch norm of one feature over ``m`` samples in SymPy: ``(z, eps, exact, formula)``, where
    ``exact[j][i]`` is SymPy's ∂ẑ_j/∂z_i and ``formula[j][i]`` is the page's
    (1/r)([i = j] − 1/m − ẑ_i ẑ_j / m), r = √(var + ε)."""
    z = sp.symbols(f"z1:{m + 1}", real=True)
    eps = sp.Symbol("epsilon", positive=True)
    mu = sum(z) / m
    var = sum((zi - mu) ** 2 for zi in z) / m
    r = sp.sqrt(var + eps)
    zhat = [(zi - mu) / r for zi in z]
    exact = [[sp.diff(zhat[j], z[i]) for i in range(m)] for j in range(m)]
    formula = [[(sp.KroneckerDelta(i, j) - sp.Rational(1, m) - zhat[i] * zhat[j] / m) / r
                for i in range(m)] for j in range(m)]
    return z, eps, exact, formula


def jacobian_agrees(m=BN_M, formula=None):
    """True when SymPy's Jacobian minus ``formula`` (the page's, by default) is 0 in every entry.
    Writing ``eps = r² − var`` turns ``sqrt(var + eps)`` into the symbol ``r``; times ``r³`` the
    difference is a polynomial, and ``expand`` decides whether it is 0 (``simplify`` on the
    square roots takes seconds)."""
    z, eps, exact, page = bn_jacobian(m)
    formula = page if formula is None else formula
    r = sp.Symbol("r", positive=True)
    var = sum((zi - sum(z) / m) ** 2 for zi in z) / m
    return all(sp.expand((a - b).subs(eps, r ** 2 - var) * r ** 3) == 0
               for row_a, row_b in zip(exact, formula) for a, b in zip(row_a, row_b))
