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
# - check the engine's gradients against nudging each weight (central differences);
# - open the engine (`bpbook.engine.Value`) and read its code: two operations, the topological
#   sort, the `+=`; write the backward of one more operation yourself.
#
# Notation: the book's symbols are collected in [chapter 3, Notation](03_worked_example.py); here
# the loss is $\mathcal L$ (`loss` in code), and $\sigma$ is the sigmoid.

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
# downstream ($\partial\mathcal L/\partial\text{node}$, the *upstream gradient*), multiplies it by
# its own local derivative for each input, and passes the products upstream. Where a value feeds
# several nodes, the shares it receives add up, as we saw in [chapter 1](01_chain_rule.py).

# %% [markdown]
# ## The worked network as a graph
#
# The book's running example: two inputs $x_1, x_2$, one hidden sigmoid neuron, one sigmoid
# output $\hat y$ (the prediction), the squared error with a half against the target $y$; the
# weights are $W$, the biases $b$, each neuron's pre-activation $z$ and output $a$:
#
# $$\begin{aligned}
# z_1 &= W_{11}x_1 + W_{12}x_2 + b_1, & a_1 &= \sigma(z_1),\\
# z_2 &= W_2a_1 + b_2, & \hat y &= \sigma(z_2),\\
# \mathcal L &= \tfrac12(\hat y - y)^2 .
# \end{aligned}$$
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
loss = v["L"]  # its node is labelled `loss`; the book's formulas write it ℒ
display(Markdown(f"Forward pass: $z_1 = {v['z1'].data:.6f}$, $a_1 = {v['a1'].data:.6f}$, "
                 f"$z_2 = {v['z2'].data:.6f}$, $\\hat y = {v['y_hat'].data:.6f}$, "
                 f"$\\mathcal L = {loss.data:.6f}$."))

# %% [markdown]
# `worked_graph` is short enough to read in full:

# %%
import inspect

print(inspect.getsource(worked_graph))

# %% [markdown]
# ### Drawing it
#
# `bpbook.draw.draw_graph` lays the graph out left to right, in the direction the values flow.
# Boxes are values (label and data; their gradients come with the backward pass); circles are the
# operations that made them.

# %%
from bpbook.draw import draw_graph

draw_graph(loss, show_grad=False)

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
# The backward pass starts with $\partial\mathcal L/\partial\mathcal L = 1$ and visits the
# nodes in *reverse topological order*: a node is visited only after every node that uses it, so
# its gradient is complete when it passes it on. At each node and for each input:
#
# $$\underbrace{\frac{\partial \mathcal L}{\partial\,\text{input}}}_{\text{passed on (added)}}
#   \mathrel{+}= \underbrace{\frac{\partial \mathcal L}{\partial\,\text{node}}}_{\text{upstream}}
#   \times \underbrace{\frac{\partial\,\text{node}}{\partial\,\text{input}}}_{\text{local}} .$$
#
# `loss.backward(record=True)` runs exactly this loop and records each multiplication, so we can
# replay it.

# %%
from bpbook.chapters.ch02_computation_graph.replay import (replay_figure, replay_frames,
                                                           replay_text)

frames = replay_frames(loss)
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
# - the two sigmoids multiply by $\sigma(1-\sigma)$, never more than a quarter, since
#   $\sigma(1-\sigma) = \tfrac14 - (\sigma - \tfrac12)^2$; the gradient shrinks each time.

# %%
from bpbook.chapters.ch02_computation_graph.replay import step_explorer

step_explorer(loss)

# %% [markdown]
# For a static copy of the page, here is one frame, the hidden neuron's sigmoid, drawn as the
# explorer shows it:

# %%
i_a1 = next(i for i, (node, _) in enumerate(frames, start=1) if node is v["a1"])
display(Markdown(replay_text(frames, i_a1)))
replay_figure(loss, frames, i_a1)

# %% [markdown]
# After the last frame every leaf holds its gradient. The whole graph, with values and
# gradients:

# %%
draw_graph(loss)

