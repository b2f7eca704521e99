"""Hidden tests: Python text that carries its own expected values.

Each hidden test is self-contained (it defines the little comparison it needs), so it depends on
nothing a student can read or redefine in bpbook. Expected values are the instructor's solution's
results, recorded by :mod:`instructor.kit.solve` and written here as literals at full precision.
"""
import numpy as np

from instructor.kit.chapter import KitError

NUMBER_RTOL = 1e-3  # looser than the self-checks' relative tolerance: the visible test decides
FUNCTION_RTOL, FUNCTION_ATOL = 1e-4, 1e-6  # looser than numpy.allclose's, which the checks use
MAX_ENTRIES = 400  # a recorded call with larger inputs is left out (keeps the notebook readable)

COMPARE = '''\
import numpy as _np


def _plain(x):
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return _np.asarray(x, dtype=float)


def _near(got, want):
    got, want = _plain(got), _plain(want)
    if isinstance(want, list):
        return (isinstance(got, list) and len(got) == len(want)
                and all(_near(g, w) for g, w in zip(got, want)))
    return (not isinstance(got, list) and got.shape == want.shape
            and bool(_np.allclose(got, want, rtol={rtol}, atol={atol})))

'''


class Unserializable(Exception):
    pass


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


def _wrap(body):
    return "### BEGIN HIDDEN TESTS\n" + body.rstrip("\n") + "\n### END HIDDEN TESTS"


def value_test(name, value):
    """Hidden test that variable ``name`` equals the solution's ``value`` (a number or array)."""
    if np.size(value) == 1:
        want = literal(float(np.asarray(value).reshape(-1)[0]))
        return (f"import numpy as _np\n"
                f"_got = {name}.detach().cpu().numpy() if hasattr({name}, 'detach') else {name}\n"
                f"_got = _np.asarray(_got, dtype=float).reshape(-1)\n"
                f"assert _got.size == 1 and abs(_got[0] - {want}) <= {NUMBER_RTOL} * abs({want}), "
                f"\"{name} is not the expected value (hidden test)\"\n")
    compare = COMPARE.format(rtol=NUMBER_RTOL, atol=0.0)
    return (f"{compare}assert _near({name}, {literal(value)}), "
            f"\"{name} is not the expected value (hidden test)\"\n")


def calls_test(name, calls):
    """Hidden test that function ``name`` gives the solution's results on recorded inputs."""
    cases = []
    for args, out in calls:
        if out is None or _size(args) > MAX_ENTRIES:
            continue
        try:
            cases.append(f"    ({literal(tuple(args))}, {literal(out)}),")
        except Unserializable:
            continue
    if not cases:
        return None
    needs_torch = any("torch.tensor(" in c for c in cases)
    compare = COMPARE.format(rtol=FUNCTION_RTOL, atol=FUNCTION_ATOL)
    head = "import torch\n" if needs_torch else ""
    return (f"{head}{compare}for _args, _want in [\n" + "\n".join(dict.fromkeys(cases)) +
            f"\n]:\n    assert _near({name}(*_args), _want), "
            f"\"{name} gives a wrong result on a hidden test input\"\n")


def hidden_tests(ex, record):
    """The hidden-test region for exercise ``ex`` from its solving ``record``.

    Besides the recorded values and calls: an optional ``probe`` in the exercise's entry,
    ``dict(setup=code, value=expression)``, is evaluated with the solution by ``make course`` and
    its value becomes a literal that the student's code must reproduce; an optional ``hidden`` is
    the instructor's own test code (e.g. a finite-difference check), appended as it is."""
    parts = []
    for name in ex.names:
        if name in record["values"] and record["values"][name] is not None:
            parts.append(value_test(name, record["values"][name]))
        elif name in record["calls"]:
            test = calls_test(name, record["calls"][name])
            if test:
                parts.append(test)
    probe = ex.entry.get("probe")
    if probe:
        if record.get("probe") is None:
            raise KitError(f"exercise {ex.id!r}: its probe's value is not numeric")
        compare = COMPARE.format(rtol=FUNCTION_RTOL, atol=FUNCTION_ATOL)
        parts.append(f"{compare}{probe['setup'].strip()}\nassert _near({probe['value']}, "
                     f"{literal(record['probe'])}), \"wrong on a hidden test input\"\n")
    if ex.entry.get("hidden"):
        parts.append(ex.entry["hidden"].strip() + "\n")
    if not parts:
        raise KitError(f"exercise {ex.id!r}: no hidden test could be recorded (the answer is not "
                       "numeric, and the self-check's calls have no numeric results): give its "
                       "entry a `probe` or a `hidden` test")
    return _wrap("\n".join(parts))
