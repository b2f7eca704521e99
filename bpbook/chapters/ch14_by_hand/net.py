r"""The network of chapter 14, its forward pass as explicit torch expressions (float64), its
backward pass written by hand step by step and fused, and :func:`cmp`, the comparison with torch.

Shapes (samples are columns, as everywhere in bpbook): a batch of images ``X`` ``(64, m)``,
labels ``y`` ``(m,)``, one-hot targets ``Y`` ``(10, m)``. Parameters ``W1`` ``(n_h, 64)``,
``b1``, ``gamma``, ``beta`` ``(n_h, 1)``, ``W2`` ``(10, n_h)``, ``b2`` ``(10, 1)``. Every
intermediate is ``(n_h, m)`` or ``(10, m)``, a per-feature statistic ``(n_h, 1)``, a per-sample
one ``(1, m)``; ``loss`` is a 0-d tensor.

The forward pass (:data:`FORWARD` lists its intermediates in order)::

    z1 = W1 @ X + b1                  first layer
    mu = z1.sum(1) / m                batch norm, training mode: the batch's mean per feature,
    zc = z1 - mu
    zc2 = zc ** 2
    var = zc2.sum(1) / m              its biased variance,
    inv_std = (var + eps) ** -0.5
    zhat = zc * inv_std               standardised,
    zbn = gamma * zhat + beta         scaled and shifted
    h = tanh(zbn)
    o = W2 @ h + b2                   the logits
    o_max = o.max(0)                  log-softmax, shifted by each sample's largest logit
    s = o - o_max
    e = exp(s)
    S = e.sum(0)
    lse = log(S)
    logp = s - lse
    loss = -(Y * logp).sum() / m      cross-entropy, the mean over the batch

The backward pass is split in four stages (:data:`STAGES`), each a function ``stage(t, g)``
that reads the forward values ``t`` (parameters included) and the gradients found so far ``g``
(dicts of tensors by name) and adds its own to ``g``.
"""
import functools

import numpy as np

from bpbook.data import digits
from bpbook.errors import InputError, ShapeError, count
from bpbook.norm import EPS
from bpbook.tables import Table
from bpbook.torch_bridge import one_thread, require_torch

SEED = 14  # the batch and the parameters
HIDDEN, BATCH, CLASSES = 32, 24, 10  # m ≠ n_h: a transposed hidden tensor shows
TOL = 1e-12  # "approximate": every entry within this of torch's (the loss is of order 1)
PARAMS = ("W1", "b1", "gamma", "beta", "W2", "b2")
FORWARD = ("z1", "mu", "zc", "zc2", "var", "inv_std", "zhat", "zbn", "h", "o", "o_max", "s",
           "e", "S", "lse", "logp")


@functools.lru_cache(maxsize=1)
def _standardized():
    """Every digit image with each pixel standardised over all of them (constant pixels only
    shifted); the chapter compares gradients, so no test set is held out."""
    X, labels = digits()
    std = X.std(axis=1, keepdims=True)
    return (X - X.mean(axis=1, keepdims=True)) / np.where(std > 0, std, 1.0), labels


def batch(m=BATCH, seed=SEED):
    """``(X, y)``: the first ``m`` images of one seeded shuffle (so a larger batch holds a
    smaller one), ``X`` ``(64, m)`` and integer labels ``y`` ``(m,)``."""
    X, labels = _standardized()
    m = count(m, "batch: m", low=2, high=X.shape[1])
    order = np.random.default_rng(seed).permutation(X.shape[1])[:m]
    return X[:, order].copy(), labels[order].copy()


def init(hidden=HIDDEN, seed=SEED):
    """The parameters as float64 arrays, every one drawn at random (``gamma`` near 1, ``beta``,
    ``b1`` and ``b2`` near 0 but not 0): a gradient multiplied by an exact 1 or 0 would hide
    a missing factor."""
    hidden = count(hidden, "init: hidden", low=1)
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(size=(hidden, 64)) / 8.0, "b1": 0.1 * rng.normal(size=(hidden, 1)),
            "gamma": 1.0 + 0.1 * rng.normal(size=(hidden, 1)),
            "beta": 0.1 * rng.normal(size=(hidden, 1)),
            "W2": rng.normal(size=(CLASSES, hidden)) / np.sqrt(hidden),
            "b2": 0.1 * rng.normal(size=(CLASSES, 1))}


