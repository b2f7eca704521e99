"""Pictures and the live trainer of the XOR chapter (chapter 05).

- :func:`plot_losses` draws loss curves on a log scale; :func:`plot_surface` one decision surface
  (the output of :func:`bpbook.chapters.ch05_xor.train.boundary`, a tuple ``(x1, x2, y_hat)`` of
  ``(n, n)`` arrays) with the ``y_hat = 0.5`` contour and the four XOR points;
  :func:`small_multiples` several. Figures are built without pyplot (no global state), as in
  :mod:`bpbook.chapters.ch03_worked_example.plots`.

- :func:`run_trainer` is the trainer's update function: it trains with
  :func:`bpbook.chapters.ch05_xor.train.train` and draws the result, or returns the error message
  for bad settings. :func:`trainer` only wires widgets to it; it shows :func:`trainer_table` (the
  final loss and the four predictions) as ``<table class="bp-explorer">``, so a browser test can
  read the numbers.

- Every figure has its words (``bpbook.display.described``): :func:`losses_alt` and
  :func:`surface_alt` say what a loss plot and a decision surface show, from their numbers. The
  curves differ in line style as well as colour; the four samples' marker says their target
  (circle 0, triangle 1), not their colour alone."""
import numpy as np
from matplotlib.figure import Figure

from bpbook.chapters.ch05_xor import train as xor
from bpbook.display import curves_alt, described, listing, number
from bpbook.tables import Table

STYLES = ("-", "--", ":", "-.")  # one per curve, so no curve is told apart by colour alone
MARKERS = {0: "o", 1: "^"}  # a sample's target, by shape

LEVELS = np.linspace(0, 1, 11)
# The trainer's learning rates, 1-2-5 per decade: the chapter's η = 0.5, 2 and 1000 are on the
# grid (a log slider stepping its exponent by 0.1 would turn 2 into 10^0.3 = 1.995).
LEARNING_RATES = tuple(float(f"{m}e{e}") for e in range(-3, 3) for m in (1, 2, 5)) + (1000.0,)
FLAT = 1e-3  # a surface whose values span less than this has no meaningful ½ contour


