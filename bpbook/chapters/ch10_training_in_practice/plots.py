"""The pictures of ``chapters/10_training_in_practice.py``: each function takes numbers the
chapter computed and returns a matplotlib ``Figure`` (no pyplot, no global state), with its
words (``bpbook.display.described``) written from the same numbers; timings, which vary from run
to run, are drawn but never put in words. Curves differ in marker or line style, not colour alone.
"""
import numpy as np
from matplotlib.figure import Figure

from bpbook.display import curves_alt, described, listing, number

MARKERS = ("o", "s", "^", "D", "v")
MARKERS_SAID = ("circles", "squares", "triangles", "diamonds", "down triangles")


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
    alt = (f"Left, counted: forward-pass equivalents for all gradients (log scale) against the "
           f"number of parameters ({listing(f'{int(p):,}' for p in params)}): finite "
           f"differences (squares, dashed) from {number(fd_passes[0])} to {number(fd_passes[-1])},"
           f" backprop (circles) {listing(sorted({number(b) for b in bp_passes}))}. Right: one "
           f"backward pass over one forward pass by hidden width ({listing(widths)}): the "
           f"counted multiply-adds give {listing(f'{c:.2f}' for c in counted)} (grey squares, "
           f"dashed); the measured times (circles) vary from run to run and are drawn, not told.")
    return described(fig, alt)


def memory(rows, width):
    """Stored bytes against depth, one line per batch size; ``rows`` are
    ``[depth, m, counted, measured]``. Markers are measured, dashed lines counted."""
    fig, ax = _figure(7, 3.4)
    words = []
    for i, m in enumerate(sorted({r[1] for r in rows})):
        sub = [r for r in rows if r[1] == m]
        line, = ax.plot([r[0] for r in sub], [r[3] / 2 ** 20 for r in sub],
                        MARKERS[i % len(MARKERS)], label=f"m = {m}, measured")
        gap = max(abs(r[3] - r[2]) / r[2] for r in sub)
        words.append(f"m = {m} ({MARKERS_SAID[i % len(MARKERS)]}): counted from "
                     f"{number(sub[0][2] / 2 ** 20)} MiB at D = {sub[0][0]} to "
                     f"{number(sub[-1][2] / 2 ** 20)} MiB at D = {sub[-1][0]}, measured within "
                     f"{100 * gap:.0f} % of it")
        ax.plot([r[0] for r in sub], [r[2] / 2 ** 20 for r in sub], "--", color=line.get_color(),
                label=f"m = {m}, counted")
    ax.set(xlabel="hidden layers D", ylabel="MiB kept for the backward pass",
           title=f"stored z and a, hidden width {width}, float64")
    ax.legend(fontsize=8, ncol=2)
    return described(fig, f"MiB kept for the backward pass against the number of hidden layers "
                          f"D (hidden width {width}), one batch size m per marker, counted as a "
                          f"dashed line, measured as markers: " + "; ".join(words) + ".")


def loss_curves(losses_by_label, title):
    """``{label: losses}``, one loss per epoch, on a log scale."""
    fig, ax = _figure()
    for i, (label, losses) in enumerate(losses_by_label.items()):
        ax.semilogy(np.arange(1, len(losses) + 1), losses, ("-", "--", ":", "-.")[i % 4],
                    label=label)
    ax.set(xlabel="epoch", ylabel="loss", title=title)
    ax.legend()
    n = max(len(v) for v in losses_by_label.values())
    return described(fig, f"{title}: " + curves_alt(losses_by_label, "epoch", "loss",
                                                    xs=np.arange(1, n + 1), log=True))
