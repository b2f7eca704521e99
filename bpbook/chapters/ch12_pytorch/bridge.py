"""Bridges between bpbook and PyTorch, for the PyTorch chapter (``chapters/12_pytorch.py``).

Whether torch is here and the copy of a bpbook MLP into ``torch.nn`` (``to_torch_mlp``) are
library code, :mod:`bpbook.torch_bridge` (chapter 13 uses them too). Without torch this module
still imports, and only its torch functions raise.

- :func:`train_torch` trains a copied MLP the way :func:`bpbook.model.fit` trains bpbook's (full
  batch, plain SGD, ½-MSE averaged over samples).
- :func:`graph_lines` walks the graph torch recorded (``grad_fn.next_functions``);
  :func:`value_graph_lines` writes a :class:`bpbook.engine.Value` graph the same way;
  :class:`SideBySide` shows two such listings next to each other.
- :func:`rule_check` judges torch's gradients by bpbook's gradient-check rule
  (:func:`bpbook.gradcheck.check_gradients`).

Shapes: bpbook keeps samples in columns (``X`` ``(n_features, m)``), torch's ``nn.Linear`` in
rows, so the torch side works on ``X.T`` ``(m, n_features)``.
"""
import html

import numpy as np

from bpbook.gradcheck import check_gradients
from bpbook.torch_bridge import one_thread, require_torch, torch
from bpbook.worked import check_settings


def half_mse(y_hat, y):
    r"""$\frac1m\sum_{\text{samples}}\tfrac12\|\hat y - y\|^2$ on torch tensors with samples in rows
    (bpbook's ``mse``)."""
    return 0.5 * ((y_hat - y) ** 2).sum(dim=1).mean()


def train_torch(net, X, Y, lr, epochs):
    """Full-batch SGD of ``net`` on bpbook-shaped ``X`` ``(n_in, m)``, ``Y`` ``(n_out, m)``;
    returns the loss before each step as a float64 numpy array."""
    require_torch()
    if not (isinstance(epochs, (int, np.integer)) and epochs >= 0):
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
    dtype = next(net.parameters()).dtype
    # copies (torch.tensor): the book's data arrays are read-only, which torch warns about
    Xt = torch.tensor(np.asarray(X, dtype=float).T, dtype=dtype)
    Yt = torch.tensor(np.asarray(Y, dtype=float).T, dtype=dtype)
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    losses = np.empty(epochs)
    with one_thread():
        for epoch in range(epochs):
            opt.zero_grad()
            loss = half_mse(net(Xt), Yt)
            loss.backward()
            opt.step()
            losses[epoch] = loss.item()
    return losses


def graph_lines(tensor, names=None):
    """The graph behind ``tensor``, one line per node, inputs indented under their consumer.

    ``names`` maps ``id(leaf tensor)`` to a name shown beside its ``AccumulateGrad`` node. A node
    reached a second time is listed once more, marked "(above)", without its inputs again.
    """
    if tensor.grad_fn is None:
        raise ValueError("graph_lines: this tensor has no grad_fn (was it computed from tensors "
                         "with requires_grad=True?)")
    names = names or {}
    lines, seen, stack = [], set(), [(tensor.grad_fn, 0)]
    while stack:
        fn, depth = stack.pop()
        label = type(fn).__name__
        if hasattr(fn, "variable"):
            label += f"  ({names.get(id(fn.variable), 'leaf')})"
        if fn in seen:
            lines.append("  " * depth + label + "  (above)")
            continue
        seen.add(fn)
        lines.append("  " * depth + label)
        children = [child for child, _ in fn.next_functions if child is not None]
        stack.extend((child, depth + 1) for child in reversed(children))
    return lines


def value_graph_lines(root):
    """A :class:`bpbook.engine.Value` graph in the layout of :func:`graph_lines`: each node as
    ``label = op`` (or the leaf's label), its inputs indented below it."""
    lines, seen, stack = [], set(), [(root, 0)]
    while stack:
        node, depth = stack.pop()
        name = node.label or f"{node.data:.4g}"
        label = f"{name} = {node.op}" if node.inputs else f"{name}  (leaf)"
        if node in seen and node.inputs:
            lines.append("  " * depth + label + "  (above)")
            continue
        seen.add(node)
        lines.append("  " * depth + label)
        stack.extend((child, depth + 1) for child in reversed(node.inputs))
    return lines


class SideBySide:
    """Two listings next to each other: HTML in JupyterLab, two padded columns as text."""

    def __init__(self, left_title, left, right_title, right):
        self.columns = [(left_title, list(left)), (right_title, list(right))]

    def __str__(self):
        (lt, left), (rt, right) = self.columns
        width = max(len(s) for s in [lt, *left]) + 4
        rows = [(lt, rt)] + [(left[i] if i < len(left) else "", right[i] if i < len(right)
                              else "") for i in range(max(len(left), len(right)))]
        return "\n".join(f"{a:<{width}}{b}" for a, b in rows)

    __repr__ = __str__

    def _repr_html_(self):
        blocks = "".join(
            f'<div><b>{html.escape(title)}</b><pre>{html.escape(chr(10).join(lines))}</pre></div>'
            for title, lines in self.columns)
        return (f'<div class="bp-side-by-side" style="display:flex;flex-wrap:wrap;gap:0 3em">'
                f"{blocks}</div>")


def worked_torch(dtype=None, **settings):
    """The worked example (:mod:`bpbook.worked`) in torch: ``{name: float}`` with the loss ``L``,
    the gradients under bpbook's names (``dW2``, ``db2``, ``dW11``, ``dW12``, ``db1``) and the
    error signals ``delta1``, ``delta2`` read by hooks on ``z1`` and ``z2``."""
    require_torch()
    s = check_settings(settings)
    dtype = torch.float64 if dtype is None else dtype

    def leaf(rows):
        return torch.tensor(rows, dtype=dtype, requires_grad=True)

    W1, b1, W2, b2 = leaf([[s["W11"], s["W12"]]]), leaf([[s["b1"]]]), leaf([[s["W2"]]]), \
        leaf([[s["b2"]]])
    x, y = torch.tensor([[s["x1"]], [s["x2"]]], dtype=dtype), torch.tensor([[s["y"]]], dtype=dtype)
    deltas = {}
    z1 = W1 @ x + b1
    z1.register_hook(lambda g: deltas.__setitem__("delta1", g.item()))
    z2 = W2 @ torch.sigmoid(z1) + b2
    z2.register_hook(lambda g: deltas.__setitem__("delta2", g.item()))
    L = (0.5 * (torch.sigmoid(z2) - y) ** 2).sum()
    L.backward()
    return {"L": L.item(), "dW2": W2.grad.item(), "db2": b2.grad.item(),
            "dW11": W1.grad[0, 0].item(), "dW12": W1.grad[0, 1].item(), "db1": b1.grad.item(),
            **deltas}


def rule_check(fn, tensors, names):
    """bpbook's rule on torch code: autograd's gradient of the scalar ``L = fn(*tensors).mean()``
    against central differences. ``tensors`` are float64 leaves; their numpy views are nudged in
    place (and restored) under ``torch.no_grad()``. Returns a :class:`bpbook.gradcheck.GradCheck`."""
    require_torch()
    for t in tensors:
        t.grad = None
    fn(*tensors).mean().backward()
    params = [(name, t.detach().numpy(), t.grad.numpy()) for name, t in zip(names, tensors)]
    with torch.no_grad():
        return check_gradients(lambda: float(fn(*tensors).mean()), params)
