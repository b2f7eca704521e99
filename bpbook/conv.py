r"""Convolution, max pooling and flattening: the layers of a small convolutional network.

Conventions (samples last, as everywhere in bpbook; float64 unless ``dtype`` says otherwise): a
batch of images has shape ``(C, H, W, m)``: ``C`` channels of ``H × W`` pixels, ``m`` samples.

:class:`Conv2d` keeps

- ``W`` ``(C_out, C_in, k, k)``, shaped like ``torch.nn.Conv2d``'s weight, and ``b`` ``(C_out, 1)``;
- from the forward pass: ``a_prev`` ``(C_in, H, W, m)``, its patches ``cols``
  ``(C_in·k·k, H′·W′·m)`` (im2col), ``z`` and ``a = f(z)``, both ``(C_out, H′, W′, m)``, with
  ``H′ = (H + 2·padding − k) // stride + 1`` and the same for ``W′``;
- from the backward pass: ``delta`` $=\partial L/\partial z$ ``(C_out, H′, W′, m)``, and ``dW``,
  ``db``, which *accumulate* across backward calls until :meth:`Conv2d.zero_grad`.

Forward, as deep-learning libraries define a "convolution" (a cross-correlation, the kernel not
flipped), for output channel o at output pixel (i, j) of sample n:

$$z_{o,i,j,n} = b_o + \sum_{c,p,q} W_{o,c,p,q}\; x_{c,\,s i+p,\,s j+q,\,n}.$$

Backward, each entry of ``W`` touched every output pixel, and each input pixel fed every output
pixel whose window covered it:

$$\frac{\partial L}{\partial W_{o,c,p,q}} = \sum_{i,j,n}\delta_{o,i,j,n}\,x_{c,si+p,sj+q,n},\qquad
\frac{\partial L}{\partial x_{c,u,v,n}} = \sum_{o}\sum_{\substack{i,j,p,q:\\ si+p=u,\ sj+q=v}}
W_{o,c,p,q}\,\delta_{o,i,j,n}.$$

The first is a correlation of the input with δ; the second (for stride 1) a full correlation of
δ with the flipped kernel. With the patches as columns (im2col) both are the matrix products of
chapter 4: ``z = W_mat @ cols + b``, ``dW_mat = delta_mat @ cols.T``, ``dcols = W_mat.T @ delta_mat``,
and ``dcols`` is added back onto the pixels it came from (col2im).

:class:`MaxPool2d` passes on the largest value of each window and routes the gradient back to it
alone (the max gate of chapter 2; a tie goes to the first position, as in torch).
:class:`Flatten` turns ``(C, H, W, m)`` into ``(C·H·W, m)`` in torch's order (channel, then row,
then column), so that a :class:`~bpbook.layers.Dense` layer can follow.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from bpbook.activations import get_activation
from bpbook.errors import (InputTypeError, OrderError, ShapeError, check_data, count,
                           float_dtype, label, real_array)

MAX_CHANNELS, MAX_KERNEL = 4096, 64


def _out_size(n, k, stride, padding, where):
    """The output length of a window ``k`` sliding over ``n`` (+ padding) in steps of ``stride``."""
    size = (n + 2 * padding - k) // stride + 1
    if size < 1:
        raise ShapeError(f"{where}: an input of size {n} (padding {padding}) is smaller than the "
                         f"window {k}: no output pixel")
    return size


def _images(x, what, channels, dtype):
    """``x`` as a real ``(channels, H, W, m)`` array of ``dtype``, with finite values."""
    arr = real_array(x, what, dtype)
    if arr.ndim != 4 or arr.shape[0] != channels:
        raise ShapeError(f"{what} should have shape ({channels}, H, W, m) (channels, rows, "
                         f"columns, samples last), got shape {arr.shape}")
    return check_data(arr, what)


def _windows(x, k, stride):
    """All ``k × k`` windows of ``x`` ``(C, H, W, m)``, every ``stride``-th: a view
    ``(C, H′, W′, m, k, k)``."""
    return sliding_window_view(x, (k, k), axis=(1, 2))[:, ::stride, ::stride]


def _scatter(grad_windows, shape, k, stride):
    """The transpose of :func:`_windows`: ``grad_windows`` ``(C, k, k, H′, W′, m)`` added onto
    the pixels of an array of ``shape`` ``(C, H, W, m)`` they were read from."""
    out = np.zeros(shape, dtype=grad_windows.dtype)
    h, w = grad_windows.shape[3:5]
    for p in range(k):
        for q in range(k):
            out[:, p:p + stride * (h - 1) + 1:stride, q:q + stride * (w - 1) + 1:stride] += \
                grad_windows[:, p, q]
    return out


class Conv2d:
    """``a = f(W ⋆ a_prev + b)`` over images ``(C_in, H, W, m)``: torch's ``nn.Conv2d`` with the
    samples last."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 activation="identity", name="conv", dtype=np.float64, W=None, b=None, rng=None):
        self.name = label(name, "Conv2d: name")
        where = f"Conv2d {name!r}"
        self.in_channels = count(in_channels, f"{where}: in_channels", low=1, high=MAX_CHANNELS)
        self.out_channels = count(out_channels, f"{where}: out_channels", low=1,
                                  high=MAX_CHANNELS)
        self.k = count(kernel_size, f"{where}: kernel_size", low=1, high=MAX_KERNEL)
        self.stride = count(stride, f"{where}: stride", low=1, high=MAX_KERNEL)
        self.padding = count(padding, f"{where}: padding", low=0, high=MAX_KERNEL)
        dtype = float_dtype(dtype, f"{where}: dtype")
        self.f = get_activation(activation)
        shape = (self.out_channels, self.in_channels, self.k, self.k)
        drawn_W, drawn_b = self._init(shape, rng)
        self.W = self._given(drawn_W if W is None else W, shape, "W", dtype)
        self.b = self._given(drawn_b if b is None else b, (self.out_channels, 1), "b", dtype)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)
        self.a_prev = self.cols = self.z = self.a = self.delta = None

    def _init(self, shape, rng):
        """torch's default: every weight and bias from U(−1/√fan_in, 1/√fan_in)."""
        if rng is None:
            rng = np.random.RandomState(0)
        if not isinstance(rng, np.random.RandomState):
            raise InputTypeError(f"Conv2d {self.name!r}: rng should be a "
                                 f"numpy.random.RandomState, got {type(rng).__name__}")
        bound = 1.0 / np.sqrt(shape[1] * shape[2] * shape[3])
        return (rng.uniform(-bound, bound, size=shape),
                rng.uniform(-bound, bound, size=(shape[0], 1)))

    def _given(self, value, shape, what, dtype):
        where = f"Conv2d {self.name!r}: {what}"
        arr = np.array(real_array(value, where), dtype=dtype)
        if what == "b" and arr.shape == shape[:1]:
            arr = arr.reshape(shape)
        if arr.shape != shape:
            raise ShapeError(f"{where} should have shape {shape}, got shape {arr.shape}")
        return check_data(arr, where)

    def check_inputs(self, X, dtype):
        """``X`` checked as this layer's input (the model calls it for its first layer)."""
        return _images(X, f"Conv2d {self.name!r}: inputs X", self.in_channels, dtype)

    def forward(self, a_prev):
        if not (isinstance(a_prev, np.ndarray) and a_prev.dtype == self.W.dtype
                and a_prev.ndim == 4 and a_prev.shape[0] == self.in_channels):
            a_prev = self.check_inputs(a_prev, self.W.dtype)
        where = f"Conv2d {self.name!r}"
        _, H, W_, m = a_prev.shape
        h = _out_size(H, self.k, self.stride, self.padding, where)
        w = _out_size(W_, self.k, self.stride, self.padding, where)
        p = self.padding
        padded = np.pad(a_prev, ((0, 0), (p, p), (p, p), (0, 0))) if p else a_prev
        # (C, H′, W′, m, k, k) → (C, k, k, H′, W′, m): one column per output pixel and sample
        self.cols = _windows(padded, self.k, self.stride).transpose(0, 4, 5, 1, 2, 3).reshape(
            -1, h * w * m)
        self.a_prev = a_prev
        self.z = (self.W.reshape(self.out_channels, -1) @ self.cols + self.b).reshape(
            self.out_channels, h, w, m)
        self.a = self.f.f(self.z)
        return self.a

    def backward(self, da, input_grad=True):
        """Take ``da`` $=\\partial L/\\partial a$; keep ``delta``, add to ``dW`` and ``db``;
        return $\\partial L/\\partial a_{prev}$ (``None`` when ``input_grad`` is False)."""
        if self.z is None:
            raise OrderError(f"Conv2d {self.name!r}: backward() called before forward()")
        da = real_array(da, f"Conv2d {self.name!r}: upstream gradient da", self.W.dtype)
        if da.shape != self.a.shape:
            raise ShapeError(f"Conv2d {self.name!r}: upstream gradient da should have shape "
                             f"{self.a.shape}, got {da.shape}")
        self.delta = self.f.backward(self.z, self.a, da)
        delta_mat = self.delta.reshape(self.out_channels, -1)
        self.dW += (delta_mat @ self.cols.T).reshape(self.W.shape)
        self.db += delta_mat.sum(axis=1, keepdims=True)
        if not input_grad:
            return None
        dcols = self.W.reshape(self.out_channels, -1).T @ delta_mat
        C, H, W_, m = self.a_prev.shape
        p = self.padding
        dcols = dcols.reshape(C, self.k, self.k, *self.z.shape[1:])
        dpadded = _scatter(dcols, (C, H + 2 * p, W_ + 2 * p, m), self.k, self.stride)
        return dpadded[:, p:p + H, p:p + W_] if p else dpadded

    def params(self):
        """``[(name, value, grad), ...]``: the arrays themselves, for in-place updates."""
        return [(f"{self.name}.W", self.W, self.dW), (f"{self.name}.b", self.b, self.db)]

    def zero_grad(self):
        self.dW[...] = 0.0
        self.db[...] = 0.0

    def __repr__(self):
        return (f"Conv2d({self.in_channels}→{self.out_channels}, k={self.k}, "
                f"stride={self.stride}, padding={self.padding}, {self.f.name}, "
                f"name={self.name!r})")


