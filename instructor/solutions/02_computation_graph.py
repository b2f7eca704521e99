"""Instructor material for chapter 02 (the computation graph): solutions and points."""
EXERCISES = {
    "02.fan-out": dict(points=1, solution="answer = 2 * FAN_AT + 1",
                       wrong="answer = 2 * FAN_AT"),
    "02.passed-to-a1": dict(points=2, solution='answer = v_new["W2·a1"].grad * PASS_W2',
                            wrong='answer = v_new["W2·a1"].grad * v_new["a1"].data'),
    "02.fd-passes": dict(points=1, solution="answer = 2 * len(PARAMS)",
                         wrong="answer = len(PARAMS)"),
}
THINK = {}
