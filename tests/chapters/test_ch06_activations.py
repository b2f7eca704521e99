"""The activation chapter's support code: SymPy's derivatives against bpbook's, ranges and maxima
against sampling, softmax's Jacobian and softmax-CE gradient against finite differences, the
explorer's update function and the exercise checks."""
import matplotlib
import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from bpbook.chapters.ch06_activations import derive as am
from bpbook.activations import get_activation, softmax, softmax_backward
from bpbook.chapters.ch06_activations.centred import (centring_table, common_share,
                                                      one_sign_share, speed_table,
                                                      steps_to_fit)
from bpbook.chapters.ch06_activations.exercises import (check_log_softmax_vjp, check_swish_prime,
                                                        check_tanh_chain)
from bpbook.chapters.ch06_activations.explore import (NAMES, Z_RANGE, TangentPlot, curves_figure,
                                                    explore, explorer)
from tests.strategies import PREACTIVATION

matplotlib.use("Agg")

SYMPY_PRIME = {name: sp.lambdify(am.z, sp.diff(am.expression(name), am.z), "math")
               for name in am.NAMES}


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(am.NAMES), z=PREACTIVATION)
def test_every_bpbook_derivative_matches_sympy(name, z):
    want = float(SYMPY_PRIME[name](z))
    got = float(get_activation(name).df(np.array(z)))
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12), (name, z)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(am.NAMES), z=PREACTIVATION.filter(lambda t: abs(t) > 1e-3))
def test_numeric_derivative_matches_central_difference_of_bpbook(name, z):
    f, eps = get_activation(name).f, 1e-6
    central = (float(f(z + eps)) - float(f(z - eps))) / (2 * eps)
    assert float(am.numeric_derivative(name)(np.array([z]))[0]) == \
        pytest.approx(central, rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("name", am.NAMES)
def test_textbook_form_is_the_derivative(name):
    assert am.textbook_form_is_derivative(name)


def test_textbook_forms_are_the_textbooks():
    s = am.sigma
    sig = am.textbook_form("sigmoid").doit()
    assert not sig.has(sp.exp(-am.z)) and sp.simplify(sig - s * (1 - s)) == 0
    assert sp.simplify(am.textbook_form("tanh") - (1 - sp.tanh(am.z) ** 2)) == 0


def test_maxima_of_the_derivatives():
    assert am.derivative_max("sigmoid") == sp.Rational(1, 4)
    assert am.derivative_max("tanh") == 1
    for name in ("relu", "leaky_relu", "elu"):
        assert am.derivative_max(name) == 1
    grid = np.linspace(-10, 10, 200001)
    silu_slope = get_activation("silu").df(grid)
    assert float(am.derivative_max("silu")) == pytest.approx(silu_slope.max(), rel=1e-8)
    assert am.argmax_derivative("silu") == pytest.approx(grid[np.argmax(silu_slope)], abs=1e-3)
    assert am.argmax_derivative("sigmoid") == pytest.approx(0.0, abs=1e-9)
    assert am.argmax_derivative("relu") is None


@pytest.mark.parametrize("name", am.NAMES)
def test_ranges_contain_the_sampled_values_and_reach_their_ends(name):
    rng = am.value_range(name)
    values = get_activation(name).f(np.linspace(-30, 30, 6001))
    lo, hi = float(rng.inf), float(rng.sup)
    assert values.min() >= lo - 1e-12 and values.max() <= hi + 1e-12
    if np.isfinite(lo):
        assert values.min() == pytest.approx(lo, abs=1e-6)
    if np.isfinite(hi):
        assert values.max() == pytest.approx(hi, abs=1e-6)


def test_sympy_finds_no_exact_range_only_where_the_chapter_says_so():
    """derive.NUMERIC_RANGES skips SymPy's function_range for SiLU: it must really fail there,
    and succeed for every other activation and slope."""
    for name in am.NAMES:
        for expr in (am.expression(name), am.derivative(name)):
            assert (am.exact_range(expr) is None) == (name in am.NUMERIC_RANGES), name


def test_exact_ranges():
    assert am.value_range("sigmoid") == sp.Interval.open(0, 1)
    assert am.value_range("tanh") == sp.Interval.open(-1, 1)
    assert am.value_range("relu") == sp.Interval(0, sp.oo)
    assert am.value_range("elu") == sp.Interval.open(-1, sp.oo)


def test_softmax_jacobian_symbolic_and_numeric():
    J, matches = am.softmax_jacobian(3)
    assert matches
    z = np.array([[0.3], [-1.2], [2.0]])
    subs = dict(zip(am.logits(3), z.ravel()))
    J_num = np.array(J.subs(subs).evalf(), dtype=float)
    eps = 1e-6
    central = np.hstack([(softmax(z + eps * e) - softmax(z - eps * e)) / (2 * eps)
                         for e in np.eye(3)[:, :, None]])
    np.testing.assert_allclose(J_num, central, atol=1e-9)


def test_softmax_logits_are_o_not_layer_z():
    assert [str(o) for o in am.logits(3)] == ["o1", "o2", "o3"]
    J, _ = am.softmax_jacobian(3)
    assert not J.has(am.z) and J.free_symbols == set(am.logits(3))


def test_softmax_backward_is_the_vector_jacobian_product():
    assert am.softmax_jacobian_is_symmetric(3)
    rng = np.random.RandomState(3)
    z, v = rng.randn(4, 1), rng.randn(4, 1)
    eps = 1e-6
    J = np.hstack([(softmax(z + eps * e) - softmax(z - eps * e)) / (2 * eps)
                   for e in np.eye(4)[:, :, None]])  # finite-difference Jacobian, J[i, j]
    np.testing.assert_allclose(softmax_backward(softmax(z), v), J.T @ v, atol=1e-9)
    zt = torch.tensor(z, requires_grad=True)
    torch.softmax(zt, dim=0).backward(torch.tensor(v))
    np.testing.assert_allclose(softmax_backward(softmax(z), v), zt.grad.numpy(), atol=1e-12)


def test_tanh_is_a_stretched_sigmoid_and_its_tail_is_steeper():
    assert all(am.tanh_identities().values())
    assert am.tail_factors() == {"sigmoid": 1, "tanh": 4}
    sig, tanh = get_activation("sigmoid"), get_activation("tanh")
    z = np.linspace(-6, 6, 121)
    np.testing.assert_allclose(tanh.f(z), 2 * sig.f(2 * z) - 1, atol=1e-15)
    np.testing.assert_allclose(tanh.df(z), 4 * sig.df(2 * z), atol=1e-15)
    cross = am.slope_crossing()
    assert tanh.df(cross) == pytest.approx(sig.df(cross), rel=1e-9)
    # inside the crossing tanh's slope is the larger, beyond it the smaller
    inside, outside = z[np.abs(z) < cross], z[np.abs(z) > cross]
    assert np.all(tanh.df(inside) > sig.df(inside)) and np.all(tanh.df(outside) < sig.df(outside))
    assert tanh.df(5.0) < sig.df(5.0) / 30


def test_positive_inputs_give_one_signed_weight_gradients():
    rng = np.random.RandomState(5)
    delta = rng.randn(3, 50)
    positive, centred = rng.rand(6, 50) + 0.1, rng.randn(6, 50)
    assert one_sign_share(positive, delta) == 1.0
    # each of the 6 entries has the sign of a zero-mean normal: all equal with chance 2/2^6
    assert one_sign_share(centred, delta) < 0.2
    # a per-sample row delta_j a^T, summed over samples: check against an explicit loop
    G = sum(np.outer(delta[:, i], positive[:, i]) for i in range(50))
    along = np.mean([(row.sum() ** 2 / 6) / (row @ row) for row in G])
    assert common_share(positive, delta) == pytest.approx(along)
    assert common_share(np.ones((6, 50)), delta) == pytest.approx(1.0)
    table = centring_table()
    assert table.column("inputs from") == ["sigmoid", "sigmoid − ½", "tanh"]
    (_, mean_sig, sign_sig, along_sig), *centred_rows = table.rows
    assert 0.4 < mean_sig < 0.6 and sign_sig == 1.0
    for _, mean, sign, along in centred_rows:
        assert abs(mean) < 0.1 and sign < 0.1 and along_sig > 2 * along
    with pytest.raises(ValueError, match=r"same m, got shapes \(6, 50\) and \(3, 49\)"):
        one_sign_share(positive, delta[:, :49])


def test_softmax_ce_gradient_is_s_minus_y():
    grad, matches = am.softmax_ce_gradient(3)
    assert matches
    z, y = np.array([0.5, -0.1, 1.3]), np.array([0.0, 1.0, 0.0])
    subs = {**dict(zip(am.logits(3), z)), **dict(zip(sp.symbols("y1:4", real=True), y))}
    s = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(np.array(grad.subs(subs).evalf(), dtype=float).ravel(), s - y,
                               atol=1e-12)


def test_table_parts_are_narrow_and_cover_every_column():
    table = am.activation_table()
    parts = {name: am.table_part(table, name) for name in am.PARTS}
    assert all(len(part.columns) <= 5 for part in parts.values())
    covered = {c for part in parts.values() for c in part.columns}
    assert covered == set(table.columns)
    numbers = parts["numbers"]
    assert numbers.column("activation") == table.column("activation")
    assert numbers.column(f"slope at z={am.PROBE}") == table.column(f"slope at z={am.PROBE}")
    with pytest.raises(ValueError, match="unknown table part 'all'"):
        am.table_part(table, "all")


def test_table_has_every_activation_and_computed_columns():
    table = am.activation_table()
    assert table.column("activation") == [*am.NAMES, "softmax"]
    assert table.column("max slope")[0] == "$\\frac{1}{4}$"
    slope_at_5 = float(table.column("slope at z=5")[0])
    s5 = 1 / (1 + np.exp(-5.0))
    assert slope_at_5 == pytest.approx(s5 * (1 - s5), rel=1e-2)
    markdown = am.markdown_table(table)
    assert markdown.count("\n") == len(table.rows) + 1


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(NAMES), z0=st.floats(-5, 5, allow_nan=False))
def test_explore_gives_value_slope_and_tangent(name, z0):
    view = explore(name, z0)
    f = get_activation(name)
    assert view.value == pytest.approx(float(f.f(z0)))
    assert view.slope == pytest.approx(float(SYMPY_PRIME[name](z0)), rel=1e-9, abs=1e-12)
    at_z0 = np.interp(z0, view.tangent_z, view.tangent)
    assert at_z0 == pytest.approx(view.value, abs=1e-9)
    rise = np.diff(view.tangent) / np.diff(view.tangent_z)
    np.testing.assert_allclose(rise, view.slope, atol=1e-9)
    assert view.table.column("value") == [z0, view.value, view.slope]


