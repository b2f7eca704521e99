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
# # 5. When backprop goes wrong
#
# **In this chapter you will**
# - watch the gradient fade away layer by layer in a deep sigmoid network, and count exactly
#   which slopes make it fade;
# - try four cures: ReLU, a careful initialisation, a skip connection, batch normalisation;
# - blow a network up on purpose, read the error bpbook raises, and tame it with clipping and
#   with He initialisation; add weight decay and check its gradient;
# - kill ReLU units with a learning rate that is too large for them, count the dead, and watch
#   a switched-off unit come back;
# - turn the seven golden rules of backprop into experiments: the memory the forward pass keeps,
#   forgetting `zero_grad`, a planted bug that gradient checking finds, and the cost of a
#   backward pass;
# - play with depth, activation and initialisation in an explorer.
#
# Every number and every picture below comes from code run on this page, with every random draw
# seeded; only the timings in the last golden rule vary from run to run, and they are drawn,
# never printed. The symbols ($z_l$, $a_l$, $\delta_l$, layers $l = 1, \dots, L$, samples in
# columns) are those of [chapter 3, Notation](03_worked_example.py).

# %% [markdown]
# ## A deep network and its gradients
#
# Backprop works on the two-layer networks of the previous chapters. Stack many layers and
# something odd happens: the layers next to the inputs barely learn. To see it we need a task, a
# deep network and a way to measure how much each layer learns.
#
# **The task** (`toy_data` in `bpbook.chapters.ch08_vanishing_gradients.experiments`): each input $x$ is a
# column of random numbers (how many is printed below, in the shape of `X`); its target is one
# number, $y = \tanh(v \cdot x)$, for a fixed random direction $v$. A regression: from a vector
# to one number, with the mean squared error as the loss.
#
# **The network** (`deep_net`): $D$ hidden layers of equal width, then one linear output unit, so
# $L = D + 1$ layers in all: layer 1 next to the inputs, layer $D + 1$ the output.
#
# **The measure**: after one backward pass, the size of each layer's weight gradient, the
# (Frobenius) norm $\|\partial L/\partial W_l\| = \sqrt{\sum_{i,j}(\partial L/\partial
# W_{l,ij})^2}$. It says how far one gradient step moves that layer's weights.
#
# The settings of this section:

# %%
# %matplotlib inline
import numpy as np
from IPython.display import display

from bpbook.chapters.ch08_vanishing_gradients import plots
from bpbook.chapters.ch08_vanishing_gradients.experiments import deep_net, gradient_profile, toy_data
from bpbook.display import say

D, WIDTH, M = 15, 32, 64  # hidden layers, units per hidden layer, samples in the batch
X, Y = toy_data(m=M)
display(say("$D$ = {d} hidden layers of {w} units; a batch of {m} samples: `X` has shape {xs}, "
            "`Y` has shape {ys}.", d=D, w=WIDTH, m=M, xs=X.shape, ys=Y.shape))

# %% [markdown]
# Three networks that differ only in their hidden activation: sigmoid and tanh start from
# Xavier's initialisation, ReLU from He's (each the usual partner; more on that below).

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
# Backward through one hidden layer, the error signal $\delta_l = \partial L/\partial z_l$ is
# multiplied by the weights above and by the slope of the activation:
#
# $$\delta_{l} = \left(W_{l+1}^\top \delta_{l+1}\right) \odot \sigma'(z_l),
# \qquad \frac{\partial L}{\partial W_l} = \delta_l\, a_{l-1}^\top .$$
#
# **Counting the slopes.** Our output layer is linear, so $\delta_{D+1} = \partial L/\partial
# \hat y$ has no $\sigma'$ in it. Each step down, from $\delta_{l+1}$ to $\delta_l$, adds one
# factor $\sigma'(z_l)$. So $\delta_1 = \partial L/\partial z_1$ carries $D$ slopes,
# $\sigma'(z_1), \dots, \sigma'(z_D)$: **one per sigmoid layer, layer 1's own included**, and
# $\partial L/\partial W_1 = \delta_1 a_0^\top$ inherits all of them. (A sigmoid output layer
# would add its own $\sigma'(z_L)$ to $\delta_L$: one more.) The last hidden layer's
# $\delta_D$ already holds $\sigma'(z_D)$, so the ratio of layer 1's gradient to layer $D$'s
# holds $D - 1$ of them.
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
# So through $D$ sigmoid layers the slopes alone can shrink $\delta_1$ by up to $(1/4)^D$, and
# layer 1's gradient relative to layer $D$'s by up to $(1/4)^{D-1}$. The tutorial this book grew
# from quotes both for ten layers, as the same number; here they are computed, next to what it
# prints:

