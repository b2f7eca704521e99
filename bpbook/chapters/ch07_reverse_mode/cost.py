r"""Chapter 07's cost sections: backprop against finite differences, and forward against reverse
mode, counted on graphs of `Value`s; a tiny forward mode made of dual numbers.

Counting conventions. A forward pass computes one number per operation node (``nodes``); a
backward pass does one multiply-add per edge (``edges``), input ← node. Central differences need
two forward passes per parameter. Forward mode carries, next to each node's value, one tangent
per input direction (one multiply-add per edge and direction); reverse mode one backward pass per
output. So for a graph with ``n`` inputs of interest and ``k`` outputs:

- forward mode: ``nodes + n * edges`` (the values once, the edge work once per input);
- reverse mode: ``nodes + k * edges`` (the values once, the edge work once per output).

The networks here take one sample, a list of floats; :func:`mlp_loss` works for any number type
that has ``+ - * **`` and ``.sigmoid()`` (a `Value`, a :class:`Dual`), so both modes run the very
same code.
"""
import math

import numpy as np
from matplotlib.figure import Figure

from bpbook.activations import sigmoid
from bpbook.display import described, listing
from bpbook.engine import Value

# ---- the networks ------------------------------------------------------------------------------


def _check_sizes(sizes):
    if len(sizes) < 2 or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1
                             for n in sizes):
        raise ValueError(f"sizes must be at least two positive integers (inputs, ..., outputs), "
                         f"got {sizes!r}")


def mlp_setup(sizes, seed=0):
    """One input sample ``x`` (``sizes[0]`` floats) and the parameters (floats): each layer's
    weights row by row, then its biases (zero), layer after layer. Seeded, so always the same."""
    _check_sizes(sizes)
    rng = np.random.RandomState(seed)
    x = [float(v) for v in rng.randn(sizes[0])]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params += [float(w) for w in rng.randn(n_out * n_in)] + [0.0] * n_out
    return x, params


def mlp_outputs(params, x, sizes):
    """The sigmoid MLP's outputs $a_L$ for parameters ``params`` (in :func:`mlp_setup`'s order)."""
    a, k = list(x), 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W, b = params[k:k + n_in * n_out], params[k + n_in * n_out:k + (n_in + 1) * n_out]
        k += (n_in + 1) * n_out
        a = [sum((W[j * n_in + i] * a[i] for i in range(n_in)), b[j]).sigmoid()
             for j in range(n_out)]
    return a


def mlp_loss(params, x, sizes):
    r"""$\mathcal L = \tfrac12\sum_k (a_{L,k} - 1)^2$ of the sigmoid MLP (L layers)."""
    return sum(((ak - 1.0) ** 2 for ak in mlp_outputs(params, x, sizes)), 0.0) * 0.5


def mlp_graph(sizes, seed=0):
    """A sigmoid MLP of widths ``sizes`` on one sample, built from Values: (loss, parameters)."""
    x, theta = mlp_setup(sizes, seed)
    params = [Value(p) for p in theta]
    return mlp_loss(params, x, sizes), params


def graph_size(outputs):
    """``(nodes, edges)``: operation nodes (leaves excluded) and edges of the graph that computes
    the Values ``outputs``."""
    seen, stack = set(outputs), list(outputs)  # one walk over the union of their graphs
    while stack:
        for i in stack.pop().inputs:
            if i not in seen:
                seen.add(i)
                stack.append(i)
    nodes = [n for n in seen if n.inputs]
    return len(nodes), sum(len(n.inputs) for n in nodes)


# ---- why one backward pass is enough -------------------------------------------------------------


def work_counts(sizes):
    """Operations needed for every gradient of an MLP: backprop against central differences.

    One forward pass costs ``nodes`` operations (one per Value computed); the backward pass one
    multiply-add per edge. Central differences need two forward passes per parameter.
    """
    loss, params = mlp_graph(sizes)
    forward, backward = graph_size([loss])
    return {"sizes": list(sizes), "parameters": len(params), "forward": forward,
            "backprop": forward + backward, "finite differences": 2 * len(params) * forward}


