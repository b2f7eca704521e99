"""bpbook.torch_bridge: a bpbook MLP copied into torch.nn computes what bpbook computes."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from bpbook.model import mlp  # noqa: E402
from bpbook.torch_bridge import HAVE_TORCH, require_torch, to_torch_mlp  # noqa: E402


@pytest.mark.parametrize("activation, output", [("sigmoid", "sigmoid"), ("relu", "identity"),
                                                ("tanh", "sigmoid")])
def test_copied_mlp_computes_the_same_outputs(activation, output):
    net = mlp([5, 7, 3], activation=activation, output=output, seed=3, scale=1.0)
    X = np.random.RandomState(0).randn(5, 11)
    copy = to_torch_mlp(net)
    with torch.no_grad():
        theirs = copy(torch.from_numpy(X.T)).numpy().T
    np.testing.assert_allclose(theirs, net.forward(X), rtol=0, atol=1e-14)
    assert next(copy.parameters()).dtype == torch.float64


def test_copy_is_independent_of_the_bpbook_weights():
    net = mlp([2, 3, 1], seed=0)
    copy = to_torch_mlp(net)
    net.dense[0].W += 1.0
    assert not np.allclose(copy[0].weight.detach().numpy(), net.dense[0].W)


def test_to_torch_mlp_rejects_what_it_cannot_copy():
    from bpbook.activations import Activation
    softplus = Activation("softplus", lambda z: np.logaddexp(0, z), None, "", "")
    with pytest.raises(ValueError, match="no torch module for activation 'softplus'"):
        to_torch_mlp(mlp([2, 3, 1], activation=softplus))


def test_require_torch_returns_torch():
    assert HAVE_TORCH and require_torch() is torch


def test_one_thread_restores_the_setting():
    from bpbook.torch_bridge import one_thread
    before = torch.get_num_threads()
    with one_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
