"""Sphinx configuration of the static HTML edition (run by ``docs/build.py``, never by hand).

The source folder is ``_build/src``: the chapters executed by ``docs/build.py`` (``NN_slug.ipynb``,
outputs and widget state saved) and ``index.md``. myst-nb renders them with execution off. Every
script, stylesheet and font a page loads is local: MathJax 3, require.js and the widget manager
come from ``_static/vendor`` (``BPBOOK_VENDOR``, fetched by ``docs/build.py`` from npm).

Each chapter page gets, under its title, a "launch in Binder" link that opens that chapter and a
"download the notebook (.ipynb)" link; under each explorer (a cell that shows widgets), a note
that the page is a static copy, with the Binder link.
"""
import html
import os
import re
from pathlib import Path

from docutils import nodes

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = re.compile(r"^\d\d_[a-z0-9_]+$")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def binder_base():
    """The README badge's Binder URL (``...?urlpath=lab/tree/chapters``): one place to change."""
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"\((https://mybinder\.org/v2/[^)\s]+\?urlpath=lab/tree/chapters)\)", readme)
    if not m:
        raise RuntimeError("README.md has no Binder badge link ending in "
                           "?urlpath=lab/tree/chapters; the pages' Binder links are built from it")
    return m[1]


BINDER = binder_base()

project = "bpbook: backpropagation, computed"
author = "the bpbook authors"
copyright = "the bpbook authors"
extensions = ["myst_nb"]
exclude_patterns = ["**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]

nb_execution_mode = "off"
nb_ipywidgets_js = {"vendor/require.js": {}, "vendor/html-manager/embed-amd.js": {}}
nb_merge_streams = True
nb_render_markdown_format = "myst"  # Markdown outputs get the chapters' $…$ math too
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

mathjax_path = "vendor/mathjax/tex-chtml.js"
mathjax_config_path = "mathjax_config.js"  # typesets math inside saved widgets, too

html_theme = "sphinx_book_theme"
html_title = "bpbook"
html_static_path = [os.environ["BPBOOK_VENDOR"], str(ROOT / "docs" / "static")]
html_css_files = ["bpbook.css"]
html_favicon = str(ROOT / "docs" / "static" / "favicon.svg")
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
}
html_context = {"default_mode": "light"}
html_show_sourcelink = False
html_copy_source = False


def binder_link(docname):
    return f"{BINDER}/{docname}.py"


def _html(text):
    return nodes.raw("", text, format="html")


def add_links(app, doctree):
    """The Binder and download links under a chapter's title; the static note under each
    explorer."""
    docname = app.env.docname
    if not CHAPTER.match(docname):
        return
    binder = html.escape(binder_link(docname))
    links = _html(
        f'<p class="bp-links"><a class="bp-binder" href="{binder}">launch in Binder</a>'
        f' (opens this chapter live) · <a class="bp-download" href="notebooks/{docname}.ipynb" '
        f'download>download the notebook (.ipynb)</a></p>')
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is None:
        raise RuntimeError(f"{docname} has no title to put the Binder link under")
    title.parent.insert(title.parent.index(title) + 1, links)
    note = (f'<p class="bp-static-note">A static copy: the sliders above show their saved '
            f'setting and do not move here. Open the chapter in '
            f'<a class="bp-binder" href="{binder}">Binder</a> or JupyterLab to move them.</p>')
    for raw in list(doctree.findall(nodes.raw)):
        if WIDGET_VIEW in raw.astext():
            raw.parent.insert(raw.parent.index(raw) + 1, _html(note))


def setup(app):
    app.connect("doctree-read", add_links)
    return {"parallel_read_safe": True}
