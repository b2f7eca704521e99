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
# # 13. A real classifier: handwritten digits
#
# **In this chapter you will**
# - train a network with ten outputs, softmax and cross-entropy, on real images of handwritten
#   digits, and measure it on images it never saw;
# - see why a softmax is computed with the log-sum-exp trick, by watching the plain formula fail;
# - train with mini-batches, and compare their noisy path with full-batch gradient descent;
# - train the same model in `torch.nn` from the same weights on the same batches, and get the
#   same loss curve;
# - read a confusion matrix and look at the digits the network gets wrong;
# - retrain it with your own learning rate, batch size and width.
#
# Every network before this chapter trained on small made-up data. The algorithm does not change
# with the data: the same backward pass, layer by layer, now on real images.
#
# The symbols ($a_0$, $z_l$, $W_l$, $\delta_l$, their batch forms $A_l$, $Z_l$, $\Delta_l$, the
# logits $o$) are those of
# [chapter 3, Notation](03_worked_example.py).

# %%
# %matplotlib inline
import numpy as np
from IPython.display import HTML, display

from bpbook.data import digits
from bpbook.display import say
from bpbook.tables import Table

# %% [markdown]
# ## The data
#
# scikit-learn ships a small set of scanned digits inside its package, so nothing is downloaded:
# `bpbook.data.digits()` reads it and returns the images as columns, the book's layout.

# %%
X, labels = digits()
display(say("{m} images of {p} pixels each ({s} × {s}), grey levels from {lo:g} to {hi:g}, "
            "{k} classes (the digits 0 to 9).", m=X.shape[1], p=X.shape[0],
            s=int(np.sqrt(X.shape[0])), lo=X.min(), hi=X.max(), k=len(set(labels.tolist()))))

# %%
from bpbook.chapters.ch13_real_classifier.plots import digits_figure

digits_figure(X[:, :12].T.reshape(-1, 8, 8), [f"label {k}" for k in labels[:12]])

# %% [markdown]
# ## A held-out test set
#
# A network can learn its training images by heart. The honest measure is how it does on images
# it never trained on, so a fraction of them (a setting, below) is set aside before any
# training, by a seeded shuffle. The pixels are then standardized: each one shifted by its mean
# and divided by its standard deviation, both taken from the *training* images only, so that
# nothing about the test images leaks into the model.

# %%
from bpbook.chapters.ch13_real_classifier.train import SEED, TEST_FRACTION, prepared

d = prepared()
display(say("Settings: seed {seed}, test fraction {f:g}. Training images: {n}; test images: "
            "{t}.", seed=SEED, f=TEST_FRACTION, n=d.X_train.shape[1], t=d.X_test.shape[1]))

# %% [markdown]
# ## Ten outputs: softmax and cross-entropy
#
# The network has one hidden layer of ReLU units, $a_1 = \mathrm{ReLU}(z_1)$ with
# $z_1 = W_1 a_0 + b_1$, and an output layer without an activation. Its ten numbers
# $o = z_2 = W_2 a_1 + b_2$ are the **logits**, one per digit. The softmax turns them into
# probabilities, and the loss is the cross-entropy: minus the log of the probability given to
# the right digit $c$, averaged over the $m$ samples of a batch,
#
# $$p_k = \frac{e^{o_k}}{\sum_{j} e^{o_j}}, \qquad
#   \mathcal L = -\frac1m \sum_{\text{samples}} \log p_c .$$
#
# [Chapter 6](06_activations.py) derived the gradient of one sample's $-\log p_c$ with respect
# to its logits: $p - y$, with $y$ the one-hot target. For a batch, with one column per sample
# (the logits $O = Z_2$, their softmax $P$, the targets $Y$), the mean brings a factor
# $\frac1m$, and the error signal of the output layer is
#
# $$\Delta_2 = \frac{\partial \mathcal L}{\partial O} = \frac{P - Y}{m}.$$
#
# No $f'$ factor: softmax and loss are differentiated together. From there on it is the
# backward pass of every chapter, $\Delta_1 = (W_2^\top \Delta_2) \odot \mathrm{ReLU}'(Z_1)$ and
# $\partial \mathcal L/\partial W_l = \Delta_l\, A_{l-1}^\top$, a product that sums over the
# samples. In bpbook the output layer is `identity` and the loss is `softmax_ce`, which takes the
# logits.
#
# A check before trusting it: backprop against central differences and against torch's
# autograd, on a narrow copy of the network and a few images. The central differences are judged
# by the book's one rule ([chapter 11](11_gradient_checking.py)): each entry's error relative to
# its size, but never finer than the central difference can resolve for this loss and step ε.

# %%
import torch

from bpbook.chapters.ch13_real_classifier.train import classifier, one_hot
from bpbook.gradcheck import gradcheck
from bpbook.torch_bridge import to_torch_mlp

