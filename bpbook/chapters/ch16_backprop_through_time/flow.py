r"""The gradient through time: how large $\partial\mathcal L/\partial h_t$ is at every step, and how that
depends on the sequence length and the spectral radius of $W_{hh}$ (chapter 16).

Each step back multiplies the state gradient by $W_{hh}^\top\operatorname{diag}(1-h_t^2)$. With
$W_{hh} = \rho Q$, ``Q`` orthogonal, every eigenvalue of $W_{hh}$ has size $\rho$ and
$\|W_{hh}^\top v\| = \rho\|v\|$ exactly; the tanh slopes are at most 1, so one step back can at
most multiply the gradient's size by $\rho$, and T − 1 steps by $\rho^{T-1}$. :func:`probe`
builds such an RNN (``hidden`` units, seeded) and measures, for the memory task's sequences
scaled by ``input_scale``, the norm of $\partial\mathcal L/\partial h_t$ (over units and samples) for a
loss on the last state, $\mathcal L = \frac1m\sum_k u^\top h_T^{(k)}$ with a fixed unit vector ``u``.

Arrays: per-step norms ``(T,)``, index 0 is step 1.
"""
from dataclasses import dataclass

import numpy as np

from bpbook.chapters.ch16_backprop_through_time.task import forward, memory_task
from bpbook.rnn import RNN
from bpbook.tables import Table

PROBE_HIDDEN, PROBE_M, PROBE_SEED = 16, 64, 1


def orthogonal(n, seed=PROBE_SEED):
    """A random ``(n, n)`` orthogonal matrix (the Q of a QR factorisation, signs fixed)."""
    q, r = np.linalg.qr(np.random.RandomState(seed).randn(n, n))
    return q * np.sign(np.diag(r))


def step_norms(rnn, dH):
    """``‖∂ℒ/∂h_t‖`` for t = 1..T (over units and samples) after a backward from ``dH``; the
    layer's parameter gradients are left as they were."""
    saved = [g.copy() for _, _, g in rnn.params()]
    rnn.backward(dH)
    for (_, _, g), old in zip(rnn.params(), saved):
        g[...] = old
    return np.linalg.norm(rnn.dh, axis=(0, 2))


def last_state_gradient(H, seed=PROBE_SEED):
    """``dH`` for $\\mathcal L = \\frac1m\\sum_k u^\\top h_T^{(k)}$, ``u`` a seeded unit vector."""
    u = np.random.RandomState(seed + 1).randn(H.shape[0], 1)
    dH = np.zeros_like(H)
    dH[:, -1] = u / np.linalg.norm(u) / H.shape[2]
    return dH


def loss_step_norms(rnn, readout, X, Y):
    """``‖∂ℒ/∂h_t‖`` for the memory task's ½-MSE through the (linear) readout on h_T; no
    gradient is accumulated anywhere."""
    y_hat = forward(rnn, readout, X)
    dH = np.zeros_like(rnn.H)
    dH[:, -1] = readout.W.T @ ((y_hat - Y) / Y.shape[1])
    return step_norms(rnn, dH)


@dataclass
class Probe:
    rho: float
    T: int
    input_scale: float
    norms: np.ndarray  # (T,) ‖∂ℒ/∂h_t‖
    slope: float  # the mean tanh slope 1 − h_t² over every state

    @property
    def ratio(self):
        """‖∂ℒ/∂h_1‖ / ‖∂ℒ/∂h_T‖: how much of the gradient reaches the first step."""
        return float(self.norms[0] / self.norms[-1])

    @property
    def bound(self):
        """ρ^(T−1), the most T − 1 steps back can multiply the gradient's size by."""
        return float(self.rho ** (self.T - 1))


def probe(rho, T, input_scale=1.0, hidden=PROBE_HIDDEN, m=PROBE_M, seed=PROBE_SEED):
    """Per-step gradient norms of an RNN with $W_{hh} = \\rho Q$ on ``m`` task sequences of
    length ``T`` scaled by ``input_scale``."""
    rnn = RNN(1, hidden, W_hh=rho * orthogonal(hidden, seed), b=np.zeros(hidden),
              rng=np.random.RandomState(seed))
    X, _ = memory_task(T, m, seed)
    H = rnn.forward(input_scale * X)
    norms = step_norms(rnn, last_state_gradient(H, seed))
    return Probe(float(rho), int(T), float(input_scale), norms, float(rnn.slope.mean()))


def ratio_table(rhos, lengths, input_scale):
    """‖∂ℒ/∂h_1‖/‖∂ℒ/∂h_T‖ for each spectral radius (rows) and sequence length (columns), each
    beside its bound ρ^(T−1)."""
    columns = ["ρ"] + [c for t in lengths for c in (f"T = {t}", f"ρ^{t - 1}")]
    rows = []
    for rho in rhos:
        probes = [probe(rho, t, input_scale) for t in lengths]
        rows.append([rho] + [v for p in probes for v in (p.ratio, p.bound)])
    return Table(columns, rows, ["{:g}"] + ["{:.1e}"] * (2 * len(lengths)))


def growth(table):
    """``{(ρ, T): ratio}`` read back from a :func:`ratio_table`."""
    lengths = [int(c.split("= ")[1]) for c in table.columns if c.startswith("T = ")]
    return {(r[0], t): r[1 + 2 * i] for r in table.rows for i, t in enumerate(lengths)}
