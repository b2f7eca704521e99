r"""The explorers of chapters 01 (chain rule) and 02 (computation graph), as plain functions.

Every explorer is an *update function* that takes the slider or button values and returns data,
text, a table and a matplotlib Figure; the ``*_explorer`` functions only wire ipywidgets to them.
Tests call the update functions directly. The tables (``chain_table``, ``replay_table``) render as
``<table class="bp-explorer">`` with the row's name in the first cell, so a browser test can read
the numbers the explorer shows.

Chapter 01, the three-gear chain: $u = 2x + 1$, $v = u^2$, $y = \tanh v$, so
$\dfrac{dy}{dx} = \dfrac{dy}{dv}\,\dfrac{dv}{du}\,\dfrac{du}{dx} = (1 - \tanh^2 v)\cdot 2u\cdot 2$.

Chapter 02, the worked example as a graph of `bpbook.engine.Value` nodes, and a replay of its
backward pass one node at a time (``replay_frames``, ``replay_frame``).
"""
import math
import re

import numpy as np
import sympy as sp
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bpbook.draw import draw_graph
from bpbook.engine import Value
from bpbook.tables import Table
from bpbook.worked import check_settings

# ---- chapter 01: a chain of three gears ---------------------------------------------------------

X0 = -0.3  # where the chapter evaluates the chain before you move the slider
X_RANGE = (-2.0, 1.0)


def chain_sympy():
    """The chain as SymPy expressions: symbols ``x, u, v`` and the stages ``u(x), v(u), y(v)``."""
    x, u, v = sp.symbols("x u v", real=True)
    return {"x": x, "u": u, "v": v, "u(x)": 2 * x + 1, "v(u)": u**2, "y(v)": sp.tanh(v)}


def chain_values(x):
    """The chain built from Values at ``x``: ``{"x": .., "u": .., "v": .., "y": ..}``."""
    xv = Value(x, label="x")
    u = xv * 2 + 1
    u.label = "u"
    v = u**2
    v.label = "v"
    y = v.tanh()
    y.label = "y"
    return {"x": xv, "u": u, "v": v, "y": y}


def chain_state(x, h=1e-6):
    """Everything the chain explorer shows at ``x``.

    Keys: the stage values ``u, v, y``; the local derivatives ``du/dx, dv/du, dy/dv`` (read from
    the Values' local gradients); ``product``; ``backprop`` (x.grad after ``y.backward()``);
    ``central`` (a central difference of y with step ``h``).
    """
    nodes = chain_values(x)
    nodes["y"].backward()
    locals_ = {"du/dx": nodes["u"].inputs[0].local_grads[0] * nodes["u"].local_grads[0],
               "dv/du": nodes["v"].local_grads[0], "dy/dv": nodes["y"].local_grads[0]}
    y = lambda t: chain_values(t)["y"].data  # noqa: E731 (a one-line function of t)
    return {"x": x, **{k: nodes[k].data for k in "uvy"}, **locals_,
            "product": math.prod(locals_.values()), "backprop": nodes["x"].grad,
            "central": (y(x + h) - y(x - h)) / (2 * h)}


def chain_text(state):
    """The explorer's caption: each local derivative and their product, in Markdown/LaTeX."""
    s = state
    return (f"At $x = {s['x']:.3f}$: $u = {s['u']:.4f}$, $v = {s['v']:.4f}$, "
            f"$y = {s['y']:.4f}$.\n\n"
            f"$\\dfrac{{du}}{{dx}} = 2$, $\\dfrac{{dv}}{{du}} = 2u = {s['dv/du']:.4f}$, "
            f"$\\dfrac{{dy}}{{dv}} = 1 - \\tanh^2 v = {s['dy/dv']:.4f}$\n\n"
            f"product $= {s['du/dx']:.4f} \\times {s['dv/du']:.4f} \\times {s['dy/dv']:.4f}"
            f" = {s['product']:.6f}$; backprop gives ${s['backprop']:.6f}$, "
            f"a central difference ${s['central']:.6f}$.")


