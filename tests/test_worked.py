"""bpbook.worked (the book's running example) against a closed form written out in the tests
(tests/worked_closed_form.py): the forward values, gradients and update, the errata and summary
tables, the SymPy derivation, and the same network as a graph of Values."""
import math

import pytest

from bpbook.reference import WORKED_PRINTED
from bpbook.worked import DEFAULTS, errata, summary_table, worked_example, worked_graph
from tests.worked_closed_form import SETTINGS, closed_form


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
        for p, grad, direction in zip(table.column("parameter"), table.column("gradient ∂ℒ/∂θ"),
                                      table.column("direction")):
            assert grad == pytest.approx(want["d" + p], rel=1e-12)
            assert direction.startswith("↑" if grad < 0 else "↓")


@pytest.mark.parametrize("settings", SETTINGS)
def test_sympy_derivation_matches_closed_form(settings):
    from bpbook.symbolic import evaluate, worked_symbolic
    symbols, L, grads = worked_symbolic()
    want = closed_form(**settings)
    assert evaluate(L, symbols, settings) == pytest.approx(want["L"], rel=1e-12)
    for p, g in grads.items():
        assert evaluate(g, symbols, settings) == pytest.approx(want["d" + p], rel=1e-12)


def test_worked_graph_against_closed_form():
    v = worked_graph()
    v["L"].backward()
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    z1 = 0.4 * 0.5 + 0.6 * 0.8 + 0.1
    a1 = sig(z1)
    y_hat = sig(0.9 * a1 + 0.1)
    delta2 = (y_hat - 1.0) * y_hat * (1 - y_hat)
    delta1 = delta2 * 0.9 * a1 * (1 - a1)
    expected = {"W2": delta2 * a1, "b2": delta2, "W11": delta1 * 0.5, "W12": delta1 * 0.8,
                "b1": delta1}
    for name, g in expected.items():
        assert math.isclose(v[name].grad, g, rel_tol=1e-12), name
    assert math.isclose(v["L"].data, 0.5 * (y_hat - 1) ** 2, rel_tol=1e-12)


def test_worked_graph_gradients_match_the_closed_form():
    v = worked_graph(W2=-1.3, y=0.0)
    v["L"].backward()
    sig = lambda t: 1 / (1 + math.exp(-t))
    a1 = sig(0.4 * 0.5 + 0.6 * 0.8 + 0.1)
    y_hat = sig(-1.3 * a1 + 0.1)
    delta2 = (y_hat - 0.0) * y_hat * (1 - y_hat)
    assert math.isclose(v["W2"].grad, delta2 * a1, rel_tol=1e-12)
    assert math.isclose(v["W11"].grad, delta2 * -1.3 * a1 * (1 - a1) * 0.5, rel_tol=1e-12)


def test_exponent_slips_quote_the_text_and_compute_both_powers():
    from bpbook.reference import EXPONENT_PRINTED, FORWARD_STEPS
    from bpbook.worked import exponent_slips

    printed = WORKED_PRINTED[FORWARD_STEPS]
    r = closed_form(**DEFAULTS)
    table = exponent_slips(worked_example())
    rows = {row[0]: row[1:] for row in table.rows}
    for i, key in enumerate(("z1", "z2")):
        written, own_z = float(EXPONENT_PRINTED[key]), float(printed[key])
        assert rows["exponent the text writes"][i] == EXPONENT_PRINTED[key]
        assert rows["e^(written exponent)"][i] == pytest.approx(math.exp(written), rel=1e-12)
        assert rows["e^(−z) with the text's z"][i] == pytest.approx(math.exp(-own_z), rel=1e-12)
        assert rows["e^(−z), computed"][i] == pytest.approx(r[f"exp(-{key})"], rel=1e-12)
        # what the table exists to show: the printed power is e^(−z) of the text's own z, not
        # e to the exponent it writes
        shown = float(rows["e^(…) as printed"][i])
        assert abs(shown - math.exp(-own_z)) < 1e-3 < abs(shown - math.exp(written))


def test_the_step_lowers_the_loss_at_the_defaults():
    r = worked_example()
    assert r["new L"] == pytest.approx(closed_form(**DEFAULTS)["new L"], rel=1e-12)
    assert r["new L"] < r["L"]


@pytest.mark.parametrize("sizes,m", [([2, 3, 2], 3), ([1, 2, 1], 4), ([3, 1], 2)])
def test_symbolic_batch_loss_and_gradients_match_backprop(sizes, m):
    import numpy as np

    from bpbook.model import mlp
    from bpbook.symbolic import SymbolicMLP, params_of

    model = mlp(sizes, seed=m, scale=1.0)
    rng = np.random.RandomState(m)
    X, Y = rng.randn(sizes[0], m), rng.rand(sizes[-1], m)
    loss = model.forward_backward(X, Y, "mse")
    sym = SymbolicMLP(sizes, batch=m)
    # the batch loss written out here: the mean over samples of ½ Σ (ŷ − y)²
    per_sample = [SymbolicMLP(sizes).loss_at(params_of(model), X[:, k], Y[:, k])
                  for k in range(m)]
    assert sym.loss_at(params_of(model), X, Y) == pytest.approx(sum(per_sample) / m, rel=1e-12)
    assert sym.loss_at(params_of(model), X, Y) == pytest.approx(loss, rel=1e-12)
    closed = sym.gradients_at(params_of(model), X, Y)
    for name, _, grad in model.parameters():
        np.testing.assert_allclose(grad, closed[name], rtol=1e-10, atol=1e-14, err_msg=name)


def test_symbolic_batch_rejects_data_of_the_wrong_shape():
    import numpy as np

    from bpbook.errors import ShapeError
    from bpbook.model import mlp
    from bpbook.symbolic import SymbolicMLP, params_of

    sym = SymbolicMLP([2, 1], batch=3)
    with pytest.raises(ShapeError, match=r"x should have shape \(2, 3\).*got \(2, 2\)"):
        sym.loss_at(params_of(mlp([2, 1])), np.zeros((2, 2)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match="batch should be an integer >= 1 and <= 200, got 0"):
        SymbolicMLP([2, 1], batch=0)
