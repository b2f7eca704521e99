"""The book in a real browser, as a student meets it (JupyterLab + Debian's Chromium).

For each chapter, one explorer: open the chapter by its tree URL, run all cells, check that no
cell failed and that the widgets rendered, move a slider with the keyboard (for an explorer with a
button, such as the XOR trainer's Train, then press the button), and check that every number the
explorer's table shows is the one bpbook computes for the widgets' new setting. Then save the
chapter and check that the file is byte for byte what it was: a student's run and save leaves the
repository as it was. The server serves a copy of the book (tests/labdriver.py).
"""
import difflib
import math
import re
from dataclasses import dataclass
from typing import Callable

import pytest

from tests.labdriver import (changed_by, chromium, code_cells, copy_book, lab_server, new_page,
                             open_chapter, press_key, run_all, sliders, stop_kernels, table_rows,
                             timed_key, widget_values)

RUN_ALL_S = 600


@dataclass
class Explorer:
    """How the browser test reads one chapter's explorer."""
    chapter: str  # chapters/<chapter>.py
    slider: str  # description of the slider the test moves (ArrowRight)
    watch: str  # row label of the table that must change when that slider moves
    compute: Callable[[dict], dict]  # {widget description: value} -> {row label: value}
    table: str = "table.bp-explorer"  # CSS selector of the table of numbers the explorer shows
    column: str | None = None  # the table's column to read (by header); None: the last one
    button: str | None = None  # a button that recomputes (pressed first and after the move)
    prepare: tuple = ()  # (slider, key) presses before the first reading


def _rows(table):
    """{row label: value} of a bpbook Table's numeric rows (the last column)."""
    return {r[0]: r[-1] for r in table.rows if not isinstance(r[-1], str)}


def _chain(settings):
    from bpbook.chapters.ch01_chain_rule import chain_state, chain_table

    return _rows(chain_table(chain_state(settings["x"])))


def _step(settings):
    from bpbook.chapters.ch02_computation_graph.replay import replay_frames, replay_table
    from bpbook.worked import worked_graph
    from bpbook.worked import DEFAULTS

    L = worked_graph(**{k: v for k, v in DEFAULTS.items() if k != "lr"})["L"]
    return _rows(replay_table(replay_frames(L), int(settings["step"])))


def _worked(settings):
    from bpbook.chapters.ch03_worked_example.explore import SHOWN, worked_update
    from bpbook.worked import NAMES

    result = worked_update(**settings).result
    return {NAMES[k]: result[k] for k in SHOWN}


def _xor(settings):
    from bpbook.chapters.ch05_xor import train as xor
    from bpbook.chapters.ch05_xor.plots import trainer_table

    run = xor.train(hidden=int(settings["hidden"]), activation=settings["activation"],
                    lr=settings["lr"], seed=int(settings["seed"]), epochs=int(settings["epochs"]))
    return _rows(trainer_table(run))


def _modes(settings):
    from bpbook.chapters.ch07_reverse_mode.explore import update

    return _rows(update(int(settings["inputs n"]), int(settings["hidden width"]),
                        int(settings["outputs k"])).table)


def _pitfalls(settings):
    from bpbook.chapters.ch08_vanishing_gradients.explore import table, update

    return _rows(table(update(depth=int(settings["depth"]), activation=settings["activation"],
                              init=settings["init"], gain=settings["gain"],
                              residual=settings["skip connections"])))


def _initialisation(settings):
    from bpbook.chapters.ch09_initialisation.explore import update

    return _rows(update(gain=settings["gain g"], depth=int(settings["depth"]),
                        activation=settings["activation"]).table)


def _checkpointing(settings):
    from bpbook.chapters.ch10_training_in_practice.explore import table, update

    result = table(update(depth=int(settings["depth"]), segment=int(settings["segment k"])))
    return {r[0]: r[1] for r in result.rows}  # the "checkpointed" column


def _activation(settings):
    from bpbook.chapters.ch06_activations.explore import explore

    return _rows(explore(settings["activation"], settings["z₀"]).table)


def _gradient_checking(settings):
    from bpbook.chapters.ch11_gradient_checking.explore import explore

    return _rows(explore(settings["log₁₀ ε"]).table)


def _torch(settings):
    from bpbook.chapters.ch12_pytorch.explore import QUANTITIES
    from bpbook.worked import worked_example

    names = {"x₁": "x1", "x₂": "x2", "y": "y", "W₂": "W2"}
    result = worked_example(**{names[k]: v for k, v in settings.items()})
    return {_label(q): result[q] for q in QUANTITIES}


