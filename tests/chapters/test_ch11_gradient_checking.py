"""Chapter 11's code: the error curve against closed forms (SymPy, 50-digit mpmath), the
seeded bugs and the three rules, the kink against its one-sided slopes, float32, the cost of a
check counted, the explorer, the picture's text alternative and the exercise checks."""
import mpmath
import numpy as np
import pytest
import sympy as sp

from bpbook.chapters.ch11_gradient_checking import cases, curve, exercises
from bpbook.chapters.ch11_gradient_checking.exercises import (BLIND_LOSS, F_SECOND, F_THIRD,
                                                              F_VALUE,
                                                              MISS, P_SPOILED, U,
                                                              check_blind_spot,
                                                              check_forward_eps,
                                                              check_sample_size)
from bpbook.chapters.ch11_gradient_checking.explore import EpsPlot, explore
from bpbook.chapters.ch11_gradient_checking.plots import error_curve_alt, error_curve_figure
from bpbook.display import alt_of
from bpbook.errors import InputError, InputTypeError
from bpbook.gradcheck import TOL
from tests import solutions
from tests.per_student import exercises_as

w = sp.Symbol("w", real=True)
SOFTPLUS = sp.log(1 + sp.exp(w))


# ---- the error curve ---------------------------------------------------------------------------

def test_softplus_derivatives_match_sympy():
    for k, ours in ((1, curve.sigmoid(curve.W0)), (3, curve.third_derivative(curve.W0))):
        want = float(sp.diff(SOFTPLUS, w, k).subs(w, curve.W0))
        assert ours == pytest.approx(want, rel=1e-14)
    assert F_VALUE == pytest.approx(float(SOFTPLUS.subs(w, 1)), rel=1e-15)
    assert F_SECOND == pytest.approx(float(sp.diff(SOFTPLUS, w, 2).subs(w, 1)), rel=1e-14)
    assert F_THIRD == pytest.approx(float(sp.diff(SOFTPLUS, w, 3).subs(w, 1)), rel=1e-14)


def test_the_measured_error_is_the_central_difference_against_50_digits():
    with mpmath.workdps(50):
        exact = 1 / (1 + mpmath.e ** -1)
        c = curve.function_curve()
        for eps, err in zip(c.eps[::6], c.error[::6]):
            fd = (np.logaddexp(0, 1 + eps) - np.logaddexp(0, 1 - eps)) / (2 * eps)
            # the chapter's exact σ(1) is a float64, rounded by at most u/2 of itself
            assert err == pytest.approx(abs(float(fd - exact)), rel=1e-6, abs=U)


def test_the_curve_is_truncation_on_the_right_and_rounding_on_the_left():
    c = curve.function_curve()
    right = (c.eps >= 1e-3) & (c.eps <= 1e-1)
    np.testing.assert_allclose(c.error[right], c.truncation[right], rtol=0.02)
    left = c.eps <= 1e-9
    assert np.all(c.error[left] <= 2 * c.rounding[left])
    assert np.all(c.error[left] >= 1e-3 * c.rounding[left])
    best, _ = c.best
    assert best / 10 < curve.predicted_best() < best * 10
    assert curve.predicted_best() == pytest.approx((3 * U * F_VALUE / abs(F_THIRD)) ** (1 / 3))


def test_float32_bottoms_out_far_higher_and_to_the_right():
    c64, c32 = curve.function_curve(), curve.function_curve(dtype=np.float32)
    assert c32.u == float(np.finfo(np.float32).eps)
    assert c32.best[1] > 1e4 * c64.best[1] and c32.best[0] > 100 * c64.best[0]


def test_the_network_draws_the_same_v():
    c = curve.network_curve()
    k = int(np.argmin(c.error))
    assert 0 < k < len(c.eps) - 1
    assert c.error[0] > 1e4 * c.error[k] and c.error[-1] > 1e4 * c.error[k]
    assert 1e-7 < c.eps[k] < 1e-3


# ---- bugs, floors, kinks, float32, cost --------------------------------------------------------

