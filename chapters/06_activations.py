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
# - find out, by calculus, why a sigmoid's slope alone can only ever shrink a gradient;
# - see why tanh is zero-centred, what that does for the layer above, and why its slope still
#   dies faster than the sigmoid's far from zero;
# - derive softmax's Jacobian, see which product with it backprop needs, and the famous $s - y$
#   gradient of softmax with cross-entropy;
# - slide along each curve and watch its tangent.
#
# The summary table of the tutorial is rebuilt here by code: only the advice is prose. The
# symbols are the book's: see [chapter 3, Notation](03_worked_example.py).

# %% [markdown]
# ## Why the derivative matters
#
# Backprop multiplies, at every layer $l$, the error signal coming from the layer above by the
# local slope of the activation: $\delta_l = (W_{l+1}^\top\delta_{l+1}) \odot f'(z_l)$. Whatever
# $f'$ does, the gradient does too. A slope near zero silences a neuron; a slope of one passes
# the signal through untouched. So for each activation we want its formula, its derivative, the
# values it can take, and how large its slope can get.

# %% [markdown]
# ## The functions as SymPy sees them
#
# `bpbook.chapters.ch06_activations.derive` writes each activation from its definition as a
# SymPy expression in a real symbol $z$. ReLU, Leaky ReLU and ELU are piecewise.

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
# Each activation (blue) above its derivative (orange). Look at where each slope goes to zero:
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
# $f'(z) = 0$, an equation with no solution in elementary functions, so there `derive` finds the
# root numerically: a sign change on a grid, then bisection.

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
            "through many layers the slopes alone shrink it geometrically (chapter 8 counts "
            "by how much; exercise 3 asks the same for tanh). Tanh's largest slope is {t}, "
            "ReLU's is {r}: they can pass a gradient on at full strength.",
            t=am.derivative_max("tanh"), r=am.derivative_max("relu")))

# %% [markdown]
# ## Tanh: a sigmoid, centred and stretched
#
# Tanh is not a new shape. Squeeze the sigmoid horizontally by 2, stretch it vertically by 2 and
# move it down by 1, and you have tanh: $\tanh z = 2\sigma(2z) - 1$. The sigmoid's curve is
# symmetric about the point $(0, \tfrac12)$, tanh's about the origin (tanh is an odd function),
# so tanh's outputs are *zero-centred*: inputs spread evenly around 0 give outputs that average
# to about 0, where a sigmoid's average about ½. SymPy checks all of it:

# %%
for claim, holds in am.tanh_identities().items():
    display(say("{c}: **{h}**", c=claim, h=holds))

# %% [markdown]
# **Why zero-centred helps.** The layer above receives these outputs as its inputs $a_l$, and its
# weight gradient from one sample is $\partial\mathcal L/\partial W_{l+1} = \delta_{l+1} a_l^\top$:
# row $j$, the weights of unit $j$, is the number $\delta_{l+1,j}$ times the vector $a_l^\top$. If
# every entry of $a_l$ is positive, as a sigmoid's outputs always are, every weight of unit $j$
# gets a gradient of the same sign: one step can only move them all up or all down. When the
# weights need to move in a mixed direction (some up, some down), the updates have to zig-zag
# towards it. Averaging over a batch loosens this, but the inputs' shared positive mean still
# pushes all of a unit's weights alike.
#
# The measurement below (`bpbook.chapters.ch06_activations.centred`) feeds a layer with the
# sigmoid or the tanh of the same standard-normal pre-activations, and, to isolate the mean, with
# the sigmoid shifted down by ½; all get the same random error signals $\Delta_{l+1}$ (one column
# $\delta_{l+1}^{(k)}$ per sample $k$). It counts the per-sample gradient rows whose entries all
# share a sign, and, for the batch gradient $\Delta_{l+1} A_l^\top$, the share of each row's
# squared length that lies along $(1, \dots, 1)$, the direction that moves all of a unit's
# weights alike.

# %%
from bpbook.chapters.ch06_activations.centred import centring_table, speed_table

