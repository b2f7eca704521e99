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
# # 9. Where initialisation comes from
#
# **In this chapter you will**
# - derive how the variance of a layer's pre-activation $z$ depends on the spread of its
#   weights, forward, and how the variance of its $\delta$ does, backward;
# - let SymPy integrate what ReLU does to a Gaussian, and see why tanh needs numbers instead;
# - watch LeCun's, He's and Xavier's (Glorot's) scales fall out of those two laws;
# - measure both variances layer by layer in deep networks, at the derived scale and a little
#   off it, and compare each layer's measured ratio with the predicted one;
# - check the formulas against Monte Carlo and the backward pass against `torch.autograd`.
#
# Every number and picture comes from code on this page, every random draw seeded. Samples are
# columns, as everywhere in the book; $n_{in}$ and $n_{out}$ are a layer's fan-in and fan-out.

# %% [markdown]
# ## Which scale?
#
# [Chapter 8](08_vanishing_gradients.py) showed signals and gradients fading or blowing up with
# depth, and that Xavier's and He's initialisations cured much of it. It stated their variances,
# $2/(n_{in}+n_{out})$ and $2/n_{in}$, without saying where they come from. Each layer multiplies
# the size of what passes through it, forward and backward, by a factor that depends on how
# spread out its weights are. Twenty layers multiply twenty such factors: unless each is close
# to one, the product is tiny or huge. This chapter computes the factor and picks the spread
# that makes it one.

# %% [markdown]
# ## One layer, forward
#
# Take one layer without bias, $z = W a$, with $n_{in}$ inputs. Draw the weights independently,
# with mean 0 and variance $s^2$ (standard deviation $s$; $\sigma$ stays the sigmoid),
# independently of the input $a$. One unit's pre-activation
# is a sum of $n_{in}$ terms $W_{ij}a_j$, each with mean $\mathbb E[W_{ij}]\,\mathbb E[a_j] = 0$.
# Independent terms' variances add, and $\mathrm{Var}(W_{ij}a_j) = \mathbb E[W_{ij}^2]\,
# \mathbb E[a_j^2] = s^2\,\mathbb E[a^2]$:
#
# $$\mathrm{Var}(z_i) = n_{in}\,s^2\,\mathbb E[a^2].$$
#
# Note $\mathbb E[a^2]$, not $\mathrm{Var}(a)$: a mean in $a$ counts too. With $a = f(z_{prev})$,
# and $z_{prev}$ (close to) Gaussian with variance $q$, the layer multiplies the variance by
#
# $$\frac{\mathrm{Var}(z)}{\mathrm{Var}(z_{prev})} = n_{in}\,s^2\,
#   \frac{\mathbb E[f(z_{prev})^2]}{q}.$$
#
# For the factor to be 1, we need $\mathbb E[f(z)^2]$ for $z \sim \mathcal N(0, q)$.
#
# **ReLU.** $\mathrm{relu}(z)^2$ is $z^2$ for $z > 0$ and $0$ otherwise, so SymPy integrates
# $z^2$ against the normal density over $z > 0$ (and, for later, the squared slope, $1$ there):

# %%
# %matplotlib inline
import inspect

import numpy as np
import sympy as sp
from IPython.display import display

from bpbook.chapters.ch09_initialisation import checks, derive, plots, probe
from bpbook.display import say
from bpbook.tables import Table

relu_a2, relu_slope2 = derive.relu_moments()
display(sp.Eq(sp.Symbol(r"\mathbb{E}[\mathrm{relu}(z)^2]"), relu_a2),
        sp.Eq(sp.Symbol(r"\mathbb{E}[\mathrm{relu}'(z)^2]"), relu_slope2))

