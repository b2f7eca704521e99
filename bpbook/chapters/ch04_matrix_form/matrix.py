r"""Chapter 04, the matrix form: a sigmoid network with several units per layer, on a batch.

Shapes follow the book's notation (chapter 3, "Notation"); samples are columns:

- ``X`` $=A_0$ ``(n_0, m)`` and ``Y`` ``(n_L, m)``;
- ``W{l}`` ``(n_l, n_{l-1})`` and ``b{l}`` ``(n_l, 1)``;
- ``Z{l}``, ``A{l}`` and ``Delta{l}`` $=\partial\mathcal L/\partial Z_l$ ``(n_l, m)``.

The loss is bpbook's ``mse``, $\mathcal L = \frac1m\sum_k \tfrac12\lVert\hat y^{(k)} -
y^{(k)}\rVert^2$, so ``Delta{L}`` (the last layer's) carries the $\frac1m$ and the gradients are
sums over the batch:
``dW{l}`` $=\sum_k \delta_l^{(k)} a_{l-1}^{(k)\top}$ $=\Delta_l A_{l-1}^\top$ and ``db{l}``
$=\sum_k\delta_l^{(k)}$.

:func:`batch_problem` draws the section's seeded parameters and data (``SEED``: the book's for a
reader alone, each student's own on a course, :mod:`bpbook.variants`; exercise 1 is asked on this
batch); :func:`shape_table` checks
every array's shape against the notation and lays the check out; :func:`model_trace` gives the
same arrays from bpbook's layers; :func:`outer_update` is the explorer's update function (one
sample's outer products, or their sum), :func:`outer_explorer` wires a slider to it;
:func:`outer_figure` draws every sample's share of ``dW``.
"""
import html
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from bpbook.display import described, listing
from bpbook.errors import ShapeError
from bpbook.layers import Dense
from bpbook.model import Sequential
from bpbook.tables import Table
from bpbook.variants import number

SIZES = (2, 3, 2)  # n_0, n_1, n_2: inputs, hidden units, outputs
M = 3  # samples in the batch
# numpy.random.default_rng(SEED) draws parameters, inputs and targets
SEED = int(number("04.input-grad", 1, 0, 9999, digits=0))
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")  # subscripts for labels
SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")  # and superscripts (the sample)


def batch_problem(sizes=SIZES, m=M, seed=SEED):
    """Seeded parameters and a batch: ``{"W1", "b1", …, "X", "Y"}`` shaped as the module says.

    Weights are N(0, 1), biases N(0, ½²), inputs uniform in [−1, 1]; each target column is one-hot
    (a class drawn at random), as for a classifier with ``n_L`` classes.
    """
    if len(sizes) < 2 or m < 1:
        raise ValueError(f"batch_problem: need at least two layer sizes and m ≥ 1, got sizes="
                         f"{sizes!r}, m={m!r}")
    rng = np.random.default_rng(seed)
    p = {}
    for l in range(1, len(sizes)):
        p[f"W{l}"] = rng.normal(0.0, 1.0, (sizes[l], sizes[l - 1]))
        p[f"b{l}"] = rng.normal(0.0, 0.5, (sizes[l], 1))
    p["X"] = rng.uniform(-1.0, 1.0, (sizes[0], m))
    p["Y"] = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], m)]
    return p


def as_model(p, hidden="sigmoid"):
    """The same network as a bpbook :class:`~bpbook.model.Sequential`: the output layer a sigmoid,
    the hidden layers ``hidden`` (the chapter's: sigmoid; exercise 2's: tanh)."""
    n = sum(1 for k in p if k.startswith("W"))
    return Sequential([Dense(p[f"W{l}"].shape[1], p[f"W{l}"].shape[0],
                             "sigmoid" if l == n else hidden, W=p[f"W{l}"], b=p[f"b{l}"],
                             name=f"layer{l}") for l in range(1, n + 1)])


def model_trace(p, hidden="sigmoid"):
    """One forward and backward pass of :func:`as_model` on ``p``'s batch, as the dict of arrays
    the chapter's teaching code builds (``X``, ``W1``, ``Z1``, ``A1``, ``Delta1``, ``dW1``,
    ``db1``, …), read from bpbook's layers."""
    net = as_model(p, hidden)
    net.forward_backward(p["X"], p["Y"], "mse")
    trace = {"X": p["X"]}
    for l, layer in enumerate(net.dense, start=1):
        trace.update({f"W{l}": layer.W, f"b{l}": layer.b, f"Z{l}": layer.z, f"A{l}": layer.a,
                      f"Delta{l}": layer.delta, f"dW{l}": layer.dW, f"db{l}": layer.db})
    return trace


