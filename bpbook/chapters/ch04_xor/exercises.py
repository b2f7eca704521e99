"""Exercise checks of the XOR chapter (chapter 04), built on :func:`bpbook.feedback.check` and
:func:`bpbook.feedback.check_function`.

Shapes follow bpbook (samples are columns): ``W2`` ``(1, h)``, ``delta2`` ``(1, m)``, ``a1``
``(h, m)``, ``y_hat`` and ``y`` ``(1, m)``.
"""
import numpy as np

from bpbook.activations import sigmoid
from bpbook.chapters.ch04_xor.train import Y
from bpbook.feedback import check, check_function
from bpbook.losses import bce_grad, mse
from bpbook.model import mlp


def check_constant_loss(answer):
    """Exercise: the ½-MSE, averaged over the four XOR samples, of the constant prediction ½."""
    half = np.full_like(Y, 0.5)
    expected = mse(half, Y)
    total = float(np.sum(0.5 * (half - Y) ** 2))
    return check(answer, expected, "the loss of ŷ = ½", "(1/4)·Σ ½(½ − y)²", [
        (2 * expected, "the mean of (ŷ − y)² without the ½"),
        (total, "the sum over the samples; the loss averages over them"),
        (float(np.mean(np.abs(half - Y))), "the mean absolute error"),
    ])


def _cases(hidden=3, m=4, count=4):
    rng = np.random.RandomState(0)
    return [(rng.randn(1, hidden), rng.randn(1, m) * 0.1, sigmoid(rng.randn(hidden, m)))
            for _ in range(count)]


def _delta1_reference(W2, delta2, a1):
    return (W2.T @ delta2) * (a1 * (1 - a1))


def check_hidden_delta(fn):
    """Exercise: ``fn(W2, delta2, a1)`` returns the hidden error signal δ₁ of a sigmoid layer."""
    return check_function(fn, "δ₁", "(W₂ᵀ δ₂) ⊙ a₁(1 − a₁)", _cases(), _delta1_reference, [
        (lambda W2, d2, a1: W2.T @ d2, "W₂ᵀ δ₂: the sigmoid's slope a₁(1 − a₁) is missing"),
        (lambda W2, d2, a1: (W2.T @ d2) * a1, "(W₂ᵀ δ₂) ⊙ a₁: the slope is a₁(1 − a₁), not a₁"),
        (lambda W2, d2, a1: -(W2.T @ d2) * a1 * (1 - a1), "the right size with the wrong sign"),
    ])


def check_parameter_count(answer, hidden=4):
    """Exercise: how many numbers a ``2 → hidden → 1`` network learns."""
    count = sum(v.size for _, v, _ in mlp([2, hidden, 1]).parameters())
    return check(answer, count, f"the parameter count of 2→{hidden}→1",
                 "W₁ and b₁ of the hidden layer plus W₂ and b₂ of the output", [
                     (3 * hidden, "only the weights: each unit also has a bias"),
                     (count - 1, "all but one bias: the output unit has one too"),
                 ], tol=0)


def check_bce_output_delta(fn):
    """Exercise: ``fn(y_hat, y)`` returns δ₂ = ∂L/∂z₂ for a sigmoid output with binary
    cross-entropy averaged over the m samples."""
    rng = np.random.RandomState(1)
    cases = [(sigmoid(rng.randn(1, 4)), (rng.rand(1, 4) > 0.5).astype(float)) for _ in range(4)]
    reference = lambda y_hat, y: bce_grad(y_hat, y) * y_hat * (1 - y_hat)
    return check_function(fn, "δ₂ for BCE", "(ŷ − y)/m", cases, reference, [
        (lambda p, y: p - y, "ŷ − y: the average over the m samples divides by m"),
        (lambda p, y: (p - y) * p * (1 - p) / p.shape[1],
         "(ŷ − y)σ'(z)/m, the MSE formula: with BCE the σ' cancels"),
        (lambda p, y: (y - p) / p.shape[1], "the right size with the wrong sign"),
    ])
