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
# # 12. Backprop in PyTorch
#
# **In this chapter you will**
# - run the worked example in PyTorch, in single and in double precision, and put its gradients
#   next to bpbook's;
# - read the error signals $\delta$ inside torch's backward pass with hooks;
# - look at the graph torch records, next to the graph of `Value`s bpbook builds;
# - let `torch.autograd.gradcheck` catch a wrong backward function;
# - read the $\delta$ with `retain_grad()` as well, update the parameters by hand under
#   `torch.no_grad()`, write the worked example as an `nn.Module` and its training loop out:
#   `zero_grad`, `backward`, `step`;
# - train XOR in `torch.nn` from bpbook's starting weights and watch the two loss curves coincide.
#
# Nothing here is new mathematics: it is the same chain rule, run by a library. Knowing what the
# library does lets you check it, and read its errors. The symbols are those of
# [chapter 3, Notation](03_worked_example.py); the worked example keeps its scalar names
# ($W_{11}$, $z_1$, $\delta_1$, …), so $z_1$ and $z_2$ below are the hidden and the output
# layer's $z$.

# %% [markdown]
# ## Is PyTorch here?
#
# Every torch cell below starts with `if HAVE_TORCH:`, so that without torch the chapter still
# runs and says how to install it.

# %%
# %matplotlib inline
import numpy as np
from IPython.display import display
from matplotlib.figure import Figure

from bpbook.display import curves_alt, described, say
from bpbook.tables import Table
from bpbook.torch_bridge import HAVE_TORCH, INSTALL_HINT

if HAVE_TORCH:
    import torch
    display(say("PyTorch {v} is installed.", v=torch.__version__))
else:
    print(INSTALL_HINT)

# %% [markdown]
# ## The worked example, written in torch
#
# The 2-1-1 sigmoid network of chapter 3: $z_1 = W_1 x + b_1$, $a_1 = \sigma(z_1)$,
# $z_2 = W_2 a_1 + b_2$, $\hat y = \sigma(z_2)$, $\mathcal L = \tfrac12(\hat y - y)^2$. In torch,
# every parameter is a tensor created with `requires_grad=True`; each operation on it is
# recorded, and `loss.backward()` runs the chain rule through the record. The sample is a column, as
# in bpbook.

# %%
from bpbook.worked import DEFAULTS as S


def make_params(dtype):
    def param(rows):
        return torch.tensor(rows, dtype=dtype, requires_grad=True)

    return {"W1": param([[S["W11"], S["W12"]]]), "b1": param([[S["b1"]]]),
            "W2": param([[S["W2"]]]), "b2": param([[S["b2"]]])}


def forward(p):
    x = torch.tensor([[S["x1"]], [S["x2"]]], dtype=p["W1"].dtype)
    z1 = p["W1"] @ x + p["b1"]
    z2 = p["W2"] @ torch.sigmoid(z1) + p["b2"]
    loss = 0.5 * (torch.sigmoid(z2) - S["y"]) ** 2
    return z1, z2, loss


if HAVE_TORCH:
    p64 = make_params(torch.float64)
    z1, z2, loss = forward(p64)
    loss.backward()
    display(say("Loss {v:.10f}; ∂ℒ/∂W₂ = {g:.10f}.", v=loss.item(), g=p64["W2"].grad.item()))

# %% [markdown]
# The same in single precision (float32, torch's default):

# %%
if HAVE_TORCH:
    p32 = make_params(torch.float32)
    forward(p32)[2].backward()

# %% [markdown]
# ## torch's gradients beside bpbook's
#
# [Chapter 3](03_worked_example.py) checks bpbook's five gradients of this example against the
# `Value` engine, SymPy's closed forms and finite differences, in the book's one table of them.
# Here torch joins, in both precisions (torch64, torch32). The table gives bpbook's value and how
# far each precision of torch is from it:

# %%
from bpbook.worked import worked_example, worked_network

ours = worked_example()
xw, yw = np.array([[S["x1"]], [S["x2"]]]), np.array([[S["y"]]])
where = {"dW2": ("W2", (0, 0)), "db2": ("b2", (0, 0)), "dW11": ("W1", (0, 0)),
         "dW12": ("W1", (0, 1)), "db1": ("b1", (0, 0))}

