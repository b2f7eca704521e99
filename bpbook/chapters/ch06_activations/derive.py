r"""SymPy derivations of the activation functions (chapter 06): derivatives, ranges, maxima.

Every activation of the chapter is a SymPy expression in the real symbol :data:`z`
(:data:`EXPRESSIONS`), written from its definition. From it this module derives, never types:

- :func:`derivative`: ``sympy.diff``; :func:`textbook_form` rewrites it in terms of the function
  itself where the textbook does ($\sigma(1-\sigma)$, $1-\tanh^2$);
- :func:`value_range` and :func:`derivative_max`: the range of the function and the supremum of
  its derivative over the real line (exact with SymPy's ``function_range``; a piecewise function
  piece by piece; SiLU, whose extremes sit at transcendental points, by a bracketed root of the
  next derivative);
- :func:`tanh_identities` (tanh as a stretched sigmoid, the two symmetries) and
  :func:`tail_factors` (how fast the two slopes decay), :func:`slope_crossing` (where tanh's
  slope drops below sigmoid's);
- :func:`softmax_jacobian` ($\mathrm{diag}(s) - s s^\top$), :func:`softmax_jacobian_is_symmetric`
  and :func:`softmax_ce_gradient` ($s - y$) for ``n`` logits, each checked symbolically. Softmax's
  logits are $o = (o_1, \dots, o_K)$, the book's notation ($z_l$ names a layer).

Numeric checks compare :func:`numeric_derivative` (the SymPy derivative as a numpy function) with
bpbook's ``df`` from :mod:`bpbook.activations`; arrays of any shape, float64.
"""
import functools

import numpy as np
import sympy as sp
from sympy.calculus.util import function_range

from bpbook.errors import unknown_name
from bpbook.tables import Table

z = sp.Symbol("z", real=True)
sigma = sp.Function("sigma")(z)  # σ(z) as a symbol, for the textbook forms
LEAKY_SLOPE = sp.Rational(1, 100)  # bpbook's leaky_relu default
ELU_ALPHA = 1

EXPRESSIONS = {
    "sigmoid": 1 / (1 + sp.exp(-z)),
    "tanh": sp.tanh(z),
    "relu": sp.Piecewise((z, z > 0), (0, True)),
    "leaky_relu": sp.Piecewise((z, z > 0), (LEAKY_SLOPE * z, True)),
    "elu": sp.Piecewise((z, z > 0), (ELU_ALPHA * (sp.exp(z) - 1), True)),
    "silu": z / (1 + sp.exp(-z)),
}
NAMES = tuple(EXPRESSIONS)
# SymPy's function_range gives up on SiLU and its slope (their extremes sit at transcendental
# points) after half a second of trying: these go straight to the bracketed roots.
NUMERIC_RANGES = frozenset({"silu"})
# Where to look for SiLU's extremes: the sign changes of its next derivative lie inside.
_SEARCH = np.linspace(-20, 20, 400)  # no grid point at 0, where sigmoid's extremes sit


def expression(name):
    if name not in EXPRESSIONS:
        raise unknown_name("activation (symbolic)", name, EXPRESSIONS)
    return EXPRESSIONS[name]


def derivative(name):
    """$f'(z)$ as SymPy derives it."""
    return sp.diff(expression(name), z)


@functools.cache
def textbook_form(name):
    r"""The derivative as textbooks write it: in terms of $\sigma(z)$ for sigmoid and SiLU
    (substituting $e^{-z} = (1-\sigma)/\sigma$), SymPy's own form otherwise (it already writes
    $\tanh' = 1 - \tanh^2$)."""
    d = derivative(name)
    if not d.has(sp.exp(-z)):
        return d
    in_sigma = sp.simplify(d.subs(sp.exp(-z), (1 - sigma) / sigma))
    return in_sigma.subs(sigma - 1, -sp.UnevaluatedExpr(1 - sigma))


def textbook_form_is_derivative(name):
    """True when the textbook form, with σ(z) put back, simplifies to the derivative."""
    back = textbook_form(name).doit().subs(sigma, EXPRESSIONS["sigmoid"])
    return sp.simplify(back - derivative(name)) == 0


