"""Drive the book as a student meets it: JupyterLab on loopback, Debian's Chromium via Playwright.

Used by ``tests/test_browser.py`` and ``benchmarks/live_feel.py``. The server gets the book's own
JupyterLab configuration (``jupyter_config/``, as ``make lab`` and Binder do) and nothing from the
user's home: config, data, settings, workspaces and runtime folders all live under a work folder.
It serves a copy of the book (``copy_book``), so a test that saves a chapter never writes into the
repository. ``window.jupyterapp`` is exposed so the browser side can read the notebook's cells.
"""
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAB_CONFIG = REPO / "jupyter_config"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_S = 120


@dataclass
class LabServer:
    url: str  # http://127.0.0.1:PORT
    token: str
    root: Path
    log: Path
    proc: subprocess.Popen

    def lab_url(self, path=""):
        """The tree URL of ``path`` (relative to the root), with a fresh workspace (``?reset``)."""
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"


def copy_book(dest):
    """Copy chapters/ (and bpbook/, to open one of its modules) to ``dest``; return ``dest``."""
    dest = Path(dest)
    for name in ("chapters", "bpbook"):
        shutil.copytree(REPO / name, dest / name,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return dest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_env(work):
    """The environment of a server isolated under ``work`` that loads the book's configuration."""
    env = dict(os.environ)
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                     ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython")]:
        env[var] = str(Path(work) / sub)
    env["JUPYTER_CONFIG_PATH"] = str(LAB_CONFIG)
    env.pop("JUPYTER_PATH", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_lab(root, work):
    """Start JupyterLab on a free loopback port with a random token, serving ``root``."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    # A fresh matplotlib builds its font cache at first import and says so on stderr; do it here,
    # so that a chapter's first plot shows no such message.
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], check=True)
    port, token = free_port(), secrets.token_hex(16)
    log = work / "jupyterlab.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--LabApp.expose_app_in_browser=True", "--LabApp.extension_manager=readonly"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=lab_env(work), cwd=root, start_new_session=True)
    server = LabServer(f"http://127.0.0.1:{port}", token, Path(root), log, proc)
    try:
        _wait_until_up(server)
    except BaseException:
        stop_lab(server)
        raise
    return server


def _wait_until_up(server):
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {server.proc.returncode} before "
                               f"answering; its log:\n{log_tail(server)}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/status?token={server.token}", timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer on {server.url} within {SERVER_START_S} s; "
                       f"its log:\n{log_tail(server)}")


def stop_lab(server, timeout=30):
    """Stop the server by its process id (SIGTERM shuts its kernels down); kill it if it hangs."""
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)  # its group: the server and its kernels
            server.proc.wait(timeout)


def stop_kernels(server):
    """Shut down every kernel the server runs (a closed page leaves its kernel running)."""
    api = f"{server.url}/api/kernels"
    with urllib.request.urlopen(f"{api}?token={server.token}", timeout=30) as r:
        kernels = json.load(r)
    for k in kernels:
        req = urllib.request.Request(f"{api}/{k['id']}?token={server.token}", method="DELETE")
        urllib.request.urlopen(req, timeout=30).close()


def log_tail(server, lines=40):
    text = server.log.read_text(errors="replace") if server.log.exists() else "(no log)"
    return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def lab_server(root, work):
    server = start_lab(root, work)
    try:
        yield server
    finally:
        stop_lab(server)


@contextlib.contextmanager
def chromium():
    """Debian's Chromium driven by Playwright (never a browser that Playwright downloads)."""
    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(f"{CHROMIUM} not found: install Debian's chromium (`make system`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    return page


def open_chapter(page, server, stem, timeout_s=120):
    """Open ``chapters/<stem>.py`` by its tree URL and wait for its notebook and its kernel."""
    page.goto(server.lab_url(f"chapters/{stem}.py"), timeout=timeout_s * 1000)
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout_s * 1000)
    page.wait_for_function(_KERNEL_IDLE, timeout=timeout_s * 1000)


_KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""

# One record per code cell of the current notebook: its index among all cells, first source
# line, execution count, and its error outputs and stderr text.
_CELLS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  const cells = [];
  w.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    const outputs = cell.model.outputs.toJSON();
    cells.push({
      index,
      source: cell.model.sharedModel.getSource().split('\\n')[0],
      count: cell.model.executionCount,
      errors: outputs.filter(o => o.output_type === 'error')
                     .map(o => `${o.ename}: ${o.evalue}`),
      stderr: outputs.filter(o => o.output_type === 'stream' && o.name === 'stderr')
                     .map(o => Array.isArray(o.text) ? o.text.join('') : o.text).join(''),
    });
  });
  return {kernel: kernel ? kernel.status : 'none', cells};
}"""


def code_cells(page):
    return page.evaluate(_CELLS)


def run_all(page, timeout_s=600):
    """Run All Cells from the Run menu, as a student would; wait until every code cell has run
    or one has failed (JupyterLab then skips the rest). Return the cells' records."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = code_cells(page)
        done = all(c["count"] is not None for c in state["cells"])
        failed = any(c["errors"] for c in state["cells"])
        if state["kernel"] == "idle" and (done or failed):
            return state["cells"]
        time.sleep(0.25)
    pending = [f"cell {c['index']}: {c['source']!r}" for c in code_cells(page)["cells"]
               if c["count"] is None]
    raise TimeoutError(f"Run All Cells did not finish within {timeout_s} s; not run yet: {pending}")


