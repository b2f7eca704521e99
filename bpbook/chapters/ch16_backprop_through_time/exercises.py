r"""Exercise checks of chapter 16 (backpropagation through time), built on
:func:`bpbook.feedback.check` and :func:`bpbook.feedback.check_function`.

Shapes follow :mod:`bpbook.rnn` (samples last): ``W_hh`` ``(n, n)``; one step's state ``h`` and
its gradient ``dh`` ``(n, m)``; every step's ``delta`` and state ``H`` ``(n, T, m)``, and the
starting state ``h0`` ``(n, m)``.
"""
import numpy as np

from bpbook.feedback import check, check_function
from bpbook.rnn import RNN
from bpbook.variants import number


def _whole(exercise, part, default, low, high):
    """A whole number of the student's own (``default`` for a reader alone); each part of an
    exercise has its own seed, so the parts are drawn independently."""
    return int(number(f"{exercise}/{part}", default, low, high, digits=0))


# The page's numbers for a reader alone; on a course each student's own (bpbook.variants).
# Exercise 3: W_hh = ρ·orthogonal, tanh' ≈ 1: the longest T whose step 1 still gets this share
GEOMETRIC_RHO = number("16.geometric/rho", 0.8, 0.5, 0.95, digits=2)
GEOMETRIC_SHARE = 10.0 ** -_whole("16.geometric", "decades", 3, 2, 6)
# Exercise 4: with a loss on every step and truncation k, the last step whose loss reaches x_s.
# s ≥ 3 and T ≥ 30 > s + k keep every named mistake (k, s + k − 2, T − k + 1) apart from the
# answer s + k − 1 and from each other.
REACH_T = _whole("16.reach", "T", 30, 30, 40)
REACH_K = _whole("16.reach", "k", 12, 4, 12)
REACH_S = _whole("16.reach", "s", 5, 3, 7)


def _step_back(W_hh, dh, h):
    return W_hh.T @ (dh * h * (1 - h))


def _draw_step(rng):
    n, m = rng.integers(2, 6), rng.integers(1, 5)
    h = 1 / (1 + np.exp(-rng.normal(size=(n, m))))  # sigmoid states, in (0, 1)
    return rng.normal(size=(n, n)), rng.normal(size=(n, m)), h


def check_step_back(fn):
    """Exercise: ``fn(W_hh, dh, h)`` returns what the gradient ``dh`` on the state ``h`` (= h_t)
    of a recurrent layer with sigmoid units, h_t = σ(z_t), passes back to ``h_{t−1}``."""
    rng = np.random.default_rng(0)
    cases = [_draw_step(rng) for _ in range(4)]
    return check_function(fn, "the gradient passed to h_{t−1}", "W_hhᵀ (dh ⊙ h(1 − h))", cases,
                          _step_back, random_cases=_draw_step, mistakes=[
        (lambda W, dh, h: W.T @ (dh * (1 - h ** 2)),
         "the tanh slope 1 − h²: these units are sigmoids, whose slope is σ(1 − σ) = h(1 − h)"),
        (lambda W, dh, h: W @ (dh * h * (1 - h)), "W_hh (…) without the transpose"),
        (lambda W, dh, h: W.T @ dh, "W_hhᵀ dh: the sigmoid's slope h(1 − h) is missing"),
        (lambda W, dh, h: W.T @ (dh * (1 - h)), "the slope 1 − h: σ′ is h(1 − h)"),
        (lambda W, dh, h: W.T @ (dh * _sigmoid(h) * (1 - _sigmoid(h))),
         "σ(h)(1 − σ(h)): h is already σ(z), so the slope is h(1 − h)"),
    ])


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _dW_hh(delta, H, h0):
    """Σ_{t=1}^{T} δ_t h_{t−1}ᵀ over steps and samples, with h_0 = ``h0``."""
    return np.einsum("itm,jtm->ij", delta[:, 1:], H[:, :-1]) + delta[:, 0] @ h0.T


def _draw_sequence(rng):
    n, T, m = rng.integers(1, 5), rng.integers(2, 7), rng.integers(1, 4)
    return (rng.normal(size=(n, T, m)), np.tanh(rng.normal(size=(n, T, m))),
            np.tanh(rng.normal(size=(n, m))))


