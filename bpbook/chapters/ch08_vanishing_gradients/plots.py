r"""The pictures of ``chapters/08_vanishing_gradients.py``: each function takes numbers the
chapter computed and returns a matplotlib ``Figure`` (no pyplot, no global state).

Gradient profiles are arrays of $\|\partial L/\partial W_l\|$, one per layer, inputs first
(layer 1), the output layer last; they are drawn on a log scale against the layer number. Each
curve of a plot has its own line style and marker (not colour alone), and every figure its words
(``bpbook.display.described``), written from the same numbers.
"""
import numpy as np
from matplotlib.figure import Figure

from bpbook.display import curves_alt, described

GRAD_LABEL = r"$\|\partial L/\partial W_l\|$"
STYLES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1)), "v")]


def _figure(width=7, height=3.6, cols=1):
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, cols)
    return fig, axes


def _profile(ax, norms, label, **style):
    line, marker = STYLES[len(ax.lines) % len(STYLES)]
    ax.semilogy(np.arange(1, len(norms) + 1), norms, linestyle=line, marker=marker, label=label,
                **style)


def _profiles_alt(curves, what="gradient norm ‖∂L/∂W_l‖", x="layer"):
    """Curves of values per layer in words (layers counted from 1)."""
    n = max(len(v) for v in curves.values())
    return curves_alt(curves, x, what, xs=np.arange(1, n + 1), log=True)


def profiles(norms_by_label, title="gradient norm per layer, one backward pass"):
    """One curve per entry of ``{label: norms}``."""
    fig, ax = _figure()
    for label, norms in norms_by_label.items():
        _profile(ax, norms, label)
    depth = len(next(iter(norms_by_label.values()))) - 1
    ax.set(xlabel=f"layer l (1 = next to the inputs, {depth + 1} = output)", ylabel=GRAD_LABEL,
           title=title)
    ax.legend()
    return described(fig, f"{title[0].upper() + title[1:]}, layer 1 next to the inputs: "
                     + _profiles_alt(norms_by_label))


def panels(norms_by_panel):
    """``{panel title: {label: norms}}`` side by side, in at most two columns' width each."""
    fig, axes = _figure(10, 3.4, len(norms_by_panel))
    for ax, (title, curves) in zip(np.atleast_1d(axes), norms_by_panel.items()):
        for label, norms in curves.items():
            _profile(ax, norms, label, ms=3)
        ax.set(title=title, xlabel="layer l")
        ax.legend(fontsize=8)
    np.atleast_1d(axes)[0].set_ylabel(GRAD_LABEL)
    alt = (f"{len(norms_by_panel)} panels side by side, gradient norm per layer on a log scale: "
           + " ".join(f"Panel “{title}”: {_profiles_alt(curves)}"
                      for title, curves in norms_by_panel.items()))
    return described(fig, alt)


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
    return described(fig, "Left, the signal going up: "
                     + _profiles_alt(rms_by_label, "RMS of each hidden layer's output", "hidden layer")
                     + " Right, the gradient per layer: " + _profiles_alt(norms_by_label))


def loss_curves(curves, title, ylim=None):
    """``{label: (losses, error)}`` on a log scale; a run stopped by an error says when."""
    fig, ax = _figure()
    named = {}
    for i, (name, (losses, err)) in enumerate(curves.items()):
        label = name + (f" (NaN at epoch {len(losses)})" if err else "")
        ax.semilogy(losses, linestyle=STYLES[i % len(STYLES)][0], label=label)
        named[label] = losses
    ax.set(xlabel="epoch", ylabel="loss", title=title)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.legend()
    return described(fig, f"{title}: " + curves_alt(named, "epoch", "loss", log=True))
