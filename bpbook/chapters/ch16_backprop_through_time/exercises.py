r"""Exercise checks of chapter 16 (backpropagation through time), built on
:func:`bpbook.feedback.check` and :func:`bpbook.feedback.check_function`.

Shapes follow :mod:`bpbook.rnn` (samples last): ``W_hh`` ``(n, n)``; one step's state ``h`` and
its gradient ``dh`` ``(n, m)``; every step's ``delta`` and state ``H`` ``(n, T, m)``.
"""
import numpy as np

from bpbook.feedback import check, check_function
from bpbook.rnn import RNN

# Exercise 3: the factor a gradient changes by over T − 1 steps back, W_hh = ρ·orthogonal, tanh' ≈ 1
GEOMETRIC_RHO, GEOMETRIC_T = 0.8, 25
# Exercise 4: the earliest step a last-step loss reaches with truncation k
REACH_T, REACH_K = 30, 12


def _step_back(W_hh, dh, h):
    return W_hh.T @ (dh * (1 - h ** 2))


def _draw_step(rng):
    n, m = rng.integers(2, 6), rng.integers(1, 5)
    return rng.normal(size=(n, n)), rng.normal(size=(n, m)), np.tanh(rng.normal(size=(n, m)))


def check_step_back(fn):
    """Exercise: ``fn(W_hh, dh, h)`` returns what the gradient ``dh`` on the state ``h`` (= h_t)
    passes back to ``h_{t−1}``."""
    rng = np.random.default_rng(0)
    cases = [_draw_step(rng) for _ in range(4)]
    return check_function(fn, "the gradient passed to h_{t−1}", "W_hhᵀ (dh ⊙ (1 − h²))", cases,
                          _step_back, random_cases=_draw_step, mistakes=[
        (lambda W, dh, h: W @ (dh * (1 - h ** 2)), "W_hh (…) without the transpose"),
        (lambda W, dh, h: W.T @ dh, "W_hhᵀ dh: the tanh slope 1 − h² is missing"),
        (lambda W, dh, h: W.T @ (dh * (1 - h)), "the slope 1 − h: tanh′ is 1 − h²"),
        (lambda W, dh, h: W.T @ (dh * (1 - np.tanh(h) ** 2)),
         "1 − tanh(h)²: h is already tanh(z), so the slope is 1 − h²"),
    ])


def _dW_hh(delta, H):
    return np.einsum("itm,jtm->ij", delta[:, 1:], H[:, :-1])


def _draw_sequence(rng):
    n, T, m = rng.integers(1, 5), rng.integers(2, 7), rng.integers(1, 4)
    return rng.normal(size=(n, T, m)), np.tanh(rng.normal(size=(n, T, m)))


def check_dW_hh(fn):
    """Exercise: ``fn(delta, H)`` returns ∂L/∂W_hh = Σ_t δ_t h_{t−1}ᵀ (h_0 = 0), summed over the
    samples too."""
    rng = np.random.default_rng(1)
    cases = [_draw_sequence(rng) for _ in range(4)]
    return check_function(fn, "∂L/∂W_hh", "Σ_t δ_t h_{t−1}ᵀ, over steps and samples", cases,
                          _dW_hh, random_cases=_draw_sequence, mistakes=[
        (lambda d, H: np.einsum("itm,jtm->ij", d, H), "Σ_t δ_t h_tᵀ: the same step's state"),
        (lambda d, H: np.einsum("itm,jtm->ij", d[:, :-1], H[:, 1:]),
         "Σ_t δ_t h_{t+1}ᵀ: the next step's state"),
        (lambda d, H: np.einsum("itm,jtm->ji", d[:, 1:], H[:, :-1]), "the transpose"),
        (lambda d, H: np.einsum("itm,jtm->ij", d[:, 1:], H[:, :-1]) / d.shape[2],
         "a mean over the samples: the loss's 1/m is already inside δ"),
    ])


def check_geometric(answer, rho=GEOMETRIC_RHO, T=GEOMETRIC_T):
    """Exercise: ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ when W_hh = ρ·Q (Q orthogonal) and every tanh slope is 1."""
    return check(answer, rho ** (T - 1), f"the factor over {T} steps", f"ρ^(T−1) = {rho:g}^{T - 1}",
                 [(rho ** T, f"ρ^T: there are T − 1 = {T - 1} steps back from h_T to h_1"),
                  (rho ** (T - 2), f"ρ^(T−2): from h_T to h_1 is {T - 1} steps"),
                  (rho * (T - 1), "ρ·(T−1): the factors multiply, they do not add"),
                  (rho ** -(T - 1), "1/ρ^(T−1): the ratio upside down")])


def reach(T=REACH_T, k=REACH_K):
    """The earliest step (counting from 1) whose input gets a gradient from a loss on the last
    state, measured with :class:`bpbook.RNN` truncated to ``k`` steps."""
    rnn = RNN(1, 2, bptt_steps=k)
    H = rnn.forward(np.ones((1, T, 1)))
    dH = np.zeros_like(H)
    dH[:, -1] = 1.0
    reached = np.flatnonzero(np.abs(rnn.backward(dH)).sum(axis=(0, 2)))
    return int(reached[0]) + 1


def check_reach(answer, T=REACH_T, k=REACH_K):
    """Exercise: with ``bptt_steps = k`` and a loss on step ``T`` only, the earliest step whose
    input gets a gradient."""
    return check(answer, reach(T, k), "the earliest step reached", f"T − k + 1 = {T} − {k} + 1",
                 [(T - k, f"T − k: the window of k = {k} steps includes step T itself"),
                  (k, "k: the window counts back from the end, not from the start"),
                  (T - k + 2, "one step short: the window's first step is T − k + 1")], tol=0)
