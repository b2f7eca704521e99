"""A sequential model, a factory for multi-layer perceptrons, and a training loop.

Conventions: ``X`` has shape ``(n_features, m)`` and ``Y`` shape ``(n_out, m)``, samples in columns.
After :meth:`Sequential.backward` every :class:`~bpbook.layers.Dense` layer holds its ``delta``,
``dW`` and ``db``, so a chapter can print the error signal of every layer.

Data are checked at the entrance, before anything is computed: ``X`` and ``Y`` must be real and
finite (a NaN or infinity is reported with its count and the index of the first one), hold at
least one sample, and have the model's shapes (see :mod:`bpbook.losses` for the few unambiguous
1-D forms of ``Y``). They are converted to the model's dtype, float32 or float64. Only then can a
NaN or infinity be blamed on training: :class:`~bpbook.errors.ExplodingGradientError`.

``loss="bce"`` needs a sigmoid output layer; the loss and ``delta`` of that layer come from its
logit ``z`` (see :mod:`bpbook.losses`): finite however confident the network is, and exactly
consistent, so :func:`~bpbook.gradcheck.gradcheck` agrees at any ``z``.
"""
import numpy as np

from bpbook.activations import ACTIVATIONS, Activation, get_activation
from bpbook.conv import Conv2d
from bpbook.errors import (InputError, InputTypeError, OrderError, ShapeError, as_matrix,
                           check_finite, check_name, count, float_dtype, real_number, short_repr,
                           upstream_gradient)
from bpbook.layers import MAX_WIDTH, Dense
from bpbook.losses import get_loss
from bpbook.optim import SGD

EXPLODING_HINT = ("This is the mark of exploding gradients: lower the learning rate, "
                  "clip the gradient norm (SGD(..., clip=1.0)) or start from smaller weights.")
LAYER_METHODS = ("forward", "backward", "params", "zero_grad")
MAX_EPOCHS = 10**7  # the returned losses take 80 MB