def numeric(expr):
    """A SymPy expression in ``z`` as a numpy function of an array."""
    fn = sp.lambdify(z, expr, "numpy")
    return lambda x: np.broadcast_to(fn(np.asarray(x, dtype=float)), np.shape(x)).astype(float)


def numeric_derivative(name):
    return numeric(derivative(name))


def _pieces(expr):
    """``[(piece, interval), ...]``: one piece on the whole line, or a Piecewise's pieces each
    on the part of the line where it applies."""
    if not isinstance(expr, sp.Piecewise):
        return [(expr, sp.S.Reals)]
    pieces, left = [], sp.S.Reals
    for piece, cond in expr.args:
        where = left if cond == sp.true else cond.as_set().intersect(left)
        pieces.append((piece, where))
        left = left - where
    return pieces


def exact_range(expr):
    """The set of values of ``expr`` over the real line (a SymPy set), or None when SymPy cannot
    find the critical points."""
    try:
        return sp.Union(*(function_range(p, z, where) for p, where in _pieces(expr)))
    except NotImplementedError:
        return None


def _critical_points(expr):
    """The roots of ``expr'`` on the search grid: bracketed by sign changes, then bisected."""
    slope = numeric(sp.diff(expr, z))
    s = slope(_SEARCH)
    return [_bisect(slope, _SEARCH[i], _SEARCH[i + 1])
            for i in np.flatnonzero(np.sign(s[:-1]) * np.sign(s[1:]) < 0)]


def _bisect(f, lo, hi, steps=60):
    """A root of ``f`` in ``[lo, hi]``, where ``f`` changes sign; 60 halvings reach float64."""
    f_lo = f(lo)
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if np.sign(f(mid)) == np.sign(f_lo):
            lo, f_lo = mid, f(mid)
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _numeric_range(expr):
    """Range of a smooth function from its values at its critical points and its limits at ±∞."""
    values = [sp.limit(expr, z, -sp.oo), sp.limit(expr, z, sp.oo)]
    values += [expr.subs(z, root).evalf() for root in _critical_points(expr)]
    lo, hi = min(values, key=float), max(values, key=float)
    return sp.Interval(lo, hi, lo.is_infinite, hi.is_infinite)


@functools.cache
def value_range(name):
    """The range of the activation over the real line."""
    return _range(name, expression(name))


@functools.cache
def derivative_range(name):
    return _range(name, derivative(name))


def _range(name, expr):
    if name in NUMERIC_RANGES:
        return _numeric_range(expr)
    return exact_range(expr) or _numeric_range(expr)


def derivative_max(name):
    """$\\sup_z f'(z)$: exact where SymPy finds it, else a float."""
    return derivative_range(name).sup


def argmax_derivative(name):
    """Where a smooth activation's slope is largest (a float), or None for a piecewise one, whose
    largest slope holds on a whole half-line."""
    d = derivative(name)
    if isinstance(d, sp.Piecewise):
        return None
    return float(max(_critical_points(d), key=lambda root: float(d.subs(z, root))))


def logits(n):
    r"""The symbolic logits $o_1, \dots, o_n$ (a column)."""
    return sp.Matrix(sp.symbols(f"o1:{n + 1}", real=True))


def softmax_expr(n):
    """Softmax of ``n`` symbolic logits: a column of SymPy expressions, and the logits."""
    os = logits(n)
    total = sum(sp.exp(oi) for oi in os)
    return os.applyfunc(lambda oi: sp.exp(oi) / total), os


@functools.cache
def softmax_jacobian(n=3):
    r"""``(J, matches)``: $J_{ij} = \partial s_i/\partial o_j$ derived by SymPy, and whether
    $J - (\mathrm{diag}(s) - s s^\top)$ simplifies to zero."""
    s, os = softmax_expr(n)
    J = s.jacobian(os)
    textbook = sp.diag(*s) - s * s.T
    return J, (J - textbook).applyfunc(sp.simplify) == sp.zeros(n, n)


def softmax_jacobian_is_symmetric(n=3):
    r"""Whether SymPy's $J - J^\top$ simplifies to zero: then the backward pass's $J^\top v$
    equals $J v$."""
    J, _ = softmax_jacobian(n)
    return (J - J.T).applyfunc(sp.simplify) == sp.zeros(n, n)


