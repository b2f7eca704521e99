"""bpbook: the helper package of an interactive textbook on backpropagation.

One concept per module (samples are columns everywhere: ``X`` has shape ``(n_features, m)``):

- :mod:`bpbook.activations`, :mod:`bpbook.losses`: functions with their derivatives;
- :mod:`bpbook.layers`, :mod:`bpbook.model`, :mod:`bpbook.optim`: the vectorized network, its
  backward pass (``delta``, ``dW``, ``db`` per layer) and SGD;
- :mod:`bpbook.gradcheck`: central differences; :mod:`bpbook.symbolic`: SymPy derivations;
- :mod:`bpbook.engine`: ``Value``, a scalar autograd engine;
- :mod:`bpbook.worked`, :mod:`bpbook.reference`: the worked example and the reference text's
  printed numbers (for the errata tables);
- :mod:`bpbook.draw`: pictures of ``Value`` graphs; :mod:`bpbook.plots`: the worked example;
- per chapter, its helpers (:mod:`bpbook.xor`, :mod:`bpbook.activation_math`,
  :mod:`bpbook.pitfalls`, :mod:`bpbook.torch_bridge`), its explorers' update functions
  (``bpbook.explore_*``: plain functions, the widgets only wire sliders to them) and its exercise
  checks (``bpbook.exercises_*``, built on :func:`bpbook.exercises.check`);
- :mod:`bpbook.tables`, :mod:`bpbook.display`: showing computed numbers in chapters.
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