def _classifier(settings):
    from bpbook.chapters.ch13_real_classifier.explore import update

    return _rows(update(lr=settings["η"], batch_size=int(settings["batch size"]),
                        hidden=int(settings["hidden units"])).table)


def _by_hand(settings):
    from bpbook.chapters.ch14_by_hand.explore import update

    return _rows(update(m=int(settings["batch size"]), tensor=settings["gradient of"]).table)
def _conv(settings):
    from bpbook.chapters.ch15_convolutions.explore import update

    kernel = settings["kernel"].replace("\xa0", " ")  # the page shows the name with nbsp
    return _rows(update(int(settings["test image"]), kernel).table)


def _rnn(settings):
    from bpbook.chapters.ch16_backprop_through_time.explore import update

    return _rows(update(rho=settings["ρ"], T=int(settings["T"]),
                        input_scale=float(settings["input scale"])).table)


def _label(key):
    from bpbook.worked import NAMES

    return NAMES[key]


EXPLORERS = [
    Explorer("01_chain_rule", slider="x", watch="dh/dx: backprop", compute=_chain),
    Explorer("02_computation_graph", slider="step", watch="upstream gradient", compute=_step),
    Explorer("03_worked_example", slider="W2", watch=_label("dW2"), compute=_worked),
    # Train runs 100 epochs (Home puts the epochs slider at its minimum): a second, not ten.
    Explorer("05_xor", slider="hidden", watch="final loss", compute=_xor, button="Train",
             prepare=(("epochs", "Home"),)),
    Explorer("07_reverse_mode", slider="inputs n", watch="forward mode", compute=_modes),
    Explorer("08_vanishing_gradients", slider="depth", watch="ratio first / last hidden", compute=_pitfalls),
    Explorer("09_initialisation", slider="depth", watch="Var(z_L) / Var(z₁)",
             compute=_initialisation),
    Explorer("10_training_in_practice", slider="depth", watch="layer forwards",
             compute=_checkpointing, column="checkpointed"),
    Explorer("06_activations", slider="z₀", watch="sigmoid(z₀)", compute=_activation),
    Explorer("11_gradient_checking", slider="log₁₀ ε", watch="measured error",
             compute=_gradient_checking),
    Explorer("12_pytorch", slider="W₂", watch=_label("dW2"), compute=_torch, column="bpbook"),
    Explorer("13_real_classifier", slider="hidden units", watch="test accuracy",
             compute=_classifier),
    Explorer("14_by_hand", slider="batch size", watch="loss", compute=_by_hand),
    Explorer("15_convolutions", slider="test image", watch="largest feature", compute=_conv),
    Explorer("16_backprop_through_time", slider="T", watch="ratio first / last", compute=_rnn),
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = copy_book(tmp_path_factory.mktemp("book"))
    with lab_server(root, tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def explorer_cell(page, ex):
    """The chapter's first cell that shows the explorer's table (or its button, before the first
    press)."""
    mark = page.locator("button", has_text=ex.button) if ex.button else page.locator(ex.table)
    return page.locator(".jp-Notebook .jp-Cell", has=mark).first


def shown_number(text):
    """A number as the table shows it (unicode minus and an exponent allowed), and half its last
    digit's unit."""
    text = text.replace("\u2212", "-")
    m = re.fullmatch(r"[+-]?\d+(?:\.(\d+))?(?:[eE]([+-]?\d+))?", text)
    if not m:
        raise AssertionError(f"expected a decimal number in the table, got {text!r}")
    decimals, exponent = len(m[1] or ""), int(m[2] or 0)
    return float(text), 0.5 * 10.0 ** (exponent - decimals)


def first_diff(old, new, lines=12):
    diff = difflib.unified_diff(old.decode().splitlines(), new.decode().splitlines(), "repository",
                                "saved", lineterm="")
    return "\n".join(list(diff)[:lines])


def assert_table_matches(rows, expected, context):
    missing = sorted(set(expected) - set(rows))
    assert not missing, f"{context}: rows {missing} not shown; the table has {sorted(rows)}"
    for label, value in expected.items():
        shown, half_unit = shown_number(rows[label])
        assert math.isclose(shown, value, abs_tol=half_unit * (1 + 1e-9)), (
            f"{context}: {label} shows {rows[label]} but bpbook computes {value!r}")


@pytest.mark.parametrize("ex", EXPLORERS, ids=lambda ex: ex.chapter)
def test_explorer_in_browser(lab, browser, ex, tmp_path):
    chapter = lab.root / "chapters" / f"{ex.chapter}.py"
    assert chapter.exists(), f"chapter {chapter.name} is listed in EXPLORERS but does not exist"
    original = chapter.read_bytes()
    page = new_page(browser)
    try:
        open_chapter(page, lab, ex.chapter)
        cells = run_all(page, RUN_ALL_S)
        failures = [f"cell {c['index']} ({c['source']!r}): {e}" for c in cells for e in c["errors"]]
        assert not failures, f"{ex.chapter} raised in the browser:\n" + "\n".join(failures)
        stderr = [f"cell {c['index']}: {c['stderr']}" for c in cells if c["stderr"]]
        assert not stderr, f"{ex.chapter} wrote to stderr:\n" + "\n".join(stderr)
        assert page.get_by_text("Error displaying widget").count() == 0, "a widget failed to render"

        cell = explorer_cell(page, ex)
        found = sliders(cell)
        assert ex.slider in found, f"no slider {ex.slider!r} in the explorer; found {sorted(found)}"
        for name, key in ex.prepare:
            press_key(page, found[name], key)
        if ex.button:
            cell.locator("button", has_text=ex.button).first.click()
            cell.locator(ex.table).first.wait_for(timeout=120000)
        settings = widget_values(cell)
        assert_table_matches(table_rows(cell, ex.table, ex.column), ex.compute(settings),
                             f"before the move, at {settings}")

        before = table_rows(cell, ex.table, ex.column)[ex.watch]
        if ex.button:
            press_key(page, found[ex.slider], "ArrowRight")
            _, after = changed_by(page, cell.locator("button", has_text=ex.button).first.click,
                                  ex.table, ex.watch, ex.column)
        else:
            _, after = timed_key(page, found[ex.slider], "ArrowRight", ex.table, ex.watch,
                                 ex.column)
        assert_keyboard_and_names(page, cell)
        new_settings = widget_values(cell)
        assert new_settings[ex.slider] > settings[ex.slider], (
            f"ArrowRight did not move slider {ex.slider}: {settings[ex.slider]} -> "
            f"{new_settings[ex.slider]}")
        assert after != before, f"{ex.watch} still shows {before} after the move"
        page.wait_for_timeout(300)  # let the rest of the table settle before reading it all
        assert_table_matches(table_rows(cell, ex.table, ex.column), ex.compute(new_settings),
                             f"after moving {ex.slider} to {new_settings[ex.slider]}")
        cell.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / f"{ex.chapter}.png"))

        page.keyboard.press("Control+s")
        page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty",
                               timeout=30000)
        assert chapter.read_bytes() == original, (
            f"saving {chapter.name} in JupyterLab changed the file (write it in the form Jupytext "
            f"saves: `jupytext --to py:percent chapters/{chapter.name}`):\n"
            + first_diff(original, chapter.read_bytes()))
        assert not page.console_errors, f"the page logged errors: {page.console_errors}"
    finally:
        page.close()
        stop_kernels(lab)


