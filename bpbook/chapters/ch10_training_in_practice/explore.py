"""The training-in-practice chapter's explorer: depth and checkpoint segment size → the memory
held during one forward and backward pass, and what the recomputation costs.

:func:`update` is the explorer's update function, a plain function that tests call directly: it
builds :func:`bpbook.deep.deep_net` (``WIDTH`` tanh units per hidden layer) on the seeded
:func:`bpbook.deep.toy_data` batch (``X`` ``(8, M)``, samples in columns), runs
:func:`~bpbook.chapters.ch10_training_in_practice.checkpoint.measure` with the chosen segment
size and with the plain pass, and draws both memory traces. :func:`explorer` only wires sliders
to it, and shows :func:`table` as ``<table class="bp-explorer">``, so a browser test can read the
numbers. The figure's frame (axis limits) grows and shrinks in steps (:func:`frame`), so most
moves keep it and a :class:`bpbook.widgets.KeptFigure` redraws only the two lines and the title.
"""
import math

from matplotlib.figure import Figure

from bpbook.chapters.ch10_training_in_practice.checkpoint import measure
from bpbook.deep import check_count, deep_net, toy_data
from bpbook.errors import InputError
from bpbook.tables import Table

WIDTH, M = 64, 64
MAX_DEPTH = 32


def update(depth=16, segment=3, ax=None):
    """Checkpointing every ``segment`` layers of a ``depth``-hidden-layer network, against the
    plain pass. A ``segment`` above the number of layers is the plain pass itself.

    Returns a dict: ``segment`` (as used), ``layer_forwards`` and ``plain_forwards``, ``peak``
    and ``plain_peak`` (bytes), ``trace`` and ``plain_trace`` (bytes at every layer boundary),
    and ``message`` (one line for the reader).
    """
    check_count(depth, "depth")
    check_count(segment, "segment")
    if depth > MAX_DEPTH:
        raise InputError(f"depth must be at most {MAX_DEPTH} in the explorer, got {depth}")
    X, Y = toy_data(m=M)
    net = deep_net(depth, WIDTH, activation="tanh")
    n = len(net.layers)
    segment = min(segment, n)
    mine, plain = measure(net, X, Y, segment), measure(net, X, Y, n)
    result = {"segment": segment, "layer_forwards": mine["layer_forwards"],
              "plain_forwards": plain["layer_forwards"], "peak": mine["peak"],
              "plain_peak": plain["peak"], "trace": mine["trace"], "plain_trace": plain["trace"]}
    result["message"] = (f"k = {segment}: peak {mine['peak'] / plain['peak']:.2f} × plain, "
                         f"{mine['layer_forwards'] / plain['layer_forwards']:.2f} × the layer "
                         "forwards")
    if ax is not None:
        draw(ax, result)
    return result


def table(result):
    """The numbers of :func:`update`'s ``result``: layer forwards and peak bytes, checkpointed
    and plain, and their ratios."""
    rows = [["layer forwards", result["layer_forwards"], result["plain_forwards"],
             result["layer_forwards"] / result["plain_forwards"]],
            ["peak bytes held", result["peak"], result["plain_peak"],
             result["peak"] / result["plain_peak"]]]
    return Table(["quantity", "checkpointed", "plain", "ratio"], rows,
                 [None, "{:d}", "{:d}", "{:.2f}"], css_class="bp-explorer")


def alt(result):
    """The explorer figure's words, from ``result``."""
    return (f"Memory held at each of the {len(result['trace'])} layer boundaries of one step: the "
            f"plain pass climbs to {result['plain_peak'] / 1024:.0f} KiB; checkpoints every "
            f"{result['segment']} layers peak at {result['peak'] / 1024:.0f} KiB, for "
            f"{result['layer_forwards']} layer forwards instead of {result['plain_forwards']}.")


def figure():
    """The explorer's figure and axes, with fixed margins, its two lines and legend drawn."""
    fig = Figure(figsize=(7, 3.4), dpi=90)
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.15, top=0.9)
    ax = fig.subplots()
    _lines(ax)
    return fig, ax


STEPS = (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)  # the y axis' top: one of these × 10ᵏ KiB


def frame(result):
    """Axis limits that hold both traces of ``result``, in steps: the x axis a multiple of 16
    boundaries, the y axis a :data:`STEPS` number of KiB, so that neighbouring settings share
    their frame (and the data fill most of it)."""
    longest = max(len(result["trace"]), len(result["plain_trace"]))
    highest = 1.05 * max(result["peak"], result["plain_peak"]) / 1024
    decade = 10.0 ** math.floor(math.log10(highest))
    top = next(s * decade for s in STEPS if s * decade >= highest)
    return (0, 16 * math.ceil((longest + 1) / 16)), (0, top)


def _lines(ax):
    """The two lines of :func:`draw` (made once), by name."""
    lines = {line.get_gid(): line for line in ax.lines}
    if not lines:
        lines["plain"], = ax.plot([], [], ".-", color="#868e96", gid="plain", label="plain")
        lines["checkpoints"], = ax.plot([], [], ".-", color="#1c7ed6", gid="checkpoints",
                                        label="checkpoints every k layers")
        ax.set_xlabel("layer boundary, forward then backward")
        ax.set_ylabel("KiB of arrays held")
        ax.legend(loc="upper right")
    return lines


def draw(ax, result):
    """Both memory traces of ``result`` on ``ax``, reusing its two lines, in :func:`frame`'s
    limits; returns whether the frame changed."""
    lines = _lines(ax)
    for gid, key in (("plain", "plain_trace"), ("checkpoints", "trace")):
        trace = result[key]
        lines[gid].set_data(range(1, len(trace) + 1), trace / 1024)
    ax.set_title(result["message"])
    (xlim, ylim), before = frame(result), (ax.get_xlim(), ax.get_ylim())
    ax.set(xlim=xlim, ylim=ylim)
    return (xlim, ylim) != before


def explorer():
    """Sliders for depth and segment size, wired to :func:`update` with one kept figure; the
    table and the picture (lines and title redrawn over the kept frame, drawn again in full when
    the frame changes) are updated in place."""
    import ipywidgets as w

    from bpbook.widgets import KeptFigure, wire_in_place

    fig, ax = figure()
    kept = KeptFigure(fig, [*ax.lines, ax.title])
    controls = [w.IntSlider(16, 2, MAX_DEPTH, description="depth"),
                w.IntSlider(3, 1, MAX_DEPTH + 1, description="segment k")]

    def show(depth, segment):
        result = update(depth, segment)
        if draw(ax, result):
            kept.forget()
        return [table(result), kept.picture(alt(result))]
    return wire_in_place(controls, show, panel=w.VBox(controls))
