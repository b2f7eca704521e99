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
# # 10. Training in practice
#
# **In this chapter you will**
# - add weight decay to backprop and check its gradient;
# - make dead ReLU units with a large learning rate, over several seeds, and watch a
#   switched-off unit come back;
# - see the seven golden rules of backprop at work, in order, each in a run;
# - measure the memory a backward pass needs, and trade it for time with gradient
#   checkpointing, run, measured and explored.
#
# [Chapter 8](08_vanishing_gradients.py) made the gradient reach every layer of a deep network
# and [chapter 9](09_initialisation.py) derived the starting scales that do it; this chapter is
# about the rest of training one. Every number and picture is computed on this
# page, every random draw seeded; timings vary from run to run and are drawn, never printed. The
# networks are chapter 8's `bpbook.deep.deep_net` ($D$ hidden layers of equal width, one linear
# output unit, Xavier's or He's starting weights) on `bpbook.deep.toy_data`'s regression task.

# %%
# %matplotlib inline
import numpy as np
from IPython.display import display

from bpbook.chapters.ch10_training_in_practice import plots
from bpbook.deep import deep_net, toy_data
from bpbook.display import say
from bpbook.tables import Table

X, Y = toy_data(m=64)  # the batch of chapter 8: 64 samples of 8 inputs
display(say("`X` has shape {xs}, `Y` has shape {ys}.", xs=X.shape, ys=Y.shape))

# %% [markdown]
# ## Weight decay: a penalty on large weights
#
# Chapters 8 and 9 kept weights at a sensible size by where they start. A penalty keeps them there
# while they train: add
# $\frac\lambda2\sum_l \|W_l\|^2$ (the squares of all weights, biases left out) to the loss.
# Its gradient with respect to $W_l$ is one more term beside backprop's:
#
# $$\frac{\partial}{\partial W_l}\,\frac\lambda2\|W_l\|^2 = \lambda W_l .$$
#
# `add_l2_grad(model, lam)` adds $\lambda W_l$ to every `dW` after the backward pass;
# `l2_check` compares the result with central differences of the penalised loss, every weight
# of a small network:

# %%
from bpbook.chapters.ch10_training_in_practice.decay import l2_check

LAM = 0.1  # λ (a setting)
X3, Y3 = toy_data(n_in=4, m=16)
decayed = l2_check(deep_net(1, width=8, n_in=4, activation="tanh"), X3, Y3, LAM)
display(say("λ = {lam}: ∂ℒ/∂W + λW against finite differences of ℒ + λ/2·Σ‖W‖², {n} weights: "
            "largest error {e:.1e}; the gradient check passes: {ok}.", lam=LAM,
            n=len(decayed.rows), e=decayed.max_rel_error, ok=decayed.passed()))

# %% [markdown]
# ## Dead ReLUs
#
# A ReLU's slope is zero where its pre-activation is $z \le 0$, so $\delta = 0$ on that sample.
# A unit with $z \le 0$ on *every* sample gets **no gradient at all** in that step, nor do its
# outgoing weights (its output is zero). Can it come back?
#
# - In **layer 1** its input is the data, which never changes: off on every training sample, it
#   is dead for good under plain gradient descent.
# - In a **higher layer** its input $a_{l-1}$ comes from layers that keep learning. Its own
#   weights stay frozen, but as $a_{l-1}$ moves, its $z$ can turn positive on some sample.
#
# Leaky ReLU, $\max(\alpha z, z)$, keeps a slope $\alpha$ below zero: a unit off on all the data
# still gets a small gradient.
#
# An overshooting step can push a unit's weights and bias to where it is off everywhere. Train a
# network of two hidden layers with a moderate and a larger learning rate, from several random
# starts, and count at the end the units with no gradient at all, beside the final loss:

# %%
from bpbook.activations import get_activation
from bpbook.chapters.ch10_training_in_practice.relu import over_seeds

DEAD_WIDTH, DEAD_EPOCHS, SEEDS = 32, 200, range(6)  # settings of these runs
MODERATE, LARGE = 0.1, 0.2  # the two learning rates
units = {"relu": "relu", "leaky relu α=0.01": get_activation("leaky_relu", slope=0.01)}
seeded, higher = over_seeds(units, (MODERATE, LARGE), X, Y, SEEDS, DEAD_WIDTH, DEAD_EPOCHS)


