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
# # 4. The matrix form: wider layers, a batch
#
# **In this chapter you will**
# - widen the layers of [chapter 3](03_worked_example.py)'s network and feed it a batch of
#   samples at once;
# - see where the transpose $W^\top$ of the backward pass comes from;
# - see why the gradient of a weight matrix is a sum of outer products, one per sample, and the
#   gradient of a bias a sum of columns;
# - check every shape, and every gradient against three witnesses;
# - pick one sample in an explorer and see its share of the gradient.
#
# Notation: [chapter 3, Notation](03_worked_example.py); here every activation is the sigmoid
# $\sigma$, and the loss $\mathcal L$ is the batch's mean.
#
# ## Why matrices
#
# The worked network has one neuron per layer, so every weight matrix is a single number and
# every transpose in the four equations of the Notation section is invisible. Real layers have
# many units, and we train on many samples at once. Written with loops, a layer of $n_l$ units on
# $m$ samples is $n_l\,m$ sums; written with matrices, it is one product, which numpy (and every
# deep-learning library) computes far faster than Python loops. The price is that the backward
# pass must also be a few matrix products, and the formulas grow transposes and sums whose origin
# is easy to lose. This chapter derives each of them from the index form, and checks each one.
#
# The network has layer widths $n_0, n_1, n_2$, sigmoid units everywhere, and a batch of $m$
# samples as the columns of $X$; its parameters, inputs and targets are drawn at random with a
# fixed seed (`bpbook.chapters.ch04_matrix_form.matrix.batch_problem`). Each column of $Y$ is 1 in
# one row and 0 in the others, a *one-hot* target: the sample's class. The cells that only
# typeset arrays call this chapter's `show` module.

# %%
# %matplotlib inline
import numpy as np
from IPython.display import display

from bpbook.chapters.ch04_matrix_form import show
from bpbook.chapters.ch04_matrix_form.matrix import M, SEED, SIZES, batch_problem
from bpbook.display import say


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


p = batch_problem(SIZES, M, SEED)
X, Y = p["X"], p["Y"]
W1, b1, W2, b2 = p["W1"], p["b1"], p["W2"], p["b2"]
m = X.shape[1]
display(*show.problem(SIZES, m, SEED, p))

# %% [markdown]
# ## Forward: one matrix product per layer
#
# In index form, unit $i$ of layer 1 on sample $k$ computes
# $z_{1,i}^{(k)} = \sum_j W_{1,ij}\,x_j^{(k)} + b_{1,i}$: row $i$ of $W_1$ times column $k$ of
# $X$. Collected over all units $i$ and all samples $k$, that is one matrix product,
# $Z_1 = W_1 X + b_1$, with $b_1$ added to every column (numpy's *broadcasting*). The loss
# averages the samples' squared errors: $\mathcal L = \frac1m\sum_k \tfrac12\lVert\hat y^{(k)} -
# y^{(k)}\rVert^2$.

# %%
Z1 = W1 @ X + b1          # (n1, m): b1, shape (n1, 1), is added to every column
A1 = sigmoid(Z1)
Z2 = W2 @ A1 + b2         # (n2, m)
Y_hat = sigmoid(Z2)
loss = 0.5 * np.sum((Y_hat - Y) ** 2) / m

display(*show.forward(Y_hat, Y, loss))

# %% [markdown]
# ## Backward: where $W^\top$ comes from
#
# At the output nothing changes but the $\frac1m$: each sample's share of the loss carries it,
# so $\Delta_2 = \frac1m(\hat Y - Y)\odot\sigma'(Z_2)$, one column per sample.
#
# One layer down, hidden unit $j$ feeds *every* output unit $i$, through the weight $W_{2,ij}$.
# A change of $a_{1,j}$ reaches the loss along all of those paths, and the chain rule adds them:
#
# $$\frac{\partial \mathcal L}{\partial a_{1,j}} = \sum_i \frac{\partial \mathcal L}{\partial
#   z_{2,i}}\,\frac{\partial z_{2,i}}{\partial a_{1,j}} = \sum_i \delta_{2,i}\,W_{2,ij}.$$
#
# The sum runs over the **first** index of $W_2$, down column $j$: that is row $j$ of
# $W_2^\top$. So $\partial\mathcal L/\partial a_1 = W_2^\top\delta_2$, and with the hidden units'
# own slopes, $\delta_1 = (W_2^\top\delta_2)\odot\sigma'(z_1)$. In the forward pass $W_2$ maps
# $n_1$ values to $n_2$; going back, $W_2^\top$ maps $n_2$ error signals to $n_1$.

