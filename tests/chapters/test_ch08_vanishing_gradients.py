"""Tests of the pitfalls chapter's helpers: bpbook.chapters.ch08_vanishing_gradients.experiments, .memory,
.batchnorm, .plots, .explore and the exercise checks (with the instructor's solutions). Truth
comes from central differences, torch.autograd, closed forms and bounds written out here; the
claims the chapter's prose makes about its runs are asserted here too."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from bpbook.activations import sigmoid_prime
from bpbook.errors import ExplodingGradientError, ShapeError
from bpbook.chapters.ch08_vanishing_gradients.batchnorm import compare, derive
from bpbook.chapters.ch08_vanishing_gradients.exercises import (check_accumulated, check_activation_memory,
                                                     check_bn_backward, check_clip,
                                                     check_decayed_step, check_off_fraction,
                                                     check_sigmoid_bound)
from bpbook.chapters.ch08_vanishing_gradients.memory import counted_bytes, measured_bytes
from bpbook.chapters.ch08_vanishing_gradients.explore import explorer, update
from bpbook.gradcheck import gradcheck, numeric_grad
from bpbook.layers import Dense
from bpbook.model import Sequential, fit
from bpbook.optim import SGD, clip_grad_norm, grad_norm
from bpbook.chapters.ch08_vanishing_gradients.experiments import (
    Residual, activation_rms, add_l2_grad, backward_forward_ratios, chain_factors,
    dead_relu_runs, count_loss_evaluations, deep_net,
    gradient_profile, l2_check, l2_penalty, layer_grad_norms, multiply_adds, n_params,
    no_grad_fraction, off_fraction, revival, toy_data, train)
from bpbook.norm import BatchNorm
from bpbook.worked import worked_example

X, Y = toy_data()
SMALL_X, SMALL_Y = toy_data(n_in=3, m=5, seed=1)


# ---- the residual block ------------------------------------------------------------------------

@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_residual_gradients_match_central_differences(activation):
    net = deep_net(3, width=4, n_in=3, activation=activation, residual=True, seed=2)
    assert isinstance(net.layers[1], Residual)
    assert gradcheck(net, SMALL_X, SMALL_Y).max_rel_error < 1e-6


def test_residual_input_gradient_is_identity_plus_branch():
    rng = np.random.RandomState(0)
    block = Residual(Dense(3, 3, "tanh", W=rng.randn(3, 3), b=rng.randn(3, 1)))
    a_prev, da = rng.randn(3, 4), rng.randn(3, 4)
    out = block.forward(a_prev)
    np.testing.assert_allclose(out, a_prev + np.tanh(block.W @ a_prev + block.dense.b))
    got = block.backward(da)
    # d(a_prev + tanh(W a_prev + b))/d a_prev, written out
    z = block.W @ a_prev + block.dense.b
    np.testing.assert_allclose(got, da + block.W.T @ (da * (1 - np.tanh(z) ** 2)))


def test_residual_needs_a_square_layer():
    with pytest.raises(ShapeError, match=r"n_in == n_out.*Dense\(3→2"):
        Residual(Dense(3, 2))


# ---- deep networks and their gradient profiles -------------------------------------------------

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


@pytest.mark.parametrize("kwargs, match", [
    (dict(depth=0), "depth must be an integer >= 1, got 0"),
    (dict(depth=3, width=2.5), "width must be an integer"),
    (dict(depth=3, init="glorot"), "unknown init 'glorot'; expected one of: normal, xavier, he"),
    (dict(depth=3, gain=-1.0), "gain must be a positive finite number, got -1.0"),
])
def test_deep_net_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        deep_net(**kwargs)


# ---- exploding gradients, clipping, initialisation ---------------------------------------------

BLOWUP = dict(depth=6, activation="relu", init="normal", gain=0.5)


def test_large_weights_explode_and_fit_says_so():
    with np.errstate(over="ignore", invalid="ignore"):
        with pytest.raises(ExplodingGradientError, match=r"epoch \d+, learning rate 0\.2.*clip"):
            fit(deep_net(**BLOWUP), X, Y, lr=0.2, epochs=50)


def test_train_stops_at_the_first_non_finite_loss():
    losses, err = train(deep_net(**BLOWUP), X, Y, lr=0.2, epochs=50)
    assert isinstance(err, ExplodingGradientError)
    assert f"epoch {len(losses)}" in str(err)
    assert np.all(np.isfinite(losses))


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


# ---- dead ReLUs --------------------------------------------------------------------------------

def _net_with_one_switched_off_unit(activation):
    net = deep_net(1, width=4, n_in=8, activation=activation, init="he", seed=5)
    net.layers[0].W[2] = 0.0
    net.layers[0].b[2] = -1.0  # z = -1 on every sample
    return net


def test_a_unit_off_on_every_sample_is_counted_and_gets_no_relu_gradient():
    net = _net_with_one_switched_off_unit("relu")
    assert off_fraction(net, X) >= 1 / 4
    assert no_grad_fraction(net, X, Y) >= 1 / 4
    assert np.all(net.layers[0].dW[2] == 0) and net.layers[0].db[2, 0] == 0


def test_a_leaky_unit_off_on_every_sample_still_gets_a_gradient():
    net = _net_with_one_switched_off_unit("leaky_relu")
    assert off_fraction(net, X) >= 1 / 4
    assert no_grad_fraction(net, X, Y) == 0.0
    assert np.any(net.layers[0].dW[2] != 0)


def test_large_learning_rate_kills_relu_units_and_costs_loss_but_helps_leaky_ones():
    # the chapter's claims about its run (64 units, 128 samples, 200 epochs, η = 0.1 and 0.2)
    from bpbook.activations import get_activation
    X2, Y2 = toy_data(m=128)
    units = {"relu": "relu", "leaky": "leaky_relu",
             "leaky 0.1": get_activation("leaky_relu", slope=0.1)}
    runs = dead_relu_runs(units, (0.1, 0.2), X2, Y2, width=64, epochs=200)
    assert all(err is None for *_, err in runs.values())
    dead = {key: run[1] for key, run in runs.items()}
    final = {key: run[2] for key, run in runs.items()}
    assert dead["relu", 0.1] == 0 and dead["relu", 0.2] > 0.1
    assert dead["leaky", 0.2] == 0 and dead["leaky 0.1", 0.2] == 0
    assert final["relu", 0.2] > final["relu", 0.1]
    assert final["leaky", 0.2] < final["leaky", 0.1]
    assert final["leaky 0.1", 0.2] < final["leaky 0.1", 0.1]


def test_dead_relu_runs_report_a_blown_up_run_instead_of_counting_it():
    runs = dead_relu_runs({"leaky": "leaky_relu"}, (50.0,), X, Y, width=8, epochs=30)
    off, no_grad, _, err = runs["leaky", 50.0]
    assert isinstance(err, ExplodingGradientError) and off is None and no_grad is None


def test_backward_forward_ratios_pair_timings_with_the_count():
    measured, counted = backward_forward_ratios([4, 8], 16)
    assert len(measured) == 2 and all(r > 0 for r in measured)
    assert counted == [b / f for f, b in (multiply_adds([8, w, w, w, 1], 16) for w in (4, 8))]


def test_switched_off_units_get_no_gradient_and_only_layer_two_units_revive():
    X2, Y2 = toy_data(m=128)
    back = revival(X2, Y2, lr=0.1, epochs=200)
    assert all(epoch is None for epoch in back[1].values())
    assert any(epoch is not None for epoch in back[2].values())


def test_a_unit_off_on_every_sample_keeps_its_incoming_weights_for_a_step():
    from bpbook.chapters.ch08_vanishing_gradients.experiments import switch_off
    net = deep_net(2, width=6, activation="relu", init="he", seed=1)
    net.forward(X)
    switch_off(net.layers[1], [0, 3])
    net.forward(X)
    assert np.all(net.layers[1].z[[0, 3]] < 0)
    W, b = net.layers[1].W[[0, 3]].copy(), net.layers[1].b[[0, 3]].copy()
    opt = SGD(net.parameters(), 0.1)
    net.forward_backward(X, Y)
    opt.step()
    np.testing.assert_array_equal(net.layers[1].W[[0, 3]], W)
    np.testing.assert_array_equal(net.layers[1].b[[0, 3]], b)


def test_revival_checks_its_settings():
    with pytest.raises(ValueError, match="n_off must be an integer in 1..width=4, got 5"):
        revival(X, Y, width=4, n_off=5)


def test_fraction_helpers_need_a_hidden_layer():
    with pytest.raises(ValueError, match="at least one hidden layer"):
        off_fraction(Sequential([Dense(8, 1)]), X)


# ---- the cost of gradients ---------------------------------------------------------------------

def test_finite_differences_evaluate_the_loss_twice_per_parameter():
    for width in (2, 5):
        net = deep_net(1, width=width, n_in=3)
        assert n_params(net) == 3 * width + width + width + 1
        assert count_loss_evaluations(net, SMALL_X, SMALL_Y) == 2 * n_params(net)


def test_multiply_adds_of_a_small_network():
    # [2, 3, 1] on 5 samples: forward 3·2·5 + 1·3·5 = 45; backward: dW for both layers (45) and
    # W.T @ delta for layer 2 only (15): 60
    assert multiply_adds([2, 3, 1], 5) == (45, 60)
    f, b = multiply_adds([8, 16, 16, 16, 1], 1)
    assert (f, b) == (8 * 16 + 16 * 16 * 2 + 16, 2 * 656 - 8 * 16)
    assert b / f == pytest.approx(1.80, abs=0.005)
    with pytest.raises(ValueError, match="at least two layer widths"):
        multiply_adds([4], 5)


def test_sequential_skips_the_first_layers_input_gradient_as_counted(monkeypatch):
    calls = []
    original = Dense._backward  # what Sequential calls (backward = checks, then _backward)

    def recording(self, da, input_grad=True):
        calls.append((self.name, input_grad))
        return original(self, da, input_grad)

    monkeypatch.setattr(Dense, "_backward", recording)
    net = deep_net(3, width=4, n_in=3)
    net.forward_backward(SMALL_X, SMALL_Y)
    assert calls == [("layer4", True), ("layer3", True), ("layer2", True), ("layer1", False)]


# ---- the explorer's update function ------------------------------------------------------------

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
    controls, table, image = box.children[0].children, *box.children[1:]
    depth = next(c for c in controls if c.description == "depth")
    before = image.value
    depth.value = 6
    expected = update(depth=6)
    assert f"{expected['ratio']:.4e}" in table.value and image.value != before


# ---- exercise checks ---------------------------------------------------------------------------

def test_check_sigmoid_bound_counts_one_slope_per_sigmoid_layer():
    assert check_sigmoid_bound(0.25 ** 8, hidden=7, sigmoid_output=True).ok is True
    assert check_sigmoid_bound(0.25 ** 7, hidden=7, sigmoid_output=False).ok is True
    assert "output layer" in str(check_sigmoid_bound(0.25 ** 7, hidden=7))
    assert "layer 1's own" in str(check_sigmoid_bound(0.25 ** 6, hidden=7, sigmoid_output=False))
    assert "too many" in str(check_sigmoid_bound(0.25 ** 9, hidden=7))
    assert "multiply" in str(check_sigmoid_bound(2.0))
    assert check_sigmoid_bound(None).ok is None


def test_check_accumulated():
    g = worked_example()["dW2"]
    assert check_accumulated(3 * g).ok is True
    assert "add up" in str(check_accumulated(g))


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


def test_check_off_fraction_names_each_mistake():
    assert check_off_fraction(lambda Z: np.mean(np.all(Z <= 0, axis=1))).ok is True
    assert "every sample" in str(check_off_fraction(lambda Z: np.mean(Z <= 0)))
    assert "z = 0" in str(check_off_fraction(lambda Z: np.mean(np.all(Z < 0, axis=1))))


# ---- counting the vanishing factors ------------------------------------------------------------

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


# ---- absolute scale, batch norm ----------------------------------------------------------------

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


def test_batchnorm_net_has_the_plain_nets_weights_and_correct_gradients():
    plain = deep_net(3, width=4, n_in=3, activation="sigmoid", seed=2)
    bn = deep_net(3, width=4, n_in=3, activation="sigmoid", batchnorm=True, seed=2)
    assert sum(isinstance(layer, BatchNorm) for layer in bn.layers) == 3
    for a, b in zip(plain.dense, bn.dense):
        np.testing.assert_array_equal(a.W, b.W)
    assert gradcheck(bn, SMALL_X, SMALL_Y).max_rel_error < 1e-6


def test_batchnorm_keeps_the_deep_sigmoid_gradient():
    plain = gradient_profile(deep_net(15), X, Y)
    bn = gradient_profile(deep_net(15, batchnorm=True), X, Y)
    assert plain[0] / plain[14] < 1e-6 and 0.1 < bn[0] / bn[14] < 10


def test_deep_net_refuses_skips_and_batchnorm_together():
    with pytest.raises(ValueError, match="not both"):
        deep_net(3, residual=True, batchnorm=True)


def test_sympy_derivation_agrees_with_the_closed_form_and_bpbook():
    derived = derive(3)
    assert all(r == 0 for r in derived["residuals"].values())
    table = compare(derived, [0.3, -1.2, 2.0], [0.5, -0.7, 1.1])
    assert len(table.rows) == 5 and max(table.column("difference")) < 1e-12
    with pytest.raises(ValueError, match="m >= 2"):
        derive(1)


# ---- weight decay ------------------------------------------------------------------------------

def test_l2_penalty_and_its_gradient():
    net = deep_net(2, width=3, n_in=3, activation="tanh", seed=6)
    lam = 0.3
    squares = sum(np.sum(layer.W ** 2) for layer in net.dense)
    assert l2_penalty(net, lam) == pytest.approx(0.5 * lam * squares)
    net.forward_backward(SMALL_X, SMALL_Y)
    before = [l.dW.copy() for l in net.dense]
    add_l2_grad(net, lam)
    for layer, dW in zip(net.dense, before):
        np.testing.assert_allclose(layer.dW, dW + lam * layer.W)
    assert l2_check(net, SMALL_X, SMALL_Y, lam) < 1e-7


# ---- memory ------------------------------------------------------------------------------------

def test_counted_bytes_is_the_closed_form():
    # 3 hidden layers of 5: z and a of (5, 7) each, 8 bytes; the linear output's a is its z
    assert counted_bytes(3, 5, 7) == 8 * (3 * 2 * 5 * 7 + 1 * 7)
    with pytest.raises(ValueError, match="m must be a positive integer"):
        counted_bytes(3, 5, 0)


@pytest.mark.parametrize("depth, width, m", [(2, 16, 32), (6, 32, 128)])
def test_measured_array_bytes_are_exactly_the_counted_ones(depth, width, m):
    assert measured_bytes(depth, width, m) == counted_bytes(depth, width, m)


def test_measured_bytes_see_an_extra_array_kept_by_the_forward_pass(monkeypatch):
    from bpbook.layers import Dense
    forward = Dense.forward

    def forward_keeping_a_copy(self, a_prev):
        out = forward(self, a_prev)
        self.extra = out.copy()
        return out
    monkeypatch.setattr(Dense, "forward", forward_keeping_a_copy)
    depth, width, m = 2, 16, 32
    extra = 8 * m * (depth * width + 1)  # one more array per layer, output included
    assert measured_bytes(depth, width, m) == counted_bytes(depth, width, m) + extra


def test_the_linear_output_keeps_one_array_and_hidden_layers_two():
    net = deep_net(2, width=4, n_in=3)
    net.forward(SMALL_X)
    assert net.layers[-1].a is net.layers[-1].z
    assert all(layer.a is not layer.z for layer in net.layers[:-1])
    assert net.layers[1].a_prev is net.layers[0].a


# ---- the new exercise checks and the instructor's solutions -------------------------------------

def _torch_bn_backward(z, g, gamma):
    import torch
    zt = torch.tensor(z.T, requires_grad=True)
    out = torch.nn.functional.batch_norm(zt, None, None, torch.tensor(gamma.ravel()), None,
                                         training=True, eps=1e-5)
    (out * torch.tensor(g.T)).sum().backward()
    return zt.grad.numpy().T


def test_check_bn_backward_accepts_torchs_answer_and_names_mistakes():
    assert check_bn_backward(_torch_bn_backward).ok is True
    assert "two paths" in str(check_bn_backward(
        lambda z, g, gamma: gamma * g / np.sqrt(z.var(axis=1, keepdims=True) + 1e-5)))
    assert "unbiased" in str(check_bn_backward(_unbiased_bn))
    assert check_bn_backward(lambda z, g, gamma: None).ok is None


def _unbiased_bn(z, g, gamma):
    m = z.shape[1]
    inv = 1 / np.sqrt(z.var(axis=1, ddof=1, keepdims=True) + 1e-5)
    z_hat = (z - z.mean(axis=1, keepdims=True)) * inv
    return gamma * inv / m * (m * g - g.sum(axis=1, keepdims=True)
                              - z_hat * (g * z_hat).sum(axis=1, keepdims=True))


def test_check_activation_memory():
    assert check_activation_memory(8 * 64 * (2 * 10 * 100 + 1)).ok is True
    assert "both z and a" in str(check_activation_memory(8 * 64 * (10 * 100 + 1)))
    assert "8 bytes" in str(check_activation_memory(64 * (2 * 10 * 100 + 1)))


def test_check_decayed_step():
    assert check_decayed_step(lambda W, dW, lr, lam: (1 - lr * lam) * W - lr * dW).ok is True
    assert "scaled by η" in str(check_decayed_step(lambda W, dW, lr, lam: W - lr * dW - lam * W))
    assert "cancels" in str(check_decayed_step(lambda W, dW, lr, lam: W - lr * (dW + 2 * lam * W)))


def _solutions():
    path = Path(__file__).resolve().parents[2] / "instructor" / "solutions" / "08_vanishing_gradients.py"
    spec = importlib.util.spec_from_file_location("solutions_05", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECKS = {"08.sigmoid-bound": ("answer", lambda a: check_sigmoid_bound(a, hidden=7)),
          "08.clip": ("clip", check_clip), "08.off-fraction": ("off_fraction_of",
                                                               check_off_fraction),
          "08.accumulated": ("answer", lambda a: check_accumulated(a, backward_calls=3)),
          "08.batchnorm-backward": ("bn_backward", check_bn_backward),
          "08.activation-memory": ("answer",
                                   lambda a: check_activation_memory(a, depth=10, width=100, m=64)),
          "08.weight-decay": ("decayed_step", check_decayed_step)}


@pytest.mark.parametrize("exercise", sorted(CHECKS))
def test_instructor_solution_passes_and_its_typical_mistake_is_named(exercise):
    entry = _solutions().EXERCISES[exercise]
    name, judge = CHECKS[exercise]
    for code, ok in ((entry["solution"], True), (entry["wrong"], False)):
        ns = {"np": np, "EX_HIDDEN": 7, "EX_DEPTH": 10, "EX_WIDTH": 100, "EX_M": 64,
              "once": worked_example()["dW2"]}
        exec(code, ns)
        verdict = judge(ns[name])
        assert verdict.ok is ok, (exercise, code, str(verdict))
        assert ok or "should be" in str(verdict) or "yours computes" in str(verdict)


def test_every_chapter_exercise_has_an_instructor_entry():
    text = (Path(__file__).resolve().parents[2] / "chapters" / "08_vanishing_gradients.py").read_text()
    import re
    ids = set(re.findall(r'exercise="(05\.[a-z0-9-]+)"', text))
    solutions = _solutions()
    assert ids == set(solutions.EXERCISES) | set(solutions.THINK)


# ---- the chapter's pictures --------------------------------------------------------------------

def test_cost_plot_keeps_every_point_inside_the_frame_and_draws_backprop_as_counted():
    from bpbook.chapters.ch08_vanishing_gradients import plots
    fig = plots.cost([13, 25], [26, 50], [2.2, 2.2], [16, 32], [2.5, 1.5], [1.8, 1.9])
    counted, measured = fig.axes
    assert measured.get_ylim()[0] == 0 and measured.get_ylim()[1] > 2.5
    np.testing.assert_allclose(counted.lines[1].get_ydata(), [2.2, 2.2])


def test_memory_plot_draws_measured_and_counted_mebibytes():
    from bpbook.chapters.ch08_vanishing_gradients import plots
    rows = [[2, 32, 2 ** 20, 2 ** 20 + 500], [4, 32, 2 ** 21, 2 ** 21 + 900]]
    ax = plots.memory(rows, 64).axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [r[3] / 2 ** 20 for r in rows])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1.0, 2.0])


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
