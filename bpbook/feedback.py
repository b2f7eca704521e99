"""The exercise-feedback machinery that every chapter's checks share.

A check compares a student's answer with the computed one and, when it matches a known mistake,
says which mistake it is ("dL/dW₂ should be δ₂·a₁; you gave δ₂"). :func:`check` judges a number,
:func:`check_function` a function the student wrote; both return a :class:`Feedback`. An
unanswered exercise (``answer = None``) gets a reminder, not an error, so chapters run as tests.

For :func:`check_function`, inputs are tuples of numpy arrays; outputs are compared with
``numpy.allclose`` after checking the shape (a wrong shape is reported with both shapes).
"""
import math

import numpy as np

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


def check_function(fn, name, formula, cases, reference, mistakes=()):
    """Judge the student's ``fn`` against ``reference`` on every input tuple in ``cases``.

    ``mistakes``: ``(wrong_function, what_it_is)`` pairs tried when the answer is wrong.
    """
    if fn is None:
        return Feedback(None, f"write {name} and run the cell again")
    if not callable(fn):
        return Feedback(False, f"{name} should be a function, got {type(fn).__name__}")
    got = []
    for args in cases:
        want = np.asarray(reference(*args), dtype=float)
        try:
            out = fn(*(np.copy(a) for a in args))
        except Exception as err:  # the student's code: report any failure as feedback
            return Feedback(False, f"{name} raised {type(err).__name__}: {err}")
        if out is None:
            return Feedback(None, f"{name}: your function returns None; write its body and run "
                                  "the cell again")
        out = np.asarray(out, dtype=float)
        if out.shape != want.shape:
            return Feedback(False, f"{name} should return shape {want.shape} (it is {formula}), "
                                   f"got shape {out.shape}")
        got.append(out)
    if all(np.allclose(o, reference(*a)) for o, a in zip(got, cases)):
        return Feedback(True, f"{name} = {formula}, right on all {len(cases)} test inputs")
    for wrong, what in mistakes:
        if all(np.allclose(o, wrong(*a)) for o, a in zip(got, cases)):
            return Feedback(False, f"{name} should be {formula}; yours computes {what}")
    worst = max(float(np.max(np.abs(o - np.asarray(reference(*a))))) for o, a in zip(got, cases))
    return Feedback(False, f"{name} should be {formula}; yours is off by up to {worst:.3g}")
