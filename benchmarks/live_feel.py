"""Live feel: how long from a slider move to the new number on screen, in a real browser.

The setting of tests/test_browser.py: JupyterLab with the book's configuration on loopback,
Debian's Chromium driven by Playwright, the worked-example chapter run from the Run menu. Then
the W2 slider is moved with the keyboard (right, left, right, …: every move changes dL/dW2),
and each move is timed inside the page, from the key's keydown event to the DOM mutation that
shows the new dL/dW2. Baseline, measured in the same run: bpbook's own update function
(`worked_update`) for the same setting, in this process; the ratio says how much of the round
trip is the browser, the widget messages and the kernel.

``run() -> dict``: a result row for ``python -m benchmarks`` (median in ms, every sample in
``details``). ``python -m benchmarks.live_feel`` prints it.
"""
import json
import statistics
import tempfile
import time
from pathlib import Path

from tests.labdriver import (chromium, copy_book, lab_server, new_page, open_chapter, run_all,
                             sliders, slider_value, timed_key)

CHAPTER = "03_worked_example"
TABLE = "table.bp-explorer"
SLIDER = "W2"
MOVES = 20
WARMUP = 2
TARGET_MS = 150


def _python_update_ms(settings, repeats=200):
    from bpbook.chapters.ch03_worked_example.explore import worked_update

    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        worked_update(**settings)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def _round_trips(page, cell, watch):
    slider = sliders(cell)[SLIDER]
    samples = []
    for i in range(WARMUP + MOVES):
        ms, _ = timed_key(page, slider, "ArrowRight" if i % 2 == 0 else "ArrowLeft", TABLE, watch)
        if i >= WARMUP:
            samples.append(ms)
    return samples


def run():
    from bpbook.worked import NAMES

    with tempfile.TemporaryDirectory(prefix="bpbook-live-feel-") as tmp:
        root = copy_book(Path(tmp) / "book")
        with lab_server(root, Path(tmp) / "lab") as server, chromium() as browser:
            page = new_page(browser)
            open_chapter(page, server, CHAPTER)
            errors = [e for c in run_all(page) for e in c["errors"]]
            if errors:
                raise RuntimeError(f"{CHAPTER} raised in the browser: {errors}")
            cell = page.locator(".jp-Notebook .jp-Cell", has=page.locator(TABLE)).first
            samples = _round_trips(page, cell, NAMES["dW2"])
            settings = {name: slider_value(s) for name, s in sliders(cell).items()}
    value, baseline = statistics.median(samples), _python_update_ms(settings)
    return {"name": f"live_feel/{CHAPTER}", "benchmark": "live_feel", "value": value,
            "units": "ms", "baseline": {"name": "worked_update in Python", "value": baseline},
            "ratio": value / baseline,
            "target": {"of": "value", "op": "<=", "limit": TARGET_MS, "text": f"<= {TARGET_MS} ms"},
            "met": value <= TARGET_MS,
            "note": f"median of {MOVES} keyboard moves of slider {SLIDER}, key to new number",
            "details": {"samples_ms": [round(s, 2) for s in samples], "min_ms": min(samples),
                        "max_ms": max(samples), "warmup_moves": WARMUP}}


if __name__ == "__main__":
    print(json.dumps(run(), indent=1))
