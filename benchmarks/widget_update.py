"""``widget_update``: each chapter's explorer, one slider move at a time (compute + redraw).

Every explorer's widget only wires controls to plain functions; :data:`EXPLORERS` says, per
chapter, which functions one move calls and which outputs it displays, exactly as the widget's
callback does. A move is timed in two parts: *compute* (the update function) and *redraw* (the
displayed outputs turned into what the kernel sends: IPython's display formatter, with figures
rendered to PNG as the inline backend does, ``bbox_inches="tight"``). An explorer whose widgets
are updated in place (``bpbook.widgets.wire_in_place``) draws its PNG itself, in *compute*, the
way its widget does. Moves cycle through slider positions spread over each control's range.

Value: the median move. Baseline: the median redraw of a minimal figure (one axes, one line,
5.5 × 3.6 in, constrained layout), rendered the same way right after each move: the floor of any
plot redraw on this machine under its present load, so the ratio compares across machines.
Target ≤ 30 ms where only numbers change, ≤ 100 ms where a figure is redrawn; the XOR trainer is
a Train button (5000 epochs, then a plot), held to the training target, ≤ 2 s, and so is the
digit classifier's explorer (chapter 13), which retrains from scratch on every slider move.

An ``*explorer`` function in a ``bpbook/explore_*.py`` module that :data:`EXPLORERS` does not
cover shows up as a skipped row, so a new explorer is not forgotten.
"""
import ast
import itertools
import pathlib
import time

import numpy as np

from benchmarks.harness import median, row, skipped, spread, target

ROOT = pathlib.Path(__file__).resolve().parent.parent
NUMBERS, PLOT = target("value", "<=", 30.0, "≤ 30 ms"), target("value", "<=", 100.0, "≤ 100 ms")
BUTTON = target("value", "<=", 2000.0, "≤ 2 s (button)")
RETRAIN = target("value", "<=", 2000.0, "≤ 2 s (retrain)")


def ticks(lo, hi, n):
    return [float(x) for x in np.linspace(lo, hi, n)]


def chain_rule(n):
    from IPython.display import Image

    from bpbook.chapters.ch01_chain_rule import (X0, X_RANGE, ChainPlot, chain_state, chain_table,
                                                 chain_text)
    from bpbook.widgets import KeptFigure, math_html
    plot = ChainPlot(chain_state(X0))
    kept = KeptFigure(plot.figure, plot.moving)

    def move(x):  # as the explorer: the moving artists redrawn over the kept background
        state = chain_state(x)
        plot.update(state)
        return [math_html(chain_text(state)), chain_table(state), Image(kept.png(), format="png")]
    return move, ticks(*X_RANGE, n)


def graph_replay(n):
    from IPython.display import Image

    from bpbook.chapters.ch02_computation_graph.replay import (replay_figure, replay_frames,
                                                               replay_table, replay_text)
    from bpbook.widgets import figure_png, math_html
    from bpbook.worked import worked_graph
    root = worked_graph()["L"]
    frames = replay_frames(root)

    pictures = {step: figure_png(replay_figure(root, frames, step))
                for step in range(1, len(frames) + 1)}

    def move(step):  # as the explorer: every step's picture was drawn ahead, a move swaps them
        return [math_html(replay_text(frames, step)), replay_table(frames, step),
                Image(pictures[step], format="png")]
    return move, [1 + i % len(frames) for i in range(n)]  # steps count from 1


def worked(n):
    from IPython.display import HTML

    from bpbook.chapters.ch03_worked_example.explore import RANGES, worked_update
    moves = [{k: lo + (hi - lo) * f} for f, (k, (lo, hi, _)) in
             zip(itertools.cycle([0.2, 0.5, 0.8]), itertools.islice(
                 itertools.cycle(RANGES.items()), n))]

    def move(settings):
        view = worked_update(**settings)
        return [view.table, HTML(view.bars)]
    return move, moves


def outer_products(n):
    from IPython.display import HTML

    from bpbook.chapters.ch04_matrix_form.matrix import batch_problem, model_trace, outer_update
    trace = model_trace(batch_problem())
    m = trace["X"].shape[1]
    return lambda k: [HTML(outer_update(k, trace).html)], [None if i % (m + 1) == m else i % (m + 1)
                                                           for i in range(n)]


