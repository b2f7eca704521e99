# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Capstone: backpropagation for any MLP
#
# Every multilayer perceptron of the book is a stack of three kinds of pieces: a **dense layer**
# $z = W a_{\text{prev}} + b$, an **activation** $a = \sigma(z)$ applied entry by entry, and a
# **loss** at the end. Write each piece's forward pass and its backward pass, and you can train a
# network of any depth and width: the backward pass of the whole network is the pieces' backward
# passes, called in reverse order.
#
# Conventions (the book's, see chapter 3's Notation): samples are **columns**, so a batch of $m$
# inputs with $n$ features has shape $(n, m)$; a layer's `W` has shape $(n_{\text{out}},
# n_{\text{in}})$ and its `b` shape $(n_{\text{out}}, 1)$; the loss **averages** over the $m$
# samples. Each `forward` keeps what its `backward` will need. Each `backward` receives the
# gradient of the loss with respect to the piece's output and returns the gradient with respect
# to its input; a dense layer's `backward` also stores `self.dW` and `self.db`.
#
# Each exercise ends with a check that tests your code on random shapes against finite
# differences and against `bpbook`, and tells you what looks wrong.

# %%
import numpy as np

from bpbook.activations import sigmoid, sigmoid_prime
from bpbook.data import XOR_X, XOR_Y
from bpbook.feedback import Feedback
from bpbook.layers import Dense as BookDense
from bpbook.losses import mse, mse_grad


def _run(what, fn, *args):
    """``(result, None)``, or ``(None, Feedback)`` when the student's code fails or returns None."""
    try:
        out = fn(*args)
    except Exception as err:  # the student's code: any failure becomes feedback
        return None, Feedback(False, f"{what} raised {type(err).__name__}: {err}")
    if out is None:
        return None, Feedback(None, f"{what} returns None: write it and run the cell again")
    return out, None


