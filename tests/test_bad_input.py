"""Issues 11 and 23: the core under bad input and float32, one test (or a few) per item of the
issues (issue 23's below issue 11's).

Truths are written here: closed forms (softplus, one-hot), ``math.hypot`` (an overflow-safe
norm), mpmath at 50 digits, torch's ``binary_cross_entropy_with_logits``, central differences.
"""
import math
import warnings
from decimal import Decimal
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from bpbook import (SGD, Dense, Sequential, Table, clip_grad_norm, fit, get_activation, gradcheck,
                    mlp)
from bpbook.activations import ACTIVATIONS
from bpbook.conv import Conv2d, Flatten, MaxPool2d
from bpbook.engine import Value
from bpbook.layers import ActivationLayer
from bpbook.norm import BatchNorm
from bpbook.rnn import RNN
from bpbook.errors import (BpbookError, OrderError, ExplodingGradientError, InputError,
                           InputTypeError, ShapeError)
from bpbook.losses import bce, bce_grad, get_loss, softmax_ce, softmax_ce_grad
from tests.gradient_checks import assert_grad_close
from tests.worked_closed_form import closed_form as worked_example_closed_form

XOR_X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
XOR_Y = np.array([[0, 1, 1, 0]], dtype=float)


def softplus(x):
    """log(1 + e^x) in float64, written without bpbook."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def weights(model):
    return [v.copy() for _, v, _ in model.parameters()]


# ---- 1. BCE finite at saturated outputs, in both dtypes -------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_of_a_confident_right_answer_is_finite(dtype):
    model = Sequential([Dense(1, 1, "sigmoid", W=[[20.0]], dtype=dtype)])
    value = model.forward_backward(np.ones((1, 1), dtype), [[1.0]], "bce")
    # L = -log σ(20) = softplus(-20); dL/dW = (σ(20) - 1)·x = -σ(-20)
    assert value == pytest.approx(softplus(-20.0), rel=1e-5)
    assert model.dense[0].dW.dtype == dtype
    assert model.dense[0].dW[0, 0] == pytest.approx(-1 / (1 + math.exp(20.0)), rel=1e-4)


def test_bce_training_in_float32_converges_like_float64():
    X, Y = [[-3, -1, 1, 3]], [[0, 0, 1, 1]]
    runs = {dt: fit(mlp([1, 1], dtype=dt), X, Y, "bce", lr=5) for dt in (np.float32, np.float64)}
    assert runs[np.float64][-1] < 1e-3
    np.testing.assert_allclose(runs[np.float32], runs[np.float64], rtol=1e-3, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_on_probabilities_is_finite_at_0_and_1(dtype):
    p = np.array([[0.0, 1.0, 0.0, 1.0, 1 - 1e-9]], dtype)
    y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0]], dtype)
    assert np.isfinite(bce(p, y))
    assert np.all(np.isfinite(bce_grad(p, y))) and bce_grad(p, y).dtype == dtype


@settings(max_examples=60, deadline=None)
@given(z=st.lists(st.floats(-80, 80), min_size=1, max_size=6), data=st.data())
def test_bce_from_the_logit_matches_torch_bce_with_logits(z, data):
    """Through a sigmoid output: loss and dL/dz equal torch's BCEWithLogits, for any logit."""
    z = np.array([z])
    y = np.array([data.draw(st.lists(st.floats(0, 1), min_size=z.size, max_size=z.size))])
    model = Sequential([Dense(1, 1, "sigmoid", W=[[1.0]])])
    value = model.forward_backward(z, y, "bce")
    zt = torch.tensor(z, requires_grad=True)
    want = F.binary_cross_entropy_with_logits(zt, torch.tensor(y), reduction="sum")
    (want / z.shape[1]).backward()
    # torch's value takes log(1 + e^-|z|) without log1p, so it is the truth for the gradient
    # only; the value is checked against 50-digit arithmetic
    with mpmath.workdps(50):
        exact = sum(mpmath.log1p(mpmath.exp(zi)) - yi * zi for zi, yi in zip(z[0], y[0]))
    assert value == pytest.approx(float(exact) / z.shape[1], rel=1e-14, abs=1e-300)
    assert_grad_close("bce delta", model.dense[0].delta, zt.grad.numpy(), {"z": z, "y": y},
                      tol=1e-12, truth="torch.autograd")


# ---- 2. Bad data is named, before any update ------------------------------------------------

def test_nan_in_X_is_named_with_count_and_first_position():
    model = mlp([2, 3, 1])
    before = weights(model)
    X = XOR_X.copy()
    X[1, 2] = X[0, 3] = np.nan
    with pytest.raises(InputError, match=r"inputs X holds 2 non-finite .*index \(0, 3\)") as err:
        fit(model, X, XOR_Y, lr=0.5, epochs=5)
    assert not isinstance(err.value, ExplodingGradientError)
    assert all(np.array_equal(a, b) for a, b in zip(before, weights(model)))


def test_inf_in_Y_is_named_with_count_and_first_position():
    model = mlp([2, 3, 1])
    before = weights(model)
    Y = XOR_Y.copy()
    Y[0, 2] = np.inf
    with pytest.raises(InputError, match=r"targets Y .*1 of 4 values .* inf at index \(0, 2\)"):
        fit(model, XOR_X, Y, lr=0.5, epochs=5)
    assert all(np.array_equal(a, b) for a, b in zip(before, weights(model)))


def test_fit_checks_Y_before_any_step_even_with_no_epochs():
    with pytest.raises(InputError, match=r"targets Y should hold finite numbers"):
        fit(mlp([2, 1]), XOR_X, [[0, np.nan, 1, 0]], epochs=0)


