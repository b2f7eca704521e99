"""Read a chapter's exercises and the instructor's material for them.

A chapter (``chapters/NN_slug.py``, Jupytext percent format) marks a checked exercise with two code
cells: the ANSWER cell (``tags=["exercise"] exercise="NN.name"``, only the student's stub) and right
after it the CHECK cell (``tags=["check"]``, only the self-check call). A think question is a
markdown cell ``tags=["think"] exercise="NN.name"``. The instructor's file
``instructor/solutions/NN_slug.py`` holds ``EXERCISES`` (points, solution, wrong) and ``THINK``
(points, answer) under the same ids.
"""
import ast
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import jupytext

REPO = Path(__file__).resolve().parents[2]
CHAPTERS = REPO / "chapters"
SOLUTIONS = REPO / "instructor" / "solutions"


class KitError(Exception):
    """The chapter and the instructor's material do not fit together (says where and why)."""


@dataclass
class Exercise:
    """One checked exercise: its cells' positions, the names its answer cell defines, and the
    instructor's entry (``points``, ``solution``, ``wrong``)."""
    id: str
    answer_cell: int
    check_cell: int
    stub: str
    check: str
    names: list
    entry: dict = field(default_factory=dict)


@dataclass
class Think:
    id: str
    cell: int
    entry: dict = field(default_factory=dict)


@dataclass
class Chapter:
    name: str  # NN_slug
    notebook: object
    exercises: list
    thinks: list
    per_student: bool = False  # each student their own numbers (see per_student())

    @property
    def points(self):
        return sum(e.entry["points"] for e in self.exercises)

    @property
    def think_points(self):
        return sum(t.entry["points"] for t in self.thinks)


def chapter_names(folder=CHAPTERS):
    """Every chapter's ``NN_slug``, in order."""
    return sorted(p.stem for p in folder.glob("[0-9][0-9]_*.py"))


def defined_names(code, where):
    """The names an answer cell defines (assignments and ``def``s), in order."""
    try:
        tree = ast.parse(code)
    except SyntaxError as err:
        raise KitError(f"{where}: the answer cell is not valid Python ({err})") from None
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
    if not names:
        raise KitError(f"{where}: the answer cell defines no name (expected e.g. `answer = None`)")
    return list(dict.fromkeys(names))


def _material_module(name, folder):
    path = folder / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"instructor_solutions_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_material(name, folder=SOLUTIONS):
    """The instructor's ``EXERCISES`` and ``THINK`` dicts for chapter ``name`` (empty if none)."""
    module = _material_module(name, folder)
    return getattr(module, "EXERCISES", {}), getattr(module, "THINK", {})


def per_student(name, folder=SOLUTIONS):
    """Whether chapter ``name`` gives each student their own numbers (``PER_STUDENT = True`` in
    its instructor file, for a chapter that draws them with :mod:`bpbook.variants`): the grader
    then computes each student's expected values."""
    return bool(getattr(_material_module(name, folder), "PER_STUDENT", False))


def _tags(cell):
    return cell.metadata.get("tags", [])


def read_chapter(name, chapters=CHAPTERS, solutions=SOLUTIONS):
    """Parse chapter ``name`` and join each exercise with its instructor entry.

    Raises :class:`KitError` for an answer cell without a check cell right after it, a duplicate
    id, an exercise without instructor material, or material for an exercise the chapter lacks.
    """
    path = chapters / f"{name}.py"
    label = _label(path)
    nb = jupytext.read(path)
    exercises, thinks, seen = [], [], set()
    for i, cell in enumerate(nb.cells):
        tags, ex_id = _tags(cell), cell.metadata.get("exercise")
        if not ({"exercise", "think"} & set(tags)):
            continue
        where = f"{label}, exercise {ex_id!r}"
        if not ex_id:
            raise KitError(f"{label}, cell {i}: a tagged exercise needs an id "
                           '(exercise="NN.name")')
        if ex_id in seen:
            raise KitError(f"{where}: the id is used twice")
        seen.add(ex_id)
        if "think" in tags:
            thinks.append(Think(ex_id, i))
            continue
        nxt = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        if nxt is None or "check" not in _tags(nxt):
            raise KitError(f"{where}: the answer cell must be followed by its check cell "
                           '(tags=["check"])')
        exercises.append(Exercise(ex_id, i, i + 1, cell.source, nxt.source,
                                  defined_names(cell.source, where)))
    material = solutions / f"{name}.py"
    _join(_label(path), _label(material), exercises, thinks, *load_material(name, solutions))
    return Chapter(name, nb, exercises, thinks, per_student(name, solutions))


def _label(path):
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


def _join(where, solutions, exercises, thinks, material, think_material):
    for items, table, keys, kind in ((exercises, material, ("points", "solution", "wrong"),
                                      "EXERCISES"),
                                     (thinks, think_material, ("points", "answer"), "THINK")):
        for item in items:
            if item.id not in table:
                raise KitError(f"{where} has exercise {item.id!r} but {solutions} has no {kind} "
                               "entry for it")
            entry = table[item.id]
            missing = [k for k in keys if k not in entry]
            if missing:
                raise KitError(f"{solutions}, {item.id!r}: missing {missing}")
            points = entry["points"]
            if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
                raise KitError(f"{solutions}, {item.id!r}: points should be a positive whole "
                               f"number, got {points!r}")
            item.entry = entry
        extra = set(table) - {item.id for item in items}
        if extra:
            raise KitError(f"{solutions} has {kind} entries {sorted(extra)} that {where} does "
                           "not tag")
