r"""Weight decay: the penalty $\frac\lambda2\sum_l\|W_l\|_F^2$, its gradient $\lambda W_l$ added
after backprop, and a check of that sum against central differences.

Used by ``chapters/10_training_in_practice.py``; ``model`` is a :class:`bpbook.model.Sequential`
whose ``dense`` layers hold ``W`` ``(n_out, n_in)`` (biases are not decayed).
"""
import numpy as np

from bpbook.gradcheck import check_gradients


def l2_penalty(model, lam):
    r"""$\frac\lambda2\sum_l\|W_l\|_F^2$ over the weights of ``model`` (biases are not decayed)."""
    return 0.5 * lam * sum(float(np.sum(layer.W ** 2)) for layer in model.dense)


def l2_check(model, X, Y, lam):
    r"""Backprop's $\partial\mathcal{L}/\partial W_l + \lambda W_l$ against central differences of
    the loss plus :func:`l2_penalty`, every weight of ``model``, judged by bpbook's gradient-check
    rule: a :class:`~bpbook.gradcheck.GradCheck`."""
    model.zero_grad()
    model.forward_backward(X, Y)
    add_l2_grad(model, lam)
    params = [(f"{layer.name}.W", layer.W, layer.dW) for layer in model.dense]
    return check_gradients(lambda: model.loss(X, Y) + l2_penalty(model, lam), params)


def add_l2_grad(model, lam):
    r"""Add the penalty's gradient $\partial/\partial W_l\,\frac\lambda2\|W_l\|^2 = \lambda W_l$
    to every ``dW`` (after a backward pass, before the step)."""
    for layer in model.dense:
        layer.dW += lam * layer.W