def check_dW_hh(fn):
    """Exercise: ``fn(delta, H, h0)`` returns ∂ℒ/∂W_hh = Σ_t δ_t h_{t−1}ᵀ for a layer started from
    the state ``h0`` (not 0), summed over the samples too."""
    rng = np.random.default_rng(1)
    cases = [_draw_sequence(rng) for _ in range(4)]
    return check_function(fn, "∂ℒ/∂W_hh", "Σ_{t=1..T} δ_t h_{t−1}ᵀ with h_0 = h0, over steps and "
                                         "samples", cases, _dW_hh, random_cases=_draw_sequence,
                          mistakes=[
        (lambda d, H, h0: np.einsum("itm,jtm->ij", d[:, 1:], H[:, :-1]),
         "the sum from t = 2, right only when h_0 = 0: here step 1 adds δ_1 h0ᵀ"),
        (lambda d, H, h0: np.einsum("itm,jtm->ij", d, H), "Σ_t δ_t h_tᵀ: the same step's state"),
        (lambda d, H, h0: _dW_hh(d, H, h0).T, "the transpose"),
        (lambda d, H, h0: _dW_hh(d, H, h0) / d.shape[2],
         "a mean over the samples: the loss's 1/m is already inside δ"),
    ])


def longest_reach(rho=GEOMETRIC_RHO, share=GEOMETRIC_SHARE):
    """The largest T with ρ^(T−1) ≥ ``share``: the longest sequence whose step 1 still gets that
    share of the last step's gradient when W_hh = ρ·Q and every tanh slope is 1 (ρ < 1)."""
    return int(np.floor(np.log(share) / np.log(rho))) + 1


def check_geometric(answer, rho=GEOMETRIC_RHO, share=GEOMETRIC_SHARE):
    """Exercise: the longest sequence T for which ‖∂ℒ/∂h_1‖ / ‖∂ℒ/∂h_T‖ = ρ^(T−1) is at least
    ``share`` (W_hh = ρ·Q, Q orthogonal, every tanh slope 1)."""
    T = longest_reach(rho, share)
    steps = np.log(share) / np.log(rho)
    return check(answer, T, "the longest sequence", f"⌊ln {share:g} / ln {rho:g}⌋ + 1", [
        (T - 1, f"T − 1 = {T - 1}, the steps back: the sequence has one step more"),
        (T + 1, f"one step too many: {rho:g}^{T} = {rho ** T:.3g} is below {share:g}"),
        (steps, "the unrounded number of steps back: T is a whole number of steps"),
        (steps + 1, "unrounded: round the steps back down, then add 1"),
    ], tol=0)


def reach(T=REACH_T, k=REACH_K, s=REACH_S):
    """The last step (counting from 1) whose loss, alone on its state, sends a gradient to the
    input ``x_s``, measured with :class:`bpbook.RNN` truncated to ``k`` steps, one loss at a
    time."""
    rnn = RNN(1, 2, bptt_steps=k)
    H = rnn.forward(np.ones((1, T, 1)))
    last = 0
    for end in range(T):
        dH = np.zeros_like(H)
        dH[:, end] = 1.0
        if np.any(rnn.backward(dH)[:, s - 1]):
            last = end + 1
    return last


def check_reach(answer, T=REACH_T, k=REACH_K, s=REACH_S):
    """Exercise: with ``bptt_steps = k`` and a loss on every step, the last step whose loss sends
    a gradient to ``x_s``."""
    return check(answer, reach(T, k, s), f"the last step whose loss reaches x_{s}",
                 f"s + k − 1 = {s} + {k} − 1", [
                     (s + k, f"s + k: the window of k = {k} steps includes the loss's own step"),
                     (s + k - 2, "one step short: a loss at step s + k − 1 still reaches x_s"),
                     (k, "k: that is how far back a loss reaches, counted from step 1; count "
                         "from s"),
                     (T - k + 1, "T − k + 1: the earliest step a loss on the last state reaches; "
                                 "here the question runs the other way, from x_s forward"),
                 ], tol=0)
