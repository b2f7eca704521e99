"""Exercise checks of the XOR chapter (chapter 05), built on :func:`bpbook.feedback.check` and
:func:`bpbook.feedback.check_function`.

Shapes follow bpbook (samples are columns): ``W2`` ``(1, h)``, ``delta2`` ``(1, m)``, ``a1``
``(h, m)``, ``y_hat`` and ``y`` ``(1, m)``.
"""
import numpy as np

from bpbook.activations import sigmoid
from bpbook.chapters.ch05_xor.train import Y
from bpbook.feedback import check, check_function, require_count
from bpbook.losses import bce_grad, mse
from bpbook.model import mlp

# The page shows the loss of the fence-sitting ŷ = ½ and the 2→4→1 network's parameter count, so
# the exercises ask about another constant and another network.
CONSTANT_Y_HAT = 0.3  # exercise 1: the loss of this constant prediction
COUNT_SIZES = (3, 5, 2)  # exercise 3: the parameter count of this network


def check_constant_loss(answer, y_hat=CONSTANT_Y_HAT):
    """Exercise: the ½-MSE, averaged over the four XOR samples, of the constant prediction
    ``y_hat``."""
    c = np.full_like(Y, y_hat)
    expected = mse(c, Y)
    total = float(np.sum(0.5 * (c - Y) ** 2))
    return check(answer, expected, f"the loss of ŷ = {y_hat:g}", f"(1/4)·Σ ½({y_hat:g} − y)²", [
        (2 * expected, "the mean of (ŷ − y)² without the ½"),
        (total, "the sum over the samples; the loss averages over them"),
        (float(np.mean(np.abs(c - Y))), "the mean absolute error"),
        (mse(np.full_like(Y, 0.5), Y), "the loss of the fence-sitting ŷ = ½, not of this ŷ"),
    ])


def _cases(hidden=3, m=4, count=4):
    rng = np.random.RandomState(0)
    return [(rng.randn(1, hidden), rng.randn(1, m) * 0.1, sigmoid(rng.randn(hidden, m)))
            for _ in range(count)]


def _delta1_reference(W2, delta2, a1):
    return (W2.T @ delta2) * (a1 * (1 - a1))


def _random_case(rng):
    h, m = rng.integers(1, 6), rng.integers(1, 7)
    return (rng.normal(size=(1, h)), rng.normal(size=(1, m)) * 0.1,
            sigmoid(rng.normal(size=(h, m))))


def check_hidden_delta(fn):
    """Exercise: ``fn(W2, delta2, a1)`` returns the hidden error signal δ₁ of a sigmoid layer."""
    return check_function(fn, "δ₁", "(W₂ᵀ δ₂) ⊙ a₁(1 − a₁)", _cases(), _delta1_reference,
                          random_cases=_random_case, mistakes=[
        (lambda W2, d2, a1: W2.T @ d2, "W₂ᵀ δ₂: the sigmoid's slope a₁(1 − a₁) is missing"),
        (lambda W2, d2, a1: (W2.T @ d2) * a1, "(W₂ᵀ δ₂) ⊙ a₁: the slope is a₁(1 − a₁), not a₁"),
        (lambda W2, d2, a1: -(W2.T @ d2) * a1 * (1 - a1), "the right size with the wrong sign"),
    ])


def check_parameter_count(answer, sizes=COUNT_SIZES):
    """Exercise: how many numbers a dense network with layer sizes ``sizes`` learns."""
    sizes = [require_count("each layer size", n) for n in sizes]
    if len(sizes) < 2:
        raise ValueError(f"sizes should hold at least two layer sizes, got {sizes!r}")
    count = sum(v.size for _, v, _ in mlp(sizes).parameters())
    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    arrow = "→".join(map(str, sizes))
    return check(answer, count, f"the parameter count of {arrow}",
                 "each layer's weights (n_out·n_in) plus its biases (n_out)", [
                     (weights, "only the weights: each unit also has a bias"),
                     (count - sizes[-1], "the output layer's biases are missing"),
                     (weights + sum(sizes), "a bias for every unit, the inputs too: inputs have "
                                            "none"),
                 ], tol=0)


def check_bce_output_delta(fn):
    """Exercise: ``fn(y_hat, y)`` returns δ₂ = ∂L/∂z₂ for a sigmoid output with binary
    cross-entropy averaged over the m samples."""
    rng = np.random.RandomState(1)
    cases = [(sigmoid(rng.randn(1, 4)), (rng.rand(1, 4) > 0.5).astype(float)) for _ in range(4)]
    reference = lambda y_hat, y: bce_grad(y_hat, y) * y_hat * (1 - y_hat)

    def draw(rng):
        m = rng.integers(1, 9)
        return sigmoid(rng.normal(size=(1, m))), (rng.random((1, m)) > 0.5).astype(float)

    return check_function(fn, "δ₂ for BCE", "(ŷ − y)/m", cases, reference, random_cases=draw,
                          mistakes=[
        (lambda p, y: p - y, "ŷ − y: the average over the m samples divides by m"),
        (lambda p, y: (p - y) * p * (1 - p) / p.shape[1],
         "(ŷ − y)σ'(z)/m, the MSE formula: with BCE the σ' cancels"),
        (lambda p, y: (y - p) / p.shape[1], "the right size with the wrong sign"),
    ])
