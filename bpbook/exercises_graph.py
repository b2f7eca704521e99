"""Exercise checks of chapters 01 (chain rule) and 02 (computation graph).

Each check computes the right answer with `bpbook.engine` (or the chain of `explore_graph`), and
recognises the usual wrong ones (a sum instead of a product, one path of two, the wrong factor)
through the shared :func:`bpbook.exercises.check`. ``answer = None`` gets a reminder, not an error.
"""
from bpbook.engine import Value
from bpbook.exercises import check
from bpbook.explore_graph import chain_state, two_paths, worked_graph

CHAIN_AT = 0.1  # chapter 01, exercise 1: dy/dx of the three-gear chain here
TANH_AT = 0.5  # chapter 01, exercise 2: the local derivative of tanh here
PATHS_AT = 0.7  # chapter 01, exercise 3: L = x² eˣ here
FAN_AT = 3.0  # chapter 02, exercise 1: L = a·a + a here


def check_chain(answer):
    """dy/dx of u = 2x + 1, v = u², y = tanh v at x = CHAIN_AT."""
    s = chain_state(CHAIN_AT)
    mistakes = [(s["du/dx"] + s["dv/du"] + s["dy/dv"], "the sum of the local derivatives: "
                 "the chain rule multiplies them"),
                (s["dy/dv"], "only dy/dv, the last gear"),
                (s["dv/du"] * s["dy/dv"], "dy/du: the first gear, du/dx = 2, is missing")]
    return check(answer, s["product"], f"dy/dx at x = {CHAIN_AT}",
                 "(dy/dv)(dv/du)(du/dx) = (1 − tanh²v)·2u·2", mistakes)


def check_local_tanh(answer):
    """The local derivative of v ↩ tanh(v) at v = TANH_AT."""
    v = Value(TANH_AT)
    t = v.tanh()
    mistakes = [(t.data, "tanh(v) itself, the forward value"),
                (1 - t.data, "1 − tanh v: the tanh must be squared"),
                (1 - TANH_AT**2, "1 − v²: square tanh v, not v")]
    return check(answer, t.local_grads[0], f"d tanh(v)/dv at v = {TANH_AT}", "1 − tanh²(v)",
                 mistakes)


def check_two_paths(answer):
    """dL/dx for L = a·b, a = x², b = eˣ, at x = PATHS_AT."""
    g = two_paths(PATHS_AT)
    g["L"].backward()
    x, a, b = PATHS_AT, g["a"].data, g["b"].data
    mistakes = [(b * 2 * x, "only the path through a (b·2x)"),
                (a * b, "only the path through b (a·eˣ)"),
                (2 * x * b * a * b, "the product of the two paths: paths add")]
    return check(answer, g["x"].grad, f"dL/dx at x = {PATHS_AT}", "b·2x + a·eˣ (both paths)",
                 mistakes)


def check_fan_out(answer):
    """a.grad after L = a·a + a; L.backward() at a = FAN_AT."""
    a = Value(FAN_AT)
    (a * a + a).backward()
    mistakes = [(FAN_AT, "the gradient of one factor of a·a only (one of its two edges)"),
                (2 * FAN_AT, "only the a·a part: the + path adds 1"),
                (1.0, "only the + path: a·a sends 2a too")]
    return check(answer, a.grad, f"a.grad at a = {FAN_AT}", "a + a + 1 (three edges leave a)",
                 mistakes)


def check_passed_to_a1(answer):
    """In the worked graph, what the multiplication W2·a1 passes on to a1."""
    v = worked_graph()
    v["L"].backward()
    up, W2, a1 = v["W2·a1"].grad, v["W2"].data, v["a1"].data
    mistakes = [(up * a1, "upstream × a1: that is what goes to W2"),
                (up, "the upstream gradient alone: multiply by the local derivative W2"),
                (W2, "the local derivative alone: multiply by the upstream gradient")]
    return check(answer, up * W2, "the gradient passed to a1", "upstream × W2", mistakes)


def check_fd_passes(answer, n_params):
    """How many forward passes central differences need for ``n_params`` parameters."""
    mistakes = [(n_params, "one pass per parameter: central differences need two (θ ± ε)"),
                (n_params + 1, "one-sided differences (θ + ε, plus the base point): central "
                 "differences use θ + ε and θ − ε"),
                (1, "what backprop needs: one forward (and one backward) pass")]
    return check(answer, 2 * n_params, f"forward passes for {n_params} parameters",
                 "2 per parameter", mistakes, tol=1e-12)
