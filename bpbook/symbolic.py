r"""SymPy derivations: the loss of a small network as an expression of its parameters.

:class:`SymbolicMLP` builds, for layer widths ``sizes`` and one sample, the symbols
``W{l}_{i}{j}`` and ``b{l}_{i}`` (layer ``l`` from 1, row ``i`` and column ``j`` from 1), the
inputs ``x{j}`` and targets ``y{i}``, and the loss $L = \tfrac12\sum_i(\hat y_i - y_i)^2$ (the
worked example's ½-MSE for one sample). Every $\partial L/\partial\theta$ is derived with
``sympy.diff`` and turned into a numpy function with ``sympy.lambdify``, so the book can compare
closed forms with bpbook's backprop and with finite differences.

Parameter names match :meth:`bpbook.model.Sequential.parameters` (``layer1.W``, ``layer1.b``, …)
and :meth:`SymbolicMLP.gradients_at` returns arrays shaped like bpbook's ``(n_out, n_in)`` and
``(n_out, 1)``.
"""
import numpy as np
import sympy as sp

from bpbook.errors import ShapeError, unknown_name

SYMBOLIC_ACTIVATIONS = {
    "sigmoid": lambda z: 1 / (1 + sp.exp(-z)),
    "tanh": sp.tanh,
    "identity": lambda z: z,
    "relu": lambda z: sp.Max(0, z),
}


class SymbolicMLP:
    """A fully symbolic MLP on one sample with ½-MSE loss."""

    def __init__(self, sizes, activation="sigmoid", output="sigmoid"):
        for name in (activation, output):
            if name not in SYMBOLIC_ACTIVATIONS:
                raise unknown_name("symbolic activation", name, SYMBOLIC_ACTIVATIONS)
        self.sizes = list(sizes)
        self.x = sp.Matrix(sp.symbols(f"x1:{sizes[0] + 1}", real=True))
        self.y = sp.Matrix(sp.symbols(f"y1:{sizes[-1] + 1}", real=True))
        self.params = {}  # name -> sympy Matrix of symbols, shaped like bpbook's array
        a = self.x
        for l in range(1, len(sizes)):
            n_in, n_out = sizes[l - 1], sizes[l]
            W = sp.Matrix(n_out, n_in, lambda i, j: sp.Symbol(f"W{l}_{i + 1}{j + 1}", real=True))
            b = sp.Matrix(n_out, 1, lambda i, j: sp.Symbol(f"b{l}_{i + 1}", real=True))
            self.params[f"layer{l}.W"], self.params[f"layer{l}.b"] = W, b
            f = SYMBOLIC_ACTIVATIONS[activation if l < len(sizes) - 1 else output]
            a = (W * a + b).applyfunc(f)
        self.y_hat = a
        self.loss = sum((a[i] - self.y[i]) ** 2 for i in range(len(a))) / 2
        self.symbols = [s for m in self.params.values() for s in m] + list(self.x) + list(self.y)
        self.grads = {name: m.applyfunc(lambda s: sp.diff(self.loss, s))
                      for name, m in self.params.items()}
        self._loss_fn = sp.lambdify(self.symbols, self.loss, "numpy")
        self._grad_fns = {name: sp.lambdify(self.symbols, g, "numpy")
                          for name, g in self.grads.items()}

    def _values(self, params, x, y):
        vals = []
        for name, m in self.params.items():
            arr = np.asarray(params[name], dtype=float)
            if arr.shape != m.shape:
                raise ShapeError(f"SymbolicMLP: {name} should have shape {m.shape}, "
                                 f"got {arr.shape}")
            vals.extend(arr.ravel())
        x, y = np.ravel(x), np.ravel(y)
        if x.size != self.sizes[0] or y.size != self.sizes[-1]:
            raise ShapeError(f"SymbolicMLP: x should hold {self.sizes[0]} values and y "
                             f"{self.sizes[-1]}, got {x.size} and {y.size}")
        return [*vals, *x, *y]

    def loss_at(self, params, x, y):
        """The loss for ``params`` (a dict name → array, e.g. ``{n: v for n, v, _ in
        model.parameters()}``) and one sample."""
        return float(self._loss_fn(*self._values(params, x, y)))

    def gradients_at(self, params, x, y):
        """Every closed-form gradient evaluated: dict name → array shaped like the parameter."""
        vals = self._values(params, x, y)
        return {name: np.array(fn(*vals), dtype=float).reshape(self.params[name].shape)
                for name, fn in self._grad_fns.items()}


def params_of(model):
    """``{name: array}`` of a bpbook model's parameters, for :class:`SymbolicMLP`."""
    return {name: value for name, value, _ in model.parameters()}


class sigma(sp.Function):
    r"""The sigmoid as a SymPy function that knows its derivative, $\sigma' = \sigma(1-\sigma)$,
    so derived gradients read like the text instead of a tower of exponentials."""

    def fdiff(self, argindex=1):
        s = sigma(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))


WORKED_SYMBOLS = sp.symbols("x_1 x_2 y W_11 W_12 b_1 W_2 b_2", real=True)


def worked_symbolic():
    """The worked example's loss and its five gradients, with the sigmoid kept as ``sigma``.

    Returns ``(symbols, L, grads)``: ``symbols`` maps the names of
    :data:`bpbook.worked.DEFAULTS` (x1 … b2) to SymPy symbols, ``L`` is the loss expression and
    ``grads`` maps W2, b2, W11, W12, b1 to ``sympy.diff(L, θ)``.
    """
    x1, x2, y, W11, W12, b1, W2, b2 = WORKED_SYMBOLS
    names = dict(zip(["x1", "x2", "y", "W11", "W12", "b1", "W2", "b2"], WORKED_SYMBOLS))
    z1 = W11 * x1 + W12 * x2 + b1
    y_hat = sigma(W2 * sigma(z1) + b2)
    L = (y_hat - y) ** 2 / 2
    grads = {p: sp.diff(L, names[p]) for p in ("W2", "b2", "W11", "W12", "b1")}
    return names, L, grads


def evaluate(expr, symbols, values):
    """A float: ``expr`` (which may contain ``sigma``) at ``values`` (name → number)."""
    subs = {symbols[k]: v for k, v in values.items() if k in symbols}
    return float(expr.rewrite(sp.exp).subs(subs).evalf(30))
