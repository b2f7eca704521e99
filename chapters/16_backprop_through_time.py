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
# # 16. Backpropagation through time
#
# **In this chapter you will**
# - unroll a recurrent network over a sequence and see that its backward pass is the backprop
#   you know, run over a deep network whose layers share their weights;
# - write that backward pass in a dozen lines, and check `bpbook.RNN` against it, against
#   `torch.autograd`, against finite differences and against SymPy;
# - train a network to remember the first symbol of a sequence;
# - watch the gradient travel back through time, step by step, and measure when it vanishes
#   and when it explodes (for $W_{hh} = \rho Q$, $Q$ orthogonal, the spectral radius $\rho$
#   decides);
# - tame an exploding run by clipping the gradient's norm;
# - truncate the backward pass and measure what a truncated network can no longer learn.
#
# Every number and picture comes from code on this page, every random draw seeded. Samples
# are the last axis, as in every chapter: a batch of sequences has shape $(n_{in}, T, m)$.

# %% [markdown]
# ## A task that needs memory
#
# Each sequence starts with a symbol, $+1$ or $-1$, followed by distractors drawn uniformly from
# $[-1, 1]$. The network reads the whole sequence, one number per step, and must then say which
# symbol came first. Nothing at the last step tells it the answer: it has to carry it.

# %%
# %matplotlib inline
import inspect

import numpy as np
from IPython.display import display

from bpbook.chapters.ch16_backprop_through_time import checks, flow, plots, task
from bpbook.display import say
from bpbook.rnn import RNN, spectral_radius
from bpbook.tables import Table

X, Y = task.memory_task(T=6, m=4, seed=11)
Table(["sequence", *[f"x_{t}" for t in range(1, 7)], "answer y"],
      [[k + 1, *X[0, :, k], Y[0, k]] for k in range(4)], [None] + ["{:+.2f}"] * 7)

# %% [markdown]
# ## The recurrent network
#
# A recurrent layer keeps a hidden state $h_t$ of `hidden` numbers and updates it at every
# step from the new input and its previous self, with the same weights at every step:
#
# $$z_t = W_{xh}x_t + W_{hh}h_{t-1} + b,\qquad h_t = \tanh(z_t),\qquad h_0 = 0.$$
#
# A linear readout looks at the last state only, $\hat y = W_{out}h_T + b_{out}$, and the loss is
# the ½-MSE averaged over the $m$ sequences, $\mathcal L = \frac1m\sum_i \frac12(\hat y^{(i)} -
# y^{(i)})^2$. `bpbook.RNN(n_in, n_hidden)` is this layer (`torch.nn.RNN` with
# `nonlinearity="tanh"`, whose two biases add up to our $b$); its `forward` returns every state,
# shape $(n_{hidden}, T, m)$, and keeps each step's local derivative $\tanh'(z_t) = 1 - h_t^2$
# beside it. The readout is a `bpbook` `Dense` layer on `H[:, -1]`.

# %%
rnn, readout = task.build(hidden=task.HIDDEN, seed=task.SEED)
H = rnn.forward(X)
display(say("`X` has shape {xs}; the states `H` have shape {hs}; the readout sees `H[:, -1]`, "
            "shape {ls}. Parameters: {params}.", xs=X.shape, hs=H.shape, ls=H[:, -1].shape,
            params=", ".join(f"`{n}` {v.shape}" for n, v, _ in rnn.params() + readout.params())))

