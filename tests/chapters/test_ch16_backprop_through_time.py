"""Chapter 16's support code: the memory task, training against an independent torch loop (plain,
clipped), the gradient per step against torch's retained gradients, the bound ρ^(T−1) and its
linear-regime equality, the three checks, the explorer's update function, the figures' text
descriptions and the exercise checks."""
import re

import matplotlib
import numpy as np
import pytest
import sympy as sp
import torch

from bpbook.chapters.ch16_backprop_through_time import (checks, exercises, explore, flow, plots,
                                                        task)
from bpbook.chapters.ch16_backprop_through_time.exercises import (
    GEOMETRIC_RHO, GEOMETRIC_SHARE, REACH_K, REACH_S, REACH_T, check_dW_hh, check_geometric,
    check_reach, check_step_back, reach)
from bpbook.display import alt_of
from bpbook.errors import BpbookError
from bpbook.rnn import spectral_radius
from tests import solutions
from tests.per_student import exercises_as

matplotlib.use("Agg")


def test_memory_task_is_seeded_and_asks_for_the_first_symbol():
    X, Y = task.memory_task(T=7, m=50, seed=3)
    assert X.shape == (1, 7, 50) and Y.shape == (1, 50)
    assert np.array_equal(X[0, 0], Y[0]) and set(np.unique(Y)) == {-1.0, 1.0}
    assert np.all(np.abs(X[0, 1:]) <= 1.0)
    assert np.array_equal(X, task.memory_task(T=7, m=50, seed=3)[0])


