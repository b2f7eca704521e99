r"""The book's worked example: a 2-1-1 sigmoid network, one sample, one step of gradient descent.

$z_1 = W_{11}x_1 + W_{12}x_2 + b_1$, $a_1 = \sigma(z_1)$, $z_2 = W_2 a_1 + b_2$,
$\hat y = \sigma(z_2)$, $\mathcal L = \tfrac12(\hat y - y)^2$, then $\theta \leftarrow \theta -
\eta\,\partial\mathcal L/\partial\theta$. The defaults are the reference text's: x = [0.5, 0.8],
y = 1, W1 = [0.4, 0.6], b1 = 0.1, W2 = 0.9, b2 = 0.1, η = 0.5.

:func:`worked_example` runs it through bpbook's :class:`~bpbook.model.Sequential` and returns every
intermediate number under the names :mod:`bpbook.reference` uses, so that errata tables can
compare the two. Arrays follow bpbook's convention (the sample is a column ``(2, 1)``).
:func:`worked_graph` builds the same network from scalar :class:`~bpbook.engine.Value` nodes
(chapters 02 and 12 draw and replay it).
"""
import math
from decimal import Decimal
from numbers import Real
from types import MappingProxyType

import numpy as np

from bpbook.engine import Value
from bpbook.errors import InputError, InputTypeError, short_repr
from bpbook.layers import Dense
from bpbook.losses import mse_grad
from bpbook.model import Sequential
from bpbook import reference
from bpbook.reference import WORKED_PRINTED
from bpbook.tables import Table

# Read-only: the chapters' checks compare answers with these, so nobody may change them by accident.
DEFAULTS = MappingProxyType({"x1": 0.5, "x2": 0.8, "y": 1.0, "W11": 0.4, "W12": 0.6, "b1": 0.1,
                             "W2": 0.9, "b2": 0.1, "lr": 0.5})

# The five parameters of the text, as (layer, array, index) in bpbook's network.
PARAMS = {"W2": (1, "W", (0, 0)), "b2": (1, "b", (0, 0)), "W11": (0, "W", (0, 0)),
          "W12": (0, "W", (0, 1)), "b1": (0, "b", (0, 0))}

# How each quantity of :func:`worked_example` is written on the page: the loss is ℒ (the book's
# notation; L counts layers). The keys stay the plain names bpbook.reference uses.
NAMES = {"z1": "z₁", "exp(-z1)": "e^(−z₁)", "a1": "a₁", "z2": "z₂", "exp(-z2)": "e^(−z₂)",
         "y_hat": "ŷ", "L": "ℒ", "new L": "ℒ after the step", "dL/dy_hat": "∂ℒ/∂ŷ",
         "sigma'(z2)": "σ'(z₂)", "delta2": "δ₂", "dW2": "∂ℒ/∂W₂", "db2": "∂ℒ/∂b₂",
         "dL/da1": "∂ℒ/∂a₁", "sigma'(z1)": "σ'(z₁)", "delta1": "δ₁", "dW11": "∂ℒ/∂W₁₁",
         "dW12": "∂ℒ/∂W₁₂", "db1": "∂ℒ/∂b₁"}


SHORT = {reference.NETWORK_DIAGRAM: "§05 network diagram", reference.FORWARD_STEPS: "§05 step 1",
         reference.BACKWARD_DIAGRAM: "§05 backward diagram", reference.BACKWARD_STEPS: "§05 step 2",
         reference.UPDATE_STEPS: "§05 step 3", reference.LAYER_DIAGRAM: "§06 diagram",
         reference.SUMMARY_TABLE: "§07 summary table", reference.NUMPY_OUTPUT: "§08 numpy output",
         reference.TORCH_OUTPUT: "§13 PyTorch output"}


