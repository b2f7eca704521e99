"""Per-student numbers for exercises: on a course, each student sees, and is graded on, inputs of
their own, drawn from a seed made of their id and the exercise's id; a reader alone sees the book's
numbers, unchanged.

The student's id is ``BPBOOK_STUDENT`` (the course kit's grader sets it to the submission's
student while it runs a notebook), else ``JUPYTERHUB_USER`` (the hub's user, in a student's own
server), else there is none and every exercise keeps its default. The seed is the SHA-256 of the
two ids, so it is the same on every machine and in every Python run.
"""
import hashlib
import os

import numpy as np

from bpbook.errors import count, real_number


def student():
    """The id whose numbers this kernel shows, or None for a reader alone."""
    return os.environ.get("BPBOOK_STUDENT") or os.environ.get("JUPYTERHUB_USER") or None


def rng(exercise, who=None):
    """A generator seeded by (``who`` or :func:`student`, ``exercise``); None for a reader alone."""
    who = student() if who is None else who
    if not who:
        return None
    digest = hashlib.sha256(f"{who}\0{exercise}".encode("utf-8")).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def number(exercise, default, low, high, digits=1, who=None):
    """``default`` for a reader alone; for a student, a number in [``low``, ``high``] rounded to
    ``digits`` decimals, drawn from the student's seed for ``exercise``."""
    default, low = real_number(default, "default"), real_number(low, "low")
    high = real_number(high, "high", low=low, low_open=True)
    digits = count(digits, "digits")
    r = rng(exercise, who)
    if r is None:
        return default
    return round(float(r.uniform(low, high)), digits)