def spread(values, fmt):
    mean, low, high = (fmt.format(v) for v in (np.mean(values), values.min(), values.max()))
    return f"{mean} ({low} – {high})"


Table(["hidden units", "η", "no gradient at all: mean (min – max)",
       "final loss: mean (min – max)", "runs blown up"],
      [[name, rate, spread(r["no_grad"], "{:.1%}"), spread(r["loss"], "{:.2e}"), r["blown_up"]]
       for (name, rate), r in seeded.items()])

# %%
relu_dead = {rate: seeded["relu", rate]["no_grad"] for rate in (MODERATE, LARGE)}
more_dead = int(np.sum(relu_dead[LARGE] > relu_dead[MODERATE]))
display(say("{w} units per hidden layer, {e} epochs, {n} seeds. With η = {lg}, {lo:.1%} to "
            "{hi:.1%} of the ReLU units end with no gradient at all, with η = {md} at most "
            "{md_hi:.1%}: more dead units at the larger rate in {c} of {n} seeds. The leaky "
            "units lose their gradient in {leaky} of the {runs} leaky runs. The larger rate ended "
            "with the higher loss in {r} of {n} seeds for ReLU, and in {k} of {n} for leaky ReLU.",
            w=DEAD_WIDTH, e=DEAD_EPOCHS, n=len(SEEDS), lg=LARGE, md=MODERATE,
            lo=relu_dead[LARGE].min(), hi=relu_dead[LARGE].max(), md_hi=relu_dead[MODERATE].max(),
            c=more_dead, r=higher["relu"], k=higher["leaky relu α=0.01"],
            leaky=sum(int(np.sum(seeded["leaky relu α=0.01", rate]["no_grad"] > 0))
                      for rate in (MODERATE, LARGE)), runs=2 * len(SEEDS)))

# %% [markdown]
# The runs show the first half of the story: the larger step kills more units. They do not show
# that the dead units cost loss: the larger rate ends with the higher loss about as often for the
# leaky networks, which lose no unit, as for ReLU, so the step size itself explains it as well.
# This small task is fitted even with many units dead; a dead unit is capacity paid for and
# unused, which matters once a network is no larger than its task needs.

# %% [markdown]
# **A switched-off unit comes back.** Take a network with two hidden ReLU layers, switch off some
# units in each layer on every sample (their biases lowered until their largest $z$ on the batch
# is just below zero), then train with a moderate learning rate and note when each unit is first
# on again for some sample (`revival` in the chapter's `relu` module):

# %%
from bpbook.chapters.ch10_training_in_practice.relu import revival

REVIVAL_M = 128  # samples for this run
X2, Y2 = toy_data(m=REVIVAL_M)
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
# The tutorial ends its pitfalls with seven rules. This chapter shows each by a run, in order:
#
# 1. **Store the forward values**: the backward pass needs every $z_l$ and $a_l$.
# 2. **Apply the chain rule in order**, from the loss back, layer by layer, skipping none.
# 3. **The bias gradient is the error signal**, $\partial\mathcal{L}/\partial b_l = \delta_l$ summed
#    over the batch.
# 4. **Check your gradients** against finite differences.
# 5. **Zero the gradients before each step.**
# 6. **Watch your activations' derivatives.**
# 7. **One backward pass per forward pass**, a small multiple of its cost.

# %% [markdown]
# ## Golden rule 1: store the forward values — what it costs
#
# After a forward pass every dense layer keeps $z_l$ and $a_l$, each $(n_l, m)$, for the backward
# pass (the linear output's $a$ is its $z$; $a_{l-1}$ is the layer below's $a$, not a copy). In
# float64, $D$ hidden layers of $n$ units and one output unit keep
#
# $$8\,m\,(2Dn + 1) \text{ bytes},$$
#
# linear in depth and batch size. `counted_bytes` is that formula; `measured_bytes` asks Python's
# `tracemalloc` how many bytes of numpy's buffers a fresh network holds after one forward pass:

# %%
from bpbook.chapters.ch10_training_in_practice.memory import memory_rows

