"""The worked example against a closed form written out here, independently of bpbook, and the
pieces built on it: the errata table, the summary table, the explorer, the exercise checks."""
import math

import pytest

from bpbook.exercises import check_delta1, check_dW2, check_new_b2
from bpbook.explore_worked import worked_update
from bpbook.reference import WORKED_PRINTED
from bpbook.worked import DEFAULTS, errata, summary_table, worked_example


def closed_form(x1, x2, y, W11, W12, b1, W2, b2, lr):
    sig = lambda t: 1 / (1 + math.exp(-t))
    z1 = W11 * x1 + W12 * x2 + b1
    a1 = sig(z1)
    z2 = W2 * a1 + b2
    y_hat = sig(z2)
    d2 = (y_hat - y) * y_hat * (1 - y_hat)
    d1 = d2 * W2 * a1 * (1 - a1)
    g = {"dW2": d2 * a1, "db2": d2, "dW11": d1 * x1, "dW12": d1 * x2, "db1": d1}
    old = {"W2": W2, "b2": b2, "W11": W11, "W12": W12, "b1": b1}
    out = {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "L": 0.5 * (y_hat - y) ** 2,
           "delta2": d2, "delta1": d1, "dL/dy_hat": y_hat - y, "sigma'(z2)": y_hat * (1 - y_hat),
           "dL/da1": W2 * d2, "sigma'(z1)": a1 * (1 - a1), **g}
    out.update({f"new {p}": old[p] - lr * g["d" + p] for p in old})
    out.update({f"step {p}": -lr * g["d" + p] for p in old})
    return out


SETTINGS = [DEFAULTS, {**DEFAULTS, "y": 0.0}, {**DEFAULTS, "W2": -1.3, "b1": 2.0, "lr": 1.5},
            {**DEFAULTS, "x1": -2.0, "x2": 1.1, "W11": 3.0, "W12": -2.5}]


@pytest.mark.parametrize("settings", SETTINGS)
def test_worked_example_matches_closed_form(settings):
    got, want = worked_example(**settings), closed_form(**settings)
    for key, value in want.items():
        assert math.isclose(got[key], value, rel_tol=1e-12, abs_tol=1e-15), key


def test_worked_example_rejects_bad_settings():
    with pytest.raises(ValueError, match="lr must be > 0, got -0.5"):
        worked_example(lr=-0.5)
    with pytest.raises(TypeError, match="unknown setting 'w2'"):
        worked_example(w2=1.0)
    with pytest.raises(ValueError, match="x1 must be a finite number, got nan"):
        worked_example(x1=float("nan"))


def test_errata_lists_exactly_the_printed_numbers_that_disagree():
    r = closed_form(**DEFAULTS)
    table = errata(worked_example())
    listed = {(row[0], row[1]) for row in table.rows}
    # The tutorial's z1 = 0.68 is wrong: 0.4*0.5 + 0.6*0.8 + 0.1 = 0.78.
    assert ("z₁", "0.68") in listed
    for numbers in WORKED_PRINTED.values():
        for key, printed in numbers.items():
            d = len(printed.split(".")[1])
            agrees = round(r[key], d) == round(float(printed), d)
            in_table = any(row[1] == printed and row[4] == pytest.approx(r[key] - float(printed))
                           for row in table.rows)
            assert in_table != agrees, (key, printed)


def test_summary_table_directions_follow_the_sign_of_the_gradient():
    for settings in SETTINGS:
        want = closed_form(**settings)
        table = summary_table(worked_example(**settings), settings)
        for p, grad, direction in zip(table.column("parameter"), table.column("gradient dL/dθ"),
                                      table.column("direction")):
            assert grad == pytest.approx(want["d" + p], rel=1e-12)
            assert direction.startswith("↑" if grad < 0 else "↓")


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


@pytest.mark.parametrize("settings", SETTINGS)
def test_sympy_derivation_matches_closed_form(settings):
    from bpbook.symbolic import evaluate, worked_symbolic
    symbols, L, grads = worked_symbolic()
    want = closed_form(**settings)
    assert evaluate(L, symbols, settings) == pytest.approx(want["L"], rel=1e-12)
    for p, g in grads.items():
        assert evaluate(g, symbols, settings) == pytest.approx(want["d" + p], rel=1e-12)
