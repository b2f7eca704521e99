"""Chapter 03's own code (bpbook.chapters.ch03_worked_example): the explorer and the exercise
checks, against the closed form of tests/worked_closed_form.py; the pictures' labels."""
import pytest

from bpbook.chapters.ch03_worked_example.exercises import (DELTA1_Y, DW2_INPUT, NEW_B2_LR,
                                                           check_delta1,
                                                           check_dW2, check_new_b2)
from bpbook.chapters.ch03_worked_example.explore import worked_update
from bpbook.worked import DEFAULTS
from tests.worked_closed_form import SETTINGS, closed_form


def test_explorer_update_recomputes_every_gradient():
    for settings in SETTINGS:
        view = worked_update(**settings)
        want = closed_form(**settings)
        shown = dict(zip(view.table.column("quantity"), view.table.column("value")))
        assert shown["∂ℒ/∂W₂"] == pytest.approx(want["dW2"], rel=1e-12)
        assert shown["δ₁"] == pytest.approx(want["delta1"], rel=1e-12)
        assert shown["ℒ after the step"] == pytest.approx(want["new L"], rel=1e-12)
        assert f"{want['dW11']:+.6f}" in view.bars


def test_exercise_checks_name_the_mistake():
    r = closed_form(**DEFAULTS)
    new_x = closed_form(**{**DEFAULTS, **DW2_INPUT})
    assert check_dW2(new_x["dW2"]).ok is True
    wrong = check_dW2(new_x["delta2"])
    assert wrong.ok is False and "δ₂·a₁" in wrong.message and "you gave δ₂" in wrong.message
    assert "redo the forward pass" in check_dW2(r["dW2"]).message
    assert check_dW2(None).ok is None
    assert check_dW2("0.1").ok is False
    y0 = closed_form(**{**DEFAULTS, "y": DELTA1_Y})
    assert check_delta1(y0["delta1"]).ok is True
    assert "σ'(z₁) is missing" in check_delta1(y0["delta2"] * DEFAULTS["W2"]).message
    assert check_new_b2(y0["new b2"]).ok is False
    assert check_new_b2(DEFAULTS["b2"] - NEW_B2_LR * r["db2"]).ok is True
    assert "η = 0.5" in check_new_b2(r["new b2"]).message
    assert "uphill" in check_new_b2(DEFAULTS["b2"] + NEW_B2_LR * r["db2"]).message


def test_explorer_updates_its_table_in_place():
    from bpbook.chapters.ch03_worked_example.explore import worked_explorer

    panel, table, bars = worked_explorer().children
    sliders = [s for group in panel.children for s in group.children]
    W2 = next(s for s in sliders if getattr(s, "description", None) == "W2")
    W2.value = 1.5
    expected = closed_form(**{**DEFAULTS, "W2": 1.5})
    assert f"{expected['dW2']:+.6f}" in table.value


def test_worked_explorer_sliders_wrap_and_keep_their_names():
    from bpbook.chapters.ch03_worked_example.explore import RANGES, SLIDER_WIDTH, worked_explorer

    box = worked_explorer()
    controls = box.children[0]
    assert controls.layout.flex_flow == "row wrap"
    sliders = [c for group in controls.children for c in group.children
               if hasattr(c, "readout_format")]
    assert sorted(s.description for s in sliders) == sorted(RANGES)
    assert all(s.layout.width == SLIDER_WIDTH for s in sliders)


def test_network_figure_shows_the_parameters_and_optionally_the_values():
    from bpbook.chapters.ch03_worked_example.plots import network_figure
    from bpbook.worked import worked_example

    texts = lambda fig: " ".join(t.get_text() for t in fig.axes[0].texts)  # noqa: E731
    plain = texts(network_figure(DEFAULTS))
    for label in ("W₁₁ = 0.4", "W₁₂ = 0.6", "W₂ = 0.9", "b₁ = 0.1", "b₂ = 0.1"):
        assert label in plain
    assert "δ₁" not in plain
    r = worked_example(W2=-1.3)
    full = texts(network_figure({**DEFAULTS, "W2": -1.3}, r))
    assert "W₂ = -1.3" in full and f"δ₁ = {r['delta1']:+.5f}" in full


def test_inserted_digits_finds_every_single_insertion():
    from bpbook.chapters.ch03_worked_example.appendix import inserted_digits

    assert inserted_digits("-0.8", "-0.68") == [(3, "6")]
    assert inserted_digits("-0.973", "-0.6973") == [(3, "6")]
    assert inserted_digits("11", "111") == [(0, "1"), (1, "1"), (2, "1")]
    assert inserted_digits("-0.8", "-0.8") == [] and inserted_digits("-0.8", "-0.678") == []
    with pytest.raises(TypeError, match="must be strings, got float and str"):
        inserted_digits(-0.8, "-0.68")


