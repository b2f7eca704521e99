"""The pictures of chapter 16. Each figure carries its text alternative
(:func:`bpbook.display.described`), written by a ``describe_…`` function beside it from the same
data, for readers who cannot see it.

- :func:`loss_figure`: a training run's loss per SGD step;
- :func:`flow_figure`: ``‖∂ℒ/∂h_t‖`` against the step t, one line per labelled curve (arrays
  ``(T,)``, index 0 is step 1);
- :func:`clipping_figure`: the gradient norm per step of runs with and without clipping.

Figures are built without pyplot (no global state), as in the other chapters.
"""
from itertools import cycle

import numpy as np
from matplotlib.figure import Figure

from bpbook.display import described


STYLES = ("o-", "s--", "^:", "d-.")  # a marker and a line style per curve: not colour alone


def _figure(width=6.0, height=3.4):
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def loss_figure(run):
    """The loss of each mini-batch before its step, log scale."""
    fig, ax = _figure()
    ax.semilogy(run.losses)
    ax.set(xlabel="SGD step", ylabel="½-MSE of the mini-batch",
           title=f"training on sequences of length {run.settings['T']}")
    return described(fig, describe_loss(run))


def describe_loss(run):
    losses = np.asarray(run.losses)
    low = int(np.argmin(losses))
    return (f"Line chart, log scale: the mini-batch loss over {len(losses)} SGD steps starts at "
            f"{losses[0]:.3g}, reaches its lowest value {losses[low]:.3g} at step {low} and ends "
            f"at {losses[-1]:.3g}. On {run.settings['T']}-step test sequences the trained "
            f"network names the first symbol right {run.test_accuracy:.0%} of the time.")


def flow_figure(curves, title="how much gradient reaches each step"):
    """``curves``: label → ``‖∂ℒ/∂h_t‖`` for t = 1..T (log scale)."""
    fig, ax = _figure()
    for (label, norms), style in zip(curves.items(), cycle(STYLES)):
        ax.semilogy(np.arange(1, len(norms) + 1), norms, style, label=label)
    ax.set(xlabel="step t", ylabel="‖∂ℒ/∂h_t‖", title=title)
    ax.legend(fontsize="small")
    return described(fig, describe_flow(curves))


def describe_flow(curves):
    parts = []
    for label, norms in curves.items():
        norms = np.asarray(norms)
        parts.append(f"{label}: {norms[-1]:.2g} at the last step {len(norms)}, {norms[0]:.2g} at "
                     f"step 1, {norms[0] / norms[-1]:.2g} times the last")
    return ("Line chart, log scale, of the size of the loss's gradient with respect to each "
            "hidden state, against the step. " + "; ".join(parts) + ".")


def clipping_figure(runs):
    """``runs``: label → a :class:`~bpbook.chapters.ch16_backprop_through_time.task.Run`; its
    gradient norm before clipping at every step."""
    fig, ax = _figure()
    for (label, run), style in zip(runs.items(), cycle(("-", "--", ":", "-."))):
        ax.semilogy(run.norms, style, label=label, lw=1)
    ax.set(xlabel="SGD step", ylabel="gradient norm (before clipping)")
    ax.legend(fontsize="small")
    return described(fig, describe_clipping(runs))


def describe_clipping(runs):
    parts = []
    for label, run in runs.items():
        norms = np.asarray(run.norms)
        parts.append(f"{label}: median {np.median(norms):.2g}, largest {norms.max():.2g} at step "
                     f"{int(np.argmax(norms))}, test accuracy {run.test_accuracy:.0%}")
    return ("Line chart, log scale, of the global gradient norm at each SGD step. "
            + "; ".join(parts) + ".")
