"""docs/build.py's own pieces, without a build: the links it rewrites for the web pages, the
picture it takes for the index, and its check of what npm hands over."""
import base64
import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest

from tests.docs_build import build

ROOT = Path(__file__).resolve().parents[1]

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16  # the bytes are only carried, never decoded


def notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


def test_links_to_chapters_point_at_their_pages_in_markdown_only():
    md = nbformat.v4.new_markdown_cell(
        "See [Notation](03_worked_example.py#notation) and [chapter 2](02_computation_graph.py); "
        "[a module](../bpbook/worked.py) stays.")
    code = nbformat.v4.new_code_cell('print("[x](03_worked_example.py)")')
    out = json.loads(build.page_links(nbformat.writes(notebook(md, code))))
    assert out["cells"][0]["source"] == (
        "See [Notation](03_worked_example.ipynb#notation) and [chapter 2](02_computation_graph"
        ".ipynb); [a module](../bpbook/worked.py) stays.")
    assert "".join(out["cells"][1]["source"]) == 'print("[x](03_worked_example.py)")'


def test_cover_is_the_first_figure_of_a_cell_that_draws_the_graph(tmp_path):
    other = nbformat.v4.new_code_cell("plot()", outputs=[nbformat.v4.new_output(
        "display_data", {"image/png": base64.b64encode(b"other").decode()})])
    graph = nbformat.v4.new_code_cell(f"{build.COVER_CALL}L)", outputs=[nbformat.v4.new_output(
        "display_data", {"image/png": base64.b64encode(PNG).decode()})])
    path = tmp_path / "nb.ipynb"
    path.write_text(nbformat.writes(notebook(other, graph)))
    assert build.cover_png(path) == PNG
    path.write_text(nbformat.writes(notebook(other)))
    with pytest.raises(RuntimeError, match=re.escape(f"no cell of nb.ipynb that calls "
                                                     f"{build.COVER_CALL}")):
        build.cover_png(path)


def test_a_tarball_whose_digest_differs_from_the_pin_is_refused(tmp_path, monkeypatch):
    """npm pack is replaced by a stand-in that writes a tarball; the pin is checked by hash."""
    data = b"not the pinned package"
    pin = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()

    def fake_run(cmd, **kwargs):
        (tmp_path / "pkg.tgz").write_bytes(data)
        return type("Done", (), {"returncode": 0, "stdout": json.dumps([{"filename": "pkg.tgz"}]),
                                 "stderr": ""})()
    monkeypatch.setattr(build.subprocess, "run", fake_run)
    monkeypatch.setattr(build.shutil, "which", lambda name: "/usr/bin/npm")
    assert build._npm_pack("pkg@1.0.0", pin, tmp_path) == tmp_path / "pkg.tgz"
    with pytest.raises(SystemExit, match="pkg@1.0.0 from npm has integrity sha512-.*but "
                                         "docs/vendor.json pins sha512-AAAA"):
        build._npm_pack("pkg@1.0.0", "sha512-AAAA", tmp_path)


def test_every_pin_has_a_version_an_integrity_and_files():
    pins = {k: v for k, v in json.loads((ROOT / "docs" / "vendor.json").read_text()).items()
            if not k.startswith("_")}
    assert set(pins) == {"mathjax", "requirejs", "@jupyter-widgets/html-manager", "axe-core"}
    for name, pin in pins.items():
        assert pin["version"].count(".") == 2 and pin["integrity"].startswith("sha512-"), name
        assert pin["files"], name
