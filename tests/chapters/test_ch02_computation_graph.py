"""Chapter 02's own code (bpbook.chapters.ch02_computation_graph): the backward-pass replay, the
engine tour, the gate patterns and the exercise checks, against closed forms, SymPy, finite
differences and torch."""
import math

import pytest
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st

from bpbook.chapters.ch02_computation_graph import exercises as ex
from bpbook.chapters.ch02_computation_graph.engine_tour import (
    gate_grads, overwrite_demo, softplus_backward_reference, softplus_graph, source_excerpt, vmax)
from bpbook.chapters.ch02_computation_graph.replay import (replay_figure, replay_frames,
                                                           replay_grads, replay_table, replay_text)
from bpbook.engine import Value
from bpbook.worked import worked_graph


def test_replay_frames_rebuild_the_gradients_and_the_text_shows_the_product():
    v = worked_graph()
    frames = replay_frames(v["L"])
    final = replay_grads(v["L"], frames, len(frames))
    for name in ("W11", "W12", "b1", "W2", "b2", "x1", "a1"):
        assert math.isclose(final[v[name]], v[name].grad, rel_tol=1e-12)
    for i, (node, steps) in enumerate(frames, start=1):
        text = replay_text(frames, i)
        assert text.startswith(f"**Step {i} of {len(frames)}**")
        assert replay_table(frames, i).rows[1][1] == steps[0].upstream
        for s in steps:
            assert f"{s.upstream:.6f} \\times {s.local:.6f} = {s.passed:.6f}" in text
            assert math.isclose(s.passed, s.upstream * s.local)
    partial = replay_grads(v["L"], frames, 1)
    assert v["W11"] not in partial  # step 1 is the loss node: nothing reached W11 yet


def test_replay_frames_can_run_twice():
    v = worked_graph()
    first = [f[0] for f in replay_frames(v["L"])]
    assert [f[0] for f in replay_frames(v["L"])] == first


def test_exercise_check_fan_out():
    check = ex.check_fan_out
    assert check(None).ok is None
    assert check(2 * ex.FAN_AT + 1).ok is True
    verdict = check(2 * ex.FAN_AT)
    assert verdict.ok is False and "you gave" in verdict.message
    assert check(2 * ex.FAN_AT + 2).ok is False


def test_exercise_passed_to_a1():
    v = worked_graph(W2=ex.PASS_W2)
    v["L"].backward()
    assert ex.check_passed_to_a1(v["W2·a1"].grad * ex.PASS_W2).ok is True
    assert "goes to W2" in ex.check_passed_to_a1(v["W2·a1"].grad * v["a1"].data).message
    default = worked_graph()
    default["L"].backward()
    assert ex.check_passed_to_a1(default["W2·a1"].grad * default["W2"].data).ok is False


@given(st.sampled_from([ex.check_fan_out, ex.check_passed_to_a1]))
def test_exercise_checks_refuse_non_numbers(check):
    assert check("0.5").ok is False


def test_explorer_functions_refuse_bad_input_clearly():
    frames = replay_frames(worked_graph()["L"])
    for bad in (len(frames) + 1, 0, -1, 1.5):
        with pytest.raises(IndexError, match=f"from 1 to {len(frames)}.*got {bad!r}"):
            replay_text(frames, bad)
    with pytest.raises(ValueError, match="W2 must be a finite number, got nan"):
        worked_graph(W2=float("nan"))
    with pytest.raises(TypeError, match="unknown setting 'w2'"):
        worked_graph(w2=1.0)


def test_replay_figure_shows_the_grads_known_so_far_and_placeholders():
    v = worked_graph()
    frames = replay_frames(v["L"])
    fig = replay_figure(v["L"], frames, 1)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "grad ·" in texts and "grad 1.0000" in texts


def test_source_excerpts_are_the_engines_code():
    mul = source_excerpt(Value.__mul__)
    assert mul.startswith("def __mul__(self, other):") and "(b, a)" in mul
    loop = source_excerpt(Value.backward, "for node in reversed(order):", "return None")
    assert loop.splitlines()[0] == "for node in reversed(order):" and "+= local * up" in loop
    with pytest.raises(ValueError, match="no line contains 'no such line'"):
        source_excerpt(Value.backward, "no such line", "return None")


@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(-2, 2))
def test_gate_patterns_against_closed_forms(a, b, g):
    for gate, (da, db) in {"add": (g, g), "multiply": (g * b, g * a),
                           "max": (g * (a >= b), g * (a < b))}.items():
        c, ga, gb = gate_grads(gate, a, b, g)
        assert math.isclose(ga, da, abs_tol=1e-12) and math.isclose(gb, db, abs_tol=1e-12)
    with pytest.raises(ValueError, match="gate must be one of add, multiply, max, got 'min'"):
        gate_grads("min", a, b, g)


def test_vmax_against_torch():
    for a, b in ((2.0, -3.0), (-1.0, 0.5)):
        ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        torch.maximum(ta, tb).backward()
        va, vb = Value(a), Value(b)
        vmax(va, vb).backward()
        assert (va.grad, vb.grad) == (ta.grad.item(), tb.grad.item())