def one_hot(y, classes=CLASSES):
    """``(classes, m)`` float64: column ``i`` is 1 in row ``y[i]``."""
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iu" or np.any((y < 0) | (y >= classes)):
        raise InputError(f"one_hot: y should be a 1-D array of integers 0..{classes - 1}, "
                         f"got {np.array2string(y, threshold=8)}")
    return np.eye(classes)[:, y]


def forward(p, X, y, grad=True):
    """The forward pass: ``{name: tensor}`` with the parameters, ``X``, ``Y`` and every
    intermediate of :data:`FORWARD`, and ``loss``. ``p`` holds numpy arrays, which the tensors
    share (changing an entry in place changes the next forward pass: central differences use
    it). With ``grad``, every intermediate keeps its gradient (``retain_grad``) for
    :func:`torch_gradients`."""
    torch = require_torch()
    _check(p, X, y)
    t = {k: torch.from_numpy(v).requires_grad_(grad) for k, v in p.items()}
    t["X"], t["Y"] = torch.from_numpy(np.asarray(X, dtype=float)), torch.from_numpy(one_hot(y))
    m = t["X"].shape[1]
    with torch.set_grad_enabled(grad):
        t["z1"] = t["W1"] @ t["X"] + t["b1"]
        t["mu"] = t["z1"].sum(1, keepdim=True) / m
        t["zc"] = t["z1"] - t["mu"]
        t["zc2"] = t["zc"] ** 2
        t["var"] = t["zc2"].sum(1, keepdim=True) / m
        t["inv_std"] = (t["var"] + EPS) ** -0.5
        t["zhat"] = t["zc"] * t["inv_std"]
        t["zbn"] = t["gamma"] * t["zhat"] + t["beta"]
        t["h"] = torch.tanh(t["zbn"])
        t["o"] = t["W2"] @ t["h"] + t["b2"]
        t["o_max"] = t["o"].max(0, keepdim=True).values
        t["s"] = t["o"] - t["o_max"]
        t["e"] = t["s"].exp()
        t["S"] = t["e"].sum(0, keepdim=True)
        t["lse"] = t["S"].log()
        t["logp"] = t["s"] - t["lse"]
        t["loss"] = -(t["Y"] * t["logp"]).sum() / m
    if grad:
        for name in FORWARD:
            t[name].retain_grad()
    return t


def _check(p, X, y):
    """Refuse parameters and a batch that do not fit, naming what is wrong."""
    if not isinstance(p, dict) or sorted(p) != sorted(PARAMS):
        raise InputError(f"forward: p should be a dict with keys {', '.join(PARAMS)}, got "
                         f"{sorted(p) if isinstance(p, dict) else type(p).__name__}")
    hidden = np.shape(p["W1"])[0]
    want = {"W1": (hidden, 64), "b1": (hidden, 1), "gamma": (hidden, 1), "beta": (hidden, 1),
            "W2": (CLASSES, hidden), "b2": (CLASSES, 1)}
    for name, shape in want.items():
        if not (isinstance(p[name], np.ndarray) and p[name].dtype == np.float64
                and p[name].shape == shape):
            raise ShapeError(f"forward: p[{name!r}] should be a float64 array of shape {shape}, "
                             f"got {type(p[name]).__name__} {np.shape(p[name])}")
    if np.ndim(X) != 2 or np.shape(X)[0] != 64 or np.shape(X)[1] < 2:
        raise ShapeError(f"forward: X should have shape (64, m) with m >= 2 (samples are "
                         f"columns), got {np.shape(X)}")
    if np.shape(y) != (np.shape(X)[1],):
        raise ShapeError(f"forward: y should hold one label per column of X, shape "
                         f"({np.shape(X)[1]},), got {np.shape(y)}")


def loss_value(p, X, y):
    """The loss as a float, without a graph (for central differences)."""
    with one_thread():
        return float(forward(p, X, y, grad=False)["loss"])


