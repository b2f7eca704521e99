"""Chapter 13's code: the split, the batches, the classifier's gradients (backprop against central
differences written here and against torch autograd), bpbook's mini-batch training against a torch
loop written here (torch.optim.SGD), the log-sum-exp trick, the explorer and the exercise
checks."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from bpbook.activations import softmax  # noqa: E402
from bpbook.chapters.ch13_real_classifier import exercises, plots  # noqa: E402
from bpbook.chapters.ch13_real_classifier.exercises import (  # noqa: E402
    check_ce_grad, check_ce_loss, check_mult_count)
from bpbook.chapters.ch13_real_classifier.explore import update  # noqa: E402
from bpbook.chapters.ch13_real_classifier.train import (  # noqa: E402
    BATCH, EPOCHS, HIDDEN, LR, SEED, batches, classifier, confusion, logsumexp, logsumexp_naive,
    one_hot, prepared, run, split, standardize, train, train_torch)
from bpbook.data import digits  # noqa: E402
from bpbook.torch_bridge import to_torch_mlp  # noqa: E402
from tests import solutions  # noqa: E402
from tests.per_student import exercises_as  # noqa: E402


def test_split_is_seeded_disjoint_and_complete():
    X, labels = digits()
    a = split(X, labels, 0.25, seed=3)
    b = split(X, labels, 0.25, seed=3)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    X_train, y_train, X_test, y_test = a
    assert X_train.shape[1] + X_test.shape[1] == X.shape[1] == 1797
    assert X_test.shape[1] == round(0.25 * 1797)
    both = np.concatenate([X_train, X_test], axis=1)
    # every image exactly once: compare as sorted rows of (pixels, label)
    key = lambda M, y: sorted(map(tuple, np.vstack([M, y]).T))  # noqa: E731
    assert key(both, np.concatenate([y_train, y_test])) == key(X, labels)
    with pytest.raises(ValueError, match="between 0 and 1, got 1.5"):
        split(X, labels, 1.5)


def test_standardize_uses_the_training_statistics():
    rng = np.random.RandomState(0)
    A, B = rng.rand(3, 20) * 5, rng.rand(3, 7)
    A[1] = 2.0  # a pixel that never varies
    out = standardize(A, B)
    for i in (0, 2):
        np.testing.assert_allclose(out[i], (B[i] - A[i].mean()) / A[i].std())
    np.testing.assert_allclose(out[1], B[1] - 2.0)
    assert np.allclose(standardize(A, A)[[0, 2]].mean(axis=1), 0)


def test_prepared_digits():
    d = prepared()
    assert d.X_train.shape == (64, 1348) and d.X_test.shape == (64, 449)
    assert d.Y_train.shape == (10, 1348) and (d.Y_train.argmax(axis=0) == d.y_train).all()
    assert d.images_test.shape == (449, 8, 8) and d.images_test.max() <= 16


def test_one_hot_and_its_errors():
    np.testing.assert_array_equal(one_hot(np.array([2, 0]), 3), [[0, 1], [0, 0], [1, 0]])
    with pytest.raises(ValueError, match="integers 0..9"):
        one_hot(np.array([3, 10]))
    with pytest.raises(ValueError, match="integers"):
        one_hot(np.array([0.5]))


def test_batches_cover_each_epoch_once_and_repeat_with_the_seed():
    got = batches(10, 4, 3, seed=5)
    assert [len(b) for b in got] == [4, 4, 2] * 3
    for e in range(3):
        assert sorted(np.concatenate(got[3 * e:3 * e + 3]).tolist()) == list(range(10))
    assert all((a == b).all() for a, b in zip(got, batches(10, 4, 3, seed=5)))
    assert not all((a == b).all() for a, b in zip(got, batches(10, 4, 3, seed=6)))
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        batches(10, 0, 1)


def _torch_twin(net):
    """The network rebuilt by hand in torch (not with the bridge), same weights."""
    l1, l2 = net.dense
    twin = torch.nn.Sequential(torch.nn.Linear(l1.n_in, l1.n_out), torch.nn.ReLU(),
                               torch.nn.Linear(l2.n_in, l2.n_out)).double()
    with torch.no_grad():
        for lin, layer in ((twin[0], l1), (twin[2], l2)):
            lin.weight[:] = torch.tensor(layer.W)
            lin.bias[:] = torch.tensor(layer.b[:, 0])
    return twin


def _mean_ce(net, X, labels):
    """The mean cross-entropy written out here: −log of the softmax of the right logit."""
    o = net.forward(X)
    c = o.max(axis=0)
    log_p = o[labels, np.arange(len(labels))] - c - np.log(np.exp(o - c).sum(axis=0))
    return -log_p.mean()


def test_classifier_gradients_three_ways():
    d = prepared()
    net = classifier(hidden=5, seed=2)
    idx = np.arange(7)
    X, labels = d.X_train[:, idx], d.y_train[idx]
    net.zero_grad()
    net.forward_backward(X, one_hot(labels), "softmax_ce")
    twin = _torch_twin(net)
    torch.nn.functional.cross_entropy(twin(torch.tensor(X.T)), torch.tensor(labels)).backward()
    eps = 1e-6
    for layer, lin in zip(net.dense, (twin[0], twin[2])):
        for ours, param, theirs in ((layer.dW, layer.W, lin.weight.grad),
                                    (layer.db, layer.b, lin.bias.grad)):
            np.testing.assert_allclose(ours, theirs.numpy().reshape(ours.shape), atol=1e-14)
            numeric = np.zeros_like(param)
            for i in np.ndindex(param.shape):
                keep = param[i]
                param[i] = keep + eps
                up = _mean_ce(net, X, labels)
                param[i] = keep - eps
                down = _mean_ce(net, X, labels)
                param[i] = keep
                numeric[i] = (up - down) / (2 * eps)
            np.testing.assert_allclose(ours, numeric, atol=1e-8)


@pytest.mark.parametrize("hidden", [8, 32])
def test_the_chapters_gradient_check_passes_by_the_rule_and_a_bug_fails_it(hidden):
    """The chapter's check (issue 21: the old rule failed this correct network at 2.8e-7)."""
    from bpbook.gradcheck import gradcheck
    d = prepared()
    net, idx = classifier(hidden=hidden), np.arange(5)
    X, Y = d.X_train[:, idx], one_hot(d.y_train[idx])
    assert gradcheck(net, X, Y, "softmax_ce").passed()
    out = net.dense[1]
    out.f = type(out.f)("identity", lambda z: z, lambda z: 0.5 * np.ones_like(z), "z", "½")
    assert not gradcheck(net, X, Y, "softmax_ce").passed()