# name -> (formula, shape in the notation's letters); the letters are filled in by shape_table
SHAPES = {
    "X": ("A₀ = X", ("n₀", "m")), "W1": ("W₁", ("n₁", "n₀")), "b1": ("b₁", ("n₁", "1")),
    "Z1": ("Z₁ = W₁A₀ + b₁", ("n₁", "m")), "A1": ("A₁ = σ(Z₁)", ("n₁", "m")),
    "W2": ("W₂", ("n₂", "n₁")), "b2": ("b₂", ("n₂", "1")),
    "Z2": ("Z₂ = W₂A₁ + b₂", ("n₂", "m")), "A2": ("Ŷ = A₂ = σ(Z₂)", ("n₂", "m")),
    "Delta2": ("Δ₂ = (Ŷ − Y)/m ⊙ σ′(Z₂)", ("n₂", "m")),
    "dW2": ("∂ℒ/∂W₂ = Δ₂A₁ᵀ", ("n₂", "n₁")), "db2": ("∂ℒ/∂b₂ = Δ₂·1", ("n₂", "1")),
    "Delta1": ("Δ₁ = (W₂ᵀΔ₂) ⊙ σ′(Z₁)", ("n₁", "m")),
    "dW1": ("∂ℒ/∂W₁ = Δ₁A₀ᵀ", ("n₁", "n₀")), "db1": ("∂ℒ/∂b₁ = Δ₁·1", ("n₁", "1")),
}


def shape_table(arrays, sizes, m):
    """Check each array of ``arrays`` (names as in :data:`SHAPES`) against the notation's shape.

    Raises :class:`~bpbook.errors.ShapeError` naming the array, the expected and the actual
    shape; otherwise returns the check as a Table (formula, shape in letters, in numbers, actual).
    """
    letters = {f"n{l}".translate(SUB): n for l, n in enumerate(sizes)}
    letters.update({"m": m, "1": 1})
    rows = []
    for name, (formula, shape) in SHAPES.items():
        want = tuple(letters[s] for s in shape)
        got = np.shape(arrays[name])
        if got != want:
            raise ShapeError(f"{name} ({formula}) should have shape ({', '.join(shape)}) = "
                             f"{want}, got {got}")
        rows.append([formula, f"({', '.join(shape)})", str(want), str(got)])
    return Table(["quantity", "shape (notation)", "should be", "is"], rows, css_class="bp-shapes")


def outer_products(delta, a_prev):
    """``[δ⁽ᵏ⁾ a⁽ᵏ⁾ᵀ for each sample k]``: sample k's share of ``dW``, each ``(n_l, n_{l-1})``."""
    return [np.outer(delta[:, k], a_prev[:, k]) for k in range(delta.shape[1])]


@dataclass
class OuterView:
    """What the explorer shows for one choice: per layer, the δ column, the a row and their
    outer product (one sample's), or for the whole batch the summed δ and products."""
    sample: int | None  # k from 0, or None for the sum over the batch
    parts: dict  # layer l -> {"delta", "a_prev" (None for the batch), "product"}
    html: str


def outer_update(sample, trace):
    """The explorer's update: ``sample`` k (0-based) or ``None`` (the whole batch) for ``trace``,
    a dict holding ``X``, ``A1``, … and ``Delta1``, … of one backward pass (see
    :func:`model_trace`)."""
    layers = sorted(int(k[5:]) for k in trace if k.startswith("Delta"))
    m = trace["Delta1"].shape[1]
    if sample is not None and not (isinstance(sample, (int, np.integer)) and 0 <= sample < m):
        raise ValueError(f"outer_update: sample must be None or an integer in 0..{m - 1}, "
                         f"got {sample!r}")
    parts = {}
    for l in reversed(layers):
        delta, a_prev = trace[f"Delta{l}"], trace["X" if l == 1 else f"A{l - 1}"]
        products = outer_products(delta, a_prev)
        parts[l] = {"delta": delta[:, sample] if sample is not None else delta.sum(axis=1),
                    "a_prev": a_prev[:, sample] if sample is not None else None,
                    "product": products[sample] if sample is not None else sum(products)}
    return OuterView(sample, parts, _outer_html(sample, parts, m))


