"""bpbook.draw: pictures of Value graphs (layout properties, checked on random programs)."""
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from matplotlib.figure import Figure

from bpbook.draw import columns, draw_graph, layout
from bpbook.engine import Value
from tests.strategies import VALUE_OPS, programs, run_program


def graph_of_size(n):
    """A connected graph of exactly n Values: a chain mixing binary and unary operations."""
    x = Value(0.3, label="x")
    y, count = x, 1
    while count < n:
        if n - count >= 2:
            y, count = y * Value(0.9), count + 2
        else:
            y, count = y.tanh(), count + 1
    return y


@pytest.mark.parametrize("n", [1, 2, 3, 10, 25, 50])
def test_draw_returns_a_figure_without_warnings(n):
    root = graph_of_size(n)
    assert len(root.topological_order()) == n
    root.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = draw_graph(root, highlight=root, inputs=list(root.inputs))
        fig.canvas.draw()
    assert isinstance(fig, Figure)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sum("data" in t for t in texts) == n and sum("grad" in t for t in texts) == n


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(programs(max_instructions=25))
def test_layout_points_every_edge_right_and_never_stacks_two_boxes(program):
    leaves = [Value(x) for x in program.leaves]
    try:
        root = run_program(program, VALUE_OPS, leaves)[-1]
    except OverflowError:
        return
    pos = layout(root)
    assert set(pos) == set(root.topological_order())
    for node in pos:
        for child in node.inputs:
            assert pos[child][0] < pos[node][0], "an edge points left"
    assert len(set(pos.values())) == len(pos), "two boxes at the same place"


def test_leaves_sit_just_before_their_first_use():
    x, c = Value(1.0), Value(2.0)
    y = ((x * 2).tanh() * 3).tanh() + c
    col = columns(y)
    assert col[c] == col[y] - 1 and col[x] == 0
