r"""The explorer of chapter 16: the spectral radius $\rho$ of $W_{hh}$, the sequence length T and
the size of the inputs → how much of the gradient on the last state reaches each earlier step.

:func:`update` is the update function, a plain function that tests call directly: it runs
:func:`bpbook.chapters.ch16_backprop_through_time.flow.probe` and returns a :class:`FlowView`
with the numbers (a ``<table class="bp-explorer">``, so a browser test can read them), the
figure (``‖∂L/∂h_t‖ / ‖∂L/∂h_T‖`` against t, log scale, beside the bound $\rho^{T-t}$) and the
figure's text description. :func:`explorer` only wires the controls to it, with one kept
:class:`FlowPlot` whose lines move.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from bpbook.chapters.ch16_backprop_through_time.flow import Probe, probe
from bpbook.errors import count, real_number
from bpbook.tables import Table

RHO_RANGE, T_RANGE = (0.5, 2.0), (2, 60)
INPUT_SCALES = (1.0, 0.1, 0.01)
RHO, T, INPUT_SCALE = 1.0, 20, 1.0  # where the explorer starts


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
    fig = (plot or FlowPlot()).update(p)
    return FlowView(p, table(p), fig, describe(p))


def table(p):
    rows = [["ratio first / last", p.ratio], ["bound ρ^(T−1)", p.bound],
            ["mean tanh′", p.slope]]
    return Table(["quantity", "value"], rows, [None, "{:.3e}"], css_class="bp-explorer")


def describe(p):
    """The figure's text alternative, from the probe's numbers."""
    trend = "shrinks" if p.ratio < 1 else "grows"
    return (f"Log-scale chart of the gradient's size at each of {p.T} steps, relative to the "
            f"last step, for spectral radius {p.rho:g} and inputs scaled by {p.input_scale:g}. "
            f"Going back in time the gradient {trend}: at step 1 it is {p.ratio:.3g} times its "
            f"size at step {p.T}; the bound {p.rho:g}^{p.T - 1} is {p.bound:.3g}. The mean tanh "
            f"slope over the states is {p.slope:.3f}.")


class FlowPlot:
    """The explorer's figure: the measured ratios and the bound, log scale; :meth:`update`
    moves the two lines and rescales the axes (fixed margins, so one draw per move)."""

    def __init__(self):
        self.figure = Figure(figsize=(5.5, 3.4), dpi=90)
        self.figure.subplots_adjust(left=0.14, right=0.97, bottom=0.15, top=0.95)
        self.ax = ax = self.figure.add_subplot()
        self.measured, = ax.semilogy([1], [1], "o-", ms=3, label="measured ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖")
        self.bound, = ax.semilogy([1], [1], "--", color="0.4", label="bound ρ^(T−t)")
        ax.set(xlabel="step t", ylabel="relative gradient size")
        ax.legend(fontsize="small", loc="upper center")

    def update(self, p):
        t = np.arange(1, p.T + 1)
        relative = p.norms / p.norms[-1]
        bound = p.rho ** (p.T - t)
        self.measured.set_data(t, relative)
        self.bound.set_data(t, bound)
        both = np.concatenate([relative, bound])
        self.ax.set_xlim(0.5, p.T + 0.5)
        self.ax.set_ylim(both.min() / 3, both.max() * 3)
        return self.figure


def explorer():
    """Sliders for ρ and T and a choice of input size, wired to :func:`update` with a kept
    :class:`FlowPlot`; the table, the figure and its description are updated in place."""
    import ipywidgets as w

    from bpbook.widgets import math_html, wire_in_place

    controls = [
        w.FloatSlider(RHO, min=RHO_RANGE[0], max=RHO_RANGE[1], step=0.05, description="ρ",
                      continuous_update=False),
        w.IntSlider(T, min=T_RANGE[0], max=T_RANGE[1], description="T",
                    continuous_update=False),
        w.Dropdown(options=[(f"{s:g}", s) for s in INPUT_SCALES], value=INPUT_SCALE,
                   description="input scale")]
    plot = FlowPlot()

    def show(rho, steps, scale):
        view = update(rho, steps, scale, plot=plot)
        return [view.table, view.figure, math_html(view.description)]
    return wire_in_place(controls, show, panel=w.HBox(controls,
                                                      layout=w.Layout(flex_flow="row wrap")))

