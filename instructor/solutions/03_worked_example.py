"""Instructor material for chapter 03: solutions, model answers and points."""
EXERCISES = {
    "03.input-grad": dict(points=2, solution="answer = W1.T @ Delta1",
                          wrong="answer = Delta1.T @ W1"),
}
THINK = {}