# %%
def torch_grad(params, name):
    tensor, index = where[name]
    return params[tensor].grad[index].item()


rows = []
for name in where:
    others = [torch_grad(p64, name), torch_grad(p32, name)] if HAVE_TORCH else []
    rows.append([name, ours[name]] + [v - ours[name] for v in others])
columns = ["gradient", "bpbook"] + (["torch64 − bpbook", "torch32 − bpbook"] if HAVE_TORCH
                                    else [])
comparison = Table(columns, rows, formats=[None, "{:+.12f}"] + ["{:+.1e}"] * (len(columns) - 2))
comparison

# %% [markdown]
# How far apart are they? Against bpbook's float64 numbers, relative to each gradient's size, and
# next to the precision of each type (its machine epsilon, the gap between 1 and the next number
# it can store):

# %%
if HAVE_TORCH:
    for label, params, dtype in (("float64", p64, torch.float64), ("float32", p32, torch.float32)):
        worst = max(abs(torch_grad(params, n) - ours[n]) / abs(ours[n]) for n in where)
        display(say("torch {t}: largest relative difference {d:.1e}; machine epsilon {e:.1e}.",
                    t=label, d=worst, e=torch.finfo(dtype).eps))

# %% [markdown]
# The tutorial this book grew from prints torch's output for this example. What it prints there
# is its own hand computation of the worked example, slips included, not what its program prints:

# %%
from bpbook.reference import TORCH_OUTPUT, WORKED_PRINTED
from bpbook.worked import errata

torch_errata = errata(ours, {TORCH_OUTPUT: WORKED_PRINTED[TORCH_OUTPUT]})
display(say("{k} of the {n} numbers the tutorial prints for its PyTorch program differ from the "
            "computed ones.", k=len(torch_errata.rows), n=len(WORKED_PRINTED[TORCH_OUTPUT])))

# %% [markdown]
# [Chapter 3's appendix](03_worked_example.py) lists them, with every other number the tutorial
# prints for the worked example, in the book's one errata table for it (§13 PyTorch output is
# among the places each row names), and finds their cause.

# %% [markdown]
# ## Hooks: reading $\delta$ inside the backward pass
#
# Torch keeps the gradients of the leaves (`W1.grad`, ...) and throws away those of intermediate
# tensors. The error signals of the book, $\delta_1 = \partial\mathcal L/\partial z_1$ and
# $\delta_2 = \partial\mathcal L/\partial z_2$, are such intermediate gradients. A hook
# registered on a tensor is called with its gradient when the backward pass reaches it:

# %%
if HAVE_TORCH:
    z1, z2, loss = forward(make_params(torch.float64))
    deltas = {}
    z1.register_hook(lambda grad: deltas.__setitem__("δ₁", grad.item()))
    z2.register_hook(lambda grad: deltas.__setitem__("δ₂", grad.item()))
    loss.backward()

# %% [markdown]
# bpbook keeps every layer's $\delta$ after `backward` (`layer.delta`), so the two can be set
# side by side:

# %%
net = worked_network()
net.forward_backward(xw, yw)
bp_deltas = {"δ₁": net.dense[0].delta[0, 0], "δ₂": net.dense[1].delta[0, 0]}
if HAVE_TORCH:
    display(Table(["error signal", "bpbook layer.delta", "torch hook", "|Δ|"],
                  [[k, bp_deltas[k], deltas[k], abs(bp_deltas[k] - deltas[k])] for k in bp_deltas],
                  formats=[None, "{:+.12f}", "{:+.12f}", "{:.1e}"]))

# %% [markdown]
# ## The graph torch recorded
#
# Each tensor made by an operation carries a `grad_fn`, the backward function of that operation;
# its `next_functions` point to the backward functions of the inputs. Walking them from the loss
# gives the graph. Leaves appear as `AccumulateGrad`, where the gradient is added into `.grad`.
# On the right, the same network as bpbook `Value`s (chapter 2), one node per scalar operation.