MEM_WIDTH, MEM_DEPTHS, MEM_BATCHES = 64, (2, 4, 8, 16), (32, 128, 512)  # settings
mem = memory_rows(MEM_DEPTHS, MEM_BATCHES, MEM_WIDTH)
plots.memory(mem, MEM_WIDTH)

# %%
from bpbook.chapters.ch10_training_in_practice.cost import n_params

Table(["D", "m", "counted bytes", "measured bytes", "measured / counted", "parameter bytes"],
      [r + [r[3] / r[2], 8 * n_params(deep_net(r[0], MEM_WIDTH))] for r in mem],
      formats=[None, None, "{:,}", "{:,}", "{:.4f}", "{:,}"])

# %% [markdown]
# The forward pass keeps the $z_l$ and $a_l$ arrays and nothing else: measured and counted agree
# byte for byte (each array's small Python object is left out of both). Per hidden layer the
# parameters are $n^2 + n$ numbers, stored once, and the activations $2nm$, stored per sample:
# depth multiplies both, and the activations outweigh the parameters once the batch $m$ is
# above about $n/2$, at any depth.

# %% [markdown]
# ### Checkpointing: memory for time
#
# Must every $z_l$ and $a_l$ be stored? Only until its layer's backward step, and anything
# dropped can be computed again from the layer below. **Gradient checkpointing** cuts the
# $L = D + 1$ layers into segments of $k$ and keeps, after the forward pass, only each segment's
# input (the checkpoints) and the last segment's values. In the backward pass, each segment is first
# run forward again from its checkpoint, then backward. With $L/k$ checkpoints and one segment alive
# at a time, about $L/k + 2k$ arrays are held instead of $2L$, smallest near $k = \sqrt{L/2}$; the
# price is a second forward pass through every segment but the last. (`torch.utils.checkpoint` does
# this in PyTorch.)
#
# `forward_backward(model, X, Y, segment)` in the chapter's `checkpoint` module does this for a
# bpbook MLP. Each layer frees its stored values as soon as its backward step is done, and
# `segment` $= L$ is the plain pass under the same rule, the baseline. `measure` takes
# `tracemalloc`'s count of numpy's buffers at every layer boundary, as above; `tradeoff` also
# compares every gradient with bpbook's own `forward_backward`:

# %%
from bpbook.chapters.ch10_training_in_practice.checkpoint import (counted_after_forward, measure,
                                                                  tradeoff)

CK_DEPTH, CK_WIDTH, CK_M = 16, 64, 128  # settings: hidden layers, units, samples
CK_SIZES = (1, 2, 3, 4, 6, 8)  # segment sizes k to try
Xc, Yc = toy_data(m=CK_M)
ck_net = deep_net(CK_DEPTH, CK_WIDTH, activation="tanh")
ck_rows, ck_times = tradeoff(ck_net, Xc, Yc, CK_SIZES)
Table(["k", "segments", "largest gradient difference", "layer forwards", "× plain",
       "held after forward (bytes)", "peak (bytes)", "peak / plain peak"], ck_rows,
      formats=[None, None, "{:.1e}", None, "{:.2f}", "{:,}", "{:,}", "{:.2f}"])

# %%
n_layers = len(ck_net.layers)
best = min(ck_rows, key=lambda r: r[7])
traces = {f"plain (k = {n_layers})": measure(ck_net, Xc, Yc, n_layers)["trace"],
          f"k = {best[0]}": measure(ck_net, Xc, Yc, best[0])["trace"]}
plots.checkpointing(traces, ck_rows, ck_times)

# %%
ck_widths = [CK_WIDTH] * CK_DEPTH + [1]
exact = all(r[5] == counted_after_forward(ck_widths, CK_M, r[0]) for r in ck_rows)
display(say("{L} layers, {w} units, {m} samples. Every gradient equals the plain pass's "
            "exactly (largest difference {gap:g}). The bytes held after the forward pass match "
            "the count of checkpoints plus the last segment in every row: {ok}. The lowest peak, "
            "{p:.2f} of the plain pass's, comes with k = {k} (√(L/2) = {root:.1f}), for {f:.2f} "
            "times the layer forwards; counting a layer's backward as two forwards, the whole "
            "step costs {s:.2f} times the plain one.", L=n_layers, w=CK_WIDTH, m=CK_M,
            gap=max(r[2] for r in ck_rows), ok=exact, p=best[7], k=best[0],
            root=np.sqrt(n_layers / 2), f=best[4], s=(best[3] + 2 * n_layers) / (3 * n_layers)))

