r"""Gradient checking: central differences against the gradients backprop computed, and one rule
that says whether they agree.

For an entry $\theta_i$ of a parameter, with every other entry held fixed,

$$\hat g_i = \frac{\mathcal L(\theta_i+\varepsilon)-\mathcal L(\theta_i-\varepsilon)}{2\varepsilon},$$

two forward passes per entry. $\hat g_i$ is not the derivative $g_i$: it is off by

- **truncation**, $\frac{\varepsilon^2}{6}\mathcal L'''$, from the Taylor series (the
  $\varepsilon^2$ terms cancel in the symmetric difference, the cubic ones do not);
- **rounding**: each loss is computed with an error of a few $u$ (float64's
  $u = 2^{-52} \approx 2.2\times10^{-16}$) times the size $S$ of the numbers it is computed
  from, so the difference of two losses carries about $uS$ and $\hat g_i$ about
  $uS/\varepsilon$, however large or small $g_i$ is. Often $S$ is about $|\mathcal L|$, but a
  loss can be the small difference of large numbers: the cross-entropy of a network sure of its
  answers, $\log\sum_k e^{o_k} - o_c$, is tiny while its logits $o$ are of size 10. So
  :func:`gradcheck` takes $S = |\mathcal L| + \overline{\sum_k |a_{L,k}|}$: the loss plus the
  mean over the samples of the outputs' total size (the logits, for ``softmax_ce``).

The first grows with ε, the second shrinks; their sum is smallest near $\varepsilon = u^{1/3}$
(about 6e-6). The default ε = 1e-5 sits there. Taking $|\mathcal L'''| \lesssim S$ as the
scale (true for inputs and weights of order one), the error any correct gradient may carry is

$$\nu = S\,\Big(\frac{u}{\varepsilon} + \frac{\varepsilon^2}{6}\Big).$$

**The rule.** Each entry's error is judged relative to its size, with a floor:

$$e_i = \frac{|g_i-\hat g_i|}{\max(|g_i|+|\hat g_i|,\ \varphi)},\qquad
\varphi = \frac{C\,\nu}{\tau},\qquad \text{passed} \iff \max_i e_i \le \tau,$$

with $\tau = 10^{-5}$ (``TOL``) and the safety factor $C = 10$ (``NOISE_FACTOR``). Correct
float64 gradients of networks with inputs and weights of order one stay below 1e-6; the
bugs backprop code is prone to (a missing $f'$, $W$ where $W^\top$ belongs, a dropped
$1/m$, a flipped sign) give 1e-3 to 1. τ sits between them with room on both sides: the rest
of the room above 1e-6 is for truncation, $\varepsilon^2|\mathcal L'''|/6|g_i|$, which grows
when inputs or weights are large (tests/test_gradcheck.py holds both claims).

- For a gradient above the floor, $e_i$ is a relative error, at most 1 (a sign flip gives exactly
  1, a dropped factor $1/m$ gives $(m-1)/(m+1)$): large and small gradients are held to the same
  five digits. A pure absolute error would wave through a wrong gradient of size 1e-9 beside a
  loss of size 1 and fail a right one of size 1e4.
- Below the floor, where $|g_i|$ is too small for the central difference to measure to relative
  accuracy τ, $e_i \le \tau$ means $|g_i-\hat g_i| \le C\nu$: agreement within the noise. A
  pure relative error would fail a correct gradient of 1e-9 whose central difference carries
  1e-11 of rounding (relative 1e-2), which is what makes a fixed threshold like "1e-7 relative"
  fail correct networks.
- The floor scales with $S$ and with ε, so a loss of 300 (a saturated BCE), a tiny loss from
  large logits (a confident cross-entropy) or a coarse ε = 1e-3 gets the slack its central
  differences need, and no more.

**Kinks.** Where the check of an entry moves a ReLU's (or Leaky ReLU's) pre-activation across 0,
$\mathcal L$ is not differentiable between $\theta_i \pm \varepsilon$ and $\hat g_i$ mixes two slopes: its
error says nothing about backprop. :func:`gradcheck` watches the sign of every such
pre-activation in both forward passes, marks the entries whose check straddles a kink, and leaves
them out of ``max_rel_error`` and :meth:`GradCheck.passed` (they are still in the table).

**float64.** In float32 ($u \approx 1.2\times10^{-7}$) the best central difference has about
$u^{2/3} \approx 2\times10^{-5}$ relative error, too coarse to tell a small bug from noise.
:func:`gradcheck` on a float32 model therefore checks a float64 copy of it (same weights, same
data), and its result says so in ``note``.

Arrays: a parameter and its gradient have the same shape; rows of :attr:`GradCheck.rows` are
``(parameter, index, backprop, finite difference, error)``, and :attr:`GradCheck.kinked` says
row by row whether that entry's check straddled a kink.
"""
import copy

import numpy as np

from bpbook.errors import InputError, InputTypeError, count, real_number
from bpbook.losses import get_loss
from bpbook.model import Sequential
from bpbook.tables import Table

