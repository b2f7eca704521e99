"""Chapter 14's support code: the forward pass against torch.nn's modules, every hand-written
gradient against torch.autograd (several batch sizes and seeds), the fused formulas, cmp's
verdicts (including on a planted error), central differences, SymPy's batch-norm derivative, the
explorer's update function, the figure's text description and the exercise checks, whose
references are held to torch.autograd here."""
import matplotlib
import numpy as np
import pytest
import sympy as sp
import torch

from bpbook.chapters.ch14_by_hand import checks, explore, net, plots
from bpbook.chapters.ch14_by_hand.exercises import (_centering, _dzbn, check_centering,
                                                    check_first_layer, check_ln_backward,
                                                    check_tanh, ln_backward)
from bpbook.display import alt_of
from bpbook.errors import BpbookError

matplotlib.use("Agg")


def test_batch_is_seeded_nested_and_standardised():
    X, y = net.batch(40)
    X8, y8 = net.batch(8)
    assert X.shape == (64, 40) and y.shape == (40,) and y.dtype.kind == "i"
    np.testing.assert_array_equal(X[:, :8], X8)
    np.testing.assert_array_equal(y[:8], y8)
    assert np.array_equal(X, net.batch(40)[0])
    Xall, _ = net._standardized()
    assert np.abs(Xall.mean(axis=1)).max() < 1e-12


def test_forward_is_torch_nn_with_the_same_weights():
    """The loss of the explicit expressions against Linear → BatchNorm1d → Tanh → Linear →
    cross_entropy, samples in rows as torch.nn wants them."""
    p, (X, y) = net.init(hidden=7, seed=3), net.batch(12, seed=5)
    t = net.forward(p, X, y, grad=False)
    lin1, lin2 = torch.nn.Linear(64, 7, dtype=torch.float64), torch.nn.Linear(7, 10,
                                                                             dtype=torch.float64)
    bn = torch.nn.BatchNorm1d(7, dtype=torch.float64)
    with torch.no_grad():
        lin1.weight.copy_(torch.from_numpy(p["W1"]))
        lin1.bias.copy_(torch.from_numpy(p["b1"][:, 0]))
        bn.weight.copy_(torch.from_numpy(p["gamma"][:, 0]))
        bn.bias.copy_(torch.from_numpy(p["beta"][:, 0]))
        lin2.weight.copy_(torch.from_numpy(p["W2"]))
        lin2.bias.copy_(torch.from_numpy(p["b2"][:, 0]))
    bn.train()
    logits = lin2(torch.tanh(bn(lin1(torch.from_numpy(X.T)))))
    loss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(y))
    assert float(t["loss"]) == pytest.approx(loss.item(), rel=1e-13)
    np.testing.assert_allclose(t["o"].numpy(), logits.detach().numpy().T, atol=1e-12)


@pytest.mark.parametrize("m, hidden, seed", [(32, 32, 14), (2, 3, 0), (17, 5, 1), (128, 16, 2)])
def test_every_gradient_by_hand_is_torchs(m, hidden, seed):
    p, (X, y) = net.init(hidden=hidden, seed=seed), net.batch(m, seed=seed)
    rows, t, mine, theirs = net.compare(p, X, y)
    assert [r[0] for r in rows] == list(net.STAGE_TENSORS["loss_backward"]
                                        + net.STAGE_TENSORS["output_backward"]
                                        + net.STAGE_TENSORS["batchnorm_backward"]
                                        + net.STAGE_TENSORS["first_layer_backward"])
    assert set(mine) == set(net.PARAMS + net.FORWARD) == set(theirs)
    for name in mine:
        assert mine[name].shape == theirs[name].shape == t[name].shape, name
        np.testing.assert_allclose(mine[name], theirs[name], rtol=1e-12, atol=1e-15, err_msg=name)
    assert all(r[3] for r in rows) and max(r[4] for r in rows) <= net.TOL


def test_fused_formulas_agree_with_steps_and_torch():
    p, (X, y) = net.init(hidden=9, seed=4), net.batch(20, seed=4)
    _, t, mine, theirs = net.compare(p, X, y)
    np.testing.assert_allclose(net.ce_fused(t), theirs["o"], atol=1e-15)
    fused = net.bn_fused(mine["zbn"], t["zhat"], t["gamma"], t["inv_std"])
    np.testing.assert_allclose(fused, theirs["z1"], atol=1e-15)
    np.testing.assert_allclose(fused, mine["z1"], atol=1e-15)


