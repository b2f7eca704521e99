"""Chapter 04's exercise check: the batch network's input gradient, an array answer (shapes as in
:mod:`.matrix`, samples in columns), built on :class:`bpbook.feedback.Feedback`."""
import numpy as np

from bpbook.feedback import Feedback, real_array


def check_input_grad(answer, trace):
    """Exercise: ∂L/∂X of the chapter's batch, shape (n₀, m), from its ``trace``
    (the dict of W1, X, Delta1, … that the chapter's backward pass filled)."""
    W1, Delta1, X = trace["W1"], trace["Delta1"], trace["X"]
    want = W1.T @ Delta1
    name = "∂L/∂X"
    if answer is None:
        return Feedback(None, f"set your answer for {name} and run the cell again")
    got, problem = real_array(answer, name)
    if problem is not None:
        return problem
    if got.shape == want.T.shape and got.shape != want.shape and np.allclose(got, want.T):
        return Feedback(False, f"{name} should have shape {want.shape} like X (samples are "
                               f"columns); yours is its transpose, Δ₁ᵀW₁")
    if got.shape != want.shape:
        hint = " (you summed over the samples; each sample has its own input)" \
            if got.shape == (want.shape[0], 1) else ""
        return Feedback(False, f"{name} should have shape {want.shape} like X, got shape "
                               f"{got.shape}{hint}")
    if np.allclose(got, want, rtol=1e-6, atol=1e-12):
        return Feedback(True, f"{name} = W₁ᵀΔ₁, shape {want.shape}: the same rule as for a "
                              "hidden layer, with no σ′ because the inputs have no activation")
    mistakes = [(W1.T @ (trace["W2"].T @ trace["Delta2"]), "W₁ᵀ(W₂ᵀΔ₂): σ′(Z₁) is missing"),
                (want * X * (1 - X), "W₁ᵀΔ₁ ⊙ X(1 − X): the inputs have no sigmoid, so no σ′")]
    for wrong, what in mistakes:
        if np.allclose(got, wrong, rtol=1e-6, atol=1e-12):
            return Feedback(False, f"{name} should be W₁ᵀΔ₁; you gave {what}")
    return Feedback(False, f"{name} should be W₁ᵀΔ₁; yours differs by up to "
                           f"{np.abs(got - want).max():.3g}")