n_in = 8  # inputs of the layer above (a setting)
display(centring_table(n_in=n_in))
display(say("A row pointing in a random direction would have on average the share 1/{n} = "
            "{r:.1%} along $(1, \\dots, 1)$.", n=n_in, r=1 / n_in))

# %% [markdown]
# **What it costs.** Zig-zagging is slow. Fit a single linear unit $\hat y = v\,a$ (no bias) by
# gradient descent to targets $y = w\,a$ made by fixed weights $w$. The curvature of its
# squared-error loss over a batch $A$ of $m$ inputs is the matrix $A A^\top/m$, and the inputs'
# shared mean gives it one direction, $(1, \dots, 1)$, far more curved than the others: a step size
# that is safe along that direction crawls along the rest. The ratio of the largest to the smallest
# curvature, the condition number, sets how many steps the fit takes (`steps_to_fit`, with the step
# $1/\lambda_{\max}$, from $v = 0$ towards the target weights $w$):

# %%
tol = 1e-3  # how close to the target counts as fitted, relative (a setting)
display(say("Steps until $\\lVert v - w\\rVert \\le {tol:g}\\,\\lVert w\\rVert$:", tol=tol))
display(speed_table(n_in=n_in, tol=tol))

# %% [markdown]
# **Why tanh's slope still dies faster.** Tanh is four times steeper than the sigmoid at 0, yet
# far from 0 it is the flatter one. Differentiating $\tanh z = 2\sigma(2z) - 1$ gives
# $\tanh'(z) = 4\sigma'(2z)$: tanh's slope at $z$ is the sigmoid's slope at $2z$, times 4. The
# sigmoid's slope decays like $e^{-|z|}$, so tanh's decays like $e^{-2|z|}$: twice as fast in the
# exponent, and the factor 4 cannot keep up for long. SymPy's limits give the constants, and a
# root finder the point where the two slopes cross:

# %%
tails = am.tail_factors()
cross = am.slope_crossing()
d_sigmoid, d_tanh = am.numeric_derivative("sigmoid"), am.numeric_derivative("tanh")
factor = {name: "" if c == 1 else sp.latex(c) + "\\," for name, c in tails.items()}
display(Markdown(f"$$\\sigma'(z) \\approx {factor['sigmoid']}e^{{-z}},\\qquad "
                 f"\\tanh'(z) \\approx {factor['tanh']}e^{{-2z}}\\qquad (z \\to \\infty)$$"))
rows = [[f"{v:.4g}", float(d_sigmoid(v)), float(d_tanh(v)), 4 * float(d_sigmoid(2 * v))]
        for v in (0.0, cross, float(am.PROBE))]
display(Table(["z", "σ′(z)", "tanh′(z)", "4σ′(2z)"], rows, [None, "{:.3e}", "{:.3e}", "{:.3e}"]))
display(say("The slopes are equal at $|z|$ = {c:.4f}; beyond it tanh's is the smaller. At "
            "$|z|$ = {p}, tanh's slope is {r:.3f} times the sigmoid's.",
            c=cross, p=am.PROBE, r=float(d_tanh(am.PROBE) / d_sigmoid(am.PROBE))))

# %% [markdown]
# ## Softmax: a function of many inputs
#
# Softmax turns a vector of logits $o = (o_1, \dots, o_K)$ into probabilities,
# $s_i = e^{o_i}/\sum_j e^{o_j}$. (The letter is $o$, not $z$: in this book $z_l$ is a whole
# layer's pre-activation. In a classifier, $o$ is the last layer's $z_L$.) Each output depends on
# every input, so its derivative is a matrix, the Jacobian $J_{ij} = \partial s_i/\partial o_j$.
# SymPy derives it for three logits:

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

o = rng.randn(4, 1)
s = softmax(o)
formula = np.diag(s[:, 0]) - s @ s.T
finite = np.vstack([numeric_grad(lambda: softmax(o)[i, 0], o).T for i in range(len(o))])
display(say("Largest difference, finite differences vs $\\mathrm{{diag}}(s) - s s^\\top$: "
            "{a:.1e}.", a=np.max(np.abs(finite - formula))))

