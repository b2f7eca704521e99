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
# # 7. Reverse mode: why backpropagation runs backwards
#
# **In this chapter you will**
# - train a small network made of `Value`s, the scalar engine of
#   [chapter 2](02_computation_graph.py), and watch it match bpbook's matrix network step for
#   step;
# - count why one backward pass beats nudging every weight separately;
# - run derivatives *forwards* with dual numbers, and count why *reverse* mode is the right
#   direction for a loss of many parameters.
#
# Notation: [chapter 3, Notation](03_worked_example.py); the loss is $\mathcal L$ (`loss` in
# code), $L$ the number of layers.
#
# Chapter 2 built an engine that differentiates any expression made of its operations, one
# number at a time. Chapters 3 to 6 then wrote backpropagation as formulas, on single numbers and
# then on matrices, with activations and losses chosen for the job. This chapter brings the two
# together, and then asks the question that gives backpropagation its name: why walk the graph
# *backwards* at all?

# %%
# %matplotlib inline
import inspect
import textwrap

import numpy as np
from IPython.display import Markdown, display

from bpbook.engine import Value
from bpbook.tables import Table


def source(fn):
    """The code of ``fn`` as it runs, read from its module."""
    return textwrap.dedent(inspect.getsource(fn))


# %% [markdown]
# ## A network of `Value`s learns
#
# The engine differentiates any expression built from its operations, so a network written with
# `Value`s, one object per weight, can be trained. `ValueMLP`, a short class in this chapter's
# module, is such a network. The task is the demonstration micrograd made famous: two
# interleaved half-moons of points in the plane, made with numpy from a seed (nothing is
# downloaded), label 0 for the upper moon and 1 for the lower.
#
# The `Value` network starts from the weights of a bpbook MLP (`bpbook.mlp`), which computes a
# layer as one matrix product ([chapter 4](04_matrix_form.py)). Both have tanh hidden units and a
# sigmoid output, and both minimise the binary cross-entropy, the loss for a yes/no output
# ([chapter 6](06_activations.py) derives tanh's slope, and why a sigmoid output pairs with this
# loss). Each step is the gradient descent step of [chapter 3](03_worked_example.py),
# $\theta \leftarrow \theta - \eta\,\partial\mathcal L/\partial\theta$, taken by bpbook's `SGD`
# for the matrix network and by a loop over the parameters for the `Value` network.
#
# **Mini-batches.** A step need not look at every point. Each step here draws a *mini-batch*, a
# few points chosen at random, and follows the gradient of the loss averaged over those points
# alone: an estimate of the full gradient, noisy but far cheaper, and a new estimate every step.
# Trained this way, gradient descent is called *stochastic* (SGD). Both networks get the same
# batches, so if the engine is right, the two are the same computation done two ways: one
# number per node, or matrices. ([Chapter 13](13_real_classifier.py) measures the noise that
# mini-batches bring.)

# %%
from bpbook.chapters.ch07_reverse_mode.micro_mlp import (MOONS, TRAINING, predict,
                                                         train_side_by_side, training_figure)

display(Markdown(
    f"Settings. The data: {MOONS['m']} points, noise of standard deviation {MOONS['noise']}, "
    f"seed {MOONS['seed']}. The training: layer widths {TRAINING['sizes']}, learning rate "
    f"$\\eta$ = {TRAINING['lr']}, mini-batches of {TRAINING['batch']} points, "
    f"{TRAINING['steps']} steps, seed {TRAINING['seed']} (weights and batches)."))