# %% [markdown]
# ReLU keeps exactly half of $\mathbb E[z^2] = q$, at every scale: half the Gaussian lies
# below zero. The factor is $n_{in}s^2/2$, which is 1 for **He's** variance $s^2 = 2/n_{in}$.
#
# **tanh.** $\mathbb E[\tanh(z)^2]$ has no closed form. SymPy can still expand $\tanh^2$ in
# powers of $z$ and replace each $z^k$ by its Gaussian moment ($\mathbb E[z^4] = 3q^2$, …),
# which gives the start of a series in $q$ (it diverges: it describes small $q$ only):

# %%
tanh_a2, tanh_slope2 = derive.series_moments()
display(sp.Eq(sp.Symbol(r"\mathbb{E}[\tanh(z)^2]"), tanh_a2, evaluate=False))

# %% [markdown]
# Near $q = 0$ tanh is the identity, $\mathbb E[\tanh^2] \approx q$, and the factor is
# $n_{in}s^2$: 1 for **LeCun's** variance $s^2 = 1/n_{in}$. For larger $q$ we integrate
# numerically (`derive.moments`, the trapezoid rule on a fine grid):

# %%
qs = [0.01, 0.1, 0.5, 1.0, 2.0, 5.0]
Table(["q = Var(z)", "E[tanh(z)²]", "E[tanh(z)²] / q", "series to q³", "E[tanh′(z)²]"],
      [[qv, *(m := derive.moments("tanh", qv))[:1], m[0] / qv,
        float(tanh_a2.subs(derive.q, qv)), m[1]] for qv in qs],
      [None, "{:.5f}", "{:.5f}", "{:.5f}", "{:.5f}"])

# %% [markdown]
# $\mathbb E[\tanh^2]/q$ is below 1 for every $q > 0$ ($|\tanh z| < |z|$), so at LeCun's scale a
# tanh layer always shrinks the variance a little, less and less as $q$ gets small. We will see
# what that does over many layers.

# %% [markdown]
# ## One layer, backward
#
# Backward, a layer's $\delta = \partial\mathcal L/\partial z$ comes from the layer above:
# $\delta = (W_{next}^\top \delta_{next}) \odot f'(z)$. One entry of $W_{next}^\top\delta_{next}$
# is a sum over the $n_{out}$ units of the layer above, $\sum_i W_{ij}\delta_{next,i}$, the same
# algebra as forward with $n_{out}$ terms. Treating the weights as independent of
# $\delta_{next}$ and of $z$ (the usual approximation; the measurements below test it):
#
# $$\mathrm{Var}(\delta) = n_{out}\,s^2\,\mathbb E[f'(z)^2]\;\mathrm{Var}(\delta_{next}).$$
#
# ReLU's $\mathbb E[\mathrm{relu}'(z)^2] = 1/2$ (SymPy, above) asks for $s^2 = 2/n_{out}$.
# For tanh, $\mathbb E[\tanh'(z)^2]$ has no closed form either (the table's last column is
# numerical); its series starts

# %%
display(sp.Eq(sp.Symbol(r"\mathbb{E}[\tanh'(z)^2]"), tanh_slope2, evaluate=False))

# %% [markdown]
# so near $q = 0$ it is 1 and tanh asks for $s^2 = 1/n_{out}$.

# %% [markdown]
# ## Forward and backward at once: Xavier
#
# Forward wants $n_{in}s^2 = 1$, backward $n_{out}s^2 = 1$ (for tanh near 0). A square
# layer satisfies both. Otherwise Glorot and Bengio's compromise takes the average fan,
# $s^2 = 2/(n_{in}+n_{out})$: neither factor is 1, but neither is far from it unless the
# shapes differ a lot. For a few layer shapes (linear regime):

# %%
shapes = [(784, 256), (256, 256), (256, 10)]
rules = {"LeCun 1/n_in": lambda i, o: 1 / i, "Xavier 2/(n_in+n_out)": lambda i, o: 2 / (i + o),
         "1/n_out": lambda i, o: 1 / o}
