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
        print(f"{name}: {len(s['exercises'])} exercises ({s['points']} points, autograded), "
              f"{len(s['thinks'])} think questions ({s['think_points']} points, graded by hand)")


if __name__ == "__main__":
    main()
