"""Instructor material for chapter 02 (the computation graph): solutions, model answers and
points."""
EXERCISES = {
    "02.fan-out": dict(points=1, solution="answer = 2 * FAN_AT + 1",
                       wrong="answer = 2 * FAN_AT"),
    "02.passed-to-a1": dict(points=2, solution='answer = v_new["W2·a1"].grad * PASS_W2',
                            wrong='answer = v_new["W2·a1"].grad * v_new["a1"].data'),
    "02.fd-passes": dict(points=1, solution="answer = 2 * len(PARAMS)",
                         wrong="answer = len(PARAMS)"),
    "02.softplus-backward": dict(
        points=2,
        solution=("def softplus_backward(x, out):\n"
                  "    x.grad += out.grad / (1 + math.exp(-x.data))"),
        wrong=("def softplus_backward(x, out):\n"
               "    x.grad = out.grad / (1 + math.exp(-x.data))")),
    "02.gates": dict(points=1, solution="answer = max(y, z) + (x + y) * (y > z)",
                     wrong="answer = max(y, z) + (x + y)"),
    "02.reverse-count": dict(points=1, solution="answer = nodes + outputs * edges",
                             wrong="answer = nodes + edges"),
}
THINK = {}