# %% [markdown]
# ## Unrolled, it is an ordinary deep network
#
# Write the steps out one after another and the recurrent layer becomes a feed-forward network
# $T$ layers deep, whose layers all use the same $W_{xh}$, $W_{hh}$ and $b$. Backprop on that
# network is **backpropagation through time** (BPTT). Two things are new. A state feeds two
# places, the loss (if the loss looks at it) and the next step, so its gradient is a sum (a
# fan-out, as in [chapter 2](02_computation_graph.py)); and a shared weight collects one gradient
# per step, as a kernel does in [chapter 15](15_convolutions.py), so its
# gradient is a sum over time. Walking back from $t = T$ to $1$, with nothing flowing into the
# last step from the future ($\delta_{T+1} = 0$):
#
# $$\frac{\partial\mathcal L}{\partial h_t} = dH_t + W_{hh}^\top\delta_{t+1},\qquad
#   \delta_t = \frac{\partial\mathcal L}{\partial z_t} = \frac{\partial\mathcal L}{\partial h_t}
#   \odot(1-h_t^2),$$
# $$\frac{\partial\mathcal L}{\partial W_{xh}} = \sum_{t=1}^{T}\delta_t x_t^\top,\qquad
#   \frac{\partial\mathcal L}{\partial W_{hh}} = \sum_{t=2}^{T}\delta_t h_{t-1}^\top,\qquad
#   \frac{\partial\mathcal L}{\partial b} = \sum_{t=1}^{T}\sum_{i=1}^{m}\delta_t^{(i)},$$
#
# where $dH_t$ is what the loss puts on $h_t$ directly: here zero except at the last step, where
# it is $W_{out}^\top(\hat Y - Y)/m$. The whole backward pass, written out:

# %%
def bptt(W_xh, W_hh, X, H, dh_T):
    """Gradients of W_xh, W_hh, b from ∂ℒ/∂h_T, the loss on the last state only."""
    dW_xh, dW_hh = np.zeros_like(W_xh), np.zeros_like(W_hh)
    db = np.zeros((W_hh.shape[0], 1))
    dh = dh_T
    for t in range(X.shape[1] - 1, -1, -1):
        delta = dh * (1 - H[:, t] ** 2)  # through tanh
        dW_xh += delta @ X[:, t].T
        if t > 0:  # h_0 = 0 adds nothing to dW_hh
            dW_hh += delta @ H[:, t - 1].T
        db += delta.sum(axis=1, keepdims=True)
        dh = W_hh.T @ delta  # into the previous state
    return dW_xh, dW_hh, db


y_hat = readout.forward(H[:, -1])
mine = bptt(rnn.W_xh, rnn.W_hh, X, H, readout.W.T @ ((y_hat - Y) / Y.shape[1]))
grads = checks.gradients(rnn, readout, X, Y)
gap = max(float(np.max(np.abs(a - grads[n]))) for a, n in zip(mine, ("rnn.W_xh", "rnn.W_hh",
                                                                     "rnn.b")))
assert gap < 1e-12, gap
display(say("Largest difference between this loop's gradients and `bpbook.RNN`'s: {g:.1e}.",
            g=gap))

# %% [markdown]
# `bpbook.RNN.backward` takes $\partial\mathcal L/\partial h_t$ for every step at once (a loss may
# look at every state), keeps `dh` and `delta` for every step, and sums the parameter gradients over
# time in one matrix product each. Its loop:

# %%
print(inspect.getsource(RNN._full))

# %% [markdown]
# ## Checked three ways
#
# **Against `torch.autograd`.** `torch.nn.RNN` gets the same weights (our $b$ split over its two
# biases), `torch.nn.Linear` the readout's; torch differentiates the same loss on fresh
# sequences:

# %%
Xc, Yc = task.memory_task(T=task.T, m=16, seed=21)
torch_table, torch_gap = checks.against_torch(rnn, readout, Xc, Yc)
assert torch_gap < 1e-12, torch_gap
torch_table

# %% [markdown]
# **Against finite differences.** Every entry of every parameter nudged by $\pm\varepsilon$
# (bpbook's default step), the loss recomputed twice, and each entry judged by the book's one rule
# ([chapter 11](11_gradient_checking.py)):

# %%
fd_table, fd_err = checks.against_differences(rnn, readout, Xc, Yc)
assert fd_err < 1e-6, fd_err
fd_table

# %% [markdown]
# **Against SymPy.** One hidden unit over three steps is small enough to write as a formula: $h_t =
# \tanh(u x_t + w h_{t-1} + c)$, $\hat y = v h_3 + d$, $\mathcal L = \frac12(\hat y - y)^2$, with
# scalars $u, w, c$ in place of $W_{xh}, W_{hh}, b$. SymPy differentiates the nested tanh directly.
# Its $\partial h_3/\partial w$, written with the states $h_1, h_2, h_3$:

