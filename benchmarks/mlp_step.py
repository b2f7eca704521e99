"""``mlp_step``: one SGD step of bpbook's vectorized MLP against the same step in PyTorch.

Network 784-256-10 (ReLU, softmax cross-entropy on the logits), batch 512, float64 and float32;
PyTorch on the CPU with the same number of threads as numpy's BLAS, starting from bpbook's own
initial weights (its ``W`` ``(n_out, n_in)`` is ``torch.nn.Linear.weight``'s layout), so the two
first losses must agree, and so must the second ones (which checks gradients and update).

bpbook keeps samples in columns (``X`` ``(784, 512)``); PyTorch gets rows (``(512, 784)``). The
``breakdown`` in ``details`` times the parts of bpbook's step, including the product
``W1.T @ delta1`` (the gradient with respect to the input ``X``), which the step does not need
and PyTorch does not compute for an input without ``requires_grad``, and the same step without it
(same gradients, checked): a projection of that change to the core, measured, not assumed.

``blas`` in ``details`` times the step's two large matrix products alone, ``W1 @ X`` (forward)
and ``delta1 @ X.T`` (``dW1``), in numpy and in torch: numpy runs them on OpenBLAS, torch on MKL
(``torch.__config__.show()``), and together they are most of the step. Their ratio is the floor
under bpbook's ratio that no change to bpbook's Python can lower (see README, Benchmarks).
"""
import inspect
import os

import numpy as np

from benchmarks.harness import alternate, median, row, skipped, spread, target, threads

SIZES, BATCH, LR = (784, 256, 10), 512, 0.1
QUICK_SIZES, QUICK_BATCH = (20, 8, 3), 16
TARGET = target("ratio", "<=", 1.0, "bpbook ≤ 1.0× torch")


def data(sizes, m, dtype, seed=0):
    """Inputs ``X`` ``(n_in, m)`` and one-hot targets ``Y`` ``(n_out, m)``, with the labels."""
    rng = np.random.RandomState(seed)
    X = rng.randn(sizes[0], m).astype(dtype)
    labels = rng.randint(0, sizes[-1], m)
    return X, np.eye(sizes[-1], dtype=dtype)[:, labels], labels


def bpbook_model(sizes, dtype):
    """bpbook's MLP, in ``dtype`` if ``mlp`` accepts one (the core is float64 otherwise)."""
    from bpbook.model import mlp
    kwargs = {"dtype": dtype} if "dtype" in inspect.signature(mlp).parameters else {}
    return mlp(list(sizes), activation="relu", output="identity", seed=0, init="he", **kwargs)


def bpbook_step(model, X, Y):
    from bpbook.optim import SGD
    opt = SGD(model.parameters(), LR)

    def step():
        opt.zero_grad()
        loss = model.forward_backward(X, Y, "softmax_ce")
        opt.step()
        return loss
    return step


def torch_step(model, X, labels, dtype):
    """The same network and step in PyTorch, from ``model``'s current weights."""
    import torch
    tdtype = {np.float64: torch.float64, np.float32: torch.float32}[dtype]
    layers = []
    for layer in model.dense:
        lin = torch.nn.Linear(layer.n_in, layer.n_out, dtype=tdtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.asarray(layer.W)))
            lin.bias.copy_(torch.from_numpy(np.asarray(layer.b).ravel()))
        layers += [lin, torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    Xt, yt = torch.from_numpy(np.ascontiguousarray(X.T)), torch.from_numpy(labels)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(Xt), yt)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def layers_forward_backward(model, X, Y, input_grad=True):
    """What ``forward_backward`` does, minus its finite-value checks; with ``input_grad=True``
    the first layer also computes ``W1.T @ delta1``, which the core skips."""
    from bpbook.losses import get_loss
    da = get_loss("softmax_ce").grad(model.forward(X), Y)
    for layer in model.layers[:0:-1]:
        da = layer.backward(da)
    return model.layers[0].backward(da, input_grad=input_grad)


