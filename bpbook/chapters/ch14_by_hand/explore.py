"""The explorer of chapter 14: a batch size and one of the network's gradients → that gradient
by hand and its difference from torch's, as heat maps, and the numbers in a table.

:func:`update` is the update function, a plain function tests call directly: it draws the first
``m`` images of :func:`bpbook.chapters.ch14_by_hand.net.batch`, runs the forward pass, torch's
backward and the hand-written one, and returns a :class:`GradView` with the table (a
``<table class="bp-explorer">``, so a browser test can read it), the figure (two heat maps: rows
are the tensor's rows, columns its columns, samples for most) and its text alternative
(:func:`describe`, new on every move). :func:`explorer` only wires the controls to it, with one
kept :class:`HeatPlot` whose images move.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from bpbook.chapters.ch14_by_hand.net import (BATCH, STAGE_TENSORS, batch, by_hand, cmp, init,
                                             torch_gradients)
from bpbook.display import described
from bpbook.errors import check_name, count
from bpbook.tables import Table

M_RANGE, M_STEP = (4, 128), 4
M, TENSOR = BATCH, "z1"  # where the explorer starts: the page's batch
TENSORS = tuple(n for names in STAGE_TENSORS.values() for n in names)


@dataclass
class GradView:
    row: list  # net.cmp's row
    loss: float
    mine: np.ndarray
    diff: np.ndarray
    table: Table
    figure: Figure
    description: str


def update(m=M, tensor=TENSOR, plot=None):
    """The explorer's state for a batch of ``m`` images and the gradient of ``tensor``; ``plot``
    is the kept :class:`HeatPlot` to update (a new one if None)."""
    m = count(m, "explorer: m", low=M_RANGE[0], high=M_RANGE[1])
    tensor = check_name(tensor, "explorer: tensor", TENSORS)
    X, y = batch(m)
    t, theirs = torch_gradients(init(), X, y)
    mine = by_hand(t)[tensor]
    row = cmp(tensor, mine, theirs[tensor])
    loss, a, d = float(t["loss"]), mine.numpy(), (mine - theirs[tensor]).numpy()
    words = describe(row, loss, m, a)
    fig = (plot or HeatPlot()).update(tensor, a, d)
    return GradView(row, loss, a, d, table(row, loss, a), described(fig, words), words)


def table(row, loss, mine):
    rows = [["loss", loss], [f"largest |∂ℒ/∂{row[0]}|", float(np.abs(mine).max())],
            ["exact", "yes" if row[2] else "no"], ["max |by hand − torch|", f"{row[4]:.1e}"]]
    return Table(["quantity", "value"], rows, [None, "{:.6f}"], css_class="bp-explorer")


def describe(row, loss, m, mine):
    """The figure's text alternative, from the same numbers."""
    agree = ("equal to torch's in every bit" if row[2] else
             f"different from torch's by at most {row[4]:.2g}")
    return (f"Two heat maps of the gradient of the loss with respect to {row[0]} (shape "
            f"{row[1]}) for a batch of {m} digits, loss {loss:.4f}: by hand, its entries range "
            f"from {mine.min():.3g} to {mine.max():.3g}; the second map, by hand minus torch, is "
            f"{agree}.")


class HeatPlot:
    """The explorer's figure: two heat maps whose images and titles are its only moving parts
    (the axes carry no ticks, so new limits change nothing else), for a
    :class:`bpbook.widgets.KeptFigure` to redraw alone."""

    def __init__(self):
        self.figure = Figure(figsize=(6.0, 2.8), dpi=80)
        self.figure.subplots_adjust(left=0.03, right=0.97, bottom=0.04, top=0.8, wspace=0.08)
        self.axes = self.figure.subplots(1, 2)
        self.images, self.titles = [], []
        for ax in self.axes:
            self.images.append(ax.imshow(np.zeros((1, 1)), cmap="RdBu_r", aspect="auto",
                                         interpolation="nearest"))
            self.titles.append(ax.set_title(" ", fontsize="small"))
            ax.set_xticks([])
            ax.set_yticks([])
        # the frames after the images, which would otherwise paint over their edges
        self.moving = self.images + self.titles + [sp for ax in self.axes
                                                   for sp in ax.spines.values()]

    def update(self, tensor, mine, diff):
        """Show ``mine`` (∂ℒ/∂tensor by hand) and ``diff`` (by hand − torch), each on a colour
        scale symmetric about 0 (blue negative, red positive; the scale is in the title)."""
        names = (f"∂ℒ/∂{tensor} by hand", "by hand − torch")
        for ax, image, title, values, name in zip(self.axes, self.images, self.titles,
                                                  (mine, diff), names):
            scale = float(np.abs(values).max())
            rows, cols = values.shape
            image.set_data(values)
            image.set_clim(-(scale or 1.0), scale or 1.0)
            image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
            ax.set(xlim=(-0.5, cols - 0.5), ylim=(rows - 0.5, -0.5))
            span = f"colour ±{scale:.2g}" if scale else "every entry exactly 0"
            title.set_text(f"{name}, {rows}×{cols}\n({span})")
        return self.figure


def explorer():
    """A slider for the batch size and a choice of gradient, wired to :func:`update` with a kept
    :class:`HeatPlot`; the table and the picture (its images redrawn over the kept axes, with
    this move's text alternative) are updated in place."""
    import ipywidgets as w

    from bpbook.widgets import KeptFigure, wire_in_place

    controls = [w.IntSlider(M, min=M_RANGE[0], max=M_RANGE[1], step=M_STEP,
                            description="batch size", continuous_update=False),
                w.Dropdown(options=list(TENSORS), value=TENSOR, description="gradient of")]

    plot = HeatPlot()
    kept = KeptFigure(plot.figure, plot.moving)

    def show(m, tensor):
        view = update(m, tensor, plot=plot)
        return [view.table, kept.picture(view.description)]
    return wire_in_place(controls, show)
