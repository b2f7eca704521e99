r"""Chapter 01's own code: the chain of three gears, its explorer and the exercise checks.

The chain: $u = 2x + 1$, $v = u^2$ and the hand $h = \tanh v$ (not $y$: that is a target), so
$\dfrac{dh}{dx} = \dfrac{dh}{dv}\,\dfrac{dv}{du}\,\dfrac{du}{dx} = (1 - \tanh^2 v)\cdot 2u\cdot 2$.

The explorer is an *update function* (``chain_state``: x in, every value and slope out) with
``chain_text``, ``chain_table`` and ``chain_figure`` to show it; ``chain_explorer`` only wires a
slider to them. The table renders as ``<table class="bp-explorer">`` with the row's name in the
first cell, so a browser test can read the numbers the explorer shows. The checks recognise the
usual wrong answers (a sum instead of a product, one path of two) through
:func:`bpbook.feedback.check`.
"""
import functools
import math

import numpy as np
import sympy as sp
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bpbook.engine import Value
from bpbook.feedback import check
from bpbook.tables import Table
from bpbook.display import described, listing
from bpbook.variants import number
from bpbook.widgets import KeptFigure, math_html, wire_in_place

X0 = -0.3  # where the chapter evaluates the chain before you move the slider
X_RANGE = (-2.0, 1.0)


def chain_sympy():
    """The chain as SymPy expressions: symbols ``x, u, v`` and the stages ``u(x), v(u), h(v)``."""
    x, u, v = sp.symbols("x u v", real=True)
    return {"x": x, "u": u, "v": v, "u(x)": 2 * x + 1, "v(u)": u**2, "h(v)": sp.tanh(v)}


def chain_values(x):
    """The chain built from Values at ``x``: ``{"x": .., "u": .., "v": .., "h": ..}``."""
    xv = Value(x, label="x")
    u = xv * 2 + 1
    u.label = "u"
    v = u**2
    v.label = "v"
    h = v.tanh()
    h.label = "h"
    return {"x": xv, "u": u, "v": v, "h": h}


def chain_state(x, eps=1e-6):
    """Everything the chain explorer shows at ``x``.

    Keys: the stage values ``u, v, h``; the local derivatives ``du/dx, dv/du, dh/dv`` (read from
    the Values' local gradients); ``product``; ``backprop`` (x.grad after ``h.backward()``);
    ``central`` (a central difference of h with step ``eps``).
    """
    nodes = chain_values(x)
    nodes["h"].backward()
    locals_ = {"du/dx": nodes["u"].inputs[0].local_grads[0] * nodes["u"].local_grads[0],
               "dv/du": nodes["v"].local_grads[0], "dh/dv": nodes["h"].local_grads[0]}
    h = lambda t: chain_values(t)["h"].data  # noqa: E731 (a one-line function of t)
    return {"x": x, **{k: nodes[k].data for k in "uvh"}, **locals_,
            "product": math.prod(locals_.values()), "backprop": nodes["x"].grad,
            "central": (h(x + eps) - h(x - eps)) / (2 * eps)}


def ratio(value):
    """A gear ratio or a slope for words: three significant digits, so the product of the
    printed ratios is the printed product (2 × 4.4 × 0.000254 is 0.00224, not "0.000"), and
    never a signed zero."""
    return "0" if value == 0 else f"{value:.3g}"


def chain_text(state):
    """The explorer's caption: each local derivative and their product, in Markdown/LaTeX."""
    s = state
    return (f"At $x = {s['x']:.3f}$: $u = {s['u']:.4f}$, $v = {s['v']:.4f}$, "
            f"$h = {s['h']:.4f}$.\n\n"
            f"$\\dfrac{{du}}{{dx}} = 2$, $\\dfrac{{dv}}{{du}} = 2u = {s['dv/du']:.4f}$, "
            f"$\\dfrac{{dh}}{{dv}} = 1 - \\tanh^2 v = {s['dh/dv']:.4f}$\n\n"
            f"product $= {s['du/dx']:.4f} \\times {s['dv/du']:.4f} \\times {s['dh/dv']:.4f}"
            f" = {s['product']:.6f}$; backprop gives ${s['backprop']:.6f}$, "
            f"a central difference ${s['central']:.6f}$.")


def chain_table(state):
    """The chain's output and its slope three ways: the product of the gear ratios, backprop's
    ``x.grad`` and a central difference."""
    rows = [["h", state["h"]], ["dh/dx: product of the ratios", state["product"]],
            ["dh/dx: backprop", state["backprop"]], ["dh/dx: central difference", state["central"]]]
    return Table(["quantity", "value"], rows, [None, "{:+.6f}"], css_class="bp-explorer")


def chain_figure(state):
    """Left: h(x) with its tangent at x (slope = the product). Right: the gear ratios as bars."""
    return described(ChainPlot(state).figure, chain_alt(state))


