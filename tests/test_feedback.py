"""bpbook.feedback: whatever a student hands in gets a Feedback (never a traceback), numbers of
every real kind are accepted, tolerances are relative, and a memorised fixed grid does not pass."""
import decimal
import fractions

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st

from bpbook.feedback import Feedback, as_real, check, check_function, require_count

EIGHTH = 0.125  # exactly representable, so every kind of number below is exactly it


def judge(answer, expected=EIGHTH, **kwargs):
    return check(answer, expected, "the value", "a formula", **kwargs)


@pytest.mark.parametrize("answer", [
    EIGHTH, fractions.Fraction(1, 8), decimal.Decimal("0.125"), sp.Rational(1, 8), sp.Float(EIGHTH),
    sp.Integer(1) / 8, np.float32(EIGHTH), np.float64(EIGHTH), np.array(EIGHTH),
    np.array([[EIGHTH]]), np.array([EIGHTH], dtype=np.float32), torch.tensor(EIGHTH),
    torch.tensor([[EIGHTH]], dtype=torch.float64), torch.tensor([EIGHTH], requires_grad=True),
])
def test_every_real_number_of_size_one_is_accepted(answer):
    assert judge(answer).ok is True


@pytest.mark.parametrize("answer, said", [
    (EIGHTH + 0j, "complex"), (np.complex128(EIGHTH), "complex"), (sp.I / 8, "complex"),
    (EIGHTH + sp.I, "complex"), (np.array([EIGHTH + 1j]), "complex"),
    (torch.tensor([EIGHTH], dtype=torch.complex64), "complex"),
    (np.array([EIGHTH, EIGHTH]), "shape (2,)"), (torch.ones(2, 2) / 8, "shape (2, 2)"),
    ("0.125", "text"), ([EIGHTH], "list"), ({"a": EIGHTH}, "dict"), (True, "truth value"),
    (float("nan"), "finite"), (np.inf, "finite"), (sp.Symbol("x"), "free symbols ['x']"),
    (10 ** 400, "too large"),
])
def test_anything_else_gets_a_clear_no(answer, said):
    verdict = judge(answer)
    assert verdict.ok is False and said in verdict.message


def test_tolerance_is_relative_only():
    tiny = 0.25 ** 15
    assert judge(0.0, tiny, tol=1e-6).ok is False
    assert judge(0.25 ** 14, tiny, tol=1e-6).ok is False
    assert judge(1.01 * 0.25 ** 10, 0.25 ** 10, tol=1e-6).ok is False
    assert judge(tiny * (1 + 1e-7), tiny, tol=1e-6).ok is True
    assert judge(0.0, 0.0).ok is True


def test_feedback_shows_enough_digits_to_see_the_difference():
    verdict = check(10.0000001, 10, "passes", "2 per parameter", tol=1e-12)
    assert verdict.ok is False and "10.0000001" in verdict.message


def test_check_settings_are_validated():
    for bad in (-1, 0, 2.5, True, "3"):
        with pytest.raises(ValueError, match="layers should be a whole number ≥ 1"):
            require_count("layers", bad)
    with pytest.raises(ValueError, match="finite expected value"):
        judge(1.0, float("nan"))
    with pytest.raises(ValueError, match="tol"):
        judge(1.0, tol=-1)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda v: abs(v) > 1e-9))
def test_a_right_number_is_right_and_a_nudged_one_is_not(v):
    assert judge(v, v).ok is True
    assert judge(v * (1 + 1e-2), v).ok is False
    assert as_real(np.array([[v]]))[0] == v


def square(x):
    return x ** 2


CASES = [(np.array([1.0, 2.0]),), (np.array([-3.0]),)]


def judge_fn(fn):
    return check_function(fn, "square(x)", "x²", CASES, square,
                          random_cases=lambda rng: (rng.normal(size=rng.integers(1, 5)),))


def _generator(x):
    yield from x


def _raise(x):
    raise KeyError("oops")


