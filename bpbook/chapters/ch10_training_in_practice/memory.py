r"""Golden rule 1 made concrete: the memory a forward pass keeps for the backward pass.

Used by ``chapters/10_training_in_practice.py``. Networks are :func:`bpbook.deep.deep_net`
(``depth`` hidden layers of ``width`` units, a linear output unit; samples are columns, ``X`` has
shape ``(n_in, m)``, float64).

After ``forward``, every :class:`~bpbook.layers.Dense` layer ``l`` keeps ``z_l`` and
``a_l = f(z_l)``, each of shape ``(n_l, m)``; the linear output's ``a`` is its ``z`` itself (one
array), and ``a_prev`` is a reference to the layer below's ``a`` (or to ``X``), not a copy. So

$$\text{bytes} = 8\,m\Big(2\sum_{l=1}^{D} n_l + n_{D+1}\Big)$$

for ``D`` hidden layers (8 bytes per float64). :func:`counted_bytes` is that formula;
:func:`measured_bytes` asks ``tracemalloc`` how many bytes of array data (numpy reports its data
buffers in their own tracemalloc domain) a fresh network still holds after one forward pass; the
small Python objects around the buffers are left out, so a rerun measures the same.
"""
import tracemalloc

import numpy as np

from bpbook.deep import deep_net, toy_data
from bpbook.errors import InputError

FLOAT64_BYTES = 8


def counted_bytes(depth, width, m, n_out=1):
    """Bytes of the ``z`` and ``a`` arrays a ``deep_net`` keeps after a forward pass on ``m``
    samples (the formula of the module docstring)."""
    for what, value in (("depth", depth), ("width", width), ("m", m), ("n_out", n_out)):
        if not (isinstance(value, (int, np.integer)) and value >= 1):
            raise InputError(f"counted_bytes: {what} must be a positive integer, got {value!r}")
    return FLOAT64_BYTES * m * (2 * depth * width + n_out)


def measured_bytes(depth, width, m, n_in=8):
    """Bytes of numpy array data a fresh ``deep_net`` still holds, measured by ``tracemalloc``,
    after one forward pass on ``m`` samples (the input ``X`` is made before the measurement and not
    counted)."""
    net = deep_net(depth, width=width, n_in=n_in, activation="tanh")
    X, _ = toy_data(n_in=n_in, m=m)
    tracemalloc.start()
    try:
        before = array_bytes()
        net.forward(X)
        after = array_bytes()
    finally:
        tracemalloc.stop()
    return after - before


def array_bytes():
    """Bytes of the numpy data buffers alive now (numpy's own tracemalloc domain). The domain is
    compared here rather than by a ``DomainFilter``, whose pure-Python matching costs twice as
    much per trace (the explorer takes a snapshot at every layer boundary)."""
    numpy_domain = np.lib.tracemalloc_domain
    return sum(t.size for t in tracemalloc.take_snapshot().traces if t.domain == numpy_domain)


def memory_rows(depths, batches, width):
    """``[depth, m, counted, measured]`` for every depth and batch size."""
    return [[d, m, counted_bytes(d, width, m), measured_bytes(d, width, m)]
            for d in depths for m in batches]
