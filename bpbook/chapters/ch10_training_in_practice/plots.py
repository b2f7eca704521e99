"""The pictures of ``chapters/10_training_in_practice.py``: each function takes numbers the
chapter computed and returns a matplotlib ``Figure`` (no pyplot, no global state).
"""
import numpy as np
from matplotlib.figure import Figure


def _figure(width=7, height=3.6, cols=1):
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, cols)
    return fig, axes


def cost(params, fd_passes, bp_passes, widths, measured, counted):
    """Left: forward-pass equivalents for all gradients, finite differences vs backprop (both
    counted). Right: measured backward/forward time by width, with the counted ratios."""
    fig, (ax1, ax2) = _figure(10, 3.4, 2)
    ax1.plot(params, fd_passes, "o-", label="finite differences: 2 per parameter")
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
    return fig


def memory(rows, width):
    """Stored bytes against depth, one line per batch size; ``rows`` are
    ``[depth, m, counted, measured]``. Markers are measured, dashed lines counted."""
    fig, ax = _figure(7, 3.4)
    for m in sorted({r[1] for r in rows}):
        sub = [r for r in rows if r[1] == m]
        line, = ax.plot([r[0] for r in sub], [r[3] / 2 ** 20 for r in sub], "o",
                        label=f"m = {m}, measured")
        ax.plot([r[0] for r in sub], [r[2] / 2 ** 20 for r in sub], "--", color=line.get_color(),
                label=f"m = {m}, counted")
    ax.set(xlabel="hidden layers D", ylabel="MiB kept for the backward pass",
           title=f"stored z and a, hidden width {width}, float64")
    ax.legend(fontsize=8, ncol=2)
    return fig


def loss_curves(losses_by_label, title):
    """``{label: losses}``, one loss per epoch, on a log scale."""
    fig, ax = _figure()
    for label, losses in losses_by_label.items():
        ax.semilogy(np.arange(1, len(losses) + 1), losses, label=label)
    ax.set(xlabel="epoch", ylabel="loss", title=title)
    ax.legend()
    return fig
