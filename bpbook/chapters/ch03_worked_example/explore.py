"""The worked example's live explorer.

:func:`worked_update` is the whole computation behind the sliders, a plain function: settings in;
out, a table of every forward value, error signal and gradient and of the loss after one step,
with a bar chart of the five gradients. The chart is plain HTML (bar widths computed here), not a
matplotlib image, so a slider move redraws in a few milliseconds. The widget in
:func:`worked_explorer` only wires sliders to it. The table renders as
``<table class="bp-explorer">`` whose rows are named in the first cell (``∂ℒ/∂W₂`` …), so a
browser test can read the displayed numbers.
"""
import html
from dataclasses import dataclass

from bpbook.tables import Table
from bpbook.worked import DEFAULTS, NAMES, PARAMS, worked_example

SHOWN = ["z1", "a1", "z2", "y_hat", "L", "delta2", "delta1", "dW2", "db2", "dW11", "dW12", "db1",
         "new L"]

# slider ranges: (min, max, step)
RANGES = {"x1": (-2, 2, 0.05), "x2": (-2, 2, 0.05), "y": (0, 1, 0.05), "W11": (-3, 3, 0.05),
          "W12": (-3, 3, 0.05), "b1": (-3, 3, 0.05), "W2": (-3, 3, 0.05), "b2": (-3, 3, 0.05),
          "lr": (0.05, 2, 0.05)}


BAR_LIMIT = 0.15  # |∂ℒ/∂θ| that fills a bar: fixed, so bars can be compared between moves


@dataclass
class WorkedView:
    result: dict
    table: Table
    bars: str  # HTML


def gradient_bars_html(r, limit=BAR_LIMIT):
    """The five gradients as horizontal HTML bars around a zero line (clipped at ``limit``)."""
    rows = []
    for p in PARAMS:
        g = r["d" + p]
        width = min(abs(g) / limit, 1.0) * 50  # percent of the track; half is each side of 0
        left = 50 - width if g < 0 else 50
        color = "#d55e00" if g < 0 else "#0072b2"  # Okabe-Ito: safe for colour-blind readers
        # the track shrinks on a narrow screen, so the number beside it is never cut off
        rows.append(
            f'<div style="display:flex;align-items:center;gap:6px;font:12px monospace">'
            f'<span style="flex:0 0 9em">{html.escape(NAMES["d" + p])}</span>'
            f'<span aria-hidden="true" style="position:relative;flex:0 1 220px;min-width:60px;'
            f'height:12px;background:#f3f4f6">'
            f'<span style="position:absolute;left:50%;top:0;bottom:0;border-left:1px solid #555">'
            f'</span><span style="position:absolute;left:{left:.2f}%;width:{width:.2f}%;'
            f'top:1px;bottom:1px;background:{color}"></span></span>'
            f"<span>{g:+.6f}</span></div>")
    return '<div class="bp-bars">' + "".join(rows) + "</div>"


def worked_update(**settings):
    """Recompute the worked example for ``settings`` (any of x1, x2, y, W11, W12, b1, W2, b2, lr)."""
    r = worked_example(**settings)
    table = Table(["quantity", "value"], [[NAMES[k], r[k]] for k in SHOWN], [None, "{:+.6f}"],
                  css_class="bp-explorer")
    return WorkedView(r, table, gradient_bars_html(r))


SLIDER_WIDTH = "270px"  # two columns of sliders (and margins) fit in about 600 px of output


def worked_explorer():
    """Sliders for the five parameters, both inputs, the target and η, wired to
    :func:`worked_update`. The sliders sit in two groups that wrap onto separate rows when the
    notebook is narrow, with short descriptions, so their readouts stay visible; the table and
    bars go below them, updated in place."""
    import ipywidgets as w
    from IPython.display import HTML

    from bpbook.widgets import wire_in_place

    sliders = {k: w.FloatSlider(value=DEFAULTS[k], min=lo, max=hi, step=step, description=k,
                                continuous_update=False, readout_format=".2f",
                                style={"description_width": "2.6em"},
                                layout=w.Layout(width=SLIDER_WIDTH))
               for k, (lo, hi, step) in RANGES.items()}

    def show(*values):
        view = worked_update(**dict(zip(sliders, values)))
        return [view.table, HTML(view.bars)]

    groups = [w.VBox([w.HTML("<b>inputs, target, learning rate</b>"),
                      *(sliders[k] for k in ("x1", "x2", "y", "lr"))]),
              w.VBox([w.HTML("<b>parameters</b>"),
                      *(sliders[k] for k in ("W11", "W12", "b1", "W2", "b2"))])]
    for group in groups:
        group.layout.margin = "0 16px 8px 0"
    controls = w.Box(groups, layout=w.Layout(display="flex", flex_flow="row wrap"))
    return wire_in_place(list(sliders.values()), show, panel=controls)