def torch_training(T, lr, epochs, clip=None, rho=None, seed=0, m=64, batch=16):
    """The chapter's training written in torch: same initial weights, data and batch order."""
    rnn, readout = task.build(seed=seed, rho=rho)
    net = torch.nn.RNN(1, rnn.n_hidden, nonlinearity="tanh", dtype=torch.float64)
    lin = torch.nn.Linear(rnn.n_hidden, 1, dtype=torch.float64)
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.from_numpy(rnn.W_xh))
        net.weight_hh_l0.copy_(torch.from_numpy(rnn.W_hh))
        net.bias_ih_l0.copy_(torch.from_numpy(rnn.b[:, 0]))
        net.bias_hh_l0.zero_()
        lin.weight.copy_(torch.from_numpy(readout.W))
        lin.bias.copy_(torch.from_numpy(readout.b[:, 0]))
    params = [p for p in list(net.parameters()) + list(lin.parameters())]
    opt = torch.optim.SGD(params, lr=lr)
    X, Y = task.memory_task(T, m, seed + 2)
    x_all, y_all = torch.from_numpy(X.transpose(1, 2, 0)), torch.from_numpy(Y.T)
    order, losses = np.random.RandomState(seed + 3), []
    for _ in range(epochs):
        idx = order.permutation(m)
        for start in range(0, m, batch):
            cols = torch.from_numpy(idx[start:start + batch])
            out, _ = net(x_all[:, cols])
            loss = 0.5 * ((lin(out[-1]) - y_all[cols]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            # torch's two biases both get dL/db: the chapter's one b takes one step with it
            net.bias_hh_l0.grad.zero_()
            if clip is not None:  # torch's own: the factor is clip / (norm + 1e-6), as bpbook's
                torch.nn.utils.clip_grad_norm_(params, clip)
            opt.step()
            losses.append(loss.item())
    return losses, net


@pytest.mark.parametrize("clip, rho, lr", [(None, None, 0.2), (0.5, 2.5, 0.5)])
def test_training_is_the_same_sgd_as_torch(clip, rho, lr):
    run = task.train(T=6, lr=lr, epochs=2, clip=clip, rho=rho, m=64, batch=16)
    losses, net = torch_training(6, lr, 2, clip, rho)
    np.testing.assert_allclose(run.losses, losses, rtol=1e-10)
    np.testing.assert_allclose(run.rnn.W_hh, net.weight_hh_l0.detach().numpy(), atol=1e-10)
    if clip is not None:
        assert max(run.norms) > clip  # the clipping did act
    assert run.diverged_at is None and 0.0 <= run.test_accuracy <= 1.0


def test_training_learns_the_task_and_truncation_below_the_length_does_not():
    full = task.train(T=8, epochs=task.EPOCHS)
    cut = task.train(T=8, epochs=task.EPOCHS, bptt_steps=4)
    assert full.test_accuracy > 0.95 and cut.test_accuracy < 0.7
    assert task.truncation_grid([8], [4, None], epochs=task.EPOCHS) == {
        (8, 4): cut.test_accuracy, (8, None): full.test_accuracy}


def test_a_diverging_run_stops_and_says_where():
    run = task.train(T=8, lr=1e5, rho=3.0, epochs=5)
    assert run.diverged_at == len(run.losses) - 1
    assert not np.isfinite(run.norms[-1]) and np.all(np.isfinite(run.norms[:-1]))
    assert np.isnan(run.test_accuracy)  # nothing to test: the run stopped


def test_truncation_table_shows_the_grid():
    grid = {(4, 2): 0.5, (4, None): 1.0}
    table = task.truncation_table(grid, [4], [2, None])
    assert table.columns == ["T", "k = 2", "full BPTT"] and table.rows == [[4, 0.5, 1.0]]
    assert table.text_rows() == [["4", "50%", "100%"]]


def test_step_norms_are_torchs_state_gradients():
    X, Y = task.memory_task(T=5, m=10, seed=4)
    rnn, readout = task.build()
    before = [g.copy() for _, _, g in rnn.params()]
    norms = flow.loss_step_norms(rnn, readout, X, Y)
    assert all(np.array_equal(a, g) for a, (_, _, g) in zip(before, rnn.params()))
    h = torch.zeros(10, rnn.n_hidden, dtype=torch.float64)
    W_xh = torch.from_numpy(rnn.W_xh)
    W_hh = torch.tensor(rnn.W_hh, requires_grad=True)
    b = torch.from_numpy(rnn.b[:, 0])
    states = []
    for t in range(5):
        h = torch.tanh(torch.from_numpy(X[:, t].T) @ W_xh.T + h @ W_hh.T + b)
        h.retain_grad()
        states.append(h)
    y_hat = h @ torch.from_numpy(readout.W.T) + torch.from_numpy(readout.b[:, 0])
    (0.5 * ((y_hat - torch.from_numpy(Y.T)) ** 2).mean()).backward()
    np.testing.assert_allclose(norms, [s.grad.norm().item() for s in states], rtol=1e-12)


def test_orthogonal_matrices_and_the_bound():
    Q = flow.orthogonal(7)
    np.testing.assert_allclose(Q.T @ Q, np.eye(7), atol=1e-12)
    assert spectral_radius(1.7 * Q) == pytest.approx(1.7, rel=1e-12)
    for rho in (0.5, 1.0, 1.3, 2.0):
        for T in (2, 9, 25):
            for scale in (1.0, 0.1):
                p = flow.probe(rho, T, scale)
                assert p.norms.shape == (T,)
                assert p.ratio <= p.bound * (1 + 1e-12), (rho, T, scale)
                assert 0 < p.slope <= 1


@pytest.mark.parametrize("rho, T", [(0.7, 12), (1.0, 30), (1.4, 10)])
def test_in_the_linear_regime_the_ratio_is_the_bound(rho, T):
    """States near 0: tanh' = 1 − h² ≈ 1 and ‖(ρQ)ᵀv‖ = ρ‖v‖ exactly, so the ratio is ρ^(T−1)."""
    p = flow.probe(rho, T, input_scale=1e-7)
    assert p.ratio == pytest.approx(rho ** (T - 1), rel=1e-6)


def test_ratio_table_reads_back():
    table = flow.ratio_table((0.5, 2.0), (3, 6), input_scale=1.0)
    assert table.columns == ["ρ", "T = 3", "ρ^2", "T = 6", "ρ^5"]
    assert flow.growth(table)[2.0, 6] == pytest.approx(flow.probe(2.0, 6).ratio)
    assert table.rows[0][2] == pytest.approx(0.25)


def test_three_checks_agree():
    X, Y = task.memory_task(T=5, m=6, seed=8)
    rnn, readout = task.build()
    assert checks.against_torch(rnn, readout, X, Y)[1] < 1e-12
    assert checks.against_differences(rnn, readout, X, Y)[1] < 1e-6
    values = dict(u=0.3, w=0.9, c=-0.4, v=-1.1, d=0.2, y=-1.0, x1=-1.0, x2=0.5, x3=0.25)
    table, gap = checks.against_sympy(values)
    assert gap < 1e-12 and len(table.rows) == 5


def test_sympy_paths_are_the_chain_rule_sum():
    dh3_dw, (h1, h2, h3) = checks.paths_of_dh_dw(3)
    w = sp.Symbol("w", real=True)
    assert sp.expand(dh3_dw - ((1 - h3**2) * h2 + (1 - h3**2) * w * (1 - h2**2) * h1)) == 0
    dh2_dw, (g1, g2) = checks.paths_of_dh_dw(2)
    assert sp.expand(dh2_dw - (1 - g2**2) * g1) == 0


def test_checks_notice_a_wrong_gradient():
    X, Y = task.memory_task(T=4, m=3, seed=1)
    rnn, readout = task.build()
    rnn.W_hh *= 1.0
    real = checks.gradients
    try:
        checks.gradients = lambda *a: {k: v * 1.01 for k, v in real(*a).items()}
        assert checks.against_torch(rnn, readout, X, Y)[1] > 1e-6
        assert checks.against_differences(rnn, readout, X, Y)[1] > 1e-3
    finally:
        checks.gradients = real


def test_explorer_update_function():
    plot = explore.FlowPlot()
    view = explore.update(rho=1.5, T=30, input_scale=0.01, plot=plot)
    p = flow.probe(1.5, 30, 0.01)
    assert view.figure is plot.figure
    assert dict((r[0], r[1]) for r in view.table.rows) == {
        "ratio first / last": p.ratio, "bound ρ^(T−1)": 1.5 ** 29, "mean tanh′": p.slope}
    assert f"{p.ratio:.3g}" in view.description and "grows" in view.description
    assert alt_of(view.figure) == (view.description, None)  # the picture's words, this move's
    x, y = plot.measured.get_data()
    np.testing.assert_array_equal(x, np.arange(29, -1, -1))  # steps back from the last
    np.testing.assert_allclose(y, p.norms / p.norms[-1])
    np.testing.assert_allclose(plot.bound.get_data()[1], 1.5 ** x)
    assert "shrinks" in explore.update(rho=0.6, T=10).description


def test_the_kept_axes_hold_every_setting_of_the_explorer():
    """A grid over the explorer's ranges, its corners included."""
    lo, hi = explore.Y_RANGE
    for rho in np.linspace(*explore.RHO_RANGE, 7):
        for T in (explore.T_RANGE[0], 20, 40, explore.T_RANGE[1]):
            for scale in explore.INPUT_SCALES:
                p = flow.probe(rho, T, scale)
                relative = np.concatenate([p.norms / p.norms[-1], [p.bound, 1.0]])
                assert lo < relative.min() and relative.max() < hi, (rho, T, scale)


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(rho=2.5), r"rho should be <= 2.0, got 2.5"),
    (dict(rho="a"), r"rho should be a real number"),
    (dict(T=1), r"T should be an integer >= 2 and <= 60, got 1"),
    (dict(T=3.5), r"T should be an integer"),
    (dict(input_scale=0.0), r"input_scale should be > 0.0, got 0.0"),
])
def test_explorer_refuses_bad_settings_by_name(kwargs, pattern):
    with pytest.raises(BpbookError, match=pattern):
        explore.update(**kwargs)


