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
# # 11. Gradient checking in practice
#
# **In this chapter you will**
# - measure the error of a central difference against its step ε, and see where it is smallest
#   and why;
# - see why a pure relative error fails correct tiny gradients and a pure absolute error fails
#   correct large ones, and meet the rule that does neither;
# - watch a check straddle a ReLU kink, and let `gradcheck` find it;
# - see what float32 does to a check, and why bpbook checks in float64;
# - check a large network on a random sample of its parameters, counting the forward passes;
# - use the one rule as `bpbook.gradcheck` implements it.
#
# Earlier chapters ran `gradcheck` and printed a number; golden rule 4 of
# [chapter 10](10_training_in_practice.py) says to do it before trusting any backward pass. This
# chapter says what that number means, and when it means a bug. The symbols are the book's: see
# [chapter 3, Notation](03_worked_example.py).

# %% [markdown]
# ## Why check at all
#
# A backward pass with a bug often trains anyway: the loss still falls, a little slower, and
# nothing crashes. A missing $f'$, a $W$ where $W^\top$ belongs, a forgotten $1/m$: each
# gives gradients of the right shape and the wrong value. The one witness that knows no calculus
# is the loss itself. Nudge one parameter $\theta$ by $\pm\varepsilon$, run the forward pass
# twice, and divide:
#
# $$\hat g = \frac{\mathcal L(\theta+\varepsilon) - \mathcal L(\theta-\varepsilon)}{2\varepsilon}.$$
#
# Compare $\hat g$ with backprop's $g$, entry by entry. Two questions decide whether the
# comparison means anything: which $\varepsilon$, and how close is close enough.

# %% [markdown]
# ## Choosing ε
#
# Taylor's series around $\theta$ gives
# $\mathcal L(\theta\pm\varepsilon) = \mathcal L \pm \varepsilon \mathcal L' +
# \tfrac{\varepsilon^2}{2}\mathcal L'' \pm \tfrac{\varepsilon^3}{6}\mathcal L''' + \dots$; in the
# difference the even terms cancel, so
#
# $$\hat g = \mathcal L' + \frac{\varepsilon^2}{6}\mathcal L''' + O(\varepsilon^4).$$
#
# That is the **truncation** error, and it shrinks like $\varepsilon^2$. But the computer
# rounds: each loss comes out with an error of a few $u$, the machine epsilon of the float type
# (the gap between 1 and the next number), times the size $S$ of the numbers it is computed from
# (for the softplus below, $S = |\mathcal L|$). The difference of two losses carries about $uS$
# whatever $\varepsilon$ is, and dividing by $2\varepsilon$ blows it up: the **rounding** error
# grows like $uS/\varepsilon$. Their sum
#
# $$E(\varepsilon) \approx \frac{u\,S}{\varepsilon} +
#   \frac{\varepsilon^2}{6}|\mathcal L'''|$$
#
# is smallest where its slope is zero, at
# $\varepsilon^* = (3uS/|\mathcal L'''|)^{1/3}$; when $S$ and $|\mathcal L'''|$ are of similar
# size, that is about $u^{1/3}$.
#
# The code measures this twice. First on softplus, $f(w) = \log(1+e^w)$ at $w = 1$, whose
# derivative $\sigma(w)$ is known exactly; then on a small tanh network on scikit-learn's
# handwritten digits (the data of [chapter 13](13_real_classifier.py), with its softmax
# cross-entropy loss), where the truth is backprop's gradient (held against torch by the library's
# tests), over a fixed sample of its entries.

# %%
# %matplotlib inline
import numpy as np
from IPython.display import display

from bpbook.chapters.ch11_gradient_checking.curve import (W0, function_curve, network_curve,
                                                          predicted_best, rounding_share)
from bpbook.chapters.ch11_gradient_checking.plots import error_curve_figure
from bpbook.display import say
from bpbook.gradcheck import EPS, NOISE_FACTOR, TOL, U

f64, f32, net_curve = function_curve(), function_curve(dtype=np.float32), network_curve()
error_curve_figure(f64, f32, net_curve)  # its text alternative: error_curve_alt, from the same data