# %%
import sympy as sp

dh3_dw, (h1, h2, h3) = checks.paths_of_dh_dw(3)
w = sp.Symbol("w", real=True)
paths = (1 - h3**2) * h2 + (1 - h3**2) * w * (1 - h2**2) * h1
assert sp.expand(paths - dh3_dw) == 0
display(sp.Eq(sp.Symbol(r"\frac{\partial h_3}{\partial w}"), sp.factor(dh3_dw)))
display(sp.Eq(sp.Symbol(r"\frac{\partial h_3}{\partial w}"), paths, evaluate=False))

# %% [markdown]
# The second line is the same expression regrouped (the cell checks that the difference
# expands to zero): one term per step at which $w$ acts, each a product of the local
# derivatives along the path back from $h_3$. The term through $h_0$ is missing because
# $h_0 = 0$. At numbers of our choosing, SymPy's exact derivatives beside `bpbook.RNN`'s:

# %%
values = dict(u=0.7, w=-1.3, c=0.2, v=1.5, d=-0.1, y=1.0, x1=1.0, x2=-0.4, x3=0.6)
sympy_table, sympy_gap = checks.against_sympy(values)
assert sympy_gap < 1e-12, sympy_gap
sympy_table

# %% [markdown]
# ## Training with BPTT
#
# Mini-batch SGD with `bpbook.SGD` over the RNN's and the readout's parameters, sequences of
# length $T$, settings from `bpbook.chapters.ch16_backprop_through_time.task`:

# %%
run = task.train()
display(say("{T} steps per sequence, {h} hidden units, {m} training sequences in mini-batches "
            "of {b}, η = {lr:g}, {e} epochs. On {mt} fresh test sequences the trained network "
            "names the first symbol right **{acc:.1%}** of the time (chance: 50%); test loss "
            "{tl:.4f}.", T=task.T, h=task.HIDDEN, m=task.M_TRAIN, b=task.BATCH, lr=task.LR,
            e=task.EPOCHS, mt=task.M_TEST, acc=run.test_accuracy, tl=run.test_loss))
plots.loss_figure(run)

# %% [markdown]
# ## The gradient, step by step
#
# How much of the loss's gradient reaches each state? `bpbook.RNN` keeps
# $\partial\mathcal L/\partial h_t$ for every step (`dh`); its norm over units and samples, against
# $t$, for the untrained and the trained network on the same test sequences:

# %%
Xs, Ys = task.memory_task(T=task.T, m=task.M_TEST, seed=31)
untrained, untrained_readout = task.build()
curves = {"before training": flow.loss_step_norms(untrained, untrained_readout, Xs, Ys),
          "after training": flow.loss_step_norms(run.rnn, run.readout, Xs, Ys)}
plots.flow_figure(curves)

# %%
keep = {k: v[0] / v[-1] for k, v in curves.items()}
display(say("Before training, the gradient at step 1 is {b:.2g} times the one at step {T}; "
            "after training, {a:.2g} times. Step 1 holds the symbol: the weights learn to keep "
            "it only through the gradient that reaches it. Training moved the spectral radius of "
            "$W_{{hh}}$ from {r0:.2f} to {r1:.2f}, and its largest singular value "
            "$\\|W_{{hh}}\\|_2$ from {s0:.2f} to {s1:.2f} (the next section says why both).",
            b=keep["before training"], a=keep["after training"], T=task.T,
            r0=spectral_radius(untrained.W_hh), r1=spectral_radius(run.rnn.W_hh),
            s0=np.linalg.norm(untrained.W_hh, 2), s1=np.linalg.norm(run.rnn.W_hh, 2)))

