"""The course kit's round trip through nbgrader, run as an instructor runs it.

For chapter 1 and the capstone: build the course (``python -m instructor.kit``, what ``make
course`` runs), then run the very command blocks that instructor/README.md quotes (read from the
guide, so the two cannot drift): release, students fetch and submit, collect, autograde, the
tamper report, generate_feedback, export. Every assignment's students hand in (a) the released
notebook untouched, (b) the instructor's solutions, (c) those with the last answer replaced by the
instructor's typical mistake (``wrong``), (d) that too, with the self-check patched to always say
"right". nbgrader's CSV must give exactly 0, the full autograded points, and the full points minus
that exercise's for (c) and (d); the feedback on (c) must name the mistake as the self-check does.

The capstone also gets the cheats of ``CHEATS`` (issue 19's two and seven more; chapter 1 gets
issue 19's two), each with the typical mistake in every answer: each scores 0 on every exercise,
and the tamper report lists each. The
capstone also gets issue 19's wrong code (its self-checks once called it right; only ``train``,
graded on reference pieces, keeps its points) and a ``train`` that never returns (that cell alone
scores 0, its feedback says it ran longer than the limit). Chapter 1 gives each student their own
numbers: carol hands in her right answers (full marks), alice and bob swap theirs (both 0). After
the grading, chapter 1's solutions are released as the guide says: a student's fetch of them
fails before and works after, and brings the solutions and model answers; the Formgrader's
manual grading page (its template on the autograded notebook) shows each model answer under the
student's answer, and no feedback or release holds one. The students after
the first four are put straight into ``course/submitted/`` (as ``nbgrader collect`` leaves them),
which saves two nbgrader runs each.
"""
import ast
import csv
import html
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import determine_grade

from instructor.kit.build import assignments, venv_env
from instructor.kit.chapter import REPO, load_material, read_chapter
from instructor.kit.leaks import leaks
from instructor.kit.render import grade_id
from tests.jupyter_isolation import isolated

ROUNDTRIP = ("01_chain_rule", "capstone_mlp")
GUIDE = REPO / "instructor" / "README.md"
ASSIGNMENTS = assignments()
STUDENTS = ("untouched", "solved", "onewrong", "patched")
GRADED_TIMEOUT = 8  # seconds per graded cell in this test (the kit's default is 60)

# Cheats, each handed in with the instructor's typical mistake (`wrong`) in every answer cell: each
# must score 0 on every exercise. `first` goes before the first answer, `each` after every answer
# (with {check} the name of that exercise's self-check).
TRANSFORMER = ("get_ipython().input_transformers_cleanup.append(lambda l: [] if any('_feedback' "
               "in x for x in l) else l)\n")
