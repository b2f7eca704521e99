# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 2. The computation graph: backpropagation as bookkeeping
#
# **In this chapter you will**
# - write a small neural network as a graph of elementary operations, and draw it;
# - replay its backward pass one node at a time: at every node, *upstream gradient × local
#   derivative = gradient passed on*;
# - check that this graph-walking engine, the book's vectorized code and SymPy agree on every
#   gradient;
# - count why one backward pass beats nudging every weight separately, and by how much.

# %% [markdown]
# ## A story: the relay of blame
#
# A team of workers passes a product down an assembly line. At the end, an inspector measures how
# far the product is from the specification. She does not inspect each worker. She hands her
# measurement to the last worker; that worker knows only his own step, works out how much of the
# discrepancy came through him, and hands the right share to each worker who supplied him. Each
# worker does the same. Nobody needs to understand the whole line: each one uses only what the
# next worker handed back and the effect of his own step.
#
# That is backpropagation on a **computation graph**. Each node is one small operation; during the
# forward pass it remembers its inputs; during the backward pass it receives one number from
# downstream ($\partial L/\partial\text{node}$, the *upstream gradient*), multiplies it by its own
# local derivative for each input, and passes the products upstream. Where a value feeds several
# nodes, the shares it receives add up, as we saw in chapter 1.

# %% [markdown]
# ## The worked network as a graph
#
# The book's running example: two inputs, one hidden sigmoid neuron, one sigmoid output, the
# squared error with a half:
#
# $$z_1 = W_{11}x_1 + W_{12}x_2 + b_1,\quad a_1 = \sigma(z_1),\quad z_2 = W_2a_1 + b_2,\quad
#   \hat y = \sigma(z_2),\quad L = \tfrac12(\hat y - y)^2 .$$
#
# Written with `Value`s, each `*`, `+`, `sigmoid`, `-`, `**` becomes one node. `bpbook.worked`
# holds the example's numbers (the reference tutorial's); `worked_graph` builds the graph from
# them, one line per operation.

# %%
# %matplotlib inline
from IPython.display import Markdown, display

from bpbook.worked import worked_graph
from bpbook.worked import DEFAULTS

settings = {k: v for k, v in DEFAULTS.items() if k != "lr"}
v = worked_graph(**settings)
L = v["L"]
display(Markdown(f"Forward pass: $z_1 = {v['z1'].data:.6f}$, $a_1 = {v['a1'].data:.6f}$, "
                 f"$z_2 = {v['z2'].data:.6f}$, $\\hat y = {v['y_hat'].data:.6f}$, "
                 f"$L = {L.data:.6f}$."))

# %% [markdown]
# `worked_graph` is short enough to read in full:

# %%
import inspect

print(inspect.getsource(worked_graph))

# %% [markdown]
# ### Drawing it
#
# `bpbook.draw.draw_graph` lays the graph out left to right, in the direction the values flow.
# Boxes are values (label, data, and grad, still 0 before any backward pass); circles are the
# operations that made them.

# %%
from bpbook.draw import draw_graph

draw_graph(L, show_grad=False)

# %% [markdown]
# ## The backward pass, node by node
#
# Every operation knows its **local derivatives**, the ratios of chapter 1, computed during the
# forward pass from the numbers it saw:
#
# | node | local derivatives |
# |---|---|
# | $c = a + b$ | $\partial c/\partial a = 1$, $\partial c/\partial b = 1$ |
# | $c = a - b$ | $\partial c/\partial a = 1$, $\partial c/\partial b = -1$ |
# | $c = a\,b$ | $\partial c/\partial a = b$, $\partial c/\partial b = a$ |
# | $c = a^n$ | $\partial c/\partial a = n\,a^{n-1}$ |
# | $c = \sigma(a)$ | $\partial c/\partial a = \sigma(a)\,(1-\sigma(a))$ |
#
# The backward pass starts with $\partial L/\partial L = 1$ and visits the nodes in *reverse
# topological order*: a node is visited only after every node that uses it, so its gradient is
# complete when it passes it on. At each node and for each input:
#
# $$\underbrace{\frac{\partial L}{\partial\,\text{input}}}_{\text{passed on (added)}}
#   \mathrel{+}= \underbrace{\frac{\partial L}{\partial\,\text{node}}}_{\text{upstream}}
#   \times \underbrace{\frac{\partial\,\text{node}}{\partial\,\text{input}}}_{\text{local}} .$$
#
# `L.backward(record=True)` runs exactly this loop and records each multiplication, so we can
# replay it.

