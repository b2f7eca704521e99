r"""Exercise checks of chapter 14 (a whole network by hand), built on
:func:`bpbook.feedback.check_function`. Each check runs the student's function on fixed inputs and
on fresh random ones, and compares it with the reference (the chapter's expressions, which
``tests/chapters/test_ch14_by_hand.py`` holds to ``torch.autograd``).

Inputs are numpy arrays, samples in columns (shapes as in
:mod:`bpbook.chapters.ch14_by_hand.net`): ``dzc``, ``dz1`` ``(n, m)``, images ``X`` ``(d, m)``;
``dh``, ``zbn`` ``(n, m)``; for batch norm ``dzbn``, ``zhat`` ``(n, m)``, ``gamma``, ``inv_std``
``(n, 1)``.
"""
import numpy as np

from bpbook.feedback import Feedback, check_function


def _centering(dzc):
    return dzc - dzc.mean(axis=1, keepdims=True)


def _draw_centered(rng):
    return (rng.normal(size=(rng.integers(1, 6), rng.integers(2, 9))),)


def check_centering(fn):
    """Exercise: ``fn(dzc)`` returns ∂L/∂z1 when ``zc = z1 − mu`` and ``mu = z1.sum(1) / m``,
    and z1 reaches the loss only through ``zc``."""
    rng = np.random.default_rng(0)
    cases = [_draw_centered(rng) for _ in range(4)]
    return check_function(fn, "∂L/∂z1", "dzc − dzc.mean(1): the direct path and the one "
                          "through mu", cases, _centering, random_cases=_draw_centered, mistakes=[
        (lambda d: d, "dzc alone: the path through mu is missing"),
        (lambda d: d - d.sum(axis=1, keepdims=True), "dzc − Σ dzc: mu is the sum divided by m"),
        (lambda d: d - d.mean(axis=0, keepdims=True), "a mean over the units (axis 0): mu is "
                                                      "taken over the samples, along each row"),
        (lambda d: d + d.mean(axis=1, keepdims=True), "dzc + mean: zc = z1 − mu, so mu's "
                                                      "gradient is −Σ dzc"),
    ])


def _draw_layer(rng):
    n, d, m = rng.integers(1, 6), rng.integers(1, 6), rng.integers(2, 7)
    return rng.normal(size=(n, m)), rng.normal(size=(d, m))


def check_first_layer(dW1, db1):
    """Exercise: ``dW1(dz1, X)`` and ``db1(dz1)`` for ``z1 = W1 @ X + b1``."""
    if dW1 is None and db1 is None:
        return Feedback(None, "write dW1 and db1 and run the cell again")
    rng = np.random.default_rng(1)
    cases = [_draw_layer(rng) for _ in range(4)]
    weights = check_function(dW1, "dW1", "dz1 @ X.T", cases, lambda dz, X: dz @ X.T,
                             random_cases=_draw_layer, mistakes=[
        (lambda dz, X: X @ dz.T, "X @ dz1.T, the transpose of ∂L/∂W1"),
        (lambda dz, X: dz @ X.T / dz.shape[1], "a mean over the samples: the loss's 1/m is "
                                                 "already inside dz1")])
    bias_cases = [(dz,) for dz, _ in cases]
    bias = check_function(db1, "db1", "dz1.sum(1, keepdims=True)", bias_cases,
                          lambda dz: dz.sum(axis=1, keepdims=True),
                          random_cases=lambda r: _draw_layer(r)[:1], mistakes=[
        (lambda dz: dz.mean(axis=1, keepdims=True), "the mean over the samples: b1 is added "
                                                    "to every sample, so their gradients add"),
        (lambda dz: dz.sum(axis=0, keepdims=True), "a sum over the units (axis 0): b1 has one "
                                                   "entry per unit, summed over the samples")])
    oks = (weights.ok, bias.ok)
    ok = True if oks == (True, True) else (False if False in oks else None)
    return Feedback(ok, f"{weights.message}; {bias.message}")


