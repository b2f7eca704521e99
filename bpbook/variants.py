"""Per-student numbers for exercises: on a course, each student sees, and is graded on, inputs of
their own, drawn from a seed made of their id and the exercise's id; a reader alone sees the book's
numbers, unchanged.

A function a student writes is graded on inputs of their own too: :func:`vary` puts the samples
of the kit's test inputs in an order drawn from the same seed.

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


def seed(exercise, default, who=None):
    """``default`` for a reader alone; for a student, a seed of their own for ``exercise`` (an
    int in [0, 2³¹)), e.g. for the inputs an instructor's ``probe`` draws."""
    default = count(default, "default")
    r = rng(f"{exercise}\0seed", who)
    return default if r is None else int(r.integers(2**31))


def _samples(x):
    """The length of ``x``'s last axis (its samples, the book's columns), or None."""
    shape = getattr(x, "shape", None)
    return int(shape[-1]) if shape is not None and len(shape) >= 1 else None


def _permuted(x, order):
    if isinstance(x, (list, tuple)):
        return type(x)(_permuted(v, order) for v in x)
    if _samples(x) != len(order):
        return x
    if hasattr(x, "detach"):  # a torch tensor: a fresh leaf, as the caller handed in
        return x.detach()[..., order.tolist()].clone().requires_grad_(x.requires_grad)
    return x[..., order]


def _lengths(args):
    """The last-axis lengths (≥ 2) of every array in ``args``, nested lists included."""
    for x in args:
        if isinstance(x, (list, tuple)):
            yield from _lengths(x)
        elif (_samples(x) or 0) >= 2:
            yield _samples(x)


def _sample_count(args):
    """The samples' number: the most common last-axis length (the first one seen on a tie)."""
    lengths = list(_lengths(args))
    return max(lengths, key=lengths.count) if lengths else None


def vary(args, exercise, who=None):
    """``args`` (a function's inputs: numbers, arrays, tensors and lists of them) unchanged for
    a reader alone; for a student, every array whose last axis has the samples' number ``m`` (the
    most common last-axis length, ≥ 2) gets its samples in an order of the student's own (never
    the given order), the same order for all of them. Samples are columns, so relations between the inputs (an
    activation and its pre-activation, a batch and its labels) hold in the new order: what the
    course kit's grader evaluates a student's function on (``exercise``: the exercise's id)."""
    args = tuple(args)
    m = _sample_count(args)
    r = rng(f"{exercise}\0inputs", who)
    if r is None or m is None:
        return args
    order = r.permutation(m)
    if (order == np.arange(m)).all():
        order = np.roll(order, 1)
    return _permuted(args, order)
