"""Tests of chapter 8's helpers (bpbook.chapters.ch08_vanishing_gradients: experiments,
batchnorm, plots, explore, exercises) and of the instructor's solutions. Truth comes from central
differences, torch.autograd, SymPy, closed forms and bounds written out here; the claims the
chapter's prose makes about its runs are asserted here too."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from bpbook.activations import sigmoid_prime
from bpbook.chapters.ch08_vanishing_gradients.batchnorm import compare, derive
from bpbook.chapters.ch08_vanishing_gradients.exercises import (check_clip, check_ln_backward,
                                                                check_sigmoid_bound)
from bpbook.chapters.ch08_vanishing_gradients.experiments import (activation_rms, chain_factors,
                                                                  delta_norms,
                                                                  gradient_profile,
                                                                  layer_grad_norms)
from bpbook.chapters.ch08_vanishing_gradients.explore import explorer, update
from bpbook.deep import deep_net, toy_data, train
from bpbook.errors import ExplodingGradientError
from bpbook.gradcheck import numeric_grad
from bpbook.model import Sequential, fit
from bpbook.optim import SGD, clip_grad_norm, grad_norm
from tests import solutions

X, Y = toy_data()
SMALL_X, SMALL_Y = toy_data(n_in=3, m=5, seed=1)


def test_layer_grad_norms_are_norms_of_central_difference_gradients():
    net = deep_net(3, width=4, n_in=3, activation="sigmoid", seed=3)
    norms = gradient_profile(net, SMALL_X, SMALL_Y)
    numeric = [np.linalg.norm(numeric_grad(lambda: net.loss(SMALL_X, SMALL_Y), layer.W))
               for layer in net.layers]
    np.testing.assert_allclose(norms, numeric, rtol=1e-6)


def test_each_sigmoid_layer_shrinks_delta_at_most_by_its_weights_and_a_quarter():
    # ||delta_l|| <= ||W_{l+1}||_2 * max|sigma'(z_l)| * ||delta_{l+1}|| and max sigma' <= 1/4
    net = deep_net(15, activation="sigmoid", init="xavier")
    gradient_profile(net, X, Y)
    for lower, upper in zip(net.layers[:-1], net.layers[1:]):
        slope = sigmoid_prime(lower.z).max()
        assert slope <= 0.25
        bound = np.linalg.norm(upper.W, 2) * slope * np.linalg.norm(upper.delta)
        assert np.linalg.norm(lower.delta) <= bound * (1 + 1e-12)


def test_sigmoid_gradients_vanish_and_the_cures_keep_them():
    ratio = {}
    for name, kw in {"sigmoid": dict(activation="sigmoid"),
                     "relu he": dict(activation="relu", init="he"),
                     "tanh xavier": dict(activation="tanh"),
                     "sigmoid skips": dict(activation="sigmoid", residual=True)}.items():
        norms = gradient_profile(deep_net(15, **kw), X, Y)
        ratio[name] = norms[0] / norms[14]
    assert ratio["sigmoid"] < 1e-6
    assert ratio["relu he"] > 1e-2 and ratio["tanh xavier"] > 1e-2
    assert ratio["sigmoid skips"] > 1e4 * ratio["sigmoid"]


def test_layer_grad_norms_needs_weights():
    from bpbook.layers import ActivationLayer
    with pytest.raises(ValueError, match="no layers with weights"):
        layer_grad_norms(Sequential([ActivationLayer("relu")]))


BLOWUP = dict(depth=6, activation="relu", init="normal", gain=0.5)


def test_large_weights_explode_and_fit_says_so():
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(ExplodingGradientError, match=r"epoch \d+, learning rate 0\.2.*clip"):
            fit(deep_net(**BLOWUP), X, Y, lr=0.2, epochs=50)


@pytest.mark.parametrize("net_args, clip", [(BLOWUP, 1.0), ({**BLOWUP, "init": "he", "gain": 1.0},
                                                            None)])
def test_clipping_or_he_init_keep_training_finite_and_falling(net_args, clip):
    losses, err = train(deep_net(**net_args), X, Y, lr=0.2, epochs=100, clip=clip)
    assert err is None and len(losses) == 100
    assert losses[-1] < 0.1 * losses[0]


def test_clipped_steps_are_never_longer_than_lr_times_clip():
    net = deep_net(**BLOWUP)
    opt = SGD(net.parameters(), 0.2, clip=1.0)
    for _ in range(5):
        before = [value.copy() for _, value, _ in net.parameters()]
        opt.zero_grad()
        net.forward_backward(X, Y)
        opt.step()
        step = np.sqrt(sum(np.sum((v - b) ** 2) for (_, v, _), b in zip(net.parameters(), before)))
        assert step <= 0.2 * 1.0 * (1 + 1e-9)


arrays = st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=6).map(np.array)


@settings(max_examples=50, deadline=None)
@given(st.lists(arrays, min_size=1, max_size=4), st.floats(1e-3, 1e3))
def test_clipping_bounds_the_global_norm_and_keeps_the_direction(grads, max_norm):
    params = [("g", g.copy(), g.copy()) for g in grads]
    norm = clip_grad_norm(params, max_norm)
    assert norm == pytest.approx(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    assert grad_norm(params) <= max_norm * (1 + 1e-9)
    factor = min(1.0, max_norm / (norm + 1e-6))  # torch's clip_grad_norm_ factor
    for (_, _, clipped), g in zip(params, grads):
        np.testing.assert_allclose(clipped, g * factor, rtol=1e-9, atol=1e-12)


def test_explorer_update_draws_the_profile_it_returns():
    fig = Figure()
    ax = fig.subplots()
    result = update(depth=12, activation="sigmoid", init="xavier", ax=ax)
    assert len(result["norms"]) == 13
    np.testing.assert_allclose(ax.lines[0].get_ydata(), result["norms"])
    assert result["ratio"] == pytest.approx(result["norms"][0] / result["norms"][11])
    assert result["ratio"] < 1e-4 and "layer 1 gets" in ax.get_title()


def test_explorer_update_responds_to_each_control():
    plain = update(depth=15, activation="sigmoid")["ratio"]
    assert update(depth=15, activation="sigmoid", residual=True)["ratio"] > 1e3 * plain
    assert update(depth=5, activation="sigmoid")["ratio"] > 1e3 * plain
    assert update(depth=15, activation="relu", init="he")["ratio"] > 1e3 * plain
    small, one, large = (update(depth=15, activation="tanh", gain=g) for g in (0.3, 1.0, 3.0))
    assert small["norms"].max() < 1e-3 * one["norms"].max()  # the signal dies on the way up
    assert large["ratio"] > 10 > 1 > one["ratio"]  # too large: the gradient grows downwards


def test_explorer_update_reports_overflow_instead_of_failing():
    fig = Figure()
    result = update(depth=30, activation="relu", init="normal", gain=1e5, ax=fig.subplots())
    assert result["norms"] is None and "overflowed" in result["message"]


def test_explorer_update_rejects_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation 'softmax'; expected one of"):
        update(activation="softmax")


def test_explorer_figure_is_reused_across_overflow():
    from bpbook.chapters.ch08_vanishing_gradients.explore import _power_of_ten, figure
    fig, ax = figure()
    update(depth=30, activation="relu", init="normal", gain=1e5, ax=ax)
    overflow = next(t for t in ax.texts if t.get_gid() == "no-profile")
    assert overflow.get_visible() and not ax.lines[0].get_visible()
    assert overflow.get_text() == "the gradients overflowed"
    result = update(depth=7, activation="tanh", ax=ax)
    assert len(ax.lines) == 1 and ax.lines[0].get_visible() and not overflow.get_visible()
    np.testing.assert_allclose(ax.lines[0].get_ydata(), result["norms"])
    assert ax.get_yscale() == "log" and list(ax.get_xticks()) == list(range(1, 9))
    assert [_power_of_ten(v, None) for v in (1e-3, 1.0, 1e12)] == ["10⁻³", "10⁰", "10¹²"]


def test_explorer_updates_table_and_figure_in_place():
    box = explorer()
    controls, table, picture = box.children[0].children, *box.children[1:]
    image, words = picture.children
    depth = next(c for c in controls if c.description == "depth")
    before = image.value
    depth.value = 6
    expected = update(depth=6)
    assert f"{expected['ratio']:.4e}" in table.value and image.value != before
    assert f"{expected['norms'][0]:.1e} at layer 1" in words.value


def test_check_sigmoid_bound_counts_one_slope_per_sigmoid_layer():
    assert check_sigmoid_bound(0.25 ** 8, hidden=7, sigmoid_output=True).ok is True
    assert check_sigmoid_bound(0.25 ** 7, hidden=7, sigmoid_output=False).ok is True
    assert "output layer" in str(check_sigmoid_bound(0.25 ** 7, hidden=7))
    assert "layer 1's own" in str(check_sigmoid_bound(0.25 ** 6, hidden=7, sigmoid_output=False))
    assert "too many" in str(check_sigmoid_bound(0.25 ** 9, hidden=7))
    assert "multiply" in str(check_sigmoid_bound(2.0))
    assert check_sigmoid_bound(None).ok is None


def _right_clip(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * min(1.0, max_norm / norm) for g in grads]


def test_check_clip_names_each_mistake():
    assert check_clip(_right_clip).ok is True
    assert "on its own" in str(check_clip(
        lambda gs, c: [g * min(1.0, c / np.linalg.norm(g)) for g in gs]))
    assert "direction" in str(check_clip(lambda gs, c: [np.clip(g, -c, c) for g in gs]))
    assert "unchanged" in str(check_clip(
        lambda gs, c: [g * c / np.sqrt(sum(np.sum(h ** 2) for h in gs)) for g in gs]))
    assert check_clip(lambda gs, c: None).ok is None


@pytest.mark.parametrize("depth", [1, 4, 10])
def test_delta_1_holds_one_sigmoid_slope_per_sigmoid_layer(depth):
    c = chain_factors(depth, seed=depth)
    assert len(c["slopes"]) == depth and len(c["weights"]) == depth
    full = c["delta_out"] * np.prod(c["weights"]) * np.prod(c["slopes"])
    assert c["delta_1"] == pytest.approx(full, rel=1e-12)
    # one slope fewer (or more) is a different number: each slope is < 1/4
    assert abs(c["delta_1"]) < abs(full / c["slopes"][0]) * 0.26
    assert np.all(c["slopes"] <= 0.25)


def test_each_step_down_multiplies_delta_by_one_slope_in_a_wide_network():
    # delta_l = (W_{l+1}^T delta_{l+1}) * sigma'(z_l): the ratio delta_l / (W_{l+1}^T delta_{l+1})
    # is exactly sigma'(z_l), one slope per layer; the output layer (linear) adds none
    net = deep_net(5, width=6, n_in=3, activation="sigmoid", seed=4)
    gradient_profile(net, SMALL_X, SMALL_Y)
    for lower, upper in zip(net.layers[:-1], net.layers[1:]):
        np.testing.assert_allclose(lower.delta / (upper.W.T @ upper.delta), sigmoid_prime(lower.z),
                                   rtol=1e-10)
    np.testing.assert_allclose(net.layers[-1].delta, (net.layers[-1].a - SMALL_Y) / 5, rtol=1e-12)


def test_xavier_under_relu_is_flat_but_tiny_next_to_he():
    xavier = deep_net(15, activation="relu", init="xavier")
    he = deep_net(15, activation="relu", init="he")
    gx, gh = gradient_profile(xavier, X, Y), gradient_profile(he, X, Y)
    assert gx[0] / gx[14] > gh[0] / gh[14]  # the ratio alone favours Xavier
    assert gx.max() < 0.01 * gh.max()
    rx, rh = activation_rms(xavier, X), activation_rms(he, X)
    assert rx[-1] < 0.01 * rh[-1] and np.all(np.diff(np.log(rx)) < 0.2)


def test_activation_rms_is_the_rms_of_each_hidden_output():
    net = deep_net(2, width=3, n_in=3, activation="tanh")
    net.forward(SMALL_X)
    want = [np.sqrt(np.mean(np.tanh(layer.z) ** 2)) for layer in net.layers[:2]]
    np.testing.assert_allclose(activation_rms(net, SMALL_X), want)


def test_batchnorm_keeps_the_deep_sigmoid_gradient():
    plain = gradient_profile(deep_net(15), X, Y)
    bn = gradient_profile(deep_net(15, batchnorm=True), X, Y)
    assert plain[0] / plain[14] < 1e-6 and 0.1 < bn[0] / bn[14] < 10


def test_sympy_derivation_agrees_with_the_closed_form_and_bpbook():
    derived = derive(3)
    assert all(r == 0 for r in derived["residuals"].values())
    table = compare(derived, [0.3, -1.2, 2.0], [0.5, -0.7, 1.1])
    assert len(table.rows) == 5 and max(table.column("difference")) < 1e-12
    with pytest.raises(ValueError, match="m >= 2"):
        derive(1)


def _torch_ln_backward(z, u_bar, gamma):
    """Layer norm's ∂ℒ/∂z by torch.autograd: independent truth for the check."""
    import torch
    zt = torch.tensor(z.T, requires_grad=True)
    out = torch.nn.functional.layer_norm(zt, (z.shape[0],), torch.tensor(gamma.ravel()), None,
                                         eps=1e-5)
    (out * torch.tensor(u_bar.T)).sum().backward()
    return zt.grad.numpy().T


