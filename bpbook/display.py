"""Showing computed numbers inside rendered math and prose, and figures with their text alternative.

Chapters never type a result: they compute it and pass it here. ``equation(r"z_1 = ...", value)``
renders ``z_1 = ... = 0.780000`` as LaTeX; ``say(template, **values)`` renders a Markdown
sentence with the values formatted in. Inside a formula, ``term(-0.3)`` is ``(-0.300000)``, so a
product of factors reads unambiguously, and ``bmatrix(A)`` is a 2-D array as a LaTeX ``bmatrix``.

Every figure carries a text alternative written from its data by the code that draws it
(``described(fig, alt, details)``, which returns the same Figure). Displayed, such a figure is
one output with three forms, so that each reader gets the words:

- ``text/html``: ``<figure>`` holding the picture as ``<img alt="…">`` and, when given, the longer
  ``details`` in a ``<details>`` block the image points at (``aria-describedby``). JupyterLab,
  the static pages (myst-nb) and nbgrader's feedback (nbconvert) all prefer this form;
- ``image/png`` with ``alt`` in its metadata (nbconvert's classic templates read it);
- ``text/plain``: the words alone.
"""
import base64
import math
import hashlib
import re
import struct
import types

import numpy as np
from IPython.display import Markdown, Math

from bpbook.errors import InputError, InputTypeError

ALT = "_bpbook_alt"  # the attribute of a described Figure holding (alt, details)
_PNG = "_bpbook_png"  # a described Figure's PNG (base64) drawn for the display under way
# Text that says nothing about a picture: a file name, or the defaults tools put in.
_PATH = re.compile(r"^\S*[/\\]\S*$|^\S+\.(?:png|jpe?g|svg|gif)$", re.I)
_GENERIC = {"figure", "image", "plot", "chart", "graph", "picture", "png", "img",
            "no description has been provided for this image"}


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


def alt_problem(text):
    """Why ``text`` cannot be a figure's text alternative (empty, a file path, a tool's default,
    fewer than four words), or None if it can."""
    if not isinstance(text, str) or not text.strip():
        return "it is empty"
    words = text.strip().rstrip(".").lower()
    if _PATH.match(words):
        return "it is a file path"
    if words in _GENERIC:
        return "it is a generic default"
    if len(words.split()) < 4:
        return "it has fewer than four words (say what the figure shows and what to see in it)"
    return None


def check_alt(text, name="alt"):
    """``text`` stripped, if it can be a text alternative; else an InputError naming ``name``."""
    if text is not None and not isinstance(text, str):
        raise InputTypeError(f"{name} must be a str describing the figure, got "
                             f"{type(text).__name__}")
    problem = alt_problem(text)
    if problem:
        raise InputError(f"{name} must describe the figure from its data; got {text!r}: {problem}")
    return text.strip()


def described(fig, alt, details=None):
    """``fig`` (a matplotlib Figure) with its text alternative attached; returns ``fig``.

    ``alt``: one or two sentences, written from the figure's data: what it shows and what to
    see in it ("Loss against epoch for η = 0.1, 1 and 10: 0.1 falls slowly to 0.21, …").
    ``details``: a longer description (the numbers of every panel, say) for a figure one
    sentence cannot carry; shown under the figure in a "described in words" block.
    Displayed (the last line of a cell, or ``display(fig)``), the figure is an output whose
    picture has this ``alt`` everywhere: JupyterLab, the static pages, nbgrader's feedback."""
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise InputTypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    alt = check_alt(alt)
    if details is not None:
        details = check_alt(details, "details")
    setattr(fig, ALT, (alt, details))
    # IPython asks an object for its forms through this method (an instance's own one counts).
    fig._repr_mimebundle_ = types.MethodType(_repr_mimebundle_, fig)
    return fig


def _repr_mimebundle_(fig, include=None, exclude=None):
    return figure_bundle(fig)


def alt_of(fig):
    """``(alt, details)`` given to :func:`described`, or None for a figure without them."""
    return getattr(fig, ALT, None)


def show_figure(fig, alt, details=None):
    """Display ``fig`` with its text alternative (``described`` then IPython's ``display``)."""
    from IPython.display import display

    display(described(fig, alt, details))


def figure_bundle(fig):
    """``(data, metadata)``: the described figure ``fig`` as text/html, image/png and text/plain
    (IPython's ``_repr_mimebundle_`` form)."""
    from IPython.core.pylabtools import print_figure

    from matplotlib.layout_engine import ConstrainedLayoutEngine

    alt, details = alt_of(fig)
    # The inline backend's tight box, except where a constrained layout already fits every label
    # inside the figure: there the box would cost one more pass over every artist, for a margin.
    fitted = isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    png = print_figure(fig, "png", bbox_inches=None if fitted else "tight")
    data, metadata = figure_forms(png, alt, details)
    _lend_png(fig, data["image/png"])
    return data, metadata


class _DrawnPNG:
    """IPython's image/png formatter for Figures, wrapped: a described figure's PNG, just drawn by
    :func:`figure_bundle`, is taken as it is; any other figure goes to ``inner``.

    With ``%matplotlib inline`` IPython asks the inline backend's Figure formatter for image/png
    even when ``_repr_mimebundle_`` gave one, so without this every described figure would be
    drawn twice per display, the costliest step of most chapters."""

    def __init__(self, inner):
        self.inner = inner

    def __call__(self, fig):
        drawn = fig.__dict__.pop(_PNG, None)  # one display's PNG, never kept for a later one
        return drawn if drawn is not None else self.inner(fig)


