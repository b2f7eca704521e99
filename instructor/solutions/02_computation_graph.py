"""Instructor material for chapter 02 (the computation graph): solutions, model answers and
points."""
PER_STUDENT = True  # the exercises' numbers are each student's own (bpbook.variants)
EXERCISES = {
    "02.fan-out": dict(points=1, solution="answer = 2 * FAN_AT + 1",
                       wrong="answer = 2 * FAN_AT"),
    "02.passed-to-a1": dict(points=2, solution='answer = v_new["W2·a1"].grad * PASS_W2',
                            wrong='answer = v_new["W2·a1"].grad * v_new["a1"].data'),
    "02.softplus-backward": dict(
        points=2,
        solution=("def softplus_backward(x, out):\n"
                  "    x.grad += out.grad / (1 + math.exp(-x.data))"),
        wrong=("def softplus_backward(x, out):\n"
               "    x.grad = out.grad / (1 + math.exp(-x.data))"),
        # Hidden test: x.grad of the chapter's graph L = softplus(x)² + x² built with the
        # student's backward, at points the page does not show.
        probe=dict(setup=("from bpbook.chapters.ch02_computation_graph.engine_tour import "
                          "softplus_graph as _graph\n"
                          "_probe = [_graph(_x, softplus_backward)['x'].grad\n"
                          "          for _x in (-2.3, -0.4, 0.9, 3.1)]"),
                   value="_probe")),
    "02.gates": dict(points=1, solution="answer = max(q, r) + (p + q) * (q > r)",
                     wrong="answer = max(q, r)"),
}
THINK = {}
