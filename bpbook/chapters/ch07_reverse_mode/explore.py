r"""The explorer of chapter 7: which mode wins for a whole Jacobian $\partial a_L/\partial x$.

A sigmoid network of widths ``[n, h, h, k]`` (``n`` inputs, two hidden layers of ``h`` units,
``k`` outputs) is built from `Value`s and its graph counted (:func:`cost.graph_size`). Forward
mode needs one pass per input, reverse mode one per output, so (the conventions of
:mod:`bpbook.chapters.ch07_reverse_mode.cost`) forward mode costs ``nodes + n·edges`` operations
and reverse mode ``nodes + k·edges``.

:func:`update` is the update function, a plain function that tests call directly; it returns a
:class:`ModeView` with the numbers (a ``<table class="bp-explorer">``) and the figure, described by
its text alternative. :func:`explorer` only wires the sliders to it, with one kept :class:`ModePlot`
whose two bars move.
"""
from dataclasses import dataclass

from matplotlib.figure import Figure

from bpbook.chapters.ch07_reverse_mode.cost import graph_size, mlp_outputs, mlp_setup
from bpbook.display import described
from bpbook.engine import Value
from bpbook.errors import count
from bpbook.tables import Table

IN_RANGE, HIDDEN_RANGE, OUT_RANGE = (1, 24), (2, 24), (1, 24)  # a move stays well under 0.1 s
N_IN, HIDDEN, N_OUT = 16, 8, 2  # where the explorer starts: many inputs, few outputs
Y_RANGE = (10.0, 1e6)  # holds both modes' operations over every setting of the sliders


@dataclass
class ModeView:
    sizes: list
    nodes: int
    edges: int
    forward: int
    reverse: int
    table: Table
    figure: Figure
    description: str


def update(n_in=N_IN, hidden=HIDDEN, n_out=N_OUT, plot=None):
    """The explorer's state for a network ``[n_in, hidden, hidden, n_out]``; ``plot`` is the
    kept :class:`ModePlot` to move (a new one if None)."""
    sizes = [count(n_in, "explorer: inputs n", low=IN_RANGE[0], high=IN_RANGE[1]),
             count(hidden, "explorer: hidden width", low=HIDDEN_RANGE[0], high=HIDDEN_RANGE[1])]
    sizes += [sizes[1], count(n_out, "explorer: outputs k", low=OUT_RANGE[0], high=OUT_RANGE[1])]
    x, theta = mlp_setup(sizes)
    nodes, edges = graph_size(mlp_outputs(theta, [Value(v) for v in x], sizes))
    forward, reverse = nodes + sizes[0] * edges, nodes + sizes[-1] * edges
    words = describe(sizes, forward, reverse)
    fig = described((plot or ModePlot()).update(forward, reverse), words)
    rows = [["nodes", nodes], ["edges", edges], ["forward mode", forward],
            ["reverse mode", reverse], ["forward / reverse", forward / reverse]]
    table = Table(["quantity", "value"], rows, [None, "{:.6g}"], css_class="bp-explorer")
    return ModeView(sizes, nodes, edges, forward, reverse, table, fig, words)


def describe(sizes, forward, reverse):
    """The figure's text alternative, from the counts."""
    n, k = sizes[0], sizes[-1]
    winner = ("Both modes cost the same" if forward == reverse else
              f"{'Reverse' if reverse < forward else 'Forward'} mode needs "
              f"{max(forward, reverse) / min(forward, reverse):.3g} times fewer operations")
    return (f"Two bars, logarithmic, for the Jacobian of a network of widths {sizes} "
            f"({n} inputs, {k} outputs): forward mode {forward:,} operations ({n} passes), "
            f"reverse mode {reverse:,} ({k} passes). {winner}.")


class ModePlot:
    """The explorer's figure: one bar per mode on a fixed logarithmic axis (``Y_RANGE``), so that
    :meth:`update` only moves the two bars and a :class:`bpbook.widgets.KeptFigure` redraws only
    them. Each bar is named under it and hatched differently, so colour is never the only cue."""

    def __init__(self):
        self.figure = Figure(figsize=(5.0, 3.0), dpi=90)
        self.figure.subplots_adjust(left=0.16, right=0.97, bottom=0.13, top=0.9)
        ax = self.figure.subplots()
        self.bars = ax.bar([0, 1], [Y_RANGE[0]] * 2, 0.6, color=["#d9480f", "#1c7ed6"],
                           hatch=["//", ".."], edgecolor="black")
        ax.set_xticks([0, 1], ["forward mode\n(n passes)", "reverse mode\n(k passes)"])
        ax.set(yscale="log", ylim=Y_RANGE, ylabel="operations", title="the whole Jacobian ∂a_L/∂x")
        self.moving = list(self.bars)

    def update(self, forward, reverse):
        for bar, ops in zip(self.bars, (forward, reverse)):
            if not Y_RANGE[0] <= ops <= Y_RANGE[1]:
                raise ValueError(f"ModePlot: {ops:,} operations is outside the axis {Y_RANGE}")
            bar.set_height(ops)
        return self.figure


def explorer():
    """Sliders for the inputs n, the hidden width and the outputs k, wired to :func:`update` with a
    kept :class:`ModePlot`; the table and the picture are updated in place."""
    import ipywidgets as w

    from bpbook.widgets import wire_kept

    controls = [w.IntSlider(value, min=low, max=high, description=name, continuous_update=False)
                for name, value, (low, high) in (("inputs n", N_IN, IN_RANGE),
                                                 ("hidden width", HIDDEN, HIDDEN_RANGE),
                                                 ("outputs k", N_OUT, OUT_RANGE))]
    return wire_kept(controls, ModePlot(), update)