# %%
from bpbook.reference import PITFALLS_SOURCE, VANISHING_PRINTED
from bpbook.worked import disagrees

TEN = 10  # the tutorial's number of layers
bounds = {"0.25**10": (f"bound on δ₁: (1/4)^{TEN}", 0.25 ** TEN),
          "layer 1 / layer 10": (f"layer 1 / layer {TEN}: (1/4)^{TEN - 1}", 0.25 ** (TEN - 1))}
Table(["slopes' bound, ten sigmoid layers", "computed", "printed", "agrees?"],
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
#    size, Xavier's $\mathrm{Var}(W) = 2/(n_{in}+n_{out})$ for tanh, He's $2/n_{in}$ for ReLU.
#    $\mathcal N(0, 1)$ (too large for tanh) and Xavier under ReLU are shown for contrast.
# 3. **A skip connection**: each hidden layer adds its output to its input,
#    $a_l = a_{l-1} + \sigma(W_l a_{l-1} + b_l)$. Backward,
#    $\partial L/\partial a_{l-1} = \partial L/\partial a_l + W_l^\top \delta_l$: the first term
#    carries the gradient down untouched by any $\sigma'$.
#
# (A fourth, batch normalisation, gets its own section below.)
# `bpbook.chapters.ch08_vanishing_gradients.experiments.Residual` is the skip block, a `Dense` layer with
# the skip added in `forward` and in `backward`.

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
# The ratio says whether the layers learn at a similar pace (near one) or not. A wrong
# initialisation can make the gradient *grow* towards the inputs instead (tanh with
# $\mathcal N(0,1)$ weights) — the next pitfall.
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
# $$\mu = \frac1m\sum_i z_i,\qquad \sigma^2 = \frac1m\sum_i (z_i - \mu)^2,\qquad
# \hat z_i = \frac{z_i - \mu}{\sqrt{\sigma^2 + \varepsilon}},\qquad
# y_i = \gamma\,\hat z_i + \beta,$$
#
# with a small $\varepsilon$ against division by zero and two learned parameters per unit, the
# scale $\gamma$ and the shift $\beta$. `bpbook.BatchNorm(n_features)` is this layer, in training
# mode (statistics of the current batch), with the conventions of PyTorch's
# `torch.nn.BatchNorm1d`: the variance divides by $m$, not $m - 1$, and

# %%
from bpbook.norm import EPS

display(say("ε = {e:g}.", e=EPS))

# %% [markdown]
# **Its backward pass.** Every output $y_i$ depends on every input $z_j$, through $\mu$ and
# $\sigma^2$. With $g_i = \partial L/\partial y_i$ arriving from above, the chain rule collects
# three paths into each $z_i$ (directly, through $\mu$, through $\sigma^2$):
#
# $$\frac{\partial L}{\partial z_i} = \frac{\gamma}{m\sqrt{\sigma^2+\varepsilon}}
# \Big(m\,g_i - \sum_j g_j - \hat z_i \sum_j g_j \hat z_j\Big),\qquad
# \frac{\partial L}{\partial \gamma} = \sum_i g_i \hat z_i,\qquad
# \frac{\partial L}{\partial \beta} = \sum_i g_i .$$
#
# SymPy derives it for a small batch: it writes out $L = \sum_i g_i y_i$ (whose gradients are
# exactly what the backward pass must return), differentiates, and subtracts the closed form
# above (`bpbook.chapters.ch08_vanishing_gradients.batchnorm.derive`):

# %%
from bpbook.chapters.ch08_vanishing_gradients.batchnorm import compare, derive

BN_M = 3  # samples in the symbolic batch (a setting)
derived = derive(BN_M)
display(say("Batch of m = {m}. SymPy's derivative minus the closed form, simplified: "
            "∂L/∂z₁: {r1}; ∂L/∂γ: {r2}; ∂L/∂β: {r3}.", m=BN_M,
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
            "norm multiplies by γ/√(σ²+ε), here between {lo:.1f} and {hi:.1f} (median {med:.1f}) "
            "with γ = 1 at the start: most units' pre-activations have a small spread over the "
            "batch, and dividing by it makes up for the slopes of at most a quarter.", D=D,
            a=profiles["sigmoid"][0] / profiles["sigmoid"][D - 1], b=with_bn[0] / with_bn[D - 1],
            lo=scales.min(), hi=scales.max(), med=np.median(scales)))

# %% [markdown]
# ## Exploding gradients
#
# If every layer multiplies the signal by more than one, the product grows just as fast as the
# sigmoid's product shrank. Start a deep ReLU network from weights drawn too large and train it
# with plain gradient descent. `deep_net`'s **gain** is a factor on the standard deviation of
# the initial weights: with `init="normal"` the weights are $\mathcal N(0, \text{gain}^2)$.

# %%
import textwrap

from bpbook.errors import ExplodingGradientError
from bpbook.model import fit
from bpbook.chapters.ch08_vanishing_gradients.experiments import INIT_STD

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
# stops with an `ExplodingGradientError` that says when and what to try.

# %%
try:
    with np.errstate(over="ignore", invalid="ignore"):  # the error below reports it instead
        fit(deep_net(**blowup), X, Y, lr=lr, epochs=epochs)
except ExplodingGradientError as err:
    print(textwrap.fill(f"{type(err).__name__}: {err}", width=76, break_long_words=False))

# %% [markdown]
# Two remedies. **Gradient-norm clipping** rescales all gradients together when their global
# norm $\|g\| = \sqrt{\sum_\theta (\partial L/\partial\theta)^2}$ is above a threshold $c$:
#
# $$g \leftarrow g \cdot \min\!\left(1, \frac{c}{\|g\|}\right),$$
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
from bpbook.chapters.ch08_vanishing_gradients.experiments import train

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
# ## Weight decay: a penalty on large weights
#
# Another way to keep weights small is to charge for them: add
# $\frac\lambda2\sum_l \|W_l\|^2$ (the squares of all weights, biases left out) to the loss.
# Its gradient with respect to $W_l$ is one more term beside backprop's:
#
# $$\frac{\partial}{\partial W_l}\,\frac\lambda2\|W_l\|^2 = \lambda W_l .$$
#
# `add_l2_grad(model, lam)` adds $\lambda W_l$ to every `dW` after the backward pass;
# `l2_check` compares the result with central differences of the penalised loss, every weight
# of a small network:

# %%
from bpbook.chapters.ch08_vanishing_gradients.experiments import l2_check

LAM = 0.1  # λ (a setting)
X3, Y3 = toy_data(n_in=4, m=16)
display(say("λ = {lam}: largest relative error between ∂L/∂W + λW and finite differences of "
            "L + λ/2·Σ‖W‖²: {e:.1e}.", lam=LAM,
            e=l2_check(deep_net(1, width=8, n_in=4, activation="tanh"), X3, Y3, LAM)))

# %% [markdown]
# ## Dead ReLUs
#
# A ReLU unit passes no gradient where its pre-activation is $z \le 0$: its slope there is zero,
# so $\delta = 0$ on that sample. When its $z$ is $\le 0$ on *every* sample of the batch, its
# incoming weights and bias get **no gradient at all in that step** (its outgoing weights get
# none either, since its output is zero). Whether it can ever come back depends on where it sits:
#
# - in **layer 1**, its input is the data itself, which never changes. If it is off on every
#   sample of the training set, nothing in plain gradient descent ever moves its weights or its
#   input: it is dead for good;
# - in a **higher layer**, its input $a_{l-1}$ is the output of layers that keep learning. Its
#   own weights stay frozen, but as $a_{l-1}$ moves, its $z$ can turn positive on some sample,
#   and then it gets gradient again.
#
# Leaky ReLU, $\max(\alpha z, z)$, keeps a slope $\alpha$ for negative inputs: a unit can be
# switched off on all the data yet still receive a (small) gradient.
#
# A learning rate that is too large for ReLU units makes dead ones: an overshooting step can push
# a unit's weights and bias to where it is off everywhere. Train a network of two hidden layers
# with a moderate and with a larger learning rate, and count, at the end, the units that are off
# on every sample and those that get no gradient at all:

# %%
from bpbook.activations import get_activation
from bpbook.chapters.ch08_vanishing_gradients.experiments import dead_relu_runs

DEAD_WIDTH, DEAD_M, DEAD_EPOCHS = 64, 128, 200  # settings of this run
MODERATE, LARGE = 0.1, 0.2  # the two learning rates
X2, Y2 = toy_data(m=DEAD_M)
units = {"relu": "relu", "leaky relu α=0.01": "leaky_relu",
         "leaky relu α=0.1": get_activation("leaky_relu", slope=0.1)}
dead_runs = dead_relu_runs(units, (MODERATE, LARGE), X2, Y2, DEAD_WIDTH, DEAD_EPOCHS)
Table(["hidden units", "η", "off on every sample", "no gradient at all", "final loss",
       "stopped by"],
      [[name, rate, *(["—"] * 2 if err else [off, dead]), loss, "NaN / inf" if err else "—"]
       for (name, rate), (off, dead, loss, err) in dead_runs.items()],
      formats=[None, None, "{:.1%}", "{:.1%}", "{:.2e}", None])

# %%
final = {key: run[2] for key, run in dead_runs.items()}
display(say("{w} units per hidden layer, {m} samples, {e} epochs. With η = {lg}, {r:.1%} of the "
            "ReLU units get no gradient at all, and the ReLU network ends with a loss of "
            "{r_lg:.2e}, *higher* than its {r_md:.2e} with η = {md}. The leaky networks keep "
            "a gradient in every unit and end lower with the larger rate ({k_lg:.2e} against "
            "{k_md:.2e} for α = 0.01): the larger step is fine in itself; for ReLU it is too "
            "large because of the units it kills.", w=DEAD_WIDTH, m=DEAD_M, e=DEAD_EPOCHS,
            lg=LARGE, md=MODERATE, r=dead_runs["relu", LARGE][1],
            r_lg=final["relu", LARGE], r_md=final["relu", MODERATE],
            k_lg=final["leaky relu α=0.01", LARGE], k_md=final["leaky relu α=0.01", MODERATE]))

# %% [markdown]
# **A switched-off unit comes back.** Take a network with two hidden ReLU layers, switch off some
# units in each layer on every sample (their biases lowered until their largest $z$ on the batch
# is just below zero), then train with a moderate learning rate and note when each unit is first
# on again for some sample (`revival` in the chapter's `experiments`):

# %%
from bpbook.chapters.ch08_vanishing_gradients.experiments import revival

back = revival(X2, Y2, lr=MODERATE, epochs=DEAD_EPOCHS)
Table(["hidden layer", "units switched off", "back on (unit: first epoch on again)",
       "still off on every sample"],
      [[l, len(first), ", ".join(f"{u}: {e}" for u, e in first.items() if e is not None) or "—",
        sum(e is None for e in first.values())] for l, first in back.items()])

# %% [markdown]
# The units of layer 1 stay off: their input is the data. Some units of layer 2 come back: their
# own weights got no gradient while they were off, but layer 1 below them kept learning and
# moved their input.

# %% [markdown]
# ## The golden rules of backprop
#
# The tutorial ends its pitfalls with seven rules. Here they are, each with the place on this
# page (or in the book) that shows it:
#
# 1. **Store the forward values**: the backward pass needs every $z_l$ and $a_l$. What that costs
#    in memory is measured below ("Golden rule 1").
# 2. **Apply the chain rule in order, from the loss back, layer by layer, skipping none**: each
#    $\delta_l$ is built from $\delta_{l+1}$; the slope count above follows that recursion one
#    layer at a time, and chapter 3 does it by hand. A skipped or misordered layer gives wrong
#    gradients, which rule 4's check catches.
# 3. **The bias gradient is the error signal**, $\partial L/\partial b_l = \delta_l$ (summed over
#    the batch): shown under "Golden rule 4", against finite differences.
# 4. **Check your gradients** with finite differences: "Golden rule 4" below.
# 5. **Zero the gradients before each step**: "Golden rule 5" below.
# 6. **Watch your activations' derivatives**: sigmoid's slope of at most a quarter (the vanishing
#    gradient above), ReLU's zero slope (the dead units above); chapter 6 derives them all.
# 7. **One backward pass per forward pass**, a small multiple of its cost, while finite
#    differences cost two forward passes per parameter: "Golden rule 7" below.

# %% [markdown]
# ## Golden rule 1: store the forward values — what it costs
#
# After a forward pass every dense layer keeps its $z_l$ and $a_l$, each of shape $(n_l, m)$, for
# the backward pass (the linear output's $a$ is its $z$, one array; each layer's $a_{l-1}$ is
# the layer below's $a$, not a copy). In float64, 8 bytes a number, a network with $D$ hidden
# layers of $n$ units and one output unit keeps
#
# $$8\,m\,(2Dn + 1) \text{ bytes}:$$
#
# linear in the depth and linear in the batch size. `counted_bytes` is that formula;
# `measured_bytes` asks Python's `tracemalloc` how many bytes of array data (numpy reports its
# buffers apart from other allocations) a fresh network still holds after one forward pass:

# %%
from bpbook.chapters.ch08_vanishing_gradients.memory import memory_rows

MEM_WIDTH, MEM_DEPTHS, MEM_BATCHES = 64, (2, 4, 8, 16), (32, 128, 512)  # settings
mem = memory_rows(MEM_DEPTHS, MEM_BATCHES, MEM_WIDTH)
plots.memory(mem, MEM_WIDTH)

# %%
Table(["D", "m", "counted bytes", "measured bytes", "measured / counted"],
      [r + [r[3] / r[2]] for r in mem], formats=[None, None, "{:,}", "{:,}", "{:.4f}"])

# %% [markdown]
# The last column reads the two counts against each other: the forward pass keeps the $z_l$ and
# $a_l$ arrays and nothing else (each array's small Python object is left out). Training a network many times deeper, on bigger batches, this is what
# runs out first: the parameters are stored once, the activations once per sample.
#
# **Checkpointing** trades time for this memory. Keep $a_l$ only at every $k$-th layer (the
# checkpoints) and drop the rest; during the backward pass, recompute each segment's activations
# from its checkpoint by running that segment forward again, just before its backward. The
# memory falls from $D$ layers' worth to about $D/k$ checkpoints plus one segment of $k$
# layers, smallest near $k = \sqrt D$; the price is about one extra forward pass
# (`torch.utils.checkpoint` does this in PyTorch).

# %% [markdown]
# ## Golden rule 5: zero the gradients before each step
#
# bpbook, like PyTorch, *adds* each backward pass's gradients to what is already stored, so that
# gradients of several batches can be summed on purpose. Forgetting `zero_grad()` sums them by
# accident. On the worked example of chapter 3, two backward passes on the same sample:

# %%
from bpbook.worked import DEFAULTS as S
from bpbook.worked import worked_network

xw, yw = np.array([[S["x1"]], [S["x2"]]]), np.array([[S["y"]]])
net = worked_network()
net.forward_backward(xw, yw)
once = net.dense[1].dW[0, 0]
net.forward_backward(xw, yw)
twice = net.dense[1].dW[0, 0]
net.zero_grad()
net.forward_backward(xw, yw)
display(say("∂L/∂W₂ after one pass: {a:.6f}; after a second pass without zero_grad: {b:.6f} "
            "({r:.1f}×); after zero_grad and one pass: {c:.6f}.", a=once, b=twice,
            r=twice / once, c=net.dense[1].dW[0, 0]))

# %% [markdown]
# In a training loop the sum keeps growing: at step $t$ the update uses the sum of all $t$
# gradients so far. That is momentum without any friction: the steps keep their speed after the
# minimum is passed, and the weights swing to and fro. A one-hidden-layer tanh network on the
# batch of the first section, once with `zero_grad` and once without:

# %%
from bpbook.optim import SGD


def losses_of(zero_grad, lr, epochs, width):
    net = deep_net(1, width=width, activation="tanh")
    opt = SGD(net.parameters(), lr)
    losses = []
    for _ in range(epochs):
        if zero_grad:
            opt.zero_grad()
        losses.append(net.forward_backward(X, Y))
        opt.step()
    return np.array(losses)


rate, steps, units_zg = 0.1, 300, 16  # settings
zg = {"zero_grad() every step": (losses_of(True, rate, steps, units_zg), None),
      "zero_grad() forgotten": (losses_of(False, rate, steps, units_zg), None)}
plots.loss_curves(zg, f"one tanh layer of {units_zg} units, η = {rate}")

# %%
display(say("Final loss with zero_grad: {a:.4f}; without: {b:.4f}.",
            a=zg["zero_grad() every step"][0][-1], b=zg["zero_grad() forgotten"][0][-1]))

# %% [markdown]
# ## Golden rule 4: check your gradients
#
# A backward function can be wrong and still run, with every shape right. Central differences,
# $\frac{L(\theta+\varepsilon)-L(\theta-\varepsilon)}{2\varepsilon}$, catch it. Plant a bug: a
# sigmoid whose derivative forgets the factor $(1-\sigma)$.

# %%
from bpbook.activations import Activation, sigmoid
from bpbook.gradcheck import gradcheck
from bpbook.layers import Dense
from bpbook.model import Sequential

buggy_sigmoid = Activation("buggy sigmoid", sigmoid, lambda z: sigmoid(z),  # should be σ(1-σ)
                           r"1/(1+e^{-z})", r"\sigma(z)")


def worked_with(hidden_activation):
    return Sequential([Dense(2, 1, hidden_activation, W=[[S["W11"], S["W12"]]], b=[[S["b1"]]],
                             name="layer1"),
                       Dense(1, 1, "sigmoid", W=[[S["W2"]]], b=[[S["b2"]]], name="layer2")])


buggy = gradcheck(worked_with(buggy_sigmoid), xw, yw)
buggy.table

# %%
from bpbook.reference import GOLDEN_RULES_SOURCE, GRADCHECK_TOL_PRINTED

TOL = float(GRADCHECK_TOL_PRINTED)  # the tutorial's rule of thumb, used here as a setting
good_net = worked_with("sigmoid")
good = gradcheck(good_net, xw, yw)
display(say("Largest relative error with the bug: {b:.1e}; with the right derivative: {g:.1e}. "
            "The rule of thumb ({src}): above about {t:g} in float64, look for a bug.",
            b=buggy.max_rel_error, g=good.max_rel_error, src=GOLDEN_RULES_SOURCE, t=TOL))

# %%
flagged = sorted({row[0] for row in buggy.rows if row[4] > TOL})
display(say("Parameters whose relative error is above {t:g}: {f}.", t=TOL, f=", ".join(flagged)))

# %% [markdown]
# The output layer's gradients never pass through the buggy derivative, so the check flags only
# the hidden layer: the table points at the layer to fix.
#
# **Rule 3, the bias.** $z_l = W_l a_{l-1} + b_l$ has $\partial z_l/\partial b_l = 1$, so the
# bias gradient is the error signal itself. In the correct network, with its one sample:

# %%
numeric_b = {row[0]: row[3] for row in good.rows if row[0].endswith(".b")}
display(say("δ₁ = {d1:.10f}, finite differences give ∂L/∂b₁ = {n1:.10f}; δ₂ = {d2:.10f}, "
            "∂L/∂b₂ = {n2:.10f}.", d1=good_net.dense[0].delta[0, 0],
            n1=numeric_b["layer1.b"], d2=good_net.dense[1].delta[0, 0], n2=numeric_b["layer2.b"]))

# %% [markdown]
# ## Golden rule 7: one backward pass per forward pass
#
# Gradient checking is the right test and the wrong way to train: it needs two forward passes
# *per parameter*. Count the loss evaluations it makes, for networks of growing width:

# %%
from bpbook.chapters.ch08_vanishing_gradients.experiments import count_loss_evaluations, n_params

widths = [2, 4, 8, 16, 32]
fd_nets = {h: deep_net(1, width=h, n_in=4, activation="tanh") for h in widths}
fd_rows = [[h, n_params(net), count_loss_evaluations(net, X3, Y3)] for h, net in fd_nets.items()]
Table(["hidden units", "parameters", "forward passes for finite differences"], fd_rows)

# %% [markdown]
# Backprop gets all the same gradients from one forward and one backward pass. How much is a
# backward pass? In a dense layer the work is in the matrix products: forward $W_l a_{l-1}$;
# backward $\delta_l\, a_{l-1}^\top$ for $\partial L/\partial W_l$ and $W_l^\top\delta_l$ for the
# layer below, two products of the same size. Layer 1 skips the second, as bpbook's
# `Sequential.backward` does: its input is the data, whose gradient nobody needs. Counting the
# multiply-adds (`multiply_adds`), for three hidden layers of growing width:

# %%
from bpbook.chapters.ch08_vanishing_gradients.experiments import multiply_adds

m = 256  # samples (a setting)
sizes_list = [[8] + [w] * 3 + [1] for w in (16, 64, 256, 1024)]
counted = {str(s): multiply_adds(s, m) for s in sizes_list}
Table(["widths", "forward", "backward", "backward / forward"],
      [[s, f, b, b / f] for s, (f, b) in counted.items()], formats=[None, "{:,}", "{:,}", "{:.2f}"])

# %%
from bpbook.reference import BACKWARD_COST_PRINTED

ratio = [b / f for f, b in counted.values()]
display(say("A backward pass costs between {lo:.2f} and {hi:.2f} forward passes here: just under "
            "two, and furthest under for the narrow network, where layer 1's skipped product is "
            "the largest share of the work. A whole step, forward plus backward, costs between "
            "{slo:.2f} and {shi:.2f}. The tutorial's \"{a}–{b}×\" ({src}) is of that order.",
            lo=min(ratio), hi=max(ratio), slo=1 + min(ratio), shi=1 + max(ratio),
            a=BACKWARD_COST_PRINTED[0], b=BACKWARD_COST_PRINTED[1], src=GOLDEN_RULES_SOURCE))

# %% [markdown]
# The picture puts both counts side by side (left: forward-pass equivalents for all gradients,
# backprop's being $1 + $ its counted backward/forward ratio for that network), and times the
# real thing (right), which adds the elementwise work and the machine's quirks; times vary from
# run to run, so they are only drawn, never printed.

# %%
from bpbook.chapters.ch08_vanishing_gradients.experiments import backward_forward_ratios

time_widths = [16, 32, 64, 128, 256]
measured, counted_ratio = backward_forward_ratios(time_widths, m)
bp_passes = [1 + b / f for f, b in (multiply_adds([4, h, 1], m) for h in widths)]
plots.cost([r[1] for r in fd_rows], [r[2] for r in fd_rows], bp_passes, time_widths, measured,
           counted_ratio)

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
#   $\sigma'(z_l) \le 1/4$ per sigmoid layer, layer 1's own included, so deep sigmoid networks
#   starve their first layers;
# - cured it four ways: ReLU (slope one), initialisations matched to the activation (Xavier,
#   He; judged by absolute scale, not only by ratios), skip connections that carry the gradient
#   around the activations, and batch normalisation, whose backward pass SymPy derived;
# - blew a network up with too-large weights, read bpbook's `ExplodingGradientError`, and fixed it
#   with gradient-norm clipping and with He initialisation; checked weight decay's gradient
#   $\lambda W$;
# - killed ReLU units with a learning rate too large for them (a higher final loss, while leaky
#   units gained from the same rate), and saw that a unit off on every sample gets no gradient,
#   for good in layer 1, but can come back in a higher layer;
# - turned the seven golden rules into runs: stored activations cost memory linear in depth and
#   batch size, gradients accumulate until `zero_grad()`, gradient checking finds a wrong
#   derivative, the bias gradient is $\delta$, and a backward pass costs just under two forward
#   passes while finite differences cost two forward passes per parameter.

# %% [markdown]
# ## Exercises
#
# **1. Counting slopes.** For the network described below the next cell: what is the largest
# value the product of all the sigmoid slopes in $\delta_1 = \partial L/\partial z_1$ can take?
# Give a number.

# %%
from bpbook.chapters.ch08_vanishing_gradients.exercises import (check_accumulated, check_activation_memory,
                                                     check_bn_backward, check_clip,
                                                     check_decayed_step, check_off_fraction,
                                                     check_sigmoid_bound)

EX_HIDDEN = 7
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
# **3. Switched-off units.** Write `off_fraction_of(Z)` (named so as not to hide bpbook's
# `off_fraction` above): `Z` holds the pre-activations of a layer, shape `(n_units, m)`. Return
# the fraction of units that a ReLU would switch off on every sample.

# %% tags=["exercise"] exercise="08.off-fraction"
def off_fraction_of(Z):
    return None  # replace None with your code

# %% tags=["check"]
check_off_fraction(off_fraction_of)

# %% [markdown]
# **4. Forgotten `zero_grad`.** Run the worked example's backward pass three times on the same
# sample without `zero_grad()`. What is $\partial L/\partial W_2$ then? Predict it, then check
# with bpbook.

# %% tags=["exercise"] exercise="08.accumulated"
answer = None  # dL/dW2 after three backward passes

# %% tags=["check"]
check_accumulated(answer, backward_calls=3)

# %% [markdown]
# **5. Batch norm's backward.** Write `bn_backward(z, g, gamma)`: `z` and `g`
# $= \partial L/\partial y$ have shape `(n_features, m)`, `gamma` shape `(n_features, 1)`.
# Return $\partial L/\partial z$ for batch norm in training mode (biased variance,
# $\varepsilon$ as above), with numpy only.

# %% tags=["exercise"] exercise="08.batchnorm-backward"
def bn_backward(z, g, gamma):
    return None  # replace None with your code

# %% tags=["check"]
check_bn_backward(bn_backward)

# %% [markdown]
# **6. Memory.** How many bytes of $z$ and $a$ does `deep_net` keep after one forward pass for
# the settings below? Use the count of golden rule 1 and give a number.

# %%
EX_DEPTH, EX_WIDTH, EX_M = 10, 100, 64
display(say("D = {d} hidden layers of {w} units, one linear output unit, a batch of m = {m} "
            "samples, float64.", d=EX_DEPTH, w=EX_WIDTH, m=EX_M))

# %% tags=["exercise"] exercise="08.activation-memory"
answer = None  # bytes

# %% tags=["check"]
check_activation_memory(answer, depth=EX_DEPTH, width=EX_WIDTH, m=EX_M)

# %% [markdown]
# **7. Weight decay.** Write `decayed_step(W, dW, lr, lam)`: `dW` is the gradient of the loss
# alone; return the weights after one gradient-descent step on the loss plus
# $\frac\lambda2\|W\|^2$ with learning rate `lr`.

# %% tags=["exercise"] exercise="08.weight-decay"
def decayed_step(W, dW, lr, lam):
    return None  # replace None with your code

# %% tags=["check"]
check_decayed_step(decayed_step)

# %% [markdown] tags=["think"] exercise="08.decay-why"
# **8.** Write your step from exercise 7 as a factor times $W$ minus a term that does not
# involve λ. Why is the penalty called weight *decay*? What happens to a weight that the loss
# itself does not push at all?
