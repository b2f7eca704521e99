"""Exercise checks of ``chapters/08_vanishing_gradients.py``.

Each check returns a :class:`bpbook.feedback.Feedback` that names the mistake when the answer
matches a known one. Unanswered exercises (``None``) get a reminder, not an error.

Shapes: gradients are lists of numpy arrays of any shape; layer norm's ``z``, ``u_bar`` have
shape ``(n_features, m)`` (samples in columns), ``gamma`` ``(n_features, 1)``. Exercise 1's number
of hidden layers is the book's for a reader alone and each student's own on a course
(:mod:`bpbook.variants`).
"""
import numpy as np

from bpbook.feedback import (Feedback, check, check_function, real_array, require_count,
                             run_student)
from bpbook.norm import EPS
from bpbook.optim import clip_grad_norm
from bpbook.variants import number

EX_HIDDEN = int(number("08.sigmoid-bound", 7, 3, 12, digits=0))  # exercise 1: hidden layers


def check_sigmoid_bound(answer, hidden=EX_HIDDEN, sigmoid_output=True):
    """Exercise: the largest factor the σ' slopes can contribute to ∂ℒ/∂z₁ in a network of
    ``hidden`` sigmoid hidden layers and a sigmoid (or, if not ``sigmoid_output``, linear) output
    layer: one factor per sigmoid layer, layer 1's own included."""
    hidden = require_count("hidden", hidden)
    n = hidden + int(sigmoid_output)
    where = "and the output layer's " if sigmoid_output else ""
    mistakes = [(0.25 * n, f"(1/4)·{n}: the factors multiply, they do not add"),
                (0.5 ** n, "a power of 1/2: σ'(0) = σ(0)(1 − σ(0)) = 1/2 · 1/2 = 1/4")]
    if sigmoid_output:
        mistakes.append((0.25 ** hidden, f"(1/4)^{hidden}: the sigmoid output layer has its own "
                                         "σ'(z) in δ of the output layer, so it counts too"))
    mistakes += [(0.25 ** (n - 1), f"(1/4)^{n - 1}: δ₁ = ∂ℒ/∂z₁ includes layer 1's own σ'(z₁)"),
                 (0.25 ** (n + 1), f"(1/4)^{n + 1}: one factor too many; there is one σ' per "
                                   "sigmoid layer")]
    return check(answer, 0.25 ** n, "the bound on the slopes' product",
                 f"(1/4)^{n}, one σ' ≤ 1/4 for each hidden layer {where}".rstrip(), mistakes)


def _reference_clip(grads, max_norm):
    grads = [np.array(g, dtype=float) for g in grads]
    clip_grad_norm([("g", g, g) for g in grads], max_norm)
    return grads


def _clip_cases():
    rng = np.random.RandomState(5)
    big = [rng.randn(3, 2) * 4, rng.randn(3, 1) * 4]
    small = [g * 1e-3 for g in big]
    lopsided = [np.full((2, 2), 3.0), np.full((2, 1), 0.1)]
    fresh = np.random.default_rng()  # one fresh random case on every call
    drawn = [fresh.normal(size=(fresh.integers(1, 4), fresh.integers(1, 4))) * 5 for _ in range(3)]
    return [(big, 1.0), (small, 1.0), (lopsided, 2.0), (drawn, 1.5)]


def _per_array(grads, max_norm):
    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]


def _always(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * max_norm / total for g in grads]


def _elementwise(grads, max_norm):
    return [np.clip(g, -max_norm, max_norm) for g in grads]


def check_clip(fn):
    """Exercise: ``fn(grads, max_norm)`` returns the gradients scaled together so that their
    global norm is at most ``max_norm``."""
    if fn is None:
        return Feedback(None, "write clip(grads, max_norm) and run the cell again")
    if not callable(fn):
        return Feedback(False, f"clip should be a function, got {type(fn).__name__}")
    mistakes = [(_per_array, "each array clipped to max_norm on its own: clip the global "
                             "norm of all of them together"),
                (_always, "a rescale to norm max_norm even when the norm is already smaller: "
                          "small gradients must pass unchanged"),
                (_elementwise, "each entry clipped into [−max_norm, max_norm]: that changes the "
                               "direction; scale all entries by one factor instead")]
    got, cases = [], _clip_cases()
    for grads, max_norm in cases:
        out, problem = run_student(fn, "clip", [g.copy() for g in grads], max_norm)
        if problem is not None:
            return problem
        try:
            out = None if out is None else [real_array(o, "each clipped gradient")
                                            for o in out]
        except TypeError:
            return Feedback(False, f"clip should return a list of arrays, got "
                                   f"{type(out).__name__}")
        if out is not None:
            problem = next((p for _, p in out if p is not None), None)
            if problem is not None:
                return problem
            out = [o for o, _ in out]
        if out is None:
            return Feedback(None, "your clip returns None: return the list of clipped gradients")
        if len(out) != len(grads) or any(o.shape != g.shape for o, g in zip(out, grads)):
            return Feedback(False, "clip should return one array per gradient, each with the "
                                   f"gradient's shape {[g.shape for g in grads]}, got "
                                   f"{[o.shape for o in out]}")
        got.append(out)
    return _judge_clip(got, cases, mistakes)