# %%
display(say("For softplus at $w$ = {w:g} the prediction puts the best step at "
            "$\\varepsilon^*$ = {pred:.1e}; the smallest error measured on the grid is {err:.1e}, "
            "at $\\varepsilon$ = {eps:.1e}. Float64's $u$ = {u:.2e}, so $u^{{1/3}}$ = {third:.1e}; "
            "bpbook's default step is {default:g}. Where rounding dominates, the measured "
            "error is a median {below:.2f} of the predicted rounding $u|f|/\\varepsilon$.",
            w=W0, pred=predicted_best(), err=f64.best[1], eps=f64.best[0], u=U,
            third=U ** (1 / 3), default=EPS, below=rounding_share(f64)))

# %% [markdown]
# Read the curves from the left. With a tiny step the error falls like $1/\varepsilon$ (the
# rounding line); past the bottom of the V it rises like $\varepsilon^2$ (the truncation line).
# A smaller step is not a safer step: at the far left the two losses are so close that their
# difference is mostly rounding. The measured points sit below the rounding line, by the factor
# printed above: each loss is off by at most half a unit in its last place, and the two errors
# partly cancel; the line is a scale, not an exact value. The network
# draws the same V as the one-variable function. Any step near $u^{1/3}$ is good; the bottom of
# the V is wide.

# %% [markdown]
# ## How close is close enough
#
# Three ways to compare $g$ and $\hat g$, on three checks. *Tiny and correct*: a network whose
# first layer is saturated, so some of its gradients are tiny or exactly 0.
# *Large and correct*: a regression network whose targets are large numbers, so the loss is
# huge and so are the gradients. *Tiny and wrong*: the saturated network with the sign of one
# layer's $dW$ flipped.

# %%
from bpbook.chapters.ch11_gradient_checking.cases import LARGE, floor_cases, three_rules
from bpbook.tables import Table

cases = floor_cases()
rows = []
for name, result in cases.items():
    rel, absolute, rule = three_rules(result)
    sizes = [abs(r[2]) for r in result.rows]
    rows.append([name, f"{result.loss:.3g}", f"{min(sizes):.1e} to {max(sizes):.1e}", rel,
                 absolute, rule])
Table(["check", "loss", "|g| from … to …", "pure relative", "pure absolute", "the rule"], rows,
      [None, None, None, "{:.1e}", "{:.1e}", "{:.1e}"],
      caption=f"Largest error of each kind; each passes if it is at most τ = {TOL:g}. The large "
              f"check's targets are scaled by {LARGE:g}.")

# %% [markdown]
# The pure relative error $|g-\hat g|/(|g|+|\hat g|)$ fails the first check, whose gradients are
# right: where $g$ is 0 or nearly so, the central difference's rounding alone is a relative error
# of order one. The pure absolute error $|g-\hat g|$ fails the second, right as well: rounding
# grows with $|\mathcal L|$, and so do the gradients. Worse, it passes the third, which is wrong: a
# flipped sign on tiny gradients is a tiny absolute error.
#
# The rule takes what each gets right. Judge every entry relative to its size, but never finer
# than the central difference can resolve:
#
# $$e_i = \frac{|g_i - \hat g_i|}{\max\big(|g_i| + |\hat g_i|,\; \varphi\big)},\qquad
# \varphi = \frac{C\,\nu}{\tau},\qquad
# \nu = S\Big(\frac{u}{\varepsilon} + \frac{\varepsilon^2}{6}\Big),$$
#
# and pass when every $e_i \le \tau$. Here $\nu$ is the noise budget of the previous section
# with $|\mathcal L'''|$ taken to be of the size of $S$, and $C$ a safety factor.
# Above the floor $\varphi$, $e_i$ is a relative error, at most 1 (a flipped sign gives exactly 1).
# Below it, $e_i \le \tau$ says $|g_i - \hat g_i| \le C\nu$: agreement within the noise. The floor
# grows with $S$, so the large check gets the slack its rounding needs, and no more.
#
# What is $S$ for a network? A loss can be the small difference of large numbers, and then it
# rounds like those numbers: the cross-entropy of a network sure of its answers,
# $\log\sum_k e^{o_k} - o_c$, is tiny while its logits $o$ are large. So `gradcheck` takes
# $S = |\mathcal L| + \overline{\sum_k |a_{L,k}|}$, the loss plus the mean over the samples of the
# outputs' total size (the logits, for the cross-entropy). Such a network also has little to
# show: its gradients are near 0, and a flipped sign on them passes. Check a network where it
# still learns.

