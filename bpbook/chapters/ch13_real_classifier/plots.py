"""Pictures of chapter 13, built without pyplot (no global state), matplotlib only.

- :func:`noise_figure`: mini-batch against full-batch training, per step and per epoch;
- :func:`confusion_figure`: a confusion matrix (rows: true digit, columns: predicted) with its
  counts written in;
- :func:`digits_figure`: some 8 × 8 images, each with a title (its label, or true → predicted);
- :func:`loss_figure`: one run's loss per mini-batch and its mean per epoch (the explorer's).

Losses are per step arrays as :func:`bpbook.chapters.ch13_real_classifier.train.train` returns
them; ``steps_per_epoch`` cuts them into epochs. Every figure carries its words
(``bpbook.display.described``), written here from the same numbers; two runs differ in line
width or marker as well as colour.
"""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from bpbook.display import curves_alt, described, listing


def epoch_means(losses, steps_per_epoch):
    """The mean loss of each epoch's mini-batches."""
    return np.asarray(losses)[:len(losses) // steps_per_epoch * steps_per_epoch].reshape(
        -1, steps_per_epoch).mean(axis=1)


def noise_figure(mini, full, steps_per_epoch, batch_size):
    """Left: the loss of each step, mini-batch (one batch) against full batch (the whole training
    set), over the same number of steps. Right: per epoch, the mini-batch run's mean batch loss
    against the full-batch run's loss, one step per epoch."""
    fig = Figure(figsize=(7.2, 3.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    steps = np.arange(len(mini))
    left.plot(steps, mini, lw=0.6, color="tab:orange", label=f"batches of {batch_size}")
    left.plot(steps, full[:len(mini)], lw=1.8, color="tab:blue", label="full batch")
    left.set(xlabel="step", ylabel="loss", yscale="log", title="per step")
    epochs = np.arange(1, len(mini) // steps_per_epoch + 1)
    means = epoch_means(mini, steps_per_epoch)
    right.plot(epochs, means, "o-", ms=3, color="tab:orange", label=f"batches of {batch_size}")
    right.plot(epochs, full[:len(epochs)], "s--", ms=3, color="tab:blue", label="full batch")
    right.set(xlabel="epoch", yscale="log", title="per pass over the data")
    right.legend(fontsize="small")
    mini_name, full_name = f"batches of {batch_size} (thin line)", "the full batch (thick line)"
    alt = ("Left, " + curves_alt({mini_name: mini, full_name: full[:len(mini)]}, "step",
                                 "loss per step", log=True)
           + " Right, " + curves_alt({f"the mean of batches of {batch_size} (circles)": means,
                                      "the full batch (squares)": full[:len(epochs)]},
                                     "epoch", "loss per pass over the data", xs=epochs, log=True))
    return described(fig, alt)


def confusion_figure(counts):
    """The matrix as an image, each cell's count written in it."""
    fig = Figure(figsize=(4.6, 4.0), layout="constrained")
    ax = fig.subplots()
    ax.imshow(np.log1p(counts), cmap="Blues")
    k = counts.shape[0]
    for i in range(k):
        for j in range(k):
            if counts[i, j]:
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if counts[i, j] > counts.max() / 2 else "black")
    ax.set(xticks=range(k), yticks=range(k), xlabel="predicted digit", ylabel="true digit",
           title="test set: true against predicted")
    return described(fig, *confusion_alt(counts))


def confusion_alt(counts, top=3):
    """``(alt, details)`` of a confusion matrix: how many are right, and the commonest mistakes
    (at most ``top`` of those sharing the largest count; none named when no pair repeats); the
    details give every row's counts."""
    counts = np.asarray(counts)
    right, total = int(np.trace(counts)), int(counts.sum())
    off = [(int(counts[i, j]), i, j) for i in range(len(counts)) for j in range(len(counts))
           if i != j and counts[i, j]]
    most = max((n for n, _, _ in off), default=0)
    worst = sorted((t for t in off if t[0] == most), key=lambda t: (t[1], t[2]))[:top]
    commonest = listing(f"{i} read as {j} ({_times(n)})" for n, i, j in worst)
    if len(off) == 1 and most == 1:
        summary = f"One mistake: {off[0][1]} read as {off[0][2]}."
    elif most == 1:
        summary = f"{len(off)} mistakes, no (true, predicted) pair repeated."
    else:
        summary = f"The commonest mistakes: {commonest}."
    alt = (f"Confusion matrix of the test set, true digit (rows) against predicted digit "
           f"(columns), each cell's count written in it: {right} of {total} on the diagonal "
           f"({100 * right / total:.1f} % right). "
           + (summary if off else "No mistakes."))
    details = " ".join(f"True {i}: " + listing(f"{int(c)} as {j}" for j, c in enumerate(row) if c)
                       + "." for i, row in enumerate(counts))
    return alt, details


def _times(n):
    return "once" if n == 1 else f"{n} times"


def digits_figure(images, titles, columns=6):
    """The ``images`` (``(n, 8, 8)``, grey levels 0–16) in a grid, each with its title."""
    n = len(images)
    rows = max(1, -(-n // columns))
    fig = Figure(figsize=(1.1 * columns, 1.25 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    for ax in axes:
        ax.axis("off")
    for ax, image, title in zip(axes, images, titles):
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=16)
        ax.set_title(title, fontsize=9)
    return described(fig, f"{n} handwritten digits, 8 × 8 pixels each, dark on light, titled "
                          f"{listing(titles)}.")


def loss_figure(losses, steps_per_epoch, title):
    """One run: each mini-batch's loss (thin) and the mean of each epoch (dots)."""
    fig = Figure(figsize=(5.5, 3.0), layout="constrained")
    ax = fig.subplots()
    ax.plot(np.arange(len(losses)) / steps_per_epoch, losses, lw=0.5, color="tab:orange",
            label="each mini-batch")
    means = epoch_means(losses, steps_per_epoch)
    ax.plot(np.arange(1, len(means) + 1), means, "o-", ms=3, color="tab:blue",
            label="mean of the epoch")
    ax.set(xlabel="epoch", ylabel="loss", yscale="log", title=title)
    # no minor ticks: over many decades they are most of the redraw time of a slider move
    ax.yaxis.set_minor_locator(NullLocator())
    ax.legend(fontsize="small")
    return described(fig, f"{title}: " + curves_alt(
        {"each mini-batch's loss (thin line)": losses}, "epoch", "loss",
        xs=np.arange(len(losses)) / steps_per_epoch, log=True)
        + " " + curves_alt({"the mean of each epoch (dots)": means}, "epoch", "mean loss",
                           xs=np.arange(1, len(means) + 1), log=True))
