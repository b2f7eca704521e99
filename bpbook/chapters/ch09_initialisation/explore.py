r"""The explorer of chapter 9: the weight scale (a gain ``g`` times the derived standard deviation),
the depth and the activation → the variance of $z_l$ and of $\delta_l$ at every layer, measured
in a network of :data:`WIDTH` units and predicted by the theory.

:func:`update` is the update function, a plain function that tests call directly: it runs
:func:`bpbook.chapters.ch09_initialisation.probe.probe` and returns an :class:`InitView` with the
numbers (a ``<table class="bp-explorer">``, so a browser test can read them) and the figure,
described by its text alternative (:func:`describe`, from the same numbers, new on every move).
:func:`explorer` only wires the controls to it, with one kept :class:`VariancePlot` whose lines
move.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from bpbook.chapters.ch09_initialisation.probe import Probe, probe
from bpbook.display import described
from bpbook.errors import check_name, count, real_number
from bpbook.tables import Table

GAIN_RANGE, DEPTH_RANGE = (0.5, 2.0), (2, 30)
ACTIVATIONS = ("tanh", "relu")
GAIN, DEPTH, ACTIVATION = 1.0, 20, "tanh"  # where the explorer starts
WIDTH, M = 128, 64  # smaller than the chapter's networks: a move must take well under 0.1 s
Y_RANGE = (1e-20, 1e20)  # holds every variance, measured or predicted, over the explorer's ranges


@dataclass
class InitView:
    probe: Probe
    table: Table
    figure: Figure
    description: str


def update(gain=GAIN, depth=DEPTH, activation=ACTIVATION, plot=None):
    """The explorer's state for these settings; ``plot`` is the kept :class:`VariancePlot` to
    move (a new one if None)."""
    gain = real_number(gain, "explorer: gain", low=GAIN_RANGE[0], high=GAIN_RANGE[1])
    depth = count(depth, "explorer: depth", low=DEPTH_RANGE[0], high=DEPTH_RANGE[1])
    check_name(activation, "explorer: activation", ACTIVATIONS)
    p = probe(activation, gain, depth, WIDTH, M)
    words = describe(p)
    fig = described((plot or VariancePlot()).update(p), words)
    return InitView(p, table(p), fig, words)


def table(p):
    rows = [["Var(z_L) / Var(z₁)", p.q[-1] / p.q[0]],
            ["Var(δ₁) / Var(δ_L)", p.v[0] / p.v[-1]],
            ["forward × per layer, measured", Probe.per_layer(p.forward)],
            ["forward × per layer, predicted", Probe.per_layer(p.forward_predicted)],
            ["backward × per layer, measured", Probe.per_layer(p.backward)],
            ["backward × per layer, predicted", Probe.per_layer(p.backward_predicted)]]
    return Table(["quantity", "value"], rows, [None, "{:.4g}"], css_class="bp-explorer")


def _trend(ratio):
    return "stays within 10%" if abs(np.log(ratio)) < np.log(1.1) else (
        "shrinks" if ratio < 1 else "grows")


def describe(p):
    """The figure's text alternative, from the probe's numbers."""
    fwd, bwd = p.q[-1] / p.q[0], p.v[0] / p.v[-1]
    return (f"Two log-scale charts for a {p.depth}-layer {p.activation} network of {p.width} "
            f"units with weights {p.gain:g} times the derived scale (ns² = {p.n_sigma2:.3g}). "
            f"Forward, Var(z) {_trend(fwd)}: from {p.q[0]:.3g} at layer 1 to {p.q[-1]:.3g} at "
            f"layer {p.depth}, {fwd:.3g} times. Backward, Var(δ) {_trend(bwd)}: from "
            f"{p.v[-1]:.3g} at layer {p.depth} to {p.v[0]:.3g} at layer 1, {bwd:.3g} times. "
            f"The theory predicts {p.theory_q[-1] / p.theory_q[0]:.3g} times forward and "
            f"{p.theory_v[0] / p.theory_v[-1]:.3g} times backward.")


class VariancePlot:
    """The explorer's figure: measured (markers) and predicted (dotted) Var(z_l) and Var(δ_l)
    against the layer, on axes fixed for every setting of the explorer (``Y_RANGE``), so that
    :meth:`update` only moves the four lines and a :class:`bpbook.widgets.KeptFigure` redraws
    only them."""

    def __init__(self):
        self.figure = Figure(figsize=(7.5, 3.2), dpi=90)
        self.figure.subplots_adjust(left=0.1, right=0.98, bottom=0.15, top=0.9, wspace=0.3)
        self.lines = []
        for ax, what in zip(self.figure.subplots(1, 2), ("Var(z_l), forward",
                                                         "Var(δ_l), backward")):
            measured, = ax.semilogy([1], [1], "o-", ms=3, label="measured")
            theory, = ax.semilogy([1], [1], ":", color="0.2", lw=1.5, label="theory")
            ax.axhline(1.0, color="0.85", lw=0.8)
            ax.set(xlim=(0, DEPTH_RANGE[1] + 1), ylim=Y_RANGE, xlabel="layer l", title=what)
            ax.set_yticks([10.0 ** e for e in range(-20, 21, 5)])
            ax.legend(fontsize="small", loc="upper left")
            self.lines += [measured, theory]
        self.moving = list(self.lines)

    def update(self, p):
        layers = np.arange(1, p.depth + 1)
        for line, values in zip(self.lines, (p.q, p.theory_q, p.v, p.theory_v)):
            line.set_data(layers, values)
        return self.figure


def explorer():
    """A slider for the gain and one for the depth, a choice of activation, wired to
    :func:`update` with a kept :class:`VariancePlot`; the table and the picture (its lines redrawn
    over the kept axes, with this move's text alternative) are updated in place."""
    import ipywidgets as w

    from bpbook.widgets import wire_kept

    controls = [
        w.FloatSlider(GAIN, min=GAIN_RANGE[0], max=GAIN_RANGE[1], step=0.05,
                      description="gain g", continuous_update=False),
        w.IntSlider(DEPTH, min=DEPTH_RANGE[0], max=DEPTH_RANGE[1], description="depth",
                    continuous_update=False),
        w.Dropdown(options=ACTIVATIONS, value=ACTIVATION, description="activation")]
    return wire_kept(controls, VariancePlot(), update)
