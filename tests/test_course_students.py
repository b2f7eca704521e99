"""Every student their own numbers, without nbgrader: for each chapter whose instructor file says
``PER_STUDENT = True`` (and for a small demo chapter with a function exercise), build it as
``make course`` does, run its source notebook (the instructor's solutions: a student who answers
everything right) in a kernel that shows alice's numbers, and let the grader's own verdict
(:class:`instructor.kit.grader.Verdict`, in this process) score the reports: full marks against
alice's expected values; against another student's, which is what that student gets for handing
in alice's answers, 0 on every exercise whose expected values differ, and every number or array
must differ. (A function graded on the other's inputs may give the same results: its samples in
another order do not change a mean loss; nor do a ``probe``'s fixed inputs, unless its setup
seeds them with ``bpbook.variants.seed``.) The expected values are computed by the grader's code
(:func:`instructor.kit.build.student_answers`), outside the graded kernel; alice's as the grader
computes them, from only the cells the solutions need; on the other student's numbers the
chapter's self-checks must accept the solution and reject the typical mistake.
``tests/test_course_roundtrip.py`` does the same for chapter 1 through nbgrader itself."""
import copy
import json
from pathlib import Path

import nbformat
import numpy as np
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbgrader.utils import determine_grade

from bpbook import variants
from instructor.kit.build import assignments, build_source, student_answers
from instructor.kit.chapter import chapter_names, per_student
from instructor.kit.grader import Verdict, same
from instructor.kit.hidden import MIME
from instructor.kit.solve import kernel_env

OTHERS = ("bob", "carol", "dave")  # who hands in alice's answers
PER_STUDENT = [name for name in chapter_names() if per_student(name)]

DEMO_CHAPTER = '''\
# %%
import numpy as np

from bpbook.feedback import check, check_function
from bpbook.variants import number

RATE = number("99.rate", 0.5, 0.1, 0.9, digits=2)


def check_rate(answer):
    return check(answer, RATE ** 2, "the rate squared", "RATE²")


def check_centred(fn):
    X = np.array([[1.0, 2.0, 4.0, 8.0, 3.0], [0.5, -1.0, 2.5, 0.0, 6.0]])
    return check_function(fn, "centred", "X minus its mean over the samples", [(X,)],
                          lambda X: X - X.mean(axis=1, keepdims=True))


# %% tags=["exercise"] exercise="99.rate"
answer = None

# %% tags=["check"]
check_rate(answer)

# %% tags=["exercise"] exercise="99.centred"
def centred(X):
    return None

# %% tags=["check"]
check_centred(centred)
'''
DEMO_SOLUTIONS = '''\
PER_STUDENT = True
EXERCISES = {
    "99.rate": dict(points=1, solution="answer = RATE ** 2", wrong="answer = 2 * RATE"),
    "99.centred": dict(points=2,
                       solution="def centred(X):\\n    return X - X.mean(axis=1, keepdims=True)",
                       wrong="def centred(X):\\n    return X - X.mean()"),
}
'''


def run_source(course, name, student):
    """The source notebook (every answer right) run in a kernel showing ``student``'s numbers,
    as ``nbgrader autograde`` runs a submission."""
    nb = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(course / "kernel"))
    try:
        NotebookClient(nb, km=km, timeout=600, allow_errors=True, resources={
            "metadata": {"path": str(course / "source" / name)}}).execute(
                cleanup_kc=True, env=kernel_env(student))
    finally:
        if km.has_kernel:  # a kernel handed to nbclient is the caller's to stop
            km.shutdown_kernel(now=True)
    return nb


def scores(nb, expected):
    """``{check cell's grade id: points}`` as nbgrader scores them after the kit's verdict."""
    nb = copy.deepcopy(nb)
    Verdict().preprocess(nb, {"bpbook_expected": expected})
    return {c.metadata["nbgrader"]["grade_id"]: determine_grade(c)[0] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}


def alike(mine, theirs):
    """``{(grade id, item): whether the grader takes one's value for the other's}``, within its
    tolerances (``mine``, ``theirs``: two students' expected values)."""
    return {(gid, key): same(mine[gid]["items"][key]["want"], item["want"], item["rtol"],
                             item["atol"], item["scalar"])
            for gid, cell in theirs.items() for key, item in cell["items"].items()}


