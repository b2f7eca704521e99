"""Exercise checks of the pitfalls chapter (``chapters/08_vanishing_gradients.py``).

Each check returns a :class:`bpbook.feedback.Feedback` that names the mistake when the answer
matches a known one. Unanswered exercises (``None``) get a reminder, not an error.

Shapes: gradients are lists of numpy arrays of any shape; pre-activations ``Z`` and batch norm's
``z``, ``g`` have shape ``(n_units, m)`` (samples in columns), ``gamma`` ``(n_units, 1)``.
"""
import numpy as np

from bpbook.chapters.ch08_vanishing_gradients.memory import counted_bytes
from bpbook.feedback import (Feedback, check, check_function, real_array, require_count,
                             run_student)
from bpbook.norm import BatchNorm
from bpbook.optim import clip_grad_norm
from bpbook.worked import worked_example


def check_sigmoid_bound(answer, hidden=7, sigmoid_output=True):
    """Exercise: the largest factor the σ' slopes can contribute to ∂L/∂z₁ in a network of
    ``hidden`` sigmoid hidden layers and a sigmoid (or, if not ``sigmoid_output``, linear) output
    layer: one factor per sigmoid layer, layer 1's own included."""
    hidden = require_count("hidden", hidden)
    n = hidden + int(sigmoid_output)
    where = "and the output layer's " if sigmoid_output else ""
    mistakes = [(0.25 * n, f"(1/4)·{n}: the factors multiply, they do not add"),
                (0.5 ** n, "a power of 1/2: σ'(0) = σ(0)(1 − σ(0)) = 1/2 · 1/2 = 1/4")]
    if sigmoid_output:
        mistakes.append((0.25 ** hidden, f"(1/4)^{hidden}: the sigmoid output layer has its own "
                                         "σ'(z) in δ of the output layer, so it counts too"))
    mistakes += [(0.25 ** (n - 1), f"(1/4)^{n - 1}: δ₁ = ∂L/∂z₁ includes layer 1's own σ'(z₁)"),
                 (0.25 ** (n + 1), f"(1/4)^{n + 1}: one factor too many; there is one σ' per "
                                   "sigmoid layer")]
    return check(answer, 0.25 ** n, "the bound on the slopes' product",
                 f"(1/4)^{n}, one σ' ≤ 1/4 for each hidden layer {where}".rstrip(), mistakes,
                 tol=1e-6)


def check_accumulated(answer, backward_calls=3):
    """Exercise: dL/dW₂ of the worked example after ``backward_calls`` backward passes on the
    same sample without zeroing the gradients in between."""
    backward_calls = require_count("backward_calls", backward_calls)
    g = worked_example()["dW2"]
    return check(answer, backward_calls * g, f"dL/dW₂ after {backward_calls} backward passes",
                 f"{backward_calls}·(δ₂·a₁): each pass adds its gradient", [
                     (g, "the gradient of one pass: without zero_grad the passes add up"),
                     (g ** backward_calls, "a power: gradients are added, not multiplied"),
                 ])


def _reference_clip(grads, max_norm):
    grads = [np.array(g, dtype=float) for g in grads]
    clip_grad_norm([("g", g, g) for g in grads], max_norm)
    return grads


def _clip_cases():
    rng = np.random.RandomState(5)
    big = [rng.randn(3, 2) * 4, rng.randn(3, 1) * 4]
    small = [g * 1e-3 for g in big]
    lopsided = [np.full((2, 2), 3.0), np.full((2, 1), 0.1)]
    fresh = np.random.default_rng()  # one fresh random case on every call
    drawn = [fresh.normal(size=(fresh.integers(1, 4), fresh.integers(1, 4))) * 5 for _ in range(3)]
    return [(big, 1.0), (small, 1.0), (lopsided, 2.0), (drawn, 1.5)]


def _per_array(grads, max_norm):
    return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads]


def _always(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * max_norm / total for g in grads]


def _elementwise(grads, max_norm):
    return [np.clip(g, -max_norm, max_norm) for g in grads]