def test_an_output_that_overflows_is_named_not_returned():
    huge = np.array([[0.0], [1.6e308]])
    with pytest.raises(ExplodingGradientError, match=r"output y_hat is not finite.*largest \|X\| "
                                                     r"is 1.6e\+308"):
        mlp([2, 3, 1], "relu", "identity", scale=3.0).forward(huge)


def test_an_empty_batch_is_named_as_such():
    with pytest.raises(InputError, match=r"inputs X is an empty batch: shape \(2, 0\)"):
        fit(mlp([2, 1]), np.zeros((2, 0)), np.zeros((1, 0)))
    with pytest.raises(InputError, match="empty batch"):
        get_loss("mse").value(np.zeros((1, 0)), np.zeros((1, 0)))


# ---- 3. No silent reshapes ------------------------------------------------------------------

def test_weights_of_the_wrong_shape_are_refused_not_reshaped():
    with pytest.raises(ShapeError, match=r"W should have shape \(2, 3\), got shape \(3, 2\)"):
        Dense(3, 2, W=np.arange(6.0).reshape(3, 2))
    with pytest.raises(ShapeError, match=r"W should have shape \(2, 3\), got shape \(6,\)"):
        Dense(3, 2, W=np.arange(6.0))
    # one output: a flat W can only be its row of weights
    np.testing.assert_array_equal(Dense(3, 1, W=[1.0, 2.0, 3.0]).W, [[1.0, 2.0, 3.0]])


def test_transposed_inputs_are_refused_with_a_hint():
    with pytest.raises(ShapeError, match=r"inputs X should have shape \(2, m\).*got shape "
                                         r"\(4, 2\); transposed\? pass its \.T"):
        fit(mlp([2, 3, 1]), XOR_X.T, XOR_Y)


def test_a_flat_Y_for_two_outputs_is_refused():
    model = mlp([2, 3, 2])
    Y = np.array([[0, 1, 1, 0], [1, 0, 0, 1]], float)
    with pytest.raises(ShapeError, match=r"targets Y should have shape \(2, 4\).*got shape \(8,\)"):
        model.forward_backward(XOR_X, Y.T.ravel())
    # one output or one sample: a flat Y is unambiguous
    one = mlp([2, 1])
    assert one.loss(XOR_X, XOR_Y.ravel()) == one.loss(XOR_X, XOR_Y)
    assert model.loss(XOR_X[:, :1], Y[:, 0]) == model.loss(XOR_X[:, :1], Y[:, :1])


def test_integer_class_labels_are_one_hot_encoded_for_softmax_ce():
    rng = np.random.RandomState(0)
    Z, labels = rng.randn(3, 5), np.array([2, 0, 1, 1, 2])
    one_hot = np.zeros((3, 5))
    one_hot[labels, np.arange(5)] = 1.0
    assert softmax_ce(Z, labels) == softmax_ce(Z, one_hot)
    np.testing.assert_array_equal(softmax_ce_grad(Z, labels), softmax_ce_grad(Z, one_hot))
    model = mlp([2, 4, 3], "tanh", "identity")
    X = rng.randn(2, 5)
    assert model.loss(X, labels, "softmax_ce") == model.loss(X, one_hot, "softmax_ce")
    with pytest.raises(InputError, match=r"y \(class labels\) should lie in 0\.\.2.*got 3"):
        softmax_ce(Z, np.array([0, 1, 3, 1, 2]))
    with pytest.raises(ShapeError, match=r"class labels: a 1-D integer array of length m"):
        softmax_ce(Z, labels[:4])


# ---- 4. BCE's gradient is the derivative of its loss ----------------------------------------

@pytest.mark.parametrize("p, y", [(4.7e-14, 0.2), (1e-13, 1.0), (0.5, 0.5), (1e-300, 0.7)])
def test_bce_gradient_is_the_derivative_of_the_loss(p, y):
    p_, y_ = np.array([[p]]), np.array([[y]])
    h = min(p, 1 - p) * 1e-4
    fd = (bce(p_ + h, y_) - bce(p_ - h, y_)) / (2 * h)
    exact = -y / p + (1 - y) / (1 - p)
    assert bce_grad(p_, y_)[0, 0] == pytest.approx(exact, rel=1e-9)
    assert fd == pytest.approx(exact, rel=1e-4)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(1.0, 40.0))
def test_gradcheck_passes_for_bce_at_saturated_outputs(seed, scale):
    model = mlp([2, 3, 2], "tanh", "sigmoid", seed=seed, scale=scale)
    rng = np.random.RandomState(seed)
    X, Y = rng.randn(2, 3) * 3, rng.rand(2, 3)
    result = gradcheck(model, X, Y, "bce")
    # the loss reaches hundreds here, so central differences carry rounding of about
    # 1e-16·L/ε ≈ 1e-9: judged against gradcheck's 1e-5 floor, that is a relative 1e-4
    assert result.max_rel_error < 1e-4, result.table


def test_bce_needs_a_sigmoid_output():
    """The issue's case (a softmax output holding 4.7e-14) is refused with the reason."""
    for output in ("softmax", "identity"):
        with pytest.raises(InputError, match=f"'bce' needs a sigmoid output.*'{output}'"):
            mlp([3, 3], "tanh", output).forward_backward(np.ones((3, 2)), np.full((3, 2), .3),
                                                         "bce")


# ---- 5. One dtype rule ----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_keep_float32(name):
    act = get_activation(name)
    z = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    a = act(z)
    assert a.dtype == np.float32
    assert act.backward(z, a, np.ones_like(z)).dtype == np.float32
    if act.df is not None:
        assert act.df(z).dtype == np.float32


