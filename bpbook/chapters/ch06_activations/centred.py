r"""Why a zero-centred activation helps the layer above it (chapter 06).

A layer $z_{l+1} = W_{l+1} a_l + b_{l+1}$ gets, from one sample, the weight gradient
$\partial\mathcal L/\partial W_{l+1} = \delta_{l+1} a_l^\top$: row $j$ (the weights of unit $j$) is
$\delta_{l+1,j}\,a_l^\top$. When every input $a_{l,k}$ is positive, as a sigmoid layer's outputs
are, all entries of that row share the sign of $\delta_{l+1,j}$: one step moves all of the unit's
weights up together or down together. Over a batch the rows are sums of such per-sample rows; the
inputs' common positive mean still adds the same amount to every weight of a unit.

Both make gradient descent slow: for a linear unit fitted to such inputs, the shared mean makes
the direction $(1, \dots, 1)$ far more curved than the others (a large condition number of
$A A^\top/m$), so the step that is safe along it crawls along the rest.

- :func:`one_sign_share` measures the first effect (per sample), :func:`common_share` the second
  (per batch); :func:`centring_table` compares the inputs of :data:`INPUTS` (sigmoid,
  sigmoid − ½, tanh) under the same error signal;
- :func:`steps_to_fit` counts gradient-descent steps for a linear unit, :func:`speed_table`
  compares the same inputs by it.

Shapes (samples are columns): inputs ``a`` ``(n_in, m)``, error signals ``delta`` ``(n_out, m)``.
"""
import numpy as np

from bpbook.activations import sigmoid
from bpbook.errors import InputError, ShapeError, check_data, real_array
from bpbook.tables import Table

# The inputs compared: a sigmoid layer's outputs, the same shifted down by ½ (same spread, no
# mean: it isolates the mean's effect), and a tanh layer's outputs.
INPUTS = {"sigmoid": sigmoid, "sigmoid − ½": lambda z: sigmoid(z) - 0.5, "tanh": np.tanh}


def _check(a, delta):
    a, delta = real_array(a, "inputs a", float), real_array(delta, "error signals delta", float)
    if a.ndim != 2 or delta.ndim != 2 or a.shape[1] != delta.shape[1]:
        raise ShapeError(f"expected inputs a (n_in, m) and error signals delta (n_out, m) with "
                         f"the same m, got shapes {a.shape} and {delta.shape}")
    check_data(a, "inputs a")
    check_data(delta, "error signals delta")
    return a, delta


def one_sign_share(a, delta):
    """The share of (unit, sample) pairs whose per-sample weight gradient row
    ``delta[j, i] * a[:, i]`` has all its entries of one sign (all > 0 or all < 0)."""
    a, delta = _check(a, delta)
    rows = delta[:, None, :] * a[None, :, :]  # (n_out, n_in, m): unit, input, sample
    one_sign = np.all(rows > 0, axis=1) | np.all(rows < 0, axis=1)
    return float(one_sign.mean())


def common_share(a, delta):
    r"""For the batch gradient $G = \Delta A^\top$ (``delta @ a.T``), the share of each row's
    squared norm that lies along $(1, \dots, 1)$ (moving all of a unit's weights alike), averaged
    over the rows. A row pointing in a random direction has, on average, the share ``1 / n_in``."""
    a, delta = _check(a, delta)
    G = delta @ a.T
    along = G.sum(axis=1) ** 2 / G.shape[1]
    return float(np.mean(along / np.sum(G ** 2, axis=1)))


def steps_to_fit(a, w, tol=1e-3, max_steps=100_000):
    r"""Fit a linear unit $\hat y = v a$ (no bias) to the targets $y = w a$ by full-batch gradient
    descent on $\frac{1}{2m}\lVert v a - y\rVert^2$, from $v = 0$, with the step
    $\eta = 1/\lambda_{\max}$ of the loss's curvature $C = A A^\top/m$.

    Returns ``(condition, steps)``: $\lambda_{\max}/\lambda_{\min}$ of $C$, and the number of steps
    until $\lVert v - w\rVert \le$ ``tol`` $\lVert w\rVert$ (``None`` if not within ``max_steps``).
    ``a`` ``(n_in, m)``, ``w`` ``(1, n_in)``.
    """
    a, w = real_array(a, "inputs a", float), real_array(w, "target weights w", float)
    if a.ndim != 2 or w.shape != (1, a.shape[0]):
        raise ShapeError(f"expected inputs a (n_in, m) and weights w (1, n_in), got shapes "
                         f"{a.shape} and {w.shape}")
    check_data(a, "inputs a")
    check_data(w, "target weights w")
    m = a.shape[1]
    curvature = np.linalg.eigvalsh(a @ a.T / m)
    if curvature[-1] <= 0:
        raise InputError("steps_to_fit: the inputs a are all zero, so the loss is flat and "
                         "there is nothing to fit")
    # a flat direction (λ_min = 0, e.g. fewer samples than inputs) has an infinite condition
    condition = float(curvature[-1] / curvature[0]) if curvature[0] > 0 else float("inf")
    lr, y, v = 1 / curvature[-1], w @ a, np.zeros_like(w)
    for step in range(1, max_steps + 1):
        v -= lr * ((v @ a - y) @ a.T / m)
        if np.linalg.norm(v - w) <= tol * np.linalg.norm(w):
            return condition, step
    return condition, None


def speed_table(n_in=8, m=128, tol=1e-3, seed=0):
    """For each of :data:`INPUTS`, inputs ``a = f(z)`` with ``z ~ N(0, 1)`` ``(n_in, m)`` and one
    random target weight vector shared by all: the condition number and the steps of
    :func:`steps_to_fit`."""
    rng = np.random.RandomState(seed)
    z, w = rng.randn(n_in, m), rng.randn(1, n_in)
    rows = [[name, *steps_to_fit(f(z), w, tol)] for name, f in INPUTS.items()]
    return Table(["inputs from", "condition number of AAᵀ/m", "steps to fit"], rows,
                 [None, "{:.1f}", None])


def centring_table(n_in=8, n_out=32, m=128, seed=0):
    """For each of :data:`INPUTS`, inputs ``a = f(z)`` with ``z ~ N(0, 1)`` ``(n_in, m)`` and one
    random error signal ``delta`` ``(n_out, m)`` shared by all: the mean input and the two shares
    above."""
    rng = np.random.RandomState(seed)
    z, delta = rng.randn(n_in, m), rng.randn(n_out, m)
    rows = []
    for name, f in INPUTS.items():
        a = f(z)
        rows.append([name, float(a.mean()), one_sign_share(a, delta), common_share(a, delta)])
    return Table(["inputs from", "mean input", "one-sign rows (per sample)",
                  "share along (1,…,1) (batch)"], rows, [None, "{:+.3f}", "{:.1%}", "{:.1%}"])