def test_bpbook_training_gives_torchs_loss_curve():
    """The chapter's setting, all steps: bpbook against torch.nn + torch.optim.SGD (written
    here) and against the module's own torch loop; ≤ 1e-10 relative in float64."""
    d = prepared()
    batch_list = batches(d.X_train.shape[1], BATCH, EPOCHS, seed=SEED)
    ours = train(classifier(HIDDEN, SEED), d.X_train, d.Y_train, LR, batch_list)
    twin = _torch_twin(classifier(HIDDEN, SEED))
    opt = torch.optim.SGD(twin.parameters(), lr=LR)
    Xt, yt = torch.tensor(d.X_train.T), torch.tensor(d.y_train)
    theirs = []
    for idx in batch_list:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(twin(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        theirs.append(loss.item())
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=0)
    bridged = train_torch(to_torch_mlp(classifier(HIDDEN, SEED)), d.X_train, d.y_train, LR,
                          batch_list)
    np.testing.assert_allclose(bridged, theirs, rtol=1e-10, atol=0)
    assert ours[-BATCH:].mean() < ours[:BATCH].mean() / 10


def test_the_chapters_setting_reaches_the_promised_accuracy():
    r = run()
    assert r.test_accuracy >= 0.95
    assert r.steps_per_epoch == -(-1348 // BATCH)
    assert r.train_loss == pytest.approx(_mean_ce(r.net, prepared().X_train, prepared().y_train))


def test_confusion_counts_pairs():
    true, pred = np.array([0, 1, 1, 2, 2, 2]), np.array([0, 1, 2, 2, 0, 2])
    counts = confusion(true, pred, classes=3)
    expected = np.zeros((3, 3), int)
    for t, p in zip(true, pred):
        expected[t, p] += 1
    np.testing.assert_array_equal(counts, expected)
    with pytest.raises(ValueError, match="must match"):
        confusion(true, pred[:2], classes=3)


def test_logsumexp_stable_and_naive():
    o = np.array([[3.0, -1.0], [2.0, 0.5], [-4.0, 0.0]])
    exact = np.log(np.exp(o).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(logsumexp(o), exact, rtol=1e-15)
    np.testing.assert_allclose(logsumexp_naive(o), exact, rtol=1e-15)
    big = o + 1000.0
    np.testing.assert_allclose(logsumexp(big), exact + 1000.0, rtol=1e-15)
    np.testing.assert_allclose(logsumexp(big), torch.logsumexp(torch.tensor(big), 0)[None].numpy())
    assert np.isinf(logsumexp_naive(big)).all() and np.isinf(logsumexp_naive(o - 1000.0)).all()
    np.testing.assert_allclose(logsumexp(o - 1000.0), exact - 1000.0, rtol=1e-15)


def test_explorer_update_reports_a_fresh_run():
    view = update(lr=0.2, batch_size=64, hidden=16, epochs=3)
    r = run(hidden=16, lr=0.2, batch_size=64, epochs=3)
    rows = {row[0]: row[1] for row in view.table.rows}
    assert rows["test accuracy"] == r.test_accuracy
    assert rows["training loss"] == r.train_loss
    assert rows["steps"] == str(3 * -(-1348 // 64))
    assert 'class="bp-explorer"' in view.table._repr_html_()
    assert len(view.figure.axes) == 1


def test_explorer_update_explains_divergence_and_bad_batch_sizes():
    view = update(lr=100.0, epochs=3)
    assert view.table is None and "diverged" in view.message
    with pytest.raises(ValueError, match=r"from 1 to 1348 \(the training set\), got 0"):
        update(batch_size=0)


def test_pictures():
    counts = confusion(np.arange(10), np.arange(10))
    assert len(plots.confusion_figure(counts).axes) == 1
    fig = plots.digits_figure(np.zeros((7, 8, 8)), [str(i) for i in range(7)], columns=6)
    assert sum(ax.get_title() != "" for ax in fig.axes) == 7
    mini, full = np.linspace(2, 0.1, 40), np.linspace(2, 1, 40)
    assert len(plots.noise_figure(mini, full, 8, 16).axes) == 2
    np.testing.assert_allclose(plots.epoch_means(np.arange(8.0), 4), [1.5, 5.5])


def _ce_grad(o, labels):
    y = np.zeros_like(o)
    y[labels, np.arange(o.shape[1])] = 1.0
    return (softmax(o) - y) / o.shape[1]


def test_exercise_checks():
    assert check_ce_grad(_ce_grad).ok is True
    assert check_ce_grad(None).ok is None
    assert "1/m" in str(check_ce_grad(lambda o, c: _ce_grad(o, c) * o.shape[1]))
    assert "sign" in str(check_ce_grad(lambda o, c: -_ce_grad(o, c)))

    def rows_bug(o, labels):
        p = softmax(o)
        p[labels] -= 1
        return p / o.shape[1]
    assert "whole rows" in str(check_ce_grad(rows_bug))

    def loss_by_torch(o, labels):  # independent truth: torch's cross_entropy, samples in rows
        return torch.nn.functional.cross_entropy(torch.tensor(o.T), torch.tensor(labels)).item()
    assert check_ce_loss(lambda o, c: np.asarray(loss_by_torch(o, c))).ok is True
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        naive = str(check_ce_loss(lambda o, c: np.mean(np.log(np.exp(o).sum(axis=0))
                                                       - o[c, np.arange(o.shape[1])])))
        under = str(check_ce_loss(lambda o, c: -np.mean(
            np.log(softmax(o)[c, np.arange(o.shape[1])]))))
    assert "overflows" in naive and "underflows to 0" in under
    assert "the mean" in str(check_ce_loss(lambda o, c: loss_by_torch(o, c) * o.shape[1]))

    H, m = 64, 32
    assert check_mult_count(m * (64 * H + 10 * H), hidden=H, m=m).ok is True
    assert "one image's count" in str(check_mult_count(64 * H + 10 * H, hidden=H, m=m))
    assert "number of parameters" in str(check_mult_count(75 * H + 10, hidden=H, m=m))
    assert check_mult_count(m * 74 * H + 1, hidden=H, m=m).ok is False


CHECKS = {"13.ce-grad": ("ce_grad", check_ce_grad),
          "13.ce-loss": ("ce_loss", check_ce_loss),
          "13.mult-count": ("answer", check_mult_count)}


@pytest.mark.parametrize("exercise", sorted(CHECKS))
def test_instructor_solution_passes_and_its_typical_mistake_is_named(exercise):
    entry = solutions.load("13_real_classifier").EXERCISES[exercise]
    name, judge = CHECKS[exercise]
    for code, ok in ((entry["solution"], True), (entry["wrong"], False)):
        ns = {"np": np, "softmax": softmax, "MULT_HIDDEN": exercises.MULT_HIDDEN,
              "MULT_BATCH": exercises.MULT_BATCH}
        with np.errstate(over="ignore", divide="ignore"):
            exec(code, ns)
            verdict = judge(ns[name])
        assert verdict.ok is ok, (exercise, code, str(verdict))
        assert ok or "you gave" in str(verdict) or "yours computes" in str(verdict)


def test_every_chapter_exercise_has_an_instructor_entry():
    module = solutions.load("13_real_classifier")
    assert solutions.exercise_ids("13_real_classifier") == set(module.EXERCISES) | set(module.THINK)
    assert all(entry["points"] > 0 for entry in module.EXERCISES.values())


def test_a_table_of_the_fixed_answers_does_not_pass():
    from bpbook.chapters.ch13_real_classifier.exercises import _large_logit_cases, _logit_cases

    ce_table = {o.tobytes(): _ce_grad(o, c) for o, c in _logit_cases()}
    verdict = check_ce_grad(lambda o, c: ce_table.get(o.tobytes(), np.zeros_like(o)))
    assert verdict.ok is False and "random" in verdict.message
    ce_loss_table = {o.tobytes(): exercises.ce_loss(o, c) for o, c in _large_logit_cases()}
    verdict = check_ce_loss(lambda o, c: ce_loss_table.get(o.tobytes(), np.float64(0.0)))
    assert verdict.ok is False and "random" in verdict.message


def test_the_confusion_alt_names_only_mistakes_that_are_commonest():
    counts = np.diag([5, 4, 3])
    counts[1, 2], counts[2, 0], counts[0, 1] = 1, 2, 2
    alt, _ = plots.confusion_alt(counts)
    assert "0 read as 1 (2 times) and 2 read as 0 (2 times)" in alt and "1 read as 2" not in alt
    ties = np.diag([5, 4, 3])
    ties[1, 2], ties[2, 0] = 1, 1
    alt, _ = plots.confusion_alt(ties)
    assert "2 mistakes, no (true, predicted) pair repeated" in alt and "commonest" not in alt
    ties[2, 0] = 0
    assert "One mistake: 1 read as 2." in plots.confusion_alt(ties)[0]
    assert "1 times" not in alt


@pytest.fixture
def as_student(monkeypatch):
    """The exercise module as ``who``'s kernel imports it (bpbook.variants), a fresh copy."""
    yield lambda who: exercises_as(monkeypatch, exercises, who)


def test_a_reader_alone_counts_the_pages_width_and_batch(monkeypatch):
    module = exercises_as(monkeypatch, exercises, None)
    assert (module.MULT_HIDDEN, module.MULT_BATCH) == (HIDDEN, BATCH)


def test_each_student_counts_their_own_and_the_solution_follows(as_student):
    entry = solutions.load("13_real_classifier")
    assert entry.PER_STUDENT is True
    drawn = {}
    for who in [f"student{i}" for i in range(25)]:
        module = as_student(who)
        H, m = module.MULT_HIDDEN, module.MULT_BATCH
        assert isinstance(H, int) and isinstance(m, int) and 8 <= H <= 256 and 8 <= m <= 128
        drawn[who] = (H, m)
        right = m * H * 64 + m * 10 * H  # the two products, counted here
        assert module.check_mult_count(right).ok is True
        named = [64 * H + 10 * H, m * 64 * H, 75 * H + 10, 2 * right]
        assert right not in named and len(set(named)) == 4
        assert all(module.check_mult_count(v).ok is False for v in named)
        for code, ok in ((entry.EXERCISES["13.mult-count"]["solution"], True),
                         (entry.EXERCISES["13.mult-count"]["wrong"], False)):
            ns = {"MULT_HIDDEN": H, "MULT_BATCH": m}
            exec(code, ns)
            assert module.check_mult_count(ns["answer"]).ok is ok
    assert len(set(drawn.values())) > 20
    # another student's right answer is wrong for this one
    H0, m0 = drawn["student0"]
    H1, m1 = next(v for v in drawn.values() if v[0] * v[1] != H0 * m0)
    assert as_student("student0").check_mult_count(74 * H1 * m1).ok is False
