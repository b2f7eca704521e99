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


def cost(widths, measured, counted):
    """Measured backward/forward time by hidden width, beside the counted multiply-add ratios."""
    fig, ax = _figure(6, 3.4)
    ax.plot(widths, measured, "o-", label="measured")
    ax.plot(widths, counted, "s--", color="gray", label="counted multiply-adds")
    top = 1.2 * max(max(measured), max(counted))
    ax.set(xscale="log", xlabel="hidden width", ylabel="backward / forward",
           title="one backward pass (timings vary)", ylim=(0, top))
    ax.set_xticks(widths, [str(w) for w in widths])
    ax.minorticks_off()
    ax.legend(fontsize=8)
    # timings differ from run to run, and a chapter prints the same every time: the words give
    # the counted ratios and say where the measured ones are, never their values
    alt = (f"Backward over forward time for hidden widths {listing(widths)}: the measured "
           f"ratios as dots (they vary from run to run), beside the counted ratios, "
           f"{min(counted):.2f} to {max(counted):.2f}, dashed.")
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
    runs = "; ".join(f"{label}: from {losses[0]:.4f} to {losses[-1]:.4f}, lowest "
                     f"{min(losses):.4f}, rising on {int(np.sum(np.diff(losses) > 0))} of "
                     f"{len(losses) - 1} epochs" for label, losses in losses_by_label.items())
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
    spots = {}  # segment sizes that land on the same point share one label
    for r in rows:
        spots.setdefault((round(r[4], 6), round(r[7], 6)), []).append(str(r[0]))
    for (x, y), ks in spots.items():
        ax2.annotate(f"k={', '.join(ks)}", (x, y), textcoords="offset points", xytext=(5, 3),
                     fontsize=8)
    ax2.set(xlabel="cost / plain pass", ylabel="peak memory / plain pass",
            title="checkpoint every k layers", ylim=(0, 1.1))
    ax2.legend(fontsize=8)
    return described(fig, checkpointing_description(traces, rows, times))


def checkpointing_description(traces, rows, times=None):
    """The text alternative of :func:`checkpointing`'s figure, from the same numbers."""
    best = min(rows, key=lambda r: r[7])
    lines = "; ".join(f"{label} peaks at {max(t) / 2 ** 20:.2f} MiB" for label, t in traces.items())
    return (f"Left: memory held during one forward and backward pass; {lines}. Right: for "
            f"segment sizes k = {', '.join(str(r[0]) for r in rows)}, peak memory against "
            f"recomputation, relative to the plain pass; the lowest peak is {best[7]:.2f} of the "
            f"plain one, at k = {best[0]}, for {best[4]:.2f} times the layer forwards."
            + ("" if times is None else
               f" Gray crosses: the measured step time of each of the {len(times)} segment "
               f"sizes relative to the plain step (timings vary from run to run)."))
