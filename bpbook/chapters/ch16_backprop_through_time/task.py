r"""The memory task of chapter 16 and a tanh RNN trained on it by backpropagation through time.

The task: a sequence of ``T`` numbers whose first one is a symbol $s = \pm1$ and whose others
are distractors drawn uniformly from $[-1, 1]$; the answer is $s$. Shapes (samples last): the
sequences ``X`` ``(1, T, m)``, the answers ``Y`` ``(1, m)``.

The network: :class:`bpbook.rnn.RNN` ``(1 → hidden)`` over the sequence, then a linear readout,
a :class:`bpbook.layers.Dense` ``(hidden → 1)`` on the last state $h_T$ only:
$\hat y = W_{out}h_T + b_{out}$, with the ½-MSE averaged over the batch,
$\mathcal L = \frac1m\sum_k\tfrac12(\hat y^{(k)} - y^{(k)})^2$. The loss sees no other state, so the
upstream gradient ``dH`` is zero except at the last step. A prediction counts as right when its
sign is the symbol's.

:func:`train` is mini-batch SGD (``bpbook.SGD``, optionally clipping the global gradient norm)
from seeded weights and data; it records the loss and the gradient norm (before clipping) at
every step, and stops, saying so, when the loss or the gradient stops being a finite number.
"""
from dataclasses import dataclass, field

import numpy as np

from bpbook.layers import Dense
from bpbook.optim import SGD, grad_norm
from bpbook.rnn import RNN, spectral_radius
from bpbook.tables import Table

SEED, T, HIDDEN, LR, EPOCHS = 0, 8, 8, 0.2, 20
M_TRAIN, M_TEST, BATCH = 256, 512, 32


def memory_task(T=T, m=M_TRAIN, seed=SEED):
    """``(X, Y)``: ``m`` sequences of length ``T`` ``(1, T, m)`` and their first symbols
    ``(1, m)``."""
    rng = np.random.RandomState(seed)
    s = rng.choice([-1.0, 1.0], size=m)
    X = rng.uniform(-1.0, 1.0, (1, T, m))
    X[0, 0] = s
    return X, s[None, :]


def build(hidden=HIDDEN, seed=SEED, bptt_steps=None, rho=None):
    """The RNN (torch's initialisation, seeded) and its readout; ``rho`` rescales ``W_hh`` to
    that spectral radius."""
    rnn = RNN(1, hidden, rng=np.random.RandomState(seed), bptt_steps=bptt_steps)
    if rho is not None:
        rnn.W_hh *= rho / spectral_radius(rnn.W_hh)
    readout = Dense(hidden, 1, rng=np.random.RandomState(seed + 1), init="xavier", name="out")
    return rnn, readout


def forward(rnn, readout, X):
    """``ŷ`` ``(1, m)`` from the last hidden state."""
    return readout.forward(rnn.forward(X)[:, -1])


def backward(rnn, readout, y_hat, Y):
    """Backpropagate the ½-MSE of ``y_hat``: through the readout into $h_T$, then through
    time. Returns ``dX`` ``(1, T, m)``."""
    dH = np.zeros_like(rnn.H)
    dH[:, -1] = readout.backward((y_hat - Y) / Y.shape[1])  # only h_T feeds the loss
    return rnn.backward(dH)


def mse(y_hat, Y):
    return float(np.mean(0.5 * (y_hat - Y) ** 2))


def accuracy(y_hat, Y):
    return float(np.mean(np.sign(y_hat) == Y))


@dataclass
class Run:
    """One training run: the loss and the gradient norm (before clipping) at every step, the
    trained ``rnn`` and ``readout``, and their loss and accuracy on fresh test sequences."""
    settings: dict
    rnn: RNN
    readout: Dense
    losses: list = field(default_factory=list)
    norms: list = field(default_factory=list)
    diverged_at: int | None = None  # the step whose loss or gradient was no longer finite
    test_loss: float = float("nan")
    test_accuracy: float = float("nan")


def train(T=T, hidden=HIDDEN, lr=LR, epochs=EPOCHS, bptt_steps=None, clip=None, rho=None,
          seed=SEED, m=M_TRAIN, batch=BATCH):
    """Train on ``m`` sequences of length ``T`` for ``epochs`` passes of mini-batches."""
    settings = dict(T=T, hidden=hidden, lr=lr, epochs=epochs, bptt_steps=bptt_steps, clip=clip,
                    rho=rho, seed=seed)
    X, Y = memory_task(T, m, seed + 2)
    rnn, readout = build(hidden, seed, bptt_steps, rho)
    run = Run(settings, rnn, readout)
    opt = SGD(rnn.params() + readout.params(), lr=lr, clip=clip)
    order = np.random.RandomState(seed + 3)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is detected below
        for _ in range(epochs):
            idx = order.permutation(m)
            for start in range(0, m, batch):
                cols = idx[start:start + batch]
                if not _step(run, opt, X[:, :, cols], Y[:, cols]):
                    return run
    Xt, Yt = memory_task(T, M_TEST, seed + 4)
    y_hat = forward(rnn, readout, Xt)
    run.test_loss, run.test_accuracy = mse(y_hat, Yt), accuracy(y_hat, Yt)
    return run


def _step(run, opt, X, Y):
    """One SGD step; False (and ``run.diverged_at`` set) once the numbers stop being finite."""
    y_hat = forward(run.rnn, run.readout, X)
    loss = mse(y_hat, Y)
    opt.zero_grad()
    if np.isfinite(loss):
        backward(run.rnn, run.readout, y_hat, Y)
    norm = grad_norm(opt.params) if np.isfinite(loss) else float("inf")
    run.losses.append(loss)
    run.norms.append(norm)
    if not np.isfinite(norm):
        run.diverged_at = len(run.losses) - 1
        return False
    opt.step()
    return True


def truncation_grid(lengths, steps, epochs=EPOCHS, seed=SEED):
    """Test accuracy after training with each truncation ``k`` in ``steps`` (``None``: full
    BPTT) on sequences of each length in ``lengths``: ``{(T, k): accuracy}``."""
    return {(t, k): train(T=t, bptt_steps=k, epochs=epochs, seed=seed).test_accuracy
            for t in lengths for k in steps}


def truncation_table(grid, lengths, steps):
    """The grid as a table: one row per sequence length, one column per truncation."""
    names = [f"k = {k}" if k is not None else "full BPTT" for k in steps]
    rows = [[t] + [grid[t, k] for k in steps] for t in lengths]
    return Table(["T"] + names, rows, [None] + ["{:.0%}"] * len(steps))
