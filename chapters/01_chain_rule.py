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
# # 1. The chain rule: how a nudge travels through a machine
#
# **In this chapter you will**
# - see why the derivative of a chain of functions is the *product* of the derivatives of its
#   links;
# - let SymPy confirm it on a chain of three functions, and finite differences confirm SymPy;
# - move a slider and watch every link's derivative, and their product, change;
# - meet the one extra rule that backpropagation needs: when a variable reaches the output along
#   two paths, the two contributions *add*.
#
# Every number on this page is computed by the cell above it or by the `bpbook` package.
#
# Notation: this chapter needs only single variables; the symbols for layers and their
# gradients, used from chapter 2 on, are collected in [chapter 3, Notation](03_worked_example.py).

# %% [markdown]
# ## A story: a clockwork of gears
#
# Picture a small clock mechanism seen from the back. You hold the first gear and turn it a
# little. It drives a second gear, which drives a third, and the third moves the hand you care
# about. How far does the hand move for your small turn?
#
# You do not need to see the whole clock to answer. Each pair of gears has its own *ratio*: how
# many turns the next gear makes for one turn of the previous one. A ratio of 2 doubles the
# motion; a ratio of one half halves it. The hand's motion is your turn multiplied by every ratio
# along the way. Each ratio is **local**: it only concerns two neighbouring gears.
#
# Real gears have fixed ratios. The "gears" inside a neural network are functions, and their
# ratios depend on where the machine currently stands: a function that is steep here may be flat
# there. So the recipe becomes: *at the current position*, measure each link's local ratio, then
# multiply. That recipe is the chain rule, and backpropagation is nothing more than applying it
# carefully, link by link, from the output back to every input.

# %% [markdown]
# ## The chain rule for one variable
#
# Take three links: $u = u(x)$, $v = v(u)$ and the hand $h = h(v)$. A small change $\Delta x$
# produces $\Delta u \approx \frac{du}{dx}\Delta x$, which produces $\Delta v \approx
# \frac{dv}{du}\Delta u$, which produces $\Delta h \approx \frac{dh}{dv}\Delta v$. Chaining the
# three:
#
# $$\frac{dh}{dx} = \frac{dh}{dv}\cdot\frac{dv}{du}\cdot\frac{du}{dx}.$$
#
# Our chain for the whole chapter:
#
# $$u = 2x + 1,\qquad v = u^2,\qquad h = \tanh v .$$
#
# The first gear has a fixed ratio ($du/dx = 2$); the second's ratio $2u$ depends on where we are;
# the third, $\tanh$, flattens out for large $v$, so its ratio $1 - \tanh^2 v$ shrinks towards 0.

# %%
# %matplotlib inline
import sympy as sp
from IPython.display import Markdown, display

from bpbook.chapters.ch01_chain_rule import X0, chain_sympy

c = chain_sympy()
x, u, v = c["x"], c["u"], c["v"]
stages = {"u": c["u(x)"], "v": c["v(u)"], "h": c["h(v)"]}
display(Markdown("$$" + r",\qquad ".join(f"{k} = {sp.latex(e)}" for k, e in stages.items())
                 + "$$"))

# %% [markdown]
# ### SymPy differentiates the composition directly
#
# Substitute the links into each other to get $h$ as one formula of $x$, and let SymPy
# differentiate it:

# %%
h_of_x = stages["h"].subs(v, stages["v"]).subs(u, stages["u"])
dh_dx_direct = sp.simplify(sp.diff(h_of_x, x))
display(Markdown(f"$h(x) = {sp.latex(h_of_x)}$, and $\\dfrac{{dh}}{{dx}} = "
                 f"{sp.latex(dh_dx_direct)}$"))

# %% [markdown]
# ### ... and the product of the local derivatives is the same formula
#
# Now differentiate each link on its own, with respect to its own input only, and multiply. Each
# local derivative is written in terms of its link's input; we substitute back to compare.

# %%
local = {"du/dx": sp.diff(stages["u"], x), "dv/du": sp.diff(stages["v"], u),
         "dh/dv": sp.diff(stages["h"], v)}
product = (local["dh/dv"] * local["dv/du"] * local["du/dx"]).subs(v, stages["v"]).subs(
    u, stages["u"])
