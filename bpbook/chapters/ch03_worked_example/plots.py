"""Pictures of the worked example, drawn with matplotlib alone.

Functions take a result dict of :func:`bpbook.worked.worked_example` and return a
``matplotlib.figure.Figure`` (built without pyplot, so nothing piles up in a global state and
explorers can redraw freely), described in words from the same numbers
(:func:`bpbook.display.described`).
"""
from matplotlib.figure import Figure

from bpbook.display import described, listing
from bpbook.worked import PARAMS

NODES = {"x₁": (0.0, 1.0), "x₂": (0.0, -1.0), "hidden": (1.5, 0.0), "output": (3.0, 0.0),
         "loss": (4.4, 0.0)}
# (from, to, weight, where its label sits above (+) or below (−) the edge's middle)
EDGES = [("x₁", "hidden", "W11", 0.2), ("x₂", "hidden", "W12", -0.4),
         ("hidden", "output", "W2", 0.15), ("output", "loss", None, 0)]
LABELS = {"W11": "W₁₁", "W12": "W₁₂", "W2": "W₂", "b1": "b₁", "b2": "b₂"}


def network_figure(settings, r=None, size=(8.5, 3.8)):
    """The 2-1-1 network with its weights on the edges and biases on the neurons (``settings``,
    e.g. :data:`bpbook.worked.DEFAULTS`); given a result ``r`` of
    :func:`bpbook.worked.worked_example`, also its forward values (black) and error signals
    (red)."""
    s = settings
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    for a, b, weight, dy in EDGES:
        (x0, y0), (x1, y1) = NODES[a], NODES[b]
        ax.annotate("", (x1 - 0.3, y1), (x0 + 0.3, y0),
                    arrowprops=dict(arrowstyle="->", color="0.4"))
        if weight:
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + dy, f"{LABELS[weight]} = {s[weight]:g}",
                    ha="center", fontsize=10, color="#6b3fa0")
    text = {"x₁": f"x₁ = {s['x1']:g}", "x₂": f"x₂ = {s['x2']:g}", "hidden": "hidden\nneuron, σ",
            "output": "output\nneuron, σ",
            "loss": f"ℒ, target y = {s['y']:g}"}
    if r is not None:
        text.update({"hidden": f"z₁ = {r['z1']:.4f}\na₁ = {r['a1']:.4f}",
                     "output": f"z₂ = {r['z2']:.4f}\nŷ = {r['y_hat']:.4f}",
                     "loss": f"ℒ = {r['L']:.5f}\n(y = {s['y']:g})"})
    for name, (x, y) in NODES.items():
        ax.text(x, y, text[name], ha="center", va="center", fontsize=10,
                bbox=dict(boxstyle="round,pad=0.4", fc="#eef4fb", ec="#3b6ea8"))
    for name, bias in (("hidden", "b1"), ("output", "b2")):
        x, y = NODES[name]
        ax.text(x, y + 0.62, f"{LABELS[bias]} = {s[bias]:g}", ha="center", fontsize=10,
                color="#6b3fa0")
    if r is not None:
        back = {"hidden": f"δ₁ = {r['delta1']:+.5f}", "output": f"δ₂ = {r['delta2']:+.5f}",
                "loss": f"∂ℒ/∂ŷ = {r['dL/dy_hat']:+.4f}"}
        for name, label in back.items():
            x, y = NODES[name]
            ax.text(x, y - 0.75, label, ha="center", color="#b42318", fontsize=10)
        ax.annotate("", (NODES["hidden"][0], -1.45), (NODES["loss"][0], -1.45),
                    arrowprops=dict(arrowstyle="->", color="#b42318"))
        ax.text(NODES["output"][0], -1.38, "backward", ha="center", va="bottom",
                color="#b42318", fontsize=8)
    ax.set_xlim(-0.6, 5.0)
    ax.set_ylim(-1.6, 1.6)
    ax.axis("off")
    ax.set_title("weights on the edges, biases above the neurons" + ("" if r is None else
                 ";\nforward values in the boxes, error signals δ below them, flowing back"),
                 fontsize=10)
    return described(fig, network_alt(s, r))


def network_alt(s, r=None):
    """The words for :func:`network_figure`: the network, its parameters, and given ``r`` its
    forward values and error signals."""
    text = (f"The 2-1-1 network: inputs x₁ = {s['x1']:g} and x₂ = {s['x2']:g} feed one hidden "
            f"sigmoid neuron through W₁₁ = {s['W11']:g} and W₁₂ = {s['W12']:g} (bias "
            f"b₁ = {s['b1']:g}), which feeds one sigmoid output neuron through W₂ = {s['W2']:g} "
            f"(bias b₂ = {s['b2']:g}); the target is y = {s['y']:g}.")
    if r is not None:
        text += (f" Forward: z₁ = {r['z1']:.4f}, a₁ = {r['a1']:.4f}, z₂ = {r['z2']:.4f}, "
                 f"ŷ = {r['y_hat']:.4f}, loss ℒ = {r['L']:.5f}. Backward: ∂ℒ/∂ŷ = "
                 f"{r['dL/dy_hat']:+.4f}, δ₂ = {r['delta2']:+.5f}, δ₁ = {r['delta1']:+.5f}.")
    return text


def signs_in_words(negative, n):
    """How many of ``n`` numbers are negative, in words: "all 5 are negative", "2 of the 5 …"."""
    if negative == n:
        return f"all {n} are negative"
    return "none is negative" if negative == 0 else f"{negative} of the {n} are negative"


def gradient_bars(r, size=(5.5, 2.8), limit=None):
    """The five gradients as horizontal bars; ``limit`` fixes the axis so moves are comparable."""
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    names = list(PARAMS)
    values = [r["d" + p] for p in names]
    ax.barh(names, values, color=["#b42318" if v < 0 else "#1a7f37" for v in values])
    ax.axvline(0, color="0.3", lw=0.8)
    if limit:
        ax.set_xlim(-limit, limit)
    ax.set_xlabel("∂ℒ/∂θ")
    ax.invert_yaxis()
    biggest = max(names, key=lambda p: abs(r["d" + p]))
    alt = ("The five gradients as horizontal bars: " + listing(
        f"{p} {r['d' + p]:+.6f}" for p in names) + f". The largest in size is {biggest}'s; "
        + signs_in_words(sum(v < 0 for v in values), len(values)) + ".")
    return described(fig, alt)