def _differ(what, got, want):
    """Feedback if ``got`` is not ``want`` (shape first), else None. A Feedback that says "not
    yet" is falsy, so callers test ``is not None``."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"{what} should be an array of numbers, got a {type(got).__name__}")
    if got.shape != np.shape(want):
        return Feedback(False, f"{what} should have shape {np.shape(want)}, got {got.shape}")
    if not np.allclose(got, want, rtol=1e-6, atol=1e-9):
        worst = float(np.max(np.abs(got - want)))
        return Feedback(False, f"{what} is off by up to {worst:.3g}")
    return None


def _shapes(rng):
    """Three random (rows, columns, m) triples; m ≥ 2, so that a sum over samples shows."""
    return [(int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(2, 7)))
            for _ in range(3)]


def check_dense(Dense):
    """Dense(n_in, n_out, rng): forward z = W a + b; backward dz → (dW, db stored; da returned)."""
    rng = np.random.default_rng()
    for n_in, n_out, m in _shapes(rng):
        layer, problem = _run("Dense(n_in, n_out, rng)", Dense, n_in, n_out,
                              np.random.default_rng(0))
        if problem is not None:
            return problem
        book = BookDense(n_in, n_out, W=layer.W.copy(), b=layer.b.copy())
        a, dz = rng.normal(size=(n_in, m)), rng.normal(size=(n_out, m))
        z, problem = _run("Dense.forward", layer.forward, a.copy())
        if problem is None:
            problem = _differ(f"forward's z for a ({n_in}, {m}) batch", z, book.forward(a))
        if problem is not None:
            return problem
        da, problem = _run("Dense.backward", layer.backward, dz.copy())
        if problem is not None:
            return problem
        want_da = book.backward(dz)
        if np.shape(getattr(layer, "db", None)) == (n_out, m):
            return Feedback(False, "db should be summed over the samples (shape (n_out, 1)): "
                                   "every sample's δ adds to the bias's gradient")
        for what, got, want in (("dL/da_prev (what backward returns)", da, want_da),
                                ("self.dW", getattr(layer, "dW", None), book.dW),
                                ("self.db", getattr(layer, "db", None), book.db)):
            if got is None:
                return Feedback(False, f"{what} is not set by backward")
            problem = _differ(f"{what} for n_in={n_in}, n_out={n_out}, m={m}", got, want)
            if problem is not None:
                return problem
    return Feedback(True, "Dense: z = W a + b, dW = δ a_prevᵀ, db = Σ δ, da_prev = Wᵀ δ, right "
                          "on three random shapes")


def check_sigmoid(Sigmoid):
    """Sigmoid(): forward a = σ(z); backward da → dz = da ⊙ σ(z)(1 − σ(z))."""
    rng = np.random.default_rng()
    for n, m, _ in _shapes(rng):
        act, problem = _run("Sigmoid()", Sigmoid)
        if problem is not None:
            return problem
        z, da = rng.normal(size=(n, m)) * 3, rng.normal(size=(n, m))
        a, problem = _run("Sigmoid.forward", act.forward, z.copy())
        if problem is None:
            problem = _differ("Sigmoid.forward", a, sigmoid(z))
        if problem is not None:
            return problem
        dz, problem = _run("Sigmoid.backward", act.backward, da.copy())
        if problem is not None:
            return problem
        if _differ("", dz, sigmoid_prime(z)) is None:
            return Feedback(False, "backward returns σ'(z) alone: multiply it by the incoming "
                                   "gradient da (chain rule)")
        problem = _differ("Sigmoid.backward", dz, da * sigmoid_prime(z))
        if problem is not None:
            return problem
    return Feedback(True, "Sigmoid: a = σ(z), dz = da ⊙ σ(z)(1 − σ(z)), right on three random "
                          "shapes")


def check_mse(MSE):
    """MSE(): forward (1/m) Σ ½‖ŷ − y‖²; backward → dL/dŷ = (ŷ − y)/m."""
    rng = np.random.default_rng()
    for n, m, _ in _shapes(rng):
        loss, problem = _run("MSE()", MSE)
        if problem is not None:
            return problem
        y_hat, y = rng.random((n, m)), rng.random((n, m))
        L, problem = _run("MSE.forward", loss.forward, y_hat.copy(), y.copy())
        if problem is not None:
            return problem
        if _differ("", L, 2 * mse(y_hat, y)) is None:
            return Feedback(False, "the loss is twice bpbook's: the ½ in front is missing")
        if m > 1 and _differ("", L, m * mse(y_hat, y)) is None:
            return Feedback(False, "the loss is a sum over the samples: average over the m columns")
        problem = _differ("MSE.forward", L, mse(y_hat, y))
        if problem is not None:
            return problem
        g, problem = _run("MSE.backward", loss.backward)
        if problem is not None:
            return problem
        if m > 1 and _differ("", g, y_hat - y) is None:
            return Feedback(False, "backward returns ŷ − y: the average over m samples divides "
                                   "it by m")
        problem = _differ("MSE.backward", g, mse_grad(y_hat, y))
        if problem is not None:
            return problem
    return Feedback(True, "MSE: L = (1/m) Σ ½‖ŷ − y‖², dL/dŷ = (ŷ − y)/m, right on three random "
                          "shapes")


XOR_SIZES, XOR_SEED, XOR_LR, XOR_EPOCHS = (2, 4, 1), 42, 2.0, 3000


def xor_network(Dense, Sigmoid, seed=XOR_SEED):
    """A 2-4-1 sigmoid network built from your classes, with weights drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out in zip(XOR_SIZES, XOR_SIZES[1:]):
        layers += [Dense(n_in, n_out, rng), Sigmoid()]
    return layers


def _subclass_of(cls):
    """``(cls,)`` when ``cls`` is a class, else ``()``: the reference pieces below are instances
    of your classes, so that a ``train`` which asks ``isinstance(layer, Dense)`` works."""
    return (cls,) if isinstance(cls, type) else ()


def reference_network(Dense, Sigmoid, seed=XOR_SEED):
    """``xor_network``'s 2-4-1 network (the same weights) with bpbook's pieces inside: it grades
    ``train`` alone, so that a mistake in your layers costs their points only."""
    class ReferenceDense(*_subclass_of(Dense)):
        def __init__(self, n_in, n_out, rng):
            self.book = BookDense(n_in, n_out, W=rng.normal(0.0, 1.0, size=(n_out, n_in)))

        W = property(lambda self: self.book.W, lambda self, W: setattr(self.book, "W", W))
        b = property(lambda self: self.book.b, lambda self, b: setattr(self.book, "b", b))
        dW = property(lambda self: self.book.dW)
        db = property(lambda self: self.book.db)

        def forward(self, a_prev):
            return self.book.forward(a_prev)

        def backward(self, dz):
            self.book.zero_grad()  # bpbook's layer adds to dW and db; yours sets them
            return self.book.backward(dz)

    class ReferenceSigmoid(*_subclass_of(Sigmoid)):
        def forward(self, z):
            self.z = z
            return sigmoid(z)

        def backward(self, da):
            return da * sigmoid_prime(self.z)

    return xor_network(ReferenceDense, ReferenceSigmoid, seed)


def reference_loss(MSE):
    """bpbook's ½-MSE as an instance of your ``MSE`` class."""
    class ReferenceMSE(*_subclass_of(MSE)):
        def forward(self, y_hat, y):
            self.y_hat, self.y = y_hat, y
            return mse(y_hat, y)

        def backward(self):
            return mse_grad(self.y_hat, self.y)

    return ReferenceMSE()


