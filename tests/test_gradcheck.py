"""The gradient-check rule of bpbook.gradcheck: correct networks pass, seeded bugs fail, the
floor is what the central difference's rounding needs, kinks are found, parameters are told apart
by position, and float32 models (BatchNorm first or not) are checked in float64.

Truth here is independent of the rule: the bugs are written into a layer by hand (chapter 11's
``BuggyDense``, which the chapter teaches from), the rule's closed forms are written out, and a
kink is placed by construction.
"""
import numpy as np
import pytest

from bpbook.activations import Activation
from bpbook import Dense, Sequential, gradcheck
from bpbook.errors import InputError, InputTypeError
from bpbook.gradcheck import (EPS, NOISE_FACTOR, TOL, U, central_difference_error,
                              check_gradients, error_floor, rel_error)
from bpbook.chapters.ch11_gradient_checking.cases import BuggyDense
from bpbook.norm import BatchNorm

KINDS = {  # hidden activation, output activation, loss
    "tanh/mse": ("tanh", "sigmoid", "mse"),
    "relu/softmax_ce": ("relu", "identity", "softmax_ce"),
    "sigmoid/bce": ("sigmoid", "sigmoid", "bce"),
    "leaky_relu/mse": ("leaky_relu", "identity", "mse"),
    "elu/bce": ("elu", "sigmoid", "bce"),
    "silu/softmax_ce": ("silu", "identity", "softmax_ce"),
}
SMOOTH = ("tanh/mse", "sigmoid/bce", "elu/bce", "silu/softmax_ce")


def network(kind, seed, bug=None, where=1, m=5):
    """A 3-4-4-2 network of ``kind`` (``bug`` in layer ``where``), its data and loss."""
    act, out, loss = KINDS[kind]
    rng = np.random.RandomState(seed)
    sizes = [3, 4, 4, 2]
    layers = [BuggyDense(sizes[i], sizes[i + 1], act if i < 2 else out, rng=rng,
                         name=f"layer{i + 1}", bug=bug if i == where else None)
              for i in range(3)]
    X = rng.randn(3, m)
    Y = np.eye(2)[:, rng.randint(0, 2, m)] if loss == "softmax_ce" else rng.rand(2, m)
    return Sequential(layers), X, Y, loss


# ---- the rule's closed forms -----------------------------------------------------------------

def test_floor_is_the_noise_of_a_central_difference_over_the_tolerance():
    for L, eps in [(2.3, 1e-5), (300.0, 1e-5), (0.01, 1e-3), (-4.0, 1e-7)]:
        eta = abs(L) * (U / eps + eps ** 2 / 6)
        assert central_difference_error(L, eps) == pytest.approx(eta, rel=1e-12)
        assert error_floor(L, eps) == pytest.approx(NOISE_FACTOR * eta / TOL, rel=1e-12)
    assert U == 2.0 ** -52


def test_rule_error_is_relative_above_the_floor_and_absolute_below():
    g = np.array([3.0, -2.0, 0.5, 1e-12])
    # a sign flip is exactly 1; a dropped 1/m is (m-1)/(m+1)
    np.testing.assert_allclose(rel_error(g[:3], -g[:3], floor=1e-3), 1.0)
    for m in (2, 5, 64):
        assert rel_error(m * 0.7, 0.7) == pytest.approx((m - 1) / (m + 1), rel=1e-14)
    assert rel_error(1e-12, 2e-12, floor=1e-4) == pytest.approx(1e-12 / 1e-4)
    assert rel_error(0.0, 0.0) == 0.0 and rel_error(0.0, 0.0, floor=1.0) == 0.0


def test_the_issue_s_false_failure_now_passes():
    """Chapter 13's digits network: entries near 1.3e-4 with absolute error 3.5e-11, loss about
    2.3 (ten classes at the start). The old rule (relative, floor 1e-5, tolerance 1e-7) failed
    them; the new rule's floor is what a loss of that size needs."""
    g, g_hat, loss = 1.3e-4, 1.3e-4 + 3.5e-11, np.log(10)
    old = abs(g - g_hat) / max(abs(g), abs(g_hat), 1e-5)
    assert old > 1e-7
    assert rel_error(g, g_hat, error_floor(loss)) <= TOL


def test_check_gradients_judges_any_function():
    x = np.array([[0.3, -1.2], [2.0, 0.01]])
    f = lambda: float(np.sum(np.sin(x) * x))  # noqa: E731
    right, wrong = np.cos(x) * x + np.sin(x), np.cos(x) * x
    assert check_gradients(f, [("x", x, right)]).passed()
    result = check_gradients(f, [("x", x, wrong)])
    assert not result.passed() and result.evaluations == 8
    np.testing.assert_array_equal(x, [[0.3, -1.2], [2.0, 0.01]])  # restored


# ---- correct networks pass, seeded bugs fail -------------------------------------------------