# %%
display(say("bpbook's settings: τ = {tol:g}, C = {c:g}. The floors of the three checks: {floors}.",
            tol=TOL, c=NOISE_FACTOR,
            floors=", ".join(f"{r.floor:.1e} ({n})" for n, r in cases.items())))

# %% [markdown]
# τ has room on both sides: in the table of this chapter's last section, the correct network's
# error is orders of magnitude below it and every bug's is of order one. The room above correct
# networks is for truncation, which grows when inputs or weights are large.

# %% [markdown]
# ## Kinks
#
# ReLU has a corner at 0: its slope jumps from 0 to 1. If a check moves a unit's pre-activation
# $z$ across 0, $\mathcal L$ has one slope on one side of $\theta$ and another on the other, and
# $\hat g$ is their average: right for neither. Here unit 0 of a ReLU network is placed just
# above its kink for one sample, and its bias $b$ is checked.

# %%
from bpbook.chapters.ch11_gradient_checking.cases import KINK_OFFSET, kink_case

kinked, row, left, right = kink_case()
display(say("Unit 0's $z$ for sample 0: {o:g} ε above 0. Backprop: {g:.6f} (the slope on the "
            "side where $z > 0$). One-sided differences: from $b-\\varepsilon$ to $b$ (across "
            "the kink) {l:.6f}, from $b$ to $b+\\varepsilon$ (all on the side $z > 0$) {r:.6f}. "
            "The central difference is their mean, {fd:.6f}; its "
            "error by the rule {e:.1e}, far above τ.", o=KINK_OFFSET, g=row[2], l=left, r=right,
            fd=row[3], e=row[4]))
display(say("`gradcheck` noticed: {v}.", v=kinked.verdict()))

# %% [markdown]
# Backprop is not wrong here; the check is. `gradcheck` watches the sign of every ReLU and
# Leaky ReLU pre-activation in both forward passes of each entry. When one flips, the entry is
# marked, shown in the table, and left out of the verdict. How often does this happen? It
# depends on ε: the chance that a nudge of size ε crosses a kink grows with ε. Counted on a
# ReLU network on the digit images:

# %%
from bpbook.chapters.ch11_gradient_checking.cases import KINK_IMAGES, kink_counts

display(say("{m} images, a 64-16-10 ReLU network, every entry checked at each ε:", m=KINK_IMAGES))
Table(["ε", "entries whose check straddled a kink", "entries"], kink_counts(),
      ["{:.0e}", None, None])

# %% [markdown]
# Three ways to live with kinks: keep ε small (the count falls with it); check at a point where no
# unit sits near its corner (another batch, another seed); or let the checker find the
# straddled entries, as `gradcheck` does, and judge the rest.

# %% [markdown]
# ## float32
#
# Most training runs in float32, whose $u$ is far larger than float64's. The V of the figure
# moves up and to the right: the float32 points (squares) bottom out far higher, at a much larger
# step. At the smallest steps they sit flat at the derivative itself: $w \pm \varepsilon$ rounds
# to $w$, both losses are equal and $\hat g = 0$. On the network, in float32, for a range of steps,
# the largest $|g - \hat g|$ relative to the largest $|g|$:

# %%
from bpbook.chapters.ch11_gradient_checking.cases import float32_check

steps, scaled, in64 = float32_check()
Table(["ε", "largest |g − ĝ| / largest |g|, float32"], list(zip(steps, scaled)),
      ["{:.1e}", "{:.1e}"])

# %%
display(say("Float32's $u$ = {u32:.2e}, {ratio:.1e} times float64's. The best float32 check "
            "agrees to about {best:.0e} of the "
            "gradient's size, which a bug of that size would hide in. So `gradcheck` checks a "
            "float32 model on a float64 copy, same weights, same data: {v}; its note says \"{n}\".",
            u32=float(np.finfo(np.float32).eps), ratio=float(np.finfo(np.float32).eps) / U,
            best=scaled.min(), v=in64.verdict(),
            n=in64.note))

