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
# # 8. Vanishing and exploding gradients
#
# **In this chapter you will**
# - watch the gradient fade layer by layer in a deep sigmoid network, and count exactly which
#   slopes make it fade;
# - try four cures: ReLU, an initialisation matched to the activation, skip connections, batch
#   normalisation (whose backward pass SymPy derives);
# - blow a network up on purpose, read the error bpbook raises, and tame it with gradient
#   clipping and with He's initialisation;
# - play with depth, activation, initialisation, skips and batch norm in an explorer.
#
# Weight decay, dead ReLUs, the golden rules of backprop and the memory a backward pass needs
# follow in [chapter 10](10_training_in_practice.py). Every number and picture below is computed
# on this page, every random draw seeded. The symbols ($z_l$, $a_l$, $\delta_l$, layers
# $l = 1, \dots, L$, samples in columns) are those of [chapter 3, Notation](03_worked_example.py).

# %% [markdown]
# ## A deep network and its gradients
#
# Backprop works on the two-layer networks of the previous chapters. Stack many layers and
# something odd happens: the layers next to the inputs barely learn. To see it we need a task, a
# deep network and a way to measure how much each layer learns.
#
# **The task** (`bpbook.deep.toy_data`): each input $x$ is a column of random numbers (how many
# is printed below, in the shape of `X`); its target is one number, $y = \tanh(v \cdot x)$, for a
# fixed random direction $v$. A regression from a vector to one number, with the mean squared
# error as the loss.
#
# **The network** (`bpbook.deep.deep_net`): $D$ hidden layers of equal width, then one linear
# output unit, so $L = D + 1$ layers in all: layer 1 next to the inputs, layer $D + 1$ the output.
#
# **Its starting weights** are random normal numbers, and their spread matters. Two recipes scale
# it to the layer's fan-in $n_{in}$ and fan-out $n_{out}$: **Xavier's** (Glorot's) draws with
# variance $\mathrm{Var}(W) = 2/(n_{in}+n_{out})$, meant for tanh and sigmoid; **He's** with
# $2/n_{in}$, twice as much for a square layer, meant for ReLU, which zeroes about half of its
# inputs. Both aim to keep a signal's size about constant from layer to layer, forward and
# backward; why these numbers do that is derived later ([chapter 9](09_initialisation.py)).
# `init="normal"` draws $\mathcal N(0, 1)$ instead, whatever the width.
#
# **The measure**: after one backward pass, the size of each layer's weight gradient, the
# (Frobenius) norm $\|\partial\mathcal{L}/\partial W_l\| =
# \sqrt{\sum_{i,j}(\partial\mathcal{L}/\partial W_{l,ij})^2}$. It says how far one gradient step
# moves that layer's weights.
#
# The settings of this section:

# %%
# %matplotlib inline
import numpy as np
from IPython.display import display

from bpbook.chapters.ch08_vanishing_gradients import plots
from bpbook.chapters.ch08_vanishing_gradients.experiments import gradient_profile
from bpbook.deep import deep_net, toy_data
from bpbook.display import say

D, WIDTH, M = 15, 32, 64  # hidden layers, units per hidden layer, samples in the batch
X, Y = toy_data(m=M)
display(say("$D$ = {d} hidden layers of {w} units; a batch of {m} samples: `X` has shape {xs}, "
            "`Y` has shape {ys}.", d=D, w=WIDTH, m=M, xs=X.shape, ys=Y.shape))

# %% [markdown]
# Three networks that differ only in their hidden activation: sigmoid and tanh start from
# Xavier's initialisation, ReLU from He's, each its usual partner.

# %%
setups = {"sigmoid": "xavier", "tanh": "xavier", "relu": "he"}
profiles = {act: gradient_profile(deep_net(D, WIDTH, activation=act, init=init), X, Y)
            for act, init in setups.items()}
plots.profiles({f"{act} ({setups[act]} init)": n for act, n in profiles.items()})

# %%
from bpbook.tables import Table

