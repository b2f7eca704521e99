"""Chapter 01's own code (bpbook.chapters.ch01_chain_rule): the chain explorer and the exercise
checks, against SymPy, closed forms and central differences."""
import math
import pathlib

import pytest
import sympy as sp
from matplotlib.figure import Figure
from hypothesis import given
from hypothesis import strategies as st

from bpbook.chapters import ch01_chain_rule as ex
from bpbook.chapters.ch01_chain_rule import chain_figure, chain_state, chain_text, two_paths


def test_chain_state_against_closed_form_sympy_and_differences():
    xs = sp.Symbol("x")
    dy = sp.lambdify(xs, sp.diff(sp.tanh((2 * xs + 1) ** 2), xs), "math")
    for x in (-1.7, -0.5, 0.0, 0.3, 0.9):
        s = chain_state(x)
        u = 2 * x + 1
        assert s["du/dx"] == 2.0 and math.isclose(s["dv/du"], 2 * u)
        assert math.isclose(s["dy/dv"], 1 - math.tanh(u * u) ** 2, rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(s["product"], dy(x), rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(s["backprop"], dy(x), rel_tol=1e-12, abs_tol=1e-15)
        assert abs(s["central"] - dy(x)) < 1e-7
        assert f"{s['product']:.6f}" in chain_text(s)
    assert isinstance(chain_figure(chain_state(0.2)), Figure)


def test_two_paths_against_sympy():
    xs = sp.Symbol("x")
    for x in (-1.0, 0.4, 2.0):
        g = two_paths(x)
        g["L"].backward()
        assert math.isclose(g["x"].grad, float(sp.diff(xs**2 * sp.exp(xs), xs).subs(xs, x)))


@pytest.mark.parametrize("check, right, wrong", [
    (ex.check_chain, lambda: chain_state(ex.CHAIN_AT)["product"],
     lambda: sum(chain_state(ex.CHAIN_AT)[k] for k in ("du/dx", "dv/du", "dy/dv"))),
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


def test_the_promise_about_value_points_at_a_section_that_exists():
    root = pathlib.Path(__file__).resolve().parents[2] / "chapters"
    ch1 = (root / "01_chain_rule.py").read_text()
    ch2 = (root / "02_computation_graph.py").read_text()
    assert '"The engine, opened"' in ch1 and "(02_computation_graph.py)" in ch1
    assert "\n# ## The engine, opened\n" in ch2
    assert "print(source_excerpt(Value.topological_order))" in ch2
    for text in (ch1, ch2):
        assert "[chapter 3, Notation](03_worked_example.py)" in text
