"""The static HTML edition (``make html`` → ``_build/html``) as its reader meets it: offline.

A small HTTP server serves ``_build/html`` on 127.0.0.1; Debian's Chromium opens the index and
every chapter page with every request to anywhere else blocked (and recorded). Each chapter page
must load every local file it asks for, show its figures, show its math typeset by MathJax (no
raw ``$…$`` or ``\\frac`` left in the visible text), show no traceback, render its explorers'
saved widgets with the static note under each, and link to Binder and to its notebook.

``make test`` builds the edition first (``make html``); run alone, this test fails if the build
is missing or older than a chapter, ``bpbook`` or ``requirements.txt``.

Accessibility (WCAG 2.1 AA): axe-core (pinned in ``docs/vendor.json``, fetched by ``make html``
into ``_build/vendor/tests``) runs on every page, in a wide window and in a 400 px one, after the
widgets have rendered; any critical or serious violation fails. Every image must have a text
alternative that describes it (not empty, not a file path, not a tool's default, a sentence);
every slider handle a name and a readout as text; no page may scroll sideways at 400 px; every
control of a saved explorer is switched off, with a note that names it.
"""
import contextlib
import functools
import http.server
import json
import re
import threading
import urllib.request
from pathlib import Path

import jupytext
import pytest

from tests.docs_build import build  # which chapters there are, an executed one's key
from tests.labdriver import chromium

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
HTML = BUILD / "html"
AXE = BUILD / "vendor" / "tests" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE = {"width": 400, "height": 800}

CHAPTERS = [p.stem for p in build.chapters()]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_RENDERED = ".cell_output > .jupyter-widgets, .cell_output .widget-subarea > .jupyter-widgets"
RAW_MATH = re.compile(r"\$[^$\n]{1,200}\$|\\(?:d?frac|partial|sigma|delta|hat|mathrm|cdot|qquad|"
                      r"sum|top|odot|eta|tanh)\b")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|Error displaying widget")


@pytest.fixture(scope="module")
def site():
    """The base URL of ``_build/html`` served on loopback (a fresh build is required)."""
    index = HTML / "index.html"
    if not index.exists():
        pytest.fail(f"{index} does not exist: build the static edition first (`make html`)")
    stale = [c.name for c in build.chapters()
             if build.key_of(BUILD / "executed" / f"{c.stem}.ipynb") != build.source_key(c)]
    if stale:
        pytest.fail(f"_build/html is older than {stale} (or bpbook, requirements.txt): run "
                    "`make html` again")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@contextlib.contextmanager
