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
# - recognise three patterns in how gates pass gradients on: add distributes, multiply swaps,
#   max routes;
# - check that this graph-walking engine, the book's vectorized code and SymPy agree on every
#   gradient;
# - open the engine (`bpbook.engine.Value`) and read its code: two operations, the topological
#   sort, the `+=`; write the backward of one more operation yourself;
# - train a small network made of `Value`s and watch it match bpbook's numpy network step for
#   step;
# - count why one backward pass beats nudging every weight separately, and why *reverse* mode is
#   the right direction for a loss of many parameters.
#
# Notation: the symbols for layers ($z_l$, $a_l$, $\delta_l$, $W_l$) are collected in
# [chapter 3, Notation](03_worked_example.py); this chapter uses them when it compares the graph
# with the layer formulas.

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
from bpbook.chapters.ch02_computation_graph.replay import (replay_figure, replay_frames,
                                                           replay_text)

frames = replay_frames(L)
display(Markdown(f"The backward pass visits {len(frames)} operation nodes and does "
                 f"{sum(len(s) for _, s in frames)} multiplications, one per edge."))

# %% [markdown]
# ## Play: step through the backward pass
#
# The slider counts the steps of the backward pass from 1, as the text under it does. Press
# **Next** to move one node back. The orange node is the one passing its gradient on; the
# blue boxes are its inputs, receiving their shares. Boxes show the gradient as far as it is
# known at that moment ("·" means nothing has arrived yet). Watch three things:
# - the `+` nodes pass the upstream gradient on unchanged (local derivative 1);
# - each `×` node sends each input the upstream gradient times the *other* input;
# - the two sigmoids multiply by $\sigma(1-\sigma)$, never more than a quarter (chapter 6
#   derives the bound), and the gradient shrinks each time.

# %%
from bpbook.chapters.ch02_computation_graph.replay import step_explorer

step_explorer(L)

# %% [markdown]
# For a static copy of the page, here is one frame, the hidden neuron's sigmoid, drawn as the
# explorer shows it:

# %%
i_a1 = next(i for i, (node, _) in enumerate(frames, start=1) if node is v["a1"])
display(Markdown(replay_text(frames, i_a1)))
replay_figure(L, frames, i_a1)

# %% [markdown]
# After the last frame every leaf holds its gradient. The whole graph, with values and
# gradients:

# %%
draw_graph(L)

# %% [markdown]
# ## Three patterns: add distributes, multiply swaps, max routes
#
# Watching the replay, you can already predict what a node passes on from its kind alone. Take
# one gate $c$ with inputs $a$, $b$ and let the gradient $g = \partial L/\partial c$ arrive
# from above:
#
# - an **add** gate $c = a + b$ has local derivatives 1 and 1: it hands $g$ to both inputs
#   unchanged (it *distributes*);
# - a **multiply** gate $c = a\,b$ has local derivatives $b$ and $a$: each input receives $g$
#   times the *other* input (it *swaps*);
# - a **max** gate $c = \max(a, b)$ has local derivative 1 for the larger input and 0 for the
#   other: the whole of $g$ goes to the winner (it *routes*). ReLU is a max gate against 0.
#
# `Value` has no `max`. `vmax`, in this chapter's module, adds it the way the engine writes every
# operation (the section after next opens the engine): the forward value, then one local
# derivative per input.

# %%
from bpbook.chapters.ch02_computation_graph.engine_tour import source_excerpt, vmax

print(source_excerpt(vmax))

# %% [markdown]
# The table computes each gate on `Value`s with the settings shown.

# %%
from bpbook.chapters.ch02_computation_graph.engine_tour import GATE_DEMO, GATES, gate_grads
from bpbook.tables import Table

a0, b0, g0 = GATE_DEMO["a"], GATE_DEMO["b"], GATE_DEMO["g"]
display(Markdown(f"Settings: $a = {a0}$, $b = {b0}$, upstream $g = {g0}$."))
gate_rows = [[gate, *gate_grads(gate, a0, b0, g0)] for gate in GATES]
Table(["gate", "c", "a receives", "b receives"],
      [[name, c.data, ga, gb] for name, c, ga, gb in gate_rows],
      [None, "{:+.2f}", "{:+.2f}", "{:+.2f}"])