def breakdown(model, X, Y, repeats):
    """Median ms of the parts of bpbook's step (see the module docstring)."""
    first = model.dense[0]
    grads = []
    for input_grad in (True, False):
        model.zero_grad()
        layers_forward_backward(model, X, Y, input_grad)
        grads.append([g.copy() for _, _, g in model.parameters()])
    same = all(np.array_equal(a, b) for a, b in zip(*grads))
    times = alternate({
        "forward": lambda: model.forward(X),
        "forward_backward": lambda: model.forward_backward(X, Y, "softmax_ce"),
        "forward_backward_unchecked": lambda: layers_forward_backward(model, X, Y),
        "forward_backward_unchecked_no_input_grad":
            lambda: layers_forward_backward(model, X, Y, input_grad=False),
        "W1.T@delta1 (input gradient)": lambda: first.W.T @ first.delta,
        "delta1@X.T (dW1)": lambda: first.delta @ first.a_prev.T,
    }, repeats, warmup=1)
    model.zero_grad()
    return {"same_grads_without_input_grad": same,
            **{k: round(median(v) * 1e3, 3) for k, v in times.items()}}


def blas(model, X, repeats):
    """Median ms of the two large products in numpy and in torch, and their ratio."""
    import torch
    W1, delta1 = model.dense[0].W, model.dense[0].delta
    Wt, Xt, Dt = (torch.from_numpy(np.ascontiguousarray(a)) for a in (W1, X.T, delta1))
    times = alternate({"numpy": lambda: (W1 @ X, delta1 @ X.T),
                       "torch": lambda: (Xt @ Wt.T, Dt @ Xt)}, repeats, warmup=1)
    ms = {k: round(median(v) * 1e3, 3) for k, v in times.items()}
    return {**ms, "ratio": round(ms["numpy"] / ms["torch"], 3)}


def case(cfg, dtype, n_threads):
    """One row: bpbook vs torch in ``dtype`` on ``n_threads`` threads (the run's are set)."""
    import torch
    sizes, m = (QUICK_SIZES, QUICK_BATCH) if cfg.quick else (SIZES, BATCH)
    X, Y, labels = data(sizes, m, dtype)
    model = bpbook_model(sizes, dtype)
    ours, theirs = bpbook_step(model, X, Y), torch_step(model, X, labels, dtype)
    losses = [(ours(), theirs()) for _ in range(2)]
    tol = 1e-9 if dtype == np.float64 else 1e-4
    same = all(abs(a - b) <= tol * max(1.0, abs(b)) for a, b in losses)
    requested, computed = np.dtype(dtype).name, model.dense[0].z.dtype.name
    repeats = cfg.reps(cfg.repeats if n_threads == cfg.threads else max(3, cfg.repeats // 3))
    times = alternate({"bpbook": ours, "torch": theirs}, repeats, cfg.warm)
    notes = ([] if computed == requested else [f"core computed in {computed}"]) + \
        ([] if same else ["LOSSES DIFFER"])
    suffix = "" if n_threads == cfg.threads else f"/{n_threads}threads"
    return row(f"mlp_step/{requested}{suffix}", median(times["bpbook"]) * 1e3, "ms",
               median(times["torch"]) * 1e3, f"torch {torch.__version__}", TARGET,
               "; ".join(notes), {
                   "sizes": list(sizes), "batch": m, "threads": n_threads,
                   "requested_dtype": requested, "computed_dtype": computed,
                   "losses_bpbook_torch": losses, "same_loss": same,
                   "bpbook_ms": spread(times["bpbook"], 1e3),
                   "torch_ms": spread(times["torch"], 1e3),
                   "breakdown_ms": breakdown(model, X, Y, cfg.reps(cfg.repeats))
                   if n_threads == cfg.threads else "on the run's thread count only",
                   "blas_numpy_torch_ms": blas(model, X, cfg.reps(cfg.repeats))})


def run(cfg):
    """Both dtypes on the run's threads, then on every core if that is more (and settable)."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return [skipped(f"mlp_step/{t}", "torch not installed", TARGET)
                for t in ("float64", "float32")]
    rows = [case(cfg, np.float64, cfg.threads), case(cfg, np.float32, cfg.threads)]
    cores = os.cpu_count() or 1
    if cores > cfg.threads and not cfg.quick:
        with threads(cores) as settable:
            if settable:
                rows += [case(cfg, np.float64, cores), case(cfg, np.float32, cores)]
    return rows