def _dzbn(dh, zbn):
    return dh * (1 - np.tanh(zbn) ** 2)


def _draw_tanh(rng):
    n, m = rng.integers(1, 6), rng.integers(1, 6)
    return rng.normal(size=(n, m)), 1.5 * rng.normal(size=(n, m))


def check_tanh(fn):
    """Exercise: ``fn(dh, zbn)`` returns ∂L/∂zbn for ``h = tanh(zbn)``, given the
    pre-activation ``zbn`` (not ``h``)."""
    rng = np.random.default_rng(2)
    cases = [_draw_tanh(rng) for _ in range(4)]
    return check_function(fn, "∂L/∂zbn", "dh ⊙ (1 − tanh(zbn)²)", cases, _dzbn,
                          random_cases=_draw_tanh, mistakes=[
        (lambda dh, z: dh * (1 - z ** 2),
         "dh ⊙ (1 − zbn²): 1 − h² needs h = tanh(zbn), and this function is given zbn"),
        (lambda dh, z: dh * (1 - np.tanh(z)), "dh ⊙ (1 − tanh(zbn)): the square is missing"),
        (lambda dh, z: dh * np.tanh(z) * (1 - np.tanh(z)), "the sigmoid's derivative pattern "
                                                          "h(1 − h), not tanh's 1 − h²"),
        (lambda dh, z: 1 - np.tanh(z) ** 2, "tanh′ alone: the incoming dh is not multiplied in"),
    ])


def bn_backward(dzbn, zhat, gamma, inv_std):
    """The fused batch-norm backward in numpy (the same formula as ``net.bn_fused``)."""
    m = dzbn.shape[1]
    return gamma * inv_std / m * (m * dzbn - dzbn.sum(axis=1, keepdims=True)
                                  - zhat * (dzbn * zhat).sum(axis=1, keepdims=True))


def _draw_bn(rng):
    n, m = rng.integers(1, 5), rng.integers(2, 8)
    z = rng.normal(size=(n, m)) * rng.uniform(0.5, 3.0, size=(n, 1))
    inv_std = 1 / np.sqrt(z.var(axis=1, keepdims=True) + 1e-5)
    zhat = (z - z.mean(axis=1, keepdims=True)) * inv_std
    return rng.normal(size=(n, m)), zhat, 1 + 0.3 * rng.normal(size=(n, 1)), inv_std


def check_bn_backward(fn):
    """Exercise: ``fn(dzbn, zhat, gamma, inv_std)`` returns ∂L/∂z1 through batch norm in one
    expression."""
    rng = np.random.default_rng(3)
    cases = [_draw_bn(rng) for _ in range(4)]
    m_of = lambda d: d.shape[1]  # noqa: E731
    return check_function(fn, "∂L/∂z1", "γ·inv_std/m · (m·dzbn − Σ dzbn − ẑ·Σ dzbn·ẑ)",
                          cases, bn_backward, random_cases=_draw_bn, mistakes=[
        (lambda d, zh, g, s: g * s * d, "γ·inv_std·dzbn: μ and σ² treated as constants, but "
                                        "every sample moves them"),
        (lambda d, zh, g, s: g * s / m_of(d) * (m_of(d) * d - d.sum(axis=1, keepdims=True)),
         "the path through μ only: the term ẑ·Σ dzbn·ẑ (through σ²) is missing"),
        (lambda d, zh, g, s: g * s / m_of(d) * (m_of(d) * d - zh * (d * zh).sum(
            axis=1, keepdims=True)), "the path through σ² only: the term Σ dzbn (through μ) "
                                     "is missing"),
        (lambda d, zh, g, s: s / m_of(d) * (m_of(d) * d - d.sum(axis=1, keepdims=True)
                                            - zh * (d * zh).sum(axis=1, keepdims=True)),
         "the formula without γ: ẑ is scaled by γ on its way to zbn"),
    ])
