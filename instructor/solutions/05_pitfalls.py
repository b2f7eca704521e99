"""Instructor material for chapter 05 (pitfalls): solutions and points."""
EXERCISES = {
    "05.sigmoid-bound": dict(points=1, solution="answer = 0.25 ** 10",
                             wrong="answer = 0.25 * 10"),
    "05.clip": dict(
        points=3,
        solution="""\
def clip(grads, max_norm):
    total = sum(float((g ** 2).sum()) for g in grads) ** 0.5
    scale = min(1.0, max_norm / total) if total > 0 else 1.0
    return [g * scale for g in grads]""",
        wrong="""\
def clip(grads, max_norm):
    return [g * min(1.0, max_norm / float((g ** 2).sum()) ** 0.5) for g in grads]"""),
    "05.off-fraction": dict(
        points=2,
        solution="def off_fraction_of(Z):\n    return float((Z <= 0).all(axis=1).mean())",
        wrong="def off_fraction_of(Z):\n    return float((Z <= 0).mean())"),
    "05.accumulated": dict(
        points=1,
        solution='from bpbook.worked import worked_example\n\nanswer = 3 * worked_example()["dW2"]',
        wrong='from bpbook.worked import worked_example\n\nanswer = worked_example()["dW2"]'),
}
THINK = {}
