"""The exercise-feedback machinery that every chapter's checks share.

A check compares a student's answer with the computed one and, when it matches a known mistake,
says which mistake it is ("dL/dW₂ should be δ₂·a₁; you gave δ₂"). :func:`check` judges a number,
:func:`check_function` a function the student wrote; both return a :class:`Feedback`. An
unanswered exercise (``answer = None``) gets a reminder, not an error, so chapters run as tests.

Whatever the student hands in gets a :class:`Feedback`, never a traceback: a number is any real
number of size one (int, float, Fraction, Decimal, a NumPy scalar, a 0-d or 1×1 array, a
one-element torch tensor, a SymPy number); complex numbers, text, containers and non-finite values
are refused with a message saying what was received. A student's function that raises, returns
something that is not an array of numbers, or overflows to inf/NaN is reported the same way.
Tolerances are relative only, so a tiny right answer is not confused with zero. A check's own
settings (a layer count, a tolerance) are validated: a bad one is the chapter's bug and raises.

For :func:`check_function`, inputs are tuples of numpy arrays; outputs are compared with
``numpy.allclose`` after checking the shape (a wrong shape is reported with both shapes). It also
draws fresh random inputs on every call (``random_cases``), so no fixed grid can be memorised.
"""
import decimal
import math
import numbers

import numpy as np

TOL = 5e-4  # relative: answers typed to 4 significant digits still count as right
RANDOM_DRAWS = 3  # fresh random inputs per function check


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


