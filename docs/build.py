"""Build the static HTML edition of the book: ``make html`` runs this, writing ``_build/html/``.

Four steps, each reusing what is still valid from the last build:

1. **Vendor** the browser libraries that the pages load (MathJax, require.js, the widget manager
   ``@jupyter-widgets/html-manager``) with ``npm pack`` at the versions pinned in
   ``docs/vendor.json``, checking each tarball's sha512 against the pin. They are unpacked into
   ``_build/vendor/`` (never committed) and served from the pages' ``_static/vendor/``, so a
   page needs no network at view time. axe-core, which only the tests load into the pages
   (``tests/test_html.py``), goes to ``_build/vendor/tests/``.
2. **Execute** every chapter (``chapters/NN_slug.py``, found by glob) top to bottom in a fresh
   kernel of the book's environment (this Python; kernels over IPC sockets, ``--jobs`` chapters
   at a time), saving outputs and the widgets' state into ``_build/executed/NN_slug.ipynb``. A
   chapter is run again only when its key changes: the hash of the chapter, every ``bpbook``
   source file and ``requirements.txt``. A chapter that raises stops the build with the error.
3. **Notebooks to download**: each chapter as a clean ``.ipynb`` (no outputs), for the page's
   "download the notebook" link.
4. **Sphinx** (with myst-nb, from ``.venv-docs``: ``docs/requirements.txt``) renders the executed
   notebooks and ``docs/index.md`` with execution off; ``docs/conf.py`` adds each chapter's
   Binder and download links and the note under each explorer.

``python docs/build.py [--out _build] [--jobs 2] [--fresh] [--only NN_slug ...]``; ``--fresh``
ignores every cache (what ``make bench`` times); ``--only`` builds a few chapters (and the one
that draws the index's picture), for a quick check.
"""
import argparse
import base64
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHAPTER = re.compile(r"^\d\d_[a-z0-9_]+\.py$")  # as conftest.py collects them
CELL_TIMEOUT = 600  # seconds; a cell stuck longer fails the build
SPHINX = ROOT / ".venv-docs" / "bin" / "sphinx-build"
# The index page's picture: the first figure that a cell calling COVER_CALL draws in COVER.
COVER, COVER_CALL = "02_computation_graph", "draw_graph("


def chapters(only=None):
    """Every chapter file, or those whose stem is in ``only``."""
    found = sorted(p for p in (ROOT / "chapters").glob("*.py") if CHAPTER.match(p.name))
    return [p for p in found if not only or p.stem in only]


# ---------------------------------------------------------------------------------- 1. vendor

def vendor(out):
    """Unpack every pinned npm package's files into ``out/vendor/static/vendor`` (Sphinx copies
    ``static`` into the pages' ``_static``); return ``static``. A package already unpacked at its
    pinned version is kept."""
    pins = {k: v for k, v in json.loads((DOCS / "vendor.json").read_text()).items()
            if not k.startswith("_")}
    static = out / "vendor" / "static"
    for name, pin in pins.items():
        stamp = out / "vendor" / f"{name.replace('/', '+')}.done"
        if stamp.exists() and stamp.read_text() == pin["integrity"]:
            continue
        with tempfile.TemporaryDirectory(prefix="bpbook-npm-") as tmp:
            tarball = _npm_pack(f"{name}@{pin['version']}", pin["integrity"], Path(tmp))
            with tarfile.open(tarball) as tar:
                tar.extractall(tmp, filter="data")
            folder = out / "vendor" / "tests" if pin.get("for") == "tests" else static / "vendor"
            for src, dest in pin["files"].items():
                _copy(Path(tmp) / "package" / src, folder / dest)
        stamp.write_text(pin["integrity"])
    return static


def _npm_pack(spec, integrity, dest):
    if not shutil.which("npm"):
        raise SystemExit("error: npm not found; the static edition fetches MathJax, require.js "
                         "and the widget manager with it (Debian: apt-get install npm)")
    done = subprocess.run(["npm", "pack", "--json", "--pack-destination", str(dest), spec],
                          capture_output=True, text=True, cwd=dest)
    if done.returncode != 0:
        raise SystemExit(f"error: `npm pack {spec}` failed:\n{done.stderr[-2000:]}")
    tarball = dest / json.loads(done.stdout)[0]["filename"]
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != integrity:
        raise SystemExit(f"error: {spec} from npm has integrity {digest}, but docs/vendor.json "
                         f"pins {integrity}")
    return tarball


def _copy(src, dest):
    if dest.exists():
        shutil.rmtree(dest) if dest.is_dir() else dest.unlink()
    dest.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("*.map"))
    else:
        shutil.copy2(src, dest)


