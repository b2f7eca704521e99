"""Chapter 07's exercise checks, built on :mod:`bpbook.feedback`: each names the typical mistake an
answer looks like. The settings of each exercise (``REVERSE_SIZES``) are shown on the page by the
chapter.
"""
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
