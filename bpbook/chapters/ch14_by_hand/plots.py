"""The picture of chapter 14: each gradient's largest difference from torch's, on a log scale, with
its text alternative written from the same rows (:func:`describe_differences`).

Rows are those of :func:`bpbook.chapters.ch14_by_hand.net.cmp`: ``[name, shape, exact,
approximate, max difference]``. A difference of exactly 0 has no place on a log scale: it is drawn
as a hollow marker at the left edge, labelled "exact". Built without pyplot (no global state).
"""
import numpy as np
from matplotlib.figure import Figure

from bpbook.display import described, listing

U = float(np.finfo(np.float64).eps)


def floor_of(rows):
    """Where an exact row is drawn: a decade below the smallest non-zero difference."""
    nonzero = [r[4] for r in rows if r[4] > 0]
    return 10.0 ** (np.floor(np.log10(min(nonzero, default=U))) - 1)


def differences_figure(rows):
    """One horizontal stem per gradient, in the order the backward pass computes them."""
    fig = Figure(figsize=(6.0, 5.2), layout="constrained")
    ax = fig.add_subplot()
    floor = floor_of(rows)
    ys = np.arange(len(rows))[::-1]
    for yk, r in zip(ys, rows):
        if r[2]:
            ax.plot([floor], [yk], "o", mfc="none", color="0.3")
            ax.annotate("exact", (floor, yk), xytext=(6, -3), textcoords="offset points",
                        fontsize="x-small")
        else:
            ax.hlines(yk, floor, r[4], color="C0")
            ax.plot([r[4]], [yk], "s", color="C0")
    ax.set_xscale("log")
    right = max(1e-12, 10 * max(r[4] for r in rows))
    ax.set(yticks=ys, yticklabels=[r[0] for r in rows], xlim=(floor / 3, right),
           xlabel="max |by hand − torch| over the tensor's entries",
           title="every gradient of the network, by hand against torch.autograd")
    return described(fig, describe_differences(rows))


def describe_differences(rows):
    """The figure's text alternative: how many gradients are exact, and the largest difference."""
    exact = [r[0] for r in rows if r[2]]
    worst = max(rows, key=lambda r: r[4])
    rest = (f"the other {len(rows) - len(exact)} differ from torch's by at most {worst[4]:.2g} "
            f"(largest for {worst[0]})"
            if len(exact) < len(rows) else "none differs")
    return (f"Log-scale chart of the largest difference between each of {len(rows)} gradients "
            f"written by hand and torch's. {len(exact)} are exactly equal "
            f"({listing(exact) if exact else 'none'}); {rest}.")
