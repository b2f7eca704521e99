"""bpbook.widgets: wire() refills its Output from the update function; math_html turns an
explorer's caption into well-formed HTML whose $…$ math survives untouched for MathJax."""
import xml.etree.ElementTree as ET

import ipywidgets as w
import pytest

from bpbook.widgets import math_html, wire


def parsed(caption):
    return ET.fromstring(f"<div>{math_html(caption).data}</div>")


def test_paragraphs_lists_bold_and_code():
    root = parsed("**Step 1**: node `a*b` holds $x$:\n\n- to `a`: $1 < 2$\n- to `b`: $3$")
    p, ul = list(root)
    assert p.tag == "p" and [c.tag for c in p] == ["strong", "code"]
    assert p.find("strong").text == "Step 1" and p.find("code").text == "a*b"
    assert "".join(p.itertext()) == "Step 1: node a*b holds $x$:"
    assert [("".join(li.itertext())) for li in ul] == ["to a: $1 < 2$", "to b: $3$"]


def test_math_is_kept_verbatim_even_with_markdown_characters():
    caption = r"$a^{**2**} \times `b` & \frac{1}{2}$ and **bold**"
    root = parsed(caption)
    assert "".join(root.itertext()) == r"$a^{**2**} \times `b` & \frac{1}{2}$ and bold"
    assert [e.tag for e in root.iter()][1:] == ["p", "strong"]


def test_lines_of_a_paragraph_are_joined():
    assert "".join(parsed("one\ntwo").itertext()) == "one two"


def test_rejects_what_is_not_text():
    with pytest.raises(TypeError, match="str, got int"):
        math_html(3)


def test_wire_refills_the_output_on_every_change():
    seen = []
    slider = w.IntSlider(value=1, min=0, max=5)
    box = wire(slider, seen.append)
    slider.value = 4
    assert seen == [1, 4] and box.children[0] is slider and isinstance(box.children[1], w.Output)


def test_png_part_must_be_png_bytes():
    from bpbook.widgets import PNG
    with pytest.raises(ValueError, match="PNG bytes"):
        PNG(b"GIF89a...", "A drawing that is not a PNG file")


def test_png_part_needs_words_that_describe_it():
    from bpbook.errors import InputError
    from bpbook.widgets import PNG
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    for bad in ("", "figure", "_images/0408e9d5.png", "a plot"):
        with pytest.raises(InputError, match="alt must describe"):
            PNG(png, bad)
    assert PNG(png, " Loss falls from 0.69 to 0.01 ").alt == "Loss falls from 0.69 to 0.01"


def test_explorer_picture_carries_its_alt_and_updates_it():
    from matplotlib.figure import Figure

    from bpbook.display import described
    from bpbook.widgets import wire_in_place

    def show(k):
        fig = Figure(figsize=(2, 1))
        fig.subplots().plot([0, k])
        return [described(fig, f"A line rising from 0 to {k} across the plot")]

    slider = w.IntSlider(value=1, min=0, max=5, description="k")
    box = wire_in_place(slider, show)
    picture = box.children[1]
    image, words = picture.children
    assert "bp-figure" in picture._dom_classes and "bp-figure-alt" in words._dom_classes
    assert isinstance(image, w.Image) and bytes(image.value[:4]) == b"\x89PNG"
    assert words.value == "A line rising from 0 to 1 across the plot"
    slider.value = 4
    assert words.value == "A line rising from 0 to 4 across the plot"


def test_wire_kept_calls_update_with_the_kept_plot_and_shows_its_table_and_words():
    from types import SimpleNamespace

    from matplotlib.figure import Figure

    from bpbook.tables import Table
    from bpbook.widgets import wire_kept

    fig = Figure(figsize=(2, 1))
    line, = fig.subplots().plot([0, 1])
    plot, calls = SimpleNamespace(figure=fig, moving=[line]), []

    def update(k, plot):
        calls.append((k, plot))
        line.set_ydata([0, k])
        return SimpleNamespace(table=Table(["k"], [[k]], css_class="bp-explorer"),
                               description=f"A line rising from 0 to {k} across the plot")

    slider = w.IntSlider(value=1, min=0, max=5, description="k")
    box = wire_kept([slider], plot, update)
    words = box.children[-1].children[1]
    assert words.value == "A line rising from 0 to 1 across the plot"
    slider.value = 3
    assert [k for k, _ in calls] == [1, 3] and all(p is plot for _, p in calls)
    assert words.value == "A line rising from 0 to 3 across the plot"
    assert ">3<" in box.children[1].value  # the table, refilled


def test_described_figure_shows_its_alt_in_every_form():
    import html
    import re

    from IPython.core.formatters import DisplayFormatter
    from matplotlib.figure import Figure

    from bpbook.display import described

    fig = Figure(figsize=(2, 1))
    fig.subplots().plot([3, 1, 2])
    alt = 'Three points: 3, then 1, then 2 ("a dip")'
    data, meta = DisplayFormatter().format(described(fig, alt, "The dip is at the second point."))
    img = re.search(r"<img [^>]*>", data["text/html"])[0]
    assert re.search(r'alt="([^"]*)"', img)[1] == html.escape(alt, quote=True)
    target = re.search(r'aria-describedby="([^"]+)"', img)[1]
    assert f'id="{target}">The dip is at the second point.<' in data["text/html"]
    assert meta["image/png"]["alt"].startswith(alt)
    assert data["text/plain"].startswith(f"Figure: {alt}")
    import base64
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
