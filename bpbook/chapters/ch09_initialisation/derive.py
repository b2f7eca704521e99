r"""The variance laws of chapter 9, derived.

For a layer $z = W a$ with independent zero-mean weights of variance $s^2$ (independent of
$a$) and $n_{in}$ inputs, $\mathrm{Var}(z_i) = n_{in}s^2\,\mathbb E[a^2]$; backward,
$\delta = (W^\top\delta_{next}) \odot f'(z)$ gives $\mathrm{Var}(\delta_j) =
n_{out}s^2\,\mathbb E[f'(z)^2]\,\mathrm{Var}(\delta_{next})$ ($\sigma$ is kept for the sigmoid).
What is left are two expectations over $z \sim \mathcal N(0, q)$, $\mathbb E[f(z)^2]$ and
$\mathbb E[f'(z)^2]$:

- SymPy integrates them for ReLU (:func:`relu_moments`: $q/2$ and $1/2$);
- for tanh neither has a closed form: SymPy gives the start of their series in $q$
  (:func:`series_moments`, for small $q$ only), and :func:`moments` computes them numerically
  (the trapezoid rule on a fine grid; the tests compare it with mpmath's quadrature and with
  Monte Carlo).

``BASE[activation]`` is the derived $ns^2$ of a square layer ($n_{in} = n_{out} = n$): 1 for
tanh (LeCun's $1/n$, Xavier's $2/(n_{in}+n_{out})$ when square), 2 for ReLU (He's $2/n$), 1 for
sigmoid (Xavier's, which no scale fixes: see the chapter). A *gain* ``g`` multiplies the weights'
standard deviation: $s^2 = g^2\,\mathrm{BASE}/n$.
"""
from functools import lru_cache

import numpy as np
import sympy as sp

from bpbook.activations import get_activation
from bpbook.errors import InputError, check_name, real_number

BASE = {"tanh": 1.0, "relu": 2.0, "sigmoid": 1.0}
ACTIVATIONS = tuple(BASE)
# The grid of the standard normal for :func:`moments`: x in [-10, 10] (the density beyond is
# below 1e-22); z = √q·x. The trapezoid rule converges fast for smooth integrands that vanish
# at both ends.
_X = np.linspace(-10.0, 10.0, 4001)
_WEIGHTS = np.exp(-_X ** 2 / 2) / np.sqrt(2 * np.pi) * (_X[1] - _X[0])
_WEIGHTS[[0, -1]] /= 2

z = sp.Symbol("z", real=True)
q = sp.Symbol("q", positive=True)  # Var(z), as in the chapter


def normal_pdf(x=z, variance=q):
    """SymPy's density of $\\mathcal N(0, \\mathrm{variance})$ at ``x``."""
    return sp.exp(-x ** 2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)


@lru_cache(maxsize=None)  # SymPy's integrals take a while; the results never change
def relu_moments():
    """``(E[relu(z)²], E[relu′(z)²])`` for z ~ N(0, q), integrated by SymPy over z > 0 (where
    relu(z) = z and relu′(z) = 1; elsewhere both are 0)."""
    pdf = normal_pdf()
    return sp.simplify(sp.integrate(z ** 2 * pdf, (z, 0, sp.oo))), \
        sp.simplify(sp.integrate(pdf, (z, 0, sp.oo)))


@lru_cache(maxsize=None)
def uniform_variance():
    """The variance of U(−r, r), integrated by SymPy: r²/3."""
    r, x = sp.symbols("r x", positive=True)
    return r, sp.integrate(x ** 2 / (2 * r), (x, -r, r))