def test_the_copys_exponents_are_the_texts_own_minus_z_missing_a_six():
    """Issue 21, error 6: e^−0.8 for z₁ = 0.68 and e^−0.973 for z₂ = 0.6973, as quoted; the powers
    the text prints are e^(−z) of its own z, not e to the exponent it writes."""
    import math

    from bpbook.chapters.ch03_worked_example.appendix import exponent_facts

    facts = exponent_facts()
    assert set(facts) == {"z1", "z2"}
    for f in facts.values():
        assert f["written"] == "-" + f["z"].replace("0.6", "0.", 1)  # the 6 after "0." is gone
        assert [d for _, d in f["insertions"]] == ["6"]
        assert f["e^-z"] == pytest.approx(math.exp(-float(f["z"])), rel=1e-15)
        assert abs(f["shown value"] - f["e^-z"]) < 5e-4 < abs(f["shown value"] - f["e^written"])


def test_show_writes_the_computed_numbers_into_the_arithmetic():
    from bpbook.chapters.ch03_worked_example import show

    r = closed_form(**DEFAULTS)
    forward = show.forward(DEFAULTS, r["z1"], r["a1"], r["z2"], r["y_hat"], r["L"],
                           r["exp(-z1)"], r["exp(-z2)"])
    latex = [m.data for m in forward]
    assert latex[0].endswith(f"= {r['z1']:.6f}") and r"\mathcal L" in latex[4]
    assert f"{r['exp(-z1)']:.6f}" in latex[1]
    hidden = show.hidden(DEFAULTS, r["a1"], r["delta2"], r["dL/da1"], r["sigma'(z1)"],
                         r["delta1"], r["dW11"], r["dW12"], r["db1"])
    assert hidden[2].data.endswith(f"= {r['delta1']:.6f}")
    assert f"({r['delta1']:.6f})" in hidden[3].data  # a negative factor is bracketed
    assert "**below**" in show.which_side(0.3, 1.0)[0].data
    assert "**above**" in show.which_side(0.3, 0.0)[0].data
    assert "none" in show.signs([], 5, 0.1)[0].data


def test_the_figures_are_described_from_their_numbers():
    from bpbook.chapters.ch03_worked_example.plots import gradient_bars, network_figure
    from bpbook.display import alt_of
    from bpbook.worked import worked_example

    r = worked_example(W2=-1.3)
    alt, _ = alt_of(network_figure({**DEFAULTS, "W2": -1.3}, r))
    assert "W₂ = -1.3" in alt and f"δ₁ = {r['delta1']:+.5f}" in alt
    assert "δ₁" not in alt_of(network_figure(DEFAULTS))[0]
    bars, _ = alt_of(gradient_bars(r))
    for p in ("W2", "b2", "W11", "W12", "b1"):
        assert f"{p} {r['d' + p]:+.6f}" in bars
    negative = sum(r["d" + p] < 0 for p in ("W2", "b2", "W11", "W12", "b1"))
    assert f"{negative} of the 5 are negative" in bars
    assert "all 5 are negative" in alt_of(gradient_bars(worked_example()))[0]


def test_each_student_gets_inputs_off_the_explorers_grid_and_checks_that_judge_them(monkeypatch):
    """Per-student inputs (bpbook.variants): the checks accept each student's closed-form
    answers and name the typical mistakes; the book's numbers are off the explorer's 0.05 grid
    (its table would show the answers there), and a reader alone keeps them."""
    from bpbook.chapters.ch03_worked_example import exercises as ex
    from bpbook.chapters.ch03_worked_example.explore import RANGES
    from tests.student_numbers import STUDENTS, as_student

    def on_grid(value, key):
        lo, _, step = RANGES[key]
        return abs((value - lo) / step - round((value - lo) / step)) < 1e-9

    assert not any(on_grid(ex.DW2_INPUT[k], k) for k in ("x1", "x2"))
    assert not on_grid(ex.DELTA1_Y, "y")
    book = (dict(ex.DW2_INPUT), ex.DELTA1_Y, ex.NEW_B2_LR)
    seen = set()
    for who in STUDENTS:
        with as_student(monkeypatch, who, ex):
            x, y, lr = ex.DW2_INPUT, ex.DELTA1_Y, ex.NEW_B2_LR
            seen.add((x["x1"], x["x2"], y, lr))
            new_x = closed_form(**{**DEFAULTS, **x})
            assert ex.check_dW2(new_x["dW2"]).ok is True
            assert "δ₂ alone" in ex.check_dW2(new_x["delta2"]).message
            assert "redo the forward pass" in ex.check_dW2(closed_form(**DEFAULTS)["dW2"]).message
            target = closed_form(**{**DEFAULTS, "y": y})
            assert ex.check_delta1(target["delta1"]).ok is True
            assert "σ'(z₁) is missing" in ex.check_delta1(target["dL/da1"]).message
            assert "wrong sign" in ex.check_delta1(-target["delta1"]).message
            db2 = closed_form(**DEFAULTS)["db2"]
            assert ex.check_new_b2(DEFAULTS["b2"] - lr * db2).ok is True
            assert "uphill" in ex.check_new_b2(DEFAULTS["b2"] + lr * db2).message
    assert len(seen) == len(STUDENTS)
    assert (dict(ex.DW2_INPUT), ex.DELTA1_Y, ex.NEW_B2_LR) == book
