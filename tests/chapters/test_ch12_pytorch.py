"""bpbook against PyTorch: the worked example (closed forms written here, torch written here) and
XOR trajectories; the bridge's helpers; the torch chapter without torch."""
import math
import pathlib
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from bpbook.data import XOR_X, XOR_Y  # noqa: E402
from bpbook.chapters.ch12_pytorch.exercises import (HOOK_Y, check_accumulate_step,  # noqa: E402
                                                    check_copy_linear, check_half_mse,
                                                    check_hook_delta)
from bpbook.chapters.ch12_pytorch.explore import update  # noqa: E402
from bpbook.worked import NAMES, worked_graph  # noqa: E402
from bpbook.model import fit, mlp  # noqa: E402
from bpbook.optim import SGD  # noqa: E402
from bpbook.chapters.ch12_pytorch.bridge import (graph_lines, train_torch,  # noqa: E402
                                                 value_graph_lines, worked_torch)
from bpbook.torch_bridge import to_torch_mlp  # noqa: E402
from bpbook.worked import worked_example, worked_network  # noqa: E402

CHAPTER = pathlib.Path(__file__).parents[2] / "chapters" / "12_pytorch.py"


def closed_form(x1=0.5, x2=0.8, y=1.0, W11=0.4, W12=0.6, b1=0.1, W2=0.9, b2=0.1):
    """The worked example's gradients by the chain rule, written out with math only."""
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    a1 = s(W11 * x1 + W12 * x2 + b1)
    y_hat = s(W2 * a1 + b2)
    d2 = (y_hat - y) * y_hat * (1 - y_hat)
    d1 = d2 * W2 * a1 * (1 - a1)
    return {"L": 0.5 * (y_hat - y) ** 2, "delta2": d2, "delta1": d1, "dW2": d2 * a1, "db2": d2,
            "dW11": d1 * x1, "dW12": d1 * x2, "db1": d1}


def tanh_closed_form(y, x1=0.5, x2=0.8, W11=0.4, W12=0.6, b1=0.1, W2=0.9, b2=0.1):
    """Exercise 1's network, the worked example with a tanh hidden unit, by the chain rule."""
    a1 = math.tanh(W11 * x1 + W12 * x2 + b1)
    y_hat = 1 / (1 + math.exp(-(W2 * a1 + b2)))
    d2 = (y_hat - y) * y_hat * (1 - y_hat)
    return {"delta1": d2 * W2 * (1 - a1 ** 2), "da1": d2 * W2}


def torch_worked(dtype, y=1.0):
    """The worked example in torch, written independently of bpbook.chapters.ch12_pytorch.bridge."""
    W1 = torch.tensor([[0.4, 0.6]], dtype=dtype, requires_grad=True)
    b1 = torch.tensor([[0.1]], dtype=dtype, requires_grad=True)
    W2 = torch.tensor([[0.9]], dtype=dtype, requires_grad=True)
    b2 = torch.tensor([[0.1]], dtype=dtype, requires_grad=True)
    x = torch.tensor([[0.5], [0.8]], dtype=dtype)
    loss = 0.5 * (torch.sigmoid(W2 @ torch.sigmoid(W1 @ x + b1) + b2) - y) ** 2
    loss.sum().backward()
    return {"dW2": W2.grad.item(), "db2": b2.grad.item(), "dW11": W1.grad[0, 0].item(),
            "dW12": W1.grad[0, 1].item(), "db1": b1.grad.item()}


GRADS = ("dW2", "db2", "dW11", "dW12", "db1")


@pytest.mark.parametrize("dtype, tol", [(torch.float64, 1e-14), (torch.float32, 1e-7)])
def test_bpbook_torch_and_closed_form_agree_on_the_worked_example(dtype, tol):
    ours, theirs, exact = worked_example(), torch_worked(dtype), closed_form()
    for g in GRADS:
        assert ours[g] == pytest.approx(exact[g], abs=1e-15)
        assert theirs[g] == pytest.approx(exact[g], abs=tol)


@pytest.mark.parametrize("settings", [{}, dict(y=0.0), dict(x1=-1.5, W2=-0.7, b1=0.3)])
def test_bridge_worked_torch_hooks_read_the_deltas(settings):
    got, exact = worked_torch(torch.float64, **settings), closed_form(**settings)
    for key in ("L", "delta1", "delta2", *GRADS):
        assert got[key] == pytest.approx(exact[key], abs=1e-14)


