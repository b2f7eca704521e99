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
# # 15. Convolutions: backpropagation through shared weights
#
# **In this chapter you will**
# - write a convolution as a sum over indices and derive its backward pass from that sum;
# - find that the gradient of a correlation is again a correlation (with the kernel turned by
#   180° for the input), and check it with SymPy, finite differences and PyTorch;
# - see im2col turn a convolution into the matrix product of [chapter 4](04_matrix_form.py);
# - route a gradient through max pooling, the max gate of
#   [chapter 2](02_computation_graph.py);
# - train a small convolutional network on the book's digits beside a dense one.
#
# The symbols are the book's ([chapter 3, Notation](03_worked_example.py)); samples sit on the
# last axis, so a batch of images has shape $(C, H, V, m)$: channels, rows, columns, samples
# ($W$ stays the weights).

# %% [markdown]
# ## Why a kernel
#
# A dense layer from an $8\times8$ image to an $8\times8$ map of features has $64 \cdot 64$
# weights, and what it learns about a stroke in the top-left corner teaches it nothing about the
# same stroke one pixel to the right. A convolution looks at the image through a small window,
# the *kernel*, and slides the same window over every position. Its few weights are **shared** by
# all positions: that is the whole idea, and it is also what the backward pass has to account
# for, because a shared weight collects the gradient of every place it was used.

# %% [markdown]
# ## The forward pass, index by index
#
# Take one channel and one sample, an image $x$ of $H \times V$ pixels and a kernel $w$ of
# $k \times k$ weights. The output pixel $(i, j)$ is the kernel laid on the image at $(i, j)$,
# multiplied entry by entry and summed:
#
# $$z_{ij} = \sum_{p=0}^{k-1}\sum_{q=0}^{k-1} w_{pq}\, x_{i+p,\,j+q},
# \qquad 0 \le i \le H-k,\quad 0 \le j \le V-k.$$
#
# Mathematicians call this a cross-correlation (a true convolution would flip the kernel);
# every deep-learning library computes it and calls it a convolution, and so does this book.
# Written out as loops, in `bpbook/chapters/ch15_convolutions/index_form.py`:

# %%
# %matplotlib inline
import inspect

import numpy as np
from IPython.display import display

from bpbook import Conv2d
from bpbook.chapters.ch15_convolutions import index_form
from bpbook.chapters.ch15_convolutions.index_form import correlate
from bpbook.display import say
from bpbook.tables import Table

print(inspect.getsource(correlate))

# %%
rng = np.random.RandomState(15)
x, w = rng.randn(5, 6), rng.randn(3, 3)
z = correlate(x, w)
layer = Conv2d(1, 1, 3, W=w[None, None], b=np.zeros(1))
display(say("A {h}×{v} image and a {k}×{k} kernel give a {zh}×{zv} output; the loops and "
            "bpbook's `Conv2d` agree to {err:.1e}.", h=x.shape[0], v=x.shape[1], k=w.shape[0],
            zh=z.shape[0],
            zv=z.shape[1], err=np.abs(layer.forward(x[None, :, :, None])[0, :, :, 0] - z).max()))

# %% [markdown]
# With padding $P$ (zeros around the image) and a stride $s$ (the window jumps $s$ pixels), the
# output has $\lfloor (H + 2P - k)/s \rfloor + 1$ rows. Several input channels add one more sum,
# over the channel $c$; several output channels mean one kernel per output channel $o$ and input
# channel $c$: the weights $W_{o,c,p,q}$, shaped $(C_\text{out}, C_\text{in}, k, k)$ as in
# PyTorch, and one bias $b_o$ per output channel.

