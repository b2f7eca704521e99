r"""The digit classifier of chapter 13: data prepared, mini-batch SGD in bpbook and in torch.

Shapes (samples are columns, as everywhere in bpbook): images ``X`` ``(64, m)``, labels ``(m,)``
ints 0–9, one-hot targets ``Y`` ``(10, m)``, logits ``o`` ``(10, m)`` (the last layer's ``z``,
fed to ``softmax_ce``; the network's output layer is ``identity``). A batch is an index array
into the training columns; :func:`batches` draws every epoch's order from one seeded generator,
so bpbook and torch can be handed the very same batches.

Settings are constants here (:data:`SEED`, :data:`TEST_FRACTION`, :data:`HIDDEN`, :data:`LR`,
:data:`BATCH`, :data:`EPOCHS`); the chapter renders them from here.
"""
import functools
from types import SimpleNamespace

import numpy as np
from threadpoolctl import threadpool_limits

from bpbook.data import digits
from bpbook.errors import ShapeError
from bpbook.model import mlp
from bpbook.optim import SGD
from bpbook.torch_bridge import one_thread, require_torch

SEED = 0  # the split, the first weights and the order of the batches
TEST_FRACTION = 0.25
CLASSES = 10
HIDDEN, LR, BATCH, EPOCHS = 64, 0.1, 32, 20


def split(X, labels, test_fraction=TEST_FRACTION, seed=SEED):
    """``(X_train, labels_train, X_test, labels_test)``: a seeded shuffle, the first
    ``round(test_fraction * m)`` samples held out for testing."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    order = np.random.RandomState(seed).permutation(X.shape[1])
    n_test = round(test_fraction * len(order))
    test, kept = order[:n_test], order[n_test:]
    return X[:, kept], labels[kept], X[:, test], labels[test]


def standardize(X_train, X):
    """``X`` with each pixel shifted and scaled by the *training* images' mean and standard
    deviation (a pixel that never varies there, like a corner, is only shifted)."""
    mean = X_train.mean(axis=1, keepdims=True)
    std = X_train.std(axis=1, keepdims=True)
    return (X - mean) / np.where(std > 0, std, 1.0)


def one_hot(labels, classes=CLASSES):
    """``(classes, m)``: column ``i`` is 1 in row ``labels[i]`` and 0 elsewhere."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or not (
            (labels >= 0) & (labels < classes)).all():
        raise ValueError(f"one_hot: labels should be a 1-D array of integers 0..{classes - 1}, "
                         f"got {labels!r:.80}")
    return np.eye(classes)[:, labels]


@functools.lru_cache(maxsize=1)
def prepared():
    """The digits split and standardized, read once: ``X_train``, ``X_test`` ``(64, ·)``,
    ``y_train``, ``y_test`` (labels), ``Y_train`` (one-hot) and ``images_test`` (the raw 8 × 8
    grey levels of the test images, for pictures)."""
    X, labels = digits()
    X_train, y_train, X_test, y_test = split(X, labels)
    return SimpleNamespace(X_train=standardize(X_train, X_train), y_train=y_train,
                           X_test=standardize(X_train, X_test), y_test=y_test,
                           Y_train=one_hot(y_train), images_test=X_test.T.reshape(-1, 8, 8))


def batches(m, batch_size, epochs, seed=SEED):
    """Index arrays of the mini-batches of ``epochs`` passes over ``m`` samples: each epoch a new
    shuffle from one generator seeded ``seed``, cut into ``batch_size`` pieces (the last one of an
    epoch smaller when ``batch_size`` does not divide ``m``)."""
    for what, n in (("m", m), ("batch_size", batch_size), ("epochs", epochs)):
        if not (isinstance(n, (int, np.integer)) and n >= 1):
            raise ValueError(f"batches: {what} must be a positive integer, got {n!r}")
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(epochs):
        order = rng.permutation(m)
        out += [order[i:i + batch_size] for i in range(0, m, batch_size)]
    return out


def classifier(hidden=HIDDEN, seed=SEED):
    """The network: 64 pixels → ``hidden`` ReLU units → 10 logits, He-initialised weights drawn
    from ``RandomState(seed)``, biases zero."""
    return mlp([64, hidden, CLASSES], activation="relu", output="identity", init="he", seed=seed)


