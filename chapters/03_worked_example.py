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
# # 3. Backpropagation by hand: one network, every number
#
# **In this chapter you will**
# - push one sample through a tiny network and watch every intermediate value appear;
# - walk back from the loss to every weight, computing each error signal $\delta$ and each
#   gradient with the chain rule;
# - take one step of gradient descent, see which way every parameter moves, and check that the
#   loss went down;
# - check each gradient against three independent witnesses: the `Value` engine of
#   [chapter 2](02_computation_graph.py), calculus done by SymPy, and finite differences;
# - find out, in an appendix, where the tutorial this book grew from went wrong, with tables the
#   code builds.
#
# Nothing on this page is typed in by hand: every number you read was computed by the cell above
# it, or by the `bpbook` package that the chapters share. The cells that only lay numbers into
# formulas call this chapter's `show` module, so the cells you read hold the math and the code.

# %% [markdown]
# ## Notation
#
# The whole book writes backpropagation with these letters; every chapter links here.
#
# | symbol | meaning | shape |
# | --- | --- | --- |
# | $l = 1, \dots, L$ | the layers, $L$ of them; layer $l$ has $n_l$ units, the input $n_0$ features | |
# | $x$, $a_0 = x$ | one sample, a column | $(n_0, 1)$ |
# | $X$, $A_0 = X$ | a batch of $m$ samples, **one sample per column** | $(n_0, m)$ |
# | $y$, $Y$ | the target of one sample, of a batch | $(n_L, 1)$, $(n_L, m)$ |
# | $W_l$ | layer $l$'s weights; $W_{l,ij}$ connects unit $j$ of layer $l-1$ to unit $i$ of layer $l$ | $(n_l, n_{l-1})$ |
# | $b_l$ | layer $l$'s bias | $(n_l, 1)$ |
# | $z_l = W_l a_{l-1} + b_l$ | pre-activation | $(n_l, 1)$ |
# | $a_l = f(z_l)$ | activation (output of layer $l$), $f$ the layer's activation function; $\hat y = a_L$ is the prediction | $(n_l, 1)$ |
# | $\sigma(z) = 1/(1 + e^{-z})$ | the sigmoid, one particular $f$ | |
# | $\mathcal L$ | the loss, one number (`loss` in code) | |
# | $\delta_l = \partial\mathcal L/\partial z_l$ | error signal of layer $l$ | $(n_l, 1)$ |
# | $Z_l, A_l, \Delta_l$ | the same for a batch, one column per sample | $(n_l, m)$ |
# | $\odot$, $^\top$ | elementwise product, transpose | |
# | $o = (o_1, \dots, o_K)$ | logits that enter a softmax (never $z_1, z_2$: those are layers) | $(K, 1)$ |
# | $\eta$ | learning rate (`lr` in code): $\theta \leftarrow \theta - \eta\,\partial\mathcal L/\partial\theta$ | |
#
# A superscript picks one sample of a batch: $x^{(k)}$ and $\delta_l^{(k)}$ are the $k$-th columns
# of $X$ and $\Delta_l$; a second subscript picks one unit, $z_{l,i}$. $L$ counts the layers, so
# as a subscript ($\delta_L$, $a_L$) it means the last layer; the loss is always $\mathcal L$.
# $\sigma$ is only ever the sigmoid; $f$ stands for any activation. The backward pass is four
# equations:
#
# $$\text{(1)}\;\; \delta_L = \frac{\partial \mathcal L}{\partial a_L}\odot f'(z_L),\qquad
#   \text{(2)}\;\; \delta_l = \big(W_{l+1}^\top\,\delta_{l+1}\big)\odot f'(z_l),$$
#
# $$\text{(3)}\;\; \frac{\partial \mathcal L}{\partial W_l} = \delta_l\,a_{l-1}^\top,\qquad
#   \text{(4)}\;\; \frac{\partial \mathcal L}{\partial b_l} = \delta_l .$$
#
# For a batch, the loss averages over the $m$ samples (a factor $\frac1m$ that $\Delta_L$
# carries), $\partial\mathcal L/\partial W_l = \Delta_l A_{l-1}^\top$ sums the samples'
# contributions and $\partial\mathcal L/\partial b_l$ is the sum of the columns of $\Delta_l$;
# [chapter 4](04_matrix_form.py) derives all three. In code the names are `z`, `a`, `delta`,
# `dW`, `db`, `y_hat`, `lr`, with the shapes of this table. The worked example keeps its scalars'
# names: $W_{11}, W_{12}$ (the two entries of the $1\times 2$ matrix $W_1$), $b_1, W_2, b_2, z_1,
# a_1, z_2, \hat y$, where the first subscript is the layer.

