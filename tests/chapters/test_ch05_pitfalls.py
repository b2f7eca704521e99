"""Tests of the pitfalls chapter's helpers: bpbook.chapters.ch05_pitfalls.experiments, bpbook.chapters.ch05_pitfalls.explore and the
exercise checks. Truth comes from central differences and bounds written out here."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from bpbook.activations import sigmoid_prime
from bpbook.errors import ExplodingGradientError, ShapeError
from bpbook.chapters.ch05_pitfalls.exercises import (check_accumulated, check_clip, check_off_fraction,
                                       check_sigmoid_bound)
from bpbook.chapters.ch05_pitfalls.explore import explorer, update
from bpbook.gradcheck import gradcheck, numeric_grad
from bpbook.layers import Dense
from bpbook.model import Sequential, fit
from bpbook.optim import SGD, clip_grad_norm, grad_norm
from bpbook.chapters.ch05_pitfalls.experiments import (Residual, count_loss_evaluations, deep_net, gradient_profile,
                             layer_grad_norms, multiply_adds, n_params, no_grad_fraction,
                             off_fraction, toy_data, train)
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
    factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
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


def test_large_learning_rate_kills_relu_units_but_not_leaky_ones():
    X2, Y2 = toy_data(m=128)
    result = {}
    for act in ("relu", "leaky_relu"):
        for lr in (0.02, 0.2):
            net = deep_net(2, width=64, activation=act, init="he")
            _, err = train(net, X2, Y2, lr, 200)
            assert err is None
            result[act, lr] = no_grad_fraction(net, X2, Y2)
    assert result["relu", 0.02] == 0 and result["relu", 0.2] > 0.1
    assert result["leaky_relu", 0.2] == 0


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
    # [2, 3, 1] on 5 samples: forward 3·2·5 + 1·3·5 = 45; backward twice that
    assert multiply_adds([2, 3, 1], 5) == (45, 90)
    with pytest.raises(ValueError, match="at least two layer widths"):
        multiply_adds([4], 5)


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
    from bpbook.chapters.ch05_pitfalls.explore import _power_of_ten, figure
    fig, ax = figure()
    update(depth=30, activation="relu", init="normal", gain=1e5, ax=ax)
    overflow = next(t for t in ax.texts if t.get_gid() == "overflow")
    assert overflow.get_visible() and not ax.lines[0].get_visible()
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

def test_check_sigmoid_bound():
    assert check_sigmoid_bound(0.25 ** 10).ok is True
    assert "multiply" in str(check_sigmoid_bound(2.5))
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
