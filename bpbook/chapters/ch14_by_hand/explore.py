"""The explorer of chapter 14: a batch size and one of the network's gradients → that gradient
by hand and its difference from torch's, as heat maps, and the numbers in a table.

:func:`update` is the update function, a plain function tests call directly: it draws the first
``m`` images of :func:`bpbook.chapters.ch14_by_hand.net.batch`, runs the forward pass, torch's
backward and the hand-written one, and returns a :class:`GradView` with the table (a
``<table class="bp-explorer">``, so a browser test can read it), the figure (two heat maps: rows
are the tensor's rows, columns its columns, samples for most) and its text alternative
(:func:`describe`, new on every move). :func:`explorer` only wires the controls to it.
"""
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from bpbook.chapters.ch14_by_hand.net import (STAGE_TENSORS, batch, by_hand, cmp, init,
                                             torch_gradients)
from bpbook.display import described
from bpbook.errors import check_name, count
from bpbook.tables import Table

M_RANGE, M_STEP = (4, 128), 4
M, TENSOR = 32, "z1"  # where the explorer starts
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


def update(m=M, tensor=TENSOR):
    """The explorer's state for a batch of ``m`` images and the gradient of ``tensor``."""
    m = count(m, "explorer: m", low=M_RANGE[0], high=M_RANGE[1])
    tensor = check_name(tensor, "explorer: tensor", TENSORS)
    X, y = batch(m)
    t, theirs = torch_gradients(init(), X, y)
    mine = by_hand(t)[tensor]
    row = cmp(tensor, mine, theirs[tensor])
    loss, a, d = float(t["loss"]), mine.numpy(), (mine - theirs[tensor]).numpy()
    words = describe(row, loss, m, a)
    return GradView(row, loss, a, d, table(row, loss, a), described(figure(tensor, a, d), words),
                    words)


def table(row, loss, mine):
    rows = [["loss", loss], [f"largest |∂L/∂{row[0]}|", float(np.abs(mine).max())],
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


def _heat(ax, values, title):
    scale = float(np.abs(values).max()) or 1.0
    ax.imshow(values, cmap="RdBu_r", vmin=-scale, vmax=scale, aspect="auto",
              interpolation="nearest")
    ax.set_title(f"{title}\n(colour ±{scale:.2g})", fontsize="small")
    ax.set_xticks([])
    ax.set_yticks([])


def figure(tensor, mine, diff):
    fig = Figure(figsize=(6.0, 2.8), dpi=80)
    fig.subplots_adjust(left=0.03, right=0.97, bottom=0.04, top=0.8, wspace=0.08)
    left, right = fig.subplots(1, 2)
    _heat(left, mine, f"∂L/∂{tensor} by hand")
    _heat(right, diff, "by hand − torch")
    return fig


def explorer():
    """A slider for the batch size and a choice of gradient, wired to :func:`update`; the table
    and the picture (with this move's text alternative) are updated in place."""
    import ipywidgets as w

    from bpbook.widgets import wire_in_place

    controls = [w.IntSlider(M, min=M_RANGE[0], max=M_RANGE[1], step=M_STEP,
                            description="batch size", continuous_update=False),
                w.Dropdown(options=list(TENSORS), value=TENSOR, description="gradient of")]

    def show(m, tensor):
        view = update(m, tensor)
        return [view.table, view.figure]
    return wire_in_place(controls, show)
