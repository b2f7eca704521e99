"""``python -m benchmarks``: run the benchmarks, write ``results.json`` and ``results.txt``.

Options: ``--quick`` (tiny workloads, one repeat: a smoke test of the harness), ``--only NAME``
(repeatable), ``--repeats N``, ``--threads N`` (numpy's BLAS and PyTorch alike; default 1, since
on these shared 2-core machines a 2-thread BLAS call can wait tens of milliseconds for a core),
``--out DIR``
(default: this folder), ``--profile NAME`` (pyinstrument's profile of one benchmark, printed).
``benchmarks/live_feel.py`` (a browser round trip, written apart) is run last when it exists.
Exits 1 if a benchmark raised; a missed target is a result, not a failure.
"""
import argparse
import datetime
import importlib
import json
import os
import pathlib
import platform
import subprocess
import sys
import time

from benchmarks.harness import Config, failed, normalise, threads
from benchmarks.report import table

HERE = pathlib.Path(__file__).resolve().parent
BENCHMARKS = ("mlp_step", "conv_step", "value_step", "widget_update", "xor_train", "book",
              "backprop_cost", "html", "autograde")
LIVE_FEEL = "live_feel"  # another module's run() -> dict, included when it exists


def parse(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="tiny workloads, one repeat")
    p.add_argument("--only", action="append", choices=BENCHMARKS + (LIVE_FEEL,), metavar="NAME",
                   help=f"run only these: {', '.join(BENCHMARKS + (LIVE_FEEL,))}")
    p.add_argument("--repeats", type=int, default=15, help="timed runs per measurement")
    p.add_argument("--threads", type=int, default=1,
                   help="BLAS/PyTorch threads (default 1; mlp_step also runs on all cores)")
    p.add_argument("--out", type=pathlib.Path, default=HERE,
                   help="folder for results.json and results.txt (default: benchmarks/)")
    p.add_argument("--profile", choices=BENCHMARKS, help="print pyinstrument's profile of one")
    args = p.parse_args(argv)
    if args.repeats < 1 or args.threads < 1:
        p.error(f"--repeats and --threads must be at least 1, got {args.repeats}, {args.threads}")
    return args


def selected(args):
    """The benchmarks to run; ``live_feel`` (a browser session, half a minute) only if its module
    exists, and in quick mode only when asked for by name."""
    names = args.only or list(BENCHMARKS) + ([] if args.quick else [LIVE_FEEL])
    return [n for n in names if n != LIVE_FEEL or (HERE / f"{LIVE_FEEL}.py").exists()]


def run_one(name, cfg):
    """The rows of one benchmark; an exception becomes an ``error`` row, not a crash."""
    try:
        result = importlib.import_module(f"benchmarks.{name}").run(*([] if name == LIVE_FEEL
                                                                     else [cfg]))
        rows = result.get("rows", [result]) if isinstance(result, dict) else result
        return [normalise(r, name) for r in rows]
    except Exception as err:  # noqa: BLE001 - reported in results.json, exit code 1
        return [failed(name, err)]


def profiled(name, cfg):
    from pyinstrument import Profiler
    with Profiler() as prof:
        rows = run_one(name, cfg)
    print(prof.output_text(unicode=True, color=False))
    return rows


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    import numpy  # noqa: F401 - load the BLAS so threadpoolctl sees it
    return [{k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for i in threadpool_info()]


def meta(args, started, seconds, load_before):
    def version(mod):
        try:
            return importlib.import_module(mod).__version__
        except ImportError:
            return None
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=HERE).stdout.strip() or None
    return {"started": started, "seconds": round(seconds, 1), "quick": args.quick,
            "repeats": args.repeats, "threads": args.threads, "commit": commit,
            "python": platform.python_version(), "machine": platform.machine(),
            "cpu_count": os.cpu_count(), "numpy": version("numpy"), "torch": version("torch"),
            "blas": blas_info(), "load_average_before_after": [load_before, os.getloadavg()],
            "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                                    "OMP_NUM_THREADS")}}


def main(argv=None):
    args = parse(argv)
    cfg = Config(quick=args.quick, repeats=args.repeats, threads=args.threads)
    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    load_before, t0, rows, seconds = os.getloadavg(), time.perf_counter(), [], {}
    with threads(cfg.threads):
        for name in selected(args):
            print(f"[bench] {name} ...", flush=True)
            t = time.perf_counter()
            rows += profiled(name, cfg) if name == args.profile else run_one(name, cfg)
            seconds[name] = round(time.perf_counter() - t, 1)
    results = {"meta": {**meta(args, started, time.perf_counter() - t0, load_before),
                        "seconds_per_benchmark": seconds},
               "benchmarks": rows}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    text = table(results)
    (args.out / "results.txt").write_text(text + "\n")
    print(text)
    return 1 if any(r["status"] == "error" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
