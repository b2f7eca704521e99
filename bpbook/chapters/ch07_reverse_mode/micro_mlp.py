"""Chapter 07's small MLP made of `Value`s, trained on two moons beside bpbook's numpy MLP.

The data: :func:`two_moons` makes two interleaved half circles with numpy (seeded, nothing is
downloaded), samples in columns: ``X`` shape ``(2, m)``, centred and scaled per feature; ``Y``
shape ``(1, m)``, 0 for the upper moon, 1 for the lower one.

:class:`ValueMLP` copies the weights of a bpbook :class:`~bpbook.model.Sequential` into Values,
one Value per weight (``W[l][j][i]`` is layer ``l+1``'s weight from input ``i`` to unit ``j``,
the shapes of bpbook's ``W``, ``(n_out, n_in)``). :func:`train_side_by_side` trains both with
the same mini-batches and the same learning rate, binary cross-entropy, and records after every
step the largest difference between their losses and between their parameters.
"""
import numpy as np
from matplotlib.figure import Figure

from bpbook.display import described
from bpbook.engine import Value
from bpbook.model import mlp
from bpbook.optim import SGD

MOONS = dict(m=100, noise=0.1, seed=0)  # settings: the data set
TRAINING = dict(sizes=[2, 8, 1], lr=2.0, batch=10, steps=200, seed=1)  # settings: the training


def two_moons(m=100, noise=0.1, seed=0):
    """``(X, Y)``: ``m`` points on two interleaved half circles plus Gaussian noise of std
    ``noise``; ``X`` ``(2, m)`` centred and scaled to unit variance per row, ``Y`` ``(1, m)``."""
    if not (isinstance(m, int) and m >= 2):
        raise ValueError(f"m must be an integer of at least 2, got {m!r}")
    rng = np.random.RandomState(seed)
    upper, lower = m // 2, m - m // 2
    t_up, t_low = np.pi * rng.rand(upper), np.pi * rng.rand(lower)
    X = np.hstack([np.vstack([np.cos(t_up), np.sin(t_up)]),
                   np.vstack([1 - np.cos(t_low), 0.5 - np.sin(t_low)])])
    X = X + noise * rng.randn(2, m)
    X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    return X, np.hstack([np.zeros(upper), np.ones(lower)])[None, :]


class ValueMLP:
    """An MLP of Values with the weights and activations of a bpbook ``Sequential``."""

    def __init__(self, net):
        self.layers = [([[Value(float(w)) for w in row] for row in d.W],
                        [Value(float(b)) for b in d.b[:, 0]], d.f.name) for d in net.dense]

    def __call__(self, x):
        """The output Value for one sample ``x`` (a sequence of floats)."""
        a = list(x)
        for W, b, f in self.layers:
            z = [sum((w * ai for w, ai in zip(row, a)), bj) for row, bj in zip(W, b)]
            a = [getattr(zj, f)() for zj in z]
        return a[0]

    def parameters(self):
        """Every Value weight and bias, in bpbook's order: W row by row, then b, layer by layer."""
        return [p for W, b, _ in self.layers for p in [w for row in W for w in row] + b]

    def loss(self, X, Y):
        """Binary cross-entropy, averaged over the columns of ``X``."""
        terms = []
        for x, y in zip(X.T, Y[0]):
            p = self(x)
            terms.append(-(p.log() * y + (1 - p).log() * (1 - y)))
        return sum(terms[1:], terms[0]) * (1.0 / len(terms))

    def arrays(self):
        """``[(W, b), ...]`` as numpy arrays, for drawing the network's function on a grid."""
        return [(np.array([[w.data for w in row] for row in W]),
                 np.array([[bj.data] for bj in b])) for W, b, _ in self.layers]


