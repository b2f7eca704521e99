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
# # 14. A whole network, by hand
#
# **In this chapter you will**
# - write a real network (digits in, batch norm and tanh inside, cross-entropy out) as a list of
#   small tensor expressions, keeping every intermediate;
# - write its backward pass yourself, one expression per forward line, walking from the loss to
#   the first layer's weights;
# - compare every gradient, of every parameter and every intermediate, with `torch.autograd`'s,
#   tensor by tensor;
# - fuse the cross-entropy's and the batch norm's backward into one expression each, derive the
#   second, and check its key step with SymPy;
# - check the whole thing a third way, by central differences.
#
# Autograd computes gradients so well that it is easy to stop knowing what it computes. Doing it
# once by hand, for a network with every part a real one has, is the cure: afterwards a
# `backward()` holds no mystery, and a wrong gradient has somewhere to be looked for.
#
# Everything here is torch in float64, the tensors laid out as in the rest of the book: **samples
# are columns**. A batch of images is $(64, m)$, a hidden layer's values $(n_h, m)$.

# %% [markdown]
# ## The network and its batch
#
# [Chapter 13](13_real_classifier.py)'s digits, each pixel standardised over all the images (no test
# set: this chapter compares gradients, it does not train); a batch of $m$ images drawn by a seeded
# shuffle, and parameters drawn at random. $\gamma$ and $\beta$ and the biases are random too: a
# gradient multiplied by an exact 1, or added to an exact 0, could hide a factor we forgot.

# %%
# %matplotlib inline
import inspect

import numpy as np
import torch
from IPython.display import display

from bpbook.chapters.ch14_by_hand import net
from bpbook.display import say
from bpbook.tables import Table

p = net.init()
X, y = net.batch()
Table(["parameter", "shape", "what it is"],
      [[k, "×".join(map(str, v.shape)), d] for (k, v), d in zip(p.items(), [
          "first layer's weights", "first layer's bias", "batch norm's scale",
          "batch norm's shift", "output layer's weights", "output layer's bias"])])

# %%
display(say("The batch: {m} images, `X` of shape {xs}, labels `y` {ys} (the first ten: {first})."
            " Hidden units: {h}.", m=X.shape[1], xs=X.shape, ys=y.shape,
            first=", ".join(map(str, y[:10])), h=net.HIDDEN))

# %% [markdown]
# ## The forward pass, one small step at a time
#
# A first layer, batch normalisation in training mode (each unit standardised over the batch with
# the *biased* variance, as `torch.nn.BatchNorm1d` does, then scaled by $\gamma$ and shifted by
# $\beta$), tanh, an output layer giving ten logits $o$ per image, and the mean cross-entropy,
# $\mathcal L = -\frac1m\sum_i \log p_{y_i}$ over the samples $i$. The softmax and its log are taken
# apart too: subtract each column's largest logit (which changes nothing but keeps `exp` from
# overflowing, [chapter 13](13_real_classifier.py)), exponentiate, sum, take the log. Every line
# makes a new tensor, and every tensor gets `retain_grad()` so that torch keeps its gradient for us
# to compare with:

# %%
print(inspect.getsource(net.forward))

# %%
t, theirs = net.torch_gradients(p, X, y)
loss_nn = net.torch_nn_loss(p, X, y)
display(say("The loss of this batch: **{L:.6f}** (for comparison, $\\log 10 = {g:.6f}$ is what "
            "guessing uniformly gives); `torch.nn.functional`'s own layers (`linear`, "
            "`batch_norm`, `tanh`, `cross_entropy`) give {Lnn:.6f}, {d:.1e} away: the forward "
            "pass is the network it claims to be. `torch_gradients` ran the forward pass above, "
            "then `loss.backward()`; `theirs` holds torch's gradient of the loss with respect to "
            "each of the {n} tensors: {names}.", L=float(t["loss"]), g=np.log(10),
            Lnn=loss_nn, d=abs(loss_nn - float(t["loss"])),
            n=len(theirs), names=", ".join(f"`{k}`" for k in theirs)))

