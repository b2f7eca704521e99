"""Live feel: from a slider move to the new number, and to the settled picture, in a real browser.

The setting of tests/test_browser.py, with its list of explorers (one per chapter, ``EXPLORERS``):
JupyterLab with the book's configuration on loopback, Debian's Chromium driven by Playwright,
each chapter run from the Run menu. Then the explorer's slider is moved with the keyboard
(right, left, right, …: every move changes the watched number), and each move is timed inside
the page from the key's keydown event to

- the DOM mutation that shows the new number in the explorer's table, and
- for an explorer that draws (its output has a picture): the moment the new picture has been
  decoded and painted (the first animation frame after ``img.decode()``): "settled".

An explorer with a button (the XOR trainer's Train) is timed from the click instead, after the
slider move. Targets: ≤ 50 ms to the number where only numbers change, ≤ 100 ms to the settled
picture where a figure is redrawn, ≤ 2 s for a button that trains or an explorer that trains a
network on every move (those that widget_update holds to its retraining target). Baseline, measured
in the same run: bpbook's own computation of the table's numbers (the test's ``compute``) for the
same setting, in this process; the ratio says how much of the round trip is the browser, the widget
messages, the kernel and the drawing.

``run() -> list of rows`` for ``python -m benchmarks``: one row per chapter, the median of
``MOVES`` moves after ``WARMUP``, every sample in ``details``. ``python -m benchmarks.live_feel
[NN_slug ...]`` prints them (for the chapters named, or all).
"""
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.labdriver import (_CELL_OF, chromium, copy_book, lab_server, new_page, open_chapter,
                             press_key, run_all, sliders, stop_kernels, widget_values)
from tests.test_browser import EXPLORERS, explorer_cell

MOVES = 20
BUTTON_MOVES = 5
WARMUP = 2
TARGETS_MS = {"numbers": 50, "picture": 100, "button": 2000, "retrain": 2000}

# In ``cell``: watch the row ``label`` of the table ``sel`` until it shows a new value, and the
# explorer's pictures until a new one (a new img, or an img with a new src: an Image widget) has
# been decoded and painted. The clock starts at the next
# keydown on the focused element (``onKey``), else at once.
_WATCH = f"""(cell, [sel, label, column, onKey]) => {{
  const read = () => {{
    for (const t of cell.querySelectorAll(sel))
      for (const r of t.querySelectorAll('tbody tr')) {{
        const [name, value] = ({_CELL_OF})(r, column);
        if (name === label) return value;
      }}
    return null;
  }};
  const before = read();
  const old = new Map(Array.from(cell.querySelectorAll('.jp-OutputArea-output img'),
                               i => [i, i.src]));
  const s = window.__lf = {{t0: onKey ? null : performance.now(), number: null, picture: null,
                           decoding: false}};
  if (onKey)
    document.activeElement.addEventListener('keydown', () => {{ s.t0 = performance.now(); }},
                                            {{once: true, capture: true}});
  const obs = new MutationObserver(() => {{
    if (s.t0 === null) return;
    const now = read();
    if (s.number === null && now !== null && now !== before) s.number = performance.now() - s.t0;
    const fresh = Array.from(cell.querySelectorAll('.jp-OutputArea-output img'))
                       .filter(i => old.get(i) !== i.src);
    if (!s.decoding && fresh.length) {{
      s.decoding = true;
      Promise.all(fresh.map(i => i.decode().catch(() => null))).then(() =>
        requestAnimationFrame(() => {{ s.picture = performance.now() - s.t0; }}));
    }}
    if (s.number !== null && s.picture !== null) obs.disconnect();
  }});
  obs.observe(cell, {{subtree: true, childList: true, characterData: true, attributes: true}});
}}"""


def _has_picture(cell):
    return cell.locator(".jp-OutputArea-output img").count() > 0


def _timed(page, cell, ex, action, picture, on_key, timeout_ms=120000):
    """(ms to the new number, ms to the settled picture or None) for one ``action()``."""
    cell.evaluate(_WATCH, [ex.table, ex.watch, ex.column, on_key])
    action()
    done = "s => s.number !== null" + (" && s.picture !== null" if picture else "")
    page.wait_for_function(f"() => ({done})(window.__lf)", timeout=timeout_ms)
    number, pic = page.evaluate("() => [window.__lf.number, window.__lf.picture]")
    return number, pic if picture else None