# Chapter 4's explorer is not in EXPLORERS: its tables label their rows with the δ of the sample
# shown, so rows cannot be found by label. It is read by position instead.
_OUTER_CELLS = """tables => tables.map(t => Array.from(t.querySelectorAll('th,td')).map(
  c => c.textContent.trim()))"""


def outer_cells(html):
    """The text of every header and data cell of each table ``bp-outer`` in ``html``."""
    tables = re.findall(r'<table class="bp-outer">(.*?)</table>', html, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", t)]
            for t in tables]


def test_outer_product_explorer_by_keyboard(lab, browser):
    """Chapter 4: the keyboard moves the "show" slider from sample 1 to sample 2, and every table
    then holds what ``outer_update`` computes for the second sample; Tab reaches the slider, which
    has a name and a focus outline."""
    from bpbook.chapters.ch04_matrix_form.matrix import (M, SEED, SIZES, batch_problem,
                                                         model_trace, outer_update)

    trace = model_trace(batch_problem(SIZES, M, SEED))
    page = new_page(browser)
    try:
        open_chapter(page, lab, "04_matrix_form")
        cells = run_all(page, RUN_ALL_S)
        failures = [f"cell {c['index']}: {e}" for c in cells for e in c["errors"]]
        assert not failures, "04_matrix_form raised in the browser:\n" + "\n".join(failures)
        cell = page.locator(".jp-Notebook .jp-Cell", has=page.locator("table.bp-outer")).first
        show = sliders(cell)["show"]
        readout = show.locator(".widget-readout").first
        for k in (0, 1):
            if k:
                press_key(page, show, "ArrowRight")
            assert readout.text_content().strip() == f"sample {k + 1}"
            shown = cell.locator("table.bp-outer").evaluate_all(_OUTER_CELLS)
            assert shown == outer_cells(outer_update(k, trace).html), f"sample {k + 1}"
        assert_keyboard_and_names(page, cell)
        assert not page.console_errors, f"the page logged errors: {page.console_errors}"
    finally:
        page.close()
        stop_kernels(lab)