# %% [markdown]
# Now the same gradients by hand. The rule is the one of every chapter: walk the forward lines
# backwards; for each line, multiply the gradient arriving at its output by the line's local
# derivative, and **add** the result to the gradient of each input. Two patterns from [chapter
# 4](04_matrix_form.py) recur all the time. A tensor **broadcast** over a dimension in the forward
# pass (a bias added to every sample, a per-sample sum subtracted from every class) has its gradient
# **summed** over that dimension. And a **sum** over a dimension in the forward pass hands its
# gradient back to every entry it summed: a broadcast.
#
# We write the backward pass in four stages, each a function that adds its gradients to a dict
# `g`; beside each line, as a comment, the forward line it undoes. Every stage is followed by
# its comparison: `net.cmp(name, mine, theirs)` gives one row per tensor, saying whether the two
# agree to the last bit (exact), within the tolerance `net.TOL` (approximate), and by how much at
# most.

# %% [markdown]
# ## Stage 1: from the loss to the logits
#
# $\mathcal L = -\frac1m\sum Y\odot \log p$ with the one-hot targets $Y$, so
# $\partial\mathcal L/\partial \log p = -Y/m$. Then $\log p = s - \mathrm{lse}$, with $\mathrm{lse}$
# broadcast over the ten rows: $s$ receives the gradient as it is, $\mathrm{lse}$ receives minus its
# sum over the rows. $\mathrm{lse} = \log S$ has the local derivative $1/S$. $S = \sum_{\text{rows}}
# e$ hands its gradient to every $e$ of its column. $e = \exp(s)$ has the local derivative $\exp(s)
# = e$, and it is the second path into $s$, so it is added. Last, $s = o - o_{\max}$: the logits
# receive $\partial\mathcal L/\partial s$, and $o_{\max}$ (broadcast) minus its column sum;
# $o_{\max}$ came from a max, whose local derivative is 1 at the winning entry and 0 elsewhere.

# %%
print(inspect.getsource(net.loss_backward))

# %%
g = {}
net.loss_backward(t, g)
net.table([net.cmp(n, g[n], theirs[n]) for n in net.STAGE_TENSORS["loss_backward"]])

# %%
display(say("The largest entry of $\\partial\\mathcal L/\\partial o_{{\\max}}$ is {v:.1e}: zero "
            "but for rounding, as it must be, since shifting all the logits of a sample by the "
            "same amount leaves its softmax unchanged.", v=float(g["o_max"].abs().max())))

# %% [markdown]
# ## Stage 2: the output layer and tanh
#
# $o = W_2 h + b_2$ is chapter 4's layer: $\partial\mathcal L/\partial W_2 =
# \frac{\partial\mathcal L}{\partial o} h^\top$ (the product sums over the samples),
# $\partial\mathcal L/\partial b_2$ is the row sum (the bias was broadcast over the samples), and
# $\partial\mathcal L/\partial h = W_2^\top \frac{\partial\mathcal L}{\partial o}$. Then $h =
# \tanh(z_{bn})$, whose local derivative $1 - h^2$ is written with the output we kept.

# %%
print(inspect.getsource(net.output_backward))

# %%
net.output_backward(t, g)
net.table([net.cmp(n, g[n], theirs[n]) for n in net.STAGE_TENSORS["output_backward"]])

# %% [markdown]
# ## Stage 3: batch norm, line by line
#
# Seven forward lines, undone from the last. $z_{bn} = \gamma\hat z + \beta$: $\gamma$ and $\beta$
# were broadcast over the samples, so their gradients are row sums. $\hat z = z_c\cdot
# \mathrm{inv\_std}$: the product rule, with $\mathrm{inv\_std}$ broadcast. $\mathrm{inv\_std} =
# (\mathrm{var} + \varepsilon)^{-1/2}$ has the local derivative $-\frac12(\mathrm{var} +
# \varepsilon)^{-3/2}$. $\mathrm{var} = \frac1m\sum z_c^2$ hands $1/m$ of its gradient to every
# entry, and $z_c^2$ the factor $2z_c$, a second path into $z_c$ (added). Finally $z_c = z_1 -
# \mu$ with $\mu = \frac1m\sum z_1$: $z_1$ gets $\partial\mathcal L/\partial z_c$ directly,
# plus $1/m$ of $\mu$'s gradient, which is minus the row sum of $\partial\mathcal L/\partial
# z_c$.

# %%
print(inspect.getsource(net.batchnorm_backward))

# %%
net.batchnorm_backward(t, g)
net.table([net.cmp(n, g[n], theirs[n]) for n in net.STAGE_TENSORS["batchnorm_backward"]])

# %% [markdown]
# ## Stage 4: the first layer
#
# The same as the output layer, without $\partial\mathcal L/\partial X$: the images are data.

# %%
print(inspect.getsource(net.first_layer_backward))

