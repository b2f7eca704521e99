"""Chapter 02's own code (bpbook.chapters.ch02_computation_graph): the backward-pass replay, the
operation counts and the exercise checks, against closed forms."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bpbook.chapters import ch02_computation_graph as ex
from bpbook.chapters.ch02_computation_graph import (mlp_graph, replay_figure, replay_frames,
                                                    replay_grads, replay_text, work_counts)
from bpbook.worked import worked_graph


def test_replay_frames_rebuild_the_gradients_and_the_text_shows_the_product():
    v = worked_graph()
    frames = replay_frames(v["L"])
    final = replay_grads(v["L"], frames, len(frames) - 1)
    for name in ("W11", "W12", "b1", "W2", "b2", "x1", "a1"):
        assert math.isclose(final[v[name]], v[name].grad, rel_tol=1e-12)
    for i, (node, steps) in enumerate(frames):
        text = replay_text(frames, i)
        for s in steps:
            assert f"{s.upstream:.6f} \\times {s.local:.6f} = {s.passed:.6f}" in text
            assert math.isclose(s.passed, s.upstream * s.local)
    partial = replay_grads(v["L"], frames, 0)
    assert v["W11"] not in partial  # the first frame is the loss node: nothing reached W11 yet


def test_replay_frames_can_run_twice():
    v = worked_graph()
    first = [f[0] for f in replay_frames(v["L"])]
    assert [f[0] for f in replay_frames(v["L"])] == first


@pytest.mark.parametrize("sizes", [[2, 1, 1], [2, 3, 1], [3, 4, 2]])
def test_work_counts_against_closed_form(sizes):
    c = work_counts(sizes)
    n_params = sum(i * o + o for i, o in zip(sizes[:-1], sizes[1:]))
    assert c["parameters"] == n_params
    # per neuron with n inputs: n products, n additions (the sum starts from b), one sigmoid;
    # the loss: per output a subtraction, a square and an addition, then one product by ½.
    neurons = sum((2 * i + 1) * o for i, o in zip(sizes[:-1], sizes[1:]))
    assert c["forward"] == neurons + 3 * sizes[-1] + 1
    assert c["finite differences"] == 2 * n_params * c["forward"]
    L, params = mlp_graph(sizes)
    L.backward()
    assert all(p.grad != 0.0 for p in params[:1])


def test_exercise_check_fan_out():
    check = ex.check_fan_out
    assert check(None).ok is None
    assert check(2 * ex.FAN_AT + 1).ok is True
    verdict = check(2 * ex.FAN_AT)
    assert verdict.ok is False and "you gave" in verdict.message
    assert check(2 * ex.FAN_AT + 2).ok is False


def test_exercise_passed_to_a1_and_fd_passes():
    v = worked_graph()
    v["L"].backward()
    assert ex.check_passed_to_a1(v["W2·a1"].grad * 0.9).ok is True
    assert "goes to W2" in ex.check_passed_to_a1(v["W2·a1"].grad * v["a1"].data).message
    assert ex.check_fd_passes(10, 5).ok is True
    assert "two" in ex.check_fd_passes(5, 5).message


@given(st.sampled_from([ex.check_fan_out, ex.check_passed_to_a1]))
def test_exercise_checks_refuse_non_numbers(check):
    assert check("0.5").ok is False


def test_explorer_functions_refuse_bad_input_clearly():
    frames = replay_frames(worked_graph()["L"])
    for bad in (len(frames), -1, 1.5):
        with pytest.raises(IndexError, match=f"from 0 to {len(frames) - 1}.*got {bad!r}"):
            replay_text(frames, bad)
    with pytest.raises(ValueError, match=r"at least two positive integers.*\[2, 0, 1\]"):
        work_counts([2, 0, 1])
    with pytest.raises(ValueError, match=r"got \[3\]"):
        mlp_graph([3])
    with pytest.raises(ValueError, match="W2 must be a finite number, got nan"):
        worked_graph(W2=float("nan"))
    with pytest.raises(TypeError, match="unknown setting 'w2'"):
        worked_graph(w2=1.0)



def test_replay_figure_shows_the_grads_known_so_far_and_placeholders():
    v = worked_graph()
    frames = replay_frames(v["L"])
    fig = replay_figure(v["L"], frames, 0)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "grad ·" in texts and "grad 1.0000" in texts


def test_step_explorer_shows_each_frame_in_place():
    from bpbook.chapters.ch02_computation_graph import (replay_frames, replay_table,
                                                        step_explorer)
    from bpbook.worked import worked_graph

    root = worked_graph()["L"]
    buttons, view = step_explorer(root).children
    slider, caption, table, image = view.children
    before = image.value
    buttons.children[1].click()  # Next
    assert slider.value == 1
    assert table.value == replay_table(replay_frames(root), 1)._repr_html_()
    assert "Step 2 of" in caption.value and image.value != before
