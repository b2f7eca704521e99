"""Exercise checks of the PyTorch chapter (``chapters/12_pytorch.py``).

Each check returns a :class:`bpbook.feedback.Feedback` naming a recognised mistake. Checks that
need torch say how to install it when it is missing instead of failing.

Shapes: torch tensors hold samples in rows, ``y_hat`` and ``y`` ``(m, n_out)``.
"""
import numpy as np

from bpbook.chapters.ch12_pytorch.bridge import half_mse
from bpbook.feedback import Feedback, as_real, check, error_text, run_student
from bpbook.torch_bridge import HAVE_TORCH, INSTALL_HINT
from bpbook.variants import number
from bpbook.worked import DEFAULTS, worked_example


# Exercise 1's target: the book's for a reader alone, each student's own on a course
# (bpbook.variants); never near 1, the worked example's own target, or 0, chapter 3's exercise.
HOOK_Y = number("12.hook-delta", 0.5, 0.2, 0.8, digits=2)


def tanh_worked(y=HOOK_Y):
    """The worked example with a tanh hidden unit (a₁ = tanh z₁), at target ``y``: ``(δ₁, δ₂,
    ∂ℒ/∂a₁)`` by the chain rule. No explorer of the book shows this network's numbers."""
    s = DEFAULTS
    a1 = np.tanh(s["W11"] * s["x1"] + s["W12"] * s["x2"] + s["b1"])
    y_hat = 1 / (1 + np.exp(-(s["W2"] * a1 + s["b2"])))
    delta2 = (y_hat - y) * y_hat * (1 - y_hat)
    da1 = s["W2"] * delta2
    return float(da1 * (1 - a1 ** 2)), float(delta2), float(da1)


def check_hook_delta(answer, y=HOOK_Y):
    """Exercise: δ₁ of the worked example with a tanh hidden unit and target ``y``, read with a
    hook on ``z1``."""
    delta1, delta2, da1 = tanh_worked(y)
    return check(answer, delta1, f"δ₁ (tanh hidden unit, y = {y:g})",
                 "the gradient a hook on z1 receives", [
                     (da1, "∂ℒ/∂a₁: that is what a hook on a1 receives; hook z1 instead"),
                     (delta2, "δ₂: that is the hook on z2"),
                     (worked_example(y=y)["delta1"], "δ₁ of the sigmoid hidden unit: make it tanh"),
                     (tanh_worked(1.0)[0], "δ₁ for the old target y = 1"),
                 ])


def _loss_cases():
    torch = __import__("torch")
    rng, fresh = np.random.RandomState(3), np.random.default_rng()
    m, n_out = fresh.integers(1, 8), fresh.integers(1, 4)  # a fresh random batch on every call
    return [(torch.tensor(rng.rand(5, 2)), torch.tensor(rng.rand(5, 2))),
            (torch.tensor(rng.rand(3, 1)), torch.tensor(rng.rand(3, 1))),
            (torch.tensor(fresh.random((m, n_out))), torch.tensor(fresh.random((m, n_out))))]


