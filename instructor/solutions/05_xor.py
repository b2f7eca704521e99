"""Instructor material for chapter 05 (XOR): solutions and points."""
PER_STUDENT = True  # exercises 1 and 3: each student's own constant and network (bpbook.variants)
EXERCISES = {
    "05.constant-gradient": dict(
        points=1,
        solution="c = CONSTANT_Y_HAT\nanswer = sum((c - y) * c * (1 - c) for y in (0, 1, 1, 0)) / 4",
        wrong="c = CONSTANT_Y_HAT\nanswer = sum((c - y) * c * (1 - c) for y in (0, 1, 1, 0))"),
    "05.hidden-delta": dict(
        points=2,
        solution="def hidden_delta(W2, delta2, A1):\n    return (W2.T @ delta2) * (1 - A1 ** 2)",
        wrong="def hidden_delta(W2, delta2, A1):\n    return (W2.T @ delta2) * A1 * (1 - A1)"),
    "05.parameter-count": dict(
        points=1,
        solution="answer = sum(n_in * n_out + n_out\n"
                 "             for n_in, n_out in zip(COUNT_SIZES, COUNT_SIZES[1:]))",
        wrong="answer = sum(n_in * n_out for n_in, n_out in zip(COUNT_SIZES, COUNT_SIZES[1:]))"),
    "05.bce-delta": dict(
        points=2,
        solution="def bce_delta2(y_hat, y):\n    return (y_hat - y) / y_hat.shape[1]",
        wrong="def bce_delta2(y_hat, y):\n    return y_hat - y"),
}
THINK = {}
