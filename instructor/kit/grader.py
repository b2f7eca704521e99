"""The verdict, reached in nbgrader's own process: preprocessors that ``make course`` registers in
``course/nbgrader_config.py`` for ``nbgrader autograde``.

- :class:`GuardedExecute` is nbgrader's ``Execute`` with a short time limit for the graded cells
  (answer and check cells; the chapter's own cells keep ``Execute.timeout``): a cell that runs
  longer is interrupted and gets "ran longer than N s" (that cell scores 0, the rest is graded).
  A kernel that dies (``os._exit``, ``exit()``) or stays stuck after two interrupts ends the run;
  the cells it did not run have no report and score 0, instead of failing the whole autograde.
  The kernel runs with ``BPBOOK_STUDENT`` set to the submission's student, whose own numbers the
  chapter then shows (:mod:`bpbook.variants`). Before the kernel starts, it reads (or, for a
  per-student chapter, computes) the instructor's values for the :class:`Verdict`.
- :class:`Verdict` reads, in each graded check cell, the one report its hidden region displayed
  (:data:`instructor.kit.hidden.MIME`: plain JSON numbers, never an object), compares it with
  ``course/answers/<notebook>.json`` (for a per-student chapter, the values recomputed on the
  student's numbers: :func:`instructor.kit.build.student_answers`) and, when an item differs or
  the report is missing or doubled, writes an error output into the cell, which nbgrader then
  scores 0.
- :class:`ModelAnswers` puts your model answer and grading note under each answer you grade by
  hand, in the autograded notebook the Formgrader shows; :class:`DropModelAnswers`, the first
  step of ``nbgrader generate_feedback``, takes them out again, so feedback never shows them.

What the kernel can still do, and why it does not buy points: the student's code runs before the
check cell and can make the cell display anything (a forged report). Only numbers cross, and
they must equal the instructor's values within the tolerances; forging the right numbers is the
same as computing them. A report that appears twice in the cell (the real one and a forged one)
scores 0. Outputs of other cells are never read.
"""
import json
import math
import os
from pathlib import Path

import numpy as np
from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_markdown_cell
from traitlets import Integer, Unicode, default

from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from instructor.kit.build import student_answers
from instructor.kit.hidden import MIME

GRADED_TIMEOUT = 60  # seconds for one answer or check cell (the capstone's training takes ~2 s)
MAX_REPORT = 1_000_000  # characters: a larger report is refused, not parsed


class KernelGone(Exception):
    """The kernel died or stays stuck: the rest of the notebook is not run."""


def _error(ename, message):
    return NotebookNode(output_type="error", ename=ename, evalue=message,
                        traceback=[f"{ename}: {message}"])


