r"""The explorer of chapter 16: the spectral radius $\rho$ of $W_{hh}$, the sequence length T and
the size of the inputs → how much of the gradient on the last state reaches each earlier step.

:func:`update` is the update function, a plain function that tests call directly: it runs
:func:`bpbook.chapters.ch16_backprop_through_time.flow.probe` and returns a :class:`FlowView`
with the numbers (a ``<table class="bp-explorer">``, so a browser test can read them), the
figure (``‖∂ℒ/∂h_t‖ / ‖∂ℒ/∂h_T‖`` against t, log scale, beside the bound $\rho^{T-t}$),
described by its text alternative (:func:`describe`, from the same numbers, new on every move). :func:`explorer` only wires the controls to it, with one kept
:class:`FlowPlot` whose lines move.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from bpbook.chapters.ch16_backprop_through_time.flow import Probe, probe
from bpbook.display import described
from bpbook.errors import count, real_number
from bpbook.tables import Table

RHO_RANGE, T_RANGE = (0.5, 2.0), (2, 60)
INPUT_SCALES = (1.0, 0.1, 0.01)
RHO, T, INPUT_SCALE = 1.0, 20, 1.0  # where the explorer starts
Y_RANGE = (1e-22, 1e20)  # holds ρ^(T−1) and every measured ratio over the explorer's ranges


@dataclass
class FlowView:
    probe: Probe
    table: Table
    figure: Figure
    description: str


def update(rho=RHO, T=T, input_scale=INPUT_SCALE, plot=None):
    """The explorer's state for these settings; ``plot`` is the kept :class:`FlowPlot` to move
    (a new one if None)."""
    rho = real_number(rho, "explorer: rho", low=RHO_RANGE[0], high=RHO_RANGE[1])
    T = count(T, "explorer: T", low=T_RANGE[0], high=T_RANGE[1])
    input_scale = real_number(input_scale, "explorer: input_scale", low=0.0, low_open=True,
                              high=1.0)
    p = probe(rho, T, input_scale)
    words = describe(p)
    fig = described((plot or FlowPlot()).update(p), words)
    return FlowView(p, table(p), fig, words)


def table(p):
    rows = [["ratio first / last", p.ratio], ["bound ρ^(T−1)", p.bound],
            ["mean tanh′", p.slope]]
    return Table(["quantity", "value"], rows, [None, "{:.3e}"], css_class="bp-explorer")


def describe(p):
    """The figure's text alternative, from the probe's numbers."""
    trend = "shrinks" if p.ratio < 1 else "grows"
    return (f"Log-scale chart of the gradient's size at each of {p.T} steps, relative to the "
            f"last step, against the number of steps back, for spectral radius {p.rho:g} and inputs scaled by {p.input_scale:g}. "
            f"Going back in time the gradient {trend}: at step 1 it is {p.ratio:.3g} times its "
            f"size at step {p.T}; the bound {p.rho:g}^{p.T - 1} is {p.bound:.3g}. The mean tanh "
            f"slope over the states is {p.slope:.3f}.")


class FlowPlot:
    """The explorer's figure: the measured ratios and the bound against the number of steps
    back from the last, on axes fixed for every setting of the explorer (``Y_RANGE`` holds the
    extremes of its ranges), so that :meth:`update` only moves the two lines and a
    :class:`bpbook.widgets.KeptFigure` redraws only them."""

    def __init__(self):
        self.figure = Figure(figsize=(5.5, 3.4), dpi=90)
        self.figure.subplots_adjust(left=0.14, right=0.97, bottom=0.15, top=0.95)
        self.ax = ax = self.figure.add_subplot()
        self.measured, = ax.semilogy([0], [1], "o-", ms=3,
                                     label="measured ‖∂ℒ/∂h_t‖ / ‖∂ℒ/∂h_T‖")
        self.bound, = ax.semilogy([0], [1], "--", color="0.4", label="bound ρ^(T−t)")
        ax.axhline(1.0, color="0.8", lw=0.8)
        ax.set(xlim=(-1, T_RANGE[1]), ylim=Y_RANGE, xlabel="steps back from the last, T − t",
               ylabel="relative gradient size")
        ax.set_yticks([10.0 ** e for e in range(-20, 21, 5)])
        ax.legend(fontsize="small", loc="upper left")
        self.moving = [self.measured, self.bound]

    def update(self, p):
        back = p.T - np.arange(1, p.T + 1)
        self.measured.set_data(back, p.norms / p.norms[-1])
        self.bound.set_data(back, p.rho ** back)
        return self.figure


def explorer():
    """Sliders for ρ and T and a choice of input size, wired to :func:`update` with a kept
    :class:`FlowPlot`; the table and the picture (its lines redrawn over the kept axes, with
    this move's text alternative) are updated in place."""
    import ipywidgets as w

    from bpbook.widgets import wire_kept

    controls = [
        w.FloatSlider(RHO, min=RHO_RANGE[0], max=RHO_RANGE[1], step=0.05, description="ρ",
                      continuous_update=False),
        w.IntSlider(T, min=T_RANGE[0], max=T_RANGE[1], description="T",
                    continuous_update=False),
        w.Dropdown(options=[(f"{s:g}", s) for s in INPUT_SCALES], value=INPUT_SCALE,
                   description="input scale")]
    return wire_kept(controls, FlowPlot(), update)

