r"""Layers: a dense layer with its activation, and a bare activation layer.

Conventions (samples are columns; float64 unless ``dtype`` says otherwise): a layer maps ``a_prev`` of shape ``(n_in, m)`` to ``a`` of shape
``(n_out, m)``. A :class:`Dense` layer keeps

- ``W`` ``(n_out, n_in)`` and ``b`` ``(n_out, 1)``, its parameters;
- from the forward pass: ``a_prev``, ``z = W @ a_prev + b`` and ``a = f(z)``, all ``(·, m)``;
- from the backward pass: ``delta`` $=\partial L/\partial z$ ``(n_out, m)``, and the gradients
  ``dW`` $=\delta\,a_{prev}^\top$ and ``db`` $=\sum_{\text{samples}}\delta$, which *accumulate*
  across backward calls until :meth:`Dense.zero_grad` (PyTorch's semantics).

Parameters are updated in place (``W -= lr * dW``), so ``params()`` hands out the arrays themselves.
``forward`` returns ``a`` read-only (backward reuses it; for torch, copy it with ``torch.tensor``:
``torch.from_numpy`` warns about read-only arrays) and keeps a reference to its
input, not a copy: edit ``a_prev`` in place between ``forward`` and ``backward`` and ``dW`` uses the
edited values (copying every input would cost a pass over it on every step).
``backward`` twice after one ``forward`` adds the gradients twice, as accumulation promises (torch
with ``retain_graph=True`` does the same); the scalar engine ``Value`` refuses instead, because
there a second pass is almost always a mistake of the reader's.

Given weights are used as they are: ``W`` must have shape ``(n_out, n_in)`` (a 1-D ``W`` only for
one output, where it can only be the row of weights), ``b`` shape ``(n_out, 1)`` or ``(n_out,)``;
both finite. ``forward`` checks its input's shape and dtype but not its values: the model checks
its data once, at the entrance, and inside a network an infinity is the mark of exploding
weights, which the model reports as such.
"""
import numpy as np

from bpbook.activations import _float, get_activation
from bpbook.errors import (OrderError, InputError, InputTypeError, ShapeError, as_matrix,
                           check_data, check_name, count, float_dtype, real_array, real_number,
                           label, short_repr, upstream_gradient)

INITS = ("normal", "xavier", "he", "zeros")
MAX_WIDTH, MAX_WEIGHTS = 10**6, 10**8  # 10**8 float64 weights take 800 MB


def init_weights(n_out, n_in, init, scale, rng):
    """``W`` of shape ``(n_out, n_in)`` drawn from ``rng`` (a ``numpy.random.RandomState``).

    ``normal``: ``scale * N(0, 1)`` (the reference text's ``randn * 0.5``); ``xavier``:
    ``N(0, 2/(n_in+n_out))``; ``he``: ``N(0, 2/n_in)``; ``zeros``: all zero.
    """
    check_name(init, "init", INITS)
    if init == "zeros":
        return np.zeros((n_out, n_in))
    std = {"normal": scale, "xavier": np.sqrt(2.0 / (n_in + n_out)), "he": np.sqrt(2.0 / n_in)}
    return rng.randn(n_out, n_in) * std[init]


def read_only(a):
    """``a``, a layer's own output, made read-only: backward reuses it (σ' = a(1 − a)), so an
    in-place edit of the returned array (``y_hat -= Y``) raises instead of silently changing the
    gradients (torch raises at backward for the same reason). The next forward makes a new one."""
    a.flags.writeable = False
    return a


