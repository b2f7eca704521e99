r"""Deep square networks probed layer by layer: how the mean square of $z_l$ and of $\delta_l$
changes from layer to layer, measured, beside what :mod:`.derive` predicts.

A network here is ``depth`` layers $z_l = W_l a_{l-1}$, $a_l = f(z_l)$ of ``width`` units, no
biases, $a_0 = X$ of shape ``(width, m)`` with standard normal entries (samples are columns).
$W_l$ is ``gain``·$\sqrt{\mathrm{BASE}/n}$ times a standard normal ``(width, width)`` matrix,
drawn once per seed (:func:`standard_weights`), so that networks of one seed differ only by a
factor. The backward pass starts from $\partial\mathcal L/\partial a_L = G$, a standard normal
``(width, m)`` (the loss $\mathcal L = \sum G \odot a_L$, a random linear readout), and runs
$\delta_l = (W_{l+1}^\top\delta_{l+1}) \odot f'(z_l)$.

"Variance" of a layer is the mean of the squares of its ``width × m`` entries: $z$ and $\delta$
have mean 0 over the weights' draws, and the derivation is about $\mathbb E[z^2]$.
"""
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from threadpoolctl import threadpool_limits

from bpbook.activations import get_activation
from bpbook.chapters.ch09_initialisation.derive import (BASE, backward_factor, forward_factor,
                                                        predicted_profile)
from bpbook.errors import check_name, count, real_number
from bpbook.tables import Table

DEPTH, WIDTH, M, SEED = 20, 256, 256, 0  # the chapter's networks
GAINS = (0.8, 1.0, 1.25)
BANK = 30  # weight matrices drawn per seed at least, so that depths up to it share their layers


def standard_weights(depth, width, m, seed):
    """``(Z, X, G)``: ``depth`` standard normal ``(width, width)`` matrices, the input and the
    upstream gradient, both ``(width, m)``, from one seed. Layer l is the same matrix in a network
    of any depth. Read only."""
    Z, X, G = _bank(max(depth, BANK), width, m, seed)
    return Z[:depth], X, G


@lru_cache(maxsize=4)
def _bank(depth, width, m, seed):
    rng = np.random.default_rng(seed)
    X, G = rng.standard_normal((width, m)), rng.standard_normal((width, m))
    Z = rng.standard_normal((depth, width, width))
    for a in (Z, X, G):
        a.setflags(write=False)
    return Z, X, G


def propagate(Ws, X, G, activation):
    """Forward through the layers ``Ws``, then backward from ∂ℒ/∂a_L = ``G``: the lists
    ``zs`` and ``deltas`` (layer 1 first)."""
    f = get_activation(activation)
    zs, a = [], X
    for W in Ws:
        zs.append(W @ a)
        a = f.f(zs[-1])
    deltas = [G * f.df(zs[-1])]  # δ_L = ∂ℒ/∂a_L ⊙ f′(z_L)
    for W, z in zip(Ws[:0:-1], zs[-2::-1]):
        deltas.append((W.T @ deltas[-1]) * f.df(z))  # δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ f′(z_l)
    return zs, deltas[::-1]


def mean_squares(arrays):
    """The mean of the squares of each array's entries (a dot product: no squared copy)."""
    return np.array([float(a.ravel() @ a.ravel()) / a.size for a in arrays])


@dataclass
class Probe:
    activation: str
    gain: float
    width: int
    q: np.ndarray  # (depth,) measured Var(z_l), l = 1..depth
    v: np.ndarray  # (depth,) measured Var(δ_l)
    forward: np.ndarray  # (depth − 1,) measured Var(z_l)/Var(z_{l−1}), l = 2..depth
    backward: np.ndarray  # (depth − 1,) measured Var(δ_l)/Var(δ_{l+1}), l = 1..depth − 1
    forward_predicted: np.ndarray  # ns² E[f(z)²]/Var(z) at the measured Var(z_{l−1})
    backward_predicted: np.ndarray  # ns² E[f′(z)²] at the measured Var(z_l)
    theory_q: np.ndarray  # (depth,) Var(z_l) by the theory alone, from the input
    theory_v: np.ndarray  # (depth,) Var(δ_l) by the theory alone

    @property
    def depth(self):
        return len(self.q)

    @property
    def n_sigma2(self):
        return self.gain ** 2 * BASE[self.activation]

    @staticmethod
    def per_layer(ratios):
        """The geometric mean of per-layer ratios: the steady factor with the same product."""
        return float(np.exp(np.mean(np.log(ratios))))