def test_explore_rejects_bad_input():
    with pytest.raises(ValueError, match="unknown activation 'gelu'; expected one of: sigmoid"):
        explore("gelu", 0.0)
    with pytest.raises(ValueError, match="z0 must be a finite number, got nan"):
        explore("tanh", float("nan"))


def test_exercise_checks_give_specific_feedback():
    sig = lambda t: 1 / (1 + np.exp(-t))
    right = lambda b: (lambda t: sig(b * t) + b * t * sig(b * t) * (1 - sig(b * t)))
    assert check_swish_prime(right(1.7), beta=1.7).ok is True
    assert check_swish_prime(right(2.5), beta=2.5).ok is True
    assert "inner factor β" in str(check_swish_prime(
        lambda t: sig(1.7 * t) * (1 + t * (1 - sig(1.7 * t))), beta=1.7))
    assert "SiLU's derivative" in str(check_swish_prime(right(1.0), beta=1.7))
    assert check_swish_prime(lambda t: None).ok is None
    assert check_log_softmax_vjp(lambda s, v: v - s * v.sum()).ok is True
    assert "not symmetric" in str(check_log_softmax_vjp(lambda s, v: v - s @ v))
    assert "softmax's own backward" in str(check_log_softmax_vjp(lambda s, v: s * (v - s @ v)))
    assert "shape" in str(check_log_softmax_vjp(lambda s, v: np.outer(s, v)))
    assert check_tanh_chain((1 - np.tanh(1.0) ** 2) ** 10, depth=10, at=1.0).ok is True
    assert check_tanh_chain((1 - np.tanh(0.3) ** 2) ** 4, depth=4, at=0.3).ok is True
    assert "multiply, they don't add" in str(check_tanh_chain(10 * (1 - np.tanh(1.0) ** 2)))
    assert "sigmoid's bound" in str(check_tanh_chain(0.25 ** 10))
    exact = (1 - np.tanh(1.0) ** 2) ** 10  # typed to 4 significant digits, still right
    assert check_tanh_chain(float(f"{exact:.4g}"), depth=10, at=1.0).ok is True
    with pytest.raises(ValueError, match="depth should be a whole number"):
        check_tanh_chain(1.0, depth=2.5)