def test_float32_leaky_relu_model_keeps_every_delta_float32():
    model = mlp([3, 4, 4, 1], "leaky_relu", "sigmoid", dtype=np.float32)
    model.forward_backward(np.ones((3, 2)), [[0.0, 1.0]], "bce")
    assert all(layer.delta.dtype == np.float32 for layer in model.dense)


@pytest.mark.parametrize("dtype", [int, np.float16, complex, "float128", "abc"])
def test_other_dtypes_are_refused_naming_the_allowed_ones(dtype):
    with pytest.raises(InputTypeError, match=r"dtype should be np.float32 or np.float64, got"):
        mlp([2, 1], dtype=dtype)


# ---- 6. Clipping a huge but finite gradient -------------------------------------------------

@pytest.mark.parametrize("size", [1e200, 1e307])
def test_clip_grad_norm_is_overflow_safe(size):
    grads = [np.array([[size, -2 * size]]), np.array([[0.5 * size]])]
    params = [(f"p{i}", np.zeros_like(g), g) for i, g in enumerate(grads)]
    want = math.hypot(*(v for g in grads for v in g.ravel()))  # math.hypot does not overflow
    direction = [g / want for g in grads]
    norm = clip_grad_norm(params, 1.0)
    assert norm == pytest.approx(want, rel=1e-12)
    assert math.hypot(*(v for g in grads for v in g.ravel())) == pytest.approx(1.0, rel=1e-12)
    for g, d in zip(grads, direction):
        np.testing.assert_allclose(g, d, rtol=1e-12)


def test_clip_grad_norm_names_a_gradient_that_is_not_finite():
    params = [("layer1.W", np.zeros(2), np.array([1.0, np.inf]))]
    with pytest.raises(ExplodingGradientError, match="gradient of layer1.W is not finite"):
        clip_grad_norm(params, 1.0)


# ---- 7. and 8. Errors that name the argument, for raw errors and silently accepted values ---

RAW_AND_SILENT = [
    # item 7: once raw errors from deep inside
    ("strings in X", lambda: fit(mlp([2, 1]), [["a", "b"], ["c", "d"]], [[0, 1]]),
     InputTypeError, "inputs X should be an array of real numbers, got strings"),
    ("strings in Y", lambda: fit(mlp([2, 1]), XOR_X, [["a"] * 4]),
     InputTypeError, "targets Y should be an array of real numbers, got strings"),
    ("strings in W", lambda: Dense(2, 1, W=[["a", "b"]]),
     InputTypeError, "W should be an array of real numbers, got strings"),
    ("bool size", lambda: mlp([3, True, 1]), InputError, r"sizes should be .*\[3, True, 1\]"),
    ("bool epochs", lambda: fit(mlp([2, 1]), XOR_X, XOR_Y, epochs=True),
     InputTypeError, "epochs should be an integer >= 0 and <= 10000000, got bool True"),
    ("list as a name", lambda: get_activation(["relu"]),
     InputTypeError, r"activation should be a name .*got list \['relu'\]"),
    ("string slope", lambda: get_activation("leaky_relu", slope="a"),
     InputTypeError, "leaky_relu slope should be a real number, got str 'a'"),
    ("int rng", lambda: Dense(3, 2, rng=42),
     InputTypeError, "rng should be a numpy.random.RandomState .*got int 42"),
    # item 8: once silently accepted
    ("bool lr", lambda: SGD(mlp([2, 1]).parameters(), lr=True),
     InputTypeError, "learning rate lr should be a real number, got bool True"),
    ("infinite slope", lambda: get_activation("leaky_relu", slope=np.inf),
     InputError, "leaky_relu slope should be a finite number, got inf"),
    ("BCE target 2", lambda: bce([[0.5]], [[2.0]]),
     InputError, r"targets y should hold numbers in \[0, 1\].* 2\.0 at index \(0, 0\)"),
    ("BCE target 2 in a model", lambda: fit(mlp([2, 1]), XOR_X, 2 * XOR_Y, "bce"),
     InputError, r"targets Y should hold numbers in \[0, 1\]"),
    ("BCE on an identity output", lambda: fit(mlp([2, 1], output="identity"), XOR_X, XOR_Y,
                                             "bce"),
     InputError, "'bce' needs a sigmoid output.*'identity'"),
    ("BCE on values that are not probabilities", lambda: bce([[1.5]], [[1.0]]),
     InputError, r"y_hat should hold numbers in \[0, 1\] \(probabilities"),
    ("complex X", lambda: fit(mlp([2, 1]), XOR_X + 1j, XOR_Y),
     InputTypeError, "inputs X should be an array of real numbers, got complex numbers"),
    ("NaN scale", lambda: mlp([2, 1], scale=np.nan),
     InputError, "scale should be a finite number, got nan"),
    ("NaN in W", lambda: Dense(2, 1, W=[[np.nan, 1.0]]),
     InputError, r"W holds 1 non-finite value.*index \(0, 0\)"),
    ("slope for relu", lambda: get_activation("relu", slope=0.2),
     InputError, "slope only applies to leaky_relu, got slope=0.2 for activation 'relu'"),
    ("gradcheck of a string", lambda: gradcheck("mlp", XOR_X, XOR_Y),
     InputTypeError, "gradcheck: model should be a Sequential"),
    ("fit of a string", lambda: fit("mlp", XOR_X, XOR_Y),
     InputTypeError, "fit: model should be a Sequential"),
    ("softmax twice", lambda: fit(mlp([2, 2], output="softmax"), XOR_X, np.eye(2)[:, [0, 1, 1, 0]],
                                  "softmax_ce"),
     InputError, "'softmax_ce' applies the softmax to the logits itself"),
]


