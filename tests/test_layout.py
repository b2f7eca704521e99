"""The package's layout rule, read from the import statements of every file.

- The library (``bpbook`` outside ``bpbook.chapters``) never imports ``bpbook.chapters``.
- A chapter's module (``bpbook.chapters.chNN_slug``, a module or a subpackage) imports no other
  chapter's module: what two chapters share belongs in the library.
- A chapter notebook ``chapters/NN_slug.py`` imports its own ``bpbook.chapters.chNN_slug`` and the
  library only.
- Every chapter notebook has its module, and every chapter module its notebook and its tests in
  ``tests/chapters/test_chNN_slug.py``.
"""
import ast
import importlib
import re
from pathlib import Path

import jupytext
import pytest

import bpbook

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "bpbook"
CHAPTER_CODE = PACKAGE / "chapters"
NOTEBOOKS = sorted((REPO / "chapters").glob("[0-9][0-9]_*.py"))
LIBRARY = sorted(p for p in PACKAGE.rglob("*.py") if CHAPTER_CODE not in p.parents)


def imported_modules(source):
    """Every module an ``import`` or ``from … import`` statement names, including ``from bpbook
    import chapters`` (read as ``bpbook.chapters``)."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def chapter_of(module):
    """``chNN_slug`` for a module inside ``bpbook.chapters``, else None."""
    m = re.match(r"bpbook\.chapters\.(ch\d\d_[a-z0-9_]+)", module)
    return m.group(1) if m else None


def notebook_code(path):
    return "\n".join(cell.source for cell in jupytext.read(path).cells
                     if cell.cell_type == "code" and not cell.source.lstrip().startswith("%"))


def chapter_modules():
    return sorted(p.stem for p in CHAPTER_CODE.iterdir()
                  if p.name.startswith("ch") and (p.suffix == ".py" or p.is_dir()))


def test_the_library_never_imports_chapter_code():
    for path in LIBRARY:
        bad = [m for m in imported_modules(path.read_text()) if m.startswith("bpbook.chapters")]
        assert not bad, f"{path.relative_to(REPO)} imports chapter code: {bad}"


def test_a_chapter_module_imports_no_other_chapter():
    for path in sorted(CHAPTER_CODE.rglob("*.py")):
        own = chapter_of("bpbook.chapters." + path.relative_to(CHAPTER_CODE).parts[0])
        if own is None:
            continue
        other = {chapter_of(m) for m in imported_modules(path.read_text())} - {None, own}
        assert not other, f"{path.relative_to(REPO)} ({own}) imports {sorted(other)}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_chapter_notebook_imports_its_own_module_and_the_library(notebook):
    own = "ch" + notebook.stem
    modules = [m for m in imported_modules(notebook_code(notebook)) if m.startswith("bpbook")]
    assert any(chapter_of(m) == own for m in modules), f"{notebook.name} never imports {own}"
    other = {chapter_of(m) for m in modules} - {None, own}
    assert not other, f"{notebook.name} imports another chapter's code: {sorted(other)}"


def test_every_notebook_has_a_module_and_every_module_a_notebook_and_tests():
    assert chapter_modules() == ["ch" + p.stem for p in NOTEBOOKS]
    for name in chapter_modules():
        assert (REPO / "tests" / "chapters" / f"test_{name}.py").exists(), name


def test_the_rule_sees_every_kind_of_import():
    source = ("import bpbook.chapters.ch01_chain_rule\nfrom bpbook import chapters\n"
              "from bpbook.chapters.ch05_xor import train as xor\n")
    found = imported_modules(source)
    assert {chapter_of(m) for m in found} == {"ch01_chain_rule", "ch05_xor", None}
    assert "bpbook.chapters" in found


def test_the_public_api_stays():
    names = ["Dense", "Sequential", "mlp", "fit", "SGD", "clip_grad_norm", "gradcheck",
             "get_activation", "get_loss", "Table", "ShapeError", "ExplodingGradientError"]
    assert all(hasattr(bpbook, n) for n in names)
    assert importlib.import_module("bpbook.engine").Value(2.0).data == 2.0


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_chapter_title_carries_its_file_number(notebook):
    title = next(c.source for c in jupytext.read(notebook).cells if c.cell_type == "markdown")
    number = int(notebook.stem[:2])
    assert re.match(rf"# {number}\. \S", title), \
        f"{notebook.name}: its first heading should start '# {number}. ', got {title[:40]!r}"