# %% [markdown]
# ## The backward pass, from the same sum
#
# Let $\delta_{ij} = \partial\mathcal L/\partial z_{ij}$ arrive from above (the layer's $\delta$
# of [chapter 3](03_worked_example.py), one per output pixel). Each weight $w_{pq}$ appears in
# every output pixel, once each, multiplied by $x_{i+p,j+q}$. By the chain rule, with the shares
# of every use added up ([chapter 1](01_chain_rule.py)'s roads that meet):
#
# $$\frac{\partial\mathcal L}{\partial w_{pq}} = \sum_{i,j} \delta_{ij}\, x_{i+p,\,j+q}.$$
#
# That is the forward formula again with $\delta$ in the place of the kernel: **the input correlated
# with the output gradient**. Each input pixel $x_{uv}$ feeds the output pixels $(u-p, v-q)$ for
# every kernel position $(p, q)$ that stays inside the output, with weight $w_{pq}$:
#
# $$\frac{\partial\mathcal L}{\partial x_{uv}} = \sum_{p,q} w_{pq}\; \delta_{u-p,\,v-q}
# \qquad(\text{terms whose } \delta \text{ index falls outside are } 0).$$
#
# Read it as a correlation: pad $\delta$ with $k-1$ zeros on every side and slide the kernel
# **turned by 180°** over it. `index_form.kernel_grad` and `index_form.input_grad` are these two
# formulas. First SymPy checks them on a 1-D signal, every symbol kept:

# %%
import sympy as sp

dw, dx, is_correlation, is_flipped = index_form.symbolic_1d(n=5, k=3)
display(say("SymPy, for $z_i = \\sum_p w_p x_{{i+p}}$ and $\\mathcal L = \\sum_i \\delta_i z_i$: "
            "$\\partial\\mathcal L/\\partial w_0 = {dw0}$ and "
            "$\\partial\\mathcal L/\\partial x_2 = {dx2}$. ∂ℒ/∂w is the correlation of x with "
            "δ: **{a}**; ∂ℒ/∂x is the full correlation of δ with the flipped kernel: **{b}**.",
            dw0=sp.latex(dw[0]), dx2=sp.latex(dx[2]), a=is_correlation, b=is_flipped))

# %% [markdown]
# Then the 2-D formulas against bpbook's `Conv2d` (which computes them with im2col, below),
# PyTorch's autograd and central differences, for a random image and a random upstream $\delta$
# (`g` in the code); the
# central differences are judged by the book's one rule
# ([chapter 11](11_gradient_checking.py)):

# %%
import torch

from bpbook.gradcheck import check_gradients, numeric_grad

g = rng.randn(*z.shape)
layer.forward(x[None, :, :, None])
bp_dx = layer.backward(g[None, :, :, None])[0, :, :, 0]
xt = torch.tensor(x[None, None], requires_grad=True)
wt = torch.tensor(w[None, None], requires_grad=True)
(torch.nn.functional.conv2d(xt, wt) * torch.tensor(g[None, None])).sum().backward()
loss = lambda: float(np.sum(g * correlate(x, w)))  # noqa: E731
witness = [
    ["∂ℒ/∂w", index_form.kernel_grad(x, g), layer.dW[0, 0], wt.grad[0, 0].numpy(),
     numeric_grad(loss, w)],
    ["∂ℒ/∂x", index_form.input_grad(w, g), bp_dx, xt.grad[0, 0].numpy(), numeric_grad(loss, x)]]
fd = check_gradients(loss, [("w", w, witness[0][1]), ("x", x, witness[1][1])])
assert fd.passed(), fd.verdict()
Table(["gradient", "formula vs bpbook", "formula vs torch", "formula vs finite diff."],
      [[name, np.abs(f - b).max(), np.abs(f - t).max(), np.abs(f - n).max()]
       for name, f, b, t, n in witness], [None, "{:.1e}", "{:.1e}", "{:.1e}"],
      caption=f"largest absolute differences; central differences by the rule: {fd.verdict()}")

# %% [markdown]
# ## im2col: the convolution as chapter 4's matrix product
#
# Loops over pixels are slow in Python. Cut every $k\times k$ patch out of the image and make it
# a column: the patches form a matrix of $k^2$ rows and one column per output pixel (and per
# sample, in a batch). The kernel flattened to a row times that matrix is the whole output:

# %%
small, kernel = np.arange(16.0).reshape(4, 4), np.array([[1.0, -2.0], [3.0, 0.5]])
cols = index_form.im2col(small, kernel.shape[0])
display(say("A {h}×{v} image with a {k}×{k} kernel: the patches make a {r}×{c} matrix, one column "
            "per output pixel. For the kernel {w}, `w.ravel() @ cols` equals the loops' output: "
            "**{same}**.", h=small.shape[0], v=small.shape[1], k=kernel.shape[0],
            r=cols.shape[0], c=cols.shape[1], w=kernel.tolist(),
            same=np.allclose(kernel.ravel() @ cols, correlate(small, kernel).ravel())))
print(cols)

# %% [markdown]
# Now the layer is [chapter 4](04_matrix_form.py)'s dense layer on columns, $Z =
# W_\text{mat}\,\text{cols} + b$ with $W_\text{mat}$ of shape $(C_\text{out}, C_\text{in}k^2)$, and
# its backward pass is the one derived there: $dW_\text{mat} = \Delta\,\text{cols}^\top$ (the
# correlation of input and $\delta$, summed over positions and samples), $db = \sum \Delta$, and
# $d\,\text{cols} = W_\text{mat}^\top \Delta$. The last step, *col2im*, adds each entry of
# $d\,\text{cols}$ back onto the pixel it was copied from: a pixel copied into several patches (up
# to $k^2$ with stride 1) collects one share from each. That is how `bpbook.Conv2d` computes (see
# `bpbook/conv.py`), and `make bench` times it against PyTorch (`conv_step`).

# %% [markdown]
# ## Max pooling: a max gate per window
#
# Max pooling passes on the largest value of each window. In
# [chapter 2](02_computation_graph.py)'s terms it is a max gate: only the winner influenced the
# output, so only the winner receives the gradient; the others get exactly 0. Here is a small
# feature map, its $2\times2$ pooling and the routed gradient of an upstream gradient with a
# different number for each window:

# %%
from bpbook import MaxPool2d

fmap = np.random.RandomState(3).randint(0, 10, size=(4, 4)).astype(float)
pool = MaxPool2d(2)
pooled = pool.forward(fmap[None, :, :, None])[0, :, :, 0]
routed = pool.backward(np.arange(1.0, 5.0).reshape(1, 2, 2, 1))[0, :, :, 0]
print("feature map:", fmap, "pooled:", pooled, "gradient routed back:", routed, sep="\n")
windows = fmap.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3).reshape(4, 4)
ties = int(sum((win == win.max()).sum() > 1 for win in windows))
display(say("Each window sends its gradient to one entry; {n} of the {w} windows hold a tie for "
            "the largest value, and there the first largest (in reading order) gets it, as in "
            "PyTorch.", n=ties, w=len(windows)))

# %% [markdown]
# ## Explore: what a kernel sees, and where the gradient goes
#
# Pick one of the test digits and a kernel. The explorer filters the digit with it (zero padding
# keeps the size, then ReLU), pools the feature map, and shows which pre-activations $z$ the
# gradient of the pooled sum reaches: each window's largest, unless that is 0, where the ReLU
# stops it. The function doing the work is
# `bpbook.chapters.ch15_convolutions.explore.update`.

# %%
from bpbook.chapters.ch15_convolutions.explore import explorer, update

explorer()

# %% [markdown]
# In the static edition the explorer shows its first setting. The same computation for the blur
# kernel on test image 3:

# %%
view = update(3, "blur")
display(view.table)
print(view.alt)

# %% [markdown]
# ## A small CNN on the digits
#
# `bpbook.chapters.ch15_convolutions.cnn` builds two classifiers for
# [chapter 13](13_real_classifier.py)'s digits: a CNN (a convolution with ReLU, $2\times2$ max
# pooling, a dense layer to ten logits) and an MLP with one hidden ReLU layer, narrower than
# chapter 13's so that the two learn about as many numbers (their sizes are printed below). Both
# train by chapter 13's mini-batch SGD on softmax cross-entropy, from the same seed, on the same
# images of their own split; a held-out set of test images measures them.

# %%
from bpbook.chapters.ch15_convolutions import cnn, plots

result = cnn.compare()
display(say("CNN: {f} filters of {k}×{k}, padding {p}; MLP: {h} hidden units.", f=cnn.FILTERS,
            k=result.models[0].layers[0].k, p=result.models[0].layers[0].padding,
            h=cnn.HIDDEN))