def test_figures_and_their_descriptions_come_from_the_same_data():
    run = task.train(T=4, epochs=1, m=64)
    fig = plots.loss_figure(run)
    assert len(fig.axes[0].lines) == 1 and alt_of(fig) == (plots.describe_loss(run), None)
    text = plots.describe_loss(run)
    assert f"{len(run.losses)} SGD steps" in text and f"{run.losses[0]:.3g}" in text
    curves = {"a": np.array([0.5, 1.0, 2.0]), "b": np.array([4.0, 2.0, 1.0])}
    fig = plots.flow_figure(curves)
    assert len(fig.axes[0].lines) == 2 and alt_of(fig)[0] == plots.describe_flow(curves)
    text = plots.describe_flow(curves)
    assert "a: 2 at the last step 3, 0.5 at step 1, 0.25 times the last" in text
    assert "b: 1 at the last step 3, 4 at step 1, 4 times the last" in text
    runs = {"x": run}
    fig = plots.clipping_figure(runs)
    assert len(fig.axes[0].lines) == 1 and alt_of(fig)[0] == plots.describe_clipping(runs)
    assert f"largest {max(run.norms):.2g}" in plots.describe_clipping(runs)


def test_reach_is_s_plus_k_minus_one():
    for T, k, s in [(30, 12, 5), (5, 1, 3), (9, 9, 1), (9, 20, 4), (9, 4, 7)]:
        assert reach(T, k, s) == min(s + k - 1, T)


