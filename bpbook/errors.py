"""Clear errors for bad input: each says what was expected and what was received.

Every public function of bpbook checks its input with these helpers before any numpy call could
fail deep inside with a bare traceback.
"""
import numpy as np


class ShapeError(ValueError):
    """An array whose shape does not fit where it is used."""


class ExplodingGradientError(FloatingPointError):
    """A loss or gradient became NaN or infinite during training."""


def unknown_name(kind, name, valid):
    """A ValueError for an unknown activation, loss, ... that lists the valid names."""
    return ValueError(f"unknown {kind} {name!r}; expected one of: {', '.join(sorted(valid))}")


def as_matrix(x, name, rows=None, where="", dtype=float):
    """``x`` as a 2-D float array of shape ``(rows, m)``; a 1-D input becomes one column.

    Raises :class:`ShapeError` naming ``where``, the expected and the received shape.
    """
    arr = np.asarray(x, dtype=dtype)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or (rows is not None and arr.shape[0] != rows):
        want = f"({rows}, m)" if rows is not None else "(n, m)"
        raise ShapeError(f"{where + ': ' if where else ''}{name} should have shape {want} "
                         f"(samples are columns), got shape {np.shape(x)}")
    return arr


def check_finite(arr, what, hint=""):
    """Raise :class:`ExplodingGradientError` if ``arr`` holds a NaN or an infinity."""
    if not np.all(np.isfinite(arr)):
        raise ExplodingGradientError(f"{what} is not finite ({_describe(arr)}). {hint}".rstrip())


def _describe(arr):
    arr = np.asarray(arr)
    return f"{int(np.isnan(arr).sum())} NaN, {int(np.isinf(arr).sum())} inf of {arr.size} values"
