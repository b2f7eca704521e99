"""Checks for exercises whose answer is a function (the student writes ``def ...``).

:func:`check_function` calls the student's function on a few inputs, compares with the reference
function, and, when the output matches a known mistake on every input, names that mistake. It
returns a :class:`bpbook.exercises.Feedback`, like the numeric checks of :mod:`bpbook.exercises`.
Inputs are tuples of numpy arrays; outputs are compared with ``numpy.allclose`` after checking
the shape (a wrong shape is reported with both shapes).
"""
import numpy as np

from bpbook.exercises import Feedback


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