EPS = 1e-5
MAX_EPS = 1.0
TOL = 1e-5
NOISE_FACTOR = 10.0
U = float(np.finfo(np.float64).eps)
KINKED = ("relu", "leaky_relu")  # activations whose slope jumps at z = 0
FLOAT64_NOTE = ("checked on a float64 copy of this {dtype} model: finite differences need "
                "float64's precision")


def numeric_grad(f, x, eps=EPS):
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


def central_difference_error(scale, eps, u=U):
    r"""$\nu = S(u/\varepsilon + \varepsilon^2/6)$: the error a central difference of step
    ``eps`` may carry for a loss computed from numbers of size ``scale`` $= S$ (rounding plus
    truncation)."""
    return abs(float(scale)) * (u / eps + eps ** 2 / 6)


def error_floor(scale, eps=EPS, tol=TOL):
    """The rule's floor $\\varphi = C\\nu/\\tau$: below it a gradient is judged by its absolute
    error."""
    return NOISE_FACTOR * central_difference_error(scale, eps) / tol


def rel_error(a, b, floor=0.0):
    """Elementwise ``|a − b| / max(|a| + |b|, floor)`` (0 where ``a == b``): the rule's error,
    at most 1 above the floor. For central differences take ``floor`` from :func:`error_floor`."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = np.abs(a - b)
    scale = np.maximum(np.abs(a) + np.abs(b), floor)
    return np.divide(diff, scale, out=np.zeros_like(diff), where=diff > 0)


class GradCheck:
    r"""The result of :func:`gradcheck`: one row per checked entry, the rule's numbers, a verdict.

    ``max_rel_error`` is the largest error $e_i$ of the entries whose check did not straddle a
    kink (``kinked[k]`` is True for row ``k`` if it did; ``kinks`` counts them); ``floor`` is
    the rule's $\varphi$, ``loss`` the loss at the checked point, ``scale`` the size $S$ of
    the numbers it is computed from ($|\mathcal L|$ unless given), ``evaluations`` the number of
    forward passes the central differences took.
    """

    def __init__(self, rows, loss, eps, note="", evaluations=0, kinked=None, scale=None):
        self.rows, self.loss, self.eps, self.note = rows, float(loss), float(eps), note
        self.kinked = list(kinked) if kinked is not None else [False] * len(rows)
        self.scale = abs(self.loss) if scale is None else float(scale)
        self.floor = error_floor(self.scale, self.eps)
        self.evaluations = evaluations
        self.kinks = sum(self.kinked)
        self.max_rel_error = max((r[4] for r, k in zip(rows, self.kinked) if not k),
                                 default=0.0)

    @property
    def table(self):
        rows = [tuple(r) + ("straddles a kink" if k else "",)
                for r, k in zip(self.rows, self.kinked)]
        return Table(["parameter", "index", "backprop", "finite difference", "error", "note"],
                     rows, formats=[None, None, "{:.10f}", "{:.10f}", "{:.1e}", None],
                     caption=self.note or None)

    def passed(self, tol=TOL):
        """``max_rel_error <= tol``: the rule (module docstring). A looser ``tol`` loosens the
        relative and the absolute part alike."""
        return self.max_rel_error <= tol

    def verdict(self, tol=TOL):
        """The rule's verdict in one sentence."""
        kinks = (f"; {self.kinks} entries straddled a ReLU kink and are not judged"
                 if self.kinks else "")
        word = "passed" if self.passed(tol) else "FAILED"
        return (f"{len(self.rows)} entries checked: largest error {self.max_rel_error:.1e} "
                f"against the tolerance {tol:.0e} (floor {self.floor:.1e}){kinks}: {word}")

    def _repr_html_(self):
        return self.table._repr_html_()

    def __repr__(self):
        note = f", note={self.note!r}" if self.note else ""
        return (f"GradCheck(max_rel_error={self.max_rel_error:.2e}, entries={len(self.rows)}, "
                f"kinks={self.kinks}{note})")