def _layers_named(name):
    return [lambda: Dense(2, 1, name=name), lambda: ActivationLayer("relu", name=name),
            lambda: Conv2d(1, 1, 3, name=name), lambda: MaxPool2d(2, name=name),
            lambda: Flatten(name=name), lambda: BatchNorm(2, name=name),
            lambda: RNN(1, 2, name=name), lambda: Value(1.0, label=name)]


@pytest.mark.parametrize("name, error, message", [
    (3, InputTypeError, "name should be a string, got int 3"),
    (None, InputTypeError, "name should be a string, got NoneType None"),
    (["fc"], InputTypeError, r"name should be a string, got list \['fc'\]"),
    ("x" * 81, InputError, "name should be at most 80 characters, got 81"),
])
def test_a_layer_name_or_value_label_that_is_not_a_short_string_is_named(name, error, message):
    for make in _layers_named(name):
        with pytest.raises(error, match=message.replace("name should", "(name|label) should")):
            make()


def test_a_short_string_name_is_kept_as_given():
    for make in _layers_named("layer 1"):
        obj = make()
        assert getattr(obj, "name", getattr(obj, "label", None)) == "layer 1"


@pytest.mark.parametrize("case, call, error, message", RAW_AND_SILENT,
                         ids=[c[0] for c in RAW_AND_SILENT])
def test_bad_arguments_get_an_error_naming_them(case, call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---- 9. The scalar engine -------------------------------------------------------------------

def test_a_backward_that_overflows_leaves_every_gradient_as_it_was():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    (a * 1.5e308).backward()  # a.grad = 1.5e308; leaves accumulate
    L = a * 1.5e308 + b * 3.0
    for record in (False, True):
        with pytest.raises(OverflowError, match="left as it was") as err:
            L.backward(record=record)
        assert isinstance(err.value, BpbookError)
        assert (a.grad, b.grad, L.grad) == (1.5e308, 0.0, 0.0)
    a.grad = 0.0
    L.backward()  # not marked as already run: after clearing the leaf it works
    assert (a.grad, b.grad) == (1.5e308, 3.0)


def test_value_of_a_number_beyond_floats_says_so():
    with pytest.raises(ValueError, match=r"finite number \(\|x\| <= 1.798e\+308\), got an int of "
                                         "401 digits"):
        Value(10**400)


@pytest.mark.parametrize("x, want", [(Decimal("0.1"), 0.1), (Fraction(1, 3), 1 / 3),
                                     (np.float32(0.5), 0.5), (np.int64(3), 3.0)])
def test_value_accepts_any_finite_real_number(x, want):
    v = Value(x)
    assert type(v.data) is float and v.data == want


@pytest.mark.parametrize("x", [Decimal("NaN"), Decimal("Infinity"), Decimal("1e400"),
                               Fraction(10**400, 3)])
def test_value_refuses_real_numbers_that_are_not_finite_floats(x):
    with pytest.raises(InputError, match="expected a finite number"):
        Value(x)


@pytest.mark.parametrize("slope", [-5, np.inf, np.nan, "a", True])
def test_leaky_relu_slope_has_one_rule(slope):
    with pytest.raises(BpbookError) as core:
        get_activation("leaky_relu", slope=slope)
    with pytest.raises(type(core.value)) as engine:
        Value(-1.0).leaky_relu(slope=slope)
    assert str(engine.value) == str(core.value) and "leaky_relu slope" in str(core.value)


def test_leaky_relu_agrees_between_engine_and_core():
    v = Value(-2.0)
    out = v.leaky_relu(0.2)
    out.backward()
    act = get_activation("leaky_relu", slope=0.2)
    assert out.data == act(np.array([[-2.0]]))[0, 0] and v.grad == act.df(np.array([[-2.0]]))[0, 0]


# ---- 10. gradcheck of a float32 model -------------------------------------------------------

def test_gradcheck_of_a_float32_model_runs_on_a_float64_copy():
    model = mlp([2, 3, 1], "tanh", "sigmoid", seed=4, scale=1.0, dtype=np.float32)
    result = gradcheck(model, XOR_X, XOR_Y, "bce")
    assert result.passed(1e-7), result.table
    assert "float64 copy of this float32 model" in result.note and result.note in repr(result)
    assert all(v.dtype == np.float32 for _, v, _ in model.parameters())
    twin = mlp([2, 3, 1], "tanh", "sigmoid", seed=4, scale=1.0)
    for (_, v, _), (_, v64, _) in zip(model.parameters(), twin.parameters()):
        v64[...] = v  # the float32 weights, exactly
    twin.forward_backward(XOR_X, XOR_Y, "bce")
    for (name, _, g), (_, _, g64) in zip(model.parameters(), twin.parameters()):
        np.testing.assert_allclose(g, g64, rtol=1e-4, atol=1e-6, err_msg=name)


# ==== Issue 23 ================================================================================

# ---- 3. Shared module-level data cannot be changed by accident ------------------------------

def test_worked_defaults_and_xor_data_are_read_only():
    from bpbook import data, worked
    from bpbook.chapters.ch03_worked_example.exercises import DW2_INPUT, check_dW2
    with pytest.raises(TypeError):
        worked.DEFAULTS["W2"] = 2.0
    r = worked_example_closed_form(**{**worked.DEFAULTS, **DW2_INPUT})
    assert check_dW2(r["dW2"]).ok is True
    for arr in (data.XOR_X, data.XOR_Y):
        with pytest.raises(ValueError, match="read-only"):
            arr += 1
    assert data.XOR_X.tolist() == [[0, 0, 1, 1], [0, 1, 0, 1]] and data.XOR_Y.tolist() == [[0, 1, 1, 0]]


@pytest.mark.parametrize("settings, error, message", [
    ({"x1": "0.5"}, InputTypeError, "worked example: x1 must be a finite number, got '0.5'"),
    ({"W2": 10**400}, InputError, "worked example: W2 must be a finite number, got 1000"),
    ({"W2": np.array([1.0, 2.0])}, InputTypeError, "W2 must be a finite number, got array"),
    ({"lr": 0}, InputError, "learning rate lr must be > 0"),
    ({"w2": 1.0}, InputTypeError, "unknown setting 'w2'")])
def test_worked_settings_are_checked_with_bpbook_errors(settings, error, message):
    from bpbook.worked import worked_example
    with pytest.raises(error, match=message):
        worked_example(**settings)


# ---- 2. softmax_ce with targets that do not sum to 1: the true gradient ----------------------

@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 5), m=st.integers(1, 6), seed=st.integers(0, 10_000),
       zero=st.booleans())