def check_half_mse(fn):
    """Exercise: ``fn(y_hat, y)`` is bpbook's loss in torch: the mean over samples (rows) of
    ½‖ŷ − y‖² summed over the outputs; it must be differentiable."""
    if not HAVE_TORCH:
        return Feedback(None, INSTALL_HINT)
    if fn is None:
        return Feedback(None, "write half_mse(y_hat, y) and run the cell again")
    mistakes = [(lambda a, b: ((a - b) ** 2).sum(dim=1).mean(), "no ½ in front"),
                (lambda a, b: 0.5 * ((a - b) ** 2).mean(), "a mean over every entry, outputs "
                                                           "too: sum over the outputs first"),
                (lambda a, b: 0.5 * ((a - b) ** 2).sum(), "a sum over the samples: bpbook "
                                                          "averages over them")]
    cases = _loss_cases()
    for y_hat, y in cases:
        y_hat.requires_grad_(True)
        out, problem = run_student(fn, "half_mse", y_hat, y)
        if problem is not None:
            return problem
        if out is None:
            return Feedback(None, "your half_mse returns None: return the loss tensor")
        if getattr(out, "grad_fn", None) is None:
            return Feedback(False, "the loss should be a torch tensor computed from y_hat "
                                   "(with a grad_fn), so that backward() works")
        if out.numel() != 1:
            return Feedback(False, "half_mse should return one number, the loss (a 0-d tensor); "
                                   f"yours has shape {tuple(out.shape)}")
        if not np.isclose(out.item(), half_mse(y_hat, y).item()):
            for wrong, what in mistakes:
                if np.isclose(out.item(), wrong(y_hat, y).item()):
                    return Feedback(False, f"yours computes {what}")
            return Feedback(False, f"for a ({tuple(y_hat.shape)}) batch half_mse should be "
                                   f"{half_mse(y_hat, y).item():.6f}, yours is {out.item():.6f}")
    return Feedback(True, "half_mse = mean over samples of ½ Σ (ŷ − y)², right on all "
                          f"{len(cases)} batches (one of them random)")


def check_copy_linear(fn):
    """Exercise: ``fn(W, b)`` (bpbook's ``W`` ``(n_out, n_in)``, ``b`` ``(n_out, 1)``) returns
    an ``nn.Linear`` that computes bpbook's layer ``W a + b`` (on samples in rows)."""
    if not HAVE_TORCH:
        return Feedback(None, INSTALL_HINT)
    if fn is None:
        return Feedback(None, "write copy_linear(W, b) and run the cell again")
    import torch
    rng = np.random.default_rng()  # a fresh random layer on every call, not a fixed one
    n_out, n_in = (int(n) for n in rng.integers(2, 6, size=2))
    W, b, X = rng.normal(size=(n_out, n_in)), rng.normal(size=(n_out, 1)), rng.normal(size=(n_in, 5))
    linear, problem = run_student(fn, "copy_linear", W.copy(), b.copy())
    if problem is not None:
        return problem
    if not isinstance(linear, torch.nn.Linear):
        return Feedback(None if linear is None else False,
                        f"copy_linear should return a torch.nn.Linear, got {type(linear).__name__}")
    if tuple(linear.weight.shape) != W.shape:
        return Feedback(False, f"the Linear's weight should have shape {W.shape} (n_out, n_in), "
                               f"like bpbook's W; got {tuple(linear.weight.shape)}")
    if linear.bias is None:
        return Feedback(False, "your Linear has no bias (bias=False), but bpbook's layer adds b: "
                               "build it with a bias and copy b.ravel() into linear.bias")
    try:
        with torch.no_grad():
            out = linear(torch.tensor(X.T, dtype=linear.weight.dtype)).double().numpy().T
    except Exception as err:  # a Linear the student broke: feedback, not a traceback
        return Feedback(False, f"calling your Linear raised {error_text(err)}")
    if np.allclose(out, W @ X + b, atol=1e-5):
        return Feedback(True, "the Linear computes W a + b for every sample")
    if np.allclose(out, W @ X + linear.bias.detach().double().numpy()[:, None], atol=1e-5):
        return Feedback(False, "the weights are right but the bias is not bpbook's b "
                               "(copy b.ravel() into linear.bias)")
    return Feedback(False, "the outputs differ from bpbook's W @ X + b: copy W itself (same "
                           "(n_out, n_in) layout, no transpose) into linear.weight")