CHEATS = {
    # issue 19's two
    "transformer": dict(first=TRANSFORMER),
    "monkeypatch": dict(each="abs = lambda x: 0\nimport numpy\nnumpy.allclose = lambda *a, **k: True\n"
                             "from bpbook.feedback import Feedback\n"
                             "{check} = lambda *a, **k: Feedback(True, 'patched')\n"),
    # a forged report: the real display is wrapped and every number it reports becomes 1
    "forged": dict(first="""\
import IPython.display as _d
_real = _d.display
def _forge(x):
    if isinstance(x, dict) and set(x) == {"shape", "data"}:
        return {"shape": x["shape"], "data": [1.0] * len(x["data"])}
    return [_forge(v) for v in x] if isinstance(x, list) else x
def _fake(data, raw=False, **k):
    for mime, report in data.items():
        if mime.startswith("application/vnd.bpbook"):
            report["items"] = {key: _forge(v) for key, v in report["items"].items()}
    return _real(data, raw=raw, **k)
_d.display = _fake
"""),
    # every answer compares equal to anything and converts to 0
    "liar": dict(each="""\
class _Liar(float):
    __eq__ = lambda self, other: True
    __bool__ = lambda self: True
    __float__ = lambda self: 0.0
    __array__ = lambda self, *a, **k: numpy.zeros(())
    __getattr__ = lambda self, name: self
    __call__ = lambda self, *a, **k: self
import numpy
for _name in [n for n, v in list(globals().items()) if n == "answer" or (callable(v) and
              getattr(v, "__module__", "") == "__main__" and not n.startswith("_"))]:
    globals()[_name] = _Liar(0.0)
"""),
    "float": dict(first="import builtins\nbuiltins.float = lambda *a, **k: 1.0\n"),
    "stdout": dict(first="import sys, io\nsys.stdout = io.StringIO()\n"),
    "cleared": dict(first="from IPython.display import clear_output\n"
                          "get_ipython().events.register('post_run_cell', "
                          "lambda *a: clear_output())\n"),
    "systemexit": dict(each="raise SystemExit\n"),
    "osexit": dict(first="import os\nos._exit(0)\n"),
}
CHEATS_ON = {"01_chain_rule": ("transformer", "monkeypatch"), "capstone_mlp": tuple(CHEATS)}
SOLVED = "01_chain_rule"  # whose solutions are released after the deadline
# Chapter 1's numbers are each student's own: carol hands in her right answers (full marks);
# alice and bob swap theirs, each handing in the other's right answers (both 0)
VARIANTS = {"carol": "carol", "alice": "bob", "bob": "alice"}  # student: whose answers
# The capstone's wrong code (issue 19): identity sigmoid, an MSE of 42, a forward of 0; train right
CAPSTONE_BAD = {
    "capstone.sigmoid": "class Sigmoid:\n    def forward(self, z):\n        return z\n"
                        "    def backward(self, da):\n        return da\n",
    "capstone.mse": "class MSE:\n    def forward(self, y_hat, y):\n        return 42\n"
                    "    def backward(self):\n        return 42\n",
    "capstone.dense": "class Dense:\n    def __init__(self, n_in, n_out, rng):\n"
                      "        self.W = rng.normal(0.0, 1.0, size=(n_out, n_in))\n"
                      "        self.b = np.zeros((n_out, 1))\n"
                      "    def forward(self, a_prev):\n        return 0\n"
                      "    def backward(self, dz):\n        return 0\n",
}
LOOPING = "def train(layers, loss, X, Y, lr, epochs):\n    while True:\n        pass\n"


def students(assignment):
    """Everyone who hands in ``assignment``: the first four through nbgrader's exchange (the
    guide's fetch and submit), the others straight into ``course/submitted/``."""
    extra = CHEATS_ON[assignment]
    if assignment == "capstone_mlp":
        extra += ("badcode", "looping")
    if assignment == "01_chain_rule":
        extra += tuple(VARIANTS)
    return STUDENTS + extra


def own_numbers(student):
    """Chapter 1's three points as ``student``'s kernel sees them (bpbook.variants)."""
    code = ("from bpbook.chapters.ch01_chain_rule import CHAIN_AT, TANH_AT, PATHS_AT\n"
            "print(CHAIN_AT, TANH_AT, PATHS_AT)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**venv_env(), "BPBOOK_STUDENT": student, "JUPYTERHUB_USER": ""})
    return [float(v) for v in out.stdout.split()]


def chain_rule_answers(student):
    """Chapter 1's right answers at ``student``'s points, from the closed forms."""
    x, t, p = own_numbers(student)
    u = 2 * x + 1
    return {"01.chain": (1 - math.tanh(u * u) ** 2) * 2 * u * 2,
            "01.local-tanh": 1 - math.tanh(t) ** 2,
            "01.two-paths": math.exp(p) * (2 * p + p * p)}


def guide_block(name):
    """The ```bash block that follows ``<!-- round-trip: name -->`` in the instructor's guide."""
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(rf"<!-- round-trip: {name} -->\s*```bash\n(.*?)```", text, re.S)
    assert match, f"instructor/README.md has no '<!-- round-trip: {name} -->' command block"
    return match.group(1)


def run_block(name, cwd, env, must_pass=True, **variables):
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", guide_block(name)], cwd=cwd,
                            env={**env, **variables}, capture_output=True, text=True,
                            timeout=900)
    if must_pass:
        assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    return result


def wrong_exercise(assignment):
    """The exercise the third student gets wrong: the last one (no later exercise uses it)."""
    exercises, _ = load_material(assignment, ASSIGNMENTS[assignment][1])
    ex_id = list(exercises)[-1]
    return ex_id, exercises[ex_id]


def check_name(assignment, ex_id):
    """The name of the self-check function that exercise ``ex_id``'s check cell calls."""
    chapter = read_chapter(assignment, *ASSIGNMENTS[assignment])
    check = next(ex.check for ex in chapter.exercises if ex.id == ex_id)
    return ast.parse(check).body[-1].value.func.id


