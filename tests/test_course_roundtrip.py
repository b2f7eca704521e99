"""The course kit's round trip through nbgrader, run as an instructor runs it.

For two chapters and the capstone: build the course (``python -m instructor.kit``, what ``make
course`` runs), then run the very command blocks that instructor/README.md quotes (read from the
guide, so the two cannot drift): release, four students fetch and submit, collect, autograde,
generate_feedback, export. The students hand in (a) the released notebook untouched, (b) the source
notebook with the instructor's solutions, (c) those solutions with the last answer replaced by the
instructor's typical mistake (``wrong``), (d) that too, with the self-check patched to always say
"right". nbgrader's CSV must give exactly 0, the full autograded points, and the full points minus
that exercise's for (c) and (d) (the hidden tests do not trust bpbook); the feedback on (c) must
name the mistake as the self-check does.
"""
import ast
import csv
import html
import json
import re
import subprocess
import sys

import nbformat
import pytest

from instructor.kit.build import assignments, venv_env
from instructor.kit.chapter import REPO, load_material, read_chapter
from instructor.kit.leaks import leaks
from instructor.kit.render import grade_id
from tests.jupyter_isolation import isolated

ROUNDTRIP = ("01_chain_rule", "03_worked_example", "capstone_mlp")
GUIDE = REPO / "instructor" / "README.md"
ASSIGNMENTS = assignments()
STUDENTS = ("untouched", "solved", "onewrong", "patched")


def guide_block(name):
    """The ```bash block that follows ``<!-- round-trip: name -->`` in the instructor's guide."""
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(rf"<!-- round-trip: {name} -->\s*```bash\n(.*?)```", text, re.S)
    assert match, f"instructor/README.md has no '<!-- round-trip: {name} -->' command block"
    return match.group(1)


def run_block(name, cwd, env, **variables):
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", guide_block(name)], cwd=cwd,
                            env={**env, **variables}, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"


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


def hand_in(student, path, course, assignment):
    """Turn the fetched notebook at ``path`` into student ``student``'s submission."""
    if student == "untouched":
        return
    nb = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    if student in ("onewrong", "patched"):
        ex_id, entry = wrong_exercise(assignment)
        cell = next(c for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id(ex_id))
        cell.source = entry["wrong"]
        if student == "patched":  # the wrong answer, and the self-check patched to say "right"
            cell.source += (f"\nfrom bpbook.feedback import Feedback\n"
                            f"{check_name(assignment, ex_id)} = lambda *args, **kwargs: "
                            "Feedback(True, 'patched')")
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory):
    root = tmp_path_factory.mktemp("roundtrip")
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
        f"c.Exchange.root = {str(exchange)!r}\n")
    for assignment in ROUNDTRIP:
        run_block("release", root, env, ASSIGNMENT=assignment)
        for student in STUDENTS:
            home = root / student
            home.mkdir(exist_ok=True)
            run_block("fetch", home, env, ASSIGNMENT=assignment)
            hand_in(student, home / assignment / f"{assignment}.ipynb", course, assignment)
            run_block("submit", home, env, ASSIGNMENT=assignment, STUDENT=student)
        run_block("grade", root, env, ASSIGNMENT=assignment)
    with open(course / "grades.csv", newline="") as f:
        grades = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(f)}
    kit = json.loads((course / "kit.json").read_text())
    return course, grades, kit


@pytest.mark.parametrize("assignment", ROUNDTRIP)
def test_scores_are_exact(roundtrip, assignment):
    course, grades, kit = roundtrip
    full, think = kit[assignment]["points"], kit[assignment]["think_points"]
    wrong_points = kit[assignment]["exercises"][wrong_exercise(assignment)[0]]["points"]
    want = {"untouched": 0, "solved": full, "onewrong": full - wrong_points,
            "patched": full - wrong_points}
    for student, score in want.items():
        row = grades[(assignment, student)]
        assert float(row["score"]) == score, (student, row)
        assert float(row["max_score"]) == full + think, (student, row)


def _feedback(course, student, assignment):
    path = course / "feedback" / student / assignment / f"{assignment}.html"
    return html.unescape(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("assignment", ROUNDTRIP)
def test_feedback_names_the_mistake(roundtrip, assignment):
    course, _, kit = roundtrip
    ex_id, _ = wrong_exercise(assignment)
    message = kit[assignment]["exercises"][ex_id]["wrong_feedback"]
    assert message.startswith("✘ not yet")
    assert message in _feedback(course, "onewrong", assignment)
    assert "✘ not yet" not in _feedback(course, "solved", assignment)


@pytest.mark.parametrize("assignment", ROUNDTRIP)
def test_feedback_hides_the_hidden_tests(roundtrip, assignment):
    course, _, _ = roundtrip
    for student in STUDENTS:
        assert "HIDDEN TESTS" not in _feedback(course, student, assignment)


def test_release_leaks_nothing(roundtrip):
    course, _, _ = roundtrip
    assert leaks(course) == []
    released = {p.name for p in (course / "release").rglob("*") if p.is_file()}
    assert released == {f"{a}.ipynb" for a in ROUNDTRIP}
    for assignment in ROUNDTRIP:
        chapter = read_chapter(assignment, *ASSIGNMENTS[assignment])
        nb = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
        answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
                   if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}
        assert answers == {grade_id(ex.id): ex.stub.rstrip() + "\n" for ex in chapter.exercises}
