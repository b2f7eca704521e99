"""Hypothesis strategies shared by the test suite (append new ones; keep the existing ones stable).

Expression programs for the scalar engine
-----------------------------------------
``programs()`` draws a random computation graph as a small straight-line program: a few leaf
numbers, then instructions ``(op, args)`` whose arguments are indices of earlier registers (so a
register can be used several times: fan-out). ``run_program(program, ops)`` evaluates it with an
operation table, ``VALUE_OPS`` for ``bpbook.engine.Value`` or ``torch_ops()`` for torch tensors,
so the same graph can be differentiated by both. Domains are safe by construction: ``log``,
division and fractional powers only ever see ``x*x + 0.5 >= 0.5``.
"""
from dataclasses import dataclass

from hypothesis import strategies as st

LEAF = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, allow_infinity=False)
CONSTANT = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False, allow_infinity=False)
EXPONENT = st.floats(min_value=-2.5, max_value=2.5, allow_nan=False, allow_infinity=False)
BASE = st.floats(min_value=0.25, max_value=3.0, allow_nan=False, allow_infinity=False)
SLOPE = st.floats(min_value=0.0, max_value=0.5, allow_nan=False, allow_infinity=False)

UNARY = ("neg", "exp", "log", "tanh", "sigmoid", "relu", "leaky_relu")
BINARY = ("add", "sub", "mul", "div")
WITH_CONSTANT = ("add_c", "c_sub", "mul_c", "c_div", "pow_int", "pow_float", "c_pow")


@dataclass(frozen=True)
class Program:
    leaves: tuple
    instructions: tuple  # ((op, register indices, constant), ...)

    def __len__(self):
        return len(self.leaves) + len(self.instructions)


@st.composite
def instruction(draw, n_registers):
    """One operation on earlier registers (any of them: reuse makes fan-out)."""
    register = st.integers(0, n_registers - 1)
    kind = draw(st.sampled_from(("unary", "binary", "constant")))
    if kind == "unary":
        op = draw(st.sampled_from(UNARY))
        return op, (draw(register),), draw(SLOPE) if op == "leaky_relu" else None
    if kind == "binary":
        return draw(st.sampled_from(BINARY)), (draw(register), draw(register)), None
    op = draw(st.sampled_from(WITH_CONSTANT))
    constant = {"pow_int": st.integers(-3, 4), "pow_float": EXPONENT, "c_pow": BASE}.get(op, CONSTANT)
    return op, (draw(register),), draw(constant)


@st.composite
def programs(draw, max_leaves=4, max_instructions=12, min_instructions=1):
    leaves = tuple(draw(st.lists(LEAF, min_size=1, max_size=max_leaves)))
    n = draw(st.integers(min_instructions, max_instructions))
    instructions = []
    for i in range(n):
        instructions.append(draw(instruction(len(leaves) + i)))
    return Program(leaves, tuple(instructions))


def _safe(x):
    """A positive quantity built from x: ``x*x + 0.5``."""
    return x * x + 0.5


def _apply(op, args, c, ops):
    """One instruction; ``ops`` maps the unary operation names to functions."""
    x = args[0]
    table = {
        "add": lambda: x + args[-1], "sub": lambda: x - args[-1], "mul": lambda: x * args[-1],
        "div": lambda: x / _safe(args[-1]), "neg": lambda: -x,
        "log": lambda: ops["log"](_safe(x)),
        "leaky_relu": lambda: ops["leaky_relu"](x, c),
        "add_c": lambda: x + c, "c_sub": lambda: c - x, "mul_c": lambda: c * x,
        "c_div": lambda: c / _safe(x), "pow_int": lambda: x ** c,
        "pow_float": lambda: _safe(x) ** c, "c_pow": lambda: c ** x,
    }
    if op in table:
        if op == "pow_int" and c < 0:
            return _safe(x) ** c
        return table[op]()
    return ops[op](x)


def run_program(program, ops, leaves):
    """Evaluate ``program`` on ``leaves`` (already wrapped); return every register."""
    registers = list(leaves)
    for op, idx, c in program.instructions:
        registers.append(_apply(op, [registers[i] for i in idx], c, ops))
    return registers


VALUE_OPS = {
    "exp": lambda v: v.exp(), "log": lambda v: v.log(), "tanh": lambda v: v.tanh(),
    "sigmoid": lambda v: v.sigmoid(), "relu": lambda v: v.relu(),
    "leaky_relu": lambda v, slope: v.leaky_relu(slope),
}


def torch_ops():
    import torch
    return {
        "exp": torch.exp, "log": torch.log, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
        "relu": torch.relu,
        "leaky_relu": lambda v, slope: torch.nn.functional.leaky_relu(v, slope),
    }


# Arrays for the vectorized core
# ------------------------------
# Shapes follow bpbook's convention (features in rows, samples in columns). Values stay away from
# ReLU-style kinks (|z| >= KINK) so that a central difference never straddles one.
KINK = 1e-3
FLOAT = st.floats(min_value=-4.0, max_value=4.0, allow_nan=False, allow_infinity=False)


def away_from_kinks(x):
    return x if abs(x) >= KINK else x + 2 * KINK


@st.composite
def matrices(draw, rows=None, cols=None, max_side=5, elements=FLOAT):
    """A float64 array of shape (rows, cols); sides drawn in 1..max_side where not given."""
    import numpy as np
    rows = rows or draw(st.integers(1, max_side))
    cols = cols or draw(st.integers(1, max_side))
    values = draw(st.lists(elements.map(away_from_kinks), min_size=rows * cols,
                           max_size=rows * cols))
    return np.array(values, dtype=float).reshape(rows, cols)


