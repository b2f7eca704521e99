"""The XOR chapter's support code: bpbook's training against an independent teaching loop, the
batched trainer, the searches, the errata, the live trainer's update function and bad input."""
import re

import matplotlib
import numpy as np
import pytest

from bpbook.chapters.ch05_xor import train as xor
from bpbook.chapters.ch05_xor.exercises import (COUNT_SIZES, CONSTANT_Y_HAT,
                                                check_bce_output_delta, check_constant_gradient,
                                                check_hidden_delta, check_parameter_count)
from bpbook.reference import (XOR_PRINTED_LOSS, XOR_PRINTED_PREDICTIONS, XOR_TITLE,
                              XOR_TITLE_ITERATIONS)
from bpbook.chapters.ch05_xor.plots import run_trainer

matplotlib.use("Agg")

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float).T
Y = np.array([[0, 1, 1, 0]], dtype=float)


def teaching_loop(hidden=4, lr=2.0, seed=42, epochs=5000):
    """The reference text's program, written independently of bpbook: losses and last y_hat."""
    np.random.seed(seed)
    W1 = np.random.randn(hidden, 2) * 0.5
    b1 = np.zeros((hidden, 1))
    W2 = np.random.randn(1, hidden) * 0.5
    b2 = np.zeros((1, 1))
    losses = []
    for _ in range(epochs):
        a1 = 1 / (1 + np.exp(-(W1 @ X + b1)))
        y_hat = 1 / (1 + np.exp(-(W2 @ a1 + b2)))
        losses.append(np.mean(0.5 * (y_hat - Y) ** 2))
        delta2 = (y_hat - Y) * y_hat * (1 - y_hat) / X.shape[1]
        delta1 = (W2.T @ delta2) * a1 * (1 - a1)
        W2 -= lr * delta2 @ a1.T
        b2 -= lr * delta2.sum(axis=1, keepdims=True)
        W1 -= lr * delta1 @ X.T
        b1 -= lr * delta1.sum(axis=1, keepdims=True)
    return np.array(losses), y_hat


@pytest.fixture(scope="module")
def reference_run():
    return teaching_loop(), xor.train()


def test_data_is_xor():
    assert np.array_equal(xor.X, X) and np.array_equal(xor.Y, Y)
    assert np.array_equal(xor.Y[0], np.logical_xor(X[0], X[1]).astype(float))


def test_bpbook_reproduces_the_teaching_loop(reference_run):
    (losses, _), run = reference_run
    assert run.losses.shape == (5000,)
    np.testing.assert_allclose(run.losses, losses, rtol=1e-10, atol=1e-15)
    assert losses[-1] < losses[0] / 100  # it does learn XOR


@pytest.mark.parametrize("hidden, lr, seed", [(2, 0.5, 0), (3, 5.0, 7), (6, 1.0, 123)])
def test_bpbook_matches_the_loop_for_other_settings(hidden, lr, seed):
    losses, y_hat = teaching_loop(hidden, lr, seed, epochs=300)
    run = xor.train(hidden=hidden, lr=lr, seed=seed, epochs=300)
    np.testing.assert_allclose(run.losses, losses, rtol=1e-10, atol=1e-15)


def test_train_many_matches_single_runs():
    seeds, lrs = [0, 7, 42], [0.5, 2.0, 20.0]
    batched = xor.train_many(seeds, lrs, hidden=3, epochs=200)
    assert batched.shape == (200, 3)
    for k, (seed, lr) in enumerate(zip(seeds, lrs)):
        np.testing.assert_allclose(batched[:, k], teaching_loop(3, lr, seed, 200)[0],
                                   rtol=1e-10, atol=1e-15)


def test_train_many_needs_one_lr_per_seed():
    with pytest.raises(ValueError, match="one learning rate per seed.*2 seeds and 3"):
        xor.train_many([0, 1], [1.0, 2.0, 3.0], epochs=5)


