"""Exercise checks of the activation-functions chapter (chapter 06).

The reference answers are derived here, with SymPy (:mod:`bpbook.chapters.ch06_activations.derive`)
or from the closed forms of :mod:`bpbook.activations`; the student's are judged by
:func:`bpbook.feedback.check` (numbers) and :func:`bpbook.feedback.check_function` (functions).
``z`` inputs are 1-D float arrays; softmax outputs ``s`` 1-D probability vectors."""
import numpy as np
import sympy as sp

from bpbook.activations import sigmoid, softmax
from bpbook.chapters.ch06_activations.derive import derivative_max, numeric, z
from bpbook.feedback import check, check_function

SOFTPLUS = sp.log(1 + sp.exp(z))


def check_softplus_prime(fn):
    """Exercise: ``fn(z)`` is the derivative of softplus, log(1 + eᶻ), elementwise."""
    reference = numeric(sp.diff(SOFTPLUS, z))
    cases = [(np.linspace(-4, 4, 9),), (np.array([-0.3, 0.0, 1.7]),)]
    return check_function(fn, "softplus′(z)", sp.sstr(sp.simplify(sp.diff(SOFTPLUS, z))),
                          cases, reference, [
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
    return check_function(fn, "the softmax Jacobian", "diag(s) − s sᵀ", cases, _jacobian, [
        (lambda s: -np.outer(s, s), "−s sᵀ: the diagonal term diag(s) (from i = j) is missing"),
        (np.diag, "diag(s): the off-diagonal −sᵢsⱼ (every output depends on every logit) is "
                  "missing"),
        (lambda s: np.outer(s, s) - np.diag(s), "the right matrix with the wrong sign"),
        (lambda s: np.diag(s * (1 - s)), "only the diagonal sᵢ(1 − sᵢ)"),
    ])


def check_depth_factor(answer, depth=10):
    """Exercise: the largest factor by which ``depth`` sigmoid slopes σ'(z₁)…σ'(z_depth) can
    multiply a gradient (weights aside)."""
    top = float(derivative_max("sigmoid"))
    return check(answer, top ** depth, f"the largest product of {depth} sigmoid slopes",
                 f"(max σ′)^{depth}", [
                     (top * depth, f"max σ′ · {depth}: slopes multiply, they don't add"),
                     (0.5 ** depth, "0.5 to the power: σ′ peaks at σ(0)(1 − σ(0)), not σ(0)"),
                     (float(derivative_max("tanh")) ** depth, "tanh's maximum slope"),
                 ], tol=1e-6)