# %% [markdown]
# **What the backward pass needs: $J^\top v$.** In the backward pass softmax receives
# $v = \partial\mathcal L/\partial s$ from above and must hand on $\partial\mathcal L/\partial o$.
# By the chain rule, $\partial\mathcal L/\partial o_j = \sum_i \frac{\partial\mathcal L}{\partial
# s_i} \frac{\partial s_i}{\partial o_j} = \sum_i v_i J_{ij}$, that is
# $\partial\mathcal L/\partial o = J^\top v$: a *vector-Jacobian product*, the product reverse mode
# (backprop) computes for every operation. The *Jacobian-vector product* $Jv$ belongs to forward
# mode: how the outputs move when the inputs move along $v$. For softmax the two are equal, but
# only because its Jacobian is symmetric, $J_{ij} = -s_is_j = J_{ji}$ for $i \ne j$. Most
# Jacobians are not: a layer's $z = Wa$ has the Jacobian $W$, and backprop needs $W^\top v$,
# the $W_{l+1}^\top$ of the recursion for $\delta_l$.

# %%
upstream = rng.randn(4, 1)
W = rng.randn(4, 4)
display(say("SymPy: $J - J^\\top$ simplifies to zero: **{sym}**. In numbers: "
            "$\\max|J - J^\\top|$ = {a:.1e}; `bpbook`'s `softmax_backward` vs $J^\\top v$: "
            "{b:.1e}, vs $Jv$: {c:.1e}. For a random $4 \\times 4$ matrix $W$ instead, "
            "$\\max|W^\\top v - Wv|$ = {d:.2f}.",
            sym=am.softmax_jacobian_is_symmetric(3), a=np.max(np.abs(formula - formula.T)),
            b=np.max(np.abs(softmax_backward(s, upstream) - formula.T @ upstream)),
            c=np.max(np.abs(softmax_backward(s, upstream) - formula @ upstream)),
            d=np.max(np.abs(W.T @ upstream - W @ upstream))))

# %% [markdown]
# Its range: with two logits, $s_1$ depends only on the difference $d = o_1 - o_2$, and SymPy
# finds the range of that function of $d$.

# %%
s1_of_d, s_range = am.softmax_component_range()
display(Markdown(f"$$s_1 = {sp.latex(s1_of_d)} \\in {sp.latex(s_range)}$$"))

# %% [markdown]
# ## Softmax with cross-entropy: the gradient $s - y$
#
# For a target distribution $y$ (one-hot, or any $y$ with $\sum_i y_i = 1$) the cross-entropy
# is $\mathcal L = -\sum_i y_i\log s_i$. Chaining the log's derivative with the Jacobian above, most
# terms cancel. SymPy derives $\partial\mathcal L/\partial o$ and checks the claim:

# %%
grad, ce_matches = am.softmax_ce_gradient(3)
y1, y2, y3 = sp.symbols("y1:4", real=True)
display(Markdown("Using $y_3 = 1 - y_1 - y_2$, SymPy's derivative simplifies to "
                 f"$$\\frac{{\\partial\\mathcal L}}{{\\partial o_1}} = "
                 f"{sp.latex(sp.simplify(grad[0].subs(y3, 1 - y1 - y2)))}$$"))
display(say("With $\\sum_i y_i = 1$, SymPy: $\\partial\\mathcal L/\\partial o - (s - y)$ simplifies to "
            "zero: **{ok}**.", ok=ce_matches))

# %% [markdown]
# And numerically, against `bpbook.losses.softmax_ce_grad` and central differences, for a small
# batch (the book's losses average over the batch, hence the $\frac1m$):

# %%
from bpbook.losses import softmax_ce, softmax_ce_grad

