"""Property-based bad input over bpbook's public API (issue 11).

Each test calls one public constructor or function with its valid arguments, one or two of them
replaced by a value from a zoo of bad and odd ones (NaN, ±inf, strings, None, lists, bools,
complex numbers, huge ints, empty arrays, wrong and transposed shapes, random arrays). The call
must either work correctly (finite results of the right shape: nothing reshaped silently) or
raise a :class:`bpbook.errors.BpbookError` whose message names a replaced argument. A bare numpy
or Python error, a NaN or a RuntimeWarning (an error under pytest's settings) fails the test.
"""
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpbook import SGD, Dense, Sequential, clip_grad_norm, fit, get_activation, gradcheck, mlp
from bpbook.engine import Value
from bpbook.errors import BpbookError, InputError, InputTypeError
from bpbook.losses import LOSSES, get_loss
from bpbook.symbolic import SymbolicMLP
from tests.strategies import ZOO, calls

SYMBOLIC = SymbolicMLP([2, 1])  # built once: SymPy takes a moment

# few examples per target, so the whole file runs in seconds on a busy machine
FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])

XOR_X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
XOR_Y = np.array([[0, 1, 1, 0]], dtype=float)

# what a message may call an argument
ALIASES = {"name": ("activation", "loss"), "lr": ("lr", "learning rate"), "Y": ("Y", "targets"),
           "y": ("targets y", "labels", "y"), "X": ("X", "a_prev"), "params": ("params",),
           "model": ("model", "Sequential", "layers"), "z": ("input z", "z"),
           "da": ("da",), "rows": ("row", "value"), "formats": ("format",),
           "columns": ("column",), "n_features": ("n_features", "input z")}


def outcome(call, replaced):
    """Run ``call``: return ``(result, None)``, or ``(None, error)`` for a bpbook error whose
    message names one of the ``replaced`` arguments. Any other exception propagates."""
    try:
        return call(), None
    except BpbookError as err:
        message = str(err)
        if isinstance(err, (InputError, InputTypeError)):
            names = [a for r in replaced for a in ALIASES.get(r, (r,))]
            assert any(n in message for n in names), f"message does not name {replaced}: {message}"
        else:  # arithmetic that went out of range: it says why
            assert "finite" in message or "too large" in message or "equal to 0" in message
        return None, err


def finite(x):
    return bool(np.all(np.isfinite(np.asarray(x, dtype=float))))


def shape_of(x):
    """The shape numpy would give ``x`` (None if it is not a real array)."""
    if isinstance(x, np.ma.MaskedArray):
        return None
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError, RuntimeError):  # ragged lists, torch bfloat16, requires_grad
        return None
    return arr.shape if arr.dtype.kind in "iuf" else None


DENSE = dict(n_in=2, n_out=3, activation="tanh", W=None, b=None, rng=None, init="normal",
             scale=1.0, dtype=np.float64)


@FUZZ
@given(call=calls(DENSE))
def test_dense(call):
    replaced, kw = call
    layer, err = outcome(lambda: Dense(**kw), replaced)
    if err is None:
        n_in, n_out = int(kw["n_in"]), int(kw["n_out"])
        assert layer.W.shape == (n_out, n_in) and layer.b.shape == (n_out, 1)
        assert finite(layer.W) and finite(layer.b)
        if kw["W"] is not None:  # given weights are used as given (a row for one output)
            assert shape_of(kw["W"]) in ((n_out, n_in), (n_in,) if n_out == 1 else None)


MLP = dict(sizes=[2, 3, 1], activation="tanh", output="sigmoid", seed=0, init="normal",
           scale=0.5, dtype=np.float64)


@FUZZ
@given(call=calls(MLP))
def test_mlp(call):
    replaced, kw = call
    model, err = outcome(lambda: mlp(**kw), replaced)
    if err is None:
        sizes = [int(n) for n in kw["sizes"]]
        assert [(l.n_in, l.n_out) for l in model.dense] == list(zip(sizes[:-1], sizes[1:]))
        assert all(finite(v) for _, v, _ in model.parameters())


FIT = dict(X=XOR_X, Y=XOR_Y, loss="mse", lr=0.5, epochs=3, clip=None, record=None)


@FUZZ
@given(call=calls(FIT))
def test_fit(call):
    replaced, kw = call
    model = mlp([2, 3, 1], "tanh", "sigmoid")
    losses, err = outcome(lambda: fit(model, **kw), replaced)
    if err is None:
        assert losses.shape == (int(kw["epochs"]),) and finite(losses)
        assert shape_of(kw["X"]) == (2, 4) and shape_of(kw["Y"]) in ((1, 4), (4,))


FORWARD = dict(X=XOR_X, Y=XOR_Y, loss="mse")
TWO_CLASSES = np.array([[1, 0, 0, 1], [0, 1, 1, 0]], dtype=float)


@FUZZ
@given(call=calls(FORWARD), method=st.sampled_from(["forward", "loss", "forward_backward"]),
       output=st.sampled_from(["sigmoid", "identity", "softmax"]))
