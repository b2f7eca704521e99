"""Tests of chapter 10's helpers (bpbook.chapters.ch10_training_in_practice: relu, decay,
cost, memory, plots, exercises) and of the instructor's solutions. Truth comes from central
differences, closed forms and counts written out here; the claims the chapter's prose makes
about its runs are asserted here too."""
import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from bpbook.chapters.ch10_training_in_practice.cost import (backward_forward_ratios,
                                                            count_loss_evaluations,
                                                            multiply_adds, n_params)
from bpbook.chapters.ch10_training_in_practice.decay import add_l2_grad, l2_check, l2_penalty
from bpbook.chapters.ch10_training_in_practice.exercises import (check_accumulated,
                                                                 check_activation_memory,
                                                                 check_decayed_step,
                                                                 check_off_fraction)
from bpbook.chapters.ch10_training_in_practice.memory import counted_bytes, measured_bytes
from bpbook.chapters.ch10_training_in_practice.relu import (dead_relu_runs, no_grad_fraction,
                                                            off_fraction, revival, switch_off)
from bpbook.deep import deep_net, toy_data
from bpbook.errors import ExplodingGradientError
from bpbook.layers import Dense
from bpbook.optim import SGD
from bpbook.worked import worked_example

X, Y = toy_data()
SMALL_X, SMALL_Y = toy_data(n_in=3, m=5, seed=1)


def _net_with_one_switched_off_unit(activation):
    net = deep_net(1, width=4, n_in=8, activation=activation, init="he", seed=5)
    net.layers[0].W[2] = 0.0
    net.layers[0].b[2] = -1.0  # z = -1 on every sample
    return net


def test_a_unit_off_on_every_sample_is_counted_and_gets_no_relu_gradient():
    net = _net_with_one_switched_off_unit("relu")
    assert off_fraction(net, X) >= 1 / 4
    assert no_grad_fraction(net, X, Y) >= 1 / 4
    assert np.all(net.layers[0].dW[2] == 0) and net.layers[0].db[2, 0] == 0


def test_a_leaky_unit_off_on_every_sample_still_gets_a_gradient():
    net = _net_with_one_switched_off_unit("leaky_relu")
    assert off_fraction(net, X) >= 1 / 4
    assert no_grad_fraction(net, X, Y) == 0.0
    assert np.any(net.layers[0].dW[2] != 0)


def test_large_learning_rate_kills_relu_units_and_costs_loss_but_helps_leaky_ones():
    # the chapter's claims about its run (64 units, 128 samples, 200 epochs, η = 0.1 and 0.2)
    from bpbook.activations import get_activation
    X2, Y2 = toy_data(m=128)
    units = {"relu": "relu", "leaky": "leaky_relu",
             "leaky 0.1": get_activation("leaky_relu", slope=0.1)}
    runs = dead_relu_runs(units, (0.1, 0.2), X2, Y2, width=64, epochs=200)
    assert all(err is None for *_, err in runs.values())
    dead = {key: run[1] for key, run in runs.items()}
    final = {key: run[2] for key, run in runs.items()}
    assert dead["relu", 0.1] == 0 and dead["relu", 0.2] > 0.1
    assert dead["leaky", 0.2] == 0 and dead["leaky 0.1", 0.2] == 0
    assert final["relu", 0.2] > final["relu", 0.1]
    assert final["leaky", 0.2] < final["leaky", 0.1]
    assert final["leaky 0.1", 0.2] < final["leaky 0.1", 0.1]


def test_dead_relu_runs_report_a_blown_up_run_instead_of_counting_it():
    runs = dead_relu_runs({"leaky": "leaky_relu"}, (50.0,), X, Y, width=8, epochs=30)
    off, no_grad, _, err = runs["leaky", 50.0]
    assert isinstance(err, ExplodingGradientError) and off is None and no_grad is None


def test_switched_off_units_get_no_gradient_and_only_layer_two_units_revive():
    X2, Y2 = toy_data(m=128)
    back = revival(X2, Y2, lr=0.1, epochs=200)
    assert all(epoch is None for epoch in back[1].values())
    assert any(epoch is not None for epoch in back[2].values())


