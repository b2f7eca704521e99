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
- An edge that skips columns is drawn curved, around the boxes between its ends; an input used
  twice by one operation (``a * a``) gets two arrows side by side.

Coordinates are in inches (one data unit = one inch). A graph wider than ``max_width`` (a
notebook's width by default) is first scaled down, fonts included, but never below
``MIN_SCALE``, so the text stays readable; beyond that its columns wrap into bands stacked top to
bottom, read like lines of text. An edge from one band to the next runs along the gap between
them.

The figure carries its text alternative (:func:`graph_alt`, ``bpbook.display.described``): the
graph in words, every operation with its inputs and the numbers its box shows.
"""
import math

from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.figure import Figure
from matplotlib.path import Path

from bpbook.display import described, listing

BOX_W, BOX_H, OP_R = 1.15, 0.62, 0.2  # value box size and operation circle radius, inches
MIN_SCALE = 0.85  # below this the text is too small to read: the columns wrap into bands instead
COL, ROW = 1.9, 0.85  # distance between value columns and between rows, inches
BAND_GAP = 0.45  # vertical gap between two bands, where the edges between bands run
NOTEBOOK_WIDTH = 11.0  # inches: a figure this wide is shown at full size in JupyterLab
PARALLEL = 0.13  # inches between the arrows of an input used twice by one operation
COLORS = {"box": "#f4f6fa", "edge": "#44546a", "op": "#dde6f3", "highlight": "#ffd27a",
          "highlight_edge": "#d9480f", "inputs": "#cfe8ff", "inputs_edge": "#1c7ed6"}
OP_SYMBOLS = {"*": "×", "+": "+", "-": "−", "/": "÷", "neg": "−x", "sigmoid": "σ",
              "leaky_relu": "lrelu"}
OP_WORDS = {"*": "product", "+": "sum", "-": "difference", "/": "quotient", "neg": "negative",
            "**2": "square", "leaky_relu": "leaky ReLU", "relu": "ReLU"}  # for the text alternative


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


def wrap(pos, per_band):
    """``(pos, band)``: ``layout``'s positions with its columns cut into bands of ``per_band``
    columns, each band moved left to start at x = 0 and below the one before it."""
    band = {n: round(x / COL) // per_band for n, (x, _) in pos.items()}
    new, top = {}, 0.0
    for b in range(max(band.values()) + 1):
        members = [n for n in pos if band[n] == b]
        if not members:
            continue
        ys = [pos[n][1] for n in members]
        shift = top - (max(ys) + BOX_H / 2)
        new.update({n: (pos[n][0] - b * per_band * COL, pos[n][1] + shift) for n in members})
        top = min(ys) + shift - BOX_H / 2 - BAND_GAP
    return new, band


def draw_graph(root, highlight=None, inputs=(), show_grad=True, grads=None, title=None,
               max_width=NOTEBOOK_WIDTH):
    """A matplotlib ``Figure`` of ``root``'s graph, at most ``max_width`` inches wide.

    ``highlight``: a Value (or several) drawn in orange, with its operation; ``inputs``: Values
    drawn in blue (the explorer marks the inputs receiving a gradient); ``show_grad=False``
    shows ``data`` only (before the backward pass); ``grads``: ``{value: number}`` to show instead
    of ``value.grad`` (a replay shows gradients as they fill in; a value missing shows "·").
    """
    pos = layout(root)
    margin = COL / 2 + OP_R + BOX_W / 2 + 0.3  # the first column's operation, the last box
    n_cols = round(max(x for x, _ in pos.values()) / COL) + 1
    per_band = n_cols
    if (n_cols - 1) * COL + margin > max_width / MIN_SCALE:
        per_band = max(1, math.floor((max_width / MIN_SCALE - margin) / COL) + 1)
        per_band = math.ceil(n_cols / math.ceil(n_cols / per_band))  # bands of even length
    pos, band = wrap(pos, per_band)
    edges = [e for node in pos if node.inputs for e in _edges(node, pos, band)]
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    bulges = [_midpoint(*e)[1] for e in edges]  # a curved edge may pass above or below the boxes
    x0, x1 = min(xs) - COL / 2 - OP_R - 0.15, max(xs) + BOX_W / 2 + 0.15
    if len(set(band.values())) > 1:  # room for the corridors down the right-hand side
        x1 += (COL / 2 - OP_R - BOX_W / 2) / 2 + PARALLEL
    y0 = min([min(ys) - BOX_H / 2, *bulges]) - 0.1
    y1 = max([max(ys) + BOX_H / 2, *bulges]) + (0.45 if title else 0.1)
    scale = min(1.0, max_width / (x1 - x0))
    fig = Figure(figsize=((x1 - x0) * scale, (y1 - y0) * scale))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_axis_off()
    marked = _marks(highlight, inputs)
    font = 8 * scale
    for start, end, rad, path in edges:
        _arrow(ax, start, end, scale, rad, path)
    for node, (x, y) in pos.items():
        if node.inputs:
            op_mark = "highlight" if marked.get(node) == "highlight" else None
            _draw_op(ax, node, (x - COL / 2, y), op_mark, font)
        grad = (grads.get(node) if grads is not None else node.grad) if show_grad else False
        _draw_box(ax, node, (x, y), marked.get(node), font, grad)
    if title:
        ax.text((x0 + x1) / 2, y1 - 0.22, title, ha="center", va="center", fontsize=10 * scale)
    return described(fig, *graph_alt(root, highlight, inputs, show_grad, grads, title))


def graph_alt(root, highlight=None, inputs=(), show_grad=True, grads=None, title=None):
    """``(alt, details)``: :func:`draw_graph`'s picture in words, from the graph itself. The alt
    counts the boxes and operations and names the output; the details walk every operation in
    the forward order: what it computes from what, and the numbers its box shows."""
    order = root.topological_order()
    ops = [n for n in order if n.inputs]
    leaves = [n for n in order if not n.inputs]
    word = (lambda n: OP_WORDS.get(n.op, n.op))
    kinds = listing(sorted({word(n) for n in ops}))
    shown = (lambda n: (grads.get(n) if grads is not None else n.grad) if show_grad else False)
    marked = _marks(highlight, inputs)
    alt = (f"{title + ': c' if title else 'C'}omputation graph read left to right: "
           f"{len(leaves)} input value{'s feed' if len(leaves) != 1 else ' feeds'} {len(ops)} "
           f"operation"
           f"{'s' * (len(ops) != 1)} ({kinds}) that end{'s' * (len(ops) == 1)} in "
           f"{_said(root, shown(root))}."
           if ops else f"A computation graph of one value, {_said(root, shown(root))}.")
    hot = [n for n, m in marked.items() if m == "highlight"]
    if hot:
        cold = [n for n, m in marked.items() if m == "inputs"]
        alt += (f" Highlighted: {listing(_name(n) for n in hot)}"
                + (f", passing its gradient to {listing(_name(n) for n in cold)}." if cold
                   else "."))
    steps = [f"{_said(n, shown(n))} = {word(n)} of "
             f"{listing(_name(c) for c in n.inputs)}." for n in ops]
    details = (f"Inputs: {listing(_said(n, shown(n)) for n in leaves)}. " if leaves else "") + \
        " ".join(steps)
    return alt, details


def _name(node):
    return node.label or number(node.data)


def _said(node, grad):
    """A box as words: its name, data and (unless ``grad`` is False) its gradient."""
    name = node.label or ("an unnamed result" if node._prev else "a constant")
    words = f"{name} (data {number(node.data)}"
    if grad is not False:
        words += ", gradient not yet known" if grad is None else f", grad {number(grad)}"
    return words + ")"


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


def _draw_op(ax, node, xy, mark, font):
    x, y = xy
    face = COLORS[mark] if mark else COLORS["op"]
    edge = COLORS[mark + "_edge"] if mark else COLORS["edge"]
    ax.add_patch(Circle((x, y), OP_R, facecolor=face, edgecolor=edge,
                        linewidth=2.5 if mark else 1.0))
    ax.text(x, y, OP_SYMBOLS.get(node.op, node.op), ha="center", va="center", fontsize=font)


def _edges(node, pos, band):
    """``(start, end, rad, path)`` of the arrows into ``node``'s operation circle and from it to
    ``node``'s box: straight, curved by ``rad`` (``arc3``), or along ``path`` between bands."""
    x, y = pos[node]
    ox = x - COL / 2
    edges = [((ox + OP_R, y), (x - BOX_W / 2, y), 0.0, None)]
    for j, child in enumerate(dict.fromkeys(node.inputs)):
        cx, cy = pos[child]
        k = node.inputs.count(child)
        crossing = band[child] != band[node]
        for i in range(k):
            dy = (i - (k - 1) / 2) * PARALLEL  # an input used k times: k arrows side by side
            if crossing and k == 1:
                dy = (0.5 - j) * PARALLEL  # each edge from the band above arrives apart
            start = (cx + BOX_W / 2, cy + dy)
            end = (ox - math.sqrt(OP_R**2 - dy**2), y + dy)
            rad, path = 0.25 * dy / PARALLEL if k > 1 else 0.0, None
            if crossing:
                path = _between_bands(start, end, pos, band, band[child], lane=j)
            elif x - cx > 1.5 * COL:  # skips a column: curve around the boxes in between
                rad = min(0.5, 1.1 / math.dist(start, end)) * (-1 if cy >= y else 1)
            edges.append((start, end, rad, path))
    return edges


def _midpoint(start, end, rad, path):
    """The middle of an ``arc3`` curve, the point farthest from the straight line."""
    if path is not None:
        return start
    (x1, y1), (x2, y2) = start, end
    return ((x1 + x2) / 2 + rad * (y2 - y1) / 2, (y1 + y2) / 2 - rad * (x2 - x1) / 2)


def _between_bands(start, end, pos, band, b, lane=0):
    """A path from a box in band ``b`` down the corridor to its right, left along the gap below
    band ``b`` (in its own ``lane``, so two such edges stay apart), down to the circle at ``end``."""
    gap_y = (min(p[1] for n, p in pos.items() if band[n] == b) - BOX_H / 2 - BAND_GAP / 2
             + (0.5 - lane) * PARALLEL)
    right = start[0] + (COL / 2 - OP_R - BOX_W / 2) / 2 + (lane - 0.5) * PARALLEL
    left = end[0] - (COL / 2 - OP_R - BOX_W / 2) / 2 + (0.5 - lane) * PARALLEL
    return Path([start, (right, start[1]), (right, gap_y), (left, gap_y), (left, end[1]), end])


def _arrow(ax, start, end, scale, rad=0.0, path=None):
    ends = (None, None) if path is not None else (start, end)
    ax.add_patch(FancyArrowPatch(*ends, path=path, connectionstyle=f"arc3,rad={rad}",
                                 arrowstyle="-|>", color=COLORS["edge"], lw=0.8 * scale,
                                 shrinkA=0, shrinkB=0, mutation_scale=8 * scale))


def number(x):
    """A number short enough for a box: 4 decimals, or scientific notation when that hides it."""
    return f"{x:.4f}" if x == 0 or 1e-3 <= abs(x) < 1e5 else f"{x:.3e}"