def test_check_ln_backward_accepts_torchs_answer_and_names_mistakes():
    pytest.importorskip("torch")  # imported here, not inside the check's time limit
    assert check_ln_backward(_torch_ln_backward).ok is True

    def batch_axis(z, u_bar, gamma):  # batch norm's formula: the sums over the samples
        m = z.shape[1]
        inv = 1 / np.sqrt(z.var(axis=1, keepdims=True) + 1e-5)
        z_hat, h = (z - z.mean(axis=1, keepdims=True)) * inv, gamma * u_bar
        return inv / m * (m * h - h.sum(axis=1, keepdims=True)
                          - z_hat * (h * z_hat).sum(axis=1, keepdims=True))

    def gamma_outside(z, u_bar, gamma):
        n = z.shape[0]
        inv = 1 / np.sqrt(z.var(axis=0, keepdims=True) + 1e-5)
        z_hat = (z - z.mean(axis=0, keepdims=True)) * inv
        return gamma * inv / n * (n * u_bar - u_bar.sum(axis=0, keepdims=True)
                                  - z_hat * (u_bar * z_hat).sum(axis=0, keepdims=True))

    assert "axis 0" in str(check_ln_backward(batch_axis))
    assert "γ outside the sums" in str(check_ln_backward(gamma_outside))
    assert "two paths" in str(check_ln_backward(
        lambda z, u, gamma: gamma * u / np.sqrt(z.var(axis=0, keepdims=True) + 1e-5)))
    assert check_ln_backward(lambda z, u, gamma: None).ok is None

    def no_eps(z, u_bar, gamma):
        n = z.shape[0]
        inv = 1 / z.std(axis=0, keepdims=True)
        z_hat, h = (z - z.mean(axis=0, keepdims=True)) * inv, gamma * u_bar
        return inv / n * (n * h - h.sum(axis=0, keepdims=True)
                          - z_hat * (h * z_hat).sum(axis=0, keepdims=True))

    assert "without ε" in str(check_ln_backward(no_eps))