Table(["n_in × n_out", "rule", "s²", "forward n_in s²", "backward n_out s²"],
      [[f"{i} × {o}", rule, var(i, o), i * var(i, o), o * var(i, o)] for i, o in shapes
       for rule, var in rules.items()], [None, None, "{:.3e}", "{:.3f}", "{:.3f}"])

# %% [markdown]
# Xavier's paper also draws uniformly from $[-r, r]$. SymPy gives that distribution's variance,
# and so the $r$ with Xavier's variance:

# %%
r, var_uniform = derive.uniform_variance()
n_in, n_out = sp.symbols("n_in n_out", positive=True)
r_xavier = sp.solve(sp.Eq(var_uniform, 2 / (n_in + n_out)), r)[0]
display(sp.Eq(sp.Symbol(r"\mathrm{Var}(U(-r, r))"), var_uniform), sp.Eq(r, r_xavier))

# %% [markdown]
# For ReLU the same compromise is $4/(n_{in}+n_{out})$; He's paper uses $2/n_{in}$ (or
# $2/n_{out}$) and `bpbook`'s `init="he"` is $2/n_{in}$. `init="xavier"` is
# $2/(n_{in}+n_{out})$.

# %% [markdown]
# ## Checked against Monte Carlo
#
# Each formula claims the mean of some random quantity. Draw that quantity $N$ times and compare
# the average, with its standard error (the draws' standard deviation over $\sqrt N$; the tests
# hold every formula to a few standard errors, with other seeds):

# %%
mc_table, mc_worst = checks.monte_carlo()
assert mc_worst < 4, mc_worst
display(mc_table, say("The largest distance: {w:.1f} standard errors.", w=mc_worst))

# %% [markdown]
# ## Measured in deep networks
#
# Now the real thing: square networks of `probe.DEPTH` layers of `probe.WIDTH` units, no biases,
# a batch of standard normal inputs. Layer $l$'s weights are a gain $g$ times the derived
# standard deviation ($\sqrt{1/n}$ for tanh, $\sqrt{2/n}$ for ReLU) times a standard normal
# matrix, the same matrices for every $g$. Backward, the gradient arriving at the last layer's
# output is a standard normal matrix $G$ (the loss $\mathcal L = \sum G \odot a_L$, a random
# readout). The forward and backward passes:

# %%
print(inspect.getsource(probe.propagate))

# %% [markdown]
# Before trusting its $\delta$s: the same code on a smaller network, in torch, its $\delta_l$ read
# with `retain_grad()` after `backward()` ([chapter 12](12_pytorch.py) introduces PyTorch; here it
# is only an independent witness):

# %%
torch_table, torch_gap = checks.against_torch("tanh")
assert torch_gap < 1e-12, torch_gap
display(say("Largest difference from torch's δ, relative to the layer's largest δ: {g:.1e}.",
            g=torch_gap))

# %% [markdown]
# The "variance" of a layer is the mean of the squares of its `WIDTH` × `M` entries. Three gains
# per activation (`probe.GAINS`): the derived scale ($g = 1$), a little smaller and a little
# larger:

# %%
runs = {act: [probe.probe(act, g) for g in probe.GAINS] for act in ("tanh", "relu")}
display(say("Networks: {d} layers of {w} units, a batch of {m} samples.", d=probe.DEPTH,
            w=probe.WIDTH, m=probe.M))
probe.summary_table([p for ps in runs.values() for p in ps])

# %% [markdown]
# "×/layer" is the geometric mean of the per-layer ratios (the steady factor with the same
# product); "predicted" is the same mean of the theory's factors, each evaluated at the measured
# variance of the layer's input. The picture shows every layer, the theory alone (from the
# input, no measurement) dotted:

# %%
plots.profiles_figure(runs)

