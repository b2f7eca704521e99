"""A small convolutional network against a dense one on the book's digits (chapter 15).

The digits are scikit-learn's 8 × 8 images (:func:`bpbook.data.digits`), grey levels scaled to
[0, 1], split once with a seeded permutation into :data:`N_TEST` test images and the rest for
training. The CNN sees them as images ``(1, 8, 8, m)``; the MLP as vectors ``(64, m)``, the same
pixels in the same order (samples last in both). Both are trained by the same mini-batch SGD on
softmax cross-entropy from the same seed, so the comparison is one of architectures.
"""
from dataclasses import dataclass

import numpy as np

from bpbook import SGD, Conv2d, Dense, Flatten, MaxPool2d, Sequential, mlp
from bpbook.data import digits

SEED, N_TEST = 0, 400
EPOCHS, BATCH, LR = 20, 32, 0.2
FILTERS, HIDDEN = 8, 20  # the CNN's channels; the MLP's hidden units (a similar parameter count)


@dataclass
class Split:
    images: np.ndarray  # (1, 8, 8, n_train)
    labels: np.ndarray  # (n_train,)
    test_images: np.ndarray  # (1, 8, 8, N_TEST)
    test_labels: np.ndarray  # (N_TEST,)


def split(seed=SEED):
    """The digits scaled to [0, 1] and split into training and test images."""
    X, labels = digits()
    order = np.random.RandomState(seed).permutation(labels.size)
    images = (X / 16.0).reshape(8, 8, -1)[None][..., order]
    labels = labels[order]
    return Split(images[..., N_TEST:], labels[N_TEST:], images[..., :N_TEST], labels[:N_TEST])


def cnn(seed=SEED, filters=FILTERS):
    """Conv 3 × 3 (padding 1, ReLU) → max-pool 2 × 2 → flatten → dense to 10 logits."""
    rng = np.random.RandomState(seed)
    return Sequential([Conv2d(1, filters, 3, padding=1, activation="relu", rng=rng,
                              name="conv"),
                       MaxPool2d(2, name="pool"), Flatten(),
                       Dense(filters * 4 * 4, 10, rng=rng, init="xavier", name="out")])


def dense_net(seed=SEED, hidden=HIDDEN):
    """The MLP 64 → ``hidden`` (ReLU) → 10 logits."""
    return mlp([64, hidden, 10], activation="relu", output="identity", seed=seed, init="he")


def n_params(model):
    return sum(value.size for _, value, _ in model.parameters())


def flat(images):
    """Images ``(1, 8, 8, m)`` as the MLP's columns ``(64, m)``, pixel ``8·row + col``."""
    return images.reshape(64, -1)


def train(model, X, labels, epochs=EPOCHS, batch=BATCH, lr=LR, seed=SEED):
    """Mini-batch SGD on softmax cross-entropy; returns the mean training loss of each epoch.
    ``X``'s last axis holds the samples; batches are drawn by a seeded shuffle each epoch."""
    rng = np.random.RandomState(seed)
    opt = SGD(model.parameters(), lr)
    m = labels.size
    losses = []
    for _ in range(epochs):
        order, total = rng.permutation(m), 0.0
        for start in range(0, m, batch):
            idx = order[start:start + batch]
            opt.zero_grad()
            total += model.forward_backward(X[..., idx], labels[idx], "softmax_ce") * idx.size
            opt.step()
        losses.append(total / m)
    return np.array(losses)


def accuracy(model, X, labels):
    """The fraction of samples whose largest logit is at their label."""
    return float(np.mean(model.forward(X).argmax(axis=0) == labels))


@dataclass
class Comparison:
    names: tuple
    params: tuple
    losses: tuple  # per model, the training loss of each epoch
    test_accuracy: tuple
    models: tuple


def compare(data=None, epochs=EPOCHS):
    """Train the CNN and the MLP on the same split from the same seed."""
    data = data or split()
    conv, dense = cnn(), dense_net()
    runs = [train(conv, data.images, data.labels, epochs),
            train(dense, flat(data.images), data.labels, epochs)]
    acc = (accuracy(conv, data.test_images, data.test_labels),
           accuracy(dense, flat(data.test_images), data.test_labels))
    return Comparison(("CNN", "MLP"), (n_params(conv), n_params(dense)), tuple(runs), acc,
                      (conv, dense))
