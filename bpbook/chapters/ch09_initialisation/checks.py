"""The chapter's checks: the variance formulas of :mod:`.derive` against Monte Carlo averages
(:func:`monte_carlo`, with their standard errors), and :func:`.probe.propagate`'s backward pass
against ``torch.autograd`` (:func:`against_torch`).

Shapes as in :mod:`.probe`: weights ``(width, width)``, activations and δ ``(width, m)``.
"""
import numpy as np

from bpbook.chapters.ch09_initialisation.derive import BASE, moments
from bpbook.chapters.ch09_initialisation.probe import propagate, standard_weights
from bpbook.tables import Table


def _relu(x):
    return np.maximum(x, 0.0)


def samples(n_draws, seed=0, relu_q=2.25, q=1.0, n=64, w_std=0.1):
    """``{quantity: (formula's value, Monte Carlo samples)}``: each formula of the chapter beside
    ``n_draws`` independent draws of the random quantity whose mean it claims to be. ``relu_q``:
    the variance of z for ReLU's moments; ``q``: the variance of z for tanh's; ``n``,
    ``w_std``: one layer's fan-in and weight standard deviation."""
    rng = np.random.default_rng(seed)
    z_relu = np.sqrt(relu_q) * rng.standard_normal(n_draws)
    z_tanh = np.sqrt(q) * rng.standard_normal(n_draws)
    tanh2, tanh_slope2 = moments("tanh", q)
    # one unit of a layer z = Σ_j W_j a_j, a fresh layer and input per draw, a_j = relu(N(0, 1))
    W = w_std * rng.standard_normal((n_draws, n))
    a = _relu(rng.standard_normal((n_draws, n)))
    # one unit of Wᵀδ_next ⊙ relu′(z), δ_next ~ N(0, 1) and z ~ N(0, 1) independent of W
    delta, z_below = rng.standard_normal((n_draws, n)), rng.standard_normal(n_draws)
    back = (W * delta).sum(axis=1) * (z_below > 0)
    return {
        f"E[relu(z)²], z ~ N(0, {relu_q:g}): q/2": (relu_q / 2, _relu(z_relu) ** 2),
        f"E[relu′(z)²], z ~ N(0, {relu_q:g}): 1/2": (0.5, (z_relu > 0).astype(float)),
        f"E[tanh(z)²], z ~ N(0, {q:g}): by quadrature": (tanh2, np.tanh(z_tanh) ** 2),
        f"E[tanh′(z)²], z ~ N(0, {q:g}): by quadrature": (tanh_slope2,
                                                         (1 - np.tanh(z_tanh) ** 2) ** 2),
        f"Var(z), z = Σ W_j a_j, a = relu(N(0, 1)): n s² E[a²] = n s²/2 (n = {n})":
            (n * w_std ** 2 / 2, (W * a).sum(axis=1) ** 2),
        f"Var(δ), δ = (Wᵀδ_next) ⊙ relu′: n s² · ½ · Var(δ_next) (n = {n})":
            (n * w_std ** 2 / 2, back ** 2),
    }


def monte_carlo(n_draws=100_000, seed=0, **settings):
    """A Table: each formula, the Monte Carlo mean, its standard error and the distance between
    them in standard errors; and that largest distance."""
    rows = []
    for what, (formula, x) in samples(n_draws, seed, **settings).items():
        mean, se = float(np.mean(x)), float(np.std(x, ddof=1) / np.sqrt(len(x)))
        rows.append([what, formula, mean, se, (mean - formula) / se])
    table = Table(["quantity and formula", "formula", "Monte Carlo", "standard error",
                   "difference / s.e."], rows, [None, "{:.5f}", "{:.5f}", "{:.1e}", "{:+.2f}"])
    return table, max(abs(r[-1]) for r in rows)


def against_torch(activation, gain=1.0, depth=8, width=64, m=32, seed=1):
    """:func:`.probe.propagate`'s ``zs`` and ``deltas`` for one network beside torch's: the
    same forward pass in torch, ``loss = Σ G ⊙ a_L`` differentiated by autograd, each ∂ℒ/∂z_l
    kept with ``retain_grad``. A Table (layer, largest |difference| of z and of δ, the size of
    δ) and the largest relative difference."""
    import torch

    Z, X, G = standard_weights(depth, width, m, seed)
    Ws = [gain * np.sqrt(BASE[activation] / width) * Zl for Zl in Z]
    zs, deltas = propagate(Ws, X, G, activation)
    f = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid}[activation]
    a, tz = torch.tensor(X, requires_grad=True), []
    for W in Ws:
        tz.append(torch.from_numpy(W) @ a)
        tz[-1].retain_grad()
        a = f(tz[-1])
    (torch.tensor(G) * a).sum().backward()
    rows = []
    for l, (z, d, t) in enumerate(zip(zs, deltas, tz), start=1):
        rows.append([l, float(np.max(np.abs(z - t.detach().numpy()))),
                     float(np.max(np.abs(d - t.grad.numpy()))), float(np.max(np.abs(d)))])
    table = Table(["layer l", "max |z − torch|", "max |δ − torch|", "max |δ|"], rows,
                  [None, "{:.1e}", "{:.1e}", "{:.3g}"])
    return table, max(r[2] / r[3] for r in rows)