def test_a_unit_off_on_every_sample_keeps_its_incoming_weights_for_a_step():
    net = deep_net(2, width=6, activation="relu", init="he", seed=1)
    net.forward(X)
    switch_off(net.layers[1], [0, 3])
    net.forward(X)
    assert np.all(net.layers[1].z[[0, 3]] < 0)
    W, b = net.layers[1].W[[0, 3]].copy(), net.layers[1].b[[0, 3]].copy()
    opt = SGD(net.parameters(), 0.1)
    net.forward_backward(X, Y)
    opt.step()
    np.testing.assert_array_equal(net.layers[1].W[[0, 3]], W)
    np.testing.assert_array_equal(net.layers[1].b[[0, 3]], b)


def test_revival_checks_its_settings():
    with pytest.raises(ValueError, match="n_off must be an integer in 1..width=4, got 5"):
        revival(X, Y, width=4, n_off=5)


def test_finite_differences_evaluate_the_loss_twice_per_parameter():
    for width in (2, 5):
        net = deep_net(1, width=width, n_in=3)
        assert n_params(net) == 3 * width + width + width + 1
        assert count_loss_evaluations(net, SMALL_X, SMALL_Y) == 2 * n_params(net)


def test_multiply_adds_of_a_small_network():
    # [2, 3, 1] on 5 samples: forward 3·2·5 + 1·3·5 = 45; backward: dW for both layers (45) and
    # W.T @ delta for layer 2 only (15): 60
    assert multiply_adds([2, 3, 1], 5) == (45, 60)
    f, b = multiply_adds([8, 16, 16, 16, 1], 1)
    assert (f, b) == (8 * 16 + 16 * 16 * 2 + 16, 2 * 656 - 8 * 16)
    assert b / f == pytest.approx(1.80, abs=0.005)
    with pytest.raises(ValueError, match="at least two layer widths"):
        multiply_adds([4], 5)


def test_sequential_skips_the_first_layers_input_gradient_as_counted(monkeypatch):
    calls = []
    original = Dense.backward

    def recording(self, da, input_grad=True):
        calls.append((self.name, input_grad))
        return original(self, da, input_grad)

    monkeypatch.setattr(Dense, "backward", recording)
    net = deep_net(3, width=4, n_in=3)
    net.forward_backward(SMALL_X, SMALL_Y)
    assert calls == [("layer4", True), ("layer3", True), ("layer2", True), ("layer1", False)]


def test_backward_forward_ratios_pair_timings_with_the_count():
    measured, counted = backward_forward_ratios([4, 8], 16)
    assert len(measured) == 2 and all(r > 0 for r in measured)
    assert counted == [b / f for f, b in (multiply_adds([8, w, w, w, 1], 16) for w in (4, 8))]


def test_l2_penalty_and_its_gradient():
    net = deep_net(2, width=3, n_in=3, activation="tanh", seed=6)
    lam = 0.3
    squares = sum(np.sum(layer.W ** 2) for layer in net.dense)
    assert l2_penalty(net, lam) == pytest.approx(0.5 * lam * squares)
    net.forward_backward(SMALL_X, SMALL_Y)
    before = [l.dW.copy() for l in net.dense]
    add_l2_grad(net, lam)
    for layer, dW in zip(net.dense, before):
        np.testing.assert_allclose(layer.dW, dW + lam * layer.W)
    assert l2_check(net, SMALL_X, SMALL_Y, lam) < 1e-7


def test_counted_bytes_is_the_closed_form():
    # 3 hidden layers of 5: z and a of (5, 7) each, 8 bytes; the linear output's a is its z
    assert counted_bytes(3, 5, 7) == 8 * (3 * 2 * 5 * 7 + 1 * 7)
    with pytest.raises(ValueError, match="m must be a positive integer"):
        counted_bytes(3, 5, 0)


@pytest.mark.parametrize("depth, width, m", [(2, 16, 32), (6, 32, 128)])
def test_measured_array_bytes_are_exactly_the_counted_ones(depth, width, m):
    assert measured_bytes(depth, width, m) == counted_bytes(depth, width, m)


