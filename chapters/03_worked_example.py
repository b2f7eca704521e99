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
# - take one step of gradient descent and see which way every parameter moves;
# - check each gradient three ways: backprop, calculus done by SymPy, and finite differences;
# - find out where the tutorial this book grew from went wrong, with a table the code builds.
#
# Nothing on this page is typed in by hand: every number you read was computed by the cell above
# it, or by the `bpbook` package that the chapters share.

# %% [markdown]
# ## The network
#
# The smallest network that still has a hidden layer: two inputs, one hidden neuron, one output
# neuron, the sigmoid $\sigma(z) = 1/(1+e^{-z})$ after each neuron, and the squared error with a
# half in front of it.
#
# $$z_1 = W_{11}x_1 + W_{12}x_2 + b_1,\qquad a_1 = \sigma(z_1),\qquad
#   z_2 = W_2 a_1 + b_2,\qquad \hat y = \sigma(z_2),\qquad L = \tfrac12(\hat y - y)^2 .$$
#
# The starting point is the reference tutorial's: the sample $x = (0.5, 0.8)$ with target
# $y = 1$, weights $W_{11} = 0.4$, $W_{12} = 0.6$, $W_2 = 0.9$, biases $b_1 = b_2 = 0.1$, and a
# learning rate $\eta = 0.5$. They live in `bpbook.worked.DEFAULTS`:

# %%
# %matplotlib inline
import numpy as np
from IPython.display import Markdown, display

from bpbook.display import equation, say
from bpbook.worked import DEFAULTS

s = DEFAULTS
s

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
L = 0.5 * (y_hat - y) ** 2

# %% [markdown]
# Each line of the code is one line of arithmetic:

# %%
display(equation(r"z_1 = W_{11}x_1 + W_{12}x_2 + b_1 = "
                 rf"{s['W11']}\cdot{s['x1']} + {s['W12']}\cdot{s['x2']} + {s['b1']}", z1[0, 0]),
        equation(r"a_1 = \sigma(z_1)", a1[0, 0]),
        equation(r"z_2 = W_2 a_1 + b_2", z2[0, 0]),
        equation(r"\hat y = \sigma(z_2)", y_hat[0, 0]),
        equation(r"L = \tfrac12(\hat y - y)^2", L[0, 0]))

# %% [markdown]
# The prediction is below the target, so the loss is positive and every weight will have a say in
# how to raise $\hat y$. Note that the forward pass *kept* $z_1, a_1, z_2, \hat y$: the backward
# pass needs every one of them.

# %% [markdown]
# ## Step 2: backward
#
# Backpropagation walks the same equations in reverse. At each neuron it asks one question: how
# much does the loss change when this neuron's pre-activation $z$ changes? That number is the
# neuron's **error signal** $\delta = \partial L/\partial z$. Once a neuron knows its $\delta$,
# the gradients of its own weights and bias are one multiplication away.
#
# At the output, the chain rule links the loss to $z_2$ through $\hat y$:
#
# $$\frac{\partial L}{\partial \hat y} = \hat y - y,\qquad
#   \sigma'(z) = \sigma(z)\,(1-\sigma(z)),\qquad
#   \delta_2 = \frac{\partial L}{\partial z_2} = (\hat y - y)\,\sigma'(z_2).$$

# %%
dL_dy_hat = y_hat - y
delta2 = dL_dy_hat * y_hat * (1 - y_hat)

display(equation(r"\frac{\partial L}{\partial \hat y} = \hat y - y", dL_dy_hat[0, 0]),
        equation(r"\sigma'(z_2) = \hat y(1-\hat y)", (y_hat * (1 - y_hat))[0, 0]),
        equation(r"\delta_2 = \frac{\partial L}{\partial \hat y}\,\sigma'(z_2)", delta2[0, 0]))

# %% [markdown]
# $z_2 = W_2 a_1 + b_2$, so $\partial z_2/\partial W_2 = a_1$ and $\partial z_2/\partial b_2 = 1$:
#
# $$\frac{\partial L}{\partial W_2} = \delta_2\, a_1^{\top},\qquad
#   \frac{\partial L}{\partial b_2} = \delta_2 .$$

# %%
dW2 = delta2 @ a1.T
db2 = delta2

display(equation(r"\frac{\partial L}{\partial W_2} = \delta_2 a_1", dW2[0, 0]),
        equation(r"\frac{\partial L}{\partial b_2} = \delta_2", db2[0, 0]))

# %% [markdown]
# The hidden neuron influences the loss only through $z_2$. The signal it receives is
# $\partial L/\partial a_1 = W_2^\top\delta_2$; its own slope turns that into its error signal:
#
# $$\delta_1 = \frac{\partial L}{\partial z_1} = (W_2^{\top}\delta_2)\odot\sigma'(z_1),\qquad
#   \frac{\partial L}{\partial W_1} = \delta_1\,x^{\top},\qquad
#   \frac{\partial L}{\partial b_1} = \delta_1 .$$