def flatness(state, small=0.01):
    """Why the tangent at ``state`` is flat (|slope| < ``small``), from the ratios themselves; or
    whether it rises or falls."""
    s = state
    if abs(s["product"]) >= small:
        return "rising" if s["product"] > 0 else "falling"
    why = [w for w, flat in (("tanh is saturated", s["dh/dv"] < small),
                             ("the middle ratio 2u is zero", abs(s["dv/du"]) < small)) if flat]
    return "flat: " + (" and ".join(why) or "the ratios' product is small")


def chain_alt(state):
    """The text alternative of the explorer's picture at ``state``, from its numbers."""
    s = state
    return (f"Left: the curve h = tanh((2x + 1)²) for x from {X_RANGE[0]:g} to {X_RANGE[1]:g}, "
            f"with the point x = {s['x']:.2f}, h = {s['h']:.3f} marked and its dashed tangent of "
            f"slope {ratio(s['product'])} ({flatness(s)}). Right: bars of the three gear ratios "
            f"du/dx = {ratio(s['du/dx'])}, dv/du = {ratio(s['dv/du'])}, "
            f"dh/dv = {ratio(s['dh/dv'])} and their product {ratio(s['product'])}, which is the "
            "tangent's slope.")


class ChainPlot:
    """:func:`chain_figure`'s picture, kept: :meth:`update` moves the tangent, the point and the
    bars to a new state without drawing the rest again (the explorer's figure).

    The bars' axis has one fixed range, wide enough for every x of the slider: nothing but the
    tangent, the point and the bars moves, so the explorer redraws only those
    (:class:`bpbook.widgets.KeptFigure`; ``make bench``, widget_update and live_feel)."""

    NAMES = ("du/dx", "dv/du", "dh/dv", "product")

    def __init__(self, state):
        self.figure = fig = Figure(figsize=(9, 3.2), dpi=90)
        fig.subplots_adjust(left=0.07, right=0.985, bottom=0.15, top=0.9, wspace=0.22)
        left, self.right = fig.subplots(1, 2, width_ratios=(1.4, 1))
        xs = np.linspace(*X_RANGE, 300)
        left.plot(xs, np.tanh((2 * xs + 1) ** 2), color="#1c7ed6", label="h(x)")
        self.tangent, = left.plot(X_RANGE, [0, 0], "--", color="#d9480f",
                                  label="tangent, slope dh/dx")
        self.point, = left.plot([0], [0], "o", color="#d9480f")
        left.set(xlim=X_RANGE, ylim=(-0.2, 1.2),
                 xticks=np.arange(X_RANGE[0], X_RANGE[1] + 0.1, 0.5), yticks=(0, 0.5, 1),
                 xlabel="x", ylabel="h", title="the whole chain")
        left.legend(loc="lower left", fontsize=8)
        self.bars = self.right.bar(self.NAMES, [0] * 4, color=["#adb5bd"] * 3 + ["#d9480f"])
        zero = self.right.axhline(0, color="black", linewidth=0.8)
        self.right.yaxis.set_major_locator(MaxNLocator(5))
        self.right.set(title="gear ratios and their product", ylim=bar_range())
        self.moving = [self.tangent, self.point, *self.bars, zero]  # drawn in this order
        self.update(state)

    def update(self, state):
        """Redraw the parts that depend on x for ``state`` (a :func:`chain_state`); return the
        figure."""
        x0, h0, slope = state["x"], state["h"], state["product"]
        self.tangent.set_ydata([h0 + slope * (x - x0) for x in X_RANGE])
        self.point.set_data([x0], [h0])
        for bar, name in zip(self.bars, self.NAMES):
            bar.set_height(state[name])
        return self.figure


def steepest_falling(points=3001):
    """The x of the slider's range where the chain falls most steeply (the most negative dh/dx)."""
    xs = np.linspace(*X_RANGE, points)
    return float(xs[np.argmin([chain_state(x)["product"] for x in xs])])


def snapshot_points():
    """Where :func:`chain_snapshots` shows the explorer's picture: the steepest fall, u = 0 (the
    middle ratio is zero), the starting point, and tanh saturated."""
    return (round(steepest_falling(), 2), -0.5, X0, 0.6)


def chain_snapshots(xs=None):
    """The explorer's picture at several x side by side, for a reader without a kernel: top row
    the chain with its tangent at each x, bottom row the three ratios and their product (one
    fixed range for all)."""
    xs = snapshot_points() if xs is None else xs
    fig = Figure(figsize=(2.5 * len(xs), 4.6), layout="constrained")
    axes = fig.subplots(2, len(xs), sharey="row", squeeze=False)
    grid = np.linspace(*X_RANGE, 300)
    for (top, bottom), x in zip(axes.T, xs):
        s = chain_state(x)
        top.plot(grid, np.tanh((2 * grid + 1) ** 2), color="#1c7ed6")
        top.plot(X_RANGE, [s["h"] + s["product"] * (t - x) for t in X_RANGE], "--", color="#d9480f")
        top.plot([x], [s["h"]], "o", color="#d9480f")
        top.set(xlim=X_RANGE, ylim=(-0.2, 1.2), title=f"x = {x:.2f}: dh/dx = {ratio(s['product'])}",
                xlabel="x")
        top.title.set_fontsize(9)
        bottom.bar(ChainPlot.NAMES, [s[n] for n in ChainPlot.NAMES],
                   color=["#adb5bd"] * 3 + ["#d9480f"])
        bottom.axhline(0, color="black", linewidth=0.8)
        bottom.set(ylim=bar_range())
        bottom.tick_params(axis="x", labelsize=7)
    axes[0, 0].set_ylabel("h")
    axes[1, 0].set_ylabel("ratio")
    states = [chain_state(x) for x in xs]
    alt = (f"The chain h = tanh((2x + 1)²) with its tangent at {len(xs)} points, and below each "
           f"the three gear ratios and their product: "
           + listing(f"at x = {s['x']:.2f} the slope is {ratio(s['product'])} ({flatness(s)})"
                     for s in states) + ".")
    details = " ".join(
        f"At x = {s['x']:.2f}: du/dx = {ratio(s['du/dx'])}, dv/du = {ratio(s['dv/du'])}, "
        f"dh/dv = {ratio(s['dh/dv'])}, product {ratio(s['product'])}." for s in states)
    return described(fig, alt, details)


