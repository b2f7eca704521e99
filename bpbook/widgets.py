"""Wiring ipywidgets to an explorer's update function.

Every explorer in the book is a plain *update function* (slider values in; numbers, a table and a
figure out) that tests call directly. This module only connects a control to it: the control sits
above an ``Output`` that is refilled on every change.
"""


def wire(control, show):
    """``control`` above an Output that ``show(control.value)`` refills on every change."""
    import ipywidgets as w
    out = w.Output()

    def refresh(_=None):
        out.clear_output(wait=True)
        with out:
            show(control.value)
    control.observe(refresh, names="value")
    refresh()
    return w.VBox([control, out])
