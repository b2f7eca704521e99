"""Exercise checks of chapter 9 (where initialisation comes from), built on
:func:`bpbook.feedback.check`. Every expected value is computed from the chapter's formulas
(:mod:`.derive`); each check knows the typical mistakes.

The exercises' inputs are the book's numbers for a reader alone and each student's own on a
course (:mod:`bpbook.variants`); the ranges keep every typical mistake's value apart from the
right one (α ≥ 0.1, s ≠ 1)."""
import numpy as np
import sympy as sp

from bpbook.chapters.ch09_initialisation.derive import BASE, q, relu_moments, uniform_variance
from bpbook.feedback import check
from bpbook.variants import number

# Exercise 1: He's variance, redone for a Leaky ReLU of slope LEAKY_ALPHA and fan-in HE_N_IN
HE_N_IN = int(number("09.he-variance", 300, 150, 800, digits=0))
LEAKY_ALPHA = number("09.he-variance/alpha", 0.2, 0.1, 0.5, digits=2)
# Exercise 2: the factor per layer of a square ReLU network of this width and weight std s
# (ranges keep the answer n s²/2 below 0.65, away from its square root, a mistake's value)
FACTOR_WIDTH = int(number("09.layer-factor", 512, 64, 512, digits=0))
FACTOR_S = number("09.layer-factor/s", 0.05, 0.02, 0.05, digits=3)
# Exercise 3: the bound r of He's variance drawn uniformly from [−r, r], fan-in UNIFORM_N_IN
UNIFORM_N_IN = int(number("09.he-uniform", 256, 64, 1024, digits=0))


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


def check_he_uniform(answer, n_in=UNIFORM_N_IN):
    """Exercise: r such that U(−r, r), whose variance is r²/3 (SymPy, :func:`.uniform_variance`),
    has He's variance 2/n_in: r = √(6/n_in)."""
    r, var = uniform_variance()
    right = float(sp.solve(sp.Eq(var, sp.Rational(2, n_in)), r)[0])
    return check(answer, right, "the uniform bound r", f"√(3 · 2/n_in) = √(6/{n_in})",
                 [(np.sqrt(2 / n_in), "√(2/n_in), He's standard deviation: the bound of a "
                                      "uniform draw is √3 times its standard deviation"),
                  (6 / n_in, "6/n_in is r²: take the square root"),
                  (np.sqrt(3 / n_in), "√(3/n_in), LeCun's bound: ReLU needs twice the variance"),
                  (2 / n_in, "2/n_in, the variance itself")])
