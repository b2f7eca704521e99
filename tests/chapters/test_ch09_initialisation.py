"""Chapter 9's support code: the variance laws against mpmath's quadrature, closed forms written
here and Monte Carlo (held to a few standard errors); the probe's passes against torch and
bpbook's layers; the measured networks against the predictions the chapter states; the library's
and torch's initialisers against the derived variances; the explorer's update function, the
figure's text alternative and the exercise checks."""
import math

import matplotlib
import mpmath
import numpy as np
import pytest
import sympy as sp
import torch

from bpbook.chapters.ch09_initialisation import checks, derive, exercises, explore, plots, probe
from bpbook.chapters.ch09_initialisation.exercises import (FACTOR_S, FACTOR_WIDTH, HE_N_IN,
                                                           LEAKY_ALPHA, UNIFORM_N_IN,
                                                           check_he_uniform, check_he_variance,
                                                           check_layer_factor)
from bpbook.display import alt_of
from bpbook.errors import BpbookError
from bpbook.layers import Dense, init_weights
from bpbook.model import Sequential
from tests import solutions
from tests.per_student import answer_of, exercises_as

matplotlib.use("Agg")


def gauss_expect(fn, q):
    """E[fn(z)] for z ~ N(0, q) by mpmath's adaptive quadrature (independent of derive's grid)."""
    mpmath.mp.dps = 30
    density = lambda x: mpmath.exp(-x ** 2 / (2 * q)) / mpmath.sqrt(2 * mpmath.pi * q)  # noqa: E731
    return float(mpmath.quad(lambda x: fn(x) * density(x), [-mpmath.inf, 0, mpmath.inf]))


def test_relu_moments_are_the_closed_forms():
    a2, slope2 = derive.relu_moments()
    # over z ~ N(0, q), the chapter's variance (review 09-own-c, 1: not the weights' s²)
    assert sp.simplify(a2 - derive.q / 2) == 0 and slope2 == sp.Rational(1, 2)
    for qv in (0.09, 1.0, 6.25):
        assert float(a2.subs(derive.q, qv)) == pytest.approx(
            gauss_expect(lambda x: max(x, 0) ** 2, qv), rel=1e-12)
    assert derive.moments("relu", 3.0) == (1.5, 0.5)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("q", [1e-4, 0.01, 0.5, 1.0, 4.0, 30.0, 300.0])
