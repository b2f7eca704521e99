"""Small data sets the book trains on, made here (nothing is downloaded).

Samples are columns: inputs have shape ``(n_features, m)``, targets ``(n_outputs, m)``.

- :data:`XOR_X`, :data:`XOR_Y`: the four corners of the unit square, in the order (0,0), (0,1),
  (1,0), (1,1), and their XOR (chapters 04 and 07).
"""
import numpy as np

XOR_X = np.array([[0, 0, 1, 1],
                  [0, 1, 0, 1]], dtype=float)
XOR_Y = np.array([[0, 1, 1, 0]], dtype=float)