def test_softmax_ce_gradient_matches_torch_for_any_targets_in_0_1(n, m, seed, zero):
    rng = np.random.RandomState(seed)
    o = rng.randn(n, m) * 3
    y = np.zeros((n, m)) if zero else rng.rand(n, m)  # columns need not sum to 1
    ot = torch.tensor(o.T, requires_grad=True)
    want = F.cross_entropy(ot, torch.tensor(y.T))  # mean over the m samples
    want.backward()
    assert softmax_ce(o, y) == pytest.approx(want.item(), rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(softmax_ce_grad(o, y), ot.grad.numpy().T, rtol=1e-10, atol=1e-15)


def test_gradcheck_agrees_with_softmax_ce_on_all_zero_targets():
    model = mlp([2, 3, 3], "tanh", "identity", seed=1, scale=1.0)
    result = gradcheck(model, XOR_X, np.zeros((3, 4)), "softmax_ce")
    assert result.passed(1e-6), result.table
    model.zero_grad()
    assert model.forward_backward(XOR_X, np.zeros((3, 4)), "softmax_ce") == 0.0
    assert all(not g.any() for _, _, g in model.parameters())


# ---- 14. clip_grad_norm as torch's clip_grad_norm_ --------------------------------------------

@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), max_norm=st.floats(1e-3, 10.0), scale=st.floats(1e-4, 10.0))
def test_clip_grad_norm_matches_torch(seed, max_norm, scale):
    rng = np.random.RandomState(seed)
    grads = [rng.randn(3, 2) * scale, rng.randn(3, 1) * scale]
    params = [(f"p{i}", np.zeros_like(g), g.copy()) for i, g in enumerate(grads)]
    tensors = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor(g)
    want = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    assert clip_grad_norm(params, max_norm) == pytest.approx(want.item(), rel=1e-13)
    for (_, _, g), t in zip(params, tensors):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-13, atol=0)


# ---- 11. backward with bad upstream gradients, or before forward --------------------------------

def test_sequential_backward_refuses_nan_in_da():
    """The model checks values at its entrance; a layer's own backward, like its forward, leaves
    them to the model (inside a network an infinity marks exploding weights)."""
    model = mlp([2, 3, 1], "tanh", "sigmoid")
    model.forward(XOR_X)
    with pytest.raises(InputError, match="upstream gradient da holds 1 non-finite"):
        model.backward([[np.nan, 0.0, 0.0, 0.0]])
    assert all(not g.any() for _, _, g in model.parameters())


@pytest.mark.parametrize("da, error, message", [
    ([["a"] * 4], InputTypeError, "upstream gradient da should be an array of real numbers"),
    (np.ones((1, 4)) * 1j, InputTypeError, "got complex numbers"),
    (np.ones((4, 1)), ShapeError, r"da should have shape \(1, 4\)"),
])
def test_backward_checks_its_upstream_gradient(da, error, message):
    model = mlp([2, 3, 1], "tanh", "sigmoid")
    model.forward(XOR_X)
    for backward in (model.backward, model.dense[-1].backward):
        with pytest.raises(error, match=message):
            backward(da)
    assert all(not g.any() for _, _, g in model.parameters())  # nothing was added


def test_backward_before_forward_is_a_call_order_error():
    from bpbook.layers import ActivationLayer
    for call in (lambda: mlp([2, 1]).backward(np.ones((1, 4))),
                 lambda: Dense(2, 1).backward(np.ones((1, 4))),
                 lambda: Dense(2, 1).backward_delta(np.ones((1, 4))),
                 lambda: ActivationLayer("relu").backward(np.ones((1, 4)))):
        with pytest.raises(OrderError, match="before forward") as err:
            call()
        assert isinstance(err.value, BpbookError)


def test_backward_from_a_list_and_from_float32_da_matches_the_array_case():
    model = mlp([2, 3, 1], "tanh", "sigmoid")
    model.forward(XOR_X)
    model.backward(np.full((1, 4), 0.25))
    want = [g.copy() for _, _, g in model.parameters()]
    for da in ([[0.25] * 4], np.full((1, 4), 0.25, np.float32)):
        model.zero_grad()
        model.backward(da)
        for g, w in zip((g for _, _, g in model.parameters()), want):
            np.testing.assert_array_equal(g, w)


def test_sequential_backward_from_delta_needs_a_logit():
    from bpbook import BatchNorm
    model = Sequential([Dense(2, 2), BatchNorm(2)])
    model.forward(XOR_X)
    with pytest.raises(InputError, match="delta.*needs an output layer with a logit z"):
        model.backward(delta=np.ones((2, 4)))