def torch_gradients(p, X, y):
    """``(t, grads)``: the forward values, detached, and ``torch.autograd``'s gradient of the
    loss with respect to every parameter and intermediate."""
    with one_thread():
        t = forward(p, X, y)
        t["loss"].backward()
    names = PARAMS + FORWARD
    return ({k: v.detach() for k, v in t.items()}, {k: t[k].grad for k in names})


def loss_backward(t, g):
    """Cross-entropy and log-softmax, from the loss back to the logits ``o``."""
    m = t["Y"].shape[1]
    g["logp"] = -t["Y"] / m                               # loss = -(Y * logp).sum() / m
    g["lse"] = -g["logp"].sum(0, keepdim=True)            # logp = s - lse  (lse: every row)
    g["s"] = g["logp"].clone()                            # logp = s - lse
    g["S"] = g["lse"] / t["S"]                            # lse = log(S)
    g["e"] = g["S"].expand_as(t["e"]).clone()             # S = e.sum(0)
    g["s"] += t["e"] * g["e"]                             # e = exp(s)
    g["o_max"] = -g["s"].sum(0, keepdim=True)             # s = o - o_max
    g["o"] = g["s"].clone()                               # s = o - o_max
    g["o"] += is_max(t["o"]) * g["o_max"]                 # o_max = o.max(0)


def output_backward(t, g):
    """The output layer and tanh, from ``o`` back to ``zbn``."""
    g["W2"] = g["o"] @ t["h"].T                           # o = W2 @ h + b2
    g["b2"] = g["o"].sum(1, keepdim=True)                 # o = W2 @ h + b2
    g["h"] = t["W2"].T @ g["o"]                           # o = W2 @ h + b2
    g["zbn"] = g["h"] * (1 - t["h"] ** 2)                 # h = tanh(zbn)


def batchnorm_backward(t, g):
    """Batch norm, from ``zbn`` back to ``z1``, one forward line at a time."""
    m = t["X"].shape[1]
    g["gamma"] = (g["zbn"] * t["zhat"]).sum(1, keepdim=True)  # zbn = gamma * zhat + beta
    g["beta"] = g["zbn"].sum(1, keepdim=True)             # zbn = gamma * zhat + beta
    g["zhat"] = t["gamma"] * g["zbn"]                     # zbn = gamma * zhat + beta
    g["inv_std"] = (g["zhat"] * t["zc"]).sum(1, keepdim=True)  # zhat = zc * inv_std
    g["zc"] = g["zhat"] * t["inv_std"]                    # zhat = zc * inv_std
    g["var"] = -0.5 * (t["var"] + EPS) ** -1.5 * g["inv_std"]  # inv_std = (var + eps)**-0.5
    g["zc2"] = g["var"].expand_as(t["zc2"]) / m           # var = zc2.sum(1) / m
    g["zc"] += 2 * t["zc"] * g["zc2"]                     # zc2 = zc ** 2
    g["mu"] = -g["zc"].sum(1, keepdim=True)               # zc = z1 - mu
    g["z1"] = g["zc"] + g["mu"].expand_as(t["z1"]) / m    # zc = z1 - mu;  mu = z1.sum(1) / m


def first_layer_backward(t, g):
    """The first layer, from ``z1`` to ``W1`` and ``b1`` (the images need no gradient)."""
    g["W1"] = g["z1"] @ t["X"].T                          # z1 = W1 @ X + b1
    g["b1"] = g["z1"].sum(1, keepdim=True)                # z1 = W1 @ X + b1


STAGES = (loss_backward, output_backward, batchnorm_backward, first_layer_backward)
STAGE_TENSORS = {  # the gradients each stage adds, in the order it adds them
    "loss_backward": ("logp", "lse", "S", "e", "s", "o_max", "o"),
    "output_backward": ("W2", "b2", "h", "zbn"),
    "batchnorm_backward": ("gamma", "beta", "zhat", "inv_std", "var", "zc2", "zc", "mu", "z1"),
    "first_layer_backward": ("W1", "b1")}


def is_max(o):
    """1.0 where an entry is its column's largest (the first such entry), else 0.0: the local
    derivative of ``o.max(0)``, which routes the gradient to the winner."""
    torch = require_torch()
    return torch.nn.functional.one_hot(o.argmax(0), o.shape[0]).T.to(o.dtype)