def require_count(name, value, minimum=1):
    """``value`` as an int, or ValueError if it is not a whole number ≥ ``minimum``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral)) \
            or value < minimum:
        raise ValueError(f"{name} should be a whole number ≥ {minimum}, got {value!r}")
    return int(value)


def _sympy_real(answer):
    if not answer.is_number:
        return None, f"a SymPy expression with free symbols {sorted(map(str, answer.free_symbols))}"
    value = complex(answer.evalf(30))
    if value.imag != 0:
        return None, "a complex number"
    return value.real, None


def _array_real(arr, what):
    if arr.size != 1:
        return None, f"{what} of shape {tuple(arr.shape)} (one number is expected)"
    if arr.dtype.kind == "c":
        return None, "a complex number"
    if arr.dtype.kind == "b":
        return None, "a truth value"
    return as_real(arr.reshape(-1)[0].item())


def as_real(answer):
    """``(value, None)`` for a real number of size one, else ``(None, what it is instead)``."""
    if isinstance(answer, (bool, np.bool_)):
        return None, "a truth value"
    if isinstance(answer, (str, bytes)):
        return None, "text"
    if isinstance(answer, (complex, np.complexfloating)):
        return None, "a complex number"
    if type(answer).__module__.startswith("torch") and hasattr(answer, "detach"):
        return _array_real(answer.detach().cpu().numpy(), "a tensor")
    if isinstance(answer, np.ndarray):
        return _array_real(answer, "an array")
    if type(answer).__module__.startswith("sympy") and hasattr(answer, "is_number"):
        return _sympy_real(answer)
    if isinstance(answer, (numbers.Real, decimal.Decimal)):
        try:
            return float(answer), None
        except (OverflowError, ValueError):
            return None, "a number too large for a float"
    return None, f"a {type(answer).__name__}"


def _close(a, b, tol):
    return a == b or math.isclose(a, b, rel_tol=tol, abs_tol=0.0)


def shown(value, other):
    """``value`` with enough significant digits to tell it from ``other`` (at least 6)."""
    for digits in range(6, 18):
        if f"{value:.{digits}g}" != f"{other:.{digits}g}":
            break
    return f"{value:.{digits}g}"


def check(answer, expected, name, formula, mistakes=(), tol=TOL):
    """Judge ``answer`` against ``expected`` (a number) with relative tolerance ``tol``.

    ``formula`` says how the quantity is computed (used in the hint); ``mistakes`` is a sequence of
    ``(wrong_value, what_it_is)``: an answer equal to a wrong value is told what it is instead.
    """
    expected = float(expected)
    if not (math.isfinite(expected) and math.isfinite(tol) and 0 <= tol < 1):
        raise ValueError(f"check needs a finite expected value and 0 ≤ tol < 1, got "
                         f"expected={expected!r}, tol={tol!r}")
    if answer is None:
        return Feedback(None, f"set your answer for {name} and run the cell again")
    value, why = as_real(answer)
    if why is None and not math.isfinite(value):
        why = f"{value} (a finite number is expected)"
    if why is not None:
        return Feedback(False, f"{name} should be one real number, got {why}: {answer!r:.80}")
    if _close(value, expected, tol):
        return Feedback(True, f"{name} = {formula} = {expected:.6g}")
    for wrong, what in mistakes:
        if _close(value, float(wrong), tol):
            return Feedback(False, f"{name} should be {formula}; you gave {what}")
    return Feedback(False, f"{name} should be {formula}; your {shown(value, expected)} is not that "
                           "(check each factor)")


def _call(fn, name, args):
    """``(output as a float array, None)`` or ``(None, Feedback)`` for a failing student call."""
    try:
        with np.errstate(all="ignore"):  # an overflow shows up as inf below, not as a warning
            out = fn(*(np.copy(a) for a in args))
    except Exception as err:  # the student's code: report any failure as feedback
        return None, Feedback(False, f"{name} raised {type(err).__name__}: {err}")
    if out is None:
        return None, Feedback(None, f"{name}: your function returns None; write its body and run "
                                    "the cell again")
    try:
        if np.iscomplexobj(out):
            raise TypeError("complex")
        arr = np.asarray(out, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None, Feedback(False, f"{name} should return an array of numbers, got "
                                     f"{type(out).__name__} {out!r:.60}")
    return arr, None


def check_function(fn, name, formula, cases, reference, mistakes=(), random_cases=None):
    """Judge the student's ``fn`` against ``reference`` on every input tuple in ``cases``, and on
    ``RANDOM_DRAWS`` fresh ones from ``random_cases(rng)`` (a function returning one input tuple).

    ``mistakes``: ``(wrong_function, what_it_is)`` pairs tried when the answer is wrong.
    """
    if fn is None:
        return Feedback(None, f"write {name} and run the cell again")
    if not callable(fn):
        return Feedback(False, f"{name} should be a function, got {type(fn).__name__}")
    rng = np.random.default_rng()
    drawn = [random_cases(rng) for _ in range(RANDOM_DRAWS)] if random_cases else []
    every = list(cases) + drawn
    got = []
    for args in every:
        want = np.asarray(reference(*args), dtype=float)
        out, problem = _call(fn, name, args)
        if problem is not None:
            return problem
        if out.shape != want.shape:
            return Feedback(False, f"{name} should return shape {want.shape} (it is {formula}), "
                                   f"got shape {out.shape}")
        got.append(out)
    if all(np.allclose(o, reference(*a)) for o, a in zip(got, every)):
        extra = f" ({len(drawn)} of them random)" if drawn else ""
        return Feedback(True, f"{name} = {formula}, right on all {len(every)} test inputs{extra}")
    for wrong, what in mistakes:
        with np.errstate(all="ignore"):
            if all(np.allclose(o, wrong(*a), equal_nan=True) for o, a in zip(got, every)):
                return Feedback(False, f"{name} should be {formula}; yours computes {what}")
    if not all(np.all(np.isfinite(o)) for o in got):
        return Feedback(False, f"{name} returned inf or NaN (an overflow, or a division by zero?) "
                               "where every value should be finite")
    fixed = [float(np.max(np.abs(o - np.asarray(reference(*a)))))
             for o, a in zip(got, cases) if o.size]
    if fixed and max(fixed) > 0 and not all(np.allclose(o, reference(*a))
                                            for o, a in zip(got, cases)):
        return Feedback(False, f"{name} should be {formula}; yours is off by up to "
                               f"{max(fixed):.3g}")
    return Feedback(False, f"{name} should be {formula}; yours is right on the fixed test inputs "
                           "but not on a random one")
