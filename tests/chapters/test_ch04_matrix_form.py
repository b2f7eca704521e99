"""Chapter 04's own code (bpbook.chapters.ch04_matrix_form): the batch network against
torch.autograd, SymPy and finite differences; the outer products, shapes, explorer, pictures and
the exercise check."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


def torch_trace(p, hidden="sigmoid"):
    """Forward and backward of the batch network in torch (autograd as the truth): the arrays the
    chapter's teaching code computes, by the names of ``matrix.SHAPES``, as numpy; the hidden
    layer ``hidden`` (``torch.sigmoid`` or ``torch.tanh``), the output a sigmoid."""
    torch = pytest.importorskip("torch")
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=k[0] in "Wb") for k, v in p.items()}
    Z1 = t["W1"] @ t["X"] + t["b1"]
    A1 = getattr(torch, hidden)(Z1)
    Z2 = t["W2"] @ A1 + t["b2"]
    A2 = torch.sigmoid(Z2)
    for z in (Z1, Z2, A1):
        z.retain_grad()
    m = p["X"].shape[1]
    loss = 0.5 * ((A2 - t["Y"]) ** 2).sum() / m
    loss.backward()
    out = {"X": p["X"], "W1": p["W1"], "b1": p["b1"], "W2": p["W2"], "b2": p["b2"], "Z1": Z1,
           "A1": A1, "Z2": Z2, "A2": A2, "Delta1": Z1.grad, "Delta2": Z2.grad,
           "dW1": t["W1"].grad, "db1": t["b1"].grad, "dW2": t["W2"].grad, "db2": t["b2"].grad,
           "dA1": A1.grad, "L": loss}
    return {k: v.detach().numpy() if hasattr(v, "detach") else v for k, v in out.items()}


@pytest.mark.parametrize("sizes,m,seed", [((2, 3, 2), 3, 1), ((3, 4, 2), 5, 7), ((2, 2, 3), 4, 0)])
def test_matrix_network_backprop_sympy_finite_differences_and_torch_agree(sizes, m, seed):
    from bpbook.chapters.ch04_matrix_form.matrix import as_model, batch_problem
    from bpbook.gradcheck import numeric_grad
    from bpbook.symbolic import SymbolicMLP, params_of

    p = batch_problem(sizes, m, seed)
    assert all(p[f"W{l}"].shape == (sizes[l], sizes[l - 1]) for l in (1, 2))
    assert p["X"].shape == (sizes[0], m) and p["Y"].shape == (sizes[-1], m)
    truth = torch_trace(p)
    net = as_model(p)
    loss = net.forward_backward(p["X"], p["Y"], "mse")
    assert loss == pytest.approx(float(truth["L"]), rel=1e-13)
    closed = SymbolicMLP(list(sizes), batch=m).gradients_at(params_of(net), p["X"], p["Y"])
    for name, value, grad in net.parameters():
        l, kind = name[5], name[-1]
        want = truth[f"d{kind}{l}"]
        np.testing.assert_allclose(grad, want, rtol=1e-11, atol=1e-15, err_msg=f"torch {name}")
        np.testing.assert_allclose(closed[name], want, rtol=1e-10, atol=1e-15,
                                   err_msg=f"SymPy {name}")
        fd = numeric_grad(lambda: net.loss(p["X"], p["Y"], "mse"), value)
        np.testing.assert_allclose(fd, want, rtol=1e-6, atol=1e-10, err_msg=f"finite diff {name}")


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), m=st.integers(1, 6))
def test_summed_outer_products_are_the_weight_gradient_and_delta_uses_the_transpose(seed, m):
    from bpbook.chapters.ch04_matrix_form.matrix import batch_problem, outer_products

    p = batch_problem((2, 3, 2), m, seed)
    t = torch_trace(p)
    for l, a_prev in ((2, t["A1"]), (1, t["X"])):
        parts = outer_products(t[f"Delta{l}"], a_prev)
        assert len(parts) == m
        for k, part in enumerate(parts):  # entry (i, j) is δ_i a_j of sample k
            for (i, j), v in np.ndenumerate(part):
                assert v == pytest.approx(t[f"Delta{l}"][i, k] * a_prev[j, k], rel=1e-14, abs=0)
        np.testing.assert_allclose(sum(parts), t[f"dW{l}"], rtol=1e-12, atol=1e-16)
        np.testing.assert_allclose(t[f"Delta{l}"].sum(axis=1, keepdims=True), t[f"db{l}"],
                                   rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(p["W2"].T @ t["Delta2"], t["dA1"], rtol=1e-12, atol=1e-16)


def test_shape_table_checks_every_shape_and_names_the_wrong_one():
    from bpbook.chapters.ch04_matrix_form.matrix import SHAPES, batch_problem, shape_table
    from bpbook.errors import ShapeError

    p = batch_problem((2, 3, 2), 4, 5)
    trace = torch_trace(p)
    table = shape_table(trace, (2, 3, 2), 4)
    assert len(table.rows) == len(SHAPES)
    rows = {r[0]: r for r in table.rows}
    assert rows["∂ℒ/∂W₂ = Δ₂A₁ᵀ"][1:] == ["(n₂, n₁)", "(2, 3)", "(2, 3)"]
    assert rows["Δ₁ = (W₂ᵀΔ₂) ⊙ σ′(Z₁)"][2] == "(3, 4)"
    bad = {**trace, "dW2": trace["dW2"].T}
    with pytest.raises(ShapeError, match=r"dW2 .*should have shape \(n₂, n₁\) = \(2, 3\), "
                                         r"got \(3, 2\)"):
        shape_table(bad, (2, 3, 2), 4)


def test_outer_update_shows_one_sample_or_the_sum():
    from bpbook.chapters.ch04_matrix_form.matrix import batch_problem, outer_update

    t = torch_trace(batch_problem())
    view = outer_update(1, t)
    part = view.parts[2]
    np.testing.assert_allclose(part["product"], np.outer(t["Delta2"][:, 1], t["A1"][:, 1]),
                               rtol=1e-14)
    np.testing.assert_allclose(part["delta"], t["Delta2"][:, 1])
    assert f"{part['product'][0, 2]:+.5f}" in view.html and "sample 2" in view.html
    total = outer_update(None, t)
    for l in (1, 2):
        np.testing.assert_allclose(total.parts[l]["product"], t[f"dW{l}"], rtol=1e-12)
    assert f"{t['dW1'][2, 1]:+.5f}" in total.html
    for bad in (3, -1, 1.5, "1"):
        with pytest.raises(ValueError, match=r"sample must be None or an integer in 0\.\.2"):
            outer_update(bad, t)


def test_outer_explorer_wires_the_slider_to_the_update():
    from bpbook.chapters.ch04_matrix_form.matrix import batch_problem, outer_explorer, outer_update

    t = torch_trace(batch_problem())
    slider, tables = outer_explorer(t).children
    assert [v for _, v in slider.options] == [0, 1, 2, 3]  # three samples, then their sum
    assert tables.value == outer_update(0, t).html
    slider.value = 3
    assert tables.value == outer_update(None, t).html
    slider.value = 1
    assert tables.value == outer_update(1, t).html


def test_input_gradient_exercise_names_the_mistakes():
    from bpbook.chapters.ch04_matrix_form.exercises import check_input_grad
    from bpbook.chapters.ch04_matrix_form.matrix import batch_problem

    p = batch_problem()
    t = torch_trace(p)
    torch = pytest.importorskip("torch")
    X = torch.tensor(p["X"], requires_grad=True)
    A1 = torch.sigmoid(torch.tensor(p["W1"]) @ X + torch.tensor(p["b1"]))
    A2 = torch.sigmoid(torch.tensor(p["W2"]) @ A1 + torch.tensor(p["b2"]))
    (0.5 * ((A2 - torch.tensor(p["Y"])) ** 2).sum() / p["X"].shape[1]).backward()
    right = X.grad.numpy()
    assert check_input_grad(right, t).ok is True
    assert check_input_grad(None, t).ok is None
    assert "transpose" in check_input_grad(right.T, t).message
    assert "summed over the samples" in check_input_grad(right.sum(axis=1, keepdims=True),
                                                         t).message
    no_slope = p["W1"].T @ (p["W2"].T @ t["Delta2"])
    assert "σ′(Z₁) is missing" in check_input_grad(no_slope, t).message
    assert "no σ′" in check_input_grad(right * p["X"] * (1 - p["X"]), t).message
    assert check_input_grad(right + 1e-3, t).ok is False
    assert "array of numbers" in check_input_grad({"a": 1}, t).message


def test_model_trace_is_the_torch_trace():
    from bpbook.chapters.ch04_matrix_form.matrix import SHAPES, batch_problem, model_trace

    p = batch_problem((3, 2, 2), 4, 11)
    got, want = model_trace(p), torch_trace(p)
    for name in SHAPES:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-12, atol=1e-16, err_msg=name)


def test_transpose_figure_sums_down_the_column_of_the_weights():
    from bpbook.chapters.ch04_matrix_form.matrix import batch_problem, transpose_figure

    p = batch_problem()
    t = torch_trace(p)
    j, k = 2, 1
    fig = transpose_figure(p["W2"], t["Delta2"][:, k], j)
    text = " ".join(x.get_text() for x in fig.axes[0].texts)
    # ∂ℒ/∂a for sample k (the batch loss, so δ carries 1/m), from torch
    assert f"= {t['dA1'][j, k]:+.5f}" in text
    assert f"W₂,₁₃ = {p['W2'][0, 2]:+.3f}" in text and f"W₂,₂₃ = {p['W2'][1, 2]:+.3f}" in text


def test_instructor_solution_passes_and_the_typical_mistake_is_named():
    import importlib.util
    from pathlib import Path

    from bpbook.chapters.ch04_matrix_form.exercises import check_input_grad
    from bpbook.chapters.ch04_matrix_form.matrix import batch_problem, model_trace

    path = Path(__file__).resolve().parents[2] / "instructor" / "solutions" / "04_matrix_form.py"
    spec = importlib.util.spec_from_file_location("solutions_04", path)
    solutions = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(solutions)
    entry = solutions.EXERCISES["04.input-grad"]
    trace = model_trace(batch_problem())
    # the chapter's names for the section's arrays
    names = {"W1": trace["W1"], "W2": trace["W2"], "X": trace["X"], "Delta1": trace["Delta1"],
             "Delta2": trace["Delta2"], "np": np}
    right, wrong = dict(names), dict(names)
    exec(entry["solution"], right)
    exec(entry["wrong"], wrong)
    assert check_input_grad(right["answer"], trace).ok is True
    verdict = check_input_grad(wrong["answer"], trace)
    assert verdict.ok is False and "transpose" in verdict.message


def test_a_summed_batch_loss_scales_every_gradient_by_m():
    """The think question 04.batch-sum: the sum of the samples' losses against their mean."""
    torch = pytest.importorskip("torch")
    from bpbook.chapters.ch04_matrix_form.matrix import batch_problem, model_trace

    p = batch_problem()
    m = p["X"].shape[1]
    mean = model_trace(p)
    t = {k: torch.tensor(v, requires_grad=k[0] in "Wb") for k, v in p.items()}
    y_hat = torch.sigmoid(t["W2"] @ torch.sigmoid(t["W1"] @ t["X"] + t["b1"]) + t["b2"])
    (0.5 * ((y_hat - t["Y"]) ** 2).sum()).backward()
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(t[name].grad.numpy(), m * mean["d" + name], rtol=1e-12)