def _same(out, want):
    return all(np.allclose(o, w) for o, w in zip(out, want))


def _judge_clip(got, cases, mistakes):
    if all(_same(o, _reference_clip(*c)) for o, c in zip(got, cases)):
        return Feedback(True, f"clip scales all gradients by min(1, max_norm/‖g‖), right on all "
                              f"{len(cases)} test cases (one of them random)")
    for wrong, what in mistakes:
        if all(_same(o, wrong(*c)) for o, c in zip(got, cases)):
            return Feedback(False, f"yours computes {what}")
    return Feedback(False, "the clipped gradients should be g·min(1, max_norm/‖g‖) with ‖g‖ the "
                           "norm of all arrays together; yours differ on some test case")


def _normalise(z, axis, ddof=0):
    """ẑ and 1/√(v + ε) of ``z``, normalised along ``axis`` (0: features, layer norm)."""
    inv = 1 / np.sqrt(z.var(axis=axis, ddof=ddof, keepdims=True) + EPS)
    return (z - z.mean(axis=axis, keepdims=True)) * inv, inv


def _ln_reference(z, u_bar, gamma):
    """Layer norm's ∂ℒ/∂z: batch norm's three paths, summed over the n features of each sample,
    applied to ∂ℒ/∂ẑ = γ ⊙ ū (γ varies along the summed axis)."""
    n = z.shape[0]
    z_hat, inv = _normalise(z, axis=0)
    h = gamma * u_bar
    return inv / n * (n * h - h.sum(axis=0, keepdims=True)
                      - z_hat * (h * z_hat).sum(axis=0, keepdims=True))


def _three_paths(z, h, axis, ddof=0):
    k = z.shape[axis]
    z_hat, inv = _normalise(z, axis, ddof)
    return inv / k * (k * h - h.sum(axis=axis, keepdims=True)
                      - z_hat * (h * z_hat).sum(axis=axis, keepdims=True))


def _ln_batch_axis(z, u_bar, gamma):
    return _three_paths(z, gamma * u_bar, axis=1)


def _ln_gamma_outside(z, u_bar, gamma):
    return gamma * _three_paths(z, u_bar, axis=0)


def _ln_no_stats(z, u_bar, gamma):
    return gamma * u_bar * _normalise(z, axis=0)[1]


def _ln_unbiased(z, u_bar, gamma):
    return _three_paths(z, gamma * u_bar, axis=0, ddof=1)


def _ln_no_eps(z, u_bar, gamma):
    n = z.shape[0]
    inv = 1 / np.sqrt(z.var(axis=0, keepdims=True))
    z_hat, h = (z - z.mean(axis=0, keepdims=True)) * inv, gamma * u_bar
    return inv / n * (n * h - h.sum(axis=0, keepdims=True)
                      - z_hat * (h * z_hat).sum(axis=0, keepdims=True))


def _random_ln(rng):
    n, m = rng.integers(2, 6), rng.integers(1, 7)
    return rng.normal(size=(n, m)) * 2, rng.normal(size=(n, m)), rng.random((n, 1)) + 0.5


def check_ln_backward(fn):
    """Exercise: ``fn(z, u_bar, gamma)`` returns ∂ℒ/∂z of layer normalisation (each sample
    normalised over its features, biased variance, ε = ``bpbook.norm.EPS``) for ``z``, ``u_bar``
    = ∂ℒ/∂u of shape ``(n_features, m)`` and ``gamma`` ``(n_features, 1)``."""
    rng = np.random.RandomState(8)
    cases = [(rng.randn(3, 1) * 2, rng.randn(3, 1), np.array([[1.5], [0.5], [2.0]])),
             (rng.randn(3, 5) + 1, rng.randn(3, 5), rng.rand(3, 1) + 0.5),
             (rng.randn(4, 2) * 3, rng.randn(4, 2), np.array([[1.0], [-2.0], [0.7], [1.3]]))]
    return check_function(
        fn, "ln_backward(z, u_bar, gamma)",
        "with h = γ ⊙ ū: (n·h − Σh − ẑ·Σ(h·ẑ)) / (n·√(v+ε)), sums over the n features of each "
        "sample", cases, _ln_reference, random_cases=_random_ln, mistakes=[
            (_ln_batch_axis, "batch norm's sums, over the samples of each feature (axis 1): "
                             "layer norm sums over the features of each sample (axis 0)"),
            (_ln_gamma_outside, "γ outside the sums: γ varies along the features you sum "
                                "over, so the sums take γ ⊙ ū"),
            (_ln_no_stats, "γ·ū/√(v+ε): μ and v depend on z too; add the two paths through "
                           "them"),
            (_ln_unbiased, "the unbiased variance (divide by n − 1); layer norm normalises "
                           "with the biased one (divide by n)"),
            (_ln_no_eps, "√v without ε: the forward pass divides by √(v + ε), and so must the "
                         "backward"),
        ])