# %%
from bpbook.worked import worked_graph
from bpbook.chapters.ch12_pytorch.bridge import (SideBySide, graph_lines, rule_check,
                                                 value_graph_lines)

value_root = worked_graph(**{k: v for k, v in S.items() if k != "lr"})["L"]
value_root.label = "loss"  # the book labels a loss node "loss"
value_lines = value_graph_lines(value_root)
if HAVE_TORCH:
    p = make_params(torch.float64)
    loss = forward(p)[2]
    names = {id(tensor): name for name, tensor in p.items()}
    display(SideBySide("torch: loss.grad_fn and its next_functions", graph_lines(loss, names),
                       "bpbook: the Value graph", value_lines))

# %% [markdown]
# The shapes of the two graphs are the same chain: loss, square, difference, sigmoid, sum, product
# and so on down to the parameters. Torch records one node per *tensor* operation (`MmBackward0`
# is the whole $W_1 x$), bpbook's engine one per *scalar* operation, so $W_1 x$ becomes two
# products and a sum. The input $x$ is not in torch's graph: nothing asked for its gradient.

# %% [markdown]
# ## `torch.autograd.gradcheck`
#
# Torch ships the gradient check of [chapter 11](11_gradient_checking.py): it compares the backward
# functions with central differences, in float64, entry by entry of the Jacobian, with its own
# tolerances (absolute and relative). Beside it, bpbook's one rule (chapter 11 again) judges the
# gradient of a scalar loss, here the mean of the outputs. On a small function of a weight matrix
# and a bias:

# %%
if HAVE_TORCH:
    gen = torch.Generator().manual_seed(0)
    W = torch.randn(3, 2, dtype=torch.float64, generator=gen, requires_grad=True)
    b = torch.randn(3, 1, dtype=torch.float64, generator=gen, requires_grad=True)
    xs = torch.randn(2, 4, dtype=torch.float64, generator=gen)
    display(say("gradcheck on σ(W x + b): **{ok}**.",
                ok=torch.autograd.gradcheck(lambda W, b: torch.sigmoid(W @ xs + b), (W, b))))
    display(say("bpbook's rule on the loss mean σ(W x + b): {verdict}.",
                verdict=rule_check(lambda W, b: torch.sigmoid(W @ xs + b), (W, b),
                                   ("W", "b")).verdict()))

# %% [markdown]
# Now a home-made sigmoid whose backward forgets the factor $(1-\sigma)$, the bug planted in
# chapter 10. Its forward is right, so nothing else would notice:

# %%
if HAVE_TORCH:
    class BuggySigmoid(torch.autograd.Function):
        @staticmethod
        def forward(ctx, z):
            s = torch.sigmoid(z)
            ctx.save_for_backward(s)
            return s

        @staticmethod
        def backward(ctx, grad):
            (s,) = ctx.saved_tensors
            return grad * s  # wrong: should be grad * s * (1 - s)

    ok = torch.autograd.gradcheck(lambda W, b: BuggySigmoid.apply(W @ xs + b), (W, b),
                                  raise_exception=False)
    display(say("gradcheck on the buggy sigmoid: **{ok}**.", ok=ok))
    display(say("bpbook's rule on the buggy sigmoid: {verdict}.",
                verdict=rule_check(lambda W, b: BuggySigmoid.apply(W @ xs + b), (W, b),
                                   ("W", "b")).verdict()))

# %% [markdown]
# ## Gradients accumulate until you zero them
#
# Like bpbook, torch adds each backward pass's gradients into `.grad`;
# [chapter 10, golden rule 5](10_training_in_practice.py) shows what forgetting to zero them does
# to training. Torch's own twist: an optimizer's `zero_grad()` does not write zeros, it sets
# `.grad` to `None`:

# %%
if HAVE_TORCH:
    p = make_params(torch.float64)
    forward(p)[2].backward()
    opt = torch.optim.SGD(p.values(), lr=S["lr"])
    opt.zero_grad()
    display(say("After zero_grad, W2.grad is {g}.", g=p["W2"].grad))

