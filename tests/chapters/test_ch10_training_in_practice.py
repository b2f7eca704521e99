"""Tests of chapter 10's helpers (bpbook.chapters.ch10_training_in_practice: relu, decay,
cost, memory, plots, exercises) and of the instructor's solutions. Truth comes from central
differences, closed forms and counts written out here; the claims the chapter's prose makes
about its runs are asserted here too."""
import numpy as np
import pytest

from bpbook.chapters.ch10_training_in_practice import checkpoint
from bpbook.chapters.ch10_training_in_practice.cost import (backward_forward_ratios,
                                                            multiply_adds, n_params)
from bpbook.chapters.ch10_training_in_practice.decay import add_l2_grad, l2_check, l2_penalty
from bpbook.chapters.ch10_training_in_practice import exercises
from bpbook.chapters.ch10_training_in_practice.exercises import (check_accumulated,
                                                                 check_activation_memory,
                                                                 check_checkpoint_forwards,
                                                                 check_decayed_step,
                                                                 check_off_fraction)
from bpbook.chapters.ch10_training_in_practice.memory import counted_bytes, measured_bytes
from bpbook.chapters.ch10_training_in_practice.relu import (dead_relu_runs, no_grad_fraction,
                                                            off_fraction, over_seeds, revival,
                                                            switch_off)
from bpbook.deep import deep_net, toy_data
from bpbook.errors import ExplodingGradientError
from bpbook.gradcheck import numeric_grad
from bpbook.layers import Dense
from bpbook.optim import SGD
from bpbook.worked import worked_example
from bpbook.display import alt_of
from tests import solutions
from tests.per_student import exercises_as

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


def test_over_seeds_the_larger_rate_kills_more_relu_units_but_the_loss_does_not_follow():
    # the chapter's claims about its runs (32 units, its 64 samples, 200 epochs, 6 seeds)
    from bpbook.activations import get_activation
    units = {"relu": "relu", "leaky": get_activation("leaky_relu", slope=0.01)}
    summary, higher = over_seeds(units, (0.1, 0.2), X, Y, range(6), width=32, epochs=200)
    assert all(r["blown_up"] == 0 and len(r["loss"]) == 6 for r in summary.values())
    assert np.all(summary["relu", 0.2]["no_grad"] > summary["relu", 0.1]["no_grad"])
    assert all(np.all(summary["leaky", lr]["no_grad"] == 0) for lr in (0.1, 0.2))
    # the larger rate ends higher about as often with leaky units (none dead) as with ReLU
    assert abs(higher["relu"] - higher["leaky"]) <= 1


def test_over_seeds_counts_the_higher_final_loss_against_single_runs():
    seeds = [3, 4]
    summary, higher = over_seeds({"relu": "relu"}, (0.05, 0.3), X, Y, seeds, width=8, epochs=20)
    single = [dead_relu_runs({"relu": "relu"}, (0.05, 0.3), X, Y, 8, 20, seed) for seed in seeds]
    np.testing.assert_array_equal(summary["relu", 0.3]["loss"], [r["relu", 0.3][2] for r in single])
    assert higher["relu"] == sum(r["relu", 0.3][2] > r["relu", 0.05][2] for r in single)
    with pytest.raises(ValueError, match="at least two seeds"):
        over_seeds({"relu": "relu"}, (0.1,), X, Y, [0])


def test_over_seeds_counts_blown_up_runs_apart():
    summary, _ = over_seeds({"leaky": "leaky_relu"}, (50.0,), X, Y, [0, 1], width=8, epochs=30)
    assert summary["leaky", 50.0]["blown_up"] == 2 and len(summary["leaky", 50.0]["loss"]) == 0


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


def test_n_params_counts_every_weight_and_bias():
    for width in (2, 5):
        net = deep_net(1, width=width, n_in=3)
        assert n_params(net) == 3 * width + width + width + 1


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
    checked = l2_check(net, SMALL_X, SMALL_Y, lam)
    assert checked.passed() and checked.max_rel_error < 1e-6
    assert len(checked.rows) == sum(layer.W.size for layer in net.dense)


def test_l2_check_fails_when_the_penalty_gradient_is_left_out(monkeypatch):
    from bpbook.chapters.ch10_training_in_practice import decay
    monkeypatch.setattr(decay, "add_l2_grad", lambda model, lam: None)
    net = deep_net(2, width=3, n_in=3, activation="tanh", seed=6)
    assert not decay.l2_check(net, SMALL_X, SMALL_Y, 0.3).passed()


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


