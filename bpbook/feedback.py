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

For :func:`check_function`, inputs are tuples of numpy arrays; outputs are compared entry by
entry with a relative tolerance and an absolute one scaled to the reference's largest entry
(:func:`close_arrays`), after checking the shape (a wrong shape is reported with both shapes). It
also draws fresh random inputs on every call (``random_cases``), so no fixed grid can be memorised.

A student's function is called through :func:`run_student`: it may run for at most
:data:`TIME_LIMIT` seconds (then the feedback says it ran longer than that), what it prints is
shown up to :data:`ECHO_LIMIT` characters, and its error message is cut to that length too. The
time limit interrupts Python code on the kernel's main thread (a ``SIGALRM`` timer); one long call
inside a C library (a single huge numpy operation) is interrupted when it returns.
"""
import contextlib
import decimal
import io
import math
import numbers
import signal
import sys
import threading
import time

import numpy as np

TOL = 5e-4  # relative: answers typed to 4 significant digits still count as right
RANDOM_DRAWS = 3  # fresh random inputs per function check
TIME_LIMIT = 10.0  # seconds one call of a student's function may run
ECHO_LIMIT = 2000  # characters of a student's printed output, or of an error message, shown
ARRAY_RTOL, ARRAY_ATOL = 1e-5, 1e-9  # close_arrays: atol is ARRAY_ATOL × the reference's scale


class Feedback:
    """The verdict on one answer: ``ok`` is True, False, or None (not answered yet)."""

    def __init__(self, ok, message):
        self.ok, self.message = ok, clipped(message)

    def __bool__(self):
        return bool(self.ok)

    def __str__(self):
        mark = {True: "✔ right", False: "✘ not yet", None: "… no answer yet"}[self.ok]
        return f"{mark}: {self.message}"

    __repr__ = __str__

    def _repr_html_(self):
        color = {True: "#1a7f37", False: "#b42318", None: "#6e7781"}[self.ok]
        return f'<div class="bp-feedback" style="color:{color}">{self}</div>'


def clipped(text, limit=ECHO_LIMIT):
    """``text`` cut to ``limit`` characters, saying how many more there were."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters not shown)"


def shown_repr(obj, limit=80):
    """``repr(obj)`` cut to ``limit`` characters; a repr that fails (an int of 5000 digits, a
    student's class) is replaced by the object's type."""
    try:
        text = repr(obj)
    except Exception:  # a student's object: describe it rather than fail
        return f"<a {type(obj).__name__}>"
    return text if len(text) <= limit else text[:limit] + "…"


def error_text(err):
    """``"KeyError: oops"`` for an exception, cut to :data:`ECHO_LIMIT`, even when its ``__str__``
    raises."""
    try:
        text = str(err)
    except Exception:  # a student's exception class whose message itself fails
        text = "(its message could not be shown)"
    return clipped(f"{type(err).__name__}: {text}")


class _Overtime(BaseException):
    """Raised inside a student's function that ran past the time limit (a BaseException, so an
    ``except Exception`` in the student's code does not swallow it)."""


