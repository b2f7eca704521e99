"""Showing computed numbers inside rendered math and prose.

Chapters never type a result: they compute it and pass it here. ``equation(r"z_1 = ...", value)``
renders ``z_1 = ... = 0.780000`` as LaTeX; ``say(template, **values)`` renders a Markdown
sentence with the values formatted in. Inside a formula, ``term(-0.3)`` is ``(-0.300000)``, so a
product of factors reads unambiguously, and ``bmatrix(A)`` is a 2-D array as a LaTeX ``bmatrix``.
"""
import numpy as np
from IPython.display import Markdown, Math


def equation(latex, value, digits=6):
    """The LaTeX ``latex`` followed by ``= value`` (rounded to ``digits`` decimals)."""
    return Math(f"{latex} = {value:.{digits}f}")


def say(template, **values):
    """A Markdown paragraph: ``template`` formatted with ``values`` (use ``{name:.4f}``)."""
    return Markdown(template.format(**values))


def term(value, digits=6):
    """``value`` with ``digits`` decimals, in parentheses when negative (a factor of a product)."""
    text = f"{value:.{digits}f}"
    return f"({text})" if text.startswith("-") else text


def bmatrix(a, digits=3):
    """A 2-D array (a row per row of ``a``) as a LaTeX bmatrix with ``digits`` decimals."""
    a = np.atleast_2d(a)
    rows = [" & ".join(f"{v:.{digits}f}" for v in row) for row in a]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"
