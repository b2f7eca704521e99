"""bpbook.data: the digits as columns, read from scikit-learn's own copy (checked against it)."""
import numpy as np
import pytest

from bpbook.data import XOR_X, XOR_Y, digits

sklearn_datasets = pytest.importorskip("sklearn.datasets")


def test_digits_are_columns_of_scikit_learns_images():
    X, labels = digits()
    raw = sklearn_datasets.load_digits()
    assert X.shape == (64, 1797) and X.dtype == np.float64
    assert labels.shape == (1797,) and labels.dtype.kind == "i"
    np.testing.assert_array_equal(X[:, 10].reshape(8, 8), raw.images[10])
    np.testing.assert_array_equal(labels, raw.target)
    assert X.min() == 0 and X.max() == 16
    assert sorted(set(labels.tolist())) == list(range(10))


def test_xor_is_the_truth_table():
    assert (XOR_Y[0] == np.logical_xor(XOR_X[0], XOR_X[1])).all()
