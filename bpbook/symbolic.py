r"""SymPy derivations: the loss of a small network as an expression of its parameters.

:class:`SymbolicMLP` builds, for layer widths ``sizes`` and one sample, the symbols
``W{l}_{i}{j}`` and ``b{l}_{i}`` (layer ``l`` from 1, row ``i`` and column ``j`` from 1), the
inputs ``x{j}`` and targets ``y{i}``, and the loss $L = \tfrac12\sum_i(\hat y_i - y_i)^2$ (the
worked example's ½-MSE for one sample). With ``batch=m`` it takes ``m`` samples as the columns of
``X`` ``(n_0, m)`` and ``Y`` ``(n_L, m)`` (symbols ``x{j}_{k}``, ``y{i}_{k}``, sample ``k`` from
1) and the whole batch's loss, $L = \frac1m\sum_k \tfrac12\sum_i(\hat y_{ik} - y_{ik})^2$, as
bpbook's ``mse``. Every $\partial L/\partial\theta$ is derived with
``sympy.diff`` and turned into a numpy function with ``sympy.lambdify``, so the book can compare
closed forms with bpbook's backprop and with finite differences.

Parameter names match :meth:`bpbook.model.Sequential.parameters` (``layer1.W``, ``layer1.b``, …)
and :meth:`SymbolicMLP.gradients_at` returns arrays shaped like bpbook's ``(n_out, n_in)`` and
``(n_out, 1)``. The sigmoid is :class:`sigma`, a SymPy function that knows its derivative
$\sigma(1-\sigma)$ (chapter 3 checks that rule against ``diff`` of $1/(1+e^{-z})$); it keeps the
derived expressions, and the time SymPy takes to build them, small.
"""
import numpy as np
import sympy as sp

from bpbook.errors import ShapeError, unknown_name


class sigma(sp.Function):
    r"""The sigmoid as a SymPy function that knows its derivative, $\sigma' = \sigma(1-\sigma)$,
    so derived gradients read like the text instead of a tower of exponentials."""

    def fdiff(self, argindex=1):
        s = sigma(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))


# lambdify turns ``sigma`` into numpy's sigmoid
NUMPY = [{"sigma": lambda z: 1 / (1 + np.exp(-z))}, "numpy"]

SYMBOLIC_ACTIVATIONS = {
    "sigmoid": sigma,
    "tanh": sp.tanh,
    "identity": lambda z: z,
    "relu": lambda z: sp.Max(0, z),
}


class SymbolicMLP:
    """A fully symbolic MLP on one sample (or ``batch`` samples) with ½-MSE loss."""

    def __init__(self, sizes, activation="sigmoid", output="sigmoid", batch=1):
        for name in (activation, output):
            if name not in SYMBOLIC_ACTIVATIONS:
                raise unknown_name("symbolic activation", name, SYMBOLIC_ACTIVATIONS)
        if not (isinstance(batch, int) and batch >= 1):
            raise ValueError(f"SymbolicMLP: batch must be a positive integer, got {batch!r}")
        self.sizes, self.batch = list(sizes), batch
        self.x, self.y = _data_symbols("x", sizes[0], batch), _data_symbols("y", sizes[-1], batch)
        self.params = {}  # name -> sympy Matrix of symbols, shaped like bpbook's array
        a = self.x
        for l in range(1, len(sizes)):
            n_in, n_out = sizes[l - 1], sizes[l]
            W = sp.Matrix(n_out, n_in, lambda i, j: sp.Symbol(f"W{l}_{i + 1}{j + 1}", real=True))
            b = sp.Matrix(n_out, 1, lambda i, j: sp.Symbol(f"b{l}_{i + 1}", real=True))
            self.params[f"layer{l}.W"], self.params[f"layer{l}.b"] = W, b
            f = SYMBOLIC_ACTIVATIONS[activation if l < len(sizes) - 1 else output]
            # b is added to every column: the broadcast of the numpy code, written out
            a = (W * a + b * sp.ones(1, batch)).applyfunc(f)
        self.y_hat = a
        self.loss = sum((a[i] - self.y[i]) ** 2 for i in range(len(a))) / (2 * batch)
        self.symbols = [s for m in self.params.values() for s in m] + list(self.x) + list(self.y)
        self.grads = {name: m.applyfunc(lambda s: sp.diff(self.loss, s))
                      for name, m in self.params.items()}
        self._loss_fn = sp.lambdify(self.symbols, self.loss, NUMPY)
        # one function for all gradients: their common subexpressions are computed once
        self._grads_fn = sp.lambdify(self.symbols, list(self.grads.values()), NUMPY, cse=True)

    def _values(self, params, x, y):
        vals = []
        for name, m in self.params.items():
            arr = np.asarray(params[name], dtype=float)
            if arr.shape != m.shape:
                raise ShapeError(f"SymbolicMLP: {name} should have shape {m.shape}, "
                                 f"got {arr.shape}")
            vals.extend(arr.ravel())
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if x.size != self.x.rows * self.batch or y.size != self.y.rows * self.batch:
            raise ShapeError(f"SymbolicMLP: x should have shape {self.x.shape} and y "
                             f"{self.y.shape} (samples are columns), got {x.shape} and {y.shape}")
        # sympy's Matrix iterates row by row, like numpy's ravel of a (rows, batch) array
        return [*vals, *x.reshape(self.x.shape).ravel(), *y.reshape(self.y.shape).ravel()]

    def loss_at(self, params, x, y):
        """The loss for ``params`` (a dict name → array, e.g. ``{n: v for n, v, _ in
        model.parameters()}``) and the sample(s) ``x``, ``y``."""
        return float(self._loss_fn(*self._values(params, x, y)))

    def gradients_at(self, params, x, y):
        """Every closed-form gradient evaluated: dict name → array shaped like the parameter."""
        values = self._grads_fn(*self._values(params, x, y))
        return {name: np.array(v, dtype=float).reshape(self.params[name].shape)
                for name, v in zip(self.grads, values)}


def _data_symbols(letter, rows, batch):
    """A ``(rows, batch)`` Matrix of real symbols: ``x1, x2, …`` for one sample, else ``x1_1, …``
    (row, then sample)."""
    if batch == 1:
        return sp.Matrix(sp.symbols(f"{letter}1:{rows + 1}", real=True))
    return sp.Matrix(rows, batch, lambda i, k: sp.Symbol(f"{letter}{i + 1}_{k + 1}", real=True))


def params_of(model):
    """``{name: array}`` of a bpbook model's parameters, for :class:`SymbolicMLP`."""
    return {name: value for name, value, _ in model.parameters()}


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
