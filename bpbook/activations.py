"""Activation functions and their derivatives, side by side.

Conventions: ``z`` is a pre-activation array of any shape; elementwise activations return an array
of the same shape. ``softmax`` normalises over axis 0, because bpbook keeps samples in columns
(``z`` has shape ``(n_classes, m)``).

Each activation is an :class:`Activation` with

- ``f(z)``: the forward value ``a``;
- ``df(z)``: the elementwise derivative ``da/dz`` (not defined for softmax, whose derivative is a
  Jacobian matrix per sample);
- ``backward(z, a, da)``: the chain rule ``dL/dz`` from the upstream ``da = dL/da``.

Look one up by name with :func:`get_activation`; :data:`ACTIVATIONS` lists the names.

dtypes: float32 in, float32 out (derivatives too); float64 and integers give float64. Calling an
:class:`Activation` checks ``z`` first (real and finite); the module's functions and
``Activation.f``/``df``/``backward``, which the layers call in their inner loop, only convert it.
"""
from types import MappingProxyType

import numpy as np

from bpbook.errors import (FLOAT_DTYPES, InputError, check_name, real_array, real_number,
                           short_repr)

DEFAULT_SLOPE = 0.01


def _float(z, what="z"):
    """``z`` as a float32 or float64 array (float32 is kept, other real dtypes become float64);
    strings, booleans, complex numbers are refused naming ``what``."""
    z = real_array(z, what)
    return z if z.dtype.type in FLOAT_DTYPES else z.astype(np.float64)


def check_slope(slope):
    """Leaky ReLU's negative slope, one rule everywhere (here and ``Value.leaky_relu``): a finite
    real number >= 0."""
    return real_number(slope, "leaky_relu slope", low=0.0)


def sigmoid(z):
    r"""$\sigma(z) = 1/(1+e^{-z})$, computed without overflow for any finite ``z``."""
    z = _float(z)
    e = np.exp(-np.abs(z))  # never exp of a large positive number
    s = 1.0 / (1.0 + e)
    return np.where(z >= 0, s, e * s)


def sigmoid_prime(z):
    r"""$\sigma'(z) = \sigma(z)\,(1-\sigma(z))$."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    return np.tanh(_float(z))


def tanh_prime(z):
    r"""$\tanh'(z) = 1 - \tanh^2(z)$."""
    return 1.0 - np.tanh(_float(z)) ** 2


def relu(z):
    return np.maximum(_float(z), 0.0)


def relu_prime(z):
    """1 for z > 0, else 0 (the subgradient 0 is used at z = 0, as PyTorch does)."""
    z = _float(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z, slope=DEFAULT_SLOPE):
    z = _float(z)
    return np.where(z > 0, z, z.dtype.type(check_slope(slope)) * z)


def leaky_relu_prime(z, slope=DEFAULT_SLOPE):
    z = _float(z)
    # in z's dtype, not float64
    return np.where(z > 0, z.dtype.type(1), z.dtype.type(check_slope(slope)))


def check_alpha(alpha):
    """ELU's scale of the negative side: a finite real number >= 0."""
    return real_number(alpha, "elu alpha", low=0.0)


def elu(z, alpha=1.0):
    z = _float(z)
    return np.where(z > 0, z, check_alpha(alpha) * np.expm1(np.minimum(z, 0.0)))


def elu_prime(z, alpha=1.0):
    z = _float(z)
    return np.where(z > 0, 1.0, check_alpha(alpha) * np.exp(np.minimum(z, 0.0)))


def silu(z):
    r"""SiLU (swish): $z\,\sigma(z)$."""
    return _float(z) * sigmoid(z)


def silu_prime(z):
    r"""$\frac{d}{dz} z\sigma(z) = \sigma(z)\,(1 + z(1-\sigma(z)))$."""
    z = _float(z)
    s = sigmoid(z)
    return s * (1.0 + z * (1.0 - s))


def identity(z):
    return _float(z)


def identity_prime(z):
    return np.ones_like(_float(z))


def softmax(z):
    r"""$s_i = e^{z_i} / \sum_j e^{z_j}$ over axis 0; shifting by the max keeps every exp ≤ 1.
    ``z`` needs at least one row (class) to normalise over: a 0-d ``z`` is refused."""
    z = _float(z)
    if z.ndim == 0 or z.shape[0] == 0:
        raise InputError(f"softmax: z should have at least one row (classes are rows, samples "
                         f"columns), got shape {z.shape}")
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_backward(s, ds):
    r"""Softmax's backward pass, a vector-Jacobian product (reverse mode): $dz = J^\top ds$ with
    $J = \mathrm{diag}(s) - s s^\top$ per column, so $dz = s \odot (ds - \langle ds, s\rangle)$.
    $J$ is symmetric, so this equals the Jacobian-vector product $J\,ds$ too; for a Jacobian in
    general the two differ, and backprop needs $J^\top ds$."""
    return s * (ds - np.sum(ds * s, axis=0, keepdims=True))


