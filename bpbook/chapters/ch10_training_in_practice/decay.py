r"""Weight decay: the penalty $\frac\lambda2\sum_l\|W_l\|_F^2$, its gradient $\lambda W_l$ added
after backprop, and a check of that sum against central differences.

Used by ``chapters/10_training_in_practice.py``; ``model`` is a :class:`bpbook.model.Sequential`
whose ``dense`` layers hold ``W`` ``(n_out, n_in)`` (biases are not decayed).
"""
import numpy as np

from bpbook.gradcheck import numeric_grad, rel_error


def l2_penalty(model, lam):
    r"""$\frac\lambda2\sum_l\|W_l\|_F^2$ over the weights of ``model`` (biases are not decayed)."""
    return 0.5 * lam * sum(float(np.sum(layer.W ** 2)) for layer in model.dense)


def l2_check(model, X, Y, lam):
    r"""Largest relative error between backprop's $\partial L/\partial W_l + \lambda W_l$ and
    central differences of the loss plus :func:`l2_penalty`, over every weight of ``model``."""
    model.zero_grad()
    model.forward_backward(X, Y)
    add_l2_grad(model, lam)
    worst = 0.0
    for layer in model.dense:
        numeric = numeric_grad(lambda: model.loss(X, Y) + l2_penalty(model, lam), layer.W)
        worst = max(worst, float(rel_error(layer.dW, numeric).max()))
    return worst


def add_l2_grad(model, lam):
    r"""Add the penalty's gradient $\partial/\partial W_l\,\frac\lambda2\|W_l\|^2 = \lambda W_l$
    to every ``dW`` (after a backward pass, before the step)."""
    for layer in model.dense:
        layer.dW += lam * layer.W