def sliders(cell):
    """The FloatSliders/IntSliders rendered in ``cell``: {description: slider element}."""
    found = {}
    for s in cell.locator(".widget-slider").all():
        found[s.locator(".widget-label").first.text_content().strip()] = s
    return found


def slider_value(slider):
    """The slider's readout as a float (the readout writes a unicode minus)."""
    readout = slider.locator(".widget-readout").first.text_content()
    return float(readout.strip().replace("\u2212", "-"))


# {description: value} of the dropdowns (the shown option), checkboxes and number boxes; a
# checkbox's description is in its own label.
_OTHER_WIDGETS = """els => Object.fromEntries(els.map(el => {
  const label = (el.querySelector('.widget-label-basic') || el.querySelector('.widget-label'))
    .textContent.trim();
  const select = el.querySelector('select');
  const input = el.querySelector('input');
  if (select) return [label, select.options[select.selectedIndex].textContent.trim()];
  if (input.type === 'checkbox') return [label, input.checked];
  return [label, Number(input.value)];
}))"""


def widget_values(cell):
    """{description: value} of every slider (float), dropdown (the shown option), checkbox (bool)
    and number box (float) rendered in ``cell``."""
    found = {name: slider_value(s) for name, s in sliders(cell).items()}
    found.update(cell.locator(".widget-dropdown, .widget-checkbox, .widget-text")
                 .evaluate_all(_OTHER_WIDGETS))
    return found


# A row's cell of a table: the first cell names the row; ``column`` (the header of a bpbook Table,
# kept in each cell's data-col) picks the value, the last cell when it is null.
_CELL_OF = """(row, column) => {
  const c = row.querySelectorAll('td,th');
  const v = column === null ? c[c.length - 1]
                            : row.querySelector(`[data-col="${CSS.escape(column)}"]`);
  return [c[0].textContent.trim(), v ? v.textContent.trim() : null];
}"""


def table_rows(cell, selector, column=None):
    """{first cell text: value text} of each body row of the table ``selector`` in ``cell``; the
    value is the row's cell in ``column`` (a bpbook Table's header), or its last cell."""
    return cell.locator(selector).first.evaluate(
        f"""(t, column) => Object.fromEntries(
              Array.from(t.querySelectorAll('tbody tr')).map(r => ({_CELL_OF})(r, column)))""",
        column)


# Watch the row ``label`` of the tables ``sel`` until its value differs from what it shows now.
# With ``onKey`` the clock starts at the next keydown on the focused element, else at once.
_WATCH = f"""([sel, label, column, onKey]) => {{
  const read = () => {{
    for (const t of document.querySelectorAll(sel))
      for (const r of t.querySelectorAll('tbody tr')) {{
        const [name, value] = ({_CELL_OF})(r, column);
        if (name === label) return value;
      }}
    return null;
  }};
  const before = read();
  window.__bp = {{t0: onKey ? null : performance.now(), t1: null, value: null}};
  if (onKey)
    document.activeElement.addEventListener('keydown', () => {{
      window.__bp.t0 = performance.now();
    }}, {{once: true, capture: true}});
  const obs = new MutationObserver(() => {{
    const now = read();
    if (window.__bp.t0 !== null && now !== null && now !== before) {{
      window.__bp.t1 = performance.now();
      window.__bp.value = now;
      obs.disconnect();
    }}
  }});
  obs.observe(document.body, {{subtree: true, childList: true, characterData: true}});
}}"""


def _watched(page, timeout_ms):
    page.wait_for_function("() => window.__bp.t1 !== null", timeout=timeout_ms)
    t0, t1, value = page.evaluate("() => [window.__bp.t0, window.__bp.t1, window.__bp.value]")
    return t1 - t0, value


def timed_key(page, slider, key, selector, label, column=None, timeout_ms=30000):
    """Press ``key`` on the slider's handle; return (ms until the row ``label`` of the table
    ``selector`` shows a new value, that value's text). Both ends are timed inside the page."""
    slider.locator("[role=slider]").first.focus()
    page.evaluate(_WATCH, [selector, label, column, True])
    page.keyboard.press(key)
    return _watched(page, timeout_ms)


def press_key(page, slider, key):
    """Press ``key`` on the slider's handle, then wait until the kernel has handled the change."""
    slider.locator("[role=slider]").first.focus()
    page.keyboard.press(key)
    page.wait_for_timeout(200)  # the change reaches the kernel, which turns busy
    page.wait_for_function(_KERNEL_IDLE, timeout=60000)


def changed_by(page, action, selector, label, column=None, timeout_ms=120000):
    """Run ``action()`` (e.g. a click); return (ms until the row ``label`` of the table
    ``selector`` shows a new value, that value's text)."""
    page.evaluate(_WATCH, [selector, label, column, False])
    action()
    return _watched(page, timeout_ms)
