r"""Exercise checks of chapter 14 (a whole network by hand), built on
:func:`bpbook.feedback.check_function`. Each check runs the student's function on fixed inputs and
on fresh random ones, and compares it with the reference (held to ``torch.autograd`` in
``tests/chapters/test_ch14_by_hand.py``).

The exercises carry the page's method to cases the page does not show: layer normalisation
(statistics over the units of each sample, axis 0, instead of over the batch), a layer in
PyTorch's row layout (samples are rows), and tanh's backward from its pre-activation. Inputs are
numpy arrays: ``dzc`` ``(n, m)``; for the row layout ``dz`` ``(m, n)`` and ``X`` ``(m, d)``, so
``dW`` is ``(n, d)`` and ``db`` ``(n,)``; ``dh``, ``zbn`` ``(n, m)``; for layer norm ``dzln``,
``zhat`` ``(n, m)``, ``gamma`` ``(n, 1)`` and ``inv_std`` ``(1, m)``, one per sample.
"""
import numpy as np

from bpbook.feedback import Feedback, check_function


def _centering(dzc):
    """Layer norm's centring ``zc = z − z.mean(0)``, backward."""
    return dzc - dzc.mean(axis=0, keepdims=True)


def _draw_centered(rng):
    return (rng.normal(size=(rng.integers(2, 6), rng.integers(2, 9))),)


def check_centering(fn):
    """Exercise: ``fn(dzc)`` returns ∂ℒ/∂z when ``zc = z − mu`` with ``mu = z.sum(0) / n``, the
    mean over the units of each sample (layer norm), and z reaches the loss only through ``zc``."""
    rng = np.random.default_rng(0)
    cases = [_draw_centered(rng) for _ in range(4)]
    return check_function(fn, "∂ℒ/∂z", "dzc − dzc.mean(0): the direct path and the one "
                          "through mu", cases, _centering, random_cases=_draw_centered, mistakes=[
        (lambda d: d, "dzc alone: the path through mu is missing"),
        (lambda d: d - d.mean(axis=1, keepdims=True), "batch norm's answer, a mean over the "
                                                      "samples (axis 1): here mu is taken over "
                                                      "the units of each sample, axis 0"),
        (lambda d: d - d.sum(axis=0, keepdims=True), "dzc − Σ dzc: mu is the sum divided by n"),
        (lambda d: d + d.mean(axis=0, keepdims=True), "dzc + mean: zc = z − mu, so mu's "
                                                      "gradient is −Σ dzc"),
    ])


def _draw_rows(rng):
    n, d, m = rng.integers(2, 6), rng.integers(2, 6), rng.integers(2, 7)
    while d == n:  # a square W would let a transposed answer through on shape alone
        d = rng.integers(2, 6)
    return rng.normal(size=(m, n)), rng.normal(size=(m, d))


def check_first_layer(dW, db):
    """Exercise: ``dW(dz, X)`` and ``db(dz)`` for ``z = X @ W.T + b`` in PyTorch's row layout
    (``X`` ``(m, d)``, ``W`` ``(n, d)``, ``b`` ``(n,)``, ``z`` ``(m, n)``)."""
    if dW is None and db is None:
        return Feedback(None, "write dW and db and run the cell again")
    rng = np.random.default_rng(1)
    cases = [_draw_rows(rng) for _ in range(4)]
    weights = check_function(dW, "dW", "dz.T @ X", cases, lambda dz, X: dz.T @ X,
                             random_cases=_draw_rows, mistakes=[
        (lambda dz, X: X.T @ dz, "X.T @ dz, the transpose of ∂ℒ/∂W: W is (n, d)"),
        (lambda dz, X: dz.T @ X / dz.shape[0], "a mean over the samples: the loss's 1/m is "
                                               "already inside dz")])
    bias_cases = [(dz,) for dz, _ in cases]
    bias = check_function(db, "db", "dz.sum(0)", bias_cases, lambda dz: dz.sum(axis=0),
                          random_cases=lambda r: _draw_rows(r)[:1], mistakes=[
        (lambda dz: dz.mean(axis=0), "the mean over the samples: b is added to every sample, "
                                     "so their gradients add"),
        (lambda dz: dz.sum(axis=1), "a sum over the units (axis 1): the samples are the rows "
                                    "now, and b has one entry per unit")])
    oks = (weights.ok, bias.ok)
    ok = True if oks == (True, True) else (False if False in oks else None)
    return Feedback(ok, f"{weights.message}; {bias.message}")


def _dzbn(dh, zbn):
    return dh * (1 - np.tanh(zbn) ** 2)


