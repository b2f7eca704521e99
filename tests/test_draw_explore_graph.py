"""bpbook.draw, bpbook.explore_graph and bpbook.exercises_graph, against independent truth."""
import math
import warnings

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from bpbook import exercises_graph as ex
from bpbook.draw import columns, draw_graph, layout
from bpbook.engine import Value
from bpbook.explore_graph import (chain_figure, chain_state, chain_text, mlp_graph, replay_figure,
                                  replay_frames, replay_grads, replay_text, two_paths,
                                  work_counts, worked_graph)
from tests.strategies import VALUE_OPS, programs, run_program


def graph_of_size(n):
    """A connected graph of exactly n Values: a chain mixing binary and unary operations."""
    x = Value(0.3, label="x")
    y, count = x, 1
    while count < n:
        if n - count >= 2:
            y, count = y * Value(0.9), count + 2
        else:
            y, count = y.tanh(), count + 1
    return y


@pytest.mark.parametrize("n", [1, 2, 3, 10, 25, 50])
def test_draw_returns_a_figure_without_warnings(n):
    root = graph_of_size(n)
    assert len(root.topological_order()) == n
    root.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = draw_graph(root, highlight=root, inputs=list(root.inputs))
        fig.canvas.draw()
    assert isinstance(fig, Figure)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sum("data" in t for t in texts) == n and sum("grad" in t for t in texts) == n


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(programs(max_instructions=25))
def test_layout_points_every_edge_right_and_never_stacks_two_boxes(program):
    leaves = [Value(x) for x in program.leaves]
    try:
        root = run_program(program, VALUE_OPS, leaves)[-1]
    except OverflowError:
        return
    pos = layout(root)
    assert set(pos) == set(root.topological_order())
    for node in pos:
        for child in node.inputs:
            assert pos[child][0] < pos[node][0], "an edge points left"
    assert len(set(pos.values())) == len(pos), "two boxes at the same place"


def test_leaves_sit_just_before_their_first_use():
    x, c = Value(1.0), Value(2.0)
    y = ((x * 2).tanh() * 3).tanh() + c
    col = columns(y)
    assert col[c] == col[y] - 1 and col[x] == 0


def test_draw_shows_given_grads_and_placeholders():
    v = worked_graph()
    frames = replay_frames(v["L"])
    fig = replay_figure(v["L"], frames, 0)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "grad ·" in texts and "grad 1.0000" in texts


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


@pytest.mark.parametrize("check, right, wrong", [
    (ex.check_chain, lambda: chain_state(ex.CHAIN_AT)["product"],
     lambda: sum(chain_state(ex.CHAIN_AT)[k] for k in ("du/dx", "dv/du", "dy/dv"))),
    (ex.check_local_tanh, lambda: 1 - math.tanh(ex.TANH_AT) ** 2, lambda: math.tanh(ex.TANH_AT)),
    (ex.check_two_paths,
     lambda: (2 * ex.PATHS_AT + ex.PATHS_AT**2) * math.exp(ex.PATHS_AT),
     lambda: 2 * ex.PATHS_AT * math.exp(ex.PATHS_AT)),
    (ex.check_fan_out, lambda: 2 * ex.FAN_AT + 1, lambda: 2 * ex.FAN_AT),
])
def test_exercise_checks(check, right, wrong):
    assert check(None).ok is None
    assert check(right()).ok is True
    verdict = check(wrong())
    assert verdict.ok is False and "you gave" in verdict.message
    assert check(right() + 1.0).ok is False


def test_exercise_passed_to_a1_and_fd_passes():
    v = worked_graph()
    v["L"].backward()
    assert ex.check_passed_to_a1(v["W2·a1"].grad * 0.9).ok is True
    assert "goes to W2" in ex.check_passed_to_a1(v["W2·a1"].grad * v["a1"].data).message
    assert ex.check_fd_passes(10, 5).ok is True
    assert "two" in ex.check_fd_passes(5, 5).message


@given(st.sampled_from([ex.check_chain, ex.check_local_tanh, ex.check_two_paths,
                        ex.check_fan_out, ex.check_passed_to_a1]))
def test_exercise_checks_refuse_non_numbers(check):
    assert check("0.5").ok is False


def test_explorer_functions_refuse_bad_input_clearly():
    import pytest

    from bpbook.explore_graph import mlp_graph, replay_frames, replay_text, work_counts, worked_graph

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


def test_worked_graph_gradients_match_the_closed_form():
    import math

    from bpbook.explore_graph import worked_graph

    v = worked_graph(W2=-1.3, y=0.0)
    v["L"].backward()
    sig = lambda t: 1 / (1 + math.exp(-t))
    a1 = sig(0.4 * 0.5 + 0.6 * 0.8 + 0.1)
    y_hat = sig(-1.3 * a1 + 0.1)
    delta2 = (y_hat - 0.0) * y_hat * (1 - y_hat)
    assert math.isclose(v["W2"].grad, delta2 * a1, rel_tol=1e-12)
    assert math.isclose(v["W11"].grad, delta2 * -1.3 * a1 * (1 - a1) * 0.5, rel_tol=1e-12)