def check_clip(fn):
    """Exercise: ``fn(grads, max_norm)`` returns the gradients scaled together so that their
    global norm is at most ``max_norm``."""
    if fn is None:
        return Feedback(None, "write clip(grads, max_norm) and run the cell again")
    if not callable(fn):
        return Feedback(False, f"clip should be a function, got {type(fn).__name__}")
    mistakes = [(_per_array, "each array clipped to max_norm on its own: clip the global "
                             "norm of all of them together"),
                (_always, "a rescale to norm max_norm even when the norm is already smaller: "
                          "small gradients must pass unchanged"),
                (_elementwise, "each entry clipped into [−max_norm, max_norm]: that changes the "
                               "direction; scale all entries by one factor instead")]
    got, cases = [], _clip_cases()
    for grads, max_norm in cases:
        out, problem = run_student(fn, "clip", [g.copy() for g in grads], max_norm)
        if problem is not None:
            return problem
        try:
            out = None if out is None else [real_array(o, "each clipped gradient")
                                            for o in out]
        except TypeError:
            return Feedback(False, f"clip should return a list of arrays, got "
                                   f"{type(out).__name__}")
        if out is not None:
            problem = next((p for _, p in out if p is not None), None)
            if problem is not None:
                return problem
            out = [o for o, _ in out]
        if out is None:
            return Feedback(None, "your clip returns None: return the list of clipped gradients")
        if len(out) != len(grads) or any(o.shape != g.shape for o, g in zip(out, grads)):
            return Feedback(False, "clip should return one array per gradient, each with the "
                                   f"gradient's shape {[g.shape for g in grads]}, got "
                                   f"{[o.shape for o in out]}")
        got.append(out)
    return _judge_clip(got, cases, mistakes)


def _same(out, want):
    return all(np.allclose(o, w) for o, w in zip(out, want))


def _judge_clip(got, cases, mistakes):
    if all(_same(o, _reference_clip(*c)) for o, c in zip(got, cases)):
        return Feedback(True, f"clip scales all gradients by min(1, max_norm/‖g‖), right on all "
                              f"{len(cases)} test cases (one of them random)")
    for wrong, what in mistakes:
        if all(_same(o, wrong(*c)) for o, c in zip(got, cases)):
            return Feedback(False, f"yours computes {what}")
    return Feedback(False, "the clipped gradients should be g·min(1, max_norm/‖g‖) with ‖g‖ the "
                           "norm of all arrays together; yours differ on some test case")


def _random_Z(rng):
    return (rng.normal(size=(rng.integers(1, 12), rng.integers(1, 8))) - 0.8,)


def _off_reference(Z):
    return np.mean(np.all(Z <= 0, axis=1))


def check_off_fraction(fn):
    """Exercise: ``fn(Z)`` with ``Z`` ``(n_units, m)`` returns the fraction of units whose
    pre-activation is ``<= 0`` on every sample."""
    Z1 = np.array([[-1.0, -2.0, -0.5], [1.0, -1.0, 2.0], [-3.0, -1.0, -1.0], [0.5, 0.5, 0.5]])
    Z2 = np.array([[0.0, -1.0], [0.0, 0.0], [2.0, -1.0]])
    Z3 = np.random.RandomState(2).randn(10, 6) - 0.8
    return check_function(
        fn, "off_fraction(Z)", "mean over units of [z ≤ 0 on every sample]",
        [(Z1,), (Z2,), (Z3,)], _off_reference, random_cases=_random_Z, mistakes=[
            (lambda Z: np.mean(Z <= 0), "the fraction of entries ≤ 0; a unit is off only if it "
                                        "is ≤ 0 on every sample (all over axis 1)"),
            (lambda Z: np.mean(np.all(Z < 0, axis=1)), "z < 0; ReLU gives 0 and no gradient "
                                                       "at z = 0 too, so count z ≤ 0"),
            (lambda Z: np.mean(np.any(Z <= 0, axis=1)), "units off on *some* sample (any); "
                                                        "use all"),
            (lambda Z: np.mean(np.all(Z <= 0, axis=0)), "samples on which every unit is off; "
                                                        "units are rows, reduce over axis 1"),
        ])


def _bn_reference(z, g, gamma):
    bn = BatchNorm(z.shape[0])
    bn.gamma[...] = gamma
    bn.forward(z)
    return bn.backward(g)


def _bn_parts(z, g, gamma):
    """The pieces the mistakes below reuse: z_hat, 1/sqrt(var + eps)."""
    mu = z.mean(axis=1, keepdims=True)
    inv = 1 / np.sqrt(z.var(axis=1, keepdims=True) + 1e-5)
    return (z - mu) * inv, inv


def _bn_no_stats(z, g, gamma):
    return gamma * g * _bn_parts(z, g, gamma)[1]


def _bn_mean_only(z, g, gamma):
    return gamma * _bn_parts(z, g, gamma)[1] * (g - g.mean(axis=1, keepdims=True))


