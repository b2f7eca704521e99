"""The ε explorer of chapter 11: pick a step ε (as log₁₀ ε) and see the central difference of
softplus at w = 1 with that step: its measured error and the predicted truncation and rounding,
with the point on the error curve.

:func:`explore` is the update function, a plain function that tests call directly; it returns an
:class:`EpsView` (numbers, a table, the figure and its text alternative). :func:`explorer` wires
a slider to it and keeps one :class:`EpsPlot`, whose marker it moves: a
:class:`bpbook.widgets.KeptFigure` redraws only the marker over the saved curves.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from bpbook.display import described
from bpbook.errors import real_number
from bpbook.tables import Table

from bpbook.chapters.ch11_gradient_checking.curve import (W0, central, function_curve,
                                                          sigmoid, softplus, third_derivative)

LOG_EPS_RANGE = (-12.0, 0.0)
U64 = float(np.finfo(np.float64).eps)


@dataclass
class EpsView:
    eps: float
    estimate: float  # ĝ(ε)
    error: float  # |ĝ − f′(w)|
    truncation: float  # ε²|f‴|/6
    rounding: float  # u|f|/ε
    table: Table
    figure: Figure
    description: str  # the figure's text alternative


def explore(log_eps=-5.0, plot=None):
    """The central difference of softplus at ``W0`` with step ε = 10^``log_eps``."""
    log_eps = real_number(log_eps, "explore: log_eps", low=LOG_EPS_RANGE[0],
                          high=LOG_EPS_RANGE[1])
    eps = 10.0 ** log_eps
    estimate = central(W0, eps)
    error = abs(estimate - sigmoid(W0))
    truncation = eps ** 2 * abs(third_derivative(W0)) / 6
    rounding = U64 * softplus(W0) / eps
    table = Table(["quantity", "value"],
                  [["ε", eps], ["central difference ĝ", estimate], ["exact f′(1) = σ(1)",
                                                                     sigmoid(W0)],
                   ["measured error", error], ["truncation ε²|f‴|/6", truncation],
                   ["rounding u|f|/ε", rounding]],
                  [None, "{:.3e}"], css_class="bp-explorer")
    fig = (plot or EpsPlot()).update(eps, error)
    alt = eps_alt(eps, error, truncation, rounding)
    return EpsView(eps, estimate, error, truncation, rounding, table, described(fig, alt), alt)


def eps_alt(eps, error, truncation, rounding):
    """The text alternative of the explorer's picture, from the numbers it marks."""
    side = "rounding" if rounding > truncation else "truncation"
    return (f"Log-log plot of the error of softplus's central difference at w = 1 against the "
            f"step ε, measured points beside the predicted truncation and rounding lines. The "
            f"marked step ε = {eps:.1e} gives an error of {error:.1e}, on the {side} side of the "
            f"V (predicted rounding {rounding:.1e}, truncation {truncation:.1e}).")


class EpsPlot:
    """The explorer's figure: softplus's measured error curve, the two predicted parts, and a
    marker at the chosen ε (:meth:`update` moves only the marker)."""

    def __init__(self):
        curve = function_curve()
        self.figure = Figure(figsize=(5.5, 3.6), dpi=90)
        self.figure.subplots_adjust(left=0.15, right=0.97, bottom=0.14, top=0.97)
        ax = self.figure.add_subplot()
        ax.plot(curve.eps, curve.error, "o", ms=3, color="tab:blue", label="measured")
        ax.plot(curve.eps, curve.truncation, "--", color="tab:red", label="truncation")
        ax.plot(curve.eps, curve.rounding, ":", color="tab:green", label="rounding")
        self.marker, = ax.plot([], [], "o", ms=10, mfc="none", mec="black", mew=2,
                               label="your ε")
        ax.set(xscale="log", yscale="log", xlabel="step ε", ylabel="|ĝ − f′(1)|",
               ylim=(1e-14, 1e1))
        ax.legend(fontsize="small", loc="upper center")

    def update(self, eps, error):
        # a measured error of exactly 0 (rounding's luck) is drawn at the axis' bottom
        self.marker.set_data([eps], [max(error, 1e-14)])
        return self.figure


def explorer():
    """A log₁₀ ε slider wired to :func:`explore`; the table and the picture (the marker redrawn
    over the kept curves, with this move's text alternative) update in place."""
    import ipywidgets as w

    from bpbook.widgets import KeptFigure, wire_in_place

    slider = w.FloatSlider(value=-5.0, min=LOG_EPS_RANGE[0], max=LOG_EPS_RANGE[1], step=0.25,
                           description="log₁₀ ε", continuous_update=False)
    plot = EpsPlot()
    kept = KeptFigure(plot.figure, [plot.marker])

    def show(log_eps):
        view = explore(log_eps, plot=plot)
        return [view.table, kept.picture(view.description)]
    return wire_in_place(slider, show)
