"""Instructor material for chapter 16 (backpropagation through time): solutions and points."""
PER_STUDENT = True  # the exercises' ρ, share, T, k and s are each student's own (bpbook.variants)
EXERCISES = {
    "16.step-back": dict(
        points=2,
        solution="def step_back(W_hh, dh, h):\n    return W_hh.T @ (dh * h * (1 - h))",
        wrong="def step_back(W_hh, dh, h):\n    return W_hh.T @ (dh * (1 - h ** 2))"),
    "16.dW-hh": dict(
        points=2,
        solution="def dW_hh(delta, H, h0):\n"
                 "    return delta[:, 0] @ h0.T + sum(delta[:, t] @ H[:, t - 1].T\n"
                 "                                    for t in range(1, delta.shape[1]))",
        wrong="def dW_hh(delta, H, h0):\n"
              "    return sum(delta[:, t] @ H[:, t - 1].T for t in range(1, delta.shape[1]))"),
    "16.geometric": dict(
        points=1,
        solution="import math\n"
                 "answer = math.floor(math.log(GEOMETRIC_SHARE) / math.log(GEOMETRIC_RHO)) + 1",
        wrong="import math\n"
              "answer = math.floor(math.log(GEOMETRIC_SHARE) / math.log(GEOMETRIC_RHO))"),
    "16.reach": dict(
        points=1,
        solution="answer = REACH_S + REACH_K - 1",
        wrong="answer = REACH_T - REACH_K + 1"),
}
THINK = {}
