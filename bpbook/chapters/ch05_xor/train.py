r"""XOR: the smallest problem that needs a hidden layer, trained with bpbook (chapter 05).

Conventions (samples are columns): the inputs :data:`X` (the library's
:data:`bpbook.data.XOR_X`) have shape ``(2, 4)``, one corner of the unit square per column, in the
order (0,0), (0,1), (1,0), (1,1); the targets :data:`Y` have shape ``(1, 4)``. The network is
``2 → hidden → 1`` with a sigmoid output, trained by full-batch gradient descent on the ½-MSE
averaged over the four samples, $\mathcal L = \frac14\sum_{i=1}^{4}\tfrac12(\hat y_i - y_i)^2$, from the
reference text's initialisation (``numpy.random.seed(seed)``, ``W1 = randn(hidden, 2) * SCALE``,
``W2 = randn(1, hidden) * SCALE``, zero biases; see :func:`bpbook.model.mlp`).

The reference text's settings are the defaults everywhere here, and the chapter renders its prose
from them: :data:`SEED`, :data:`SCALE`, :data:`HIDDEN`, :data:`LR`, :data:`EPOCHS` and the print
interval of its log, :data:`LOG_EVERY`.

- :func:`train` is the live trainer's update function (and the benchmark's workload): it checks
  its settings, builds the network, trains it and returns a :class:`TrainResult`;
- :func:`train_many` trains many networks at once (one per seed and learning rate, stacked along
  a leading axis) for the searches of the chapter: stuck seeds, learning-rate sweeps;
- :func:`largest_slopes` says how far a trained network sits in its activations' flat tails;
- :func:`boundary` evaluates a model on a grid over the input square (for contour plots);
- :func:`errata_table` compares the reference text's printed log with the real run.
"""
import math

import numpy as np

from bpbook.activations import ACTIVATIONS, sigmoid
from bpbook.data import XOR_X, XOR_Y
from bpbook.errors import unknown_name
from bpbook.model import fit, mlp
from bpbook.reference import (XOR_PRINTED_LOSS, XOR_PRINTED_PREDICTIONS, XOR_SOURCE,
                              XOR_TITLE_ITERATIONS)
from bpbook.tables import Table

X, Y = XOR_X, XOR_Y

# The reference text's settings (its section on XOR): seed, initial weight scale, hidden width,
# learning rate, epochs, and how often its loop prints the loss.
SEED, SCALE, HIDDEN, LR, EPOCHS, LOG_EVERY = 42, 0.5, 4, 2.0, 5000, 1000

# The decision surfaces' grid: 49 ticks over [-0.25, 1.25], a step of 1/32, so 0 and 1 are ticks.
GRID = 49