def probe(activation, gain=1.0, depth=DEPTH, width=WIDTH, m=M, seed=SEED):
    """Measure one network (module docstring) and put the theory beside it."""
    check_name(activation, "activation", tuple(BASE))
    gain = real_number(gain, "gain", low=0.0, low_open=True)
    depth = count(depth, "depth", low=2)
    width = count(width, "width", low=1)
    Z, X, G = standard_weights(depth, width, count(m, "m", low=1), seed)
    std = gain * np.sqrt(BASE[activation] / width)
    with threadpool_limits(limits=1, user_api="blas"):  # small matrices: one thread is faster
        zs, deltas = propagate([std * Zl for Zl in Z], X, G, activation)
    q, v = mean_squares(zs), mean_squares(deltas)
    n_sigma2 = gain ** 2 * BASE[activation]
    theory_q, theory_v = predicted_profile(activation, gain, depth, np.mean(X ** 2),
                                           np.mean(G ** 2))
    return Probe(activation, gain, width, q, v, q[1:] / q[:-1], v[:-1] / v[1:],
                 forward_factor(activation, n_sigma2, q[:-1]),
                 backward_factor(activation, n_sigma2, q[:-1]), theory_q, theory_v)


def largest_gap(probes):
    """The largest |measured / predicted − 1| of the per-layer ratios, forward and backward."""
    gap = lambda a, b: max(float(np.max(np.abs(x / y - 1))) for x, y in zip(a, b))  # noqa: E731
    return (gap([p.forward for p in probes], [p.forward_predicted for p in probes]),
            gap([p.backward for p in probes], [p.backward_predicted for p in probes]))


def summary_table(probes):
    """One row per network: its ends and its per-layer factors, measured and predicted."""
    rows = [[p.activation, p.gain, p.n_sigma2, p.q[0], p.q[-1], Probe.per_layer(p.forward),
             Probe.per_layer(p.forward_predicted), p.v[-1], p.v[0], Probe.per_layer(p.backward),
             Probe.per_layer(p.backward_predicted)] for p in probes]
    return Table(["activation", "gain g", "ns²", "Var(z₁)", "Var(z_L)", "forward ×/layer",
                  "predicted", "Var(δ_L)", "Var(δ₁)", "backward ×/layer", "predicted"], rows,
                 [None, "{:g}", "{:g}", "{:.3g}", "{:.3g}", "{:.4f}", "{:.4f}", "{:.3g}",
                  "{:.3g}", "{:.4f}", "{:.4f}"])


def layer_table(p, every=1):
    """Layer by layer for one network: the measured ratio into layer l beside the predicted
    factor, forward (l = 2..L) and backward (l = 1..L−1), every ``every``-th layer."""
    rows = []
    for l in range(1, p.depth + 1, every):
        fwd = [p.forward[l - 2], p.forward_predicted[l - 2]] if l > 1 else ["", ""]
        bwd = [p.backward[l - 1], p.backward_predicted[l - 1]] if l < p.depth else ["", ""]
        rows.append([l, p.q[l - 1], *fwd, p.v[l - 1], *bwd])
    return Table(["layer l", "Var(z_l)", "Var(z_l)/Var(z_{l−1})", "predicted", "Var(δ_l)",
                  "Var(δ_l)/Var(δ_{l+1})", "predicted"], rows,
                 [None, "{:.4g}", "{:.4f}", "{:.4f}", "{:.4g}", "{:.4f}", "{:.4f}"])
