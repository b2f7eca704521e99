"""Drawing a computation graph of `bpbook.engine.Value` nodes with matplotlib alone.

Chapter 02 draws the worked example's graph; its step-through explorer redraws it with the
current node highlighted. No graphviz: the layout is computed here, so it works after a plain
``pip install`` and on Binder.

Layout (left to right, the forward direction)
- Every Value is a box (label, ``data``, ``grad``); the operation that made it is a circle just
  to its left. Arrows run input box → operation circle → output box.
- A node's column is the length of the longest path from a leaf to it, so every arrow points
  right; a leaf sits one column before its first use.
- Within a column nodes are ordered by the average height of their neighbours (a few barycenter
  sweeps), which keeps crossings few.

Coordinates are in inches (one data unit = one inch) until the figure would be wider than
``max_width``; then the whole picture, fonts included, is scaled down.
"""
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch

BOX_W, BOX_H, OP_R = 1.3, 0.62, 0.22  # value box size and operation circle radius, inches
MIN_SCALE = 0.6  # below this the text is too small to read: the figure grows wider instead
COL, ROW = 2.1, 0.85  # distance between value columns and between rows, inches
COLORS = {"box": "#f4f6fa", "edge": "#44546a", "op": "#dde6f3", "highlight": "#ffd27a",
          "highlight_edge": "#d9480f", "inputs": "#cfe8ff", "inputs_edge": "#1c7ed6"}
OP_SYMBOLS = {"*": "×", "+": "+", "-": "−", "/": "÷", "neg": "−x", "sigmoid": "σ",
              "leaky_relu": "lrelu"}


def columns(root):
    """Column index of every Value: longest path from a leaf; a leaf one before its first use."""
    order = root.topological_order()
    col = {}
    for node in order:
        col[node] = 1 + max((col[c] for c in node.inputs), default=-1)
    first_use = {}
    for node in order:
        for c in node.inputs:
            if not c.inputs:
                first_use[c] = min(first_use.get(c, col[node]), col[node])
    col.update({leaf: c - 1 for leaf, c in first_use.items()})
    return col


def layout(root, sweeps=4):
    """``{value: (x, y)}`` for every Value of ``root``'s graph, in inches, y growing upwards.

    The operation circle of a non-leaf value sits at ``(x - COL / 2, y)``.
    """
    col = columns(root)
    n_cols = max(col.values()) + 1
    stacks = [[] for _ in range(n_cols)]
    for node in root.topological_order():
        stacks[col[node]].append(node)
    rank = {n: i for stack in stacks for i, n in enumerate(stack)}
    users = {n: [] for n in col}
    for n in col:
        for c in n.inputs:
            users[c].append(n)
    for _ in range(sweeps):
        for neighbours in (lambda n: n.inputs, lambda n: users[n]):
            for stack in stacks:
                stack.sort(key=lambda n: _barycenter(n, neighbours(n), rank))
                rank.update({n: i - (len(stack) - 1) / 2 for i, n in enumerate(stack)})
    return {n: (col[n] * COL, -rank[n] * ROW) for n in col}


def _barycenter(node, neighbours, rank):
    return sum(rank[m] for m in neighbours) / len(neighbours) if neighbours else rank[node]


def draw_graph(root, highlight=None, inputs=(), show_grad=True, grads=None, title=None,
               max_width=16.0):
    """A matplotlib ``Figure`` of ``root``'s graph.

    ``highlight``: a Value (or several) drawn in orange, with its operation; ``inputs``: Values
    drawn in blue (the explorer marks the inputs receiving a gradient); ``show_grad=False``
    shows ``data`` only (before the backward pass); ``grads``: ``{value: number}`` to show instead
    of ``value.grad`` (a replay shows gradients as they fill in; a value missing shows "·").
    """
    pos = layout(root)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    x0, x1 = min(xs) - COL / 2 - OP_R - 0.1, max(xs) + BOX_W / 2 + 0.1
    y0, y1 = min(ys) - BOX_H / 2 - 0.1, max(ys) + BOX_H / 2 + (0.45 if title else 0.1)
    scale = max(MIN_SCALE, min(1.0, max_width / (x1 - x0)))
    fig = Figure(figsize=((x1 - x0) * scale, (y1 - y0) * scale))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_axis_off()
    marked = _marks(highlight, inputs)
    font = 8 * scale
    for node, (x, y) in pos.items():
        if node.inputs:
            op_mark = "highlight" if marked.get(node) == "highlight" else None
            _draw_op(ax, node, (x - COL / 2, y), pos, op_mark, font)
        grad = (grads.get(node) if grads is not None else node.grad) if show_grad else False
        _draw_box(ax, node, (x, y), marked.get(node), font, grad)
    if title:
        ax.text((x0 + x1) / 2, y1 - 0.22, title, ha="center", va="center", fontsize=10 * scale)
    return fig


def _marks(highlight, inputs):
    as_list = (lambda v: [] if v is None else [v] if not isinstance(v, (list, tuple, set)) else v)
    marks = {n: "inputs" for n in as_list(inputs)}
    marks.update({n: "highlight" for n in as_list(highlight)})
    return marks


def _draw_box(ax, node, xy, mark, font, grad):
    x, y = xy
    face = COLORS[mark] if mark else COLORS["box"]
    edge = COLORS[mark + "_edge"] if mark else COLORS["edge"]
    ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                boxstyle="round,pad=0,rounding_size=0.08", facecolor=face,
                                edgecolor=edge, linewidth=2.5 if mark else 1.0))
    lines = [node.label] if node.label else []
    lines.append(f"data {number(node.data)}")
    if grad is not False:
        lines.append("grad " + ("·" if grad is None else number(grad)))
    ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=font, family="monospace")


def _draw_op(ax, node, xy, pos, mark, font):
    x, y = xy
    face = COLORS[mark] if mark else COLORS["op"]
    edge = COLORS[mark + "_edge"] if mark else COLORS["edge"]
    ax.add_patch(Circle((x, y), OP_R, facecolor=face, edgecolor=edge,
                        linewidth=2.5 if mark else 1.0))
    ax.text(x, y, OP_SYMBOLS.get(node.op, node.op), ha="center", va="center", fontsize=font)
    _arrow(ax, (x + OP_R, y), (pos[node][0] - BOX_W / 2, pos[node][1]))
    for child in node.inputs:
        cx, cy = pos[child]
        _arrow(ax, (cx + BOX_W / 2, cy), (x - OP_R, y))


def _arrow(ax, start, end):
    ax.annotate("", xy=end, xytext=start,
                arrowprops={"arrowstyle": "-|>", "color": COLORS["edge"], "lw": 0.8,
                            "shrinkA": 0, "shrinkB": 0, "mutation_scale": 8})


def number(x):
    """A number short enough for a box: 4 decimals, or scientific notation when that hides it."""
    return f"{x:.4f}" if x == 0 or 1e-3 <= abs(x) < 1e5 else f"{x:.3e}"