def _lend_png(fig, b64):
    """Leave ``b64`` (``fig``'s PNG in base64) for this display's image/png formatter, wrapping
    the Figure formatter (in :class:`_DrawnPNG`) if IPython has one that is not wrapped yet."""
    from IPython import get_ipython
    from matplotlib.figure import Figure

    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    try:
        current = formatter.lookup_by_type(Figure)
    except KeyError:  # no Figure formatter: nothing would draw the figure again
        return
    if not isinstance(current, _DrawnPNG):
        formatter.for_type(Figure, _DrawnPNG(current))
    setattr(fig, _PNG, b64)


def figure_forms(png, alt, details=None):
    """``(data, metadata)`` of PNG bytes ``png`` with ``alt`` (and ``details``): see the module
    docstring."""
    b64 = base64.b64encode(png).decode()
    width = png_width(png)
    alt_html = _attr(alt)
    if details:
        ident = "bp-fig-" + hashlib.sha1(png + alt.encode() + details.encode()).hexdigest()[:12]
        img = (f'<img src="data:image/png;base64,{b64}" alt="{alt_html}" width="{width}" '
               f'aria-describedby="{ident}">')
        more = (f'<details class="bp-figure-details"><summary>The figure described in words'
                f'</summary><p id="{ident}">{_text(details)}</p></details>')
    else:
        img, more = f'<img src="data:image/png;base64,{b64}" alt="{alt_html}" width="{width}">', ""
    html = f'<figure class="bp-figure" style="margin: 0">{img}{more}</figure>'
    plain = f"Figure: {alt}" + (f"\n{details}" if details else "")
    data = {"text/html": html, "image/png": b64, "text/plain": plain}
    return data, {"image/png": {"alt": alt + (f" {details}" if details else "")}}


def png_width(png):
    """The width in pixels of PNG bytes (from the IHDR header)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise InputError(f"png must be PNG bytes, got bytes starting {png[:8]!r}")
    return struct.unpack(">I", png[16:20])[0]


def _attr(text):
    import html
    return html.escape(text, quote=True)


def _text(text):
    import html
    return html.escape(text, quote=False)


def listing(items):
    """``"a, b and c"``: items (already formatted) joined as in a sentence."""
    items = [str(i) for i in items]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def number(x, digits=3):
    """``x`` with ``digits`` significant digits, as a sentence shows it (``1.2e-05``, ``0.693``)."""
    x = float(x)
    if not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("infinity" if x > 0 else "minus infinity")
    return f"{x:.{digits}g}"


def trend(ys, xs=None, digits=3):
    """How a curve goes, in words: ``"falls from 0.693 to 0.0121 (lowest 0.0118 at epoch 1800)"``.

    ``ys``: the values; ``xs``: where they are (default 0, 1, ...). Says where a curve stops
    being finite, its lowest or highest point when that is far from both ends, and when it
    swings up and down (more than a tenth of its steps reverse a large move)."""
    ys = [float(y) for y in ys]
    xs = list(range(len(ys))) if xs is None else [float(x) for x in xs]
    if not ys:
        raise InputError("ys must hold at least one value, got none")
    bad = [i for i, y in enumerate(ys) if not math.isfinite(y)]
    if bad:
        head = f"{trend(ys[:bad[0]], xs[:bad[0]], digits)}, then " if bad[0] > 0 else ""
        return f"{head}becomes {number(ys[bad[0]])} at {number(xs[bad[0]], 6)}"
    a, b, lo, hi = ys[0], ys[-1], min(ys), max(ys)
    span = hi - lo
    if span <= 1e-12 * max(1.0, abs(a)):
        return f"stays at {number(a, digits)}"
    words = (f"falls from {number(a, digits)} to {number(b, digits)}" if b < a else
             f"rises from {number(a, digits)} to {number(b, digits)}")
    i_lo, i_hi = ys.index(lo), ys.index(hi)
    if min(a, b) - lo > 0.1 * span:
        words += f" (lowest {number(lo, digits)} at {number(xs[i_lo], 6)})"
    if hi - max(a, b) > 0.1 * span:
        words += f" (highest {number(hi, digits)} at {number(xs[i_hi], 6)})"
    steps = [y1 - y0 for y0, y1 in zip(ys, ys[1:]) if abs(y1 - y0) > 0.01 * span]
    flips = sum(1 for d0, d1 in zip(steps, steps[1:]) if d0 * d1 < 0)
    if len(ys) > 4 and flips > 0.1 * len(ys):
        words += ", swinging up and down"
    return words


def curves_alt(curves, x="epoch", y="loss", xs=None, log=False, digits=3):
    """One sentence for a plot of several curves: ``"Loss against epoch (log scale) for a and b:
    a falls from …; b …"``. ``curves``: label → values; ``xs``: the shared x values."""
    if not curves:
        raise InputError("curves must hold at least one curve, got none")
    scale = " (log scale)" if log else ""
    head = f"{y[0].upper() + y[1:]}{scale} against {x}"
    if len(curves) == 1:
        (label, values), = curves.items()
        return f"{head}, {label}: it {trend(values, xs, digits)}."
    parts = [f"{label} {trend(values, xs, digits)}" for label, values in curves.items()]
    return f"{head} for {listing(curves)}: " + "; ".join(parts) + "."
