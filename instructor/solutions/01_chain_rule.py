"""Instructor material for chapter 01 (the chain rule): solutions, model answers and points."""
PER_STUDENT = True  # the exercises' points are each student's own (bpbook.variants)
EXERCISES = {
    "01.chain": dict(
        points=2,
        solution="u = 2 * CHAIN_AT + 1\nv = u ** 2\nanswer = (1 - math.tanh(v) ** 2) * (2 * u) * 2",
        wrong="u = 2 * CHAIN_AT + 1\nv = u ** 2\nanswer = (1 - math.tanh(v) ** 2) + 2 * u + 2"),
    "01.local-tanh": dict(
        points=1,
        solution="answer = 1 - math.tanh(TANH_AT) ** 2",
        wrong="answer = 1 - TANH_AT ** 2"),
    "01.two-paths": dict(
        points=2,
        solution="answer = math.exp(PATHS_AT) * 2 * PATHS_AT + PATHS_AT ** 2 * math.exp(PATHS_AT)",
        wrong="answer = math.exp(PATHS_AT) * 2 * PATHS_AT"),
}
THINK = {
    "01.twenty-links": dict(points=2, answer="""\
The chain rule multiplies the twenty local derivatives, so the derivative of the output with
respect to the input is about (1/4)^20, roughly 10^-12: a change at the start of the chain is all
but invisible at its end. The gradient that reaches the first link's parameters is just as tiny,
so gradient descent barely moves them: the early links learn extremely slowly (if at all) while
the last ones learn normally. This is the vanishing gradient that chapter 8 measures.

Grading: 1 point for the product (1/4)^20 (or "about 1e-12"), 1 point for the consequence (the
first link's parameters get almost no gradient and hardly learn)."""),
}