# Pre-activations for the activation functions (chapter 06): wide enough to reach the saturated
# tails, where sigmoid' and tanh' are tiny.
PREACTIVATION = st.floats(min_value=-20.0, max_value=20.0, allow_nan=False, allow_infinity=False)


# Bad and odd input for the public API (tests/test_fuzz_api.py)
# -------------------------------------------------------------
# ZOO draws a value a student might pass by mistake: NaN, ±inf, strings, None, lists, bools,
# complex numbers, huge ints, empty arrays, wrong and transposed shapes of the XOR data, random
# arrays of any small shape (NaN and inf included). calls(defaults) replaces one or two of a
# function's valid keyword arguments with zoo values.
def _zoo():
    import math

    import numpy as np
    X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
    Y = np.array([[0, 1, 1, 0]], dtype=float)
    scalars = [math.nan, math.inf, -math.inf, "a", "1.5", "", None, True, False, 1j, 2 + 0j,
               10**400, -10**400, 0, -1, 1, 3, 2.5, -0.5, 1e308, 1e-320, [1, 2], [], [[1.0]],
               {"a": 1}, object(), np.float32(0.5), np.int64(2), "relu", "sigmoid", "mse",
               np.random.RandomState(1)]
    arrays = [np.zeros((0,)), np.zeros((2, 0)), np.zeros((0, 4)), X.T, X[:, :, None], X.ravel(),
              Y.ravel(), Y.T, np.full((2, 4), np.nan), np.full((1, 4), np.inf), X + 1j,
              X.astype(bool), np.array([["a"] * 4] * 2), [[1, 2], [3]], X.astype(np.float32),
              X.astype(int), X.astype(np.float16), [[10**400] * 4], [[0, 1, 1, 0]], [0, 1, 1, 0],
              np.array([0, 1, 1, 0]), np.array([5, -1, 0, 1]), 2 * Y, np.array(3.0),
              np.ones((3, 4)), np.ones((2, 4)) * 1e200]
    floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
    random_arrays = st.tuples(st.integers(0, 4), st.integers(0, 5)).flatmap(
        lambda shape: st.lists(floats, min_size=shape[0] * shape[1],
                               max_size=shape[0] * shape[1])
        .map(lambda v: np.array(v, dtype=float).reshape(shape)))
    return st.one_of(st.sampled_from(scalars), st.sampled_from(arrays), random_arrays, floats)


class BadRepr:
    """An object whose repr raises: an error message about it must not fail in turn."""

    def __repr__(self):
        raise RuntimeError("no repr")


class BadFloat(float):
    """A float (so a ``numbers.Real``) whose ``__float__`` raises."""

    def __float__(self):
        raise ValueError("no float")


def _odd():
    """Hostile values of issue 23: ndarray subclasses (np.matrix, where ``*`` and ``**`` are matrix
    products; a masked array), torch tensors (plain, float16, bfloat16, integer, one that requires
    grad), float16 and object arrays, an object whose repr raises, a Real whose float() raises."""
    import warnings

    import numpy as np
    X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
    Y = np.array([[0, 1, 1, 0]], dtype=float)
    with warnings.catch_warnings():  # numpy discourages np.matrix: here it is the point
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        matrices = [np.matrix(X), np.matrix(Y), np.matrix([[0.5]])]
    odd = [*matrices, np.ma.masked_array(X, X > 0),
           X.astype(np.float16), X.astype(object), Y.astype(object), BadRepr(), BadFloat(1.0),
           np.float16(0.5), np.array([[np.float16(65504)] * 4])]
    try:
        import torch
    except ImportError:
        return st.sampled_from(odd)
    odd += [torch.tensor(X), torch.tensor(Y), torch.tensor(X, dtype=torch.float16),
            torch.tensor(X, dtype=torch.bfloat16), torch.tensor(X, dtype=torch.int64),
            torch.tensor(X, requires_grad=True), torch.tensor(0.5)]
    return st.sampled_from(odd)


ODD = _odd()
ZOO = st.one_of(_zoo(), ODD)


@st.composite
def calls(draw, defaults):
    """``(replaced, kwargs)``: ``defaults`` with one or two arguments taken from :data:`ZOO`."""
    replaced = draw(st.lists(st.sampled_from(sorted(defaults)), min_size=1, max_size=2,
                             unique=True))
    kwargs = dict(defaults)
    for name in replaced:
        kwargs[name] = draw(ZOO)
    return replaced, kwargs


# Sequences for the recurrent layer (tests/test_rnn.py)
# -----------------------------------------------------
# ``rnn_cases()`` draws a small tanh RNN problem: sizes ``(n_in, n_hidden, T, m)`` and a seed from
# which the test draws the weights, the sequences ``X`` ``(n_in, T, m)`` and the upstream gradient
# ``dH`` ``(n_hidden, T, m)``; ``scale`` spreads the weights from the gentle to the saturating.
@st.composite
def rnn_cases(draw, max_side=4, max_steps=7):
    sizes = tuple(draw(st.integers(1, max_side)) for _ in range(2))
    steps, m = draw(st.integers(1, max_steps)), draw(st.integers(1, max_side))
    return dict(n_in=sizes[0], n_hidden=sizes[1], T=steps, m=m,
                seed=draw(st.integers(0, 2**31 - 1)),
                scale=draw(st.floats(min_value=0.1, max_value=2.0)))