# %%
from bpbook.chapters.ch02_computation_graph import replay_figure, replay_frames, replay_text

frames = replay_frames(L)
display(Markdown(f"The backward pass visits {len(frames)} operation nodes and does "
                 f"{sum(len(s) for _, s in frames)} multiplications, one per edge."))

# %% [markdown]
# ## Play: step through the backward pass
#
# Press **Next** to move one node back. The orange node is the one passing its gradient on; the
# blue boxes are its inputs, receiving their shares. Boxes show the gradient as far as it is
# known at that moment ("·" means nothing has arrived yet). Watch three things:
# - the `+` nodes pass the upstream gradient on unchanged (local derivative 1);
# - each `×` node sends each input the upstream gradient times the *other* input;
# - the two sigmoids multiply by $\sigma(1-\sigma)$, never more than a quarter (chapter 6
#   derives the bound), and the gradient shrinks each time.

# %%
from bpbook.chapters.ch02_computation_graph import step_explorer

step_explorer(L)

# %% [markdown]
# For a static copy of the page, here is one frame, the hidden neuron's sigmoid, drawn as the
# explorer shows it:

# %%
i_a1 = next(i for i, (node, _) in enumerate(frames) if node is v["a1"])
display(Markdown(replay_text(frames, i_a1)))
replay_figure(L, frames, i_a1)

# %% [markdown]
# After the last frame every leaf holds its gradient. The whole graph, with values and
# gradients:

# %%
draw_graph(L)

# %% [markdown]
# ## Three ways to the same gradients
#
# Nothing so far proves the engine right. We compare it with two independent computations of the
# same five gradients:
# - **vectorized backprop**, bpbook's `Dense` layers (`bpbook.worked.worked_example`), the
#   matrix formulas $\delta = (W^\top\delta_{\text{next}})\odot\sigma'(z)$, $\partial L/\partial
#   W = \delta\,a^\top$ of the next chapter;
# - **SymPy**, which writes $L$ as one formula of the parameters and differentiates it
#   (`bpbook.symbolic.SymbolicMLP`).

# %%
import numpy as np

from bpbook.symbolic import SymbolicMLP, params_of
from bpbook.tables import Table
from bpbook.worked import PARAMS, worked_example, worked_network

vectorized = worked_example(**DEFAULTS)
sym = SymbolicMLP([2, 1, 1]).gradients_at(
    params_of(worked_network(*(DEFAULTS[p] for p in ("W11", "W12", "b1", "W2", "b2")))),
    [DEFAULTS["x1"], DEFAULTS["x2"]], [DEFAULTS["y"]])


def sympy_grad(name):
    layer, attr, index = PARAMS[name]
    return sym[f"layer{layer + 1}.{attr}"][index]


rows = []
for name in PARAMS:
    g = (v[name].grad, vectorized["d" + name], sympy_grad(name))
    rows.append([name, *g, max(g) - min(g)])
Table(["parameter", "engine (Value)", "vectorized (Dense)", "SymPy", "largest difference"], rows,
      ["{}", "{:.12f}", "{:.12f}", "{:.12f}", "{:.1e}"])

# %%
worst = max(r[-1] for r in rows)
assert worst < 1e-12
display(Markdown(f"The largest disagreement among the three is {worst:.1e}, at the level of "
                 "floating-point rounding."))

