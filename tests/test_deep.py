"""Tests of bpbook.deep: the deep networks, the residual block and the training loop that
chapters 8 and 10 run their experiments on. Truth comes from central differences and the
formulas written out here."""
import numpy as np
import pytest

from bpbook.deep import Residual, deep_net, hidden_layers, toy_data, train
from bpbook.errors import ExplodingGradientError, ShapeError
from bpbook.gradcheck import gradcheck
from bpbook.layers import Dense
from bpbook.model import Sequential
from bpbook.norm import BatchNorm

X, Y = toy_data()
SMALL_X, SMALL_Y = toy_data(n_in=3, m=5, seed=1)


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


@pytest.mark.parametrize("kwargs, match", [
    (dict(depth=0), "depth must be an integer >= 1, got 0"),
    (dict(depth=3, width=2.5), "width must be an integer"),
    (dict(depth=3, init="glorot"), "unknown init 'glorot'; expected one of: normal, xavier, he"),
    (dict(depth=3, gain=-1.0), "gain must be a positive finite number, got -1.0"),
])
def test_deep_net_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        deep_net(**kwargs)


def test_train_stops_at_the_first_non_finite_loss():
    blowup = dict(depth=6, activation="relu", init="normal", gain=0.5)
    losses, err = train(deep_net(**blowup), X, Y, lr=0.2, epochs=50)
    assert isinstance(err, ExplodingGradientError)
    assert f"epoch {len(losses)}" in str(err)
    assert np.all(np.isfinite(losses))


def test_batchnorm_net_has_the_plain_nets_weights_and_correct_gradients():
    plain = deep_net(3, width=4, n_in=3, activation="sigmoid", seed=2)
    bn = deep_net(3, width=4, n_in=3, activation="sigmoid", batchnorm=True, seed=2)
    assert sum(isinstance(layer, BatchNorm) for layer in bn.layers) == 3
    for a, b in zip(plain.dense, bn.dense):
        np.testing.assert_array_equal(a.W, b.W)
    assert gradcheck(bn, SMALL_X, SMALL_Y).max_rel_error < 1e-6


def test_deep_net_refuses_skips_and_batchnorm_together():
    with pytest.raises(ValueError, match="not both"):
        deep_net(3, residual=True, batchnorm=True)


def test_hidden_layers_needs_a_hidden_layer_and_sees_through_residual_blocks():
    with pytest.raises(ValueError, match="at least one hidden layer"):
        hidden_layers(Sequential([Dense(8, 1)]), "off_fraction")
    net = deep_net(3, width=4, residual=True)
    assert hidden_layers(net, "test") == [net.layers[0], net.layers[1].dense, net.layers[2].dense]


def test_the_linear_output_keeps_one_array_and_hidden_layers_two():
    net = deep_net(2, width=4, n_in=3)
    net.forward(SMALL_X)
    assert net.layers[-1].a is net.layers[-1].z
    assert all(layer.a is not layer.z for layer in net.layers[:-1])
    assert net.layers[1].a_prev is net.layers[0].a



@pytest.mark.parametrize("kwargs, match", [(dict(m=0), r"m \(the number of samples\) must be"),
                                           (dict(n_in=2.5), "n_in must be an integer")])
def test_toy_data_names_bad_sizes(kwargs, match):
    from bpbook.errors import InputError
    with pytest.raises(InputError, match=match):
        toy_data(**kwargs)