def test_check_accumulated_is_what_sgd_does_without_zero_grad():
    """Exercise 5's answer, from bpbook's SGD itself: a gradient g added before every step,
    never zeroed (the closed form η g t(t + 1)/2 is the check's own)."""
    from bpbook.optim import SGD
    for t_steps, lr, g in ((10, 0.1, 0.3), (7, 0.25, 1.5)):
        value, grad = np.zeros((1, 1)), np.zeros((1, 1))
        opt = SGD([("w", value, grad)], lr)
        for _ in range(t_steps):
            grad += g  # a backward pass adds its gradient
            opt.step()
        moved = -value[0, 0]
        assert check_accumulated(moved, steps=t_steps, lr=lr, g=g).ok is True
        assert "with zero_grad" in str(check_accumulated(lr * g * t_steps, steps=t_steps, lr=lr,
                                                         g=g))
        assert "t²" in str(check_accumulated(lr * g * t_steps ** 2, steps=t_steps, lr=lr, g=g))


def test_check_off_fraction_names_each_mistake():
    assert check_off_fraction(lambda Z: np.mean(np.all(Z <= 0, axis=1))).ok is True
    assert "every sample" in str(check_off_fraction(lambda Z: np.mean(Z <= 0)))
    assert "z = 0" in str(check_off_fraction(lambda Z: np.mean(np.all(Z < 0, axis=1))))


def test_check_activation_memory():
    assert check_activation_memory(8 * 64 * (2 * 10 * 100 + 1)).ok is True
    assert check_activation_memory(1.0245e6).ok is True  # 1,024,512 to 5 digits
    assert "both z and a" in str(check_activation_memory(8 * 64 * (10 * 100 + 1)))
    assert "8 bytes" in str(check_activation_memory(64 * (2 * 10 * 100 + 1)))


def test_check_decayed_step():
    assert check_decayed_step(lambda W, dW, lr, lam: (1 - lr * lam) * W - lr * dW).ok is True
    assert "scaled by η" in str(check_decayed_step(lambda W, dW, lr, lam: W - lr * dW - lam * W))
    assert "cancels" in str(check_decayed_step(lambda W, dW, lr, lam: W - lr * (dW + 2 * lam * W)))


CHECKS = {"10.off-fraction": ("off_fraction_of", "check_off_fraction"),
          "10.accumulated": ("answer", "check_accumulated"),
          "10.activation-memory": ("answer", "check_activation_memory"),
          "10.weight-decay": ("decayed_step", "check_decayed_step"),
          "10.checkpoint-forwards": ("answer", "check_checkpoint_forwards")}


@pytest.mark.parametrize("student", [None, "ada", "grace"])
@pytest.mark.parametrize("exercise", sorted(CHECKS))
def test_instructor_solution_passes_and_its_typical_mistake_is_named(monkeypatch, exercise,
                                                                     student):
    """For a reader alone (the book's numbers) and for students (their own, issue 19)."""
    entry = solutions.load("10_training_in_practice").EXERCISES[exercise]
    mine = exercises_as(monkeypatch, exercises, student)
    name, judge = CHECKS[exercise]
    for code, ok in ((entry["solution"], True), (entry["wrong"], False)):
        ns = {"np": np, **vars(mine)}
        exec(code, ns)
        verdict = getattr(mine, judge)(ns[name])
        assert verdict.ok is ok, (exercise, code, str(verdict))
        assert ok or "should be" in str(verdict) or "yours computes" in str(verdict)


def test_a_reader_sees_the_books_numbers_and_students_their_own(monkeypatch):
    book = exercises_as(monkeypatch, exercises, None)
    assert (book.EX_DEPTH, book.EX_WIDTH, book.EX_M, book.ACCUM_STEPS, book.ACCUM_LR,
            book.ACCUM_G, book.EX_LAYERS, book.EX_K) == (10, 100, 64, 10, 0.1, 0.3, 20, 6)
    assert solutions.load("10_training_in_practice").PER_STUDENT is True
    drawn = {tuple(getattr(exercises_as(monkeypatch, exercises, who), k) for k in
                   ("EX_DEPTH", "EX_WIDTH", "EX_M", "EX_LAYERS", "EX_K"))
             for who in ("ada", "grace", "alan")}
    assert len(drawn) == 3


