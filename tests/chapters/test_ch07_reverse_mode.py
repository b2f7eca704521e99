"""Chapter 07's own code (bpbook.chapters.ch07_reverse_mode): the Value MLP beside the numpy MLP,
the operation counts, forward mode and the exercise checks, against closed forms, SymPy, finite
differences and torch."""
import math

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bpbook.chapters.ch07_reverse_mode import exercises as ex
from bpbook.chapters.ch07_reverse_mode.cost import (
    Dual, forward_mode_gradient, graph_size, jacobian_forward, jacobian_reverse, jvp, mlp_graph,
    mlp_loss, mlp_outputs, mlp_setup, mode_counts, vjp, work_counts)
from bpbook.chapters.ch07_reverse_mode.micro_mlp import (ValueMLP, train_side_by_side,
                                                         training_figure, two_moons)
from bpbook.engine import Value
from tests.strategies import VALUE_OPS, programs, run_program


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


def test_two_moons_shapes_seed_and_labels():
    X, Y = two_moons(31, 0.1, 3)
    assert X.shape == (2, 31) and Y.shape == (1, 31) and int(Y.sum()) == 16
    assert np.allclose(X.mean(axis=1), 0) and np.allclose(X.std(axis=1), 1)
    assert np.array_equal(X, two_moons(31, 0.1, 3)[0])
    with pytest.raises(ValueError, match="at least 2, got 1"):
        two_moons(1)


def test_value_mlp_matches_numpy_step_for_step_and_learns():
    run = train_side_by_side(sizes=(2, 5, 1), lr=1.0, batch=8, steps=25, seed=4)
    rows = run["rows"]
    assert [r["step"] for r in rows] == list(range(1, 26))
    assert max(r["param diff"] for r in rows) < 1e-12
    assert max(r["loss diff"] for r in rows) < 1e-12
    X, Y = run["X"], run["Y"]
    first = ValueMLP(train_side_by_side(sizes=(2, 5, 1), steps=0, seed=4)["numpy_net"])
    assert run["value_net"].loss(X, Y).data < first.loss(X, Y).data
    assert training_figure(run).axes[1].get_yscale() == "log"


def test_value_mlp_gradients_against_torch():
    net = train_side_by_side(sizes=(2, 3, 1), steps=0, seed=2)["numpy_net"]
    X, Y = two_moons(6, 0.1, 5)
    vnet = ValueMLP(net)
    vnet.loss(X, Y).backward()
    tW = [torch.tensor(d.W, requires_grad=True) for d in net.dense]
    tb = [torch.tensor(d.b, requires_grad=True) for d in net.dense]
    p = torch.sigmoid(tW[1] @ torch.tanh(tW[0] @ torch.tensor(X) + tb[0]) + tb[1])
    torch.nn.functional.binary_cross_entropy(p, torch.tensor(Y)).backward()
    expected = np.concatenate([g.grad.numpy().ravel() for W, b in zip(tW, tb) for g in (W, b)])
    assert np.allclose([q.grad for q in vnet.parameters()], expected, rtol=1e-10, atol=1e-13)


def _toy(x):
    return [x[0] * x[1], (x[0] + x[1]).sigmoid(), x[0].tanh() * x[1] ** 2]


