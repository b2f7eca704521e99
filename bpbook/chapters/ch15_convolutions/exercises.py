"""Exercise checks of chapter 15 (``chapters/15_convolutions.py``), built on
:mod:`bpbook.feedback`: each names the mistake an answer looks like.

Shapes (``W`` stays the weights, so an image is ``H × V``): one channel, one sample, stride 2
(exercise 2): an image ``x`` ``(H, V)``, an output gradient ``g``
``((H − k) // 2 + 1, (V − k) // 2 + 1)``, a kernel gradient ``(k, k)``; for pooling, ``x``
``(H, V)`` with even sides and ``da`` ``(H/2, V/2)``.
"""
import numpy as np

from bpbook.chapters.ch15_convolutions.index_form import kernel_grad
from bpbook.feedback import check, check_function
from bpbook.variants import number


def _whole(exercise, part, default, low, high):
    """A whole number of the student's own (``default`` for a reader alone); each part of an
    exercise has its own seed, so the parts are drawn independently."""
    return int(number(f"{exercise}/{part}", default, low, high, digits=0))


# Exercise 1, stride 2. The ranges keep every named mistake a number of its own: with P ≥ 4,
# padding on one side or none is at least two rows off; H ≥ 20 > k keeps stride 1 apart.
SIZE_AT = dict(H=_whole("15.output-size", "H", 28, 20, 40),
               k=2 * _whole("15.output-size", "k", 4, 2, 5) + 1, stride=2,
               padding=_whole("15.output-size", "padding", 4, 4, 6))
# Exercise 4. C_in ≥ 2 and C_out ≥ 10 keep the two "one kernel per …" mistakes apart from the answer
COUNT_AT = dict(in_channels=_whole("15.param-count", "in", 3, 2, 8),
                out_channels=_whole("15.param-count", "out", 16, 10, 64),
                k=_whole("15.param-count", "k", 5, 3, 7))


