"""Chapter 02's exercise checks, built on :mod:`bpbook.feedback`: each names the typical mistake an
answer looks like. The settings of each exercise (``FAN_AT``, ``GATE_AT``, ...) are shown on the
page by the chapter.
"""
import math

import numpy as np

from bpbook.chapters.ch02_computation_graph.cost import mode_counts
from bpbook.chapters.ch02_computation_graph.engine_tour import softplus_graph, vmax
from bpbook.activations import sigmoid
from bpbook.engine import Value
from bpbook.feedback import check, check_function
from bpbook.worked import worked_graph

FAN_AT = 3.0  # exercise 1: L = a·a + a here


def check_fan_out(answer):
    """a.grad after L = a·a + a; L.backward() at a = FAN_AT."""
    a = Value(FAN_AT)
    (a * a + a).backward()
    mistakes = [(FAN_AT, "the gradient of one factor of a·a only (one of its two edges)"),
                (2 * FAN_AT, "only the a·a part: the + path adds 1"),
                (1.0, "only the + path: a·a sends 2a too")]
    return check(answer, a.grad, f"a.grad at a = {FAN_AT}", "a + a + 1 (three edges leave a)",
                 mistakes)


def check_passed_to_a1(answer):
    """In the worked graph, what the multiplication W2·a1 passes on to a1."""
    v = worked_graph()
    v["L"].backward()
    up, W2, a1 = v["W2·a1"].grad, v["W2"].data, v["a1"].data
    mistakes = [(up * a1, "upstream × a1: that is what goes to W2"),
                (up, "the upstream gradient alone: multiply by the local derivative W2"),
                (W2, "the local derivative alone: multiply by the upstream gradient")]
    return check(answer, up * W2, "the gradient passed to a1", "upstream × W2", mistakes)


def check_fd_passes(answer, n_params):
    """How many forward passes central differences need for ``n_params`` parameters."""
    mistakes = [(n_params, "one pass per parameter: central differences need two (θ ± ε)"),
                (n_params + 1, "one-sided differences (θ + ε, plus the base point): central "
                 "differences use θ + ε and θ − ε"),
                (1, "what backprop needs: one forward (and one backward) pass")]
    return check(answer, 2 * n_params, f"forward passes for {n_params} parameters",
                 "2 per parameter", mistakes, tol=1e-12)


SOFTPLUS_AT = (-1.5, 0.3, 2.0)  # exercise 4: the points where the softplus backward is tried


def _softplus_loss(x):
    """L = softplus(x)² + x², the graph of :func:`softplus_graph`, in plain floats."""
    return math.log1p(math.exp(x)) ** 2 + x * x


def _grad_with(backward_fn):
    """x.grad of :func:`softplus_graph` at each point of SOFTPLUS_AT; None if ``backward_fn``
    left x.grad as the x·x path alone had made it (an unwritten body)."""
    def x_grad(x0):
        x0 = float(x0)
        g = softplus_graph(x0, backward_fn)["x"].grad
        return None if g == 2 * x0 else g
    return x_grad


SOFTPLUS_MISTAKES = [
    (lambda x, out: setattr(x, "grad", x.grad + float(sigmoid(x.data))),
     "σ(x) without the upstream gradient: multiply by out.grad, what reached the output"),
    (lambda x, out: setattr(x, "grad", out.grad * float(sigmoid(x.data))),
     "x.grad = ... instead of x.grad += ...: the share that x·x already delivered to x is lost"),
    (lambda x, out: setattr(x, "grad", x.grad + out.grad * float(sigmoid(-x.data))),
     "1/(1 + eˣ) = σ(−x) as the local derivative: it is eˣ/(1 + eˣ) = σ(x)"),
    (lambda x, out: setattr(x, "grad", x.grad + out.grad * out.data),
     "softplus(x) itself, the forward value, as the local derivative"),
    (lambda x, out: setattr(x, "grad", x.grad + out.grad * math.exp(x.data)),
     "eˣ as the local derivative: the derivative of log(u) is u′/u, so divide by 1 + eˣ"),
    (lambda x, out: setattr(x, "grad", x.grad + x.grad * float(sigmoid(x.data))),
     "x.grad as the upstream gradient: the upstream is out.grad, the output's gradient"),
]


def check_softplus_backward(fn):
    """The student's ``fn(x, out)`` for softplus, against central differences of the loss."""
    h = 1e-6
    reference = lambda x0: (_softplus_loss(float(x0) + h)  # noqa: E731
                            - _softplus_loss(float(x0) - h)) / (2 * h)
    cases = [(np.array(x0),) for x0 in SOFTPLUS_AT]
    mistakes = [(_grad_with(wrong), what) for wrong, what in SOFTPLUS_MISTAKES]
    return check_function(None if fn is None else _grad_with(fn),
                          "x.grad with your softplus backward",
                          "the central difference of L = s² + x²", cases, reference,
                          mistakes)


GATE_AT = dict(x=1.2, y=-0.5, z=2.0)  # exercise 5: f = (x + y) · max(y, z) here


def gate_f(x, y, z):
    """f = (x + y) · max(y, z) built from Values; returns (f, x, y, z) after the backward pass."""
    vx, vy, vz = Value(x, label="x"), Value(y, label="y"), Value(z, label="z")
    f = (vx + vy) * vmax(vy, vz)
    f.backward()
    return f, vx, vy, vz


def check_gates(answer):
    """df/dy for f = (x + y) · max(y, z) at GATE_AT."""
    x, y, z = GATE_AT["x"], GATE_AT["y"], GATE_AT["z"]
    _, _, vy, _ = gate_f(x, y, z)
    m, s = max(y, z), x + y
    mistakes = [(m + s, "the max gate's share too: max routes its gradient to the larger input "
                 "only, and y is the smaller one"),
                (s, "x + y, the multiply gate's own input: it swaps, so the sum receives the "
                 "other factor, max(y, z)"),
                (1.0, "the add gate's local derivative 1 alone: times the upstream gradient")]
    return check(answer, vy.grad, "df/dy", "(what reaches y through the sum) + (what reaches y "
                 "through max)", mistakes)


REVERSE_SIZES = [3, 10, 6]  # exercise 6: the network whose outputs are differentiated


def check_reverse_count(answer, sizes=REVERSE_SIZES):
    """Operations of reverse mode for the derivative of every output of the network ``sizes``
    with respect to its first input (counted as in the chapter: ``cost.mode_counts``)."""
    row = next(r for r in mode_counts(sizes) if r["inputs"] == 1)
    nodes, edges, k = row["nodes"], row["edges"], row["outputs"]
    mistakes = [(nodes + edges, "one backward pass (forward mode's count here): reverse mode "
                 "needs one backward pass per output"),
                (k * (nodes + edges), "the forward pass again for every output: the values "
                 "are computed once and kept"),
                (k * edges, "the backward passes only: the forward pass comes first")]
    return check(answer, row["reverse mode"], "reverse mode's operations",
                 "nodes + outputs × edges", mistakes, tol=1e-12)
