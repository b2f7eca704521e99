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
# # 6. Activation functions and their derivatives
#
# **In this chapter you will**
# - meet the activations of the tutorial, sigmoid, tanh, ReLU, Leaky ReLU and softmax, and two
#   modern ones, ELU and SiLU;
# - let SymPy derive every derivative and bring it to the form textbooks print;
# - check every derivative `bpbook` uses against SymPy's;
# - find out, by calculus, why a sigmoid can only ever shrink a gradient;
# - derive softmax's Jacobian and the famous $s - y$ gradient of softmax with cross-entropy;
# - slide along each curve and watch its tangent.
#
# The summary table of the tutorial is rebuilt here by code: only the last two columns, the
# advice, are prose.

# %% [markdown]
# ## Why the derivative matters
#
# Backprop multiplies, at every layer, the error signal coming from above by the local slope of
# the activation: $\delta = (W^\top\delta_{\text{above}}) \odot f'(z)$. Whatever $f'$ does, the
# gradient does too. A slope near zero silences a neuron; a slope of one passes the signal
# through untouched. So for each activation we want its formula, its derivative, the values it
# can take, and how large its slope can get.

# %% [markdown]
# ## The functions as SymPy sees them
#
# `bpbook.chapters.ch06_activations.derive` writes each activation from its definition as a SymPy expression in
# a real symbol $z$. ReLU, Leaky ReLU and ELU are piecewise.

# %%
# %matplotlib inline
import numpy as np
import sympy as sp
from IPython.display import Markdown, display

from bpbook.chapters.ch06_activations import derive as am
from bpbook.display import say

for name in am.NAMES:
    display(Markdown(f"**{name}**: $f(z) = {sp.latex(am.expression(name))}$"))

# %% [markdown]
# ## Derivatives, derived
#
# `sympy.diff` applies the rules of calculus. For sigmoid it returns a correct but unfamiliar
# expression:

# %%
display(Markdown(f"$$\\frac{{d}}{{dz}}\\frac{{1}}{{1+e^{{-z}}}} = "
                 f"{sp.latex(am.derivative('sigmoid'))}$$"))

# %% [markdown]
# Textbooks write it with $\sigma$ itself. Since $\sigma = 1/(1+e^{-z})$, we have
# $e^{-z} = (1-\sigma)/\sigma$; substituting and simplifying gives the textbook form.
# `textbook_form` does this for every activation that contains $e^{-z}$, and
# `textbook_form_is_derivative` puts $\sigma(z)$ back in and lets SymPy confirm the two are
# the same function.

# %%
for name in am.NAMES:
    display(Markdown(f"**{name}**: $f'(z) = {sp.latex(am.textbook_form(name))}$ "
                     f"(equal to SymPy's derivative: {am.textbook_form_is_derivative(name)})"))

# %% [markdown]
# For tanh, SymPy's own derivative is already the textbook's $1 - \tanh^2 z$. ReLU's
# derivative at exactly $z = 0$ does not exist; SymPy's piecewise form, like `bpbook` and
# PyTorch, uses the value of the "otherwise" branch there.

# %% [markdown]
# ## Are `bpbook`'s derivatives right?
#
# `bpbook.activations` computes each derivative with hand-written NumPy code (`df`). We turn
# SymPy's derivative into a NumPy function and compare them at many points, including the
# kink at zero.

# %%
from bpbook.activations import get_activation
from bpbook.tables import Table

rng = np.random.RandomState(0)
points = np.concatenate([rng.uniform(-8, 8, 1000), [0.0, -1e-9, 1e-9]])
rows = []
for name in am.NAMES:
    sympy_slope = am.numeric_derivative(name)(points)
    bpbook_slope = get_activation(name).df(points)
    rows.append([name, len(points), float(np.max(np.abs(sympy_slope - bpbook_slope)))])
agreement = Table(["activation", "points", "max |SymPy − bpbook|"], rows, [None, None, "{:.1e}"])
assert max(r[2] for r in rows) < 1e-12
agreement

# %% [markdown]
# ## The pictures
#
# Each activation (top) and its derivative (bottom). Look at where each slope goes to zero:
# sigmoid and tanh go flat on both sides, ReLU on the left, while Leaky ReLU, ELU and SiLU
# keep some slope (ELU and SiLU only a fading one) for negative $z$.