# %%
Delta2 = (Y_hat - Y) / m * Y_hat * (1 - Y_hat)   # (n2, m)
Delta1 = (W2.T @ Delta2) * A1 * (1 - A1)          # (n1, m)

k, j = 0, 1  # one sample and one hidden unit, written out below
display(*show.transpose_sum(W2, Delta2, j, k))

# %% [markdown]
# In the picture: the weights on the edges that leave hidden unit $j$ form column $j$ of $W_2$;
# the error signals travel back along exactly those edges.

# %%
from bpbook.chapters.ch04_matrix_form.matrix import transpose_figure

transpose_figure(W2, Delta2[:, k], j)

# %% [markdown]
# The same sum for every unit and every sample, as plain loops over the indices, against the one
# matrix product:

# %%
loops = np.array([[sum(W2[i, j] * Delta2[i, k] for i in range(SIZES[2])) for k in range(m)]
                  for j in range(SIZES[1])])
gap = float(np.abs(loops - W2.T @ Delta2).max())
assert gap < 1e-15
display(say("Largest difference between the index-form loops and $W_2^\\top\\Delta_2$: "
            "{gap:.1e}.", gap=gap))

# %% [markdown]
# ## $\partial\mathcal L/\partial W$: a sum of outer products
#
# For one sample, weight $W_{2,ij}$ enters only $z_{2,i}$, multiplied by $a_{1,j}$, so
# $\partial\mathcal L/\partial W_{2,ij} = \delta_{2,i}\,a_{1,j}$: every error signal of the layer
# times every input it received. That table of products is an **outer product**, a column times
# a row: $\delta_2\,a_1^\top$, shaped like $W_2$.
#
# The batch's loss is the mean of the samples' losses, and the $\frac1m$ already sits in
# $\Delta_2$; so the gradient is the *sum* of the samples' outer products. That sum is exactly
# what a matrix product computes when the shared index is the sample:
#
# $$\frac{\partial \mathcal L}{\partial W_2} = \sum_{k=1}^m \delta_2^{(k)}\,a_1^{(k)\top}
#   = \Delta_2 A_1^\top, \qquad
#   \frac{\partial \mathcal L}{\partial W_1} = \sum_{k=1}^m \delta_1^{(k)}\,x^{(k)\top}
#   = \Delta_1 X^\top.$$

# %%
from bpbook.chapters.ch04_matrix_form.matrix import outer_products

dW2 = Delta2 @ A1.T       # (n2, n1), like W2
dW1 = Delta1 @ X.T        # (n1, n0), like W1
gap = max(float(np.abs(sum(outer_products(Delta2, A1)) - dW2).max()),
          float(np.abs(sum(outer_products(Delta1, X)) - dW1).max()))
assert gap < 1e-15
display(say("Largest difference between the summed outer products and $\\Delta A^\\top$, "
            "over both layers: {gap:.1e}.", gap=gap))

# %% [markdown]
# Each sample's outer product, and their sum, for both layers (one colour scale per layer, red
# positive, blue negative):

# %%
from bpbook.chapters.ch04_matrix_form.matrix import outer_figure

trace = {"X": X, "W1": W1, "b1": b1, "Z1": Z1, "A1": A1, "W2": W2, "b2": b2, "Z2": Z2,
         "A2": Y_hat, "Delta2": Delta2, "dW2": dW2, "Delta1": Delta1, "dW1": dW1}
outer_figure(trace)

# %% [markdown]
# The samples need not agree. A weight whose contributions have both signs is pulled in opposite
# directions by different samples, and its gradient is their net pull:

# %%
mixed = {}
for l, a_prev in ((2, A1), (1, X)):
    parts = np.array(outer_products(trace[f"Delta{l}"], a_prev))  # (m, n_l, n_{l-1})
    mixed[l] = (int(np.sum((parts > 0).any(axis=0) & (parts < 0).any(axis=0))), parts[0].size)
