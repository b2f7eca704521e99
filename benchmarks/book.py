"""``book``: wall time to execute every chapter, as the test suite does, and each one's share.

Each chapter (``chapters/NN_slug.py``, a Jupytext percent file) is read with ``jupytext.read`` and
executed top to bottom by nbclient in a fresh kernel of this environment, working directory
``chapters/``, one chapter after another (the kernel talks over IPC sockets in a private folder,
not TCP ports, so it cannot race other processes' kernels for ports on a shared machine). After the
last cell the kernel is stopped at once, as nbval stops the test suite's kernels: a graceful
shutdown would also wait for each kernel's interpreter teardown (up to half a second with torch
loaded), which no reader waits for. A cell stuck for ``CELL_TIMEOUT`` fails its chapter;
``outside_cells_s`` in a chapter's ``details`` is its time outside its cells (kernel start and
stop, messaging). The baseline is the fixed cost every chapter pays: a fresh kernel running one
cell, ``import bpbook`` (median of two); the book's baseline is that times the number of chapters.
The slowest cells of each chapter are in ``details``, and so are the kernel's CPU seconds
(``kernel_cpu_s``: user + system, its own and its children's, read by the kernel itself in one more
cell appended to the chapter): on a busy machine the wall time swells with the wait for a core, the
CPU seconds far less, so they are what to compare between two runs of a loaded machine (the book
row sums them).

The whole book runs once (it is the slow benchmark); quick mode runs only the shortest chapter.
"""
import datetime
import pathlib
import re
import tempfile
import time

from benchmarks.harness import failed, median, row, target

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTER = re.compile(r"^\d\d_[a-z0-9_]+\.py$")  # as conftest.py collects them
TARGET = target("value", "<=", 60.0, "≤ 60 s")
CELL_TIMEOUT = 300  # seconds; a chapter cell stuck longer fails that chapter
CPU = ("import resource as _r\n"
       "print(sum(getattr(_r.getrusage(w), f) for w in (_r.RUSAGE_SELF, _r.RUSAGE_CHILDREN)\n"
       "          for f in ('ru_utime', 'ru_stime')))")


def chapters():
    return sorted(p for p in (ROOT / "chapters").glob("*.py") if CHAPTER.match(p.name))


def execute(nb):
    """Run the notebook ``nb`` in a fresh kernel; return (seconds, [(cell seconds, index,
    first line), ...] slowest first, the kernel's CPU seconds)."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    nb.cells.append(nbformat.v4.new_code_cell(CPU))
    with tempfile.TemporaryDirectory(prefix="bpbook-bench-kernel-") as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/kernel")
        client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT, shutdown_kernel="immediate",
                                resources={"metadata": {"path": str(ROOT / "chapters")}})
        t0 = time.perf_counter()
        client.execute(cleanup_kc=True)  # stops the kernel, closes its client's sockets
        seconds = time.perf_counter() - t0
    cpu = float(nb.cells.pop().outputs[0]["text"])
    cells = [(_cell_seconds(c), i, c.source.strip().split("\n")[0][:60])
             for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    return seconds, sorted(cells, reverse=True), cpu


def _cell_seconds(cell):
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def overhead():
    """Seconds for a fresh kernel to run ``import bpbook``."""
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import bpbook")])
    return execute(nb)[0]


def run(cfg):
    import jupytext
    paths = chapters()
    if cfg.quick:
        paths = sorted(paths, key=lambda p: p.stat().st_size)[:1]
    fixed = median([overhead() for _ in range(cfg.reps(2))])
    timed, errors = {}, []
    for p in paths:
        try:
            timed[p.stem] = execute(jupytext.read(p))
        except Exception as err:  # noqa: BLE001 - the chapter's row says what went wrong
            errors.append(failed(f"book/{p.stem}", err))
    if errors:
        return [failed("book", RuntimeError(
            f"{len(errors)} chapter(s) failed: {', '.join(e['name'] for e in errors)}"))] + errors
    total = sum(s for s, _, _ in timed.values())
    cpu = sum(c for _, _, c in timed.values())
    rows = [row("book", total, "s", fixed * len(paths), f"{len(paths)} × kernel start + import",
                TARGET, f"{len(paths)} chapters{' (quick: one)' if cfg.quick else ''}, run once, "
                f"kernels' CPU {cpu:.1f} s",
                {"chapters": [p.name for p in paths], "overhead_per_chapter_s": fixed,
                 "kernel_cpu_s": round(cpu, 2),
                 "share": {k: s / total for k, (s, _, _) in timed.items()}})]
    for stem, (seconds, cells, cpu) in timed.items():
        rows.append(row(f"book/{stem}", seconds, "s", fixed, "kernel start + import", None,
                        f"share {seconds / total:.0%}, kernel CPU {cpu:.2f} s",
                        {"share": seconds / total, "kernel_cpu_s": round(cpu, 3),
                         "outside_cells_s": round(seconds - sum(c[0] for c in cells), 3),
                         "slowest_cells": [
                            {"seconds": round(s, 3), "cell": i, "starts": src}
                            for s, i, src in cells[:3]]}))
    return rows