def test_numerical_moments_agree_with_mpmath(activation, q):
    f = {"tanh": mpmath.tanh, "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x))}[activation]
    df = {"tanh": lambda x: 1 - mpmath.tanh(x) ** 2,
          "sigmoid": lambda x: f(x) * (1 - f(x))}[activation]
    a2, slope2 = derive.moments(activation, q)
    assert a2 == pytest.approx(gauss_expect(lambda x: f(x) ** 2, q), rel=1e-9)
    assert slope2 == pytest.approx(gauss_expect(lambda x: df(x) ** 2, q), rel=1e-9)


def test_series_are_the_small_q_behaviour():
    a2, slope2 = derive.series_moments()
    q = derive.q
    assert sp.expand(a2 - (q - 2 * q ** 2 + sp.Rational(17, 3) * q ** 3)) == 0
    for qv in (1e-3, 1e-2):
        exact = derive.moments("tanh", qv)
        # the next term is of order q⁴: the remainder must be that small
        assert abs(float(a2.subs(q, qv)) - exact[0]) < 100 * qv ** 4
        assert abs(float(slope2.subs(q, qv)) - exact[1]) < 300 * qv ** 4


def test_uniform_variance_and_xaviers_bound():
    r, var = derive.uniform_variance()
    assert sp.simplify(var - r ** 2 / 3) == 0
    rng = np.random.default_rng(5)
    x = rng.uniform(-2.0, 2.0, 400_000)
    se = np.std(x ** 2) / np.sqrt(x.size)
    assert abs(np.mean(x ** 2) - float(var.subs(r, 2.0))) < 4 * se


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_formula_is_its_monte_carlo_mean_within_four_standard_errors(seed):
    table, worst = checks.monte_carlo(n_draws=200_000, seed=seed, relu_q=0.49, q=2.0, n=32,
                                      w_std=0.3)
    assert worst < 4, table
    assert len(table.rows) == 6


def test_monte_carlo_notices_a_wrong_formula():
    """Claim E[relu(z)²] = q (no half): the distance in standard errors becomes huge."""
    draws = checks.samples(100_000, seed=4)
    formula, x = draws["E[relu(z)²], z ~ N(0, 2.25): q/2"]
    assert abs(np.mean(x) - 2 * formula) / (np.std(x) / np.sqrt(x.size)) > 50


def test_propagate_is_torch_and_bpbooks_layers():
    for activation in ("tanh", "relu", "sigmoid"):
        table, gap = checks.against_torch(activation, gain=1.3, depth=6, width=16, m=5)
        assert gap < 1e-12 and len(table.rows) == 6
    Z, X, G = probe.standard_weights(5, 12, 7, 3)
    Ws = [0.4 * Zl for Zl in Z]
    zs, deltas = probe.propagate(Ws, X, G, "tanh")
    net = Sequential([Dense(12, 12, "tanh", W=W.copy(), name=f"l{i}") for i, W in enumerate(Ws)])
    net.forward(X)
    net.backward(da=G)
    for layer, z, d in zip(net.layers, zs, deltas):
        np.testing.assert_allclose(layer.z, z, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(layer.delta, d, rtol=1e-12, atol=1e-15)


def test_the_torch_check_notices_a_missing_slope():
    real = probe.propagate

    def no_slope(Ws, X, G, activation):  # δ_l = W_{l+1}ᵀ δ_{l+1}, f′ forgotten below the top
        zs, deltas = real(Ws, X, G, activation)
        for l in range(len(Ws) - 2, -1, -1):
            deltas[l] = Ws[l + 1].T @ deltas[l + 1]
        return zs, deltas
    try:
        checks.propagate = no_slope
        assert checks.against_torch("tanh", depth=4, width=8, m=3)[1] > 1e-3
    finally:
        checks.propagate = real


def test_standard_weights_share_layers_across_depths():
    a, X1, G1 = probe.standard_weights(4, 8, 3, 0)
    b, X2, G2 = probe.standard_weights(40, 8, 3, 0)
    np.testing.assert_array_equal(a, b[:4])
    np.testing.assert_array_equal(X1, X2)
    assert not a.flags.writeable


def test_probe_measures_what_it_says():
    p = probe.probe("relu", 1.2, depth=6, width=32, m=16, seed=2)
    Z, X, G = probe.standard_weights(6, 32, 16, 2)
    std = 1.2 * math.sqrt(2 / 32)
    a, q = X, []
    for Zl in Z:
        z = std * Zl @ a
        q.append(np.mean(z ** 2))
        a = np.maximum(z, 0)
    np.testing.assert_allclose(p.q, q, rtol=1e-12)
    np.testing.assert_allclose(p.forward, np.array(q[1:]) / q[:-1], rtol=1e-12)
    np.testing.assert_allclose(p.forward_predicted, 1.2 ** 2)  # ReLU: exactly g² at any q
    np.testing.assert_allclose(p.backward_predicted, 1.2 ** 2)
    assert p.n_sigma2 == pytest.approx(2 * 1.2 ** 2)
    assert probe.Probe.per_layer(np.array([2.0, 8.0])) == pytest.approx(4.0)


def test_predicted_profile_follows_the_recursion():
    qs, vs = derive.predicted_profile("relu", 1.5, 5, input_variance=2.0, upstream_variance=3.0)
    np.testing.assert_allclose(qs, 2.0 * 2 * 1.5 ** 2 * (1.5 ** 2) ** np.arange(5))
    np.testing.assert_allclose(vs, 3.0 * 0.5 * (1.5 ** 2) ** np.arange(4, -1, -1))
    qs, vs = derive.predicted_profile("tanh", 1.0, 4)
    assert qs[0] == 1.0
    for l in range(1, 4):
        assert qs[l] == pytest.approx(derive.moments("tanh", qs[l - 1])[0], rel=1e-12)
    assert vs[-1] == pytest.approx(derive.moments("tanh", qs[-1])[1])
    assert vs[0] == pytest.approx(vs[1] * derive.moments("tanh", qs[0])[1])


def test_fixed_point_is_a_fixed_point():
    for g in (1.1, 1.5, 2.0):
        qv, chi, used = derive.fixed_point("tanh", g)
        assert qv == pytest.approx(g ** 2 * derive.moments("tanh", qv)[0], rel=1e-10)
        assert chi == pytest.approx(g ** 2 * derive.moments("tanh", qv)[1])
        assert chi > 1 and used < 5000
    qv, chi, used = derive.fixed_point("tanh", 1.0, layers=2000)
    assert used == 2000 and qv == pytest.approx(1 / (2 * 2000), rel=0.1)  # q ~ 1/(2l)


def test_the_chapters_networks_behave_as_the_chapter_says():
    runs = {act: {g: probe.probe(act, g) for g in probe.GAINS} for act in ("tanh", "relu")}
    for g, p in runs["relu"].items():
        assert probe.Probe.per_layer(p.forward) == pytest.approx(g ** 2, rel=0.03)
        assert probe.Probe.per_layer(p.backward) == pytest.approx(g ** 2, rel=0.03)
    for p in runs["tanh"].values():
        assert probe.largest_gap([p])[0] < 0.05 and probe.largest_gap([p])[1] < 0.05
        np.testing.assert_allclose(p.q, p.theory_q, rtol=0.15)
    drift = runs["relu"][1.25].q[-1] / runs["relu"][0.8].q[-1]
    assert drift > 1e6  # 20% off the derived scale either way: orders of magnitude apart


def test_library_and_torch_initialisers_have_the_derived_variances():
    rng = np.random.RandomState(0)
    n_in, n_out = 300, 200
    for init, var in (("he", 2 / n_in), ("xavier", 2 / (n_in + n_out))):
        W = init_weights(n_out, n_in, init, 1.0, rng)
        se = np.std(W ** 2) / np.sqrt(W.size)
        assert abs(np.mean(W ** 2) - var) < 4 * se, init
    torch.manual_seed(0)
    for fill, var in ((lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="relu"),
                       2 / n_in), (torch.nn.init.xavier_normal_, 2 / (n_in + n_out))):
        W = fill(torch.empty(n_out, n_in, dtype=torch.float64)).numpy()
        se = np.std(W ** 2) / np.sqrt(W.size)
        assert abs(np.mean(W ** 2) - var) < 4 * se


def test_explorer_update_function():
    plot = explore.VariancePlot()
    view = explore.update(gain=1.1, depth=12, activation="relu", plot=plot)
    p = probe.probe("relu", 1.1, 12, explore.WIDTH, explore.M)
    assert view.figure is plot.figure
    rows = dict((r[0], r[1]) for r in view.table.rows)
    assert rows["Var(z_L) / Var(z₁)"] == pytest.approx(p.q[-1] / p.q[0], rel=1e-12)
    assert rows["Var(δ₁) / Var(δ_L)"] == pytest.approx(p.v[0] / p.v[-1], rel=1e-12)
    assert rows["forward × per layer, predicted"] == pytest.approx(1.21)
    assert alt_of(view.figure) == (view.description, None)
    assert f"{p.q[-1]:.3g}" in view.description and "grows" in view.description
    # the theory's ratios beside the measured ones, like with like (review 09-own-c, 7)
    assert (f"predicts {p.theory_q[-1] / p.theory_q[0]:.3g} times forward and "
            f"{p.theory_v[0] / p.theory_v[-1]:.3g} times backward") in view.description
    x, y = plot.lines[0].get_data()
    np.testing.assert_array_equal(x, np.arange(1, 13))
    np.testing.assert_allclose(y, p.q, rtol=1e-12)
    np.testing.assert_allclose(plot.lines[3].get_data()[1], p.theory_v, rtol=1e-12)
    assert "shrinks" in explore.update(gain=0.6, depth=10, activation="tanh").description


def test_the_kept_axes_hold_every_setting_of_the_explorer():
    lo, hi = explore.Y_RANGE
    for gain in np.linspace(*explore.GAIN_RANGE, 7):
        for depth in (explore.DEPTH_RANGE[0], 10, 20, explore.DEPTH_RANGE[1]):
            for act in explore.ACTIVATIONS:
                p = probe.probe(act, gain, depth, explore.WIDTH, explore.M)
                values = np.concatenate([p.q, p.v, p.theory_q, p.theory_v])
                assert lo < values.min() and values.max() < hi, (gain, depth, act)


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(gain=2.5), r"gain should be <= 2.0, got 2.5"),
    (dict(gain="a"), r"gain should be a real number"),
    (dict(depth=1), r"depth should be an integer >= 2 and <= 30, got 1"),
    (dict(depth=3.5), r"depth should be an integer"),
    (dict(activation="sigmoid"), r"unknown explorer: activation 'sigmoid'"),
])
def test_explorer_refuses_bad_settings_by_name(kwargs, pattern):
    with pytest.raises(BpbookError, match=pattern):
        explore.update(**kwargs)


