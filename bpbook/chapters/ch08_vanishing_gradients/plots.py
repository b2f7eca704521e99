r"""The pictures of ``chapters/08_vanishing_gradients.py``: each function takes numbers the
chapter computed and returns a matplotlib ``Figure`` (no pyplot, no global state) carrying its
text alternative, written from the same numbers (``bpbook.display.described``).

Gradient profiles are arrays of $\|\partial\mathcal{L}/\partial W_l\|$, one per layer, inputs first
(layer 1), the output layer last; they are drawn on a log scale against the layer number.
"""
import numpy as np
from matplotlib.figure import Figure

from bpbook.display import described, listing

GRAD_LABEL = r"$\|\partial\mathcal{L}/\partial W_l\|$"


def _figure(width=7, height=3.6, cols=1):
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, cols)
    return fig, axes


STYLES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1)), "v")]


def _profile(ax, norms, label, **style):
    """One curve; each curve of ``ax`` gets its own line style and marker (not colour alone)."""
    line, marker = STYLES[len(ax.lines) % len(STYLES)]
    ax.semilogy(np.arange(1, len(norms) + 1), norms, linestyle=line, marker=marker, label=label,
                **style)


def _ends(norms):
    """A profile in words: its first and last value."""
    return f"{norms[0]:.1e} at layer 1 to {norms[-1]:.1e} at layer {len(norms)}"


def profiles_alt(norms_by_label, title):
    """The words of :func:`profiles`: each curve's first and last gradient norm."""
    return (f"{title}, gradient norm per layer on a log scale, one line per network: "
            + "; ".join(f"{label}, from {_ends(n)}" for label, n in norms_by_label.items()) + ".")


def profiles(norms_by_label, title="gradient norm per layer, one backward pass"):
    """One curve per entry of ``{label: norms}``."""
    fig, ax = _figure()
    for label, norms in norms_by_label.items():
        _profile(ax, norms, label)
    depth = len(next(iter(norms_by_label.values()))) - 1
    ax.set(xlabel=f"layer l (1 = next to the inputs, {depth + 1} = output)", ylabel=GRAD_LABEL,
           title=title)
    ax.legend()
    return described(fig, profiles_alt(norms_by_label, title))


def panels(norms_by_panel):
    """``{panel title: {label: norms}}`` side by side, in at most two columns' width each."""
    fig, axes = _figure(10, 3.4, len(norms_by_panel))
    for ax, (title, curves) in zip(np.atleast_1d(axes), norms_by_panel.items()):
        for label, norms in curves.items():
            _profile(ax, norms, label, ms=3)
        ax.set(title=title, xlabel="layer l")
        ax.legend(fontsize=8)
    np.atleast_1d(axes)[0].set_ylabel(GRAD_LABEL)
    alt = (f"{len(norms_by_panel)} panels of gradient norm per layer, log scale, one per cure: "
           f"{listing(norms_by_panel)}.")
    details = " ".join(f"{title}: " + "; ".join(f"{label} from {_ends(n)}"
                                                for label, n in curves.items()) + "."
                       for title, curves in norms_by_panel.items())
    return described(fig, alt, details)


def scale(rms_by_label, norms_by_label):
    """Absolute sizes: the RMS of each hidden layer's output, and each layer's gradient norm."""
    fig, (ax1, ax2) = _figure(10, 3.4, 2)
    for label, rms in rms_by_label.items():
        _profile(ax1, rms, label)
    for label, norms in norms_by_label.items():
        _profile(ax2, norms, label)
    ax1.set(xlabel="hidden layer l", ylabel=r"RMS of $a_l$", title="signal going up (forward)")
    ax2.set(xlabel="layer l", ylabel=GRAD_LABEL, title="gradient per layer (backward)")
    ax1.legend(fontsize=8)
    alt = ("Two panels, log scale. Left, root-mean-square of each hidden layer's output: "
           + "; ".join(f"{label} from {_ends(r)}" for label, r in rms_by_label.items())
           + ". Right, gradient norm per layer: "
           + "; ".join(f"{label} from {_ends(n)}" for label, n in norms_by_label.items()) + ".")
    return described(fig, alt)


def loss_curves(curves, title, ylim=None):
    """``{label: (losses, error)}`` on a log scale; a run stopped by an error says when."""
    fig, ax = _figure()
    for i, (name, (losses, err)) in enumerate(curves.items()):
        ax.semilogy(losses, linestyle=STYLES[i % len(STYLES)][0],
                    label=name + (f" (NaN at epoch {len(losses)})" if err else ""))
    ax.set(xlabel="epoch", ylabel="loss", title=title)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.legend()
    runs = [f"{name}: from {losses[0]:.2e} " + (f"up to NaN at epoch {len(losses)}" if err else
                                                   f"to {losses[-1]:.2e} after {len(losses)} epochs")
            for name, (losses, err) in curves.items()]
    return described(fig, f"Loss against epoch on a log scale, {title}. " + "; ".join(runs) + ".")