# %%
from bpbook.chapters.ch06_activations.explore import curves_figure

curves_figure()

# %% [markdown]
# ## Ranges and the largest slope
#
# The range of each function and the supremum of its derivative come from SymPy's
# `function_range` (for a piecewise function, piece by piece). SiLU's minimum sits where
# $f'(z) = 0$ has no closed-form solution, so there `activation_math` finds the root
# numerically: a sign change on a grid, then bisection.

# %%
rows = []
for name in am.NAMES:
    where = am.argmax_derivative(name)
    reached = "on a whole half-line" if where is None else f"at $z$ = {round(where, 4) + 0.0:g}"
    rows.append([name, am.fmt_range(am.value_range(name)),
                 am.fmt_number(am.derivative_max(name)), reached])
Markdown(am.markdown_table(Table(["activation", "range", "max of f′", "reached"], rows)))

# %% [markdown]
# Here is the reason behind the vanishing gradient. The sigmoid's slope is largest at $z = 0$,
# and even there it is small:

# %%
top = am.derivative_max("sigmoid")
display(Markdown(f"$$\\max_z \\sigma'(z) = \\sigma(0)\\,(1-\\sigma(0)) = {sp.latex(top)}$$"))
display(say("Every sigmoid layer multiplies the gradient by a slope no larger than this, so "
            "through many layers the slopes alone shrink it geometrically (exercise 3 asks by "
            "how much). Tanh's largest slope is {t}, ReLU's is {r}: they can pass a gradient "
            "on at full strength.", t=am.derivative_max("tanh"), r=am.derivative_max("relu")))

# %% [markdown]
# ## Softmax: a function of many inputs
#
# Softmax turns a vector of logits $z$ into probabilities, $s_i = e^{z_i}/\sum_j e^{z_j}$. Each
# output depends on every input, so its derivative is a matrix, the Jacobian
# $J_{ij} = \partial s_i/\partial z_j$. SymPy derives it for three logits:

# %%
J, jacobian_matches = am.softmax_jacobian(3)
display(Markdown(f"$$J_{{11}} = {sp.latex(sp.simplify(J[0, 0]))},\\qquad "
                 f"J_{{12}} = {sp.latex(sp.simplify(J[0, 1]))}$$"))
display(say("SymPy: $J - (\\mathrm{{diag}}(s) - s s^\\top)$ simplifies to zero: **{ok}**.",
            ok=jacobian_matches))

# %% [markdown]
# On the diagonal, $J_{ii} = s_i(1-s_i)$: the sigmoid's derivative again. Off the diagonal,
# $J_{ij} = -s_is_j$: raising one logit takes probability from all the others. In matrix form,
# $J = \mathrm{diag}(s) - s s^\top$.
#
# The same check in numbers: central differences of `bpbook`'s softmax against the formula, at
# random logits.

# %%
from bpbook.activations import softmax, softmax_backward
from bpbook.gradcheck import numeric_grad

logits = rng.randn(4, 1)
s = softmax(logits)
formula = np.diag(s[:, 0]) - s @ s.T
finite = np.vstack([numeric_grad(lambda: softmax(logits)[i, 0], logits).T
                    for i in range(len(logits))])
upstream = rng.randn(4, 1)
display(say("Largest difference, finite differences vs $\\mathrm{{diag}}(s) - s s^\\top$: "
            "{a:.1e}. `bpbook`'s `softmax_backward` (a Jacobian-vector product) vs $J^\\top v$: "
            "{b:.1e}.", a=np.max(np.abs(finite - formula)),
            b=np.max(np.abs(softmax_backward(s, upstream) - formula.T @ upstream))))

# %% [markdown]
# Its range: with two logits, $s_1$ depends only on the difference $d = z_1 - z_2$, and SymPy
# finds the range of that function of $d$.

# %%
s1_of_d, s_range = am.softmax_component_range()
display(Markdown(f"$$s_1 = {sp.latex(s1_of_d)} \\in {sp.latex(s_range)}$$"))