# %% [markdown]
# ## The network
#
# The smallest network that still has a hidden layer ($L = 2$ layers): two inputs, one hidden
# neuron, one output neuron, the sigmoid after each neuron, and the squared error with a half in
# front of it.
#
# $$z_1 = W_{11}x_1 + W_{12}x_2 + b_1,\qquad a_1 = \sigma(z_1),$$
#
# $$z_2 = W_2 a_1 + b_2,\qquad \hat y = \sigma(z_2),\qquad \mathcal L = \tfrac12(\hat y - y)^2 .$$
#
# The starting point is the reference tutorial's. It lives in `bpbook.worked.DEFAULTS`:

# %%
# %matplotlib inline
import numpy as np
from IPython.display import Markdown, display

from bpbook.chapters.ch03_worked_example import show
from bpbook.chapters.ch03_worked_example.plots import gradient_bars, network_figure
from bpbook.display import say
from bpbook.worked import DEFAULTS

s = DEFAULTS
display(say("The sample $x = ({x1:g}, {x2:g})$ has the target $y = {y:g}$; the weights are "
            "$W_{{11}} = {W11:g}$, $W_{{12}} = {W12:g}$, $W_2 = {W2:g}$, the biases "
            "$b_1 = {b1:g}$ and $b_2 = {b2:g}$, and the learning rate is $\\eta = {lr:g}$.", **s))
network_figure(s)

# %% [markdown]
# ## Step 1: forward
#
# We write the forward pass out as teaching code, one line per equation. A sample is a column
# vector, so $z = Wx + b$ reads like the math.

# %%
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


x = np.array([[s["x1"]], [s["x2"]]])   # (2, 1): one sample, as a column
y = np.array([[s["y"]]])
W1 = np.array([[s["W11"], s["W12"]]])  # (1, 2): one hidden neuron, two inputs
b1 = np.array([[s["b1"]]])
W2 = np.array([[s["W2"]]])             # (1, 1)
b2 = np.array([[s["b2"]]])

z1 = W1 @ x + b1
a1 = sigmoid(z1)
z2 = W2 @ a1 + b2
y_hat = sigmoid(z2)
loss = 0.5 * (y_hat - y) ** 2

# %% [markdown]
# Each line of the code is one line of arithmetic. Here it is with its factors filled in:

# %%
v = {name: arr[0, 0] for name, arr in
     {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "L": loss}.items()}
display(*show.forward(s, v["z1"], v["a1"], v["z2"], v["y_hat"], v["L"],
                      np.exp(-v["z1"]), np.exp(-v["z2"])))

# %% [markdown]
# The loss is positive because the prediction misses its target: the error is squared, so a miss
# in either direction, too high or too low, gives a positive loss, and only $\hat y = y$ gives
# zero. Which way it misses tells us which way to push:

# %%
display(*show.which_side(v["y_hat"], s["y"]))

# %% [markdown]
# Note that the forward pass *kept* $z_1, a_1, z_2, \hat y$: the backward pass needs every one of
# them.
#
# ## Step 2: backward
#
# Backpropagation walks the same equations in reverse. At each neuron it asks one question: how
# much does the loss change when this neuron's pre-activation $z$ changes? That number is the
# neuron's **error signal** $\delta = \partial\mathcal L/\partial z$. Once a neuron knows its
# $\delta$, the gradients of its own weights and bias are one multiplication away.
#
# At the output, the chain rule links the loss to $z_2$ through $\hat y$:
#
# $$\frac{\partial \mathcal L}{\partial \hat y} = \hat y - y,\qquad
#   \sigma'(z) = \sigma(z)\,(1-\sigma(z)),\qquad
#   \delta_2 = \frac{\partial \mathcal L}{\partial z_2} = (\hat y - y)\,\sigma'(z_2).$$

# %%
dL_dy_hat = y_hat - y
slope2 = y_hat * (1 - y_hat)        # σ'(z2), from the stored output
delta2 = dL_dy_hat * slope2