# %% [markdown]
# ## Vanishing and exploding, measured
#
# As in a deep network ([chapter 8](08_vanishing_gradients.py)), each step back multiplies the
# state's gradient by $W_{hh}^\top\operatorname{diag}(1-h_t^2)$,
# so the gradient at step 1 is a product of $T-1$ such matrices applied to the one at step
# $T$. Take $W_{hh} = \rho Q$ with $Q$ orthogonal: then every eigenvalue of $W_{hh}$ has size
# $\rho$ (its **spectral radius**) and $W_{hh}^\top$ stretches every vector by exactly $\rho$.
# The tanh slopes lie in $(0, 1]$, so they can only shrink it further:
#
# $$\frac{\|\partial\mathcal L/\partial h_1\|}{\|\partial\mathcal L/\partial h_T\|}
#   \le \rho^{T-1}.$$
#
# For any other $W_{hh}$ one step can stretch by up to its largest singular value
# $\|W_{hh}\|_2$, which may exceed $\rho$ (the untrained network above); $\rho$ only sets the
# long-run rate. The tables use $W_{hh} = \rho Q$, where the two are equal.
#
# `flow.ratio_table` measures the left side for a network on the task's sequences and prints
# it beside the bound, first with the task's inputs, then with much
# smaller inputs (states near 0, where $\tanh' \approx 1$; the scale is set in the cell):

# %%
rhos, lengths = (0.5, 0.9, 1.0, 1.1, 1.5, 2.0), (5, 10, 20, 40)
big = flow.ratio_table(rhos, lengths, input_scale=1.0)
display(say("{h} hidden units, the task's inputs:", h=flow.PROBE_HIDDEN))
big

# %%
SMALL_INPUTS = 0.01  # a setting: how much the second table shrinks the task's inputs
small = flow.ratio_table(rhos, lengths, input_scale=SMALL_INPUTS)
display(say("The same, inputs scaled by {s:g}:", s=SMALL_INPUTS))
small

# %%
gb, gs = flow.growth(big), flow.growth(small)
low, high, short_T, long_T = min(rhos), max(rhos), lengths[-2], lengths[-1]
display(say("With ρ = {lo:g} the gradient reaching step 1 of {L} is {v:.1e} of the last step's: "
            "it vanishes geometrically, as the bound says. With ρ = {hi:g} and small inputs it "
            "is {e:.1e} times larger at T = {S}, and only {e40:.1e} at T = {L}, far below the "
            "bound {bL:.1e}: the states grow until tanh saturates, and the small slopes of a "
            "saturated tanh hold the growth back. With the task's inputs (first table), "
            "ρ = {hi:g} reaches only {eb:.1e} at T = {S}.", lo=low, hi=high, S=short_T, L=long_T,
            v=gb[low, long_T], e=gs[high, short_T], e40=gs[high, long_T],
            bL=high ** (long_T - 1), eb=gb[high, short_T]))

# %% [markdown]
# Below 1, the gradient from far back dies; above 1, it can blow up while the states stay in
# tanh's linear range. Either way, a dependency many steps long is hard to learn: its gradient
# is either a whisper or a shout.

# %% [markdown]
# ## Clipping the gradient's norm
#
# An exploding gradient makes one SGD step huge, and the network jumps somewhere useless.
# Clipping the global norm at a threshold $\tau$ ([chapter 8](08_vanishing_gradients.py)) keeps
# the direction and caps the size; `bpbook.SGD(..., clip=τ)` does it before each step. Two runs
# from a $W_{hh}$ rescaled to a large spectral radius, with a larger learning rate, the same in
# all but the clipping:

# %%
rho_big, lr_big, clip = 3.0, 0.5, 1.0
runs = {"no clipping": task.train(rho=rho_big, lr=lr_big),
        f"clipped at {clip:g}": task.train(rho=rho_big, lr=lr_big, clip=clip)}
plots.clipping_figure(runs)

# %%
free, clipped = runs.values()
display(say("ρ(W_hh) = {r:g} at the start, η = {lr:g}. Without clipping the largest gradient "
            "norm is {n0:.1e} and the test accuracy ends at {a0:.0%}; clipped at {c:g}, the "
            "largest norm before clipping is {n1:.1e} and the accuracy {a1:.0%}.",
            r=rho_big, lr=lr_big, n0=max(free.norms), a0=free.test_accuracy, c=clip,
            n1=max(clipped.norms), a1=clipped.test_accuracy))