class Sequential:
    """Layers applied one after another; ``backward`` walks them in reverse."""

    def __init__(self, layers):
        if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
            raise InputTypeError(f"Sequential: layers should be a list of layers, got "
                                 f"{type(layers).__name__} {short_repr(layers)}")
        self.layers = list(layers)
        if not self.layers:
            raise InputError("Sequential: layers should hold at least one layer, got none")
        for i, layer in enumerate(self.layers):
            if not all(callable(getattr(layer, m, None)) for m in LAYER_METHODS):
                raise InputTypeError(f"Sequential: layers[{i}] should be a layer (with "
                                     f"{', '.join(LAYER_METHODS)}), got {short_repr(layer)}")
        self.y_hat = None

    def forward(self, X):
        """``y_hat`` for the inputs ``X`` (checked: real, finite, shape ``(n_in, m)``); an output
        that overflows raises :class:`~bpbook.errors.ExplodingGradientError`."""
        X = self._inputs(X)
        with np.errstate(over="ignore", invalid="ignore"):
            y_hat = self._forward(X)
        check_finite(y_hat, "the output y_hat", f"The largest |X| is {np.abs(X).max():.3g}: "
                     "scale the data, or start from smaller weights.")
        return y_hat

    __call__ = forward

    def _forward(self, X):
        a = X
        for layer in self.layers:
            a = layer.forward(a)
        self.y_hat = a
        return a

    def backward(self, da=None, delta=None):
        """Push ``da`` $=\\partial L/\\partial \\hat y$ back through every layer; or start from
        ``delta`` $=\\partial L/\\partial z$ of the output layer (a loss computed from the logit).

        The inputs are data, not parameters: a first Dense (or Conv2d) layer skips
        $W^\\top\\delta$, their gradient, which would cost about a third of the backward pass
        for a wide input.
        """
        if (da is None) == (delta is None):
            raise InputError("Sequential.backward: give exactly one of da (dL/dy_hat) or delta "
                             "(dL/dz of the output layer)")
        if self.y_hat is None:
            raise OrderError("Sequential.backward() called before forward()")
        last = self.layers[-1]
        if da is not None:
            da = upstream_gradient(da, self.y_hat, "Sequential.backward")
        elif getattr(last, "z", None) is None or not hasattr(last, "backward_delta"):
            raise InputError(f"Sequential.backward: delta (dL/dz) needs an output layer with a "
                             f"logit z, like Dense; the output layer is {last!r}: give da")
        else:
            delta = upstream_gradient(delta, last.z, "Sequential.backward (delta)")
        self._backward(da, delta)

    def _backward(self, da=None, delta=None):
        """``backward`` without checking its input's values: the gradients of the model's own
        loss (a NaN in them is an exploding gradient, which the model reports as such)."""
        grad = da
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            first_on_data = i == 0 and isinstance(layer, (Dense, Conv2d))
            kwargs = {"input_grad": False} if first_on_data else {}
            if delta is not None and i == len(self.layers) - 1:
                grad = layer.backward_delta(delta, **kwargs)
            else:
                grad = layer.backward(grad, **kwargs)

    def loss(self, X, Y, loss="mse"):
        """Forward pass and the loss, without touching the gradients."""
        loss = get_loss(loss)
        X = self._inputs(X)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._evaluate(X, Y, loss)[0]

    def forward_backward(self, X, Y, loss="mse"):
        """One forward and one backward pass; returns the loss. Gradients accumulate."""
        return self._forward_backward(self._inputs(X), Y, get_loss(loss))

    def _forward_backward(self, X, Y, loss):
        # overflow is caught as a non-finite output, loss or gradient, with a message that says why
        with np.errstate(over="ignore", invalid="ignore"):
            value, Y, logit = self._evaluate(X, Y, loss)
            self._backward_loss(Y, loss, logit)
        return value

    def _prepare(self, X, Y, loss, y_hat=None):
        """``X``, ``Y`` and ``loss`` checked once for many passes over one batch (a training
        loop, a gradient check): ``(X, Y, loss, logit_layer)`` for :meth:`_step`. ``Y`` is
        checked against a forward pass of ``X``, or against ``y_hat`` when one was just run."""
        loss = get_loss(loss)
        X = self._inputs(X)
        self._check_output(loss)
        if y_hat is None:
            with np.errstate(over="ignore", invalid="ignore"):
                y_hat = self._forward(X)
        return X, self._targets(Y, y_hat, loss), loss, self._logit_layer(loss)

    def _step(self, X, Y, loss, logit, backward=True):
        """A forward pass and the loss (and, with ``backward``, the backward pass) of a batch
        :meth:`_prepare` checked: only what training can break is checked here."""
        with np.errstate(over="ignore", invalid="ignore"):
            self._forward(X)
            value = self._loss_value(Y, loss, logit)
            if backward:
                self._backward_loss(Y, loss, logit)
        return value

    def _evaluate(self, X, Y, loss):
        """Forward pass and loss value; returns ``(value, Y, logit_layer)``, where
        ``logit_layer`` is the output layer when the loss was computed from its logit."""
        self._check_output(loss)
        y_hat = self._forward(X)
        Y = self._targets(Y, y_hat, loss)
        logit = self._logit_layer(loss)
        return self._loss_value(Y, loss, logit), Y, logit

    def _loss_value(self, Y, loss, logit):
        """The loss of the last forward pass against ``Y`` (already checked), both checked
        finite."""
        y_hat = self.y_hat
        check_finite(y_hat, "the output y_hat", EXPLODING_HINT)
        m = y_hat.shape[1]
        value = loss.logit_f(logit.z, Y, m) if logit is not None else loss.f(y_hat, Y, m)
        check_finite(value, f"the loss ({value})", EXPLODING_HINT)
        return value

    def _backward_loss(self, Y, loss, logit):
        """The backward pass of the loss of the last forward pass; a gradient that is not finite
        raises :class:`~bpbook.errors.ExplodingGradientError` naming the parameter."""
        m = Y.shape[1]
        if logit is not None:
            self._backward(delta=loss.logit_df(logit.z, Y, m))
        else:
            self._backward(loss.df(self.y_hat, Y, m))
        params = self.parameters()
        # one sum per gradient is cheap; only when it is not finite do we look closer
        if not np.isfinite(sum(grad.sum() for _, _, grad in params)):
            for name, _, grad in params:
                check_finite(grad, f"the gradient of {name}", EXPLODING_HINT)

    @staticmethod
    def _targets(Y, y_hat, loss):
        """``Y`` checked by ``loss`` against the output ``y_hat``."""
        try:
            return loss.targets(Y, y_hat, "targets Y")
        except ShapeError as err:
            raise ShapeError(f"{err} (the inputs X hold m = {y_hat.shape[1]} samples)") from None

    def _logit_layer(self, loss):
        """The output layer if ``loss`` takes its logit (BCE after the library's sigmoid)."""
        last = self.layers[-1]
        if loss.logit is not None and getattr(last, "f", None) is ACTIVATIONS[loss.logit]:
            return last
        return None

    def _check_output(self, loss):
        """Refuse a loss that does not fit the output layer's activation."""
        last = self.layers[-1]
        act = getattr(getattr(last, "f", None), "name", None)
        name = getattr(last, "name", type(last).__name__)
        if loss.name == "bce" and act != "sigmoid":
            raise InputError(f"loss 'bce' needs a sigmoid output (one independent probability "
                             f"per output, its loss computed from the logit), but the output "
                             f"layer {name!r} has activation {act!r}: use output='sigmoid'; for "
                             f"mutually exclusive classes use output='identity' with "
                             f"loss='softmax_ce'")
        if loss.name == "softmax_ce" and act == "softmax":
            raise InputError(f"loss 'softmax_ce' applies the softmax to the logits itself, but the "
                             f"output layer {name!r} has activation 'softmax' (a softmax twice): "
                             f"use output='identity'")

    def _inputs(self, X):
        first = getattr(self.layers[0], "dense", self.layers[0])
        if callable(getattr(first, "check_inputs", None)):  # images for a Conv2d, say
            return first.check_inputs(X, self.dtype)
        if isinstance(first, Dense):
            where = f"Dense {first.name!r} ({first.n_in}→{first.n_out})"
            return as_matrix(X, "inputs X", first.n_in, where, self.dtype)
        return as_matrix(X, "inputs X", None, "model", self.dtype)

    @property
    def dtype(self):
        """The dtype of the parameters (float64 for a model without any)."""
        params = self.parameters()
        return params[0][1].dtype.type if params else np.float64

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
    if (not isinstance(sizes, (list, tuple)) or len(sizes) < 2
            or any(isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer))
                   or not 1 <= n <= MAX_WIDTH for n in sizes)):
        raise InputError(f"mlp: sizes should be at least two integers in 1..{MAX_WIDTH} (inputs, "
                         f"..., outputs), got {short_repr(sizes)}")
    activation = _activation(activation, "activation")
    output = _activation(output, "output activation")
    seed = count(seed, "mlp: seed", low=0, high=2**32 - 1)
    scale = real_number(scale, "mlp: scale", low=0.0)
    dtype = float_dtype(dtype, "mlp: dtype")
    rng = np.random.RandomState(seed)
    n = len(sizes) - 1
    return Sequential(
        Dense(sizes[i], sizes[i + 1], activation if i < n - 1 else output, rng=rng, init=init,
              scale=scale, name=f"layer{i + 1}", dtype=dtype)
        for i in range(n))