O = rng.randn(3, 5)  # logits of a batch: one column per sample
Y_onehot = np.eye(3)[:, rng.randint(0, 3, 5)]
finite = numeric_grad(lambda: softmax_ce(O, Y_onehot), O)
closed = (softmax(O) - Y_onehot) / O.shape[1]
display(say("With $m$ = {m} samples, largest difference: $(s - y)/m$ vs finite differences "
            "{a:.1e}; vs `bpbook` {b:.1e}.", m=O.shape[1], a=np.max(np.abs(closed - finite)),
            b=np.max(np.abs(closed - softmax_ce_grad(O, Y_onehot)))))

# %% [markdown]
# This is why classifiers pair softmax with cross-entropy: the output layer's error signal is
# simply "prediction minus target", never smaller than the mistake, with no saturating slope in
# between.

# %% [markdown]
# ### Sigmoid with BCE: computed from the logit
#
# A single yes/no output pairs a sigmoid, $\hat y = \sigma(z)$, with binary cross-entropy,
# $\mathcal L = -[y\log\hat y + (1-y)\log(1-\hat y)]$, and the same cancellation happens:
# $\partial\mathcal L/\partial\hat y = (\hat y - y)/(\hat y(1-\hat y))$, and the sigmoid's slope
# $\hat y(1-\hat y)$ cancels its denominator, so $\partial\mathcal L/\partial z = \hat y - y$
# ([chapter 5](05_xor.py)'s exercise 4). Computed from $\hat y$, though, BCE breaks where the
# sigmoid saturates: $\sigma(z)$ rounds to exactly 1, $\log(1-\hat y)$ becomes $\log 0$, and
# $\hat y(1-\hat y) = 0$ erases the error signal. Written with the logit,
# $\mathcal L = \max(z, 0) - yz + \log(1 + e^{-|z|})$ needs no $\hat y$ at all. This is how `bpbook`
# computes it: a model trained with `loss="bce"` must end in a sigmoid, and its loss and the output
# layer's $\delta$ come from the logit (PyTorch's `BCEWithLogitsLoss` does the same). SymPy
# checks the cancellation, and then one confidently wrong output in float32 shows the difference:

# %%
display(say("SymPy: $\\partial\\mathcal L/\\partial z - (\\sigma(z) - y)$ simplifies to zero: "
            "**{ok}**.", ok=am.sigmoid_bce_gradient()[1]))

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
      [["loss ℒ", from_y_hat, from_logit, exact],
       ["∂ℒ/∂z", delta_from_y_hat, net.dense[0].delta[0, 0], exact_delta]],
      [None, "{:.9f}", "{:.9f}", "{:.9f}"])

# %% [markdown]
# From $\hat y$, the loss is off (its logarithm hit the floor, the smallest normal float32) and the
# gradient is zero: the network would never learn out of its mistake. From the logit, both agree
# with the exact values to float32's precision.

# %% [markdown]
# ## The table
#
# Everything above, in three tables narrow enough for a narrow window. In the first two,
# formula, derivative, range and largest slope come from SymPy, and the slopes far from zero from
# SymPy's derivative as a NumPy function.

# %%
table = am.activation_table()
Markdown(am.markdown_table(am.table_part(table, "formulas")))

# %%
display(say("The slopes are taken at $z = \\pm{p}$ (a setting, `PROBE`, far enough out to show "
            "saturation). For softmax, with two logits, the slope columns hold "
            "$\\partial s_1/\\partial o_1$ at $o_1 - o_2 = \\pm{p}$.", p=am.PROBE))
Markdown(am.markdown_table(am.table_part(table, "numbers")))

# %% [markdown]
# The third is advice, written by hand, that the numbers above back up.

# %%
Markdown(am.markdown_table(am.table_part(table, "advice")))

# %% [markdown]
# ## Play with it
#
# Pick an activation and move the point $z_0$ along the $z$ axis (a point here, not a layer): the
# explorer shows the value, the slope, and the tangent line $t(z) = f(z_0) + f'(z_0)(z - z_0)$.
# Slide sigmoid to the far right and watch the tangent go flat; slide ReLU across zero and watch
# the slope jump.
# `bpbook.chapters.ch06_activations.explore.explore` does the work and can be called on its own.

