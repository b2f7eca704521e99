"""The course kit without running nbgrader (tests/test_course_roundtrip.py runs it): every tagged
exercise has instructor material, the material is well formed, the leak check finds a planted
leak, hidden-test literals evaluate back to their values, hidden tests report answers without the
expected values and the grader's verdict holds against forged reports, the capstone's self-checks
reject wrong code, the tamper scan flags what it should, per-student numbers are drawn as
documented, and nbgrader sits beside the book's pins without changing any."""
import ast
import hashlib
import importlib.metadata
import json
import re
import subprocess
import sys

import nbformat
import numpy as np
import pytest
import torch

from bpbook import variants
from bpbook.errors import BpbookError
from instructor.kit.build import assignments
from instructor.kit.chapter import REPO, KitError, load_material, read_chapter
from instructor.kit.grader import GuardedExecute, Verdict, expected_values, judge
from instructor.kit.hidden import MIME, hidden_tests, literal
from instructor.kit.leaks import leaks, secret_lines
from instructor.kit.render import source_notebook
from instructor.kit.tamper import findings, protected_names
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


def test_released_solutions_may_show_solutions_but_no_hidden_test(tmp_path):
    course = _course_with(tmp_path, "answer = None\n")
    source = course / "source" / "05_x" / "05_x.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "### BEGIN HIDDEN TESTS\n_bp_items['value:answer'] = _bp_plain(answer)\n"
        "### END HIDDEN TESTS"))
    nbformat.write(nb, source)
    solved = course / "release" / "05_x-solutions" / "05_x.ipynb"
    solved.parent.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "answer = None\nanswer = 0.25 ** LAYERS")]), solved)
    assert leaks(course) == []
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "_bp_items['value:answer'] = _bp_plain(answer)")]), solved)
    assert "05_x-solutions/05_x.ipynb: holds the secret line" in leaks(course)[0]


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


# --- The grader: reports cross as plain numbers, the verdict is reached outside the kernel ---

def _report(code, namespace, monkeypatch):
    """Run a hidden region's code in ``namespace``; return what it displayed (one report)."""
    import IPython.display
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    exec(code, namespace)
    assert len(shown) == 1
    return nbformat.v4.new_output("display_data", data=shown[0])


def test_hidden_tests_report_the_answer_and_never_carry_the_expected_value(monkeypatch):
    chapter = read_chapter("08_vanishing_gradients")
    ex = next(e for e in chapter.exercises if e.id == "08.sigmoid-bound")
    want = 0.25 ** 10
    code, expected = hidden_tests(ex, {"values": {"answer": np.array(want)}, "calls": {}})
    assert repr(want) not in code and "from bpbook" not in code and "import bpbook" not in code
    assert code.startswith("### BEGIN HIDDEN TESTS") and code.endswith("### END HIDDEN TESTS")
    for answer, right in ((want, True), (np.array([[want]]), True), (want * 1.01, False),
                          (None, False), ("text", False), (float("nan"), False)):
        out = _report(code, {"answer": answer}, monkeypatch)
        assert (judge([out], ex.id, expected)[0] is None) is right, answer


def test_function_answers_are_reported_on_the_graders_inputs(monkeypatch):
    chapter = read_chapter("06_activations")
    ex = next(e for e in chapter.exercises if e.id == "06.swish-prime")
    args = (np.linspace(-3, 3, 7),)
    sig = lambda x: 1 / (1 + np.exp(-x))
    swish1 = lambda x: sig(x) * (1 + x * (1 - sig(x)))  # (z σ(z))′, written here as the truth
    code, expected = hidden_tests(ex, {"values": {}, "calls": {
        "swish_prime": [(args, swish1(args[0]))]}})
    assert repr(swish1(args[0]).tolist()[0]) not in code
    for fn, right in ((swish1, True), (sig, False), (lambda x: 0.0, False)):
        out = _report(code, {"swish_prime": fn}, monkeypatch)
        assert (judge([out], ex.id, expected)[0] is None) is right


