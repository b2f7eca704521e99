"""Autograde a class with several nbgrader processes at once: ``python grade_class.py ASSIGNMENT
[--processes N] [-- nbgrader options]`` in the course folder (``make course`` writes
``grade_class.py`` there).

The submitted students are dealt round-robin into N shares; each share is one ``nbgrader
autograde ASSIGNMENT`` process that leaves the others' students out
(``--CourseDirectory.student_id_exclude``) and grades its own one after another. Starting
nbgrader costs about a second of CPU (it imports Jupyter's server and its schema checkers), so
it is paid once per process instead of once per student, as ``xargs -P N nbgrader autograde
--student=...`` would pay it. The gradebook is SQLite, which lets the processes take turns; for
many processes, a server database (``course_settings.py``).
"""
import argparse
import subprocess
import sys
from pathlib import Path


def submitted(course, assignment):
    """The ids of the students with a submission of ``assignment`` in ``course/submitted``."""
    return sorted(p.parent.name for p in (Path(course) / "submitted").glob(f"*/{assignment}")
                  if p.is_dir())


def shares(students, processes):
    """``students`` dealt round-robin into at most ``processes`` non-empty shares."""
    return [s for s in (students[i::processes] for i in range(processes)) if s]


def commands(course, assignment, processes, extra=()):
    """One ``nbgrader autograde`` command line per share of the submitted students."""
    students = submitted(course, assignment)
    bad = [s for s in students if "," in s]
    if bad:
        raise SystemExit(f"student ids with a comma cannot be left out by nbgrader: {bad}")
    nbgrader = Path(sys.executable).parent / "nbgrader"
    exe = str(nbgrader) if nbgrader.exists() else "nbgrader"
    return [[exe, "autograde", assignment, *extra,
             "--CourseDirectory.student_id_exclude=" + ",".join(s for s in students
                                                                if s not in share)]
            for share in shares(students, processes)]


def grade(course, assignment, processes=2, extra=()):
    """Run the shares at once in ``course``; return the number of processes that failed."""
    running = [subprocess.Popen(cmd, cwd=course) for cmd in
               commands(course, assignment, processes, extra)]
    return sum(p.wait() != 0 for p in running)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python grade_class.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment")
    parser.add_argument("--processes", type=int, default=2,
                        help="nbgrader processes at once: the grader's cores (default 2)")
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []  # for nbgrader autograde
    args = parser.parse_args(argv[:len(argv) - len(extra) - (1 if "--" in argv else 0)])
    if args.processes < 1:
        parser.error(f"--processes must be at least 1, got {args.processes}")
    failed = grade(Path.cwd(), args.assignment, args.processes, extra)
    sys.exit(f"{failed} nbgrader process(es) failed" if failed else 0)
