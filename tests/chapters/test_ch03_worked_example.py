"""Chapter 03's own code (bpbook.chapters.ch03_worked_example): the explorer and the exercise
checks, against the closed form of tests/worked_closed_form.py."""
import pytest

from bpbook.chapters.ch03_worked_example.exercises import check_delta1, check_dW2, check_new_b2
from bpbook.chapters.ch03_worked_example.explore import worked_update
from bpbook.worked import DEFAULTS
from tests.worked_closed_form import SETTINGS, closed_form


def test_explorer_update_recomputes_every_gradient():
    for settings in SETTINGS:
        view = worked_update(**settings)
        want = closed_form(**settings)
        shown = dict(zip(view.table.column("quantity"), view.table.column("value")))
        assert shown["dL/dW₂"] == pytest.approx(want["dW2"], rel=1e-12)
        assert shown["δ₁"] == pytest.approx(want["delta1"], rel=1e-12)
        assert f"{want['dW11']:+.6f}" in view.bars


def test_exercise_checks_name_the_mistake():
    r = closed_form(**DEFAULTS)
    assert check_dW2(r["dW2"]).ok is True
    wrong = check_dW2(r["delta2"])
    assert wrong.ok is False and "δ₂·a₁" in wrong.message and "you gave δ₂" in wrong.message
    assert check_dW2(None).ok is None
    assert check_dW2("0.1").ok is False
    y0 = closed_form(**{**DEFAULTS, "y": 0.0})
    assert check_delta1(y0["delta1"]).ok is True
    assert "σ'(z₁) is missing" in check_delta1(y0["delta2"] * DEFAULTS["W2"]).message
    assert check_new_b2(y0["new b2"]).ok is False
    assert check_new_b2(r["new b2"]).ok is True
    assert "uphill" in check_new_b2(DEFAULTS["b2"] + DEFAULTS["lr"] * r["db2"]).message


def test_explorer_updates_its_table_in_place():
    from bpbook.chapters.ch03_worked_example.explore import worked_explorer

    panel, views = worked_explorer().children
    table, bars = views.children
    W2 = next(s for s in panel.children if getattr(s, "description", None) == "W2")
    W2.value = 1.5
    expected = closed_form(**{**DEFAULTS, "W2": 1.5})
    assert f"{expected['dW2']:+.6f}" in table.value