class GuardedExecute(Execute):
    """nbgrader's Execute with a time limit per graded cell, surviving a dead or stuck kernel."""

    graded_timeout = Integer(GRADED_TIMEOUT, help="seconds an answer or check cell may run"
                             ).tag(config=True)
    answers_dir = Unicode("", help="folder of the instructor's expected values").tag(config=True)
    max_timeouts = Integer(2, help="cells in a row that may time out before the run stops"
                           ).tag(config=True)

    @default("timeout_func")
    def _default_timeout_func(self):
        return self.cell_timeout

    @default("shutdown_kernel")
    def _default_shutdown_kernel(self):
        # Every output is in by then: the student's kernel is stopped, not asked to finish (no
        # code of the student's runs at its exit, and a torch kernel's exit took up to 0.5 s).
        return "immediate"

    def cell_timeout(self, cell):
        """The graded limit for nbgrader's cells, ``timeout`` for the chapter's own cells."""
        meta = cell.metadata.get("nbgrader", {})
        return self.graded_timeout if meta.get("grade") or meta.get("solution") else self.timeout

    async def _async_handle_timeout(self, timeout, cell=None):
        # nbclient's hook (nbclient is pinned): the error names the limit the cell ran into.
        self.error_on_timeout = {"ename": "TimeLimit",
                                 "evalue": f"ran longer than {timeout} s",
                                 "traceback": [f"TimeLimit: ran longer than {timeout} s"]}
        self._timeouts_in_a_row += 1
        if self._timeouts_in_a_row > self.max_timeouts:
            raise KernelGone(f"the kernel stayed busy through {self.max_timeouts} interrupts")
        return await super()._async_handle_timeout(timeout, cell)

    def on_cell_executed(self, **kwargs):
        reply = kwargs["execute_reply"]
        if reply and reply["content"].get("ename") != "TimeLimit":
            self._timeouts_in_a_row = 0
        super().on_cell_executed(**kwargs)

    async def async_start_new_kernel(self, **kwargs):
        # The kernel shows the submission's student their own numbers (bpbook.variants); its
        # own environment, not this process's, which another grading thread may share.
        kwargs.setdefault("env", {**os.environ, "BPBOOK_STUDENT": self._student})
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)  # nbclient's sync twin, rebound

    def preprocess(self, nb, resources=None, km=None):
        self._timeouts_in_a_row = 0
        notebook, self._student = (resources["nbgrader"][k] for k in ("notebook", "student"))
        # The instructor's values for this student, before the student's kernel starts: its code
        # cannot rewrite what they are read from (the Verdict, after it, uses these).
        if self.answers_dir:
            built = read_answers(self.answers_dir, notebook)
            resources["bpbook_expected"] = student_answers(built, notebook, self._student)
            resources["bpbook_model_answers"] = built.get("model_answers", {})
        try:
            return super().preprocess(nb, resources, km)
        except (DeadKernelError, KernelGone) as err:
            self.log.warning("stopped running the notebook: %s; cells not run score 0", err)
            nb.metadata["bpbook_stopped"] = str(err) or type(err).__name__
            return nb, resources


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _array(x):
    """A wire array as a float numpy array, or None if it is not a well-formed one."""
    if not isinstance(x, dict) or set(x) != {"shape", "data"}:
        return None
    shape, data = x["shape"], x["data"]
    if (not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape)
            or not isinstance(data, list) or len(data) != math.prod(shape)):
        return None
    values = []
    for v in data:
        if _number(v):
            values.append(float(v))
        elif v in ("nan", "inf", "-inf"):
            values.append(float(v))
        else:
            return None
    return np.array(values, dtype=float).reshape(shape)


def same(got, want, rtol, atol, scalar=False):
    """Whether the reported ``got`` matches the instructor's ``want`` (both in the wire format)."""
    if isinstance(want, list):
        return (isinstance(got, list) and len(got) == len(want)
                and all(same(g, w, rtol, atol) for g, w in zip(got, want)))
    g, w = _array(got), _array(want)
    if g is None or w is None:
        return False
    if scalar:
        g, w = g.reshape(-1), w.reshape(-1)
    return g.shape == w.shape and bool(np.allclose(g, w, rtol=rtol, atol=atol, equal_nan=True))


def read_answers(folder, notebook):
    """What ``make course`` wrote for ``notebook`` in ``folder`` (course/answers)."""
    path = Path(folder) / f"{notebook}.json"
    if not path.exists():
        raise FileNotFoundError(f"no expected values for {notebook} in {folder}: run make course "
                                "for it")
    return json.loads(path.read_text(encoding="utf-8"))


def expected_values(folder, notebook, student):
    """The instructor's values for ``student``'s ``notebook`` (``folder``: course/answers)."""
    return student_answers(read_answers(folder, notebook), notebook, student)


