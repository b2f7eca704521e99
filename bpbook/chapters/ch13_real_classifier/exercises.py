"""Exercise checks of chapter 13 (``chapters/13_real_classifier.py``).

Each check returns a :class:`bpbook.feedback.Feedback` that names a recognised mistake.
Shapes: logits ``o`` and one-hot targets ``y`` are ``(K, m)``, samples in columns.
"""
import numpy as np

from bpbook.activations import softmax
from bpbook.chapters.ch13_real_classifier.train import (BATCH, CLASSES, HIDDEN, logsumexp,
                                                        logsumexp_naive)
from bpbook.feedback import check, check_function
from bpbook.variants import number

PIXELS = 64


def _logit_cases():
    rng = np.random.RandomState(8)
    return [(rng.randn(k, m) * 3, rng.randint(0, k, size=m)) for k, m in ((3, 1), (10, 4), (4, 6))]


def _random_logits(rng):
    """Fresh logits ``(K, m)`` and labels ``(m,)`` for every check, so no table of answers passes."""
    k, m = (int(n) for n in rng.integers(2, 11, size=2))
    return rng.normal(size=(k, m)) * 3, rng.integers(0, k, size=m)


def _ce_grad(o, labels):
    return (softmax(o) - np.eye(o.shape[0])[:, labels]) / o.shape[1]


def _rows_bug(o, labels):
    p = softmax(o)
    p[labels] -= 1
    return p / o.shape[1]


def check_ce_grad(fn):
    """Exercise: ``fn(o, labels)`` is $\\partial\\mathcal L/\\partial o$ of the mean
    cross-entropy of a batch, the targets given as integer labels ``(m,)``."""
    m = lambda o: o.shape[1]  # noqa: E731
    return check_function(
        fn, "ce_grad(o, labels)", "(softmax(o) − y) / m, y the one-hot columns of the labels",
        _logit_cases(), _ce_grad, random_cases=_random_logits, mistakes=[
            (lambda o, c: _ce_grad(o, c) * m(o), "softmax(o) − y without the 1/m of the mean"),
            (lambda o, c: -_ce_grad(o, c), "y − softmax(o): the sign is flipped"),
            (lambda o, c: (o - np.eye(o.shape[0])[:, c]) / m(o),
             "(o − y)/m: the logits, not their softmax"),
            (lambda o, c: softmax(o) / m(o), "softmax(o)/m: the −1 at each sample's label is "
                                             "missing"),
            (_rows_bug, "p[labels] −= 1 changes whole rows of p, not one entry per sample: "
                        "index with p[labels, np.arange(m)]"),
        ])


def _large_logit_cases():
    rng = np.random.RandomState(9)
    far = np.array([[1000.0, -1000.0, 0.0], [999.0, -1001.0, -800.0], [990.0, -1010.0, 5.0]])
    return [(rng.randn(4, 3), np.array([0, 3, 1])), (far, np.array([1, 0, 1])),
            (rng.randn(10, 5) * 50, np.array([2, 7, 7, 0, 9]))]


def _random_large_logits(rng):
    """Fresh logits ``(K, m)``, some near ±1000 where a plain softmax overflows or underflows,
    and labels ``(m,)``."""
    k, m = (int(n) for n in rng.integers(2, 11, size=2))
    o = rng.normal(size=(k, m)) * 5 + rng.choice([-1000.0, 0.0, 1000.0], size=(1, m))
    return o, rng.integers(0, k, size=m)


def _right_logits(o, labels):
    return o[labels, np.arange(o.shape[1])]


def ce_loss(o, labels):
    """The mean cross-entropy from logits and integer labels: mean of log Σ e^o − o_label."""
    return np.mean(logsumexp(o)[0] - _right_logits(o, labels))


def _log_of_softmax(o, labels):
    with np.errstate(divide="ignore"):
        return -np.mean(np.log(softmax(o)[labels, np.arange(o.shape[1])]))


def check_ce_loss(fn):
    """Exercise: ``fn(o, labels)`` is the mean cross-entropy of a batch from its logits ``(K, m)``
    and integer labels ``(m,)``, right for logits near ±1000 too."""
    return check_function(
        fn, "ce_loss(o, labels)", "mean over samples of log Σ_k e^(o_k) − o_label, the log-sum-exp "
        "taken stably", _large_logit_cases(), ce_loss, random_cases=_random_large_logits,
        mistakes=[
            (_log_of_softmax, "−log of the softmax: where the right logit is far below the "
                              "largest, its probability underflows to 0 and the log is −∞; "
                              "use log p = o_label − log Σ e^o"),
            (lambda o, c: np.mean(logsumexp_naive(o)[0] - _right_logits(o, c)),
             "log Σ e^o computed directly: it overflows near 1000; subtract the largest first"),
            (lambda o, c: ce_loss(o, c) * o.shape[1], "the sum over the batch: the loss is the "
                                                      "mean"),
            (lambda o, c: -ce_loss(o, c), "the sign flipped: the loss is −log p"),
        ])


# Exercise 3: the page's width and batch for a reader alone; on a course, each student's own
MULT_HIDDEN = int(number("13.mult-count/H", HIDDEN, 8, 256, digits=0))
MULT_BATCH = int(number("13.mult-count/m", BATCH, 8, 128, digits=0))


def check_mult_count(answer, hidden=MULT_HIDDEN, m=MULT_BATCH):
    """Exercise: the multiplications in the two matrix products of one forward pass of ``m``
    images through the 64-``hidden``-10 network."""
    per_image = PIXELS * hidden + hidden * CLASSES
    return check(answer, m * per_image, f"the multiplications (H = {hidden}, m = {m})",
                 "m·(64·H + H·10): W₁ is H × 64 and meets m columns, W₂ is 10 × H", [
                     (per_image, "one image's count: the batch has m of them"),
                     (m * PIXELS * hidden, "the first layer only: W₂A₁ multiplies too"),
                     (per_image + hidden + CLASSES, "the number of parameters, not of "
                                                    "multiplications"),
                     (2 * m * per_image, "multiplications and additions together: count the "
                                         "multiplications"),
                 ], tol=1e-9)