def test_find_stuck_seeds_finds_seeds_that_really_stay_stuck():
    seeds = range(60, 72)
    stuck, final = xor.find_stuck_seeds(seeds, hidden=2, threshold=0.1)
    assert stuck, "expected a stuck seed among 60..71 for a 2-2-1 network"
    for seed in stuck[:2]:
        losses, _ = teaching_loop(hidden=2, seed=seed)
        assert losses[-1] > 0.1
    free = [s for s in seeds if s not in stuck][0]
    assert teaching_loop(hidden=2, seed=free)[0][-1] <= 0.1


def test_errata_rounds_the_real_run_like_the_printed_text(reference_run):
    (losses, y_hat), _ = reference_run
    table = xor.errata_table(losses, y_hat)
    assert len(table.rows) == len(XOR_PRINTED_LOSS) + len(XOR_PRINTED_PREDICTIONS) + 1
    for row, (epoch, printed) in zip(table.rows, XOR_PRINTED_LOSS.items()):
        real = round(float(losses[epoch]), 5)
        assert float(row[2]) == pytest.approx(real)
        assert row[3] == ("yes" if real == float(printed) else "no")
    pred_rows = table.rows[len(XOR_PRINTED_LOSS):-1]
    for row, printed, real in zip(pred_rows, XOR_PRINTED_PREDICTIONS, y_hat.ravel()):
        assert float(row[2]) == round(float(real), 2)
        assert row[3] == ("yes" if round(float(real), 2) == float(printed) else "no")


def test_errata_compares_the_title_count_with_the_epochs_trained(reference_run):
    (losses, y_hat), _ = reference_run
    assert re.search(rf"\b{XOR_TITLE_ITERATIONS} Iterations\b", XOR_TITLE)
    title_row = xor.errata_table(losses, y_hat).rows[-1]
    assert title_row == ["iterations (section title)", XOR_TITLE_ITERATIONS, "5000", "no"]
    # the printed log itself runs past the title's count
    assert max(XOR_PRINTED_LOSS) >= int(XOR_TITLE_ITERATIONS)


def test_defaults_are_the_reference_settings():
    assert (xor.SEED, xor.SCALE, xor.HIDDEN, xor.LR, xor.EPOCHS, xor.LOG_EVERY) == \
        (42, 0.5, 4, 2.0, 5000, 1000)
    run = xor.train(epochs=3)
    losses, _ = teaching_loop(hidden=4, lr=2.0, seed=42, epochs=3)
    np.testing.assert_allclose(run.losses, losses, rtol=1e-12)
    assert run.settings == dict(hidden=4, activation="sigmoid", lr=2.0, seed=42, epochs=3)


def test_logged_is_what_the_print_statement_prints(reference_run):
    (losses, _), _ = reference_run
    assert xor.logged(losses) == [(e, float(losses[e])) for e in (0, 1000, 2000, 3000, 4000)]


def test_no_hidden_layer_cannot_beat_the_constant_half():
    quarter_sum = np.mean(0.5 * (0.5 - Y) ** 2)  # the loss of ŷ = ½ everywhere
    assert quarter_sum == 1 / 8
    best, params = xor.best_linear_loss(span=6.0, n=25)
    assert best == pytest.approx(quarter_sum)
    # saturated weights that compute OR get 3 of 4 right and tie with ½ in the limit, from above
    for k in (2.0, 5.0, 10.0, 20.0):
        y_or = 1 / (1 + np.exp(-(k * X[0] + k * X[1] - k / 2)))
        assert np.sum((y_or > 0.5) == (Y > 0.5)) == 3
        assert np.mean(0.5 * (y_or - Y) ** 2) >= 1 / 8
    assert np.mean(0.5 * (y_or - Y) ** 2) == pytest.approx(1 / 8, abs=1e-8)
    # a random search over (w1, w2, b) finds nothing below 1/8 either
    w = np.random.RandomState(0).uniform(-30, 30, (20000, 3))
    y_lin = 1 / (1 + np.exp(-(w[:, :1] * X[0] + w[:, 1:2] * X[1] + w[:, 2:])))
    assert np.mean(0.5 * (y_lin - Y) ** 2, axis=1).min() >= 1 / 8 - 1e-15
    flat = xor.train_no_hidden(epochs=2000)
    assert flat.losses.min() >= quarter_sum - 1e-12
    assert flat.final_loss == pytest.approx(quarter_sum, abs=1e-6)