display(say("Pulled both ways in this batch: {a} of the {na} weights of $W_2$ and {b} of the {nb} "
            "of $W_1$.", a=mixed[2][0], na=mixed[2][1], b=mixed[1][0], nb=mixed[1][1]))

# %% [markdown]
# ## $\partial\mathcal L/\partial b$: the backward of broadcasting
#
# The forward pass *copied* $b_2$ into each of the $m$ columns: $Z_2 = W_2A_1 + b_2\mathbf
# 1^\top$, where $\mathbf 1^\top$ is a row of $m$ ones. Each copy receives its own column's error
# signal, and a value used in several places collects the sum of their gradients (the rule of
# [chapter 1](01_chain_rule.py) and [chapter 2](02_computation_graph.py) for a value that reaches
# the loss along several paths). So $\partial\mathcal L/\partial b_2 = \Delta_2\mathbf 1 = \sum_k
# \delta_2^{(k)}$: the backward of a broadcast is a sum.

# %%
db2 = Delta2.sum(axis=1, keepdims=True)   # (n2, 1), like b2
db1 = Delta1.sum(axis=1, keepdims=True)   # (n1, 1), like b1
ones = np.ones((m, 1))
assert np.allclose(db2, Delta2 @ ones, rtol=1e-15) and np.allclose(db1, Delta1 @ ones, rtol=1e-15)
trace.update(db2=db2, db1=db1)
display(*show.bias_sum(Delta2, db2))

# %% [markdown]
# ## Every shape, checked
#
# Shapes are the quickest check of a matrix formula: $\partial\mathcal L/\partial W$ must be shaped
# like $W$, $\Delta_l$ like $Z_l$. `shape_table` checks every array of the pass above against the
# notation's shape and raises an error naming the array if one is off; the table is its record.

# %%
from bpbook.chapters.ch04_matrix_form.matrix import shape_table

shape_table(trace, SIZES, m)

# %% [markdown]
# ## Three witnesses on the whole batch
#
# The teaching code above against bpbook's layer code (`Dense` does the same matrix algebra),
# against SymPy, which differentiates the whole batch loss written as one expression of all the
# parameters (`SymbolicMLP(..., batch=m)`), and against finite differences, judged by the rule
# that `gradcheck` applies ([chapter 11](11_gradient_checking.py) explains it). Each row gives the
# largest relative error over the entries of one parameter array.

# %%
from bpbook.chapters.ch04_matrix_form.matrix import as_model
from bpbook.gradcheck import gradcheck, rel_error
from bpbook.symbolic import SymbolicMLP, params_of
from bpbook.tables import Table

net = as_model(p)
check = gradcheck(net, X, Y)               # runs bpbook's backward pass, then nudges every entry
bpbook_grads = {name: grad for name, _, grad in net.parameters()}
symbolic = SymbolicMLP(SIZES, batch=m)
closed = symbolic.gradients_at(params_of(net), X, Y)
numeric = {}
for name, index, _, fd, *_ in check.rows:
    numeric.setdefault(name, np.zeros_like(bpbook_grads[name]))[index] = fd
teaching = {"layer1.W": dW1, "layer1.b": db1, "layer2.W": dW2, "layer2.b": db2}
witness_rows = [[name, float(rel_error(teaching[name], g).max()),
                 float(rel_error(g, closed[name]).max()), float(rel_error(g, numeric[name]).max())]
                for name, g in bpbook_grads.items()]
Table(["parameter", "teaching code vs bpbook", "bpbook vs SymPy", "bpbook vs finite diff."],
      witness_rows, [None, "{:.1e}", "{:.1e}", "{:.1e}"])