display(*show.output_delta(s, v["y_hat"], dL_dy_hat[0, 0], slope2[0, 0], delta2[0, 0]))

# %% [markdown]
# $z_2 = W_2 a_1 + b_2$, so $\partial z_2/\partial W_2 = a_1$ and $\partial z_2/\partial b_2 = 1$:
#
# $$\frac{\partial \mathcal L}{\partial W_2} = \delta_2\, a_1^{\top},\qquad
#   \frac{\partial \mathcal L}{\partial b_2} = \delta_2 .$$

# %%
dW2 = delta2 @ a1.T
db2 = delta2

display(*show.output_grads(delta2[0, 0], v["a1"], dW2[0, 0], db2[0, 0]))

# %% [markdown]
# The hidden neuron influences the loss only through $z_2$. The signal it receives is
# $\partial\mathcal L/\partial a_1 = W_2^\top\delta_2$; its own slope turns that into its error
# signal:
#
# $$\delta_1 = \frac{\partial \mathcal L}{\partial z_1} = (W_2^{\top}\delta_2)\odot\sigma'(z_1),
#   \qquad \frac{\partial \mathcal L}{\partial W_1} = \delta_1\,x^{\top},\qquad
#   \frac{\partial \mathcal L}{\partial b_1} = \delta_1 .$$

# %%
dL_da1 = W2.T @ delta2
slope1 = a1 * (1 - a1)              # σ'(z1)
delta1 = dL_da1 * slope1
dW1 = delta1 @ x.T
db1 = delta1

display(*show.hidden(s, v["a1"], delta2[0, 0], dL_da1[0, 0], slope1[0, 0], delta1[0, 0],
                     dW1[0, 0], dW1[0, 1], db1[0, 0]))

# %% [markdown]
# Look at the sizes. On its way down the signal was multiplied by $W_2$ and by $\sigma'(z_1)$, so
# $|\delta_1|/|\delta_2| = |W_2|\,\sigma'(z_1)$. The slope $\sigma'$ is never more than a quarter
# ([chapter 2](02_computation_graph.py) shows why in one line), so the ratio is at most $|W_2|/4$.
# That is what makes $\delta_1$ a fraction of $\delta_2$ here: $|W_2| < 4$. The small slope alone
# does not guarantee it; a weight larger than 4 can make up for it.

# %%
from bpbook.worked import worked_example

BIG_W2 = 6.0  # a setting, large enough to show the other case
big = worked_example(W2=BIG_W2)
big_ratio = abs(big["delta1"]) / abs(big["delta2"])
ratio = abs(delta1[0, 0]) / abs(delta2[0, 0])
assert big_ratio > 1 > ratio
display(*show.shrink(s, ratio, slope1[0, 0], BIG_W2, big_ratio))

# %% [markdown]
# Repeated over many layers, small weights and slopes shrink the signal layer after layer (the
# *vanishing gradient*) and large weights can blow it up (the *exploding gradient*):
# [chapter 8](08_vanishing_gradients.py) measures both.
#
# ## Step 3: one step downhill
#
# Gradient descent moves every parameter against its gradient, $\theta \leftarrow \theta -
# \eta\,\partial\mathcal L/\partial\theta$:

# %%
lr = s["lr"]
W1_new, b1_new = W1 - lr * dW1, b1 - lr * db1
W2_new, b2_new = W2 - lr * dW2, b2 - lr * db2

# %% [markdown]
# `bpbook.worked.summary_table` lays out the update. We hand it the teaching code's own numbers,
# so the table below is built from the arrays above:

# %%
from bpbook.worked import PARAMS, summary_table

grads = {"W2": dW2[0, 0], "b2": db2[0, 0], "W11": dW1[0, 0], "W12": dW1[0, 1], "b1": db1[0, 0]}
new = {"W2": W2_new[0, 0], "b2": b2_new[0, 0], "W11": W1_new[0, 0], "W12": W1_new[0, 1],
       "b1": b1_new[0, 0]}
mine = {**{"d" + p: g for p, g in grads.items()},
        **{"step " + p: -lr * g for p, g in grads.items()},
        **{"new " + p: value for p, value in new.items()}}
summary_table(mine)