# ---- 5. BatchNorm follows the library's rules -------------------------------------------------

def test_batchnorm_computes_in_its_dtype_and_matches_float64():
    from bpbook import BatchNorm
    rng = np.random.RandomState(0)
    z, g = rng.randn(3, 5), rng.randn(3, 5)
    bn32, bn64 = BatchNorm(3, dtype=np.float32), BatchNorm(3)
    out32, out64 = bn32.forward(z.astype(np.float32)), bn64.forward(z)
    dz32, dz64 = bn32.backward(g.astype(np.float32)), bn64.backward(g)
    assert {a.dtype for a in (out32, dz32, bn32.dgamma, bn32.dbeta)} == {np.dtype(np.float32)}
    np.testing.assert_allclose(out32, out64, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dz32, dz64, rtol=1e-4, atol=1e-5)
    assert bn64.forward(z.astype(np.float32)).dtype == np.float64  # data take the layer's dtype


@pytest.mark.parametrize("call, error, message", [
    (lambda bn: bn.forward("abc"), InputTypeError, "input z should be an array of real numbers"),
    (lambda bn: bn.forward(XOR_X + 1j), InputTypeError, "got complex numbers"),
    (lambda bn: bn.forward(XOR_X.astype(bool)), InputTypeError, "got booleans"),
    (lambda bn: bn.forward(XOR_X.astype(object)), InputTypeError, "got Python objects"),
    (lambda bn: bn.forward([[1e200, -1e200, 0.0], [0.0, 1.0, 2.0]]), InputError,
     "variance of feature 0 of the input z overflows float64"),
    (lambda bn: bn.forward(XOR_X[:, :1]), InputError, "m >= 2 samples"),
    (lambda bn: bn.backward(XOR_X.tolist()), OrderError, "before forward"),
    (lambda bn: ran(bn).backward("g"), InputTypeError, "upstream gradient da"),
])
def test_batchnorm_input_gets_bpbook_errors(call, error, message):
    from bpbook import BatchNorm
    with pytest.raises(error, match=message):
        call(BatchNorm(2))


def ran(layer):
    """``layer`` after a forward pass of the XOR inputs."""
    layer.forward(XOR_X)
    return layer


def test_batchnorm_backward_takes_a_list_like_an_array():
    from bpbook import BatchNorm
    g = np.arange(8.0).reshape(2, 4)
    np.testing.assert_array_equal(ran(BatchNorm(2)).backward(g.tolist()),
                                  ran(BatchNorm(2)).backward(g))


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(eps=True), InputTypeError, "eps should be a real number, got bool"),
    (dict(n_features=True), InputTypeError, "n_features should be an integer"),
    (dict(eps=0.0), InputError, "eps should be > 0.0"),
    (dict(dtype=np.float16), InputTypeError, "dtype should be np.float32 or np.float64")])
def test_batchnorm_settings_get_bpbook_errors(kwargs, error, message):
    from bpbook import BatchNorm
    with pytest.raises(error, match=message):
        BatchNorm(**{"n_features": 2, **kwargs})


def test_batchnorm_takes_a_numpy_eps():
    from bpbook import BatchNorm
    assert BatchNorm(2, eps=np.float32(1e-3)).eps == pytest.approx(1e-3)


# ---- 12. SymbolicMLP: ReLU's derivative at 0, and its input ------------------------------------

def test_symbolic_relu_derivative_at_0_is_0_like_bpbook_and_torch():
    from bpbook.symbolic import SymbolicMLP, params_of
    model = Sequential([Dense(2, 1, "relu", W=[[1.0, -1.0]], name="layer1"),
                        Dense(1, 1, W=[[2.0]], name="layer2")])
    x, y = np.array([[1.0], [1.0]]), np.array([[1.0]])  # z1 = 0 exactly
    model.forward_backward(x, y, "mse")
    closed = SymbolicMLP([2, 1, 1], "relu", "identity").gradients_at(params_of(model), x, y)
    net = torch.nn.Sequential(torch.nn.Linear(2, 1, dtype=torch.float64), torch.nn.ReLU(),
                              torch.nn.Linear(1, 1, dtype=torch.float64))
    with torch.no_grad():
        for lin, layer in zip(net[::2], model.dense):
            lin.weight.copy_(torch.tensor(layer.W))
            lin.bias.copy_(torch.tensor(layer.b.ravel()))
    (0.5 * (net(torch.tensor(x.T)) - torch.tensor(y.T)) ** 2).sum().backward()
    assert net[0].bias.grad.item() == 0.0 == model.dense[0].db[0, 0]
    for (name, _, grad), lin_grad in zip(model.parameters(),
                                         (p.grad.numpy() for p in net.parameters())):
        np.testing.assert_array_equal(closed[name], grad)
        np.testing.assert_array_equal(closed[name].ravel(), lin_grad.ravel())


@pytest.mark.parametrize("make, error, message", [
    (lambda S: S([2]), InputTypeError, "sizes should be a list of at least two"),
    (lambda S: S("21"), InputTypeError, "sizes should be a list"),
    (lambda S: S([2, 0]), InputError, r"sizes\[1\] should be an integer >= 1"),
    (lambda S: S([2, 1.5]), InputTypeError, r"sizes\[1\] should be an integer"),
    (lambda S: S([50, 50]), InputError, "2550 parameters"),
    (lambda S: S([2, 1], "softplus"), InputError, "unknown SymbolicMLP: activation 'softplus'"),
    (lambda S: S([2, 1], output=None), InputTypeError, "output activation should be a name"),
    (lambda S: S([2, 1], batch=True), InputTypeError, "batch should be an integer"),
])
def test_symbolic_mlp_settings_get_bpbook_errors(make, error, message):
    from bpbook.symbolic import SymbolicMLP
    with pytest.raises(error, match=message):
        make(SymbolicMLP)


