r"""Chapter 02's tour of `bpbook.engine.Value`: its real source, the gate patterns, and operations
whose backward is a function (micrograd's style), for the exercise.

- :func:`source_excerpt` reads lines of the engine's source at run time (``inspect``), so what
  the chapter shows is the code that runs; a marker that is no longer found raises an error
  instead of showing stale code.
- :func:`gate_grads`: what an add, a multiply and a max gate pass to their inputs ``a``, ``b``
  for an upstream gradient ``g``. Max is :func:`vmax`, a node written like the engine's own
  operations (forward value, then the local derivatives: 1 for the larger input, 0 for the other;
  a tie goes to ``a``).
- :class:`FnValue`: a Value whose operation passes its gradient on with a function
  ``backward_fn(x, out)`` that must *add* ``out``'s share into ``x.grad``;
  :func:`backward_with_functions` is the engine's backward loop that calls it.
"""
import inspect
import math

from bpbook.activations import sigmoid
from bpbook.engine import Value


def source_excerpt(obj, first=None, last=None):
    """The source of ``obj`` (dedented), or its lines from the first containing ``first`` through
    the next one containing ``last``."""
    lines = inspect.getsource(obj).splitlines()
    if first is None:
        return "\n".join(_dedent(lines))
    start = next((i for i, line in enumerate(lines) if first in line), None)
    if start is None:
        raise ValueError(f"{obj.__qualname__}: no line contains {first!r}")
    stop = next((i for i in range(start, len(lines)) if last in lines[i]), None)
    if stop is None:
        raise ValueError(f"{obj.__qualname__}: no line after {first!r} contains {last!r}")
    return "\n".join(_dedent(lines[start:stop + 1]))


def _dedent(lines):
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return [line[indent:] for line in lines]


# ---- gate patterns -------------------------------------------------------------------------------


def vmax(a, b):
    """max(a, b) of two Values: the larger input's local derivative is 1, the other's 0."""
    first = a.data >= b.data
    return Value(max(a.data, b.data), "", (a, b), (float(first), float(not first)), "max")


GATE_DEMO = dict(a=2.0, b=-3.0, g=1.5)  # setting: the gates' inputs and upstream gradient
GATES = {"add": lambda a, b: a + b, "multiply": lambda a, b: a * b, "max": vmax}


def gate_grads(gate, a, b, g):
    """``(c, a.grad, b.grad)`` for ``c = gate(a, b)`` receiving the upstream gradient ``g``
    (the graph is ``loss = c · g``, so d loss/dc = g)."""
    if gate not in GATES:
        raise ValueError(f"gate must be one of {', '.join(GATES)}, got {gate!r}")
    va, vb = Value(a, label="a"), Value(b, label="b")
    c = GATES[gate](va, vb)
    c.label = "c"
    loss = c * g
    loss.label = "loss"
    loss.backward()
    return c, va.grad, vb.grad


# ---- an operation whose backward you write -------------------------------------------------------


class FnValue(Value):
    """A Value made by an operation that passes its gradient on with ``backward_fn(x, out)``.

    The engine's own operations store local derivatives and let one loop do
    ``x.grad += local * out.grad``; micrograd writes that line once per operation instead, in a
    function. This class is micrograd's way, for one operation of one input.
    """

    __slots__ = ("backward_fn",)

    def __init__(self, data, x, op, backward_fn):
        super().__init__(data, "", (x,), (), op)
        self.backward_fn = backward_fn


def softplus(x, backward_fn):
    r"""$\mathrm{softplus}(x) = \log(1 + e^x)$ of the Value ``x``; ``backward_fn(x, out)``
    passes the gradient on."""
    t = x.data
    s = t + math.log1p(math.exp(-t)) if t > 0 else math.log1p(math.exp(t))  # no overflow
    return FnValue(s, x, "softplus", backward_fn)


def backward_with_functions(root):
    """The engine's backward loop, except that an :class:`FnValue` calls its ``backward_fn``.

    Every gradient of the graph starts at 0 (the leaves too), the root's at 1.
    """
    order = root.topological_order()
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        if isinstance(node, FnValue):
            node.backward_fn(node.inputs[0], node)
        else:
            for child, local in zip(node.inputs, node.local_grads):
                child.grad += local * node.grad


def softplus_graph(x0, backward_fn):
    r"""$\mathcal L = s^2 + x^2$ with $s = \mathrm{softplus}(x)$ at ``x = x0``: the Values, after
    the backward pass. The loop reaches ``x`` through $x\cdot x$ before it reaches $s$, so a
    ``backward_fn`` that sets ``x.grad`` (``=``) instead of adding to it loses that share."""
    x = Value(x0, label="x")
    s = softplus(x, backward_fn)
    s.label = "s"
    loss = s * s + x * x
    loss.label = "loss"
    backward_with_functions(loss)
    return {"x": x, "s": s, "loss": loss}


def softplus_backward_reference(x, out):
    """The model answer: softplus'(x) = σ(x), times the upstream gradient, added."""
    x.grad += out.grad * float(sigmoid(x.data))


def fan_out_graph(a0):
    """``loss = tanh(a) · a``: ``a`` reaches the product along two edges."""
    a = Value(a0, label="a")
    t = a.tanh()
    t.label = "t"
    loss = t * a
    loss.label = "loss"
    return {"a": a, "t": t, "loss": loss}


def overwrite_demo(a0):
    """:func:`fan_out_graph` backpropagated twice: the engine's ``+=`` and a loop that writes
    ``=``. Returns ``(engine's a.grad, the overwriting loop's a.grad)``."""
    g = fan_out_graph(a0)
    a, loss = g["a"], g["loss"]
    order = loss.topological_order()
    for node in order:
        node.grad = 0.0
    loss.grad = 1.0
    for node in reversed(order):
        for child, local in zip(node.inputs, node.local_grads):
            child.grad = local * node.grad  # the bug: each edge replaces what others delivered
    overwritten = a.grad
    loss.zero_grad()
    loss.backward()
    return a.grad, overwritten