def test_snapshots_and_boundary():
    run = xor.train(epochs=50, snapshot_at=(0, 49), grid=9)
    assert sorted(run.snapshots) == [0, 49]
    x1, x2, y_hat = run.snapshots[49]
    assert x1.shape == x2.shape == y_hat.shape == (9, 9)
    assert np.all((0 < y_hat) & (y_hat < 1))
    corner = run.model.forward(np.array([[x1[0, -1]], [x2[0, -1]]]))
    assert y_hat[0, -1] == pytest.approx(corner[0, 0])


@pytest.mark.parametrize("settings, pattern", [
    (dict(hidden=0), r"hidden .*positive integer, got 0"),
    (dict(hidden=2.5), r"hidden .*positive integer, got 2.5"),
    (dict(lr=-1.0), r"learning rate lr must be a positive finite number, got -1.0"),
    (dict(lr=float("nan")), r"learning rate .* got nan"),
    (dict(activation="softsign"),
     r"unknown hidden activation 'softsign'; expected one of: .*sigmoid"),
    (dict(activation="softmax"), r"unknown hidden activation 'softmax'"),
    (dict(epochs=0), r"epochs must be a positive integer, got 0"),
    (dict(seed=-3), r"seed must be an integer in \[0, 2\*\*32\), got -3"),
])
def test_bad_settings_name_expected_and_received(settings, pattern):
    with pytest.raises(ValueError, match=pattern):
        xor.train(**settings)
    result, fig, message = run_trainer(**settings)
    assert result is None and fig is None
    assert message.startswith("Cannot train:") and re.search(pattern, message)


def test_trainer_update_function_trains_and_draws():
    result, fig, message = run_trainer(hidden=4, activation="relu", lr=0.5, seed=0, epochs=400)
    assert len(result.losses) == 400 and result.settings["activation"] == "relu"
    assert result.model.dense[0].f.name == "relu"
    assert len(fig.axes) >= 2 and fig.axes[0].get_yscale() == "log"
    right = int(np.sum((result.y_hat > 0.5) == (Y > 0.5)))
    assert f"{right} of 4" in message and f"{result.final_loss:.2e}" in message


def test_trainer_other_activations_and_sizes_are_honoured():
    run = xor.train(hidden=7, activation="tanh", epochs=3)
    assert run.model.dense[0].W.shape == (7, 2) and run.model.dense[0].f.name == "tanh"


def test_exercise_checks_give_specific_feedback():
    c = CONSTANT_Y_HAT
    right = float(np.sum((c - Y) * c * (1 - c)) / 4)  # Σ δ⁽ᵏ⁾, δ = (ŷ − y)/m · σ′
    assert check_constant_gradient(right).ok is True
    assert "without the 1/4" in str(check_constant_gradient(4 * right))
    assert "slope ŷ(1 − ŷ) is missing" in str(check_constant_gradient(c - 0.5))
    assert "the loss itself" in str(check_constant_gradient(float(np.mean(0.5 * (c - Y) ** 2))))
    assert check_constant_gradient(None).ok is None
    assert check_hidden_delta(lambda W2, d2, a1: (W2.T @ d2) * (1 - a1 ** 2)).ok is True
    assert "copied from the loop" in str(
        check_hidden_delta(lambda W2, d2, a1: (W2.T @ d2) * a1 * (1 - a1)))
    assert "slope 1 − A₁² is missing" in str(check_hidden_delta(lambda W2, d2, a1: W2.T @ d2))
    assert "raised" in str(check_hidden_delta(lambda W2, d2, a1: W2 @ d2))
    assert COUNT_SIZES == (3, 5, 2)  # the closed form below is written for this network
    assert check_parameter_count(3 * 5 + 5 + 5 * 2 + 2).ok is True
    assert "each unit also has a bias" in str(check_parameter_count(3 * 5 + 5 * 2))
    assert check_parameter_count(2 * 4 + 4 + 4 + 1, sizes=(2, 4, 1)).ok is True
    with pytest.raises(ValueError, match="layer size should be a whole number"):
        check_parameter_count(1, sizes=(2, 0))
    assert check_bce_output_delta(lambda p, y: (p - y) / p.shape[1]).ok is True
    assert "with BCE the σ' cancels" in str(
        check_bce_output_delta(lambda p, y: (p - y) * p * (1 - p) / p.shape[1]))
    assert "multiply it by σ′(Z₂)" in str(
        check_bce_output_delta(lambda p, y: (p - y) / (p * (1 - p)) / p.shape[1]))