# %% [markdown]
# The gradients are the same to the last bit because the recomputation repeats the same
# operations on the same numbers. In the picture, the plain pass's memory climbs through the
# forward pass and falls through the backward; with checkpoints it climbs only to the next
# checkpoint, and each segment's recomputation makes a small tooth. Very short segments keep many
# checkpoints; long ones hold a long segment at once: the peak is lowest in between. The layer
# forwards stay under twice the plain pass's for every $k$; the whole step grows by less, since
# the backward pass, about two forwards' worth (golden rule 7), is not repeated. The gray
# crosses are measured times, which vary from run to run (on a busy machine, a lot).

# %% [markdown]
# ## Golden rule 2: the chain rule in order
#
# Each error signal is built from the one above it,
# $\delta_l = (W_{l+1}^\top\delta_{l+1}) \odot f'(z_l)$: the backward pass visits the layers
# from the output down, each once, each with its own slope. Written out as a loop for a tanh
# network of four hidden layers, and compared with the $\delta$s bpbook's backward pass stored;
# then the same loop with one layer's slope left out, as if that layer had been skipped:

# %%
from bpbook.activations import tanh_prime

chain_net = deep_net(4, width=8, activation="tanh")
chain_net.forward_backward(X, Y)


def deltas_down(net, skip=None):
    """Every layer's δ, the output's first, each from the one above (layer `skip` gets no slope)."""
    layers = net.layers
    deltas = [layers[-1].delta]  # the linear output: δ = ∂ℒ/∂ŷ, no slope
    for l in range(len(layers) - 2, -1, -1):
        slope = 1.0 if l == skip else tanh_prime(layers[l].z)
        deltas.append((layers[l + 1].W.T @ deltas[-1]) * slope)
    return deltas[::-1]


def gaps(deltas, net):
    return [np.abs(d - layer.delta).max() / np.abs(layer.delta).max()
            for d, layer in zip(deltas, net.layers)]


SKIPPED = 2  # index of the layer whose slope is left out: hidden layer 3
in_order = gaps(deltas_down(chain_net), chain_net)
one_skipped = gaps(deltas_down(chain_net, SKIPPED), chain_net)
Table(["layer", "in order: largest gap / largest |δ|", f"layer {SKIPPED + 1}'s slope left out"],
      [[layer.name, a, b] for layer, a, b in zip(chain_net.layers, in_order, one_skipped)],
      formats=[None, "{:.1e}", "{:.1e}"])

# %% [markdown]
# In order, the loop gives bpbook's error signals to the last bit or within rounding. With one
# slope missing, that layer's $\delta$ is wrong, and so is every $\delta$ below it, since each is
# built from the one above; the layers above it are untouched.

# %% [markdown]
# ## Golden rule 3: the bias gradient is the error signal
#
# $z_l = W_l a_{l-1} + b_l$ gives $\partial z_l/\partial b_l = 1$ for each sample, so
# $\partial\mathcal{L}/\partial b_l$ is $\delta_l$ summed over the batch's columns. For every layer
# of the same network: bpbook's `db` against the summed $\delta$ and against central differences
# (`numeric_grad`, two loss evaluations per bias entry):

# %%
from bpbook.gradcheck import EPS, NOISE_FACTOR, central_difference_error, numeric_grad

bias_rows = [[layer.name, np.abs(layer.db - layer.delta.sum(axis=1, keepdims=True)).max(),
              np.abs(layer.db - numeric_grad(lambda: chain_net.loss(X, Y), layer.b)).max()]
             for layer in chain_net.layers]
noise, fd_gap = NOISE_FACTOR * central_difference_error(chain_net.loss(X, Y), EPS), max(
    r[2] for r in bias_rows)
display(Table(["layer", "largest |db − Σ δ|", "largest |db − finite difference|"], bias_rows,
              formats=[None, "{:.1e}", "{:.1e}"]),
        say("The differences from the central differences are at most {d:.1e}, {w} the noise "
            "a central difference of step {e:g} carries for this loss, {n:.1e} (chapter 11's "
            "C·ν).", d=fd_gap, w="within" if fd_gap <= noise else "above", e=EPS, n=noise))