def graded_round(name, folders, course):
    """``(kit, {"alice": expected, "other": expected}, alice's run notebook)``. alice's values
    are computed as the grader does (only the cells the solutions need); the other student's
    with the whole chapter and its self-checks, which must hold on those numbers too. The other
    is the first of ``OTHERS`` whose numbers give no value exercise alice's answer (small whole
    numbers can coincide by chance: a value that never differs draws nothing of its own)."""
    kit = build_source(name, folders, course)
    built = json.loads((course / "answers" / f"{name}.json").read_text())
    assert built["per_student"] is True
    alice = student_answers(built, name, "alice", folders=folders)
    for other in OTHERS:
        theirs = student_answers(built, name, other, verify=True, folders=folders)
        if not any(both for (_, key), both in alike(alice, theirs).items()
                   if key.startswith("value:")):
            break
    return kit, {"alice": alice, "other": theirs}, run_source(course, name, "alice")


def assert_own_numbers_only(kit, expected, nb):
    """Full marks with alice's expected values; with the other's, 0 on every exercise whose
    expected values differ from alice's, and they differ for every number or array. A function
    may give the same results on the other's inputs (its samples in another order do not change
    a mean loss or a sum over the batch), and a probe's fixed inputs are everyone's."""
    full = {e["grade_id"] + "-test": e["points"] for e in kit["exercises"].values()}
    assert scores(nb, expected["alice"]) == full
    both = alike(expected["alice"], expected["other"])
    assert not [item for item, taken in both.items() if taken and item[1].startswith("value:")], (
        "a number or array is the same for every student: it draws none of its own")
    others = {gid: points if all(taken for (g, _), taken in both.items() if g == gid) else 0
              for gid, points in full.items()}
    assert scores(nb, expected["other"]) == others


@pytest.mark.parametrize("name", PER_STUDENT)
def test_a_students_answers_score_for_them_and_for_nobody_else(name, tmp_path):
    assert_own_numbers_only(*graded_round(name, assignments()[name], tmp_path))


def test_a_function_is_graded_on_inputs_of_the_students_own(tmp_path):
    """The demo chapter: a number and a function, each student's own."""
    chapters, solutions = tmp_path / "chapters", tmp_path / "solutions"
    chapters.mkdir(), solutions.mkdir()
    (chapters / "99_demo.py").write_text(DEMO_CHAPTER)
    (solutions / "99_demo.py").write_text(DEMO_SOLUTIONS)
    kit, expected, nb = graded_round("99_demo", (chapters, solutions), tmp_path / "course")
    assert_own_numbers_only(kit, expected, nb)
    # the grader's inputs: the self-check's, samples in alice's order; only they cross
    test_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                     == "ex99-centred-test")
    X = np.array([[1.0, 2.0, 4.0, 8.0, 3.0], [0.5, -1.0, 2.5, 0.0, 6.0]])
    (mine,) = variants.vary((X,), "99.centred", who="alice")
    assert not np.array_equal(mine, X)
    report = next(o for o in test_cell.outputs if MIME in o.get("data", {}))["data"][MIME]
    got = np.array(report["items"]["calls:centred"][0]["data"]).reshape(X.shape)
    assert np.allclose(got, mine - mine.mean(axis=1, keepdims=True))
    other = expected["other"]["ex99-centred-test"]["items"]["calls:centred"]["want"]
    assert other != expected["alice"]["ex99-centred-test"]["items"]["calls:centred"]["want"]
    source = (tmp_path / "course" / "source" / "99_demo" / "99_demo.ipynb").read_text()
    assert repr(float(got[0, 0])) not in source  # alice's expected results are nowhere in it


def test_varied_inputs_keep_the_samples_together():
    """One order for every input with that many samples; other inputs as they were."""
    W, A, labels = np.arange(6.0).reshape(2, 3), np.arange(8.0).reshape(2, 4), np.arange(4)
    assert variants.vary((W, A, labels, 0.5), "99.x", who=None) == (W, A, labels, 0.5)
    W2, A2, labels2, lr = variants.vary((W, A, [labels], 0.5), "99.x", who="alice")
    assert W2 is W and lr == 0.5
    order = labels2[0]
    assert sorted(order) == [0, 1, 2, 3] and list(order) != [0, 1, 2, 3]
    assert np.array_equal(A2, A[:, order])


def test_a_probe_can_draw_its_inputs_per_student():
    assert variants.seed("99.x", 7, who=None) == 7  # the reader alone's, and the build's
    seeds = {who: variants.seed("99.x", 7, who=who) for who in ("alice", "bob")}
    assert seeds["alice"] != seeds["bob"] and all(0 <= s < 2**31 for s in seeds.values())
    assert seeds["alice"] == variants.seed("99.x", 7, who="alice")
