r"""A recurrent layer with tanh units, trained by backpropagation through time (BPTT).

Conventions (samples last, as everywhere in bpbook; float64 unless ``dtype`` says otherwise): a
batch of sequences ``X`` has shape ``(n_in, T, m)``: ``n_in`` features, ``T`` time steps, ``m``
samples; ``X[:, t]`` is step ``t`` of every sequence, shape ``(n_in, m)``. An :class:`RNN` keeps

- its parameters ``W_xh`` ``(n_hidden, n_in)``, ``W_hh`` ``(n_hidden, n_hidden)`` and ``b``
  ``(n_hidden, 1)``;
- from the forward pass: ``X``, every hidden state ``H`` ``(n_hidden, T, m)`` and every step's
  local derivative ``slope`` $=\tanh'(z_t) = 1 - h_t^2$, the same shape;
- from the backward pass: ``dh`` $=\partial L/\partial h_t$ (the loss's own gradient at step t
  plus what flows back from step t+1) and ``delta`` $=\partial L/\partial z_t$, both
  ``(n_hidden, T, m)``; the gradients ``dW_xh``, ``dW_hh``, ``db`` *accumulate* across backward
  calls until :meth:`RNN.zero_grad` (PyTorch's semantics, like :class:`~bpbook.layers.Dense`).

Forward, from $h_0 = 0$:

$$z_t = W_{xh}x_t + W_{hh}h_{t-1} + b,\qquad h_t = \tanh(z_t)\qquad(t = 1,\dots,T).$$

This is ``torch.nn.RNN(nonlinearity="tanh")`` with its two biases summed into one: ``b`` =
``bias_ih_l0 + bias_hh_l0``, ``W_xh`` = ``weight_ih_l0``, ``W_hh`` = ``weight_hh_l0``.

Backward, from ``dH`` $=\partial L/\partial h_t$ as the loss sees each state (zero where a loss
ignores a step), walking t = T, …, 1 with $\delta_{T+1} = 0$:

$$g_t = dH_t + W_{hh}^\top\delta_{t+1},\qquad \delta_t = g_t\odot(1-h_t^2),$$
$$\frac{\partial L}{\partial W_{xh}} = \sum_t \delta_t x_t^\top,\quad
\frac{\partial L}{\partial W_{hh}} = \sum_t \delta_t h_{t-1}^\top,\quad
\frac{\partial L}{\partial b} = \sum_t\sum_{\text{samples}}\delta_t,\quad
\frac{\partial L}{\partial x_t} = W_{xh}^\top\delta_t.$$

Truncated BPTT (``bptt_steps = k``): the gradient that the loss puts on step t travels back
through at most k steps (t, t−1, …, t−k+1) and is dropped beyond; each step's share is carried
back separately, so a long dependency gets no gradient at all once it is longer than k.
``bptt_steps=None`` (the default) is full BPTT.
"""
import numpy as np

from bpbook.errors import (InputError, InputTypeError, OrderError, ShapeError, check_data, count,
                           float_dtype, label, real_array, short_repr)
from bpbook.layers import MAX_WEIGHTS, MAX_WIDTH


