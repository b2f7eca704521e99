"""Timing and result rows shared by the benchmarks.

Timing: :func:`alternate` runs a warm-up, then times each candidate once per round, reversing the
order every other round, so load from other processes on these shared cores falls on the
benchmark and its baseline alike. Timing starts after a ``gc.collect()`` (before every sample
with ``collect=True``, for workloads that leave cyclic garbage, like graphs of scalar nodes).
Reported values are medians.

A result row (built by :func:`row`, :func:`skipped` or :func:`failed`) is a dict:

- ``name`` (``"mlp_step/float64"``: the benchmark, then the case) and ``benchmark``;
- ``status``: ``"ok"``, ``"skipped"`` (``reason`` in ``details``) or ``"error"``;
- ``value`` and ``units``: the median measurement;
- ``baseline``: ``{"name", "value"}`` in the same units, measured in the same run;
- ``ratio``: ``value / baseline``;
- ``target``: ``{"of", "op", "limit", "text"}``: ``of`` names what is compared (``"value"``,
  ``"ratio"`` or a key of ``details``), ``op`` is ``"<="`` or ``">="``;
- ``met``: ``True``/``False``, ``None`` for a row without a target;
- ``note``: a few words for the table; ``details``: everything else (samples, dtypes, fits).
"""
import contextlib
import dataclasses
import gc
import math
import statistics
import time
import traceback

KEYS = ("name", "benchmark", "status", "value", "units", "baseline", "ratio", "target", "met",
        "note", "details")


@dataclasses.dataclass
class Config:
    """How hard to measure: ``quick`` shrinks every workload to a smoke test (for the tests)."""

    quick: bool = False
    repeats: int = 15
    warmup: int = 2
    threads: int = 1

    def reps(self, full):
        """``full`` repeats normally, one in quick mode."""
        return 1 if self.quick else full

    @property
    def warm(self):
        return 0 if self.quick else self.warmup


@contextlib.contextmanager
def threads(n):
    """Run numpy's BLAS and PyTorch on ``n`` threads inside the block; yield whether numpy's could
    be set (it needs threadpoolctl, a benchmark-only dependency)."""
    try:
        import torch
        before = torch.get_num_threads()
        torch.set_num_threads(n)
    except ImportError:
        torch = None
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        limits = None
    else:
        limits = threadpool_limits(limits=n, user_api="blas")
    try:
        yield limits is not None
    finally:
        if limits is not None:
            limits.restore_original_limits()
        if torch is not None:
            torch.set_num_threads(before)


def sample(fn, collect=False):
    """Seconds for one call of ``fn`` (after a garbage collection, untimed, if ``collect``)."""
    if collect:
        gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def alternate(fns, repeats, warmup=1, collect=False):
    """Time every callable of ``fns`` (name -> fn) ``repeats`` times in alternating rounds after
    ``warmup`` untimed calls each; return name -> list of seconds."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    gc.collect()
    times = {name: [] for name in fns}
    items = list(fns.items())
    for r in range(repeats):
        for name, fn in (items if r % 2 == 0 else items[::-1]):
            times[name].append(sample(fn, collect))
    return times


def median(xs):
    return statistics.median(xs)


def spread(xs, scale=1.0, digits=4):
    """The samples, scaled (e.g. to ms) and rounded, for ``details``."""
    return [round(x * scale, digits) for x in xs]


def target(of, op, limit, text):
    if op not in ("<=", ">="):
        raise ValueError(f"target op must be '<=' or '>=', got {op!r}")
    return {"of": of, "op": op, "limit": limit, "text": text}


def _met(tgt, value, ratio, details):
    if tgt is None:
        return None
    x = {"value": value, "ratio": ratio}.get(tgt["of"], details.get(tgt["of"]))
    if x is None or not math.isfinite(x):
        return False
    return x <= tgt["limit"] if tgt["op"] == "<=" else x >= tgt["limit"]


def row(name, value, units, baseline=None, baseline_name=None, tgt=None, note="", details=None):
    """A measured result; ``ratio`` and ``met`` are computed here, never passed in."""
    details = dict(details or {})
    ratio = value / baseline if baseline else None
    return {"name": name, "benchmark": name.split("/")[0], "status": "ok", "value": value,
            "units": units,
            "baseline": None if baseline is None else {"name": baseline_name, "value": baseline},
            "ratio": ratio, "target": tgt, "met": _met(tgt, value, ratio, details), "note": note,
            "details": details}


def skipped(name, reason, tgt=None):
    return {**dict.fromkeys(KEYS), "name": name, "benchmark": name.split("/")[0],
            "status": "skipped", "target": tgt, "note": reason, "details": {"reason": reason}}


def failed(name, err):
    text = "".join(traceback.format_exception(err))
    return {**dict.fromkeys(KEYS), "name": name, "benchmark": name.split("/")[0],
            "status": "error", "note": f"{type(err).__name__}: {err}"[:120],
            "details": {"traceback": text}}


def normalise(result, default_name):
    """A row from a dict that may miss keys (e.g. another module's ``run()`` result)."""
    out = {**dict.fromkeys(KEYS), **result}
    out["name"] = out["name"] or default_name
    out["benchmark"] = out["benchmark"] or out["name"].split("/")[0]
    out["status"] = out["status"] or "ok"
    out["details"] = out["details"] or {k: v for k, v in result.items() if k not in KEYS}
    return out