@functools.cache
def softmax_ce_gradient(n=3):
    r"""``(grad, matches)``: $\partial\mathcal L/\partial o$ for $\mathcal L = -\sum_i y_i \log s_i$ with a one-hot
    (or any) target whose entries sum to 1, and whether it simplifies to $s - y$."""
    s, os = softmax_expr(n)
    ys = sp.Matrix(sp.symbols(f"y1:{n + 1}", real=True))
    loss = -sum(yi * sp.log(si) for yi, si in zip(ys, s))
    grad = sp.Matrix([sp.diff(loss, oi) for oi in os])
    sums_to_one = {ys[-1]: 1 - sum(ys[:-1])}
    diff = (grad - (s - ys)).subs(sums_to_one).applyfunc(sp.simplify)
    return grad, diff == sp.zeros(n, 1)


@functools.cache
def sigmoid_bce_gradient():
    r"""``(grad, matches)``: $\partial\mathcal L/\partial z$ for the binary cross-entropy of
    $\hat y = \sigma(z)$, $\mathcal L = -[y\log\hat y + (1-y)\log(1-\hat y)]$, and whether it
    simplifies to $\hat y - y$."""
    y = sp.Symbol("y", real=True)
    y_hat = 1 / (1 + sp.exp(-z))
    grad = sp.diff(-(y * sp.log(y_hat) + (1 - y) * sp.log(1 - y_hat)), z)
    return grad, sp.simplify(grad - (y_hat - y)) == 0


@functools.cache
def softmax_component_range():
    r"""The range of one softmax output. With two logits, $s_1$ depends only on
    $d = o_1 - o_2$ (it is $\sigma(d)$); returns ``(s1 as a function of d, its range)``."""
    s, (o1, o2) = softmax_expr(2)
    d = sp.Symbol("d", real=True)
    s1_of_d = sp.simplify(s[0].subs(o1, o2 + d))
    return s1_of_d, function_range(s1_of_d, d, sp.S.Reals)


def tanh_identities():
    r"""SymPy's verdicts, name → bool: tanh is a sigmoid stretched to $(-1, 1)$,
    $\tanh z = 2\sigma(2z) - 1$, so $\tanh'(z) = 4\sigma'(2z)$; sigmoid is symmetric about ½,
    $\sigma(-z) = 1 - \sigma(z)$, tanh about 0 (odd), $\tanh(-z) = -\tanh(z)$."""
    sig, tanh = EXPRESSIONS["sigmoid"], EXPRESSIONS["tanh"]
    d_sig, d_tanh = derivative("sigmoid"), derivative("tanh")
    claims = {
        "tanh(z) = 2σ(2z) − 1": tanh - (2 * sig.subs(z, 2 * z) - 1),
        "tanh′(z) = 4σ′(2z)": d_tanh - 4 * d_sig.subs(z, 2 * z),
        "σ(−z) = 1 − σ(z)": sig.subs(z, -z) - (1 - sig),
        "tanh(−z) = −tanh(z)": tanh.subs(z, -z) + tanh,
    }
    return {claim: sp.simplify(diff.rewrite(sp.exp)) == 0 for claim, diff in claims.items()}


def tail_factors():
    r"""How the slopes decay far from 0, from SymPy's limits: ``{"sigmoid": c, "tanh": c}`` with
    $\sigma'(z) \approx c\,e^{-z}$ and $\tanh'(z) \approx c\,e^{-2z}$ as $z \to \infty$."""
    return {"sigmoid": sp.limit(derivative("sigmoid") * sp.exp(z), z, sp.oo),
            "tanh": sp.limit(derivative("tanh") * sp.exp(2 * z), z, sp.oo)}


def slope_crossing():
    r"""The $z > 0$ where $\tanh'(z) = \sigma'(z)$ (a float): tanh is steeper inside, sigmoid
    outside (both slopes are even functions, so the same holds at $-z$)."""
    gap = numeric(derivative("tanh") - derivative("sigmoid"))
    return _bisect(gap, 0.0, float(_SEARCH[-1]))


