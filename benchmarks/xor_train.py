"""``xor_train``: the XOR chapter's training, 5000 epochs, against a plain numpy loop.

bpbook's side is :func:`bpbook.chapters.ch05_xor.train.train` (the chapter's and the live trainer's workload: a
2-4-1 sigmoid network, ½-MSE, full batch, ``lr = 2.0``, ``numpy.random.seed(42)``
initialisation). The baseline is the loop a reader would type from the tutorial, written out
below with the same initialisation; both must end on the same loss.
"""
import numpy as np

from benchmarks.harness import alternate, median, row, spread, target

EPOCHS, QUICK_EPOCHS, LR, SEED, HIDDEN = 5000, 50, 2.0, 42, 4
TARGET = target("value", "<=", 2.0, "≤ 2 s")
X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
Y = np.array([[0, 1, 1, 0]], dtype=float)


def numpy_loop(epochs, lr=LR, seed=SEED, hidden=HIDDEN):
    """Full-batch gradient descent written out in numpy; returns the loss before each step."""
    rng = np.random.RandomState(seed)
    W1, W2 = rng.randn(hidden, 2) * 0.5, rng.randn(1, hidden) * 0.5
    b1, b2 = np.zeros((hidden, 1)), np.zeros((1, 1))
    m, losses = X.shape[1], np.empty(epochs)
    for epoch in range(epochs):
        a1 = 1 / (1 + np.exp(-(W1 @ X + b1)))
        y_hat = 1 / (1 + np.exp(-(W2 @ a1 + b2)))
        losses[epoch] = np.sum(0.5 * (y_hat - Y) ** 2) / m
        delta2 = (y_hat - Y) / m * y_hat * (1 - y_hat)
        delta1 = (W2.T @ delta2) * a1 * (1 - a1)
        W2 -= lr * delta2 @ a1.T
        b2 -= lr * delta2.sum(axis=1, keepdims=True)
        W1 -= lr * delta1 @ X.T
        b1 -= lr * delta1.sum(axis=1, keepdims=True)
    return losses


def bpbook_train(epochs):
    """The chapter's trainer; before ``bpbook.chapters.ch05_xor.train`` existed, the same through ``mlp`` + ``fit``."""
    try:
        from bpbook.chapters.ch05_xor.train import train
    except ImportError:
        from bpbook.model import fit, mlp
        return fit(mlp([2, HIDDEN, 1], seed=SEED), X, Y, "mse", lr=LR, epochs=epochs)
    return train(hidden=HIDDEN, lr=LR, seed=SEED, epochs=epochs).losses


def run(cfg):
    epochs = QUICK_EPOCHS if cfg.quick else EPOCHS
    ours, theirs = bpbook_train(epochs), numpy_loop(epochs)
    same = bool(np.allclose(ours, theirs, rtol=1e-9, atol=1e-12))
    times = alternate({"bpbook": lambda: bpbook_train(epochs),
                       "numpy": lambda: numpy_loop(epochs)},
                      cfg.reps(max(3, cfg.repeats // 3)), min(cfg.warm, 1))
    t_ours, t_base = median(times["bpbook"]), median(times["numpy"])
    note = f"{t_ours / epochs * 1e6:.0f} µs/epoch" + ("" if same else "; LOSSES DIFFER")
    return [row("xor_train", t_ours, "s", t_base, "plain numpy loop", TARGET, note, {
        "epochs": epochs, "final_loss_bpbook_numpy": [float(ours[-1]), float(theirs[-1])],
        "same_losses": same, "bpbook_s": spread(times["bpbook"]),
        "numpy_s": spread(times["numpy"])})]