Table(["activation", "layer 1", f"layer {D}", f"layer 1 / layer {D}"],
      [[act, n[0], n[D - 1], n[0] / n[D - 1]] for act, n in profiles.items()],
      formats=[None, "{:.2e}", "{:.2e}", "{:.2e}"])

# %% [markdown]
# With sigmoid the first layer's gradient is many orders of magnitude smaller than the last
# hidden layer's: those weights will hardly move. This is the **vanishing gradient**.

# %% [markdown]
# ## Why: a product of small slopes
#
# Backward through one hidden layer, the error signal $\delta_l = \partial\mathcal{L}/\partial z_l$
# is multiplied by the weights above and by the slope $f'$ of the activation:
#
# $$\delta_{l} = \left(W_{l+1}^\top \delta_{l+1}\right) \odot f'(z_l),
# \qquad \frac{\partial\mathcal{L}}{\partial W_l} = \delta_l\, a_{l-1}^\top ,$$
#
# with $f' = \sigma'$ in the sigmoid network. **Counting the slopes.** Our output layer is linear,
# so $\delta_{D+1} = \partial\mathcal{L}/\partial \hat y$ has no $\sigma'$ in it. Each step down,
# from $\delta_{l+1}$ to $\delta_l$, adds one factor $\sigma'(z_l)$. So $\delta_1 =
# \partial\mathcal{L}/\partial z_1$ carries $D$ slopes, $\sigma'(z_1), \dots, \sigma'(z_D)$: **one
# per sigmoid layer, layer 1's own included**, and $\partial\mathcal{L}/\partial W_1 = \delta_1
# a_0^\top$ inherits all of them. (A sigmoid output layer would add its own $\sigma'(z_L)$ to
# $\delta_L$: one more.) The last hidden layer's $\delta_D$ already holds $\sigma'(z_D)$, so the
# ratio of layer 1's gradient to layer $D$'s holds $D - 1$ of them.
#
# The count, checked on a chain of one-unit layers (every $\delta$ and $W$ a single number), one
# sample:

# %%
from bpbook.chapters.ch08_vanishing_gradients.experiments import chain_factors

CHAIN = 10  # sigmoid layers in the chain (a setting)
c = chain_factors(CHAIN)
w, s = np.prod(c["weights"]), c["slopes"]
display(say(r"$\delta_1$ = {d1:.6e}. $\delta_{{L}} \cdot W_2 \cdots W_{{L}}$ times the "
            r"{n} slopes $\sigma'(z_1)\cdots\sigma'(z_{{{n}}})$ = {full:.6e}; with one slope "
            r"fewer ($\sigma'(z_1)$ left out) it would be {short:.6e}.",
            d1=c["delta_1"], n=len(s), full=c["delta_out"] * w * np.prod(s),
            short=c["delta_out"] * w * np.prod(s[1:])))

# %% [markdown]
# The slope of the sigmoid, $\sigma'(z) = \sigma(z)(1-\sigma(z))$, is never larger than its
# value at $z = 0$, one quarter:

# %%
from bpbook.activations import sigmoid_prime, tanh_prime

z = np.linspace(-10, 10, 200001)
display(say("Largest σ'(z) on a fine grid: {s:.6f}, at z = {z0:.3f}. Largest tanh'(z): {t:.6f}.",
            s=sigmoid_prime(z).max(), z0=z[np.argmax(sigmoid_prime(z))], t=tanh_prime(z).max()))

# %% [markdown]
# So the product of the $D$ slopes in $\delta_1$ is at most $(1/4)^D$: on their own, the slopes
# shrink $\delta_1$ by a factor of **at least** $4^D$, and layer 1's gradient relative to layer
# $D$'s by at least $4^{D-1}$ (the weights can make up some of it, or add to it). The tutorial
# this book grew from quotes both bounds for ten layers, as one number; here they are computed,
# next to what it prints (the errata convention of [chapter 3](03_worked_example.py)):

# %%
from bpbook.reference import PITFALLS_SOURCE, VANISHING_PRINTED
from bpbook.worked import disagrees