def test_input_gradient_exercise_refuses_complex_and_huge_answers():
    from bpbook.chapters.ch04_matrix_form.exercises import check_input_grad
    from bpbook.chapters.ch04_matrix_form.matrix import batch_problem

    t = torch_trace(batch_problem())
    want = t["W1"].T @ t["Delta1"]
    assert check_input_grad(want, t).ok is True
    complex_answer = check_input_grad(want + 5j, t)
    assert complex_answer.ok is False and "complex" in complex_answer.message
    huge = check_input_grad(10 ** 400, t)
    assert huge.ok is False and "array of numbers" in huge.message


def test_show_writes_the_sum_down_a_column_of_w2_as_torch_computes_it():
    from bpbook.chapters.ch04_matrix_form import show
    from bpbook.chapters.ch04_matrix_form.matrix import batch_problem

    p = batch_problem()
    t = torch_trace(p)
    for j, k in ((0, 0), (2, 1)):
        by_index, by_matrix = (m.data for m in show.transpose_sum(p["W2"], t["Delta2"], j, k))
        value = f"= {t['dA1'][j, k]:.6f}"
        assert by_index.endswith(value) and by_matrix.endswith(value)
        assert f"{p['W2'][0, j]:.4f}" in by_index
    bias = show.bias_sum(t["Delta2"], t["db2"])[0].data
    assert f"{t['db2'][0, 0]:.5f}" in bias and r"\mathcal L" in bias