# %% [markdown]
# ## Golden rule 4: check your gradients
#
# A backward pass can be wrong and still run with every shape right. Central differences,
# $\frac{\mathcal{L}(\theta+\varepsilon)-\mathcal{L}(\theta-\varepsilon)}{2\varepsilon}$, catch it:
# compare them with backprop's gradient, entry by entry, as a relative error. A correct backward
# pass leaves only rounding and truncation; a bug leaves errors many orders larger.
# `bpbook.gradcheck` does the comparison and `passed()` gives its verdict; [chapter
# 11](11_gradient_checking.py) shows how to choose $\varepsilon$ and the threshold with care.
# Its rule is not the tutorial's "within about $10^{-7}$": each entry's relative error must stay
# below a tolerance, but is never judged finer than the central difference can resolve (the
# *floor* in the verdict).
# Plant a bug in the worked example of [chapter 3](03_worked_example.py): a sigmoid whose
# derivative forgets the factor $(1-\sigma)$.

# %%
from bpbook.activations import Activation, sigmoid
from bpbook.gradcheck import gradcheck
from bpbook.layers import Dense
from bpbook.model import Sequential
from bpbook.worked import DEFAULTS as S

xw, yw = np.array([[S["x1"]], [S["x2"]]]), np.array([[S["y"]]])
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
by_layer = {name: max(r[4] for r in buggy.rows if r[0].startswith(name + "."))
            for name in ("layer1", "layer2")}
display(say("With the bug: {b}. With the right derivative: {g}. With the bug, layer 1's entries "
            "are off by up to {l1:.1e}, layer 2's by {l2:.1e}.", b=buggy.verdict(),
            g=good.verdict(), l1=by_layer["layer1"], l2=by_layer["layer2"]))

# %% [markdown]
# The output layer's gradients never pass through the buggy derivative, so only the hidden
# layer's entries are off: the check points at the layer to fix.

# %% [markdown]
# ## Golden rule 5: zero the gradients before each step
#
# bpbook, like PyTorch, *adds* each backward pass's gradients to what is already stored, so that
# gradients of several batches can be summed on purpose. Forgetting `zero_grad()` sums them by
# accident. On the worked example, two backward passes on the same sample:

# %%
from bpbook.worked import worked_network

net = worked_network()
net.forward_backward(xw, yw)
once = net.dense[1].dW[0, 0]
net.forward_backward(xw, yw)
twice = net.dense[1].dW[0, 0]
net.zero_grad()
net.forward_backward(xw, yw)
display(say("∂ℒ/∂W₂ after one pass: {a:.6f}; after a second pass without zero_grad: {b:.6f} "
            "({r:.1f}×); after zero_grad and one pass: {c:.6f}.", a=once, b=twice,
            r=twice / once, c=net.dense[1].dW[0, 0]))

# %% [markdown]
# In a training loop the sum keeps growing: at step $t$ the update uses the sum of all $t$
# gradients so far, like momentum without friction. The steps keep their speed past the minimum
# and the weights swing to and fro. A one-hidden-layer tanh network on this chapter's batch,
# once with `zero_grad` and once without:

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
zg = {"zero_grad() every step": losses_of(True, rate, steps, units_zg),
      "zero_grad() forgotten": losses_of(False, rate, steps, units_zg)}
plots.loss_curves(zg, f"one tanh layer of {units_zg} units, η = {rate}")

# %%
display(say("Final loss with zero_grad: {a:.4f}; without: {b:.4f}.",
            a=zg["zero_grad() every step"][-1], b=zg["zero_grad() forgotten"][-1]))

# %% [markdown]
# ## Golden rule 6: watch your activations' derivatives
#
# Every $\delta_l$ is multiplied by $f'(z_l)$, so the slopes decide what reaches the layers below:
# sigmoid's are at most a quarter (the vanishing gradient of chapter 8), ReLU's are exactly zero
# wherever a unit is off (the dead units above). The slopes a fresh network of eight hidden
# layers actually has on this chapter's batch, over all its hidden units and samples:

