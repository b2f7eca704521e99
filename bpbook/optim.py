"""Stochastic gradient descent with PyTorch's semantics, and gradient-norm clipping.

``params`` is a list of ``(name, value, grad)`` triples whose arrays are updated in place (what
``Sequential.parameters()`` returns). Gradients accumulate in the layers until ``zero_grad()``:
forgetting it adds old gradients to new ones, one of the book's pitfalls.

Norms are computed overflow-safely: every gradient is divided by the largest entry before
squaring, so a finite gradient of 1e200 is clipped to the right direction, never zeroed.
"""
import math

import numpy as np

from bpbook.errors import (FLOAT_DTYPES, ExplodingGradientError, InputError, InputTypeError,
                           real_number)

CLIP_EPS = 1e-6  # torch's


def _params(params, where):
    """``params`` as a list of ``(name, value, grad)`` triples of float arrays (``value`` and
    ``grad`` of one shape and dtype, float32 or float64), or a clear error."""
    params = list(params) if isinstance(params, (list, tuple)) else None
    if params is None or not all(
            isinstance(p, tuple) and len(p) == 3 and all(type(a) is np.ndarray for a in p[1:])
            for p in params):
        raise InputTypeError(f"{where}: params should be a list of (name, value, grad) triples "
                             "of numpy arrays (not np.matrix), as model.parameters() returns")
    seen = {}
    for name, value, grad in params:
        if value.dtype.type not in FLOAT_DTYPES or grad.dtype != value.dtype \
                or grad.shape != value.shape:
            raise InputTypeError(f"{where}: params should hold float32 or float64 arrays, each "
                                 f"gradient of its value's shape and dtype; {name!r} has value "
                                 f"{value.dtype} {value.shape} and grad {grad.dtype} {grad.shape}")
        if not (value.flags.writeable and grad.flags.writeable):
            raise InputError(f"{where}: params should hold writeable arrays (they are updated "
                             f"in place); {name!r} is read-only")
        for key in (("value", id(value)), ("grad", id(grad))):  # one array twice: updated twice
            if key in seen:
                raise InputError(f"{where}: params should hold each array once; {name!r} "
                                 f"shares its {key[0]} with {seen[key]!r}")
            seen[key] = name
    return params


def _scaled_norm(params):
    """``(top, r)`` with the global L2 norm equal to ``top * r``: ``top`` the largest |entry|."""
    top = max((float(np.max(np.abs(g))) for _, _, g in params if g.size), default=0.0)
    if not math.isfinite(top):
        name = next(n for n, _, g in params if g.size and not np.all(np.isfinite(g)))
        raise ExplodingGradientError(f"the gradient of {name} is not finite: no norm to clip to")
    if top == 0.0:
        return 0.0, 0.0
    return top, math.sqrt(sum(float(np.sum((g / top) ** 2)) for _, _, g in params))


def grad_norm(params):
    """The global L2 norm of all gradients (``inf`` only if it exceeds the largest float)."""
    top, r = _scaled_norm(_params(params, "grad_norm"))
    with np.errstate(over="ignore"):
        return float(np.float64(top) * r)


def clip_grad_norm(params, max_norm):
    """Scale all gradients together so their global norm is at most ``max_norm``; return the norm
    before clipping. As ``torch.nn.utils.clip_grad_norm_``: the factor is
    ``max_norm / (norm + 1e-6)`` (:data:`CLIP_EPS` keeps a zero norm from dividing by 0), applied
    when it is below 1, so a clipped norm ends a hair under ``max_norm``."""
    params = _params(params, "clip_grad_norm")
    max_norm = real_number(max_norm, "clip_grad_norm: max_norm", low=0.0, low_open=True)
    top, r = _scaled_norm(params)
    with np.errstate(over="ignore"):
        norm = float(np.float64(top) * r)
    # a norm beyond the largest float: 1e-6 is nothing beside it, and max_norm / inf would be 0
    factor = max_norm / (norm + CLIP_EPS) if math.isfinite(norm) else (max_norm / top) / r
    if factor < 1.0:
        for _, _, g in params:
            g *= factor
    return norm


class SGD:
    """``θ ← θ − lr · dL/dθ`` for every parameter, optionally clipping the gradient norm first."""

    def __init__(self, params, lr, clip=None):
        self.params = _params(params, "SGD")
        self.lr = real_number(lr, "SGD: learning rate lr", low=0.0, low_open=True)
        self.clip = None if clip is None else real_number(clip, "SGD: clip", low=0.0,
                                                           low_open=True)

    def step(self):
        if self.clip is not None:
            clip_grad_norm(self.params, self.clip)
        for _, value, grad in self.params:
            value -= self.lr * grad

    def zero_grad(self):
        for _, _, grad in self.params:
            grad[...] = 0.0
