"""Data sets the book trains on; nothing is downloaded.

Samples are columns: inputs have shape ``(n_features, m)``, targets ``(n_outputs, m)``.

- :data:`XOR_X`, :data:`XOR_Y`: the four corners of the unit square, in the order (0,0), (0,1),
  (1,0), (1,1), and their XOR (chapters 05 and 12); read-only (take a ``.copy()`` to edit).
- :func:`digits`: scikit-learn's handwritten digits, which ship inside the scikit-learn package
  (1,797 images of 8 × 8 pixels, grey levels 0 to 16, ten classes; chapter 13).
"""
import importlib.util
import pathlib

import numpy as np

XOR_X = np.array([[0, 0, 1, 1],
                  [0, 1, 0, 1]], dtype=float)
XOR_Y = np.array([[0, 1, 1, 0]], dtype=float)
# read-only, shared by every chapter: an in-place edit (X += 1) raises instead of changing them all
XOR_X.flags.writeable = XOR_Y.flags.writeable = False


def digits():
    """``(X, labels)``: the digit images as columns, ``X`` ``(64, 1797)`` float64 with the raw
    grey levels 0–16 (pixel ``8 * row + col`` of each image), and ``labels`` ``(1797,)`` int,
    the digit each image shows.

    Read from the file ``sklearn.datasets.load_digits`` reads, inside the installed scikit-learn
    (never downloaded), without importing scikit-learn: that would import SciPy too, a second or
    more for nothing (``tests/test_data.py`` checks the result against ``load_digits``).
    """
    spec = importlib.util.find_spec("sklearn")
    path = (pathlib.Path(spec.submodule_search_locations[0]) / "datasets" / "data" /
            "digits.csv.gz") if spec and spec.submodule_search_locations else None
    if path is None or not path.exists():
        raise ImportError("bpbook.data.digits needs scikit-learn (the version pinned in "
                          f"requirements.txt): pip install scikit-learn (looked for {path})")
    table = np.loadtxt(path, delimiter=",")
    return np.ascontiguousarray(table[:, :-1].T), table[:, -1].astype(np.int64)