# %% [markdown]
# A negative gradient means that raising the parameter lowers the loss, so gradient descent raises
# it. How many of the five are negative here?

# %%
negative = [p for p in PARAMS if grads[p] < 0]
assert len(negative) == len(PARAMS)  # the sentence under this cell says every parameter rises
display(*show.signs(negative, len(PARAMS), v["y_hat"] - s["y"]))

# %% [markdown]
# With this starting point every parameter goes up: raising any of them raises $\hat y$, which is
# what a prediction below its target needs.
#
# Did the step help? Run the forward pass again, with the new parameters, on the same sample:

# %%
z1_new = W1_new @ x + b1_new
z2_new = W2_new @ sigmoid(z1_new) + b2_new
loss_new = (0.5 * (sigmoid(z2_new) - y) ** 2)[0, 0]

assert loss_new < v["L"], "the step should lower the loss at the tutorial's starting point"
display(*show.new_loss(v["L"], loss_new, lr))

# %% [markdown]
# `bpbook` computes the same example with its general layer code (`bpbook.layers.Dense` keeps `z`,
# `a`, `delta`, `dW` and `db` for every layer): `worked_example` runs it and returns every number
# by name, the loss after the step included. Does the teaching code agree with it? Their largest
# difference over all the numbers above:

# %%
r = worked_example()
ours = {**v, "delta2": delta2[0, 0], "delta1": delta1[0, 0], **mine, "new L": loss_new}
gap = max(abs(ours[k] - r[k]) for k in ours)
assert gap < 1e-12, gap
display(say("largest difference between the teaching code and bpbook: {gap:.1e} "
            "(over {n} quantities)", gap=gap, n=len(ours)))

# %% [markdown]
# ## The picture
#
# The network again, now with its forward values (they flow left to right) and its error signals
# (they flow right to left):

# %%
network_figure(s, r)

# %%
gradient_bars(r)

# %% [markdown]
# ## Check 1: calculus by SymPy
#
# Backprop is the chain rule organised cleverly. SymPy can apply the chain rule blindly to the
# whole loss, written as one expression of the parameters, and we can compare.
# `bpbook.symbolic.worked_symbolic` writes that expression with a sigmoid `sigma` that knows
# its own derivative, $\sigma' = \sigma(1-\sigma)$. First, is that rule right?

# %%
import sympy as sp

from bpbook.symbolic import evaluate, sigma, worked_symbolic

t = sp.Symbol("t", real=True)
rule_error = sp.simplify(sp.diff(1 / (1 + sp.exp(-t)), t) - sigma(t).diff(t).rewrite(sp.exp))
display(say("$\\frac{{d}}{{dt}}\\frac{{1}}{{1+e^{{-t}}}} - \\sigma(t)(1-\\sigma(t))$ "
            "simplifies to ${e}$.", e=sp.latex(rule_error)))

# %% [markdown]
# The loss as one expression:

# %%
sym, loss_sym, grads_sym = worked_symbolic()
display(Markdown("$$\\mathcal L = " + sp.latex(loss_sym) + "$$"))

# %% [markdown]
# SymPy's derivative of it with respect to each parameter. To read them, we write $a_1$ for
# $\sigma(z_1)$ and $\hat y$ for $\sigma(z_2)$ once SymPy is done:

# %%
z1_sym = sym["W11"] * sym["x1"] + sym["W12"] * sym["x2"] + sym["b1"]
a1_s, y_hat_s = sp.symbols("a_1 \\hat{y}")
readable = {sigma(sym["W2"] * sigma(z1_sym) + sym["b2"]): y_hat_s, sigma(z1_sym): a1_s}
for p, g in grads_sym.items():
    display(Markdown(f"$$\\frac{{\\partial \\mathcal L}}{{\\partial {sp.latex(sym[p])}}} = "
                     f"{sp.latex(g.subs(readable))} = {evaluate(g, sym, s):+.10f}$$"))

# %% [markdown]
# Each one is the backprop recipe in disguise: $(\hat y - y)\,\hat y(1-\hat y)$ is $\delta_2$,
# and $W_2\,\delta_2\,a_1(1-a_1)$ is $\delta_1$. Let SymPy confirm it, parameter by parameter:

# %%
d2 = (y_hat_s - sym["y"]) * y_hat_s * (1 - y_hat_s)
d1 = sym["W2"] * d2 * a1_s * (1 - a1_s)
recipe = {"W2": d2 * a1_s, "b2": d2, "W11": d1 * sym["x1"], "W12": d1 * sym["x2"], "b1": d1}
differences = {p: sp.simplify(grads_sym[p].subs(readable) - recipe[p]) for p in recipe}
display(Markdown("SymPy's derivative minus the backprop recipe, simplified: "
                 + ", ".join(f"${sp.latex(sym[p])}$: ${sp.latex(d)}$"
                             for p, d in differences.items())))

# %% [markdown]
# ## Check 2: four witnesses side by side
#
# Two more witnesses. The `Value` engine of [chapter 2](02_computation_graph.py) walks the
# graph of scalar operations, one local derivative per edge, and never sees a matrix. The last
# one knows no calculus at all: nudge one parameter by $\pm\varepsilon$, rerun the forward pass,
# and divide, $\partial\mathcal L/\partial\theta \approx (\mathcal L(\theta+\varepsilon) -
# \mathcal L(\theta-\varepsilon))/2\varepsilon$. `bpbook.gradcheck` does it for every parameter.
# This is the book's one table of the five gradients side by side; later chapters link here.

# %%
from bpbook.gradcheck import gradcheck, rel_error
from bpbook.tables import Table
from bpbook.worked import worked_graph, worked_network

graph = worked_graph()
graph["L"].backward()
net = worked_network()
check = gradcheck(net, [[s["x1"]], [s["x2"]]], [[s["y"]]])
numeric = {(row[0], row[1]): row[3] for row in check.rows}

rows = []
for p, (layer, attr, i) in PARAMS.items():
    bp, engine = r["d" + p], graph[p].grad
    sy, fd = evaluate(grads_sym[p], sym, s), numeric[(f"layer{layer + 1}.{attr}", i)]
    rows.append([p, bp, engine, sy, fd, float(max(rel_error(bp, engine), rel_error(bp, sy))),
                 float(rel_error(bp, fd))])
Table(["parameter", "backprop (bpbook)", "engine (Value)", "SymPy closed form",
       "finite difference", "rel. error: engine, SymPy", "rel. error: fin. diff."], rows,
      [None, "{:+.10f}", "{:+.10f}", "{:+.10f}", "{:+.10f}", "{:.0e}", "{:.0e}"])

# %%
worst_exact = max(row[5] for row in rows)
worst_fd = max(row[6] for row in rows)
assert worst_exact < 1e-12 and check.passed()
display(say("Backprop, the engine and SymPy agree to a relative error of {a:.1e}: rounding "
            "only, since all three compute the same exact derivative. In this run the central "
            "differences differ from them by at most {b:.1e}, relative. The book's rule for "
            "central differences (`gradcheck`): {v}.",
            a=worst_exact, b=worst_fd, v=check.verdict()))

# %% [markdown]
# A central difference is an approximation: its error depends on the step $\varepsilon$, on the
# size of the gradient and on rounding, so the number above belongs to this network and this
# $\varepsilon$, not to every check. [Chapter 11](11_gradient_checking.py) measures that error
# against $\varepsilon$ and explains the rule that `gradcheck` applies.

# %% [markdown]
# ## Play with it
#
# Move any slider: the inputs, the target, the five parameters or the learning rate. The table
# and the bars are recomputed by `bpbook.chapters.ch03_worked_example.explore.worked_update`, a
# plain function you can also call yourself. Things to try: set $y$ to 0 and watch every gradient
# change sign; make $W_2$ zero and see $\delta_1$ vanish (the hidden neuron no longer affects the
# loss); push $b_1$ far up and watch $\sigma'(z_1)$ and $\delta_1$ shrink as the hidden neuron
# saturates. The last row is the loss after one step with the learning rate `lr`: compare it with
# $\mathcal L$ as you move `lr`.

# %%
from bpbook.chapters.ch03_worked_example.explore import worked_explorer, worked_update

worked_explorer()

# %% [markdown]
# The same function, called directly, for the third thing to try: the hidden neuron pushed into
# saturation by a large bias.

# %%
from bpbook.chapters.ch03_worked_example.explore import RANGES