def judge(outputs, exercise, expected):
    """``(kind, message)`` for a check cell's ``outputs``; ``kind`` is None when right."""
    reports = [o for o in outputs if o.get("output_type") in ("display_data", "execute_result")
               and MIME in o.get("data", {})]
    if not reports:
        return "NoAnswer", ("the grader found no answer in this cell: it stopped before reporting "
                            "it (see the error above), or its output was removed")
    if len(reports) > 1:
        return "Ambiguous", "the cell reported an answer more than once; only one report counts"
    report = reports[0]["data"][MIME]
    if isinstance(report, str):
        if len(report) > MAX_REPORT:
            return "Ambiguous", "the cell's report is too large to read"
        try:
            report = json.loads(report)
        except ValueError:
            return "Ambiguous", "the cell's report is not readable"
    if (not isinstance(report, dict) or report.get("exercise") != exercise
            or not isinstance(report.get("items"), dict)):
        return "Ambiguous", "the cell's report is not this exercise's"
    items = report["items"]
    for key, item in expected.items():
        if not same(items.get(key), item["want"], item["rtol"], item["atol"], item["scalar"]):
            return "WrongAnswer", f"the grader's test: {describe(key)} is not the expected answer"
    return None, ""


def describe(key):
    kind, _, name = key.partition(":")
    return {"value": f"{name}", "calls": f"{name} on the grader's inputs",
            "probe": "your code on the grader's inputs"}.get(kind, key)


class Verdict(NbGraderPreprocessor):
    """Judge every graded check cell against ``answers_dir/<notebook>.json`` (see module doc)."""

    def preprocess(self, nb, resources):
        answers = resources.get("bpbook_expected")
        if answers is None:
            raise RuntimeError("no expected values: GuardedExecute reads them, and must run "
                               "first with the same answers_dir (see course/nbgrader_config.py)")
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            entry = answers.get(meta["grade_id"])
            if entry is None:
                kind, message = "NoAnswer", "the kit has no expected answer for this cell"
            else:
                kind, message = judge(cell.outputs, entry["exercise"], entry["items"])
            # An execute_result would be read by nbgrader as partial credit: a check cell ends
            # with an assert and never has one, so any such output is dropped.
            cell.outputs = [o for o in cell.outputs if o.output_type != "execute_result"]
            if kind:
                self.log.info("%s: %s", meta["grade_id"], message)
                cell.outputs.append(_error(kind, message))
        return nb, resources


MODEL_ANSWER = "bpbook_model_answer"  # a cell's metadata key: the grade id it answers


class ModelAnswers(NbGraderPreprocessor):
    """Under each answer graded by hand, a cell with your model answer and grading note (from
    ``course/answers/<notebook>.json``, read by :class:`GuardedExecute` before the kernel started),
    in the autograded notebook that the Formgrader's manual grading page shows. It carries no
    nbgrader metadata, so nothing grades it; :class:`DropModelAnswers` keeps it out of feedback."""

    def preprocess(self, nb, resources):
        answers = resources.get("bpbook_model_answers") or {}
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            meta = cell.metadata.get("nbgrader", {})
            text = answers.get(meta.get("grade_id")) if meta.get("solution") else None
            if text and meta.get("grade"):
                quoted = "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
                note = new_markdown_cell(
                    "**Model answer and grading note** (for the grader; the student's feedback "
                    f"leaves this cell out)\n\n{quoted}", metadata={MODEL_ANSWER: meta["grade_id"]})
                if nb.get("nbformat_minor", 5) < 5:  # cell ids came with nbformat 4.5
                    note.pop("id", None)
                cells.append(note)
        nb.cells = cells
        return nb, resources


class DropModelAnswers(NbGraderPreprocessor):
    """``nbgrader generate_feedback``'s first step: the model answers leave the notebook."""

    def preprocess(self, nb, resources):
        nb.cells = [c for c in nb.cells if MODEL_ANSWER not in c.metadata]
        return nb, resources


class DropSolutionMarkers(NbGraderPreprocessor):
    """``nbgrader generate_solution``'s step: the ``### BEGIN/END SOLUTION`` lines go, the
    solutions stay (for the solved notebook students fetch after the deadline)."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            lines = cell.source.splitlines()
            kept = [line for line in lines
                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")]
            if len(kept) != len(lines):
                cell.source = "\n".join(kept)
        return nb, resources
