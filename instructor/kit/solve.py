"""Run a chapter with the instructor's answers and record what the hidden tests need.

The chapter runs once, top to bottom, in a fresh kernel. At each exercise the kernel first runs
the instructor's ``wrong`` answer and the chapter's own self-check (which must say "not yet"), then
the ``solution`` and the self-check again (which must say "right"). Meanwhile it records the
solution's values (for a number or an array) or the calls the self-check makes to the solution's
function, with their results. Those records become the hidden tests' expected values: computed
here from the instructor's solutions, never read from bpbook by the graded notebook.
"""
import ast
import os
import pickle
import tempfile
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from instructor.kit.chapter import CHAPTERS, KitError

PRELUDE = '''\
import copy as _bp_copy
import pickle as _bp_pickle

import numpy as _bp_np

_bp_records = {}


def _bp_rec(ex_id):
    return _bp_records.setdefault(ex_id, {"values": {}, "calls": {}})


def _bp_plain(x):
    """x as floats: an array, or a list of them; None when it is not numeric."""
    try:
        if hasattr(x, "detach"):
            x = x.detach().cpu().numpy()
        if isinstance(x, (list, tuple)):
            items = [_bp_plain(v) for v in x]
            return None if any(v is None for v in items) else items
        return _bp_np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return None


def _bp_feedback(ex_id, kind, fb):
    _bp_rec(ex_id)[kind] = (getattr(fb, "ok", None), str(fb))
    return fb


def _bp_record(ex_id, names):
    for name in names:
        value = globals()[name]
        if isinstance(value, type):
            continue  # a class: the exercise's `probe` grades it
        if callable(value):
            globals()[name] = _bp_wrap(_bp_rec(ex_id)["calls"].setdefault(name, []), value)
        else:
            _bp_rec(ex_id)["values"][name] = _bp_plain(value)


def _bp_portable(x):
    """Whether x can become a literal: numbers, arrays, tensors, and lists or tuples of them."""
    if isinstance(x, (list, tuple)):
        return all(_bp_portable(v) for v in x)
    return (isinstance(x, (int, float, _bp_np.ndarray, _bp_np.generic))
            or type(x).__module__.startswith("torch") and hasattr(x, "detach"))


def _bp_wrap(calls, fn):
    def wrapped(*args):
        before = _bp_copy.deepcopy(args) if _bp_portable(args) else None
        out = fn(*args)
        if before is not None:
            calls.append((before, _bp_plain(out)))
        return out
    wrapped._bp_inner = fn
    return wrapped


def _bp_unwrap(names):
    for name in names:
        globals()[name] = getattr(globals()[name], "_bp_inner", globals()[name])
'''


def wrap_last_expression(code, template):
    """``code`` with its last statement (an expression) rewritten as ``template.format(expr)``."""
    tree = ast.parse(code)
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        raise KitError(f"a check cell should end with the self-check call; got:\n{code}")
    last = tree.body[-1]
    lines = code.splitlines()
    head = "\n".join(lines[:last.lineno - 1] + [lines[last.lineno - 1][:last.col_offset]])
    expr = ast.get_source_segment(code, last)
    tail = "\n".join(lines[last.end_lineno:])
    return (head + template.format(expr) + ("\n" + tail if tail.strip() else "")).strip("\n")


# Grading needs the values, not the pictures: the kernel renders no figure or rich output.
QUIET = "get_ipython().display_formatter.active_types = ['text/plain']"


def _inputs_cell(ex, inputs):
    """The instructor's function evaluated on each recorded input, its samples in this kernel's
    student's order (the hidden test's ``_bp_vary``): the grader's values for that student."""
    head = "import numpy as _np\nfrom bpbook.variants import vary as _bp_vary\n"
    if any("torch.tensor(" in code for code in inputs.values()):
        head += "import torch\n"
    lines = [f"_bp_rec({ex.id!r})['graded'][{name!r}] = [_bp_plain({name}(*_bp_vary(_a, "
             f"{ex.id!r}))) for _a in {code}]" for name, code in inputs.items()]
    return head + f"_bp_rec({ex.id!r})['graded'] = {{}}\n" + "\n".join(lines)


def _exercise_cells(ex, grading=False, inputs=None):
    names = repr(ex.names)
    feedback = '_bp_fb = _bp_feedback({!r}, "{}", {{}})'
    cells = [] if grading else [ex.entry["wrong"],
                                wrap_last_expression(ex.check, feedback.format(ex.id, "wrong"))]
    cells += [ex.entry["solution"], f"_bp_record({ex.id!r}, {names})"]
    if not grading:
        cells.append(wrap_last_expression(ex.check, feedback.format(ex.id, "right")))
    cells.append(f"_bp_unwrap({names})")
    if inputs:
        cells.append(_inputs_cell(ex, inputs))
    probe = ex.entry.get("probe")
    if probe:
        cells.append(f"{probe['setup']}\n_bp_rec({ex.id!r})['probe'] = _bp_plain({probe['value']})")
    return cells


