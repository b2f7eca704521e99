"""Chapter 15's code: the index-form rules against torch.autograd and central differences (and
SymPy's own check), im2col, the CNN comparison, the explorer's numbers against an independent
computation, the pictures' text alternatives, and the exercise checks with the instructor's
solutions and typical mistakes."""
import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from bpbook.chapters.ch15_convolutions import cnn, exercises, index_form, plots
from bpbook.chapters.ch15_convolutions.explore import KERNELS, N_IMAGES, update
from bpbook.gradcheck import numeric_grad
from tests.per_student import exercises_as

ROOT = Path(__file__).resolve().parents[2]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(0, 3), st.integers(0, 3), st.integers(0, 2**16))
def test_index_form_rules_agree_with_torch(k, extra_h, extra_w, seed):
    rng = np.random.RandomState(seed)
    x, w = rng.randn(k + extra_h, k + extra_w), rng.randn(k, k)
    g = rng.randn(extra_h + 1, extra_w + 1)
    xt, wt = torch.tensor(x[None, None], requires_grad=True), torch.tensor(w[None, None],
                                                                           requires_grad=True)
    out = torch.nn.functional.conv2d(xt, wt)
    np.testing.assert_allclose(index_form.correlate(x, w), out[0, 0].detach().numpy(),
                               atol=1e-12)
    (out * torch.tensor(g[None, None])).sum().backward()
    np.testing.assert_allclose(index_form.kernel_grad(x, g), wt.grad[0, 0].numpy(), atol=1e-12)
    np.testing.assert_allclose(index_form.input_grad(w, g), xt.grad[0, 0].numpy(), atol=1e-12)


def test_index_form_rules_agree_with_central_differences():
    rng = np.random.RandomState(1)
    x, w = rng.randn(5, 4), rng.randn(2, 2)
    g = rng.randn(4, 3)
    loss = lambda: float(np.sum(g * index_form.correlate(x, w)))  # noqa: E731
    np.testing.assert_allclose(index_form.kernel_grad(x, g), numeric_grad(loss, w), atol=1e-8)
    np.testing.assert_allclose(index_form.input_grad(w, g), numeric_grad(loss, x), atol=1e-8)


def test_sympy_confirms_both_rules_and_would_notice_a_wrong_one():
    dw, dx, is_correlation, is_flipped = index_form.symbolic_1d(n=6, k=3)
    assert is_correlation and is_flipped and len(dw) == 3 and len(dx) == 6
    x0, d0 = index_form.sp.symbols("x0 delta0")
    assert dw[0].coeff(d0) == x0  # ∂ℒ/∂w₀ = δ₀x₀ + …, by hand


def test_im2col_times_the_kernel_is_the_correlation():
    rng = np.random.RandomState(2)
    x, w = rng.randn(5, 6), rng.randn(3, 3)
    cols = index_form.im2col(x, 3)
    assert cols.shape == (9, 3 * 4)
    np.testing.assert_allclose(w.ravel() @ cols, index_form.correlate(x, w).ravel())


def test_the_split_is_disjoint_and_scaled():
    data = cnn.split()
    assert data.test_images.shape == (1, 8, 8, cnn.N_TEST)
    assert data.images.shape[-1] + cnn.N_TEST == 1797
    assert 0 <= data.images.min() and data.images.max() <= 1
    from bpbook.data import digits
    X, labels = digits()
    both = np.concatenate([data.images, data.test_images], axis=-1).reshape(64, -1)
    assert sorted(map(bytes, (both * 16).round().astype(np.uint8).T)) == \
        sorted(map(bytes, X.astype(np.uint8).T))  # every image once: a permutation, split
    assert sorted(np.concatenate([data.labels, data.test_labels])) == sorted(labels)


def test_the_models_count_their_parameters_by_hand():
    assert cnn.n_params(cnn.cnn()) == 8 * 1 * 3 * 3 + 8 + (8 * 4 * 4) * 10 + 10
    assert cnn.n_params(cnn.dense_net()) == 64 * 20 + 20 + 20 * 10 + 10


def test_training_lowers_the_loss_and_accuracy_is_counted():
    data = cnn.split()
    model = cnn.cnn()
    losses = cnn.train(model, data.images[..., :200], data.labels[:200], epochs=3)
    assert losses[-1] < losses[0]
    logits = model.forward(data.test_images)
    assert cnn.accuracy(model, data.test_images, data.test_labels) == pytest.approx(
        np.mean(logits.argmax(axis=0) == data.test_labels))