# %% [markdown]
# ## The loop in plain sight
#
# Everything so far computed gradients. Training is a loop around that computation: forget the
# old gradients, compute the loss, run the backward pass, move every parameter against its
# gradient. Three ways to write the last part, each set against bpbook.
#
# ### The update by hand, under `torch.no_grad()`
#
# The reference text updates the parameters itself, $\theta \leftarrow \theta - \eta\,
# \partial\mathcal L/\partial\theta$, inside `with torch.no_grad():`. bpbook makes the same step
# with its `SGD` optimizer:

# %%
from bpbook.model import fit
from bpbook.optim import SGD

net = worked_network()
net.forward_backward(xw, yw)
SGD(net.parameters(), S["lr"]).step()
bp_after = {"W11": net.dense[0].W[0, 0], "W12": net.dense[0].W[0, 1], "b1": net.dense[0].b[0, 0],
            "W2": net.dense[1].W[0, 0], "b2": net.dense[1].b[0, 0]}
at = {"W11": ("W1", (0, 0)), "W12": ("W1", (0, 1)), "b1": ("b1", (0, 0)), "W2": ("W2", (0, 0)),
      "b2": ("b2", (0, 0))}

if HAVE_TORCH:
    p = make_params(torch.float64)
    forward(p)[2].backward()
    with torch.no_grad():
        for tensor in p.values():
            tensor -= S["lr"] * tensor.grad
    display(Table(["parameter", "bpbook, SGD.step()", "torch, by hand", "|Δ|"],
                  [[k, bp_after[k], p[t][i].item(), abs(bp_after[k] - p[t][i].item())]
                   for k, (t, i) in at.items()],
                  formats=[None, "{:+.12f}", "{:+.12f}", "{:.1e}"]))

# %% [markdown]
# Why `no_grad`? Outside it torch records every operation on a tensor that requires a gradient.
# An update in place would turn a parameter, a leaf of the graph, into the result of an
# operation, and torch refuses:

# %%
if HAVE_TORCH:
    try:
        p["W2"] -= S["lr"] * p["W2"].grad
    except RuntimeError as err:
        display(say("`RuntimeError`: {msg}", msg=str(err).split(".")[0]))

# %% [markdown]
# ### `retain_grad()`
#
# The hooks above caught $\delta_1$ and $\delta_2$ on their way through. `retain_grad()` asks
# torch to keep an intermediate tensor's gradient in its `.grad`, as it does for leaves:

# %%
if HAVE_TORCH:
    z1, z2, loss = forward(make_params(torch.float64))
    before = z1.retains_grad
    z1.retain_grad()
    z2.retain_grad()
    loss.backward()
    display(say("`z1.retains_grad` was {b} before the call.", b=before))
    display(Table(["error signal", "bpbook layer.delta", "torch .grad", "|Δ|"],
                  [[k, bp_deltas[k], g.item(), abs(bp_deltas[k] - g.item())]
                   for k, g in (("δ₁", z1.grad), ("δ₂", z2.grad))],
                  formats=[None, "{:+.12f}", "{:+.12f}", "{:.1e}"]))

# %% [markdown]
# ### The worked example as an `nn.Module`
#
# Real torch code keeps the parameters inside a module: each `nn.Linear` owns its `weight` and
# `bias`, and `forward` says how the layers connect. `nn.Linear` takes samples in rows, so the
# sample is the row $(x_1, x_2)$:

# %%
if HAVE_TORCH:
    class WorkedNet(torch.nn.Module):
        """The 2-1-1 network: one sigmoid unit in each of the two layers."""

        def __init__(self):
            super().__init__()
            self.hidden = torch.nn.Linear(2, 1, dtype=torch.float64)
            self.out = torch.nn.Linear(1, 1, dtype=torch.float64)
            with torch.no_grad():  # the worked example's starting values
                self.hidden.weight[:] = torch.tensor([[S["W11"], S["W12"]]], dtype=torch.float64)
                self.hidden.bias[:] = S["b1"]
                self.out.weight[:] = S["W2"]
                self.out.bias[:] = S["b2"]

        def forward(self, x):
            return torch.sigmoid(self.out(torch.sigmoid(self.hidden(x))))

    model = WorkedNet()
    print(model)