# %% [markdown]
# ## Why one backward pass is enough
#
# There is a method that needs no calculus at all: nudge one parameter by $\pm\varepsilon$, run
# the network forward twice, and take the central difference. It is the best test of a backward
# pass (chapter 3 uses it), but as a way to *train* it is hopeless: it costs **two forward passes
# per parameter**. Backprop costs one forward pass plus one backward pass, which visits every edge
# once, whatever the number of parameters.
#
# We count operations on graphs of growing sigmoid networks built from `Value`s: a forward pass
# computes one node per operation; the backward pass does one multiply-add per edge.

# %%
from bpbook.chapters.ch02_computation_graph import work_counts, work_figure

sizes = [[2, 1, 1], [2, 4, 1], [4, 8, 1], [4, 16, 4], [8, 16, 16, 4], [8, 32, 32, 4]]
counts = [work_counts(s) for s in sizes]
Table(["layer widths", "parameters", "forward pass", "backprop (forward + backward)",
       "finite differences", "ratio"],
      [[str(c["sizes"]), c["parameters"], c["forward"], c["backprop"], c["finite differences"],
        c["finite differences"] / c["backprop"]] for c in counts],
      [None, "{}", "{}", "{}", "{}", "{:.0f}×"])

# %%
work_figure(counts)

# %%
largest = counts[-1]
per_param = [c["finite differences"] / c["backprop"] / c["parameters"] for c in counts]
display(Markdown(
    f"For the largest network, {largest['parameters']} parameters, finite differences need "
    f"{largest['finite differences'] / largest['backprop']:.0f} times the work of backprop. "
    f"Divided by the number of parameters, that ratio stays between {min(per_param):.2f} and "
    f"{max(per_param):.2f} for every size above: the gap grows in proportion to the number of "
    "parameters. A network with millions of weights cannot be trained by nudging, and that is "
    "why backpropagation matters."))

# %% [markdown]
# ## Recap
#
# In this chapter we:
# - wrote the worked network as a graph of elementary operations, each knowing its local
#   derivatives, and drew it;
# - replayed the backward pass: in reverse topological order, each node multiplies its upstream
#   gradient by each local derivative and **adds** the product into its input's gradient;
# - saw the engine, the vectorized layers and SymPy agree on every gradient, to rounding;
# - counted the work: one forward and one backward pass give every gradient, while finite
#   differences need two forward passes per parameter.

# %% [markdown]
# ## Exercises
#
# **1. Fan-out.** What is `a.grad` after the cell below builds $L = a\cdot a + a$ and calls
# `L.backward()`? Count the edges that leave `a`.

# %%
from bpbook.engine import Value
from bpbook.chapters.ch02_computation_graph import FAN_AT, check_fan_out

a = Value(FAN_AT, label="a")
L_fan = a * a + a
answer = None  # your a.grad (work it out before printing it!)
check_fan_out(answer)

# %%
draw_graph(L_fan, show_grad=False)

# %% [markdown]
# **2. Upstream × local.** In the worked graph the node `W2·a1` = $W_2\,a_1$ receives the upstream
# gradient shown below. What does it pass on to `a1`?

# %%
from bpbook.chapters.ch02_computation_graph import check_passed_to_a1

display(Markdown(f"upstream $\\partial L/\\partial (W_2 a_1) = {v['W2·a1'].grad:.6f}$, "
                 f"$W_2 = {v['W2'].data}$, $a_1 = {v['a1'].data:.6f}$"))
answer = None  # the gradient passed on to a1
check_passed_to_a1(answer)

# %% [markdown]
# **3. The price of nudging.** How many forward passes do central differences need to get every
# gradient of the worked network? (Count its parameters first.)

# %%
from bpbook.chapters.ch02_computation_graph import check_fd_passes

answer = None  # number of forward passes
check_fd_passes(answer, n_params=len(PARAMS))