def _bn_unbiased(z, g, gamma):
    m = z.shape[1]
    mu = z.mean(axis=1, keepdims=True)
    inv = 1 / np.sqrt(z.var(axis=1, ddof=1, keepdims=True) + 1e-5)
    z_hat = (z - mu) * inv
    return gamma * inv / m * (m * g - g.sum(axis=1, keepdims=True)
                              - z_hat * (g * z_hat).sum(axis=1, keepdims=True))


def _random_bn(rng):
    n, m = rng.integers(1, 5), rng.integers(2, 9)
    return rng.normal(size=(n, m)) * 2, rng.normal(size=(n, m)), rng.random((n, 1)) + 0.5


def check_bn_backward(fn):
    """Exercise: ``fn(z, g, gamma)`` returns ∂L/∂z of batch norm (training mode, biased variance,
    eps = 1e-5) for ``z``, ``g`` of shape ``(n_features, m)`` and ``gamma`` ``(n_features, 1)``."""
    rng = np.random.RandomState(8)
    cases = [(rng.randn(1, 3) * 2, rng.randn(1, 3), np.array([[1.5]])),
             (rng.randn(3, 5) + 1, rng.randn(3, 5), rng.rand(3, 1) + 0.5),
             (rng.randn(2, 8) * 3, rng.randn(2, 8), np.array([[1.0], [-2.0]]))]
    return check_function(
        fn, "bn_backward(z, g, gamma)",
        "γ/(m·√(σ²+ε)) · (m·g − Σg − ẑ·Σ(g·ẑ)), sums over the samples of each feature",
        cases, _bn_reference, random_cases=_random_bn, mistakes=[
            (_bn_no_stats, "γ·g/√(σ²+ε): μ and σ² depend on z too; add the two paths "
                           "through them"),
            (_bn_mean_only, "the path through μ but not the one through σ² (the −ẑ·Σ(g·ẑ) term)"),
            (_bn_unbiased, "the unbiased variance (divide by m − 1); batch norm normalises with "
                           "the biased one (divide by m)"),
        ])


def check_activation_memory(answer, depth=10, width=100, m=64):
    """Exercise: bytes a ``deep_net(depth, width)`` keeps of ``z`` and ``a`` after a forward
    pass on ``m`` float64 samples (linear output unit, whose ``a`` is its ``z``)."""
    depth, width, m = (require_count(k, v) for k, v in (("depth", depth), ("width", width),
                                                         ("m", m)))
    right = counted_bytes(depth, width, m)
    return check(answer, right, "the stored bytes",
                 f"8·m·(2·D·width + 1) = 8·{m}·(2·{depth}·{width} + 1)", [
                     (right // 8, "a count of numbers: each float64 takes 8 bytes"),
                     (8 * m * (depth * width + 1), "only the a's (or only the z's): a Dense "
                                                   "layer keeps both z and a = f(z)"),
                     (8 * m * 2 * (depth * width + 1), "two arrays for the linear output too: "
                                                       "its a is its z, one array"),
                     (8 * m * 2 * depth * width, "the output layer left out"),
                 ], tol=1e-9)


def _decayed_reference(W, dW, lr, lam):
    return W - lr * (dW + lam * W)


def check_decayed_step(fn):
    """Exercise: ``fn(W, dW, lr, lam)`` returns ``W`` after one SGD step on the loss plus
    λ/2·‖W‖², where ``dW`` is the gradient of the loss alone."""
    rng = np.random.RandomState(9)
    cases = [(rng.randn(2, 3), rng.randn(2, 3), 0.1, 0.01),
             (rng.randn(4, 1), rng.randn(4, 1), 0.5, 0.2),
             (rng.randn(3, 3) * 5, rng.randn(3, 3), 0.05, 1.0)]
    def draw(rng):
        shape = (rng.integers(1, 5), rng.integers(1, 5))
        return rng.normal(size=shape), rng.normal(size=shape), rng.random(), rng.random()

    return check_function(fn, "decayed_step(W, dW, lr, lam)", "W − η(dW + λW)",
                          cases, _decayed_reference, random_cases=draw, mistakes=[
        (lambda W, dW, lr, lam: W - lr * (dW + 2 * lam * W),
         "W − η(dW + 2λW): the ½ in λ/2·‖W‖² cancels the 2 of the square"),
        (lambda W, dW, lr, lam: W - lr * dW - lam * W,
         "W − η·dW − λW: the penalty's gradient λW is a gradient like dW; it is scaled by η too"),
        (lambda W, dW, lr, lam: W - lr * dW, "the plain step W − η·dW: add the penalty's "
                                             "gradient λW to dW"),
        (lambda W, dW, lr, lam: W - lr * (dW + lam), "W − η(dW + λ): the gradient of λ/2·W² is "
                                                     "λW, not λ"),
    ])
