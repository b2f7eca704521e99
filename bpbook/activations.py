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
"""
import numpy as np

from bpbook.errors import unknown_name


def _float(z):
    """``z`` as a floating array, keeping float32 as float32 and making integers float64."""
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)


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
    return np.tanh(z)


def tanh_prime(z):
    r"""$\tanh'(z) = 1 - \tanh^2(z)$."""
    return 1.0 - np.tanh(z) ** 2


def relu(z):
    return np.maximum(z, 0.0)


def relu_prime(z):
    """1 for z > 0, else 0 (the subgradient 0 is used at z = 0, as PyTorch does)."""
    z = _float(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z, slope=0.01):
    return np.where(np.asarray(z) > 0, z, slope * np.asarray(z))


def leaky_relu_prime(z, slope=0.01):
    return np.where(np.asarray(z) > 0, 1.0, slope)


def elu(z, alpha=1.0):
    z = _float(z)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_prime(z, alpha=1.0):
    z = _float(z)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def silu(z):
    r"""SiLU (swish): $z\,\sigma(z)$."""
    return _float(z) * sigmoid(z)


def silu_prime(z):
    r"""$\frac{d}{dz} z\sigma(z) = \sigma(z)\,(1 + z(1-\sigma(z)))$."""
    s = sigmoid(z)
    return s * (1.0 + np.asarray(z) * (1.0 - s))


def identity(z):
    return _float(z)


def identity_prime(z):
    return np.ones_like(_float(z))


def softmax(z):
    r"""$s_i = e^{z_i} / \sum_j e^{z_j}$ over axis 0; shifting by the max keeps every exp ≤ 1."""
    z = _float(z)
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
        return self.f(z)

    def backward(self, z, a, da):
        """``dL/dz`` from ``da = dL/da``: the upstream gradient times the local slope."""
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


def _leaky(slope):
    return Activation("leaky_relu", lambda z: leaky_relu(z, slope),
                      lambda z: leaky_relu_prime(z, slope),
                      rf"\max({slope}z, z)", rf"1 \text{{ if }} z>0 \text{{ else }} {slope}")


ACTIVATIONS = {
    "identity": Activation("identity", identity, identity_prime, "z", "1"),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_prime, r"1/(1+e^{-z})",
                          r"\sigma(z)(1-\sigma(z))", lambda a: a * (1.0 - a)),
    "tanh": Activation("tanh", tanh, tanh_prime, r"\tanh z", r"1-\tanh^2 z",
                       lambda a: 1.0 - a * a),
    "relu": Activation("relu", relu, relu_prime, r"\max(0, z)",
                       r"1 \text{ if } z>0 \text{ else } 0", lambda a: a > 0),
    "leaky_relu": _leaky(0.01),
    "elu": Activation("elu", elu, elu_prime, r"z \text{ if } z>0 \text{ else } e^z-1",
                      r"1 \text{ if } z>0 \text{ else } e^z"),
    "silu": Activation("silu", silu, silu_prime, r"z\,\sigma(z)",
                       r"\sigma(z)(1+z(1-\sigma(z)))"),
    "softmax": Softmax(),
}


def get_activation(name, slope=None):
    """The activation called ``name`` (an :class:`Activation` is returned unchanged).

    ``slope`` sets Leaky ReLU's negative slope (default 0.01).
    """
    if isinstance(name, Activation):
        return name
    if name == "leaky_relu" and slope is not None:
        if not slope >= 0:
            raise ValueError(f"leaky_relu slope must be >= 0, got {slope!r}")
        return _leaky(slope)
    if name not in ACTIVATIONS:
        raise unknown_name("activation", name, ACTIVATIONS)
    return ACTIVATIONS[name]