def _outer_html(sample, parts, m):
    blocks = []
    for l, part in parts.items():
        here, prev = str(l).translate(SUB), str(l - 1).translate(SUB)
        if sample is None:
            title = f"Σₖ δ{here}⁽ᵏ⁾ a{prev}⁽ᵏ⁾ᵀ over all {m} samples = ∂ℒ/∂W{here}"
            head = "".join(f"<th>column {j + 1}</th>" for j in range(part["product"].shape[1]))
            body = "".join(f"<tr><th>row {i + 1}</th>" + "".join(
                f"<td>{v:+.5f}</td>" for v in row) + "</tr>"
                for i, row in enumerate(part["product"]))
        else:
            k = str(sample + 1).translate(SUP)
            title = f"sample {sample + 1}: δ{here}⁽{k}⁾ (rows) times a{prev}⁽{k}⁾ᵀ (columns)"
            head = "".join(f"<th>{v:+.4f}</th>" for v in part["a_prev"])
            body = "".join(f"<tr><th>{d:+.4f}</th>" + "".join(
                f"<td>{v:+.5f}</td>" for v in row) + "</tr>"
                for d, row in zip(part["delta"], part["product"]))
        blocks.append(f'<div style="margin:0 1.5em 0.8em 0"><div><b>layer {l}</b>: '
                      f"{html.escape(title)}</div>"
                      f'<table class="bp-outer"><thead><tr><th></th>{head}</tr></thead>'
                      f"<tbody>{body}</tbody></table></div>")
    return '<div style="display:flex;flex-wrap:wrap">' + "".join(blocks) + "</div>"


def outer_explorer(trace):
    """A slider over the samples, with the whole batch at its right end, wired to
    :func:`outer_update`; the tables are updated in place."""
    import ipywidgets as w
    from IPython.display import HTML

    from bpbook.widgets import wire_in_place

    m = trace["Delta1"].shape[1]
    choice = w.SelectionSlider(options=[(f"sample {k + 1}", k) for k in range(m)]
                               + [("all samples (the sum)", m)], value=0, description="show",
                               layout=w.Layout(width="420px"))
    return wire_in_place(choice, lambda k: [HTML(outer_update(None if k == m else k,
                                                              trace).html)])


def outer_figure(trace, size=(8.0, 4.6)):
    """Each sample's outer product δ⁽ᵏ⁾a⁽ᵏ⁾ᵀ and their sum ∂ℒ/∂W, for both layers, as heat maps
    with their numbers (one colour scale per layer)."""
    layers = sorted((int(k[5:]) for k in trace if k.startswith("Delta")), reverse=True)
    m = trace["Delta1"].shape[1]
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(len(layers), m + 1, squeeze=False)
    for row, l in zip(axes, layers):
        a_prev = trace["X" if l == 1 else f"A{l - 1}"]
        panels = outer_products(trace[f"Delta{l}"], a_prev) + [trace[f"dW{l}"]]
        limit = max(float(np.abs(p).max()) for p in panels) or 1.0
        here = str(l).translate(SUB)
        for k, (ax, panel) in enumerate(zip(row, panels)):
            ax.imshow(panel, cmap="RdBu_r", vmin=-limit, vmax=limit)
            for (i, j), v in np.ndenumerate(panel):
                ax.text(j, i, signed(v), ha="center", va="center", fontsize=7)
            ax.set_xticks([])
            ax.set_yticks([])
            sign = "+" if 0 < k < m else "=" if k == m else ""
            name = f"sample {k + 1}" if k < m else f"∂ℒ/∂W{here}"
            ax.set_title(f"{sign} {name}".strip(), fontsize=9)
        row[0].set_ylabel(f"layer {l}", fontsize=9)
    return described(fig, *outer_alt(trace))


def signed(v):
    """``v`` with its sign and two significant digits: a small entry keeps its sign ("+0.00032"),
    where a fixed number of decimals would print "+0.000" or "-0.000"."""
    return f"{v:+.2g}"