Table(["model", "parameters", "final training loss", "test accuracy"],
      [[name, n, losses[-1], acc] for name, n, losses, acc in
       zip(result.names, result.params, result.losses, result.test_accuracy)],
      [None, "{:d}", "{:.4f}", "{:.1%}"])

# %%
gap = result.test_accuracy[0] - result.test_accuracy[1]
display(say("The CNN learns {p} numbers, {rel} than the MLP's {q}. Its test accuracy differs "
            "from the MLP's by {d:+.1f} percentage points, {n} of the {t} test images: one "
            "seeded run on small images, so read it as \"about as good\" unless the gap is "
            "many images.", p=result.params[0], q=result.params[1], d=100 * gap,
            rel="fewer" if result.params[0] < result.params[1] else "more",
            n=int(round(abs(gap) * cnn.N_TEST)), t=cnn.N_TEST))
plots.loss_curves(result)

# %% [markdown]
# The first layer's filters after training, each a $3\times3$ kernel:

# %%
plots.filters(result.models[0].layers[0])

# %% [markdown]
# ## Recap
#
# - A convolution is a dense layer whose weights are shared across positions, and the chain rule
#   adds a shared weight's shares: $\partial\mathcal L/\partial w$ is the input correlated with
#   $\delta$.
# - The input's gradient is $\delta$, padded, correlated with the kernel turned by 180°.
# - im2col makes both chapter 4's matrix products; col2im adds the shares back onto the pixels.
# - Max pooling sends each window's gradient to its largest input, as a max gate does.
# - Checked three ways: SymPy for the rules, finite differences and PyTorch for the numbers.

# %% [markdown]
# ## Exercises
#
# Replace `None` with your answer and run the cell.
#
# **1.** A convolution with the settings below: how many rows does its output have?

# %%
from bpbook.chapters.ch15_convolutions.exercises import (COUNT_AT, SIZE_AT, check_conv_dW,
                                                         check_output_size, check_param_count,
                                                         check_pool_backward)

print("settings:", SIZE_AT)

# %% tags=["exercise"] exercise="15.output-size"
answer = None

# %% tags=["check"]
check_output_size(answer)

# %% [markdown]
# **2.** The page derived $\partial\mathcal L/\partial w$ for stride 1. Derive it for stride 2, one
# channel, no padding, where $z_{ij} = \sum_{p,q} w_{pq}\, x_{2i+p,\,2j+q}$, and write it: `x` is
# the image $(H, V)$, `g` the output gradient $(\lfloor (H-k)/2 \rfloor + 1,
# \lfloor (V-k)/2 \rfloor + 1)$, `k` the kernel size; return the $(k, k)$ kernel gradient.

# %% tags=["exercise"] exercise="15.conv-dw"
def conv_dW(x, g, k):
    return None  # replace None with your code

# %% tags=["check"]
check_conv_dW(conv_dW)

# %% [markdown]
# **3.** Write max pooling's backward pass for $2\times2$ windows with stride 2: `x` is the
# pooled layer's input $(H, V)$ (even sides), `da` the gradient of its output $(H/2, V/2)$.

# %% tags=["exercise"] exercise="15.pool-backward"
def pool_backward(x, da):
    return None  # replace None with your code

# %% tags=["check"]
check_pool_backward(pool_backward)

# %% [markdown]
# **4.** How many numbers does the layer below learn?

# %%
print("Conv2d(in_channels={in_channels}, out_channels={out_channels}, kernel_size={k})"
      .format(**COUNT_AT))

# %% tags=["exercise"] exercise="15.param-count"
answer = None

# %% tags=["check"]
check_param_count(answer)

# %% [markdown] tags=["think"] exercise="15.why-share"
# **5.** A digit is shifted by one pixel to the right. From the index form of $z_{ij}$, what
# happens to its feature map (away from the border)? And to the $2\times2$ max-pooled map: does
# it shift too, and would a shift by two pixels behave differently? What does this say about what
# a CNN learns from one position for the others?