difference = sp.simplify(product - dh_dx_direct)
display(Markdown(", ".join(f"${k} = {sp.latex(e)}$" for k, e in local.items())))
display(Markdown(f"product minus direct derivative, simplified by SymPy: ${sp.latex(difference)}$"))

# %%
assert difference == 0

# %% [markdown]
# The difference is exactly zero: not a rounding coincidence but an identity between formulas.

# %% [markdown]
# ### Finite differences agree
#
# A computer can also estimate a derivative without any calculus, by nudging: the **central
# difference** $\frac{h(x+\varepsilon) - h(x-\varepsilon)}{2\varepsilon}$ is close to $dh/dx$ for a
# small step $\varepsilon$ (its error shrinks like $\varepsilon^2$). At a few points:

# %%
from bpbook.tables import Table

h_num = sp.lambdify(x, h_of_x, "math")
dh_num = sp.lambdify(x, dh_dx_direct, "math")
eps = 1e-5
points = [-1.5, -0.5, X0, 0.8]
rows = []
for p in points:
    central = (h_num(p + eps) - h_num(p - eps)) / (2 * eps)
    rows.append([p, dh_num(p), central, abs(dh_num(p) - central)])
Table(["x", "dh/dx (SymPy)", "central difference", "|difference|"], rows,
      ["{:.2f}", "{:.8f}", "{:.8f}", "{:.1e}"])

# %% [markdown]
# ## The same chain as a computation, one local derivative at a time
#
# A computer never builds the big formula. It computes $u$, then $v$, then $h$, and at each step
# it can note the local ratio, because the ratio only needs the link's own input. `bpbook.engine`
# gives every number a `Value` wrapper that does exactly this bookkeeping (chapter 2's section
# "The engine, opened" prints its code: [02_computation_graph](02_computation_graph.py)).
# `h.backward()` multiplies the local ratios back from $h$ to $x$:

# %%
from bpbook.engine import Value

xv = Value(X0, label="x")
uv = xv * 2 + 1
vv = uv**2
hv = vv.tanh()
hv.backward()
display(Markdown(f"At $x = {X0}$: backprop gives $dh/dx = {xv.grad:.10f}$; the SymPy formula "
                 f"gives ${dh_num(X0):.10f}$."))

# %%
assert abs(xv.grad - dh_num(X0)) < 1e-12

# %% [markdown]
# ## Play: turn the first gear
#
# The slider moves $x$. The left plot shows the whole chain $h(x)$ and its tangent line at $x$,
# whose slope is $dh/dx$. The bars on the right are the three gear ratios at this $x$ and their
# product, which is that slope.
#
# Things to try: push $x$ to the right and watch $\tanh$ saturate (its ratio drops to almost
# nothing, and the product with it, however large $2u$ is); find the $x$ where the middle ratio
# $2u$ is zero: the product is zero there too, whatever the other gears do.

# %%
from bpbook.chapters.ch01_chain_rule import chain_explorer, chain_snapshots

chain_explorer()

# %% [markdown]
# (The slider moves only with a running kernel. Here is its picture at four settings of $x$ side
# by side: the tangent on top, the three ratios and their product below.)

# %%
chain_snapshots()

# %% [markdown]
# ## Two roads to the output: gradients add
#
# In a network a number is often used more than once. A weight feeds several neurons; an input
# feeds a whole layer. Take
#
# $$a = x^2,\qquad b = e^x,\qquad F = a\,b .$$
#
# $x$ reaches $F$ along two roads, through $a$ and through $b$. Nudge $x$: $F$ changes because
# $a$ changed *and* because $b$ changed, and for small nudges the two effects simply add. This is
# the **multivariate chain rule**:
#
# $$\frac{dF}{dx} = \frac{\partial F}{\partial a}\frac{da}{dx}
#   + \frac{\partial F}{\partial b}\frac{db}{dx} = b\cdot 2x + a\cdot e^x .$$
#
# Each road is a product of local ratios (the one-variable chain rule); the roads are summed.

# %%
from bpbook.chapters.ch01_chain_rule import two_paths

a_s, b_s = x**2, sp.exp(x)
F_s = a_s * b_s
dF_sympy = sp.diff(F_s, x)
path_a = b_s * sp.diff(a_s, x)  # ∂F/∂a = b, then da/dx
path_b = a_s * sp.diff(b_s, x)  # ∂F/∂b = a, then db/dx
display(Markdown(f"SymPy: $\\dfrac{{dF}}{{dx}} = {sp.latex(dF_sympy)}$; the two roads: "
                 f"${sp.latex(path_a)}$ and ${sp.latex(path_b)}$"))