TEN = 10  # the tutorial's number of layers
bounds = {"0.25**10": (f"slopes' product in δ₁ ≤ (1/4)^{TEN}", 0.25 ** TEN),
          "layer 1 / layer 10": (f"in layer 1 / layer {TEN} ≤ (1/4)^{TEN - 1}", 0.25 ** (TEN - 1))}
Table(["largest slope factor, ten sigmoid layers", "computed", "printed", "agrees?"],
      [[what, value, VANISHING_PRINTED[key],
        "no" if disagrees(VANISHING_PRINTED[key], value) else "yes"]
       for key, (what, value) in bounds.items()], formats=[None, "{:.2e}", None, None],
      caption=f"printed: the tutorial, {PITFALLS_SOURCE}")

# %% [markdown]
# The weights matter too: the signal is multiplied by $W_{l+1}^\top$ at each layer. Measure both
# factors in the sigmoid network, layer by layer: the mean slope $\sigma'(z_l)$ the units
# actually had, and how much the gradient norm shrank from one layer to the one below.

# %%
net = deep_net(D, WIDTH, activation="sigmoid", init="xavier")
norms = gradient_profile(net, X, Y)
slopes = np.array([sigmoid_prime(layer.z).mean() for layer in net.layers[:D]])
shrink = norms[:D - 1] / norms[1:D]
display(say("Mean σ'(z) over the hidden layers: between {lo:.3f} and {hi:.3f}. Each layer down "
            "multiplies the gradient norm by {g:.3f} on average (geometric mean); over the {k} "
            "steps from layer {D} to layer 1 that is {p:.2e}.", lo=slopes.min(), hi=slopes.max(),
            g=np.exp(np.log(shrink).mean()), k=D - 1, D=D, p=np.prod(shrink)))

# %% [markdown]
# Tanh has slope one at zero, ReLU has slope one for every positive input: neither has the
# built-in factor of a quarter, which is why their curves above lose so much less on the way down
# (compare the last column of the first table).

# %% [markdown]
# ## Cures, side by side
#
# 1. **An activation whose slope is not small**: ReLU instead of sigmoid.
# 2. **A careful initialisation**: weights scaled to the layer width so that signals keep their
#    size: Xavier's for tanh, He's for ReLU (both described at the top of the chapter).
#    $\mathcal N(0, 1)$ (too large for tanh) and Xavier's under ReLU are shown for contrast.
# 3. **A skip connection**: each hidden layer adds its output to its input, $a_l = a_{l-1} +
#    f(W_l a_{l-1} + b_l)$. Backward, $\partial\mathcal{L}/\partial a_{l-1} =
#    \partial\mathcal{L}/\partial a_l + W_l^\top \delta_l$: the first term carries the gradient down
#    untouched by any slope $f'$.
#
# (A fourth, batch normalisation, gets its own section below.) `bpbook.deep.Residual` is the
# skip block: a `Dense` layer with the skip added in `forward` and in `backward`.

# %%
cures = {
    "activation": {"sigmoid": dict(activation="sigmoid"),
                   "relu (he)": dict(activation="relu", init="he")},
    "initialisation": {"tanh, N(0,1)": dict(activation="tanh", init="normal"),
                       "tanh, xavier": dict(activation="tanh"),
                       "relu, xavier": dict(activation="relu"),
                       "relu, he": dict(activation="relu", init="he")},
    "skip connection": {"sigmoid": dict(activation="sigmoid"),
                        "sigmoid + skips": dict(activation="sigmoid", residual=True)},
}
cure_norms = {cure: {label: gradient_profile(deep_net(D, WIDTH, **kw), X, Y)
                     for label, kw in runs.items()} for cure, runs in cures.items()}
plots.panels(cure_norms)

# %%
Table(["cure", "network", f"layer 1 / layer {D}"],
      [[cure, label, n[0] / n[D - 1]] for cure, runs in cure_norms.items()
       for label, n in runs.items()], formats=[None, None, "{:.2e}"])