# %%
expected = {"add": (g0, g0), "multiply": (g0 * b0, g0 * a0),
            "max": (g0, 0.0) if a0 >= b0 else (0.0, g0)}
assert all((ga, gb) == expected[name] for name, _, ga, gb in gate_rows)

# %% [markdown]
# The max gate drawn after its backward pass: the smaller input's box shows grad 0, the larger
# one's the whole upstream gradient.

# %%
from bpbook.engine import Value

va, vb = Value(a0, label="a"), Value(b0, label="b")
c_max = vmax(va, vb)
c_max.label = "c"
L_max = c_max * g0
L_max.label = "L"
L_max.backward()
draw_graph(L_max)

# %% [markdown]
# ## Three ways to the same gradients
#
# Nothing so far proves the engine right. We compare it with two independent computations of the
# same five gradients:
# - **vectorized backprop**, bpbook's `Dense` layers (`bpbook.worked.worked_example`), the
#   layer formulas of the next chapter: $\delta_l = (W_{l+1}^\top\delta_{l+1})\odot\sigma'(z_l)$
#   for the error signal of layer $l$, starting from the output layer's $\delta_2 = (\hat y -
#   y)\,\sigma'(z_2)$, and $\partial L/\partial W_l = \delta_l\,a_{l-1}^\top$, $\partial
#   L/\partial b_l = \delta_l$ for its parameters (here $l = 1, 2$, with $a_0 = x$);
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
# ## The engine, opened
#
# Chapter 1 promised a look inside `Value`. It is a short file, `bpbook/engine.py`, and the cells
# below print its code as it is (read from the module with `inspect`, so the page cannot drift
# from what runs).
#
# ### Two operations: the forward value beside the local derivatives
#
# Every operation builds its output `Value` from three things: the forward number, the inputs it
# came from, and the local derivative with respect to each input, computed right there from the
# numbers it sees. Multiplication stores $(b, a)$, the swap of the gate patterns above:

# %%
print(source_excerpt(Value.__mul__))

# %% [markdown]
# The sigmoid stores $\sigma(1 - \sigma)$, computed from its own output:

# %%
print(source_excerpt(Value.sigmoid))

# %% [markdown]
# Nothing is differentiated *later*: by the time the forward pass ends, every edge of the graph
# already carries its local derivative. The backward pass only multiplies and adds.
#
# ### The order: a topological sort
#
# A node may pass its gradient on only when that gradient is complete, that is after every node
# that uses it has passed its share back. `topological_order` lists the nodes so that each comes
# after all of its inputs; the backward pass walks that list in reverse. It is a depth-first
# search, written with an explicit stack instead of recursion (micrograd's recursive version
# stops at Python's recursion limit):

# %%
print(source_excerpt(Value.topological_order))

# %% [markdown]
# A chain twice as deep as Python's recursion limit, $y = x\cdot 1\cdot 1\cdots 1$, goes
# through it without complaint:

# %%
import sys

depth = 2 * sys.getrecursionlimit()
x_deep = Value(0.5, label="x")
y_deep = x_deep
for _ in range(depth):
    y_deep = y_deep * 1.0
y_deep.backward()
display(Markdown(f"{depth:,} multiplications deep (the limit is {sys.getrecursionlimit():,}): "
                 f"$dy/dx$ = {x_deep.grad}"))

# %% [markdown]
# ### The loop, and the `+=` that makes fan-out work
#
# Here is the heart of `Value.backward`: the gradients of the intermediate nodes are cleared, the
# output's is set to 1, and then one line per edge, `child.grad += local * up` (two-input nodes
# have the same line unrolled, for speed):

# %%
print(source_excerpt(Value.backward, "order = self.topological_order()", "return None"))

# %% [markdown]
# Why `+=` and not `=`? Because a value used twice receives two shares (chapter 1's two roads).
# In $L = \tanh(a)\cdot a$ the input $a$ reaches the product directly and through $\tanh$. The
# cell below runs the engine, then the same loop with `=` in place of `+=`, and compares both
# with a central difference:

# %%
import math

from bpbook.chapters.ch02_computation_graph.engine_tour import overwrite_demo