def test_the_layer_norm_exercise_reference_is_torchs_layer_norm():
    """Exercise 4's reference against torch.nn.functional.layer_norm (samples in rows there)."""
    rng = np.random.default_rng(9)
    n, m = 4, 6
    z = torch.tensor(rng.normal(size=(n, m)) * 2 + 1, requires_grad=True)
    gamma, dzln = rng.normal(size=(n, 1)), rng.normal(size=(n, m))
    out = torch.nn.functional.layer_norm(z.T, (n,), weight=torch.from_numpy(gamma[:, 0]),
                                         eps=net.EPS)
    out.backward(torch.from_numpy(dzln.T))
    zd = z.detach().numpy()
    inv_std = 1 / np.sqrt(zd.var(axis=0, keepdims=True) + net.EPS)
    zhat = (zd - zd.mean(axis=0, keepdims=True)) * inv_std
    np.testing.assert_allclose(ln_backward(dzln, zhat, gamma, inv_std), z.grad.numpy(),
                               atol=1e-13)


def test_the_row_layout_exercise_reference_is_torchs_linear():
    rng = np.random.default_rng(10)
    X = torch.tensor(rng.normal(size=(5, 3)))
    W = torch.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    b = torch.tensor(rng.normal(size=4), requires_grad=True)
    dz = rng.normal(size=(5, 4))
    torch.nn.functional.linear(X, W, b).backward(torch.from_numpy(dz))
    verdict = check_first_layer(lambda d, x: d.T @ x, lambda d: d.sum(axis=0))
    assert verdict.ok is True
    np.testing.assert_allclose(dz.T @ X.numpy(), W.grad.numpy(), atol=1e-14)
    np.testing.assert_allclose(dz.sum(axis=0), b.grad.numpy(), atol=1e-14)


def test_cmp_tells_exact_from_approximate_from_wrong():
    a = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    assert net.cmp("a", a, a.clone()) == ["a", "1×2", True, True, 0.0]
    row = net.cmp("a", a, a + 1e-14)
    assert row[2:4] == [False, True] and row[4] == pytest.approx(1e-14, rel=1e-2)
    assert net.cmp("a", a, a * 1.001)[2:4] == [False, False]
    with pytest.raises(BpbookError, match="shape"):
        net.cmp("a", a, a.T)
    table = net.table([net.cmp("a", a, a), net.cmp("b", a, a + 0.5)])
    assert table.text_rows() == [["a", "1×2", "yes", "yes", "0.0e+00"],
                                 ["b", "1×2", "no", "no", "5.0e-01"]]
    assert table.caption == "compared with torch.autograd"


def test_a_planted_mistake_shows_in_the_comparison():
    """Drop batch norm's path through the variance: the comparison must say so from zc on."""
    p, (X, y) = net.init(hidden=5, seed=1), net.batch(10, seed=1)
    t, theirs = net.torch_gradients(p, X, y)
    g = {}
    net.loss_backward(t, g)
    net.output_backward(t, g)
    net.batchnorm_backward(t, g)
    g["z1"] = g["zhat"] * t["inv_std"] - (g["zhat"] * t["inv_std"]).mean(1, keepdim=True)
    assert not net.cmp("z1", g["z1"], theirs["z1"])[3]
    assert net.cmp("zhat", g["zhat"], theirs["zhat"])[3]


def test_central_differences_pass_and_catch_a_wrong_gradient():
    p, (X, y) = net.init(hidden=6, seed=2), net.batch(9, seed=2)
    before = {k: v.copy() for k, v in p.items()}
    _, _, mine, _ = net.compare(p, X, y)
    result = checks.differences(p, X, y, mine, sample=3)
    assert result.passed() and len(result.rows) == 3 * len(net.PARAMS)
    assert all(np.array_equal(before[k], p[k]) for k in p)  # nudged and restored
    wrong = dict(mine, W2=mine["W2"] * 1.01)
    assert not checks.differences(p, X, y, wrong, sample=3).passed()


def test_sympy_jacobian_is_the_pages_formula_and_torchs():
    assert checks.jacobian_agrees(2) and checks.jacobian_agrees(3)
    z, eps, exact, formula = checks.bn_jacobian(3)
    values = {zi: v for zi, v in zip(z, (0.3, -1.2, 2.0))} | {eps: sp.Rational(1, 100)}
    zt = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(
        lambda v: (v - v.mean()) / torch.sqrt(v.var(unbiased=False) + 0.01), zt)
    np.testing.assert_allclose([[float(e.subs(values)) for e in row] for row in exact],
                               jac.numpy(), rtol=1e-12)


