"""Exercise checks of chapter 11 (gradient checking in practice).

The reference answers come from :mod:`bpbook.gradcheck` (the rule), from probability (a sampled
check) and from
softplus's closed-form derivatives (:mod:`~bpbook.chapters.ch11_gradient_checking.curve`); the
student's are judged by :func:`bpbook.feedback.check`."""
import numpy as np

from bpbook.feedback import check
from bpbook.gradcheck import (EPS, NOISE_FACTOR, TOL, central_difference_error,  # noqa: F401
                              error_floor)
from bpbook.variants import number

from bpbook.chapters.ch11_gradient_checking.curve import W0, sigmoid, softplus, third_derivative

# The exercises' inputs: the book's numbers for a reader alone, each student's own on a course
# (bpbook.variants). Exercise 1: softplus at FD_W (away from 0, where f‴ vanishes).
U = float(np.finfo(np.float64).eps)
FD_W = number("11.forward-eps", W0, 0.5, 3.0, digits=2)
F_VALUE = float(softplus(FD_W))  # f(FD_W) for exercise 1
F_SECOND = float(sigmoid(FD_W) * (1 - sigmoid(FD_W)))  # f″(FD_W)
F_THIRD = float(third_derivative(FD_W))  # f‴(FD_W), for a mistake's value
# Exercise 2: the size S (of a loss and its outputs) at which a flipped sign is judged
BLIND_LOSS = number("11.blind-spot", 0.3, 0.05, 5.0, digits=2)
# Exercise 3: the fraction of an array's entries a bug spoils, and the chance of missing it that
# we accept (10⁻², 10⁻³ or 10⁻⁴)
P_SPOILED = number("11.sample-size", 0.01, 0.005, 0.05, digits=3)
MISS = 10.0 ** -int(number("11.sample-size/miss", 3, 2, 4, digits=0))


def check_forward_eps(answer, u=U, f=F_VALUE, f2=F_SECOND, f3=F_THIRD):
    """Exercise: the ε that minimises a forward difference's predicted error
    u|f|/ε + ε|f″|/2."""
    best = (2 * u * abs(f) / abs(f2)) ** 0.5
    return check(answer, best, "the forward difference's best step", "(2u|f| / |f″|)^(1/2)", [
        ((u * abs(f) / abs(f2)) ** 0.5, "(u|f|/|f″|)^(1/2): the 2 from ε|f″|/2 is missing"),
        ((3 * u * abs(f) / abs(f3)) ** (1 / 3), "the central difference's best step: a forward "
                                                "difference's truncation is ε|f″|/2"),
        (u ** 0.5, "u^(1/2), the rule of thumb: this function's |f| and |f″| move it"),
        (u ** (1 / 3), "u^(1/3), the central difference's rule of thumb"),
    ])


def blind_spot(loss, eps=EPS):
    """The largest |g| whose flipped sign (ĝ = −g) still passes the rule at this size S and step:
    then |g − ĝ| = |g| + |ĝ| = 2|g|, so e = 2|g|/max(2|g|, φ) is 1 above the floor and
    2|g|/φ below it, which is ≤ τ while |g| ≤ τφ/2 = Cν/2."""
    return TOL * error_floor(loss, eps) / 2


def check_blind_spot(answer, loss=BLIND_LOSS, eps=EPS):
    """Exercise: how large a gradient entry can be for a flipped sign still to pass."""
    floor = error_floor(loss, eps)
    return check(answer, blind_spot(loss, eps), "the largest |g| a flipped sign hides in",
                 "2|g|/φ ≤ τ: |g| ≤ τφ/2 = Cν/2", [
                     (TOL * floor, "τφ = Cν: the flip's difference is 2|g|, not |g|"),
                     (floor / 2, "φ/2: below the floor the error is 2|g|/φ, and it must still "
                                 "be at most τ"),
                     (floor, "φ, the floor itself: below it a flip is judged by 2|g|/φ ≤ τ"),
                     (central_difference_error(loss, eps) / 2, "ν/2: the rule allows C times "
                                                               "the noise"),
                 ])


def sample_size(p, miss):
    """The fewest random entries ``k`` with ``(1 − p)^k ≤ miss``."""
    return int(np.ceil(np.log(miss) / np.log1p(-p)))


def check_sample_size(answer, p=P_SPOILED, miss=MISS):
    """Exercise: how many random entries of an array a sampled check needs so that a bug that
    spoils a fraction ``p`` of them goes unseen with probability at most ``miss``."""
    k = sample_size(p, miss)
    exact = np.log(miss) / np.log1p(-p)
    return check(answer, k, "the entries to sample", "⌈log(miss) / log(1 − p)⌉", [
        (k - 1, f"one too few: {k - 1} entries miss the bug with probability "
                f"{(1 - p) ** (k - 1):.4g}, above {miss:g}; round up"),
        (np.ceil(np.log(miss) / np.log(p)), "log(miss)/log(p): the chance of missing is "
                                            "(1 − p)^k, not p^k"),
        (np.ceil(-np.log(miss) / p), "⌈ln(1/miss)/p⌉, from (1 − p)^k ≈ e^(−pk): close, "
                                    "but the exact count is smaller"),
        (exact, "the unrounded count: entries come whole, round up"),
    ], tol=0)