# %% [markdown]
# The float64 copy checks the *formulas* of the backward pass, which do not depend on the dtype.
# Whether float32 itself loses too much along the way is a different question, answered by
# comparing the float32 gradients with the float64 ones.

# %% [markdown]
# ## Large networks: check a sample
#
# A central difference costs two forward passes per parameter entry; backprop gets every entry
# from one forward and one backward pass ([chapter 7](07_reverse_mode.py) counts both). For a
# network with millions of weights a full check is out of reach. But a bug in a backward pass
# is rarely in one entry: it sits in a formula, and the formula makes a whole array wrong. So
# check a few random entries of every parameter array.
# `gradcheck(..., sample=k)` does that; here the forward passes are counted on the digits ReLU
# network (a counter wrapped around its first layer).

# %%
from bpbook.chapters.ch11_gradient_checking.cases import check_cost

cost = check_cost(sample=5)
display(say("{n} parameter entries. A full check: {full} forward passes counted. {k} entries "
            "of each of the {arrays} arrays: {part} forward passes, {v}. With the sign of one "
            "layer's $dW$ flipped, the same sampled check {caught}. Each count is two per "
            "checked entry plus {extra}: backprop's own forward pass and the loss at the point "
            "itself (the floor needs $S$).",
            n=cost["entries"], full=cost["full"], k=cost["sample"], arrays=cost["arrays"],
            part=cost["sampled"], v=cost["sampled_check"].verdict(),
            caught="fails" if cost["caught"] else "passes",
            extra=cost["full"] - 2 * len(cost["full_check"].rows)))

# %% [markdown]
# If a bug spoils a fraction $p$ of an array's entries, $k$ random entries all miss it with
# probability $(1-p)^k$: small for a formula's bug, where $p$ is near 1; for a bug that touches
# one entry in a million, sample more, or check a smaller copy of the network, as
# [chapter 13](13_real_classifier.py) does.

# %% [markdown]
# ## The one rule, as `bpbook.gradcheck` implements it
#
# 1. Check in float64 (a float32 model is copied).
# 2. Use a step near $u^{1/3}$: bpbook's default.
# 3. Judge each entry by $e_i$, relative above the floor $\varphi$, absolute below it, with the
#    floor from the step and the size $S$ of the loss and the outputs it is computed from.
# 4. Mark entries whose check straddles a ReLU kink; show them, leave them out of the verdict.
# 5. For a large network, check a random sample of every parameter array.
# 6. Pass when every judged $e_i \le \tau$; on a failure, the table says which parameter, which
#    entry.
#
# The three bugs of the first section and a flipped sign, seeded into the backward pass of a small
# tanh network, each in one layer:

# %%
from bpbook.chapters.ch11_gradient_checking.cases import bug_table, small_network

m = small_network()[1].shape[1]
Table(["bug", "largest error e", "passed"], bug_table(), [None, "{:.1e}", None],
      caption=f"τ = {TOL:g}; a batch of m = {m} samples: (m − 1)/(m + 1) = "
              f"{(m - 1) / (m + 1):.2f}")

# %% [markdown]
# A dropped $1/m$ multiplies the gradient by $m$, so its error is $(m-1)/(m+1)$; the other
# three flip or scramble whole gradients, and reach 1. In code, the whole check is one call, and
# `verdict()` says it in a sentence:

# %%
from bpbook.gradcheck import gradcheck

check = gradcheck(*small_network())
display(say("{v}.", v=check.verdict()))
check.table

# %% [markdown]
# ## Play with it
#
# Slide $\log_{10}\varepsilon$ and watch the point move along softplus's error curve: the table
# gives the central difference, its measured error and the two predicted parts. Find where
# rounding takes over, and how far the bottom of the V stretches.
# `bpbook.chapters.ch11_gradient_checking.explore.explore` does the work and can be called on its
# own.

# %%
from bpbook.chapters.ch11_gradient_checking.explore import explore, explorer

