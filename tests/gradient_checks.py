"""The suite's one assertion for gradients: it names the operation, the inputs and both values."""
import numpy as np

TOL = 1e-7


def rel_err(a, b):
    """|a − b| / max(|a|, |b|, 1): relative for large gradients, absolute below 1."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1.0)


def assert_grad_close(what, got, want, inputs, tol=TOL, truth="finite differences"):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape, f"{what}: gradient shape {got.shape}, {truth} {want.shape}"
    err = rel_err(got, want)
    if not np.all(err < tol):
        i = np.unravel_index(np.argmax(err), err.shape)
        raise AssertionError(
            f"{what}: gradient differs from {truth} at index {i}: bpbook {got[i]!r}, "
            f"{truth} {want[i]!r}, relative error {err[i]:.2e} >= {tol:.0e}\ninputs: {inputs!r}")


def central_diff(f, x, eps=1e-6):
    """∂f/∂x for a scalar function ``f`` of the array ``x`` (perturbed in place, restored)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        g[i] = (up - down) / (2 * eps)
    return g