def test_the_figures_are_described_from_their_numbers():
    from bpbook.chapters.ch04_matrix_form.matrix import (batch_problem, outer_figure,
                                                         transpose_figure)
    from bpbook.display import alt_of

    p = batch_problem()
    t = torch_trace(p)
    alt, details = alt_of(outer_figure(t))
    assert "3 samples' outer products" in alt
    for l in (1, 2):
        assert ", ".join(f"{v:+.2g}" for v in t[f"dW{l}"][0]) in details
    # rev-1: "+0.000" hid the sign that "pulled both ways" counts; a small entry keeps it
    smallest = min((v for d, a in ((t["Delta1"], t["X"]), (t["Delta2"], t["A1"]))
                    for k in range(d.shape[1]) for v in np.outer(d[:, k], a[:, k]).flat), key=abs)
    assert abs(smallest) < 5e-4 and f"{smallest:+.2g}" in details  # "±0.000" at 3 decimals
    assert not re.search(r"[+-]0\.0*(?![0-9e])", details)
    j, k = 2, 1
    words, _ = alt_of(transpose_figure(p["W2"], t["Delta2"][:, k], j))
    assert f"∂ℒ/∂a₁,{j + 1} = {t['dA1'][j, k]:+.5f}" in words
    assert f"{p['W2'][1, j]:+.3f}" in words


