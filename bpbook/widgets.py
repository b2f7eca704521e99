"""Wiring ipywidgets to an explorer's update function, and what an explorer shows in an Output.

Every explorer in the book is a plain *update function* (slider values in; numbers, a table and a
figure out) that tests call directly. :func:`wire` only connects a control to it: the control sits
above an ``Output`` that is refilled on every change. :func:`wire_in_place` is the faster kind for
an explorer that keeps its figure: each part it shows (a caption, a table, a figure) gets its own
widget, created once and updated in place on every move (HTML text; the figure as a PNG drawn
once per move, no tight bounding box, so one draw), with no output cleared and rebuilt.

Text inside an Output goes through :func:`math_html`, not IPython's ``Markdown``: an Output's
saved state is what the static HTML edition shows, and the widget manager there prints Markdown
as raw source (``$\\dfrac{du}{dx}$`` and all), while HTML is shown as HTML and its ``$…$`` math
is typeset by MathJax, in the static pages as in JupyterLab.
"""
import html
import io
import re

# $…$ math (not $$), **bold**, `code`: the Markdown the explorers' captions use.
_MATH = re.compile(r"(\$[^$]+\$)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_ORDER = ("HTML", "Image", "HTMLMath")  # the order in which wire_in_place updates its widgets


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


def wire_in_place(controls, show, panel=None):
    """``controls`` (one widget, or a list of them, side by side unless ``panel`` is the box to
    show them in) above one widget per part of
    ``show(*values)`` (the controls' values, in order): objects with an HTML form, such as
    :func:`math_html`'s or a ``bpbook.tables.Table``, matplotlib Figures and :class:`PNG`
    pictures, in a fixed order.
    Every change of a control calls ``show`` again and updates each widget in place (plain HTML
    first, then pictures, text with math last). ``show`` may return the same Figure each time,
    its artists updated."""
    import ipywidgets as w

    controls = list(controls) if isinstance(controls, (list, tuple)) else [controls]
    values = lambda: [c.value for c in controls]  # noqa: E731 (read at every change)
    views = [_part_widget(part) for part in show(*values())]

    def refresh(_=None):
        parts = list(show(*values()))
        if len(parts) != len(views):
            raise ValueError(f"show() returned {len(parts)} parts, first {len(views)}")
        # Plain HTML (the numbers) first, then pictures (drawn here, after the numbers left),
        # typeset math last: the browser's MathJax run holds up whatever arrives after it, and
        # the numbers and the picture are what a move is about.
        for i in sorted(range(len(views)), key=lambda i: _ORDER.index(type(views[i]).__name__)):
            views[i].value = _part_value(parts[i])
    for c in controls:
        c.observe(refresh, names="value")
    if panel is None:
        panel = controls[0] if len(controls) == 1 else w.HBox(controls)
    return w.VBox([panel, *views])


class PNG:
    """A picture already drawn (PNG bytes), for an explorer that draws its pictures ahead."""

    def __init__(self, data):
        if not data.startswith(b"\x89PNG"):
            raise ValueError(f"PNG expects PNG bytes, got {data[:8]!r}")
        self.data = data


class KeptFigure:
    """A figure drawn in full once, then redrawn only where it moves: the ``moving`` artists are
    drawn over a saved copy of everything else (matplotlib's blitting) and the pixels encoded as
    PNG. For an explorer's figure whose axes and texts stay put while its lines and bars move;
    ``fig`` is given an Agg canvas of its own."""

    def __init__(self, fig, moving):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure, self.moving, self.background = fig, list(moving), None
        self.canvas = FigureCanvasAgg(fig)
        for artist in self.moving:
            artist.set_animated(True)  # left out of the full draw, drawn by png()

    def png(self):
        """The figure as it stands now, as PNG bytes."""
        from PIL import Image

        if self.background is None:
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self.background)
        for artist in self.moving:
            self.figure.draw_artist(artist)
        size = self.canvas.get_width_height()
        buf = io.BytesIO()
        Image.frombuffer("RGBA", size, self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
            buf, format="png", compress_level=1)
        return buf.getvalue()


def figure_png(fig):
    """``fig`` as PNG bytes at its own dpi: one draw (no tight bounding box)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()


def _part_widget(part):
    import ipywidgets as w
    from matplotlib.figure import Figure

    if isinstance(part, (Figure, PNG)):
        return w.Image(value=_part_value(part), format="png",
                       layout=w.Layout(max_width="100%", height="auto"))
    text = _part_value(part)
    return (w.HTMLMath if "$" in text else w.HTML)(value=text)


def _part_value(part):
    from matplotlib.figure import Figure

    if isinstance(part, Figure):
        return figure_png(part)
    if isinstance(part, PNG):
        return part.data
    if not hasattr(part, "_repr_html_"):
        raise TypeError(f"an explorer part must be HTML-like, a Figure or a PNG, got "
                        f"{type(part).__name__}")
    return part._repr_html_()


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
