"""Build the nbgrader course: ``course/`` with its config, one source notebook per assignment (every
chapter and the capstone), the released copies, and ``kit.json`` (points and the self-check's
verdict on each ``wrong`` answer, for the round-trip test and the guide's tables).

Layout (nbgrader's): ``course/nbgrader_config.py``, ``course/source/<name>/<name>.ipynb``,
``course/release/<name>/<name>.ipynb``. Only notebooks go into ``source/``: nbgrader copies every
other file of an assignment into its release. The instructor's expected values for the grader
(:mod:`instructor.kit.grader`) go to ``course/answers/<name>.json``, outside ``source/``.
"""
import copy
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from instructor import settings
from instructor.kit.chapter import (CHAPTERS, REPO, SOLUTIONS, KitError, chapter_names,
                                   read_chapter)
from instructor.kit.hidden import wire
from instructor.kit.leaks import leaks
from instructor.kit.render import grade_id, source_notebook
from instructor.kit.solve import solve

COURSE = REPO / "course"
CAPSTONE = REPO / "instructor" / "capstone"
CAPSTONE_NAME = "capstone_mlp"

CONFIG = '''\
"""nbgrader's configuration for the bpbook course. Written by `make course`: edit
instructor/kit/build.py, not this file. Your own settings (course id, late policy, gradebook,
exchange) go in course_settings.py beside it, which `make course` never overwrites."""
import atexit
import os
import shutil
import tempfile

c = get_config()  # noqa: F821 (given by traitlets)
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# The release keeps each answer cell's stub (answer = None), written before the solution region.
c.ClearSolutions.code_stub = {"python": ""}
# Only notebooks are assignments: no .py copy of a source may reach a release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py"]
c.Execute.timeout = 600  # seconds per cell: a chapter's training cells on a busy hub
# Feedback shows the student's results, not the hidden tests (nor their expected values): the
# hidden regions are cleared, and a traceback names the error without quoting the cell's lines.
c.Execute.extra_arguments = ["--InteractiveShell.xmode=Minimal"]
c.GenerateFeedback.preprocessors = ["instructor.kit.grader.DropModelAnswers",
                                    "nbgrader.preprocessors.GetGrades",
                                    "nbgrader.preprocessors.ClearHiddenTests",
                                    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]
# The solved notebook released after the deadline (the guide's last step): no hidden report, no
# solution markers.
c.GenerateSolution.preprocessors = ["nbgrader.preprocessors.IncludeHeaderFooter",
                                    "nbgrader.preprocessors.LockCells",
                                    "nbgrader.preprocessors.ClearOutput",
                                    "nbgrader.preprocessors.ClearMarkScheme",
                                    "nbgrader.preprocessors.ClearHiddenTests",
                                    "instructor.kit.grader.DropSolutionMarkers",
                                    "nbgrader.preprocessors.Execute"]
# Kernels talk over sockets in a private folder, not TCP ports that two graders running at the
# same moment could both pick.
_sockets = tempfile.mkdtemp(prefix="bpbook-kernel-")
atexit.register(shutil.rmtree, _sockets, ignore_errors=True)
c.KernelManager.transport = "ipc"
c.KernelManager.ip = os.path.join(_sockets, "k")

# --- The kit's grader (instructor/kit/grader.py): the verdict is reached here, in nbgrader's own
# process, from the answers the check cells report; the expected values never enter the kernel.
import sys  # noqa: E402

sys.path.insert(0, {repo!r})
c.Autograde.autograde_preprocessors = [
    "instructor.kit.grader.GuardedExecute",  # nbgrader's Execute, with a limit per graded cell
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "instructor.kit.grader.Verdict",  # before SaveAutoGrades, which scores its errors 0
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    # For the Formgrader's manual grading, which shows the autograded notebook: the model answer
    # and grading note under each think answer (generate_feedback drops them: DropModelAnswers).
    "instructor.kit.grader.ModelAnswers",
]
c.GuardedExecute.answers_dir = os.path.join(c.CourseDirectory.root, "answers")
'''

TAMPER = '''\
"""Written by `make course`: the tamper report (instructor/kit/tamper.py) for this course.
Run in this folder after autograde: python tamper_report.py ASSIGNMENT"""
import sys

sys.path.insert(0, {repo!r})
from instructor.kit.tamper import main  # noqa: E402

main(sys.argv[1:])
'''


GRADE_CLASS = '''\
"""Written by `make course`: autograde a class with several nbgrader processes at once
(instructor/kit/parallel.py). Run in this folder: python grade_class.py ASSIGNMENT --processes 2"""
import sys

sys.path.insert(0, {repo!r})
from instructor.kit.parallel import main  # noqa: E402

main(sys.argv[1:])
'''