def pitfalls(n):
    from IPython.display import Image

    from bpbook.chapters.ch08_vanishing_gradients.explore import ACTIVATIONS, figure, table, update
    from bpbook.widgets import figure_png
    fig, ax = figure()
    moves = [dict(depth=int(d), activation=a) for d, a in
             zip(np.linspace(2, 30, n), itertools.cycle(ACTIVATIONS))]

    def move(settings):  # as the explorer: the kept figure redrawn, one PNG
        result = update(**settings, ax=ax)
        return [table(result), Image(figure_png(fig), format="png")]
    return move, moves


def checkpointing(n):
    from IPython.display import Image

    from bpbook.chapters.ch10_training_in_practice.explore import (MAX_DEPTH, alt, draw, figure,
                                                                   table, update)
    from bpbook.widgets import KeptFigure
    fig, ax = figure()
    kept = KeptFigure(fig, [*ax.lines, ax.title])
    moves = [dict(depth=int(d), segment=1 + i % 6) for i, d in
             enumerate(np.linspace(2, MAX_DEPTH, n))]

    def move(settings):  # as the explorer: lines and title over the kept frame, unless it grew
        result = update(**settings)
        if draw(ax, result):
            kept.forget()
        return [table(result), Image(kept.picture(alt(result)).data, format="png")]
    return move, moves


def activations(n):
    from IPython.display import Image

    from bpbook.chapters.ch06_activations.explore import NAMES, Z_RANGE, TangentPlot, explore
    from bpbook.widgets import figure_png
    plot = TangentPlot()

    def move(settings):  # as the explorer: the kept figure moved, one PNG drawn
        view = explore(**settings, plot=plot)
        return [view.table, Image(figure_png(view.figure), format="png")]
    return move, [dict(name=a, z0=z) for a, z in zip(itertools.cycle(NAMES), ticks(*Z_RANGE, n))]


def gradient_checking(n):
    from IPython.display import Image

    from bpbook.chapters.ch11_gradient_checking.explore import LOG_EPS_RANGE, EpsPlot, explore
    from bpbook.widgets import KeptFigure
    plot = EpsPlot()
    kept = KeptFigure(plot.figure, [plot.marker])

    def move(settings):  # as the explorer: the marker redrawn over the kept curves
        view = explore(**settings, plot=plot)
        return [view.table, Image(kept.picture(view.description).data, format="png")]
    return move, [dict(log_eps=x) for x in ticks(*LOG_EPS_RANGE, n)]


def xor_trainer(n):
    from bpbook.chapters.ch05_xor.plots import run_trainer

    def move(settings):
        _, fig, message = run_trainer(**settings)
        return [message, fig]
    return move, [dict(hidden=4 + i % 3, seed=42 + i) for i in range(n)]


def pytorch(n):
    from bpbook.chapters.ch12_pytorch.explore import update
    xs = ticks(-2.0, 2.0, n)
    return lambda x: [update(x1=x, x2=0.8, y=1.0, W2=0.9)], xs


def real_classifier(n):
    from bpbook.chapters.ch13_real_classifier.explore import (BATCH_SIZES, LEARNING_RATES,
                                                              WIDTHS, update)

    def move(settings):
        view = update(**settings)
        return [view.table, view.figure]
    # the slowest corner first (smallest batches, widest layer), then spread over the grids
    spread_out = zip(itertools.cycle(LEARNING_RATES[3:]), itertools.cycle(BATCH_SIZES),
                     itertools.cycle(WIDTHS[::3]))
    moves = [dict(lr=0.1, batch_size=BATCH_SIZES[0], hidden=WIDTHS[-1])] + [
        dict(lr=lr, batch_size=b, hidden=h) for lr, b, h in itertools.islice(spread_out, n - 1)]
    return move, moves[:n]


def convolutions(n):
    from IPython.display import Image

    from bpbook.chapters.ch15_convolutions.explore import KERNELS, N_IMAGES, FeaturePlot, update
    from bpbook.widgets import KeptFigure
    plot = FeaturePlot()
    kept = KeptFigure(plot.figure, plot.images)

    def move(settings):  # as the explorer: the four pictures replaced over the kept axes
        view = update(**settings, plot=plot)
        return [view.table, Image(kept.picture(view.alt).data, format="png")]
    return move, [dict(index=i % N_IMAGES, kernel=k)
                  for i, k in zip(range(n), itertools.cycle(KERNELS))]


