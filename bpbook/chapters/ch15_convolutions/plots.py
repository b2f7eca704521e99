"""Pictures of chapter 15, each with its text alternative written from the data it draws
(``bpbook.display.described``): the training losses of the CNN and the MLP, and the CNN's
learned 3 × 3 filters. Built without pyplot, matplotlib only."""
import numpy as np
from matplotlib.figure import Figure

from bpbook.display import described


def loss_curves(comparison):
    """Training loss per epoch of each model of a :class:`~.cnn.Comparison`, on a log scale."""
    fig = Figure(figsize=(6, 3.2), layout="constrained")
    ax = fig.subplots()
    for (name, losses, n), style in zip(zip(comparison.names, comparison.losses,
                                            comparison.params), ("-o", "--s")):
        epochs = np.arange(1, losses.size + 1)
        ax.semilogy(epochs, losses, style, markersize=3, label=f"{name} ({n} parameters)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean training loss")
    ax.legend()
    parts = [f"the {name} from {losses[0]:.3f} to {losses[-1]:.3f}"
             for name, losses in zip(comparison.names, comparison.losses)]
    alt = (f"Training loss against epoch, log scale, over {comparison.losses[0].size} epochs: "
           f"{parts[0]} (solid line, circles), {parts[1]} (dashed line, squares).")
    return described(fig, alt)


def filters(conv):
    """The 3 × 3 kernels of a trained ``Conv2d`` with one input channel, one panel each."""
    kernels = conv.W[:, 0]
    fig = Figure(figsize=(1.2 * len(kernels), 1.6), layout="constrained")
    axes = fig.subplots(1, len(kernels))
    top = float(np.abs(kernels).max())
    for i, (ax, kernel) in enumerate(zip(np.atleast_1d(axes), kernels)):
        ax.imshow(kernel, cmap="RdBu_r", vmin=-top, vmax=top)
        for (r, c), value in np.ndenumerate(kernel):  # the numbers too, not colour alone
            ax.text(c, r, f"{value:+.1f}", ha="center", va="center", fontsize=6)
        ax.set_title(f"filter {i + 1}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    spans = [f"filter {i + 1} from {k.min():+.2f} to {k.max():+.2f}"
             for i, k in enumerate(kernels)]
    alt = (f"The {len(kernels)} learned 3×3 filters of the convolution, each weight printed in "
           f"its cell and coloured red if positive, blue if negative (largest size {top:.2f}).")
    return described(fig, alt, "Weights of each filter: " + "; ".join(spans) + ".")
