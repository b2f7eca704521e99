r"""``backprop_cost``: what a gradient costs, by backprop and by finite differences.

1. Backward/forward time ratio for growing widths ``w``, on the deep networks of chapters 8
   and 10 (:func:`bpbook.deep.deep_net`: 8 inputs, three tanh hidden layers of ``w`` units, a
   linear output; :func:`~bpbook.deep.toy_data`, 256 samples): the claim "backprop costs about
   2–3× a forward pass", next to the ratio of multiply-adds counted by
   :func:`bpbook.chapters.ch10_training_in_practice.cost.multiply_adds`. Like the count, the
   backward pass (``Sequential.backward``) skips the gradient with respect to the input ``X``
   (``W1.T @ delta1``), which training does not need.
2. Central-difference gradient time (:func:`bpbook.gradcheck.numeric_grad`, two forward passes per
   parameter) for ``[4, h, 1]`` networks of growing ``P`` parameters, with a least-squares line
   ``t = a + b P``, next to backprop's forward + backward time for the same networks.

These are the numbers chapter 10 plots (golden rule 7); :func:`ratios` and
:func:`finite_differences` return them as plain dicts.
"""
import numpy as np

from benchmarks.harness import alternate, median, row, target

WIDTHS, QUICK_WIDTHS, BATCH, DEPTH, N_IN = (16, 64, 256, 1024), (4, 8), 256, 3, 8
HIDDEN, QUICK_HIDDEN, FD_BATCH = (2, 4, 8, 16, 32, 64), (2, 4, 8), 8
RATIO_TARGET = target("ratio", "<=", 3.0, "backward ≤ 3× forward")
LINEAR_TARGET = target("r2", ">=", 0.95, "FD time linear in P (R² ≥ 0.95)")


def _model_and_data(sizes, m, seed=0):
    from bpbook.model import mlp
    rng = np.random.RandomState(seed)
    model = mlp(list(sizes), activation="sigmoid", output="sigmoid", seed=seed, init="xavier")
    return model, rng.randn(sizes[0], m), rng.rand(sizes[-1], m)


def ratios(widths, repeats, batch=BATCH):
    """``{width: (forward_s, backward_s)}``, medians; backward alone, after one forward."""
    from bpbook.losses import get_loss
    from bpbook.deep import deep_net, toy_data
    out = {}
    for w in widths:
        model = deep_net(DEPTH, width=w, n_in=N_IN, activation="tanh")
        X, Y = toy_data(N_IN, batch)
        da = get_loss("mse").grad(model.forward(X), Y)
        times = alternate({"forward": lambda: model.forward(X),
                           "backward": lambda: model.backward(da)}, repeats, warmup=1)
        model.forward(X)  # backward reads the cached forward values of this X
        out[w] = (median(times["forward"]), median(times["backward"]))
    return out


def finite_differences(hidden, repeats, batch=FD_BATCH):
    """Per ``[4, h, 1]`` network: parameters ``P``, central-difference and backprop gradient
    seconds (medians), and the line ``t = a + b P`` fitted to the former with its R²."""
    from bpbook.gradcheck import numeric_grad
    P, fd, bp = [], [], []
    for h in hidden:
        model, X, Y = _model_and_data([4, h, 1], batch)
        params = model.parameters()

        def numeric():
            for _, value, _ in params:
                numeric_grad(lambda: model.loss(X, Y, "mse"), value)

        times = alternate({"fd": numeric, "bp": lambda: model.forward_backward(X, Y, "mse")},
                          repeats, warmup=1)
        P.append(sum(v.size for _, v, _ in params))
        fd.append(median(times["fd"]))
        bp.append(median(times["bp"]))
    b, a = np.polyfit(P, fd, 1)
    fit = a + b * np.asarray(P)
    r2 = 1 - np.sum((fd - fit) ** 2) / np.sum((fd - np.mean(fd)) ** 2)
    return {"P": P, "fd_s": fd, "backprop_s": bp, "intercept_s": float(a),
            "slope_s_per_param": float(b), "r2": float(r2)}


def run(cfg):
    from bpbook.chapters.ch10_training_in_practice.cost import multiply_adds
    reps = cfg.reps(cfg.repeats)
    rows = []
    for w, (fwd, bwd) in ratios(QUICK_WIDTHS if cfg.quick else WIDTHS, reps).items():
        sizes = [N_IN] + [w] * DEPTH + [1]
        counted_f, counted_b = multiply_adds(sizes, BATCH)
        rows.append(row(f"backprop_cost/width={w}", bwd * 1e3, "ms", fwd * 1e3, "forward pass",
                        RATIO_TARGET, f"counted multiply-adds: {counted_b / counted_f:.2f}×",
                        {"sizes": sizes, "batch": BATCH, "activation": "tanh",
                         "multiply_adds_forward_backward": [counted_f, counted_b]}))
    fd = finite_differences(QUICK_HIDDEN if cfg.quick else HIDDEN, cfg.reps(max(3, reps // 3)))
    note = (f"{fd['slope_s_per_param'] * 1e6:.0f} µs/parameter, R² {fd['r2']:.3f}, "
            f"P = {fd['P'][-1]}")
    rows.append(row("backprop_cost/finite_difference", fd["fd_s"][-1] * 1e3, "ms",
                    fd["backprop_s"][-1] * 1e3, "backprop gradient", LINEAR_TARGET, note,
                    {**fd, "batch": FD_BATCH, "forward_passes_per_fd_gradient": 2 * fd["P"][-1]}))
    return rows