# %% [markdown]
# ## Three patterns: add distributes, multiply swaps, max routes
#
# Watching the replay, you can already predict what a node passes on from its kind alone. Take
# one gate $c$ with inputs $a$, $b$ and let the gradient $g = \partial\mathcal L/\partial c$ arrive
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
loss_max = c_max * g0
loss_max.label = "loss"
loss_max.backward()
draw_graph(loss_max)

# %% [markdown]
# ## Is the engine right?
#
# Nothing so far proves the engine right. The bluntest test needs no calculus: nudge one
# parameter by $\pm\varepsilon$, rebuild the graph, and divide the change of the loss by
# $2\varepsilon$. The cell compares that central difference with each of the five gradients the
# backward pass left in the leaves.

# %%
from bpbook.worked import PARAMS

EPS = 1e-6  # the nudge


def loss_at(**changed):
    return worked_graph(**{**settings, **changed})["L"].data


central = {p: (loss_at(**{p: settings[p] + EPS}) - loss_at(**{p: settings[p] - EPS})) / (2 * EPS)
           for p in PARAMS}
worst = max(abs(v[p].grad - central[p]) / abs(central[p]) for p in PARAMS)
assert worst < 1e-6
display(Markdown(f"Over the five parameters ({', '.join(PARAMS)}), the engine's gradient and the "
                 f"central difference differ by at most {worst:.1e}, relative."))

# %% [markdown]
# Agreement this close is what a correct backward pass and a central difference give: what is
# left is the approximation's error, not the engine's.
# [Chapter 3](03_worked_example.py) puts these five gradients side by side with three more
# witnesses (the layer formulas, SymPy's calculus and `bpbook.gradcheck`), in the book's one
# table of them.

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
# A chain twice as deep as Python's recursion limit, $q = x\cdot 1\cdot 1\cdots 1$, goes
# through it without complaint:

# %%
import sys

depth = 2 * sys.getrecursionlimit()
x_deep = Value(0.5, label="x")
q_deep = x_deep
for _ in range(depth):
    q_deep = q_deep * 1.0
q_deep.backward()
display(Markdown(f"{depth:,} multiplications deep (the limit is {sys.getrecursionlimit():,}): "
                 f"$dq/dx$ = {x_deep.grad}"))

# %% [markdown]
# ### The loop, and the `+=` that makes fan-out work
#
# Here is the heart of `Value.backward`: the gradients of the intermediate nodes are cleared, the
# output's is set to 1, and then one line per edge, `child.grad += local * up` (two-input nodes
# have the same line unrolled, for speed):

# %%
print(source_excerpt(Value.backward, "order = self.topological_order()", "return None"))

# %% [markdown]
# Why `+=` and not `=`? Because a value used twice receives two shares (chapter 1's two roads). In
# $\mathcal L = \tanh(a)\cdot a$ the input $a$ reaches the product directly and through $\tanh$. The
# cell below runs the engine, then the same loop with `=` in place of `+=`, and compares both with a
# central difference:

# %%
import math

from bpbook.chapters.ch02_computation_graph.engine_tour import overwrite_demo

FAN_DEMO_AT = 0.7  # setting: where a is evaluated
right, overwritten = overwrite_demo(FAN_DEMO_AT)
eps = 1e-6
loss_of = lambda t: math.tanh(t) * t  # noqa: E731 (the same loss, in plain floats)
central_fan = (loss_of(FAN_DEMO_AT + eps) - loss_of(FAN_DEMO_AT - eps)) / (2 * eps)
Table(["backward loop", "a.grad"], [["engine, +=", right], ["the same loop with =", overwritten],
                                    ["central difference", central_fan]], [None, "{:.8f}"])

# %%
assert abs(right - central_fan) < 1e-8 and abs(overwritten - central_fan) > 0.1

# %% [markdown]
# With `=`, the share that arrives last replaces the one that arrived first, and the gradient is
# wrong with no error message at all. The graph, after the engine's backward pass: two arrows
# leave `a`, and its grad is the sum of what came back along both.