def offline_page(browser, base, viewport=None):
    """A page that may load only from ``base``; yields (page, record): ``record`` lists the
    blocked requests, the failed local ones and the page's errors."""
    page = browser.new_page(viewport=viewport or {"width": 1300, "height": 1000})
    record = {"blocked": [], "failed": [], "errors": []}

    def route(r):
        if r.request.url.startswith(base + "/"):
            r.continue_()
        else:
            record["blocked"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda r: r.url.startswith(base) and record["failed"].append(
        f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and record["failed"].append(
        f"{r.url}: HTTP {r.status}"))
    page.on("pageerror", lambda e: record["errors"].append(str(e)))
    page.on("console", lambda m: m.type == "error" and record["errors"].append(m.text))
    try:
        yield page, record
    finally:
        page.close()


# Resolves when MathJax (if the page loads it: only pages with math do) has typeset the page,
# with the number of math elements, of typeset ones, and of MathJax errors.
_MATH = """async () => {
  if (window.MathJax) await window.MathJax.startup.promise;
  const math = Array.from(document.querySelectorAll('.math'));
  return {math: math.length,
          typeset: math.filter(m => m.querySelector('mjx-container')).length,
          errors: document.querySelectorAll('mjx-merror').length};
}"""

# The reader's visible text: the article without code (cell inputs, code, highlighted blocks:
# printed text outputs) and without MathJax's own output, scripts and styles. A widget's
# Markdown that the widget manager shows as a raw <pre> stays in: a reader sees it.
_PROSE = """() => {
  const article = document.querySelector('article') || document.body;
  const copy = article.cloneNode(true);
  copy.querySelectorAll('.cell_input, code, .highlight, mjx-container, script, style')
      .forEach(e => e.remove());
  document.body.appendChild(copy);
  const text = copy.innerText;
  copy.remove();
  return text;
}"""

# Every image of the article: its source and whether it loaded with a size.
_IMAGES = """() => Array.from(document.querySelectorAll('article img')).map(
  i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}))"""


def figures_in(notebook):
    """How many figures (PNG/SVG outputs outside widgets) the executed chapter drew."""
    nb = json.loads(notebook.read_text())
    return sum(1 for c in nb["cells"] for o in c.get("outputs", [])
               if {"image/png", "image/svg+xml"} & set(o.get("data", {})))


def widget_views(notebook):
    nb = json.loads(notebook.read_text())
    return sum(1 for c in nb["cells"] for o in c.get("outputs", [])
               if WIDGET_VIEW in o.get("data", {}))


def open_offline(page, url, explorers=0):
    """Open ``url``; wait until its ``explorers`` saved widgets have rendered and MathJax has
    typeset everything, the widgets' math included. Return _MATH's counts."""
    page.goto(url, wait_until="load")
    if explorers:
        page.wait_for_function(
            f"n => document.querySelectorAll('{_RENDERED}').length >= n", arg=explorers,
            timeout=30000)
    page.wait_for_load_state("networkidle")
    return page.evaluate(_MATH)


def assert_offline(record, name):
    assert not record["blocked"], f"{name} asked for files off this server: {record['blocked']}"
    assert not record["failed"], f"{name}: local requests failed: {record['failed']}"
    assert not record["errors"], f"{name} logged errors: {record['errors']}"


def test_every_chapter_has_a_page():
    missing = [c for c in CHAPTERS if not (HTML / f"{c}.html").exists()]
    assert CHAPTERS and not missing, f"chapters without a page in {HTML}: {missing}"


def test_no_page_references_the_network():
    """No script, stylesheet, font or image of any built page (HTML, CSS) comes over http(s)."""
    tag = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=[\"']"
                     r"(?:https?:)?//[^\"']*", re.I)
    css = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])(?:https?:)?//[^)\"']*", re.I)
    found = []
    for path in HTML.rglob("*"):
        if path.suffix in (".html", ".css"):
            text = path.read_text(errors="replace")
            pattern = tag if path.suffix == ".html" else css
            found += [f"{path.relative_to(HTML)}: {m[0][:120]}" for m in pattern.finditer(text)
                      if "/*" not in text[max(0, m.start() - 80):m.start()]]
    assert not found, "pages load from the network:\n" + "\n".join(found[:20])


