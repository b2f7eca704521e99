"""Chapter 03's exercise checks: the worked example's gradients and update, built on the shared
:func:`bpbook.feedback.check` (a verdict plus the name of a recognised mistake)."""
from bpbook.feedback import check
from bpbook.worked import DEFAULTS, worked_example


def check_dW2(answer):
    """Exercise: dL/dW₂ of the worked example from δ₂ and a₁."""
    r = worked_example()
    return check(answer, r["delta2"] * r["a1"], "dL/dW₂", "δ₂·a₁", [
        (r["delta2"], "δ₂ alone: the weight's input a₁ is missing"),
        (r["delta2"] * DEFAULTS["W2"], "δ₂·W₂, which is dL/da₁, the signal passed down to the hidden layer"),
        (r["dL/dy_hat"] * r["a1"], "(ŷ − y)·a₁: the factor σ'(z₂) is missing"),
    ])


def check_delta1(answer, y=0.0):
    """Exercise: the hidden error signal δ₁ when the target is ``y`` (default 0) instead of 1."""
    r, r1 = worked_example(y=y), worked_example()
    return check(answer, r["delta1"], f"δ₁ (y = {y:g})", "δ₂·W₂·σ'(z₁)", [
        (r["dL/da1"], "δ₂·W₂: the factor σ'(z₁) is missing"),
        (r1["delta1"], "δ₁ for the old target y = 1"),
        (-r["delta1"], "the right size with the wrong sign (dL/dŷ is ŷ − y, not y − ŷ)"),
        (r["delta2"] * r["sigma'(z1)"], "δ₂·σ'(z₁): the weight W₂ on the way down is missing"),
    ])


def check_new_b2(answer, lr=0.5):
    """Exercise: b₂ after one step of gradient descent with learning rate ``lr``."""
    r = worked_example(lr=lr)
    b2 = DEFAULTS["b2"]
    return check(answer, b2 - lr * r["db2"], "the new b₂", "b₂ − η·δ₂", [
        (b2 + lr * r["db2"], "b₂ + η·δ₂: that steps uphill; gradient descent subtracts"),
        (b2 - r["db2"], "b₂ − δ₂: the learning rate η is missing"),
        (-lr * r["db2"], "only the step −η·δ₂; add it to the old b₂"),
    ])