def check_train(train):
    """train(layers, loss, X, Y, lr, epochs) → the list of losses; it must learn XOR. It runs
    on reference layers and loss (bpbook's), so only ``train`` itself is judged."""
    layers = reference_network(Dense, Sigmoid)
    losses, problem = _run("train", train, layers, reference_loss(MSE), XOR_X.copy(),
                           XOR_Y.copy(), XOR_LR, XOR_EPOCHS)
    if problem is not None:
        return problem
    try:
        losses = np.asarray(losses, dtype=float).ravel()
    except (TypeError, ValueError):
        return Feedback(False, f"train should return a list of numbers, got {type(losses).__name__}")
    if losses.size != XOR_EPOCHS:
        return Feedback(False, f"train should return one loss per epoch ({XOR_EPOCHS}), got "
                               f"{losses.size}")
    if not losses[-1] < losses[0]:
        return Feedback(False, f"the loss did not fall ({losses[0]:.4g} → {losses[-1]:.4g}): does "
                               "the update subtract lr·dW and lr·db from every Dense layer?")
    a = XOR_X
    for layer in layers:
        a = layer.forward(a)
    if not np.array_equal(np.round(a), XOR_Y):
        return Feedback(False, f"after training the outputs {np.round(a, 3)} do not round to XOR "
                               f"{XOR_Y}: the loss only fell to {losses[-1]:.4g}")
    return Feedback(True, f"your network learned XOR: the loss fell from {losses[0]:.4g} to "
                          f"{losses[-1]:.4g}")


# %% [markdown]
# ## 1. The dense layer
#
# `forward(a_prev)` returns $z = W a_{\text{prev}} + b$ (shape $(n_{\text{out}}, m)$) and keeps
# `a_prev`. `backward(dz)` receives $\delta = \partial L/\partial z$, stores
# `self.dW` $= \delta\, a_{\text{prev}}^\top$ and `self.db` $= \sum_{\text{samples}} \delta$ (shape
# $(n_{\text{out}}, 1)$), and returns $\partial L/\partial a_{\text{prev}} = W^\top \delta$.

# %% tags=["exercise"] exercise="capstone.dense"
class Dense:
    """z = W a_prev + b for a batch a_prev of shape (n_in, m)."""

    def __init__(self, n_in, n_out, rng):
        self.W = rng.normal(0.0, 1.0, size=(n_out, n_in))
        self.b = np.zeros((n_out, 1))

    def forward(self, a_prev):
        return None  # your code: keep a_prev, return z

    def backward(self, dz):
        return None  # your code: set self.dW and self.db, return dL/da_prev

# %% tags=["check"]
check_dense(Dense)

# %% [markdown]
# ## 2. The activation
#
# `Sigmoid.forward(z)` returns $a = \sigma(z) = 1/(1 + e^{-z})$ and keeps what `backward` needs;
# `backward(da)` receives $\partial L/\partial a$ and returns $\partial L/\partial z$.

# %% tags=["exercise"] exercise="capstone.sigmoid"
class Sigmoid:
    """a = σ(z), entry by entry."""

    def forward(self, z):
        return None  # your code

    def backward(self, da):
        return None  # your code

# %% tags=["check"]
check_sigmoid(Sigmoid)

# %% [markdown]
# ## 3. The loss
#
# `MSE.forward(y_hat, y)` returns $L = \frac1m \sum_{\text{samples}} \tfrac12 \lVert \hat y - y
# \rVert^2$ (a number) and keeps what `backward` needs; `backward()` returns
# $\partial L/\partial \hat y$, with the shape of `y_hat`.

# %% tags=["exercise"] exercise="capstone.mse"
class MSE:
    """The book's loss: half the squared error, averaged over the m samples (columns)."""

    def forward(self, y_hat, y):
        return None  # your code

    def backward(self):
        return None  # your code

# %% tags=["check"]
check_mse(MSE)

# %% [markdown]
# ## 4. Train XOR with your pieces
#
# Write `train(layers, loss, X, Y, lr, epochs)`: in every epoch, run `X` forward through the
# layers (in order), compute the loss, run its gradient backward through the layers (in reverse
# order), and take one gradient-descent step $W \leftarrow W - \eta\,dW$, $b \leftarrow b -
# \eta\,db$ on every `Dense` layer. Return the list of the epochs' losses. The check trains the
# book's 2-4-1 sigmoid network on XOR with it.

# %% tags=["exercise"] exercise="capstone.train"
def train(layers, loss, X, Y, lr, epochs):
    return None  # your code: the list of losses, one per epoch

# %% tags=["check"]
check_train(train)
