"""The tamper report: after ``nbgrader autograde``, the submissions an instructor should look at.

``python tamper_report.py ASSIGNMENT`` (run in ``course/``; ``make course`` writes that launcher)
writes ``course/tamper_<ASSIGNMENT>.md``. It reads, in nbgrader's folders, each student's
submitted notebook and its autograded copy, in this process (nothing of the student's runs):

- every code cell the student changed or added (its text differs from every cell of the release)
  is parsed (IPython's syntax turned into Python first) and its syntax tree scanned for code that
  reaches for the kernel's machinery or the grader's: IPython's shell (``get_ipython``,
  transformers, ``run_cell``, events, display hooks), builtins, frames (``sys._getframe``),
  ``sys.modules``, imports of system modules (os, subprocess, ctypes, IPython, ...), file access,
  assignments to an attribute of a module (``numpy.allclose = ...``, ``sys.stdout = ...``),
  redefining a builtin, a check or any name the chapter imports or defines, special methods
  (``__eq__``, ``__float__``, ...), exiting the kernel, or catching the interrupt a time limit
  sends;
- every graded check cell of the autograded copy whose answer never reached the grader (no
  report, or more than one), and a run the kernel did not finish.

A listing is a reason to look, not a verdict: the grade is already decided by the grader's own
comparison (:mod:`instructor.kit.grader`). The scan is static, so code built at run time (text
passed to ``exec``) shows only as the ``exec`` it needs.
"""
import ast
import builtins
import sys
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

MACHINERY = {
    "get_ipython": "IPython's shell", "run_cell": "IPython's run_cell",
    "run_line_magic": "a magic command", "run_cell_magic": "a magic command",
    "input_transformers_cleanup": "IPython's input transformers",
    "input_transformers_post": "IPython's input transformers",
    "ast_transformers": "IPython's AST transformers", "events": "IPython's events",
    "displayhook": "the display hook", "display_pub": "the display publisher",
    "showtraceback": "IPython's traceback display", "excepthook": "the exception hook",
    "_getframe": "the interpreter's frames", "f_back": "the interpreter's frames",
    "f_globals": "the interpreter's frames", "f_locals": "the interpreter's frames",
    "modules": "sys.modules", "__builtins__": "the builtins", "__import__": "the import hook",
    "__subclasses__": "the class hierarchy", "__globals__": "a function's globals",
    "__code__": "a function's code", "settrace": "the tracer", "setprofile": "the profiler",
    "exec": "exec", "eval": "eval", "compile": "compile", "globals": "globals()",
    "locals": "locals()", "vars": "vars()", "setattr": "setattr", "delattr": "delattr",
    "open": "file access", "exit": "exiting the kernel", "quit": "exiting the kernel",
    "_exit": "exiting the kernel", "SystemExit": "exiting the kernel", "kill": "signals",
    "KeyboardInterrupt": "the interrupt a time limit sends",
}
SYSTEM_MODULES = {"os", "sys", "builtins", "IPython", "ipykernel", "subprocess", "ctypes",
                  "importlib", "inspect", "gc", "signal", "threading", "multiprocessing",
                  "sqlite3", "pathlib", "shutil", "io", "json", "pickle", "marshal", "types",
                  "atexit", "socket", "traitlets", "jupyter_client", "nbgrader", "zmq"}
MODULES = SYSTEM_MODULES | {"numpy", "np", "torch", "bpbook", "math", "random", "scipy"}
SPECIAL_OK = {"__init__", "__call__", "__repr__", "__str__"}


def python_of(source):
    """The cell's text as Python (IPython's ``%magic`` and ``!shell`` lines become calls)."""
    return TransformerManager().transform_cell(source)


