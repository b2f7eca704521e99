"""``autograde``: what grading a class costs. Per chapter, nbgrader's autograde in seconds per
submission, and a student's kernel running the chapter (peak memory, CPU seconds); then the same
class autograded by one process per student, two at a time, against one at a time.

Each chapter becomes an assignment as ``make course`` builds it (the course kit, in a temporary
course, with nbgrader's config, data and cache folders there too). ``CLASS`` students hand in the
instructor's solutions (the source notebook, placed in ``submitted/`` as ``nbgrader collect``
leaves it). ``autograde/<chapter>`` is ``nbgrader autograde`` of the whole class in one process
(the instructor's command), divided by the class size; its baseline is one run of the same
notebook by nbclient in a fresh kernel (what any grader must do at least), and its ``details``
hold that kernel's peak resident memory and CPU seconds (the kernel reads its own
``getrusage`` in a last cell), which the guide's sizing table uses. ``autograde/parallel`` grades
the first chapter's class with the guide's ``grade_class.py`` in two nbgrader processes at once
(:mod:`instructor.kit.parallel`), against one process: the speed-up is the ratio of the two.

Quick mode: chapter 01 only, two students.

``python -m benchmarks.autograde benchmarks/results.json`` prints the instructor guide's sizing
table from a run's rows; with ``--guide`` it keeps those rows in ``instructor/sizing.json`` and
writes the guide's sizing section from them (``tests/test_course.py`` holds the two together).
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from benchmarks.harness import failed, median, row, target

ROOT = Path(__file__).resolve().parent.parent
CLASS = 4
WORKERS = 2
PER_SUBMISSION = target("value", "<=", 3.0, "≤ 3 s per submission")
SPEEDUP = target("speedup", ">=", 1.7, "≥ 1.7× on 2 cores")
# The kernel's peak memory is VmHWM, its own address space's high-water mark: Linux carries
# ru_maxrss across exec, so a kernel started by a large process (the whole benchmark run, say)
# would report that process's peak instead of its own.
USAGE = ('import json as _j, re as _re, resource as _r\n'
         '_s, _c = _r.getrusage(_r.RUSAGE_SELF), _r.getrusage(_r.RUSAGE_CHILDREN)\n'
         '_hwm = _re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())\n'
         'print(_j.dumps({"peak_kb": int(_hwm.group(1)), "cpu_s": _s.ru_utime + _s.ru_stime '
         '+ _c.ru_utime + _c.ru_stime}))')


def environment(work):
    """This venv's ``bin`` first on PATH; Jupyter's folders (nbgrader's cache) under ``work``."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")):
        (Path(work) / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(Path(work) / sub)
    return env


def nbgrader(course, env, *args):
    subprocess.run(["nbgrader", *args], cwd=course, env=env, check=True, capture_output=True,
                   timeout=1800)


def build(course, names, env):
    done = subprocess.run([sys.executable, "-m", "instructor.kit", "--course", str(course),
                           "--only", *names], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the course kit failed:\n{done.stderr[-3000:]}")


def hand_in(course, name, students):
    """Every student's submission: the instructor's solutions, as collected."""
    for student in students:
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(course / "source" / name / f"{name}.ipynb", folder)


def run_all(course, name):
    """(seconds, peak MB, CPU seconds) of the source notebook run by nbclient in a fresh kernel."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    nb = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(USAGE))
    with tempfile.TemporaryDirectory(prefix="bpbook-bench-kernel-") as sockets:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/kernel")
        client = NotebookClient(nb, km=km, timeout=900, allow_errors=True,
                                resources={"metadata": {"path": str(course / "source" / name)}})
        t0 = time.perf_counter()
        try:
            client.execute()
            seconds = time.perf_counter() - t0
        finally:
            if km.has_kernel:  # a kernel handed to nbclient is the caller's to stop
                km.shutdown_kernel(now=True)
    usage = json.loads(nb.cells[-1].outputs[0]["text"])
    return seconds, usage["peak_kb"] / 1024, usage["cpu_s"]


def autograde_class(course, name, env):
    """(seconds, CPU seconds) of ``nbgrader autograde`` of the whole class in one process; the
    CPU time (nbgrader's and its kernels') depends little on what else the machine runs."""
    before, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    nbgrader(course, env, "autograde", name, "--force")
    seconds, after = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def grade_class(course, name, env, processes):
    """Seconds for the guide's ``python grade_class.py NAME --processes N`` (the class dealt into
    N nbgrader processes that run at once)."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "grade_class.py", name, "--processes", str(processes), "--",
                    "--force"], cwd=course, env=env, check=True, capture_output=True,
                   timeout=1800)
    return time.perf_counter() - t0