def _activation(value, what):
    """``get_activation(value)``, with errors naming the argument ``what``."""
    if isinstance(value, Activation):
        return value
    return get_activation(check_name(value, what, ACTIVATIONS))


def fit(model, X, Y, loss="mse", lr=0.5, epochs=1000, clip=None, record=None):
    """Full-batch gradient descent for ``epochs`` steps; returns the loss before each step.

    ``record(epoch, model)``, if given, is called after each step (for snapshots). ``X`` and
    ``Y`` are checked before the first step; a loss or gradient that becomes NaN or infinite
    raises :class:`~bpbook.errors.ExplodingGradientError` naming the epoch and the learning rate.
    """
    if not isinstance(model, Sequential):
        raise InputTypeError(f"fit: model should be a Sequential (e.g. mlp([2, 4, 1])), got "
                             f"{type(model).__name__}")
    epochs = count(epochs, "fit: epochs", low=0, high=MAX_EPOCHS)
    if record is not None and not callable(record):
        raise InputTypeError(f"fit: record should be a function record(epoch, model), got "
                             f"{short_repr(record)}")
    loss = get_loss(loss)
    opt = SGD(model.parameters(), lr, clip=clip)
    X, Y, loss, logit = model._prepare(X, Y, loss)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        opt.zero_grad()
        try:
            losses[epoch] = model._step(X, Y, loss, logit)
        except FloatingPointError as err:
            raise type(err)(f"epoch {epoch}, learning rate {lr}: {err}") from None
        opt.step()
        if record is not None:
            record(epoch, model)
    return losses
