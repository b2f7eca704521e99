"""Instructor material for chapter 02: solutions, model answers and points."""
EXERCISES = {
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
