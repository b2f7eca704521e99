r"""BPTT checked three ways (chapter 16): against ``torch.autograd`` (``torch.nn.RNN`` with the
same weights), against central differences, and against SymPy's derivative of a one-unit RNN
unrolled over three steps.

Shapes follow :mod:`bpbook.chapters.ch16_backprop_through_time.task`: sequences ``(1, T, m)``,
answers ``(1, m)``, the readout on the last state. Every check starts from zeroed gradients and
returns a :class:`bpbook.tables.Table` (and the numbers it shows).
"""
import numpy as np
import sympy as sp

from bpbook.chapters.ch16_backprop_through_time.task import backward, forward, mse
from bpbook.gradcheck import EPS, check_gradients
from bpbook.layers import Dense
from bpbook.rnn import RNN
from bpbook.tables import Table
from bpbook.torch_bridge import one_thread, require_torch


def gradients(rnn, readout, X, Y):
    """bpbook's gradients of the ½-MSE: ``{name: array}`` for the RNN's and readout's
    parameters, and ``dX``."""
    for layer in (rnn, readout):
        layer.zero_grad()
    dX = backward(rnn, readout, forward(rnn, readout, X), Y)
    grads = {name: grad.copy() for name, _, grad in rnn.params() + readout.params()}
    grads["X"] = dX
    return grads


def torch_gradients(rnn, readout, X, Y):
    """The same gradients by ``torch.autograd``: ``torch.nn.RNN(nonlinearity="tanh")`` with
    bpbook's weights (``b`` split evenly over torch's two biases) and ``torch.nn.Linear``."""
    torch = require_torch()
    with one_thread():
        net = torch.nn.RNN(rnn.n_in, rnn.n_hidden, nonlinearity="tanh", dtype=torch.float64)
        lin = torch.nn.Linear(rnn.n_hidden, 1, dtype=torch.float64)
        with torch.no_grad():
            net.weight_ih_l0.copy_(torch.from_numpy(rnn.W_xh))
            net.weight_hh_l0.copy_(torch.from_numpy(rnn.W_hh))
            net.bias_ih_l0.copy_(torch.from_numpy(rnn.b[:, 0] / 2))
            net.bias_hh_l0.copy_(torch.from_numpy(rnn.b[:, 0] / 2))
            lin.weight.copy_(torch.from_numpy(readout.W))
            lin.bias.copy_(torch.from_numpy(readout.b[:, 0]))
        x = torch.tensor(X.transpose(1, 2, 0), requires_grad=True)  # torch wants (T, m, n_in)
        out, _ = net(x)
        y_hat = lin(out[-1])  # (m, 1)
        loss = 0.5 * ((y_hat - torch.from_numpy(Y.T)) ** 2).mean()
        loss.backward()
    return {f"{rnn.name}.W_xh": net.weight_ih_l0.grad.numpy(),
            f"{rnn.name}.W_hh": net.weight_hh_l0.grad.numpy(),
            f"{rnn.name}.b": net.bias_ih_l0.grad.numpy()[:, None],
            f"{readout.name}.W": lin.weight.grad.numpy(),
            f"{readout.name}.b": lin.bias.grad.numpy()[:, None],
            "X": x.grad.numpy().transpose(2, 0, 1)}


def against_torch(rnn, readout, X, Y):
    """``(table, largest difference)``: every gradient beside torch's."""
    ours, theirs = gradients(rnn, readout, X, Y), torch_gradients(rnn, readout, X, Y)
    rows = [[name, str(ours[name].shape), float(np.max(np.abs(ours[name] - theirs[name])))]
            for name in ours]
    return (Table(["gradient", "shape", "max |bpbook − torch|"], rows, [None, None, "{:.1e}"]),
            max(r[2] for r in rows))


def against_differences(rnn, readout, X, Y, eps=EPS):
    """``(table, largest error)``: every entry of every parameter's gradient against central
    differences of the loss (two forward passes per entry), judged by the book's rule
    (:func:`bpbook.gradcheck.check_gradients`: relative error above the floor, absolute below)."""
    ours = gradients(rnn, readout, X, Y)
    loss = lambda: mse(forward(rnn, readout, X), Y)  # noqa: E731
    params = [(name, value, ours[name]) for name, value, _ in rnn.params() + readout.params()]
    result = check_gradients(loss, params, eps)
    rows = [[name, value.size, max(r[4] for r in result.rows if r[0] == name)]
            for name, value, _ in params]
    return (Table(["parameter", "entries", "largest error e"], rows, [None, None, "{:.1e}"],
                  caption=result.verdict()), result.max_rel_error)


def unrolled(steps=3):
    """SymPy's one-unit RNN over ``steps`` steps: ``(symbols, states, loss)``.

    $h_t = \\tanh(u x_t + w h_{t-1} + c)$ from $h_0 = 0$, readout $\\hat y = v h_T + d$,
    $\\mathcal L = \\tfrac12(\\hat y - y)^2$; ``symbols`` maps names to SymPy symbols."""
    names = "u w c v d y " + " ".join(f"x{t}" for t in range(1, steps + 1))
    symbols = dict(zip(names.split(), sp.symbols(names, real=True)))
    h, states = sp.Integer(0), []
    for t in range(1, steps + 1):
        h = sp.tanh(symbols["u"] * symbols[f"x{t}"] + symbols["w"] * h + symbols["c"])
        states.append(h)
    y_hat = symbols["v"] * h + symbols["d"]
    return symbols, states, sp.Rational(1, 2) * (y_hat - symbols["y"]) ** 2


def paths_of_dh_dw(steps=3):
    """$\\partial h_T/\\partial w$ by SymPy, written with the states $h_1, \\dots, h_T$: one
    term per step where $w$ enters (the last is zero, since $h_0 = 0$)."""
    symbols, states, _ = unrolled(steps)
    h = sp.symbols(f"h1:{steps + 1}", real=True)
    derivative = sp.diff(states[-1], symbols["w"])
    for t in range(steps):  # innermost state first: then the next one reads tanh(… h_t …)
        derivative = derivative.xreplace({states[t]: h[t]})
        states = [s.xreplace({states[t]: h[t]}) for s in states]
    return sp.expand(derivative), h


def against_sympy(values):
    """``(table, largest difference)``: SymPy's exact gradient of the three-step one-unit RNN
    at ``values`` (a dict with u, w, c, v, d, y, x1, x2, x3) beside bpbook's."""
    symbols, _, loss = unrolled(3)
    at = {symbols[k]: sp.Float(v, 30) for k, v in values.items()}
    rnn = RNN(1, 1, W_xh=[[values["u"]]], W_hh=[[values["w"]]], b=[[values["c"]]])
    readout = Dense(1, 1, W=[[values["v"]]], b=[[values["d"]]], name="out")
    X = np.array([values["x1"], values["x2"], values["x3"]]).reshape(1, 3, 1)
    ours = gradients(rnn, readout, X, np.array([[values["y"]]]))
    pairs = [("u", "rnn.W_xh"), ("w", "rnn.W_hh"), ("c", "rnn.b"), ("v", "out.W"),
             ("d", "out.b")]
    rows = []
    for sym, name in pairs:
        exact = float(sp.diff(loss, symbols[sym]).subs(at))
        rows.append([f"∂ℒ/∂{sym}", exact, float(ours[name][0, 0]),
                     abs(exact - float(ours[name][0, 0]))])
    return (Table(["derivative", "SymPy", "bpbook", "|difference|"], rows,
                  [None, "{:+.12f}", "{:+.12f}", "{:.1e}"]), max(r[3] for r in rows))
