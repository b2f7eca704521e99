"""Chapter 07's explorer (bpbook.chapters.ch07_reverse_mode.explore): the counts against closed
forms, the modes against the passes the Jacobian really takes, the figure and its words."""
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpbook.chapters.ch07_reverse_mode import explore
from bpbook.chapters.ch07_reverse_mode.cost import (graph_size, jacobian_forward, jacobian_reverse,
                                                    mlp_outputs, mlp_setup)
from bpbook.engine import Value
from bpbook.errors import InputError
from bpbook.widgets import KeptFigure


def _closed_form(n, h, k):
    """A unit with p inputs: p products and p additions (two inputs each), one sigmoid (one)."""
    layers = [(n, h), (h, h), (h, k)]
    return (sum(o * (2 * p + 1) for p, o in layers), sum(o * (4 * p + 1) for p, o in layers))


@settings(max_examples=25, deadline=None)
@given(st.integers(*explore.IN_RANGE), st.integers(*explore.HIDDEN_RANGE),
       st.integers(*explore.OUT_RANGE))
def test_counts_are_the_closed_form_and_each_mode_pays_per_pass(n, h, k):
    view = explore.update(n, h, k)
    nodes, edges = _closed_form(n, h, k)
    assert (view.nodes, view.edges) == (nodes, edges)
    assert view.forward == nodes + n * edges and view.reverse == nodes + k * edges
    rows = dict((r[0], r[1]) for r in view.table.rows)
    assert rows["forward / reverse"] == pytest.approx(view.forward / view.reverse)
    assert f"{view.forward:,}" in view.description and f"{view.reverse:,}" in view.description


def test_the_two_modes_really_take_n_and_k_passes_for_the_same_jacobian():
    sizes = [3, 4, 4, 2]
    x, theta = mlp_setup(sizes)
    f = lambda xs: mlp_outputs(theta, xs, sizes)  # noqa: E731
    forward, reverse = jacobian_forward(f, x), jacobian_reverse(f, x)
    assert forward.shape == reverse.shape == (2, 3)
    np.testing.assert_allclose(forward, reverse, rtol=1e-12, atol=1e-15)
    eps, J = 1e-6, np.zeros((2, 3))  # central differences, an independent check of both
    for j in range(3):
        up, down = list(x), list(x)
        up[j] += eps
        down[j] -= eps
        J[:, j] = (np.array([a.data for a in f([Value(v) for v in up])])
                   - [a.data for a in f([Value(v) for v in down])]) / (2 * eps)
    np.testing.assert_allclose(reverse, J, rtol=1e-6, atol=1e-9)


def test_graph_size_counts_a_shared_graph_once():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d, e = c + a, c.sigmoid()
    assert graph_size([d, e]) == (3, 5)  # c (2 edges), d (2), e (1)
    assert graph_size([d]) == (2, 4)


def test_which_mode_wins_follows_inputs_against_outputs():
    many_in, many_out, square = explore.update(16, 8, 2), explore.update(2, 8, 16), \
        explore.update(8, 8, 8)
    assert many_in.reverse < many_in.forward and "Reverse mode needs" in many_in.description
    assert many_out.forward < many_out.reverse and "Forward mode needs" in many_out.description
    assert square.forward == square.reverse and "the same" in square.description


def test_every_corner_of_the_sliders_fits_the_fixed_axis_and_the_bars_show_the_counts():
    plot = explore.ModePlot()
    kept = KeptFigure(plot.figure, plot.moving)
    ranges = (explore.IN_RANGE, explore.HIDDEN_RANGE, explore.OUT_RANGE)
    for corner in itertools.product(*ranges):
        view = explore.update(*corner, plot=plot)
        assert [b.get_height() for b in plot.bars] == [view.forward, view.reverse]
        assert kept.picture(view.description).alt == view.description
    ax = plot.figure.axes[0]
    assert ax.get_ylim() == explore.Y_RANGE and ax.get_yscale() == "log"


@pytest.mark.parametrize("args, message", [((0, 8, 2), "inputs n"), ((4, 40, 2), "hidden width"),
                                           ((4, 8, 2.5), "outputs k")])
def test_settings_outside_the_sliders_are_named(args, message):
    with pytest.raises((InputError, TypeError), match=message):
        explore.update(*args)
