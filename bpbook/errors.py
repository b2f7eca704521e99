"""Clear errors for bad input: each says what was expected and what was received.

Every public function of bpbook checks its input with these helpers before any numpy call could
fail deep inside with a bare traceback. Every error bpbook raises on purpose is a
:class:`BpbookError`, and its message names the argument at fault:

- :class:`InputError` (a ``ValueError``): a value out of range, NaN or infinity in data, an empty
  batch; :class:`ShapeError` (an ``InputError``): an array whose shape does not fit;
- :class:`InputTypeError` (a ``TypeError``): a string, ``None``, a complex number, a boolean
  where a number or a real array is expected;
- :class:`ExplodingGradientError` (a ``FloatingPointError``): training itself produced NaN or inf;
  :class:`FloatOverflowError`, :class:`DivisionByZeroError`: the scalar engine's arithmetic;
- :class:`OrderError` (a ``RuntimeError``): ``backward()`` called before ``forward()``.

The dtype rule: a model computes in float32 or float64 (:data:`FLOAT_DTYPES`) from start to end;
data of any real dtype (integers, floats) are converted to the model's dtype; anything else is
refused.
"""
import math
from decimal import Decimal
from numbers import Integral, Real

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)
MAX_LABEL = 80  # a layer name or node label is printed in messages and drawn on graphs


class BpbookError(Exception):
    """Base of every error bpbook raises on purpose (never a bare error from deep inside)."""


class InputError(BpbookError, ValueError):
    """A value bpbook cannot use: out of range, not finite, an empty batch."""


class InputTypeError(BpbookError, TypeError):
    """A value of the wrong type: a string or ``None`` for a number, a complex array, ..."""


class ShapeError(InputError):
    """An array whose shape does not fit where it is used."""


class ExplodingGradientError(BpbookError, FloatingPointError):
    """A loss or gradient became NaN or infinite during training."""


class FloatOverflowError(BpbookError, OverflowError):
    """A scalar result (``Value``) too large for a float."""


class DivisionByZeroError(BpbookError, ZeroDivisionError):
    """A division by a ``Value`` equal to 0."""


class OrderError(BpbookError, RuntimeError):
    """A method called out of order: ``backward()`` before ``forward()``."""


def unknown_name(kind, name, valid):
    """An InputError for an unknown activation, loss, ... that lists the valid names."""
    return InputError(f"unknown {kind} {name!r}; expected one of: {', '.join(sorted(valid))}")


def check_name(value, what, valid):
    """``value`` if it is one of the strings ``valid``; otherwise a clear error naming ``what``."""
    if not isinstance(value, str):
        raise InputTypeError(f"{what} should be a name (a string, one of: "
                             f"{', '.join(sorted(valid))}), got {type(value).__name__} "
                             f"{short_repr(value)}")
    if value not in valid:
        raise unknown_name(what, value, valid)
    return value


