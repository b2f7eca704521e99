"""Check a built course for leaks: a released notebook must hold no solution line, no hidden-test
line, no Jupytext metadata (which could pair it back to a source), and a release folder nothing but
notebooks (no ``.py`` copy of a source).

A line counts as secret when it lies inside a ``BEGIN SOLUTION``/``END SOLUTION`` or ``BEGIN HIDDEN
TESTS``/``END HIDDEN TESTS`` region of the source notebook and nowhere in the text outside those
regions (a solution may repeat what the page shows anyway: the stub's ``def`` line, or a
``loss.backward()`` the prose mentions). Every secret line is searched for in the released file's
whole text (cells, outputs and metadata).

A release folder ``NAME-solutions`` next to the source ``NAME`` is the solved notebook the guide's
last step releases after the deadline: there only the hidden-test lines are secret.
"""
import json
from pathlib import Path

import nbformat

REGIONS = (("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
MIN_LENGTH = 6  # shorter lines (")", "else:") say nothing about a solution


def split_lines(source, regions=REGIONS):
    """``(secret, public)``: the sets of stripped lines inside and outside the regions."""
    secret, public, inside = set(), set(), None
    for line in source.splitlines():
        text = line.strip()
        starts = [end for begin, end in regions if begin in text]
        if inside is None and starts:
            inside = starts[0]
            secret.add(text)
        elif inside is not None and inside in text:
            inside = None
            secret.add(text)
        elif text:
            (public if inside is None else secret).add(text)
    return secret, public


def secret_lines(source_nb, regions=REGIONS):
    """The source notebook's secret lines (see the module docstring)."""
    secret, public = set(), set()
    for cell in source_nb.cells:
        s, p = split_lines(cell.source, regions)
        secret |= s
        public |= p
    shown = "\n".join(public)
    return {line for line in secret if len(line) >= MIN_LENGTH and line not in shown}


def leaks(course):
    """Every leak in ``course``'s release folder, as readable strings (empty: none)."""
    course = Path(course)
    found = []
    for folder in sorted((course / "release").iterdir()):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix != ".ipynb":
                found.append(f"{path.relative_to(course)}: not a notebook")
        name, regions = folder.name, REGIONS
        if name.endswith("-solutions") and (course / "source" / name[:-10]).is_dir():
            name, regions = name[:-10], REGIONS[1:]  # released solutions: hidden tests only
        source = course / "source" / name / f"{name}.ipynb"
        released = folder / f"{name}.ipynb"
        if not released.exists():
            found.append(f"{released.relative_to(course)}: missing")
            continue
        text = released.read_text(encoding="utf-8")
        nb = nbformat.reads(text, as_version=4)
        if "jupytext" in nb.metadata or any("jupytext" in c.metadata for c in nb.cells):
            found.append(f"{released.relative_to(course)}: Jupytext metadata")
        for line in sorted(secret_lines(nbformat.read(source, as_version=4), regions)):
            if line in text or json.dumps(line)[1:-1] in text:
                found.append(f"{released.relative_to(course)}: holds the secret line {line!r}")
    return found
