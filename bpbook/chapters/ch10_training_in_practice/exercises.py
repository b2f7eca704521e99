"""Exercise checks of ``chapters/10_training_in_practice.py``.

Each check returns a :class:`bpbook.feedback.Feedback` that names the mistake when the answer
matches a known one. Unanswered exercises (``None``) get a reminder, not an error.

Shapes: pre-activations ``Z`` have shape ``(n_units, m)`` (samples in columns); weights ``W`` and
their gradient ``dW`` any one shape.

The numeric exercises' inputs are the book's numbers for a reader alone and each student's own
on a course (:mod:`bpbook.variants`).
"""
import numpy as np

from bpbook.chapters.ch10_training_in_practice.checkpoint import segments
from bpbook.chapters.ch10_training_in_practice.memory import counted_bytes
from bpbook.feedback import check, check_function, require_count
from bpbook.variants import number
from bpbook.worked import worked_example


def _whole(exercise, default, low, high):
    return int(number(exercise, default, low, high, digits=0))


# Exercise 4: D hidden layers of EX_WIDTH units, a batch of EX_M samples
EX_DEPTH = _whole("10.activation-memory", 10, 4, 20)
EX_WIDTH = _whole("10.activation-memory/width", 100, 32, 256)
EX_M = _whole("10.activation-memory/m", 64, 16, 256)
# Exercise 5: a constant gradient ACCUM_G, rate ACCUM_LR, ACCUM_STEPS steps without zero_grad
ACCUM_STEPS = _whole("10.accumulated", 10, 5, 30)
ACCUM_LR = number("10.accumulated/lr", 0.1, 0.02, 0.5, digits=2)
ACCUM_G = number("10.accumulated/g", 0.3, 0.1, 2.0, digits=2)
# Exercise 6: EX_LAYERS layers in segments of EX_K
EX_LAYERS = _whole("10.checkpoint-forwards", 20, 12, 40)
EX_K = _whole("10.checkpoint-forwards/k", 6, 3, 9)


def check_accumulated(answer, steps=ACCUM_STEPS, lr=ACCUM_LR, g=ACCUM_G):
    """Exercise: how far gradient descent moves a weight in ``steps`` steps of rate ``lr`` when
    its gradient is ``g`` at every step and ``zero_grad`` is never called: step t uses t·g, so
    the distance is lr·g·steps·(steps + 1)/2 (momentum without friction)."""
    steps = require_count("steps", steps)
    right = lr * g * steps * (steps + 1) / 2
    return check(answer, right, f"the distance after {steps} steps",
                 "η·g·(1 + 2 + … + t) = η·g·t(t + 1)/2: step t applies the sum of t gradients", [
                     (lr * g * steps, "η·g·t, the distance with zero_grad: without it each step "
                                      "applies the sum of all gradients so far"),
                     (lr * g * steps ** 2, "η·g·t²: step t applies t·g, and 1 + 2 + … + t is "
                                           "t(t + 1)/2, not t²"),
                     (lr * g * steps * (steps - 1) / 2, "η·g·t(t − 1)/2: the first step already "
                                                        "applies one gradient"),
                     (lr * g * steps * (steps + 1), "η·g·t(t + 1): 1 + 2 + … + t is half of "
                                                    "that"),
                 ])


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


def check_activation_memory(answer, depth=EX_DEPTH, width=EX_WIDTH, m=EX_M):
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
                 ], tol=5e-5)  # 1.0245e6 for 1,024,512 is right; every mistake is further off


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


def check_checkpoint_forwards(answer, layers=EX_LAYERS, segment=EX_K):
    """Exercise: how many layer forward passes one checkpointed step of ``layers`` layers makes
    with segments of ``segment`` (every segment but the last is run forward a second time)."""
    layers, segment = require_count("layers", layers), require_count("segment", segment)
    parts = segments(layers, segment)
    right = layers + layers - len(parts[-1])
    mistakes = [(2 * layers, f"2·{layers}: the last segment is not run again, its values are "
                             "still stored when the backward pass starts"),
                (2 * layers - segment, f"2·{layers} − {segment}: the last segment holds "
                                       f"{len(parts[-1])} layers, not {segment}"),
                (layers, f"{layers}: the forward pass alone; the dropped segments are run again"),
                (layers + len(parts), "one more forward per segment: each segment's layers are "
                                      "all run again"),
                (2, "one layer's count (2 for a layer outside the last segment): add over all "
                    f"{layers} layers"),
                (1, "one forward for a layer: the question asks for all the layer forwards of "
                    "the step, recomputations included")]
    return check(answer, right, "the layer forwards", f"{layers} + ({layers} − "
                 f"{len(parts[-1])}): once each, then again for all but the last segment",
                 [(w, what) for w, what in mistakes if w != right], tol=1e-9)
