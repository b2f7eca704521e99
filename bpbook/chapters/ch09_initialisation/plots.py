"""The picture of chapter 9 with its text alternative (:func:`bpbook.display.described`),
written by :func:`describe_profiles` from the same data, for readers who cannot see it.

:func:`profiles_figure` takes ``{activation: [Probe, …]}`` (one :class:`.probe.Probe` per gain)
and draws, per activation, the measured Var(z_l) and Var(δ_l) against the layer l (log scale),
the theory's prediction beside each as a dotted line. Built without pyplot (no global state).
"""
import numpy as np
from matplotlib.figure import Figure

from bpbook.display import described

MARKERS = ("v", "o", "^", "s", "D")


def profiles_figure(runs):
    fig = Figure(figsize=(8.0, 3.2 * len(runs)), layout="constrained")
    axes = fig.subplots(len(runs), 2, squeeze=False)
    for row, (activation, probes) in zip(axes, runs.items()):
        for p, marker in zip(probes, MARKERS):
            layers = np.arange(1, p.depth + 1)
            for ax, measured, theory in ((row[0], p.q, p.theory_q), (row[1], p.v, p.theory_v)):
                line, = ax.semilogy(layers, measured, marker=marker, ms=4, lw=1,
                                    label=f"g = {p.gain:g}")
                ax.semilogy(layers, theory, ":", color=line.get_color(), lw=1.5)
        row[0].set(title=f"{activation}: forward", xlabel="layer l", ylabel="Var(z_l)")
        row[1].set(title=f"{activation}: backward", xlabel="layer l", ylabel="Var(δ_l)")
        row[0].legend(fontsize="small", title="markers: measured; dotted: theory",
                      title_fontsize="x-small")
    return described(fig, describe_alt(runs), describe_profiles(runs))


def _ends(p):
    return (f"g = {p.gain:g}: Var(z) {p.q[0]:.3g} at layer 1, {p.q[-1]:.3g} at layer {p.depth}; "
            f"Var(δ) {p.v[-1]:.3g} at layer {p.depth}, {p.v[0]:.3g} at layer 1")


def describe_alt(runs):
    parts = []
    for activation, probes in runs.items():
        for p in probes:
            if p.gain == 1.0:
                spread = max(p.q.max() / p.q.min(), p.v.max() / p.v.min())
                parts.append(f"{activation} at its derived scale varies by at most a factor "
                             f"{spread:.3g} over {p.depth} layers")
    return ("Log-scale charts of the variance of z (forward) and of δ (backward) at each layer, "
            "one line per weight scale g, with the theory dotted beside each: "
            + "; ".join(parts) + "; the other scales drift away layer after layer.")


def describe_profiles(runs):
    return " ".join(f"{activation}: " + "; ".join(_ends(p) for p in probes) + "."
                    for activation, probes in runs.items())
