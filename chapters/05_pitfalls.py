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
# - watch the gradient fade away layer by layer in a deep sigmoid network, and see why;
# - try three cures: ReLU, a careful initialisation, a skip connection;
# - blow a network up on purpose, read the error bpbook raises, and tame it with clipping and
#   with He initialisation;
# - kill ReLU units with a learning rate that is too large, and count the dead;
# - turn the golden rules of backprop into experiments: forget `zero_grad`, plant a bug and let
#   gradient checking find it, and measure what a backward pass costs;
# - play with depth, activation and initialisation in an explorer.
#
# Every number and every picture below comes from code run on this page, with every random draw
# seeded; only the timings at the end vary from run to run, and they are drawn, never printed.

# %% [markdown]
# ## A deep network and its gradients
#
# Backprop works on the two-layer networks of the previous chapters. Stack fifteen layers and
# something odd happens: the layers next to the inputs barely learn. To see it, take a network
# of fifteen hidden layers of 32 units each and one linear output, show it a batch of 64 random
# inputs, run one backward pass, and measure how large the gradient of each layer's weights is.
#
# `bpbook.chapters.ch05_pitfalls.experiments` builds such networks (`deep_net`) and the batch (`toy_data`); samples are
# columns, as everywhere in the book.

# %%
# %matplotlib inline
import numpy as np
from IPython.display import display
from matplotlib.figure import Figure

from bpbook.display import say
from bpbook.chapters.ch05_pitfalls.experiments import deep_net, gradient_profile, toy_data

X, Y = toy_data()
depth = 15
display(say("`X` has shape {xs}, `Y` has shape {ys}; the network has {d} hidden layers.",
            xs=X.shape, ys=Y.shape, d=depth))

# %% [markdown]
# Three networks that differ only in their hidden activation: sigmoid and tanh start from
# Xavier's initialisation, ReLU from He's (each the usual partner; more on that below).

# %%
setups = {"sigmoid": "xavier", "tanh": "xavier", "relu": "he"}
profiles = {act: gradient_profile(deep_net(depth, activation=act, init=init), X, Y)
            for act, init in setups.items()}

fig = Figure(figsize=(7, 3.6), layout="constrained")
ax = fig.subplots()
layers = np.arange(1, depth + 2)
for act, norms in profiles.items():
    ax.semilogy(layers, norms, "o-", label=f"{act} ({setups[act]} init)")
ax.set(xlabel=f"layer (1 = next to the inputs, {depth + 1} = output)",
       ylabel=r"$\|\partial L/\partial W_l\|$", title="gradient norm per layer, one backward pass")
ax.legend()
fig

# %%
from bpbook.tables import Table

Table(["activation", "layer 1", f"layer {depth}", f"layer 1 / layer {depth}"],
      [[act, n[0], n[depth - 1], n[0] / n[depth - 1]] for act, n in profiles.items()],
      formats=[None, "{:.2e}", "{:.2e}", "{:.2e}"])

# %% [markdown]
# With sigmoid the first layer's gradient is many orders of magnitude smaller than the last
# hidden layer's: those weights will hardly move. This is the **vanishing gradient**.

# %% [markdown]
# ## Why: a product of small slopes
#
# Backward through one hidden layer, the error signal is multiplied by the weights and by the
# slope of the activation:
#
# $$\delta_{l} = \left(W_{l+1}^\top \delta_{l+1}\right) \odot \sigma'(z_l),
# \qquad \frac{\partial L}{\partial W_l} = \delta_l\, a_{l-1}^\top .$$
#
# From the top layer $D$ down to layer 1 that is $D-1$ such factors. The slope of the sigmoid,
# $\sigma'(z) = \sigma(z)(1-\sigma(z))$, is never larger than its value at $z = 0$, one quarter:

# %%
from bpbook.activations import sigmoid_prime, tanh_prime

