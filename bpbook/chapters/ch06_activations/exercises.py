"""Exercise checks of the activation-functions chapter (chapter 06).

The reference answers are derived here, with SymPy (:mod:`bpbook.chapters.ch06_activations.derive`)
or from the Jacobian written out entry by entry; the student's are judged by
:func:`bpbook.feedback.check` (numbers) and :func:`bpbook.feedback.check_function` (functions).
``z`` inputs are 1-D float arrays; softmax outputs ``s`` and upstream gradients ``v`` 1-D arrays
of one length. The numbers of exercises 1 and 3 (β, z) are the book's for a reader alone and each
student's own on a course (:mod:`bpbook.variants`).
"""
import numpy as np
import sympy as sp

from bpbook.activations import sigmoid, softmax
from bpbook.chapters.ch06_activations.derive import derivative, derivative_max, numeric, z
from bpbook.feedback import check, check_function, require_count
from bpbook.variants import number

# Exercise 1: Swish-β, z·σ(βz); the page treats β = 1 (SiLU) only, so β stays away from 1.
# Its default 1.7 makes z·σ(1.7z) the common approximation of GELU.
SWISH_BETA = number("06.swish-prime", 1.7, 1.5, 3.0, digits=1)
TANH_CHAIN_AT = number("06.tanh-chain", 1.0, 0.3, 2.0, digits=1)  # exercise 3


def swish(beta):
    """Swish-β as a SymPy expression in ``z``."""
    return z / (1 + sp.exp(-beta * z))


def check_swish_prime(fn, beta=SWISH_BETA):
    """Exercise: ``fn(z)`` is the derivative of Swish-β, z·σ(βz), elementwise."""
    reference = numeric(sp.diff(swish(sp.Float(beta)), z))
    b = float(beta)

    def s(t):
        return sigmoid(b * t)

    cases = [(np.linspace(-4, 4, 9),), (np.array([-0.3, 0.0, 1.7]),)]
    return check_function(fn, f"Swish′(z) with β = {b:g}", "σ(βz) + βz·σ(βz)(1 − σ(βz))",
                          cases, reference, random_cases=lambda rng: (rng.normal(size=7) * 3,),
                          mistakes=[
        (lambda t: s(t) + t * s(t) * (1 - s(t)), "σ(βz) + z·σ(βz)(1 − σ(βz)): the chain rule's "
         "inner factor β (the derivative of βz) is missing"),
        (lambda t: sigmoid(t) * (1 + t * (1 - sigmoid(t))), "SiLU's derivative, β = 1: your β "
         f"is {b:g}"),
        (lambda t: s(t), "σ(βz) alone: z·σ(βz) is a product, so the product rule adds "
         "z·(σ(βz))′"),
        (lambda t: b * t * s(t) * (1 - s(t)), "only z·(σ(βz))′: the product rule adds σ(βz)·(z)′ "
         "= σ(βz)"),
        (lambda t: b * s(t) * (1 + b * t * (1 - s(t))), "the derivative of βz·σ(βz): the first "
         "factor is z, not βz"),
    ])


def _log_softmax_vjp(s, v):
    """Jᵀv with the Jacobian of log-softmax written entry by entry, ∂log sᵢ/∂oⱼ = [i = j] − sⱼ."""
    n = len(s)
    J = np.array([[float(i == j) - s[j] for j in range(n)] for i in range(n)])
    return J.T @ v


def _softmax_and_upstream(rng):
    n = rng.integers(2, 7)
    return softmax(rng.normal(size=n)), rng.normal(size=n)


def check_log_softmax_vjp(fn):
    """Exercise: ``fn(s, v)`` returns ∂ℒ/∂o for log-softmax, given its softmax ``s`` and the
    upstream gradient ``v`` = ∂ℒ/∂(log s): the vector-Jacobian product Jᵀv."""
    rng = np.random.RandomState(2)
    cases = [(softmax(rng.randn(n)), rng.randn(n)) for n in (2, 3, 5)]
    return check_function(fn, "∂ℒ/∂o through log-softmax", "v − s·Σᵢvᵢ", cases,
                          _log_softmax_vjp, random_cases=_softmax_and_upstream, mistakes=[
        (lambda s, v: v - s @ v, "J v = v − (s·v)·1, the Jacobian-vector product: this Jacobian "
         "is not symmetric, so backprop needs Jᵀv"),
        (lambda s, v: s * (v - s @ v), "softmax's own backward: here v is ∂ℒ/∂(log s), and "
         "∂ log sᵢ/∂oⱼ = [i = j] − sⱼ"),
        (lambda s, v: v * (1 - s), "only the diagonal [i = j] − sᵢ: every log sᵢ depends on "
         "every logit"),
        (lambda s, v: v - s, "v − s: right only when Σv = 1; in general s is multiplied by "
         "Σᵢvᵢ"),
        (lambda s, v: v, "v itself: the log-sum-exp term − log Σⱼ e^{oⱼ} depends on o too"),
    ])


def check_tanh_chain(answer, depth=10, at=TANH_CHAIN_AT):
    """Exercise: the factor by which ``depth`` tanh slopes, each at the pre-activation ``at``,
    multiply a gradient passing down (weights aside)."""
    depth = require_count("depth", depth)
    slope = float(numeric(derivative("tanh"))(at))
    return check(answer, slope ** depth, f"the product of {depth} tanh slopes at z = {at:g}",
                 f"(1 − tanh²({at:g}))^{depth}", [
                     (slope * depth, f"tanh′ · {depth}: slopes multiply, they don't add"),
                     ((1 - at ** 2) ** depth, "(1 − z²)^depth: square tanh z, not z"),
                     (float(np.tanh(at)) ** depth, "tanh(z) to the power: use its slope"),
                     (float(derivative_max("sigmoid")) ** depth, "the sigmoid's bound (1/4)^depth: "
                                                                 "these layers are tanh, at z = "
                                                                 f"{at:g}"),
                 ])