# %%
assert sp.simplify(path_a + path_b - dF_sympy) == 0

# %% [markdown]
# The engine gets the sum without being told: each road delivers its share into `x.grad` with
# `+=`. The table compares the engine, each road alone, and SymPy at a few points.

# %%
rows = []
for p in (-1.0, 0.0, 0.5, 1.5):
    g = two_paths(p)
    g["F"].backward()
    rows.append([p, float(path_a.subs(x, p)), float(path_b.subs(x, p)), g["x"].grad,
                 float(dF_sympy.subs(x, p))])
Table(["x", "road through a", "road through b", "engine x.grad", "SymPy dF/dx"], rows,
      ["{:.1f}", "{:.8f}", "{:.8f}", "{:.8f}", "{:.8f}"])

# %%
for p, road_a, road_b, engine, exact in rows:
    assert abs(engine - exact) < 1e-12 and abs(road_a + road_b - exact) < 1e-12

# %% [markdown]
# Forgetting one road is one of the most common bugs in hand-written backward passes: the
# gradient then looks plausible but is wrong. Summing over every road is the whole reason the
# engine writes `grad += ...` and never `grad = ...`.

# %% [markdown]
# ## Recap
#
# In this chapter we:
# - saw the chain rule as gears: a nudge at the input is multiplied by each link's **local**
#   derivative on its way to the output;
# - checked with SymPy that the derivative of the three-link chain equals the product of the
#   three local derivatives, exactly, and with central differences that the numbers agree;
# - watched the local ratios change with $x$: one flat link (a saturated $\tanh$) is enough to
#   make the whole product small;
# - learned that when a variable reaches the output along several paths, the path products
#   **add** (the engine does it with `+=`).
#
# The next chapter turns this into an algorithm: draw the computation as a graph, and walk it
# backwards once to get every derivative at the same time.

# %% [markdown]
# ## Exercises
#
# Replace `None` with your answer (a number) and run the cell; the check tells you whether it is
# right, and if it recognises a typical mistake, which one.
#
# **1.** For the chapter's chain $u = 2x+1$, $v = u^2$, $h = \tanh v$, compute $dh/dx$ at the
# point below, by multiplying the three local derivatives (you may use `math.tanh`).

# %%
import math

from bpbook.chapters.ch01_chain_rule import CHAIN_AT, check_chain

display(Markdown(f"Your point: $x = {CHAIN_AT}$"))

# %% tags=["exercise"] exercise="01.chain"
answer = None  # your dh/dx at x = CHAIN_AT

# %% tags=["check"]
check_chain(answer)

# %% [markdown]
# **2.** The local derivative of $\tanh$: what is $\frac{d}{dv}\tanh v$ at the point below?

# %%
from bpbook.chapters.ch01_chain_rule import TANH_AT, check_local_tanh

display(Markdown(f"Your point: $v = {TANH_AT}$"))

# %% tags=["exercise"] exercise="01.local-tanh"
answer = None  # your d tanh(v)/dv at v = TANH_AT

# %% tags=["check"]
check_local_tanh(answer)

# %% [markdown]
# **3.** Two roads: for $F = a\,b$ with $a = x^2$ and $b = e^x$, compute $dF/dx$ at the point
# below from the two road products.

# %%
from bpbook.chapters.ch01_chain_rule import PATHS_AT, check_two_paths

display(Markdown(f"Your point: $x = {PATHS_AT}$"))

# %% tags=["exercise"] exercise="01.two-paths"
answer = None  # your dF/dx at x = PATHS_AT

# %% tags=["check"]
check_two_paths(answer)

# %% [markdown] tags=["think"] exercise="01.twenty-links"
# **4.** (No check: think.) A chain has 20 links, and each link's local derivative is about
# $\tfrac14$: the largest slope of the sigmoid $\sigma(z) = 1/(1 + e^{-z})$, the activation of the
# next chapters ([chapter 2](02_computation_graph.py) shows the bound in one line). Roughly how
# large is the derivative of the output with respect to the input? What does that mean for learning
# the first link's parameters? (Chapter 8 measures this effect.)