class MaxPool2d:
    """The largest value of each ``k × k`` window (``stride`` defaults to ``k``, as in torch)."""

    def __init__(self, kernel_size, stride=None, name="pool"):
        self.name = label(name, "MaxPool2d: name")
        self.k = count(kernel_size, f"MaxPool2d {name!r}: kernel_size", low=1, high=MAX_KERNEL)
        self.stride = self.k if stride is None else count(stride, f"MaxPool2d {name!r}: stride",
                                                          low=1, high=MAX_KERNEL)
        self.shape = self.winner = self.a = None

    def forward(self, a_prev):
        where = f"MaxPool2d {self.name!r}"
        arr = real_array(a_prev, f"{where}: input")
        if arr.dtype.kind != "f" or arr.ndim != 4:
            raise ShapeError(f"{where}: input should be a float array of shape (C, H, W, m), "
                             f"got dtype {arr.dtype} and shape {arr.shape}")
        h = _out_size(arr.shape[1], self.k, self.stride, 0, where)
        w = _out_size(arr.shape[2], self.k, self.stride, 0, where)
        windows = _windows(arr, self.k, self.stride).reshape(arr.shape[0], h, w, arr.shape[3],
                                                             -1)
        self.shape = arr.shape
        self.winner = windows.argmax(axis=-1)  # the first largest, as torch picks it
        self.a = np.take_along_axis(windows, self.winner[..., None], axis=-1)[..., 0]
        return self.a

    def backward(self, da):
        """Each window's gradient goes to its largest input; the others get 0."""
        if self.a is None:
            raise OrderError(f"MaxPool2d {self.name!r}: backward() called before forward()")
        da = real_array(da, f"MaxPool2d {self.name!r}: upstream gradient da", self.a.dtype)
        if da.shape != self.a.shape:
            raise ShapeError(f"MaxPool2d {self.name!r}: upstream gradient da should have shape "
                             f"{self.a.shape}, got {da.shape}")
        routed = np.stack([np.where(self.winner == p * self.k + q, da, 0.0)
                           for p in range(self.k) for q in range(self.k)], axis=1)
        routed = routed.reshape(self.shape[0], self.k, self.k, *da.shape[1:])
        return _scatter(routed, self.shape, self.k, self.stride)

    def params(self):
        return []

    def zero_grad(self):
        pass

    def __repr__(self):
        return f"MaxPool2d(k={self.k}, stride={self.stride})"


class Flatten:
    """``(C, H, W, m)`` → ``(C·H·W, m)``, feature ``c·H·W + i·W + j`` as in ``torch.flatten``."""

    def __init__(self, name="flatten"):
        self.name, self.shape = label(name, "Flatten: name"), None

    def forward(self, a_prev):
        arr = real_array(a_prev, f"Flatten {self.name!r}: input")
        if arr.ndim < 2:
            raise ShapeError(f"Flatten {self.name!r}: input should have the samples on its last "
                             f"axis and at least one other axis, got shape {arr.shape}")
        self.shape = arr.shape
        return arr.reshape(-1, arr.shape[-1])

    def backward(self, da):
        if self.shape is None:
            raise OrderError(f"Flatten {self.name!r}: backward() called before forward()")
        da = real_array(da, f"Flatten {self.name!r}: upstream gradient da")
        want = (int(np.prod(self.shape[:-1])), self.shape[-1])
        if da.shape != want:
            raise ShapeError(f"Flatten {self.name!r}: upstream gradient da should have shape "
                             f"{want}, got {da.shape}")
        return da.reshape(self.shape)

    def params(self):
        return []

    def zero_grad(self):
        pass

    def __repr__(self):
        return "Flatten()"