def test_model_methods(call, method, output):
    replaced, kw = call
    if output == "softmax" and "Y" not in replaced:
        kw["Y"] = TWO_CLASSES
    model = mlp([2, 3, 2 if output == "softmax" else 1], "relu", output)
    n_out = model.dense[-1].n_out
    args = (kw["X"],) if method == "forward" else (kw["X"], kw["Y"], kw["loss"])
    result, err = outcome(lambda: getattr(model, method)(*args), replaced)
    if err is None:
        assert finite(result)
        X_shape = shape_of(kw["X"])
        assert X_shape in ((2,), (2, X_shape[-1])), f"X of shape {X_shape} was accepted"
        m = X_shape[1] if len(X_shape) == 2 else 1
        if method == "forward":
            assert result.shape == (n_out, m)
        else:
            Y_shape = shape_of(kw["Y"])
            flat = (m,) if n_out == 1 else (n_out,) if m == 1 else None
            labels = (m,) if kw["loss"] == "softmax_ce" else None
            scalar = () if n_out == m == 1 else None
            assert Y_shape in ((n_out, m), flat, labels, scalar), f"Y of shape {Y_shape} accepted"


def small_model():
    model = mlp([2, 2, 1], "tanh", "sigmoid")
    model.forward_backward(XOR_X, XOR_Y)
    return model


@FUZZ
@given(call=calls(dict(lr=0.1, clip=None, max_norm=1.0, params=None)))
def test_optimiser(call):
    replaced, kw = call
    model = small_model()
    params = model.parameters() if "params" not in replaced else kw["params"]
    opt, err = outcome(lambda: SGD(params, kw["lr"], clip=kw["clip"]), replaced)
    if err is None:
        opt.step()
        assert all(finite(v) for _, v, _ in model.parameters())
    norm, err = outcome(lambda: clip_grad_norm(params, kw["max_norm"]), replaced)
    if err is None:
        assert finite(norm) and norm >= 0


@FUZZ
@given(call=calls(dict(name="leaky_relu", slope=None, z=XOR_X)))
def test_activations(call):
    replaced, kw = call
    act, err = outcome(lambda: get_activation(kw["name"], kw["slope"]), replaced)
    if err is None:
        a, err = outcome(lambda: act(kw["z"]), replaced)
        if err is None:
            assert a.shape == shape_of(kw["z"]) and finite(a)


@FUZZ
@given(call=calls(dict(y_hat=np.full((1, 4), 0.5), y=XOR_Y)),
       name=st.sampled_from(sorted(LOSSES)), which=st.sampled_from(["value", "grad"]))
def test_losses(call, name, which):
    replaced, kw = call
    loss = get_loss(name)
    out, err = outcome(lambda: getattr(loss, which)(kw["y_hat"], kw["y"]), replaced)
    if err is None:
        assert finite(out)
        y_hat, y = shape_of(kw["y_hat"]), shape_of(kw["y"])
        assert len(y_hat) == 2, f"y_hat of shape {y_hat} was accepted"
        n_out, m = y_hat
        flat = [(m,)] if n_out == 1 else []
        flat += [(n_out,)] if m == 1 else []
        flat += [(m,)] if name == "softmax_ce" else []
        flat += [()] if n_out == m == 1 else []
        assert y in [y_hat] + flat, f"y of shape {y} was accepted for y_hat {y_hat}"
        if which == "grad":
            assert out.shape == y_hat


@FUZZ
@given(call=calls(dict(X=XOR_X, Y=XOR_Y, loss="mse", eps=1e-5)))
def test_gradcheck(call):
    replaced, kw = call
    model = mlp([2, 2, 1], "tanh", "sigmoid")
    result, err = outcome(lambda: gradcheck(model, kw["X"], kw["Y"], kw["loss"], kw["eps"]),
                          replaced)
    if err is None:
        assert finite(result.max_rel_error)


@FUZZ
@given(x=ZOO, op=st.sampled_from(["new", "add", "mul", "div", "pow", "rpow", "leaky_relu"]))
def test_value(x, op):
    if op == "rpow" and isinstance(x, (np.ndarray, np.generic)):
        return  # numpy's own ** takes over: it maps Value.__rpow__ over the array's elements
    ops = {"new": lambda: Value(x), "add": lambda: Value(2.0) + x, "mul": lambda: Value(2.0) * x,
           "div": lambda: Value(2.0) / x, "pow": lambda: Value(2.0) ** x,
           "rpow": lambda: x ** Value(2.0), "leaky_relu": lambda: Value(-2.0).leaky_relu(x)}
    try:
        out = ops[op]()
    except BpbookError as err:
        assert any(w in str(err) for w in ("got", "too large", "finite", "equal to 0")), err
        return
    except TypeError as err:  # Python's own refusal of x ** Value for a non-number x
        assert op == "rpow" and "unsupported operand" in str(err), err
        return
    assert isinstance(out, Value) and math.isfinite(out.data)
    out.backward()


