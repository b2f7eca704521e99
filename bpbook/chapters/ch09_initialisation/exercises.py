"""Exercise checks of chapter 9 (where initialisation comes from), built on
:func:`bpbook.feedback.check`. Every expected value is computed from the chapter's formulas
(:mod:`.derive`); each check knows the typical mistakes."""
import numpy as np

from bpbook.chapters.ch09_initialisation.derive import BASE, relu_moments, s
from bpbook.feedback import check

# Exercise 1: He's variance for a layer of this shape
HE_N_IN, HE_N_OUT = 300, 100
# Exercise 2: the factor per layer of a square ReLU network of this width and weight std
FACTOR_WIDTH, FACTOR_SIGMA = 512, 0.05
# Exercise 3: E[relu(z)²] for z ~ N(0, s²)
MOMENT_S = 3.0


def check_he_variance(answer, n_in=HE_N_IN, n_out=HE_N_OUT):
    """Exercise: He's variance for a ReLU layer with fan-in ``n_in``, fan-out ``n_out``."""
    return check(answer, BASE["relu"] / n_in, "He's variance", f"2/n_in = 2/{n_in}",
                 [(1 / n_in, "1/n_in, LeCun's: ReLU passes on only half of E[z²]"),
                  (np.sqrt(2 / n_in), "√(2/n_in), the standard deviation: square it"),
                  (2 / (n_in + n_out), "2/(n_in + n_out), Xavier's compromise"),
                  (2 / n_out, "2/n_out: that keeps the backward pass; He's uses the fan-in")])


def check_layer_factor(answer, n=FACTOR_WIDTH, sigma=FACTOR_SIGMA):
    """Exercise: Var(z_l)/Var(z_{l−1}) in a square ReLU network: n σ² E[relu(z)²]/Var(z)."""
    half = float(relu_moments()[0].subs(s, 1))  # E[relu(z)²]/Var(z)
    return check(answer, n * sigma ** 2 * half, "the factor per layer",
                 f"n σ² / 2 = {n} · {sigma:g}² / 2",
                 [(n * sigma ** 2, "n σ²: ReLU keeps only half of E[z²]"),
                  (n * sigma / 2, "n σ / 2: σ is the standard deviation; use σ²"),
                  (sigma ** 2 / 2, "σ² / 2: each of the n inputs adds its share"),
                  (np.sqrt(n) * sigma / np.sqrt(2), "a factor of the standard deviation; "
                                                    "the question asks for the variance")])


def check_relu_moment(answer, std=MOMENT_S):
    """Exercise: E[relu(z)²] for z ~ N(0, std²)."""
    return check(answer, float(relu_moments()[0].subs(s, std)), "E[relu(z)²]",
                 f"s² / 2 = {std:g}² / 2",
                 [(std / 2, "s / 2: the moment is of z², so s² enters"),
                  (std ** 2, "s²: relu(z) is 0 for the half of the draws below zero"),
                  (std ** 2 / 4, "s² / 4: half the draws keep all of their z², not a quarter"),
                  (std ** 2 * (0.5 - 1 / (2 * np.pi)),
                   "Var(relu(z)): the mean square E[a²] is asked, mean included")])