# %% [markdown]
# The skip connection's cure is clearer in the error signals themselves, $\|\delta_l\|$, than in
# the weight gradients $\delta_l a_{l-1}^\top$: with skips, each sigmoid block adds its positive
# outputs to the stream its successors read, so the $a_{l-1}$ grow towards the output.

# %%
from bpbook.chapters.ch08_vanishing_gradients.experiments import delta_norms

streams = {}
for label, skips in (("sigmoid", False), ("sigmoid + skips", True)):
    net = deep_net(D, WIDTH, activation="sigmoid", residual=skips)
    gradient_profile(net, X, Y)
    streams[label] = (delta_norms(net), [float(np.sqrt(np.mean(layer.a ** 2)))
                                         for layer in net.layers[:D]])
Table(["network", "‖δ₁‖", f"‖δ_{D}‖", "rms of a₁", f"rms of a_{D}"],
      [[label, d[0], d[D - 1], a[0], a[D - 1]] for label, (d, a) in streams.items()],
      formats=[None, "{:.2e}", "{:.2e}", "{:.2f}", "{:.2f}"])

# %% [markdown]
# The ratio says whether the layers learn at a similar pace (near one) or not. A wrong
# initialisation can make the gradient *grow* towards the inputs instead (tanh with
# $\mathcal N(0,1)$ weights): the exploding gradient, two sections below.
#
# But a ratio hides the scale. By the ratio, ReLU with Xavier's weights looks even flatter than
# with He's. Xavier's variance for a square layer, $2/(2n) = 1/n$, is half of He's $2/n$, and a
# ReLU zeroes about half of its inputs' power; so each layer passes on about half the mean
# square of the signal it gets, and the signal fades going up. Look at the absolute sizes: the
# root-mean-square of each hidden layer's output $a_l$, and each layer's gradient norm.

# %%
from bpbook.chapters.ch08_vanishing_gradients.experiments import activation_rms

relu_inits = {"relu, xavier": "xavier", "relu, he": "he"}
relu_nets = {k: deep_net(D, WIDTH, activation="relu", init=v) for k, v in relu_inits.items()}
rms = {k: activation_rms(net, X) for k, net in relu_nets.items()}
plots.scale(rms, {k: cure_norms["initialisation"][k] for k in relu_inits})

# %%
xav, he = cure_norms["initialisation"]["relu, xavier"], cure_norms["initialisation"]["relu, he"]
display(say("Output of layer {D}, root-mean-square: {rx:.1e} with Xavier, {rh:.2f} with He. "
            "Largest gradient norm of any layer: {gx:.1e} with Xavier, {gh:.2f} with He. Under "
            "ReLU, Xavier's weights are too small: every layer's gradient is flat *and* tiny.",
            D=D, rx=rms["relu, xavier"][-1], rh=rms["relu, he"][-1], gx=xav.max(), gh=he.max()))

# %% [markdown]
# ## Batch normalisation, the fourth cure
#
# The tutorial lists batch normalisation among the cures. It normalises each unit's
# pre-activation over the batch before the activation sees it. For one unit and a batch of $m$
# samples $z_1, \dots, z_m$:
#
# $$\begin{aligned}
# \mu &= \frac1m\sum_i z_i, & v &= \frac1m\sum_i (z_i - \mu)^2,\\
# \hat z_i &= \frac{z_i - \mu}{\sqrt{v + \varepsilon}}, & u_i &= \gamma\,\hat z_i + \beta,
# \end{aligned}$$
#
# with a small $\varepsilon$ against division by zero and two learned parameters per unit, the
# scale $\gamma$ and the shift $\beta$. `bpbook.BatchNorm(n_features)` is this layer, in training
# mode (statistics of the current batch), with the conventions of PyTorch's
# `torch.nn.BatchNorm1d`: the variance $v$ divides by $m$, not $m - 1$. Its $\varepsilon$:

# %%
from bpbook.norm import EPS

display(say("ε = {e:g}.", e=EPS))

