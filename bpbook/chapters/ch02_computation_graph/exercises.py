"""Chapter 02's exercise checks, built on :mod:`bpbook.feedback`: each names the typical mistake an
answer looks like. The settings of each exercise (``FAN_AT``, ``GATE_AT``, ...) are shown on the
page by the chapter.
"""
import math

import numpy as np

from bpbook.chapters.ch02_computation_graph.engine_tour import softplus_graph, vmax
from bpbook.activations import sigmoid
from bpbook.engine import Value
from bpbook.feedback import check, check_function
from bpbook.worked import worked_graph

FAN_AT = 3.0  # exercise 1: loss = a·a + a here
PASS_W2 = -0.6  # exercise 2: the worked graph with this W2 (the page replays the default W2's)


def check_fan_out(answer):
    """a.grad after loss = a·a + a; loss.backward() at a = FAN_AT."""
    a = Value(FAN_AT)
    (a * a + a).backward()
    mistakes = [(FAN_AT, "the gradient of one factor of a·a only (one of its two edges)"),
                (2 * FAN_AT, "only the a·a part: the + path adds 1"),
                (1.0, "only the + path: a·a sends 2a too")]
    return check(answer, a.grad, f"a.grad at a = {FAN_AT}", "a + a + 1 (three edges leave a)",
                 mistakes)


def passed_to_a1_graph(W2=PASS_W2):
    """Exercise 2's graph: the worked graph with weight ``W2``, after the backward pass."""
    v = worked_graph(W2=W2)
    v["L"].backward()
    return v


def check_passed_to_a1(answer, W2=PASS_W2):
    """In the worked graph with weight ``W2``, what the multiplication W2·a1 passes on to a1."""
    v = passed_to_a1_graph(W2)
    up, W2, a1 = v["W2·a1"].grad, v["W2"].data, v["a1"].data
    mistakes = [(up * a1, "upstream × a1: that is what goes to W2"),
                (up, "the upstream gradient alone: multiply by the local derivative W2"),
                (W2, "the local derivative alone: multiply by the upstream gradient")]
    return check(answer, up * W2, f"the gradient passed to a1 (W2 = {W2:g})", "upstream × W2",
                 mistakes)


SOFTPLUS_AT = (-1.5, 0.3, 2.0)  # exercise 3: the points where the softplus backward is tried


def _softplus_loss(x):
    """loss = softplus(x)² + x², the graph of :func:`softplus_graph`, in plain floats."""
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
                          "the central difference of loss = s² + x²", cases, reference,
                          mistakes)


GATE_AT = dict(p=1.2, q=-0.5, r=2.0)  # exercise 4: f = (p + q) · max(q, r) here


def gate_f(p, q, r):
    """f = (p + q) · max(q, r) built from Values; returns (f, p, q, r) after the backward pass."""
    vp, vq, vr = Value(p, label="p"), Value(q, label="q"), Value(r, label="r")
    f = (vp + vq) * vmax(vq, vr)
    f.backward()
    return f, vp, vq, vr


def check_gates(answer):
    """df/dq for f = (p + q) · max(q, r) at GATE_AT."""
    p, q, r = GATE_AT["p"], GATE_AT["q"], GATE_AT["r"]
    _, _, vq, _ = gate_f(p, q, r)
    m, s = max(q, r), p + q
    mistakes = [(m + s, "the max gate's share too: max routes its gradient to the larger input "
                 "only, and q is the smaller one"),
                (s, "p + q, the multiply gate's own input: it swaps, so the sum receives the "
                 "other factor, max(q, r)"),
                (1.0, "the add gate's local derivative 1 alone: times the upstream gradient")]
    return check(answer, vq.grad, "df/dq", "(what reaches q through the sum) + (what reaches q "
                 "through max)", mistakes)