SATURATING_B1 = RANGES["b1"][1]  # the largest b₁ the slider offers
sat = worked_update(b1=SATURATING_B1).result
display(say("With $b_1$ = {b1:g}, $z_1$ = {z1:.3f} and $\\sigma'(z_1)$ = {slope:.4f}, against "
            "{slope0:.4f} at the start: the hidden neuron's slope, the share of the arriving "
            "signal it passes on, is {frac:.0%} of what it was. $\\delta_1$ goes from {d0:+.6f} "
            "to {d1:+.6f}, {share:.1%} of its size before (the arriving signal $W_2\\delta_2$ "
            "changed a little too).",
            b1=SATURATING_B1, z1=sat["z1"], slope=sat["sigma'(z1)"], slope0=r["sigma'(z1)"],
            frac=sat["sigma'(z1)"] / r["sigma'(z1)"], d0=r["delta1"], d1=sat["delta1"],
            share=abs(sat["delta1"] / r["delta1"])))

# %% [markdown]
# ## Recap
#
# - The forward pass computes and **stores** $z$ and $a$ for each layer.
# - The backward pass computes one error signal per neuron, $\delta = \partial\mathcal L/\partial
#   z$, from the layer above: $\delta_2 = (\hat y - y)\sigma'(z_2)$, then
#   $\delta_1 = W_2^\top\delta_2 \odot \sigma'(z_1)$.
# - Each weight's gradient is its neuron's $\delta$ times the weight's input
#   ($\partial\mathcal L/\partial W = \delta\,a_{\text{prev}}^\top$); each bias's gradient is
#   $\delta$.
# - One step of gradient descent lowered the loss; recomputing the forward pass shows by how much.
# - Backprop, the `Value` engine and SymPy's closed forms agree to rounding; finite differences
#   agree to within their own approximation error.
# - Even a careful hand calculation slips (see the appendix); computing and checking beats copying.
#
# Next, [chapter 4](04_matrix_form.py) widens the layers and batches the samples, and shows
# where the transposes and sums of the four equations come from.

# %% [markdown]
# ## Exercises
#
# Put your answer in place of `None` and run the cell; the check tells you what is right or
# which mistake your number looks like. Use the values computed above (`r` holds them all).
#
# **1.** Feed the network the input below instead (same weights, same target) and compute
# $\partial\mathcal L/\partial W_2 = \delta_2\,a_1$: run the forward pass for this input first (by
# hand, or in a few lines of NumPy), then the two factors.

# %%
from bpbook.chapters.ch03_worked_example.exercises import (DELTA1_Y, DW2_INPUT, NEW_B2_LR,
                                                           check_delta1, check_dW2, check_new_b2)

display(Markdown(f"Your input: $x = ({DW2_INPUT['x1']:g}, {DW2_INPUT['x2']:g})$; the target "
                 f"stays $y = {s['y']:g}$."))

# %% tags=["exercise"] exercise="03.dW2"
answer = None

# %% tags=["check"]
check_dW2(answer)

# %% [markdown]
# **2.** Change the target to the $y$ below (keep everything else). What is the hidden error
# signal $\delta_1$ now? Work it out from the formulas before you check (`worked_example` would
# give it away).

# %%
display(Markdown(f"Your target: $y = {DELTA1_Y:g}$"))

# %% tags=["exercise"] exercise="03.delta1"
answer = None

# %% tags=["check"]
check_delta1(answer)

# %% [markdown]
# **3.** Take one step of gradient descent from the chapter's starting point with the smaller
# learning rate below. What is the new $b_2$?

# %%
display(Markdown(f"Your learning rate: $\\eta = {NEW_B2_LR:g}$"))

# %% tags=["exercise"] exercise="03.new-b2"
answer = None

# %% tags=["check"]
check_new_b2(answer)

# %% [markdown] tags=["think"] exercise="03.symmetry"
# **4.** (No check: a question to think about.) With $W_2 = 0$ every hidden gradient is zero: try
# it in the explorer. Now picture a larger network whose weights all start at zero, or all at the
# same value. Do the hidden neurons of a layer ever become different from one another during
# training? Why do networks start from *random* weights?