@functools.cache
def bar_range(points=601):
    """The bars' y range: every gear ratio and the product over the slider's x range, with a
    margin of 5 % of the span."""
    states = [chain_state(x) for x in np.linspace(*X_RANGE, points)]
    values = [s[n] for s in states for n in ChainPlot.NAMES]
    lo, hi = min(min(values), 0.0), max(max(values), 0.0)
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def chain_explorer():
    """A slider for x wired to `chain_state`, `chain_text`, `chain_table` and a kept
    :class:`ChainPlot`, each shown by its own widget and updated in place."""
    import ipywidgets as w
    slider = w.FloatSlider(value=X0, min=X_RANGE[0], max=X_RANGE[1], step=0.05, description="x")
    plot = ChainPlot(chain_state(X0))
    kept = KeptFigure(plot.figure, plot.moving)

    def show(x):
        state = chain_state(x)
        plot.update(state)
        return [math_html(chain_text(state)), chain_table(state),
                kept.picture(chain_alt(state))]
    return wire_in_place(slider, show)


def two_paths(x):
    """$F = a\\,b$ with $a = x^2$ and $b = e^x$: x reaches F twice; returns the Values."""
    xv = Value(x, label="x")
    a = xv**2
    a.label = "a"
    b = xv.exp()
    b.label = "b"
    F = a * b
    F.label = "F"
    return {"x": xv, "a": a, "b": b, "F": F}



# ---- exercises -----------------------------------------------------------------------------------

# The book's points; on a course each student gets their own (bpbook.variants), in ranges that
# keep the answers away from zero (where u = 2x + 1, v, or e^x (2x + x²) vanish) and away from
# the points whose answer the page prints: X0 and the tables' x, and (three decimals) the
# explorer's grid of 0.05 in x, which its caption and table show.
CHAIN_AT = number("01.chain", 0.13, -0.25, 0.35, digits=3)  # ex. 1: dh/dx of the three gears
TANH_AT = number("01.local-tanh", 0.5, 0.2, 1.5, digits=3)  # ex. 2: tanh's local derivative
PATHS_AT = number("01.two-paths", 0.7, 0.55, 1.45, digits=2)  # ex. 3: F = x² eˣ here


def check_chain(answer):
    """dh/dx of u = 2x + 1, v = u², h = tanh v at x = CHAIN_AT."""
    s = chain_state(CHAIN_AT)
    mistakes = [(s["du/dx"] + s["dv/du"] + s["dh/dv"], "the sum of the local derivatives: "
                 "the chain rule multiplies them"),
                (s["dh/dv"], "only dh/dv, the last gear"),
                (s["dv/du"] * s["dh/dv"], "dh/du: the first gear, du/dx = 2, is missing")]
    return check(answer, s["product"], f"dh/dx at x = {CHAIN_AT}",
                 "(dh/dv)(dv/du)(du/dx) = (1 − tanh²v)·2u·2", mistakes)


def check_local_tanh(answer):
    """The local derivative of v ↩ tanh(v) at v = TANH_AT."""
    v = Value(TANH_AT)
    t = v.tanh()
    mistakes = [(t.data, "tanh(v) itself, the forward value"),
                (1 - t.data, "1 − tanh v: the tanh must be squared"),
                (1 - TANH_AT**2, "1 − v²: square tanh v, not v")]
    return check(answer, t.local_grads[0], f"d tanh(v)/dv at v = {TANH_AT}", "1 − tanh²(v)",
                 mistakes)


def check_two_paths(answer):
    """dF/dx for F = a·b, a = x², b = eˣ, at x = PATHS_AT."""
    g = two_paths(PATHS_AT)
    g["F"].backward()
    x, a, b = PATHS_AT, g["a"].data, g["b"].data
    mistakes = [(b * 2 * x, "only the path through a (b·2x)"),
                (a * b, "only the path through b (a·eˣ)"),
                (2 * x * b * a * b, "the product of the two paths: paths add")]
    return check(answer, g["x"].grad, f"dF/dx at x = {PATHS_AT}", "b·2x + a·eˣ (both paths)",
                 mistakes)