# %% [markdown]
# ## Softmax with cross-entropy: the gradient $s - y$
#
# For a target distribution $y$ (one-hot, or any $y$ with $\sum_i y_i = 1$) the cross-entropy
# is $L = -\sum_i y_i\log s_i$. Chaining the log's derivative with the Jacobian above, most
# terms cancel. SymPy derives $\partial L/\partial z$ and checks the claim:

# %%
grad, ce_matches = am.softmax_ce_gradient(3)
y1, y2, y3 = sp.symbols("y1:4", real=True)
display(Markdown("Using $y_3 = 1 - y_1 - y_2$, SymPy's derivative simplifies to "
                 f"$$\\frac{{\\partial L}}{{\\partial z_1}} = "
                 f"{sp.latex(sp.simplify(grad[0].subs(y3, 1 - y1 - y2)))}$$"))
display(say("With $\\sum_i y_i = 1$, SymPy: $\\partial L/\\partial z - (s - y)$ simplifies to "
            "zero: **{ok}**.", ok=ce_matches))

# %% [markdown]
# And numerically, against `bpbook.losses.softmax_ce_grad` and central differences, for a batch
# of five samples (the book's losses average over the batch, hence the $\frac1m$):

# %%
from bpbook.losses import softmax_ce, softmax_ce_grad

Z = rng.randn(3, 5)
Y_onehot = np.eye(3)[:, rng.randint(0, 3, 5)]
finite = numeric_grad(lambda: softmax_ce(Z, Y_onehot), Z)
closed = (softmax(Z) - Y_onehot) / Z.shape[1]
display(say("Largest difference: $(s - y)/m$ vs finite differences {a:.1e}; vs `bpbook` "
            "{b:.1e}.", a=np.max(np.abs(closed - finite)),
            b=np.max(np.abs(closed - softmax_ce_grad(Z, Y_onehot)))))

# %% [markdown]
# This is why classifiers pair softmax with cross-entropy: the output layer's error signal is
# simply "prediction minus target", never smaller than the mistake, with no saturating slope in
# between.

# %% [markdown]
# ### Sigmoid with BCE: computed from the logit
#
# A single yes/no output pairs a sigmoid, $\hat y = \sigma(z)$, with binary cross-entropy,
# $L = -[y\log\hat y + (1-y)\log(1-\hat y)]$, and the same cancellation gives
# $\partial L/\partial z = \hat y - y$. Computed from $\hat y$, though, BCE breaks where the
# sigmoid saturates: $\sigma(z)$ rounds to exactly 1, $\log(1-\hat y)$ becomes $\log 0$, and
# $\hat y(1-\hat y) = 0$ erases the error signal. Written with the logit,
# $L = \max(z, 0) - yz + \log(1 + e^{-|z|})$ needs no $\hat y$ at all. This is how `bpbook`
# computes it: a model trained with `loss="bce"` must end in a sigmoid, and its loss and the output
# layer's $\delta$ come from the logit (PyTorch's `BCEWithLogitsLoss` does the same). One
# confidently wrong output in float32:

# %%
from bpbook.activations import sigmoid
from bpbook.layers import Dense
from bpbook.losses import bce, bce_grad
from bpbook.model import Sequential

Z_WRONG, Y_WRONG = 20.0, 0.0  # settings: the output's logit and its target
grid = np.arange(0, 40, 0.01, dtype=np.float32)
z_rounds = float(grid[np.argmax(sigmoid(grid) == 1)])  # first z where σ(z) is exactly 1
net = Sequential([Dense(1, 1, "sigmoid", W=[[Z_WRONG]], dtype=np.float32)])
from_logit = net.forward_backward(np.ones((1, 1)), [[Y_WRONG]], "bce")
y_hat = net.y_hat
from_y_hat = bce(y_hat, [[Y_WRONG]])
delta_from_y_hat = (bce_grad(y_hat, [[Y_WRONG]]) * y_hat * (1 - y_hat))[0, 0]
exact = Z_WRONG + np.log1p(np.exp(-Z_WRONG))  # softplus(z) for y = 0, in float64
display(say("In float32, $\\sigma(z)$ is exactly 1 from $z = {r:.2f}$ on. At $z = {z:g}$, "
            "$y = {y:g}$:", r=z_rounds, z=Z_WRONG, y=Y_WRONG))