@pytest.mark.parametrize("fn, said", [
    (lambda x: "x²", "array of numbers"), (lambda x: {"x": x}, "array of numbers"),
    (_generator, "array of numbers"), (_raise, "raised KeyError"),
    (lambda x: np.exp(x * 1e4), "inf or NaN"), (lambda x: [[1.0, 2.0], [3.0]], "array of numbers"),
    (lambda x: x, "off by up to"), (lambda x: x[:1] ** 2, "shape"),
    (lambda x: x ** 2 + 0j, "array of numbers"),
])
def test_any_student_function_gets_feedback_never_a_traceback(fn, said):
    verdict = judge_fn(fn)
    assert isinstance(verdict, Feedback) and verdict.ok is False and said in verdict.message


def test_a_function_that_memorised_the_fixed_inputs_fails_on_random_ones():
    table = {a[0].tobytes(): square(a[0]) for a in CASES}
    verdict = judge_fn(lambda x: table.get(x.tobytes(), x))
    assert verdict.ok is False and "random" in verdict.message
    assert judge_fn(square).ok is True and "3 of them random" in judge_fn(square).message


class _BadFloat(float):
    """A Real whose conversion to float fails, as a student's class might."""

    def __float__(self):
        raise RuntimeError("no float for you")


def _self_containing():
    arr = np.empty(1, dtype=object)
    arr[0] = arr
    return arr


@pytest.mark.parametrize("answer, said", [
    (torch.tensor(EIGHTH, dtype=torch.bfloat16), None),
    (torch.tensor([EIGHTH], dtype=torch.float16), None),
    (10 ** 5000, "too large"), (_BadFloat(0.125), "float() refuses"),
    (_self_containing(), "dtype object"), (np.array(["0.125"]), "dtype <U5"),
], ids=["bfloat16", "float16", "10**5000", "bad __float__", "self-containing", "text array"])
def test_odd_numbers_get_feedback_not_a_traceback(answer, said):
    verdict = judge(answer)
    assert isinstance(verdict, Feedback)
    if said is None:  # bfloat16/float16 hold 0.125 exactly: right
        assert verdict.ok is True
    else:
        assert verdict.ok is False and said in verdict.message and len(verdict.message) < 300


def test_an_endless_loop_is_stopped_with_a_clear_message(monkeypatch):
    import bpbook.feedback as fb
    monkeypatch.setattr(fb, "TIME_LIMIT", 0.3)

    def endless(x):
        while True:
            try:
                x = x + 1
            except Exception:  # a student's broad except does not swallow the limit
                pass

    verdict = judge_fn(endless)
    assert verdict.ok is False and "ran longer than 0.3 s" in verdict.message
    assert judge_fn(square).ok is True  # the timer is gone: the next check runs normally


def test_an_outer_timer_survives_the_time_limit():
    import signal
    signal.setitimer(signal.ITIMER_REAL, 500.0)
    try:
        assert judge_fn(square).ok is True
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 490 < left <= 500
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def test_printed_output_and_error_messages_are_capped(capsys):
    def chatty(x):
        print("y" * 5_000_000)
        return x ** 2

    assert judge_fn(chatty).ok is True
    out = capsys.readouterr().out
    assert len(out) < 50_000 and "more characters of output not shown" in out

    def shouting(x):
        raise ValueError("z" * 3_000_000)

    verdict = judge_fn(shouting)
    assert verdict.ok is False and "raised ValueError" in verdict.message
    assert len(verdict.message) < 3000 and "more characters not shown" in verdict.message


class _MuteError(Exception):
    def __str__(self):
        raise RuntimeError("cannot say")


def test_an_exception_whose_message_fails_is_still_reported():
    def mute(x):
        raise _MuteError

    verdict = judge_fn(mute)
    assert verdict.ok is False and "_MuteError" in verdict.message


def test_zeros_do_not_pass_for_a_tiny_reference():
    tiny = lambda x: np.full_like(x, 3e-9)  # noqa: E731
    verdict = check_function(lambda x: np.zeros_like(x), "tiny(x)", "3e-9", CASES, tiny)
    assert verdict.ok is False
    rounding = lambda x: x - x + np.where(x > 0, 1.0, 0.0)  # noqa: E731
    noisy = lambda x: rounding(x) + 1e-17  # noqa: E731
    assert check_function(noisy, "step(x)", "1 if x > 0", CASES, rounding).ok is True
