"""Stochastic gradient descent with PyTorch's semantics, and gradient-norm clipping.

``params`` is a list of ``(name, value, grad)`` triples whose arrays are updated in place (what
``Sequential.parameters()`` returns). Gradients accumulate in the layers until ``zero_grad()``:
forgetting it adds old gradients to new ones, one of the book's pitfalls.
"""
import math

import numpy as np


def _positive(value, what):
    if not (isinstance(value, (int, float, np.number)) and math.isfinite(value) and value > 0):
        raise ValueError(f"{what} must be a positive finite number, got {value!r}")
    return float(value)


def grad_norm(params):
    """The global L2 norm of all gradients."""
    return float(np.sqrt(sum(np.sum(g ** 2) for _, _, g in params)))


def clip_grad_norm(params, max_norm):
    """Scale all gradients together so their global norm is at most ``max_norm``; return the norm
    before clipping (as ``torch.nn.utils.clip_grad_norm_`` does)."""
    max_norm = _positive(max_norm, "max_norm")
    norm = grad_norm(params)
    if norm > max_norm:
        for _, _, g in params:
            g *= max_norm / norm
    return norm


class SGD:
    """``θ ← θ − lr · dL/dθ`` for every parameter, optionally clipping the gradient norm first."""

    def __init__(self, params, lr, clip=None):
        self.params = list(params)
        self.lr = _positive(lr, "learning rate lr")
        self.clip = None if clip is None else _positive(clip, "clip")

    def step(self):
        if self.clip is not None:
            clip_grad_norm(self.params, self.clip)
        for _, value, grad in self.params:
            value -= self.lr * grad

    def zero_grad(self):
        for _, _, grad in self.params:
            grad[...] = 0.0
