"""bpbook: the helper package of an interactive textbook on backpropagation.

One concept per module (samples are columns everywhere: ``X`` has shape ``(n_features, m)``):

- :mod:`bpbook.activations`, :mod:`bpbook.losses`: functions with their derivatives;
- :mod:`bpbook.layers`, :mod:`bpbook.model`, :mod:`bpbook.optim`: the vectorized network, its
  backward pass (``delta``, ``dW``, ``db`` per layer) and SGD;
- :mod:`bpbook.gradcheck`: central differences; :mod:`bpbook.symbolic`: SymPy derivations;
- :mod:`bpbook.engine`: ``Value``, a scalar autograd engine;
- :mod:`bpbook.worked`, :mod:`bpbook.reference`: the worked example and the reference text's
  printed numbers (for the errata tables);
- :mod:`bpbook.tables`, plotting and explorer modules for the chapters; :mod:`bpbook.exercises`.
"""
from bpbook.activations import get_activation
from bpbook.errors import ExplodingGradientError, ShapeError
from bpbook.gradcheck import gradcheck
from bpbook.layers import Dense
from bpbook.losses import get_loss
from bpbook.model import Sequential, fit, mlp
from bpbook.optim import SGD, clip_grad_norm
from bpbook.tables import Table

__all__ = ["get_activation", "get_loss", "Dense", "Sequential", "mlp", "fit", "SGD",
           "clip_grad_norm", "gradcheck", "Table", "ShapeError", "ExplodingGradientError"]