# %%
SLOPE_DEPTH, SLOPE_WIDTH = 8, 32  # settings
slope_rows = []
for act, init in {"sigmoid": "xavier", "tanh": "xavier", "relu": "he"}.items():
    slope_net = deep_net(SLOPE_DEPTH, SLOPE_WIDTH, activation=act, init=init)
    slope_net.forward(X)
    slopes = np.concatenate([layer.f.df(layer.z).ravel() for layer in slope_net.layers[:-1]])
    slope_rows.append([f"{act} ({init})", slopes.max(), slopes.mean(), np.mean(slopes == 0)])
Table(["hidden units", "largest f′(z)", "mean f′(z)", "f′(z) = 0 exactly"], slope_rows,
      formats=[None, "{:.3f}", "{:.3f}", "{:.1%}"])

# %% [markdown]
# A mean sigmoid slope near a quarter, layer after layer, is the vanishing gradient; ReLU passes
# a full slope of one where a unit is on and nothing where it is off, so a unit that is off on
# every sample learns nothing. [Chapter 6](06_activations.py) derives each activation's slope.

# %% [markdown]
# ## Golden rule 7: one backward pass per forward pass
#
# Gradient checking is the right test and the wrong way to train: it needs two forward passes
# *per parameter*, while backprop gets all the same gradients from one forward and one backward
# pass ([chapter 7](07_reverse_mode.py) counts both). How much is a backward pass? In a dense layer
# the work is in the matrix products: forward $W_l a_{l-1}$; backward $\delta_l\, a_{l-1}^\top$ for
# $\partial\mathcal{L}/\partial W_l$ and $W_l^\top\delta_l$ for the layer below, two products of the
# same size. Layer 1 skips the second, as bpbook's `Sequential.backward` does: its input is the
# data, whose gradient nobody needs. Counting the multiply-adds (`multiply_adds`), for three hidden
# layers of growing width:

# %%
from bpbook.chapters.ch10_training_in_practice.cost import multiply_adds

m = 256  # samples (a setting)
sizes_list = [[8] + [w] * 3 + [1] for w in (16, 64, 256, 1024)]
counted = {str(s): multiply_adds(s, m) for s in sizes_list}
Table(["widths", "forward", "backward", "backward / forward"],
      [[s, f, b, b / f] for s, (f, b) in counted.items()], formats=[None, "{:,}", "{:,}", "{:.2f}"])

# %%
from bpbook.reference import BACKWARD_COST_PRINTED, GOLDEN_RULES_SOURCE

ratio = [b / f for f, b in counted.values()]
display(say("A backward pass costs between {lo:.2f} and {hi:.2f} forward passes here: just under "
            "two, and furthest under for the narrow network, where layer 1's skipped product is "
            "the largest share of the work. A whole step, forward plus backward, costs between "
            "{slo:.2f} and {shi:.2f}. The tutorial's \"{a}–{b}×\" ({src}) is of that order.",
            lo=min(ratio), hi=max(ratio), slo=1 + min(ratio), shi=1 + max(ratio),
            a=BACKWARD_COST_PRINTED[0], b=BACKWARD_COST_PRINTED[1], src=GOLDEN_RULES_SOURCE))

# %% [markdown]
# The picture times the real thing beside the count, which adds the elementwise work and the
# machine's quirks; times vary from run to run, so they are only drawn, never printed.

# %%
from bpbook.chapters.ch10_training_in_practice.cost import backward_forward_ratios

time_widths = [16, 32, 64, 128, 256]
measured, counted_ratio = backward_forward_ratios(time_widths, m)
plots.cost(time_widths, measured, counted_ratio)

# %% [markdown]
# ## Explore
#
# Choose a depth and a segment size $k$ for checkpointing; the picture shows the memory held at
# every layer boundary of one step, checkpointed and plain, and the table the peaks and the layer
# forwards. Try $k = 1$, then $k$ near $\sqrt{L/2}$, then $k$ half the depth; then a deeper
# network.

# %%
from bpbook.chapters.ch10_training_in_practice.explore import explorer, update

explorer()

# %% [markdown]
# The explorer's update function is a plain function; call it yourself:

# %%
print(update(depth=30, segment=4)["message"])

