r"""A scalar autograd engine: `Value`, one number in a computation graph, and its gradient.

Chapters 01 (chain rule) and 02 (computation graph) build small graphs from Values, draw them
(`bpbook.draw`) and replay their backward pass step by step (`Value.backward(record=True)`).

The surface is micrograd's, so readers who know it feel at home::

    a = Value(2.0, label="a")
    L = (a * 3 + 1).tanh()
    L.backward()
    a.grad            # dL/da

Conventions
-----------
- ``data`` and ``grad`` are Python floats (float64). Plain ``int``/``float`` numbers may stand on
  either side of ``+ - * / **``; they become constant leaves of the graph.
- Each operation computes its output and, on the same lines, its *local derivatives*
  :math:`\partial\,\mathrm{out}/\partial\,\mathrm{input}`, stored with the output node (``_local``,
  one per input in ``_prev``). ``backward()`` walks the graph from the output to the leaves and
  does one thing per edge: ``input.grad += local * upstream``. The ``+=`` is what makes a node
  used twice (fan-out, ``a * a``) receive the sum of both paths.
- Gradient semantics (PyTorch's, made explicit):

  * ``backward()`` sets ``d out/d out = 1`` and recomputes the gradient of every intermediate node
    of the graph from scratch;
  * leaves (Values you built yourself) *accumulate*: two backward passes from two different
    outputs add up in a shared leaf, until you zero it;
  * calling ``backward()`` a second time from the same output raises ``RuntimeError`` instead of
    silently doubling the leaves' gradients (micrograd's behaviour); call ``zero_grad()`` on that
    output first, which clears every gradient in its graph.
- The topological order is built with an explicit stack, not recursion: a chain of 100,000
  nodes backpropagates fine.
- Numbers: any finite real number is accepted (``int``, ``float``, ``fractions.Fraction``,
  ``decimal.Decimal``, numpy scalars) and becomes a float; booleans, strings, complex numbers,
  NaN, infinities and numbers beyond the largest float (``10**400``) are refused.
- Bad input raises at once with a message naming what was expected and what was received:
  a non-number → ``TypeError``; ``log`` of a non-positive number, a fractional power of a negative
  number → ``ValueError``; a result too large for a float → ``OverflowError``. No NaN slips
  through (all of them are :class:`bpbook.errors.BpbookError`).
- A ``backward()`` that raises (a gradient too large for a float) leaves every gradient of the
  graph as it was before the call, and the output can be differentiated again.
- Leaky ReLU's slope follows :func:`bpbook.activations.check_slope`, the rule of the vectorized
  core: a finite number >= 0.
"""
import math
from decimal import Decimal
from numbers import Real
from typing import NamedTuple

from bpbook.activations import check_slope
from bpbook.errors import (DivisionByZeroError, FloatOverflowError, InputError, InputTypeError,
                           MAX_LABEL, label as check_label, short_repr)


class Step(NamedTuple):
    """One multiplication of the backward pass: ``node`` passes ``upstream * local`` to ``input``.

    ``upstream`` is dL/d(node), ``local`` is d(node)/d(input), ``passed`` is their product, the
    share of dL/d(input) that travels along this edge.
    """

    node: "Value"
    input: "Value"
    upstream: float
    local: float
    passed: float


