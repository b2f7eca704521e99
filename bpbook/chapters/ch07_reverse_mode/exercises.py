"""Chapter 07's exercise checks, built on :mod:`bpbook.feedback`: each names the typical mistake an
answer looks like. The settings of each exercise (``REVERSE_SIZES``, ``DUAL_AT``) are shown on the
page by the chapter.
"""
import math

from bpbook.chapters.ch07_reverse_mode.cost import mode_counts
from bpbook.feedback import check, require_count

def check_fd_passes(answer, n_params):
    """How many forward passes central differences need for ``n_params`` parameters."""
    n_params = require_count("n_params", n_params)
    mistakes = [(n_params, "one pass per parameter: central differences need two (θ ± ε)"),
                (n_params + 1, "one-sided differences (θ + ε, plus the base point): central "
                 "differences use θ + ε and θ − ε"),
                (1, "what backprop needs: one forward (and one backward) pass")]
    return check(answer, 2 * n_params, f"forward passes for {n_params} parameters",
                 "2 per parameter", mistakes, tol=1e-12)


REVERSE_SIZES = [3, 10, 6]  # exercise 2: the network whose outputs are differentiated


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


DUAL_AT = 0.7  # exercise 3: g(t) = tanh(t)·t² differentiated here, forward mode


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
