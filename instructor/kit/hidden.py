"""Hidden tests: each graded cell REPORTS the student's answer; the grader judges it elsewhere.

A hidden test used to carry the instructor's numbers into the student's kernel and assert there,
where the student's code had already run and could change anything (IPython's transformers,
builtins, numpy). Now the expected values never enter the kernel. The hidden region of a check
cell only turns the student's answer into plain data and displays it under :data:`MIME`:

- an answer that is a number or an array: its value;
- a function: its results on inputs the kit chose (the self-check's calls when ``make course``
  ran; the inputs are in the cell, their results are not);
- a ``probe`` (``dict(setup=code, value=expression)`` in the exercise's entry): the expression's
  value after the setup code ran with the student's definitions.

The instructor's values for the same items go to ``course/answers/<assignment>.json``, and
:class:`instructor.kit.grader.Verdict` compares the two in nbgrader's own process after the
notebook ran. The wire format is JSON: a number array is ``{"shape": [...], "data": [...]}`` (a
non-finite entry is its name as a string, ``"nan"``), a list or tuple is a list, anything else is
``null``.
"""
import numpy as np

from instructor.kit.chapter import KitError

MIME = "application/vnd.bpbook.answer+json"
SHOWN = "(your answer, reported to the grader)"
NUMBER_RTOL = 1e-3  # looser than the self-checks' relative tolerance: the visible test decides
FUNCTION_RTOL, FUNCTION_ATOL = 1e-4, 1e-6  # looser than numpy.allclose's, which the checks use
MAX_ENTRIES = 400  # a recorded call with larger inputs is left out (keeps the notebook readable)

REPORT = '''\
import IPython.display as _bp_display
import numpy as _np


def _bp_plain(x):
    try:
        if hasattr(x, "detach"):
            x = x.detach().cpu().numpy()
        if isinstance(x, (list, tuple)):
            return [_bp_plain(v) for v in x]
        x = _np.asarray(x, dtype=float)
        return {"shape": list(x.shape),
                "data": [v if _np.isfinite(v) else str(v) for v in x.ravel().tolist()]}
    except Exception:  # not a number: the grader sees null
        return None


_bp_items = {}
'''


class Unserializable(Exception):
    pass


def wire(x):
    """The solution's recorded value (an array, or a list of them) in the wire format."""
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return [wire(v) for v in x]
    x = np.asarray(x, dtype=float)
    return {"shape": list(x.shape),
            "data": [v if np.isfinite(v) else str(v) for v in x.ravel().tolist()]}


def _size(x):
    if isinstance(x, (list, tuple)):
        return sum(_size(v) for v in x)
    if hasattr(x, "numel"):  # a torch tensor (whose .size is a method)
        return int(x.numel())
    return int(np.size(x)) if hasattr(x, "shape") else 1


def literal(x):
    """Python source that evaluates to ``x`` (numbers, numpy arrays, torch tensors, lists)."""
    if x is None or isinstance(x, (bool, int, str)):
        return repr(x)
    if isinstance(x, float):
        return repr(x) if np.isfinite(x) else f"float({str(x)!r})"
    if isinstance(x, np.generic):
        return literal(x.item())
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "biuf":
            raise Unserializable(f"an array of dtype {x.dtype}")
        return f"_np.array({x.tolist()!r}, dtype=_np.{x.dtype.name})"
    if type(x).__module__.startswith("torch") and hasattr(x, "detach"):
        dtype = str(x.dtype)  # e.g. "torch.float64"
        return (f"torch.tensor({x.detach().cpu().tolist()!r}, dtype={dtype}, "
                f"requires_grad={bool(x.requires_grad)})")
    if isinstance(x, (list, tuple)):
        items = ", ".join(literal(v) for v in x)
        return f"[{items}]" if isinstance(x, list) else f"({items}{',' if len(x) == 1 else ''})"
    raise Unserializable(f"a {type(x).__name__}")


def _item(want, rtol, atol, scalar=False):
    return {"want": wire(want), "rtol": rtol, "atol": atol, "scalar": scalar}


def _calls(name, calls, ex_id, per_student):
    """``(code, item, inputs)`` reporting ``name``'s results on the recorded inputs (``inputs``:
    their source), or ``None``. In a per-student chapter the report's inputs are the recorded ones
    with the samples in the student's own order (:func:`bpbook.variants.vary`), and the grader
    computes the instructor's results on the same (:func:`instructor.kit.build.student_answers`)."""
    args, outs = [], []
    for a, out in calls:
        if out is None or _size(a) > MAX_ENTRIES:
            continue
        try:
            text = literal(tuple(a))
        except Unserializable:
            continue
        if text not in args:
            args.append(text)
            outs.append(out)
    if not args:
        return None
    head = "import torch\n" if any("torch.tensor(" in a for a in args) else ""
    inputs = "[\n" + "".join(f"    {a},\n" for a in args) + "]"
    call = f"{name}(*_bp_vary(_bp_args, {ex_id!r}))" if per_student else f"{name}(*_bp_args)"
    if per_student:
        head += "from bpbook.variants import vary as _bp_vary\n"
    code = (f"{head}_bp_items[{f'calls:{name}'!r}] = [_bp_plain({call}) for _bp_args in "
            f"{inputs}]\n")
    return code, _item(list(outs), FUNCTION_RTOL, FUNCTION_ATOL), inputs


def hidden_tests(ex, record, per_student=False):
    """``(code, expected)`` for exercise ``ex`` from its solving ``record``: the hidden region
    that reports the student's items, and the instructor's values for the same items (a
    function's item also keeps its ``inputs``' source, which the grader evaluates the
    instructor's function on for each student of a ``per_student`` chapter)."""
    if "hidden" in ex.entry:
        raise KitError(f"exercise {ex.id!r}: a `hidden` test would judge inside the student's "
                       "kernel; give the entry a `probe` instead (its value is compared by the "
                       "grader)")
    parts, expected = [], {}
    for name in ex.names:
        if name in record["values"] and record["values"][name] is not None:
            value = record["values"][name]
            scalar = np.size(value) == 1
            parts.append(f"_bp_items[{f'value:{name}'!r}] = _bp_plain({name})\n")
            expected[f"value:{name}"] = _item(value, NUMBER_RTOL, 0.0, scalar)
        elif name in record["calls"]:
            found = _calls(name, record["calls"][name], ex.id, per_student)
            if found:
                parts.append(found[0])
                expected[f"calls:{name}"] = {**found[1], "inputs": found[2]}
    probe = ex.entry.get("probe")
    if probe:
        if record.get("probe") is None:
            raise KitError(f"exercise {ex.id!r}: its probe's value is not numeric")
        parts.append(f"{probe['setup'].strip()}\n_bp_items['probe'] = _bp_plain({probe['value']})\n")
        expected["probe"] = _item(record["probe"], FUNCTION_RTOL, FUNCTION_ATOL)
    if not parts:
        raise KitError(f"exercise {ex.id!r}: no hidden test could be recorded (the answer is not "
                       "numeric, and the self-check's calls have no numeric results): give its "
                       "entry a `probe`")
    # text/plain: what a page (feedback, the Formgrader) shows in place of the report
    report = (f"_bp_display.display({{{MIME!r}: {{'exercise': {ex.id!r}, 'items': _bp_items}}, "
              f"'text/plain': {SHOWN!r}}}, raw=True)\n")
    code = REPORT + "".join(parts) + report
    return "### BEGIN HIDDEN TESTS\n" + code.rstrip("\n") + "\n### END HIDDEN TESTS", expected
