"""The JupyterLab configuration that `make lab`, Binder and the browser test share (jupyter_config/).

What a browser shows is tested in test_browser.py; here, without a browser: a chapter that a
student runs and saves comes back byte for byte (the save goes through Jupytext's contents manager
exactly as in JupyterLab), and the pieces of the configuration name the same things.
"""
import asyncio
import difflib
import json
import re
import shutil
from pathlib import Path

import pytest
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

from conftest import CHAPTER

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "jupyter_config"
EXTENSION = CONFIG / "labextensions" / "bpbook-chapters" / "static" / "remoteEntry.js"
CHAPTERS = sorted(p for p in (REPO / "chapters").glob("*.py") if CHAPTER.match(p.name))


def js_string(name):
    """The string constant ``name`` of the extension (a JavaScript string literal, unescaped)."""
    found = re.search(rf"var {name} = '((?:[^'\\]|\\.)*)';", EXTENSION.read_text())
    assert found, f"no `var {name} = '...'` in {EXTENSION}"
    return found.group(1).encode().decode("unicode_escape")


def run_and_save(root, path):
    """What JupyterLab does to a chapter that a student opens, runs and saves."""
    cm = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(root_dir=str(root))
    model = asyncio.run(cm.get(path, type="notebook", content=True))
    nb = model["content"]
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    for count, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = count + 1
        cell.outputs = [{"output_type": "stream", "name": "stdout", "text": "run\n"}]
        cell.metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    asyncio.run(cm.save({"type": "notebook", "content": nb}, path))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_run_and_save_leaves_chapter_unchanged(chapter, tmp_path):
    (tmp_path / "chapters").mkdir()
    shutil.copy(chapter, tmp_path / "chapters")
    run_and_save(tmp_path, f"chapters/{chapter.name}")
    saved = (tmp_path / "chapters" / chapter.name).read_text()
    original = chapter.read_text()
    diff = difflib.unified_diff(original.splitlines(), saved.splitlines(), "repository", "saved",
                                lineterm="", n=1)
    assert saved == original, (
        f"saving {chapter.name} in JupyterLab rewrites it; put it in the form Jupytext saves: "
        f"`jupytext --to py:percent chapters/{chapter.name}`\n" + "\n".join(list(diff)[:12]))


def test_extension_recognises_chapters_by_the_pattern_the_tests_collect():
    assert re.compile(js_string("CHAPTER_NAME")).pattern == CHAPTER.pattern


def test_extension_tells_chapters_from_modules():
    pattern = re.compile(js_string("CHAPTER_NAME"))
    chapters = [p.name for p in CHAPTERS]
    others = [p.name for d in ("bpbook", "tests", "benchmarks") for p in (REPO / d).glob("*.py")]
    assert all(pattern.search(n) for n in chapters), chapters
    assert not [n for n in others if pattern.search(n)], "a module would open as a notebook"


def test_overrides_make_the_notebook_the_default_viewer_of_chapters():
    overrides = json.loads((CONFIG / "lab" / "settings" / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {js_string("FILE_TYPE"): js_string("VIEWER")}
    assert js_string("VIEWER") == "Notebook"


def test_extension_package_points_at_its_entry():
    pkg = json.loads((EXTENSION.parents[1] / "package.json").read_text())
    assert (EXTENSION.parents[1] / pkg["jupyterlab"]["_build"]["load"]) == EXTENSION
    assert f"scope['{pkg['name']}'] = " in EXTENSION.read_text(), "container not named as the package"


def test_the_students_lab_switches_off_nbgrader_that_the_course_kit_installs():
    from traitlets.config import Config

    page = json.loads((CONFIG / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"] == {"@jupyter/nbgrader": True}
    config = Config()
    config.ServerApp.jpserver_extensions = {"jupyterlab": True}
    path = CONFIG / "jupyter_server_config.py"
    exec(compile(path.read_text(), str(path), "exec"), {"c": config, "__file__": str(path)})
    off = {name for name, on in config.ServerApp.jpserver_extensions.items() if not on}
    assert config.ServerApp.jpserver_extensions["jupyterlab"] is True
    nbgrader = pytest.importorskip("nbgrader")
    found = {f"nbgrader.server_extensions.{p.name}"
             for p in (Path(nbgrader.__file__).parent / "server_extensions").iterdir()
             if p.is_dir() and not p.name.startswith("_")}
    assert found and found <= off, f"left on: {sorted(found - off)}"
