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

import numpy as np

from bpbook.errors import BpbookError, InputError, InputTypeError, float_dtype, short_repr

try:
    import torch
except ImportError:
    torch = None
HAVE_TORCH = torch is not None
INSTALL_HINT = ("PyTorch is not installed, so this chapter's torch cells are skipped. Install the "
                "CPU build with `pip install torch` (the version pinned in requirements.txt) and "
                "restart the kernel.")
TORCH_ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu",
                     "softmax")


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


def _torch_activation(nn, f):
    """The ``torch.nn`` module of the bpbook activation ``f`` (softmax over the features: dim 1,
    as torch keeps samples in rows)."""
    modules = {"identity": nn.Identity, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU,
               "elu": nn.ELU, "silu": nn.SiLU, "softmax": lambda: nn.Softmax(dim=1),
               "leaky_relu": lambda: nn.LeakyReLU(getattr(f, "slope", None))}
    if f.name not in modules or (f.name == "leaky_relu" and not hasattr(f, "slope")):
        raise InputError(f"to_torch_mlp: no torch module for activation {f.name!r}; expected one "
                         f"of: {', '.join(TORCH_ACTIVATIONS)}")
    return modules[f.name]()


def _torch_dtype(dtype):
    """``torch.float32``/``torch.float64`` from either, or from a numpy or string name of either."""
    if dtype is None:
        return torch.float64
    if isinstance(dtype, torch.dtype) and dtype in (torch.float32, torch.float64):
        return dtype
    try:
        return {np.float32: torch.float32, np.float64: torch.float64}[float_dtype(dtype)]
    except BpbookError:
        raise InputTypeError(f"to_torch_mlp: dtype should be torch.float32 or torch.float64 (or "
                             f"their numpy or string names), got {short_repr(dtype)}") from None


def to_torch_mlp(model, dtype=None):
    """A ``torch.nn.Sequential`` of ``Linear`` + activation modules holding copies of ``model``'s
    weights (``dtype`` default ``torch.float64``; ``"float32"``, ``np.float32`` work too)."""
    require_torch()
    from bpbook.model import Sequential  # here: the model imports this module's neighbours
    if not isinstance(model, Sequential):
        raise InputTypeError(f"to_torch_mlp: model should be a bpbook Sequential (e.g. "
                             f"mlp([2, 4, 1])), got {type(model).__name__} {short_repr(model)}")
    dtype = _torch_dtype(dtype)
    dense = model.dense
    if len(dense) != len(model.layers):
        raise InputTypeError(f"to_torch_mlp: model should be made of Dense layers only, got "
                             f"{model!r}")
    modules = []
    for layer in dense:
        linear = torch.nn.Linear(layer.n_in, layer.n_out, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.W))
            linear.bias.copy_(torch.from_numpy(layer.b.ravel()))
        modules += [linear, _torch_activation(torch.nn, layer.f)]
    return torch.nn.Sequential(*modules)
