"""Chapter 02's own code: a replay of the worked example's backward pass one node at a time,
the cost of backprop against finite differences, and the exercise checks.

The graph of the worked example itself is :func:`bpbook.worked.worked_graph` (chapter 07 uses it
too). ``replay_frames`` records a backward pass; ``replay_text``, ``replay_table`` and
``replay_figure`` show one frame; ``step_explorer`` only wires buttons and a slider to them.
"""
import re

import numpy as np
from matplotlib.figure import Figure

from bpbook.draw import draw_graph
from bpbook.engine import Value
from bpbook.feedback import check
from bpbook.tables import Table
from bpbook.widgets import PNG, figure_png, math_html, wire_in_place
from bpbook.worked import worked_graph

# ---- the backward pass, one node at a time -------------------------------------------------------


def replay_frames(root):
    """Run ``root``'s backward pass recorded; group the steps by node: one frame per node.

    A frame is ``(node, [Step, ...])``, in the order the backward pass visited the nodes.
    """
    root.zero_grad()
    frames = []
    for step in root.backward(record=True):
        if not frames or frames[-1][0] is not step.node:
            frames.append((step.node, []))
        frames[-1][1].append(step)
    return frames


def _frame(frames, i):
    """Frame ``i``, with an error that names the valid steps when ``i`` is out of range."""
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < len(frames):
        raise IndexError(f"step index must be an integer from 0 to {len(frames) - 1} "
                         f"(the backward pass has {len(frames)} steps), got {i!r}")
    return frames[i]


def replay_grads(root, frames, i):
    """The gradients known after frames ``0..i``: ``{value: grad}`` (the root's is 1)."""
    _frame(frames, i)
    grads = {root: 1.0}
    for _, steps in frames[: i + 1]:
        for s in steps:
            grads[s.input] = grads.get(s.input, 0.0) + s.passed
    return grads


def replay_text(frames, i):
    """Frame ``i`` in words: upstream gradient × local derivative = gradient passed on."""
    node, steps = _frame(frames, i)
    up = steps[0].upstream
    lines = [f"**Step {i + 1} of {len(frames)}**: node `{_name(node)}` (made by `{node.op}`) "
             f"holds $\\partial L/\\partial\\,{_tex(node)} = {up:.6f}$ and passes it on:", ""]
    for s in steps:
        lines.append(f"- to `{_name(s.input)}`: ${up:.6f} \\times {s.local:.6f} = "
                     f"{s.passed:.6f}$ (upstream × local derivative)")
    return "\n".join(lines)


def replay_table(frames, i):
    """Frame ``i``'s numbers: the node, the gradient it holds, and what each input receives."""
    node, steps = _frame(frames, i)
    rows = [["node", _name(node)], ["upstream gradient", steps[0].upstream]]
    rows += [[f"passed to {_name(s.input)}", s.passed] for s in steps]
    return Table(["quantity", "value"], rows, [None, "{:+.6f}"], css_class="bp-explorer")


def replay_figure(root, frames, i):
    """The graph with frame ``i``'s node highlighted, its inputs marked, the gradients so far."""
    node, steps = frames[i]
    return draw_graph(root, highlight=node, inputs=[s.input for s in steps],
                      grads=replay_grads(root, frames, i))


def step_explorer(root):
    """Back/Next buttons and a slider over the frames of ``root``'s backward pass."""
    import ipywidgets as w
    frames = replay_frames(root)
    slider = w.IntSlider(value=0, min=0, max=len(frames) - 1, description="step")
    back, nxt = w.Button(description="◀ Back"), w.Button(description="Next ▶")
    back.on_click(lambda _: setattr(slider, "value", max(slider.value - 1, 0)))
    nxt.on_click(lambda _: setattr(slider, "value", min(slider.value + 1, slider.max)))
    # Every frame's picture is drawn once, here: a move only swaps pictures.
    pictures = [PNG(figure_png(replay_figure(root, frames, i))) for i in range(len(frames))]
    view = wire_in_place(slider, lambda i: [math_html(replay_text(frames, i)),
                                            replay_table(frames, i), pictures[i]])
    return w.VBox([w.HBox([back, nxt]), view])


def _name(node):
    return node.label or f"{node.data:.4g}"