class RNN:
    """``h_t = tanh(W_xh x_t + W_hh h_{t−1} + b)`` over a batch of sequences ``(n_in, T, m)``."""

    def __init__(self, n_in, n_hidden, name="rnn", dtype=np.float64, W_xh=None, W_hh=None,
                 b=None, rng=None, bptt_steps=None):
        self.name = label(name, "RNN: name")
        self.n_in = count(n_in, f"RNN {name!r}: n_in", low=1, high=MAX_WIDTH)
        self.n_hidden = count(n_hidden, f"RNN {name!r}: n_hidden", low=1, high=MAX_WIDTH)
        if self.n_hidden * (self.n_in + self.n_hidden) > MAX_WEIGHTS:
            raise InputError(f"RNN {name!r}: n_hidden × (n_in + n_hidden) = {n_hidden} × "
                             f"({n_in} + {n_hidden}) weights is more than the "
                             f"{MAX_WEIGHTS:.0e} this teaching library allows")
        dtype = float_dtype(dtype, f"RNN {name!r}: dtype")
        drawn = self._init(rng)  # torch's default: U(−1/√n_hidden, 1/√n_hidden) for every entry
        self.W_xh = self._given(drawn[0] if W_xh is None else W_xh,
                                (self.n_hidden, self.n_in), "W_xh", dtype)
        self.W_hh = self._given(drawn[1] if W_hh is None else W_hh,
                                (self.n_hidden, self.n_hidden), "W_hh", dtype)
        self.b = self._given(drawn[2] if b is None else b, (self.n_hidden, 1), "b", dtype)
        self.dW_xh, self.dW_hh = np.zeros_like(self.W_xh), np.zeros_like(self.W_hh)
        self.db = np.zeros_like(self.b)
        self.bptt_steps = bptt_steps
        self.X = self.H = self.slope = self.dh = self.delta = None

    @property
    def bptt_steps(self):
        """How many steps back the gradient of each step's loss travels; ``None``: all."""
        return self._bptt_steps

    @bptt_steps.setter
    def bptt_steps(self, k):
        self._bptt_steps = None if k is None else count(k, f"RNN {self.name!r}: bptt_steps",
                                                        low=1)

    def _init(self, rng):
        if rng is None:
            rng = np.random.RandomState(0)
        if not isinstance(rng, np.random.RandomState):
            raise InputTypeError(f"RNN {self.name!r}: rng should be a numpy.random.RandomState "
                                 f"(e.g. np.random.RandomState(42)), got {type(rng).__name__} "
                                 f"{short_repr(rng)}")
        bound = 1.0 / np.sqrt(self.n_hidden)
        H, n = self.n_hidden, self.n_in
        return (rng.uniform(-bound, bound, (H, n)), rng.uniform(-bound, bound, (H, H)),
                rng.uniform(-bound, bound, (H, 1)))

    def _given(self, value, shape, what, dtype):
        """A parameter as given (copied), in the model's dtype: a 1-D ``b`` is the only reshape."""
        where = f"RNN {self.name!r}: {what}"
        arr = np.array(real_array(value, where), dtype=dtype)
        if what == "b" and arr.ndim == 1 and arr.size == shape[0]:
            arr = arr.reshape(shape)
        if arr.shape != shape:
            raise ShapeError(f"{where} should have shape {shape}, got shape {arr.shape} (W_xh "
                             "is (n_hidden, n_in), W_hh (n_hidden, n_hidden), b (n_hidden, 1))")
        return check_data(arr, where)

    def _sequences(self, X):
        """``X`` checked: real, finite, shape ``(n_in, T, m)``, in the model's dtype."""
        where = f"RNN {self.name!r} ({self.n_in}→{self.n_hidden})"
        X = real_array(X, f"{where}: input X", self.W_xh.dtype)
        if X.ndim != 3 or X.shape[0] != self.n_in:
            hint = ("; are the axes in another order? bpbook wants features first, samples last"
                    if X.ndim == 3 and self.n_in in X.shape[1:] else "")
            raise ShapeError(f"{where}: input X should have shape ({self.n_in}, T, m) (features, "
                             f"time steps, samples), got shape {X.shape}{hint}")
        return check_data(X, f"{where}: input X")

    def forward(self, X):
        """Every hidden state ``H`` ``(n_hidden, T, m)`` of the sequences ``X`` ``(n_in, T, m)``;
        ``H[:, -1]`` is the last one."""
        X = self._sequences(X)
        n_hidden, T, m = self.n_hidden, X.shape[1], X.shape[2]
        # W_xh x_t for every step at once: one matrix product instead of T small ones
        zx = (self.W_xh @ X.reshape(self.n_in, T * m)).reshape(n_hidden, T, m)
        H = np.empty_like(zx)
        slope = np.empty_like(zx)
        h = np.zeros((n_hidden, m), dtype=self.W_xh.dtype)
        for t in range(T):
            z = zx[:, t] + self.W_hh @ h + self.b
            h = np.tanh(z)
            slope[:, t] = 1.0 - h * h  # tanh'(z_t), beside its forward
            H[:, t] = h
        self.X, self.H, self.slope = X, H, slope
        return H

    __call__ = forward

    def backward(self, dH):
        """Take ``dH`` $=\\partial L/\\partial h_t$ for every step ``(n_hidden, T, m)``; keep
        ``dh`` and ``delta``, add to ``dW_xh``, ``dW_hh``, ``db``; return ``dX``
        $=\\partial L/\\partial x_t$ ``(n_in, T, m)``."""
        dH = self._upstream(dH)
        T, k = dH.shape[1], self.bptt_steps
        if k is None or k >= T:
            dh, delta = self._full(dH)
        else:
            dh, delta = self._truncated(dH, k)
        self.dh, self.delta = dh, delta
        self._accumulate(delta)
        n_hidden, m = self.n_hidden, dH.shape[2]
        return (self.W_xh.T @ delta.reshape(n_hidden, T * m)).reshape(self.n_in, T, m)

    def _upstream(self, dH):
        if self.H is None:
            raise OrderError(f"RNN {self.name!r}: backward() called before forward(); run "
                             "forward(X) first, backward needs its hidden states")
        where = f"RNN {self.name!r}: upstream gradient dH"
        dH = real_array(dH, where, self.W_xh.dtype)
        if dH.shape != self.H.shape:
            raise ShapeError(f"{where} should have the shape of the hidden states of the last "
                             f"forward, (n_hidden, T, m) = {self.H.shape}, got shape {dH.shape}")
        return check_data(dH, where)

    def _full(self, dH):
        """One walk back from step T to step 1: every step's loss flows all the way."""
        dh, delta = np.empty_like(dH), np.empty_like(dH)
        back = np.zeros_like(dH[:, 0])  # W_hh^T delta_{t+1}: nothing flows back into step T
        for t in range(dH.shape[1] - 1, -1, -1):
            dh[:, t] = dH[:, t] + back
            delta[:, t] = dh[:, t] * self.slope[:, t]  # through tanh: times 1 − h_t²
            back = self.W_hh.T @ delta[:, t]  # through W_hh h_{t−1}: into the previous state
        return dh, delta

    def _truncated(self, dH, k):
        """Each step's share walked back separately, through at most ``k`` steps."""
        dh, delta = np.zeros_like(dH), np.zeros_like(dH)
        for end in range(dH.shape[1]):
            if not dH[:, end].any():
                continue  # this step's loss puts no gradient on the states
            g = dH[:, end]
            for t in range(end, max(end - k, -1), -1):
                dh[:, t] += g
                d = g * self.slope[:, t]
                delta[:, t] += d
                g = self.W_hh.T @ d
        return dh, delta

    def _accumulate(self, delta):
        """The parameters' gradients from every step's ``delta`` at once (sums over steps and
        samples): ``h_{t−1}`` is ``H`` shifted one step, ``h_0 = 0`` adds nothing."""
        n_hidden, T, m = delta.shape
        flat = delta.reshape(n_hidden, T * m)
        self.dW_xh += flat @ self.X.reshape(self.n_in, T * m).T
        self.dW_hh += (delta[:, 1:].reshape(n_hidden, (T - 1) * m)
                       @ self.H[:, :-1].reshape(n_hidden, (T - 1) * m).T)
        self.db += flat.sum(axis=1, keepdims=True)

    def params(self):
        """``[(name, value, grad), ...]``: the arrays themselves, for in-place updates."""
        return [(f"{self.name}.W_xh", self.W_xh, self.dW_xh),
                (f"{self.name}.W_hh", self.W_hh, self.dW_hh), (f"{self.name}.b", self.b, self.db)]

    def zero_grad(self):
        for _, _, grad in self.params():
            grad[...] = 0.0

    def __repr__(self):
        k = "" if self.bptt_steps is None else f", bptt_steps={self.bptt_steps}"
        return f"RNN({self.n_in}→{self.n_hidden}, tanh, name={self.name!r}{k})"


def spectral_radius(W):
    """The largest |eigenvalue| of the square matrix ``W``: the factor by which repeated
    multiplication by ``W`` grows or shrinks a vector in the long run."""
    W = real_array(W, "spectral_radius: W")
    if W.ndim != 2 or W.shape[0] != W.shape[1] or W.size == 0:
        raise ShapeError(f"spectral_radius: W should be a non-empty square matrix, got shape "
                         f"{W.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(check_data(W, "spectral_radius: W")))))
