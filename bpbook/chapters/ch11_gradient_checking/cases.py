r"""What the rule of :mod:`bpbook.gradcheck` is shown on: four seeded bugs, tiny and large
gradients, a ReLU kink, a float32 network, and the cost of a check counted in forward passes.

:class:`BuggyDense` is a ``Dense`` layer whose backward pass carries one classic bug. Networks are
``3 → 4 → 4 → 2`` unless said otherwise; data are seeded, samples in columns.
"""
import numpy as np

from bpbook.activations import get_activation
from bpbook.gradcheck import EPS, check_gradients, gradcheck, rel_error
from bpbook.layers import Dense
from bpbook.model import Sequential

from bpbook.chapters.ch11_gradient_checking.curve import digits_batch, digits_network

LARGE = 1e4  # the targets' scale in the large-gradient case
KINK_OFFSET = 0.3  # kink_case's unit sits this many ε above its kink
KINK_IMAGES = 100  # digit images in kink_counts
BUGS = ("missing slope", "transposed W", "dropped 1/m", "sign")
BUG_LAYER = {"missing slope": 0, "transposed W": 1, "dropped 1/m": 2, "sign": 0}


class BuggyDense(Dense):
    """A Dense layer whose backward pass carries ``bug`` (one of ``BUGS``, or None)."""

    def __init__(self, *args, bug=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.bug = bug

    def backward(self, da, input_grad=True):
        if self.bug == "missing slope":  # δ = da, the factor f'(z) forgotten
            return self.backward_delta(da, input_grad)
        return super().backward(da, input_grad)

    def backward_delta(self, delta, input_grad=True):
        if self.bug == "dropped 1/m":  # the loss's mean forgotten: a sum
            delta = delta * delta.shape[1]
        self.delta = delta
        dW = delta @ self.a_prev.T
        self.dW += -dW if self.bug == "sign" else dW
        self.db += delta.sum(axis=1, keepdims=True)
        if not input_grad:
            return None
        return (self.W if self.bug == "transposed W" else self.W.T) @ delta


def small_network(seed=0, bug=None, where=None, activation="tanh", m=5):
    """A 3-4-4-2 network (``bug`` in layer ``where``), its data ``X`` (3, m), targets and loss."""
    rng = np.random.RandomState(seed)
    sizes = [3, 4, 4, 2]
    where = BUG_LAYER.get(bug, 0) if where is None else where
    layers = [BuggyDense(sizes[i], sizes[i + 1], activation if i < 2 else "sigmoid", rng=rng,
                         name=f"layer{i + 1}", bug=bug if i == where else None) for i in range(3)]
    return Sequential(layers), rng.randn(3, m), rng.rand(2, m), "mse"


def bug_table(seed=0):
    """``[(case, largest error, passed)]``: the correct network, then each bug."""
    rows = []
    for bug in (None,) + BUGS:
        result = gradcheck(*small_network(seed, bug))
        rows.append((bug or "none (correct)", result.max_rel_error, result.passed()))
    return rows


def three_rules(result):
    """Largest pure relative error, largest absolute error and the rule's error of a check."""
    g, g_hat = np.array([r[2] for r in result.rows]), np.array([r[3] for r in result.rows])
    return float(rel_error(g, g_hat).max()), float(np.abs(g - g_hat).max()), result.max_rel_error


def floor_cases(seed=0):
    """``{case: GradCheck}``: tiny correct gradients (a saturated first layer), large correct
    ones (an identity output and targets ``LARGE`` times larger), tiny wrong ones (a flipped
    sign in the saturated layer)."""
    tiny, X, Y, loss = small_network(seed)
    tiny.layers[0].W *= 30
    large, X2, Y2, _ = small_network(seed, activation="tanh")
    large.layers[-1].f = get_activation("identity")
    wrong, _, _, _ = small_network(seed, "sign", 0)
    wrong.layers[0].W *= 30
    return {"tiny and correct": gradcheck(tiny, X, Y, loss),
            "large and correct": gradcheck(large, X2, LARGE * Y2, loss),
            "tiny and wrong": gradcheck(wrong, X, Y, loss)}


def kink_case(offset=KINK_OFFSET, seed=1):
    """A ReLU network whose unit 0 sits ``offset``·ε above its kink for sample 0; returns the
    check, the row of that unit's bias, and the two one-sided slopes around it."""
    net, X, Y, loss = small_network(seed, activation="relu")
    hidden = net.layers[0]
    z = hidden.W @ X + hidden.b
    hidden.b[0, 0] -= z[0, 0] - offset * EPS
    result = gradcheck(net, X, Y, loss)
    row = next(r for r in result.rows if r[0] == "layer1.b" and r[1] == (0, 0))
    L = lambda: net.loss(X, Y, loss)  # noqa: E731
    base = L()
    b = hidden.b[0, 0]
    hidden.b[0, 0] = b + EPS
    right = (L() - base) / EPS
    hidden.b[0, 0] = b - EPS
    left = (base - L()) / EPS
    hidden.b[0, 0] = b
    return result, row, left, right


def kink_counts(steps=(1e-1, 1e-2, 1e-3, EPS), seed=0, m=KINK_IMAGES):
    """``[(ε, entries whose check straddled a kink, entries)]`` for a ReLU network on ``m``
    digits."""
    X, Y = digits_batch(m)
    net = digits_network("relu", seed=seed)
    out = []
    for eps in steps:
        result = gradcheck(net, X, Y, "softmax_ce", eps=eps)
        out.append((eps, result.kinks, len(result.rows)))
    return out


def float32_check(seed=0, steps=np.logspace(-4, -1, 7)):
    """The digits network in float32: for each step, the largest |g − ĝ| over a sample of
    entries relative to the largest |g|, central differences and backprop both in float32;
    then bpbook's gradcheck of the same model, which moves it to float64 first."""
    X, Y = digits_batch()
    net = digits_network(seed=seed)
    net32 = Sequential([Dense(l.n_in, l.n_out, l.f, W=l.W, b=l.b, name=l.name,
                              dtype=np.float32) for l in net.layers])
    net32.forward_backward(X, Y, "softmax_ce")
    f = lambda: net32.loss(X, Y, "softmax_ce")  # noqa: E731
    scaled = []
    for eps in steps:
        rows = check_gradients(f, net32.parameters(), eps, sample=4).rows
        scaled.append(max(abs(r[2] - r[3]) for r in rows) / max(abs(r[2]) for r in rows))
    return np.asarray(steps), np.array(scaled), gradcheck(net32, X, Y, "softmax_ce", sample=4)


class ForwardCounter:
    """Counts forward passes through ``model`` (calls of its first layer's ``forward``)."""

    def __init__(self, model):
        self.calls, first = 0, model.layers[0]
        inner = first.forward

        def counted(a_prev):
            self.calls += 1
            return inner(a_prev)
        first.forward = counted


def check_cost(sample=5, seed=0):
    """Forward passes of a full check and of a sampled one (``sample`` entries per array) of the
    digits ReLU network, counted; and whether the sampled check catches a sign bug."""
    X, Y = digits_batch()
    net = digits_network("relu", seed=seed)
    counter = ForwardCounter(net)
    full = gradcheck(net, X, Y, "softmax_ce")
    full_passes, counter.calls = counter.calls, 0
    part = gradcheck(net, X, Y, "softmax_ce", sample=sample)
    entries = sum(v.size for _, v, _ in net.parameters())
    buggy = Sequential([BuggyDense(l.n_in, l.n_out, l.f, W=l.W, b=l.b, name=l.name,
                                   bug="sign" if i == 1 else None)
                        for i, l in enumerate(net.layers)])
    caught = not gradcheck(buggy, X, Y, "softmax_ce", sample=sample).passed()
    return dict(entries=entries, arrays=len(net.parameters()), sample=sample, full=full_passes,
                sampled=counter.calls, full_check=full, sampled_check=part, caught=caught)
