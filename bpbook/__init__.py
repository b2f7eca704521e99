"""bpbook: the helper package of an interactive textbook on backpropagation.

The library, one concept per module (samples are columns everywhere: ``X`` has shape
``(n_features, m)``):

- :mod:`bpbook.activations`, :mod:`bpbook.losses`: functions with their derivatives;
- :mod:`bpbook.layers`, :mod:`bpbook.model`, :mod:`bpbook.optim`: the vectorized network, its
  backward pass (``delta``, ``dW``, ``db`` per layer) and SGD; :mod:`bpbook.norm`: batch
  normalisation (``BatchNorm``), a layer for ``Sequential``; :mod:`bpbook.rnn`: ``RNN``, a tanh
  recurrent layer over sequences ``(n_in, T, m)``, trained by backpropagation through time;
  :mod:`bpbook.conv`: ``Conv2d``, ``MaxPool2d``, ``Flatten`` over images ``(C, H, W, m)``;
- :mod:`bpbook.engine`: ``Value``, a scalar autograd engine;
- :mod:`bpbook.gradcheck`: central differences; :mod:`bpbook.symbolic`: SymPy derivations;
- :mod:`bpbook.worked`: the book's running example (the 2-1-1 network); :mod:`bpbook.data`: small
  data sets; :mod:`bpbook.reference`: the reference text's printed numbers (for errata tables);
- :mod:`bpbook.draw`, :mod:`bpbook.tables`, :mod:`bpbook.display`: pictures of ``Value`` graphs,
  tables and computed sentences; :mod:`bpbook.widgets`: wiring sliders to an update function;
- :mod:`bpbook.feedback`: the exercise-feedback machinery every chapter's checks share;
- :mod:`bpbook.torch_bridge`: a bpbook MLP copied into ``torch.nn`` (works without torch too);
- :mod:`bpbook.errors`: the errors bpbook raises.

Each chapter's own code (helpers, explorers' update functions, exercise checks) lives in
:mod:`bpbook.chapters`, one module or subpackage per chapter; the library never imports it.
"""
from bpbook.activations import get_activation
from bpbook.conv import Conv2d, Flatten, MaxPool2d
from bpbook.errors import (BpbookError, ExplodingGradientError, InputError, InputTypeError,
                           ShapeError)
from bpbook.gradcheck import gradcheck
from bpbook.layers import Dense
from bpbook.losses import get_loss
from bpbook.model import Sequential, fit, mlp
from bpbook.norm import BatchNorm
from bpbook.optim import SGD, clip_grad_norm
from bpbook.rnn import RNN
from bpbook.tables import Table

__all__ = ["get_activation", "get_loss", "Dense", "Conv2d", "MaxPool2d", "Flatten", "BatchNorm",
           "RNN", "Sequential", "mlp", "fit", "SGD", "clip_grad_norm", "gradcheck", "Table",
           "BpbookError", "InputError", "InputTypeError", "ShapeError", "ExplodingGradientError"]