small, idx = classifier(hidden=8), np.arange(5)
Xs, ys = d.X_train[:, idx], d.y_train[idx]
fd = gradcheck(small, Xs, one_hot(ys), "softmax_ce")
twin = to_torch_mlp(small)
torch.nn.functional.cross_entropy(twin(torch.from_numpy(Xs.T)), torch.from_numpy(ys)).backward()
ours = [small.dense[0].dW, small.dense[0].db[:, 0], small.dense[1].dW, small.dense[1].db[:, 0]]
theirs = [twin[0].weight.grad, twin[0].bias.grad, twin[2].weight.grad, twin[2].bias.grad]
display(say("Backprop against central differences: {verdict}, with the loss at {L:.3f} and "
            "ε = {eps:g}. Largest absolute difference, backprop against torch: {t:.1e}.",
            verdict=fd.verdict(), L=fd.loss, eps=fd.eps,
            t=max(np.abs(a - b.numpy()).max() for a, b in zip(ours, theirs))))

# %% [markdown]
# ## The log-sum-exp trick
#
# The formula for $p_k$ cannot be computed as written. $e^{o}$ overflows a float64 once $o$
# passes the logarithm of the largest float64 (computed in the table's caption below), and a
# single such logit in a batch turns the loss into `inf` or `nan`. The cure is to
# subtract the largest logit $o_{\max}$ first, which changes nothing mathematically:
#
# $$\log\sum_j e^{o_j} = o_{\max} + \log\sum_j e^{o_j - o_{\max}}, \qquad
#   o_{\max} = \max_j o_j .$$
#
# Now every exponent is at most 0, and the largest term is exactly $e^0 = 1$, so the sum is
# never 0 either. Two sets of logits: one small, one shifted far up (the same differences):

# %%
from bpbook.activations import softmax
from bpbook.chapters.ch13_real_classifier.train import logsumexp, logsumexp_naive

SHIFT = 1000.0  # a setting: how far the second set of logits is moved up
o_small = np.array([[3.0], [2.0], [-4.0]])
rows = []
for label, o in (("o", o_small), (f"o + {SHIFT:g}", o_small + SHIFT)):
    with np.errstate(over="ignore", invalid="ignore"):
        naive_p = np.exp(o) / np.exp(o).sum()
    rows.append([label, logsumexp_naive(o)[0, 0], logsumexp(o)[0, 0],
                 torch.logsumexp(torch.from_numpy(o), dim=0).item(), naive_p[0, 0],
                 softmax(o)[0, 0]])
Table(["logits", "log Σ e^o, naive", "log Σ e^o, stable", "torch", "p₁ naive", "p₁ stable"],
      rows, formats=[None] + ["{:.6f}"] * 5,
      caption=f"exp overflows a float64 above {np.log(np.finfo(np.float64).max):.2f}")

# %% [markdown]
# The naive form gives `inf` for the logarithm and `nan` (∞/∞) for the probability; the stable
# form gives the small set's value plus the shift, and the same probabilities, since a softmax
# does not change when every logit moves by the same amount. bpbook's `softmax` and `softmax_ce`
# subtract the maximum this way, and so does torch.

# %% [markdown]
# ## Training with mini-batches
#
# Full-batch gradient descent, as in [chapter 5](05_xor.py), computes the gradient on every training
# image before each step. Mini-batch SGD cuts a shuffled training set into small batches and steps
# after each one: many more steps for the same work, each one computed from a noisy estimate of the
# gradient. An **epoch** is one pass over the training set. The loop, with bpbook's model and
# optimizer (`zero_grad` first, because gradients accumulate: [chapter
# 10](10_training_in_practice.py)):

# %%
from bpbook.chapters.ch13_real_classifier.train import BATCH, EPOCHS, HIDDEN, LR, batches
from bpbook.optim import SGD

net = classifier(HIDDEN, seed=SEED)
batch_list = batches(d.X_train.shape[1], BATCH, EPOCHS, seed=SEED)
opt = SGD(net.parameters(), LR)
losses = []
for idx in batch_list:
    opt.zero_grad()
    losses.append(net.forward_backward(d.X_train[:, idx], d.Y_train[:, idx], "softmax_ce"))
    opt.step()
