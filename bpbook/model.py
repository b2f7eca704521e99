"""A sequential model, a factory for multi-layer perceptrons, and a training loop.

Conventions: ``X`` has shape ``(n_features, m)`` and ``Y`` shape ``(n_out, m)``, samples in columns.
After :meth:`Sequential.backward` every :class:`~bpbook.layers.Dense` layer holds its ``delta``,
``dW`` and ``db``, so a chapter can print the error signal of every layer.
"""
import numpy as np

from bpbook.activations import get_activation
from bpbook.errors import ShapeError, as_matrix, check_finite
from bpbook.layers import Dense
from bpbook.losses import get_loss
from bpbook.optim import SGD

EXPLODING_HINT = ("This is the mark of exploding gradients: lower the learning rate, "
                  "clip the gradient norm (SGD(..., clip=1.0)) or start from smaller weights.")


class Sequential:
    """Layers applied one after another; ``backward`` walks them in reverse."""

    def __init__(self, layers):
        self.layers = list(layers)
        if not self.layers:
            raise ValueError("Sequential needs at least one layer, got none")
        self.y_hat = None

    def forward(self, X):
        a = X
        for layer in self.layers:
            a = layer.forward(a)
        self.y_hat = a
        return a

    __call__ = forward

    def backward(self, da):
        """Push ``da`` $=\\partial L/\\partial \\hat y$ back through every layer.

        The inputs are data, not parameters: the first Dense layer skips $W^\\top\\delta$, their
        gradient, which would cost about a third of the backward pass for a wide input.
        """
        first, *rest = self.layers
        for layer in reversed(rest):
            da = layer.backward(da)
        if isinstance(first, Dense):
            first.backward(da, input_grad=False)
        else:
            first.backward(da)

    def loss(self, X, Y, loss="mse"):
        """Forward pass and the loss, without touching the gradients."""
        y_hat = self.forward(X)
        return get_loss(loss).value(y_hat, self._targets(Y, y_hat))

    def forward_backward(self, X, Y, loss="mse"):
        """One forward and one backward pass; returns the loss. Gradients accumulate."""
        loss = get_loss(loss)
        # overflow is caught below as a non-finite loss or gradient, with a message that says why
        with np.errstate(over="ignore", invalid="ignore"):
            y_hat = self.forward(X)
            Y = self._targets(Y, y_hat)
            value = loss.value(y_hat, Y)
            check_finite(value, f"the loss ({value})", EXPLODING_HINT)
            self.backward(loss.grad(y_hat, Y))
            # one sum per gradient is cheap; only when it is not finite do we look closer
            if not np.isfinite(sum(float(np.sum(g)) for _, _, g in self.parameters())):
                for name, _, grad in self.parameters():
                    check_finite(grad, f"the gradient of {name}", EXPLODING_HINT)
        return value

    @staticmethod
    def _targets(Y, y_hat):
        """``Y`` as an array shaped like ``y_hat`` (a flat ``Y`` of the right size is reshaped)."""
        Y = np.asarray(Y, dtype=y_hat.dtype)
        if Y.ndim < 2 and Y.size == y_hat.size:
            Y = Y.reshape(y_hat.shape)
        if Y.shape != y_hat.shape:
            raise ShapeError(f"loss: targets Y should have shape {y_hat.shape} like the output "
                             f"y_hat, got shape {np.shape(Y)}")
        return Y

    def parameters(self):
        return [p for layer in self.layers for p in layer.params()]

    def zero_grad(self):
        for layer in self.layers:
            layer.zero_grad()

    @property
    def dense(self):
        """The Dense layers, in order (layer ``l`` of the text is ``dense[l - 1]``)."""
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    def __repr__(self):
        return "Sequential([\n" + "".join(f"  {layer!r},\n" for layer in self.layers) + "])"


def mlp(sizes, activation="sigmoid", output="sigmoid", seed=0, init="normal", scale=0.5,
        dtype=np.float64):
    """A multi-layer perceptron with layer widths ``sizes`` (inputs first, e.g. ``[2, 4, 1]``).

    Weights are drawn layer by layer from ``numpy.random.RandomState(seed)`` (the legacy
    generator behind ``np.random.seed``), biases start at zero: with ``init="normal"`` and
    ``scale=0.5`` this is exactly the reference text's ``np.random.seed(42)``,
    ``W1 = randn(4, 2) * 0.5``, ``W2 = randn(1, 4) * 0.5``.
    """
    if len(sizes) < 2 or any(not (isinstance(n, (int, np.integer)) and n >= 1) for n in sizes):
        raise ValueError(f"mlp sizes must be at least two positive integers (inputs, ..., "
                         f"outputs), got {sizes!r}")
    activation, output = get_activation(activation), get_activation(output)
    rng = np.random.RandomState(seed)
    n = len(sizes) - 1
    return Sequential(
        Dense(sizes[i], sizes[i + 1], activation if i < n - 1 else output, rng=rng, init=init,
              scale=scale, name=f"layer{i + 1}", dtype=dtype)
        for i in range(n))


def fit(model, X, Y, loss="mse", lr=0.5, epochs=1000, clip=None, record=None):
    """Full-batch gradient descent for ``epochs`` steps; returns the loss before each step.

    ``record(epoch, model)``, if given, is called after each step (for snapshots). A loss or
    gradient that becomes NaN or infinite raises :class:`~bpbook.errors.ExplodingGradientError`
    naming the epoch and the learning rate.
    """
    if not (isinstance(epochs, (int, np.integer)) and epochs >= 0):
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
    opt = SGD(model.parameters(), lr, clip=clip)
    X = as_matrix(X, "inputs X")
    losses = np.empty(epochs)
    for epoch in range(epochs):
        opt.zero_grad()
        try:
            losses[epoch] = model.forward_backward(X, Y, loss)
        except FloatingPointError as err:
            raise type(err)(f"epoch {epoch}, learning rate {lr}: {err}") from None
        opt.step()
        if record is not None:
            record(epoch, model)
    return losses
