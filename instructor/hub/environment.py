"""The student environment: what a hub's single-user servers run (``make hub``, the Dockerfile).

It is the book's own pins (requirements.txt) less the test tools, the course kit's (nbgrader, for
the Assignments tab and the Formgrader) and the hub's (jupyterhub, nbgitpuller), written out as
``instructor/hub/requirements-student.txt``; bpbook itself goes in as a wheel built from the
repository, so a kernel needs no clone. ``tests/test_hub.py`` checks the file against its sources.

``python -m instructor.hub.environment`` rewrites the file after a pin changes.
"""
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SOURCES = (REPO / "requirements.txt", REPO / "instructor" / "requirements.txt",
           HERE / "requirements.txt")
STUDENT = HERE / "requirements-student.txt"
# Test and build tools of requirements.txt: a student's kernel has no use for them.
TEST_TOOLS = {"pytest", "pytest-timeout", "pytest-xdist", "hypothesis", "playwright", "nbval",
              "pyyaml"}
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)$")
HEADER = """\
# The student environment of a hub's single-user image (instructor/hub/Dockerfile, make hub),
# written by `python -m instructor.hub.environment` from requirements.txt (less its test tools),
# instructor/requirements.txt and instructor/hub/requirements.txt: edit those, not this file.
# bpbook itself is installed beside it as a wheel built from the repository.
"""


def normal(name):
    """A package name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path):
    """``{normal name: "name==version"}`` of a requirements file; other lines (``-e .``) skipped."""
    found = {}
    for line in Path(path).read_text().splitlines():
        match = PIN.match(line.split("#")[0].strip())
        if match:
            found[normal(match.group(1))] = match.group(0)
    return found


def student_pins():
    """Every pin of the sources but the test tools, in the sources' order."""
    out = {}
    for path in SOURCES:
        for name, line in pins(path).items():
            if name not in TEST_TOOLS:
                out.setdefault(name, line)
    return list(out.values())


def render():
    return HEADER + "\n".join(student_pins()) + "\n"


if __name__ == "__main__":
    STUDENT.write_text(render())
    sys.stdout.write(f"wrote {STUDENT.relative_to(REPO)}\n")