class Activation:
    """An activation with its forward ``f`` and elementwise derivative ``df``.

    ``df_from_a``, where given, is the same derivative written with the output ``a = f(z)``
    (σ' = a(1 − a), tanh' = 1 − a²): the backward pass reuses the stored ``a`` instead of
    evaluating ``f`` again.
    """

    def __init__(self, name, f, df, formula, derivative, df_from_a=None):
        self.name, self.f, self.df, self.df_from_a = name, f, df, df_from_a
        self.formula, self.derivative = formula, derivative

    def __call__(self, z):
        """``f(z)`` after checking ``z`` (real numbers, no NaN or infinity) and that ``f(z)``
        does not overflow the dtype."""
        z = _float(z, f"{self.name}: z")
        bad = ~np.isfinite(z)
        if bad.any():
            raise InputError(f"{self.name}: z should be finite, got {int(bad.sum())} NaN or inf "
                             f"of {z.size} values, the first at index "
                             f"{tuple(int(i) for i in np.argwhere(bad)[0])}")
        with np.errstate(over="ignore"):
            a = self.f(z)
        if not np.all(np.isfinite(a)):
            raise InputError(f"{self.name}: f(z) overflows {z.dtype} for these z (largest |z| "
                             f"{np.abs(z).max():.3g})")
        return a

    def backward(self, z, a, da):
        """``dL/dz`` from ``da = dL/da``: the upstream gradient times the local slope. The inner
        loop's function: its arguments are not checked (numpy broadcasts shapes that differ);
        the layers check ``da`` before they call it."""
        if self.df_from_a is not None:
            return da * self.df_from_a(a)
        return da * self.df(z)

    def __repr__(self):
        return f"Activation({self.name!r})"


class Softmax(Activation):
    """Softmax couples its outputs, so its backward is a vector-Jacobian product with the whole
    Jacobian (:func:`softmax_backward`), not an elementwise slope."""

    def __init__(self):
        super().__init__("softmax", softmax, None, r"e^{z_i}/\sum_j e^{z_j}",
                         r"\mathrm{diag}(s) - s s^\top")

    def backward(self, z, a, da):
        return softmax_backward(a, da)


def _leaky(slope=DEFAULT_SLOPE):
    act = Activation("leaky_relu", lambda z: leaky_relu(z, slope),
                     lambda z: leaky_relu_prime(z, slope),
                     rf"\max({slope}z, z)", rf"1 \text{{ if }} z>0 \text{{ else }} {slope}")
    act.slope = slope  # for copies into other libraries (torch's LeakyReLU)
    return act


# read-only: get_activation hands out these objects, shared by every model
ACTIVATIONS = MappingProxyType({
    "identity": Activation("identity", identity, identity_prime, "z", "1"),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime, r"1/(1+e^{-z})",
                          r"\sigma(z)(1-\sigma(z))", lambda a: a * (1.0 - a)),
    "tanh": Activation("tanh", tanh, tanh_prime, r"\tanh z", r"1-\tanh^2 z",
                       lambda a: 1.0 - a * a),
    "relu": Activation("relu", relu, relu_prime, r"\max(0, z)",
                       r"1 \text{ if } z>0 \text{ else } 0", lambda a: a > 0),
    "leaky_relu": _leaky(),
    "elu": Activation("elu", elu, elu_prime, r"z \text{ if } z>0 \text{ else } e^z-1",
                      r"1 \text{ if } z>0 \text{ else } e^z"),
    "silu": Activation("silu", silu, silu_prime, r"z\,\sigma(z)",
                       r"\sigma(z)(1+z(1-\sigma(z)))"),
    "softmax": Softmax(),
})


def get_activation(name, slope=None):
    """The activation called ``name`` (an :class:`Activation` is returned unchanged).

    ``slope`` sets Leaky ReLU's negative slope (default 0.01; see :func:`check_slope`); it is
    refused for every other activation rather than silently ignored.
    """
    if isinstance(name, Activation):
        if slope is not None:
            raise InputError(f"slope is set with the name, get_activation('leaky_relu', "
                             f"slope=...), not with an Activation object; got {name!r}")
        return name
    check_name(name, "activation", ACTIVATIONS)
    if slope is not None:
        if name != "leaky_relu":
            raise InputError(f"slope only applies to leaky_relu, got slope={short_repr(slope)} for "
                             f"activation {name!r}")
        return _leaky(check_slope(slope))
    return ACTIVATIONS[name]