def outer_alt(trace):
    """The words for :func:`outer_figure`: what the panels are, and every panel's numbers."""
    layers = sorted((int(k[5:]) for k in trace if k.startswith("Delta")), reverse=True)
    m = trace["Delta1"].shape[1]
    alt = (f"Heat maps, one row per layer ({listing(f'layer {l}' for l in layers)}): each of "
           f"the {m} samples' outer products δ⁽ᵏ⁾a⁽ᵏ⁾ᵀ, then their sum, which is ∂ℒ/∂W of that "
           "layer; red positive, blue negative, one colour scale per layer.")
    details = []
    for l in layers:
        a_prev = trace["X" if l == 1 else f"A{l - 1}"]
        panels = outer_products(trace[f"Delta{l}"], a_prev) + [trace[f"dW{l}"]]
        names = [f"sample {k + 1}" for k in range(m)] + [f"the sum ∂ℒ/∂W{l}"]
        details.append(f"Layer {l}: " + "; ".join(
            f"{name}, rows " + " / ".join(", ".join(signed(v) for v in row) for row in panel)
            for name, panel in zip(names, panels)) + ".")
    return alt, " ".join(details)


def transpose_figure(W2, delta2, j, size=(7.5, 3.4)):
    """Why Wᵀ: hidden unit ``j`` (0-based) and the output units it feeds, for one sample.

    The edges leaving unit j carry the weights of column j of ``W2`` ``(n2, n1)``; the error
    signals ``delta2`` ``(n2,)`` come back along them and add up at unit j:
    ∂ℒ/∂a₁ⱼ = Σᵢ W₂ᵢⱼ δ₂ᵢ, which is row j of W₂ᵀ times δ₂.
    """
    n2, n1 = W2.shape
    sub = lambda *ks: "".join(str(k + 1) for k in ks).translate(SUB)  # noqa: E731
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    hidden = {h: (0.0, (n1 - 1) / 2 - h) for h in range(n1)}
    output = {i: (3.0, (n2 - 1) / 2 - i) for i in range(n2)}
    for i, (x1, y1) in output.items():
        for h, (x0, y0) in hidden.items():
            ax.plot([x0, x1], [y0, y1], color="#6b3fa0" if h == j else "0.85",
                    lw=2 if h == j else 1, zorder=1)
        x0, y0 = hidden[j]
        ax.text(x0 + 0.6 * (x1 - x0), y0 + 0.6 * (y1 - y0) + 0.13,
                f"W₂,{sub(i, j)} = {W2[i, j]:+.3f}", color="#6b3fa0", fontsize=9, ha="center",
                bbox=dict(fc="white", ec="none", pad=1), zorder=3)
        ax.text(x1 + 0.3, y1, f"δ₂,{sub(i)} = {delta2[i]:+.4f}", color="#b42318", fontsize=9,
                va="center")
    for nodes in (hidden, output):
        for k, (x, y) in nodes.items():
            ax.scatter([x], [y], s=500, color="#eef4fb", edgecolor="#3b6ea8", zorder=2)
            ax.text(x, y, str(k + 1), ha="center", va="center", fontsize=9, zorder=3)
    products = " + ".join(f"({W2[i, j]:+.3f})({delta2[i]:+.4f})" for i in range(n2))
    x, y = hidden[j]
    ax.text(x - 0.3, y, f"∂ℒ/∂a₁,{sub(j)} =\n{products}\n= {float(W2[:, j] @ delta2):+.5f}",
            ha="right", va="center", fontsize=9)
    ax.set_xlim(-3.4, 4.6)
    ax.set_ylim(-(n1 - 1) / 2 - 0.6, (n1 - 1) / 2 + 0.6)
    ax.axis("off")
    ax.set_title(f"hidden units (left), output units (right): unit {j + 1}'s outgoing weights "
                 f"are column {j + 1} of W₂, that is row {j + 1} of W₂ᵀ", fontsize=9)
    alt = (f"Hidden unit {j + 1} of {n1} and the {n2} output units it feeds. Its outgoing "
           f"weights, column {j + 1} of W₂, are " + listing(f"{W2[i, j]:+.3f}" for i in range(n2))
           + "; the output units' error signals δ₂ are " + listing(f"{d:+.4f}" for d in delta2)
           + f". Their products add up to ∂ℒ/∂a₁,{j + 1} = {float(W2[:, j] @ delta2):+.5f}.")
    return described(fig, alt)