# %% [markdown]
# Is this BPTT's $\rho^{T-1}$ at work? Two control runs, each changing one of the two settings:

# %%
ctl_rho = task.train(rho=rho_big)  # the large ρ with the task's η
ctl_lr = task.train(lr=lr_big)  # the task's start with the large η
display(say("The first gradient of both runs above is {n:.2g}, not large. From ρ = {r:g} with the "
            "task's η = {lr0:g} the largest norm stays {n2:.2g} and the accuracy reaches {a2:.0%};"
            " from the task's start (ρ = {r0:.2f}) with η = {lr:g} the norm explodes to {n3:.1e}"
            " and the accuracy ends at {a3:.0%}. The explosion here is SGD's own feedback: a step"
            " too large grows the weights, whose gradient then grows, step after step (a straight"
            " line on the log axis). Clipping caps every step, whatever the cause; it does "
            "nothing for vanishing gradients, since it only ever shrinks.", n=free.norms[0],
            r=rho_big, lr0=task.LR, n2=max(ctl_rho.norms), a2=ctl_rho.test_accuracy,
            r0=spectral_radius(task.build()[0].W_hh), lr=lr_big, n3=max(ctl_lr.norms),
            a3=ctl_lr.test_accuracy))

# %% [markdown]
# ## Truncated BPTT and what it cannot learn
#
# The backward pass walks the whole sequence again and needs every state the forward pass kept: for
# long sequences, both grow with $T$. **Truncated BPTT** carries each step's gradient back through
# at most $k$ steps and drops the rest. `bpbook.RNN(..., bptt_steps=k)` does this for each loss
# separately, to study what a window can learn: the loss on $h_T$ reaches steps $T-k+1, \dots,
# T$, and no further. It saves nothing (it keeps every state); what bounds memory in practice is
# the chunked form of exercise 2: run $k$ steps, backpropagate, and carry the state into the next
# chunk without its gradient (`h.detach()` in torch).
#
# Our task's dependency is as long as the sequence: the symbol sits at step 1 and is asked for
# at step $T$. Networks trained with truncation $k$ on sequences of length $T$, test accuracy:

# %%
lengths_tr, steps_tr = (4, 8, 16), (2, 4, 8, None)
grid = task.truncation_grid(lengths_tr, steps_tr)
task.truncation_table(grid, lengths_tr, steps_tr)

# %%
short = [(t, k) for t, k in grid if k is not None and k < t]
long = [key for key in grid if key not in short]
good = lambda keys: sum(grid[key] >= 0.9 for key in keys)  # noqa: E731
display(say("Runs whose window covers the whole sequence (k ≥ T, or full BPTT): {gl} of {nl} "
            "reach 90%, the lowest at {lo_l:.0%}. Runs whose window is shorter than the "
            "sequence: {gs} of {ns} reach 90%; their accuracies lie between {lo:.0%} and "
            "{hi:.0%}.", gl=good(long), nl=len(long), lo_l=min(grid[key] for key in long),
            gs=good(short), ns=len(short), lo=min(grid[key] for key in short),
            hi=max(grid[key] for key in short)))

# %% [markdown]
# With $k < T$ the loss on $h_T$ reaches $z_{T-k+1}$, which reads $h_{T-k}$ through $W_{hh}$:
# $k + 1$ states, so step 1, where the symbol is, only when $k = T - 1$. Every short window in
# this grid is at least two steps short. Beyond its window the network can at best amplify a
# trace of the symbol that its random start carries forward, which works for some seeds and not
# others. A truncated network can still *use* a long memory, but it cannot reliably *learn to
# keep* one longer than its window.

# %% [markdown]
# ## Play with it
#
# Choose the spectral radius $\rho$ of $W_{hh} = \rho Q$, the length $T$ and the size of the inputs;
# the picture shows $\|\partial\mathcal L/\partial h_t\| / \|\partial\mathcal L/\partial h_T\|$
# against the number of steps back, $T - t$, beside the bound $\rho^{T-t}$ (its text alternative
# gives the same numbers in words). The explorer calls
# `bpbook.chapters.ch16_backprop_through_time.explore.update`. Things to try: $\rho = 1$ with each
# input size; a $\rho$ above 1 with small inputs, then make $T$ longer; a $\rho$ just below 1 at
# the longest $T$.