def backprop_through_time(n):
    from IPython.display import Image

    from bpbook.chapters.ch16_backprop_through_time.explore import (INPUT_SCALES, RHO_RANGE,
                                                                     T_RANGE, FlowPlot, update)
    from bpbook.widgets import KeptFigure
    plot = FlowPlot()
    kept = KeptFigure(plot.figure, plot.moving)

    def move(settings):  # as the explorer: the two lines redrawn over the kept axes
        view = update(**settings, plot=plot)
        return [view.table, Image(kept.picture(view.description).data, format="png")]
    spread_out = zip(ticks(*RHO_RANGE, n), ticks(*T_RANGE, n)[::-1], itertools.cycle(INPUT_SCALES))
    return move, [dict(rho=r, T=int(t), input_scale=s) for r, t, s in spread_out]


def by_hand(n):
    from IPython.display import Image

    from bpbook.chapters.ch14_by_hand.explore import M_RANGE, M_STEP, TENSORS, HeatPlot, update
    from bpbook.widgets import KeptFigure
    plot = HeatPlot()
    kept = KeptFigure(plot.figure, plot.moving)

    def move(settings):  # as the explorer: the two heat maps redrawn over the kept axes
        view = update(**settings, plot=plot)
        return [view.table, Image(kept.picture(view.description).data, format="png")]
    sizes = range(M_RANGE[1], M_RANGE[0] - 1, -M_STEP)  # the largest batch first
    return move, [dict(m=m, tensor=t) for m, t in zip(itertools.cycle(sizes),
                                                      itertools.islice(itertools.cycle(TENSORS),
                                                                       n))]


def initialisation(n):
    from IPython.display import Image

    from bpbook.chapters.ch09_initialisation.explore import (ACTIVATIONS, DEPTH_RANGE,
                                                             GAIN_RANGE, VariancePlot, update)
    from bpbook.widgets import KeptFigure
    plot = VariancePlot()
    kept = KeptFigure(plot.figure, plot.moving)

    def move(settings):  # as the explorer: the four lines redrawn over the kept axes
        view = update(**settings, plot=plot)
        return [view.table, Image(kept.picture(view.description).data, format="png")]
    # the deepest network first (the slowest move), then spread over the ranges
    spread_out = zip(ticks(*GAIN_RANGE, n), ticks(*DEPTH_RANGE, n)[::-1],
                     itertools.cycle(ACTIVATIONS))
    return move, [dict(gain=g, depth=int(d), activation=a) for g, d, a in spread_out]


def reverse_mode(n):
    from IPython.display import Image

    from bpbook.chapters.ch07_reverse_mode.explore import (HIDDEN_RANGE, IN_RANGE, OUT_RANGE,
                                                           ModePlot, update)
    from bpbook.widgets import KeptFigure
    plot = ModePlot()
    kept = KeptFigure(plot.figure, plot.moving)

    def move(settings):  # as the explorer: the two bars redrawn over the kept axes
        view = update(**settings, plot=plot)
        return [view.table, Image(kept.picture(view.description).data, format="png")]
    # the largest network first (the slowest move: its graph is built and counted), then spread
    spread_out = zip(ticks(*IN_RANGE, n)[::-1], ticks(*HIDDEN_RANGE, n)[::-1],
                     ticks(*OUT_RANGE, n))
    return move, [dict(n_in=int(i), hidden=int(h), n_out=int(k)) for i, h, k in spread_out]


# chapter, the widget's function, how one move is made, target
EXPLORERS = [
    ("01_chain_rule", "ch01_chain_rule.chain_explorer", chain_rule, PLOT),
    ("02_computation_graph", "ch02_computation_graph.replay.step_explorer", graph_replay, PLOT),
    ("03_worked_example", "ch03_worked_example.explore.worked_explorer", worked, NUMBERS),
    ("04_matrix_form", "ch04_matrix_form.matrix.outer_explorer", outer_products, NUMBERS),
    ("05_xor", "ch05_xor.plots.trainer", xor_trainer, BUTTON),
    ("07_reverse_mode", "ch07_reverse_mode.explore.explorer", reverse_mode, PLOT),
    ("08_vanishing_gradients", "ch08_vanishing_gradients.explore.explorer", pitfalls, PLOT),
    ("09_initialisation", "ch09_initialisation.explore.explorer", initialisation, PLOT),
    ("10_training_in_practice", "ch10_training_in_practice.explore.explorer", checkpointing,
     PLOT),
    ("06_activations", "ch06_activations.explore.explorer", activations, PLOT),
    ("11_gradient_checking", "ch11_gradient_checking.explore.explorer", gradient_checking,
     PLOT),
    ("12_pytorch", "ch12_pytorch.explore.explorer", pytorch, NUMBERS),
    ("13_real_classifier", "ch13_real_classifier.explore.explorer", real_classifier, RETRAIN),
    ("14_by_hand", "ch14_by_hand.explore.explorer", by_hand, PLOT),
    ("15_convolutions", "ch15_convolutions.explore.explorer", convolutions, PLOT),
    ("16_backprop_through_time", "ch16_backprop_through_time.explore.explorer",
     backprop_through_time, PLOT),
]