# %% [markdown]
# ## Recap
#
# In this chapter we
# - added weight decay's gradient $\lambda W_l$ to backprop's and checked the sum against finite
#   differences;
# - saw a larger learning rate leave more ReLU units without gradient on every seed, without
#   pinning a higher loss on them; a unit off on every sample is dead for good in layer 1, while
#   in a higher layer it can come back;
# - ran the seven golden rules in order: stored activations cost memory linear in depth and
#   batch size; the $\delta$s are built from the output down, each with its own slope; the bias
#   gradient is $\delta$ summed over the batch; gradient checking finds a wrong derivative;
#   gradients accumulate until `zero_grad()`; the slopes decide what reaches the layers below; a
#   backward pass costs just under two forward passes;
# - ran gradient checkpointing: the same gradients to the last bit, a fraction of the peak memory
#   for segments near $\sqrt{L/2}$, for recomputing the segments.

# %% [markdown]
# ## Exercises
#
# **1. Weight decay.** Write `decayed_step(W, dW, lr, lam)`: `dW` is the gradient of the loss
# alone; return the weights after one gradient-descent step on the loss plus
# $\frac\lambda2\|W\|^2$ with learning rate `lr`.

# %%
from bpbook.chapters.ch10_training_in_practice.exercises import (ACCUM_G, ACCUM_LR,
                                                                 ACCUM_STEPS, EX_DEPTH, EX_K,
                                                                 EX_LAYERS, EX_M, EX_WIDTH,
                                                                 check_accumulated,
                                                                 check_activation_memory,
                                                                 check_checkpoint_forwards,
                                                                 check_decayed_step,
                                                                 check_off_fraction)

# %% tags=["exercise"] exercise="10.weight-decay"
def decayed_step(W, dW, lr, lam):
    return None  # replace None with your code

# %% tags=["check"]
check_decayed_step(decayed_step)

# %% [markdown] tags=["think"] exercise="10.decay-why"
# **2.** Write your step from exercise 1 as a factor times $W$ minus a term that does not
# involve λ. Why is the penalty called weight *decay*? What happens to a weight that the loss
# itself does not push at all?

# %% [markdown]
# **3. Switched-off units.** Write `off_fraction_of(Z)` (named so as not to hide bpbook's
# `off_fraction`): `Z` holds the pre-activations of a layer, shape `(n_units, m)`. Return the
# fraction of units that a ReLU would switch off on every sample.

# %% tags=["exercise"] exercise="10.off-fraction"
def off_fraction_of(Z):
    return None  # replace None with your code

# %% tags=["check"]
check_off_fraction(off_fraction_of)

# %% [markdown]
# **4. Memory.** How many bytes of $z$ and $a$ does `deep_net` keep after one forward pass for
# the settings below? Use the count of golden rule 1 and give a number.

# %%
display(say("D = {d} hidden layers of {w} units, one linear output unit, a batch of m = {m} "
            "samples, float64.", d=EX_DEPTH, w=EX_WIDTH, m=EX_M))

# %% tags=["exercise"] exercise="10.activation-memory"
answer = None  # bytes

# %% tags=["check"]
check_activation_memory(answer)

# %% [markdown]
# **5. Momentum without friction.** A weight's gradient is the same number $g$ at every step, and
# the training loop never calls `zero_grad()`. How far has gradient descent with rate $\eta$
# moved the weight after $t$ steps (the values below)?

# %%
display(say("g = {g:g}, η = {lr:g}, t = {t} steps.", g=ACCUM_G, lr=ACCUM_LR, t=ACCUM_STEPS))

# %% tags=["exercise"] exercise="10.accumulated"
answer = None  # the distance moved

# %% tags=["check"]
check_accumulated(answer)

# %% [markdown]
# **6. Recomputation.** A network of the layers below is trained with checkpoints every `EX_K`
# layers, as in this chapter's `checkpoint` module. How many layer forwards does one training
# step run in all, forward and backward pass together (the table's "layer forwards")?

# %%
display(say("L = {l} layers, segments of k = {k}.", l=EX_LAYERS, k=EX_K))

# %% tags=["exercise"] exercise="10.checkpoint-forwards"
answer = None  # layer forward runs in one step

# %% tags=["check"]
check_checkpoint_forwards(answer)