def test_index_lists_every_chapter_offline(site, browser):
    with offline_page(browser, site) as (page, record):
        open_offline(page, f"{site}/index.html")
        links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
        missing = [c for c in CHAPTERS if f"{c}.html" not in links]
        assert not missing, f"the index does not link to {missing}"
        images = page.evaluate(_IMAGES)
        assert images and all(i["ok"] for i in images), f"the index's picture: {images}"
        assert_offline(record, "index.html")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_offline(site, browser, chapter):
    executed = BUILD / "executed" / f"{chapter}.ipynb"
    views = widget_views(executed)
    with offline_page(browser, site) as (page, record):
        math = open_offline(page, f"{site}/{chapter}.html", views)

        assert math["math"] > 0 and math["typeset"] == math["math"], (
            f"MathJax typeset {math['typeset']} of the {math['math']} formulas")
        assert math["errors"] == 0, f"{math['errors']} formulas failed to typeset"
        prose = page.evaluate(_PROSE)
        raw = sorted({m[0] for m in RAW_MATH.finditer(prose)})
        assert not raw, f"raw TeX in the visible text: {raw[:10]}"
        assert not TRACEBACK.search(prose), f"a traceback on the page: {TRACEBACK.search(prose)[0]}"

        images = page.evaluate(_IMAGES)
        broken = [i["src"] for i in images if not i["ok"]]
        assert not broken, f"figures that did not load: {broken}"
        assert len(images) >= figures_in(executed), (
            f"{len(images)} figures shown, the chapter drew {figures_in(executed)}")

        if views:
            controls = page.locator(".jupyter-widgets .widget-slider, .jupyter-widgets select, "
                                    ".jupyter-widgets button")
            assert controls.count() > 0, "the explorers show no controls"
            notes = page.locator("p.bp-static-note")
            assert notes.count() == views, f"{notes.count()} static notes for {views} explorers"
            assert all(n.is_visible() for n in notes.all()), "a static note is hidden"

        binder = page.locator("p.bp-links a.bp-binder").get_attribute("href")
        assert binder.endswith(f"?urlpath=lab/tree/chapters/{chapter}.py"), binder
        assert binder.startswith("https://mybinder.org/v2/"), binder
        download = page.locator("p.bp-links a.bp-download").get_attribute("href")
        with urllib.request.urlopen(f"{site}/{download}", timeout=30) as r:
            nb = json.load(r)
        source = jupytext.read(ROOT / "chapters" / f"{chapter}.py")
        assert ["".join(c["source"]) for c in nb["cells"]] == [c.source for c in source.cells]
        assert not any(c.get("outputs") for c in nb["cells"]), "the download has outputs"
        assert_offline(record, f"{chapter}.html")


def test_links_between_pages_resolve():
    """Every relative link of a chapter page (to another chapter, the index, a notebook) points
    at a file of the build; a chapter's link to ``NN_slug.py`` becomes a link to its page."""
    href = re.compile(r'href="(?!https?:|#|mailto:)([^"#?]+)')
    for chapter in CHAPTERS:
        text = (HTML / f"{chapter}.html").read_text()
        missing = sorted({h for h in href.findall(text) if not (HTML / h).exists()})
        assert not missing, f"{chapter}.html links to files the build lacks: {missing}"
        assert not re.search(r'href="\d\d_[a-z0-9_]+\.py', text), f"{chapter}.html links a .py"


# ------------------------------------------------------------------------------- accessibility

PAGES = ["index", *CHAPTERS]
# A text alternative that says nothing: a file name or path, a data URL, a tool's default text.
ALT_PATH = re.compile(r"^\S*[/\\]\S*$|^\S+\.(?:png|jpe?g|svg|gif)$|^data:", re.I)
ALT_DEFAULTS = {"", "image", "figure", "plot", "png", "picture", "graph", "chart",
                "no description has been provided for this image"}

# Every image of the page (the article's and the widgets'), with what a screen reader gets.
_ALTS = """() => Array.from(document.querySelectorAll('article img')).map(i => ({
  src: (i.getAttribute('src') || '').slice(0, 60), alt: i.getAttribute('alt'),
  label: i.getAttribute('aria-label'), decorative: i.getAttribute('role') === 'presentation'}))"""

# Every slider handle: its name, value text, and whether its readout matches.
_HANDLES = """() => Array.from(document.querySelectorAll('article .noUi-handle')).map(h => {
  const slider = h.closest('.widget-slider');
  const readout = slider && slider.querySelector('.widget-readout');
  return {label: h.getAttribute('aria-label'), text: h.getAttribute('aria-valuetext'),
          readout: readout ? readout.textContent.trim() : null,
          disabled: !!h.closest('[disabled]')};
})"""

# Controls a reader could still use: enabled inputs, buttons, selects, slider handles.
_ENABLED = """() => Array.from(document.querySelectorAll(
  'article .jupyter-widgets button, article .jupyter-widgets select, ' +
  'article .jupyter-widgets input, article .jupyter-widgets textarea, ' +
  'article .jupyter-widgets .noUi-target')).filter(e => !e.disabled &&
  !e.hasAttribute('disabled')).map(e => e.outerHTML.slice(0, 120))"""


