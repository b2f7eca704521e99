r"""Loss functions with their gradients with respect to the network's output.

Conventions: ``y_hat`` and ``y`` have shape ``(n_out, m)``, samples in columns. Every loss is a mean
over the ``m`` samples of a sum over the outputs, so a batch of one is the per-sample loss:

- ``mse``: $L = \frac1m \sum \tfrac12 (\hat y - y)^2$ (the ½ of the worked example makes
  $\partial L/\partial \hat y = \hat y - y$ for one sample);
- ``bce``: $L = -\frac1m \sum y \log \hat y + (1-y)\log(1-\hat y)$ with $\hat y$ a probability and
  $0 \le y \le 1$;
- ``softmax_ce``: $L = -\frac1m \sum y \log \mathrm{softmax}(o)$ from the logits $o$ (the output
  layer then has no activation), gradient $(\mathrm{softmax}(o)\sum_i y_i - y)/m$ per column:
  the familiar $(\mathrm{softmax}(o) - y)/m$ when the column of targets sums to 1 (one-hot or a
  distribution). Targets in $[0, 1]$ that do not sum to 1 (a soft or partial label, all zeros)
  get this true gradient too, as in ``torch.nn.functional.cross_entropy``.

Each :class:`Loss` has ``value(y_hat, y)`` (a float) and ``grad(y_hat, y)`` ($\partial L/\partial
\hat y$, same shape as ``y_hat``); both check their input first. :func:`get_loss` looks one up by
name.

Targets ``y``: an array shaped like ``y_hat``. A 1-D ``y`` is reshaped only where that is
unambiguous: ``y_hat`` has one row (one output: ``y`` holds the ``m`` targets) or one column (one
sample: ``y`` holds its ``n_out`` targets). For ``softmax_ce`` a 1-D *integer* array of length
``m`` is read as class labels ``0 .. n_out-1`` and one-hot encoded.

BCE from the logit. Near a saturated sigmoid, $\hat y$ rounds to exactly 1 (in float32 already at
$z \approx 17$) and $\log(1-\hat y)$ is lost. A model trained with ``bce`` therefore needs a
sigmoid output layer and computes BCE from its logit $z$ (as torch's ``BCEWithLogitsLoss`` does):
$L = \frac1m\sum \max(z,0) - yz + \log(1+e^{-|z|})$, with $\partial L/\partial z = (\sigma(z)-y)/m$:
finite for every finite $z$. On probabilities, ``bce`` floors $\hat y$ and $1-\hat y$ at the
dtype's smallest normal number (reached only where they underflowed) and its gradient is the
exact derivative of that floored loss (0 where the floor is active), so gradient checks agree.
"""
from types import MappingProxyType

import numpy as np

from bpbook.activations import _float, sigmoid, softmax
from bpbook.errors import InputError, ShapeError, check_name, real_array


def _mse(y_hat, y, m):
    return float(np.sum(0.5 * (y_hat - y) ** 2) / m)


def _mse_grad(y_hat, y, m):
    return (y_hat - y) / m


def _floored(p):
    """``p`` and ``1 - p`` floored at the dtype's smallest normal number, and where the floors
    are not active (there the floored loss has its ordinary derivative)."""
    tiny = np.finfo(p.dtype).tiny
    q = 1 - p
    return np.maximum(p, tiny), np.maximum(q, tiny), p > tiny, q > tiny


def _bce(p, y, m):
    p, q, _, _ = _floored(p)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(q)) / m)


def _bce_grad(p, y, m):
    p, q, p_free, q_free = _floored(p)
    return (np.where(p_free, -y / p, 0) + np.where(q_free, (1 - y) / q, 0)) / m


def bce_from_logit(z, y, m):
    r"""BCE of $\hat y = \sigma(z)$ computed from the logit ``z``; finite for any finite ``z``."""
    return float(np.sum(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))) / m)


def bce_from_logit_grad(z, y, m):
    r"""$\partial L/\partial z = (\sigma(z) - y)/m$, written as $(1 - y) - \sigma(-z)$ for
    $z \ge 0$: there $\sigma(z)$ rounds to 1 and $\sigma(z) - 1$ would lose $-\sigma(-z)$."""
    small = sigmoid(-np.abs(z))  # σ(-|z|), exact to the last digit however small
    return np.where(z >= 0, (1 - y) - small, small - y) / m


def _log_softmax(z):
    shifted = z - z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def _softmax_ce(z, y, m):
    return float(-np.sum(y * _log_softmax(z)) / m)


def _softmax_ce_grad(z, y, m):
    # the log-sum-exp of each column is weighted by that column's total target, Σ_i y_i
    return (softmax(z) * y.sum(axis=0, keepdims=True) - y) / m