# %%
net.first_layer_backward(t, g)
rows = [net.cmp(n, g[n], theirs[n]) for n in net.STAGE_TENSORS["first_layer_backward"]]
display(net.table(rows))
display(say("$\\partial\\mathcal L/\\partial b_1$ is zero up to rounding (largest entry {b:.1e}): "
            "batch norm subtracts the batch's mean right after $b_1$ is added, so $b_1$ cannot "
            "change the loss. In a network with batch norm the bias before it is dead weight.",
            b=float(g["b1"].abs().max())))

# %% [markdown]
# ## Every gradient, side by side
#
# The four stages in a row are `net.by_hand`; `net.compare` runs torch and it and returns the
# table's rows, one per tensor, in the order the backward pass computes them:

# %%
from bpbook.chapters.ch14_by_hand.plots import differences_figure

rows, t, mine, theirs = net.compare(p, X, y)
worst = max(r[4] for r in rows)
assert all(r[3] for r in rows) and worst < net.TOL, worst
net.table(rows)

# %%
differences_figure(rows)

# %%
exact = sum(r[2] for r in rows)
zero = ("b1", "o_max")  # gradients that are 0 but for rounding: no scale to be relative to
rel = {n: float((mine[n] - theirs[n]).abs().max() / theirs[n].abs().max())
       for n in mine if n not in zero}
top = max(rel, key=rel.get)
display(say("{e} of the {n} gradients are equal to torch's in every bit; the other {o} differ "
            "by at most {w:.1e} (the tolerance for \"approximate\" is {tol:g}). Relative to "
            "each tensor's largest entry that is at most {r:.2g} times float64's machine "
            "epsilon $\\varepsilon = 2^{{-52}}$ (for `{top}`; {z}, whose gradients are 0, "
            "left out): {few}.", e=exact, n=len(rows), o=len(rows) - exact,
            w=worst, tol=net.TOL, r=rel[top] / np.finfo(float).eps, top=top,
            z=" and ".join(f"`{n}`" for n in zero),
            few="a rounding or two" if rel[top] < 2 * np.finfo(float).eps else "a few roundings"))

# %% [markdown]
# Where do the inexact ones come from? The first is `zbn`, right after tanh. Two experiments:
# compute $1 - h^2$ with a single rounding (as a fused multiply-add does; `1 - h ** 2` rounds
# $h^2$ first), and hand stages 3 and 4 torch's $\partial\mathcal L/\partial z_{bn}$ instead of
# ours:

# %%
once = mine["h"] * net.one_rounding(t["h"])
handed = net.handed_torchs_zbn(t, mine, theirs)
display(say("With $1 - h^2$ rounded once, our $\\partial\\mathcal L/\\partial z_{{bn}}$ equals "
            "torch's in every bit: **{a}**. Handed torch's, stages 3 and 4 give {k} of their "
            "{n} gradients equal to torch's in every bit: one rounding at one line, carried "
            "exactly through every later line.", a=bool(torch.equal(once, theirs["zbn"])),
            k=sum(bool(torch.equal(v, theirs[n])) for n, v in handed.items()), n=len(handed)))

# %% [markdown]
# ## Fusing the cross-entropy backward
#
# Stage 1 undid seven forward lines, in nine lines of code, to reach
# $\partial\mathcal L/\partial o$. On paper it collapses to the gradient
# [chapter 6](06_activations.py) derived, $p - y$ for one sample; for the batch's mean
#
# $$\frac{\partial\mathcal L}{\partial o} = \frac{P - Y}{m},$$
#
# with $P$ the softmax of each column. One expression, `net.ce_fused`:

# %%
print(inspect.getsource(net.ce_fused))

# %%
fused_o = net.ce_fused(t)
net.table([net.cmp("o, fused − step by step", fused_o, mine["o"]),
           net.cmp("o, fused − torch", fused_o, theirs["o"])],
          against="the step-by-step gradient and torch's")

# %% [markdown]
# The shift by $o_{\max}$ has disappeared: the fused formula never needed it, which is the
# same fact as the zero gradient of $o_{\max}$ above.