@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("seed", range(4))
def test_correct_networks_pass(kind, seed):
    result = gradcheck(*network(kind, seed))
    assert result.passed(), result.table
    # and a decade below the tolerance, at this scale of inputs and weights
    assert result.max_rel_error < 1e-6, result.table


def test_correct_network_with_batch_norm_and_a_large_loss_passes():
    rng = np.random.RandomState(3)
    model = Sequential([Dense(3, 5, rng=rng, name="in"), BatchNorm(5),
                        Dense(5, 2, "sigmoid", rng=rng, scale=30.0, name="out")])
    X, Y = rng.randn(3, 6) * 4, rng.rand(2, 6)
    result = gradcheck(model, X, Y, "bce")
    assert result.loss > 10 and result.passed(), result.table


def _confident(margin, bug=None):
    """A 4-5-3 tanh network whose output layer is fitted so that each of its 3 samples has logits
    ``margin``·(one-hot − 1/3): a tiny cross-entropy computed from logits of size ``margin``."""
    rng = np.random.RandomState(0)
    X, Y = rng.randn(4, 3), np.eye(3)
    first = Dense(4, 5, "tanh", rng=rng, name="hidden")
    A = np.vstack([first.forward(X), np.ones((1, 3))])
    Wb = np.linalg.lstsq(A.T, (margin * (Y - 1 / 3)).T, rcond=None)[0].T
    out = (BuggyDense if bug else Dense)(5, 3, W=Wb[:, :-1], b=Wb[:, -1:], name="out",
                                         **({"bug": bug} if bug else {}))
    return Sequential([first, out]), X, Y


@pytest.mark.parametrize("margin", [10, 20, 40])
def test_a_confident_cross_entropy_is_judged_by_the_size_of_its_logits(margin):
    """ℒ = logsumexp(o) − o_c is tiny, but it rounds like the logits o: with a floor from |ℒ|
    alone, correct entries near 0 fail (ĝ carries u·|o|/ε of rounding); S = |ℒ| + Σ|o| holds
    them."""
    model, X, Y = _confident(margin)
    result = gradcheck(model, X, Y, "softmax_ce")
    by_loss = max(float(rel_error(g, g_hat, error_floor(result.loss))) for *_, g, g_hat, _
                  in result.rows)
    outputs = np.abs(model.forward(X)).sum(axis=0).mean()
    assert result.loss < 1e-3 and by_loss > TOL
    assert result.scale == pytest.approx(abs(result.loss) + outputs, rel=1e-12)
    assert result.passed(), result.table


def test_a_flipped_sign_still_fails_where_the_confident_network_has_gradients_to_show():
    """At margin 10 the gradients are about e⁻¹⁰ and the flip fails; at margin 40 they are 0 to
    rounding and no check can see it (the chapter says: check where the network still learns)."""
    wrong = gradcheck(*_confident(10, bug="sign"), "softmax_ce")
    assert not wrong.passed() and wrong.max_rel_error > 1e-3, wrong.table
    blind = gradcheck(*_confident(40, bug="sign"), "softmax_ce")
    assert blind.passed() and max(abs(r[2]) for r in blind.rows) < 1e-12


def test_floor_matters_tiny_correct_gradients_fail_pure_relative_error():
    """A saturated sigmoid layer has gradients of 1e-9 and smaller: pure relative error calls
    them wrong, the floor judges them by the noise and passes them."""
    model, X, Y, loss = network("sigmoid/bce", 0)
    model.layers[0].W *= 30  # saturate the first hidden layer
    result = gradcheck(model, X, Y, loss)
    pure = max(float(rel_error(r[2], r[3])) for r in result.rows)
    assert pure > TOL and result.passed(), (pure, result.table)


@pytest.mark.parametrize("bug, where", [("missing slope", 0), ("missing slope", 1),
                                        ("transposed W", 1), ("dropped 1/m", 2), ("sign", 0),
                                        ("sign", 2)])
@pytest.mark.parametrize("kind", SMOOTH)
def test_seeded_bugs_fail(bug, where, kind):
    for seed in range(3):
        result = gradcheck(*network(kind, seed, bug, where))
        assert not result.passed() and result.max_rel_error > 1e-3, result.table
        assert "FAILED" in result.verdict()


def test_a_missing_relu_slope_is_invisible_where_every_unit_is_active():
    """With every hidden pre-activation positive, ReLU′ = 1 everywhere: the bug changes nothing
    at this point, and the check rightly passes it. Another batch, with units off, catches it."""
    model, X, Y, loss = network("relu/softmax_ce", 0, "missing slope", where=0)
    hidden = model.layers[0]
    hidden.b[...] = 50.0
    assert gradcheck(model, X, Y, loss).passed()
    hidden.b[...] = 0.0
    assert not gradcheck(model, X, Y, loss).passed()


# ---- kinks, samples -------------------------------------------------------------------------