# Elementwise activations only: softmax over the hidden units is not a hidden-layer activation.
HIDDEN_ACTIVATIONS = tuple(n for n in ACTIVATIONS if n != "softmax")


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_settings(hidden, activation, lr, seed, epochs):
    """Raise a ValueError naming the setting, what it should be and what it got."""
    if not (_is_int(hidden) and hidden >= 1):
        raise ValueError(f"hidden (the number of hidden units) must be a positive integer, "
                         f"got {hidden!r}")
    if activation not in HIDDEN_ACTIVATIONS:
        raise unknown_name("hidden activation", activation, HIDDEN_ACTIVATIONS)
    if not (isinstance(lr, (int, float, np.number)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"the learning rate lr must be a positive finite number, got {lr!r}")
    if not (_is_int(seed) and 0 <= seed < 2 ** 32):
        raise ValueError(f"seed must be an integer in [0, 2**32), got {seed!r}")
    if not (_is_int(epochs) and epochs >= 1):
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")


class TrainResult:
    """One training run: ``losses`` (the loss before each step, shape ``(epochs,)``), the trained
    ``model``, its final predictions ``y_hat`` ``(1, 4)``, the ``settings`` and ``snapshots``
    (epoch → :func:`boundary` output after that epoch's step)."""

    def __init__(self, losses, model, settings, snapshots):
        self.losses, self.model, self.settings, self.snapshots = losses, model, settings, snapshots
        self.y_hat = model.forward(X)

    @property
    def final_loss(self):
        return float(self.losses[-1])

    def __repr__(self):
        return f"TrainResult({self.settings}, final_loss={self.final_loss:.3g})"


def train(hidden=HIDDEN, activation="sigmoid", lr=LR, seed=SEED, epochs=EPOCHS,
          snapshot_at=(), grid=GRID):
    """Train a ``2 → hidden → 1`` network on XOR; return a :class:`TrainResult`.

    ``snapshot_at`` lists epochs after whose update the decision surface is recorded on a
    ``grid × grid`` mesh (an epoch ``e`` records the model that epoch ``e + 1`` starts from).
    """
    check_settings(hidden, activation, lr, seed, epochs)
    model = mlp([2, hidden, 1], activation=activation, output="sigmoid", seed=seed, scale=SCALE)
    settings = dict(hidden=hidden, activation=activation, lr=lr, seed=seed, epochs=epochs)
    return _run(model, settings, snapshot_at, grid)


def train_no_hidden(lr=LR, seed=SEED, epochs=EPOCHS, snapshot_at=(), grid=GRID):
    """A ``2 → 1`` sigmoid unit (no hidden layer) trained on XOR like :func:`train`."""
    check_settings(1, "sigmoid", lr, seed, epochs)
    model = mlp([2, 1], output="sigmoid", seed=seed, scale=SCALE)
    return _run(model, dict(hidden=0, lr=lr, seed=seed, epochs=epochs), snapshot_at, grid)


def _run(model, settings, snapshot_at, grid):
    wanted, snapshots = set(snapshot_at), {}

    def record(epoch, net):
        if epoch in wanted:
            snapshots[epoch] = boundary(net, grid)

    losses = fit(model, X, Y, "mse", lr=settings["lr"], epochs=settings["epochs"],
                 record=record if wanted else None)
    return TrainResult(losses, model, settings, snapshots)


def best_linear_loss(span=10.0, n=81):
    r"""The lowest loss of a network without hidden layer, $\hat y = \sigma(w_1x_1+w_2x_2+b)$,
    over an ``n³`` grid of ``(w1, w2, b)`` in ``[-span, span]³``: ``(loss, (w1, w2, b))``."""
    ticks = np.linspace(-span, span, n)
    w1, w2, b = np.meshgrid(ticks, ticks, ticks, indexing="ij")
    z = w1[..., None] * X[0] + w2[..., None] * X[1] + b[..., None]
    losses = np.sum(0.5 * (sigmoid(z) - Y[0]) ** 2, axis=-1) / X.shape[1]
    best = np.unravel_index(np.argmin(losses), losses.shape)
    return float(losses[best]), tuple(float(t[best]) for t in (w1, w2, b))


def largest_slopes(model):
    """The largest activation slope f′(z) over the four samples in the hidden layer and at the
    output, ``(hidden, output)``: near zero means the units sit in a flat tail."""
    model.forward(X)
    hidden, output = (float(np.max(layer.f.df(layer.z))) for layer in model.dense)
    return hidden, output


def boundary(model, n=GRID):
    """The model's output on an ``n × n`` grid over ``[-0.25, 1.25]²``: ``(x1, x2, y_hat)``, each
    of shape ``(n, n)`` (rows follow ``x2``, columns ``x1``, as ``plt.contourf`` wants). With
    ``n − 1`` a multiple of 6 (as :data:`GRID`) the grid holds 0 and 1, so the four samples are
    grid points and a description can read ŷ at them off the surface."""
    ticks = np.linspace(-0.25, 1.25, n)
    x1, x2 = np.meshgrid(ticks, ticks)
    y_hat = model.forward(np.vstack([x1.ravel(), x2.ravel()]))
    return x1, x2, y_hat.reshape(n, n)


def _initial_weights(seeds, hidden):
    """The reference initialisation for every seed, stacked: ``W1 (S, hidden, 2)``,
    ``W2 (S, 1, hidden)``."""
    W1, W2 = [], []
    for seed in seeds:
        rng = np.random.RandomState(seed)
        W1.append(rng.randn(hidden, 2) * SCALE)
        W2.append(rng.randn(1, hidden) * SCALE)
    return np.array(W1), np.array(W2)


def train_many(seeds, lrs, hidden=HIDDEN, epochs=EPOCHS):
    """Train one sigmoid ``2 → hidden → 1`` network per pair ``(seeds[k], lrs[k])`` at once.

    The same arithmetic as :func:`train` with a sigmoid hidden layer, batched over a leading run
    axis (the tests check that the trajectories agree). Returns the losses, shape
    ``(epochs, runs)``.
    """
    seeds, lrs = list(seeds), np.asarray(lrs, dtype=float).reshape(-1, 1, 1)
    if len(seeds) != len(lrs):
        raise ValueError(f"train_many: one learning rate per seed expected, got {len(seeds)} "
                         f"seeds and {len(lrs)} learning rates")
    for seed, lr in zip(seeds, lrs.ravel()):
        check_settings(hidden, "sigmoid", float(lr), seed, epochs)
    W1, W2 = _initial_weights(seeds, hidden)
    b1, b2 = np.zeros((len(seeds), hidden, 1)), np.zeros((len(seeds), 1, 1))
    m, losses = X.shape[1], np.empty((epochs, len(seeds)))
    for epoch in range(epochs):
        a1 = sigmoid(W1 @ X + b1)
        y_hat = sigmoid(W2 @ a1 + b2)
        losses[epoch] = np.sum(0.5 * (y_hat - Y) ** 2, axis=(1, 2)) / m
        delta2 = (y_hat - Y) / m * (y_hat * (1 - y_hat))
        delta1 = (W2.transpose(0, 2, 1) @ delta2) * (a1 * (1 - a1))
        W2 -= lrs * (delta2 @ a1.transpose(0, 2, 1))
        b2 -= lrs * delta2.sum(axis=2, keepdims=True)
        W1 -= lrs * (delta1 @ X.T)
        b1 -= lrs * delta1.sum(axis=2, keepdims=True)
    return losses


def find_stuck_seeds(seeds, hidden=HIDDEN, lr=LR, epochs=EPOCHS, threshold=0.1):
    """The seeds whose final loss is still above ``threshold`` after ``epochs`` steps, with every
    seed's final loss: ``(stuck, final)``.

    A network that has learnt XOR has a loss near 0; the constant prediction ½ has loss ⅛.
    """
    seeds = list(seeds)
    final = train_many(seeds, [lr] * len(seeds), hidden, epochs)[-1]
    stuck = [s for s, loss in zip(seeds, final) if loss > threshold]
    return stuck, final


def logged(losses, every=LOG_EVERY):
    """``[(epoch, loss), ...]`` for the epochs a loop printing ``if epoch % every == 0`` prints."""
    return [(e, float(losses[e])) for e in range(0, len(losses), every)]


def errata_table(losses, y_hat):
    """The reference text's printed XOR log next to the real run's values.

    Each real value is rounded to the number of decimals the text prints, and the row says
    whether the two agree. The last row compares the iteration count in the section's title with
    the number of epochs the run trained, ``len(losses)``.
    """
    rows = []
    for epoch, printed in XOR_PRINTED_LOSS.items():
        rows.append(_errata_row(f"loss at epoch {epoch}", printed, losses[epoch]))
    for x, printed, real in zip(X.T, XOR_PRINTED_PREDICTIONS, np.ravel(y_hat)):
        rows.append(_errata_row(f"prediction for {tuple(int(v) for v in x)}", printed, real))
    epochs = str(len(losses))
    rows.append(["iterations (section title)", XOR_TITLE_ITERATIONS, epochs,
                 "yes" if epochs == XOR_TITLE_ITERATIONS else "no"])
    return Table(["quantity", "tutorial prints", "real run", "agree?"], rows,
                 caption=f"Errata: {XOR_SOURCE}")


def _errata_row(what, printed, real):
    decimals = len(printed.split(".")[1])
    shown = f"{real:.{decimals}f}"
    return [what, printed, shown, "yes" if shown == printed else "no"]


def predictions_table(y_hat):
    """Inputs, target and prediction for the four XOR samples."""
    rows = [[f"({int(x[0])}, {int(x[1])})", int(t), float(p)]
            for x, t, p in zip(X.T, Y.ravel(), np.ravel(y_hat))]
    return Table(["input (x1, x2)", "target y", "prediction y_hat"], rows,
                 formats=[None, None, "{:.4f}"])
