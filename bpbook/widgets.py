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

Every picture part has its text alternative, updated on every move: a Figure through
``bpbook.display.described``, drawn pixels as ``PNG(data, alt)`` (a :class:`KeptFigure` gives
``kept.picture(alt)``). ipywidgets' Image has no ``alt``, so a picture part is a small box
(class ``bp-figure``): the Image and, beside it, the words in a hidden HTML widget (class
``bp-figure-alt``) that the book's script (JupyterLab extension ``bpbook-a11y`` in
``jupyter_config/labextensions``, also loaded by the static pages) copies into the image's
``alt``. The same script names each slider's handle after its ``description`` and gives it the
readout's rounded text as ``aria-valuetext``; give every control a ``description``.
"""
import html
import io
import re

# $…$ math (not $$), **bold**, `code`: the Markdown the explorers' captions use.
_MATH = re.compile(r"(\$[^$]+\$)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_ORDER = ("HTML", "Image", "HTMLMath")
ALT_CLASS, FIGURE_CLASS = "bp-figure-alt", "bp-figure"  # read by the bpbook-a11y script  # the order in which wire_in_place updates its widgets


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
        for i in sorted(range(len(views)), key=lambda i: _ORDER.index(_kind(views[i]))):
            _update(views[i], parts[i])
    for c in controls:
        c.observe(refresh, names="value")
    if panel is None:
        panel = controls[0] if len(controls) == 1 else w.HBox(controls)
    return w.VBox([panel, *views])


def wire_kept(controls, plot, update):
    """The explorers' common wiring: ``controls`` side by side (wrapping on a narrow page); each
    change calls ``update(*values, plot=plot)``, whose result has a ``table`` and a
    ``description``, and shows the table and ``plot.figure`` redrawn where ``plot.moving`` moves
    (a :class:`KeptFigure`), with that description as its text alternative."""
    import ipywidgets as w

    kept = KeptFigure(plot.figure, plot.moving)

    def show(*values):
        view = update(*values, plot=plot)
        return [view.table, kept.picture(view.description)]
    return wire_in_place(controls, show, panel=w.HBox(controls,
                                                      layout=w.Layout(flex_flow="row wrap")))


class PNG:
    """A picture already drawn (PNG bytes) with its text alternative ``alt``, written from the
    data it shows (``bpbook.display.check_alt``'s rules), for an explorer that draws its pictures
    itself."""

    def __init__(self, data, alt):
        from bpbook.display import check_alt

        if not data.startswith(b"\x89PNG"):
            raise ValueError(f"PNG expects PNG bytes, got {data[:8]!r}")
        self.data, self.alt = data, check_alt(alt)

    @classmethod
    def of(cls, fig):
        """A Figure described by ``bpbook.display.described``, drawn now (with its words)."""
        from bpbook.display import alt_of

        given = alt_of(fig)
        if given is None:
            raise ValueError("PNG.of needs a Figure with its text alternative: "
                             "bpbook.display.described(fig, alt)")
        return cls(figure_png(fig), " ".join(t for t in given if t))


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

    def picture(self, alt):
        """The figure as it stands now with its text alternative, as an explorer's part."""
        return PNG(self.png(), alt)

    def forget(self):
        """Draw everything again at the next :meth:`png`: the kept parts changed (new axis
        limits, say)."""
        self.background = None


def figure_png(fig):
    """``fig`` as PNG bytes at its own dpi: one draw (no tight bounding box), and the fastest
    compression (as :meth:`KeptFigure.png`): a few percent more bytes, a third less encoding."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def _part_widget(part):
    import ipywidgets as w

    value = _part_value(part)
    if isinstance(value, bytes):
        image = w.Image(value=value, format="png", layout=w.Layout(max_width="100%", height="auto"))
        words = w.HTML(value=_alt_html(part))
        words.add_class(ALT_CLASS)
        box = w.VBox([image, words])
        box.add_class(FIGURE_CLASS)
        return box
    return (w.HTMLMath if "$" in value else w.HTML)(value=value)


def _kind(view):
    return "Image" if FIGURE_CLASS in view._dom_classes else type(view).__name__


def _update(view, part):
    if _kind(view) == "Image":
        image, words = view.children
        image.value = _part_value(part)
        words.value = _alt_html(part)
    else:
        view.value = _part_value(part)


def _alt_html(part):
    """The text alternative of a picture part, as the hidden HTML beside its Image."""
    from matplotlib.figure import Figure

    from bpbook.display import alt_of

    if isinstance(part, Figure):
        # A Figure without words gets none: the image has no alt, which tests/test_html.py
        # (axe-core, and its own check of every image) reports by chapter.
        alt = " ".join(t for t in alt_of(part) or () if t)
    else:
        alt = part.alt
    return html.escape(alt, quote=False)


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