def test_hook_deltas_equal_bpbook_layer_deltas():
    got = worked_torch(torch.float64)
    net = worked_network()
    net.forward_backward(np.array([[0.5], [0.8]]), np.array([[1.0]]))
    assert got["delta1"] == pytest.approx(net.dense[0].delta[0, 0], abs=1e-15)
    assert got["delta2"] == pytest.approx(net.dense[1].delta[0, 0], abs=1e-15)


def _torch_xor_by_hand(epochs, lr=2.0):
    """XOR in torch.nn from mlp([2, 4, 1], seed=42)'s weights, without the bridge."""
    start = mlp([2, 4, 1], seed=42)
    net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 1),
                              torch.nn.Sigmoid()).double()
    with torch.no_grad():
        for linear, layer in zip((net[0], net[2]), start.dense):
            linear.weight[:] = torch.tensor(layer.W)
            linear.bias[:] = torch.tensor(layer.b[:, 0])
    X, Y = torch.tensor(XOR_X.T), torch.tensor(XOR_Y.T)
    losses = []
    for _ in range(epochs):
        net.zero_grad()
        loss = torch.mean(0.5 * (net(X) - Y) ** 2)
        loss.backward()
        with torch.no_grad():
            for p in net.parameters():
                p -= lr * p.grad
        losses.append(loss.item())
    return np.array(losses)


def test_xor_trajectories_agree():
    epochs = 300
    ours = fit(mlp([2, 4, 1], seed=42), XOR_X, XOR_Y, lr=2.0, epochs=epochs)
    bridged = train_torch(to_torch_mlp(mlp([2, 4, 1], seed=42)), XOR_X, XOR_Y, 2.0, epochs)
    by_hand = _torch_xor_by_hand(epochs)
    np.testing.assert_allclose(ours, by_hand, rtol=0, atol=1e-13)
    np.testing.assert_allclose(bridged, by_hand, rtol=0, atol=1e-13)
    assert ours[-1] < ours[0]


def test_xor_in_float32_stays_within_single_precision():
    ours = fit(mlp([2, 4, 1], seed=42), XOR_X, XOR_Y, lr=2.0, epochs=200)
    t32 = train_torch(to_torch_mlp(mlp([2, 4, 1], seed=42), torch.float32), XOR_X, XOR_Y, 2.0,
                      200)
    np.testing.assert_allclose(t32, ours, rtol=1e-5)


def test_train_torch_rejects_bad_epochs():
    with pytest.raises(ValueError, match="epochs must be a non-negative integer, got -1"):
        train_torch(to_torch_mlp(mlp([2, 1])), XOR_X, XOR_Y, 1.0, -1)


def test_graph_lines_walks_the_recorded_graph():
    W = torch.tensor([[0.4, 0.6]], requires_grad=True)
    b = torch.tensor([[0.1]], requires_grad=True)
    loss = (torch.sigmoid(W @ torch.tensor([[0.5], [0.8]]) + b) ** 2).sum()
    lines = graph_lines(loss, {id(W): "W", id(b): "b"})
    assert [line.strip() for line in lines] == [
        "SumBackward0", "PowBackward0", "SigmoidBackward0", "AddBackward0", "MmBackward0",
        "AccumulateGrad  (W)", "AccumulateGrad  (b)"]
    with pytest.raises(ValueError, match="no grad_fn"):
        graph_lines(torch.ones(2))


def test_value_graph_lines_lists_every_leaf_of_the_worked_graph():
    lines = value_graph_lines(worked_graph()["L"])
    assert lines[0] == "loss = *"  # the loss node is labelled loss (bpbook.worked)
    leaves = {line.strip().split()[0] for line in lines if line.endswith("(leaf)")}
    assert {"W11", "W12", "b1", "W2", "b2", "x1", "x2", "y"} <= leaves


def test_explorer_update_compares_bpbook_and_torch():
    table = update(x1=-1.0, y=0.0, W2=1.7)
    exact = closed_form(x1=-1.0, y=0.0, W2=1.7)
    key = {name: q for q, name in NAMES.items()}
    assert [row[0] for row in table.rows][:2] == ["ℒ", "δ₂"]
    for row in table.rows:
        assert row[1] == pytest.approx(exact[key[row[0]]], abs=1e-14)
        assert abs(row[2]) < 1e-14 and abs(row[3]) < 1e-6