def test_the_verdict_trusts_only_one_well_formed_report():
    want = {"value:answer": {"want": {"shape": [], "data": [2.0]}, "rtol": 1e-3, "atol": 0.0,
                             "scalar": True}}
    good = {"exercise": "01.x", "items": {"value:answer": {"shape": [], "data": [2.0]}}}
    out = lambda report: nbformat.v4.new_output("display_data", data={MIME: report})
    assert judge([out(good)], "01.x", want) == (None, "")
    assert judge([], "01.x", want)[0] == "NoAnswer"
    assert judge([nbformat.v4.new_output("stream", text=json.dumps(good))], "01.x", want)[0] \
        == "NoAnswer"
    assert judge([out(good), out(good)], "01.x", want)[0] == "Ambiguous"
    assert judge([out({**good, "exercise": "01.y"})], "01.x", want)[0] == "Ambiguous"
    for fake in ({"shape": [], "data": [True]}, {"shape": [], "data": ["2.0"]},
                 {"shape": [2], "data": [2.0]}, {"shape": [], "data": [2.0], "eq": 1}, 2.0,
                 [{"shape": [], "data": [2.0]}]):
        assert judge([out({"exercise": "01.x", "items": {"value:answer": fake}})], "01.x",
                     want)[0] == "WrongAnswer", fake


def test_verdict_writes_an_error_nbgrader_scores_zero(tmp_path):
    from nbgrader.utils import determine_grade
    (tmp_path / "nb.json").write_text(json.dumps({"per_student": False, "cells": {
        "ex01-x-test": {"exercise": "01.x", "items": {"value:answer": {
            "want": {"shape": [], "data": [2.0]}, "rtol": 1e-3, "atol": 0.0, "scalar": True}}}}}))
    meta = {"nbgrader": {"grade": True, "solution": False, "locked": True, "points": 2,
                         "grade_id": "ex01-x-test", "schema_version": 3}}
    partial = nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=1)
    report = lambda v: nbformat.v4.new_output("display_data", data={MIME: {
        "exercise": "01.x", "items": {"value:answer": {"shape": [], "data": [v]}}}})
    cells = [nbformat.v4.new_code_cell("", metadata=meta, outputs=outs)
             for outs in ([report(2.0)], [partial, report(3.0)], [partial], [])]
    nb = nbformat.v4.new_notebook(cells=cells)
    Verdict().preprocess(nb, {"bpbook_expected": expected_values(tmp_path, "nb", "s")})
    assert [determine_grade(c)[0] for c in nb.cells] == [2, 0, 0, 0]


def test_grader_gives_graded_cells_a_short_time_limit():
    execute = GuardedExecute(timeout=600, graded_timeout=7)
    graded = nbformat.v4.new_code_cell("", metadata={"nbgrader": {"solution": True}})
    assert execute.timeout_func is not None
    assert execute.timeout_func(graded) == 7
    assert execute.timeout_func(nbformat.v4.new_code_cell("")) == 600


def test_the_guides_sizing_is_made_from_the_measurement_of_every_chapter():
    """instructor/README.md's sizing section is what benchmarks.autograde writes from
    instructor/sizing.json, the autograde rows of one make bench run: every chapter's, and the
    parallel speed-up."""
    from benchmarks.autograde import BEGIN, END, SIZING, sizing_section
    sizing = json.loads(SIZING.read_text(encoding="utf-8"))
    text = (REPO / "instructor" / "README.md").read_text(encoding="utf-8")
    assert text.split(BEGIN, 1)[1].split(END, 1)[0].strip() == sizing_section(sizing).strip()
    rows = {r["name"]: r for r in sizing["benchmarks"]}
    chapters = sorted(p.stem for p in (REPO / "chapters").glob("[0-9][0-9]_*.py"))
    assert sorted(n.split("/", 1)[1] for n in rows if n != "autograde/parallel") == chapters
    assert "autograde/parallel" in rows


def test_a_class_is_dealt_into_processes_that_leave_each_others_students_out(tmp_path):
    from instructor.kit.parallel import commands, shares
    for who in ("ann", "bob", "cy", "dan", "eve"):
        (tmp_path / "submitted" / who / "01_x").mkdir(parents=True)
    (tmp_path / "submitted" / "fay" / "02_y").mkdir(parents=True)  # another assignment's
    assert shares(list("abcde"), 2) == [list("ace"), list("bd")]
    assert shares(list("a"), 3) == [["a"]]
    cmds = commands(tmp_path, "01_x", 2, ["--force"])
    assert [c[1:4] for c in cmds] == [["autograde", "01_x", "--force"]] * 2
    left_out = [set(c[-1].split("=", 1)[1].split(",")) for c in cmds]
    assert left_out == [{"bob", "dan"}, {"ann", "cy", "eve"}]  # each grades the rest, once


