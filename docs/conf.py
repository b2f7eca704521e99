"""Sphinx configuration of the static HTML edition (run by ``docs/build.py``, never by hand).

The source folder is ``_build/src``: the chapters executed by ``docs/build.py`` (``NN_slug.ipynb``,
outputs and widget state saved) and ``index.md``. myst-nb renders them with execution off. Every
script, stylesheet and font a page loads is local: MathJax 3, require.js and the widget manager
come from ``_static/vendor`` (``BPBOOK_VENDOR``, fetched by ``docs/build.py`` from npm).

Each chapter page gets, under its title, a "launch in Binder" link that opens that chapter and a
"download the notebook (.ipynb)" link; under each explorer (a cell that shows widgets), a note
that names its controls (switched off by ``docs/build.py``: a page has no kernel to recompute)
and says where they work, with the Binder link. The pages load ``bpbook-a11y.js``, the script
that also runs in JupyterLab (``jupyter_config/labextensions/bpbook-a11y``): it names the
sliders' handles and copies each explorer picture's text alternative into its ``alt``.
"""
import html
import json
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
A11Y_SCRIPT = ROOT / "jupyter_config" / "labextensions" / "bpbook-a11y" / "static"
html_static_path = [os.environ["BPBOOK_VENDOR"], str(ROOT / "docs" / "static"), str(A11Y_SCRIPT)]
html_css_files = ["bpbook.css"]
html_js_files = ["bpbook-a11y.js"]
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
    state = widget_state(app.env.doc2path(docname))
    for raw in list(doctree.findall(nodes.raw)):
        if WIDGET_VIEW in raw.astext():
            note = static_note(explorer_controls(raw.astext(), state), binder)
            raw.parent.insert(raw.parent.index(raw) + 1, _html(note))


# What a reader can move or press, by widget model: (kind, plural) as the note names them.
KINDS = {"IntSliderModel": "slider", "FloatSliderModel": "slider",
         "FloatLogSliderModel": "slider", "IntRangeSliderModel": "slider",
         "FloatRangeSliderModel": "slider", "SelectionSliderModel": "slider",
         "SelectionRangeSliderModel": "slider", "DropdownModel": "menu",
         "ToggleButtonsModel": "set of buttons", "RadioButtonsModel": "set of buttons",
         "CheckboxModel": "checkbox", "BoundedIntTextModel": "number box",
         "BoundedFloatTextModel": "number box", "IntTextModel": "number box",
         "FloatTextModel": "number box", "SelectModel": "list", "PlayModel": "play button"}


def widget_state(path):
    """The saved widget models of a notebook: {model id: model}."""
    nb = json.loads(Path(path).read_text())
    return nb["metadata"].get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})


def explorer_controls(view_json, state):
    """The controls of the explorer whose widget view is ``view_json``, in order: (kind, name)
    with kind "slider", "menu", "button", ..."""
    model_id = json.loads(re.search(r"\{.*\}", view_json, re.S)[0])["model_id"]
    found, todo, seen = [], [model_id], set()
    while todo:
        mid = todo.pop(0)
        if mid in seen or mid not in state:
            continue
        seen.add(mid)
        model = state[mid]
        name, kind = model["model_name"], None
        if name == "ButtonModel":
            kind = "button"
        elif name == "OutputModel" and not model["state"].get("outputs"):
            kind = "empty output"  # what a button fills when pressed
        elif name in KINDS:
            kind = KINDS[name]
        if kind:
            found.append((kind, model["state"].get("description", "")))
        todo[:0] = [c.removeprefix("IPY_MODEL_") for c in model["state"].get("children", [])]
    return found


PLURAL = {"set of buttons": "sets of buttons", "number box": "number boxes",
          "checkbox": "checkboxes"}


def static_note(controls, binder):
    """The note under an explorer: which of its controls are switched off here, and why."""
    empty = ("empty output", "") in controls
    controls = [c for c in controls if c[0] != "empty output"]
    labels = []
    for kind, name in controls:
        if kind == "button":
            label = f"the {name} button" if name else "the button"
        elif sum(1 for k, _ in controls if k == kind) == 1:
            label = f"the {kind}"
        else:
            label = f"the {PLURAL.get(kind, kind + 's')}"
        if label not in labels:
            labels.append(label)
    if not labels:
        return ('<p class="bp-static-note">A static copy of an explorer. Open the chapter in '
                f'<a class="bp-binder" href="{binder}">Binder</a> or JupyterLab to use it.</p>')
    them = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    one = len(controls) == 1
    pressed = (", before any press of its button" if empty and any(
        kind == "button" for kind, _ in controls) else "")
    return (f'<p class="bp-static-note">A static copy: {html.escape(them)} above '
            f'{"is" if one else "are"} switched off on this page, which has no Python behind '
            f'it to recompute what the explorer shows; what you see is the explorer as the '
            f'book was built{pressed}. To use {"it" if one else "them"}, open the chapter in '
            f'<a class="bp-binder" href="{binder}">Binder</a> or JupyterLab.</p>')


def setup(app):
    app.connect("doctree-read", add_links)
    return {"parallel_read_safe": True}
