"""Instructor material for chapter 07 (reverse mode): solutions, model answers and points."""
EXERCISES = {
    "07.fd-passes": dict(points=1, solution="answer = 2 * len(PARAMS)",
                         wrong="answer = len(PARAMS)"),
    "07.reverse-count": dict(points=1, solution="answer = nodes + outputs * edges",
                             wrong="answer = nodes + edges"),
    "07.dual-tangent": dict(points=1,
                            solution="t = Dual(DUAL_AT, 1.0)\nanswer = (t.tanh() * t ** 2).dot",
                            wrong="t = Dual(DUAL_AT, 1.0)\nanswer = (t.tanh() * t ** 2).val"),
}
THINK = {}