z = np.linspace(-10, 10, 200001)
display(say("Largest σ'(z) on a fine grid: {s:.6f}, at z = {z0:.3f}. Largest tanh'(z): {t:.6f}.",
            s=sigmoid_prime(z).max(), z0=z[np.argmax(sigmoid_prime(z))], t=tanh_prime(z).max()))

# %% [markdown]
# So the sigmoid slopes alone can shrink the signal by $(1/4)^{D-1}$ over $D$ layers. The
# tutorial this book grew from quotes the value for ten layers; here it is computed, next to
# what the tutorial prints:

# %%
from bpbook.reference import PITFALLS_SOURCE, VANISHING_PRINTED
from bpbook.worked import disagrees

printed = VANISHING_PRINTED["0.25**10"]
Table(["quantity", "computed", "printed", "source", "rounded as printed, agrees?"],
      [["0.25**10", 0.25 ** 10, printed, PITFALLS_SOURCE,
        "no" if disagrees(printed, 0.25 ** 10) else "yes"]],
      formats=[None, "{:.4e}", None, None, None])

# %% [markdown]
# The weights matter too: the signal is multiplied by $W^\top$ at each layer. Measure both
# factors in the sigmoid network, layer by layer: the mean slope $\sigma'(z_l)$ the units
# actually had, and how much the gradient norm shrank from one layer to the one below.

# %%
net = deep_net(depth, activation="sigmoid", init="xavier")
norms = gradient_profile(net, X, Y)
slopes = np.array([sigmoid_prime(layer.z).mean() for layer in net.layers[:depth]])
shrink = norms[:depth - 1] / norms[1:depth]
display(say("Mean σ'(z) over the hidden layers: between {lo:.3f} and {hi:.3f}. Each layer down "
            "multiplies the gradient norm by {g:.3f} on average (geometric mean); over {k} "
            "layers that is {p:.2e}.", lo=slopes.min(), hi=slopes.max(),
            g=np.exp(np.log(shrink).mean()), k=depth - 1, p=np.prod(shrink)))

# %% [markdown]
# Tanh has slope one at zero, ReLU has slope one for every positive input: neither has the
# built-in factor of a quarter, which is why their curves above lose so much less on the way down
# (compare the last column of the first table).

# %% [markdown]
# ## Three cures, side by side
#
# 1. **An activation whose slope is not small**: ReLU instead of sigmoid.
# 2. **A careful initialisation**: weights scaled to the layer width so that signals keep their
#    size, Xavier's $\mathrm{Var}(W) = 2/(n_{in}+n_{out})$ for tanh, He's $2/n_{in}$ for ReLU.
#    Too large ($\mathcal N(0, 1)$) and too small (Xavier under ReLU) are shown for contrast.
# 3. **A skip connection**: each hidden layer adds its output to its input,
#    $a_l = a_{l-1} + \sigma(W_l a_{l-1} + b_l)$. Backward,
#    $\partial L/\partial a_{l-1} = \partial L/\partial a_l + W_l^\top \delta_l$: the first term
#    carries the gradient down untouched by any $\sigma'$.
#
# `bpbook.chapters.ch05_pitfalls.experiments.Residual` is that block, a `Dense` layer with the skip added in `forward` and
# in `backward`.

# %%
cures = {
    "activation": {"sigmoid": dict(activation="sigmoid"), "relu (he)": dict(activation="relu",
                                                                            init="he")},
    "initialisation": {"tanh, N(0,1)": dict(activation="tanh", init="normal"),
                       "tanh, xavier": dict(activation="tanh"),
                       "relu, xavier": dict(activation="relu"),
                       "relu, he": dict(activation="relu", init="he")},
    "skip connection": {"sigmoid": dict(activation="sigmoid"),
                        "sigmoid + skips": dict(activation="sigmoid", residual=True)},
}
fig = Figure(figsize=(12, 3.6), layout="constrained")
for ax, (cure, runs) in zip(fig.subplots(1, 3), cures.items()):
    for label, settings in runs.items():
        ax.semilogy(layers, gradient_profile(deep_net(depth, **settings), X, Y), "o-", ms=3,
                    label=label)
    ax.set(title=cure, xlabel="layer")
    ax.legend(fontsize=8)