# %%
from bpbook.chapters.ch16_backprop_through_time.explore import explorer, update

explorer()

# %% [markdown]
# The same function, called directly:

# %%
view = update(rho=1.5, T=30, input_scale=0.01)
print(view.description)
view.table

# %% [markdown]
# ## Recap
#
# - A recurrent layer unrolled over $T$ steps is a $T$-layer network with shared weights;
#   BPTT is backprop on it. A state's gradient adds what the loss puts on it to what the next
#   step sends back; a shared weight's gradient is the sum of its gradient at every step.
# - `bpbook.RNN` agrees with a loop written out here, with `torch.autograd`, with finite
#   differences and with SymPy's derivative of a three-step unit.
# - Going back one step multiplies the gradient by $W_{hh}^\top\operatorname{diag}(1-h^2)$;
#   over $T-1$ steps the size changes by at most $\|W_{hh}\|_2^{T-1}$, which is $\rho^{T-1}$ for
#   $W_{hh} = \rho Q$. Below $\rho = 1$ it vanishes, above it can explode, until tanh saturates.
#   An explosion can also be SGD's own, from too large a step.
# - Clipping the global norm tames an explosion; nothing that only shrinks helps vanishing.
# - Truncated BPTT cannot reliably learn a dependency longer than its window.

# %% [markdown]
# ## Exercises
#
# Replace `None` with your answer and run the cell.
#
# **1.** A recurrent layer with sigmoid units ([chapter 6](06_activations.py)), $h_t = \sigma(z_t)$,
# in place of tanh. Write one step of its backward pass: given $W_{hh}$, the gradient `dh` on the
# state $h_t$ and the state `h` $= h_t$ itself (both $(n, m)$), return what flows into $h_{t-1}$.

# %%
from bpbook.chapters.ch16_backprop_through_time.exercises import (GEOMETRIC_RHO, GEOMETRIC_SHARE,
                                                                  REACH_K, REACH_S, REACH_T,
                                                                  check_dW_hh,
                                                                  check_geometric, check_reach,
                                                                  check_step_back)

# %% tags=["exercise"] exercise="16.step-back"
def step_back(W_hh, dh, h):
    return None  # replace None with your expression

# %% tags=["check"]
check_step_back(step_back)

# %% [markdown]
# **2.** Training on a long stream cut into chunks starts each chunk from the last state of the
# previous one, so $h_0$ is not 0. Write $\partial\mathcal L/\partial W_{hh}$ from every step's
# `delta` $= \delta_t$ and every state `H`, both of shape $(n, T, m)$ (index 0 is step 1), and
# the starting state `h0` $= h_0$, shape $(n, m)$.

# %% tags=["exercise"] exercise="16.dW-hh"
def dW_hh(delta, H, h0):
    return None  # replace None with your expression

# %% tags=["check"]
check_dW_hh(dW_hh)

# %% [markdown]
# **3.** $W_{hh} = \rho Q$ with $Q$ orthogonal, and every tanh slope is 1 (tiny inputs). What is the
# longest sequence, $T$ steps, for which $\|\partial\mathcal L/\partial h_1\|$ is still at least the
# share below of $\|\partial\mathcal L/\partial h_T\|$?

# %%
display(say("Your network: ρ = {r:g}; the share: {f:g}.", r=GEOMETRIC_RHO, f=GEOMETRIC_SHARE))

# %% tags=["exercise"] exercise="16.geometric"
answer = None

# %% tags=["check"]
check_geometric(answer)

# %% [markdown]
# **4.** Now a loss on *every* state, and an RNN truncated to `bptt_steps` $= k$. Which is the
# last step (counting from 1) whose loss still sends a gradient to the input $x_s$?

# %%
display(say("Your sequence: T = {t}, k = {k}, s = {s}.", t=REACH_T, k=REACH_K, s=REACH_S))

# %% tags=["exercise"] exercise="16.reach"
answer = None

# %% tags=["check"]
check_reach(answer)
