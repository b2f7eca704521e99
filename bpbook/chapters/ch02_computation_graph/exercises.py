"""Chapter 02's exercise checks, built on :mod:`bpbook.feedback`: each names the typical mistake an
answer looks like. The settings of each exercise (``FAN_AT``, ``GATE_AT``, ...) are shown on the
page by the chapter: the book's for a reader alone, each student's own on a course
(:mod:`bpbook.variants`), drawn in ranges that keep the right answer away from every mistake's.
"""
import math

import numpy as np

from bpbook.chapters.ch02_computation_graph.engine_tour import softplus_graph, vmax
from bpbook.activations import sigmoid
from bpbook.engine import Value
from bpbook.feedback import check, check_function
from bpbook.variants import number
from bpbook.worked import worked_graph

FAN_AT = number("02.fan-out", 3.0, 1.5, 5.0, digits=2)  # exercise 1: loss = a·a + a here
# exercise 2: the worked graph with this W2 (the page replays the default W2's); negative, so it
# is never the local derivative's look-alike a1 (> 0)
PASS_W2 = number("02.passed-to-a1", -0.6, -1.5, -0.3, digits=2)


def check_fan_out(answer):
    """a.grad after loss = a·a + a; loss.backward() at a = FAN_AT."""
    a = Value(FAN_AT)
    (a * a + a).backward()
    mistakes = [(FAN_AT + 1, "a·a counted once: both of its inputs are a, so it sends 2a"),
                (FAN_AT, "one edge of a·a only, and not the + path"),
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
    """x.grad of :func:`softplus_graph` at each point of SOFTPLUS_AT; None for an unwritten body
    (one that returns None and leaves x.grad as the x·x path alone had made it)."""
    def x_grad(x0):
        x0 = float(x0)
        returned = []
        g = softplus_graph(x0, lambda x, out: returned.append(backward_fn(x, out)))["x"].grad
        return None if g == 2 * x0 and all(r is None for r in returned) else g
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
    (lambda x, out: out.grad * float(sigmoid(x.data)),
     "the share returned instead of added: x.grad is unchanged; write x.grad += ..."),
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


# exercise 4: F = (p + q) · max(q, r) here; q > r by at least 0.4, so q wins the max and both of
# its roads carry a share
GATE_AT = dict(p=number("02.gates:p", 1.2, 0.3, 1.5, digits=2),
               q=number("02.gates:q", 1.5, 0.8, 1.6, digits=2),
               r=number("02.gates:r", 0.4, -1.0, 0.4, digits=2))


def gate_f(p, q, r):
    """F = (p + q) · max(q, r) built from Values; returns (F, p, q, r) after the backward pass."""
    vp, vq, vr = Value(p, label="p"), Value(q, label="q"), Value(r, label="r")
    F = (vp + vq) * vmax(vq, vr)
    F.backward()
    return F, vp, vq, vr


def check_gates(answer):
    """∂F/∂q for F = (p + q) · max(q, r) at GATE_AT."""
    p, q, r = GATE_AT["p"], GATE_AT["q"], GATE_AT["r"]
    _, _, vq, _ = gate_f(p, q, r)
    m, s = max(q, r), p + q
    mistakes = [(m, "only the road through the sum: q is the larger input of max, so max routes "
                 "its gradient, p + q, to q as well"),
                (s, "only the road through max: the sum receives the multiply gate's other "
                 "factor, max(q, r), and hands it to q"),
                (1.0, "the add gate's local derivative 1 alone: times the upstream gradient")]
    return check(answer, vq.grad, "∂F/∂q", "(what reaches q through the sum) + (what reaches q "
                 "through max)", mistakes)