class Value:
    """A scalar node: ``data`` (forward value), ``grad`` (dL/d this node), optional ``label``."""

    __slots__ = ("data", "grad", "label", "_prev", "_local", "_op", "_ran")

    def __init__(self, data, label="", _prev=(), _local=(), _op=""):
        if not _prev:
            data = _as_float(data)
        elif data - data != 0.0:  # inf or nan
            raise _overflow(_op, _prev, data)
        self.data = data
        self.grad = 0.0
        self.label = (label if label.__class__ is str and len(label) <= MAX_LABEL
                      else check_label(label, "Value: label"))
        self._prev = _prev  # the inputs of the operation that made this node
        self._local = _local  # d(this)/d(input), one per input
        self._op = _op
        self._ran = False

    # ---- binary operations: forward value, then (inputs), then (local derivatives) ----------

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, "", (self, other), (1.0, 1.0), "+")

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data - other.data, "", (self, other), (1.0, -1.0), "-")

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        a, b = self.data, other.data
        return Value(a * b, "", (self, other), (b, a), "*")  # d(ab)/da = b, d(ab)/db = a

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        a, b = self.data, other.data
        if b == 0.0:
            raise DivisionByZeroError(f"division by a Value equal to 0 (numerator {a!r})")
        local_a = _finite(1.0 / b, "d(a/b)/da = 1/b", b)
        local_b = _finite(-(a / b) / b, "d(a/b)/db = -a/b^2", b)
        return Value(a / b, "", (self, other), (local_a, local_b), "/")

    def __pow__(self, n):
        if isinstance(n, Value):
            raise InputTypeError(
                "x ** y with a Value exponent is not supported: the exponent must be a plain number "
                f"(int or float), got Value({n.data!r}); for a variable exponent write "
                "(y * x.log()).exp()"
            )
        n = _as_float(n)
        x = self.data
        _check_pow_domain(x, n)
        # d(x^n)/dx = n x^(n-1)
        local = 0.0 if n == 0.0 else _finite(n * _pow(x, n - 1.0), f"d(x^{n:g})/dx", x)
        return Value(_pow(x, n), "", (self,), (local,), f"**{n:g}")

    def __rpow__(self, base):
        base = _as_float(base)
        if base <= 0.0:
            raise InputError(f"c ** x needs a positive base c, got c = {base!r}")
        out = _pow(base, self.data)
        local = _finite(out * math.log(base), "d(c^x)/dx = c^x ln c", self.data)
        return Value(out, "", (self,), (local,), f"{base:g}**")

    # ---- unary operations ------------------------------------------------------------------

    def __neg__(self):
        return Value(-self.data, "", (self,), (-1.0,), "neg")

    def exp(self):
        x = self.data
        try:
            e = math.exp(x)
        except OverflowError:
            raise FloatOverflowError(f"exp({x!r}) is too large for a float") from None
        return Value(e, "", (self,), (e,), "exp")  # d(e^x)/dx = e^x

    def log(self):
        x = self.data
        if x <= 0.0:
            raise InputError(f"log needs a positive number, got {x!r}")
        return Value(math.log(x), "", (self,), (_finite(1.0 / x, "d(ln x)/dx = 1/x", x),), "log")

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, "", (self,), (1.0 - t * t,), "tanh")  # d(tanh x)/dx = 1 - tanh^2 x

    def sigmoid(self):
        s = _sigmoid(self.data)
        return Value(s, "", (self,), (s * (1.0 - s),), "sigmoid")  # dσ/dx = σ(1 - σ)

    def relu(self):
        x = self.data
        return Value(x if x > 0.0 else 0.0, "", (self,), (1.0 if x > 0.0 else 0.0,), "relu")

    def leaky_relu(self, slope=0.01):
        x = self.data
        local = 1.0 if x > 0.0 else check_slope(slope)
        return Value(x * local, "", (self,), (local,), "leaky_relu")

    # ---- numbers on the left-hand side -----------------------------------------------------

    def __radd__(self, other):
        return Value(other) + self

    def __rsub__(self, other):
        return Value(other) - self

    def __rmul__(self, other):
        return Value(other) * self

    def __rtruediv__(self, other):
        return Value(other) / self

    # ---- the backward pass -----------------------------------------------------------------

    def backward(self, record=False):
        """Fill ``grad`` of every node of the graph with d(self)/d(node).

        With ``record=True`` return the backward pass as a list of `Step`, one per edge, in the
        order the multiplications happened (a reverse topological order of the nodes).
        """
        if self._ran:
            raise RuntimeError(
                "backward() already ran from this Value: a second pass would add the same "
                "gradients to the leaves again (doubling them). Call .zero_grad() on it first "
                "to clear every gradient of its graph, or rebuild the expression."
            )
        order = self.topological_order()
        before = [node.grad for node in order]  # put back if the pass fails
        for node in order:
            if node._prev:
                node.grad = 0.0  # intermediate gradients belong to one pass; leaves accumulate
        self.grad += 1.0
        self._ran = True
        if record:
            return _backward_recorded(order, before)
        for node in reversed(order):
            up = node.grad
            if up - up != 0.0:
                raise _bad_gradient(node, order, before)
            if len(node._prev) == 2:  # unrolled for speed: the same as the loop below
                a, b = node._prev
                local_a, local_b = node._local
                a.grad += local_a * up
                b.grad += local_b * up
            else:
                for child, local in zip(node._prev, node._local):
                    child.grad += local * up
        return None

    def zero_grad(self):
        """Set ``grad`` to 0 in every node of this Value's graph, leaves included."""
        for node in self.topological_order():
            node.grad = 0.0
            node._ran = False

    def topological_order(self):
        """Every node of the graph, each one after all of its inputs (ending with ``self``).

        Depth-first search with an explicit stack of (node, iterator over its inputs): a node is
        placed once its iterator is exhausted, that is once all its inputs are placed.
        """
        order, seen, stack = [], {self}, [(self, iter(self._prev))]
        while stack:
            node, inputs = stack[-1]
            for child in inputs:
                if child not in seen:
                    seen.add(child)
                    stack.append((child, iter(child._prev)))
                    break
            else:
                stack.pop()
                order.append(node)
        return order

    # ---- reading a node --------------------------------------------------------------------

    @property
    def op(self):
        """The operation that made this node ('' for a leaf)."""
        return self._op

    @property
    def inputs(self):
        """The nodes this one was computed from (empty for a leaf)."""
        return self._prev

    @property
    def local_grads(self):
        """d(this)/d(input) for each input, evaluated at the forward values."""
        return self._local

    def __repr__(self):
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{name})"