@pytest.mark.parametrize("params, x, y, error, message", [
    ({}, [[1.0], [2.0]], [[1.0]], InputError, "'layer1.W' is missing"),
    ([1, 2], [[1.0], [2.0]], [[1.0]], InputTypeError, "params should be a dict"),
    ("good", [[np.nan], [2.0]], [[1.0]], InputError, "x holds 1 non-finite"),
    ("good", [[1.0], [2.0]], [["a"]], InputTypeError, "y should be an array of real numbers"),
    ("nan", [[1.0], [2.0]], [[1.0]], InputError, r"params\['layer1.W'\] holds 1 non-finite"),
    ("good", [1.0, 2.0, 3.0, 4.0], [[1.0, 1.0]], ShapeError, r"x should have shape \(2, 2\)"),
])
def test_symbolic_mlp_input_gets_bpbook_errors(params, x, y, error, message):
    from bpbook.symbolic import SymbolicMLP, params_of
    batch = np.shape(y)[-1]
    good = params_of(mlp([2, 1]))
    params = {"good": good, "nan": {**good, "layer1.W": np.array([[np.nan, 1.0]])}}.get(
        params, params) if isinstance(params, str) else params
    with pytest.raises(error, match=message):
        SymbolicMLP([2, 1], batch=batch).loss_at(params, x, y)


# ---- 13. Table, the torch bridge, SGD: bpbook errors ---------------------------------------------

@pytest.mark.parametrize("make, error, message", [
    (lambda: Table(5, []), InputTypeError, "Table: columns should be a list, got int"),
    (lambda: Table(["a"], "xy"), InputTypeError, "Table: rows should be a list, got str"),
    (lambda: Table(["a"], [1, 2]), InputTypeError, r"Table: rows\[0\] should be a list"),
    (lambda: Table(["a", "b"], [[1]]), ShapeError, "a row has 1 cells but there are 2 columns"),
    (lambda: Table(["a"], [[1]], ["{:.2f}", None]), InputError, "one format string.*per column"),
    (lambda: Table(["a"], [[1]], [3]), InputError, "one format string"),
    (lambda: Table(["a"], [[None]], ["{:.2f}"]), InputError,
     "column 'a' has the format '{:.2f}', which does not fit the value None"),
    (lambda: Table(["a"], [[1.0]], caption=3), InputTypeError, "caption should be a string"),
])
def test_table_input_gets_bpbook_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize("model, dtype, error, message", [
    ("x", None, InputTypeError, "model should be a bpbook Sequential.*got str"),
    ("mlp", "float16", InputTypeError, "dtype should be torch.float32 or torch.float64"),
    ("mlp", torch.int64, InputTypeError, "dtype should be torch.float32"),
    ("batchnorm", None, InputTypeError, "Dense layers only"),
])
def test_to_torch_mlp_input_gets_bpbook_errors(model, dtype, error, message):
    from bpbook import BatchNorm
    from bpbook.torch_bridge import to_torch_mlp
    model = {"mlp": mlp([2, 1]), "batchnorm": Sequential([Dense(2, 2), BatchNorm(2)])}.get(
        model, model)
    with pytest.raises(error, match=message):
        to_torch_mlp(model, dtype)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dtype", ["float32", np.float32, torch.float32, None])
def test_to_torch_mlp_copies_every_activation_in_either_dtype(activation, dtype):
    from bpbook.torch_bridge import to_torch_mlp
    model = mlp([2, 3, 2], activation, activation,
                seed=3, scale=1.0)
    X = np.random.RandomState(0).randn(2, 5)
    twin = to_torch_mlp(model, dtype)
    want = torch.float64 if dtype is None else torch.float32
    out = twin(torch.tensor(X.T, dtype=want))
    assert out.dtype == want
    np.testing.assert_allclose(out.detach().numpy().T, model.forward(X),
                               rtol=1e-5 if dtype else 1e-12, atol=1e-6 if dtype else 1e-14)


def test_to_torch_mlp_keeps_the_leaky_relu_slope():
    from bpbook.torch_bridge import to_torch_mlp
    model = Sequential([Dense(2, 2, get_activation("leaky_relu", slope=0.3), W=[[1, 0], [0, -1]])])
    out = to_torch_mlp(model)(torch.tensor(XOR_X.T)).detach().numpy().T
    np.testing.assert_allclose(out, model.forward(XOR_X), rtol=1e-15)
    assert out.min() == pytest.approx(-0.3)


@pytest.mark.parametrize("value, grad", [(np.zeros((2, 2), int), np.zeros((2, 2), int)),
                                         (np.zeros((2, 2)), np.zeros((2, 2), int)),
                                         (np.zeros((2, 2)), np.zeros((2, 1))),
                                         (np.zeros(2, np.float16), np.zeros(2, np.float16))])
def test_sgd_and_clipping_refuse_arrays_that_cannot_be_updated(value, grad):
    params = [("w", value, grad)]
    for call in (lambda: SGD(params, 0.1), lambda: clip_grad_norm(params, 1.0)):
        with pytest.raises(InputTypeError, match="params should hold float32 or float64 arrays.*'w'"):
            call()


# ==== Issue 23: the hostile pass over every public name ==========================================