# %% [markdown]
# ### The loop
#
# The loop every torch program has: `zero_grad()`, the loss, `backward()`, `step()`. Here it runs
# the worked example for a few steps (a setting, below) with `torch.optim.SGD`, whose `step()`
# is the update by hand from above, on the worked example's loss $\tfrac12(\hat y - y)^2$.
# bpbook's `fit` makes the same steps.

# %%
STEPS = 20  # a setting: how many training steps
bp_curve = fit(worked_network(), xw, yw, lr=S["lr"], epochs=STEPS)
if HAVE_TORCH:
    x_row = torch.tensor([[S["x1"], S["x2"]]], dtype=torch.float64)
    y_row = torch.tensor([[S["y"]]], dtype=torch.float64)
    opt = torch.optim.SGD(model.parameters(), lr=S["lr"])
    torch_curve = []
    for step in range(STEPS):
        opt.zero_grad()                     # forget the last step's gradients
        loss = (0.5 * (model(x_row) - y_row) ** 2).sum()
        loss.backward()                     # fill .grad of every parameter
        opt.step()                          # θ ← θ − η ∂ℒ/∂θ
        torch_curve.append(loss.item())

# %%
if HAVE_TORCH:
    display(say("Loss before the first step {a:.6f}, before the last {b:.6f}. Over the {n} steps "
                "the largest difference between torch's losses and bpbook's is {d:.1e}.",
                a=torch_curve[0], b=torch_curve[-1], n=STEPS,
                d=np.abs(np.array(torch_curve) - bp_curve).max()))

# %% [markdown]
# `train_torch` in `bpbook.chapters.ch12_pytorch.bridge`, which trains XOR below, is this loop
# for a whole batch.

# %% [markdown]
# ## XOR in `torch.nn`, from bpbook's starting weights
#
# Chapter 5 trained a $2 \to 4 \to 1$ sigmoid network on XOR with bpbook, starting from the
# weights `mlp([2, 4, 1], seed=XOR_SEED)` draws (the seed is a setting, shown below with the
# others). `bpbook.torch_bridge.to_torch_mlp` copies those
# weights into an `nn.Sequential` of `nn.Linear` and `nn.Sigmoid` modules (torch wants samples in
# rows, so the data go in transposed), and `train_torch` runs the same full-batch gradient
# descent with `torch.optim.SGD` on the same loss. If both libraries do the same arithmetic, the
# two loss curves are one.

# %%
from bpbook.data import XOR_X, XOR_Y
from bpbook.model import mlp
from bpbook.chapters.ch12_pytorch.bridge import train_torch
from bpbook.torch_bridge import to_torch_mlp

XOR_SEED, lr, epochs = 42, 2.0, 2000  # settings: chapter 5's seed, η and a number of epochs
display(say("Settings: seed {s}, η = {lr:g}, {e} epochs.", s=XOR_SEED, lr=lr, e=epochs))
bp_losses = fit(mlp([2, 4, 1], seed=XOR_SEED), XOR_X, XOR_Y, lr=lr, epochs=epochs)
if HAVE_TORCH:
    torch_net = to_torch_mlp(mlp([2, 4, 1], seed=XOR_SEED), torch.float64)
    print(torch_net)

# %%
if HAVE_TORCH:
    t64 = train_torch(torch_net, XOR_X, XOR_Y, lr, epochs)
    display(say("Largest difference between the two loss curves over {n} epochs: {d:.1e}.",
                n=epochs, d=np.abs(bp_losses - t64).max()))

# %%
fig = Figure(figsize=(7, 3.4), layout="constrained")
ax = fig.subplots()
ax.plot(bp_losses, lw=4, alpha=0.4, label="bpbook")
if HAVE_TORCH:
    ax.plot(t64, "--", label="torch (float64)")
ax.set(xlabel="epoch", ylabel="loss", title=f"XOR from the same weights, η = {lr:g}")
ax.legend()
drawn = {"bpbook (thick pale line)": bp_losses}
if HAVE_TORCH:
    drawn["torch float64 (dashed)"] = t64
