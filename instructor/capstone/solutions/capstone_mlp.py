"""Instructor material for the capstone "Backpropagation for any MLP": solutions and points.

Each exercise's hidden tests are (1) a probe: the student's code on fixed random shapes must give
the values the solution gives (computed by `make course`), and (2) a finite-difference check of
the student's backward pass against the student's own forward pass, on other random shapes.
"""
FD = """\
def _fd(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        g[i] = (up - down) / (2 * eps)
    return g
"""

DENSE = """\
class Dense:
    \"\"\"z = W a_prev + b for a batch a_prev of shape (n_in, m).\"\"\"

    def __init__(self, n_in, n_out, rng):
        self.W = rng.normal(0.0, 1.0, size=(n_out, n_in))
        self.b = np.zeros((n_out, 1))

    def forward(self, a_prev):
        self.a_prev = a_prev
        return self.W @ a_prev + self.b

    def backward(self, dz):
        self.dW = dz @ self.a_prev.T
        self.db = dz.sum(axis=1, keepdims={keepdims})
        return self.W.T @ dz"""

SIGMOID = """\
class Sigmoid:
    \"\"\"a = σ(z), entry by entry.\"\"\"

    def forward(self, z):
        self.a = 1 / (1 + np.exp(-z))
        return self.a

    def backward(self, da):
        return {backward}"""

MSE = """\
class MSE:
    \"\"\"The book's loss: half the squared error, averaged over the m samples (columns).\"\"\"

    def forward(self, y_hat, y):
        self.diff, self.m = y_hat - y, y.shape[1]
        return {half}float(np.sum(self.diff ** 2)) / self.m

    def backward(self):
        return self.diff / self.m"""

TRAIN = """\
def train(layers, loss, X, Y, lr, epochs):
    losses = []
    for _ in range(epochs):
        out = X
        for layer in layers:
            out = layer.forward(out)
        losses.append(loss.forward(out, Y))
        grad = loss.backward()
        for layer in reversed(layers):
            grad = layer.backward(grad)
        for layer in layers:
            if isinstance(layer, Dense):
                layer.W {step}= lr * layer.dW
                layer.b {step}= lr * layer.db
    return losses"""

EXERCISES = {
    "capstone.dense": dict(
        points=4,
        solution=DENSE.format(keepdims="True"),
        wrong=DENSE.replace("dz.sum(axis=1, keepdims={keepdims})", "dz"),
        probe=dict(setup="""\
_rng = np.random.default_rng(1234)
_probe = []
for _n_in, _n_out, _m in [(3, 2, 4), (1, 5, 2), (4, 4, 1)]:
    _layer = Dense(_n_in, _n_out, np.random.default_rng(0))
    _layer.W, _layer.b = _rng.normal(size=(_n_out, _n_in)), _rng.normal(size=(_n_out, 1))
    _a, _dz = _rng.normal(size=(_n_in, _m)), _rng.normal(size=(_n_out, _m))
    _probe += [_layer.forward(_a), _layer.backward(_dz), _layer.dW, _layer.db]""",
                   value="_probe"),
        hidden=FD + """\
_rng = np.random.default_rng(99)
for _n_in, _n_out, _m in [(2, 3, 5), (5, 1, 3)]:
    _layer = Dense(_n_in, _n_out, np.random.default_rng(0))
    _layer.W, _layer.b = _rng.normal(size=(_n_out, _n_in)), _rng.normal(size=(_n_out, 1))
    _a, _G = _rng.normal(size=(_n_in, _m)), _rng.normal(size=(_n_out, _m))
    _layer.forward(_a)
    _da = np.array(_layer.backward(_G), dtype=float)
    _dW, _db = np.array(_layer.dW, dtype=float), np.array(_layer.db, dtype=float)
    _L = lambda: float(np.sum(_G * _layer.forward(_a)))
    for _got, _x in ((_dW, _layer.W), (_db, _layer.b), (_da, _a)):
        assert np.allclose(_got, _fd(_L, _x), atol=1e-6), "Dense.backward disagrees with finite differences"
"""),
    "capstone.sigmoid": dict(
        points=2,
        solution=SIGMOID.format(backward="da * self.a * (1 - self.a)"),
        wrong=SIGMOID.format(backward="self.a * (1 - self.a)"),
        probe=dict(setup="""\
_rng = np.random.default_rng(4321)
_probe = []
for _shape in [(3, 4), (1, 6)]:
    _act = Sigmoid()
    _z, _da = _rng.normal(size=_shape) * 3, _rng.normal(size=_shape)
    _probe += [_act.forward(_z), _act.backward(_da)]""", value="_probe"),
        hidden=FD + """\
_rng = np.random.default_rng(98)
for _shape in [(2, 5), (4, 1)]:
    _act = Sigmoid()
    _z, _G = _rng.normal(size=_shape) * 2, _rng.normal(size=_shape)
    _act.forward(_z)
    _dz = np.array(_act.backward(_G), dtype=float)
    _L = lambda: float(np.sum(_G * Sigmoid().forward(_z)))
    assert np.allclose(_dz, _fd(_L, _z), atol=1e-6), "Sigmoid.backward disagrees with finite differences"
"""),
    "capstone.mse": dict(
        points=2,
        solution=MSE.format(half="0.5 * "),
        wrong=MSE.format(half=""),
        probe=dict(setup="""\
_rng = np.random.default_rng(2468)
_probe = []
for _shape in [(1, 4), (3, 2)]:
    _loss = MSE()
    _y_hat, _y = _rng.random(_shape), _rng.random(_shape)
    _probe += [_loss.forward(_y_hat, _y), _loss.backward()]""", value="_probe"),
        hidden=FD + """\
_rng = np.random.default_rng(97)
for _shape in [(2, 3), (1, 7)]:
    _loss = MSE()
    _y_hat, _y = _rng.random(_shape), _rng.random(_shape)
    _loss.forward(_y_hat, _y)
    _g = np.array(_loss.backward(), dtype=float)
    _L = lambda: float(MSE().forward(_y_hat, _y))
    assert np.allclose(_g, _fd(_L, _y_hat), atol=1e-6), "MSE.backward disagrees with finite differences"
"""),
    "capstone.train": dict(
        points=2,
        solution=TRAIN.format(step="-"),
        wrong=TRAIN.format(step="+"),
        probe=dict(setup="""\
_layers = xor_network(Dense, Sigmoid, seed=7)
_losses = np.asarray(train(_layers, MSE(), XOR_X.copy(), XOR_Y.copy(), 0.5, 50), dtype=float)""",
                   value="_losses.ravel()[[0, 9, 49]]")),
}
THINK = {}