def _backward_recorded(order, before):
    """The backward loop of `Value.backward`, keeping a `Step` per edge."""
    steps = []
    for node in reversed(order):
        up = node.grad
        if up - up != 0.0:
            raise _bad_gradient(node, order, before)
        for child, local in zip(node._prev, node._local):
            child.grad += local * up
            steps.append(Step(node, child, up, local, local * up))
    return steps


def _bad_gradient(node, order, before):
    """The error for a gradient that overflowed, after putting every gradient of the graph back
    to ``before`` (and the output, ``order[-1]``, back to "not run")."""
    made = f"made by '{node._op}'" if node._op else "a leaf"
    error = FloatOverflowError(f"the gradient reaching {node!r} ({made}) is not finite; every "
                               "gradient is left as it was before backward()")
    for n, grad in zip(order, before):
        n.grad = grad
    order[-1]._ran = False
    return error


def _as_float(x):
    """``x`` as a finite float, or a clear error (see the module docstring for the rule)."""
    if type(x) is float and x - x == 0.0:
        return x
    if isinstance(x, Value):
        raise InputTypeError(f"expected a plain number (int or float), got {x!r}")
    if isinstance(x, bool) or not isinstance(x, (Real, Decimal)):
        raise InputTypeError(f"expected a real number (int, float, Fraction, Decimal), got "
                             f"{type(x).__name__} {short_repr(x)}")
    try:
        value = float(x)
    except OverflowError:  # an int or Fraction beyond the largest float
        value = math.inf
    except ValueError:  # Decimal('sNaN')
        value = math.nan
    if not math.isfinite(value):
        raise InputError(f"expected a finite number (|x| <= {_FLOAT_MAX:.4g}), got {_shown(x)}")
    return value


def _shown(x):
    """``x`` for a message: a huge int by its number of digits, not 400 of them."""
    if isinstance(x, int) and abs(x).bit_length() > 100:
        return f"an int of {int(abs(x).bit_length() * math.log10(2)) + 1} digits"
    return short_repr(x, 40)


_FLOAT_MAX = 1.7976931348623157e308


def _check_pow_domain(x, n):
    if x < 0.0 and not n.is_integer():
        raise InputError(f"x ** {n:g} needs x >= 0 (a fractional power), got x = {x!r}")
    if x == 0.0 and n < 0.0:
        raise InputError(f"x ** {n:g} needs x != 0 (a negative power), got x = 0")
    if x == 0.0 and 0.0 < n < 1.0:
        raise InputError(f"x ** {n:g} has an infinite derivative at x = 0; got x = 0")


def _pow(x, n):
    try:
        return x**n
    except OverflowError:
        raise FloatOverflowError(f"{x!r} ** {n!r} is too large for a float") from None


def _finite(local, what, x):
    if local - local != 0.0:
        raise FloatOverflowError(f"{what} at {x!r} is {local}, too large for a float")
    return local


def _sigmoid(x):
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # this form never overflows for very negative x
    return e / (1.0 + e)


def _overflow(op, inputs, data):
    values = ", ".join(repr(v.data) for v in inputs)
    return FloatOverflowError(f"'{op}' of ({values}) gives {data}, not a finite number")