def answers(student, assignment):
    """``{exercise id: the answer cell's text}`` that ``student`` hands in."""
    exercises, _ = load_material(assignment, ASSIGNMENTS[assignment][1])
    if student in CHEATS:
        cheat, out = CHEATS[student], {}
        for i, (ex_id, entry) in enumerate(exercises.items()):
            code = (cheat.get("first", "") if i == 0 else "") + entry["wrong"] + "\n"
            out[ex_id] = code + cheat.get("each", "").format(check=check_name(assignment, ex_id))
        return out
    out = {ex_id: entry["solution"] for ex_id, entry in exercises.items()}
    if student in VARIANTS:
        out = {ex_id: f"answer = {value!r}"
               for ex_id, value in chain_rule_answers(VARIANTS[student]).items()}
    elif student == "badcode":
        out.update(CAPSTONE_BAD)
    elif student == "looping":
        out["capstone.train"] = LOOPING
    elif student in ("onewrong", "patched"):
        ex_id, entry = wrong_exercise(assignment)
        out[ex_id] = entry["wrong"]
        if student == "patched":  # the wrong answer, and the self-check patched to say "right"
            out[ex_id] += (f"\nfrom bpbook.feedback import Feedback\n"
                           f"{check_name(assignment, ex_id)} = lambda *args, **kwargs: "
                           "Feedback(True, 'patched')")
    return out


def want_scores(assignment, kit):
    """``{student: autograded score}``: what each student must get."""
    full = kit[assignment]["points"]
    points = {ex: e["points"] for ex, e in kit[assignment]["exercises"].items()}
    wrong_points = points[wrong_exercise(assignment)[0]]
    want = {"untouched": 0, "solved": full, "onewrong": full - wrong_points,
            "patched": full - wrong_points, "carol": full, "alice": 0, "bob": 0}
    if assignment == "capstone_mlp":
        want |= {"badcode": points["capstone.train"], "looping": full - points["capstone.train"]}
    return {s: want.get(s, 0) for s in students(assignment)}


def hand_in(student, path, course, assignment):
    """Turn the notebook at ``path`` (fetched, or a copy of the release) into ``student``'s
    submission."""
    if student == "untouched":
        return
    nb = nbformat.read(path, as_version=4)
    by_grade_id = {grade_id(ex_id): code for ex_id, code in answers(student, assignment).items()}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in by_grade_id:
            cell.source = by_grade_id[gid]
    nbformat.write(nb, path)


# The whole round trip runs in the fixture, inside the first test: a few minutes on an idle
# two-core machine, more on a busy one.
pytestmark = pytest.mark.timeout(2400)