# %% [markdown]
# ## Fusing the batch-norm backward
#
# [Chapter 8](08_vanishing_gradients.py) stated the fused formula and SymPy confirmed it; here is
# where it comes from. Take one unit and drop its index; its $m$ values over the batch are
# $z^{(1)}, \dots, z^{(m)}$, with $r = \sqrt{\mathrm{var}+\varepsilon}$,
# $\hat z^{(i)} = (z^{(i)} - \mu)/r$ and outputs $u^{(i)} = \gamma\hat z^{(i)} + \beta$. Let
# $d^{(i)} = \partial\mathcal L/\partial u^{(i)}$ arrive from above. Every output depends on every
# input, through $\mu$ and through $\mathrm{var}$:
#
# $$\frac{\partial\mu}{\partial z^{(i)}} = \frac1m,\qquad
#   \frac{\partial\,\mathrm{var}}{\partial z^{(i)}} = \frac2m(z^{(i)} - \mu),$$
#
# where the path from $z^{(i)}$ through $\mu$ into the variance adds nothing, since it is
# $-\frac2{m^2}\sum_j (z^{(j)} - \mu) = 0$. So $\partial r^{-1}/\partial z^{(i)} =
# -\frac12 r^{-3}\cdot\frac2m(z^{(i)}-\mu) = -\hat z^{(i)}/(m r^2)$, and
#
# $$\frac{\partial\hat z^{(j)}}{\partial z^{(i)}}
#   = \frac1r\Big([i=j] - \frac1m - \frac{\hat z^{(i)}\hat z^{(j)}}{m}\Big).$$
#
# Summing $\gamma d^{(j)}\,\partial\hat z^{(j)}/\partial z^{(i)}$ over $j$:
#
# $$\frac{\partial\mathcal L}{\partial z^{(i)}} = \frac{\gamma}{m r}\Big(m\,d^{(i)} - \sum_j d^{(j)}
#   - \hat z^{(i)}\sum_j d^{(j)}\hat z^{(j)}\Big).$$
#
# The first term is the gradient if $\mu$ and $r$ were constants; the two sums are what the
# paths through $\mu$ and through the variance take away. As code, for all units at once
# (`inv_std` is $1/r$), `net.bn_fused`:

# %%
print(inspect.getsource(net.bn_fused))

# %%
fused_z1 = net.bn_fused(mine["zbn"], t["zhat"], t["gamma"], t["inv_std"])
net.table([net.cmp("z1, fused − step by step", fused_z1, mine["z1"]),
           net.cmp("z1, fused − torch", fused_z1, theirs["z1"])],
          against="the step-by-step gradient and torch's")

# %% [markdown]
# **SymPy** checks the step chapter 8 did not show, the Jacobian
# $\partial\hat z^{(j)}/\partial z^{(i)}$ above, for one unit and a small batch (`checks.BN_M`
# samples): SymPy's derivative minus the formula, with $\varepsilon = r^2 - \mathrm{var}$ so that
# the square root becomes the symbol $r$, after which `expand` can decide whether it is 0:

# %%
from bpbook.chapters.ch14_by_hand import checks

agrees = checks.jacobian_agrees(checks.BN_M)
assert agrees
display(say("SymPy, every $\\partial\\hat z^{{(j)}}/\\partial z^{{(i)}}$ for a batch of {m}: "
            "derivative minus formula expands to 0: **{a}**.", m=checks.BN_M,
            a="they agree" if agrees else "they differ"))

# %% [markdown]
# The library's `bpbook.BatchNorm` ([chapter 8](08_vanishing_gradients.py)) uses this same formula
# in its `backward`. Given the same `z1`, $\gamma$ and incoming gradient, it returns:

# %%
from bpbook.norm import BatchNorm

bn = BatchNorm(net.HIDDEN)
bn.gamma[...] = p["gamma"]
bn.forward(t["z1"].numpy())
from_library = torch.from_numpy(bn.backward(mine["zbn"].numpy()))
net.table([net.cmp("z1, bpbook.BatchNorm − torch", from_library, theirs["z1"])])

# %% [markdown]
# ## A third check: central differences
#
# Central differences use no chain rule at all: nudge one entry of a parameter by
# $\pm\varepsilon$, recompute the loss, divide the change by $2\varepsilon$. They hold both
# backward passes to the definition of the derivative (a local derivative that torch and we got
# wrong alike, or a graph cut where it should not be, would show here). They cannot catch a wrong
# forward pass, which they differentiate too: that one was checked against torch's own layers at
# the start. Chapter 11's rule
# (`bpbook.gradcheck.check_gradients`) judges the agreement, on a few entries of each parameter
# drawn at random:

# %%
fd = checks.differences(p, X, y, mine, sample=4)
assert fd.passed(), fd.verdict()
display(say("{v}.", v=fd.verdict()))
fd.table