fig.axes[0].set_ylabel(r"$\|\partial L/\partial W_l\|$")
fig

# %%
def first_over_last(settings):
    n = gradient_profile(deep_net(depth, **settings), X, Y)
    return n[0] / n[depth - 1]

Table(["cure", "network", f"layer 1 / layer {depth}"],
      [[cure, label, first_over_last(s)] for cure, runs in cures.items()
       for label, s in runs.items()], formats=[None, None, "{:.2e}"])

# %% [markdown]
# Read the table as ratios: a flat profile (ratio near one) means every layer learns at a
# similar pace. A wrong initialisation can make the gradient *grow* towards the inputs instead
# (tanh with $\mathcal N(0,1)$ weights) — the next pitfall.

# %% [markdown]
# ## Exploding gradients
#
# If every layer multiplies the signal by more than one, the product grows just as fast as the
# sigmoid's product shrank. Start a six-layer ReLU network from weights drawn with a standard
# deviation larger than He's $\sqrt{2/n_{in}}$ and train it with plain gradient descent.

# %%
from bpbook.errors import ExplodingGradientError
from bpbook.model import fit
from bpbook.chapters.ch05_pitfalls.experiments import INIT_STD

lr, epochs, width = 0.2, 300, 32
blowup = dict(depth=6, width=width, activation="relu", init="normal", gain=0.5)
std = blowup["gain"] * INIT_STD["normal"](width, width)
he_std = INIT_STD["he"](width, width)
display(say("Standard deviation of the hidden weights: {s}; He's for a layer of {n} inputs: "
            "{he:.3f}, {r:.1f} times smaller.", s=std, n=width, he=he_std, r=std / he_std))

# %% [markdown]
# bpbook's `fit` watches the loss and the gradients: the moment one is not a finite number it
# stops with an `ExplodingGradientError` that says when and what to try.

# %%
try:
    with np.errstate(over="ignore", invalid="ignore"):  # the error below reports it instead
        fit(deep_net(**blowup), X, Y, lr=lr, epochs=epochs)
except ExplodingGradientError as err:
    print(f"{type(err).__name__}: {err}")

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

net = deep_net(**blowup)
net.forward_backward(X, Y)
before = clip_grad_norm(net.parameters(), 1.0)
display(say("Gradient norm before clipping: {b:.3e}; after: {a:.6f} (threshold 1).",
            b=before, a=grad_norm(net.parameters())))

# %% [markdown]
# The other remedy is to **start from weights of the right size**: He's initialisation for
# ReLU. Four runs, the same data, the same learning rate:

# %%
from bpbook.chapters.ch05_pitfalls.experiments import train

runs = {"N(0, 0.5²)": (blowup, None), "N(0, 0.5²), clip 1": (blowup, 1.0),
        "He": ({**blowup, "init": "he", "gain": 1.0}, None),
        "He, clip 1": ({**blowup, "init": "he", "gain": 1.0}, 1.0)}
curves = {name: train(deep_net(**net_args), X, Y, lr, epochs, clip=clip)
          for name, (net_args, clip) in runs.items()}

# %%
fig = Figure(figsize=(7, 3.6), layout="constrained")
ax = fig.subplots()
for name, (losses, err) in curves.items():
    ax.semilogy(losses, label=name + (f" (NaN at epoch {len(losses)})" if err else ""))
ax.set(xlabel="epoch", ylabel="loss", title=f"six ReLU layers, η = {lr}")
finite = [losses for losses, err in curves.values() if not err]
# the blown-up run climbs many decades before NaN; its label says when, the axis shows the rest
ax.set_ylim(min(map(min, finite)) / 2, max(map(max, finite)) * 10)
ax.legend()
fig