def test_measured_bytes_see_an_extra_array_kept_by_the_forward_pass(monkeypatch):
    from bpbook.layers import Dense
    forward = Dense.forward

    def forward_keeping_a_copy(self, a_prev):
        out = forward(self, a_prev)
        self.extra = out.copy()
        return out
    monkeypatch.setattr(Dense, "forward", forward_keeping_a_copy)
    depth, width, m = 2, 16, 32
    extra = 8 * m * (depth * width + 1)  # one more array per layer, output included
    assert measured_bytes(depth, width, m) == counted_bytes(depth, width, m) + extra


def test_check_accumulated():
    g = worked_example()["dW2"]
    assert check_accumulated(3 * g).ok is True
    assert "add up" in str(check_accumulated(g))


def test_check_off_fraction_names_each_mistake():
    assert check_off_fraction(lambda Z: np.mean(np.all(Z <= 0, axis=1))).ok is True
    assert "every sample" in str(check_off_fraction(lambda Z: np.mean(Z <= 0)))
    assert "z = 0" in str(check_off_fraction(lambda Z: np.mean(np.all(Z < 0, axis=1))))


def test_check_activation_memory():
    assert check_activation_memory(8 * 64 * (2 * 10 * 100 + 1)).ok is True
    assert "both z and a" in str(check_activation_memory(8 * 64 * (10 * 100 + 1)))
    assert "8 bytes" in str(check_activation_memory(64 * (2 * 10 * 100 + 1)))


def test_check_decayed_step():
    assert check_decayed_step(lambda W, dW, lr, lam: (1 - lr * lam) * W - lr * dW).ok is True
    assert "scaled by η" in str(check_decayed_step(lambda W, dW, lr, lam: W - lr * dW - lam * W))
    assert "cancels" in str(check_decayed_step(lambda W, dW, lr, lam: W - lr * (dW + 2 * lam * W)))


def _solutions():
    path = Path(__file__).resolve().parents[2] / "instructor" / "solutions" / "10_training_in_practice.py"
    spec = importlib.util.spec_from_file_location("solutions_10", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECKS = {"10.off-fraction": ("off_fraction_of", check_off_fraction),
          "10.accumulated": ("answer", lambda a: check_accumulated(a, backward_calls=3)),
          "10.activation-memory": ("answer",
                                   lambda a: check_activation_memory(a, depth=10, width=100, m=64)),
          "10.weight-decay": ("decayed_step", check_decayed_step)}


@pytest.mark.parametrize("exercise", sorted(CHECKS))
def test_instructor_solution_passes_and_its_typical_mistake_is_named(exercise):
    entry = _solutions().EXERCISES[exercise]
    name, judge = CHECKS[exercise]
    for code, ok in ((entry["solution"], True), (entry["wrong"], False)):
        ns = {"np": np, "EX_DEPTH": 10, "EX_WIDTH": 100, "EX_M": 64,
              "once": worked_example()["dW2"]}
        exec(code, ns)
        verdict = judge(ns[name])
        assert verdict.ok is ok, (exercise, code, str(verdict))
        assert ok or "should be" in str(verdict) or "yours computes" in str(verdict)


def test_every_chapter_exercise_has_an_instructor_entry():
    text = (Path(__file__).resolve().parents[2] / "chapters" / "10_training_in_practice.py").read_text()
    ids = set(re.findall(r'exercise="(10\.[a-z0-9-]+)"', text))
    solutions = _solutions()
    assert ids and ids == set(solutions.EXERCISES) | set(solutions.THINK)


def test_cost_plot_keeps_every_point_inside_the_frame_and_draws_backprop_as_counted():
    from bpbook.chapters.ch10_training_in_practice import plots
    fig = plots.cost([13, 25], [26, 50], [2.2, 2.2], [16, 32], [2.5, 1.5], [1.8, 1.9])
    counted, measured = fig.axes
    assert measured.get_ylim()[0] == 0 and measured.get_ylim()[1] > 2.5
    np.testing.assert_allclose(counted.lines[1].get_ydata(), [2.2, 2.2])


def test_memory_plot_draws_measured_and_counted_mebibytes():
    from bpbook.chapters.ch10_training_in_practice import plots
    rows = [[2, 32, 2 ** 20, 2 ** 20 + 500], [4, 32, 2 ** 21, 2 ** 21 + 900]]
    ax = plots.memory(rows, 64).axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [r[3] / 2 ** 20 for r in rows])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1.0, 2.0])