FAN_DEMO_AT = 0.7  # setting: where a is evaluated
right, overwritten = overwrite_demo(FAN_DEMO_AT)
eps = 1e-6
L_of = lambda t: math.tanh(t) * t  # noqa: E731 (the same L, in plain floats)
central = (L_of(FAN_DEMO_AT + eps) - L_of(FAN_DEMO_AT - eps)) / (2 * eps)
Table(["backward loop", "a.grad"], [["engine, +=", right], ["the same loop with =", overwritten],
                                    ["central difference", central]], [None, "{:.8f}"])

# %%
assert abs(right - central) < 1e-8 and abs(overwritten - central) > 0.1

# %% [markdown]
# With `=`, the share that arrives last replaces the one that arrived first, and the gradient is
# wrong with no error message at all. The graph, after the engine's backward pass: two arrows
# leave `a`, and its grad is the sum of what came back along both.

# %%
from bpbook.chapters.ch02_computation_graph.engine_tour import fan_out_graph

fan = fan_out_graph(FAN_DEMO_AT)
fan["L"].backward()
draw_graph(fan["L"])
#
# ### One more operation, micrograd's way
#
# micrograd (the engine whose interface `Value` copies) stores no local derivatives; instead each
# operation keeps a small function that, when the backward pass reaches it, adds its share into
# its input's gradient: `x.grad += local * out.grad`, written out once per operation.
# `FnValue`, a small subclass of `Value` in this chapter's module, works that way, and
# `backward_with_functions` is the engine's loop that calls such a function when it meets one:

# %%
from bpbook.chapters.ch02_computation_graph.engine_tour import backward_with_functions

print(source_excerpt(backward_with_functions))

# %% [markdown]
# In exercise 4 at the end you write that function for one more operation, the softplus
# $\log(1 + e^x)$.

# %% [markdown]
# ## A network of `Value`s learns
#
# Everything a neural network needs is now in place: the engine differentiates any expression
# built from its operations, so a network written with `Value`s, one object per weight, can be
# trained. `ValueMLP`, a short class in this chapter's module, is such a network. The task, the
# demonstration micrograd made famous: two interleaved half-moons of points in the plane, made
# with numpy from a seed (nothing is downloaded); label 0 for the upper moon, 1 for the lower.
#
# The `Value` network starts from the weights of a bpbook numpy MLP (`bpbook.mlp`: tanh hidden
# units, a sigmoid output, binary cross-entropy), and both train side by side with `SGD` on the
# same mini-batches. If the engine is right, the two are the same computation done two ways: one
# number per node, or matrices.

# %%
from bpbook.chapters.ch02_computation_graph.micro_mlp import (MOONS, TRAINING, predict,
                                                              train_side_by_side, training_figure)

display(Markdown(
    f"Settings. The data: {MOONS['m']} points, noise of standard deviation {MOONS['noise']}, "
    f"seed {MOONS['seed']}. The training: layer widths {TRAINING['sizes']}, learning rate "
    f"$\\eta$ = {TRAINING['lr']}, mini-batches of {TRAINING['batch']} points, "
    f"{TRAINING['steps']} steps, seed {TRAINING['seed']} (weights and batches)."))