def _draw_tanh(rng):
    n, m = rng.integers(1, 6), rng.integers(1, 6)
    return rng.normal(size=(n, m)), 1.5 * rng.normal(size=(n, m))


def check_tanh(fn):
    """Exercise: ``fn(dh, zbn)`` returns ∂ℒ/∂zbn for ``h = tanh(zbn)``, given the
    pre-activation ``zbn`` (not ``h``)."""
    rng = np.random.default_rng(2)
    cases = [_draw_tanh(rng) for _ in range(4)]
    return check_function(fn, "∂ℒ/∂zbn", "dh ⊙ (1 − tanh(zbn)²)", cases, _dzbn,
                          random_cases=_draw_tanh, mistakes=[
        (lambda dh, z: dh * (1 - z ** 2),
         "dh ⊙ (1 − zbn²): 1 − h² needs h = tanh(zbn), and this function is given zbn"),
        (lambda dh, z: dh * (1 - np.tanh(z)), "dh ⊙ (1 − tanh(zbn)): the square is missing"),
        (lambda dh, z: dh * np.tanh(z) * (1 - np.tanh(z)), "the sigmoid's derivative pattern "
                                                          "h(1 − h), not tanh's 1 − h²"),
        (lambda dh, z: 1 - np.tanh(z) ** 2, "tanh′ alone: the incoming dh is not multiplied in"),
    ])


def ln_backward(dzln, zhat, gamma, inv_std):
    """Layer norm's fused backward: ∂ℒ/∂z from ∂ℒ/∂zln, statistics over the ``n`` units
    (axis 0). γ varies along that axis, so it stays inside the sums, as ``dzhat = γ·dzln``."""
    n = dzln.shape[0]
    dzhat = gamma * dzln
    return inv_std / n * (n * dzhat - dzhat.sum(axis=0, keepdims=True)
                          - zhat * (dzhat * zhat).sum(axis=0, keepdims=True))


def _draw_ln(rng):
    n, m = rng.integers(2, 6), rng.integers(1, 6)
    z = rng.normal(size=(n, m)) * rng.uniform(0.5, 3.0, size=(1, m))
    inv_std = 1 / np.sqrt(z.var(axis=0, keepdims=True) + 1e-5)
    zhat = (z - z.mean(axis=0, keepdims=True)) * inv_std
    return rng.normal(size=(n, m)), zhat, 1 + 0.3 * rng.normal(size=(n, 1)), inv_std


def _batch_norm_formula(d, zh, g, s):
    """The page's batch-norm formula, statistics over axis 1, applied unchanged."""
    m = d.shape[1]
    return g * s / m * (m * d - d.sum(axis=1, keepdims=True)
                        - zh * (d * zh).sum(axis=1, keepdims=True))


def _gamma_outside(d, zh, g, s):
    n = d.shape[0]
    return g * s / n * (n * d - d.sum(axis=0, keepdims=True)
                        - zh * (d * zh).sum(axis=0, keepdims=True))


def check_ln_backward(fn):
    """Exercise: ``fn(dzln, zhat, gamma, inv_std)`` returns ∂ℒ/∂z through layer norm in one
    expression (statistics over the units, axis 0; ``gamma`` per unit, ``inv_std`` per sample)."""
    rng = np.random.default_rng(3)
    cases = [_draw_ln(rng) for _ in range(4)]
    n_of = lambda d: d.shape[0]  # noqa: E731
    return check_function(fn, "∂ℒ/∂z", "inv_std/n · (n·dẑ − Σ₀ dẑ − ẑ·Σ₀ dẑ·ẑ) with dẑ = γ·dzln, "
                          "sums over the units (axis 0)", cases, ln_backward,
                          random_cases=_draw_ln, mistakes=[
        (_batch_norm_formula, "the page's batch-norm formula, sums over the samples (axis 1): "
                              "layer norm's mean and variance are over the units (axis 0)"),
        (_gamma_outside, "γ taken out of the sums: it varies along axis 0, the normalised axis, "
                         "so the sums must run over dẑ = γ·dzln"),
        (lambda d, zh, g, s: g * s * d, "γ·inv_std·dzln: μ and the variance treated as "
                                        "constants, but every unit moves them"),
        (lambda d, zh, g, s: s / n_of(d) * (n_of(d) * g * d - (g * d).sum(axis=0, keepdims=True)),
         "the path through μ only: the term ẑ·Σ dẑ·ẑ (through the variance) is missing"),
        (lambda d, zh, g, s: s / n_of(d) * (n_of(d) * g * d - zh * (g * d * zh).sum(
            axis=0, keepdims=True)), "the path through the variance only: the term Σ dẑ "
                                     "(through μ) is missing"),
    ])
