"""Instructor material for the capstone "Backpropagation for any MLP": solutions and points.

Each exercise's hidden test is a probe: the student's code on fixed random shapes must give the
values the solution gives (computed by `make course`, compared by the grader outside the student's
kernel). ``train`` is probed on the reference layers and loss (bpbook's pieces, as instances of
the student's classes), so that a mistake in a layer costs that layer's points only.
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
                   value="_probe")),
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
    _probe += [_act.forward(_z), _act.backward(_da)]""", value="_probe")),
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
    _probe += [_loss.forward(_y_hat, _y), _loss.backward()]""", value="_probe")),
    "capstone.train": dict(
        points=2,
        solution=TRAIN.format(step="-"),
        wrong=TRAIN.format(step="+"),
        probe=dict(setup="""\
_layers = reference_network(Dense, Sigmoid, seed=7)
_losses = np.asarray(train(_layers, reference_loss(MSE), XOR_X.copy(), XOR_Y.copy(), 0.5, 50),
                     dtype=float)""",
                   value="_losses.ravel()[[0, 9, 49]]")),
}
THINK = {}