def test_figure_and_its_description_come_from_the_same_data():
    runs = {act: [probe.probe(act, g, depth=5, width=16, m=8) for g in (0.8, 1.0)]
            for act in ("tanh", "relu")}
    fig = plots.profiles_figure(runs)
    assert len(fig.axes) == 4 and len(fig.axes[0].lines) == 4  # 2 gains × (measured, theory)
    alt, details = alt_of(fig)
    assert alt == plots.describe_alt(runs) and details == plots.describe_profiles(runs)
    p = runs["relu"][1]
    spread = max(p.q.max() / p.q.min(), p.v.max() / p.v.min())
    assert f"relu at its derived scale varies by at most a factor {spread:.3g}" in alt
    assert f"g = 0.8: Var(z) {runs['tanh'][0].q[0]:.3g} at layer 1" in details


def test_tables_read_back():
    p = probe.probe("tanh", 1.0, depth=4, width=8, m=4)
    table = probe.layer_table(p)
    assert [r[0] for r in table.rows] == [1, 2, 3, 4]
    assert table.rows[0][2] == "" and table.rows[-1][5] == ""
    assert table.rows[1][2] == p.forward[0] and table.rows[0][5] == p.backward[0]
    summary = probe.summary_table([p])
    assert summary.rows[0][:3] == ["tanh", 1.0, 1.0]
    assert summary.rows[0][5] == pytest.approx(probe.Probe.per_layer(p.forward))


