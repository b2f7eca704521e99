r"""The activation explorer of chapter 06: pick an activation and a point $z_0$; see $f(z_0)$, the
slope $f'(z_0)$ and the tangent line $t(z) = f(z_0) + f'(z_0)(z - z_0)$.

:func:`explore` is the update function, a plain function that tests call directly: it returns an
:class:`ActivationView` with the numbers and a figure (the explorer passes its kept
:class:`TangentPlot`, whose artists it moves). :func:`explorer` only wires a dropdown and a
slider to it. Values and slopes come from :mod:`bpbook.activations` (``f`` and ``df``), whose
derivatives the chapter checks against SymPy. :func:`curves_figure` draws every activation above
its derivative as small multiples. Arrays are 1-D grids of ``z``, float64. Both figures carry
their words (:func:`tangent_alt`, :func:`curve_words`), written from the same numbers.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bpbook.activations import get_activation
from bpbook.display import described, listing, number
from bpbook.errors import InputError, short_repr
from bpbook.tables import Table

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu")  # elementwise ones
Z_RANGE = (-5.0, 5.0)
HALF_WIDTH = 1.5  # the tangent is drawn over z0 ± HALF_WIDTH


@dataclass
class ActivationView:
    name: str
    z0: float
    value: float
    slope: float
    tangent_z: np.ndarray  # (k,) points where the tangent is drawn
    tangent: np.ndarray  # (k,) its values
    table: Table
    figure: Figure


def _check(name, z0, points):
    _check_names([name], "explorer")
    try:
        finite = np.isfinite(float(z0))
    except (TypeError, ValueError, OverflowError):  # a string, None, an int beyond floats
        finite = False
    if isinstance(z0, (bool, np.bool_, str)) or not finite:
        raise InputError(f"explorer: z0 must be a finite number, got {short_repr(z0)}")
    _check_points(points, "explorer")
    return float(z0)


def _check_names(names, where):
    for name in names:
        if not isinstance(name, str) or name not in NAMES:
            raise InputError(f"{where}: unknown activation {name!r}; expected one of: "
                             f"{', '.join(NAMES)} (softmax's derivative is a Jacobian, not a "
                             "curve)")


def _check_points(points, where):
    if isinstance(points, (bool, np.bool_)) or not isinstance(points, (int, np.integer)) \
            or not 2 <= points <= 100_000:
        raise InputError(f"{where}: points must be an integer from 2 to 100000, got "
                         f"{short_repr(points)}")


def explore(name="sigmoid", z0=0.0, points=201, plot=None):
    """Value, slope and tangent line of activation ``name`` at ``z0``, with a figure: a new one,
    or ``plot`` (a :class:`TangentPlot`, the explorer's kept figure) moved to this state."""
    z0 = _check(name, z0, points)
    act = get_activation(name)
    value, slope = float(act.f(z0)), float(act.df(z0))
    tz = np.linspace(z0 - HALF_WIDTH, z0 + HALF_WIDTH, 21)
    tangent = value + slope * (tz - z0)
    table = Table(["quantity", "value"],
                  [["z₀", z0], [f"{name}(z₀)", value], [f"{name}'(z₀)", slope]],
                  [None, "{:+.6f}"], css_class="bp-explorer")
    fig = (plot or TangentPlot(points)).update(act, z0, value, tz, tangent)
    described(fig, tangent_alt(name, z0, value, slope))
    return ActivationView(name, float(z0), value, slope, tz, tangent, table, fig)


def tangent_alt(name, z0, value, slope):
    """The explorer's picture in words: the curve, the point and its tangent's slope."""
    act = get_activation(name)
    lo, hi = (float(act.f(z)) for z in Z_RANGE)
    steep = ("flat: the gradient through this unit almost vanishes" if abs(slope) < 0.01
             else "steep" if abs(slope) >= 0.9 else "moderate")
    return (f"The curve {name}(z) for z from {Z_RANGE[0]:g} to {Z_RANGE[1]:g} (from "
            f"{number(lo)} to {number(hi)}), with the point z₀ = {z0:.2f}, {name}(z₀) = "
            f"{value:.3f} marked and its dashed tangent of slope {slope:.3f} ({steep}).")


def curve_words(name, points=401):
    """One activation of :func:`curves_figure` in words: its range on ``Z_RANGE``, its largest
    slope and where the slope is below 0.01 (where it saturates)."""
    z = np.linspace(*Z_RANGE, points)
    act = get_activation(name)
    f, df = act.f(z), act.df(z)
    flat = np.abs(df) < 0.01
    edges = np.flatnonzero(np.diff(np.r_[0, flat.astype(int), 0]))  # starts and ends of runs
    runs = [(z[a], z[b - 1]) for a, b in zip(edges[::2], edges[1::2])]
    where = "nowhere" if not runs else listing(
        f"for z ≤ {number(b, 2)}" if a == z[0] and b < z[-1] else
        f"for z ≥ {number(a, 2)}" if b == z[-1] and a > z[0] else
        f"from z = {number(a, 2)} to {number(b, 2)}" for a, b in runs)
    top = np.flatnonzero(df == df.max())
    at = (f"for every z ≥ {number(z[top[0]], 2)}" if len(top) > 1 and top[-1] == len(z) - 1
          else f"at z = {number(z[top[0]], 2)}")
    return (f"{name} goes from {number(f[0])} to {number(f[-1])}; its derivative peaks at "
            f"{number(df.max())} ({at}) and its size |f′| is below 0.01 {where}")


class TangentPlot:
    """The explorer's figure: an activation on ``Z_RANGE``, its tangent at z₀ and the point.
    :meth:`update` moves the tangent and the point (and swaps the curve when the activation
    changes) without building the figure again. Fixed margins: redrawn on every slider move."""

    def __init__(self, points=201):
        self.z = np.linspace(*Z_RANGE, points)
        self.figure = Figure(figsize=(5.5, 3.6), dpi=90)
        self.figure.subplots_adjust(left=0.1, right=0.97, bottom=0.13, top=0.97)
        self.ax = ax = self.figure.add_subplot()
        self.curve, = ax.plot(self.z, np.zeros_like(self.z))
        self.tangent, = ax.plot([], [], "--", color="tab:red", label="tangent at z₀")
        self.point, = ax.plot([], [], "o", color="tab:red")
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.set(xlim=Z_RANGE, xticks=np.arange(Z_RANGE[0], Z_RANGE[1] + 1, 2.5), xlabel="z")
        ax.yaxis.set_major_locator(MaxNLocator(5))
        self.name = None

    def update(self, act, z0, value, tz, tangent):
        """Show activation ``act`` with its tangent ``(tz, tangent)`` at ``(z0, value)``; return
        the figure."""
        if act.name != self.name:
            self.curve.set_ydata(act.f(self.z))
            self.curve.set_label(f"{act.name}(z)")
            self.ax.legend(handles=[self.curve, self.tangent], loc="upper left",
                           fontsize="small")
            self.name = act.name
        self.tangent.set_data(tz, tangent)
        self.point.set_data([z0], [value])
        self.ax.relim()
        self.ax.autoscale_view(scalex=False)
        return self.figure


def curves_figure(names=NAMES, points=401, per_row=3):
    """Each activation above its derivative, ``per_row`` activations to a pair of rows, on
    ``Z_RANGE``; three to a row keeps the figure readable in a narrow notebook."""
    if isinstance(names, str) or not isinstance(names, (list, tuple)) or not names:
        raise InputError(f"curves_figure: names must be a non-empty list of activation names, "
                         f"got {short_repr(names)}")
    _check_names(names, "curves_figure")
    _check_points(points, "curves_figure")
    z = np.linspace(*Z_RANGE, points)
    pairs = -(-len(names) // per_row)
    fig = Figure(figsize=(2.4 * per_row, 2.3 * 2 * pairs), layout="constrained")
    axes = fig.subplots(2 * pairs, per_row, sharex=True, squeeze=False)
    for k in range(pairs * per_row):
        row, col = 2 * (k // per_row), k % per_row
        top, bottom = axes[row, col], axes[row + 1, col]
        if k >= len(names):
            top.remove()
            bottom.remove()
            continue
        act = get_activation(names[k])
        top.plot(z, act.f(z))
        bottom.plot(z, act.df(z), color="tab:orange")
        top.set_title(names[k])
        bottom.set_xlabel("z")
        for ax in (top, bottom):
            ax.axhline(0, color="0.8", lw=0.8)
            ax.tick_params(labelbottom=True)  # sharex would hide them above the last row
        if k % per_row == 0:
            top.set_ylabel("f(z)")
            bottom.set_ylabel("f′(z)")
    alt = (f"{len(names)} activations on z from {Z_RANGE[0]:g} to {Z_RANGE[1]:g}, each drawn "
           f"above its derivative: " + "; ".join(curve_words(n, points) for n in names) + ".")
    return described(fig, alt)


def explorer():
    """A dropdown for the activation and a slider for z₀, wired to :func:`explore` with a kept
    :class:`TangentPlot`; the table and the figure are updated in place."""
    import ipywidgets as w

    from bpbook.widgets import wire_in_place

    pick = w.Dropdown(options=list(NAMES), value="sigmoid", description="activation")
    z0 = w.FloatSlider(value=0.0, min=Z_RANGE[0], max=Z_RANGE[1], step=0.1, description="z₀",
                       continuous_update=False)
    plot = TangentPlot()

    def show(name, z):
        view = explore(name, z, plot=plot)
        return [view.table, view.figure]
    return wire_in_place([pick, z0], show,
                         panel=w.HBox([pick, z0], layout=w.Layout(flex_flow="row wrap")))