def test_sigmoid_bound_accepts_four_digits_and_is_each_students(monkeypatch):
    """rev-2 #1: 1.526e-5 for (1/4)^8 is right; issue 19: the number of layers per student."""
    import importlib

    import bpbook.chapters.ch08_vanishing_gradients.exercises as ex
    assert check_sigmoid_bound(1.526e-5, hidden=7).ok is True
    monkeypatch.delenv("BPBOOK_STUDENT", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert importlib.reload(ex).EX_HIDDEN == 7
    seen = set()
    for who in ("ada", "bo", "cy", "di"):
        monkeypatch.setenv("BPBOOK_STUDENT", who)
        mine = importlib.reload(ex)
        assert 3 <= mine.EX_HIDDEN <= 12
        assert mine.check_sigmoid_bound(0.25 ** (mine.EX_HIDDEN + 1)).ok is True
        seen.add(mine.EX_HIDDEN)
    assert len(seen) > 1
    monkeypatch.delenv("BPBOOK_STUDENT")
    importlib.reload(ex)


def test_explorer_batchnorm_switch_flattens_the_sigmoid_profile():
    plain = update(depth=15, activation="sigmoid")
    fig = Figure()
    bn = update(depth=15, activation="sigmoid", batchnorm=True, ax=fig.subplots())
    assert len(bn["norms"]) == 16 and bn["ratio"] > 1e6 * plain["ratio"]
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), bn["norms"])