run = train_side_by_side(**TRAINING)
steps = run["rows"]
shown = [steps[0]] + steps[TRAINING["steps"] // 10 - 1::TRAINING["steps"] // 10]
Table(["step", "numpy loss", "Value loss", "|loss diff|", "max |param diff|"],
      [[r["step"], r["numpy loss"], r["Value loss"], r["loss diff"], r["param diff"]]
       for r in shown], ["{}", "{:.10f}", "{:.10f}", "{:.1e}", "{:.1e}"])

# %%
worst_param = max(r["param diff"] for r in steps)
worst_loss = max(r["loss diff"] for r in steps)
assert worst_param < 1e-12 and worst_loss < 1e-12
accuracy = float(np.mean((predict(run["value_net"].arrays(), run["X"]) > 0.5) == run["Y"]))
display(Markdown(
    f"Over all {len(steps)} steps the two networks' parameters never differ by more than "
    f"{worst_param:.1e} and their losses by more than {worst_loss:.1e}: rounding, nothing else. "
    f"After training, the `Value` network labels {accuracy:.0%} of the points correctly."))

# %%
training_figure(run)

# %% [markdown]
# Same numbers, computed in very different ways: the numpy network does a layer in one matrix
# product, the `Value` network builds one Python object per operation:

# %%
from bpbook.chapters.ch02_computation_graph.cost import graph_size

X_batch, Y_batch = run["X"][:, :TRAINING["batch"]], run["Y"][:, :TRAINING["batch"]]
n_nodes, n_edges = graph_size([run["value_net"].loss(X_batch, Y_batch)])
n_layers = len(run["numpy_net"].dense)
display(Markdown(f"One step on a batch of {TRAINING['batch']} points builds {n_nodes:,} `Value` "
                 f"nodes with {n_edges:,} edges; the numpy network does the same work with "
                 f"{n_layers} matrix products forward and {2 * n_layers - 1} backward "
                 "(the first layer's input needs no gradient)."))

# %% [markdown]
# That is why real libraries work on arrays (chapter 3 onwards), and why they keep the graph
# idea all the same: PyTorch records a graph of array operations and walks it backwards like
# this loop (chapter 12).

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
from bpbook.chapters.ch02_computation_graph.cost import work_counts, work_figure

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
# ## Forward mode and reverse mode
#
# Backprop walks the graph from the output back to the inputs. The chain rule does not care
# about direction: one can also push derivatives *forwards*, alongside the values. Which
# direction is cheaper depends on the shape of the question.
#
# Take a function of $n$ inputs and $k$ outputs, $f:\mathbb{R}^n\to\mathbb{R}^k$, and its
# Jacobian $J$, the $k\times n$ matrix of $\partial f_i/\partial x_j$. The two directions
# compute two different products with it:
#
# - **forward mode** carries, next to every value, its derivative along one chosen input
#   direction $v$ (a *tangent*), and ends with the **Jacobian-vector product** $J\,v$: with
#   $v = e_j$, one *column* of $J$, how every output moves with input $j$;
# - **reverse mode** (backprop) starts from weights $u$ on the outputs (the upstream gradient;
#   for a loss, $u = 1$) and ends with the **vector-Jacobian product** $u^\top J$: with
#   $u = e_i$, one *row* of $J$, how output $i$ depends on every input.
#
# Each pass, in either direction, costs about one visit of every edge. So the whole Jacobian
# takes $n$ forward-mode passes or $k$ reverse-mode passes. A loss has $k = 1$ and a network has
# many parameters, $n$ large: reverse mode gets every gradient in *one* backward pass, forward
# mode needs one pass per parameter. For one input and many outputs the roles swap.
#
# ### Forward mode with dual numbers
#
# Forward mode fits in a few lines. A **dual number** $a + \dot a\,\varepsilon$ with
# $\varepsilon^2 = 0$ carries a value $a$ and a tangent $\dot a$; arithmetic on dual numbers
# *is* the chain rule run forwards, because $(a + \dot a\varepsilon)(b + \dot b\varepsilon) =
# ab + (\dot a b + a\dot b)\varepsilon$. `Dual`, in this chapter's module, has the same local
# derivatives as `Value`, each beside its forward value:

# %%
from bpbook.chapters.ch02_computation_graph.cost import Dual

print(source_excerpt(Dual.__mul__))
print(source_excerpt(Dual.sigmoid))

# %% [markdown]
# A function written once runs on either kind of number. Here is a small one, two inputs and
# three outputs; its Jacobian computed column by column with `Dual` (forward mode, two passes),
# row by row with `Value` (reverse mode, three passes), and by central differences:

# %%
from bpbook.chapters.ch02_computation_graph.cost import jacobian_forward, jacobian_reverse


def f(x):
    return [x[0] * x[1], (x[0] + x[1]).sigmoid(), x[0].tanh() * x[1] ** 2]


X_AT = np.array([0.3, -0.7])  # setting: where the Jacobian is taken
J_fwd, J_rev = jacobian_forward(f, X_AT), jacobian_reverse(f, X_AT)


def f_floats(x):
    return np.array([out.data for out in f([Value(t) for t in x])])


nudge = np.eye(2) * eps
J_num = np.column_stack([(f_floats(X_AT + nudge[j]) - f_floats(X_AT - nudge[j])) / (2 * eps)
                         for j in range(2)])
Table(["output", "∂/∂x₁ forward", "∂/∂x₁ reverse", "∂/∂x₂ forward", "∂/∂x₂ reverse",
       "max |fwd − central|"],
      [[f"f{i + 1}", J_fwd[i, 0], J_rev[i, 0], J_fwd[i, 1], J_rev[i, 1],
        float(np.max(np.abs(J_fwd[i] - J_num[i])))] for i in range(3)],
      [None, "{:+.8f}", "{:+.8f}", "{:+.8f}", "{:+.8f}", "{:.1e}"])

# %%
assert np.max(np.abs(J_fwd - J_rev)) < 1e-14 and np.max(np.abs(J_fwd - J_num)) < 1e-8

# %% [markdown]
# And on a network: forward mode gives every $\partial L/\partial\theta$ of a small MLP in one
# pass whose tangents are vectors (one entry per parameter), the same numbers `Value`'s one
# backward pass gives:

# %%
from bpbook.chapters.ch02_computation_graph.cost import forward_mode_gradient, mlp_graph

SMALL = [3, 4, 2]  # setting: the layer widths
L_small, params_small = mlp_graph(SMALL)
L_small.backward()
diff = np.max(np.abs(forward_mode_gradient(SMALL) - [p.grad for p in params_small]))
assert diff < 1e-14
display(Markdown(f"Network {SMALL}, {len(params_small)} parameters: forward mode and backprop "
                 f"differ by at most {diff:.1e}."))

# %% [markdown]
# ### Counting both modes on the same network
#
# Now the cost, counted on the graph of one network, for two questions: every gradient of the
# loss (many inputs, one output), and how every output moves with the first input (one input,
# many outputs). Both modes compute the values once (one operation per node); forward mode then
# does one multiply-add per edge *per input* of interest, reverse mode one per edge *per
# output*.

# %%
from bpbook.chapters.ch02_computation_graph.cost import MODE_SIZES, mode_counts, mode_figure

modes = mode_counts(MODE_SIZES)
display(Markdown(f"Layer widths {MODE_SIZES} (a setting)."))
Table(["question", "inputs", "outputs", "nodes", "edges", "forward mode", "reverse mode"],
      [[r["question"], r["inputs"], r["outputs"], r["nodes"], r["edges"], r["forward mode"],
        r["reverse mode"]] for r in modes], [None, "{}", "{}", "{}", "{}", "{:,}", "{:,}"])

# %%
mode_figure(modes)

# %%
grad_q, jac_q = modes
display(Markdown(
    f"For the {grad_q['inputs']} gradients of the loss, forward mode needs "
    f"{grad_q['forward mode'] / grad_q['reverse mode']:.0f} times the operations of reverse "
    f"mode. For the {jac_q['outputs']} derivatives of the outputs with respect to one input, "
    f"reverse mode needs {jac_q['reverse mode'] / jac_q['forward mode']:.1f} times those of "
    "forward mode. Training asks the first question, so training uses reverse mode."))

# %% [markdown]
# A line of history: reverse-mode differentiation was described by Seppo Linnainmaa in 1970, to
# follow rounding errors through a long computation; Rumelhart, Hinton and Williams's 1986 paper,
# *Learning representations by back-propagating errors*, showed what it lets a multi-layer
# network learn, and made backpropagation the standard way to train one.

# %% [markdown]
# ## Recap
#
# In this chapter we:
# - wrote the worked network as a graph of elementary operations, each knowing its local
#   derivatives, and drew it;
# - replayed the backward pass: in reverse topological order, each node multiplies its upstream
#   gradient by each local derivative and **adds** the product into its input's gradient;
# - learned to read a gate's backward at a glance: add distributes, multiply swaps, max routes;
# - saw the engine, the vectorized layers and SymPy agree on every gradient, to rounding;
# - opened the engine: each operation stores its local derivatives beside its forward value, a
#   topological sort orders the nodes, and one `+=` per edge makes a value used twice receive
#   both shares (`=` silently loses one);
# - trained a network made of `Value`s on two moons, step for step the same as bpbook's numpy
#   network, to rounding;
# - counted the work: one forward and one backward pass give every gradient, while finite
#   differences need two forward passes per parameter;
# - met forward mode (dual numbers, Jacobian-vector products) beside reverse mode
#   (vector-Jacobian products): reverse mode wins when one loss depends on many parameters,
#   forward mode when one input drives many outputs.

# %% [markdown]
# ## Exercises
#
# **1. Fan-out.** What is `a.grad` after the cell below builds $L = a\cdot a + a$ and calls
# `L.backward()`? Count the edges that leave `a`.

# %%
from bpbook.engine import Value
from bpbook.chapters.ch02_computation_graph.exercises import FAN_AT, check_fan_out

a = Value(FAN_AT, label="a")
L_fan = a * a + a

# %% tags=["exercise"] exercise="02.fan-out"
answer = None  # your a.grad (work it out before printing it!)

# %% tags=["check"]
check_fan_out(answer)

# %%
draw_graph(L_fan, show_grad=False)

# %% [markdown]
# **2. Upstream × local.** Change the worked graph's weight $W_2$ to the value below. After
# `L.backward()`, the node `W2·a1` = $W_2\,a_1$ receives the upstream gradient shown. What does it
# pass on to `a1`?

# %%
from bpbook.chapters.ch02_computation_graph.exercises import (PASS_W2, check_passed_to_a1,
                                                              passed_to_a1_graph)

v_new = passed_to_a1_graph()
display(Markdown(f"$W_2 = {PASS_W2}$, upstream $\\partial L/\\partial (W_2 a_1) = "
                 f"{v_new['W2·a1'].grad:.6f}$, $a_1 = {v_new['a1'].data:.6f}$"))

# %% tags=["exercise"] exercise="02.passed-to-a1"
answer = None  # the gradient passed on to a1

# %% tags=["check"]
check_passed_to_a1(answer)

# %% [markdown]
# **3. The price of nudging.** How many forward passes do central differences need to get every
# gradient of the worked network? (Count its parameters first.)

# %%
from bpbook.chapters.ch02_computation_graph.exercises import check_fd_passes

# %% tags=["exercise"] exercise="02.fd-passes"
answer = None  # number of forward passes

# %% tags=["check"]
check_fd_passes(answer, n_params=len(PARAMS))

# %% [markdown]
# **4. One more operation.** Write the backward of the softplus, $s = \log(1 + e^x)$, in
# micrograd's style: the function below is called once, when the backward pass reaches the
# softplus node `out` (its gradient `out.grad` is then complete); it must add what `out` passes
# on to its input `x` into `x.grad`. The check builds $L = s^2 + x^2$ with your function, runs
# the backward loop at a few points and compares $\partial L/\partial x$ with central
# differences.

# %%
import math

from bpbook.chapters.ch02_computation_graph.exercises import SOFTPLUS_AT, check_softplus_backward

display(Markdown("The points tried: " + ", ".join(f"$x = {p}$" for p in SOFTPLUS_AT)
                 + "; `math.exp` is at hand."))

# %% tags=["exercise"] exercise="02.softplus-backward"
def softplus_backward(x, out):
    ...  # your line(s): add what out passes on to x into x.grad

# %% tags=["check"]
check_softplus_backward(softplus_backward)

# %% [markdown]
# **5. Gates.** For $f = (x + y)\cdot\max(y, z)$ at the point below, what is $\partial f/\partial
# y$? Use the three patterns: $y$ reaches $f$ along two roads.

# %%
from bpbook.chapters.ch02_computation_graph.exercises import GATE_AT, check_gates

x, y, z = GATE_AT["x"], GATE_AT["y"], GATE_AT["z"]
display(Markdown(f"Your point: $x = {x}$, $y = {y}$, $z = {z}$"))

# %% tags=["exercise"] exercise="02.gates"
answer = None  # your df/dy

# %% tags=["check"]
check_gates(answer)

# %% [markdown]
# **6. Reverse mode's bill.** The network below has the number of nodes and edges shown (its
# graph up to the outputs, no loss). How many operations does reverse mode need for the
# derivative of *every* output with respect to the first input, counted as in the section on
# forward and reverse mode?

# %%
from bpbook.chapters.ch02_computation_graph.exercises import REVERSE_SIZES, check_reverse_count

network = next(r for r in mode_counts(REVERSE_SIZES) if r["inputs"] == 1)
nodes, edges, outputs = network["nodes"], network["edges"], network["outputs"]
display(Markdown(f"Layer widths {REVERSE_SIZES}: {nodes} nodes, {edges} edges, {outputs} "
                 "outputs."))

# %% tags=["exercise"] exercise="02.reverse-count"
answer = None  # operations of reverse mode

# %% tags=["check"]
check_reverse_count(answer)