# --- The capstone's self-checks reject wrong code ---

CAPSTONE = REPO / "instructor" / "capstone" / "capstone_mlp.py"


@pytest.fixture(scope="module")
def capstone():
    """The capstone's helper cell (its checks) and the instructor's material."""
    import jupytext
    nb = jupytext.read(CAPSTONE)
    material, _ = load_material("capstone_mlp", CAPSTONE.parent / "solutions")
    return next(c.source for c in nb.cells if c.cell_type == "code"), material


def _variant(capstone, code=""):
    """A notebook's namespace: the helper cell, the instructor's pieces, then ``code``."""
    helpers, material = capstone
    scope = {}
    for part in (helpers, *(ex["solution"] for ex in material.values()), code):
        exec(part, scope)
    return scope


def _ok(feedback):
    return feedback.ok


@pytest.mark.parametrize("check, name, code", [
    ("check_sigmoid", "Sigmoid", "class Sigmoid:\n    def forward(self, z):\n        return None\n"
                                 "    def backward(self, da):\n        return None"),
    ("check_sigmoid", "Sigmoid", "class Sigmoid:\n    def forward(self, z):\n        return z\n"
                                 "    def backward(self, da):\n        return da"),
    ("check_sigmoid", "Sigmoid", "class Sigmoid:\n    def forward(self, z):\n"
                                 "        self.a = 1 / (1 + np.exp(-z))\n        return self.a\n"
                                 "    def backward(self, da):\n        return 'dz'"),
    ("check_mse", "MSE", "class MSE:\n    def forward(self, y_hat, y):\n        return 42\n"
                         "    def backward(self):\n        return 42"),
    ("check_mse", "MSE", "class MSE:\n    def forward(self, y_hat, y):\n        return 'L'\n"
                         "    def backward(self):\n        return None"),
    ("check_dense", "Dense", "class Dense(Dense):\n    def forward(self, a_prev):\n        return 0"),
    ("check_dense", "Dense", "class Dense:\n    def __init__(self, n_in, n_out, rng):\n"
                             "        raise ValueError('no')"),
    ("check_train", "train", "def train(layers, loss, X, Y, lr, epochs):\n    return 'losses'"),
])
def test_capstone_checks_reject_wrong_code(capstone, check, name, code):
    scope = _variant(capstone, code)
    assert _ok(scope[check](scope[name])) is not True


@pytest.mark.parametrize("ex_id, check, name", [
    ("capstone.dense", "check_dense", "Dense"), ("capstone.sigmoid", "check_sigmoid", "Sigmoid"),
    ("capstone.mse", "check_mse", "MSE"), ("capstone.train", "check_train", "train")])
def test_capstone_checks_accept_the_solution_and_reject_the_typical_mistake(capstone, ex_id,
                                                                             check, name):
    scope = _variant(capstone)
    assert _ok(scope[check](scope[name])) is True
    scope = _variant(capstone, capstone[1][ex_id]["wrong"])
    assert _ok(scope[check](scope[name])) is False


def test_capstone_train_is_judged_alone(capstone):
    """A wrong MSE (½ missing) or a wrong Sigmoid does not cost train's points."""
    for ex_id in ("capstone.mse", "capstone.sigmoid", "capstone.dense"):
        scope = _variant(capstone, capstone[1][ex_id]["wrong"])
        assert _ok(scope["check_train"](scope["train"])) is True, ex_id


# --- The tamper report's static scan ---

@pytest.mark.parametrize("code, finding", [
    ("get_ipython().input_transformers_cleanup.append(lambda l: [])", "input transformers"),
    ("abs = lambda x: 0", "redefines abs"),
    ("import numpy\nnumpy.allclose = lambda *a, **k: True", "attribute of numpy"),
    ("np.allclose = lambda *a, **k: True", "attribute of np"),
    ("check_chain = lambda *a: True", "redefines check_chain"),
    ("def check_chain(answer):\n    return True", "redefines check_chain"),
    ("import sys\nf = sys._getframe(1)", "frames"),
    ("import sys\nsys.modules['numpy'].allclose = max", "sys.modules"),
    ("import builtins\nbuiltins.float = int", "imports builtins"),
    ("__builtins__.abs = max", "the builtins"),
    ("import IPython.display as d\nd.display = print", "imports IPython.display"),
    ("import os\nos._exit(0)", "exiting the kernel"),
    ("raise SystemExit", "SystemExit"),
    ("class A(float):\n    def __eq__(self, other):\n        return True", "__eq__"),
    ("try:\n    answer = 1\nexcept:\n    pass", "bare except"),
    ("%time answer = 1", "magic"),
    ("exec('an' + 'swer = 1')", "uses exec"),
    ("answer = open('../../../answers/x.json').read()", "file access"),
    ("Feedback.__bool__ = lambda self: True", "changes Feedback"),
    ("answer = (", "not valid Python"),
])
def test_tamper_scan_flags_reaching_for_the_machinery(code, finding):
    found = findings(code, protected={"check_chain", "Feedback", "np"})
    assert any(finding in f for f in found), found