def bound_names(tree):
    """Names a piece of code binds at its top level by import, def or class."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


def _root(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else None


def _targets(node):
    if isinstance(node, (ast.Assign,)):
        return node.targets
    if isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        return [node.target]
    if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        return [node.target]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [i.optional_vars for i in node.items if i.optional_vars is not None]
    if isinstance(node, ast.NamedExpr):
        return [node.target]
    return []


def _flat(targets):
    for t in targets:
        if isinstance(t, (ast.Tuple, ast.List)):
            yield from _flat(t.elts)
        elif isinstance(t, ast.Starred):
            yield from _flat([t.value])
        else:
            yield t


def findings(source, protected=frozenset(), modules=frozenset()):
    """What in ``source`` (a cell's text) an instructor should look at, as sentences."""
    try:
        tree = ast.parse(python_of(source))
    except SyntaxError as err:
        return [f"is not valid Python ({err.msg}): it cannot be scanned"]
    found = []
    modules = MODULES | set(modules)
    protected = set(protected) | set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in MACHINERY:
            found.append(f"uses {node.id} ({MACHINERY[node.id]})")
        elif isinstance(node, ast.Attribute) and node.attr in MACHINERY:
            found.append(f"uses .{node.attr} ({MACHINERY[node.attr]})")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names]
            for name in names:
                if name.split(".")[0] in SYSTEM_MODULES:
                    found.append(f"imports {name}")
            for alias in node.names:
                bound = (alias.asname or alias.name).split(".")[0]
                if bound in protected and bound not in modules:
                    found.append(f"redefines {bound} (by an import)")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in protected or node.name.startswith("check"):
                found.append(f"redefines {node.name}")
            if node.name.startswith("__") and node.name.endswith("__") \
                    and node.name not in SPECIAL_OK:
                found.append(f"defines the special method {node.name}")
        elif isinstance(node, ast.ExceptHandler) and node.type is None:
            found.append("catches every exception with a bare except (also the time limit's "
                         "interrupt)")
        elif isinstance(node, ast.Raise) and node.exc is not None \
                and _root(node.exc) in ("SystemExit", "KeyboardInterrupt"):
            found.append("raises SystemExit or KeyboardInterrupt")
        for target in _flat(_targets(node)):
            if isinstance(target, ast.Name):
                if target.id in protected or target.id.startswith(("check", "_bp", "_feedback")):
                    found.append(f"redefines {target.id}")
            elif isinstance(target, (ast.Attribute, ast.Subscript)):
                root = _root(target)
                if root in modules:
                    found.append(f"assigns to an attribute of {root} (monkeypatching)")
                elif root in protected:
                    found.append(f"changes {root} in place")
    return list(dict.fromkeys(found))


def protected_names(release):
    """Names the released notebook's own cells import or define (the checks, ``np``, ...)."""
    names = set()
    for cell in release.cells:
        if cell.cell_type != "code" or cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        try:
            names |= bound_names(ast.parse(python_of(cell.source)))
        except SyntaxError:
            continue
    return names


def scan_submission(submitted, release):
    """``[(where, finding)]`` for the code cells the student changed or added."""
    shown = {c.source.strip() for c in release.cells if c.cell_type == "code"}
    protected = protected_names(release)
    modules = set()
    for cell in submitted.cells:
        if cell.cell_type == "code":
            try:
                tree = ast.parse(python_of(cell.source))
            except SyntaxError:
                continue
            modules |= {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)
                        if isinstance(n, ast.Import) for a in n.names}
    out = []
    for i, cell in enumerate(submitted.cells):
        if cell.cell_type != "code" or cell.source.strip() in shown:
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        where = f"cell {i + 1}" + (f" ({grade_id})" if grade_id else " (a cell the student added "
                                   "or changed)")
        out += [(where, f) for f in findings(cell.source, protected, modules)]
    return out


def scan_autograded(autograded):
    """``[(where, finding)]`` for graded cells whose answer never reached the grader."""
    out = []
    stopped = autograded.metadata.get("bpbook_stopped")
    if stopped:
        out.append(("the notebook", f"did not run to the end ({stopped})"))
    for cell in autograded.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error" and o.get("ename") in ("NoAnswer", "Ambiguous"):
                out.append((meta["grade_id"], f"produced no usable answer: {o['evalue']}"))
    return out


def report(course, assignment):
    """The report's text for ``assignment`` in ``course``; also written to
    ``course/tamper_<assignment>.md``. Returns ``(text, {student: [(where, finding)]})``."""
    course = Path(course)
    release = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", 4)
    flagged = {}
    for folder in sorted((course / "submitted").glob(f"*/{assignment}")):
        student = folder.parent.name
        items = []
        for path in sorted(folder.glob("*.ipynb")):
            items += scan_submission(nbformat.read(path, 4), release)
            graded = course / "autograded" / student / assignment / path.name
            if graded.exists():
                items += scan_autograded(nbformat.read(graded, 4))
            else:
                items.append((path.name, "has no autograded copy (run nbgrader autograde first)"))
        flagged[student] = items
    lines = [f"# Tamper report: {assignment}", "",
             "Code cells that reach for the kernel's or the grader's machinery, and graded cells "
             "whose answer never reached the grader. A listing is a reason to look at the "
             "submission, not a verdict: the scores come from the grader's own comparison.", ""]
    for student, items in flagged.items():
        if items:
            lines += [f"## {student}", ""] + [f"- {where}: {what}" for where, what in items] + [""]
    clean = [s for s, items in flagged.items() if not items]
    lines += [f"Nothing to look at: {', '.join(clean) if clean else 'none'}", ""]
    text = "\n".join(lines)
    (course / f"tamper_{assignment}.md").write_text(text, encoding="utf-8")
    return text, flagged


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.exit("usage: python tamper_report.py ASSIGNMENT (in the course folder)")
    text, flagged = report(Path.cwd(), argv[0])
    n = sum(1 for items in flagged.values() if items)
    print(f"tamper_{argv[0]}.md: {n} of {len(flagged)} submissions to look at")