def test_exercise_answers_are_what_the_formulas_and_monte_carlo_give():
    # the Leaky ReLU's variance: torch's gain for it, squared, over the fan-in; and Monte Carlo
    right = torch.nn.init.calculate_gain("leaky_relu", LEAKY_ALPHA) ** 2 / HE_N_IN
    z = np.random.default_rng(3).standard_normal(400_000)
    a = np.where(z > 0, z, LEAKY_ALPHA * z)
    assert abs(HE_N_IN * right * np.mean(a ** 2) - 1) < 4 * np.std(a ** 2) / np.sqrt(z.size)
    assert check_he_variance(right).ok is True
    assert "He's for ReLU" in str(check_he_variance(2 / HE_N_IN))
    assert "squared" in str(check_he_variance(2 / ((1 + LEAKY_ALPHA) * HE_N_IN)))
    assert "LeCun" in str(check_he_variance(1 / HE_N_IN))
    assert "standard deviation" in str(check_he_variance(math.sqrt(right)))
    assert check_he_variance(None).ok is None
    # the factor is what a wide ReLU network of that width and s measures per layer
    gain = FACTOR_S / math.sqrt(2 / FACTOR_WIDTH)
    measured = probe.Probe.per_layer(probe.probe("relu", gain, 8, FACTOR_WIDTH, 64).backward)
    assert measured == pytest.approx(FACTOR_WIDTH * FACTOR_S ** 2 / 2, rel=0.05)
    assert check_layer_factor(FACTOR_WIDTH * FACTOR_S ** 2 / 2).ok is True
    assert "only half" in str(check_layer_factor(FACTOR_WIDTH * FACTOR_S ** 2))
    # the uniform bound: torch's kaiming_uniform_ draws from U(−r, r) with He's r
    w = torch.empty(8, UNIFORM_N_IN, dtype=torch.float64)
    torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")
    r = math.sqrt(6 / UNIFORM_N_IN)
    assert w.abs().max() <= r and w.abs().max() > 0.99 * r
    assert check_he_uniform(r).ok is True
    assert "√3 times" in str(check_he_uniform(math.sqrt(2 / UNIFORM_N_IN)))
    assert "LeCun" in str(check_he_uniform(math.sqrt(3 / UNIFORM_N_IN)))