# %%
relu = dict(zip(probe.GAINS, runs["relu"]))
tanh = dict(zip(probe.GAINS, runs["tanh"]))
low, high = min(probe.GAINS), max(probe.GAINS)
display(say("ReLU at He's scale: Var(z) goes from {a:.3g} at layer 1 to {b:.3g} at layer {d}, "
            "Var(δ) from {c:.3g} at layer {d} to {e:.3g} at layer 1. At g = {gl:g} each layer "
            "multiplies both by about g² = {lo:.2f}, and Var(z_{d}) ends {fl:.1e} times Var(z_1); "
            "at g = {gh:g}, by {hi:.4f}, and it ends {fh:.1e} times larger: geometric drift.",
            a=relu[1.0].q[0], b=relu[1.0].q[-1], c=relu[1.0].v[-1], e=relu[1.0].v[0],
            d=probe.DEPTH, gl=low, gh=high, lo=low ** 2, hi=high ** 2,
            fl=relu[low].q[-1] / relu[low].q[0], fh=relu[high].q[-1] / relu[high].q[0]))

# %% [markdown]
# Layer by layer, for tanh at LeCun's scale: the measured ratio into each layer beside the
# predicted factor $ns^2\,\mathbb E[\tanh(z)^2]/q$ (forward) and $ns^2\,\mathbb
# E[\tanh'(z)^2]$ (backward), at the layer's measured $q$:

# %%
probe.layer_table(tanh[1.0])

# %%
gap_fwd, gap_bwd = probe.largest_gap([p for ps in runs.values() for p in ps])
gap_tanh = probe.largest_gap(runs["tanh"])
display(say("Over all {k} networks and all layers, the measured per-layer ratio differs from the "
            "predicted factor by at most {f:.0%} forward and {b:.0%} backward; for tanh alone, "
            "{tf:.1%} and {tb:.1%}.", k=sum(map(len, runs.values())), f=gap_fwd, b=gap_bwd,
            tf=gap_tanh[0], tb=gap_tanh[1]))

# %%
product = {g: np.prod(p.forward) / np.prod(p.forward_predicted) for g, p in relu.items()}
display(say("For ReLU the product of the {k} measured forward ratios is {a:.2f} times the "
            "predicted product at g = 1, and the same, {b:.2f} and {c:.2f}, at g = {gl:g} and "
            "{gh:g}, whose predicted products are {pb:.1e} and {pc:.1e}.",
            k=probe.DEPTH - 1, a=product[1.0], b=product[low], c=product[high], gl=low, gh=high,
            pb=np.prod(relu[low].forward_predicted), pc=np.prod(relu[high].forward_predicted)))

# %% [markdown]
# The three agree because they are one measurement: the matrices are the same and ReLU is
# positively homogeneous, $\mathrm{relu}(gz) = g\,\mathrm{relu}(z)$, so every ratio is $g^2$
# times its value at $g = 1$, measured and predicted alike. Why below 1? One layer's ratio is a
# random number (its $W$ is a single draw) whose mean the theory gives. A product of random
# factors with mean 1 typically ends below 1, since the mean of a logarithm is below the
# logarithm of the mean; the narrower the layers, the wider each factor's spread and the
# stronger this drift (the explorer's narrower network below shows it).

# %% [markdown]
# ## tanh has no perfect scale
#
# At $g = 1$, tanh's variance still shrinks: from $q$ to $q - 2q^2 + \dots$ per layer (the series
# above), slower as $q$ falls, so $q$ decays like $1/(2l)$ rather than geometrically. With
# $g > 1$, the variance settles where $q = g^2\,\mathbb E[\tanh(z)^2]$; there each layer
# multiplies $\mathrm{Var}(\delta)$ by $g^2\,\mathbb E[\tanh'(z)^2]$. Computed, with PyTorch's
# recommended gain for tanh among them:

# %%
import torch

