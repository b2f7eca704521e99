"""The book in a real browser, as a student meets it (JupyterLab + Debian's Chromium).

For each chapter with an explorer: open the chapter by its tree URL, run all cells, check that no
cell failed and that the widgets rendered, move a slider with the keyboard, and check that every
number the explorer shows is the one bpbook computes for the sliders' new setting. Then save the
chapter and check that the file is byte for byte what it was: a student's run and save leaves the
repository as it was. The server serves a copy of the book (tests/labdriver.py).
"""
import difflib
import math
import re
from dataclasses import dataclass
from typing import Callable

import pytest

from tests.labdriver import (chromium, code_cells, copy_book, lab_server, new_page, open_chapter,
                       run_all, slider_value, sliders, table_rows, timed_key)

RUN_ALL_S = 600


@dataclass
class Explorer:
    """How the browser test reads one chapter's explorer."""
    chapter: str  # chapters/<chapter>.py
    table: str  # CSS selector of the table of numbers the explorer shows
    slider: str  # description of the slider the test moves
    watch: str  # row label of the table that must change when that slider moves
    compute: Callable[[dict], dict]  # {slider description: value} -> {row label: value}


def _worked(settings):
    from bpbook.explore_worked import SHOWN, worked_update
    from bpbook.worked import NAMES

    result = worked_update(**settings).result
    return {NAMES[k]: result[k] for k in SHOWN}


def _label(key):
    from bpbook.worked import NAMES

    return NAMES[key]


EXPLORERS = [
    Explorer("03_worked_example", "table.bp-explorer", slider="W2", watch=_label("dW2"),
             compute=_worked),
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


def shown_number(text):
    """A number as the table shows it (unicode minus allowed), and half its last digit's unit."""
    text = text.replace("\u2212", "-")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
        raise AssertionError(f"expected a plain decimal number in the table, got {text!r}")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), 0.5 * 10.0 ** -decimals


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

        cell = page.locator(".jp-Notebook .jp-Cell", has=page.locator(ex.table)).first
        found = sliders(cell)
        assert ex.slider in found, f"no slider {ex.slider!r} beside {ex.table}; found {sorted(found)}"
        settings = {name: slider_value(s) for name, s in found.items()}
        assert_table_matches(table_rows(cell, ex.table), ex.compute(settings), "before the move")

        before = table_rows(cell, ex.table)[ex.watch]
        _, after = timed_key(page, found[ex.slider], "ArrowRight", ex.table, ex.watch)
        new_settings = {name: slider_value(s) for name, s in found.items()}
        assert new_settings[ex.slider] > settings[ex.slider], (
            f"ArrowRight did not move slider {ex.slider}: {settings[ex.slider]} -> "
            f"{new_settings[ex.slider]}")
        assert after != before, f"{ex.watch} still shows {before} after the move"
        page.wait_for_timeout(300)  # let the rest of the table settle before reading it all
        assert_table_matches(table_rows(cell, ex.table), ex.compute(new_settings),
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