def real_number(x, what, low=None, high=None, low_open=False):
    """``x`` as a finite Python float, refusing booleans, strings, ``None``, complex numbers.

    ``low``/``high`` bound it (``low_open=True``: strictly above ``low``). Any ``numbers.Real``
    and ``decimal.Decimal`` are accepted; a number too large for a float is refused by name.
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (Real, Decimal)):
        raise InputTypeError(f"{what} should be a real number, got {type(x).__name__} "
                             f"{short_repr(x)}")
    try:
        value = float(x)
    except OverflowError:
        value = math.inf
    except (ValueError, TypeError, ArithmeticError) as err:  # a Real whose __float__ fails
        raise InputTypeError(f"{what} should be a real number, got {type(x).__name__} "
                             f"{short_repr(x)} (float() of it fails: {err})") from None
    if not math.isfinite(value):
        raise InputError(f"{what} should be a finite number, got {short_repr(x)} (floats end "
                         f"at {np.finfo(np.float64).max:.3g})")
    if low is not None and (value <= low if low_open else value < low):
        raise InputError(f"{what} should be {'>' if low_open else '>='} {low}, got "
                         f"{short_repr(x)}")
    if high is not None and value > high:
        raise InputError(f"{what} should be <= {high}, got {short_repr(x)}")
    return value


def count(x, what, low=0, high=None):
    """``x`` as an int in ``low..high``, refusing booleans, floats and strings."""
    want = f"an integer >= {low}" + (f" and <= {high}" if high is not None else "")
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, Integral):
        raise InputTypeError(f"{what} should be {want}, got {type(x).__name__} "
                             f"{short_repr(x)}")
    if x < low or (high is not None and x > high):
        raise InputError(f"{what} should be {want}, got {short_repr(x)}")
    return int(x)


def float_dtype(dtype, what="dtype"):
    """``dtype`` as ``np.float32`` or ``np.float64``; any other dtype is refused by name."""
    if isinstance(dtype, str):
        found = {"float32": np.float32, "float64": np.float64}.get(dtype)
    elif isinstance(dtype, np.dtype):
        found = dtype.type if dtype.type in FLOAT_DTYPES else None
    else:
        found = next((t for t in FLOAT_DTYPES + (float,) if dtype is t), None)
    if found is None:
        raise InputTypeError(f"{what} should be np.float32 or np.float64, got "
                             f"{short_repr(dtype)}")
    return np.float64 if found is float else found


def real_array(x, what, dtype=None):
    """``x`` as a numpy array of a real dtype (converted to ``dtype`` if given).

    Strings, ``None``, objects, booleans and complex numbers are refused with an
    :class:`InputTypeError` naming ``what``; nothing is reshaped here.
    """
    if type(x) is np.ndarray:
        arr = x
    elif isinstance(x, np.ma.MaskedArray):  # np.asarray would silently use the masked values
        raise InputTypeError(f"{what} should be a plain array, got a masked array: fill the "
                             f"masked entries first (x.filled(value)) or drop them")
    else:
        try:  # np.matrix and other subclasses become plain arrays: for a matrix, ** and * differ
            arr = np.asarray(x)
        except (ValueError, TypeError, OverflowError, RuntimeError) as err:  # ragged lists, a
            # torch tensor that requires grad, ...
            raise InputTypeError(f"{what} should be a real array, got {short_repr(x)} "
                                 f"({err})") from None
    if arr.dtype.kind not in "iuf":
        kind = {"b": "booleans", "c": "complex numbers", "U": "strings", "S": "bytes",
                "O": "Python objects (None, huge ints or mixed types?)"}.get(arr.dtype.kind,
                                                                               str(arr.dtype))
        raise InputTypeError(f"{what} should be an array of real numbers, got {kind}: "
                             f"{short_repr(x)}")
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr


def check_data(arr, what):
    """Refuse data with NaN or infinity (how many, and where the first one is) or with no
    samples (an empty batch, ``m = 0``)."""
    if arr.size == 0:
        raise InputError(f"{what} is an empty batch: shape {arr.shape} holds no values "
                         "(samples are columns; m must be at least 1)")
    with np.errstate(over="ignore", invalid="ignore"):
        fast = np.isfinite(np.sum(arr))  # a sum of finite values may still overflow: look then
    if not fast:
        bad = ~np.isfinite(arr)
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            raise InputError(f"{what} holds {int(bad.sum())} non-finite values ("
                             f"{int(np.isnan(arr).sum())} NaN, {int(np.isinf(arr).sum())} inf) "
                             f"of {arr.size}; the first at index {first}: {arr[first]}. Clean "
                             "the data first.")
    return arr


def as_matrix(x, name, rows=None, where="", dtype=np.float64, finite=True):
    """``x`` as a 2-D real array of shape ``(rows, m)``, checked with :func:`check_data` (only
    its shape and dtype with ``finite=False``).

    A 1-D input is read as one sample (a column) only when it has exactly ``rows`` entries; m
    samples of one feature must come as shape ``(1, m)``. Raises :class:`ShapeError` naming
    ``where``, the expected and the received shape.
    """
    arr = real_array(x, name, dtype)
    if arr.ndim == 1 and arr.shape[0] == rows:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or (rows is not None and arr.shape[0] != rows):
        want = f"({rows}, m)" if rows is not None else "(n, m)"
        hint = ("; transposed? pass its .T" if arr.ndim == 2 and rows is not None
                and arr.shape[1] == rows else "")
        raise ShapeError(f"{where + ': ' if where else ''}{name} should have shape {want} "
                         f"(samples are columns), got shape {np.shape(arr)}{hint}")
    return check_data(arr, f"{where + ': ' if where else ''}{name}") if finite else arr


def upstream_gradient(da, a, where, finite=True):
    """``da`` $=\\partial L/\\partial a$ for a backward pass: real, of ``a``'s shape, in ``a``'s
    dtype (the model's); with ``finite``, also free of NaN and inf (the model's entrance: there a
    NaN would silently become NaN gradients; a layer's own backward, like its forward, leaves
    values to the model, for inside a network an infinity is the mark of exploding weights)."""
    if not (type(da) is np.ndarray and da.dtype == a.dtype):
        da = real_array(da, f"{where}: upstream gradient da", a.dtype)
    if da.shape != a.shape:
        raise ShapeError(f"{where}: upstream gradient da should have shape {a.shape} (the "
                         f"layer's output), got shape {da.shape}")
    return check_data(da, f"{where}: upstream gradient da") if finite else da


def check_finite(arr, what, hint=""):
    """Raise :class:`ExplodingGradientError` if ``arr`` holds a NaN or an infinity."""
    if not np.isfinite(arr).all():
        raise ExplodingGradientError(f"{what} is not finite ({_describe(arr)}). {hint}".rstrip())


def label(value, what):
    """``value`` if it is a string short enough to print in a message or on a figure."""
    if not isinstance(value, str):
        raise InputTypeError(f"{what} should be a string, got {type(value).__name__} "
                             f"{short_repr(value)}")
    if len(value) > MAX_LABEL:
        raise InputError(f"{what} should be at most {MAX_LABEL} characters, got {len(value)}: "
                         f"{short_repr(value)}")
    return value


def _describe(arr):
    arr = np.asarray(arr)
    return f"{int(np.isnan(arr).sum())} NaN, {int(np.isinf(arr).sum())} inf of {arr.size} values"


def short_repr(x, n=60):
    """A repr of ``x`` cut to ``n`` characters (a huge int or array would flood the message)."""
    try:
        text = repr(x)
    except ValueError:  # an int with more digits than Python will print
        return f"a {type(x).__name__} too long to print"
    except Exception:  # noqa: BLE001 -- a message about bad input must not fail on its repr
        return f"a {type(x).__name__} (whose repr fails)"
    return text if len(text) <= n else text[:n] + "..."