def test_a_reader_sees_the_books_numbers_and_a_student_their_own(monkeypatch):
    """Issue 19: each student's inputs, judged on them; the instructor's solutions written in
    the constants pass for every student, the typical wrong answers fail."""
    book = exercises_as(monkeypatch, exercises, None)
    assert (book.HE_N_IN, book.LEAKY_ALPHA, book.FACTOR_WIDTH, book.FACTOR_S,
            book.UNIFORM_N_IN) == (300, 0.2, 512, 0.05, 256)
    material = solutions.load("09_initialisation")
    assert material.PER_STUDENT is True
    checks_of = {"09.he-variance": "check_he_variance", "09.layer-factor": "check_layer_factor",
                 "09.he-uniform": "check_he_uniform"}
    seen = set()
    for student in ("ada", "grace", "alan"):
        mine = exercises_as(monkeypatch, exercises, student)
        seen.add((mine.HE_N_IN, mine.FACTOR_S, mine.UNIFORM_N_IN))
        assert 0.1 <= mine.LEAKY_ALPHA <= 0.5
        for ex_id, name in checks_of.items():
            entry = material.EXERCISES[ex_id]
            judge = getattr(mine, name)
            assert judge(answer_of(entry["solution"], mine)).ok is True, (student, ex_id)
            assert judge(answer_of(entry["wrong"], mine)).ok is False, (student, ex_id)
    assert len(seen) == 3


def test_a_gain_near_ten_holds_the_sigmoids_backward_pass():
    """The settled backward factor of sigmoid crosses 1 at the gain holding_gain finds; there
    Var(z) is large (review 09-own-c, 11: "no scale holds it" was false)."""
    gain, q_star = derive.holding_gain("sigmoid")
    # the settled state, checked against mpmath's quadrature, independent of derive's grid
    sig = lambda x: 1 / (1 + mpmath.exp(-x))  # noqa: E731
    assert gain ** 2 * gauss_expect(lambda x: sig(x) ** 2, q_star) == pytest.approx(q_star,
                                                                                    rel=1e-8)
    slope2 = gauss_expect(lambda x: (sig(x) * (1 - sig(x))) ** 2, q_star)
    assert gain ** 2 * slope2 == pytest.approx(1.0, rel=1e-8)
    assert derive.fixed_point("sigmoid", 0.9 * gain)[1] < 1 < derive.fixed_point("sigmoid",
                                                                                1.1 * gain)[1]
    assert q_star > 20
    with pytest.raises(BpbookError, match="does not cross 1"):
        derive.holding_gain("sigmoid", low=1.0, high=2.0)