def test_softplus_graph_with_the_model_answer_against_sympy_and_differences():
    xs = sp.Symbol("x")
    dL = sp.lambdify(xs, sp.diff(sp.log(1 + sp.exp(xs)) ** 2 + xs**2, xs))
    for x0 in (-2.0, 0.0, 0.7, 30.0):
        g = softplus_graph(x0, softplus_backward_reference)
        assert math.isclose(g["x"].grad, dL(x0), rel_tol=1e-12)
        assert math.isclose(g["s"].data, math.log1p(math.exp(x0)), rel_tol=1e-15)


def test_fan_out_needs_plus_equals():
    for a0 in (-0.8, 0.7):
        right, overwritten = overwrite_demo(a0)
        t = math.tanh(a0)
        assert math.isclose(right, t + a0 * (1 - t * t), rel_tol=1e-12)
        # the last edge to arrive wins: t's share, (1 - tanh²a)·a, replaces the product's, tanh a
        assert not math.isclose(overwritten, right)
        assert math.isclose(overwritten, (1 - t * t) * a0, rel_tol=1e-12)


def test_exercise_softplus_backward_names_each_mistake():
    assert ex.check_softplus_backward(None).ok is None
    assert ex.check_softplus_backward(lambda x, out: None).ok is None  # an unwritten body

    def right(x, out):
        x.grad += out.grad / (1 + math.exp(-x.data))
    assert ex.check_softplus_backward(right).ok is True
    for wrong, what in ex.SOFTPLUS_MISTAKES:
        verdict = ex.check_softplus_backward(wrong)
        assert verdict.ok is False and what in verdict.message

    def crashes(x, out):
        raise NameError("name 'sigma' is not defined")
    assert "NameError" in ex.check_softplus_backward(crashes).message


def test_exercise_gates_against_closed_form():
    p, q, r = ex.GATE_AT["p"], ex.GATE_AT["q"], ex.GATE_AT["r"]
    assert q > r  # q wins the max, so both of its roads carry a share
    right = q + (p + q)  # ∂/∂q of (p + q)·max(q, r) = (p + q)·q: the sum's road, then max's
    assert ex.check_gates(right).ok is True
    assert "only the road through the sum" in ex.check_gates(q).message
    assert "only the road through max" in ex.check_gates(p + q).message
    assert ex.check_gates(right + 0.5).ok is False
    assert ex.check_gates(None).ok is None


def test_a_returned_softplus_share_is_wrong_not_unanswered():
    """rev-1: a function that returns the share instead of adding it was told "returns None"."""
    verdict = ex.check_softplus_backward(lambda x, out: out.grad / (1 + math.exp(-x.data)))
    assert verdict.ok is False and "returned instead of added" in verdict.message


def test_fan_out_names_the_edge_counted_once():
    assert "counted once" in ex.check_fan_out(ex.FAN_AT + 1).message


def test_each_student_gets_numbers_that_keep_answers_and_mistakes_apart(monkeypatch):
    """Per-student settings (bpbook.variants): each student's closed-form answers pass, the
    typical mistakes are named; W₂ < 0 (never a₁'s look-alike), q > r; the book's numbers for a
    reader alone."""
    from tests.student_numbers import STUDENTS, as_student

    book = (ex.FAN_AT, ex.PASS_W2, dict(ex.GATE_AT))
    seen = set()
    for who in STUDENTS:
        with as_student(monkeypatch, who, ex):
            a, W2, (p, q, r) = ex.FAN_AT, ex.PASS_W2, ex.GATE_AT.values()
            seen.add((a, W2, p, q, r))
            assert ex.check_fan_out(2 * a + 1).ok is True
            assert "you gave" in ex.check_fan_out(2 * a).message
            assert W2 < 0 and q - r >= 0.4
            v = worked_graph(W2=W2)
            v["L"].backward()
            up = v["W2·a1"].grad
            assert ex.check_passed_to_a1(up * W2).ok is True
            assert "goes to W2" in ex.check_passed_to_a1(up * v["a1"].data).message
            assert ex.check_gates(p + 2 * q).ok is True
            assert "you gave" in ex.check_gates(q).message
    assert len(seen) == len(STUDENTS)
    assert (ex.FAN_AT, ex.PASS_W2, dict(ex.GATE_AT)) == book


def test_replay_figure_refuses_a_step_out_of_range_like_replay_text():
    """Issue 11: replay_figure once raised a bare IndexError from the frame list."""
    root = worked_graph()["L"]
    frames = replay_frames(root)
    for bad in (0, len(frames) + 1, True):
        with pytest.raises(IndexError, match=f"from 1 to {len(frames)}.*got {bad!r}"):
            replay_figure(root, frames, bad)


def test_step_explorer_shows_each_frame_in_place():
    from bpbook.chapters.ch02_computation_graph.replay import replay_table, step_explorer

    root = worked_graph()["L"]
    buttons, view = step_explorer(root).children
    slider, caption, table, picture = view.children
    image = picture.children[0]  # beside it, its text alternative
    before = image.value
    buttons.children[1].click()  # Next
    assert slider.value == 2
    assert table.value == replay_table(replay_frames(root), 2)._repr_html_()
    assert "Step 2 of" in caption.value and image.value != before