# --------------------------------------------------------------------------------- 2. execute

def source_key(chapter):
    """What an executed chapter depends on: the chapter, bpbook's files, requirements.txt."""
    h = hashlib.sha256()
    package = sorted(p for p in (ROOT / "bpbook").rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts)
    files = [chapter, ROOT / "requirements.txt", *package]
    for f in files:
        h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def execute_all(out, jobs, fresh, only=None):
    """Executed notebooks of every chapter in ``out/executed``; return {stem: seconds run} for
    the chapters run now (a reused one is absent)."""
    folder = out / "executed"
    folder.mkdir(parents=True, exist_ok=True)
    todo = []
    for chapter in chapters(only):
        key, target = source_key(chapter), folder / f"{chapter.stem}.ipynb"
        if fresh or not target.exists() or key_of(target) != key:
            todo.append((chapter, key, target))
    for stale in set(folder.glob("*.ipynb")) - {folder / f"{c.stem}.ipynb" for c in chapters(only)}:
        stale.unlink()
    seconds = {}
    workers = max(1, min(jobs, len(todo) or 1))
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        runs = {pool.submit(execute, str(c), key): (c, target) for c, key, target in todo}
        for done in concurrent.futures.as_completed(runs):
            chapter, target = runs[done]
            text, secs = done.result()
            target.write_text(text)
            seconds[chapter.stem] = secs
            print(f"[html] executed {chapter.name} in {secs:.1f} s", flush=True)
    return seconds


def key_of(notebook):
    """The source key an executed notebook was run with (None if unreadable)."""
    try:
        return json.loads(notebook.read_text())["metadata"].get("bpbook", {}).get("source_key")
    except (OSError, ValueError, KeyError):
        return None


def readers_env():
    """This process's environment without a student's id: the static edition is a reader alone's
    (``bpbook.variants`` would otherwise give the pages a hub user's own numbers)."""
    return {k: v for k, v in os.environ.items() if k not in ("BPBOOK_STUDENT", "JUPYTERHUB_USER")}


def execute(chapter, key):
    """Run one chapter in a fresh kernel (working directory ``chapters/``); return (the executed
    notebook as JSON text, seconds). A cell that raises raises here, naming the chapter."""
    import jupytext
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    chapter = Path(chapter)
    nb = jupytext.read(chapter)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matrices; two chapters share 2 cores
    with tempfile.TemporaryDirectory(prefix="bpbook-html-kernel-") as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/kernel")
        client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT, store_widget_state=True,
                                resources={"metadata": {"path": str(chapter.parent)}})
        t0 = time.perf_counter()
        try:
            # The book's default numbers, even where a hub's user or a graded student is set
            # (bpbook.variants reads them): cleanup_kc closes the client's sockets too.
            client.execute(cleanup_kc=True, env=readers_env())
        except CellExecutionError as err:
            raise RuntimeError(f"{chapter.name} raised while building the static edition:\n{err}")
        finally:
            if km.has_kernel:  # nbclient leaves a kernel it was handed running
                km.shutdown_kernel(now=True)
        seconds = time.perf_counter() - t0
    nb.metadata["bpbook"] = {"source_key": key, "chapter": f"chapters/{chapter.name}"}
    return nbformat.writes(nb), seconds


# -------------------------------------------------------------------------------- 3. download

def clean_notebooks(dest, only=None):
    """Each chapter as an .ipynb without outputs (what JupyterLab opens from the .py file)."""
    import jupytext

    dest.mkdir(parents=True, exist_ok=True)
    for chapter in chapters(only):
        jupytext.write(jupytext.read(chapter), dest / f"{chapter.stem}.ipynb")


# ---------------------------------------------------------------------------------- 4. sphinx

def stage(out):
    """Sphinx's source folder: docs/index.md, the executed notebooks and the index picture. A
    file whose bytes did not change keeps its time stamp, so Sphinx rereads only what changed."""
    src = out / "src"
    src.mkdir(parents=True, exist_ok=True)
    wanted = {"index.md": (DOCS / "index.md").read_bytes()}
    for nb in sorted((out / "executed").glob("*.ipynb")):
        wanted[nb.name] = controls_off(page_links(nb.read_text())).encode()
    wanted["cover.png"] = cover_png(out / "executed" / f"{COVER}.ipynb")
    for name, data in wanted.items():
        path = src / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    for extra in set(p.name for p in src.iterdir() if p.is_file()) - set(wanted):
        (src / extra).unlink()
    return src


# A chapter's link to another chapter, ``[chapter 3](03_worked_example.py#notation)``: in JupyterLab
# the .py file opens as a notebook; on the web the link goes to that chapter's page.
CHAPTER_LINK = re.compile(r"\]\((\d\d_[a-z0-9_]+)\.py(#[^)\s]*)?\)")


