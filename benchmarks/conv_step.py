"""``conv_step``: ``Conv2d`` forward + backward on a batch of digits against ``torch.nn.Conv2d``.

A batch of 64 of scikit-learn's 8 × 8 digits (1 channel), 8 output channels, a 3 × 3 kernel,
padding 1, float64, one thread (the run's). Both start from bpbook's weights (its ``W``
``(out, in, k, k)`` is torch's layout) and get the same upstream gradient, so the input gradients
must agree (checked, and reported in ``details``). bpbook holds the images as ``(C, H, W, m)``,
torch as ``(m, C, H, W)``; each side gets its own layout ready-made, outside the timing.
"""
import numpy as np

from benchmarks.harness import alternate, median, row, skipped, spread, target

CHANNELS, KERNEL, BATCH = 8, 3, 64
TARGET = target("ratio", "<=", 3.0, "bpbook ≤ 3× torch")


def images(m):
    """The first ``m`` digits as ``(1, 8, 8, m)``, grey levels scaled to [0, 1]."""
    from bpbook.data import digits
    X = digits()[0][:, :m]  # (64, m): one column per image
    return (X / 16.0).reshape(1, 8, 8, m)


def run(cfg):
    try:
        import torch
    except ImportError:
        return [skipped("conv_step", "torch not installed", TARGET)]
    from bpbook.conv import Conv2d
    m = 8 if cfg.quick else BATCH
    X = images(m)
    layer = Conv2d(1, CHANNELS, KERNEL, padding=1, rng=np.random.RandomState(0))
    G = np.random.RandomState(1).randn(CHANNELS, 8, 8, m)
    net = torch.nn.Conv2d(1, CHANNELS, KERNEL, padding=1, dtype=torch.float64)
    with torch.no_grad():
        net.weight.copy_(torch.from_numpy(layer.W))
        net.bias.copy_(torch.from_numpy(layer.b.ravel()))
    Xt = torch.from_numpy(np.ascontiguousarray(X.transpose(3, 0, 1, 2))).requires_grad_(True)
    Gt = torch.from_numpy(np.ascontiguousarray(G.transpose(3, 0, 1, 2)))

    def ours():
        layer.zero_grad()
        layer.forward(X)
        return layer.backward(G)

    def theirs():
        net.zero_grad()
        Xt.grad = None
        net(Xt).backward(Gt)
        return Xt.grad

    agree = float(np.max(np.abs(ours() - theirs().numpy().transpose(1, 2, 3, 0))))
    times = alternate({"bpbook": ours, "torch": theirs}, cfg.reps(cfg.repeats), cfg.warm)
    return [row("conv_step", median(times["bpbook"]) * 1e3, "ms", median(times["torch"]) * 1e3,
                f"torch {torch.__version__}", TARGET,
                "" if agree < 1e-10 else "INPUT GRADIENTS DIFFER",
                {"batch": m, "channels": [1, CHANNELS], "kernel": KERNEL,
                 "max_input_grad_difference": agree, "bpbook_ms": spread(times["bpbook"], 1e3),
                 "torch_ms": spread(times["torch"], 1e3)})]