def _tex(node):
    tex = (node.label or "c").replace("·", r"\cdot ").replace("²", "^2").replace("y_hat", r"\hat y")
    return re.sub(r"([A-Za-z])(\d+)", r"\1_{\2}", tex)


# ---- why one backward pass is enough -------------------------------------------------------


def mlp_graph(sizes, seed=0):
    """A sigmoid MLP of widths ``sizes`` on one sample, built from Values: (loss, parameters)."""
    if len(sizes) < 2 or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1
                             for n in sizes):
        raise ValueError(f"sizes must be at least two positive integers (inputs, ..., outputs), "
                         f"got {sizes!r}")
    rng = np.random.RandomState(seed)
    a = [Value(float(x)) for x in rng.randn(sizes[0])]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = [[Value(float(rng.randn())) for _ in range(n_in)] for _ in range(n_out)]
        b = [Value(0.0) for _ in range(n_out)]
        params += [w for row in W for w in row] + b
        a = [sum((wi * ai for wi, ai in zip(row, a)), bi).sigmoid() for row, bi in zip(W, b)]
    L = sum(((ai - 1.0) ** 2 for ai in a), Value(0.0)) * 0.5
    return L, params


def work_counts(sizes):
    """Operations needed for every gradient of an MLP: backprop against central differences.

    One forward pass costs ``nodes`` operations (one per Value computed); the backward pass one
    multiply-add per edge. Central differences need two forward passes per parameter.
    """
    L, params = mlp_graph(sizes)
    nodes = [n for n in L.topological_order() if n.inputs]
    forward, backward = len(nodes), sum(len(n.inputs) for n in nodes)
    return {"sizes": list(sizes), "parameters": len(params), "forward": forward,
            "backprop": forward + backward, "finite differences": 2 * len(params) * forward}


def work_figure(rows):
    """Operations of backprop and of finite differences against the number of parameters."""
    fig = Figure(figsize=(6, 3.4), layout="constrained")
    ax = fig.subplots()
    p = [r["parameters"] for r in rows]
    for key, color in (("finite differences", "#d9480f"), ("backprop", "#1c7ed6")):
        ax.plot(p, [r[key] for r in rows], "o-", color=color, label=key)
    ax.set(xscale="log", yscale="log", xlabel="number of parameters",
           ylabel="operations for all gradients", title="one backward pass vs 2 passes per weight")
    ax.legend()
    return fig


# ---- exercises -----------------------------------------------------------------------------------

FAN_AT = 3.0  # exercise 1: L = a·a + a here


def check_fan_out(answer):
    """a.grad after L = a·a + a; L.backward() at a = FAN_AT."""
    a = Value(FAN_AT)
    (a * a + a).backward()
    mistakes = [(FAN_AT, "the gradient of one factor of a·a only (one of its two edges)"),
                (2 * FAN_AT, "only the a·a part: the + path adds 1"),
                (1.0, "only the + path: a·a sends 2a too")]
    return check(answer, a.grad, f"a.grad at a = {FAN_AT}", "a + a + 1 (three edges leave a)",
                 mistakes)


def check_passed_to_a1(answer):
    """In the worked graph, what the multiplication W2·a1 passes on to a1."""
    v = worked_graph()
    v["L"].backward()
    up, W2, a1 = v["W2·a1"].grad, v["W2"].data, v["a1"].data
    mistakes = [(up * a1, "upstream × a1: that is what goes to W2"),
                (up, "the upstream gradient alone: multiply by the local derivative W2"),
                (W2, "the local derivative alone: multiply by the upstream gradient")]
    return check(answer, up * W2, "the gradient passed to a1", "upstream × W2", mistakes)


def check_fd_passes(answer, n_params):
    """How many forward passes central differences need for ``n_params`` parameters."""
    mistakes = [(n_params, "one pass per parameter: central differences need two (θ ± ε)"),
                (n_params + 1, "one-sided differences (θ + ε, plus the base point): central "
                 "differences use θ + ε and θ − ε"),
                (1, "what backprop needs: one forward (and one backward) pass")]
    return check(answer, 2 * n_params, f"forward passes for {n_params} parameters",
                 "2 per parameter", mistakes, tol=1e-12)