losses = np.array(losses)
display(say("Settings: {h} hidden units, η = {lr:g}, batches of {b}, {e} epochs: {s} steps. "
            "Loss of the first batch {l0:.3f}, mean over the last epoch's batches {l1:.4f}.",
            h=HIDDEN, lr=LR, b=BATCH, e=EPOCHS, s=len(losses), l0=losses[0],
            l1=losses[-len(losses) // EPOCHS:].mean()))

# %% [markdown]
# A network that spread its bets evenly over the ten digits would pay $\log 10$ on every image;
# an untrained network's random logits are not that even (compared below). The explorer at the
# end of the chapter retrains with `train(net, X, Y, lr, batch_list)` from the chapter's module,
# which is this loop as a function.

# %%
from bpbook.chapters.ch13_real_classifier.train import train

again = train(classifier(HIDDEN, seed=SEED), d.X_train, d.Y_train, LR, batch_list)
display(say("The first batch's loss, {l0:.3f}, is {cmp} log 10 = {a:.3f}. The module's `train` "
            "gives the same {n} losses as the loop above: **{same}**.", l0=losses[0],
            cmp="above" if losses[0] > np.log(10) else "below", a=np.log(10), n=len(again),
            same=np.array_equal(again, losses)))

# %% [markdown]
# ## How well does it do?
#
# The prediction is the digit with the largest logit (the largest probability). On the training
# images and on the held-out test images:

# %%
from bpbook.chapters.ch13_real_classifier.train import predict

pred_train, pred_test = predict(net, d.X_train), predict(net, d.X_test)
acc_train, acc_test = (pred_train == d.y_train).mean(), (pred_test == d.y_test).mean()
display(say("Training accuracy **{a:.4f}**; test accuracy **{b:.4f}** ({r} of {n} test images "
            "right).", a=acc_train, b=acc_test, r=int((pred_test == d.y_test).sum()),
            n=len(d.y_test)))

# %% [markdown]
# ## The same model in `torch.nn`
#
# `bpbook.torch_bridge.to_torch_mlp` copies the untrained network's weights into
# `nn.Linear` layers; `train_torch` runs the loop of above in torch, on the very same batches,
# with `F.cross_entropy` (which, like `softmax_ce`, averages over the batch) and the SGD step
# written out under `torch.no_grad()` ([chapter 12](12_pytorch.py) shows that it is what
# `torch.optim.SGD` does).
# In float64 the two loss curves should agree to rounding.

# %%
from bpbook.chapters.ch13_real_classifier.train import train_torch

torch_net = to_torch_mlp(classifier(HIDDEN, seed=SEED))
print(torch_net)
torch_losses = train_torch(torch_net, d.X_train, d.y_train, LR, batch_list)

# %%
rel = np.abs(torch_losses - losses) / np.abs(losses)
with torch.no_grad():
    torch_pred = torch_net(torch.from_numpy(d.X_test.T)).argmax(dim=1).numpy()
display(say("Over all {n} steps the largest relative difference between the two loss curves is "
            "{r:.1e}; the two models predict the same digit for {k} of the {t} test images.",
            n=len(losses), r=rel.max(), k=int((torch_pred == pred_test).sum()),
            t=len(pred_test)))

# %% [markdown]
# ## Full batch against mini-batches
#
# The same network, from the same first weights and with the same η, trained by full-batch
# gradient descent for as many steps as the mini-batch run took in its first few epochs (a
# setting, below). On the left, each step's loss:
# the full-batch curve is smooth, the mini-batch one jumps from batch to batch, because each
# batch is a different small sample of the digits. On the right the same runs per epoch, which
# is per unit of work: the full-batch run has made one step per epoch, the mini-batch run one
# per batch.

# %%
from bpbook.chapters.ch13_real_classifier.plots import noise_figure

NOISE_EPOCHS = 5  # a setting: the full-batch run makes as many steps as this many mini-batch epochs
per_epoch = len(losses) // EPOCHS
m_train = d.X_train.shape[1]
full = train(classifier(HIDDEN, seed=SEED), d.X_train, d.Y_train, LR,
             [np.arange(m_train)] * (NOISE_EPOCHS * per_epoch))
noise_figure(losses[:len(full)], full, per_epoch, BATCH)

# %%
last = losses[-per_epoch:]
display(say("Mini-batch noise, measured: over the last of the {e} epochs the batch losses range "
            "from {lo:.4f} to {hi:.4f}. In epoch {n} the full-batch loss is {f:.4f}, against a "
            "mean batch loss of {mb:.4f} for the mini-batch run. After {s} full-batch steps, "
            "{x} times the work of those {n} mini-batch epochs, the full-batch loss is {g:.4f}.",
            e=EPOCHS, lo=last.min(), hi=last.max(), n=NOISE_EPOCHS, f=full[NOISE_EPOCHS - 1],
            mb=losses[(NOISE_EPOCHS - 1) * per_epoch:NOISE_EPOCHS * per_epoch].mean(),
            s=len(full), x=len(full) // NOISE_EPOCHS, g=full[-1]))

# %% [markdown]
# ## What it gets wrong
#
# The confusion matrix counts, for each true digit (a row), which digit the network predicted
# (a column). The diagonal holds the right answers; everything off it is a mistake, and where
# the mistakes gather says which digits look alike to the network.

# %%
from bpbook.chapters.ch13_real_classifier.plots import confusion_figure
from bpbook.chapters.ch13_real_classifier.train import confusion

counts = confusion(d.y_test, pred_test)
confusion_figure(counts)

# %%
off = counts - np.diag(np.diag(counts))
t, p = np.unravel_index(off.argmax(), off.shape)
most = ("no pair occurs more than once" if off[t, p] == 1 else
        f"the most frequent, a {t} read as a {p}, occurs {off[t, p]} times")
display(say("{w} of the {n} test images are misclassified, in {k} different (true, predicted) "
            "pairs; {most}.", w=int(off.sum()), n=len(d.y_test), k=int((off > 0).sum()),
            most=most))

# %% [markdown]
# Some of them, as the network saw them (title: true digit → predicted digit):

# %%
wrong = np.flatnonzero(pred_test != d.y_test)[:12]
digits_figure(d.images_test[wrong], [f"{d.y_test[i]} → {pred_test[i]}" for i in wrong])

# %% [markdown]
# ## Play
#
# Move a slider and the network is trained again from scratch, with the same seed: the same
# first weights for a given width, and the same shuffles. Try a learning rate ten times larger
# or smaller, batches of 8 or the whole training set (the last stop of the batch-size slider),
# and a narrow hidden layer.

# %%
from bpbook.chapters.ch13_real_classifier.explore import explorer, update

explorer()

# %% [markdown]
# In a static copy of this page the sliders do not move. The same update function, called with
# the whole training set as one batch (full-batch gradient descent for the same number of
# epochs):

# %%
view = update(batch_size=m_train)
display(HTML(view.message + view.table._repr_html_()), view.figure)

# %% [markdown]
# ## Recap
#
# In this chapter we
# - trained a 64-pixel, one-hidden-layer ReLU network with ten logits $o$ on real handwritten
#   digits, and measured it on a held-out test set;
# - derived the error signal of softmax with cross-entropy, $\Delta_2 = (P - Y)/m$, and checked
#   backprop against central differences and torch;
# - saw the naive $\log\sum e^{o}$ overflow and the log-sum-exp trick give the right number;
# - trained with mini-batch SGD in a loop we wrote out, `zero_grad`, `forward_backward`, `step`;
# - trained the same model in `torch.nn` from the same weights on the same batches, and got the
#   same loss curve to rounding;
# - compared the noisy mini-batch path with smooth full-batch descent, per step and per epoch;
# - read the confusion matrix and looked at the misclassified digits.

# %% [markdown]
# ## Exercises
#
# **1.** Write `ce_grad(o, labels)`: the gradient of the mean cross-entropy of a batch with
# respect to its logits `o` (shape `(K, m)`), when the targets are given as integer labels
# (shape `(m,)`, values `0 … K−1`) instead of one-hot columns, as `F.cross_entropy` takes them.
# Build no one-hot matrix. `softmax` (over axis 0) is imported above.

# %%
from bpbook.chapters.ch13_real_classifier.exercises import (check_ce_grad, check_ce_loss,
                                                            check_mult_count)

# %% tags=["exercise"] exercise="13.ce-grad"
def ce_grad(o, labels):
    return None  # replace None with your code


# %% tags=["check"]
check_ce_grad(ce_grad)

# %% [markdown]
# **2.** Write `ce_loss(o, labels)`: the mean cross-entropy of a batch straight from its logits
# `o` $(K, m)$ and integer labels $(m,)$, without forming the probabilities, and right for logits
# near ±1000 too, where a softmax entry can underflow to 0 and its log be $-\infty$.

# %% tags=["exercise"] exercise="13.ce-loss"
def ce_loss(o, labels):
    return None  # replace None with your code


# %% tags=["check"]
check_ce_loss(ce_loss)

# %% [markdown]
# **3.** One forward pass of a batch of $m$ images through a 64–$H$–10 network like this
# chapter's: how many multiplications do its two matrix products take, for the numbers below?

# %%
from bpbook.chapters.ch13_real_classifier.exercises import MULT_BATCH, MULT_HIDDEN

display(say("Your batch: m = {m} images, H = {h} hidden units.", m=MULT_BATCH, h=MULT_HIDDEN))

# %% tags=["exercise"] exercise="13.mult-count"
answer = None  # your count of multiplications for m = MULT_BATCH, H = MULT_HIDDEN

# %% tags=["check"]
check_mult_count(answer)

# %% [markdown] tags=["think"] exercise="13.batch-noise"
# **4.** In the picture of full batch against mini-batches, the mini-batch curve is noisy but,
# after the same number of epochs, lower. Explain both in a few sentences. What would you
# expect from batches of 1, and from batches as large as the training set?
