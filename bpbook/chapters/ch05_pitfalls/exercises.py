"""Exercise checks of the pitfalls chapter (``chapters/05_pitfalls.py``).

Each check returns a :class:`bpbook.feedback.Feedback` that names the mistake when the answer
matches a known one. Unanswered exercises (``None``) get a reminder, not an error.

Shapes: gradients are lists of numpy arrays of any shape; pre-activations ``Z`` have shape
``(n_units, m)`` (samples in columns).
"""
import numpy as np

from bpbook.feedback import Feedback, check, check_function
from bpbook.optim import clip_grad_norm
from bpbook.worked import worked_example


def check_sigmoid_bound(answer, layers=10):
    """Exercise: the largest factor σ' can contribute through ``layers`` sigmoid layers."""
    return check(answer, 0.25 ** layers, f"the bound through {layers} sigmoid layers",
                 f"(1/4)^{layers}", [
                     (0.25 * layers, f"(1/4)·{layers}: the factors multiply, they do not add"),
                     (0.25 ** (layers - 1), f"(1/4)^{layers - 1}: one layer short"),
                     (0.5 ** layers, "(1/2)^L: σ'(0) = σ(0)(1 − σ(0)) = 1/2 · 1/2, not 1/2"),
                 ], tol=1e-6)


def check_accumulated(answer, backward_calls=3):
    """Exercise: dL/dW₂ of the worked example after ``backward_calls`` backward passes on the
    same sample without zeroing the gradients in between."""
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
    return [(big, 1.0), (small, 1.0), (lopsided, 2.0)]


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
    got = []
    for grads, max_norm in _clip_cases():
        try:
            out = fn([g.copy() for g in grads], max_norm)
        except Exception as err:  # the student's code: report any failure as feedback
            return Feedback(False, f"clip raised {type(err).__name__}: {err}")
        if out is None:
            return Feedback(None, "your clip returns None: return the list of clipped gradients")
        if len(out) != len(grads) or any(np.shape(o) != g.shape for o, g in zip(out, grads)):
            return Feedback(False, "clip should return one array per gradient, each with the "
                                   f"gradient's shape {[g.shape for g in grads]}, got "
                                   f"{[np.shape(o) for o in out]}")
        got.append(out)
    return _judge_clip(got, mistakes)


def _same(out, want):
    return all(np.allclose(o, w) for o, w in zip(out, want))


def _judge_clip(got, mistakes):
    cases = _clip_cases()
    if all(_same(o, _reference_clip(*c)) for o, c in zip(got, cases)):
        return Feedback(True, f"clip scales all gradients by min(1, max_norm/‖g‖), right on all "
                              f"{len(cases)} test cases")
    for wrong, what in mistakes:
        if all(_same(o, wrong(*c)) for o, c in zip(got, cases)):
            return Feedback(False, f"yours computes {what}")
    return Feedback(False, "the clipped gradients should be g·min(1, max_norm/‖g‖) with ‖g‖ the "
                           "norm of all arrays together; yours differ on some test case")


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
        [(Z1,), (Z2,), (Z3,)], _off_reference, [
            (lambda Z: np.mean(Z <= 0), "the fraction of entries ≤ 0; a unit is off only if it "
                                        "is ≤ 0 on every sample (all over axis 1)"),
            (lambda Z: np.mean(np.all(Z < 0, axis=1)), "z < 0; ReLU gives 0 and no gradient "
                                                       "at z = 0 too, so count z ≤ 0"),
            (lambda Z: np.mean(np.any(Z <= 0, axis=1)), "units off on *some* sample (any); "
                                                        "use all"),
            (lambda Z: np.mean(np.all(Z <= 0, axis=0)), "samples on which every unit is off; "
                                                        "units are rows, reduce over axis 1"),
        ])