torch_gain = torch.nn.init.calculate_gain("tanh")
fixed_gains = [1.05, 1.1, 1.25, 1.5, torch_gain, 2.0]
fixed = [(g, *derive.fixed_point("tanh", g)) for g in fixed_gains]
from_input = {g: derive.predicted_profile("tanh", g, probe.DEPTH)[1] for g in fixed_gains}
display(Table(["gain g", "settled Var(z)", "backward factor there",
               f"over {probe.DEPTH} settled layers",
               f"layers to settle (change < {derive.SETTLE_TOL:g})",
               f"Var(δ₁)/Var(δ_{probe.DEPTH}), {probe.DEPTH} layers from Var(x) = 1"],
              [[g, qv, chi, chi ** probe.DEPTH, n, from_input[g][0] / from_input[g][-1]]
               for g, qv, chi, n in fixed],
              ["{:.4g}", "{:.4f}", "{:.4f}", "{:.3g}", None, "{:.3g}"]),
        say("At PyTorch's gain {pg:.4g} the settled gradient grows by {chi:.2f} per layer. The "
            "measured {d}-layer tanh network at g = {g:g} has not settled: its Var(δ) goes "
            "from {top:.3g} at layer {d} to {bottom:.3g} at layer 1.", pg=torch_gain,
            chi=derive.fixed_point("tanh", torch_gain)[1], d=probe.DEPTH, g=high, top=tanh[high].v[-1],
            bottom=tanh[high].v[0]))

# %% [markdown]
# A larger gain buys a steadier forward signal with a backward factor above 1, once the variance
# has settled (the last column is the theory for the chapter's networks, which start unsettled);
# at $g = 1$ the backward factor approaches 1 only as the signal fades. Choosing is a
# trade, and depth decides how much either side costs.
#
# **Sigmoid.** Its slope is at most $1/4$, so $\mathbb E[\sigma'(z)^2] \le 1/16$: to hold
# $\mathrm{Var}(\delta)$, $ns^2$ would have to be at least 16, which drives $z$ into saturation,
# where the slope is smaller still. At Xavier's scale, measured:

# %%
sig = probe.probe("sigmoid", 1.0)
display(say("Sigmoid, {d} layers, ns² = 1: Var(z) settles (from {q1:.3g} at layer 1 to {qd:.3g} "
            "at layer {d}), but each layer multiplies Var(δ) by {b:.4f} (predicted {bp:.4f}); "
            "Var(δ₁) is {t:.1e} times Var(δ_{d}).", d=sig.depth, q1=sig.q[0], qd=sig.q[-1],
            b=probe.Probe.per_layer(sig.backward),
            bp=probe.Probe.per_layer(sig.backward_predicted), t=sig.v[0] / sig.v[-1]))

# %%
import math

hold_gain, hold_q = derive.holding_gain("sigmoid")
display(say("A gain can still hold it, at a price: the settled backward factor reaches 1 only at "
            "ns² = {n:.0f} (g = {g:.1f}), where Var(z) settles at {q:.0f}. There |z| exceeds 4, "
            "where the slope is below {s:.3f}, on {p:.0%} of the inputs: most units are stuck "
            "near 0 or 1.", n=hold_gain ** 2, g=hold_gain, q=hold_q,
            s=0.25 / math.cosh(2.0) ** 2, p=math.erfc(4 / math.sqrt(2 * hold_q))))

# %% [markdown]
# ## Play with it
#
# Choose the gain $g$ (a multiple of the derived standard deviation), the depth and the
# activation; the pictures show the measured variance of $z_l$ and of $\delta_l$ at every layer
# of a network of `explore.WIDTH` units, the theory dotted (the text alternative gives the same
# numbers in words). The explorer calls `bpbook.chapters.ch09_initialisation.explore.update`.
# Things to try: ReLU at $g = 1$, then 1.1 and 0.9 at depth 30; tanh at $g = 1$, then 1.25; tanh
# at $g = 2$ (forward steady, backward not).

# %%
from bpbook.chapters.ch09_initialisation.explore import explorer, update

explorer()

# %% [markdown]
# The same function, called directly, for ReLU at He's scale:

# %%
view = update(gain=1.0, depth=30, activation="relu")
print(view.description)
view.table