def test_exercise_checks():
    # exercise 1's network has a tanh hidden unit (no explorer shows it, review 12-rev-1, 2)
    assert check_hook_delta(tanh_closed_form(y=0.0)["delta1"], y=0.0).ok is True
    assert "a1" in str(check_hook_delta(tanh_closed_form(y=0.0)["da1"], y=0.0))
    assert HOOK_Y != 0.0  # chapter 3's exercise 2 asks for δ₁ at y = 0 already
    assert check_hook_delta(tanh_closed_form(y=HOOK_Y)["delta1"]).ok is True
    assert "make it tanh" in str(check_hook_delta(closed_form(y=HOOK_Y)["delta1"]))
    assert check_hook_delta(tanh_closed_form(y=0.0)["delta1"]).ok is False
    assert check_half_mse(lambda a, b: 0.5 * ((a - b) ** 2).sum(dim=1).mean()).ok is True
    assert "½" in str(check_half_mse(lambda a, b: ((a - b) ** 2).sum(dim=1).mean()))
    assert "every entry" in str(check_half_mse(lambda a, b: 0.5 * ((a - b) ** 2).mean()))

    def copy_linear(W, b):
        lin = torch.nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            lin.weight[:], lin.bias[:] = torch.tensor(W), torch.tensor(b[:, 0])
        return lin

    assert check_copy_linear(copy_linear).ok is True
    assert "should have shape" in str(check_copy_linear(lambda W, b: torch.nn.Linear(7, 1)))


def _worked_leaves():
    return {"W1": torch.tensor([[0.4, 0.6]], dtype=torch.float64, requires_grad=True),
            "b1": torch.tensor([[0.1]], dtype=torch.float64, requires_grad=True),
            "W2": torch.tensor([[0.9]], dtype=torch.float64, requires_grad=True),
            "b2": torch.tensor([[0.1]], dtype=torch.float64, requires_grad=True)}


def _worked_loss(p, keep=()):
    """The worked example's loss from the leaves ``p``; ``keep`` names intermediates whose
    gradients are retained (returned in a dict)."""
    x = torch.tensor([[0.5], [0.8]], dtype=torch.float64)
    z1 = p["W1"] @ x + p["b1"]
    z2 = p["W2"] @ torch.sigmoid(z1) + p["b2"]
    for name, t in (("z1", z1), ("z2", z2)):
        if name in keep:
            t.retain_grad()
    return (0.5 * (torch.sigmoid(z2) - 1.0) ** 2).sum(), {"z1": z1, "z2": z2}


def _bpbook_after_one_step(lr=0.5):
    net = worked_network()
    net.forward_backward(np.array([[0.5], [0.8]]), np.array([[1.0]]))
    SGD(net.parameters(), lr).step()
    return {"W1": net.dense[0].W, "b1": net.dense[0].b, "W2": net.dense[1].W, "b2": net.dense[1].b}


def test_update_by_hand_under_no_grad_is_bpbook_sgd_and_torch_optim_sgd():
    by_hand, by_optim = _worked_leaves(), _worked_leaves()
    _worked_loss(by_hand)[0].backward()
    with torch.no_grad():
        for t in by_hand.values():
            t -= 0.5 * t.grad
    opt = torch.optim.SGD(by_optim.values(), lr=0.5)
    _worked_loss(by_optim)[0].backward()
    opt.step()
    ours = _bpbook_after_one_step()
    for k in ours:
        np.testing.assert_allclose(by_hand[k].detach().numpy(), ours[k], rtol=0, atol=1e-15)
        np.testing.assert_allclose(by_optim[k].detach().numpy(), ours[k], rtol=0, atol=1e-15)
    exact = closed_form()
    assert ours["W2"][0, 0] == pytest.approx(0.9 - 0.5 * exact["dW2"], abs=1e-15)
    leaf = _worked_leaves()["W2"]
    leaf.grad = torch.ones_like(leaf)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        leaf -= 0.5 * leaf.grad


def test_retain_grad_keeps_the_deltas():
    loss, inner = _worked_loss(_worked_leaves(), keep=("z1", "z2"))
    loss.backward()
    exact = closed_form()
    assert inner["z1"].grad.item() == pytest.approx(exact["delta1"], abs=1e-16)
    assert inner["z2"].grad.item() == pytest.approx(exact["delta2"], abs=1e-16)