def test_new_batch_exercise_against_torch_names_the_mistakes():
    from bpbook.chapters.ch04_matrix_form.exercises import NEW_M, NEW_SEED, check_new_batch_dW1
    from bpbook.chapters.ch04_matrix_form.matrix import SIZES, batch_problem

    t = torch_trace(batch_problem(SIZES, NEW_M, NEW_SEED), hidden="tanh")
    right = t["dW1"]
    assert check_new_batch_dW1(right).ok is True
    assert check_new_batch_dW1(None).ok is None
    assert "1/m" in check_new_batch_dW1(NEW_M * right).message
    assert "already in Δ₂" in check_new_batch_dW1(right / NEW_M).message
    assert "transpose" in check_new_batch_dW1(right.T).message
    back = batch_problem(SIZES, NEW_M, NEW_SEED)["W2"].T @ t["Delta2"]
    assert "yours is (W₂ᵀΔ₂)Xᵀ: the hidden slope" in check_new_batch_dW1(back @ t["X"].T).message
    sigmoid_slope = (back * t["A1"] * (1 - t["A1"])) @ t["X"].T
    assert "that is the sigmoid's" in check_new_batch_dW1(sigmoid_slope).message
    chapter_net = torch_trace(batch_problem(SIZES, NEW_M, NEW_SEED))["dW1"]
    assert "make the hidden layer tanh" in check_new_batch_dW1(chapter_net).message
    assert check_new_batch_dW1(right + 1e-3).ok is False
    assert "array of numbers" in check_new_batch_dW1("dW1").message


def test_each_student_gets_batches_of_their_own(monkeypatch):
    """Per-student batches (bpbook.variants): the chapter's seed (exercise 1's batch) and exercise
    2's size and seed; the checks accept each student's torch-computed answers and reject the
    default batch's; a reader alone keeps the book's batches."""
    from bpbook.chapters.ch04_matrix_form import exercises as ex, matrix
    from tests.student_numbers import STUDENTS, as_student

    book = (matrix.SEED, ex.NEW_M, ex.NEW_SEED)
    default_dW1 = torch_trace(matrix.batch_problem(matrix.SIZES, ex.NEW_M, ex.NEW_SEED),
                              hidden="tanh")["dW1"]
    seen = set()
    for who in STUDENTS[:12]:
        with as_student(monkeypatch, who, matrix, ex):
            seen.add((matrix.SEED, ex.NEW_M, ex.NEW_SEED))
            assert ex.NEW_M != matrix.M and 4 <= ex.NEW_M <= 8
            t = torch_trace(matrix.batch_problem())
            assert ex.check_input_grad(t["W1"].T @ t["Delta1"], t).ok is True
            q = torch_trace(matrix.batch_problem(matrix.SIZES, ex.NEW_M, ex.NEW_SEED),
                            hidden="tanh")
            assert ex.check_new_batch_dW1(q["dW1"]).ok is True
            assert ex.check_new_batch_dW1(default_dW1).ok is False
    assert len(seen) == 12
    assert (matrix.SEED, ex.NEW_M, ex.NEW_SEED) == book