# %%
Table(["start", "epochs completed", "first loss", "last loss", "stopped by"],
      [[name, len(losses), losses[0], losses[-1], "NaN / inf" if err else "—"]
       for name, (losses, err) in curves.items()], formats=[None, None, "{:.3e}", "{:.3e}", None])

# %% [markdown]
# Clipping keeps the badly started network alive: its steps are bounded, so it walks down
# instead of jumping to infinity. The right initialisation removes the cause: the loss starts
# small and falls fast, with or without clipping.

# %% [markdown]
# ## Dead ReLUs
#
# A ReLU unit whose pre-activation is negative for every input outputs zero, and its slope
# there is zero: $\delta = 0$ on every sample, so its weights get **no gradient at all**. Nothing
# can bring it back. A learning rate that is too large makes such units: one overshooting step
# pushes a unit's weights and bias to where it is off everywhere.
#
# Leaky ReLU, $\max(\alpha z, z)$, keeps a slope $\alpha$ for negative inputs: a unit can be
# switched off on all the data yet still receive a (small) gradient. Train a network of two
# hidden layers of 64 units with a gentle and with a too-large learning rate and count, at the
# end, the units that are off on every sample and those that get no gradient at all.

# %%
from bpbook.activations import get_activation
from bpbook.chapters.ch05_pitfalls.experiments import no_grad_fraction, off_fraction

X2, Y2 = toy_data(m=128)
units = {"relu": "relu", "leaky relu α=0.01": "leaky_relu",
         "leaky relu α=0.1": get_activation("leaky_relu", slope=0.1)}
gentle, large = 0.02, 0.2
rows = []
for name, act in units.items():
    for rate in (gentle, large):
        net = deep_net(2, width=64, activation=act, init="he")
        losses, err = train(net, X2, Y2, rate, 200)
        dead = "—" if err else no_grad_fraction(net, X2, Y2)
        rows.append([name, rate, off_fraction(net, X2), dead, losses[-1],
                     "NaN / inf" if err else "—"])
Table(["hidden units", "η", "off on every sample", "no gradient at all", "final loss",
       "stopped by"], rows, formats=[None, None, "{:.1%}", "{:.1%}", "{:.2e}", None])

# %%
gentle_off = max(row[2] for row in rows if row[1] == gentle)
relu_dead = max(row[3] for row in rows if row[0] == "relu" and row[1] == large)
leaky_dead = max(row[3] for row in rows if row[0] != "relu" and row[1] == large)
display(say("With η = {g}, no kind of unit has more than {o:.1%} of its units off on every "
            "sample. With η = {l}, {r:.1%} of the ReLU units get no gradient at all; of the leaky "
            "units, no more than {k:.1%}.", g=gentle, o=gentle_off, l=large, r=relu_dead,
            k=leaky_dead))

# %% [markdown]
# A ReLU unit that the large steps switched off on every sample gets no gradient: it is dead for
# good. Leaky units can be switched off too, but each still gets a push and can recover; compare
# the final losses in the table.

# %% [markdown]
# ## Golden rule: zero the gradients before each step
#
# bpbook, like PyTorch, *adds* each backward pass's gradients to what is already stored, so that
# gradients of several batches can be summed on purpose. Forgetting `zero_grad()` sums them by
# accident. On the worked example, two backward passes on the same sample:

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
display(say("dL/dW₂ after one pass: {a:.6f}; after a second pass without zero_grad: {b:.6f} "
            "({r:.1f}×); after zero_grad and one pass: {c:.6f}.", a=once, b=twice,
            r=twice / once, c=net.dense[1].dW[0, 0]))

# %% [markdown]
# In a training loop the sum keeps growing: at step $t$ the update uses the sum of all $t$
# gradients so far. That is momentum without any friction: the steps keep their speed after the
# minimum is passed, and the weights swing to and fro. A one-hidden-layer tanh network on the
# batch of the first section, once with `zero_grad` and once without:

# %%
from bpbook.optim import SGD


def losses_of(zero_grad, lr, epochs=300):
    net = deep_net(1, width=16, activation="tanh")
    opt = SGD(net.parameters(), lr)
    losses = []
    for _ in range(epochs):
        if zero_grad:
            opt.zero_grad()
        losses.append(net.forward_backward(X, Y))
        opt.step()
    return np.array(losses)


rate = 0.1
with_zero, without_zero = losses_of(True, rate), losses_of(False, rate)
fig = Figure(figsize=(7, 3.2), layout="constrained")
ax = fig.subplots()
ax.semilogy(with_zero, label="zero_grad() every step")
ax.semilogy(without_zero, label="zero_grad() forgotten")
ax.set(xlabel="epoch", ylabel="loss", title=f"one tanh layer of 16 units, η = {rate}")
ax.legend()
fig

# %%
display(say("Final loss with zero_grad: {a:.4f}; without: {b:.4f}.", a=with_zero[-1],
            b=without_zero[-1]))

# %% [markdown]
# ## Golden rule: check your gradients
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
good = gradcheck(worked_with("sigmoid"), xw, yw)
display(say("Largest relative error with the bug: {b:.1e}; with the right derivative: {g:.1e}. "
            "The rule of thumb: above about 1e-7 in float64, look for a bug.",
            b=buggy.max_rel_error, g=good.max_rel_error))

# %%
flagged = sorted({row[0] for row in buggy.rows if row[4] > 1e-7})
display(say("Parameters whose relative error is above 1e-7: {f}.", f=", ".join(flagged)))

# %% [markdown]
# The output layer's gradients never pass through the buggy derivative, so the check flags only
# the hidden layer: the table points at the layer to fix.

# %% [markdown]
# ## Golden rule: one backward pass per forward pass
#
# Gradient checking is the right test and the wrong way to train: it needs two forward passes
# *per parameter*. Count the loss evaluations it makes, for networks of growing width:

# %%
from bpbook.chapters.ch05_pitfalls.experiments import count_loss_evaluations, n_params

X3, Y3 = toy_data(n_in=4, m=16)
widths = [2, 4, 8, 16, 32]
fd_rows = []
for h in widths:
    net = deep_net(1, width=h, n_in=4, activation="tanh")
    fd_rows.append([h, n_params(net), count_loss_evaluations(net, X3, Y3)])
Table(["hidden units", "parameters", "forward passes for finite differences"], fd_rows)

# %% [markdown]
# Backprop gets all the same gradients from one forward and one backward pass. How much is a
# backward pass? In a dense layer the work is in the matrix products: forward $W a_{prev}$;
# backward $\delta\, a_{prev}^\top$ for $\partial L/\partial W$ and $W^\top\delta$ for the layer
# below, two products of the same size. Counting their multiply-adds:

# %%
from bpbook.chapters.ch05_pitfalls.experiments import multiply_adds

m = 256
sizes_list = [[8] + [w] * 3 + [1] for w in (16, 64, 256, 1024)]
counted = {str(s): multiply_adds(s, m) for s in sizes_list}
Table(["widths", "forward", "backward", "backward / forward"],
      [[s, f, b, b / f] for s, (f, b) in counted.items()], formats=[None, "{:,}", "{:,}", "{:.2f}"])

# %% [markdown]
# The tutorial's "two to three times the forward pass" is of that order. Timing the real thing
# adds the elementwise work and the machine's quirks; times vary from run to run, so here they
# are only drawn, never printed.

# %%
from bpbook.chapters.ch05_pitfalls.experiments import time_passes

time_widths = [16, 32, 64, 128, 256]
ratios = []
for w in time_widths:
    net = deep_net(3, width=w, n_in=8, activation="tanh")
    Xt, Yt = toy_data(n_in=8, m=m)
    forward, backward = time_passes(net, Xt, Yt)
    ratios.append(backward / forward)