def _moves(page, cell, ex, picture):
    """Samples (number ms, picture ms) of WARMUP + MOVES moves, the warm-up dropped."""
    handle = sliders(cell)[ex.slider].locator("[role=slider]").first
    button = cell.locator("button", has_text=ex.button).first if ex.button else None
    samples = []
    count = BUTTON_MOVES if button else MOVES
    for i in range(WARMUP + count):
        key = "ArrowRight" if i % 2 == 0 else "ArrowLeft"
        if button:
            press_key(page, sliders(cell)[ex.slider], key)
            sample = _timed(page, cell, ex, button.click, picture, on_key=False)
        else:
            handle.focus()
            sample = _timed(page, cell, ex, lambda: page.keyboard.press(key), picture, on_key=True)
        if i >= WARMUP:
            samples.append(sample)
    return samples


def _prepare(page, cell, ex):
    found = sliders(cell)
    for name, key in ex.prepare:
        press_key(page, found[name], key)
    if ex.button:
        cell.locator("button", has_text=ex.button).first.click()
        cell.locator(ex.table).first.wait_for(timeout=120000)
        page.wait_for_timeout(500)


def retraining():
    """The chapters whose explorer trains a network on every move: those that widget_update holds
    to its retraining target."""
    from benchmarks.widget_update import EXPLORERS as UPDATES, RETRAIN

    return {chapter for chapter, _, _, tgt in UPDATES if tgt is RETRAIN}


def _python_ms(ex, settings, repeats):
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        ex.compute(settings)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def measure(page, server, ex):
    """One chapter's row: open it, run it, time the explorer's moves."""
    open_chapter(page, server, ex.chapter)
    errors = [e for c in run_all(page) for e in c["errors"]]
    if errors:
        raise RuntimeError(f"{ex.chapter} raised in the browser: {errors}")
    cell = explorer_cell(page, ex)
    _prepare(page, cell, ex)
    picture = _has_picture(cell)
    samples = _moves(page, cell, ex, picture)
    settings = widget_values(cell)
    kind = ("button" if ex.button else "retrain" if ex.chapter in retraining()
            else "picture" if picture else "numbers")
    numbers = [n for n, _ in samples]
    settled = [p for _, p in samples] if picture else numbers
    value = statistics.median(settled)
    baseline = _python_ms(ex, settings, 3 if ex.button else 50)
    limit = TARGETS_MS[kind]
    what = {"button": "click Train to the new number and picture",
            "picture": "key to the settled picture", "numbers": "key to the new number",
            "retrain": "key to the settled picture (each move trains a network)"}[kind]
    return {"name": f"live_feel/{ex.chapter}", "benchmark": "live_feel", "value": value,
            "units": "ms",
            "baseline": {"name": "the table's numbers computed in Python", "value": baseline},
            "ratio": value / baseline if baseline else None,
            "target": {"of": "value", "op": "<=", "limit": limit, "text": f"<= {limit} ms"},
            "met": value <= limit,
            "note": f"median of {len(samples)} moves of {ex.slider}: {what}",
            "details": {"kind": kind, "number_ms_median": statistics.median(numbers),
                        "number_ms": [round(n, 1) for n in numbers],
                        "settled_ms": [round(p, 1) for p in settled] if picture else None,
                        "warmup_moves": WARMUP, "settings": settings}}


def _failed(ex, err):
    return {"name": f"live_feel/{ex.chapter}", "benchmark": "live_feel", "status": "error",
            "note": f"{type(err).__name__}: {err}"[:120], "details": {"error": str(err)}}


def run(only=None):
    """One row per chapter of ``EXPLORERS`` (or of the chapters named in ``only``)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="bpbook-live-feel-") as tmp:
        root = copy_book(Path(tmp) / "book")
        with lab_server(root, Path(tmp) / "lab") as server, chromium() as browser:
            for ex in EXPLORERS:
                if (only and ex.chapter not in only
                        or not (root / "chapters" / f"{ex.chapter}.py").exists()):
                    continue
                page = new_page(browser)
                try:
                    rows.append(measure(page, server, ex))
                except Exception as err:  # noqa: BLE001 - this chapter's row says what failed
                    rows.append(_failed(ex, err))
                finally:
                    page.close()
                    stop_kernels(server)
    return rows


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1:]), indent=1))
