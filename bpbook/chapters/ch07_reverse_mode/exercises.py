"""Chapter 07's exercise checks, built on :mod:`bpbook.feedback`: each names the typical mistake an
answer looks like. The settings of each exercise (``FD_SIZES``, ``REVERSE_SIZES``, ``DUAL_AT``)
are shown on the page by the chapter: the book's for a reader alone, each student's own on a
course (:mod:`bpbook.variants`).
"""
import math

from bpbook.chapters.ch07_reverse_mode.cost import mode_counts
from bpbook.feedback import check, require_count
from bpbook.variants import number


def _width(exercise, default, low, high):
    return int(number(exercise, default, low, high, digits=0))


# Exercise 1: a dense network given by its widths (not one of the chapter's table).
FD_SIZES = [_width(f"07.fd-passes.{i}", n, 2, 9) for i, n in enumerate((3, 5, 2))]


def check_fd_passes(answer, sizes=FD_SIZES):
    """How many forward passes central differences need for every parameter of the dense
    network with layer widths ``sizes``."""
    sizes = [require_count("each layer width", n) for n in sizes]
    weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
    n_params = weights + sum(sizes[1:])
    mistakes = [(n_params, "one pass per parameter: central differences need two (θ ± ε)"),
                (n_params + 1, "one-sided differences (θ + ε, plus the base point): central "
                 "differences use θ + ε and θ − ε"),
                (2 * weights, "the weights alone: every bias is a parameter too"),
                (1, "what backprop needs: one forward (and one backward) pass")]
    return check(answer, 2 * n_params, f"forward passes for the network {sizes}",
                 "2 per parameter (weights and biases)", mistakes, tol=1e-12)


# Exercise 2: the network whose outputs are differentiated, [3, hidden, outputs].
REVERSE_SIZES = [3, _width("07.reverse-count.hidden", 10, 5, 15),
                 _width("07.reverse-count.outputs", 6, 2, 9)]


def check_reverse_count(answer, sizes=REVERSE_SIZES):
    """Operations of reverse mode for the derivative of every output of the network ``sizes``
    with respect to its first input (counted as in the chapter: ``cost.mode_counts``)."""
    row = next(r for r in mode_counts(sizes) if r["inputs"] == 1)
    nodes, edges, k = row["nodes"], row["edges"], row["outputs"]
    mistakes = [(nodes + edges, "one backward pass (forward mode's count here): reverse mode "
                 "needs one backward pass per output"),
                (k * (nodes + edges), "the forward pass again for every output: the values "
                 "are computed once and kept"),
                (k * edges, "the backward passes only: the forward pass comes first")]
    return check(answer, row["reverse mode"], "reverse mode's operations",
                 "nodes + outputs × edges", mistakes, tol=1e-12)


DUAL_AT = number("07.dual-tangent", 0.7, 0.2, 1.5, digits=2)  # exercise 3: g(t) = tanh(t)·t² here


def check_dual_tangent(answer, t=DUAL_AT):
    """Exercise: g′(t) for g(t) = tanh(t)·t², which one pass of dual numbers seeded with tangent 1
    gives; the truth is the closed form (1 − tanh²t)·t² + tanh(t)·2t."""
    th = math.tanh(t)
    mistakes = [(th * t * t, "g(t) itself, the value part of the dual number: the tangent is .dot"),
                (0.0, "a tangent of 0: seed the input with Dual(t, 1.0), the direction dt = 1"),
                ((1 - th * th) * t * t, "only the tanh factor's share: the product rule adds "
                 "tanh(t)·2t"),
                (th * 2 * t, "only the t² factor's share: the product rule adds (1 − tanh²t)·t²")]
    return check(answer, (1 - th * th) * t * t + th * 2 * t, f"g′({t:g})",
                 "(1 − tanh²t)·t² + tanh(t)·2t, the tangent of one forward-mode pass", mistakes)