def test_explorer_numbers_match_a_direct_computation():
    data = cnn.split()
    for index, kernel in ((0, "vertical edges"), (7, "horizontal edges"), (N_IMAGES - 1, "blur")):
        view = update(index, kernel)
        image = data.test_images[0, :, :, index]
        feature = np.maximum(index_form.correlate(np.pad(image, 1), KERNELS[kernel]), 0)
        np.testing.assert_allclose(view.feature, feature, atol=1e-12)
        pooled = feature.reshape(4, 2, 4, 2).max(axis=(1, 3))
        np.testing.assert_allclose(view.pooled, pooled)
        live = pooled > 0  # a window of zeros passes nothing back through the ReLU
        assert view.routed.sum() == live.sum() and set(np.unique(view.routed)) <= {0.0, 1.0}
        for i, j in np.ndindex(4, 4):
            window = view.routed[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            assert window.sum() == live[i, j]
            if live[i, j]:  # the first largest entry, in reading order
                assert window.ravel().argmax() == feature[2 * i:2 * i + 2, 2 * j:2 * j + 2].argmax()
        rows = {r[0]: r[1] for r in view.table.rows}
        assert rows["windows whose maximum is 0"] == (~live).sum()
        assert view.label == data.test_labels[index]
        assert f"a {view.label}" in view.alt and f"{feature.max():.2f}" in view.alt


@pytest.mark.parametrize("bad", [-1, N_IMAGES, 2.5, True, "3"])
def test_explorer_refuses_a_bad_index(bad):
    with pytest.raises(ValueError, match="index must be an integer"):
        update(bad)


def test_figures_describe_their_data():
    from bpbook.display import alt_of
    result = cnn.compare(epochs=2)
    alt, _ = alt_of(plots.loss_curves(result))
    assert f"{result.losses[0][-1]:.3f}" in alt and "2 epochs" in alt
    alt, details = alt_of(plots.filters(result.models[0].layers[0]))
    assert "8 learned" in alt and len(re.findall(r"filter \d", details)) == 8


def _solutions():
    path = ROOT / "instructor" / "solutions" / "15_convolutions.py"
    spec = importlib.util.spec_from_file_location("solutions_15", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECKS = {"15.output-size": ("answer", exercises.check_output_size),
          "15.conv-dw": ("conv_dW", exercises.check_conv_dW),
          "15.pool-backward": ("pool_backward", exercises.check_pool_backward),
          "15.param-count": ("answer", exercises.check_param_count)}


@pytest.mark.parametrize("exercise", sorted(CHECKS))
def test_instructor_solution_passes_and_its_typical_mistake_is_named(exercise):
    entry = _solutions().EXERCISES[exercise]
    name, judge = CHECKS[exercise]
    for code, ok in ((entry["solution"], True), (entry["wrong"], False)):
        ns = {"np": np, "SIZE_AT": exercises.SIZE_AT, "COUNT_AT": exercises.COUNT_AT}
        exec(code, ns)
        verdict = judge(ns[name])
        assert verdict.ok is ok, (exercise, str(verdict))
        assert ok or "should be" in str(verdict) or "yours computes" in str(verdict)


def test_checks_name_the_typical_mistakes():
    assert exercises.SIZE_AT == dict(H=28, k=9, stride=2, padding=4)
    assert exercises.check_output_size(14).ok is True  # (28 + 8 − 9)//2 + 1, by hand
    assert "without the padding" in str(exercises.check_output_size(10))
    assert "counts too" in str(exercises.check_output_size(13))
    assert "one side only" in str(exercises.check_output_size(12))
    assert "weights only" in str(exercises.check_param_count(16 * 3 * 25))
    assert exercises.check_param_count(16 * 3 * 25 + 16).ok is True
    turned = lambda x, g, k: exercises.strided_kernel_grad(x, g, k)[::-1, ::-1]  # noqa: E731
    assert "turned by 180°" in str(exercises.check_conv_dW(turned))
    # the page's stride-1 answer, x correlated with g, is not the stride-2 one
    unstrided = lambda x, g, k: index_form.kernel_grad(  # noqa: E731
        x[:g.shape[0] + int(k) - 1, :g.shape[1] + int(k) - 1], g)
    assert "stride-1 rule" in str(exercises.check_conv_dW(unstrided))
    spread = lambda x, da: np.kron(da, np.ones((2, 2))) / 4  # noqa: E731
    assert "average pooling" in str(exercises.check_pool_backward(spread))
    assert exercises.check_pool_backward(None).ok is None


def test_every_chapter_exercise_has_an_instructor_entry():
    text = (ROOT / "chapters" / "15_convolutions.py").read_text()
    ids = set(re.findall(r'exercise="(15\.[a-z0-9-]+)"', text))
    solutions = _solutions()
    assert ids == set(solutions.EXERCISES) | set(solutions.THINK)


@pytest.mark.parametrize("seed", range(4))
def test_exercise_reference_is_torchs_stride_2_kernel_gradient(seed):
    rng = np.random.RandomState(seed)
    k, h, v = rng.randint(1, 4), rng.randint(1, 5), rng.randint(1, 5)
    x = rng.randn(2 * (h - 1) + k + rng.randint(0, 2), 2 * (v - 1) + k + rng.randint(0, 2))
    g = rng.randn(h, v)
    wt = torch.zeros((1, 1, k, k), dtype=torch.float64, requires_grad=True)
    z = torch.nn.functional.conv2d(torch.tensor(x[None, None]), wt, stride=2)
    assert z.shape[2:] == g.shape
    (z * torch.tensor(g[None, None])).sum().backward()
    np.testing.assert_allclose(exercises.strided_kernel_grad(x, g, k), wt.grad[0, 0].numpy(),
                               atol=1e-12)


def _first_max_by_torch(x, da):
    """Max pooling's backward by torch, whose ties go to the first entry in reading order."""
    xt = torch.tensor(x[None, None], requires_grad=True)
    (torch.nn.functional.max_pool2d(xt, 2) * torch.tensor(da[None, None])).sum().backward()
    return xt.grad[0, 0].numpy()


def test_pool_check_holds_the_pages_tie_rule():
    assert exercises.check_pool_backward(_first_max_by_torch).ok is True

    def last_max(x, da):
        flipped = _first_max_by_torch(x[::-1, ::-1].copy(), da[::-1, ::-1].copy())
        return flipped[::-1, ::-1]

    def every_tie(x, da):
        top = np.kron(x.reshape(x.shape[0] // 2, 2, -1, 2).max(axis=(1, 3)), np.ones((2, 2)))
        return np.kron(da, np.ones((2, 2))) * (x == top)

    for wrong, named in ((last_max, "last largest"), (every_tie, "every entry tied")):
        verdict = exercises.check_pool_backward(wrong)
        assert verdict.ok is False and named in str(verdict), str(verdict)



def test_each_student_gets_own_settings_the_checks_and_solutions_follow(monkeypatch):
    entry = _solutions()
    assert entry.PER_STUDENT is True
    seen = set()
    for who in [f"student{i}" for i in range(40)]:
        mod = exercises_as(monkeypatch, exercises, who)
        H, k, s, P = (mod.SIZE_AT[n] for n in ("H", "k", "stride", "padding"))
        assert 20 <= H <= 40 and k % 2 == 1 and 5 <= k <= 11 and s == 2 and 4 <= P <= 6
        right = (H + 2 * P - k) // s + 1  # the output-size formula, written here
        # every named mistake is a number of its own, so the check can tell them apart
        wrong = [(H - k) // s + 1, (H + 2 * P - k) // s, H + 2 * P - k + 1,
                 (H + P - k) // s + 1]
        assert right not in wrong and len(set(wrong)) == 4, (who, mod.SIZE_AT)
        assert mod.check_output_size(right).ok is True
        assert all(mod.check_output_size(v).ok is False for v in wrong)
        c = mod.COUNT_AT
        count = c["out_channels"] * (c["in_channels"] * c["k"] ** 2 + 1)
        assert mod.check_param_count(count).ok is True
        others = [count - c["out_channels"], c["out_channels"] * (c["k"] ** 2 + 1),
                  c["in_channels"] * c["k"] ** 2 + c["out_channels"]]
        assert count not in others and len(set(others)) == 3
        for ex, judge, want in (("15.output-size", mod.check_output_size, right),
                                ("15.param-count", mod.check_param_count, count)):
            for code, ok in ((entry.EXERCISES[ex]["solution"], True),
                             (entry.EXERCISES[ex]["wrong"], False)):
                ns = {"SIZE_AT": mod.SIZE_AT, "COUNT_AT": mod.COUNT_AT}
                exec(code, ns)
                assert judge(ns["answer"]).ok is ok and (ns["answer"] == want) is ok
        seen.add((tuple(mod.SIZE_AT.values()), tuple(c.values())))
    assert len(seen) > 30  # students really differ
    reader = exercises_as(monkeypatch, exercises, None)
    assert reader.SIZE_AT == dict(H=28, k=9, stride=2, padding=4)
    assert reader.COUNT_AT == dict(in_channels=3, out_channels=16, k=5)


def test_the_pool_check_tells_reading_order_from_column_order_as_torch_does():
    x = torch.tensor([[[[1.0, 2.0], [2.0, 0.0]]]], requires_grad=True)
    torch.nn.functional.max_pool2d(x, 2).sum().backward()
    torch_first = np.unravel_index(int(x.grad.flatten().argmax()), (2, 2))
    assert torch_first == (0, 1)  # reading order: along the first row first
    column_order = lambda x, da: exercises._pool_reference(x.T, da.T).T  # noqa: E731
    verdict = exercises.check_pool_backward(column_order)
    assert verdict.ok is False and "column order" in str(verdict)


def test_the_explorer_counts_windows_of_zeros_and_stops_the_gradient_there():
    view = update(0, "vertical edges")
    rows = {r[0]: r[1] for r in view.table.rows}
    assert rows["windows whose maximum is 0"] == int((view.pooled == 0).sum()) > 0
    assert rows["pre-activations the gradient reaches"] == 16 - rows["windows whose maximum is 0"]
    assert "(counted from 1)" in view.alt