@pytest.mark.parametrize("name", ["01_chain_rule", "capstone_mlp"])
def test_tamper_scan_passes_the_instructors_solutions(name):
    chapter = read_chapter(name, *ASSIGNMENTS[name])
    answers = {ex.answer_cell for ex in chapter.exercises}
    release = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(c.source, metadata={"nbgrader": {"solution": i in answers}})
        for i, c in enumerate(chapter.notebook.cells) if c.cell_type == "code"])
    for ex in chapter.exercises:
        assert findings(ex.entry["solution"], protected_names(release)) == [], ex.id


# --- Per-student numbers (bpbook.variants) ---

def test_a_reader_alone_sees_the_books_numbers(monkeypatch):
    monkeypatch.delenv("BPBOOK_STUDENT", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert variants.student() is None and variants.rng("01.chain") is None
    assert variants.number("01.chain", 0.1, -0.3, 0.3, digits=2) == 0.1


def test_a_student_gets_their_own_numbers_the_same_every_time(monkeypatch):
    monkeypatch.delenv("BPBOOK_STUDENT", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "hub-user")
    assert variants.student() == "hub-user"
    monkeypatch.setenv("BPBOOK_STUDENT", "graded")  # the grader's id wins over the hub's
    assert variants.student() == "graded"
    draws = {who: [variants.number(f"01.e{i}", 0.1, -3.0, 3.0, digits=3, who=who)
                   for i in range(5)] for who in ("ann", "ben", "graded")}
    assert draws["graded"] == [variants.number(f"01.e{i}", 0.1, -3.0, 3.0, digits=3)
                               for i in range(5)]
    assert draws["ann"] != draws["ben"] and len(set(draws["ann"])) == 5
    assert all(-3.0 <= v <= 3.0 and round(v, 3) == v for vs in draws.values() for v in vs)
    # the seed is the SHA-256 of the ids: the same on every machine and Python run
    seed = int.from_bytes(hashlib.sha256(b"ann\x0001.e0").digest()[:8], "little")
    assert draws["ann"][0] == round(float(np.random.default_rng(seed).uniform(-3.0, 3.0)), 3)


def test_the_static_edition_shows_the_books_numbers_on_a_hub(monkeypatch):
    """docs/build.py run by a hub user (or while a student is graded) still builds the reader
    alone's pages: chapter 1's own points are the book's defaults."""
    from bpbook.chapters import ch01_chain_rule as ch01
    from tests.docs_build import build
    monkeypatch.setenv("JUPYTERHUB_USER", "hub-user")
    monkeypatch.setenv("BPBOOK_STUDENT", "graded")
    assert variants.number("01.chain", ch01.CHAIN_AT, -0.3, 0.3, digits=2) != ch01.CHAIN_AT
    text, _ = build.execute(REPO / "chapters" / "01_chain_rule.py", key="test")
    assert f"Your point: $x = {ch01.CHAIN_AT}$" in text


@pytest.mark.parametrize("kwargs, name", [
    (dict(default="0.1"), "default"), (dict(low=float("nan")), "low"), (dict(high=-5.0), "high"),
    (dict(digits=1.5), "digits")])
def test_variant_settings_are_validated(kwargs, name):
    args = dict(exercise="01.x", default=0.1, low=-1.0, high=1.0, digits=2, who="ann") | kwargs
    with pytest.raises(BpbookError, match=name):
        variants.number(**args)


def test_the_build_summary_counts_in_words():
    from instructor.kit.__main__ import counted
    assert [counted(n, "think question") for n in (0, 1, 2)] == [
        "0 think questions", "1 think question", "2 think questions"]
    assert counted(1, "point") == "1 point"