def test_a_check_that_straddles_a_relu_kink_is_marked_and_not_judged():
    model, X, Y, loss = network("relu/softmax_ce", 1)
    hidden = model.layers[0]
    hidden.forward(X)
    z = hidden.W @ X + hidden.b
    hidden.b[0, 0] -= z[0, 0] - 0.3 * EPS  # unit 0, sample 0 sits 0.3 ε above its kink
    result = gradcheck(model, X, Y, loss)
    kinked = [r for r, k in zip(result.rows, result.kinked) if k]
    assert ("layer1.b", (0, 0)) in [(r[0], r[1]) for r in kinked]
    assert result.kinks == len(kinked)
    assert max(r[4] for r in kinked) > 1e-3  # its central difference mixes two slopes
    assert result.passed() and "straddled a ReLU kink" in result.verdict()
    assert "straddles a kink" in str(result.table)


def test_a_smooth_network_has_no_kinks():
    assert gradcheck(*network("tanh/mse", 2)).kinks == 0


def test_sample_checks_that_many_entries_of_each_parameter():
    model, X, Y, loss = network("tanh/mse", 0)
    full = gradcheck(model, X, Y, loss)
    part = gradcheck(model, X, Y, loss, sample=3, seed=7)
    assert len(part.rows) == sum(min(3, v.size) for _, v, _ in model.parameters())
    assert part.evaluations == 2 * len(part.rows) and full.evaluations == 2 * len(full.rows)
    by_entry = {(r[0], r[1]): r for r in full.rows}
    for r in part.rows:
        assert by_entry[(r[0], r[1])][2:] == pytest.approx(r[2:])
    assert all(len(r) == 5 for r in part.rows)
    assert part.rows == gradcheck(model, X, Y, loss, sample=3, seed=7).rows
    assert part.rows != gradcheck(model, X, Y, loss, sample=3, seed=8).rows


@pytest.mark.parametrize("eps", [0.0, -1e-5, 1.5, 1.34e154])
def test_bad_eps_is_refused(eps):
    """Found by the fuzz test: a step of 1e154 overflowed the floor's ε² (OverflowError)."""
    model, X, Y, loss = network("tanh/mse", 0)
    with pytest.raises(InputError, match="gradcheck: eps should be"):
        gradcheck(model, X, Y, loss, eps=eps)


@pytest.mark.parametrize("bad, error", [(0, InputError), (-1, InputError),
                                        (1.5, InputTypeError)])
def test_bad_sample_is_refused(bad, error):
    model, X, Y, loss = network("tanh/mse", 0)
    with pytest.raises(error, match="gradcheck: sample should be an integer >= 1"):
        gradcheck(model, X, Y, loss, sample=bad)


# ---- issue 23: default names, float32 behind a BatchNorm -------------------------------------

@pytest.mark.parametrize("hidden", [3, 4])
def test_layers_with_the_same_default_name_are_told_apart(hidden):
    """Issue 23, item 1: both layers are named dense.W; equal shapes gave a false failure,
    different shapes a raw broadcast ValueError."""
    rng = np.random.RandomState(0)
    model = Sequential([Dense(3, hidden, "tanh", rng=rng), Dense(hidden, 3, rng=rng)])
    X, Y = rng.randn(3, 4), rng.randn(3, 4)
    result = gradcheck(model, X, Y)
    assert result.passed(), result.table
    labels = sorted({r[0] for r in result.rows})
    assert labels == ["dense.W (layers[0])", "dense.W (layers[1])", "dense.b (layers[0])",
                      "dense.b (layers[1])"]
    # a wrong slope in the second layer (named like the first) still fails
    model.layers[1].f = Activation("identity", lambda z: z, lambda z: 2 * np.ones_like(z), "z",
                                   "2")
    assert not gradcheck(model, X, Y).passed()


def _float32_behind_batch_norm(float32_batch_norm):
    rng = np.random.RandomState(1)
    bn = BatchNorm(3)
    if float32_batch_norm:  # as BatchNorm holds its parameters once it respects the dtype
        for attr in ("gamma", "beta", "dgamma", "dbeta"):
            setattr(bn, attr, getattr(bn, attr).astype(np.float32))
    model = Sequential([bn, Dense(3, 4, "tanh", rng=rng, name="hidden", dtype=np.float32),
                        Dense(4, 2, rng=rng, name="out", dtype=np.float32)])
    return model, rng.randn(3, 5), rng.randn(2, 5)


@pytest.mark.parametrize("float32_batch_norm", [False, True])
def test_a_float32_model_behind_a_batch_norm_is_checked_in_float64(float32_batch_norm):
    """Issue 23, item 4: model.dtype came from gamma (float64), so no float64 copy was made and
    the check ran in float32 (error 0.086)."""
    model, X, Y = _float32_behind_batch_norm(float32_batch_norm)
    result = gradcheck(model, X, Y)
    assert result.passed(), result.table
    assert "float64 copy of this float32 model" in result.note
    assert all(v.dtype == np.float32 for _, v, _ in model.parameters()[2:])  # untouched
