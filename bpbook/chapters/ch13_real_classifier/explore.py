"""The explorer of chapter 13: retrain the digit classifier with another learning rate, batch
size or hidden width, and see the test accuracy and the loss curve.

:func:`update` is the plain update function (tests and the benchmark call it): it trains a fresh
network with :func:`bpbook.chapters.ch13_real_classifier.train.run` and returns a
:class:`View`: ``table`` (a :class:`~bpbook.tables.Table` rendered as
``<table class="bp-explorer">``, so a browser test can read it), ``figure`` and ``message``
(HTML; an explanation instead of a table when training diverged). :func:`explorer` only wires
sliders to it; their values are grids (:data:`LEARNING_RATES`, :data:`BATCH_SIZES`,
:data:`WIDTHS`).
"""
import html
from types import SimpleNamespace

from bpbook.chapters.ch13_real_classifier.plots import loss_figure
from bpbook.chapters.ch13_real_classifier.train import BATCH, EPOCHS, HIDDEN, LR, prepared, run
from bpbook.tables import Table

LEARNING_RATES = tuple(float(f"{m}e{e}") for e in range(-3, 1) for m in (1, 2, 5))[:-2]
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)  # and the full training set
WIDTHS = tuple(range(8, 129, 8))


def update(lr=LR, batch_size=BATCH, hidden=HIDDEN, epochs=EPOCHS):
    """Train from scratch (same seed, so the same first weights for a width) and report."""
    title = f"η = {lr:g}, batches of {batch_size}, {hidden} hidden units"
    try:
        r = run(hidden=hidden, lr=lr, batch_size=batch_size, epochs=epochs)
    except FloatingPointError as err:
        return SimpleNamespace(table=None, figure=None, result=None, message=(
            f"<p><b>{html.escape(title)}</b>: training diverged. {html.escape(str(err))}</p>"))
    table = Table(["quantity", "value"], [
        ["test accuracy", r.test_accuracy], ["training accuracy", r.train_accuracy],
        ["training loss", r.train_loss], ["steps", str(len(r.losses))]],
        formats=[None, "{:.4f}"], css_class="bp-explorer")
    return SimpleNamespace(table=table, figure=loss_figure(r.losses, r.steps_per_epoch, title),
                           result=r, message=f"<p>{html.escape(title)}</p>")


def explorer():
    """Three sliders (learning rate, batch size, hidden width) above the retrained result."""
    import ipywidgets as w
    from IPython.display import HTML, display

    style, layout = {"description_width": "7em"}, w.Layout(width="20em")
    full = prepared().X_train.shape[1]
    controls = [
        w.SelectionSlider(options=LEARNING_RATES, value=LR, description="η", style=style,
                          layout=layout, continuous_update=False),
        w.SelectionSlider(options=BATCH_SIZES + (full,), value=BATCH, description="batch size",
                          style=style, layout=layout, continuous_update=False),
        w.IntSlider(value=HIDDEN, min=WIDTHS[0], max=WIDTHS[-1], step=WIDTHS[1] - WIDTHS[0],
                    description="hidden units", style=style, layout=layout,
                    continuous_update=False)]
    out = w.Output()

    def show(_=None):
        view = update(*(c.value for c in controls))
        out.clear_output(wait=True)
        with out:  # title and table in one output, so the table is never missing for a moment
            if view.table is None:
                display(HTML(view.message))
            else:
                display(HTML(view.message + view.table._repr_html_()), view.figure)

    for c in controls:
        c.observe(show, names="value")
    show()
    return w.VBox([w.HBox(controls, layout=w.Layout(flex_flow="row wrap")), out])