def test_exercise_checks_give_specific_feedback():
    right = lambda W, dh, h: W.T @ (dh * h * (1 - h))  # noqa: E731
    assert check_step_back(right).ok is True
    assert "transpose" in str(check_step_back(lambda W, dh, h: W @ (dh * h * (1 - h))))
    assert "slope h(1 − h) is missing" in str(check_step_back(lambda W, dh, h: W.T @ dh))
    # the page's tanh step is not the sigmoid one
    assert "tanh slope" in str(check_step_back(lambda W, dh, h: W.T @ (dh * (1 - h ** 2))))
    assert check_step_back(None).ok is None

    def loop(delta, H, h0):
        return delta[:, 0] @ h0.T + sum(delta[:, t] @ H[:, t - 1].T
                                        for t in range(1, delta.shape[1]))
    assert check_dW_hh(loop).ok is True
    same = lambda d, H, h0: sum(d[:, t] @ H[:, t].T for t in range(d.shape[1]))  # noqa: E731
    assert "the same step's state" in str(check_dW_hh(same))
    assert "already inside δ" in str(check_dW_hh(lambda d, H, h0: loop(d, H, h0) / d.shape[2]))
    # the page's sum from t = 2 (h_0 = 0) misses step 1's share
    page = lambda d, H, h0: loop(d, H, 0 * h0)  # noqa: E731
    assert "from t = 2" in str(check_dW_hh(page))

    assert check_geometric(31).ok is True  # 0.8^30 = 1.2e-3 ≥ 1e-3 > 0.8^31 = 9.9e-4, by hand
    assert "the steps back" in str(check_geometric(30))
    assert "too many" in str(check_geometric(32))
    assert check_reach(REACH_S + REACH_K - 1).ok is True
    assert re.search("includes the loss's own step", str(check_reach(REACH_S + REACH_K)))
    assert "earliest step a loss on the last state" in str(check_reach(REACH_T - REACH_K + 1))
    assert check_reach(None).ok is None


def test_the_geometric_answer_is_what_a_linear_regime_rnn_measures():
    T = exercises.longest_reach()
    assert flow.probe(GEOMETRIC_RHO, T, input_scale=1e-7).ratio >= GEOMETRIC_SHARE
    assert flow.probe(GEOMETRIC_RHO, T + 1, input_scale=1e-7).ratio < GEOMETRIC_SHARE


def test_exercise_references_match_torch_autograd():
    """Exercise 1's sigmoid step and exercise 2's h_0 ≠ 0 sum, against torch's autograd."""
    from bpbook.chapters.ch16_backprop_through_time import exercises
    rng = np.random.RandomState(5)
    n, m, T = 3, 2, 4
    W = torch.tensor(rng.randn(n, n), requires_grad=True)
    h_prev = torch.tensor(rng.randn(n, m), requires_grad=True)
    h = torch.sigmoid(W @ h_prev)
    dh = rng.randn(n, m)
    (h * torch.tensor(dh)).sum().backward()
    np.testing.assert_allclose(exercises._step_back(W.detach().numpy(), dh, h.detach().numpy()),
                               h_prev.grad.numpy(), atol=1e-12)

    W_xh, W_hh = torch.tensor(rng.randn(n, 1)), torch.tensor(rng.randn(n, n), requires_grad=True)
    X, h0, G = rng.randn(1, T, m), torch.tensor(rng.randn(n, m)), rng.randn(n, T, m)
    h, states, zs = h0, [], []
    for t in range(T):
        z = W_xh @ torch.tensor(X[:, t]) + W_hh @ h
        z.retain_grad()
        h = torch.tanh(z)
        states.append(h)
        zs.append(z)
    sum((s * torch.tensor(G[:, t])).sum() for t, s in enumerate(states)).backward()
    delta = np.stack([z.grad.numpy() for z in zs], axis=1)
    H = np.stack([s.detach().numpy() for s in states], axis=1)
    np.testing.assert_allclose(exercises._dW_hh(delta, H, h0.numpy()), W_hh.grad.numpy(),
                               atol=1e-12)


