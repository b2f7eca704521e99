"""Chapter 02's replay of a backward pass, one node at a time, and its step explorer.

``replay_frames`` records a backward pass (``Value.backward(record=True)``) as frames, one per
node; ``replay_text``, ``replay_table`` and ``replay_figure`` show frame ``step``, counted from 1
like the text ("Step 4 of 11"); ``step_explorer`` only wires buttons and a slider to them. The
graph of the worked example itself is :func:`bpbook.worked.worked_graph` (chapter 12 uses it too).
"""
import re

import numpy as np

from bpbook.draw import draw_graph
from bpbook.tables import Table
from bpbook.widgets import PNG, math_html, wire_in_place

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


def _frame(frames, step):
    """Frame number ``step`` (from 1), with an error that names the valid steps otherwise."""
    if (isinstance(step, bool) or not isinstance(step, (int, np.integer))
            or not 1 <= step <= len(frames)):
        raise IndexError(f"step must be an integer from 1 to {len(frames)} "
                         f"(the backward pass has {len(frames)} steps), got {step!r}")
    return frames[step - 1]


def replay_grads(root, frames, step):
    """The gradients known after steps ``1..step``: ``{value: grad}`` (the root's is 1)."""
    _frame(frames, step)
    grads = {root: 1.0}
    for _, steps in frames[:step]:
        for s in steps:
            grads[s.input] = grads.get(s.input, 0.0) + s.passed
    return grads


def replay_text(frames, step):
    """Step ``step`` in words: upstream gradient × local derivative = gradient passed on."""
    node, steps = _frame(frames, step)
    up = steps[0].upstream
    lines = [f"**Step {step} of {len(frames)}**: node `{_name(node)}` (made by `{node.op}`) "
             f"holds $\\partial\\mathcal L/\\partial\\,{_tex(node)} = {up:.6f}$ and passes it on:",
             ""]
    for s in steps:
        lines.append(f"- to `{_name(s.input)}`: ${up:.6f} \\times {s.local:.6f} = "
                     f"{s.passed:.6f}$ (upstream × local derivative)")
    return "\n".join(lines)


def replay_table(frames, step):
    """Step ``step``'s numbers: the node, the gradient it holds, and what each input receives."""
    node, steps = _frame(frames, step)
    rows = [["node", _name(node)], ["upstream gradient", steps[0].upstream]]
    rows += [[f"passed to {_name(s.input)}", s.passed] for s in steps]
    return Table(["quantity", "value"], rows, [None, "{:+.6f}"], css_class="bp-explorer")


def replay_figure(root, frames, step):
    """The graph with step ``step``'s node highlighted, its inputs marked, the gradients so far."""
    node, steps = _frame(frames, step)
    return draw_graph(root, highlight=node, inputs=[s.input for s in steps],
                      grads=replay_grads(root, frames, step))


def step_explorer(root):
    """Back/Next buttons and a slider over the frames of ``root``'s backward pass."""
    import ipywidgets as w
    frames = replay_frames(root)
    slider = w.IntSlider(value=1, min=1, max=len(frames), description="step")
    back, nxt = w.Button(description="◀ Back"), w.Button(description="Next ▶")
    back.on_click(lambda _: setattr(slider, "value", max(slider.value - 1, 1)))
    nxt.on_click(lambda _: setattr(slider, "value", min(slider.value + 1, slider.max)))
    # Every step's picture is drawn once, here: a move only swaps pictures.
    pictures = {step: PNG.of(replay_figure(root, frames, step))
                for step in range(1, len(frames) + 1)}
    view = wire_in_place(slider, lambda step: [math_html(replay_text(frames, step)),
                                               replay_table(frames, step), pictures[step]])
    return w.VBox([w.HBox([back, nxt]), view])


def _name(node):
    return node.label or f"{node.data:.4g}"


def _tex(node):
    if node.label in ("L", "loss"):  # the loss is ℒ in the book's formulas
        return r"\mathcal L"
    tex = (node.label or "c").replace("·", r"\cdot ").replace("²", "^2").replace("y_hat", r"\hat y")
    return re.sub(r"([A-Za-z])(\d+)", r"\1_{\2}", tex)
