"""Instructor material for chapter 12 (PyTorch): solutions and points."""
PER_STUDENT = True  # exercise 1's target is each student's own (bpbook.variants)
EXERCISES = {
    "12.hook-delta": dict(
        points=2,
        solution="""\
p = make_params(torch.float64)
x = torch.tensor([[S["x1"]], [S["x2"]]], dtype=torch.float64)
z1 = p["W1"] @ x + p["b1"]
y_hat = torch.sigmoid(p["W2"] @ torch.tanh(z1) + p["b2"])
seen = {}
z1.register_hook(lambda grad: seen.update(delta1=grad))
(0.5 * (y_hat - HOOK_Y) ** 2).backward()
answer = seen["delta1"]  # a 1×1 tensor, as the hook gives it""",
        wrong="""\
p = make_params(torch.float64)
x = torch.tensor([[S["x1"]], [S["x2"]]], dtype=torch.float64)
a1 = torch.tanh(p["W1"] @ x + p["b1"])
y_hat = torch.sigmoid(p["W2"] @ a1 + p["b2"])
seen = {}
a1.register_hook(lambda grad: seen.update(delta1=grad))
(0.5 * (y_hat - HOOK_Y) ** 2).backward()
answer = seen["delta1"]"""),
    "12.half-mse": dict(
        points=2,
        solution="def half_mse(y_hat, y):\n    return 0.5 * ((y_hat - y) ** 2).sum(dim=1).mean()",
        wrong="def half_mse(y_hat, y):\n    return 0.5 * ((y_hat - y) ** 2).mean()"),
    "12.copy-linear": dict(
        points=2,
        solution="""\
def copy_linear(W, b):
    n_out, n_in = W.shape
    linear = torch.nn.Linear(n_in, n_out, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(W))
        linear.bias.copy_(torch.tensor(b).reshape(-1))
    return linear""",
        wrong="""\
def copy_linear(W, b):
    n_out, n_in = W.shape
    linear = torch.nn.Linear(n_in, n_out, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(W))
    return linear""",
        # The student's layer on hidden inputs; the grader compares with the solution's outputs.
        probe=dict(setup="""\
import numpy as _np
import torch
_rng = _np.random.default_rng(20261129)
_probe = []
for _n_out, _n_in in [(4, 3), (1, 5), (2, 2)]:
    _W, _b = _rng.normal(size=(_n_out, _n_in)), _rng.normal(size=(_n_out, 1))
    _X = _rng.normal(size=(_n_in, 6))
    _linear = copy_linear(_W.copy(), _b.copy())
    with torch.no_grad():
        _probe.append(_linear(torch.tensor(_X.T, dtype=_linear.weight.dtype)).double().numpy().T)""",
                   value="_probe")),
    "12.accumulate-step": dict(
        points=3,
        solution=("def accumulate_step(net, opt, parts):\n"
                  "    opt.zero_grad()\n"
                  "    total = 0.0\n"
                  "    for X, Y in parts:\n"
                  "        loss = half_mse(net(X), Y) / len(parts)\n"
                  "        loss.backward()\n"
                  "        total += loss.item()\n"
                  "    opt.step()\n"
                  "    return total\n"),
        wrong=("def accumulate_step(net, opt, parts):\n"
               "    opt.zero_grad()\n"
               "    total = 0.0\n"
               "    for X, Y in parts:\n"
               "        loss = half_mse(net(X), Y)\n"
               "        loss.backward()\n"
               "        total += loss.item()\n"
               "    opt.step()\n"
               "    return total / len(parts)\n"),
        # Hidden test: three steps on a small torch network the page does not show.
        probe=dict(setup="""\
torch.manual_seed(11)
_net = torch.nn.Sequential(torch.nn.Linear(2, 3, dtype=torch.float64), torch.nn.Sigmoid(),
                           torch.nn.Linear(3, 1, dtype=torch.float64), torch.nn.Sigmoid())
_opt = torch.optim.SGD(_net.parameters(), lr=0.5)
_gen = np.random.default_rng(5)
_X, _Y = torch.tensor(_gen.normal(size=(6, 2))), torch.tensor(_gen.random((6, 1)))
_parts = [(_X[:3], _Y[:3]), (_X[3:], _Y[3:])]
_probe = [[accumulate_step(_net, _opt, _parts) for _ in range(3)], _net[0].weight]""",
                   value="_probe")),
}
THINK = {}