def test_kept_tangent_plot_moved_equals_a_fresh_one():
    """The explorer's kept figure, moved from (sigmoid, -3) to (relu, 1.2), shows what a new
    figure for (relu, 1.2) shows: the curve f(z), the tangent, the point, the y range and the
    legend."""
    plot = TangentPlot()
    explore("sigmoid", -3.0, plot=plot)
    kept, fresh = explore("relu", 1.2, plot=plot), explore("relu", 1.2)
    z = np.linspace(*Z_RANGE, 201)
    for view in (kept, fresh):
        ax = view.figure.axes[0]
        curve, tangent, point = ax.lines[:3]
        np.testing.assert_allclose(curve.get_ydata(), np.maximum(z, 0.0))
        np.testing.assert_allclose(tangent.get_ydata(), 1.2 + (view.tangent_z - 1.2))
        assert (point.get_xdata()[0], point.get_ydata()[0]) == (1.2, 1.2)
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["relu(z)", "tangent at z₀"]
    assert kept.figure.axes[0].get_ylim() == pytest.approx(fresh.figure.axes[0].get_ylim())


def test_explorer_updates_table_and_figure_in_place():
    box = explorer()
    (pick, z0), table, picture = box.children[0].children, *box.children[1:]
    image, words = picture.children  # the picture and its text alternative
    before = image.value
    pick.value, z0.value = "tanh", 0.5
    assert f"{np.tanh(0.5):+.6f}" in table.value and f"{1 - np.tanh(0.5) ** 2:+.6f}" in table.value
    assert image.value != before
    assert "tanh(z₀) = 0.462" in words.value and f"slope {1 - np.tanh(0.5) ** 2:.3f}" in words.value