class _Worked(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(2, 1).double()
        self.out = torch.nn.Linear(1, 1).double()
        with torch.no_grad():
            self.hidden.weight[:] = torch.tensor([[0.4, 0.6]], dtype=torch.float64)
            self.hidden.bias[:] = 0.1
            self.out.weight[:] = 0.9
            self.out.bias[:] = 0.1

    def forward(self, x):
        return torch.sigmoid(self.out(torch.sigmoid(self.hidden(x))))


def test_the_worked_example_as_a_module_trains_like_bpbook_fit():
    steps = 20
    model = _Worked()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    x = torch.tensor([[0.5, 0.8]], dtype=torch.float64)
    y = torch.tensor([[1.0]], dtype=torch.float64)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = (0.5 * (model(x) - y) ** 2).sum()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    net = worked_network()
    ours = fit(net, np.array([[0.5], [0.8]]), np.array([[1.0]]), lr=0.5, epochs=steps)
    np.testing.assert_allclose(losses, ours, rtol=1e-13)
    assert losses[0] == pytest.approx(closed_form()["L"], abs=1e-16)
    np.testing.assert_allclose(model.out.weight.detach().numpy(), net.dense[1].W, rtol=1e-13)
    np.testing.assert_allclose(model.hidden.weight.detach().numpy(), net.dense[0].W, rtol=1e-13)


def _mean_loss(net, X, Y):
    return 0.5 * ((net(X) - Y) ** 2).sum(dim=1).mean()


def _right_step(net, opt, parts):
    opt.zero_grad()
    total = 0.0
    for X, Y in parts:
        loss = _mean_loss(net, X, Y) / len(parts)
        loss.backward()
        total += loss.item()
    opt.step()
    return total


def test_check_accumulate_step():
    right = _right_step

    def no_division(net, opt, parts):
        opt.zero_grad()
        for X, Y in parts:
            _mean_loss(net, X, Y).backward()
        opt.step()
        return 0.0

    def step_inside(net, opt, parts):
        opt.zero_grad()
        for X, Y in parts:
            (_mean_loss(net, X, Y) / len(parts)).backward()
            opt.step()
        return 0.0

    def last_loss(net, opt, parts):
        right(net, opt, parts)
        return _mean_loss(net, *parts[-1]).item()

    assert check_accumulate_step(right).ok is True
    assert "divided" in str(check_accumulate_step(no_division))
    assert "one update per part" in str(check_accumulate_step(step_inside))
    assert "return the mean loss" in str(check_accumulate_step(last_loss))
    assert check_accumulate_step(None).ok is None
    assert check_accumulate_step(lambda *a: 1 / 0).ok is False


def test_chapter_runs_without_torch_and_says_how_to_install_it(tmp_path):
    import jupytext
    code = "\n\n".join(c.source for c in jupytext.read(CHAPTER).cells if c.cell_type == "code")
    code = "\n".join(line for line in code.splitlines() if not line.startswith("%"))  # magics
    script = tmp_path / "chapter.py"
    script.write_text("import sys\nsys.modules['torch'] = None  # import torch now fails\n"
                      "import matplotlib\nmatplotlib.use('Agg')\n" + code)
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "pip install torch" in run.stdout


def test_half_mse_check_answers_a_per_entry_loss_with_feedback():
    verdict = check_half_mse(lambda a, b: 0.5 * (a - b) ** 2)
    assert verdict.ok is False and "one number" in verdict.message
    assert check_half_mse(lambda a, b: 0.5 * ((a - b) ** 2).sum(dim=1).mean()).ok is True


def test_explorer_updates_its_table_in_place():
    from bpbook.chapters.ch12_pytorch.explore import explorer

    panel, table = explorer().children
    W2 = next(s for s in panel.children if s.description == "W₂")
    W2.value = 1.7
    assert f"{closed_form(W2=1.7)['dW2']:+.10f}" in table.value


def test_instructor_solution_of_accumulate_step_passes_and_its_mistake_is_named():
    from bpbook.chapters.ch12_pytorch.bridge import half_mse
    from tests import solutions
    entry = solutions.load("12_pytorch").EXERCISES["12.accumulate-step"]
    for code, ok in ((entry["solution"], True), (entry["wrong"], False)):
        ns = {"half_mse": half_mse}
        exec(code, ns)
        verdict = check_accumulate_step(ns["accumulate_step"])
        assert verdict.ok is ok, str(verdict)
    assert "divided" in str(verdict)


def test_check_accumulate_step_judges_what_a_right_step_returns():
    def right_returning(kind):
        def step(net, opt, parts):
            total = _right_step(net, opt, parts)
            return {"tuple": (total, 0.0), "text": str(total),
                    "tensor": torch.tensor([total, total]), "0-d": torch.tensor(total)}[kind]
        return step

    torch = pytest.importorskip("torch")
    assert check_accumulate_step(right_returning("0-d")).ok is True
    for kind, said in (("tuple", "tuple"), ("text", "text"), ("tensor", "shape (2,)")):
        verdict = check_accumulate_step(right_returning(kind))
        assert verdict.ok is False and "one number" in verdict.message and said in verdict.message


def test_check_copy_linear_without_a_bias_is_feedback():
    torch = pytest.importorskip("torch")

    def no_bias(W, b):
        linear = torch.nn.Linear(W.shape[1], W.shape[0], bias=False, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(W))
        return linear

    verdict = check_copy_linear(no_bias)
    assert verdict.ok is False and "bias=False" in verdict.message


def test_rule_check_passes_torchs_sigmoid_and_fails_a_wrong_backward():
    from bpbook.chapters.ch12_pytorch.bridge import rule_check

    class HalfSlope(torch.autograd.Function):  # tanh with half its slope in backward
        @staticmethod
        def forward(ctx, z):
            a = torch.tanh(z)
            ctx.save_for_backward(a)
            return a

        @staticmethod
        def backward(ctx, grad):
            (a,) = ctx.saved_tensors
            return grad * (1 - a * a) / 2

    gen = torch.Generator().manual_seed(3)
    W = torch.randn(3, 2, dtype=torch.float64, generator=gen, requires_grad=True)
    xs = torch.randn(2, 5, dtype=torch.float64, generator=gen)
    before = W.detach().clone()
    right = rule_check(lambda W: torch.tanh(W @ xs), (W,), ("W",))
    assert right.passed() and len(right.rows) == 6
    # the gradient judged is autograd's, written here in closed form
    want = ((1 - torch.tanh(W @ xs) ** 2) @ xs.T / 15).detach().numpy()
    np.testing.assert_allclose([r[2] for r in right.rows], want.ravel(), rtol=1e-12)
    assert not rule_check(lambda W: HalfSlope.apply(W @ xs), (W,), ("W",)).passed()
    assert torch.equal(W.detach(), before)


def test_exercise_1_is_each_students_own_target(monkeypatch):
    """Issue 19: a reader alone sees y = 0.5; each student a target of their own, on which the
    instructor's solution (a hook on z1) passes and the typical mistake (a hook on a1) fails."""
    from bpbook.chapters.ch12_pytorch import exercises
    from bpbook.worked import DEFAULTS
    from tests import solutions
    from tests.per_student import exercises_as

    def make_params(dtype):  # the chapter's, as its cell defines it
        return {name: torch.tensor(rows, dtype=dtype, requires_grad=True) for name, rows in
                (("W1", [[DEFAULTS["W11"], DEFAULTS["W12"]]]), ("b1", [[DEFAULTS["b1"]]]),
                 ("W2", [[DEFAULTS["W2"]]]), ("b2", [[DEFAULTS["b2"]]]))}

    assert exercises_as(monkeypatch, exercises, None).HOOK_Y == 0.5
    material = solutions.load("12_pytorch")
    assert material.PER_STUDENT is True
    entry, targets = material.EXERCISES["12.hook-delta"], set()
    for student in ("ada", "grace", "alan"):
        mine = exercises_as(monkeypatch, exercises, student)
        targets.add(mine.HOOK_Y)
        for code, ok in ((entry["solution"], True), (entry["wrong"], False)):
            ns = {"torch": torch, "make_params": make_params, "S": DEFAULTS,
                  "HOOK_Y": mine.HOOK_Y}
            exec(code, ns)
            assert mine.check_hook_delta(ns["answer"]).ok is ok, (student, code)
        assert mine.check_hook_delta(tanh_closed_form(y=mine.HOOK_Y)["delta1"]).ok is True
    assert len(targets) == 3


def test_the_xor_settings_are_chapter_5s():
    """The chapter calls its XOR seed and η chapter 5's (review 12-rev-1, 5): they are."""
    import re

    from bpbook.chapters.ch05_xor import train
    found = re.search(r"XOR_SEED, lr, epochs = (\d+), ([\d.]+), (\d+)", CHAPTER.read_text())
    assert found and (int(found[1]), float(found[2])) == (train.SEED, train.LR)
    assert "mlp([2, 4, 1], seed=XOR_SEED)" in CHAPTER.read_text() and train.HIDDEN == 4
