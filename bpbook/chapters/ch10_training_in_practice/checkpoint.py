r"""Gradient checkpointing on a deep bpbook MLP: keep the forward values of a few layers only,
and recompute the rest during the backward pass, one segment at a time.

Used by ``chapters/10_training_in_practice.py`` and its explorer. The model is a
:class:`~bpbook.model.Sequential` of :class:`~bpbook.layers.Dense` layers only (a
:func:`bpbook.deep.deep_net` without skips or batch norm), the loss the mean squared error;
samples are columns: ``X`` ``(n_in, m)``, ``Y`` ``(n_out, m)``.

The ``L`` layers are cut into **segments** of ``segment`` consecutive layers (the last one may be
shorter). Forward, every segment runs as usual; at its end the segment's stored ``z``, ``a`` are
dropped, and only its output is kept: the **checkpoint**, the next segment's input. The last
segment keeps everything, since its backward comes first. Backward, segment after segment from
the top: run it forward again from its checkpoint (its stored values are back), then backward
through it. A layer drops ``z``, ``a``, ``a_prev`` and ``delta`` once its backward is done (``dW``
and ``db`` stay): what a memory-conscious framework frees. ``segment = L`` is the plain backward
pass under the same rules: one segment, nothing recomputed, the baseline of every comparison.

Memory is measured as :mod:`~bpbook.chapters.ch10_training_in_practice.memory` measures it:
``tracemalloc``'s count of numpy's data buffers alive, taken at every layer boundary of the
forward and the backward pass (:func:`measure`).
"""
import time
import tracemalloc

import numpy as np
from threadpoolctl import threadpool_limits

from bpbook.chapters.ch10_training_in_practice.memory import FLOAT64_BYTES, array_bytes
from bpbook.errors import InputError
from bpbook.layers import Dense
from bpbook.losses import get_loss

MSE = get_loss("mse")


def segments(n_layers, segment):
    """The layer indices ``0 … n_layers-1`` cut into runs of ``segment`` (the last may be
    shorter)."""
    for what, value in (("n_layers", n_layers), ("segment", segment)):
        if isinstance(value, bool) or not (isinstance(value, (int, np.integer)) and value >= 1):
            raise InputError(f"segments: {what} must be an integer >= 1, got {value!r}")
    return [list(range(i, min(i + segment, n_layers))) for i in range(0, n_layers, segment)]


def _drop(layer):
    """Forget what the forward and backward passes stored; the gradients stay."""
    layer.a_prev = layer.z = layer.a = layer.delta = None


def forward_backward(model, X, Y, segment, probe=None):
    """One forward and one backward pass of ``model`` on ``(X, Y)`` with checkpoints every
    ``segment`` layers; gradients accumulate in ``dW``, ``db`` as with ``model.forward_backward``.

    ``probe(stage)``, if given, is called at every layer boundary of both passes, ``stage`` being
    ``"forward"`` or ``"backward"`` (to measure memory). Returns ``(loss, layer_forwards)``: the
    loss and how many times a layer's forward ran.
    """
    layers = model.layers
    if not all(isinstance(layer, Dense) for layer in layers):
        raise InputError(f"checkpointing needs a model of Dense layers only, got {model!r}")
    probe = probe or (lambda stage: None)
    parts = segments(len(layers), segment)
    checkpoints, runs = [], 0
    a = X
    for s, part in enumerate(parts):
        checkpoints.append(a)
        for i in part:
            a = layers[i].forward(a)
            runs += 1
            probe("forward")
        if s < len(parts) - 1:
            for i in part:
                _drop(layers[i])
            probe("forward")
    m = a.shape[1]
    loss = MSE.f(a, Y, m)
    grad = MSE.df(a, Y, m)
    del a
    for s in range(len(parts) - 1, -1, -1):
        if s < len(parts) - 1:
            out = checkpoints[s]
            for i in parts[s]:
                out = layers[i].forward(out)
                runs += 1
                probe("backward")
            del out
        for i in reversed(parts[s]):
            grad = layers[i].backward(grad, input_grad=i > 0)
            _drop(layers[i])
            probe("backward")
        checkpoints[s] = None
    return loss, runs