# %% [markdown]
# ## Play with it
#
# Choose the batch size and one of the gradients. The left map shows that gradient by hand
# (blue negative, red positive, the colour scale in the title); the right one shows by hand
# minus torch, on its own much smaller scale, or says that every entry is exactly 0. The table
# gives the loss of that batch and the same numbers; the picture's text alternative says them in
# words. The explorer calls `bpbook.chapters.ch14_by_hand.explore.update`. Things to try:
# `b1` (how small is it, and does it grow with $m$?); `o_max`; `zbn` with $m = 4$ and $m = 128$.

# %%
from bpbook.chapters.ch14_by_hand.explore import explorer, update

explorer()

# %% [markdown]
# The same function, called directly:

# %%
view = update(m=8, tensor="gamma")
print(view.description)
view.table

# %% [markdown]
# ## Recap
#
# - A network's backward pass is its forward pass read backwards, one local derivative per line;
#   a tensor used twice adds its two gradients.
# - A broadcast in the forward pass is a sum in the backward pass, and a sum is a broadcast.
# - Written by hand in float64, every gradient of this network agrees with `torch.autograd`'s
#   to a rounding or two, many to the last bit; central differences agree too.
# - Cross-entropy after a softmax fuses to $(P - Y)/m$; batch norm fuses to
#   $\frac{\gamma}{m r}(m d - \sum d - \hat z\sum d\hat z)$, its Jacobian step checked by SymPy.
# - A bias right before batch norm gets a zero gradient: the normalisation subtracts it away.

# %% [markdown]
# ## Exercises
#
# Replace `None` with your answer and run the cell. Arrays are numpy. The page's code shows the
# batch-norm network; these carry its method to neighbours it does not show.
#
# **1.** Layer normalisation standardises each *sample* over its $n$ units instead of each unit
# over the batch: `zc = z - mu` with `mu = z.sum(0, keepdims=True) / n`, and $z$ is used nowhere
# else. Given `dzc` $= \partial\mathcal L/\partial z_c$, shape $(n, m)$, return
# $\partial\mathcal L/\partial z$.

# %%
from bpbook.chapters.ch14_by_hand.exercises import (check_centering, check_first_layer,
                                                    check_ln_backward, check_tanh)

# %% tags=["exercise"] exercise="14.centering"
def dz_from_dzc(dzc):
    return None  # replace None with your expression

# %% tags=["check"]
check_centering(dz_from_dzc)

# %% [markdown]
# **2.** PyTorch's `nn.Linear` keeps samples in rows: `z = X @ W.T + b` with `X` $(m, d)$, `W`
# $(n, d)$, `b` $(n,)$ and `z` $(m, n)$. Given `dz` $= \partial\mathcal L/\partial z$ $(m, n)$
# and `X`, return $\partial\mathcal L/\partial W$, shape $(n, d)$, and from `dz` alone
# $\partial\mathcal L/\partial b$, shape $(n,)$.

# %% tags=["exercise"] exercise="14.first-layer"
def dW(dz, X):
    return None  # replace None with your expression


def db(dz):
    return None  # replace None with your expression

# %% tags=["check"]
check_first_layer(dW, db)

# %% [markdown]
# **3.** `h = tanh(zbn)`. Given `dh` $= \partial\mathcal L/\partial h$ and the pre-activation
# `zbn` (not $h$), return $\partial\mathcal L/\partial z_{bn}$.

# %% tags=["exercise"] exercise="14.tanh"
def dzbn(dh, zbn):
    return None  # replace None with your expression

# %% tags=["check"]
check_tanh(dzbn)

# %% [markdown]
# **4.** Layer normalisation's backward in one expression. Its forward is batch norm's along the
# other axis: `mu`, `var` and `inv_std` $= 1/r$ are taken over the units of each sample (shape
# $(1, m)$), then `zln = gamma * zhat + beta` with `gamma` $(n, 1)$, one per unit. Given `dzln`
# $= \partial\mathcal L/\partial z_{ln}$ and `zhat` $(n, m)$, `gamma` and `inv_std`, return
# $\partial\mathcal L/\partial z$. Redo the derivation above along the other axis: where does
# $\gamma$ go now?

# %% tags=["exercise"] exercise="14.bn-fused"
def ln_backward(dzln, zhat, gamma, inv_std):
    return None  # replace None with your expression

# %% tags=["check"]
check_ln_backward(ln_backward)
