"""Instructor material for chapter 07 (reverse mode): solutions, model answers and points."""
PER_STUDENT = True  # every exercise: each student's own network or point (bpbook.variants)
EXERCISES = {
    "07.fd-passes": dict(
        points=1,
        solution="answer = 2 * sum(a * b + b for a, b in zip(FD_SIZES, FD_SIZES[1:]))",
        wrong="answer = sum(a * b + b for a, b in zip(FD_SIZES, FD_SIZES[1:]))"),
    "07.reverse-count": dict(points=1, solution="answer = nodes + outputs * edges",
                             wrong="answer = nodes + edges"),
    "07.dual-tangent": dict(points=1,
                            solution="t = Dual(DUAL_AT, 1.0)\nanswer = (t.tanh() * t ** 2).dot",
                            wrong="t = Dual(DUAL_AT, 1.0)\nanswer = (t.tanh() * t ** 2).val"),
}
THINK = {}