CHECKS = {"16.step-back": ("step_back", check_step_back), "16.dW-hh": ("dW_hh", check_dW_hh),
          "16.geometric": ("answer", check_geometric), "16.reach": ("answer", check_reach)}


@pytest.mark.parametrize("exercise", sorted(CHECKS))
def test_instructor_solution_passes_and_its_typical_mistake_fails(exercise):
    entry = solutions.load("16_backprop_through_time").EXERCISES[exercise]
    name, judge = CHECKS[exercise]
    for code, ok in ((entry["solution"], True), (entry["wrong"], False)):
        ns = {"np": np, "GEOMETRIC_RHO": GEOMETRIC_RHO, "GEOMETRIC_SHARE": GEOMETRIC_SHARE,
              "REACH_T": REACH_T, "REACH_K": REACH_K, "REACH_S": REACH_S}
        exec(code, ns)
        verdict = judge(ns[name])
        assert verdict.ok is ok, (exercise, str(verdict))


def test_curves_differ_by_more_than_colour():
    curves = {"a": np.array([1.0, 0.5]), "b": np.array([2.0, 1.0])}
    lines = plots.flow_figure(curves).axes[0].lines
    assert len({(l.get_marker(), l.get_linestyle()) for l in lines}) == len(curves)
    runs = {"x": task.Run({}, None, None, norms=[1.0, 2.0]),
            "y": task.Run({}, None, None, norms=[3.0, 1.0])}
    lines = plots.clipping_figure(runs).axes[0].lines
    assert len({l.get_linestyle() for l in lines}) == len(runs)



def test_each_student_gets_own_numbers_the_checks_and_solutions_follow(monkeypatch):
    material = solutions.load("16_backprop_through_time")
    assert material.PER_STUDENT is True
    seen = set()
    for who in [f"student{i}" for i in range(30)]:
        mod = exercises_as(monkeypatch, exercises, who)
        rho, share = mod.GEOMETRIC_RHO, mod.GEOMETRIC_SHARE
        assert 0.5 <= rho <= 0.95 and share in (1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
        T = 1
        while rho ** T >= share:  # the longest T with ρ^(T−1) ≥ share, by counting
            T += 1
        assert mod.check_geometric(T).ok is True
        assert mod.check_geometric(T - 1).ok is False and mod.check_geometric(T + 1).ok is False
        T_seq, k, s = mod.REACH_T, mod.REACH_K, mod.REACH_S
        assert mod.reach(T_seq, k, s) == s + k - 1  # measured on bpbook.RNN
        named = [s + k, s + k - 2, k, T_seq - k + 1]
        assert s + k - 1 not in named and len(set(named)) == 4, (who, T_seq, k, s)
        assert mod.check_reach(s + k - 1).ok is True
        assert all(mod.check_reach(v).ok is False for v in named)
        for ex, judge in (("16.geometric", mod.check_geometric),
                          ("16.reach", mod.check_reach)):
            for code, ok in ((material.EXERCISES[ex]["solution"], True),
                             (material.EXERCISES[ex]["wrong"], False)):
                ns = {n: getattr(mod, n) for n in ("GEOMETRIC_RHO", "GEOMETRIC_SHARE",
                                                    "REACH_T", "REACH_K", "REACH_S")}
                exec(code, ns)
                assert judge(ns["answer"]).ok is ok, (who, ex, code)
        seen.add((rho, share, T_seq, k, s))
    assert len(seen) > 25
    reader = exercises_as(monkeypatch, exercises, None)
    assert (reader.GEOMETRIC_RHO, reader.GEOMETRIC_SHARE) == (0.8, 1e-3)
    assert (reader.REACH_T, reader.REACH_K, reader.REACH_S) == (30, 12, 5)