described(fig, curves_alt(drawn) + (f" The two lie on top of each other (largest gap "
                                    f"{np.abs(bp_losses - t64).max():.1e})." if HAVE_TORCH else ""))

# %% [markdown]
# ## Play
#
# Move the input, the target or the output weight: the worked example is recomputed by bpbook and
# by torch in both precisions, and the last columns show how far apart they are.

# %%
from bpbook.chapters.ch12_pytorch.explore import explorer, update

explorer() if HAVE_TORCH else print(INSTALL_HINT)

# %% [markdown]
# The update function behind the sliders is a plain function:

# %%
update(x1=-1.0, y=0.0) if HAVE_TORCH else print(INSTALL_HINT)

# %% [markdown]
# ## Recap
#
# In this chapter we
# - wrote the worked example with torch tensors and got, from one `backward()`, the gradients
#   bpbook's backprop gives, equal in float64 and close in float32;
# - read the error signals $\delta_1, \delta_2$ with hooks on $z_1, z_2$: they are bpbook's
#   `layer.delta`;
# - walked the graph torch records through `grad_fn.next_functions`, the tensor-level twin of
#   bpbook's `Value` graph;
# - let `torch.autograd.gradcheck` pass a right backward function and fail a wrong one;
# - saw `zero_grad()` set `.grad` to `None`, read $\delta$ with `retain_grad()`, updated the
#   parameters by hand under `torch.no_grad()` and ran the worked example as an `nn.Module` in
#   the loop `zero_grad`, `backward`, `step`, each step matching bpbook's;
# - trained XOR in `torch.nn` from bpbook's weights and got the same loss curve.

# %% [markdown]
# ## Exercises
#
# **1.** Make the worked example's hidden unit a tanh, $a_1 = \tanh(z_1)$, and set the target to
# the value below. Register a hook on $z_1$ and read $\delta_1$. Give its value.

# %%
from IPython.display import Markdown

from bpbook.chapters.ch12_pytorch.exercises import (HOOK_Y, check_copy_linear, check_half_mse,
                                                    check_hook_delta)

display(Markdown(f"Your target: $y = {HOOK_Y:g}$"))

# %% tags=["exercise"] exercise="12.hook-delta"
answer = None

# %% tags=["check"]
check_hook_delta(answer)

# %% [markdown]
# **2.** Write bpbook's loss in torch: `half_mse(y_hat, y)` for tensors with samples in rows,
# shape `(m, n_out)`: the mean over samples of $\tfrac12\sum_{\text{outputs}}(\hat y - y)^2$.

# %% tags=["exercise"] exercise="12.half-mse"
def half_mse(y_hat, y):
    return None  # replace None with your code

# %% tags=["check"]
check_half_mse(half_mse)

# %% [markdown]
# **3.** Write `copy_linear(W, b)`: from bpbook's `W` (shape `(n_out, n_in)`) and `b`
# (`(n_out, 1)`), build a `torch.nn.Linear` that computes the same layer.

# %% tags=["exercise"] exercise="12.copy-linear"
def copy_linear(W, b):
    return None  # replace None with your code

# %% tags=["check"]
check_copy_linear(copy_linear)

# %% [markdown]
# **4.** Gradients add up until `zero_grad()`; use it on purpose. Write
# `accumulate_step(net, opt, parts)`: ONE update of the `torch.nn` model `net` by its optimizer
# `opt`, from a batch that arrives in equal-sized `parts` (a list of `(X, Y)` pairs, samples in
# rows), with the gradient of the mean loss `half_mse` (exercise 2) over all their samples, as if
# the whole batch had been one. Return that mean loss as a number. The check cuts XOR into two
# parts and compares your updates with bpbook's full-batch `fit`.

# %%
from bpbook.chapters.ch12_pytorch.exercises import check_accumulate_step

# %% tags=["exercise"] exercise="12.accumulate-step"
def accumulate_step(net, opt, parts):
    return None  # replace None with your code


# %% tags=["check"]
check_accumulate_step(accumulate_step)
