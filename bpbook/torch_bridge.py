"""From bpbook to PyTorch: whether torch is here, and a bpbook MLP copied into ``torch.nn``.

- :data:`HAVE_TORCH` tells whether ``import torch`` works; :data:`INSTALL_HINT` says how to get
  it; :func:`require_torch` returns ``torch`` or raises an ImportError with that hint. Without
  torch this module still imports.
- :func:`one_thread`: torch on a single thread inside a ``with`` block. The book's tensors are
  small; a second thread that waits for a busy core costs far more than it saves (a mini-batch
  loop of chapter 13 ran about forty times slower on two threads of a loaded two-core machine).
- :func:`to_torch_mlp` copies a :class:`~bpbook.model.Sequential` of Dense layers into a
  ``torch.nn.Sequential`` of ``Linear`` and activation modules with the same weights.

Shapes: bpbook keeps samples in columns (``X`` ``(n_features, m)``), ``nn.Linear`` in rows, so
the torch side works on ``X.T`` ``(m, n_features)``. Both store a layer's weight as
``(n_out, n_in)``; bpbook's bias ``(n_out, 1)`` becomes torch's ``(n_out,)``.
"""
import contextlib

try:
    import torch
except ImportError:
    torch = None
HAVE_TORCH = torch is not None
INSTALL_HINT = ("PyTorch is not installed, so this chapter's torch cells are skipped. Install the "
                "CPU build with `pip install torch` (the version pinned in requirements.txt) and "
                "restart the kernel.")
TORCH_ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu")


def require_torch():
    """``torch`` itself, or an ImportError that says how to install it."""
    if not HAVE_TORCH:
        raise ImportError(INSTALL_HINT)
    return torch


@contextlib.contextmanager
def one_thread():
    """Run torch on one thread inside the block; the previous setting is restored after it."""
    before = require_torch().get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _torch_activation(nn, name):
    modules = {"identity": nn.Identity, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
    if name not in modules:
        raise ValueError(f"to_torch_mlp: no torch module for activation {name!r}; expected one "
                         f"of: {', '.join(TORCH_ACTIVATIONS)}")
    return modules[name]()


def to_torch_mlp(model, dtype=None):
    """A ``torch.nn.Sequential`` of ``Linear`` + activation modules holding copies of ``model``'s
    weights (``dtype`` default ``torch.float64``)."""
    require_torch()
    dtype = torch.float64 if dtype is None else dtype
    dense = model.dense
    if len(dense) != len(model.layers):
        raise ValueError(f"to_torch_mlp handles models made of Dense layers only, got {model!r}")
    modules = []
    for layer in dense:
        linear = torch.nn.Linear(layer.n_in, layer.n_out, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.W))
            linear.bias.copy_(torch.from_numpy(layer.b.ravel()))
        modules += [linear, _torch_activation(torch.nn, layer.f.name)]
    return torch.nn.Sequential(*modules)
