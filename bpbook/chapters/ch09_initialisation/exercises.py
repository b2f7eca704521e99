"""Exercise checks of chapter 9 (where initialisation comes from), built on
:func:`bpbook.feedback.check`. Every expected value is computed from the chapter's formulas
(:mod:`.derive`); each check knows the typical mistakes.

The exercises' inputs are the book's numbers for a reader alone and each student's own on a
course (:mod:`bpbook.variants`); the ranges keep every typical mistake's value apart from the
right one (α ≥ 0.1, s ≠ 1, t ≠ 1, 2)."""
import numpy as np

from bpbook.chapters.ch09_initialisation.derive import BASE, q, relu_moments
from bpbook.feedback import check
from bpbook.variants import number

# Exercise 1: He's variance, redone for a Leaky ReLU of slope LEAKY_ALPHA and fan-in HE_N_IN
HE_N_IN = int(number("09.he-variance", 300, 150, 800, digits=0))
LEAKY_ALPHA = number("09.he-variance/alpha", 0.2, 0.1, 0.5, digits=2)
# Exercise 2: the factor per layer of a square ReLU network of this width and weight std s
# (ranges keep the answer n s²/2 below 0.65, away from its square root, a mistake's value)
FACTOR_WIDTH = int(number("09.layer-factor", 512, 64, 512, digits=0))
FACTOR_S = number("09.layer-factor/s", 0.05, 0.02, 0.05, digits=3)
# Exercise 3: E[relu(z)²] for z ~ N(0, t²)
MOMENT_T = number("09.relu-moment", 3.0, 2.5, 6.0, digits=1)


def check_he_variance(answer, n_in=HE_N_IN, alpha=LEAKY_ALPHA):
    """Exercise: the weight variance that keeps Var(z) for a Leaky ReLU max(αz, z) of fan-in
    ``n_in``: E[f(z)²] = (1 + α²) q/2, so s² = 2 / ((1 + α²) n_in)."""
    return check(answer, BASE["relu"] / ((1 + alpha ** 2) * n_in), "the Leaky ReLU's variance",
                 f"2/((1 + α²) n_in) = 2/((1 + {alpha:g}²)·{n_in})",
                 [(2 / n_in, "2/n_in, He's for ReLU: the half below zero keeps α²q/2 too"),
                  (2 / ((1 + alpha) * n_in), "2/((1 + α) n_in): the slope enters squared, "
                                             "E[(αz)²] = α²E[z²]"),
                  (1 / n_in, "1/n_in, LeCun's: a Leaky ReLU passes on only about half of E[z²]"),
                  (np.sqrt(2 / ((1 + alpha ** 2) * n_in)), "the standard deviation: square it"),
                  (2 / ((1 - alpha ** 2) * n_in), "2/((1 − α²) n_in): the negative half adds "
                                                  "α²q/2 to E[f(z)²], it does not take it away")])


def check_layer_factor(answer, n=FACTOR_WIDTH, std=FACTOR_S):
    """Exercise: Var(z_l)/Var(z_{l−1}) in a square ReLU network: n s² E[relu(z)²]/Var(z)."""
    half = float(relu_moments()[0].subs(q, 1))  # E[relu(z)²]/Var(z)
    return check(answer, n * std ** 2 * half, "the factor per layer",
                 f"n s² / 2 = {n} · {std:g}² / 2",
                 [(n * std ** 2, "n s²: ReLU keeps only half of E[z²]"),
                  (n * std / 2, "n s / 2: s is the standard deviation; use s²"),
                  (std ** 2 / 2, "s² / 2: each of the n inputs adds its share"),
                  (np.sqrt(n) * std / np.sqrt(2), "a factor of the standard deviation; "
                                                  "the question asks for the variance")])


def check_relu_moment(answer, std=MOMENT_T):
    """Exercise: E[relu(z)²] for z ~ N(0, std²)."""
    return check(answer, float(relu_moments()[0].subs(q, std ** 2)), "E[relu(z)²]",
                 f"t² / 2 = {std:g}² / 2",
                 [(std / 2, "t / 2: the moment is of z², so t² enters"),
                  (std ** 2, "t²: relu(z) is 0 for the half of the draws below zero"),
                  (std ** 2 / 4, "t² / 4: half the draws keep all of their z², not a quarter"),
                  (std ** 2 * (0.5 - 1 / (2 * np.pi)),
                   "Var(relu(z)): the mean square E[a²] is asked, mean included")])