run = train_side_by_side(**TRAINING)
steps = run["rows"]
shown = [steps[0]] + steps[TRAINING["steps"] // 10 - 1::TRAINING["steps"] // 10]
Table(["step", "batch loss, numpy", "batch loss, Value", "|loss diff|", "max |param diff|"],
      [[r["step"], r["numpy loss"], r["Value loss"], r["loss diff"], r["param diff"]]
       for r in shown], ["{}", "{:.10f}", "{:.10f}", "{:.1e}", "{:.1e}"])

# %% [markdown]
# Each loss in the table is that step's mini-batch's, so it jumps from step to step with the
# points drawn; the two networks must agree on it all the same. One difference in the code: the
# `Value` network computes the BCE from $\hat y$, the numpy network from the logit
# ([chapter 6](06_activations.py)). The two agree while no output saturates, and none does here
# (the largest output logit is printed below).

# %%
worst_param = max(r["param diff"] for r in steps)
worst_loss = max(r["loss diff"] for r in steps)
assert worst_param < 1e-12 and worst_loss < 1e-12
accuracy = float(np.mean((predict(run["value_net"].arrays(), run["X"]) > 0.5) == run["Y"]))
run["numpy_net"].forward(run["X"])
largest_logit = float(np.max(np.abs(run["numpy_net"].dense[-1].z)))
grid = np.arange(0.0, 60.0, 0.1)
rounds_at = float(grid[np.argmax(1 / (1 + np.exp(-grid)) == 1.0)])
display(Markdown(
    f"Over all {len(steps)} steps the two networks' parameters never differ by more than "
    f"{worst_param:.1e} and their losses by more than {worst_loss:.1e}: rounding, nothing else. "
    f"After training, the `Value` network labels {accuracy:.0%} of the points correctly; its "
    f"largest output logit $|z_L|$ on the data is {largest_logit:.1f}; float64's $\\sigma(z)$ "
    f"rounds to exactly 1 only from $z$ = {rounds_at:.1f} on."))

# %%
training_figure(run)

# %% [markdown]
# Same numbers, computed in very different ways: the numpy network does a layer in one matrix
# product, the `Value` network builds one Python object per operation:

# %%
from bpbook.chapters.ch07_reverse_mode.cost import graph_size

X_batch, Y_batch = run["X"][:, :TRAINING["batch"]], run["Y"][:, :TRAINING["batch"]]
n_nodes, n_edges = graph_size([run["value_net"].loss(X_batch, Y_batch)])
n_layers = len(run["numpy_net"].dense)
display(Markdown(f"One step on a batch of {TRAINING['batch']} points builds {n_nodes:,} `Value` "
                 f"nodes with {n_edges:,} edges; the numpy network does the same work with "
                 f"{n_layers} matrix products forward and {2 * n_layers - 1} backward "
                 "(the first layer's input needs no gradient)."))

# %% [markdown]
# That is why real libraries work on arrays, as bpbook does from [chapter 4](04_matrix_form.py)
# on, and why they keep the graph idea all the same: PyTorch records a graph of array
# operations and walks it backwards like the engine's loop ([chapter 12](12_pytorch.py)).

# %% [markdown]
# ## One backward pass for every gradient
#
# There is a method that needs no calculus at all: nudge one parameter by $\pm\varepsilon$, run the
# network forward twice, and take the central difference. It is the best test of a backward pass
# ([chapter 3](03_worked_example.py) uses it, [chapter 11](11_gradient_checking.py) makes it a
# tool), but as a way to *train* it is hopeless: it costs **two forward passes per parameter**.
# Backprop costs one forward pass plus one backward pass, which visits every edge once, whatever
# the number of parameters.
#
# We count operations on graphs of growing sigmoid networks built from `Value`s: a forward pass
# computes one node per operation; the backward pass does one multiply-add per edge.

# %%
from bpbook.chapters.ch07_reverse_mode.cost import work_counts, work_figure

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
# Take a function of $n$ inputs and $k$ outputs, $F:\mathbb{R}^n\to\mathbb{R}^k$, and its
# Jacobian $J$, the $k\times n$ matrix of $\partial F_i/\partial x_j$. The two directions
# compute two different products with it ([chapter 6](06_activations.py) met both on softmax):
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
from bpbook.chapters.ch07_reverse_mode.cost import Dual

print(source(Dual.__mul__))
print(source(Dual.sigmoid))

# %% [markdown]
# A function written once runs on either kind of number. Here is a small one, $F$, two inputs and
# three outputs; its Jacobian computed column by column with `Dual` (forward mode, two passes),
# row by row with `Value` (reverse mode, three passes), and by central differences:

# %%
from bpbook.chapters.ch07_reverse_mode.cost import jacobian_forward, jacobian_reverse


def F(x):
    return [x[0] * x[1], (x[0] + x[1]).sigmoid(), x[0].tanh() * x[1] ** 2]


X_AT = np.array([0.3, -0.7])  # setting: where the Jacobian is taken
J_fwd, J_rev = jacobian_forward(F, X_AT), jacobian_reverse(F, X_AT)


def F_floats(x):
    return np.array([out.data for out in F([Value(t) for t in x])])


EPS = 1e-6  # the central difference's step
nudge = np.eye(2) * EPS
J_num = np.column_stack([(F_floats(X_AT + nudge[j]) - F_floats(X_AT - nudge[j])) / (2 * EPS)
                         for j in range(2)])
Table(["output", "∂/∂x₁ forward", "∂/∂x₁ reverse", "∂/∂x₂ forward", "∂/∂x₂ reverse",
       "max |fwd − central|"],
      [[f"F{i + 1}", J_fwd[i, 0], J_rev[i, 0], J_fwd[i, 1], J_rev[i, 1],
        float(np.max(np.abs(J_fwd[i] - J_num[i])))] for i in range(3)],
      [None, "{:+.8f}", "{:+.8f}", "{:+.8f}", "{:+.8f}", "{:.1e}"])

# %%
assert np.max(np.abs(J_fwd - J_rev)) < 1e-14 and np.max(np.abs(J_fwd - J_num)) < 1e-8

# %% [markdown]
# And on a network: forward mode gives every $\partial\mathcal L/\partial\theta$ of a small MLP
# in one sweep whose tangents are vectors, one entry per parameter: the work of one pass per
# parameter, run side by side. The numbers are those of `Value`'s one backward pass:

# %%
from bpbook.chapters.ch07_reverse_mode.cost import forward_mode_gradient, mlp_graph

SMALL = [3, 4, 2]  # setting: the layer widths
loss_small, params_small = mlp_graph(SMALL)
loss_small.backward()
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
from bpbook.chapters.ch07_reverse_mode.cost import MODE_SIZES, mode_counts, mode_figure

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
# ## Play with it: which mode wins?
#
# Choose the number of inputs $n$, the width of the two hidden layers and the number of outputs
# $k$ of a sigmoid network, and count what its whole Jacobian $\partial a_L/\partial x$ (every
# output against every input) costs: forward mode makes $n$ passes, reverse mode $k$. Things to
# try: many inputs and one output (a loss); one input and many outputs; $n = k$. The explorer
# calls `bpbook.chapters.ch07_reverse_mode.explore.update`; the static copy of this page shows its
# starting point.

# %%
from bpbook.chapters.ch07_reverse_mode.explore import explorer

explorer()

# %% [markdown]
# A line of history: reverse-mode differentiation was described by Seppo Linnainmaa in 1970, to
# follow rounding errors through a long computation. Paul Werbos proposed it for training in his
# 1974 PhD thesis and, in 1982, applied it to neural networks. Rumelhart, Hinton and Williams's 1986
# paper, *Learning representations by back-propagating errors*, showed what it lets a multi-layer
# network learn, and made backpropagation the standard way to train one.

# %% [markdown]
# ## Recap
#
# In this chapter we:
# - trained a network made of `Value`s on two moons, step for step the same as bpbook's numpy
#   network, to rounding;
# - counted the work: one forward and one backward pass give every gradient, while finite
#   differences need two forward passes per parameter;
# - met forward mode (dual numbers, Jacobian-vector products) beside reverse mode
#   (vector-Jacobian products): reverse mode wins when one loss depends on many parameters,
#   forward mode when one input drives many outputs.
#
# [Chapter 8](08_vanishing_gradients.py) looks at what can go wrong on the way back through a
# deep network, and [chapter 12](12_pytorch.py) runs the same reverse mode in PyTorch.

# %% [markdown]
# ## Exercises
#
# **1. The price of nudging.** How many forward passes do central differences need to get every
# gradient of the dense network below (weights and biases)?

# %%
from bpbook.chapters.ch07_reverse_mode.exercises import FD_SIZES, check_fd_passes

display(Markdown(f"Your network: layer widths {FD_SIZES}."))

# %% tags=["exercise"] exercise="07.fd-passes"
answer = None  # number of forward passes

# %% tags=["check"]
check_fd_passes(answer)

# %% [markdown]
# **2. Reverse mode's bill.** The network below has the number of nodes and edges shown (its
# graph up to the outputs, no loss). How many operations does reverse mode need for the
# derivative of *every* output with respect to the first input, counted as in the section on
# forward and reverse mode?

# %%
from bpbook.chapters.ch07_reverse_mode.exercises import REVERSE_SIZES, check_reverse_count

network = next(r for r in mode_counts(REVERSE_SIZES) if r["inputs"] == 1)
nodes, edges, outputs = network["nodes"], network["edges"], network["outputs"]
display(Markdown(f"Layer widths {REVERSE_SIZES}: {nodes} nodes, {edges} edges, {outputs} "
                 "outputs."))

# %% tags=["exercise"] exercise="07.reverse-count"
answer = None  # operations of reverse mode

# %% tags=["check"]
check_reverse_count(answer)

# %% [markdown]
# **3. One forward pass.** With `Dual`, compute $g'(t)$ for $g(t) = \tanh(t)\,t^2$ at the point
# below, in one forward-mode pass: seed the input's tangent, run $g$ on the dual number, and read
# the tangent of the result.

# %%
from bpbook.chapters.ch07_reverse_mode.exercises import DUAL_AT, check_dual_tangent

display(Markdown(f"Your point: $t = {DUAL_AT}$"))

# %% tags=["exercise"] exercise="07.dual-tangent"
answer = None  # g'(t), a number

# %% tags=["check"]
check_dual_tangent(answer)
