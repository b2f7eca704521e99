"""``value_step``: one training step on scalar ``Value`` nodes, bpbook's engine vs micrograd's.

Workload (micrograd's own demo, without its L2 term): an MLP 2-16-16-1 (ReLU hidden layers,
linear output) on 100 points of two interleaved half-moons with labels ±1, the hinge loss
$L = \frac1n\sum_i \max(0, 1 - y_i s_i)$, then ``p.data -= lr * p.grad`` for every parameter.
One step builds the whole graph (about 70,000 nodes), backpropagates and updates.

The MLP below is written once, over the ``Value`` class it is given, so both engines run the same
Python code on the same initial weights (``random.Random(seed).uniform(-1, 1)``, zero biases);
their first losses must agree exactly, and the second ones (after an update, which checks the
gradients) to 1e-12: the engines add a node's incoming gradients in different orders, so the
weights may differ in the last bit.
"""
import math
import random

import numpy as np

from benchmarks.harness import alternate, median, row, skipped, spread, target

SIZES, POINTS, LR = (2, 16, 16, 1), 100, 0.05
QUICK_SIZES, QUICK_POINTS = (2, 4, 4, 1), 10
TARGET = target("ratio", "<=", 0.5, "bpbook ≥ 2× faster (time ≤ 0.5× micrograd)")


def moons(n, noise=0.1, seed=0):
    """``n`` points ``[(x1, x2), ...]`` on two interleaved half circles, labels ``[±1.0, ...]``."""
    rng = np.random.RandomState(seed)
    half = n // 2
    t_out, t_in = np.linspace(0, np.pi, n - half), np.linspace(0, np.pi, half)
    x = np.concatenate([np.cos(t_out), 1 - np.cos(t_in)])
    y = np.concatenate([np.sin(t_out), 0.5 - np.sin(t_in)])
    pts = np.stack([x, y], axis=1) + noise * rng.randn(n, 2)
    labels = [1.0] * (n - half) + [-1.0] * half
    return [tuple(map(float, p)) for p in pts], labels


def initial_weights(sizes, seed=1337):
    """Per layer, per neuron: its input weights then its bias, as plain floats."""
    rng = random.Random(seed)
    return [[[rng.uniform(-1, 1) for _ in range(n_in)] + [0.0] for _ in range(n_out)]
            for n_in, n_out in zip(sizes, sizes[1:])]


class ValueMLP:
    """An MLP over any micrograd-like ``Value`` class (``+ * relu backward .data .grad``)."""

    def __init__(self, Value, weights):
        self.layers = [[[Value(w) for w in neuron] for neuron in layer] for layer in weights]
        self.params = [p for layer in self.layers for neuron in layer for p in neuron]

    def __call__(self, x):
        for i, layer in enumerate(self.layers):
            z = [sum((w * xi for w, xi in zip(neuron, x)), neuron[-1]) for neuron in layer]
            x = z if i == len(self.layers) - 1 else [zj.relu() for zj in z]
        return x[0]

    def step(self, points, labels, lr=LR):
        """One step of hinge-loss gradient descent; returns the loss before the update."""
        for p in self.params:
            p.grad = 0.0
        scores = [self(x) for x in points]
        losses = [(1 + -y * s).relu() for y, s in zip(labels, scores)]
        loss = sum(losses) * (1.0 / len(losses))
        loss.backward()
        for p in self.params:
            p.data -= lr * p.grad
        return loss.data


def run(cfg):
    try:
        from micrograd.engine import Value as MicroValue
    except ImportError:
        return [skipped("value_step", "micrograd not installed (benchmarks/requirements.txt)",
                        TARGET)]
    from bpbook.engine import Value
    sizes, n = (QUICK_SIZES, QUICK_POINTS) if cfg.quick else (SIZES, POINTS)
    points, labels = moons(n)
    weights = initial_weights(sizes)
    ours, theirs = ValueMLP(Value, weights), ValueMLP(MicroValue, weights)
    losses = [(ours.step(points, labels), theirs.step(points, labels)) for _ in range(2)]
    same = losses[0][0] == losses[0][1] and abs(losses[1][0] - losses[1][1]) <= 1e-12
    params_diff = max(abs(a.data - b.data) for a, b in zip(ours.params, theirs.params))
    times = alternate({"bpbook": lambda: ours.step(points, labels),
                       "micrograd": lambda: theirs.step(points, labels)},
                      cfg.reps(max(3, cfg.repeats // 3)), min(cfg.warm, 1), collect=True)
    t_ours, t_theirs = median(times["bpbook"]), median(times["micrograd"])
    note = f"{t_theirs / t_ours:.2f}× faster" + ("" if same else "; LOSSES DIFFER")
    return [row("value_step", t_ours * 1e3, "ms", t_theirs * 1e3, "micrograd 0.1.0", TARGET,
                note, {"sizes": list(sizes), "points": n, "parameters": len(ours.params),
                       "losses_bpbook_micrograd": losses, "same_loss": same,
                       "max_param_diff_after_2_steps": params_diff,
                       "speedup": t_theirs / t_ours if t_ours > 0 else math.inf,
                       "bpbook_ms": spread(times["bpbook"], 1e3),
                       "micrograd_ms": spread(times["micrograd"], 1e3)})]