# %%
sym_loss = symbolic.loss_at(params_of(net), X, Y)
worst = [max(row[c] for row in witness_rows) for c in (1, 2, 3)]
assert worst[0] < 1e-12 and worst[1] < 1e-10 and check.passed() and abs(sym_loss - loss) < 1e-12
display(say("SymPy's batch loss is {sym:.10f}, the teaching code's {ours:.10f}. The teaching code "
            "and SymPy agree with bpbook to {a:.0e} and {b:.0e}, rounding; the central "
            "differences of this run, an approximation, to {c:.0e}. The book's rule for central "
            "differences (`gradcheck`): {v}.",
            sym=sym_loss, ours=loss, a=worst[0], b=worst[1], c=worst[2], v=check.verdict()))

# %% [markdown]
# ## Explore: one sample at a time
#
# Slide to a sample to see its outer products: its error signals $\delta^{(k)}$ down the side, the
# inputs $a^{(k)}$ that its layer received along the top, and every product in between. At the
# right end, *all samples* shows their sum, which is $\partial\mathcal L/\partial W$. The update
# function is `matrix.outer_update(sample, trace)`, a plain function; the static copy of this page
# shows sample 1.

# %%
from bpbook.chapters.ch04_matrix_form.matrix import outer_explorer

outer_explorer(trace)

# %% [markdown]
# ## Recap
#
# - $Z_l = W_lA_{l-1} + b_l$ computes a layer for the whole batch in one product; the bias is
#   broadcast to every column.
# - $\Delta_l = (W_{l+1}^\top\Delta_{l+1})\odot\sigma'(Z_l)$: the transpose appears because a
#   unit's signal collects over everything it feeds, a sum down a column of $W_{l+1}$.
# - $\partial\mathcal L/\partial W_l = \Delta_lA_{l-1}^\top$ is the samples' outer products
#   summed; the $\frac1m$ of the mean sits in $\Delta_L$.
# - $\partial\mathcal L/\partial b_l$ sums the columns of $\Delta_l$: the backward of a
#   broadcast is a sum.
# - Every gradient is shaped like its parameter, a check worth running on every new formula.
# - bpbook's layers, SymPy and finite differences agree with the teaching code on the whole batch.
#
# [Chapter 5](05_xor.py) trains a network of this form, a 2-4-1 network, on XOR.

# %% [markdown]
# ## Exercises
#
# **1. The gradient of the inputs.** bpbook's models do not compute $\partial\mathcal L/\partial X$
# (inputs are data, not parameters: the first layer is told `input_grad=False`), but a network that
# feeds this one, or a picture of which input pixels matter, would need it. Compute it for the batch
# above, from the arrays this chapter computed, as an array shaped like $X$: one column per sample.

# %%
from bpbook.chapters.ch04_matrix_form.exercises import check_input_grad

# %% tags=["exercise"] exercise="04.input-grad"
answer = None  # ∂ℒ/∂X, shape (n₀, m)

# %% tags=["check"]
check_input_grad(answer, trace)

# %% [markdown]
# **2. A tanh hidden layer.** The cell below draws a new batch and new parameters, with the same
# widths. Make the hidden layer $\tanh$ instead of the sigmoid (the output stays a sigmoid) and
# compute $\partial\mathcal L/\partial W_1$ on the new batch. Which factor of $\Delta_1$ changes?
# ([Chapter 1](01_chain_rule.py) differentiated $\tanh$.)

# %%
from bpbook.chapters.ch04_matrix_form.exercises import NEW_M, NEW_SEED, check_new_batch_dW1

q = batch_problem(SIZES, NEW_M, NEW_SEED)
display(say("The new batch: $m$ = {m} samples, seed {seed}; its arrays are `q['X']`, "
            "`q['Y']`, `q['W1']`, `q['b1']`, `q['W2']` and `q['b2']`.", m=NEW_M, seed=NEW_SEED))

# %% tags=["exercise"] exercise="04.new-batch-dW1"
answer = None  # ∂ℒ/∂W₁ of the new batch with a tanh hidden layer, shaped like W₁

# %% tags=["check"]
check_new_batch_dW1(answer)

# %% [markdown] tags=["think"] exercise="04.batch-sum"
# **3. Think.** Suppose the loss *summed* the samples' losses instead of averaging them. What
# changes in $\Delta_2$, $\Delta_1$, $\partial\mathcal L/\partial W_l$ and
# $\partial\mathcal L/\partial b_l$? What learning rate would then take exactly the step that
# $\eta$ takes with the mean?