def test_explorer_says_skips_and_batchnorm_do_not_combine():
    from bpbook.chapters.ch08_vanishing_gradients.explore import table
    result = update(residual=True, batchnorm=True, ax=Figure().subplots())
    assert result["norms"] is None and "not both" in result["message"]
    assert "not both" in str(table(result))


def test_sigmoid_bound_check_is_relative_and_validates_its_settings():
    assert check_sigmoid_bound(0.0, hidden=14).ok is False
    assert check_sigmoid_bound(0.25 ** 14, hidden=14).ok is False
    assert check_sigmoid_bound(1.01 * 0.25 ** 8, hidden=7).ok is False
    for bad in (-1, 2.5):
        with pytest.raises(ValueError, match="hidden should be a whole number"):
            check_sigmoid_bound(0.1, hidden=bad)


def test_clip_check_answers_any_return_value_with_feedback():
    for fn in (lambda g, n: "clipped", lambda g, n: {"g": g}, lambda g, n: (x for x in g),
               lambda g, n: [x * 1e308 * 1e308 for x in g]):
        assert check_clip(fn).ok is False


@pytest.mark.parametrize("kwargs, match", [
    (dict(gain="1"), "gain must be a positive finite number, got '1'"),
    (dict(gain=None), "gain must be a positive finite number, got None"),
    (dict(gain=True), "gain must be a positive finite number, got True"),
    (dict(depth=True), "depth must be an integer >= 1, got True"),
    (dict(init=["xavier"]), r"unknown init \['xavier'\]"),
])
def test_explorer_names_bad_settings(kwargs, match):
    """Issue 11: these once gave bare TypeErrors from numpy, or (True) a silent depth of 1."""
    from bpbook.errors import BpbookError
    with pytest.raises(BpbookError, match=match):
        update(**kwargs)


