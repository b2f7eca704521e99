"""Instructor material for chapter 16 (backpropagation through time): solutions and points."""
EXERCISES = {
    "16.step-back": dict(
        points=2,
        solution="def step_back(W_hh, dh, h):\n    return W_hh.T @ (dh * (1 - h ** 2))",
        wrong="def step_back(W_hh, dh, h):\n    return W_hh.T @ dh"),
    "16.dW-hh": dict(
        points=2,
        solution="def dW_hh(delta, H):\n"
                 "    return sum(delta[:, t] @ H[:, t - 1].T for t in range(1, delta.shape[1]))",
        wrong="def dW_hh(delta, H):\n"
              "    return sum(delta[:, t] @ H[:, t].T for t in range(delta.shape[1]))"),
    "16.geometric": dict(
        points=1,
        solution="answer = GEOMETRIC_RHO ** (GEOMETRIC_T - 1)",
        wrong="answer = GEOMETRIC_RHO ** GEOMETRIC_T"),
    "16.reach": dict(
        points=1,
        solution="answer = REACH_T - REACH_K + 1",
        wrong="answer = REACH_T - REACH_K"),
}
THINK = {}