def test_the_tanh_hidden_delta_of_exercise_2_is_the_central_difference():
    """Δ₁ = ∂ℒ/∂Z₁ for A₁ = tanh(Z₁) below a layer whose Δ₂ is given: with ℒ = Σ Δ₂ ⊙ (W₂A₁)
    (so that ∂ℒ/∂Z₂ = Δ₂), central differences in Z₁ are what the check accepts."""
    rng = np.random.default_rng(3)
    W2, delta2, Z1 = rng.normal(size=(1, 3)), rng.normal(size=(1, 4)), rng.normal(size=(3, 4))
    loss = lambda Z: float(np.sum(delta2 * (W2 @ np.tanh(Z))))
    eps, numeric = 1e-6, np.zeros_like(Z1)
    for idx in np.ndindex(Z1.shape):
        step = np.zeros_like(Z1)
        step[idx] = eps
        numeric[idx] = (loss(Z1 + step) - loss(Z1 - step)) / (2 * eps)
    closed = lambda W, d, A: (W.T @ d) * (1 - A ** 2)
    assert np.allclose(closed(W2, delta2, np.tanh(Z1)), numeric, atol=1e-8)
    assert check_hidden_delta(closed).ok is True


def test_each_student_gets_their_own_numbers_and_a_reader_the_books(monkeypatch):
    """Issue 19: exercises 1 and 3 draw their inputs per student; a reader sees 0.3 and 3→5→2."""
    import importlib

    import bpbook.chapters.ch05_xor.exercises as ex
    monkeypatch.delenv("BPBOOK_STUDENT", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert (importlib.reload(ex).CONSTANT_Y_HAT, ex.COUNT_SIZES) == (0.3, (3, 5, 2))
    seen = set()
    for who in ("ada", "bo", "cy", "di"):
        monkeypatch.setenv("BPBOOK_STUDENT", who)
        importlib.reload(ex)
        assert 0.05 <= ex.CONSTANT_Y_HAT <= 0.45 and all(2 <= n <= 9 for n in ex.COUNT_SIZES)
        seen.add((ex.CONSTANT_Y_HAT, ex.COUNT_SIZES))
        c, sizes = ex.CONSTANT_Y_HAT, ex.COUNT_SIZES
        assert ex.check_constant_gradient(float(np.sum((c - Y) * c * (1 - c)) / 4)).ok is True
        count = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
        assert ex.check_parameter_count(count).ok is True
    assert len(seen) > 1
    monkeypatch.delenv("BPBOOK_STUDENT")
    importlib.reload(ex)


def test_a_learning_rate_too_large_saturates_the_output_unit():
    """The chapter's claim about the first rate of the grid that ends above its start: the
    output's slope σ′(z₂) = ŷ(1 − ŷ), computed here from the predictions, is near zero."""
    lrs = np.logspace(-2, 3, 21)
    sweep = xor.train_many([xor.SEED] * len(lrs), lrs)
    large = lrs[np.flatnonzero(sweep[-1] > sweep[0, 0])[0]]
    burnt = xor.train(lr=float(large))
    hidden, output = xor.largest_slopes(burnt.model)
    y_hat = burnt.model.forward(X)
    assert output == pytest.approx(float(np.max(y_hat * (1 - y_hat))))
    assert output < 0.01 < hidden <= 0.25


def test_the_bracketed_bce_of_exercise_4_has_the_delta_its_check_accepts():
    """L = -(1/m) Σ [y log ŷ + (1 - y) log(1 - ŷ)], ŷ = σ(z): its central-difference gradient in z
    is what check_bce_output_delta accepts; the unbracketed reading has another gradient."""
    def bracketed(z, y):
        p = 1 / (1 + np.exp(-z))
        return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / z.shape[1]

    def unbracketed(z, y):  # -(1/m) Σ y log ŷ, then + (1 - y) log(1 - ŷ) outside the sum
        p = 1 / (1 + np.exp(-z))
        return -np.sum(y * np.log(p)) / z.shape[1] + np.sum((1 - y) * np.log(1 - p))

    def delta_by_central_difference(loss):
        def delta(y_hat, y, eps=1e-6):
            z = np.log(y_hat / (1 - y_hat))
            return np.array([[(loss(z + eps * e, y) - loss(z - eps * e, y)) / (2 * eps)
                              for e in np.eye(z.shape[1])]])
        return delta

    assert check_bce_output_delta(delta_by_central_difference(bracketed)).ok is True
    assert check_bce_output_delta(delta_by_central_difference(unbracketed)).ok is False


def test_the_surface_words_read_the_network_at_the_samples():
    """rev-1 #2: the grid holds 0 and 1, so ŷ in the words is the model's ŷ at the samples."""
    from bpbook.chapters.ch05_xor.plots import surface_alt
    from bpbook.display import number
    run = xor.train(snapshot_at=(xor.EPOCHS - 1,))
    y_hat = run.model.forward(X).ravel()  # the model after the last step, as the snapshot
    words = surface_alt(run.snapshots[xor.EPOCHS - 1])
    for (a, b), p in zip(X.T, y_hat):
        assert f"({a:g}, {b:g}) {number(p, 2)}" in words
    coarse = surface_alt(xor.boundary(run.model, n=41))  # the old grid missed the samples
    assert any(f"({a:g}, {b:g}) {number(p, 2)}" not in coarse for (a, b), p in zip(X.T, y_hat))


def test_the_sweep_words_follow_the_curve_down_then_over_the_cliff():
    from bpbook.chapters.ch05_xor.plots import sweep_alt
    words = sweep_alt([0.1, 1, 10, 100], [0.12, 0.01, 1e-4, 0.25], start=0.126)
    assert "down to its lowest, 0.0001, at η = 10" in words
    assert "jumps to 0.25 at η = 100" in words


def test_a_plateau_is_left_when_trained_longer():
    """rev-1 #1: the first seed not solved within the chapter's epochs (2 hidden units) leaves
    its plateau when trained twice as long."""
    stuck, _ = xor.find_stuck_seeds(range(70), hidden=2, threshold=0.1)
    longer = xor.train(hidden=2, seed=int(stuck[0]), epochs=2 * xor.EPOCHS)
    assert longer.losses[xor.EPOCHS - 1] > 0.1 > longer.final_loss


def test_the_constant_gradient_of_exercise_1_is_the_central_difference():
    """∂ℒ/∂b of the zero-weight neuron at ŷ = σ(b), by central differences of the ½-MSE."""
    for c in (0.05, 0.3, 0.45):
        b = np.log(c / (1 - c))
        loss = lambda t: float(np.mean(0.5 * (1 / (1 + np.exp(-t)) - Y) ** 2))
        numeric = (loss(b + 1e-6) - loss(b - 1e-6)) / 2e-6
        assert check_constant_gradient(numeric, y_hat=c).ok is True
        assert numeric < 0  # below ½ the step raises ŷ towards the fence