def assignments():
    """``{name: (chapters folder, solutions folder)}``: every chapter, then the capstone."""
    found = {name: (CHAPTERS, SOLUTIONS) for name in chapter_names()}
    found[CAPSTONE_NAME] = (CAPSTONE, CAPSTONE / "solutions")
    return found


def build_source(name, folders, course):
    """Solve assignment ``name``, write its source notebook; return its summary for kit.json."""
    chapter = read_chapter(name, *folders)
    records = solve(chapter)
    folder = course / "source" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    expected = {}
    nbformat.write(source_notebook(chapter, records, expected), folder / f"{name}.ipynb")
    answers = course / "answers"
    answers.mkdir(exist_ok=True)
    (answers / f"{name}.json").write_text(json.dumps(
        {"per_student": chapter.per_student, "cells": expected,
         "model_answers": {grade_id(t.id): t.entry["answer"].strip() for t in chapter.thinks}}))
    return {
        "points": chapter.points, "think_points": chapter.think_points,
        "exercises": {ex.id: {"grade_id": grade_id(ex.id), "points": ex.entry["points"],
                              "wrong_feedback": records[ex.id]["wrong"][1]}
                      for ex in chapter.exercises},
        "thinks": {t.id: {"grade_id": grade_id(t.id), "points": t.entry["points"]}
                   for t in chapter.thinks},
    }


def student_answers(built, name, student, verify=False, folders=None):
    """The expected values of ``student`` for assignment ``name``, from ``built`` (the build's
    ``course/answers/<name>.json``). For a per-student chapter every value is recomputed in
    memory (a file could be written by the code being graded) from the instructor's solutions,
    in a kernel that shows the student's numbers: a number or array, a probe's value, and a
    function's results on the build's inputs with their samples in the student's order
    (:func:`bpbook.variants.vary`, as the hidden test calls it). ``verify``: run the self-checks
    too, which must accept the solution and reject the ``wrong`` answer on these numbers.
    ``folders``: the chapter's and its solutions' (default: the assignment's)."""
    cells = copy.deepcopy(built["cells"])
    if not built["per_student"]:
        return cells
    chapter = read_chapter(name, *(folders or assignments()[name]))
    inputs = {cell["exercise"]: {key.partition(":")[2]: item["inputs"]
                                 for key, item in cell["items"].items() if "inputs" in item}
              for cell in cells.values()}
    records = solve(chapter, student=student, grading=not verify,
                    inputs={ex: found for ex, found in inputs.items() if found})
    for ex in chapter.exercises:
        record, items = records[ex.id], cells[grade_id(ex.id) + "-test"]["items"]
        for key, item in items.items():
            kind, _, item_name = key.partition(":")
            if kind == "value":
                item["want"] = wire(record["values"].get(item_name))
            elif kind == "calls":
                item["want"] = wire(record["graded"][item_name])
            elif kind == "probe":
                item["want"] = wire(record.get("probe"))
    return cells


def nbgrader(course, *args):
    """Run ``nbgrader args`` in the course folder with this venv's ``bin`` first on PATH (nbgrader
    runs ``alembic`` from there)."""
    subprocess.run(["nbgrader", *args], cwd=course, check=True, env=venv_env())


def venv_env():
    """The environment with this Python's ``bin`` folder first on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def build(course=COURSE, only=None, jobs=2, release=True):
    """Build the course in ``course`` (every assignment, or the names in ``only``)."""
    course = Path(course)
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG.replace("{repo!r}", repr(str(REPO)))
                                               + settings.LOAD)
    settings.install(course)
    for name, text in (("tamper_report.py", TAMPER), ("grade_class.py", GRADE_CLASS)):
        (course / name).write_text(text.replace("{repo!r}", repr(str(REPO))))
    todo = {n: f for n, f in assignments().items() if not only or n in only}
    unknown = set(only or ()) - set(todo)
    if unknown:
        raise SystemExit(f"unknown assignment(s) {sorted(unknown)}; known: "
                         f"{sorted(assignments())}")
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        summaries = dict(zip(todo, pool.map(lambda n: build_source(n, todo[n], course), todo)))
    kit = course / "kit.json"
    old = json.loads(kit.read_text()) if kit.exists() else {}
    kit.write_text(json.dumps({**old, **summaries}, indent=1, ensure_ascii=False))
    if release:
        for name in todo:
            nbgrader(course, "generate_assignment", name, "--force")
        found = leaks(course)
        if found:
            raise KitError("the release leaks:\n" + "\n".join(found))
    return summaries