def plot_losses(ax, curves, title="loss (log scale)"):
    """``curves``: a dict label → losses per epoch."""
    for i, (label, losses) in enumerate(curves.items()):
        ax.plot(np.arange(len(losses)), losses, STYLES[i % len(STYLES)], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(r"$\mathcal{L}$")
    ax.set_title(title)
    if len(curves) > 1:
        ax.legend(fontsize="small")
    return ax


def plot_surface(ax, surface, title=""):
    """Filled contours of ``y_hat`` over the input square, the ½ contour and the four samples."""
    x1, x2, y_hat = surface
    filled = ax.contourf(x1, x2, y_hat, levels=LEVELS, cmap="coolwarm", vmin=0, vmax=1)
    if y_hat.min() < 0.5 < y_hat.max() and np.ptp(y_hat) > FLAT:
        ax.contour(x1, x2, y_hat, levels=[0.5], colors="k", linewidths=1.5)
    for target, marker in MARKERS.items():
        mine = xor.Y.ravel() == target
        ax.scatter(xor.X[0, mine], xor.X[1, mine], marker=marker, s=70, zorder=3,
                   c="tab:red" if target else "tab:blue", edgecolors="k")
    ax.set_xlabel(r"$x_1$")
    ax.set_ylabel(r"$x_2$")
    ax.set_aspect("equal")
    ax.set_title(title)
    return filled


def losses_alt(curves, title="loss"):
    """The words of a :func:`plot_losses` panel: each curve's course, from its numbers."""
    return curves_alt(curves, "epoch", title, log=True)


def surface_alt(surface, title="decision surface"):
    """The words of a :func:`plot_surface` panel: ŷ at the four samples (read off the surface,
    whose grid holds them when made with :data:`bpbook.chapters.ch05_xor.train.GRID`) and how many
    are on the right side of ½; whether the ½ line crosses the square."""
    x1, x2, y_hat = surface
    at = []
    right = 0
    for (a, b), t in zip(xor.X.T, xor.Y.ravel()):
        i, j = np.argmin(np.abs(x2[:, 0] - b)), np.argmin(np.abs(x1[0] - a))
        at.append(f"({a:g}, {b:g}) {number(y_hat[i, j], 2)}")
        right += (y_hat[i, j] > 0.5) == (t > 0.5)
    line = ("the ½ line crosses the square" if y_hat.min() < 0.5 < y_hat.max()
            and np.ptp(y_hat) > FLAT else "no ½ line: the surface is on one side of ½")
    return (f"{title}: ŷ from {number(y_hat.min(), 2)} to {number(y_hat.max(), 2)} over the "
            f"input square, {line}; at the samples (target 0 circles, target 1 triangles) ŷ is "
            f"{listing(at)}: {right} of 4 on the right side of ½")


def sweep_alt(lrs, finals, start):
    """The words of the learning-rate sweep: the final loss against η, told by its segments (its
    fall to the lowest point, then the first rate that ends above the ``start`` loss)."""
    lrs, finals = np.asarray(lrs, dtype=float), np.asarray(finals, dtype=float)
    best = int(np.argmin(finals))
    words = (f"Final loss against learning rate η, both log scale, {len(lrs)} rates from "
             f"{number(lrs[0])} to {number(lrs[-1])}: it goes from {number(finals[0])} at η = "
             f"{number(lrs[0])} down to its lowest, {number(finals[best])}, at η = "
             f"{number(lrs[best])}")
    above = np.flatnonzero(finals[best:] > start)
    if above.size:
        k = best + int(above[0])
        words += (f", then jumps to {number(finals[k])} at η = {number(lrs[k])}, above the "
                  f"starting loss {number(start)}, and ends at {number(finals[-1])}")
    return words + "."


def small_multiples(snapshots, suptitle="", max_cols=4):
    """One panel per epoch of ``snapshots`` (epoch → surface), sharing one colour bar; more than
    ``max_cols`` panels wrap into rows of equal length, so each panel stays readable."""
    epochs = sorted(snapshots)
    nrows = -(-len(epochs) // max_cols)
    ncols = -(-len(epochs) // nrows)
    fig = Figure(figsize=(2.6 * ncols, 2.8 * nrows + 0.2), layout="constrained")
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
    for i, (ax, epoch) in enumerate(zip(axes, epochs)):
        filled = plot_surface(ax, snapshots[epoch], f"after epoch {epoch}")
        if i % ncols:
            ax.set_ylabel("")
        if i + ncols < len(epochs):
            ax.set_xlabel("")
    for ax in axes[len(epochs):]:
        ax.remove()
    fig.colorbar(filled, ax=list(axes[:len(epochs)]), shrink=0.8, label=r"$\hat y$")
    fig.suptitle(suptitle)
    first, last = snapshots[epochs[0]], snapshots[epochs[-1]]
    alt = (f"{suptitle or 'The output surface'}, {len(epochs)} panels after epochs "
           f"{listing(epochs)}: after epoch {epochs[0]} ŷ spans {number(first[2].min(), 2)} to "
           f"{number(first[2].max(), 2)}, after epoch {epochs[-1]} {number(last[2].min(), 2)} "
           f"to {number(last[2].max(), 2)}.")
    details = " ".join(surface_alt(snapshots[e], f"After epoch {e}") + "." for e in epochs)
    return described(fig, alt, details)


def run_trainer(hidden=xor.HIDDEN, activation="sigmoid", lr=xor.LR, seed=xor.SEED,
                epochs=xor.EPOCHS, grid=xor.GRID):
    """Train and draw: ``(result, fig, message)``.

    On bad settings or a run that blows up nothing is drawn: ``result`` and ``fig`` are None and
    ``message`` says what went wrong. Otherwise ``message`` summarises the run.
    """
    try:
        result = xor.train(hidden, activation, lr, seed, epochs)
    except (ValueError, FloatingPointError) as err:
        return None, None, f"Cannot train: {err}"
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    left, right = fig.subplots(1, 2)
    plot_losses(left, {activation: result.losses})
    surface = xor.boundary(result.model, grid)
    plot_surface(right, surface, "decision surface after training")
    correct = int(np.sum((result.y_hat > 0.5) == (xor.Y > 0.5)))
    message = (f"final loss {result.final_loss:.2e}; {correct} of 4 samples on the right side "
               f"of 0.5")
    described(fig, f"Left: {losses_alt({activation: result.losses})} Right: "
                   f"{surface_alt(surface, 'the decision surface after training')}.")
    return result, fig, message


def trainer_table(result):
    """The trained network's final loss and its prediction for each of the four samples."""
    rows = [["final loss", result.final_loss]]
    rows += [[f"ŷ({int(x[0])}, {int(x[1])})", float(p)]
             for x, p in zip(xor.X.T, np.ravel(result.y_hat))]
    return Table(["quantity", "value"], rows, [None, "{:.6g}"], css_class="bp-explorer")


def trainer():
    """The live trainer: widgets for the settings, a Train button, and an output area."""
    import ipywidgets as w
    from IPython.display import display

    controls = dict(
        hidden=w.IntSlider(value=xor.HIDDEN, min=1, max=10, description="hidden"),
        activation=w.Dropdown(options=list(xor.HIDDEN_ACTIVATIONS), value="sigmoid",
                              description="activation"),
        lr=w.SelectionSlider(options=[(f"{v:g}", v) for v in LEARNING_RATES], value=xor.LR,
                             description="lr"),
        seed=w.BoundedIntText(value=xor.SEED, min=0, max=2 ** 32 - 1, description="seed"),
        epochs=w.IntSlider(value=xor.EPOCHS, min=100, max=10000, step=100, description="epochs"),
    )
    button, out = w.Button(description="Train", button_style="primary"), w.Output()

    def on_click(_):
        out.clear_output(wait=True)
        with out:
            result, fig, message = run_trainer(**{k: c.value for k, c in controls.items()})
            print(message)
            if result is not None:
                display(trainer_table(result), fig)

    button.on_click(on_click)
    return w.VBox([*controls.values(), button, out])


def figure(ncols=1, width=4.5, height=3.4):
    """A blank figure with ``ncols`` axes side by side: ``(fig, axes)``."""
    fig = Figure(figsize=(width * ncols, height), layout="constrained")
    return fig, np.atleast_1d(fig.subplots(1, ncols))
