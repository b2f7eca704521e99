"""Dead ReLUs: units switched off on every sample, the ones that get no gradient at all, runs
that make them with a large learning rate, and units that come back.

Used by ``chapters/10_training_in_practice.py``. Networks are :func:`bpbook.deep.deep_net` (samples
are columns: ``X`` ``(n_in, m)``, ``Y`` ``(1, m)``); a layer's ``z`` and ``delta`` have shape
``(n_units, m)``, so a unit is a row.
"""
import numpy as np

from bpbook.deep import check_count, deep_net, hidden_layers, train
from bpbook.errors import InputError
from bpbook.optim import SGD


def off_fraction(model, X):
    """The fraction of hidden units (all layers but the last) whose pre-activation ``z`` is
    ``<= 0`` for every sample of ``X``: switched off on the whole data set."""
    model.forward(X)
    hidden = hidden_layers(model, "off_fraction")
    off = sum(int(np.sum(np.all(layer.z <= 0, axis=1))) for layer in hidden)
    return off / sum(layer.z.shape[0] for layer in hidden)


def no_grad_fraction(model, X, Y, loss="mse"):
    """The fraction of hidden units whose error signal ``delta`` is exactly 0 on every sample:
    their weights get no gradient at all, so gradient descent can never move them (dead)."""
    model.zero_grad()
    model.forward_backward(X, Y, loss)
    hidden = hidden_layers(model, "no_grad_fraction")
    dead = sum(int(np.sum(np.all(layer.delta == 0, axis=1))) for layer in hidden)
    return dead / sum(layer.delta.shape[0] for layer in hidden)


def dead_relu_runs(units, rates, X, Y, width=64, epochs=200, seed=0):
    """Train ``deep_net(2, width, activation=unit, init="he", seed=seed)`` for every unit type and
    learning rate. Returns ``{(name, lr): (off, no_grad, final_loss, error)}``: the fractions of
    :func:`off_fraction` and :func:`no_grad_fraction` after training (``None`` after a blow-up),
    the last finite loss (``None`` if there was none), and the error that stopped training
    (``None`` if none did)."""
    runs = {}
    for name, unit in units.items():
        for lr in rates:
            net = deep_net(2, width=width, n_in=X.shape[0], activation=unit, init="he", seed=seed)
            losses, err = train(net, X, Y, lr, epochs)
            counts = (None, None) if err else (off_fraction(net, X), no_grad_fraction(net, X, Y))
            runs[name, lr] = (*counts, losses[-1] if len(losses) else None, err)
    return runs


def over_seeds(units, rates, X, Y, seeds, width=32, epochs=200):
    """:func:`dead_relu_runs` for every seed of ``seeds`` (the starting weights change, the data
    do not). Returns ``{(name, lr): {"no_grad": array, "loss": array, "blown_up": int}}`` with
    one entry per seed that trained to the end (a run stopped by a blow-up is counted, not
    averaged), and ``higher``: ``{name: seeds where the largest rate ended with a higher loss
    than the smallest}``, among the seeds where both trained to the end."""
    if len(seeds) < 2:
        raise InputError(f"over_seeds needs at least two seeds to show a spread, got {seeds!r}")
    runs = [dead_relu_runs(units, rates, X, Y, width, epochs, seed) for seed in seeds]
    summary = {}
    for key in runs[0]:
        done = [r[key] for r in runs if r[key][3] is None]
        summary[key] = {"no_grad": np.array([d[1] for d in done]),
                        "loss": np.array([d[2] for d in done]), "blown_up": len(runs) - len(done)}
    low, high = min(rates), max(rates)
    higher = {name: sum(r[name, high][2] > r[name, low][2] for r in runs
                        if r[name, high][3] is None and r[name, low][3] is None)
              for name in units}
    return summary, higher


def switch_off(layer, units, margin=0.05):
    """Lower the biases of ``units`` of a Dense ``layer`` (after a forward pass) until their
    largest pre-activation on that batch is ``-margin``: a ReLU is then off on every sample."""
    layer.b[units, 0] -= layer.z[units].max(axis=1) + margin


def revival(X, Y, width=16, n_off=8, lr=0.1, epochs=200, seed=0):
    """Switch off ``n_off`` ReLU units in each of the two hidden layers of a ``[n_in, width,
    width, 1]`` network on every sample of ``X``, train with full-batch SGD, and record when each
    of them is first on again for some sample.

    Returns ``{1: {unit: epoch or None}, 2: {...}}`` for hidden layers 1 and 2 (``None``: still
    off on every sample after ``epochs`` steps). Layer 1 is switched off first, so layer 2's
    units are off on the inputs they really receive.
    """
    check_count(width, "width")
    if not (isinstance(n_off, (int, np.integer)) and 1 <= n_off <= width):
        raise InputError(f"revival: n_off must be an integer in 1..width={width}, got {n_off!r}")
    net = deep_net(2, width=width, n_in=X.shape[0], activation="relu", init="he", seed=seed)
    units = np.arange(n_off)
    for layer in net.layers[:2]:
        net.forward(X)
        switch_off(layer, units)
    first_on = {1: dict.fromkeys(units.tolist()), 2: dict.fromkeys(units.tolist())}
    opt = SGD(net.parameters(), lr)
    for epoch in range(epochs):
        opt.zero_grad()
        net.forward_backward(X, Y)
        opt.step()
        net.forward(X)
        for l, layer in ((1, net.layers[0]), (2, net.layers[1])):
            for u in units[np.any(layer.z[units] > 0, axis=1)].tolist():
                first_on[l][u] = epoch + 1 if first_on[l][u] is None else first_on[l][u]
    return first_on