# %%
display(say("At {w} units the forward ratio measures {m:.3f} per layer against the predicted "
            "{p:.3f}: the drift below 1 of a product of random factors (at {W} units, "
            "{M:.3f}).", w=view.probe.width,
            m=probe.Probe.per_layer(view.probe.forward),
            p=probe.Probe.per_layer(view.probe.forward_predicted), W=probe.WIDTH,
            M=probe.Probe.per_layer(relu[1.0].forward)))

# %% [markdown]
# ## Recap
#
# - Forward, $\mathrm{Var}(z) = n_{in}s^2\,\mathbb E[a^2]$; backward, $\mathrm{Var}(\delta) =
#   n_{out}s^2\,\mathbb E[f'(z)^2]\,\mathrm{Var}(\delta_{next})$. Both follow from
#   independent zero-mean weights; Monte Carlo agrees within a few standard errors.
# - ReLU keeps half: $\mathbb E[\mathrm{relu}(z)^2] = q/2$, $\mathbb E[\mathrm{relu}'^2] =
#   1/2$ (SymPy), hence He's $2/n_{in}$. Near 0 tanh is the identity, hence LeCun's $1/n_{in}$;
#   its expectations have no closed form and are computed numerically.
# - Xavier's $2/(n_{in}+n_{out})$ splits the difference between the forward and the backward
#   condition.
# - Measured in deep networks, the derived scale keeps ReLU's variances within a small factor
#   (a product of random factors drifts a little below 1, more in narrow layers), and a little
#   off it they drift geometrically, by about the predicted factor per layer. tanh at $g = 1$ fades
#   slowly ($\sim 1/l$); above 1 its variance settles, and there the gradient grows a little per
#   layer.
# - Sigmoid's small slope lets only a huge scale hold the backward pass, one that saturates most
#   units.

# %% [markdown]
# ## Exercises
#
# Replace `None` with your answer and run the cell.

# %%
from bpbook.chapters.ch09_initialisation.exercises import (FACTOR_S, FACTOR_WIDTH, HE_N_IN,
                                                           LEAKY_ALPHA, UNIFORM_N_IN,
                                                           check_he_uniform,
                                                           check_he_variance,
                                                           check_layer_factor)

# %% [markdown]
# **1.** A Leaky ReLU layer, $f(z) = \max(\alpha z, z)$ with the slope $\alpha$ and the fan-in
# printed below: redo ReLU's step of the forward law for it. What weight variance keeps
# $\mathrm{Var}(z)$ the same from layer to layer?

# %%
display(say("Your layer: α = {a:g}, n_in = {i}.", a=LEAKY_ALPHA, i=HE_N_IN))

# %% tags=["exercise"] exercise="09.he-variance"
answer = None

# %% tags=["check"]
check_he_variance(answer)

# %% [markdown]
# **2.** A deep square ReLU network of width $n$ has weights with standard deviation $s$
# (printed below). By what factor does each layer multiply $\mathrm{Var}(z)$?

# %%
display(say("Your network: n = {n}, s = {s:g}.", n=FACTOR_WIDTH, s=FACTOR_S))

# %% tags=["exercise"] exercise="09.layer-factor"
answer = None

# %% tags=["check"]
check_layer_factor(answer)

# %% [markdown]
# **3.** He's weights can also be drawn uniformly from $[-r, r]$. For a ReLU layer with the fan-in
# printed below, which $r$ gives He's variance?

# %%
display(say("Your layer: n_in = {i}.", i=UNIFORM_N_IN))

# %% tags=["exercise"] exercise="09.he-uniform"
answer = None

# %% tags=["check"]
check_he_uniform(answer)

# %% [markdown] tags=["think"] exercise="09.bias-floor"
# **4.** This chapter's networks have no biases. Let every layer add a bias drawn independently
# of everything else, with mean 0 and variance $s_b^2$. How does the forward law change? What
# does that do to tanh's slow fading at $g = 1$: where, roughly, does $\mathrm{Var}(z)$ end up
# for a small $s_b^2$?
