"""Chapter 01's own code (bpbook.chapters.ch01_chain_rule): the chain explorer and the exercise
checks, against SymPy, closed forms and central differences."""
import io
import math
import pathlib

import numpy as np
import pytest
import sympy as sp
from matplotlib.figure import Figure
from matplotlib.image import imread
from hypothesis import given
from hypothesis import strategies as st

from bpbook.chapters import ch01_chain_rule as ex
from bpbook.widgets import KeptFigure, figure_png
from bpbook.chapters.ch01_chain_rule import (ChainPlot, chain_explorer, chain_figure, chain_state,
                                             chain_text, two_paths)


def test_chain_state_against_closed_form_sympy_and_differences():
    xs = sp.Symbol("x")
    dy = sp.lambdify(xs, sp.diff(sp.tanh((2 * xs + 1) ** 2), xs), "math")
    for x in (-1.7, -0.5, 0.0, 0.3, 0.9):
        s = chain_state(x)
        u = 2 * x + 1
        assert s["du/dx"] == 2.0 and math.isclose(s["dv/du"], 2 * u)
        assert math.isclose(s["dh/dv"], 1 - math.tanh(u * u) ** 2, rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(s["product"], dy(x), rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(s["backprop"], dy(x), rel_tol=1e-12, abs_tol=1e-15)
        assert abs(s["central"] - dy(x)) < 1e-7
        assert f"{s['product']:.6f}" in chain_text(s)
    assert isinstance(chain_figure(chain_state(0.2)), Figure)


def test_kept_figure_moved_equals_a_fresh_one():
    """The explorer's ChainPlot, moved from x=-1.5 to x=0.4, shows what a figure drawn at 0.4
    shows: the tangent's end points y0 ± slope·Δx, the point, the bars and their axis range."""
    kept = ChainPlot(chain_state(-1.5)).update(chain_state(0.4))
    fresh = chain_figure(chain_state(0.4))
    s = chain_state(0.4)
    for fig in (kept, fresh):
        left, right = fig.axes
        tangent, point = left.lines[1], left.lines[2]
        assert list(tangent.get_ydata()) == pytest.approx(
            [s["h"] + s["product"] * (x - 0.4) for x in ex.X_RANGE])
        assert (point.get_xdata()[0], point.get_ydata()[0]) == pytest.approx((0.4, s["h"]))
        assert [b.get_height() for b in right.patches] == pytest.approx(
            [s[k] for k in ("du/dx", "dv/du", "dh/dv", "product")])
    assert kept.axes[1].get_ylim() == pytest.approx(fresh.axes[1].get_ylim())
    lo, hi = kept.axes[1].get_ylim()
    grid = [chain_state(x) for x in np.linspace(*ex.X_RANGE, 97)]
    assert all(lo <= s[k] <= hi for s in grid for k in ("du/dx", "dv/du", "dh/dv", "product"))


def test_explorer_picture_is_the_full_drawing():
    """The explorer's PNG (moving artists drawn over a saved background) has the pixels of the
    same figure drawn in full, but for a few where the tangent crosses an axis spine (on top of
    it here, under it in the full drawing)."""
    plot = ChainPlot(chain_state(-1.2))
    kept = KeptFigure(plot.figure, plot.moving)
    kept.png()
    plot.update(chain_state(0.35))
    fast = imread(io.BytesIO(kept.png()))
    full = imread(io.BytesIO(figure_png(ChainPlot(chain_state(0.35)).figure)))
    assert fast.shape == full.shape
    differ = np.abs(fast - full).max(axis=2) > 2 / 255
    assert differ.sum() <= 20, f"{differ.sum()} pixels differ, at {np.argwhere(differ)[:5]}"


def test_explorer_updates_its_widgets_in_place():
    box = chain_explorer()
    slider, caption, table, picture = box.children
    image = picture.children[0]  # beside it, its text alternative
    before = image.value
    slider.value = 0.5
    s = chain_state(0.5)
    assert f"{s['product']:.6f}" in caption.value and f"{s['backprop']:+.6f}" in table.value
    assert image.value != before and image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_two_paths_against_sympy():
    xs = sp.Symbol("x")
    for x in (-1.0, 0.4, 2.0):
        g = two_paths(x)
        g["F"].backward()
        assert math.isclose(g["x"].grad, float(sp.diff(xs**2 * sp.exp(xs), xs).subs(xs, x)))


@pytest.mark.parametrize("check, right, wrong", [
    (ex.check_chain, lambda: chain_state(ex.CHAIN_AT)["product"],
     lambda: sum(chain_state(ex.CHAIN_AT)[k] for k in ("du/dx", "dv/du", "dh/dv"))),
    (ex.check_local_tanh, lambda: 1 - math.tanh(ex.TANH_AT) ** 2, lambda: math.tanh(ex.TANH_AT)),
    (ex.check_two_paths,
     lambda: (2 * ex.PATHS_AT + ex.PATHS_AT**2) * math.exp(ex.PATHS_AT),
     lambda: 2 * ex.PATHS_AT * math.exp(ex.PATHS_AT)),
])
def test_exercise_checks(check, right, wrong):
    assert check(None).ok is None
    assert check(right()).ok is True
    verdict = check(wrong())
    assert verdict.ok is False and "you gave" in verdict.message
    assert check(right() + 1.0).ok is False


@given(st.sampled_from([ex.check_chain, ex.check_local_tanh, ex.check_two_paths]))
def test_exercise_checks_refuse_non_numbers(check):
    assert check("0.5").ok is False


def test_snapshots_show_the_tangent_and_ratios_at_each_x():
    xs = (-1.0, 0.25)
    fig = ex.chain_snapshots(xs)
    for j, x in enumerate(xs):
        top, bottom = fig.axes[j], fig.axes[len(xs) + j]  # row by row
        s = chain_state(x)
        (x0, x1), (y0, y1) = top.lines[1].get_xdata(), top.lines[1].get_ydata()
        assert (y1 - y0) / (x1 - x0) == pytest.approx(s["product"])
        assert f"dh/dx = {ex.ratio(s['product'])}" in top.get_title()
        assert [b.get_height() for b in bottom.patches] == pytest.approx(
            [s[k] for k in ("du/dx", "dv/du", "dh/dv", "product")])


def test_the_promise_about_value_points_at_a_section_that_exists():
    root = pathlib.Path(__file__).resolve().parents[2] / "chapters"
    ch1 = (root / "01_chain_rule.py").read_text()
    ch2 = (root / "02_computation_graph.py").read_text()
    assert '"The engine, opened"' in ch1 and "(02_computation_graph.py)" in ch1
    assert "\n# ## The engine, opened\n" in ch2
    assert "print(source_excerpt(Value.topological_order))" in ch2
    for text in (ch1, ch2):
        assert "[chapter 3, Notation](03_worked_example.py)" in text


def test_a_flat_tangent_is_explained_by_the_ratio_that_is_flat():
    """At x = −0.5 the middle ratio 2u is zero while tanh is not saturated (dh/dv = 1); at x = 1
    tanh is saturated while 2u = 6: the words name the right one."""
    middle, saturated = chain_state(-0.5), chain_state(1.0)
    assert middle["dv/du"] == 0 and middle["dh/dv"] == 1.0
    assert "the middle ratio 2u is zero" in ex.chain_alt(middle)
    assert "saturated" not in ex.chain_alt(middle)
    assert saturated["dh/dv"] < 1e-6 and "tanh is saturated" in ex.chain_alt(saturated)
    assert "(rising)" in ex.chain_alt(chain_state(ex.X0))


@pytest.mark.parametrize("x", [0.6, -2.0, -0.86, 0.9])
def test_printed_ratios_multiply_to_the_printed_product(x):
    """Three significant digits: the product of the ratios as printed is the printed product to
    within rounding (with three decimals, 2 × 4.4 × 0.000 read as 0.002), and no "-0.000"."""
    s = chain_state(x)
    shown = [float(ex.ratio(s[k])) for k in ("du/dx", "dv/du", "dh/dv")]
    assert math.prod(shown) == pytest.approx(float(ex.ratio(s["product"])), rel=0.02)
    assert "-0.000" not in ex.chain_alt(s)


def test_the_first_snapshot_is_where_the_chain_falls_most_steeply():
    """Against SymPy: the steepest fall is where d²h/dx² = 0 on the falling branch (x < −1/2)."""
    x = sp.Symbol("x")
    h = sp.tanh((2 * x + 1) ** 2)
    steepest = float(sp.nsolve(sp.diff(h, x, 2), x, -0.85))
    slope = float(sp.diff(h, x).subs(x, steepest))
    assert ex.steepest_falling() == pytest.approx(steepest, abs=2e-3)
    first = ex.snapshot_points()[0]
    assert chain_state(first)["product"] == pytest.approx(slope, rel=1e-3)
    assert slope < 2 * chain_state(-1.2)["product"]  # the old "steep spot" was not steep


def test_each_student_gets_points_whose_answers_the_page_does_not_print(monkeypatch):
    """Per-student points (bpbook.variants): never x0 or the tables' x (whose slopes the page
    prints), never where u = 2x + 1 vanishes; the checks accept each student's closed-form
    answers and name the typical mistakes; a reader alone keeps the book's points."""
    from tests.student_numbers import STUDENTS, as_student

    book = (ex.CHAIN_AT, ex.TANH_AT, ex.PATHS_AT)
    seen = set()
    for who in STUDENTS:
        with as_student(monkeypatch, who, ex):
            x, v, p = ex.CHAIN_AT, ex.TANH_AT, ex.PATHS_AT
            seen.add((x, v, p))
            assert -0.25 <= x <= 0.35 and x not in (ex.X0, -0.5, -1.5, 0.8)
            assert abs(2 * x + 1) >= 0.5 and p not in (-1.0, 0.0, 0.5, 1.5) and v >= 0.2
            u = 2 * x + 1
            right = (1 - math.tanh(u * u) ** 2) * 2 * u * 2
            assert ex.check_chain(right).ok is True
            assert "you gave" in ex.check_chain(right / 2).message  # du/dx missing
            assert ex.check_local_tanh(1 - math.tanh(v) ** 2).ok is True
            assert "you gave" in ex.check_local_tanh(1 - v * v).message
            assert ex.check_two_paths((2 * p + p * p) * math.exp(p)).ok is True
            assert "you gave" in ex.check_two_paths(2 * p * math.exp(p)).message
    assert len(seen) == len(STUDENTS)
    assert (ex.CHAIN_AT, ex.TANH_AT, ex.PATHS_AT) == book
