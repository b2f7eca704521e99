"""Pictures of the worked example, drawn with matplotlib alone.

Functions take a result dict of :func:`bpbook.worked.worked_example` and return a
``matplotlib.figure.Figure`` (built without pyplot, so nothing piles up in a global state and
explorers can redraw freely).
"""
from matplotlib.figure import Figure

from bpbook.worked import PARAMS

NODES = {"x₁": (0.0, 1.0), "x₂": (0.0, -1.0), "hidden": (1.5, 0.0), "output": (3.0, 0.0),
         "loss": (4.4, 0.0)}
EDGES = [("x₁", "hidden", "W₁₁"), ("x₂", "hidden", "W₁₂"), ("hidden", "output", "W₂"),
         ("output", "loss", "")]


def network_figure(r, settings=None, size=(8.5, 3.6)):
    """The 2-1-1 network with its forward values (black) and backward signals (red)."""
    s = settings or {}
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    for a, b, label in EDGES:
        (x0, y0), (x1, y1) = NODES[a], NODES[b]
        ax.annotate("", (x1 - 0.28, y1), (x0 + 0.28, y0),
                    arrowprops=dict(arrowstyle="->", color="0.4"))
        if label:
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.18, label, ha="center", fontsize=10)
    text = {
        "x₁": f"x₁ = {s.get('x1', 0.5):.3g}", "x₂": f"x₂ = {s.get('x2', 0.8):.3g}",
        "hidden": f"z₁ = {r['z1']:.4f}\na₁ = {r['a1']:.4f}",
        "output": f"z₂ = {r['z2']:.4f}\nŷ = {r['y_hat']:.4f}",
        "loss": f"L = {r['L']:.5f}",
    }
    back = {"hidden": f"δ₁ = {r['delta1']:+.5f}", "output": f"δ₂ = {r['delta2']:+.5f}",
            "loss": f"dL/dŷ = {r['dL/dy_hat']:+.4f}"}
    for name, (x, y) in NODES.items():
        ax.text(x, y, text[name], ha="center", va="center", fontsize=10,
                bbox=dict(boxstyle="round,pad=0.4", fc="#eef4fb", ec="#3b6ea8"))
        if name in back:
            ax.text(x, y - 0.75, back[name], ha="center", color="#b42318", fontsize=10)
    ax.set_xlim(-0.6, 5.0)
    ax.set_ylim(-1.6, 1.6)
    ax.axis("off")
    ax.set_title("forward values (black), error signals flowing back (red)", fontsize=10)
    return fig


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
    ax.set_xlabel("dL/dθ")
    ax.invert_yaxis()
    return fig
