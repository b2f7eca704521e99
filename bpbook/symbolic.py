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
derived expressions, and the time SymPy takes to build them, small. ReLU is :class:`relu`, whose
derivative at 0 is 0, as in bpbook and torch (SymPy's own ``Max(0, z)`` would give
``Heaviside(0) = 1/2`` there).

Input is checked as everywhere in bpbook (:mod:`bpbook.errors`): ``sizes`` at least two widths
of at most :data:`MAX_SYMBOLS` parameters in all (SymPy slows down fast), ``params`` a dict
holding every parameter by name, finite and of its shape, ``x`` ``(n_0, batch)`` and ``y``
``(n_L, batch)`` real and finite; a 1-D ``x`` or ``y`` only for ``batch = 1`` (one sample).
"""
from types import MappingProxyType

import numpy as np
import sympy as sp

from bpbook.errors import (InputError, InputTypeError, ShapeError, check_data, check_name,
                           count, real_array, real_number, short_repr)

MAX_SYMBOLS = 200  # weights and biases: beyond this SymPy takes minutes


class sigma(sp.Function):
    r"""The sigmoid as a SymPy function that knows its derivative, $\sigma' = \sigma(1-\sigma)$,
    so derived gradients read like the text instead of a tower of exponentials."""

    def fdiff(self, argindex=1):
        s = sigma(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))


class relu(sp.Function):
    r"""ReLU, $\max(0, z)$, whose derivative is 1 for $z > 0$ and 0 otherwise (at 0 too, the
    subgradient bpbook and torch use)."""

    def fdiff(self, argindex=1):
        return sp.Heaviside(self.args[0], 0)  # H(0) = 0

    def _eval_rewrite_as_Max(self, x, **kwargs):
        return sp.Max(0, x)


# lambdify turns ``sigma`` and ``relu`` into numpy functions
NUMPY = [{"sigma": lambda z: 1 / (1 + np.exp(-z)), "relu": lambda z: np.maximum(z, 0.0)},
         "numpy"]

SYMBOLIC_ACTIVATIONS = MappingProxyType({
    "sigmoid": sigma,
    "tanh": sp.tanh,
    "identity": lambda z: z,
    "relu": relu,
})


class SymbolicMLP:
    """A fully symbolic MLP on one sample (or ``batch`` samples) with ½-MSE loss."""

    def __init__(self, sizes, activation="sigmoid", output="sigmoid", batch=1):
        sizes = _sizes(sizes)
        check_name(activation, "SymbolicMLP: activation", SYMBOLIC_ACTIVATIONS)
        check_name(output, "SymbolicMLP: output activation", SYMBOLIC_ACTIVATIONS)
        batch = count(batch, "SymbolicMLP: batch", low=1, high=MAX_SYMBOLS)
        self.sizes, self.batch = sizes, batch
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
        if not hasattr(params, "keys"):
            raise InputTypeError(f"SymbolicMLP: params should be a dict name → array (e.g. "
                                 f"params_of(model)), got {type(params).__name__} "
                                 f"{short_repr(params)}")
        vals = []
        for name, m in self.params.items():
            if name not in params:
                raise InputError(f"SymbolicMLP: params should hold {', '.join(self.params)}; "
                                 f"{name!r} is missing (got {', '.join(map(repr, params))})")
            arr = real_array(params[name], f"SymbolicMLP: params[{name!r}]", np.float64)
            if arr.shape != m.shape:
                raise ShapeError(f"SymbolicMLP: {name} should have shape {m.shape}, "
                                 f"got {arr.shape}")
            vals.extend(check_data(arr, f"SymbolicMLP: params[{name!r}]").ravel())
        x, y = (self._data(v, what, rows) for v, what, rows in ((x, "x", self.x.rows),
                                                                 (y, "y", self.y.rows)))
        # sympy's Matrix iterates row by row, like numpy's ravel of a (rows, batch) array
        return [*vals, *x.ravel(), *y.ravel()]

    def _data(self, v, what, rows):
        """``x`` or ``y`` as a checked ``(rows, batch)`` array (1-D only for one sample)."""
        shape = (rows, self.batch)
        arr = real_array(v, f"SymbolicMLP: {what}", np.float64)
        if arr.ndim == 1 and self.batch == 1 and arr.shape[0] == rows:
            arr = arr.reshape(shape)
        if arr.shape != shape:
            raise ShapeError(f"SymbolicMLP: {what} should have shape {shape} (samples are "
                             f"columns; a 1-D {what} only for batch 1), got {arr.shape}")
        return check_data(arr, f"SymbolicMLP: {what}")

    def loss_at(self, params, x, y):
        """The loss for ``params`` (a dict name → array, e.g. ``{n: v for n, v, _ in
        model.parameters()}``) and the sample(s) ``x``, ``y``."""
        return float(self._loss_fn(*self._values(params, x, y)))

    def gradients_at(self, params, x, y):
        """Every closed-form gradient evaluated: dict name → array shaped like the parameter."""
        values = self._grads_fn(*self._values(params, x, y))
        return {name: np.array(v, dtype=float).reshape(self.params[name].shape)
                for name, v in zip(self.grads, values)}


def _sizes(sizes):
    """``sizes`` as a list of at least two widths >= 1, with at most MAX_SYMBOLS parameters."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
        raise InputTypeError(f"SymbolicMLP: sizes should be a list of at least two layer widths "
                             f"(inputs, ..., outputs), got {short_repr(sizes)}")
    sizes = [count(n, f"SymbolicMLP: sizes[{i}]", low=1, high=MAX_SYMBOLS)
             for i, n in enumerate(sizes)]
    n_params = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    if n_params > MAX_SYMBOLS:
        raise InputError(f"SymbolicMLP: sizes {sizes} give {n_params} parameters; SymPy handles "
                         f"at most {MAX_SYMBOLS} here in reasonable time")
    return sizes


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
    """A float: ``expr`` (which may contain ``sigma``) at ``values`` (name → number).

    ``values`` may hold names that are not ``symbols`` (``DEFAULTS``' ``lr``: ignored), but every
    symbol of ``expr`` needs a finite value (a misspelled name leaves its symbol without one)."""
    subs = {symbols[k]: real_number(v, f"evaluate: values[{k!r}]")
            for k, v in values.items() if k in symbols}
    missing = sorted(map(str, expr.free_symbols - set(subs)))
    if missing:
        raise InputError(f"evaluate: values should give every symbol of the expression a "
                         f"number; missing {', '.join(missing)} (names: {', '.join(symbols)})")
    return float(expr.rewrite(sp.exp).subs(subs).evalf(30))