CHECKS = {"08.sigmoid-bound": ("answer", lambda a: check_sigmoid_bound(a, hidden=7)),
          "08.clip": ("clip", check_clip),
          "08.layernorm-backward": ("ln_backward", check_ln_backward)}


@pytest.mark.parametrize("exercise", sorted(CHECKS))
def test_instructor_solution_passes_and_its_typical_mistake_is_named(exercise):
    entry = solutions.load("08_vanishing_gradients").EXERCISES[exercise]
    name, judge = CHECKS[exercise]
    for code, ok in ((entry["solution"], True), (entry["wrong"], False)):
        ns = {"np": np, "EX_HIDDEN": 7}
        exec(code, ns)
        verdict = judge(ns[name])
        assert verdict.ok is ok, (exercise, code, str(verdict))
        assert ok or "should be" in str(verdict) or "yours computes" in str(verdict)


def test_every_chapter_exercise_has_an_instructor_entry():
    module = solutions.load("08_vanishing_gradients")
    ids = solutions.exercise_ids("08_vanishing_gradients")
    assert ids and ids == set(module.EXERCISES) | set(module.THINK)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**32 - 1), st.floats(0.1, 20.0))
def test_the_product_of_sigmoid_slopes_is_at_most_a_quarter_to_the_depth(depth, seed, spread):
    """The chapter's bound: D slopes σ'(z) multiply to at most (1/4)^D, so they shrink δ₁ by a
    factor of at least 4^D; the bound is reached only at z = 0."""
    z = np.random.default_rng(seed).normal(scale=spread, size=(depth, 50))
    products = np.prod(sigmoid_prime(z), axis=0)
    assert np.all(products <= 0.25 ** depth)
    # the same in logs, where no product underflows: log σ'(z) = −log(1+e^−z) − log(1+e^z)
    log_slopes = -np.logaddexp(0, -z) - np.logaddexp(0, z)
    assert np.all(-log_slopes.sum(axis=0) >= depth * np.log(4) * (1 - 1e-12))
    assert np.prod(sigmoid_prime(np.zeros(depth))) == 0.25 ** depth