class _CappedText(io.TextIOBase):
    """A writable text stream that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit):
        self.limit, self.kept, self.dropped = limit, [], 0

    def writable(self):
        return True

    def write(self, s):
        s = str(s)
        room = self.limit - sum(map(len, self.kept))
        self.kept.append(s[:max(room, 0)])
        self.dropped += max(len(s) - max(room, 0), 0)
        return len(s)

    def text(self):
        more = f"\n… ({self.dropped} more characters of output not shown)\n" if self.dropped else ""
        return "".join(self.kept) + more


@contextlib.contextmanager
def _deadline(seconds):
    """Raise :class:`_Overtime` in the running code after ``seconds`` (again every 50 ms, should
    the student's code catch it), on the main thread only; elsewhere, no limit. A timer that was
    already set (pytest-timeout's) is put back afterwards with the time it had left."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    state = {"done": False}

    def overtime(signum, frame):
        if not state["done"]:
            raise _Overtime

    start = time.monotonic()
    old_handler = signal.signal(signal.SIGALRM, overtime)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    finally:
        state["done"] = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay > 0:
            left = max(old_delay - (time.monotonic() - start), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, old_interval)


def run_student(fn, name, *args, seconds=None):
    """Call the student's ``fn(*args)`` with a time limit and capped output.

    Returns ``(result, None)``, or ``(None, Feedback)`` when the call raised or ran longer than
    ``seconds`` (default :data:`TIME_LIMIT`). What it printed is shown (up to :data:`ECHO_LIMIT`
    characters) after the call.
    """
    seconds = TIME_LIMIT if seconds is None else seconds
    out, err = _CappedText(ECHO_LIMIT), _CappedText(ECHO_LIMIT)
    result, problem = None, None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                _deadline(seconds), np.errstate(all="ignore"):
            result = fn(*args)
    except _Overtime:
        problem = Feedback(False, f"{name} ran longer than {seconds:g} s and was stopped (an "
                                  "endless loop? a loop over far more items than needed?)")
    except Exception as exc:  # the student's code: report any failure as feedback
        problem = Feedback(False, f"{name} raised {error_text(exc)}")
    for stream, real in ((out, sys.stdout), (err, sys.stderr)):
        if stream.kept or stream.dropped:
            real.write(stream.text())
    return (None, problem) if problem is not None else (result, None)


def real_array(answer, name):
    """``(answer as a float64 array, None)``, or ``(None, Feedback)`` saying what it is instead:
    complex, bool, text and object arrays, and numbers too large for a float, are refused."""
    def refuse(what):
        return None, Feedback(False, f"{name} should be an array of numbers, got {what}")

    if type(answer).__module__.startswith("torch") and hasattr(answer, "detach"):
        if answer.is_complex():
            return refuse("a complex tensor")
        answer = answer.detach().cpu().double().numpy()
    try:
        raw = np.asarray(answer)
    except (TypeError, ValueError, OverflowError) as exc:
        return refuse(f"a {type(answer).__name__} ({error_text(exc)})")
    if raw.dtype.kind not in "iuf":
        kind = {"c": "complex numbers", "b": "truth values", "O": "Python objects (a number too "
                "large for a float, or not a number)"}.get(raw.dtype.kind, f"dtype {raw.dtype}")
        return refuse(f"{shown_repr(answer, 40)}, which numpy stores as {kind}")
    arr = raw.astype(float)
    if not np.all(np.isfinite(arr)):
        return None, Feedback(False, f"{name} contains inf or NaN (an overflow?); every entry "
                                     "should be finite")
    return arr, None


def close_arrays(got, want, scale=0.0, rtol=ARRAY_RTOL):
    """True when ``got`` equals ``want`` entry by entry to relative ``rtol``, with an absolute
    slack of :data:`ARRAY_ATOL` times the problem's scale: the largest of ``scale`` (the inputs'
    largest entry) and ``want``'s. An entry that should be 0 may carry the rounding error of a
    computation on inputs of that size, but zeros never pass for a reference of 3e-9 on inputs
    of size 1."""
    want = np.asarray(want, dtype=float)
    scale = max(float(scale), float(np.max(np.abs(want))) if want.size else 0.0)
    return bool(np.allclose(got, want, rtol=rtol, atol=ARRAY_ATOL * scale))


def _scale(args):
    """The largest entry, in size, of a tuple of input arrays (0 for none)."""
    sizes = []
    for a in args:
        try:
            arr = np.asarray(a, dtype=float)
        except (TypeError, ValueError):  # a non-numeric argument (a name, a list of arrays)
            continue
        if arr.size:
            sizes.append(float(np.max(np.abs(arr))))
    return max(sizes, default=0.0)


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
    if arr.dtype.kind not in "iuf":
        return None, f"{what} of dtype {arr.dtype} (numbers are expected)"
    return as_real(arr.reshape(-1)[0].item())


def _tensor_real(tensor):
    t = tensor.detach().cpu()
    if t.is_complex():
        return None, "a complex number"
    if t.dtype.is_floating_point:  # bfloat16 and float16 have no numpy twin: widen first
        t = t.double()
    return _array_real(t.numpy(), "a tensor")


def as_real(answer):
    """``(value, None)`` for a real number of size one, else ``(None, what it is instead)``."""
    if isinstance(answer, (bool, np.bool_)):
        return None, "a truth value"
    if isinstance(answer, (str, bytes)):
        return None, "text"
    if isinstance(answer, (complex, np.complexfloating)):
        return None, "a complex number"
    if type(answer).__module__.startswith("torch") and hasattr(answer, "detach"):
        return _tensor_real(answer)
    if isinstance(answer, np.ndarray):
        return _array_real(answer, "an array")
    if type(answer).__module__.startswith("sympy") and hasattr(answer, "is_number"):
        return _sympy_real(answer)
    if isinstance(answer, (numbers.Real, decimal.Decimal)):
        try:
            return float(answer), None
        except (OverflowError, ValueError):
            return None, "a number too large for a float"
        except Exception as exc:  # a student's Real whose __float__ fails
            return None, f"a {type(answer).__name__} that float() refuses ({error_text(exc)})"
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
        return Feedback(False, f"{name} should be one real number, got {why}: "
                               f"{shown_repr(answer)}")
    if _close(value, expected, tol):
        return Feedback(True, f"{name} = {formula} = {expected:.6g}")
    for wrong, what in mistakes:
        if _close(value, float(wrong), tol):
            return Feedback(False, f"{name} should be {formula}; you gave {what}")
    return Feedback(False, f"{name} should be {formula}; your {shown(value, expected)} is not that "
                           "(check each factor)")


def _call(fn, name, args):
    """``(output as a float array, None)`` or ``(None, Feedback)`` for a failing student call."""
    out, problem = run_student(fn, name, *(np.copy(a) for a in args))
    if problem is not None:
        return None, problem
    if out is None:
        return None, Feedback(None, f"{name}: your function returns None; write its body and run "
                                    "the cell again")
    try:
        if np.iscomplexobj(out):
            raise TypeError("complex")
        arr = np.asarray(out, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None, Feedback(False, f"{name} should return an array of numbers, got "
                                     f"{type(out).__name__} {shown_repr(out, 60)}")
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
    if all(close_arrays(o, reference(*a), _scale(a)) for o, a in zip(got, every)):
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
    if fixed and max(fixed) > 0 and not all(close_arrays(o, reference(*a), _scale(a))
                                            for o, a in zip(got, cases)):
        return Feedback(False, f"{name} should be {formula}; yours is off by up to "
                               f"{max(fixed):.3g}")
    return Feedback(False, f"{name} should be {formula}; yours is right on the fixed test inputs "
                           "but not on a random one")