def gaussian_moment(k, variance=q):
    """E[z^k] for z ~ N(0, variance): 0 for odd k, variance^(k/2)·(k−1)!! for even k."""
    return sp.Integer(0) if k % 2 else variance ** (k // 2) * sp.factorial2(k - 1)


@lru_cache(maxsize=None)
def series_moments(order=3):
    """E[tanh(z)²] and E[tanh′(z)²] for z ~ N(0, q) as series in q up to q^order (SymPy expands
    each function in z and replaces every z^k by its Gaussian moment). The series diverge: they
    describe small q only."""
    out = []
    for expr in (sp.tanh(z) ** 2, (1 - sp.tanh(z) ** 2) ** 2):
        poly = sp.Poly(sp.series(expr, z, 0, 2 * order + 1).removeO(), z)
        out.append(sp.expand(sum(c * gaussian_moment(k) for (k,), c in poly.terms())))
    return tuple(out)


def moments(activation, variance):
    """``(E[f(z)²], E[f′(z)²])`` for z ~ N(0, variance), as floats: exact for ReLU, by the
    trapezoid rule for tanh and sigmoid (no closed form)."""
    variance = real_number(variance, "variance", low=0.0)
    return tuple(float(x[0]) for x in moments_at(activation, np.array([variance])))


def moments_at(activation, variances):
    """:func:`moments` at every entry of the 1-D array ``variances`` (each >= 0): two arrays."""
    check_name(activation, "activation", ACTIVATIONS)
    variances = np.asarray(variances, dtype=float)
    if activation == "relu":
        return variances / 2, np.full_like(variances, 0.5)
    f = get_activation(activation)
    zs = np.sqrt(variances)[:, None] * _X
    return f.f(zs) ** 2 @ _WEIGHTS, f.df(zs) ** 2 @ _WEIGHTS


def forward_factor(activation, n_sigma2, variances):
    """Var(z_next) / Var(z) = ns² E[f(z)²] / Var(z) at each Var(z) in ``variances`` (> 0)."""
    variances = np.asarray(variances, dtype=float)
    return n_sigma2 * moments_at(activation, variances)[0] / variances


def backward_factor(activation, n_sigma2, variances):
    """Var(δ) / Var(δ_next) = ns² E[f′(z)²] at each Var(z) in ``variances``."""
    return n_sigma2 * moments_at(activation, variances)[1]


def predicted_profile(activation, gain, depth, input_variance=1.0, upstream_variance=1.0):
    """The theory alone, layer by layer, for a square network: ``(Var(z_l), Var(δ_l))`` for
    l = 1..depth, arrays ``(depth,)``. The input has mean square ``input_variance``; the gradient
    arriving at the last layer's output, ``upstream_variance``."""
    n_sigma2 = gain ** 2 * BASE[activation]
    qs = [n_sigma2 * input_variance]
    for _ in range(depth - 1):
        qs.append(n_sigma2 * moments(activation, qs[-1])[0])
    qs = np.array(qs)
    # Var(δ_L) = Var(G) E[f′(z_L)²]; each layer below multiplies by its backward factor
    factors = np.append(backward_factor(activation, n_sigma2, qs[:-1]),
                        upstream_variance * moments(activation, qs[-1])[1])
    return qs, np.cumprod(factors[::-1])[::-1]


SETTLE_TOL = 1e-13  # "settled": Var(z) moves by less than this, relative, from one layer on


def fixed_point(activation, gain, layers=5000, tol=SETTLE_TOL):
    """Var(z) that a deep square network settles at (``q = g²·BASE·E[f(z)²]`` repeated from
    q = 1 until it moves by less than ``tol`` relative, at most ``layers`` times) and the backward
    factor there. Returns ``(q*, backward factor at q*, layers used)``."""
    n_sigma2 = gain ** 2 * BASE[activation]
    qv = 1.0
    for used in range(1, layers + 1):
        new = n_sigma2 * moments(activation, qv)[0]
        if abs(new - qv) <= tol * qv:
            return new, float(backward_factor(activation, n_sigma2, [new])[0]), used
        qv = new
    return qv, float(backward_factor(activation, n_sigma2, [qv])[0]), layers


def holding_gain(activation="sigmoid", low=1.0, high=30.0):
    """The gain at which the settled backward factor (:func:`fixed_point`) is exactly 1, found by
    bisection between ``low`` and ``high`` (the factor grows with the gain there). Returns
    ``(gain, settled Var(z))``."""
    check_name(activation, "activation", ACTIVATIONS)
    factor = lambda g: fixed_point(activation, g)[1] - 1.0  # noqa: E731
    if factor(low) >= 0 or factor(high) <= 0:
        raise InputError(f"holding_gain: the settled backward factor of {activation} does not "
                         f"cross 1 between gains {low} and {high}")
    for _ in range(40):  # the bracket shrinks 2⁴⁰-fold
        mid = (low + high) / 2
        low, high = (mid, high) if factor(mid) < 0 else (low, mid)
    return (low + high) / 2, fixed_point(activation, (low + high) / 2)[0]
