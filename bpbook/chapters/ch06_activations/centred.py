r"""Why a zero-centred activation helps the layer above it (chapter 06).

A layer $z_{l+1} = W_{l+1} a_l + b_{l+1}$ gets, from one sample, the weight gradient
$\partial L/\partial W_{l+1} = \delta_{l+1} a_l^\top$: row $j$ (the weights of unit $j$) is
$\delta_{l+1,j}\,a_l^\top$. When every input $a_{l,k}$ is positive, as a sigmoid layer's outputs
are, all entries of that row share the sign of $\delta_{l+1,j}$: one step moves all of the unit's
weights up together or down together. Over a batch the rows are sums of such per-sample rows; the
inputs' common positive mean still adds the same amount to every weight of a unit.

- :func:`one_sign_share` measures the first effect (per sample), :func:`common_share` the second
  (per batch); :func:`centring_table` compares sigmoid and tanh inputs under the same error signal.

Shapes (samples are columns): inputs ``a`` ``(n_in, m)``, error signals ``delta`` ``(n_out, m)``.
"""
import numpy as np

from bpbook.activations import get_activation
from bpbook.tables import Table


def _check(a, delta):
    a, delta = np.asarray(a, dtype=float), np.asarray(delta, dtype=float)
    if a.ndim != 2 or delta.ndim != 2 or a.shape[1] != delta.shape[1]:
        raise ValueError(f"expected inputs a (n_in, m) and error signals delta (n_out, m) with "
                         f"the same m, got shapes {a.shape} and {delta.shape}")
    return a, delta


def one_sign_share(a, delta):
    """The share of (unit, sample) pairs whose per-sample weight gradient row
    ``delta[j, i] * a[:, i]`` has all its entries of one sign (all > 0 or all < 0)."""
    a, delta = _check(a, delta)
    rows = delta[:, None, :] * a[None, :, :]  # (n_out, n_in, m): unit, input, sample
    one_sign = np.all(rows > 0, axis=1) | np.all(rows < 0, axis=1)
    return float(one_sign.mean())


def common_share(a, delta):
    r"""For the batch gradient $G = \delta a^\top$, the share of each row's squared norm that lies
    along $(1, \dots, 1)$ (moving all of a unit's weights alike), averaged over the rows. A row
    pointing in a random direction has, on average, the share ``1 / n_in``."""
    a, delta = _check(a, delta)
    G = delta @ a.T
    along = G.sum(axis=1) ** 2 / G.shape[1]
    return float(np.mean(along / np.sum(G ** 2, axis=1)))


def centring_table(names=("sigmoid", "tanh"), n_in=8, n_out=32, m=128, seed=0):
    """Inputs ``a = f(z)`` for ``z ~ N(0, 1)`` of shape ``(n_in, m)``, one random error signal
    ``delta`` ``(n_out, m)`` shared by all ``names``: each activation's mean input and the two
    shares above."""
    rng = np.random.RandomState(seed)
    z, delta = rng.randn(n_in, m), rng.randn(n_out, m)
    rows = []
    for name in names:
        a = get_activation(name).f(z)
        rows.append([name, float(a.mean()), one_sign_share(a, delta), common_share(a, delta)])
    return Table(["inputs from", "mean input", "one-sign rows (per sample)",
                  "share along (1,…,1) (batch)"], rows, [None, "{:+.3f}", "{:.1%}", "{:.1%}"])