@pytest.fixture(scope="module")
def roundtrip():
    # Not pytest's tmp_path: a pytest session run meanwhile by the same user may prune its folders.
    root = Path(tempfile.mkdtemp(prefix="bpbook-roundtrip-"))
    try:
        yield run_roundtrip(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_roundtrip(root):
    course = root / "course"
    env = isolated(venv_env(), root / "jupyter")  # nbgrader's cache too: nothing in ~/
    build = subprocess.run([sys.executable, "-m", "instructor.kit", "--course", str(course),
                            "--only", *ROUNDTRIP], cwd=REPO, capture_output=True, text=True,
                           env=env)
    assert build.returncode == 0, build.stderr[-3000:]
    exchange = root / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    (root / "jupyter" / "config" / "nbgrader_config.py").write_text(
        f"c.Exchange.root = {str(exchange)!r}\n"
        f"c.GuardedExecute.graded_timeout = {GRADED_TIMEOUT}\n"
        "c.GuardedExecute.timeout = 240\n")  # a chapter cell: a stuck kernel costs less
    grades = {}
    for assignment in ROUNDTRIP:
        run_block("release", root, env, ASSIGNMENT=assignment)
        for student in students(assignment):
            if student in STUDENTS:
                home = root / student
                home.mkdir(exist_ok=True)
                run_block("fetch", home, env, ASSIGNMENT=assignment)
                hand_in(student, home / assignment / f"{assignment}.ipynb", course, assignment)
                # one login for everyone here: the student's id, as their own login would give it
                (home / "nbgrader_config.py").write_text(
                    f"c.CourseDirectory.student_id = {student!r}\n")
                run_block("submit", home, env, ASSIGNMENT=assignment)
            else:  # what `nbgrader collect` would leave, without two more nbgrader runs each
                folder = course / "submitted" / student / assignment
                folder.mkdir(parents=True)
                shutil.copy(course / "release" / assignment / f"{assignment}.ipynb", folder)
                hand_in(student, folder / f"{assignment}.ipynb", course, assignment)
        run_block("grade", root, env, ASSIGNMENT=assignment)
        with open(course / "grades.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        assert {row["assignment"] for row in rows} == {assignment}  # export --assignment
        grades.update({(row["assignment"], row["student_id"]): row for row in rows})
    kit = json.loads((course / "kit.json").read_text())
    return course, grades, kit, release_solutions(root, env)


def release_solutions(root, env):
    """The guide's last step for chapter 1, with a student's fetch before and after it: whether
    the first fetch failed, and the notebook the second one brought."""
    name = f"{SOLVED}-solutions"
    before = run_block("fetch", root / "solved", env, must_pass=False, ASSIGNMENT=name)
    run_block("solutions", root, env, ASSIGNMENT=SOLVED)
    run_block("fetch", root / "solved", env, ASSIGNMENT=name)
    return {"refused_before": before.returncode != 0,
            "fetched": nbformat.read(root / "solved" / name / f"{SOLVED}.ipynb", as_version=4)}


@pytest.mark.parametrize("assignment", ROUNDTRIP)
def test_scores_are_exact(roundtrip, assignment):
    course, grades, kit, _ = roundtrip
    full, think = kit[assignment]["points"], kit[assignment]["think_points"]
    got = {s: float(grades[(assignment, s)]["score"]) for s in students(assignment)}
    assert got == want_scores(assignment, kit)
    for student in students(assignment):
        assert float(grades[(assignment, student)]["max_score"]) == full + think, student


@pytest.mark.parametrize("assignment", CHEATS_ON)
def test_every_cheat_scores_zero_on_every_exercise(roundtrip, assignment):
    course, _, kit, _ = roundtrip
    for student in CHEATS_ON[assignment]:
        nb = nbformat.read(course / "autograded" / student / assignment / f"{assignment}.ipynb",
                           as_version=4)
        scores = {c.metadata["nbgrader"]["grade_id"]: determine_grade(c)[0] for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade")
                  and not c.metadata["nbgrader"]["solution"]}
        assert len(scores) == len(kit[assignment]["exercises"]), student
        assert set(scores.values()) == {0}, (student, scores)


def test_a_function_that_runs_too_long_loses_its_own_points_only(roundtrip):
    course, grades, kit, _ = roundtrip
    text = _feedback(course, "looping", "capstone_mlp")
    assert f"ran longer than {GRADED_TIMEOUT} s" in text


def test_each_student_gets_and_is_graded_on_their_own_numbers(roundtrip):
    course, grades, kit, _ = roundtrip
    alice, bob = own_numbers("alice"), own_numbers("bob")
    assert all(a != b for a, b in zip(alice, bob))
    assert chain_rule_answers("alice") != chain_rule_answers("bob")
    # a reader alone: the book's numbers (x = 0.13, off the chain explorer's grid of 0.05)
    assert own_numbers("") == [0.13, 0.5, 0.7]
    for student, numbers in (("alice", alice), ("bob", bob)):
        text = (course / "autograded" / student / "01_chain_rule" / "01_chain_rule.ipynb"
                ).read_text(encoding="utf-8")
        assert f"Your point: $x = {numbers[0]}$" in text, student
    # one's own right answers score in full; two who swap theirs both lose every point
    assert float(grades[("01_chain_rule", "carol")]["score"]) == kit["01_chain_rule"]["points"]
    assert float(grades[("01_chain_rule", "alice")]["score"]) == 0
    assert float(grades[("01_chain_rule", "bob")]["score"]) == 0


@pytest.mark.parametrize("assignment", CHEATS_ON)
def test_tamper_report_lists_the_cheats_and_not_the_honest(roundtrip, assignment):
    course, _, _, _ = roundtrip
    text = (course / f"tamper_{assignment}.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^## (\S+)$", text, re.M))
    assert set(CHEATS_ON[assignment]) <= listed
    assert not listed & {"solved", "onewrong"}
    assert "patched" in listed  # it redefines the self-check


def _feedback(course, student, assignment):
    path = course / "feedback" / student / assignment / f"{assignment}.html"
    return html.unescape(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("assignment", ROUNDTRIP)
def test_feedback_names_the_mistake(roundtrip, assignment):
    course, _, kit, _ = roundtrip
    ex_id, _ = wrong_exercise(assignment)
    message = kit[assignment]["exercises"][ex_id]["wrong_feedback"]
    assert message.startswith("✘ not yet")
    # the same words; in a per-student chapter the numbers are the student's own
    number = r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
    pattern = "".join(number if re.fullmatch(number, part) else re.escape(part)
                      for part in re.split(f"({number})", message))
    assert re.search(pattern, _feedback(course, "onewrong", assignment))
    assert "✘ not yet" not in _feedback(course, "solved", assignment)


@pytest.mark.parametrize("assignment", ROUNDTRIP)
def test_feedback_hides_the_hidden_tests(roundtrip, assignment):
    course, _, _, _ = roundtrip
    for student in students(assignment):
        assert "HIDDEN TESTS" not in _feedback(course, student, assignment)


def test_release_leaks_nothing(roundtrip):
    course, _, _, _ = roundtrip
    assert leaks(course) == []
    released = {p.name for p in (course / "release").rglob("*") if p.is_file()}
    assert released == {f"{a}.ipynb" for a in ROUNDTRIP}
    for assignment in ROUNDTRIP:
        chapter = read_chapter(assignment, *ASSIGNMENTS[assignment])
        nb = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
        answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
                   if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}
        assert answers == {grade_id(ex.id): ex.stub.rstrip() + "\n" for ex in chapter.exercises}


def _model_answers(assignment):
    """``{grade id: the first words of the model answer}`` of each think question."""
    _, thinks = load_material(assignment, ASSIGNMENTS[assignment][1])
    return {grade_id(t): " ".join(entry["answer"].split()[:8]) for t, entry in thinks.items()}


def test_the_formgrader_shows_each_model_answer_under_the_students(roundtrip):
    """The Formgrader's manual grading page renders the autograded notebook with its own
    template (nbgrader's SubmissionHandler): the model answer must be on that page, right after
    the student's answer it is for."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    course = roundtrip[0]
    path = course / "autograded" / "solved" / SOLVED / f"{SOLVED}.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    exporter = HTMLExporter(template_name="formgrade",
                            extra_template_basedirs=[handlers.template_path])
    page, _ = exporter.from_filename(str(path), resources={
        "assignment_id": SOLVED, "notebook_id": SOLVED, "submission_id": "s", "index": 0,
        "total": 1, "base_url": "", "student": "solved", "last_name": None, "first_name": None,
        "notebook_path": f"autograded/solved/{SOLVED}/{SOLVED}.ipynb"})
    page = " ".join(html.unescape(page).split())
    answers = _model_answers(SOLVED)
    assert answers
    for gid, words in answers.items():
        at = next(i for i, c in enumerate(cells)
                  if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
        assert cells[at + 1].metadata.get("bpbook_model_answer") == gid
        assert "nbgrader" not in cells[at + 1].metadata  # nothing grades it
        after = page[page.index(f'id="{gid}"'):]  # from the answer's score box
        end = after.find('class="score')  # the next graded cell's score box
        assert words in (after if end < 0 else after[:end]), gid


def test_no_student_sees_a_model_answer_before_the_solutions(roundtrip):
    course = roundtrip[0]
    words = _model_answers(SOLVED).values()
    release = nbformat.read(course / "release" / SOLVED / f"{SOLVED}.ipynb", as_version=4)
    released = " ".join(" ".join(c.source for c in release.cells).split())
    for student in students(SOLVED):
        feedback = " ".join(_feedback(course, student, SOLVED).split())
        assert not [w for w in words if w in feedback or w in released], student


def test_solutions_are_fetched_only_after_their_release(roundtrip):
    solutions = roundtrip[3]
    assert solutions["refused_before"]
    text = "\n".join(c.source for c in solutions["fetched"].cells)
    exercises, _ = load_material(SOLVED, ASSIGNMENTS[SOLVED][1])
    for ex_id, entry in exercises.items():
        assert entry["solution"].strip() in text, ex_id
    assert all(w in " ".join(text.split()) for w in _model_answers(SOLVED).values())
    assert "HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text and "_bp_items" not in text