def _as_float64(value):
    """``value`` moved to float64 if it is a float array or a float dtype; else itself."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(np.float64)
    if isinstance(value, np.dtype) and value.kind == "f":
        return np.dtype(np.float64)
    if isinstance(value, type) and issubclass(value, np.floating):
        return np.float64
    return value


def float64_copy(model):
    """A deep copy of ``model`` whose layers hold every float array (and dtype) in float64."""
    twin = copy.deepcopy(model)
    for layer in twin.layers:
        for obj in (layer, getattr(layer, "dense", None)):
            for attr, value in list(vars(obj).items()) if obj is not None else ():
                setattr(obj, attr, _as_float64(value))
    return twin


def _needs_float64(model):
    """True unless every parameter is float64: ``model.dtype`` reads only the first one, which
    may be a float64 BatchNorm in front of float32 Dense layers."""
    return model.dtype != np.float64 or any(v.dtype != np.float64
                                            for _, v, _ in model.parameters())


def _kink_signs(model):
    """The sign pattern of every pre-activation that feeds a ReLU-like activation."""
    return [layer.z > 0 for layer in model.layers
            if getattr(getattr(layer, "f", None), "name", None) in KINKED
            and getattr(layer, "z", None) is not None]


def _entries(value, sample, rng):
    """The indices of ``value`` to check: all, or ``sample`` of them drawn by ``rng``."""
    if sample is None or sample >= value.size:
        return list(np.ndindex(value.shape))
    flat = np.sort(rng.choice(value.size, sample, replace=False))
    return [tuple(int(k) for k in np.unravel_index(i, value.shape)) for i in flat]


def _settings(eps, sample, seed):
    """``eps``, ``sample`` and ``seed`` checked."""
    # a step beyond 1 measures nothing (its truncation error is the size of the loss itself)
    eps = real_number(eps, "gradcheck: eps", low=0.0, low_open=True, high=MAX_EPS)
    if sample is not None:
        sample = count(sample, "gradcheck: sample", low=1)
    return eps, sample, count(seed, "gradcheck: seed", low=0, high=2**32 - 1)


def _labels(model):
    """One label per parameter, in ``model.parameters()`` order: its name, with the layer's
    position added when two parameters share a name (two ``Dense`` layers left unnamed)."""
    found = [(i, name) for i, layer in enumerate(model.layers) for name, _, _ in layer.params()]
    names = [name for _, name in found]
    return [name if names.count(name) == 1 else f"{name} (layers[{i}])" for i, name in found]


def gradcheck(model, X, Y, loss="mse", eps=EPS, sample=None, seed=0):
    """Compare ``model``'s backprop gradients with central differences, entry by entry, and judge
    them by the rule of the module docstring (:meth:`GradCheck.passed`).

    Every entry of every parameter is checked, or, with ``sample=k``, ``k`` entries of each
    parameter drawn at random (``seed``): two forward passes per entry, so a large network is
    checked on a sample. Parameters are told apart by position, not by name. The model's
    accumulated gradients are replaced by those of this one batch. A float32 model is checked on
    a float64 copy.
    """
    if not isinstance(model, Sequential):
        raise InputTypeError(f"gradcheck: model should be a Sequential (e.g. mlp([2, 3, 1])), "
                             f"got {type(model).__name__}")
    eps, sample, seed = _settings(eps, sample, seed)
    loss = get_loss(loss)
    model.zero_grad()
    model.forward_backward(X, Y, loss)
    note = ""
    if _needs_float64(model):
        note = FLOAT64_NOTE.format(dtype=np.dtype(min(
            (v.dtype for _, v, _ in model.parameters()), key=lambda d: d.itemsize)).name)
        model = float64_copy(model)
        model.zero_grad()
        model.forward_backward(X, Y, loss)
        if _needs_float64(model) or model.y_hat.dtype != np.float64:
            raise InputError("gradcheck: finite differences need float64, and this model's "
                             "layers could not be copied to float64; build it with "
                             "dtype=np.float64")
    params = [(label, value, grad) for label, (_, value, grad)
              in zip(_labels(model), model.parameters())]
    batch = model._prepare(X, Y, loss, model.y_hat)  # checked once, for two passes per entry
    return check_gradients(lambda: model._step(*batch, backward=False), params, eps, sample, seed,
                           signs=lambda: _kink_signs(model), note=note,
                           scale=lambda value: abs(value) + _output_size(model))


def _output_size(model):
    r"""The mean over the samples of $\sum_k |a_{L,k}|$ in the forward pass just run: the size of
    the outputs the loss is computed from."""
    return float(np.abs(model.y_hat).sum(axis=0).mean())


def check_gradients(f, params, eps=EPS, sample=None, seed=0, signs=None, note="", scale=None):
    r"""The rule applied to any scalar function ``f()`` of the arrays in ``params``, a list of
    ``(label, value, grad)``: ``value`` is changed in place (and restored) by ±``eps`` entry by
    entry, ``grad`` is the gradient to judge. ``signs()``, if given, returns the sign patterns
    whose change between the two passes marks a kink. ``scale(value)``, if given, returns the
    size $S$ of the numbers the loss ``value`` was computed from; it is called right after
    ``f()`` at the checked point (default: $|\mathcal L|$). Returns a :class:`GradCheck`."""
    eps, sample, seed = _settings(eps, sample, seed)
    rng = np.random.RandomState(seed)
    value = float(f())
    size = abs(value) if scale is None else float(scale(value))
    floor = error_floor(size, eps)
    rows, kinked, evaluations = [], [], 0
    for label, theta, grad in params:
        for i in _entries(theta, sample, rng):
            old = theta[i]
            theta[i] = old + eps
            up, up_signs = f(), signs() if signs else []
            theta[i] = old - eps
            down, down_signs = f(), signs() if signs else []
            theta[i] = old
            evaluations += 2
            g, g_hat = float(grad[i]), float((up - down) / (2 * eps))
            kinked.append(any(np.any(a != b) for a, b in zip(up_signs, down_signs)))
            rows.append((label, i, g, g_hat, float(rel_error(g, g_hat, floor))))
    return GradCheck(rows, value, eps, note, evaluations, kinked, size)
