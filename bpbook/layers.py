r"""Layers: a dense layer with its activation, and a bare activation layer.

Conventions (samples are columns; float64 unless ``dtype`` says otherwise): a layer maps ``a_prev`` of shape ``(n_in, m)`` to ``a`` of shape
``(n_out, m)``. A :class:`Dense` layer keeps

- ``W`` ``(n_out, n_in)`` and ``b`` ``(n_out, 1)``, its parameters;
- from the forward pass: ``a_prev``, ``z = W @ a_prev + b`` and ``a = f(z)``, all ``(·, m)``;
- from the backward pass: ``delta`` $=\partial L/\partial z$ ``(n_out, m)``, and the gradients
  ``dW`` $=\delta\,a_{prev}^\top$ and ``db`` $=\sum_{\text{samples}}\delta$, which *accumulate*
  across backward calls until :meth:`Dense.zero_grad` (PyTorch's semantics).

Parameters are updated in place (``W -= lr * dW``), so ``params()`` hands out the arrays themselves.
"""
import numpy as np

from bpbook.activations import get_activation
from bpbook.errors import ShapeError, as_matrix

INITS = ("normal", "xavier", "he", "zeros")


def init_weights(n_out, n_in, init, scale, rng):
    """``W`` of shape ``(n_out, n_in)`` drawn from ``rng`` (a ``numpy.random.RandomState``).

    ``normal``: ``scale * N(0, 1)`` (the reference text's ``randn * 0.5``); ``xavier``:
    ``N(0, 2/(n_in+n_out))``; ``he``: ``N(0, 2/n_in)``; ``zeros``: all zero.
    """
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; expected one of: {', '.join(INITS)}")
    if init == "zeros":
        return np.zeros((n_out, n_in))
    std = {"normal": scale, "xavier": np.sqrt(2.0 / (n_in + n_out)), "he": np.sqrt(2.0 / n_in)}
    return rng.randn(n_out, n_in) * std[init]


class Dense:
    """``a = f(W @ a_prev + b)``: one layer of the book's networks."""

    def __init__(self, n_in, n_out, activation="identity", W=None, b=None, rng=None,
                 init="normal", scale=1.0, name="dense", dtype=np.float64):
        for what, n in (("n_in", n_in), ("n_out", n_out)):
            if not (isinstance(n, (int, np.integer)) and n >= 1):
                raise ValueError(f"Dense {name!r}: {what} must be a positive integer, got {n!r}")
        self.name, self.n_in, self.n_out = name, int(n_in), int(n_out)
        self.f = get_activation(activation)
        rng = rng if rng is not None else np.random.RandomState(0)
        self.W = (self._given(W, (n_out, n_in), "W") if W is not None else
                  init_weights(n_out, n_in, init, scale, rng)).astype(dtype)
        self.b = (self._given(b, (n_out, 1), "b") if b is not None else
                  np.zeros((n_out, 1))).astype(dtype)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)
        self.a_prev = self.z = self.a = self.delta = None

    def _given(self, value, shape, what):
        arr = np.array(value, dtype=float)
        if arr.size != int(np.prod(shape)):
            raise ShapeError(f"Dense {self.name!r}: {what} should have shape {shape}, "
                             f"got shape {arr.shape}")
        return arr.reshape(shape)

    def forward(self, a_prev):
        a_prev = np.asarray(a_prev, dtype=self.W.dtype)
        if a_prev.ndim != 2 or a_prev.shape[0] != self.n_in:  # the message is built only here
            a_prev = as_matrix(a_prev, "input a_prev", self.n_in,
                               f"Dense {self.name!r} ({self.n_in}→{self.n_out})", self.W.dtype)
        self.a_prev = a_prev
        self.z = self.W @ self.a_prev
        self.z += self.b
        self.a = self.f(self.z)
        return self.a

    def backward(self, da, input_grad=True):
        """Take ``da`` $=\\partial L/\\partial a$, keep ``delta``, add to ``dW``, ``db``; return
        $\\partial L/\\partial a_{prev} = W^\\top \\delta$ (``None`` when ``input_grad`` is False:
        the first layer's input is data, and nobody needs its gradient)."""
        if self.z is None:
            raise RuntimeError(f"Dense {self.name!r}: backward() called before forward()")
        if np.shape(da) != self.a.shape:
            raise ShapeError(f"Dense {self.name!r}: upstream gradient should have shape "
                             f"{self.a.shape}, got {np.shape(da)}")
        self.delta = self.f.backward(self.z, self.a, da)
        self.dW += self.delta @ self.a_prev.T
        self.db += self.delta.sum(axis=1, keepdims=True)
        return self.W.T @ self.delta if input_grad else None

    def params(self):
        """``[(name, value, grad), ...]``: the arrays themselves, for in-place updates."""
        return [(f"{self.name}.W", self.W, self.dW), (f"{self.name}.b", self.b, self.db)]

    def zero_grad(self):
        self.dW[...] = 0.0
        self.db[...] = 0.0

    def __repr__(self):
        return f"Dense({self.n_in}→{self.n_out}, {self.f.name}, name={self.name!r})"


class ActivationLayer:
    """An activation on its own, ``a = f(z)``, for models that keep it apart from the weights."""

    def __init__(self, activation, name="act"):
        self.f, self.name = get_activation(activation), name
        self.z = self.a = None

    def forward(self, z):
        self.z = np.asarray(z, dtype=float)
        self.a = self.f(self.z)
        return self.a

    def backward(self, da):
        if self.z is None:
            raise RuntimeError(f"{self.name!r}: backward() called before forward()")
        return self.f.backward(self.z, self.a, da)

    def params(self):
        return []

    def zero_grad(self):
        pass

    def __repr__(self):
        return f"ActivationLayer({self.f.name!r})"