# %% [markdown]
# **Its backward pass.** Every output $u_i$ depends on every input $z_j$, through $\mu$ and
# $v$. With $\bar u_i = \partial\mathcal{L}/\partial u_i$ arriving from above (a bar marks a
# gradient of the loss), the chain rule collects three paths into each $z_i$ (directly, through
# $\mu$, through $v$):
#
# $$\begin{aligned}
# \frac{\partial\mathcal{L}}{\partial z_i} &= \frac{\gamma}{m\sqrt{v+\varepsilon}}
# \Big(m\,\bar u_i - \sum_j \bar u_j - \hat z_i \sum_j \bar u_j \hat z_j\Big),\\
# \frac{\partial\mathcal{L}}{\partial \gamma} &= \sum_i \bar u_i \hat z_i,\qquad
# \frac{\partial\mathcal{L}}{\partial \beta} = \sum_i \bar u_i .
# \end{aligned}$$
#
# SymPy derives it for a small batch: it writes out $\mathcal{L} = \sum_i \bar u_i u_i$ (whose
# gradients are exactly what the backward pass must return), differentiates, and subtracts the
# closed form above (`derive` in the chapter's `batchnorm` module):

# %%
from bpbook.chapters.ch08_vanishing_gradients.batchnorm import compare, derive

BN_M = 3  # samples in the symbolic batch (a setting)
derived = derive(BN_M)
display(say("Batch of m = {m}. SymPy's derivative minus the closed form, simplified: "
            "∂ℒ/∂z₁: {r1}; ∂ℒ/∂γ: {r2}; ∂ℒ/∂β: {r3}.", m=BN_M,
            **dict(zip(("r1", "r2", "r3"), derived["residuals"].values()))))

# %% [markdown]
# At numbers (a seeded batch), SymPy's gradients next to those of `bpbook.BatchNorm`'s
# `backward` (the tests also compare it with PyTorch and with finite differences):

# %%
rng = np.random.RandomState(1)
compare(derived, z=rng.randn(BN_M).tolist(), g=rng.randn(BN_M).tolist())

# %% [markdown]
# Now the deep sigmoid network of the first section, with and without a `BatchNorm` between each
# hidden layer's $z_l$ and its sigmoid (`deep_net(..., batchnorm=True)`; the same weights):

# %%
bn_net = deep_net(D, WIDTH, activation="sigmoid", batchnorm=True)
with_bn = gradient_profile(bn_net, X, Y)
plots.profiles({"sigmoid": profiles["sigmoid"], "sigmoid + batch norm": with_bn},
               title="gradient norm per layer, with and without batch norm")

# %%
from bpbook.norm import BatchNorm

scales = np.concatenate([(layer.gamma * layer.inv_std).ravel() for layer in bn_net.layers
                         if isinstance(layer, BatchNorm)])
display(say("Layer 1 / layer {D}: {a:.2e} without batch norm, {b:.2f} with it. Backward, batch "
            "norm subtracts from the upstream gradient ū its batch mean and ẑ times the batch "
            "mean of ū·ẑ (the paths through μ and v in the closed form above), and multiplies "
            "what is left by γ/√(v+ε), here between {lo:.1f} and {hi:.1f} (median {med:.1f}) "
            "with γ = 1 at the start: most units' pre-activations have a small spread over the "
            "batch, and dividing by it makes up for the slopes of at most a quarter.", D=D,
            a=profiles["sigmoid"][0] / profiles["sigmoid"][D - 1], b=with_bn[0] / with_bn[D - 1],
            lo=scales.min(), hi=scales.max(), med=np.median(scales)))

# %% [markdown]
# ## Exploding gradients
#
# If every layer multiplies the signal by more than one, the product grows geometrically, as the
# sigmoid's product shrank. Start a deep ReLU network from weights drawn too large and train it
# with plain gradient descent. `deep_net`'s **gain** is a factor on the standard deviation of
# the initial weights: with `init="normal"` the weights are $\mathcal N(0, \text{gain}^2)$.