class Dense:
    """``a = f(W @ a_prev + b)``: one layer of the book's networks."""

    def __init__(self, n_in, n_out, activation="identity", W=None, b=None, rng=None,
                 init="normal", scale=1.0, name="dense", dtype=np.float64):
        self.name = label(name, "Dense: name")
        self.n_in = count(n_in, f"Dense {name!r}: n_in", low=1, high=MAX_WIDTH)
        self.n_out = count(n_out, f"Dense {name!r}: n_out", low=1, high=MAX_WIDTH)
        if self.n_in * self.n_out > MAX_WEIGHTS:
            raise InputError(f"Dense {name!r}: n_out × n_in = {n_out} × {n_in} weights is more "
                             f"than the {MAX_WEIGHTS:.0e} this teaching library allows")
        dtype = float_dtype(dtype, f"Dense {name!r}: dtype")
        self.f = get_activation(activation)
        if W is None:
            W = self._init(init, real_number(scale, f"Dense {name!r}: scale", low=0.0), rng,
                           dtype)
        self.W = self._given(W, (self.n_out, self.n_in), "W", dtype)
        self.b = self._given(np.zeros((self.n_out, 1)) if b is None else b, (self.n_out, 1), "b",
                             dtype)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)
        self.a_prev = self.z = self.a = self.delta = None

    def _init(self, init, scale, rng, dtype):
        with np.errstate(over="ignore"):
            W = init_weights(self.n_out, self.n_in, init, scale, self._rng(rng)).astype(dtype)
        if not np.all(np.isfinite(W)):
            raise InputError(f"Dense {self.name!r}: scale {scale:g} is too large: the initial "
                             f"weights overflow {np.dtype(dtype).name}")
        return W

    def _rng(self, rng):
        if rng is None:
            return np.random.RandomState(0)
        if not isinstance(rng, np.random.RandomState):
            raise InputTypeError(f"Dense {self.name!r}: rng should be a numpy.random.RandomState "
                                 f"(e.g. np.random.RandomState(42)), got {type(rng).__name__} "
                                 f"{short_repr(rng)}")
        return rng

    def _given(self, value, shape, what, dtype):
        """A given ``W`` or ``b`` (copied): reshaped only from the one unambiguous 1-D form."""
        where = f"Dense {self.name!r}: {what}"
        arr = np.array(real_array(value, where), dtype=dtype)
        flat_ok = shape[0] == 1 if what == "W" else True
        if arr.ndim == 1 and flat_ok and arr.size == max(shape):
            arr = arr.reshape(shape)
        if arr.shape != shape:
            raise ShapeError(f"{where} should have shape {shape}, got shape {arr.shape} (no "
                             "reshaping: W is (n_out, n_in), b is (n_out, 1))")
        return check_data(arr, where)

    def forward(self, a_prev):
        if not (type(a_prev) is np.ndarray and a_prev.dtype == self.W.dtype
                and a_prev.ndim == 2 and a_prev.shape[0] == self.n_in):
            a_prev = as_matrix(a_prev, "input a_prev", self.n_in,
                               f"Dense {self.name!r} ({self.n_in}→{self.n_out})", self.W.dtype,
                               finite=False)
        self.a_prev = a_prev
        self.z = self.W @ self.a_prev
        self.z += self.b
        self.a = read_only(self.f.f(self.z))
        return self.a

    def backward(self, da, input_grad=True):
        """Take ``da`` $=\\partial L/\\partial a$, keep ``delta``, add to ``dW``, ``db``; return
        $\\partial L/\\partial a_{prev} = W^\\top \\delta$ (``None`` when ``input_grad`` is False:
        the first layer's input is data, and nobody needs its gradient). ``da`` is checked like
        ``forward``'s input: real, shaped like ``a``, converted to the layer's dtype."""
        self._ran_forward()
        da = upstream_gradient(da, self.a, self._where(), finite=False)
        return self.backward_delta(self.f.backward(self.z, self.a, da), input_grad)

    def backward_delta(self, delta, input_grad=True):
        """``backward`` from ``delta`` $=\\partial L/\\partial z$ itself, for a loss that is
        computed from this layer's logit ``z`` (BCE after a sigmoid)."""
        self._ran_forward()
        self.delta = upstream_gradient(delta, self.z, self._where(), finite=False)
        self.dW += self.delta @ self.a_prev.T
        self.db += self.delta.sum(axis=1, keepdims=True)
        return self.W.T @ self.delta if input_grad else None

    def _where(self):
        return f"Dense {self.name!r} ({self.n_in}→{self.n_out})"

    def _ran_forward(self):
        if self.z is None:
            raise OrderError(f"Dense {self.name!r}: backward() called before forward()")

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
        self.f, self.name = get_activation(activation), label(name, "ActivationLayer: name")
        self.z = self.a = None

    def forward(self, z):
        self.z = _float(z, f"{self.name!r}: z")
        a = self.f.f(self.z)
        self.a = read_only(a.view() if a is self.z else a)  # identity: never the caller's array
        return self.a

    def backward(self, da):
        self._ran_forward()
        da = upstream_gradient(da, self.a, repr(self.name), finite=False)
        return self.f.backward(self.z, self.a, da)

    def backward_delta(self, delta):
        """``delta`` $=\\partial L/\\partial z$ is already the gradient to pass down."""
        self._ran_forward()
        return upstream_gradient(delta, self.z, repr(self.name), finite=False)

    def _ran_forward(self):
        if self.z is None:
            raise OrderError(f"{self.name!r}: backward() called before forward()")

    def params(self):
        return []

    def zero_grad(self):
        pass

    def __repr__(self):
        return f"ActivationLayer({self.f.name!r})"
