"""Instructor material for chapter 06 (activation functions): solutions and points."""
EXERCISES = {
    "06.softplus-prime": dict(
        points=2,
        solution="def softplus_prime(z):\n    return 1 / (1 + np.exp(-z))",
        wrong="def softplus_prime(z):\n    return 1 / (1 + np.exp(z))"),
    "06.softmax-jacobian": dict(
        points=2,
        solution="def softmax_jacobian(s):\n    return np.diag(s) - np.outer(s, s)",
        wrong="def softmax_jacobian(s):\n    return -np.outer(s, s)"),
    "06.tanh-chain": dict(
        points=1,
        solution="import math\n\nanswer = (1 - math.tanh(TANH_CHAIN_AT) ** 2) ** 10",
        wrong="import math\n\nanswer = 10 * (1 - math.tanh(TANH_CHAIN_AT) ** 2)"),
}
THINK = {}
