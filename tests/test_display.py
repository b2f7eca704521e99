"""bpbook.display's figures with words: the text alternative reaches nbgrader's feedback page
(nbconvert with nbgrader's own feedback template), the descriptions say what the numbers say."""
import os
import re
import types

import nbformat
import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter
from matplotlib.figure import Figure

from bpbook.display import alt_problem, curves_alt, described, trend
from bpbook.errors import InputError


def notebook_with(fig):
    """A one-cell notebook whose output is ``fig`` as IPython displays it."""
    data, metadata = DisplayFormatter().format(fig)
    cell = nbformat.v4.new_code_cell("fig", outputs=[nbformat.v4.new_output(
        "execute_result", data=data, metadata=metadata, execution_count=1)])
    return nbformat.v4.new_notebook(cells=[cell])


def test_feedback_page_shows_the_figure_with_its_alt():
    nbgrader = pytest.importorskip("nbgrader")  # the course kit's (make test installs it)
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    fig = Figure(figsize=(2, 1))
    fig.subplots().plot([0.7, 0.2, 0.05])
    alt = "Loss against epoch: it falls from 0.7 to 0.05"
    here = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader")
    c = Config()
    c.HTMLExporter.template_name = "feedback"  # as nbgrader's GenerateFeedback sets it
    c.HTMLExporter.extra_template_basedirs = [os.path.join(here, "templates")]
    c.HTMLExporter.extra_template_paths = [
        os.path.join(here, "static", "node_modules", "bootstrap", "dist", "css")]
    page, _ = HTMLExporter(config=c).from_notebook_node(
        notebook_with(described(fig, alt)),
        resources={"nbgrader": {"notebook": "n", "score": 0, "max_score": 1, "late_penalty": 0}})
    images = re.findall(r"<img[^>]*>", page)
    assert len(images) == 1, images
    assert re.search(r'alt="([^"]*)"', images[0])[1] == alt
    assert "No description has been provided" not in page


def test_a_described_figure_is_drawn_once_per_display(monkeypatch):
    """Under ``%matplotlib inline`` IPython asks the inline backend's Figure formatter for
    image/png after ``_repr_mimebundle_``: it must take the PNG the bundle drew, not draw again;
    a figure without words still goes to that formatter."""
    import IPython
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib.backend_bases import FigureCanvasBase

    shell = types.SimpleNamespace(display_formatter=DisplayFormatter())
    select_figure_formats(shell, {"png"}, bbox_inches="tight")  # what %matplotlib inline does
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    draws, draw = [], FigureCanvasBase.print_figure
    monkeypatch.setattr(FigureCanvasBase, "print_figure",
                        lambda self, *a, **k: draws.append(self.figure) or draw(self, *a, **k))
    fig, plain = Figure(figsize=(2, 1)), Figure(figsize=(2, 1))
    for f in (fig, plain):
        f.subplots().plot([0.7, 0.2, 0.05])
    described(fig, "Loss against epoch: it falls from 0.7 to 0.05")
    for _ in range(2):
        data, metadata = shell.display_formatter.format(fig)
        assert f"base64,{data['image/png']}" in data["text/html"]
        assert metadata["image/png"]["alt"].startswith("Loss against epoch")
    assert draws == [fig, fig]
    assert "image/png" in shell.display_formatter.format(plain)[0]
    assert draws == [fig, fig, plain]


@pytest.mark.parametrize("text, problem", [
    ("", "empty"), ("   ", "empty"), (None, "empty"), ("_images/0408e9d5.png", "file path"),
    ("cover.png", "file path"), ("Figure", "generic default"), ("a plot", "fewer than four"),
    ("No description has been provided for this image", "generic default")])
def test_alt_text_that_says_nothing_is_named(text, problem):
    assert problem in alt_problem(text)
    with pytest.raises(InputError, match="alt must describe"):
        described(Figure(), text)


def test_trend_reads_the_numbers():
    ys = np.exp(-np.arange(50) / 10.0)
    assert trend(ys) == f"falls from 1 to {ys[-1]:.3g}"
    assert trend([1.0, 3.0, 2.0]) == "rises from 1 to 2 (highest 3 at 1)"
    assert trend([2.0, 0.0, 1.0], xs=[10, 20, 30]) == "falls from 2 to 1 (lowest 0 at 20)"
    assert trend([1.0, 2.0, float("nan")]) == "rises from 1 to 2, then becomes NaN at 2"
    assert trend([5.0] * 4) == "stays at 5"
    swings = [1.0, 2.0] * 10
    assert trend(swings).endswith("swinging up and down")


def test_curves_alt_names_every_curve():
    words = curves_alt({"η = 0.1": [0.7, 0.21], "η = 10": [0.7, 0.9]}, log=True)
    assert words == ("Loss (log scale) against epoch for η = 0.1 and η = 10: η = 0.1 falls from "
                     "0.7 to 0.21; η = 10 rises from 0.7 to 0.9.")