def test_every_chapter_exercise_has_an_instructor_entry():
    module = solutions.load("10_training_in_practice")
    ids = solutions.exercise_ids("10_training_in_practice")
    assert ids and ids == set(module.EXERCISES) | set(module.THINK)


def test_cost_plot_keeps_every_point_inside_the_frame_and_prints_no_timing():
    from bpbook.chapters.ch10_training_in_practice import plots
    fig = plots.cost([16, 32], [2.5, 1.5], [1.8, 1.9])
    ax, = fig.axes
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] > 2.5
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1.8, 1.9])
    # the words say where the measured points are, but never a timing: a chapter run twice
    # prints the same (tests/test_chapters_repeatable.py)
    alt = alt_of(fig)[0]
    assert "measured ratios as dots" in alt and "2.50" not in alt and "1.50" not in alt


def test_memory_plot_draws_measured_and_counted_mebibytes():
    from bpbook.chapters.ch10_training_in_practice import plots
    rows = [[2, 32, 2 ** 20, 2 ** 20 + 500], [4, 32, 2 ** 21, 2 ** 21 + 900]]
    ax = plots.memory(rows, 64).axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [r[3] / 2 ** 20 for r in rows])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1.0, 2.0])



# ---- gradient checkpointing --------------------------------------------------------------------


@pytest.mark.parametrize("segment", [1, 2, 3, 5, 7])
def test_checkpointed_gradients_equal_the_plain_backward_bit_for_bit(segment):
    net = deep_net(6, width=5, n_in=8, activation="tanh", seed=3)
    net.zero_grad()
    loss = net.forward_backward(X, Y)
    plain = [g.copy() for _, _, g in net.parameters()]
    net.zero_grad()
    ck_loss, runs = checkpoint.forward_backward(net, X, Y, segment)
    assert ck_loss == loss
    for (_, _, g), p in zip(net.parameters(), plain):
        np.testing.assert_array_equal(g, p)
    # every layer runs forward once, and again in its segment unless that segment is the last
    last = 7 - (7 - 1) // segment * segment
    assert runs == 7 + (7 - last)


def test_checkpointed_gradients_match_central_differences():
    net = deep_net(3, width=3, n_in=3, activation="sigmoid", seed=4)
    net.zero_grad()
    checkpoint.forward_backward(net, SMALL_X, SMALL_Y, 2)
    for layer in net.layers:
        numeric = numeric_grad(lambda: net.loss(SMALL_X, SMALL_Y), layer.W)
        np.testing.assert_allclose(layer.dW, numeric, rtol=1e-6, atol=1e-10)


