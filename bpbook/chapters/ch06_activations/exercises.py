"""Exercise checks of the activation-functions chapter (chapter 06).

The reference answers are derived here, with SymPy (:mod:`bpbook.chapters.ch06_activations.derive`)
or from the closed forms of :mod:`bpbook.activations`; the student's are judged by
:func:`bpbook.feedback.check` (numbers) and :func:`bpbook.feedback.check_function` (functions).
``z`` inputs are 1-D float arrays; softmax outputs ``s`` 1-D probability vectors."""
import numpy as np
import sympy as sp

from bpbook.activations import sigmoid, softmax
from bpbook.chapters.ch06_activations.derive import derivative, derivative_max, numeric, z
from bpbook.feedback import check, check_function, require_count

SOFTPLUS = sp.log(1 + sp.exp(z))
TANH_CHAIN_AT = 1.0  # exercise 3: every tanh layer's pre-activation sits here


def check_softplus_prime(fn):
    """Exercise: ``fn(z)`` is the derivative of softplus, log(1 + eᶻ), elementwise."""
    reference = numeric(sp.diff(SOFTPLUS, z))
    cases = [(np.linspace(-4, 4, 9),), (np.array([-0.3, 0.0, 1.7]),)]
    return check_function(fn, "softplus′(z)", sp.sstr(sp.simplify(sp.diff(SOFTPLUS, z))),
                          cases, reference, random_cases=lambda rng: (rng.normal(size=7) * 3,),
                          mistakes=[
        (lambda t: sigmoid(-t), "σ(−z): the sign of the exponent flipped"),
        (np.exp, "eᶻ: the chain rule's factor 1/(1 + eᶻ) from the log is missing"),
        (lambda t: np.log1p(np.exp(t)), "softplus itself, not its derivative"),
    ])


def _jacobian(s):
    return np.diag(s) - np.outer(s, s)


def check_softmax_jacobian(fn):
    """Exercise: ``fn(s)`` returns softmax's Jacobian ∂sᵢ/∂oⱼ (o: the logits) from its output
    ``s``."""
    rng = np.random.RandomState(2)
    cases = [(softmax(rng.randn(n)),) for n in (2, 3, 5)]
    return check_function(fn, "the softmax Jacobian", "diag(s) − s sᵀ", cases, _jacobian,
                          random_cases=lambda rng: (softmax(rng.normal(size=rng.integers(2, 7))),),
                          mistakes=[
        (lambda s: -np.outer(s, s), "−s sᵀ: the diagonal term diag(s) (from i = j) is missing"),
        (np.diag, "diag(s): the off-diagonal −sᵢsⱼ (every output depends on every logit) is "
                  "missing"),
        (lambda s: np.outer(s, s) - np.diag(s), "the right matrix with the wrong sign"),
        (lambda s: np.diag(s * (1 - s)), "only the diagonal sᵢ(1 − sᵢ)"),
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
                 ], tol=1e-6)