class Loss:
    """A loss: ``value``/``grad`` check their input, then call the formulas ``f(y_hat, y, m)`` and
    ``df(y_hat, y, m)`` (the model calls those directly on data it has checked itself).

    ``y_hat_range``/``y_range``: the interval each must lie in (``None``: any finite number).
    ``logit``: for BCE, the activation (``"sigmoid"``) whose logit the loss can take instead, with
    the formulas ``logit_f(z, y, m)`` and ``logit_df(a, y, m)`` (``dL/dz``).
    """

    def __init__(self, name, f, df, formula, y_hat_range=None, y_range=None, labels=False,
                 logit=None, logit_f=None, logit_df=None):
        self.name, self.f, self.df, self.formula = name, f, df, formula
        self.y_hat_range, self.y_range, self.labels = y_hat_range, y_range, labels
        self.logit, self.logit_f, self.logit_df = logit, logit_f, logit_df

    def value(self, y_hat, y):
        return self._finite(self.f, "value", *self.check(y_hat, y))

    def grad(self, y_hat, y):
        return self._finite(self.df, "gradient", *self.check(y_hat, y))

    def _finite(self, f, what, y_hat, y):
        with np.errstate(over="ignore", invalid="ignore"):
            out = f(y_hat, y, y_hat.shape[1])
        if not np.all(np.isfinite(out)):
            raise InputError(f"{self.name}: the loss {what} overflows {y_hat.dtype} for these "
                             f"y_hat (largest |y_hat| {np.abs(y_hat).max():.3g}) and y "
                             f"(largest |y| {np.abs(y).max():.3g})")
        return out

    __call__ = value

    def check(self, y_hat, y):
        """``y_hat`` (real, ``(n_out, m)``, finite, in range) and ``y`` shaped like it."""
        y_hat = _float(y_hat, f"{self.name}: y_hat")
        if y_hat.ndim != 2:
            raise ShapeError(f"{self.name}: y_hat should have shape (n_out, m) (samples are "
                             f"columns), got shape {y_hat.shape}")
        self._in_range(y_hat, "y_hat", self.y_hat_range)
        return y_hat, self.targets(y, y_hat)

    def targets(self, y, y_hat, what="targets y"):
        """``y`` as an array of ``y_hat``'s shape and dtype, checked (see the module docstring)."""
        where = f"{self.name}: {what}"
        y = real_array(y, where)
        n_out, m = y_hat.shape
        if self.labels and y.ndim == 1 and y.dtype.kind in "iu" and y.shape[0] == m:
            return self._one_hot(y, n_out, y_hat.dtype, what)
        if y.ndim < 2 and y.size in ((m,) if n_out == 1 else ()) + ((n_out,) if m == 1 else ()):
            y = y.reshape(y_hat.shape)
        if y.shape != y_hat.shape:
            labels = (" (class labels: a 1-D integer array of length m)" if self.labels else "")
            raise ShapeError(f"{where} should have shape {y_hat.shape} like the output y_hat"
                             f"{labels}, got shape {y.shape}")
        y = y.astype(y_hat.dtype, copy=False)
        self._in_range(y, what, self.y_range)
        return y

    def _one_hot(self, labels, n_out, dtype, what):
        bad = (labels < 0) | (labels >= n_out)
        if bad.any():
            raise InputError(f"{self.name}: {what} (class labels) should lie in 0..{n_out - 1} "
                             f"(one per output), got {labels[bad][0]} at index "
                             f"{int(np.argmax(bad))}")
        return np.eye(n_out, dtype=dtype)[:, labels]

    def _in_range(self, arr, what, bounds):
        if arr.size == 0:
            raise InputError(f"{self.name}: {what} is an empty batch (shape {arr.shape}); m must "
                             "be at least 1")
        low, high = bounds or (None, None)
        ok = np.isfinite(arr) if bounds is None else (arr >= low) & (arr <= high)  # NaN: False
        if not ok.all():
            first = tuple(int(i) for i in np.argwhere(~ok)[0])
            want = "finite numbers" if bounds is None else f"numbers in [{low}, {high}]"
            hint = {("bce", "y_hat"): " (probabilities, like a sigmoid's outputs)"}
            raise InputError(f"{self.name}: {what} should hold {want}"
                             f"{hint.get((self.name, what), '')}; {int((~ok).sum())} of {arr.size} "
                             f"values are not, the first {arr[first]} at index {first}")

    def __repr__(self):
        return f"Loss({self.name!r})"


# read-only: get_loss hands out these objects, shared by every model
LOSSES = MappingProxyType({
    "mse": Loss("mse", _mse, _mse_grad, r"\tfrac{1}{m}\sum \tfrac12(\hat y - y)^2"),
    "bce": Loss("bce", _bce, _bce_grad, r"-\tfrac1m\sum y\log\hat y + (1-y)\log(1-\hat y)",
                y_hat_range=(0, 1), y_range=(0, 1), logit="sigmoid", logit_f=bce_from_logit,
                logit_df=bce_from_logit_grad),
    "softmax_ce": Loss("softmax_ce", _softmax_ce, _softmax_ce_grad,
                       r"-\tfrac1m\sum y \log \mathrm{softmax}(o)", y_range=(0, 1),
                       labels=True),
})

# the checked functions, by name: ``bce(p, y)`` is ``LOSSES["bce"].value(p, y)``
mse, mse_grad = LOSSES["mse"].value, LOSSES["mse"].grad
bce, bce_grad = LOSSES["bce"].value, LOSSES["bce"].grad
softmax_ce, softmax_ce_grad = LOSSES["softmax_ce"].value, LOSSES["softmax_ce"].grad


def get_loss(name):
    """The loss called ``name`` (a :class:`Loss` is returned unchanged)."""
    if isinstance(name, Loss):
        return name
    return LOSSES[check_name(name, "loss", LOSSES)]
