"""The PyTorch chapter's explorer: change the worked example, watch bpbook and torch agree.

:func:`update` is the plain update function (tests call it): it runs the worked example
(:func:`bpbook.worked.worked_example`) in bpbook and in torch (float64 and float32,
:func:`bpbook.chapters.ch12_pytorch.bridge.worked_torch`) for the given settings and returns a
:class:`~bpbook.tables.Table`, one row per quantity, named as the book writes it (``bpbook.worked.NAMES``), rendered as ``<table class="bp-explorer">``
(so a browser test can read it): bpbook's value and torch's difference from it in float64 and
float32 (four columns, so the table fits a narrow notebook). :func:`explorer` wires sliders to
it.
"""
from bpbook.chapters.ch12_pytorch.bridge import require_torch, worked_torch
from bpbook.tables import Table
from bpbook.worked import NAMES, worked_example

QUANTITIES = ("L", "delta2", "delta1", "dW2", "db2", "dW11", "dW12", "db1")


def update(**settings):
    """bpbook's numbers for the worked example under ``settings`` (``x1``, ``x2``, ``y``,
    ``W11``, ``W12``, ``b1``, ``W2``, ``b2``), and torch's differences from them."""
    torch = require_torch()
    ours = worked_example(**settings)
    t64, t32 = worked_torch(torch.float64, **settings), worked_torch(torch.float32, **settings)
    rows = [[NAMES[q], ours[q], t64[q] - ours[q], t32[q] - ours[q]] for q in QUANTITIES]
    return Table(["quantity", "bpbook", "torch64 − bpbook", "torch32 − bpbook"], rows,
                 formats=[None, "{:+.10f}", "{:+.1e}", "{:+.1e}"], css_class="bp-explorer")


def explorer():
    """Sliders for the input, the target and the output weight; the table is updated in place."""
    import ipywidgets as w

    from bpbook.widgets import wire_in_place

    slider = dict(min=-2.0, max=2.0, step=0.05, continuous_update=False)
    controls = [w.FloatSlider(0.5, description="x₁", **slider),
                w.FloatSlider(0.8, description="x₂", **slider),
                # a target ŷ = σ(z₂) can reach: in [0, 1]
                w.FloatSlider(1.0, description="y", **{**slider, "min": 0.0, "max": 1.0}),
                w.FloatSlider(0.9, description="W₂", **slider)]
    return wire_in_place(controls, lambda x1, x2, y, W2: [update(x1=x1, x2=x2, y=y, W2=W2)],
                         panel=w.VBox(controls))
