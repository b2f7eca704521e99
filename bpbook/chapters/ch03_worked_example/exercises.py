"""Chapter 03's exercise checks: the worked example's gradients and update, built on the shared
:func:`bpbook.feedback.check` (a verdict plus the name of a recognised mistake).

Each exercise's input is the book's for a reader alone and each student's own on a course
(:mod:`bpbook.variants`), in ranges that keep every answer away from the typical mistakes' values.
Three decimals keep the inputs off the explorer's 0.05 grid, where its table would show the answer.
"""
from bpbook.feedback import check
from bpbook.variants import number
from bpbook.worked import DEFAULTS, worked_example

# Exercise 1: ∂ℒ/∂W₂ at this input (not the chapter's, whose ∂ℒ/∂W₂ the page shows); x₁ > 0 > x₂
# keeps z₁ far from the chapter's 0.78.
DW2_INPUT = {"x1": number("03.dW2:x1", 1.07, 0.8, 1.5, digits=3),
             "x2": number("03.dW2:x2", -0.93, -1.5, -0.6, digits=3)}
# Exercise 2: δ₁ for this target; well below ŷ ≈ 0.67, so δ₁ keeps its sign and size.
DELTA1_Y = number("03.delta1", 0.23, 0.0, 0.45, digits=3)
# Exercise 3: the new b₂ after a step with this learning rate (the page shows η = 0.5's).
NEW_B2_LR = number("03.new-b2", 0.1, 0.05, 0.4, digits=2)


def check_dW2(answer, x1=DW2_INPUT["x1"], x2=DW2_INPUT["x2"]):
    """Exercise: ∂ℒ/∂W₂ = δ₂·a₁ of the worked network at the input ``(x1, x2)``."""
    r, r0 = worked_example(x1=x1, x2=x2), worked_example()
    return check(answer, r["delta2"] * r["a1"], f"∂ℒ/∂W₂ at x = ({x1:g}, {x2:g})", "δ₂·a₁", [
        (r["delta2"], "δ₂ alone: the weight's input a₁ is missing"),
        (r["delta2"] * DEFAULTS["W2"], "δ₂·W₂, which is ∂ℒ/∂a₁, the signal passed down to the "
                                       "hidden layer"),
        (r["dL/dy_hat"] * r["a1"], "(ŷ − y)·a₁: the factor σ'(z₂) is missing"),
        (r0["delta2"] * r0["a1"], "∂ℒ/∂W₂ at the chapter's input: redo the forward pass for "
                                  "the new x first"),
    ])


def check_delta1(answer, y=DELTA1_Y):
    """Exercise: the hidden error signal δ₁ when the target is ``y`` instead of 1."""
    r, r1 = worked_example(y=y), worked_example()
    return check(answer, r["delta1"], f"δ₁ (y = {y:g})", "δ₂·W₂·σ'(z₁)", [
        (r["dL/da1"], "δ₂·W₂: the factor σ'(z₁) is missing"),
        (r1["delta1"], "δ₁ for the old target y = 1"),
        (-r["delta1"], "the right size with the wrong sign (∂ℒ/∂ŷ is ŷ − y, not y − ŷ)"),
        (r["delta2"] * r["sigma'(z1)"], "δ₂·σ'(z₁): the weight W₂ on the way down is missing"),
    ])


def check_new_b2(answer, lr=NEW_B2_LR):
    """Exercise: b₂ after one step of gradient descent with learning rate ``lr``."""
    r = worked_example(lr=lr)
    b2 = DEFAULTS["b2"]
    return check(answer, b2 - lr * r["db2"], "the new b₂", "b₂ − η·δ₂", [
        (b2 + lr * r["db2"], "b₂ + η·δ₂: that steps uphill; gradient descent subtracts"),
        (b2 - r["db2"], "b₂ − δ₂: the learning rate η is missing"),
        (-lr * r["db2"], "only the step −η·δ₂; add it to the old b₂"),
        (b2 - DEFAULTS["lr"] * r["db2"], f"the new b₂ for the chapter's η = {DEFAULTS['lr']:g}; "
                                         f"this step uses η = {lr:g}"),
    ])