def test_bug_table_passes_the_correct_network_and_fails_every_bug():
    rows = cases.bug_table()
    assert rows[0][0] == "none (correct)" and rows[0][2] and rows[0][1] < TOL / 100
    assert [r[0] for r in rows[1:]] == list(cases.BUGS)
    for name, error, passed in rows[1:]:
        assert not passed and error > 1e-3, name
    m = cases.small_network()[1].shape[1]  # a dropped 1/m makes backprop m times too large
    assert dict((r[0], r[1]) for r in rows)["dropped 1/m"] == pytest.approx((m - 1) / (m + 1))


def test_each_simple_rule_gets_one_case_wrong_and_the_rule_none():
    found = cases.floor_cases()
    verdicts = {name: [e <= TOL for e in cases.three_rules(r)] for name, r in found.items()}
    assert verdicts == {"tiny and correct": [False, True, True],
                        "large and correct": [True, False, True],
                        "tiny and wrong": [False, True, False]}
    assert found["large and correct"].loss > 1e6


def test_the_kink_case_averages_the_two_one_sided_slopes():
    result, row, left, right = cases.kink_case()
    assert row[3] == pytest.approx((left + right) / 2, rel=1e-8)
    assert row[2] == pytest.approx(right, rel=1e-3)  # backprop takes the z > 0 side
    assert abs(left - right) > 1e-2 * abs(right) and row[4] > TOL
    flagged = [r[:2] for r, k in zip(result.rows, result.kinked) if k]
    assert ("layer1.b", (0, 0)) in flagged and result.passed()


def test_kinks_straddled_grow_with_eps():
    counts = cases.kink_counts()
    found = [k for _, k, _ in counts]
    assert found == sorted(found, reverse=True) and found[0] > 0
    assert all(n == 64 * 16 + 16 + 16 * 10 + 10 for _, _, n in counts)


def test_float32_central_differences_cannot_resolve_what_float64_can():
    steps, scaled, in64 = cases.float32_check()
    assert len(steps) == len(scaled) and scaled.min() > 1e-5
    assert in64.passed() and "float32" in in64.note


def test_check_cost_counts_two_forward_passes_per_entry():
    cost = cases.check_cost(sample=5)
    entries = 64 * 16 + 16 + 16 * 10 + 10
    assert cost["entries"] == entries and cost["arrays"] == 4
    assert cost["full"] == 2 * entries + 2  # + backprop's forward pass and L at the point
    assert cost["sampled"] == 2 * 5 * 4 + 2
    assert cost["caught"] and cost["sampled_check"].passed()


# ---- explorer, picture -------------------------------------------------------------------------

def test_explorer_update_against_a_direct_computation():
    plot = EpsPlot()
    for log_eps in (-12.0, -7.25, -5.0, -1.5, 0.0):
        view = explore(log_eps, plot=plot)
        eps = 10.0 ** log_eps
        fd = (np.logaddexp(0, 1 + eps) - np.logaddexp(0, 1 - eps)) / (2 * eps)
        assert view.eps == eps and view.estimate == fd
        assert view.error == abs(fd - 1 / (1 + np.exp(-1.0)))
        assert view.truncation == pytest.approx(eps ** 2 * abs(curve.third_derivative(1.0)) / 6)
        assert view.rounding == pytest.approx(U * np.logaddexp(0, 1.0) / eps)
        assert plot.marker.get_xdata()[0] == eps
        assert dict((r[0], r[1]) for r in view.table.rows)["measured error"] == view.error
        alt = alt_of(view.figure)[0]
        assert view.description == alt  # the explorer's kept picture carries these words
        assert f"{eps:.1e}" in alt and f"{view.error:.1e}" in alt
        assert ("rounding side" in alt) == (view.rounding > view.truncation)
    for bad in (-13, 0.5, "x", float("nan")):
        with pytest.raises((InputError, InputTypeError), match="explore: log_eps"):
            explore(bad)


