"""The pictures of ``chapters/10_training_in_practice.py``: each function takes numbers the
chapter computed and returns a matplotlib ``Figure`` (no pyplot, no global state) carrying its
text alternative, written from the same numbers (``bpbook.display.described``).
"""
import numpy as np
from matplotlib.figure import Figure

from bpbook.display import described, listing


MARKERS = ("o", "s", "^", "D", "v")  # curves differ in marker or line style, not colour alone
LINES = ("-", "--", ":", "-.")


def _figure(width=7, height=3.6, cols=1):
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, cols)
    return fig, axes


def cost(params, fd_passes, bp_passes, widths, measured, counted):
    """Left: forward-pass equivalents for all gradients, finite differences vs backprop (both
    counted). Right: measured backward/forward time by width, with the counted ratios."""
    fig, (ax1, ax2) = _figure(10, 3.4, 2)
    ax1.plot(params, fd_passes, "s--", label="finite differences: 2 per parameter")
    ax1.plot(params, bp_passes, "o-", label="backprop: 1 forward + 1 backward")
    ax1.set(xlabel="parameters", ylabel="forward-pass equivalents", title="counted",
            yscale="log")
    ax1.legend(fontsize=8)
    ax2.plot(widths, measured, "o-", label="measured")
    ax2.plot(widths, counted, "s--", color="gray", label="counted multiply-adds")
    top = 1.2 * max(max(measured), max(counted))
    ax2.set(xscale="log", xlabel="hidden width", ylabel="backward / forward",
            title="one backward pass (timings vary)", ylim=(0, top))
    ax2.set_xticks(widths, [str(w) for w in widths])
    ax2.minorticks_off()
    ax2.legend(fontsize=8)
    alt = (f"Two panels. Left, forward-pass equivalents for all gradients against the number of "
           f"parameters, log scale: finite differences grow from {fd_passes[0]} to "
           f"{fd_passes[-1]} for {params[0]} to {params[-1]} parameters, backprop stays between "
           f"{min(bp_passes):.2f} and {max(bp_passes):.2f}. Right, backward over forward time "
           f"for hidden widths {listing(widths)}, measured (it varies from run to run) beside "
           f"the counted ratios, {min(counted):.2f} to {max(counted):.2f}.")
    return described(fig, alt)


def memory(rows, width):
    """Stored bytes against depth, one line per batch size; ``rows`` are
    ``[depth, m, counted, measured]``. Markers are measured, dashed lines counted."""
    fig, ax = _figure(7, 3.4)
    for i, m in enumerate(sorted({r[1] for r in rows})):
        sub = [r for r in rows if r[1] == m]
        line, = ax.plot([r[0] for r in sub], [r[3] / 2 ** 20 for r in sub], MARKERS[i % 5],
                        label=f"m = {m}, measured")  # a marker per batch size: not colour alone
        ax.plot([r[0] for r in sub], [r[2] / 2 ** 20 for r in sub], "--", color=line.get_color(),
                label=f"m = {m}, counted")
    ax.set(xlabel="hidden layers D", ylabel="MiB kept for the backward pass",
           title=f"stored z and a, hidden width {width}, float64")
    ax.legend(fontsize=8, ncol=2)
    lines = "; ".join(f"m = {m}: {min(r[3] for r in rows if r[1] == m) / 2 ** 20:.2f} MiB at the "
                      f"fewest layers to {max(r[3] for r in rows if r[1] == m) / 2 ** 20:.2f} MiB "
                      "at the most" for m in sorted({r[1] for r in rows}))
    alt = (f"Memory kept for the backward pass against the number of hidden layers "
           f"{listing(sorted({r[0] for r in rows}))}, one straight line per batch size, measured "
           f"points on the counted lines: {lines}.")
    return described(fig, alt)


def loss_curves(losses_by_label, title):
    """``{label: losses}``, one loss per epoch, on a log scale."""
    fig, ax = _figure()
    for i, (label, losses) in enumerate(losses_by_label.items()):
        ax.semilogy(np.arange(1, len(losses) + 1), losses, LINES[i % 4], label=label)
    ax.set(xlabel="epoch", ylabel="loss", title=title)
    ax.legend()
    runs = "; ".join(f"{label}: from {losses[0]:.4f} to {losses[-1]:.4f}, lowest {min(losses):.4f}"
                     for label, losses in losses_by_label.items())
    return described(fig, f"Loss against epoch on a log scale, {title}. {runs}.")


def checkpointing(traces, rows, times):
    """Left: bytes held at every layer boundary of the forward and backward pass, one line per
    ``{label: trace}``. Right: each segment size's peak memory against its recomputation, both
    relative to the plain pass; ``rows`` are :func:`~bpbook.chapters.ch10_training_in_practice.
    checkpoint.tradeoff`'s, ``times`` its measured time ratios (drawn, never printed)."""
    fig, (ax1, ax2) = _figure(10, 3.6, 2)
    for i, (label, trace) in enumerate(traces.items()):
        ax1.plot(np.arange(1, len(trace) + 1), np.asarray(trace) / 2 ** 20, LINES[i % 4],
                 marker=".", label=label)
    ax1.set(xlabel="layer boundary, forward then backward", ylabel="MiB of arrays held",
            title="memory during one step")
    ax1.legend(fontsize=8)
    ax2.plot([r[4] for r in rows], [r[7] for r in rows], "o", label="layer forwards (counted)")
    ax2.plot(times, [r[7] for r in rows], "x", color="gray", label="time (measured, varies)")
    for r in rows:
        ax2.annotate(f"k={r[0]}", (r[4], r[7]), textcoords="offset points", xytext=(5, 3),
                     fontsize=8)
    ax2.set(xlabel="cost / plain pass", ylabel="peak memory / plain pass",
            title="checkpoint every k layers", ylim=(0, 1.1))
    ax2.legend(fontsize=8)
    return described(fig, checkpointing_description(traces, rows))


def checkpointing_description(traces, rows):
    """The text alternative of :func:`checkpointing`'s figure, from the same numbers."""
    best = min(rows, key=lambda r: r[7])
    lines = "; ".join(f"{label} peaks at {max(t) / 2 ** 20:.2f} MiB" for label, t in traces.items())
    return (f"Left: memory held during one forward and backward pass; {lines}. Right: for "
            f"segment sizes k = {', '.join(str(r[0]) for r in rows)}, peak memory against "
            f"recomputation, relative to the plain pass; the lowest peak is {best[7]:.2f} of the "
            f"plain one, at k = {best[0]}, for {best[4]:.2f} times the layer forwards.")