def formatter():
    """IPython's display formatter, with matplotlib figures as PNG like the inline backend."""
    from IPython.core.formatters import DisplayFormatter
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure
    fmt = DisplayFormatter()
    fmt.formatters["image/png"].for_type(
        Figure, lambda fig: print_figure(fig, "png", bbox_inches="tight"))
    return fmt


def minimal_figure():
    from matplotlib.figure import Figure
    fig = Figure(figsize=(5.5, 3.6), layout="constrained")
    fig.add_subplot().plot(np.sin(np.linspace(0, 6, 200)))
    return fig


def time_moves(move, settings, fmt, warmup=True):
    """Seconds to compute and to redraw each move, and to redraw the minimal figure after it
    (after one untimed move if ``warmup``)."""
    floor_fig = minimal_figure()
    if warmup:
        fmt.format(move(settings[-1]))
    compute, redraw, floor = [], [], []
    for s in settings:
        t0 = time.perf_counter()
        outputs = move(s)
        t1 = time.perf_counter()
        for out in outputs:
            if out is not None:
                fmt.format(out)
        t2 = time.perf_counter()
        fmt.format(floor_fig)
        compute.append(t1 - t0)
        redraw.append(t2 - t1)
        floor.append(time.perf_counter() - t2)
    return compute, redraw, floor


def measure(chapter, widget, build, tgt, cfg, fmt):
    name = f"widget_update/{chapter}/{widget.split('.')[-1]}"
    if not (ROOT / "chapters" / f"{chapter}.py").exists():
        return skipped(name, f"chapter {chapter}.py not found", tgt)
    n = cfg.reps(3 if tgt is BUTTON else max(cfg.repeats * 2 // 3, 3))
    move, settings = build(n)
    if cfg.quick and tgt is BUTTON:
        settings = [dict(s, epochs=100) for s in settings]
    compute, redraw, floor = time_moves(move, settings, fmt,
                                        warmup=tgt is not BUTTON and cfg.warm > 0)
    total = [c + r for c, r in zip(compute, redraw)]
    note = f"medians: compute {median(compute) * 1e3:.3g}, redraw {median(redraw) * 1e3:.3g} ms"
    return row(name, median(total) * 1e3, "ms", median(floor) * 1e3, "minimal plot redraw", tgt,
               note, {"widget": f"bpbook.chapters.{widget}", "moves": len(settings),
                "settings": [str(s) for s in settings], "compute_ms": spread(compute, 1e3),
                "redraw_ms": spread(redraw, 1e3), "minimal_plot_redraw_ms": spread(floor, 1e3),
                "kind": ("button" if tgt is BUTTON else "retrain" if tgt is RETRAIN else
                         "plot" if tgt is PLOT else "numbers")})


def uncovered():
    """``*explorer`` functions in ``bpbook.chapters`` that :data:`EXPLORERS` does not time."""
    covered = {widget for _, widget, _, _ in EXPLORERS}
    found = []
    base = ROOT / "bpbook" / "chapters"
    for path in sorted(base.rglob("*.py")):
        module = ".".join(path.relative_to(base).with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.endswith("explorer"):
                found.append(f"{module}.{node.name}")
    return [w for w in found if w not in covered]


def run(cfg):
    import matplotlib
    matplotlib.use("Agg")
    fmt, rows = formatter(), []
    for chapter, widget, build, tgt in EXPLORERS:
        try:
            rows.append(measure(chapter, widget, build, tgt, cfg, fmt))
        except ImportError as err:
            rows.append(skipped(f"widget_update/{chapter}/{widget.split('.')[-1]}",
                                f"not importable: {err}", tgt))
    rows += [skipped(f"widget_update/?/{w}", "explorer not in widget_update.EXPLORERS")
             for w in uncovered()]
    return rows