def work_figure(rows):
    """Operations of backprop and of finite differences against the number of parameters."""
    fig = Figure(figsize=(6, 3.4), layout="constrained")
    ax = fig.subplots()
    p = [r["parameters"] for r in rows]
    for key, color in (("finite differences", "#d9480f"), ("backprop", "#1c7ed6")):
        ax.plot(p, [r[key] for r in rows], "o-", color=color, label=key)
    ax.set(xscale="log", yscale="log", xlabel="number of parameters",
           ylabel="operations for all gradients",
           title="one forward and one backward pass vs 2 passes per weight")
    ax.legend()
    alt = ("Operations for every gradient against the number of parameters, both axes "
           "logarithmic: " + listing(
               f"{r['parameters']} parameters, backprop {r['backprop']:,} and finite differences "
               f"{r['finite differences']:,}" for r in rows)
           + ". The finite-difference line is the steeper: its gap to backprop grows with the "
           "number of parameters.")
    return described(fig, alt)


# ---- forward mode: dual numbers ------------------------------------------------------------------


class Dual:
    r"""A dual number $a + \dot a\,\varepsilon$ with $\varepsilon^2 = 0$: a value ``val`` and its
    tangent ``dot``, the derivative of ``val`` along one chosen input direction (a float), or
    along several directions at once (a numpy array, one entry per direction).

    Each operation computes its value and, beside it, the tangent: local derivative × the input's
    tangent, summed over the inputs (the chain rule run forwards, one multiply-add per edge).
    """

    __slots__ = ("val", "dot")

    def __init__(self, val, dot=0.0):
        self.val, self.dot = float(val), dot

    @staticmethod
    def _lift(other):
        return other if isinstance(other, Dual) else Dual(other)

    def __add__(self, other):
        other = self._lift(other)
        return Dual(self.val + other.val, self.dot + other.dot)  # locals 1, 1

    __radd__ = __add__

    def __sub__(self, other):
        other = self._lift(other)
        return Dual(self.val - other.val, self.dot - other.dot)  # locals 1, -1

    def __rsub__(self, other):
        return self._lift(other) - self

    def __mul__(self, other):
        other = self._lift(other)
        a, b = self.val, other.val
        return Dual(a * b, b * self.dot + a * other.dot)  # locals b, a

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = self._lift(other)
        a, b = self.val, other.val
        return Dual(a / b, self.dot / b - a / (b * b) * other.dot)  # locals 1/b, -a/b^2

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __neg__(self):
        return Dual(-self.val, -self.dot)  # local -1

    def __pow__(self, n):
        x = self.val
        local = 0.0 if n == 0 else n * x ** (n - 1)  # n x^(n-1)
        return Dual(x**n, local * self.dot)

    def __rpow__(self, base):
        out = base**self.val
        return Dual(out, out * math.log(base) * self.dot)  # local c^x ln c

    def exp(self):
        e = math.exp(self.val)
        return Dual(e, e * self.dot)  # local e^x

    def tanh(self):
        t = math.tanh(self.val)
        return Dual(t, (1.0 - t * t) * self.dot)  # local 1 - tanh^2

    def sigmoid(self):
        s = float(sigmoid(self.val))
        return Dual(s, s * (1.0 - s) * self.dot)  # local σ(1 - σ)

    def log(self):
        return Dual(math.log(self.val), self.dot / self.val)  # local 1/x

    def relu(self):
        return self.leaky_relu(0.0)

    def leaky_relu(self, slope=0.01):
        local = 1.0 if self.val > 0.0 else slope  # the kink's derivative taken as Value's
        return Dual(self.val * local, local * self.dot)

    def __repr__(self):
        return f"Dual({self.val:.6g}, dot={self.dot:.6g})"