def check_settings(values):
    """A new dict: ``DEFAULTS`` updated with ``values``, after checking each is a known, finite
    setting (the learning rate ``lr`` > 0)."""
    if not hasattr(values, "items"):
        raise InputTypeError(f"worked example: settings should be a dict name → number, got "
                             f"{type(values).__name__} {short_repr(values)}")
    out = {}
    for name, v in values.items():
        if name not in DEFAULTS:
            raise InputTypeError(f"worked example: unknown setting {name!r}; expected some of "
                                 f"{', '.join(DEFAULTS)}")
        out[name] = _finite_number(v, f"worked example: {name}")
    if "lr" in out and out["lr"] <= 0:
        raise InputError(f"worked example: the learning rate lr must be > 0, got {out['lr']}")
    return {**DEFAULTS, **out}


def _finite_number(v, what):
    """``v`` as a float if it is a finite real number (not a bool), else a clear error."""
    bad = isinstance(v, (bool, np.bool_)) or not isinstance(v, (Real, Decimal))
    try:
        value = math.nan if bad else float(v)
    except OverflowError:  # an int beyond the largest float
        value = math.inf
    except (ValueError, TypeError, ArithmeticError):  # a Real whose __float__ fails
        bad, value = True, math.nan
    if not math.isfinite(value):
        raise (InputTypeError if bad else InputError)(f"{what} must be a finite number, got "
                                                      f"{short_repr(v)}")
    return value


NETWORK_ARGS = ("W11", "W12", "b1", "W2", "b2")  # the order of worked_network's arguments


def worked_network(W11=0.4, W12=0.6, b1=0.1, W2=0.9, b2=0.1):
    """The 2-1-1 sigmoid network as a bpbook model."""
    return Sequential([Dense(2, 1, "sigmoid", W=[[W11, W12]], b=[[b1]], name="layer1"),
                       Dense(1, 1, "sigmoid", W=[[W2]], b=[[b2]], name="layer2")])


def worked_example(**settings):
    """Forward, backward and one update of the worked example; every number in a dict.

    Keyword arguments override :data:`DEFAULTS` (``x1, x2, y, W11, W12, b1, W2, b2, lr``).
    Besides the forward values, error signals, gradients, steps and new parameters, ``"new L"``
    is the loss of the same sample recomputed with the new parameters.
    """
    s = check_settings(settings)
    net = worked_network(*(s[p] for p in NETWORK_ARGS))
    x, y = np.array([[s["x1"]], [s["x2"]]]), np.array([[s["y"]]])
    L = net.forward_backward(x, y, "mse")
    h, o = net.dense
    with np.errstate(over="ignore"):  # e^(−z) of a very negative z is inf, truly
        powers = {"exp(-z1)": np.exp(-h.z[0, 0]), "exp(-z2)": np.exp(-o.z[0, 0])}
    r = {"z1": h.z[0, 0], "a1": h.a[0, 0], "z2": o.z[0, 0], "y_hat": o.a[0, 0], "L": L, **powers,
         "dL/dy_hat": mse_grad(o.a, y)[0, 0], "sigma'(z2)": o.f.df(o.z)[0, 0],
         "delta2": o.delta[0, 0], "dL/da1": (o.W.T @ o.delta)[0, 0],
         "sigma'(z1)": h.f.df(h.z)[0, 0], "delta1": h.delta[0, 0]}
    for p, (layer, attr, i) in PARAMS.items():
        layer = net.dense[layer]
        grad = {"W": layer.dW, "b": layer.db}[attr][i]
        r["d" + p] = grad
        r["step " + p] = -s["lr"] * grad
        r["new " + p] = s[p] - s["lr"] * grad
    r["new L"] = worked_network(*(r["new " + p] for p in NETWORK_ARGS)).loss(x, y, "mse")
    return {k: float(v) for k, v in r.items()}


def summary_table(result, settings=None):
    """The gradient summary: parameter, old value, gradient, update, new value, direction."""
    s = check_settings(settings or {})
    rows = []
    for p in PARAMS:
        step = result["step " + p]
        direction = "↑ increase" if step > 0 else "↓ decrease" if step < 0 else "— unchanged"
        rows.append([p, s[p], result["d" + p], step, result["new " + p], direction])
    return Table(["parameter", "old value", "gradient ∂ℒ/∂θ", "update −η·∂ℒ/∂θ", "new value",
                  "direction"], rows, [None, "{:.4f}", "{:+.6f}", "{:+.6f}", "{:.6f}", None])


