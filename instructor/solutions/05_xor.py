"""Instructor material for chapter 05 (XOR): solutions and points."""
PER_STUDENT = True  # exercises 1 and 3: each student's own constant and network (bpbook.variants)
EXERCISES = {
    "05.constant-loss": dict(
        points=1,
        solution="c = CONSTANT_Y_HAT\nanswer = (0.5 * c ** 2 + 0.5 * (c - 1) ** 2 + 0.5 * (c - 1) ** 2"
                 " + 0.5 * c ** 2) / 4",
        wrong="c = CONSTANT_Y_HAT\nanswer = (c ** 2 + (c - 1) ** 2 + (c - 1) ** 2 + c ** 2) / 4"),
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
