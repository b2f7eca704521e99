r"""Gradient checking: central differences against the gradients backprop computed.

For every entry $\theta_i$ of every parameter,
$\frac{\partial L}{\partial\theta_i} \approx \frac{L(\theta_i+\varepsilon)-L(\theta_i-\varepsilon)}{2\varepsilon}$,
two forward passes per entry (ε = 1e-5, near the cube root of float64's precision, which
balances truncation against rounding). The relative error
$|g_a-g_n| / \max(|g_a|, |g_n|, 10^{-5})$ should be about 1e-7 or less in float64; the floor
judges gradients that are nearly zero by their absolute error, since no relative error of a
vanishing number is meaningful.

Central differences need float64: in float32 (about 7 digits) the difference of two losses
ε apart is mostly rounding. :func:`gradcheck` on a float32 model therefore checks a float64 copy
of it (same weights, same data), and its result says so in ``note``.
"""
import copy

import numpy as np

from bpbook.errors import InputError, InputTypeError, real_number
from bpbook.losses import get_loss
from bpbook.model import Sequential
from bpbook.tables import Table

FLOAT64_NOTE = ("checked on a float64 copy of this {dtype} model: finite differences need "
                "float64's precision")


def numeric_grad(f, x, eps=1e-5):
    """Central-difference gradient of the scalar function ``f`` at the array ``x`` (changed in
    place and restored)."""
    x = np.asarray(x)
    g = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


def rel_error(a, b, floor=1e-5):
    """Elementwise ``|a − b| / max(|a|, |b|, floor)``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)


class GradCheck:
    """The result of :func:`gradcheck`: ``max_rel_error`` and a ``table`` (one row per entry)."""

    def __init__(self, rows, note=""):
        self.rows, self.note = rows, note
        self.max_rel_error = max((r[4] for r in rows), default=0.0)

    @property
    def table(self):
        return Table(["parameter", "index", "backprop", "finite difference", "rel. error"],
                     self.rows, formats=[None, None, "{:.10f}", "{:.10f}", "{:.1e}"],
                     caption=self.note or None)

    def passed(self, tol=1e-7):
        return self.max_rel_error < tol

    def _repr_html_(self):
        return self.table._repr_html_()

    def __repr__(self):
        note = f", note={self.note!r}" if self.note else ""
        return (f"GradCheck(max_rel_error={self.max_rel_error:.2e}, entries={len(self.rows)}"
                f"{note})")


def float64_copy(model):
    """A deep copy of ``model`` whose layers hold float64 ``W``, ``b``, ``dW``, ``db``."""
    twin = copy.deepcopy(model)
    for layer in twin.layers:
        for obj in (layer, getattr(layer, "dense", None)):
            for attr, arr in list(vars(obj).items()) if obj is not None else ():
                if attr in ("W", "b", "dW", "db") and isinstance(arr, np.ndarray):
                    setattr(obj, attr, arr.astype(np.float64))
    if twin.dtype != np.float64 or any(v.dtype != np.float64 for _, v, _ in twin.parameters()):
        raise InputError(f"gradcheck: finite differences need float64, and this "
                         f"{model.dtype.__name__} model's layers could not be copied to "
                         "float64; build it with dtype=np.float64")
    return twin


def gradcheck(model, X, Y, loss="mse", eps=1e-5):
    """Compare ``model``'s backprop gradients with central differences for every parameter entry.

    The model's accumulated gradients are replaced by those of this one batch. A float32 model
    is checked on a float64 copy (see the module docstring).
    """
    if not isinstance(model, Sequential):
        raise InputTypeError(f"gradcheck: model should be a Sequential (e.g. mlp([2, 3, 1])), "
                             f"got {type(model).__name__}")
    eps = real_number(eps, "gradcheck: eps", low=0.0, low_open=True)
    loss = get_loss(loss)
    model.zero_grad()
    model.forward_backward(X, Y, loss)
    note = ""
    if model.dtype != np.float64:
        note = FLOAT64_NOTE.format(dtype=model.dtype.__name__)
        model = float64_copy(model)
        model.zero_grad()
        model.forward_backward(X, Y, loss)
    analytic = {name: grad.copy() for name, _, grad in model.parameters()}
    rows = []
    for name, value, _ in model.parameters():
        numeric = numeric_grad(lambda: model.loss(X, Y, loss), value, eps)
        errors = rel_error(analytic[name], numeric)
        for i in np.ndindex(value.shape):
            rows.append((name, i, float(analytic[name][i]), float(numeric[i]), float(errors[i])))
    return GradCheck(rows, note)