def test_the_sympy_check_notices_a_wrong_formula():
    z, eps, exact, formula = checks.bn_jacobian(3)
    one_wrong = [list(row) for row in formula]
    one_wrong[1][2] = formula[1][2] * 2
    assert not checks.jacobian_agrees(3, one_wrong)
    r = sp.sqrt(sum((zi - sum(z) / 3) ** 2 for zi in z) / 3 + eps)
    without_variance_path = [[(sp.KroneckerDelta(i, j) - sp.Rational(1, 3)) / r
                              for i in range(3)] for j in range(3)]
    assert not checks.jacobian_agrees(3, without_variance_path)


def test_the_forward_pass_by_torch_nn_functional_and_the_tanh_rounding():
    p, (X, y) = net.init(hidden=5, seed=6), net.batch(9, seed=6)
    t, theirs = net.torch_gradients(p, X, y)
    assert net.torch_nn_loss(p, X, y) == pytest.approx(float(t["loss"]), rel=1e-14)
    wrong = dict(p, gamma=p["gamma"] * 1.01)
    assert net.torch_nn_loss(wrong, X, y) != pytest.approx(float(t["loss"]), rel=1e-6)
    h = torch.tensor([0.1, 0.7, -0.99], dtype=torch.float64)
    from fractions import Fraction
    assert net.one_rounding(h).tolist() == [float(1 - Fraction(v) ** 2) for v in h.tolist()]
    mine = net.by_hand(t)
    handed = net.handed_torchs_zbn(t, mine, theirs)
    assert set(handed) == set(net.STAGE_TENSORS["batchnorm_backward"]
                              + net.STAGE_TENSORS["first_layer_backward"])
    for name, value in handed.items():
        torch.testing.assert_close(value, theirs[name], rtol=0, atol=1e-15)


def test_explorer_update_function():
    plot = explore.HeatPlot()
    view = explore.update(m=12, tensor="W2", plot=plot)
    X, y = net.batch(12)
    _, t, mine, theirs = net.compare(net.init(), X, y)
    assert view.figure is plot.figure and view.loss == float(t["loss"])
    np.testing.assert_array_equal(view.mine, mine["W2"].numpy())
    np.testing.assert_array_equal(view.diff, (mine["W2"] - theirs["W2"]).numpy())
    numbers = {r[0]: r[1] for r in view.table.rows}
    assert numbers["loss"] == view.loss
    assert numbers["largest |∂ℒ/∂W2|"] == float(mine["W2"].abs().max())
    assert alt_of(view.figure) == (view.description, None)
    assert "W2 (shape 10×32)" in view.description and "12 digits" in view.description
    image = plot.images[0].get_array()
    np.testing.assert_array_equal(image, mine["W2"].numpy())
    assert explore.update(m=4, tensor="o", plot=plot).loss != view.loss


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(m=2), r"m should be an integer >= 4 and <= 128, got 2"),
    (dict(m=4.5), r"m should be an integer"),
    (dict(tensor="W3"), r"W3"),
])
def test_explorer_refuses_bad_settings_by_name(kwargs, pattern):
    with pytest.raises(BpbookError, match=pattern):
        explore.update(**kwargs)


@pytest.mark.parametrize("change, pattern", [
    (lambda p, X, y: (p, X[:63], y), r"X should have shape \(64, m\).*got \(63, 5\)"),
    (lambda p, X, y: (p, X[:, :1], y[:1]), r"m >= 2"),
    (lambda p, X, y: (p, X, y[:4]), r"y should hold one label per column of X, shape \(5,\)"),
    (lambda p, X, y: ({**p, "W2": p["W2"][:, :3]}, X, y), r"p\['W2'\] should be .*\(10, 4\)"),
    (lambda p, X, y: ({k: v for k, v in p.items() if k != "b2"}, X, y), r"p should be a dict"),
    (lambda p, X, y: (p, X, y + 10), r"integers 0..9"),
])
def test_forward_refuses_a_batch_or_parameters_that_do_not_fit(change, pattern):
    p, (X, y) = net.init(hidden=4), net.batch(5)
    with pytest.raises(BpbookError, match=pattern):
        net.forward(*change(p, X, y))


def test_figure_and_its_description_come_from_the_same_rows():
    rows = [["a", "2×2", True, True, 0.0], ["b", "1×3", False, True, 3e-17],
            ["c", "1×1", False, True, 1e-18]]
    fig = plots.differences_figure(rows)
    text = plots.describe_differences(rows)
    assert alt_of(fig) == (text, None)
    assert "3 gradients" in text and "1 are exactly equal (a)" in text
    assert "at most 3e-17 (largest for b)" in text
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["a", "b", "c"]
    assert plots.floor_of(rows) == pytest.approx(1e-19)