def page_links(notebook_json):
    """The executed notebook with its Markdown cells' links to chapters (``NN_slug.py``) pointed
    at their pages (``NN_slug.ipynb``, which Sphinx turns into ``NN_slug.html``)."""
    nb = json.loads(notebook_json)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            cell["source"] = CHAPTER_LINK.sub(lambda m: f"]({m[1]}.ipynb{m[2] or ''})", source)
    return json.dumps(nb, indent=1)


# Widget models whose control a reader could move or press: off in the static pages.
CONTROL_MODELS = {"IntSliderModel", "FloatSliderModel", "FloatLogSliderModel",
                  "IntRangeSliderModel", "FloatRangeSliderModel", "SelectionSliderModel",
                  "SelectionRangeSliderModel", "DropdownModel", "ButtonModel",
                  "ToggleButtonModel", "ToggleButtonsModel", "RadioButtonsModel", "CheckboxModel",
                  "SelectModel", "SelectMultipleModel", "BoundedIntTextModel",
                  "BoundedFloatTextModel", "IntTextModel", "FloatTextModel", "TextModel",
                  "PlayModel"}


def controls_off(notebook_json):
    """The notebook with every control of its saved widgets disabled: a static page has no
    kernel, so a control that moved would change its readout and nothing else (the note under
    each explorer, docs/conf.py, says why they are off)."""
    nb = json.loads(notebook_json)
    state = nb["metadata"].get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model in state.values():
        if model.get("model_name") in CONTROL_MODELS:
            model["state"]["disabled"] = True
    return json.dumps(nb, indent=1)


def cover_png(notebook):
    """The index page's picture (PNG bytes): the first figure drawn by a cell of ``notebook``
    whose code calls ``COVER_CALL`` (the running example's graph, drawn by ``bpbook.draw``)."""
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or COVER_CALL not in "".join(cell["source"]):
            continue
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                return base64.b64decode("".join(png) if isinstance(png, list) else png)
    raise RuntimeError(f"no cell of {notebook.name} that calls {COVER_CALL} drew a figure for the "
                       "index page (docs/build.py: COVER)")


def sphinx(out, static):
    if not SPHINX.exists():
        raise SystemExit(f"error: {SPHINX} not found; `make html` installs docs/requirements.txt "
                         "into .venv-docs first")
    env = dict(os.environ, BPBOOK_VENDOR=str(static))
    # -E -a: every page afresh (a few seconds), so a change in docs/ alone reaches every page.
    cmd = [str(SPHINX), "-b", "html", "-q", "-E", "-a", "-c", str(DOCS),
           "-d", str(out / "doctrees"), str(out / "src"), str(out / "html")]
    subprocess.run(cmd, check=True, env=env)


def build(out, jobs=2, fresh=False, only=None):
    """The whole edition (or the chapters in ``only``, with COVER always among them) into
    ``out/html``; return {step: seconds} (and the chapters' runs)."""
    only = only and set(only) | {COVER}
    out = Path(out).resolve()
    if fresh:
        for sub in ("executed", "src", "doctrees", "html"):
            shutil.rmtree(out / sub, ignore_errors=True)
    times, t = {}, time.perf_counter()
    static = vendor(out)
    times["vendor"], t = time.perf_counter() - t, time.perf_counter()
    times["chapters"] = execute_all(out, jobs, fresh, only)
    times["execute"], t = time.perf_counter() - t, time.perf_counter()
    stage(out)
    sphinx(out, static)
    clean_notebooks(out / "html" / "notebooks", only)
    times["sphinx"] = time.perf_counter() - t
    return times


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "_build",
                   help="build folder (default _build)")
    p.add_argument("--jobs", type=int, default=2, help="chapters executed at once (default 2)")
    p.add_argument("--fresh", action="store_true", help="reuse nothing from an earlier build")
    p.add_argument("--only", action="append", metavar="NN_slug",
                   help="build only this chapter (repeatable; the index's chapter is always built)")
    args = p.parse_args(argv)
    unknown = set(args.only or ()) - {c.stem for c in chapters()}
    if unknown:
        p.error(f"no chapter {sorted(unknown)}; chapters: {[c.stem for c in chapters()]}")
    t0 = time.perf_counter()
    times = build(args.out, args.jobs, args.fresh, args.only)
    print(json.dumps({"seconds": round(time.perf_counter() - t0, 1),
                      **{k: v if isinstance(v, dict) else round(v, 1) for k, v in times.items()}}))
    print(f"[html] the book is in {args.out / 'html' / 'index.html'}")


if __name__ == "__main__":
    sys.exit(main())