def decimals(printed):
    """How many decimals a quoted number has ("−0.0735" → 4)."""
    return len(printed.split(".")[1]) if "." in printed else 0


def disagrees(printed, computed):
    """True when ``computed``, rounded as the text rounds, is not the number printed."""
    d = decimals(printed)
    return abs(float(printed) - computed) > 0.5 * 10 ** -d + 1e-12


def errata(result, printed=WORKED_PRINTED, also=None):
    """The reference text's printed numbers that ``result`` does not round to, as a Table.

    One row per quantity and printed value, listing every place that prints it, the computed
    value (two more decimals than printed) and the difference. ``also`` maps a column title to
    another result dict (e.g. the network recomputed under the text's slip) shown beside it.
    """
    also = also or {}
    places = {}
    for source, numbers in printed.items():
        for key, text in numbers.items():
            if disagrees(text, result[key]):
                places.setdefault((key, text), []).append(SHORT[source])
    rows = [[NAMES.get(key, key), text, "; ".join(where),
             f"{result[key]:.{decimals(text) + 2}f}", result[key] - float(text)]
            + [f"{other[key]:.{decimals(text) + 2}f}" for other in also.values()]
            for (key, text), where in places.items()]
    return Table(["quantity", "printed", "where the text prints it", "computed",
                  "computed − printed", *also], rows,
                 [None, None, None, None, "{:+.4f}", *[None] * len(also)], css_class="bp-errata")


def exponent_slips(result, printed=WORKED_PRINTED[reference.FORWARD_STEPS],
                   exponents=reference.EXPONENT_PRINTED):
    """The reference text's sigmoid steps, e^(exponent) as written against e^(−z), as a Table.

    One column per sigmoid (a₁ = σ(z₁), ŷ = σ(z₂)); rows: the exponent the text writes, the
    text's own z, e^ of the written exponent, e^(−z) of the text's own z, the value of e^(…)
    the text prints, and e^(−z) computed from ``result``. Which of the two the printed value is
    close to says whether the arithmetic or only the exponent slipped. Quoted numbers stay the
    strings the text prints; computed ones are floats.
    """
    columns = {key: [written, printed[key], math.exp(float(written)),
                     math.exp(-float(printed[key])), printed[f"exp(-{key})"],
                     result[f"exp(-{key})"]]
               for key, written in exponents.items()}
    labels = ["exponent the text writes", "the text's own z", "e^(written exponent)",
              "e^(−z) with the text's z", "e^(…) as printed", "e^(−z), computed"]
    rows = [[label, *(values[i] for values in columns.values())]
            for i, label in enumerate(labels)]
    return Table(["", *(f"σ({NAMES[key]})" for key in columns)], rows,
                 [None, *["{:.4f}"] * len(columns)], css_class="bp-errata")


def worked_graph(**settings):
    """The worked network built from Values; returns ``{name: Value}`` with ``"L"`` the loss (its
    node labelled ``loss``, as every loss node of the book).

    Settings (x1, x2, y, W11, W12, b1, W2, b2) default to :data:`DEFAULTS`.
    """
    s = check_settings(settings)
    v = {name: Value(s[name], label=name)
         for name in ("x1", "x2", "y", "W11", "W12", "b1", "W2", "b2")}
    steps = [("W11·x1", lambda: v["W11"] * v["x1"]), ("W12·x2", lambda: v["W12"] * v["x2"]),
             ("s1", lambda: v["W11·x1"] + v["W12·x2"]), ("z1", lambda: v["s1"] + v["b1"]),
             ("a1", lambda: v["z1"].sigmoid()), ("W2·a1", lambda: v["W2"] * v["a1"]),
             ("z2", lambda: v["W2·a1"] + v["b2"]), ("y_hat", lambda: v["z2"].sigmoid()),
             ("e", lambda: v["y_hat"] - v["y"]), ("e²", lambda: v["e"] ** 2),
             ("L", lambda: 0.5 * v["e²"])]
    for name, make in steps:
        v[name] = make()
        v[name].label = name
    v["L"].label = "loss"
    return v
