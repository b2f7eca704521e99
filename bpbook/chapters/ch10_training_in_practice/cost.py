"""What gradients cost (golden rule 7): parameter counts, multiply-adds of a forward and a
backward pass, and measured backward/forward times.

Used by ``chapters/10_training_in_practice.py`` and ``benchmarks/backprop_cost.py``. Networks are
:func:`bpbook.deep.deep_net`; an MLP of widths ``sizes`` on ``m`` samples (columns) has layers
``W`` ``(sizes[l+1], sizes[l])``.
"""
import time

import numpy as np

from bpbook.deep import check_count, deep_net, toy_data
from bpbook.errors import InputError
from bpbook.losses import mse_grad


def multiply_adds(sizes, m):
    """Multiply-adds of the matrix products of one forward and one backward pass of an MLP of
    widths ``sizes`` on ``m`` samples, as bpbook computes them: ``(forward, backward)``.

    Forward: ``W @ a_prev`` per layer, ``n_out·n_in·m``. Backward: ``delta @ a_prev.T`` (for
    ``dW``) in every layer, the same count again, and ``W.T @ delta`` (for the layer below) in
    every layer but the first, whose input is data (:meth:`bpbook.model.Sequential.backward`
    skips it). Elementwise work is ``O(n·m)`` per layer, small next to these for wide layers.
    """
    check_count(m, "m (the batch size)")
    if len(sizes) < 2:
        raise InputError(f"sizes must list at least two layer widths, got {sizes!r}")
    per_layer = [n_out * n_in * m for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    forward = sum(per_layer)
    return forward, forward + forward - per_layer[0]


def n_params(model):
    """How many numbers ``model``'s parameters hold."""
    return int(sum(value.size for _, value, _ in model.parameters()))


def time_passes(model, X, Y, repeats=5):
    """The fastest of ``repeats`` runs of a forward pass and of a backward pass, in seconds:
    ``(forward, backward)``. Timings vary from run to run; chapters only plot them."""
    forward = backward = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        y_hat = model.forward(X)
        t1 = time.perf_counter()
        model.backward(mse_grad(y_hat, Y))
        t2 = time.perf_counter()
        forward, backward = min(forward, t1 - t0), min(backward, t2 - t1)
    return forward, backward


def backward_forward_ratios(widths, m, depth=3, n_in=8):
    """Measured backward/forward time (:func:`time_passes`) and counted multiply-add ratio
    (:func:`multiply_adds`) of ``deep_net(depth, w)`` on ``m`` samples, per width ``w``:
    ``(measured, counted)``, two lists. Timings vary from run to run; chapters only plot them."""
    X, Y = toy_data(n_in=n_in, m=m)
    measured, counted = [], []
    for w in widths:
        forward, backward = time_passes(deep_net(depth, width=w, n_in=n_in, activation="tanh"),
                                        X, Y)
        measured.append(backward / forward)
        f, b = multiply_adds([n_in] + [w] * depth + [1], m)
        counted.append(b / f)
    return measured, counted