def test_segments_cut_the_layers_in_order():
    assert checkpoint.segments(7, 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert checkpoint.segments(4, 9) == [[0, 1, 2, 3]]
    with pytest.raises(ValueError, match="segment must be an integer >= 1, got 0"):
        checkpoint.segments(4, 0)


@pytest.mark.parametrize("segment", [1, 2, 3, 4, 9])
def test_bytes_held_after_the_forward_pass_are_the_counted_ones(segment):
    # 8 hidden layers of 16 units, a linear output, 32 samples: checkpoints (16 x 32 each) and
    # the last segment's z and a, counted by hand for segment = 3: segments [0,1,2], [3,4,5],
    # [6,7,8]; two checkpoints, then layers 6 and 7 (z and a) and the output (one array)
    net = deep_net(8, width=16, activation="tanh")
    X32, Y32 = toy_data(m=32)
    held = checkpoint.measure(net, X32, Y32, segment)["after_forward"]
    assert held == checkpoint.counted_after_forward([16] * 8 + [1], 32, segment)
    if segment == 3:
        assert held == 8 * 32 * (2 * 16 + 2 * 2 * 16 + 1)
    if segment == 9:  # one segment: the plain pass keeps what golden rule 1 counts
        assert held == counted_bytes(8, 16, 32)


def test_checkpointing_lowers_the_peak_and_the_plain_peak_holds_every_activation():
    net = deep_net(16, width=32, activation="tanh")
    X64, Y64 = toy_data(m=64)
    plain = checkpoint.measure(net, X64, Y64, 17)
    assert plain["peak"] >= counted_bytes(16, 32, 64)
    peaks = {k: checkpoint.measure(net, X64, Y64, k)["peak"] for k in (1, 3, 8)}
    assert peaks[3] < peaks[1] < plain["peak"] and peaks[3] < peaks[8] < plain["peak"]
    assert peaks[3] < 0.5 * plain["peak"]


def test_tradeoff_rows_and_time_ratios():
    net = deep_net(4, width=8, activation="tanh")
    rows, times = checkpoint.tradeoff(net, X, Y, [1, 2, 5])
    assert [r[0] for r in rows] == [1, 2, 5] and [r[1] for r in rows] == [5, 3, 1]
    assert all(r[2] == 0.0 for r in rows)
    assert [r[3] for r in rows] == [9, 9, 5] and rows[2][4] == 1.0 and rows[2][7] == 1.0
    assert len(times) == 3 and all(t > 0 for t in times)


def test_checkpointing_refuses_layers_it_cannot_recompute():
    from bpbook.errors import InputError
    with pytest.raises(InputError, match="Dense layers only"):
        checkpoint.forward_backward(deep_net(3, width=4, batchnorm=True), X, Y, 2)


def test_checkpointing_plot_and_its_text_alternative():
    from bpbook.chapters.ch10_training_in_practice import plots
    rows = [[1, 5, 0.0, 9, 1.8, 100, 600, 0.6], [2, 3, 0.0, 9, 1.8, 50, 400, 0.4]]
    traces = {"plain": np.array([2 ** 20, 2 ** 21]), "k = 2": np.array([2 ** 19, 2 ** 20])}
    fig = plots.checkpointing(traces, rows, [1.5, 1.7])
    left, right = fig.axes
    np.testing.assert_allclose(left.lines[0].get_ydata(), [1.0, 2.0])
    np.testing.assert_allclose(right.lines[0].get_xdata(), [1.8, 1.8])
    text = plots.checkpointing_description(traces, rows)
    assert "plain peaks at 2.00 MiB" in text and "0.40 of the plain one, at k = 2" in text
    # rows at one point share one label, not two overprinted ones (review 10-rev-3, 7c)
    same = [[1, 5, 0.0, 9, 1.8, 100, 600, 0.6], [8, 3, 0.0, 9, 1.8, 50, 600, 0.6]]
    labels = [a.get_text() for a in plots.checkpointing(traces, same, [1.5, 1.7]).axes[1].texts]
    assert labels == ["k=1, 8"]
    alt = alt_of(plots.checkpointing(traces, rows, [1.5, 1.7]))[0]
    assert "Gray crosses: the measured step time of each of the 2 segment sizes" in alt
    assert "1.50" not in alt and "1.70" not in alt  # timings vary: drawn, never printed


# ---- the explorer ------------------------------------------------------------------------------

def test_explorer_update_measures_both_passes_and_draws_them():
    from matplotlib.figure import Figure
    from bpbook.chapters.ch10_training_in_practice.explore import table, update
    ax = Figure().subplots()
    result = update(depth=10, segment=3, ax=ax)
    plain = update(depth=10, segment=11)
    assert result["plain_peak"] == plain["peak"] and result["peak"] < plain["peak"]
    assert result["layer_forwards"] == 11 + 11 - 2 and result["plain_forwards"] == 11
    np.testing.assert_allclose(ax.lines[1].get_ydata(), result["trace"] / 1024)
    rows = {r[0]: r[1:] for r in table(result).rows}
    assert rows["peak bytes held"][0] == result["peak"]
    assert rows["layer forwards"][2] == pytest.approx(20 / 11)
    assert update(depth=4, segment=99)["segment"] == 5  # capped at the number of layers


def test_explorer_reuses_its_lines_and_updates_in_place():
    from bpbook.chapters.ch10_training_in_practice.explore import explorer, figure, update
    fig, ax = figure()
    update(depth=4, segment=2, ax=ax)
    update(depth=6, segment=3, ax=ax)
    assert len(ax.lines) == 2
    box = explorer()
    controls, table_view, picture = box.children[0].children, *box.children[1:]
    image, words = picture.children
    depth = next(c for c in controls if c.description == "depth")
    before = image.value
    depth.value = 6
    assert f"{update(depth=6)['peak']}" in table_view.value and image.value != before
    assert f"peak at {update(depth=6)['peak'] / 1024:.0f} KiB" in words.value


def test_explorer_frame_holds_both_traces_and_a_new_frame_is_drawn_in_full():
    import io

    from matplotlib.image import imread

    from bpbook.chapters.ch10_training_in_practice.explore import explorer, figure, frame, update
    from bpbook.widgets import figure_png
    for depth, segment in ((2, 1), (9, 2), (16, 3), (31, 1), (32, 33)):
        result = update(depth, segment)
        (_, right), (_, top) = frame(result)
        assert len(result["trace"]) < right and len(result["plain_trace"]) < right
        assert max(result["peak"], result["plain_peak"]) / 1024 < top
        assert max(result["peak"], result["plain_peak"]) / 1024 > top / 1.5  # the data fill it
    box = explorer()
    box.children[0].children[0].value = 30  # depth: a larger frame than the first one's
    fig, ax = figure()
    update(30, 3, ax=ax)  # the same picture drawn in full
    kept, full = (imread(io.BytesIO(png)) for png in (box.children[2].children[0].value,
                                                     figure_png(fig)))
    assert kept.shape == full.shape
    assert np.mean(np.any(np.abs(kept - full) > 0.1, axis=-1)) < 1e-3


@pytest.mark.parametrize("kwargs, match", [(dict(depth=0), "depth must be an integer >= 1"),
                                           (dict(segment=1.5), "segment must be an integer"),
                                           (dict(depth=40), "at most 32")])
def test_explorer_names_bad_settings(kwargs, match):
    from bpbook.chapters.ch10_training_in_practice.explore import update
    with pytest.raises(ValueError, match=match):
        update(**kwargs)


def test_check_checkpoint_forwards_counts_the_last_segment_once():
    # 20 layers in segments of 6: 6, 6, 6, 2; everything once, then 18 layers again
    assert check_checkpoint_forwards(38, layers=20, segment=6).ok is True
    assert "not run again" in str(check_checkpoint_forwards(40, layers=20, segment=6))
    assert "holds 2 layers" in str(check_checkpoint_forwards(34, layers=20, segment=6))
    assert check_checkpoint_forwards(9 + 9 - 1, layers=9, segment=4).ok is True
    assert check_checkpoint_forwards(None).ok is None
    assert "add over all 20 layers" in str(check_checkpoint_forwards(2, layers=20, segment=6))


def test_every_picture_carries_words_written_from_its_numbers():
    from bpbook.chapters.ch10_training_in_practice import plots
    from bpbook.display import alt_of
    alt, _ = alt_of(plots.cost([16, 32], [2.5, 1.5], [1.8, 1.9]))
    assert "widths 16 and 32" in alt and "1.80 to 1.90" in alt
    rows = [[2, 32, 2 ** 20, 2 ** 20], [4, 32, 2 ** 21, 2 ** 21]]
    alt, _ = alt_of(plots.memory(rows, 64))
    assert "m = 32: 1.00 MiB at the fewest layers to 2.00 MiB" in alt
    alt, _ = alt_of(plots.loss_curves({"with": np.array([1.0, 0.5, 0.25])}, "η = 0.1"))
    assert "with: from 1.0000 to 0.2500" in alt and "rising on 0 of 2 epochs" in alt
    alt, _ = alt_of(plots.loss_curves({"swings": np.array([1.0, 0.5, 0.7, 0.4])}, "η = 0.1"))
    assert "rising on 1 of 3 epochs" in alt
    ck = [[1, 5, 0.0, 9, 1.8, 100, 600, 0.6], [2, 3, 0.0, 9, 1.8, 50, 400, 0.4]]
    traces = {"plain": np.array([2 ** 20, 2 ** 21])}
    alt = alt_of(plots.checkpointing(traces, ck, [1.2, 1.3]))[0]
    assert alt == plots.checkpointing_description(traces, ck, [1.2, 1.3])
    assert "each of the 2 segment sizes" in alt and "1.20" not in alt and "1.30" not in alt


def test_the_split_chapters_link_each_other_and_only_to_chapters_that_exist():
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / "chapters"
    links = {name: set(re.findall(r"\]\((\d\d_[a-z0-9_]+\.py)\)", (root / name).read_text()))
             for name in ("08_vanishing_gradients.py", "10_training_in_practice.py")}
    assert "10_training_in_practice.py" in links["08_vanishing_gradients.py"]
    assert "08_vanishing_gradients.py" in links["10_training_in_practice.py"]
    for name, targets in links.items():
        assert all((root / t).exists() for t in targets), (name, targets)