# %%
dL_da1 = W2.T @ delta2
delta1 = dL_da1 * a1 * (1 - a1)
dW1 = delta1 @ x.T
db1 = delta1

display(equation(r"\frac{\partial L}{\partial a_1} = W_2\,\delta_2", dL_da1[0, 0]),
        equation(r"\sigma'(z_1) = a_1(1-a_1)", (a1 * (1 - a1))[0, 0]),
        equation(r"\delta_1 = \frac{\partial L}{\partial a_1}\,\sigma'(z_1)", delta1[0, 0]),
        equation(r"\frac{\partial L}{\partial W_{11}} = \delta_1 x_1", dW1[0, 0]),
        equation(r"\frac{\partial L}{\partial W_{12}} = \delta_1 x_2", dW1[0, 1]),
        equation(r"\frac{\partial L}{\partial b_1} = \delta_1", db1[0, 0]))

# %% [markdown]
# Look at the sizes: $\delta_1$ is a fraction of $\delta_2$, because on its way down the signal was
# multiplied by $W_2$ and by $\sigma'(z_1)$, and $\sigma'$ is never more than a quarter (chapter
# 6 derives the bound). That shrinking is the seed of the *vanishing gradient* problem of
# chapter 5, the pitfalls.

# %%
display(say("Here $|\\delta_1| / |\\delta_2|$ = {ratio:.4f}.",
            ratio=abs(delta1[0, 0]) / abs(delta2[0, 0])))

# %% [markdown]
# ## Step 3: one step downhill
#
# Gradient descent moves every parameter against its gradient, $\theta \leftarrow \theta -
# \eta\,\partial L/\partial\theta$. The table below is built from the teaching code's arrays.

# %%
lr = s["lr"]
W1_new, b1_new = W1 - lr * dW1, b1 - lr * db1
W2_new, b2_new = W2 - lr * dW2, b2 - lr * db2

# %% [markdown]
# `bpbook` computes the same step with its general layer code (`bpbook.layers.Dense` keeps `z`,
# `a`, `delta`, `dW` and `db` for every layer). `worked_example` runs it and returns every number
# by name; `summary_table` lays out the update:

# %%
from bpbook.worked import summary_table, worked_example

r = worked_example()
summary_table(r)

# %% [markdown]
# A negative gradient means that raising the parameter lowers the loss, so gradient descent raises
# it. How many of the five are negative here?

# %%
from bpbook.worked import PARAMS

negative = [p for p in PARAMS if r["d" + p] < 0]
display(say("{k} of the {n} gradients are negative ({names}); the prediction misses its target "
            "by $\\hat y - y$ = {miss:+.6f}.", k=len(negative), n=len(PARAMS),
            names=", ".join(negative), miss=r["y_hat"] - s["y"]))

# %% [markdown]
# With this starting point every parameter goes up: raising any of them raises $\hat y$, which is
# what a prediction below its target needs.
#
# Does the teaching code agree with `bpbook`? Their largest difference over all the numbers
# above:

# %%
ours = {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat, "L": L, "delta2": delta2,
        "delta1": delta1, "dW2": dW2, "db2": db2, "dW11": dW1[:, :1], "dW12": dW1[:, 1:],
        "db1": db1, "new W2": W2_new, "new b2": b2_new, "new W11": W1_new[:, :1],
        "new W12": W1_new[:, 1:], "new b1": b1_new}
gap = max(abs(ours[k][0, 0] - r[k]) for k in ours)
assert gap < 1e-12, gap
display(say("largest difference between the teaching code and bpbook: {gap:.1e} "
            "(over {n} quantities)", gap=gap, n=len(ours)))

# %% [markdown]
# ## The picture
#
# Forward values flow left to right; error signals flow right to left.

# %%
from bpbook.chapters.ch03_worked_example.plots import gradient_bars, network_figure

network_figure(r)

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
sym, L_sym, grads_sym = worked_symbolic()
display(Markdown("$$L = " + sp.latex(L_sym) + "$$"))

# %% [markdown]
# SymPy's derivative of it with respect to each parameter. To read them, we write $a_1$ for
# $\sigma(z_1)$ and $\hat y$ for $\sigma(z_2)$ once SymPy is done:

# %%
z1_sym = sym["W11"] * sym["x1"] + sym["W12"] * sym["x2"] + sym["b1"]
a1_s, y_hat_s = sp.symbols("a_1 \\hat{y}")
readable = {sigma(sym["W2"] * sigma(z1_sym) + sym["b2"]): y_hat_s, sigma(z1_sym): a1_s}
for p, g in grads_sym.items():
    display(Markdown(f"$$\\frac{{\\partial L}}{{\\partial {sp.latex(sym[p])}}} = "
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
# ## Check 2: finite differences, and all three side by side
#
# The third witness knows no calculus at all: nudge one parameter by $\pm\varepsilon$, rerun the
# forward pass, and divide, $\partial L/\partial\theta \approx (L(\theta+\varepsilon) -
# L(\theta-\varepsilon))/2\varepsilon$. `bpbook.gradcheck` does it for every parameter.

# %%
from bpbook.gradcheck import gradcheck, rel_error
from bpbook.tables import Table
from bpbook.worked import worked_network

net = worked_network()
check = gradcheck(net, [[s["x1"]], [s["x2"]]], [[s["y"]]])
numeric = {(row[0], row[1]): row[3] for row in check.rows}

rows = []
for p, (layer, attr, i) in PARAMS.items():
    name = f"layer{layer + 1}.{attr}"
    bp, sy, fd = r["d" + p], evaluate(grads_sym[p], sym, s), numeric[(name, i)]
    rows.append([p, bp, sy, fd, float(rel_error(bp, sy)), float(rel_error(bp, fd))])
three_way = Table(["parameter", "backprop (bpbook)", "SymPy closed form", "finite difference",
                   "rel. error vs SymPy", "rel. error vs finite diff."], rows,
                  [None, "{:+.10f}", "{:+.10f}", "{:+.10f}", "{:.1e}", "{:.1e}"])
three_way

# %%
worst_sym = max(row[4] for row in rows)
worst_fd = max(row[5] for row in rows)
assert worst_sym < 1e-12 and worst_fd < 1e-7
display(say("Backprop and SymPy agree to a relative error of {a:.1e} (rounding only); finite "
            "differences agree to {b:.1e}, the accuracy a central difference can reach.",
            a=worst_sym, b=worst_fd))

# %% [markdown]
# ## Errata: where the reference tutorial's numbers differ
#
# The tutorial this book grew from prints the numbers of this example again and again: in
# diagrams, hand calculations, a summary table, and the printed output of its NumPy and PyTorch
# programs. `bpbook.reference` quotes every one of those numbers as printed; the table below lists
# each one that the computed value does not round to. The last column recomputes the network with
# the tutorial's value of $z_1$ (setting $b_1 = 0$ gives exactly that $z_1$; the new $b_1$ adds
# the real $b_1$ back).

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
# ## Play with it
#
# Move any slider: the inputs, the target, the five parameters or the learning rate. The table
# and the bars are recomputed by `bpbook.chapters.ch03_worked_example.explore.worked_update`, a plain function you can
# also call yourself. Things to try: set $y$ to 0 and watch every gradient change sign; make $W_2$
# zero and see $\delta_1$ vanish (the hidden neuron no longer affects the loss); push $b_1$ far
# up and watch $\sigma'(z_1)$ and $\delta_1$ shrink as the hidden neuron saturates.

# %%
from bpbook.chapters.ch03_worked_example.explore import worked_explorer, worked_update

worked_explorer()

# %%
view = worked_update(y=0.0)
display(say("For example, with target $y = 0$: $\\partial L/\\partial W_2$ = {g:+.6f}, "
            "positive now, so gradient descent lowers $W_2$.", g=view.result["dW2"]))

# %% [markdown]
# ## Recap
#
# - The forward pass computes and **stores** $z$ and $a$ for each layer.
# - The backward pass computes one error signal per neuron, $\delta = \partial L/\partial z$,
#   from the layer above: $\delta_2 = (\hat y - y)\sigma'(z_2)$, then
#   $\delta_1 = W_2^\top\delta_2 \odot \sigma'(z_1)$.
# - Each weight's gradient is its neuron's $\delta$ times the weight's input
#   ($\partial L/\partial W = \delta\,a_{\text{prev}}^\top$); each bias's gradient is $\delta$.
# - Backprop, SymPy's closed forms and finite differences agree, to rounding.
# - Even a careful hand calculation slips; computing and checking beats copying.

# %% [markdown]
# ## Exercises
#
# Put your answer in place of `None` and run the cell; the check tells you what is right or
# which mistake your number looks like. Use the values computed above (`r` holds them all).
#
# **1.** Compute $\partial L/\partial W_2$ from $\delta_2$ and $a_1$.

# %%
from bpbook.chapters.ch03_worked_example.exercises import check_delta1, check_dW2, check_new_b2

answer = None  # e.g. r["delta2"] * ...
check_dW2(answer)

# %% [markdown]
# **2.** Change the target to $y = 0$ (keep everything else). What is the hidden error signal
# $\delta_1$ now? Work it out from the formulas, then check (`worked_example(y=0.0)` would give it
# away, so try by hand first).

# %%
answer = None
check_delta1(answer)

# %% [markdown]
# **3.** After one step of gradient descent with $\eta = 0.5$, what is the new $b_2$?

# %%
answer = None
check_new_b2(answer)

# %% [markdown]
# **4.** (No check: a question to think about.) With $W_2 = 0$ every hidden gradient is zero: try
# it in the explorer. Now picture a larger network whose weights all start at zero, or all at the
# same value. Do the hidden neurons of a layer ever become different from one another during
# training? Why do networks start from *random* weights?
