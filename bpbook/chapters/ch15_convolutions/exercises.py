"""Exercise checks of chapter 15 (``chapters/15_convolutions.py``), built on
:mod:`bpbook.feedback`: each names the mistake an answer looks like.

Shapes: one channel, one sample, stride 1: an image ``x`` ``(H, W)``, an output gradient ``g``
``(H − k + 1, W − k + 1)``, a kernel gradient ``(k, k)``; for pooling, ``x`` ``(H, W)`` with even
sides and ``da`` ``(H/2, W/2)``.
"""
import numpy as np

from bpbook.chapters.ch15_convolutions.index_form import correlate, kernel_grad
from bpbook.feedback import check, check_function

SIZE_AT = dict(H=28, k=9, stride=2, padding=4)  # exercise 1: every mistake gives its own number
COUNT_AT = dict(in_channels=3, out_channels=16, k=5)  # exercise 4


def check_output_size(answer):
    """Exercise: the output height of a convolution with :data:`SIZE_AT`."""
    H, k, s, p = (SIZE_AT[n] for n in ("H", "k", "stride", "padding"))
    return check(answer, (H + 2 * p - k) // s + 1, "the output height",
                 "⌊(H + 2p − k) / s⌋ + 1", [
                     ((H - k) // s + 1, "the size without the padding"),
                     ((H + 2 * p - k) // s, "⌊(H + 2p − k)/s⌋: the first position counts too (+1)"),
                     (H + 2 * p - k + 1, "the size for stride 1: divide by the stride"),
                     ((H + p - k) // s + 1, "padding on one side only: it goes on both"),
                 ], tol=1e-9)


def _random_pair(rng):
    H, W, k = int(rng.integers(3, 8)), int(rng.integers(3, 8)), int(rng.integers(1, 4))
    return rng.normal(size=(H, W)), rng.normal(size=(H - k + 1, W - k + 1))


def check_conv_dW(fn):
    """Exercise: ``fn(x, g)`` is ∂L/∂w ``(k, k)`` of ``z = correlate(x, w)``, ``k`` read from
    the shapes."""
    rng = np.random.RandomState(15)
    cases = [(rng.randn(4, 4), rng.randn(3, 3)), (rng.randn(5, 3), rng.randn(4, 2))]
    return check_function(fn, "conv_dW(x, g)", "Σᵢⱼ g[i, j] · x[i + p, j + q]: x correlated with g",
                          cases, kernel_grad, random_cases=_random_pair, mistakes=[
                              (lambda x, g: kernel_grad(x, g)[::-1, ::-1],
                               "the right sums turned by 180°: the kernel is not flipped here "
                               "(the forward pass is a correlation)"),
                              (lambda x, g: correlate(x, g[::-1, ::-1]),
                               "x correlated with g turned by 180°: use g as it is"),
                          ])


def _pool_reference(x, da):
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
    cases = [(rng.randn(4, 4), rng.randn(2, 2)), (rng.randn(2, 6), rng.randn(1, 3))]
    up = lambda x, da: np.kron(da, np.ones((2, 2)))  # noqa: E731
    return check_function(fn, "pool_backward(x, da)",
                          "da[i, j] at the largest entry of window (i, j), 0 elsewhere", cases,
                          _pool_reference, random_cases=_random_pool, mistakes=[
                              (up, "da copied to all four entries of each window: only the "
                                   "largest one changed the output"),
                              (lambda x, da: up(x, da) / 4, "da spread evenly over each window: "
                                                            "that is average pooling's backward"),
                          ])


def check_param_count(answer):
    """Exercise: the parameters of ``Conv2d(3, 16, 5)``."""
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
