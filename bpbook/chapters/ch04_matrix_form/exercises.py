"""Chapter 04's exercise checks: the batch network's input gradient and the weight gradient of a
new batch through a tanh hidden layer, array answers (shapes as in :mod:`.matrix`, samples in
columns), built on :class:`bpbook.feedback.Feedback`.

Exercise 1 is asked on the chapter's batch (``matrix.SEED``), exercise 2 on a batch of ``NEW_M``
samples drawn with ``NEW_SEED``: the book's for a reader alone, each student's own on a course
(:mod:`bpbook.variants`).
"""
import numpy as np

from bpbook.chapters.ch04_matrix_form.matrix import (SIZES, batch_problem, model_trace,
                                                     outer_products)
from bpbook.feedback import Feedback, close_arrays, real_array
from bpbook.variants import number


def check_input_grad(answer, trace):
    """Exercise: ∂ℒ/∂X of the chapter's batch, shape (n₀, m), from its ``trace``
    (the dict of W1, X, Delta1, … that the chapter's backward pass filled)."""
    W1, Delta1, X = trace["W1"], trace["Delta1"], trace["X"]
    want = W1.T @ Delta1
    name = "∂ℒ/∂X"
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


# exercise 2: a new batch of NEW_M samples (never the chapter's M = 3), drawn with NEW_SEED
NEW_M = int(number("04.new-batch-dW1:m", 5, 4, 8, digits=0))
NEW_SEED = int(number("04.new-batch-dW1:seed", 7, 0, 9999, digits=0))


def check_new_batch_dW1(answer, m=NEW_M, seed=NEW_SEED):
    """Exercise: ∂ℒ/∂W₁ of the chapter's network with a tanh hidden layer on a new batch,
    ``batch_problem(SIZES, m, seed)``; the truth is bpbook's layers
    (:func:`.matrix.model_trace`)."""
    trace = model_trace(batch_problem(SIZES, m, seed), hidden="tanh")
    want = trace["dW1"]
    name = f"∂ℒ/∂W₁ on the new batch of {m} samples, tanh hidden layer"
    if answer is None:
        return Feedback(None, f"set your answer for {name} and run the cell again")
    got, problem = real_array(answer, name)
    if problem is not None:
        return problem
    if got.shape != want.shape:
        hint = " (Δ₁Xᵀ has the shape of W₁; XΔ₁ᵀ is its transpose)" \
            if got.shape == want.T.shape else ""
        return Feedback(False, f"{name} should have shape {want.shape} like W₁, got shape "
                               f"{got.shape}{hint}")
    if close_arrays(got, want):
        return Feedback(True, f"{name} = Δ₁Xᵀ with Δ₁ = (W₂ᵀΔ₂) ⊙ (1 − A₁²), the {m} samples' "
                              "outer products summed")
    X, A1, back = trace["X"], trace["A1"], trace["W2"].T @ trace["Delta2"]
    sigmoid_net = model_trace(batch_problem(SIZES, m, seed))
    mistakes = [(m * want, "m times too large: Δ₂ carries the 1/m of the mean"),
                (want / m, "the mean of the outer products: the 1/m is already in Δ₂, so sum"),
                ((back * A1 * (1 - A1)) @ X.T, "A₁(1 − A₁) as the hidden slope: that is the "
                 "sigmoid's; tanh′(Z₁) = 1 − A₁²"),
                (sigmoid_net["dW1"], "the chapter's sigmoid network on the new batch: make the "
                 "hidden layer tanh"),
                (back @ X.T, "(W₂ᵀΔ₂)Xᵀ: the hidden slope 1 − A₁² is missing from Δ₁"),
                (outer_products(trace["Delta1"], X)[0], "the first sample's outer product only: "
                 "sum over all the samples")]
    for wrong, what in mistakes:
        if close_arrays(got, wrong):
            return Feedback(False, f"{name} should be Δ₁Xᵀ; yours is {what}")
    return Feedback(False, f"{name} should be Δ₁Xᵀ; yours differs by up to "
                           f"{np.abs(got - want).max():.3g}")
