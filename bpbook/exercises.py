"""Exercise checks: each compares a student's answer with the computed one and, when it matches a
known mistake, says which mistake it is ("dL/dW₂ should be δ₂·a₁; you gave δ₂").

:func:`check` is the shared helper every chapter's checks use; the worked example's checks follow.
An unanswered exercise (``answer = None``) gets a reminder, not an error, so chapters run as tests.
"""
import math

import numpy as np

from bpbook.worked import DEFAULTS, worked_example

TOL = 5e-4  # answers typed to 4 significant decimals still count as right


class Feedback:
    """The verdict on one answer: ``ok`` is True, False, or None (not answered yet)."""

    def __init__(self, ok, message):
        self.ok, self.message = ok, message

    def __bool__(self):
        return bool(self.ok)

    def __str__(self):
        mark = {True: "✔ right", False: "✘ not yet", None: "… no answer yet"}[self.ok]
        return f"{mark}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self):
        color = {True: "#1a7f37", False: "#b42318", None: "#6e7781"}[self.ok]
        return f'<div class="bp-feedback" style="color:{color}">{self}</div>'


def _close(a, b, tol):
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol * 1e-2)


def check(answer, expected, name, formula, mistakes=(), tol=TOL):
    """Judge ``answer`` against ``expected`` (a number).

    ``formula`` says how the quantity is computed (used in the hint); ``mistakes`` is a sequence of
    ``(wrong_value, what_it_is)``: an answer equal to a wrong value is told what it is instead.
    """
    if answer is None:
        return Feedback(None, f"set your answer for {name} and run the cell again")
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.number)) \
            or not math.isfinite(answer):
        return Feedback(False, f"{name} should be a finite number, got {answer!r}")
    if _close(answer, expected, tol):
        return Feedback(True, f"{name} = {formula} = {expected:.6g}")
    for wrong, what in mistakes:
        if _close(answer, wrong, tol):
            return Feedback(False, f"{name} should be {formula}; you gave {what}")
    return Feedback(False, f"{name} should be {formula}; your {answer:.6g} is not that "
                           "(check each factor)")


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