def _as_list(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def jvp(f, x, v):
    r"""Forward mode: ``(f(x), J v)``, one pass of dual numbers seeded with the direction ``v``.

    ``f`` maps a list of numbers to a number or a list of numbers."""
    if len(v) != len(x):
        raise ValueError(f"jvp: the direction v needs one entry per input ({len(x)}), "
                         f"got {len(v)}")
    out = _as_list(f([Dual(xi, vi) for xi, vi in zip(x, v)]))
    return [o.val for o in out], [o.dot for o in out]


def vjp(f, x, u):
    r"""Reverse mode: ``(f(x), uᵀ J)``, one backward pass from $\sum_k u_k f_k(x)$."""
    xs = [Value(xi) for xi in x]
    out = _as_list(f(xs))
    if len(u) != len(out):
        raise ValueError(f"vjp: the weights u need one entry per output ({len(out)}), "
                         f"got {len(u)}")
    sum(o * uk for o, uk in zip(out, u)).backward()
    return [o.data for o in out], [xi.grad for xi in xs]


def jacobian_forward(f, x):
    """The Jacobian, ``J[k][i] = df_k/dx_i``, one column per forward-mode pass (``len(x)``
    passes)."""
    cols = [jvp(f, x, [float(i == j) for i in range(len(x))])[1] for j in range(len(x))]
    return np.array(cols).T


def jacobian_reverse(f, x):
    """The Jacobian, one row per reverse-mode pass (one pass per output)."""
    k = len(_as_list(f([Value(xi) for xi in x])))
    return np.array([vjp(f, x, [float(i == r) for i in range(k)])[1] for r in range(k)])


def mode_counts(sizes):
    """Forward vs reverse mode on one network of widths ``sizes``, two questions, counted.

    ``"every ∂ℒ/∂θ"``: every parameter's gradient of the loss (``P`` inputs, 1 output);
    ``"every ∂a_L/∂x₁"``: how every output moves with the first input (1 input, ``K`` outputs).
    Each row: inputs, outputs, nodes, edges, and the operations of each mode (module docstring).
    """
    x, theta = mlp_setup(sizes)
    params = [Value(p) for p in theta]
    loss_graph = graph_size([mlp_loss(params, x, sizes)])
    xs = [Value(xi) for xi in x]
    out_graph = graph_size(mlp_outputs(theta, xs, sizes))
    rows = []
    for question, n, k, (nodes, edges) in (("every ∂ℒ/∂θ", len(theta), 1, loss_graph),
                                           ("every ∂a_L/∂x₁", 1, sizes[-1], out_graph)):
        rows.append({"question": question, "inputs": n, "outputs": k, "nodes": nodes,
                     "edges": edges, "forward mode": nodes + n * edges,
                     "reverse mode": nodes + k * edges})
    return rows


MODE_SIZES = [4, 16, 16, 8]  # setting: the network on which the chapter counts both modes


def mode_figure(rows):
    """Operations of forward and reverse mode for each question of :func:`mode_counts`."""
    fig = Figure(figsize=(6.5, 3.2), layout="constrained")
    ax = fig.subplots()
    width = 0.38
    for shift, mode, color in ((-width / 2, "forward mode", "#d9480f"),
                               (width / 2, "reverse mode", "#1c7ed6")):
        values = [r[mode] for r in rows]
        bars = ax.bar([i + shift for i in range(len(rows))], values, width, color=color,
                      label=mode)
        ax.bar_label(bars, [f"{v:,}" for v in values], fontsize=8)
    ax.set_xticks(range(len(rows)),
                  [f"{r['question']}\n({r['inputs']} in, {r['outputs']} out)" for r in rows])
    ax.set(yscale="log", ylabel="operations", title="the same network, two questions")
    ax.margins(y=0.25)
    ax.legend(loc="upper right")
    alt = ("Bars of operations, logarithmic, for two questions on the same network: " + listing(
        f"{r['question']} ({_count(r['inputs'], 'input')}, {_count(r['outputs'], 'output')}): "
        f"forward mode "
        f"{r['forward mode']:,}, reverse mode {r['reverse mode']:,}" for r in rows) + ".")
    return described(fig, alt)


def _count(n, noun):
    return f"{n} {noun}" + ("" if n == 1 else "s")


def forward_mode_gradient(sizes, seed=0):
    """Every ∂ℒ/∂θ of :func:`mlp_graph`'s network by forward mode: one pass of dual numbers
    whose tangents are vectors with one entry per parameter (parameter j is seeded with e_j)."""
    x, theta = mlp_setup(sizes, seed)
    seeds = np.eye(len(theta))
    return mlp_loss([Dual(p, seeds[j]) for j, p in enumerate(theta)], x, sizes).dot
