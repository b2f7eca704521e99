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
        PNG(b"GIF89a...")
