"""Exercise checks of chapter 13 (``chapters/13_real_classifier.py``).

Each check returns a :class:`bpbook.feedback.Feedback` that names a recognised mistake.
Shapes: logits ``o`` and one-hot targets ``y`` are ``(K, m)``, samples in columns.
"""
import numpy as np

from bpbook.activations import softmax
from bpbook.chapters.ch13_real_classifier.train import CLASSES, HIDDEN, logsumexp, logsumexp_naive
from bpbook.feedback import check, check_function
from bpbook.variants import number

PIXELS = 64
# Exercise 3's hidden width: the page's HIDDEN for a reader alone; on a course, each student's own
PARAM_HIDDEN = int(number("13.param-count", HIDDEN, 8, 256, digits=0))


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
    return [(rng.randn(4, 3),), (np.array([[1000.0, -1000.0], [999.0, -1001.0],
                                             [990.0, -1010.0]]),), (rng.randn(10, 5) * 50,)]


def _random_large_logits(rng):
    """Fresh logits ``(K, m)``, some near ±1000 where the naive formula overflows."""
    k, m = (int(n) for n in rng.integers(2, 11, size=2))
    return (rng.normal(size=(k, m)) * 5 + rng.choice([-1000.0, 0.0, 1000.0], size=(1, m)),)


def check_logsumexp(fn):
    """Exercise: ``fn(o)`` is $\\log\\sum_k e^{o_k}$ over axis 0, shape ``(1, m)``, for logits as
    large as 1000 too."""
    return check_function(
        fn, "logsumexp(o)", "c + log Σ_k exp(o_k − c), c = max_k o_k", _large_logit_cases(),
        logsumexp, random_cases=_random_large_logits, mistakes=[
            (logsumexp_naive, "log Σ exp(o) directly: it overflows to inf for logits near 1000 "
                              "(and becomes −inf near −1000); subtract the largest first"),
            (lambda o: np.log(np.exp(o - o.max(axis=0, keepdims=True)).sum(axis=0,
                                                                            keepdims=True)),
             "log Σ exp(o − c) but without adding c back"),
        ])


def check_param_count(answer, hidden=PARAM_HIDDEN):
    """Exercise: how many numbers (weights and biases) the 64-``hidden``-10 network learns."""
    weights = PIXELS * hidden + hidden * CLASSES
    return check(answer, weights + hidden + CLASSES, f"the number of parameters (H = {hidden})",
                 "64·H + H (layer 1) + H·10 + 10 (layer 2)", [
                     (weights, "the weights only: each unit has a bias too"),
                     (weights + hidden, "the output layer's 10 biases are missing"),
                     (weights + CLASSES, "the hidden layer's biases are missing"),
                     (PIXELS * hidden + hidden + CLASSES, "the second layer's weights are "
                                                          "missing: H·10 of them"),
                 ], tol=1e-9)
