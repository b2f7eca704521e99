"""Turn a chapter into an nbgrader source notebook.

- the ANSWER cell becomes an autograded answer cell: the chapter's stub, then the instructor's
  solution between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (the release keeps the stub,
  because the course's ``ClearSolutions.code_stub`` is empty);
- the CHECK cell becomes a locked autograder test cell worth the exercise's points: the chapter's
  self-check as the visible test (its feedback is the failure message), and in the hidden region
  the report of the student's answer that the grader judges (:mod:`instructor.kit.hidden`);
- after a THINK question comes a manually graded markdown cell, its model answer in the solution
  region.
The notebook keeps the chapter's kernelspec and nothing of Jupytext's metadata, so a released
copy cannot be paired back to its source.
"""
import nbformat

from instructor.kit.hidden import hidden_tests
from instructor.kit.solve import wrap_last_expression

DROP_TAGS = {"exercise", "check", "think"}


def grade_id(ex_id):
    """nbgrader's id for exercise ``NN.name``: ``exNN-name``."""
    return "ex" + ex_id.replace(".", "-")


def _nbgrader(gid, *, grade, solution, locked, points=None):
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": gid,
            "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _copy(cell):
    meta = {k: v for k, v in cell.metadata.items() if k != "exercise"}
    tags = [t for t in meta.pop("tags", []) if t not in DROP_TAGS]
    if tags:
        meta["tags"] = tags
    make = nbformat.v4.new_code_cell if cell.cell_type == "code" else nbformat.v4.new_markdown_cell
    return make(cell.source, metadata=meta)


def answer_source(ex):
    return (f"{ex.stub.rstrip()}\n### BEGIN SOLUTION\n{ex.entry['solution'].strip()}\n"
            "### END SOLUTION")


def test_source(ex, hidden):
    """The self-check, its feedback printed; the hidden report; then the self-check's verdict as
    the failure's message (after the report, so that the grader reads the answer either way)."""
    call = wrap_last_expression(ex.check, "_feedback = {}")
    return f"{call}\nprint(_feedback)\n{hidden}\nassert _feedback, str(_feedback)"


def source_notebook(chapter, records, expected=None):
    """The nbgrader source notebook of ``chapter``, given its solving ``records``; the
    instructor's values for the grader go into ``expected`` (``{check cell's grade id: ...}``)."""
    expected = {} if expected is None else expected
    answers = {ex.answer_cell: ex for ex in chapter.exercises}
    checks = {ex.check_cell: ex for ex in chapter.exercises}
    thinks = {t.cell: t for t in chapter.thinks}
    cells = []
    for i, cell in enumerate(chapter.notebook.cells):
        new = _copy(cell)
        cells.append(new)
        if i in answers:
            ex = answers[i]
            new.source = answer_source(ex)
            new.metadata.update(_nbgrader(grade_id(ex.id), grade=False, solution=True,
                                          locked=False))
        elif i in checks:
            ex = checks[i]
            hidden, items = hidden_tests(ex, records[ex.id], chapter.per_student)
            new.source = test_source(ex, hidden)
            expected[grade_id(ex.id) + "-test"] = {"exercise": ex.id, "items": items}
            new.metadata.update(_nbgrader(grade_id(ex.id) + "-test", grade=True, solution=False,
                                          locked=True, points=ex.entry["points"]))
        elif i in thinks:
            think = thinks[i]
            new.metadata.update(_nbgrader(grade_id(think.id) + "-question", grade=False,
                                          solution=False, locked=True))
            answer = nbformat.v4.new_markdown_cell(
                f"### BEGIN SOLUTION\n{think.entry['answer'].strip()}\n### END SOLUTION",
                metadata=_nbgrader(grade_id(think.id), grade=True, solution=True, locked=False,
                                   points=think.entry["points"]))
            cells.append(answer)
    kernelspec = chapter.notebook.metadata.get(
        "kernelspec", {"name": "python3", "display_name": "Python 3 (ipykernel)",
                       "language": "python"})
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": kernelspec, "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nb