explorer()

# %%
view = explore(-9.0)
display(say("For example, at $\\varepsilon$ = {e:.0e}: the measured error is {m:.1e}, the "
            "predicted rounding {r:.1e}, the predicted truncation {t:.1e}.", e=view.eps,
            m=view.error, r=view.rounding, t=view.truncation))

# %% [markdown]
# ## Recap
#
# - A central difference has two errors: truncation, $\varepsilon^2|\mathcal L'''|/6$, and
#   rounding, $uS/\varepsilon$ ($S$ the size of what the loss is computed from). Their sum is
#   smallest near $\varepsilon = u^{1/3}$; a smaller step is worse, not better.
# - Judge each entry relative to its size, with a floor set by what the central difference can
#   resolve for this loss and step: pure relative errors fail tiny correct gradients, pure
#   absolute errors fail large correct ones and pass tiny wrong ones.
# - A check that moves a ReLU's input across 0 measures an average of two slopes: find such
#   entries and leave them out, or pick a point away from the kinks.
# - Check in float64; float32 cannot tell a small bug from rounding.
# - A large network is checked on a random sample of every parameter array: two forward passes
#   per entry, and a formula's bug shows in any entry.
# - `bpbook.gradcheck` does all of this; `passed()` and `verdict()` apply the rule.

# %% [markdown]
# ## Exercises
#
# Replace `None` with your answer and run the cell.
#
# **1.** A *forward* difference, $(f(w+\varepsilon) - f(w))/\varepsilon$, costs one pass less
# per entry. Its truncation error is $\varepsilon|f''|/2$, so its predicted error is
# $u|f|/\varepsilon + \varepsilon|f''|/2$. Find the $\varepsilon$ that minimises it for the
# values below (float64's $u$; softplus and its second derivative at the $w$ printed).

# %%
from bpbook.chapters.ch11_gradient_checking.exercises import (BLIND_LOSS, F_SECOND, F_VALUE,
                                                              FD_W, MISS, P_SPOILED, U,
                                                              check_blind_spot,
                                                              check_forward_eps,
                                                              check_sample_size)

display(say("At $w$ = {w:g}: $u$ = {u!r}, $f$ = {f!r}, $f''$ = {f2!r} (as `U`, `F_VALUE`, "
            "`F_SECOND`)", w=FD_W, u=U, f=F_VALUE, f2=F_SECOND))

# %% tags=["exercise"] exercise="11.forward-eps"
answer = None

# %% tags=["check"]
check_forward_eps(answer)

# %% [markdown]
# **2.** A bug flips the sign of one tiny gradient entry, $\hat g = -g$. With bpbook's settings
# ($\tau$, $C$, $\varepsilon$ above) and the size $S$ below, up to which $|g|$ does the flipped
# entry still pass the rule?

# %%
display(say("$S$ = {v:g} (as `BLIND_LOSS`); τ = {tol:g} (`TOL`), C = {c:g} "
            "(`NOISE_FACTOR`), ε = {e:g} (`EPS`).", v=BLIND_LOSS, tol=TOL, c=NOISE_FACTOR, e=EPS))

# %% tags=["exercise"] exercise="11.blind-spot"
answer = None

# %% tags=["check"]
check_blind_spot(answer)

# %% [markdown]
# **3.** A bug spoils a fraction $p$ of a parameter array's entries. How many random entries of
# that array must a sampled check take so that it misses the bug with probability at most the
# value below? (The smallest whole number.)

# %%
display(say("$p$ = {p:g}, probability of missing at most {miss:g} (as `P_SPOILED`, `MISS`).",
            p=P_SPOILED, miss=MISS))

# %% tags=["exercise"] exercise="11.sample-size"
answer = None

# %% tags=["check"]
check_sample_size(answer)

# %% [markdown] tags=["think"] exercise="11.kink-or-bug"
# **4.** A check you wrote by hand with `numeric_grad` (not `gradcheck`, which marks kinks) fails
# on three entries of a ReLU network: the two weights and the bias of one hidden unit, and
# nothing else. Is the backward pass wrong? Say what you would look at and what
# you would try before changing any code.