def chapter_names():
    from instructor.kit.chapter import chapter_names as names
    return names()


def run(cfg):
    names = ["01_chain_rule"] if cfg.quick else chapter_names()
    students = [f"student{i:02d}" for i in range(1, (2 if cfg.quick else CLASS) + 1)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bpbook-bench-autograde-") as tmp:
        course, env = Path(tmp) / "course", environment(Path(tmp) / "jupyter")
        build(course, names, env)
        for name in names:
            try:
                hand_in(course, name, students)
                seconds, peak_mb, cpu_s = run_all(course, name)
                graded, cpu = autograde_class(course, name, env)  # the class: repeats
                rows.append(row(f"autograde/{name}", graded / len(students), "s", seconds,
                                "one Run All in a fresh kernel", PER_SUBMISSION,
                                f"{len(students)} submissions in one nbgrader autograde",
                                {"class": len(students), "class_s": graded, "run_all_s": seconds,
                                 "autograde_cpu_s": round(cpu / len(students), 2),
                                 "kernel_peak_mb": round(peak_mb, 1),
                                 "kernel_cpu_s": round(cpu_s, 2)}))
            except Exception as err:  # noqa: BLE001 - the chapter's row says what went wrong
                rows.append(failed(f"autograde/{name}", err))
        rows.append(parallel(course, names[0], students, env, cfg))
    return rows


def parallel(course, name, students, env, cfg):
    try:
        serial, two = [], []
        for _ in range(cfg.reps(2)):
            serial.append(grade_class(course, name, env, 1))
            two.append(grade_class(course, name, env, WORKERS))
        s, p = median(serial), median(two)
        return row("autograde/parallel", p, "s", s, "the same class in one process", SPEEDUP,
                   f"{name}, {len(students)} students, grade_class.py --processes {WORKERS}",
                   {"speedup": s / p, "workers": WORKERS, "cpu_count": os.cpu_count(),
                    "serial_s": serial, "parallel_s": two})
    except Exception as err:  # noqa: BLE001
        return failed("autograde/parallel", err)


def sizing_table(results, classes=(30, 300)):
    """The guide's sizing table (Markdown) from a ``results.json``'s ``autograde`` rows: per
    chapter and class size, the memory of every student's kernel running it at once, the CPU
    time of everyone's Run All, and autograding the class one submission at a time and with the
    measured parallel speed-up."""
    rows = {r["name"]: r for r in results["benchmarks"]
            if r["benchmark"] == "autograde" and r["status"] == "ok"}
    speedup = rows["autograde/parallel"]["details"]["speedup"] if "autograde/parallel" in rows \
        else None
    head = ["chapter", "kernel peak", "Run All CPU", "autograde / submission"]
    cpu = all("autograde_cpu_s" in r["details"] for n, r in rows.items()
              if n != "autograde/parallel")
    head += ["autograde CPU / submission"] if cpu else []
    for n in classes:
        head += [f"{n}: kernels' memory", f"{n}: CPU for Run All", f"{n}: autograde"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for name, r in sorted(rows.items()):
        if name == "autograde/parallel":
            continue
        d, per = r["details"], r["value"]
        cells = [name.split("/", 1)[1], f"{d['kernel_peak_mb']:.0f} MB",
                 f"{d['kernel_cpu_s']:.1f} s", f"{per:.1f} s"]
        cells += [f"{d['autograde_cpu_s']:.1f} s"] if cpu else []
        for n in classes:
            grading = f"{n * per / 60:.0f} min"
            if speedup:
                grading += f" ({n * per / speedup / 60:.0f} min on 2 cores)"
            cells += [f"{n * d['kernel_peak_mb'] / 1024:.1f} GB",
                      f"{n * d['kernel_cpu_s'] / 60:.0f} core-min", grading]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


GUIDE = ROOT / "instructor" / "README.md"
SIZING = ROOT / "instructor" / "sizing.json"  # the measurement the guide's table is made from
BEGIN = "<!-- sizing: generated by python -m benchmarks.autograde RESULTS --guide -->"
END = "<!-- sizing: end -->"


def measured(results):
    """What the guide's sizing needs from a ``results.json``: its ``autograde`` rows and when,
    where and under what load they were measured."""
    meta = results["meta"]
    return {"meta": {k: meta.get(k) for k in ("started", "commit", "cpu_count",
                                               "load_average_before_after")},
            "benchmarks": [r for r in results["benchmarks"] if r["benchmark"] == "autograde"]}


def sizing_section(sizing):
    """The guide's sizing text and table, from :func:`measured`'s record."""
    meta, rows = sizing["meta"], {r["name"]: r for r in sizing["benchmarks"]}
    load = " and ".join(f"{a[0]:.1f}" for a in meta["load_average_before_after"])
    # the load before the run is other work (the run itself then adds about one core's worth)
    busy = meta["load_average_before_after"][0][0] > 1.0
    shared = (": other work shared the cores, so on a quiet machine expect less wall time" if busy
              else ", a quiet machine")
    par = rows.get("autograde/parallel", {})
    speed = (f"the measured speed-up of {par['details']['speedup']:.2f}× from "
             f"{par['details']['workers']} processes on {meta['cpu_count']} cores"
             if par.get("status") == "ok" else "no speed-up: it was not measured")
    sizes = {r["details"]["class"] for r in rows.values() if "class" in r.get("details", {})}
    missing = sorted(n.split("/", 1)[1] for n, r in rows.items() if r["status"] != "ok")
    return textwrap.fill(
        f"Measured by `make bench BENCH_ARGS=\"--only autograde\"` on commit {meta['commit']} "
        f"({meta['started']}), on a machine with {meta['cpu_count']} cores whose load average "
        f"(1 minute) was {load} before and after the run{shared}. Per chapter: the resident "
        "memory of a "
        "student's kernel at its peak after Run All with the exercises solved, that kernel's "
        "CPU seconds, `nbgrader autograde`'s wall seconds per submission (a class of "
        f"{'/'.join(map(str, sorted(sizes)))} graded in one process) and its CPU seconds "
        "(nbgrader's and the kernels', which depend little on other work). For a class: "
        "every student's kernel open at once, everyone's Run All, and autograding every "
        f"submission one after another (in brackets: with {speed})."
        + (f" Not measured (the run failed): {', '.join(missing)}." if missing else ""),
        width=99, break_on_hyphens=False, break_long_words=False,
    ) + "\n\n" + sizing_table({"benchmarks": list(rows.values())})


def write_guide(results_path, guide=GUIDE, sizing=SIZING):
    """Keep ``results_path``'s autograde rows in ``instructor/sizing.json`` and put the section
    made from them between the guide's markers."""
    record = measured(json.loads(Path(results_path).read_text()))
    sizing.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    text = guide.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    guide.write_text(f"{head}{BEGIN}\n{sizing_section(record)}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    import sys as _sys
    if "--guide" in _sys.argv[2:]:
        write_guide(_sys.argv[1])
    else:
        print(sizing_table(json.loads(Path(_sys.argv[1]).read_text())))