def test_an_np_matrix_is_read_as_a_plain_array():
    """For np.matrix, ``**`` is a matrix power: MSE of a (1, 1) matrix was right by luck, of a
    square one wrong, of a (1, 4) one a raw error."""
    from bpbook.losses import mse
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        y_hat, y = np.matrix([[1.0, 2.0], [3.0, 4.0]]), np.matrix(np.zeros((2, 2)))
        row = np.matrix([[0.5, 0.5, 0.5, 0.5]])
    assert mse(y_hat, y) == pytest.approx(0.5 * (1 + 4 + 9 + 16) / 2)
    model = mlp([2, 1])
    assert model.loss(XOR_X, row) == model.loss(XOR_X, np.asarray(row))


@pytest.mark.parametrize("x, message", [
    (np.ma.masked_array(XOR_X, XOR_X > 0), "got a masked array"),
    (torch.tensor(XOR_X, requires_grad=True), "(?s)inputs X should be a real array.*requires grad"),
    (torch.tensor(XOR_X, dtype=torch.bfloat16), "inputs X should be a real array"),
])
def test_arrays_numpy_cannot_take_honestly_are_refused(x, message):
    with pytest.raises(InputTypeError, match=message):
        mlp([2, 1]).forward(x)


class _BadRepr:
    def __repr__(self):
        raise RuntimeError("no repr")


class _BadFloat(float):
    def __float__(self):
        raise ValueError("no float")


@pytest.mark.parametrize("call, message", [
    (lambda: SGD(mlp([2, 1]).parameters(), _BadRepr()), "lr should be a real number, got _BadRepr"),
    (lambda: SGD(mlp([2, 1]).parameters(), _BadFloat(0.1)), r"float\(\) of it fails: no float"),
    (lambda: Value(_BadRepr()), "got _BadRepr a _BadRepr \\(whose repr fails\\)"),
    (lambda: get_activation(_BadRepr()), "activation should be a name"),
])
def test_an_error_message_survives_hostile_objects(call, message):
    with pytest.raises(BpbookError, match=message):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: get_activation("softmax")(np.array(3.0)), "softmax: z should have at least one row"),
    (lambda: get_activation("softmax")(np.zeros((0, 3))), "at least one row"),
    (lambda: __import__("bpbook.activations").activations.leaky_relu(XOR_X, "0.1"),
     "leaky_relu slope should be a real number"),
    (lambda: __import__("bpbook.activations").activations.elu(XOR_X, np.nan),
     "elu alpha should be a finite number"),
    (lambda: __import__("bpbook.activations").activations.elu_prime(XOR_X, -1.0),
     "elu alpha should be >= 0.0"),
])
def test_activation_functions_refuse_what_they_cannot_compute(call, message):
    with pytest.raises(BpbookError, match=message):
        call()


def test_shared_tables_of_activations_and_losses_are_read_only():
    from bpbook.losses import LOSSES
    from bpbook.symbolic import SYMBOLIC_ACTIVATIONS
    for table in (ACTIVATIONS, LOSSES, SYMBOLIC_ACTIVATIONS):
        with pytest.raises(TypeError):
            table["relu"] = None


def test_an_in_place_edit_of_the_output_raises_instead_of_corrupting_gradients():
    model = mlp([2, 3, 1], "tanh", "sigmoid", seed=2)
    y_hat = model.forward(XOR_X)
    want = model.dense[-1].a.copy()
    with pytest.raises(ValueError, match="read-only"):
        y_hat -= XOR_Y  # a student's "error" computed in place
    np.testing.assert_array_equal(model.dense[-1].a, want)
    model.backward((want - XOR_Y) / 4)
    twin = mlp([2, 3, 1], "tanh", "sigmoid", seed=2)
    twin.forward_backward(XOR_X, XOR_Y)
    for (_, _, g), (_, _, g2) in zip(model.parameters(), twin.parameters()):
        np.testing.assert_allclose(g, g2, rtol=1e-12)
    from bpbook.layers import ActivationLayer
    X = XOR_X.copy()
    ActivationLayer("identity").forward(X)
    X += 1  # an identity layer's read-only output never makes the caller's array read-only


def test_sgd_refuses_an_array_twice_or_a_read_only_one():
    model = mlp([2, 1])
    (name, W, dW), (_, b, db) = model.parameters()
    with pytest.raises(InputError, match="each array once; 'again' shares its value with"):
        SGD([(name, W, dW), ("again", W, np.zeros_like(W))], 0.1)
    frozen = np.zeros((1, 2))
    frozen.flags.writeable = False
    with pytest.raises(InputError, match="writeable arrays.*'frozen' is read-only"):
        SGD([("frozen", frozen, np.zeros((1, 2)))], 0.1)


def test_evaluate_names_a_symbol_without_a_value():
    from bpbook.symbolic import evaluate, worked_symbolic
    from bpbook.worked import DEFAULTS
    symbols, L, _ = worked_symbolic()
    with pytest.raises(InputError, match="missing W_2"):
        evaluate(L, symbols, {**{k: v for k, v in DEFAULTS.items() if k != "W2"}, "w2": 0.9})
    with pytest.raises(InputError, match=r"values\['x1'\] should be a finite number"):
        evaluate(L, symbols, {**DEFAULTS, "x1": np.nan})


def test_table_column_names_the_columns_it_has():
    with pytest.raises(InputError, match="no column 'c'; the columns are \\['a', 'b'\\]"):
        Table(["a", "b"], [[1, 2]]).column("c")


@pytest.mark.parametrize("make", [lambda: 7.1467957967024735e+152 ** Value(2.0),
                                  lambda: Value(10.0) ** 308.2])
def test_a_local_derivative_that_overflows_is_refused_at_the_operation(make):
    with pytest.raises(OverflowError, match="too large for a float"):
        make()