def train_side_by_side(sizes=(2, 8, 1), lr=2.0, batch=10, steps=200, seed=1, data=None):
    """Train a numpy MLP and a :class:`ValueMLP` from the same weights on the same batches.

    Returns ``{"value_net", "numpy_net", "X", "Y", "rows"}``; a row per step: ``step`` (from 1),
    the two losses on that step's batch, ``loss diff`` and ``param diff`` (the largest
    absolute difference between the two networks' parameters after the step).
    """
    X, Y = two_moons(**MOONS) if data is None else data
    net = mlp(list(sizes), activation="tanh", output="sigmoid", seed=seed, init="xavier")
    vnet = ValueMLP(net)
    opt, vparams = SGD(net.parameters(), lr), vnet.parameters()
    rng = np.random.RandomState(seed)
    rows = []
    for step in range(1, steps + 1):
        idx = rng.choice(X.shape[1], batch, replace=False)
        opt.zero_grad()
        loss = net.forward_backward(X[:, idx], Y[:, idx], "bce")
        opt.step()
        vloss = vnet.loss(X[:, idx], Y[:, idx])
        vloss.backward()
        for p in vparams:
            p.data -= lr * p.grad
            p.grad = 0.0
        flat = np.concatenate([v.ravel() for _, v, _ in net.parameters()])
        diff = float(np.max(np.abs(flat - [p.data for p in vparams])))
        rows.append({"step": step, "numpy loss": loss, "Value loss": vloss.data,
                     "loss diff": abs(loss - vloss.data), "param diff": diff})
    return {"value_net": vnet, "numpy_net": net, "X": X, "Y": Y, "rows": rows}


def predict(arrays, X):
    """The network's outputs for ``X`` ``(2, n)`` from :meth:`ValueMLP.arrays` (tanh, sigmoid)."""
    a = X
    for k, (W, b) in enumerate(arrays):
        z = W @ a + b
        a = np.tanh(z) if k < len(arrays) - 1 else 1.0 / (1.0 + np.exp(-z))
    return a


def training_figure(run):
    """Left: the data and the Value network's decision boundary. Right: the largest parameter
    difference between the two networks, step by step."""
    fig = Figure(figsize=(9, 3.4), layout="constrained")
    left, right = fig.subplots(1, 2)
    X, Y = run["X"], run["Y"]
    g = np.linspace(X.min() - 0.5, X.max() + 0.5, 120)
    gx, gy = np.meshgrid(g, g)
    p = predict(run["value_net"].arrays(), np.vstack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    left.contourf(gx, gy, p, levels=[0, 0.5, 1], colors=["#d0ebff", "#ffe8cc"])
    left.contour(gx, gy, p, levels=[0.5], colors="#495057", linewidths=1)
    for label, color in ((0, "#1c7ed6"), (1, "#d9480f")):
        pts = X[:, Y[0] == label]
        left.scatter(pts[0], pts[1], s=12, color=color, label=f"y = {label}")
    left.set(title="the Value network after training", xticks=[], yticks=[])
    left.legend(loc="lower left", fontsize=8)
    rows = run["rows"]
    right.semilogy([r["step"] for r in rows], [max(r["param diff"], 1e-18) for r in rows],
                   color="#1c7ed6")
    right.set(xlabel="step", ylabel="max |difference|",
              title="Value network − numpy network, parameters")
    accuracy = float(np.mean((predict(run["value_net"].arrays(), X) > 0.5) == Y))
    diffs = [r["param diff"] for r in rows]
    alt = (f"Left: the {X.shape[1]} points of two moons, {int(np.sum(Y == 0))} labelled 0 and "
           f"{int(np.sum(Y == 1))} labelled 1, with the trained Value network's decision boundary"
           f" (output 0.5); it labels {accuracy:.0%} of the points correctly. Right, on a log "
           f"scale: the largest difference between the two networks' parameters after each of "
           f"the {len(rows)} steps, from {diffs[0]:.1e} after the first to {diffs[-1]:.1e} after "
           f"the last, never above {max(diffs):.1e}.")
    return described(fig, alt)