def test_curves_figure_puts_each_derivative_under_its_function():
    fig = curves_figure()
    assert len(fig.axes) == 2 * len(NAMES)
    four = curves_figure(names=("sigmoid", "tanh", "relu", "elu"))
    assert len(four.axes) == 8
    at = {(ax.get_subplotspec().rowspan.start, ax.get_subplotspec().colspan.start): ax
          for ax in four.axes}
    ends = np.array([-5.0, 5.0])
    for k, name in enumerate(("sigmoid", "tanh", "relu", "elu")):
        top, bottom = at[(2 * (k // 3), k % 3)], at[(2 * (k // 3) + 1, k % 3)]
        assert top.get_title() == name
        f = get_activation(name)
        np.testing.assert_allclose(top.lines[0].get_ydata()[[0, -1]], f.f(ends))
        np.testing.assert_allclose(bottom.lines[0].get_ydata()[[0, -1]], f.df(ends))


def test_steps_to_fit_follow_the_condition_number():
    # orthonormal inputs: C = I, the step 1 lands on w at once
    a = np.sqrt(4) * np.eye(4)
    assert steps_to_fit(a, np.array([[1.0, -2.0, 0.5, 3.0]])) == (1.0, 1)
    # C = diag(1, 1/k), w on the flat axis: the error shrinks by (1 - 1/k) per step
    k, tol = 20.0, 1e-3
    a = np.array([[np.sqrt(2), 0.0], [0.0, np.sqrt(2 / k)]])
    condition, steps = steps_to_fit(a, np.array([[0.0, 1.0]]), tol)
    assert condition == pytest.approx(k)
    assert steps == int(np.ceil(np.log(tol) / np.log(1 - 1 / k)))
    with pytest.raises(ValueError, match=r"w \(1, n_in\), got shapes \(2, 2\) and \(1, 3\)"):
        steps_to_fit(a, np.ones((1, 3)))
    # one sample, two inputs: a flat direction, infinite condition; w off that direction is
    # still reached in one step
    condition, steps = steps_to_fit(np.array([[1.0], [0.0]]), np.array([[2.0, 0.0]]))
    assert condition == np.inf and steps == 1


def test_the_mean_alone_makes_the_fit_slow():
    (_, kappa_sig, steps_sig), (_, kappa_shift, steps_shift), (_, kappa_tanh, steps_tanh) = \
        speed_table().rows
    assert kappa_sig > 10 * max(kappa_shift, kappa_tanh)
    assert steps_sig > 10 * max(steps_shift, steps_tanh)


@pytest.mark.parametrize("call, match", [
    (lambda: explore("tanh", z0=10**400), "z0 must be a finite number, got 1000"),
    (lambda: explore("tanh", z0=True), "z0 must be a finite number, got True"),
    (lambda: explore("tanh", z0="1"), "z0 must be a finite number, got '1'"),
    (lambda: explore("tanh", points=2.5), "points must be an integer from 2 to 100000, got 2.5"),
    (lambda: explore(["tanh"]), r"unknown activation \['tanh'\]"),
    (lambda: curves_figure(("softmax",)), "unknown activation 'softmax'.*Jacobian"),
    (lambda: curves_figure("tanh"), "names must be a non-empty list"),
])
def test_explorer_names_bad_input(call, match):
    """Issue 11: these once gave bare OverflowError, TypeError or a NoneType call."""
    from bpbook.errors import BpbookError
    with pytest.raises(BpbookError, match=match):
        call()


@pytest.mark.parametrize("call, match", [
    (lambda: one_sign_share(np.ones((2, 3)), np.full((1, 3), np.nan)),
     r"error signals delta holds 3 non-finite values"),
    (lambda: common_share("a", np.ones((1, 3))), "inputs a should be an array of real numbers"),
    (lambda: steps_to_fit(np.ones((2, 3)), np.ones(2)), r"got shapes \(2, 3\) and \(2,\)"),
    (lambda: steps_to_fit(np.ones((2, 0)), np.ones((1, 2))), "inputs a is an empty batch"),
    (lambda: steps_to_fit(np.zeros((2, 3)), np.ones((1, 2))), "inputs a are all zero"),
])
def test_centring_helpers_name_bad_input(call, match):
    from bpbook.errors import BpbookError
    with pytest.raises(BpbookError, match=match):
        call()


def test_swish_prime_reference_is_the_central_difference():
    """The check's reference (SymPy's derivative of z·σ(βz)) against central differences."""
    beta, t, eps = 2.3, np.linspace(-3, 3, 13), 1e-6
    f = lambda u: u / (1 + np.exp(-beta * u))
    numeric = (f(t + eps) - f(t - eps)) / (2 * eps)
    sig = 1 / (1 + np.exp(-beta * t))
    np.testing.assert_allclose(sig + beta * t * sig * (1 - sig), numeric, atol=1e-8)
    assert check_swish_prime(lambda u: (1 / (1 + np.exp(-beta * u)))
                             * (1 + beta * u * (1 - 1 / (1 + np.exp(-beta * u)))),
                             beta=beta).ok is True


def test_log_softmax_vjp_reference_is_torchs_backward():
    """∂ℒ/∂o through log-softmax, by torch.autograd, is what the check accepts (v − s·Σv)."""
    rng = np.random.default_rng(4)
    o, v = rng.normal(size=5), rng.normal(size=5)
    ot = torch.tensor(o, requires_grad=True)
    torch.log_softmax(ot, dim=0).backward(torch.tensor(v))
    s = softmax(o.reshape(-1, 1)).ravel()
    np.testing.assert_allclose(ot.grad.numpy(), v - s * v.sum(), atol=1e-12)
    assert check_log_softmax_vjp(lambda s, v: v - s * v.sum()).ok is True


def test_exercise_numbers_are_each_students_own(monkeypatch):
    """Issue 19: β of exercise 1 and z of exercise 3 per student; a reader sees 1.7 and 1."""
    import importlib

    import bpbook.chapters.ch06_activations.exercises as ex
    monkeypatch.delenv("BPBOOK_STUDENT", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert (importlib.reload(ex).SWISH_BETA, ex.TANH_CHAIN_AT) == (1.7, 1.0)
    seen = set()
    for who in ("ada", "bo", "cy"):
        monkeypatch.setenv("BPBOOK_STUDENT", who)
        importlib.reload(ex)
        assert 1.5 <= ex.SWISH_BETA <= 3.0 and 0.3 <= ex.TANH_CHAIN_AT <= 2.0
        seen.add((ex.SWISH_BETA, ex.TANH_CHAIN_AT))
        assert ex.check_tanh_chain((1 - np.tanh(ex.TANH_CHAIN_AT) ** 2) ** 10).ok is True
    assert len(seen) > 1
    monkeypatch.delenv("BPBOOK_STUDENT")
    importlib.reload(ex)


def test_sigmoid_bce_cancellation_by_sympy_and_by_central_differences():
    """Chapter 6 states ∂ℒ/∂z = σ(z) − y for BCE of a sigmoid; SymPy says so, and so do
    central differences of the bracketed loss written here."""
    grad, ok = am.sigmoid_bce_gradient()
    assert ok is True
    for z0, y0 in ((0.3, 1.0), (-2.0, 0.0), (1.5, 0.3)):
        loss = lambda t: -(y0 * np.log(1 / (1 + np.exp(-t)))
                           + (1 - y0) * np.log(1 - 1 / (1 + np.exp(-t))))
        numeric = (loss(z0 + 1e-6) - loss(z0 - 1e-6)) / 2e-6
        assert numeric == pytest.approx(1 / (1 + np.exp(-z0)) - y0, abs=1e-8)
