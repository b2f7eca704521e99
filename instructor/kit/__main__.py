"""``python -m instructor.kit [--course DIR] [--only NAME ...]``: build the nbgrader course."""
import argparse
import sys

from instructor.kit.build import COURSE, build
from instructor.kit.chapter import KitError


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instructor.kit", description=__doc__)
    parser.add_argument("--course", default=str(COURSE), help="course folder (default: course/)")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="build only these assignments (e.g. 03_worked_example capstone_mlp)")
    parser.add_argument("--jobs", type=int, default=2, help="assignments solved at once")
    parser.add_argument("--no-release", dest="release", action="store_false",
                        help="write source/ only; skip nbgrader generate_assignment")
    args = parser.parse_args(argv)
    try:
        summaries = build(args.course, args.only, args.jobs, args.release)
    except KitError as err:
        sys.exit(f"make course: {err}")
    for name, s in summaries.items():
        print(f"{name}: {counted(len(s['exercises']), 'exercise')} "
              f"({counted(s['points'], 'point')}, autograded), "
              f"{counted(len(s['thinks']), 'think question')} "
              f"({counted(s['think_points'], 'point')}, graded by hand)")


def counted(n, noun):
    """``n noun`` with the noun in the plural unless ``n`` is 1: "1 point", "2 points"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


if __name__ == "__main__":
    main()
