"""Exercise checks of the XOR chapter (chapter 05), built on :func:`bpbook.feedback.check` and
:func:`bpbook.feedback.check_function`.

Shapes follow bpbook (samples are columns): ``W2`` ``(1, h)``, ``delta2`` ``(1, m)``, ``A1``
``(h, m)``, ``y_hat`` and ``y`` ``(1, m)``.

The numbers of exercises 1 and 3 are the book's for a reader alone and each student's own on a
course (:mod:`bpbook.variants`).
"""
import numpy as np

from bpbook.activations import sigmoid
from bpbook.chapters.ch05_xor.train import X, Y
from bpbook.feedback import check, check_function, require_count
from bpbook.losses import bce_grad, mse
from bpbook.layers import Dense
from bpbook.model import Sequential, mlp
from bpbook.variants import number

# The page shows the fence-sitting ŷ = ½ and the 2→4→1 network's parameter count, so the
# exercises ask about another constant and another network. The constant stays below 0.45, away
# from ½, where the gradient is zero.
CONSTANT_Y_HAT = number("05.constant-loss", 0.3, 0.05, 0.45, digits=2)  # exercise 1
COUNT_SIZES = tuple(int(number(f"05.parameter-count.{i}", default, 2, 9, digits=0))
                    for i, default in enumerate((3, 5, 2)))  # exercise 3


def check_constant_gradient(answer, y_hat=CONSTANT_Y_HAT):
    """Exercise: ∂ℒ/∂b of the single sigmoid neuron with zero weights and the bias that makes it
    answer ``y_hat`` for every XOR sample (½-MSE averaged over the four samples)."""
    neuron = Sequential([Dense(2, 1, "sigmoid", W=[[0.0, 0.0]],
                               b=[[float(np.log(y_hat / (1 - y_hat)))]])])
    neuron.zero_grad()
    neuron.forward_backward(X, Y, "mse")
    expected = float(neuron.dense[0].db[0, 0])
    slope = y_hat * (1 - y_hat)
    return check(answer, expected, f"∂ℒ/∂b at ŷ = {y_hat:g}",
                 "Σₖ (1/4)(ŷ − y⁽ᵏ⁾)·ŷ(1 − ŷ)", [
                     (4 * expected, "the sum over the samples without the 1/4 of the mean"),
                     (2 * expected, "twice the answer: the ½ of the loss cancels the 2 of the "
                                    "square"),
                     (expected / slope, "the sigmoid's slope ŷ(1 − ŷ) is missing"),
                     (-expected, "the right size with the wrong sign: ŷ − y, not y − ŷ"),
                     (mse(np.full_like(Y, y_hat), Y), "the loss itself, not its derivative"),
                 ])


def _cases(hidden=3, m=4, count=4):
    rng = np.random.RandomState(0)
    return [(rng.randn(1, hidden), rng.randn(1, m) * 0.1, np.tanh(rng.randn(hidden, m)))
            for _ in range(count)]


def _tanh_delta1(W2, delta2, A1):
    return (W2.T @ delta2) * (1 - A1 ** 2)


def _random_case(rng):
    h, m = rng.integers(1, 6), rng.integers(1, 7)
    return (rng.normal(size=(1, h)), rng.normal(size=(1, m)) * 0.1,
            np.tanh(rng.normal(size=(h, m))))


def check_hidden_delta(fn):
    """Exercise: ``fn(W2, delta2, A1)`` returns the hidden error signal Δ₁ of a *tanh* hidden
    layer, ``A1 = tanh(Z1)``, below a layer whose error signal is ``delta2``."""
    return check_function(fn, "Δ₁ of a tanh layer", "(W₂ᵀ Δ₂) ⊙ (1 − A₁²)", _cases(),
                          _tanh_delta1, random_cases=_random_case, mistakes=[
        (lambda W2, d2, a1: (W2.T @ d2) * a1 * (1 - a1), "(W₂ᵀ Δ₂) ⊙ A₁(1 − A₁): the sigmoid's "
         "slope, copied from the loop; tanh′(z) = 1 − tanh²(z) = 1 − A₁²"),
        (lambda W2, d2, a1: W2.T @ d2, "W₂ᵀ Δ₂: the tanh's slope 1 − A₁² is missing"),
        (lambda W2, d2, a1: (W2.T @ d2) * (1 - a1), "(W₂ᵀ Δ₂) ⊙ (1 − A₁): square A₁ in the slope"),
        (lambda W2, d2, a1: (W2.T @ d2) * (1 - a1) ** 2, "(W₂ᵀ Δ₂) ⊙ (1 − A₁)²: the slope is "
         "1 − A₁², A₁ squared, not (1 − A₁) squared"),
        (lambda W2, d2, a1: -(W2.T @ d2) * (1 - a1 ** 2), "the right size with the wrong sign"),
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
    """Exercise: ``fn(y_hat, y)`` returns Δ₂ = ∂ℒ/∂Z₂ for a sigmoid output with binary
    cross-entropy averaged over the m samples."""
    rng = np.random.RandomState(1)
    cases = [(sigmoid(rng.randn(1, 4)), (rng.rand(1, 4) > 0.5).astype(float)) for _ in range(4)]
    reference = lambda y_hat, y: bce_grad(y_hat, y) * y_hat * (1 - y_hat)

    def draw(rng):
        m = rng.integers(1, 9)
        return sigmoid(rng.normal(size=(1, m))), (rng.random((1, m)) > 0.5).astype(float)

    return check_function(fn, "Δ₂ for BCE", "(ŷ − y)/m", cases, reference, random_cases=draw,
                          mistakes=[
        (lambda p, y: p - y, "ŷ − y: the average over the m samples divides by m"),
        (lambda p, y: (p - y) * p * (1 - p) / p.shape[1],
         "(ŷ − y)σ'(z)/m, the MSE formula: with BCE the σ' cancels"),
        (lambda p, y: (p - y) / (p * (1 - p)) / p.shape[1],
         "∂ℒ/∂Ŷ alone: multiply it by σ′(Z₂) = Ŷ(1 − Ŷ)"),
        (lambda p, y: (y - p) / p.shape[1], "the right size with the wrong sign"),
    ])