def check_output_size(answer):
    """Exercise: the output height of a convolution with :data:`SIZE_AT`."""
    H, k, s, p = (SIZE_AT[n] for n in ("H", "k", "stride", "padding"))
    return check(answer, (H + 2 * p - k) // s + 1, "the output height",
                 "⌊(H + 2P − k) / s⌋ + 1", [
                     ((H - k) // s + 1, "the size without the padding"),
                     ((H + 2 * p - k) // s, "⌊(H + 2P − k)/s⌋: the first position counts too (+1)"),
                     (H + 2 * p - k + 1, "the size for stride 1: divide by the stride"),
                     ((H + p - k) // s + 1, "padding on one side only: it goes on both"),
                 ], tol=1e-9)


STRIDE = 2  # exercise 2's stride


def strided_kernel_grad(x, g, k, stride=STRIDE):
    """∂ℒ/∂w ``(k, k)`` of ``z_ij = Σ_pq w_pq x[s·i + p, s·j + q]``:
    Σ_ij g_ij x[s·i + p, s·j + q]."""
    k = int(k)
    h, v = g.shape
    dW = np.zeros((k, k))
    for p in range(k):
        for q in range(k):
            dW[p, q] = np.sum(g * x[p:p + stride * (h - 1) + 1:stride,
                                    q:q + stride * (v - 1) + 1:stride])
    return dW


def _random_strided(rng):
    k, h, v = int(rng.integers(1, 4)), int(rng.integers(1, 5)), int(rng.integers(1, 5))
    H, W = STRIDE * (h - 1) + k + int(rng.integers(0, 2)), STRIDE * (v - 1) + k + int(
        rng.integers(0, 2))
    return rng.normal(size=(H, W)), rng.normal(size=(h, v)), k


def _unstrided(x, g, k):
    """The stride-1 rule on the first rows and columns: the stride forgotten."""
    k = int(k)
    return kernel_grad(x[:g.shape[0] + k - 1, :g.shape[1] + k - 1], g)


def check_conv_dW(fn):
    """Exercise: ``fn(x, g, k)`` is ∂ℒ/∂w ``(k, k)`` of a stride-2 correlation of ``x`` with a
    ``k × k`` kernel."""
    rng = np.random.RandomState(15)
    cases = [(rng.randn(7, 7), rng.randn(3, 3), 3), (rng.randn(6, 5), rng.randn(3, 2), 2)]
    return check_function(fn, "conv_dW(x, g, k)",
                          "Σᵢⱼ g[i, j] · x[2i + p, 2j + q]: x correlated with g, every second "
                          "pixel", cases, strided_kernel_grad, random_cases=_random_strided,
                          mistakes=[
                              (lambda x, g, k: strided_kernel_grad(x, g, k)[::-1, ::-1],
                               "the right sums turned by 180°: the kernel is not flipped here "
                               "(the forward pass is a correlation)"),
                              (_unstrided, "Σᵢⱼ g[i, j] · x[i + p, j + q], the stride-1 rule: "
                                           "output pixel (i, j) reads x from row 2i, column 2j"),
                              (lambda x, g, k: strided_kernel_grad(x, g, k) / g.size,
                               "a mean over the output pixels: a shared weight's shares add"),
                          ])


def _pool_reference(x, da):
    """Each window's ``da`` to its first largest entry (reading order), as on the page."""
    out = np.zeros_like(x)
    for i in range(da.shape[0]):
        for j in range(da.shape[1]):
            window = x[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            p, q = np.unravel_index(window.argmax(), (2, 2))
            out[2 * i + p, 2 * j + q] = da[i, j]
    return out


def _random_pool(rng):
    h, w = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    return rng.normal(size=(2 * h, 2 * w)), rng.normal(size=(h, w))


def check_pool_backward(fn):
    """Exercise: ``fn(x, da)`` routes each 2 × 2 window's gradient to the window's maximum."""
    rng = np.random.RandomState(16)
    # the last case has ties, as a ReLU's zeros give: the first largest entry wins
    ties = np.array([[0.0, 0.0, 2.0, 1.0, 1.0, 2.0], [0.0, 0.0, 2.0, 2.0, 2.0, 0.0]])
    cases = [(rng.randn(4, 4), rng.randn(2, 2)), (rng.randn(2, 6), rng.randn(1, 3)),
             (ties, np.array([[1.5, -0.5, 0.7]]))]
    up = lambda x, da: np.kron(da, np.ones((2, 2)))  # noqa: E731
    return check_function(fn, "pool_backward(x, da)",
                          "da[i, j] at the largest entry of window (i, j), 0 elsewhere", cases,
                          _pool_reference, random_cases=_random_pool, mistakes=[
                              (up, "da copied to all four entries of each window: only the "
                                   "largest one changed the output"),
                              (lambda x, da: up(x, da) / 4, "da spread evenly over each window: "
                                                            "that is average pooling's backward"),
                              (lambda x, da: up(x, da) * (x == up(x, _pool_max(x))),
                               "da to every entry tied for the largest: only the first (in "
                               "reading order) gets it"),
                              (lambda x, da: _pool_reference(x[::-1, ::-1], da[::-1, ::-1])[::-1,
                                                                                           ::-1],
                               "da to the last largest entry of a tie: the first (in reading "
                               "order) gets it"),
                              (lambda x, da: _pool_reference(x.T, da.T).T,
                               "da to the first largest entry in column order: reading order "
                               "(along each row first) decides a tie"),
                          ])


def _pool_max(x):
    """The largest entry of each 2 × 2 window of ``x``."""
    return x.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).max(axis=(1, 3))


def check_param_count(answer):
    """Exercise: the parameters of ``Conv2d(**COUNT_AT)`` (``Conv2d(3, 16, 5)`` for a reader
    alone)."""
    c_in, c_out, k = COUNT_AT["in_channels"], COUNT_AT["out_channels"], COUNT_AT["k"]
    weights = c_out * c_in * k * k
    return check(answer, weights + c_out, "the number of parameters",
                 "C_out·C_in·k·k weights + C_out biases", [
                     (weights, "the weights only: each output channel has a bias"),
                     (c_out * k * k + c_out, "one k × k kernel per output channel: each output "
                                             "channel has one per input channel"),
                     (c_in * k * k + c_out, "one kernel per input channel: each output channel "
                                            "needs its own"),
                 ], tol=1e-9)