# The explorer's controls in the order Tab visits them, and what a screen reader learns of each.
_CONTROLS = """cell => Array.from(cell.querySelectorAll(
  '.jp-OutputArea [role=slider], .jp-OutputArea select, .jp-OutputArea button, ' +
  '.jp-OutputArea input')).filter(e => !e.disabled)"""
_FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName, role: e.getAttribute('role'), label: e.getAttribute('aria-label'),
          text: (e.textContent || '').trim(), outline: s.outlineStyle,
          width: parseFloat(s.outlineWidth)};
}"""
_NAMES = """cell => Array.from(cell.querySelectorAll('.widget-slider')).map(s => ({
  description: s.querySelector('.widget-label').textContent.trim(),
  readout: s.querySelector('.widget-readout').textContent.trim(),
  label: s.querySelector('[role=slider]').getAttribute('aria-label'),
  text: s.querySelector('[role=slider]').getAttribute('aria-valuetext')}))"""
_PICTURES = """cell => Array.from(cell.querySelectorAll('.jp-OutputArea img')).map(
  i => i.getAttribute('alt'))"""


def assert_keyboard_and_names(page, cell):
    """A keyboard alone reaches every control of the explorer with Tab, each focused one shows
    an outline; every slider handle is named after its description, with its readout (rounded as
    shown) as value text; every picture has a text alternative of a sentence."""
    count = cell.evaluate(f"c => ({_CONTROLS})(c).length")
    assert count, "the explorer has no control to reach"
    cell.evaluate(f"c => ({_CONTROLS})(c)[0].focus()")
    seen = []
    for _ in range(2 * count):  # other stops (a link in a caption) may come between controls
        focused = page.evaluate(_FOCUSED)
        page.evaluate("() => { document.activeElement.dataset.bpSeen = '1'; }")
        if focused["role"] == "slider" or focused["tag"] in ("SELECT", "BUTTON", "INPUT"):
            seen.append(focused)
            assert focused["outline"] != "none" and focused["width"] >= 2, (
                f"a focused control shows no outline: {focused}")
        if len(seen) == count:
            break
        page.keyboard.press("Tab")
    missed = cell.evaluate(f"c => ({_CONTROLS})(c).filter(e => !e.dataset.bpSeen).map("
                           "e => e.outerHTML.slice(0, 100))")
    assert not missed, f"Tab from the first control never reached: {missed}"
    page.wait_for_timeout(100)  # bpbook-a11y names the handles on the next frame
    for s in cell.evaluate(_NAMES):
        assert s["label"] == s["description"], f"slider {s['description']!r} is named {s['label']!r}"
        assert s["text"] == s["readout"], (
            f"slider {s['description']!r} reads {s['text']!r} to a screen reader, shows "
            f"{s['readout']!r}")
    for alt in cell.evaluate(_PICTURES):
        assert alt and len(alt.split()) >= 4, f"an explorer picture has the alt {alt!r}"


def opened_as(page, timeout_ms=60000):
    """"notebook" or "editor": how the document just opened in the main area is shown."""
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell, .jp-FileEditor", timeout=timeout_ms)
    return "notebook" if page.locator(".jp-NotebookPanel").count() else "editor"


def test_double_click_opens_chapters_as_notebooks_and_modules_as_code(lab, browser):
    page = new_page(browser)
    try:
        module = sorted(p.name for p in (lab.root / "bpbook").glob("*.py") if p.name != "__init__.py")[0]
        page.goto(lab.lab_url("bpbook"))
        page.locator(".jp-DirListing-item", has_text=module).first.dblclick()
        assert opened_as(page) == "editor", f"bpbook/{module} opened as a notebook, not as code"

        chapter = sorted(p.name for p in (lab.root / "chapters").glob("[0-9][0-9]_*.py"))[0]
        page.goto(lab.lab_url("chapters"))
        page.locator(".jp-DirListing-item", has_text=chapter).first.dblclick()
        assert opened_as(page) == "notebook", f"chapters/{chapter} opened as text, not as a notebook"
        assert code_cells(page)["cells"], f"chapters/{chapter} opened as a notebook with no code"
    finally:
        page.close()