# %% [markdown]
# ## Appendix: where the reference tutorial's numbers differ
#
# The tutorial this book grew from prints the numbers of this example again and again: in diagrams,
# hand calculations, a summary table, and the printed output of its NumPy and PyTorch programs.
# `bpbook.reference` quotes, as printed, every named quantity among them (each value, signal,
# gradient and update, not the factors written out inside a step's arithmetic); the table below
# lists each one that the computed value does not round to. The last column recomputes the network
# with the tutorial's value of $z_1$ (setting $b_1 = 0$ gives exactly that $z_1$; the new $b_1$ adds
# the real $b_1$ back). This is the book's one errata table for the worked example; other chapters
# link here.

# %%
from bpbook.reference import FORWARD_STEPS, WORKED_PRINTED
from bpbook.worked import errata

slip = worked_example(b1=0.0)
slip["new b1"] += s["b1"]
table = errata(r, also={"computed with the text's z₁": slip})
display(say("`bpbook.reference` quotes {n} printed numbers from {p} places of the tutorial.",
            n=sum(len(numbers) for numbers in WORKED_PRINTED.values()), p=len(WORKED_PRINTED)))
table

# %%
from bpbook.reference import BACKWARD_DIAGRAM
from bpbook.worked import disagrees

wrong = {(key, text) for numbers in WORKED_PRINTED.values() for key, text in numbers.items()
         if disagrees(text, r[key])}
explained = {(key, text) for key, text in wrong if not disagrees(text, slip[key])}
diagram_delta1 = float(WORKED_PRINTED[BACKWARD_DIAGRAM]["delta1"])
display(say(
    "**Cause.** Step 1.1 of the tutorial adds {a:.2f} + {b:.2f} + {c:.2f} and writes "
    "$z_1$ = {z1_text}; the sum is {z1:.2f}. Every later number inherits the slip, and the "
    "printed outputs of its programs repeat the hand calculation rather than what the code "
    "prints. Recomputing with the slipped $z_1$ reproduces {k} of the {n} differing printed "
    "values; the rest are further slips of rounding and arithmetic (its backward diagram, for "
    "one, shows a $\\delta_1$ {times:.1f} times the computed one).",
    a=s["W11"] * s["x1"], b=s["W12"] * s["x2"], c=s["b1"],
    z1_text=WORKED_PRINTED[FORWARD_STEPS]["z1"], z1=r["z1"], k=len(explained), n=len(wrong),
    times=diagram_delta1 / r["delta1"]))

# %% [markdown]
# ### The exponents inside the sigmoids
#
# Steps 1.2 and 1.4 of the tutorial write out the sigmoid as $1/(1 + e^{\dots})$, where the
# exponent must be $-z$. In the copy of the tutorial this book works from, the exponents are not
# $-z$, not even of the tutorial's own $z_1$ and $z_2$. The table compares $e$ to the written
# exponent, $e^{-z}$ with the tutorial's own $z$, the value the tutorial prints for that power,
# and $e^{-z}$ with the computed $z$.

# %%
from bpbook.chapters.ch03_worked_example.appendix import exponent_facts
from bpbook.worked import exponent_slips

exponent_slips(r)

# %%
facts = exponent_facts()
for f in facts.values():   # the claims below, checked
    assert abs(f["shown value"] - f["e^-z"]) < abs(f["shown value"] - f["e^written"])
    assert [d for _, d in f["insertions"]] == ["6"]
display(*(say("- The copy reads $e^{{{w}}}$, which is {written:.4f}, and prints {shown}; "
              "$e^{{-{z}}}$, with the text's own $z$, is {own:.4f} (a difference of {off:.1e}, "
              "{match}). A {d} inserted after `{before}` turns the written exponent into $-{z}$.",
              w=f["written"], written=f["e^written"], shown=f["shown"], z=f["z"],
              own=f["e^-z"], off=abs(f["shown value"] - f["e^-z"]), d=f["insertions"][0][1],
              before=f["written"][:f["insertions"][0][0]],
              match=("more than the rounding of the digits printed: a further slip"
                     if disagrees(f["shown"], f["e^-z"]) else "within the printed digits"))
          for f in facts.values()))

# %% [markdown]
# In both steps the printed power is close to $e^{-z}$ of the tutorial's own $z$ and far from $e$ to
# the written exponent, so its arithmetic used $-z$; and each written exponent is that $-z$ with
# exactly one digit, a 6, missing. The tutorial writes these exponents as superscripts, and a
# superscript digit is easily lost when a text is copied, so the missing 6 may be a loss of the copy
# rather than a slip of the author's.