def test_exercise_checks_give_specific_feedback():
    assert check_centering(lambda d: d - d.mean(axis=0, keepdims=True)).ok is True
    assert "path through mu is missing" in str(check_centering(lambda d: d))
    copied = check_centering(lambda d: d - d.mean(axis=1, keepdims=True))  # the page's batch norm
    assert copied.ok is False and "batch norm's answer" in str(copied)
    assert check_centering(None).ok is None

    right_W = lambda dz, X: dz.T @ X  # noqa: E731
    right_b = lambda dz: dz.sum(axis=0)  # noqa: E731
    assert check_first_layer(right_W, right_b).ok is True
    assert check_first_layer(None, None).ok is None
    mean_b = check_first_layer(right_W, lambda dz: dz.mean(axis=0))
    assert mean_b.ok is False and "gradients add" in str(mean_b)
    assert check_first_layer(right_W, None).ok is None
    page = check_first_layer(lambda dz, X: dz @ X.T, lambda dz: dz.sum(axis=1, keepdims=True))
    assert page.ok is False  # the page's column-layout answer does not fit rows

    assert check_tanh(lambda dh, z: dh * (1 - np.tanh(z) ** 2)).ok is True
    assert "given zbn" in str(check_tanh(lambda dh, z: dh * (1 - z ** 2)))

    assert check_ln_backward(ln_backward).ok is True
    assert "constants" in str(check_ln_backward(lambda d, zh, g, s: g * s * d))
    outside = check_ln_backward(lambda d, zh, g, s: g * s / d.shape[0] * (
        d.shape[0] * d - d.sum(0, keepdims=True) - zh * (d * zh).sum(0, keepdims=True)))
    assert outside.ok is False and "γ taken out of the sums" in str(outside)
    copied = check_ln_backward(lambda d, zh, g, s: net.bn_fused(
        torch.from_numpy(d), torch.from_numpy(zh), torch.from_numpy(g),
        torch.from_numpy(s)).numpy())
    assert copied.ok is False and "batch-norm formula" in str(copied)
    assert check_ln_backward(None).ok is None


def test_the_centering_and_tanh_references_are_torchs():
    rng = np.random.default_rng(4)
    z = torch.tensor(rng.normal(size=(3, 5)), requires_grad=True)
    dzc = rng.normal(size=(3, 5))
    (z - z.sum(0, keepdim=True) / 3).backward(torch.from_numpy(dzc))
    np.testing.assert_allclose(_centering(dzc), z.grad.numpy(), atol=1e-15)
    zbn = torch.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    dh = rng.normal(size=(3, 4))
    torch.tanh(zbn).backward(torch.from_numpy(dh))
    np.testing.assert_allclose(_dzbn(dh, zbn.detach().numpy()), zbn.grad.numpy(), atol=1e-15)


CHECKS = {"14.centering": (("dz_from_dzc",), check_centering),
          "14.first-layer": (("dW", "db"), check_first_layer),
          "14.tanh": (("dzbn",), check_tanh),
          "14.bn-fused": (("ln_backward",), check_ln_backward)}


@pytest.mark.parametrize("exercise", sorted(CHECKS))
def test_instructor_solution_passes_and_its_wrong_answer_fails(exercise):
    from tests import solutions
    entry = solutions.load("14_by_hand").EXERCISES[exercise]
    names, judge = CHECKS[exercise]
    for code, ok in ((entry["solution"], True), (entry["wrong"], False)):
        ns = {"np": np}
        exec(code, ns)
        assert judge(*(ns[n] for n in names)).ok is ok, (exercise, code)


def test_the_page_keeps_sigma_for_the_sigmoid_and_y_for_targets():
    """DEVELOPERS.md's notation (own-d, rev-2, rev-3): batch norm's scale is r, its outputs u, the
    gradient arriving at them d, samples indexed (i); σ, y_i = … and g_i do not appear."""
    import re
    from pathlib import Path

    import jupytext
    nb = jupytext.read(Path(__file__).parents[2] / "chapters" / "14_by_hand.py")
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "\\sigma" not in markdown
    assert not re.search(r"\by_i\s*=|\bg_[ij]\b", markdown)  # y_i stays sample i's label
    assert re.search(r"u\^\{\(i\)\}\s*=\s*\\gamma", markdown)
    assert "r = \\sqrt{\\mathrm{var}+\\varepsilon}" in markdown
