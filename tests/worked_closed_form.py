"""The worked example written out in closed form here, independently of bpbook, for the tests
of bpbook.worked and of chapter 03's code."""
import math

from bpbook.worked import DEFAULTS


def forward(x1, x2, W11, W12, b1, W2, b2):
    """z1, a1, z2, ŷ of the 2-1-1 network."""
    sig = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
    z1 = W11 * x1 + W12 * x2 + b1
    a1 = sig(z1)
    z2 = W2 * a1 + b2
    return z1, a1, z2, sig(z2)


def closed_form(x1, x2, y, W11, W12, b1, W2, b2, lr):
    z1, a1, z2, y_hat = forward(x1, x2, W11, W12, b1, W2, b2)
    d2 = (y_hat - y) * y_hat * (1 - y_hat)
    d1 = d2 * W2 * a1 * (1 - a1)
    g = {"dW2": d2 * a1, "db2": d2, "dW11": d1 * x1, "dW12": d1 * x2, "db1": d1}
    old = {"W2": W2, "b2": b2, "W11": W11, "W12": W12, "b1": b1}
    out = {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "L": 0.5 * (y_hat - y) ** 2,
           "delta2": d2, "delta1": d1, "dL/dy_hat": y_hat - y, "sigma'(z2)": y_hat * (1 - y_hat),
           "dL/da1": W2 * d2, "sigma'(z1)": a1 * (1 - a1), **g}
    out.update({f"new {p}": old[p] - lr * g["d" + p] for p in old})
    out.update({f"step {p}": -lr * g["d" + p] for p in old})
    out.update({"exp(-z1)": math.exp(-z1), "exp(-z2)": math.exp(-z2)})
    new = {p: out[f"new {p}"] for p in old}
    out["new L"] = 0.5 * (forward(x1, x2, **new)[3] - y) ** 2
    return out


SETTINGS = [DEFAULTS, {**DEFAULTS, "y": 0.0}, {**DEFAULTS, "W2": -1.3, "b1": 2.0, "lr": 1.5},
            {**DEFAULTS, "x1": -2.0, "x2": 1.1, "W11": 3.0, "W12": -2.5}]