def _slips():
    """Typical slips in an accumulated step, as ``(function, what it is)``."""
    def no_division(net, opt, parts):
        opt.zero_grad()
        for X, Y in parts:
            half_mse(net(X), Y).backward()
        opt.step()

    def zero_inside(net, opt, parts):
        for X, Y in parts:
            opt.zero_grad()
            (half_mse(net(X), Y) / len(parts)).backward()
        opt.step()

    def step_inside(net, opt, parts):
        opt.zero_grad()
        for X, Y in parts:
            (half_mse(net(X), Y) / len(parts)).backward()
            opt.step()

    def no_zero(net, opt, parts):
        for X, Y in parts:
            (half_mse(net(X), Y) / len(parts)).backward()
        opt.step()

    return [(no_division, "the parts' losses are not divided by their number: the gradient "
                          "is their sum, that many times too large"),
            (zero_inside, "zero_grad() inside the loop: only the last part's gradient is left "
                          "when step() runs"),
            (step_inside, "step() inside the loop: one update per part, not one in all"),
            (no_zero, "no zero_grad(): each call adds its gradients to those of the calls "
                      "before")]


SEED, LR, STEPS = 7, 1.0, 3  # the exercise's network, learning rate and number of steps


def _start():
    from bpbook.model import mlp
    return mlp([2, 3, 1], seed=SEED, scale=1.0)


def _run_steps(fn):
    """``fn(net, opt, parts)`` called :data:`STEPS` times on a torch copy of :func:`_start`, the
    four XOR samples cut into two parts of two; returns what it returned and the parameters
    afterwards (float64 arrays, flattened), or ``(Feedback, None)`` when a call failed."""
    import torch

    from bpbook.data import XOR_X, XOR_Y
    from bpbook.torch_bridge import to_torch_mlp
    net = to_torch_mlp(_start())
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    X, Y = torch.tensor(XOR_X.T), torch.tensor(XOR_Y.T)
    parts = [(X[:2], Y[:2]), (X[2:], Y[2:])]
    returned = []
    for _ in range(STEPS):
        value, problem = run_student(fn, "accumulate_step", net, opt, parts)
        if problem is not None:
            return problem, None
        returned.append(value)
    return returned, [p.detach().numpy().reshape(-1) for p in net.parameters()]


def _bpbook_steps():
    """bpbook's ``fit``, full batch, for the same steps: its losses and parameters, flattened."""
    from bpbook.data import XOR_X, XOR_Y
    from bpbook.model import fit
    model = _start()
    losses = fit(model, XOR_X, XOR_Y, lr=LR, epochs=STEPS)
    return losses, [value.reshape(-1) for _, value, _ in model.parameters()]


def _same(a, b):
    return all(np.allclose(u, v, rtol=1e-10, atol=1e-12) for u, v in zip(a, b))


def check_accumulate_step(fn):
    """Exercise: ``fn(net, opt, parts)`` makes ONE update from several equal-sized parts of a
    batch (``parts``: a list of ``(X, Y)``, samples in rows), with the gradient of the mean loss
    over all their samples, and returns that loss as a number. Judged by :data:`STEPS` calls on
    XOR in two parts against bpbook's full-batch ``fit``."""
    if not HAVE_TORCH:
        return Feedback(None, INSTALL_HINT)
    if fn is None:
        return Feedback(None, "write accumulate_step(net, opt, parts) and run the cell again")
    returned, params = _run_steps(fn)
    if params is None:
        return returned
    if any(v is None for v in returned):
        return Feedback(None, "your accumulate_step returns None: return the mean loss")
    losses = [as_real(v) for v in returned]
    bad = next((why for _, why in losses if why is not None), None)
    if bad is not None:
        return Feedback(False, f"accumulate_step should return the mean loss as one number, got "
                               f"{bad}")
    want_losses, want_params = _bpbook_steps()
    if _same(params, want_params):
        if not np.allclose([v for v, _ in losses], want_losses, rtol=1e-10):
            return Feedback(False, "the parameters move as they should, but return the mean "
                                   "loss over all the parts, computed before the step")
        return Feedback(True, f"one update from the accumulated gradients: after {STEPS} calls "
                              "the same parameters and losses as bpbook's full-batch fit")
    for wrong, what in _slips():
        if _same(params, _run_steps(wrong)[1]):
            return Feedback(False, what)
    return Feedback(False, f"after {STEPS} calls the parameters differ from bpbook's full-batch "
                           "fit: zero_grad() once, backward() of each part's loss divided by the "
                           "number of parts, then one step()")