# The prose columns of the table: what goes wrong with the gradient, and where each is used.
ISSUES = {
    "sigmoid": "saturates: the slope vanishes for large |z|, and is small even at its peak",
    "tanh": "zero-centred and steeper at 0, but saturates harder than sigmoid for large |z|",
    "relu": "zero slope for z < 0: a unit stuck there stops learning (dead ReLU)",
    "leaky_relu": "a small slope for z < 0 keeps every unit learning",
    "elu": "smooth; negative outputs saturate at −1, pushing mean activations to 0",
    "silu": "smooth and non-monotonic: a dip below 0 for negative z, then the slope overshoots 1",
    "softmax": "couples its outputs; its Jacobian is not diagonal",
}
USES = {
    "sigmoid": "output for a yes/no probability",
    "tanh": "hidden layers of small or recurrent networks",
    "relu": "hidden layers of deep networks",
    "leaky_relu": "hidden layers, when ReLUs die",
    "elu": "hidden layers of deep networks",
    "silu": "hidden layers of modern networks (transformers, EfficientNet)",
    "softmax": "output over several classes",
}
PROBE = 5  # the slopes are shown at z = ±PROBE to see saturation


def _latex(expr):
    return f"${sp.latex(expr)}$"


def fmt_number(value):
    """Exact numbers in LaTeX, floats (numeric results) to 5 significant digits."""
    return _latex(value) if value.is_Rational or value.is_infinite else f"{float(value):.5g}"


def fmt_range(interval):
    """An interval in LaTeX, numeric endpoints rounded to 4 digits, exact ones kept."""
    exact = all(e.is_Rational or e.is_infinite for e in (interval.inf, interval.sup))
    return _latex(interval if exact else interval.evalf(4))


def table_rows():
    """One row per activation: name, formula, derivative (textbook form), range, max slope,
    slope at ∓PROBE, gradient issue, use case; all but the last two derived here."""
    rows = []
    for name in NAMES:
        slope = numeric_derivative(name)
        rows.append([name, _latex(expression(name)), _latex(textbook_form(name)),
                     fmt_range(value_range(name)), fmt_number(derivative_max(name)),
                     f"{float(slope(-PROBE)):.3g}", f"{float(slope(PROBE)):.3g}",
                     ISSUES[name], USES[name]])
    return rows + [_softmax_row()]


def _softmax_row():
    s, _ = softmax_expr(2)
    formula = _latex(sp.Eq(sp.Symbol("s_1"), s[0])) + " (two logits)"
    s1_of_d, rng = softmax_component_range()
    d = sp.Symbol("d", real=True)
    diag = sp.diff(s1_of_d, d)  # ∂s1/∂o1 as a function of d = o1 - o2
    _, jac_ok = softmax_jacobian()
    deriv = r"$\mathrm{diag}(s) - s s^\top$" if jac_ok else "(SymPy disagrees: see below)"
    at = [f"{float(diag.subs(d, v)):.3g}" for v in (-PROBE, PROBE)]
    return ["softmax", formula, deriv,
            fmt_range(rng), fmt_number(function_range(diag, d, sp.S.Reals).sup), *at,
            ISSUES["softmax"], USES["softmax"]]


COLUMNS = ["activation", "formula", "derivative", "range", "max slope", f"slope at z=−{PROBE}",
           f"slope at z={PROBE}", "gradient issue", "use case"]


# The table shown in three narrow parts, so that each fits a narrow notebook (about 700 px).
PARTS = {
    "formulas": COLUMNS[:3],
    "numbers": [COLUMNS[0], *COLUMNS[3:7]],
    "advice": [COLUMNS[0], *COLUMNS[7:]],
}


def activation_table():
    """The table as a :class:`~bpbook.tables.Table` (cells are LaTeX strings)."""
    return Table(COLUMNS, table_rows())


def table_part(table, part):
    """The columns of ``table`` that :data:`PARTS` lists under ``part``, as a new Table."""
    if part not in PARTS:
        raise unknown_name("table part", part, PARTS)
    keep = [table.columns.index(c) for c in PARTS[part]]
    return Table(PARTS[part], [[row[j] for j in keep] for row in table.rows])


def markdown_table(table):
    """A Markdown table (JupyterLab renders the LaTeX in it)."""
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(str(c).replace("|", r"\|") for c in row) + " |"
              for row in table.rows]
    return "\n".join(lines)