def test_jacobian_both_modes_against_sympy():
    a, b = sp.symbols("a b")
    f = sp.Matrix([a * b, 1 / (1 + sp.exp(-(a + b))), sp.tanh(a) * b**2])
    J = sp.lambdify((a, b), f.jacobian([a, b]))
    for x in ([0.3, -0.7], [1.5, 2.0]):
        assert np.allclose(jacobian_forward(_toy, x), np.array(J(*x), dtype=float), rtol=1e-12)
        assert np.allclose(jacobian_reverse(_toy, x), np.array(J(*x), dtype=float), rtol=1e-12)
    assert jvp(_toy, [0.3, -0.7], [1.0, 0.0])[0] == vjp(_toy, [0.3, -0.7], [1.0, 0, 0])[0]
    with pytest.raises(ValueError, match="one entry per input \\(2\\), got 3"):
        jvp(_toy, [0.3, -0.7], [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="one entry per output \\(3\\), got 1"):
        vjp(_toy, [0.3, -0.7], [1.0])


@given(st.floats(-2, 2), st.floats(0.5, 2), st.floats(-2, 2))
def test_dual_operations_against_value(x, y, d):
    for f in (lambda a, b: a * b - b, lambda a, b: (a + 1.0) ** 3 * b, lambda a, b: a.exp() * b,
              lambda a, b: (a * b).tanh(), lambda a, b: (a - b).sigmoid(), lambda a, b: 2.0 - a):
        va, vb = Value(x), Value(y)
        f(va, vb).backward()
        out = f(Dual(x, d), Dual(y, 1.0))
        assert math.isclose(out.val, f(Value(x), Value(y)).data, rel_tol=1e-12)
        assert math.isclose(out.dot, va.grad * d + vb.grad, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("sizes", [[2, 1, 1], [3, 4, 2], [2, 3, 3, 1]])
def test_forward_mode_gradient_equals_backprop_and_differences(sizes):
    L, params = mlp_graph(sizes)
    L.backward()
    forward = forward_mode_gradient(sizes)
    assert np.allclose(forward, [p.grad for p in params], rtol=1e-12, atol=1e-15)
    x, theta = mlp_setup(sizes)
    h = 1e-6
    for j in range(len(theta)):
        up, down = list(theta), list(theta)
        up[j] += h
        down[j] -= h
        central = (mlp_loss([Value(p) for p in up], x, sizes).data
                   - mlp_loss([Value(p) for p in down], x, sizes).data) / (2 * h)
        assert abs(forward[j] - central) < 1e-8


@pytest.mark.parametrize("sizes", [[2, 1, 1], [3, 4, 2], [4, 5, 5, 3]])
def test_mode_counts_against_closed_form(sizes):
    pairs = list(zip(sizes[:-1], sizes[1:]))
    P = sum(i * o + o for i, o in pairs)
    # every neuron with n inputs: n products and n additions (2 edges each) and a sigmoid (1 edge)
    nodes_net = sum((2 * i + 1) * o for i, o in pairs)
    edges_net = sum((4 * i + 1) * o for i, o in pairs)
    K = sizes[-1]
    # the loss: per output a subtraction and an addition (2 edges each), a square (1 edge); × ½
    nodes_loss, edges_loss = nodes_net + 3 * K + 1, edges_net + 5 * K + 2
    grad_row, jac_row = mode_counts(sizes)
    assert (grad_row["inputs"], grad_row["outputs"]) == (P, 1)
    assert (grad_row["nodes"], grad_row["edges"]) == (nodes_loss, edges_loss)
    assert grad_row["forward mode"] == nodes_loss + P * edges_loss
    assert grad_row["reverse mode"] == nodes_loss + edges_loss
    assert (jac_row["nodes"], jac_row["edges"]) == (nodes_net, edges_net)
    assert jac_row["forward mode"] == nodes_net + edges_net
    assert jac_row["reverse mode"] == nodes_net + K * edges_net
    x, theta = mlp_setup(sizes)
    assert graph_size(mlp_outputs(theta, [Value(v) for v in x], sizes)) == (nodes_net, edges_net)


def test_exercise_fd_passes():
    # the worked network [2, 1, 1]: 2 + 1 + 1 + 1 = 5 parameters, 10 passes
    assert ex.check_fd_passes(10, [2, 1, 1]).ok is True
    assert "two" in ex.check_fd_passes(5, [2, 1, 1]).message
    assert "10.0000001" in ex.check_fd_passes(10.0000001, [2, 1, 1]).message
    assert "every bias" in ex.check_fd_passes(2 * (15 + 10), [3, 5, 2]).message
    assert ex.check_fd_passes(2 * (15 + 5 + 10 + 2), [3, 5, 2]).ok is True
    assert "5 parameters" not in ex.check_fd_passes(None, [2, 1, 1]).message  # no give-away
    with pytest.raises(ValueError, match="each layer width"):
        ex.check_fd_passes(10, [2, -1, 1])


def test_exercise_numbers_are_each_students_own(monkeypatch):
    """Issue 19: the networks of exercises 1 and 2 and the point of exercise 3 per student."""
    import importlib
    monkeypatch.delenv("BPBOOK_STUDENT", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    book = importlib.reload(ex)
    assert (book.FD_SIZES, book.REVERSE_SIZES, book.DUAL_AT) == ([3, 5, 2], [3, 10, 6], 0.7)
    seen = set()
    for who in ("ada", "bo", "cy"):
        monkeypatch.setenv("BPBOOK_STUDENT", who)
        mine = importlib.reload(ex)
        assert all(2 <= n <= 9 for n in mine.FD_SIZES) and 0.2 <= mine.DUAL_AT <= 1.5
        assert 5 <= mine.REVERSE_SIZES[1] <= 15 and 2 <= mine.REVERSE_SIZES[2] <= 9
        seen.add((tuple(mine.FD_SIZES), tuple(mine.REVERSE_SIZES), mine.DUAL_AT))
        count = sum(a * b + b for a, b in zip(mine.FD_SIZES, mine.FD_SIZES[1:]))
        assert mine.check_fd_passes(2 * count).ok is True
        t = mine.DUAL_AT
        assert mine.check_dual_tangent((1 - np.tanh(t) ** 2) * t * t + np.tanh(t) * 2 * t).ok
    assert len(seen) > 1
    monkeypatch.delenv("BPBOOK_STUDENT")
    importlib.reload(ex)


def test_counting_functions_refuse_bad_sizes_clearly():
    with pytest.raises(ValueError, match=r"at least two positive integers.*\[2, 0, 1\]"):
        work_counts([2, 0, 1])
    with pytest.raises(ValueError, match=r"got \[3\]"):
        mlp_graph([3])


def test_exercise_reverse_count():
    sizes = ex.REVERSE_SIZES
    nodes = sum((2 * i + 1) * o for i, o in zip(sizes[:-1], sizes[1:]))
    edges = sum((4 * i + 1) * o for i, o in zip(sizes[:-1], sizes[1:]))
    assert ex.check_reverse_count(nodes + sizes[-1] * edges).ok is True
    assert "one backward pass per output" in ex.check_reverse_count(nodes + edges).message
    assert ex.check_reverse_count(None).ok is None


DUAL_OPS = {"exp": Dual.exp, "log": Dual.log, "tanh": Dual.tanh, "sigmoid": Dual.sigmoid,
            "relu": Dual.relu, "leaky_relu": Dual.leaky_relu}


@settings(max_examples=100, deadline=None)
@given(programs())
def test_forward_mode_equals_reverse_mode_on_random_graphs(program):
    """One pass of dual numbers with a tangent per leaf gives every leaf's gradient, the same as
    one backward pass of Values (random graphs with fan-out, every operation). The output is a
    weighted sum of every register, so a wrong derivative anywhere shows."""
    n = len(program.leaves)
    weights = [1.0 + 0.1 * r for r in range(len(program.instructions))]
    try:
        leaves = [Value(x) for x in program.leaves]
        registers = run_program(program, VALUE_OPS, leaves)[n:]
        sum((w * r for w, r in zip(weights, registers)), 0.0).backward()
    except (OverflowError, ValueError, ZeroDivisionError):
        assume(False)
    seeds = np.eye(n)
    duals = run_program(program, DUAL_OPS, [Dual(x, e) for x, e in zip(program.leaves, seeds)])
    tangent = sum(w * np.broadcast_to(r.dot, (n,)) for w, r in zip(weights, duals[n:]))
    assert np.allclose(tangent, [leaf.grad for leaf in leaves], rtol=1e-9, atol=1e-9)


def test_the_figures_are_described_from_their_numbers():
    from bpbook.chapters.ch07_reverse_mode.cost import mode_figure, work_figure
    from bpbook.display import alt_of

    run = train_side_by_side(sizes=(2, 5, 1), lr=1.0, batch=8, steps=5, seed=4)
    alt, _ = alt_of(training_figure(run))
    worst = max(r["param diff"] for r in run["rows"])
    assert "after each of the 5 steps" in alt and f"never above {worst:.1e}" in alt
    counts = [work_counts(s) for s in ([2, 1, 1], [2, 3, 1])]
    words, _ = alt_of(work_figure(counts))
    for c in counts:
        assert f"{c['parameters']} parameters, backprop {c['backprop']:,}" in words
    rows = mode_counts([3, 4, 2])
    words, _ = alt_of(mode_figure(rows))
    assert all(f"reverse mode {r['reverse mode']:,}" in words for r in rows)


def test_exercise_dual_tangent_against_sympy():
    t = sp.Symbol("t")
    g = sp.tanh(t) * t**2
    right = float(sp.diff(g, t).subs(t, ex.DUAL_AT))
    assert ex.check_dual_tangent(right).ok is True
    seeded = Dual(ex.DUAL_AT, 1.0)
    assert ex.check_dual_tangent((seeded.tanh() * seeded ** 2).dot).ok is True
    assert ".dot" in ex.check_dual_tangent(float(g.subs(t, ex.DUAL_AT))).message
    assert "Dual(t, 1.0)" in ex.check_dual_tangent(0.0).message
    assert "product rule" in ex.check_dual_tangent(
        float((sp.diff(sp.tanh(t), t) * t**2).subs(t, ex.DUAL_AT))).message
    assert ex.check_dual_tangent(None).ok is None