def measure(model, X, Y, segment):
    """Run :func:`forward_backward` from zero gradients and measure it.

    Returns a dict: ``loss``, ``layer_forwards``, ``after_forward`` (bytes of numpy buffers held
    when the forward pass ends, above what was held before it: the checkpoints and the last
    segment's values), ``peak`` (the most held at any layer boundary, gradients of the backward
    pass included) and ``trace`` (bytes held at every boundary, in order).
    """
    model.zero_grad()
    trace, stages = [], []

    def probe(stage):
        trace.append(array_bytes() - base)
        stages.append(stage)

    tracemalloc.start()
    try:
        base = array_bytes()
        with threadpool_limits(limits=1, user_api="blas"):  # small matrices: one thread is faster
            loss, runs = forward_backward(model, X, Y, segment, probe)
    finally:
        tracemalloc.stop()
    after_forward = trace[stages.count("forward") - 1]
    return {"loss": loss, "layer_forwards": runs, "after_forward": after_forward,
            "peak": max(trace), "trace": np.array(trace)}


def counted_after_forward(widths, m, segment):
    """Bytes :func:`measure` should find held after the forward pass, counted: the checkpoints
    (every segment's input but the first's, which is the data) and the last segment's ``z`` and
    ``a`` (one array for a linear output, whose ``a`` is its ``z``). ``widths`` are the layers'
    output widths, inputs excluded; every layer but the last has a separate ``a``."""
    parts = segments(len(widths), segment)
    checkpoints = sum(widths[part[0] - 1] for part in parts[1:])
    last = sum(widths[i] * (1 if i == len(widths) - 1 else 2) for i in parts[-1])
    return FLOAT64_BYTES * m * (checkpoints + last)


def gradient_gap(model, X, Y, segment):
    """Largest ``|difference|`` between the gradients of :func:`forward_backward` and of
    ``model.forward_backward`` (bpbook's plain pass), over every parameter entry, and the two
    losses' difference: both 0.0 when the recomputation repeats the forward pass exactly."""
    model.zero_grad()
    plain_loss = model.forward_backward(X, Y)
    plain = [grad.copy() for _, _, grad in model.parameters()]
    model.zero_grad()
    loss, _ = forward_backward(model, X, Y, segment)
    gap = max(float(np.abs(g - p).max()) for (_, _, g), p in zip(model.parameters(), plain))
    return gap, abs(loss - plain_loss)


def time_ratios(model, X, Y, segment_sizes, rounds=5):
    """Time of :func:`forward_backward` for every segment size over the plain pass's (``segment``
    = number of layers). The sizes are timed in turn, ``rounds`` times, and each keeps its
    fastest run, so a burst of load on the machine hits all of them alike. Timings vary from run
    to run; chapters only plot them."""
    sizes = [len(model.layers)] + list(segment_sizes)
    best = np.full(len(sizes), np.inf)
    for _ in range(rounds):
        for j, k in enumerate(sizes):
            model.zero_grad()
            t0 = time.perf_counter()
            forward_backward(model, X, Y, k)
            best[j] = min(best[j], time.perf_counter() - t0)
    return list(best[1:] / best[0])


def tradeoff(model, X, Y, segment_sizes):
    """For every segment size: ``[segment, number of segments, largest gradient difference from
    bpbook's plain pass (:func:`gradient_gap`), layer forwards, their ratio to the plain pass's,
    bytes held after the forward pass, peak bytes, peak / plain peak]``; the plain pass is
    ``segment = number of layers``, measured here too. Also returns the time ratios to the plain
    pass (they vary from run to run: plot them, do not print them)."""
    n = len(model.layers)
    plain = measure(model, X, Y, n)
    rows = []
    # small matrices: on one BLAS thread, five times less CPU (a second thread waits for a core)
    with threadpool_limits(limits=1, user_api="blas"):
        for k in segment_sizes:
            r = measure(model, X, Y, k)
            rows.append([k, len(segments(n, k)), gradient_gap(model, X, Y, k)[0],
                         r["layer_forwards"], r["layer_forwards"] / plain["layer_forwards"],
                         r["after_forward"], r["peak"], r["peak"] / plain["peak"]])
        return rows, time_ratios(model, X, Y, segment_sizes)