# %%
import textwrap

from bpbook.errors import ExplodingGradientError
from bpbook.deep import INIT_STD
from bpbook.model import fit

lr, epochs = 0.2, 300  # settings of the runs below
blowup = dict(depth=6, width=WIDTH, activation="relu", init="normal", gain=0.5)
std = blowup["gain"] * INIT_STD["normal"](WIDTH, WIDTH)
he_std = INIT_STD["he"](WIDTH, WIDTH)
display(say("{d} hidden ReLU layers of {n} units. Standard deviation of the hidden weights: {s}; "
            "He's for a layer of {n} inputs: {he:.3f}, {r:.1f} times smaller. Learning rate "
            "η = {lr}, up to {e} epochs.", d=blowup["depth"], s=std, n=WIDTH, he=he_std,
            r=std / he_std, lr=lr, e=epochs))

# %% [markdown]
# bpbook's `fit` watches the loss and the gradients: the moment one is not a finite number it
# stops with an `ExplodingGradientError` that says when and what to try. It numbers epochs from
# 0, so the epoch it names equals the number of epochs completed before it.

# %%
try:
    with np.errstate(over="ignore", invalid="ignore"):  # the error below reports it instead
        fit(deep_net(**blowup), X, Y, lr=lr, epochs=epochs)
except ExplodingGradientError as err:
    print(textwrap.fill(f"{type(err).__name__}: {err}", width=76, break_long_words=False))

# %% [markdown]
# Two remedies. **Gradient-norm clipping** rescales all gradients together when their global
# norm $\|G\| = \sqrt{\sum_\theta (\partial\mathcal{L}/\partial\theta)^2}$ is above a threshold
# $c$ ($G$: all of them as one vector):
#
# $$G \leftarrow G \cdot \min\!\left(1, \frac{c}{\|G\|}\right),$$
#
# so the direction stays and no step is longer than $\eta c$. `SGD(..., clip=c)` does it before
# every step. First, the clipping on its own, on the exploding network's first gradient:

# %%
from bpbook.optim import clip_grad_norm, grad_norm

CLIP = 1.0  # the threshold c (a setting)
net = deep_net(**blowup)
net.forward_backward(X, Y)
before = clip_grad_norm(net.parameters(), CLIP)
display(say("Gradient norm before clipping: {b:.3e}; after: {a:.6f} (threshold {c}).",
            b=before, a=grad_norm(net.parameters()), c=CLIP))

# %% [markdown]
# The other remedy is to **start from weights of the right size**: He's initialisation for
# ReLU. Four runs, the same data, the same learning rate:

# %%
from bpbook.deep import train

he_start = {**blowup, "init": "he", "gain": 1.0}
big = f"N(0, {blowup['gain']}²)"
runs = {big: (blowup, None), f"{big}, clip {CLIP}": (blowup, CLIP),
        "He": (he_start, None), f"He, clip {CLIP}": (he_start, CLIP)}
curves = {name: train(deep_net(**net_args), X, Y, lr, epochs, clip=clip)
          for name, (net_args, clip) in runs.items()}
finite = [losses for losses, err in curves.values() if not err]
# the blown-up run climbs many decades before NaN; its label says when, the axis shows the rest
plots.loss_curves(curves, f"{blowup['depth']} hidden ReLU layers, η = {lr}",
                  ylim=(min(map(min, finite)) / 2, max(map(max, finite)) * 10))

# %%
Table(["start", "epochs completed", "first loss", "last loss", "stopped by"],
      [[name, len(losses), losses[0], losses[-1], "NaN / inf" if err else "—"]
       for name, (losses, err) in curves.items()], formats=[None, None, "{:.3e}", "{:.3e}", None])

# %% [markdown]
# Clipping keeps the badly started network alive: its steps are bounded, so it walks down
# instead of jumping to infinity. The right initialisation removes the cause: the loss starts
# small and falls fast, with or without clipping.

