r"""The vanishing-gradients chapter's explorer: depth, activation, initialisation, a skip
connection and batch normalisation → the gradient norm of every layer.

:func:`update` is the explorer's update function, a plain function that tests call directly: it
builds :func:`bpbook.deep.deep_net` on the seeded :func:`bpbook.deep.toy_data` batch (``X``
``(8, 64)``, samples in columns), runs one backward pass and draws
$\|\partial\mathcal{L}/\partial W_l\|$ per layer on a log scale. :func:`explorer` only wires sliders
to it, and shows :func:`table` (first and last hidden layer's norms, their ratio) as ``<table
class="bp-explorer">``, so a browser test can read the numbers."""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from bpbook.chapters.ch08_vanishing_gradients.experiments import gradient_profile
from bpbook.deep import INIT_STD, deep_net, toy_data
from bpbook.display import described
from bpbook.errors import ExplodingGradientError, InputError
from bpbook.tables import Table

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu")


def update(depth=15, activation="sigmoid", init="xavier", gain=1.0, residual=False,
           batchnorm=False, ax=None):
    """Per-layer gradient norms for these settings, drawn on ``ax`` when one is given.

    Returns a dict: ``norms`` (one per layer's weights, inputs first; ``None`` when the gradients
    overflowed or the settings do not combine), ``ratio`` (first layer's norm over the last
    hidden layer's) and ``message`` (one line for the reader).
    """
    if activation not in ACTIVATIONS:
        raise InputError(f"unknown activation {activation!r}; expected one of: "
                         f"{', '.join(ACTIVATIONS)}")
    if residual and batchnorm:
        result = {"norms": None, "ratio": None,
                  "message": "choose skip connections or batch norm, not both"}
        if ax is not None:
            draw(ax, result, depth)
        return result
    model = deep_net(depth, activation=activation, init=init, gain=gain, residual=residual,
                     batchnorm=batchnorm)
    X, Y = toy_data()
    try:
        norms = gradient_profile(model, X, Y)
    except ExplodingGradientError as err:
        result = {"norms": None, "ratio": None, "message": f"the gradients overflowed: {err}"}
    else:
        ratio = norms[0] / norms[-2] if depth > 1 and norms[-2] > 0 else 1.0
        result = {"norms": norms, "ratio": ratio,
                  "message": f"layer 1 gets {ratio:.2g} × the gradient of layer {depth}"}
    if ax is not None:
        draw(ax, result, depth)
    return result


def table(result):
    """The numbers of :func:`update`'s ``result``: the gradient norm of the first and of the last
    hidden layer, and their ratio (or, in each cell, why there are none)."""
    norms = result["norms"]
    values = ([result["message"].split(":")[0]] * 3 if norms is None
              else [norms[0], norms[-2], result["ratio"]])
    labels = ["‖∂ℒ/∂W‖, first layer", "‖∂ℒ/∂W‖, last hidden layer", "ratio first / last hidden"]
    return Table(["quantity", "value"], zip(labels, values), [None, "{:.4e}"],
                 css_class="bp-explorer")


def alt(result, activation, init):
    """The explorer figure's words, from ``result``: what is drawn and its two ends."""
    norms = result["norms"]
    if norms is None:
        return f"No gradient profile for {activation} with {init} weights: {result['message']}."
    return (f"Gradient norm per layer on a log scale for {len(norms) - 1} hidden {activation} "
            f"layers with {init} weights: {norms[0]:.1e} at layer 1, {norms[-2]:.1e} at the last "
            f"hidden layer, {norms[-1]:.1e} at the output; {result['message']}.")


def figure():
    """The explorer's figure and axes: fixed margins, not constrained layout, and plain-text
    powers of ten on the log axis (no mathtext), because the explorer redraws it on every slider
    move (``make bench``, widget_update and live_feel)."""
    fig = Figure(figsize=(7, 3.4), dpi=90)
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.15, top=0.9)
    return fig, fig.subplots()


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(v, _pos):
    """A major tick's label: 10 with its exponent in superscript digits, as plain text."""
    return "10" + str(round(np.log10(v))).translate(_SUPERSCRIPT) if v > 0 else ""


def draw(ax, result, depth):
    """Draw ``result``'s gradient norms per layer on ``ax`` (a log scale), or why there are none,
    reusing the line and the text that an earlier call drew there."""
    line = next((l for l in ax.lines if l.get_gid() == "profile"), None)
    if line is None:
        ax.set_yscale("log")
        line, = ax.plot([], [], "o-", color="#1c7ed6", gid="profile")
        ax.text(0.5, 0.5, "", ha="center", transform=ax.transAxes, color="#b42318",
                gid="no-profile")
        ax.yaxis.set_major_locator(LogLocator(numticks=6))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
        ax.set_xlabel("layer (1 = next to the inputs; last = output)")
        ax.set_ylabel("‖∂ℒ/∂W‖")
    why = next(t for t in ax.texts if t.get_gid() == "no-profile")  # overflow, bad settings
    norms = result["norms"]
    line.set_visible(norms is not None)
    why.set_visible(norms is None)
    ax.tick_params(axis="y", labelleft=norms is not None)  # no scale to read without a profile
    if norms is None:
        why.set_text(result["message"].split(":")[0])
        ax.set_xticks([])
    else:
        layers = np.arange(1, len(norms) + 1)
        line.set_data(layers, np.maximum(norms, 1e-300))
        ax.set_xticks(layers if depth <= 15 else layers[::5])
        ax.relim()
        ax.autoscale_view()
    ax.set_title(result["message"])


def explorer():
    """Sliders for depth, activation, initialisation, gain, skip connections and batch norm,
    wired to :func:`update` with one kept figure; the table and the figure are updated in
    place."""
    import ipywidgets as w

    from bpbook.widgets import wire_in_place

    fig, ax = figure()
    controls = [
        w.IntSlider(15, 2, 30, description="depth"),
        w.Dropdown(options=ACTIVATIONS, value="sigmoid", description="activation"),
        w.Dropdown(options=tuple(INIT_STD), value="xavier", description="init"),
        w.FloatLogSlider(1.0, base=10, min=-1, max=0.7, step=0.05, description="gain"),
        w.Checkbox(False, description="skip connections"),
        w.Checkbox(False, description="batch norm")]

    def show(depth, activation, init, gain, residual, batchnorm):
        result = update(depth, activation, init, gain, residual, batchnorm, ax=ax)
        return [table(result), described(fig, alt(result, activation, init))]
    return wire_in_place(controls, show, panel=w.VBox(controls))