# %%
from bpbook.chapters.ch06_activations.explore import explore, explorer

explorer()

# %%
view = explore("silu", -1.0)  # an example point on SiLU's dip
display(say("For example, SiLU at $z_0$ = {z0:g}: value {v:+.4f}, slope {s:+.4f}; its tangent "
            "crosses zero at $z$ = {c:+.4f}.", z0=view.z0, v=view.value, s=view.slope,
            c=view.z0 - view.value / view.slope))
view.figure

# %% [markdown]
# ## Recap
#
# - Backprop multiplies by $f'(z)$ at every layer, so the shape of the derivative decides how
#   gradients travel.
# - Sigmoid's slope is $\sigma(1-\sigma)$, never more than its value ¼ at zero; through stacked
#   sigmoid layers the slopes alone shrink a gradient by at least 4 per layer.
# - Tanh is a sigmoid stretched to $(-1, 1)$, $\tanh z = 2\sigma(2z) - 1$: zero-centred, so the
#   layer above gets weight gradients of mixed signs and fits in fewer steps. It is four times
#   steeper at 0, but its slope $4\sigma'(2z)$ decays like $e^{-2|z|}$, so far from 0 it
#   saturates harder than the sigmoid.
# - ReLU passes gradients unchanged for $z > 0$ and kills them for $z < 0$; Leaky ReLU, ELU and
#   SiLU keep some slope on the negative side.
# - Softmax's Jacobian is $\mathrm{diag}(s) - s s^\top$. Backprop needs the vector-Jacobian
#   product $J^\top v$; softmax's $J$ is symmetric, so here it equals $Jv$. With cross-entropy,
#   the gradient with respect to the logits $o$ collapses to $s - y$.
# - Every derivative `bpbook` uses agrees with SymPy's.

# %% [markdown]
# ## Exercises
#
# Replace `None` with your answer and run the cell.
#
# **1.** Swish-β, $f(z) = z\,\sigma(\beta z)$, is SiLU with a knob: $\beta = 1$ gives SiLU, and
# $\beta \approx 1.7$ is a common stand-in for GELU. For the $\beta$ below, write $f'(z)$ as a
# NumPy function of an array `z`.

# %%
from bpbook.chapters.ch06_activations.exercises import (SWISH_BETA, TANH_CHAIN_AT,
                                                        check_log_softmax_vjp, check_swish_prime,
                                                        check_tanh_chain)

display(Markdown(f"Your $\\beta = {SWISH_BETA:g}$"))

# %% tags=["exercise"] exercise="06.swish-prime"
def swish_prime(z):
    return None  # replace None with your expression

# %% tags=["check"]
check_swish_prime(swish_prime)

# %% [markdown]
# **2.** Classifiers often compute the logarithm of softmax directly,
# $\log s_i = o_i - \log\sum_j e^{o_j}$. Its backward pass receives
# $v = \partial\mathcal L/\partial(\log s)$ and must hand on $\partial\mathcal L/\partial o$.
# Work out the Jacobian of $\log s$ (from softmax's above, or directly), then write the
# vector-Jacobian product as a function of `s` and `v` (1-D arrays of one length).

# %% tags=["exercise"] exercise="06.log-softmax-vjp"
def log_softmax_vjp(s, v):
    return None  # replace None with your expression

# %% tags=["check"]
check_log_softmax_vjp(log_softmax_vjp)

# %% [markdown]
# **3.** A gradient passes down through ten tanh layers, and in each one the pre-activation sits
# at the value below. Ignoring the weights, by what factor do the ten slopes
# $\tanh'(z_1)\cdots\tanh'(z_{10})$ multiply it?

# %%
display(Markdown(f"Your pre-activation: $z = {TANH_CHAIN_AT:g}$ in every layer"))

# %% tags=["exercise"] exercise="06.tanh-chain"
answer = None

# %% tags=["check"]
check_tanh_chain(answer, depth=10)