fig = Figure(figsize=(10, 3.4), layout="constrained")
ax1, ax2 = fig.subplots(1, 2)
ax1.plot([r[1] for r in fd_rows], [r[2] for r in fd_rows], "o-", label="finite differences")
ax1.plot([r[1] for r in fd_rows], [2] * len(fd_rows), "o-",
         label="backprop (1 forward + 1 backward)")
ax1.set(xlabel="parameters", ylabel="passes for all gradients", title="counted")
ax1.legend()
ax2.plot(time_widths, ratios, "o-")
count_ratio = np.mean([b / f for f, b in counted.values()])
ax2.axhline(count_ratio, color="gray", ls="--", label="matrix-product count")
ax2.set(xscale="log", xlabel="hidden width", ylabel="backward time / forward time",
        title="measured (varies between runs)", ylim=(0, None))
ax2.set_xticks(time_widths, [str(w) for w in time_widths])
ax2.minorticks_off()
ax2.legend()
fig

# %% [markdown]
# ## Explore
#
# Pick a depth, an activation, an initialisation and its gain (a factor on the initial weights),
# and switch skip connections on or off. The plot shows the gradient norm of every layer after
# one backward pass. Try: sigmoid at depth 30; ReLU with Xavier, then He, then gain 2; tanh with
# skip connections.

# %%
from bpbook.chapters.ch05_pitfalls.explore import explorer, update

explorer()

# %% [markdown]
# The explorer's update function is a plain function; call it yourself:

# %%
print(update(depth=30, activation="sigmoid", init="xavier")["message"])

# %% [markdown]
# ## Recap
#
# In this chapter we
# - measured vanishing gradients: backward, each sigmoid layer multiplies the signal by a slope of
#   at most a quarter, so deep sigmoid networks starve their first layers;
# - cured it three ways: ReLU (slope one), initialisations matched to the activation (Xavier,
#   He), and skip connections that carry the gradient around the activations;
# - blew a network up with too-large weights, read bpbook's `ExplodingGradientError`, and fixed it
#   with gradient-norm clipping and with He initialisation;
# - killed ReLU units with a too-large learning rate and saw that Leaky ReLU units keep a
#   gradient;
# - turned the golden rules into runs: gradients accumulate until `zero_grad()`, gradient checking
#   finds a wrong derivative, and a backward pass costs a small multiple of a forward pass while
#   finite differences cost two forward passes per parameter.

# %% [markdown]
# ## Exercises
#
# **1.** What is the largest factor the sigmoid slopes alone can contribute through ten sigmoid
# layers? Give a number.

# %%
from bpbook.chapters.ch05_pitfalls.exercises import (check_accumulated, check_clip, check_off_fraction,
                                       check_sigmoid_bound)

answer = None
check_sigmoid_bound(answer, layers=10)

# %% [markdown]
# **2.** Write `clip(grads, max_norm)`: given a list of gradient arrays, return them scaled
# *together* so that their global norm is at most `max_norm` (and unchanged if it already is).

# %%
def clip(grads, max_norm):
    return None  # replace None with your code


check_clip(clip)

# %% [markdown]
# **3.** Write `off_fraction_of(Z)` (named so as not to hide bpbook's `off_fraction` above): `Z`
# holds the pre-activations of a layer, shape `(n_units, m)`. Return the fraction of units that a
# ReLU would switch off on every sample.

# %%
def off_fraction_of(Z):
    return None  # replace None with your code


check_off_fraction(off_fraction_of)

# %% [markdown]
# **4.** Run the worked example's backward pass three times on the same sample without
# `zero_grad()`. What is $\partial L/\partial W_2$ then? Predict it, then check with bpbook.

# %%
answer = None
check_accumulated(answer, backward_calls=3)