def chain_table(state):
    """The chain's output and its slope three ways: the product of the gear ratios, backprop's
    ``x.grad`` and a central difference."""
    rows = [["y", state["y"]], ["dy/dx: product of the ratios", state["product"]],
            ["dy/dx: backprop", state["backprop"]], ["dy/dx: central difference", state["central"]]]
    return Table(["quantity", "value"], rows, [None, "{:+.6f}"], css_class="bp-explorer")


def chain_figure(state):
    """Left: y(x) with its tangent at x (slope = the product). Right: the gear ratios as bars.

    Fixed margins and few ticks instead of constrained layout: the explorer redraws it on every
    slider move (``make bench``, widget_update)."""
    fig = Figure(figsize=(9, 3.2), dpi=90)
    fig.subplots_adjust(left=0.07, right=0.985, bottom=0.15, top=0.9, wspace=0.22)
    left, right = fig.subplots(1, 2, width_ratios=(1.4, 1))
    xs = np.linspace(*X_RANGE, 300)
    left.plot(xs, np.tanh((2 * xs + 1) ** 2), color="#1c7ed6", label="y(x)")
    x0, y0, slope = state["x"], state["y"], state["product"]
    left.plot(X_RANGE, [y0 + slope * (x - x0) for x in X_RANGE], "--", color="#d9480f",
              label="tangent, slope dy/dx")
    left.plot([x0], [y0], "o", color="#d9480f")
    left.set(xlim=X_RANGE, ylim=(-0.2, 1.2), xticks=np.arange(X_RANGE[0], X_RANGE[1] + 0.1, 0.5),
             yticks=(0, 0.5, 1), xlabel="x", ylabel="y", title="the whole chain")
    left.legend(loc="lower left", fontsize=8)
    names = ["du/dx", "dv/du", "dy/dv", "product"]
    values = [state[n] for n in names]
    right.bar(names, values, color=["#adb5bd"] * 3 + ["#d9480f"])
    right.axhline(0, color="black", linewidth=0.8)
    right.yaxis.set_major_locator(MaxNLocator(5))
    right.set(title="gear ratios and their product")
    return fig


def chain_explorer():
    """A slider for x wired to `chain_state`, `chain_text` and `chain_figure`."""
    import ipywidgets as w
    slider = w.FloatSlider(value=X0, min=X_RANGE[0], max=X_RANGE[1], step=0.05, description="x")
    return _wire(slider, lambda x: _show_chain(chain_state(x)))


def _show_chain(state):
    from IPython.display import Markdown, display
    display(Markdown(chain_text(state)), chain_table(state), chain_figure(state))


def two_paths(x):
    """$L = a\\,b$ with $a = x^2$ and $b = e^x$: x reaches L twice; returns the Values."""
    xv = Value(x, label="x")
    a = xv**2
    a.label = "a"
    b = xv.exp()
    b.label = "b"
    L = a * b
    L.label = "L"
    return {"x": xv, "a": a, "b": b, "L": L}


# ---- chapter 02: the worked example as a graph of Values -----------------------------------------

def worked_graph(**settings):
    """The worked network built from Values; returns ``{name: Value}`` with ``"L"`` the loss.

    Settings (x1, x2, y, W11, W12, b1, W2, b2) default to :data:`bpbook.worked.DEFAULTS`.
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
    return v


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
    view = _wire(slider, lambda i: _show_frame(root, frames, i))
    return w.VBox([w.HBox([back, nxt]), view])


def _show_frame(root, frames, i):
    from IPython.display import Markdown, display
    display(Markdown(replay_text(frames, i)), replay_table(frames, i),
            replay_figure(root, frames, i))


def _name(node):
    return node.label or f"{node.data:.4g}"


def _tex(node):
    tex = (node.label or "c").replace("·", r"\cdot ").replace("²", "^2").replace("y_hat", r"\hat y")
    return re.sub(r"([A-Za-z])(\d+)", r"\1_{\2}", tex)


def _wire(control, show):
    """``control`` above an Output that ``show(control.value)`` refills on every change."""
    import ipywidgets as w
    out = w.Output()

    def refresh(_=None):
        out.clear_output(wait=True)
        with out:
            show(control.value)
    control.observe(refresh, names="value")
    refresh()
    return w.VBox([control, out])


# ---- chapter 02: why one backward pass is enough -------------------------------------------------

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
