"""The course kit without running nbgrader (tests/test_course_roundtrip.py runs it): every tagged
exercise has instructor material, the material is well formed, the leak check finds a planted
leak, hidden-test literals evaluate back to their values, and nbgrader sits beside the book's pins
without changing any."""
import ast
import importlib.metadata
import re
import subprocess
import sys

import nbformat
import numpy as np
import pytest
import torch

from instructor.kit.build import assignments
from instructor.kit.chapter import REPO, KitError, read_chapter
from instructor.kit.hidden import hidden_tests, literal
from instructor.kit.leaks import leaks, secret_lines
from instructor.kit.render import source_notebook
from instructor.kit.solve import wrap_last_expression

ASSIGNMENTS = assignments()


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_tagged_exercise_has_instructor_material(name):
    chapter = read_chapter(name, *ASSIGNMENTS[name])  # raises KitError on any mismatch
    for ex in chapter.exercises:
        for key in ("solution", "wrong"):
            ast.parse(ex.entry[key])
        assert ex.entry["solution"].strip() != ex.entry["wrong"].strip()
        assert defined_by(ex.entry["solution"]) >= set(ex.names), ex.id
    for think in chapter.thinks:
        assert len(think.entry["answer"].split()) >= 20, f"{think.id}: a model answer, please"


def defined_by(code):
    tree = ast.parse(code)
    return {n.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
            for n in node.targets if isinstance(n, ast.Name)} | \
           {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def test_every_chapter_is_an_assignment_with_exercises():
    chapters = sorted(p.stem for p in (REPO / "chapters").glob("[0-9][0-9]_*.py"))
    assert [n for n in ASSIGNMENTS if n in chapters] == chapters
    assert "capstone_mlp" in ASSIGNMENTS
    for name in chapters:
        assert read_chapter(name).exercises, f"{name} has no tagged exercise"


def test_material_for_a_missing_exercise_is_refused(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "solutions").mkdir()
    (tmp_path / "chapters" / "99_demo.py").write_text(
        '# %% tags=["exercise"] exercise="99.one"\nanswer = None\n\n# %% tags=["check"]\n'
        'print(answer)\n')
    (tmp_path / "solutions" / "99_demo.py").write_text(
        'EXERCISES = {"99.two": dict(points=1, solution="answer = 1", wrong="answer = 2")}\n')
    with pytest.raises(KitError, match="no EXERCISES entry"):
        read_chapter("99_demo", tmp_path / "chapters", tmp_path / "solutions")


def test_source_notebook_marks_cells_for_nbgrader_and_drops_jupytext():
    chapter = read_chapter("01_chain_rule")
    records = {ex.id: {"values": {"answer": np.array(1.5)}, "calls": {}}
               for ex in chapter.exercises}
    nb = source_notebook(chapter, records)
    assert set(nb.metadata) == {"kernelspec", "language_info"}
    graded = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
    tests = [g for g in graded if g["grade"] and not g["solution"]]
    assert sum(g["points"] for g in tests) == chapter.points
    assert all(g["locked"] for g in tests)
    manual = [g for g in graded if g["grade"] and g["solution"]]
    assert sum(g["points"] for g in manual) == chapter.think_points
    answers = [c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
               and c.cell_type == "code"]
    assert all(a.startswith("answer = None") and "### BEGIN SOLUTION" in a for a in answers)


def test_wrap_last_expression_keeps_the_lines_before():
    code = "x = 1\ncheck(x,\n      y=2)"
    assert wrap_last_expression(code, "_feedback = {}") == "x = 1\n_feedback = check(x,\n      y=2)"
    with pytest.raises(KitError):
        wrap_last_expression("x = 1", "{}")


@pytest.mark.parametrize("value", [
    1.5, -0.0, 3, [np.arange(6.0).reshape(2, 3), 0.25], (np.array([1, 2]),),
    np.array([[1e-300, 1 / 3]]), torch.tensor([[0.1, 0.2]], dtype=torch.float64),
])
def test_literals_evaluate_back_to_their_values(value):
    back = eval(literal(value), {"_np": np, "torch": torch})
    assert type(back) is type(value)
    flat = lambda v: np.concatenate([np.ravel(np.asarray(x, dtype=float)) for x in v]) \
        if isinstance(v, (list, tuple)) else np.ravel(np.asarray(v, dtype=float))
    assert np.array_equal(flat(back), flat(value))


def test_hidden_tests_carry_literal_expected_values():
    chapter = read_chapter("08_vanishing_gradients")
    ex = next(e for e in chapter.exercises if e.id == "08.sigmoid-bound")
    text = hidden_tests(ex, {"values": {"answer": np.array(0.25 ** 10)}, "calls": {}})
    assert repr(0.25 ** 10) in text and "bpbook" not in text
    assert text.startswith("### BEGIN HIDDEN TESTS") and text.endswith("### END HIDDEN TESTS")


def _course_with(tmp_path, released_source):
    for folder, source in (("source", "answer = None\n### BEGIN SOLUTION\nanswer = 0.25 ** LAYERS\n"
                                      "### END SOLUTION"),
                           ("release", released_source)):
        path = tmp_path / folder / "05_x" / "05_x.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), path)
    return tmp_path


def test_leak_check_finds_a_planted_solution_line(tmp_path):
    assert leaks(_course_with(tmp_path / "clean", "answer = None\n")) == []
    found = leaks(_course_with(tmp_path / "leaky", "answer = 0.25 ** LAYERS\n"))
    assert found and "answer = 0.25 ** LAYERS" in found[0]
    (tmp_path / "clean" / "release" / "05_x" / "05_x.py").write_text("answer = None\n")
    assert "not a notebook" in leaks(tmp_path / "clean")[0]


def test_secret_lines_exclude_what_the_page_shows_anyway():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f(x):\n    return None\n### BEGIN SOLUTION\ndef f(x):\n    return 2 * x\n"
        "### END SOLUTION")])
    assert secret_lines(nb) == {"### BEGIN SOLUTION", "return 2 * x", "### END SOLUTION"}


def _pins(path):
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s#]+)", line)
        if match:
            pins[match[1].lower().replace("_", "-")] = match[2]
    return pins


def test_nbgrader_installs_beside_the_books_pins_without_changing_them():
    book, course = _pins(REPO / "requirements.txt"), _pins(REPO / "instructor" / "requirements.txt")
    assert course["nbgrader"] == "0.9.6"
    for name, version in {**book, **course}.items():
        installed = importlib.metadata.version(name)
        assert installed.split("+")[0] == version.split("+")[0], (name, installed, version)
    check = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def _guide_rows():
    text = (REPO / "instructor" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([0-9a-z]+\.[A-Za-z0-9-]+) \| [^|]+ \| (\d+) \| (auto|by hand) \|$", text,
                      re.M)
    return text, {ex_id: (int(points), graded) for ex_id, points, graded in rows}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_guide_lists_every_graded_exercise_with_its_points(name):
    text, rows = _guide_rows()
    section = re.search(rf"^### {name}: .*?(?=^### |^## |\Z)", text, re.M | re.S)
    assert section, f"instructor/README.md has no section '### {name}: ...'"
    assert re.search(r"^Prerequisites: .+ Time: .+\.$", section[0], re.M), name
    assert "After it, a student can" in section[0]
    chapter = read_chapter(name, *ASSIGNMENTS[name])
    want = {ex.id: (ex.entry["points"], "auto") for ex in chapter.exercises}
    want |= {t.id: (t.entry["points"], "by hand") for t in chapter.thinks}
    assert {k: v for k, v in rows.items() if k.split(".")[0] == name.split("_")[0]} == want