exact_delta = 1 / (1 + np.exp(-Z_WRONG)) - Y_WRONG  # σ(z) − y
Table(["", "from ŷ", "from the logit z", "exact"],
      [["loss L", from_y_hat, from_logit, exact],
       ["∂L/∂z", delta_from_y_hat, net.dense[0].delta[0, 0], exact_delta]],
      [None, "{:.9f}", "{:.9f}", "{:.9f}"])

# %% [markdown]
# From $\hat y$, the loss is off (its logarithm hit the floor, the smallest normal float32) and the
# gradient is zero: the network would never learn out of its mistake. From the logit, both agree
# with the exact values to float32's precision.

# %% [markdown]
# ## The table
#
# Everything above, in two tables. In the first, formula, derivative, range and largest slope
# come from SymPy, and the slopes at $z = \pm 5$ from SymPy's derivative as a NumPy function.

# %%
table = am.activation_table()
derived = table.columns.index("gradient issue")
Markdown(am.markdown_table(Table(table.columns[:derived], [r[:derived] for r in table.rows])))

# %% [markdown]
# The second is advice, written by hand, that the first table's numbers back up.

# %%
advice = [table.columns[0], *table.columns[derived:]]
Markdown(am.markdown_table(Table(advice, [[r[0], *r[derived:]] for r in table.rows])))

# %% [markdown]
# ## Play with it
#
# Pick an activation and move $z_0$: the explorer shows the value, the slope, and the tangent
# line $t(z) = f(z_0) + f'(z_0)(z - z_0)$. Slide sigmoid to the far right and watch the tangent
# go flat; slide ReLU across zero and watch the slope jump.
# `bpbook.chapters.ch06_activations.explore.explore` does the work and can be called on its own.

# %%
from bpbook.chapters.ch06_activations.explore import explore, explorer

explorer()

# %%
view = explore("silu", -1.0)
display(say("For example, SiLU at $z_0 = -1$: value {v:+.4f}, slope {s:+.4f}; its tangent "
            "crosses zero at $z$ = {c:+.4f}.", v=view.value, s=view.slope,
            c=view.z0 - view.value / view.slope))
view.figure

# %% [markdown]
# ## Recap
#
# - Backprop multiplies by $f'(z)$ at every layer, so the shape of the derivative decides how
#   gradients travel.
# - Sigmoid's slope is $\sigma(1-\sigma)$, never more than its value at zero; stacked sigmoid
#   layers shrink gradients geometrically. Tanh is steeper and zero-centred but saturates too.
# - ReLU passes gradients unchanged for $z > 0$ and kills them for $z < 0$; Leaky ReLU, ELU and
#   SiLU keep some slope on the negative side.
# - Softmax's Jacobian is $\mathrm{diag}(s) - s s^\top$; with cross-entropy, the gradient with
#   respect to the logits collapses to $s - y$.
# - Every derivative `bpbook` uses agrees with SymPy's.

# %% [markdown]
# ## Exercises
#
# Replace `None` with your answer and run the cell.
#
# **1.** Softplus, $\log(1 + e^z)$, is a smooth ReLU. Write its derivative as a NumPy function
# of an array `z`. (Then compare it with a function of this chapter.)

# %%
from bpbook.chapters.ch06_activations.exercises import (check_depth_factor, check_softmax_jacobian,
                                          check_softplus_prime)


def softplus_prime(z):
    return None  # replace None with your expression


check_softplus_prime(softplus_prime)

# %% [markdown]
# **2.** Write softmax's Jacobian as a function of its output `s` (a 1-D array of
# probabilities), returning the matrix $J_{ij} = \partial s_i/\partial z_j$.

# %%
def softmax_jacobian(s):
    return None  # replace None with your expression


check_softmax_jacobian(softmax_jacobian)

# %% [markdown]
# **3.** A gradient passes down through ten sigmoid layers. Ignoring the weights, what is the
# largest factor the ten slopes $\sigma'(z_1)\cdots\sigma'(z_{10})$ can multiply it by?

# %%
answer = None
check_depth_factor(answer, depth=10)