class _Names(ast.NodeVisitor):
    """The names a cell binds, the names it reads, and the names it binds by an import, a
    ``def`` or a ``class`` (code, not data a later cell could change in place)."""

    def __init__(self):
        self.bound, self.read, self.modules = set(), set(), set()

    def visit_Name(self, node):
        (self.read if isinstance(node.ctx, ast.Load) else self.bound).add(node.id)

    def visit_FunctionDef(self, node):
        self.bound.add(node.name)
        self.modules.add(node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Import(self, node):
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            self.bound.add(name)
            self.modules.add(name)

    def visit_ImportFrom(self, node):
        for alias in node.names:
            self.bound.add(alias.asname or alias.name)
            self.modules.add(alias.asname or alias.name)


def _names(code):
    """``(bound, free, code)`` of ``code``: the names it binds, those it reads before binding
    them itself (statement by statement), and those it binds to code (imports, functions,
    classes); None when it is not plain Python (a cell magic, ``import *``). A line magic
    (``%matplotlib inline``) is read as ``pass``."""
    lines = ["pass" if line.lstrip().startswith(("%", "!")) else line  # a line magic
             for line in code.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return None
    if any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
           for n in ast.walk(tree)):
        return None
    bound, free, modules = set(), set(), set()
    for statement in tree.body:
        found = _Names()
        found.visit(statement)
        free |= found.read - bound
        bound |= found.bound
        modules |= found.modules
    return bound, free, modules


def needed_cells(sources, kept):
    """Which of ``sources`` (code, in order) the cells at the indices ``kept`` need: a backward
    slice. A cell stays when it binds a name a later kept cell reads before binding it, or reads
    one (it may change that object in place), or is not plain Python; what it reads is then
    needed too. Reading a module, function or class (``np``, ``display``) alone does not keep a
    cell: global state changed through one (``np.random.seed``) is what the slice cannot see,
    and the book seeds generators, not modules. ``tests/test_course_students.py`` grades with this slice."""
    needed, keep, code, data = set(), set(), set(), set()
    parsed = [_names(source) for source in sources]
    for names in parsed:
        if names:
            code |= names[2]
            data |= names[0] - names[2]
    code -= data  # a name that also holds data somewhere may be changed in place
    for i in reversed(range(len(sources))):
        names = parsed[i]
        if i in kept or names is None:
            keep.add(i)
            needed |= names[1] if names else set()
            continue
        bound, free, _ = names
        if bound & needed or (free - code) & needed:
            keep.add(i)
            needed |= free
    return keep


def solving_notebook(chapter, out_path, grading=False, inputs=None):
    """The chapter with each exercise's answer and check cells replaced by the recording run
    (``grading``: the solutions only, no self-checks and no pictures; ``inputs``: ``{exercise
    id: {function name: source of its recorded inputs}}`` to evaluate the solutions on)."""
    by_cell = {ex.answer_cell: ex for ex in chapter.exercises}
    checks = {ex.check_cell for ex in chapter.exercises}
    inputs = inputs or {}
    blocks, exercises = [], set()  # sources per chapter cell (an exercise's: its recording run)
    for i, cell in enumerate(chapter.notebook.cells):
        if cell.cell_type != "code" or i in checks:
            continue
        if i in by_cell:
            exercises.add(len(blocks))
            blocks.append(_exercise_cells(by_cell[i], grading, inputs.get(by_cell[i].id)))
        else:
            blocks.append([cell.source])
    if grading:  # only what the solutions need: the grader's run for each student is short
        keep = needed_cells(["\n".join(block) for block in blocks], exercises)
        blocks = [block for j, block in enumerate(blocks) if j in keep]
    sources = [PRELUDE] + ([QUIET] if grading else []) + [s for block in blocks for s in block]
    sources.append(f"with open({str(out_path)!r}, 'wb') as _f:\n"
                   "    _bp_pickle.dump(_bp_records, _f)")
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": chapter.notebook.metadata.get(
        "kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})})
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def kernel_env(student=None):
    """The kernel's environment: the book's default numbers, or ``student``'s own
    (:mod:`bpbook.variants` reads ``BPBOOK_STUDENT``, then ``JUPYTERHUB_USER``)."""
    env = {k: v for k, v in os.environ.items() if k not in ("BPBOOK_STUDENT", "JUPYTERHUB_USER")}
    if student:
        env["BPBOOK_STUDENT"] = student
    return env


def solve(chapter, timeout=900, student=None, grading=False, inputs=None):
    """Run ``chapter`` with the instructor's answers; return ``{exercise id: record}``.

    A record holds ``values`` (name → array), ``calls`` (function name → [(args, result)]),
    ``graded`` (function name → its results on ``inputs``, see :func:`solving_notebook`), the
    probe's value, and the self-check's verdicts ``wrong`` and ``right`` as ``(ok, message)``,
    which must be "not yet" and "right". The chapter shows the book's numbers, or ``student``'s
    own (see :mod:`bpbook.variants`). ``grading`` (the grader's run for one student) skips the
    self-checks and their verdicts.
    """
    with tempfile.TemporaryDirectory(prefix="bpbook-kit-") as tmp:
        out = Path(tmp) / "records.pickle"
        nb = solving_notebook(chapter, out, grading, inputs)
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(tmp) / "k"))
        client = NotebookClient(nb, km=km, timeout=timeout,
                                resources={"metadata": {"path": str(CHAPTERS)}})
        try:
            client.execute(cleanup_kc=True, env=kernel_env(student))  # cleanup_kc: its sockets too
        except Exception as err:
            raise KitError(f"{chapter.name} failed with the instructor's answers:\n{err}") from None
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
        with open(out, "rb") as f:
            records = pickle.load(f)
    for ex in () if grading else chapter.exercises:
        _verify(chapter.name, ex, records.get(ex.id, {}))
    return records


def _verify(name, ex, record):
    where = f"the instructor's material for {name}, {ex.id!r}"
    right, wrong = record.get("right", (None, "")), record.get("wrong", (None, ""))
    if right[0] is not True:
        raise KitError(f"{where}: the self-check does not accept the solution: {right[1]}")
    if wrong[0] is not False:
        raise KitError(f"{where}: the self-check does not reject the `wrong` answer: {wrong[1]}")