def test_the_picture_and_its_text_alternative_come_from_the_same_curves():
    f64, f32, net = (curve.function_curve(), curve.function_curve(dtype=np.float32),
                     curve.network_curve())
    fig = error_curve_figure(f64, f32, net)
    assert len(fig.axes) == 2
    alt = error_curve_alt(f64, f32, net)
    assert alt_of(fig) == (alt, None)
    for best in (f64.best, f32.best, net.best):
        assert f"{best[1]:.1e}" in alt and f"{best[0]:.1e}" in alt
    assert "slope 2.0" in alt  # truncation's ε²
    # float32's flat start: where w ± ε rounds to w the error is f′(1) itself (review 11-rev-4, 3)
    w32 = np.float32(curve.W0)
    below = w32 - np.nextafter(w32, np.float32(0))  # the gap to the next float32 below w
    flat = f32.eps[f32.eps < below / 2]  # both w + ε and w − ε round to w
    assert flat.size and np.allclose(f32.error[:flat.size], curve.sigmoid(curve.W0), rtol=1e-6)
    assert f"up to ε = {flat[-1]:.1e} its error is flat at {curve.sigmoid(curve.W0):.4f}" in alt
    assert "flat" not in error_curve_alt(f64, f64, net).split("In float32")[1].split("Right")[0]


# ---- exercises ---------------------------------------------------------------------------------

def test_exercise_checks():
    best = (2 * U * F_VALUE / F_SECOND) ** 0.5
    assert check_forward_eps(best).ok is True and check_forward_eps(None).ok is None
    central = (3 * U * F_VALUE / abs(F_THIRD)) ** (1 / 3)
    assert "central difference" in str(check_forward_eps(central))
    assert check_forward_eps(best * 1.1).ok is False

    # the blind spot, found by bpbook's own rule: the largest |g| whose flip passes
    from bpbook.gradcheck import error_floor, rel_error
    floor = error_floor(BLIND_LOSS)
    flips = np.geomspace(1e-14, 1e-8, 20001)
    passing = flips[rel_error(flips, -flips, floor) <= TOL]
    assert check_blind_spot(passing.max()).ok is True
    assert check_blind_spot(TOL * floor).ok is False and check_blind_spot(None).ok is None
    assert "2|g|" in str(check_blind_spot(TOL * floor))
    # the smallest k with (1 − p)^k ≤ miss, found by counting up
    k = next(k for k in range(1, 10**6) if (1 - P_SPOILED) ** k <= MISS)
    assert check_sample_size(k).ok is True and check_sample_size(k + 1).ok is False
    assert "round up" in str(check_sample_size(k - 1))
    assert check_sample_size(2, p=0.5, miss=0.25).ok is True  # ½ · ½ = ¼


CHECKS = {"11.forward-eps": ("answer", "check_forward_eps"),
          "11.blind-spot": ("answer", "check_blind_spot"),
          "11.sample-size": ("answer", "check_sample_size")}


@pytest.mark.parametrize("student", [None, "ada", "grace"])
@pytest.mark.parametrize("exercise", sorted(CHECKS))
def test_instructor_solution_passes_and_its_typical_mistake_is_named(monkeypatch, exercise,
                                                                     student):
    """For a reader alone (the book's numbers) and for students (their own, issue 19)."""
    entry = solutions.load("11_gradient_checking").EXERCISES[exercise]
    mine = exercises_as(monkeypatch, exercises, student)
    name, judge = CHECKS[exercise]
    for code, ok in ((entry["solution"], True), (entry["wrong"], False)):
        ns = {"np": np, **vars(mine)}
        with np.errstate(divide="ignore", invalid="ignore"):
            exec(code, ns)
            verdict = getattr(mine, judge)(ns[name])
        assert verdict.ok is ok, (exercise, code, str(verdict))
        assert ok or "you gave" in str(verdict) or "yours computes" in str(verdict)


def test_a_reader_sees_the_books_numbers_and_students_their_own(monkeypatch):
    book = exercises_as(monkeypatch, exercises, None)
    assert (book.FD_W, book.P_SPOILED, book.MISS) == (curve.W0, 0.01, 1e-3)
    assert solutions.load("11_gradient_checking").PER_STUDENT is True
    drawn = {}
    for who in ("ada", "grace", "alan"):
        mine = exercises_as(monkeypatch, exercises, who)
        drawn[who] = (mine.FD_W, mine.P_SPOILED)
        # the student's f and f″ are softplus's at the student's point
        assert mine.F_VALUE == pytest.approx(float(SOFTPLUS.subs(w, mine.FD_W)), rel=1e-14)
        assert mine.F_SECOND == pytest.approx(float(sp.diff(SOFTPLUS, w, 2).subs(w, mine.FD_W)),
                                              rel=1e-13)
    assert len(set(drawn.values())) == 3