def train(net, X, Y, lr, batch_list):
    """Mini-batch SGD of ``net`` over ``batch_list``; returns each batch's loss before its step.

    numpy's BLAS runs on one thread here: a mini-batch's matrices are small, and a second
    thread waiting for a busy core made a retrain of the explorer ten times slower on a loaded
    two-core machine."""
    opt = SGD(net.parameters(), lr)
    losses = np.empty(len(batch_list))
    with threadpool_limits(limits=1, user_api="blas"):
        for step, idx in enumerate(batch_list):
            opt.zero_grad()
            losses[step] = net.forward_backward(X[:, idx], Y[:, idx], "softmax_ce")
            opt.step()
    return losses


def train_torch(tnet, X, labels, lr, batch_list):
    """The same loop in torch: ``tnet`` (a ``torch.nn`` model of samples in rows), bpbook-shaped
    ``X`` ``(64, m)``, integer ``labels`` ``(m,)``, ``F.cross_entropy`` (the mean over the batch,
    like bpbook's ``softmax_ce``); returns each batch's loss.

    The step is plain SGD written out under ``torch.no_grad()`` (chapter 12 checks it against
    ``torch.optim.SGD``): the first ``step()`` of a ``torch.optim`` optimizer loads torch's
    compiler, about two seconds, more than this whole loop takes."""
    torch = require_torch()
    dtype = next(tnet.parameters()).dtype
    Xt = torch.as_tensor(np.ascontiguousarray(X.T), dtype=dtype)
    yt = torch.as_tensor(labels)
    losses = np.empty(len(batch_list))
    with one_thread():
        for step, idx in enumerate(batch_list):
            idx = torch.as_tensor(idx)
            tnet.zero_grad()
            loss = torch.nn.functional.cross_entropy(tnet(Xt[idx]), yt[idx])
            loss.backward()
            with torch.no_grad():
                for p in tnet.parameters():
                    p -= lr * p.grad
            losses[step] = loss.item()
    return losses


def predict(net, X):
    """The class with the largest logit, for each column of ``X``."""
    return net.forward(X).argmax(axis=0)


def confusion(true, predicted, classes=CLASSES):
    """``(classes, classes)`` counts: row = the true digit, column = the predicted one."""
    true, predicted = np.asarray(true), np.asarray(predicted)
    if true.shape != predicted.shape:
        raise ShapeError(f"confusion: {true.shape[0] if true.ndim else true!r} true labels but "
                         f"predictions of shape {predicted.shape}; they must match")
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (true, predicted), 1)
    return counts


def logsumexp_naive(o):
    r"""$\log\sum_k e^{o_k}$ over axis 0 as written: ``exp`` overflows to ``inf`` past about
    709 (float64), and then so does the result; far below zero every ``exp`` underflows to 0
    and the result is ``-inf`` (numpy's warnings are silenced: the infinities are the point)."""
    with np.errstate(over="ignore", divide="ignore"):
        return np.log(np.exp(o).sum(axis=0, keepdims=True))


def logsumexp(o):
    r"""$c + \log\sum_k e^{o_k - c}$ with $c = \max_k o_k$: the same number, and no ``exp`` of
    anything above 0."""
    c = o.max(axis=0, keepdims=True)
    return c + np.log(np.exp(o - c).sum(axis=0, keepdims=True))


def run(hidden=HIDDEN, lr=LR, batch_size=BATCH, epochs=EPOCHS, seed=SEED):
    """Train a fresh :func:`classifier` on the prepared digits; ``net``, ``losses`` (per batch),
    ``steps_per_epoch``, ``train_accuracy``, ``test_accuracy`` and ``train_loss`` (on the whole
    training set, after the last step)."""
    d = prepared()
    net = classifier(hidden, seed)
    m = d.X_train.shape[1]
    if not (isinstance(batch_size, (int, np.integer)) and 1 <= batch_size <= m):
        raise ValueError(f"batch_size must be an integer from 1 to {m} (the training set), got "
                         f"{batch_size!r}")
    losses = train(net, d.X_train, d.Y_train, lr, batches(m, batch_size, epochs, seed))
    return SimpleNamespace(
        net=net, losses=losses, steps_per_epoch=len(losses) // epochs,
        train_accuracy=float((predict(net, d.X_train) == d.y_train).mean()),
        test_accuracy=float((predict(net, d.X_test) == d.y_test).mean()),
        train_loss=net.loss(d.X_train, d.Y_train, "softmax_ce"))
