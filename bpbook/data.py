"""Data sets the book trains on; nothing is downloaded.

Samples are columns: inputs have shape ``(n_features, m)``, targets ``(n_outputs, m)``.

- :data:`XOR_X`, :data:`XOR_Y`: the four corners of the unit square, in the order (0,0), (0,1),
  (1,0), (1,1), and their XOR (chapters 04 and 07).
- :func:`digits`: scikit-learn's handwritten digits, which ship inside the scikit-learn package
  (1,797 images of 8 × 8 pixels, grey levels 0 to 16, ten classes; chapter 08).
"""
import numpy as np

XOR_X = np.array([[0, 0, 1, 1],
                  [0, 1, 0, 1]], dtype=float)
XOR_Y = np.array([[0, 1, 1, 0]], dtype=float)


def digits():
    """``(X, labels)``: the digit images as columns, ``X`` ``(64, 1797)`` float64 with the raw
    grey levels 0–16 (pixel ``8 * row + col`` of each image), and ``labels`` ``(1797,)`` int,
    the digit each image shows.

    Read from the copy inside scikit-learn (``sklearn.datasets.load_digits``), never downloaded.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as err:
        raise ImportError("bpbook.data.digits needs scikit-learn (the version pinned in "
                          "requirements.txt): pip install scikit-learn") from err
    data = load_digits()
    return np.ascontiguousarray(data.data.T, dtype=np.float64), data.target.astype(np.int64)