# %% [markdown]
# ## Explore
#
# Pick a depth, an activation, an initialisation and its gain, and switch skip connections or
# batch norm on or off. The plot shows the gradient norm of every layer after one backward pass.
# Try: sigmoid at depth 30, then with batch norm; ReLU with Xavier, then He, then gain 2; tanh
# with skip connections.

# %%
from bpbook.chapters.ch08_vanishing_gradients.explore import explorer, update

explorer()

# %% [markdown]
# The explorer's update function is a plain function; call it yourself:

# %%
print(update(depth=30, activation="sigmoid", init="xavier")["message"])

# %% [markdown]
# ## Recap
#
# In this chapter we
# - measured vanishing gradients and counted their cause: $\delta_1$ carries one slope
#   $\sigma'(z_l) \le 1/4$ per sigmoid layer, layer 1's own included, so the slopes alone shrink
#   it by a factor of at least $4^D$ and deep sigmoid networks starve their first layers;
# - cured it four ways: ReLU (slope one), initialisations matched to the activation (Xavier,
#   He; judged by absolute scale, not only by ratios), skip connections that carry the gradient
#   around the activations, and batch normalisation, whose backward pass (with its two paths
#   through $\mu$ and $v$) SymPy derived;
# - blew a network up with too-large weights, read bpbook's `ExplodingGradientError`, and fixed it
#   with gradient-norm clipping and with He's initialisation.
#
# [Chapter 9](09_initialisation.py) derives where Xavier's and He's scales come from, and
# [chapter 10](10_training_in_practice.py) goes on with what training needs besides a working
# gradient: weight decay, dead ReLUs, the golden rules, and the memory of a backward pass.

# %% [markdown]
# ## Exercises
#
# **1. Counting slopes.** For the network described below the next cell: what is the largest value
# the product of all the sigmoid slopes in $\delta_1 = \partial\mathcal{L}/\partial z_1$ can take?
# Give a number.

# %%
from bpbook.chapters.ch08_vanishing_gradients.exercises import (EX_HIDDEN, check_clip,
                                                                check_ln_backward,
                                                                check_sigmoid_bound)

display(say("Your network: {h} sigmoid hidden layers, then a sigmoid output layer; the loss is "
            "the squared error.", h=EX_HIDDEN))

# %% tags=["exercise"] exercise="08.sigmoid-bound"
answer = None  # the largest value of the slopes' product

# %% tags=["check"]
check_sigmoid_bound(answer, hidden=EX_HIDDEN, sigmoid_output=True)

# %% [markdown]
# **2. Clipping.** Write `clip(grads, max_norm)`: given a list of gradient arrays, return them
# scaled *together* so that their global norm is at most `max_norm` (and unchanged if it
# already is).

# %% tags=["exercise"] exercise="08.clip"
def clip(grads, max_norm):
    return None  # replace None with your code

# %% tags=["check"]
check_clip(clip)

# %% [markdown]
# **3. Layer norm's backward.** Layer normalisation (used in transformers) normalises each
# *sample* over its $n$ features instead of each feature over the batch: for column $k$, $\mu_k$
# and $v_k$ are the mean and the (biased) variance of its $n$ entries,
# $\hat z_{ik} = (z_{ik} - \mu_k)/\sqrt{v_k + \varepsilon}$, and $u_{ik} = \gamma_i\hat z_{ik} +
# \beta_i$, with $\gamma$ and $\beta$ of shape `(n_features, 1)` as in batch norm. Write
# `ln_backward(z, u_bar, gamma)`: `z` and `u_bar` $= \partial\mathcal{L}/\partial u$ have shape
# `(n_features, m)`, `gamma` shape `(n_features, 1)`. Return $\partial\mathcal{L}/\partial z$, with
# $\varepsilon$ as above and numpy only. Batch norm's three paths are all there; watch where
# $\gamma$ sits.

# %% tags=["exercise"] exercise="08.layernorm-backward"
def ln_backward(z, u_bar, gamma):
    return None  # replace None with your code

# %% tags=["check"]
check_ln_backward(ln_backward)