def axe(page):
    """axe-core's WCAG 2.1 A/AA (and best-practice) results on ``page``: its violations."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make html` fetches axe-core (docs/vendor.json)")
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                           "resultTypes: ['violations']})", WCAG_AA)
    return result["violations"]


def serious(violations):
    """``["impact rule-id: help (n nodes: first target)", ...]`` for critical/serious ones."""
    return [f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}: "
            f"{v['nodes'][0]['target']})" for v in violations
            if v["impact"] in ("critical", "serious")]


def bad_alt(image):
    """Why a screen reader would learn nothing from ``image``'s text alternative (or None)."""
    if image["decorative"]:
        return None
    text = (image["alt"] if image["alt"] is not None else image["label"] or "").strip()
    if ALT_PATH.match(text):
        return "a file path" if text else "empty"
    if text.lower().rstrip(".") in ALT_DEFAULTS:
        return "a generic default"
    if len(text.split()) < 4:
        return "too short to describe a figure"
    return None


def open_page(page, site, name):
    views = widget_views(BUILD / "executed" / f"{name}.ipynb") if name != "index" else 0
    open_offline(page, f"{site}/{name}.html", views)
    page.wait_for_timeout(300)  # bpbook-a11y.js names the widgets on the next frame
    return views


# JupyterLab at 1024 px with the file browser open leaves a 590 px column for a cell, whose text
# is 14 px (--jp-content-font-size1). A 622 px window gives the pages' article the same 590 px
# (16 px padding each side); its font is set to 14 px (MathJax's output scales with it).
NOTEBOOK_COLUMN = {"width": 622, "height": 900}
_WIDE_EQUATIONS = """() => Array.from(document.querySelectorAll(
  'article mjx-container[display="true"]')).filter(m => m.scrollWidth > m.clientWidth + 1).map(
  m => `${m.scrollWidth} px: ${(m.querySelector('mjx-assistive-mml') || m).textContent.slice(0, 90)}`)"""


def resize(page, viewport):
    page.set_viewport_size(viewport)
    page.wait_for_timeout(300)  # the layout settles; bpbook-a11y.js marks boxes that now scroll


@pytest.mark.parametrize("name", PAGES)
def test_page_is_accessible(site, browser, name):
    """One page, three windows. Wide: axe finds no critical or serious WCAG 2.1 AA violation,
    every image is described, every slider handle has a name and its readout as value text, no
    control is left enabled. A phone (400 px): no sideways scroll, axe again. A 590 px notebook
    column: every display equation fits."""
    with offline_page(browser, site) as (page, record):
        views = open_page(page, site, name)
        found = serious(axe(page))
        assert not found, f"{name}.html (1300 px): axe:\n" + "\n".join(found)
        images = page.evaluate(_ALTS)
        bad = [f"{i['src']}…: alt {i['alt']!r} is {bad_alt(i)}" for i in images if bad_alt(i)]
        assert not bad, f"{name}.html: images without a text alternative:\n" + "\n".join(bad)
        handles = page.evaluate(_HANDLES)
        unnamed = [h for h in handles if not h["label"] or h["text"] != h["readout"]]
        assert not unnamed, f"{name}.html: slider handles without a name or value text: {unnamed}"
        if views:
            enabled = page.evaluate(_ENABLED)
            assert not enabled, f"{name}.html: controls that move but change nothing: {enabled}"

        resize(page, PHONE)
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= PHONE["width"], f"{name}.html scrolls sideways at 400 px ({wide} px wide)"
        found = serious(axe(page))
        assert not found, f"{name}.html (400 px): axe:\n" + "\n".join(found)

        resize(page, NOTEBOOK_COLUMN)
        page.add_style_tag(content="article { font-size: 14px !important; }")
        page.wait_for_timeout(100)
        width = page.evaluate("() => document.querySelector('article').clientWidth")
        assert width == NOTEBOOK_COLUMN["width"], f"the article is {width} px wide, not 622"
        wide = page.evaluate(_WIDE_EQUATIONS)
        assert not wide, f"{name}: display equations wider than a 590 px column:\n" + "\n".join(wide)
