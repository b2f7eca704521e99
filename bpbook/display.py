"""Showing computed numbers inside rendered math and prose.

Chapters never type a result: they compute it and pass it here. ``equation(r"z_1 = ...", value)``
renders ``z_1 = ... = 0.780000`` as LaTeX; ``say(template, **values)`` renders a Markdown
sentence with the values formatted in.
"""
from IPython.display import Markdown, Math


def equation(latex, value, digits=6):
    """The LaTeX ``latex`` followed by ``= value`` (rounded to ``digits`` decimals)."""
    return Math(f"{latex} = {value:.{digits}f}")


def say(template, **values):
    """A Markdown paragraph: ``template`` formatted with ``values`` (use ``{name:.4f}``)."""
    return Markdown(template.format(**values))