# %%
from bpbook.chapters.ch02_computation_graph.engine_tour import fan_out_graph

fan = fan_out_graph(FAN_DEMO_AT)
fan["loss"].backward()
draw_graph(fan["loss"])

# %% [markdown]
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
# In exercise 3 at the end you write that function for one more operation, the softplus
# $\log(1 + e^x)$.

# %% [markdown]
# ## Recap
#
# In this chapter we:
# - wrote the worked network as a graph of elementary operations, each knowing its local
#   derivatives, and drew it;
# - replayed the backward pass: in reverse topological order, each node multiplies its upstream
#   gradient by each local derivative and **adds** the product into its input's gradient;
# - learned to read a gate's backward at a glance: add distributes, multiply swaps, max routes;
# - checked the engine's gradients against central differences (chapter 3 adds more witnesses);
# - opened the engine: each operation stores its local derivatives beside its forward value, a
#   topological sort orders the nodes, and one `+=` per edge makes a value used twice receive
#   both shares (`=` silently loses one).
#
# [Chapter 3](03_worked_example.py) does the same backward pass by hand, layer by layer, with the
# error signals $\delta$; [chapter 7](07_reverse_mode.py) returns to the engine to train a whole
# network of `Value`s and to count why backpropagation runs backwards.

# %% [markdown]
# ## Exercises
#
# **1. Fan-out.** The cell below builds $\mathcal L = a\cdot a + a$ and draws it. What will
# `a.grad` be once `loss_fan.backward()` has run? Count the edges that leave `a`.

# %%
from bpbook.engine import Value
from bpbook.chapters.ch02_computation_graph.exercises import FAN_AT, check_fan_out

a = Value(FAN_AT, label="a")
a_squared = a * a
a_squared.label = "a·a"
loss_fan = a_squared + a
loss_fan.label = "loss"
draw_graph(loss_fan, show_grad=False)

# %% tags=["exercise"] exercise="02.fan-out"
answer = None  # your a.grad (work it out before you call loss_fan.backward()!)

# %% tags=["check"]
check_fan_out(answer)

# %% [markdown]
# **2. Upstream × local.** Change the worked graph's weight $W_2$ to the value below. After
# the backward pass, the node `W2·a1` = $W_2\,a_1$ receives the upstream gradient shown. What
# does it pass on to `a1`?

# %%
from bpbook.chapters.ch02_computation_graph.exercises import (PASS_W2, check_passed_to_a1,
                                                              passed_to_a1_graph)

v_new = passed_to_a1_graph()
display(Markdown(f"$W_2 = {PASS_W2}$, upstream $\\partial\\mathcal L/\\partial (W_2 a_1) = "
                 f"{v_new['W2·a1'].grad:.6f}$, $a_1 = {v_new['a1'].data:.6f}$"))

# %% tags=["exercise"] exercise="02.passed-to-a1"
answer = None  # the gradient passed on to a1

# %% tags=["check"]
check_passed_to_a1(answer)

# %% [markdown]
# **3. One more operation.** Write the backward of the softplus, $s = \log(1 + e^x)$, in
# micrograd's style: the function below is called once, when the backward pass reaches the
# softplus node `out` (its gradient `out.grad` is then complete); it must add what `out` passes
# on to its input `x` into `x.grad`. The check builds $\mathcal L = s^2 + x^2$ with your function,
# runs the backward loop at a few points and compares $\partial\mathcal L/\partial x$ with central
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
# **4. Gates.** For $F = (p + q)\cdot\max(q, r)$ at the point below, what is $\partial F/\partial
# q$? Use the three patterns: $q$ reaches $F$ along two roads.

# %%
from bpbook.chapters.ch02_computation_graph.exercises import GATE_AT, check_gates

p, q, r = GATE_AT["p"], GATE_AT["q"], GATE_AT["r"]
display(Markdown(f"Your point: $p = {p}$, $q = {q}$, $r = {r}$"))

# %% tags=["exercise"] exercise="02.gates"
answer = None  # your ∂F/∂q

# %% tags=["check"]
check_gates(answer)