def by_hand(t):
    """Every gradient by the four stages, step by step: ``{name: tensor}``."""
    g = {}
    with one_thread():
        for stage in STAGES:
            stage(t, g)
    return g


def one_rounding(h):
    """``1 − h²`` rounded once (computed exactly with fractions, then rounded to float64), as a
    fused multiply-add gives it; ``1 - h ** 2`` rounds ``h²`` first."""
    torch = require_torch()
    from fractions import Fraction
    exact = [float(1 - Fraction(v) ** 2) for v in h.reshape(-1).tolist()]
    return torch.tensor(exact, dtype=h.dtype).reshape(h.shape)


def handed_torchs_zbn(t, mine, theirs):
    """Stages 3 and 4 run again from torch's ``∂ℒ/∂zbn`` instead of ours: ``{name: tensor}``
    of the gradients they compute."""
    g = {**mine, "zbn": theirs["zbn"].clone()}
    batchnorm_backward(t, g)
    first_layer_backward(t, g)
    return {n: g[n] for n in STAGE_TENSORS["batchnorm_backward"]
            + STAGE_TENSORS["first_layer_backward"]}


def torch_nn_loss(p, X, y):
    """The loss by ``torch.nn.functional``'s own layers (samples in rows there), sharing none of
    :func:`forward`'s expressions: ``linear``, ``batch_norm`` in training mode, ``tanh``,
    ``linear``, ``cross_entropy``."""
    torch = require_torch()
    F, T = torch.nn.functional, torch.from_numpy
    with one_thread():
        z1 = F.linear(T(np.asarray(X, float).T), T(p["W1"]), T(p["b1"][:, 0]))
        zbn = F.batch_norm(z1, None, None, weight=T(p["gamma"][:, 0]), bias=T(p["beta"][:, 0]),
                           training=True, eps=EPS)
        o = F.linear(torch.tanh(zbn), T(p["W2"]), T(p["b2"][:, 0]))
        return float(F.cross_entropy(o, T(np.asarray(y))))


def ce_fused(t):
    """``∂ℒ/∂o`` in one expression: ``(softmax(o) − Y) / m``."""
    return (t["e"] / t["S"] - t["Y"]) / t["Y"].shape[1]


def bn_fused(dzbn, zhat, gamma, inv_std):
    """``∂ℒ/∂z1`` from ``∂ℒ/∂zbn`` in one expression: the paths through the mean and the
    variance are the two subtracted sums."""
    m = dzbn.shape[1]
    return gamma * inv_std / m * (m * dzbn - dzbn.sum(1, keepdim=True)
                                  - zhat * (dzbn * zhat).sum(1, keepdim=True))


def cmp(name, mine, ref, tol=TOL):
    """One row of the comparison: ``[name, shape, exact, approximate, max |mine − ref|]``.
    ``exact``: every entry equal to the last bit; ``approximate``: within ``tol``."""
    torch = require_torch()
    if mine.shape != ref.shape:
        raise InputError(f"cmp: {name}: by hand has shape {tuple(mine.shape)}, the reference "
                         f"{tuple(ref.shape)}")
    diff = float((mine - ref).abs().max())
    return [name, "×".join(map(str, mine.shape)), bool(torch.equal(mine, ref)),
            diff <= tol, diff]


def table(rows, against="torch.autograd"):
    """The rows of :func:`cmp` as a :class:`bpbook.tables.Table`, captioned with what they
    were compared with."""
    yes = [[r[0], r[1], "yes" if r[2] else "no", "yes" if r[3] else "no", r[4]] for r in rows]
    return Table(["tensor", "shape", "exact", "approximate", "max |difference|"], yes,
                 [None, None, None, None, "{:.1e}"], caption=f"compared with {against}")


def compare(p, X, y, names=None):
    """``(rows, t, mine, theirs)``: :func:`cmp` for every gradient (or ``names``), in the
    order the backward pass computes them."""
    t, theirs = torch_gradients(p, X, y)
    mine = by_hand(t)
    names = names or [n for stage in STAGES for n in STAGE_TENSORS[stage.__name__]]
    return [cmp(n, mine[n], theirs[n]) for n in names], t, mine, theirs
