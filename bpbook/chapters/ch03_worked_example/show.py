"""Chapter 03's way of writing computed numbers into LaTeX: a factor of a product, and a matrix.

``term(-0.3)`` is ``(-0.300000)`` so that a product of factors reads unambiguously
(``(−0.33)(0.22)``); ``matrix(A)`` is ``A`` as a LaTeX ``bmatrix`` (any 2-D array; a row per
row of ``A``).
"""
import numpy as np


def term(value, digits=6):
    """``value`` with ``digits`` decimals, in parentheses when negative."""
    text = f"{value:.{digits}f}"
    return f"({text})" if text.startswith("-") else text


def matrix(a, digits=3):
    """A 2-D array as a LaTeX bmatrix with ``digits`` decimals."""
    a = np.atleast_2d(a)
    rows = [" & ".join(f"{v:.{digits}f}" for v in row) for row in a]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"
