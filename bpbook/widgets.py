"""Wiring ipywidgets to an explorer's update function, and what an explorer shows in an Output.

Every explorer in the book is a plain *update function* (slider values in; numbers, a table and a
figure out) that tests call directly. :func:`wire` only connects a control to it: the control sits
above an ``Output`` that is refilled on every change.

Text inside an Output goes through :func:`math_html`, not IPython's ``Markdown``: an Output's
saved state is what the static HTML edition shows, and the widget manager there prints Markdown
as raw source (``$\\dfrac{du}{dx}$`` and all), while HTML is shown as HTML and its ``$…$`` math
is typeset by MathJax, in the static pages as in JupyterLab.
"""
import html
import re

# $…$ math (not $$), **bold**, `code`: the Markdown the explorers' captions use.
_MATH = re.compile(r"(\$[^$]+\$)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")


def wire(control, show):
    """``control`` above an Output that ``show(control.value)`` refills on every change."""
    import ipywidgets as w
    out = w.Output()

    def refresh(_=None):
        out.clear_output(wait=True)
        with out:
            show(control.value)
    control.observe(refresh, names="value")
    refresh()
    return w.VBox([control, out])


def math_html(text):
    """A caption written in the explorers' small Markdown (paragraphs split by a blank line,
    ``- `` list items, ``**bold**``, ```code```, ``$…$`` math) as an ``IPython.display.HTML``.
    The math is kept as ``$…$`` text (HTML-escaped) for MathJax to typeset."""
    from IPython.display import HTML

    if not isinstance(text, str):
        raise TypeError(f"math_html expects the caption as a str, got {type(text).__name__}")
    return HTML("\n".join(_block(b) for b in re.split(r"\n\s*\n", text.strip()) if b.strip()))


def _block(block):
    lines = block.splitlines()
    if all(line.startswith("- ") for line in lines):
        return "<ul>" + "".join(f"<li>{_inline(line[2:])}</li>" for line in lines) + "</ul>"
    return f"<p>{_inline(' '.join(lines))}</p>"


def _inline(text):
    """Escape ``text`` for HTML; outside the math, turn **bold** and `code` into tags."""
    parts = _MATH.split(text)
    for i, part in enumerate(parts):
        part = html.escape(part, quote=False)
        if i % 2 == 0:  # outside $…$
            part = _CODE.sub(r"<code>\1</code>", _BOLD.sub(r"<strong>\1</strong>", part))
        parts[i] = part
    return "".join(parts)