def test_sequential_refuses_what_is_not_a_layer():
    for layers in (None, "dense", [], [1, 2], [Dense(2, 1), "relu"]):
        _, err = outcome(lambda: Sequential(layers), ["layers"])
        assert err is not None



# ---- issue 23: the rest of the public API ------------------------------------------------------

BATCHNORM = dict(n_features=2, eps=1e-5, dtype=np.float64, z=XOR_X, da=XOR_X)


@FUZZ
@given(call=calls(BATCHNORM))
def test_batchnorm(call):
    from bpbook import BatchNorm
    replaced, kw = call
    bn, err = outcome(lambda: BatchNorm(kw["n_features"], kw["eps"], dtype=kw["dtype"]), replaced)
    if err is None:
        out, err = outcome(lambda: bn.forward(kw["z"]), replaced)
    if err is None:
        assert finite(out) and out.shape == shape_of(kw["z"]) and out.dtype == bn.gamma.dtype
        da = kw["da"] if "da" in replaced else np.ones(out.shape)  # z's shape when z changed
        with np.errstate(all="ignore"):  # a layer's own backward leaves values (inf, NaN) to the model
            dz, err = outcome(lambda: bn.backward(da), replaced)
        if err is None:
            assert dz.shape == out.shape and dz.dtype == out.dtype
            assert shape_of(da) == out.shape
            assert finite(dz) or not finite(da)


@FUZZ
@given(da=ZOO, which=st.sampled_from(["model", "dense", "delta"]))
def test_backward(da, which):
    model = mlp([2, 3, 1], "tanh", "sigmoid")
    model.forward(XOR_X)
    call = {"model": lambda: model.backward(da), "dense": lambda: model.dense[-1].backward(da),
            "delta": lambda: model.backward(delta=da)}[which]
    with np.errstate(all="ignore"):  # a layer's own backward leaves values (inf, NaN) to the model
        _, err = outcome(call, ["da"])
    if err is None:
        assert shape_of(da) == (1, 4)
        assert all((finite(g) or which == "dense") and g.dtype == np.float64
                   for _, _, g in model.parameters())


TABLE = dict(columns=["a", "b"], rows=[[1.0, "x"]], formats=["{:.2f}", None], css_class="t",
             caption=None)


@FUZZ
@given(call=calls(TABLE))
def test_table(call):
    from bpbook import Table
    replaced, kw = call
    table, err = outcome(lambda: Table(**kw), replaced)
    if err is None:
        assert isinstance(str(table), str) and isinstance(table._repr_html_(), str)


@FUZZ
@given(call=calls(dict(x=XOR_X[:, :1], y=XOR_Y[:, :1], params="model")),
       which=st.sampled_from(["loss_at", "gradients_at"]))
def test_symbolic_mlp(call, which):
    from bpbook.symbolic import params_of
    replaced, kw = call
    params = params_of(mlp([2, 1])) if "params" not in replaced else kw["params"]
    out, err = outcome(lambda: getattr(SYMBOLIC, which)(params, kw["x"], kw["y"]), replaced)
    if err is None:
        assert all(finite(v) for v in (out.values() if which == "gradients_at" else [out]))
        assert shape_of(kw["x"]) in ((2, 1), (2,)) and shape_of(kw["y"]) in ((1, 1), (1,), ())


@FUZZ
@given(value=ZOO, setting=st.sampled_from(["x1", "y", "W2", "lr"]))
def test_worked_example(value, setting):
    from bpbook.worked import worked_example
    result, err = outcome(lambda: worked_example(**{setting: value}), [setting])
    if err is None:
        # e^(−z) of a very negative z is truly inf; everything else is finite
        assert all(math.isfinite(v) for k, v in result.items() if not k.startswith("exp("))


@FUZZ
@given(z=ZOO, name=st.sampled_from(["sigmoid", "relu", "softmax", "leaky_relu", "elu"]),
       parameter=ZOO)
def test_activation_functions(z, name, parameter):
    """The module's functions only convert ``z`` (NaN passes through, as documented), but refuse
    what is not a real array, and a slope or alpha that is not a finite number >= 0."""
    from bpbook import activations
    f = getattr(activations, name)
    call = (lambda: f(z, parameter)) if name in ("leaky_relu", "elu") else (lambda: f(z))
    with np.errstate(all="ignore"):  # unchecked values: numpy's overflow and NaN are theirs
        a, err = outcome(call, ["z", "slope", "alpha"])
    if err is None:
        assert a.shape == shape_of(z) and a.dtype in (np.float32, np.float64)


@FUZZ
@given(call=calls(dict(model="mlp", dtype=None)))
def test_to_torch_mlp(call):
    import torch

    from bpbook.torch_bridge import to_torch_mlp
    replaced, kw = call
    model = mlp([2, 3, 1], "tanh", "sigmoid") if "model" not in replaced else kw["model"]
    net, err = outcome(lambda: to_torch_mlp(model, kw["dtype"]), replaced)
    if err is None:
        assert next(net.parameters()).dtype in (torch.float32, torch.float64)