def test_the_chain_of_one_unit_layers_obeys_the_bound():
    c = chain_factors(10)
    assert np.prod(c["slopes"]) <= 0.25 ** 10
    assert abs(c["delta_1"]) <= abs(c["delta_out"] * np.prod(c["weights"])) * 0.25 ** 10


def test_every_picture_carries_words_written_from_its_numbers():
    from bpbook.chapters.ch08_vanishing_gradients import plots
    from bpbook.display import alt_of
    sig, relu = np.array([1e-6, 1e-3, 0.5]), np.array([0.2, 0.3, 0.4])
    alt, _ = alt_of(plots.profiles({"sigmoid": sig, "relu": relu}))
    assert "sigmoid, from 1.0e-06 at layer 1 to 5.0e-01 at layer 3" in alt
    alt, details = alt_of(plots.panels({"activation": {"sigmoid": sig}, "skip": {"relu": relu}}))
    assert "activation and skip" in alt and "relu from 2.0e-01 at layer 1" in details
    assert "to 4.0e-01 at layer 3" in alt_of(plots.scale({"he": relu}, {"he": relu}))[0]
    curves = {"big": (np.array([1.0, 10.0]), ExplodingGradientError("x")),
              "he": (np.array([1.0, 0.1, 0.01]), None)}
    alt, _ = alt_of(plots.loss_curves(curves, "six layers"))
    assert "up to NaN at epoch 2" in alt and "to 1.00e-02 after 3 epochs" in alt


def test_explorer_words_follow_the_settings():
    from bpbook.chapters.ch08_vanishing_gradients.explore import alt
    result = update(depth=6, activation="tanh")
    assert f"{result['norms'][0]:.1e} at layer 1" in alt(result, "tanh", "xavier")
    overflow = update(depth=30, activation="relu", init="normal", gain=1e5)
    assert "No gradient profile" in alt(overflow, "relu", "normal")


def test_skips_carry_the_error_signal_down_while_the_stream_grows():
    """The chapter's reading of the skip connection: ‖δ₁‖ stays within a few times ‖δ_D‖ with
    skips and collapses without; each sigmoid block adds positive outputs to the stream."""
    X, Y = toy_data(m=64)
    plain, skips = (deep_net(15, 32, activation="sigmoid", residual=r) for r in (False, True))
    for net in (plain, skips):
        gradient_profile(net, X, Y)
    d_plain, d_skip = delta_norms(plain), delta_norms(skips)
    assert len(d_skip) == 16 and d_plain[0] / d_plain[14] < 1e-6 < 1e-1 < d_skip[0] / d_skip[14]
    layer = skips.layers[3]
    assert np.allclose(np.linalg.norm(layer.delta), d_skip[3])
    rms = [float(np.sqrt(np.mean(layer.a ** 2))) for layer in skips.layers[:15]]
    assert all(b > a for a, b in zip(rms[1:], rms[2:]))
